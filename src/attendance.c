#include "attendance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "step.h"
#include "tally.h"

static const struct meeting_kind kinds[] = {
	{"session", "乡镇人民代表大会会议", 1},
	{"presidium", "主席团会议", 0},
	{"deliberation", "开发区议政代表会", 1},
	{"voter_rep", "街道选民代表议政会", 0},
	{"other", "其他会议", 0},
};

static const char *const state_names[][2] = {
	{"planned", "筹备中"},
	{"signin_open", "签到中"},
	{"in_session", "会议进行中"},
	{"closed", "已闭会"},
	{"cancelled", "已取消"}};

const struct meeting_kind *meeting_kind_of(const char *kind)
{
	for (size_t i = 0; kind && i < ARRAY_LEN(kinds); i++)
		if (!strcmp(kinds[i].kind, kind))
			return &kinds[i];
	return NULL;
}

const struct meeting_kind *meeting_kind_list(size_t *n)
{
	*n = ARRAY_LEN(kinds);
	return kinds;
}

const char *meeting_state_label(const char *state)
{
	return UTIL_LABEL(state_names, state, "");
}

/* The first cell of a query as an integer, 0 when there is no row; its parameters built apart
 * (the roster's; db_intv takes them as arguments). */
static int q_int(struct db_conn *c, const char *sql, struct db_params *p, int64_t *v, struct err *e)
{
	struct db_res *r;
	int rc = db_exec(c, sql, p, &r, e);
	*v = 0;
	if (rc)
		return rc;
	*v = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return 0;
}

/* A statement built in a capped buffer is used only whole. */
static int sql_whole(const struct buf *sql, struct err *e)
{
	if (buf_failed(sql))
		return err_set(e, E_INTERNAL, "internal", "服务器内部错误");
	return 0;
}

/* ---- the meeting row ---- */

int meeting_load(struct db_conn *c, int64_t id, int lock, struct meeting *m, struct err *e)
{
	struct db_res *r;
	const struct meeting_kind *k;
	char sql[200];
	int rc;
	snprintf(sql, sizeof(sql),
		 "SELECT m.id, m.kind, m.region_code, m.region_path, m.level, m.term, m.starts_on,"
		 " m.state, m.quorum_num, m.quorum_den FROM meetings m WHERE m.id = ?%s",
		 lock ? db_lock_clause(c, 0) : "");
	if ((rc = db_execv(c, &r, e, sql, "i", id)))
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
	k = meeting_kind_of(m->kind);
	m->roster = k && k->roster;
	db_res_free(r);
	return 0;
}

int meeting_tx_load(struct tx *t, int64_t id, int lock, int run, struct meeting *m)
{
	if (!t->rc && !tx_check(t, meeting_load(t->c, id, lock, m, t->e)))
		tx_check(t, meeting_may(t->c, t->a, m, run, t->e));
	return t->rc;
}

/* Before sign-in opens a roster meeting's members are the roster of its congress on its date. */
static int members_taken(const struct meeting *m)
{
	return !m->roster || strcmp(m->state, "planned");
}

static void roster_sql(const struct meeting *m, const char *select, struct buf *sql, struct db_params *p)
{
	buf_addf(sql,
		 "%s FROM mandates WHERE region_code = ? AND level = ? AND started_on <= ?"
		 " AND (ended_on IS NULL OR ended_on > ?)%s",
		 select, m->term > 0 ? " AND term = ?" : "");
	db_ps(p, m->region);
	db_ps(p, m->level);
	db_ps(p, m->starts_on);
	db_ps(p, m->starts_on);
	if (m->term > 0)
		db_pi(p, m->term);
}

int meeting_is_member(struct db_conn *c, const struct meeting *m, int64_t deputy, int *yes, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(1024);
	struct db_params p;
	int64_t n = 0;
	int rc;
	db_params_init(&p);
	if (members_taken(m)) {
		rc = db_intv(c, &n, e, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ?",
			     "ii", m->id, deputy);
	} else {
		roster_sql(m, "SELECT COUNT(*)", &sql, &p);
		buf_adds(&sql, " AND deputy_id = ?");
		db_pi(&p, deputy);
		if (!(rc = sql_whole(&sql, e)))
			rc = q_int(c, sql.data, &p, &n, e);
	}
	buf_release(&sql);
	*yes = n > 0;
	return rc;
}

int meeting_may(struct db_conn *c, const struct actor *a, const struct meeting *m, int run, struct err *e)
{
	int in_scope = region_path_in_scope(a, m->path), member = 0, rc;
	if (in_scope && role_can(a->role, PERM_MEETING_RUN))
		return 0;
	if (in_scope && role_can(a->role, PERM_MEETING_READ))
		return run ? err_set(e, E_FORBIDDEN, "forbidden", "无权组织会议") : 0;
	if (a->deputy_id && !run) {
		if ((rc = meeting_is_member(c, m, a->deputy_id, &member, e)))
			return rc;
		if (member)
			return 0;
	}
	if (a->deputy_id && run && in_scope)
		return err_set(e, E_FORBIDDEN, "forbidden", "代表不能组织会议");
	return err_set(e, E_NOTFOUND, "not_found", "会议不存在");
}

int meeting_check(struct db *db, const struct actor *a, const char *table, int64_t id, int run, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct meeting m;
	int64_t mid = id;
	int rc = 0;
	if (!strcmp(table, "votes")) {
		if (!(rc = db_intv(c, &mid, e, "SELECT meeting_id FROM votes WHERE id = ?", "i", id)) && !mid)
			rc = err_set(e, E_NOTFOUND, "not_found", "表决不存在");
	} else if (!strcmp(table, "election_rounds")) {
		if (!(rc = db_intv(c, &mid, e,
				   "SELECT l.meeting_id FROM election_rounds r JOIN elections l ON l.id = r.election_id"
				   " WHERE r.id = ?",
				   "i", id)) &&
		    !mid)
			rc = err_set(e, E_NOTFOUND, "not_found", "选举轮次不存在");
	}
	if (!rc && !(rc = meeting_load(c, mid, 0, &m, e)))
		rc = meeting_may(c, a, &m, run, e);
	db_release(db, c);
	return rc;
}

int meeting_seen(struct db_conn *c, const struct actor *a, int64_t id, struct meeting *m, struct err *e)
{
	int rc = meeting_load(c, id, 0, m, e);
	return rc ? rc : meeting_may(c, a, m, 0, e);
}

int meeting_can_read(const struct actor *a, const struct meeting *m)
{
	return a && region_path_in_scope(a, m->path) &&
	       (role_can(a->role, PERM_MEETING_READ) || role_can(a->role, PERM_MEETING_RUN));
}

int meeting_can_run(const struct actor *a, const struct meeting *m)
{
	return region_path_in_scope(a, m->path) && role_can(a->role, PERM_MEETING_RUN);
}

int meeting_take_roster(struct tx *t, const struct meeting *m)
{
	struct buf sql = BUF_INIT_CAP(1024);
	struct db_params p;
	db_params_init(&p);
	db_pi(&p, m->id);
	roster_sql(m, "INSERT INTO meeting_members (meeting_id, deputy_id) SELECT ?, deputy_id", &sql, &p);
	if (!t->rc && !tx_check(t, sql_whole(&sql, t->e)))
		tx_check(t, db_exec(t->c, sql.data, &p, NULL, t->e));
	buf_release(&sql);
	return t->rc;
}

int meeting_set_members(struct tx *t, const struct meeting *m, json_t *ids)
{
	size_t i;
	json_t *v;
	char pat[REGION_PATTERN_MAX];
	if (!json_is_array(ids) || !json_array_size(ids))
		return tx_fail_field(t, E_INVALID, "missing_field", "member_ids",
				     "请选择参会人员（member_ids）");
	if (json_array_size(ids) > 2000)
		return tx_fail_field(t, E_INVALID, "too_long", "member_ids", "参会人员过多");
	region_like_pattern(m->path, pat, sizeof(pat));
	tx_exec(t, NULL, "DELETE FROM meeting_members WHERE meeting_id = ?", "i", m->id);
	json_array_foreach(ids, i, v) {
		int64_t ok;
		if (!json_is_integer(v))
			return tx_fail_field(t, E_INVALID, "wrong_type", "member_ids", "参会人员应为代表编号");
		if (tx_int(t, &ok,
			   "SELECT COUNT(*) FROM deputies d JOIN regions r ON r.code = d.region_code"
			   " WHERE d.id = ? AND r.path LIKE ?",
			   "is", (int64_t)json_integer_value(v), pat))
			return t->rc;
		if (!ok)
			return tx_fail_field(t, E_INVALID, "bad_member", "member_ids",
					     "代表 %lld 不存在或不属于本地区",
					     (long long)json_integer_value(v));
		if (tx_exec(t, NULL, "INSERT INTO meeting_members (meeting_id, deputy_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			    "ii", m->id, (int64_t)json_integer_value(v)))
			return t->rc;
		if (db_changes(t->c) != 1)
			return tx_fail_field(t, E_INVALID, "duplicate_member", "member_ids", "参会人员重复");
	}
	return t->rc;
}

/* ---- attendance ---- */

int attendance_count(struct db_conn *c, const struct meeting *m, struct attendance *t, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	memset(t, 0, sizeof(*t));
	db_params_init(&p);
	if (!members_taken(m)) {
		struct buf sql = BUF_INIT_CAP(1024);
		roster_sql(m, "SELECT COUNT(*)", &sql, &p);
		if (!(rc = sql_whole(&sql, e)))
			rc = q_int(c, sql.data, &p, &t->members, e);
		buf_release(&sql);
		t->absent = t->members;
		return rc;
	}
	if ((rc = db_execv(c, &r, e, "SELECT status, COUNT(*) FROM meeting_members WHERE meeting_id = ? GROUP BY status",
			   "i", m->id)))
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

json_t *attendance_json(const struct attendance *t, const struct meeting *m)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "members", (json_int_t)t->members,
			 "present", (json_int_t)t->present, "leave", (json_int_t)t->leave, "absent",
			 (json_int_t)t->absent, "left", (json_int_t)t->left, "quorum_needed",
			 (json_int_t)tally_quorum_needed(t->members, m->qn, m->qd), "quorum_met",
			 tally_quorum(t->present, t->members, m->qn, m->qd));
}

int attendance_quorum(struct db_conn *c, const struct meeting *m, struct attendance *t, struct err *e)
{
	int rc = attendance_count(c, m, t, e);
	if (rc)
		return rc;
	if (!tally_quorum(t->present, t->members, m->qn, m->qd))
		return err_set(e, E_CONFLICT, "no_quorum",
			       "出席人数未达法定人数（应到 %lld 人，实到 %lld 人，需 %lld 人）",
			       (long long)t->members, (long long)t->present,
			       (long long)tally_quorum_needed(t->members, m->qn, m->qd));
	return 0;
}

static json_t *member_json(const struct db_res *r, int i)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s}", "deputy_id", (json_int_t)db_int(r, i, 0),
			 "name", db_val(r, i, 1), "status", db_val(r, i, 2), "signed_in_at",
			 rows_int(r, i, 3), "signed_out_at", rows_int(r, i, 4), "via",
			 rows_str(db_val(r, i, 5)), "leave_reason", db_val(r, i, 6));
}

#define MEMBER_SQL                                                                                     \
	"SELECT x.deputy_id, d.name, x.status, x.signed_in_at, x.signed_out_at, x.via, x.leave_reason" \
	" FROM meeting_members x JOIN deputies d ON d.id = x.deputy_id WHERE x.meeting_id = ?"

int meeting_members_json(struct db_conn *c, const struct meeting *m, json_t **out, struct err *e)
{
	struct buf sql = BUF_INIT_CAP(2048), q = BUF_INIT_CAP(2048);
	struct db_params p;
	struct db_res *r = NULL;
	int rc;
	db_params_init(&p);
	if (members_taken(m)) {
		rc = db_execv(c, &r, e, MEMBER_SQL " ORDER BY d.name, d.id", "i", m->id);
	} else {
		roster_sql(m, "SELECT deputy_id", &sql, &p);
		buf_addf(&q,
			 "SELECT d.id, d.name, 'absent', NULL, NULL, NULL, '' FROM deputies d WHERE d.id IN (%s)"
			 " ORDER BY d.name, d.id",
			 sql.data);
		if (!(rc = sql_whole(&sql, e)) && !(rc = sql_whole(&q, e)))
			rc = db_exec(c, q.data, &p, &r, e);
	}
	buf_release(&sql);
	buf_release(&q);
	if (rc)
		return rc;
	*out = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(*out, member_json(r, i));
	db_res_free(r);
	return 0;
}

static int read_attendance(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct meeting m;
	struct attendance t;
	json_t *items = NULL;
	int rc;
	if (!(rc = meeting_seen(c, a, id, &m, e)) && !(rc = attendance_count(c, &m, &t, e)) &&
	    !(rc = meeting_members_json(c, &m, &items, e))) {
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
		*out = json_pack("{s:o,s:o,s:o}", "attendance", attendance_json(&t, &m), "items",
				 items, "me", me);
	}
	return rc;
}

int meeting_attendance(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_attendance, a, id, NULL, out, e);
}

int attendance_of_deputy(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL;
	json_int_t held = 0, present = 0, leave = 0, absent = 0;
	int rc;

	*out = NULL;
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有代表本人可以查看自己的出席情况");
	c = db_acquire(db);
	if (!(rc = db_begin_read(c, e)))
		rc = db_execv(c, &r, e,
			      "SELECT x.status, COUNT(*) FROM meeting_members x JOIN meetings m ON m.id = x.meeting_id"
			      " WHERE x.deputy_id = ? AND m.state = 'closed' GROUP BY x.status",
			      "i", a->deputy_id);
	for (int i = 0; !rc && i < r->nrows; i++) {
		const char *status = db_val(r, i, 0);
		json_int_t n = db_int(r, i, 1);
		held += n;
		if (!strcmp(status, "present") || !strcmp(status, "left"))
			present += n;
		else if (!strcmp(status, "leave"))
			leave += n;
		else
			absent += n;
	}
	if (!rc)
		*out = json_pack("{s:I, s:I, s:I, s:I}", "held", held, "present", present, "leave",
				 leave, "absent", absent);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* The change of one member's attendance by action from status; the update carries the status it
 * was read in, so that a second concurrent step on the same member is a conflict. */
static int attend_step(struct tx *t, const struct meeting *m, int64_t deputy, const char *status,
		       const char *action, const char *reason, const char *via)
{
	if (!strcmp(action, "sign_in")) {
		if (!strcmp(status, "present"))
			return tx_fail(t, E_CONFLICT, "already_present", "已经签到，无需重复签到");
		tx_exec(t, NULL,
			"UPDATE meeting_members SET status = 'present', via = ?, signed_in_at = ?, signed_out_at = NULL,"
			" leave_reason = '' WHERE meeting_id = ? AND deputy_id = ? AND status = ?",
			"siiis", via, util_now(), m->id, deputy, status);
	} else if (!strcmp(action, "sign_out")) {
		if (strcmp(status, "present"))
			return tx_fail(t, E_CONFLICT, "not_present", "尚未签到，不能签退");
		tx_exec(t, NULL,
			"UPDATE meeting_members SET status = 'left', signed_out_at = ? WHERE meeting_id = ?"
			" AND deputy_id = ? AND status = ?",
			"iiis", util_now(), m->id, deputy, status);
	} else if (!strcmp(action, "leave")) {
		if (!reason || !*reason)
			return tx_fail_field(t, E_INVALID, "missing_field", "reason", "请假须说明理由");
		if (!strcmp(status, "present"))
			return tx_fail(t, E_CONFLICT, "already_present", "已签到的代表请先签退");
		tx_exec(t, NULL,
			"UPDATE meeting_members SET status = 'leave', leave_reason = ? WHERE meeting_id = ?"
			" AND deputy_id = ? AND status = ?",
			"siis", reason, m->id, deputy, status);
	} else if (!strcmp(action, "cancel_leave")) {
		if (strcmp(status, "leave"))
			return tx_fail(t, E_CONFLICT, "bad_state", "该代表没有请假");
		tx_exec(t, NULL,
			"UPDATE meeting_members SET status = 'absent', leave_reason = '' WHERE meeting_id = ?"
			" AND deputy_id = ? AND status = ?",
			"iis", m->id, deputy, status);
	} else {
		return tx_fail_field(t, E_INVALID, "bad_action", "action", "未知的签到操作");
	}
	return tx_expect_one(t);
}

/* One attendance step inside t on a meeting held shared; *out gets {attendance, member}. */
static int attend(struct tx *t, const struct meeting *m, int64_t deputy, const char *action,
		  const char *reason, const char *via, json_t **out)
{
	struct db_res *r = NULL;
	struct attendance n;
	json_t *after;
	if (!strcmp(m->state, "planned") || !strcmp(m->state, "closed") || !strcmp(m->state, "cancelled"))
		return tx_fail(t, E_CONFLICT, "bad_state", "会议当前为“%s”，不能签到或请假",
			       meeting_state_label(m->state));
	if (tx_exec(t, &r, MEMBER_SQL " AND x.deputy_id = ?", "ii", m->id, deputy))
		return t->rc;
	if (!r->nrows)
		tx_fail(t, E_FORBIDDEN, "not_member", "该代表不是本次会议的组成人员");
	else
		attend_step(t, m, deputy, db_val(r, 0, 2), action, reason, via);
	db_res_free(r);
	if (tx_exec(t, &r, MEMBER_SQL " AND x.deputy_id = ?", "ii", m->id, deputy) ||
	    tx_check(t, attendance_count(t->c, m, &n, t->e))) {
		db_res_free(r);
		return t->rc;
	}
	*out = json_pack("{s:o,s:o}", "attendance", attendance_json(&n, m), "member", member_json(r, 0));
	db_res_free(r);
	after = json_pack("{s:I,s:s,s:s}", "deputy_id", (json_int_t)deputy, "action", action, "via", via);
	tx_audit(t, "meeting.attendance", "meeting", m->id, NULL, after);
	json_decref(after);
	return t->rc;
}

int meeting_tx_end(struct tx *t, int64_t meeting, json_t **out)
{
	int rc = tx_end(t);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	} else if (meeting) {
		live_publish(meeting);
	}
	return rc;
}

int meeting_step(struct db *db, const struct step_machine *sm, const struct actor *a, int64_t id,
		 json_t *in, void *ctx, const struct meeting *m, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"}, {NULL, 0, 0, 0, 0, NULL}};
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, sm->table, id, 1, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = step_run(db, sm, a, id, in, ctx, out, e)))
		return rc;
	live_publish(m->id);
	return 0;
}

int meeting_attend_batch(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
			 struct err *e)
{
	struct batch b = {"deputy_ids",           "代表",        "deputy_id", id, "meeting",
			  "meeting.attend_batch", meeting_attend};
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "meetings", id, 1, e)))
		return rc;
	if (a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有会议工作人员可以批量签到");
	return batch_run(db, a, &b, in, out, e);
}

int meeting_attend(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"},
					     {"deputy_id", JF_INT, 0, 1, INT64_MAX, "代表"},
					     {"reason", JF_STR, 0, 1, LIMIT_SHORT_CHARS, "请假理由"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct meeting m;
	int64_t deputy = jsonx_int(in, "deputy_id", 0);
	int rc, staff;
	*out = NULL;
	/* staff who run the meeting, or a deputy for itself: the meeting first, then the body */
	if ((rc = meeting_check(db, a, "meetings", id, !a->deputy_id, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (meeting_tx_load(&t, id, 1, 0, &m))
		return tx_end(&t);
	staff = meeting_can_run(a, &m);
	if (!staff && (!a->deputy_id || (deputy && deputy != a->deputy_id)))
		tx_fail(&t, E_FORBIDDEN, "forbidden", "只能为本人签到或请假");
	else if (staff && !deputy)
		tx_fail_field(&t, E_INVALID, "missing_field", "deputy_id", "请指定代表（deputy_id）");
	else
		attend(&t, &m, staff ? deputy : a->deputy_id, jsonx_str(in, "action"),
		       jsonx_str(in, "reason"), staff ? "staff" : "self", out);
	return meeting_tx_end(&t, id, out);
}

int meeting_signin(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"token", JF_STR, 1, 1, 64, "签到码"}, {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct meeting m;
	int64_t id;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号扫码签到");
	tx_begin(&t, db, a, e);
	if (tx_int(&t, &id, "SELECT id FROM meetings WHERE signin_token = ?", "s", jsonx_str(in, "token")))
		return tx_end(&t);
	if (!id)
		tx_fail(&t, E_NOTFOUND, "not_found", "签到码无效");
	else if (!tx_check(&t, meeting_load(t.c, id, 1, &m, e)) &&
		 !attend(&t, &m, a->deputy_id, "sign_in", NULL, "qr", out))
		json_object_set_new(*out, "meeting_id", json_integer(id));
	return meeting_tx_end(&t, id, out);
}
