/* Unit tests of deputies' suggestions and motions: every legal and illegal transition, the
 * rating rule, the month deadlines on the working calendar, and the whole path through the
 * domain functions (co-signers, lead and co-handling units, B follow-up, re-handling, returns
 * out of time, motions with too few signers); the code's year on 1 January; and every legal
 * number on its boundary (n-1 refused and n accepted, the last day and the day after), read
 * from the settings, with the defaults pinned to DOMAIN.md. */
#include "calendar.h"
#include "fixture.h"
#include "settings.h"
#include "suggestion.h"

static const char *const states[] = {
	"draft",   "submitted", "returned", "withdrawn", "accepted",      "referred",  "assigned",
	"replied", "solving",   "closed",   "on_agenda", "not_on_agenda", "escalated", NULL};
static const char *const actions[] = {
	"submit",
	"withdraw",
	"return",
	"accept",
	"refer",
	"assign",
	"handler_return",
	"reply",
	"rate_unsatisfied",
	"rate_solving",
	"rate_done",
	"close",
	"agenda",
	"reject",
	"to_suggestion",
	"view",
	"escalate",
	"escalation_return",
	NULL};

/* DOMAIN §4 and §1.6 written out independently of the module's table. */
static const char *expected(const char *kind, const char *s, const char *a)
{
	static const char *const both[][3] = {
		{"draft", "submit", "submitted"},       {"returned", "submit", "submitted"},
		{"draft", "withdraw", "withdrawn"},     {"returned", "withdraw", "withdrawn"},
		{"submitted", "withdraw", "withdrawn"}, {"submitted", "return", "returned"}};
	static const char *const sugg[][3] = {
		{"accepted", "withdraw", "withdrawn"},
		{"assigned", "withdraw", "withdrawn"},
		{"submitted", "accept", "accepted"},
		{"submitted", "refer", "referred"},
		{"accepted", "assign", "assigned"},
		{"assigned", "handler_return", "accepted"},
		{"assigned", "reply", "replied"},
		{"solving", "reply", "replied"},
		{"replied", "rate_unsatisfied", "assigned"},
		{"replied", "rate_solving", "solving"},
		{"replied", "rate_done", "closed"},
		{"replied", "close", "closed"},
		{"assigned", "view", "assigned"}, /* a co-handler's view keeps the item in hand */
		/* up to the county (转交上级), which assigns it or returns it to the township */
		{"accepted", "escalate", "escalated"},
		{"escalated", "assign", "assigned"},
		{"escalated", "escalation_return", "accepted"},
		{"escalated", "withdraw", "withdrawn"}};
	static const char *const motion[][3] = {{"submitted", "agenda", "on_agenda"},
						{"submitted", "reject", "not_on_agenda"},
						{"submitted", "to_suggestion", "accepted"}};
	for (size_t i = 0; i < sizeof(both) / sizeof(both[0]); i++)
		if (!strcmp(both[i][0], s) && !strcmp(both[i][1], a))
			return both[i][2];
	if (!strcmp(kind, "suggestion")) {
		for (size_t i = 0; i < sizeof(sugg) / sizeof(sugg[0]); i++)
			if (!strcmp(sugg[i][0], s) && !strcmp(sugg[i][1], a))
				return sugg[i][2];
	} else {
		for (size_t i = 0; i < sizeof(motion) / sizeof(motion[0]); i++)
			if (!strcmp(motion[i][0], s) && !strcmp(motion[i][1], a))
				return motion[i][2];
	}
	return NULL;
}

static void every_transition(void **state)
{
	static const char *const kinds[] = {"suggestion", "motion"};
	int legal = 0;
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int s = 0; states[s]; s++)
			for (int a = 0; actions[a]; a++) {
				const char *want = expected(kinds[k], states[s], actions[a]);
				const char *got = suggestion_next_state(kinds[k], states[s], actions[a]);
				if (!want)
					assert_null(got);
				else
					assert_string_equal(got, want);
				legal += want != NULL;
			}
	assert_int_equal(legal, 2 * 6 + 17 + 3);
	for (int s = 0; states[s]; s++)
		assert_true(*suggestion_state_name(states[s]));
}

static void ratings_decide(void **state)
{
	(void)state;
	assert_string_equal(suggestion_rating_outcome("A", 0), "closed");
	assert_string_equal(suggestion_rating_outcome("C", 0), "closed");
	assert_string_equal(suggestion_rating_outcome("D", 0), "closed");
	assert_string_equal(suggestion_rating_outcome("B", 0), "solving");
	assert_string_equal(suggestion_rating_outcome("A", 1), "rehandle");
	assert_string_equal(suggestion_rating_outcome("B", 2), "rehandle");
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static void month_deadlines(void **state)
{
	int32_t hol[7], work[1];
	struct workcal w = {hol, 7, work, 1};
	char out[11];
	(void)state;
	for (int i = 0; i < 7; i++)
		hol[i] = day("2026-10-01") + i;
	work[0] = day("2026-10-10"); /* a Saturday worked (调休) */
	/* clamped to the month's end: 11-30 + 3 months is 02-28, a Sunday → Monday 03-01 */
	cal_format(suggestion_add_months(&w, day("2026-11-30"), 3), out);
	assert_string_equal(out, "2027-03-01");
	cal_format(suggestion_add_months(&w, day("2024-01-31"), 1), out);
	assert_string_equal(out, "2024-02-29");
	cal_format(suggestion_add_months(&w, day("2025-08-31"), 1), out);
	assert_string_equal(out, "2025-09-30");
	/* a deadline on a public holiday moves past it */
	cal_format(suggestion_add_months(&w, day("2026-09-01"), 1), out);
	assert_string_equal(out, "2026-10-08");
	/* an adjusted working day is a working day */
	cal_format(suggestion_add_months(&w, day("2026-07-10"), 3), out);
	assert_string_equal(out, "2026-10-10");
	/* six months across a year end */
	cal_format(suggestion_add_months(NULL, day("2026-08-31"), 6), out);
	assert_string_equal(out, "2027-02-28");
	/* into January and into December: the year turns exactly when the month passes December */
	cal_format(suggestion_add_months(NULL, day("2026-10-15"), 3), out);
	assert_string_equal(out, "2027-01-15");
	cal_format(suggestion_add_months(NULL, day("2026-09-15"), 3), out);
	assert_string_equal(out, "2026-12-15");
	cal_format(suggestion_add_months(NULL, day("2026-12-15"), 12), out);
	assert_string_equal(out, "2027-12-15");
}

static struct actor who(const char *role, int64_t handler, int64_t deputy, int64_t account)
{
	struct actor a = {0};
	a.account_id = account;
	snprintf(a.username, sizeof(a.username), "t%lld", (long long)account);
	snprintf(a.display_name, sizeof(a.display_name), "测试%lld", (long long)account);
	snprintf(a.role, sizeof(a.role), "%s", role);
	snprintf(a.region_code, sizeof(a.region_code), "329981");
	snprintf(a.region_path, sizeof(a.region_path), "/329900/329981/");
	a.handler_id = handler;
	a.deputy_id = deputy;
	return a;
}

static char last_code[48]; /* the error code of the last call */

/* Runs one call with a JSON body and checks its result code; returns the suggestion. */
static json_t *call(struct fixture *f,
		    int (*fn)(struct db *, const struct actor *, int64_t, json_t *, json_t **, struct err *),
		    const struct actor *a, int64_t id, const char *json, int want)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL, *s;
	struct err e = {0};
	int rc = fn(f->db, a, id, in, &out, &e);
	snprintf(last_code, sizeof(last_code), "%s", e.code);
	if (rc != want)
		fail_msg("%s: want %d, got %d (%s: %s)", json, want, rc, e.code, e.msg);
	json_decref(in);
	s = out ? json_incref(json_object_get(out, "suggestion")) : NULL;
	json_decref(out);
	return s;
}

static const char *str(json_t *s, const char *k)
{
	return json_string_value(json_object_get(s, k));
}

static void the_path(void **state)
{
	struct fixture *f = fixture_open(1);
	int64_t me = fixture_count(f, "SELECT deputy_id FROM accounts WHERE username = 'deputy'");
	int64_t peer = fixture_count(f, "SELECT MIN(deputy_id) FROM mandates WHERE region_code = '329981101'"
					" AND level = 'township' AND status = 'active' AND deputy_id > "
					"(SELECT deputy_id FROM accounts WHERE username = 'deputy')");
	int64_t acc = fixture_count(f, "SELECT id FROM accounts WHERE username = 'deputy'");
	int64_t county = fixture_count(f, "SELECT id FROM accounts WHERE username = 'county'");
	struct actor dep = who("deputy", 0, me, acc), co = who("deputy", 0, peer, county);
	struct actor staff = who("county_staff", 0, 0, county), lead = who("handler", 1, 0, county),
		     helper = who("handler", 2, 0, county);
	json_t *in, *out = NULL, *s;
	struct err e = {0};
	char body[512], sql[256];
	int64_t id;
	(void)state;

	snprintf(body, sizeof(body),
		 "{\"title\":\"关于修缮松岭镇敬老院的建议\",\"body\":\"敬老院房屋老化漏雨，建议安排资金修缮。\","
		 "\"cosigners\":[%lld]}",
		 (long long)peer);
	in = json_loads(body, 0, NULL);
	assert_int_equal(suggestion_create(f->db, &dep, "suggestion", in, &out, &e), 0);
	json_decref(in);
	id = json_integer_value(json_object_get(json_object_get(out, "suggestion"), "id"));
	json_decref(out);
	s = call(f, suggestion_cosign, &co, id, "{\"accept\":true}", 0);
	json_decref(s);
	/* the co-signer cannot submit; the author can */
	json_decref(call(f, suggestion_act, &co, id, "{\"action\":\"submit\"}", E_FORBIDDEN));
	s = call(f, suggestion_act, &dep, id, "{\"action\":\"submit\"}", 0);
	assert_string_equal(str(s, "state"), "submitted");
	assert_int_equal(json_integer_value(json_object_get(s, "signers")), 2);
	json_decref(s);
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"accept\"}", 0));
	/* a unit outside the county's scope is refused and nothing changes */
	json_decref(call(f, suggestion_act, &staff, id,
			 "{\"action\":\"assign\",\"lead_handler_id\":999}", E_INVALID));
	s = call(f, suggestion_act, &staff, id,
		 "{\"action\":\"assign\",\"lead_handler_id\":1,\"co_handler_ids\":[2]}", 0);
	assert_string_equal(str(s, "state"), "assigned");
	json_decref(s);
	/* the board's work in hand follows every step */
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM suggestion_handlers WHERE in_hand = 1 AND suggestion_id = %lld"
		 " AND region_path = '/329900/329981/329981101/'",
		 (long long)id);
	assert_int_equal(fixture_count(f, sql), 2);
	json_decref(call(f, suggestion_act, &helper, id,
			 "{\"action\":\"view\",\"view\":\"同意主办单位意见，配合办理。\"}", 0));
	assert_int_equal(fixture_count(f, sql), 1);
	json_decref(call(f, suggestion_act, &lead, id,
			 "{\"action\":\"reply\",\"body\":\"没有类别的答复不能接受。\"}", E_INVALID));
	s = call(f, suggestion_act, &lead, id,
		 "{\"action\":\"reply\",\"grade\":\"B\",\"body\":\"已列入明年修缮计划，正在筹措资金。\"}",
		 0);
	assert_string_equal(str(s, "state"), "replied");
	json_decref(s);
	assert_int_equal(fixture_count(f, sql), 0);
	/* a rating of someone else's suggestion is refused */
	{
		struct actor stranger = who("deputy", 0, me + 1000, county);
		json_decref(call(f, suggestion_rate, &stranger, id,
				 "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", E_NOTFOUND));
	}
	s = call(f, suggestion_rate, &dep, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0);
	assert_string_equal(str(s, "state"), "replied");
	json_decref(s);
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"basically\",\"result\":\"unsatisfied\"}", 0);
	assert_string_equal(str(s, "state"), "assigned"); /* one result not satisfied: handled again */
	assert_int_equal(json_integer_value(json_object_get(s, "rehandled")), 1);
	json_decref(s);
	assert_int_equal(fixture_count(f, sql), 1); /* back in the lead unit's hands */
	s = call(f, suggestion_act, &lead, id,
		 "{\"action\":\"reply\",\"grade\":\"B\",\"body\":\"资金已落实，明年一季度开工。\"}", 0);
	json_decref(s);
	json_decref(call(f, suggestion_rate, &dep, id,
			 "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0));
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"satisfied\",\"result\":\"basically\"}", 0);
	assert_string_equal(str(s, "state"), "solving"); /* B stays open until solved */
	json_decref(s);
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"close\"}", E_CONFLICT));
	s = call(f, suggestion_act, &lead, id,
		 "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"修缮工程已完工，老人已搬回。\"}", 0);
	assert_true(json_is_true(json_object_get(s, "followed_up")));
	json_decref(s);
	json_decref(call(f, suggestion_rate, &dep, id,
			 "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0));
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0);
	assert_string_equal(str(s, "state"), "closed");
	json_decref(s);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM suggestion_replies WHERE suggestion_id = %lld", (long long)id);
	assert_int_equal(fixture_count(f, sql), 3);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM suggestion_ratings t JOIN suggestion_replies p ON p.id = t.reply_id"
		 " WHERE p.suggestion_id = %lld",
		 (long long)id);
	assert_int_equal(fixture_count(f, sql), 6);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM audit WHERE object_type = 'suggestion' AND object_id = '%lld'",
		 (long long)id);
	assert_true(fixture_count(f, sql) >= 14);
	fixture_close(f);
}

static void returns_and_motions(void **state)
{
	struct fixture *f = fixture_open(1);
	int64_t me = fixture_count(f, "SELECT deputy_id FROM accounts WHERE username = 'deputy'");
	int64_t acc = fixture_count(f, "SELECT id FROM accounts WHERE username = 'deputy'");
	int64_t county = fixture_count(f, "SELECT id FROM accounts WHERE username = 'county'");
	struct actor dep = who("deputy", 0, me, acc), staff = who("county_staff", 0, 0, county),
		     lead = who("handler", 1, 0, county);
	json_t *in, *out = NULL, *s;
	struct err e = {0};
	int64_t id;
	(void)state;

	in = json_pack("{s:s, s:s}", "title", "关于增设公交站点的建议", "body",
		       "镇区到县城的公交站点太少，建议增设两个站点。");
	assert_int_equal(suggestion_create(f->db, &dep, "suggestion", in, &out, &e), 0);
	json_decref(in);
	id = json_integer_value(json_object_get(json_object_get(out, "suggestion"), "id"));
	json_decref(out);
	json_decref(call(f, suggestion_act, &dep, id, "{\"action\":\"submit\"}", 0));
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"accept\"}", 0));
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"assign\",\"lead_handler_id\":1}", 0));
	/* past the return window the unit must ask the office instead */
	{
		struct db_conn *c = db_acquire(f->db);
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "UPDATE suggestion_handlers SET return_by = '2000-01-01' WHERE suggestion_id = %lld",
			 (long long)id);
		assert_int_equal(db_exec(c, sql, NULL, NULL, &e), 0);
		db_release(f->db, c);
	}
	json_decref(call(f, suggestion_act, &lead, id,
			 "{\"action\":\"handler_return\",\"reason\":\"不属于本单位职责\"}", E_CONFLICT));
	assert_string_equal(last_code, "too_late");
	/* withdrawn: no reply any more */
	json_decref(call(f, suggestion_act, &dep, id, "{\"action\":\"withdraw\"}", 0));
	json_decref(call(f, suggestion_act, &lead, id,
			 "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"已经增设完成两个站点。\"}",
			 E_NOTFOUND));

	/* a motion of one deputy is short of the five the township rule asks */
	in = json_pack("{s:s, s:s}", "title", "关于制定村规民约示范文本的议案", "body",
		       "建议主席团组织制定村规民约示范文本，规范村民自治。");
	assert_int_equal(suggestion_create(f->db, &dep, "motion", in, &out, &e), 0);
	json_decref(in);
	s = json_object_get(out, "suggestion");
	id = json_integer_value(json_object_get(s, "id"));
	assert_int_equal(strncmp(str(s, "code"), "YA", 2), 0);
	json_decref(out);
	json_decref(call(f, suggestion_act, &dep, id, "{\"action\":\"submit\"}", E_INVALID));
	assert_string_equal(last_code, "too_few_signers");
	s = call(f, suggestion_act, &staff, id, "{\"action\":\"accept\"}", E_CONFLICT); /* motions are not "accepted" */
	json_decref(s);
	fixture_close(f);
}

/* ---- the legal numbers: each rule on the boundary, with the number read from the settings ---- */

#define TOWN "/329900/329981/329981101/" /* the demo deputy's township congress */
#define COUNTY "/329900/329981/"

static int setting(struct fixture *f, const char *path, const char *key)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int v = -1;
	assert_int_equal(settings_int(c, path, key, &v, &e), 0);
	db_release(f->db, c);
	return v;
}

static void load_holidays(struct fixture *f, struct holidays *h)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	assert_int_equal(holidays_load(c, h, &e), 0);
	db_release(f->db, c);
}

/* The clock at hour:00 China time on day. */
static void set_day(int32_t d, int hour)
{
	util_set_now(cal_day_start(d) + (int64_t)hour * 3600);
}

/* Ids the query selects (at most n). */
static int ids(struct fixture *f, const char *sql, int64_t *out, int n)
{
	struct db_conn *c = db_acquire(f->db);
	struct db_res *r = NULL;
	struct err e = {0};
	int i;
	assert_int_equal(db_execv(c, &r, &e, sql, ""), 0);
	for (i = 0; i < r->nrows && i < n; i++)
		out[i] = db_int(r, i, 0);
	db_res_free(r);
	db_release(f->db, c);
	return i;
}

/* A new draft of kind by a (extra's fields added; extra is consumed); its id. */
static int64_t new_draft(struct fixture *f, const struct actor *a, const char *kind, json_t *extra)
{
	json_t *in = json_pack("{s:s, s:s}", "title", "关于边界期限测试的建议", "body",
			       "用于检验法定期限和人数边界的建议内容。"),
	       *out = NULL;
	struct err e = {0};
	int64_t id;
	if (extra) {
		json_object_update(in, extra);
		json_decref(extra);
	}
	if (suggestion_create(f->db, a, kind, in, &out, &e))
		fail_msg("create: %s %s", e.code, e.msg);
	id = json_integer_value(json_object_get(json_object_get(out, "suggestion"), "id"));
	json_decref(in);
	json_decref(out);
	return id;
}

/* One step; the item after it, which the caller frees. */
static json_t *step(struct fixture *f, const struct actor *a, int64_t id, const char *json, int want)
{
	return call(f, suggestion_act, a, id, json, want);
}

static const char *last_note(json_t *s)
{
	json_t *ev = json_object_get(s, "events");
	return str(json_array_get(ev, json_array_size(ev) - 1), "note");
}

/* A suggestion of the demo deputy, submitted and accepted now, optionally assigned to unit 1 (and
 * unit 2 as co-handler with assign > 1). */
static int64_t accepted(struct fixture *f, const struct actor *dep, const struct actor *staff, int assign)
{
	int64_t id = new_draft(f, dep, "suggestion", NULL);
	json_decref(step(f, dep, id, "{\"action\":\"submit\"}", 0));
	json_decref(step(f, staff, id, "{\"action\":\"accept\"}", 0));
	if (assign)
		json_decref(step(f, staff, id,
				 assign > 1 ? "{\"action\":\"assign\",\"lead_handler_id\":1,\"co_handler_ids\":[2]}"
					    : "{\"action\":\"assign\",\"lead_handler_id\":1}",
				 0));
	return id;
}

static json_t *get_item(struct fixture *f, const struct actor *a, int64_t id)
{
	json_t *out = NULL, *s;
	struct err e = {0};
	assert_int_equal(suggestion_get(f->db, a, id, &out, &e), 0);
	s = json_incref(json_object_get(out, "suggestion"));
	json_decref(out);
	return s;
}

static json_t *handler_row(json_t *s, const char *role)
{
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(s, "handlers"), i, h)
		if (!strcmp(str(h, "role"), role) && strcmp(str(h, "status"), "removed"))
			return h;
	fail_msg("no %s handler", role);
	return NULL;
}

/* A working day from `from` on whose date `months` calendar months later is a rest day, so that
 * a deadline there must move to the next working day. */
static int32_t day_before_rest(const struct workcal *w, int32_t from, int months)
{
	for (int32_t d = from; d < from + 400; d++)
		if (cal_is_workday(w, d) && !cal_is_workday(w, suggestion_add_months(NULL, d, months)))
			return d;
	fail_msg("no such day");
	return 0;
}

static void day_equal(const char *got, int32_t want)
{
	char w[11];
	cal_format(want, w);
	assert_string_equal(got, w);
}

struct cast {
	struct fixture *f;
	int64_t me;
	struct actor dep, staff, lead, co;
};

/* One demo city for the boundary tests (the group's state): each works on items of its own, with
 * the clock set where it needs it and back to the real one at its end. */
static int cast_open(void **state)
{
	struct cast *k = calloc(1, sizeof(*k));
	int64_t acc, county;
	k->f = fixture_open(1);
	k->me = fixture_count(k->f, "SELECT deputy_id FROM accounts WHERE username = 'deputy'");
	acc = fixture_count(k->f, "SELECT id FROM accounts WHERE username = 'deputy'");
	county = fixture_count(k->f, "SELECT id FROM accounts WHERE username = 'county'");
	k->dep = who("deputy", 0, k->me, acc);
	k->staff = who("county_staff", 0, 0, county);
	k->lead = who("handler", 1, 0, county);
	k->co = who("handler", 2, 0, county);
	*state = k;
	return 0;
}

static int cast_close(void **state)
{
	struct cast *k = *state;
	fixture_close(k->f);
	free(k);
	return 0;
}

/* Creates a draft as the deputy and answers its code. */
static void draft_code(struct fixture *f, const struct actor *dep, char *code, size_t n)
{
	json_t *in = json_pack("{s:s, s:s}", "title", "关于年初编号的建议", "body",
			       "编号应带提出当天的年份，元旦也不例外。"),
	       *out = NULL;
	struct err e = {0};
	assert_int_equal(suggestion_create(f->db, dep, "suggestion", in, &out, &e), 0);
	snprintf(code, n, "%s",
		 json_string_value(json_object_get(json_object_get(out, "suggestion"), "code")));
	json_decref(in);
	json_decref(out);
}

/* The code carries the year of the day in China: on 1 January 2028 (00:00 China time) it is
 * 2028, a minute before it 2027 (dividing days by 365.2425 gave 2027 on that 1 January). */
static void code_year(void **state)
{
	struct cast *k = *state;
	int64_t new_year = cal_day_start(cal_from_ymd(2028, 1, 1));
	char code[48];

	util_set_now(new_year);
	draft_code(k->f, &k->dep, code, sizeof(code));
	assert_int_equal(strncmp(code, "JY2028-", 7), 0);
	util_set_now(new_year - 60);
	draft_code(k->f, &k->dep, code, sizeof(code));
	assert_int_equal(strncmp(code, "JY2027-", 7), 0);
	util_set_now(0);
}

/* The defaults are the legal numbers of DOMAIN.md (the national values; where the law gives a
 * range, its upper end). */
static void legal_defaults(void **state)
{
	static const struct {
		const char *key;
		int value;
	} law[] = {
		{"suggestion.intake_days", 7}, /* §4.18: accepted and the deputy told within 7 days */
		{"suggestion.assign_days", 7},  /* §4.18: assigned within 5-7 working days */
		{"suggestion.reply_months", 3}, /* §4.19: reply within 3 months */
		{"suggestion.reply_months_difficult", 6}, /* §4.19: up to 6 for broad or difficult matters */
		{"suggestion.co_view_months", 1}, /* §4.20: a co-handler's view within 1-2 months */
		{"suggestion.return_days", 10}, /* §4.20: a wrong assignment returned within 5-10 days */
		{"suggestion.rehandle_months", 1}, /* §4.22: answered again within 1 month */
		{"motion.min_deputies_township", 5}, /* §1.6: the presidium or ≥5 deputies jointly */
		{"motion.min_deputies", 10}, /* 组织法 Art 22: ten deputies above the township */
	};
	struct fixture *f = fixture_open(0);
	(void)state;
	for (size_t i = 0; i < sizeof(law) / sizeof(law[0]); i++) {
		if (setting(f, "/", law[i].key) != law[i].value)
			fail_msg("%s: %d, the law says %d", law[i].key, setting(f, "/", law[i].key),
				 law[i].value);
	}
	fixture_close(f);
}

/* A motion of n signers (the author and n-1 who agreed) where the rule asks n: n-1 refused, n
 * submitted. */
static void motion_signers(struct cast *k, const struct actor *author, const char *path,
			   const char *rule, const char *peers_sql, json_t *extra)
{
	int n = setting(k->f, path, rule);
	int64_t peer[64], id;
	json_t *list = json_array();
	assert_true(n >= 2 && n <= 64);
	assert_int_equal(ids(k->f, peers_sql, peer, n - 1), n - 1);
	for (int i = 0; i < n - 1; i++)
		json_array_append_new(list, json_integer(peer[i]));
	json_object_set_new(extra, "cosigners", list);
	id = new_draft(k->f, author, "motion", extra);
	for (int i = 0; i < n - 2; i++) {
		struct actor p = who("deputy", 0, peer[i], 9000 + i);
		json_decref(call(k->f, suggestion_cosign, &p, id, "{\"accept\":true}", 0));
	}
	json_decref(step(k->f, author, id, "{\"action\":\"submit\"}", E_INVALID));
	assert_string_equal(last_code, "too_few_signers");
	{
		struct actor p = who("deputy", 0, peer[n - 2], 9000 + n);
		json_t *s;
		json_decref(call(k->f, suggestion_cosign, &p, id, "{\"accept\":true}", 0));
		s = step(k->f, author, id, "{\"action\":\"submit\"}", 0);
		assert_string_equal(str(s, "state"), "submitted");
		assert_int_equal(json_integer_value(json_object_get(s, "signers")), n);
		json_decref(s);
	}
}

static void motion_signers_township(void **state)
{
	struct cast *k = *state;
	char sql[300];
	snprintf(sql, sizeof(sql),
		 "SELECT deputy_id FROM mandates WHERE region_code = '329981101' AND level = 'township'"
		 " AND status = 'active' AND ended_on IS NULL AND deputy_id <> %lld ORDER BY deputy_id",
		 (long long)k->me);
	motion_signers(k, &k->dep, TOWN, "motion.min_deputies_township", sql, json_object());
	util_set_now(0);
}

/* Above the township (a county congress), registered by the staff for a county deputy. */
static void motion_signers_county(void **state)
{
	struct cast *k = *state;
	int64_t author;
	char sql[300];
	author = fixture_count(k->f, "SELECT MIN(deputy_id) FROM mandates WHERE region_code = '329981' AND level = 'county'"
				     " AND status = 'active' AND ended_on IS NULL");
	snprintf(sql, sizeof(sql),
		 "SELECT deputy_id FROM mandates WHERE region_code = '329981' AND level = 'county'"
		 " AND status = 'active' AND ended_on IS NULL AND deputy_id <> %lld ORDER BY deputy_id",
		 (long long)author);
	motion_signers(k, &k->staff, COUNTY, "motion.min_deputies", sql,
		       json_pack("{s:I, s:s}", "deputy_id", (json_int_t)author, "level", "county"));
	util_set_now(0);
}

/* Accepted within suggestion.intake_days of submission: on the last day on time, the day after
 * late (noted, and shown overdue until accepted). */
static void intake_window(void **state)
{
	struct cast *k = *state;
	int32_t t0 = cal_from_ymd(2026, 5, 11);
	int64_t on_time, late;
	int days;
	json_t *s;
	char want[40], deadline[11];
	days = setting(k->f, TOWN, "suggestion.intake_days");
	set_day(t0, 10);
	on_time = new_draft(k->f, &k->dep, "suggestion", NULL);
	late = new_draft(k->f, &k->dep, "suggestion", NULL);
	json_decref(step(k->f, &k->dep, late, "{\"action\":\"submit\"}", 0));
	s = step(k->f, &k->dep, on_time, "{\"action\":\"submit\"}", 0);
	day_equal(str(s, "intake_deadline"), t0 + days);
	cal_format(t0 + days, deadline);
	snprintf(want, sizeof(want), "%s前受理", deadline);
	assert_string_equal(last_note(s), want);
	json_decref(s);

	set_day(t0 + days, 23);
	s = get_item(k->f, &k->staff, on_time);
	assert_string_not_equal(str(s, "due"), "overdue");
	json_decref(s);
	s = step(k->f, &k->staff, on_time, "{\"action\":\"accept\"}", 0);
	assert_null(strstr(last_note(s), "超过受理时限"));
	json_decref(s);

	set_day(t0 + days + 1, 0);
	s = get_item(k->f, &k->staff, late);
	assert_string_equal(str(s, "due"), "overdue");
	json_decref(s);
	s = step(k->f, &k->staff, late, "{\"action\":\"accept\"}", 0);
	assert_non_null(strstr(last_note(s), "超过受理时限"));
	json_decref(s);
	util_set_now(0);
}

/* Assigned within suggestion.assign_days working days of acceptance: on the last day no note,
 * the day after noted as late. */
static void assign_window(void **state)
{
	struct cast *k = *state;
	struct holidays h = {0};
	int32_t t0 = cal_from_ymd(2026, 5, 11), lim;
	int64_t on_time, late;
	json_t *s;
	load_holidays(k->f, &h);
	lim = cal_add_workdays(&h.cal, t0, setting(k->f, TOWN, "suggestion.assign_days"));
	set_day(t0, 10);
	on_time = accepted(k->f, &k->dep, &k->staff, 0);
	late = accepted(k->f, &k->dep, &k->staff, 0);
	set_day(lim, 16);
	s = step(k->f, &k->staff, on_time, "{\"action\":\"assign\",\"lead_handler_id\":1}", 0);
	assert_null(strstr(last_note(s), "超过交办时限"));
	json_decref(s);
	set_day(lim + 1, 9);
	s = step(k->f, &k->staff, late, "{\"action\":\"assign\",\"lead_handler_id\":1}", 0);
	assert_non_null(strstr(last_note(s), "超过交办时限"));
	json_decref(s);
	holidays_free(&h);
	util_set_now(0);
}

/* A wrong assignment goes back within suggestion.return_days working days: on the last day it
 * does, the day after it is refused. */
static void return_window(void **state)
{
	struct cast *k = *state;
	struct holidays h = {0};
	int32_t t0 = cal_from_ymd(2026, 5, 11), last;
	int64_t on_time, late;
	json_t *s;
	load_holidays(k->f, &h);
	last = cal_add_workdays(&h.cal, t0, setting(k->f, TOWN, "suggestion.return_days"));
	set_day(t0, 10);
	on_time = accepted(k->f, &k->dep, &k->staff, 1);
	late = accepted(k->f, &k->dep, &k->staff, 1);
	s = get_item(k->f, &k->staff, on_time);
	day_equal(str(handler_row(s, "lead"), "return_by"), last);
	json_decref(s);
	set_day(last, 16);
	s = step(k->f, &k->lead, on_time,
		 "{\"action\":\"handler_return\",\"reason\":\"不属于本单位职责\"}", 0);
	assert_string_equal(str(s, "state"), "accepted");
	json_decref(s);
	set_day(last + 1, 9);
	json_decref(step(k->f, &k->lead, late,
			 "{\"action\":\"handler_return\",\"reason\":\"不属于本单位职责\"}", E_CONFLICT));
	assert_string_equal(last_code, "too_late");
	holidays_free(&h);
	util_set_now(0);
}

/* The lead's deadline is suggestion.reply_months calendar months on (reply_months_difficult for a
 * difficult one), moved off a rest day to the next working day; the co-handler's is
 * co_view_months on. A reply on the deadline is on time, the day after late. */
static void reply_deadline(void **state)
{
	struct cast *k = *state;
	struct holidays h = {0};
	int months, hard, co;
	int32_t t0, due;
	int64_t on_time, late, difficult;
	json_t *s;
	char raw[11];
	load_holidays(k->f, &h);
	months = setting(k->f, TOWN, "suggestion.reply_months");
	hard = setting(k->f, TOWN, "suggestion.reply_months_difficult");
	co = setting(k->f, TOWN, "suggestion.co_view_months");
	t0 = day_before_rest(&h.cal, cal_from_ymd(2026, 3, 2), months);
	due = suggestion_add_months(&h.cal, t0, months);
	set_day(t0, 10);
	on_time = accepted(k->f, &k->dep, &k->staff, 2);
	late = accepted(k->f, &k->dep, &k->staff, 1);
	difficult = accepted(k->f, &k->dep, &k->staff, 0);
	s = step(k->f, &k->staff, difficult,
		 "{\"action\":\"assign\",\"lead_handler_id\":1,\"difficult\":true}", 0);
	day_equal(str(s, "deadline"), suggestion_add_months(&h.cal, t0, hard));
	json_decref(s);
	s = get_item(k->f, &k->staff, on_time);
	day_equal(str(s, "deadline"), due);
	day_equal(str(handler_row(s, "lead"), "deadline"), due);
	day_equal(str(handler_row(s, "co"), "deadline"), suggestion_add_months(&h.cal, t0, co));
	/* the calendar date was a rest day: the deadline is the first working day after it */
	cal_format(suggestion_add_months(NULL, t0, months), raw);
	assert_true(strcmp(str(s, "deadline"), raw) > 0);
	assert_true(cal_is_workday(&h.cal, due));
	for (int32_t d = suggestion_add_months(NULL, t0, months); d < due; d++)
		assert_false(cal_is_workday(&h.cal, d));
	json_decref(s);

	set_day(due, 16);
	s = step(k->f, &k->lead, on_time,
		 "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"已经按期办理完毕并答复代表。\"}", 0);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(s, "replies"), 0), "on_time")));
	json_decref(s);
	set_day(due + 1, 9);
	s = step(k->f, &k->lead, late,
		 "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"已经办理完毕，答复晚了一天。\"}", 0);
	assert_true(json_is_false(
		json_object_get(json_array_get(json_object_get(s, "replies"), 0), "on_time")));
	assert_non_null(strstr(last_note(s), "逾期"));
	json_decref(s);
	holidays_free(&h);
	util_set_now(0);
}

/* Not satisfied: handled again, the new deadline suggestion.rehandle_months on from the rating,
 * moved off a rest day. */
static void rehandle_deadline(void **state)
{
	struct cast *k = *state;
	struct holidays h = {0};
	int months;
	int32_t t0, rated;
	int64_t id;
	json_t *s;
	load_holidays(k->f, &h);
	months = setting(k->f, TOWN, "suggestion.rehandle_months");
	t0 = cal_from_ymd(2026, 3, 2);
	rated = day_before_rest(&h.cal, t0 + 30, months);
	set_day(t0, 10);
	id = accepted(k->f, &k->dep, &k->staff, 1);
	json_decref(step(k->f, &k->lead, id,
			 "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"已经办理完毕并答复代表。\"}", 0));
	set_day(rated, 10);
	s = call(k->f, suggestion_rate, &k->dep, id,
		 "{\"attitude\":\"basically\",\"result\":\"unsatisfied\"}", 0);
	assert_string_equal(str(s, "state"), "assigned");
	day_equal(str(s, "deadline"), suggestion_add_months(&h.cal, rated, months));
	day_equal(str(handler_row(s, "lead"), "deadline"), suggestion_add_months(&h.cal, rated, months));
	assert_true(suggestion_add_months(&h.cal, rated, months) >
		    suggestion_add_months(NULL, rated, months));
	json_decref(s);
	holidays_free(&h);
	util_set_now(0);
}

/* Staff of a township of the demo county: 329981101 (the demo deputy's) or 329981102. */
static struct actor town_staff(struct fixture *f, const char *code)
{
	struct actor a = who("unit_staff", 0, 0,
			     fixture_count(f, "SELECT id FROM accounts WHERE username = 'unit'"));
	snprintf(a.region_code, sizeof(a.region_code), "%s", code);
	snprintf(a.region_path, sizeof(a.region_path), "/329900/329981/%s/", code);
	return a;
}

/* Escalated (转交上级): the township's staff send it up, once, with a reason; only the county's
 * staff decide on it, and give it to one of the county's own units. The assignment is still
 * measured from the township's acceptance (suggestion.assign_days): assigned by the county on
 * the last day no note, the day after noted as late. */
static void escalation_keeps_the_assign_window(void **state)
{
	struct cast *k = *state;
	struct holidays h = {0};
	struct actor town = town_staff(k->f, "329981101"), other = town_staff(k->f, "329981102");
	int32_t t0 = cal_from_ymd(2026, 5, 11), lim;
	int64_t on_time, late, back;
	char to_county[96], to_town[96];
	const char *up = "{\"action\":\"escalate\",\"reason\":\"县道桥梁属县交通部门职责\"}";
	json_t *s;

	snprintf(to_county, sizeof(to_county), "{\"action\":\"assign\",\"lead_handler_id\":%lld}",
		 (long long)fixture_count(k->f, "SELECT MIN(id) FROM handlers WHERE region_code = '329981'"));
	snprintf(to_town, sizeof(to_town), "{\"action\":\"assign\",\"lead_handler_id\":%lld}",
		 (long long)fixture_count(k->f, "SELECT MIN(id) FROM handlers WHERE region_code = '329981101'"));
	load_holidays(k->f, &h);
	lim = cal_add_workdays(&h.cal, t0, setting(k->f, TOWN, "suggestion.assign_days"));
	set_day(t0, 10);
	on_time = accepted(k->f, &k->dep, &town, 0);
	late = accepted(k->f, &k->dep, &town, 0);
	back = accepted(k->f, &k->dep, &town, 0);
	json_decref(step(k->f, &town, on_time, "{\"action\":\"escalate\"}", E_INVALID));
	assert_string_equal(last_code, "missing_field");
	json_decref(step(k->f, &other, on_time, up, E_NOTFOUND));
	json_decref(step(k->f, &k->lead, on_time, up, E_NOTFOUND));
	json_decref(step(k->f, &k->dep, on_time, up, E_FORBIDDEN));
	json_decref(step(k->f, &k->staff, on_time, up, E_FORBIDDEN)); /* the county assigns itself */
	s = step(k->f, &town, on_time, up, 0);
	assert_string_equal(str(s, "state"), "escalated");
	assert_string_equal(str(s, "escalated_to"), "329981");
	assert_non_null(strstr(last_note(s), "县道桥梁属县交通部门职责"));
	json_decref(s);
	json_decref(step(k->f, &town, late, up, 0));
	json_decref(step(k->f, &town, back, up, 0));
	json_decref(step(k->f, &town, on_time, up, E_CONFLICT));
	/* the county decides; the township, the county's units and the county's own choice of a
	 * township unit are refused */
	set_day(lim, 16);
	json_decref(step(k->f, &town, on_time, to_town, E_FORBIDDEN));
	json_decref(step(k->f, &k->staff, on_time, to_town, E_INVALID));
	assert_string_equal(last_code, "bad_handler");
	s = step(k->f, &k->staff, on_time, to_county, 0);
	assert_string_equal(str(s, "state"), "assigned");
	assert_null(strstr(last_note(s), "超过交办时限"));
	json_decref(s);
	set_day(lim + 1, 9);
	s = step(k->f, &k->staff, late, to_county, 0);
	assert_non_null(strstr(last_note(s), "超过交办时限"));
	json_decref(s);
	/* returned with a reason: the township's again, and it goes up only once */
	json_decref(step(k->f, &town, back,
			 "{\"action\":\"escalation_return\",\"reason\":\"镇里办\"}", E_FORBIDDEN));
	json_decref(step(k->f, &k->staff, back, "{\"action\":\"escalation_return\"}", E_INVALID));
	s = step(k->f, &k->staff, back, "{\"action\":\"escalation_return\",\"reason\":\"属镇级事权\"}", 0);
	assert_string_equal(str(s, "state"), "accepted");
	assert_string_equal(str(s, "reason"), "属镇级事权");
	json_decref(s);
	json_decref(step(k->f, &town, back, up, E_CONFLICT));
	assert_string_equal(last_code, "already_escalated");
	json_decref(step(k->f, &town, back, to_town, 0));
	assert_int_equal(fixture_count(k->f, "SELECT COUNT(*) FROM audit WHERE action = 'suggestion.escalate' AND outcome = 'done'"),
			 3);
	assert_int_equal(fixture_count(k->f, "SELECT COUNT(*) FROM audit WHERE action = 'suggestion.escalation_return' AND outcome = 'done'"),
			 1);
	holidays_free(&h);
	util_set_now(0);
}

/* A number typed in a search box: JY or YA, the year, a dash and six digits, in any case. */
static void numbers_in_search(void **state)
{
	char code[16];
	(void)state;
	assert_int_equal(suggestion_code_of("JY2026-000012", code), 1);
	assert_string_equal(code, "JY2026-000012");
	assert_int_equal(suggestion_code_of("ya2026-000003", code), 1);
	assert_string_equal(code, "YA2026-000003");
	assert_int_equal(suggestion_code_of("JA2026-000012", code), 0);
	assert_int_equal(suggestion_code_of("YY2026-000012", code), 0);
	assert_int_equal(suggestion_code_of("JY2026000012", code), 0);
	assert_int_equal(suggestion_code_of("JY2026-00001", code), 0);
	assert_int_equal(suggestion_code_of("JY2026-0000123", code), 0);
	assert_int_equal(suggestion_code_of("JY2026-00001X", code), 0);
	assert_int_equal(suggestion_code_of(NULL, code), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_transition),
		cmocka_unit_test(numbers_in_search),
		cmocka_unit_test(ratings_decide),
		cmocka_unit_test(month_deadlines),
		cmocka_unit_test(the_path),
		cmocka_unit_test(returns_and_motions),
		cmocka_unit_test(code_year),
		cmocka_unit_test(legal_defaults),
		cmocka_unit_test(motion_signers_township),
		cmocka_unit_test(motion_signers_county),
		cmocka_unit_test(intake_window),
		cmocka_unit_test(assign_window),
		cmocka_unit_test(return_window),
		cmocka_unit_test(reply_deadline),
		cmocka_unit_test(rehandle_deadline),
		cmocka_unit_test(escalation_keeps_the_assign_window),
	};
	return cmocka_run_group_tests(tests, cast_open, cast_close);
}
