/* api_booking.c: bookings at stations: the citizen's slots, booking and cancelling (no login,
 * limited per address like the opinion form), the staff's day view, the full phone (audited) and
 * the steps. */
#include "api.h"
#include "booking.h"
#include "limit.h"
#include "ratelimit.h"

/* The public forms' limits per address, as api_opinion.c counts them (`serve --submit-rate`
 * raises them): a booking is a submission, a cancel by code a look-up (the same counter). */
static int submit_max(const struct call *c)
{
	return c->app->submit_rate > 0 ? c->app->submit_rate : LIMIT_PUBLIC_SUBMITS;
}

static int limited(struct call *c, const char *kind, int max, const char *what)
{
	return ratelimit_take(c->app->db, kind, c->req->client_addr, max, LIMIT_PUBLIC_WINDOW_S,
			      what, &c->err);
}

static int slots(struct call *c)
{
	return booking_slots(c->app->db, c->params[0], &c->out, &c->err);
}

static int create(struct call *c)
{
	int rc = limited(c, "booking", submit_max(c), "预约");
	c->status = 201;
	return rc ? rc
		  : booking_create(c->app->db, c->req->client_addr, c->params[0], c->in, &c->out, &c->err);
}

static int cancel(struct call *c)
{
	int max = submit_max(c) > LIMIT_PUBLIC_LOOKUPS ? submit_max(c) : LIMIT_PUBLIC_LOOKUPS;
	int rc = limited(c, "lookup", max, "取消预约");
	return rc ? rc : booking_cancel(c->app->db, c->req->client_addr, c->params[0], &c->out, &c->err);
}

/* The day's bookings; with ?format=xlsx|csv the same list (the same station, date and state)
 * as a spreadsheet, the export audited. */
static int day(struct call *c)
{
	static const struct sheet_col cols[] = {
		{"date", "日期"},
		{"start_time", "开始时间"},
		{"end_time", "结束时间"},
		{"code", "预约码"},
		{"name", "姓名"},
		{"phone", "联系电话"},
		{"topic", "反映事项"},
		{"state_name", "状态"},
		{"opinion_code", "转为意见查询码"},
		{NULL, NULL}};
	const char *date, *state, *format;
	char base[128];
	int64_t id;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_qstr(c, "date", &date)) ||
	    (rc = api_qstr(c, "state", &state)) || (rc = api_qstr(c, "format", &format)) ||
	    (rc = booking_day(c->app->db, &c->actor, id, date, state, &c->out, &c->err)) || !format)
		return rc;
	snprintf(base, sizeof(base), "预约接待-%s-%s",
		 json_string_value(json_object_get(json_object_get(c->out, "station"), "name")),
		 json_string_value(json_object_get(c->out, "date")));
	return api_sheet_items(c, cols, "预约接待", base, "booking.export");
}

API_GET_ID(personal, booking_personal)
API_BY_ID(act, booking_act, 0)

const struct route api_booking_routes[] = {
	{"GET", "/api/v1/public/stations/:code/slots", slots, API_PUBLIC},
	{"POST", "/api/v1/public/stations/:code/bookings", create, API_PUBLIC | API_BODY},
	{"POST", "/api/v1/public/bookings/:code/cancel", cancel, API_PUBLIC | API_BODY_OPT},
	{"GET", "/api/v1/stations/:id/bookings", day, 0},
	{"GET", "/api/v1/bookings/:id/personal", personal, 0},
	{"POST", "/api/v1/bookings/:id/actions", act, API_BODY},
	{NULL, NULL, NULL, 0},
};
