/* vote.h: votes on a meeting's agenda items (DOMAIN §1.3): by electronic device, one ballot per
 * present member, counted in shards and grouped into shared commits, or by show of hands or
 * paper with the count entered by staff; passed against all members, those present or the votes
 * cast, by more than half or two-thirds (tally.h). Owns the state machine of a vote. Every write
 * is one transaction with its audit record, announced to the live screens after its commit. */
#ifndef RENDA_VOTE_H
#define RENDA_VOTE_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* The next state for an action, or NULL when not allowed (pure, for the tests). */
const char *vote_next_state(const char *state, const char *action);
/* {"states": {...}, "actions": {...}} of the vote's steps (step_labels), owned by the caller. */
json_t *vote_labels(void);

/* Every function below: *out is a new JSON object owned by the caller, set only on success;
 * errors are E_INVALID (input), E_FORBIDDEN, E_NOTFOUND (also for meetings out of scope),
 * E_CONFLICT (state, quorum, a second ballot) with a Chinese message. */
int vote_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in, json_t **out,
		struct err *e) WUR;
int vote_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* {"action":"open|close"} */
int vote_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e) WUR;
/* A member's device ballot {"choice":"for|against|abstain"}: answered after its commit. */
int vote_cast(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e) WUR;
/* vote_cast in three steps, for a caller that does not wait for the commit: vote_ballot_new
 * checks the ballot and makes it (*out owned until vote_ballot_end; the errors vote_cast gives
 * before the database); vote_ballot_queue queues it in the database's group commit and calls
 * done(arg) once, from another thread, when its group has ended; vote_ballot_end then gives
 * vote_cast's result and reply (*out the caller's) and frees the ballot. */
struct vote_ballot;
int vote_ballot_new(struct db *db, const struct actor *a, int64_t id, json_t *in,
		    struct vote_ballot **out, struct err *e) WUR;
void vote_ballot_queue(struct vote_ballot *b, void (*done)(void *arg), void *arg);
int vote_ballot_end(struct vote_ballot *b, json_t **out, struct err *e) WUR;
/* The show-of-hands or paper count {"for","against","abstain"} of an open vote. */
int vote_tally(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e) WUR;

/* For the meeting's views, inside the caller's transaction (a NULL actor sees no "voted"):
 * one vote; the meeting's votes (a new array); the vote a live screen shows (a new object, or
 * JSON null when none has opened); and how many of the meeting's votes are open. */
int vote_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int vote_list_json(struct db_conn *c, const struct actor *a, int64_t meeting_id, json_t **out,
		   struct err *e) WUR;
int vote_current_json(struct db_conn *c, int64_t meeting_id, json_t **out, struct err *e) WUR;
int vote_open_count(struct db_conn *c, int64_t meeting_id, int64_t *n, struct err *e) WUR;

/* A satisfaction rating (满意度测评) is a vote of kind "rating" ({"kind":"rating",
 * "subject_kind","subject_id"} at creation): always secret, its device ballot is {"grades":[…]}
 * of satisfied, basic, unsatisfied (none or several: an invalid ballot, counted as such), its
 * count {"satisfied","basic","unsatisfied","invalid"}; passed by tally_rating_passes with
 * rating.pass_pct. The last closed rating of a subject at a meeting of the congress whose region
 * path is region_path, for the module that owns the subject: vote_id 0 when it has none. */
struct vote_rating {
	int64_t vote_id;
	int passed;
	int64_t satisfied, basic, unsatisfied, invalid;
	char rule[400];
};
int vote_rating_result(struct db_conn *c, const char *region_path, const char *subject_kind,
		       int64_t subject_id, struct vote_rating *out, struct err *e) WUR;

#endif
