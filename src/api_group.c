/* api_group.c: deputy groups (代表小组). */
#include "api.h"
#include "group.h"

static int list(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : group_list(c->app->db, &c->actor, region, &c->out, &c->err);
}

API_CREATE(create, group_create)
API_GET_ID(get, group_get)
API_BY_ID(update, group_update, 0)
API_DEL_ID(delete_, group_delete)
API_BY_ID(members, group_set_members, 0)

const struct route api_group_routes[] = {
	{"GET", "/api/v1/groups", list, 0},
	{"POST", "/api/v1/groups", create, API_BODY},
	{"GET", "/api/v1/groups/:id", get, 0},
	{"PATCH", "/api/v1/groups/:id", update, API_BODY},
	{"DELETE", "/api/v1/groups/:id", delete_, 0},
	{"PUT", "/api/v1/groups/:id/members", members, API_BODY},
	{NULL, NULL, NULL, 0},
};
