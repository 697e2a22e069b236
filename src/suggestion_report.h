/* suggestion_report.h: the reports on deputies' suggestions and motions (suggestion.h): the
 * deadlines board, the handling units' scorecard, the deputies' report, the sessions and the
 * compilation. Read-only; each answers a new object owned by the caller. */
#ifndef RENDA_SUGGESTION_REPORT_H
#define RENDA_SUGGESTION_REPORT_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* The deadlines board within scope: per handling unit open, warn and overdue items, items past
 * the intake window and accepted items not yet assigned. */
int suggestion_board(struct db *db, const struct actor *a, const char *region, json_t **out,
		     struct err *e) WUR;
/* Handling units' scorecard for assignments made in [from, to]: received, on-time rate,
 * A/B/C/D shares, satisfaction, re-handled, overdue. A handling unit sees its own row; staff
 * every unit's within scope, or one unit's (handler, an id). */
int suggestion_report_handlers(struct db *db, const struct actor *a, const char *region, const char *handler,
			       const char *from, const char *to, json_t **out, struct err *e) WUR;
/* Per deputy: what they submitted or co-signed in [from, to] and how it ended. */
int suggestion_report_deputies(struct db *db, const struct actor *a, const char *region,
			       const char *from, const char *to, json_t **out, struct err *e) WUR;
/* The compilation (建议汇编) of a session's suggestions with their replies. */
int suggestion_compilation(struct db *db, const struct actor *a, const char *region,
			   const char *session, json_t **out, struct err *e) WUR;
/* The sessions suggestions were submitted at, within scope. */
int suggestion_sessions(struct db *db, const struct actor *a, const char *region, json_t **out,
			struct err *e) WUR;

#endif
