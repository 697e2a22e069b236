#include "booking.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "crypto.h"
#include "jsonx.h"
#include "limit.h"
#include "notice.h"
#include "opinion.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "schedule.h"
#include "settings.h"
#include "station.h"
#include "step.h"
#include "tx.h"

#define MAX_SLOTS 96 /* a day of 10-minute slots is 144; receptions are half days */
#define CODE_LEN 8   /* 32^8 codes: not guessable under the public forms' rate limit */

static const char code_chars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */

static int minutes_of(const char *hhmm)
{
	if (!schedule_time_ok(hhmm))
		return -1;
	return (hhmm[0] - '0') * 600 + (hhmm[1] - '0') * 60 + (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

static void hhmm(int m, char out[6])
{
	unsigned h = ((unsigned)m / 60u) % 100u, mm = (unsigned)m % 60u;
	snprintf(out, 6, "%02u:%02u", h, mm);
}

size_t booking_split(const char *start, const char *end, int minutes, struct booking_slot *out, size_t max)
{
	int s = minutes_of(start), e = minutes_of(end);
	size_t n = 0;

	if (s < 0 || e <= s || minutes <= 0 || max == 0)
		return 0;
	if (e - s < minutes) {
		hhmm(s, out[0].start);
		hhmm(e, out[0].end);
		return 1;
	}
	for (int t = s; t + minutes <= e && n < max; t += minutes, n++) {
		hhmm(t, out[n].start);
		hhmm(t + minutes, out[n].end);
	}
	return n;
}

static const char *state_name(const char *s)
{
	static const char *const codes[] = {"booked",    "met",       "no_show",
					    "cancelled", "converted", NULL};
	static const char *const names[] = {"已预约", "已接待", "未到", "已取消", "已转为意见"};
	int i = util_index_of(s, codes);
	return i < 0 ? "" : names[i];
}

/* A name for display: the family name and stars. */
static void mask_name(const char *plain, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)plain;
	int first = (*p & 0x80) ? ((*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4) : 1;
	snprintf(out, n, "%.*s**", *p ? first : 0, plain);
}

/* Opens a sealed value, whole or masked (phone or name); JSON null when it cannot be opened. */
static json_t *personal(const char *sealed, int full, int phone)
{
	char *plain = NULL, m[64];
	struct err ignore;
	json_t *j;
	if (!sealed || crypto_open(sealed, &plain, &ignore))
		return json_null();
	if (full)
		j = json_string(plain);
	else {
		if (phone)
			crypto_mask_phone(plain, m, sizeof(m));
		else
			mask_name(plain, m, sizeof(m));
		j = json_string(m);
	}
	free(plain);
	return j;
}

/* ---- one booking ---- */

enum {
	B_ID,
	B_CODE,
	B_STATION,
	B_DATE,
	B_START,
	B_END,
	B_NAME,
	B_PHONE,
	B_TOPIC,
	B_STATE,
	B_OPINION,
	B_OPINION_CODE,
	B_PATH,
	B_STATION_NAME,
	B_CREATED
};
#define BOOKING_SELECT                                                                                \
	"SELECT b.id, b.code, b.station_id, b.on_date, b.start_time, b.end_time, b.name_enc,"         \
	" b.phone_enc, b.topic, b.state, b.opinion_id, o.tracking_code, r.path, s.name, b.created_at" \
	" FROM bookings b JOIN stations s ON s.id = b.station_id"                                     \
	" JOIN regions r ON r.code = s.region_code LEFT JOIN opinions o ON o.id = b.opinion_id"

static json_t *row_json(const struct db_res *r, int i, int full)
{
	const char *state = db_val(r, i, B_STATE);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, B_ID)));
	json_object_set_new(o, "code", json_string(db_val(r, i, B_CODE)));
	json_object_set_new(o, "station_id", json_integer(db_int(r, i, B_STATION)));
	json_object_set_new(o, "station_name", json_string(db_val(r, i, B_STATION_NAME)));
	json_object_set_new(o, "date", json_string(db_val(r, i, B_DATE)));
	json_object_set_new(o, "start_time", json_string(db_val(r, i, B_START)));
	json_object_set_new(o, "end_time", json_string(db_val(r, i, B_END)));
	json_object_set_new(o, "name", personal(db_val(r, i, B_NAME), full, 0));
	json_object_set_new(o, "phone", personal(db_val(r, i, B_PHONE), full, 1));
	json_object_set_new(o, "topic", json_string(db_val(r, i, B_TOPIC)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(state_name(state)));
	json_object_set_new(o, "opinion_id", rows_int(r, i, B_OPINION));
	json_object_set_new(o, "opinion_code", rows_str(db_val(r, i, B_OPINION_CODE)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, B_CREATED)));
	return o;
}

static int can_read(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_STATION_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看接待预约");
	return 0;
}

/* Whether the actor sees the bookings of station id of the region at path: staff of its region
 * subtree; a station's own staff (their account keeps one station) only that station's. */
static int sees_station(const struct actor *a, int64_t station, const char *path)
{
	return region_path_in_scope(a, path) && (!a->station_id || a->station_id == station);
}

/* The booking row as the actor may see it (sees_station). */
static int load_row(struct db_conn *c, const struct actor *a, int64_t id, struct db_res **out, struct err *e)
{
	int rc = db_execv(c, out, e, BOOKING_SELECT " WHERE b.id = ?", "i", id);
	if (rc)
		return rc;
	if ((*out)->nrows == 0 ||
	    (a && !sees_station(a, db_int(*out, 0, B_STATION), db_val(*out, 0, B_PATH)))) {
		db_res_free(*out);
		*out = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "预约不存在");
	}
	return 0;
}

/* The module's load in the shape of rows_load_fn: the booking as staff see it (masked). */
static int load_item(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, a, id, &r, e);
	if (!rc)
		*out = row_json(r, 0, 0);
	db_res_free(r);
	return rc;
}

/* ---- the state machine ---- */

struct act {
	int by_citizen;
	json_t *out;
};

static int may_staff(struct step_run *s)
{
	const struct act *x = s->ctx;
	if (x->by_citizen || !role_can(s->a->role, PERM_STATION_WRITE))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能办理接待预约");
	return 0;
}

/* Staff cancel any booked booking; the citizen only one of today or later. */
static int may_cancel(struct step_run *s)
{
	const struct act *x = s->ctx;
	int32_t d;
	if (!x->by_citizen)
		return may_staff(s);
	if (cal_parse(db_val(s->row, 0, B_DATE), &d) || d < cal_today())
		return tx_fail(&s->t, E_CONFLICT, "past", "预约日期已过，不能取消");
	return 0;
}

/* One step: the booking becomes an opinion registered at the reception, with the citizen's
 * name and phone, in the step's transaction; the opinion's body is the staff's text. */
static int run_to_opinion(struct step_run *s)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 32, "操作"},
					     {"body", JF_STR, 1, 5, LIMIT_TEXT_CHARS, "意见内容"},
					     {NULL, 0, 0, 0, 0, NULL}};
	char *name = NULL, *phone = NULL, code[13] = "", today[11];
	const char *date = db_val(s->row, 0, B_DATE);
	int64_t opinion_id = 0;

	if (tx_check(&s->t, jsonx_check(s->in, spec, s->t.e)) ||
	    tx_check(&s->t, crypto_open(db_val(s->row, 0, B_NAME), &name, s->t.e)) ||
	    tx_check(&s->t, crypto_open(db_val(s->row, 0, B_PHONE), &phone, s->t.e)))
		goto out;
	/* a reception is registered on the day it took place, never ahead of it */
	cal_format(cal_today(), today);
	if (strcmp(date, today) > 0)
		date = today;
	if (tx_check(&s->t, opinion_from_booking(s->t.c, s->a, db_int(s->row, 0, B_STATION), date,
						 jsonx_str(s->in, "body"), name, phone,
						 db_val(s->row, 0, B_CODE), &opinion_id, code, s->t.e)))
		goto out;
	tx_exec(&s->t, NULL, "UPDATE bookings SET opinion_id = ? WHERE id = ?", "ii", opinion_id, s->id);
	snprintf(s->note, sizeof(s->note), "转为群众意见 %s", code);
out:
	free(name);
	free(phone);
	return s->t.rc;
}

static int load_step(struct step_run *s)
{
	const struct act *x = s->ctx;
	if (tx_check(&s->t, load_row(s->t.c, x->by_citizen ? NULL : s->a, s->id, &s->row, s->t.e)))
		return s->t.rc;
	s->state = db_val(s->row, 0, B_STATE);
	s->before = row_json(s->row, 0, 0);
	return 0;
}

static int event_step(struct step_run *s)
{
	const struct actor *a = s->t.a;
	return tx_exec(&s->t, NULL,
		       "INSERT INTO booking_events (booking_id, action, from_state, to_state, actor, note,"
		       " created_at) VALUES (?,?,?,?,?,?,?)",
		       "isssssi", s->id, s->step->name, s->from, s->to,
		       a->display_name[0] ? a->display_name : a->username, s->note, util_now());
}

static int after_step(struct step_run *s)
{
	struct act *x = s->ctx;
	struct db_res *r = NULL;
	if (tx_check(&s->t, load_row(s->t.c, NULL, s->id, &r, s->t.e)))
		return s->t.rc;
	s->after = row_json(r, 0, 0);
	if (x->by_citizen)
		x->out = json_pack("{s:{s:s, s:s, s:s}}", "booking", "code", db_val(r, 0, B_CODE),
				   "state", db_val(r, 0, B_STATE), "state_name",
				   state_name(db_val(r, 0, B_STATE)));
	else
		x->out = json_pack("{s:O}", "booking", s->after);
	db_res_free(r);
	return 0;
}

static const struct step steps[] = {
	{"met", "已接待", "booked", "met", may_staff, NULL},
	{"no_show", "未到", "booked", "no_show", may_staff, NULL},
	{"cancel", "取消预约", "booked", "cancelled", may_cancel, NULL},
	{"to_opinion", "转为意见", "booked met", "converted", may_staff, run_to_opinion},
};

static const struct step_machine machine = {
	.object_type = "booking",
	.table = "bookings",
	.what = "预约",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.event = event_step,
	.after = after_step,
	.state_label = state_name,
};

json_t *booking_labels(void)
{
	return step_labels(&machine, NULL);
}

int booking_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	struct act x = {0};
	json_t *after = NULL;
	int rc;

	*out = NULL;
	/* who and which booking before what the body asks */
	if ((rc = can_read(a, e)) || (rc = tx_visible(db, a, id, load_item, e)))
		return rc;
	if (!(rc = step_run(db, &machine, a, id, in, &x, &after, e))) {
		*out = x.out;
		x.out = NULL;
	}
	json_decref(x.out);
	json_decref(after);
	return rc;
}

static void citizen_actor(struct actor *c, const char *client_addr)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->username, sizeof(c->username), "(citizen)");
	snprintf(c->display_name, sizeof(c->display_name), "群众");
	snprintf(c->client_addr, sizeof(c->client_addr), "%s", client_addr ? client_addr : "");
}

int booking_cancel(struct db *db, const char *client_addr, const char *code, json_t **out, struct err *e)
{
	struct actor citizen;
	struct act x = {1, NULL};
	struct db_conn *c;
	json_t *in, *after = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if (strlen(code) != CODE_LEN)
		return err_set(e, E_NOTFOUND, "not_found", "预约不存在");
	c = db_acquire(db);
	rc = db_intv(c, &id, e, "SELECT id FROM bookings WHERE code = ?", "s", code);
	db_release(db, c);
	if (rc)
		return rc;
	if (!id)
		return err_set(e, E_NOTFOUND, "not_found", "预约不存在");
	citizen_actor(&citizen, client_addr);
	in = json_pack("{s:s}", "action", "cancel");
	if (!(rc = step_run(db, &machine, &citizen, id, in, &x, &after, e))) {
		*out = x.out;
		x.out = NULL;
	}
	json_decref(in);
	json_decref(x.out);
	json_decref(after);
	return rc;
}

/* ---- the public side ---- */

struct station_row {
	int64_t id;
	char name[200], address[200], region[16], path[160];
};

static int find_station(struct db_conn *c, const char *code, struct station_row *st, struct err *e)
{
	struct db_res *r = NULL;
	int rc;

	if (strlen(code) != 16)
		return err_set(e, E_NOTFOUND, "not_found", "联络站不存在");
	if ((rc = db_execv(c, &r, e,
			   "SELECT s.id, s.name, s.address, s.region_code, r.path FROM stations s"
			   " JOIN regions r ON r.code = s.region_code WHERE s.public_code = ? AND s.active = 1",
			   "s", code)))
		return rc;
	if (r->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "联络站不存在或已停用");
	else {
		st->id = db_int(r, 0, 0);
		snprintf(st->name, sizeof(st->name), "%s", db_val(r, 0, 1));
		snprintf(st->address, sizeof(st->address), "%s", db_val(r, 0, 2));
		snprintf(st->region, sizeof(st->region), "%s", db_val(r, 0, 3));
		snprintf(st->path, sizeof(st->path), "%s", db_val(r, 0, 4));
	}
	db_res_free(r);
	return rc;
}

/* The slots of the station's reception days from..to with the places taken of each: days is
 * [{date, weekday, start_time, end_time, slots:[{start_time, end_time, taken, left}]}]. */
static int day_slots(struct db_conn *c, int64_t station, const char *path, int32_t from, int32_t to,
		     json_t **days, struct err *e)
{
	struct booking_slot sl[MAX_SLOTS];
	struct db_res *r = NULL;
	json_t *arr = NULL, *d;
	char f[11], t[11];
	int minutes, per_slot, rc;
	size_t i;

	*days = NULL;
	cal_format(from, f);
	cal_format(to, t);
	if ((rc = settings_int(c, path, "booking.slot_minutes", &minutes, e)) ||
	    (rc = settings_int(c, path, "booking.per_slot", &per_slot, e)) ||
	    (rc = station_receptions(c, station, from, to, &arr, e)) ||
	    (rc = db_execv(c, &r, e,
			   "SELECT on_date, start_time, COUNT(*) FROM bookings WHERE station_id = ?"
			   " AND on_date >= ? AND on_date <= ? AND state <> 'cancelled'"
			   " GROUP BY on_date, start_time",
			   "iss", station, f, t))) {
		json_decref(arr);
		return rc;
	}
	json_array_foreach(arr, i, d) {
		json_t *slots = json_array();
		size_t n = booking_split(jsonx_str(d, "start_time"), jsonx_str(d, "end_time"),
					 minutes, sl, MAX_SLOTS);
		for (size_t k = 0; k < n; k++) {
			int64_t taken = 0;
			for (int j = 0; j < r->nrows; j++)
				if (!strcmp(db_val(r, j, 0), jsonx_str(d, "date")) &&
				    !strcmp(db_val(r, j, 1), sl[k].start))
					taken = db_int(r, j, 2);
			json_array_append_new(
				slots,
				json_pack("{s:s, s:s, s:I, s:I}", "start_time", sl[k].start,
					  "end_time", sl[k].end, "taken", (json_int_t)taken, "left",
					  (json_int_t)(taken >= per_slot ? 0 : per_slot - taken)));
		}
		json_object_del(d, "duty");
		json_object_set_new(d, "slots", slots);
	}
	db_res_free(r);
	*days = arr;
	return 0;
}

int booking_slots(struct db *db, const char *code, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct station_row st;
	json_t *days = NULL;
	int ahead = 0, per_slot = 0, rc;

	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = find_station(c, code, &st, e)) &&
	    !(rc = settings_int(c, st.path, "booking.days_ahead", &ahead, e)) &&
	    !(rc = settings_int(c, st.path, "booking.per_slot", &per_slot, e)) &&
	    !(rc = day_slots(c, st.id, st.path, cal_today() + 1, cal_today() + ahead, &days, e)))
		*out = json_pack("{s:{s:s, s:s}, s:i, s:i, s:o}", "station", "name", st.name, "address",
				 st.address, "per_slot", per_slot, "days_ahead", ahead, "days", days);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

static const struct jfield create_spec[] = {
	{"date", JF_STR, 1, 10, 10, "预约日期"},
	{"start_time", JF_STR, 1, 5, 5, "预约时段"},
	{"name", JF_STR, 1, 1, 32, "姓名"},
	{"phone", JF_STR, 1, 1, LIMIT_PHONE_CHARS, "手机号"},
	{"topic", JF_STR, 0, 0, 200, "反映事项"},
	{"consent", JF_BOOL, 0, 0, 0, "个人信息使用同意"},
	{NULL, 0, 0, 0, 0, NULL}};

static void new_code(char *code)
{
	unsigned char rnd[CODE_LEN];
	randombytes_buf(rnd, sizeof(rnd));
	for (int i = 0; i < CODE_LEN; i++)
		code[i] = code_chars[rnd[i] % 32];
	code[CODE_LEN] = '\0';
}

int booking_refusal(int64_t taken, int per_slot, int64_t held, int per_phone)
{
	if (taken >= per_slot)
		return BOOKING_SLOT_FULL;
	if (held >= per_phone)
		return BOOKING_PHONE_LIMIT;
	return BOOKING_OK;
}

static int check_limits(struct tx *t, int64_t taken, int per_slot, int64_t held, int per_phone)
{
	int why = booking_refusal(taken, per_slot, held, per_phone);
	if (why == BOOKING_SLOT_FULL)
		return tx_fail_field(t, E_CONFLICT, "slot_full", "start_time",
				     "该时段已约满（每个时段%d人），请选择其他时段", per_slot);
	if (why == BOOKING_PHONE_LIMIT)
		return tx_fail_field(t, E_CONFLICT, "phone_limit", "phone",
				     "该手机号已有%d个尚未到期的预约，请先完成或取消后再预约", per_phone);
	return 0;
}

int booking_create(struct db *db, const char *client_addr, const char *code, json_t *in,
		   json_t **out, struct err *e)
{
	struct booking_slot sl[MAX_SLOTS];
	struct station_row st;
	struct actor citizen;
	struct tx t;
	struct db_res *r = NULL;
	json_t *days = NULL, *slot = NULL, *after = NULL;
	const char *start = jsonx_str(in, "start_time");
	char bcode[CODE_LEN + 1] = "", digest[65], today[11], link[64];
	char *name = NULL, *phone = NULL;
	int32_t day, now = cal_today();
	int ahead = 0, per_slot = 0, per_phone = 0, minutes = 0, rc;
	int64_t id = 0, taken = 0, held = 0;
	size_t n = 0, i = 0;

	*out = NULL;
	if ((rc = jsonx_check(in, create_spec, e)))
		return rc;
	if (!util_mobile_ok(jsonx_str(in, "phone")))
		return err_field(e, E_INVALID, "bad_phone", "phone", "手机号应为11位数字");
	if (!json_is_true(json_object_get(in, "consent")))
		return err_field(e, E_INVALID, "consent_required", "consent",
				 "预约须留下姓名和手机号，请先同意个人信息使用说明");
	if (cal_parse(jsonx_str(in, "date"), &day))
		return err_field(e, E_INVALID, "bad_date", "date", "预约日期应为有效的 YYYY-MM-DD");
	if (!schedule_time_ok(start))
		return err_field(e, E_INVALID, "bad_time", "start_time", "预约时段应为 HH:MM");
	citizen_actor(&citizen, client_addr);
	cal_format(now, today);
	tx_begin(&t, db, &citizen, e);
	if (tx_check(&t, find_station(t.c, code, &st, e)) ||
	    /* the station's row orders concurrent bookings: the last place goes to one of them */
	    tx_lock(&t, "stations", st.id, "联络站") ||
	    tx_check(&t, settings_int(t.c, st.path, "booking.days_ahead", &ahead, e)) ||
	    tx_check(&t, settings_int(t.c, st.path, "booking.per_slot", &per_slot, e)) ||
	    tx_check(&t, settings_int(t.c, st.path, "booking.per_phone", &per_phone, e)) ||
	    tx_check(&t, settings_int(t.c, st.path, "booking.slot_minutes", &minutes, e)))
		goto out;
	if (day <= now || day > now + ahead) {
		tx_fail_field(&t, E_INVALID, "bad_date", "date", "只能预约明天起%d天内的接待日", ahead);
		goto out;
	}
	if (tx_check(&t, station_receptions(t.c, st.id, day, day, &days, e)))
		goto out;
	if (json_array_size(days) == 0) {
		tx_fail_field(&t, E_INVALID, "not_reception_day", "date", "%s 不是该联络站的接待日",
			      jsonx_str(in, "date"));
		goto out;
	}
	n = booking_split(jsonx_str(json_array_get(days, 0), "start_time"),
			  jsonx_str(json_array_get(days, 0), "end_time"), minutes, sl, MAX_SLOTS);
	for (i = 0; i < n && strcmp(sl[i].start, start); i++)
		;
	if (i == n) {
		tx_fail_field(&t, E_INVALID, "bad_slot", "start_time",
			      "%s 没有从 %s 开始的接待时段", jsonx_str(in, "date"), start);
		goto out;
	}
	if (tx_check(&t, crypto_blind_index(jsonx_str(in, "phone"), digest, e)) ||
	    tx_int(&t, &taken,
		   "SELECT COUNT(*) FROM bookings WHERE station_id = ? AND on_date = ? AND start_time = ?"
		   " AND state <> 'cancelled'",
		   "iss", st.id, jsonx_str(in, "date"), start) ||
	    tx_int(&t, &held, "SELECT COUNT(*) FROM bookings WHERE phone_index = ? AND state = 'booked' AND on_date >= ?",
		   "ss", digest, today) ||
	    check_limits(&t, taken, per_slot, held, per_phone) ||
	    tx_check(&t, crypto_seal(jsonx_str(in, "name"), &name, e)) ||
	    tx_check(&t, crypto_seal(jsonx_str(in, "phone"), &phone, e)))
		goto out;
	for (int tries = 0; tx_ok(&t); tries++) {
		int64_t used = 0;
		new_code(bcode);
		if (tx_int(&t, &used, "SELECT COUNT(*) FROM bookings WHERE code = ?", "s", bcode) ||
		    !used || tries > 8)
			break;
	}
	if (tx_int(&t, &id,
		   "INSERT INTO bookings (code, station_id, on_date, start_time, end_time, name_enc, phone_enc,"
		   " phone_index, topic, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,'booked',?,?)"
		   " RETURNING id",
		   "sisssssssii", bcode, st.id, jsonx_str(in, "date"), start, sl[i].end, name,
		   phone, digest, jsonx_str_or(in, "topic", ""), util_now(), util_now()) ||
	    tx_exec(&t, NULL,
		    "INSERT INTO booking_events (booking_id, action, from_state, to_state, actor, note, created_at)"
		    " VALUES (?, 'book', NULL, 'booked', ?, '', ?)",
		    "isi", id, citizen.display_name, util_now()))
		goto out;
	snprintf(link, sizeof(link), "/bookings?station=%lld&date=%s", (long long)st.id,
		 jsonx_str(in, "date"));
	tx_check(&t, notice_region(t.c, st.region, "booking", "收到新的接待预约", link, e));
	if (tx_ok(&t) && !tx_check(&t, load_row(t.c, NULL, id, &r, e)))
		after = row_json(r, 0, 0);
	tx_audit(&t, "booking.create", "booking", id, NULL, after);
out:
	if (!(rc = tx_end(&t))) {
		slot = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", bcode,
				 "station_name", st.name, "address", st.address, "date",
				 jsonx_str(in, "date"), "start_time", start, "end_time", sl[i].end,
				 "state", "booked", "state_name", state_name("booked"));
		*out = json_pack("{s:o}", "booking", slot);
	}
	free(name);
	free(phone);
	db_res_free(r);
	json_decref(days);
	json_decref(after);
	return rc;
}

/* ---- the staff's side ---- */

int booking_day(struct db *db, const struct actor *a, int64_t station_id, const char *date,
		const char *state, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL, *cnt = NULL;
	json_t *items = NULL, *days = NULL, *upcoming = NULL, *st = NULL;
	char pat[REGION_PATTERN_MAX], today[11], until[11];
	int32_t day;
	int ahead = 0, rc;

	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	if (date && *date && cal_parse(date, &day))
		return err_field(e, E_INVALID, "bad_param", "date", "日期应为 YYYY-MM-DD");
	if (!(date && *date))
		day = cal_today();
	if (state && *state && !*state_name(state))
		return err_field(e, E_INVALID, "bad_param", "state",
				 "状态应为 booked、met、no_show、cancelled 或 converted");
	c = db_acquire(db);
	if ((rc = db_begin_read(c, e)) ||
	    (rc = db_execv(c, &r, e,
			   "SELECT s.id, s.name, r.path FROM stations s JOIN regions r ON r.code = s.region_code"
			   " WHERE s.id = ? AND r.path LIKE ?",
			   "is", station_id, region_like_pattern(a->region_path, pat, sizeof(pat)))))
		goto out;
	if (r->nrows == 0 || !sees_station(a, station_id, db_val(r, 0, 2))) {
		rc = err_set(e, E_NOTFOUND, "not_found", "联络站不存在");
		goto out;
	}
	st = json_pack("{s:I, s:s}", "id", (json_int_t)station_id, "name", db_val(r, 0, 1));
	cal_format(cal_today(), today);
	if ((rc = settings_int(c, db_val(r, 0, 2), "booking.days_ahead", &ahead, e)) ||
	    (rc = day_slots(c, station_id, db_val(r, 0, 2), day, day, &days, e)))
		goto out;
	cal_format(cal_today() + ahead, until);
	db_res_free(r);
	r = NULL;
	{
		char d[11];
		cal_format(day, d);
		if ((rc = db_execv(c, &r, e,
				   BOOKING_SELECT " WHERE b.station_id = ? AND b.on_date = ?"
						  " AND (? = '' OR b.state = ?) ORDER BY b.start_time, b.id",
				   "isss", station_id, d, state ? state : "", state ? state : "")) ||
		    (rc = db_execv(c, &cnt, e,
				   "SELECT on_date, COUNT(*) FROM bookings WHERE station_id = ? AND on_date >= ?"
				   " AND on_date <= ? AND state = 'booked' GROUP BY on_date ORDER BY on_date",
				   "iss", station_id, today, until)))
			goto out;
		items = json_array();
		for (int i = 0; i < r->nrows; i++)
			json_array_append_new(items, row_json(r, i, 0));
		upcoming = json_array();
		for (int i = 0; i < cnt->nrows; i++)
			json_array_append_new(upcoming,
					      json_pack("{s:s, s:I}", "date", db_val(cnt, i, 0),
							"booked", (json_int_t)db_int(cnt, i, 1)));
		*out = json_pack("{s:O, s:s, s:O, s:O, s:I, s:O}", "station", st, "date", d, "reception",
				 json_array_size(days) ? json_array_get(days, 0) : json_null(),
				 "items", items, "total", (json_int_t)r->nrows, "upcoming", upcoming);
	}
out:
	json_decref(st);
	json_decref(items);
	json_decref(days);
	json_decref(upcoming);
	db_res_free(r);
	db_res_free(cnt);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int booking_personal(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL;
	json_t *what;
	char sid[24];
	int rc;

	*out = NULL;
	if ((rc = can_read(a, e)))
		return rc;
	c = db_acquire(db);
	rc = load_row(c, a, id, &r, e);
	db_release(db, c);
	if (rc)
		return rc;
	*out = json_pack("{s:o, s:o}", "name", personal(db_val(r, 0, B_NAME), 1, 0), "phone",
			 personal(db_val(r, 0, B_PHONE), 1, 1));
	db_res_free(r);
	/* a reading of personal data (等保): recorded, or not given */
	snprintf(sid, sizeof(sid), "%lld", (long long)id);
	what = json_pack("{s:s}", "read", "name phone");
	if ((rc = audit_record(db, a, AUDIT_DONE, "booking.read_personal", "booking", sid, what, e))) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(what);
	return rc;
}

int booking_remind(struct db_conn *c, struct err *e)
{
	struct db_res *r = NULL;
	char tomorrow[11];
	int rc;

	cal_format(cal_today() + 1, tomorrow);
	if ((rc = db_begin(c, e)))
		return rc;
	if (!(rc = db_execv(c, &r, e,
			    "SELECT b.id, b.code, b.phone_enc, b.on_date, b.start_time, s.name, s.address"
			    " FROM bookings b JOIN stations s ON s.id = b.station_id"
			    " WHERE b.on_date = ? AND b.state = 'booked' AND b.reminded_at IS NULL"
			    " ORDER BY b.id LIMIT 1000",
			    "s", tomorrow)))
		for (int i = 0; i < r->nrows && !rc; i++) {
			char text[512];
			json_t *f = json_pack("{s:s, s:I}", "booking_code", db_val(r, i, 1),
					      "booking_id", (json_int_t)db_int(r, i, 0));
			snprintf(text, sizeof(text),
				 "您预约了明天（%s）%s 在%s（%s）的代表接待，预约码 %s。如不能前往，请凭预约码取消。",
				 db_val(r, i, 3), db_val(r, i, 4), db_val(r, i, 5), db_val(r, i, 6),
				 db_val(r, i, 1));
			if (!(rc = notice_sms(c, f, db_val(r, i, 2), text, e)))
				rc = db_execv(c, NULL, e, "UPDATE bookings SET reminded_at = ? WHERE id = ?",
					      "ii", util_now(), db_int(r, i, 0));
			json_decref(f);
		}
	db_res_free(r);
	if (!rc)
		rc = db_commit(c, e);
	db_rollback(c);
	return rc;
}
