/* api_supervision.c: supervision items (监督事项): the plan's list, an item, its fields and its
 * steps. Translation only: every rule is in supervision.c. */
#include "api.h"
#include "supervision.h"

static int list(struct call *c)
{
	const char *region, *year, *kind, *state, *handler;
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &region)) ||
	    (rc = api_qstr(c, "year", &year)) || (rc = api_qstr(c, "kind", &kind)) ||
	    (rc = api_qstr(c, "state", &state)) || (rc = api_qstr(c, "handler_id", &handler)))
		return rc;
	return supervision_list(c->app->db, &c->actor, region, year, kind, state, handler, &q,
				&c->out, &c->err);
}

API_CREATE(create, supervision_create)
API_GET_ID(one, supervision_get)
API_BY_ID(update, supervision_update, 0)
API_BY_ID(act, supervision_act, 0)

const struct route api_supervision_routes[] = {
	{"GET", "/api/v1/supervision", list, 0},
	{"POST", "/api/v1/supervision", create, API_BODY},
	{"GET", "/api/v1/supervision/:id", one, 0},
	{"PATCH", "/api/v1/supervision/:id", update, API_BODY},
	{"POST", "/api/v1/supervision/:id/actions", act, API_BODY},
	{NULL, NULL, NULL, 0},
};
