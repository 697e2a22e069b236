/* Unit tests of strict JSON input and field validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"

static const struct jfield spec[] = {{"name", JF_STR, 1, 1, 4, "名称"},
				     {"age", JF_INT, 0, 0, 150, "年龄"},
				     {"on", JF_BOOL, 0, 0, 0, "开关"},
				     {NULL, 0, 0, 0, 0, NULL}};

static int parse_check(const char *text, struct err *e)
{
	json_t *v = NULL;
	int rc = jsonx_parse(text, strlen(text), &v, e);
	if (!rc)
		rc = jsonx_check(v, spec, e);
	json_decref(v);
	return rc;
}

static void accepts_valid(void **state)
{
	struct err e = {0};
	(void)state;
	assert_int_equal(parse_check("{\"name\":\"张三\",\"age\":30,\"on\":true}", &e), 0);
	/* four characters, twelve bytes: lengths count characters */
	assert_int_equal(parse_check("{\"name\":\"基层人大\"}", &e), 0);
}

static void refuses_each_bad_class(void **state)
{
	static const struct {
		const char *body, *code;
	} cases[] = {
		{"{\"name\":\"a\"", "bad_json"},
		{"[1,2]", "bad_json"},
		{"{\"name\":\"a\",\"name\":\"b\"}", "duplicate_key"},
		{"{\"name\":\"a\\u0000b\"}", "bad_json"},
		{"{\"name\":\"a\",\"x\":1}", "unknown_field"},
		{"{\"age\":3}", "missing_field"},
		{"{\"name\":\"  \"}", "missing_field"},
		{"{\"name\":5}", "wrong_type"},
		{"{\"name\":\"abcde\"}", "too_long"},
		{"{\"name\":\"a\",\"age\":151}", "out_of_range"},
		{"{\"name\":\"a\",\"age\":\"3\"}", "wrong_type"},
		{"{\"name\":\"a\",\"on\":1}", "wrong_type"},
		{"", "bad_json"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = {0};
		assert_int_equal(parse_check(cases[i].body, &e), E_INVALID);
		assert_string_equal(e.code, cases[i].code);
		assert_true(strlen(e.msg) > 0);
	}
}

static void refuses_invalid_utf8(void **state)
{
	const char body[] = "{\"name\":\"\xff\xfe\"}";
	struct err e = {0};
	json_t *v = NULL;
	(void)state;
	assert_int_equal(jsonx_parse(body, sizeof(body) - 1, &v, &e), E_INVALID);
	assert_string_equal(e.code, "bad_encoding");
	assert_null(v);
}

static void refuses_deep_nesting(void **state)
{
	char body[256];
	struct err e = {0};
	json_t *v = NULL;
	size_t n = 0;
	(void)state;
	body[n++] = '{';
	memcpy(body + n, "\"a\":", 4);
	n += 4;
	for (int i = 0; i < 40; i++)
		body[n++] = '[';
	for (int i = 0; i < 40; i++)
		body[n++] = ']';
	body[n++] = '}';
	assert_int_equal(jsonx_parse(body, n, &v, &e), E_INVALID);
	assert_null(v);
}

static void names_the_field(void **state)
{
	struct err e = {0};
	(void)state;
	assert_int_equal(parse_check("{\"name\":\"abcdef\"}", &e), E_INVALID);
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.msg, "名称"));
}

static void str_or(void **state)
{
	json_t *o = json_pack("{s:s, s:n, s:i}", "name", "甲", "phone", "age", 3);
	(void)state;
	assert_string_equal(jsonx_str_or(o, "name", "x"), "甲");
	assert_string_equal(jsonx_str_or(o, "phone", ""), "");    /* null: the default */
	assert_string_equal(jsonx_str_or(o, "post", "无"), "无"); /* absent: the default */
	assert_string_equal(jsonx_str_or(o, "age", "-"), "-");    /* not a string: the default */
	assert_null(jsonx_str_or(o, "post", NULL));
	json_decref(o);
}

/* An array field: the wrong type says "数组" without a limit of 0; too many names the limit;
 * null where it must not stand for absent; a phone field. */
static void arrays_and_phones(void **state)
{
	static const struct jfield aspec[] = {{"ids", JF_ARR, 0, 0, 0, "代表"},
					      {"few", JF_ARR, 0, 0, 2, "会办单位"},
					      {NULL, 0, 0, 0, 0, NULL}};
	struct err e = {0};
	json_t *o = json_pack("{s:s}", "ids", "x");
	(void)state;
	assert_int_equal(jsonx_check(o, aspec, &e), E_INVALID);
	assert_string_equal(e.code, "wrong_type");
	assert_string_equal(e.field, "ids");
	assert_string_equal(e.msg, "代表应为数组");
	json_decref(o);
	o = json_pack("{s:[i,i,i]}", "few", 1, 2, 3);
	assert_int_equal(jsonx_check(o, aspec, &e), E_INVALID);
	assert_string_equal(e.code, "too_many");
	assert_string_equal(e.msg, "会办单位不能超过2项");
	json_decref(o);
	o = json_pack("{s:[i,i]}", "few", 1, 2); /* the limit itself is fine */
	assert_int_equal(jsonx_check(o, aspec, &e), 0);
	json_decref(o);
	o = json_pack("{s:n}", "ids");
	assert_int_equal(jsonx_check(o, aspec, &e), 0); /* null is absent to the spec… */
	assert_int_equal(jsonx_no_null_arrays(o, aspec, &e), E_INVALID); /* …not to this check */
	assert_string_equal(e.field, "ids");
	json_decref(o);
	o = json_pack("{s:s, s:s, s:s}", "phone", "abc", "fax", "0571-88888888", "none", "");
	assert_int_equal(jsonx_phone(o, "phone", "联系电话", &e), E_INVALID);
	assert_string_equal(e.code, "bad_phone");
	assert_string_equal(e.field, "phone");
	assert_non_null(strstr(e.msg, "联系电话"));
	assert_int_equal(jsonx_phone(o, "fax", "传真", &e), 0);
	assert_int_equal(jsonx_phone(o, "none", "电话", &e), 0);
	assert_int_equal(jsonx_phone(o, "absent", "电话", &e), 0);
	json_decref(o);
}

/* jsonx_dump writes what json_dumps(JSON_COMPACT) writes, byte for byte: the replies must not
 * change when the faster writer replaced it. */
static void dump_matches_jansson(void **state)
{
	static const char *const texts[] = {
		"{}",
		"[]",
		"{\"a\":null,\"b\":true,\"c\":false,\"d\":0,\"e\":-9223372036854775808,"
		"\"f\":9223372036854775807,\"g\":1.5,\"h\":1e300,\"i\":-0.1,\"j\":3.0}",
		"{\"z\":1,\"a\":2,\"m\":{\"y\":[],\"b\":{}},\"list\":[1,[2,[3,{}]],\"x\"]}",
		"{\"s\":\"\\\"quoted\\\" back\\\\slash /slash\",\"ctl\":\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"}",
		"{\"中文键\":\"张三 北泉街道 \\u2028 😀 é\",\"empty\":\"\",\"k\\n\\\"\":\"v\"}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_error_t je;
		json_t *v = json_loads(texts[i], 0, &je);
		struct buf b = BUF_INIT_CAP(1u << 20);
		char *want;
		assert_non_null(v);
		want = json_dumps(v, JSON_COMPACT);
		assert_int_equal(jsonx_dump(v, &b), 0);
		assert_false(buf_failed(&b));
		assert_int_equal(b.len, strlen(want));
		assert_memory_equal(b.data, want, b.len);
		free(want);
		buf_release(&b);
		json_decref(v);
	}
	{ /* a string with a NUL inside, which jansson writes as \u0000 */
		json_t *v = json_pack("{s:s%}", "n", "a\0b", (size_t)3);
		struct buf b = BUF_INIT_CAP(1u << 20);
		char *want = json_dumps(v, JSON_COMPACT);
		assert_int_equal(jsonx_dump(v, &b), 0);
		assert_int_equal(b.len, strlen(want));
		assert_memory_equal(b.data, want, b.len);
		free(want);
		buf_release(&b);
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_valid),        cmocka_unit_test(refuses_each_bad_class),
		cmocka_unit_test(refuses_invalid_utf8), cmocka_unit_test(refuses_deep_nesting),
		cmocka_unit_test(names_the_field),      cmocka_unit_test(str_or),
		cmocka_unit_test(arrays_and_phones),    cmocka_unit_test(dump_matches_jansson),
	};
	return cmocka_run_group_tests_name("jsonx", tests, NULL, NULL);
}
