#include "chase.h"

#include <stdio.h>

#include "notice.h"
#include "settings.h"

int chase_days_left(const struct workcal *w, int32_t today, int32_t deadline)
{
	int since;
	if (today <= deadline)
		return cal_workdays_between(w, today, deadline);
	since = cal_workdays_between(w, deadline, today);
	return since > 0 ? -since : -1;
}

int chase_near(const struct workcal *w, int32_t today, int32_t deadline, int near_days)
{
	return today > deadline || chase_days_left(w, today, deadline) <= near_days;
}

int chase_due(struct db_conn *c, const char *path, const char *deadline, struct err *e)
{
	struct holidays h;
	int32_t d;
	int near, ok, rc;

	if (!deadline || !*deadline || cal_parse(deadline, &d))
		return err_set(e, E_CONFLICT, "not_due", "该事项没有办理期限，不能催办");
	if ((rc = settings_int(c, path, "chase.near_days", &near, e)) || (rc = holidays_load(c, &h, e)))
		return rc;
	ok = chase_near(&h.cal, cal_today(), d, near);
	holidays_free(&h);
	if (!ok)
		return err_set(e, E_CONFLICT, "not_due",
			       "办理期限为%s，距到期还有%d个工作日以上，到期前%d个工作日内或超期后才能催办",
			       deadline, near, near);
	return 0;
}

int chase_record(struct db_conn *c, const struct actor *a, const char *object_type, int64_t id,
		 int64_t handler_id, const char *message, const char *title, const char *link,
		 struct err *e)
{
	char text[600];
	int rc;

	snprintf(text, sizeof(text), "%s：%s", title, message);
	if ((rc = db_execv(c, NULL, e,
			   "INSERT INTO chases (object_type, object_id, handler_id, message, actor_id, created_at)"
			   " VALUES (?,?,?,?,?,?)",
			   "siisni", object_type, id, handler_id, message, a->account_id, util_now())))
		return rc;
	if ((rc = notice_handler(c, handler_id, "chase", title, link, e)))
		return rc;
	return notice_handler_text(c, handler_id, "chase", text, link, e);
}
