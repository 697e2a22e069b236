/* Unit tests of the small shared helpers: list membership, base64 decoding, role predicates,
 * UTF-8 scanning, list filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "role.h"
#include "rows.h"
#include "util.h"

static void one_of(void **state)
{
	static const char *const levels[] = {"township", "county", "city", NULL};
	(void)state;
	assert_int_equal(util_index_of("township", levels), 0);
	assert_int_equal(util_index_of("city", levels), 2);
	assert_int_equal(util_index_of("province", levels), -1);
	assert_int_equal(util_index_of("", levels), -1);
	assert_int_equal(util_index_of(NULL, levels), -1);
	assert_true(util_one_of("county", levels));
	assert_false(util_one_of("County", levels));
	assert_false(util_one_of("count", levels));
	assert_false(util_one_of(NULL, levels));
}

static void base64(void **state)
{
	unsigned char *bin;
	size_t len;
	(void)state;
	assert_int_equal(util_base64_decode("aGVsbG8=", 5, &bin, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(bin, "hello", 5);
	free(bin);
	/* one byte over the cap is refused before or after decoding, never truncated */
	assert_int_equal(util_base64_decode("aGVsbG8=", 4, &bin, &len), -2);
	assert_null(bin);
	assert_int_equal(len, 0);
	assert_int_equal(util_base64_decode("aGVsbG8gd29ybGQh", 4, &bin, &len), -2);
	assert_null(bin);
	/* not base64, unpadded, or empty */
	assert_int_equal(util_base64_decode("aGVsbG8*", 100, &bin, &len), -1);
	assert_null(bin);
	assert_int_equal(util_base64_decode("aGVsbG8", 100, &bin, &len), -1);
	assert_int_equal(util_base64_decode("", 100, &bin, &len), -1);
	assert_null(bin);
}

static void role_predicates(void **state)
{
	(void)state;
	assert_true(role_is_handler("handler"));
	assert_false(role_is_handler("handlers"));
	assert_false(role_is_handler("deputy"));
	assert_false(role_is_handler(NULL));
	assert_true(role_is_deputy("deputy"));
	assert_false(role_is_deputy("city_staff"));
	assert_false(role_is_deputy(""));
	assert_false(role_is_deputy(NULL));
}

static void utf8_scan(void **state)
{
	(void)state;
	assert_int_equal(util_utf8_scan("abc", 3), 3);
	assert_int_equal(util_utf8_scan("人大", 6), 6);
	/* the offset of the first bad byte: a cut-off character, a lone continuation, a NUL */
	assert_int_equal(util_utf8_scan("ab人", 4), 2);
	assert_int_equal(util_utf8_scan("a\x80"
					"b",
					3),
			 1);
	assert_int_equal(util_utf8_scan("ab\0c", 4), 2);
	/* an overlong form and a surrogate are not UTF-8 */
	assert_int_equal(util_utf8_scan("x\xC0\xAF", 3), 1);
	assert_int_equal(util_utf8_scan("\xED\xA0\x80", 3), 0);
	assert_true(util_utf8_valid("人大", 6));
	assert_false(util_utf8_valid("ab人", 4));
}

static void list_filters(void **state)
{
	struct buf w = BUF_INIT_CAP(1024);
	struct db_params p;
	struct err e = {0};
	(void)state;
	db_params_init(&p);
	/* absent or empty filters add nothing */
	assert_int_equal(rows_filter_id(&w, &p, NULL, " AND x.a = ?", "a", "甲", &e), 0);
	assert_int_equal(rows_filter_id(&w, &p, "", " AND x.a = ?", "a", "甲", &e), 0);
	assert_int_equal(rows_filter_days(&w, &p, "x.t", NULL, "", &e), 0);
	assert_int_equal(w.len, 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(rows_filter_id(&w, &p, "42", " AND x.a = ?", "a", "甲", &e), 0);
	assert_string_equal(w.data, " AND x.a = ?");
	assert_int_equal(p.n, 1);
	assert_true(p.is_int[0]);
	assert_string_equal(p.v[0], "42");
	assert_int_equal(rows_filter_id(&w, &p, "4x", " AND x.a = ?", "station", "联络站", &e), E_INVALID);
	assert_string_equal(e.code, "bad_param");
	assert_string_equal(e.field, "station");
	assert_string_equal(e.msg, "联络站无效");
	assert_int_equal(p.n, 1);
	/* both days included: from its first second to the start of the day after to, China time */
	assert_int_equal(rows_filter_days(&w, &p, "x.t", "2024-03-01", "2024-03-01", &e), 0);
	assert_string_equal(w.data, " AND x.a = ? AND x.t >= ? AND x.t < ?");
	assert_int_equal(p.n, 3);
	assert_string_equal(p.v[1], "1709222400");
	assert_string_equal(p.v[2], "1709308800");
	assert_int_equal(rows_filter_days(&w, &p, "x.t", "2024-3-1", NULL, &e), E_INVALID);
	assert_string_equal(e.field, "from");
	assert_int_equal(rows_filter_days(&w, &p, "x.t", NULL, "2024-02-30", &e), E_INVALID);
	assert_string_equal(e.field, "to");
	assert_int_equal(p.n, 3);
	db_params_release(&p);
	buf_release(&w);
}

/* The one phone check: landlines with area codes, mobiles of 11 digits, extensions; 6 digits,
 * letters, a 10- or 12-digit mobile are not phones. */
static void phones(void **state)
{
	static const char *const good[] = {"0571-88888888", "88888888",          "7654321",
					   "13800138000",   "+86 138 0013 8000", "0571-8888888-123",
					   "400-800-1234"};
	static const char *const bad[] = {"",           "abc",           "123456",
					  "1380013800", "138001380001",  "138-abc-0000",
					  "电话",       "0571_88888888", "1234567"};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(util_phone_ok(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(util_phone_ok(bad[i]));
	assert_false(util_phone_ok(NULL));
	assert_true(util_mobile_ok("13800138000"));
	assert_false(util_mobile_ok("23800138000"));
	assert_false(util_mobile_ok("1380013800a"));
	assert_false(util_mobile_ok("0571-88888888"));
	assert_false(util_mobile_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_of),          cmocka_unit_test(base64),
		cmocka_unit_test(role_predicates), cmocka_unit_test(utf8_scan),
		cmocka_unit_test(list_filters),    cmocka_unit_test(phones),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
