/* opinion.h: citizens' opinions (民意), the closed loop of DOMAIN §3: intake from a station's
 * QR page, the public site or a reception → classification → assignment to a handling unit with
 * a deadline in working days → accepted or returned → replied → rated by the citizen → closed;
 * not satisfied → handled again; not accepted with a reason; merged into one case when many
 * report the same problem; converted into a deputy's suggestion. The state machine lives here. */
#ifndef RENDA_OPINION_H
#define RENDA_OPINION_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* The next state for an action taken in a state, or NULL when the law of the loop forbids it.
 * Pure: the whole transition table, for the unit tests and the handlers. */
const char *opinion_next_state(const char *state, const char *action);
/* The Chinese name of a state ("" when unknown). */
const char *opinion_state_name(const char *state);
/* The names of the states and of the actions (the history's steps): {"states":{code:name},
 * "actions":{code:name}} in the tables' order, a new object owned by the caller. */
json_t *opinion_labels(void);

/* A citizen's submission (no login): {"station_code"|"region_code","category_id"?,"body",
 * "place"?,"name"?,"phone"?,"consent":true,"photos"?:[base64 JPEG/PNG]}.
 * At most per_address submissions from client_addr within LIMIT_PUBLIC_WINDOW_S, counted in
 * the database (every server shares the count); past it E_RATE.
 * *out: {"tracking_code","secret","state"}. */
int opinion_submit(struct db *db, const char *client_addr, int per_address, json_t *in,
		   json_t **out, struct err *e) WUR;
/* The citizen's view by tracking code with the last four digits of the phone or the secret. */
int opinion_track(struct db *db, const char *code, const char *phone4, const char *secret,
		  json_t **out, struct err *e) WUR;
/* The citizen rates the answer {"phone4"|"secret","rating","comment"?}. */
int opinion_rate(struct db *db, const char *code, json_t *in, json_t **out, struct err *e) WUR;

/* Staff or a deputy register what was raised at a reception, a visit, a call or a letter. */
int opinion_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* The same with an integration's idempotency key (NULL: none): the first request with a key
 * stores the opinion; a retry with the same key and the same body (within
 * intake.idempotency_hours) stores nothing and answers the opinion stored, with *replayed set and
 * "replayed": true; the same key with another body is E_CONFLICT "idempotency_conflict". Keys
 * are the account's own. */
int opinion_intake(struct db *db, const struct actor *a, const char *key, json_t *in, json_t **out,
		   int *replayed, struct err *e) WUR;

struct opinion_filter {
	const char *region, *state, *category, *station, *handler, *due, *q, *from, *to, *channel;
	const char *escalated; /* "1": only those escalated to a county (转交上级) */
};
int opinion_list(struct db *db, const struct actor *a, const struct opinion_filter *f,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* 1 when q is an opinion's tracking code (six digits of the day and six code letters, in any
 * case), copied upper-cased into code; 0 otherwise. */
int opinion_code_of(const char *q, char code[13]);
/* For the to-do page, inside the caller's read: appends to items one
 * {"key","label","count","list":"opinions","filter":{"state"|"due"}} per thing waiting for the
 * actor's role (to classify, to assign, returned, to accept, due soon, overdue), each count the
 * total of the opinions list with that filter. Nothing for roles that do not read opinions. */
int opinion_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e) WUR;
/* For the search box, inside the caller's read: when q is a tracking code, appends the opinion
 * with that code the actor may read as {"id","tracking_code","state","state_name","region_name",
 * "body"} (the first 60 characters) to items; nothing otherwise. */
int opinion_find_code(struct db_conn *c, const struct actor *a, const char *q, json_t *items,
		      struct err *e) WUR;
int opinion_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* One step of the loop: {"action", ...its fields}. Illegal steps are refused with the state. */
int opinion_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		struct err *e) WUR;
/* One step on the opinions selected {"ids":[...], "action", ...its fields}: each through
 * opinion_act in its own transaction (batch.h); staff who manage opinions only. */
int opinion_batch(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* Open opinions that read like this one (the Jaccard similarity of their sets of words). */
int opinion_similar(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* For staff who classify and assign: the category and the handling unit of the most similar
 * opinions already handled in the same township within the actor's scope, with those opinions
 * ({"category","handler","sources"}); nothing is applied. */
int opinion_recommend(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* A handling unit asks for more time {"days","reason"}; the assigning staff decide. */
int opinion_extension_request(struct db *db, const struct actor *a, int64_t id, json_t *in,
			      json_t **out, struct err *e) WUR;
int opinion_extension_decide(struct db *db, const struct actor *a, int64_t ext_id, json_t *in,
			     json_t **out, struct err *e) WUR;
/* What is due or overdue, per handling unit, within scope. */
int opinion_due_board(struct db *db, const struct actor *a, const char *region, json_t **out,
		      struct err *e) WUR;
/* Hot topics of a period: counts by category, station and place, and frequent terms. */
int opinion_hot(struct db *db, const struct actor *a, const char *region, const char *from,
		const char *to, json_t **out, struct err *e) WUR;
/* Fills the column words (words.h words_join) of at most max opinions stored before it, newest
 * first, in one transaction; *filled receives how many (0 once all are filled). */
int opinion_words_fill(struct db_conn *c, int max, int *filled, struct err *e) WUR;
/* Checks photos [base64 JPEG or PNG] by their first bytes, at most 3, each within 2 MB:
 * E_INVALID naming "photos" otherwise (also for the livelihood projects' reports). */
int opinion_check_photos(json_t *photos, struct err *e) WUR;
/* One photo of an opinion (n from 1): *data malloc'd. */
int opinion_photo(struct db *db, const struct actor *a, int64_t id, int n, char **data, size_t *len,
		  const char **mime, struct err *e) WUR;
int opinion_categories(struct db *db, json_t **out, struct err *e) WUR;

/* For the suggestion module, inside the caller's transaction: */
/* 0 if the actor may see opinion id, else E_NOTFOUND / E_FORBIDDEN. */
/* The part of the read rule of opinions (alias o) that is not a region: for a handling unit its
 * own items, for a deputy those of the stations it serves and those it registered; appends
 * " AND ..." and its parameters (nothing for staff, whose scope is the region). */
void opinion_scope_who(struct buf *w, struct db_params *p, const struct actor *a);
int opinion_visible_in(struct db_conn *c, const struct actor *a, int64_t id, struct err *e) WUR;
/* A deputy's suggestion grew from this opinion: an open one becomes "converted", linked by the
 * suggestion's code in its history; a closed one is left as it is. */
int opinion_mark_converted(struct db_conn *c, const struct actor *a, int64_t id,
			   const char *suggestion_code, struct err *e) WUR;
/* A suggestion that is better handled as a citizen's opinion: registered as a letter in the
 * suggestion's region; its tracking code in code (13 bytes). */
int opinion_refer(struct db_conn *c, const struct actor *a, const char *region, const char *body,
		  const char *suggestion_code, char *code, struct err *e) WUR;

/* A booking at a station became this opinion (booking.c), inside the caller's transaction:
 * registered as a reception at station_id on reception_date with the citizen's name and phone
 * (plain, sealed here), audited "opinion.register"; *id and code (13 bytes) receive it. */
int opinion_from_booking(struct db_conn *c, const struct actor *a, int64_t station_id,
			 const char *reception_date, const char *body, const char *name, const char *phone,
			 const char *booking_code, int64_t *id, char *code, struct err *e) WUR;

/* For the background job, inside its transaction: the system closes opinion id, a reply left
 * unrated (the step "auto_close", with its event and audit record); E_CONFLICT when it is no
 * longer a reply awaiting its rating. */
int opinion_auto_close(struct db_conn *c, int64_t id, struct err *e) WUR;
/* The rule of opinion.close_after_days: whether a reply given on day `replied` and still
 * unrated on `today` has waited more than `days` working days, so the job closes it. */
struct workcal;
struct holidays;
/* The warning line for work in hand of the region at path: *warn is opinion.warn_days, limit
 * ("YYYY-MM-DD", 11 bytes) the day that many working days ahead, *w the calendar of *h, which
 * the caller frees (holidays_free). For the staff's lists and the due board. */
int opinion_warn_limit(struct db_conn *c, const char *path, char *limit, int *warn,
		       struct workcal *w, struct holidays *h, struct err *e) WUR;
int opinion_unrated_expired(const struct workcal *w, int32_t replied, int32_t today, int days);

/* For the demo: an opinion in the given state, inside the caller's transaction. */
int opinion_insert_demo(struct db_conn *c, json_t *spec, struct err *e) WUR;

#endif
