/* Unit tests of meetings: the legal arithmetic (quorum, passing rules, candidate counts, ballot
 * and round validity, ties and further rounds), the state machines, and the domain on a demo
 * database: bad input refused, nothing counted twice, and no stored path from ballot to voter. */
#include "fixture.h"
#include "meeting.h"
#include "tally.h"

static void quorum(void **state)
{
	(void)state;
	assert_true(tally_quorum(20, 30, 2, 3));   /* exactly two-thirds */
	assert_false(tally_quorum(19, 30, 2, 3));
	assert_true(tally_quorum(27, 40, 2, 3));   /* 26.67 → 27 */
	assert_false(tally_quorum(26, 40, 2, 3));
	assert_int_equal(tally_quorum_needed(40, 2, 3), 27);
	assert_int_equal(tally_quorum_needed(30, 2, 3), 20);
	assert_false(tally_quorum(0, 0, 2, 3));
}

static void passing(void **state)
{
	(void)state;
	/* more than half of all members: exactly half fails */
	assert_false(tally_passes(20, 40, TALLY_HALF));
	assert_true(tally_passes(21, 40, TALLY_HALF));
	assert_true(tally_passes(16, 31, TALLY_HALF));
	assert_false(tally_passes(15, 31, TALLY_HALF));
	assert_int_equal(tally_needed(40, TALLY_HALF), 21);
	assert_int_equal(tally_needed(31, TALLY_HALF), 16);
	/* two-thirds: exactly two-thirds passes */
	assert_true(tally_passes(20, 30, TALLY_TWO_THIRDS));
	assert_false(tally_passes(19, 30, TALLY_TWO_THIRDS));
	assert_int_equal(tally_needed(31, TALLY_TWO_THIRDS), 21);
	assert_false(tally_passes(0, 0, TALLY_HALF));
}

static void candidates(void **state)
{
	/* the arithmetic of a rule, on example rules (the rules themselves: settings_defaults) */
	const struct tally_cand_rule head = {0, 1, 0}, vice = {1, 3, 0}, project = {1, -1, 120};
	int min, max;
	(void)state;
	assert_int_equal(tally_candidates_check(head, 1, 1), 0);
	assert_int_equal(tally_candidates_check(head, 1, 2), 0);
	assert_int_equal(tally_candidates_check(head, 1, 3), 1);  /* preliminary */
	assert_int_equal(tally_candidates_check(vice, 2, 2), -1); /* must be contested */
	assert_int_equal(tally_candidates_check(vice, 2, 3), 0);
	assert_int_equal(tally_candidates_check(vice, 2, 5), 0);
	assert_int_equal(tally_candidates_check(vice, 2, 6), 1);
	assert_int_equal(tally_candidates_check(vice, 1, 1), -1); /* a further round too */
	assert_int_equal(tally_candidates_check(project, 10, 11), -1);
	assert_int_equal(tally_candidates_check(project, 10, 12), 0);
	assert_int_equal(tally_candidates_check(project, 10, 1000), 0); /* no upper bound */
	tally_candidate_range(project, 1, &min, &max); /* 120% of one is two: rounded up */
	assert_int_equal(min, 2);
	assert_int_equal(max, TALLY_NO_MAX);
	tally_candidate_range((struct tally_cand_rule){3, -1, 120}, 10, &min, &max); /* the larger minimum wins */
	assert_int_equal(min, 13);
	assert_true(tally_ballot_valid(2, 2));
	assert_false(tally_ballot_valid(3, 2)); /* more "for" marks than seats */
	assert_true(tally_round_valid(36, 36));
	assert_false(tally_round_valid(36, 37)); /* more returned than issued: void */
}

static void rounds(void **state)
{
	struct tally_candidate c[4];
	int el, tied, ts;
	(void)state;
	/* 40 members: 21 needed. Two seats, three pass, the highest two win. */
	c[0] = (struct tally_candidate){1, 30, 0};
	c[1] = (struct tally_candidate){2, 25, 0};
	c[2] = (struct tally_candidate){3, 22, 0};
	ts = tally_round(c, 3, 2, 40, &el, &tied);
	assert_int_equal(ts, 0);
	assert_int_equal(el, 2);
	assert_int_equal(c[2].id, 3);
	assert_int_equal(c[2].outcome, OUT_NOT_ELECTED);
	/* a tie for the last seat: the tied vote again for one seat */
	c[0] = (struct tally_candidate){1, 30, 0};
	c[1] = (struct tally_candidate){2, 22, 0};
	c[2] = (struct tally_candidate){3, 22, 0};
	ts = tally_round(c, 3, 2, 40, &el, &tied);
	assert_int_equal(ts, 1);
	assert_int_equal(el, 1);
	assert_int_equal(tied, 2);
	assert_int_equal(c[1].outcome, OUT_TIE);
	assert_int_equal(c[2].outcome, OUT_TIE);
	/* exactly half of all members is not elected; one seat stays unfilled */
	c[0] = (struct tally_candidate){1, 30, 0};
	c[1] = (struct tally_candidate){2, 20, 0};
	c[2] = (struct tally_candidate){3, 10, 0};
	ts = tally_round(c, 3, 2, 40, &el, &tied);
	assert_int_equal(ts, 0);
	assert_int_equal(el, 1);
	/* tied but both fit the seats: both elected */
	c[0] = (struct tally_candidate){1, 25, 0};
	c[1] = (struct tally_candidate){2, 25, 0};
	c[2] = (struct tally_candidate){3, 5, 0};
	ts = tally_round(c, 3, 2, 40, &el, &tied);
	assert_int_equal(el, 2);
	assert_int_equal(ts, 0);
}

static void machines(void **state)
{
	(void)state;
	assert_string_equal(meeting_next_state("planned", "open_signin"), "signin_open");
	assert_string_equal(meeting_next_state("signin_open", "open"), "in_session");
	assert_string_equal(meeting_next_state("in_session", "close"), "closed");
	assert_null(meeting_next_state("planned", "open"));
	assert_null(meeting_next_state("closed", "open"));
	assert_string_equal(vote_next_state("draft", "open"), "open");
	assert_null(vote_next_state("closed", "open"));
	assert_null(vote_next_state("draft", "close"));
	assert_string_equal(round_next_state("open", "count"), "counted");
	assert_null(round_next_state("counted", "open"));
}

static struct actor staff(void)
{
	struct actor a = {0};
	snprintf(a.role, sizeof(a.role), "unit_staff");
	snprintf(a.username, sizeof(a.username), "t");
	snprintf(a.region_path, sizeof(a.region_path), "/329900/329981/329981101/");
	return a;
}

static json_t *call(int want, int rc, json_t *out, struct err *e)
{
	if (rc != want)
		fail_msg("rc %d, want %d: %s %s", rc, want, e->code, e->msg);
	return out;
}

static void domain(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor st = staff(), dep = {0}, other = {0};
	struct err e = {0};
	json_t *out = NULL, *in;
	int64_t ids[3], mid, vid, eid, rid, c1, c2, c3;
	(void)state;
	snprintf(dep.role, sizeof(dep.role), "deputy");
	other = dep;
	{
		struct db_conn *c = db_acquire(f->db);
		struct db_res *r;
		assert_int_equal(db_exec(c, "SELECT id FROM deputies WHERE region_code = '329981101' ORDER BY id LIMIT 3", NULL, &r, &e), 0);
		for (int i = 0; i < 3; i++)
			ids[i] = db_int(r, i, 0);
		db_res_free(r);
		assert_int_equal(db_exec(c, "SELECT MIN(id) FROM deputies WHERE region_code <> '329981101'", NULL, &r, &e), 0);
		other.deputy_id = db_int(r, 0, 0);
		db_res_free(r);
		db_release(f->db, c);
	}
	/* a presidium meeting of three */
	in = json_pack("{s:s,s:s,s:s,s:s,s:[I,I,I]}", "kind", "presidium", "title", "主席团第一次会议", "region_code",
		       "329981101", "starts_on", "2026-02-01", "member_ids", (json_int_t)ids[0], (json_int_t)ids[1], (json_int_t)ids[2]);
	call(0, meeting_create(f->db, &st, in, &out, &e), out, &e);
	json_decref(in);
	mid = json_integer_value(json_object_get(json_object_get(out, "meeting"), "id"));
	assert_int_equal(json_array_size(json_object_get(json_object_get(out, "meeting"), "warnings")), 1); /* no notice date */
	json_decref(out);
#define DO(want, fn, a, id, ...)                                           \
	do {                                                               \
		in = json_pack(__VA_ARGS__);                               \
		out = NULL;                                                \
		call(want, fn(f->db, a, id, in, &out, &e), out, &e);       \
		json_decref(in);                                           \
	} while (0)
	DO(0, meeting_act, &st, mid, "{s:s}", "action", "open_signin");
	json_decref(out);
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id", (json_int_t)ids[0]);
	json_decref(out);
	DO(E_CONFLICT, meeting_act, &st, mid, "{s:s}", "action", "open"); /* 1 of 3: no quorum */
	assert_string_equal(e.code, "no_quorum");
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id", (json_int_t)ids[1]);
	json_decref(out);
	DO(0, meeting_act, &st, mid, "{s:s}", "action", "open"); /* exactly two-thirds */
	json_decref(out);
	DO(0, vote_create, &st, mid, "{s:s}", "title", "议题一");
	vid = json_integer_value(json_object_get(json_object_get(out, "vote"), "id"));
	json_decref(out);
	/* a sign-out drops below the quorum: the vote cannot open */
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_out", "deputy_id", (json_int_t)ids[1]);
	json_decref(out);
	DO(E_CONFLICT, vote_act, &st, vid, "{s:s}", "action", "open");
	assert_string_equal(e.code, "no_quorum");
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id", (json_int_t)ids[1]);
	json_decref(out);
	DO(0, vote_act, &st, vid, "{s:s}", "action", "open");
	json_decref(out);
	dep.deputy_id = ids[0];
	DO(0, vote_cast, &dep, vid, "{s:s}", "choice", "for");
	json_decref(out);
	DO(E_CONFLICT, vote_cast, &dep, vid, "{s:s}", "choice", "against");
	assert_string_equal(e.code, "already_voted");
	dep.deputy_id = ids[2]; /* a member who is not present */
	DO(E_CONFLICT, vote_cast, &dep, vid, "{s:s}", "choice", "for");
	assert_string_equal(e.code, "not_present");
	DO(E_NOTFOUND, vote_cast, &other, vid, "{s:s}", "choice", "for"); /* not a member */
	DO(0, vote_act, &st, vid, "{s:s}", "action", "close");
	/* one "for" of three members: not more than half of all */
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "vote"), "for")), 1);
	assert_true(json_is_false(json_object_get(json_object_get(out, "vote"), "passed")));
	json_decref(out);
	dep.deputy_id = ids[1];
	DO(E_CONFLICT, vote_cast, &dep, vid, "{s:s}", "choice", "for"); /* after close */
	assert_string_equal(e.code, "bad_state");

	/* an election: too few candidates for a vice post, then a ballot with too many marks */
	DO(0, election_create, &st, mid, "{s:s,s:s,s:i}", "office", "副主席", "office_kind", "vice", "seats", 1);
	eid = json_integer_value(json_object_get(json_object_get(out, "election"), "id"));
	rid = json_integer_value(json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	json_decref(out);
	DO(201 - 201, round_candidate_add, &st, rid, "{s:s,s:s}", "name", "甲", "nominated_by", "presidium");
	json_decref(out);
	DO(E_CONFLICT, round_act, &st, rid, "{s:s}", "action", "open");
	assert_string_equal(e.code, "candidate_count");
	DO(E_INVALID, round_candidate_add, &st, rid, "{s:s,s:s,s:[I]}", "name", "乙", "nominated_by", "deputies",
	   "nominator_ids", (json_int_t)ids[0]);
	assert_string_equal(e.code, "too_few_nominators");
	DO(0, round_candidate_add, &st, rid, "{s:s,s:s}", "name", "乙", "nominated_by", "presidium");
	{
		json_t *cs = json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "candidates");
		c1 = json_integer_value(json_object_get(json_array_get(cs, 0), "id"));
		c2 = json_integer_value(json_object_get(json_array_get(cs, 1), "id"));
	}
	json_decref(out);
	DO(0, round_act, &st, rid, "{s:s}", "action", "open");
	json_decref(out);
	{
		char k1[24], k2[24];
		snprintf(k1, sizeof(k1), "%lld", (long long)c1);
		snprintf(k2, sizeof(k2), "%lld", (long long)c2);
		dep.deputy_id = ids[0];
		DO(0, round_ballot, &dep, rid, "{s:{s:s,s:s}}", "marks", k1, "for", k2, "for"); /* two "for" for one seat */
		assert_true(json_is_false(json_object_get(out, "valid")));
		json_decref(out);
		DO(E_CONFLICT, round_ballot, &dep, rid, "{s:{s:s}}", "marks", k1, "for");
		assert_string_equal(e.code, "already_voted");
		dep.deputy_id = ids[1];
		DO(0, round_ballot, &dep, rid, "{s:{s:s,s:s}}", "marks", k1, "for", k2, "against");
		assert_true(json_is_true(json_object_get(out, "valid")));
		json_decref(out);
	}
	DO(0, round_act, &st, rid, "{s:s}", "action", "count");
	{
		json_t *r0 = json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0);
		assert_int_equal(json_integer_value(json_object_get(r0, "returned")), 2);
		assert_int_equal(json_integer_value(json_object_get(r0, "invalid")), 1);
		/* one vote of three members is not more than half: a further round follows */
		assert_int_equal(json_array_size(json_object_get(json_object_get(out, "election"), "rounds")), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 1), "kind")), "further");
	}
	json_decref(out);
	(void)eid;
	(void)c3;

	/* no stored path from a ballot to a voter: the ballot tables hold neither voter, time nor
	 * sequence, and who voted is kept apart without a time */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM pragma_table_info('round_voters') WHERE name NOT IN ('round_id','deputy_id','channel')"), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM pragma_table_info('election_candidates') WHERE name LIKE '%deputy%' AND name <> 'deputy_id'"), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%ballot%'"), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'election.ballot' AND (after LIKE '%for%' OR after LIKE '%marks%')"), 0);
	/* an anonymous vote keeps who voted, not how */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM vote_casts c JOIN votes v ON v.id = c.vote_id WHERE v.recorded = 0 AND c.choice IS NOT NULL"), 0);
	fixture_close(f);
}

static void tellers(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor t1 = staff(), t2 = staff();
	struct err e = {0};
	json_t *out = NULL, *in;
	int64_t mid, rid, cand[2];
	char k0[24], k1[24];
	(void)state;
	t1.account_id = 1;
	t2.account_id = 2;
	/* the demo's closed session: make a new one and take the demo's members */
	in = json_pack("{s:s,s:s,s:s,s:s,s:i}", "kind", "session", "title", "临时会议", "region_code", "329981101",
		       "starts_on", "2026-03-01", "term", 18);
	call(0, meeting_create(f->db, &t1, in, &out, &e), out, &e);
	json_decref(in);
	mid = json_integer_value(json_object_get(json_object_get(out, "meeting"), "id"));
	json_decref(out);
	DO(0, meeting_act, &t1, mid, "{s:s}", "action", "open_signin");
	json_decref(out);
	{
		json_t *list = NULL, *m;
		size_t i;
		call(0, meeting_attendance(f->db, &t1, mid, &list, &e), list, &e);
		json_array_foreach(json_object_get(list, "items"), i, m) {
			DO(0, meeting_attend, &t1, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id",
			   (json_int_t)json_integer_value(json_object_get(m, "deputy_id")));
			json_decref(out);
		}
		json_decref(list);
	}
	DO(0, meeting_act, &t1, mid, "{s:s}", "action", "open");
	json_decref(out);
	DO(0, election_create, &t1, mid, "{s:s,s:s,s:i}", "office", "镇长", "office_kind", "head", "seats", 1);
	rid = json_integer_value(json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	json_decref(out);
	DO(0, round_candidate_add, &t1, rid, "{s:s,s:s}", "name", "甲", "nominated_by", "presidium");
	json_decref(out);
	DO(0, round_candidate_add, &t1, rid, "{s:s,s:s}", "name", "乙", "nominated_by", "presidium");
	{
		json_t *cs = json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "candidates");
		cand[0] = json_integer_value(json_object_get(json_array_get(cs, 0), "id"));
		cand[1] = json_integer_value(json_object_get(json_array_get(cs, 1), "id"));
	}
	json_decref(out);
	DO(0, round_act, &t1, rid, "{s:s}", "action", "open");
	json_decref(out);
	snprintf(k0, sizeof(k0), "%lld", (long long)cand[0]);
	snprintf(k1, sizeof(k1), "%lld", (long long)cand[1]);
	DO(0, round_paper, &t1, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1, "candidates", k0, "for", 25, k1, "for", 4);
	assert_true(json_is_false(json_object_get(out, "agreed")));
	json_decref(out);
	DO(E_CONFLICT, round_paper, &t2, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1, "candidates", k0, "for", 24, k1, "for", 4);
	assert_string_equal(e.code, "tellers_disagree");
	assert_non_null(strstr(e.msg, "24"));
	DO(0, round_paper, &t2, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1, "candidates", k0, "for", 25, k1, "for", 4);
	assert_true(json_is_true(json_object_get(out, "agreed")));
	json_decref(out);
	DO(E_CONFLICT, round_paper, &t1, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1, "candidates", k0, "for", 25, k1, "for", 4);
	DO(0, round_act, &t1, rid, "{s:s}", "action", "count");
	{
		json_t *r0 = json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0);
		assert_int_equal(json_integer_value(json_object_get(r0, "returned")), 30); /* counted once */
		assert_string_equal(json_string_value(json_object_get(json_object_get(out, "election"), "state")), "done");
	}
	json_decref(out);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quorum),   cmocka_unit_test(passing), cmocka_unit_test(candidates),
		cmocka_unit_test(rounds),   cmocka_unit_test(machines), cmocka_unit_test(domain),
		cmocka_unit_test(tellers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
