/* meeting.h: meetings (DOMAIN §1): township congress sessions, presidium meetings, development
 * zone deliberation meetings, street voter-representative meetings; their agenda items, the
 * state machine of a meeting, the whole record with its votes and elections, and the live
 * screen's snapshot. Members, attendance and quorum are in attendance.h, votes on items in
 * vote.h, elections in election.h; the arithmetic of the law in tally.h. Every write is one
 * transaction with its audit record, and is announced to the live screens (live.h) after its
 * commit. This header also brings the other three for the callers that run a whole meeting. */
#ifndef RENDA_MEETING_H
#define RENDA_MEETING_H

#include <jansson.h>

#include "actor.h"
#include "attendance.h"
#include "db.h"
#include "election.h"
#include "rows.h"
#include "vote.h"

/* The next state for an action, or NULL when not allowed (pure, for the tests). */
const char *meeting_next_state(const char *state, const char *action);
/* The state names of the three machines: {"meeting":{"states":{code:name}},"vote":{...},
 * "round":{...}}, each in the order of its step table, a new object owned by the caller. */
json_t *meeting_labels(void);

/* Every function below: *out is a new JSON object owned by the caller, set only on success;
 * errors are E_INVALID (input), E_FORBIDDEN, E_NOTFOUND (also for meetings out of scope),
 * E_CONFLICT (state, quorum, duplicates) with a Chinese message. */
int meeting_kinds(json_t **out, struct err *e) WUR;
struct meeting_filter {
	const char *region, *state, *kind, *from, *to;
	const char *signin; /* a deputy's own: "pending", open for sign-in and not signed in yet */
};
/* For the to-do page, inside the caller's read: appends to items
 * {"key","label","count","list":"meetings","filter":{...}}: for staff who run meetings those open
 * for sign-in, for a deputy those it has still to sign in to; nothing for other roles. */
int meeting_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e) WUR;
/* For the search box, inside the caller's read: the meetings the actor may see whose title
 * holds q, newest first, at most LIMIT_FIND_RESULTS, appended to items as
 * {"id","title","kind","state","starts_on"}. */
int meeting_find_title(struct db_conn *c, const struct actor *a, const char *q, json_t *items,
		       struct err *e) WUR;
int meeting_list(struct db *db, const struct actor *a, const struct meeting_filter *f,
		 const struct listq *q, json_t **out, struct err *e) WUR;
int meeting_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int meeting_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int meeting_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
/* {"action":"open_signin|open|close|cancel"} */
int meeting_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		struct err *e) WUR;
int meeting_item_add(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		     struct err *e) WUR;

/* Records: the printable whole, and the .xlsx (*data malloc'd, owned by the caller) with the
 * file's name, "<title>记录.xlsx", in name (name_cap bytes; 4 * LIMIT_SHORT_CHARS + 16 hold it). */
int meeting_record(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int meeting_export(struct db *db, const struct actor *a, int64_t id, char **data, size_t *len,
		   char *name, size_t name_cap, struct err *e) WUR;

/* The live screen: may the actor watch meeting id; which meeting a screen token shows (while
 * the meeting is not closed or cancelled: then E_NOTFOUND "screen_closed"); the snapshot the
 * screens get (a new object, NULL when the meeting is gone: totals only, never who voted how). */
int meeting_watch(struct db *db, const struct actor *a, int64_t id, struct err *e) WUR;
int meeting_by_screen(struct db *db, const char *token, int64_t *id, struct err *e) WUR;
json_t *meeting_live(struct db *db, int64_t id);

#endif
