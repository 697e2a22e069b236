/* api_settings.c: the jurisdiction's settings (every deadline and threshold, resolved up the
 * region tree) and the holiday calendar that working days are counted on. */
#include "api.h"
#include "settings.h"

static int settings_get(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : settings_list(c->app->db, &c->actor, region, &c->out, &c->err);
}

static int settings_set(struct call *c)
{
	const char *region;
	int rc = api_qstr(c, "region", &region);
	return rc ? rc : settings_put(c->app->db, &c->actor, region, c->in, &c->out, &c->err);
}

static int holidays_get(struct call *c)
{
	const char *year;
	int rc = api_qstr(c, "year", &year);
	return rc ? rc : holidays_list(c->app->db, year, &c->out, &c->err);
}

static int holidays_set(struct call *c)
{
	return holidays_put(c->app->db, &c->actor, c->in, &c->out, &c->err);
}

const struct route api_settings_routes[] = {
	{"GET", "/api/v1/settings", settings_get, 0},
	{"PUT", "/api/v1/settings", settings_set, API_BODY},
	{"GET", "/api/v1/holidays", holidays_get, 0},
	{"PUT", "/api/v1/holidays", holidays_set, API_BODY},
	{NULL, NULL, NULL, 0},
};
