/* supervision.h: supervision by a congress unit (监督, DOMAIN §6): the items of its annual plan
 * (special work reports, law-enforcement inspections, inspections and research, special
 * inquiries, budget and final-accounts reviews), each with its subject body (a handling unit),
 * the deputies who take part, the meeting where it is heard, the dates of its documents checked
 * against the meeting (supervision.draft_days, final_days, members_days), its findings; the
 * deliberation opinions (审议意见) sent to the body with a deadline (supervision.opinion_months);
 * the body's handling reports on its desk; the staff's follow-up check; the satisfaction rating
 * of the report, a vote of kind "rating" on the meeting engine (vote.h), whose result is read
 * onto the item, and a second report within rating.rereport_months when it is not passed.
 * Owns supervision_items, _deputies, _opinions, _reports, _events and the item's step table.
 *
 * Who sees what: staff of a congress unit their region's subtree (and write it); a handling
 * unit the items whose subject body it is; a deputy the items it takes part in. A deliberation
 * opinion's id is stable: a rectification names it as its source ("supervision_opinion", id). */
#ifndef RENDA_SUPERVISION_H
#define RENDA_SUPERVISION_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* The dates of an item's documents and its meeting, as day numbers (0: not set). */
struct supervision_dates {
	int32_t draft, final, members, meeting;
};
/* The days each document must be out before the meeting (the settings). */
struct supervision_days {
	int draft, final, members;
};
enum { SUPERVISION_LATE_DRAFT = 1, SUPERVISION_LATE_FINAL = 2, SUPERVISION_LATE_MEMBERS = 4 };
/* The documents sent too late: a bit for each date that is fewer than its days before the
 * meeting (exactly the days is on time). Nothing without a meeting date. Pure. */
unsigned supervision_late(const struct supervision_dates *d, const struct supervision_days *need);
/* The field of the first date out of order (draft ≤ final ≤ members ≤ meeting, each when set),
 * or NULL when they are in order. Pure. */
const char *supervision_dates_disorder(const struct supervision_dates *d);

const char *supervision_state_name(const char *state);
/* {"states","actions","kinds"}, a new object owned by the caller. */
json_t *supervision_labels(void);

/* Every function below: *out a new object owned by the caller, set only on success; errors
 * E_INVALID naming the field, E_FORBIDDEN, E_NOTFOUND (also an item out of sight), E_CONFLICT. */

/* A page of the items the actor sees: filters region, year, kind, state, handler_id; q searches
 * the titles. {"items","total","page","per_page"}. */
int supervision_list(struct db *db, const struct actor *a, const char *region, const char *year,
		     const char *kind, const char *state, const char *handler_id,
		     const struct listq *q, json_t **out, struct err *e) WUR;
/* A plan's item {"year","kind","title","handler_id","region_code"?,"meeting_id"?,"meeting_on"?,
 * "draft_on"?,"final_on"?,"members_on"?,"findings"?,"deputies"?:[ids]} (staff). */
int supervision_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* The item with its deputies, timeline and warnings, opinions, reports, rating and history. */
int supervision_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* Changes the fields of create (staff; not once rated or cancelled). */
int supervision_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		       struct err *e) WUR;
/* A step {"action": hear|send_opinion|report|check|rate|cancel, ...}. */
int supervision_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		    struct err *e) WUR;

/* 0 when the actor may read the supervision item of deliberation opinion id (its own read rule),
 * else E_NOTFOUND: a rectification's source (rectify.c). */
int supervision_opinion_visible_in(struct db_conn *c, const struct actor *a, int64_t id, struct err *e) WUR;

#endif
