#include "home.h"

#include <string.h>

#include "deputy.h"
#include "meeting.h"
#include "opinion.h"
#include "suggestion.h"
#include "util.h"

struct home_read {
	const struct actor *a;
	const char *q;
	json_t *out;
};

static int todo_read(struct db_conn *c, void *ctx, struct err *e)
{
	struct home_read *h = ctx;
	json_t *items = json_object_get(h->out, "items"), *v;
	json_int_t total = 0;
	size_t i;
	int rc;

	if ((rc = opinion_todo(c, h->a, items, e)) || (rc = suggestion_todo(c, h->a, items, e)) ||
	    (rc = meeting_todo(c, h->a, items, e)))
		return rc;
	json_array_foreach(items, i, v)
		total += json_integer_value(json_object_get(v, "count"));
	json_object_set_new(h->out, "total", json_integer(total));
	return 0;
}

int home_todo(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	struct home_read h = {a, NULL, json_pack("{s:[]}", "items")};
	int rc = db_read(db, todo_read, &h, e);
	if (rc) {
		json_decref(h.out);
		h.out = NULL;
	}
	*out = h.out;
	return rc;
}

/* Adds the group of one kind when it found something (takes items). */
static void add_group(json_t *groups, const char *kind, const char *label, json_t *items)
{
	if (json_array_size(items))
		json_array_append_new(groups, json_pack("{s:s, s:s, s:O}", "kind", kind, "label",
							label, "items", items));
	json_decref(items);
}

static int search_read(struct db_conn *c, void *ctx, struct err *e)
{
	struct home_read *h = ctx;
	json_t *groups = json_object_get(h->out, "groups"), *op = json_array(), *sg = json_array(),
	       *dp = json_array(), *mt = json_array(), *g;
	json_int_t total = 0;
	size_t i;
	int rc, motion;

	if (!(rc = opinion_find_code(c, h->a, h->q, op, e)) &&
	    !(rc = suggestion_find_code(c, h->a, h->q, sg, e)) &&
	    !(rc = deputy_find_name(c, h->a, h->q, dp, e)))
		rc = meeting_find_title(c, h->a, h->q, mt, e);
	if (rc) {
		json_decref(op);
		json_decref(sg);
		json_decref(dp);
		json_decref(mt);
		return rc;
	}
	add_group(groups, "opinion", "群众意见", op);
	/* a number names a suggestion or a motion; its group is the kind it names */
	motion = json_array_size(sg) &&
		 !strcmp(json_string_value(json_object_get(json_array_get(sg, 0), "kind")), "motion");
	add_group(groups, motion ? "motion" : "suggestion", motion ? "议案" : "代表建议", sg);
	add_group(groups, "deputy", "人大代表", dp);
	add_group(groups, "meeting", "会议", mt);
	json_array_foreach(groups, i, g)
		total += (json_int_t)json_array_size(json_object_get(g, "items"));
	json_object_set_new(h->out, "total", json_integer(total));
	return 0;
}

int home_search(struct db *db, const struct actor *a, const char *q, json_t **out, struct err *e)
{
	struct home_read h = {a, q, NULL};
	int rc;

	*out = NULL;
	if (!q || !*q)
		return err_field(e, E_INVALID, "bad_param", "q", "请输入要搜索的查询码、编号、姓名或会议名称");
	h.out = json_pack("{s:s, s:[]}", "q", q, "groups");
	if ((rc = db_read(db, search_read, &h, e))) {
		json_decref(h.out);
		return rc;
	}
	*out = h.out;
	return 0;
}
