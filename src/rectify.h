/* rectify.h: rectification (整改) of what supervision or a citizen's opinion found (DOMAIN §6):
 * a congress unit lists the problems, each with the handling unit responsible for it, a
 * deadline and evidence files; the unit starts and claims each problem done; the congress
 * unit's staff verify it or reopen it, never the responsible unit itself. Owns the tables
 * rectifications, rectify_problems, rectify_files and rectify_events, the problems' state
 * machine (a step table run by step_run), the overdue warnings, the chases of a problem (through
 * chase.c) and the board across all units (督查整改). */
#ifndef RENDA_RECTIFY_H
#define RENDA_RECTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* The warning of a problem in state due on day deadline, seen on today with warn_days
 * (rectify.warn_days): "overdue" when it is still to do or in progress after its deadline,
 * "warn" when at most warn_days days remain, "" otherwise (claimed and verified problems, or
 * time enough). Pure, for the tests and the lists. */
const char *rectify_due(const char *state, int32_t today, int32_t deadline, int warn_days);
/* The state after action from state, or NULL when the machine has no such step. */
const char *rectify_next_state(const char *state, const char *action);
/* {"states":{code:name},"actions":{step:label},"sources":{kind:name}}: a new object. */
json_t *rectify_labels(void);

/* Creates a rectification from a source (congress staff): {"source_kind","source_id","title",
 * "body"?,"region_code"?,"problems":[{"description","handler_id","deadline"}]}; the source must
 * be one the actor may read (its module's own read rule), each unit in the actor's scope, each
 * deadline not before today. Each unit is told. *out {"rectification": ...}. */
int rectify_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;

struct rectify_filter {
	const char *region, *year, *state, *handler, *due, *q, *source_kind, *rectification;
};
/* The rectifications the actor may read (staff: the region subtree; a unit: those with a
 * problem of its own), with each one's counts by state. */
int rectify_list(struct db *db, const struct actor *a, const struct rectify_filter *f,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* One rectification with its problems (a unit sees only its own) and their files and history. */
int rectify_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* The problems the actor may read (a unit: its own tasks), with the due warning of each. */
int rectify_problems(struct db *db, const struct actor *a, const struct rectify_filter *f,
		     const struct listq *q, json_t **out, struct err *e) WUR;
int rectify_problem_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* One step of a problem {"action", ...}: start, claim {"note","files"?}, verify {"note"?},
 * reopen {"reason"}, chase {"message"?}. */
int rectify_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		struct err *e) WUR;
/* Evidence files {"files":[{"name","data"}]} added to a problem not yet verified, by its unit
 * or the staff. */
int rectify_add_files(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e) WUR;
/* A problem's evidence file: *data decoded (malloc'd), *meta {"name","mime"} new. */
int rectify_file(struct db *db, const struct actor *a, int64_t id, int64_t file_id, char **data,
		 size_t *len, json_t **meta, struct err *e) WUR;
/* The board across units (staff): per responsible unit, counts by state, overdue, reopened and
 * the share verified; filters region, year, q (the unit's name); sorts name, total, overdue,
 * verified_rate; with the totals. */
int rectify_board(struct db *db, const struct actor *a, const struct rectify_filter *f,
		  const struct listq *q, json_t **out, struct err *e) WUR;

/* For the demo, inside the caller's transaction: a rectification of the opinion source_id in
 * region created on created_on ("YYYY-MM-DD"), with problems [{"description","handler_id",
 * "deadline","state","reopened"?}] as given. */
int rectify_insert_demo(struct db_conn *c, const char *region, int64_t source_id, const char *title,
			const char *created_on, json_t *problems, struct err *e) WUR;

#endif
