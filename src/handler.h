/* handler.h: government handling units (承办单位) of each region, which later reply to
 * opinions and suggestions. */
#ifndef RENDA_HANDLER_H
#define RENDA_HANDLER_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* Lists handling units within the actor's scope (region limits it to a subtree; active is
 * -1 for all). *out: a new {"items","total","page","per_page"}. */
int handler_list(struct db *db, const struct actor *a, const char *region, int active,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* id outside the scope answers E_NOTFOUND, so existence does not leak. */
int handler_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int handler_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int handler_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
int handler_delete(struct db *db, const struct actor *a, int64_t id, struct err *e) WUR;

/* For the demo: inserts inside the caller's transaction; *id receives the new id. */
int handler_insert(struct db_conn *c, const char *region, const char *name, const char *contact,
		   const char *phone, int64_t *id, struct err *e) WUR;

#endif
