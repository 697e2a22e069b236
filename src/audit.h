/* audit.h: the append-only audit trail (DOMAIN §35). Every write records who, when, from
 * where, what, the object's before/after values and its outcome (done, refused, failed); a
 * write's record goes in the write's own transaction, a refusal's or a reading's in one of its
 * own. The entries form an SM3 hash chain: each carries the hash of the one before it and its
 * own hash over its fields, and the one-row table audit_head holds the last id and hash, so an
 * edited, deleted or inserted entry is found by audit_verify. */
#ifndef RENDA_AUDIT_H
#define RENDA_AUDIT_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

#define AUDIT_DONE "done"
#define AUDIT_REFUSED "refused"
#define AUDIT_FAILED "failed"

/* Appends one entry with outcome done inside the caller's open writing transaction. before and
 * after are borrowed and may be NULL. On PostgreSQL it locks the chain's head row until the
 * transaction ends (callers append last, just before the commit: see tx_end). */
int audit_write(struct db_conn *c, const struct actor *a, const char *action, const char *object_type,
		const char *object_id, json_t *before, json_t *after, struct err *e) WUR;
/* The same with an outcome and before/after already as JSON text (borrowed, may be NULL). */
int audit_append(struct db_conn *c, const struct actor *a, const char *outcome, const char *action,
		 const char *object_type, const char *object_id, const char *before,
		 const char *after, struct err *e) WUR;
/* Appends one entry in a transaction of its own, shared with the group commit's other members
 * (db_group): a refused or failed write (after its rollback), a reading of personal data, an
 * export. Returns after the commit. after is borrowed, may be NULL. The caller holds no
 * connection of db and is not itself a member of a group. */
int audit_record(struct db *db, const struct actor *a, const char *outcome, const char *action,
		 const char *object_type, const char *object_id, json_t *after, struct err *e) WUR;

/* A request's reading, recorded without holding its HTTP thread: between audit_defer_begin and
 * audit_defer_end on one thread, the first audit_record with outcome done is queued for the group
 * commit (its arguments copied) and returns 0 at once; audit_defer_end hands it over. The router
 * then holds the reply until audit_deferred_wait's done has been called and sends it only when
 * audit_deferred_end returns 0, so no reply that needs its record goes out before the record is
 * on disk; on an error the reply is replaced by it. Further records in the same request are
 * written as usual (waiting). */
struct audit_deferred;
void audit_defer_begin(struct db *db);
/* NULL when nothing was deferred. */
struct audit_deferred *audit_defer_end(void);
/* Queues the record for the group commit; done(arg) runs on the committer once it is done. */
void audit_deferred_wait(struct audit_deferred *d, void (*done)(void *arg), void *arg);
/* The record's outcome (e filled on an error); frees d. */
int audit_deferred_end(struct audit_deferred *d, struct err *e) WUR;
/* Writes the record waiting for its commit (where the reply cannot wait); frees d. */
int audit_deferred_run(struct audit_deferred *d, struct err *e) WUR;

struct audit_filter {
	const char *actor, *action, *object_type, *object_id, *outcome;
	const char *region; /* entries of accounts in this region's subtree; NULL: the auditor's */
	int64_t from, to;   /* 0: open */
	int page, per_page;
};

/* Lists records newest first; only the auditor role may, and only the entries of accounts
 * whose region lies in its subtree (or in f->region's, which must lie in it: else E_FORBIDDEN
 * "out_of_scope"); entries without an account (the public, the system, the command line) only
 * an auditor of the tree's top region sees, and only without a region filter. *out is a new
 * {"items","total","page","per_page"} object owned by the caller. E_INVALID on an unknown
 * outcome. */
int audit_list(struct db *db, const struct actor *a, const struct audit_filter *f, json_t **out,
	       struct err *e) WUR;

/* What audit_verify found. */
struct audit_check {
	int64_t count;  /* chained entries checked */
	int64_t legacy; /* entries from before the chain existed (not chained) */
	int64_t bad_id; /* the first bad entry's id, 0 when the chain is whole */
	const char *why; /* a static Chinese sentence when bad_id (or the head) is wrong, else NULL */
	char head[65];   /* the chain's last hash as the head row holds it */
};
/* Walks the chain in one consistent read. Returns 0 with out filled (out->why != NULL when the
 * chain is broken), or an error when it could not be read. */
int audit_verify(struct db *db, struct audit_check *out, struct err *e) WUR;

/* {action: Chinese name} of every action the modules write by a fixed name (the step machines'
 * "<object>.<step>" are named by their own tables); a new object owned by the caller. */
json_t *audit_action_labels(void);
/* {outcome: Chinese name}; a new object. */
json_t *audit_outcome_labels(void);

#endif
