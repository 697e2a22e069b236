/* station.h: liaison stations (代表联络站 / 代表之家 / 联系点): their deputies, reception
 * schedules, duty rosters, public pages and QR codes. */
#ifndef RENDA_STATION_H
#define RENDA_STATION_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

int station_list(struct db *db, const struct actor *a, const char *region, const char *kind,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* A station with its deputies, rules and the receptions of the next 60 days. */
int station_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int station_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int station_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
int station_delete(struct db *db, const struct actor *a, int64_t id, struct err *e) WUR;
/* {"deputy_ids":[...]}: the deputies who receive constituents here. */
int station_set_deputies(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
			 struct err *e) WUR;
/* A schedule rule {kind, day?, nth?, weekday?, date?, start_time, end_time, note?}. */
int station_add_rule(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		     struct err *e) WUR;
int station_delete_rule(struct db *db, const struct actor *a, int64_t id, int64_t rule_id, struct err *e) WUR;
/* Reception days from..to ("YYYY-MM-DD", at most 366 days) with the deputies on duty. */
int station_calendar(struct db *db, const struct actor *a, int64_t id, const char *from,
		     const char *to, json_t **out, struct err *e) WUR;
/* Sets the deputies on duty for one reception day: {"deputy_ids":[...]}. */
int station_set_duty(struct db *db, const struct actor *a, int64_t id, const char *date, json_t *in,
		     json_t **out, struct err *e) WUR;
/* The public view by the station's public code, for anyone: name, address, hours, the next
 * reception days and the names of the deputies on duty. No personal data. */
int station_public(struct db *db, const char *code, json_t **out, struct err *e) WUR;
/* A deputy account's own reception duty at its stations: *out = {"past": days on duty before
 * today, "upcoming":[{"date","station_id","station_name"}] (today on, the next
 * DUTY_UPCOMING)}, owned by the caller. Another account: E_FORBIDDEN. */
int station_duty_of_deputy(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;
/* The public code of a station the actor may read (for its QR code). */
int station_public_code(struct db *db, const struct actor *a, int64_t id, char *code, size_t n,
			struct err *e) WUR;

/* For the bookings, in the caller's read or transaction: the reception days of station id
 * from..to (day numbers), [{date, weekday, start_time, end_time, duty:[{name}]}], new, the
 * caller's. No scope check: the caller has found the station. */
int station_receptions(struct db_conn *c, int64_t id, int32_t from, int32_t to, json_t **out,
		       struct err *e) WUR;

/* For the demo: inserts a station inside the caller's transaction. */
int station_insert(struct db_conn *c, const char *region, const char *name, const char *kind,
		   const char *address, const char *hours, const char *phone, int64_t *id,
		   struct err *e) WUR;

#endif
