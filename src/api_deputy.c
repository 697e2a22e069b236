/* api_deputy.c: deputies, mandates and their status history, rosters, composition statistics,
 * imports and exports (deputy groups are in api_group.c). */
#include <stdatomic.h>
#include <string.h>

#include "api.h"
#include "attendance.h"
#include "deputy.h"
#include "deputy_io.h"
#include "station.h"

static int read_filter(struct call *c, struct deputy_filter *f)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = api_qstr(c, "region", &f->region)) || (rc = api_qstr(c, "congress", &f->congress)) ||
	    (rc = api_qstr(c, "level", &f->level)) || (rc = api_qstr(c, "term", &f->term)) ||
	    (rc = api_qstr(c, "status", &f->status)) || (rc = api_qstr(c, "group", &f->group)) ||
	    (rc = api_qstr(c, "station", &f->station)) || (rc = api_qstr(c, "gender", &f->gender)) ||
	    (rc = api_qstr(c, "minority", &f->minority)) || (rc = api_qstr(c, "party", &f->party)) ||
	    (rc = api_qstr(c, "occupation", &f->occupation)) ||
	    (rc = api_qstr(c, "education", &f->education)) || (rc = api_qstr(c, "age_min", &f->age_min)) ||
	    (rc = api_qstr(c, "age_max", &f->age_max)) || (rc = api_qstr(c, "date", &f->date)))
		return rc;
	return 0;
}

static int list(struct call *c)
{
	struct deputy_filter f;
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = read_filter(c, &f)))
		return rc;
	return deputy_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

static int stats(struct call *c)
{
	struct deputy_filter f;
	int rc = read_filter(c, &f);
	return rc ? rc : deputy_stats(c->app->db, &c->actor, &f, &c->out, &c->err);
}

static int roster(struct call *c)
{
	const char *congress, *level, *term, *date;
	int rc;
	if ((rc = api_qstr(c, "congress", &congress)) || (rc = api_qstr(c, "level", &level)) ||
	    (rc = api_qstr(c, "term", &term)) || (rc = api_qstr(c, "date", &date)))
		return rc;
	return deputy_roster(c->app->db, &c->actor, congress, level, term, date, &c->out, &c->err);
}

API_GET_ID(get, deputy_get)
API_CREATE(create, deputy_create)
API_BY_ID(update, deputy_update, 0)
API_BY_ID(add_mandate, deputy_add_mandate, 201)
API_BY_ID(mandate_event, deputy_mandate_event, 201)

static int export(struct call *c)
{
	struct deputy_filter f;
	struct listq q;
	enum sheet_format fmt;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = read_filter(c, &f)) || (rc = api_sheet_format(c, &fmt)) ||
	    (rc = deputy_io_export(c->app->db, &c->actor, &f, &q, fmt, &data, &len, &c->err)))
		return rc;
	api_sheet(c, fmt, data, len, "代表名册");
	return 0;
}

static int export_stats(struct call *c)
{
	struct deputy_filter f;
	enum sheet_format fmt;
	char *data;
	size_t len;
	int rc;
	if ((rc = read_filter(c, &f)) || (rc = api_sheet_format(c, &fmt)) ||
	    (rc = deputy_io_export_stats(c->app->db, &c->actor, &f, fmt, &data, &len, &c->err)))
		return rc;
	api_sheet(c, fmt, data, len, "代表构成统计");
	return 0;
}

static int template(struct call *c)
{
	enum sheet_format fmt;
	char *data;
	size_t len;
	int rc;
	if ((rc = api_sheet_format(c, &fmt)) || (rc = deputy_io_template(fmt, &data, &len, &c->err)))
		return rc;
	api_sheet(c, fmt, data, len, "代表导入模板");
	return 0;
}

/* Reading a large workbook takes memory: at most two previews run at once. */
static atomic_int previews;

static int import_preview(struct call *c)
{
	int rc;
	if (atomic_fetch_add(&previews, 1) >= 2) {
		atomic_fetch_sub(&previews, 1);
		return err_set(&c->err, E_UNAVAILABLE, "busy", "正在处理其他导入文件，请稍后再试");
	}
	rc = deputy_io_preview(c->app->db, &c->actor, c->req->body, c->req->body_len, NULL, &c->out, &c->err);
	atomic_fetch_sub(&previews, 1);
	return rc;
}

static int import_confirm(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : deputy_io_confirm(c->app->db, &c->actor, id, NULL, &c->out, &c->err);
}

/* A deputy's own record of duties on its phone (我的履职信息): attendance at the meetings held
 * (attendance.c) and reception duty at its stations (station.c); each refuses other accounts. */
static int record(struct call *c)
{
	json_t *meetings = NULL, *receptions = NULL;
	int rc;
	if ((rc = attendance_of_deputy(c->app->db, &c->actor, &meetings, &c->err)) ||
	    (rc = station_duty_of_deputy(c->app->db, &c->actor, &receptions, &c->err))) {
		json_decref(meetings);
		return rc;
	}
	c->out = json_pack("{s:{s:o, s:o}}", "record", "meetings", meetings, "receptions", receptions);
	return 0;
}

const struct route api_deputy_routes[] = {
	{"GET", "/api/v1/me/record", record, 0},
	{"GET", "/api/v1/deputies/export", export, 0},
	{"GET", "/api/v1/deputies/stats/export", export_stats, 0},
	{"GET", "/api/v1/deputies/import/template", template, 0},
	{"POST", "/api/v1/deputies/import", import_preview, API_RAW},
	{"POST", "/api/v1/deputies/import/:id/confirm", import_confirm, 0},
	{"GET", "/api/v1/deputies", list, 0},
	{"POST", "/api/v1/deputies", create, API_BODY},
	{"GET", "/api/v1/deputies/stats", stats, 0},
	{"GET", "/api/v1/deputies/:id", get, 0},
	{"PATCH", "/api/v1/deputies/:id", update, API_BODY},
	{"POST", "/api/v1/deputies/:id/mandates", add_mandate, API_BODY},
	{"POST", "/api/v1/mandates/:id/events", mandate_event, API_BODY},
	{"GET", "/api/v1/rosters", roster, 0},
	{NULL, NULL, NULL, 0},
};
