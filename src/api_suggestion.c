/* api_suggestion.c: deputies' suggestions and motions: drafting and co-signing, the staff's
 * intake and assignment, the handling units' views and replies, the deputies' ratings, the
 * deadlines board, the reports and compilation, and the public disclosure of replies. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "limit.h"
#include "suggestion.h"
#include "suggestion_report.h"

static int read_filter(struct call *c, struct suggestion_filter *f, struct listq *q)
{
	int rc;
	if ((rc = api_listq(c, q)) || (rc = api_qstr(c, "region", &f->region)) ||
	    (rc = api_qstr(c, "state", &f->state)) || (rc = api_qstr(c, "deputy", &f->deputy)) ||
	    (rc = api_qstr(c, "handler", &f->handler)) || (rc = api_qstr(c, "category", &f->category)) ||
	    (rc = api_qstr(c, "session", &f->session)) || (rc = api_qstr(c, "key", &f->key)) ||
	    (rc = api_qstr(c, "due", &f->due)) || (rc = api_qstr(c, "from", &f->from)) ||
	    (rc = api_qstr(c, "to", &f->to)) || (rc = api_qstr(c, "escalated", &f->escalated)) ||
	    (rc = api_qstr(c, "signer", &f->signer)))
		return rc;
	f->q = q->q;
	q->q = NULL;
	return 0;
}

/* The list as JSON, or with ?format=xlsx|csv every matching item (up to LIMIT_EXPORT_ROWS) as a
 * spreadsheet. */
static int list_kind(struct call *c, const char *kind)
{
	static const struct sheet_col cols[] = {
		{"code", "编号"},
		{"title", "标题"},
		{"deputy_name", "领衔代表"},
		{"signers", "签名代表人数"},
		{"region_name", "所属人大"},
		{"category_name", "类别"},
		{"session_label", "提出会议"},
		{"state_name", "状态"},
		{"lead_handler", "主办单位"},
		{"deadline", "答复期限"},
		{"grade", "答复类别"},
		{"rehandled", "重新办理次数"},
		{"key_supervised", "重点督办"},
		{NULL, NULL}};
	struct suggestion_filter f = {0};
	struct listq q;
	const char *format;
	enum sheet_format fmt;
	int rc = read_filter(c, &f, &q);
	f.kind = kind;
	if (rc || (rc = api_qstr(c, "format", &format)))
		return rc;
	if (format) {
		if ((rc = api_sheet_format(c, &fmt)))
			return rc;
		q.page = 1;
		q.per_page = LIMIT_EXPORT_ROWS;
	}
	if ((rc = suggestion_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err)) || !format)
		return rc;
	return api_sheet_items(c, cols, strcmp(kind, "motion") ? "代表建议" : "议案",
			       strcmp(kind, "motion") ? "代表建议" : "议案",
			       strcmp(kind, "motion") ? "suggestion.export" : "motion.export");
}

static int peers(struct call *c)
{
	const char *q;
	int rc = api_qstr(c, "q", &q);
	return rc ? rc : suggestion_peers(c->app->db, &c->actor, q, &c->out, &c->err);
}

static int list(struct call *c)
{
	return list_kind(c, "suggestion");
}

static int list_motions(struct call *c)
{
	return list_kind(c, "motion");
}

static int create(struct call *c)
{
	c->status = 201;
	return suggestion_create(c->app->db, &c->actor, "suggestion", c->in, &c->out, &c->err);
}

static int create_motion(struct call *c)
{
	c->status = 201;
	return suggestion_create(c->app->db, &c->actor, "motion", c->in, &c->out, &c->err);
}

API_GET_ID(get, suggestion_get)
API_BY_ID(update, suggestion_update, 0)
API_BY_ID(act, suggestion_act, 0)
/* A batch answers 200 with each item's outcome (batch.h). */
static int batch(struct call *c)
{
	return suggestion_batch(c->app->db, &c->actor, c->in, &c->out, &c->err);
}

API_BY_ID(cosign, suggestion_cosign, 0)
API_BY_ID(rate, suggestion_rate, 0)

static int send_file(struct call *c, const struct actor *a)
{
	int64_t id, fid;
	char *data;
	size_t len;
	json_t *meta;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_id(c, 1, &fid)) ||
	    (rc = suggestion_file(c->app->db, a, id, fid, &data, &len, &meta, &c->err)))
		return rc;
	/* Only types that display safely are named; the rest download as bytes. api_file keeps
	 * the type pointer, so it must be a static string, not the stored one. */
	{
		static const char *const shown[] = {"application/pdf", "image/jpeg", "image/png"};
		const char *mime = json_string_value(json_object_get(meta, "mime")),
			   *type = "application/octet-stream";
		for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			if (mime && !strcmp(mime, shown[i]))
				type = shown[i];
		api_file(c, data, len, type, json_string_value(json_object_get(meta, "name")));
	}
	json_decref(meta);
	return 0;
}

static int file(struct call *c)
{
	return send_file(c, &c->actor);
}

static int public_file(struct call *c)
{
	return send_file(c, NULL);
}

static int board(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : suggestion_board(c->app->db, &c->actor, region, &c->out, &c->err);
}

/* A report as JSON, or as a spreadsheet with ?format=xlsx|csv. */
static int report(struct call *c, int deputies)
{
	static const struct sheet_col hcols[] = {
		{"name", "承办单位"},
		{"received", "交办件数"},
		{"lead", "主办"},
		{"co", "会办"},
		{"replies", "答复次数"},
		{"on_time_rate", "按时答复率"},
		{"a_share", "A类占比"},
		{"b_share", "B类占比"},
		{"c_share", "C类占比"},
		{"d_share", "D类占比"},
		{"satisfaction_rate", "满意率（含基本满意）"},
		{"rehandled", "重新办理件数"},
		{"overdue", "逾期未办件数"},
		{NULL, NULL}};
	static const struct sheet_col dcols[] = {
		{"name", "代表"},      {"region_name", "所在地区"},
		{"led", "领衔"},       {"cosigned", "联名"},
		{"motions", "议案"},   {"open", "办理中"},
		{"replied", "已答复"}, {"closed", "已办结"},
		{"a", "A类"},          {"b", "B类"},
		{"c", "C类"},          {"d", "D类"},
		{NULL, NULL}};
	const char *region, *from, *to, *format, *handler;
	int rc;
	if ((rc = api_qstr(c, "region", &region)) || (rc = api_qstr(c, "from", &from)) ||
	    (rc = api_qstr(c, "to", &to)) || (rc = api_qstr(c, "format", &format)) ||
	    (rc = api_qstr(c, "handler", &handler)))
		return rc;
	rc = deputies ? suggestion_report_deputies(c->app->db, &c->actor, region, from, to, &c->out, &c->err)
		      : suggestion_report_handlers(c->app->db, &c->actor, region, handler, from, to,
						   &c->out, &c->err);
	if (rc || !format)
		return rc;
	return api_sheet_items(c, deputies ? dcols : hcols, deputies ? "代表建议情况" : "承办单位办理情况",
			       deputies ? "代表提出建议情况统计" : "承办单位办理情况统计",
			       "suggestion.report_export");
}

static int report_handlers(struct call *c)
{
	return report(c, 0);
}

static int report_deputies(struct call *c)
{
	return report(c, 1);
}

static int compilation(struct call *c)
{
	static const struct sheet_col cols[] = {
		{"code", "编号"},
		{"title", "标题"},
		{"deputy_name", "领衔代表"},
		{"signer_names", "联名代表"},
		{"body", "内容"},
		{"lead_handler", "主办单位"},
		{"grade", "答复类别"},
		{"state_name", "办理状态"},
		{NULL, NULL}};
	const char *region, *session, *format;
	int rc;
	if ((rc = api_qstr(c, "region", &region)) || (rc = api_qstr(c, "session", &session)) ||
	    (rc = api_qstr(c, "format", &format)) ||
	    (rc = suggestion_compilation(c->app->db, &c->actor, region, session, &c->out, &c->err)) ||
	    !format)
		return rc;
	return api_sheet_items(c, cols, "建议汇编", "代表建议汇编", "suggestion.compilation_export");
}

static int sessions(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : suggestion_sessions(c->app->db, &c->actor, region, &c->out, &c->err);
}

static int public_list(struct call *c)
{
	struct listq q;
	int rc = api_listq(c, &q);
	return rc ? rc : suggestion_public_list(c->app->db, q.q, &q, &c->out, &c->err);
}

static int public_get(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : suggestion_public_get(c->app->db, id, &c->out, &c->err);
}

const struct route api_suggestion_routes[] = {
	{"GET", "/api/v1/public/suggestions", public_list, API_PUBLIC},
	{"GET", "/api/v1/public/suggestions/:id", public_get, API_PUBLIC},
	{"GET", "/api/v1/public/suggestions/:id/files/:fid", public_file, API_PUBLIC},
	{"GET", "/api/v1/suggestions", list, 0},
	{"POST", "/api/v1/suggestions", create, API_BODY},
	{"POST", "/api/v1/suggestions/batch", batch, API_BODY},
	{"GET", "/api/v1/suggestions/board", board, 0},
	{"GET", "/api/v1/suggestions/report/handlers", report_handlers, 0},
	{"GET", "/api/v1/suggestions/report/deputies", report_deputies, 0},
	{"GET", "/api/v1/suggestions/compilation", compilation, 0},
	{"GET", "/api/v1/suggestions/sessions", sessions, 0},
	{"GET", "/api/v1/suggestions/peers", peers, 0},
	{"GET", "/api/v1/suggestions/:id", get, 0},
	{"PUT", "/api/v1/suggestions/:id", update, API_BODY},
	{"POST", "/api/v1/suggestions/:id/actions", act, API_BODY},
	{"POST", "/api/v1/suggestions/:id/cosign", cosign, API_BODY},
	{"POST", "/api/v1/suggestions/:id/rating", rate, API_BODY},
	{"GET", "/api/v1/suggestions/:id/files/:fid", file, 0},
	{"GET", "/api/v1/motions", list_motions, 0},
	{"POST", "/api/v1/motions", create_motion, API_BODY},
	{"GET", "/api/v1/motions/:id", get, 0},
	{"PUT", "/api/v1/motions/:id", update, API_BODY},
	{"POST", "/api/v1/motions/:id/actions", act, API_BODY},
	{"POST", "/api/v1/motions/:id/cosign", cosign, API_BODY},
	{NULL, NULL, NULL, 0},
};
