/* Unit tests of deputies' suggestions and motions: every legal and illegal transition, the
 * rating rule, the month deadlines on the working calendar, and the whole path through the
 * domain functions (co-signers, lead and co-handling units, B follow-up, re-handling, returns
 * out of time, motions with too few signers). */
#include "calendar.h"
#include "fixture.h"
#include "suggestion.h"

static const char *const states[] = {"draft", "submitted", "returned", "withdrawn", "accepted",
				     "referred", "assigned", "replied", "solving", "closed",
				     "on_agenda", "not_on_agenda", NULL};
static const char *const actions[] = {"submit", "withdraw", "return", "accept", "refer", "assign",
				      "handler_return", "reply", "rate_unsatisfied", "rate_solving",
				      "rate_done", "close", "agenda", "reject", "to_suggestion", "view",
				      NULL};

/* DOMAIN §4 and §1.6 written out independently of the module's table. */
static const char *expected(const char *kind, const char *s, const char *a)
{
	static const char *const both[][3] = {
		{"draft", "submit", "submitted"}, {"returned", "submit", "submitted"},
		{"draft", "withdraw", "withdrawn"}, {"returned", "withdraw", "withdrawn"},
		{"submitted", "withdraw", "withdrawn"}, {"submitted", "return", "returned"}};
	static const char *const sugg[][3] = {
		{"accepted", "withdraw", "withdrawn"}, {"assigned", "withdraw", "withdrawn"},
		{"submitted", "accept", "accepted"}, {"submitted", "refer", "referred"},
		{"accepted", "assign", "assigned"}, {"assigned", "handler_return", "accepted"},
		{"assigned", "reply", "replied"}, {"solving", "reply", "replied"},
		{"replied", "rate_unsatisfied", "assigned"}, {"replied", "rate_solving", "solving"},
		{"replied", "rate_done", "closed"}, {"replied", "close", "closed"},
		{"assigned", "view", "assigned"}}; /* a co-handler's view keeps the item in hand */
	static const char *const motion[][3] = {
		{"submitted", "agenda", "on_agenda"}, {"submitted", "reject", "not_on_agenda"},
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
	assert_int_equal(legal, 2 * 6 + 13 + 3);
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
static json_t *call(struct fixture *f, int (*fn)(struct db *, const struct actor *, int64_t, json_t *, json_t **, struct err *),
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
	struct actor staff = who("county_staff", 0, 0, county), lead = who("handler", 1, 0, county), helper = who("handler", 2, 0, county);
	json_t *in, *out = NULL, *s;
	struct err e = {0};
	char body[512], sql[256];
	int64_t id;
	(void)state;

	snprintf(body, sizeof(body), "{\"title\":\"关于修缮松岭镇敬老院的建议\",\"body\":\"敬老院房屋老化漏雨，建议安排资金修缮。\","
				     "\"cosigners\":[%lld]}", (long long)peer);
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
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"assign\",\"lead_handler_id\":999}", E_INVALID));
	s = call(f, suggestion_act, &staff, id, "{\"action\":\"assign\",\"lead_handler_id\":1,\"co_handler_ids\":[2]}", 0);
	assert_string_equal(str(s, "state"), "assigned");
	json_decref(s);
	/* the board's work in hand follows every step */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM suggestion_handlers WHERE in_hand = 1 AND suggestion_id = %lld"
				   " AND region_path = '/329900/329981/329981101/'", (long long)id);
	assert_int_equal(fixture_count(f, sql), 2);
	json_decref(call(f, suggestion_act, &helper, id, "{\"action\":\"view\",\"view\":\"同意主办单位意见，配合办理。\"}", 0));
	assert_int_equal(fixture_count(f, sql), 1);
	json_decref(call(f, suggestion_act, &lead, id, "{\"action\":\"reply\",\"body\":\"没有类别的答复不能接受。\"}", E_INVALID));
	s = call(f, suggestion_act, &lead, id, "{\"action\":\"reply\",\"grade\":\"B\",\"body\":\"已列入明年修缮计划，正在筹措资金。\"}", 0);
	assert_string_equal(str(s, "state"), "replied");
	json_decref(s);
	assert_int_equal(fixture_count(f, sql), 0);
	/* a rating of someone else's suggestion is refused */
	{
		struct actor stranger = who("deputy", 0, me + 1000, county);
		json_decref(call(f, suggestion_rate, &stranger, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", E_NOTFOUND));
	}
	s = call(f, suggestion_rate, &dep, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0);
	assert_string_equal(str(s, "state"), "replied");
	json_decref(s);
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"basically\",\"result\":\"unsatisfied\"}", 0);
	assert_string_equal(str(s, "state"), "assigned"); /* one result not satisfied: handled again */
	assert_int_equal(json_integer_value(json_object_get(s, "rehandled")), 1);
	json_decref(s);
	assert_int_equal(fixture_count(f, sql), 1); /* back in the lead unit's hands */
	s = call(f, suggestion_act, &lead, id, "{\"action\":\"reply\",\"grade\":\"B\",\"body\":\"资金已落实，明年一季度开工。\"}", 0);
	json_decref(s);
	json_decref(call(f, suggestion_rate, &dep, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0));
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"satisfied\",\"result\":\"basically\"}", 0);
	assert_string_equal(str(s, "state"), "solving"); /* B stays open until solved */
	json_decref(s);
	json_decref(call(f, suggestion_act, &staff, id, "{\"action\":\"close\"}", E_CONFLICT));
	s = call(f, suggestion_act, &lead, id, "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"修缮工程已完工，老人已搬回。\"}", 0);
	assert_true(json_is_true(json_object_get(s, "followed_up")));
	json_decref(s);
	json_decref(call(f, suggestion_rate, &dep, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0));
	s = call(f, suggestion_rate, &co, id, "{\"attitude\":\"satisfied\",\"result\":\"satisfied\"}", 0);
	assert_string_equal(str(s, "state"), "closed");
	json_decref(s);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM suggestion_replies WHERE suggestion_id = %lld", (long long)id);
	assert_int_equal(fixture_count(f, sql), 3);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM suggestion_ratings t JOIN suggestion_replies p ON p.id = t.reply_id"
				   " WHERE p.suggestion_id = %lld", (long long)id);
	assert_int_equal(fixture_count(f, sql), 6);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM audit WHERE object_type = 'suggestion' AND object_id = '%lld'",
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
	struct actor dep = who("deputy", 0, me, acc), staff = who("county_staff", 0, 0, county), lead = who("handler", 1, 0, county);
	json_t *in, *out = NULL, *s;
	struct err e = {0};
	int64_t id;
	(void)state;

	in = json_pack("{s:s, s:s}", "title", "关于增设公交站点的建议", "body", "镇区到县城的公交站点太少，建议增设两个站点。");
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
		snprintf(sql, sizeof(sql), "UPDATE suggestion_handlers SET return_by = '2000-01-01' WHERE suggestion_id = %lld", (long long)id);
		assert_int_equal(db_exec(c, sql, NULL, NULL, &e), 0);
		db_release(f->db, c);
	}
	json_decref(call(f, suggestion_act, &lead, id, "{\"action\":\"handler_return\",\"reason\":\"不属于本单位职责\"}", E_CONFLICT));
	assert_string_equal(last_code, "too_late");
	/* withdrawn: no reply any more */
	json_decref(call(f, suggestion_act, &dep, id, "{\"action\":\"withdraw\"}", 0));
	json_decref(call(f, suggestion_act, &lead, id, "{\"action\":\"reply\",\"grade\":\"A\",\"body\":\"已经增设完成两个站点。\"}", E_NOTFOUND));

	/* a motion of one deputy is short of the five the township rule asks */
	in = json_pack("{s:s, s:s}", "title", "关于制定村规民约示范文本的议案", "body", "建议主席团组织制定村规民约示范文本，规范村民自治。");
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

/* Creates a draft as the deputy and answers its code. */
static void draft_code(struct fixture *f, const struct actor *dep, char *code, size_t n)
{
	json_t *in = json_pack("{s:s, s:s}", "title", "关于年初编号的建议", "body", "编号应带提出当天的年份，元旦也不例外。"), *out = NULL;
	struct err e = {0};
	assert_int_equal(suggestion_create(f->db, dep, "suggestion", in, &out, &e), 0);
	snprintf(code, n, "%s", json_string_value(json_object_get(json_object_get(out, "suggestion"), "code")));
	json_decref(in);
	json_decref(out);
}

/* The code carries the year of the day in China: on 1 January 2028 (00:00 China time) it is
 * 2028, a minute before it 2027 (dividing days by 365.2425 gave 2027 on that 1 January). */
static void code_year(void **state)
{
	struct fixture *f = fixture_open(1);
	int64_t me = fixture_count(f, "SELECT deputy_id FROM accounts WHERE username = 'deputy'");
	int64_t acc = fixture_count(f, "SELECT id FROM accounts WHERE username = 'deputy'");
	struct actor dep = who("deputy", 0, me, acc);
	int64_t new_year = cal_day_start(cal_from_ymd(2028, 1, 1));
	char code[48];
	(void)state;

	util_set_now(new_year);
	draft_code(f, &dep, code, sizeof(code));
	assert_int_equal(strncmp(code, "JY2028-", 7), 0);
	util_set_now(new_year - 60);
	draft_code(f, &dep, code, sizeof(code));
	assert_int_equal(strncmp(code, "JY2027-", 7), 0);
	util_set_now(0);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_transition),
		cmocka_unit_test(ratings_decide),
		cmocka_unit_test(month_deadlines),
		cmocka_unit_test(the_path),
		cmocka_unit_test(returns_and_motions),
		cmocka_unit_test(code_year),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
