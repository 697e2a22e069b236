/* chase.h: 催办, the staff's reminder to a handling unit about an opinion or a suggestion past
 * or near its deadline. Owns the chases table (one row per unit chased, counted per unit); the
 * opinion and suggestion modules call it from their "chase" step, inside the step's
 * transaction, and the step's history row records the chase on the item. */
#ifndef RENDA_CHASE_H
#define RENDA_CHASE_H

#include <stdint.h>

#include "actor.h"
#include "calendar.h"
#include "db.h"

/* The working days left on `today` until `deadline` (0 on the day itself), negative when overdue:
 * minus the working days since (at least 1). What the lists show as `workdays_left`. */
int chase_days_left(const struct workcal *w, int32_t today, int32_t deadline);
/* The rule of chase.near_days: an item due on `deadline` may be chased on `today` when it is
 * overdue or at most near_days working days remain (chase_days_left <= near_days). */
int chase_near(const struct workcal *w, int32_t today, int32_t deadline, int near_days);

/* Whether an item of the region at path, due on deadline ("YYYY-MM-DD"), may be chased now:
 * 0, or E_CONFLICT "not_due" with the deadline and the setting in the message. */
int chase_due(struct db_conn *c, const char *path, const char *deadline, struct err *e) WUR;

/* Records a chase of object_type ("opinion", "suggestion") id by a to the unit handler_id with
 * message (borrowed): the counted row, the unit's in-app notice and its text message through
 * the gateway (notice.c), title the notice's line, link the item's page. */
int chase_record(struct db_conn *c, const struct actor *a, const char *object_type, int64_t id,
		 int64_t handler_id, const char *message, const char *title, const char *link,
		 struct err *e) WUR;

#endif
