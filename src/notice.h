/* notice.h: in-app notices (the notifications table), owned here. Domains call these inside
 * their own transaction; a notice goes to a handling unit, to a region's staff, to a
 * deputy's accounts, or to the deputies a query names. */
#ifndef RENDA_NOTICE_H
#define RENDA_NOTICE_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"

/* kind is a short code ("assigned", "suggestion", "due"); title the Chinese line shown; link
 * the page it opens ("/opinions/12"). All borrowed. */
int notice_handler(struct db_conn *c, int64_t handler_id, const char *kind, const char *title,
		   const char *link, struct err *e) WUR;
/* A text message to the handling unit's phone through the notification gateway: queued in the
 * outbox (jobs.c delivers it), nothing when the unit has no phone. text is the whole message. */
int notice_handler_text(struct db_conn *c, int64_t handler_id, const char *kind, const char *text,
			const char *link, struct err *e) WUR;
int notice_region(struct db_conn *c, const char *region_code, const char *kind, const char *title,
		  const char *link, struct err *e) WUR;
/* To every account of the deputy. */
int notice_deputy(struct db_conn *c, int64_t deputy_id, const char *kind, const char *title,
		  const char *link, struct err *e) WUR;
/* To every account of the deputies that deputies_sql selects with one integer parameter id
 * ("SELECT deputy_id FROM ... WHERE x = ?"); deputies_sql is the caller's constant. */
int notice_deputies(struct db_conn *c, const char *deputies_sql, int64_t id, const char *kind,
		    const char *title, const char *link, struct err *e) WUR;
/* A text message to a citizen through the outbox (jobs.c delivers it to the gateway): the
 * payload is fields (borrowed; its keys are copied) plus "kind":"sms", the sealed phone and the
 * text. The phone stays sealed until the gateway takes the message. */
int notice_sms(struct db_conn *c, json_t *fields, const char *phone_sealed, const char *text,
	       struct err *e) WUR;
/* The link of an item's page: "/<section>/<id>" into out. */
void notice_link(const char *section, int64_t id, char *out, size_t n);

/* The newest notices the actor receives: a handling unit's, the staff's of their subtree, or
 * the account's own. *out is a new {"items": [...]} owned by the caller. */
int notice_list(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;

#endif
