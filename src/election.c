#include "election.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "audit.h"
#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "settings.h"
#include "tally.h"

static const struct {
	const char *state, *action, *next;
} round_tr[] = {
	{"nominating", "open", "open"}, {"open", "count", "counted"}, {"open", "void", "void"},
};

static const char *const state_names[][2] = {
	{"nominating", "提名中"}, {"open", "进行中"}, {"counted", "已计票"}, {"void", "无效"}};

const char *round_next_state(const char *s, const char *a)
{
	for (size_t i = 0; i < ARRAY_LEN(round_tr); i++)
		if (!strcmp(round_tr[i].state, s) && !strcmp(round_tr[i].action, a))
			return round_tr[i].next;
	return NULL;
}

const char *round_state_label(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
}

static json_t *jstr(const char *v) { return v ? json_string(v) : json_null(); }
static json_t *jint(const struct db_res *r, int row, int col)
{
	return db_val(r, row, col) ? json_integer(db_int(r, row, col)) : json_null();
}

static int q_int(struct db_conn *c, const char *sql, struct db_params *p, int64_t *v, struct err *e)
{
	struct db_res *r;
	int rc = db_exec(c, sql, p, &r, e);
	if (rc)
		return rc;
	*v = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return 0;
}

static int audit(struct db_conn *c, const struct actor *a, const char *action, const char *type,
		 int64_t id, json_t *after, struct err *e)
{
	char s[24];
	int rc;
	snprintf(s, sizeof(s), "%lld", (long long)id);
	rc = audit_write(c, a, action, type, s, NULL, after, e);
	json_decref(after);
	return rc;
}

struct elc {
	int64_t id, meeting_id;
	char office[200], kind[12], state[8];
	int seats;
};
struct rnd {
	int64_t id, issued, returned, invalid, members;
	char kind[16], state[16];
	int no, seats, paper_entered;
};

static const char *const office_kinds[] = {"chair", "head", "vice", "other", "project", NULL};

static enum tally_office office_of(const char *k)
{
	return !strcmp(k, "chair") ? OFFICE_CHAIR : !strcmp(k, "head") ? OFFICE_HEAD : !strcmp(k, "vice") ? OFFICE_VICE
	       : !strcmp(k, "project") ? OFFICE_PROJECT : OFFICE_OTHER;
}

static int load_election(struct db_conn *c, int64_t id, struct elc *l, struct meeting *m, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = db_exec(c, "SELECT id, meeting_id, office, office_kind, seats, state FROM elections WHERE id = ?", &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "选举不存在");
	}
	l->id = id;
	l->meeting_id = db_int(r, 0, 1);
	snprintf(l->office, sizeof(l->office), "%s", db_val(r, 0, 2));
	snprintf(l->kind, sizeof(l->kind), "%s", db_val(r, 0, 3));
	l->seats = (int)db_int(r, 0, 4);
	snprintf(l->state, sizeof(l->state), "%s", db_val(r, 0, 5));
	db_res_free(r);
	return meeting_load(c, l->meeting_id, m, e);
}

static int load_round(struct db_conn *c, int64_t id, int lock, struct rnd *d, struct elc *l, struct meeting *m,
		      struct err *e)
{
	struct db_params p;
	struct db_res *r;
	char sql[300];
	int64_t eid;
	int rc;
	db_params_init(&p);
	db_pi(&p, id);
	snprintf(sql, sizeof(sql), "SELECT id, election_id, no, kind, seats, state, issued, returned, invalid, members,"
				   " paper_entered FROM election_rounds WHERE id = ?%s",
		 lock && db_conn_kind(c) == DB_PG ? " FOR UPDATE" : "");
	if ((rc = db_exec(c, sql, &p, &r, e)))
		return rc;
	if (!r->nrows) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "选举轮次不存在");
	}
	d->id = id;
	eid = db_int(r, 0, 1);
	d->no = (int)db_int(r, 0, 2);
	snprintf(d->kind, sizeof(d->kind), "%s", db_val(r, 0, 3));
	d->seats = (int)db_int(r, 0, 4);
	snprintf(d->state, sizeof(d->state), "%s", db_val(r, 0, 5));
	d->issued = db_int(r, 0, 6);
	d->returned = db_int(r, 0, 7);
	d->invalid = db_int(r, 0, 8);
	d->members = db_int(r, 0, 9);
	d->paper_entered = (int)db_int(r, 0, 10);
	db_res_free(r);
	return load_election(c, eid, l, m, e);
}

int election_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL, *k = NULL, *w = NULL;
	struct elc l;
	struct meeting m;
	json_t *o = NULL, *rounds, *elected;
	int rc;

	if ((rc = load_election(c, id, &l, &m, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, id);
	if ((rc = db_exec(c, "SELECT id, no, kind, seats, state, issued, returned, invalid, members, result, paper_entered,"
			     " (SELECT COUNT(*) FROM round_tellers t WHERE t.round_id = election_rounds.id)"
			     " FROM election_rounds WHERE election_id = ? ORDER BY no", &p, &r, e)))
		goto out;
	o = json_pack("{s:I,s:I,s:s,s:s,s:i,s:s}", "id", (json_int_t)id, "meeting_id", (json_int_t)l.meeting_id,
		      "office", l.office, "office_kind", l.kind, "seats", l.seats, "state", l.state);
	rounds = json_array();
	elected = json_array();
	json_object_set_new(o, "rounds", rounds);
	json_object_set_new(o, "elected", elected);
	for (int i = 0; i < r->nrows; i++) {
		int64_t rid = db_int(r, i, 0), voted = 0, members = db_int(r, i, 8);
		const char *state = db_val(r, i, 4);
		int counted = !strcmp(state, "counted") || !strcmp(state, "void");
		json_t *cands = json_array(), *wins = json_array(), *ro;
		db_params_init(&p);
		db_pi(&p, rid);
		if ((rc = db_exec(c, "SELECT id, name, deputy_id, nominated_by, nominators, n_for, n_against, n_abstain, status"
				     " FROM election_candidates WHERE round_id = ? ORDER BY id", &p, &k, e)) ||
		    (rc = db_exec(c, "SELECT name, votes FROM round_writeins WHERE round_id = ? ORDER BY votes DESC, name", &p, &w, e))) {
			json_decref(cands);
			json_decref(wins);
			goto out;
		}
		if (a && a->deputy_id) {
			db_pi(&p, a->deputy_id);
			if ((rc = q_int(c, "SELECT COUNT(*) FROM round_voters WHERE round_id = ? AND deputy_id = ?", &p, &voted, e))) {
				json_decref(cands);
				json_decref(wins);
				goto out;
			}
		}
		for (int j = 0; j < k->nrows; j++) {
			const char *st = db_val(k, j, 8);
			json_array_append_new(cands, json_pack("{s:I,s:s,s:o,s:s,s:I,s:o,s:o,s:o,s:b,s:o}", "id",
							       (json_int_t)db_int(k, j, 0), "name", db_val(k, j, 1),
							       "deputy_id", jint(k, j, 2), "nominated_by", db_val(k, j, 3),
							       "nominators", (json_int_t)db_int(k, j, 4),
							       "for", counted ? json_integer(db_int(k, j, 5)) : json_null(),
							       "against", counted ? json_integer(db_int(k, j, 6)) : json_null(),
							       "abstain", counted ? json_integer(db_int(k, j, 7)) : json_null(),
							       "elected", st && !strcmp(st, "elected"), "status", jstr(st)));
			if (st && !strcmp(st, "elected"))
				json_array_append_new(elected, json_pack("{s:I,s:s,s:I}", "candidate_id",
									 (json_int_t)db_int(k, j, 0), "name", db_val(k, j, 1),
									 "votes", (json_int_t)db_int(k, j, 5)));
		}
		for (int j = 0; counted && j < w->nrows; j++)
			json_array_append_new(wins, json_pack("{s:s,s:I}", "name", db_val(w, j, 0), "votes", (json_int_t)db_int(w, j, 1)));
		ro = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:o,s:I,s:b,s:b}", "id", (json_int_t)rid,
			       "no", (json_int_t)db_int(r, i, 1), "kind", db_val(r, i, 2), "seats", (json_int_t)db_int(r, i, 3),
			       "state", state, "state_name", round_state_label(state), "issued", (json_int_t)db_int(r, i, 5),
			       "returned", (json_int_t)db_int(r, i, 6), "valid", (json_int_t)(db_int(r, i, 6) - db_int(r, i, 7)),
			       "invalid", (json_int_t)db_int(r, i, 7), "members", (json_int_t)members, "needed",
			       (json_int_t)tally_needed(members, TALLY_HALF), "result", db_val(r, i, 9), "candidates", cands,
			       "write_ins", wins, "tally_entries", (json_int_t)db_int(r, i, 11), "paper_entered",
			       (int)db_int(r, i, 10), "voted", voted > 0);
		json_array_append_new(rounds, ro);
		db_res_free(k);
		db_res_free(w);
		k = w = NULL;
	}
out:
	db_res_free(r);
	db_res_free(k);
	db_res_free(w);
	if (rc) {
		json_decref(o);
		o = NULL;
	}
	*out = o;
	return rc;
}

static int reply_election(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	json_t *o;
	int rc = election_json(c, a, id, &o, e);
	if (!rc)
		*out = json_pack("{s:o}", "election", o);
	return rc;
}

static int new_round(struct db_conn *c, int64_t election_id, const char *kind, int seats, int64_t *id, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;
	db_params_init(&p);
	db_pi(&p, election_id);
	db_pi(&p, election_id);
	db_ps(&p, kind);
	db_pi(&p, seats);
	if ((rc = db_exec(c, "INSERT INTO election_rounds (election_id, no, kind, seats, state)"
			     " VALUES (?, (SELECT COALESCE(MAX(no), 0) + 1 FROM election_rounds WHERE election_id = ?), ?, ?, 'nominating')"
			     " RETURNING id", &p, &r, e)))
		return rc;
	*id = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

/* Copies the candidates of round `from` with status `status` (NULL: all) into round `to`. */
static int copy_candidates(struct db_conn *c, int64_t from, int64_t to, const char *status, const char *by, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_pi(&p, to);
	db_ps(&p, by);
	db_pi(&p, from);
	if (status)
		db_ps(&p, status);
	return db_exec(c, status ? "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
				   " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
				   " WHERE round_id = ? AND status = ?"
				 : "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
				   " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
				   " WHERE round_id = ?",
		       &p, NULL, e);
}

int election_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"office", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "职务或项目"},
		{"office_kind", JF_STR, 1, 1, 10, "职务类别"},
		{"seats", JF_INT, 1, 1, 100, "应选人数"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *r = NULL;
	struct meeting m;
	int64_t rid;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!meeting_one_of(jsonx_str(in, "office_kind"), office_kinds))
		return err_field(e, E_INVALID, "bad_value", "office_kind", "职务类别应为 chair、head、vice、other 或 project");
	c = db_acquire(db);
	if ((rc = db_begin(c, e)) || (rc = meeting_load(c, meeting_id, &m, e)) || (rc = meeting_may(c, a, &m, 1, e)))
		goto out;
	if (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "会议已结束，不能再增加选举");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, meeting_id);
	if (json_object_get(in, "item_id"))
		db_pi(&p, jsonx_int(in, "item_id", 0));
	else
		db_ps(&p, NULL);
	db_ps(&p, jsonx_str(in, "office"));
	db_ps(&p, jsonx_str(in, "office_kind"));
	db_pi(&p, jsonx_int(in, "seats", 1));
	db_pi(&p, util_now());
	if ((rc = db_exec(c, "INSERT INTO elections (meeting_id, item_id, office, office_kind, seats, state, created_at)"
			     " VALUES (?, ?, ?, ?, ?, 'open', ?) RETURNING id", &p, &r, e)) ||
	    (rc = new_round(c, db_int(r, 0, 0), "regular", (int)jsonx_int(in, "seats", 1), &rid, e)) ||
	    (rc = reply_election(c, a, db_int(r, 0, 0), out, e)) ||
	    (rc = audit(c, a, "election.create", "election", db_int(r, 0, 0), json_deep_copy(in), e)) ||
	    (rc = db_commit(c, e)))
		goto out;
	live_publish(meeting_id);
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	db_res_free(r);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int election_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct elc l;
	struct meeting m;
	int rc;
	*out = NULL;
	if (!(rc = db_begin_read(c, e)) && !(rc = load_election(c, id, &l, &m, e)) && !(rc = meeting_may(c, a, &m, 0, e)))
		rc = reply_election(c, a, id, out, e);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

/* Opens a write transaction on a round the actor may run (run) or take part in. */
#define ROUND_BEGIN(lock, run)                                                                   \
	c = db_acquire(db);                                                                      \
	if ((rc = db_begin(c, e)) || (rc = load_round(c, round_id, lock, &d, &l, &m, e)) ||       \
	    (rc = meeting_may(c, a, &m, run, e)))                                                        \
		goto out;

#define ROUND_END(publish, cleanup)                                                              \
	if (!rc && (rc = db_commit(c, e)) == 0 && publish)                                       \
		live_publish(m.id);                                                              \
out:                                                                                             \
	cleanup;                                                                                 \
	if (rc) {                                                                                \
		json_decref(*out);                                                               \
		*out = NULL;                                                                     \
	}                                                                                        \
	db_rollback(c);                                                                          \
	db_release(db, c);                                                                       \
	return rc;

int round_candidate_add(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "候选人"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "代表"},
		{"nominated_by", JF_STR, 1, 1, 12, "提名方式"},
		{"nominator_ids", JF_ARR, 0, 0, 0, "联名代表"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const char *const bys[] = {"presidium", "deputies", NULL};
	struct db_conn *c = NULL;
	struct db_params p;
	struct rnd d;
	struct elc l;
	struct meeting m;
	json_t *ids = json_object_get(in, "nominator_ids"), *v;
	size_t i;
	int64_t nominators = 0;
	int rc, need;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!meeting_one_of(jsonx_str(in, "nominated_by"), bys))
		return err_field(e, E_INVALID, "bad_value", "nominated_by", "提名方式应为 presidium（主席团）或 deputies（代表联名）");
	ROUND_BEGIN(0, 1)
	if (strcmp(d.state, "nominating") || !strcmp(d.kind, "runoff")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮选举已不接受提名");
		goto out;
	}
	if (!strcmp(jsonx_str(in, "nominated_by"), "deputies")) {
		/* joint nominations: distinct members of this meeting, at least election.nominators_min */
		if ((rc = settings_int(c, m.path, "election.nominators_min", &need, e)))
			goto out;
		json_array_foreach(ids, i, v) {
			int yes;
			if (!json_is_integer(v)) {
				rc = err_field(e, E_INVALID, "wrong_type", "nominator_ids", "联名代表应为代表编号");
				goto out;
			}
			for (size_t j = 0; j < i; j++)
				if (json_integer_value(json_array_get(ids, j)) == json_integer_value(v)) {
					rc = err_field(e, E_INVALID, "duplicate_member", "nominator_ids", "联名代表重复");
					goto out;
				}
			if ((rc = meeting_is_member(c, &m, json_integer_value(v), &yes, e)))
				goto out;
			if (!yes) {
				rc = err_field(e, E_INVALID, "not_member", "nominator_ids", "联名人 %lld 不是本次会议的代表",
					       (long long)json_integer_value(v));
				goto out;
			}
			nominators++;
		}
		if (nominators < need) {
			rc = err_field(e, E_INVALID, "too_few_nominators", "nominator_ids",
				       "代表联名提名须有 %d 名以上代表（现有 %lld 名）", need, (long long)nominators);
			goto out;
		}
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	db_ps(&p, jsonx_str(in, "name"));
	if (json_object_get(in, "deputy_id"))
		db_pi(&p, jsonx_int(in, "deputy_id", 0));
	else
		db_ps(&p, NULL);
	db_ps(&p, jsonx_str(in, "nominated_by"));
	db_pi(&p, nominators);
	if ((rc = db_exec(c, "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
			     " VALUES (?, ?, ?, ?, ?)", &p, NULL, e))) {
		if (!strcmp(e->code, "duplicate"))
			rc = err_field(e, E_CONFLICT, "duplicate", "name", "候选人“%s”已被提名", jsonx_str(in, "name"));
		else if (!strcmp(e->code, "in_use"))
			rc = err_field(e, E_INVALID, "bad_deputy", "deputy_id", "代表不存在");
		goto out;
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.candidate", "election", l.id, json_deep_copy(in), e)))
		goto out;
	ROUND_END(1, (void)0)
}

static const char *count_rule_text(enum tally_office o)
{
	switch (o) {
	case OFFICE_CHAIR:
	case OFFICE_HEAD: return "主席、乡镇长候选人数应等于应选人数或多一人";
	case OFFICE_VICE: return "副职候选人应比应选人数多 1 至 3 人（差额选举）";
	case OFFICE_PROJECT: return "候选项目数应多于票决项目数，且不少于规定比例";
	default: return "候选人数不得少于应选人数";
	}
}

/* How many "for" marks a ballot of this round may carry. */
static int marks_allowed(const struct rnd *d, const struct elc *l, int ratio)
{
	int min, max;
	if (strcmp(d->kind, "preliminary"))
		return d->seats;
	tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
	return max;
}

static int round_open(struct db_conn *c, const struct actor *a, struct rnd *d, const struct elc *l,
		      const struct meeting *m, struct err *e)
{
	struct db_params p;
	struct attendance t;
	int64_t n;
	int rc, ratio, check;
	(void)a;
	if (strcmp(m->state, "in_session"))
		return err_set(e, E_CONFLICT, "bad_state", "会议尚未宣布开会，不能开始投票");
	if ((rc = attendance_quorum(c, m, &t, e)) || (rc = settings_int(c, m->path, "project.candidate_ratio_pct", &ratio, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, d->id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM election_candidates WHERE round_id = ?", &p, &n, e)))
		return rc;
	check = !strcmp(d->kind, "runoff") ? (n < 2 ? -1 : 0) : tally_candidates_check(office_of(l->kind), d->seats, (int)n, ratio);
	if (check < 0) {
		int min, max;
		tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
		return err_set(e, E_CONFLICT, "candidate_count", "%s：应选 %d 人，至少需要 %d 名候选人，现有 %lld 名",
			       count_rule_text(office_of(l->kind)), d->seats, min, (long long)n);
	}
	db_params_init(&p);
	db_ps(&p, check > 0 ? "preliminary" : d->kind);
	db_pi(&p, t.present);
	db_pi(&p, t.members);
	db_pi(&p, util_now());
	db_pi(&p, d->id);
	return db_exec(c, "UPDATE election_rounds SET state = 'open', kind = ?, issued = ?, members = ?, opened_at = ?"
			  " WHERE id = ?", &p, NULL, e);
}

static int set_status(struct db_conn *c, int64_t cand, const char *status, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_ps(&p, status);
	db_pi(&p, cand);
	return db_exec(c, "UPDATE election_candidates SET status = ? WHERE id = ?", &p, NULL, e);
}

static int round_result(struct db_conn *c, int64_t rid, const char *text, const char *state, struct err *e)
{
	struct db_params p;
	db_params_init(&p);
	db_ps(&p, state);
	db_ps(&p, text);
	db_pi(&p, util_now());
	db_pi(&p, rid);
	return db_exec(c, "UPDATE election_rounds SET state = ?, result = ?, counted_at = ? WHERE id = ?", &p, NULL, e);
}

/* Counts a round: void, preliminary, or elected / tie / unfilled with the round that follows. */
static int round_count(struct db_conn *c, struct rnd *d, const struct elc *l, const struct meeting *m, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	struct tally_candidate *tc = NULL;
	struct buf text = BUF_INIT_CAP(4096);
	int64_t next, total_elected;
	int rc, n, elected, tied, tie_seats, ratio;

	if (!tally_round_valid(d->issued, d->returned)) {
		buf_addf(&text, "收回选票 %lld 张，多于发出的 %lld 张，本轮选举无效，应重新投票", (long long)d->returned,
			 (long long)d->issued);
		if ((rc = round_result(c, d->id, text.data, "void", e)) || (rc = new_round(c, l->id, d->kind, d->seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, NULL, NULL, e)))
			goto out;
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, d->id);
	if ((rc = db_exec(c, "SELECT id, name, n_for FROM election_candidates WHERE round_id = ?", &p, &r, e)))
		goto out;
	n = r->nrows;
	tc = xcalloc((size_t)n + 1, sizeof(*tc));
	for (int i = 0; i < n; i++) {
		tc[i].id = db_int(r, i, 0);
		tc[i].votes = db_int(r, i, 2);
	}
	if (!strcmp(d->kind, "preliminary")) {
		/* the most supported advance, as many as the formal vote allows */
		int min, max;
		if ((rc = settings_int(c, m->path, "project.candidate_ratio_pct", &ratio, e)))
			goto out;
		tally_candidate_range(office_of(l->kind), d->seats, ratio, &min, &max);
		tally_round(tc, n, n, 0, &elected, &tied); /* only sorts */
		if (max < n && tc[max - 1].votes == tc[max].votes) {
			buf_adds(&text, "预选中得票相同，无法确定正式候选人，应再次预选");
			if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
			    (rc = new_round(c, l->id, "preliminary", d->seats, &next, e)) ||
			    (rc = copy_candidates(c, d->id, next, NULL, NULL, e)))
				goto out;
			goto out;
		}
		buf_adds(&text, "预选结果，按得票多少确定正式候选人：");
		for (int i = 0; i < n; i++) {
			if ((rc = set_status(c, tc[i].id, i < max ? "advanced" : "not_elected", e)))
				goto out;
		}
		buf_addf(&text, "前 %d 名进入正式选举", max);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "regular", d->seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, "advanced", NULL, e)))
			goto out;
		goto out;
	}
	tie_seats = tally_round(tc, n, d->seats, d->members, &elected, &tied);
	buf_addf(&text, "应到 %lld 人，发出 %lld 张，收回 %lld 张，有效 %lld 张；当选需超过全体代表半数（至少 %lld 票）。",
		 (long long)d->members, (long long)d->issued, (long long)d->returned,
		 (long long)(d->returned - d->invalid), (long long)tally_needed(d->members, TALLY_HALF));
	for (int i = 0; i < n; i++) {
		const char *st = tc[i].outcome == OUT_ELECTED ? "elected" : tc[i].outcome == OUT_TIE ? "tie" : "not_elected";
		for (int j = 0; j < r->nrows; j++)
			if (db_int(r, j, 0) == tc[i].id)
				buf_addf(&text, "%s %lld 票%s；", db_val(r, j, 1), (long long)tc[i].votes,
					 tc[i].outcome == OUT_ELECTED ? "，当选" : tc[i].outcome == OUT_TIE ? "，票数相同" : "，未当选");
		if ((rc = set_status(c, tc[i].id, st, e)))
			goto out;
	}
	db_params_init(&p);
	db_pi(&p, l->id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM election_candidates k JOIN election_rounds r ON r.id = k.round_id"
			   " WHERE r.election_id = ? AND k.status = 'elected'", &p, &total_elected, e)))
		goto out;
	if (tie_seats) {
		buf_addf(&text, "得票相同者就剩余 %d 个名额再次投票", tie_seats);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "runoff", tie_seats, &next, e)) ||
		    (rc = copy_candidates(c, d->id, next, "tie", "runoff", e)))
			goto out;
	} else if (total_elected < l->seats && strcmp(l->kind, "project")) {
		buf_addf(&text, "尚缺 %lld 名，应另行选举%s", (long long)(l->seats - total_elected),
			 !strcmp(l->kind, "vice") ? "（仍实行差额选举）" : "");
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = new_round(c, l->id, "further", (int)(l->seats - total_elected), &next, e)))
			goto out;
	} else {
		db_params_init(&p);
		db_pi(&p, l->id);
		if ((rc = round_result(c, d->id, text.data, "counted", e)) ||
		    (rc = db_exec(c, "UPDATE elections SET state = 'done' WHERE id = ?", &p, NULL, e)))
			goto out;
	}
out:
	free(tc);
	db_res_free(r);
	buf_release(&text);
	return rc;
}

int round_act(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"action", JF_STR, 1, 1, 20, "操作"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct rnd d;
	struct elc l;
	struct meeting m;
	const char *action;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	action = jsonx_str(in, "action");
	ROUND_BEGIN(1, 1)
	if (!round_next_state(d.state, action) || !strcmp(action, "void")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮选举当前为“%s”，不能执行该操作", round_state_label(d.state));
		goto out;
	}
	if (!strcmp(action, "open"))
		rc = round_open(c, a, &d, &l, &m, e);
	else
		rc = round_count(c, &d, &l, &m, e);
	if (rc || (rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.round", "election", l.id, json_pack("{s:I,s:s}", "round_id", (json_int_t)round_id, "action", action), e)))
		goto out;
	ROUND_END(1, (void)0)
}

/* Takes a member's ballot into the round: the member is recorded as having voted, the marks go
 * into the counters, and nothing ties the two together. */
int round_ballot(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"marks", JF_OBJ, 1, 0, 0, "选票"},
		{"write_ins", JF_ARR, 0, 0, 0, "另选他人"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *k = NULL;
	struct rnd d;
	struct elc l;
	struct meeting m;
	json_t *marks = json_object_get(in, "marks"), *wi = json_object_get(in, "write_ins"), *v;
	const char *key;
	size_t i;
	int64_t present;
	int rc, fors = 0, valid, ratio;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号投票");
	json_object_foreach(marks, key, v) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "for") && strcmp(s, "against") && strcmp(s, "abstain")))
			return err_field(e, E_INVALID, "bad_value", "marks", "每名候选人只能标注 for（赞成）、against（反对）或 abstain（弃权）");
		fors += !strcmp(s, "for");
	}
	json_array_foreach(wi, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) || util_utf8_len(json_string_value(v)) > LIMIT_NAME_CHARS)
			return err_field(e, E_INVALID, "bad_value", "write_ins", "另选人姓名无效");
		fors++;
	}
	ROUND_BEGIN(1, 0)
	if (strcmp(d.state, "open")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮投票%s", !strcmp(d.state, "nominating") ? "尚未开始" : "已结束");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, m.id);
	db_pi(&p, a->deputy_id);
	if ((rc = q_int(c, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ? AND status = 'present'",
			&p, &present, e)))
		goto out;
	if (!present) {
		rc = err_set(e, E_CONFLICT, "not_present", "请先签到再投票");
		goto out;
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "SELECT id FROM election_candidates WHERE round_id = ?", &p, &k, e)))
		goto out;
	json_object_foreach(marks, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found) {
			rc = err_field(e, E_INVALID, "bad_candidate", "marks", "选票上没有编号为 %s 的候选人", key);
			goto out;
		}
	}
	db_params_init(&p);
	db_pi(&p, round_id);
	db_pi(&p, a->deputy_id);
	if ((rc = db_exec(c, "INSERT INTO round_voters (round_id, deputy_id, channel) VALUES (?, ?, 'device')", &p, NULL, e))) {
		if (!strcmp(e->code, "duplicate"))
			rc = err_set(e, E_CONFLICT, "already_voted", "您已领取或投出本轮选票，不能重复投票");
		goto out;
	}
	if ((rc = settings_int(c, m.path, "project.candidate_ratio_pct", &ratio, e)))
		goto out;
	valid = tally_ballot_valid(fors, marks_allowed(&d, &l, ratio));
	db_params_init(&p);
	db_pi(&p, valid ? 0 : 1);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "UPDATE election_rounds SET returned = returned + 1, invalid = invalid + ? WHERE id = ?", &p, NULL, e)))
		goto out;
	for (int j = 0; valid && j < k->nrows; j++) {
		const char *s = json_string_value(json_object_get(marks, db_val(k, j, 0)));
		const char *col = !s || !strcmp(s, "abstain") ? "n_abstain" : !strcmp(s, "for") ? "n_for" : "n_against";
		char sql[96];
		snprintf(sql, sizeof(sql), "UPDATE election_candidates SET %s = %s + 1 WHERE id = ?", col, col);
		db_params_init(&p);
		db_pi(&p, db_int(k, j, 0));
		if ((rc = db_exec(c, sql, &p, NULL, e)))
			goto out;
	}
	json_array_foreach(wi, i, v) {
		if (!valid)
			break;
		db_params_init(&p);
		db_pi(&p, round_id);
		db_ps(&p, json_string_value(v));
		if ((rc = db_exec(c, "INSERT INTO round_writeins (round_id, name, votes) VALUES (?, ?, 1)"
				     " ON CONFLICT (round_id, name) DO UPDATE SET votes = round_writeins.votes + 1", &p, NULL, e)))
			goto out;
	}
	/* the audit says that the member voted in this round, never how */
	if ((rc = audit(c, a, "election.ballot", "election", l.id, json_pack("{s:I}", "round_id", (json_int_t)round_id), e)))
		goto out;
	*out = json_pack("{s:b,s:b}", "ok", 1, "valid", valid);
	ROUND_END(1, db_res_free(k))
}

int round_paper_issued(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"deputy_ids", JF_ARR, 1, 0, 0, "领取纸质选票的代表"}, {NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct rnd d;
	struct elc l;
	struct meeting m;
	json_t *ids = json_object_get(in, "deputy_ids"), *v;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	ROUND_BEGIN(1, 1)
	if (strcmp(d.state, "open")) {
		rc = err_set(e, E_CONFLICT, "bad_state", "本轮投票未在进行中");
		goto out;
	}
	json_array_foreach(ids, i, v) {
		int64_t present;
		if (!json_is_integer(v)) {
			rc = err_field(e, E_INVALID, "wrong_type", "deputy_ids", "应为代表编号");
			goto out;
		}
		db_params_init(&p);
		db_pi(&p, m.id);
		db_pi(&p, json_integer_value(v));
		if ((rc = q_int(c, "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ? AND status = 'present'",
				&p, &present, e)))
			goto out;
		if (!present) {
			rc = err_field(e, E_CONFLICT, "not_present", "deputy_ids", "代表 %lld 不是本次会议已签到的代表",
				       (long long)json_integer_value(v));
			goto out;
		}
		db_params_init(&p);
		db_pi(&p, round_id);
		db_pi(&p, json_integer_value(v));
		if ((rc = db_exec(c, "INSERT INTO round_voters (round_id, deputy_id, channel) VALUES (?, ?, 'paper')", &p, NULL, e))) {
			if (!strcmp(e->code, "duplicate"))
				rc = err_field(e, E_CONFLICT, "already_voted", "deputy_ids", "代表 %lld 已领取或投出本轮选票",
					       (long long)json_integer_value(v));
			goto out;
		}
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.paper_issued", "election", l.id, json_deep_copy(in), e)))
		goto out;
	ROUND_END(0, (void)0)
}

/* A teller's entry in one canonical text, so that two entries compare as strings. */
static int paper_entry(struct db_conn *c, int64_t round_id, json_t *in, char **text, struct err *e)
{
	struct db_params p;
	struct db_res *k = NULL;
	json_t *cands = json_object_get(in, "candidates"), *wi = json_object_get(in, "write_ins"), *v, *norm = NULL, *nc;
	int64_t returned = jsonx_int(in, "returned", 0), invalid = jsonx_int(in, "invalid", 0);
	const char *key;
	int rc;
	if (invalid > returned)
		return err_field(e, E_INVALID, "bad_count", "invalid", "无效票不能多于收回的选票");
	db_params_init(&p);
	db_pi(&p, round_id);
	if ((rc = db_exec(c, "SELECT id, name FROM election_candidates WHERE round_id = ? ORDER BY id", &p, &k, e)))
		return rc;
	json_object_foreach(cands, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found) {
			rc = err_field(e, E_INVALID, "bad_candidate", "candidates", "没有编号为 %s 的候选人", key);
			goto out;
		}
	}
	nc = json_object();
	norm = json_pack("{s:I,s:I,s:o,s:o}", "returned", (json_int_t)returned, "invalid", (json_int_t)invalid,
			 "candidates", nc, "write_ins", wi ? json_incref(wi) : json_object());
	for (int j = 0; j < k->nrows; j++) {
		json_t *one = json_object_get(cands, db_val(k, j, 0)), *o = json_object();
		static const char *const f[] = {"for", "against", "abstain"};
		int64_t sum = 0;
		for (int x = 0; x < 3; x++) {
			json_t *n = json_object_get(one, f[x]);
			if (n && (!json_is_integer(n) || json_integer_value(n) < 0)) {
				rc = err_field(e, E_INVALID, "bad_count", "candidates", "票数应为非负整数");
				goto out;
			}
			sum += n ? json_integer_value(n) : 0;
			json_object_set_new(o, f[x], json_integer(n ? json_integer_value(n) : 0));
		}
		if (sum > returned - invalid) {
			rc = err_field(e, E_INVALID, "bad_count", "candidates", "候选人“%s”的票数合计 %lld 多于有效票 %lld",
				       db_val(k, j, 1), (long long)sum, (long long)(returned - invalid));
			goto out;
		}
		json_object_set_new(nc, db_val(k, j, 0), o);
	}
	json_object_foreach(wi, key, v)
		if (!json_is_integer(v) || json_integer_value(v) < 0 || util_utf8_len(key) > LIMIT_NAME_CHARS) {
			rc = err_field(e, E_INVALID, "bad_count", "write_ins", "另选人票数应为非负整数");
			goto out;
		}
	*text = json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(norm);
	db_res_free(k);
	return rc;
}

/* Names the first difference between two tellers' entries. */
static void paper_diff(struct db_conn *c, const char *a_text, const char *b_text, char *out, size_t n)
{
	json_t *x = json_loads(a_text, 0, NULL), *y = json_loads(b_text, 0, NULL), *v;
	const char *key;
	(void)c;
	snprintf(out, n, "请核对");
	if (!x || !y)
		goto done;
	if (!json_equal(json_object_get(x, "returned"), json_object_get(y, "returned"))) {
		snprintf(out, n, "收回选票 %lld ≠ %lld", (long long)json_integer_value(json_object_get(x, "returned")),
			 (long long)json_integer_value(json_object_get(y, "returned")));
		goto done;
	}
	if (!json_equal(json_object_get(x, "invalid"), json_object_get(y, "invalid"))) {
		snprintf(out, n, "无效票 %lld ≠ %lld", (long long)json_integer_value(json_object_get(x, "invalid")),
			 (long long)json_integer_value(json_object_get(y, "invalid")));
		goto done;
	}
	json_object_foreach(json_object_get(x, "candidates"), key, v) {
		json_t *w = json_object_get(json_object_get(y, "candidates"), key);
		static const char *const f[][2] = {{"for", "赞成"}, {"against", "反对"}, {"abstain", "弃权"}};
		for (int i = 0; i < 3; i++)
			if (!json_equal(json_object_get(v, f[i][0]), json_object_get(w, f[i][0]))) {
				snprintf(out, n, "候选人 %s 的%s票 %lld ≠ %lld", key, f[i][1],
					 (long long)json_integer_value(json_object_get(v, f[i][0])),
					 (long long)json_integer_value(json_object_get(w, f[i][0])));
				goto done;
			}
	}
	snprintf(out, n, "另选他人票数不同");
done:
	json_decref(x);
	json_decref(y);
}

int round_paper(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"returned", JF_INT, 1, 0, 100000, "收回选票"},
		{"invalid", JF_INT, 1, 0, 100000, "无效票"},
		{"candidates", JF_OBJ, 1, 0, 0, "候选人得票"},
		{"write_ins", JF_OBJ, 0, 0, 0, "另选他人得票"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c = NULL;
	struct db_params p;
	struct db_res *t = NULL;
	struct rnd d;
	struct elc l;
	struct meeting m;
	char *mine = NULL;
	int rc, agreed = 0;
	*out = NULL;
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	ROUND_BEGIN(1, 1)
	if (strcmp(d.state, "open") || d.paper_entered) {
		rc = err_set(e, E_CONFLICT, "bad_state", d.paper_entered ? "纸质选票已经计入，不能重复录入" : "本轮投票未在进行中");
		goto out;
	}
	if ((rc = paper_entry(c, round_id, in, &mine, e)))
		goto out;
	db_params_init(&p);
	db_pi(&p, round_id);
	db_pi(&p, a->account_id);
	if ((rc = db_exec(c, "SELECT account_id, counts FROM round_tellers WHERE round_id = ? AND account_id <> ?", &p, &t, e)))
		goto out;
	if (!t->nrows) {
		/* the first teller's entry waits for the second (the same teller may correct it) */
		db_params_init(&p);
		db_pi(&p, round_id);
		db_pi(&p, a->account_id);
		if ((rc = db_exec(c, "DELETE FROM round_tellers WHERE round_id = ? AND account_id = ?", &p, NULL, e)))
			goto out;
		db_ps(&p, mine);
		if ((rc = db_exec(c, "INSERT INTO round_tellers (round_id, account_id, counts) VALUES (?, ?, ?)", &p, NULL, e)))
			goto out;
	} else if (strcmp(db_val(t, 0, 1), mine)) {
		char diff[200];
		paper_diff(c, db_val(t, 0, 1), mine, diff, sizeof(diff));
		rc = err_set(e, E_CONFLICT, "tellers_disagree", "两名计票人录入的票数不一致（%s），本次录入未计入，请核对后重新录入", diff);
		goto out;
	} else {
		/* agreed: the paper counts join the device counts, once */
		json_t *x = json_loads(mine, 0, NULL), *v;
		const char *key;
		agreed = 1;
		db_params_init(&p);
		db_pi(&p, jsonx_int(in, "returned", 0));
		db_pi(&p, jsonx_int(in, "invalid", 0));
		db_pi(&p, round_id);
		rc = db_exec(c, "UPDATE election_rounds SET returned = returned + ?, invalid = invalid + ?, paper_entered = 1"
				" WHERE id = ?", &p, NULL, e);
		json_object_foreach(json_object_get(x, "candidates"), key, v) {
			if (rc)
				break;
			db_params_init(&p);
			db_pi(&p, json_integer_value(json_object_get(v, "for")));
			db_pi(&p, json_integer_value(json_object_get(v, "against")));
			db_pi(&p, json_integer_value(json_object_get(v, "abstain")));
			db_ps(&p, key);
			rc = db_exec(c, "UPDATE election_candidates SET n_for = n_for + ?, n_against = n_against + ?,"
					" n_abstain = n_abstain + ? WHERE id = ?", &p, NULL, e);
		}
		json_object_foreach(json_object_get(x, "write_ins"), key, v) {
			if (rc)
				break;
			db_params_init(&p);
			db_pi(&p, round_id);
			db_ps(&p, key);
			db_pi(&p, json_integer_value(v));
			db_pi(&p, json_integer_value(v));
			rc = db_exec(c, "INSERT INTO round_writeins (round_id, name, votes) VALUES (?, ?, ?)"
					" ON CONFLICT (round_id, name) DO UPDATE SET votes = round_writeins.votes + ?", &p, NULL, e);
		}
		json_decref(x);
		if (rc)
			goto out;
		db_params_init(&p);
		db_pi(&p, round_id);
		if ((rc = db_exec(c, "DELETE FROM round_tellers WHERE round_id = ?", &p, NULL, e)))
			goto out;
	}
	if ((rc = reply_election(c, a, l.id, out, e)) ||
	    (rc = audit(c, a, "election.paper", "election", l.id, json_pack("{s:I,s:b}", "round_id", (json_int_t)round_id, "agreed", agreed), e)))
		goto out;
	json_object_set_new(*out, "agreed", json_boolean(agreed));
	ROUND_END(agreed, (free(mine), db_res_free(t)))
}

int election_list_json(struct db_conn *c, const struct actor *a, int64_t meeting_id, json_t **out, struct err *e)
{
	struct db_res *l = NULL;
	json_t *els = json_array();
	int rc = db_execv(c, &l, e, "SELECT id FROM elections WHERE meeting_id = ? ORDER BY id", "i", meeting_id);
	for (int i = 0; !rc && i < l->nrows; i++) {
		json_t *v;
		if (!(rc = election_json(c, a, db_int(l, i, 0), &v, e)))
			json_array_append_new(els, v);
	}
	db_res_free(l);
	if (rc) {
		json_decref(els);
		els = NULL;
	}
	*out = els;
	return rc;
}

int round_current_json(struct db_conn *c, int64_t meeting_id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	int64_t rid;
	int rc;
	*out = json_null();
	if ((rc = meeting_q_int(c, &rid, e, "SELECT r.id FROM election_rounds r JOIN elections l ON l.id = r.election_id"
				  " WHERE l.meeting_id = ? AND r.state <> 'nominating' ORDER BY CASE WHEN r.state = 'open'"
				  " THEN 0 ELSE 1 END, r.opened_at DESC, r.id DESC LIMIT 1", "i", meeting_id)) || !rid)
		return rc;
	if ((rc = db_execv(c, &r, e, "SELECT r.id, l.office, r.no, r.state, r.issued, r.returned, r.result FROM election_rounds r"
				     " JOIN elections l ON l.id = r.election_id WHERE r.id = ?", "i", rid)))
		return rc;
	json_decref(*out);
	*out = json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:s}", "id", (json_int_t)rid, "office", db_val(r, 0, 1), "no",
			 (json_int_t)db_int(r, 0, 2), "state", db_val(r, 0, 3), "state_name", round_state_label(db_val(r, 0, 3)),
			 "issued", (json_int_t)db_int(r, 0, 4), "returned", (json_int_t)db_int(r, 0, 5), "result",
			 db_val(r, 0, 6));
	db_res_free(r);
	return 0;
}

int round_open_count(struct db_conn *c, int64_t meeting_id, int64_t *n, struct err *e)
{
	return meeting_q_int(c, n, e, "SELECT COUNT(*) FROM election_rounds r JOIN elections l ON l.id = r.election_id"
				      " WHERE l.meeting_id = ? AND r.state = 'open'", "i", meeting_id);
}
