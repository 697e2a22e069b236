#include "suggestion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "buf.h"
#include "batch.h"
#include "calendar.h"
#include "escalation.h"
#include "chase.h"
#include "jsonx.h"
#include "limit.h"
#include "notice.h"
#include "opinion.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "step.h"
#include "text.h"

#define FILE_MAX_BYTES ATTACH_FILE_MAX_BYTES /* a scanned reply document */
#define FILES_MAX ATTACH_FILES_MAX
#define COSIGNERS_MAX 200
#define SOURCES_MAX 50

/* ---- the states (the steps between them: suggestion_steps, motion_steps) ---- */

static const char *const state_names[][2] = {
	{"draft", "草稿"},          {"submitted", "已提交"},       {"returned", "已退回代表"},
	{"withdrawn", "已撤回"},    {"accepted", "已受理"},        {"referred", "已转群众意见"},
	{"assigned", "办理中"},     {"replied", "已答复"},         {"solving", "正在解决"},
	{"closed", "已办结"},       {"on_agenda", "列入会议议程"}, {"not_on_agenda", "不列入议程"},
	{"escalated", "已转交上级"}};

const char *suggestion_state_name(const char *state)
{
	return UTIL_LABEL(state_names, state, "");
}

const char *suggestion_rating_outcome(const char *grade, int unsatisfied_results)
{
	if (unsatisfied_results > 0)
		return "rehandle";
	return grade && !strcmp(grade, "B") ? "solving" : "closed";
}

int32_t suggestion_add_months(const struct workcal *w, int32_t day, int months)
{
	int y, m, d, dim;
	int32_t out;
	cal_ymd(day, &y, &m, &d);
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	dim = cal_days_in_month(y, m);
	out = cal_from_ymd(y, m, d > dim ? dim : d);
	while (w && !cal_is_workday(w, out))
		out++;
	return out;
}

static int is_final(const char *state)
{
	return !strcmp(state, "closed") || !strcmp(state, "withdrawn") || !strcmp(state, "referred") ||
	       !strcmp(state, "on_agenda") || !strcmp(state, "not_on_agenda");
}

/* ---- rows ---- */

#define S_COLS                                                                                     \
	"s.id, s.code, s.kind, s.region_code, r.name, s.level, s.term, s.deputy_id, d.name,"       \
	" s.from_presidium, s.title, s.body, s.category_id, c.name, s.session_label,"              \
	" s.during_session, s.state, s.difficult, s.round, s.grade, s.followed_up, s.rehandled,"   \
	" s.key_supervised, s.supervisor, s.published, s.reason, s.submitted_at,"                  \
	" s.intake_deadline, s.accepted_on, s.assigned_on, s.deadline, s.replied_at, s.closed_at," \
	" s.created_by, s.created_at, s.updated_at, s.region_path,"                                \
	" (SELECT h.name FROM suggestion_handlers sh JOIN handlers h ON h.id = sh.handler_id"      \
	"  WHERE sh.suggestion_id = s.id AND sh.role = 'lead' AND sh.status <> 'removed'"          \
	"  ORDER BY sh.id DESC LIMIT 1),"                                                          \
	" (SELECT COUNT(*) FROM suggestion_signers g WHERE g.suggestion_id = s.id"                 \
	"  AND g.status = 'accepted'), s.escalated_to, eu.name, s.escalation_reason, s.escalated_at"
#define S_FROM                                                         \
	" FROM suggestions s JOIN regions r ON r.code = s.region_code" \
	" LEFT JOIN regions eu ON eu.code = s.escalated_to"            \
	" LEFT JOIN deputies d ON d.id = s.deputy_id"                  \
	" LEFT JOIN opinion_categories c ON c.id = s.category_id"
enum {
	S_ID,
	S_CODE,
	S_KIND,
	S_REGION,
	S_REGION_NAME,
	S_LEVEL,
	S_TERM,
	S_DEPUTY,
	S_DEPUTY_NAME,
	S_PRESIDIUM,
	S_TITLE,
	S_BODY,
	S_CATEGORY,
	S_CATEGORY_NAME,
	S_SESSION,
	S_DURING,
	S_STATE,
	S_DIFFICULT,
	S_ROUND,
	S_GRADE,
	S_FOLLOWED,
	S_REHANDLED,
	S_KEY,
	S_SUPERVISOR,
	S_PUBLISHED,
	S_REASON,
	S_SUBMITTED,
	S_INTAKE_DEADLINE,
	S_ACCEPTED,
	S_ASSIGNED,
	S_DEADLINE,
	S_REPLIED,
	S_CLOSED,
	S_CREATED_BY,
	S_CREATED,
	S_UPDATED,
	S_PATH,
	S_LEAD,
	S_SIGNERS,
	S_ESCALATED_TO,
	S_ESCALATED_TO_NAME,
	S_ESCALATION_REASON,
	S_ESCALATED_AT
};


/* Deadline colour of work in hand: "ok", "warn" or "overdue"; null when nothing is due. Each
 * deadline has its own window: the intake's few days are not measured by the reply's weeks, or a
 * suggestion just submitted would be due soon at once. */
static json_t *due_of(const struct db_res *r, int i, const char *today, const char *warn_limit,
		      const char *intake_limit)
{
	const char *state = db_val(r, i, S_STATE), *deadline = NULL, *limit = warn_limit;
	if (!strcmp(state, "submitted")) {
		deadline = db_val(r, i, S_INTAKE_DEADLINE);
		limit = intake_limit;
	} else if (!strcmp(state, "assigned")) {
		deadline = db_val(r, i, S_DEADLINE);
	}
	if (!deadline)
		return json_null();
	if (strcmp(deadline, today) < 0)
		return json_string("overdue");
	return json_string(strcmp(deadline, limit) <= 0 ? "warn" : "ok");
}

static const struct col row_cols[] = {
	{"id", COL_INT},
	{"code", COL_STR},
	{"kind", COL_STR},
	{"region_code", COL_STR},
	{"region_name", COL_STR},
	{"level", COL_STR},
	{"term", COL_INT},
	{"deputy_id", COL_INT},
	{"deputy_name", COL_STR},
	{"from_presidium", COL_BOOL},
	{"title", COL_STR},
	{"body", COL_STR},
	{"category_id", COL_INT},
	{"category_name", COL_STR},
	{"session_label", COL_STR},
	{"during_session", COL_BOOL},
	{"state", COL_STR},
	{"difficult", COL_BOOL},
	{"round", COL_INT},
	{"grade", COL_STR},
	{"followed_up", COL_BOOL},
	{"rehandled", COL_INT},
	{"key_supervised", COL_BOOL},
	{"supervisor", COL_STR},
	{"published", COL_BOOL},
	{"reason", COL_STR},
	{"submitted_at", COL_INT},
	{"intake_deadline", COL_STR},
	{"accepted_on", COL_STR},
	{"assigned_on", COL_STR},
	{"deadline", COL_STR},
	{"replied_at", COL_INT},
	{"closed_at", COL_INT},
	{"created_by", COL_INT},
	{"created_at", COL_INT},
	{"updated_at", COL_INT},
	{"region_path", COL_STR},
	{"lead_handler", COL_STR},
	{"signers", COL_INT},
	{"escalated_to", COL_STR},
	{"escalated_to_name", COL_STR},
	{"escalation_reason", COL_STR},
	{"escalated_at", COL_INT},
	{NULL, 0}};

struct clock {
	struct holidays h;
	int32_t today;
	char today_s[11], warn_s[11], intake_s[11]; /* today, the reply's and the intake's warn limits */
};

/* The working days left until the reply's deadline of an assigned item (chase_days_left: negative
 * when overdue), else null: the pages compare it with chase.near_days to offer 催办. */
static json_t *days_left(const struct db_res *r, int i, const struct clock *k)
{
	int32_t d;
	if (strcmp(db_val(r, i, S_STATE), "assigned") || !db_val(r, i, S_DEADLINE) ||
	    cal_parse(db_val(r, i, S_DEADLINE), &d))
		return json_null();
	return json_integer(chase_days_left(&k->h.cal, k->today, d));
}

/* The item as JSON (S_COLS order), with its state's name and its deadline colour (k NULL: none). */
static json_t *row_json(const struct db_res *r, int i, const struct clock *k)
{
	json_t *o = rows_object(r, i, row_cols);
	json_object_del(o, "region_path");
	json_object_set_new(o, "state_name", json_string(suggestion_state_name(db_val(r, i, S_STATE))));
	json_object_set_new(o, "due", k ? due_of(r, i, k->today_s, k->warn_s, k->intake_s) : json_null());
	json_object_set_new(o, "workdays_left", k ? days_left(r, i, k) : json_null());
	return o;
}

static int load_row(struct db_conn *c, int64_t id, struct db_res **r, struct err *e)
{
	int rc = db_execv(c, r, e, "SELECT " S_COLS S_FROM " WHERE s.id = ?", "i", id);
	if (!rc && !(*r)->nrows) {
		db_res_free(*r);
		*r = NULL;
		rc = err_set(e, E_NOTFOUND, "not_found", "建议或议案不存在");
	}
	return rc;
}

/* Is the actor a signer (invited or not) of the item? Its status in *status (NULL if none). */
static int signer_status(struct db_conn *c, int64_t id, int64_t deputy_id, char *status, size_t n,
			 struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e, "SELECT status FROM suggestion_signers WHERE suggestion_id = ? AND deputy_id = ?",
			  "ii", id, deputy_id);
	*status = 0;
	if (!rc && r->nrows)
		snprintf(status, n, "%s", db_val(r, 0, 0));
	db_res_free(r);
	return rc;
}

/* The handling unit's role on the item ("lead", "co") and its row, or "" when it has none. */
static int handler_role(struct db_conn *c, int64_t id, int64_t handler_id, char *role, int64_t *row,
			struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e,
			  "SELECT role, id FROM suggestion_handlers WHERE suggestion_id = ? AND handler_id = ?"
			  " AND status NOT IN ('removed','returned') ORDER BY id DESC LIMIT 1",
			  "ii", id, handler_id);
	*role = 0;
	*row = 0;
	if (!rc && r->nrows) {
		snprintf(role, 8, "%s", db_val(r, 0, 0));
		*row = db_int(r, 0, 1);
	}
	db_res_free(r);
	return rc;
}

/* Who may see an item: staff of its region's scope, its signers, its handling units; published
 * replies are public anyway. Everyone else gets 404, as if it did not exist. */
static int visible(struct db_conn *c, const struct actor *a, const struct db_res *r, struct err *e)
{
	int64_t id = db_int(r, 0, S_ID), row;
	char s[16];
	int rc;
	if (role_can(a->role, PERM_SUGGESTION_READ))
		return region_path_in_scope(a, db_val(r, 0, S_PATH))
			       ? 0
			       : err_set(e, E_NOTFOUND, "not_found", "建议或议案不存在");
	if (role_is_deputy(a->role) && a->deputy_id) {
		if ((rc = signer_status(c, id, a->deputy_id, s, sizeof(s), e)))
			return rc;
		if (*s)
			return 0;
	}
	if (role_is_handler(a->role) && a->handler_id) {
		if ((rc = handler_role(c, id, a->handler_id, s, &row, e)))
			return rc;
		if (*s && strcmp(db_val(r, 0, S_STATE), "withdrawn"))
			return 0;
	}
	return err_set(e, E_NOTFOUND, "not_found", "建议或议案不存在");
}

static int event(struct db_conn *c, int64_t id, const char *action, const char *from,
		 const char *to, const struct actor *a, const char *note, struct err *e)
{
	return db_execv(c, NULL, e,
			"INSERT INTO suggestion_events (suggestion_id, action, from_state, to_state, actor,"
			" note, created_at) VALUES (?,?,?,?,?,?,?)",
			"isssssi", id, action, from, to, a->display_name[0] ? a->display_name : a->username,
			note ? note : "", util_now());
}

/* Each invited co-signer is asked to sign. */
static int tell_invited(struct db_conn *c, int64_t id, const char *title, struct err *e)
{
	char line[300], link[48];
	snprintf(line, sizeof(line), "邀请您联名：%s", title);
	notice_link("suggestions", id, link, sizeof(link));
	return notice_deputies(c, "SELECT deputy_id FROM suggestion_signers WHERE suggestion_id = ? AND status = 'invited'",
			       id, "suggestion", line, link, e);
}

/* Keeps the board's copies on the item's handling rows: its region, and which rows are work in
 * hand (the unit's part open while the item is being handled). After every step. */
static int sync_in_hand(struct db_conn *c, int64_t id, struct err *e)
{
	return db_execv(c, NULL, e,
			"UPDATE suggestion_handlers SET"
			" region_path = (SELECT region_path FROM suggestions WHERE id = ?),"
			" in_hand = CASE WHEN status = 'assigned' AND"
			" (SELECT state FROM suggestions WHERE id = ?) = 'assigned' THEN 1 ELSE 0 END"
			" WHERE suggestion_id = ?",
			"iii", id, id, id);
}

/* The search text: title, body and every reply, as CJK bigrams. The caps hold the title, the
 * body and about fifteen replies of the longest kind (a bigram and its space take at most three
 * times the text's bytes); past them the item is refused rather than indexed in part. */
#define SEARCH_TEXT_MAX (1u << 20)
static int retokenize(struct db_conn *c, int64_t id, struct err *e)
{
	struct buf text = BUF_INIT_CAP(SEARCH_TEXT_MAX), tok = BUF_INIT_CAP(3 * SEARCH_TEXT_MAX);
	struct db_res *r = NULL;
	int rc;
	if ((rc = db_execv(c, &r, e, "SELECT title, body FROM suggestions WHERE id = ?", "i", id)))
		goto out;
	buf_adds(&text, db_val(r, 0, 0));
	buf_addc(&text, ' ');
	buf_adds(&text, db_val(r, 0, 1));
	db_res_free(r);
	r = NULL;
	if ((rc = db_execv(c, &r, e, "SELECT body FROM suggestion_replies WHERE suggestion_id = ? ORDER BY round",
			   "i", id)))
		goto out;
	for (int i = 0; i < r->nrows; i++) {
		buf_addc(&text, ' ');
		buf_adds(&text, db_val(r, i, 0));
	}
	text_tokens(text.data, &tok);
	rc = buf_failed(&text) || buf_failed(&tok)
		     ? err_set(e, E_TOOLARGE, "too_large", "建议和答复的文字合计过长，无法建立检索")
		     : db_execv(c, NULL, e, "UPDATE suggestions SET search_tokens = ? WHERE id = ?",
				"si", tok.data, id);
out:
	db_res_free(r);
	buf_release(&text);
	buf_release(&tok);
	return rc;
}

/* ---- calendar ---- */

static int clock_load(struct db_conn *c, const char *path, struct clock *k, struct err *e)
{
	int warn = 0, intake = 0, rc;
	memset(k, 0, sizeof(*k));
	if ((rc = holidays_load(c, &k->h, e)) ||
	    (rc = settings_int(c, path ? path : "/", "suggestion.warn_days", &warn, e)) ||
	    (rc = settings_int(c, path ? path : "/", "suggestion.intake_warn_days", &intake, e)))
		return rc;
	k->today = cal_today();
	cal_format(k->today, k->today_s);
	cal_format(warn ? cal_add_workdays(&k->h.cal, k->today, warn) : k->today, k->warn_s);
	/* the intake's deadline is counted in calendar days (suggestion.intake_days), so is its window */
	cal_format(k->today + intake, k->intake_s);
	return 0;
}

static void clock_free(struct clock *k)
{
	holidays_free(&k->h);
}

/* ---- drafting ---- */

static int store_files(struct db_conn *c, int64_t id, int64_t reply_id, json_t *files, struct err *e)
{
	size_t i;
	json_t *v;
	int rc = 0;
	json_array_foreach(files, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *data = json_string_value(json_object_get(v, "data"));
		int64_t size = (int64_t)(strlen(data) / 4 * 3);
		rc = db_execv(c, NULL, e,
			      "INSERT INTO suggestion_files (suggestion_id, reply_id, name, mime, size, data,"
			      " created_at) VALUES (?,?,?,?,?,?,?)",
			      "inssisi", id, reply_id, name, attach_mime(name, data), size, data,
			      util_now());
		if (rc)
			break;
	}
	return rc;
}

/* The author's congress: the active mandate at `level` (or the only/lowest one). */
static int author_mandate(struct db_conn *c, int64_t deputy_id, const char *level, char *region,
			  char *lvl, int64_t *term, struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e,
			  "SELECT region_code, level, term FROM mandates WHERE deputy_id = ? AND status = 'active'"
			  " AND ended_on IS NULL AND (CAST(? AS TEXT) IS NULL OR level = ?) ORDER BY CASE level"
			  " WHEN 'township' THEN 1 WHEN 'county' THEN 2 WHEN 'city' THEN 3 WHEN 'province' THEN 4"
			  " ELSE 5 END LIMIT 1",
			  "iss", deputy_id, level, level);
	if (!rc && !r->nrows)
		rc = err_field(e, E_INVALID, "not_deputy", level ? "level" : "deputy_id",
			       level ? "该代表在此级人大没有有效的代表资格" : "该代表没有有效的代表资格");
	if (!rc) {
		snprintf(region, 16, "%s", db_val(r, 0, 0));
		snprintf(lvl, 16, "%s", db_val(r, 0, 1));
		*term = db_int(r, 0, 2);
	}
	db_res_free(r);
	return rc;
}

/* Replaces the co-signers of a draft: each must be a deputy of the same congress today. */
static int set_cosigners(struct db_conn *c, int64_t id, int64_t author, const char *region,
			 const char *level, int64_t term, json_t *list, struct err *e)
{
	size_t i;
	json_t *v;
	int rc;
	if (json_array_size(list) > COSIGNERS_MAX)
		return err_field(e, E_INVALID, "too_many", "cosigners", "联名代表最多 %d 人", COSIGNERS_MAX);
	if ((rc = db_execv(c, NULL, e,
			   "DELETE FROM suggestion_signers WHERE suggestion_id = ? AND role = 'cosigner'"
			   " AND status = 'invited'",
			   "i", id)))
		return rc;
	json_array_foreach(list, i, v) {
		struct db_res *r = NULL;
		int64_t did = json_integer_value(v);
		int ok;
		if (!json_is_integer(v) || did <= 0)
			return err_field(e, E_INVALID, "bad_cosigner", "cosigners", "联名代表应为代表编号");
		if (did == author)
			return err_field(e, E_INVALID, "bad_cosigner", "cosigners",
					 "领衔代表不能同时作为联名代表");
		if ((rc = db_execv(c, &r, e,
				   "SELECT d.name, (SELECT COUNT(*) FROM mandates m WHERE m.deputy_id = d.id"
				   " AND m.region_code = ? AND m.level = ? AND m.term = ? AND m.status = 'active'"
				   " AND m.ended_on IS NULL) FROM deputies d WHERE d.id = ?",
				   "ssii", region, level, term, did)))
			return rc;
		ok = r->nrows && db_int(r, 0, 1) > 0;
		if (!ok) {
			rc = err_field(e, E_INVALID, "bad_cosigner", "cosigners",
				       "%s%s不是本级人大本届代表，不能联名",
				       r->nrows ? "代表" : "编号为该值的代表",
				       r->nrows ? db_val(r, 0, 0) : "");
			db_res_free(r);
			return rc;
		}
		db_res_free(r);
		r = NULL;
		if ((rc = db_execv(c, &r, e, "SELECT COUNT(*) FROM suggestion_signers WHERE suggestion_id = ? AND deputy_id = ?",
				   "ii", id, did)))
			return rc;
		ok = !db_int(r, 0, 0);
		db_res_free(r);
		if (ok && (rc = db_execv(c, NULL, e,
					 "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, status)"
					 " VALUES (?, ?, 'cosigner', 'invited')",
					 "ii", id, did)))
			return rc;
	}
	return 0;
}

/* Links the opinions the suggestion grew from: each must be visible to the actor. */
static int set_sources(struct db_conn *c, const struct actor *a, int64_t id, json_t *list, struct err *e)
{
	size_t i;
	json_t *v;
	int rc;
	if (json_array_size(list) > SOURCES_MAX)
		return err_field(e, E_INVALID, "too_many", "sources", "关联的群众意见最多 %d 条", SOURCES_MAX);
	if ((rc = db_execv(c, NULL, e, "DELETE FROM suggestion_sources WHERE suggestion_id = ?", "i", id)))
		return rc;
	json_array_foreach(list, i, v) {
		int64_t oid = json_integer_value(v);
		if (!json_is_integer(v) || oid <= 0)
			return err_field(e, E_INVALID, "bad_source", "sources", "关联的群众意见应为意见编号");
		if ((rc = opinion_visible_in(c, a, oid, e))) {
			if (rc == E_NOTFOUND)
				rc = err_field(e, E_INVALID, "bad_source", "sources",
					       "关联的群众意见 %lld 不存在或不在您的范围内",
					       (long long)oid);
			return rc;
		}
		if ((rc = db_execv(c, NULL, e,
				   "INSERT INTO suggestion_sources (suggestion_id, opinion_id) VALUES (?, ?)"
				   " ON CONFLICT DO NOTHING",
				   "ii", id, oid)))
			return rc;
	}
	return 0;
}

static const struct jfield draft_spec[] = {
	{"title", JF_STR, 1, 4, LIMIT_SHORT_CHARS, "标题"},
	{"body", JF_STR, 1, 10, LIMIT_TEXT_CHARS * 4, "内容"},
	{"category_id", JF_INT, 0, 1, INT64_MAX, "类别"},
	{"session_label", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "所属会议"},
	{"during_session", JF_BOOL, 0, 0, 0, "会议期间提出"},
	{"level", JF_STR, 0, 1, 16, "人大层级"},
	{"deputy_id", JF_INT, 0, 1, INT64_MAX, "领衔代表"},
	{"from_presidium", JF_BOOL, 0, 0, 0, "主席团提出"},
	{"cosigners", JF_ARR, 0, 0, COSIGNERS_MAX, "联名代表"},
	{"sources", JF_ARR, 0, 0, SOURCES_MAX, "关联的群众意见"},
	{"attachments", JF_ARR, 0, 0, FILES_MAX, "附件"},
	{NULL, 0, 0, 0, 0, NULL}};

static int check_category(struct db_conn *c, json_t *in, struct err *e)
{
	struct db_res *r = NULL;
	int64_t cat = jsonx_int(in, "category_id", 0);
	int rc;
	if (!cat)
		return 0;
	if ((rc = db_execv(c, &r, e, "SELECT COUNT(*) FROM opinion_categories WHERE id = ? AND active = 1",
			   "i", cat)))
		return rc;
	rc = db_int(r, 0, 0) ? 0 : err_field(e, E_INVALID, "bad_category", "category_id", "类别不存在");
	db_res_free(r);
	return rc;
}

static int detail(struct db_conn *c, const struct actor *a, int64_t id, int check, json_t **out,
		  struct err *e);

static const struct actor everywhere = {.region_path = "/"}; /* a scope that holds every region */

static int load_seen(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e);

int suggestion_create(struct db *db, const struct actor *a, const char *kind, json_t *in,
		      json_t **out, struct err *e)
{
	struct tx t;
	struct db_res *r = NULL;
	char region[16] = "", level[16] = "", path[160], code[32], tmp[40];
	const char *lvl = jsonx_str(in, "level");
	int64_t deputy = 0, term = 0, id = 0;
	int presidium = json_is_true(json_object_get(in, "from_presidium"));
	int staff = role_can(a->role, PERM_SUGGESTION_MANAGE);
	int year, month, day;
	json_t *after = NULL;
	int rc;

	*out = NULL;
	/* who before what: a role that proposes nothing is refused whatever the body says */
	if (!staff && !role_is_deputy(a->role))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能提出建议或议案");
	if (role_is_deputy(a->role) && !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "您的账号未关联代表");
	if ((rc = jsonx_check(in, draft_spec, e)) ||
	    (rc = attach_check(json_object_get(in, "attachments"), "attachments", e)))
		return rc;
	if (strcmp(kind, "motion") && presidium)
		return err_field(e, E_INVALID, "bad_field", "from_presidium", "只有议案可以由主席团提出");
	if (role_is_deputy(a->role)) {
		if (!a->deputy_id)
			return err_set(e, E_FORBIDDEN, "forbidden", "您的账号未关联代表");
		if (json_object_get(in, "deputy_id") || presidium)
			return err_set(e, E_FORBIDDEN, "forbidden", "代表只能以本人名义提出");
		deputy = a->deputy_id;
	} else if (staff) {
		deputy = jsonx_int(in, "deputy_id", 0);
		if (!deputy && !presidium)
			return err_field(e, E_INVALID, "missing_field", "deputy_id", "请选择领衔代表");
	} else {
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能提出建议或议案");
	}
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) || tx_check(&t, check_category(t.c, in, e)))
		goto out;
	if (deputy) {
		if (tx_check(&t, author_mandate(t.c, deputy, lvl, region, level, &term, e)))
			goto out;
	} else {
		/* A presidium motion belongs to the staff's own township congress. */
		snprintf(region, sizeof(region), "%s", a->region_code);
		snprintf(level, sizeof(level), "%s", lvl ? lvl : "township");
		if (tx_exec(&t, &r,
			    "SELECT COALESCE(MAX(term), 0) FROM mandates WHERE region_code = ? AND level = ?"
			    " AND status = 'active'",
			    "ss", region, level))
			goto out;
		term = db_int(r, 0, 0);
		db_res_free(r);
		r = NULL;
		if (!term && tx_fail_field(&t, E_INVALID, "no_congress", "level", "本地区没有该级人大的在任代表"))
			goto out;
	}
	/* A deputy acts on their own mandate; staff only within their scope. */
	rc = region_scope(t.c, staff ? a : &everywhere, region, path, sizeof(path), e);
	if (rc == E_FORBIDDEN)
		rc = err_field(e, E_INVALID, "out_of_scope", "deputy_id", "该代表不在您的管理范围内");
	util_random_hex(tmp, 16);
	if (tx_check(&t, rc) ||
	    tx_exec(&t, &r,
		    "INSERT INTO suggestions (code, kind, region_code, region_path, level, term, deputy_id,"
		    " from_presidium, title, body, category_id, session_label, during_session, state, created_by,"
		    " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'draft',?,?,?) RETURNING id",
		    "sssssinissnsiiii", tmp, kind, region, path, level, term, deputy,
		    (int64_t)presidium, jsonx_str(in, "title"), jsonx_str(in, "body"),
		    (int64_t)jsonx_int(in, "category_id", 0),
		    jsonx_str(in, "session_label") ? jsonx_str(in, "session_label") : "",
		    (int64_t)json_is_true(json_object_get(in, "during_session")), a->account_id,
		    util_now(), util_now()))
		goto out;
	id = db_int(r, 0, 0);
	/* 建议 JY, 议案 YA, the year of the day in China; the number is the row's, so two offices
	 * never race for one. */
	cal_ymd(cal_today(), &year, &month, &day);
	snprintf(code, sizeof(code), "%s%d-%06lld", strcmp(kind, "motion") ? "JY" : "YA", year,
		 (long long)id);
	if (tx_exec(&t, NULL, "UPDATE suggestions SET code = ? WHERE id = ?", "si", code, id) ||
	    (deputy && tx_exec(&t, NULL,
			       "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, status, answered_at)"
			       " VALUES (?, ?, 'author', 'accepted', ?)",
			       "iii", id, deputy, util_now())) ||
	    (json_object_get(in, "cosigners") &&
	     tx_check(&t, set_cosigners(t.c, id, deputy, region, level, term,
					json_object_get(in, "cosigners"), e))) ||
	    (json_object_get(in, "sources") &&
	     tx_check(&t, set_sources(t.c, a, id, json_object_get(in, "sources"), e))) ||
	    (json_object_get(in, "attachments") &&
	     tx_check(&t, store_files(t.c, id, 0, json_object_get(in, "attachments"), e))) ||
	    tx_check(&t, retokenize(t.c, id, e)) ||
	    tx_check(&t, event(t.c, id, "create", NULL, "draft", a, NULL, e)) ||
	    tx_check(&t, detail(t.c, a, id, 0, &after, e)) ||
	    tx_check(&t, tell_invited(t.c, id, jsonx_str(in, "title"), e)))
		goto out;
	tx_audit(&t, "suggestion.create", "suggestion", id, NULL, after);
out:
	db_res_free(r);
	return tx_end_reply(&t, "suggestion", after, out);
}

/* The first signer, or the staff who registered it, may change a draft or a returned item. */
static int may_edit(const struct actor *a, const struct db_res *r, struct err *e)
{
	if (role_is_deputy(a->role) && a->deputy_id && db_val(r, 0, S_DEPUTY) &&
	    db_int(r, 0, S_DEPUTY) == a->deputy_id)
		return 0;
	if (role_can(a->role, PERM_SUGGESTION_MANAGE) && db_val(r, 0, S_CREATED_BY) &&
	    db_int(r, 0, S_CREATED_BY) == a->account_id)
		return 0;
	return err_set(e, E_FORBIDDEN, "forbidden", "只有领衔代表（或代为登记的工作人员）可以修改或提交");
}

int suggestion_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e)
{
	static const struct jfield spec[] = {
		{"title", JF_STR, 0, 4, LIMIT_SHORT_CHARS, "标题"},
		{"body", JF_STR, 0, 10, LIMIT_TEXT_CHARS * 4, "内容"},
		{"category_id", JF_INT, 0, 1, INT64_MAX, "类别"},
		{"session_label", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "所属会议"},
		{"during_session", JF_BOOL, 0, 0, 0, "会议期间提出"},
		{"cosigners", JF_ARR, 0, 0, COSIGNERS_MAX, "联名代表"},
		{"sources", JF_ARR, 0, 0, SOURCES_MAX, "关联的群众意见"},
		{"attachments", JF_ARR, 0, 0, FILES_MAX, "附件"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	json_t *before = NULL, *after = NULL, *during = json_object_get(in, "during_session");
	const char *state = "";
	int rc;

	*out = NULL;
	if ((rc = tx_visible(db, a, id, load_seen, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = attach_check(json_object_get(in, "attachments"), "attachments", e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "suggestions", id, "建议或议案") ||
	    tx_check(&t, load_row(t.c, id, &r, e)) || tx_check(&t, visible(t.c, a, r, e)) ||
	    tx_check(&t, may_edit(a, r, e)) || tx_check(&t, check_category(t.c, in, e)))
		goto out;
	state = db_val(r, 0, S_STATE);
	if (strcmp(state, "draft") && strcmp(state, "returned") &&
	    tx_fail(&t, E_CONFLICT, "bad_state", "当前状态为“%s”，只有草稿或退回的可以修改",
		    suggestion_state_name(state)))
		goto out;
	if (tx_check(&t, detail(t.c, a, id, 0, &before, e)) ||
	    tx_exec(&t, NULL,
		    "UPDATE suggestions SET title = COALESCE(?, title), body = COALESCE(?, body),"
		    " category_id = COALESCE(?, category_id), session_label = COALESCE(?, session_label),"
		    " during_session = COALESCE(?, during_session), updated_at = ? WHERE id = ? AND state = ?",
		    "ssnssiis", jsonx_str(in, "title"), jsonx_str(in, "body"),
		    (int64_t)jsonx_int(in, "category_id", 0), jsonx_str(in, "session_label"),
		    during ? (json_is_true(during) ? "1" : "0") : NULL, util_now(), id, state) ||
	    tx_expect_one(&t) ||
	    (json_object_get(in, "cosigners") &&
	     tx_check(&t, set_cosigners(t.c, id, db_val(r, 0, S_DEPUTY) ? db_int(r, 0, S_DEPUTY) : 0,
					db_val(r, 0, S_REGION), db_val(r, 0, S_LEVEL),
					db_int(r, 0, S_TERM), json_object_get(in, "cosigners"), e))) ||
	    (json_object_get(in, "sources") &&
	     tx_check(&t, set_sources(t.c, a, id, json_object_get(in, "sources"), e))) ||
	    (json_object_get(in, "attachments") &&
	     (tx_exec(&t, NULL, "DELETE FROM suggestion_files WHERE suggestion_id = ? AND reply_id IS NULL",
		      "i", id) ||
	      tx_check(&t, store_files(t.c, id, 0, json_object_get(in, "attachments"), e)))) ||
	    tx_check(&t, retokenize(t.c, id, e)) ||
	    tx_check(&t, event(t.c, id, "edit", state, state, a, NULL, e)) ||
	    tx_check(&t, detail(t.c, a, id, 0, &after, e)))
		goto out;
	tx_audit(&t, "suggestion.update", "suggestion", id, before, after);
out:
	json_decref(before);
	db_res_free(r);
	return tx_end_reply(&t, "suggestion", after, out);
}

/* ---- reading ---- */

/* The list's WHERE: the kind, the reader's rule and the filters of f but its search text, the
 * clock of the region's deadlines loaded into k (the caller frees it). */
static int list_where(struct db_conn *c, const struct actor *a, const struct suggestion_filter *f,
		      struct buf *w, struct db_params *p, struct clock *k, struct err *e)
{
	static const char *const dues[] = {
		" AND ((s.state = 'assigned' AND s.deadline < ?) OR (s.state = 'submitted' AND s.intake_deadline < ?))",
		" AND s.state = 'assigned' AND s.deadline >= ? AND s.deadline <= ?",
		" AND s.state IN ('submitted','accepted','escalated','assigned','replied','solving')"};
	char path[160], pat[REGION_PATTERN_MAX];
	int rc;

	if ((rc = region_filter_path(c, a, f->region, path, sizeof(path), e)))
		return rc;
	buf_adds(w, " WHERE s.kind = ?");
	db_ps(p, f->kind && !strcmp(f->kind, "motion") ? "motion" : "suggestion");
	if (role_is_handler(a->role)) {
		buf_adds(w, " AND s.state <> 'withdrawn' AND s.id IN (SELECT suggestion_id FROM suggestion_handlers"
			    " WHERE handler_id = ? AND status <> 'removed')");
		db_pi(p, a->handler_id);
	} else if (role_is_deputy(a->role)) {
		buf_adds(w, " AND s.id IN (SELECT suggestion_id FROM suggestion_signers WHERE deputy_id = ?)");
		db_pi(p, a->deputy_id);
	} else {
		region_like_pattern(path, pat, sizeof(pat));
		/* With a deadline filter the due indexes select better than a region prefix, which
		 * SQLite's planner cannot size (see suggestion_board). */
		buf_addf(w, " AND %ss.region_path LIKE ?", f->due && *f->due ? db_noindex(c) : "");
		db_ps_own(p, xstrdup(pat));
		/* Drafts are the deputies' own until submitted. */
		buf_adds(w, " AND (s.state <> 'draft' OR s.created_by = ?)");
		db_pi(p, a->account_id);
	}
	if ((rc = rows_filter_state(w, p, f->state, " AND s.state = ?", suggestion_state_name, e)) ||
	    (rc = rows_filter_id(w, p, f->category, " AND s.category_id = ?", "category", "类别", e)) ||
	    (rc = rows_filter_id(w, p, f->deputy,
				 " AND s.id IN (SELECT suggestion_id FROM suggestion_signers"
				 " WHERE deputy_id = ? AND status IN ('author','accepted'))",
				 "deputy", "代表", e)) ||
	    (rc = rows_filter_id(w, p, f->handler,
				 " AND s.id IN (SELECT suggestion_id FROM suggestion_handlers"
				 " WHERE handler_id = ? AND status <> 'removed')",
				 "handler", "承办单位", e)))
		return rc;
	/* What waits for the deputy who asks: an invitation to answer, a reply to rate. */
	if (f->signer && *f->signer) {
		if (!role_is_deputy(a->role) ||
		    (strcmp(f->signer, "invited") && strcmp(f->signer, "to_rate")))
			return err_field(e, E_INVALID, "bad_param", "signer", "待办筛选无效");
		if (!strcmp(f->signer, "invited"))
			buf_adds(w, " AND s.state = 'draft' AND s.id IN (SELECT suggestion_id FROM suggestion_signers"
				    " WHERE deputy_id = ? AND status = 'invited')");
		else
			buf_adds(w, " AND s.state = 'replied' AND s.id IN (SELECT suggestion_id FROM suggestion_signers"
				    " WHERE deputy_id = ? AND status = 'accepted') AND NOT EXISTS (SELECT 1"
				    " FROM suggestion_ratings t WHERE t.deputy_id = ? AND t.reply_id ="
				    " (SELECT MAX(y.id) FROM suggestion_replies y WHERE y.suggestion_id = s.id))");
		db_pi(p, a->deputy_id);
		if (strcmp(f->signer, "invited"))
			db_pi(p, a->deputy_id);
	}
	rows_filter_eq(w, p, f->session, " AND s.session_label = ?");
	if (f->key && !strcmp(f->key, "1"))
		buf_adds(w, " AND s.key_supervised = 1");
	if ((rc = rows_filter_flag(w, f->escalated, " AND s.escalated_to IS NOT NULL", "escalated", e)) ||
	    (rc = rows_filter_days(w, p, "s.created_at", f->from, f->to, e)) ||
	    (rc = clock_load(c, path, k, e)))
		return rc;
	return rows_filter_due(w, p, f->due, dues, k->today_s, k->warn_s, e);
}

int suggestion_code_of(const char *q, char code[16])
{
	if (!q || strlen(q) != 13 || q[6] != '-')
		return 0;
	for (int i = 0; i < 13; i++) {
		char ch = q[i] >= 'a' && q[i] <= 'z' ? (char)(q[i] - 'a' + 'A') : q[i];
		if (i < 2 ? ch != "JY"[i] && ch != "YA"[i] : i != 6 && !(ch >= '0' && ch <= '9'))
			return 0;
		code[i] = ch;
	}
	code[13] = '\0';
	return (code[0] == 'J' && code[1] == 'Y') || (code[0] == 'Y' && code[1] == 'A');
}

/* What is waiting for each role, as the list filters that show it. */
static const struct suggestion_todo_row {
	const char *key, *label, *kind, *state, *due, *signer;
	int who; /* 1 staff who manage, 2 a handling unit, 3 a deputy */
} todo_rows[] = {
	{"suggestion.accept", "待受理的代表建议", "suggestion", "submitted", NULL, NULL, 1},
	{"suggestion.assign", "待交办的代表建议", "suggestion", "accepted", NULL, NULL, 1},
	{"motion.accept", "待处理的议案", "motion", "submitted", NULL, NULL, 1},
	{"suggestion.reply", "待答复的代表建议", "suggestion", "assigned", NULL, NULL, 2},
	{"suggestion.warn", "即将到期的代表建议", "suggestion", NULL, "warn", NULL, 1},
	{"suggestion.overdue", "已超期的代表建议", "suggestion", NULL, "overdue", NULL, 1},
	{"suggestion.warn", "即将到期的代表建议", "suggestion", NULL, "warn", NULL, 2},
	{"suggestion.overdue", "已超期的代表建议", "suggestion", NULL, "overdue", NULL, 2},
	{"suggestion.invited", "待答复的联名邀请", "suggestion", NULL, NULL, "invited", 3},
	{"motion.invited", "待答复的议案联名邀请", "motion", NULL, NULL, "invited", 3},
	{"suggestion.to_rate", "待评价的建议答复", "suggestion", NULL, NULL, "to_rate", 3},
};

int suggestion_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e)
{
	int who = role_is_handler(a->role)                    ? 2
		  : role_is_deputy(a->role)                   ? 3
		  : role_can(a->role, PERM_SUGGESTION_MANAGE) ? 1
							      : 0;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_LEN(todo_rows) && who && !rc; i++) {
		const struct suggestion_todo_row *t = &todo_rows[i];
		struct suggestion_filter f = {
			.kind = t->kind, .state = t->state, .due = t->due, .signer = t->signer};
		struct buf w = BUF_INIT_CAP(4096), sql = BUF_INIT_CAP(4200);
		struct db_params p;
		struct db_res *r = NULL;
		struct clock k = {0};

		if (t->who != who)
			continue;
		db_params_init(&p);
		if (!(rc = list_where(c, a, &f, &w, &p, &k, e))) {
			buf_addf(&sql, "SELECT COUNT(*) FROM suggestions s%s", w.data);
			if (buf_failed(&sql))
				rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
			else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
				json_array_append_new(
					items,
					json_pack("{s:s, s:s, s:I, s:s, s:{s:s*, s:s*, s:s*}}",
						  "key", t->key, "label", t->label, "count",
						  (json_int_t)db_int(r, 0, 0), "list",
						  strcmp(t->kind, "motion") ? "suggestions" : "motions",
						  "filter", "state", t->state, "due", t->due,
						  "signer", t->signer));
		}
		clock_free(&k);
		db_res_free(r);
		db_params_release(&p);
		buf_release(&w);
		buf_release(&sql);
	}
	return rc;
}

int suggestion_find_code(struct db_conn *c, const struct actor *a, const char *q, json_t *items, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT},    {"code", COL_STR},  {"kind", COL_STR},
					  {"title", COL_STR}, {"state", COL_STR}, {NULL, 0}};
	struct suggestion_filter f = {0};
	struct buf w = BUF_INIT_CAP(4096), sql = BUF_INIT_CAP(4200);
	struct db_params p;
	struct db_res *r = NULL;
	struct clock k = {0};
	char code[16];
	int rc;

	if (!suggestion_code_of(q, code) || (!role_can(a->role, PERM_SUGGESTION_READ) &&
					     !role_is_handler(a->role) && !role_is_deputy(a->role)))
		return 0;
	f.kind = code[0] == 'Y' ? "motion" : "suggestion";
	db_params_init(&p);
	if (!(rc = list_where(c, a, &f, &w, &p, &k, e))) {
		buf_addf(&sql, "SELECT s.id, s.code, s.kind, s.title, s.state FROM suggestions s%s AND s.code = ?",
			 w.data);
		db_ps(&p, code);
		if (buf_failed(&sql))
			rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
		else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
			for (int i = 0; i < r->nrows; i++) {
				json_t *o = rows_object(r, i, cols);
				json_object_set_new(o, "state_name",
						    json_string(suggestion_state_name(db_val(r, i, 4))));
				json_array_append_new(items, o);
			}
	}
	clock_free(&k);
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	return rc;
}

int suggestion_list(struct db *db, const struct actor *a, const struct suggestion_filter *f,
		    const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"created_at", "deadline",     "updated_at",
					    "id",         "submitted_at", NULL};
	struct buf w = BUF_INIT_CAP(4096);
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	struct clock k = {0};
	char order[64], sort[128], code[16];
	int64_t total;
	int rc, capped;
	json_t *items;

	*out = NULL;
	if (!role_can(a->role, PERM_SUGGESTION_READ) && !role_is_handler(a->role) &&
	    !role_is_deputy(a->role))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表建议");
	if ((rc = rows_order(q->sort, sorts, "created_at DESC", order, sizeof(order), e)))
		return rc;
	c = db_acquire(db);
	db_params_init(&p);
	if ((rc = list_where(c, a, f, &w, &p, &k, e)))
		goto out;
	/* A number typed in the search box names its item, not words of a text. */
	if (suggestion_code_of(f->q, code)) {
		buf_adds(&w, " AND s.code = ?");
		db_ps(&p, code);
	} else if ((rc = rows_filter_text(&w, &p, c, "suggestions", "s", f->q, e))) {
		goto out;
	}
	if (buf_failed(&w)) {
		rc = err_set(e, E_INVALID, "bad_param", "筛选条件过多");
		goto out;
	}
	if ((rc = db_begin_read(c, e)))
		goto out;
	snprintf(sort, sizeof(sort), "%ss.%s, s.id DESC",
		 strncmp(order, "deadline", 8) ? "" : "s.deadline IS NULL, ", order);
	if ((rc = rows_page_ids(c, "suggestions s", "s.id", "SELECT " S_COLS S_FROM, w.data, &p,
				sort, q, 0, &total, &capped, &r, e)))
		goto out;
	items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = row_json(r, i, &k);
		/* A deputy's list says where they stand: first signer, co-signer, or still invited. */
		if (role_is_deputy(a->role)) {
			char st[16];
			if ((rc = signer_status(c, db_int(r, i, S_ID), a->deputy_id, st, sizeof(st), e))) {
				json_decref(o);
				json_decref(items);
				goto out;
			}
			json_object_set_new(o, "my_status", *st ? json_string(st) : json_null());
			json_object_set_new(o, "mine",
					    json_boolean(db_val(r, i, S_DEPUTY) &&
							 db_int(r, i, S_DEPUTY) == a->deputy_id));
		}
		json_array_append_new(items, o);
	}
	*out = rows_list_reply(items, total, q);
out:
	clock_free(&k);
	db_params_release(&p);
	db_res_free(r);
	buf_release(&w);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

static int detail(struct db_conn *c, const struct actor *a, int64_t id, int check, json_t **out,
		  struct err *e)
{
	static const struct col gcols[] = {{"deputy_id", COL_INT},   {"name", COL_STR},
					   {"role", COL_STR},        {"status", COL_STR},
					   {"answered_at", COL_INT}, {NULL, 0}};
	static const struct col hcols[] = {
		{"id", COL_INT},          {"handler_id", COL_INT}, {"name", COL_STR},
		{"role", COL_STR},        {"status", COL_STR},     {"assigned_on", COL_STR},
		{"deadline", COL_STR},    {"return_by", COL_STR},  {"view", COL_STR},
		{"answered_on", COL_STR}, {"reason", COL_STR},     {NULL, 0}};
	static const struct col rcols[] = {
		{"id", COL_INT},
		{"round", COL_INT},
		{"handler_id", COL_INT},
		{"handler_name", COL_STR},
		{"grade", COL_STR},
		{"body", COL_STR},
		{"deadline", COL_STR},
		{"on_time", COL_BOOL},
		{"replied_on", COL_STR},
		{"created_at", COL_INT},
		{NULL, 0}};
	static const struct col tcols[] = {{"reply_id", COL_INT},   {"deputy_id", COL_INT},
					   {"name", COL_STR},       {"attitude", COL_STR},
					   {"result", COL_STR},     {"comment", COL_STR},
					   {"created_at", COL_INT}, {NULL, 0}};
	static const struct col fcols[] = {{"id", COL_INT},   {"reply_id", COL_INT},
					   {"name", COL_STR}, {"mime", COL_STR},
					   {"size", COL_INT}, {NULL, 0}};
	static const struct col ocols[] = {
		{"id", COL_INT}, {"tracking_code", COL_STR}, {"state", COL_STR}, {"body", COL_STR}, {NULL, 0}};
	static const struct col ecols[] = {{"id", COL_INT},         {"action", COL_STR},
					   {"from_state", COL_STR}, {"to_state", COL_STR},
					   {"actor", COL_STR},      {"note", COL_STR},
					   {"created_at", COL_INT}, {NULL, 0}};
	static const struct {
		const char *key, *sql;
		const struct col *cols;
	} parts[] = {
		{"signer_list",
		 "SELECT g.deputy_id, d.name, g.role, g.status, g.answered_at FROM suggestion_signers g"
		 " JOIN deputies d ON d.id = g.deputy_id WHERE g.suggestion_id = ? ORDER BY g.role, d.name",
		 gcols},
		{"handlers",
		 "SELECT sh.id, sh.handler_id, h.name, sh.role, sh.status, sh.assigned_on, sh.deadline,"
		 " sh.return_by, sh.view, sh.answered_on, sh.reason FROM suggestion_handlers sh"
		 " JOIN handlers h ON h.id = sh.handler_id WHERE sh.suggestion_id = ? ORDER BY sh.id",
		 hcols},
		{"replies",
		 "SELECT p.id, p.round, p.handler_id, h.name, p.grade, p.body, p.deadline, p.on_time,"
		 " p.replied_on, p.created_at FROM suggestion_replies p JOIN handlers h ON h.id = p.handler_id"
		 " WHERE p.suggestion_id = ? ORDER BY p.round",
		 rcols},
		{"ratings",
		 "SELECT t.reply_id, t.deputy_id, d.name, t.attitude, t.result, t.comment, t.created_at"
		 " FROM suggestion_ratings t JOIN suggestion_replies p ON p.id = t.reply_id"
		 " JOIN deputies d ON d.id = t.deputy_id WHERE p.suggestion_id = ? ORDER BY p.round, d.name",
		 tcols},
		{"files", "SELECT id, reply_id, name, mime, size FROM suggestion_files WHERE suggestion_id = ? ORDER BY id",
		 fcols},
		{"sources",
		 "SELECT o.id, o.tracking_code, o.state, o.body FROM suggestion_sources x"
		 " JOIN opinions o ON o.id = x.opinion_id WHERE x.suggestion_id = ? ORDER BY o.id",
		 ocols},
		{"events",
		 "SELECT id, action, from_state, to_state, actor, note, created_at FROM suggestion_events"
		 " WHERE suggestion_id = ? ORDER BY id",
		 ecols},
	};
	struct db_res *r = NULL;
	struct clock k = {0};
	json_t *o = NULL;
	int rc;

	if ((rc = load_row(c, id, &r, e)) || (check && (rc = visible(c, a, r, e))) ||
	    (rc = clock_load(c, db_val(r, 0, S_PATH), &k, e)))
		goto out;
	o = row_json(r, 0, &k);
	for (size_t i = 0; i < ARRAY_LEN(parts); i++)
		if ((rc = rows_attach(c, o, parts[i].key, parts[i].cols, e, parts[i].sql, "i", id)))
			goto out;
	/* What the actor may do next: the page shows the buttons that apply. */
	{
		char st[16] = "", hr[8] = "";
		int64_t row = 0;
		json_t *me = json_object();
		if (a->deputy_id && (rc = signer_status(c, id, a->deputy_id, st, sizeof(st), e)))
			goto out;
		if (a->handler_id && (rc = handler_role(c, id, a->handler_id, hr, &row, e)))
			goto out;
		json_object_set_new(me, "signer", *st ? json_string(st) : json_null());
		json_object_set_new(me, "handler_role", *hr ? json_string(hr) : json_null());
		json_object_set_new(me, "staff",
				    json_boolean(role_can(a->role, PERM_SUGGESTION_MANAGE) &&
						 region_path_in_scope(a, db_val(r, 0, S_PATH))));
		json_object_set_new(o, "me", me);
	}
	*out = o;
	o = NULL;
out:
	json_decref(o);
	clock_free(&k);
	db_res_free(r);
	return rc;
}

/* The item as the actor may see it. */
static int load_seen(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return detail(c, a, id, 1, out, e);
}

int suggestion_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, load_seen, a, id, "suggestion", out, e);
}

/* ---- the steps ---- */

/* What the rules of one step share, loaded under the item's row lock by load_item. */
struct act {
	char kind[16]; /* the machine's kind: "suggestion" or "motion" */
	struct clock k;
	char hrole[8]; /* the acting handling unit's part: "lead", "co", or "" */
	int64_t hrow;  /* its suggestion_handlers row */
	int staff;     /* congress staff with the item in their scope */
	const char *outcome; /* a rating that decided: "rate_unsatisfied", "rate_solving" or "rate_done" */
	char rated[200]; /* the rating's own event note */
	char link[48];   /* the item's page, for the notices */
};

/* Where the signers' ratings of a reply send the item (DOMAIN §4.22). */
static const char *const rating_outcomes[][2] = {
	{"rate_unsatisfied", "assigned"}, {"rate_solving", "solving"}, {"rate_done", "closed"}};

static const char *const rating_names[][2] = {
	{"satisfied", "满意"}, {"basically", "基本满意"}, {"unsatisfied", "不满意"}};

/* The item, locked: who may see it (404 otherwise), the actor's part in it, the clock of its
 * region, and the item as it was (the audit's "before"). */
static int load_item(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	if (tx_check(t, load_row(t->c, s->id, &s->row, t->e)) ||
	    tx_check(t, visible(t->c, s->a, s->row, t->e)))
		return t->rc;
	s->state = db_val(s->row, 0, S_STATE);
	/* The kind was read before the lock; only a motion becomes a suggestion, and then it is
	 * no longer where a motion's step starts. */
	if (strcmp(db_val(s->row, 0, S_KIND), x->kind))
		return tx_fail(t, E_CONFLICT, "bad_state", "当前状态为“%s”，不能执行“%s”",
			       suggestion_state_name(s->state), s->step->label);
	x->staff = role_can(s->a->role, PERM_SUGGESTION_MANAGE) &&
		   region_path_in_scope(s->a, db_val(s->row, 0, S_PATH));
	notice_link("suggestions", s->id, x->link, sizeof(x->link));
	if (tx_check(t, clock_load(t->c, db_val(s->row, 0, S_PATH), &x->k, t->e)) ||
	    (s->a->handler_id &&
	     tx_check(t, handler_role(t->c, s->id, s->a->handler_id, x->hrole, &x->hrow, t->e))))
		return t->rc;
	return tx_check(t, detail(t->c, s->a, s->id, 0, &s->before, t->e));
}

/* A final state stamps closed_at; any other clears it. */
static int set_item_state(struct step_run *s)
{
	int64_t now = util_now();
	return tx_exec(&s->t, NULL, "UPDATE suggestions SET state = ?, updated_at = ?, closed_at = ? WHERE id = ? AND state = ?",
		       "sinis", s->to, now, is_final(s->to) ? now : (int64_t)0, s->id, s->from);
}

/* The step's history row (a rating that decided writes two: the rating, then its outcome),
 * and what every step keeps up to date: the item's time and the board's copies. */
static int item_event(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	const char *action = s->step->name;
	if (!strcmp(action, "rate")) {
		if (tx_check(t, event(t->c, s->id, "rate", s->from, s->from, s->a, x->rated, t->e)))
			return t->rc;
		action = x->outcome;
	}
	if (action && tx_check(t, event(t->c, s->id, action, s->from, s->to, s->a, s->note, t->e)))
		return t->rc;
	if (!strcmp(s->to, s->from) &&
	    tx_exec(t, NULL, "UPDATE suggestions SET updated_at = ? WHERE id = ?", "ii", util_now(), s->id))
		return t->rc;
	return tx_check(t, sync_in_hand(t->c, s->id, t->e));
}

static int item_after(struct step_run *s)
{
	return tx_check(&s->t, detail(s->t.c, s->a, s->id, 0, &s->after, s->t.e));
}

/* ---- who may ---- */

static int may_staff(struct step_run *s)
{
	struct act *x = s->ctx;
	return x->staff ? 0 : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有人大工作人员可以%s", s->step->label);
}

/* Submitting: the first signer, or the staff who registered it. */
static int may_author(struct step_run *s)
{
	return tx_check(&s->t, may_edit(s->a, s->row, s->t.e));
}

/* Withdrawing: the author, or the staff at any stage. */
static int may_withdraw(struct step_run *s)
{
	struct act *x = s->ctx;
	return x->staff ? 0 : may_author(s);
}

static int may_lead(struct step_run *s)
{
	struct act *x = s->ctx;
	return !strcmp(x->hrole, "lead")
		       ? 0
		       : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有主办单位可以%s", s->step->label);
}

static int may_co(struct step_run *s)
{
	struct act *x = s->ctx;
	return !strcmp(x->hrole, "co")
		       ? 0
		       : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有会办单位可以%s", s->step->label);
}

/* Either handling unit, lead or co-handler. */
static int may_unit(struct step_run *s)
{
	struct act *x = s->ctx;
	return *x->hrole ? 0 : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有承办单位可以%s", s->step->label);
}

static int may_staff_or_lead(struct step_run *s)
{
	struct act *x = s->ctx;
	if (x->staff || !strcmp(x->hrole, "lead"))
		return 0;
	return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有人大工作人员或主办单位可以%s", s->step->label);
}

/* Assigning: the staff; an escalated item only by the county it went up to. */
static int may_assign(struct step_run *s)
{
	if (may_staff(s) || strcmp(s->state, "escalated"))
		return s->t.rc;
	return tx_check(&s->t, escalation_may_decide(s->a, db_val(s->row, 0, S_ESCALATED_TO),
						     s->step->label, s->t.e));
}

/* Returning an escalated item: the county it went up to. */
static int may_county(struct step_run *s)
{
	if (may_staff(s))
		return s->t.rc;
	return tx_check(&s->t, escalation_may_decide(s->a, db_val(s->row, 0, S_ESCALATED_TO),
						     s->step->label, s->t.e));
}

/* Only the deputies who signed it rate it; to anyone else it does not exist. */
static int may_rate(struct step_run *s)
{
	char st[16] = "";
	if (!role_is_deputy(s->a->role) || !s->a->deputy_id)
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只能评价本人提出或联名的建议");
	if (tx_check(&s->t, signer_status(s->t.c, s->id, s->a->deputy_id, st, sizeof(st), s->t.e)) ||
	    !strcmp(st, "accepted"))
		return s->t.rc;
	return *st ? tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只能评价本人提出或联名的建议")
		   : tx_fail(&s->t, E_NOTFOUND, "not_found", "建议或议案不存在");
}

/* ---- what each step writes ---- */

/* A step's notices (notice.h), each linking to the item's page: to the deputies who signed it,
 * to a handling unit, or to the staff of the item's region. */
static int tell_signers(struct step_run *s, const char *title)
{
	struct act *x = s->ctx;
	return tx_check(&s->t, notice_deputies(s->t.c,
					       "SELECT deputy_id FROM suggestion_signers WHERE suggestion_id = ?"
					       " AND status IN ('author','accepted')",
					       s->id, "suggestion", title, x->link, s->t.e));
}

static int tell_unit(struct step_run *s, int64_t handler_id, const char *title)
{
	struct act *x = s->ctx;
	return tx_check(&s->t, notice_handler(s->t.c, handler_id, "suggestion", title, x->link, s->t.e));
}

/* The lead unit (or units) that hold the item now. */
static int tell_leads(struct step_run *s, const char *title)
{
	struct db_res *r = NULL;
	if (tx_exec(&s->t, &r,
		    "SELECT handler_id FROM suggestion_handlers WHERE suggestion_id = ? AND role = 'lead'"
		    " AND status = 'assigned'",
		    "i", s->id))
		return s->t.rc;
	for (int j = 0; j < r->nrows && !s->t.rc; j++)
		tell_unit(s, db_int(r, j, 0), title);
	db_res_free(r);
	return s->t.rc;
}

static int tell_office(struct step_run *s, const char *title)
{
	struct act *x = s->ctx;
	return tx_check(&s->t, notice_region(s->t.c, db_val(s->row, 0, S_REGION), "suggestion",
					     title, x->link, s->t.e));
}

/* The reason into the event's note; required: at least two characters. */
static int take_reason(struct step_run *s, int required)
{
	const char *why = jsonx_str(s->in, "reason");
	if (required && tx_check(&s->t, jsonx_need_text(s->in, "reason", "理由", 2, s->t.e)))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "%s", why ? why : "");
	return 0;
}

/* ... and on the item, as why it was sent back, refused or withdrawn. */
static int keep_reason(struct step_run *s, int required)
{
	return take_reason(s, required) ||
	       tx_exec(&s->t, NULL, "UPDATE suggestions SET reason = ? WHERE id = ?", "si", s->note, s->id);
}

/* A motion needs the presidium or enough deputies jointly (DOMAIN §1.6): the signers who
 * agreed, the first signer included. */
static int check_motion_signers(struct step_run *s)
{
	struct tx *t = &s->t;
	struct db_res *n = NULL;
	int64_t have;
	int min = 0;
	if (strcmp(db_val(s->row, 0, S_KIND), "motion") || db_int(s->row, 0, S_PRESIDIUM))
		return 0;
	if (tx_check(t, settings_int(t->c, db_val(s->row, 0, S_PATH),
				     !strcmp(db_val(s->row, 0, S_LEVEL), "township") ? "motion.min_deputies_township" : "motion.min_deputies",
				     &min, t->e)) ||
	    tx_exec(t, &n, "SELECT COUNT(*) FROM suggestion_signers WHERE suggestion_id = ? AND status = 'accepted'",
		    "i", s->id))
		return t->rc;
	have = db_int(n, 0, 0);
	if (have < min)
		tx_fail_field(t, E_INVALID, "too_few_signers", "cosigners",
			      "议案须由代表 %d 人以上联名提出，目前已确认联名 %lld 人（含领衔代表）",
			      min, (long long)have);
	db_res_free(n);
	return t->rc;
}

/* Submitted: the intake window opens, unanswered invitations lapse, the office is told, and the
 * opinions it grew from are handled as this suggestion from now on. */
static int run_submit(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	struct db_res *src = NULL;
	int days = 0;
	char lim[11];
	if (check_motion_signers(s) ||
	    tx_check(t, settings_int(t->c, db_val(s->row, 0, S_PATH), "suggestion.intake_days", &days, t->e)))
		return t->rc;
	cal_format(x->k.today + days, lim);
	if (tx_exec(t, NULL, "UPDATE suggestion_signers SET status = 'lapsed' WHERE suggestion_id = ? AND status = 'invited'",
		    "i", s->id) ||
	    tx_exec(t, NULL, "UPDATE suggestions SET submitted_at = ?, intake_deadline = ?, reason = NULL WHERE id = ?",
		    "isi", util_now(), lim, s->id) ||
	    tell_office(s, !strcmp(x->kind, "motion") ? "新提交的议案" : "新提交的代表建议") ||
	    tx_exec(t, &src, "SELECT opinion_id FROM suggestion_sources WHERE suggestion_id = ?", "i", s->id))
		return t->rc;
	for (int j = 0; j < src->nrows && !t->rc; j++)
		tx_check(t, opinion_mark_converted(t->c, s->a, db_int(src, j, 0),
						   db_val(s->row, 0, S_CODE), t->e));
	db_res_free(src);
	snprintf(s->note, sizeof(s->note), "%s前受理", lim);
	return t->rc;
}

static int run_withdraw(struct step_run *s)
{
	return keep_reason(s, 0);
}

static int run_return(struct step_run *s)
{
	return keep_reason(s, 1) || tell_signers(s, "您的建议被退回，请修改后重新提交");
}

static int run_reject(struct step_run *s)
{
	return keep_reason(s, 1) || tell_signers(s, "您的议案未列入会议议程");
}

/* Referred: handled as a citizens' opinion instead, registered as a letter. */
static int run_refer(struct step_run *s)
{
	struct tx *t = &s->t;
	struct buf text = BUF_INIT_CAP(LIMIT_TEXT_CHARS * 16);
	char code[16];
	size_t used;
	if (keep_reason(s, 1))
		return t->rc;
	buf_adds(&text, db_val(s->row, 0, S_TITLE));
	buf_adds(&text, "：");
	buf_adds(&text, db_val(s->row, 0, S_BODY));
	if (buf_failed(&text))
		tx_fail(t, E_TOOLARGE, "too_large", "建议内容过长，不能转为群众意见");
	else
		tx_check(t, opinion_refer(t->c, s->a, db_val(s->row, 0, S_REGION), text.data,
					  db_val(s->row, 0, S_CODE), code, t->e));
	buf_release(&text);
	if (t->rc)
		return t->rc;
	used = strlen(s->note);
	snprintf(s->note + used, sizeof(s->note) - used, "（转为群众意见 %s）", code);
	return tell_signers(s, "您的建议已转为群众意见办理");
}

/* A handling unit sends back a wrong assignment within the return window (DOMAIN §4.20). The
 * lead's return sends the item back to be assigned again; a co-handler's leaves it in hand. */
static int run_handler_return(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	struct db_res *h = NULL;
	if (take_reason(s, 1) ||
	    tx_exec(t, &h, "SELECT return_by FROM suggestion_handlers WHERE id = ?", "i", x->hrow))
		return t->rc;
	if (strcmp(x->k.today_s, db_val(h, 0, 0)) > 0)
		tx_fail(t, E_CONFLICT, "too_late", "已超过退回时限（%s），请与交办机关协商",
			db_val(h, 0, 0));
	db_res_free(h);
	if (t->rc ||
	    tx_exec(t, NULL, "UPDATE suggestion_handlers SET status = 'returned', reason = ? WHERE id = ?",
		    "si", s->note, x->hrow) ||
	    tell_office(s, "承办单位退回了代表建议，请重新交办"))
		return t->rc;
	if (strcmp(x->hrole, "lead"))
		s->to = s->from;
	return 0;
}

/* Beyond the township's powers: up to its county's congress office with the reason. The dates
 * stay: the assignment is still measured from the day the township accepted it
 * (late_assignment), and the reply deadline runs from the county's assignment, as the law
 * counts it. The county's staff and the signers are told. Once only (escalation_target). */
static int run_escalate(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	char county[16], name[200];

	if (tx_check(t, jsonx_need_text(s->in, "reason", "转交理由", 2, t->e)) ||
	    tx_check(t, escalation_target(t->c, s->a, db_val(s->row, 0, S_REGION), db_val(s->row, 0, S_ESCALATED_TO),
					  county, sizeof(county), name, sizeof(name), t->e)))
		return t->rc;
	snprintf(s->note, sizeof(s->note), "转交%s：%s", name, jsonx_str(s->in, "reason"));
	if (tx_exec(t, NULL, "UPDATE suggestions SET escalated_to = ?, escalation_reason = ?, escalated_at = ? WHERE id = ?",
		    "ssii", county, jsonx_str(s->in, "reason"), util_now(), s->id) ||
	    tx_check(t, notice_region(t->c, county, "suggestion", "下级转交了一件代表建议", x->link, t->e)))
		return t->rc;
	return tell_signers(s, "您的建议已转交上级人大交办");
}

/* The county disagrees: back to the township with the reason, which then assigns it itself. */
static int run_escalation_return(struct step_run *s)
{
	return keep_reason(s, 1) || tell_office(s, "上级退回了转交的代表建议，请自行交办");
}

/* Accepted: the deputy is told; past the intake window it is noted as late. */
static int run_accept(struct step_run *s)
{
	struct act *x = s->ctx;
	const char *lim = db_val(s->row, 0, S_INTAKE_DEADLINE);
	if (tx_exec(&s->t, NULL, "UPDATE suggestions SET accepted_on = ? WHERE id = ?", "si",
		    x->k.today_s, s->id) ||
	    tell_signers(s, "您的建议已受理"))
		return s->t.rc;
	if (lim && strcmp(x->k.today_s, lim) > 0)
		snprintf(s->note, sizeof(s->note), "超过受理时限（%s）", lim);
	return 0;
}

/* A handling unit for an assignment: active and within the assigning staff's scope. */
static int check_handler(struct db_conn *c, const struct actor *a, int64_t hid, const char *field,
			 char *name, size_t n, struct err *e)
{
	struct db_res *x = NULL;
	int rc = db_execv(c, &x, e,
			  "SELECT r.path, h.active, h.name FROM handlers h JOIN regions r ON r.code = h.region_code"
			  " WHERE h.id = ?",
			  "i", hid);
	if (rc)
		return rc;
	if (!x->nrows || !region_path_in_scope(a, db_val(x, 0, 0)))
		rc = err_field(e, E_INVALID, "bad_handler", field, "承办单位不存在或不在您的管理范围内");
	else if (!db_int(x, 0, 1))
		rc = err_field(e, E_INVALID, "bad_handler", field, "承办单位“%s”已停用", db_val(x, 0, 2));
	else
		snprintf(name, n, "%s", db_val(x, 0, 2));
	db_res_free(x);
	return rc;
}

/* The co-handling units of an assignment: distinct units, none of them the lead. */
static int check_co_handlers(struct step_run *s, int64_t lead, json_t *co)
{
	size_t i;
	json_t *v;
	json_array_foreach(co, i, v) {
		char cname[200];
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return tx_fail_field(&s->t, E_INVALID, "bad_handler", "co_handler_ids",
					     "会办单位应为承办单位编号");
		if (json_integer_value(v) == lead)
			return tx_fail_field(&s->t, E_INVALID, "bad_handler", "co_handler_ids",
					     "主办单位不能同时作为会办单位");
		for (size_t j = 0; j < i; j++)
			if (json_integer_value(json_array_get(co, j)) == json_integer_value(v))
				return tx_fail_field(&s->t, E_INVALID, "bad_handler",
						     "co_handler_ids", "会办单位重复");
		if (tx_check(&s->t, check_handler(s->t.c, s->a, json_integer_value(v),
						  "co_handler_ids", cname, sizeof(cname), s->t.e)) ||
		    (!strcmp(s->from, "escalated") &&
		     tx_check(&s->t,
			      escalation_check_handler(s->t.c, db_val(s->row, 0, S_ESCALATED_TO),
						       json_integer_value(v), "co_handler_ids", s->t.e))))
			return s->t.rc;
	}
	return 0;
}

/* Whether this is a first assignment made later than suggestion.assign_days working days after
 * the item was accepted (DOMAIN §4.18); *lim is that last day. An assignment again after a unit's
 * return is not measured against it. */
static int late_assignment(struct step_run *s, char *lim)
{
	struct act *x = s->ctx;
	const char *accepted = db_val(s->row, 0, S_ACCEPTED);
	int32_t day;
	int days = 0;
	*lim = 0;
	if (db_val(s->row, 0, S_ASSIGNED) || !accepted || cal_parse(accepted, &day) ||
	    tx_check(&s->t, settings_int(s->t.c, db_val(s->row, 0, S_PATH),
					 "suggestion.assign_days", &days, s->t.e)))
		return 0;
	cal_format(cal_add_workdays(&x->k.h.cal, day, days), lim);
	return strcmp(x->k.today_s, lim) > 0;
}

/* Assigned to one lead unit and any co-handlers, each with its deadline in calendar months moved
 * to the next working day, and the window to send a wrong assignment back (DOMAIN §4.19-20). */
static int run_assign(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	const struct clock *k = &x->k;
	int64_t lead = jsonx_int(s->in, "lead_handler_id", 0);
	json_t *co = json_object_get(s->in, "co_handler_ids"), *v;
	int difficult = json_object_get(s->in, "difficult")
				? json_is_true(json_object_get(s->in, "difficult"))
				: (int)db_int(s->row, 0, S_DIFFICULT);
	int months = 0, co_months = 0, ret_days = 0;
	char name[200], lead_d[11], co_d[11], ret_d[11], lim[11];
	const char *path = db_val(s->row, 0, S_PATH);
	size_t i, used;

	if (!lead)
		return tx_fail_field(t, E_INVALID, "missing_field", "lead_handler_id", "请选择主办单位");
	if (tx_check(t, settings_int(t->c, path, difficult ? "suggestion.reply_months_difficult" : "suggestion.reply_months",
				     &months, t->e)) ||
	    tx_check(t, settings_int(t->c, path, "suggestion.co_view_months", &co_months, t->e)) ||
	    tx_check(t, settings_int(t->c, path, "suggestion.return_days", &ret_days, t->e)) ||
	    tx_check(t, check_handler(t->c, s->a, lead, "lead_handler_id", name, sizeof(name), t->e)) ||
	    (!strcmp(s->from, "escalated") &&
	     tx_check(t, escalation_check_handler(t->c, db_val(s->row, 0, S_ESCALATED_TO), lead,
						  "lead_handler_id", t->e))) ||
	    check_co_handlers(s, lead, co))
		return t->rc;
	cal_format(suggestion_add_months(&k->h.cal, k->today, months), lead_d);
	cal_format(suggestion_add_months(&k->h.cal, k->today, co_months), co_d);
	cal_format(cal_add_workdays(&k->h.cal, k->today, ret_days), ret_d);
	/* A re-assignment after a return replaces whatever was still in hand. */
	if (tx_exec(t, NULL, "UPDATE suggestion_handlers SET status = 'removed' WHERE suggestion_id = ? AND status = 'assigned'",
		    "i", s->id) ||
	    tx_exec(t, NULL,
		    "INSERT INTO suggestion_handlers (suggestion_id, handler_id, role, status, assigned_on, deadline,"
		    " return_by, created_at) VALUES (?,?,'lead','assigned',?,?,?,?)",
		    "iisssi", s->id, lead, k->today_s, lead_d, ret_d, util_now()) ||
	    tell_unit(s, lead, "新交办的代表建议（主办）"))
		return t->rc;
	used = (size_t)snprintf(s->note, sizeof(s->note), "主办：%s，%s前答复", name, lead_d);
	json_array_foreach(co, i, v) {
		if (tx_exec(t, NULL,
			    "INSERT INTO suggestion_handlers (suggestion_id, handler_id, role, status, assigned_on,"
			    " deadline, return_by, created_at) VALUES (?,?,'co','assigned',?,?,?,?)",
			    "iisssi", s->id, (int64_t)json_integer_value(v), k->today_s, co_d,
			    ret_d, util_now()) ||
		    tell_unit(s, json_integer_value(v), "新交办的代表建议（会办）"))
			return t->rc;
	}
	if (json_array_size(co) && used < sizeof(s->note))
		used += (size_t)snprintf(s->note + used, sizeof(s->note) - used,
					 "；会办单位 %zu 个，%s前向主办单位提出意见",
					 json_array_size(co), co_d);
	if (late_assignment(s, lim) && used < sizeof(s->note))
		snprintf(s->note + used, sizeof(s->note) - used, "；超过交办时限（%s）", lim);
	return t->rc ||
	       tx_exec(t, NULL, "UPDATE suggestions SET assigned_on = ?, deadline = ?, difficult = ? WHERE id = ?",
		       "ssii", k->today_s, lead_d, (int64_t)difficult, s->id) ||
	       tell_signers(s, "您的建议已交办");
}

/* A co-handler's view goes to the lead unit. */
static int run_view(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	if (tx_check(t, jsonx_need_text(s->in, "view", "会办意见", 5, t->e)) ||
	    tx_exec(t, NULL,
		    "UPDATE suggestion_handlers SET status = 'answered', view = ?, answered_at = ?, answered_on = ?"
		    " WHERE id = ?",
		    "sisi", jsonx_str(s->in, "view"), util_now(), x->k.today_s, x->hrow))
		return t->rc;
	return tell_leads(s, "会办单位已提出会办意见");
}

/* The lead unit's reply, graded A/B/C/D (DOMAIN §4.21), with its formal document; on time when
 * given by the deadline. The signers are asked to rate it. */
static int run_reply(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	const struct clock *k = &x->k;
	const char *grade = jsonx_str(s->in, "grade"), *deadline = db_val(s->row, 0, S_DEADLINE);
	json_t *doc = json_object_get(s->in, "document"), *docs = doc ? json_pack("[O]", doc) : NULL;
	struct db_res *r = NULL;
	int round = (int)db_int(s->row, 0, S_ROUND) + 1, on_time;
	int64_t reply_id = 0;

	if (!grade || strlen(grade) != 1 || !strchr("ABCD", grade[0]))
		tx_fail_field(t, E_INVALID, "missing_field", "grade",
			      "请选择答复类别（A 已解决或基本解决 / B 正在解决或列入计划 /"
			      " C 因条件限制需以后解决 / D 留作参考）");
	else if (!tx_check(t, jsonx_need_text(s->in, "body", "答复内容", 10, t->e)) && doc)
		tx_check(t, json_is_object(doc) ? attach_check(docs, "attachments", t->e)
						: err_field(t->e, E_INVALID, "bad_file", "document",
							    "答复文件格式不正确"));
	if (t->rc)
		goto out;
	/* A B item's follow-up reply has no new deadline: it is on time. */
	on_time = !deadline || strcmp(s->from, "assigned") || strcmp(k->today_s, deadline) <= 0;
	if (!tx_exec(t, &r,
		     "INSERT INTO suggestion_replies (suggestion_id, round, handler_id, grade, body, deadline,"
		     " on_time, replied_on, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
		     "iiisssisi", s->id, (int64_t)round, s->a->handler_id, grade, jsonx_str(s->in, "body"),
		     deadline ? deadline : k->today_s, (int64_t)on_time, k->today_s, util_now()))
		reply_id = db_int(r, 0, 0);
	db_res_free(r);
	if ((doc && tx_check(t, store_files(t->c, s->id, reply_id, docs, t->e))) ||
	    tx_exec(t, NULL, "UPDATE suggestion_handlers SET status = 'answered', answered_at = ?, answered_on = ? WHERE id = ?",
		    "isi", util_now(), k->today_s, x->hrow) ||
	    tx_exec(t, NULL,
		    "UPDATE suggestions SET grade = ?, round = ?, replied_at = ?,"
		    " followed_up = CASE WHEN state = 'solving' THEN 1 ELSE followed_up END,"
		    " published = CASE WHEN ? = 1 THEN 1 ELSE published END WHERE id = ?",
		    "siiii", grade, (int64_t)round, util_now(),
		    (int64_t)json_is_true(json_object_get(s->in, "publish")), s->id) ||
	    tx_check(t, retokenize(t->c, s->id, t->e)) || tell_signers(s, "您的建议已有答复，请评价"))
		goto out;
	snprintf(s->note, sizeof(s->note), "第 %d 次答复，%s 类%s", round, grade, on_time ? "" : "（逾期）");
out:
	json_decref(docs);
	return t->rc;
}

static int run_agenda(struct step_run *s)
{
	return take_reason(s, 0) || tell_signers(s, "您的议案已列入会议议程");
}

/* The presidium has a motion handled as a suggestion: accepted as one today. */
static int run_to_suggestion(struct step_run *s)
{
	struct act *x = s->ctx;
	return take_reason(s, 0) ||
	       tx_exec(&s->t, NULL, "UPDATE suggestions SET kind = 'suggestion', accepted_on = ? WHERE id = ?",
		       "si", x->k.today_s, s->id) ||
	       tell_signers(s, "您的议案将作为建议处理");
}

static int run_close(struct step_run *s)
{
	return take_reason(s, 0);
}

/* Key supervision (DOMAIN §4.23) on, with the leader who supervises, or off. */
static int run_supervise(struct step_run *s)
{
	int on = !json_object_get(s->in, "on") || json_is_true(json_object_get(s->in, "on"));
	const char *who = jsonx_str(s->in, "supervisor") ? jsonx_str(s->in, "supervisor") : "";
	if (on && !*who)
		return tx_fail_field(&s->t, E_INVALID, "missing_field", "supervisor", "请填写督办领导");
	if (tx_exec(&s->t, NULL, "UPDATE suggestions SET key_supervised = ?, supervisor = ? WHERE id = ?",
		    "isi", (int64_t)on, on ? who : "", s->id))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), on ? "列为重点督办，督办领导：%s" : "取消重点督办%s", who);
	return 0;
}

/* 催办: staff remind every unit still handling the item (its part not yet answered) when the
 * item is past or near its deadline (chase.near_days), with a message; each unit is told in-app
 * and by text message and counted (chase.c); the history records it. */
static int run_chase(struct step_run *s)
{
	struct act *x = s->ctx;
	struct db_res *r = NULL;
	const char *msg;
	char title[120];
	int n = 0;

	if (tx_check(&s->t, jsonx_need_text(s->in, "message", "催办内容", 2, s->t.e)) ||
	    tx_check(&s->t, chase_due(s->t.c, db_val(s->row, 0, S_PATH),
				      db_val(s->row, 0, S_DEADLINE), s->t.e)) ||
	    tx_exec(&s->t, &r,
		    "SELECT sh.handler_id, h.name FROM suggestion_handlers sh JOIN handlers h ON h.id = sh.handler_id"
		    " WHERE sh.suggestion_id = ? AND sh.status = 'assigned' ORDER BY sh.id",
		    "i", s->id))
		return s->t.rc;
	msg = jsonx_str(s->in, "message");
	snprintf(title, sizeof(title), "催办：%s 办理期限 %s", db_val(s->row, 0, S_CODE),
		 db_val(s->row, 0, S_DEADLINE));
	n = snprintf(s->note, sizeof(s->note), "催办");
	for (int i = 0; i < r->nrows && tx_ok(&s->t); i++) {
		if (n > 0 && (size_t)n < sizeof(s->note))
			n += snprintf(s->note + n, sizeof(s->note) - (size_t)n, "%s%s",
				      i ? "、" : "", db_val(r, i, 1));
		tx_check(&s->t, chase_record(s->t.c, s->a, "suggestion", s->id, db_int(r, i, 0),
					     msg, title, x->link, s->t.e));
	}
	if (tx_ok(&s->t) && !r->nrows)
		tx_fail(&s->t, E_CONFLICT, "no_handler", "没有正在办理的承办单位，无需催办");
	else if (n > 0 && (size_t)n < sizeof(s->note))
		snprintf(s->note + n, sizeof(s->note) - (size_t)n, "：%s", msg);
	db_res_free(r);
	return s->t.rc;
}

static int run_progress(struct step_run *s)
{
	if (tx_check(&s->t, jsonx_need_text(s->in, "note", "进展情况", 4, s->t.e)))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "%s", jsonx_str(s->in, "note"));
	return 0;
}

/* The replies made public, or withdrawn from the public page: once there is a reply. */
static int run_publish(struct step_run *s)
{
	int on = !json_object_get(s->in, "on") || json_is_true(json_object_get(s->in, "on"));
	if (db_int(s->row, 0, S_ROUND) <= 0)
		return tx_fail(&s->t, E_CONFLICT, "bad_state", "当前状态为“%s”，不能执行“%s”",
			       suggestion_state_name(s->from), s->step->label);
	if (tx_exec(&s->t, NULL, "UPDATE suggestions SET published = ? WHERE id = ?", "ii",
		    (int64_t)on, s->id))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), on ? "答复向社会公开" : "取消公开");
	return 0;
}

/* One signer rates the latest reply. When every signer has rated, the ratings decide
 * (suggestion_rating_outcome): handled again within rehandle_months, kept open as B, or closed. */
static int run_rate(struct step_run *s)
{
	struct act *x = s->ctx;
	struct tx *t = &s->t;
	struct db_res *r = NULL;
	const char *attitude = jsonx_str(s->in, "attitude"), *result = jsonx_str(s->in, "result"), *comment;
	int64_t reply_id, rated = 0, signers = 0, unsatisfied = 0;
	int months = 0;
	char d[11];

	comment = jsonx_str(s->in, "comment") ? jsonx_str(s->in, "comment") : "";
	if (tx_exec(t, &r,
		    "SELECT id, (SELECT COUNT(*) FROM suggestion_ratings WHERE reply_id = p.id AND deputy_id = ?)"
		    " FROM suggestion_replies p WHERE suggestion_id = ? ORDER BY round DESC LIMIT 1",
		    "ii", s->a->deputy_id, s->id))
		return t->rc;
	reply_id = r->nrows ? db_int(r, 0, 0) : 0;
	if (!r->nrows)
		tx_fail(t, E_CONFLICT, "bad_state", "还没有可评价的答复");
	else if (db_int(r, 0, 1))
		tx_fail(t, E_CONFLICT, "already_rated", "您已评价过这次答复");
	db_res_free(r);
	if (tx_exec(t, NULL,
		    "INSERT INTO suggestion_ratings (reply_id, deputy_id, attitude, result, comment, created_at)"
		    " VALUES (?,?,?,?,?,?)",
		    "iisssi", reply_id, s->a->deputy_id, attitude, result, comment, util_now()) ||
	    tx_exec(t, &r,
		    "SELECT (SELECT COUNT(*) FROM suggestion_signers WHERE suggestion_id = ? AND status = 'accepted'),"
		    " COUNT(*), COALESCE(SUM(CASE WHEN result = 'unsatisfied' THEN 1 ELSE 0 END), 0)"
		    " FROM suggestion_ratings WHERE reply_id = ?",
		    "ii", s->id, reply_id))
		return t->rc;
	signers = db_int(r, 0, 0);
	rated = db_int(r, 0, 1);
	unsatisfied = db_int(r, 0, 2);
	db_res_free(r);
	snprintf(x->rated, sizeof(x->rated), "态度：%s；结果：%s",
		 UTIL_LABEL(rating_names, attitude, ""), UTIL_LABEL(rating_names, result, ""));
	if (rated < signers)
		return 0;
	if (!strcmp(suggestion_rating_outcome(db_val(s->row, 0, S_GRADE), (int)unsatisfied), "rehandle")) {
		x->outcome = "rate_unsatisfied";
		if (tx_check(t, settings_int(t->c, db_val(s->row, 0, S_PATH),
					     "suggestion.rehandle_months", &months, t->e)))
			return t->rc;
		cal_format(suggestion_add_months(&x->k.h.cal, x->k.today, months), d);
		if (tx_exec(t, NULL, "UPDATE suggestions SET rehandled = rehandled + 1, deadline = ? WHERE id = ?",
			    "si", d, s->id) ||
		    tx_exec(t, NULL,
			    "UPDATE suggestion_handlers SET status = 'assigned', deadline = ? WHERE suggestion_id = ?"
			    " AND role = 'lead' AND status = 'answered'",
			    "si", d, s->id) ||
		    tell_leads(s, "代表对答复不满意，请重新办理并在一个月内答复"))
			return t->rc;
		snprintf(s->note, sizeof(s->note), "重新办理，%s前答复", d);
	} else {
		x->outcome = !strcmp(suggestion_rating_outcome(db_val(s->row, 0, S_GRADE), 0), "solving")
				     ? "rate_solving"
				     : "rate_done";
	}
	s->to = UTIL_LABEL(rating_outcomes, x->outcome, s->from);
	return t->rc;
}

/* ---- the tables ---- */

/* Every state but a draft and a withdrawn item: where supervision and progress notes apply. */
#define SUGGESTION_SEEN "submitted returned accepted referred assigned replied solving closed"
#define MOTION_SEEN "submitted returned on_agenda not_on_agenda"

/* A suggestion (DOMAIN §4). A step whose from is "" is never taken by this kind. */
static const struct step suggestion_steps[] = {
	{"submit", "提交", "draft returned", "submitted", may_author, run_submit},
	{"withdraw", "撤回", "draft returned submitted accepted escalated assigned", "withdrawn",
	 may_withdraw, run_withdraw},
	{"return", "退回代表", "submitted", "returned", may_staff, run_return},
	{"accept", "受理", "submitted", "accepted", may_staff, run_accept},
	{"refer", "转为群众意见", "submitted", "referred", may_staff, run_refer},
	{"assign", "交办", "accepted escalated", "assigned", may_assign, run_assign},
	{"escalate", "转交上级", "accepted", "escalated", may_staff, run_escalate},
	{"escalation_return", "上级退回", "escalated", "accepted", may_county, run_escalation_return},
	{"handler_return", "承办单位退回", "assigned", "accepted", may_unit, run_handler_return},
	{"view", "会办意见", "assigned", NULL, may_co, run_view},
	{"reply", "答复", "assigned solving", "replied", may_lead, run_reply}, /* solving: a B item's second reply */
	{"rate", "评价", "replied", NULL, may_rate, run_rate}, /* to: what the ratings decide */
	{"close", "办结", "replied", "closed", may_staff, run_close},
	{"agenda", "列入会议议程", "", "on_agenda", may_staff, run_agenda},
	{"reject", "不列入议程", "", "not_on_agenda", may_staff, run_reject},
	{"to_suggestion", "作为建议处理", "", "accepted", may_staff, run_to_suggestion},
	{"supervise", "重点督办", SUGGESTION_SEEN, NULL, may_staff, run_supervise},
	{"progress", "督办进展", SUGGESTION_SEEN, NULL, may_staff_or_lead, run_progress},
	{"chase", "催办", "assigned", NULL, may_staff, run_chase},
	{"publish", "公开答复", NULL, NULL, may_staff_or_lead, run_publish},
};

/* A motion (DOMAIN §1.6): the presidium puts it on the agenda, refuses it, or has it handled as
 * a suggestion (it then follows the suggestion's steps). */
static const struct step motion_steps[] = {
	{"submit", "提交", "draft returned", "submitted", may_author, run_submit},
	{"withdraw", "撤回", "draft returned submitted", "withdrawn", may_withdraw, run_withdraw},
	{"return", "退回代表", "submitted", "returned", may_staff, run_return},
	{"accept", "受理", "", "accepted", may_staff, run_accept},
	{"refer", "转为群众意见", "", "referred", may_staff, run_refer},
	{"assign", "交办", "", "assigned", may_staff, run_assign},
	{"escalate", "转交上级", "", "escalated", may_staff, run_escalate},
	{"escalation_return", "上级退回", "", "accepted", may_county, run_escalation_return},
	{"handler_return", "承办单位退回", "", "accepted", may_unit, run_handler_return},
	{"view", "会办意见", "", NULL, may_co, run_view},
	{"reply", "答复", "", "replied", may_lead, run_reply},
	{"rate", "评价", "", NULL, may_rate, run_rate},
	{"close", "办结", "", "closed", may_staff, run_close},
	{"agenda", "列入会议议程", "submitted", "on_agenda", may_staff, run_agenda},
	{"reject", "不列入议程", "submitted", "not_on_agenda", may_staff, run_reject},
	{"to_suggestion", "作为建议处理", "submitted", "accepted", may_staff, run_to_suggestion},
	{"supervise", "重点督办", MOTION_SEEN, NULL, may_staff, run_supervise},
	{"progress", "督办进展", MOTION_SEEN, NULL, may_staff_or_lead, run_progress},
	{"publish", "公开答复", NULL, NULL, may_staff_or_lead, run_publish},
};

static const struct step_machine suggestion_machine = {
	"suggestion", "suggestions",  "建议或议案", suggestion_steps, ARRAY_LEN(suggestion_steps),
	load_item,    set_item_state, item_event,   item_after,       suggestion_state_name};
static const struct step_machine motion_machine = {
	"suggestion", "suggestions",  "建议或议案", motion_steps, ARRAY_LEN(motion_steps),
	load_item,    set_item_state, item_event,   item_after,   suggestion_state_name};

static const struct step_machine *machine_of(const char *kind)
{
	return !strcmp(kind, "motion") ? &motion_machine : &suggestion_machine;
}

const char *suggestion_next_state(const char *kind, const char *state, const char *action)
{
	const struct step_machine *m = machine_of(kind);
	const char *outcome = UTIL_LABEL(rating_outcomes, action, NULL);
	if (outcome)
		return step_next(m, state, "rate") ? outcome : NULL;
	return step_next(m, state, action);
}

/* Runs one step on the item: its kind, read first, picks the machine. */
static int run_step(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	struct act x;
	json_t *after = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = db_execv(c, &r, e, "SELECT kind FROM suggestions WHERE id = ?", "i", id);
	/* An item that does not exist is answered by the runner's lock. */
	snprintf(x.kind, sizeof(x.kind), "%s", !rc && r->nrows ? db_val(r, 0, 0) : "suggestion");
	db_res_free(r);
	db_release(db, c);
	if (!rc && !(rc = step_run(db, machine_of(x.kind), a, id, in, &x, &after, e)))
		*out = json_pack("{s:o}", "suggestion", after);
	clock_free(&x.k);
	return rc;
}

int suggestion_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"action", JF_STR, 1, 1, 32, "操作"},
		{"reason", JF_STR, 0, 0, LIMIT_SHORT_CHARS * 4, "理由"},
		{"lead_handler_id", JF_INT, 0, 1, INT64_MAX, "主办单位"},
		{"co_handler_ids", JF_ARR, 0, 0, 20, "会办单位"},
		{"difficult", JF_BOOL, 0, 0, 0, "涉及面广、难度大"},
		{"view", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "会办意见"},
		{"grade", JF_STR, 0, 0, 1, "答复类别"},
		{"body", JF_STR, 0, 0, LIMIT_TEXT_CHARS * 4, "答复内容"},
		{"document", JF_OBJ, 0, 0, 0, "答复文件"},
		{"publish", JF_BOOL, 0, 0, 0, "公开答复"},
		{"on", JF_BOOL, 0, 0, 0, "开关"},
		{"supervisor", JF_STR, 0, 0, 64, "督办领导"},
		{"note", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "进展情况"},
		{"message", JF_STR, 0, 0, LIMIT_SHORT_CHARS * 4, "催办内容"},
		{NULL, 0, 0, 0, 0, NULL}};
	int rc;

	*out = NULL;
	/* the item as the actor may see it, then the body (the step's may decides the rest) */
	if ((rc = tx_visible(db, a, id, load_seen, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	/* A rating has its own call, with its own fields (suggestion_rate). */
	if (!strcmp(jsonx_str(in, "action"), "rate"))
		return err_field(e, E_INVALID, "bad_action", "action", "未知的操作“%s”",
				 jsonx_str(in, "action"));
	return run_step(db, a, id, in, out, e);
}

int suggestion_batch(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct batch b = {"ids",        "建议或议案",       NULL,          0,
				       "suggestion", "suggestion.batch", suggestion_act};
	*out = NULL;
	if (!role_can(a->role, PERM_SUGGESTION_MANAGE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能批量处理代表建议");
	return batch_run(db, a, &b, in, out, e);
}

int suggestion_cosign(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e)
{
	static const struct jfield spec[] = {{"accept", JF_BOOL, 1, 0, 0, "是否同意联名"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	json_t *after = NULL;
	const char *state;
	char st[16] = "", link[48];
	int accept, rc;

	*out = NULL;
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有受邀的代表可以答复联名邀请");
	if ((rc = tx_visible(db, a, id, load_seen, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	accept = json_is_true(json_object_get(in, "accept"));
	notice_link("suggestions", id, link, sizeof(link));
	tx_begin(&t, db, a, e);
	/* Under the item's lock: a submission, which lapses open invitations, waits for this. */
	if (tx_lock(&t, "suggestions", id, "建议或议案") ||
	    tx_check(&t, load_row(t.c, id, &r, e)) || tx_check(&t, visible(t.c, a, r, e)) ||
	    tx_check(&t, signer_status(t.c, id, a->deputy_id, st, sizeof(st), e)))
		goto out;
	state = db_val(r, 0, S_STATE);
	if ((strcmp(st, "invited") &&
	     tx_fail(&t, E_CONFLICT, "bad_state", *st ? "您已答复过这份联名邀请" : "您没有收到这份联名邀请")) ||
	    (strcmp(state, "draft") && strcmp(state, "returned") &&
	     tx_fail(&t, E_CONFLICT, "bad_state", "已提交，不能再联名")) ||
	    tx_exec(&t, NULL,
		    "UPDATE suggestion_signers SET status = ?, answered_at = ? WHERE suggestion_id = ?"
		    " AND deputy_id = ? AND status = 'invited'",
		    "siii", accept ? "accepted" : "declined", util_now(), id, a->deputy_id) ||
	    tx_expect_one(&t) ||
	    (db_val(r, 0, S_DEPUTY) &&
	     tx_check(&t, notice_deputy(t.c, db_int(r, 0, S_DEPUTY), "suggestion",
					accept ? "代表同意联名" : "代表谢绝联名", link, e))) ||
	    tx_check(&t, event(t.c, id, "cosign", state, state, a, accept ? "同意联名" : "谢绝联名", e)) ||
	    tx_check(&t, detail(t.c, a, id, 0, &after, e)))
		goto out;
	tx_audit(&t, "suggestion.cosign", "suggestion", id, NULL, after);
out:
	db_res_free(r);
	return tx_end_reply(&t, "suggestion", after, out);
}

int suggestion_rate(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"attitude", JF_STR, 1, 1, 16, "办理态度评价"},
		{"result", JF_STR, 1, 1, 16, "办理结果评价"},
		{"comment", JF_STR, 0, 0, LIMIT_SHORT_CHARS * 4, "评价意见"},
		{NULL, 0, 0, 0, 0, NULL}};
	json_t *step;
	int rc;

	*out = NULL;
	/* only a deputy rates (the step's may_rate says which), and only an item it sees */
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只能评价本人提出或联名的建议");
	if ((rc = tx_visible(db, a, id, load_seen, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!UTIL_LABEL(rating_names, jsonx_str(in, "attitude"), NULL))
		return err_field(e, E_INVALID, "bad_rating", "attitude", "评价应为满意、基本满意或不满意");
	if (!UTIL_LABEL(rating_names, jsonx_str(in, "result"), NULL))
		return err_field(e, E_INVALID, "bad_rating", "result", "评价应为满意、基本满意或不满意");
	step = json_copy(in);
	json_object_set_new(step, "action", json_string("rate"));
	rc = run_step(db, a, id, step, out, e);
	json_decref(step);
	return rc;
}

int suggestion_file(struct db *db, const struct actor *a, int64_t id, int64_t file_id, char **data,
		    size_t *len, json_t **keep, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL, *f = NULL;
	int rc;
	*data = NULL;
	*keep = NULL;
	if ((rc = db_begin_read(c, e)) || (rc = load_row(c, id, &r, e)))
		goto out;
	/* A published reply's document is public; everything else follows the item's scope. */
	if ((rc = db_execv(c, &f, e, "SELECT name, mime, data, reply_id FROM suggestion_files WHERE id = ? AND suggestion_id = ?",
			   "ii", file_id, id)))
		goto out;
	if (!f->nrows) {
		rc = err_set(e, E_NOTFOUND, "not_found", "附件不存在");
		goto out;
	}
	if (!(a == NULL ? db_int(r, 0, S_PUBLISHED) && db_val(f, 0, 3) : 1)) {
		rc = err_set(e, E_NOTFOUND, "not_found", "附件不存在");
		goto out;
	}
	if (a && (rc = visible(c, a, r, e)))
		goto out;
	{
		unsigned char *bin;
		if (util_base64_decode(db_val(f, 0, 2), FILE_MAX_BYTES, &bin, len)) {
			rc = err_set(e, E_INTERNAL, "bad_file", "附件已损坏");
			goto out;
		}
		*data = (char *)bin;
		*keep = json_pack("{s:s, s:s}", "name", db_val(f, 0, 0), "mime", db_val(f, 0, 1));
	}
out:
	db_res_free(f);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_peers(struct db *db, const struct actor *a, const char *q, json_t **out, struct err *e)
{
	static const struct col cols[] = {
		{"id", COL_INT},   {"name", COL_STR},  {"employer", COL_STR},
		{"post", COL_STR}, {"level", COL_STR}, {"region_name", COL_STR},
		{NULL, 0}};
	struct db_conn *c;
	struct db_res *r = NULL;
	char *like = NULL;
	int rc;

	*out = NULL;
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "只有代表可以查看可联名的代表");
	like = rows_like(q && *q ? q : "");
	c = db_acquire(db);
	if (!(rc = db_begin_read(c, e)) &&
	    !(rc = db_execv(c, &r, e,
			    "SELECT DISTINCT d.id, d.name, d.employer, d.post, m.level, g.name FROM mandates mine"
			    " JOIN mandates m ON m.region_code = mine.region_code AND m.level = mine.level"
			    " AND m.term = mine.term AND m.status = 'active' AND m.ended_on IS NULL"
			    " JOIN deputies d ON d.id = m.deputy_id JOIN regions g ON g.code = m.region_code"
			    " WHERE mine.deputy_id = ? AND mine.status = 'active' AND mine.ended_on IS NULL"
			    " AND d.id <> ? AND d.name LIKE ? ESCAPE '\\' ORDER BY m.level, d.name, d.id LIMIT 500",
			    "iis", a->deputy_id, a->deputy_id, like)))
		*out = json_pack("{s:o}", "items", rows_array(r, cols));
	free(like);
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_of_opinion(struct db_conn *c, int64_t opinion_id, json_t **out, struct err *e)
{
	static const struct col cols[] = {
		{"id", COL_INT}, {"code", COL_STR}, {"title", COL_STR}, {"state", COL_STR}, {NULL, 0}};
	struct db_res *r = NULL;
	size_t i;
	json_t *o;
	int rc = db_execv(c, &r, e,
			  "SELECT s.id, s.code, s.title, s.state FROM suggestion_sources x"
			  " JOIN suggestions s ON s.id = x.suggestion_id WHERE x.opinion_id = ?"
			  " AND s.state <> 'draft' ORDER BY s.id",
			  "i", opinion_id);
	*out = NULL;
	if (rc)
		return rc;
	*out = rows_array(r, cols);
	json_array_foreach(*out, i, o)
		json_object_set_new(o, "state_name",
				    json_string(suggestion_state_name(
					    json_string_value(json_object_get(o, "state")))));
	db_res_free(r);
	return 0;
}

int suggestion_of_opinion_read(struct db *db, int64_t opinion_id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	int rc = suggestion_of_opinion(c, opinion_id, out, e);
	db_release(db, c);
	return rc;
}

int suggestion_warn_window(struct db_conn *c, const char *path, char *today, char *warn, struct err *e)
{
	struct clock k;
	int rc = clock_load(c, path, &k, e);
	if (!rc) {
		snprintf(today, 11, "%s", k.today_s);
		snprintf(warn, 11, "%s", k.warn_s);
	}
	clock_free(&k);
	return rc;
}

int suggestion_of_session(struct db_conn *c, const char *pat, const char *session, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e,
			  "SELECT " S_COLS S_FROM " WHERE s.region_path LIKE ? AND s.session_label = ?"
			  " AND s.state NOT IN ('draft','withdrawn') ORDER BY s.kind, s.code LIMIT 3000",
			  "ss", pat, session);
	*out = NULL;
	if (!rc) {
		*out = json_array();
		for (int i = 0; i < r->nrows; i++)
			json_array_append_new(*out, row_json(r, i, NULL));
	}
	db_res_free(r);
	return rc;
}

/* ---- public disclosure ---- */

int suggestion_public_list(struct db *db, const char *q, const struct listq *lq, json_t **out, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT},           {"code", COL_STR},
					  {"title", COL_STR},        {"region_name", COL_STR},
					  {"deputy_name", COL_STR},  {"grade", COL_STR},
					  {"state", COL_STR},        {"replied_at", COL_INT},
					  {"lead_handler", COL_STR}, {NULL, 0}};
	struct buf w = BUF_INIT_CAP(1024);
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	int64_t total;
	int rc;

	*out = NULL;
	db_params_init(&p);
	buf_adds(&w, " WHERE s.published = 1 AND s.round > 0");
	if ((rc = rows_filter_text(&w, &p, c, "suggestions", "s", q, e)))
		goto out;
	if (buf_failed(&w)) {
		rc = err_field(e, E_INVALID, "bad_param", "q", "搜索的文字过长");
		goto out;
	}
	if ((rc = db_begin_read(c, e)) ||
	    (rc = rows_page(c, "suggestions s",
			    "SELECT s.id, s.code, s.title, r.name, d.name, s.grade, s.state, s.replied_at,"
			    " (SELECT h.name FROM suggestion_handlers sh JOIN handlers h ON h.id = sh.handler_id"
			    "  WHERE sh.suggestion_id = s.id AND sh.role = 'lead' AND sh.status <> 'removed'"
			    "  ORDER BY sh.id DESC LIMIT 1)"
			    " FROM suggestions s JOIN regions r ON r.code = s.region_code LEFT JOIN deputies d ON d.id = s.deputy_id",
			    w.data, &p, "s.replied_at DESC, s.id DESC", lq, &total, &r, e)))
		goto out;
	*out = rows_list_reply(rows_array(r, cols), total, lq);
out:
	db_params_release(&p);
	db_res_free(r);
	buf_release(&w);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_public_get(struct db *db, int64_t id, json_t **out, struct err *e)
{
	static const struct col rcols[] = {{"round", COL_INT},      {"handler_name", COL_STR},
					   {"grade", COL_STR},      {"body", COL_STR},
					   {"replied_on", COL_STR}, {"file_id", COL_INT},
					   {"file_name", COL_STR},  {NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL, *x = NULL;
	int rc;
	*out = NULL;
	if ((rc = db_begin_read(c, e)) || (rc = load_row(c, id, &r, e)))
		goto out;
	if (!db_int(r, 0, S_PUBLISHED) || !db_int(r, 0, S_ROUND)) {
		rc = err_set(e, E_NOTFOUND, "not_found", "建议或议案不存在");
		goto out;
	}
	if ((rc = db_execv(c, &x, e,
			   "SELECT p.round, h.name, p.grade, p.body, p.replied_on,"
			   " (SELECT MIN(f.id) FROM suggestion_files f WHERE f.reply_id = p.id),"
			   " (SELECT MIN(f.name) FROM suggestion_files f WHERE f.reply_id = p.id)"
			   " FROM suggestion_replies p JOIN handlers h ON h.id = p.handler_id"
			   " WHERE p.suggestion_id = ? ORDER BY p.round",
			   "i", id)))
		goto out;
	*out = json_pack(
		"{s:{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:s, s:o}}", "suggestion", "id",
		(json_int_t)id, "code", db_val(r, 0, S_CODE), "title", db_val(r, 0, S_TITLE),
		"body", db_val(r, 0, S_BODY), "deputy_name", rows_str(db_val(r, 0, S_DEPUTY_NAME)),
		"region_name", db_val(r, 0, S_REGION_NAME), "grade",
		rows_str(db_val(r, 0, S_GRADE)), "state", db_val(r, 0, S_STATE), "state_name",
		suggestion_state_name(db_val(r, 0, S_STATE)), "replies", rows_array(x, rcols));
out:
	db_res_free(r);
	db_res_free(x);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
/* ---- labels ---- */

json_t *suggestion_labels(void)
{
	/* Actions recorded in the history that are not steps of their own. */
	static const char *const event_names[][2] = {
		{"create", "起草"},
		{"edit", "修改"},
		{"cosign", "联名"},
		{"rate_unsatisfied", "代表不满意，重新办理"},
		{"rate_solving", "B类，继续办理"},
		{"rate_done", "评价后办结"}};
	json_t *states = json_object(), *actions = json_object();
	for (size_t i = 0; i < ARRAY_LEN(state_names); i++)
		json_object_set_new(states, state_names[i][0], json_string(state_names[i][1]));
	for (size_t i = 0; i < ARRAY_LEN(suggestion_steps); i++)
		json_object_set_new(actions, suggestion_steps[i].name,
				    json_string(suggestion_steps[i].label));
	for (size_t i = 0; i < ARRAY_LEN(event_names); i++)
		json_object_set_new(actions, event_names[i][0], json_string(event_names[i][1]));
	return json_pack("{s:o, s:o}", "states", states, "actions", actions);
}
