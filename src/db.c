#include "db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "limit.h"
#include "text.h"

struct migration {
	int version;
	const char *name;
	const char *sqlite_sql;
	const char *pg_sql;
};
extern const struct migration db_migrations[]; /* generated from migrations/ */
extern const int db_migration_count;

struct db_conn {
	const struct db_backend *be;
	void *h;
	struct db *db; /* the handle it belongs to, for its caches */
	int64_t changes;
	int in_tx;
	int writing; /* in a writing transaction (db_begin) */
	int busy;
};

/* A member of a group commit: a caller waiting in db_group, or one queued by db_group_queue
 * (done set, the item malloc'd and freed once done has been called). */
struct group_item {
	db_group_fn fn;
	void *ctx;
	struct err *e;
	int rc, done;
	int *rc_out;
	void (*on_done)(void *arg);
	void *arg;
	struct group_item *next;
};

struct db {
	const struct db_backend *be;
	enum db_kind kind;
	char *url;
	int size;
	struct db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct cache *caches[CACHE_NSLOTS];
	/* group commit: callers queue here; one of them at a time commits a group */
	pthread_mutex_t group_lock;
	pthread_cond_t group_done;
	struct group_item *queue, **queue_tail;
	int committing;
	/* the committer: leads the groups of queued members, whose callers do not wait */
	pthread_t committer;
	int committer_running, committer_stop;
};

void db_params_init(struct db_params *p)
{
	p->n = 0;
}

void db_ps(struct db_params *p, const char *s)
{
	if (p->n >= DB_MAX_PARAMS)
		abort(); /* a programming error: statements have fixed parameter counts */
	p->is_int[p->n] = 0;
	p->owned[p->n] = 0;
	p->v[p->n++] = s;
}

void db_ps_own(struct db_params *p, char *s)
{
	db_ps(p, s);
	p->owned[p->n - 1] = 1;
}

void db_params_release(struct db_params *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->owned[i]) {
			free((char *)p->v[i]);
			p->owned[i] = 0;
		}
}

void db_pi(struct db_params *p, int64_t v)
{
	if (p->n >= DB_MAX_PARAMS)
		abort();
	snprintf(p->num[p->n], sizeof(p->num[0]), "%lld", (long long)v);
	p->is_int[p->n] = 1;
	p->owned[p->n] = 0;
	p->v[p->n] = p->num[p->n];
	p->n++;
}

struct db_res *db_res_new(int ncols)
{
	struct db_res *r = xcalloc(1, sizeof(*r));
	r->ncols = ncols;
	return r;
}

/* A block of cell texts: results are read whole then freed whole, so their texts are carved
 * from a few blocks (4 KiB, or one cell's size past it) rather than allocated one by one. */
struct db_chunk {
	struct db_chunk *next;
	size_t used, cap;
	char data[];
};
#define DB_CHUNK_BYTES 4096

void db_res_push(struct db_res *r, const char *v, size_t len)
{
	char *cell = NULL;
	if (v) {
		struct db_chunk *k = r->chunks;
		if (!k || k->cap - k->used < len + 1) {
			size_t cap = len + 1 > DB_CHUNK_BYTES ? len + 1 : DB_CHUNK_BYTES;
			k = xmalloc(sizeof(*k) + cap);
			k->used = 0;
			k->cap = cap;
			k->next = r->chunks;
			r->chunks = k;
		}
		cell = k->data + k->used;
		memcpy(cell, v, len);
		cell[len] = '\0';
		k->used += len + 1;
	}
	if (r->ncells == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->cells = xrealloc(r->cells, r->cap * sizeof(char *));
	}
	r->cells[r->ncells++] = cell;
	r->nrows = (int)(r->ncells / (size_t)r->ncols);
}

void db_res_free(struct db_res *r)
{
	if (!r)
		return;
	while (r->chunks) {
		struct db_chunk *k = r->chunks;
		r->chunks = k->next;
		free(k);
	}
	free(r->cells);
	free(r);
}

int64_t db_int(const struct db_res *r, int row, int col)
{
	const char *v = db_val(r, row, col);
	int64_t n = 0;
	if (v && util_parse_i64(v, &n) == 0)
		return n;
	return 0;
}

int db_open(const char *url, int size, struct db **out, struct err *e)
{
	const struct db_backend *be;
	enum db_kind kind;
	struct db *db;

	if (strncmp(url, "sqlite:", 7) == 0) {
		be = &db_sqlite_backend;
		kind = DB_SQLITE;
	} else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		be = &db_pg_backend;
		kind = DB_PG;
	} else {
		return err_set(e, E_INVALID, "bad_db_url", "数据库地址应为 sqlite:路径 或 postgresql://...");
	}
	if (size < 1)
		size = 1;
	if (size > LIMIT_DB_POOL)
		size = LIMIT_DB_POOL;
	db = xcalloc(1, sizeof(*db));
	db->be = be;
	db->kind = kind;
	db->url = xstrdup(url);
	db->size = size;
	db->conns = xcalloc((size_t)size, sizeof(*db->conns));
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	pthread_mutex_init(&db->group_lock, NULL);
	pthread_cond_init(&db->group_done, NULL);
	db->queue_tail = &db->queue;
	for (int i = 0; i < CACHE_NSLOTS; i++)
		db->caches[i] = cache_new(4096, CACHE_TTL_MS);
	for (int i = 0; i < size; i++) {
		db->conns[i].be = be;
		db->conns[i].db = db;
		if (be->connect(url, &db->conns[i].h, e)) {
			db_close(db);
			return e ? e->kind : E_DB;
		}
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->committer_running) {
		/* it commits what is still queued before it ends */
		pthread_mutex_lock(&db->group_lock);
		db->committer_stop = 1;
		pthread_cond_broadcast(&db->group_done);
		pthread_mutex_unlock(&db->group_lock);
		pthread_join(db->committer, NULL);
	}
	for (int i = 0; i < db->size; i++)
		if (db->conns[i].h)
			db->be->disconnect(db->conns[i].h);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->freed);
	pthread_mutex_destroy(&db->group_lock);
	pthread_cond_destroy(&db->group_done);
	for (int i = 0; i < CACHE_NSLOTS; i++)
		cache_free(db->caches[i]);
	free(db->conns);
	free(db->url);
	free(db);
}

struct cache *db_cache(struct db *db, int slot)
{
	return db->caches[slot];
}

struct cache *db_conn_cache(struct db_conn *c, int slot)
{
	return c->writing || !c->db ? NULL : c->db->caches[slot];
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

const char *db_url(const struct db *db)
{
	return db->url;
}

struct db_conn *db_acquire(struct db *db)
{
	struct db_conn *c = NULL;
	pthread_mutex_lock(&db->lock);
	for (;;) {
		for (int i = 0; i < db->size; i++) {
			if (!db->conns[i].busy) {
				c = &db->conns[i];
				break;
			}
		}
		if (c)
			break;
		pthread_cond_wait(&db->freed, &db->lock);
	}
	c->busy = 1;
	pthread_mutex_unlock(&db->lock);
	return c;
}

void db_release(struct db *db, struct db_conn *c)
{
	if (c->in_tx)
		db_rollback(c); /* a forgotten transaction must not leak into the next borrower */
	pthread_mutex_lock(&db->lock);
	c->busy = 0;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
}

enum db_kind db_conn_kind(const struct db_conn *c)
{
	return c->be == &db_sqlite_backend ? DB_SQLITE : DB_PG;
}

int db_exec(struct db_conn *c, const char *sql, const struct db_params *p, struct db_res **out,
	    struct err *e)
{
	static const struct db_params none;
	if (out)
		*out = NULL;
	c->changes = 0;
	return c->be->exec(c->h, sql, p ? p : &none, out, &c->changes, e);
}

void db_params_vadd(struct db_params *p, const char *types, va_list ap)
{
	for (const char *t = types; *t; t++) {
		if (*t == 'i') {
			db_pi(p, va_arg(ap, int64_t));
		} else if (*t == 'n') {
			int64_t v = va_arg(ap, int64_t);
			if (v)
				db_pi(p, v);
			else
				db_ps(p, NULL);
		} else
			db_ps(p, va_arg(ap, const char *));
	}
}

int db_vexec(struct db_conn *c, struct db_res **out, struct err *e, const char *sql,
	     const char *types, va_list ap)
{
	struct db_params p;
	int rc;
	db_params_init(&p);
	db_params_vadd(&p, types, ap);
	rc = db_exec(c, sql, &p, out, e);
	db_params_release(&p);
	return rc;
}

int db_execv(struct db_conn *c, struct db_res **out, struct err *e, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;
	va_start(ap, types);
	rc = db_vexec(c, out, e, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_intv(struct db_conn *c, int64_t *v, struct err *e, const char *sql, const char *types, ...)
{
	struct db_res *r = NULL;
	va_list ap;
	int rc;
	va_start(ap, types);
	rc = db_vexec(c, &r, e, sql, types, ap);
	va_end(ap);
	if (v)
		*v = !rc && r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return rc;
}

const char *db_lock_clause(const struct db_conn *c, int exclusive)
{
	return exclusive ? c->be->lock_update : c->be->lock_share;
}

size_t db_text_match(const struct db_conn *c, const char *table, const char *alias, const char *q,
		     struct buf *sql, char **param)
{
	return text_match_sql(c->be == &db_pg_backend, table, alias, q, sql, param);
}

const char *db_noindex(const struct db_conn *c)
{
	return c->be->noindex;
}

/* PostgreSQL's walk through opinion_terms: the query's terms as the database tokenizes them
 * (the same to_tsvector that fills the table), rarest first (each counted up to 1,000 entries),
 * so the walk starts from the shortest list. 0 and *n = 0
 * when there are more terms than the walk takes (the caller's GIN query is used instead). */
static int pg_terms(struct db_conn *c, const char *alias, const char *q, struct db_text_walk *w,
		    size_t *n, struct err *e)
{
	struct buf tokens = BUF_INIT_CAP(4096), probe = BUF_INIT_CAP(900);
	struct db_params p;
	struct db_res *r = NULL;
	int rc = 0;

	*n = 0;
	db_params_init(&p);
	text_tokens(q, &tokens);
	if (!tokens.len)
		goto out;
	db_ps(&p, tokens.data ? tokens.data : "");
	/* An overlong query goes on to the GIN query, which says so as before. */
	rc = buf_failed(&tokens)
		     ? 0
		     : db_exec(c,
			       "SELECT t FROM unnest(tsvector_to_array(to_tsvector('simple', ?))) t"
			       " ORDER BY (SELECT COUNT(*) FROM (SELECT 1 FROM opinion_terms x"
			       " WHERE x.term = t LIMIT 1000) y), t",
			       &p, &r, e);
	if (rc || !r || r->nrows > DB_WALK_TERMS)
		goto out;
	for (int i = 1; i < r->nrows; i++)
		buf_addf(&probe, " AND EXISTS (SELECT 1 FROM opinion_terms t%d WHERE t%d.term = ? AND t%d.id = t0.id)",
			 i, i, i);
	if (buf_failed(&probe))
		goto out;
	snprintf(w->from, sizeof(w->from), "opinion_terms t0 JOIN opinions %s ON %s.id = t0.id",
		 alias, alias);
	snprintf(w->order, sizeof(w->order), "t0.id DESC");
	snprintf(w->match, sizeof(w->match), " AND t0.term = ?%s", probe.data ? probe.data : "");
	snprintf(w->count, sizeof(w->count), "SELECT 1 FROM opinion_terms t0 WHERE t0.term = ?%s",
		 probe.data ? probe.data : "");
	for (int i = 0; i < r->nrows; i++)
		w->param[w->nparam++] = xstrdup(db_val(r, i, 0));
	*n = (size_t)r->nrows;
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&tokens);
	buf_release(&probe);
	return rc;
}

int db_text_walk(struct db_conn *c, const char *table, const char *alias, const char *q,
		 const char *scope_path, struct db_text_walk *w, size_t *n, struct err *e)
{
	int pg = c->be == &db_pg_backend;
	struct buf m = BUF_INIT_CAP(4096);
	int rc;

	memset(w, 0, sizeof(*w));
	*n = 0;
	/* Within a region the GIN query stays: the region's token is in most entries of a word, so
	 * probing it for each entry until 10,000 matches was slower than the bitmap (29 against 74
	 * ms at p50 for a county's 路灯 on a million opinions). */
	if (pg && !strcmp(table, "opinions") && !scope_path) {
		if ((rc = pg_terms(c, alias, q, w, n, e)) || *n)
			return rc;
	}
	*n = pg ? text_tsquery(q, &m) : text_fts5_query(q, &m);
	if (*n && scope_path)
		text_query_scope(pg, scope_path, &m);
	if (!*n || buf_failed(&m)) {
		buf_release(&m);
		*n = 0;
		return 0;
	}
	w->param[w->nparam++] = buf_detach(&m, NULL);
	if (pg) {
		snprintf(w->from, sizeof(w->from), "%s %s", table, alias);
		snprintf(w->match, sizeof(w->match), " AND %s.search_tsv @@ to_tsquery('simple', ?)", alias);
		snprintf(w->order, sizeof(w->order), "%s.id DESC", alias);
		snprintf(w->count, sizeof(w->count),
			 "SELECT 1 FROM %s %s WHERE %s.search_tsv @@ to_tsquery('simple', ?)",
			 table, alias, alias);
	} else {
		snprintf(w->from, sizeof(w->from), "%s_fts CROSS JOIN %s %s ON %s.id = %s_fts.rowid",
			 table, table, alias, alias, table);
		snprintf(w->match, sizeof(w->match), " AND %s_fts MATCH ?", table);
		snprintf(w->order, sizeof(w->order), "%s_fts.rowid DESC", table);
		snprintf(w->count, sizeof(w->count), "SELECT 1 FROM %s_fts WHERE %s_fts MATCH ?",
			 table, table);
	}
	return 0;
}

void db_text_walk_free(struct db_text_walk *w)
{
	for (int i = 0; i < w->nparam; i++)
		free(w->param[i]);
	w->nparam = 0;
}

const char *db_json_elements(const struct db_conn *c)
{
	return c->be == &db_pg_backend ? "json_array_elements(CAST(? AS json))" : "json_each(?)";
}

int db_lock_row(struct db_conn *c, const char *table, int64_t id, int *found, struct err *e)
{
	struct db_res *r = NULL;
	char sql[160];
	int rc;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE id = ?%s", table, c->be->lock_update);
	rc = db_execv(c, &r, e, sql, "i", id);
	*found = !rc && r->nrows > 0;
	db_res_free(r);
	return rc;
}

int db_each(struct db_conn *c, const char *sql, const struct db_params *p, db_row_fn fn, void *ctx,
	    struct err *e)
{
	static const struct db_params none;
	return c->be->each(c->h, sql, p ? p : &none, fn, ctx, e);
}

int64_t db_changes(const struct db_conn *c)
{
	return c->changes;
}

int db_script(struct db_conn *c, const char *sql, struct err *e)
{
	return c->be->script(c->h, sql, e);
}

int db_begin(struct db_conn *c, struct err *e)
{
	int rc = db_exec(c, c->be->begin_write, NULL, NULL, e);
	if (!rc)
		c->in_tx = c->writing = 1;
	return rc;
}

int db_begin_read(struct db_conn *c, struct err *e)
{
	int rc = db_exec(c, "BEGIN", NULL, NULL, e);
	if (!rc)
		c->in_tx = 1;
	return rc;
}

int db_commit(struct db_conn *c, struct err *e)
{
	int rc = db_exec(c, "COMMIT", NULL, NULL, e);
	if (rc)
		db_rollback(c);
	c->in_tx = c->writing = 0;
	return rc;
}

void db_rollback(struct db_conn *c)
{
	struct err ignored;
	if (!c->in_tx)
		return;
	if (db_exec(c, "ROLLBACK", NULL, NULL, &ignored))
		fprintf(stderr, "renda: rollback failed: %s\n", ignored.msg);
	c->in_tx = c->writing = 0;
}

int db_read(struct db *db, db_read_fn fn, void *ctx, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	int rc = db_begin_read(c, e);
	if (!rc)
		rc = fn(c, ctx, e);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* Whether a failure is the database's "busy" (a deadlock or a serialization failure on
 * PostgreSQL, a lock timeout on SQLite): the work was not wrong and may succeed if run again. */
static int is_busy(int rc, const struct err *e)
{
	return rc == E_UNAVAILABLE && e && strcmp(e->code, "busy") == 0;
}

/* One attempt at a group: one transaction, each member in its own savepoint. Returns the
 * transaction's error (ge), or E_UNAVAILABLE when a member was refused as busy: the attempt is
 * then rolled back as a whole, since the locks its earlier members hold may be what the other
 * transaction waits for. */
static int group_try(struct db *db, struct group_item *group, struct err *ge)
{
	struct db_conn *c = db_acquire(db);
	int rc = db_begin(c, ge), busy = 0;

	for (struct group_item *it = group; it && !rc && !busy; it = it->next) {
		if (it->e)
			err_clear(it->e);
		if ((rc = db_exec(c, "SAVEPOINT member", NULL, NULL, ge)))
			break;
		it->rc = it->fn(c, it->ctx, it->e);
		busy = is_busy(it->rc, it->e);
		if (it->rc)
			rc = db_exec(c, "ROLLBACK TO SAVEPOINT member", NULL, NULL, ge);
		if (!rc && !busy)
			rc = db_exec(c, "RELEASE SAVEPOINT member", NULL, NULL, ge);
	}
	if (busy && !rc)
		rc = err_set(ge, E_UNAVAILABLE, "busy", "数据库繁忙，请稍后重试");
	else if (!rc)
		rc = db_commit(c, ge);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* Runs a group. A group that met a deadlock or a serialization failure (two servers' groups
 * counting the same rate limits in different orders) is run again from the start, up to
 * LIMIT_DB_GROUP_TRIES times, after a short pause that grows with each try; its members see
 * only the last try. */
static void group_run(struct db *db, struct group_item *group)
{
	struct err ge = {0};
	int rc;

	for (int try = 1;; try++) {
		err_clear(&ge);
		for (struct group_item *it = group; it; it = it->next)
			it->rc = 0;
		rc = group_try(db, group, &ge);
		if (!is_busy(rc, &ge) || try >= LIMIT_DB_GROUP_TRIES)
			break;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now); /* a jitter, so two servers do not meet again */
		usleep((useconds_t)(1000 * try + now.tv_nsec % 1000));
	}
	if (rc) /* nothing of the group is stored: every member fails */
		for (struct group_item *it = group; it; it = it->next)
			if (!it->rc) {
				it->rc = rc;
				if (it->e)
					*it->e = ge;
			}
}

/* Leads one group (group_lock held, no group committing): takes everyone queued, up to
 * LIMIT_DB_GROUP, and commits them together; those who arrive meanwhile form the next group.
 * Waiting callers are woken; queued members' done callbacks are called with the lock released. */
static void group_lead(struct db *db)
{
	struct group_item *group = db->queue, *queued = NULL, **queued_tail = &queued;
	int n = 0;
	for (struct group_item *it = group; it && n < LIMIT_DB_GROUP; it = it->next)
		if (++n == LIMIT_DB_GROUP || !it->next) {
			db->queue = it->next;
			it->next = NULL;
			break;
		}
	if (!db->queue)
		db->queue_tail = &db->queue;
	db->committing = 1;
	pthread_mutex_unlock(&db->group_lock);
	group_run(db, group);
	pthread_mutex_lock(&db->group_lock);
	for (struct group_item *it = group, *next; it; it = next) {
		next = it->next; /* a waiting caller's item is gone once done */
		if (it->on_done) {
			*queued_tail = it;
			queued_tail = &it->next;
			*queued_tail = NULL;
		} else {
			it->done = 1;
		}
	}
	db->committing = 0;
	pthread_cond_broadcast(&db->group_done);
	pthread_mutex_unlock(&db->group_lock);
	for (struct group_item *it = queued, *next; it; it = next) {
		next = it->next;
		*it->rc_out = it->rc;
		it->on_done(it->arg);
		free(it);
	}
	pthread_mutex_lock(&db->group_lock);
}

int db_group(struct db *db, db_group_fn fn, void *ctx, struct err *e)
{
	struct group_item self = {fn, ctx, e, 0, 0, NULL, NULL, NULL, NULL};

	pthread_mutex_lock(&db->group_lock);
	*db->queue_tail = &self;
	db->queue_tail = &self.next;
	while (!self.done) {
		if (!db->committing)
			group_lead(db);
		else
			pthread_cond_wait(&db->group_done, &db->group_lock);
	}
	pthread_mutex_unlock(&db->group_lock);
	return self.rc;
}

static void *committer(void *arg)
{
	struct db *db = arg;
	pthread_mutex_lock(&db->group_lock);
	for (;;) {
		if (db->queue && !db->committing)
			group_lead(db);
		else if (db->committer_stop && !db->queue)
			break;
		else
			pthread_cond_wait(&db->group_done, &db->group_lock);
	}
	pthread_mutex_unlock(&db->group_lock);
	return NULL;
}

void db_group_queue(struct db *db, db_group_fn fn, void *ctx, struct err *e, int *rc,
		    void (*done)(void *arg), void *arg)
{
	struct group_item *it = xcalloc(1, sizeof(*it));
	it->fn = fn;
	it->ctx = ctx;
	it->e = e;
	it->rc_out = rc;
	it->on_done = done;
	it->arg = arg;
	pthread_mutex_lock(&db->group_lock);
	if (!db->committer_running) {
		if (pthread_create(&db->committer, NULL, committer, db)) {
			fputs("renda: cannot start the group commit thread\n", stderr);
			abort(); /* as on out-of-memory: the server cannot go on without it */
		}
		db->committer_running = 1;
	}
	*db->queue_tail = it;
	db->queue_tail = &it->next;
	if (!db->committing) /* the committer may be asleep; a group in progress wakes it when done */
		pthread_cond_broadcast(&db->group_done);
	pthread_mutex_unlock(&db->group_lock);
}

int db_schema_version(void)
{
	return db_migration_count ? db_migrations[db_migration_count - 1].version : 0;
}

int db_migrate(struct db *db, int *applied, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	int rc, done;

	if (applied)
		*applied = 0;
	rc = db_script(c,
		       "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
		       e);
	if (rc)
		goto out;
	for (int i = 0; i < db_migration_count; i++) {
		const struct migration *m = &db_migrations[i];
		struct db_params p;

		if ((rc = db_begin(c, e)))
			goto out;
		if (db_kind(db) == DB_PG &&
		    (rc = db_exec(c, "SELECT pg_advisory_xact_lock(72616)", NULL, NULL, e)))
			goto fail;
		/* Each version is looked up on its own: versions written on other branches may land
		 * later than a higher one, and every one not yet applied is applied. */
		db_params_init(&p);
		db_pi(&p, m->version);
		if ((rc = db_exec(c, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", &p, &r, e)))
			goto fail;
		done = db_int(r, 0, 0) > 0;
		db_res_free(r);
		r = NULL;
		if (done) {
			db_rollback(c);
			continue;
		}
		if ((rc = db_script(c, db_kind(db) == DB_PG ? m->pg_sql : m->sqlite_sql, e)))
			goto fail;
		db_params_init(&p);
		db_pi(&p, m->version);
		db_ps(&p, m->name);
		db_pi(&p, util_now());
		if ((rc = db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				  &p, NULL, e)))
			goto fail;
		if ((rc = db_commit(c, e)))
			goto out;
		if (applied)
			(*applied)++;
		continue;
fail:
		db_rollback(c);
		goto out;
	}
out:
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int db_backup(struct db *db, const char *path, struct err *e)
{
	extern int db_sqlite_backup(void *h, const char *path, struct err *e);
	struct db_conn *c;
	int rc;

	if (db->kind != DB_SQLITE)
		return err_set(e, E_INVALID, "backup_unsupported",
			       "在线备份仅支持 SQLite；PostgreSQL 请使用 pg_dump");
	c = db_acquire(db);
	rc = db_sqlite_backup(c->h, path, e);
	db_release(db, c);
	return rc;
}
