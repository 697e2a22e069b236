/* api_rectify.c: rectification (整改): the staff's rectifications and board across units, the
 * handling units' tasks, each problem's steps and evidence files. */
#include <string.h>

#include "api.h"
#include "attach.h"
#include "limit.h"
#include "rectify.h"

static int read_filter(struct call *c, struct rectify_filter *f, struct listq *q)
{
	int rc;
	memset(f, 0, sizeof(*f));
	if ((rc = api_listq(c, q)) || (rc = api_qstr(c, "region", &f->region)) ||
	    (rc = api_qstr(c, "year", &f->year)) || (rc = api_qstr(c, "state", &f->state)) ||
	    (rc = api_qstr(c, "handler", &f->handler)) || (rc = api_qstr(c, "due", &f->due)) ||
	    (rc = api_qstr(c, "source_kind", &f->source_kind)) ||
	    (rc = api_qstr(c, "rectification", &f->rectification)))
		return rc;
	f->q = q->q;
	return 0;
}

static int list(struct call *c)
{
	struct rectify_filter f;
	struct listq q;
	int rc = read_filter(c, &f, &q);
	return rc ? rc : rectify_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

static int problems(struct call *c)
{
	struct rectify_filter f;
	struct listq q;
	int rc = read_filter(c, &f, &q);
	return rc ? rc : rectify_problems(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

/* The board as JSON, or with ?format=xlsx|csv every unit (up to LIMIT_EXPORT_ROWS) as an
 * audited spreadsheet. */
static int board(struct call *c)
{
	static const struct sheet_col cols[] = {
		{"name", "责任单位"},
		{"region_name", "所属地区"},
		{"total", "问题数"},
		{"todo", "待整改"},
		{"in_progress", "整改中"},
		{"claimed", "已报完成"},
		{"verified", "已验收"},
		{"overdue", "逾期未完成"},
		{"reopened", "退回重新整改"},
		{"verified_rate", "验收完成率（%）"},
		{NULL, NULL}};
	struct rectify_filter f;
	struct listq q;
	const char *format;
	enum sheet_format fmt;
	int rc = read_filter(c, &f, &q);
	if (rc || (rc = api_qstr(c, "format", &format)))
		return rc;
	if (format) {
		if ((rc = api_sheet_format(c, &fmt)))
			return rc;
		q.page = 1;
		q.per_page = LIMIT_EXPORT_ROWS;
	}
	if ((rc = rectify_board(c->app->db, &c->actor, &f, &q, &c->out, &c->err)) || !format)
		return rc;
	return api_sheet_items(c, cols, "督查整改情况", "督查整改情况", "rectification.board_export");
}

API_CREATE(create, rectify_create)
API_GET_ID(get, rectify_get)
API_GET_ID(problem_get, rectify_problem_get)
API_BY_ID(act, rectify_act, 0)
API_BY_ID(add_files, rectify_add_files, 0)

static int file(struct call *c)
{
	int64_t id, fid;
	char *data;
	size_t len;
	json_t *meta;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_id(c, 1, &fid)) ||
	    (rc = rectify_file(c->app->db, &c->actor, id, fid, &data, &len, &meta, &c->err)))
		return rc;
	api_file(c, data, len, attach_served_type(json_string_value(json_object_get(meta, "mime"))),
		 json_string_value(json_object_get(meta, "name")));
	json_decref(meta);
	return 0;
}

const struct route api_rectify_routes[] = {
	{"GET", "/api/v1/rectifications", list, 0},
	{"POST", "/api/v1/rectifications", create, API_BODY},
	{"GET", "/api/v1/rectifications/board", board, 0},
	{"GET", "/api/v1/rectifications/problems", problems, 0},
	{"GET", "/api/v1/rectifications/problems/:id", problem_get, 0},
	{"POST", "/api/v1/rectifications/problems/:id/actions", act, API_BODY},
	{"POST", "/api/v1/rectifications/problems/:id/files", add_files, API_BODY},
	{"GET", "/api/v1/rectifications/problems/:id/files/:fid", file, 0},
	{"GET", "/api/v1/rectifications/:id", get, 0},
	{NULL, NULL, NULL, 0},
};
