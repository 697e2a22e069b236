/* demo_budget.h: the demo city's budgets (demo.c calls it). */
#ifndef RENDA_DEMO_BUDGET_H
#define RENDA_DEMO_BUDGET_H

#include "db.h"

/* Last year's budget and final accounts and this year's budget (with execution to the last
 * quarter's end, an adjustment in some) of every township and district, inside the caller's
 * transaction, with their warnings; seed makes them repeatable. */
int demo_budgets(struct db_conn *c, unsigned seed, struct err *e) WUR;

#endif
