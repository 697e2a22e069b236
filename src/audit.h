/* audit.h: the append-only audit trail (DOMAIN §35). Every write records who, when, from
 * where, what, and the object's before/after values, in the write's own transaction. */
#ifndef RENDA_AUDIT_H
#define RENDA_AUDIT_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* Appends one record inside the caller's open transaction. before/after are borrowed and
 * may be NULL. */
int audit_write(struct db_conn *c, const struct actor *a, const char *action, const char *object_type,
		const char *object_id, json_t *before, json_t *after, struct err *e) WUR;

struct audit_filter {
	const char *actor, *action, *object_type, *object_id;
	int64_t from, to; /* 0: open */
	int page, per_page;
};

/* Lists records newest first; only the auditor role may. *out is a new
 * {"items","total","page","per_page"} object owned by the caller. */
int audit_list(struct db *db, const struct actor *a, const struct audit_filter *f, json_t **out,
	       struct err *e) WUR;

#endif
