#include "opinion_stats.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"

/* Period sizes in days, largest first: a year reads at most 7 days, 7 blocks of 8 days at
 * each end and 5 blocks of 64 (about 35 periods), and a write touches 3 periods per region. */
static const int grains[] = {64, 8, 1};

/* Appends [scope, kind, grain, period, key, delta] for every region above and at row's. */
static void add_rows(struct buf *b, const struct opinion_stat_row *row, int sign)
{
	int32_t day = cal_day_of(row->created_at);
	const char *path = row->path, *p;
	char cat[24], st[24];

	snprintf(cat, sizeof(cat), "%lld", (long long)row->category);
	snprintf(st, sizeof(st), "%lld", (long long)row->station);
	/* Each prefix of the path that ends in '/' after the leading one is a region's path. */
	for (p = path + 1; (p = strchr(p, '/')); p++) {
		char scope[160];
		size_t len = (size_t)(p - path) + 1;
		if (len >= sizeof(scope))
			break;
		memcpy(scope, path, len);
		scope[len] = '\0';
		for (size_t g = 0; g < ARRAY_LEN(grains); g++) {
			struct {
				int kind;
				const char *key;
			} k[3] = {{OPINION_STAT_CATEGORY, row->category ? cat : ""},
				  {OPINION_STAT_STATION, row->station ? st : NULL},
				  {OPINION_STAT_PLACE, row->place && *row->place ? row->place : NULL}};
			for (int i = 0; i < 3; i++) {
				if (!k[i].key)
					continue;
				buf_addc(b, b->len > 1 ? ',' : ' ');
				buf_addc(b, '[');
				buf_add_json_str(b, scope);
				buf_addf(b, ",%d,%d,%d,", k[i].kind, grains[g], day / grains[g]);
				buf_add_json_str(b, k[i].key);
				buf_addf(b, ",%d]", sign);
			}
		}
	}
}

int opinion_stats_change(struct db_conn *c, const struct opinion_stat_row *old,
			 const struct opinion_stat_row *now, struct err *e)
{
	struct buf b = BUF_INIT_CAP(256 * 1024);
	char sql[512];
	int rc;

	buf_addc(&b, '[');
	if (old)
		add_rows(&b, old, -1);
	if (now)
		add_rows(&b, now, 1);
	buf_addc(&b, ']');
	if (buf_failed(&b)) {
		buf_release(&b);
		return err_set(e, E_INTERNAL, "internal", "统计数据过长");
	}
	/* One statement for all the rows; equal keys (a change to the same period) are summed
	 * first, as an upsert may touch a row only once. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO opinion_stats (scope, kind, grain, period, key, n)"
		 " SELECT value ->> 0, CAST(value ->> 1 AS INTEGER), CAST(value ->> 2 AS INTEGER),"
		 " CAST(value ->> 3 AS INTEGER), value ->> 4, SUM(CAST(value ->> 5 AS INTEGER))"
		 " FROM %s GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (scope, kind, grain, period, key)"
		 " DO UPDATE SET n = opinion_stats.n + excluded.n",
		 db_json_elements(c));
	rc = db_execv(c, NULL, e, sql, "s", b.data);
	buf_release(&b);
	return rc;
}

int opinion_stats_rebuild(struct db_conn *c, struct err *e)
{
	static const char *const key[] = {"", "COALESCE(CAST(o.category_id AS TEXT), '')",
					  "CAST(o.station_id AS TEXT)", "o.place"};
	static const char *const cond[] = {"", "", " AND o.station_id IS NOT NULL", " AND o.place <> ''"};
	int rc = db_exec(c, "DELETE FROM opinion_stats", NULL, NULL, e);

	/* The statements of migration 6: one kind and grain at a time, a smaller sort each. */
	for (int k = OPINION_STAT_CATEGORY; k <= OPINION_STAT_PLACE && !rc; k++)
		for (size_t g = 0; g < ARRAY_LEN(grains) && !rc; g++) {
			char sql[1024];
			snprintf(sql, sizeof(sql),
				 "INSERT INTO opinion_stats (scope, kind, grain, period, key, n)"
				 " WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d"
				 " JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)"
				 " SELECT anc.scope, %d, %d, ((o.created_at + %d) / 86400) / %d, %s, COUNT(*)"
				 " FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1%s"
				 " GROUP BY 1, 2, 3, 4, 5",
				 k, grains[g], CAL_TZ_SECONDS, grains[g], key[k], cond[k]);
			rc = db_exec(c, sql, NULL, NULL, e);
		}
	return rc;
}

/* The periods that cover [from, to] exactly, largest blocks first, as runs of one grain:
 * (grain, first period, last period). Returns the number of runs (at most 5). */
static int cover(int32_t from, int32_t to, int32_t runs[][3])
{
	int n = 0;
	for (int32_t d = from; d <= to;) {
		int g = 1;
		for (size_t i = 0; i < ARRAY_LEN(grains); i++)
			if (d % grains[i] == 0 && (int64_t)d + grains[i] - 1 <= to) {
				g = grains[i];
				break;
			}
		if (n && runs[n - 1][0] == g && runs[n - 1][2] == d / g - 1)
			runs[n - 1][2] = d / g;
		else {
			runs[n][0] = g;
			runs[n][1] = runs[n][2] = d / g;
			n++;
		}
		d += g;
	}
	return n;
}

int opinion_stats_read(struct db_conn *c, const char *scope, int kind, int32_t from, int32_t to,
		       int limit, json_t **out, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(4096), inner = BUF_INIT_CAP(2048);
	struct db_params p;
	struct db_res *r = NULL;
	int32_t runs[8][3];
	int n = from <= to && from >= 0 ? cover(from, to, runs) : 0, rc;

	*out = NULL;
	/* One index range per run, joined with UNION ALL: an OR of the ranges would read every
	 * period of the scope. The numbers are computed here, only the scope is a parameter. */
	db_params_init(&p);
	buf_adds(&inner, "SELECT key, SUM(n) AS n FROM (");
	for (int i = 0; i < n; i++) {
		buf_addf(&inner,
			 "%sSELECT key, n FROM opinion_stats WHERE scope = ? AND kind = %d AND grain = %d"
			 " AND period BETWEEN %d AND %d",
			 i ? " UNION ALL " : "", kind, runs[i][0], runs[i][1], runs[i][2]);
		db_ps(&p, scope);
	}
	if (!n)
		buf_adds(&inner, "SELECT key, n FROM opinion_stats WHERE 1 = 0");
	buf_adds(&inner, ") u");
	buf_adds(&inner, " GROUP BY key HAVING SUM(n) > 0");
	if (kind == OPINION_STAT_CATEGORY)
		buf_addf(&sql,
			 "SELECT COALESCE(c.name, '未分类'), SUM(t.n) FROM (%s) t"
			 " LEFT JOIN opinion_categories c ON CAST(c.id AS TEXT) = t.key"
			 " GROUP BY c.name ORDER BY 2 DESC, 1",
			 inner.data);
	else if (kind == OPINION_STAT_STATION)
		buf_addf(&sql,
			 "SELECT s.name, SUM(t.n) FROM (%s) t JOIN stations s ON CAST(s.id AS TEXT) = t.key"
			 " GROUP BY s.name ORDER BY 2 DESC, 1",
			 inner.data);
	else
		buf_addf(&sql, "SELECT t.key, t.n FROM (%s) t ORDER BY 2 DESC, 1", inner.data);
	if (limit > 0)
		buf_addf(&sql, " LIMIT %d", limit);
	if (buf_failed(&sql) || buf_failed(&inner)) {
		rc = err_set(e, E_INTERNAL, "internal", "查询过长");
		goto out;
	}
	if ((rc = db_exec(c, sql.data, &p, &r, e)))
		goto out;
	*out = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(*out, json_pack("{s:s, s:I}", "name", db_val(r, i, 0),
						      "count", (json_int_t)db_int(r, i, 1)));
out:
	db_res_free(r);
	buf_release(&sql);
	buf_release(&inner);
	return rc;
}
