#include "vote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance.h"
#include "jsonx.h"
#include "limit.h"
#include "live.h"
#include "rows.h"
#include "settings.h"
#include "step.h"
#include "tally.h"
#include "tx.h"
#include "util.h"

#define VOTE_SHARDS 16 /* rows each device vote's counters are spread over */

static const char *const state_names[][2] = {{"draft", "未开始"}, {"open", "进行中"}, {"closed", "已结束"}};

static const char *state_name(const char *s)
{
	return UTIL_LABEL(state_names, s, "");
}

#define V_COLS                                                                                       \
	"id, meeting_id, item_id, title, mode, recorded, basis, threshold, state, n_for, n_against," \
	" n_abstain, members, present, passed, rule, opened_at, closed_at, kind, subject_kind,"      \
	" subject_id, n_satisfied, n_basic, n_unsatisfied, n_invalid"
enum {
	V_ID,
	V_MEETING,
	V_ITEM,
	V_TITLE,
	V_MODE,
	V_RECORDED,
	V_BASIS,
	V_THRESHOLD,
	V_STATE,
	V_FOR,
	V_AGAINST,
	V_ABSTAIN,
	V_MEMBERS,
	V_PRESENT,
	V_PASSED,
	V_RULE,
	V_OPENED,
	V_CLOSED,
	V_KIND,
	V_SUBJECT_KIND,
	V_SUBJECT_ID,
	V_SATISFIED,
	V_BASIC,
	V_UNSATISFIED,
	V_INVALID
};

/* The grades of a satisfaction rating, and the choice its ballot counts as when it has no grade
 * or several (DOMAIN §6.27: invalid, not an error). */
static const char *const grades[] = {"satisfied", "basic", "unsatisfied", NULL};
#define GRADE_INVALID "invalid"
/* The subjects a rating may rate: a supervision item's report, a livelihood project. */
static const char *const subject_kinds[] = {"supervision", "project", NULL};

static int is_rating(const struct db_res *r, int i)
{
	return !strcmp(db_val(r, i, V_KIND), "rating");
}

static struct tally_rule rule_of(const char *threshold)
{
	return !strcmp(threshold, "two_thirds") ? TALLY_TWO_THIRDS : TALLY_HALF;
}

static const char *basis_name(const char *b)
{
	return !strcmp(b, "present") ? "出席人员"
	       : !strcmp(b, "cast")  ? "投票人员"
				     : "全体组成人员";
}

static int load_vote(struct db_conn *c, int64_t id, int lock, struct db_res **r, struct meeting *m,
		     struct err *e)
{
	char sql[400];
	int rc;
	/* a voter holds the vote row shared, so that a close (which updates it) waits for votes in
	 * flight and no vote lands after the count (where the backend locks rows; SQLite's writers
	 * are serial) */
	snprintf(sql, sizeof(sql), "SELECT " V_COLS " FROM votes WHERE id = ?%s",
		 lock ? db_lock_clause(c, 0) : "");
	if ((rc = db_execv(c, r, e, sql, "i", id)))
		return rc;
	if (!(*r)->nrows) {
		db_res_free(*r);
		*r = NULL;
		return err_set(e, E_NOTFOUND, "not_found", "表决不存在");
	}
	if ((rc = meeting_load(c, db_int(*r, 0, V_MEETING), 0, m, e))) {
		db_res_free(*r);
		*r = NULL;
	}
	return rc;
}

/* The vote in row i of r (V_COLS) of meeting m, as the actor sees it. */
static int vote_row_json(struct db_conn *c, const struct actor *a, const struct db_res *r, int i,
			 const struct meeting *m, json_t **out, struct err *e)
{
	struct db_res *b = NULL;
	int64_t id = db_int(r, i, V_ID), cast = 0, voted = 0, base, members, present, f, ag, ab;
	const char *state;
	int rc = 0, closed;
	json_t *o;

	state = db_val(r, i, V_STATE);
	closed = !strcmp(state, "closed");
	f = db_int(r, i, V_FOR);
	ag = db_int(r, i, V_AGAINST);
	ab = db_int(r, i, V_ABSTAIN);
	if (!strcmp(db_val(r, i, V_MODE), "device")) {
		if ((rc = db_intv(c, &cast, e, "SELECT COUNT(*) FROM vote_casts WHERE vote_id = ?", "i", id)))
			goto out;
	} else {
		cast = f + ag + ab;
	}
	if (a && a->deputy_id &&
	    (rc = db_intv(c, &voted, e,
			  "SELECT COUNT(*) FROM vote_casts WHERE vote_id = ?"
			  " AND deputy_id = ?",
			  "ii", id, a->deputy_id)))
		goto out;
	members = db_int(r, i, V_MEMBERS);
	present = db_int(r, i, V_PRESENT);
	if (!closed) {
		struct attendance t;
		if ((rc = attendance_count(c, m, &t, e)))
			goto out;
		members = t.members;
		present = t.present;
	}
	base = !strcmp(db_val(r, i, V_BASIS), "present") ? present
	       : !strcmp(db_val(r, i, V_BASIS), "cast")  ? cast
							 : members;
	o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "meeting_id", json_integer(m->id));
	json_object_set_new(o, "item_id", rows_int(r, i, V_ITEM));
	json_object_set_new(o, "title", json_string(db_val(r, i, V_TITLE)));
	json_object_set_new(o, "mode", json_string(db_val(r, i, V_MODE)));
	json_object_set_new(o, "recorded", json_boolean(db_int(r, i, V_RECORDED)));
	json_object_set_new(o, "basis", json_string(db_val(r, i, V_BASIS)));
	json_object_set_new(o, "threshold", json_string(db_val(r, i, V_THRESHOLD)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "state_name", json_string(closed ? "已结束" : state_name(state)));
	/* while open only the number of votes cast shows: a running tally sways the late voters */
	json_object_set_new(o, "for", closed ? json_integer(f) : json_null());
	json_object_set_new(o, "against", closed ? json_integer(ag) : json_null());
	json_object_set_new(o, "abstain", closed ? json_integer(ab) : json_null());
	json_object_set_new(o, "cast", json_integer(cast));
	json_object_set_new(o, "not_voting", json_integer(present > cast ? present - cast : 0));
	json_object_set_new(o, "members", json_integer(members));
	json_object_set_new(o, "present", json_integer(present));
	json_object_set_new(o, "base", json_integer(base));
	json_object_set_new(o, "needed",
			    json_integer(tally_needed(base, rule_of(db_val(r, i, V_THRESHOLD)))));
	json_object_set_new(o, "passed",
			    db_val(r, i, V_PASSED) ? json_boolean(db_int(r, i, V_PASSED)) : json_null());
	json_object_set_new(o, "rule", json_string(db_val(r, i, V_RULE)));
	json_object_set_new(o, "opened_at", rows_int(r, i, V_OPENED));
	json_object_set_new(o, "closed_at", rows_int(r, i, V_CLOSED));
	json_object_set_new(o, "voted", json_boolean(voted > 0));
	json_object_set_new(o, "kind", json_string(db_val(r, i, V_KIND)));
	if (is_rating(r, i)) {
		int64_t s = db_int(r, i, V_SATISFIED), bs = db_int(r, i, V_BASIC),
			u = db_int(r, i, V_UNSATISFIED), inv = db_int(r, i, V_INVALID);
		json_object_set_new(o, "subject_kind", rows_str(db_val(r, i, V_SUBJECT_KIND)));
		json_object_set_new(o, "subject_id", rows_int(r, i, V_SUBJECT_ID));
		/* the grades, like the for and against of a vote, only once it is over */
		json_object_set_new(o, "satisfied", closed ? json_integer(s) : json_null());
		json_object_set_new(o, "basic", closed ? json_integer(bs) : json_null());
		json_object_set_new(o, "unsatisfied", closed ? json_integer(u) : json_null());
		json_object_set_new(o, "invalid", closed ? json_integer(inv) : json_null());
		json_object_set_new(o, "valid", closed ? json_integer(s + bs + u) : json_null());
		json_object_set_new(o, "needed", json_null());
		if (!strcmp(db_val(r, i, V_MODE), "tally"))
			json_object_set_new(o, "cast", json_integer(s + bs + u + inv));
	}
	/* how each member voted: on a recorded vote once it is over, and only to staff who may read
	 * the meeting (never the public screen, a NULL actor, nor the members themselves) */
	if (closed && db_int(r, i, V_RECORDED) && meeting_can_read(a, m)) {
		json_t *list = json_array();
		if ((rc = db_execv(c, &b, e,
				   "SELECT v.deputy_id, d.name, v.choice FROM vote_casts v JOIN deputies d"
				   " ON d.id = v.deputy_id WHERE v.vote_id = ? ORDER BY d.name, d.id",
				   "i", id))) {
			json_decref(list);
			json_decref(o);
			goto out;
		}
		for (int j = 0; j < b->nrows; j++) {
			/* built directly, not by json_pack, which parses its format per ballot; an entry
			 * without a name is left out, as json_pack's refusal of a NULL "s" did */
			json_t *x;
			if (!db_val(b, j, 1))
				continue;
			x = json_object();
			json_object_set_new(x, "deputy_id", json_integer(db_int(b, j, 0)));
			json_object_set_new(x, "name", json_string(db_val(b, j, 1)));
			json_object_set_new(x, "choice", rows_str(db_val(b, j, 2)));
			json_array_append_new(list, x);
		}
		json_object_set_new(o, "ballots", list);
	}
	*out = o;
out:
	db_res_free(b);
	return rc;
}

int vote_json(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	struct meeting m;
	int rc;

	if ((rc = load_vote(c, id, 0, &r, &m, e)))
		return rc;
	rc = vote_row_json(c, a, r, 0, &m, out, e);
	db_res_free(r);
	return rc;
}

static int reply_vote(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	json_t *v;
	int rc = vote_json(c, a, id, &v, e);
	if (!rc)
		*out = json_pack("{s:o}", "vote", v);
	return rc;
}

int vote_create(struct db *db, const struct actor *a, int64_t meeting_id, json_t *in, json_t **out,
		struct err *e)
{
	static const struct jfield spec[] = {
		{"title", JF_STR, 1, 1, LIMIT_SHORT_CHARS, "表决事项"},
		{"item_id", JF_INT, 0, 1, INT64_MAX, "议程"},
		{"mode", JF_STR, 0, 1, 10, "表决方式"},
		{"recorded", JF_BOOL, 0, 0, 0, "记名"},
		{"basis", JF_STR, 0, 1, 10, "计算基数"},
		{"threshold", JF_STR, 0, 1, 12, "通过比例"},
		{"kind", JF_STR, 0, 1, 10, "表决类别"},
		{"subject_kind", JF_STR, 0, 1, 20, "测评对象类别"},
		{"subject_id", JF_INT, 0, 1, INT64_MAX, "测评对象"},
		{NULL, 0, 0, 0, 0, NULL}};
	static const char *const kinds[] = {"agenda", "rating", NULL};
	static const char *const modes[] = {"device", "tally", NULL}, *const bases[] = {"all", "present", "cast", NULL},
				 *const thresholds[] = {"half", "two_thirds", NULL};
	const char *mode = jsonx_str(in, "mode") ? jsonx_str(in, "mode") : "device";
	const char *basis = jsonx_str(in, "basis") ? jsonx_str(in, "basis") : "all";
	const char *threshold = jsonx_str(in, "threshold") ? jsonx_str(in, "threshold") : "half";
	const char *kind = jsonx_str(in, "kind") ? jsonx_str(in, "kind") : "agenda";
	int64_t item = jsonx_int(in, "item_id", 0), ok = 1, vid = 0;
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m;
	int rc;
	*out = NULL;
	if ((rc = meeting_check(db, a, "meetings", meeting_id, 1, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	if (!util_one_of(mode, modes))
		return err_field(e, E_INVALID, "bad_value", "mode",
				 "表决方式应为 device（电子表决器）或 tally（举手/纸质计数）");
	if (!util_one_of(basis, bases))
		return err_field(e, E_INVALID, "bad_value", "basis", "计算基数应为 all、present 或 cast");
	if (!util_one_of(threshold, thresholds))
		return err_field(e, E_INVALID, "bad_value", "threshold", "通过比例应为 half 或 two_thirds");
	if (!util_one_of(kind, kinds))
		return err_field(e, E_INVALID, "bad_value", "kind",
				 "表决类别应为 agenda（议题表决）或 rating（满意度测评）");
	if (!strcmp(kind, "rating")) {
		/* a rating is always a secret ballot, passed by its own rule over the valid ballots */
		if (json_is_true(json_object_get(in, "recorded")))
			return err_field(e, E_INVALID, "secret", "recorded", "满意度测评应无记名投票");
		if (!util_one_of(jsonx_str(in, "subject_kind"), subject_kinds))
			return err_field(e, E_INVALID, "required", "subject_kind",
					 "请指明测评对象类别：supervision（监督事项）或 project（民生实事项目）");
		if (!jsonx_int(in, "subject_id", 0))
			return err_field(e, E_INVALID, "required", "subject_id", "请指明测评对象");
		basis = "cast";
	} else if (jsonx_str(in, "subject_kind") || json_object_get(in, "subject_id")) {
		return err_field(e, E_INVALID, "bad_value", "subject_kind", "只有满意度测评有测评对象");
	}
	tx_begin(&t, db, a, e);
	if (!meeting_tx_load(&t, meeting_id, 1, 1, &m) &&
	    (!strcmp(m.state, "closed") || !strcmp(m.state, "cancelled")))
		tx_fail(&t, E_CONFLICT, "bad_state", "会议已结束，不能再增加表决");
	if (item &&
	    !tx_int(&t, &ok, "SELECT COUNT(*) FROM meeting_items WHERE id = ? AND meeting_id = ?",
		    "ii", item, meeting_id) &&
	    !ok)
		tx_fail_field(&t, E_INVALID, "bad_item", "item_id", "议程不属于本次会议");
	tx_exec(&t, &r,
		"INSERT INTO votes (meeting_id, item_id, title, mode, recorded, basis, threshold, state, created_at,"
		" kind, subject_kind, subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id",
		"inssississn", meeting_id, item, jsonx_str(in, "title"), mode,
		(int64_t)json_is_true(json_object_get(in, "recorded")), basis, threshold,
		util_now(), kind, strcmp(kind, "rating") ? NULL : jsonx_str(in, "subject_kind"),
		jsonx_int(in, "subject_id", 0));
	if (tx_ok(&t)) {
		vid = db_int(r, 0, 0);
		tx_check(&t, reply_vote(t.c, a, vid, out, e));
	}
	tx_audit(&t, "vote.create", "vote", vid, NULL, in);
	db_res_free(r);
	return meeting_tx_end(&t, meeting_id, out);
}

static int read_vote(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	struct meeting m;
	int rc;
	if (!(rc = load_vote(c, id, 0, &r, &m, e)) && !(rc = meeting_may(c, a, &m, 0, e)))
		rc = reply_vote(c, a, id, out, e);
	db_res_free(r);
	return rc;
}

int vote_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_vote, a, id, NULL, out, e);
}

/* ---- the state machine of a vote: its steps run by step_run (step.h) ---- */

/* Running a vote: staff who run the meeting. s->ctx is the vote's struct meeting. */
static int may_run(struct step_run *s)
{
	return tx_check(&s->t, meeting_may(s->t.c, s->a, s->ctx, 1, s->t.e));
}

/* A vote opens while the meeting sits with its quorum, one vote at a time (the meeting's row is
 * held meanwhile, so neither a second vote nor the close comes between); the counters' rows
 * exist before the first ballot, so that a ballot only updates. */
static int vote_open(struct step_run *s)
{
	static const char *const choices[] = {"for", "against", "abstain", NULL},
				 *const rating_choices[] = {"satisfied", "basic", "unsatisfied",
							    GRADE_INVALID, NULL};
	const char *const *ch = is_rating(s->row, 0) ? rating_choices : choices;
	struct meeting *m = s->ctx;
	struct attendance t;
	int64_t open;
	if (tx_lock(&s->t, "meetings", m->id, "会议") ||
	    tx_check(&s->t, meeting_load(s->t.c, m->id, 0, m, s->t.e)))
		return s->t.rc;
	if (strcmp(m->state, "in_session"))
		return tx_fail(&s->t, E_CONFLICT, "bad_state", "会议尚未宣布开会，不能开始表决");
	if (tx_check(&s->t, attendance_quorum(s->t.c, m, &t, s->t.e)) ||
	    tx_check(&s->t, vote_open_count(s->t.c, m->id, &open, s->t.e)))
		return s->t.rc;
	if (open)
		return tx_fail(&s->t, E_CONFLICT, "vote_open", "已有一项表决正在进行");
	for (int64_t shard = 0; shard < VOTE_SHARDS; shard++)
		for (size_t k = 0; ch[k]; k++)
			tx_exec(&s->t, NULL,
				"INSERT INTO vote_counts (vote_id, shard, choice, n) VALUES (?, ?, ?, 0)",
				"iis", s->id, shard, ch[k]);
	return tx_exec(&s->t, NULL, "UPDATE votes SET members = ?, present = ?, opened_at = ? WHERE id = ?",
		       "iiii", t.members, t.present, util_now(), s->id);
}

/* The result of a vote at its close: the counts, the base the rule counts against, whether it
 * passed and the sentence that says why. */
/* A rating's result at its close (DOMAIN §6.27): the grades, the valid ballots the share counts
 * against, and whether satisfied + basically satisfied is more than rating.pass_pct of them. */
static int rating_close(struct step_run *s, const struct attendance *t)
{
	const struct db_res *v = s->row;
	struct db_res *r = NULL;
	int64_t n[4] = {db_int(v, 0, V_SATISFIED), db_int(v, 0, V_BASIC),
			db_int(v, 0, V_UNSATISFIED), db_int(v, 0, V_INVALID)},
		valid;
	const struct meeting *m = s->ctx;
	char text[400];
	int pct, passed;

	if (tx_check(&s->t, settings_int(s->t.c, m->path, "rating.pass_pct", &pct, s->t.e)))
		return s->t.rc;
	if (!strcmp(db_val(v, 0, V_MODE), "device")) {
		if (tx_exec(&s->t, &r, "SELECT choice, SUM(n) FROM vote_counts WHERE vote_id = ? GROUP BY choice",
			    "i", s->id))
			return s->t.rc;
		memset(n, 0, sizeof(n));
		for (int i = 0; i < r->nrows; i++) {
			int k = util_index_of(db_val(r, i, 0), grades);
			n[k >= 0 ? k : 3] = db_int(r, i, 1);
		}
		db_res_free(r);
	}
	valid = n[0] + n[1] + n[2];
	passed = tally_rating_passes(n[0], n[1], valid, pct);
	snprintf(text, sizeof(text),
		 "满意 %lld 票，基本满意 %lld 票，不满意 %lld 票，无效 %lld 票；满意和基本满意 %lld 票%s有效票 %lld 票的%d%%，%s",
		 (long long)n[0], (long long)n[1], (long long)n[2], (long long)n[3],
		 (long long)(n[0] + n[1]), passed ? "超过" : "未超过", (long long)valid, pct,
		 passed ? "通过" : "未通过");
	return tx_exec(&s->t, NULL,
		       "UPDATE votes SET n_satisfied = ?, n_basic = ?, n_unsatisfied = ?, n_invalid = ?,"
		       " members = ?, present = ?, passed = ?, rule = ?, closed_at = ? WHERE id = ?",
		       "iiiiiiisii", n[0], n[1], n[2], n[3], t->members, t->present,
		       (int64_t)passed, text, util_now(), s->id);
}

static int vote_close(struct step_run *s)
{
	const struct db_res *v = s->row;
	struct db_res *r = NULL;
	struct attendance t;
	int64_t f = db_int(v, 0, V_FOR), ag = db_int(v, 0, V_AGAINST), ab = db_int(v, 0, V_ABSTAIN),
		base, need;
	const char *basis = db_val(v, 0, V_BASIS);
	struct tally_rule rule = rule_of(db_val(v, 0, V_THRESHOLD));
	char text[400];
	int passed;

	if (tx_check(&s->t, attendance_count(s->t.c, s->ctx, &t, s->t.e)))
		return s->t.rc;
	if (is_rating(v, 0))
		return rating_close(s, &t);
	if (!strcmp(db_val(v, 0, V_MODE), "device")) {
		if (tx_exec(&s->t, &r, "SELECT choice, SUM(n) FROM vote_counts WHERE vote_id = ? GROUP BY choice",
			    "i", s->id))
			return s->t.rc;
		f = ag = ab = 0;
		for (int i = 0; i < r->nrows; i++) {
			const char *ch = db_val(r, i, 0);
			int64_t n = db_int(r, i, 1);
			if (!strcmp(ch, "for"))
				f = n;
			else if (!strcmp(ch, "against"))
				ag = n;
			else
				ab = n;
		}
		db_res_free(r);
	}
	base = !strcmp(basis, "present") ? t.present
	       : !strcmp(basis, "cast")  ? f + ag + ab
					 : t.members;
	passed = tally_passes(f, base, rule);
	need = tally_needed(base, rule);
	snprintf(text, sizeof(text), "赞成 %lld 票，%s%s %lld 人的%s（至少 %lld 票），%s", (long long)f,
		 passed ? (rule.strict ? "超过" : "达到") : (rule.strict ? "未超过" : "未达到"),
		 basis_name(basis), (long long)base, rule.strict ? "半数" : "三分之二",
		 (long long)need, passed ? "通过" : "未通过");
	return tx_exec(&s->t, NULL,
		       "UPDATE votes SET n_for = ?, n_against = ?, n_abstain = ?, members = ?, present = ?,"
		       " passed = ?, rule = ?, closed_at = ? WHERE id = ?",
		       "iiiiiisii", f, ag, ab, t.members, t.present, (int64_t)passed, text,
		       util_now(), s->id);
}

static const struct step vote_steps[] = {
	{"open", "开始表决", "draft", "open", may_run, vote_open},
	{"close", "结束表决", "open", "closed", may_run, vote_close},
};

/* The vote (s->row) and its meeting under the runner's lock, seen by the actor. */
static int step_load(struct step_run *s)
{
	if (!tx_check(&s->t, load_vote(s->t.c, s->id, 0, &s->row, s->ctx, s->t.e)) &&
	    !tx_check(&s->t, meeting_may(s->t.c, s->a, s->ctx, 0, s->t.e)))
		s->state = db_val(s->row, 0, V_STATE);
	return s->t.rc;
}

static int step_after(struct step_run *s)
{
	return tx_check(&s->t, reply_vote(s->t.c, s->a, s->id, &s->after, s->t.e));
}

/* The trail keeps its name for every step of a vote: "vote.action" with the step. */
static int step_audit(struct step_run *s)
{
	return step_audit_as(s, "vote.action", "vote", s->id, json_pack("{s:s}", "action", s->step->name));
}

static const struct step_machine vote_machine = {
	.object_type = "vote",
	.table = "votes",
	.what = "表决",
	.steps = vote_steps,
	.nsteps = ARRAY_LEN(vote_steps),
	.load = step_load,
	.no_updated_at = 1,
	.after = step_after,
	.state_label = state_name,
	.audit = step_audit,
};

const char *vote_next_state(const char *state, const char *action)
{
	return step_next(&vote_machine, state, action);
}

int vote_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	struct meeting m = {0};
	return meeting_step(db, &vote_machine, a, id, in, &m, &m, out, e);
}

/* ---- ballots ---- */

/* A device ballot needs an open device vote and a member who is present; to one who is not a
 * member the meeting does not exist. */
static int check_voter(struct tx *t, const struct db_res *v, const struct meeting *m, int64_t deputy)
{
	const char *state = db_val(v, 0, V_STATE);
	struct db_res *st = NULL;
	int member, present;
	if (tx_exec(t, &st, "SELECT status FROM meeting_members WHERE meeting_id = ? AND deputy_id = ?",
		    "ii", m->id, deputy))
		return t->rc;
	member = st->nrows > 0;
	present = member && !strcmp(db_val(st, 0, 0), "present");
	db_res_free(st);
	if (!member)
		return tx_fail(t, E_NOTFOUND, "not_found", "会议不存在");
	if (strcmp(state, "open"))
		return tx_fail(t, E_CONFLICT, "bad_state", "表决%s，不能投票",
			       !strcmp(state, "closed") ? "已结束" : "尚未开始");
	if (strcmp(db_val(v, 0, V_MODE), "device"))
		return tx_fail(t, E_CONFLICT, "bad_mode", "本项以举手或纸质方式表决，由计票人录入");
	if (!present)
		return tx_fail(t, E_CONFLICT, "not_present", "请先签到再表决");
	return 0;
}

/* One vote as a member of a group commit (db_group): votes that arrive together share one
 * transaction and one fsync, each under its own savepoint, and every voter is answered only after
 * that commit. */
struct pending_vote {
	const struct actor *a;
	int64_t id, meeting;
	const char *choice; /* for, against, abstain; or a rating's grade, or "invalid" */
	int rating;         /* a rating's ballot (grades), not a vote's choice */
};

/* One member's ballot inside the group's transaction (tx_join): the vote row is held shared, so
 * that a close waits for the ballots in flight and none lands after the count. */
static int cast_member(struct db_conn *c, void *ctx, struct err *e)
{
	struct pending_vote *v = ctx;
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m;
	int64_t shard = (int64_t)(((uint64_t)util_mono_us() ^ (uint64_t)v->a->deputy_id * 2654435761u) %
				  VOTE_SHARDS);
	json_t *after;
	int recorded;

	tx_join(&t, c, v->a, e);
	if (tx_check(&t, load_vote(c, v->id, 1, &r, &m, e)))
		return tx_end(&t);
	v->meeting = m.id;
	recorded = (int)db_int(r, 0, V_RECORDED);
	check_voter(&t, r, &m, v->a->deputy_id);
	if (tx_ok(&t) && is_rating(r, 0) != v->rating)
		tx_fail_field(&t, E_INVALID, "bad_value", v->rating ? "grades" : "choice",
			      is_rating(r, 0) ? "满意度测评请在满意、基本满意、不满意中选择一项（grades）"
					      : "本项表决请选择赞成、反对或弃权（choice）");
	tx_exec(&t, NULL, "INSERT INTO vote_casts (vote_id, deputy_id, choice) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		"iis", v->id, v->a->deputy_id, recorded ? v->choice : NULL);
	if (tx_ok(&t) && db_changes(c) != 1)
		tx_fail(&t, E_CONFLICT, "already_voted", "您已投票，不能重复投票");
	tx_exec(&t, NULL, "UPDATE vote_counts SET n = n + 1 WHERE vote_id = ? AND shard = ? AND choice = ?",
		"iis", v->id, shard, v->choice);
	after = recorded ? json_pack("{s:s}", "choice", v->choice) : json_object();
	tx_audit(&t, "vote.cast", "vote", v->id, NULL, after);
	json_decref(after);
	db_res_free(r);
	return tx_end(&t);
}

/* A ballot on its way through a group commit without its caller waiting (vote_ballot_new). */
struct vote_ballot {
	struct db *db;
	struct actor a; /* a copy: the member's request may end before the group runs */
	char choice[16];
	struct pending_vote v;
	struct err e;
	int rc;
};

/* The checks made before the group commit: who (a deputy's own account), which vote (its
 * meeting in the deputy's sight), then what (the choice). */
static int ballot_check(struct db *db, const struct actor *a, int64_t id, json_t *in,
			const char **choice, int *rating, struct err *e)
{
	static const struct jfield spec[] = {{"choice", JF_STR, 0, 1, 10, "表决意见"},
					     {"grades", JF_ARR, 0, 0, 3, "测评等次"},
					     {NULL, 0, 0, 0, 0, NULL}};
	static const char *const choices[] = {"for", "against", "abstain", NULL};
	json_t *g = json_object_get(in, "grades"), *x;
	size_t i;
	int rc;
	if (!a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "请使用代表本人账号表决");
	if ((rc = meeting_check(db, a, "votes", id, 0, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	*rating = g != NULL;
	if (g) {
		/* a rating's ballot: the grades marked; none or several make it invalid, not wrong */
		if (json_object_get(in, "choice"))
			return err_field(e, E_INVALID, "bad_value", "choice",
					 "满意度测评的选票只有测评等次（grades）");
		json_array_foreach(g, i, x)
			if (!json_is_string(x) || !util_one_of(json_string_value(x), grades))
				return err_field(e, E_INVALID, "bad_value", "grades",
						 "测评等次应为 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）");
		*choice = tally_rating_valid((int)json_array_size(g))
				  ? json_string_value(json_array_get(g, 0))
				  : GRADE_INVALID;
		return 0;
	}
	if (!util_one_of(jsonx_str(in, "choice"), choices))
		return err_field(e, E_INVALID, "bad_value", "choice",
				 "表决意见应为 for（赞成）、against（反对）或 abstain（弃权）");
	*choice = jsonx_str(in, "choice");
	return 0;
}

/* After the commit: the screens are told, the voter answered. */
static int ballot_reply(int64_t id, int64_t meeting, json_t **out)
{
	live_publish(meeting);
	*out = json_pack("{s:b,s:I}", "ok", 1, "vote_id", (json_int_t)id);
	return 0;
}

int vote_cast(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	struct pending_vote me = {0};
	int rc;
	*out = NULL;
	if ((rc = ballot_check(db, a, id, in, &me.choice, &me.rating, e)))
		return rc;
	me.a = a;
	me.id = id;
	if ((rc = db_group(db, cast_member, &me, e)))
		return rc;
	return ballot_reply(id, me.meeting, out);
}

int vote_ballot_new(struct db *db, const struct actor *a, int64_t id, json_t *in,
		    struct vote_ballot **out, struct err *e)
{
	struct vote_ballot *b;
	const char *choice = NULL;
	int rc, rating = 0;
	*out = NULL;
	if ((rc = ballot_check(db, a, id, in, &choice, &rating, e)))
		return rc;
	b = xcalloc(1, sizeof(*b));
	b->db = db;
	b->a = *a;
	snprintf(b->choice, sizeof(b->choice), "%s", choice);
	b->v.rating = rating;
	b->v.a = &b->a;
	b->v.id = id;
	b->v.choice = b->choice;
	*out = b;
	return 0;
}

void vote_ballot_queue(struct vote_ballot *b, void (*done)(void *arg), void *arg)
{
	db_group_queue(b->db, cast_member, &b->v, &b->e, &b->rc, done, arg);
}

int vote_ballot_end(struct vote_ballot *b, json_t **out, struct err *e)
{
	int rc = b->rc;
	*out = NULL;
	if (rc)
		*e = b->e;
	else
		ballot_reply(b->v.id, b->v.meeting, out);
	free(b);
	return rc;
}

int vote_tally(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"for", JF_INT, 1, 0, 100000, "赞成票"},
					     {"against", JF_INT, 1, 0, 100000, "反对票"},
					     {"abstain", JF_INT, 1, 0, 100000, "弃权票"},
					     {NULL, 0, 0, 0, 0, NULL}};
	/* a rating's paper count: the grades and the invalid ballots (none or several grades) */
	static const struct jfield rating_spec[] = {
		{"satisfied", JF_INT, 1, 0, 100000, "满意票"},
		{"basic", JF_INT, 1, 0, 100000, "基本满意票"},
		{"unsatisfied", JF_INT, 1, 0, 100000, "不满意票"},
		{"invalid", JF_INT, 0, 0, 100000, "无效票"},
		{NULL, 0, 0, 0, 0, NULL}};
	int64_t f, ag, ab, inv = jsonx_int(in, "invalid", 0);
	struct tx t;
	struct db_res *r = NULL;
	struct meeting m = {0};
	struct attendance n;
	int rc, rating = 0;
	*out = NULL;
	if ((rc = meeting_check(db, a, "votes", id, 1, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "votes", id, "表决") || tx_check(&t, load_vote(t.c, id, 0, &r, &m, e)) ||
	    tx_check(&t, meeting_may(t.c, a, &m, 1, e)))
		goto out;
	rating = is_rating(r, 0);
	if (tx_check(&t, jsonx_check(in, rating ? rating_spec : spec, e)))
		goto out;
	f = jsonx_int(in, rating ? "satisfied" : "for", 0);
	ag = jsonx_int(in, rating ? "unsatisfied" : "against", 0);
	ab = jsonx_int(in, rating ? "basic" : "abstain", 0);
	if (strcmp(db_val(r, 0, V_STATE), "open") || strcmp(db_val(r, 0, V_MODE), "tally"))
		tx_fail(&t, E_CONFLICT, "bad_state", "只能在举手/纸质表决进行中录入票数");
	else if (!tx_check(&t, attendance_count(t.c, &m, &n, e)) && f + ag + ab + inv > n.present)
		tx_fail(&t, E_INVALID, "too_many_votes", "票数合计 %lld 超过出席人数 %lld",
			(long long)(f + ag + ab + inv), (long long)n.present);
	if (rating)
		tx_exec(&t, NULL, "UPDATE votes SET n_satisfied = ?, n_basic = ?, n_unsatisfied = ?, n_invalid = ? WHERE id = ?",
			"iiiii", f, ab, ag, inv, id);
	else
		tx_exec(&t, NULL, "UPDATE votes SET n_for = ?, n_against = ?, n_abstain = ? WHERE id = ?",
			"iiii", f, ag, ab, id);
	if (tx_ok(&t))
		tx_check(&t, reply_vote(t.c, a, id, out, e));
	tx_audit(&t, "vote.tally", "vote", id, NULL, in);
out:
	db_res_free(r);
	return meeting_tx_end(&t, m.id, out);
}

int vote_list_json(struct db_conn *c, const struct actor *a, int64_t meeting_id, json_t **out, struct err *e)
{
	struct db_res *l = NULL;
	struct meeting m;
	json_t *votes = json_array();
	/* the meeting once and every vote in one query, not a meeting and a vote per vote */
	int rc = meeting_load(c, meeting_id, 0, &m, e);
	if (!rc)
		rc = db_execv(c, &l, e, "SELECT " V_COLS " FROM votes WHERE meeting_id = ? ORDER BY id",
			      "i", meeting_id);
	for (int i = 0; !rc && i < l->nrows; i++) {
		json_t *v;
		if (!(rc = vote_row_json(c, a, l, i, &m, &v, e)))
			json_array_append_new(votes, v);
	}
	db_res_free(l);
	if (rc) {
		json_decref(votes);
		votes = NULL;
	}
	*out = votes;
	return rc;
}

int vote_current_json(struct db_conn *c, int64_t meeting_id, json_t **out, struct err *e)
{
	int64_t vid;
	int rc;
	*out = json_null();
	if ((rc = db_intv(c, &vid, e,
			  "SELECT id FROM votes WHERE meeting_id = ? AND state <> 'draft'"
			  " ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, closed_at DESC, id DESC LIMIT 1",
			  "i", meeting_id)))
		return rc;
	if (vid) {
		json_decref(*out);
		*out = NULL;
		rc = vote_json(c, NULL, vid, out, e);
		if (rc)
			*out = json_null();
	}
	return rc;
}

int vote_open_count(struct db_conn *c, int64_t meeting_id, int64_t *n, struct err *e)
{
	return db_intv(c, n, e, "SELECT COUNT(*) FROM votes WHERE meeting_id = ? AND state = 'open'",
		       "i", meeting_id);
}

json_t *vote_labels(void)
{
	json_t *l = step_labels(&vote_machine, NULL);
	/* A vote that is over is 已结束, as the vote's own JSON names it (a meeting's closed is 已闭会). */
	json_object_set_new(json_object_get(l, "states"), "closed", json_string("已结束"));
	return l;
}

int vote_rating_result(struct db_conn *c, const char *region_path, const char *subject_kind,
		       int64_t subject_id, struct vote_rating *out, struct err *e)
{
	struct db_res *r = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = db_execv(c, &r, e,
			   "SELECT v.id, v.passed, v.n_satisfied, v.n_basic, v.n_unsatisfied, v.n_invalid, v.rule"
			   " FROM votes v JOIN meetings m ON m.id = v.meeting_id WHERE v.kind = 'rating'"
			   " AND v.subject_kind = ? AND v.subject_id = ? AND v.state = 'closed' AND m.region_path = ?"
			   " ORDER BY v.closed_at DESC, v.id DESC LIMIT 1",
			   "sis", subject_kind, subject_id, region_path)))
		return rc;
	if (r->nrows) {
		out->vote_id = db_int(r, 0, 0);
		out->passed = (int)db_int(r, 0, 1);
		out->satisfied = db_int(r, 0, 2);
		out->basic = db_int(r, 0, 3);
		out->unsatisfied = db_int(r, 0, 4);
		out->invalid = db_int(r, 0, 5);
		snprintf(out->rule, sizeof(out->rule), "%s", db_val(r, 0, 6) ? db_val(r, 0, 6) : "");
	}
	db_res_free(r);
	return 0;
}
