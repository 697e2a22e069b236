/* Unit tests of meetings: the legal arithmetic (quorum, passing rules, candidate counts, ballot
 * and round validity, ties and further rounds), the state machines, and the domain on a demo
 * database: bad input refused, nothing counted twice, and no stored path from ballot to voter.
 * The legal numbers are pinned twice: their defaults against DOMAIN.md, and each rule at its
 * boundary (one short refused, exactly met accepted) with the number read from the settings. */
#include "calendar.h"
#include "fixture.h"
#include "meeting.h"
#include "settings.h"
#include "tally.h"

static void quorum(void **state)
{
	(void)state;
	assert_true(tally_quorum(20, 30, 2, 3)); /* exactly two-thirds */
	assert_false(tally_quorum(19, 30, 2, 3));
	assert_true(tally_quorum(27, 40, 2, 3)); /* 26.67 → 27 */
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

/* The satisfaction rating (DOMAIN §6.27) at its boundary, with the share read from the settings
 * (rating.pass_pct): exactly that share of the valid ballots is not passed, one more valid
 * ballot of either satisfied or basically satisfied passes, and invalid ballots are out of the
 * base whatever their number. */
static int setting(struct fixture *f, const char *key);

static void rating(void **state)
{
	struct fixture *f = fixture_open(1);
	int pct = setting(f, "rating.pass_pct");
	int64_t valid = 200, at = valid * pct / 100; /* 200 ballots: pct percent is whole */
	(void)state;
	fixture_close(f);
	assert_true(at * 100 == valid * pct);
	/* exactly pct percent: not passed, however the good ballots split */
	assert_false(tally_rating_passes(at, 0, valid, pct));
	assert_false(tally_rating_passes(at / 2, at - at / 2, valid, pct));
	assert_false(tally_rating_passes(0, at, valid, pct));
	/* one more valid ballot, satisfied or basically satisfied, passes */
	assert_true(tally_rating_passes(at + 1, 0, valid, pct));
	assert_true(tally_rating_passes(at, 1, valid, pct));
	assert_true(tally_rating_passes(0, at + 1, valid, pct));
	/* the base is the valid ballots: invalid ones (none or several grades) are not in it */
	assert_false(tally_rating_valid(0));
	assert_true(tally_rating_valid(1));
	assert_false(tally_rating_valid(2));
	assert_false(tally_rating_valid(3));
	assert_true(tally_rating_passes(3, 0, 5, 50)); /* 3 of 5 valid, whatever the invalid count */
	assert_false(tally_rating_passes(2, 0, 4, 50));  /* 2 of 4 valid: exactly half */
	assert_false(tally_rating_passes(0, 0, 0, pct)); /* no valid ballot never passes */
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
		assert_int_equal(db_exec(c, "SELECT id FROM deputies WHERE region_code = '329981101' ORDER BY id LIMIT 3",
					 NULL, &r, &e),
				 0);
		for (int i = 0; i < 3; i++)
			ids[i] = db_int(r, i, 0);
		db_res_free(r);
		assert_int_equal(db_exec(c, "SELECT MIN(id) FROM deputies WHERE region_code <> '329981101'",
					 NULL, &r, &e),
				 0);
		other.deputy_id = db_int(r, 0, 0);
		db_res_free(r);
		db_release(f->db, c);
	}
	/* a presidium meeting of three */
	in = json_pack("{s:s,s:s,s:s,s:s,s:[I,I,I]}", "kind", "presidium", "title",
		       "主席团第一次会议", "region_code", "329981101", "starts_on", "2026-02-01",
		       "member_ids", (json_int_t)ids[0], (json_int_t)ids[1], (json_int_t)ids[2]);
	call(0, meeting_create(f->db, &st, in, &out, &e), out, &e);
	json_decref(in);
	mid = json_integer_value(json_object_get(json_object_get(out, "meeting"), "id"));
	assert_int_equal(json_array_size(json_object_get(json_object_get(out, "meeting"), "warnings")),
			 1); /* no notice date */
	json_decref(out);
#define DO(want, fn, a, id, ...)                                     \
	do {                                                         \
		in = json_pack(__VA_ARGS__);                         \
		out = NULL;                                          \
		call(want, fn(f->db, a, id, in, &out, &e), out, &e); \
		json_decref(in);                                     \
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
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_out", "deputy_id",
	   (json_int_t)ids[1]);
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

	/* an election on an agenda item of another meeting is refused by name */
	DO(E_INVALID, election_create, &st, mid, "{s:s,s:s,s:i,s:I}", "office", "副主席",
	   "office_kind", "vice", "seats", 1, "item_id", (json_int_t)999999);
	assert_string_equal(e.code, "bad_item");
	/* an election: too few candidates for a vice post, then a ballot with too many marks */
	DO(0, election_create, &st, mid, "{s:s,s:s,s:i}", "office", "副主席", "office_kind", "vice",
	   "seats", 1);
	eid = json_integer_value(json_object_get(json_object_get(out, "election"), "id"));
	rid = json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	json_decref(out);
	DO(201 - 201, round_candidate_add, &st, rid, "{s:s,s:s}", "name", "甲", "nominated_by", "presidium");
	json_decref(out);
	DO(E_CONFLICT, round_act, &st, rid, "{s:s}", "action", "open");
	assert_string_equal(e.code, "candidate_count");
	DO(E_INVALID, round_candidate_add, &st, rid, "{s:s,s:s,s:[I]}", "name", "乙",
	   "nominated_by", "deputies", "nominator_ids", (json_int_t)ids[0]);
	assert_string_equal(e.code, "too_few_nominators");
	DO(0, round_candidate_add, &st, rid, "{s:s,s:s}", "name", "乙", "nominated_by", "presidium");
	{
		json_t *cs = json_object_get(
			json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0),
			"candidates");
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
		assert_int_equal(
			json_array_size(json_object_get(json_object_get(out, "election"), "rounds")), 2);
		assert_string_equal(
			json_string_value(json_object_get(
				json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 1),
				"kind")),
			"further");
	}
	json_decref(out);
	(void)eid;
	(void)c3;

	/* no stored path from a ballot to a voter: the ballot tables hold neither voter, time nor
	 * sequence, and who voted is kept apart without a time */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM pragma_table_info('round_roster') WHERE name NOT IN ('round_id','deputy_id','voted','channel')"),
			 0);
	/* the roster has no insertion order (no rowid) and the write-ins no rows of their own */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'round_roster' AND sql LIKE '%WITHOUT ROWID%'"),
			 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%writein%'"),
			 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM pragma_table_info('election_candidates') WHERE name LIKE '%deputy%' AND name <> 'deputy_id'"),
			 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%ballot%'"),
			 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'election.ballot' AND (after LIKE '%for%' OR after LIKE '%marks%')"),
			 0);
	/* an anonymous vote keeps who voted, not how */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM vote_casts c JOIN votes v ON v.id = c.vote_id WHERE v.recorded = 0 AND c.choice IS NOT NULL"),
			 0);
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
	in = json_pack("{s:s,s:s,s:s,s:s,s:i}", "kind", "session", "title", "临时会议",
		       "region_code", "329981101", "starts_on", "2026-03-01", "term", 18);
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
	DO(0, election_create, &t1, mid, "{s:s,s:s,s:i}", "office", "镇长", "office_kind", "head",
	   "seats", 1);
	rid = json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	json_decref(out);
	DO(0, round_candidate_add, &t1, rid, "{s:s,s:s}", "name", "甲", "nominated_by", "presidium");
	json_decref(out);
	DO(0, round_candidate_add, &t1, rid, "{s:s,s:s}", "name", "乙", "nominated_by", "presidium");
	{
		json_t *cs = json_object_get(
			json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0),
			"candidates");
		cand[0] = json_integer_value(json_object_get(json_array_get(cs, 0), "id"));
		cand[1] = json_integer_value(json_object_get(json_array_get(cs, 1), "id"));
	}
	json_decref(out);
	DO(0, round_act, &t1, rid, "{s:s}", "action", "open");
	json_decref(out);
	snprintf(k0, sizeof(k0), "%lld", (long long)cand[0]);
	snprintf(k1, sizeof(k1), "%lld", (long long)cand[1]);
	DO(0, round_paper, &t1, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1,
	   "candidates", k0, "for", 25, k1, "for", 4);
	assert_true(json_is_false(json_object_get(out, "agreed")));
	json_decref(out);
	DO(E_CONFLICT, round_paper, &t2, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30,
	   "invalid", 1, "candidates", k0, "for", 24, k1, "for", 4);
	assert_string_equal(e.code, "tellers_disagree");
	assert_non_null(strstr(e.msg, "24"));
	DO(0, round_paper, &t2, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30, "invalid", 1,
	   "candidates", k0, "for", 25, k1, "for", 4);
	assert_true(json_is_true(json_object_get(out, "agreed")));
	json_decref(out);
	DO(E_CONFLICT, round_paper, &t1, rid, "{s:i,s:i,s:{s:{s:i},s:{s:i}}}", "returned", 30,
	   "invalid", 1, "candidates", k0, "for", 25, k1, "for", 4);
	DO(0, round_act, &t1, rid, "{s:s}", "action", "count");
	{
		json_t *r0 = json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0);
		assert_int_equal(json_integer_value(json_object_get(r0, "returned")), 30); /* counted once */
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(out, "election"), "state")), "done");
	}
	json_decref(out);
	fixture_close(f);
}

/* ---- the legal numbers: defaults, and each rule at its boundary ---- */

#define TOWNSHIP_PATH "/329900/329981/329981101/"

/* The setting as it applies to the demo township. */
static int setting(struct fixture *f, const char *key)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int v = -1;
	assert_int_equal(settings_int(c, TOWNSHIP_PATH, key, &v, &e), 0);
	db_release(f->db, c);
	return v;
}

/* The defaults are the national numbers of DOMAIN.md, and nothing on the demo's path changes
 * them (so that the boundary tests below run on the defaults). */
static void settings_defaults(void **state)
{
	static const struct {
		const char *key;
		int value;
	} legal[] = {
		{"meeting.quorum_num", 2}, /* §1.2: a session opens with ≥ 2/3 of all deputies */
		{"meeting.quorum_den", 3},
		{"meeting.notice_days", 7},      /* §1.7: notice to deputies 7 days before */
		{"election.nominators_min", 10}, /* §2.8: ≥ 10 deputies jointly */
		{"election.head_extra_min", 0},  /* §2.9: chair and head: a single candidate too */
		{"election.head_extra_max", 1},  /* §2.9: … or one more than seats */
		{"election.vice_extra_min", 1},  /* §2.9: vice posts exceed seats by 1 … */
		{"election.vice_extra_max", 3},  /* … to 3 */
		{"election.other_extra_min", 0}, /* other offices: no fewer than seats */
		{"election.project_extra_min", 1}, /* §5.24: a list longer than the number to choose */
		{"project.candidate_ratio_pct", 120}, /* §5.24: default ≥ 1.2 × */
		{"rating.pass_pct", 50},         /* §6.27: more than half satisfied + basically */
		{"rating.rereport_months", 3},   /* §6.27: report again within 3–6 months */
		{"supervision.draft_days", 20},  /* §6: draft out ≥ 20 days before the meeting */
		{"supervision.final_days", 10},  /* §6: the final text ≥ 10 days before */
		{"supervision.members_days", 7}, /* §6: to the members ≥ 7 days before */
		{"supervision.opinion_months", 2}, /* §6: the body answers the opinion in 2 months */
	};
	struct fixture *f = fixture_open(1);
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(legal); i++) {
		const struct setting_def *d = settings_defs;
		while (d->key && strcmp(d->key, legal[i].key))
			d++;
		if (!d->key)
			fail_msg("no setting %s", legal[i].key);
		if (d->dflt != legal[i].value || setting(f, legal[i].key) != legal[i].value)
			fail_msg("%s: default %d, in force %d, the law says %d", legal[i].key,
				 d->dflt, setting(f, legal[i].key), legal[i].value);
		assert_true(d->min <= d->dflt && d->dflt <= d->max);
	}
	fixture_close(f);
}

/* The first n deputies of the demo township, by id. */
static void township_deputies(struct fixture *f, int64_t *ids, int n)
{
	struct db_conn *c = db_acquire(f->db);
	struct db_res *r;
	struct err e = {0};
	assert_int_equal(db_exec(c, "SELECT id FROM deputies WHERE region_code = '329981101' ORDER BY id",
				 NULL, &r, &e),
			 0);
	if (r->nrows < n)
		fail_msg("the demo township has %d deputies, the test needs %d", r->nrows, n);
	for (int i = 0; i < n; i++)
		ids[i] = db_int(r, i, 0);
	db_res_free(r);
	db_release(f->db, c);
}

/* Quorum (meeting.quorum_num/den of all members): a meeting of a size whose quorum is met
 * exactly opens with that many present and not with one fewer. */
static void quorum_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor st = staff();
	struct err e = {0};
	json_t *out = NULL, *in, *ids;
	int qn = setting(f, "meeting.quorum_num"), qd = setting(f, "meeting.quorum_den");
	int members = 3 * qd, needed = 0; /* members * qn / qd is whole: the quorum is met exactly */
	int64_t dep[300], mid;
	(void)state;
	assert_true(members <= 300);
	while ((int64_t)needed * qd < (int64_t)members * qn)
		needed++;
	assert_true(needed >= 1 && (int64_t)needed * qd == (int64_t)members * qn);
	township_deputies(f, dep, members);
	ids = json_array();
	for (int i = 0; i < members; i++)
		json_array_append_new(ids, json_integer(dep[i]));
	in = json_pack("{s:s,s:s,s:s,s:s,s:o}", "kind", "presidium", "title", "法定人数",
		       "region_code", "329981101", "starts_on", "2026-02-01", "member_ids", ids);
	call(0, meeting_create(f->db, &st, in, &out, &e), out, &e);
	json_decref(in);
	mid = json_integer_value(json_object_get(json_object_get(out, "meeting"), "id"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "meeting"), "quorum_num")), qn);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "meeting"), "quorum_den")), qd);
	json_decref(out);
	DO(0, meeting_act, &st, mid, "{s:s}", "action", "open_signin");
	json_decref(out);
	for (int i = 0; i < needed - 1; i++) {
		DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id",
		   (json_int_t)dep[i]);
		assert_false(json_is_true(json_object_get(json_object_get(out, "attendance"), "quorum_met")));
		json_decref(out);
	}
	DO(E_CONFLICT, meeting_act, &st, mid, "{s:s}", "action", "open"); /* one short */
	assert_string_equal(e.code, "no_quorum");
	DO(0, meeting_attend, &st, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id",
	   (json_int_t)dep[needed - 1]);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "attendance"), "quorum_needed")),
			 needed);
	json_decref(out);
	DO(0, meeting_act, &st, mid, "{s:s}", "action", "open"); /* exactly met */
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "meeting"), "state")),
			    "in_session");
	json_decref(out);
	fixture_close(f);
}

/* Notice (meeting.notice_days): given that many days before the session, no warning; a day
 * later, the warning. */
static void notice_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor st = staff();
	struct err e = {0};
	json_t *out = NULL, *in, *w;
	int days = setting(f, "meeting.notice_days");
	int32_t starts;
	char start[11], on_time[11], late[11];
	(void)state;
	assert_int_equal(cal_parse("2026-06-10", &starts), 0);
	cal_format(starts, start);
	cal_format(starts - days, on_time);
	cal_format(starts - (days - 1), late);
	in = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "kind", "session", "title", "按时通知", "region_code",
		       "329981101", "starts_on", start, "term", 18, "notice_on", on_time);
	call(0, meeting_create(f->db, &st, in, &out, &e), out, &e);
	assert_int_equal(json_array_size(json_object_get(json_object_get(out, "meeting"), "warnings")), 0);
	json_decref(out);
	json_object_set_new(in, "notice_on", json_string(late));
	json_object_set_new(in, "title", json_string("通知晚了一天"));
	call(0, meeting_create(f->db, &st, in, &out, &e), out, &e);
	w = json_object_get(json_object_get(out, "meeting"), "warnings");
	assert_int_equal(json_array_size(w), 1);
	assert_non_null(strstr(json_string_value(json_array_get(w, 0)), "不足"));
	json_decref(out);
	json_decref(in);
	fixture_close(f);
}

/* The demo township's 18th congress in session on day with every member present: its id, and
 * *members (a new array of deputy ids). */
static int64_t sitting_session(struct fixture *f, struct actor *st, const char *day, json_t **members)
{
	struct err e = {0};
	json_t *out = NULL, *in, *list = NULL, *m;
	int64_t mid;
	size_t i;
	in = json_pack("{s:s,s:s,s:s,s:s,s:i}", "kind", "session", "title", "选举会议",
		       "region_code", "329981101", "starts_on", day, "term", 18);
	call(0, meeting_create(f->db, st, in, &out, &e), out, &e);
	json_decref(in);
	mid = json_integer_value(json_object_get(json_object_get(out, "meeting"), "id"));
	json_decref(out);
	DO(0, meeting_act, st, mid, "{s:s}", "action", "open_signin");
	json_decref(out);
	call(0, meeting_attendance(f->db, st, mid, &list, &e), list, &e);
	*members = json_array();
	json_array_foreach(json_object_get(list, "items"), i, m) {
		json_array_append(*members, json_object_get(m, "deputy_id"));
		DO(0, meeting_attend, st, mid, "{s:s,s:O}", "action", "sign_in", "deputy_id",
		   json_object_get(m, "deputy_id"));
		json_decref(out);
	}
	json_decref(list);
	DO(0, meeting_act, st, mid, "{s:s}", "action", "open");
	json_decref(out);
	return mid;
}

/* A new election at meeting mid: its first round's id. */
static int64_t new_election(struct fixture *f, struct actor *st, int64_t mid, const char *kind, int seats)
{
	struct err e = {0};
	json_t *out = NULL, *in;
	int64_t rid;
	DO(0, election_create, st, mid, "{s:s,s:s,s:i}", "office", kind, "office_kind", kind,
	   "seats", seats);
	rid = json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	json_decref(out);
	return rid;
}

/* Nominates candidates from..to-1 of round rid by the presidium. */
static void nominate(struct fixture *f, struct actor *st, int64_t rid, int from, int to)
{
	struct err e = {0};
	json_t *out = NULL, *in;
	for (int i = from; i < to; i++) {
		char name[32];
		snprintf(name, sizeof(name), "候选人%03d", i);
		DO(0, round_candidate_add, st, rid, "{s:s,s:s}", "name", name, "nominated_by", "presidium");
		json_decref(out);
	}
}

/* Opens round rid: want 0 and the round's kind afterwards, or E_CONFLICT candidate_count. */
static void open_round(struct fixture *f, struct actor *st, int64_t rid, int want, const char *kind)
{
	struct err e = {0};
	json_t *out = NULL, *in, *r;
	size_t i;
	DO(want, round_act, st, rid, "{s:s}", "action", "open");
	if (want) {
		assert_string_equal(e.code, "candidate_count");
		return;
	}
	json_array_foreach(json_object_get(json_object_get(out, "election"), "rounds"), i, r)
		if (json_integer_value(json_object_get(r, "id")) == rid)
			assert_string_equal(json_string_value(json_object_get(r, "kind")), kind);
	json_decref(out);
}

/* A joint nomination (election.nominators_min): one deputy short refused, exactly that many
 * accepted. */
static void nominators_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor st = staff();
	struct err e = {0};
	json_t *out = NULL, *in, *members, *ids;
	int need = setting(f, "election.nominators_min");
	int64_t mid, rid;
	(void)state;
	mid = sitting_session(f, &st, "2026-03-01", &members);
	assert_true((int)json_array_size(members) >= need && need >= 1);
	rid = new_election(f, &st, mid, "vice", 1);
	/* the same deputy twice is one nominator, also when it is the first */
	ids = json_pack("[O,O]", json_array_get(members, 0), json_array_get(members, 0));
	DO(E_INVALID, round_candidate_add, &st, rid, "{s:s,s:s,s:O}", "name", "联名甲",
	   "nominated_by", "deputies", "nominator_ids", ids);
	assert_string_equal(e.code, "duplicate_member");
	json_decref(ids);
	ids = json_array();
	for (int i = 0; i < need - 1; i++)
		json_array_append(ids, json_array_get(members, (size_t)i));
	DO(E_INVALID, round_candidate_add, &st, rid, "{s:s,s:s,s:O}", "name", "联名甲",
	   "nominated_by", "deputies", "nominator_ids", ids);
	assert_string_equal(e.code, "too_few_nominators");
	json_array_append(ids, json_array_get(members, (size_t)need - 1));
	DO(0, round_candidate_add, &st, rid, "{s:s,s:s,s:O}", "name", "联名甲", "nominated_by",
	   "deputies", "nominator_ids", ids);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0),
						       "candidates"),
				       0),
			"nominators")),
		need);
	json_decref(out);
	json_decref(ids);
	json_decref(members);
	fixture_close(f);
}

/* The candidate counts of each office (election.*_extra_*, project.candidate_ratio_pct), at
 * their boundaries: one short of the minimum refused, the minimum and the maximum a regular
 * round, one over the maximum a preliminary vote. */
static void candidate_boundaries(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor st = staff();
	json_t *members;
	int head_min = 1 + setting(f, "election.head_extra_min"),
	    head_max = 1 + setting(f, "election.head_extra_max");
	int vice_min = 2 + setting(f, "election.vice_extra_min"),
	    vice_max = 2 + setting(f, "election.vice_extra_max");
	int other_min = 2 + setting(f, "election.other_extra_min");
	int ratio = setting(f, "project.candidate_ratio_pct"),
	    project_min = 11 + setting(f, "election.project_extra_min");
	int64_t mid, rid;
	(void)state;
	/* 11 projects: the ratio's share, rounded up, when it asks for more than the plain minimum */
	if ((11 * ratio + 99) / 100 > project_min)
		project_min = (11 * ratio + 99) / 100;
	assert_true(head_min <= head_max && vice_min <= vice_max);
	mid = sitting_session(f, &st, "2026-03-02", &members);

	/* a township head, one seat */
	rid = new_election(f, &st, mid, "head", 1);
	nominate(f, &st, rid, 0, head_min - 1);
	open_round(f, &st, rid, E_CONFLICT, NULL);
	nominate(f, &st, rid, head_min - 1, head_min);
	open_round(f, &st, rid, 0, "regular");
	rid = new_election(f, &st, mid, "head", 1);
	nominate(f, &st, rid, 0, head_max);
	open_round(f, &st, rid, 0, "regular");
	rid = new_election(f, &st, mid, "head", 1);
	nominate(f, &st, rid, 0, head_max + 1);
	open_round(f, &st, rid, 0, "preliminary");

	/* vice posts, two seats */
	rid = new_election(f, &st, mid, "vice", 2);
	nominate(f, &st, rid, 0, vice_min - 1);
	open_round(f, &st, rid, E_CONFLICT, NULL);
	nominate(f, &st, rid, vice_min - 1, vice_min);
	open_round(f, &st, rid, 0, "regular");
	rid = new_election(f, &st, mid, "vice", 2);
	nominate(f, &st, rid, 0, vice_max);
	open_round(f, &st, rid, 0, "regular");
	rid = new_election(f, &st, mid, "vice", 2);
	nominate(f, &st, rid, 0, vice_max + 1);
	open_round(f, &st, rid, 0, "preliminary");

	/* another office, two seats: no upper bound */
	rid = new_election(f, &st, mid, "other", 2);
	nominate(f, &st, rid, 0, other_min - 1);
	open_round(f, &st, rid, E_CONFLICT, NULL);
	nominate(f, &st, rid, other_min - 1, other_min + 20);
	open_round(f, &st, rid, 0, "regular");

	/* livelihood projects, eleven to choose */
	rid = new_election(f, &st, mid, "project", 11);
	nominate(f, &st, rid, 0, project_min - 1);
	open_round(f, &st, rid, E_CONFLICT, NULL);
	nominate(f, &st, rid, project_min - 1, project_min);
	open_round(f, &st, rid, 0, "regular");
	json_decref(members);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quorum),
		cmocka_unit_test(passing),
		cmocka_unit_test(rating),
		cmocka_unit_test(candidates),
		cmocka_unit_test(rounds),
		cmocka_unit_test(machines),
		cmocka_unit_test(domain),
		cmocka_unit_test(tellers),
		cmocka_unit_test(settings_defaults),
		cmocka_unit_test(quorum_boundary),
		cmocka_unit_test(notice_boundary),
		cmocka_unit_test(nominators_boundary),
		cmocka_unit_test(candidate_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
