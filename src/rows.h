/* rows.h: turns query rows into JSON objects by a column spec, one place for the type mapping. */
#ifndef RENDA_ROWS_H
#define RENDA_ROWS_H

#include <jansson.h>

#include <stddef.h>

#include "actor.h"
#include "buf.h"
#include "db.h"

enum col_type { COL_STR, COL_INT, COL_BOOL, COL_JSON };

struct col {
	const char *name;
	enum col_type type;
};

/* A new JSON object from row `row` of r; spec has one entry per column, ending with {NULL}.
 * NULL cells become JSON null. The caller owns the reference. */
json_t *rows_object(const struct db_res *r, int row, const struct col *spec);
/* A new JSON array with every row. */
json_t *rows_array(const struct db_res *r, const struct col *spec);
/* A new JSON string of v, or null when v is NULL (an SQL NULL). */
json_t *rows_str(const char *v);
/* The cell as a new JSON integer, or null when it is NULL. */
json_t *rows_int(const struct db_res *r, int row, int col);


/* Paging, search and sort of a list request, already bounded by the HTTP layer. */
struct listq {
	int page, per_page; /* page from 1; per_page within LIMIT_PAGE_MAX */
	const char *q;      /* search text or NULL */
	const char *sort;   /* "name", "-name", ... or NULL */
};

/* One page of a list: runs "SELECT COUNT(*) FROM <from><where>" for *total, then
 * "<select><where> ORDER BY <order> LIMIT ? OFFSET ?" for *page (owned by the caller), with
 * p's parameters (the paging ones are appended to p). */
int rows_page(struct db_conn *c, const char *from, const char *select, const char *where,
	      struct db_params *p, const char *order, const struct listq *q, int64_t *total,
	      struct db_res **page, struct err *e) WUR;
/* One page where an exact count would cost more than the page: *total counts at most cap rows
 * of "<count_sql> LIMIT cap+1" (its parameters cp; a cheaper form of the same rows, such as a
 * full-text index alone), and *capped says there are more. The page as rows_page. */
int rows_page_capped(struct db_conn *c, const char *count_sql, const struct db_params *cp,
		     const char *select, const char *where, struct db_params *p, const char *order,
		     const struct listq *q, int64_t cap, int64_t *total, int *capped,
		     struct db_res **page, struct err *e) WUR;
/* The rows of a page of ids (first column of ids, at most LIMIT_PAGE_MAX): "<select> WHERE <id>
 * IN (those ids) ORDER BY <order>" into *page (owned by the caller; select has no parameters). */
int rows_by_ids(struct db_conn *c, const char *select, const char *id, const struct db_res *ids,
		const char *order, struct db_res **page, struct err *e) WUR;
/* One page read in two steps, so that rows off the page are never joined nor built: the page's
 * ids by "SELECT <id> FROM <from><where> ORDER BY <order> LIMIT ? OFFSET ?" (the paging values
 * appended to p), then "<select> WHERE <id> IN (those ids) ORDER BY <order>" into *page (owned by
 * the caller; select has no parameters). *total counts "FROM <from><where>", at most cap rows
 * when cap > 0, then *capped is set (a lower bound, "10,000+"). */
int rows_page_ids(struct db_conn *c, const char *from, const char *id, const char *select,
		  const char *where, struct db_params *p, const char *order, const struct listq *q,
		  int64_t cap, int64_t *total, int *capped, struct db_res **page, struct err *e) WUR;
/* The list reply {"items","total","page","per_page"} (items is stolen). */
json_t *rows_list_reply(json_t *items, int64_t total, const struct listq *q);

/* ---- one item ---- */

/* Loads item id as actor a may see it: *out new, the caller's; E_NOTFOUND when it is absent or
 * out of the actor's sight. The shape of each module's load. */
typedef int (*rows_load_fn)(struct db_conn *c, const struct actor *a, int64_t id, json_t **out,
			    struct err *e);
/* Reads item id: when the actor may (may is NULL, or may(a, e) answers 0), with load in a
 * consistent read (db_read). On success *out is {"<key>": item}, or the item itself when key is
 * NULL (new, the caller's); NULL on failure. */
int rows_get(struct db *db, int (*may)(const struct actor *a, struct err *e), rows_load_fn load,
	     const struct actor *a, int64_t id, const char *key, json_t **out, struct err *e) WUR;
/* Row id of sql, whose WHERE ends in "<id> = ? AND <region path> LIKE ?", as an object of cols
 * when it lies in the actor's subtree (*out new, the caller's); E_NOTFOUND "<what>不存在" when
 * it is absent or outside. */
int rows_load_scoped(struct db_conn *c, const struct actor *a, const char *sql, int64_t id,
		     const struct col *cols, const char *what, json_t **out, struct err *e) WUR;
/* Runs sql with the parameters given inline (types as db_execv) and sets o's key to its rows,
 * an array of cols. */
int rows_attach(struct db_conn *c, json_t *o, const char *key, const struct col *cols,
		struct err *e, const char *sql, const char *types, ...) WUR;

/* ---- lists ---- */

/* A list's region scope: the subtree of the region a filter names (region_filter_path: within
 * the actor's scope, else E_NOTFOUND or E_FORBIDDEN) or of the actor's own region, appended to w
 * as cond (one ?, " WHERE r.path LIKE ?") with its pattern (owned by p). The region's path is
 * copied into path unless it is NULL. */
int rows_filter_scope(struct buf *w, struct db_params *p, struct db_conn *c, const struct actor *a,
		      const char *region, const char *cond, char *path, size_t pathlen, struct err *e) WUR;
/* An equality filter: when value is given (not NULL or ""), appends cond (one ?) and value. */
void rows_filter_eq(struct buf *w, struct db_params *p, const char *value, const char *cond);
/* A yes/no filter: "1" appends cond (no ?), "0" or none nothing; anything else is E_INVALID
 * "bad_param" on field. */
int rows_filter_flag(struct buf *w, const char *value, const char *cond, const char *field, struct err *e) WUR;
/* A filter on a state: when value is given it must have a name (name(value) not "", else
 * E_INVALID "bad_param" "状态无效" on "state"), then as rows_filter_eq. */
int rows_filter_state(struct buf *w, struct db_params *p, const char *value, const char *cond,
		      const char *(*name)(const char *state), struct err *e) WUR;
/* The due filter of items with deadlines: due, when given, is "overdue", "warn" or "open" (else
 * E_INVALID "bad_param" on "due"), and appends that one of cond (in this order): each ? of the
 * overdue condition takes today, the warning's take today then limit (the last day warned of). */
int rows_filter_due(struct buf *w, struct db_params *p, const char *due, const char *const cond[3],
		    const char *today, const char *limit, struct err *e) WUR;
/* A search of text, when given, in any of cols (NULL-ended): appends
 * " AND (<col> LIKE ? ESCAPE '\' OR ...)" with the pattern of rows_like (owned by p). */
void rows_filter_search(struct buf *w, struct db_params *p, const char *text, const char *const *cols);
/* A full-text search of text, when given, in table's index (db_text_match, alias naming its rows):
 * appends the condition and its parameter (owned by p). E_INVALID "bad_param" on q when the text
 * has nothing to search. */
int rows_filter_text(struct buf *w, struct db_params *p, struct db_conn *c, const char *table,
		     const char *alias, const char *text, struct err *e) WUR;
/* E_INTERNAL "too_long" when a list's WHERE clause outgrew the cap of its buffer. */
int rows_where_ok(const struct buf *w, struct err *e) WUR;

/* An equality filter of a rows_list, cond with one ?: a text applied when it is given (not NULL
 * or ""), or a number applied when by_num is set. */
struct rows_eq {
	const char *cond; /* " AND s.kind = ?"; NULL ends the filters */
	const char *text;
	int by_num;
	int64_t num;
};

/* A registry's list (accounts, handling units, stations): one page of the items in the actor's
 * scope, or in the subtree of the region the request names, with equality filters and a search
 * over a few columns. */
struct rows_list {
	const char *from;   /* FROM with its joins: "stations s JOIN regions r ON ..." */
	const char *select; /* "SELECT <the columns of cols> FROM <from>" */
	const struct col *cols;
	const char *scope;          /* the region path column the scope limits: "r.path" */
	const char *const *search;  /* the columns the search text is looked for in, NULL-ended */
	const struct rows_eq *eq;   /* the filters, ended by {NULL}; may be NULL */
	void (*each)(json_t *item); /* adds an item's derived fields; may be NULL */
	char order[128];            /* ORDER BY, set by rows_list_order */
};
/* The list's order: sort among allowed (rows_order; dflt when there is none), qualified with the
 * table's alias unless it is already, then the alias's id, so that pages are stable. */
int rows_list_order(struct rows_list *l, const char *alias, const char *sort,
		    const char *const *allowed, const char *dflt, struct err *e) WUR;
/* Runs list l for actor a in a consistent read: on success *out is the list reply
 * {"items","total","page","per_page"} (new, the caller's); NULL on failure. */
int rows_list_run(struct db *db, const struct actor *a, const char *region,
		  const struct rows_list *l, const struct listq *q, json_t **out, struct err *e) WUR;

/* "%text%" with %, _ and \ escaped for `LIKE ? ESCAPE '\'`; the caller frees it. */
char *rows_like(const char *text);
/* A list filter on an id: when value is given (not NULL or ""), appends cond (one ?, as
 * " AND o.station_id = ?") to w and the id to p. E_INVALID "bad_param" "<label>无效" on field
 * when value is not a whole number. */
int rows_filter_id(struct buf *w, struct db_params *p, const char *value, const char *cond,
		   const char *field, const char *label, struct err *e) WUR;
/* A list filter on the days from and to ("YYYY-MM-DD", each optional, both included) of col, a
 * Unix time: appends " AND <col> >= ?" and " AND <col> < ?" with the days' bounds to w and p.
 * E_INVALID "bad_param" on "from" or "to" for a date that does not parse. */
int rows_filter_days(struct buf *w, struct db_params *p, const char *col, const char *from,
		     const char *to, struct err *e) WUR;
/* The ORDER BY clause for sort among `allowed` ("name", "created_at", ..., NULL-ended),
 * or dflt when sort is absent. E_INVALID for a sort key that is not allowed. */
int rows_order(const char *sort, const char *const *allowed, const char *dflt, char *out,
	       size_t outlen, struct err *e) WUR;

#endif
