/* home.h: the office's home page: what is waiting for the user (the to-do counts) and the
 * header's one search box, each gathered from the domain modules that own the items, within the
 * user's role and region scope. */
#ifndef RENDA_HOME_H
#define RENDA_HOME_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "err.h"

/* The to-do counts of the actor, in one consistent read: *out (new, the caller's) is
 * {"items":[{"key","label","count","list","filter"}],"total"}, each count the total of the list
 * ("opinions", "suggestions", "motions", "meetings") with that filter; no items for a role with
 * nothing to do here (the administrators). */
int home_todo(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;
/* The search box: q (1 to LIMIT_QUERY_CHARS characters; E_INVALID on "q" when empty) as an
 * opinion's tracking code, a suggestion's or motion's number, a deputy's name, a meeting's
 * title, each kind by its module's reading rule. *out (new, the caller's) is
 * {"q","groups":[{"kind":"opinion|suggestion|motion|deputy|meeting","label","items":[...]}],
 * "total"}, only the kinds with results. */
int home_search(struct db *db, const struct actor *a, const char *q, json_t **out, struct err *e) WUR;

#endif
