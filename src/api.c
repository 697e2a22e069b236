#include "api.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "jsonx.h"
#include "limit.h"

static const struct route *const tables[] = {
	api_session_routes,  api_region_routes,     api_handler_routes, api_account_routes,
	api_audit_routes,    api_deputy_routes,     api_group_routes,   api_station_routes,
	api_opinion_routes,  api_suggestion_routes, api_meeting_routes, api_labels_routes,
	api_settings_routes, api_booking_routes,    api_home_routes,    api_supervision_routes,
	api_project_routes,  api_rectify_routes,    api_budget_routes,
};

json_t *api_routes(void)
{
	json_t *all = json_array();
	for (size_t t = 0; t < ARRAY_LEN(tables); t++)
		for (const struct route *rt = tables[t]; rt->method; rt++)
			json_array_append_new(
				all,
				json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "method", rt->method,
					  "pattern", rt->pattern, "public", !!(rt->flags & API_PUBLIC),
					  "body", !!(rt->flags & API_BODY), "body_optional",
					  !!(rt->flags & API_BODY_OPT), "any_password",
					  !!(rt->flags & API_ANY_PW), "raw", !!(rt->flags & API_RAW)));
	return all;
}

size_t api_body_cap(const char *path)
{
	if (strncmp(path, "/api/v1/deputies/import", 23) == 0)
		return LIMIT_UPLOAD_BYTES;
	if (!strcmp(path, "/api/v1/public/opinions") || !strcmp(path, "/api/v1/opinions"))
		return LIMIT_OPINION_BYTES;
	/* Drafts with attachments and replies with the formal document. */
	if (!strncmp(path, "/api/v1/suggestions", 19) || !strncmp(path, "/api/v1/motions", 15))
		return LIMIT_OPINION_BYTES;
	/* Progress reports and visits with their photos. */
	if (!strncmp(path, "/api/v1/projects/", 17))
		return LIMIT_OPINION_BYTES;
	/* A rectification problem's evidence files. */
	if (!strncmp(path, "/api/v1/rectifications/problems/", 32))
		return LIMIT_OPINION_BYTES;
	return LIMIT_BODY_BYTES;
}

void api_file(struct call *c, char *data, size_t len, const char *type, const char *filename)
{
	c->out_bytes = data;
	c->out_len = len;
	c->out_type = type;
	if (filename) {
		/* RFC 6266 with an RFC 5987 UTF-8 name, so Chinese file names survive. */
		struct buf h = BUF_INIT_CAP(2048); /* a long Chinese name, percent-encoded */
		buf_adds(&h, "attachment; filename=\"download\"; filename*=UTF-8''");
		for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_')
				buf_addc(&h, (char)*p);
			else
				buf_addf(&h, "%%%02X", *p);
		}
		/* a name too long for the header falls back to "download" */
		http_reply_header(c->rep, "Content-Disposition",
				  buf_failed(&h) ? "attachment; filename=\"download\"" : h.data);
		buf_release(&h);
	}
}

/* Matches path against pattern, capturing :params. 1 on match. */
static int match(const char *pattern, const char *path, char params[][64], int nparams)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == ':') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			while (*pattern && *pattern != '/')
				pattern++;
			if (n == 0 || n >= 64 || np >= nparams)
				return 0;
			memcpy(params[np], path, n);
			params[np][n] = '\0';
			np++;
			path += n;
		} else if (*pattern++ != *path++) {
			return 0;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

int api_qstr(struct call *c, const char *name, const char **out)
{
	const char *v = http_query(c->req, name);
	*out = NULL;
	if (!v || !*v)
		return 0;
	if (!util_utf8_valid(v, strlen(v)) || util_utf8_len(v) > LIMIT_QUERY_CHARS)
		return err_field(&c->err, E_INVALID, "bad_param", name,
				 "查询参数“%s”无效或超过%d个字", name, LIMIT_QUERY_CHARS);
	*out = v;
	return 0;
}

static int int_param(struct call *c, const char *name, int dflt, int lo, int hi, int *out)
{
	const char *v = http_query(c->req, name);
	int64_t n;
	if (!v || !*v) {
		*out = dflt;
		return 0;
	}
	if (util_parse_i64(v, &n) || n < lo || n > hi)
		return err_field(&c->err, E_INVALID, "bad_param", name,
				 "参数“%s”应为%d到%d之间的整数", name, lo, hi);
	*out = (int)n;
	return 0;
}

int api_sheet_format(struct call *c, enum sheet_format *fmt)
{
	const char *f;
	int rc = api_qstr(c, "format", &f);
	if (rc)
		return rc;
	if (!f || !strcmp(f, "xlsx"))
		*fmt = SHEET_XLSX;
	else if (!strcmp(f, "csv"))
		*fmt = SHEET_CSV;
	else
		return err_field(&c->err, E_INVALID, "bad_param", "format", "格式应为 xlsx 或 csv");
	return 0;
}

void api_sheet(struct call *c, enum sheet_format fmt, char *data, size_t len, const char *base)
{
	char name[128];
	snprintf(name, sizeof(name), "%s.%s", base, fmt == SHEET_XLSX ? "xlsx" : "csv");
	api_file(c, data, len,
		 fmt == SHEET_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				   : "text/csv; charset=utf-8",
		 name);
}

int api_sheet_items(struct call *c, const struct sheet_col *cols, const char *title,
		    const char *base, const char *action)
{
	enum sheet_format fmt;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_sheet_format(c, &fmt)))
		return rc;
	if (action) {
		/* every export is audited (what, which filters, how many rows); no audit, no file */
		char *query = http_query_all(c->req);
		json_t *what = json_pack("{s:s,s:s,s:s,s:I}", "file", base, "format",
					 fmt == SHEET_XLSX ? "xlsx" : "csv", "query", query, "rows",
					 (json_int_t)json_array_size(json_object_get(c->out, "items")));
		free(query);
		rc = audit_record(c->app->db, &c->actor, AUDIT_DONE, action, "export", c->req->path,
				  what, &c->err);
		json_decref(what);
		if (rc)
			return rc;
	}
	if ((rc = sheet_write_json(json_object_get(c->out, "items"), cols, fmt, title, &data, &len, &c->err)))
		return rc;
	json_decref(c->out);
	c->out = NULL;
	api_sheet(c, fmt, data, len, base);
	return 0;
}

int api_listq(struct call *c, struct listq *q)
{
	int rc;
	memset(q, 0, sizeof(*q));
	if ((rc = int_param(c, "page", 1, 1, 1000000, &q->page)) ||
	    (rc = int_param(c, "per_page", LIMIT_PAGE_DEFAULT, 1, LIMIT_PAGE_MAX, &q->per_page)) ||
	    (rc = api_qstr(c, "q", &q->q)) || (rc = api_qstr(c, "sort", &q->sort)))
		return rc;
	return 0;
}

int api_id(struct call *c, int idx, int64_t *id)
{
	if (util_parse_i64(c->params[idx], id) || *id <= 0)
		return err_set(&c->err, E_NOTFOUND, "not_found", "对象不存在");
	return 0;
}

/* Authenticates by bearer token or session cookie; checks CSRF for cookie writes. */
static int authenticate(struct call *c, const struct route *rt)
{
	const struct http_req *q = c->req;
	const char *authz = http_header(q, "Authorization");
	const char *cookie;
	int write = strcmp(q->method, "GET") && strcmp(q->method, "HEAD");
	int rc;

	if (authz) {
		if (strncmp(authz, "Bearer ", 7))
			return err_set(&c->err, E_UNAUTH, "bad_token", "Authorization 头应为 Bearer 令牌");
		if ((rc = auth_bearer(c->app->db, authz + 7, q->client_addr, &c->actor, &c->err)))
			return rc;
		return auth_token_allows(&c->actor, rt->method, rt->pattern, &c->err); /* its scopes */
	}
	cookie = http_cookie(q, "renda_session");
	if (!cookie)
		return err_set(&c->err, E_UNAUTH, "unauthenticated", "请先登录");
	if ((rc = auth_session(c->app->db, cookie, q->client_addr, &c->actor, &c->err)))
		return rc;
	c->session = cookie;
	if (write) {
		const char *t = http_header(q, "X-CSRF-Token");
		size_t n = strlen(c->actor.csrf_token);
		if (!t || strlen(t) != n || sodium_memcmp(t, c->actor.csrf_token, n) != 0)
			return err_set(&c->err, E_FORBIDDEN, "csrf_failed",
				       "缺少或错误的 CSRF 令牌，请刷新页面后重试");
	}
	if (c->actor.must_change_password && !(rt->flags & API_ANY_PW))
		return err_set(&c->err, E_FORBIDDEN, "password_change_required", "请先修改初始密码");
	return 0;
}

static int read_body(struct call *c, const struct route *rt)
{
	const struct http_req *q = c->req;
	const char *ct = http_header(q, "Content-Type");

	if (q->body_len == 0 && (rt->flags & API_BODY_OPT)) {
		c->in = json_object();
		return 0;
	}
	if (!ct || strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return err_set(&c->err, E_INVALID, "bad_content_type",
			       "请求体应为 JSON（Content-Type: application/json）");
	return jsonx_parse(q->body, q->body_len, &c->in, &c->err);
}

/* The reply of c from its handler's result rc (0: c->status and c->out). */
static void respond(struct call *c, const struct route *found, int rc)
{
	const struct http_req *q = c->req;
	if (rc)
		goto fail;
	c->rep->status = c->status;
	if (c->out_bytes) {
		c->rep->content_type = c->out_type;
		buf_add(&c->rep->body, c->out_bytes, c->out_len);
	} else if (c->status != 204) {
		c->rep->content_type = "application/json; charset=utf-8";
		if (c->out_text) {
			buf_adds(&c->rep->body, c->out_text);
		} else {
			if (!c->out)
				buf_add(&c->rep->body, "{}", 2); /* a handler without a body (the event streams) */
			else if (jsonx_dump(c->out, &c->rep->body))
				abort(); /* a reply jansson could not write either: a programming error */
		}
	}
	return;
fail:
	if (!c->err.kind)
		err_set(&c->err, E_INTERNAL, "internal", "服务器内部错误");
	if (c->err.kind == E_DB || c->err.kind == E_INTERNAL) {
		/* Log the detail for operators; tell the user only that it failed. */
		fprintf(stderr, "renda: %s %s: %s\n", q->method, q->path, c->err.msg);
		snprintf(c->err.msg, sizeof(c->err.msg), "服务器内部错误，请稍后重试");
	} else if (!strcmp(c->err.code, "constraint")) {
		/* A constraint no domain check caught: the backend's text names tables and columns. */
		fprintf(stderr, "renda: %s %s: %s\n", q->method, q->path, c->err.msg);
		snprintf(c->err.msg, sizeof(c->err.msg), "提交的数据不符合要求，请检查后重试");
	}
	api_audit_refusal(c, found);
	http_reply_error(c->rep, &c->err);
}

static void call_release(struct call *c)
{
	json_decref(c->in);
	json_decref(c->out);
	free(c->out_text);
	free(c->out_bytes);
}

void api_wait(struct call *c, api_wait_start start, api_wait_finish finish, void *ctx)
{
	c->wait_start = start;
	c->wait_finish = finish;
	c->wait_ctx = ctx;
}

static void wait_done(void *w)
{
	http_wait_done(w);
}

static void wait_start(void *ctx, struct http_wait *w)
{
	struct call *c = ctx;
	c->wait_start(c->wait_ctx, wait_done, w);
}

/* The waiting call's reply, on an HTTP thread once its work has ended: as if its handler had
 * returned now. */
static void wait_finish(void *ctx, const struct http_req *q, struct http_reply *r)
{
	struct call *c = ctx;
	int rc;
	c->req = q;
	c->rep = r;
	rc = c->wait_finish(c, c->wait_ctx);
	for (int i = 0; i < c->wait_nheaders; i++) {
		if (!rc && r->nheaders < HTTP_MAX_HEADERS) {
			r->headers[r->nheaders][0] = c->wait_headers[i][0];
			r->headers[r->nheaders++][1] = c->wait_headers[i][1];
		} else {
			free(c->wait_headers[i][0]);
			free(c->wait_headers[i][1]);
		}
	}
	respond(c, c->route, rc);
	call_release(c);
	free(c);
}

/* A reading the handler recorded (audit_record, deferred): the reply waits for its group commit
 * without holding the thread, as a ballot does. */
static void deferred_queue(void *ctx, void (*done)(void *arg), void *arg)
{
	audit_deferred_wait(ctx, done, arg);
}

static int deferred_finish(struct call *c, void *ctx)
{
	return audit_deferred_end(ctx, &c->err);
}

static int deferred_reading(struct call *c, struct audit_deferred *d, int rc)
{
	struct err ignored;
	if (!d)
		return rc;
	if (rc) { /* the reading is recorded whatever became of the reply */
		if (audit_deferred_run(d, &ignored))
			fprintf(stderr, "renda: %s %s: audit: %s\n", c->req->method, c->req->path,
				ignored.msg);
		return rc;
	}
	if (c->wait_start) /* the reply waits for other work already: the record is written first */
		return audit_deferred_run(d, &c->err);
	api_wait(c, deferred_queue, deferred_finish, d);
	return 0;
}

static void dispatch(struct call *c)
{
	const struct http_req *q = c->req;
	const struct route *found = NULL;
	int path_matched = 0, rc;

	for (size_t t = 0; t < ARRAY_LEN(tables) && !found; t++) {
		for (const struct route *rt = tables[t]; rt->method; rt++) {
			if (!match(rt->pattern, q->path, c->params, 3))
				continue;
			path_matched = 1;
			if (!strcmp(rt->method, q->method) ||
			    (!strcmp(q->method, "HEAD") && !strcmp(rt->method, "GET"))) {
				found = rt;
				break;
			}
		}
	}
	if (!found) {
		if (path_matched)
			err_set(&c->err, E_INVALID, "method_not_allowed", "不支持该请求方法");
		else
			err_set(&c->err, E_NOTFOUND, "not_found", "接口不存在");
		http_reply_error(c->rep, &c->err);
		if (path_matched)
			c->rep->status = 405;
		return;
	}
	if (!(found->flags & API_PUBLIC) && (rc = authenticate(c, found)))
		goto fail;
	if ((found->flags & (API_BODY | API_BODY_OPT)) && (rc = read_body(c, found)))
		goto fail;
	if (!(found->flags & (API_BODY | API_BODY_OPT | API_RAW)) && q->body_len) {
		rc = err_set(&c->err, E_INVALID, "unexpected_body", "该接口不接受请求体");
		goto fail;
	}
	c->status = 200;
	audit_defer_begin(c->app->db);
	rc = found->fn(c);
	rc = deferred_reading(c, audit_defer_end(), rc);
	if (!rc && c->wait_start) { /* answered later (api_wait) */
		c->route = found;
		return;
	}
fail:
	respond(c, found, rc);
}

void api_handle(void *appv, const struct http_req *q, struct http_reply *r)
{
	struct app *app = appv;
	struct call c;

	if (strncmp(q->path, "/api/", 5) != 0) {
		if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD")) {
			struct err e;
			err_set(&e, E_INVALID, "method_not_allowed", "不支持该请求方法");
			http_reply_error(r, &e);
			r->status = 405;
			return;
		}
		http_static(app->web_dir, q->path, http_header(q, "Accept-Encoding"), r);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.app = app;
	c.req = q;
	c.rep = r;
	dispatch(&c);
	if (c.wait_start) {
		struct call *later = xmalloc(sizeof(*later));
		struct http_wait_src *src = xcalloc(1, sizeof(*src));
		*later = c;
		later->wait_nheaders = r->nheaders; /* the reply r is released while it waits */
		memcpy(later->wait_headers, r->headers, sizeof(r->headers));
		r->nheaders = 0;
		src->start = wait_start;
		src->finish = wait_finish;
		src->ctx = later;
		r->wait = src;
		return;
	}
	call_release(&c);
}
