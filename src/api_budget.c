/* api_budget.c: the township budget, its adjustments and final accounts: imports of the finance
 * office's spreadsheets (preview, then confirm), quarterly execution, the documents with their
 * warnings and charts, the review's steps and the deputies' comments per line. */
#include <stdatomic.h>
#include <string.h>

#include "api.h"
#include "budget.h"

static int list(struct call *c)
{
	const char *region, *year, *kind, *state;
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &region)) ||
	    (rc = api_qstr(c, "year", &year)) || (rc = api_qstr(c, "kind", &kind)) ||
	    (rc = api_qstr(c, "state", &state)))
		return rc;
	return budget_list(c->app->db, &c->actor, region, year, kind, state, &q, &c->out, &c->err);
}

static int template(struct call *c)
{
	enum sheet_format fmt;
	const char *what;
	char *data;
	size_t len;
	int rc, exec;
	if ((rc = api_sheet_format(c, &fmt)) || (rc = api_qstr(c, "kind", &what)))
		return rc;
	exec = what && !strcmp(what, "execution");
	if ((rc = budget_template(exec, fmt, &data, &len, &c->err)))
		return rc;
	api_sheet(c, fmt, data, len, exec ? "预算执行导入模板" : "预算导入模板");
	return 0;
}

/* Reading a large workbook takes memory: at most two previews run at once. */
static atomic_int previews;

static int busy(struct call *c)
{
	if (atomic_fetch_add(&previews, 1) >= 2) {
		atomic_fetch_sub(&previews, 1);
		return err_set(&c->err, E_UNAVAILABLE, "busy", "正在处理其他导入文件，请稍后再试");
	}
	return 0;
}

static int import_preview(struct call *c)
{
	const char *region, *year, *kind;
	int rc;
	if ((rc = api_qstr(c, "region", &region)) || (rc = api_qstr(c, "year", &year)) ||
	    (rc = api_qstr(c, "kind", &kind)) || (rc = busy(c)))
		return rc;
	rc = budget_preview(c->app->db, &c->actor, region, year, kind, c->req->body,
			    c->req->body_len, &c->out, &c->err);
	atomic_fetch_sub(&previews, 1);
	return rc;
}

static int exec_preview(struct call *c)
{
	const char *quarter;
	int64_t id;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_qstr(c, "quarter", &quarter)) || (rc = busy(c)))
		return rc;
	rc = budget_exec_preview(c->app->db, &c->actor, id, quarter, c->req->body, c->req->body_len,
				 &c->out, &c->err);
	atomic_fetch_sub(&previews, 1);
	return rc;
}

static int comments(struct call *c)
{
	const char *code;
	int64_t id;
	int rc;
	if ((rc = api_id(c, 0, &id)) || (rc = api_qstr(c, "code", &code)))
		return rc;
	return budget_comments(c->app->db, &c->actor, id, code, &c->out, &c->err);
}

static int import_confirm(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : budget_import_confirm(c->app->db, &c->actor, id, &c->out, &c->err);
}

API_GET_ID(get, budget_get)
API_BY_ID(act, budget_act, 0)
API_BY_ID(comment, budget_comment, 201)

const struct route api_budget_routes[] = {
	{"GET", "/api/v1/budgets/import/template", template, 0},
	{"POST", "/api/v1/budgets/import", import_preview, API_RAW},
	{"POST", "/api/v1/budgets/import/:id/confirm", import_confirm, 0},
	{"GET", "/api/v1/budgets", list, 0},
	{"GET", "/api/v1/budgets/:id", get, 0},
	{"POST", "/api/v1/budgets/:id/execution", exec_preview, API_RAW},
	{"POST", "/api/v1/budgets/:id/actions", act, API_BODY},
	{"GET", "/api/v1/budgets/:id/comments", comments, 0},
	{"POST", "/api/v1/budgets/:id/comments", comment, API_BODY},
	{NULL, NULL, NULL, 0},
};
