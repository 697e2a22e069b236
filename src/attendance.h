/* attendance.h: a meeting's members and who is present (DOMAIN §1.2): the meeting row as the
 * rules read it, who may see or run a meeting, its members (the roster of its congress on its
 * date, or a list), sign-in, sign-out and leave, and the quorum. The floor that meeting.c,
 * vote.c and election.c stand on; it knows none of them. */
#ifndef RENDA_ATTENDANCE_H
#define RENDA_ATTENDANCE_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "tx.h"

/* A kind of meeting and whose members it has: the congress roster on the date, or a list. */
struct meeting_kind {
	const char *kind, *name;
	int roster;
};
/* The kind named kind, or NULL; the whole table in *n entries. */
const struct meeting_kind *meeting_kind_of(const char *kind);
const struct meeting_kind *meeting_kind_list(size_t *n);
/* The Chinese name of a meeting's state ("" when unknown). */
const char *meeting_state_label(const char *state);

/* A meeting as its rules read it. */
struct meeting {
	int64_t id;
	char kind[16], region[16], path[160], level[16], starts_on[16], state[16];
	int term, qn, qd;
	int roster; /* members come from the roster (session, deliberation meeting) */
};

/* Loads meeting id; E_NOTFOUND "会议不存在" when absent. With lock (inside a writing
 * transaction) the row is held shared until the transaction ends: the meeting's state cannot
 * change under the write, and a change of it waits for the write (and the other way round). */
int meeting_load(struct db_conn *c, int64_t id, int lock, struct meeting *m, struct err *e) WUR;
/* Reading (run 0): staff in scope, or a deputy who is a member. Running (run 1): staff who run
 * meetings in scope (E_FORBIDDEN). Anything else is E_NOTFOUND, so that meetings do not leak. */
int meeting_may(struct db_conn *c, const struct actor *a, const struct meeting *m, int run,
		struct err *e) WUR;
int meeting_can_run(const struct actor *a, const struct meeting *m);
/* Staff who may read the meeting (read or run permission, in scope): the only readers of how
 * each member voted on a recorded vote. A NULL actor (the public screen) may not. */
int meeting_can_read(const struct actor *a, const struct meeting *m);
/* meeting_load and meeting_may for reading: the meeting as actor a may see it. */
int meeting_seen(struct db_conn *c, const struct actor *a, int64_t id, struct meeting *m, struct err *e) WUR;
/* Before a write to a meeting, or to a vote or an election round of it, reads its body:
 * meeting_load and meeting_may (run as there) of the meeting of item id of table ("meetings",
 * "votes" or "election_rounds") on a connection of its own. A denied actor or a foreign
 * meeting is refused whatever the body says; the write still loads the item under its lock. */
int meeting_check(struct db *db, const struct actor *a, const char *table, int64_t id, int run,
		  struct err *e) WUR;
/* meeting_load (with lock) and meeting_may for t's actor, inside t; returns t->rc. */
int meeting_tx_load(struct tx *t, int64_t id, int lock, int run, struct meeting *m);
/* *yes: deputy is a member (before sign-in opens, of the roster on the meeting's date). */
int meeting_is_member(struct db_conn *c, const struct meeting *m, int64_t deputy, int *yes, struct err *e) WUR;
/* Takes the roster on the meeting's date as its members (at the opening of sign-in). */
int meeting_take_roster(struct tx *t, const struct meeting *m);
/* Sets the members of a list meeting: each a deputy of the meeting's region subtree. */
int meeting_set_members(struct tx *t, const struct meeting *m, json_t *ids);
/* The members with their attendance, a new array in *out. */
int meeting_members_json(struct db_conn *c, const struct meeting *m, json_t **out, struct err *e) WUR;

/* Counts of a meeting's members by attendance. */
struct attendance {
	int64_t members, present, leave, absent, left;
};
int attendance_count(struct db_conn *c, const struct meeting *m, struct attendance *t, struct err *e) WUR;
/* A new object: the counts, the quorum needed and whether it is met. */
json_t *attendance_json(const struct attendance *t, const struct meeting *m);
/* Counts into *t and answers E_CONFLICT "no_quorum" when the present do not reach the quorum. */
int attendance_quorum(struct db_conn *c, const struct meeting *m, struct attendance *t, struct err *e) WUR;

/* Ends t (tx_end): after a commit announces meeting (when not 0) to its live screens; after a
 * failure drops *out (the reply built inside t). Returns the transaction's result. */
int meeting_tx_end(struct tx *t, int64_t meeting, json_t **out) WUR;
/* Runs the step of machine sm named by the request's {"action"} on item id (step_run with ctx),
 * then announces meeting m, which the machine's load fills, to its live screens. *out as
 * step_run's. For the machines of a meeting, its votes and its election rounds. */
struct step_machine;
int meeting_step(struct db *db, const struct step_machine *sm, const struct actor *a, int64_t id,
		 json_t *in, void *ctx, const struct meeting *m, json_t **out, struct err *e) WUR;

/* Attendance: the list, one step {"action":"sign_in|sign_out|leave|cancel_leave",
 * "deputy_id"?,"reason"?}, and the QR sign-in {"token"} of a deputy account. *out is a new
 * object owned by the caller, set only on success. */
int meeting_attendance(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* A deputy account's own attendance at the meetings held (closed) of which it was a member:
 * *out = {"held","present","leave","absent"} (left early counts as present), owned by the caller.
 * Another account: E_FORBIDDEN. */
int attendance_of_deputy(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;
int meeting_attend(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
/* Staff sign in (or record any attendance step for) many members at once
 * {"action", "deputy_ids":[...], "reason"?}: each member through meeting_attend in its own
 * transaction (batch.h); only staff who run the meeting. */
int meeting_attend_batch(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
			 struct err *e) WUR;
int meeting_signin(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;

#endif
