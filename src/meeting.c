#include "meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "buf.h"
#include "calendar.h"
#include "deputy.h"
#include "election.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "sheet.h"
#include "step.h"
#include "tx.h"
#include "vote.h"

int meeting_kinds(json_t **out, struct err *e)
{
	size_t n;
	const struct meeting_kind *kinds = meeting_kind_list(&n);
	json_t *items = json_array();
	(void)e;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "kind", kinds[i].kind,
						       "name", kinds[i].name, "membership",
						       kinds[i].roster ? "roster" : "list"));
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

#define M_COLS                                                                                       \
	"m.id, m.kind, m.title, m.region_code, r.name, m.level, m.term, m.starts_on, m.starts_time," \
	" m.ends_on, m.place, m.notice_on, m.state, m.quorum_num, m.quorum_den, m.minutes,"          \
	" m.signin_token, m.screen_token, m.created_at, m.updated_at, m.region_path"
#define M_FROM " FROM meetings m JOIN regions r ON r.code = m.region_code"
enum {
	M_ID,
	M_KIND,
	M_TITLE,
	M_REGION,
	M_REGION_NAME,
	M_LEVEL,
	M_TERM,
	M_STARTS,
	M_TIME,
	M_ENDS,
	M_PLACE,
	M_NOTICE,
	M_STATE,
	M_QN,
	M_QD,
	M_MINUTES,
	M_SIGNIN,
	M_SCREEN,
	M_CREATED,
	M_UPDATED,
	M_PATH
};

/* ---- JSON of a meeting ---- */

static int notice_warnings(struct db_conn *c, const char *path, const char *starts,
			   const char *notice, json_t *w, struct err *e)
{
	int days, rc;
	int32_t s, n;
	if ((rc = settings_int(c, path, "meeting.notice_days", &days, e)))
		return rc;
	if (!notice || !*notice) {
		json_array_append_new(w, json_sprintf("尚未记录会议通知日期（应至少提前 %d 日通知代表）", days));
		return 0;
	}
	if (!cal_parse(starts, &s) && !cal_parse(notice, &n) && s - n < days)
		json_array_append_new(w, json_sprintf("通知时间距开会不足 %d 日（%s 通知，%s 开会）",
						      days, notice, starts));
	return 0;
}

static json_t *meeting_row(const struct db_res *r, int i, int run)
{
	const struct meeting_kind *k = meeting_kind_of(db_val(r, i, M_KIND));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, M_ID)));
	json_object_set_new(o, "kind", json_string(db_val(r, i, M_KIND)));
	json_object_set_new(o, "kind_name", json_string(k ? k->name : ""));
	json_object_set_new(o, "title", json_string(db_val(r, i, M_TITLE)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, M_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, M_REGION_NAME)));
	json_object_set_new(o, "level", json_string(db_val(r, i, M_LEVEL)));
	json_object_set_new(o, "term", json_integer(db_int(r, i, M_TERM)));
	json_object_set_new(o, "starts_on", json_string(db_val(r, i, M_STARTS)));
	json_object_set_new(o, "starts_time", json_string(db_val(r, i, M_TIME)));
	json_object_set_new(o, "ends_on", rows_str(db_val(r, i, M_ENDS)));
	json_object_set_new(o, "place", json_string(db_val(r, i, M_PLACE)));
	json_object_set_new(o, "notice_on", rows_str(db_val(r, i, M_NOTICE)));
	json_object_set_new(o, "state", json_string(db_val(r, i, M_STATE)));
	json_object_set_new(o, "state_name", json_string(meeting_state_label(db_val(r, i, M_STATE))));
	json_object_set_new(o, "quorum_num", json_integer(db_int(r, i, M_QN)));
	json_object_set_new(o, "quorum_den", json_integer(db_int(r, i, M_QD)));
	json_object_set_new(o, "minutes", json_string(db_val(r, i, M_MINUTES)));
	json_object_set_new(o, "signin_token", run ? json_string(db_val(r, i, M_SIGNIN)) : json_null());
	json_object_set_new(o, "screen_token", run ? json_string(db_val(r, i, M_SCREEN)) : json_null());
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, M_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, M_UPDATED)));
	return o;
}

/* The meeting with attendance and warnings; full adds items, votes and elections. */
static int meeting_json(struct db_conn *c, const struct actor *a, const struct meeting *m, int full,
			json_t **out, struct err *e)
{
	struct db_res *r = NULL, *l = NULL;
	struct attendance t;
	json_t *o = NULL, *w;
	int rc;

	if ((rc = db_execv(c, &r, e, "SELECT " M_COLS M_FROM " WHERE m.id = ?", "i", m->id)) ||
	    (rc = attendance_count(c, m, &t, e)))
		goto out;
	o = meeting_row(r, 0, meeting_can_run(a, m));
	json_object_set_new(o, "attendance", attendance_json(&t, m));
	w = json_array();
	json_object_set_new(o, "warnings", w);
	if ((rc = notice_warnings(c, m->path, m->starts_on, db_val(r, 0, M_NOTICE), w, e)))
		goto out;
	if (full) {
		json_t *items = json_array(), *list;
		json_object_set_new(o, "items", items);
		if ((rc = db_execv(c, &l, e,
				   "SELECT id, seq, title, description, documents FROM meeting_items"
				   " WHERE meeting_id = ? ORDER BY seq",
				   "i", m->id)))
			goto out;
		for (int i = 0; i < l->nrows; i++) {
			json_t *docs = json_loads(db_val(l, i, 4), 0, NULL);
			json_array_append_new(
				items,
				json_pack("{s:I,s:I,s:s,s:s,s:o}", "id", (json_int_t)db_int(l, i, 0), "seq",
					  (json_int_t)db_int(l, i, 1), "title", db_val(l, i, 2), "description",
					  db_val(l, i, 3), "documents", docs ? docs : json_array()));
		}
		if ((rc = vote_list_json(c, a, m->id, &list, e)))
			goto out;
		json_object_set_new(o, "votes", list);
		if ((rc = election_list_json(c, a, m->id, &list, e)))
			goto out;
		json_object_set_new(o, "elections", list);
	}
out:
	db_res_free(r);
	db_res_free(l);
	if (rc) {
		json_decref(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

/* {"meeting": the whole meeting} as the actor sees it, in the caller's transaction. */
static int reply_meeting(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct meeting m;
	json_t *o;
	int rc;
	if ((rc = meeting_load(c, id, 0, &m, e)) || (rc = meeting_json(c, a, &m, 1, &o, e)))
		return rc;
	*out = json_pack("{s:o}", "meeting", o);
	return 0;
}

/* ---- meetings ---- */

static int check_date(json_t *in, const char *name, const char *label, struct err *e)
{
	const char *v = jsonx_str(in, name);
	int32_t d;
	if (v && cal_parse(v, &d))
		return err_field(e, E_INVALID, "bad_date", name, "%s应为 YYYY-MM-DD 格式的有效日期", label);
	return 0;
}

/* A start time of day as HH:MM (00:00 to 23:59), or "" for none. */
static int check_time(json_t *in, struct err *e)
{
	const char *v = jsonx_str(in, "starts_time");
	if (!v || !*v ||
	    (strlen(v) == 5 && v[0] >= '0' && v[0] <= '2' && v[1] >= '0' && v[1] <= '9' &&
	     (v[0] - '0') * 10 + (v[1] - '0') < 24 && v[2] == ':' && v[3] >= '0' && v[3] <= '5' &&
	     v[4] >= '0' && v[4] <= '9'))
		return 0;
	return err_field(e, E_INVALID, "bad_time", "starts_time", "开会时间应为 HH:MM 格式（00:00 至 23:59）");
}

/* The meeting ends on or after the day it starts (dates already checked, YYYY-MM-DD compares
 * as text); field names the one the request changed. */
static int check_span(const char *starts_on, const char *ends_on, const char *field, struct err *e)
{
	if (!starts_on || !ends_on || !*ends_on || strcmp(ends_on, starts_on) >= 0)
		return 0;
	return err_field(e, E_INVALID, "bad_date", field, "闭会日期（%s）不能早于开会日期（%s）",
			 ends_on, starts_on);
}

/* The fields a meeting is created or changed with, beyond the spec: no null arrays, a known
 * level, a time of day, a date that exists. */
static int check_fields(json_t *in, const struct jfield *spec, struct err *e)
{
	const char *level = jsonx_str(in, "level");
	int rc;
	if ((rc = jsonx_check(in, spec, e)) || (rc = jsonx_no_null_arrays(in, spec, e)) ||
	    (rc = check_date(in, "starts_on", "开会日期", e)) ||
	    (rc = check_date(in, "ends_on", "闭会日期", e)) ||
	    (rc = check_date(in, "notice_on", "通知日期", e)) || (rc = check_time(in, e)))
		return rc;
	if (level && !util_one_of(level, deputy_levels))
		return err_field(e, E_INVALID, "bad_level", "level",
				 "人大层级应为 township（乡镇）、county（县）、city（市）、province（省）或 national（全国）");
	return 0;
}

static const struct jfield meeting_spec[] = {
	{"kind", JF_STR, 1, 1, 20, "会议类型"},
	{"title", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "会议名称"},
	{"region_code", JF_STR, 1, 1, 12, "区划"},
	{"level", JF_STR, 0, 1, 12, "人大层级"},
	{"term", JF_INT, 0, 0, 100, "届次"},
	{"starts_on", JF_STR, 1, 10, 10, "开会日期"},
	{"starts_time", JF_STR, 0, 0, 5, "开会时间"},
	{"ends_on", JF_STR, 0, 10, 10, "闭会日期"},
	{"place", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "地点"},
	{"notice_on", JF_STR, 0, 10, 10, "通知日期"},
	{"member_ids", JF_ARR, 0, 0, 0, "参会人员"},
	{"quorum_num", JF_INT, 0, 1, 100, "法定人数分子"},
	{"quorum_den", JF_INT, 0, 1, 100, "法定人数分母"},
	{NULL, 0, 0, 0, 0, NULL}};

int meeting_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	const struct meeting_kind *k;
	const char *level = jsonx_str(in, "level") ? jsonx_str(in, "level") : "township";
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m = {0};
	char path[160], signin[33], screen[33];
	int qn, qd, rc;

	*out = NULL;
	if (!role_can(a->role, PERM_MEETING_RUN))
		return err_set(e, E_FORBIDDEN, "forbidden", "无权组织会议");
	if ((rc = check_fields(in, meeting_spec, e)) ||
	    (rc = check_span(jsonx_str(in, "starts_on"), jsonx_str(in, "ends_on"), "ends_on", e)))
		return rc;
	if (!(k = meeting_kind_of(jsonx_str(in, "kind"))))
		return err_field(e, E_INVALID, "bad_kind", "kind", "会议类型无效");
	tx_begin(&t, db, a, e);
	if (tx_check(&t, region_scope(t.c, a, jsonx_str(in, "region_code"), path, sizeof(path), e)) ||
	    tx_check(&t, settings_int(t.c, path, "meeting.quorum_num", &qn, e)) ||
	    tx_check(&t, settings_int(t.c, path, "meeting.quorum_den", &qd, e)))
		return tx_end(&t);
	qn = (int)jsonx_int(in, "quorum_num", qn);
	qd = (int)jsonx_int(in, "quorum_den", qd);
	if (qn > qd)
		tx_fail_field(&t, E_INVALID, "bad_quorum", "quorum_num", "法定人数比例不能超过全体");
	else if (!k->roster && !json_object_get(in, "member_ids"))
		tx_fail_field(&t, E_INVALID, "missing_field", "member_ids",
			      "%s须列出参会人员（member_ids）", k->name);
	util_random_hex(signin, 16);
	util_random_hex(screen, 16);
	tx_exec(&t, &r,
		"INSERT INTO meetings (kind, title, region_code, region_path, level, term, starts_on, starts_time,"
		" ends_on, place, notice_on, state, quorum_num, quorum_den, signin_token, screen_token, created_by,"
		" created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"sssssisssssiissiii", k->kind, jsonx_str(in, "title"), jsonx_str(in, "region_code"),
		path, level, (int64_t)jsonx_int(in, "term", 0), jsonx_str(in, "starts_on"),
		jsonx_str(in, "starts_time") ? jsonx_str(in, "starts_time") : "", jsonx_str(in, "ends_on"),
		jsonx_str(in, "place") ? jsonx_str(in, "place") : "", jsonx_str(in, "notice_on"),
		(int64_t)qn, (int64_t)qd, signin, screen, a->account_id, util_now(), util_now());
	if (tx_ok(&t))
		tx_check(&t, meeting_load(t.c, db_int(r, 0, 0), 0, &m, e));
	if (tx_ok(&t) && !k->roster)
		meeting_set_members(&t, &m, json_object_get(in, "member_ids"));
	if (tx_ok(&t))
		tx_check(&t, reply_meeting(t.c, a, m.id, out, e));
	tx_audit(&t, "meeting.create", "meeting", m.id, NULL, in);
	db_res_free(r);
	return meeting_tx_end(&t, 0, out);
}

/* The meeting as the actor may read it, as its reply. */
static int read_meeting(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct meeting m;
	json_t *o;
	int rc = meeting_seen(c, a, id, &m, e);
	/* the meeting as meeting_seen loaded it, not loaded again */
	if (rc || (rc = meeting_json(c, a, &m, 1, &o, e)))
		return rc;
	*out = json_pack("{s:o}", "meeting", o);
	return 0;
}

int meeting_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_meeting, a, id, NULL, out, e);
}

/* The list's WHERE: the actor's meetings (staff: their scope; a deputy: those it sits in) and
 * the filters of f, its search text q (in the title) included. */
static int list_where(struct db_conn *c, const struct actor *a, const struct meeting_filter *f,
		      const char *q, struct buf *where, struct db_params *p, struct err *e)
{
	static const char *const search[] = {"m.title", NULL};
	int rc;

	if (role_can(a->role, PERM_MEETING_READ)) {
		if ((rc = rows_filter_scope(where, p, c, a, f->region,
					    " WHERE m.region_path LIKE ?", NULL, 0, e)))
			return rc;
	} else if (a->deputy_id) {
		/* a deputy: the meetings it is a member of, listed or by the roster; a region filter
		 * must name one of the congresses it may sit in (its own region or one above) */
		char pat[REGION_PATTERN_MAX];
		struct db_res *rp = NULL;
		if ((rc = region_filter_congress(c, a, f->region, e)))
			return rc;
		if (f->region && *f->region &&
		    (rc = db_execv(c, &rp, e, "SELECT path FROM regions WHERE code = ?", "s", f->region)))
			return rc;
		buf_adds(where, " WHERE m.region_path LIKE ?");
		db_ps_own(p, xstrdup(region_like_pattern(rp ? db_val(rp, 0, 0) : "/", pat, sizeof(pat))));
		db_res_free(rp);
		buf_adds(where,
			 " AND (EXISTS (SELECT 1 FROM meeting_members x WHERE x.meeting_id = m.id AND x.deputy_id = ?)"
			 " OR (m.state = 'planned' AND m.kind IN ('session','deliberation') AND EXISTS (SELECT 1 FROM mandates d"
			 " WHERE d.deputy_id = ? AND d.region_code = m.region_code AND d.level = m.level"
			 " AND (m.term = 0 OR d.term = m.term) AND d.started_on <= m.starts_on"
			 " AND (d.ended_on IS NULL OR d.ended_on > m.starts_on))))");
		db_pi(p, a->deputy_id);
		db_pi(p, a->deputy_id);
	} else {
		return err_set(e, E_FORBIDDEN, "forbidden", "无权查看会议");
	}
	rows_filter_eq(where, p, f->state, " AND m.state = ?");
	rows_filter_eq(where, p, f->kind, " AND m.kind = ?");
	rows_filter_eq(where, p, f->from, " AND m.starts_on >= ?");
	rows_filter_eq(where, p, f->to, " AND m.starts_on <= ?");
	/* A deputy's meetings open for sign-in where it has not signed in yet. */
	if (f->signin && *f->signin) {
		if (!a->deputy_id || strcmp(f->signin, "pending"))
			return err_field(e, E_INVALID, "bad_param", "signin", "签到筛选无效");
		buf_adds(where,
			 " AND m.state = 'signin_open' AND EXISTS (SELECT 1 FROM meeting_members x"
			 " WHERE x.meeting_id = m.id AND x.deputy_id = ? AND x.status = 'absent')");
		db_pi(p, a->deputy_id);
	}
	rows_filter_search(where, p, q, search);
	if (buf_failed(where))
		return err_set(e, E_INTERNAL, "internal", "服务器内部错误");
	return 0;
}

/* What is waiting, as the list filters that show it: a deputy's meetings to sign in to, the
 * meetings whose sign-in the staff who run meetings have open. */
int meeting_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e)
{
	struct meeting_filter f = {0};
	struct buf w = BUF_INIT_CAP(2048), sql = BUF_INIT_CAP(2200);
	struct db_params p;
	struct db_res *r = NULL;
	const char *key, *label;
	int rc;

	if (role_can(a->role, PERM_MEETING_RUN)) {
		f.state = "signin_open";
		key = "meeting.signin_open", label = "正在签到的会议";
	} else if (a->deputy_id && role_is_deputy(a->role)) {
		f.signin = "pending";
		key = "meeting.signin", label = "待签到的会议";
	} else {
		return 0;
	}
	db_params_init(&p);
	if (!(rc = list_where(c, a, &f, NULL, &w, &p, e))) {
		buf_addf(&sql, "SELECT COUNT(*) FROM meetings m%s", w.data);
		if (buf_failed(&sql))
			rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
		else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
			json_array_append_new(
				items,
				json_pack("{s:s, s:s, s:I, s:s, s:{s:s*, s:s*}}", "key", key, "label",
					  label, "count", (json_int_t)db_int(r, 0, 0), "list",
					  "meetings", "filter", "state", f.state, "signin", f.signin));
	}
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	return rc;
}

int meeting_find_title(struct db_conn *c, const struct actor *a, const char *q, json_t *items, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT},        {"title", COL_STR},
					  {"kind", COL_STR},      {"state", COL_STR},
					  {"starts_on", COL_STR}, {NULL, 0}};
	struct meeting_filter f = {0};
	struct buf w = BUF_INIT_CAP(2048), sql = BUF_INIT_CAP(2200);
	struct db_params p;
	struct db_res *r = NULL;
	int rc;

	if (!q || !*q || (!role_can(a->role, PERM_MEETING_READ) && !a->deputy_id))
		return 0;
	db_params_init(&p);
	if (!(rc = list_where(c, a, &f, q, &w, &p, e))) {
		buf_addf(&sql,
			 "SELECT m.id, m.title, m.kind, m.state, m.starts_on FROM meetings m%s"
			 " ORDER BY m.starts_on DESC, m.id DESC LIMIT %d",
			 w.data, LIMIT_FIND_RESULTS);
		if (buf_failed(&sql))
			rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
		else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
			for (int i = 0; i < r->nrows; i++)
				json_array_append_new(items, rows_object(r, i, cols));
	}
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	return rc;
}

int meeting_list(struct db *db, const struct actor *a, const struct meeting_filter *f,
		 const struct listq *q, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	struct buf where = BUF_INIT_CAP(2048);
	int64_t total;
	json_t *items;
	int rc;

	*out = NULL;
	db_params_init(&p);
	if ((rc = db_begin_read(c, e)) || (rc = list_where(c, a, f, q->q, &where, &p, e)))
		goto out;
	if ((rc = rows_page(c, "meetings m", "SELECT " M_COLS M_FROM, where.data, &p,
			    "m.starts_on DESC, m.id DESC", q, &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		struct meeting m;
		json_t *o;
		if ((rc = meeting_load(c, db_int(r, i, M_ID), 0, &m, e)) ||
		    (rc = meeting_json(c, a, &m, 0, &o, e))) {
			json_decref(items);
			goto out;
		}
		json_array_append_new(items, o);
	}
	*out = rows_list_reply(items, total, q);
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&where);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

static const struct jfield update_spec[] = {
	{"title", JF_STR, 0, 1, LIMIT_SHORT_CHARS, "会议名称"},
	{"starts_on", JF_STR, 0, 10, 10, "开会日期"},
	{"starts_time", JF_STR, 0, 0, 5, "开会时间"},
	{"ends_on", JF_STR, 0, 10, 10, "闭会日期"},
	{"place", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "地点"},
	{"notice_on", JF_STR, 0, 10, 10, "通知日期"},
	{"minutes", JF_STR, 0, 0, 50000, "会议纪要"},
	{"member_ids", JF_ARR, 0, 0, 0, "参会人员"},
	{NULL, 0, 0, 0, 0, NULL}};

int meeting_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const char *const cols[] = {"title", "starts_on", "starts_time", "ends_on",
					   "place", "notice_on", "minutes"};
	json_t *members = json_object_get(in, "member_ids");
	struct tx t;
	struct db_res *span = NULL;
	struct meeting m;
	int rc;
	*out = NULL;
	if ((rc = check_fields(in, update_spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "meetings", id, "会议") || meeting_tx_load(&t, id, 0, 1, &m) ||
	    tx_exec(&t, &span, "SELECT starts_on, ends_on FROM meetings WHERE id = ?", "i", id))
		return tx_end(&t);
	/* the span as it will be: the request's dates over the stored ones */
	tx_check(&t, check_span(jsonx_str_or(in, "starts_on", db_val(span, 0, 0)),
				jsonx_str_or(in, "ends_on", db_val(span, 0, 1)),
				json_object_get(in, "ends_on") ? "ends_on" : "starts_on", e));
	db_res_free(span);
	if (strcmp(m.state, "planned") && (json_object_get(in, "starts_on") || members))
		tx_fail(&t, E_CONFLICT, "bad_state", "会议已开始签到，不能再改日期或参会人员（当前：%s）",
			meeting_state_label(m.state));
	for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
		char sql[128];
		if (!json_object_get(in, cols[i]))
			continue;
		snprintf(sql, sizeof(sql),
			 "UPDATE meetings SET %s = ?, updated_at = ? WHERE id = ?", cols[i]);
		tx_exec(&t, NULL, sql, "sii", jsonx_str(in, cols[i]) ? jsonx_str(in, cols[i]) : "",
			util_now(), id);
	}
	if (members && m.roster)
		tx_fail_field(&t, E_INVALID, "bad_member", "member_ids",
			      "该类会议的参会人员为本届代表名册，不能指定");
	else if (members && tx_ok(&t))
		meeting_set_members(&t, &m, members);
	if (tx_ok(&t))
		tx_check(&t, reply_meeting(t.c, a, id, out, e));
	tx_audit(&t, "meeting.update", "meeting", id, NULL, in);
	return meeting_tx_end(&t, id, out);
}

/* ---- the state machine of a meeting: its steps run by step_run (step.h) ---- */

/* Running a meeting: staff who run meetings in its scope. */
static int may_run(struct step_run *s)
{
	return tx_check(&s->t, meeting_may(s->t.c, s->a, s->ctx, 1, s->t.e));
}

/* At the opening of sign-in a roster meeting takes the congress's roster on its date. */
static int take_members(struct step_run *s)
{
	const struct meeting *m = s->ctx;
	return m->roster ? meeting_take_roster(&s->t, m) : 0;
}

/* A session opens only with the quorum present (DOMAIN §1.2). */
static int need_quorum(struct step_run *s)
{
	struct attendance t;
	return tx_check(&s->t, attendance_quorum(s->t.c, s->ctx, &t, s->t.e));
}

/* A meeting closes only when none of its votes and rounds is open. */
static int nothing_open(struct step_run *s)
{
	int64_t votes, rounds;
	if (tx_check(&s->t, vote_open_count(s->t.c, s->id, &votes, s->t.e)) ||
	    tx_check(&s->t, round_open_count(s->t.c, s->id, &rounds, s->t.e)))
		return s->t.rc;
	if (votes + rounds)
		return tx_fail(&s->t, E_CONFLICT, "vote_open", "仍有表决或选举正在进行，请先结束");
	return 0;
}

static const struct step meeting_steps[] = {
	{"open_signin", "开始签到", "planned", "signin_open", may_run, take_members},
	{"open", "宣布开会", "signin_open", "in_session", may_run, need_quorum},
	{"close", "宣布闭会", "in_session", "closed", may_run, nothing_open},
	{"cancel", "取消会议", "planned", "cancelled", may_run, NULL},
};

/* The meeting under the runner's lock, seen by the actor; s->ctx is its struct meeting. */
static int step_load(struct step_run *s)
{
	struct meeting *m = s->ctx;
	if (!tx_check(&s->t, meeting_load(s->t.c, s->id, 0, m, s->t.e)) &&
	    !tx_check(&s->t, meeting_may(s->t.c, s->a, m, 0, s->t.e)))
		s->state = m->state;
	return s->t.rc;
}

static int step_after(struct step_run *s)
{
	return tx_check(&s->t, reply_meeting(s->t.c, s->a, s->id, &s->after, s->t.e));
}

/* The trail keeps its name for every step of a meeting: "meeting.action" with the step. */
static int step_audit(struct step_run *s)
{
	return step_audit_as(s, "meeting.action", "meeting", s->id,
			     json_pack("{s:s,s:s}", "action", s->step->name, "state", s->to));
}

static const struct step_machine meeting_machine = {
	.object_type = "meeting",
	.table = "meetings",
	.what = "会议",
	.steps = meeting_steps,
	.nsteps = ARRAY_LEN(meeting_steps),
	.load = step_load,
	.after = step_after,
	.state_label = meeting_state_label,
	.audit = step_audit,
};

const char *meeting_next_state(const char *state, const char *action)
{
	return step_next(&meeting_machine, state, action);
}

int meeting_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	struct meeting m = {0};
	return meeting_step(db, &meeting_machine, a, id, in, &m, &m, out, e);
}

int meeting_item_add(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		     struct err *e)
{
	static const struct jfield spec[] = {{"title", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "议程名称"},
					     {"description", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "说明"},
					     {"documents", JF_ARR, 0, 0, 0, "会议文件"},
					     {NULL, 0, 0, 0, 0, NULL}};
	static const struct jfield doc_spec[] = {{"name", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "文件名称"},
						 {"url", JF_STR, 1, 1, 1000, "文件地址"},
						 {NULL, 0, 0, 0, 0, NULL}};
	const char *desc = jsonx_str(in, "description") ? jsonx_str(in, "description") : "";
	json_t *docs = json_object_get(in, "documents"), *d;
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m;
	size_t i;
	int64_t seq;
	char *docs_text;
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "meetings", id, 1, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = jsonx_no_null_arrays(in, spec, e)))
		return rc;
	json_array_foreach(docs, i, d) {
		if (!json_is_object(d))
			return err_field(e, E_INVALID, "wrong_type", "documents", "会议文件应为 {name,url}");
		if ((rc = jsonx_check(d, doc_spec, e)))
			return rc;
	}
	tx_begin(&t, db, a, e);
	/* the meeting's row is held while the next number is taken */
	if (!tx_lock(&t, "meetings", id, "会议") && !meeting_tx_load(&t, id, 0, 1, &m) &&
	    (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")))
		tx_fail(&t, E_CONFLICT, "bad_state", "会议已结束，不能再增加议程");
	tx_int(&t, &seq, "SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_items WHERE meeting_id = ?",
	       "i", id);
	docs_text = docs ? json_dumps(docs, JSON_COMPACT) : NULL;
	tx_exec(&t, &r,
		"INSERT INTO meeting_items (meeting_id, seq, title, description, documents) VALUES (?, ?, ?, ?, ?)"
		" RETURNING id",
		"iisss", id, seq, jsonx_str(in, "title"), desc, docs_text ? docs_text : "[]");
	free(docs_text);
	if (tx_ok(&t))
		*out = json_pack("{s:{s:I,s:I,s:s,s:s,s:o}}", "item", "id", (json_int_t)db_int(r, 0, 0),
				 "seq", (json_int_t)seq, "title", jsonx_str(in, "title"), "description",
				 desc, "documents", docs ? json_incref(docs) : json_array());
	db_res_free(r);
	tx_audit(&t, "meeting.item", "meeting", id, NULL, in);
	return meeting_tx_end(&t, 0, out);
}

/* ---- records ---- */

static int read_record(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct meeting m;
	json_t *mj = NULL, *members = NULL;
	int rc;
	if (!(rc = meeting_seen(c, a, id, &m, e)) && !(rc = meeting_json(c, a, &m, 1, &mj, e)) &&
	    !(rc = meeting_members_json(c, &m, &members, e))) {
		*out = json_pack("{s:O,s:o,s:O,s:O}", "meeting", mj, "attendance", members, "votes",
				 json_object_get(mj, "votes"), "elections",
				 json_object_get(mj, "elections"));
	}
	json_decref(mj);
	return rc;
}

int meeting_record(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_record, a, id, NULL, out, e);
}

static void row(struct sheet *s, const char *a, const char *b, const char *c, const char *d, const char *e)
{
	const char *cells[5] = {a, b, c, d, e};
	sheet_add_row(s, cells, 5);
}

static const char *num(json_t *v, char *buf)
{
	if (json_is_integer(v))
		snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, 24, "%s", "");
	return buf;
}

int meeting_export(struct db *db, const struct actor *a, int64_t id, char **data, size_t *len,
		   char *name, size_t name_cap, struct err *e)
{
	static const char *const status_names[][2] = {
		{"present", "出席"}, {"leave", "请假"}, {"absent", "缺席"}, {"left", "中途离会"}};
	json_t *rec, *v, *k;
	struct sheet s;
	size_t i, j;
	char b1[24], b2[24], b3[24], b4[24];
	char oid[24];
	int rc = meeting_record(db, a, id, &rec, e);
	if (rc)
		return rc;
	/* the record names every member with attendance and leave reasons: the export is audited,
	 * and no audit, no file */
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	if ((rc = audit_record(db, a, AUDIT_DONE, "meeting.export", "meeting", oid, NULL, e))) {
		json_decref(rec);
		return rc;
	}
	sheet_init(&s);
	row(&s, json_string_value(json_object_get(json_object_get(rec, "meeting"), "title")), "",
	    "", "", "");
	row(&s, "出席情况", "代表", "状态", "请假理由", "");
	json_array_foreach(json_object_get(rec, "attendance"), i, v) {
		const char *st = json_string_value(json_object_get(v, "status")), *name = st;
		for (size_t x = 0; x < ARRAY_LEN(status_names); x++)
			if (!strcmp(status_names[x][0], st))
				name = status_names[x][1];
		row(&s, "", json_string_value(json_object_get(v, "name")), name,
		    json_string_value(json_object_get(v, "leave_reason")), "");
	}
	row(&s, "表决结果", "事项", "赞成/反对/弃权", "结果", "依据");
	json_array_foreach(json_object_get(rec, "votes"), i, v) {
		char counts[80];
		snprintf(counts, sizeof(counts), "%s/%s/%s", num(json_object_get(v, "for"), b1),
			 num(json_object_get(v, "against"), b2), num(json_object_get(v, "abstain"), b3));
		row(&s, "", json_string_value(json_object_get(v, "title")), counts,
		    json_is_true(json_object_get(v, "passed"))    ? "通过"
		    : json_is_false(json_object_get(v, "passed")) ? "未通过"
								  : "未表决",
		    json_string_value(json_object_get(v, "rule")));
	}
	row(&s, "选举结果", "职务/项目·轮次", "候选人", "赞成票", "结果");
	json_array_foreach(json_object_get(rec, "elections"), i, v) {
		json_array_foreach(json_object_get(v, "rounds"), j, k) {
			json_t *cand;
			size_t x;
			char what[300];
			snprintf(what, sizeof(what), "%s 第%s轮",
				 json_string_value(json_object_get(v, "office")),
				 num(json_object_get(k, "no"), b4));
			json_array_foreach(json_object_get(k, "candidates"), x, cand) {
				const char *st = json_string_value(json_object_get(cand, "status"));
				row(&s, "", what, json_string_value(json_object_get(cand, "name")),
				    num(json_object_get(cand, "for"), b1),
				    !st                       ? ""
				    : !strcmp(st, "elected")  ? "当选"
				    : !strcmp(st, "tie")      ? "票数相同"
				    : !strcmp(st, "advanced") ? "进入正式选举"
							      : "未当选");
			}
			row(&s, "", what, "计票说明", "", json_string_value(json_object_get(k, "result")));
		}
	}
	rc = sheet_write(&s, SHEET_XLSX, "会议记录", data, len, e);
	/* the file is named after the meeting, as the office would name it (a title is at most
	 * LIMIT_SHORT_CHARS characters, which the caller's buffer holds) */
	snprintf(name, name_cap, "%s记录.xlsx",
		 json_string_value(json_object_get(json_object_get(rec, "meeting"), "title")));
	sheet_release(&s);
	json_decref(rec);
	return rc;
}

/* ---- the live screen ---- */

/* Nothing to read but whether the actor may see the meeting. */
static int may_watch(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct meeting m;
	*out = NULL;
	return meeting_seen(c, a, id, &m, e);
}

int meeting_watch(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	json_t *none;
	return rows_get(db, NULL, may_watch, a, id, NULL, &none, e);
}

int meeting_by_screen(struct db *db, const char *token, int64_t *id, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	int64_t over = 0;
	int rc = db_intv(c, id, e, "SELECT id FROM meetings WHERE screen_token = ?", "s", token);
	/* the link is public: it lives only while the meeting may still sit */
	if (!rc && *id)
		rc = db_intv(c, &over, e, "SELECT COUNT(*) FROM meetings WHERE id = ? AND state IN ('closed','cancelled')",
			     "i", *id);
	db_release(db, c);
	if (!rc && !*id)
		rc = err_set(e, E_NOTFOUND, "not_found", "大屏链接无效");
	else if (!rc && over)
		rc = err_set(e, E_NOTFOUND, "screen_closed", "会议已结束，大屏链接已失效");
	if (rc)
		*id = 0;
	return rc;
}

/* What the screen shows now: "vote" or "round" (or NULL for neither). Whatever is open comes first;
 * else the one that moved last (a vote closed, a round opened or counted), so that an election
 * begun after a vote replaces the vote's result on the screen. */
static const char *live_current(struct db_conn *c, json_t *vote, json_t *round, struct err *e)
{
	struct db_res *r = NULL;
	const char *cur = NULL;
	if (json_is_object(vote) && !strcmp(jsonx_str_or(vote, "state", ""), "open"))
		return "vote";
	if (json_is_object(round) && !strcmp(jsonx_str_or(round, "state", ""), "open"))
		return "round";
	if (!json_is_object(vote) || !json_is_object(round))
		return json_is_object(vote) ? "vote" : json_is_object(round) ? "round" : NULL;
	if (db_execv(c, &r, e,
		     "SELECT (SELECT COALESCE(closed_at, opened_at, 0) FROM votes WHERE id = ?),"
		     " (SELECT COALESCE(counted_at, opened_at, 0) FROM election_rounds WHERE id = ?)",
		     "ii", (int64_t)json_integer_value(json_object_get(vote, "id")),
		     (int64_t)json_integer_value(json_object_get(round, "id"))))
		return "vote";
	cur = db_int(r, 0, 1) > db_int(r, 0, 0) ? "round" : "vote";
	db_res_free(r);
	return cur;
}

json_t *meeting_live(struct db *db, int64_t id)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	struct err e = {0};
	struct meeting m;
	struct attendance t;
	json_t *o = NULL, *vote = NULL, *round = NULL;
	const char *cur;

	if (db_begin_read(c, &e) || meeting_load(c, id, 0, &m, &e) || attendance_count(c, &m, &t, &e) ||
	    vote_current_json(c, id, &vote, &e) || round_current_json(c, id, &round, &e) ||
	    db_execv(c, &r, &e, "SELECT title FROM meetings WHERE id = ?", "i", id))
		goto out;
	cur = live_current(c, vote, round, &e);
	o = json_pack("{s:{s:I,s:s,s:s,s:s},s:o,s:O,s:O,s:s?}", "meeting", "id", (json_int_t)id,
		      "title", db_val(r, 0, 0), "state", m.state, "state_name",
		      meeting_state_label(m.state), "attendance", attendance_json(&t, &m), "vote",
		      vote, "round", round, "current", cur);
out:
	if (e.kind && e.kind != E_NOTFOUND)
		fprintf(stderr, "renda: live meeting %lld: %s\n", (long long)id, e.msg);
	json_decref(vote);
	json_decref(round);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return o;
}

/* ---- labels ---- */

json_t *meeting_labels(void)
{
	return json_pack("{s:o, s:o, s:o}", "meeting", step_labels(&meeting_machine, NULL), "vote",
			 vote_labels(), "round", round_labels());
}
