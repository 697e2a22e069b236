/* batch.h: one step of a domain on many items at once (the staff's lists: assign, close, chase
 * the rows selected; a meeting's attendance: sign in many members). Each item runs through the
 * domain's own function in its own audited transaction, so an item is done whole or not at all,
 * and one item's refusal does not undo the others: the reply says, per item, which were done
 * and why the others were refused. */
#ifndef RENDA_BATCH_H
#define RENDA_BATCH_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* A domain's step on item id with the request in (borrowed), as opinion_act. */
typedef int (*batch_step)(struct db *db, const struct actor *a, int64_t id, json_t *in,
			  json_t **out, struct err *e);

struct batch {
	const char *ids;      /* the request's array of ids: "ids" */
	const char *label;    /* what they are, for the messages: "意见" */
	const char *id_field; /* NULL: each id is the step's item; else each id goes into this
			       * field of the step's request ("deputy_id") and the step runs on item */
	int64_t item;
	const char *object_type; /* the audit's object of a refused item: "opinion" */
	const char *action;      /* the audit's action of a refused item: "opinion.batch" */
	batch_step step;
};

/* Runs b->step once per id of in[b->ids] (1 to LIMIT_BATCH_ITEMS distinct positive integers,
 * E_INVALID otherwise) with the other fields of in. *out (new, the caller's):
 * {"results": [{"id", "ok": true} | {"id", "ok": false, "error": {"code", "field"?, "message"}}],
 *  "done": n, "failed": m}, in the order given. Each refused item is audited as refused. */
int batch_run(struct db *db, const struct actor *a, const struct batch *b, json_t *in, json_t **out,
	      struct err *e) WUR;

#endif
