/* db.h: the one storage interface. Two backends sit behind it (db_sqlite.c, db_pg.c), like
 * an event loop over epoll and kqueue; domain modules write portable SQL with `?` placeholders
 * and never know which backend runs it. Every value travels as text. */
#ifndef RENDA_DB_H
#define RENDA_DB_H

#include <stdarg.h>
#include <stdint.h>

#include "err.h"
#include "util.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };

struct db;      /* a pool of connections to one database */
struct db_conn; /* one connection, held by one thread at a time */

/* A query result: rows of text cells, NULL for SQL NULL. Owned by the caller: db_res_free(). */
struct db_chunk;
struct db_res {
	int nrows, ncols;
	char **cells; /* row-major, nrows * ncols; the texts live in chunks */
	size_t ncells, cap;
	struct db_chunk *chunks; /* the cells' texts, a few blocks instead of a malloc per cell */
};

/* Parameters for one statement. Strings are not copied: they must outlive the call. */
#define DB_MAX_PARAMS 24
struct db_params {
	int n;
	const char *v[DB_MAX_PARAMS];
	char is_int[DB_MAX_PARAMS];
	char owned[DB_MAX_PARAMS];
	char num[DB_MAX_PARAMS][24];
};

/* Called for each row of a scan; cells are borrowed for the call only (NULL for SQL NULL).
 * A non-zero return stops the scan. */
typedef int (*db_row_fn)(void *ctx, int ncols, const char *const *cells);

struct db_backend {
	const char *name;
	int (*connect)(const char *url, void **out, struct err *e);
	void (*disconnect)(void *c);
	int (*exec)(void *c, const char *sql, const struct db_params *p, struct db_res **out,
		    int64_t *changes, struct err *e);
	int (*script)(void *c, const char *sql, struct err *e);
	int (*each)(void *c, const char *sql, const struct db_params *p, db_row_fn fn, void *ctx,
		    struct err *e);
	const char *begin_write; /* the statement that starts a writing transaction */
	const char *lock_update; /* appended to a SELECT to lock its rows for writing, or "" */
	const char *lock_share;  /* the same for reading them stable, or "" */
	const char *noindex;     /* put before a column to keep the planner off its index, or "" */
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

/* Opens a pool of `size` connections to url ("sqlite:PATH" or "postgresql://..."). Does not
 * migrate. On success *out is owned by the caller (db_close). */
int db_open(const char *url, int size, struct db **out, struct err *e) WUR;
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_url(const struct db *db);

/* The database's cache for slot (enum cache_slot in cache.h): reads cached here are of this
 * database only, and writes through this handle invalidate them. */
struct cache *db_cache(struct db *db, int slot);
/* The same through one of its connections; NULL inside a writing transaction, which reads the
 * database itself (a write decides on what is stored, never on a cached copy). */
struct cache *db_conn_cache(struct db_conn *c, int slot);

/* Applies every migration not yet applied, each in its own transaction. */
int db_migrate(struct db *db, int *applied, struct err *e) WUR;
/* The highest migration version compiled into this binary. */
int db_schema_version(void);

/* Borrows a connection (blocks while all are in use); give it back with db_release. */
struct db_conn *db_acquire(struct db *db);
void db_release(struct db *db, struct db_conn *c);
enum db_kind db_conn_kind(const struct db_conn *c);

/* Transactions: one domain operation is one transaction. */
int db_begin(struct db_conn *c, struct err *e) WUR;      /* a writing transaction */
int db_begin_read(struct db_conn *c, struct err *e) WUR; /* a consistent read */
int db_commit(struct db_conn *c, struct err *e) WUR;
void db_rollback(struct db_conn *c); /* safe to call when none is open */

/* A consistent read on a borrowed connection: acquires one, begins a read, runs fn(c, ctx, e),
 * rolls back and releases it. Returns the begin's error or fn's result (its error in e). For
 * the reads of a domain operation, so that every query of one reply sees one snapshot. */
typedef int (*db_read_fn)(struct db_conn *c, void *ctx, struct err *e);
int db_read(struct db *db, db_read_fn fn, void *ctx, struct err *e) WUR;

/* Group commit: runs fn(c, ctx, e) in a savepoint of one writing transaction shared with the
 * callers that arrive while the previous group is committing, and returns only after that
 * transaction committed (its fsync covers the whole group). fn's failure rolls back its own
 * savepoint alone and is returned with its error in e; a failed commit fails every member.
 * fn must not begin, commit or roll back. For many small concurrent writes (public
 * submissions), whose throughput one fsync per request would bound. */
typedef int (*db_group_fn)(struct db_conn *c, void *ctx, struct err *e);
int db_group(struct db *db, db_group_fn fn, void *ctx, struct err *e) WUR;
/* db_group without waiting: queues fn(c, ctx, e) for the next group and returns at once. When
 * the group has committed or failed, *rc holds what db_group would return (its error in e) and
 * done(arg) is called once, on the thread that committed it (the database's committer thread,
 * started on first use, or a waiting db_group caller). ctx, e and rc must live until then. For a
 * request that answers after the commit without holding its thread (http.h's wait). */
void db_group_queue(struct db *db, db_group_fn fn, void *ctx, struct err *e, int *rc,
		    void (*done)(void *arg), void *arg);

/* Runs one statement. `out` may be NULL when no rows are wanted. Unique violations answer
 * E_CONFLICT with code "duplicate", foreign-key violations E_CONFLICT "in_use". */
int db_exec(struct db_conn *c, const char *sql, const struct db_params *p, struct db_res **out,
	    struct err *e) WUR;
/* Runs a query and hands each row to fn without copying it: for scans over many rows
 * (statistics), where a db_res would allocate every cell. At most 32 columns. */
/* db_exec with the parameters given inline: types has one letter per value, 'i' an int64_t,
 * 'n' an int64_t with 0 meaning SQL NULL (an optional reference), 's' a string (NULL for SQL
 * NULL): db_execv(c, &r, e, "... WHERE id = ?", "i", id). */
int db_execv(struct db_conn *c, struct db_res **out, struct err *e, const char *sql,
	     const char *types, ...) WUR;
void db_params_vadd(struct db_params *p, const char *types, va_list ap);
/* db_execv with the values in ap, for the functions that take them as db_execv does. */
int db_vexec(struct db_conn *c, struct db_res **out, struct err *e, const char *sql,
	     const char *types, va_list ap) WUR;
/* The first cell of a one-row query (parameters as db_execv's) as an integer in *v unless v is
 * NULL; 0 when there is no row. For an "INSERT ... RETURNING id", the new row's id. */
int db_intv(struct db_conn *c, int64_t *v, struct err *e, const char *sql, const char *types, ...) WUR;
/* Locks the row table.id for writing until the transaction ends; *found says whether it
 * exists. table is the caller's constant, never input. */
int db_lock_row(struct db_conn *c, const char *table, int64_t id, int *found, struct err *e) WUR;
/* " FOR UPDATE" / " FOR SHARE" where the backend locks rows, "" where its writing
 * transaction already excludes other writers (SQLite). */
const char *db_lock_clause(const struct db_conn *c, int exclusive);
/* Appends to sql the condition that alias (a row of table) matches the search text q, from
 * the backend's full-text index (SQLite: <table>_fts with FTS5; PostgreSQL: alias.search_tsv),
 * as text_match_sql in text.h: returns the number of terms (0: nothing searchable, nothing
 * appended) and sets *param to the one parameter to bind (malloc'd, the caller's). */
struct buf;
size_t db_text_match(const struct db_conn *c, const char *table, const char *alias, const char *q,
		     struct buf *sql, char **param);
/* "+" where the backend's planner is told to skip an index that way (SQLite), else "". */
const char *db_noindex(const struct db_conn *c);
/* A search newest first that walks table's full-text index from its newest entry down and stops
 * at the page (ids follow the order of creation), as SQL of this backend with alias naming the
 * table's rows: from joins the index to the rows, match is the condition (" AND ..."), order the
 * index's order, count counts the matches from the index alone. match and count each take the
 * values param[0..nparam-1] (malloc'd, freed by db_text_walk_free), in order. The query is q
 * with every term required, narrowed to the rows that carry the token of scope_path
 * (text_scope_tokens) unless scope_path is NULL. SQLite: FTS5's index, one value. PostgreSQL:
 * opinion_terms (migration 21) when table is opinions, without scope_path, and the query has at
 * most DB_WALK_TERMS terms: the rarest term's entries are walked and each other term is a probe
 * of the same index, one value per term; else the GIN index of search_tsv. *n is the number of terms (0: nothing
 * searchable). */
#define DB_WALK_TERMS 8
struct db_text_walk {
	char from[160], match[1024], order[64], count[1024];
	char *param[DB_WALK_TERMS];
	int nparam;
};
int db_text_walk(struct db_conn *c, const char *table, const char *alias, const char *q,
		 const char *scope_path, struct db_text_walk *w, size_t *n, struct err *e) WUR;
void db_text_walk_free(struct db_text_walk *w);
/* The FROM item of the elements of one JSON array parameter (one ?), a row each with the
 * element in column value; both backends read its parts with "value ->> n". */
const char *db_json_elements(const struct db_conn *c);
int db_each(struct db_conn *c, const char *sql, const struct db_params *p, db_row_fn fn, void *ctx,
	    struct err *e) WUR;
/* Rows changed by the last db_exec on this connection. */
int64_t db_changes(const struct db_conn *c);
/* Runs several statements (migrations). */
int db_script(struct db_conn *c, const char *sql, struct err *e) WUR;

/* SQLite online backup of the whole database to a file. */
int db_backup(struct db *db, const char *path, struct err *e) WUR;

void db_params_init(struct db_params *p);
void db_ps(struct db_params *p, const char *s); /* a text value, NULL for SQL NULL */
void db_pi(struct db_params *p, int64_t v);     /* an integer value */
void db_ps_own(struct db_params *p, char *s);   /* a text value the params own (malloc'd) */
void db_params_release(struct db_params *p);    /* frees the owned values */

void db_res_free(struct db_res *r);
static inline const char *db_val(const struct db_res *r, int row, int col)
{
	return r->cells[row * r->ncols + col];
}
/* The cell as an integer; 0 for NULL or text. */
int64_t db_int(const struct db_res *r, int row, int col);

/* Builds a db_res by appending cells row by row (for the backends). */
struct db_res *db_res_new(int ncols);
/* Appends a copy of len bytes of v (NULL: an SQL NULL) as the next cell. */
void db_res_push(struct db_res *r, const char *v, size_t len);

#endif
