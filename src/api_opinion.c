/* api_opinion.c: citizens' opinions: the public form, tracking and rating (no login), the
 * staff's inbox and actions, the handler's desk, deadlines board, hot topics, categories,
 * notifications. */
#include <string.h>

#include "api.h"
#include "limit.h"
#include "notice.h"
#include "opinion.h"
#include "ratelimit.h"
#include "suggestion.h"

/* The public forms' limits per address, counted in the database (ratelimit.h) so that every
 * server of one database shares them. `serve --submit-rate` (load tests) sets the submissions'
 * limit; above the look-up limit it raises that too: a load test's citizens all come from one
 * address. */
static int submit_max(const struct call *c)
{
	return c->app->submit_rate > 0 ? c->app->submit_rate : LIMIT_PUBLIC_SUBMITS;
}

static int looked_up(struct call *c, const char *what)
{
	int max = submit_max(c) > LIMIT_PUBLIC_LOOKUPS ? submit_max(c) : LIMIT_PUBLIC_LOOKUPS;
	return ratelimit_take(c->app->db, "lookup", c->req->client_addr, max, LIMIT_PUBLIC_WINDOW_S,
			      what, &c->err);
}

static int submit(struct call *c)
{
	c->status = 201;
	return opinion_submit(c->app->db, c->req->client_addr, submit_max(c), c->in, &c->out, &c->err);
}

static int track(struct call *c)
{
	const char *phone4, *secret;
	int rc;
	if ((rc = looked_up(c, "查询")) || (rc = api_qstr(c, "phone4", &phone4)) ||
	    (rc = api_qstr(c, "secret", &secret)))
		return rc;
	return opinion_track(c->app->db, c->params[0], phone4, secret, &c->out, &c->err);
}

static int rate(struct call *c)
{
	int rc = looked_up(c, "评价");
	return rc ? rc : opinion_rate(c->app->db, c->params[0], c->in, &c->out, &c->err);
}

static int categories(struct call *c)
{
	return opinion_categories(c->app->db, &c->out, &c->err);
}

static int list(struct call *c)
{
	struct opinion_filter f = {0};
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &f.region)) ||
	    (rc = api_qstr(c, "state", &f.state)) || (rc = api_qstr(c, "category", &f.category)) ||
	    (rc = api_qstr(c, "station", &f.station)) || (rc = api_qstr(c, "handler", &f.handler)) ||
	    (rc = api_qstr(c, "due", &f.due)) || (rc = api_qstr(c, "from", &f.from)) ||
	    (rc = api_qstr(c, "to", &f.to)) || (rc = api_qstr(c, "channel", &f.channel)) ||
	    (rc = api_qstr(c, "escalated", &f.escalated)))
		return rc;
	f.q = q.q;
	q.q = NULL;
	return opinion_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

/* Staff register an opinion; an integration may send an Idempotency-Key, so that a retried
 * request is stored once (a replay answers 200 with the stored opinion). */
static int create(struct call *c)
{
	int replayed, rc;
	rc = opinion_intake(c->app->db, &c->actor, http_header(c->req, "Idempotency-Key"), c->in,
			    &c->out, &replayed, &c->err);
	c->status = replayed ? 200 : 201;
	return rc;
}

/* The opinion in c->out gains the deputies' suggestions it became part of ("suggestions"). */
static int with_suggestions(struct call *c, int64_t id)
{
	json_t *o = json_object_get(c->out, "opinion"), *sg = NULL;
	int rc;
	if (!o)
		return 0;
	if ((rc = suggestion_of_opinion_read(c->app->db, id, &sg, &c->err)))
		return rc;
	json_object_set_new(o, "suggestions", sg);
	return 0;
}

static int get(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	if (!rc)
		rc = opinion_get(c->app->db, &c->actor, id, &c->out, &c->err);
	return rc ? rc : with_suggestions(c, id);
}

static int act(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	if (!rc)
		rc = opinion_act(c->app->db, &c->actor, id, c->in, &c->out, &c->err);
	return rc ? rc : with_suggestions(c, id);
}

/* A batch answers 200 with each item's outcome (batch.h). */
static int batch(struct call *c)
{
	return opinion_batch(c->app->db, &c->actor, c->in, &c->out, &c->err);
}

API_GET_ID(similar, opinion_similar)
API_GET_ID(recommend, opinion_recommend)

static int photo(struct call *c)
{
	int64_t id, n;
	char *data;
	size_t len;
	const char *mime;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_id(c, 1, &n)) ||
	    (rc = opinion_photo(c->app->db, &c->actor, id, (int)n, &data, &len, &mime, &c->err)))
		return rc;
	api_file(c, data, len, mime, NULL);
	return 0;
}

API_BY_ID(extension, opinion_extension_request, 201)
API_BY_ID(decide, opinion_extension_decide, 0)

static int board(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : opinion_due_board(c->app->db, &c->actor, region, &c->out, &c->err);
}

static int hot(struct call *c)
{
	const char *region, *from, *to;
	int rc;
	if ((rc = api_qstr(c, "region", &region)) || (rc = api_qstr(c, "from", &from)) ||
	    (rc = api_qstr(c, "to", &to)))
		return rc;
	return opinion_hot(c->app->db, &c->actor, region, from, to, &c->out, &c->err);
}

API_GET(notifications, notice_list)

const struct route api_opinion_routes[] = {
	{"POST", "/api/v1/public/opinions", submit, API_PUBLIC | API_BODY},
	{"GET", "/api/v1/public/opinions/:code", track, API_PUBLIC},
	{"POST", "/api/v1/public/opinions/:code/rating", rate, API_PUBLIC | API_BODY},
	{"GET", "/api/v1/public/categories", categories, API_PUBLIC},
	{"GET", "/api/v1/opinions", list, 0},
	{"POST", "/api/v1/opinions", create, API_BODY},
	{"GET", "/api/v1/opinions/board", board, 0},
	{"GET", "/api/v1/opinions/hot", hot, 0},
	{"POST", "/api/v1/opinions/batch", batch, API_BODY},
	{"GET", "/api/v1/opinions/:id", get, 0},
	{"POST", "/api/v1/opinions/:id/actions", act, API_BODY},
	{"GET", "/api/v1/opinions/:id/similar", similar, 0},
	{"GET", "/api/v1/opinions/:id/recommendation", recommend, 0},
	{"GET", "/api/v1/opinions/:id/photos/:n", photo, 0},
	{"POST", "/api/v1/opinions/:id/extensions", extension, API_BODY},
	{"POST", "/api/v1/extensions/:id/decision", decide, API_BODY},
	{"GET", "/api/v1/notifications", notifications, 0},
	{NULL, NULL, NULL, 0},
};
