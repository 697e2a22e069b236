/* api_project.c: livelihood projects (project.c): the staff's list, collection, the candidate
 * list, the steps, the vote at a session and its result, the reports' photos; the public page's
 * read-only list (no login, limited per address like the other public routes). */
#include "api.h"
#include "limit.h"
#include "project.h"
#include "ratelimit.h"

/* A whole-number query parameter: 0 when absent, E_INVALID naming it otherwise. */
static int qint(struct call *c, const char *name, const char *label, int64_t *v)
{
	const char *s;
	int rc = api_qstr(c, name, &s);
	*v = 0;
	if (rc || !s || !*s)
		return rc;
	if (util_parse_i64(s, v))
		return err_field(&c->err, E_INVALID, "bad_param", name, "%s应为整数", label);
	return 0;
}

static int list(struct call *c)
{
	struct project_filter f = {0};
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &f.region)) ||
	    (rc = api_qstr(c, "state", &f.state)) || (rc = qint(c, "year", "年度", &f.year)))
		return rc;
	f.q = q.q;
	return project_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

static int candidates(struct call *c)
{
	const char *region;
	int64_t year, choose;
	int rc;
	if ((rc = api_qstr(c, "region", &region)) || (rc = qint(c, "year", "年度", &year)) ||
	    (rc = qint(c, "choose", "票决项目数", &choose)))
		return rc;
	return project_candidates(c->app->db, &c->actor, region, year, choose, &c->out, &c->err);
}

static int labels(struct call *c)
{
	c->out = project_labels();
	return 0;
}

static int photo(struct call *c)
{
	int64_t id, n;
	char *data;
	size_t len;
	const char *mime;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_id(c, 1, &n)) ||
	    (rc = project_photo(c->app->db, &c->actor, id, (int)n, &data, &len, &mime, &c->err)))
		return rc;
	api_file(c, data, len, mime, NULL);
	return 0;
}

/* The public page: a look-up, counted per address as the tracking page counts them. */
static int public_list(struct call *c)
{
	const char *region;
	int64_t year;
	int max = c->app->submit_rate > LIMIT_PUBLIC_LOOKUPS ? c->app->submit_rate : LIMIT_PUBLIC_LOOKUPS;
	int rc;
	if ((rc = ratelimit_take(c->app->db, "lookup", c->req->client_addr, max,
				 LIMIT_PUBLIC_WINDOW_S, "查询", &c->err)) ||
	    (rc = api_qstr(c, "region", &region)) || (rc = qint(c, "year", "年度", &year)))
		return rc;
	return project_public_list(c->app->db, region, year, &c->out, &c->err);
}

API_CREATE(create, project_create)
API_CREATE(vote, project_vote)
API_GET_ID(get, project_get)
API_GET_ID(result, project_vote_result)
API_BY_ID(act, project_act, 0)

const struct route api_project_routes[] = {
	{"GET", "/api/v1/public/projects", public_list, API_PUBLIC},
	{"GET", "/api/v1/projects", list, 0},
	{"POST", "/api/v1/projects", create, API_BODY},
	{"GET", "/api/v1/projects/labels", labels, 0},
	{"GET", "/api/v1/projects/candidates", candidates, 0},
	{"POST", "/api/v1/projects/votes", vote, API_BODY},
	{"POST", "/api/v1/projects/votes/:id/result", result, API_BODY_OPT},
	{"GET", "/api/v1/projects/:id", get, 0},
	{"POST", "/api/v1/projects/:id/actions", act, API_BODY},
	{"GET", "/api/v1/projects/:id/photos/:n", photo, 0},
	{NULL, NULL, NULL, 0},
};
