/* Unit tests of the capped text buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void empty_is_never_null(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 16);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_release(&b);
	assert_non_null(b.data);
}

static void cap_sets_sticky_error(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 8);
	buf_adds(&b, "12345");
	buf_adds(&b, "6789"); /* would make 9 > 8 */
	assert_true(buf_failed(&b));
	assert_string_equal(b.data, "12345"); /* content kept as it was */
	buf_adds(&b, "x");                    /* sticky: nothing more is added */
	assert_int_equal(b.len, 5);
	buf_reset(&b);
	assert_false(buf_failed(&b));
	buf_addf(&b, "%d-%s", 42, "ab");
	assert_string_equal(b.data, "42-ab");
	buf_release(&b);
}

static void json_string_escapes(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 1024);
	buf_add_json_str(&b, "a\"b\\c\n\x01中");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001中\"");
	buf_release(&b);
}

static void detach_gives_ownership(void **state)
{
	struct buf b;
	size_t n;
	char *p;
	(void)state;
	buf_init(&b, 1024);
	buf_adds(&b, "hello");
	p = buf_detach(&b, &n);
	assert_int_equal(n, 5);
	assert_string_equal(p, "hello");
	assert_int_equal(b.len, 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_is_never_null),
		cmocka_unit_test(cap_sets_sticky_error),
		cmocka_unit_test(json_string_escapes),
		cmocka_unit_test(detach_gives_ownership),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
