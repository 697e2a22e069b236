/* tx.h: one audited write transaction, the one way a domain module writes.
 *
 * In the spirit of SQLite's string builder with a sticky error: tx_begin() borrows a
 * connection and opens a writing transaction; every tx_* call after it does nothing once a
 * call has failed, so the first error is the one kept (in t->rc and *t->e); tx_end() commits
 * when nothing failed, rolls back otherwise, gives the connection back and returns that first
 * error. A function that writes reads:
 *
 *	struct tx t;
 *	tx_begin(&t, db, a, e);
 *	tx_lock(&t, "stations", id, "联络站");        -- the row is ours until the end
 *	... tx_exec(&t, ...), tx_check(&t, module_fn(t.c, ..., t.e)) ...
 *	tx_audit(&t, "station.update", "station", id, before, after);
 *	return tx_end(&t);
 *
 * State changes carry the state they expect (tx_exec of "... WHERE id = ? AND state = ?"
 * then tx_expect_one), so a second concurrent step on the same item gets E_CONFLICT. */
#ifndef RENDA_TX_H
#define RENDA_TX_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"

struct tx {
	struct db *db;
	struct db_conn *c;     /* the borrowed connection; NULL after tx_end */
	const struct actor *a; /* who acts: audited with every record */
	struct err *e;         /* the caller's; holds the first error */
	int rc;                /* 0, or the first error */
	/* the audit records, appended at tx_end just before the commit: the chain's head is
	 * then the last lock the transaction takes, held only for the commit */
	struct tx_audit_entry *audits;
};

/* Borrows a connection and begins a writing transaction. */
void tx_begin(struct tx *t, struct db *db, const struct actor *a, struct err *e);
/* The same on a connection the caller already holds in an open transaction (a job, the
 * group commit): tx_end then neither commits nor releases, it only reports. */
void tx_join(struct tx *t, struct db_conn *c, const struct actor *a, struct err *e);

static inline int tx_ok(const struct tx *t)
{
	return t->rc == 0;
}

/* Keeps rc as the transaction's error when it is the first; returns t->rc. For calls into
 * other functions that follow the err convention: tx_check(&t, settings_int(t.c, ..., t.e)). */
int tx_check(struct tx *t, int rc);
/* Sets the error unless one is already kept; returns t->rc. */
int tx_fail(struct tx *t, int kind, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int tx_fail_field(struct tx *t, int kind, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* db_execv inside the transaction; out (may be NULL) is the caller's to free, and is NULL
 * when the call did nothing or failed. */
int tx_exec(struct tx *t, struct db_res **out, const char *sql, const char *types, ...);
/* db_intv inside the transaction: *v is 0 after a failure. */
int tx_int(struct tx *t, int64_t *v, const char *sql, const char *types, ...);
/* Locks the row `table`.id until the end of the transaction (SELECT ... FOR UPDATE where the
 * backend locks rows; SQLite's writing transaction already holds the database's write lock),
 * so what is read after it is the latest committed state. E_NOTFOUND "<what>不存在" when absent. */
int tx_lock(struct tx *t, const char *table, int64_t id, const char *what);
/* tx_lock, then the module's load of the item as t's actor may see it (E_NOTFOUND otherwise)
 * into *out (new, the caller's; NULL after a failure): the start of a write to one item. */
int tx_hold(struct tx *t, const char *table, int64_t id, const char *what,
	    int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	    json_t **out);
/* Whether a may see item id at all, before a write reads its body: the module's load (the same
 * read scope as its get) on a connection of its own, the item dropped; E_NOTFOUND otherwise. A
 * write checks who and which item before what, so that a denied actor or a foreign item is
 * refused whatever the body says; the write still holds and loads the item under its lock. */
int tx_visible(struct db *db, const struct actor *a, int64_t id,
	       int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	       struct err *e) WUR;
/* Deletes item id of table in a transaction of its own: tx_hold (with load and what), the DELETE,
 * the audit "<object_type>.delete" with the item before. A row that others still refer to is
 * E_CONFLICT "in_use" with the message in_use. */
int tx_delete(struct db *db, const struct actor *a, const char *table, int64_t id, const char *what,
	      int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	      const char *object_type, const char *in_use, struct err *e) WUR;
/* E_CONFLICT "stale" unless the last statement changed exactly one row: the guard of a state
 * change written as "... WHERE id = ? AND state = ?". */
int tx_expect_one(struct tx *t);

/* Appends the audit record of this write (before/after borrowed, may be NULL; their text is
 * taken now). The record is written by tx_end, in the same transaction, before the commit. */
int tx_audit(struct tx *t, const char *action, const char *object_type, int64_t id, json_t *before,
	     json_t *after);
/* The same for objects named by text (a region code, a setting's key). */
int tx_audit_s(struct tx *t, const char *action, const char *object_type, const char *object_id,
	       json_t *before, json_t *after);

/* Writes the audit records, commits when nothing failed, else rolls back; releases the
 * connection; returns t->rc. A joined transaction (tx_join) writes its records and only reports. */
int tx_end(struct tx *t) WUR;
/* tx_end, and after a commit *out = {"<key>": o} (new, the caller's); o (may be NULL) is
 * released either way. The end of a write that answers with the item as it now is. */
int tx_end_reply(struct tx *t, const char *key, json_t *o, json_t **out) WUR;

#endif
