/* Unit tests of the opinion loop: every legal and illegal transition, the loop through the
 * domain functions with deadlines, tracking proofs and personal data at rest. */
#include "fixture.h"
#include "chase.h"
#include "jobs.h"
#include "limit.h"
#include "opinion.h"
#include "opinion_stats.h"
#include "calendar.h"
#include "settings.h"

static const char *const states[] = {"received",  "classified", "assigned",  "accepted",
				     "returned",  "replied",    "closed",    "not_accepted",
				     "converted", "merged",     "escalated", NULL};
static const char *const actions[] = {
	"classify",
	"assign",
	"answer_on_spot",
	"not_accept",
	"merge",
	"convert",
	"accept",
	"return",
	"reply",
	"rate_satisfied",
	"rate_unsatisfied",
	"close",
	"auto_close",
	"case_reply",
	"submit",
	"escalate",
	"escalation_return",
	NULL};

/* The loop as DOMAIN §3 describes it, written out independently of the module's table. */
static const char *expected(const char *s, const char *a)
{
	static const char *const legal[][3] = {
		{"received", "classify", "classified"},
		{"received", "assign", "assigned"},
		{"received", "answer_on_spot", "closed"},
		{"received", "not_accept", "not_accepted"},
		{"received", "merge", "merged"},
		{"received", "convert", "converted"},
		{"classified", "assign", "assigned"},
		{"classified", "answer_on_spot", "closed"},
		{"classified", "not_accept", "not_accepted"},
		{"classified", "merge", "merged"},
		{"classified", "convert", "converted"},
		{"assigned", "accept", "accepted"},
		{"assigned", "return", "returned"},
		{"accepted", "reply", "replied"},
		{"returned", "assign", "assigned"},
		{"returned", "not_accept", "not_accepted"},
		{"returned", "answer_on_spot", "closed"},
		{"replied", "rate_satisfied", "closed"},
		{"replied", "rate_unsatisfied", "assigned"},
		{"replied", "close", "closed"},
		{"replied", "auto_close", "closed"},
		{"merged", "case_reply", "replied"},
		/* up to the county (转交上级), which assigns it or returns it to the township */
		{"received", "escalate", "escalated"},
		{"classified", "escalate", "escalated"},
		{"returned", "escalate", "escalated"},
		{"escalated", "assign", "assigned"},
		{"escalated", "escalation_return", "returned"},
	};
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		if (!strcmp(legal[i][0], s) && !strcmp(legal[i][1], a))
			return legal[i][2];
	return NULL;
}

static void every_transition(void **state)
{
	int legal = 0, illegal = 0;
	(void)state;
	for (int i = 0; states[i]; i++)
		for (int j = 0; actions[j]; j++) {
			const char *want = expected(states[i], actions[j]);
			const char *got = opinion_next_state(states[i], actions[j]);
			if (want) {
				assert_non_null(got);
				assert_string_equal(got, want);
				legal++;
			} else {
				if (got)
					fail_msg("%s --%s--> %s should be refused", states[i],
						 actions[j], got);
				illegal++;
			}
		}
	assert_int_equal(legal, 27);
	assert_true(illegal > 100);
	/* the terminal states go nowhere */
	for (int j = 0; actions[j]; j++) {
		assert_null(opinion_next_state("closed", actions[j]));
		assert_null(opinion_next_state("not_accepted", actions[j]));
		assert_null(opinion_next_state("converted", actions[j]));
	}
	assert_string_equal(opinion_state_name("replied"), "已答复");
	assert_string_equal(opinion_state_name("nonsense"), "");
}

static struct actor staff(const char *role, int64_t handler)
{
	struct actor a = {0};
	a.account_id = 5;
	snprintf(a.username, sizeof(a.username), "t");
	snprintf(a.display_name, sizeof(a.display_name), "测试");
	snprintf(a.role, sizeof(a.role), "%s", role);
	snprintf(a.region_code, sizeof(a.region_code), "329981");
	snprintf(a.region_path, sizeof(a.region_path), "/329900/329981/");
	a.handler_id = handler;
	return a;
}

static json_t *act(struct fixture *f, const struct actor *a, int64_t id, const char *json, int want)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	struct err e = {0};
	int rc = opinion_act(f->db, a, id, in, &out, &e);
	json_decref(in);
	if (rc != want)
		fail_msg("%s: want %d got %d (%s)", json, want, rc, e.msg);
	return out;
}

static void the_loop(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1),
		     other = staff("handler", 2);
	json_t *in, *out = NULL;
	struct err e = {0};
	char code[16], secret[64], sql[256];
	int64_t id;
	(void)state;

	in = json_pack("{s:s, s:s, s:s, s:s, s:b}", "region_code", "329981101", "body",
		       "幸福小区路灯坏了两个月，晚上出行不便。", "phone", "13912345678", "name",
		       "张三", "consent", 1);
	assert_int_equal(opinion_submit(f->db, "127.0.0.1", LIMIT_PUBLIC_SUBMITS, in, &out, &e), 0);
	snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(out, "tracking_code")));
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(out, "secret")));
	json_decref(out);
	json_decref(in);
	id = fixture_count(f, "SELECT MAX(id) FROM opinions");
	/* the phone and name are not stored in the clear */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE citizen_phone_enc LIKE '%1391234%'"
					  " OR citizen_name_enc LIKE '%张%'"),
			 0);
	/* proofs: the last four digits or the secret; anything else is not found */
	assert_int_equal(opinion_track(f->db, code, "5678", NULL, &out, &e), 0);
	json_decref(out);
	assert_int_equal(opinion_track(f->db, code, "5679", NULL, &out, &e), E_NOTFOUND);
	assert_int_equal(opinion_track(f->db, code, NULL, secret, &out, &e), 0);
	json_decref(out);
	assert_int_equal(opinion_track(f->db, "000000AAAAAA", "5678", NULL, &out, &e), E_NOTFOUND);
	/* rating before a reply */
	in = json_pack("{s:s, s:s}", "phone4", "5678", "rating", "satisfied");
	assert_int_equal(opinion_rate(f->db, code, in, &out, &e), E_CONFLICT);
	json_decref(in);

	json_decref(act(f, &county, id, "{\"action\":\"classify\",\"category_id\":2}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"accept\"}", E_NOTFOUND)); /* not its item yet */
	out = act(f, &county, id, "{\"action\":\"assign\",\"handler_id\":1,\"days\":5}", 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "due")), "ok");
	json_decref(out);
	json_decref(act(f, &other, id, "{\"action\":\"accept\"}", E_NOTFOUND)); /* another unit */
	json_decref(act(f, &county, id, "{\"action\":\"accept\"}", E_FORBIDDEN)); /* staff do not sign */
	json_decref(act(f, &handler, id, "{\"action\":\"reply\",\"reply\":\"好\"}", E_CONFLICT));
	json_decref(act(f, &handler, id, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"reply\",\"reply\":\"已修复\"}", 0));
	in = json_pack("{s:s, s:s}", "secret", secret, "rating", "unsatisfied");
	assert_int_equal(opinion_rate(f->db, code, in, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "state")),
			    "assigned");
	json_decref(out);
	json_decref(in);
	json_decref(act(f, &handler, id, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"reply\",\"reply\":\"两盏路灯均已修复\"}", 0));
	in = json_pack("{s:s, s:s}", "phone4", "5678", "rating", "satisfied");
	assert_int_equal(opinion_rate(f->db, code, in, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "state")),
			    "closed");
	json_decref(out);
	json_decref(in);
	json_decref(act(f, &county, id, "{\"action\":\"classify\",\"category_id\":3}", E_CONFLICT));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM opinion_events WHERE opinion_id = %lld",
		 (long long)id);
	assert_int_equal(fixture_count(f, sql), 9); /* submit, classify, assign, accept, reply, rate, accept, reply, rate */
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM audit WHERE object_type = 'opinion' AND object_id = '%lld'",
		 (long long)id);
	assert_int_equal(fixture_count(f, sql), 9); /* one record per step taken; none for the refused ones */
	fixture_close(f);
}

static void merged_cases_share_the_reply(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	json_t *in, *out = NULL;
	struct err e = {0};
	int64_t a, b;
	char json[128];
	(void)state;

	in = json_pack("{s:s, s:s, s:s}", "region_code", "329981102", "body",
		       "中心小学门口没有人行横道，接送孩子很危险。", "channel", "visit");
	county.account_id = 4;
	assert_int_equal(opinion_create(f->db, &county, in, &out, &e), 0);
	a = json_integer_value(json_object_get(json_object_get(out, "opinion"), "id"));
	json_decref(out);
	json_decref(in);
	in = json_pack("{s:s, s:s, s:s}", "region_code", "329981102", "body",
		       "中心小学门口没有人行横道，孩子上学过马路很危险。", "channel", "phone");
	assert_int_equal(opinion_create(f->db, &county, in, &out, &e), 0);
	b = json_integer_value(json_object_get(json_object_get(out, "opinion"), "id"));
	json_decref(out);
	json_decref(in);
	assert_int_equal(opinion_similar(f->db, &county, a, &out, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(json_object_get(out, "items"), 0), "id")),
			 b);
	json_decref(out);
	snprintf(json, sizeof(json), "{\"action\":\"merge\",\"into\":%lld}", (long long)a);
	json_decref(act(f, &county, b, json, 0));
	snprintf(json, sizeof(json), "{\"action\":\"merge\",\"into\":%lld}", (long long)b);
	json_decref(act(f, &county, a, json, E_CONFLICT)); /* into a merged one */
	json_decref(act(f, &county, a, "{\"action\":\"assign\",\"handler_id\":1}", 0));
	json_decref(act(f, &handler, a, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, a, "{\"action\":\"reply\",\"reply\":\"已施划人行横道\"}", 0));
	assert_int_equal(opinion_get(f->db, &county, b, &out, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "state")),
			    "replied");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "reply")),
			    "已施划人行横道");
	json_decref(out);
	fixture_close(f);
}

/* A database migrated from before the column words (every words NULL) converges: each run of
 * the jobs fills LIMIT_WORDS_FILL of them, newest first, with what intake stores. */
static void jobs_fill_words(void **state)
{
	struct fixture *f = fixture_open(1);
	struct jobs_config cfg = {NULL, 1, 1};
	struct db_conn *c;
	struct db_res *before = NULL, *after = NULL;
	struct err e = {0};
	int64_t n = fixture_count(f, "SELECT COUNT(*) FROM opinions"), runs = 0;
	(void)state;

	/* the demo's opinions went through intake: none without words, and words of some */
	assert_true(n > LIMIT_WORDS_FILL);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE words IS NULL"), 0);
	assert_true(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE words LIKE '%_ %'") > n / 2);
	c = db_acquire(f->db);
	assert_int_equal(db_exec(c, "SELECT id, words FROM opinions ORDER BY id", NULL, &before, &e), 0);
	assert_int_equal(db_execv(c, NULL, &e, "UPDATE opinions SET words = NULL", ""), 0);
	db_release(f->db, c);
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	runs++;
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE words IS NULL"),
			 n - LIMIT_WORDS_FILL);
	/* the newest first: the hot words read the newest */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE words IS NULL AND id >"
					  " (SELECT MIN(id) FROM opinions WHERE words IS NOT NULL)"),
			 0);
	while (fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE words IS NULL") && runs < 1000) {
		assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
		runs++;
	}
	assert_int_equal(runs, (n + LIMIT_WORDS_FILL - 1) / LIMIT_WORDS_FILL);
	/* the same words as intake stored */
	c = db_acquire(f->db);
	assert_int_equal(db_exec(c, "SELECT id, words FROM opinions ORDER BY id", NULL, &after, &e), 0);
	db_release(f->db, c);
	assert_int_equal(after->nrows, before->nrows);
	for (int i = 0; i < after->nrows; i++)
		assert_string_equal(db_val(after, i, 1), db_val(before, i, 1));
	db_res_free(before);
	db_res_free(after);
	fixture_close(f);
}

static void jobs_close_and_queue(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	struct jobs_config cfg = {NULL, 1, 1};
	json_t *in, *out = NULL;
	struct err e = {0};
	int64_t id, t0 = util_now();
	(void)state;

	assert_int_equal(jobs_backoff(1, 30), 30);
	assert_int_equal(jobs_backoff(2, 30), 60);
	assert_int_equal(jobs_backoff(5, 30), 480);
	assert_int_equal(jobs_backoff(40, 30), 6 * 3600); /* capped */

	in = json_pack("{s:s, s:s, s:s, s:b}", "region_code", "329981101", "body",
		       "村口桥梁栏杆松动，存在安全隐患。", "phone", "13955550123", "consent", 1);
	assert_int_equal(opinion_submit(f->db, "127.0.0.1", LIMIT_PUBLIC_SUBMITS, in, &out, &e), 0);
	json_decref(out);
	json_decref(in);
	id = fixture_count(f, "SELECT MAX(id) FROM opinions");
	json_decref(act(f, &county, id, "{\"action\":\"assign\",\"handler_id\":1,\"days\":2}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"reply\",\"reply\":\"已加固\"}", 0));
	/* the reply queued a message for the citizen, the phone sealed */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND payload LIKE '%s1:%'"
					  " AND payload NOT LIKE '%13955550123%'"),
			 1);
	/* without a gateway it waits; a day later nothing is closed yet */
	util_set_now(t0 + 86400);
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions WHERE id = (SELECT MAX(id) FROM opinions)"
					  " AND state = 'replied'"),
			 1);
	/* past opinion.close_after_days (15 working days) unrated: closed by the system */
	util_set_now(t0 + 40 * 86400);
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	{
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM opinions WHERE id = %lld AND state = 'closed'",
			 (long long)id);
		assert_int_equal(fixture_count(f, sql), 1);
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM opinion_events WHERE opinion_id = %lld AND actor = '系统'",
			 (long long)id);
		assert_int_equal(fixture_count(f, sql), 1);
	}
	util_set_now(0);
	fixture_close(f);
}

static void run_sql(struct fixture *f, const char *sql)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	if (db_script(c, sql, &e))
		fail_msg("%s: %s", sql, e.msg);
	db_release(f->db, c);
}

static void submit_json(struct fixture *f, const char *json)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	struct err e = {0};
	/* fixtures: the per-address limit is not what these tests are about */
	if (opinion_submit(f->db, "127.0.0.1", 1000000, in, &out, &e))
		fail_msg("%s: %s", json, e.msg);
	json_decref(in);
	json_decref(out);
}

/* The per-address limit of public submissions, counted in the database: n accepted, the
 * n+1-th E_RATE and nothing stored for it, another address not limited; when the window has
 * ended the address submits again, and the background jobs drop the ended window. */
static void per_address_limit(void **state)
{
	struct fixture *f = fixture_open(1);
	const int n = 3;
	struct err e = {0};
	json_t *in = json_pack("{s:s, s:s}", "region_code", "329981101", "body",
			       "幸福小区第3栋门口的垃圾桶满了没人清。"),
	       *out = NULL;
	int64_t before = fixture_count(f, "SELECT COUNT(*) FROM opinions");
	struct jobs_config cfg = {0};
	(void)state;

	for (int i = 0; i < n; i++) {
		assert_int_equal(opinion_submit(f->db, "192.0.2.7", n, in, &out, &e), 0);
		json_decref(out);
	}
	assert_int_equal(opinion_submit(f->db, "192.0.2.7", n, in, &out, &e), E_RATE);
	assert_string_equal(e.code, "rate_limited");
	assert_null(out);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinions"), before + n);
	assert_int_equal(fixture_count(f, "SELECT hits FROM rate_counts WHERE kind = 'submit' AND subject = '192.0.2.7'"),
			 n);
	assert_int_equal(opinion_submit(f->db, "192.0.2.8", n, in, &out, &e), 0);
	json_decref(out);
	/* the window ends (and the longest window, 15 minutes, is past) */
	run_sql(f, "UPDATE rate_counts SET window_start = window_start - 900");
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM rate_counts"), 0);
	assert_int_equal(opinion_submit(f->db, "192.0.2.7", n, in, &out, &e), 0);
	json_decref(out);
	json_decref(in);
	fixture_close(f);
}

/* The hot-topic aggregates, kept on each write, equal a count of the opinions themselves after
 * submissions at a station and in a region, a registration, classifications, a merge and a
 * refused submission; and hot topics report what a direct count finds. */
static void stats_agree_with_counts(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0);
	struct db_conn *c;
	struct err e = {0};
	json_t *in, *out = NULL, *cats;
	char json[512], sql[512];
	int64_t first, last, cat;
	(void)state;

	first = fixture_count(f, "SELECT MAX(id) FROM opinions") + 1;
	cat = fixture_count(f, "SELECT id FROM opinion_categories WHERE name = '市政设施'");
	for (int i = 0; i < 6; i++) {
		snprintf(json, sizeof(json),
			 "{\"region_code\":\"%s\",\"body\":\"幸福小区第%d栋楼下的路灯坏了，晚上很黑。\","
			 "\"place\":\"%s\"%s}",
			 i % 2 ? "329981101" : "329981102", i, i % 3 ? "幸福小区" : "",
			 i == 4 ? ",\"category_id\":3" : "");
		submit_json(f, json);
	}
	{
		/* at a station, by its public code */
		struct db_conn *k = db_acquire(f->db);
		struct db_res *r = NULL;
		assert_int_equal(db_exec(k, "SELECT public_code FROM stations WHERE active = 1 ORDER BY id LIMIT 1",
					 NULL, &r, &e),
				 0);
		snprintf(json, sizeof(json),
			 "{\"station_code\":\"%s\",\"body\":\"联络站门口的道路积水严重，雨天无法通行。\","
			 "\"place\":\"人民路\"}",
			 db_val(r, 0, 0));
		db_res_free(r);
		db_release(f->db, k);
		submit_json(f, json);
	}
	/* refused: nothing of it may be counted */
	in = json_pack("{s:s, s:s}", "station_code", "NOSUCH", "body", "不存在的联络站收到的意见。");
	assert_int_equal(opinion_submit(f->db, "127.0.0.1", 1000000, in, &out, &e), E_INVALID);
	json_decref(in);
	in = json_pack("{s:s, s:s, s:s}", "region_code", "329981103", "body",
		       "走访中群众反映村道破损。", "channel", "visit");
	assert_int_equal(opinion_create(f->db, &county, in, &out, &e), 0);
	json_decref(in);
	json_decref(out);
	last = fixture_count(f, "SELECT MAX(id) FROM opinions");
	snprintf(json, sizeof(json), "{\"action\":\"classify\",\"category_id\":%lld}", (long long)cat);
	json_decref(act(f, &county, first, json, 0));
	json_decref(act(f, &county, first + 1, json, 0));
	json_decref(act(f, &county, last, "{\"action\":\"classify\",\"category_id\":1}", 0));
	snprintf(json, sizeof(json), "{\"action\":\"merge\",\"into\":%lld}", (long long)first);
	json_decref(act(f, &county, first + 2, json, 0));

	/* the maintained aggregates against a count from scratch */
	run_sql(f, "CREATE TABLE stats_kept AS SELECT scope, kind, grain, period, key, n FROM opinion_stats WHERE n <> 0");
	c = db_acquire(f->db);
	assert_int_equal(db_begin(c, &e), 0);
	assert_int_equal(opinion_stats_rebuild(c, &e), 0);
	assert_int_equal(db_commit(c, &e), 0);
	db_release(f->db, c);
	assert_true(fixture_count(f, "SELECT COUNT(*) FROM stats_kept") > 100);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM (SELECT scope, kind, grain, period, key, n FROM stats_kept"
					  " EXCEPT SELECT scope, kind, grain, period, key, n FROM opinion_stats)"),
			 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM (SELECT scope, kind, grain, period, key, n FROM opinion_stats"
					  " EXCEPT SELECT scope, kind, grain, period, key, n FROM stats_kept)"),
			 0);

	/* hot topics of the county for the last 400 days against a direct count */
	assert_int_equal(opinion_hot(f->db, &county, NULL, NULL, NULL, &out, &e), 0);
	json_decref(out);
	{
		char from[11];
		cal_format(cal_today() - 400, from);
		assert_int_equal(opinion_hot(f->db, &county, NULL, from, NULL, &out, &e), 0);
	}
	cats = json_object_get(out, "categories");
	assert_true(json_array_size(cats) > 1);
	for (size_t i = 0; i < json_array_size(cats); i++) {
		json_t *one = json_array_get(cats, i);
		const char *name = json_string_value(json_object_get(one, "name"));
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM opinions o LEFT JOIN opinion_categories c ON c.id = o.category_id"
			 " WHERE o.region_path LIKE '/329900/329981/%%' AND COALESCE(c.name, '未分类') = '%s'",
			 name);
		assert_int_equal(json_integer_value(json_object_get(one, "count")), fixture_count(f, sql));
	}
	{
		json_t *places = json_object_get(out, "places");
		json_t *top = json_array_get(places, 0);
		snprintf(sql, sizeof(sql),
			 "SELECT COUNT(*) FROM opinions WHERE region_path LIKE '/329900/329981/%%' AND place = '%s'",
			 json_string_value(json_object_get(top, "name")));
		assert_int_equal(json_integer_value(json_object_get(top, "count")), fixture_count(f, sql));
	}
	json_decref(out);
	fixture_close(f);
}

/* ---- the legal numbers at their boundaries ---- */

/* The defaults are the common practice the jurisdiction settings start from (settings.c,
 * DOMAIN: every deadline is a setting whose default is the national value or common practice):
 * the one place these numbers are written in a test. */
static void defaults_are_the_legal_numbers(void **state)
{
	static const struct {
		const char *key;
		int value;
	} legal[] = {{"opinion.reply_days", 15},       {"opinion.warn_days", 3},
		     {"opinion.return_days", 5},       {"opinion.rehandle_days", 10},
		     {"opinion.close_after_days", 15}, {"opinion.extension_max_days", 15}};
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	(void)state;
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++) {
		const struct setting_def *d = settings_defs;
		int v = -1;
		while (d->key && strcmp(d->key, legal[i].key))
			d++;
		if (!d->key)
			fail_msg("no setting %s", legal[i].key);
		assert_int_equal(d->dflt, legal[i].value);
		/* and it is what a township without settings of its own gets */
		assert_int_equal(settings_int(c, "/329900/329981/329981101/", legal[i].key, &v, &e), 0);
		assert_int_equal(v, legal[i].value);
	}
	db_release(f->db, c);
	fixture_close(f);
}

static const char *const TOWN = "/329900/329981/329981101/"; /* 松岭镇, where the opinions below are */

static int setting(struct fixture *f, const char *key)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int v = -1;
	assert_int_equal(settings_int(c, TOWN, key, &v, &e), 0);
	db_release(f->db, c);
	return v;
}

/* The day n working days after day on the database's holiday calendar. */
static int32_t workdays_after(struct fixture *f, int32_t day, int n)
{
	struct db_conn *c = db_acquire(f->db);
	struct holidays h;
	struct err e = {0};
	int32_t d;
	assert_int_equal(holidays_load(c, &h, &e), 0);
	d = n > 0 ? cal_add_workdays(&h.cal, day, n) : day;
	holidays_free(&h);
	db_release(f->db, c);
	return d;
}

/* The clock at ten in the morning of day in China. */
static void at_day(int32_t day)
{
	util_set_now(cal_day_start(day) + 10 * 3600);
}

static void ymd(int32_t day, char out[11])
{
	cal_format(day, out);
}

/* A new opinion of 松岭镇 registered by county; its id, and its tracking code and secret. */
static int64_t registered(struct fixture *f, const struct actor *county, char *code, char *secret)
{
	json_t *in = json_pack("{s:s, s:s, s:s}", "region_code", "329981101", "channel", "visit",
			       "body", "边界测试：松岭镇石桥的栏杆松动，行人经过有危险。");
	json_t *out = NULL, *o;
	struct err e = {0};
	int64_t id;
	if (opinion_create(f->db, county, in, &out, &e))
		fail_msg("register: %s", e.msg);
	o = json_object_get(out, "opinion");
	id = json_integer_value(json_object_get(o, "id"));
	if (code)
		snprintf(code, 16, "%s", json_string_value(json_object_get(o, "tracking_code")));
	if (secret)
		snprintf(secret, 64, "%s", json_string_value(json_object_get(o, "secret")));
	json_decref(out);
	json_decref(in);
	return id;
}

/* A step that must be refused with code. */
static void refused(struct fixture *f, const struct actor *a, int64_t id, const char *json,
		    int want, const char *code)
{
	json_t *in = json_loads(json, 0, NULL), *out = NULL;
	struct err e = {0};
	int rc = opinion_act(f->db, a, id, in, &out, &e);
	json_decref(in);
	json_decref(out);
	if (rc != want || strcmp(e.code, code))
		fail_msg("%s: want %d %s, got %d %s (%s)", json, want, code, rc, e.code, e.msg);
}

static const char *field(json_t *out, const char *name)
{
	return json_string_value(json_object_get(json_object_get(out, "opinion"), name));
}

static int64_t count_of(struct fixture *f, const char *fmt, int64_t id)
{
	char sql[512];
	snprintf(sql, sizeof(sql), fmt, (long long)id);
	return fixture_count(f, sql);
}

/* A handling unit may return an opinion up to opinion.return_days working days after it was
 * assigned (that day not counted): on the last day it may, the day after it may not. */
/* Settings and the holiday calendar are cached for reads: a write through the API is seen by
 * the next read at once, and a writing transaction reads its own uncommitted rows. */
static void cached_settings_follow_writes(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor city = staff("city_staff", 0);
	struct err e = {0};
	json_t *in, *out = NULL;
	struct db_conn *c;
	int32_t day0 = cal_from_ymd(2026, 12, 7), before, after; /* a Monday */
	int v = -1;
	(void)state;

	snprintf(city.region_code, sizeof(city.region_code), "329900");
	snprintf(city.region_path, sizeof(city.region_path), "/329900/");
	assert_int_equal(setting(f, "opinion.warn_days"), 3);
	assert_int_equal(setting(f, "opinion.warn_days"), 3); /* now from the cache */
	in = json_pack("{s:i}", "opinion.warn_days", 7);
	assert_int_equal(settings_put(f->db, &city, "329981", in, &out, &e), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(setting(f, "opinion.warn_days"), 7);

	before = workdays_after(f, day0, 1);
	assert_int_equal(before, day0 + 1);
	in = json_pack("{s:s,s:s}", "day", "2026-12-08", "kind", "holiday");
	assert_int_equal(holidays_put(f->db, &city, in, &out, &e), 0);
	json_decref(in);
	json_decref(out);
	after = workdays_after(f, day0, 1);
	assert_int_equal(after, day0 + 2);

	/* inside a writing transaction the database itself is read */
	c = db_acquire(f->db);
	assert_int_equal(db_begin(c, &e), 0);
	assert_int_equal(db_execv(c, NULL, &e,
				  "UPDATE settings SET value = '9' WHERE region_code = '329981'"
				  " AND key = 'opinion.warn_days'",
				  ""),
			 0);
	assert_int_equal(settings_int(c, TOWN, "opinion.warn_days", &v, &e), 0);
	assert_int_equal(v, 9);
	db_rollback(c);
	db_release(f->db, c);
	assert_int_equal(setting(f, "opinion.warn_days"), 7);
	fixture_close(f);
}

static void return_window_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	int32_t day0 = cal_from_ymd(2026, 9, 21); /* across 中秋节 and 国庆节 */
	int window;
	int64_t a, b;
	(void)state;

	window = setting(f, "opinion.return_days");
	at_day(day0);
	a = registered(f, &county, NULL, NULL);
	b = registered(f, &county, NULL, NULL);
	json_decref(act(f, &county, a, "{\"action\":\"assign\",\"handler_id\":1}", 0));
	json_decref(act(f, &county, b, "{\"action\":\"assign\",\"handler_id\":1}", 0));
	at_day(workdays_after(f, day0, window));
	json_decref(act(f, &handler, a, "{\"action\":\"return\",\"reason\":\"不属于本单位职责\"}", 0));
	at_day(workdays_after(f, day0, window + 1));
	refused(f, &handler, b, "{\"action\":\"return\",\"reason\":\"不属于本单位职责\"}",
		E_CONFLICT, "return_window");
	assert_int_equal(
		count_of(f, "SELECT COUNT(*) FROM opinions WHERE id = %lld AND state = 'assigned'", b), 1);
	util_set_now(0);
	fixture_close(f);
}

/* 催办 (chase.near_days): with the deadline near_days + 1 working days ahead a chase is refused;
 * near_days ahead (the day after, across 中秋节 and 国庆节) it is taken and counted for the unit;
 * past the deadline too. */
static void chase_near_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0);
	int32_t day0 = cal_from_ymd(2026, 9, 21);
	const char *chase = "{\"action\":\"chase\",\"message\":\"请尽快办理\"}";
	int near, days;
	char json[96];
	int64_t a;
	(void)state;

	near = setting(f, "chase.near_days");
	days = near + 5;
	at_day(day0);
	a = registered(f, &county, NULL, NULL);
	snprintf(json, sizeof(json), "{\"action\":\"assign\",\"handler_id\":1,\"days\":%d}", days);
	json_decref(act(f, &county, a, json, 0));
	/* the deadline is `days` working days after day0 */
	at_day(workdays_after(f, day0, days - near - 1));
	refused(f, &county, a, chase, E_CONFLICT, "not_due");
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM chases WHERE object_id = %lld", a), 0);
	at_day(workdays_after(f, day0, days - near));
	json_decref(act(f, &county, a, chase, 0));
	assert_int_equal(
		count_of(f, "SELECT COUNT(*) FROM chases WHERE object_id = %lld AND handler_id = 1", a), 1);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM opinion_events WHERE opinion_id = %lld AND action = 'chase'",
				  a),
			 1);
	at_day(workdays_after(f, day0, days + 3));
	json_decref(act(f, &county, a, chase, 0));
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM chases WHERE object_id = %lld", a), 2);
	util_set_now(0);
	fixture_close(f);
}

/* The rule alone: overdue, or at most near working days left. */
static void chase_near_rule(void **state)
{
	struct workcal w;
	int32_t mon = cal_from_ymd(2026, 3, 2); /* a Monday, no holidays in the week */
	(void)state;
	memset(&w, 0, sizeof(w));
	assert_true(chase_near(&w, mon, mon + 3, 3));  /* Thursday: 3 working days */
	assert_false(chase_near(&w, mon, mon + 4, 3)); /* Friday: 4 */
	assert_true(chase_near(&w, mon, mon + 4, 4));
	assert_true(chase_near(&w, mon, mon, 0));      /* due today */
	assert_false(chase_near(&w, mon, mon + 1, 0)); /* due tomorrow, near 0 */
	assert_true(chase_near(&w, mon + 1, mon, 0));  /* overdue */
	/* the working days left the lists show: 0 on the day, negative once past */
	assert_int_equal(chase_days_left(&w, mon, mon + 3), 3);
	assert_int_equal(chase_days_left(&w, mon, mon + 7), 5); /* to next Monday: Tue–Fri and Monday */
	assert_int_equal(chase_days_left(&w, mon, mon), 0);
	assert_int_equal(chase_days_left(&w, mon + 2, mon), -2);
	assert_int_equal(chase_days_left(&w, mon + 5, mon + 4), -1); /* a Saturday after a Friday's deadline */
}

/* Deadlines in working days from the settings: assignment (opinion.reply_days), handling again
 * after a citizen is not satisfied (opinion.rehandle_days); within opinion.warn_days working
 * days a deadline is "warn" and the unit is told once, one day more is "ok" and it is not. */
static void deadlines_and_warnings(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	struct jobs_config cfg = {NULL, 1, 1};
	int32_t day0 = cal_from_ymd(2026, 9, 21);
	char want[11], code[16], secret[64], json[128];
	int reply_days, rehandle_days, warn;
	int64_t a, b, c;
	json_t *out, *in;
	struct err e = {0};
	(void)state;

	reply_days = setting(f, "opinion.reply_days");
	rehandle_days = setting(f, "opinion.rehandle_days");
	warn = setting(f, "opinion.warn_days");
	at_day(day0);
	a = registered(f, &county, code, secret);
	out = act(f, &county, a, "{\"action\":\"assign\",\"handler_id\":1}", 0);
	ymd(workdays_after(f, day0, reply_days), want);
	assert_string_equal(field(out, "deadline"), want);
	assert_string_equal(field(out, "due"), "ok");
	json_decref(out);
	json_decref(act(f, &handler, a, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, a, "{\"action\":\"reply\",\"reply\":\"已紧固栏杆\"}", 0));
	in = json_pack("{s:s, s:s}", "secret", secret, "rating", "unsatisfied");
	assert_int_equal(opinion_rate(f->db, code, in, &out, &e), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(opinion_get(f->db, &county, a, &out, &e), 0);
	ymd(workdays_after(f, day0, rehandle_days), want);
	assert_string_equal(field(out, "deadline"), want);
	assert_string_equal(field(out, "state"), "assigned");
	json_decref(out);

	b = registered(f, &county, NULL, NULL);
	snprintf(json, sizeof(json), "{\"action\":\"assign\",\"handler_id\":1,\"days\":%d}", warn);
	out = act(f, &county, b, json, 0);
	assert_string_equal(field(out, "due"), "warn");
	json_decref(out);
	c = registered(f, &county, NULL, NULL);
	snprintf(json, sizeof(json), "{\"action\":\"assign\",\"handler_id\":1,\"days\":%d}", warn + 1);
	out = act(f, &county, c, json, 0);
	assert_string_equal(field(out, "due"), "ok");
	json_decref(out);
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM notifications WHERE kind = 'due' AND link = '/opinions/%lld'",
				  b),
			 1);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM notifications WHERE kind = 'due' AND link = '/opinions/%lld'",
				  c),
			 0);
	/* told once */
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM notifications WHERE kind = 'due' AND link = '/opinions/%lld'",
				  b),
			 1);
	util_set_now(0);
	fixture_close(f);
}

/* One extension asks for at most opinion.extension_max_days working days. */
static void extension_max_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	struct err e = {0};
	json_t *in, *out = NULL;
	int max;
	int64_t id;
	(void)state;

	max = setting(f, "opinion.extension_max_days");
	id = registered(f, &county, NULL, NULL);
	json_decref(act(f, &county, id, "{\"action\":\"assign\",\"handler_id\":1}", 0));
	in = json_pack("{s:i, s:s}", "days", max + 1, "reason", "工程量大，需要更多时间");
	assert_int_equal(opinion_extension_request(f->db, &handler, id, in, &out, &e), E_INVALID);
	assert_string_equal(e.field, "days");
	json_decref(in);
	in = json_pack("{s:i, s:s}", "days", max, "reason", "工程量大，需要更多时间");
	assert_int_equal(opinion_extension_request(f->db, &handler, id, in, &out, &e), 0);
	json_decref(in);
	json_decref(out);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM extensions WHERE opinion_id = %lld AND status = 'pending'",
				  id),
			 1);
	fixture_close(f);
}

/* A reply nobody rated is closed by the system after opinion.close_after_days working days:
 * still open on the last of them, closed the day after, through the state machine (its event
 * and an audit record). */
static void close_after_days_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), handler = staff("handler", 1);
	struct jobs_config cfg = {NULL, 1, 1};
	int32_t day0 = cal_from_ymd(2026, 9, 21);
	struct err e = {0};
	int n;
	int64_t id;
	(void)state;

	n = setting(f, "opinion.close_after_days");
	at_day(day0);
	id = registered(f, &county, NULL, NULL);
	json_decref(act(f, &county, id, "{\"action\":\"assign\",\"handler_id\":1}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"accept\"}", 0));
	json_decref(act(f, &handler, id, "{\"action\":\"reply\",\"reply\":\"已紧固栏杆\"}", 0));
	at_day(workdays_after(f, day0, n));
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(
		count_of(f, "SELECT COUNT(*) FROM opinions WHERE id = %lld AND state = 'replied'", id), 1);
	at_day(workdays_after(f, day0, n + 1));
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(count_of(f,
				  "SELECT COUNT(*) FROM opinions WHERE id = %lld AND state = 'closed'"
				  " AND closed_at IS NOT NULL",
				  id),
			 1);
	assert_int_equal(count_of(f,
				  "SELECT COUNT(*) FROM opinion_events WHERE opinion_id = %lld AND action = 'close'"
				  " AND from_state = 'replied' AND to_state = 'closed' AND actor = '系统'"
				  " AND note = '答复后逾期未评价，自动办结'",
				  id),
			 1);
	assert_int_equal(count_of(f,
				  "SELECT COUNT(*) FROM audit WHERE action = 'opinion.auto_close' AND object_type = 'opinion'"
				  " AND object_id = '%lld' AND actor = '(system)' AND before LIKE '%%\"state\":\"replied\"%%'"
				  " AND after LIKE '%%\"state\":\"closed\"%%'",
				  id),
			 1);
	/* a second pass has nothing more to do */
	assert_int_equal(jobs_run_once(f->db, &cfg, &e), 0);
	assert_int_equal(count_of(f, "SELECT COUNT(*) FROM audit WHERE action = 'opinion.auto_close' AND object_id = '%lld'",
				  id),
			 1);
	util_set_now(0);
	fixture_close(f);
}

/* Escalation (转交上级): the township's staff send an opinion up to the county with a reason, once;
 * only the county's staff assign it (to a county unit) or return it; each step is audited and in
 * the history. */
static void escalation(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = staff("county_staff", 0), town = staff("unit_staff", 0),
		     other = staff("unit_staff", 0), city = staff("city_staff", 0), handler;
	const char *up = "{\"action\":\"escalate\",\"reason\":\"县道桥梁归县交通局管养\"}";
	int64_t hc = fixture_count(f, "SELECT MIN(id) FROM handlers WHERE region_code = '329981'"),
		ht = fixture_count(f, "SELECT MIN(id) FROM handlers WHERE region_code = '329981101'"),
		id, back, top;
	char to_county[64], to_town[64], sql[256];
	json_t *in, *out = NULL;
	struct err e = {0};
	(void)state;

	handler = staff("handler", hc);
	snprintf(town.region_code, sizeof(town.region_code), "329981101");
	snprintf(town.region_path, sizeof(town.region_path), "/329900/329981/329981101/");
	snprintf(other.region_code, sizeof(other.region_code), "329981102");
	snprintf(other.region_path, sizeof(other.region_path), "/329900/329981/329981102/");
	snprintf(city.region_code, sizeof(city.region_code), "329900");
	snprintf(city.region_path, sizeof(city.region_path), "/329900/");
	snprintf(to_county, sizeof(to_county), "{\"action\":\"assign\",\"handler_id\":%lld}",
		 (long long)hc);
	snprintf(to_town, sizeof(to_town), "{\"action\":\"assign\",\"handler_id\":%lld}", (long long)ht);
	for (int i = 0; i < 3; i++) {
		in = json_pack("{s:s, s:s}", "region_code", i < 2 ? "329981101" : "329981", "body",
			       "县道松岭段桥梁出现裂缝，影响通行安全。");
		assert_int_equal(opinion_submit(f->db, "127.0.0.1", LIMIT_PUBLIC_SUBMITS, in, &out, &e), 0);
		json_decref(out);
		json_decref(in);
	}
	top = fixture_count(f, "SELECT MAX(id) FROM opinions");
	back = top - 1;
	id = top - 2;

	json_decref(act(f, &town, id, "{\"action\":\"escalate\"}", E_INVALID));
	json_decref(act(f, &town, id, "{\"action\":\"escalate\",\"reason\":\"短\"}", E_INVALID));
	json_decref(act(f, &other, id, up, E_NOTFOUND));   /* another township's */
	json_decref(act(f, &handler, id, up, E_NOTFOUND)); /* not a unit's */
	json_decref(act(f, &county, id, up, E_FORBIDDEN)); /* the county assigns it itself */
	json_decref(act(f, &county, top, up, E_CONFLICT)); /* a county's own: nothing above */
	out = act(f, &town, id, up, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "state")),
			    "escalated");
	json_decref(out);
	json_decref(act(f, &town, id, up, E_CONFLICT));
	json_decref(act(f, &town, id, to_town, E_FORBIDDEN));
	json_decref(act(f, &city, id, to_county, E_FORBIDDEN));
	json_decref(act(f, &county, id, to_town, E_INVALID));
	out = act(f, &county, id, to_county, 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "opinion"), "state")),
			    "assigned");
	json_decref(out);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM opinions WHERE id = %lld AND escalated_to = '329981' AND handler_id = %lld"
		 " AND escalation_reason = '县道桥梁归县交通局管养' AND deadline IS NOT NULL",
		 (long long)id, (long long)hc);
	assert_int_equal(fixture_count(f, sql), 1);
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM opinion_events WHERE opinion_id = %lld AND action IN ('escalate','assign')",
		 (long long)id);
	assert_int_equal(fixture_count(f, sql), 2);

	/* returned with a reason: the township's to handle, and it goes up only once */
	json_decref(act(f, &town, back, up, 0));
	json_decref(act(f, &town, back, "{\"action\":\"escalation_return\",\"reason\":\"镇里办\"}",
			E_FORBIDDEN));
	json_decref(act(f, &county, back, "{\"action\":\"escalation_return\"}", E_INVALID));
	json_decref(act(f, &county, back, "{\"action\":\"escalation_return\",\"reason\":\"属镇级事权\"}", 0));
	json_decref(act(f, &town, back, up, E_CONFLICT));
	json_decref(act(f, &town, back, to_town, 0));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM opinions WHERE id = %lld AND reason = '属镇级事权'",
		 (long long)back);
	assert_int_equal(fixture_count(f, sql), 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'opinion.escalate' AND outcome = 'done'"),
			 2);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'opinion.escalation_return' AND outcome = 'done'"),
			 1);
	fixture_close(f);
}

/* A tracking code typed in a search box: six digits and six code letters, in any case. */
static void tracking_codes(void **state)
{
	char code[13];
	(void)state;
	assert_int_equal(opinion_code_of("261207APUQ6J", code), 1);
	assert_string_equal(code, "261207APUQ6J");
	assert_int_equal(opinion_code_of("261207apuq6j", code), 1);
	assert_string_equal(code, "261207APUQ6J");
	assert_int_equal(opinion_code_of("261207APUQ6", code), 0);   /* one short */
	assert_int_equal(opinion_code_of("261207APUQ6JK", code), 0); /* one long */
	assert_int_equal(opinion_code_of("26120XAPUQ6J", code), 0);  /* a letter in the date */
	assert_int_equal(opinion_code_of("261207APUQ0J", code), 0);  /* 0 is not a code letter */
	assert_int_equal(opinion_code_of("261207APUQIJ", code), 0);  /* nor I */
	assert_int_equal(opinion_code_of("路灯不亮路灯不亮", code), 0);
	assert_int_equal(opinion_code_of(NULL, code), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_transition),
		cmocka_unit_test(tracking_codes),
		cmocka_unit_test(the_loop),
		cmocka_unit_test(per_address_limit),
		cmocka_unit_test(merged_cases_share_the_reply),
		cmocka_unit_test(jobs_close_and_queue),
		cmocka_unit_test(stats_agree_with_counts),
		cmocka_unit_test(defaults_are_the_legal_numbers),
		cmocka_unit_test(return_window_boundary),
		cmocka_unit_test(chase_near_boundary),
		cmocka_unit_test(chase_near_rule),
		cmocka_unit_test(cached_settings_follow_writes),
		cmocka_unit_test(deadlines_and_warnings),
		cmocka_unit_test(extension_max_boundary),
		cmocka_unit_test(close_after_days_boundary),
		cmocka_unit_test(escalation),
		cmocka_unit_test(jobs_fill_words),
	};
	return cmocka_run_group_tests_name("opinion", tests, NULL, NULL);
}
