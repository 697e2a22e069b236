/* Unit tests of the township budget's rules: the execution warning against the time-proportional
 * plan on its bounds (read from the settings: on the bound is within, a fen beyond warns), the
 * adjustment's share, key project money unspent, the functional classification codes, amounts in
 * yuan to fen, and a sheet's checks (codes, parents, sums, the total) by row and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "budget.h"
#include "fixture.h"
#include "jsonx.h"
#include "settings.h"

static void exec_bounds(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int low, high, keyq;
	(void)state;
	assert_int_equal(settings_int(c, "/329900/", "budget.exec_low_pct", &low, &e), 0);
	assert_int_equal(settings_int(c, "/329900/", "budget.exec_high_pct", &high, &e), 0);
	assert_int_equal(settings_int(c, "/329900/", "budget.key_unspent_quarter", &keyq, &e), 0);
	db_release(f->db, c);
	fixture_close(f);
	/* a line of 4,000,000 fen: its plan at the end of quarter q is q million fen */
	for (int q = 1; q <= 4; q++) {
		int64_t plan = 4000000, so_far = 1000000 * (int64_t)q;
		int64_t lo = so_far * low / 100, hi = so_far * high / 100;
		assert_int_equal(budget_exec_flag(plan, lo, q, low, high), 0);
		assert_int_equal(budget_exec_flag(plan, lo - 1, q, low, high), -1);
		assert_int_equal(budget_exec_flag(plan, hi, q, low, high), 0);
		assert_int_equal(budget_exec_flag(plan, hi + 1, q, low, high), 1);
		assert_int_equal(budget_exec_flag(plan, so_far, q, low, high), 0);
	}
	/* fractions of a fen: a plan of 5 fen at quarter 1 is 1.25 fen, its bounds 1 and 1.5 */
	assert_int_equal(budget_exec_flag(5, 0, 1, 80, 120), -1);
	assert_int_equal(budget_exec_flag(5, 1, 1, 80, 120), 0);
	assert_int_equal(budget_exec_flag(5, 2, 1, 80, 120), 1);
	/* a line planned at nothing: spending is ahead, nothing is within */
	assert_int_equal(budget_exec_flag(0, 0, 2, 80, 120), 0);
	assert_int_equal(budget_exec_flag(0, 1, 2, 80, 120), 1);
	/* no quarter, no warning */
	assert_int_equal(budget_exec_flag(100, 0, 0, 80, 120), 0);
	assert_int_equal(budget_exec_flag(100, 0, 5, 80, 120), 0);
	/* the largest amounts do not overflow: 10^12 yuan */
	assert_int_equal(budget_exec_flag(100000000000000LL, 100000000000000LL, 4, 80, 120), 0);
	assert_int_equal(budget_exec_flag(100000000000000LL, 100000000000000LL * 6 / 5 + 1, 4, 80, 120), 1);
	/* key project money: nothing spent from quarter keyq on */
	assert_int_equal(budget_key_unspent(0, keyq, keyq), 1);
	assert_int_equal(budget_key_unspent(0, keyq - 1, keyq), 0);
	assert_int_equal(budget_key_unspent(1, keyq, keyq), 0);
	assert_int_equal(budget_key_unspent(0, 4, keyq), 1);
}

static void adjust_share(void **state)
{
	(void)state;
	/* 10% of 1,000,000 fen: exactly 100,000 moved is within, one fen more is not, either way */
	assert_int_equal(budget_adjust_flag(1000000, 1100000, 10), 0);
	assert_int_equal(budget_adjust_flag(1000000, 1100001, 10), 1);
	assert_int_equal(budget_adjust_flag(1000000, 900000, 10), 0);
	assert_int_equal(budget_adjust_flag(1000000, 899999, 10), 1);
	assert_int_equal(budget_adjust_flag(1000000, 1000000, 1), 0);
	assert_int_equal(budget_adjust_flag(1, 1, 10), 0);
	assert_int_equal(budget_adjust_flag(1, 2, 100), 0);
	assert_int_equal(budget_adjust_flag(1, 3, 100), 1);
	/* a new line is moved beyond any share; an empty line left empty is not */
	assert_int_equal(budget_adjust_flag(0, 1, 100), 1);
	assert_int_equal(budget_adjust_flag(0, 0, 10), 0);
}

static void codes(void **state)
{
	char p[8];
	(void)state;
	assert_int_equal(budget_code_ok("201"), 1);
	assert_int_equal(budget_code_ok("299"), 1);
	assert_false(budget_code_ok("A01"));
	assert_true(budget_code_ok("20101"));
	assert_true(budget_code_ok("2010101"));
	assert_false(budget_code_ok("20"));
	assert_false(budget_code_ok("2010"));
	assert_false(budget_code_ok("201010"));
	assert_false(budget_code_ok("20101011"));
	assert_false(budget_code_ok("20A"));
	assert_false(budget_code_ok("201 01"));
	assert_false(budget_code_ok(""));
	assert_int_equal(budget_code_parent("2010101", p), 0);
	assert_string_equal(p, "20101");
	assert_int_equal(budget_code_parent("20101", p), 0);
	assert_string_equal(p, "201");
	assert_int_equal(budget_code_parent("201", p), -1);
}

static void amounts(void **state)
{
	int64_t f;
	(void)state;
	assert_int_equal(budget_parse_amount("1234.56", &f), 0);
	assert_int_equal(f, 123456);
	assert_int_equal(budget_parse_amount("1,234.5", &f), 0);
	assert_int_equal(f, 123450);
	assert_int_equal(budget_parse_amount("800", &f), 0);
	assert_int_equal(f, 80000);
	assert_int_equal(budget_parse_amount("0", &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(budget_parse_amount(".5", &f), 0);
	assert_int_equal(f, 50);
	/* a spreadsheet's binary sums are the cent they are next to */
	assert_int_equal(budget_parse_amount("1234.5600000000002", &f), 0);
	assert_int_equal(f, 123456);
	assert_int_equal(budget_parse_amount("0.29999999999999999", &f), 0);
	assert_int_equal(f, 30);
	/* refused */
	assert_int_equal(budget_parse_amount("1.234", &f), -3);
	assert_int_equal(budget_parse_amount("-1", &f), -2);
	assert_int_equal(budget_parse_amount("-", &f), -1);
	assert_int_equal(budget_parse_amount("一百", &f), -1);
	assert_int_equal(budget_parse_amount("1e5", &f), -1);
	assert_int_equal(budget_parse_amount("", &f), -1);
	assert_int_equal(budget_parse_amount(".", &f), -1);
	assert_int_equal(budget_parse_amount(",5", &f), -1);
	assert_int_equal(budget_parse_amount("1.2.3", &f), -1);
	assert_int_equal(budget_parse_amount("999999999999", &f), 0);
	assert_int_equal(budget_parse_amount("1000000000000", &f), -3);
}

/* The errors' rows and columns as "row:column" lines. */
static void errs(json_t *errors, char *out, size_t n)
{
	size_t i, used = 0;
	json_t *x;
	out[0] = '\0';
	json_array_foreach(errors, i, x) {
		used += (size_t)snprintf(out + used, n - used, "%lld:%s;",
					 (long long)json_integer_value(json_object_get(x, "row")),
					 jsonx_str(x, "column"));
		if (used >= n)
			break;
	}
}

static void sheet_of(struct sheet *s, const char *const rows[][4], size_t n)
{
	sheet_init(s);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < 4 && rows[i][k])
			k++;
		sheet_add_row(s, rows[i], k);
	}
}

static void sheet_checks(void **state)
{
	static const char *const good[][4] = {
		{"某镇预算表", NULL, NULL, NULL},
		{"科目编码", "科目名称", "金额（元）", "重点项目"},
		{"201", "一般公共服务支出", "300", NULL},
		{"20101", "人大事务", "300", NULL},
		{"2010101", "行政运行", "100", NULL},
		{"2010102", "代表工作", "200", "是"},
		{"213", "农林水支出", "50.5", NULL},
		{"", "合计", "350.50", NULL},
	};
	static const char *const bad[][4] = {
		{"科目编码", "科目名称", "金额", NULL},
		{"201", "一般公共服务支出", "300", NULL}, /* row 2: not the sum of 20101 (250) */
		{"20101", "人大事务", "250", NULL},
		{"2010101", "行政运行", "250", NULL},
		{"2130504", "农村道路", "10", NULL}, /* row 5: no 21305 */
		{"21", "乱码", "1", NULL},           /* row 6: two digits */
		{"205", "教育", "-3", NULL},         /* row 7: negative */
		{"2010101", "重复", "1", NULL},      /* row 8: repeated */
		{"", "合计", "300", NULL},           /* row 9: the total of good lines is 311 */
		{"206", "", "abc", NULL},            /* row 10: no name, not a number */
	};
	struct sheet s;
	struct budget_lines l;
	struct err e = {0};
	json_t *errors = json_array();
	char got[1024];
	(void)state;

	sheet_of(&s, good, ARRAY_LEN(good));
	assert_int_equal(budget_sheet_lines(&s, 0, errors, &l, &e), 0);
	assert_int_equal(json_array_size(errors), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.total, 35050);
	assert_string_equal(l.v[3].code, "2010102");
	assert_int_equal(l.v[3].key, 1);
	assert_int_equal(l.v[3].row, 6);
	budget_lines_release(&l);
	sheet_release(&s);

	sheet_of(&s, bad, ARRAY_LEN(bad));
	assert_int_equal(budget_sheet_lines(&s, 0, errors, &l, &e), 0);
	errs(errors, got, sizeof(got));
	/* the cells first, row by row; then the repeated code, parents and sums in code order */
	assert_string_equal(got, "6:科目编码;7:金额;10:金额;10:科目名称;8:科目编码;2:金额;5:科目编码;");
	budget_lines_release(&l);
	sheet_release(&s);
	json_array_clear(errors);

	/* a total over good lines that does not add up names its row */
	{
		static const char *const off[][4] = {
			{"科目编码", "科目名称", "金额（元）", NULL},
			{"201", "一般公共服务支出", "300", NULL},
			{"213", "农林水支出", "50", NULL},
			{"合计", "", "350.01", NULL},
		};
		sheet_of(&s, off, ARRAY_LEN(off));
		assert_int_equal(budget_sheet_lines(&s, 0, errors, &l, &e), 0);
		errs(errors, got, sizeof(got));
		assert_string_equal(got, "4:金额;");
		budget_lines_release(&l);
		sheet_release(&s);
		json_array_clear(errors);
	}
	/* an execution sheet reads its own column; a budget's header is refused for it */
	{
		static const char *const ex[][4] = {
			{"科目编码", "科目名称", "累计执行数（元）", NULL},
			{"201", "一般公共服务支出", "12.5", NULL},
		};
		sheet_of(&s, ex, ARRAY_LEN(ex));
		assert_int_equal(budget_sheet_lines(&s, 1, errors, &l, &e), 0);
		assert_int_equal(l.v[0].fen, 1250);
		budget_lines_release(&l);
		assert_int_equal(budget_sheet_lines(&s, 0, errors, &l, &e), E_INVALID);
		assert_string_equal(e.code, "bad_header");
		budget_lines_release(&l);
		sheet_release(&s);
	}
	/* no header in the first ten rows */
	{
		static const char *const none[][4] = {{"编码", "名称", "金额", NULL}};
		sheet_of(&s, none, ARRAY_LEN(none));
		assert_int_equal(budget_sheet_lines(&s, 0, errors, &l, &e), E_INVALID);
		budget_lines_release(&l);
		sheet_release(&s);
	}
	json_decref(errors);
}

static void defaults(void **state)
{
	static const struct {
		const char *key;
		int value;
	} want[] = {{"budget.exec_low_pct", 80},
		    {"budget.exec_high_pct", 120},
		    {"budget.adjust_share_pct", 10},
		    {"budget.key_unspent_quarter", 2}};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct setting_def *d = settings_defs;
		while (d->key && strcmp(d->key, want[i].key))
			d++;
		if (!d->key)
			fail_msg("no setting %s", want[i].key);
		assert_int_equal(d->dflt, want[i].value);
		assert_true(d->min <= d->dflt && d->dflt <= d->max);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_bounds),  cmocka_unit_test(adjust_share),
		cmocka_unit_test(codes),        cmocka_unit_test(amounts),
		cmocka_unit_test(sheet_checks), cmocka_unit_test(defaults),
	};
	return cmocka_run_group_tests_name("budget", tests, NULL, NULL);
}
