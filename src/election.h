/* election.h: secret-ballot elections at a meeting (DOMAIN §2) and the deputies' vote on
 * livelihood projects (DOMAIN §5): nominations by the presidium or jointly by deputies, the
 * candidate-count rules of each office, rounds (regular, preliminary, runoff among the tied,
 * further for unfilled seats), device ballots that leave no path back to the voter, paper
 * ballots counted by two tellers who must agree, and the count. Owns the state machine of a
 * round. Every write is one transaction with its audit record, announced to the live screens
 * after its commit. */
#ifndef RENDA_ELECTION_H
#define RENDA_ELECTION_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* The next state of a round for an action, or NULL when not allowed (pure, for the tests). */
const char *round_next_state(const char *state, const char *action);
/* {"states": {...}, "actions": {...}} of a round's steps (step_labels), owned by the caller. */
json_t *round_labels(void);
/* The Chinese name of a round's state ("" when unknown). */
const char *round_state_label(const char *state);

/* Every function below: *out is a new JSON object owned by the caller, set only on success;
 * errors are E_INVALID (input), E_FORBIDDEN, E_NOTFOUND (also for meetings out of scope),
 * E_CONFLICT (state, quorum, candidate counts, a second ballot, tellers who disagree) with a
 * Chinese message. */
int election_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in,
		    json_t **out, struct err *e) WUR;
int election_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int round_candidate_add(struct db *db, const struct actor *a, int64_t round_id, json_t *in,
			json_t **out, struct err *e) WUR;
/* {"action":"open|count"} */
int round_act(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out,
	      struct err *e) WUR;
int round_ballot(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out,
		 struct err *e) WUR;
int round_paper_issued(struct db *db, const struct actor *a, int64_t round_id, json_t *in,
		       json_t **out, struct err *e) WUR;
int round_paper(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out,
		struct err *e) WUR;

/* A livelihood-project vote (DOMAIN §5) inside the caller's transaction t, which has loaded
 * meeting m for running it (meeting_tx_load): an election of office kind "project" of seats
 * projects among the candidates names[0..n) (the projects' titles, nominated by the presidium),
 * on agenda item item_id (0: none); *election_id its id. Counted by the rounds' steps as any
 * election; returns t->rc. */
struct meeting;
struct tx;
int election_project_in(struct tx *t, const struct meeting *m, int64_t item_id, const char *office,
			int seats, const char *const *names, size_t n, int64_t *election_id);

/* For the meeting's views, inside the caller's transaction (a NULL actor sees no "voted"):
 * one election; the meeting's elections (a new array); the round a live screen shows (a new
 * object, or JSON null when none has opened); and how many of the meeting's rounds are open. */
int election_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int election_list_json(struct db_conn *c, const struct actor *a, int64_t meeting_id, json_t **out,
		       struct err *e) WUR;
int round_current_json(struct db_conn *c, int64_t meeting_id, json_t **out, struct err *e) WUR;
int round_open_count(struct db_conn *c, int64_t meeting_id, int64_t *n, struct err *e) WUR;

#endif
