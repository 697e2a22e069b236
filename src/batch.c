#include "batch.h"

#include <stdio.h>

#include "audit.h"
#include "limit.h"

/* The ids of the request: each a positive whole number, given once. */
static int check_ids(const struct batch *b, json_t *ids, struct err *e)
{
	size_t i, j, n = json_array_size(ids);
	if (!json_is_array(ids) || n == 0)
		return err_field(e, E_INVALID, "missing_field", b->ids, "请至少选择一条%s", b->label);
	if (n > LIMIT_BATCH_ITEMS)
		return err_field(e, E_INVALID, "too_many", b->ids, "一次最多处理%d条%s",
				 LIMIT_BATCH_ITEMS, b->label);
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(ids, i);
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, E_INVALID, "bad_id", b->ids, "第%zu项不是有效的%s编号",
					 i + 1, b->label);
		for (j = 0; j < i; j++)
			if (json_integer_value(json_array_get(ids, j)) == json_integer_value(v))
				return err_field(e, E_INVALID, "duplicate_id", b->ids,
						 "第%zu项与第%zu项是同一条%s", i + 1, j + 1, b->label);
	}
	return 0;
}

int batch_run(struct db *db, const struct actor *a, const struct batch *b, json_t *in, json_t **out,
	      struct err *e)
{
	json_t *ids = json_object_get(in, b->ids), *fields, *results, *v;
	size_t i;
	int rc, done = 0, failed = 0;

	*out = NULL;
	if ((rc = check_ids(b, ids, e)))
		return rc;
	fields = json_deep_copy(in);
	json_object_del(fields, b->ids);
	results = json_array();
	json_array_foreach(ids, i, v) {
		int64_t id = json_integer_value(v);
		struct err ie = {0};
		json_t *one = NULL;
		char sid[24];

		if (b->id_field)
			json_object_set_new(fields, b->id_field, json_integer(id));
		rc = b->step(db, a, b->id_field ? b->item : id, fields, &one, &ie);
		json_decref(one);
		if (!rc) {
			done++;
			json_array_append_new(results,
					      json_pack("{s:I, s:b}", "id", (json_int_t)id, "ok", 1));
			continue;
		}
		if (ie.kind == E_DB || ie.kind == E_INTERNAL) {
			/* the detail is for operators; the user is told it failed */
			fprintf(stderr, "renda: batch %s %lld: %s\n", b->action, (long long)id, ie.msg);
			snprintf(ie.msg, sizeof(ie.msg), "服务器内部错误，请稍后重试");
		}
		failed++;
		json_array_append_new(results,
				      json_pack("{s:I, s:b, s:{s:s, s:s?, s:s}}", "id", (json_int_t)id,
						"ok", 0, "error", "code", ie.code, "field",
						ie.field[0] ? ie.field : NULL, "message", ie.msg));
		snprintf(sid, sizeof(sid), "%lld", (long long)(b->id_field ? b->item : id));
		{
			struct err ignore = {0};
			json_t *after = json_pack(
				"{s:s, s:I, s:s, s:s}", "error", ie.code, "id", (json_int_t)id, "step",
				json_string_value(json_object_get(fields, "action"))
					? json_string_value(json_object_get(fields, "action"))
					: "",
				"message", ie.msg);
			if (audit_record(db, a, ie.kind == E_DB || ie.kind == E_INTERNAL ? AUDIT_FAILED : AUDIT_REFUSED,
					 b->action, b->object_type, sid, after, &ignore))
				fprintf(stderr, "renda: batch %s: refusal not recorded: %s\n",
					b->action, ignore.msg);
			json_decref(after);
		}
	}
	json_decref(fields);
	*out = json_pack("{s:o, s:i, s:i}", "results", results, "done", done, "failed", failed);
	return 0;
}
