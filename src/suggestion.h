/* suggestion.h: deputies' suggestions (代表建议, DOMAIN §4) and motions (议案, §1.6).
 *
 * A suggestion is drafted by a deputy, who may invite co-signers of the same congress and link
 * the citizens' opinions it grew from; submitted, it is accepted by the unit within the intake
 * window, referred back as an opinion or returned; accepted, it is assigned to one lead unit
 * (主办) and any co-handling units (会办), each with a deadline in the jurisdiction's rules; the
 * co-handlers send their views to the lead, the lead replies once, graded A/B/C/D; every signer
 * rates the reply; not satisfied → handled again within a month; a B item stays open until its
 * second reply. A motion needs the presidium or enough deputies jointly; the presidium puts it on
 * the agenda, refuses it, or has it handled as a suggestion. The state machine lives here (one
 * step table per kind in suggestion.c); the reports are in suggestion_report.h. */
#ifndef RENDA_SUGGESTION_H
#define RENDA_SUGGESTION_H

#include <jansson.h>

#include "actor.h"
#include "calendar.h"
#include "db.h"
#include "rows.h"

/* The next state for an action on an item of kind ("suggestion" or "motion") in state (the state
 * itself for a step that keeps it: view, supervise, progress, publish), or NULL when the rules
 * forbid it; "rate_unsatisfied", "rate_solving" and "rate_done" are where the signers' ratings
 * send a replied item. Pure: the step tables as a function, for the tests and the pages. */
const char *suggestion_next_state(const char *kind, const char *state, const char *action);
const char *suggestion_state_name(const char *state);
/* The names of the states and of the actions of suggestions and motions (one machine for both):
 * {"states":{code:name},"actions":{code:name}}, a new object owned by the caller. */
json_t *suggestion_labels(void);

/* The outcome of the signers' ratings of one reply: "rehandle" when any result is 不满意,
 * "solving" when the reply is graded B, else "closed". Pure. */
const char *suggestion_rating_outcome(const char *grade, int unsatisfied_results);

/* A deadline `months` calendar months after day (clamped to the month's end: 11-30 + 3 → 02-28),
 * moved to the next working day when it falls on a rest day. Pure. */
int32_t suggestion_add_months(const struct workcal *w, int32_t day, int months);

/* Draft {"title","body","category_id"?,"session_label"?,"during_session"?,"level"?,
 * "deputy_id"? (staff registering a paper suggestion),"from_presidium"? (motions, staff),
 * "cosigners"?:[deputy ids],"sources"?:[opinion ids],"attachments"?:[{"name","data"}]}.
 * kind: "suggestion" or "motion". *out: {"suggestion":{...}}. */
int suggestion_create(struct db *db, const struct actor *a, const char *kind, json_t *in,
		      json_t **out, struct err *e) WUR;
/* Edits a draft or a returned item (its first signer, or the staff who registered it). */
int suggestion_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e) WUR;

struct suggestion_filter {
	const char *kind, *region, *state, *deputy, *handler, *category, *session, *key, *due, *q,
		*from, *to;
	const char *escalated; /* "1": only those escalated to a county (转交上级) */
	const char *signer; /* a deputy's own: "invited" (to answer), "to_rate" (a reply to rate) */
};
/* 1 when q is a suggestion's or motion's number (JY2026-000012, YA2026-000003, in any case),
 * copied upper-cased into code; 0 otherwise. */
int suggestion_code_of(const char *q, char code[16]);
/* For the to-do page, inside the caller's read: appends to items one
 * {"key","label","count","list":"suggestions"|"motions","filter":{...}} per thing waiting for
 * the actor's role (staff: to accept, to assign, due soon, overdue; a handling unit: to reply,
 * due soon, overdue; a deputy: invitations to co-sign, replies to rate), each count the total of
 * the list with that filter. */
int suggestion_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e) WUR;
/* For the search box, inside the caller's read: when q is a number, appends the suggestion or
 * motion with it the actor may read as {"id","code","kind","title","state","state_name"}. */
int suggestion_find_code(struct db_conn *c, const struct actor *a, const char *q, json_t *items,
			 struct err *e) WUR;
int suggestion_list(struct db *db, const struct actor *a, const struct suggestion_filter *f,
		    const struct listq *q, json_t **out, struct err *e) WUR;
int suggestion_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* One step {"action", ...}: submit, withdraw, accept, refer, return, assign, handler_return,
 * view, reply, close, agenda, reject, to_suggestion, supervise, progress, publish; each a named
 * rule of the kind's step table run by step_run (step.h). *out: {"suggestion":{...}}. */
/* One step on the items selected {"ids":[...], "action", ...}: each through suggestion_act in
 * its own transaction (batch.h); staff who manage suggestions only. */
int suggestion_batch(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int suggestion_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
/* A co-signer answers the invitation {"accept": true|false}. */
int suggestion_cosign(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e) WUR;
/* A signer rates the latest reply {"attitude","result","comment"?}: the step "rate", whose
 * outcome, once every signer has rated, moves the item on. */
int suggestion_rate(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		    struct err *e) WUR;
/* An attachment or reply document: *data (decoded, malloc'd), *name and *mime borrowed from
 * *keep (the caller frees it with json_decref). */
int suggestion_file(struct db *db, const struct actor *a, int64_t id, int64_t file_id, char **data,
		    size_t *len, json_t **keep, struct err *e) WUR;

/* The deputies who may co-sign the caller's suggestions: the deputies of the same congress
 * (region, level and term of the caller's active mandates) today, q filtering by name. */
int suggestion_peers(struct db *db, const struct actor *a, const char *q, json_t **out, struct err *e) WUR;

/* Public disclosure: published replies, searchable (no login). */
int suggestion_public_list(struct db *db, const char *q, const struct listq *lq, json_t **out,
			   struct err *e) WUR;
int suggestion_public_get(struct db *db, int64_t id, json_t **out, struct err *e) WUR;

/* For the reports (suggestion_report.h), inside the caller's transaction. Today and the last
 * day of the deadline warning (suggestion.warn_days working days on) of the region at path, as
 * "YYYY-MM-DD" into today and warn (11 bytes each). */
int suggestion_warn_window(struct db_conn *c, const char *path, char *today, char *warn, struct err *e) WUR;
/* A session's items within the region pattern pat ("/329900/%"), drafts and withdrawn ones left
 * out, as the list shows them (without the deadline colour), by kind and code: a new array owned
 * by the caller. */
int suggestion_of_session(struct db_conn *c, const char *pat, const char *session, json_t **out,
			  struct err *e) WUR;

/* The suggestions an opinion grew into, inside the caller's transaction: a new array of
 * {"id","code","title","state","state_name"} (excluding drafts). */
int suggestion_of_opinion(struct db_conn *c, int64_t opinion_id, json_t **out, struct err *e) WUR;
/* The same on a connection of its own: for the handlers that show an opinion with the
 * suggestions it grew into (opinions know nothing of suggestions). */
int suggestion_of_opinion_read(struct db *db, int64_t opinion_id, json_t **out, struct err *e) WUR;

#endif
