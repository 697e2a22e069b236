/* api_handler.c: handling units (承办单位). */
#include <string.h>

#include "api.h"
#include "handler.h"

static int list(struct call *c)
{
	struct listq q;
	const char *region, *active;
	int rc, act = -1;

	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &region)) ||
	    (rc = api_qstr(c, "active", &active)))
		return rc;
	if (active) {
		if (strcmp(active, "0") && strcmp(active, "1"))
			return err_field(&c->err, E_INVALID, "bad_param", "active", "参数 active 应为 0 或 1");
		act = active[0] == '1';
	}
	return handler_list(c->app->db, &c->actor, region, act, &q, &c->out, &c->err);
}

API_GET_ID(get, handler_get)
API_CREATE(create, handler_create)
API_BY_ID(update, handler_update, 0)
API_DEL_ID(delete_, handler_delete)

const struct route api_handler_routes[] = {
	{"GET", "/api/v1/handlers", list, 0},
	{"POST", "/api/v1/handlers", create, API_BODY},
	{"GET", "/api/v1/handlers/:id", get, 0},
	{"PATCH", "/api/v1/handlers/:id", update, API_BODY},
	{"DELETE", "/api/v1/handlers/:id", delete_, 0},
	{NULL, NULL, NULL, 0},
};
