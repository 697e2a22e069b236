/* escalation.h: the rules of passing an item beyond a township's powers up to its county
 * (转交上级), shared by the opinions' and the suggestions' steps (opinion.c, suggestion.c, where
 * the steps "escalate", "assign" from "escalated" and "escalation_return" live): where an item
 * goes up to, who may send it there, who decides on it there, and which units it may be given to. */
#ifndef RENDA_ESCALATION_H
#define RENDA_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

/* The county (county, district or development zone) over an item of region `region`: its parent
 * when the region is a township or a street. Its code into county (n >= 16) and its name into name.
 * Refused: a region with no county above it (E_CONFLICT "no_upper"), an actor whose own scope
 * holds that county (E_FORBIDDEN: the county's staff assign the item themselves), an item already
 * escalated once (escalated_to not NULL: E_CONFLICT "already_escalated"). */
int escalation_target(struct db_conn *c, const struct actor *a, const char *region, const char *escalated_to,
		      char *county, size_t n, char *name, size_t nn, struct err *e) WUR;

/* Only the staff of the county an item was escalated to (their own region is that county) take
 * its decisions there: assign it to a county unit, or return it. E_FORBIDDEN naming the step
 * (label) otherwise. */
int escalation_may_decide(const struct actor *a, const char *escalated_to, const char *label,
			  struct err *e) WUR;

/* An escalated item goes to one of the county's own units (handlers.region_code is the county):
 * E_INVALID on field otherwise. */
int escalation_check_handler(struct db_conn *c, const char *escalated_to, int64_t handler_id,
			     const char *field, struct err *e) WUR;

#endif
