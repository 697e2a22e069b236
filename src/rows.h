/* rows.h: turns query rows into JSON objects by a column spec, one place for the type mapping. */
#ifndef RENDA_ROWS_H
#define RENDA_ROWS_H

#include <jansson.h>

#include <stddef.h>

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
/* The list reply {"items","total","page","per_page"} (items is stolen). */
json_t *rows_list_reply(json_t *items, int64_t total, const struct listq *q);

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
