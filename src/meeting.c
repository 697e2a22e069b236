#include "meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "calendar.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "sheet.h"
#include "tally.h"

#define VOTE_SHARDS 16 /* rows each device vote's counters are spread over */

/* ---- kinds and state machines ---- */

static const struct {
	const char *kind, *name;
	int roster; /* members: the congress roster on the date, else a list */
} kinds[] = {
	{"session", "乡镇人民代表大会会议", 1},
	{"presidium", "主席团会议", 0},
	{"deliberation", "开发区议政代表会", 1},
	{"voter_rep", "街道选民代表议政会", 0},
	{"other", "其他会议", 0},
};

static const struct {
	const char *state, *action, *next;
} meeting_tr[] = {
	{"planned", "open_signin", "signin_open"}, {"planned", "cancel", "cancelled"},
	{"signin_open", "open", "in_session"},     {"in_session", "close", "closed"},
}, vote_tr[] = {
	{"draft", "open", "open"}, {"open", "close", "closed"},
}, round_tr[] = {
	{"nominating", "open", "open"}, {"open", "count", "counted"}, {"open", "void", "void"},
};

static const char *const state_names[][2] = {
	{"planned", "筹备中"}, {"signin_open", "签到中"}, {"in_session", "会议进行中"},
	{"closed", "已闭会"}, {"cancelled", "已取消"}, {"draft", "未开始"}, {"open", "进行中"},
	{"nominating", "提名中"}, {"counted", "已计票"}, {"void", "无效"}};

#define NEXT(table, s, a)                                                         \
	for (size_t i = 0; i < ARRAY_LEN(table); i++)                               \
		if (!strcmp(table[i].state, s) && !strcmp(table[i].action, a))      \
			return table[i].next;                                        \
	return NULL

const char *meeting_next_state(const char *s, const char *a) { NEXT(meeting_tr, s, a); }
const char *vote_next_state(const char *s, const char *a) { NEXT(vote_tr, s, a); }
const char *round_next_state(const char *s, const char *a) { NEXT(round_tr, s, a); }

static const char *state_name(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
}

static int kind_index(const char *k)
{
	for (size_t i = 0; k && i < ARRAY_LEN(kinds); i++)
		if (!strcmp(kinds[i].kind, k))
			return (int)i;
	return -1;
}

int meeting_kinds(json_t **out, struct err *e)
{
	json_t *items = json_array();
	(void)e;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "kind", kinds[i].kind, "name",
						       kinds[i].name, "membership",
						       kinds[i].roster ? "roster" : "list"));
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* ---- small helpers ---- */

static json_t *jstr(const char *v) { return v ? json_string(v) : json_null(); }
static json_t *jint(const struct db_res *r, int row, int col)
{
	return db_val(r, row, col) ? json_integer(db_int(r, row, col)) : json_null();
}

/* The first cell of a one-row query as an integer (0 when there is no row). */
static int q_int(struct db_conn *c, const char *sql, struct db_params *p, int64_t *v, struct err *e)
{
	struct db_res *r;
	int rc = db_exec(c, sql, p, &r, e);
	if (rc)
		return rc;
	*v = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return 0;
}

static void idstr(int64_t id, char out[24]) { snprintf(out, 24, "%lld", (long long)id); }

static int audit(struct db_conn *c, const struct actor *a, const char *action, const char *type,
		 int64_t id, json_t *after, struct err *e)
{
	char s[24];
	int rc;
	idstr(id, s);
	rc = audit_write(c, a, action, type, s, NULL, after, e);
	json_decref(after);
	return rc;
}

/* ---- the meeting row ---- */

struct mtg {
	int64_t id;
	char kind[16], region[16], path[160], level[16], starts_on[16], state[16];
	int term, qn, qd;
};

#define M_COLS                                                                                  \
	"m.id, m.kind, m.title, m.region_code, r.name, m.level, m.term, m.starts_on, m.starts_time," \
	" m.ends_on, m.place, m.notice_on, m.state, m.quorum_num, m.quorum_den, m.minutes,"         \
	" m.signin_token, m.screen_token, m.created_at, m.updated_at, m.region_path"
#define M_FROM " FROM meetings m JOIN regions r ON r.code = m.region_code"
enum {
	M_ID, M_KIND, M_TITLE, M_REGION, M_REGION_NAME, M_LEVEL, M_TERM, M_STARTS, M_TIME, M_ENDS,
	M_PLACE, M_NOTICE, M_STATE, M_QN, M_QD, M_MINUTES, M_SIGNIN, M_SCREEN, M_CREATED, M_UPDATED,
	M_PATH
};

static int load(struct db_conn *c, int64_t id, struct mtg *m, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = db_exec(c, "SELECT m.id, m.kind, m.region_code, m.region_path, m.level, m.term,"
			     " m.starts_on, m.state, m.quorum_num, m.quorum_den FROM meetings m WHERE m.id = ?",
			  &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "会议不存在");
	}
	memset(m, 0, sizeof(*m));
	m->id = db_int(r, 0, 0);
	snprintf(m->kind, sizeof(m->kind), "%s", db_val(r, 0, 1));
	snprintf(m->region, sizeof(m->region), "%s", db_val(r, 0, 2));
	snprintf(m->path, sizeof(m->path), "%s", db_val(r, 0, 3));
	snprintf(m->level, sizeof(m->level), "%s", db_val(r, 0, 4));
	m->term = (int)db_int(r, 0, 5);
	snprintf(m->starts_on, sizeof(m->starts_on), "%s", db_val(r, 0, 6));
	snprintf(m->state, sizeof(m->state), "%s", db_val(r, 0, 7));
	m->qn = (int)db_int(r, 0, 8);
	m->qd = (int)db_int(r, 0, 9);
	db_res_free(r);
	return 0;
}

static int roster_kind(const struct mtg *m)
{
	int k = kind_index(m->kind);
	return k >= 0 && kinds[k].roster;
}

/* Before sign-in opens a roster meeting's members are the roster of its congress on its date. */
static int members_taken(const struct mtg *m)
{
	return !roster_kind(m) || strcmp(m->state, "planned");
}

static void roster_sql(const struct mtg *m, const char *select, struct buf *sql, struct db_params *p)
{
	buf_addf(sql, "%s FROM mandates WHERE region_code = ? AND level = ? AND started_on <= ?"
		      " AND (ended_on IS NULL OR ended_on > ?)%s", select, m->term > 0 ? " AND term = ?" : "");
	db_ps(p, m->region);
	db_ps(p, m->level);
	db_ps(p, m->starts_on);
	db_ps(p, m->starts_on);
	if (m->term > 0)
		db_pi(p, m->term);
}

static int is_member(struct db_conn *c, const struct mtg *m, int64_t deputy, int *yes, struct err *e)
{
	struct db_params p;
	int64_t n;
	int rc;
	db_params_init(&p);
	if (members_taken(m)) {
		db_pi(&p, m->id);
		db_pi(&p, deputy);
		rc = q_int(c, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ?", &p, &n, e);
	} else {
		struct buf sql = BUF_INIT_CAP(1024);
		roster_sql(m, "SELECT COUNT(*)", &sql, &p);
		buf_adds(&sql, " AND deputy_id = ?");
		db_pi(&p, deputy);
		rc = q_int(c, sql.data, &p, &n, e);
		buf_release(&sql);
	}
	*yes = n > 0;
	return rc;
}

/* Reading: staff in scope, or a deputy who is a member. Running: staff who run meetings in
 * scope. Anything else reads as "not found" so that meetings do not leak. */
static int may(struct db_conn *c, const struct actor *a, const struct mtg *m, int run, struct err *e)
{
	int in_scope = region_path_in_scope(a, m->path), member = 0, rc;
	if (in_scope && role_can(a->role, PERM_MEETING_RUN))
		return 0;
	if (in_scope && role_can(a->role, PERM_MEETING_READ))
		return run ? err_set(e, E_FORBIDDEN, "forbidden", "无权组织会议") : 0;
	if (a->deputy_id && !run) {
		if ((rc = is_member(c, m, a->deputy_id, &member, e)))
			return rc;
		if (member)
			return 0;
	}
	if (a->deputy_id && run && in_scope)
		return err_set(e, E_FORBIDDEN, "forbidden", "代表不能组织会议");
	return err_set(e, E_NOTFOUND, "not_found", "会议不存在");
}

static int can_run(const struct actor *a, const struct mtg *m)
{
	return region_path_in_scope(a, m->path) && role_can(a->role, PERM_MEETING_RUN);
}

/* ---- attendance ---- */

struct att {
	int64_t members, present, leave, absent, left;
};

static int att_count(struct db_conn *c, const struct mtg *m, struct att *t, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	memset(t, 0, sizeof(*t));
	db_params_init(&p);
	if (!members_taken(m)) {
		struct buf sql = BUF_INIT_CAP(1024);
		roster_sql(m, "SELECT COUNT(*)", &sql, &p);
		rc = q_int(c, sql.data, &p, &t->members, e);
		buf_release(&sql);
		t->absent = t->members;
		return rc;
	}
	db_pi(&p, m->id);
	if ((rc = db_exec(c, "SELECT status, COUNT(*) FROM meeting_members WHERE meeting_id = ? GROUP BY status",
			  &p, &r, e)))
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		const char *s = db_val(r, i, 0);
		int64_t n = db_int(r, i, 1);
		t->members += n;
		if (!strcmp(s, "present"))
			t->present = n;
		else if (!strcmp(s, "leave"))
			t->leave = n;
		else if (!strcmp(s, "left"))
			t->left = n;
		else
			t->absent = n;
	}
	db_res_free(r);
	return 0;
}

static json_t *att_json(const struct att *t, const struct mtg *m)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "members", (json_int_t)t->members, "present",
			 (json_int_t)t->present, "leave", (json_int_t)t->leave, "absent",
			 (json_int_t)t->absent, "left", (json_int_t)t->left, "quorum_needed",
			 (json_int_t)tally_quorum_needed(t->members, m->qn, m->qd), "quorum_met",
			 tally_quorum(t->present, t->members, m->qn, m->qd));
}

static int need_quorum(struct db_conn *c, const struct mtg *m, struct att *t, struct err *e)
{
	int rc = att_count(c, m, t, e);
	if (rc)
		return rc;
	if (!tally_quorum(t->present, t->members, m->qn, m->qd))
		return err_set(e, E_CONFLICT, "no_quorum",
			       "出席人数未达法定人数（应到 %lld 人，实到 %lld 人，需 %lld 人）",
			       (long long)t->members, (long long)t->present,
			       (long long)tally_quorum_needed(t->members, m->qn, m->qd));
	return 0;
}

/* ---- JSON of a meeting ---- */

static int notice_warnings(struct db_conn *c, const char *path, const char *starts, const char *notice,
			   json_t *w, struct err *e)
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
		json_array_append_new(w, json_sprintf("通知时间距开会不足 %d 日（%s 通知，%s 开会）", days, notice, starts));
	return 0;
}

static json_t *meeting_row(const struct db_res *r, int i, int run)
{
	int k = kind_index(db_val(r, i, M_KIND));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, M_ID)));
	json_object_set_new(o, "kind", json_string(db_val(r, i, M_KIND)));
	json_object_set_new(o, "kind_name", json_string(k >= 0 ? kinds[k].name : ""));
	json_object_set_new(o, "title", json_string(db_val(r, i, M_TITLE)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, M_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, M_REGION_NAME)));
	json_object_set_new(o, "level", json_string(db_val(r, i, M_LEVEL)));
	json_object_set_new(o, "term", json_integer(db_int(r, i, M_TERM)));
	json_object_set_new(o, "starts_on", json_string(db_val(r, i, M_STARTS)));
	json_object_set_new(o, "starts_time", json_string(db_val(r, i, M_TIME)));
	json_object_set_new(o, "ends_on", jstr(db_val(r, i, M_ENDS)));
	json_object_set_new(o, "place", json_string(db_val(r, i, M_PLACE)));
	json_object_set_new(o, "notice_on", jstr(db_val(r, i, M_NOTICE)));
	json_object_set_new(o, "state", json_string(db_val(r, i, M_STATE)));
	json_object_set_new(o, "state_name", json_string(state_name(db_val(r, i, M_STATE))));
	json_object_set_new(o, "quorum_num", json_integer(db_int(r, i, M_QN)));
	json_object_set_new(o, "quorum_den", json_integer(db_int(r, i, M_QD)));
	json_object_set_new(o, "minutes", json_string(db_val(r, i, M_MINUTES)));
	json_object_set_new(o, "signin_token", run ? json_string(db_val(r, i, M_SIGNIN)) : json_null());
	json_object_set_new(o, "screen_token", run ? json_string(db_val(r, i, M_SCREEN)) : json_null());
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, M_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, M_UPDATED)));
	return o;
}

static int vote_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e);
static int election_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e);

/* The meeting with attendance and warnings; full adds items, votes and elections. */
static int meeting_json(struct db_conn *c, const struct actor *a, const struct mtg *m, int full,
			json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL, *l = NULL;
	struct att t;
	json_t *o = NULL, *w;
	int rc;

	db_params_init(&p);
	db_pi(&p, m->id);
	if ((rc = db_exec(c, "SELECT " M_COLS M_FROM " WHERE m.id = ?", &p, &r, e)) || (rc = att_count(c, m, &t, e)))
		goto out;
	o = meeting_row(r, 0, can_run(a, m));
	json_object_set_new(o, "attendance", att_json(&t, m));
	w = json_array();
	json_object_set_new(o, "warnings", w);
	if ((rc = notice_warnings(c, m->path, m->starts_on, db_val(r, 0, M_NOTICE), w, e)))
		goto out;
	if (full) {
		json_t *items = json_array(), *votes = json_array(), *els = json_array();
		json_object_set_new(o, "items", items);
		json_object_set_new(o, "votes", votes);
		json_object_set_new(o, "elections", els);
		if ((rc = db_exec(c, "SELECT id, seq, title, description, documents FROM meeting_items"
				     " WHERE meeting_id = ? ORDER BY seq", &p, &l, e)))
			goto out;
		for (int i = 0; i < l->nrows; i++) {
			json_t *docs = json_loads(db_val(l, i, 4), 0, NULL);
			json_array_append_new(items, json_pack("{s:I,s:I,s:s,s:s,s:o}", "id",
							       (json_int_t)db_int(l, i, 0), "seq",
							       (json_int_t)db_int(l, i, 1), "title", db_val(l, i, 2),
							       "description", db_val(l, i, 3), "documents",
							       docs ? docs : json_array()));
		}
		db_res_free(l);
		l = NULL;
		if ((rc = db_exec(c, "SELECT id FROM votes WHERE meeting_id = ? ORDER BY id", &p, &l, e)))
			goto out;
		for (int i = 0; i < l->nrows; i++) {
			json_t *v;
			if ((rc = vote_json(c, a, db_int(l, i, 0), &v, e)))
				goto out;
			json_array_append_new(votes, v);
		}
		db_res_free(l);
		l = NULL;
		if ((rc = db_exec(c, "SELECT id FROM elections WHERE meeting_id = ? ORDER BY id", &p, &l, e)))
			goto out;
		for (int i = 0; i < l->nrows; i++) {
			json_t *v;
			if ((rc = election_json(c, a, db_int(l, i, 0), &v, e)))
				goto out;
			json_array_append_new(els, v);
		}
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

/* Runs fn inside one read transaction on a loaded, readable meeting and wraps the result. */
static int reply_meeting(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct mtg m;
	json_t *o;
	int rc;
	if ((rc = load(c, id, &m, e)) || (rc = meeting_json(c, a, &m, 1, &o, e)))
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

/* Sets the listed members of a list meeting: each a deputy of the meeting's region subtree. */
static int set_members(struct db_conn *c, const struct mtg *m, json_t *ids, struct err *e)
{
	struct db_params p;
	size_t i;
	json_t *v;
	int rc;
	if (!json_is_array(ids) || !json_array_size(ids))
		return err_field(e, E_INVALID, "missing_field", "member_ids", "请选择参会人员（member_ids）");
	if (json_array_size(ids) > 2000)
		return err_field(e, E_INVALID, "too_long", "member_ids", "参会人员过多");
	db_params_init(&p);
	db_pi(&p, m->id);
	if ((rc = db_exec(c, "DELETE FROM meeting_members WHERE meeting_id = ?", &p, NULL, e)))
		return rc;
	json_array_foreach(ids, i, v) {
		int64_t ok;
		if (!json_is_integer(v))
			return err_field(e, E_INVALID, "wrong_type", "member_ids", "参会人员应为代表编号");
		db_params_init(&p);
		db_pi(&p, json_integer_value(v));
		db_ps(&p, m->path);
		if ((rc = q_int(c, "SELECT COUNT(*) FROM deputies d JOIN regions r ON r.code = d.region_code"
				   " WHERE d.id = ? AND r.path LIKE ? || '%'", &p, &ok, e)))
			return rc;
		if (!ok)
			return err_field(e, E_INVALID, "bad_member", "member_ids", "代表 %lld 不存在或不属于本地区",
					 (long long)json_integer_value(v));
		db_params_init(&p);
		db_pi(&p, m->id);
		db_pi(&p, json_integer_value(v));
		if ((rc = db_exec(c, "INSERT INTO meeting_members (meeting_id, deputy_id) VALUES (?, ?)", &p, NULL, e))) {
			if (!strcmp(e->code, "duplicate"))
				return err_field(e, E_INVALID, "duplicate_member", "member_ids", "参会人员重复");
			return rc;
		}
	}
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
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m = {0};
	char path[160], signin[33], screen[33];
	int qn, qd, rc, k;
	const char *level = jsonx_str(in, "level") ? jsonx_str(in, "level") : "township";

	*out = NULL;
	if ((rc = jsonx_check(in, meeting_spec, e)) || (rc = check_date(in, "starts_on", "开会日期", e)) ||
	    (rc = check_date(in, "ends_on", "闭会日期", e)) || (rc = check_date(in, "notice_on", "通知日期", e)))
		return rc;
	if ((k = kind_index(jsonx_str(in, "kind"))) < 0)
		return err_field(e, E_INVALID, "bad_kind", "kind", "会议类型无效");
	if (!role_can(a->role, PERM_MEETING_RUN))
		return err_set(e, E_FORBIDDEN, "forbidden", "无权组织会议");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) ||
	    (rc = region_scope(c, a, jsonx_str(in, "region_code"), path, sizeof(path), e)) ||
	    (rc = settings_int(c, path, "meeting.quorum_num", &qn, e)) ||
	    (rc = settings_int(c, path, "meeting.quorum_den", &qd, e)))
		goto out;
	qn = (int)jsonx_int(in, "quorum_num", qn);
	qd = (int)jsonx_int(in, "quorum_den", qd);
	if (qn > qd) {
		rc = err_field(e, E_INVALID, "bad_quorum", "quorum_num", "法定人数比例不能超过全体");
		goto out;
	}
	if (!kinds[k].roster && !json_object_get(in, "member_ids")) {
		rc = err_field(e, E_INVALID, "missing_field", "member_ids", "%s须列出参会人员（member_ids）", kinds[k].name);
		goto out;
	}
	util_random_hex(signin, 16);
	util_random_hex(screen, 16);
	db_params_init(&p);
	db_ps(&p, kinds[k].kind);
	db_ps(&p, jsonx_str(in, "title"));
	db_ps(&p, jsonx_str(in, "region_code"));
	db_ps(&p, path);
	db_ps(&p, level);
	db_pi(&p, jsonx_int(in, "term", 0));
	db_ps(&p, jsonx_str(in, "starts_on"));
	db_ps(&p, jsonx_str(in, "starts_time") ? jsonx_str(in, "starts_time") : "");
	db_ps(&p, jsonx_str(in, "ends_on"));
	db_ps(&p, jsonx_str(in, "place") ? jsonx_str(in, "place") : "");
	db_ps(&p, jsonx_str(in, "notice_on"));
	db_pi(&p, qn);
	db_pi(&p, qd);
	db_ps(&p, signin);
	db_ps(&p, screen);
	db_pi(&p, a->account_id);
	db_pi(&p, util_now());
	db_pi(&p, util_now());
	if ((rc = db_exec(c, "INSERT INTO meetings (kind, title, region_code, region_path, level, term, starts_on,"
			     " starts_time, ends_on, place, notice_on, state, quorum_num, quorum_den, signin_token,"
			     " screen_token, created_by, created_at, updated_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  &p, &r, e)))
		goto out;
	if ((rc = load(c, db_int(r, 0, 0), &m, e)))
		goto out;
	if (!kinds[k].roster && (rc = set_members(c, &m, json_object_get(in, "member_ids"), e)))
		goto out;
	if ((rc = reply_meeting(c, a, m.id, out, e)) ||
	    (rc = audit(c, a, "meeting.create", "meeting", m.id, json_deep_copy(in), e)) ||
	    (rc = db_commit(c, e)))
		goto out;
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct mtg m;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load(c, id, &m, e)) && !(rc = may(c, a, &m, 0, e)))
		rc = reply_meeting(c, a, id, out, e);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_list(struct db *db, const struct actor *a, const struct meeting_filter *f,
		 const struct listq *q, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	struct buf where = BUF_INIT_CAP(2048);
	char path[160];
	int64_t total;
	json_t *items;
	int rc;

	*out = NULL;
	db_params_init(&p);
	if ((rc = db_begin_read(c, e)))
		goto out;
	if (role_can(a->role, PERM_MEETING_READ)) {
		if (f->region && *f->region) {
			if ((rc = region_scope(c, a, f->region, path, sizeof(path), e)))
				goto out;
		} else {
			snprintf(path, sizeof(path), "%s", a->region_path);
		}
		buf_adds(&where, " WHERE m.region_path LIKE ? || '%'");
		db_ps(&p, path);
	} else if (a->deputy_id) {
		/* a deputy: the meetings it is a member of, listed or by the roster */
		buf_adds(&where, " WHERE (EXISTS (SELECT 1 FROM meeting_members x WHERE x.meeting_id = m.id AND x.deputy_id = ?)"
				 " OR (m.state = 'planned' AND m.kind IN ('session','deliberation') AND EXISTS (SELECT 1 FROM mandates d"
				 " WHERE d.deputy_id = ? AND d.region_code = m.region_code AND d.level = m.level"
				 " AND (m.term = 0 OR d.term = m.term) AND d.started_on <= m.starts_on"
				 " AND (d.ended_on IS NULL OR d.ended_on > m.starts_on))))");
		db_pi(&p, a->deputy_id);
		db_pi(&p, a->deputy_id);
	} else {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "无权查看会议");
		goto out;
	}
	if (f->state && *f->state) {
		buf_adds(&where, " AND m.state = ?");
		db_ps(&p, f->state);
	}
	if (f->kind && *f->kind) {
		buf_adds(&where, " AND m.kind = ?");
		db_ps(&p, f->kind);
	}
	if (f->from && *f->from) {
		buf_adds(&where, " AND m.starts_on >= ?");
		db_ps(&p, f->from);
	}
	if (f->to && *f->to) {
		buf_adds(&where, " AND m.starts_on <= ?");
		db_ps(&p, f->to);
	}
	if ((rc = rows_page(c, "meetings m", "SELECT " M_COLS M_FROM, where.data, &p, "m.starts_on DESC, m.id DESC",
			    q, &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		struct mtg m;
		json_t *o;
		if ((rc = load(c, db_int(r, i, M_ID), &m, e)) || (rc = meeting_json(c, a, &m, 0, &o, e))) {
			json_decref(items);
			goto out;
		}
		json_array_append_new(items, o);
	}
	*out = rows_list_reply(items, total, q);
out:
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
	static const char *const cols[] = {"title", "starts_on", "starts_time", "ends_on", "place", "notice_on", "minutes"};
	struct db_conn *c = NULL;
	struct mtg m;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, update_spec, e)) || (rc = check_date(in, "starts_on", "开会日期", e)) ||
	    (rc = check_date(in, "ends_on", "闭会日期", e)) || (rc = check_date(in, "notice_on", "通知日期", e)))
		return rc;
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, id, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (strcmp(m.state, "planned") &&
	    (json_object_get(in, "starts_on") || json_object_get(in, "member_ids"))) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议已开始签到，不能再改日期或参会人员（当前：%s）", state_name(m.state));
		goto out;
	}
	for (size_t i = 0; i < ARRAY_LEN(cols); i++) {
		struct db_params p;
		char sql[128];
		if (!json_object_get(in, cols[i]))
			continue;
		db_params_init(&p);
		db_ps(&p, jsonx_str(in, cols[i]) ? jsonx_str(in, cols[i]) : "");
		db_pi(&p, util_now());
		db_pi(&p, id);
		snprintf(sql, sizeof(sql), "UPDATE meetings SET %s = ?, updated_at = ? WHERE id = ?", cols[i]);
		if ((rc = db_exec(c, sql, &p, NULL, e)))
			goto out;
	}
	if (json_object_get(in, "member_ids")) {
		if (roster_kind(&m)) {
			rc = err_field(e, E_INVALID, "bad_member", "member_ids", "该类会议的参会人员为本届代表名册，不能指定");
			goto out;
		}
		if ((rc = set_members(c, &m, json_object_get(in, "member_ids"), e)))
			goto out;
	}
	if ((rc = load(c, id, &m, e)) || (rc = reply_meeting(c, a, id, out, e)) ||
	    (rc = audit(c, a, "meeting.update", "meeting", id, json_deep_copy(in), e)) || (rc = db_commit(c, e)))
		goto out;
	live_publish(id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct mtg m;
	struct att t;
	const char *action, *next;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	action = jsonx_str(in, "action");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, id, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (!(next = meeting_next_state(m.state, action))) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议当前为“%s”，不能执行该操作", state_name(m.state));
		goto out;
	}
	if (!strcmp(action, "open_signin") && roster_kind(&m)) {
		/* the members are the congress's roster on the meeting's date, taken now */
		struct buf sql = BUF_INIT_CAP(1024);
		db_params_init(&p);
		db_pi(&p, id);
		roster_sql(&m, "INSERT INTO meeting_members (meeting_id, deputy_id) SELECT ?, deputy_id", &sql, &p);
		rc = db_exec(c, sql.data, &p, NULL, e);
		buf_release(&sql);
		if (rc)
			goto out;
	}
	if (!strcmp(action, "open") && (rc = need_quorum(c, &m, &t, e)))
		goto out;
	if (!strcmp(action, "close")) {
		int64_t open;
		db_params_init(&p);
		db_pi(&p, id);
		db_pi(&p, id);
		if ((rc = q_int(c, "SELECT (SELECT COUNT(*) FROM votes WHERE meeting_id = ? AND state = 'open') +"
				   " (SELECT COUNT(*) FROM election_rounds r JOIN elections l ON l.id = r.election_id"
				   " WHERE l.meeting_id = ? AND r.state = 'open')", &p, &open, e)))
			goto out;
		if (open) {
			rc = err_set(e, E_CONFLICT, "vote_open", "仍有表决或选举正在进行，请先结束");
			goto out;
		}
	}
	db_params_init(&p);
	db_ps(&p, next);
	db_pi(&p, util_now());
	db_pi(&p, id);
	if ((rc = db_exec(c, "UPDATE meetings SET state = ?, updated_at = ? WHERE id = ?", &p, NULL, e)) ||
	    (rc = load(c, id, &m, e)) || (rc = reply_meeting(c, a, id, out, e)) ||
	    (rc = audit(c, a, "meeting.action", "meeting", id, json_pack("{s:s,s:s}", "action", action, "state", next), e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	live_publish(id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_item_add(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"title", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "议程名称"},
		{"description", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "说明"},
		{"documents", JF_ARR, 0, 0, 0, "会议文件"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const struct jfield doc_spec[] = {
		{"name", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "文件名称"},
		{"url", JF_STR, 1, 1, 1000, "文件地址"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	json_t *docs = json_object_get(in, "documents"), *d;
	size_t i;
	int64_t seq;
	char *docs_text = NULL;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	json_array_foreach(docs, i, d) {
		if (!json_is_object(d))
			return err_field(e, E_INVALID, "wrong_type", "documents", "会议文件应为 {name,url}");
		if ((rc = jsonx_check(d, doc_spec, e)))
			return rc;
	}
	docs_text = json_dumps(docs ? docs : json_array(), JSON_COMPACT);
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, id, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议已结束，不能再增加议程");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = q_int(c, "SELECT COALESCE(MAX(seq), 0) + 1 FROM meeting_items WHERE meeting_id = ?", &p, &seq, e)))
		goto out;
	db_pi(&p, seq);
	db_ps(&p, jsonx_str(in, "title"));
	db_ps(&p, jsonx_str(in, "description") ? jsonx_str(in, "description") : "");
	db_ps(&p, docs_text);
	if ((rc = db_exec(c, "INSERT INTO meeting_items (meeting_id, seq, title, description, documents)"
			     " VALUES (?, ?, ?, ?, ?) RETURNING id", &p, &r, e)))
		goto out;
	*out = json_pack("{s:{s:I,s:I,s:s,s:s,s:o}}", "item", "id", (json_int_t)db_int(r, 0, 0), "seq",
			 (json_int_t)seq, "title", jsonx_str(in, "title"), "description",
			 jsonx_str(in, "description") ? jsonx_str(in, "description") : "", "documents",
			 docs ? json_incref(docs) : json_array());
	if ((rc = audit(c, a, "meeting.item", "meeting", id, json_deep_copy(in), e)) || (rc = db_commit(c, e)))
		goto out;
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	free(docs_text);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* ---- attendance ---- */

static json_t *member_json(const struct db_res *r, int i)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s}", "deputy_id", (json_int_t)db_int(r, i, 0), "name",
			 db_val(r, i, 1), "status", db_val(r, i, 2), "signed_in_at", jint(r, i, 3),
			 "signed_out_at", jint(r, i, 4), "via", jstr(db_val(r, i, 5)), "leave_reason",
			 db_val(r, i, 6));
}

#define MEMBER_SQL                                                                              \
	"SELECT x.deputy_id, d.name, x.status, x.signed_in_at, x.signed_out_at, x.via, x.leave_reason" \
	" FROM meeting_members x JOIN deputies d ON d.id = x.deputy_id WHERE x.meeting_id = ?"

static int members_json(struct db_conn *c, const struct mtg *m, json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	if (members_taken(m)) {
		db_pi(&p, m->id);
		rc = db_exec(c, MEMBER_SQL " ORDER BY d.name, d.id", &p, &r, e);
	} else {
		struct buf sql = BUF_INIT_CAP(2048);
		roster_sql(m, "SELECT deputy_id", &sql, &p);
		struct buf q = BUF_INIT_CAP(2048);
		buf_addf(&q, "SELECT d.id, d.name, 'absent', NULL, NULL, NULL, '' FROM deputies d WHERE d.id IN (%s)"
			     " ORDER BY d.name, d.id", sql.data);
		rc = db_exec(c, q.data, &p, &r, e);
		buf_release(&sql);
		buf_release(&q);
	}
	if (rc)
		return rc;
	*out = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(*out, member_json(r, i));
	db_res_free(r);
	return 0;
}

int meeting_attendance(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct mtg m;
	struct att t;
	json_t *items = NULL;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load(c, id, &m, e)) && !(rc = may(c, a, &m, 0, e)) &&
	    !(rc = att_count(c, &m, &t, e)) && !(rc = members_json(c, &m, &items, e))) {
		json_t *me = json_null(), *x;
		size_t i;
		/* A member sees who is present, and their own entry whole; the reasons other members
		 * gave for their leave are for the staff only. */
		if (!role_can(a->role, PERM_MEETING_READ)) {
			json_array_foreach(items, i, x) {
				if (json_integer_value(json_object_get(x, "deputy_id")) == a->deputy_id) {
					json_decref(me);
					me = json_incref(x);
				} else {
					json_object_set_new(x, "leave_reason", json_string(""));
				}
			}
		}
		*out = json_pack("{s:o,s:o,s:o}", "attendance", att_json(&t, &m), "items", items, "me", me);
	}
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* One attendance step inside the caller's transaction; *out gets {attendance, member}. */
static int attend(struct db_conn *c, const struct actor *a, const struct mtg *m, int64_t deputy,
		  const char *action, const char *reason, const char *via, json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	struct att t;
	const char *status;
	int rc;
	if (!strcmp(m->state, "planned") || !strcmp(m->state, "closed") || !strcmp(m->state, "cancelled"))
		return err_set(e, E_CONFLICT, "bad_state", "会议当前为“%s”，不能签到或请假", state_name(m->state));
	db_params_init(&p);
	db_pi(&p, m->id);
	db_pi(&p, deputy);
	if ((rc = db_exec(c, MEMBER_SQL " AND x.deputy_id = ?", &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_FORBIDDEN, "not_member", "该代表不是本次会议的组成人员");
	}
	status = db_val(r, 0, 2);
	db_params_init(&p);
	if (!strcmp(action, "sign_in")) {
		if (!strcmp(status, "present")) {
			db_res_free(r);
			return err_set(e, E_CONFLICT, "already_present", "已经签到，无需重复签到");
		}
		db_ps(&p, "present");
		db_ps(&p, via);
		db_pi(&p, util_now());
		db_pi(&p, m->id);
		db_pi(&p, deputy);
		rc = db_exec(c, "UPDATE meeting_members SET status = ?, via = ?, signed_in_at = ?, signed_out_at = NULL,"
				" leave_reason = '' WHERE meeting_id = ? AND deputy_id = ?", &p, NULL, e);
	} else if (!strcmp(action, "sign_out")) {
		if (strcmp(status, "present")) {
			db_res_free(r);
			return err_set(e, E_CONFLICT, "not_present", "尚未签到，不能签退");
		}
		db_pi(&p, util_now());
		db_pi(&p, m->id);
		db_pi(&p, deputy);
		rc = db_exec(c, "UPDATE meeting_members SET status = 'left', signed_out_at = ? WHERE meeting_id = ? AND deputy_id = ?",
			     &p, NULL, e);
	} else if (!strcmp(action, "leave")) {
		if (!reason || !*reason) {
			db_res_free(r);
			return err_field(e, E_INVALID, "missing_field", "reason", "请假须说明理由");
		}
		if (!strcmp(status, "present")) {
			db_res_free(r);
			return err_set(e, E_CONFLICT, "already_present", "已签到的代表请先签退");
		}
		db_ps(&p, reason);
		db_pi(&p, m->id);
		db_pi(&p, deputy);
		rc = db_exec(c, "UPDATE meeting_members SET status = 'leave', leave_reason = ? WHERE meeting_id = ? AND deputy_id = ?",
			     &p, NULL, e);
	} else if (!strcmp(action, "cancel_leave")) {
		if (strcmp(status, "leave")) {
			db_res_free(r);
			return err_set(e, E_CONFLICT, "bad_state", "该代表没有请假");
		}
		db_pi(&p, m->id);
		db_pi(&p, deputy);
		rc = db_exec(c, "UPDATE meeting_members SET status = 'absent', leave_reason = '' WHERE meeting_id = ? AND deputy_id = ?",
			     &p, NULL, e);
	} else {
		rc = err_field(e, E_INVALID, "bad_action", "action", "未知的签到操作");
	}
	db_res_free(r);
	r = NULL;
	if (rc)
		return rc;
	db_params_init(&p);
	db_pi(&p, m->id);
	db_pi(&p, deputy);
	if ((rc = db_exec(c, MEMBER_SQL " AND x.deputy_id = ?", &p, &r, e)) || (rc = att_count(c, m, &t, e))) {
		db_res_free(r);
		return rc;
	}
	*out = json_pack("{s:o,s:o}", "attendance", att_json(&t, m), "member", member_json(r, 0));
	db_res_free(r);
	return audit(c, a, "meeting.attendance", "meeting", m->id,
		     json_pack("{s:I,s:s,s:s}", "deputy_id", (json_int_t)deputy, "action", action, "via", via), e);
}

int meeting_attend(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"action", JF_STR, 1, 1, 20, "操作"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "代表"},
		{"reason", JF_STR, 0, 1, LIMIT_SHORT_CHARS, "请假理由"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct mtg m;
	int64_t deputy;
	int rc, staff;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, id, &m, e)) || (rc = may(c, a, &m, 0, e)))
		goto out;
	staff = can_run(a, &m);
	deputy = jsonx_int(in, "deputy_id", 0);
	if (!staff) {
		if (!a->deputy_id || (deputy && deputy != a->deputy_id)) {
			rc = err_set(e, E_FORBIDDEN, "forbidden", "只能为本人签到或请假");
			goto out;
		}
		deputy = a->deputy_id;
	} else if (!deputy) {
		rc = err_field(e, E_INVALID, "missing_field", "deputy_id", "请指定代表（deputy_id）");
		goto out;
	}
	if ((rc = attend(c, a, &m, deputy, jsonx_str(in, "action"), jsonx_str(in, "reason"), staff ? "staff" : "self", out, e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	live_publish(id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_signin(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"token", JF_STR, 1, 1, 64, "签到码"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct mtg m;
	int64_t id;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号扫码签到");
	c = db_acquire(db);
	db_params_init(&p);
	db_ps(&p, jsonx_str(in, "token"));
	if ((rc = db_begin(c, e)) || (rc = q_int(c, "SELECT id FROM meetings WHERE signin_token = ?", &p, &id, e)))
		goto out;
	if (!id) {
		rc = err_set(e, E_NOTFOUND, "not_found", "签到码无效");
		goto out;
	}
	if ((rc = load(c, id, &m, e)) || (rc = attend(c, a, &m, a->deputy_id, "sign_in", NULL, "qr", out, e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	json_object_set_new(*out, "meeting_id", json_integer(id));
	live_publish(id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* ---- votes on agenda items ---- */

#define V_COLS                                                                                  \
	"id, meeting_id, item_id, title, mode, recorded, basis, threshold, state, n_for, n_against," \
	" n_abstain, members, present, passed, rule, opened_at, closed_at"
enum { V_ID, V_MEETING, V_ITEM, V_TITLE, V_MODE, V_RECORDED, V_BASIS, V_THRESHOLD, V_STATE, V_FOR,
       V_AGAINST, V_ABSTAIN, V_MEMBERS, V_PRESENT, V_PASSED, V_RULE, V_OPENED, V_CLOSED };

static struct tally_rule rule_of(const char *threshold)
{
	return !strcmp(threshold, "two_thirds") ? TALLY_TWO_THIRDS : TALLY_HALF;
}

static const char *basis_name(const char *b)
{
	return !strcmp(b, "present") ? "出席人员" : !strcmp(b, "cast") ? "投票人员" : "全体组成人员";
}

static int load_vote(struct db_conn *c, int64_t id, int lock, struct db_res **r, struct mtg *m, struct err *e)
{
	struct db_params p;
	char sql[400];
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	/* a voter holds the vote row shared, so that a close (which updates it) waits for votes in
	 * flight and no vote lands after the count (PostgreSQL; SQLite writers are serial) */
	snprintf(sql, sizeof(sql), "SELECT " V_COLS " FROM votes WHERE id = ?%s",
		 lock && db_conn_kind(c) == DB_PG ? " FOR SHARE" : "");
	if ((rc = db_exec(c, sql, &p, r, e)))
		return rc;
	if (!(*r)->nrows) {
		db_res_free(*r);
		*r = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "表决不存在");
	}
	if ((rc = load(c, db_int(*r, 0, V_MEETING), m, e))) {
		db_res_free(*r);
		*r = NULL;
	}
	return rc;
}

static int vote_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL, *b = NULL;
	struct mtg m;
	int64_t cast = 0, voted = 0, base, members, present, f, ag, ab;
	const char *state;
	int rc, closed;
	json_t *o;

	if ((rc = load_vote(c, id, 0, &r, &m, e)))
		return rc;
	state = db_val(r, 0, V_STATE);
	closed = !strcmp(state, "closed");
	f = db_int(r, 0, V_FOR);
	ag = db_int(r, 0, V_AGAINST);
	ab = db_int(r, 0, V_ABSTAIN);
	db_params_init(&p);
	db_pi(&p, id);
	if (!strcmp(db_val(r, 0, V_MODE), "device")) {
		if ((rc = q_int(c, "SELECT COUNT(*) FROM vote_casts WHERE vote_id = ?", &p, &cast, e)))
			goto out;
	} else {
		cast = f + ag + ab;
	}
	if (a && a->deputy_id) {
		db_pi(&p, a->deputy_id);
		if ((rc = q_int(c, "SELECT COUNT(*) FROM vote_casts WHERE vote_id = ? AND deputy_id = ?", &p, &voted, e)))
			goto out;
	}
	members = db_int(r, 0, V_MEMBERS);
	present = db_int(r, 0, V_PRESENT);
	if (!closed) {
		struct att t;
		if ((rc = att_count(c, &m, &t, e)))
			goto out;
		members = t.members;
		present = t.present;
	}
	base = !strcmp(db_val(r, 0, V_BASIS), "present") ? present : !strcmp(db_val(r, 0, V_BASIS), "cast") ? cast : members;
	o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "meeting_id", json_integer(m.id));
	json_object_set_new(o, "item_id", jint(r, 0, V_ITEM));
	json_object_set_new(o, "title", json_string(db_val(r, 0, V_TITLE)));
	json_object_set_new(o, "mode", json_string(db_val(r, 0, V_MODE)));
	json_object_set_new(o, "recorded", json_boolean(db_int(r, 0, V_RECORDED)));
	json_object_set_new(o, "basis", json_string(db_val(r, 0, V_BASIS)));
	json_object_set_new(o, "threshold", json_string(db_val(r, 0, V_THRESHOLD)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(closed ? "已结束" : state_name(state)));
	/* while open only the number of votes cast shows: a running tally sways the late voters */
	json_object_set_new(o, "for", closed ? json_integer(f) : json_null());
	json_object_set_new(o, "against", closed ? json_integer(ag) : json_null());
	json_object_set_new(o, "abstain", closed ? json_integer(ab) : json_null());
	json_object_set_new(o, "cast", json_integer(cast));
	json_object_set_new(o, "not_voting", json_integer(present > cast ? present - cast : 0));
	json_object_set_new(o, "members", json_integer(members));
	json_object_set_new(o, "present", json_integer(present));
	json_object_set_new(o, "base", json_integer(base));
	json_object_set_new(o, "needed", json_integer(tally_needed(base, rule_of(db_val(r, 0, V_THRESHOLD)))));
	json_object_set_new(o, "passed", db_val(r, 0, V_PASSED) ? json_boolean(db_int(r, 0, V_PASSED)) : json_null());
	json_object_set_new(o, "rule", json_string(db_val(r, 0, V_RULE)));
	json_object_set_new(o, "opened_at", jint(r, 0, V_OPENED));
	json_object_set_new(o, "closed_at", jint(r, 0, V_CLOSED));
	json_object_set_new(o, "voted", json_boolean(voted > 0));
	if (closed && db_int(r, 0, V_RECORDED)) {
		json_t *list = json_array();
		db_params_init(&p);
		db_pi(&p, id);
		if ((rc = db_exec(c, "SELECT v.deputy_id, d.name, v.choice FROM vote_casts v JOIN deputies d ON d.id = v.deputy_id"
				     " WHERE v.vote_id = ? ORDER BY d.name, d.id", &p, &b, e))) {
			json_decref(list);
			json_decref(o);
			goto out;
		}
		for (int i = 0; i < b->nrows; i++)
			json_array_append_new(list, json_pack("{s:I,s:s,s:o}", "deputy_id", (json_int_t)db_int(b, i, 0),
							      "name", db_val(b, i, 1), "choice", jstr(db_val(b, i, 2))));
		json_object_set_new(o, "ballots", list);
	}
	*out = o;
out:
	db_res_free(r);
	db_res_free(b);
	return rc;
}

static int reply_vote(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	json_t *v;
	int rc = vote_json(c, a, id, &v, e);
	if (!rc)
		*out = json_pack("{s:o}", "vote", v);
	return rc;
}

static int one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (!strcmp(v, *allowed))
			return 1;
	return 0;
}

int vote_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"title", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "表决事项"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{"mode", JF_STR, 0, 1, 10, "表决方式"},
		{"recorded", JF_BOOL, 0, 0, 0, "记名"},
		{"basis", JF_STR, 0, 1, 10, "计算基数"},
		{"threshold", JF_STR, 0, 1, 12, "通过比例"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const char *const modes[] = {"device", "tally", NULL}, *const bases[] = {"all", "present", "cast", NULL},
			  *const thresholds[] = {"half", "two_thirds", NULL};
	const char *mode = jsonx_str(in, "mode") ? jsonx_str(in, "mode") : "device";
	const char *basis = jsonx_str(in, "basis") ? jsonx_str(in, "basis") : "all";
	const char *threshold = jsonx_str(in, "threshold") ? jsonx_str(in, "threshold") : "half";
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!one_of(mode, modes))
		return err_field(e, E_INVALID, "bad_value", "mode", "表决方式应为 device（电子表决器）或 tally（举手/纸质计数）");
	if (!one_of(basis, bases))
		return err_field(e, E_INVALID, "bad_value", "basis", "计算基数应为 all、present 或 cast");
	if (!one_of(threshold, thresholds))
		return err_field(e, E_INVALID, "bad_value", "threshold", "通过比例应为 half 或 two_thirds");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, meeting_id, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议已结束，不能再增加表决");
		goto out;
	}
	if (json_object_get(in, "item_id")) {
		int64_t ok;
		db_params_init(&p);
		db_pi(&p, jsonx_int(in, "item_id", 0));
		db_pi(&p, meeting_id);
		if ((rc = q_int(c, "SELECT COUNT(*) FROM meeting_items WHERE id = ? AND meeting_id = ?", &p, &ok, e)))
			goto out;
		if (!ok) {
			rc = err_field(e, E_INVALID, "bad_item", "item_id", "议程不属于本次会议");
			goto out;
		}
	}
	db_params_init(&p);
	db_pi(&p, meeting_id);
	if (json_object_get(in, "item_id"))
		db_pi(&p, jsonx_int(in, "item_id", 0));
	else
		db_ps(&p, NULL);
	db_ps(&p, jsonx_str(in, "title"));
	db_ps(&p, mode);
	db_pi(&p, json_is_true(json_object_get(in, "recorded")));
	db_ps(&p, basis);
	db_ps(&p, threshold);
	db_pi(&p, util_now());
	if ((rc = db_exec(c, "INSERT INTO votes (meeting_id, item_id, title, mode, recorded, basis, threshold, state, created_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?) RETURNING id", &p, &r, e)) ||
	    (rc = reply_vote(c, a, db_int(r, 0, 0), out, e)) ||
	    (rc = audit(c, a, "vote.create", "vote", db_int(r, 0, 0), json_deep_copy(in), e)) || (rc = db_commit(c, e)))
		goto out;
	live_publish(meeting_id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int vote_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	struct mtg m;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load_vote(c, id, 0, &r, &m, e)) && !(rc = may(c, a, &m, 0, e)))
		rc = reply_vote(c, a, id, out, e);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* The result of a vote at its close: the counts, the base the rule counts against, whether it
 * passed and the sentence that says why. */
static int vote_close(struct db_conn *c, const struct mtg *m, const struct db_res *v, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	struct att t;
	int64_t f = db_int(v, 0, V_FOR), ag = db_int(v, 0, V_AGAINST), ab = db_int(v, 0, V_ABSTAIN), base, need;
	const char *basis = db_val(v, 0, V_BASIS), *threshold = db_val(v, 0, V_THRESHOLD);
	struct tally_rule rule = rule_of(threshold);
	char text[400];
	int rc, passed;

	if ((rc = att_count(c, m, &t, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, db_int(v, 0, V_ID));
	if (!strcmp(db_val(v, 0, V_MODE), "device")) {
		if ((rc = db_exec(c, "SELECT choice, SUM(n) FROM vote_counts WHERE vote_id = ? GROUP BY choice", &p, &r, e)))
			return rc;
		f = ag = ab = 0;
		for (int i = 0; i < r->nrows; i++) {
			const char *ch = db_val(r, i, 0);
			int64_t n = db_int(r, i, 1);
			if (!strcmp(ch, "for"))
				f = n;
			else if (!strcmp(ch, "against"))
				ag = n;
			else
				ab = n;
		}
		db_res_free(r);
	}
	base = !strcmp(basis, "present") ? t.present : !strcmp(basis, "cast") ? f + ag + ab : t.members;
	passed = tally_passes(f, base, rule);
	need = tally_needed(base, rule);
	snprintf(text, sizeof(text), "赞成 %lld 票，%s%s %lld 人的%s（至少 %lld 票），%s", (long long)f,
		 passed ? (rule.strict ? "超过" : "达到") : (rule.strict ? "未超过" : "未达到"), basis_name(basis),
		 (long long)base, rule.strict ? "半数" : "三分之二", (long long)need, passed ? "通过" : "未通过");
	db_params_init(&p);
	db_pi(&p, f);
	db_pi(&p, ag);
	db_pi(&p, ab);
	db_pi(&p, t.members);
	db_pi(&p, t.present);
	db_pi(&p, passed);
	db_ps(&p, text);
	db_pi(&p, util_now());
	db_pi(&p, db_int(v, 0, V_ID));
	return db_exec(c, "UPDATE votes SET state = 'closed', n_for = ?, n_against = ?, n_abstain = ?, members = ?,"
			  " present = ?, passed = ?, rule = ?, closed_at = ? WHERE id = ?", &p, NULL, e);
}

int vote_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	struct att t;
	const char *action, *next;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	action = jsonx_str(in, "action");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load_vote(c, id, 0, &r, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (!(next = vote_next_state(db_val(r, 0, V_STATE), action))) {
		rc = err_set(e, E_CONFLICT, "bad_state", "表决当前为“%s”，不能执行该操作", state_name(db_val(r, 0, V_STATE)));
		goto out;
	}
	if (!strcmp(action, "open")) {
		int64_t open;
		if (strcmp(m.state, "in_session")) {
			rc = err_set(e, E_CONFLICT, "bad_state", "会议尚未宣布开会，不能开始表决");
			goto out;
		}
		if ((rc = need_quorum(c, &m, &t, e)))
			goto out;
		db_params_init(&p);
		db_pi(&p, m.id);
		if ((rc = q_int(c, "SELECT COUNT(*) FROM votes WHERE meeting_id = ? AND state = 'open'", &p, &open, e)))
			goto out;
		if (open) {
			rc = err_set(e, E_CONFLICT, "vote_open", "已有一项表决正在进行");
			goto out;
		}
		/* the counters' rows exist before the first vote, so a vote only updates */
		for (int s = 0; s < VOTE_SHARDS; s++)
			for (int k = 0; k < 3; k++) {
				static const char *const ch[] = {"for", "against", "abstain"};
				db_params_init(&p);
				db_pi(&p, id);
				db_pi(&p, s);
				db_ps(&p, ch[k]);
				if ((rc = db_exec(c, "INSERT INTO vote_counts (vote_id, shard, choice, n) VALUES (?, ?, ?, 0)", &p, NULL, e)))
					goto out;
			}
		db_params_init(&p);
		db_pi(&p, t.members);
		db_pi(&p, t.present);
		db_pi(&p, util_now());
		db_pi(&p, id);
		if ((rc = db_exec(c, "UPDATE votes SET state = 'open', members = ?, present = ?, opened_at = ? WHERE id = ?", &p, NULL, e)))
			goto out;
	} else if ((rc = vote_close(c, &m, r, e))) {
		goto out;
	}
	if ((rc = reply_vote(c, a, id, out, e)) ||
	    (rc = audit(c, a, "vote.action", "vote", id, json_pack("{s:s}", "action", action), e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	live_publish(m.id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* One member's vote inside the caller's transaction: *meeting gets the meeting to announce. */
static int cast_one(struct db_conn *c, const struct actor *a, int64_t id, const char *choice, int64_t *meeting,
		    struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	int64_t present;
	unsigned shard;
	int rc;
	struct db_res *st = NULL;
	if ((rc = load_vote(c, id, 1, &r, &m, e)))
		goto out;
	*meeting = m.id;
	/* one look at the member's row answers both "a member?" (else the meeting is not theirs to
	 * see) and "present?" */
	db_params_init(&p);
	db_pi(&p, m.id);
	db_pi(&p, a->deputy_id);
	if ((rc = db_exec(c, "SELECT status FROM meeting_members WHERE meeting_id = ? AND deputy_id = ?", &p, &st, e)))
		goto out;
	present = st->nrows && !strcmp(db_val(st, 0, 0), "present");
	if (!st->nrows) {
		db_res_free(st);
		rc = err_set(e, E_NOTFOUND, "not_found", "会议不存在");
		goto out;
	}
	db_res_free(st);
	if (strcmp(db_val(r, 0, V_STATE), "open")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "表决%s，不能投票", !strcmp(db_val(r, 0, V_STATE), "closed") ? "已结束" : "尚未开始");
		goto out;
	}
	if (strcmp(db_val(r, 0, V_MODE), "device")) {
		rc = err_set(e, E_CONFLICT, "bad_mode", "本项以举手或纸质方式表决，由计票人录入");
		goto out;
	}
	if (!present) {
		rc = err_set(e, E_CONFLICT, "not_present", "请先签到再表决");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, id);
	db_pi(&p, a->deputy_id);
	db_ps(&p, db_int(r, 0, V_RECORDED) ? choice : NULL);
	if ((rc = db_exec(c, "INSERT INTO vote_casts (vote_id, deputy_id, choice) VALUES (?, ?, ?)", &p, NULL, e))) {
		if (!strcmp(e->code, "duplicate"))
			rc = err_set(e, E_CONFLICT, "already_voted", "您已投票，不能重复投票");
		goto out;
	}
	shard = (unsigned)(((uint64_t)util_mono_us() ^ (uint64_t)a->deputy_id * 2654435761u) % VOTE_SHARDS);
	db_params_init(&p);
	db_pi(&p, id);
	db_pi(&p, shard);
	db_ps(&p, choice);
	if ((rc = db_exec(c, "UPDATE vote_counts SET n = n + 1 WHERE vote_id = ? AND shard = ? AND choice = ?", &p, NULL, e)))
		goto out;
	rc = audit(c, a, "vote.cast", "vote", id, db_int(r, 0, V_RECORDED) ? json_pack("{s:s}", "choice", choice) : json_object(), e);
out:
	db_res_free(r);
	return rc;
}

/* One vote as a member of a group commit (db_group): votes that arrive together share one
 * transaction and one fsync, each under its own savepoint, and every voter is answered only after
 * that commit. */
struct pending_vote {
	const struct actor *a;
	int64_t id, meeting;
	const char *choice;
};

static int cast_member(struct db_conn *c, void *ctx, struct err *e)
{
	struct pending_vote *v = ctx;
	return cast_one(c, v->a, v->id, v->choice, &v->meeting, e);
}

int vote_cast(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"choice", JF_STR, 1, 1, 10, "表决意见"}, {NULL, 0, 0, 0, 0, NULL}};
	static const char *const choices[] = {"for", "against", "abstain", NULL};
	struct pending_vote me = {0};
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!one_of(jsonx_str(in, "choice"), choices))
		return err_field(e, E_INVALID, "bad_value", "choice", "表决意见应为 for（赞成）、against（反对）或 abstain（弃权）");
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号表决");
	me.a = a;
	me.id = id;
	me.choice = jsonx_str(in, "choice");
	if ((rc = db_group(db, cast_member, &me, e)))
		return rc;
	live_publish(me.meeting);
	*out = json_pack("{s:b,s:I}", "ok", 1, "vote_id", (json_int_t)id);
	return 0;
}

int vote_tally(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"for", JF_INT, 1, 0, 100000, "赞成票"},
		{"against", JF_INT, 1, 0, 100000, "反对票"},
		{"abstain", JF_INT, 1, 0, 100000, "弃权票"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	struct att t;
	int64_t f = jsonx_int(in, "for", 0), ag = jsonx_int(in, "against", 0), ab = jsonx_int(in, "abstain", 0);
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	f = jsonx_int(in, "for", 0);
	ag = jsonx_int(in, "against", 0);
	ab = jsonx_int(in, "abstain", 0);
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load_vote(c, id, 0, &r, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (strcmp(db_val(r, 0, V_STATE), "open") || strcmp(db_val(r, 0, V_MODE), "tally")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "只能在举手/纸质表决进行中录入票数");
		goto out;
	}
	if ((rc = att_count(c, &m, &t, e)))
		goto out;
	if (f + ag + ab > t.present) {
		rc = err_set(e, E_INVALID, "too_many_votes", "票数合计 %lld 超过出席人数 %lld", (long long)(f + ag + ab),
			     (long long)t.present);
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, f);
	db_pi(&p, ag);
	db_pi(&p, ab);
	db_pi(&p, id);
	if ((rc = db_exec(c, "UPDATE votes SET n_for = ?, n_against = ?, n_abstain = ? WHERE id = ?", &p, NULL, e)) ||
	    (rc = reply_vote(c, a, id, out, e)) ||
	    (rc = audit(c, a, "vote.tally", "vote", id, json_deep_copy(in), e)) || (rc = db_commit(c, e)))
		goto out;
	live_publish(m.id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* ---- elections (secret ballot) and livelihood-project votes ---- */

struct elc {
	int64_t id, meeting_id;
	char office[200], kind[12], state[8];
	int seats;
};
struct rnd {
	int64_t id, issued, returned, invalid, members;
	char kind[16], state[16];
	int no, seats, paper_entered;
};

static const char *const office_kinds[] = {"chair", "head", "vice", "other", "project", NULL};

static enum tally_office office_of(const char *k)
{
	return !strcmp(k, "chair") ? OFFICE_CHAIR : !strcmp(k, "head") ? OFFICE_HEAD : !strcmp(k, "vice") ? OFFICE_VICE
	       : !strcmp(k, "project") ? OFFICE_PROJECT : OFFICE_OTHER;
}

static int load_election(struct db_conn *c, int64_t id, struct elc *l, struct mtg *m, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = db_exec(c, "SELECT id, meeting_id, office, office_kind, seats, state FROM elections WHERE id = ?", &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "选举不存在");
	}
	l->id = id;
	l->meeting_id = db_int(r, 0, 1);
	snprintf(l->office, sizeof(l->office), "%s", db_val(r, 0, 2));
	snprintf(l->kind, sizeof(l->kind), "%s", db_val(r, 0, 3));
	l->seats = (int)db_int(r, 0, 4);
	snprintf(l->state, sizeof(l->state), "%s", db_val(r, 0, 5));
	db_res_free(r);
	return load(c, l->meeting_id, m, e);
}

static int load_round(struct db_conn *c, int64_t id, int lock, struct rnd *d, struct elc *l, struct mtg *m,
		      struct err *e)
{
	struct db_params p;
	struct db_res *r;
	char sql[300];
	int64_t eid;
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	snprintf(sql, sizeof(sql), "SELECT id, election_id, no, kind, seats, state, issued, returned, invalid, members,"
				   " paper_entered FROM election_rounds WHERE id = ?%s",
		 lock && db_conn_kind(c) == DB_PG ? " FOR UPDATE" : "");
	if ((rc = db_exec(c, sql, &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "选举轮次不存在");
	}
	d->id = id;
	eid = db_int(r, 0, 1);
	d->no = (int)db_int(r, 0, 2);
	snprintf(d->kind, sizeof(d->kind), "%s", db_val(r, 0, 3));
	d->seats = (int)db_int(r, 0, 4);
	snprintf(d->state, sizeof(d->state), "%s", db_val(r, 0, 5));
	d->issued = db_int(r, 0, 6);
	d->returned = db_int(r, 0, 7);
	d->invalid = db_int(r, 0, 8);
	d->members = db_int(r, 0, 9);
	d->paper_entered = (int)db_int(r, 0, 10);
	db_res_free(r);
	return load_election(c, eid, l, m, e);
}

static int election_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL, *k = NULL, *w = NULL;
	struct elc l;
	struct mtg m;
	json_t *o = NULL, *rounds, *elected;
	int rc;

	if ((rc = load_election(c, id, &l, &m, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = db_exec(c, "SELECT id, no, kind, seats, state, issued, returned, invalid, members, result, paper_entered,"
			     " (SELECT COUNT(*) FROM round_tellers t WHERE t.round_id = election_rounds.id)"
			     " FROM election_rounds WHERE election_id = ? ORDER BY no", &p, &r, e)))
		goto out;
	o = json_pack("{s:I,s:I,s:s,s:s,s:i,s:s}", "id", (json_int_t)id, "meeting_id", (json_int_t)l.meeting_id,
		      "office", l.office, "office_kind", l.kind, "seats", l.seats, "state", l.state);
	rounds = json_array();
	elected = json_array();
	json_object_set_new(o, "rounds", rounds);
	json_object_set_new(o, "elected", elected);
	for (int i = 0; i < r->nrows; i++) {
		int64_t rid = db_int(r, i, 0), voted = 0, members = db_int(r, i, 8);
		const char *state = db_val(r, i, 4);
		int counted = !strcmp(state, "counted") || !strcmp(state, "void");
		json_t *cands = json_array(), *wins = json_array(), *ro;
		db_params_init(&p);
		db_pi(&p, rid);
		if ((rc = db_exec(c, "SELECT id, name, deputy_id, nominated_by, nominators, n_for, n_against, n_abstain, status"
				     " FROM election_candidates WHERE round_id = ? ORDER BY id", &p, &k, e)) ||
		    (rc = db_exec(c, "SELECT name, votes FROM round_writeins WHERE round_id = ? ORDER BY votes DESC, name", &p, &w, e))) {
			json_decref(cands);
			json_decref(wins);
			goto out;
		}
		if (a && a->deputy_id) {
			db_pi(&p, a->deputy_id);
			if ((rc = q_int(c, "SELECT COUNT(*) FROM round_voters WHERE round_id = ? AND deputy_id = ?", &p, &voted, e))) {
				json_decref(cands);
				json_decref(wins);
				goto out;
			}
		}
		for (int j = 0; j < k->nrows; j++) {
			const char *st = db_val(k, j, 8);
			json_array_append_new(cands, json_pack("{s:I,s:s,s:o,s:s,s:I,s:o,s:o,s:o,s:b,s:o}", "id",
							       (json_int_t)db_int(k, j, 0), "name", db_val(k, j, 1),
							       "deputy_id", jint(k, j, 2), "nominated_by", db_val(k, j, 3),
							       "nominators", (json_int_t)db_int(k, j, 4),
							       "for", counted ? json_integer(db_int(k, j, 5)) : json_null(),
							       "against", counted ? json_integer(db_int(k, j, 6)) : json_null(),
							       "abstain", counted ? json_integer(db_int(k, j, 7)) : json_null(),
							       "elected", st && !strcmp(st, "elected"), "status", jstr(st)));
			if (st && !strcmp(st, "elected"))
				json_array_append_new(elected, json_pack("{s:I,s:s,s:I}", "candidate_id",
									 (json_int_t)db_int(k, j, 0), "name", db_val(k, j, 1),
									 "votes", (json_int_t)db_int(k, j, 5)));
		}
		for (int j = 0; counted && j < w->nrows; j++)
			json_array_append_new(wins, json_pack("{s:s,s:I}", "name", db_val(w, j, 0), "votes", (json_int_t)db_int(w, j, 1)));
		ro = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:o,s:I,s:b,s:b}", "id", (json_int_t)rid,
			       "no", (json_int_t)db_int(r, i, 1), "kind", db_val(r, i, 2), "seats", (json_int_t)db_int(r, i, 3),
			       "state", state, "state_name", state_name(state), "issued", (json_int_t)db_int(r, i, 5),
			       "returned", (json_int_t)db_int(r, i, 6), "valid", (json_int_t)(db_int(r, i, 6) - db_int(r, i, 7)),
			       "invalid", (json_int_t)db_int(r, i, 7), "members", (json_int_t)members, "needed",
			       (json_int_t)tally_needed(members, TALLY_HALF), "result", db_val(r, i, 9), "candidates", cands,
			       "write_ins", wins, "tally_entries", (json_int_t)db_int(r, i, 11), "paper_entered",
			       (int)db_int(r, i, 10), "voted", voted > 0);
		json_array_append_new(rounds, ro);
		db_res_free(k);
		db_res_free(w);
		k = w = NULL;
	}
out:
	db_res_free(r);
	db_res_free(k);
	db_res_free(w);
	if (rc) {
		json_decref(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

static int reply_election(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	json_t *o;
	int rc = election_json(c, a, id, &o, e);
	if (!rc)
		*out = json_pack("{s:o}", "election", o);
	return rc;
}

static int new_round(struct db_conn *c, int64_t election_id, const char *kind, int seats, int64_t *id, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	db_pi(&p, election_id);
	db_pi(&p, election_id);
	db_ps(&p, kind);
	db_pi(&p, seats);
	if ((rc = db_exec(c, "INSERT INTO election_rounds (election_id, no, kind, seats, state)"
			     " VALUES (?, (SELECT COALESCE(MAX(no), 0) + 1 FROM election_rounds WHERE election_id = ?), ?, ?, 'nominating')"
			     " RETURNING id", &p, &r, e)))
		return rc;
	*id = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

/* Copies the candidates of round `from` with status `status` (NULL: all) into round `to`. */
static int copy_candidates(struct db_conn *c, int64_t from, int64_t to, const char *status, const char *by, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_pi(&p, to);
	db_ps(&p, by);
	db_pi(&p, from);
	if (status)
		db_ps(&p, status);
	return db_exec(c, status ? "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
				   " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
				   " WHERE round_id = ? AND status = ?"
				 : "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
				   " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
				   " WHERE round_id = ?",
		       &p, NULL, e);
}

int election_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"office", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "职务或项目"},
		{"office_kind", JF_STR, 1, 1, 10, "职务类别"},
		{"seats", JF_INT, 1, 1, 100, "应选人数"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct mtg m;
	int64_t rid;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!one_of(jsonx_str(in, "office_kind"), office_kinds))
		return err_field(e, E_INVALID, "bad_value", "office_kind", "职务类别应为 chair、head、vice、other 或 project");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = load(c, meeting_id, &m, e)) || (rc = may(c, a, &m, 1, e)))
		goto out;
	if (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议已结束，不能再增加选举");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, meeting_id);
	if (json_object_get(in, "item_id"))
		db_pi(&p, jsonx_int(in, "item_id", 0));
	else
		db_ps(&p, NULL);
	db_ps(&p, jsonx_str(in, "office"));
	db_ps(&p, jsonx_str(in, "office_kind"));
	db_pi(&p, jsonx_int(in, "seats", 1));
	db_pi(&p, util_now());
	if ((rc = db_exec(c, "INSERT INTO elections (meeting_id, item_id, office, office_kind, seats, state, created_at)"
			     " VALUES (?, ?, ?, ?, ?, 'open', ?) RETURNING id", &p, &r, e)) ||
	    (rc = new_round(c, db_int(r, 0, 0), "regular", (int)jsonx_int(in, "seats", 1), &rid, e)) ||
	    (rc = reply_election(c, a, db_int(r, 0, 0), out, e)) ||
	    (rc = audit(c, a, "election.create", "election", db_int(r, 0, 0), json_deep_copy(in), e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	live_publish(meeting_id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int election_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct elc l;
	struct mtg m;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load_election(c, id, &l, &m, e)) && !(rc = may(c, a, &m, 0, e)))
		rc = reply_election(c, a, id, out, e);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* Opens a write transaction on a round the actor may run (run) or take part in. */
#define ROUND_BEGIN(lock, run)                                                                   \
	c = db_acquire(db);                                                                      \
	if ((rc = db_begin(c, e)) || (rc = load_round(c, round_id, lock, &d, &l, &m, e)) ||       \
	    (rc = may(c, a, &m, run, e)))                                                        \
		goto out;

#define ROUND_END(publish, cleanup)                                                              \
	if (!rc && (rc = db_commit(c, e)) == 0 && publish)                                       \
		live_publish(m.id);                                                              \
out:                                                                                             \
	cleanup;                                                                                 \
	if (rc) {                                                                                \
		json_decref(*out);                                                               \
		*out = NULL;                                                                     \
	}                                                                                        \
	db_rollback(c);                                                                          \
	db_release(db, c);                                                                       \
	return rc;

int round_candidate_add(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "候选人"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "代表"},
		{"nominated_by", JF_STR, 1, 1, 12, "提名方式"},
		{"nominator_ids", JF_ARR, 0, 0, 0, "联名代表"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const char *const bys[] = {"presidium", "deputies", NULL};
	struct db_conn *c = NULL;
	struct db_params p;
	struct rnd d;
	struct elc l;
	struct mtg m;
	json_t *ids = json_object_get(in, "nominator_ids"), *v;
	size_t i;
	int64_t nominators = 0;
	int rc, need;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!one_of(jsonx_str(in, "nominated_by"), bys))
		return err_field(e, E_INVALID, "bad_value", "nominated_by", "提名方式应为 presidium（主席团）或 deputies（代表联名）");
	ROUND_BEGIN(0, 1)
	if (strcmp(d.state, "nominating") || !strcmp(d.kind, "runoff")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮选举已不接受提名");
		goto out;
	}
	if (!strcmp(jsonx_str(in, "nominated_by"), "deputies")) {
		/* joint nominations: distinct members of this meeting, at least election.nominators_min */
		if ((rc = settings_int(c, m.path, "election.nominators_min", &need, e)))
			goto out;
		json_array_foreach(ids, i, v) {
			int yes;
			if (!json_is_integer(v)) {
				rc = err_field(e, E_INVALID, "wrong_type", "nominator_ids", "联名代表应为代表编号");
				goto out;
			}
			for (size_t j = 0; j < i; j++)
				if (json_integer_value(json_array_get(ids, j)) == json_integer_value(v)) {
					rc = err_field(e, E_INVALID, "duplicate_member", "nominator_ids", "联名代表重复");
					goto out;
				}
			if ((rc = is_member(c, &m, json_integer_value(v), &yes, e)))
				goto out;
			if (!yes) {
				rc = err_field(e, E_INVALID, "not_member", "nominator_ids", "联名人 %lld 不是本次会议的代表",
					       (long long)json_integer_value(v));
				goto out;
			}
			nominators++;
		}
		if (nominators < need) {
			rc = err_field(e, E_INVALID, "too_few_nominators", "nominator_ids",
				       "代表联名提名须有 %d 名以上代表（现有 %lld 名）", need, (long long)nominators);
			goto out;
		}
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	db_ps(&p, jsonx_str(in, "name"));
	if (json_object_get(in, "deputy_id"))
		db_pi(&p, jsonx_int(in, "deputy_id", 0));
	else
		db_ps(&p, NULL);
	db_ps(&p, jsonx_str(in, "nominated_by"));
	db_pi(&p, nominators);
	if ((rc = db_exec(c, "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
			     " VALUES (?, ?, ?, ?, ?)", &p, NULL, e))) {
		if (!strcmp(e->code, "duplicate"))
			rc = err_field(e, E_CONFLICT, "duplicate", "name", "候选人“%s”已被提名", jsonx_str(in, "name"));
		else if (!strcmp(e->code, "in_use"))
			rc = err_field(e, E_INVALID, "bad_deputy", "deputy_id", "代表不存在");
		goto out;
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.candidate", "election", l.id, json_deep_copy(in), e)))
		goto out;
	ROUND_END(1, (void)0)
}

static const char *count_rule_text(enum tally_office o)
{
	switch (o) {
	case OFFICE_CHAIR:
	case OFFICE_HEAD: return "主席、乡镇长候选人数应等于应选人数或多一人";
	case OFFICE_VICE: return "副职候选人应比应选人数多 1 至 3 人（差额选举）";
	case OFFICE_PROJECT: return "候选项目数应多于票决项目数，且不少于规定比例";
	default: return "候选人数不得少于应选人数";
	}
}

/* How many "for" marks a ballot of this round may carry. */
static int marks_allowed(const struct rnd *d, const struct elc *l, int ratio)
{
	int min, max;
	if (strcmp(d->kind, "preliminary"))
		return d->seats;
	tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
	return max;
}

static int round_open(struct db_conn *c, const struct actor *a, struct rnd *d, const struct elc *l,
		      const struct mtg *m, struct err *e)
{
	struct db_params p;
	struct att t;
	int64_t n;
	int rc, ratio, check;
	(void)a;
	if (strcmp(m->state, "in_session"))
		return err_set(e, E_CONFLICT, "bad_state", "会议尚未宣布开会，不能开始投票");
	if ((rc = need_quorum(c, m, &t, e)) || (rc = settings_int(c, m->path, "project.candidate_ratio_pct", &ratio, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, d->id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM election_candidates WHERE round_id = ?", &p, &n, e)))
		return rc;
	check = !strcmp(d->kind, "runoff") ? (n < 2 ? -1 : 0) : tally_candidates_check(office_of(l->kind), d->seats, (int)n, ratio);
	if (check < 0) {
		int min, max;
		tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
		return err_set(e, E_CONFLICT, "candidate_count", "%s：应选 %d 人，至少需要 %d 名候选人，现有 %lld 名",
			       count_rule_text(office_of(l->kind)), d->seats, min, (long long)n);
	}
	db_params_init(&p);
	db_ps(&p, check > 0 ? "preliminary" : d->kind);
	db_pi(&p, t.present);
	db_pi(&p, t.members);
	db_pi(&p, util_now());
	db_pi(&p, d->id);
	return db_exec(c, "UPDATE election_rounds SET state = 'open', kind = ?, issued = ?, members = ?, opened_at = ?"
			  " WHERE id = ?", &p, NULL, e);
}

static int set_status(struct db_conn *c, int64_t cand, const char *status, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_ps(&p, status);
	db_pi(&p, cand);
	return db_exec(c, "UPDATE election_candidates SET status = ? WHERE id = ?", &p, NULL, e);
}

static int round_result(struct db_conn *c, int64_t rid, const char *text, const char *state, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_ps(&p, state);
	db_ps(&p, text);
	db_pi(&p, util_now());
	db_pi(&p, rid);
	return db_exec(c, "UPDATE election_rounds SET state = ?, result = ?, counted_at = ? WHERE id = ?", &p, NULL, e);
}

/* Counts a round: void, preliminary, or elected / tie / unfilled with the round that follows. */
static int round_count(struct db_conn *c, struct rnd *d, const struct elc *l, const struct mtg *m, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	struct tally_candidate *tc = NULL;
	struct buf text = BUF_INIT_CAP(4096);
	int64_t next, total_elected;
	int rc, n, elected, tied, tie_seats, ratio;

	if (!tally_round_valid(d->issued, d->returned)) {
		buf_addf(&text, "收回选票 %lld 张，多于发出的 %lld 张，本轮选举无效，应重新投票", (long long)d->returned,
			 (long long)d->issued);
		if ((rc = round_result(c, d->id, text.data, "void", e)) || (rc = new_round(c, l->id, d->kind, d->seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, NULL, NULL, e)))
			goto out;
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, d->id);
	if ((rc = db_exec(c, "SELECT id, name, n_for FROM election_candidates WHERE round_id = ?", &p, &r, e)))
		goto out;
	n = r->nrows;
	tc = xcalloc((size_t)n + 1, sizeof(*tc));
	for (int i = 0; i < n; i++) {
		tc[i].id = db_int(r, i, 0);
		tc[i].votes = db_int(r, i, 2);
	}
	if (!strcmp(d->kind, "preliminary")) {
		/* the most supported advance, as many as the formal vote allows */
		int min, max;
		if ((rc = settings_int(c, m->path, "project.candidate_ratio_pct", &ratio, e)))
			goto out;
		tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
		tally_round(tc, n, n, 0, &elected, &tied); /* only sorts */
		if (max < n && tc[max - 1].votes == tc[max].votes) {
			buf_adds(&text, "预选中得票相同，无法确定正式候选人，应再次预选");
			if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
			    (rc = new_round(c, l->id, "preliminary", d->seats, &next, e)) ||
			    (rc = copy_candidates(c, d->id, next, NULL, NULL, e)))
				goto out;
			goto out;
		}
		buf_adds(&text, "预选结果，按得票多少确定正式候选人：");
		for (int i = 0; i < n; i++) {
			if ((rc = set_status(c, tc[i].id, i < max ? "advanced" : "not_elected", e)))
				goto out;
		}
		buf_addf(&text, "前 %d 名进入正式选举", max);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "regular", d->seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, "advanced", NULL, e)))
			goto out;
		goto out;
	}
	tie_seats = tally_round(tc, n, d->seats, d->members, &elected, &tied);
	buf_addf(&text, "应到 %lld 人，发出 %lld 张，收回 %lld 张，有效 %lld 张；当选需超过全体代表半数（至少 %lld 票）。",
		 (long long)d->members, (long long)d->issued, (long long)d->returned,
		 (long long)(d->returned - d->invalid), (long long)tally_needed(d->members, TALLY_HALF));
	for (int i = 0; i < n; i++) {
		const char *st = tc[i].outcome == OUT_ELECTED ? "elected" : tc[i].outcome == OUT_TIE ? "tie" : "not_elected";
		for (int j = 0; j < r->nrows; j++)
			if (db_int(r, j, 0) == tc[i].id)
				buf_addf(&text, "%s %lld 票%s；", db_val(r, j, 1), (long long)tc[i].votes,
					 tc[i].outcome == OUT_ELECTED ? "，当选" : tc[i].outcome == OUT_TIE ? "，票数相同" : "，未当选");
		if ((rc = set_status(c, tc[i].id, st, e)))
			goto out;
	}
	db_params_init(&p);
	db_pi(&p, l->id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM election_candidates k JOIN election_rounds r ON r.id = k.round_id"
			   " WHERE r.election_id = ? AND k.status = 'elected'", &p, &total_elected, e)))
		goto out;
	if (tie_seats) {
		buf_addf(&text, "得票相同者就剩余 %d 个名额再次投票", tie_seats);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "runoff", tie_seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, "tie", "runoff", e)))
			goto out;
	} else if (total_elected < l->seats && strcmp(l->kind, "project")) {
		buf_addf(&text, "尚缺 %lld 名，应另行选举%s", (long long)(l->seats - total_elected),
			 !strcmp(l->kind, "vice") ? "（仍实行差额选举）" : "");
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "further", (int)(l->seats - total_elected), &next, e)))
			goto out;
	} else {
		db_params_init(&p);
		db_pi(&p, l->id);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = db_exec(c, "UPDATE elections SET state = 'done' WHERE id = ?", &p, NULL, e)))
			goto out;
	}
out:
	free(tc);
	db_res_free(r);
	buf_release(&text);
	return rc;
}

int round_act(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct rnd d;
	struct elc l;
	struct mtg m;
	const char *action;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	action = jsonx_str(in, "action");
	ROUND_BEGIN(1, 1)
	if (!round_next_state(d.state, action) || !strcmp(action, "void")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮选举当前为“%s”，不能执行该操作", state_name(d.state));
		goto out;
	}
	if (!strcmp(action, "open"))
		rc = round_open(c, a, &d, &l, &m, e);
	else
		rc = round_count(c, &d, &l, &m, e);
	if (rc || (rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.round", "election", l.id, json_pack("{s:I,s:s}", "round_id", (json_int_t)round_id, "action", action), e)))
		goto out;
	ROUND_END(1, (void)0)
}

/* Takes a member's ballot into the round: the member is recorded as having voted, the marks go
 * into the counters, and nothing ties the two together. */
int round_ballot(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"marks", JF_OBJ, 1, 0, 0, "选票"},
		{"write_ins", JF_ARR, 0, 0, 0, "另选他人"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *k = NULL;
	struct rnd d;
	struct elc l;
	struct mtg m;
	json_t *marks = json_object_get(in, "marks"), *wi = json_object_get(in, "write_ins"), *v;
	const char *key;
	size_t i;
	int64_t present;
	int rc, fors = 0, valid, ratio;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号投票");
	json_object_foreach(marks, key, v) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "for") && strcmp(s, "against") && strcmp(s, "abstain")))
			return err_field(e, E_INVALID, "bad_value", "marks", "每名候选人只能标注 for（赞成）、against（反对）或 abstain（弃权）");
		fors += !strcmp(s, "for");
	}
	json_array_foreach(wi, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) || util_utf8_len(json_string_value(v)) > LIMIT_NAME_CHARS)
			return err_field(e, E_INVALID, "bad_value", "write_ins", "另选人姓名无效");
		fors++;
	}
	ROUND_BEGIN(1, 0)
	if (strcmp(d.state, "open")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮投票%s", !strcmp(d.state, "nominating") ? "尚未开始" : "已结束");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, m.id);
	db_pi(&p, a->deputy_id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ? AND status = 'present'",
			&p, &present, e)))
		goto out;
	if (!present) {
		rc = err_set(e, E_CONFLICT, "not_present", "请先签到再投票");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "SELECT id FROM election_candidates WHERE round_id = ?", &p, &k, e)))
		goto out;
	json_object_foreach(marks, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found) {
			rc = err_field(e, E_INVALID, "bad_candidate", "marks", "选票上没有编号为 %s 的候选人", key);
			goto out;
		}
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	db_pi(&p, a->deputy_id);
	if ((rc = db_exec(c, "INSERT INTO round_voters (round_id, deputy_id, channel) VALUES (?, ?, 'device')", &p, NULL, e))) {
		if (!strcmp(e->code, "duplicate"))
			rc = err_set(e, E_CONFLICT, "already_voted", "您已领取或投出本轮选票，不能重复投票");
		goto out;
	}
	if ((rc = settings_int(c, m.path, "project.candidate_ratio_pct", &ratio, e)))
		goto out;
	valid = tally_ballot_valid(fors, marks_allowed(&d, &l, ratio));
	db_params_init(&p);
	db_pi(&p, valid ? 0 : 1);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "UPDATE election_rounds SET returned = returned + 1, invalid = invalid + ? WHERE id = ?", &p, NULL, e)))
		goto out;
	for (int j = 0; valid && j < k->nrows; j++) {
		const char *s = json_string_value(json_object_get(marks, db_val(k, j, 0)));
		const char *col = !s || !strcmp(s, "abstain") ? "n_abstain" : !strcmp(s, "for") ? "n_for" : "n_against";
		char sql[96];
		snprintf(sql, sizeof(sql), "UPDATE election_candidates SET %s = %s + 1 WHERE id = ?", col, col);
		db_params_init(&p);
		db_pi(&p, db_int(k, j, 0));
		if ((rc = db_exec(c, sql, &p, NULL, e)))
			goto out;
	}
	json_array_foreach(wi, i, v) {
		if (!valid)
			break;
		db_params_init(&p);
		db_pi(&p, round_id);
		db_ps(&p, json_string_value(v));
		if ((rc = db_exec(c, "INSERT INTO round_writeins (round_id, name, votes) VALUES (?, ?, 1)"
				     " ON CONFLICT (round_id, name) DO UPDATE SET votes = round_writeins.votes + 1", &p, NULL, e)))
			goto out;
	}
	/* the audit says that the member voted in this round, never how */
	if ((rc = audit(c, a, "election.ballot", "election", l.id, json_pack("{s:I}", "round_id", (json_int_t)round_id), e)))
		goto out;
	*out = json_pack("{s:b,s:b}", "ok", 1, "valid", valid);
	ROUND_END(1, db_res_free(k))
}

int round_paper_issued(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"deputy_ids", JF_ARR, 1, 0, 0, "领取纸质选票的代表"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct rnd d;
	struct elc l;
	struct mtg m;
	json_t *ids = json_object_get(in, "deputy_ids"), *v;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	ROUND_BEGIN(1, 1)
	if (strcmp(d.state, "open")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮投票未在进行中");
		goto out;
	}
	json_array_foreach(ids, i, v) {
		int64_t present;
		if (!json_is_integer(v)) {
			rc = err_field(e, E_INVALID, "wrong_type", "deputy_ids", "应为代表编号");
			goto out;
		}
		db_params_init(&p);
		db_pi(&p, m.id);
		db_pi(&p, json_integer_value(v));
		if ((rc = q_int(c, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ? AND status = 'present'",
				&p, &present, e)))
			goto out;
		if (!present) {
			rc = err_field(e, E_CONFLICT, "not_present", "deputy_ids", "代表 %lld 不是本次会议已签到的代表",
				       (long long)json_integer_value(v));
			goto out;
		}
		db_params_init(&p);
		db_pi(&p, round_id);
		db_pi(&p, json_integer_value(v));
		if ((rc = db_exec(c, "INSERT INTO round_voters (round_id, deputy_id, channel) VALUES (?, ?, 'paper')", &p, NULL, e))) {
			if (!strcmp(e->code, "duplicate"))
				rc = err_field(e, E_CONFLICT, "already_voted", "deputy_ids", "代表 %lld 已领取或投出本轮选票",
					       (long long)json_integer_value(v));
			goto out;
		}
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.paper_issued", "election", l.id, json_deep_copy(in), e)))
		goto out;
	ROUND_END(0, (void)0)
}

/* A teller's entry in one canonical text, so that two entries compare as strings. */
static int paper_entry(struct db_conn *c, int64_t round_id, json_t *in, char **text, struct err *e)
{
	struct db_params p;
	struct db_res *k = NULL;
	json_t *cands = json_object_get(in, "candidates"), *wi = json_object_get(in, "write_ins"), *v, *norm = NULL, *nc;
	int64_t returned = jsonx_int(in, "returned", 0), invalid = jsonx_int(in, "invalid", 0);
	const char *key;
	int rc;
	if (invalid > returned)
		return err_field(e, E_INVALID, "bad_count", "invalid", "无效票不能多于收回的选票");
	db_params_init(&p);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "SELECT id, name FROM election_candidates WHERE round_id = ? ORDER BY id", &p, &k, e)))
		return rc;
	json_object_foreach(cands, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found) {
			rc = err_field(e, E_INVALID, "bad_candidate", "candidates", "没有编号为 %s 的候选人", key);
			goto out;
		}
	}
	nc = json_object();
	norm = json_pack("{s:I,s:I,s:o,s:o}", "returned", (json_int_t)returned, "invalid", (json_int_t)invalid,
			 "candidates", nc, "write_ins", wi ? json_incref(wi) : json_object());
	for (int j = 0; j < k->nrows; j++) {
		json_t *one = json_object_get(cands, db_val(k, j, 0)), *o = json_object();
		static const char *const f[] = {"for", "against", "abstain"};
		int64_t sum = 0;
		for (int x = 0; x < 3; x++) {
			json_t *n = json_object_get(one, f[x]);
			if (n && (!json_is_integer(n) || json_integer_value(n) < 0)) {
				rc = err_field(e, E_INVALID, "bad_count", "candidates", "票数应为非负整数");
				goto out;
			}
			sum += n ? json_integer_value(n) : 0;
			json_object_set_new(o, f[x], json_integer(n ? json_integer_value(n) : 0));
		}
		if (sum > returned - invalid) {
			rc = err_field(e, E_INVALID, "bad_count", "candidates", "候选人“%s”的票数合计 %lld 多于有效票 %lld",
				       db_val(k, j, 1), (long long)sum, (long long)(returned - invalid));
			goto out;
		}
		json_object_set_new(nc, db_val(k, j, 0), o);
	}
	json_object_foreach(wi, key, v)
		if (!json_is_integer(v) || json_integer_value(v) < 0 || util_utf8_len(key) > LIMIT_NAME_CHARS) {
			rc = err_field(e, E_INVALID, "bad_count", "write_ins", "另选人票数应为非负整数");
			goto out;
		}
	*text = json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(norm);
	db_res_free(k);
	return rc;
}

/* Names the first difference between two tellers' entries. */
static void paper_diff(struct db_conn *c, const char *a_text, const char *b_text, char *out, size_t n)
{
	json_t *x = json_loads(a_text, 0, NULL), *y = json_loads(b_text, 0, NULL), *v;
	const char *key;
	(void)c;
	snprintf(out, n, "请核对");
	if (!x || !y)
		goto done;
	if (!json_equal(json_object_get(x, "returned"), json_object_get(y, "returned"))) {
		snprintf(out, n, "收回选票 %lld ≠ %lld", (long long)json_integer_value(json_object_get(x, "returned")),
			 (long long)json_integer_value(json_object_get(y, "returned")));
		goto done;
	}
	if (!json_equal(json_object_get(x, "invalid"), json_object_get(y, "invalid"))) {
		snprintf(out, n, "无效票 %lld ≠ %lld", (long long)json_integer_value(json_object_get(x, "invalid")),
			 (long long)json_integer_value(json_object_get(y, "invalid")));
		goto done;
	}
	json_object_foreach(json_object_get(x, "candidates"), key, v) {
		json_t *w = json_object_get(json_object_get(y, "candidates"), key);
		static const char *const f[][2] = {{"for", "赞成"}, {"against", "反对"}, {"abstain", "弃权"}};
		for (int i = 0; i < 3; i++)
			if (!json_equal(json_object_get(v, f[i][0]), json_object_get(w, f[i][0]))) {
				snprintf(out, n, "候选人 %s 的%s票 %lld ≠ %lld", key, f[i][1],
					 (long long)json_integer_value(json_object_get(v, f[i][0])),
					 (long long)json_integer_value(json_object_get(w, f[i][0])));
				goto done;
			}
	}
	snprintf(out, n, "另选他人票数不同");
done:
	json_decref(x);
	json_decref(y);
}

int round_paper(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"returned", JF_INT, 1, 0, 100000, "收回选票"},
		{"invalid", JF_INT, 1, 0, 100000, "无效票"},
		{"candidates", JF_OBJ, 1, 0, 0, "候选人得票"},
		{"write_ins", JF_OBJ, 0, 0, 0, "另选他人得票"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *t = NULL;
	struct rnd d;
	struct elc l;
	struct mtg m;
	char *mine = NULL;
	int rc, agreed = 0;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	ROUND_BEGIN(1, 1)
	if (strcmp(d.state, "open") || d.paper_entered) {
		rc = err_set(e, E_CONFLICT, "bad_state", d.paper_entered ? "纸质选票已经计入，不能重复录入" : "本轮投票未在进行中");
		goto out;
	}
	if ((rc = paper_entry(c, round_id, in, &mine, e)))
		goto out;
	db_params_init(&p);
	db_pi(&p, round_id);
	db_pi(&p, a->account_id);
	if ((rc = db_exec(c, "SELECT account_id, counts FROM round_tellers WHERE round_id = ? AND account_id <> ?", &p, &t, e)))
		goto out;
	if (!t->nrows) {
		/* the first teller's entry waits for the second (the same teller may correct it) */
		db_params_init(&p);
		db_pi(&p, round_id);
		db_pi(&p, a->account_id);
		if ((rc = db_exec(c, "DELETE FROM round_tellers WHERE round_id = ? AND account_id = ?", &p, NULL, e)))
			goto out;
		db_ps(&p, mine);
		if ((rc = db_exec(c, "INSERT INTO round_tellers (round_id, account_id, counts) VALUES (?, ?, ?)", &p, NULL, e)))
			goto out;
	} else if (strcmp(db_val(t, 0, 1), mine)) {
		char diff[200];
		paper_diff(c, db_val(t, 0, 1), mine, diff, sizeof(diff));
		rc = err_set(e, E_CONFLICT, "tellers_disagree", "两名计票人录入的票数不一致（%s），本次录入未计入，请核对后重新录入", diff);
		goto out;
	} else {
		/* agreed: the paper counts join the device counts, once */
		json_t *x = json_loads(mine, 0, NULL), *v;
		const char *key;
		agreed = 1;
		db_params_init(&p);
		db_pi(&p, jsonx_int(in, "returned", 0));
		db_pi(&p, jsonx_int(in, "invalid", 0));
		db_pi(&p, round_id);
		rc = db_exec(c, "UPDATE election_rounds SET returned = returned + ?, invalid = invalid + ?, paper_entered = 1"
				" WHERE id = ?", &p, NULL, e);
		json_object_foreach(json_object_get(x, "candidates"), key, v) {
			if (rc)
				break;
			db_params_init(&p);
			db_pi(&p, json_integer_value(json_object_get(v, "for")));
			db_pi(&p, json_integer_value(json_object_get(v, "against")));
			db_pi(&p, json_integer_value(json_object_get(v, "abstain")));
			db_ps(&p, key);
			rc = db_exec(c, "UPDATE election_candidates SET n_for = n_for + ?, n_against = n_against + ?,"
					" n_abstain = n_abstain + ? WHERE id = ?", &p, NULL, e);
		}
		json_object_foreach(json_object_get(x, "write_ins"), key, v) {
			if (rc)
				break;
			db_params_init(&p);
			db_pi(&p, round_id);
			db_ps(&p, key);
			db_pi(&p, json_integer_value(v));
			db_pi(&p, json_integer_value(v));
			rc = db_exec(c, "INSERT INTO round_writeins (round_id, name, votes) VALUES (?, ?, ?)"
					" ON CONFLICT (round_id, name) DO UPDATE SET votes = round_writeins.votes + ?", &p, NULL, e);
		}
		json_decref(x);
		if (rc)
			goto out;
		db_params_init(&p);
		db_pi(&p, round_id);
		if ((rc = db_exec(c, "DELETE FROM round_tellers WHERE round_id = ?", &p, NULL, e)))
			goto out;
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.paper", "election", l.id, json_pack("{s:I,s:b}", "round_id", (json_int_t)round_id, "agreed", agreed), e)))
		goto out;
	json_object_set_new(*out, "agreed", json_boolean(agreed));
	ROUND_END(agreed, (free(mine), db_res_free(t)))
}

/* ---- records ---- */

int meeting_record(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct mtg m;
	json_t *mj = NULL, *members = NULL;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load(c, id, &m, e)) && !(rc = may(c, a, &m, 0, e)) &&
	    !(rc = meeting_json(c, a, &m, 1, &mj, e)) && !(rc = members_json(c, &m, &members, e))) {
		*out = json_pack("{s:O,s:o,s:O,s:O}", "meeting", mj, "attendance", members, "votes",
				 json_object_get(mj, "votes"), "elections", json_object_get(mj, "elections"));
	}
	json_decref(mj);
	db_rollback(c);
	db_release(db, c);
	return rc;
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

int meeting_export(struct db *db, const struct actor *a, int64_t id, char **data, size_t *len, struct err *e)
{
	static const char *const status_names[][2] = {{"present", "出席"}, {"leave", "请假"}, {"absent", "缺席"}, {"left", "中途离会"}};
	json_t *rec, *v, *k;
	struct sheet s;
	size_t i, j;
	char b1[24], b2[24], b3[24], b4[24];
	int rc = meeting_record(db, a, id, &rec, e);
	if (rc)
		return rc;
	sheet_init(&s);
	row(&s, json_string_value(json_object_get(json_object_get(rec, "meeting"), "title")), "", "", "", "");
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
		    json_is_true(json_object_get(v, "passed")) ? "通过" : json_is_false(json_object_get(v, "passed")) ? "未通过" : "未表决",
		    json_string_value(json_object_get(v, "rule")));
	}
	row(&s, "选举结果", "职务/项目·轮次", "候选人", "赞成票", "结果");
	json_array_foreach(json_object_get(rec, "elections"), i, v) {
		json_array_foreach(json_object_get(v, "rounds"), j, k) {
			json_t *cand;
			size_t x;
			char what[300];
			snprintf(what, sizeof(what), "%s 第%s轮", json_string_value(json_object_get(v, "office")),
				 num(json_object_get(k, "no"), b4));
			json_array_foreach(json_object_get(k, "candidates"), x, cand) {
				const char *st = json_string_value(json_object_get(cand, "status"));
				row(&s, "", what, json_string_value(json_object_get(cand, "name")),
				    num(json_object_get(cand, "for"), b1),
				    !st ? "" : !strcmp(st, "elected") ? "当选" : !strcmp(st, "tie") ? "票数相同" :
				    !strcmp(st, "advanced") ? "进入正式选举" : "未当选");
			}
			row(&s, "", what, "计票说明", "", json_string_value(json_object_get(k, "result")));
		}
	}
	rc = sheet_write(&s, SHEET_XLSX, "会议记录", data, len, e);
	sheet_release(&s);
	json_decref(rec);
	return rc;
}

/* ---- the live screen ---- */

int meeting_watch(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct mtg m;
	int rc;
	if (!(rc = db_begin_read(c, e)) && !(rc = load(c, id, &m, e)))
		rc = may(c, a, &m, 0, e);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int meeting_by_screen(struct db *db, const char *token, int64_t *id, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	int rc;
	db_params_init(&p);
	db_ps(&p, token);
	rc = q_int(c, "SELECT id FROM meetings WHERE screen_token = ?", &p, id, e);
	db_release(db, c);
	if (!rc && !*id)
		rc = err_set(e, E_NOTFOUND, "not_found", "大屏链接无效");
	return rc;
}

json_t *meeting_live(struct db *db, int64_t id)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	struct err e = {0};
	struct mtg m;
	struct att t;
	json_t *o = NULL, *vote = json_null(), *round = json_null();
	int64_t vid, rid;

	if (db_begin_read(c, &e) || load(c, id, &m, &e) || att_count(c, &m, &t, &e))
		goto out;
	db_params_init(&p);
	db_pi(&p, id);
	if (q_int(c, "SELECT id FROM votes WHERE meeting_id = ? AND state <> 'draft'"
		     " ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, closed_at DESC, id DESC LIMIT 1", &p, &vid, &e))
		goto out;
	if (vid && vote_json(c, NULL, vid, &vote, &e))
		goto out;
	if (q_int(c, "SELECT r.id FROM election_rounds r JOIN elections l ON l.id = r.election_id WHERE l.meeting_id = ?"
		     " AND r.state <> 'nominating' ORDER BY CASE WHEN r.state = 'open' THEN 0 ELSE 1 END, r.opened_at DESC, r.id DESC LIMIT 1",
		  &p, &rid, &e))
		goto out;
	if (rid) {
		db_params_init(&p);
		db_pi(&p, rid);
		if (db_exec(c, "SELECT r.id, l.office, r.no, r.state, r.issued, r.returned, r.result FROM election_rounds r"
			       " JOIN elections l ON l.id = r.election_id WHERE r.id = ?", &p, &r, &e))
			goto out;
		round = json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:s}", "id", (json_int_t)rid, "office", db_val(r, 0, 1), "no",
				  (json_int_t)db_int(r, 0, 2), "state", db_val(r, 0, 3), "state_name", state_name(db_val(r, 0, 3)),
				  "issued", (json_int_t)db_int(r, 0, 4), "returned", (json_int_t)db_int(r, 0, 5), "result",
				  db_val(r, 0, 6));
	}
	{
		struct db_res *x = NULL;
		db_params_init(&p);
		db_pi(&p, id);
		if (db_exec(c, "SELECT title FROM meetings WHERE id = ?", &p, &x, &e))
			goto out;
		o = json_pack("{s:{s:I,s:s,s:s,s:s},s:o,s:O,s:O}", "meeting", "id", (json_int_t)id, "title", db_val(x, 0, 0),
			      "state", m.state, "state_name", state_name(m.state), "attendance", att_json(&t, &m), "vote", vote,
			      "round", round);
		db_res_free(x);
	}
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

/* The states of one transition table, in the order they are first left, then first reached. */
#define TABLE_STATES(obj, table)                                                                  \
	do {                                                                                      \
		for (size_t i = 0; i < ARRAY_LEN(table); i++)                                      \
			if (!json_object_get(obj, table[i].state))                                 \
				json_object_set_new(obj, table[i].state, json_string(state_name(table[i].state))); \
		for (size_t i = 0; i < ARRAY_LEN(table); i++)                                      \
			if (!json_object_get(obj, table[i].next))                                  \
				json_object_set_new(obj, table[i].next, json_string(state_name(table[i].next))); \
	} while (0)

json_t *meeting_labels(void)
{
	json_t *meeting = json_object(), *vote = json_object(), *round = json_object();
	TABLE_STATES(meeting, meeting_tr);
	TABLE_STATES(vote, vote_tr);
	TABLE_STATES(round, round_tr);
	/* A vote that is over is 已结束, as the vote's own JSON names it (a meeting's closed is 已闭会). */
	json_object_set_new(vote, "closed", json_string("已结束"));
	return json_pack("{s:{s:o}, s:{s:o}, s:{s:o}}", "meeting", "states", meeting, "vote", "states", vote, "round",
			 "states", round);
}
