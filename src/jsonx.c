#include "jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "util.h"

static int depth_ok(json_t *v, int depth)
{
	if (depth > LIMIT_JSON_DEPTH)
		return 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
			if (!depth_ok(x, depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (!depth_ok(x, depth + 1))
				return 0;
	}
	return 1;
}

int jsonx_parse(const char *body, size_t len, json_t **out, struct err *e)
{
	json_error_t je;
	json_t *v;

	*out = NULL;
	if (len == 0)
		return err_set(e, E_INVALID, "bad_json", "请求体为空，应为 JSON 对象");
	if (!util_utf8_valid(body, len))
		return err_set(e, E_INVALID, "bad_encoding", "请求体不是有效的 UTF-8 文本");
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		if (strstr(je.text, "duplicate"))
			return err_set(e, E_INVALID, "duplicate_key", "JSON 中有重复的字段");
		if (strstr(je.text, "\\u0000") || strstr(je.text, "NUL"))
			return err_set(e, E_INVALID, "bad_json", "JSON 字符串中不允许 NUL 字符");
		return err_set(e, E_INVALID, "bad_json", "JSON 格式错误（第%d行第%d列）", je.line, je.column);
	}
	if (!json_is_object(v)) {
		json_decref(v);
		return err_set(e, E_INVALID, "bad_json", "请求体应为 JSON 对象");
	}
	if (!depth_ok(v, 0)) {
		json_decref(v);
		return err_set(e, E_INVALID, "bad_json", "JSON 嵌套层数过多");
	}
	*out = v;
	return 0;
}

static const struct jfield *find(const struct jfield *spec, const char *name)
{
	for (; spec->name; spec++)
		if (strcmp(spec->name, name) == 0)
			return spec;
	return NULL;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

int jsonx_check(json_t *obj, const struct jfield *spec, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		if (!find(spec, k))
			return err_field(e, E_INVALID, "unknown_field", k, "不支持的字段：%s", k);
	}
	for (const struct jfield *f = spec; f->name; f++) {
		v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return err_field(e, E_INVALID, "missing_field", f->name, "请填写%s", f->label);
			continue;
		}
		switch (f->type) {
		case JF_STR: {
			size_t n;
			if (!json_is_string(v))
				return err_field(e, E_INVALID, "wrong_type", f->name, "%s应为文本", f->label);
			if (strlen(json_string_value(v)) != json_string_length(v))
				return err_field(e, E_INVALID, "bad_json", f->name,
						 "%s中不允许 NUL 字符", f->label);
			n = util_utf8_len(json_string_value(v));
			if (f->min > 0 && (n < (size_t)f->min || blank(json_string_value(v))))
				return err_field(e, E_INVALID, f->min == 1 ? "missing_field" : "too_short",
						 f->name, f->min == 1 ? "请填写%s" : "%s至少%lld个字",
						 f->label, f->min);
			if (f->max > 0 && n > (size_t)f->max)
				return err_field(e, E_INVALID, "too_long", f->name,
						 "%s不能超过%lld个字", f->label, f->max);
			break;
		}
		case JF_INT: {
			long long n;
			if (!json_is_integer(v))
				return err_field(e, E_INVALID, "wrong_type", f->name, "%s应为整数", f->label);
			n = json_integer_value(v);
			if (n < f->min || n > f->max)
				return err_field(e, E_INVALID, "out_of_range", f->name,
						 "%s应在%lld到%lld之间", f->label, f->min, f->max);
			break;
		}
		case JF_BOOL:
			if (!json_is_boolean(v))
				return err_field(e, E_INVALID, "wrong_type", f->name,
						 "%s应为 true 或 false", f->label);
			break;
		case JF_OBJ:
			if (!json_is_object(v))
				return err_field(e, E_INVALID, "wrong_type", f->name, "%s应为对象", f->label);
			break;
		case JF_ARR:
			/* max 0 is no limit: the message names the limit only when there is one */
			if (!json_is_array(v))
				return err_field(e, E_INVALID, "wrong_type", f->name, "%s应为数组", f->label);
			if (f->max > 0 && json_array_size(v) > (size_t)f->max)
				return err_field(e, E_INVALID, "too_many", f->name,
						 "%s不能超过%lld项", f->label, f->max);
			break;
		}
	}
	return 0;
}

const char *jsonx_str(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *jsonx_str_or(json_t *obj, const char *name, const char *dflt)
{
	const char *v = jsonx_str(obj, name);
	return v ? v : dflt;
}

long long jsonx_int(json_t *obj, const char *name, long long dflt)
{
	json_t *v = json_object_get(obj, name);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return dflt;
}

int jsonx_need_text(json_t *obj, const char *name, const char *label, int min, struct err *e)
{
	const char *v = jsonx_str(obj, name);
	if (!v || util_utf8_len(v) < (size_t)min)
		return err_field(e, E_INVALID, "missing_field", name, "请填写%s（至少 %d 个字）", label, min);
	return 0;
}

int jsonx_phone(json_t *obj, const char *name, const char *label, struct err *e)
{
	const char *v = jsonx_str(obj, name);
	if (!v || !*v || util_phone_ok(v))
		return 0;
	return err_field(e, E_INVALID, "bad_phone", name,
			 "%s格式不正确：应为至少7位数字的电话号码（手机号为11位），只能包含数字、空格、+ 和 -",
			 label);
}

int jsonx_no_null_arrays(json_t *obj, const struct jfield *spec, struct err *e)
{
	for (const struct jfield *f = spec; f->name; f++)
		if (f->type == JF_ARR && json_is_null(json_object_get(obj, f->name)))
			return err_field(e, E_INVALID, "wrong_type", f->name,
					 "%s应为数组（没有时写 []），不能为 null", f->label);
	return 0;
}

/* A string as jansson writes it: ", \ and control characters escaped (\b \f \n \r \t by name,
 * the others as \u00XX in capitals), everything else as it is (jansson keeps its strings valid
 * UTF-8, and a byte below 0x20 is never part of a longer character). */
static void dump_str(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t n = 2;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		switch (ch) {
		case '"':
		case '\\':
			esc[1] = (char)ch;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			n = 6;
		}
		buf_add(b, s + run, i - run);
		buf_add(b, esc, n);
		run = i + 1;
	}
	buf_add(b, s + run, len - run);
	buf_addc(b, '"');
}

int jsonx_dump(const json_t *j, struct buf *b)
{
	char num[32];
	const char *key;
	json_t *v;
	size_t i;
	int first = 1, n;

	switch (json_typeof(j)) {
	case JSON_NULL:
		buf_add(b, "null", 4);
		return 0;
	case JSON_TRUE:
		buf_add(b, "true", 4);
		return 0;
	case JSON_FALSE:
		buf_add(b, "false", 5);
		return 0;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		buf_add(b, num, (size_t)n);
		return 0;
	case JSON_REAL: {
		/* rare in replies: jansson's own shortest round-trip form */
		char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!s)
			return -1;
		buf_adds(b, s);
		free(s);
		return 0;
	}
	case JSON_STRING:
		dump_str(b, json_string_value(j), json_string_length(j));
		return 0;
	case JSON_ARRAY:
		buf_addc(b, '[');
		json_array_foreach((json_t *)j, i, v) {
			if (!first)
				buf_addc(b, ',');
			first = 0;
			if (jsonx_dump(v, b))
				return -1;
		}
		buf_addc(b, ']');
		return 0;
	case JSON_OBJECT:
		buf_addc(b, '{');
		json_object_foreach((json_t *)j, key, v) {
			if (!first)
				buf_addc(b, ',');
			first = 0;
			dump_str(b, key, strlen(key));
			buf_addc(b, ':');
			if (jsonx_dump(v, b))
				return -1;
		}
		buf_addc(b, '}');
		return 0;
	}
	return -1;
}
