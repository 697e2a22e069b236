/* api_audit.c: the audit log, for the auditor. */
#include "api.h"
#include "audit.h"

static int list(struct call *c)
{
	struct listq q;
	struct audit_filter f = {0};
	const char *from, *to;
	int rc;

	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "actor", &f.actor)) ||
	    (rc = api_qstr(c, "action", &f.action)) || (rc = api_qstr(c, "object_type", &f.object_type)) ||
	    (rc = api_qstr(c, "object_id", &f.object_id)) || (rc = api_qstr(c, "from", &from)) ||
	    (rc = api_qstr(c, "to", &to)))
		return rc;
	if ((from && util_parse_i64(from, &f.from)) || (to && util_parse_i64(to, &f.to)))
		return err_set(&c->err, E_INVALID, "bad_param", "时间范围应为 Unix 秒数");
	f.page = q.page;
	f.per_page = q.per_page;
	return audit_list(c->app->db, &c->actor, &f, &c->out, &c->err);
}

const struct route api_audit_routes[] = {
	{"GET", "/api/v1/audit", list, 0},
	{NULL, NULL, NULL, 0},
};
