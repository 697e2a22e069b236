#include "escalation.h"

#include <stdio.h>
#include <string.h>

#include "region.h"

int escalation_target(struct db_conn *c, const struct actor *a, const char *region, const char *escalated_to,
		      char *county, size_t n, char *name, size_t nn, struct err *e)
{
	struct db_res *r = NULL;
	int rc;

	if (escalated_to && *escalated_to)
		return err_set(e, E_CONFLICT, "already_escalated", "该事项已转交过上级，不能再次转交");
	if ((rc = db_execv(c, &r, e,
			   "SELECT p.code, p.name, p.path FROM regions r JOIN regions p ON p.code = r.parent_code"
			   " WHERE r.code = ? AND r.level IN ('township','street')"
			   " AND p.level IN ('county','district','devzone')",
			   "s", region)))
		return rc;
	if (!r->nrows)
		rc = err_set(e, E_CONFLICT, "no_upper", "只有乡镇、街道的事项可以转交上级");
	else if (region_path_in_scope(a, db_val(r, 0, 2)))
		rc = err_set(e, E_FORBIDDEN, "forbidden", "县(区)人大工作人员可直接交办，无需转交上级");
	else {
		snprintf(county, n, "%s", db_val(r, 0, 0));
		snprintf(name, nn, "%s", db_val(r, 0, 1));
	}
	db_res_free(r);
	return rc;
}

int escalation_may_decide(const struct actor *a, const char *escalated_to, const char *label, struct err *e)
{
	if (!escalated_to || strcmp(a->region_code, escalated_to))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有接收转交的县(区)人大工作人员可以%s", label);
	return 0;
}

int escalation_check_handler(struct db_conn *c, const char *escalated_to, int64_t handler_id,
			     const char *field, struct err *e)
{
	struct db_res *r = NULL;
	int rc = db_execv(c, &r, e, "SELECT region_code FROM handlers WHERE id = ?", "i", handler_id);
	if (!rc && (!r->nrows || strcmp(db_val(r, 0, 0), escalated_to)))
		rc = err_field(e, E_INVALID, "bad_handler", field, "转交上级的事项应交办给县(区)的承办单位");
	db_res_free(r);
	return rc;
}
