#include "election.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "rows.h"
#include "settings.h"
#include "step.h"
#include "tally.h"
#include "tx.h"
#include "util.h"

static const char *const state_names[][2] = {
	{"nominating", "提名中"}, {"open", "进行中"}, {"counted", "已计票"}, {"void", "无效"}};

const char *round_state_label(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
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
/* A round with its election and meeting, as a write on the round reads them. */
struct round_ctx {
	struct rnd d;
	struct elc l;
	struct meeting m;
};

static const char *const office_kinds[] = {"chair", "head", "vice", "other", "project", NULL};

static int load_election(struct db_conn *c, int64_t id, struct elc *l, struct meeting *m, struct err *e)
{
	struct db_res *r;
	int rc;
	if ((rc = db_execv(c, &r, e, "SELECT id, meeting_id, office, office_kind, seats, state FROM elections WHERE id = ?",
			   "i", id)))
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
	return meeting_load(c, l->meeting_id, 0, m, e);
}

/* Loads round id with its election and meeting; with lock (inside a writing transaction) the
 * round's row is held until the transaction ends, so that writes on one round take turns. */
static int load_round(struct db_conn *c, int64_t id, int lock, struct round_ctx *x, struct err *e)
{
	struct db_res *r;
	struct rnd *d = &x->d;
	char sql[300];
	int64_t eid;
	int rc;
	snprintf(sql, sizeof(sql),
		 "SELECT id, election_id, no, kind, seats, state, issued, returned, invalid, members,"
		 " paper_entered FROM election_rounds WHERE id = ?%s",
		 lock ? db_lock_clause(c, 1) : "");
	if ((rc = db_execv(c, &r, e, sql, "i", id)))
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
	return load_election(c, eid, &x->l, &x->m, e);
}

/* Inside t: the round held (load_round with lock) and t's actor allowed to run its meeting
 * (run) or take part in it. Returns t->rc. */
static int round_enter(struct tx *t, int64_t id, int run, struct round_ctx *x)
{
	if (!t->rc && !tx_check(t, load_round(t->c, id, 1, x, t->e)))
		tx_check(t, meeting_may(t->c, t->a, &x->m, run, t->e));
	return t->rc;
}

/* The write-ins of a round are one JSON object of counts per name in the round's row (keys
 * sorted): no row, order or time of their own that could tie a name to the member who wrote it. */
static int writein_cmp(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t va = json_integer_value(json_object_get(a, "votes")),
		   vb = json_integer_value(json_object_get(b, "votes"));
	if (va != vb)
		return va > vb ? -1 : 1;
	return strcmp(json_string_value(json_object_get(a, "name")),
		      json_string_value(json_object_get(b, "name")));
}

/* Appends the write-ins of text (the stored object) to list as {name, votes}, most votes first,
 * then by name. */
static void writeins_list(const char *text, json_t *list)
{
	json_t *o = json_loads(text, 0, NULL), *v, **items;
	const char *key;
	size_t n = 0, i = 0;
	if (!json_is_object(o) || !(n = json_object_size(o))) {
		json_decref(o);
		return;
	}
	items = xcalloc(n, sizeof(*items));
	json_object_foreach(o, key, v)
		items[i++] = json_pack("{s:s,s:I}", "name", key, "votes", json_integer_value(v));
	qsort(items, n, sizeof(*items), writein_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
	json_decref(o);
}

/* Adds add's counts (name → votes) to the round's write-ins, inside t with the round's row held
 * (round_enter), so that concurrent ballots take turns. */
static int writeins_add(struct tx *t, int64_t round_id, json_t *add)
{
	struct db_res *r = NULL;
	json_t *o = NULL, *v;
	const char *key;
	char *text;
	if (!json_object_size(add) ||
	    tx_exec(t, &r, "SELECT write_ins FROM election_rounds WHERE id = ?", "i", round_id))
		return t->rc;
	if (r->nrows)
		o = json_loads(db_val(r, 0, 0), 0, NULL);
	db_res_free(r);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_foreach(add, key, v)
		json_object_set_new(o, key,
				    json_integer(json_integer_value(json_object_get(o, key)) +
						 json_integer_value(v)));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!text)
		return tx_fail(t, E_INTERNAL, "internal", "服务器内部错误");
	tx_exec(t, NULL, "UPDATE election_rounds SET write_ins = ? WHERE id = ?", "si", text, round_id);
	free(text);
	return t->rc;
}

/* Marks deputy as having a ballot of the round (device or paper): its roster row, written when
 * the round opened (or now, for a member added since), turns voted. Every row of the round is
 * rewritten alike, so that neither their order nor their writing transaction tells who voted
 * when. *dup: the member had voted already (nothing written). */
static int roster_mark(struct tx *t, int64_t round_id, int64_t deputy, const char *channel, int *dup)
{
	int64_t rows = 0, voted = 0;
	*dup = 0;
	if (tx_int(t, &rows, "SELECT COUNT(*) FROM round_roster WHERE round_id = ? AND deputy_id = ?",
		   "ii", round_id, deputy) ||
	    (!rows && tx_exec(t, NULL, "INSERT INTO round_roster (round_id, deputy_id) VALUES (?, ?)",
			      "ii", round_id, deputy)) ||
	    tx_int(t, &voted, "SELECT COUNT(*) FROM round_roster WHERE round_id = ? AND deputy_id = ? AND voted = 1",
		   "ii", round_id, deputy))
		return t->rc;
	if (voted) {
		*dup = 1;
		return 0;
	}
	return tx_exec(t, NULL,
		       "UPDATE round_roster SET voted = CASE WHEN deputy_id = ? THEN 1 ELSE voted END,"
		       " channel = CASE WHEN deputy_id = ? THEN ? ELSE channel END WHERE round_id = ?",
		       "iisi", deputy, deputy, channel, round_id);
}

int election_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL, *k = NULL;
	struct elc l;
	struct meeting m;
	json_t *o = NULL, *rounds, *elected;
	int rc;

	if ((rc = load_election(c, id, &l, &m, e)))
		return rc;
	if ((rc = db_execv(c, &r, e,
			   "SELECT id, no, kind, seats, state, issued, returned, invalid, members, result, paper_entered,"
			   " (SELECT COUNT(*) FROM round_tellers t WHERE t.round_id = election_rounds.id),"
			   " write_ins FROM election_rounds WHERE election_id = ? ORDER BY no",
			   "i", id)))
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
		if ((rc = db_execv(c, &k, e,
				   "SELECT id, name, deputy_id, nominated_by, nominators, n_for, n_against, n_abstain, status"
				   " FROM election_candidates WHERE round_id = ? ORDER BY id",
				   "i", rid))) {
			json_decref(cands);
			json_decref(wins);
			goto out;
		}
		if (a && a->deputy_id &&
		    (rc = db_intv(c, &voted, e, "SELECT COUNT(*) FROM round_roster WHERE round_id = ? AND deputy_id = ? AND voted = 1",
				  "ii", rid, a->deputy_id))) {
			json_decref(cands);
			json_decref(wins);
			goto out;
		}
		for (int j = 0; j < k->nrows; j++) {
			const char *st = db_val(k, j, 8);
			/* built directly, not by json_pack, which parses its format per candidate; a row
			 * without a name or nominator is left out, as json_pack's refusal of a NULL "s" did */
			if (db_val(k, j, 1) && db_val(k, j, 3)) {
				json_t *x = json_object();
				json_object_set_new(x, "id", json_integer(db_int(k, j, 0)));
				json_object_set_new(x, "name", json_string(db_val(k, j, 1)));
				json_object_set_new(x, "deputy_id", rows_int(k, j, 2));
				json_object_set_new(x, "nominated_by", json_string(db_val(k, j, 3)));
				json_object_set_new(x, "nominators", json_integer(db_int(k, j, 4)));
				json_object_set_new(x, "for",
						    counted ? json_integer(db_int(k, j, 5)) : json_null());
				json_object_set_new(x, "against",
						    counted ? json_integer(db_int(k, j, 6)) : json_null());
				json_object_set_new(x, "abstain",
						    counted ? json_integer(db_int(k, j, 7)) : json_null());
				json_object_set_new(x, "elected",
						    json_boolean(st && !strcmp(st, "elected")));
				json_object_set_new(x, "status", rows_str(st));
				json_array_append_new(cands, x);
			}
			if (st && !strcmp(st, "elected"))
				json_array_append_new(
					elected,
					json_pack("{s:I,s:s,s:I}", "candidate_id",
						  (json_int_t)db_int(k, j, 0), "name", db_val(k, j, 1),
						  "votes", (json_int_t)db_int(k, j, 5)));
		}
		if (counted)
			writeins_list(db_val(r, i, 12), wins);
		ro = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:o,s:I,s:b,s:b}",
			       "id", (json_int_t)rid, "no", (json_int_t)db_int(r, i, 1), "kind",
			       db_val(r, i, 2), "seats", (json_int_t)db_int(r, i, 3), "state",
			       state, "state_name", round_state_label(state), "issued",
			       (json_int_t)db_int(r, i, 5), "returned", (json_int_t)db_int(r, i, 6),
			       "valid", (json_int_t)(db_int(r, i, 6) - db_int(r, i, 7)), "invalid",
			       (json_int_t)db_int(r, i, 7), "members", (json_int_t)members,
			       "needed", (json_int_t)tally_needed(members, TALLY_HALF), "result",
			       db_val(r, i, 9), "candidates", cands, "write_ins", wins,
			       "tally_entries", (json_int_t)db_int(r, i, 11), "paper_entered",
			       (int)db_int(r, i, 10), "voted", voted > 0);
		json_array_append_new(rounds, ro);
		db_res_free(k);
		k = NULL;
	}
out:
	db_res_free(r);
	db_res_free(k);
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

/* A new round of election_id, nominating; *id its id. */
static int new_round(struct tx *t, int64_t election_id, const char *kind, int seats, int64_t *id)
{
	struct db_res *r;
	if (tx_exec(t, &r,
		    "INSERT INTO election_rounds (election_id, no, kind, seats, state)"
		    " VALUES (?, (SELECT COALESCE(MAX(no), 0) + 1 FROM election_rounds WHERE election_id = ?), ?, ?,"
		    " 'nominating') RETURNING id",
		    "iisi", election_id, election_id, kind, (int64_t)seats))
		return t->rc;
	*id = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

/* Copies the candidates of round `from` with status `status` (NULL: all) into round `to`, as
 * nominated by `by` (NULL: as before). */
static int copy_candidates(struct tx *t, int64_t from, int64_t to, const char *status, const char *by)
{
	if (status)
		return tx_exec(t, NULL,
			       "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
			       " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
			       " WHERE round_id = ? AND status = ?",
			       "isis", to, by, from, status);
	return tx_exec(t, NULL,
		       "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
		       " SELECT ?, name, deputy_id, COALESCE(?, nominated_by), nominators FROM election_candidates"
		       " WHERE round_id = ?",
		       "isi", to, by, from);
}

int election_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in,
		    json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"office", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "职务或项目"},
		{"office_kind", JF_STR, 1, 1, 10, "职务类别"},
		{"seats", JF_INT, 1, 1, 100, "应选人数"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{NULL, 0, 0, 0, 0, NULL}};
	int64_t seats = jsonx_int(in, "seats", 1), item = jsonx_int(in, "item_id", 0), ok = 1, lid = 0, rid;
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m;
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "meetings", meeting_id, 1, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!util_one_of(jsonx_str(in, "office_kind"), office_kinds))
		return err_field(e, E_INVALID, "bad_value", "office_kind",
				 "职务类别应为 chair、head、vice、other 或 project");
	tx_begin(&t, db, a, e);
	if (!meeting_tx_load(&t, meeting_id, 1, 1, &m) &&
	    (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")))
		tx_fail(&t, E_CONFLICT, "bad_state", "会议已结束，不能再增加选举");
	if (item &&
	    !tx_int(&t, &ok, "SELECT COUNT(*) FROM meeting_items WHERE id = ? AND meeting_id = ?",
		    "ii", item, meeting_id) &&
	    !ok)
		tx_fail_field(&t, E_INVALID, "bad_item", "item_id", "议程不属于本次会议");
	tx_exec(&t, &r,
		"INSERT INTO elections (meeting_id, item_id, office, office_kind, seats, state, created_at)"
		" VALUES (?, ?, ?, ?, ?, 'open', ?) RETURNING id",
		"inssii", meeting_id, item, jsonx_str(in, "office"), jsonx_str(in, "office_kind"),
		seats, util_now());
	if (tx_ok(&t))
		lid = db_int(r, 0, 0);
	db_res_free(r);
	if (!new_round(&t, lid, "regular", (int)seats, &rid))
		tx_check(&t, reply_election(t.c, a, lid, out, e));
	tx_audit(&t, "election.create", "election", lid, NULL, in);
	return meeting_tx_end(&t, meeting_id, out);
}

int election_project_in(struct tx *t, const struct meeting *m, int64_t item_id, const char *office,
			int seats, const char *const *names, size_t n, int64_t *election_id)
{
	struct db_res *r = NULL;
	int64_t ok = 1, rid = 0;
	*election_id = 0;
	if (tx_ok(t) && (!strcmp(m->state, "closed") || !strcmp(m->state, "cancelled")))
		return tx_fail(t, E_CONFLICT, "bad_state", "会议已结束，不能再增加票决");
	if (item_id &&
	    !tx_int(t, &ok, "SELECT COUNT(*) FROM meeting_items WHERE id = ? AND meeting_id = ?",
		    "ii", item_id, m->id) &&
	    !ok)
		return tx_fail_field(t, E_INVALID, "bad_item", "item_id", "议程不属于本次会议");
	if (tx_exec(t, &r,
		    "INSERT INTO elections (meeting_id, item_id, office, office_kind, seats, state, created_at)"
		    " VALUES (?, ?, ?, 'project', ?, 'open', ?) RETURNING id",
		    "insii", m->id, item_id, office, (int64_t)seats, util_now()))
		return t->rc;
	*election_id = db_int(r, 0, 0);
	db_res_free(r);
	if (new_round(t, *election_id, "regular", seats, &rid))
		return t->rc;
	for (size_t i = 0; i < n && tx_ok(t); i++)
		if (!tx_exec(t, NULL,
			     "INSERT INTO election_candidates (round_id, name, nominated_by, nominators)"
			     " VALUES (?, ?, 'presidium', 0) ON CONFLICT DO NOTHING",
			     "is", rid, names[i]) &&
		    db_changes(t->c) != 1)
			tx_fail(t, E_CONFLICT, "duplicate", "候选项目“%s”重名，请先修改项目名称",
				names[i]);
	tx_audit(t, "election.create", "election", *election_id, NULL, NULL);
	return t->rc;
}

static int read_election(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct elc l;
	struct meeting m;
	int rc;
	if (!(rc = load_election(c, id, &l, &m, e)) && !(rc = meeting_may(c, a, &m, 0, e)))
		rc = reply_election(c, a, id, out, e);
	return rc;
}

int election_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_election, a, id, NULL, out, e);
}

/* ---- nominations ---- */

/* A joint nomination (DOMAIN §2.8): distinct members of this meeting, at least
 * election.nominators_min of them; *n how many. */
static int joint_nomination(struct tx *t, const struct meeting *m, json_t *ids, int64_t *n)
{
	size_t i;
	json_t *v;
	int need, yes;
	*n = 0;
	if (tx_check(t, settings_int(t->c, m->path, "election.nominators_min", &need, t->e)))
		return t->rc;
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v))
			return tx_fail_field(t, E_INVALID, "wrong_type", "nominator_ids",
					     "联名代表应为代表编号");
		for (size_t j = 0; j < i; j++)
			if (json_integer_value(json_array_get(ids, j)) == json_integer_value(v))
				return tx_fail_field(t, E_INVALID, "duplicate_member",
						     "nominator_ids", "联名代表重复");
		if (tx_check(t, meeting_is_member(t->c, m, json_integer_value(v), &yes, t->e)))
			return t->rc;
		if (!yes)
			return tx_fail_field(t, E_INVALID, "not_member", "nominator_ids",
					     "联名人 %lld 不是本次会议的代表",
					     (long long)json_integer_value(v));
		(*n)++;
	}
	if (*n < need)
		return tx_fail_field(t, E_INVALID, "too_few_nominators", "nominator_ids",
				     "代表联名提名须有 %d 名以上代表（现有 %lld 名）", need,
				     (long long)*n);
	return t->rc;
}

int round_candidate_add(struct db *db, const struct actor *a, int64_t round_id, json_t *in,
			json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "候选人"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "代表"},
		{"nominated_by", JF_STR, 1, 1, 12, "提名方式"},
		{"nominator_ids", JF_ARR, 0, 0, 0, "联名代表"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const char *const bys[] = {"presidium", "deputies", NULL};
	int64_t deputy = jsonx_int(in, "deputy_id", 0), nominators = 0, known = 1;
	struct tx t;
	struct round_ctx x = {0};
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "election_rounds", round_id, 1, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!util_one_of(jsonx_str(in, "nominated_by"), bys))
		return err_field(e, E_INVALID, "bad_value", "nominated_by",
				 "提名方式应为 presidium（主席团）或 deputies（代表联名）");
	tx_begin(&t, db, a, e);
	if (!round_enter(&t, round_id, 1, &x) &&
	    (strcmp(x.d.state, "nominating") || !strcmp(x.d.kind, "runoff")))
		tx_fail(&t, E_CONFLICT, "bad_state", "本轮选举已不接受提名");
	if (tx_ok(&t) && !strcmp(jsonx_str(in, "nominated_by"), "deputies"))
		joint_nomination(&t, &x.m, json_object_get(in, "nominator_ids"), &nominators);
	if (deputy && !tx_int(&t, &known, "SELECT COUNT(*) FROM deputies WHERE id = ?", "i", deputy) && !known)
		tx_fail_field(&t, E_INVALID, "bad_deputy", "deputy_id", "代表不存在");
	if (!tx_exec(&t, NULL,
		     "INSERT INTO election_candidates (round_id, name, deputy_id, nominated_by, nominators)"
		     " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		     "isnsi", round_id, jsonx_str(in, "name"), deputy,
		     jsonx_str(in, "nominated_by"), nominators) &&
	    db_changes(t.c) != 1)
		tx_fail_field(&t, E_CONFLICT, "duplicate", "name", "候选人“%s”已被提名",
			      jsonx_str(in, "name"));
	if (tx_ok(&t))
		tx_check(&t, reply_election(t.c, a, x.l.id, out, e));
	tx_audit(&t, "election.candidate", "election", x.l.id, NULL, in);
	return meeting_tx_end(&t, x.m.id, out);
}

/* ---- the state machine of a round: its steps run by step_run (step.h) ---- */

/* The candidate-count rule of an office kind, with its numbers from the jurisdiction's
 * settings (DOMAIN §2.9: chair and head, vice posts; §5.24: livelihood projects). A maximum set
 * below the minimum counts as the minimum, so that some count is always allowed. */
static int candidate_rule(struct tx *t, const struct meeting *m, const char *office_kind,
			  struct tally_cand_rule *r)
{
	static const struct {
		const char *kind, *extra_min, *extra_max, *ratio_pct;
	} keys[] = {
		{"chair", "election.head_extra_min", "election.head_extra_max", NULL},
		{"head", "election.head_extra_min", "election.head_extra_max", NULL},
		{"vice", "election.vice_extra_min", "election.vice_extra_max", NULL},
		{"project", "election.project_extra_min", NULL, "project.candidate_ratio_pct"},
		{"other", "election.other_extra_min", NULL, NULL},
	};
	size_t i = 0;
	if (t->rc)
		return t->rc;
	while (i + 1 < ARRAY_LEN(keys) && strcmp(keys[i].kind, office_kind))
		i++;
	r->extra_max = -1;
	r->ratio_pct = 0;
	if (tx_check(t, settings_int(t->c, m->path, keys[i].extra_min, &r->extra_min, t->e)) ||
	    (keys[i].extra_max &&
	     tx_check(t, settings_int(t->c, m->path, keys[i].extra_max, &r->extra_max, t->e))) ||
	    (keys[i].ratio_pct &&
	     tx_check(t, settings_int(t->c, m->path, keys[i].ratio_pct, &r->ratio_pct, t->e))))
		return t->rc;
	if (keys[i].extra_max && r->extra_max < r->extra_min)
		r->extra_max = r->extra_min;
	return 0;
}

/* The rule in words, with the jurisdiction's numbers. */
static void candidate_rule_text(const char *office_kind, struct tally_cand_rule r, char *out, size_t n)
{
	if ((!strcmp(office_kind, "chair") || !strcmp(office_kind, "head")) && !r.extra_min)
		snprintf(out, n, "主席、乡镇长候选人数应等于应选人数，或比应选人数多 %d 人以内", r.extra_max);
	else if (!strcmp(office_kind, "chair") || !strcmp(office_kind, "head"))
		snprintf(out, n, "主席、乡镇长候选人数应比应选人数多 %d 至 %d 人", r.extra_min, r.extra_max);
	else if (!strcmp(office_kind, "vice"))
		snprintf(out, n, "副职候选人应比应选人数多 %d 至 %d 人（差额选举）", r.extra_min, r.extra_max);
	else if (!strcmp(office_kind, "project"))
		snprintf(out, n, "候选项目数应比票决项目数至少多 %d 个，且不少于票决项目数的 %d%%",
			 r.extra_min, r.ratio_pct);
	else if (r.extra_min)
		snprintf(out, n, "候选人数应比应选人数至少多 %d 人", r.extra_min);
	else
		snprintf(out, n, "候选人数不得少于应选人数");
}

/* How many "for" marks a ballot of this round may carry: the seats, or in a preliminary vote as
 * many as the formal vote takes. */
static int marks_allowed(const struct rnd *d, struct tally_cand_rule rule)
{
	int min, max;
	if (strcmp(d->kind, "preliminary"))
		return d->seats;
	tally_candidate_range(rule, d->seats, &min, &max);
	return max;
}

/* Running a round: staff who run the meeting. s->ctx is the round's struct round_ctx. */
static int may_run(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	return tx_check(&s->t, meeting_may(s->t.c, s->a, &x->m, 1, s->t.e));
}

/* Voting opens while the meeting sits with its quorum (the meeting's row held shared, so that
 * it does not close meanwhile) and with as many candidates as the office's rule allows; more
 * than that makes the round a preliminary vote. */
static int round_open(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	struct rnd *d = &x->d;
	struct tally_cand_rule rule;
	struct attendance t;
	int64_t n;
	int check, min, max;
	char text[200];
	if (tx_check(&s->t, meeting_load(s->t.c, x->m.id, 1, &x->m, s->t.e)))
		return s->t.rc;
	if (strcmp(x->m.state, "in_session"))
		return tx_fail(&s->t, E_CONFLICT, "bad_state", "会议尚未宣布开会，不能开始投票");
	if (tx_check(&s->t, attendance_quorum(s->t.c, &x->m, &t, s->t.e)) ||
	    candidate_rule(&s->t, &x->m, x->l.kind, &rule) ||
	    tx_int(&s->t, &n, "SELECT COUNT(*) FROM election_candidates WHERE round_id = ?", "i", d->id))
		return s->t.rc;
	/* a runoff is among the tied, who are at least two */
	check = !strcmp(d->kind, "runoff") ? (n < 2 ? -1 : 0)
					   : tally_candidates_check(rule, d->seats, (int)n);
	if (check < 0) {
		tally_candidate_range(rule, d->seats, &min, &max);
		candidate_rule_text(x->l.kind, rule, text, sizeof(text));
		return tx_fail(&s->t, E_CONFLICT, "candidate_count",
			       "%s：应选 %d 人，至少需要 %d 名候选人，现有 %lld 名", text, d->seats,
			       !strcmp(d->kind, "runoff") ? 2 : min, (long long)n);
	}
	/* the roster of who may vote: every member, none voted yet, in the order of their ids */
	tx_exec(&s->t, NULL,
		"INSERT INTO round_roster (round_id, deputy_id) SELECT ?, deputy_id FROM meeting_members"
		" WHERE meeting_id = ? AND deputy_id NOT IN (SELECT deputy_id FROM round_roster WHERE round_id = ?)"
		" ORDER BY deputy_id",
		"iii", d->id, x->m.id, d->id);
	return tx_exec(&s->t, NULL, "UPDATE election_rounds SET kind = ?, issued = ?, members = ?, opened_at = ? WHERE id = ?",
		       "siiii", check > 0 ? "preliminary" : d->kind, t.present, t.members,
		       util_now(), d->id);
}

static int set_status(struct tx *t, int64_t cand, const char *status)
{
	return tx_exec(t, NULL, "UPDATE election_candidates SET status = ? WHERE id = ?", "si", status, cand);
}

/* The round's written result; the state is the runner's. */
static int round_result(struct tx *t, int64_t rid, const struct buf *text)
{
	if (buf_failed(text))
		return tx_fail(t, E_INTERNAL, "internal", "服务器内部错误");
	return tx_exec(t, NULL, "UPDATE election_rounds SET result = ?, counted_at = ? WHERE id = ?",
		       "sii", text->data, util_now(), rid);
}

/* A preliminary vote: the most supported advance to the formal vote, as many as it allows; a
 * tie across that line is voted again. tc holds the candidates (n). */
static int count_preliminary(struct step_run *s, struct tally_candidate *tc, int n, struct buf *text)
{
	struct round_ctx *x = s->ctx;
	struct tally_cand_rule rule;
	int64_t next;
	int min, max, elected, tied;
	if (candidate_rule(&s->t, &x->m, x->l.kind, &rule))
		return s->t.rc;
	tally_candidate_range(rule, x->d.seats, &min, &max);
	tally_round(tc, n, n, 0, &elected, &tied); /* only sorts */
	if (max < n && tc[max - 1].votes == tc[max].votes) {
		buf_adds(text, "预选中得票相同，无法确定正式候选人，应再次预选");
		if (!round_result(&s->t, x->d.id, text) &&
		    !new_round(&s->t, x->l.id, "preliminary", x->d.seats, &next))
			copy_candidates(&s->t, x->d.id, next, NULL, NULL);
		return s->t.rc;
	}
	buf_adds(text, "预选结果，按得票多少确定正式候选人：");
	for (int i = 0; i < n; i++)
		set_status(&s->t, tc[i].id, i < max ? "advanced" : "not_elected");
	buf_addf(text, "前 %d 名进入正式选举", max);
	if (!round_result(&s->t, x->d.id, text) && !new_round(&s->t, x->l.id, "regular", x->d.seats, &next))
		copy_candidates(&s->t, x->d.id, next, "advanced", NULL);
	return s->t.rc;
}

/* A formal vote: elected, tied for the last seats (a runoff among them follows) or unfilled
 * seats (a further round follows); the election is done when every seat is filled. */
static int count_formal(struct step_run *s, const struct db_res *r, struct tally_candidate *tc,
			int n, struct buf *text)
{
	struct round_ctx *x = s->ctx;
	const struct rnd *d = &x->d;
	int64_t next, total_elected;
	int elected, tied, tie_seats = tally_round(tc, n, d->seats, d->members, &elected, &tied);
	buf_addf(text, "应到 %lld 人，发出 %lld 张，收回 %lld 张，有效 %lld 张；当选需超过全体代表半数（至少 %lld 票）。",
		 (long long)d->members, (long long)d->issued, (long long)d->returned,
		 (long long)(d->returned - d->invalid), (long long)tally_needed(d->members, TALLY_HALF));
	for (int i = 0; i < n; i++) {
		const char *st = tc[i].outcome == OUT_ELECTED ? "elected"
				 : tc[i].outcome == OUT_TIE   ? "tie"
							      : "not_elected";
		for (int j = 0; j < r->nrows; j++)
			if (db_int(r, j, 0) == tc[i].id)
				buf_addf(text, "%s %lld 票%s；", db_val(r, j, 1), (long long)tc[i].votes,
					 tc[i].outcome == OUT_ELECTED ? "，当选"
					 : tc[i].outcome == OUT_TIE   ? "，票数相同"
								      : "，未当选");
		set_status(&s->t, tc[i].id, st);
	}
	if (tx_int(&s->t, &total_elected,
		   "SELECT COUNT(*) FROM election_candidates k JOIN election_rounds r"
		   " ON r.id = k.round_id WHERE r.election_id = ? AND k.status = 'elected'",
		   "i", x->l.id))
		return s->t.rc;
	if (tie_seats) {
		buf_addf(text, "得票相同者就剩余 %d 个名额再次投票", tie_seats);
		if (!round_result(&s->t, d->id, text) &&
		    !new_round(&s->t, x->l.id, "runoff", tie_seats, &next))
			copy_candidates(&s->t, d->id, next, "tie", "runoff");
	} else if (total_elected < x->l.seats && strcmp(x->l.kind, "project")) {
		buf_addf(text, "尚缺 %lld 名，应另行选举%s", (long long)(x->l.seats - total_elected),
			 !strcmp(x->l.kind, "vice") ? "（仍实行差额选举）" : "");
		if (!round_result(&s->t, d->id, text))
			new_round(&s->t, x->l.id, "further", (int)(x->l.seats - total_elected), &next);
	} else if (!round_result(&s->t, d->id, text)) {
		tx_exec(&s->t, NULL, "UPDATE elections SET state = 'done' WHERE id = ?", "i", x->l.id);
	}
	return s->t.rc;
}

/* Counts a round: void when more ballots came back than were issued (voted again), else a
 * preliminary or a formal count. */
static int round_count(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	const struct rnd *d = &x->d;
	struct db_res *r = NULL;
	struct tally_candidate *tc;
	struct buf text = BUF_INIT_CAP(1 << 20); /* a line per candidate: thousands of them */
	int64_t next;

	if (!tally_round_valid(d->issued, d->returned)) {
		s->to = "void";
		buf_addf(&text, "收回选票 %lld 张，多于发出的 %lld 张，本轮选举无效，应重新投票",
			 (long long)d->returned, (long long)d->issued);
		if (!round_result(&s->t, d->id, &text) &&
		    !new_round(&s->t, x->l.id, d->kind, d->seats, &next))
			copy_candidates(&s->t, d->id, next, NULL, NULL);
		buf_release(&text);
		return s->t.rc;
	}
	if (tx_exec(&s->t, &r, "SELECT id, name, n_for FROM election_candidates WHERE round_id = ?",
		    "i", d->id)) {
		buf_release(&text);
		return s->t.rc;
	}
	tc = xcalloc((size_t)r->nrows + 1, sizeof(*tc));
	for (int i = 0; i < r->nrows; i++) {
		tc[i].id = db_int(r, i, 0);
		tc[i].votes = db_int(r, i, 2);
	}
	if (!strcmp(d->kind, "preliminary"))
		count_preliminary(s, tc, r->nrows, &text);
	else
		count_formal(s, r, tc, r->nrows, &text);
	free(tc);
	db_res_free(r);
	buf_release(&text);
	return s->t.rc;
}

static const struct step round_steps[] = {
	{"open", "开始投票", "nominating", "open", may_run, round_open},
	{"count", "计票", "open", "counted", may_run, round_count},
};

/* The round with its election and meeting under the runner's lock, seen by the actor. */
static int step_load(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	if (!tx_check(&s->t, load_round(s->t.c, s->id, 0, x, s->t.e)) &&
	    !tx_check(&s->t, meeting_may(s->t.c, s->a, &x->m, 0, s->t.e)))
		s->state = x->d.state;
	return s->t.rc;
}

static int step_after(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	return tx_check(&s->t, reply_election(s->t.c, s->a, x->l.id, &s->after, s->t.e));
}

/* The trail records a round's steps on its election: "election.round" with the round and step. */
static int step_audit(struct step_run *s)
{
	struct round_ctx *x = s->ctx;
	return step_audit_as(s, "election.round", "election", x->l.id,
			     json_pack("{s:I,s:s}", "round_id", (json_int_t)s->id, "action", s->step->name));
}

static const struct step_machine round_machine = {
	.object_type = "election",
	.table = "election_rounds",
	.what = "选举轮次",
	.steps = round_steps,
	.nsteps = ARRAY_LEN(round_steps),
	.load = step_load,
	.no_updated_at = 1,
	.after = step_after,
	.state_label = round_state_label,
	.audit = step_audit,
};

const char *round_next_state(const char *state, const char *action)
{
	return step_next(&round_machine, state, action);
}

int round_act(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out, struct err *e)
{
	struct round_ctx x = {0};
	return meeting_step(db, &round_machine, a, round_id, in, &x, &x.m, out, e);
}

/* ---- ballots ---- */

/* *present: the deputy is a member of the meeting who has signed in. */
static int is_present(struct tx *t, const struct meeting *m, int64_t deputy, int64_t *present)
{
	return tx_int(t, present,
		      "SELECT COUNT(*) FROM meeting_members WHERE meeting_id = ? AND deputy_id = ?"
		      " AND status = 'present'",
		      "ii", m->id, deputy);
}

/* Every mark names a candidate of the round (k: their ids). */
static int marks_known(struct tx *t, json_t *marks, const struct db_res *k)
{
	const char *key;
	json_t *v;
	json_object_foreach(marks, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found)
			return tx_fail_field(t, E_INVALID, "bad_candidate", "marks",
					     "选票上没有编号为 %s 的候选人", key);
	}
	return t->rc;
}

/* A valid ballot's marks into the counters of the round's candidates (k) and write-ins. */
static int count_ballot(struct tx *t, int64_t round_id, json_t *marks, json_t *wi, const struct db_res *k)
{
	size_t i;
	json_t *v, *add = json_object();
	for (int j = 0; j < k->nrows; j++) {
		const char *s = json_string_value(json_object_get(marks, db_val(k, j, 0)));
		const char *col = !s || !strcmp(s, "abstain") ? "n_abstain"
				  : !strcmp(s, "for")         ? "n_for"
							      : "n_against";
		char sql[96];
		snprintf(sql, sizeof(sql),
			 "UPDATE election_candidates SET %s = %s + 1 WHERE id = ?", col, col);
		tx_exec(t, NULL, sql, "i", db_int(k, j, 0));
	}
	json_array_foreach(wi, i, v)
		json_object_set_new(
			add, json_string_value(v),
			json_integer(json_integer_value(json_object_get(add, json_string_value(v))) + 1));
	writeins_add(t, round_id, add);
	json_decref(add);
	return t->rc;
}

/* Takes a member's ballot into the round: the member is recorded as having voted, the marks go
 * into the counters, and nothing ties the two together. */
int round_ballot(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out,
		 struct err *e)
{
	static const struct jfield spec[] = {{"marks", JF_OBJ, 1, 0, 0, "选票"},
					     {"write_ins", JF_ARR, 0, 0, 0, "另选他人"},
					     {NULL, 0, 0, 0, 0, NULL}};
	json_t *marks = json_object_get(in, "marks"), *wi = json_object_get(in, "write_ins"), *v, *after;
	struct tx t;
	struct db_res *k = NULL;
	struct round_ctx x = {0};
	const char *key;
	size_t i;
	struct tally_cand_rule rule;
	int64_t present;
	int rc, fors = 0, valid = 0, dup;
	*out = NULL;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号投票");
	if ((rc = meeting_check(db, a, "election_rounds", round_id, 0, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	json_object_foreach(marks, key, v) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "for") && strcmp(s, "against") && strcmp(s, "abstain")))
			return err_field(e, E_INVALID, "bad_value", "marks",
					 "每名候选人只能标注 for（赞成）、against（反对）或 abstain（弃权）");
		fors += !strcmp(s, "for");
	}
	json_array_foreach(wi, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) ||
		    util_utf8_len(json_string_value(v)) > LIMIT_NAME_CHARS)
			return err_field(e, E_INVALID, "bad_value", "write_ins", "另选人姓名无效");
		fors++;
	}
	tx_begin(&t, db, a, e);
	if (!round_enter(&t, round_id, 0, &x) && strcmp(x.d.state, "open"))
		tx_fail(&t, E_CONFLICT, "bad_state", "本轮投票%s",
			!strcmp(x.d.state, "nominating") ? "尚未开始" : "已结束");
	if (!is_present(&t, &x.m, a->deputy_id, &present) && !present)
		tx_fail(&t, E_CONFLICT, "not_present", "请先签到再投票");
	if (!tx_exec(&t, &k, "SELECT id FROM election_candidates WHERE round_id = ?", "i", round_id))
		marks_known(&t, marks, k);
	if (!roster_mark(&t, round_id, a->deputy_id, "device", &dup) && dup)
		tx_fail(&t, E_CONFLICT, "already_voted", "您已领取或投出本轮选票，不能重复投票");
	if (!candidate_rule(&t, &x.m, x.l.kind, &rule))
		valid = tally_ballot_valid(fors, marks_allowed(&x.d, rule));
	tx_exec(&t, NULL, "UPDATE election_rounds SET returned = returned + 1, invalid = invalid + ? WHERE id = ?",
		"ii", (int64_t)!valid, round_id);
	if (valid)
		count_ballot(&t, round_id, marks, wi, k);
	/* the audit says that the member voted in this round, never how */
	after = json_pack("{s:I}", "round_id", (json_int_t)round_id);
	tx_audit(&t, "election.ballot", "election", x.l.id, NULL, after);
	json_decref(after);
	db_res_free(k);
	if (tx_ok(&t))
		*out = json_pack("{s:b,s:b}", "ok", 1, "valid", valid);
	return meeting_tx_end(&t, x.m.id, out);
}

int round_paper_issued(struct db *db, const struct actor *a, int64_t round_id, json_t *in,
		       json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"deputy_ids", JF_ARR, 1, 0, 0, "领取纸质选票的代表"},
					     {NULL, 0, 0, 0, 0, NULL}};
	json_t *ids = json_object_get(in, "deputy_ids"), *v;
	struct tx t;
	struct round_ctx x = {0};
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "election_rounds", round_id, 1, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!round_enter(&t, round_id, 1, &x) && strcmp(x.d.state, "open"))
		tx_fail(&t, E_CONFLICT, "bad_state", "本轮投票未在进行中");
	json_array_foreach(ids, i, v) {
		int64_t deputy = json_integer_value(v), present;
		int dup;
		if (!tx_ok(&t))
			break;
		if (!json_is_integer(v)) {
			tx_fail_field(&t, E_INVALID, "wrong_type", "deputy_ids", "应为代表编号");
			break;
		}
		if (!is_present(&t, &x.m, deputy, &present) && !present)
			tx_fail_field(&t, E_CONFLICT, "not_present", "deputy_ids",
				      "代表 %lld 不是本次会议已签到的代表", (long long)deputy);
		if (!roster_mark(&t, round_id, deputy, "paper", &dup) && dup)
			tx_fail_field(&t, E_CONFLICT, "already_voted", "deputy_ids",
				      "代表 %lld 已领取或投出本轮选票", (long long)deputy);
	}
	if (tx_ok(&t))
		tx_check(&t, reply_election(t.c, a, x.l.id, out, e));
	tx_audit(&t, "election.paper_issued", "election", x.l.id, NULL, in);
	return meeting_tx_end(&t, 0, out);
}

/* A teller's entry in one canonical text, so that two entries compare as strings. */
static int paper_entry(struct db_conn *c, int64_t round_id, json_t *in, char **text, struct err *e)
{
	struct db_res *k = NULL;
	json_t *cands = json_object_get(in, "candidates"), *wi = json_object_get(in, "write_ins"),
	       *v, *norm = NULL, *nc;
	int64_t returned = jsonx_int(in, "returned", 0), invalid = jsonx_int(in, "invalid", 0);
	const char *key;
	int rc;
	if (invalid > returned)
		return err_field(e, E_INVALID, "bad_count", "invalid", "无效票不能多于收回的选票");
	if ((rc = db_execv(c, &k, e, "SELECT id, name FROM election_candidates WHERE round_id = ? ORDER BY id",
			   "i", round_id)))
		return rc;
	json_object_foreach(cands, key, v) {
		int found = 0;
		for (int j = 0; j < k->nrows; j++)
			found |= !strcmp(db_val(k, j, 0), key);
		if (!found) {
			rc = err_field(e, E_INVALID, "bad_candidate", "candidates",
				       "没有编号为 %s 的候选人", key);
			goto out;
		}
	}
	nc = json_object();
	norm = json_pack("{s:I,s:I,s:o,s:o}", "returned", (json_int_t)returned, "invalid", (json_int_t)invalid,
			 "candidates", nc, "write_ins", wi ? json_incref(wi) : json_object());
	for (int j = 0; j < k->nrows; j++) {
		json_t *one = json_object_get(cands, db_val(k, j, 0)), *o = json_object();
		json_object_set_new(nc, db_val(k, j, 0), o);
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
			rc = err_field(e, E_INVALID, "bad_count", "candidates",
				       "候选人“%s”的票数合计 %lld 多于有效票 %lld", db_val(k, j, 1),
				       (long long)sum, (long long)(returned - invalid));
			goto out;
		}
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
static void paper_diff(const char *a_text, const char *b_text, char *out, size_t n)
{
	json_t *x = json_loads(a_text, 0, NULL), *y = json_loads(b_text, 0, NULL), *v;
	const char *key;
	snprintf(out, n, "请核对");
	if (!x || !y)
		goto done;
	if (!json_equal(json_object_get(x, "returned"), json_object_get(y, "returned"))) {
		snprintf(out, n, "收回选票 %lld ≠ %lld",
			 (long long)json_integer_value(json_object_get(x, "returned")),
			 (long long)json_integer_value(json_object_get(y, "returned")));
		goto done;
	}
	if (!json_equal(json_object_get(x, "invalid"), json_object_get(y, "invalid"))) {
		snprintf(out, n, "无效票 %lld ≠ %lld",
			 (long long)json_integer_value(json_object_get(x, "invalid")),
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

/* The first teller's entry waits for the second's (the same teller may correct it). */
static int teller_wait(struct tx *t, int64_t round_id, int64_t account, const char *counts)
{
	tx_exec(t, NULL, "DELETE FROM round_tellers WHERE round_id = ? AND account_id = ?", "ii",
		round_id, account);
	return tx_exec(t, NULL, "INSERT INTO round_tellers (round_id, account_id, counts) VALUES (?, ?, ?)",
		       "iis", round_id, account, counts);
}

/* Two tellers agree: the paper counts (their canonical entry) join the device counts, once. */
static int paper_join(struct tx *t, int64_t round_id, const char *counts)
{
	json_t *x = json_loads(counts, 0, NULL), *v;
	const char *key;
	tx_exec(t, NULL,
		"UPDATE election_rounds SET returned = returned + ?, invalid = invalid + ?, paper_entered = 1"
		" WHERE id = ?",
		"iii", (int64_t)json_integer_value(json_object_get(x, "returned")),
		(int64_t)json_integer_value(json_object_get(x, "invalid")), round_id);
	json_object_foreach(json_object_get(x, "candidates"), key, v)
		tx_exec(t, NULL,
			"UPDATE election_candidates SET n_for = n_for + ?, n_against = n_against + ?,"
			" n_abstain = n_abstain + ? WHERE id = ?",
			"iiis", (int64_t)json_integer_value(json_object_get(v, "for")),
			(int64_t)json_integer_value(json_object_get(v, "against")),
			(int64_t)json_integer_value(json_object_get(v, "abstain")), key);
	writeins_add(t, round_id, json_object_get(x, "write_ins"));
	json_decref(x);
	return tx_exec(t, NULL, "DELETE FROM round_tellers WHERE round_id = ?", "i", round_id);
}

int round_paper(struct db *db, const struct actor *a, int64_t round_id, json_t *in, json_t **out,
		struct err *e)
{
	static const struct jfield spec[] = {
		{"returned", JF_INT, 1, 0, 100000, "收回选票"},
		{"invalid", JF_INT, 1, 0, 100000, "无效票"},
		{"candidates", JF_OBJ, 1, 0, 0, "候选人得票"},
		{"write_ins", JF_OBJ, 0, 0, 0, "另选他人得票"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *other = NULL;
	struct round_ctx x = {0};
	char *mine = NULL, diff[200];
	json_t *after;
	int rc, agreed = 0;
	*out = NULL;
	if ((rc = meeting_check(db, a, "election_rounds", round_id, 1, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!round_enter(&t, round_id, 1, &x) && (strcmp(x.d.state, "open") || x.d.paper_entered))
		tx_fail(&t, E_CONFLICT, "bad_state", "%s",
			x.d.paper_entered ? "纸质选票已经计入，不能重复录入" : "本轮投票未在进行中");
	if (tx_ok(&t))
		tx_check(&t, paper_entry(t.c, round_id, in, &mine, e));
	if (tx_exec(&t, &other, "SELECT account_id, counts FROM round_tellers WHERE round_id = ? AND account_id <> ?",
		    "ii", round_id, a->account_id)) {
		/* nothing more */
	} else if (!other->nrows) {
		teller_wait(&t, round_id, a->account_id, mine);
	} else if (strcmp(db_val(other, 0, 1), mine)) {
		paper_diff(db_val(other, 0, 1), mine, diff, sizeof(diff));
		tx_fail(&t, E_CONFLICT, "tellers_disagree",
			"两名计票人录入的票数不一致（%s），本次录入未计入，请核对后重新录入", diff);
	} else {
		agreed = 1;
		paper_join(&t, round_id, mine);
	}
	if (tx_ok(&t))
		tx_check(&t, reply_election(t.c, a, x.l.id, out, e));
	after = json_pack("{s:I,s:b}", "round_id", (json_int_t)round_id, "agreed", agreed);
	tx_audit(&t, "election.paper", "election", x.l.id, NULL, after);
	json_decref(after);
	if (tx_ok(&t))
		json_object_set_new(*out, "agreed", json_boolean(agreed));
	free(mine);
	db_res_free(other);
	return meeting_tx_end(&t, agreed ? x.m.id : 0, out);
}

int election_list_json(struct db_conn *c, const struct actor *a, int64_t meeting_id, json_t **out,
		       struct err *e)
{
	struct db_res *l = NULL;
	json_t *els = json_array();
	int rc = db_execv(c, &l, e, "SELECT id FROM elections WHERE meeting_id = ? ORDER BY id",
			  "i", meeting_id);
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
	if ((rc = db_intv(c, &rid, e,
			  "SELECT r.id FROM election_rounds r JOIN elections l ON l.id = r.election_id"
			  " WHERE l.meeting_id = ? AND r.state <> 'nominating' ORDER BY CASE WHEN r.state = 'open'"
			  " THEN 0 ELSE 1 END, r.opened_at DESC, r.id DESC LIMIT 1",
			  "i", meeting_id)) ||
	    !rid)
		return rc;
	if ((rc = db_execv(c, &r, e,
			   "SELECT r.id, l.office, r.no, r.state, r.issued, r.returned, r.result FROM election_rounds r"
			   " JOIN elections l ON l.id = r.election_id WHERE r.id = ?",
			   "i", rid)))
		return rc;
	json_decref(*out);
	*out = json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:s}", "id", (json_int_t)rid, "office",
			 db_val(r, 0, 1), "no", (json_int_t)db_int(r, 0, 2), "state",
			 db_val(r, 0, 3), "state_name", round_state_label(db_val(r, 0, 3)),
			 "issued", (json_int_t)db_int(r, 0, 4), "returned",
			 (json_int_t)db_int(r, 0, 5), "result", db_val(r, 0, 6));
	db_res_free(r);
	return 0;
}

int round_open_count(struct db_conn *c, int64_t meeting_id, int64_t *n, struct err *e)
{
	return db_intv(c, n, e,
		       "SELECT COUNT(*) FROM election_rounds r JOIN elections l ON l.id = r.election_id"
		       " WHERE l.meeting_id = ? AND r.state = 'open'",
		       "i", meeting_id);
}

json_t *round_labels(void)
{
	static const char *const reached_by_count[] = {"void", NULL}; /* a count that finds the round invalid */
	return step_labels(&round_machine, reached_by_count);
}
