/* api_home.c: the home page's to-do counts and the header's search box (home.c). */
#include "api.h"
#include "home.h"

API_GET(todo, home_todo)

static int search(struct call *c)
{
	const char *q;
	int rc = api_qstr(c, "q", &q);
	return rc ? rc : home_search(c->app->db, &c->actor, q, &c->out, &c->err);
}

const struct route api_home_routes[] = {
	{"GET", "/api/v1/todo", todo, 0},
	{"GET", "/api/v1/search", search, 0},
	{NULL, NULL, NULL, 0},
};
