#include "budget.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "settings.h"
#include "step.h"
#include "tx.h"
#include "vote.h"

/* ---- the rules ---- */

int budget_exec_flag(int64_t plan_fen, int64_t spent_fen, int quarter, int low_pct, int high_pct)
{
	/* spent against plan*quarter/4*pct/100, in integers: spent*400 against plan*quarter*pct;
	 * amounts are capped at 10^14 fen, so neither side overflows */
	int64_t spent = spent_fen * 400;
	if (quarter < 1 || quarter > 4)
		return 0;
	if (spent < plan_fen * quarter * low_pct)
		return -1;
	if (spent > plan_fen * quarter * high_pct)
		return 1;
	return 0;
}

int budget_adjust_flag(int64_t before_fen, int64_t after_fen, int share_pct)
{
	int64_t moved = after_fen > before_fen ? after_fen - before_fen : before_fen - after_fen;
	/* a line new in the adjustment (before 0) has moved beyond any share once it has money */
	return moved * 100 > before_fen * share_pct;
}

int budget_key_unspent(int64_t spent_fen, int quarter, int after_quarter)
{
	return spent_fen == 0 && quarter >= after_quarter;
}

int budget_code_ok(const char *code)
{
	size_t n = strlen(code);
	if (n != 3 && n != 5 && n != 7)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return 1;
}

int budget_code_parent(const char *code, char parent[8])
{
	size_t n = strlen(code);
	parent[0] = '\0';
	if (n != 5 && n != 7)
		return -1;
	memcpy(parent, code, n - 2);
	parent[n - 2] = '\0';
	return 0;
}

/* At most 10^12 yuan: no township's line comes near it, and the warnings' products fit. */
#define MAX_INT_DIGITS 12

int budget_parse_amount(const char *text, int64_t *fen)
{
	int64_t yuan = 0, cents = 0;
	int digits = 0, frac = 0, any = 0;
	const char *p = text;

	*fen = 0;
	if (*p == '-')
		return strlen(p) > 1 ? -2 : -1;
	if (*p == '+')
		p++;
	for (; *p && *p != '.'; p++) {
		if (*p == ',' && any)
			continue;
		if (*p < '0' || *p > '9')
			return -1;
		if (++digits > MAX_INT_DIGITS && (yuan || *p != '0'))
			return -3;
		yuan = yuan * 10 + (*p - '0');
		any = 1;
	}
	if (*p == '.') {
		const char *f = ++p;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return -1;
		if (!any && p == f)
			return -1;
		for (; *f && frac < 2; f++, frac++)
			cents = cents * 10 + (*f - '0');
		if (frac == 1)
			cents *= 10;
		if (*f) {
			/* a sum worked out in binary floating point ("1234.5600000000002" or
			 * "0.29999999999999999") is the cent it is next to; other digits are not cents */
			int zeros = strspn(f, "0") >= 4 || !f[strspn(f, "0")];
			int nines = strspn(f, "9") >= 4;
			if (!zeros && !nines)
				return -3;
			if (nines)
				cents++;
		}
	} else if (!any) {
		return -1;
	}
	*fen = yuan * 100 + cents;
	return 0;
}

/* ---- reading a sheet ---- */

void budget_lines_release(struct budget_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void lines_add(struct budget_lines *l, const char *code, const char *name, int64_t fen,
		      int key, size_t row)
{
	struct budget_line *x;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	x = &l->v[l->n++];
	snprintf(x->code, sizeof(x->code), "%s", code);
	x->name = xstrdup(name);
	x->fen = fen;
	x->key = key;
	x->row = row;
}

/* Trims blanks (also the full-width space) at both ends into a new string. */
static char *trimmed(const char *s)
{
	size_t n;
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (!strncmp(s, "\xe3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	return xstrndup(s, n);
}

enum { K_CODE, K_NAME, K_AMOUNT, K_KEY, NKEYS };
static const char *const col_names[NKEYS] = {"科目编码", "科目名称", "金额", "重点项目"};
/* The amount column's headers a finance office uses, by the start of the cell. */
static const char *const amount_heads[] = {"金额",       "预算数", "调整后预算数",
					   "调整预算数", "决算数", NULL};
static const char *const exec_heads[] = {"累计执行数", "执行数", "累计支出", "支出数", NULL};

static int starts_with_any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strncmp(s, *list, strlen(*list)))
			return 1;
	return 0;
}

static void add_error(json_t *errors, size_t row, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_error(json_t *errors, size_t row, const char *column, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	/* A few hundred errors are enough to act on. */
	if (json_array_size(errors) >= 500)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)row, "column",
						column, "message", msg));
}

static int line_cmp(const void *x, const void *y)
{
	return strcmp(((const struct budget_line *)x)->code, ((const struct budget_line *)y)->code);
}

static const struct budget_line *line_find(const struct budget_lines *l, const char *code)
{
	struct budget_line k;
	snprintf(k.code, sizeof(k.code), "%s", code);
	return bsearch(&k, l->v, l->n, sizeof(*l->v), line_cmp);
}

/* The header's row and the columns it names; a title typed above it is passed over. */
static int read_header(const struct sheet *s, int exec, int map[NKEYS], size_t *hrow, struct err *e)
{
	for (size_t r = 0; r < s->nrows && r < 10; r++) {
		for (int k = 0; k < NKEYS; k++)
			map[k] = -1;
		for (size_t i = 0; i < s->ncols[r]; i++) {
			char *h = trimmed(sheet_cell(s, r, i));
			if (!strcmp(h, col_names[K_CODE]))
				map[K_CODE] = (int)i;
			else if (!strncmp(h, col_names[K_NAME], strlen(col_names[K_NAME])))
				map[K_NAME] = (int)i;
			else if (starts_with_any(h, exec ? exec_heads : amount_heads))
				map[K_AMOUNT] = (int)i;
			else if (!exec && !strcmp(h, col_names[K_KEY]))
				map[K_KEY] = (int)i;
			free(h);
		}
		if (map[K_CODE] < 0)
			continue;
		*hrow = r;
		if (map[K_NAME] < 0)
			return err_set(e, E_INVALID, "bad_header",
				       "第%zu行缺少必需的列“科目名称”，请使用导入模板", r + 1);
		if (map[K_AMOUNT] < 0)
			return err_set(e, E_INVALID, "bad_header", "第%zu行缺少必需的列“%s”，请使用导入模板",
				       r + 1, exec ? "累计执行数（元）" : "金额（元）");
		return 0;
	}
	return err_set(e, E_INVALID, "bad_header", "前10行中没有“科目编码”列的表头，请使用导入模板");
}

static int is_total(const char *code, const char *name)
{
	return !strcmp(code, "合计") || !strcmp(code, "总计") ||
	       (!*code && (strstr(name, "合计") || strstr(name, "总计")));
}

int budget_sheet_lines(const struct sheet *s, int exec, json_t *errors, struct budget_lines *out,
		       struct err *e)
{
	int map[NKEYS];
	size_t hrow = 0, total_row = 0;
	int64_t total_fen = 0;
	const char *amount_col = exec ? "累计执行数" : "金额";
	int rc;

	memset(out, 0, sizeof(*out));
	if (s->nrows == 0)
		return err_set(e, E_INVALID, "empty_file", "文件中没有数据");
	if ((rc = read_header(s, exec, map, &hrow, e)))
		return rc;
	for (size_t r = hrow + 1; r < s->nrows; r++) {
		char *code = trimmed(
			map[K_CODE] < (int)s->ncols[r] ? sheet_cell(s, r, (size_t)map[K_CODE]) : "");
		char *name = trimmed(sheet_cell(s, r, (size_t)map[K_NAME]));
		char *amount = trimmed(sheet_cell(s, r, (size_t)map[K_AMOUNT]));
		char *key = map[K_KEY] >= 0 ? trimmed(sheet_cell(s, r, (size_t)map[K_KEY])) : xstrdup("");
		int64_t fen = 0;
		int bad = 0, arc;
		size_t row = r + 1;

		if (!*code && !*name && !*amount && !*key)
			goto next;
		arc = budget_parse_amount(amount, &fen);
		if (!*amount) {
			add_error(errors, row, amount_col, "请填写%s", amount_col);
			bad = 1;
		} else if (arc == -1) {
			add_error(errors, row, amount_col, "%s“%s”不是数字", amount_col, amount);
			bad = 1;
		} else if (arc == -2) {
			add_error(errors, row, amount_col, "%s不能为负数", amount_col);
			bad = 1;
		} else if (arc) {
			add_error(errors, row, amount_col, "%s“%s”应以元为单位，最多保留两位小数",
				  amount_col, amount);
			bad = 1;
		}
		if (is_total(code, name)) {
			if (total_row)
				add_error(errors, row, col_names[K_CODE],
					  "合计行出现了两次（另见第%zu行）", total_row);
			total_row = row;
			total_fen = bad ? -1 : fen;
			goto next;
		}
		if (!*code) {
			add_error(errors, row, col_names[K_CODE], "请填写科目编码");
			bad = 1;
		} else if (!budget_code_ok(code)) {
			add_error(errors, row, col_names[K_CODE],
				  "科目编码“%s”不符合功能分类科目的格式：应为3位（类）、5位（款）或7位（项）数字",
				  code);
			bad = 1;
		}
		if (!*name) {
			add_error(errors, row, col_names[K_NAME], "请填写科目名称");
			bad = 1;
		} else if (strlen(name) > 300) {
			add_error(errors, row, col_names[K_NAME], "科目名称过长");
			bad = 1;
		}
		if (*key && strcmp(key, "是") && strcmp(key, "否")) {
			add_error(errors, row, col_names[K_KEY], "重点项目应填“是”或“否”");
			bad = 1;
		}
		if (budget_code_ok(code))
			lines_add(out, code, name, bad ? -1 : fen, !strcmp(key, "是"), row);
next:
		free(code);
		free(name);
		free(amount);
		free(key);
	}
	if (out->n == 0 && json_array_size(errors) == 0)
		return err_set(e, E_INVALID, "empty_file", "文件中除表头外没有科目行");
	qsort(out->v, out->n, sizeof(*out->v), line_cmp);
	/* repeated codes, then each sublevel's parent, each parent's sum and the total */
	for (size_t i = 1; i < out->n; i++)
		if (!strcmp(out->v[i].code, out->v[i - 1].code))
			add_error(errors, out->v[i].row, col_names[K_CODE],
				  "科目编码“%s”重复（另见第%zu行）", out->v[i].code, out->v[i - 1].row);
	out->total = 0;
	for (size_t i = 0; i < out->n; i++) {
		const struct budget_line *x = &out->v[i];
		char parent[8];
		int64_t sum = 0;
		int children = 0, bad = x->fen < 0;
		if (!budget_code_parent(x->code, parent) && !line_find(out, parent))
			add_error(errors, x->row, col_names[K_CODE],
				  "科目编码“%s”的上级科目“%s”不在表中", x->code, parent);
		if (strlen(x->code) == 3)
			out->total = x->fen < 0 || out->total < 0 ? -1 : out->total + x->fen;
		for (size_t j = i + 1;
		     j < out->n && !strncmp(out->v[j].code, x->code, strlen(x->code)); j++) {
			/* a repeated code is an error of its own, counted once here */
			if (strlen(out->v[j].code) != strlen(x->code) + 2 ||
			    !strcmp(out->v[j].code, out->v[j - 1].code))
				continue;
			children = 1;
			if (out->v[j].fen < 0)
				bad = 1;
			sum += out->v[j].fen;
		}
		if (children && !bad && sum != x->fen)
			add_error(errors, x->row, amount_col,
				  "科目“%s %s”的%s %.2f 元不等于其下级科目之和 %.2f 元", x->code,
				  x->name, amount_col, (double)x->fen / 100, (double)sum / 100);
	}
	if (total_row && total_fen >= 0 && out->total >= 0 && total_fen != out->total)
		add_error(errors, total_row, amount_col, "合计 %.2f 元不等于各类级科目之和 %.2f 元",
			  (double)total_fen / 100, (double)out->total / 100);
	return 0;
}

int budget_template(int exec, enum sheet_format fmt, char **out, size_t *len, struct err *e)
{
	static const char *const lines[][4] = {
		{"201", "一般公共服务支出", "1200000.00", "否"},
		{"20103", "政府办公厅（室）及相关机构事务", "1200000.00", "否"},
		{"2010301", "行政运行", "1200000.00", "否"},
		{"213", "农林水支出", "3500000.00", "否"},
		{"21305", "巩固脱贫攻坚成果衔接乡村振兴", "3500000.00", "否"},
		{"2130504", "农村基础设施建设", "3500000.00", "是"},
	};
	struct sheet s;
	const char *row[4];
	int rc;

	sheet_init(&s);
	row[0] = exec ? "某镇预算执行情况表（截至季度末累计）" : "某镇一般公共预算支出表";
	sheet_add_row(&s, row, 1);
	row[0] = "科目编码";
	row[1] = "科目名称";
	row[2] = exec ? "累计执行数（元）" : "金额（元）";
	row[3] = "重点项目";
	sheet_add_row(&s, row, exec ? 3 : 4);
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		for (int k = 0; k < 4; k++)
			row[k] = lines[i][k];
		sheet_add_row(&s, row, exec ? 3 : 4);
	}
	row[0] = "";
	row[1] = "合计";
	row[2] = "4700000.00";
	sheet_add_row(&s, row, 3);
	rc = sheet_write(&s, fmt, exec ? "预算执行" : "预算", out, len, e);
	sheet_release(&s);
	return rc;
}

/* ---- the documents: rows and scope ---- */

static const char *const kind_names[][2] = {
	{"budget", "预算"}, {"adjustment", "预算调整方案"}, {"final", "决算"}};
static const char *const state_names[][2] = {{"draft", "草稿"}, {"review", "审查中"}, {"approved", "已批准"}};
static const char *const warning_names[][2] = {
	{"low", "执行偏慢"}, {"high", "执行偏快"}, {"adjust", "调整幅度过大"}, {"key_unspent", "重点项目资金未支出"}};

static const char *state_name(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
}

#define BUDGET_SELECT                                                                                     \
	"SELECT b.id, b.region_code, b.region_path, b.year, b.kind, b.seq, b.title, b.state, b.vote_id,"  \
	" b.total_fen, b.line_count, b.exec_quarter, b.exec_fen, b.warnings, b.created_at, b.updated_at," \
	" r.name FROM budgets b JOIN regions r ON r.code = b.region_code"
enum {
	B_ID,
	B_REGION,
	B_PATH,
	B_YEAR,
	B_KIND,
	B_SEQ,
	B_TITLE,
	B_STATE,
	B_VOTE,
	B_TOTAL,
	B_LINES,
	B_EXQ,
	B_EXFEN,
	B_WARN,
	B_CREATED,
	B_UPDATED,
	B_REGION_NAME
};

static json_t *row_json(const struct db_res *r, int i)
{
	const char *kind = db_val(r, i, B_KIND), *state = db_val(r, i, B_STATE);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, B_ID)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, B_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, B_REGION_NAME)));
	json_object_set_new(o, "year", json_integer(db_int(r, i, B_YEAR)));
	json_object_set_new(o, "kind", json_string(kind));
	json_object_set_new(o, "kind_name", json_string(UTIL_LABEL(kind_names, kind, "")));
	json_object_set_new(o, "seq", json_integer(db_int(r, i, B_SEQ)));
	json_object_set_new(o, "title", json_string(db_val(r, i, B_TITLE)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(state_name(state)));
	json_object_set_new(o, "vote_id", rows_int(r, i, B_VOTE));
	json_object_set_new(o, "total_fen", json_integer(db_int(r, i, B_TOTAL)));
	json_object_set_new(o, "line_count", json_integer(db_int(r, i, B_LINES)));
	json_object_set_new(o, "exec_quarter", json_integer(db_int(r, i, B_EXQ)));
	json_object_set_new(o, "exec_fen", json_integer(db_int(r, i, B_EXFEN)));
	json_object_set_new(o, "warnings", json_integer(db_int(r, i, B_WARN)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, B_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, B_UPDATED)));
	return o;
}

static int is_staff(const struct actor *a)
{
	return role_can(a->role, PERM_MEETING_RUN);
}

/* Who reads budgets at all: staff, and deputies for their own congress's. */
static int can_read(const struct actor *a, struct err *e)
{
	if (!is_staff(a) && !(role_is_deputy(a->role) && a->deputy_id))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看预算");
	return 0;
}

/* The deputy's mandate at the document's congress (any level, active). */
static int deputy_of(struct db_conn *c, const struct actor *a, const char *region, int *yes, struct err *e)
{
	int64_t n = 0;
	int rc = db_intv(c, &n, e, "SELECT COUNT(*) FROM mandates WHERE deputy_id = ? AND region_code = ? AND status = 'active'",
			 "is", a->deputy_id, region);
	*yes = n > 0;
	return rc;
}

/* Row id as a may see it: staff of its subtree; a deputy of its congress when not a draft. */
static int load_row(struct db_conn *c, const struct actor *a, int64_t id, struct db_res **out, struct err *e)
{
	int rc = db_execv(c, out, e, BUDGET_SELECT " WHERE b.id = ?", "i", id);
	int ok = 0;
	if (rc)
		return rc;
	if ((*out)->nrows && a) {
		if (is_staff(a))
			ok = region_path_in_scope(a, db_val(*out, 0, B_PATH));
		else if (role_is_deputy(a->role) && a->deputy_id &&
			 strcmp(db_val(*out, 0, B_STATE), "draft") &&
			 (rc = deputy_of(c, a, db_val(*out, 0, B_REGION), &ok, e)))
			goto fail;
	} else if ((*out)->nrows) {
		ok = 1;
	}
	if (ok)
		return 0;
	rc = err_set(e, E_NOTFOUND, "not_found", "预算文件不存在");
fail:
	db_res_free(*out);
	*out = NULL;
	return rc;
}

/* ---- warnings ---- */

struct plan_line {
	char code[8];
	int64_t plan, spent[5]; /* spent[q] for quarter q, -1 when not imported */
	int key, leaf;
};

static int plan_cmp(const void *x, const void *y)
{
	return strcmp(((const struct plan_line *)x)->code, ((const struct plan_line *)y)->code);
}

/* The plan in force of a region's year: the budget's lines with the amounts of its latest
 * approved adjustment where it has one (below_seq: only adjustments before it; 0 none at all,
 * -1 every approved one). *base is the budget's id (0 when the year has none). */
static int load_plan(struct db_conn *c, const char *region, int64_t year, int64_t below_seq,
		     int64_t *base, struct plan_line **out, size_t *n, struct err *e)
{
	struct db_res *r = NULL;
	int64_t adj = 0;
	int rc;

	*out = NULL;
	*n = 0;
	*base = 0;
	if ((rc = db_execv(c, &r, e, "SELECT id FROM budgets WHERE region_code = ? AND year = ? AND kind = 'budget'",
			   "si", region, year)))
		return rc;
	*base = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	r = NULL;
	if (!*base)
		return 0;
	if (below_seq != 0 &&
	    (rc = db_intv(c, &adj, e,
			  "SELECT COALESCE(MAX(id), 0) FROM budgets WHERE region_code = ? AND year = ? AND kind = 'adjustment'"
			  " AND state = 'approved' AND seq = (SELECT MAX(seq) FROM budgets WHERE region_code = ? AND year = ?"
			  " AND kind = 'adjustment' AND state = 'approved' AND (? < 0 OR seq < ?))",
			  "sisiii", region, year, region, year, below_seq, below_seq)))
		return rc;
	/* an adjustment lists the whole adjusted budget: its lines are the plan */
	if ((rc = db_execv(c, &r, e, "SELECT code, amount_fen, is_key FROM budget_lines WHERE budget_id = ? ORDER BY code",
			   "i", adj ? adj : *base)))
		return rc;
	*out = xcalloc(r->nrows ? (size_t)r->nrows : 1, sizeof(**out));
	for (int i = 0; i < r->nrows; i++) {
		struct plan_line *p = &(*out)[i];
		snprintf(p->code, sizeof(p->code), "%s", db_val(r, i, 0));
		p->plan = db_int(r, i, 1);
		p->key = (int)db_int(r, i, 2);
		for (int q = 0; q < 5; q++)
			p->spent[q] = -1;
	}
	*n = (size_t)r->nrows;
	db_res_free(r);
	/* key flags stay the budget's own when the plan is an adjustment's */
	if (adj) {
		if ((rc = db_execv(c, &r, e, "SELECT code FROM budget_lines WHERE budget_id = ? AND is_key = 1",
				   "i", *base)))
			return rc;
		for (int i = 0; i < r->nrows; i++) {
			struct plan_line k, *p;
			snprintf(k.code, sizeof(k.code), "%s", db_val(r, i, 0));
			if ((p = bsearch(&k, *out, *n, sizeof(**out), plan_cmp)))
				p->key = 1;
		}
		db_res_free(r);
	}
	for (size_t i = 0; i < *n; i++)
		(*out)[i].leaf = i + 1 == *n ||
				 strncmp((*out)[i + 1].code, (*out)[i].code, strlen((*out)[i].code));
	return 0;
}

static int load_exec(struct db_conn *c, int64_t base, struct plan_line *plan, size_t n, struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e, "SELECT quarter, code, spent_fen FROM budget_exec WHERE budget_id = ?",
			  "i", base);
	if (rc)
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		struct plan_line k, *p;
		int64_t q = db_int(r, i, 0);
		snprintf(k.code, sizeof(k.code), "%s", db_val(r, i, 1));
		if (q >= 1 && q <= 4 && (p = bsearch(&k, plan, n, sizeof(*plan), plan_cmp)))
			p->spent[q] = db_int(r, i, 2);
	}
	db_res_free(r);
	return 0;
}

/* Appends one warning row's JSON to b (the multi-row insert's parameter). */
static void warn_add(struct buf *b, int *first, const char *code, const char *kind, int q,
		     int64_t plan, int64_t actual)
{
	buf_addf(b, "%s[\"%s\",\"%s\",%d,%lld,%lld]", *first ? "" : ",", code, kind, q,
		 (long long)plan, (long long)actual);
	*first = 0;
}

static int warn_insert(struct db_conn *c, int64_t id, struct buf *b, struct err *e)
{
	char sql[512];
	if (buf_failed(b))
		return err_set(e, E_TOOLARGE, "too_large", "预警数据过多");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_warnings (budget_id, code, kind, quarter, plan_fen, actual_fen)"
		 " SELECT ?, value ->> 0, value ->> 1, CAST(value ->> 2 AS INTEGER), CAST(value ->> 3 AS BIGINT),"
		 " CAST(value ->> 4 AS BIGINT) FROM %s",
		 db_json_elements(c));
	return db_execv(c, NULL, e, sql, "is", id, b->data);
}

int budget_refresh(struct db_conn *c, int64_t id, struct err *e)
{
	struct db_res *r = NULL, *docs = NULL;
	struct plan_line *plan = NULL, *before = NULL;
	size_t n = 0, nb = 0;
	int64_t base = 0, year, base2;
	int low, high, share, keyq, rc, latest = 0;
	char region[16], path[160];
	struct buf b;

	buf_init(&b, (size_t)64 << 20);
	if ((rc = db_execv(c, &r, e, "SELECT region_code, region_path, year FROM budgets WHERE id = ?",
			   "i", id)))
		goto out;
	if (r->nrows == 0) {
		rc = err_set(e, E_NOTFOUND, "not_found", "预算文件不存在");
		goto out;
	}
	snprintf(region, sizeof(region), "%s", db_val(r, 0, 0));
	snprintf(path, sizeof(path), "%s", db_val(r, 0, 1));
	year = db_int(r, 0, 2);
	if ((rc = settings_int(c, path, "budget.exec_low_pct", &low, e)) ||
	    (rc = settings_int(c, path, "budget.exec_high_pct", &high, e)) ||
	    (rc = settings_int(c, path, "budget.adjust_share_pct", &share, e)) ||
	    (rc = settings_int(c, path, "budget.key_unspent_quarter", &keyq, e)) ||
	    (rc = db_execv(c, NULL, e,
			   "DELETE FROM budget_warnings WHERE budget_id IN"
			   " (SELECT id FROM budgets WHERE region_code = ? AND year = ?)",
			   "si", region, year)) ||
	    (rc = db_execv(c, NULL, e, "UPDATE budgets SET warnings = 0 WHERE region_code = ? AND year = ?",
			   "si", region, year)) ||
	    (rc = load_plan(c, region, year, -1, &base, &plan, &n, e)))
		goto out;
	if (!base)
		goto out;
	/* execution against the plan in force, at each imported quarter's end, leaf lines */
	if ((rc = load_exec(c, base, plan, n, e)))
		goto out;
	{
		int first = 1, count = 0;
		for (int q = 1; q <= 4; q++)
			for (size_t i = 0; i < n; i++)
				if (plan[i].spent[q] >= 0)
					latest = q;
		buf_addc(&b, '[');
		for (size_t i = 0; i < n; i++) {
			const struct plan_line *p = &plan[i];
			for (int q = 1; q <= 4; q++) {
				int64_t spent = p->spent[q];
				int flag;
				if (spent < 0 && latest >= q)
					spent = 0; /* a line left out of a quarter's file spent nothing */
				if (spent < 0 || !p->leaf)
					continue;
				flag = budget_exec_flag(p->plan, spent, q, low, high);
				if (flag)
					warn_add(&b, &first, p->code, flag < 0 ? "low" : "high", q,
						 p->plan, spent);
				if (p->key && p->plan > 0 && budget_key_unspent(spent, q, keyq))
					warn_add(&b, &first, p->code, "key_unspent", q, p->plan, spent);
				if (q == latest &&
				    (flag || (p->key && p->plan > 0 && budget_key_unspent(spent, q, keyq))))
					count += 1 + (flag && p->key && p->plan > 0 &&
						      budget_key_unspent(spent, q, keyq));
			}
		}
		buf_addc(&b, ']');
		if (!first && (rc = warn_insert(c, base, &b, e)))
			goto out;
		if ((rc = db_execv(c, NULL, e, "UPDATE budgets SET warnings = ? WHERE id = ?", "ii",
				   (int64_t)count, base)))
			goto out;
	}
	/* each adjustment against the plan before it */
	if ((rc = db_execv(c, &docs, e, "SELECT id, seq FROM budgets WHERE region_code = ? AND year = ? AND kind = 'adjustment'",
			   "si", region, year)))
		goto out;
	for (int d = 0; d < docs->nrows; d++) {
		struct db_res *lr = NULL;
		int first = 1, count = 0;
		int64_t adj = db_int(docs, d, 0);
		free(before);
		before = NULL;
		if ((rc = load_plan(c, region, year, db_int(docs, d, 1), &base2, &before, &nb, e)) ||
		    (rc = db_execv(c, &lr, e, "SELECT code, amount_fen FROM budget_lines WHERE budget_id = ?",
				   "i", adj)))
			goto out;
		buf_reset(&b);
		buf_addc(&b, '[');
		for (int i = 0; i < lr->nrows; i++) {
			struct plan_line k, *p;
			int64_t was;
			snprintf(k.code, sizeof(k.code), "%s", db_val(lr, i, 0));
			p = bsearch(&k, before, nb, sizeof(*before), plan_cmp);
			was = p ? p->plan : 0;
			if (budget_adjust_flag(was, db_int(lr, i, 1), share)) {
				warn_add(&b, &first, k.code, "adjust", 0, was, db_int(lr, i, 1));
				count++;
			}
		}
		buf_addc(&b, ']');
		db_res_free(lr);
		if ((!first && (rc = warn_insert(c, adj, &b, e))) ||
		    (rc = db_execv(c, NULL, e, "UPDATE budgets SET warnings = ? WHERE id = ?", "ii",
				   (int64_t)count, adj)))
			goto out;
	}
out:
	buf_release(&b);
	free(plan);
	free(before);
	db_res_free(r);
	db_res_free(docs);
	return rc;
}

/* ---- imports ---- */

static int may_write(const struct actor *a, struct err *e)
{
	if (!is_staff(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能导入预算");
	return 0;
}

static int read_sheet(const char *data, size_t len, int exec, json_t *errors,
		      struct budget_lines *l, struct err *e)
{
	enum sheet_format fmt;
	struct sheet s;
	int rc;
	sheet_init(&s);
	memset(l, 0, sizeof(*l));
	if (!(rc = sheet_detect(data, len, &fmt, e)) &&
	    !(rc = sheet_read(data, len, fmt, LIMIT_IMPORT_ROWS + 20, &s, e)))
		rc = budget_sheet_lines(&s, exec, errors, l, e);
	sheet_release(&s);
	return rc;
}

/* Stores the checked lines as an import batch (payload: the document and its lines) and makes
 * the preview reply. */
static int stage(struct db *db, const struct actor *a, const char *region, const char *kind,
		 json_t *doc, const struct budget_lines *l, json_t *errors, json_t **out, struct err *e)
{
	json_t *lines = json_array(), *shown = json_array(), *import_id = json_null();
	struct db_res *r = NULL;
	char *text = NULL;
	int rc = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct budget_line *x = &l->v[i];
		json_array_append_new(
			lines, json_pack("[s,s,I,i]", x->code, x->name, (json_int_t)x->fen, x->key));
		if (json_array_size(shown) < 50)
			json_array_append_new(shown, json_pack("{s:s,s:s,s:I,s:b}", "code", x->code,
							       "name", x->name, "amount_fen",
							       (json_int_t)x->fen, "key", x->key));
	}
	if (json_array_size(errors) == 0) {
		struct tx t;
		json_object_set(doc, "lines", lines);
		text = json_dumps(doc, JSON_COMPACT);
		tx_begin(&t, db, a, e);
		tx_exec(&t, &r,
			"INSERT INTO imports (kind, region_code, created_by, created_at, status, row_count, payload)"
			" VALUES (?,?,?,?,'preview',?,?) RETURNING id",
			"ssiiis", kind, region, a->account_id, util_now(), (int64_t)l->n, text);
		if ((rc = tx_end(&t)))
			goto out;
		json_decref(import_id);
		import_id = json_integer(db_int(r, 0, 0));
	}
	*out = json_pack("{s:{s:O, s:I, s:I, s:I, s:O, s:O}}", "preview", "import_id", import_id,
			 "total", (json_int_t)l->n, "total_fen",
			 (json_int_t)(l->total > 0 ? l->total : 0), "error_count",
			 (json_int_t)json_array_size(errors), "errors", errors, "lines", shown);
out:
	free(text);
	db_res_free(r);
	json_decref(lines);
	json_decref(shown);
	json_decref(import_id);
	return rc;
}

static int parse_year(const char *year, int64_t *y, struct err *e)
{
	if (!year || util_parse_i64(year, y) || *y < 2000 || *y > 2100)
		return err_field(e, E_INVALID, "bad_year", "year", "请填写2000到2100之间的预算年度");
	return 0;
}

int budget_preview(struct db *db, const struct actor *a, const char *region, const char *year,
		   const char *kind, const char *data, size_t len, json_t **out, struct err *e)
{
	struct budget_lines l = {0};
	json_t *errors = json_array(), *doc = NULL;
	struct db_conn *c = NULL;
	char path[160];
	int64_t y, n = 0;
	int rc;

	*out = NULL;
	if ((rc = may_write(a, e)) || (rc = parse_year(year, &y, e)))
		goto out;
	if (!kind || util_index_of(kind, (const char *const[]){"budget", "adjustment", "final", NULL}) < 0) {
		rc = err_field(e, E_INVALID, "bad_kind", "kind", "文件类别应为 预算、预算调整方案 或 决算");
		goto out;
	}
	c = db_acquire(db);
	if ((rc = region_scope_field(c, a, region ? region : "", "region", "区划", path, sizeof(path), e)))
		goto out;
	if (!strcmp(kind, "budget") || !strcmp(kind, "final")) {
		if ((rc = db_intv(c, &n, e, "SELECT COUNT(*) FROM budgets WHERE region_code = ? AND year = ? AND kind = ?",
				  "sis", region, y, kind)))
			goto out;
		if (n) {
			rc = err_set(e, E_CONFLICT, "exists", "该区划%lld年度的%s已经导入",
				     (long long)y, UTIL_LABEL(kind_names, kind, ""));
			goto out;
		}
	}
	if (strcmp(kind, "budget")) {
		if ((rc = db_intv(c, &n, e,
				  "SELECT COUNT(*) FROM budgets WHERE region_code = ? AND year = ? AND kind = 'budget'"
				  " AND state = 'approved'",
				  "si", region, y)))
			goto out;
		if (!n) {
			rc = err_set(e, E_CONFLICT, "no_budget", "该区划%lld年度的预算尚未批准，不能导入%s",
				     (long long)y, UTIL_LABEL(kind_names, kind, ""));
			goto out;
		}
	}
	db_release(db, c);
	c = NULL;
	if ((rc = read_sheet(data, len, 0, errors, &l, e)))
		goto out;
	doc = json_pack("{s:s, s:I, s:s}", "region", region, "year", (json_int_t)y, "kind", kind);
	rc = stage(db, a, region, "budget", doc, &l, errors, out, e);
out:
	if (c)
		db_release(db, c);
	budget_lines_release(&l);
	json_decref(errors);
	json_decref(doc);
	return rc;
}

int budget_exec_preview(struct db *db, const struct actor *a, int64_t id, const char *quarter,
			const char *data, size_t len, json_t **out, struct err *e)
{
	struct budget_lines l = {0};
	json_t *errors = json_array(), *doc = NULL;
	struct db_conn *c = NULL;
	struct db_res *r = NULL, *codes = NULL;
	char region[16];
	int64_t q;
	int rc;

	*out = NULL;
	if ((rc = may_write(a, e)))
		goto out;
	c = db_acquire(db);
	if ((rc = load_row(c, a, id, &r, e)))
		goto out;
	if (!quarter || util_parse_i64(quarter, &q) || q < 1 || q > 4) {
		rc = err_field(e, E_INVALID, "bad_quarter", "quarter", "季度应为1到4");
		goto out;
	}
	if (strcmp(db_val(r, 0, B_KIND), "budget") || strcmp(db_val(r, 0, B_STATE), "approved")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "只能导入已批准预算的执行情况");
		goto out;
	}
	snprintf(region, sizeof(region), "%s", db_val(r, 0, B_REGION));
	if ((rc = db_execv(c, &codes, e,
			   "SELECT code FROM budget_lines WHERE budget_id = ? ORDER BY code", "i", id)))
		goto out;
	db_release(db, c);
	c = NULL;
	if ((rc = read_sheet(data, len, 1, errors, &l, e)))
		goto out;
	/* every line of the file is a line of the budget */
	for (size_t i = 0; i < l.n; i++) {
		int lo = 0, hi = codes->nrows - 1, found = 0;
		while (lo <= hi && !found) {
			int mid = (lo + hi) / 2, cmp = strcmp(db_val(codes, mid, 0), l.v[i].code);
			found = cmp == 0;
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		if (!found)
			add_error(errors, l.v[i].row, "科目编码", "科目编码“%s”不在本年度预算中",
				  l.v[i].code);
	}
	doc = json_pack("{s:I, s:I}", "budget_id", (json_int_t)id, "quarter", (json_int_t)q);
	rc = stage(db, a, region, "budget_exec", doc, &l, errors, out, e);
out:
	if (c)
		db_release(db, c);
	db_res_free(r);
	db_res_free(codes);
	budget_lines_release(&l);
	json_decref(errors);
	json_decref(doc);
	return rc;
}

/* ---- confirming an import ---- */

static int64_t top_total(json_t *lines)
{
	int64_t sum = 0;
	size_t i;
	json_t *x;
	json_array_foreach(lines, i, x) {
		if (strlen(json_string_value(json_array_get(x, 0))) == 3)
			sum += json_integer_value(json_array_get(x, 2));
	}
	return sum;
}

static int confirm_doc(struct tx *t, json_t *doc, int64_t *id)
{
	const char *region = jsonx_str(doc, "region"), *kind = jsonx_str(doc, "kind");
	int64_t year = json_integer_value(json_object_get(doc, "year")), n = 0, seq = 1;
	json_t *lines = json_object_get(doc, "lines");
	struct db_res *r = NULL;
	char title[400], sql[512], path[160];
	char *text = NULL;

	if (tx_check(t, region_scope(t->c, t->a, region, path, sizeof(path), t->e)) ||
	    tx_int(t, &n,
		   "SELECT COUNT(*) FROM budgets WHERE region_code = ? AND year = ? AND kind = 'budget'"
		   " AND state = 'approved'",
		   "si", region, year))
		return t->rc;
	if (strcmp(kind, "budget") && !n)
		return tx_fail(t, E_CONFLICT, "no_budget", "该区划%lld年度的预算尚未批准", (long long)year);
	if (tx_int(t, &seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM budgets WHERE region_code = ? AND year = ? AND kind = ?",
		   "sis", region, year, kind))
		return t->rc;
	if (strcmp(kind, "adjustment") && seq > 1)
		return tx_fail(t, E_CONFLICT, "exists", "该区划%lld年度的%s已经导入",
			       (long long)year, UTIL_LABEL(kind_names, kind, ""));
	if (tx_exec(t, &r, "SELECT name FROM regions WHERE code = ?", "s", region))
		return t->rc;
	if (!strcmp(kind, "adjustment"))
		snprintf(title, sizeof(title), "%s%lld年预算调整方案（第%lld次）", db_val(r, 0, 0),
			 (long long)year, (long long)seq);
	else
		snprintf(title, sizeof(title), "%s%lld年%s", db_val(r, 0, 0), (long long)year,
			 UTIL_LABEL(kind_names, kind, ""));
	db_res_free(r);
	r = NULL;
	if (tx_exec(t, &r,
		    "INSERT INTO budgets (region_code, region_path, year, kind, seq, title, state, total_fen, line_count,"
		    " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,'draft',?,?,?,?,?) RETURNING id",
		    "ssisisiinii", region, path, year, kind, seq, title, top_total(lines),
		    (int64_t)json_array_size(lines), t->a->account_id, util_now(), util_now()))
		return t->rc;
	*id = db_int(r, 0, 0);
	db_res_free(r);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_lines (budget_id, code, name, amount_fen, is_key) SELECT ?, value ->> 0,"
		 " value ->> 1, CAST(value ->> 2 AS BIGINT), CAST(value ->> 3 AS INTEGER) FROM %s",
		 db_json_elements(t->c));
	text = json_dumps(lines, JSON_COMPACT);
	tx_exec(t, NULL, sql, "is", *id, text);
	free(text);
	return t->rc;
}

static int confirm_exec(struct tx *t, json_t *doc, int64_t *id)
{
	int64_t q = json_integer_value(json_object_get(doc, "quarter"));
	json_t *lines = json_object_get(doc, "lines");
	struct db_res *r = NULL;
	char sql[512];
	char *text = NULL;

	*id = json_integer_value(json_object_get(doc, "budget_id"));
	if (tx_lock(t, "budgets", *id, "预算文件") || tx_check(t, load_row(t->c, t->a, *id, &r, t->e)))
		return t->rc;
	if (strcmp(db_val(r, 0, B_KIND), "budget") || strcmp(db_val(r, 0, B_STATE), "approved"))
		tx_fail(t, E_CONFLICT, "bad_state", "只能导入已批准预算的执行情况");
	db_res_free(r);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO budget_exec (budget_id, quarter, code, spent_fen) SELECT ?, ?, value ->> 0,"
		 " CAST(value ->> 2 AS BIGINT) FROM %s",
		 db_json_elements(t->c));
	text = json_dumps(lines, JSON_COMPACT);
	tx_exec(t, NULL, "DELETE FROM budget_exec WHERE budget_id = ? AND quarter = ?", "ii", *id, q);
	tx_exec(t, NULL, sql, "iis", *id, q, text);
	tx_exec(t, NULL,
		"UPDATE budgets SET exec_quarter = (SELECT COALESCE(MAX(quarter), 0) FROM budget_exec WHERE budget_id = ?),"
		" exec_fen = (SELECT COALESCE(SUM(spent_fen), 0) FROM budget_exec x WHERE x.budget_id = ?"
		" AND LENGTH(x.code) = 3 AND x.quarter = (SELECT MAX(quarter) FROM budget_exec WHERE budget_id = ?)),"
		" updated_at = ? WHERE id = ?",
		"iiiii", *id, *id, *id, util_now(), *id);
	free(text);
	return t->rc;
}

static int reply_row(struct db_conn *c, int64_t id, json_t **o, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, NULL, id, &r, e);
	if (!rc)
		*o = row_json(r, 0);
	db_res_free(r);
	return rc;
}

int budget_import_confirm(struct db *db, const struct actor *a, int64_t import_id, json_t **out, struct err *e)
{
	struct tx t;
	struct db_res *r = NULL;
	json_t *doc = NULL, *summary = NULL, *after = NULL;
	int64_t id = 0;
	int exec = 0;

	*out = NULL;
	if (may_write(a, e))
		return e->kind;
	/* The batch's row is locked: a second confirmation waits, then finds it imported. */
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "imports", import_id, "导入批次") ||
	    tx_exec(&t, &r, "SELECT created_by, status, payload, kind FROM imports WHERE id = ? AND kind IN ('budget','budget_exec')",
		    "i", import_id) ||
	    /* Only the account that previewed the file may import it. */
	    ((r->nrows == 0 || db_int(r, 0, 0) != a->account_id) &&
	     tx_fail(&t, E_NOTFOUND, "not_found", "导入批次不存在")) ||
	    (strcmp(db_val(r, 0, 1), "preview") &&
	     tx_fail(&t, E_CONFLICT, "already_imported", "该批次已经导入，不能重复导入")))
		goto out;
	exec = !strcmp(db_val(r, 0, 3), "budget_exec");
	doc = json_loads(db_val(r, 0, 2), 0, NULL);
	if (!json_is_object(doc) && tx_fail(&t, E_INTERNAL, "bad_import", "导入批次数据损坏"))
		goto out;
	if ((exec ? confirm_exec(&t, doc, &id) : confirm_doc(&t, doc, &id)) ||
	    tx_check(&t, budget_refresh(t.c, id, e)))
		goto out;
	tx_exec(&t, NULL, "UPDATE imports SET status = 'done', payload = '' WHERE id = ? AND status = 'preview'",
		"i", import_id);
	tx_expect_one(&t);
	if (tx_check(&t, reply_row(t.c, id, &after, e)))
		goto out;
	summary = json_pack("{s:I, s:I, s:O?, s:I}", "import_id", (json_int_t)import_id,
			    "budget_id", (json_int_t)id, "quarter", json_object_get(doc, "quarter"),
			    "lines", (json_int_t)json_array_size(json_object_get(doc, "lines")));
	tx_audit(&t, exec ? "budget.exec_import" : "budget.import", "budget", id, NULL, summary);
out:
	db_res_free(r);
	json_decref(doc);
	json_decref(summary);
	return tx_end_reply(&t, "budget", after, out);
}

/* ---- reading ---- */

int budget_list(struct db *db, const struct actor *a, const char *region, const char *year,
		const char *kind, const char *state, const struct listq *q, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *sum = NULL;
	struct db_params p;
	struct buf w, sql;
	char path[160], pat[REGION_PATTERN_MAX];
	int64_t y = 0;
	json_t *items;
	int rc;

	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	if (year && *year && (rc = parse_year(year, &y, e)))
		return rc;
	db_params_init(&p);
	buf_init(&w, 4096);
	buf_init(&sql, 8192);
	c = db_acquire(db);
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		goto out;
	buf_adds(&w, " WHERE b.region_path LIKE ?");
	db_ps_own(&p, xstrdup(region_like_pattern(path, pat, sizeof(pat))));
	if (!is_staff(a)) {
		buf_adds(&w, " AND b.state <> 'draft' AND b.region_code IN (SELECT region_code FROM mandates"
			     " WHERE deputy_id = ? AND status = 'active')");
		db_pi(&p, a->deputy_id);
	}
	if (y) {
		buf_adds(&w, " AND b.year = ?");
		db_pi(&p, y);
	}
	rows_filter_eq(&w, &p, kind, " AND b.kind = ?");
	rows_filter_eq(&w, &p, state, " AND b.state = ?");
	if ((rc = rows_where_ok(&w, e)))
		goto out;
	/* the figures of the whole filter, for the city's view */
	buf_addf(&sql,
		 "SELECT COUNT(*), COALESCE(SUM(CASE WHEN b.kind = 'budget' THEN b.total_fen ELSE 0 END), 0),"
		 " COALESCE(SUM(CASE WHEN b.kind = 'budget' THEN b.exec_fen ELSE 0 END), 0), COALESCE(SUM(b.warnings), 0),"
		 " COALESCE(SUM(CASE WHEN b.warnings > 0 THEN 1 ELSE 0 END), 0) FROM budgets b%s",
		 w.data);
	if ((rc = db_exec(c, sql.data, &p, &sum, e)))
		goto out;
	buf_reset(&sql);
	buf_addf(&sql, BUDGET_SELECT "%s ORDER BY b.year DESC, b.region_path, b.kind DESC, b.seq LIMIT %d OFFSET %d",
		 w.data, q->per_page, (q->page - 1) * q->per_page);
	if (buf_failed(&sql)) {
		rc = err_set(e, E_INTERNAL, "internal", "查询过长");
		goto out;
	}
	if ((rc = db_exec(c, sql.data, &p, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, row_json(r, i));
	*out = rows_list_reply(items, db_int(sum, 0, 0), q);
	json_object_set_new(
		*out, "summary",
		json_pack("{s:I, s:I, s:I, s:I, s:I}", "documents", (json_int_t)db_int(sum, 0, 0),
			  "total_fen", (json_int_t)db_int(sum, 0, 1), "exec_fen",
			  (json_int_t)db_int(sum, 0, 2), "warnings", (json_int_t)db_int(sum, 0, 3),
			  "with_warnings", (json_int_t)db_int(sum, 0, 4)));
out:
	db_release(db, c);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	db_res_free(r);
	db_res_free(sum);
	return rc;
}

static json_t *warning_json(const char *code, const char *name, const char *kind, int64_t q,
			    int64_t plan, int64_t actual)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "code", code, "name", name ? name : "",
			 "kind", kind, "kind_name", UTIL_LABEL(warning_names, kind, ""), "quarter",
			 (json_int_t)q, "plan_fen", (json_int_t)plan, "actual_fen", (json_int_t)actual);
}

static int get_in(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL, *lr = NULL, *wr = NULL, *cr = NULL;
	struct plan_line *plan = NULL;
	size_t n = 0;
	int64_t base = 0, latest;
	json_t *o = NULL, *lines = json_array(), *warnings = json_array(), *chart = json_array(),
	       *docs = NULL, *vote = NULL;
	const char *kind;
	int rc;

	if ((rc = load_row(c, a, id, &r, e)))
		goto out;
	kind = db_val(r, 0, B_KIND);
	latest = db_int(r, 0, B_EXQ);
	o = row_json(r, 0);
	/* the plan the document is read against: for the budget the plan in force (with its
	 * approved adjustments), for an adjustment the plan before it, for final accounts the plan */
	if ((rc = load_plan(c, db_val(r, 0, B_REGION), db_int(r, 0, B_YEAR),
			    !strcmp(kind, "adjustment") ? db_int(r, 0, B_SEQ) : -1, &base, &plan, &n, e)))
		goto out;
	if (!strcmp(kind, "budget") && (rc = load_exec(c, id, plan, n, e)))
		goto out;
	if ((rc = db_execv(c, &lr, e, "SELECT code, name, amount_fen, is_key FROM budget_lines WHERE budget_id = ? ORDER BY code",
			   "i", id)) ||
	    (rc = db_execv(c, &wr, e,
			   "SELECT w.code, l.name, w.kind, w.quarter, w.plan_fen, w.actual_fen FROM budget_warnings w"
			   " LEFT JOIN budget_lines l ON l.budget_id = w.budget_id AND l.code = w.code"
			   " WHERE w.budget_id = ? ORDER BY w.code, w.quarter, w.kind",
			   "i", id)) ||
	    (rc = db_execv(c, &cr, e, "SELECT code, COUNT(*) FROM budget_comments WHERE budget_id = ? GROUP BY code",
			   "i", id)))
		goto out;
	for (int i = 0, w = 0, k = 0; i < lr->nrows; i++) {
		const char *code = db_val(lr, i, 0);
		struct plan_line key, *p;
		json_t *x = json_pack("{s:s, s:s, s:I, s:b, s:i}", "code", code, "name",
				      db_val(lr, i, 1), "amount_fen", (json_int_t)db_int(lr, i, 2), "key",
				      (int)db_int(lr, i, 3), "level", (int)(strlen(code) - 1) / 2);
		json_t *lw = json_array();
		snprintf(key.code, sizeof(key.code), "%s", code);
		p = plan ? bsearch(&key, plan, n, sizeof(*plan), plan_cmp) : NULL;
		if (strcmp(kind, "budget") || (p && p->plan != db_int(lr, i, 2)))
			json_object_set_new(x, "plan_fen", json_integer(p ? p->plan : 0));
		if (!strcmp(kind, "budget")) {
			json_t *sp = json_array();
			for (int q = 1; q <= 4; q++)
				json_array_append_new(sp, p && p->spent[q] >= 0 ? json_integer(p->spent[q])
							  : q <= latest         ? json_integer(0)
										: json_null());
			json_object_set_new(x, "spent_fen", sp);
		}
		/* warnings and comments come in code order too */
		for (; w < wr->nrows && strcmp(db_val(wr, w, 0), code) <= 0; w++)
			if (!strcmp(db_val(wr, w, 0), code))
				json_array_append_new(
					lw, warning_json(code, NULL, db_val(wr, w, 2), db_int(wr, w, 3),
							 db_int(wr, w, 4), db_int(wr, w, 5)));
		json_object_set_new(x, "warnings", lw);
		json_object_set_new(x, "comments", json_integer(0));
		for (; k < cr->nrows && strcmp(db_val(cr, k, 0), code) <= 0; k++)
			if (!strcmp(db_val(cr, k, 0), code))
				json_object_set_new(x, "comments", json_integer(db_int(cr, k, 1)));
		json_array_append_new(lines, x);
	}
	/* the document's current warnings: the latest quarter's (or the adjustment's) */
	for (int w = 0; w < wr->nrows; w++)
		if (strcmp(kind, "budget") || db_int(wr, w, 3) == latest)
			json_array_append_new(
				warnings,
				warning_json(db_val(wr, w, 0), db_val(wr, w, 1), db_val(wr, w, 2),
					     db_int(wr, w, 3), db_int(wr, w, 4), db_int(wr, w, 5)));
	/* execution through the year against the time-proportional plan (top-level lines) */
	if (!strcmp(kind, "budget")) {
		int64_t total = 0;
		for (size_t i = 0; i < n; i++)
			if (strlen(plan[i].code) == 3)
				total += plan[i].plan;
		for (int q = 1; q <= 4; q++) {
			int64_t spent = 0;
			int any = q <= latest;
			for (size_t i = 0; i < n; i++)
				if (strlen(plan[i].code) == 3 && plan[i].spent[q] > 0)
					spent += plan[i].spent[q];
			json_array_append_new(chart,
					      json_pack("{s:i, s:I, s:o}", "quarter", q, "plan_fen",
							(json_int_t)(total * q / 4), "spent_fen",
							any ? json_integer(spent) : json_null()));
		}
	}
	db_res_free(cr);
	cr = NULL;
	if ((rc = db_execv(c, &cr, e,
			   "SELECT id, kind, seq, title, state FROM budgets WHERE region_code = ? AND year = ?"
			   " ORDER BY CASE kind WHEN 'budget' THEN 0 WHEN 'adjustment' THEN 1 ELSE 2 END, seq",
			   "si", db_val(r, 0, B_REGION), db_int(r, 0, B_YEAR))))
		goto out;
	docs = json_array();
	for (int i = 0; i < cr->nrows; i++) {
		/* a deputy does not see the drafts */
		if (!is_staff(a) && !strcmp(db_val(cr, i, 4), "draft"))
			continue;
		json_array_append_new(
			docs, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id",
					(json_int_t)db_int(cr, i, 0), "kind", db_val(cr, i, 1), "seq",
					(json_int_t)db_int(cr, i, 2), "title", db_val(cr, i, 3), "state",
					db_val(cr, i, 4), "state_name", state_name(db_val(cr, i, 4))));
	}
	if (db_val(r, 0, B_VOTE) && (rc = vote_json(c, NULL, db_int(r, 0, B_VOTE), &vote, e)))
		goto out;
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "current_warnings", warnings);
	json_object_set_new(o, "chart", chart);
	json_object_set_new(o, "documents", docs);
	json_object_set_new(o, "vote", vote ? vote : json_null());
	json_object_set_new(o, "base_id", base ? json_integer(base) : json_null());
	lines = warnings = chart = NULL;
	*out = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(lines);
	json_decref(warnings);
	json_decref(chart);
	free(plan);
	db_res_free(r);
	db_res_free(lr);
	db_res_free(wr);
	db_res_free(cr);
	return rc;
}

int budget_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, get_in, a, id, "budget", out, e);
}

static int load_visible(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e);

/* ---- the state machine ---- */

static int may_staff(struct step_run *s)
{
	if (!is_staff(s->a))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能办理预算审查");
	return 0;
}

/* The vote of the congress's meeting that decides the document (vote.c's engine). */
static int run_link_vote(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"vote_id", JF_INT, 1, 1, INT64_MAX, "表决"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct db_res *v = NULL;
	int64_t vote;
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)))
		return s->t.rc;
	vote = jsonx_int(s->in, "vote_id", 0);
	if (tx_exec(&s->t, &v, "SELECT v.title, m.region_code, m.title FROM votes v JOIN meetings m ON m.id = v.meeting_id WHERE v.id = ?",
		    "i", vote))
		return s->t.rc;
	if (v->nrows == 0)
		tx_fail_field(&s->t, E_INVALID, "bad_vote", "vote_id", "表决不存在");
	else if (strcmp(db_val(v, 0, 1), db_val(s->row, 0, B_REGION)))
		tx_fail_field(&s->t, E_INVALID, "bad_vote", "vote_id", "该表决不是本级人大会议的表决");
	else
		snprintf(s->note, sizeof(s->note), "关联表决：%s · %s", db_val(v, 0, 2), db_val(v, 0, 0));
	db_res_free(v);
	tx_exec(&s->t, NULL, "UPDATE budgets SET vote_id = ? WHERE id = ?", "ii", vote, s->id);
	return s->t.rc;
}

/* Approved only by its vote: closed, and passed under the vote's own rule (tally.c). */
static int run_approve(struct step_run *s)
{
	struct db_res *v = NULL;
	if (!db_val(s->row, 0, B_VOTE))
		return tx_fail(&s->t, E_CONFLICT, "no_vote", "尚未关联人大会议的表决，不能批准");
	if (tx_exec(&s->t, &v, "SELECT state, passed FROM votes WHERE id = ?", "i", db_int(s->row, 0, B_VOTE)))
		return s->t.rc;
	if (v->nrows == 0 || strcmp(db_val(v, 0, 0), "closed"))
		tx_fail(&s->t, E_CONFLICT, "vote_open", "表决尚未结束，不能批准");
	else if (db_int(v, 0, 1) != 1)
		tx_fail(&s->t, E_CONFLICT, "not_passed", "表决未获通过，不能批准");
	db_res_free(v);
	return s->t.rc;
}

static int load_step(struct step_run *s)
{
	if (tx_check(&s->t, load_row(s->t.c, s->a, s->id, &s->row, s->t.e)))
		return s->t.rc;
	s->state = db_val(s->row, 0, B_STATE);
	s->before = row_json(s->row, 0);
	return 0;
}

static int after_step(struct step_run *s)
{
	/* an approved adjustment changes the plan the execution is read against */
	if (!strcmp(s->step->name, "approve") && tx_check(&s->t, budget_refresh(s->t.c, s->id, s->t.e)))
		return s->t.rc;
	return tx_check(&s->t, reply_row(s->t.c, s->id, &s->after, s->t.e));
}

static const struct step steps[] = {
	{"submit", "提交审查", "draft", "review", may_staff, NULL},
	{"return", "退回修改", "review", "draft", may_staff, NULL},
	{"link_vote", "关联表决", "review", NULL, may_staff, run_link_vote},
	{"approve", "表决通过批准", "review", "approved", may_staff, run_approve},
};

static const struct step_machine machine = {
	.object_type = "budget",
	.table = "budgets",
	.what = "预算文件",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.after = after_step,
	.state_label = state_name,
};

json_t *budget_labels(void)
{
	return step_labels(&machine, NULL);
}

int budget_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	json_t *after = NULL;
	int rc;
	*out = NULL;
	/* the role first, so that a deputy who sees the document is refused whatever the body */
	if (!is_staff(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能办理预算审查");
	if ((rc = tx_visible(db, a, id, load_visible, e)) ||
	    (rc = step_run(db, &machine, a, id, in, NULL, &after, e)))
		return rc;
	*out = json_pack("{s:o}", "budget", after);
	return 0;
}

/* ---- deputies' comments ---- */

static const struct col comment_cols[] = {
	{"id", COL_INT},   {"code", COL_STR},       {"name", COL_STR}, {"author", COL_STR},
	{"body", COL_STR}, {"created_at", COL_INT}, {NULL, 0}};
#define COMMENT_SELECT                                                                       \
	"SELECT x.id, x.code, l.name, x.author, x.body, x.created_at FROM budget_comments x" \
	" JOIN budget_lines l ON l.budget_id = x.budget_id AND l.code = x.code"

int budget_comments(struct db *db, const struct actor *a, int64_t id, const char *code,
		    json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL;
	int rc;
	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	c = db_acquire(db);
	if (!(rc = load_row(c, a, id, &r, e))) {
		db_res_free(r);
		r = NULL;
		rc = code && *code
			     ? db_execv(c, &r, e, COMMENT_SELECT " WHERE x.budget_id = ? AND x.code = ? ORDER BY x.id",
					"is", id, code)
			     : db_execv(c, &r, e, COMMENT_SELECT " WHERE x.budget_id = ? ORDER BY x.code, x.id",
					"i", id);
	}
	if (!rc)
		*out = json_pack("{s:o}", "items", rows_array(r, comment_cols));
	db_res_free(r);
	db_release(db, c);
	return rc;
}

static int load_visible(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, a, id, &r, e);
	if (!rc)
		*out = row_json(r, 0);
	db_res_free(r);
	return rc;
}

int budget_comment(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"code", JF_STR, 1, 3, 7, "科目编码"},
					     {"body", JF_STR, 1, 2, LIMIT_TEXT_CHARS, "审查意见"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	int64_t n = 0;
	json_t *after = NULL;
	int rc;

	*out = NULL;
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有本级人大代表可以对预算提出审查意见");
	if ((rc = tx_visible(db, a, id, load_visible, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "budgets", id, "预算文件") || tx_check(&t, load_row(t.c, a, id, &r, e)))
		goto out;
	if (strcmp(db_val(r, 0, B_STATE), "review")) {
		tx_fail(&t, E_CONFLICT, "bad_state", "只能在预算文件审查期间提出意见");
		goto out;
	}
	if (tx_int(&t, &n, "SELECT COUNT(*) FROM budget_lines WHERE budget_id = ? AND code = ?",
		   "is", id, jsonx_str(in, "code")))
		goto out;
	if (!n) {
		tx_fail_field(&t, E_INVALID, "bad_code", "code", "科目“%s”不在本预算文件中",
			      jsonx_str(in, "code"));
		goto out;
	}
	db_res_free(r);
	r = NULL;
	if (tx_exec(&t, &r,
		    "INSERT INTO budget_comments (budget_id, code, deputy_id, author, body, created_at)"
		    " VALUES (?,?,?,?,?,?) RETURNING id",
		    "isissi", id, jsonx_str(in, "code"), a->deputy_id,
		    a->display_name[0] ? a->display_name : a->username, jsonx_str(in, "body"), util_now()))
		goto out;
	n = db_int(r, 0, 0);
	db_res_free(r);
	r = NULL;
	if (tx_exec(&t, &r, COMMENT_SELECT " WHERE x.id = ?", "i", n))
		goto out;
	after = rows_object(r, 0, comment_cols);
	tx_audit(&t, "budget.comment", "budget", id, NULL, after);
out:
	db_res_free(r);
	return tx_end_reply(&t, "comment", after, out);
}
