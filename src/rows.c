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

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
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

json_t *rows_list_reply(json_t *items, int64_t total, const struct listq *q)
{
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
			 q->page, "per_page", q->per_page);
}
