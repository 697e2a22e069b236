/* jsonx.h: strict JSON input (jansson) and field validation shared by every handler. */
#ifndef RENDA_JSONX_H
#define RENDA_JSONX_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "util.h"

enum jf_type {
	JF_STR,
	JF_INT,
	JF_BOOL,
	JF_OBJ,
	JF_ARR
}; /* OBJ/ARR: type only, the caller checks inside */

/* One accepted field of a request object. For strings min/max count characters (min 1 also
 * refuses blanks); for integers they bound the value. */
struct jfield {
	const char *name;
	enum jf_type type;
	int required;
	long long min, max;
	const char *label; /* the field's Chinese name in messages */
};

/* Parses a request body: valid UTF-8, no NUL, no duplicate keys, an object, bounded depth.
 * On success *out is a new reference owned by the caller. */
int jsonx_parse(const char *body, size_t len, json_t **out, struct err *e) WUR;

/* Checks obj against a spec ending with a {NULL} entry: unknown fields, missing required
 * fields, wrong types, lengths and ranges are refused with the field named. */
int jsonx_check(json_t *obj, const struct jfield *spec, struct err *e) WUR;

/* Borrowed string value of a field, or NULL when absent or null. */
const char *jsonx_str(json_t *obj, const char *name);
/* The same, or dflt when absent or null: a field's default ("" for an optional text), or on an
 * update the stored value (jsonx_str_or(in, "name", jsonx_str(before, "name"))). */
const char *jsonx_str_or(json_t *obj, const char *name, const char *dflt);
/* A text the step needs: present with at least min characters, else E_INVALID "missing_field"
 * naming the field ("请填写<label>（至少 N 个字）"). */
int jsonx_need_text(json_t *obj, const char *name, const char *label, int min, struct err *e) WUR;
/* A phone field: absent, null or "" passes (the spec decides whether it is required); anything
 * else must be a telephone number (util_phone_ok), else E_INVALID "bad_phone" naming the field. */
int jsonx_phone(json_t *obj, const char *name, const char *label, struct err *e) WUR;
/* Array fields of spec sent as null: E_INVALID "wrong_type" naming the field, where null must
 * not stand for "absent" (an empty array is said as []). */
int jsonx_no_null_arrays(json_t *obj, const struct jfield *spec, struct err *e) WUR;
/* Integer value of a field, or dflt when absent. */
long long jsonx_int(json_t *obj, const char *name, long long dflt);

/* Appends j to b as json_dumps(j, JSON_COMPACT) writes it, byte for byte (keys in insertion
 * order), without its per-container loop check and per-character callbacks: the replies are
 * trees built by the handlers. -1 on a value jansson cannot write either. */
int jsonx_dump(const json_t *j, struct buf *b) WUR;

#endif
