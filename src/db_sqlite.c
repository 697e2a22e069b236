/* db_sqlite.c: the embedded backend. WAL, foreign keys, synchronous=FULL (a reply that says
 * "stored" goes out only after the commit is on disk), a busy timeout, and a small cache of
 * prepared statements per connection. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "limit.h"

struct sq {
	sqlite3 *h;
	struct {
		char *sql;
		sqlite3_stmt *st;
		unsigned long used;
	} cache[LIMIT_STMT_CACHE];
	unsigned long tick;
};

static int sq_error(sqlite3 *h, int rc, struct err *e)
{
	int ext = sqlite3_extended_errcode(h);
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, E_CONFLICT, "duplicate", "记录已存在");
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, E_CONFLICT, "in_use", "记录被引用或引用的记录不存在");
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return err_set(e, E_INVALID, "constraint", "数据不符合约束: %s", sqlite3_errmsg(h));
	if ((rc & 0xff) == SQLITE_BUSY)
		return err_set(e, E_UNAVAILABLE, "busy", "数据库繁忙，请稍后重试");
	return err_set(e, E_DB, "db_error", "数据库错误: %s", sqlite3_errmsg(h));
}

static int sq_connect(const char *url, void **out, struct err *e)
{
	const char *path = url + strlen("sqlite:");
	struct sq *s = xcalloc(1, sizeof(*s));
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &s->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(e, E_DB, "db_open", "无法打开数据库 %s: %s", path,
			s->h ? sqlite3_errmsg(s->h) : "?");
		sqlite3_close(s->h);
		free(s);
		return E_DB;
	}
	sqlite3_busy_timeout(s->h, LIMIT_DB_BUSY_MS);
	rc = sqlite3_exec(s->h,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  /* Reads through a shared mapping of the file rather than a copy per connection:
			   * scans of recent opinions (search, hot topics) read no page twice. */
			  "PRAGMA mmap_size=1073741824;"
			  /* LIKE 'prefix%' on region paths can then use their index, as in PostgreSQL
			   * (where LIKE is case-sensitive too). */
			  "PRAGMA case_sensitive_like=ON;",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_set(e, E_DB, "db_open", "无法设置数据库 %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(s->h);
		free(s);
		return E_DB;
	}
	*out = s;
	return 0;
}

static void sq_disconnect(void *c)
{
	struct sq *s = c;
	for (int i = 0; i < LIMIT_STMT_CACHE; i++) {
		sqlite3_finalize(s->cache[i].st);
		free(s->cache[i].sql);
	}
	sqlite3_close(s->h);
	free(s);
}

/* Finds or prepares the statement; the least recently used cache entry is replaced. */
static sqlite3_stmt *sq_prepare(struct sq *s, const char *sql, int *rc)
{
	int victim = 0;
	sqlite3_stmt *st;

	for (int i = 0; i < LIMIT_STMT_CACHE; i++) {
		if (s->cache[i].sql && strcmp(s->cache[i].sql, sql) == 0) {
			s->cache[i].used = ++s->tick;
			*rc = SQLITE_OK;
			return s->cache[i].st;
		}
		if (s->cache[i].used < s->cache[victim].used)
			victim = i;
	}
	*rc = sqlite3_prepare_v2(s->h, sql, -1, &st, NULL);
	if (*rc != SQLITE_OK)
		return NULL;
	sqlite3_finalize(s->cache[victim].st);
	free(s->cache[victim].sql);
	s->cache[victim].sql = xstrdup(sql);
	s->cache[victim].st = st;
	s->cache[victim].used = ++s->tick;
	return st;
}

/* Binds p's values to st (borrowed until the statement is reset); an SQLite result code. */
static int sq_bind(sqlite3_stmt *st, const struct db_params *p)
{
	int rc = SQLITE_OK;
	for (int i = 0; i < p->n && rc == SQLITE_OK; i++) {
		if (!p->v[i])
			rc = sqlite3_bind_null(st, i + 1);
		else if (p->is_int[i])
			rc = sqlite3_bind_int64(st, i + 1, strtoll(p->v[i], NULL, 10));
		else
			rc = sqlite3_bind_text(st, i + 1, p->v[i], -1, SQLITE_STATIC);
	}
	return rc;
}

/* Resets st for its next use after its last step's rc: SQLITE_DONE is success (0), anything
 * else the error, into e. */
static int sq_end(struct sq *s, sqlite3_stmt *st, int rc, struct err *e)
{
	rc = rc == SQLITE_DONE ? 0 : sq_error(s->h, rc, e);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* The prepared statement of sql with p bound, ready to step; the error into e otherwise. */
static int sq_start(struct sq *s, const char *sql, const struct db_params *p, sqlite3_stmt **st,
		    struct err *e)
{
	int rc;

	*st = sq_prepare(s, sql, &rc);
	if (!*st)
		return sq_error(s->h, rc, e);
	if ((rc = sq_bind(*st, p)) != SQLITE_OK)
		return sq_end(s, *st, rc, e);
	return 0;
}

static int sq_exec(void *c, const char *sql, const struct db_params *p, struct db_res **out,
		   int64_t *changes, struct err *e)
{
	struct sq *s = c;
	struct db_res *r = NULL;
	sqlite3_stmt *st;
	int rc, ncols;

	if ((rc = sq_start(s, sql, p, &st, e)))
		return rc;
	ncols = sqlite3_column_count(st);
	if (out)
		r = db_res_new(ncols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!r)
			continue;
		for (int i = 0; i < ncols; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			db_res_push(r, (const char *)t, t ? (size_t)sqlite3_column_bytes(st, i) : 0);
		}
	}
	if (rc == SQLITE_DONE)
		*changes = sqlite3_changes64(s->h);
	if ((rc = sq_end(s, st, rc, e))) {
		db_res_free(r);
		return rc;
	}
	if (out)
		*out = r;
	return 0;
}

static int sq_each(void *c, const char *sql, const struct db_params *p, db_row_fn fn, void *ctx,
		   struct err *e)
{
	struct sq *s = c;
	const char *cells[32];
	sqlite3_stmt *st;
	int rc, ncols;

	if ((rc = sq_start(s, sql, p, &st, e)))
		return rc;
	ncols = sqlite3_column_count(st);
	if (ncols > 32)
		ncols = 32;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncols; i++)
			cells[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(ctx, ncols, cells)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return sq_end(s, st, rc, e);
}

static int sq_script(void *c, const char *sql, struct err *e)
{
	struct sq *s = c;
	char *msg = NULL;
	int rc = sqlite3_exec(s->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_set(e, E_DB, "db_error", "数据库错误: %s", msg ? msg : sqlite3_errmsg(s->h));
		sqlite3_free(msg);
		return E_DB;
	}
	return 0;
}

int db_sqlite_backup(void *h, const char *path, struct err *e);
int db_sqlite_backup(void *h, const char *path, struct err *e)
{
	struct sq *s = h;
	sqlite3 *to;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open(path, &to);
	if (rc != SQLITE_OK) {
		err_set(e, E_INVALID, "backup_open", "无法创建备份文件 %s", path);
		sqlite3_close(to);
		return E_INVALID;
	}
	b = sqlite3_backup_init(to, "main", s->h, "main");
	if (!b) {
		err_set(e, E_DB, "backup_failed", "备份失败: %s", sqlite3_errmsg(to));
		sqlite3_close(to);
		return E_DB;
	}
	/* Copy in steps so writers are not blocked for the whole copy. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_set(e, E_DB, "backup_failed", "备份失败: %s", sqlite3_errstr(rc));
		sqlite3_close(to);
		return E_DB;
	}
	rc = sqlite3_close(to);
	return rc == SQLITE_OK ? 0 : err_set(e, E_DB, "backup_failed", "备份失败");
}

const struct db_backend db_sqlite_backend = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.script = sq_script,
	.each = sq_each,
	.begin_write = "BEGIN IMMEDIATE",
	.lock_update = "",
	.lock_share = "",
	.noindex = "+",
};
