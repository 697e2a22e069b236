#include "supervision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "calendar.h"
#include "jsonx.h"
#include "limit.h"
#include "notice.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "step.h"
#include "suggestion.h"
#include "tx.h"
#include "util.h"
#include "vote.h"

static const char *const kind_names[][2] = {
	{"work_report", "专项工作报告"},
	{"law_inspection", "执法检查"},
	{"inspection", "视察、调研"},
	{"inquiry", "专题询问"},
	{"budget_review", "预算决算审查"}};
static const char *const kinds[] = {"work_report", "law_inspection", "inspection",
				    "inquiry",     "budget_review",  NULL};

static const char *const state_names[][2] = {
	{"planned", "计划中"},  {"heard", "已审议"},       {"opinion_sent", "审议意见办理中"},
	{"reported", "已报告"}, {"checked", "已跟踪检查"}, {"rereport", "测评未通过，再次报告中"},
	{"rated", "测评通过"},  {"cancelled", "已取消"}};

static const char *kind_name(const char *k)
{
	return UTIL_LABEL(kind_names, k, "");
}

const char *supervision_state_name(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
}

unsigned supervision_late(const struct supervision_dates *d, const struct supervision_days *need)
{
	unsigned late = 0;
	if (!d->meeting)
		return 0;
	if (d->draft && d->meeting - d->draft < need->draft)
		late |= SUPERVISION_LATE_DRAFT;
	if (d->final && d->meeting - d->final < need->final)
		late |= SUPERVISION_LATE_FINAL;
	if (d->members && d->meeting - d->members < need->members)
		late |= SUPERVISION_LATE_MEMBERS;
	return late;
}

const char *supervision_dates_disorder(const struct supervision_dates *d)
{
	const int32_t v[] = {d->draft, d->final, d->members, d->meeting};
	static const char *const fields[] = {"draft_on", "final_on", "members_on", "meeting_on"};
	const int32_t *last = NULL; /* the latest date set so far */
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		if (!v[i])
			continue;
		if (last && v[i] < *last)
			return fields[i];
		last = &v[i];
	}
	return NULL;
}

/* ---- rows ---- */

#define I_COLS                                                                                       \
	"s.id, s.region_code, r.name, s.region_path, s.year, s.kind, s.title, s.handler_id, h.name," \
	" s.meeting_id, mt.title, s.meeting_on, s.draft_on, s.final_on, s.members_on, s.findings,"   \
	" s.state, s.rating_vote_id, s.rating_passed, s.rating_text, s.rereport_due, s.created_at,"  \
	" s.updated_at,"                                                                             \
	" (SELECT MAX(o.deadline) FROM supervision_opinions o WHERE o.item_id = s.id)"
#define I_FROM                                                                               \
	" FROM supervision_items s JOIN regions r ON r.code = s.region_code JOIN handlers h" \
	" ON h.id = s.handler_id LEFT JOIN meetings mt ON mt.id = s.meeting_id"
enum {
	I_ID,
	I_REGION,
	I_REGION_NAME,
	I_PATH,
	I_YEAR,
	I_KIND,
	I_TITLE,
	I_HANDLER,
	I_HANDLER_NAME,
	I_MEETING,
	I_MEETING_TITLE,
	I_MEETING_ON,
	I_DRAFT_ON,
	I_FINAL_ON,
	I_MEMBERS_ON,
	I_FINDINGS,
	I_STATE,
	I_RATING_VOTE,
	I_RATING_PASSED,
	I_RATING_TEXT,
	I_REREPORT_DUE,
	I_CREATED,
	I_UPDATED,
	I_DEADLINE
};

static int is_staff_reader(const struct actor *a)
{
	return role_can(a->role, PERM_SUGGESTION_READ);
}

static int is_staff_writer(const struct actor *a)
{
	return role_can(a->role, PERM_SUGGESTION_MANAGE);
}

static int can_list(const struct actor *a, struct err *e)
{
	if (is_staff_reader(a) || (role_is_handler(a->role) && a->handler_id) ||
	    (role_is_deputy(a->role) && a->deputy_id))
		return 0;
	return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看监督事项");
}

static int32_t day_of(const char *s)
{
	int32_t d = 0;
	if (!s || cal_parse(s, &d))
		return 0;
	return d;
}

static void dates_of(const struct db_res *r, int i, struct supervision_dates *d)
{
	d->draft = day_of(db_val(r, i, I_DRAFT_ON));
	d->final = day_of(db_val(r, i, I_FINAL_ON));
	d->members = day_of(db_val(r, i, I_MEMBERS_ON));
	d->meeting = day_of(db_val(r, i, I_MEETING_ON));
}

/* The timeline's warnings of row i: each late document with the days it was out and the days
 * the settings of the item's region ask for. */
static int warnings_of(struct db_conn *c, const struct db_res *r, int i, json_t **out, struct err *e)
{
	static const struct {
		unsigned bit;
		const char *field, *what;
	} docs[] = {{SUPERVISION_LATE_DRAFT, "draft_on", "报告初稿"},
		    {SUPERVISION_LATE_FINAL, "final_on", "报告定稿"},
		    {SUPERVISION_LATE_MEMBERS, "members_on", "送组成人员的报告"}};
	const char *path = db_val(r, i, I_PATH);
	struct supervision_dates d;
	struct supervision_days need;
	unsigned late;
	int rc;
	*out = json_array();
	dates_of(r, i, &d);
	if (!d.meeting)
		return 0;
	if ((rc = settings_int(c, path, "supervision.draft_days", &need.draft, e)) ||
	    (rc = settings_int(c, path, "supervision.final_days", &need.final, e)) ||
	    (rc = settings_int(c, path, "supervision.members_days", &need.members, e))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	late = supervision_late(&d, &need);
	for (size_t k = 0; k < ARRAY_LEN(docs); k++) {
		const int need_days = k == 0 ? need.draft : k == 1 ? need.final : need.members;
		const int32_t on = k == 0 ? d.draft : k == 1 ? d.final : d.members;
		char msg[200];
		if (!(late & docs[k].bit))
			continue;
		snprintf(msg, sizeof(msg), "%s应在会前%d日送达，实际为会前%d日", docs[k].what,
			 need_days, (int)(d.meeting - on));
		json_array_append_new(*out, json_pack("{s:s,s:i,s:i,s:s}", "field", docs[k].field, "need", need_days,
						      "days", (int)(d.meeting - on), "message", msg));
	}
	return 0;
}

/* The body owes a report past its deadline: the opinion's while it is being handled, the
 * second report's after a rating not passed. */
static int overdue(const struct db_res *r, int i)
{
	const char *state = db_val(r, i, I_STATE);
	const char *due = !strcmp(state, "opinion_sent") ? db_val(r, i, I_DEADLINE)
			  : !strcmp(state, "rereport")   ? db_val(r, i, I_REREPORT_DUE)
							 : NULL;
	char today[11];
	if (!due)
		return 0;
	cal_format(cal_today(), today);
	return strcmp(due, today) < 0;
}

static json_t *row_json(const struct db_res *r, int i)
{
	json_t *o = json_object();
	const char *state = db_val(r, i, I_STATE);
	json_object_set_new(o, "id", json_integer(db_int(r, i, I_ID)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, I_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, I_REGION_NAME)));
	json_object_set_new(o, "year", json_integer(db_int(r, i, I_YEAR)));
	json_object_set_new(o, "kind", json_string(db_val(r, i, I_KIND)));
	json_object_set_new(o, "kind_name", json_string(kind_name(db_val(r, i, I_KIND))));
	json_object_set_new(o, "title", json_string(db_val(r, i, I_TITLE)));
	json_object_set_new(o, "handler_id", json_integer(db_int(r, i, I_HANDLER)));
	json_object_set_new(o, "handler_name", json_string(db_val(r, i, I_HANDLER_NAME)));
	json_object_set_new(o, "meeting_id", rows_int(r, i, I_MEETING));
	json_object_set_new(o, "meeting_title", rows_str(db_val(r, i, I_MEETING_TITLE)));
	json_object_set_new(o, "meeting_on", rows_str(db_val(r, i, I_MEETING_ON)));
	json_object_set_new(o, "draft_on", rows_str(db_val(r, i, I_DRAFT_ON)));
	json_object_set_new(o, "final_on", rows_str(db_val(r, i, I_FINAL_ON)));
	json_object_set_new(o, "members_on", rows_str(db_val(r, i, I_MEMBERS_ON)));
	json_object_set_new(o, "findings", json_string(db_val(r, i, I_FINDINGS)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(supervision_state_name(state)));
	json_object_set_new(o, "rating_vote_id", rows_int(r, i, I_RATING_VOTE));
	json_object_set_new(o, "rating_passed",
			    db_val(r, i, I_RATING_PASSED) ? json_boolean(db_int(r, i, I_RATING_PASSED))
							  : json_null());
	json_object_set_new(o, "rating_text", json_string(db_val(r, i, I_RATING_TEXT)));
	json_object_set_new(o, "rereport_due", rows_str(db_val(r, i, I_REREPORT_DUE)));
	json_object_set_new(o, "opinion_deadline", rows_str(db_val(r, i, I_DEADLINE)));
	json_object_set_new(o, "overdue", json_boolean(overdue(r, i)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, I_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, I_UPDATED)));
	return o;
}

/* The item row as actor a may see it (NULL: anyone): staff of its region's subtree, the handling
 * unit that is its subject body, a deputy who takes part. E_NOTFOUND otherwise. */
static int load_row(struct db_conn *c, const struct actor *a, int64_t id, struct db_res **out, struct err *e)
{
	int64_t part = 0;
	int rc = db_execv(c, out, e, "SELECT " I_COLS I_FROM " WHERE s.id = ?", "i", id), seen = 0;
	if (rc)
		return rc;
	if ((*out)->nrows) {
		if (!a)
			seen = 1;
		else if (is_staff_reader(a))
			seen = region_path_in_scope(a, db_val(*out, 0, I_PATH));
		else if (role_is_handler(a->role))
			seen = a->handler_id && a->handler_id == db_int(*out, 0, I_HANDLER);
		else if (role_is_deputy(a->role) && a->deputy_id) {
			if ((rc = db_intv(c, &part, e, "SELECT COUNT(*) FROM supervision_deputies WHERE item_id = ? AND deputy_id = ?",
					  "ii", id, a->deputy_id))) {
				db_res_free(*out);
				*out = NULL;
				return rc;
			}
			seen = part > 0;
		}
	}
	if (!seen) {
		db_res_free(*out);
		*out = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "监督事项不存在");
	}
	return 0;
}

/* The whole item: the row, the timeline's warnings, the deputies, the opinions, the reports, the
 * rating and the history. */
static int item_json(struct db_conn *c, const struct db_res *r, json_t **out, struct err *e)
{
	static const struct col deputy_cols[] = {{"id", COL_INT}, {"name", COL_STR}, {NULL, 0}};
	static const struct col opinion_cols[] = {
		{"id", COL_INT},       {"body", COL_STR},       {"sent_on", COL_STR},
		{"deadline", COL_STR}, {"created_by", COL_STR}, {NULL, 0}};
	static const struct col report_cols[] = {
		{"id", COL_INT},          {"opinion_id", COL_INT}, {"round", COL_INT},
		{"body", COL_STR},        {"due", COL_STR},        {"on_time", COL_BOOL},
		{"reported_by", COL_STR}, {"created_at", COL_INT}, {"check_note", COL_STR},
		{"checked_by", COL_STR},  {"checked_at", COL_INT}, {NULL, 0}};
	static const struct col event_cols[] = {
		{"action", COL_STR},
		{"from_state", COL_STR},
		{"to_state", COL_STR},
		{"actor", COL_STR},
		{"note", COL_STR},
		{"created_at", COL_INT},
		{NULL, 0}};
	int64_t id = db_int(r, 0, I_ID);
	json_t *o = row_json(r, 0), *w = NULL;
	int rc;
	if ((rc = warnings_of(c, r, 0, &w, e)))
		goto fail;
	json_object_set_new(o, "warnings", w);
	if ((rc = rows_attach(c, o, "deputies", deputy_cols, e,
			      "SELECT d.id, d.name FROM supervision_deputies x JOIN deputies d ON d.id = x.deputy_id"
			      " WHERE x.item_id = ? ORDER BY d.name, d.id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "opinions", opinion_cols, e,
			      "SELECT id, body, sent_on, deadline, created_by FROM supervision_opinions"
			      " WHERE item_id = ? ORDER BY id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "reports", report_cols, e,
			      "SELECT id, opinion_id, round, body, due, on_time, reported_by, created_at,"
			      " check_note, checked_by, checked_at FROM supervision_reports WHERE item_id = ?"
			      " ORDER BY round, id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "events", event_cols, e,
			      "SELECT action, from_state, to_state, actor, note, created_at FROM supervision_events"
			      " WHERE item_id = ? ORDER BY id",
			      "i", id)))
		goto fail;
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

int supervision_opinion_visible_in(struct db_conn *c, const struct actor *a, int64_t id, struct err *e)
{
	struct db_res *r = NULL;
	int64_t item = 0;
	int rc;
	if ((rc = db_intv(c, &item, e, "SELECT item_id FROM supervision_opinions WHERE id = ?", "i", id)))
		return rc;
	if (!item)
		return err_set(e, E_NOTFOUND, "not_found", "审议意见不存在");
	rc = load_row(c, a, item, &r, e);
	db_res_free(r);
	return rc;
}

static int load_item(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, a, id, &r, e);
	if (!rc)
		rc = item_json(c, r, out, e);
	db_res_free(r);
	return rc;
}

static int may_read(const struct actor *a, struct err *e)
{
	return can_list(a, e);
}

int supervision_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, may_read, load_item, a, id, "item", out, e);
}

/* ---- the list ---- */

int supervision_list(struct db *db, const struct actor *a, const char *region, const char *year,
		     const char *kind, const char *state, const char *handler_id,
		     const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"year", "meeting_on", "title", "state", "id", NULL};
	static const char *const search[] = {"s.title", NULL};
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	struct buf w = BUF_INIT_CAP(2048);
	char order[128];
	int64_t total;
	json_t *items;
	int rc;

	*out = NULL;
	if ((rc = can_list(a, e)))
		return rc;
	if ((rc = rows_order(q->sort, sorts, "", order, sizeof(order), e)))
		return rc;
	if (kind && *kind && !util_one_of(kind, kinds))
		return err_field(e, E_INVALID, "bad_param", "kind", "监督方式无效");
	if (year && *year && (strlen(year) != 4 || strspn(year, "0123456789") != 4))
		return err_field(e, E_INVALID, "bad_param", "year", "年度无效");
	c = db_acquire(db);
	db_params_init(&p);
	if ((rc = db_begin_read(c, e)) ||
	    (rc = rows_filter_scope(&w, &p, c, a, region, " WHERE s.region_path LIKE ?", NULL, 0, e)))
		goto out;
	if (!is_staff_reader(a) && role_is_handler(a->role)) {
		buf_adds(&w, " AND s.handler_id = ?");
		db_pi(&p, a->handler_id);
	} else if (!is_staff_reader(a)) {
		buf_adds(&w, " AND s.id IN (SELECT item_id FROM supervision_deputies WHERE deputy_id = ?)");
		db_pi(&p, a->deputy_id);
	}
	if (year && *year) {
		buf_adds(&w, " AND s.year = ?");
		db_pi(&p, strtoll(year, NULL, 10));
	}
	rows_filter_eq(&w, &p, kind, " AND s.kind = ?");
	if ((rc = rows_filter_state(&w, &p, state, " AND s.state = ?", supervision_state_name, e)) ||
	    (rc = rows_filter_id(&w, &p, handler_id, " AND s.handler_id = ?", "handler_id", "承办单位", e)))
		goto out;
	rows_filter_search(&w, &p, q->q, search);
	/* the default order: the newest plan first, within it by meeting date */
	if (!*order)
		snprintf(order, sizeof(order), "s.year DESC, s.meeting_on, s.id");
	else {
		char o2[sizeof(order)];
		snprintf(o2, sizeof(o2), "%s", order);
		snprintf(order, sizeof(order), "s.%.100s, s.id", o2);
	}
	if ((rc = rows_where_ok(&w, e)) ||
	    (rc = rows_page(c, "supervision_items s", "SELECT " I_COLS I_FROM, w.data, &p, order, q,
			    &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = row_json(r, i), *warn = NULL;
		if ((rc = warnings_of(c, r, i, &warn, e))) {
			json_decref(o);
			json_decref(items);
			goto out;
		}
		json_object_set_new(o, "warnings", warn);
		json_array_append_new(items, o);
	}
	*out = rows_list_reply(items, total, q);
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&w);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* ---- create and update ---- */

static const struct jfield item_spec[] = {
	{"year", JF_INT, 0, 2000, 2100, "年度"},
	{"kind", JF_STR, 0, 1, 20, "监督方式"},
	{"title", JF_STR, 0, 2, LIMIT_SHORT_CHARS, "监督事项"},
	{"handler_id", JF_INT, 0, 1, INT64_MAX, "监督对象（承办单位）"},
	{"region_code", JF_STR, 0, 1, 12, "人大"},
	{"meeting_id", JF_INT, 0, 0, INT64_MAX, "审议会议"},
	{"meeting_on", JF_STR, 0, 0, 10, "会议日期"},
	{"draft_on", JF_STR, 0, 0, 10, "报告初稿送达日期"},
	{"final_on", JF_STR, 0, 0, 10, "报告定稿送达日期"},
	{"members_on", JF_STR, 0, 0, 10, "报告送组成人员日期"},
	{"findings", JF_STR, 0, 0, 20000, "发现的问题"},
	{"deputies", JF_ARR, 0, 0, 200, "参加代表"},
	{NULL, 0, 0, 0, 0, NULL}};

/* A date field of the request: absent or "" keeps/clears, else it must be a real day. */
static int date_field(struct tx *t, json_t *in, const char *field, const char *label)
{
	const char *v = jsonx_str(in, field);
	int32_t d;
	if (v && *v && cal_parse(v, &d))
		return tx_fail_field(t, E_INVALID, "bad_date", field, "%s不是有效日期（YYYY-MM-DD）", label);
	return t->rc;
}

/* Writes the fields the request names onto item id (inside t), checking each against the
 * item's region path: the subject body, the meeting (of the same congress; its date becomes the
 * meeting date), the dates in order, the deputies (with a mandate of this congress). */
static int write_fields(struct tx *t, int64_t id, const char *path, const char *region, json_t *in)
{
	static const struct {
		const char *field, *label;
	} dates[] = {{"meeting_on", "会议日期"},
		     {"draft_on", "报告初稿送达日期"},
		     {"final_on", "报告定稿送达日期"},
		     {"members_on", "报告送组成人员日期"}};
	static const char *const texts[] = {"kind",       "title",      "draft_on", "final_on",
					    "members_on", "meeting_on", "findings"};
	json_t *deps = json_object_get(in, "deputies"), *x;
	struct db_res *r = NULL;
	struct supervision_dates d;
	const char *bad;
	size_t i;

	for (i = 0; i < ARRAY_LEN(dates); i++)
		if (date_field(t, in, dates[i].field, dates[i].label))
			return t->rc;
	if (json_object_get(in, "handler_id")) {
		int64_t ok = 0;
		/* the body is a unit of this congress or of one above it, active */
		if (tx_int(t, &ok,
			   "SELECT COUNT(*) FROM handlers h JOIN regions r ON r.code = h.region_code"
			   " WHERE h.id = ? AND h.active = 1 AND ? LIKE r.path || '%'",
			   "is", jsonx_int(in, "handler_id", 0), path))
			return t->rc;
		if (!ok)
			return tx_fail_field(t, E_INVALID, "bad_handler", "handler_id",
					     "监督对象应为本级或上级的在用承办单位");
		tx_exec(t, NULL, "UPDATE supervision_items SET handler_id = ? WHERE id = ?", "ii",
			jsonx_int(in, "handler_id", 0), id);
	}
	if (json_object_get(in, "year"))
		tx_exec(t, NULL, "UPDATE supervision_items SET year = ? WHERE id = ?", "ii",
			jsonx_int(in, "year", 0), id);
	for (i = 0; i < ARRAY_LEN(texts); i++) {
		char sql[120];
		const char *v = jsonx_str(in, texts[i]);
		if (!json_object_get(in, texts[i]))
			continue;
		if (i < 2 && (!v || !*v))
			return tx_fail_field(t, E_INVALID, "required", texts[i], "%s不能为空",
					     i == 0 ? "监督方式" : "监督事项");
		snprintf(sql, sizeof(sql), "UPDATE supervision_items SET %s = ? WHERE id = ?", texts[i]);
		tx_exec(t, NULL, sql, "si", (i >= 2 && i <= 5 && v && !*v) ? NULL : v, id);
	}
	if (json_object_get(in, "meeting_id")) {
		int64_t mid = jsonx_int(in, "meeting_id", 0);
		if (mid) {
			if (tx_exec(t, &r, "SELECT starts_on FROM meetings WHERE id = ? AND region_code = ?",
				    "is", mid, region))
				return t->rc;
			if (!r->nrows) {
				db_res_free(r);
				return tx_fail_field(t, E_INVALID, "bad_meeting", "meeting_id",
						     "审议会议应为本级人大的会议");
			}
			tx_exec(t, NULL, "UPDATE supervision_items SET meeting_id = ?, meeting_on = ? WHERE id = ?",
				"isi", mid, db_val(r, 0, 0), id);
			db_res_free(r);
			r = NULL;
		} else {
			tx_exec(t, NULL, "UPDATE supervision_items SET meeting_id = NULL WHERE id = ?",
				"i", id);
		}
	}
	if (deps) {
		tx_exec(t, NULL, "DELETE FROM supervision_deputies WHERE item_id = ?", "i", id);
		json_array_foreach(deps, i, x) {
			int64_t ok = 0;
			if (!json_is_integer(x))
				return tx_fail_field(t, E_INVALID, "bad_value", "deputies",
						     "参加代表应为代表编号");
			if (tx_int(t, &ok, "SELECT COUNT(*) FROM mandates WHERE deputy_id = ? AND region_code = ?",
				   "is", (int64_t)json_integer_value(x), region))
				return t->rc;
			if (!ok)
				return tx_fail_field(t, E_INVALID, "bad_deputy", "deputies",
						     "第%zu位参加代表不是本级人大代表", i + 1);
			tx_exec(t, NULL, "INSERT INTO supervision_deputies (item_id, deputy_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
				"ii", id, (int64_t)json_integer_value(x));
		}
	}
	/* the dates as they now stand, in order */
	if (tx_exec(t, &r, "SELECT draft_on, final_on, members_on, meeting_on FROM supervision_items WHERE id = ?",
		    "i", id))
		return t->rc;
	d.draft = day_of(db_val(r, 0, 0));
	d.final = day_of(db_val(r, 0, 1));
	d.members = day_of(db_val(r, 0, 2));
	d.meeting = day_of(db_val(r, 0, 3));
	db_res_free(r);
	if ((bad = supervision_dates_disorder(&d))) {
		const char *msg = !strcmp(bad, "final_on") ? "报告定稿送达日期不能早于初稿送达日期"
				  : !strcmp(bad, "members_on") ? "报告送组成人员日期不能早于初稿、定稿送达日期"
							       : "会议日期不能早于报告送达日期";
		return tx_fail_field(t, E_INVALID, "bad_order", bad, "%s", msg);
	}
	return tx_exec(t, NULL, "UPDATE supervision_items SET updated_at = ? WHERE id = ?", "ii",
		       util_now(), id);
}

/* The request's kind, when it names one, is one of the five (before the row is written). */
static int check_kind(json_t *in, struct err *e)
{
	if (jsonx_str(in, "kind") && !util_one_of(jsonx_str(in, "kind"), kinds))
		return err_field(e, E_INVALID, "bad_value", "kind",
				 "监督方式应为专项工作报告、执法检查、视察调研、专题询问或预算决算审查之一");
	return 0;
}

static int can_write(const struct actor *a, struct err *e)
{
	if (!is_staff_writer(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能管理监督事项");
	return 0;
}

static int event(struct tx *t, int64_t id, const char *action, const char *from, const char *to,
		 const char *note)
{
	const struct actor *a = t->a;
	return tx_exec(t, NULL,
		       "INSERT INTO supervision_events (item_id, action, from_state, to_state, actor, note,"
		       " created_at) VALUES (?,?,?,?,?,?,?)",
		       "isssssi", id, action, from, to,
		       a->display_name[0] ? a->display_name : a->username, note, util_now());
}

int supervision_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	const char *region = jsonx_str(in, "region_code") ? jsonx_str(in, "region_code") : a->region_code;
	char path[160];
	struct tx t;
	struct db_res *r = NULL;
	json_t *item = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = jsonx_check(in, item_spec, e)) || (rc = check_kind(in, e)))
		return rc;
	if (!json_object_get(in, "year"))
		return err_field(e, E_INVALID, "required", "year", "请填写年度");
	if (!jsonx_str(in, "kind"))
		return err_field(e, E_INVALID, "required", "kind", "请选择监督方式");
	if (!jsonx_str(in, "title"))
		return err_field(e, E_INVALID, "required", "title", "请填写监督事项");
	if (!json_object_get(in, "handler_id"))
		return err_field(e, E_INVALID, "required", "handler_id", "请选择监督对象（承办单位）");
	tx_begin(&t, db, a, e);
	if (tx_check(&t, region_scope_field(t.c, a, region, "region_code", "人大", path, sizeof(path), e)))
		goto out;
	tx_exec(&t, &r,
		"INSERT INTO supervision_items (region_code, region_path, year, kind, title, handler_id, state,"
		" created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?) RETURNING id",
		"ssissinii", region, path, jsonx_int(in, "year", 0), jsonx_str(in, "kind"),
		jsonx_str(in, "title"), jsonx_int(in, "handler_id", 0), a->account_id, util_now(),
		util_now());
	if (tx_ok(&t))
		id = db_int(r, 0, 0);
	db_res_free(r);
	write_fields(&t, id, path, region, in);
	event(&t, id, "create", NULL, "planned", "列入年度监督计划");
	if (tx_ok(&t))
		tx_check(&t, load_item(t.c, NULL, id, &item, e));
	tx_audit(&t, "supervision.create", "supervision", id, NULL, item);
out:
	return tx_end_reply(&t, "item", item, out);
}

int supervision_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		       struct err *e)
{
	struct tx t;
	struct db_res *r = NULL;
	json_t *before = NULL, *item = NULL;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load_item, e)) ||
	    (rc = jsonx_check(in, item_spec, e)) || (rc = check_kind(in, e)))
		return rc;
	if (json_object_get(in, "region_code"))
		return err_field(e, E_INVALID, "bad_value", "region_code", "监督事项所属人大不能修改");
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "supervision_items", id, "监督事项") || tx_check(&t, load_row(t.c, a, id, &r, e)))
		goto out;
	tx_check(&t, item_json(t.c, r, &before, e));
	if (tx_ok(&t) &&
	    (!strcmp(db_val(r, 0, I_STATE), "rated") || !strcmp(db_val(r, 0, I_STATE), "cancelled")))
		tx_fail(&t, E_CONFLICT, "bad_state", "监督事项已%s，不能修改",
			supervision_state_name(db_val(r, 0, I_STATE)));
	if (tx_ok(&t))
		write_fields(&t, id, db_val(r, 0, I_PATH), db_val(r, 0, I_REGION), in);
	if (tx_ok(&t))
		tx_check(&t, load_item(t.c, NULL, id, &item, e));
	tx_audit(&t, "supervision.update", "supervision", id, before, item);
out:
	db_res_free(r);
	json_decref(before);
	return tx_end_reply(&t, "item", item, out);
}

/* ---- the state machine ---- */

static int may_staff(struct step_run *s)
{
	if (!is_staff_writer(s->a))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能办理监督事项");
	return 0;
}

/* The body's own staff, on their desk: the handling unit that is the item's subject. */
static int may_body(struct step_run *s)
{
	if (!role_is_handler(s->a->role) || s->a->handler_id != db_int(s->row, 0, I_HANDLER))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有被监督的承办单位可以提交办理情况报告");
	return 0;
}

static const struct jfield step_spec[] = {
	{"action", JF_STR, 1, 1, 32, "操作"},
	{"body", JF_STR, 0, 0, 20000, "内容"},
	{"findings", JF_STR, 0, 0, 20000, "发现的问题"},
	{"deadline", JF_STR, 0, 0, 10, "办理期限"},
	{"note", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "检查情况"},
	{"reason", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "理由"},
	{NULL, 0, 0, 0, 0, NULL}};

static void link_of(int64_t id, char *out, size_t n)
{
	snprintf(out, n, "/supervision/%lld", (long long)id);
}

/* Heard at its meeting: the meeting date is known; the findings may come with it. */
static int run_hear(struct step_run *s)
{
	if (!db_val(s->row, 0, I_MEETING_ON))
		return tx_fail_field(&s->t, E_INVALID, "required", "meeting_on", "请先填写审议会议或会议日期");
	if (jsonx_str(s->in, "findings"))
		tx_exec(&s->t, NULL, "UPDATE supervision_items SET findings = ? WHERE id = ?", "si",
			jsonx_str(s->in, "findings"), s->id);
	snprintf(s->note, sizeof(s->note), "于%s审议", db_val(s->row, 0, I_MEETING_ON));
	return s->t.rc;
}

/* The deliberation opinion to the body: its deadline supervision.opinion_months after today
 * (moved to a working day), or an earlier one the staff set, never before today. */
static int run_send_opinion(struct step_run *s)
{
	struct holidays h = {0};
	const char *path = db_val(s->row, 0, I_PATH), *given = jsonx_str(s->in, "deadline");
	char today_s[11], due_s[11], link[64], title[300];
	int32_t today = cal_today(), due;
	int months;

	if (tx_check(&s->t, jsonx_need_text(s->in, "body", "审议意见", 5, s->t.e)) ||
	    tx_check(&s->t, settings_int(s->t.c, path, "supervision.opinion_months", &months, s->t.e)) ||
	    tx_check(&s->t, holidays_load(s->t.c, &h, s->t.e)))
		goto out;
	due = suggestion_add_months(&h.cal, today, months);
	if (given && *given) {
		int32_t g;
		if (cal_parse(given, &g))
			tx_fail_field(&s->t, E_INVALID, "bad_date", "deadline",
				      "办理期限不是有效日期（YYYY-MM-DD）");
		else if (g < today)
			tx_fail_field(&s->t, E_INVALID, "before_sent", "deadline",
				      "办理期限不能早于审议意见送达日期");
		else
			due = g;
		if (!tx_ok(&s->t))
			goto out;
	}
	cal_format(today, today_s);
	cal_format(due, due_s);
	tx_exec(&s->t, NULL,
		"INSERT INTO supervision_opinions (item_id, body, sent_on, deadline, created_by, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?)",
		"issssi", s->id, jsonx_str(s->in, "body"), today_s, due_s,
		s->a->display_name[0] ? s->a->display_name : s->a->username, util_now());
	snprintf(s->note, sizeof(s->note), "送交审议意见，办理期限 %s", due_s);
	link_of(s->id, link, sizeof(link));
	snprintf(title, sizeof(title), "请办理审议意见：%s（%s前报告）", db_val(s->row, 0, I_TITLE), due_s);
	tx_check(&s->t, notice_handler(s->t.c, db_int(s->row, 0, I_HANDLER), "supervision", title,
				       link, s->t.e));
out:
	holidays_free(&h);
	return s->t.rc;
}

/* The body's written report: the first after the opinion, or the second after a rating that
 * was not passed; on time when it comes by the deadline. */
static int run_report(struct step_run *s)
{
	struct db_res *r = NULL;
	int64_t opinion, round;
	char today_s[11];
	const char *due;

	if (tx_check(&s->t, jsonx_need_text(s->in, "body", "办理情况报告", 10, s->t.e)) ||
	    tx_exec(&s->t, &r,
		    "SELECT o.id, o.deadline, (SELECT COUNT(*) FROM supervision_reports p WHERE p.item_id = o.item_id)"
		    " FROM supervision_opinions o WHERE o.item_id = ? ORDER BY o.id DESC LIMIT 1",
		    "i", s->id))
		return s->t.rc;
	if (!r->nrows) {
		db_res_free(r);
		return tx_fail(&s->t, E_CONFLICT, "no_opinion", "尚未送交审议意见");
	}
	opinion = db_int(r, 0, 0);
	round = db_int(r, 0, 2) + 1;
	due = !strcmp(s->state, "rereport") && db_val(s->row, 0, I_REREPORT_DUE)
		      ? db_val(s->row, 0, I_REREPORT_DUE)
		      : db_val(r, 0, 1);
	cal_format(cal_today(), today_s);
	tx_exec(&s->t, NULL,
		"INSERT INTO supervision_reports (item_id, opinion_id, round, body, due, on_time, reported_by,"
		" created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		"iiissisi", s->id, opinion, round, jsonx_str(s->in, "body"), due,
		(int64_t)(strcmp(today_s, due) <= 0),
		s->a->display_name[0] ? s->a->display_name : s->a->username, util_now());
	snprintf(s->note, sizeof(s->note), "第%lld次办理情况报告%s", (long long)round,
		 strcmp(today_s, due) <= 0 ? "" : "（超期）");
	db_res_free(r);
	return s->t.rc;
}

/* The congress staff's follow-up check of the latest report. */
static int run_check(struct step_run *s)
{
	if (tx_check(&s->t, jsonx_need_text(s->in, "note", "跟踪检查情况", 5, s->t.e)))
		return s->t.rc;
	tx_exec(&s->t, NULL,
		"UPDATE supervision_reports SET check_note = ?, checked_by = ?, checked_at = ? WHERE id ="
		" (SELECT MAX(id) FROM supervision_reports WHERE item_id = ?)",
		"ssii", jsonx_str(s->in, "note"),
		s->a->display_name[0] ? s->a->display_name : s->a->username, util_now(), s->id);
	snprintf(s->note, sizeof(s->note), "%s", jsonx_str(s->in, "note"));
	return s->t.rc;
}

/* The satisfaction rating's result, read from the rating vote on this item held at a meeting of
 * this congress (vote.h) and not read before: passed → rated; not passed → the body reports
 * again within rating.rereport_months. */
static int run_rate(struct step_run *s)
{
	struct vote_rating v;
	struct holidays h = {0};
	const char *path = db_val(s->row, 0, I_PATH);
	char due_s[11] = "", link[64], title[300];
	int months;

	if (tx_check(&s->t, vote_rating_result(s->t.c, path, "supervision", s->id, &v, s->t.e)))
		return s->t.rc;
	if (!v.vote_id)
		return tx_fail(&s->t, E_CONFLICT, "no_rating", "本事项尚无已结束的满意度测评");
	if (v.vote_id == db_int(s->row, 0, I_RATING_VOTE))
		return tx_fail(&s->t, E_CONFLICT, "rating_used", "该次测评结果已记录，请对再次报告重新测评");
	if (!v.passed) {
		if (tx_check(&s->t, settings_int(s->t.c, path, "rating.rereport_months", &months, s->t.e)) ||
		    tx_check(&s->t, holidays_load(s->t.c, &h, s->t.e)))
			goto out;
		cal_format(suggestion_add_months(&h.cal, cal_today(), months), due_s);
		s->to = "rereport";
		link_of(s->id, link, sizeof(link));
		snprintf(title, sizeof(title), "满意度测评未通过，请整改并于%s前再次报告：%s",
			 due_s, db_val(s->row, 0, I_TITLE));
		tx_check(&s->t, notice_handler(s->t.c, db_int(s->row, 0, I_HANDLER), "supervision",
					       title, link, s->t.e));
	}
	tx_exec(&s->t, NULL,
		"UPDATE supervision_items SET rating_vote_id = ?, rating_passed = ?, rating_text = ?, rereport_due = ?"
		" WHERE id = ?",
		"iissi", v.vote_id, (int64_t)v.passed, v.rule, v.passed ? NULL : due_s, s->id);
	snprintf(s->note, sizeof(s->note), "%s%s%s", v.rule, v.passed ? "" : "；再次报告期限 ", due_s);
out:
	holidays_free(&h);
	return s->t.rc;
}

static int run_cancel(struct step_run *s)
{
	if (tx_check(&s->t, jsonx_need_text(s->in, "reason", "取消理由", 2, s->t.e)))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "%s", jsonx_str(s->in, "reason"));
	return 0;
}

static const struct step steps[] = {
	{"hear", "审议", "planned", "heard", may_staff, run_hear},
	{"send_opinion", "送交审议意见", "heard", "opinion_sent", may_staff, run_send_opinion},
	{"report", "报告办理情况", "opinion_sent rereport", "reported", may_body, run_report},
	{"check", "跟踪检查", "reported", "checked", may_staff, run_check},
	{"rate", "记录满意度测评结果", "reported checked", "rated", may_staff, run_rate},
	{"cancel", "取消", "planned", "cancelled", may_staff, run_cancel},
};

static int load_step(struct step_run *s)
{
	if (tx_check(&s->t, load_row(s->t.c, s->a, s->id, &s->row, s->t.e)) ||
	    tx_check(&s->t, jsonx_check(s->in, step_spec, s->t.e)))
		return s->t.rc;
	s->state = db_val(s->row, 0, I_STATE);
	s->before = row_json(s->row, 0);
	return 0;
}

static int event_step(struct step_run *s)
{
	return event(&s->t, s->id, s->step->name, s->from, s->to, s->note);
}

static int after_step(struct step_run *s)
{
	return tx_check(&s->t, load_item(s->t.c, NULL, s->id, &s->after, s->t.e));
}

static const struct step_machine machine = {
	.object_type = "supervision",
	.table = "supervision_items",
	.what = "监督事项",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.event = event_step,
	.after = after_step,
	.state_label = supervision_state_name,
};

json_t *supervision_labels(void)
{
	static const char *const extra[] = {"rereport", NULL};
	json_t *l = step_labels(&machine, extra), *k = json_object();
	for (size_t i = 0; i < ARRAY_LEN(kind_names); i++)
		json_object_set_new(k, kind_names[i][0], json_string(kind_names[i][1]));
	json_object_set_new(l, "kinds", k);
	return l;
}

int supervision_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	json_t *after = NULL;
	int rc;
	*out = NULL;
	/* staff, and the body on its desk; a deputy who takes part reads the item, takes no step */
	if (!is_staff_writer(a) && !(role_is_handler(a->role) && a->handler_id))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能办理监督事项");
	if ((rc = tx_visible(db, a, id, load_item, e)))
		return rc;
	if (!(rc = step_run(db, &machine, a, id, in, NULL, &after, e)))
		*out = json_pack("{s:o}", "item", after);
	return rc;
}
