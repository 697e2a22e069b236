/* suggestion_report.c: what is read out of the suggestions rather than done to them: the deadlines
 * board, the handling units' scorecard, the deputies' report, the sessions and the session's
 * compilation. Each is one read transaction within the caller's scope. */
#include "suggestion_report.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "suggestion.h"

/* The scope pattern for a region filter: the actor's subtree, or a region within it. */
static int scope_pattern(struct db_conn *c, const struct actor *a, const char *region, char *pat,
			 size_t n, struct err *e)
{
	char path[160];
	int rc;
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		return rc;
	region_like_pattern(path, pat, n);
	return 0;
}

/* The scope of a board or a scorecard as one condition: one handling unit's rows (by the index
 * on handler_id) within a region subtree, or the whole subtree. *by is the SQL; its values are
 * who (the unit) and pat, or pat alone: *types says which ("ss" or "s"), to be appended to the
 * query's own. */
static void scope_by(int64_t hid, const char *pat, char *by, size_t bylen, char *who, size_t wholen,
		     const char **types)
{
	snprintf(by, bylen, "%s", hid ? "sh.handler_id = ? AND s.region_path LIKE ?" : "s.region_path LIKE ?");
	snprintf(who, wholen, "%lld", (long long)hid);
	if (!hid)
		snprintf(who, wholen, "%s", pat);
	*types = hid ? "ss" : "s";
}

/* A query built in a capped buffer is run only whole. */
static int built(const struct buf *q, struct err *e)
{
	return buf_failed(q) ? err_set(e, E_INTERNAL, "internal", "统计查询过长") : 0;
}

static int may_report(const struct actor *a, struct err *e)
{
	if (role_can(a->role, PERM_SUGGESTION_READ) || (role_is_handler(a->role) && a->handler_id))
		return 0;
	return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看建议办理统计");
}

int suggestion_board(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e)
{
	static const struct col hcols[] = {
		{"handler_id", COL_INT}, {"name", COL_STR},    {"open", COL_INT}, {"lead", COL_INT},
		{"warn", COL_INT},       {"overdue", COL_INT}, {NULL, 0}};
	static const struct col icols[] = {
		{"id", COL_INT},
		{"code", COL_STR},
		{"title", COL_STR},
		{"handler_id", COL_INT},
		{"handler_name", COL_STR},
		{"role", COL_STR},
		{"deadline", COL_STR},
		{"key_supervised", COL_BOOL},
		{NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *h = NULL, *x = NULL, *items = NULL;
	struct buf q = BUF_INIT_CAP(4096);
	char pat[REGION_PATTERN_MAX], by[64], who[200], today[11], warn[11];
	const char *noidx;
	int64_t hid = role_is_handler(a->role) ? a->handler_id : 0;
	int rc;

	*out = NULL;
	if ((rc = may_report(a, e)) || (rc = db_begin_read(c, e)) ||
	    (rc = scope_pattern(c, a, region, pat, sizeof(pat), e)) ||
	    (rc = suggestion_warn_window(c, hid ? "/" : pat, today, warn, e)))
		goto out;
	if (hid)
		snprintf(pat, sizeof(pat), "/%%");
	/* SQLite's planner cannot tell that a city-wide prefix selects every row: a unary + keeps
	 * it on the better index (PostgreSQL plans by its statistics and has no such operator). */
	noidx = db_noindex(c);
	/* Work in hand, read from the handling rows' own copies (sync_in_hand) by one index in
	 * handling-unit order; the units' names are joined to the hundred or so groups only. */
	snprintf(by, sizeof(by), "%s", hid ? "sh.handler_id = ?" : "sh.region_path LIKE ?");
	snprintf(who, sizeof(who), "%lld", (long long)hid);
	if (!hid)
		snprintf(who, sizeof(who), "%s", pat);
	buf_addf(&q,
		 "SELECT g.handler_id, h.name, g.n, g.lead, g.warn, g.late FROM"
		 " (SELECT sh.handler_id, COUNT(*) AS n, SUM(CASE WHEN sh.role = 'lead' THEN 1 ELSE 0 END) AS lead,"
		 " SUM(CASE WHEN sh.deadline >= ? AND sh.deadline <= ? THEN 1 ELSE 0 END) AS warn,"
		 " SUM(CASE WHEN sh.deadline < ? THEN 1 ELSE 0 END) AS late"
		 " FROM suggestion_handlers sh WHERE sh.in_hand = 1 AND %s%s GROUP BY sh.handler_id) g"
		 " JOIN handlers h ON h.id = g.handler_id ORDER BY g.late DESC, g.n DESC, h.name",
		 hid ? "" : noidx, by);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &h, e, q.data, "ssss", today, warn, today, who)))
		goto out;
	buf_reset(&q);
	buf_addf(&q,
		 "SELECT s.id, s.code, s.title, sh.handler_id, h.name, sh.role, sh.deadline,"
		 " s.key_supervised FROM suggestion_handlers sh"
		 " JOIN suggestions s ON s.id = sh.suggestion_id JOIN handlers h ON h.id = sh.handler_id"
		 " WHERE sh.in_hand = 1 AND sh.deadline < ? AND %s%s"
		 " ORDER BY sh.deadline, s.id LIMIT 200",
		 hid ? "" : noidx, by);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &items, e, q.data, "ss", today, who)))
		goto out;
	/* The office's own queues (a handling unit has none): the small states from the state
	 * index, the key supervised items from their own. */
	buf_reset(&q);
	buf_addf(&q,
		 "SELECT SUM(CASE WHEN state = 'submitted' AND intake_deadline < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN state = 'submitted' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN state IN ('accepted','escalated') THEN 1 ELSE 0 END),"
		 " (SELECT COUNT(*) FROM suggestions k WHERE k.key_supervised = 1"
		 "  AND k.state IN ('assigned','replied','solving') AND k.region_path LIKE ? AND ? = 0),"
		 " SUM(CASE WHEN state = 'solving' THEN 1 ELSE 0 END)"
		 " FROM suggestions WHERE state IN ('submitted','accepted','escalated','solving')"
		 " AND %sregion_path LIKE ? AND ? = 0",
		 noidx);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &x, e, q.data, "ssisi", today, pat, hid, pat, hid)))
		goto out;
	*out = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "today", today,
			 "warn_until", warn, "handlers", rows_array(h, hcols), "overdue_items",
			 rows_array(items, icols), "intake_overdue", (json_int_t)db_int(x, 0, 0),
			 "to_accept", (json_int_t)db_int(x, 0, 1), "to_assign",
			 (json_int_t)db_int(x, 0, 2), "key_open", (json_int_t)db_int(x, 0, 3),
			 "solving", (json_int_t)db_int(x, 0, 4));
out:
	buf_release(&q);
	db_res_free(h);
	db_res_free(x);
	db_res_free(items);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* The period of a report: from/to "YYYY-MM-DD", by default this calendar year. */
static int period(const char *from, const char *to, char *f, char *t, struct err *e)
{
	int32_t d;
	int y, m, dd;
	cal_ymd(cal_today(), &y, &m, &dd);
	if (from && *from) {
		if (cal_parse(from, &d))
			return err_field(e, E_INVALID, "bad_param", "from", "开始日期应为 YYYY-MM-DD");
		cal_format(d, f);
	} else {
		snprintf(f, 11, "%04d-01-01", y);
	}
	if (to && *to) {
		if (cal_parse(to, &d))
			return err_field(e, E_INVALID, "bad_param", "to", "结束日期应为 YYYY-MM-DD");
		cal_format(d, t);
	} else {
		snprintf(t, 11, "%04d-12-31", y);
	}
	if (strcmp(f, t) > 0)
		return err_field(e, E_INVALID, "bad_param", "from", "开始日期不能晚于结束日期");
	return 0;
}

static double ratio(int64_t a, int64_t b)
{
	return b ? (double)(a * 1000 / b) / 1000.0 : 0.0;
}

int suggestion_report_handlers(struct db *db, const struct actor *a, const char *region, const char *handler,
			       const char *from, const char *to, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *x = NULL, *p = NULL, *t = NULL;
	struct buf q = BUF_INIT_CAP(4096);
	char pat[REGION_PATTERN_MAX], f[11], tt[11], today[11], by[64], who[200], types[8];
	const char *more;
	int64_t hid = role_is_handler(a->role) ? a->handler_id : 0;
	json_t *rows = json_array(), *byid = json_object();
	int rc;

	*out = NULL;
	cal_format(cal_today(), today);
	/* A handling unit sees its own row; staff one unit's (?handler=) or all within scope. */
	if (!hid && handler && *handler && (util_parse_i64(handler, &hid) || hid <= 0)) {
		rc = err_field(e, E_INVALID, "bad_param", "handler", "承办单位无效");
		goto out;
	}
	if ((rc = may_report(a, e)) || (rc = period(from, to, f, tt, e)) ||
	    (rc = db_begin_read(c, e)) || (rc = scope_pattern(c, a, region, pat, sizeof(pat), e)))
		goto out;
	if (role_is_handler(a->role))
		snprintf(pat, sizeof(pat), "/%%");
	scope_by(hid, pat, by, sizeof(by), who, sizeof(who), &more);
	/* Assignments made in the period, as lead or co-handler. */
	buf_addf(&q,
		 "SELECT sh.handler_id, h.name, COUNT(*),"
		 " SUM(CASE WHEN sh.role = 'lead' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'co' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'lead' AND s.grade = 'A' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'lead' AND s.grade = 'B' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'lead' AND s.grade = 'C' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'lead' AND s.grade = 'D' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'lead' AND s.rehandled > 0 THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.status = 'assigned' AND s.state = 'assigned' AND sh.deadline < ? THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'co' AND sh.status = 'answered' AND sh.answered_on <= sh.deadline THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN sh.role = 'co' AND sh.status = 'answered' THEN 1 ELSE 0 END)"
		 " FROM suggestion_handlers sh JOIN suggestions s ON s.id = sh.suggestion_id"
		 " JOIN handlers h ON h.id = sh.handler_id"
		 " WHERE sh.assigned_on >= ? AND sh.assigned_on <= ? AND sh.status IN ('assigned','answered') AND %s"
		 " GROUP BY sh.handler_id, h.name ORDER BY 3 DESC, h.name",
		 by);
	snprintf(types, sizeof(types), "sss%s", more);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &x, e, q.data, types, today, f, tt, who, pat)))
		goto out;
	/* The lead's replies to those assignments, and their timeliness. */
	buf_reset(&q);
	buf_addf(&q,
		 "SELECT sh.handler_id, COUNT(*), SUM(p.on_time), SUM(CASE WHEN p.round = 1 THEN 1 ELSE 0 END)"
		 " FROM suggestion_handlers sh JOIN suggestions s ON s.id = sh.suggestion_id"
		 " JOIN suggestion_replies p ON p.suggestion_id = sh.suggestion_id AND p.handler_id = sh.handler_id"
		 " WHERE sh.role = 'lead' AND sh.assigned_on >= ? AND sh.assigned_on <= ?"
		 " AND sh.status IN ('assigned','answered') AND %s GROUP BY sh.handler_id",
		 by);
	snprintf(types, sizeof(types), "ss%s", more);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &p, e, q.data, types, f, tt, who, pat)))
		goto out;
	/* The deputies' ratings of those replies. */
	buf_reset(&q);
	buf_addf(&q,
		 "SELECT sh.handler_id, COUNT(*),"
		 " SUM(CASE WHEN t.result = 'satisfied' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN t.result = 'basically' THEN 1 ELSE 0 END),"
		 " SUM(CASE WHEN t.attitude IN ('satisfied','basically') THEN 1 ELSE 0 END)"
		 " FROM suggestion_handlers sh JOIN suggestions s ON s.id = sh.suggestion_id"
		 " JOIN suggestion_replies p ON p.suggestion_id = sh.suggestion_id AND p.handler_id = sh.handler_id"
		 " JOIN suggestion_ratings t ON t.reply_id = p.id"
		 " WHERE sh.role = 'lead' AND sh.assigned_on >= ? AND sh.assigned_on <= ?"
		 " AND sh.status IN ('assigned','answered') AND %s GROUP BY sh.handler_id",
		 by);
	if ((rc = built(&q, e)) || (rc = db_execv(c, &t, e, q.data, types, f, tt, who, pat)))
		goto out;
	for (int i = 0; i < x->nrows; i++) {
		int64_t lead = db_int(x, i, 3), graded = 0;
		json_t *o = json_pack(
			"{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			" s:I, s:I, s:I, s:I, s:I, s:I}",
			"handler_id", (json_int_t)db_int(x, i, 0), "name", db_val(x, i, 1),
			"received", (json_int_t)db_int(x, i, 2), "lead", (json_int_t)lead, "co",
			(json_int_t)db_int(x, i, 4), "a", (json_int_t)db_int(x, i, 5), "b",
			(json_int_t)db_int(x, i, 6), "c", (json_int_t)db_int(x, i, 7), "d",
			(json_int_t)db_int(x, i, 8), "rehandled", (json_int_t)db_int(x, i, 9), "overdue",
			(json_int_t)db_int(x, i, 10), "co_on_time", (json_int_t)db_int(x, i, 11),
			"co_answered", (json_int_t)db_int(x, i, 12), "replies", (json_int_t)0,
			"on_time", (json_int_t)0, "rated", (json_int_t)0, "satisfied",
			(json_int_t)0, "basically", (json_int_t)0, "attitude_ok", (json_int_t)0);
		for (int g = 5; g <= 8; g++)
			graded += db_int(x, i, g);
		json_object_set_new(o, "graded", json_integer(graded));
		json_object_set(byid, db_val(x, i, 0), o);
		json_array_append_new(rows, o);
	}
	for (int i = 0; i < p->nrows; i++) {
		json_t *o = json_object_get(byid, db_val(p, i, 0));
		if (o) {
			json_object_set_new(o, "replies", json_integer(db_int(p, i, 1)));
			json_object_set_new(o, "on_time", json_integer(db_int(p, i, 2)));
		}
	}
	for (int i = 0; i < t->nrows; i++) {
		json_t *o = json_object_get(byid, db_val(t, i, 0));
		if (o) {
			json_object_set_new(o, "rated", json_integer(db_int(t, i, 1)));
			json_object_set_new(o, "satisfied", json_integer(db_int(t, i, 2)));
			json_object_set_new(o, "basically", json_integer(db_int(t, i, 3)));
			json_object_set_new(o, "attitude_ok", json_integer(db_int(t, i, 4)));
		}
	}
	{
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o) {
#define N(k) json_integer_value(json_object_get(o, k))
			json_object_set_new(o, "on_time_rate",
					    json_real(ratio(N("on_time"), N("replies"))));
			json_object_set_new(o, "a_share", json_real(ratio(N("a"), N("graded"))));
			json_object_set_new(o, "b_share", json_real(ratio(N("b"), N("graded"))));
			json_object_set_new(o, "c_share", json_real(ratio(N("c"), N("graded"))));
			json_object_set_new(o, "d_share", json_real(ratio(N("d"), N("graded"))));
			json_object_set_new(o, "satisfaction_rate",
					    json_real(ratio(N("satisfied") + N("basically"), N("rated"))));
#undef N
		}
	}
	*out = json_pack("{s:s, s:s, s:O}", "from", f, "to", tt, "items", rows);
out:
	buf_release(&q);
	json_decref(rows);
	json_decref(byid);
	db_res_free(x);
	db_res_free(p);
	db_res_free(t);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_report_deputies(struct db *db, const struct actor *a, const char *region,
			       const char *from, const char *to, json_t **out, struct err *e)
{
	static const struct col cols[] = {
		{"deputy_id", COL_INT},   {"name", COL_STR},
		{"region_name", COL_STR}, {"led", COL_INT},
		{"cosigned", COL_INT},    {"open", COL_INT},
		{"replied", COL_INT},     {"closed", COL_INT},
		{"a", COL_INT},           {"b", COL_INT},
		{"c", COL_INT},           {"d", COL_INT},
		{"motions", COL_INT},     {NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *x = NULL;
	char pat[REGION_PATTERN_MAX], f[11], t[11];
	int64_t lo, hi;
	int32_t d;
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_SUGGESTION_READ)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表建议统计");
		goto out;
	}
	if ((rc = period(from, to, f, t, e)) || (rc = db_begin_read(c, e)) ||
	    (rc = scope_pattern(c, a, region, pat, sizeof(pat), e)))
		goto out;
	lo = cal_parse(f, &d) ? 0 : cal_day_start(d); /* both checked by period() */
	hi = cal_parse(t, &d) ? 0 : cal_day_start(d + 1);
	if ((rc = db_execv(
		     c, &x, e,
		     "SELECT g.deputy_id, d.name, r.name,"
		     " SUM(CASE WHEN g.role = 'author' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN g.role = 'cosigner' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.state IN ('submitted','accepted','escalated','assigned') THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.state IN ('replied','solving') THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.state = 'closed' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.grade = 'A' THEN 1 ELSE 0 END), SUM(CASE WHEN s.grade = 'B' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.grade = 'C' THEN 1 ELSE 0 END), SUM(CASE WHEN s.grade = 'D' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN s.kind = 'motion' THEN 1 ELSE 0 END)"
		     " FROM suggestion_signers g JOIN suggestions s ON s.id = g.suggestion_id"
		     " JOIN deputies d ON d.id = g.deputy_id JOIN regions r ON r.code = d.region_code"
		     " WHERE g.status = 'accepted' AND s.state NOT IN ('draft','withdrawn')"
		     " AND s.submitted_at >= ? AND s.submitted_at < ? AND s.region_path LIKE ?"
		     " GROUP BY g.deputy_id, d.name, r.name ORDER BY 4 DESC, 5 DESC, d.name LIMIT 5000",
		     "iis", lo, hi, pat)))
		goto out;
	*out = json_pack("{s:s, s:s, s:o}", "from", f, "to", t, "items", rows_array(x, cols));
out:
	db_res_free(x);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_compilation(struct db *db, const struct actor *a, const char *region,
			   const char *session, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *g = NULL, *p = NULL;
	char pat[REGION_PATTERN_MAX];
	json_t *items = NULL, *byid = json_object(), *item;
	size_t n;
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_SUGGESTION_READ)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能汇编代表建议");
		goto out;
	}
	if (!session || !*session) {
		rc = err_field(e, E_INVALID, "missing_field", "session", "请选择会议");
		goto out;
	}
	if ((rc = db_begin_read(c, e)) || (rc = scope_pattern(c, a, region, pat, sizeof(pat), e)) ||
	    (rc = suggestion_of_session(c, pat, session, &items, e)) ||
	    (rc = db_execv(c, &g, e,
			   "SELECT g.suggestion_id, d.name, g.role FROM suggestion_signers g"
			   " JOIN suggestions s ON s.id = g.suggestion_id JOIN deputies d ON d.id = g.deputy_id"
			   " WHERE s.region_path LIKE ? AND s.session_label = ? AND g.status = 'accepted'"
			   " ORDER BY g.suggestion_id, g.role, d.name",
			   "ss", pat, session)) ||
	    (rc = db_execv(c, &p, e,
			   "SELECT p.suggestion_id, p.round, h.name, p.grade, p.body, p.replied_on"
			   " FROM suggestion_replies p JOIN suggestions s ON s.id = p.suggestion_id"
			   " JOIN handlers h ON h.id = p.handler_id"
			   " WHERE s.region_path LIKE ? AND s.session_label = ? ORDER BY p.suggestion_id, p.round",
			   "ss", pat, session)))
		goto out;
	json_array_foreach(items, n, item) {
		char key[24];
		snprintf(key, sizeof(key), "%lld",
			 (long long)json_integer_value(json_object_get(item, "id")));
		json_object_set_new(item, "signer_names", json_array());
		json_object_set_new(item, "replies", json_array());
		json_object_set(byid, key, item);
	}
	for (int i = 0; i < g->nrows; i++) {
		json_t *o = json_object_get(byid, db_val(g, i, 0));
		if (o)
			json_array_append_new(json_object_get(o, "signer_names"),
					      json_string(db_val(g, i, 1)));
	}
	for (int i = 0; i < p->nrows; i++) {
		json_t *o = json_object_get(byid, db_val(p, i, 0));
		if (o)
			json_array_append_new(
				json_object_get(o, "replies"),
				json_pack("{s:I, s:s, s:s, s:s, s:s}", "round", (json_int_t)db_int(p, i, 1),
					  "handler_name", db_val(p, i, 2), "grade", db_val(p, i, 3),
					  "body", db_val(p, i, 4), "replied_on", db_val(p, i, 5)));
	}
	*out = json_pack("{s:s, s:I, s:O}", "session", session, "total",
			 (json_int_t)json_array_size(items), "items", items);
out:
	json_decref(items);
	json_decref(byid);
	db_res_free(g);
	db_res_free(p);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int suggestion_sessions(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e)
{
	static const struct col cols[] = {{"session_label", COL_STR}, {"count", COL_INT}, {NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *x = NULL;
	char pat[REGION_PATTERN_MAX];
	int rc;
	*out = NULL;
	if (!role_can(a->role, PERM_SUGGESTION_READ) && !role_is_deputy(a->role)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表建议");
		goto out;
	}
	if ((rc = db_begin_read(c, e)) || (rc = scope_pattern(c, a, region, pat, sizeof(pat), e)) ||
	    (rc = db_execv(c, &x, e,
			   "SELECT session_label, COUNT(*) FROM suggestions WHERE region_path LIKE ?"
			   " AND session_label <> '' AND state <> 'draft' GROUP BY session_label"
			   " ORDER BY MAX(created_at) DESC LIMIT 200",
			   "s", pat)))
		goto out;
	*out = json_pack("{s:o}", "items", rows_array(x, cols));
out:
	db_res_free(x);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
