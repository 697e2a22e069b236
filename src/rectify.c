#include "rectify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "buf.h"
#include "calendar.h"
#include "chase.h"
#include "jsonx.h"
#include "limit.h"
#include "notice.h"
#include "opinion.h"
#include "supervision.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "step.h"
#include "tx.h"

#define PROBLEMS_MAX 50

/* ---- sources ---- */

/* The kinds a rectification grows from, each with its module's own read rule (0, or an error
 * when the actor may not read item id) and the SQL of its reference for display. A new kind
 * is one line here. */
struct source {
	const char *kind, *label;
	int (*readable)(struct db_conn *c, const struct actor *a, int64_t id, struct err *e);
	const char *ref_sql;
};
static const struct source sources[] = {
	{"opinion", "群众意见", opinion_visible_in, "SELECT tracking_code FROM opinions WHERE id = ?"},
	{"supervision_opinion", "审议意见", supervision_opinion_visible_in,
	 "SELECT s.title FROM supervision_opinions o JOIN supervision_items s ON s.id = o.item_id WHERE o.id = ?"},
};

static const struct source *source_of(const char *kind)
{
	for (size_t i = 0; i < ARRAY_LEN(sources); i++)
		if (kind && !strcmp(sources[i].kind, kind))
			return &sources[i];
	return NULL;
}

/* ---- states ---- */

static const char *state_name(const char *s)
{
	static const char *const names[][2] = {
		{"todo", "待整改"}, {"in_progress", "整改中"}, {"claimed", "已报整改完成"}, {"verified", "已验收"}};
	return UTIL_LABEL(names, s, "");
}

const char *rectify_due(const char *state, int32_t today, int32_t deadline, int warn_days)
{
	if (!state || (strcmp(state, "todo") && strcmp(state, "in_progress")))
		return "";
	if (today > deadline)
		return "overdue";
	if (deadline - today <= warn_days)
		return "warn";
	return "";
}

/* ---- who ---- */

static int is_staff(const struct actor *a)
{
	return role_can(a->role, PERM_OPINION_MANAGE);
}

static int is_unit(const struct actor *a)
{
	return role_is_handler(a->role) && a->handler_id > 0;
}

static int can_read(const struct actor *a, struct err *e)
{
	if (!is_staff(a) && !is_unit(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看整改事项");
	return 0;
}

static int can_manage(const struct actor *a, struct err *e)
{
	if (!is_staff(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有人大工作人员可以交办整改事项");
	return 0;
}

/* ---- one problem ---- */

enum {
	P_ID,
	P_RECT,
	P_SEQ,
	P_DESC,
	P_HANDLER,
	P_DEADLINE,
	P_STATE,
	P_REOPENED,
	P_CLAIMED,
	P_VERIFIED,
	P_CREATED,
	P_HNAME,
	P_PATH,
	P_TITLE,
	P_REGION,
	P_REGION_NAME,
	P_FILES,
	P_ON
};
#define PROBLEM_COLS                                                                                \
	"p.id, p.rectification_id, p.seq, p.description, p.handler_id, p.deadline, p.state,"        \
	" p.reopened, p.claimed_on, p.verified_on, p.created_at, h.name, r.path, x.title,"          \
	" x.region_code, r.name, (SELECT COUNT(*) FROM rectify_files f WHERE f.problem_id = p.id)," \
	" x.created_on"
#define PROBLEM_FROM                                                                  \
	" FROM rectify_problems p JOIN rectifications x ON x.id = p.rectification_id" \
	" JOIN handlers h ON h.id = p.handler_id JOIN regions r ON r.code = x.region_code"

/* The warning line of problems in the region at path: *warn is rectify.warn_days. */
static int warn_days(struct db_conn *c, const char *path, int *warn, struct err *e)
{
	return settings_int(c, path, "rectify.warn_days", warn, e);
}

static json_t *problem_json(struct db_conn *c, const struct db_res *r, int i)
{
	const char *state = db_val(r, i, P_STATE);
	json_t *o = json_object();
	int32_t d = 0;
	int warn = 0;
	struct err ignore;
	if (cal_parse(db_val(r, i, P_DEADLINE), &d) || warn_days(c, db_val(r, i, P_PATH), &warn, &ignore))
		d = cal_today() + 36500; /* a stored deadline always parses; no warning without one */
	json_object_set_new(o, "id", json_integer(db_int(r, i, P_ID)));
	json_object_set_new(o, "rectification_id", json_integer(db_int(r, i, P_RECT)));
	json_object_set_new(o, "seq", json_integer(db_int(r, i, P_SEQ)));
	json_object_set_new(o, "description", json_string(db_val(r, i, P_DESC)));
	json_object_set_new(o, "handler_id", json_integer(db_int(r, i, P_HANDLER)));
	json_object_set_new(o, "handler_name", json_string(db_val(r, i, P_HNAME)));
	json_object_set_new(o, "deadline", json_string(db_val(r, i, P_DEADLINE)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(state_name(state)));
	json_object_set_new(o, "due", json_string(rectify_due(state, cal_today(), d, warn)));
	json_object_set_new(o, "reopened", json_integer(db_int(r, i, P_REOPENED)));
	json_object_set_new(o, "claimed_on", rows_str(db_val(r, i, P_CLAIMED)));
	json_object_set_new(o, "verified_on", rows_str(db_val(r, i, P_VERIFIED)));
	json_object_set_new(o, "title", json_string(db_val(r, i, P_TITLE)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, P_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, P_REGION_NAME)));
	json_object_set_new(o, "file_count", json_integer(db_int(r, i, P_FILES)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, P_CREATED)));
	return o;
}

/* Whether a may read problem row i: staff of the rectification's region subtree, the unit
 * responsible for it; E_NOTFOUND otherwise, so that existence does not leak. */
static int problem_visible(const struct actor *a, const struct db_res *r, int i, struct err *e)
{
	if (is_unit(a) ? db_int(r, i, P_HANDLER) == a->handler_id
		       : is_staff(a) && region_path_in_scope(a, db_val(r, i, P_PATH)))
		return 0;
	return err_set(e, E_NOTFOUND, "not_found", "整改问题不存在");
}

static int load_problem(struct db_conn *c, const struct actor *a, int64_t id, struct db_res **out,
			struct err *e)
{
	int rc = db_execv(c, out, e, "SELECT " PROBLEM_COLS PROBLEM_FROM " WHERE p.id = ?", "i", id);
	if (rc)
		return rc;
	if ((*out)->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "整改问题不存在");
	else if (a)
		rc = problem_visible(a, *out, 0, e);
	if (rc) {
		db_res_free(*out);
		*out = NULL;
	}
	return rc;
}

/* The problem with its evidence files and history (rows_load_fn). */
static int problem_item(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	static const struct col fcols[] = {{"id", COL_INT},         {"name", COL_STR},
					   {"mime", COL_STR},       {"size", COL_INT},
					   {"created_at", COL_INT}, {NULL, 0}};
	static const struct col ecols[] = {
		{"action", COL_STR},
		{"from_state", COL_STR},
		{"to_state", COL_STR},
		{"actor", COL_STR},
		{"note", COL_STR},
		{"created_at", COL_INT},
		{NULL, 0}};
	struct db_res *r = NULL;
	json_t *o;
	int rc;

	*out = NULL;
	if ((rc = load_problem(c, a, id, &r, e)))
		return rc;
	o = problem_json(c, r, 0);
	db_res_free(r);
	if ((rc = rows_attach(c, o, "files", fcols, e, "SELECT id, name, mime, size, created_at FROM rectify_files WHERE problem_id = ? ORDER BY id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "events", ecols, e,
			      "SELECT action, from_state, to_state, actor, note, created_at FROM rectify_events"
			      " WHERE problem_id = ? ORDER BY id",
			      "i", id))) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int problem_item_may(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	int rc = can_read(a, e);
	return rc ? rc : problem_item(c, a, id, out, e);
}

int rectify_problem_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, problem_item, a, id, "problem", out, e);
}

/* ---- evidence files ---- */

static int store_files(struct tx *t, int64_t id, json_t *files)
{
	size_t i;
	json_t *v;
	json_array_foreach(files, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *data = json_string_value(json_object_get(v, "data"));
		if (tx_exec(t, NULL,
			    "INSERT INTO rectify_files (problem_id, name, mime, size, data, actor_id, created_at)"
			    " VALUES (?,?,?,?,?,?,?)",
			    "issisni", id, name, attach_mime(name, data),
			    (int64_t)(strlen(data) / 4 * 3), data, t->a->account_id, util_now()))
			break;
	}
	return t->rc;
}

/* ---- the board's counts ---- */

/* Adds delta to unit handler_id's count of problems in state (NULL: none) and reopened to its
 * count of reopened ones, for rectifications of region created in the year of created_on. */
static int count_add(struct db_conn *c, int64_t handler_id, const char *region, const char *created_on,
		     const char *state, int delta, int reopened, struct err *e)
{
	static const char *const states[] = {"todo", "in_progress", "claimed", "verified", NULL};
	int64_t d[4] = {0, 0, 0, 0};
	char year[5];
	int i = util_index_of(state, states);
	if (i >= 0)
		d[i] = delta;
	snprintf(year, sizeof(year), "%.4s", created_on);
	return db_execv(
		c, NULL, e,
		"INSERT INTO rectify_counts (handler_id, region_code, year, todo, in_progress, claimed,"
		" verified, reopened) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (handler_id, region_code, year)"
		" DO UPDATE SET todo = rectify_counts.todo + excluded.todo,"
		" in_progress = rectify_counts.in_progress + excluded.in_progress,"
		" claimed = rectify_counts.claimed + excluded.claimed,"
		" verified = rectify_counts.verified + excluded.verified,"
		" reopened = rectify_counts.reopened + excluded.reopened",
		"issiiiii", handler_id, region, year, d[0], d[1], d[2], d[3], (int64_t)reopened);
}

/* ---- the state machine ---- */

static int may_unit(struct step_run *s)
{
	if (!is_unit(s->a) || db_int(s->row, 0, P_HANDLER) != s->a->handler_id)
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有整改责任单位可以办理这一步");
	return 0;
}

/* Verification and reopening belong to the congress unit: the responsible unit never judges
 * its own rectification. */
static int may_verify(struct step_run *s)
{
	if (role_is_handler(s->a->role))
		return tx_fail(&s->t, E_FORBIDDEN, "self_verify",
			       "整改责任单位不能验收或重新打开本单位的整改，须由人大工作人员验收");
	if (!is_staff(s->a))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有人大工作人员可以验收整改");
	return 0;
}

static int may_staff(struct step_run *s)
{
	if (!is_staff(s->a))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有人大工作人员可以催办整改");
	return 0;
}

static int take_note(struct step_run *s, const char *field, const char *label, int min)
{
	const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
				      {field, JF_STR, min > 0, min, LIMIT_TEXT_CHARS, label},
				      {"files", JF_ARR, 0, 0, ATTACH_FILES_MAX, "整改佐证材料"},
				      {NULL, 0, 0, 0, 0, NULL}};
	const char *note;
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)))
		return s->t.rc;
	note = jsonx_str_or(s->in, field, "");
	if (min > 0 && tx_check(&s->t, jsonx_need_text(s->in, field, label, min, s->t.e)))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "%s", note);
	return 0;
}

static int run_start(struct step_run *s)
{
	return take_note(s, "note", "说明", 0);
}

static int run_claim(struct step_run *s)
{
	char today[11];
	cal_format(cal_today(), today);
	if (take_note(s, "note", "整改情况说明", 5) ||
	    tx_check(&s->t, attach_check(json_object_get(s->in, "files"), "files", s->t.e)))
		return s->t.rc;
	if (json_object_get(s->in, "files"))
		store_files(&s->t, s->id, json_object_get(s->in, "files"));
	return tx_exec(&s->t, NULL, "UPDATE rectify_problems SET claimed_on = ? WHERE id = ?", "si",
		       today, s->id);
}

static int run_verify(struct step_run *s)
{
	char today[11];
	cal_format(cal_today(), today);
	if (take_note(s, "note", "验收意见", 0))
		return s->t.rc;
	return tx_exec(&s->t, NULL, "UPDATE rectify_problems SET verified_on = ? WHERE id = ?",
		       "si", today, s->id);
}

static int run_reopen(struct step_run *s)
{
	char title[300], link[64];
	if (take_note(s, "reason", "重新整改的理由", 5) ||
	    tx_exec(&s->t, NULL,
		    "UPDATE rectify_problems SET reopened = reopened + 1, claimed_on = NULL,"
		    " verified_on = NULL WHERE id = ?",
		    "i", s->id))
		return s->t.rc;
	snprintf(title, sizeof(title), "整改问题被退回重新整改：%s", db_val(s->row, 0, P_TITLE));
	notice_link("rectify-tasks", s->id, link, sizeof(link));
	return tx_check(&s->t, notice_handler(s->t.c, db_int(s->row, 0, P_HANDLER), "rectify",
					      title, link, s->t.e));
}

/* 催办 through chase.c: counted with the unit's other chases, the unit told in-app and by text. */
static int run_chase(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"message", JF_STR, 0, 0, 200, "催办内容"},
					     {NULL, 0, 0, 0, 0, NULL}};
	char title[300], link[64], msg[400];
	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)) ||
	    tx_check(&s->t, chase_due(s->t.c, db_val(s->row, 0, P_PATH),
				      db_val(s->row, 0, P_DEADLINE), s->t.e)))
		return s->t.rc;
	snprintf(msg, sizeof(msg), "%s",
		 jsonx_str_or(s->in, "message", "请抓紧整改，按期报送整改情况和佐证材料"));
	snprintf(title, sizeof(title), "整改催办：%s（期限 %s）", db_val(s->row, 0, P_TITLE),
		 db_val(s->row, 0, P_DEADLINE));
	notice_link("rectify-tasks", s->id, link, sizeof(link));
	snprintf(s->note, sizeof(s->note), "%s", msg);
	return tx_check(&s->t, chase_record(s->t.c, s->a, "rectify_problem", s->id,
					    db_int(s->row, 0, P_HANDLER), msg, title, link, s->t.e));
}

static int load_step(struct step_run *s)
{
	if (tx_check(&s->t, load_problem(s->t.c, s->a, s->id, &s->row, s->t.e)))
		return s->t.rc;
	s->state = db_val(s->row, 0, P_STATE);
	s->before = problem_json(s->t.c, s->row, 0);
	return 0;
}

static int event_step(struct step_run *s)
{
	const struct actor *a = s->t.a;
	if (s->to && strcmp(s->from, s->to)) {
		int64_t hid = db_int(s->row, 0, P_HANDLER);
		const char *region = db_val(s->row, 0, P_REGION), *on = db_val(s->row, 0, P_ON);
		/* a problem reopened for the first time counts among the reopened */
		int first_reopen = !strcmp(s->step->name, "reopen") && db_int(s->row, 0, P_REOPENED) == 0;
		if (tx_check(&s->t, count_add(s->t.c, hid, region, on, s->from, -1, 0, s->t.e)) ||
		    tx_check(&s->t, count_add(s->t.c, hid, region, on, s->to, 1, first_reopen, s->t.e)))
			return s->t.rc;
	}
	return tx_exec(&s->t, NULL,
		       "INSERT INTO rectify_events (problem_id, action, from_state, to_state, actor, note,"
		       " created_at) VALUES (?,?,?,?,?,?,?)",
		       "isssssi", s->id, s->step->name, s->from, s->to ? s->to : s->from,
		       a->display_name[0] ? a->display_name : a->username, s->note, util_now());
}

static int after_step(struct step_run *s)
{
	return tx_check(&s->t, problem_item(s->t.c, NULL, s->id, &s->after, s->t.e));
}

static const struct step steps[] = {
	{"start", "开始整改", "todo", "in_progress", may_unit, run_start},
	{"claim", "报整改完成", "todo in_progress", "claimed", may_unit, run_claim},
	{"verify", "验收通过", "claimed", "verified", may_verify, run_verify},
	{"reopen", "退回重新整改", "claimed verified", "in_progress", may_verify, run_reopen},
	{"chase", "催办", "todo in_progress", NULL, may_staff, run_chase},
};

static const struct step_machine machine = {
	.object_type = "rectify_problem",
	.table = "rectify_problems",
	.what = "整改问题",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.event = event_step,
	.after = after_step,
	.state_label = state_name,
};

const char *rectify_next_state(const char *state, const char *action)
{
	return step_next(&machine, state, action);
}

json_t *rectify_labels(void)
{
	json_t *o = step_labels(&machine, NULL), *src = json_object();
	for (size_t i = 0; i < ARRAY_LEN(sources); i++)
		json_object_set_new(src, sources[i].kind, json_string(sources[i].label));
	json_object_set_new(o, "sources", src);
	return o;
}

int rectify_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	json_t *after = NULL;
	int rc;
	*out = NULL;
	/* who and which problem before what the body asks */
	if ((rc = can_read(a, e)) || (rc = tx_visible(db, a, id, problem_item_may, e)))
		return rc;
	if (!(rc = step_run(db, &machine, a, id, in, NULL, &after, e)))
		*out = json_pack("{s:o}", "problem", after);
	return rc;
}

int rectify_add_files(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e)
{
	static const struct jfield spec[] = {{"files", JF_ARR, 1, 1, ATTACH_FILES_MAX, "整改佐证材料"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = can_read(a, e)) || (rc = tx_visible(db, a, id, problem_item_may, e)) ||
	    (rc = jsonx_check(in, spec, e)) ||
	    (rc = attach_check(json_object_get(in, "files"), "files", e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "rectify_problems", id, "整改问题") ||
	    tx_check(&t, load_problem(t.c, a, id, &r, e)))
		goto out;
	if (!strcmp(db_val(r, 0, P_STATE), "verified")) {
		tx_fail(&t, E_CONFLICT, "bad_state", "该问题已验收，不能再添加佐证材料");
		goto out;
	}
	store_files(&t, id, json_object_get(in, "files"));
	tx_exec(&t, NULL,
		"INSERT INTO rectify_events (problem_id, action, from_state, to_state, actor, note, created_at)"
		" VALUES (?,?,?,?,?,?,?)",
		"isssssi", id, "files", db_val(r, 0, P_STATE), db_val(r, 0, P_STATE),
		a->display_name[0] ? a->display_name : a->username, "上传整改佐证材料", util_now());
	if (tx_ok(&t) && !tx_check(&t, problem_item(t.c, NULL, id, &o, e)))
		tx_audit(&t, "rectify_problem.files", "rectify_problem", id, NULL, o);
out:
	db_res_free(r);
	return tx_end_reply(&t, "problem", o, out);
}

int rectify_file(struct db *db, const struct actor *a, int64_t id, int64_t file_id, char **data,
		 size_t *len, json_t **meta, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *f = NULL;
	int rc;

	*data = NULL;
	*meta = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	c = db_acquire(db);
	if ((rc = load_problem(c, a, id, &r, e)) ||
	    (rc = db_execv(c, &f, e, "SELECT name, mime, data FROM rectify_files WHERE id = ? AND problem_id = ?",
			   "ii", file_id, id)))
		goto out;
	if (!f->nrows) {
		rc = err_set(e, E_NOTFOUND, "not_found", "佐证材料不存在");
		goto out;
	}
	{
		unsigned char *bin;
		if (util_base64_decode(db_val(f, 0, 2), ATTACH_FILE_MAX_BYTES, &bin, len)) {
			rc = err_set(e, E_INTERNAL, "bad_file", "佐证材料已损坏");
			goto out;
		}
		*data = (char *)bin;
		*meta = json_pack("{s:s, s:s}", "name", db_val(f, 0, 0), "mime", db_val(f, 0, 1));
	}
out:
	db_res_free(f);
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* ---- one rectification ---- */

enum {
	X_ID,
	X_REGION,
	X_REGION_NAME,
	X_PATH,
	X_KIND,
	X_SOURCE,
	X_TITLE,
	X_BODY,
	X_ON,
	X_BY,
	X_CREATED
};
#define RECT_COLS                                                                           \
	"x.id, x.region_code, r.name, r.path, x.source_kind, x.source_id, x.title, x.body," \
	" x.created_on, COALESCE(ac.display_name, ''), x.created_at"
#define RECT_FROM                                                         \
	" FROM rectifications x JOIN regions r ON r.code = x.region_code" \
	" LEFT JOIN accounts ac ON ac.id = x.created_by"

static json_t *rect_json(struct db_conn *c, const struct db_res *r, int i)
{
	const struct source *src = source_of(db_val(r, i, X_KIND));
	json_t *o = json_object();
	struct db_res *ref = NULL;
	struct err ignore;
	json_object_set_new(o, "id", json_integer(db_int(r, i, X_ID)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, X_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, X_REGION_NAME)));
	json_object_set_new(o, "source_kind", json_string(db_val(r, i, X_KIND)));
	json_object_set_new(o, "source_name", json_string(src ? src->label : ""));
	json_object_set_new(o, "source_id", json_integer(db_int(r, i, X_SOURCE)));
	if (src && !db_execv(c, &ref, &ignore, src->ref_sql, "i", db_int(r, i, X_SOURCE)) && ref->nrows)
		json_object_set_new(o, "source_ref", json_string(db_val(ref, 0, 0)));
	else
		json_object_set_new(o, "source_ref", json_null());
	db_res_free(ref);
	json_object_set_new(o, "title", json_string(db_val(r, i, X_TITLE)));
	json_object_set_new(o, "body", json_string(db_val(r, i, X_BODY)));
	json_object_set_new(o, "created_on", json_string(db_val(r, i, X_ON)));
	json_object_set_new(o, "created_by", json_string(db_val(r, i, X_BY)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, X_CREATED)));
	return o;
}

/* The rectification as a may see it (rows_load_fn): staff of its region's subtree with every
 * problem, a unit with a problem in it with its own problems only; E_NOTFOUND otherwise. */
static int rect_item(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL, *ps = NULL;
	struct buf sql = BUF_INIT_CAP(4096);
	json_t *o = NULL, *arr;
	int rc;

	*out = NULL;
	if ((rc = db_execv(c, &r, e, "SELECT " RECT_COLS RECT_FROM " WHERE x.id = ?", "i", id)))
		goto out;
	if (!r->nrows || (!is_unit(a) && !region_path_in_scope(a, db_val(r, 0, X_PATH)))) {
		rc = err_set(e, E_NOTFOUND, "not_found", "整改事项不存在");
		goto out;
	}
	buf_adds(&sql, "SELECT " PROBLEM_COLS PROBLEM_FROM " WHERE p.rectification_id = ?");
	if (is_unit(a))
		buf_addf(&sql, " AND p.handler_id = %lld", (long long)a->handler_id);
	buf_adds(&sql, " ORDER BY p.seq");
	if (buf_failed(&sql)) {
		rc = err_set(e, E_INTERNAL, "too_long", "查询过长");
		goto out;
	}
	if ((rc = db_execv(c, &ps, e, sql.data, "i", id)))
		goto out;
	if (is_unit(a) && !ps->nrows) {
		rc = err_set(e, E_NOTFOUND, "not_found", "整改事项不存在");
		goto out;
	}
	o = rect_json(c, r, 0);
	arr = json_array();
	for (int i = 0; i < ps->nrows; i++)
		json_array_append_new(arr, problem_json(c, ps, i));
	json_object_set_new(o, "problems", arr);
	*out = o;
out:
	buf_release(&sql);
	db_res_free(r);
	db_res_free(ps);
	return rc;
}

int rectify_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, rect_item, a, id, "rectification", out, e);
}

/* Checks the problems of a new rectification and the units responsible, within the actor's
 * scope and active; each deadline a date not before today. */
static int check_problems(struct tx *t, json_t *problems, int32_t today)
{
	static const struct jfield spec[] = {{"description", JF_STR, 1, 2, LIMIT_TEXT_CHARS, "问题描述"},
					     {"handler_id", JF_INT, 1, 1, INT64_MAX, "责任单位"},
					     {"deadline", JF_STR, 1, 10, 10, "整改期限"},
					     {NULL, 0, 0, 0, 0, NULL}};
	size_t i;
	json_t *v;
	json_array_foreach(problems, i, v) {
		char field[48];
		int32_t d;
		int64_t hid;
		struct db_res *h = NULL;
		if (!json_is_object(v))
			return tx_fail_field(t, E_INVALID, "bad_field", "problems",
					     "第%zu个问题格式不正确", i + 1);
		if (tx_check(t, jsonx_check(v, spec, t->e))) {
			/* name the problem's row in the field and the message */
			char name[96], msg[sizeof(t->e->msg) + 64];
			snprintf(name, sizeof(name), "problems[%zu].%s", i, t->e->field);
			snprintf(msg, sizeof(msg), "第%zu个问题：%s", i + 1, t->e->msg);
			snprintf(t->e->field, sizeof(t->e->field), "%.*s",
				 (int)sizeof(t->e->field) - 1, name);
			snprintf(t->e->msg, sizeof(t->e->msg), "%.*s", (int)sizeof(t->e->msg) - 1, msg);
			return t->rc;
		}
		snprintf(field, sizeof(field), "problems[%zu].deadline", i);
		if (cal_parse(jsonx_str(v, "deadline"), &d))
			return tx_fail_field(t, E_INVALID, "bad_date", field,
					     "第%zu个问题的整改期限应为有效日期（YYYY-MM-DD）", i + 1);
		if (d < today) {
			char s[11];
			cal_format(today, s);
			return tx_fail_field(t, E_INVALID, "deadline_past", field,
					     "第%zu个问题的整改期限不能早于交办日期（%s）", i + 1, s);
		}
		hid = json_integer_value(json_object_get(v, "handler_id"));
		snprintf(field, sizeof(field), "problems[%zu].handler_id", i);
		if (tx_exec(t, &h,
			    "SELECT h.active, r.path FROM handlers h JOIN regions r ON r.code = h.region_code"
			    " WHERE h.id = ?",
			    "i", hid))
			return t->rc;
		if (!h->nrows || !region_path_in_scope(t->a, db_val(h, 0, 1)))
			tx_fail_field(t, E_INVALID, "bad_handler", field,
				      "第%zu个问题的责任单位不存在", i + 1);
		else if (!db_int(h, 0, 0))
			tx_fail_field(t, E_INVALID, "bad_handler", field,
				      "第%zu个问题的责任单位已停用", i + 1);
		db_res_free(h);
		if (t->rc)
			return t->rc;
	}
	return 0;
}

int rectify_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"source_kind", JF_STR, 1, 1, 32, "来源类别"},
		{"source_id", JF_INT, 1, 1, INT64_MAX, "来源"},
		{"title", JF_STR, 1, 2, 200, "整改事项名称"},
		{"body", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "整改要求"},
		{"region_code", JF_STR, 0, 1, 15, "所属人大"},
		{"problems", JF_ARR, 1, 1, PROBLEMS_MAX, "问题清单"},
		{NULL, 0, 0, 0, 0, NULL}};
	const struct source *src;
	struct err unread;
	struct tx t;
	struct db_res *r = NULL;
	json_t *problems, *v, *o = NULL;
	char today[11], path[160], title[300], link[64];
	int64_t id = 0;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = can_manage(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!(src = source_of(jsonx_str(in, "source_kind"))))
		return err_field(e, E_INVALID, "bad_source", "source_kind", "来源类别无效");
	problems = json_object_get(in, "problems");
	if (!json_array_size(problems))
		return err_field(e, E_INVALID, "missing_field", "problems", "请至少列出一个问题");
	cal_format(cal_today(), today);
	tx_begin(&t, db, a, e);
	if (tx_check(&t, region_scope_field(t.c, a, jsonx_str_or(in, "region_code", a->region_code),
					    "region_code", "所属人大", path, sizeof(path), e)))
		goto out;
	/* the source by its module's own read rule: one the actor may not read is not there */
	if (src->readable(t.c, a, json_integer_value(json_object_get(in, "source_id")), &unread)) {
		tx_fail_field(&t, E_INVALID, "bad_source", "source_id", "来源%s不存在", src->label);
		goto out;
	}
	if (check_problems(&t, problems, cal_today()) ||
	    tx_exec(&t, &r,
		    "INSERT INTO rectifications (region_code, source_kind, source_id, title, body, created_on,"
		    " created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
		    "ssisssnii", jsonx_str_or(in, "region_code", a->region_code), src->kind,
		    (int64_t)json_integer_value(json_object_get(in, "source_id")), jsonx_str(in, "title"),
		    jsonx_str_or(in, "body", ""), today, a->account_id, util_now(), util_now()))
		goto out;
	id = db_int(r, 0, 0);
	json_array_foreach(problems, i, v) {
		struct db_res *pr = NULL;
		if (tx_exec(&t, &pr,
			    "INSERT INTO rectify_problems (rectification_id, seq, description, handler_id, deadline,"
			    " state, created_at, updated_at) VALUES (?,?,?,?,?,'todo',?,?) RETURNING id",
			    "iisisii", id, (int64_t)(i + 1), jsonx_str(v, "description"),
			    (int64_t)json_integer_value(json_object_get(v, "handler_id")),
			    jsonx_str(v, "deadline"), util_now(), util_now()))
			break;
		snprintf(title, sizeof(title), "整改通知：%s（期限 %s）", jsonx_str(in, "title"),
			 jsonx_str(v, "deadline"));
		notice_link("rectify-tasks", db_int(pr, 0, 0), link, sizeof(link));
		db_res_free(pr);
		if (tx_ok(&t))
			tx_check(&t, count_add(t.c, (int64_t)json_integer_value(json_object_get(v, "handler_id")),
					       jsonx_str_or(in, "region_code", a->region_code),
					       today, "todo", 1, 0, e));
		tx_check(&t, notice_handler(t.c, (int64_t)json_integer_value(json_object_get(v, "handler_id")),
					    "rectify", title, link, e));
	}
	if (tx_ok(&t) && !tx_check(&t, rect_item(t.c, a, id, &o, e)))
		tx_audit(&t, "rectification.create", "rectification", id, NULL, o);
out:
	db_res_free(r);
	rc = tx_end_reply(&t, "rectification", o, out);
	return rc;
}

/* ---- lists ---- */

struct list_run {
	const struct actor *a;
	const struct rectify_filter *f;
	const struct listq *q;
	json_t **out;
};

/* The year filter of x.created_on: "YYYY" within reason, else E_INVALID on "year". */
static int filter_year(struct buf *w, struct db_params *p, const char *year, const char *cond, struct err *e)
{
	int64_t y;
	char from[24], to[24];
	if (!year || !*year)
		return 0;
	if (util_parse_i64(year, &y) || y < 2000 || y > 2100)
		return err_field(e, E_INVALID, "bad_param", "year", "年度应为四位数字");
	if (cond) { /* the year itself, as the board's counts keep it */
		snprintf(from, sizeof(from), "%04d", (int)y);
		buf_adds(w, cond);
		db_ps_own(p, xstrdup(from));
		return 0;
	}
	snprintf(from, sizeof(from), "%04d-01-01", (int)y);
	snprintf(to, sizeof(to), "%04d-01-01", (int)y + 1);
	buf_adds(w, " AND x.created_on >= ? AND x.created_on < ?");
	db_ps_own(p, xstrdup(from));
	db_ps_own(p, xstrdup(to));
	return 0;
}

/* The WHERE of problems p (PROBLEM_FROM) that a may read and f selects: a unit's own, the staff's
 * region subtree (the filter's, or their own); its path copied into path (160 bytes). */
static int problem_where(struct buf *w, struct db_params *p, struct db_conn *c, const struct actor *a,
			 const struct rectify_filter *f, int with_search, char *path, struct err *e)
{
	/* The deadline carries the backend's no-index mark: SQLite 3.40 answers an index range on
	 * the deadline after a unit and a state IN (...) with rows out of the range. */
	char overdue[96], warned[128];
	const char *const due[3] = {overdue, warned, " AND p.state <> 'verified'"};
	static const char *const search[] = {"p.description", "x.title", "h.name", NULL};
	char today[11], limit[11];
	int warn, rc, n0;

	if (is_unit(a)) {
		/* a unit's own problems wherever the congress that set them sits; a region it names
		 * must still be its own (scope) */
		buf_adds(w, " WHERE p.handler_id = ?");
		db_pi(p, a->handler_id);
		snprintf(path, 160, "%s", a->region_path);
		if (f->region && *f->region &&
		    (rc = rows_filter_scope(w, p, c, a, f->region, " AND r.path LIKE ?", path, 160, e)))
			return rc;
	} else if ((rc = rows_filter_scope(w, p, c, a, f->region, " WHERE r.path LIKE ?", path, 160, e))) {
		return rc;
	}
	if ((rc = warn_days(c, path, &warn, e)))
		return rc;
	cal_format(cal_today(), today);
	cal_format(cal_today() + warn, limit);
	snprintf(overdue, sizeof(overdue),
		 " AND p.state IN ('todo','in_progress') AND %sp.deadline < ?", db_noindex(c));
	snprintf(warned, sizeof(warned),
		 " AND p.state IN ('todo','in_progress') AND %sp.deadline >= ? AND %sp.deadline <= ?",
		 db_noindex(c), db_noindex(c));

	if ((rc = filter_year(w, p, f->year, NULL, e)) ||
	    (rc = rows_filter_state(w, p, f->state, " AND p.state = ?", state_name, e)) ||
	    (rc = rows_filter_id(w, p, f->handler, " AND p.handler_id = ?", "handler", "责任单位", e)) ||
	    (rc = rows_filter_id(w, p, f->rectification, " AND p.rectification_id = ?",
				 "rectification", "整改事项", e)))
		return rc;
	n0 = p->n;
	if ((rc = rows_filter_due(w, p, f->due, due, today, limit, e)))
		return rc;
	/* the params borrow the days they bind: copies of them, owned by the params */
	for (int k = n0; k < p->n; k++) {
		p->v[k] = xstrdup(p->v[k]);
		p->owned[k] = 1;
	}
	rows_filter_eq(w, p, f->source_kind, " AND x.source_kind = ?");
	if (with_search)
		rows_filter_search(w, p, f->q, search);
	return rows_where_ok(w, e);
}

static int problems_page(struct db_conn *c, void *ctx, struct err *e)
{
	static const char *const sorts[] = {"deadline", "created_at", "state", "handler_name", NULL};
	struct list_run *x = ctx;
	struct buf w = BUF_INIT_CAP(4096);
	struct db_params p;
	struct db_res *r = NULL;
	char path[160], order[64], full[96];
	int64_t total = 0;
	json_t *items;
	int rc;

	db_params_init(&p);
	if ((rc = problem_where(&w, &p, c, x->a, x->f, 1, path, e)) ||
	    (rc = rows_order(x->q->sort, sorts, "deadline ASC", order, sizeof(order), e)))
		goto out;
	snprintf(full, sizeof(full), "%s%s, p.id", strncmp(order, "handler_name", 12) ? "p." : "h.",
		 strncmp(order, "handler_name", 12) ? order : order + 8);
	if ((rc = rows_page(c,
			    "rectify_problems p JOIN rectifications x ON x.id = p.rectification_id"
			    " JOIN handlers h ON h.id = p.handler_id JOIN regions r ON r.code = x.region_code",
			    "SELECT " PROBLEM_COLS PROBLEM_FROM, w.data, &p, full, x->q, &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, problem_json(c, r, i));
	*x->out = rows_list_reply(items, total, x->q);
out:
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	return rc;
}

int rectify_problems(struct db *db, const struct actor *a, const struct rectify_filter *f,
		     const struct listq *q, json_t **out, struct err *e)
{
	struct list_run x = {a, f, q, out};
	int rc;
	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	return db_read(db, problems_page, &x, e);
}

static int rects_page(struct db_conn *c, void *ctx, struct err *e)
{
	static const char *const sorts[] = {"created_on", "title", NULL};
	static const char *const search[] = {"x.title", NULL};
	struct list_run *x = ctx;
	const struct actor *a = x->a;
	struct buf w = BUF_INIT_CAP(4096);
	struct db_params p;
	struct db_res *r = NULL, *n = NULL;
	char order[64], full[96], today[11];
	int64_t total = 0;
	json_t *items;
	int rc;

	db_params_init(&p);
	cal_format(cal_today(), today);
	if (is_unit(a)) {
		buf_adds(&w, " WHERE EXISTS (SELECT 1 FROM rectify_problems p WHERE p.rectification_id = x.id"
			     " AND p.handler_id = ?)");
		db_pi(&p, a->handler_id);
		if (x->f->region && *x->f->region &&
		    (rc = rows_filter_scope(&w, &p, c, a, x->f->region, " AND r.path LIKE ?", NULL, 0, e)))
			goto out;
	} else if ((rc = rows_filter_scope(&w, &p, c, a, x->f->region, " WHERE r.path LIKE ?", NULL, 0, e))) {
		goto out;
	}
	if ((rc = filter_year(&w, &p, x->f->year, NULL, e)) ||
	    (rc = rows_order(x->q->sort, sorts, "created_on DESC", order, sizeof(order), e)))
		goto out;
	rows_filter_eq(&w, &p, x->f->source_kind, " AND x.source_kind = ?");
	rows_filter_search(&w, &p, x->f->q, search);
	snprintf(full, sizeof(full), "x.%s, x.id DESC", order);
	if ((rc = rows_where_ok(&w, e)) ||
	    (rc = rows_page(c, "rectifications x JOIN regions r ON r.code = x.region_code",
			    "SELECT " RECT_COLS RECT_FROM, w.data, &p, full, x->q, &total, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = rect_json(c, r, i);
		/* the counts of the problems the actor sees in it */
		if ((rc = db_execv(c, &n, e,
				   "SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'verified' THEN 1 ELSE 0 END), 0),"
				   " COALESCE(SUM(CASE WHEN state IN ('todo','in_progress') AND deadline < ? THEN 1"
				   " ELSE 0 END), 0) FROM rectify_problems WHERE rectification_id = ?"
				   " AND (? = 0 OR handler_id = ?)",
				   "siii", today, db_int(r, i, X_ID), is_unit(a) ? a->handler_id : 0,
				   is_unit(a) ? a->handler_id : 0))) {
			json_decref(o);
			json_decref(items);
			goto out;
		}
		json_object_set_new(o, "problem_count", json_integer(db_int(n, 0, 0)));
		json_object_set_new(o, "verified_count", json_integer(db_int(n, 0, 1)));
		json_object_set_new(o, "overdue_count", json_integer(db_int(n, 0, 2)));
		db_res_free(n);
		n = NULL;
		json_array_append_new(items, o);
	}
	*x->out = rows_list_reply(items, total, x->q);
out:
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	return rc;
}

int rectify_list(struct db *db, const struct actor *a, const struct rectify_filter *f,
		 const struct listq *q, json_t **out, struct err *e)
{
	struct list_run x = {a, f, q, out};
	int rc;
	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	return db_read(db, rects_page, &x, e);
}

/* ---- the board across units ---- */

static json_t *board_row(const struct db_res *r, int i, int first)
{
	static const char *const keys[] = {"total",    "todo",    "in_progress", "claimed",
					   "verified", "overdue", "reopened"};
	json_t *o = json_object();
	int64_t total = db_int(r, i, first), verified = db_int(r, i, first + 4);
	for (size_t k = 0; k < ARRAY_LEN(keys); k++)
		json_object_set_new(o, keys[k], json_integer(db_int(r, i, first + (int)k)));
	/* the share of problems that ended verified, in tenths of a percent rounded */
	json_object_set_new(o, "verified_rate",
			    json_real(total ? (double)((verified * 1000 + total / 2) / total) / 10.0 : 0.0));
	return o;
}

/* The board in one statement: each unit's counts by state from rectify_counts (kept on write)
 * for the scope's regions and the year, its overdue problems from the open problems' (state,
 * deadline) index, the unit's name searched, one page of units in the order asked, and over every
 * unit of the selection its count and totals (window sums). */
static int board_page(struct db_conn *c, void *ctx, struct err *e)
{
	static const char *const sorts[] = {"name",          "total",    "overdue",
					    "verified_rate", "verified", NULL};
	static const char *const search[] = {"h.name", NULL};
	struct list_run *x = ctx;
	const char *year = x->f->year;
	struct buf sql = BUF_INIT_CAP(16384);
	struct db_params p;
	struct db_res *r = NULL, *s = NULL;
	char order[64], full[128], today[11];
	int64_t total = 0;
	json_t *items, *reply;
	int rc;

	db_params_init(&p);
	cal_format(cal_today(), today);
	if ((rc = rows_order(x->q->sort, sorts, "overdue DESC", order, sizeof(order), e)))
		goto out;
	if (!strncmp(order, "verified_rate", 13))
		snprintf(full, sizeof(full), "f.verified * 1.0 / f.total%s, f.id", order + 13);
	else
		snprintf(full, sizeof(full), "f.%s, f.id", order);
	buf_adds(&sql,
		 "SELECT f.id, f.name, f.region_name, f.total, f.todo, f.in_progress, f.claimed,"
		 " f.verified, f.overdue, f.reopened, COUNT(*) OVER (), SUM(f.total) OVER (),"
		 " SUM(f.todo) OVER (), SUM(f.in_progress) OVER (), SUM(f.claimed) OVER (),"
		 " SUM(f.verified) OVER (), SUM(f.overdue) OVER (), SUM(f.reopened) OVER ()"
		 " FROM (SELECT h.id AS id, h.name AS name, hr.name AS region_name, g.total AS total,"
		 " g.todo AS todo, g.in_progress AS in_progress, g.claimed AS claimed,"
		 " g.verified AS verified, COALESCE(o.overdue, 0) AS overdue, g.reopened AS reopened FROM"
		 " (SELECT k.handler_id AS handler_id,"
		 " SUM(k.todo + k.in_progress + k.claimed + k.verified) AS total, SUM(k.todo) AS todo,"
		 " SUM(k.in_progress) AS in_progress, SUM(k.claimed) AS claimed,"
		 " SUM(k.verified) AS verified, SUM(k.reopened) AS reopened"
		 " FROM rectify_counts k JOIN regions r ON r.code = k.region_code");
	if ((rc = rows_filter_scope(&sql, &p, c, x->a, x->f->region, " WHERE r.path LIKE ?", NULL, 0, e)) ||
	    (rc = filter_year(&sql, &p, year, " AND k.year = ?", e)))
		goto out;
	buf_adds(&sql, " GROUP BY k.handler_id HAVING SUM(k.todo + k.in_progress + k.claimed + k.verified) > 0) g"
		       " JOIN handlers h ON h.id = g.handler_id JOIN regions hr ON hr.code = h.region_code"
		       " LEFT JOIN (SELECT ");
	/* the open problems from their covering index: with the no-index mark on the unit, SQLite
	 * would otherwise walk every problem in unit order to skip the grouping's sort */
	buf_addf(&sql,
		 "%sp.handler_id AS handler_id, COUNT(*) AS overdue"
		 " FROM rectify_problems p JOIN rectifications x ON x.id = p.rectification_id"
		 " JOIN regions r ON r.code = x.region_code"
		 " WHERE p.state IN ('todo','in_progress') AND %sp.deadline < ?",
		 db_noindex(c), db_noindex(c));
	db_ps(&p, today);
	if ((rc = rows_filter_scope(&sql, &p, c, x->a, x->f->region, " AND r.path LIKE ?", NULL, 0, e)) ||
	    (rc = filter_year(&sql, &p, year, NULL, e)))
		goto out;
	buf_addf(&sql, " GROUP BY %sp.handler_id) o ON o.handler_id = g.handler_id WHERE 1 = 1",
		 db_noindex(c));
	rows_filter_search(&sql, &p, x->f->q, search);
	buf_addf(&sql, ") f ORDER BY %s LIMIT ? OFFSET ?", full);
	if ((rc = rows_where_ok(&sql, e)))
		goto out;
	db_pi(&p, x->q->per_page);
	db_pi(&p, (int64_t)(x->q->page - 1) * x->q->per_page);
	if ((rc = db_exec(c, sql.data, &p, &r, e)))
		goto out;
	if (!r->nrows && x->q->page > 1) {
		/* past the last page: the totals from the first row */
		p.n -= 2;
		db_pi(&p, 1);
		db_pi(&p, 0);
		if ((rc = db_exec(c, sql.data, &p, &s, e)))
			goto out;
	}
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = board_row(r, i, 3);
		json_object_set_new(o, "handler_id", json_integer(db_int(r, i, 0)));
		json_object_set_new(o, "name", json_string(db_val(r, i, 1)));
		json_object_set_new(o, "region_name", json_string(db_val(r, i, 2)));
		json_array_append_new(items, o);
	}
	{
		const struct db_res *t = r->nrows ? r : s;
		int any = t && t->nrows;
		json_t *sum = any ? board_row(t, 0, 11)
				  : json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f}", "total", 0,
					      "todo", 0, "in_progress", 0, "claimed", 0, "verified",
					      0, "overdue", 0, "reopened", 0, "verified_rate", 0.0);
		total = any ? db_int(t, 0, 10) : 0;
		reply = rows_list_reply(items, total, x->q);
		json_object_set_new(sum, "units", json_integer(total));
		json_object_set_new(reply, "summary", sum);
	}
	*x->out = reply;
out:
	db_res_free(r);
	db_res_free(s);
	db_params_release(&p);
	buf_release(&sql);
	return rc;
}

int rectify_board(struct db *db, const struct actor *a, const struct rectify_filter *f,
		  const struct listq *q, json_t **out, struct err *e)
{
	struct list_run x = {a, f, q, out};
	*out = NULL;
	if (!is_staff(a))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有人大工作人员可以查看督查整改情况");
	return db_read(db, board_page, &x, e);
}

/* ---- demo ---- */

int rectify_insert_demo(struct db_conn *c, const char *region, int64_t source_id, const char *title,
			const char *created_on, json_t *problems, struct err *e)
{
	struct db_res *r = NULL;
	json_t *v;
	size_t i;
	int64_t id, at;
	int32_t d = 0;
	int rc;

	if (cal_parse(created_on, &d))
		return err_set(e, E_INVALID, "bad_date", "日期无效");
	at = cal_day_start(d) + 9 * 3600;
	if ((rc = db_execv(c, &r, e,
			   "INSERT INTO rectifications (region_code, source_kind, source_id, title, body,"
			   " created_on, created_at, updated_at) VALUES (?,'opinion',?,?,'',?,?,?) RETURNING id",
			   "sissii", region, source_id, title, created_on, at, at)))
		return rc;
	id = db_int(r, 0, 0);
	db_res_free(r);
	json_array_foreach(problems, i, v) {
		const char *state = jsonx_str(v, "state");
		int claimed = !strcmp(state, "claimed") || !strcmp(state, "verified");
		if ((rc = db_execv(c, NULL, e,
				   "INSERT INTO rectify_problems (rectification_id, seq, description, handler_id,"
				   " deadline, state, reopened, claimed_on, verified_on, created_at, updated_at)"
				   " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
				   "iisississii", id, (int64_t)(i + 1), jsonx_str(v, "description"),
				   (int64_t)json_integer_value(json_object_get(v, "handler_id")),
				   jsonx_str(v, "deadline"), state,
				   (int64_t)json_integer_value(json_object_get(v, "reopened")),
				   claimed ? jsonx_str(v, "deadline") : NULL,
				   !strcmp(state, "verified") ? jsonx_str(v, "deadline") : NULL, at, at)) ||
		    (rc = count_add(c, (int64_t)json_integer_value(json_object_get(v, "handler_id")),
				    region, created_on, state, 1,
				    json_integer_value(json_object_get(v, "reopened")) > 0, e)))
			return rc;
	}
	return 0;
}
