#include "demo_budget.h"

#include <stdio.h>
#include <string.h>

#include "budget.h"
#include "buf.h"
#include "calendar.h"
#include "util.h"

/* A township's general public budget by the functional classification (2024 edition, the lines a
 * township uses), with a weight of the whole and whether it is a key project. */
static const struct {
	const char *code, *name;
	int weight, key;
} items[] = {
	{"2010101", "人大事务·行政运行", 3, 0},
	{"2010108", "人大事务·代表工作", 1, 0},
	{"2010301", "政府办公厅（室）·行政运行", 12, 0},
	{"2010350", "政府办公厅（室）·事业运行", 4, 0},
	{"2013201", "党委办公厅（室）·行政运行", 5, 0},
	{"2050201", "普通教育·学前教育", 4, 0},
	{"2050202", "普通教育·小学教育", 6, 0},
	{"2080501", "行政事业单位养老·行政单位离退休", 5, 0},
	{"2081001", "社会福利·儿童福利", 1, 0},
	{"2081002", "社会福利·老年福利", 3, 0},
	{"2100408", "公共卫生·基本公共卫生服务", 4, 0},
	{"2110301", "污染防治·大气", 2, 0},
	{"2110302", "污染防治·水体", 3, 1},
	{"2120101", "城乡社区管理事务·行政运行", 4, 0},
	{"2120501", "城乡社区环境卫生", 6, 0},
	{"2130101", "农业农村·行政运行", 3, 0},
	{"2130122", "农业农村·农业生产发展", 5, 0},
	{"2130504", "乡村振兴·农村基础设施建设", 9, 1},
	{"2130705", "农村综合改革·对村民委员会和村党支部的补助", 6, 0},
	{"2210105", "保障性安居工程·农村危房改造", 2, 1},
	{"2299999", "其他支出", 2, 0},
};
/* The names of the levels above, by code. */
static const char *const parents[][2] = {
	{"201", "一般公共服务支出"},
	{"20101", "人大事务"},
	{"20103", "政府办公厅（室）及相关机构事务"},
	{"20132", "组织事务"},
	{"205", "教育支出"},
	{"20502", "普通教育"},
	{"208", "社会保障和就业支出"},
	{"20805", "行政事业单位养老支出"},
	{"20810", "社会福利"},
	{"210", "卫生健康支出"},
	{"21004", "公共卫生"},
	{"211", "节能环保支出"},
	{"21103", "污染防治"},
	{"212", "城乡社区支出"},
	{"21201", "城乡社区管理事务"},
	{"21205", "城乡社区环境卫生"},
	{"213", "农林水支出"},
	{"21301", "农业农村"},
	{"21305", "巩固脱贫攻坚成果衔接乡村振兴"},
	{"21307", "农村综合改革"},
	{"221", "住房保障支出"},
	{"22101", "保障性安居工程支出"},
	{"229", "其他支出"},
	{"22999", "其他支出"},
};

struct rnd {
	unsigned long long s;
};
static unsigned pick(struct rnd *r, unsigned n)
{
	r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((r->s >> 33) % n);
}

/* One document's lines: the leaf amounts, their parents the sums. */
static void lines_json(struct buf *b, const int64_t *leaf)
{
	buf_addc(b, '[');
	for (size_t p = 0; p < ARRAY_LEN(parents); p++) {
		const char *code = parents[p][0];
		int64_t sum = 0;
		for (size_t i = 0; i < ARRAY_LEN(items); i++)
			if (!strncmp(items[i].code, code, strlen(code)))
				sum += leaf[i];
		buf_addf(b, "%s[\"%s\",\"%s\",%lld,0]", p ? "," : "", code, parents[p][1], (long long)sum);
	}
	for (size_t i = 0; i < ARRAY_LEN(items); i++) {
		const char *dot = strstr(items[i].name, "·");
		buf_addf(b, ",[\"%s\",\"%s\",%lld,%d]", items[i].code,
			 dot ? dot + strlen("·") : items[i].name, (long long)leaf[i], items[i].key);
	}
	buf_addc(b, ']');
}

static int add_doc(struct db_conn *c, const char *region, const char *path, const char *name,
		   int year, const char *kind, int seq, const char *state, const int64_t *leaf,
		   int64_t *id, struct err *e)
{
	struct db_res *r = NULL;
	struct buf b;
	char title[300], sql[400];
	int64_t total = 0;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(items); i++)
		total += leaf[i];
	if (!strcmp(kind, "adjustment"))
		snprintf(title, sizeof(title), "%s%d年预算调整方案（第%d次）", name, year, seq);
	else
		snprintf(title, sizeof(title), "%s%d年%s", name, year,
			 !strcmp(kind, "budget") ? "预算" : "决算");
	if ((rc = db_execv(c, &r, e,
			   "INSERT INTO budgets (region_code, region_path, year, kind, seq, title, state, total_fen,"
			   " line_count, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
			   "ssisissiiii", region, path, (int64_t)year, kind, (int64_t)seq, title, state, total,
			   (int64_t)(ARRAY_LEN(items) + ARRAY_LEN(parents)), util_now(), util_now())))
		return rc;
	*id = db_int(r, 0, 0);
	db_res_free(r);
	buf_init(&b, 1 << 20);
	lines_json(&b, leaf);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_lines (budget_id, code, name, amount_fen, is_key) SELECT ?, value ->> 0,"
		 " value ->> 1, CAST(value ->> 2 AS BIGINT), CAST(value ->> 3 AS INTEGER) FROM %s",
		 db_json_elements(c));
	rc = db_execv(c, NULL, e, sql, "is", *id, b.data);
	buf_release(&b);
	return rc;
}

/* Execution to the end of each quarter up to last: most lines near the time-proportional plan,
 * some far behind, some ahead, some key projects untouched. */
static int add_exec(struct db_conn *c, struct rnd *r, int64_t id, const int64_t *leaf, int last,
		    struct err *e)
{
	int64_t spent[ARRAY_LEN(items)] = {0};
	char sql[400];
	int rc = 0;
	int slow = (int)pick(r, 3); /* the township's habit: 0 on time, 1 slow, 2 lumpy */

	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_exec (budget_id, quarter, code, spent_fen) SELECT ?, ?, value ->> 0,"
		 " CAST(value ->> 2 AS BIGINT) FROM %s",
		 db_json_elements(c));
	for (int q = 1; q <= last && !rc; q++) {
		struct buf b;
		for (size_t i = 0; i < ARRAY_LEN(items); i++) {
			int d = (int)pick(r, 100);
			int pct = 100;
			if (items[i].key && d < 40 + 20 * slow)
				pct = 0; /* the key project has not started */
			else if (d < 8 + 10 * slow)
				pct = 45 + (int)pick(r, 25);
			else if (d > 92 - 4 * (slow == 2))
				pct = 125 + (int)pick(r, 40);
			else
				pct = 88 + (int)pick(r, 25);
			spent[i] = leaf[i] * q * pct / 400;
		}
		buf_init(&b, 1 << 20);
		lines_json(&b, spent);
		rc = db_execv(c, NULL, e, sql, "iis", id, (int64_t)q, b.data);
		buf_release(&b);
	}
	if (!rc && last)
		rc = db_execv(c, NULL, e,
			      "UPDATE budgets SET exec_quarter = ?, exec_fen = (SELECT SUM(spent_fen) FROM budget_exec"
			      " WHERE budget_id = ? AND quarter = ? AND LENGTH(code) = 3) WHERE id = ?",
			      "iiii", (int64_t)last, id, (int64_t)last, id);
	return rc;
}

int demo_budgets(struct db_conn *c, unsigned seed, struct err *e)
{
	struct rnd r = {seed * 2654435761ULL + 97};
	struct db_res *regs = NULL;
	int y, m, d, rc;

	cal_ymd(cal_today(), &y, &m, &d);
	if ((rc = db_execv(c, &regs, e, "SELECT code, path, name FROM regions WHERE level IN ('township','district') ORDER BY code",
			   "")))
		return rc;
	for (int i = 0; i < regs->nrows && !rc; i++) {
		const char *code = db_val(regs, i, 0), *path = db_val(regs, i, 1),
			   *name = db_val(regs, i, 2);
		int64_t leaf[ARRAY_LEN(items)], adj[ARRAY_LEN(items)], fin[ARRAY_LEN(items)],
			id = 0, last_id = 0;
		/* a township spends some ten to thirty million yuan a year */
		int64_t whole = (10000000 + (int64_t)pick(&r, 20000000)) * 100;
		int weights = 0, last_q = (m - 1) / 3; /* the quarters ended this year */
		for (size_t k = 0; k < ARRAY_LEN(items); k++)
			weights += items[k].weight;
		for (size_t k = 0; k < ARRAY_LEN(items); k++) {
			leaf[k] = whole / weights * items[k].weight / 100 * 100;
			leaf[k] += (int64_t)pick(&r, 200) * 100000;
			fin[k] = leaf[k] * (90 + (int)pick(&r, 18)) / 100;
			adj[k] = leaf[k];
		}
		/* last year: approved, spent, and its final accounts under review or approved */
		if ((rc = add_doc(c, code, path, name, y - 1, "budget", 1, "approved", leaf, &last_id, e)) ||
		    (rc = add_exec(c, &r, last_id, leaf, 4, e)) ||
		    (rc = add_doc(c, code, path, name, y - 1, "final", 1,
				  i % 3 ? "approved" : "review", fin, &id, e)) ||
		    (rc = budget_refresh(c, last_id, e)))
			break;
		/* this year: approved, executed to the last quarter's end; an adjustment in some */
		if ((rc = add_doc(c, code, path, name, y, "budget", 1, "approved", leaf, &id, e)) ||
		    (rc = add_exec(c, &r, id, leaf, last_q ? last_q : 1, e)))
			break;
		if (i % 2 == 1) {
			int64_t adj_id = 0;
			adj[17] = leaf[17] * (110 + (int)pick(&r, 30)) / 100; /* more for the village roads */
			adj[14] = leaf[14] * 105 / 100;
			rc = add_doc(c, code, path, name, y, "adjustment", 1,
				     i % 4 == 1 ? "review" : "approved", adj, &adj_id, e);
		}
		if (!rc)
			rc = budget_refresh(c, id, e);
	}
	db_res_free(regs);
	return rc;
}
