/* api_region.c: the region tree and congress units. */
#include "api.h"
#include "region.h"

API_GET(tree, region_tree)

static int get(struct call *c)
{
	return region_get(c->app->db, &c->actor, c->params[0], &c->out_text, &c->err);
}

static int create(struct call *c)
{
	int rc = region_create(c->app->db, &c->actor, c->in, &c->out, &c->err);
	c->status = 201;
	return rc;
}

static int rename_(struct call *c)
{
	return region_rename(c->app->db, &c->actor, c->params[0], c->in, &c->out, &c->err);
}

static int delete_(struct call *c)
{
	int rc = region_delete(c->app->db, &c->actor, c->params[0], &c->err);
	c->status = 204;
	return rc;
}

static int set_unit(struct call *c)
{
	return region_set_unit(c->app->db, &c->actor, c->params[0], c->in, &c->out, &c->err);
}

const struct route api_region_routes[] = {
	{"GET", "/api/v1/regions", tree, 0},
	{"POST", "/api/v1/regions", create, API_BODY},
	{"GET", "/api/v1/regions/:code", get, 0},
	{"PATCH", "/api/v1/regions/:code", rename_, API_BODY},
	{"DELETE", "/api/v1/regions/:code", delete_, 0},
	{"PUT", "/api/v1/regions/:code/unit", set_unit, API_BODY},
	{NULL, NULL, NULL, 0},
};
