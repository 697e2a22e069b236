#include "opinion.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "batch.h"
#include "buf.h"
#include "calendar.h"
#include "chase.h"
#include "crypto.h"
#include "escalation.h"
#include "jsonx.h"
#include "limit.h"
#include "notice.h"
#include "opinion_stats.h"
#include "ratelimit.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "step.h"
#include "text.h"
#include "words.h"

#define PHOTO_MAX_BYTES (2u << 20) /* a phone photo, resized by the page */
#define PHOTO_MAX 3
#define SIMILAR_MIN 0.5 /* Jaccard similarity of the sets of words (words.h) */
#define SIMILAR_WINDOW_DAYS 90
#define SIMILAR_CANDIDATES 2000 /* the newest open reports compared */

/* ---- the state machine ---- */

static const char *const state_names[][2] = {
	{"received", "已受理"}, {"classified", "已分类"},     {"assigned", "已交办"},
	{"accepted", "办理中"}, {"returned", "已退回"},       {"replied", "已答复"},
	{"closed", "已办结"},   {"not_accepted", "不予受理"}, {"converted", "已转为代表建议"},
	{"merged", "已并案"},   {"escalated", "已转交上级"}};

static const char *const action_names[][2] = {
	{"submit", "提交"},
	{"register", "登记"},
	{"classify", "分类"},
	{"assign", "交办"},
	{"escalate", "转交上级"},
	{"escalation_return", "上级退回"},
	{"answer_on_spot", "当场答复"},
	{"not_accept", "不予受理"},
	{"merge", "并案"},
	{"convert", "转为代表建议"},
	{"accept", "签收"},
	{"return", "退回"},
	{"reply", "答复"},
	{"rate_satisfied", "评价"},
	{"rate_unsatisfied", "评价不满意，重新办理"},
	{"close", "办结"},
	{"case_reply", "并案答复"},
	{"extension", "申请延期"},
	{"extension_decision", "延期审批"},
	{"chase", "催办"}};

const char *opinion_state_name(const char *state)
{
	return UTIL_LABEL(state_names, state, "");
}

static const char *action_name(const char *a)
{
	return UTIL_LABEL(action_names, a, a);
}

static int is_open(const char *state)
{
	return strcmp(state, "closed") && strcmp(state, "not_accepted") &&
	       strcmp(state, "converted") && strcmp(state, "merged");
}

/* ---- rows ---- */

#define OP_COLS                                                                                   \
	"o.id, o.tracking_code, o.region_code, r.name, o.station_id, s.name, o.channel,"          \
	" o.category_id, c.name, o.body, o.place, o.citizen_name_enc, o.citizen_phone_enc,"       \
	" o.state, o.handler_id, h.name, o.assigned_on, o.deadline, o.reply, o.replied_at,"       \
	" o.rating, o.rating_comment, o.rated_at, o.reason, o.case_id, o.created_at,"             \
	" o.updated_at, o.closed_at, o.region_path, o.signature,"                                 \
	" (SELECT COUNT(*) FROM opinion_photos p WHERE p.opinion_id = o.id),"                     \
	" (SELECT COUNT(*) FROM opinions m WHERE m.case_id = o.id), o.created_by, o.secret_hash," \
	" o.escalated_to, eu.name, o.escalation_reason, o.escalated_at"
#define OP_FROM " FROM opinions o" OP_JOINS
#define OP_JOINS                                                  \
	" JOIN regions r ON r.code = o.region_code"               \
	" LEFT JOIN stations s ON s.id = o.station_id"            \
	" LEFT JOIN opinion_categories c ON c.id = o.category_id" \
	" LEFT JOIN handlers h ON h.id = o.handler_id"            \
	" LEFT JOIN regions eu ON eu.code = o.escalated_to"
enum {
	O_ID,
	O_CODE,
	O_REGION,
	O_REGION_NAME,
	O_STATION,
	O_STATION_NAME,
	O_CHANNEL,
	O_CATEGORY,
	O_CATEGORY_NAME,
	O_BODY,
	O_PLACE,
	O_NAME,
	O_PHONE,
	O_STATE,
	O_HANDLER,
	O_HANDLER_NAME,
	O_ASSIGNED,
	O_DEADLINE,
	O_REPLY,
	O_REPLIED_AT,
	O_RATING,
	O_RATING_COMMENT,
	O_RATED_AT,
	O_REASON,
	O_CASE,
	O_CREATED,
	O_UPDATED,
	O_CLOSED,
	O_PATH,
	O_SIG,
	O_PHOTOS,
	O_MERGED,
	O_CREATED_BY,
	O_SECRET,
	O_ESCALATED_TO,
	O_ESCALATED_TO_NAME,
	O_ESCALATION_REASON,
	O_ESCALATED_AT
};

/* "ok", "warn" (within warn_days working days) or "overdue" for work in hand, else null. */
static json_t *due_of(const char *state, const char *deadline, const struct workcal *w, int warn)
{
	int32_t d, today = cal_today();
	if (!deadline || (strcmp(state, "assigned") && strcmp(state, "accepted")) ||
	    cal_parse(deadline, &d))
		return json_null();
	if (today > d)
		return json_string("overdue");
	return json_string(cal_workdays_between(w, today, d) <= warn ? "warn" : "ok");
}

/* The working days left of work in hand (chase_days_left: negative when overdue), else null:
 * the pages compare it with chase.near_days to offer 催办. */
static json_t *days_left(const char *state, const char *deadline, const struct workcal *w)
{
	int32_t d;
	if (!w || !deadline || (strcmp(state, "assigned") && strcmp(state, "accepted")) ||
	    cal_parse(deadline, &d))
		return json_null();
	return json_integer(chase_days_left(w, cal_today(), d));
}

/* Opens a sealed personal field and masks it for display, or shows it whole. */
static json_t *personal(const char *sealed, int full, int phone)
{
	char *plain = NULL, m[64];
	struct err ignore;
	json_t *j;
	if (!sealed || crypto_open(sealed, &plain, &ignore))
		return json_null();
	if (full) {
		j = json_string(plain);
	} else if (phone) {
		crypto_mask_phone(plain, m, sizeof(m));
		j = json_string(m);
	} else {
		/* a name: the family name and stars */
		const char *p = plain;
		size_t first = (*p & 0x80) ? ((*p & 0xE0) == 0xC0   ? 2
					      : (*p & 0xF0) == 0xE0 ? 3
								    : 4)
					   : 1;
		snprintf(m, sizeof(m), "%.*s**", (int)first, plain);
		j = json_string(m);
	}
	free(plain);
	return j;
}

/* Full citizen names and phones shown to staff are readings of personal data (等保 level 3): one
 * audit entry per reply naming the opinions shown whole; a reply that cannot be recorded is not
 * given (*out released). out is {"items": [...]} or {"opinion": {...}}. */
static int audit_personal(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	json_t *items = json_object_get(*out, "items"), *one = json_object_get(*out, "opinion"), *ids, *o;
	char sid[24] = "";
	size_t i;
	int rc = 0;

	ids = json_array();
	if (one)
		items = json_pack("[O]", one);
	else
		json_incref(items);
	json_array_foreach(items, i, o) {
		if (!json_is_null(json_object_get(o, "citizen_phone")) ||
		    !json_is_null(json_object_get(o, "citizen_name")))
			json_array_append(ids, json_object_get(o, "id"));
	}
	json_decref(items);
	if (json_array_size(ids)) {
		json_t *what = json_pack("{s:O}", "ids", ids);
		if (one)
			snprintf(sid, sizeof(sid), "%lld",
				 (long long)json_integer_value(json_object_get(one, "id")));
		rc = audit_record(db, a, AUDIT_DONE, "opinion.read_personal", "opinion", sid, what, e);
		json_decref(what);
		if (rc) {
			json_decref(*out);
			*out = NULL;
		}
	}
	json_decref(ids);
	return rc;
}

static json_t *row_json(const struct db_res *r, int i, int full, const struct workcal *w, int warn)
{
	const char *state = db_val(r, i, O_STATE);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, O_ID)));
	json_object_set_new(o, "tracking_code", json_string(db_val(r, i, O_CODE)));
	json_object_set_new(o, "region_code", json_string(db_val(r, i, O_REGION)));
	json_object_set_new(o, "region_name", json_string(db_val(r, i, O_REGION_NAME)));
	json_object_set_new(o, "station_id", rows_int(r, i, O_STATION));
	json_object_set_new(o, "station_name", rows_str(db_val(r, i, O_STATION_NAME)));
	json_object_set_new(o, "channel", json_string(db_val(r, i, O_CHANNEL)));
	json_object_set_new(o, "category_id", rows_int(r, i, O_CATEGORY));
	json_object_set_new(o, "category_name", rows_str(db_val(r, i, O_CATEGORY_NAME)));
	json_object_set_new(o, "body", json_string(db_val(r, i, O_BODY)));
	json_object_set_new(o, "place", json_string(db_val(r, i, O_PLACE)));
	json_object_set_new(o, "citizen_name", personal(db_val(r, i, O_NAME), full, 0));
	json_object_set_new(o, "citizen_phone", personal(db_val(r, i, O_PHONE), full, 1));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(opinion_state_name(state)));
	json_object_set_new(o, "handler_id", rows_int(r, i, O_HANDLER));
	json_object_set_new(o, "handler_name", rows_str(db_val(r, i, O_HANDLER_NAME)));
	json_object_set_new(o, "assigned_on", rows_str(db_val(r, i, O_ASSIGNED)));
	json_object_set_new(o, "deadline", rows_str(db_val(r, i, O_DEADLINE)));
	json_object_set_new(o, "due", due_of(state, db_val(r, i, O_DEADLINE), w, warn));
	json_object_set_new(o, "workdays_left", days_left(state, db_val(r, i, O_DEADLINE), w));
	json_object_set_new(o, "reply", rows_str(db_val(r, i, O_REPLY)));
	json_object_set_new(o, "replied_at", rows_int(r, i, O_REPLIED_AT));
	json_object_set_new(o, "rating", rows_str(db_val(r, i, O_RATING)));
	json_object_set_new(o, "rating_comment", rows_str(db_val(r, i, O_RATING_COMMENT)));
	json_object_set_new(o, "rated_at", rows_int(r, i, O_RATED_AT));
	json_object_set_new(o, "reason", rows_str(db_val(r, i, O_REASON)));
	json_object_set_new(o, "case_id", rows_int(r, i, O_CASE));
	json_object_set_new(o, "merged_count", json_integer(db_int(r, i, O_MERGED)));
	json_object_set_new(o, "photo_count", json_integer(db_int(r, i, O_PHOTOS)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, i, O_CREATED)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, i, O_UPDATED)));
	json_object_set_new(o, "closed_at", rows_int(r, i, O_CLOSED));
	json_object_set_new(o, "escalated_to", rows_str(db_val(r, i, O_ESCALATED_TO)));
	json_object_set_new(o, "escalated_to_name", rows_str(db_val(r, i, O_ESCALATED_TO_NAME)));
	json_object_set_new(o, "escalation_reason", rows_str(db_val(r, i, O_ESCALATION_REASON)));
	json_object_set_new(o, "escalated_at", rows_int(r, i, O_ESCALATED_AT));
	return o;
}

/* May the actor see this row? Staff by region scope, a handling unit its own items, a deputy
 * those from the stations it serves and those it registered. */
static int visible(struct db_conn *c, const struct actor *a, const struct db_res *r, int i, struct err *e)
{
	if (role_is_handler(a->role))
		return a->handler_id && db_int(r, i, O_HANDLER) == a->handler_id
			       ? 0
			       : err_set(e, E_NOTFOUND, "not_found", "意见不存在");
	if (role_is_deputy(a->role)) {
		struct db_res *s;
		int ok, rc;
		if (db_int(r, i, O_CREATED_BY) == a->account_id)
			return 0;
		if ((rc = db_execv(c, &s, e, "SELECT COUNT(*) FROM station_deputies WHERE station_id = ? AND deputy_id = ?",
				   "ii", db_int(r, i, O_STATION), a->deputy_id)))
			return rc;
		ok = db_int(s, 0, 0) > 0;
		db_res_free(s);
		return ok ? 0 : err_set(e, E_NOTFOUND, "not_found", "意见不存在");
	}
	if (!role_can(a->role, PERM_OPINION_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看群众意见");
	return region_path_in_scope(a, db_val(r, i, O_PATH))
		       ? 0
		       : err_set(e, E_NOTFOUND, "not_found", "意见不存在");
}

/* The same rule as visible() for a list of opinions o: the region subtree (of the region filter,
 * in the actor's scope, else 403 out_of_scope; or the actor's own) as " WHERE ...", its path
 * copied into path. Every read of many opinions starts its WHERE here, then opinion_scope_who. */
static int scope_where(struct buf *w, struct db_params *p, struct db_conn *c, const struct actor *a,
		       const char *region, char *path, size_t pathlen, struct err *e)
{
	if (!role_can(a->role, PERM_OPINION_READ) && !role_is_handler(a->role) && !role_is_deputy(a->role))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看群众意见");
	return rows_filter_scope(w, p, c, a, region, " WHERE o.region_path LIKE ?", path, pathlen, e);
}

void opinion_scope_who(struct buf *w, struct db_params *p, const struct actor *a)
{
	if (role_is_handler(a->role)) {
		buf_adds(w, " AND o.handler_id = ?");
		db_pi(p, a->handler_id);
	} else if (role_is_deputy(a->role)) {
		buf_adds(w, " AND (o.created_by = ? OR o.station_id IN (SELECT station_id FROM station_deputies WHERE deputy_id = ?))");
		db_pi(p, a->account_id);
		db_pi(p, a->deputy_id);
	}
}

static int load_row(struct db_conn *c, int64_t id, struct db_res **r, struct err *e)
{
	int rc;
	if ((rc = db_execv(c, r, e, "SELECT " OP_COLS OP_FROM " WHERE o.id = ?", "i", id)))
		return rc;
	if ((*r)->nrows == 0) {
		db_res_free(*r);
		*r = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "意见不存在");
	}
	return 0;
}

/* The opinion's history: one row per step, named by who took it. */
static int event(struct tx *t, int64_t id, const char *action, const char *from, const char *to,
		 const char *note)
{
	const struct actor *a = t->a;
	return tx_exec(t, NULL,
		       "INSERT INTO opinion_events (opinion_id, action, from_state, to_state, actor, note,"
		       " created_at) VALUES (?,?,?,?,?,?,?)",
		       "isssssi", id, action, from, to, a->display_name[0] ? a->display_name : a->username,
		       note ? note : "", util_now());
}

/* In-app notice to a handling unit (handler_id) or to a region's staff. */
static int notify(struct tx *t, int64_t handler_id, const char *region, const char *kind,
		  const char *title, int64_t opinion_id)
{
	char link[48];
	if (!tx_ok(t))
		return t->rc;
	notice_link("opinions", opinion_id, link, sizeof(link));
	return tx_check(t, handler_id ? notice_handler(t->c, handler_id, kind, title, link, t->e)
				      : notice_region(t->c, region, kind, title, link, t->e));
}

/* Queues a text message to each citizen of the case who left a phone: the outbox keeps it
 * until the gateway takes it (jobs.c), so nothing is lost while the gateway is down. */
static int tell_citizens(struct tx *t, int64_t id)
{
	struct db_res *r = NULL;

	if (tx_exec(t, &r,
		    "SELECT id, tracking_code, citizen_phone_enc FROM opinions WHERE (id = ? OR case_id = ?)"
		    " AND citizen_phone_enc IS NOT NULL",
		    "ii", id, id))
		return t->rc;
	for (int i = 0; i < r->nrows && tx_ok(t); i++) {
		char text[256];
		json_t *payload;
		char *s;
		snprintf(text, sizeof(text),
			 "您反映的问题（查询码 %s）已有答复，请凭查询码和手机号后四位查看并评价。",
			 db_val(r, i, 1));
		payload = json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", "sms", "opinion_id",
				    (json_int_t)db_int(r, i, 0), "tracking_code", db_val(r, i, 1),
				    "phone_sealed", db_val(r, i, 2), "text", text);
		s = json_dumps(payload, JSON_COMPACT);
		tx_exec(t, NULL, "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES ('sms', ?, ?, ?)",
			"sii", s, util_now(), util_now());
		free(s);
		json_decref(payload);
	}
	db_res_free(r);
	return t->rc;
}

/* ---- intake ---- */

static const char code_chars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */

static void new_code(char out[13], int64_t when)
{
	int32_t today = cal_day_of(when);
	int y, m, d;
	unsigned char rnd[6];
	char ymd[16];
	cal_ymd(today, &y, &m, &d);
	snprintf(ymd, sizeof(ymd), "%02d%02d%02d", y % 100, m % 100, d % 100);
	memcpy(out, ymd, 6);
	randombytes_buf(rnd, sizeof(rnd));
	for (int i = 0; i < 6; i++)
		out[6 + i] = code_chars[rnd[i] % 32];
	out[12] = '\0';
}

static void secret_hash(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* Checks photos: base64 of JPEG or PNG by their first bytes, each within the cap. */
int opinion_check_photos(json_t *photos, struct err *e)
{
	size_t i;
	json_t *v;
	if (!photos)
		return 0;
	if (json_array_size(photos) > PHOTO_MAX)
		return err_field(e, E_INVALID, "too_many", "photos", "照片最多%d张", PHOTO_MAX);
	json_array_foreach(photos, i, v) {
		const char *b64 = json_string_value(v);
		unsigned char head[16];
		size_t n = 0, lead;
		if (!b64 || strlen(b64) > (PHOTO_MAX_BYTES / 3 + 1) * 4)
			return err_field(e, E_INVALID, "bad_photo", "photos",
					 "第%zu张照片过大（不超过2MB）", i + 1);
		/* The first bytes say what the file is: decode a whole number of base64 quanta. */
		lead = strlen(b64) < 12 ? strlen(b64) / 4 * 4 : 12;
		if (sodium_base642bin(head, sizeof(head), b64, lead, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL))
			n = 0;
		if (!(n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) &&
		    !(n >= 4 && head[0] == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'))
			return err_field(e, E_INVALID, "bad_photo", "photos",
					 "第%zu张照片不是 JPEG 或 PNG 图片", i + 1);
		{
			/* the whole string must decode */
			unsigned char *bin;
			size_t len;
			int bad = util_base64_decode(b64, PHOTO_MAX_BYTES, &bin, &len);
			free(bin);
			if (bad)
				return err_field(e, E_INVALID, "bad_photo", "photos",
						 "第%zu张照片无效或过大", i + 1);
		}
	}
	return 0;
}

struct intake {
	const char *region, *path, *channel, *body, *place, *name, *phone, *reception_date, *state;
	const char *words; /* words_join of body and place, made before the transaction; NULL: insert makes it */
	int64_t station, category, created_by;
	json_t *photos;
	int64_t created_at; /* 0: now */
	int bulk; /* the demo's load: the hot-topic aggregates are built once at the end */
};

/* Inserts an opinion in the transaction; *id and code (13 bytes) and secret (49 bytes) receive
 * what the citizen keeps. */
static int insert(struct tx *t, const struct intake *x, int64_t *id, char *code, char *secret)
{
	struct buf tok = BUF_INIT_CAP(64 * 1024), text = BUF_INIT_CAP(64 * 1024),
		   words = BUF_INIT_CAP(64 * 1024);
	struct db_res *r = NULL;
	uint32_t sig[TEXT_MINHASH];
	char sighex[8 * TEXT_MINHASH + 1], hash[65];
	char *name = NULL, *phone = NULL;
	int64_t now = x->created_at ? x->created_at : util_now();

	*id = 0;
	if (!tx_ok(t))
		return t->rc;
	/* 32^6 codes a day: look before taking one, so that an insert never fails on it. */
	for (int tries = 0; tx_ok(t); tries++) {
		struct db_res *taken = NULL;
		int n;
		new_code(code, now);
		if (tx_exec(t, &taken, "SELECT COUNT(*) FROM opinions WHERE tracking_code = ?", "s", code))
			break;
		n = (int)db_int(taken, 0, 0);
		db_res_free(taken);
		if (!n || tries > 8)
			break;
	}
	util_random_hex(secret, 24);
	secret_hash(secret, hash);
	buf_adds(&text, x->body);
	buf_addc(&text, ' ');
	buf_adds(&text, x->place ? x->place : "");
	if (!buf_failed(&text)) {
		text_tokens(text.data, &tok);
		text_scope_tokens(x->path, &tok);
	}
	text_minhash(x->body, sig);
	text_sig_hex(sig, sighex);
	if (!x->words)
		words_join(x->body, x->place, &words); /* "" for no counted word: done, not NULL */
	if (buf_failed(&text) || buf_failed(&tok) || buf_failed(&words))
		tx_fail_field(t, E_INVALID, "too_long", "body", "意见内容过长");
	if (tx_ok(t) && x->name && *x->name)
		tx_check(t, crypto_seal(x->name, &name, t->e));
	if (tx_ok(t) && x->phone && *x->phone)
		tx_check(t, crypto_seal(x->phone, &phone, t->e));
	tx_exec(t, &r,
		"INSERT INTO opinions (tracking_code, secret_hash, region_code, region_path, station_id,"
		" reception_date, channel, category_id, body, place, citizen_name_enc, citizen_phone_enc,"
		" state, signature, search_tokens, words, created_by, created_at, updated_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
		"ssssnssnssssssssnii", code, hash, x->region, x->path, x->station,
		x->reception_date, x->channel, x->category, x->body, x->place ? x->place : "", name,
		phone, x->state ? x->state : "received", sighex, tok.data,
		x->words ? x->words : words.data, x->created_by, now, now);
	if (t->rc == E_CONFLICT && !strcmp(t->e->code, "duplicate"))
		t->rc = err_set(t->e, E_UNAVAILABLE, "busy", "生成查询码冲突，请重试"); /* 32^6 per day: rare */
	if (tx_ok(t))
		*id = db_int(r, 0, 0);
	if (tx_ok(t) && !x->bulk) {
		struct opinion_stat_row row = {x->path, now, x->category, x->station, x->place};
		tx_check(t, opinion_stats_change(t->c, NULL, &row, t->e));
	}
	if (tx_ok(t) && x->photos) {
		size_t i;
		json_t *v;
		json_array_foreach(x->photos, i, v) {
			const char *b = json_string_value(v);
			tx_exec(t, NULL, "INSERT INTO opinion_photos (opinion_id, mime, data) VALUES (?,?,?)",
				"iss", *id, strncmp(b, "/9j/", 4) ? "image/png" : "image/jpeg", b);
		}
	}
	free(name);
	free(phone);
	db_res_free(r);
	buf_release(&tok);
	buf_release(&text);
	buf_release(&words);
	return t->rc;
}

/* Segments x's body and place into w (words_join) before the transaction that stores them, and
 * points x->words at it; w is the caller's to release, also on an error. */
static int intake_words(struct intake *x, struct buf *w, struct err *e)
{
	words_join(x->body, x->place, w);
	if (buf_failed(w))
		return err_field(e, E_INVALID, "too_long", "body", "意见内容过长");
	x->words = w->data;
	return 0;
}

static const struct jfield common_spec[] = {
	{"station_code", JF_STR, 0, 1, 32, "联络站"},
	{"station_id", JF_INT, 0, 1, INT64_MAX, "联络站"},
	{"region_code", JF_STR, 0, 1, 9, "所属地区"},
	{"category_id", JF_INT, 0, 1, INT64_MAX, "类别"},
	{"body", JF_STR, 1, 5, LIMIT_TEXT_CHARS, "意见内容"},
	{"place", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "地点"},
	{"name", JF_STR, 0, 0, 32, "姓名"},
	{"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "手机号"},
	{"consent", JF_BOOL, 0, 0, 0, "个人信息使用同意"},
	{"photos", JF_ARR, 0, 0, PHOTO_MAX, "照片"},
	{"channel", JF_STR, 0, 1, 16, "来源渠道"},
	{"reception_date", JF_STR, 0, 1, 10, "接待日期"},
	{NULL, 0, 0, 0, 0, NULL}};

static int check_mobile(const char *s, struct err *e)
{
	if (!s || !*s || util_mobile_ok(s))
		return 0;
	return err_field(e, E_INVALID, "bad_phone", "phone", "手机号应为11位数字");
}

/* Resolves where the opinion belongs: a station (public code or id) or a region. */
static int resolve_place(struct db_conn *c, json_t *in, struct intake *x, char *region, char *path,
			 struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	int rc;

	db_params_init(&p);
	if (jsonx_str(in, "station_code")) {
		db_ps(&p, jsonx_str(in, "station_code"));
		rc = db_exec(c,
			     "SELECT s.id, s.region_code, r.path FROM stations s JOIN regions r ON r.code = s.region_code"
			     " WHERE s.public_code = ? AND s.active = 1",
			     &p, &r, e);
	} else if (json_object_get(in, "station_id")) {
		db_pi(&p, jsonx_int(in, "station_id", 0));
		rc = db_exec(c,
			     "SELECT s.id, s.region_code, r.path FROM stations s JOIN regions r ON r.code = s.region_code"
			     " WHERE s.id = ? AND s.active = 1",
			     &p, &r, e);
	} else if (jsonx_str(in, "region_code")) {
		db_ps(&p, jsonx_str(in, "region_code"));
		rc = db_exec(c, "SELECT NULL, code, path FROM regions WHERE code = ?", &p, &r, e);
	} else {
		return err_field(e, E_INVALID, "missing_field", "region_code", "请选择联络站或所属地区");
	}
	if (rc)
		return rc;
	if (r->nrows == 0) {
		db_res_free(r);
		return err_field(e, E_INVALID, "bad_place",
				 jsonx_str(in, "region_code") ? "region_code" : "station_code",
				 "联络站或地区不存在");
	}
	x->station = db_val(r, 0, 0) ? db_int(r, 0, 0) : 0;
	snprintf(region, 16, "%s", db_val(r, 0, 1));
	snprintf(path, 160, "%s", db_val(r, 0, 2));
	x->region = region;
	x->path = path;
	db_res_free(r);
	if (json_object_get(in, "category_id")) {
		if ((rc = db_execv(c, &r, e, "SELECT COUNT(*) FROM opinion_categories WHERE id = ? AND active = 1",
				   "i", (int64_t)(jsonx_int(in, "category_id", 0)))))
			return rc;
		rc = db_int(r, 0, 0) ? 0 : err_field(e, E_INVALID, "bad_category", "category_id", "意见类别不存在");
		db_res_free(r);
		if (rc)
			return rc;
		x->category = jsonx_int(in, "category_id", 0);
	}
	return 0;
}

/* One public submission, as a member of a group commit (db_group). */
struct submission {
	json_t *in;
	const char *client_addr;
	int per_address;
	struct intake x;
	char region[16], path[160], code[13], secret[49];
	int reply_days, close_after_days; /* the place's deadlines, told to the citizen */
};

static int submit_one(struct db_conn *c, void *ctx, struct err *e)
{
	struct submission *s = ctx;
	struct actor citizen = {0};
	struct tx t;
	int64_t id = 0;
	/* The address's count is part of the submission's transaction: one statement more in the
	 * group commit, shared by every server of the database, undone with a refused member. */
	int rc = ratelimit_limit(c, "submit", s->client_addr, s->per_address, LIMIT_PUBLIC_WINDOW_S,
				 "提交", e);

	if (rc)
		return rc;
	snprintf(citizen.username, sizeof(citizen.username), "(citizen)");
	snprintf(citizen.display_name, sizeof(citizen.display_name), "群众");
	snprintf(citizen.client_addr, sizeof(citizen.client_addr), "%s", s->client_addr);
	tx_join(&t, c, &citizen, e);
	tx_check(&t, resolve_place(c, s->in, &s->x, s->region, s->path, e));
	tx_check(&t, settings_int(c, s->path, "opinion.reply_days", &s->reply_days, e));
	tx_check(&t, settings_int(c, s->path, "opinion.close_after_days", &s->close_after_days, e));
	insert(&t, &s->x, &id, s->code, s->secret);
	event(&t, id, "submit", NULL, "received", "");
	notify(&t, 0, s->region, "new_opinion", "收到新的群众意见", id);
	tx_audit(&t, "opinion.submit", "opinion", id, NULL, NULL);
	return tx_end(&t);
}

int opinion_submit(struct db *db, const char *client_addr, int per_address, json_t *in,
		   json_t **out, struct err *e)
{
	struct submission s = {0};
	struct buf words = BUF_INIT_CAP(64 * 1024);
	int rc;

	*out = NULL;
	if ((rc = jsonx_check(in, common_spec, e)))
		return rc;
	if (jsonx_str(in, "channel") || jsonx_str(in, "reception_date") || json_object_get(in, "station_id"))
		return err_set(e, E_INVALID, "unknown_field",
			       "群众提交时不能指定来源渠道、接待日期或联络站编号");
	if ((rc = check_mobile(jsonx_str(in, "phone"), e)) ||
	    (rc = opinion_check_photos(json_object_get(in, "photos"), e)))
		return rc;
	/* Personal data is collected only with consent (DOMAIN §17). */
	if (((jsonx_str(in, "name") && *jsonx_str(in, "name")) ||
	     (jsonx_str(in, "phone") && *jsonx_str(in, "phone"))) &&
	    !json_is_true(json_object_get(in, "consent")))
		return err_field(e, E_INVALID, "consent_required", "consent",
				 "留下姓名或手机号，须同意个人信息使用说明");
	s.in = in;
	s.client_addr = client_addr;
	s.per_address = per_address;
	s.x.channel = jsonx_str(in, "station_code") ? "qr" : "web";
	s.x.body = jsonx_str(in, "body");
	s.x.place = jsonx_str(in, "place");
	s.x.name = jsonx_str(in, "name");
	s.x.phone = jsonx_str(in, "phone");
	s.x.photos = json_object_get(in, "photos");
	/* the words segmented here, outside the group commit that every submission waits for */
	if ((rc = intake_words(&s.x, &words, e)))
		return rc;
	/* Submissions that arrive together share one transaction and one fsync; the reply says
	 * "stored" only after that commit is on disk. */
	rc = db_group(db, submit_one, &s, e);
	buf_release(&words);
	if (rc)
		return rc;
	/* what happens next, in the place's own deadlines (working days) */
	*out = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "tracking_code", s.code, "secret",
			 s.secret, "state", "received", "state_name", opinion_state_name("received"),
			 "reply_days", s.reply_days, "close_after_days", s.close_after_days);
	return 0;
}

/* What an idempotency key may hold: printable and safe in a header and a log. */
#define IDEMPOTENCY_KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:"

/* The request's fingerprint: BLAKE2b of its canonical JSON (keys sorted), so that the same
 * fields in another order are the same request. */
static int body_hash(json_t *in, char out[65], struct err *e)
{
	unsigned char h[32];
	char *text = json_dumps(in, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!text)
		return err_set(e, E_INTERNAL, "internal", "无法计算请求摘要");
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
	free(text);
	return 0;
}

/* Claims the account's idempotency key for this request inside t: 0 with *stored 0 when the
 * key is new (the caller stores the opinion and keep_key links it), 0 with *stored the opinion
 * a first request with the same body stored, E_CONFLICT when the key was used for another body.
 * A concurrent first request holding the key makes the insert wait for its commit (PostgreSQL's
 * unique index; SQLite's one writer), after which the key is read as stored. */
static int claim_key(struct tx *t, const char *key, const char *hash, int64_t *stored)
{
	const struct actor *a = t->a;
	struct db_res *r = NULL;
	int hours = 0;
	int64_t now = util_now();

	*stored = 0;
	if (tx_check(t, settings_int(t->c, a->region_path, "intake.idempotency_hours", &hours, t->e)))
		return t->rc;
	/* an expired key is forgotten: the request is new again */
	tx_exec(t, NULL, "DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ? AND expires_at <= ?",
		"isi", a->account_id, key, now);
	if (tx_exec(t, NULL,
		    "INSERT INTO idempotency_keys (account_id, idem_key, body_hash, created_at, expires_at)"
		    " VALUES (?,?,?,?,?) ON CONFLICT (account_id, idem_key) DO NOTHING",
		    "issii", a->account_id, key, hash, now, now + (int64_t)hours * 3600))
		return t->rc;
	if (db_changes(t->c) == 1)
		return 0;
	if (tx_exec(t, &r, "SELECT body_hash, opinion_id FROM idempotency_keys WHERE account_id = ? AND idem_key = ?",
		    "is", a->account_id, key))
		return t->rc;
	if (!r->nrows || strcmp(db_val(r, 0, 0), hash))
		tx_fail_field(t, E_CONFLICT, "idempotency_conflict", "Idempotency-Key",
			      "该幂等键（Idempotency-Key）已用于内容不同的请求，请换一个幂等键");
	else
		*stored = db_int(r, 0, 1);
	db_res_free(r);
	return t->rc;
}

int opinion_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	int replayed;
	return opinion_intake(db, a, NULL, in, out, &replayed, e);
}

int opinion_intake(struct db *db, const struct actor *a, const char *key, json_t *in, json_t **out,
		   int *replayed, struct err *e)
{
	static const char *const channels[] = {"reception", "visit", "phone", "letter", NULL};
	struct intake x = {0};
	struct buf words = BUF_INIT_CAP(64 * 1024);
	struct tx t;
	struct db_res *r = NULL;
	char region[16], path[160], code[13], secret[49], hash[65];
	const char *ch;
	int64_t id = 0, stored = 0;
	int32_t d;
	int rc;
	json_t *o = NULL;

	*out = NULL;
	*replayed = 0;
	if (key && (!*key || strlen(key) > LIMIT_IDEMPOTENCY_KEY ||
		    strspn(key, IDEMPOTENCY_KEY_CHARS) != strlen(key)))
		return err_field(e, E_INVALID, "bad_idempotency_key", "Idempotency-Key",
				 "幂等键（Idempotency-Key）应为1到%d个字母、数字或 - _ . : 字符",
				 LIMIT_IDEMPOTENCY_KEY);
	if (!role_can(a->role, PERM_OPINION_INTAKE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能登记群众意见");
	if ((rc = jsonx_check(in, common_spec, e)))
		return rc;
	ch = jsonx_str(in, "channel") ? jsonx_str(in, "channel") : "reception";
	if (!util_one_of(ch, channels))
		return err_field(e, E_INVALID, "bad_channel", "channel",
				 "来源渠道应为 reception（接待）、visit（走访）、phone（电话）或 letter（来信）");
	if (jsonx_str(in, "reception_date") &&
	    (cal_parse(jsonx_str(in, "reception_date"), &d) || d > cal_today()))
		return err_field(e, E_INVALID, "bad_date", "reception_date", "接待日期无效或晚于今天");
	if ((rc = check_mobile(jsonx_str(in, "phone"), e)) ||
	    (rc = opinion_check_photos(json_object_get(in, "photos"), e)))
		return rc;
	x.channel = ch;
	x.body = jsonx_str(in, "body");
	x.place = jsonx_str(in, "place");
	x.name = jsonx_str(in, "name");
	x.phone = jsonx_str(in, "phone");
	x.photos = json_object_get(in, "photos");
	x.reception_date = jsonx_str(in, "reception_date");
	x.created_by = a->account_id;
	if ((key && (rc = body_hash(in, hash, e))) || (rc = intake_words(&x, &words, e))) {
		buf_release(&words);
		return rc;
	}
	tx_begin(&t, db, a, e);
	if (key && !claim_key(&t, key, hash, &stored) && stored) {
		/* the same request again: the opinion the first one stored, stored once */
		if (!tx_check(&t, load_row(t.c, stored, &r, e)))
			o = row_json(r, 0, 0, NULL, 0);
		if (!(rc = tx_end(&t))) {
			*replayed = 1;
			*out = json_pack("{s:O, s:b}", "opinion", o, "replayed", 1);
		}
		json_decref(o);
		db_res_free(r);
		buf_release(&words);
		return rc;
	}
	if (tx_ok(&t) && !tx_check(&t, resolve_place(t.c, in, &x, region, path, e))) {
		/* Staff register within their scope; a deputy at the stations it serves. */
		if (role_is_deputy(a->role)) {
			if (!tx_exec(&t, &r, "SELECT COUNT(*) FROM station_deputies WHERE station_id = ? AND deputy_id = ?",
				     "ii", x.station, a->deputy_id) &&
			    (!x.station || db_int(r, 0, 0) == 0))
				tx_fail_field(&t, E_FORBIDDEN, "out_of_scope", "station_id",
					      "代表只能登记自己进站的联络站收到的意见");
			db_res_free(r);
			r = NULL;
		} else if (!region_path_in_scope(a, path)) {
			tx_fail(&t, E_FORBIDDEN, "out_of_scope", "该联络站或地区不在您的管理范围内");
		}
	}
	insert(&t, &x, &id, code, secret);
	event(&t, id, "register", NULL, "received", "");
	if (key)
		tx_exec(&t, NULL, "UPDATE idempotency_keys SET opinion_id = ? WHERE account_id = ? AND idem_key = ?",
			"iis", id, a->account_id, key);
	if (tx_ok(&t) && !tx_check(&t, load_row(t.c, id, &r, e)))
		o = row_json(r, 0, 0, NULL, 0);
	tx_audit(&t, "opinion.register", "opinion", id, NULL, o);
	if (!(rc = tx_end(&t))) {
		json_object_set_new(o, "secret", json_string(secret));
		*out = json_pack("{s:O}", "opinion", o);
	}
	json_decref(o);
	db_res_free(r);
	buf_release(&words);
	return rc;
}

/* ---- the citizen's tracking ---- */

/* A sealed phone number opened when the code names no opinion (or one without a phone), so
 * that a phone proof costs the same work whether the opinion exists or not. */
static char *dummy_phone;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	struct err ignore;
	if (crypto_seal("00000000000", &dummy_phone, &ignore))
		dummy_phone = NULL;
}

/* Finds the opinion by code and proves the caller is its citizen. E_NOTFOUND for any mismatch,
 * so a forged code or a guessed phone learns nothing. The last four phone digits are guessable,
 * so their failures are counted per code in the database (every server shares the count): past
 * LIMIT_LOOKUP_FAILURES the code's phone proof is E_RATE until LIMIT_LOOKUP_WAIT_S has passed,
 * the same answer whether an opinion has the code or not. The secret is not guessable and is
 * always checked. */
static int citizen_row(struct db_conn *c, const char *code, const char *phone4, const char *secret,
		       struct db_res **r, struct err *e)
{
	int rc, ok = 0, match = 0;
	int by_phone = !(secret && *secret) && phone4 && strlen(phone4) == 4;
	const char *sealed = NULL;
	char h[65];

	*r = NULL;
	if (!code || strlen(code) != 12)
		return err_set(e, E_NOTFOUND, "not_found", "查询码或验证信息不正确");
	if (by_phone) {
		int64_t failures;
		/* keyed by the code as given, so a code that names nothing counts the same */
		if ((rc = ratelimit_count(c, "lookup_failure", code, LIMIT_LOOKUP_WAIT_S, &failures, e)))
			return rc;
		if (failures >= LIMIT_LOOKUP_FAILURES)
			return err_set(e, E_RATE, "rate_limited",
				       "该查询码的手机号后四位验证失败次数过多，请%d分钟后再试，"
				       "或用查询密钥查询",
				       LIMIT_LOOKUP_WAIT_S / 60);
	}
	if ((rc = db_execv(c, r, e, "SELECT " OP_COLS OP_FROM " WHERE o.tracking_code = ?", "s", code)))
		return rc;
	if (secret && *secret) {
		secret_hash(secret, h);
		ok = (*r)->nrows && sodium_memcmp(h, db_val(*r, 0, O_SECRET), 64) == 0;
	} else if (by_phone) {
		char *plain = NULL;
		struct err ignore;
		if ((*r)->nrows)
			sealed = db_val(*r, 0, O_PHONE);
		pthread_once(&dummy_once, dummy_init);
		if ((sealed || dummy_phone) && !crypto_open(sealed ? sealed : dummy_phone, &plain, &ignore)) {
			match = strlen(plain) >= 4 && !strcmp(plain + strlen(plain) - 4, phone4);
			free(plain);
		}
		ok = sealed && match;
	}
	if (!ok) {
		db_res_free(*r);
		*r = NULL;
		int64_t failures;
		if (by_phone &&
		    (rc = ratelimit_hit(c, "lookup_failure", code, LIMIT_LOOKUP_WAIT_S, &failures, e)))
			return rc;
		return err_set(e, E_NOTFOUND, "not_found", "查询码或验证信息不正确");
	}
	return 0;
}

static json_t *public_view(struct db_conn *c, const struct db_res *r, struct err *e)
{
	const char *state = db_val(r, 0, O_STATE);
	struct db_res *ev = NULL;
	json_t *events = json_array(), *o;

	if (!db_execv(c, &ev, e, "SELECT action, to_state, created_at FROM opinion_events WHERE opinion_id = ? ORDER BY id",
		      "i", db_int(r, 0, O_ID))) {
		for (int i = 0; i < ev->nrows; i++)
			json_array_append_new(events, json_pack("{s:s, s:s, s:I}", "action",
								action_name(db_val(ev, i, 0)), "state_name",
								opinion_state_name(db_val(ev, i, 1)),
								"at", (json_int_t)db_int(ev, i, 2)));
		db_res_free(ev);
	}
	o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:b, s:o}", "tracking_code",
		      db_val(r, 0, O_CODE), "state", state, "state_name", opinion_state_name(state),
		      "category_name", rows_str(db_val(r, 0, O_CATEGORY_NAME)), "body",
		      db_val(r, 0, O_BODY), "reply", rows_str(db_val(r, 0, O_REPLY)), "replied_at",
		      rows_int(r, 0, O_REPLIED_AT), "rating", rows_str(db_val(r, 0, O_RATING)),
		      "reason", rows_str(db_val(r, 0, O_REASON)), "handler_name",
		      rows_str(db_val(r, 0, O_HANDLER_NAME)), "created_at",
		      (json_int_t)db_int(r, 0, O_CREATED), "can_rate", !strcmp(state, "replied"),
		      "events", events);
	return o;
}

int opinion_track(struct db *db, const char *code, const char *phone4, const char *secret,
		  json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	int rc;

	*out = NULL;
	if (!(rc = citizen_row(c, code, phone4, secret, &r, e)))
		*out = json_pack("{s:o}", "opinion", public_view(c, r, e));
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* A deadline n working days from today on the jurisdiction's calendar. */
static int deadline_in(struct db_conn *c, int n, char *out, struct err *e)
{
	struct holidays h;
	int rc = holidays_load(c, &h, e);
	if (rc)
		return rc;
	cal_format(cal_add_workdays(&h.cal, cal_today(), n), out);
	holidays_free(&h);
	return 0;
}

/* ---- staff reads ---- */

/* Due limits: overdue before today; warned up to warn_days working days ahead. */
int opinion_warn_limit(struct db_conn *c, const char *path, char *limit, int *warn,
		       struct workcal *w, struct holidays *h, struct err *e)
{
	int rc;
	if ((rc = settings_int(c, path, "opinion.warn_days", warn, e)) || (rc = holidays_load(c, h, e)))
		return rc;
	*w = h->cal;
	cal_format(*warn ? cal_add_workdays(w, cal_today(), *warn) : cal_today(), limit);
	return 0;
}

int opinion_code_of(const char *q, char code[13])
{
	if (!q || strlen(q) != 12)
		return 0;
	for (int i = 0; i < 12; i++) {
		char ch = q[i] >= 'a' && q[i] <= 'z' ? (char)(q[i] - 'a' + 'A') : q[i];
		if (i < 6 ? !(ch >= '0' && ch <= '9') : !strchr(code_chars, ch))
			return 0;
		code[i] = ch;
	}
	code[12] = '\0';
	return 1;
}

/* The due limits of a list, which its parameters point to. */
struct due_days {
	char today[11], limit[11];
};

/* The list's WHERE after its scope (in w): the reader's rule and the filters of f but its search
 * text. The due limits of the region path come back in wc, h (the caller frees it), warn and d,
 * which must live as long as p. */
static int list_where(struct db_conn *c, const struct actor *a, const struct opinion_filter *f,
		      const char *path, struct buf *w, struct db_params *p, struct workcal *wc,
		      struct holidays *h, int *warn, struct due_days *d, struct err *e)
{
	static const char *const dues[] = {
		" AND o.state IN ('assigned','accepted') AND o.deadline < ?",
		" AND o.state IN ('assigned','accepted') AND o.deadline >= ? AND o.deadline <= ?",
		" AND o.state IN ('assigned','accepted')"};
	int rc;

	opinion_scope_who(w, p, a);
	if ((rc = rows_filter_state(w, p, f->state, " AND o.state = ?", opinion_state_name, e)) ||
	    (rc = rows_filter_id(w, p, f->category, " AND o.category_id = ?", "category", "类别", e)) ||
	    (rc = rows_filter_id(w, p, f->station, " AND o.station_id = ?", "station", "联络站", e)) ||
	    (rc = rows_filter_id(w, p, f->handler, " AND o.handler_id = ?", "handler", "承办单位", e)))
		return rc;
	rows_filter_eq(w, p, f->channel, " AND o.channel = ?");
	if ((rc = rows_filter_flag(w, f->escalated, " AND o.escalated_to IS NOT NULL", "escalated", e)) ||
	    (rc = rows_filter_days(w, p, "o.created_at", f->from, f->to, e)) ||
	    (rc = opinion_warn_limit(c, path, d->limit, warn, wc, h, e)))
		return rc;
	cal_format(cal_today(), d->today);
	return rows_filter_due(w, p, f->due, dues, d->today, d->limit, e);
}

int opinion_list(struct db *db, const struct actor *a, const struct opinion_filter *f,
		 const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"created_at", "deadline", "updated_at", "id", NULL};
	struct buf w = BUF_INIT_CAP(4096);
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL, *ids = NULL;
	struct holidays h = {0};
	struct workcal wc = {0};
	struct db_text_walk walk = {0};
	char order[64], sort[128], path[160], code[13];
	struct due_days d;
	const char *text;
	int warn = 0, rc, full, newest = 0, narrowed = 0, capped = 0;
	size_t base, terms = 0;
	int64_t total;
	json_t *items;

	*out = NULL;
	if (!role_can(a->role, PERM_OPINION_READ) && !role_is_handler(a->role) && !role_is_deputy(a->role))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看群众意见");
	if ((rc = rows_order(q->sort, sorts, "created_at DESC", order, sizeof(order), e)))
		return rc;
	full = role_can(a->role, PERM_OPINION_MANAGE);
	c = db_acquire(db);
	db_params_init(&p);
	if ((rc = scope_where(&w, &p, c, a, f->region, path, sizeof(path), e)))
		goto out;
	base = w.len;
	if ((rc = list_where(c, a, f, path, &w, &p, &wc, &h, &warn, &d, e)))
		goto out;
	/* A tracking code typed in the search box names its opinion, not words of a text. */
	text = f->q;
	if (opinion_code_of(f->q, code)) {
		buf_adds(&w, " AND o.tracking_code = ?");
		db_ps(&p, code);
		text = NULL;
	}
	/* A search newest first walks the full-text index from its newest entry down and stops at
	 * the page (ids follow the order of creation), with the region in the index query; its
	 * count stops at LIMIT_SEARCH_COUNT. Other orders sort every match. */
	newest = text && *text &&
		 (!q->sort || !*q->sort || !strcmp(q->sort, "-created_at") || !strcmp(q->sort, "-id"));
	if (newest) {
		/* The region narrows the index query, unless it is the one region at the top, which
		 * every opinion is in (its token's entries would only be read through). */
		struct db_res *top = NULL;
		const char *second = strchr(path + 1, '/');
		int whole = 0;
		if (second && !second[1]) {
			if ((rc = db_exec(c, "SELECT COUNT(*) FROM regions WHERE parent_code IS NULL",
					  NULL, &top, e)))
				goto out;
			whole = db_int(top, 0, 0) == 1;
			db_res_free(top);
		}
		if ((rc = db_text_walk(c, "opinions", "o", text, whole ? NULL : path, &walk, &terms, e)))
			goto out;
		if (!terms) {
			rc = err_field(e, E_INVALID, "bad_param", "q", "请输入要搜索的文字");
			goto out;
		}
		narrowed = w.len != base;
		buf_adds(&w, walk.match);
		for (int i = 0; i < walk.nparam; i++)
			db_ps(&p, walk.param[i]);
	} else if ((rc = rows_filter_text(&w, &p, c, "opinions", "o", text, e))) {
		goto out;
	}
	if (buf_failed(&w)) {
		rc = err_field(e, E_INVALID, "bad_param", "q", "查询条件过长");
		goto out;
	}
	if ((rc = db_begin_read(c, e)))
		goto out;
	/* Items without a deadline sort last on both backends. */
	snprintf(sort, sizeof(sort), "%so.%s, o.id DESC",
		 strncmp(order, "deadline", 8) ? "" : "o.deadline IS NULL, ", order);
	if (newest) {
		struct buf count = BUF_INIT_CAP(8192), select = BUF_INIT_CAP(8192);
		struct db_params cp;
		/* Without other filters the index alone counts: the region is in its query. */
		db_params_init(&cp);
		for (int i = 0; i < walk.nparam; i++)
			db_ps(&cp, walk.param[i]);
		if (narrowed)
			buf_addf(&count, "SELECT 1 FROM %s%s", walk.from, w.data);
		else
			buf_adds(&count, walk.count);
		/* The page's ids first, then their rows with the joins: planning the walk together
		 * with five joins took longer on PostgreSQL than running it. */
		buf_addf(&select, "SELECT o.id FROM %s", walk.from);
		rc = buf_failed(&count) || buf_failed(&select)
			     ? err_set(e, E_INTERNAL, "internal", "查询过长")
			     : rows_page_capped(c, count.data, narrowed ? &p : &cp, select.data,
						w.data, &p, walk.order, q, LIMIT_SEARCH_COUNT,
						&total, &capped, &ids, e);
		buf_release(&count);
		buf_release(&select);
		if (rc || (rc = rows_by_ids(c, "SELECT " OP_COLS OP_FROM, "o.id", ids, "o.id DESC", &r, e)))
			goto out;
	} else if ((rc = rows_page_ids(c, "opinions o", "o.id", "SELECT " OP_COLS OP_FROM, w.data,
				       &p, sort, q, LIMIT_SEARCH_COUNT, &total, &capped, &r, e))) {
		goto out;
	}
	items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, row_json(r, i, full, &wc, warn));
	*out = rows_list_reply(items, total, q);
	/* With a capped count, total is a lower bound ("10,000+"). */
	json_object_set_new(*out, "total_capped", json_boolean(capped));
out:
	holidays_free(&h);
	db_text_walk_free(&walk);
	db_params_release(&p);
	db_res_free(r);
	db_res_free(ids);
	buf_release(&w);
	db_rollback(c);
	db_release(db, c);
	if (!rc && full)
		rc = audit_personal(db, a, out, e);
	return rc;
}

/* What is waiting for each role, as the list filters that show it. */
static const struct opinion_todo_row {
	const char *key, *label, *state, *due;
	int who; /* 1 staff who manage, 2 staff who read, 3 a handling unit */
} todo_rows[] = {
	{"opinion.classify", "待分类的群众意见", "received", NULL, 1},
	{"opinion.assign", "待交办的群众意见", "classified", NULL, 1},
	{"opinion.returned", "被退回待重新交办的意见", "returned", NULL, 1},
	{"opinion.accept", "待签收的群众意见", "assigned", NULL, 3},
	{"opinion.warn", "即将到期的群众意见", NULL, "warn", 2},
	{"opinion.overdue", "已超期的群众意见", NULL, "overdue", 2},
	{"opinion.warn", "即将到期的群众意见", NULL, "warn", 3},
	{"opinion.overdue", "已超期的群众意见", NULL, "overdue", 3},
};

int opinion_todo(struct db_conn *c, const struct actor *a, json_t *items, struct err *e)
{
	int who = role_is_handler(a->role)                 ? 3
		  : role_can(a->role, PERM_OPINION_MANAGE) ? 1
		  : role_can(a->role, PERM_OPINION_READ)   ? 2
							   : 0;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_LEN(todo_rows) && who && !rc; i++) {
		const struct opinion_todo_row *t = &todo_rows[i];
		struct opinion_filter f = {.state = t->state, .due = t->due};
		struct buf w = BUF_INIT_CAP(4096), sql = BUF_INIT_CAP(4200);
		struct db_params p;
		struct db_res *r = NULL;
		struct holidays h = {0};
		struct workcal wc;
		struct due_days d;
		char path[160];
		int warn;

		if (t->who != who && !(t->who == 2 && who == 1))
			continue;
		db_params_init(&p);
		if (!(rc = scope_where(&w, &p, c, a, NULL, path, sizeof(path), e)) &&
		    !(rc = list_where(c, a, &f, path, &w, &p, &wc, &h, &warn, &d, e))) {
			buf_addf(&sql, "SELECT COUNT(*) FROM opinions o%s", w.data);
			if (buf_failed(&sql))
				rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
			else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
				json_array_append_new(
					items, json_pack("{s:s, s:s, s:I, s:s, s:{s:s*, s:s*}}",
							 "key", t->key, "label", t->label, "count",
							 (json_int_t)db_int(r, 0, 0), "list", "opinions",
							 "filter", "state", t->state, "due", t->due));
		}
		holidays_free(&h);
		db_res_free(r);
		db_params_release(&p);
		buf_release(&w);
		buf_release(&sql);
	}
	return rc;
}

int opinion_find_code(struct db_conn *c, const struct actor *a, const char *q, json_t *items, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT},    {"tracking_code", COL_STR},
					  {"state", COL_STR}, {"region_name", COL_STR},
					  {"body", COL_STR},  {NULL, 0}};
	struct buf w = BUF_INIT_CAP(2048), sql = BUF_INIT_CAP(2300);
	struct db_params p;
	struct db_res *r = NULL;
	char code[13];
	int rc;

	if (!opinion_code_of(q, code) || (!role_can(a->role, PERM_OPINION_READ) &&
					  !role_is_handler(a->role) && !role_is_deputy(a->role)))
		return 0;
	db_params_init(&p);
	if (!(rc = scope_where(&w, &p, c, a, NULL, NULL, 0, e))) {
		opinion_scope_who(&w, &p, a);
		buf_adds(&w, " AND o.tracking_code = ?");
		db_ps(&p, code);
		buf_addf(&sql,
			 "SELECT o.id, o.tracking_code, o.state, r.name, SUBSTR(o.body, 1, 60)"
			 " FROM opinions o JOIN regions r ON r.code = o.region_code%s",
			 w.data);
		if (buf_failed(&sql))
			rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
		else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
			for (int i = 0; i < r->nrows; i++) {
				json_t *o = rows_object(r, i, cols);
				json_object_set_new(o, "state_name",
						    json_string(opinion_state_name(db_val(r, i, 2))));
				json_array_append_new(items, o);
			}
	}
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	return rc;
}

/* The full opinion for the actor. check=0 after the actor's own step, which may have taken the
 * item out of its view (a handling unit that returns it). */
static int detail(struct db_conn *c, const struct actor *a, int64_t id, int check, json_t **out,
		  struct err *e)
{
	static const struct col ecols[] = {{"id", COL_INT},         {"action", COL_STR},
					   {"from_state", COL_STR}, {"to_state", COL_STR},
					   {"actor", COL_STR},      {"note", COL_STR},
					   {"created_at", COL_INT}, {NULL, 0}};
	static const struct col xcols[] = {
		{"id", COL_INT},
		{"days", COL_INT},
		{"reason", COL_STR},
		{"status", COL_STR},
		{"created_at", COL_INT},
		{"decided_at", COL_INT},
		{NULL, 0}};
	static const struct col mcols[] = {
		{"id", COL_INT}, {"tracking_code", COL_STR}, {"state", COL_STR}, {NULL, 0}};
	struct db_res *r = NULL;
	struct holidays h = {0};
	struct workcal wc = {0};
	char limit[11];
	int warn = 0, rc;
	json_t *o;

	if ((rc = load_row(c, id, &r, e)) || (check && (rc = visible(c, a, r, 0, e))) ||
	    (rc = opinion_warn_limit(c, db_val(r, 0, O_PATH), limit, &warn, &wc, &h, e)))
		goto out;
	o = row_json(r, 0, role_can(a->role, PERM_OPINION_MANAGE), &wc, warn);
	if ((rc = rows_attach(c, o, "events", ecols, e,
			      "SELECT id, action, from_state, to_state, actor, note, created_at FROM opinion_events"
			      " WHERE opinion_id = ? ORDER BY id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "extensions", xcols, e,
			      "SELECT id, days, reason, status, created_at, decided_at FROM extensions"
			      " WHERE opinion_id = ? ORDER BY id",
			      "i", id)) ||
	    (rc = rows_attach(c, o, "merged", mcols, e,
			      "SELECT id, tracking_code, state FROM opinions WHERE case_id = ? ORDER BY id",
			      "i", id))) {
		json_decref(o);
		goto out;
	}
	*out = o;
out:
	holidays_free(&h);
	db_res_free(r);
	return rc;
}

/* The opinion as the actor may see it. */
static int load_seen(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return detail(c, a, id, 1, out, e);
}

int opinion_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	int rc = rows_get(db, NULL, load_seen, a, id, "opinion", out, e);
	if (!rc && role_can(a->role, PERM_OPINION_MANAGE))
		rc = audit_personal(db, a, out, e);
	return rc;
}

/* ---- the steps of the loop ---- */

/* Who takes a step: staff through the API, the citizen with the tracking code's proof, or the
 * background job. The citizen and the system are proved by their caller, not by a scope. */
enum act_by { BY_STAFF, BY_CITIZEN, BY_SYSTEM };

/* The module's part of a step run (s->ctx). */
struct act {
	enum act_by by;
	const char *event_action; /* the history's name for the step, when not the step's own */
	const char *event_note; /* the history's note, when neither s->note nor the request's reason */
	json_t *out;            /* the reply: staff's detail or the citizen's view (owned) */
	char state[32];         /* the state read under the lock */
};

/* What the audit keeps of an opinion before and after a step. */
static json_t *audit_view(const struct db_res *r)
{
	return json_pack("{s:s, s:o, s:o, s:o}", "state", db_val(r, 0, O_STATE), "handler_id",
			 rows_int(r, 0, O_HANDLER), "deadline", rows_str(db_val(r, 0, O_DEADLINE)),
			 "category_id", rows_int(r, 0, O_CATEGORY));
}

static int is_final(const char *state)
{
	return !strcmp(state, "closed") || !strcmp(state, "not_accepted") || !strcmp(state, "converted");
}

/* The state change, guarded by the state it was read in: a second concurrent step finds no row
 * (E_CONFLICT "stale"). */
static int change_state(struct tx *t, int64_t id, const char *from, const char *to)
{
	int64_t now = util_now();
	tx_exec(t, NULL, "UPDATE opinions SET state = ?, updated_at = ?, closed_at = ? WHERE id = ? AND state = ?",
		"sinis", to, now, is_final(to) ? now : (int64_t)0, id, from);
	return tx_expect_one(t);
}

/* -- who may -- */

/* The handling unit the opinion is assigned to signs for it, returns it and replies. */
static int may_handler(struct step_run *s)
{
	if (!role_is_handler(s->a->role) || db_int(s->row, 0, O_HANDLER) != s->a->handler_id)
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有承办单位可以签收、退回或答复");
	return 0;
}

/* Whoever registers opinions may answer one on the spot. */
static int may_intake(struct step_run *s)
{
	if (!role_can(s->a->role, PERM_OPINION_INTAKE))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能当场答复");
	return 0;
}

/* Staff who manage opinions classify, assign, refuse, merge, convert and close. */
static int may_manage(struct step_run *s)
{
	if (!role_can(s->a->role, PERM_OPINION_MANAGE))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "您的角色不能执行“%s”", s->step->label);
	return 0;
}

/* Assigning: staff who manage opinions; an escalated one only by the county it went up to. */
static int may_assign(struct step_run *s)
{
	if (may_manage(s) || strcmp(s->state, "escalated"))
		return s->t.rc;
	return tx_check(&s->t, escalation_may_decide(s->a, db_val(s->row, 0, O_ESCALATED_TO),
						     s->step->label, s->t.e));
}

/* Escalating: staff who manage opinions, below the county (escalation_target says the rest). */
static int may_escalate(struct step_run *s)
{
	return may_manage(s);
}

/* Returning an escalated opinion: the county it went up to. */
static int may_county(struct step_run *s)
{
	if (may_manage(s))
		return s->t.rc;
	return tx_check(&s->t, escalation_may_decide(s->a, db_val(s->row, 0, O_ESCALATED_TO),
						     s->step->label, s->t.e));
}

/* Only the citizen who raised it rates the answer. */
static int may_citizen(struct step_run *s)
{
	const struct act *x = s->ctx;
	return x->by == BY_CITIZEN ? 0 : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有提出意见的群众可以评价答复");
}

/* Steps of the background job. */
static int may_system(struct step_run *s)
{
	const struct act *x = s->ctx;
	return x->by == BY_SYSTEM ? 0 : tx_fail(&s->t, E_FORBIDDEN, "forbidden", "该操作由系统自动执行");
}

/* A merged report is answered with its case's reply (run_reply), never on its own. */
static int may_nobody(struct step_run *s)
{
	return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "并案的意见随主案一并答复");
}

/* -- what each step writes -- */

static int run_classify(struct step_run *s)
{
	int64_t cat = jsonx_int(s->in, "category_id", 0);
	struct db_res *x = NULL;
	int known;

	if (!cat)
		return tx_fail_field(&s->t, E_INVALID, "missing_field", "category_id", "请选择意见类别");
	if (tx_exec(&s->t, &x, "SELECT COUNT(*) FROM opinion_categories WHERE id = ? AND active = 1", "i", cat))
		return s->t.rc;
	known = db_int(x, 0, 0) > 0;
	db_res_free(x);
	if (!known)
		return tx_fail_field(&s->t, E_INVALID, "bad_category", "category_id", "意见类别不存在");
	if (tx_exec(&s->t, NULL, "UPDATE opinions SET category_id = ? WHERE id = ?", "ii", cat, s->id))
		return s->t.rc;
	if (cat != db_int(s->row, 0, O_CATEGORY)) {
		/* the hot topics count it under its new category */
		struct opinion_stat_row was = {db_val(s->row, 0, O_PATH), db_int(s->row, 0, O_CREATED),
					       db_int(s->row, 0, O_CATEGORY),
					       db_int(s->row, 0, O_STATION), db_val(s->row, 0, O_PLACE)};
		struct opinion_stat_row now = was;
		now.category = cat;
		tx_check(&s->t, opinion_stats_change(s->t.c, &was, &now, s->t.e));
	}
	return s->t.rc;
}

/* To a handling unit in the staff's scope, with a deadline of opinion.reply_days working days
 * unless the staff give the days. */
static int run_assign(struct step_run *s)
{
	int64_t hid = jsonx_int(s->in, "handler_id", 0);
	int days = (int)jsonx_int(s->in, "days", 0);
	struct db_res *x = NULL;
	char today[11], deadline[11];

	if (!hid)
		return tx_fail_field(&s->t, E_INVALID, "missing_field", "handler_id", "请选择承办单位");
	if (!strcmp(s->from, "escalated") &&
	    tx_check(&s->t, escalation_check_handler(s->t.c, db_val(s->row, 0, O_ESCALATED_TO), hid,
						     "handler_id", s->t.e)))
		return s->t.rc;
	if (tx_exec(&s->t, &x,
		    "SELECT r.path, h.active, h.name FROM handlers h JOIN regions r ON r.code = h.region_code"
		    " WHERE h.id = ?",
		    "i", hid))
		return s->t.rc;
	/* A handling unit outside the assigning staff's scope cannot be given work. */
	if (!x->nrows || !region_path_in_scope(s->a, db_val(x, 0, 0)))
		tx_fail_field(&s->t, E_INVALID, "bad_handler", "handler_id",
			      "承办单位不存在或不在您的管理范围内");
	else if (!db_int(x, 0, 1))
		tx_fail_field(&s->t, E_INVALID, "bad_handler", "handler_id", "该承办单位已停用");
	else
		snprintf(s->note, sizeof(s->note), "交办给%s", db_val(x, 0, 2));
	db_res_free(x);
	if (!tx_ok(&s->t) ||
	    (!days && tx_check(&s->t, settings_int(s->t.c, db_val(s->row, 0, O_PATH),
						   "opinion.reply_days", &days, s->t.e))) ||
	    tx_check(&s->t, deadline_in(s->t.c, days, deadline, s->t.e)))
		return s->t.rc;
	cal_format(cal_today(), today);
	tx_exec(&s->t, NULL, "UPDATE opinions SET handler_id = ?, assigned_on = ?, deadline = ? WHERE id = ?",
		"issi", hid, today, deadline, s->id);
	return notify(&s->t, hid, NULL, "assigned", "有新交办的群众意见", s->id);
}

/* A wrongly assigned unit gives the opinion back within opinion.return_days working days of
 * the assignment (the day it was assigned not counted), with its reason. */
/* The rule of opinion.return_days: a unit may give back an opinion assigned on `assigned` up
 * to `window` working days later. */
static int return_in_window(const struct workcal *w, int32_t assigned, int32_t today, int window)
{
	return cal_workdays_between(w, assigned, today) <= window;
}

static int run_return(struct step_run *s)
{
	struct holidays h = {0};
	int32_t on = cal_today();
	int window = 0;

	if (tx_check(&s->t, jsonx_need_text(s->in, "reason", "退回理由", 2, s->t.e)) ||
	    tx_check(&s->t, settings_int(s->t.c, db_val(s->row, 0, O_PATH), "opinion.return_days",
					 &window, s->t.e)) ||
	    tx_check(&s->t, holidays_load(s->t.c, &h, s->t.e)))
		return s->t.rc;
	if (db_val(s->row, 0, O_ASSIGNED) && !cal_parse(db_val(s->row, 0, O_ASSIGNED), &on) &&
	    !return_in_window(&h.cal, on, cal_today(), window))
		tx_fail(&s->t, E_CONFLICT, "return_window", "已超过%d个工作日的退回时限，不能退回", window);
	holidays_free(&h);
	tx_exec(&s->t, NULL, "UPDATE opinions SET reason = ?, handler_id = NULL, deadline = NULL WHERE id = ?",
		"si", jsonx_str(s->in, "reason"), s->id);
	return notify(&s->t, 0, db_val(s->row, 0, O_REGION), "returned",
		      "承办单位退回了一件群众意见", s->id);
}

/* Beyond the township's powers: up to its county's congress office with the reason, which the
 * history keeps; nothing of the item's dates changes (a deadline runs from the assignment the
 * county makes, as any other). The county's staff are told. Once only (escalation_target). */
static int run_escalate(struct step_run *s)
{
	char county[16], name[200];

	if (tx_check(&s->t, jsonx_need_text(s->in, "reason", "转交理由", 2, s->t.e)) ||
	    tx_check(&s->t, escalation_target(s->t.c, s->a, db_val(s->row, 0, O_REGION),
					      db_val(s->row, 0, O_ESCALATED_TO), county,
					      sizeof(county), name, sizeof(name), s->t.e)))
		return s->t.rc;
	snprintf(s->note, sizeof(s->note), "转交%s：%s", name, jsonx_str(s->in, "reason"));
	tx_exec(&s->t, NULL,
		"UPDATE opinions SET escalated_to = ?, escalation_reason = ?, escalated_at = ? WHERE id = ?",
		"ssii", county, jsonx_str(s->in, "reason"), util_now(), s->id);
	return notify(&s->t, 0, county, "escalated", "下级转交了一件群众意见", s->id);
}

/* The county disagrees: back to the township with the reason, which then handles it itself. */
static int run_escalation_return(struct step_run *s)
{
	if (tx_check(&s->t, jsonx_need_text(s->in, "reason", "退回理由", 2, s->t.e)))
		return s->t.rc;
	tx_exec(&s->t, NULL, "UPDATE opinions SET reason = ? WHERE id = ?", "si",
		jsonx_str(s->in, "reason"), s->id);
	return notify(&s->t, 0, db_val(s->row, 0, O_REGION), "escalation_returned",
		      "上级退回了转交的群众意见", s->id);
}

/* The answer, searchable with the opinion's own words. */
static int write_answer(struct step_run *s)
{
	struct buf tok = BUF_INIT_CAP(256 * 1024), text = BUF_INIT_CAP(64 * 1024);

	if (tx_check(&s->t, jsonx_need_text(s->in, "reply", "答复内容", 2, s->t.e)))
		return s->t.rc;
	buf_adds(&text, db_val(s->row, 0, O_BODY));
	buf_addc(&text, ' ');
	buf_adds(&text, db_val(s->row, 0, O_PLACE));
	buf_addc(&text, ' ');
	buf_adds(&text, jsonx_str(s->in, "reply"));
	if (!buf_failed(&text)) {
		text_tokens(text.data, &tok);
		text_scope_tokens(db_val(s->row, 0, O_PATH), &tok);
	}
	if (buf_failed(&text) || buf_failed(&tok))
		tx_fail_field(&s->t, E_INVALID, "too_long", "reply", "答复内容过长");
	tx_exec(&s->t, NULL, "UPDATE opinions SET reply = ?, replied_at = ?, search_tokens = ? WHERE id = ?",
		"sisi", jsonx_str(s->in, "reply"), util_now(), tok.data, s->id);
	buf_release(&tok);
	buf_release(&text);
	return s->t.rc;
}

static int run_answer_on_spot(struct step_run *s)
{
	return write_answer(s);
}

/* The handling unit's reply goes to the citizen and to every citizen whose report was merged
 * into this case; each who left a phone gets a text message through the outbox. */
static int run_reply(struct step_run *s)
{
	write_answer(s);
	tx_exec(&s->t, NULL,
		"UPDATE opinions SET state = 'replied', reply = ?, replied_at = ?, handler_id = ?,"
		" updated_at = ? WHERE case_id = ? AND state = 'merged'",
		"siiii", jsonx_str(s->in, "reply"), util_now(), db_int(s->row, 0, O_HANDLER),
		util_now(), s->id);
	notify(&s->t, 0, db_val(s->row, 0, O_REGION), "replied", "承办单位答复了一件群众意见", s->id);
	return tell_citizens(&s->t, s->id);
}

/* Not accepted (a matter in litigation or arbitration, DOMAIN §3) or converted into a deputy's
 * suggestion: the reason is kept and told to the citizen. */
static int keep_reason(struct step_run *s, const char *label)
{
	if (tx_check(&s->t, jsonx_need_text(s->in, "reason", label, 2, s->t.e)))
		return s->t.rc;
	return tx_exec(&s->t, NULL, "UPDATE opinions SET reason = ? WHERE id = ?", "si",
		       jsonx_str(s->in, "reason"), s->id);
}

static int run_not_accept(struct step_run *s)
{
	return keep_reason(s, "不予受理的理由");
}

static int run_convert(struct step_run *s)
{
	return keep_reason(s, "转办说明");
}

/* Into another open opinion that is not itself merged; what was merged into this one follows
 * it. The case is locked too, so that two merges cannot make a loop. */
static int run_merge(struct step_run *s)
{
	int64_t into = jsonx_int(s->in, "into", 0);
	struct db_res *x = NULL;
	int found = 0, rc;

	if (!into || into == s->id)
		return tx_fail_field(&s->t, E_INVALID, "bad_case", "into", "请选择要并入的另一件意见");
	rc = db_lock_row(s->t.c, "opinions", into, &found, s->t.e);
	if (!rc)
		rc = found ? load_row(s->t.c, into, &x, s->t.e) : E_NOTFOUND;
	if (!rc)
		rc = visible(s->t.c, s->a, x, 0, s->t.e);
	if (rc == E_NOTFOUND)
		rc = err_field(s->t.e, E_INVALID, "bad_case", "into", "要并入的意见不存在");
	if (!tx_check(&s->t, rc) && (!is_open(db_val(x, 0, O_STATE)) || db_val(x, 0, O_CASE)))
		tx_fail_field(&s->t, E_CONFLICT, "bad_case", "into", "只能并入尚未办结、本身未被并案的意见");
	if (tx_ok(&s->t))
		snprintf(s->note, sizeof(s->note), "并入 %s", db_val(x, 0, O_CODE));
	db_res_free(x);
	tx_exec(&s->t, NULL, "UPDATE opinions SET case_id = ? WHERE id = ?", "ii", into, s->id);
	return tx_exec(&s->t, NULL, "UPDATE opinions SET case_id = ? WHERE case_id = ?", "ii", into, s->id);
}

/* The citizen's rating: satisfied or basically satisfied closes the loop; not satisfied hands
 * it back to the same unit with a new deadline of opinion.rehandle_days working days. The
 * history names the outcome (rate_satisfied, rate_unsatisfied). */
static int run_rate(struct step_run *s)
{
	struct act *x = s->ctx;
	const char *rating = jsonx_str(s->in, "rating"), *comment = jsonx_str(s->in, "comment");
	int unsatisfied = !strcmp(rating, "unsatisfied");

	x->event_action = unsatisfied ? "rate_unsatisfied" : "rate_satisfied";
	x->event_note = comment;
	if (tx_exec(&s->t, NULL, "UPDATE opinions SET rating = ?, rating_comment = ?, rated_at = ? WHERE id = ?",
		    "ssii", rating, comment ? comment : "", util_now(), s->id))
		return s->t.rc;
	if (unsatisfied) {
		char deadline[11], today[11];
		int days = 0;
		s->to = "assigned";
		if (tx_check(&s->t, settings_int(s->t.c, db_val(s->row, 0, O_PATH),
						 "opinion.rehandle_days", &days, s->t.e)) ||
		    tx_check(&s->t, deadline_in(s->t.c, days, deadline, s->t.e)))
			return s->t.rc;
		cal_format(cal_today(), today);
		tx_exec(&s->t, NULL, "UPDATE opinions SET assigned_on = ?, deadline = ? WHERE id = ?",
			"ssi", today, deadline, s->id);
		notify(&s->t, db_int(s->row, 0, O_HANDLER), NULL, "rehandle",
		       "群众对答复不满意，请重新办理", s->id);
	}
	return notify(&s->t, 0, db_val(s->row, 0, O_REGION), "rating", "群众评价了答复", s->id);
}

/* The job closes a reply nobody rated (jobs.c decides when); the history calls it a close. */
static int run_auto_close(struct step_run *s)
{
	struct act *x = s->ctx;
	x->event_action = "close";
	snprintf(s->note, sizeof(s->note), "答复后逾期未评价，自动办结");
	return 0;
}

/* 催办: staff remind the unit of work in hand past or near its deadline (chase.near_days), with a
 * message; the unit is told in-app and by text message, the history records it, the chases
 * table counts it for the unit. */
static int run_chase(struct step_run *s)
{
	const char *msg;
	char title[96], link[48];

	if (tx_check(&s->t, jsonx_need_text(s->in, "message", "催办内容", 2, s->t.e)) ||
	    tx_check(&s->t, chase_due(s->t.c, db_val(s->row, 0, O_PATH),
				      db_val(s->row, 0, O_DEADLINE), s->t.e)))
		return s->t.rc;
	msg = jsonx_str(s->in, "message");
	snprintf(title, sizeof(title), "催办：群众意见 %s 办理期限 %s", db_val(s->row, 0, O_CODE),
		 db_val(s->row, 0, O_DEADLINE));
	snprintf(s->note, sizeof(s->note), "催办%s：%s", db_val(s->row, 0, O_HANDLER_NAME), msg);
	notice_link("opinions", s->id, link, sizeof(link));
	return tx_check(&s->t, chase_record(s->t.c, s->a, "opinion", s->id,
					    db_int(s->row, 0, O_HANDLER), msg, title, link, s->t.e));
}

/* -- the machine's hooks -- */

/* The opinion under the lock; staff must see it (a handling unit only its own). */
static int load_step(struct step_run *s)
{
	struct act *x = s->ctx;
	if (tx_check(&s->t, load_row(s->t.c, s->id, &s->row, s->t.e)) ||
	    (x->by == BY_STAFF && tx_check(&s->t, visible(s->t.c, s->a, s->row, 0, s->t.e))))
		return s->t.rc;
	s->state = db_val(s->row, 0, O_STATE);
	snprintf(x->state, sizeof(x->state), "%s", s->state);
	/* a rating is audited with its outcome alone */
	s->before = x->by == BY_CITIZEN ? NULL : audit_view(s->row);
	return 0;
}

static int set_state_step(struct step_run *s)
{
	return change_state(&s->t, s->id, s->from, s->to);
}

static int event_step(struct step_run *s)
{
	const struct act *x = s->ctx;
	const char *note = s->note[0]      ? s->note
			   : x->event_note ? x->event_note
					   : jsonx_str(s->in, "reason");
	return event(&s->t, s->id, x->event_action ? x->event_action : s->step->name, s->from, s->to, note);
}

/* The audit's "after" and the caller's reply: the detail for staff (unchecked: a unit that
 * returned the opinion no longer sees it), the public view for the citizen. */
static int after_step(struct step_run *s)
{
	struct act *x = s->ctx;
	struct db_res *r = NULL;

	if (tx_check(&s->t, load_row(s->t.c, s->id, &r, s->t.e)))
		return s->t.rc;
	if (x->by == BY_CITIZEN) {
		s->after = json_pack("{s:s, s:s}", "rating", jsonx_str(s->in, "rating"), "state", s->to);
		x->out = public_view(s->t.c, r, s->t.e);
	} else {
		s->after = audit_view(r);
		if (x->by == BY_STAFF)
			tx_check(&s->t, detail(s->t.c, s->a, s->id, 0, &x->out, s->t.e));
	}
	db_res_free(r);
	return s->t.rc;
}

/* The closed loop of DOMAIN §3. */
static const struct step steps[] = {
	{"classify", "分类", "received", "classified", may_manage, run_classify},
	{"assign", "交办", "received classified returned escalated", "assigned", may_assign, run_assign},
	{"escalate", "转交上级", "received classified returned", "escalated", may_escalate, run_escalate},
	{"escalation_return", "上级退回", "escalated", "returned", may_county, run_escalation_return},
	{"answer_on_spot", "当场答复", "received classified returned", "closed", may_intake, run_answer_on_spot},
	{"not_accept", "不予受理", "received classified returned", "not_accepted", may_manage, run_not_accept},
	{"merge", "并案", "received classified", "merged", may_manage, run_merge},
	{"convert", "转为代表建议", "received classified", "converted", may_manage, run_convert},
	{"accept", "签收", "assigned", "accepted", may_handler, NULL},
	{"return", "退回", "assigned", "returned", may_handler, run_return},
	{"reply", "答复", "accepted", "replied", may_handler, run_reply},
	/* closed, or back to "assigned" when not satisfied (run_rate) */
	{"rate", "评价", "replied", "closed", may_citizen, run_rate},
	{"close", "办结", "replied", "closed", may_manage, NULL},
	{"chase", "催办", "assigned accepted", NULL, may_manage, run_chase},
	{"auto_close", "自动办结", "replied", "closed", may_system, run_auto_close},
	{"case_reply", "并案答复", "merged", "replied", may_nobody, NULL},
};

static const struct step_machine machine = {
	.object_type = "opinion",
	.table = "opinions",
	.what = "意见",
	.steps = steps,
	.nsteps = ARRAY_LEN(steps),
	.load = load_step,
	.set_state = set_state_step,
	.event = event_step,
	.after = after_step,
	.state_label = opinion_state_name,
};

const char *opinion_next_state(const char *state, const char *action)
{
	/* The rating is one step whose outcome picks the state: the table names both outcomes. */
	if (!strcmp(action, "rate_satisfied"))
		return step_next(&machine, state, "rate");
	if (!strcmp(action, "rate_unsatisfied"))
		return step_next(&machine, state, "rate") ? "assigned" : NULL;
	if (!strcmp(action, "rate"))
		return NULL;
	return step_next(&machine, state, action);
}

/* A step staff may ask for; the citizen's rating and the system's steps are not. */
static int staff_step(const char *action)
{
	const struct step *st = step_find(&machine, action);
	return !(st && (st->may == may_citizen || st->may == may_system || st->may == may_nobody)) &&
	       strcmp(action, "rate_satisfied") && strcmp(action, "rate_unsatisfied");
}

int opinion_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"action", JF_STR, 1, 1, 32, "操作"},
		{"category_id", JF_INT, 0, 1, INT64_MAX, "类别"},
		{"handler_id", JF_INT, 0, 1, INT64_MAX, "承办单位"},
		{"days", JF_INT, 0, 1, 120, "办理期限（工作日）"},
		{"reply", JF_STR, 0, 0, LIMIT_TEXT_CHARS, "答复内容"},
		{"reason", JF_STR, 0, 0, LIMIT_SHORT_CHARS * 4, "理由"},
		{"into", JF_INT, 0, 1, INT64_MAX, "并入的意见"},
		{"message", JF_STR, 0, 0, LIMIT_SHORT_CHARS * 4, "催办内容"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct act x = {BY_STAFF, NULL, NULL, NULL, ""};
	json_t *audited = NULL;
	int rc;

	*out = NULL;
	/* the opinion as the actor may see it, then the body (the step's may decides the rest) */
	if ((rc = tx_visible(db, a, id, load_seen, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!staff_step(jsonx_str(in, "action")))
		return err_field(e, E_INVALID, "bad_action", "action", "该操作不能由工作人员执行");
	if (!(rc = step_run(db, &machine, a, id, in, &x, &audited, e)))
		*out = json_pack("{s:O}", "opinion", x.out);
	json_decref(audited);
	json_decref(x.out);
	return rc;
}

int opinion_batch(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct batch b = {"ids",     "意见",          NULL,       0,
				       "opinion", "opinion.batch", opinion_act};
	*out = NULL;
	if (!role_can(a->role, PERM_OPINION_MANAGE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能批量处理群众意见");
	return batch_run(db, a, &b, in, out, e);
}

int opinion_rate(struct db *db, const char *code, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"phone4", JF_STR, 0, 4, 4, "手机号后四位"},
		{"secret", JF_STR, 0, 1, 64, "查询密钥"},
		{"rating", JF_STR, 1, 1, 16, "评价"},
		{"comment", JF_STR, 0, 0, 500, "评价意见"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct actor citizen = {0};
	struct act x = {BY_CITIZEN, NULL, NULL, NULL, ""};
	struct db_conn *c;
	struct db_res *r = NULL;
	const char *rating;
	json_t *step = NULL, *audited = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	rating = jsonx_str(in, "rating");
	if (strcmp(rating, "satisfied") && strcmp(rating, "basically") && strcmp(rating, "unsatisfied"))
		return err_field(e, E_INVALID, "bad_rating", "rating",
				 "评价应为 satisfied（满意）、basically（基本满意）或 unsatisfied（不满意）");
	/* The proof names the opinion: its code with the phone's last digits or the secret. */
	c = db_acquire(db);
	if (!(rc = citizen_row(c, code, jsonx_str(in, "phone4"), jsonx_str(in, "secret"), &r, e)))
		id = db_int(r, 0, O_ID);
	db_res_free(r);
	db_release(db, c);
	if (rc)
		return rc;
	snprintf(citizen.username, sizeof(citizen.username), "(citizen)");
	snprintf(citizen.display_name, sizeof(citizen.display_name), "群众");
	step = json_copy(in);
	json_object_set_new(step, "action", json_string("rate"));
	rc = step_run(db, &machine, &citizen, id, step, &x, &audited, e);
	if (rc == E_CONFLICT && !strcmp(e->code, "bad_state"))
		rc = err_set(e, E_CONFLICT, "bad_state", "当前状态（%s）不能评价，答复后才能评价",
			     opinion_state_name(x.state));
	if (!rc)
		*out = json_pack("{s:O}", "opinion", x.out);
	json_decref(step);
	json_decref(audited);
	json_decref(x.out);
	return rc;
}

int opinion_unrated_expired(const struct workcal *w, int32_t replied, int32_t today, int days)
{
	return cal_workdays_between(w, replied, today) > days;
}

/* For the background job: the system closes a reply left unrated. */
int opinion_auto_close(struct db_conn *c, int64_t id, struct err *e)
{
	struct actor sys = {0};
	struct act x = {BY_SYSTEM, NULL, NULL, NULL, ""};
	json_t *in = json_pack("{s:s}", "action", "auto_close"), *audited = NULL;
	int rc;

	snprintf(sys.username, sizeof(sys.username), "(system)");
	snprintf(sys.display_name, sizeof(sys.display_name), "系统");
	rc = step_run_in(c, &machine, &sys, id, in, &x, &audited, e);
	json_decref(in);
	json_decref(audited);
	json_decref(x.out);
	return rc;
}

/* ---- similar, extensions, photos ---- */

struct sim {
	uint64_t words[WORDS_SET_MAX];
	size_t n;
	int64_t self;
	json_t *found;
};

static int sim_row(void *ctx, int n, const char *const *cells)
{
	struct sim *s = ctx;
	uint64_t other[WORDS_SET_MAX];
	double v;
	(void)n;
	if (strtoll(cells[0], NULL, 10) == s->self)
		return 0;
	v = words_jaccard(s->words, s->n, other, words_set(cells[4], other, WORDS_SET_MAX));
	if (v >= SIMILAR_MIN)
		json_array_append_new(s->found, json_pack("{s:I, s:s, s:s, s:s, s:f}", "id",
							  (json_int_t)strtoll(cells[0], NULL, 10),
							  "tracking_code", cells[2], "state", cells[3],
							  "body", cells[4], "similarity", v));
	return 0;
}

static int by_similarity(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "similarity"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "similarity"));
	return x < y ? 1 : x > y ? -1 : 0;
}

int opinion_similar(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	struct sim s = {0};
	struct buf w = BUF_INIT_CAP(2048), sql = BUF_INIT_CAP(4096);
	char pat[REGION_PATTERN_MAX], path[160];
	int rc;

	*out = NULL;
	db_params_init(&p);
	s.found = json_array();
	if ((rc = load_row(c, id, &r, e)) || (rc = visible(c, a, r, 0, e)))
		goto out;
	s.n = words_set(db_val(r, 0, O_BODY), s.words, WORDS_SET_MAX);
	s.self = id;
	/* Open reports of the same township or street in the last 90 days, among those the actor
	 * may read (the list's rule: a handling unit's own, a deputy's stations'). */
	region_like_pattern(db_val(r, 0, O_PATH), pat, sizeof(pat));
	if ((rc = scope_where(&w, &p, c, a, NULL, path, sizeof(path), e)))
		goto out;
	opinion_scope_who(&w, &p, a);
	buf_adds(&w, " AND o.region_path LIKE ? AND o.created_at >= ? AND o.case_id IS NULL"
		     " AND o.state NOT IN ('closed','not_accepted','converted','merged')");
	db_ps(&p, pat);
	db_pi(&p, util_now() - SIMILAR_WINDOW_DAYS * 86400);
	if ((rc = rows_where_ok(&w, e)))
		goto out;
	buf_adds(&sql, "SELECT o.id, o.signature, o.tracking_code, o.state, o.body FROM opinions o");
	buf_adds(&sql, w.data);
	buf_addf(&sql, " ORDER BY o.id DESC LIMIT %d", SIMILAR_CANDIDATES);
	if (buf_failed(&sql)) {
		rc = err_set(e, E_INTERNAL, "too_long", "查询过长");
		goto out;
	}
	if ((rc = db_each(c, sql.data, &p, sim_row, &s, e)))
		goto out;
	{
		size_t n = json_array_size(s.found);
		json_t **v = xcalloc(n + 1, sizeof(*v)), *sorted = json_array();
		for (size_t i = 0; i < n; i++)
			v[i] = json_array_get(s.found, i);
		qsort(v, n, sizeof(*v), by_similarity);
		for (size_t i = 0; i < n && i < 10; i++)
			json_array_append(sorted, v[i]);
		free(v);
		*out = json_pack("{s:o}", "items", sorted);
	}
out:
	json_decref(s.found);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* The recommendation: the handled opinions whose words are most like this one's vote for their
 * category and handling unit, each with its similarity. */
#define RECOMMEND_SOURCES 5       /* the most similar handled opinions that vote */
#define RECOMMEND_MIN 0.2         /* below this an opinion is about something else */
#define RECOMMEND_CANDIDATES 2000 /* the newest handled opinions compared */

struct rec_source {
	double sim;
	int64_t id, category, handler;
	char *row[8]; /* id, code, state, body, category id, category, handler id, handler */
};

struct rec {
	uint64_t words[WORDS_SET_MAX];
	size_t n, kept;
	struct rec_source top[RECOMMEND_SOURCES];
};

static void rec_source_free(struct rec_source *x)
{
	for (int i = 0; i < 8; i++)
		free(x->row[i]);
	memset(x, 0, sizeof(*x));
}

static int rec_row(void *ctx, int n, const char *const *c)
{
	struct rec *r = ctx;
	uint64_t other[WORDS_SET_MAX];
	double v = words_jaccard(r->words, r->n, other, words_set(c[3], other, WORDS_SET_MAX));
	size_t at;
	(void)n;
	if (v < RECOMMEND_MIN)
		return 0;
	/* kept sorted by similarity, newest first among equals (rows come newest first) */
	for (at = r->kept; at > 0 && r->top[at - 1].sim < v; at--)
		;
	if (at >= RECOMMEND_SOURCES)
		return 0;
	if (r->kept == RECOMMEND_SOURCES)
		rec_source_free(&r->top[--r->kept]);
	memmove(&r->top[at + 1], &r->top[at], (r->kept - at) * sizeof(r->top[0]));
	memset(&r->top[at], 0, sizeof(r->top[0]));
	r->top[at].sim = v;
	r->top[at].category = strtoll(c[4], NULL, 10);
	r->top[at].handler = strtoll(c[6], NULL, 10);
	for (int i = 0; i < 8; i++)
		r->top[at].row[i] = xstrdup(c[i] ? c[i] : "");
	r->kept++;
	return 0;
}

/* The choice with the largest sum of similarities among the sources (field 4 or 6 of the row),
 * as {"id","name","weight"}, or null. */
static json_t *rec_vote(const struct rec *r, int handler)
{
	double best = 0;
	int pick = -1;
	for (size_t i = 0; i < r->kept; i++) {
		int64_t id = handler ? r->top[i].handler : r->top[i].category;
		double sum = 0;
		for (size_t k = 0; k < r->kept; k++)
			if ((handler ? r->top[k].handler : r->top[k].category) == id)
				sum += r->top[k].sim;
		if (sum > best + 1e-9)
			best = sum, pick = (int)i;
	}
	if (pick < 0)
		return json_null();
	return json_pack("{s:I, s:s, s:f}", "id",
			 (json_int_t)(handler ? r->top[pick].handler : r->top[pick].category),
			 "name", r->top[pick].row[handler ? 7 : 5], "weight", best);
}

int opinion_recommend(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct db_res *r = NULL;
	struct rec *x = xcalloc(1, sizeof(*x));
	struct buf w = BUF_INIT_CAP(2048), sql = BUF_INIT_CAP(4096);
	char pat[REGION_PATTERN_MAX], path[160];
	int rc;

	*out = NULL;
	db_params_init(&p);
	if (!role_can(a->role, PERM_OPINION_MANAGE)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能为群众意见分类交办");
		goto out;
	}
	if ((rc = load_row(c, id, &r, e)) || (rc = visible(c, a, r, 0, e)))
		goto out;
	x->n = words_set(db_val(r, 0, O_BODY), x->words, WORDS_SET_MAX);
	/* Handled opinions (given a category and a unit that is still active) of the same township
	 * or street, among those the actor may read. */
	region_like_pattern(db_val(r, 0, O_PATH), pat, sizeof(pat));
	if ((rc = scope_where(&w, &p, c, a, NULL, path, sizeof(path), e)))
		goto out;
	opinion_scope_who(&w, &p, a);
	buf_adds(&w, " AND o.region_path LIKE ? AND o.id <> ? AND o.category_id IS NOT NULL"
		     " AND o.state IN ('assigned','accepted','replied','closed') AND h.active = 1");
	db_ps(&p, pat);
	db_pi(&p, id);
	if ((rc = rows_where_ok(&w, e)))
		goto out;
	buf_adds(&sql, "SELECT o.id, o.tracking_code, o.state, o.body, o.category_id, oc.name,"
		       " o.handler_id, h.name FROM opinions o"
		       " JOIN opinion_categories oc ON oc.id = o.category_id"
		       " JOIN handlers h ON h.id = o.handler_id");
	buf_adds(&sql, w.data);
	buf_addf(&sql, " ORDER BY o.id DESC LIMIT %d", RECOMMEND_CANDIDATES);
	if (buf_failed(&sql)) {
		rc = err_set(e, E_INTERNAL, "too_long", "查询过长");
		goto out;
	}
	if (x->n && (rc = db_each(c, sql.data, &p, rec_row, x, e)))
		goto out;
	{
		json_t *sources = json_array();
		for (size_t i = 0; i < x->kept; i++) {
			char **v = x->top[i].row;
			json_array_append_new(
				sources,
				json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:f}", "id",
					  (json_int_t)strtoll(v[0], NULL, 10), "tracking_code",
					  v[1], "state", v[2], "body", v[3], "category_id",
					  (json_int_t)x->top[i].category, "category_name", v[5],
					  "handler_id", (json_int_t)x->top[i].handler,
					  "handler_name", v[7], "similarity", x->top[i].sim));
		}
		*out = json_pack("{s:o, s:o, s:o}", "category", rec_vote(x, 0), "handler",
				 rec_vote(x, 1), "sources", sources);
	}
out:
	for (size_t i = 0; i < x->kept; i++)
		rec_source_free(&x->top[i]);
	free(x);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int opinion_extension_request(struct db *db, const struct actor *a, int64_t id, json_t *in,
			      json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"days", JF_INT, 1, 1, 120, "延期天数（工作日）"},
					     {"reason", JF_STR, 1, 2, LIMIT_SHORT_CHARS * 4, "延期理由"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL, *x = NULL;
	int max = 0;
	json_t *o = NULL;

	*out = NULL;
	/* who, then which opinion, then what */
	if (!role_is_handler(a->role))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有承办单位可以申请延期");
	tx_begin(&t, db, a, e);
	/* The opinion's lock makes the one-pending-request rule hold under concurrent requests. */
	if (!tx_lock(&t, "opinions", id, "意见") && !tx_check(&t, load_row(t.c, id, &r, e)) &&
	    !tx_check(&t, visible(t.c, a, r, 0, e)) && !tx_check(&t, jsonx_check(in, spec, e))) {
		const char *state = db_val(r, 0, O_STATE);
		if (strcmp(state, "assigned") && strcmp(state, "accepted"))
			tx_fail(&t, E_CONFLICT, "bad_state", "只有办理中的意见可以申请延期");
		else if (!tx_check(&t, settings_int(t.c, db_val(r, 0, O_PATH),
						    "opinion.extension_max_days", &max, e)) &&
			 jsonx_int(in, "days", 0) > max)
			tx_fail_field(&t, E_INVALID, "out_of_range", "days",
				      "单次延期不能超过%d个工作日", max);
		if (!tx_exec(&t, &x, "SELECT COUNT(*) FROM extensions WHERE opinion_id = ? AND status = 'pending'",
			     "i", id) &&
		    db_int(x, 0, 0))
			tx_fail(&t, E_CONFLICT, "pending", "已有待审批的延期申请");
		tx_exec(&t, NULL,
			"INSERT INTO extensions (opinion_id, days, reason, status, requested_by, created_at)"
			" VALUES (?,?,?,'pending',?,?)",
			"iisii", id, (int64_t)jsonx_int(in, "days", 0), jsonx_str(in, "reason"),
			a->account_id, util_now());
		event(&t, id, "extension", state, state, jsonx_str(in, "reason"));
		notify(&t, 0, db_val(r, 0, O_REGION), "extension", "承办单位申请延期", id);
		tx_audit(&t, "opinion.extension_request", "opinion", id, NULL, in);
		if (tx_ok(&t))
			tx_check(&t, detail(t.c, a, id, 0, &o, e));
	}
	db_res_free(r);
	db_res_free(x);
	return tx_end_reply(&t, "opinion", o, out);
}

int opinion_extension_decide(struct db *db, const struct actor *a, int64_t ext_id, json_t *in,
			     json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"approve", JF_BOOL, 1, 0, 0, "是否同意"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *x = NULL, *r = NULL;
	int64_t id;
	int approve;
	json_t *o = NULL;

	*out = NULL;
	/* who, then which request (its opinion in scope), then what */
	if (!role_can(a->role, PERM_OPINION_MANAGE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能审批延期");
	approve = json_is_true(json_object_get(in, "approve"));
	tx_begin(&t, db, a, e);
	/* The request and its opinion locked: a request is decided once. */
	if (!tx_lock(&t, "extensions", ext_id, "延期申请") &&
	    !tx_exec(&t, &x, "SELECT opinion_id, days, status FROM extensions WHERE id = ?", "i", ext_id) &&
	    !tx_lock(&t, "opinions", (id = db_int(x, 0, 0)), "意见") &&
	    !tx_check(&t, load_row(t.c, id, &r, e)) && !tx_check(&t, visible(t.c, a, r, 0, e)) &&
	    !tx_check(&t, jsonx_check(in, spec, e))) {
		const char *state = db_val(r, 0, O_STATE);
		if (strcmp(db_val(x, 0, 2), "pending"))
			tx_fail(&t, E_CONFLICT, "decided", "该延期申请已经审批");
		tx_exec(&t, NULL,
			"UPDATE extensions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?"
			" AND status = 'pending'",
			"siii", approve ? "approved" : "refused", a->account_id, util_now(), ext_id);
		tx_expect_one(&t);
		if (tx_ok(&t) && approve && db_val(r, 0, O_DEADLINE)) {
			struct holidays h;
			int32_t d;
			char nd[11];
			if (!tx_check(&t, holidays_load(t.c, &h, e))) {
				if (cal_parse(db_val(r, 0, O_DEADLINE), &d))
					d = cal_today();
				cal_format(cal_add_workdays(&h.cal, d, (int)db_int(x, 0, 1)), nd);
				holidays_free(&h);
				tx_exec(&t, NULL, "UPDATE opinions SET deadline = ? WHERE id = ?",
					"si", nd, id);
			}
		}
		notify(&t, db_int(r, 0, O_HANDLER), NULL, "extension",
		       approve ? "延期申请已同意" : "延期申请未同意", id);
		event(&t, id, "extension_decision", state, state, approve ? "同意延期" : "不同意延期");
		tx_audit(&t, approve ? "opinion.extension_approve" : "opinion.extension_refuse",
			 "opinion", id, NULL, in);
		if (tx_ok(&t))
			tx_check(&t, detail(t.c, a, id, 0, &o, e));
	}
	db_res_free(r);
	db_res_free(x);
	return tx_end_reply(&t, "opinion", o, out);
}


int opinion_photo(struct db *db, const struct actor *a, int64_t id, int n, char **data, size_t *len,
		  const char **mime, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL, *ph = NULL;
	int rc;

	*data = NULL;
	if ((rc = load_row(c, id, &r, e)) || (rc = visible(c, a, r, 0, e)))
		goto out;
	if ((rc = db_execv(c, &ph, e, "SELECT mime, data FROM opinion_photos WHERE opinion_id = ? ORDER BY id LIMIT 1 OFFSET ?",
			   "ii", id, (int64_t)(n - 1))))
		goto out;
	if (n < 1 || !ph->nrows) {
		rc = err_set(e, E_NOTFOUND, "not_found", "照片不存在");
		goto out;
	}
	{
		unsigned char *bin;
		if (util_base64_decode(db_val(ph, 0, 1), PHOTO_MAX_BYTES, &bin, len)) {
			rc = err_set(e, E_INTERNAL, "bad_photo", "照片数据损坏");
			goto out;
		}
		*data = (char *)bin;
		*mime = !strcmp(db_val(ph, 0, 0), "image/png") ? "image/png" : "image/jpeg";
	}
out:
	db_res_free(r);
	db_res_free(ph);
	db_release(db, c);
	return rc;
}

int opinion_categories(struct db *db, json_t **out, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT}, {"name", COL_STR}, {NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	int rc;
	*out = NULL;
	if (!(rc = db_exec(c, "SELECT id, name FROM opinion_categories WHERE active = 1 ORDER BY sort, id",
			   NULL, &r, e)))
		*out = json_pack("{s:o}", "items", rows_array(r, cols));
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int opinion_visible_in(struct db_conn *c, const struct actor *a, int64_t id, struct err *e)
{
	struct db_res *r = NULL;
	int rc = load_row(c, id, &r, e);
	if (!rc)
		rc = visible(c, a, r, 0, e);
	db_res_free(r);
	return rc;
}

int opinion_mark_converted(struct db_conn *c, const struct actor *a, int64_t id,
			   const char *suggestion_code, struct err *e)
{
	struct tx t;
	struct db_res *r = NULL;
	char note[96];

	snprintf(note, sizeof(note), "转为代表建议 %s", suggestion_code);
	tx_join(&t, c, a, e);
	if (!tx_lock(&t, "opinions", id, "意见") && !tx_check(&t, load_row(c, id, &r, e))) {
		const char *state = db_val(r, 0, O_STATE), *next = step_next(&machine, state, "convert");
		if (next)
			change_state(&t, id, state, next);
		event(&t, id, "convert", state, next ? next : state, note);
	}
	db_res_free(r);
	return tx_end(&t);
}

int opinion_refer(struct db_conn *c, const struct actor *a, const char *region, const char *body,
		  const char *suggestion_code, char *code, struct err *e)
{
	struct intake x = {0};
	struct tx t;
	struct db_res *r = NULL;
	char secret[49], path[160], note[96];
	int64_t id = 0;

	tx_join(&t, c, a, e);
	if (!tx_exec(&t, &r, "SELECT path FROM regions WHERE code = ?", "s", region))
		snprintf(path, sizeof(path), "%s", r->nrows ? db_val(r, 0, 0) : "/");
	db_res_free(r);
	x.region = region;
	x.path = path;
	x.channel = "letter";
	x.body = body;
	x.place = "";
	x.created_by = a->account_id;
	snprintf(note, sizeof(note), "由代表建议 %s 转来", suggestion_code);
	insert(&t, &x, &id, code, secret);
	event(&t, id, "register", NULL, "received", note);
	return tx_end(&t);
}

int opinion_from_booking(struct db_conn *c, const struct actor *a, int64_t station_id,
			 const char *reception_date, const char *body, const char *name, const char *phone,
			 const char *booking_code, int64_t *id, char *code, struct err *e)
{
	struct intake x = {0};
	struct tx t;
	struct db_res *r = NULL;
	char secret[49], region[16] = "", path[160] = "/", note[96];

	*id = 0;
	tx_join(&t, c, a, e);
	if (!tx_exec(&t, &r,
		     "SELECT s.region_code, r.path FROM stations s JOIN regions r ON r.code = s.region_code"
		     " WHERE s.id = ?",
		     "i", station_id) &&
	    r->nrows) {
		snprintf(region, sizeof(region), "%s", db_val(r, 0, 0));
		snprintf(path, sizeof(path), "%s", db_val(r, 0, 1));
	}
	db_res_free(r);
	x.region = region;
	x.path = path;
	x.station = station_id;
	x.channel = "reception";
	x.reception_date = reception_date;
	x.body = body;
	x.place = "";
	x.name = name;
	x.phone = phone;
	x.created_by = a->account_id;
	snprintf(note, sizeof(note), "由预约接待 %s 转来", booking_code);
	insert(&t, &x, id, code, secret);
	event(&t, *id, "register", NULL, "received", note);
	tx_audit(&t, "opinion.register", "opinion", *id, NULL, NULL);
	return tx_end(&t);
}

int opinion_insert_demo(struct db_conn *c, json_t *spec, struct err *e)
{
	struct actor demo = {0};
	struct intake x = {0};
	struct tx t;
	char code[13], secret[49];
	int64_t id = 0, at;

	snprintf(demo.display_name, sizeof(demo.display_name), "演示数据");
	x.region = jsonx_str(spec, "region_code");
	x.path = jsonx_str(spec, "region_path");
	x.station = jsonx_int(spec, "station_id", 0);
	x.channel = jsonx_str(spec, "channel");
	x.category = jsonx_int(spec, "category_id", 0);
	x.body = jsonx_str(spec, "body");
	x.place = jsonx_str(spec, "place");
	x.phone = jsonx_str(spec, "phone");
	x.name = jsonx_str(spec, "name");
	x.state = jsonx_str(spec, "state");
	x.created_at = jsonx_int(spec, "created_at", 0);
	x.bulk = 1;
	at = x.created_at;
	tx_join(&t, c, &demo, e);
	insert(&t, &x, &id, code, secret);
	tx_exec(&t, NULL,
		"UPDATE opinions SET handler_id = ?, assigned_on = ?, deadline = ?, reply = ?, replied_at = ?,"
		" rating = ?, rated_at = ?, closed_at = ? WHERE id = ?",
		"nsssnsnni", (int64_t)jsonx_int(spec, "handler_id", 0),
		jsonx_str(spec, "assigned_on"), jsonx_str(spec, "deadline"),
		jsonx_str(spec, "reply"), jsonx_str(spec, "reply") ? at + 5 * 86400 : (int64_t)0,
		jsonx_str(spec, "rating"), jsonx_str(spec, "rating") ? at + 8 * 86400 : (int64_t)0,
		!strcmp(x.state, "closed") ? at + 8 * 86400 : (int64_t)0, id);
	event(&t, id, "submit", NULL, x.state, "");
	return tx_end(&t);
}

/* ---- labels ---- */

json_t *opinion_labels(void)
{
	json_t *states = json_object(), *actions = json_object();
	for (size_t i = 0; i < ARRAY_LEN(state_names); i++)
		json_object_set_new(states, state_names[i][0], json_string(state_names[i][1]));
	for (size_t i = 0; i < ARRAY_LEN(action_names); i++)
		json_object_set_new(actions, action_names[i][0], json_string(action_names[i][1]));
	return json_pack("{s:o, s:o}", "states", states, "actions", actions);
}
