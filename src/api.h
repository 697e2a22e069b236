/* api.h: the JSON API. One router; one handler file per domain (api_session.c, api_region.c,
 * ...). Handlers translate a request into a domain call and its result into JSON: no SQL and
 * no business rule lives here. */
#ifndef RENDA_API_H
#define RENDA_API_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "http.h"
#include "rows.h"
#include "sheet.h"

struct app {
	struct db *db;
	const char *web_dir;
	const char *public_url; /* where citizens reach this server: QR codes point here */
	int submit_rate; /* public submissions per address and window; 0: LIMIT_PUBLIC_SUBMITS */
};

/* One API call in flight. */
struct call {
	struct app *app;
	const struct http_req *req;
	struct http_reply *rep;
	struct actor actor;  /* valid when the route needs authentication */
	const char *session; /* the cookie's session token, when logged in by cookie */
	char params[3][64];  /* path parameters in pattern order */
	json_t *in;          /* the parsed body, for routes that take one */
	json_t *out;         /* the reply body (owned; sent with status) */
	char *out_text;      /* or the reply body as JSON text (owned), when the domain made it */
	char *out_bytes;     /* or a file (owned): out_len bytes of out_type */
	size_t out_len;
	const char *out_type;
	int status; /* 200 unless the handler says 201 or 204 */
	struct err err;
	/* set by api_wait: the reply waits for work done elsewhere */
	const struct route *route;
	void (*wait_start)(void *ctx, void (*done)(void *arg), void *arg);
	int (*wait_finish)(struct call *c, void *ctx);
	void *wait_ctx;
	/* the headers the handler set (a download's name), kept while the reply waits: sent with
	 * the reply, dropped when it becomes an error */
	int wait_nheaders;
	char *wait_headers[HTTP_MAX_HEADERS][2];
};

/* Answers c later without holding an HTTP thread: once the handler has returned 0, start(ctx,
 * done, arg) is called to queue the work (a group commit, db_group_queue), which calls done(arg)
 * once when it has ended, from any thread; then finish(c, ctx) runs on an HTTP thread and is to c
 * what a handler is (its result, c->out and c->status make the reply, a refusal is audited), and
 * frees ctx. Called last by a handler that then returns 0. */
typedef void (*api_wait_start)(void *ctx, void (*done)(void *arg), void *arg);
typedef int (*api_wait_finish)(struct call *c, void *ctx);
void api_wait(struct call *c, api_wait_start start, api_wait_finish finish, void *ctx);

/* Routes flags. */
#define API_PUBLIC 1u   /* no authentication */
#define API_BODY 2u     /* a JSON object body is required */
#define API_BODY_OPT 4u /* a JSON body is optional (defaults to {}) */
#define API_ANY_PW 8u   /* allowed while the password must still be changed */
#define API_RAW 16u     /* the body is a file, passed as it came (req->body, req->body_len) */

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/regions/:code" */
	int (*fn)(struct call *c);
	unsigned flags;
};

/* The routes of each domain, each list ending with a {NULL} entry. */
/* Records a refused (400/403/404/409/413) or failed (500) write of c on route rt in the audit
 * trail, in a transaction of its own after the write's rollback; nothing for reads, failed
 * authentication or rate limits. Public routes record only bad input and failures, as "(public)". */
void api_audit_refusal(struct call *c, const struct route *rt);

extern const struct route api_session_routes[];
extern const struct route api_region_routes[];
extern const struct route api_handler_routes[];
extern const struct route api_account_routes[];
extern const struct route api_audit_routes[];
extern const struct route api_deputy_routes[];
extern const struct route api_group_routes[];
extern const struct route api_station_routes[];
extern const struct route api_opinion_routes[];
extern const struct route api_settings_routes[];
extern const struct route api_suggestion_routes[];
extern const struct route api_meeting_routes[];
extern const struct route api_labels_routes[];
extern const struct route api_booking_routes[];
extern const struct route api_home_routes[];
extern const struct route api_supervision_routes[];
extern const struct route api_project_routes[];
extern const struct route api_rectify_routes[];
extern const struct route api_budget_routes[];

/* Handlers that only pass the request on, defined by one line each for the routes tables; fn is
 * the domain function, called with the database and the actor, then:
 *   API_GET(name, fn)            &out                 fn(db, a, out, e)
 *   API_CREATE(name, fn)         the body, &out; 201  fn(db, a, in, out, e)
 *   API_GET_ID(name, fn)         the path's id, &out  fn(db, a, id, out, e)
 *   API_BY_ID(name, fn, status)  the id, the body (NULL without one), &out; status unless 0
 *                                                     fn(db, a, id, in, out, e)
 *   API_DEL_ID(name, fn)         the id; 204          fn(db, a, id, e)
 * A path id that is not a positive whole number is E_NOTFOUND (api_id). */
#define API_GET(name, fn)                                           \
	static int name(struct call *c)                             \
	{                                                           \
		return fn(c->app->db, &c->actor, &c->out, &c->err); \
	}
#define API_CREATE(name, fn)                                               \
	static int name(struct call *c)                                    \
	{                                                                  \
		c->status = 201;                                           \
		return fn(c->app->db, &c->actor, c->in, &c->out, &c->err); \
	}
#define API_GET_ID(name, fn)                                                      \
	static int name(struct call *c)                                           \
	{                                                                         \
		int64_t id;                                                       \
		int rc = api_id(c, 0, &id);                                       \
		return rc ? rc : fn(c->app->db, &c->actor, id, &c->out, &c->err); \
	}
#define API_BY_ID(name, fn, status_)                                                     \
	static int name(struct call *c)                                                  \
	{                                                                                \
		int64_t id;                                                              \
		int rc = api_id(c, 0, &id);                                              \
		if (status_)                                                             \
			c->status = status_;                                             \
		return rc ? rc : fn(c->app->db, &c->actor, id, c->in, &c->out, &c->err); \
	}
#define API_DEL_ID(name, fn)                                             \
	static int name(struct call *c)                                  \
	{                                                                \
		int64_t id;                                              \
		int rc = api_id(c, 0, &id);                              \
		c->status = 204;                                         \
		return rc ? rc : fn(c->app->db, &c->actor, id, &c->err); \
	}

/* Every route the router dispatches on, in its order: a new JSON array of {"method", "pattern",
 * "public", "body", "body_optional", "any_password", "raw"} (`renda routes` prints it; the HTTP
 * suite's scope test checks that each has an expectation). */
json_t *api_routes(void);

/* The one request entry point, given to http_start. */
void api_handle(void *app, const struct http_req *q, struct http_reply *r);

/* The body cap for a request path: uploads get LIMIT_UPLOAD_BYTES, the rest LIMIT_BODY_BYTES. */
size_t api_body_cap(const char *path);
/* Replies with a file download: takes ownership of data. */
void api_file(struct call *c, char *data, size_t len, const char *type, const char *filename);

/* The ?format= of an export: xlsx (the default) or csv; E_INVALID otherwise. */
int api_sheet_format(struct call *c, enum sheet_format *fmt) WUR;
/* Replies with a spreadsheet download named base.xlsx or base.csv (takes data). */
void api_sheet(struct call *c, enum sheet_format fmt, char *data, size_t len, const char *base);
/* Replaces the JSON reply's "items" by a spreadsheet of them (sheet_write_json: the columns cols,
 * the sheet title), the download base.xlsx or base.csv in the ?format= asked. With an action
 * (e.g. "suggestion.export") the export is audited first, with its query and row count; NULL
 * when the caller audits it itself. */
int api_sheet_items(struct call *c, const struct sheet_col *cols, const char *title,
		    const char *base, const char *action) WUR;
/* Reads paging, search and sort from the query string; E_INVALID on bad values. */
int api_listq(struct call *c, struct listq *q) WUR;
/* Reads a positive integer path parameter; E_NOTFOUND when it is not one. */
int api_id(struct call *c, int idx, int64_t *id) WUR;
/* A query parameter bounded to LIMIT_QUERY_CHARS valid UTF-8 characters; NULL if absent. */
int api_qstr(struct call *c, const char *name, const char **out) WUR;

#endif
