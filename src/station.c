#include "station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "schedule.h"
#include "tx.h"

#define MAX_RULES 64       /* a station's schedule has a handful of rules */
#define MAX_RECEPTIONS 400 /* a calendar spans at most a year and a day */
#define UPCOMING_DAYS 60
/* a deputy's next duty days listed on its record */
#define DUTY_UPCOMING 10

static const char *const kinds[] = {"station", "home", "contact_point", NULL};
static const char *const kind_labels[] = {"代表联络站", "代表之家", "代表联系点"};

static const char *kind_label(const char *k)
{
	int i = util_index_of(k, kinds);
	return i < 0 ? "" : kind_labels[i];
}

static int can_read(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_DEPUTY_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看联络站");
	return 0;
}

static int can_write(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_STATION_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能维护联络站");
	return 0;
}

static const struct col cols[] = {
	{"id", COL_INT},
	{"region_code", COL_STR},
	{"region_name", COL_STR},
	{"name", COL_STR},
	{"kind", COL_STR},
	{"address", COL_STR},
	{"opening_hours", COL_STR},
	{"phone", COL_STR},
	{"public_code", COL_STR},
	{"active", COL_BOOL},
	{"deputy_count", COL_INT},
	{"created_at", COL_INT},
	{"updated_at", COL_INT},
	{NULL, 0}};
#define FROM "stations s JOIN regions r ON r.code = s.region_code"
#define SELECT                                                                                             \
	"SELECT s.id, s.region_code, r.name, s.name, s.kind, s.address, s.opening_hours, s.phone,"         \
	" s.public_code, s.active, (SELECT COUNT(*) FROM station_deputies sd WHERE sd.station_id = s.id)," \
	" s.created_at, s.updated_at FROM " FROM

static void add_label(json_t *o)
{
	json_object_set_new(o, "kind_name", json_string(kind_label(jsonx_str(o, "kind"))));
}

/* Loads the station row within scope; E_NOTFOUND outside. */
static int load_row(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	int rc = rows_load_scoped(c, a, SELECT " WHERE s.id = ? AND r.path LIKE ?", id, cols,
				  "联络站", out, e);
	if (!rc)
		add_label(*out);
	return rc;
}

/* Reads the station's rules into rules[] (at most MAX_RULES); also as JSON when js != NULL. */
static int load_rules(struct db_conn *c, int64_t id, struct rule *rules, size_t *n, json_t **js,
		      struct err *e)
{
	static const struct col rcols[] = {{"id", COL_INT},         {"kind", COL_STR},
					   {"day", COL_INT},        {"nth", COL_INT},
					   {"weekday", COL_INT},    {"date", COL_STR},
					   {"start_time", COL_STR}, {"end_time", COL_STR},
					   {"note", COL_STR},       {NULL, 0}};
	struct db_res *r;
	int rc;

	if ((rc = db_execv(c, &r, e,
			   "SELECT id, kind, day, nth, weekday, on_date, start_time, end_time, note"
			   " FROM station_rules WHERE station_id = ? ORDER BY id",
			   "i", id)))
		return rc;
	*n = 0;
	for (int i = 0; i < r->nrows && *n < MAX_RULES; i++) {
		struct rule *ru = &rules[*n];
		int k = schedule_kind(db_val(r, i, 1));
		if (k < 0)
			continue;
		memset(ru, 0, sizeof(*ru));
		ru->kind = (enum rule_kind)k;
		ru->day = (int)db_int(r, i, 2);
		ru->nth = (int)db_int(r, i, 3);
		ru->weekday = (int)db_int(r, i, 4);
		if (db_val(r, i, 5) && cal_parse(db_val(r, i, 5), &ru->date))
			continue;
		snprintf(ru->start, sizeof(ru->start), "%s", db_val(r, i, 6));
		snprintf(ru->end, sizeof(ru->end), "%s", db_val(r, i, 7));
		(*n)++;
	}
	if (js)
		*js = rows_array(r, rcols);
	db_res_free(r);
	return 0;
}

/* Receptions from..to with the deputies on duty (names, and ids when with_ids). */
static int receptions(struct db_conn *c, int64_t id, int32_t from, int32_t to, int with_ids,
		      json_t **out, struct err *e)
{
	struct rule rules[MAX_RULES];
	struct reception *rec;
	struct db_res *r = NULL;
	size_t n, k;
	char f[11], t[11];
	json_t *arr, *byDate;
	int rc;

	if ((rc = load_rules(c, id, rules, &n, NULL, e)))
		return rc;
	rec = xcalloc(MAX_RECEPTIONS, sizeof(*rec));
	k = schedule_expand(rules, n, from, to, rec, MAX_RECEPTIONS);
	arr = json_array();
	byDate = json_object();
	for (size_t i = 0; i < k; i++) {
		char d[11];
		json_t *o;
		cal_format(rec[i].date, d);
		o = json_pack("{s:s, s:i, s:s, s:s, s:[]}", "date", d, "weekday", cal_weekday(rec[i].date),
			      "start_time", rec[i].start, "end_time", rec[i].end, "duty");
		json_array_append_new(arr, o);
		json_object_set(byDate, d, o);
	}
	free(rec);
	cal_format(from, f);
	cal_format(to, t);
	if ((rc = db_execv(c, &r, e,
			   "SELECT sd.on_date, d.id, d.name FROM station_duty sd JOIN deputies d ON d.id = sd.deputy_id"
			   " WHERE sd.station_id = ? AND sd.on_date >= ? AND sd.on_date <= ? ORDER BY d.name",
			   "iss", id, f, t))) {
		json_decref(arr);
		json_decref(byDate);
		return rc;
	}
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = json_object_get(byDate, db_val(r, i, 0));
		if (!o)
			continue; /* duty on a day no longer in the schedule is not shown */
		json_array_append_new(json_object_get(o, "duty"),
				      with_ids ? json_pack("{s:I, s:s}", "id", (json_int_t)db_int(r, i, 1),
							   "name", db_val(r, i, 2))
					       : json_pack("{s:s}", "name", db_val(r, i, 2)));
	}
	db_res_free(r);
	json_decref(byDate);
	*out = arr;
	return 0;
}

static int load_full(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	static const struct col dcols[] = {{"id", COL_INT},     {"name", COL_STR},
					   {"gender", COL_STR}, {"employer", COL_STR},
					   {"post", COL_STR},   {NULL, 0}};
	struct rule rules[MAX_RULES];
	struct db_res *r = NULL;
	json_t *o = NULL, *js = NULL, *up = NULL;
	size_t n;
	int rc;

	if ((rc = load_row(c, a, id, &o, e)))
		return rc;
	if ((rc = db_execv(c, &r, e,
			   "SELECT d.id, d.name, d.gender, d.employer, d.post FROM station_deputies sd"
			   " JOIN deputies d ON d.id = sd.deputy_id WHERE sd.station_id = ? ORDER BY d.name",
			   "i", id)) ||
	    (rc = load_rules(c, id, rules, &n, &js, e)) ||
	    (rc = receptions(c, id, cal_today(), cal_today() + UPCOMING_DAYS, 1, &up, e))) {
		json_decref(o);
		json_decref(js);
		db_res_free(r);
		return rc;
	}
	json_object_set_new(o, "deputies", rows_array(r, dcols));
	json_object_set_new(o, "rules", js);
	json_object_set_new(o, "upcoming", up);
	db_res_free(r);
	*out = o;
	return 0;
}

int station_list(struct db *db, const struct actor *a, const char *region, const char *kind,
		 const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"name", "created_at", "region_code", NULL};
	static const char *const search[] = {"s.name", "s.address", NULL};
	const struct rows_eq eq[] = {{" AND s.kind = ?", kind}, {NULL}};
	struct rows_list l = {FROM, SELECT, cols, "r.path", search, eq, add_label};
	int rc;

	*out = NULL;
	/* the security administrator lists them too: an account of a station's staff may keep one */
	if ((!role_can(a->role, PERM_ACCOUNT_ADMIN) && (rc = can_read(a, e))) ||
	    (rc = rows_list_order(&l, "s", q->sort, sorts, "region_code ASC", e)))
		return rc;
	if (kind && *kind && !util_one_of(kind, kinds))
		return err_field(e, E_INVALID, "bad_param", "kind", "类型应为 station、home 或 contact_point");
	return rows_list_run(db, a, region, &l, q, out, e);
}

int station_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, load_full, a, id, "station", out, e);
}

int station_insert(struct db_conn *c, const char *region, const char *name, const char *kind,
		   const char *address, const char *hours, const char *phone, int64_t *id, struct err *e)
{
	char code[17];
	int rc;

	util_random_hex(code, 8);
	rc = db_intv(c, id, e,
		     "INSERT INTO stations (region_code, name, kind, address, opening_hours, phone,"
		     " public_code, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,1,?,?) RETURNING id",
		     "sssssssii", region, name, kind, address ? address : "", hours ? hours : "",
		     phone ? phone : "", code, util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate"))
		return err_field(e, E_CONFLICT, "duplicate", "name", "该区划下已有同名的联络站");
	return rc;
}

#define STATION_FIELDS(R)                                                                     \
	{"name", JF_STR, R, 1, LIMIT_NAME_CHARS, "名称"}, {"kind", JF_STR, R, 1, 16, "类型"}, \
		{"address", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "地址"},                         \
		{"opening_hours", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "开放时间"},               \
	{                                                                                     \
		"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "联系电话"                      \
	}
static const struct jfield station_spec[] = {
	{"region_code", JF_STR, 1, 1, 9, "所属区划"}, STATION_FIELDS(1), {NULL, 0, 0, 0, 0, NULL}};
/* An update takes any of the fields, and the active flag; the region does not change. */
static const struct jfield station_update_spec[] = {
	STATION_FIELDS(0), {"active", JF_BOOL, 0, 0, 0, "启用状态"}, {NULL, 0, 0, 0, 0, NULL}};

static int check_kind(const char *k, struct err *e)
{
	if (util_one_of(k, kinds))
		return 0;
	return err_field(e, E_INVALID, "bad_kind", "kind",
			 "类型应为 station（代表联络站）、home（代表之家）或 contact_point（代表联系点）");
}

int station_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	struct tx t;
	json_t *o = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = jsonx_check(in, station_spec, e)) ||
	    (rc = jsonx_phone(in, "phone", "联系电话", e)) || (rc = check_kind(jsonx_str(in, "kind"), e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) ||
	    tx_check(&t, region_scope_field(t.c, a, jsonx_str(in, "region_code"), "region_code",
					    "所属区划", NULL, 0, e)) ||
	    tx_check(&t, station_insert(t.c, jsonx_str(in, "region_code"), jsonx_str(in, "name"),
					jsonx_str(in, "kind"), jsonx_str(in, "address"),
					jsonx_str(in, "opening_hours"), jsonx_str(in, "phone"), &id, e)) ||
	    tx_check(&t, load_full(t.c, a, id, &o, e)))
		goto out;
	tx_audit(&t, "station.create", "station", id, NULL, o);
out:
	return tx_end_reply(&t, "station", o, out);
}

int station_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const char *const fields[] = {"name",          "kind",  "address",
					     "opening_hours", "phone", NULL};
	struct buf sql = BUF_INIT_CAP(2048);
	struct tx t;
	struct db_params p;
	json_t *before = NULL, *after = NULL;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = jsonx_check(in, station_update_spec, e)) ||
	    (rc = jsonx_phone(in, "phone", "联系电话", e)))
		return rc;
	if (jsonx_str(in, "kind") && (rc = check_kind(jsonx_str(in, "kind"), e)))
		return rc;
	db_params_init(&p);
	buf_adds(&sql, "UPDATE stations SET updated_at = ?");
	db_pi(&p, util_now());
	for (int i = 0; fields[i]; i++)
		if (jsonx_str(in, fields[i])) {
			buf_addf(&sql, ", %s = ?", fields[i]);
			db_ps(&p, jsonx_str(in, fields[i]));
		}
	if (json_object_get(in, "active")) {
		buf_adds(&sql, ", active = ?");
		db_pi(&p, json_is_true(json_object_get(in, "active")));
	}
	buf_adds(&sql, " WHERE id = ?");
	db_pi(&p, id);
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "stations", id, "联络站", load_full, &before))
		goto out;
	if (buf_failed(&sql) && tx_fail(&t, E_INTERNAL, "too_long", "更新语句过长"))
		goto out;
	if (tx_check(&t, db_exec(t.c, sql.data, &p, NULL, e)) == E_CONFLICT && !strcmp(e->code, "duplicate"))
		err_field(e, E_CONFLICT, "duplicate", "name", "该区划下已有同名的联络站");
	if (tx_ok(&t) && !tx_check(&t, load_full(t.c, a, id, &after, e)))
		tx_audit(&t, "station.update", "station", id, before, after);
out:
	buf_release(&sql);
	json_decref(before);
	return tx_end_reply(&t, "station", after, out);
}

int station_delete(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	int rc = can_write(a, e);
	return rc ? rc
		  : tx_delete(db, a, "stations", id, "联络站", load_full, "station",
			      "该联络站已有业务记录，不能删除，可改为停用", e);
}

/* Reads {"deputy_ids":[...]} into ids (at most max); each must be an integer. */
static int read_ids(json_t *in, int64_t *ids, size_t max, size_t *n, struct err *e)
{
	static const struct jfield spec[] = {{"deputy_ids", JF_ARR, 1, 0, 500, "代表"},
					     {NULL, 0, 0, 0, 0, NULL}};
	json_t *arr, *v;
	size_t i;
	int rc;

	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	arr = json_object_get(in, "deputy_ids");
	if (json_array_size(arr) > max)
		return err_field(e, E_INVALID, "too_long", "deputy_ids", "代表不能超过%zu人", max);
	*n = 0;
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, E_INVALID, "wrong_type", "deputy_ids", "代表应为代表编号数组");
		ids[(*n)++] = json_integer_value(v);
	}
	return 0;
}

int station_set_deputies(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
			 struct err *e)
{
	int64_t ids[500];
	size_t n;
	struct tx t;
	json_t *before = NULL, *after = NULL;
	char pat[REGION_PATTERN_MAX];
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load_row, e)) ||
	    (rc = read_ids(in, ids, 500, &n, e)))
		return rc;
	region_like_pattern(a->region_path, pat, sizeof(pat));
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "stations", id, "联络站", load_full, &before) ||
	    tx_exec(&t, NULL, "DELETE FROM station_deputies WHERE station_id = ?", "i", id))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t ok;
		/* The deputy must be one the actor can see, with a current mandate. */
		if (tx_int(&t, &ok,
			   "SELECT COUNT(*) FROM deputies d WHERE d.id = ? AND d.region_path LIKE ?"
			   " AND EXISTS (SELECT 1 FROM mandates m WHERE m.deputy_id = d.id AND m.status = 'active')",
			   "is", ids[i], pat) ||
		    (!ok && tx_fail_field(&t, E_INVALID, "bad_deputy", "deputy_ids",
					  "代表（编号%lld）不存在、不在管理范围内或已不是现任代表",
					  (long long)ids[i])) ||
		    tx_exec(&t, NULL,
			    "INSERT INTO station_deputies (station_id, deputy_id) VALUES (?, ?)"
			    " ON CONFLICT DO NOTHING",
			    "ii", id, ids[i]))
			goto out;
	}
	if (!tx_check(&t, load_full(t.c, a, id, &after, e)))
		tx_audit(&t, "station.deputies", "station", id, json_object_get(before, "deputies"),
			 json_object_get(after, "deputies"));
out:
	json_decref(before);
	return tx_end_reply(&t, "station", after, out);
}

int station_add_rule(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		     struct err *e)
{
	static const struct jfield spec[] = {
		{"kind", JF_STR, 1, 1, 20, "规则类型"},
		{"day", JF_INT, 0, -1, 31, "日期（每月几号）"},
		{"nth", JF_INT, 0, -1, 5, "第几个"},
		{"weekday", JF_INT, 0, 1, 7, "星期几"},
		{"date", JF_STR, 0, 1, 10, "日期"},
		{"start_time", JF_STR, 0, 1, 5, "开始时间"},
		{"end_time", JF_STR, 0, 1, 5, "结束时间"},
		{"note", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "备注"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	const char *start, *end;
	int32_t day = 0;
	int kind, rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load_row, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	kind = schedule_kind(jsonx_str(in, "kind"));
	if (kind < 0)
		return err_field(e, E_INVALID, "bad_kind", "kind",
				 "规则类型应为 monthly_day（每月几号）、monthly_weekday（每月第几个星期几）、weekly（每周）、once（单次）或 cancel（取消某天）");
	start = jsonx_str(in, "start_time");
	end = jsonx_str(in, "end_time");
	if (kind != RULE_CANCEL) {
		if (!schedule_time_ok(start) || !schedule_time_ok(end) || strcmp(start, end) >= 0)
			return err_field(e, E_INVALID, "bad_time", "start_time",
					 "请填写有效的开始和结束时间（HH:MM，开始早于结束）");
	}
	if (kind == RULE_MONTHLY_DAY && (!json_object_get(in, "day") || jsonx_int(in, "day", 0) == 0))
		return err_field(e, E_INVALID, "missing_field", "day", "请填写每月几号（1-31，-1 表示月末）");
	if (kind == RULE_MONTHLY_WEEKDAY &&
	    (!json_object_get(in, "nth") || jsonx_int(in, "nth", 0) == 0 || !json_object_get(in, "weekday")))
		return err_field(e, E_INVALID, "missing_field", "nth",
				 "请填写第几个（1-5，-1 表示最后一个）和星期几");
	if (kind == RULE_WEEKLY && !json_object_get(in, "weekday"))
		return err_field(e, E_INVALID, "missing_field", "weekday", "请填写星期几（1-7）");
	if ((kind == RULE_ONCE || kind == RULE_CANCEL) &&
	    (!jsonx_str(in, "date") || cal_parse(jsonx_str(in, "date"), &day)))
		return err_field(e, E_INVALID, "bad_date", "date", "请填写有效的日期（YYYY-MM-DD）");
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "stations", id, "联络站", load_full, &before))
		goto out;
	if (json_array_size(json_object_get(before, "rules")) >= MAX_RULES &&
	    tx_fail(&t, E_INVALID, "too_many", "每个联络站最多%d条接待规则", MAX_RULES))
		goto out;
	if (tx_exec(&t, NULL,
		    "INSERT INTO station_rules (station_id, kind, day, nth, weekday, on_date,"
		    " start_time, end_time, note, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
		    "isnnnssssi", id, jsonx_str(in, "kind"),
		    (int64_t)(kind == RULE_MONTHLY_DAY ? jsonx_int(in, "day", 0) : 0),
		    (int64_t)(kind == RULE_MONTHLY_WEEKDAY ? jsonx_int(in, "nth", 0) : 0),
		    (int64_t)(kind == RULE_MONTHLY_WEEKDAY || kind == RULE_WEEKLY ? jsonx_int(in, "weekday", 0) : 0),
		    (kind == RULE_ONCE || kind == RULE_CANCEL) ? jsonx_str(in, "date") : NULL,
		    kind == RULE_CANCEL ? "00:00" : start, kind == RULE_CANCEL ? "00:00" : end,
		    jsonx_str_or(in, "note", ""), util_now()) ||
	    tx_check(&t, load_full(t.c, a, id, &after, e)))
		goto out;
	tx_audit(&t, "station.rule_add", "station", id, json_object_get(before, "rules"),
		 json_object_get(after, "rules"));
out:
	json_decref(before);
	return tx_end_reply(&t, "station", after, out);
}

int station_delete_rule(struct db *db, const struct actor *a, int64_t id, int64_t rule_id, struct err *e)
{
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int rc;

	if ((rc = can_write(a, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "stations", id, "联络站", load_full, &before) ||
	    tx_exec(&t, NULL, "DELETE FROM station_rules WHERE id = ? AND station_id = ?", "ii", rule_id, id) ||
	    (db_changes(t.c) == 0 && tx_fail(&t, E_NOTFOUND, "not_found", "接待规则不存在")) ||
	    tx_check(&t, load_full(t.c, a, id, &after, e)))
		goto out;
	tx_audit(&t, "station.rule_delete", "station", id, json_object_get(before, "rules"),
		 json_object_get(after, "rules"));
out:
	rc = tx_end(&t);
	json_decref(before);
	json_decref(after);
	return rc;
}

static int parse_range(const char *from, const char *to, int32_t *f, int32_t *t, struct err *e)
{
	*f = cal_today();
	*t = *f + 30;
	if (from && *from && cal_parse(from, f))
		return err_field(e, E_INVALID, "bad_param", "from", "开始日期应为 YYYY-MM-DD");
	if (to && *to && cal_parse(to, t))
		return err_field(e, E_INVALID, "bad_param", "to", "结束日期应为 YYYY-MM-DD");
	if (!(to && *to) && from && *from)
		*t = *f + 30;
	if (*t < *f || *t - *f > 366)
		return err_field(e, E_INVALID, "bad_param", "to", "日期范围应在一年之内，且结束不早于开始");
	return 0;
}

int station_calendar(struct db *db, const struct actor *a, int64_t id, const char *from,
		     const char *to, json_t **out, struct err *e)
{
	struct db_conn *c;
	json_t *o = NULL, *days = NULL;
	int32_t f, t;
	char fs[11], ts[11];
	int rc;

	*out = NULL;
	if ((rc = can_read(a, e)) || (rc = parse_range(from, to, &f, &t, e)))
		return rc;
	c = db_acquire(db);
	if (!(rc = db_begin_read(c, e)) && !(rc = load_row(c, a, id, &o, e)) &&
	    !(rc = receptions(c, id, f, t, 1, &days, e))) {
		cal_format(f, fs);
		cal_format(t, ts);
		*out = json_pack("{s:I, s:s, s:s, s:o}", "station_id", (json_int_t)id, "from", fs,
				 "to", ts, "days", days);
	}
	json_decref(o);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int station_set_duty(struct db *db, const struct actor *a, int64_t id, const char *date, json_t *in,
		     json_t **out, struct err *e)
{
	int64_t ids[50];
	size_t n;
	struct tx t;
	json_t *row = NULL, *days = NULL, *day_obj = NULL;
	int32_t d;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load_row, e)))
		return rc;
	if (cal_parse(date, &d))
		return err_set(e, E_NOTFOUND, "not_found", "日期应为 YYYY-MM-DD");
	if ((rc = read_ids(in, ids, 50, &n, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "stations", id, "联络站", load_row, &row) ||
	    tx_check(&t, receptions(t.c, id, d, d, 1, &days, e)) ||
	    (json_array_size(days) == 0 &&
	     tx_fail(&t, E_INVALID, "not_reception_day", "%s 不是该联络站的接待日", date)) ||
	    tx_exec(&t, NULL, "DELETE FROM station_duty WHERE station_id = ? AND on_date = ?", "is", id, date))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t ok;
		if (tx_int(&t, &ok, "SELECT COUNT(*) FROM station_deputies WHERE station_id = ? AND deputy_id = ?",
			   "ii", id, ids[i]) ||
		    (!ok && tx_fail_field(&t, E_INVALID, "bad_deputy", "deputy_ids",
					  "代表（编号%lld）不是该联络站的进站代表", (long long)ids[i])) ||
		    tx_exec(&t, NULL,
			    "INSERT INTO station_duty (station_id, on_date, deputy_id) VALUES (?,?,?)"
			    " ON CONFLICT DO NOTHING",
			    "isi", id, date, ids[i]))
			goto out;
	}
	json_decref(days);
	days = NULL;
	if (tx_check(&t, receptions(t.c, id, d, d, 1, &days, e)))
		goto out;
	day_obj = json_array_get(days, 0);
	tx_audit(&t, "station.duty", "station", id, NULL, day_obj);
out:
	if (!(rc = tx_end(&t)))
		*out = json_pack("{s:O}", "day", day_obj);
	json_decref(row);
	json_decref(days);
	return rc;
}

int station_duty_of_deputy(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *u = NULL;
	char today[11];
	json_t *up;
	int rc;

	*out = NULL;
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有代表本人可以查看自己的接待安排");
	cal_format(cal_today(), today);
	c = db_acquire(db);
	if (!(rc = db_begin_read(c, e)) &&
	    !(rc = db_execv(c, &r, e, "SELECT COUNT(*) FROM station_duty WHERE deputy_id = ? AND on_date < ?",
			    "is", a->deputy_id, today)) &&
	    !(rc = db_execv(c, &u, e,
			    "SELECT d.on_date, s.id, s.name FROM station_duty d JOIN stations s ON s.id = d.station_id"
			    " WHERE d.deputy_id = ? AND d.on_date >= ? ORDER BY d.on_date, s.id LIMIT ?",
			    "isi", a->deputy_id, today, (int64_t)DUTY_UPCOMING))) {
		up = json_array();
		for (int i = 0; i < u->nrows; i++)
			json_array_append_new(up, json_pack("{s:s, s:I, s:s}", "date", db_val(u, i, 0),
							    "station_id", (json_int_t)db_int(u, i, 1),
							    "station_name", db_val(u, i, 2)));
		*out = json_pack("{s:I, s:o}", "past", (json_int_t)db_int(r, 0, 0), "upcoming", up);
	}
	db_res_free(r);
	db_res_free(u);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int station_public(struct db *db, const char *code, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	json_t *up = NULL;
	int64_t id;
	int rc;

	*out = NULL;
	if (strlen(code) != 16)
		return err_set(e, E_NOTFOUND, "not_found", "联络站不存在");
	c = db_acquire(db);
	db_params_init(&p);
	db_ps(&p, code);
	if ((rc = db_begin_read(c, e)) ||
	    (rc = db_exec(c,
			  "SELECT s.id, s.name, s.kind, s.address, s.opening_hours, s.phone, r.name"
			  " FROM stations s JOIN regions r ON r.code = s.region_code"
			  " WHERE s.public_code = ? AND s.active = 1",
			  &p, &r, e)))
		goto out;
	if (r->nrows == 0) {
		rc = err_set(e, E_NOTFOUND, "not_found", "联络站不存在或已停用");
		goto out;
	}
	id = db_int(r, 0, 0);
	if ((rc = receptions(c, id, cal_today(), cal_today() + UPCOMING_DAYS, 0, &up, e)))
		goto out;
	while (json_array_size(up) > 5)
		json_array_remove(up, json_array_size(up) - 1);
	*out = json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}}", "station", "name",
			 db_val(r, 0, 1), "kind", db_val(r, 0, 2), "kind_name",
			 kind_label(db_val(r, 0, 2)), "address", db_val(r, 0, 3), "opening_hours",
			 db_val(r, 0, 4), "phone", db_val(r, 0, 5), "region_name", db_val(r, 0, 6),
			 "upcoming", up);
	up = NULL;
	db_res_free(r);
	r = NULL;
	if ((rc = db_execv(c, &r, e,
			   "SELECT d.name FROM station_deputies sd JOIN deputies d ON d.id = sd.deputy_id"
			   " WHERE sd.station_id = ? ORDER BY d.name",
			   "i", id)))
		goto out;
	{
		json_t *names = json_array();
		for (int i = 0; i < r->nrows; i++)
			json_array_append_new(names, json_string(db_val(r, i, 0)));
		json_object_set_new(json_object_get(*out, "station"), "deputies", names);
	}
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(up);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int station_receptions(struct db_conn *c, int64_t id, int32_t from, int32_t to, json_t **out, struct err *e)
{
	return receptions(c, id, from, to, 0, out, e);
}

int station_public_code(struct db *db, const struct actor *a, int64_t id, char *code, size_t n, struct err *e)
{
	json_t *o;
	int rc;

	if ((rc = rows_get(db, can_read, load_row, a, id, NULL, &o, e)))
		return rc;
	snprintf(code, n, "%s", jsonx_str(o, "public_code"));
	json_decref(o);
	return 0;
}
