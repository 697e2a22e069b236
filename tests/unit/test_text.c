/* Unit tests of the CJK tokenizer, the index queries, MinHash similarity and working days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "text.h"

static void tokens(void **state)
{
	struct buf b = BUF_INIT_CAP(4096);
	(void)state;
	text_tokens("路灯坏了", &b);
	assert_string_equal(b.data, "路灯 灯坏 坏了");
	buf_reset(&b);
	/* punctuation breaks runs; lone characters stand alone; ASCII words lower-cased */
	text_tokens("小区噪音，夜里。灯 WiFi信号差3G", &b);
	assert_string_equal(b.data, "小区 区噪 噪音 夜里 灯 wifi 信号 号差 3g");
	buf_reset(&b);
	text_tokens("", &b);
	assert_string_equal(b.data, "");
	buf_reset(&b);
	{
		/* a sequence cut short by the end (found by fuzz_text): nothing is read past the
		 * NUL (valgrind checks the heap copy), the cut character is no token */
		char *cut = strdup("路\xe7");
		text_tokens(cut, &b);
		assert_string_equal(b.data, "路");
		free(cut);
	}
	buf_release(&b);
}

static void queries(void **state)
{
	struct buf b = BUF_INIT_CAP(4096);
	(void)state;
	assert_int_equal(text_fts5_query("路灯", &b), 1);
	assert_string_equal(b.data, "\"路灯\"");
	buf_reset(&b);
	assert_int_equal(text_fts5_query("小区路灯 AND\" x", &b), 5);
	assert_string_equal(b.data, "\"小区\" AND \"区路\" AND \"路灯\" AND \"and\" AND \"x\"");
	buf_reset(&b);
	assert_int_equal(text_tsquery("噪音", &b), 1);
	assert_string_equal(b.data, "'噪音'");
	buf_reset(&b);
	assert_int_equal(text_tsquery("，。！", &b), 0);
	buf_reset(&b);
	/* a region's own token narrows a query; a path without a code adds nothing */
	text_query_scope(1, "/329900/329981/", &b);
	assert_string_equal(b.data, " & 'r329981'");
	buf_reset(&b);
	text_query_scope(0, "/329900/", &b);
	assert_string_equal(b.data, " AND \"r329900\"");
	buf_reset(&b);
	text_query_scope(1, "/", &b);
	text_query_scope(1, "", &b);
	text_query_scope(1, NULL, &b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void near_duplicates(void **state)
{
	uint32_t a[TEXT_MINHASH], b[TEXT_MINHASH], c[TEXT_MINHASH], d[TEXT_MINHASH], z[TEXT_MINHASH];
	char hex[8 * TEXT_MINHASH + 1];
	uint32_t back[TEXT_MINHASH];
	(void)state;
	text_minhash("幸福小区3号楼门前的路灯坏了两个月，晚上出行很不方便，希望尽快修好。", a);
	text_minhash("幸福小区3号楼门前路灯坏了快两个月了，晚上出门很不方便，请尽快维修。", b);
	text_minhash("建议在中心小学门口增设人行横道和减速带，上下学时段车辆太多很危险。", c);
	text_minhash("幸福小区3号楼门前的路灯坏了两个月，晚上出行很不方便，希望尽快修好。", d);
	text_minhash("", z);
	assert_true(text_similarity(a, d) > 0.99); /* the same text */
	assert_true(text_similarity(a, b) >= 0.4); /* the same problem, other words */
	assert_true(text_similarity(a, c) < 0.15); /* unrelated */
	assert_true(text_similarity(a, z) == 0);
	text_sig_hex(a, hex);
	assert_int_equal(text_sig_parse(hex, back), 0);
	assert_memory_equal(a, back, sizeof(a));
	assert_int_equal(text_sig_parse("zz", back), -1);
}

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static void working_days(void **state)
{
	/* 2025: National Day and Mid-Autumn Oct 1-8 off, Sep 28 (Sun) and Oct 11 (Sat) worked */
	int32_t hol[8], work[2];
	struct workcal w;
	char out[11];
	(void)state;
	for (int i = 0; i < 8; i++)
		hol[i] = D("2025-10-01") + i;
	work[0] = D("2025-09-28");
	work[1] = D("2025-10-11");
	w.holidays = hol;
	w.nholidays = 8;
	w.workdays = work;
	w.nworkdays = 2;
	assert_true(cal_is_workday(&w, D("2025-09-28")));  /* a Sunday worked */
	assert_false(cal_is_workday(&w, D("2025-10-01"))); /* a Wednesday off */
	assert_false(cal_is_workday(&w, D("2025-10-12"))); /* an ordinary Sunday */
	/* assigned on Fri Sep 26 with 5 working days: Sep 28, 29, 30, Oct 9, Oct 10 */
	cal_format(cal_add_workdays(&w, D("2025-09-26"), 5), out);
	assert_string_equal(out, "2025-10-10");
	cal_format(cal_add_workdays(&w, D("2025-09-26"), 6), out);
	assert_string_equal(out, "2025-10-11"); /* the worked Saturday counts */
	/* without the holiday calendar: plain weekdays */
	cal_format(cal_add_workdays(NULL, D("2025-09-26"), 5), out);
	assert_string_equal(out, "2025-10-03");
	assert_int_equal(cal_workdays_between(&w, D("2025-09-30"), D("2025-10-10")), 2);
	assert_int_equal(cal_workdays_between(&w, D("2025-10-10"), D("2025-10-01")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens),
		cmocka_unit_test(queries),
		cmocka_unit_test(near_duplicates),
		cmocka_unit_test(working_days),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
