/* demo_suggestion.h: the demo city's suggestions (demo.c calls it). */
#ifndef RENDA_DEMO_SUGGESTION_H
#define RENDA_DEMO_SUGGESTION_H

#include "db.h"

/* n suggestions over the two years before today, in every state, inside the caller's
 * transaction; seed makes them repeatable. */
int demo_suggestions(struct db_conn *c, int n, unsigned seed, struct err *e) WUR;

#endif
