/* api_group.c: deputy groups (代表小组). */
#include "api.h"
#include "group.h"

static int list(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : group_list(c->app->db, &c->actor, region, &c->out, &c->err);
}

static int create(struct call *c)
{
	c->status = 201;
	return group_create(c->app->db, &c->actor, c->in, &c->out, &c->err);
}

static int get(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : group_get(c->app->db, &c->actor, id, &c->out, &c->err);
}

static int update(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : group_update(c->app->db, &c->actor, id, c->in, &c->out, &c->err);
}

static int delete_(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	c->status = 204;
	return rc ? rc : group_delete(c->app->db, &c->actor, id, &c->err);
}

static int members(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : group_set_members(c->app->db, &c->actor, id, c->in, &c->out, &c->err);
}

const struct route api_group_routes[] = {
	{"GET", "/api/v1/groups", list, 0},
	{"POST", "/api/v1/groups", create, API_BODY},
	{"GET", "/api/v1/groups/:id", get, 0},
	{"PATCH", "/api/v1/groups/:id", update, API_BODY},
	{"DELETE", "/api/v1/groups/:id", delete_, 0},
	{"PUT", "/api/v1/groups/:id/members", members, API_BODY},
	{NULL, NULL, NULL, 0},
};
