#include "rows.h"

json_t *rows_object(const struct db_res *r, int row, const struct col *spec)
{
	json_t *o = json_object();
	for (int i = 0; spec[i].name && i < r->ncols; i++) {
		const char *v = db_val(r, row, i);
		json_t *j;
		if (!v) {
			j = json_null();
		} else {
			switch (spec[i].type) {
			case COL_INT:
				j = json_integer(db_int(r, row, i));
				break;
			case COL_BOOL:
				j = json_boolean(db_int(r, row, i) != 0);
				break;
			case COL_JSON:
				j = json_loads(v, 0, NULL);
				if (!j)
					j = json_null();
				break;
			default:
				j = json_string(v);
				break;
			}
		}
		json_object_set_new(o, spec[i].name, j);
	}
	return o;
}

json_t *rows_array(const struct db_res *r, const struct col *spec)
{
	json_t *a = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(a, rows_object(r, i, spec));
	return a;
}

json_t *rows_str(const char *v)
{
	return v ? json_string(v) : json_null();
}

json_t *rows_int(const struct db_res *r, int row, int col)
{
	return db_val(r, row, col) ? json_integer(db_int(r, row, col)) : json_null();
}

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "region.h"
#include "util.h"

char *rows_like(const char *text)
{
	/* the API's search boxes hold LIMIT_QUERY_CHARS characters: at most 4 bytes each, doubled
	 * by escaping, fit */
	struct buf b = BUF_INIT_CAP(1024);
	buf_addc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '%');
	return buf_detach(&b, NULL);
}

int rows_filter_id(struct buf *w, struct db_params *p, const char *value, const char *cond,
		   const char *field, const char *label, struct err *e)
{
	int64_t v;
	if (!value || !*value)
		return 0;
	if (util_parse_i64(value, &v))
		return err_field(e, E_INVALID, "bad_param", field, "%s无效", label);
	buf_adds(w, cond);
	db_pi(p, v);
	return 0;
}

int rows_filter_days(struct buf *w, struct db_params *p, const char *col, const char *from,
		     const char *to, struct err *e)
{
	int32_t d;
	if (from && *from) {
		if (cal_parse(from, &d))
			return err_field(e, E_INVALID, "bad_param", "from", "开始日期应为 YYYY-MM-DD");
		buf_addf(w, " AND %s >= ?", col);
		db_pi(p, cal_day_start(d));
	}
	if (to && *to) {
		if (cal_parse(to, &d))
			return err_field(e, E_INVALID, "bad_param", "to", "结束日期应为 YYYY-MM-DD");
		buf_addf(w, " AND %s < ?", col);
		db_pi(p, cal_day_start(d + 1));
	}
	return 0;
}

int rows_order(const char *sort, const char *const *allowed, const char *dflt, char *out,
	       size_t outlen, struct err *e)
{
	const char *key;
	int desc = 0;

	if (!sort || !*sort) {
		snprintf(out, outlen, "%s", dflt);
		return 0;
	}
	key = sort;
	if (*key == '-') {
		desc = 1;
		key++;
	}
	if (util_one_of(key, allowed)) {
		snprintf(out, outlen, "%s %s", key, desc ? "DESC" : "ASC");
		return 0;
	}
	return err_field(e, E_INVALID, "bad_sort", "sort", "不支持按“%s”排序", sort);
}

/* The page itself: "<select><where> ORDER BY <order> LIMIT ? OFFSET ?" built in sql (reset
 * first), the paging values appended to p. */
static int page_of(struct db_conn *c, struct buf *sql, const char *select, const char *where,
		   struct db_params *p, const char *order, const struct listq *q,
		   struct db_res **page, struct err *e)
{
	buf_reset(sql);
	buf_addf(sql, "%s%s ORDER BY %s LIMIT ? OFFSET ?", select, where, order);
	db_pi(p, q->per_page);
	db_pi(p, (int64_t)(q->page - 1) * q->per_page);
	if (buf_failed(sql))
		return err_set(e, E_INTERNAL, "internal", "查询过长");
	return db_exec(c, sql->data, p, page, e);
}

int rows_page(struct db_conn *c, const char *from, const char *select, const char *where,
	      struct db_params *p, const char *order, const struct listq *q, int64_t *total,
	      struct db_res **page, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(16 * 1024);
	struct db_res *r = NULL;
	int rc;

	*page = NULL;
	buf_addf(&sql, "SELECT COUNT(*) FROM %s%s", from, where);
	if ((rc = db_exec(c, sql.data, p, &r, e)))
		goto out;
	*total = db_int(r, 0, 0);
	rc = page_of(c, &sql, select, where, p, order, q, page, e);
out:
	db_res_free(r);
	buf_release(&sql);
	return rc;
}

int rows_page_capped(struct db_conn *c, const char *count_sql, const struct db_params *cp, const char *select,
		     const char *where, struct db_params *p, const char *order, const struct listq *q,
		     int64_t cap, int64_t *total, int *capped, struct db_res **page, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(16 * 1024);
	struct db_res *r = NULL;
	int rc;

	*page = NULL;
	buf_addf(&sql, "SELECT COUNT(*) FROM (%s LIMIT %lld) t", count_sql, (long long)cap + 1);
	if ((rc = db_exec(c, sql.data, cp, &r, e)))
		goto out;
	*total = db_int(r, 0, 0);
	*capped = *total > cap;
	if (*capped)
		*total = cap;
	rc = page_of(c, &sql, select, where, p, order, q, page, e);
out:
	db_res_free(r);
	buf_release(&sql);
	return rc;
}

int rows_by_ids(struct db_conn *c, const char *select, const char *id, const struct db_res *ids,
		const char *order, struct db_res **page, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(16 * 1024);
	int rc;

	/* The page's rows alone, in the same order; a page holds at most LIMIT_PAGE_MAX ids. */
	buf_addf(&sql, "%s WHERE %s IN (0", select, id);
	for (int i = 0; i < ids->nrows; i++)
		buf_addf(&sql, ",%lld", (long long)db_int(ids, i, 0));
	buf_addf(&sql, ") ORDER BY %s", order);
	rc = buf_failed(&sql) ? err_set(e, E_INTERNAL, "internal", "查询过长")
			      : db_exec(c, sql.data, NULL, page, e);
	buf_release(&sql);
	return rc;
}

int rows_page_ids(struct db_conn *c, const char *from, const char *id, const char *select,
		  const char *where, struct db_params *p, const char *order, const struct listq *q,
		  int64_t cap, int64_t *total, int *capped, struct db_res **page, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(16 * 1024);
	struct db_res *r = NULL, *ids = NULL;
	struct buf idsel = BUF_INIT_CAP(1024);
	int rc;

	*page = NULL;
	*capped = 0;
	if (cap > 0)
		buf_addf(&sql, "SELECT COUNT(*) FROM (SELECT 1 FROM %s%s LIMIT %lld) t", from,
			 where, (long long)cap + 1);
	else
		buf_addf(&sql, "SELECT COUNT(*) FROM %s%s", from, where);
	if (buf_failed(&sql)) {
		rc = err_set(e, E_INTERNAL, "internal", "查询过长");
		goto out;
	}
	if ((rc = db_exec(c, sql.data, p, &r, e)))
		goto out;
	*total = db_int(r, 0, 0);
	if (cap > 0 && *total > cap) {
		*capped = 1;
		*total = cap;
	}
	buf_addf(&idsel, "SELECT %s FROM %s", id, from);
	if ((rc = buf_failed(&idsel) ? err_set(e, E_INTERNAL, "internal", "查询过长")
				     : page_of(c, &sql, idsel.data, where, p, order, q, &ids, e)))
		goto out;
	rc = rows_by_ids(c, select, id, ids, order, page, e);
out:
	db_res_free(r);
	db_res_free(ids);
	buf_release(&idsel);
	buf_release(&sql);
	return rc;
}

json_t *rows_list_reply(json_t *items, int64_t total, const struct listq *q)
{
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
			 q->page, "per_page", q->per_page);
}

/* ---- one item ---- */

struct get {
	rows_load_fn load;
	const struct actor *a;
	int64_t id;
	json_t *item;
};

static int get_item(struct db_conn *c, void *ctx, struct err *e)
{
	struct get *g = ctx;
	return g->load(c, g->a, g->id, &g->item, e);
}

int rows_get(struct db *db, int (*may)(const struct actor *a, struct err *e), rows_load_fn load,
	     const struct actor *a, int64_t id, const char *key, json_t **out, struct err *e)
{
	struct get g = {load, a, id, NULL};
	int rc;

	*out = NULL;
	if ((may && (rc = may(a, e))) || (rc = db_read(db, get_item, &g, e)))
		return rc;
	*out = key ? json_pack("{s:o}", key, g.item) : g.item;
	return 0;
}

int rows_load_scoped(struct db_conn *c, const struct actor *a, const char *sql, int64_t id,
		     const struct col *cols, const char *what, json_t **out, struct err *e)
{
	struct db_res *r;
	char pat[REGION_PATTERN_MAX];
	int rc;

	if ((rc = db_execv(c, &r, e, sql, "is", id, region_like_pattern(a->region_path, pat, sizeof(pat)))))
		return rc;
	if (r->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "%s不存在", what);
	else
		*out = rows_object(r, 0, cols);
	db_res_free(r);
	return rc;
}

int rows_attach(struct db_conn *c, json_t *o, const char *key, const struct col *cols,
		struct err *e, const char *sql, const char *types, ...)
{
	struct db_res *r;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_vexec(c, &r, e, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	json_object_set_new(o, key, rows_array(r, cols));
	db_res_free(r);
	return 0;
}

/* ---- lists ---- */

int rows_filter_scope(struct buf *w, struct db_params *p, struct db_conn *c, const struct actor *a,
		      const char *region, const char *cond, char *path, size_t pathlen, struct err *e)
{
	char own[160], pat[REGION_PATTERN_MAX];
	int rc;

	if (!path) {
		path = own;
		pathlen = sizeof(own);
	}
	if ((rc = region_filter_path(c, a, region, path, pathlen, e)))
		return rc;
	buf_adds(w, cond);
	db_ps_own(p, xstrdup(region_like_pattern(path, pat, sizeof(pat))));
	return 0;
}

void rows_filter_eq(struct buf *w, struct db_params *p, const char *value, const char *cond)
{
	if (!value || !*value)
		return;
	buf_adds(w, cond);
	db_ps(p, value);
}

int rows_filter_flag(struct buf *w, const char *value, const char *cond, const char *field, struct err *e)
{
	if (!value || !*value || !strcmp(value, "0"))
		return 0;
	if (strcmp(value, "1"))
		return err_field(e, E_INVALID, "bad_param", field, "筛选条件应为 1 或 0");
	buf_adds(w, cond);
	return 0;
}

int rows_filter_state(struct buf *w, struct db_params *p, const char *value, const char *cond,
		      const char *(*name)(const char *state), struct err *e)
{
	if (value && *value && !*name(value))
		return err_field(e, E_INVALID, "bad_param", "state", "状态无效");
	rows_filter_eq(w, p, value, cond);
	return 0;
}

int rows_filter_due(struct buf *w, struct db_params *p, const char *due, const char *const cond[3],
		    const char *today, const char *limit, struct err *e)
{
	if (!due || !*due)
		return 0;
	if (!strcmp(due, "overdue")) {
		buf_adds(w, cond[0]);
		for (const char *q = strchr(cond[0], '?'); q; q = strchr(q + 1, '?'))
			db_ps(p, today);
	} else if (!strcmp(due, "warn")) {
		buf_adds(w, cond[1]);
		db_ps(p, today);
		db_ps(p, limit);
	} else if (!strcmp(due, "open")) {
		buf_adds(w, cond[2]);
	} else {
		return err_field(e, E_INVALID, "bad_param", "due", "due 应为 warn、overdue 或 open");
	}
	return 0;
}

void rows_filter_search(struct buf *w, struct db_params *p, const char *text, const char *const *cols)
{
	char *like;

	if (!text || !*text || !cols[0])
		return;
	like = rows_like(text);
	for (size_t i = 0; cols[i]; i++) {
		buf_addf(w, "%s%s LIKE ? ESCAPE '\\'", i ? " OR " : " AND (", cols[i]);
		if (i)
			db_ps(p, like);
		else
			db_ps_own(p, like);
	}
	buf_addc(w, ')');
}

int rows_filter_text(struct buf *w, struct db_params *p, struct db_conn *c, const char *table,
		     const char *alias, const char *text, struct err *e)
{
	char *match = NULL;

	if (!text || !*text)
		return 0;
	if (!db_text_match(c, table, alias, text, w, &match))
		return err_field(e, E_INVALID, "bad_param", "q", "请输入要搜索的文字");
	db_ps_own(p, match);
	return 0;
}

int rows_where_ok(const struct buf *w, struct err *e)
{
	return buf_failed(w) ? err_set(e, E_INTERNAL, "too_long", "查询条件过长") : 0;
}

struct list_run {
	const struct actor *a;
	const char *region;
	const struct rows_list *l;
	const struct listq *q;
	json_t **out;
};

static int list_page(struct db_conn *c, void *ctx, struct err *e)
{
	const struct list_run *x = ctx;
	const struct rows_list *l = x->l;
	struct buf w = BUF_INIT_CAP(1024);
	struct db_params p;
	char cond[96];
	struct db_res *r = NULL;
	int64_t total;
	json_t *items;
	int rc;

	db_params_init(&p);
	snprintf(cond, sizeof(cond), " WHERE %s LIKE ?", l->scope);
	if ((rc = rows_filter_scope(&w, &p, c, x->a, x->region, cond, NULL, 0, e)))
		goto out;
	for (const struct rows_eq *f = l->eq; f && f->cond; f++) {
		if (f->by_num) {
			buf_adds(&w, f->cond);
			db_pi(&p, f->num);
		} else {
			rows_filter_eq(&w, &p, f->text, f->cond);
		}
	}
	rows_filter_search(&w, &p, x->q->q, l->search);
	if ((rc = rows_where_ok(&w, e)) ||
	    (rc = rows_page(c, l->from, l->select, w.data, &p, l->order, x->q, &total, &r, e)))
		goto out;
	items = rows_array(r, l->cols);
	for (size_t i = 0; l->each && i < json_array_size(items); i++)
		l->each(json_array_get(items, i));
	*x->out = rows_list_reply(items, total, x->q);
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&w);
	return rc;
}

int rows_list_order(struct rows_list *l, const char *alias, const char *sort,
		    const char *const *allowed, const char *dflt, struct err *e)
{
	char order[64];
	size_t n = strlen(alias);
	int rc, qualified;

	if ((rc = rows_order(sort, allowed, dflt, order, sizeof(order), e)))
		return rc;
	qualified = !strncmp(order, alias, n) && order[n] == '.';
	snprintf(l->order, sizeof(l->order), "%s%s%s, %s.id", qualified ? "" : alias,
		 qualified ? "" : ".", order, alias);
	return 0;
}

int rows_list_run(struct db *db, const struct actor *a, const char *region,
		  const struct rows_list *l, const struct listq *q, json_t **out, struct err *e)
{
	struct list_run x = {a, region, l, q, out};
	*out = NULL;
	return db_read(db, list_page, &x, e);
}
