/* Unit tests of the small shared helpers: list membership, base64 decoding, role predicates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "role.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_of),
		cmocka_unit_test(base64),
		cmocka_unit_test(role_predicates),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
