/* api_audit.c: the audit log, for the auditor: the list with its filters, its export, and the
 * one place that records a refused or failed write (api_audit_refusal, from the router). */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "limit.h"

/* "2026-05-01 09:30:00" in China's time, as the calendar reads days. */
static void fmt_time(int64_t t, char *out, size_t n)
{
	int32_t day = cal_day_of(t);
	int64_t s = t - cal_day_start(day);
	char d[16];
	cal_format(day, d);
	snprintf(out, n, "%s %02d:%02d:%02d", d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

static int read_filter(struct call *c, struct audit_filter *f)
{
	const char *from, *to;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = api_qstr(c, "actor", &f->actor)) || (rc = api_qstr(c, "action", &f->action)) ||
	    (rc = api_qstr(c, "object_type", &f->object_type)) ||
	    (rc = api_qstr(c, "object_id", &f->object_id)) ||
	    (rc = api_qstr(c, "outcome", &f->outcome)) || (rc = api_qstr(c, "region", &f->region)) ||
	    (rc = api_qstr(c, "from", &from)) || (rc = api_qstr(c, "to", &to)))
		return rc;
	if ((from && util_parse_i64(from, &f->from)) || (to && util_parse_i64(to, &f->to)))
		return err_set(&c->err, E_INVALID, "bad_param", "时间范围应为 Unix 秒数");
	return 0;
}

static int list(struct call *c)
{
	struct listq q;
	struct audit_filter f;
	int rc;

	if ((rc = api_listq(c, &q)) || (rc = read_filter(c, &f)))
		return rc;
	f.page = q.page;
	f.per_page = q.per_page;
	return audit_list(c->app->db, &c->actor, &f, &c->out, &c->err);
}

/* The filtered log as a spreadsheet (newest first, at most LIMIT_EXPORT_ROWS rows); the export is
 * itself an entry, with the filters it used. */
static int export_(struct call *c)
{
	static const struct sheet_col cols[] = {
		{"id", "编号"},
		{"time", "时间"},
		{"actor", "操作人"},
		{"client_addr", "客户端地址"},
		{"action", "操作代码"},
		{"action_name", "操作"},
		{"outcome_name", "结果"},
		{"object_type", "对象类型"},
		{"object_id", "对象编号"},
		{"before_text", "变更前"},
		{"after_text", "变更后"},
		{NULL, NULL}};
	struct audit_filter f;
	enum sheet_format fmt;
	json_t *names, *outcomes, *item, *filters;
	size_t i;
	int rc;

	if ((rc = api_sheet_format(c, &fmt)) || (rc = read_filter(c, &f)))
		return rc;
	f.page = 1;
	f.per_page = LIMIT_EXPORT_ROWS;
	if ((rc = audit_list(c->app->db, &c->actor, &f, &c->out, &c->err)))
		return rc;
	names = audit_action_labels();
	outcomes = audit_outcome_labels();
	json_array_foreach(json_object_get(c->out, "items"), i, item) {
		char when[32];
		json_t *b = json_object_get(item, "before"), *a = json_object_get(item, "after");
		const char *act = json_string_value(json_object_get(item, "action"));
		const char *name = json_string_value(json_object_get(names, act ? act : ""));
		const char *out = json_string_value(json_object_get(item, "outcome"));
		fmt_time(json_integer_value(json_object_get(item, "at")), when, sizeof(when));
		json_object_set_new(item, "time", json_string(when));
		json_object_set_new(item, "action_name", json_string(name ? name : act ? act : ""));
		json_object_set_new(
			item, "outcome_name",
			json_string(json_string_value(json_object_get(outcomes, out ? out : "")) ?: ""));
		json_object_set_new(item, "before_text", json_string(""));
		json_object_set_new(item, "after_text", json_string(""));
		if (b && !json_is_null(b)) {
			char *s = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			json_object_set_new(item, "before_text", json_string(s ? s : ""));
			free(s);
		}
		if (a && !json_is_null(a)) {
			char *s = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			json_object_set_new(item, "after_text", json_string(s ? s : ""));
			free(s);
		}
	}
	json_decref(names);
	json_decref(outcomes);
	filters = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:I,s:I,s:s,s:I}", "actor", f.actor,
			    "action", f.action, "object_type", f.object_type, "object_id", f.object_id,
			    "outcome", f.outcome, "region", f.region, "from", (json_int_t)f.from,
			    "to", (json_int_t)f.to, "format", fmt == SHEET_XLSX ? "xlsx" : "csv",
			    "rows", (json_int_t)json_array_size(json_object_get(c->out, "items")));
	rc = audit_record(c->app->db, &c->actor, AUDIT_DONE, "audit.export", "audit", "", filters, &c->err);
	json_decref(filters);
	if (rc)
		return rc;
	return api_sheet_items(c, cols, "审计日志", "审计日志", NULL); /* audited above, with its filters */
}

/* The object type a route's path names (its first part after /api/v1/), as the modules' audit
 * records name it, so a refusal is found with the object's other entries. */
static const char *object_of(const char *pattern)
{
	static const char *const types[][2] = {
		{"regions", "region"},   {"handlers", "handler"},   {"accounts", "account"},
		{"tokens", "api_token"}, {"deputies", "deputy"},    {"mandates", "deputy"},
		{"groups", "group"},     {"stations", "station"},   {"opinions", "opinion"},
		{"public", "opinion"},   {"extensions", "opinion"}, {"suggestions", "suggestion"},
		{"motions", "motion"},   {"meetings", "meeting"},   {"votes", "vote"},
		{"rounds", "election"},  {"settings", "region"},    {"holidays", "holiday"},
		{"session", "account"},  {"audit", "audit"},
	};
	const char *p = pattern + (strncmp(pattern, "/api/v1/", 8) ? 0 : 8);
	size_t n = strcspn(p, "/");
	for (size_t i = 0; i < ARRAY_LEN(types); i++)
		if (strlen(types[i][0]) == n && !strncmp(p, types[i][0], n))
			return types[i][1];
	return "request";
}

void api_audit_refusal(struct call *c, const struct route *rt)
{
	const struct http_req *q = c->req;
	const char *outcome, *step;
	struct actor a;
	struct err ignore = {0};
	char action[160];
	json_t *after;
	int k = c->err.kind, public_ = (rt->flags & API_PUBLIC) != 0;

	if (!strcmp(q->method, "GET") || !strcmp(q->method, "HEAD"))
		return;
	if (k == E_DB || k == E_INTERNAL)
		outcome = AUDIT_FAILED;
	else if (k == E_INVALID ||
		 (!public_ && (k == E_FORBIDDEN || k == E_CONFLICT || k == E_NOTFOUND || k == E_TOOLARGE)))
		outcome = AUDIT_REFUSED;
	else /* unauthenticated (a failed login is audited by auth), rate-limited, unavailable */
		return;
	if (public_) {
		memset(&a, 0, sizeof(a));
		snprintf(a.username, sizeof(a.username), "(public)");
		snprintf(a.client_addr, sizeof(a.client_addr), "%s", q->client_addr);
	} else if (!c->actor.username[0]) {
		return; /* refused before anyone was authenticated */
	} else {
		a = c->actor;
	}
	snprintf(action, sizeof(action), "%s %s", rt->method, rt->pattern);
	step = json_string_value(json_object_get(c->in, "action"));
	after = json_pack("{s:s,s:s?,s:s,s:s?}", "error", c->err.code, "field",
			  c->err.field[0] ? c->err.field : NULL, "message", c->err.msg, "step", step);
	if (audit_record(c->app->db, &a, outcome, action, object_of(rt->pattern),
			 strchr(rt->pattern, ':') ? c->params[0] : "", after, &ignore))
		fprintf(stderr, "renda: %s %s: refusal not recorded: %s\n", q->method, q->path, ignore.msg);
	json_decref(after);
}

const struct route api_audit_routes[] = {
	{"GET", "/api/v1/audit", list, 0},
	{"GET", "/api/v1/audit/export", export_, 0},
	{NULL, NULL, NULL, 0},
};
