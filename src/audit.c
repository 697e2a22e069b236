#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "role.h"
#include "rows.h"

int audit_write(struct db_conn *c, const struct actor *a, const char *action, const char *object_type,
		const char *object_id, json_t *before, json_t *after, struct err *e)
{
	struct db_params p;
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *f = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	db_params_init(&p);
	db_pi(&p, util_now());
	if (a->account_id)
		db_pi(&p, a->account_id);
	else
		db_ps(&p, NULL);
	db_ps(&p, a->username[0] ? a->username : "(system)");
	db_ps(&p, a->client_addr);
	db_ps(&p, action);
	db_ps(&p, object_type);
	db_ps(&p, object_id ? object_id : "");
	db_ps(&p, b);
	db_ps(&p, f);
	rc = db_exec(c,
		     "INSERT INTO audit (at, actor_id, actor, client_addr, action, object_type,"
		     " object_id, before, after) VALUES (?,?,?,?,?,?,?,?,?)",
		     &p, NULL, e);
	free(b);
	free(f);
	return rc;
}

int audit_list(struct db *db, const struct actor *a, const struct audit_filter *f, json_t **out,
	       struct err *e)
{
	static const struct col cols[] = {
		{"id", COL_INT},
		{"at", COL_INT},
		{"actor_id", COL_INT},
		{"actor", COL_STR},
		{"client_addr", COL_STR},
		{"action", COL_STR},
		{"object_type", COL_STR},
		{"object_id", COL_STR},
		{"before", COL_JSON},
		{"after", COL_JSON},
		{NULL, 0}};
	struct buf where = BUF_INIT_CAP(4096);
	struct listq q = {0};
	struct db_params p;
	struct db_res *r = NULL;
	struct db_conn *c;
	int rc;
	int64_t total;

	*out = NULL;
	if (!role_can(a->role, PERM_AUDIT_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有安全审计员可以查看审计日志");
	db_params_init(&p);
	buf_adds(&where, " WHERE 1=1");
	rows_filter_eq(&where, &p, f->actor, " AND actor = ?");
	rows_filter_eq(&where, &p, f->action, " AND action = ?");
	rows_filter_eq(&where, &p, f->object_type, " AND object_type = ?");
	rows_filter_eq(&where, &p, f->object_id, " AND object_id = ?");
	if (f->from) {
		buf_adds(&where, " AND at >= ?");
		db_pi(&p, f->from);
	}
	if (f->to) {
		buf_adds(&where, " AND at <= ?");
		db_pi(&p, f->to);
	}
	q.page = f->page;
	q.per_page = f->per_page;
	c = db_acquire(db);
	if ((rc = db_begin_read(c, e)) || (rc = rows_where_ok(&where, e)) ||
	    (rc = rows_page(c, "audit",
			    "SELECT id, at, actor_id, actor, client_addr, action, object_type, object_id,"
			    " before, after FROM audit",
			    where.data, &p, "id DESC", &q, &total, &r, e)))
		goto out;
	*out = rows_list_reply(rows_array(r, cols), total, &q);
out:
	db_rollback(c);
	db_release(db, c);
	db_res_free(r);
	buf_release(&where);
	return rc;
}
