/* demo_supervision.h: the demo city's supervision items (demo.c calls it). */
#ifndef RENDA_DEMO_SUPERVISION_H
#define RENDA_DEMO_SUPERVISION_H

#include "db.h"

/* Three years of supervision plans in several units, in every state, in a transaction of its
 * own after the meetings (a rated item's rating is a vote at the township's session); seed makes
 * them repeatable. */
int demo_supervision(struct db *db, unsigned seed, struct err *e) WUR;

#endif
