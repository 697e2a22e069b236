/* api_station.c: liaison stations, schedules, duty rosters, QR codes and the public page. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "qr.h"
#include "station.h"

static int list(struct call *c)
{
	struct listq q;
	const char *region, *kind;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &region)) ||
	    (rc = api_qstr(c, "kind", &kind)))
		return rc;
	return station_list(c->app->db, &c->actor, region, kind, &q, &c->out, &c->err);
}

API_GET_ID(get, station_get)
API_CREATE(create, station_create)
API_BY_ID(update, station_update, 0)
API_DEL_ID(delete_, station_delete)
API_BY_ID(deputies, station_set_deputies, 0)
API_BY_ID(add_rule, station_add_rule, 201)

static int delete_rule(struct call *c)
{
	int64_t id, rule;
	int rc;
	c->status = 204;
	if ((rc = api_id(c, 0, &id)) || (rc = api_id(c, 1, &rule)))
		return rc;
	return station_delete_rule(c->app->db, &c->actor, id, rule, &c->err);
}

static int calendar(struct call *c)
{
	const char *from, *to;
	int64_t id;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_qstr(c, "from", &from)) || (rc = api_qstr(c, "to", &to)))
		return rc;
	return station_calendar(c->app->db, &c->actor, id, from, to, &c->out, &c->err);
}

static int duty(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : station_set_duty(c->app->db, &c->actor, id, c->params[1], c->in, &c->out, &c->err);
}

/* The QR code carries the public page's address: the configured public URL, never the
 * request's Host header, which a client could forge. */
static int qr(struct call *c, int png)
{
	char code[32], url[512];
	char *data;
	size_t len;
	int64_t id;
	int rc;

	if ((rc = api_id(c, 0, &id)) ||
	    (rc = station_public_code(c->app->db, &c->actor, id, code, sizeof(code), &c->err)))
		return rc;
	snprintf(url, sizeof(url), "%s/s/%s", c->app->public_url, code);
	if ((rc = png ? qr_png(url, 10, &data, &len, &c->err) : qr_svg(url, 10, &data, &len, &c->err)))
		return rc;
	api_file(c, data, len, png ? "image/png" : "image/svg+xml", NULL);
	return 0;
}

static int qr_svg_(struct call *c)
{
	return qr(c, 0);
}

static int qr_png_(struct call *c)
{
	return qr(c, 1);
}

static int public_view(struct call *c)
{
	int rc = station_public(c->app->db, c->params[0], &c->out, &c->err);
	if (!rc)
		json_object_set_new(json_object_get(c->out, "station"), "url",
				    json_sprintf("%s/s/%s", c->app->public_url, c->params[0]));
	return rc;
}

const struct route api_station_routes[] = {
	{"GET", "/api/v1/stations", list, 0},
	{"POST", "/api/v1/stations", create, API_BODY},
	{"GET", "/api/v1/stations/:id", get, 0},
	{"PATCH", "/api/v1/stations/:id", update, API_BODY},
	{"DELETE", "/api/v1/stations/:id", delete_, 0},
	{"PUT", "/api/v1/stations/:id/deputies", deputies, API_BODY},
	{"POST", "/api/v1/stations/:id/rules", add_rule, API_BODY},
	{"DELETE", "/api/v1/stations/:id/rules/:rule", delete_rule, 0},
	{"GET", "/api/v1/stations/:id/calendar", calendar, 0},
	{"PUT", "/api/v1/stations/:id/duty/:date", duty, API_BODY},
	{"GET", "/api/v1/stations/:id/qr.svg", qr_svg_, 0},
	{"GET", "/api/v1/stations/:id/qr.png", qr_png_, 0},
	{"GET", "/api/v1/public/stations/:code", public_view, API_PUBLIC},
	{NULL, NULL, NULL, 0},
};
