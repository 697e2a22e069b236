/* demo_project.h: the demo city's livelihood projects (project.h). */
#ifndef RENDA_DEMO_PROJECT_H
#define RENDA_DEMO_PROJECT_H

#include "db.h"

/* Three years of livelihood projects in every township and street, through every stage (rejected,
 * not chosen, published, implementing with milestones, reports and visits, done), inside the
 * caller's transaction; seed makes them repeatable. */
int demo_projects(struct db_conn *c, unsigned seed, struct err *e) WUR;

#endif
