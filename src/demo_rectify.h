/* demo_rectify.h: the demo city's rectifications (demo.c calls it). */
#ifndef RENDA_DEMO_RECTIFY_H
#define RENDA_DEMO_RECTIFY_H

#include "db.h"

/* About n rectifications of assigned opinions over the three years before today, in several
 * units, with problems in every state (some verified, some overdue, some reopened), inside the
 * caller's transaction; seed makes them repeatable. */
int demo_rectifications(struct db_conn *c, int n, unsigned seed, struct err *e) WUR;

#endif
