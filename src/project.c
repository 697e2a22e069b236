#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "buf.h"
#include "calendar.h"
#include "election.h"
#include "jsonx.h"
#include "limit.h"
#include "opinion.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "step.h"
#include "tx.h"
#include "util.h"

#define PHOTO_MAX_BYTES (2u << 20) /* as the opinions' photos (opinion_check_photos) */
#define MILESTONES_MAX 24          /* two a month through a year */
#define VOTE_MAX 100               /* candidates on one ballot: the election's seats cap */

/* ---- names ---- */

static const char *const states[][2] = {
	{"collected", "已征集"}, {"rejected", "初审未通过"}, {"shortlisted", "候选项目"},
	{"voting", "票决中"},    {"chosen", "票决通过"},     {"not_chosen", "票决未通过"},
	{"published", "已公布"}, {"implementing", "实施中"}, {"done", "已完成"},
};
static const char *const reasons[][2] = {
	{"necessity", "必要性不足"},
	{"feasibility", "可行性不足"},
	{"money", "资金不能保障"},
	{"legality", "不符合法律政策"},
};
static const char *const reason_codes[] = {"necessity", "feasibility", "money", "legality", NULL};
static const char *const sources[][2] = {
	{"opinion", "群众意见"},
	{"deputy", "代表提出"},
	{"government", "政府提出"},
};
static const char *const source_codes[] = {"opinion", "deputy", "government", NULL};

const char *project_state_name(const char *state)
{
	return UTIL_LABEL(states, state, "");
}

const char *project_reason_label(const char *code)
{
	return UTIL_LABEL(reasons, code, "");
}

int project_ratio_short(int64_t n, int64_t choose, int ratio_pct)
{
	return choose > 0 && n * 100 < choose * (int64_t)ratio_pct;
}

int project_check_milestones(json_t *ms, struct err *e)
{
	size_t i;
	json_t *v;
	int32_t prev = 0, d;
	char field[48];
	if (!json_is_array(ms) || !json_array_size(ms))
		return err_field(e, E_INVALID, "missing_field", "milestones", "请填写实施计划的节点");
	if (json_array_size(ms) > MILESTONES_MAX)
		return err_field(e, E_INVALID, "too_many", "milestones", "实施计划的节点最多%d个",
				 MILESTONES_MAX);
	json_array_foreach(ms, i, v) {
		const char *title = json_string_value(json_object_get(v, "title"));
		const char *due = json_string_value(json_object_get(v, "due_on"));
		snprintf(field, sizeof(field), "milestones[%zu].title", i);
		if (!json_is_object(v) || !title || !*title ||
		    strlen(title) > LIMIT_SHORT_CHARS * 3 || !util_utf8_valid(title, strlen(title)))
			return err_field(e, E_INVALID, "missing_field", field,
					 "请填写第%zu个节点的内容", i + 1);
		snprintf(field, sizeof(field), "milestones[%zu].due_on", i);
		if (!due || cal_parse(due, &d))
			return err_field(e, E_INVALID, "bad_date", field,
					 "第%zu个节点的日期应为有效日期（如 2026-06-30）", i + 1);
		if (i && d < prev)
			return err_field(e, E_INVALID, "bad_order", field,
					 "第%zu个节点的日期早于第%zu个节点，节点应按时间先后排列",
					 i + 1, i);
		prev = d;
	}
	return 0;
}

/* ---- rows ---- */

#define P_SELECT                                                                                      \
	"SELECT p.id, p.region_code, r.name, p.region_path, p.year, p.title, p.summary, p.source,"    \
	" p.opinion_id, o.tracking_code, p.deputy_id, d.name, p.proposer, p.state, p.reason,"         \
	" p.reason_note, p.election_id, p.votes, p.handler_id, h.name, p.budget, p.plan, p.progress," \
	" p.review, p.published_at, p.created_at, p.updated_at"
#define P_FROM                                                                                    \
	" FROM projects p JOIN regions r ON r.code = p.region_code"                               \
	" LEFT JOIN handlers h ON h.id = p.handler_id LEFT JOIN deputies d ON d.id = p.deputy_id" \
	" LEFT JOIN opinions o ON o.id = p.opinion_id"
enum {
	P_ID,
	P_REGION,
	P_REGION_NAME,
	P_PATH,
	P_YEAR,
	P_TITLE,
	P_SUMMARY,
	P_SOURCE,
	P_OPINION,
	P_OPINION_CODE,
	P_DEPUTY,
	P_DEPUTY_NAME,
	P_PROPOSER,
	P_STATE,
	P_REASON,
	P_REASON_NOTE,
	P_ELECTION,
	P_VOTES,
	P_HANDLER,
	P_HANDLER_NAME,
	P_BUDGET,
	P_PLAN,
	P_PROGRESS,
	P_REVIEW,
	P_PUBLISHED,
	P_CREATED,
	P_UPDATED,
};

static json_t *row_json(const struct db_res *r, int i)
{
	const char *state = db_val(r, i, P_STATE), *reason = db_val(r, i, P_REASON);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, P_ID)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, P_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, P_REGION_NAME)));
	json_object_set_new(o, "year", json_integer(db_int(r, i, P_YEAR)));
	json_object_set_new(o, "title", json_string(db_val(r, i, P_TITLE)));
	json_object_set_new(o, "summary", json_string(db_val(r, i, P_SUMMARY)));
	json_object_set_new(o, "source", json_string(db_val(r, i, P_SOURCE)));
	json_object_set_new(o, "source_name", json_string(UTIL_LABEL(sources, db_val(r, i, P_SOURCE), "")));
	json_object_set_new(o, "opinion_id", rows_int(r, i, P_OPINION));
	json_object_set_new(o, "opinion_code", rows_str(db_val(r, i, P_OPINION_CODE)));
	json_object_set_new(o, "deputy_id", rows_int(r, i, P_DEPUTY));
	json_object_set_new(o, "deputy_name", rows_str(db_val(r, i, P_DEPUTY_NAME)));
	json_object_set_new(o, "proposer", json_string(db_val(r, i, P_PROPOSER)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(project_state_name(state)));
	json_object_set_new(o, "reason", rows_str(reason));
	json_object_set_new(o, "reason_name",
			    reason ? json_string(project_reason_label(reason)) : json_null());
	json_object_set_new(o, "reason_note", json_string(db_val(r, i, P_REASON_NOTE)));
	json_object_set_new(o, "election_id", rows_int(r, i, P_ELECTION));
	json_object_set_new(o, "votes", rows_int(r, i, P_VOTES));
	json_object_set_new(o, "handler_id", rows_int(r, i, P_HANDLER));
	json_object_set_new(o, "handler_name", rows_str(db_val(r, i, P_HANDLER_NAME)));
	json_object_set_new(o, "budget", rows_int(r, i, P_BUDGET));
	json_object_set_new(o, "plan", json_string(db_val(r, i, P_PLAN)));
	json_object_set_new(o, "progress", json_integer(db_int(r, i, P_PROGRESS)));
	json_object_set_new(o, "review", json_string(db_val(r, i, P_REVIEW)));
	json_object_set_new(o, "published_at", rows_int(r, i, P_PUBLISHED));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, P_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, P_UPDATED)));
	return o;
}

/* ---- who sees what ---- */

static int is_staff(const struct actor *a)
{
	return role_can(a->role, PERM_SUGGESTION_MANAGE);
}

static int can_read(const struct actor *a, struct err *e)
{
	if (is_staff(a) || (role_is_handler(a->role) && a->handler_id) ||
	    (role_is_deputy(a->role) && a->deputy_id))
		return 0;
	return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看民生实事项目");
}

/* The states a deputy sees: from the candidate list on. */
#define DEPUTY_STATES " AND p.state NOT IN ('collected','rejected')"

/* Whether actor a sees the project of row i: staff and deputies by region (deputies from the
 * candidate list on), a handling unit the projects it implements. */
static int sees(const struct actor *a, const struct db_res *r, int i)
{
	const char *state = db_val(r, i, P_STATE);
	if (!region_path_in_scope(a, db_val(r, i, P_PATH)))
		return 0;
	if (is_staff(a))
		return 1;
	if (role_is_handler(a->role))
		return a->handler_id && db_int(r, i, P_HANDLER) == a->handler_id;
	if (role_is_deputy(a->role))
		return a->deputy_id && strcmp(state, "collected") && strcmp(state, "rejected");
	return 0;
}

static int load_row(struct db_conn *c, const struct actor *a, int64_t id, struct db_res **out, struct err *e)
{
	int rc = db_execv(c, out, e, P_SELECT P_FROM " WHERE p.id = ?", "i", id);
	if (rc)
		return rc;
	if (!(*out)->nrows || (a && !sees(a, *out, 0))) {
		db_res_free(*out);
		*out = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "项目不存在");
	}
	return 0;
}

static int load_item(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, a, id, &r, e);
	if (!rc)
		*out = row_json(r, 0);
	db_res_free(r);
	return rc;
}

static const struct col milestone_cols[] = {
	{"no", COL_INT}, {"title", COL_STR}, {"due_on", COL_STR}, {NULL, 0}};
static const struct col report_cols[] = {
	{"id", COL_INT},
	{"kind", COL_STR},
	{"body", COL_STR},
	{"progress", COL_INT},
	{"handler_name", COL_STR},
	{"deputy_name", COL_STR},
	{"actor", COL_STR},
	{"created_at", COL_INT},
	{"photos", COL_INT},
	{"first_photo", COL_INT},
	{NULL, 0}};
static const struct col event_cols[] = {
	{"action", COL_STR},
	{"from_state", COL_STR},
	{"to_state", COL_STR},
	{"actor", COL_STR},
	{"note", COL_STR},
	{"created_at", COL_INT},
	{NULL, 0}};

/* The reports with their photos' numbers: a report's photos are first_photo .. first_photo +
 * photos - 1 of the project's photos (project_photo's n). */
#define REPORTS_SQL                                                                                             \
	"SELECT k.id, k.kind, k.body, k.progress, h.name, d.name, k.actor, k.created_at,"                       \
	" (SELECT COUNT(*) FROM project_photos f WHERE f.report_id = k.id),"                                    \
	" (SELECT COUNT(*) FROM project_photos f WHERE f.project_id = k.project_id AND f.report_id < k.id) + 1" \
	" FROM project_reports k LEFT JOIN handlers h ON h.id = k.handler_id"                                   \
	" LEFT JOIN deputies d ON d.id = k.deputy_id WHERE k.project_id = ? ORDER BY k.id"

static int detail(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	json_t *o = NULL;
	int rc;
	*out = NULL;
	if ((rc = load_item(c, a, id, &o, e)) ||
	    (rc = rows_attach(c, o, "milestones", milestone_cols, e,
			      "SELECT no, title, due_on FROM project_milestones WHERE project_id = ? ORDER BY no",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "reports", report_cols, e, REPORTS_SQL, "i", id)) ||
	    (rc = rows_attach(c, o, "events", event_cols, e,
			      "SELECT action, from_state, to_state, actor, note, created_at FROM project_events"
			      " WHERE project_id = ? ORDER BY id",
			      "i", id))) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int project_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, detail, a, id, "project", out, e);
}

/* ---- the list ---- */

struct list_ctx {
	const struct actor *a;
	const struct project_filter *f;
	const struct listq *q;
	json_t **out;
};

/* The WHERE of what the actor sees, with the filters. */
static int list_where(struct db_conn *c, const struct actor *a, const struct project_filter *f,
		      struct buf *w, struct db_params *p, struct err *e)
{
	static const char *const search[] = {"p.title", "p.summary", NULL};
	int rc;
	if ((rc = rows_filter_scope(w, p, c, a, f->region, " WHERE p.region_path LIKE ?", NULL, 0, e)))
		return rc;
	if (role_is_handler(a->role)) {
		buf_adds(w, " AND p.handler_id = ?");
		db_pi(p, a->handler_id);
	} else if (!is_staff(a)) {
		buf_adds(w, DEPUTY_STATES);
	}
	if (f->year) {
		buf_adds(w, " AND p.year = ?");
		db_pi(p, f->year);
	}
	if ((rc = rows_filter_state(w, p, f->state, " AND p.state = ?", project_state_name, e)))
		return rc;
	rows_filter_search(w, p, f->q, search);
	return rows_where_ok(w, e);
}

static int list_page(struct db_conn *c, void *ctx, struct err *e)
{
	static const char *const sorts[] = {"year",       "title",      "state",
					    "progress",   "budget",     "votes",
					    "created_at", "updated_at", NULL};
	struct list_ctx *x = ctx;
	struct buf w = BUF_INIT_CAP(2048);
	struct db_params p;
	struct db_res *r = NULL;
	char order[64], full[96];
	int64_t total;
	json_t *items;
	int rc;

	db_params_init(&p);
	if ((rc = rows_order(x->q->sort, sorts, "year DESC", order, sizeof(order), e)) ||
	    (rc = list_where(c, x->a, x->f, &w, &p, e)))
		goto out;
	snprintf(full, sizeof(full), "p.%s, p.id", order);
	if ((rc = rows_page(c, "projects p", P_SELECT P_FROM, w.data, &p, full, x->q, &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, row_json(r, i));
	*x->out = rows_list_reply(items, total, x->q);
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&w);
	return rc;
}

int project_list(struct db *db, const struct actor *a, const struct project_filter *f,
		 const struct listq *q, json_t **out, struct err *e)
{
	struct list_ctx x = {a, f, q, out};
	int rc;
	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	if (f->year && (f->year < 2000 || f->year > 2100))
		return err_field(e, E_INVALID, "bad_param", "year", "年度应为 2000 至 2100 之间的年份");
	return db_read(db, list_page, &x, e);
}

/* ---- collection ---- */

static int may_write(const struct actor *a, struct err *e)
{
	if (!is_staff(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能办理民生实事项目");
	return 0;
}

static int insert_project(struct tx *t, const char *region, const char *path, int64_t year,
			  const char *title, const char *summary, const char *source, int64_t opinion,
			  int64_t deputy, const char *proposer, const char *state, int64_t *id)
{
	int64_t now = util_now();
	return tx_int(t, id,
		      "INSERT INTO projects (region_code, region_path, year, title, summary, source, opinion_id,"
		      " deputy_id, proposer, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
		      " RETURNING id",
		      "ssisssnnssii", region, path, year, title, summary, source, opinion, deputy,
		      proposer, state, now, now);
}

static int event_row(struct tx *t, int64_t id, const char *action, const char *from, const char *to,
		     const char *note)
{
	const struct actor *a = t->a;
	return tx_exec(t, NULL,
		       "INSERT INTO project_events (project_id, action, from_state, to_state, actor, note,"
		       " created_at) VALUES (?,?,?,?,?,?,?)",
		       "isssssi", id, action, from, to,
		       a->display_name[0] ? a->display_name : a->username, note, util_now());
}

int project_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"region_code", JF_STR, 1, 1, 12, "所属人大"},
		{"year", JF_INT, 1, 2000, 2100, "年度"},
		{"title", JF_STR, 1, 2, LIMIT_SHORT_CHARS, "项目名称"},
		{"summary", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "项目内容"},
		{"source", JF_STR, 1, 1, 16, "来源"},
		{"opinion_id", JF_INT, 0, 1, INT64_MAX, "来源意见"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "提出代表"},
		{"proposer", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "提出单位或个人"},
		{NULL, 0, 0, 0, 0, NULL}};
	const char *source = jsonx_str(in, "source");
	int64_t opinion = jsonx_int(in, "opinion_id", 0), deputy = jsonx_int(in, "deputy_id", 0), id = 0;
	int64_t known = 0;
	char path[160];
	struct tx t;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = may_write(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!util_one_of(source, source_codes))
		return err_field(e, E_INVALID, "bad_value", "source",
				 "来源应为 opinion（群众意见）、deputy（代表提出）或 government（政府提出）");
	if (!strcmp(source, "opinion") && !opinion)
		return err_field(e, E_INVALID, "missing_field", "opinion_id", "请选择来源的群众意见");
	if (!strcmp(source, "deputy") && !deputy)
		return err_field(e, E_INVALID, "missing_field", "deputy_id", "请选择提出项目的代表");
	if (strcmp(source, "opinion") && opinion)
		return err_field(e, E_INVALID, "bad_value", "opinion_id",
				 "只有来源为群众意见的项目才能关联意见");
	tx_begin(&t, db, a, e);
	tx_check(&t, region_scope_field(t.c, a, jsonx_str(in, "region_code"), "region_code",
					"所属人大", path, sizeof(path), e));
	/* the linked opinion must be one the actor may read: its existence does not leak */
	if (opinion && tx_ok(&t) && opinion_visible_in(t.c, a, opinion, e))
		tx_fail_field(&t, E_INVALID, "bad_opinion", "opinion_id", "来源意见不存在或不在您的管理范围内");
	if (deputy && !tx_int(&t, &known, "SELECT COUNT(*) FROM deputies WHERE id = ?", "i", deputy) && !known)
		tx_fail_field(&t, E_INVALID, "bad_deputy", "deputy_id", "代表不存在");
	insert_project(&t, jsonx_str(in, "region_code"), path, jsonx_int(in, "year", 0),
		       jsonx_str(in, "title"), jsonx_str_or(in, "summary", ""), source, opinion,
		       deputy, jsonx_str_or(in, "proposer", ""), "collected", &id);
	event_row(&t, id, "create", NULL, "collected", "征集");
	if (tx_ok(&t))
		tx_check(&t, load_item(t.c, NULL, id, &o, e));
	tx_audit(&t, "project.create", "project", id, NULL, o);
	return tx_end_reply(&t, "project", o, out);
}

/* ---- the state machine ---- */

/* The vote's context, for its steps ballot and result. */
struct vote_ctx {
	int64_t election_id;
	int elected;
	int64_t votes;
};

static int may_staff(struct step_run *s)
{
	if (!is_staff(s->a))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能办理民生实事项目");
	return 0;
}

/* The vote's steps are taken by project_vote and project_vote_result, never by an action. */
static int may_vote(struct step_run *s)
{
	if (!s->ctx)
		return tx_fail(&s->t, E_CONFLICT, "by_vote", "票决由会议的票决操作完成，不能单独办理");
	return may_staff(s);
}

/* The responsible handling unit reports on its own projects. */
static int may_handler(struct step_run *s)
{
	if (!role_is_handler(s->a->role) || !s->a->handler_id || db_int(s->row, 0, P_HANDLER) != s->a->handler_id)
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有项目的责任单位可以报送进展");
	return 0;
}

static int may_deputy(struct step_run *s)
{
	if (!role_is_deputy(s->a->role) || !s->a->deputy_id)
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有人大代表可以记录视察");
	return 0;
}

static int run_reject(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"reason", JF_STR, 1, 1, 16, "不通过理由"},
					     {"note", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "说明"},
					     {NULL, 0, 0, 0, 0, NULL}};
	const char *reason = jsonx_str(s->in, "reason");
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)))
		return s->t.rc;
	if (!util_one_of(reason, reason_codes))
		return tx_fail_field(&s->t, E_INVALID, "bad_value", "reason",
				     "不通过理由应为 necessity（必要性）、feasibility（可行性）、money（资金）或 legality（合法性）");
	snprintf(s->note, sizeof(s->note), "%s", project_reason_label(reason));
	return tx_exec(&s->t, NULL, "UPDATE projects SET reason = ?, reason_note = ? WHERE id = ?",
		       "ssi", reason, jsonx_str_or(s->in, "note", ""), s->id);
}

static int run_ballot(struct step_run *s)
{
	const struct vote_ctx *x = s->ctx;
	return tx_exec(&s->t, NULL, "UPDATE projects SET election_id = ?, votes = NULL WHERE id = ?",
		       "ii", x->election_id, s->id);
}

static int run_result(struct step_run *s)
{
	const struct vote_ctx *x = s->ctx;
	s->to = x->elected ? "chosen" : "not_chosen";
	snprintf(s->note, sizeof(s->note), "得票 %lld", (long long)x->votes);
	return tx_exec(&s->t, NULL, "UPDATE projects SET votes = ? WHERE id = ?", "ii", x->votes, s->id);
}

static int run_publish(struct step_run *s)
{
	return tx_exec(&s->t, NULL, "UPDATE projects SET published_at = ? WHERE id = ?", "ii",
		       util_now(), s->id);
}

/* The government's implementation plan: the responsible unit (one of the actor's scope), the
 * budget in yuan (not negative), the milestones in the order of their dates. Replaces the plan
 * before it. */
static int run_plan(struct step_run *s)
{
	static const struct jfield spec[] = {
		{"action", JF_STR, 1, 1, 32, "操作"},
		{"handler_id", JF_INT, 1, 1, INT64_MAX, "责任单位"},
		{"budget", JF_INT, 1, 0, INT64_MAX / 2, "预算金额（元）"},
		{"plan", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "实施方案"},
		{"milestones", JF_ARR, 1, 0, 0, "实施节点"},
		{NULL, 0, 0, 0, 0, NULL}};
	json_t *ms = json_object_get(s->in, "milestones"), *v;
	int64_t handler = jsonx_int(s->in, "handler_id", 0);
	struct db_res *r = NULL;
	size_t i;
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)) ||
	    tx_check(&s->t, project_check_milestones(ms, s->t.e)) ||
	    tx_exec(&s->t, &r, "SELECT g.path FROM handlers h JOIN regions g ON g.code = h.region_code WHERE h.id = ? AND h.active = 1",
		    "i", handler))
		return s->t.rc;
	if (!r->nrows || !region_path_in_scope(s->a, db_val(r, 0, 0)))
		tx_fail_field(&s->t, E_INVALID, "bad_handler", "handler_id",
			      "责任单位不存在或不在您的管理范围内");
	db_res_free(r);
	tx_exec(&s->t, NULL, "UPDATE projects SET handler_id = ?, budget = ?, plan = ? WHERE id = ?",
		"iisi", handler, (int64_t)jsonx_int(s->in, "budget", 0),
		jsonx_str_or(s->in, "plan", ""), s->id);
	tx_exec(&s->t, NULL, "DELETE FROM project_milestones WHERE project_id = ?", "i", s->id);
	json_array_foreach(ms, i, v)
		tx_exec(&s->t, NULL,
			"INSERT INTO project_milestones (project_id, no, title, due_on) VALUES (?,?,?,?)",
			"iiss", s->id, (int64_t)(i + 1), json_string_value(json_object_get(v, "title")),
			json_string_value(json_object_get(v, "due_on")));
	snprintf(s->note, sizeof(s->note), "预算 %lld 元，%zu 个节点",
		 (long long)jsonx_int(s->in, "budget", 0), json_array_size(ms));
	return s->t.rc;
}

/* A report of the unit (progress) or a deputy's visit, with its photos. */
static int add_report(struct step_run *s, const char *kind, int64_t progress)
{
	json_t *photos = json_object_get(s->in, "photos"), *v;
	const struct actor *a = s->a;
	int64_t rid = 0;
	size_t i;
	if (tx_check(&s->t, jsonx_need_text(s->in, "body", !strcmp(kind, "visit") ? "视察情况" : "进展情况",
					    5, s->t.e)) ||
	    tx_check(&s->t, opinion_check_photos(photos, s->t.e)) ||
	    tx_int(&s->t, &rid,
		   "INSERT INTO project_reports (project_id, kind, body, progress, handler_id, deputy_id, actor,"
		   " created_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
		   !strcmp(kind, "visit") ? "issnnnsi" : "issinnsi", s->id, kind,
		   jsonx_str(s->in, "body"), progress, !strcmp(kind, "progress") ? a->handler_id : 0,
		   !strcmp(kind, "visit") ? a->deputy_id : 0,
		   a->display_name[0] ? a->display_name : a->username, util_now()))
		return s->t.rc;
	json_array_foreach(photos, i, v) {
		const char *b64 = json_string_value(v);
		tx_exec(&s->t, NULL,
			"INSERT INTO project_photos (project_id, report_id, mime, data) VALUES (?,?,?,?)",
			"iiss", s->id, rid, b64[0] == 'i' ? "image/png" : "image/jpeg", b64);
	}
	return s->t.rc;
}

static int run_report(struct step_run *s)
{
	static const struct jfield spec[] = {
		{"action", JF_STR, 1, 1, 32, "操作"},
		{"body", JF_STR, 1, 5, LIMIT_TEXT_CHARS, "进展情况"},
		{"progress", JF_INT, 1, 0, 100, "完成进度（%）"},
		{"photos", JF_ARR, 0, 0, 0, "照片"},
		{NULL, 0, 0, 0, 0, NULL}};
	int64_t progress = jsonx_int(s->in, "progress", 0);
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)) || add_report(s, "progress", progress))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "进度 %lld%%", (long long)progress);
	return tx_exec(&s->t, NULL, "UPDATE projects SET progress = ? WHERE id = ?", "ii", progress, s->id);
}

static int run_visit(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"body", JF_STR, 1, 5, LIMIT_TEXT_CHARS, "视察情况"},
					     {"photos", JF_ARR, 0, 0, 0, "照片"},
					     {NULL, 0, 0, 0, 0, NULL}};
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)))
		return s->t.rc;
	return add_report(s, "visit", 0);
}

static int run_review(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"review", JF_STR, 1, 5, LIMIT_TEXT_CHARS, "年中评估意见"},
					     {NULL, 0, 0, 0, 0, NULL}};
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)))
		return s->t.rc;
	return tx_exec(&s->t, NULL, "UPDATE projects SET review = ? WHERE id = ?", "si",
		       jsonx_str(s->in, "review"), s->id);
}

static int run_complete(struct step_run *s)
{
	return tx_exec(&s->t, NULL, "UPDATE projects SET progress = 100 WHERE id = ?", "i", s->id);
}

static int load_step(struct step_run *s)
{
	if (tx_check(&s->t, load_row(s->t.c, s->a, s->id, &s->row, s->t.e)))
		return s->t.rc;
	s->state = db_val(s->row, 0, P_STATE);
	s->before = row_json(s->row, 0);
	return 0;
}

static int event_step(struct step_run *s)
{
	return event_row(&s->t, s->id, s->step->name, s->from, s->to, s->note);
}

static int after_step(struct step_run *s)
{
	return tx_check(&s->t, detail(s->t.c, NULL, s->id, &s->after, s->t.e));
}

static const struct step steps[] = {
	{"shortlist", "列入候选", "collected rejected", "shortlisted", may_staff, NULL},
	{"reject", "初审不通过", "collected shortlisted", "rejected", may_staff, run_reject},
	{"ballot", "提交票决", "shortlisted", "voting", may_vote, run_ballot},
	{"result", "票决结果", "voting", "chosen", may_vote, run_result},
	{"publish", "公布", "chosen", "published", may_staff, run_publish},
	{"plan", "制定实施计划", "published implementing", "implementing", may_staff, run_plan},
	{"report", "报送进展", "implementing", NULL, may_handler, run_report},
	{"visit", "代表视察", "published implementing done", NULL, may_deputy, run_visit},
	{"review", "年中评估", "implementing", NULL, may_staff, run_review},
	{"complete", "完成", "implementing", "done", may_staff, run_complete},
};

static const struct step_machine machine = {
	.object_type = "project",
	.table = "projects",
	.what = "项目",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.event = event_step,
	.after = after_step,
	.state_label = project_state_name,
};

const char *project_next_state(const char *state, const char *action)
{
	return step_next(&machine, state, action);
}

json_t *project_labels(void)
{
	static const char *const extra[] = {"not_chosen", NULL};
	json_t *o = step_labels(&machine, extra), *rs = json_object(), *ss = json_object();
	for (size_t i = 0; i < ARRAY_LEN(reasons); i++)
		json_object_set_new(rs, reasons[i][0], json_string(reasons[i][1]));
	for (size_t i = 0; i < ARRAY_LEN(sources); i++)
		json_object_set_new(ss, sources[i][0], json_string(sources[i][1]));
	json_object_set_new(o, "reasons", rs);
	json_object_set_new(o, "sources", ss);
	return o;
}

int project_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	json_t *after = NULL;
	int rc;
	*out = NULL;
	/* who and which project before what the body asks */
	if ((rc = can_read(a, e)) || (rc = tx_visible(db, a, id, load_item, e)))
		return rc;
	if (!(rc = step_run(db, &machine, a, id, in, NULL, &after, e)))
		*out = json_pack("{s:o}", "project", after);
	return rc;
}

/* ---- the candidate list and the vote ---- */

struct cand_ctx {
	const struct actor *a;
	const char *region;
	int64_t year, choose;
	json_t **out;
};

static int cand_read(struct db_conn *c, void *ctx, struct err *e)
{
	struct cand_ctx *x = ctx;
	struct db_res *r = NULL;
	char path[160];
	int pct, rc;
	json_t *items;
	if ((rc = region_scope_field(c, x->a, x->region, "region", "所属人大", path, sizeof(path), e)) ||
	    (rc = settings_int(c, path, "project.candidate_ratio_pct", &pct, e)) ||
	    (rc = db_execv(c, &r, e,
			   P_SELECT P_FROM " WHERE p.region_code = ? AND p.year = ? AND p.state = 'shortlisted'"
					   " ORDER BY p.id",
			   "si", x->region, x->year)))
		return rc;
	items = json_array();
	for (int i = 0; i < r->nrows; i++)
		if (sees(x->a, r, i))
			json_array_append_new(items, row_json(r, i));
	{
		int64_t n = (int64_t)json_array_size(items), needed = (x->choose * pct + 99) / 100;
		int short_ = project_ratio_short(n, x->choose, pct);
		*x->out = json_pack(
			"{s:o,s:I,s:I,s:i,s:I,s:o}", "items", items, "count", (json_int_t)n, "choose",
			(json_int_t)x->choose, "ratio_pct", pct, "needed", (json_int_t)needed, "warning",
			short_ ? json_sprintf("候选项目 %lld 个，少于票决项目数 %lld 个的 %d%%（至少 %lld 个）",
					      (long long)n, (long long)x->choose, pct, (long long)needed)
			       : json_null());
	}
	db_res_free(r);
	return 0;
}

int project_candidates(struct db *db, const struct actor *a, const char *region, int64_t year,
		       int64_t choose, json_t **out, struct err *e)
{
	struct cand_ctx x = {a, region, year, choose, out};
	int rc;
	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	if (!region || !*region)
		return err_field(e, E_INVALID, "missing_field", "region", "请选择所属人大");
	if (year < 2000 || year > 2100)
		return err_field(e, E_INVALID, "bad_param", "year", "年度应为 2000 至 2100 之间的年份");
	if (choose < 0 || choose > VOTE_MAX)
		return err_field(e, E_INVALID, "bad_param", "choose", "票决项目数应为 0 至 %d", VOTE_MAX);
	return db_read(db, cand_read, &x, e);
}

/* Runs step action of the vote on project id inside t. */
static int vote_step(struct tx *t, int64_t id, const char *action, struct vote_ctx *x)
{
	json_t *in = json_pack("{s:s}", "action", action), *after = NULL;
	tx_check(t, step_run_in(t->c, &machine, t->a, id, in, x, &after, t->e));
	json_decref(in);
	json_decref(after);
	return t->rc;
}

int project_vote(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"meeting_id", JF_INT, 1, 1, INT64_MAX, "会议"},
		{"year", JF_INT, 1, 2000, 2100, "年度"},
		{"seats", JF_INT, 1, 1, VOTE_MAX, "票决项目数"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{NULL, 0, 0, 0, 0, NULL}};
	int64_t meeting_id = jsonx_int(in, "meeting_id", 0), year = jsonx_int(in, "year", 0), lid = 0;
	struct vote_ctx x = {0};
	struct db_res *r = NULL;
	const char **names = NULL;
	char office[96];
	struct meeting m;
	struct tx t;
	int rc;

	*out = NULL;
	if ((rc = may_write(a, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = meeting_check(db, a, "meetings", meeting_id, 1, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (meeting_tx_load(&t, meeting_id, 1, 1, &m) ||
	    tx_exec(&t, &r, "SELECT id, title FROM projects WHERE region_code = ? AND year = ? AND state = 'shortlisted' ORDER BY id",
		    "si", m.region, year))
		goto out;
	if (!r->nrows) {
		tx_fail(&t, E_CONFLICT, "no_candidates", "本年度没有列入候选的项目");
		goto out;
	}
	if (r->nrows > VOTE_MAX) {
		tx_fail(&t, E_CONFLICT, "too_many", "候选项目最多 %d 个", VOTE_MAX);
		goto out;
	}
	names = xcalloc((size_t)r->nrows, sizeof(*names));
	for (int i = 0; i < r->nrows; i++)
		names[i] = db_val(r, i, 1);
	snprintf(office, sizeof(office), "%lld年度民生实事项目", (long long)year);
	if (election_project_in(&t, &m, jsonx_int(in, "item_id", 0), office,
				(int)jsonx_int(in, "seats", 1), names, (size_t)r->nrows, &lid))
		goto out;
	x.election_id = lid;
	for (int i = 0; i < r->nrows && tx_ok(&t); i++)
		vote_step(&t, db_int(r, i, 0), "ballot", &x);
	if (tx_ok(&t)) {
		json_t *el = NULL;
		if (!tx_check(&t, election_json(t.c, a, lid, &el, e)))
			*out = json_pack("{s:o,s:i}", "election", el, "projects", r->nrows);
	}
out:
	free(names);
	db_res_free(r);
	return meeting_tx_end(&t, meeting_id, out);
}

int project_vote_result(struct db *db, const struct actor *a, int64_t election_id, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *k = NULL;
	int64_t meeting_id = 0, chosen = 0;
	struct meeting m;
	struct tx t;
	int rc;

	*out = NULL;
	if ((rc = may_write(a, e)))
		return rc;
	c = db_acquire(db);
	rc = db_intv(c, &meeting_id, e,
		     "SELECT meeting_id FROM elections WHERE id = ? AND office_kind = 'project'",
		     "i", election_id);
	db_release(db, c);
	if (rc)
		return rc;
	if (!meeting_id)
		return err_set(e, E_NOTFOUND, "not_found", "项目票决不存在");
	if ((rc = meeting_check(db, a, "meetings", meeting_id, 1, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (meeting_tx_load(&t, meeting_id, 1, 1, &m) ||
	    tx_exec(&t, &k, "SELECT state FROM elections WHERE id = ?", "i", election_id))
		goto out;
	if (!k->nrows || strcmp(db_val(k, 0, 0), "done")) {
		tx_fail(&t, E_CONFLICT, "not_counted", "票决尚未计票完成");
		goto out;
	}
	/* each project's last count: elected in some round, and its votes in its last round */
	if (tx_exec(&t, &r,
		    "SELECT p.id,"
		    " (SELECT COUNT(*) FROM election_candidates k JOIN election_rounds d ON d.id = k.round_id"
		    " WHERE d.election_id = p.election_id AND k.name = p.title AND k.status = 'elected'),"
		    " COALESCE((SELECT k.n_for FROM election_candidates k JOIN election_rounds d ON d.id = k.round_id"
		    " WHERE d.election_id = p.election_id AND k.name = p.title ORDER BY d.no DESC LIMIT 1), 0)"
		    " FROM projects p WHERE p.election_id = ? AND p.state = 'voting' ORDER BY p.id",
		    "i", election_id))
		goto out;
	if (!r->nrows) {
		tx_fail(&t, E_CONFLICT, "bad_state", "本次票决的结果已经登记");
		goto out;
	}
	for (int i = 0; i < r->nrows && tx_ok(&t); i++) {
		struct vote_ctx x = {election_id, db_int(r, i, 1) > 0, db_int(r, i, 2)};
		chosen += x.elected;
		vote_step(&t, db_int(r, i, 0), "result", &x);
	}
	if (tx_ok(&t))
		*out = json_pack("{s:I,s:i,s:I}", "election_id", (json_int_t)election_id,
				 "projects", r->nrows, "chosen", (json_int_t)chosen);
out:
	db_res_free(k);
	db_res_free(r);
	rc = tx_end(&t);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- photos and the public page ---- */

int project_photo(struct db *db, const struct actor *a, int64_t id, int n, char **data, size_t *len,
		  const char **mime, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *ph = NULL;
	int rc;

	*data = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	c = db_acquire(db);
	if ((rc = load_row(c, a, id, &r, e)) ||
	    (rc = db_execv(c, &ph, e, "SELECT mime, data FROM project_photos WHERE project_id = ? ORDER BY id LIMIT 1 OFFSET ?",
			   "ii", id, (int64_t)(n > 0 ? n - 1 : 0))))
		goto out;
	if (n < 1 || !ph->nrows) {
		rc = err_set(e, E_NOTFOUND, "not_found", "照片不存在");
		goto out;
	}
	{
		unsigned char *bin;
		if (util_base64_decode(db_val(ph, 0, 1), PHOTO_MAX_BYTES, &bin, len)) {
			rc = err_set(e, E_INTERNAL, "bad_photo", "照片数据损坏");
			goto out;
		}
		*data = (char *)bin;
		*mime = !strcmp(db_val(ph, 0, 0), "image/png") ? "image/png" : "image/jpeg";
	}
out:
	db_res_free(r);
	db_res_free(ph);
	db_release(db, c);
	return rc;
}

struct public_ctx {
	const char *region;
	int64_t year;
	json_t **out;
};

static int public_read(struct db_conn *c, void *ctx, struct err *e)
{
	static const struct col pcols[] = {
		{"id", COL_INT},
		{"region_name", COL_STR},
		{"year", COL_INT},
		{"title", COL_STR},
		{"summary", COL_STR},
		{"state", COL_STR},
		{"handler_name", COL_STR},
		{"budget", COL_INT},
		{"progress", COL_INT},
		{"published_at", COL_INT},
		{NULL, 0}};
	static const struct col mcols[] = {
		{"project_id", COL_INT}, {"no", COL_INT}, {"title", COL_STR}, {"due_on", COL_STR}, {NULL, 0}};
	static const struct col rcols[] = {{"project_id", COL_INT},
					   {"body", COL_STR},
					   {"progress", COL_INT},
					   {"created_at", COL_INT},
					   {NULL, 0}};
	struct public_ctx *x = ctx;
	struct db_res *r = NULL, *ms = NULL, *rs = NULL, *g = NULL;
	char pat[REGION_PATTERN_MAX];
	json_t *items = NULL, *mj = NULL, *rj = NULL;
	size_t i, mi = 0, ri = 0;
	json_t *v;
	int rc;

	if ((rc = db_execv(c, &g, e, "SELECT path, name FROM regions WHERE code = ?", "s", x->region)))
		return rc;
	if (!g->nrows) {
		db_res_free(g);
		return err_set(e, E_NOTFOUND, "not_found", "地区不存在");
	}
	region_like_pattern(db_val(g, 0, 0), pat, sizeof(pat));
#define PUB_WHERE \
	" WHERE p.region_path LIKE ? AND p.year = ? AND p.state IN ('published','implementing','done')"
	if ((rc = db_execv(c, &r, e,
			   "SELECT p.id, g.name, p.year, p.title, p.summary, p.state, h.name, p.budget, p.progress,"
			   " p.published_at FROM projects p JOIN regions g ON g.code = p.region_code"
			   " LEFT JOIN handlers h ON h.id = p.handler_id" PUB_WHERE " ORDER BY p.region_path, p.id",
			   "si", pat, x->year)) ||
	    (rc = db_execv(c, &ms, e,
			   "SELECT m.project_id, m.no, m.title, m.due_on FROM project_milestones m"
			   " JOIN projects p ON p.id = m.project_id" PUB_WHERE " ORDER BY p.region_path, p.id, m.no",
			   "si", pat, x->year)) ||
	    (rc = db_execv(c, &rs, e,
			   "SELECT k.project_id, k.body, k.progress, k.created_at FROM project_reports k"
			   " JOIN projects p ON p.id = k.project_id" PUB_WHERE " AND k.kind = 'progress'"
			   " ORDER BY p.region_path, p.id, k.id DESC",
			   "si", pat, x->year)))
		goto out;
	items = rows_array(r, pcols);
	mj = rows_array(ms, mcols);
	rj = rows_array(rs, rcols);
	/* the three lists come in the same project order: one walk joins them */
	json_array_foreach(items, i, v) {
		json_t *own = json_array(), *latest = json_null(), *w;
		json_int_t id = json_integer_value(json_object_get(v, "id"));
		json_object_set_new(
			v, "state_name",
			json_string(project_state_name(json_string_value(json_object_get(v, "state")))));
		for (; mi < json_array_size(mj) &&
		       json_integer_value(json_object_get(w = json_array_get(mj, mi), "project_id")) == id;
		     mi++)
			json_array_append(own, w);
		for (; ri < json_array_size(rj) &&
		       json_integer_value(json_object_get(w = json_array_get(rj, ri), "project_id")) == id;
		     ri++)
			if (json_is_null(latest))
				latest = json_incref(w);
		json_object_set_new(v, "milestones", own);
		json_object_set_new(v, "latest_report", latest);
	}
	*x->out = json_pack("{s:s,s:s,s:I,s:O}", "region_code", x->region, "region_name",
			    db_val(g, 0, 1), "year", (json_int_t)x->year, "items", items);
out:
	json_decref(items);
	json_decref(mj);
	json_decref(rj);
	db_res_free(g);
	db_res_free(r);
	db_res_free(ms);
	db_res_free(rs);
	return rc;
#undef PUB_WHERE
}

int project_public_list(struct db *db, const char *region, int64_t year, json_t **out, struct err *e)
{
	struct public_ctx x = {region, year, out};
	*out = NULL;
	if (!region || !*region || strlen(region) > 12)
		return err_field(e, E_INVALID, "missing_field", "region", "请选择地区");
	if (year < 2000 || year > 2100)
		return err_field(e, E_INVALID, "bad_param", "year", "年度应为 2000 至 2100 之间的年份");
	return db_read(db, public_read, &x, e);
}

/* ---- the demo ---- */

int project_insert_demo(struct db_conn *c, json_t *spec, int64_t *id, struct err *e)
{
	struct tx t;
	struct actor a = {0};
	snprintf(a.username, sizeof(a.username), "(demo)");
	tx_join(&t, c, &a, e);
	insert_project(&t, jsonx_str(spec, "region_code"), jsonx_str(spec, "region_path"),
		       jsonx_int(spec, "year", 0), jsonx_str(spec, "title"),
		       jsonx_str_or(spec, "summary", ""), jsonx_str(spec, "source"),
		       jsonx_int(spec, "opinion_id", 0), jsonx_int(spec, "deputy_id", 0),
		       jsonx_str_or(spec, "proposer", ""), jsonx_str(spec, "state"), id);
	tx_exec(&t, NULL,
		"UPDATE projects SET reason = ?, handler_id = ?, budget = ?, plan = ?, progress = ?, review = ?,"
		" votes = ?, published_at = ? WHERE id = ?",
		"snnsisnni", jsonx_str(spec, "reason"), (int64_t)jsonx_int(spec, "handler_id", 0),
		(int64_t)jsonx_int(spec, "budget", 0), jsonx_str_or(spec, "plan", ""),
		(int64_t)jsonx_int(spec, "progress", 0), jsonx_str_or(spec, "review", ""),
		(int64_t)jsonx_int(spec, "votes", 0), (int64_t)jsonx_int(spec, "published_at", 0), *id);
	{
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(spec, "milestones"), i, v)
			tx_exec(&t, NULL, "INSERT INTO project_milestones (project_id, no, title, due_on) VALUES (?,?,?,?)",
				"iiss", *id, (int64_t)(i + 1),
				json_string_value(json_object_get(v, "title")),
				json_string_value(json_object_get(v, "due_on")));
		json_array_foreach(json_object_get(spec, "reports"), i, v)
			tx_exec(&t, NULL,
				"INSERT INTO project_reports (project_id, kind, body, progress, handler_id, deputy_id, actor,"
				" created_at) VALUES (?,?,?,?,?,?,?,?)",
				"issnnnsi", *id, jsonx_str(v, "kind"), jsonx_str(v, "body"),
				(int64_t)jsonx_int(v, "progress", 0),
				(int64_t)jsonx_int(v, "handler_id", 0),
				(int64_t)jsonx_int(v, "deputy_id", 0), jsonx_str_or(v, "actor", "示范"),
				(int64_t)jsonx_int(v, "created_at", 0));
	}
	event_row(&t, *id, "create", NULL, jsonx_str(spec, "state"), "示范数据");
	return tx_end(&t);
}
