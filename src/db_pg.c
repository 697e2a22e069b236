/* db_pg.c: the PostgreSQL backend through libpq. Rewrites `?` placeholders to $n and maps
 * SQLSTATEs onto the common error kinds. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "limit.h"

static int pg_connect(const char *url, void **out, struct err *e)
{
	PGconn *h = PQconnectdb(url);
	if (PQstatus(h) != CONNECTION_OK) {
		err_set(e, E_DB, "db_open", "无法连接 PostgreSQL: %s", PQerrorMessage(h));
		PQfinish(h);
		return E_DB;
	}
	PQclear(PQexec(h, "SET client_min_messages = warning"));
	*out = h;
	return 0;
}

static void pg_disconnect(void *c)
{
	PQfinish(c);
}

/* Rewrites ? into $1, $2 ... outside quoted text. The caller frees the result; NULL when the
 * statement is over the cap (statements are the code's own, so this is a defect, not input). */
static char *rewrite(const char *sql)
{
	struct buf b = BUF_INIT_CAP(1 << 20);
	int n = 0;
	char q = 0;

	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			buf_addc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			q = *p;
			buf_addc(&b, *p);
		} else if (*p == '?') {
			buf_addf(&b, "$%d", ++n);
		} else {
			buf_addc(&b, *p);
		}
	}
	if (buf_failed(&b)) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int pg_error(PGresult *res, PGconn *h, struct err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state && strcmp(state, "23505") == 0)
		return err_set(e, E_CONFLICT, "duplicate", "记录已存在");
	if (state && strcmp(state, "23503") == 0)
		return err_set(e, E_CONFLICT, "in_use", "记录被引用或引用的记录不存在");
	if (state && strncmp(state, "23", 2) == 0)
		return err_set(e, E_INVALID, "constraint", "数据不符合约束: %s", PQerrorMessage(h));
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		return err_set(e, E_UNAVAILABLE, "busy", "数据库繁忙，请稍后重试");
	return err_set(e, E_DB, "db_error", "数据库错误: %s", PQerrorMessage(h));
}

static int pg_exec(void *c, const char *sql, const struct db_params *p, struct db_res **out,
		   int64_t *changes, struct err *e)
{
	PGconn *h = c;
	char *q = rewrite(sql);
	PGresult *res;
	ExecStatusType st;
	int rc = 0;

	if (!q)
		return err_set(e, E_INTERNAL, "internal", "查询语句过长");
	res = PQexecParams(h, q, p->n, NULL, p->v, NULL, NULL, 0);
	st = PQresultStatus(res);
	free(q);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_error(res, h, e);
		goto out;
	}
	{
		const char *n = PQcmdTuples(res);
		*changes = (n && *n) ? strtoll(n, NULL, 10) : 0;
	}
	if (out) {
		int rows = PQntuples(res), cols = PQnfields(res);
		struct db_res *r = db_res_new(cols);
		for (int i = 0; i < rows; i++)
			for (int j = 0; j < cols; j++)
				db_res_push(r, PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j),
					    (size_t)PQgetlength(res, i, j));
		*out = r;
	}
out:
	PQclear(res);
	return rc;
}

static int pg_each(void *c, const char *sql, const struct db_params *p, db_row_fn fn, void *ctx,
		   struct err *e)
{
	PGconn *h = c;
	char *q = rewrite(sql);
	PGresult *res;
	const char *cells[32];
	int rc = 0, rows, cols;

	if (!q)
		return err_set(e, E_INTERNAL, "internal", "查询语句过长");
	res = PQexecParams(h, q, p->n, NULL, p->v, NULL, NULL, 0);
	free(q);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_error(res, h, e);
		PQclear(res);
		return rc;
	}
	rows = PQntuples(res);
	cols = PQnfields(res) > 32 ? 32 : PQnfields(res);
	for (int i = 0; i < rows; i++) {
		for (int j = 0; j < cols; j++)
			cells[j] = PQgetisnull(res, i, j) ? NULL : PQgetvalue(res, i, j);
		if (fn(ctx, cols, cells))
			break;
	}
	PQclear(res);
	return 0;
}

static int pg_script(void *c, const char *sql, struct err *e)
{
	PGconn *h = c;
	PGresult *res = PQexec(h, sql);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(res, h, e);
	PQclear(res);
	return rc;
}

const struct db_backend db_pg_backend = {
	.name = "postgresql",
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.script = pg_script,
	.each = pg_each,
	.begin_write = "BEGIN",
	.lock_update = " FOR UPDATE",
	.lock_share = " FOR SHARE",
	.noindex = "",
};
