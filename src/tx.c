#include "tx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"

void tx_begin(struct tx *t, struct db *db, const struct actor *a, struct err *e)
{
	t->db = db;
	t->a = a;
	t->e = e;
	t->audits = NULL;
	t->c = db_acquire(db);
	t->rc = db_begin(t->c, e);
}

void tx_join(struct tx *t, struct db_conn *c, const struct actor *a, struct err *e)
{
	t->db = NULL;
	t->a = a;
	t->e = e;
	t->c = c;
	t->rc = 0;
	t->audits = NULL;
}

int tx_check(struct tx *t, int rc)
{
	if (!t->rc && rc)
		t->rc = rc;
	return t->rc;
}

static int vfail(struct tx *t, int kind, const char *code, const char *field, const char *fmt, va_list ap)
{
	char msg[sizeof(t->e->msg)];
	if (t->rc)
		return t->rc;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (field)
		t->rc = err_field(t->e, kind, code, field, "%s", msg);
	else
		t->rc = err_set(t->e, kind, code, "%s", msg);
	return t->rc;
}

int tx_fail(struct tx *t, int kind, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(t, kind, code, NULL, fmt, ap);
	va_end(ap);
	return t->rc;
}

int tx_fail_field(struct tx *t, int kind, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(t, kind, code, field, fmt, ap);
	va_end(ap);
	return t->rc;
}

int tx_exec(struct tx *t, struct db_res **out, const char *sql, const char *types, ...)
{
	va_list ap;
	if (out)
		*out = NULL;
	if (t->rc)
		return t->rc;
	va_start(ap, types);
	t->rc = db_vexec(t->c, out, t->e, sql, types, ap);
	va_end(ap);
	return t->rc;
}

int tx_int(struct tx *t, int64_t *v, const char *sql, const char *types, ...)
{
	struct db_res *r = NULL;
	va_list ap;
	*v = 0;
	if (t->rc)
		return t->rc;
	va_start(ap, types);
	t->rc = db_vexec(t->c, &r, t->e, sql, types, ap);
	va_end(ap);
	if (!t->rc && r->nrows)
		*v = db_int(r, 0, 0);
	db_res_free(r);
	return t->rc;
}

int tx_lock(struct tx *t, const char *table, int64_t id, const char *what)
{
	int found;
	if (t->rc)
		return t->rc;
	if ((t->rc = db_lock_row(t->c, table, id, &found, t->e)))
		return t->rc;
	if (!found)
		t->rc = err_set(t->e, E_NOTFOUND, "not_found", "%s不存在", what);
	return t->rc;
}

int tx_visible(struct db *db, const struct actor *a, int64_t id,
	       int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	       struct err *e)
{
	struct db_conn *c = db_acquire(db);
	json_t *o = NULL;
	int rc = load(c, a, id, &o, e);
	json_decref(o);
	db_release(db, c);
	return rc;
}

int tx_hold(struct tx *t, const char *table, int64_t id, const char *what,
	    int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	    json_t **out)
{
	*out = NULL;
	if (tx_lock(t, table, id, what))
		return t->rc;
	return tx_check(t, load(t->c, t->a, id, out, t->e));
}

int tx_delete(struct db *db, const struct actor *a, const char *table, int64_t id, const char *what,
	      int (*load)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e),
	      const char *object_type, const char *in_use, struct err *e)
{
	struct tx t;
	json_t *before = NULL;
	char sql[96], action[64];
	int rc;

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ?", table);
	snprintf(action, sizeof(action), "%s.delete", object_type);
	tx_begin(&t, db, a, e);
	if (!tx_hold(&t, table, id, what, load, &before) && tx_exec(&t, NULL, sql, "i", id) == E_CONFLICT)
		err_set(e, E_CONFLICT, "in_use", "%s", in_use);
	tx_audit(&t, action, object_type, id, before, NULL);
	rc = tx_end(&t);
	json_decref(before);
	return rc;
}

int tx_expect_one(struct tx *t)
{
	if (!t->rc && db_changes(t->c) != 1)
		t->rc = err_set(t->e, E_CONFLICT, "stale", "该事项刚被其他人处理过，请刷新后再试");
	return t->rc;
}

int tx_audit(struct tx *t, const char *action, const char *object_type, int64_t id, json_t *before,
	     json_t *after)
{
	char sid[24];
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	return tx_audit_s(t, action, object_type, sid, before, after);
}

/* An audit record waiting for tx_end. */
struct tx_audit_entry {
	struct tx_audit_entry *next;
	char *action, *object_type, *object_id, *before, *after;
};

static void entry_free(struct tx_audit_entry *x)
{
	free(x->action);
	free(x->object_type);
	free(x->object_id);
	free(x->before);
	free(x->after);
	free(x);
}

int tx_audit_s(struct tx *t, const char *action, const char *object_type, const char *object_id,
	       json_t *before, json_t *after)
{
	struct tx_audit_entry *x, **tail = &t->audits;
	if (t->rc)
		return t->rc;
	x = xcalloc(1, sizeof(*x));
	x->action = xstrdup(action);
	x->object_type = xstrdup(object_type);
	x->object_id = xstrdup(object_id ? object_id : "");
	x->before = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	x->after = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	while (*tail)
		tail = &(*tail)->next;
	*tail = x;
	return 0;
}

/* Writes the waiting audit records (when nothing failed) and frees them either way. */
static void flush_audits(struct tx *t)
{
	for (struct tx_audit_entry *x = t->audits, *next; x; x = next) {
		next = x->next;
		if (!t->rc)
			t->rc = audit_append(t->c, t->a, AUDIT_DONE, x->action, x->object_type,
					     x->object_id, x->before, x->after, t->e);
		entry_free(x);
	}
	t->audits = NULL;
}

int tx_end(struct tx *t)
{
	if (!t->c)
		return t->rc;
	flush_audits(t);
	if (t->db) {
		if (!t->rc)
			t->rc = db_commit(t->c, t->e);
		db_rollback(t->c);
		db_release(t->db, t->c);
	}
	t->c = NULL;
	return t->rc;
}

int tx_end_reply(struct tx *t, const char *key, json_t *o, json_t **out)
{
	int rc = tx_end(t);
	if (!rc)
		*out = json_pack("{s:O}", key, o);
	json_decref(o);
	return rc;
}
