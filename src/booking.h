/* booking.h: bookings at stations (预约接待). A citizen picks a slot of a station's reception day
 * (the station's schedule cut into booking.slot_minutes pieces) from the station's phone page,
 * with a name and a phone (sealed, masked, counted by a keyed digest), and keeps a booking
 * code; the day before, a reminder goes out through the outbox. Station staff see a day's
 * bookings, mark them met or no-show, and turn one into an opinion in one step. The state
 * machine (booked → met | no_show | cancelled; booked, met → converted) is a step table. */
#ifndef RENDA_BOOKING_H
#define RENDA_BOOKING_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"

struct booking_slot {
	char start[6], end[6]; /* "HH:MM" */
};

/* Cuts a reception start..end ("HH:MM") into slots of minutes each (a last piece shorter than
 * minutes is dropped; a reception shorter than one slot is one slot). Pure; returns the count
 * written (at most max), 0 for bad times. */
size_t booking_split(const char *start, const char *end, int minutes, struct booking_slot *out, size_t max);

/* The rule of booking.per_slot and booking.per_phone: a slot already holding taken bookings, for
 * a phone already holding held bookings to come. BOOKING_OK, or why the booking is refused. Pure. */
enum { BOOKING_OK, BOOKING_SLOT_FULL, BOOKING_PHONE_LIMIT };
int booking_refusal(int64_t taken, int per_slot, int64_t held, int per_phone);

/* The bookable days of the station with public code code, from tomorrow to booking.days_ahead
 * days ahead, each slot with its places left. No personal data. *out new, the caller's. */
int booking_slots(struct db *db, const char *code, json_t **out, struct err *e) WUR;
/* A citizen's booking (no login) {"date","start_time","name","phone","topic"?,"consent":true}
 * at the station with public code code, within booking.per_slot and booking.per_phone (E_CONFLICT
 * "slot_full" / "phone_limit"). *out {"booking":{"code",...}}; the code is the citizen's. */
int booking_create(struct db *db, const char *client_addr, const char *code, json_t *in,
		   json_t **out, struct err *e) WUR;
/* The citizen cancels by the booking's code (a booking still "booked", not of a past day). */
int booking_cancel(struct db *db, const char *client_addr, const char *code, json_t **out, struct err *e) WUR;

/* A station's bookings of one day ("YYYY-MM-DD", NULL: today), of one state (NULL: all), for
 * staff of its region (a station's own staff: only their station), names and phones masked,
 * with the day's slots and the coming days' counts. */
int booking_day(struct db *db, const struct actor *a, int64_t station_id, const char *date,
		const char *state, json_t **out, struct err *e) WUR;
/* The full name and phone of booking id, audited as "booking.read_personal". */
int booking_personal(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* One step {"action": "met"|"no_show"|"cancel"|"to_opinion", "body"? (to_opinion)}. *out
 * {"booking": {...}} as staff see it now. */
int booking_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		struct err *e) WUR;
/* {"states", "actions"} of the machine, for the pages. New, the caller's. */
json_t *booking_labels(void);

/* For the background job, in a transaction of its own on c: queues the reminder of every
 * booking of tomorrow not yet reminded (booked), marks them reminded. */
int booking_remind(struct db_conn *c, struct err *e) WUR;

#endif
