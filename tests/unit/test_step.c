/* Unit tests of the audited transaction (tx.h) and the step runner (step.h) on a small
 * machine of their own: a thing goes draft -> open -> closed. */
#include "fixture.h"
#include "step.h"
#include "tx.h"

static struct actor actor(const char *role)
{
	struct actor a = {0};
	a.account_id = 1;
	snprintf(a.username, sizeof(a.username), "t");
	snprintf(a.display_name, sizeof(a.display_name), "测试");
	snprintf(a.role, sizeof(a.role), "%s", role);
	snprintf(a.client_addr, sizeof(a.client_addr), "127.0.0.1");
	return a;
}

static int64_t count(struct db *db, const char *sql)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	struct err e = {0};
	int64_t n;
	assert_int_equal(db_exec(c, sql, NULL, &r, &e), 0);
	n = db_int(r, 0, 0);
	db_res_free(r);
	db_release(db, c);
	return n;
}

static void run_sql(struct db *db, const char *sql)
{
	struct db_conn *c = db_acquire(db);
	struct err e = {0};
	assert_int_equal(db_script(c, sql, &e), 0);
	db_release(db, c);
}

/* ---- the machine ---- */

static int load(struct step_run *s)
{
	if (tx_exec(&s->t, &s->row, "SELECT id, state, n FROM things WHERE id = ?", "i", s->id))
		return s->t.rc;
	s->state = db_val(s->row, 0, 1);
	s->before = json_pack("{s:s}", "state", s->state);
	return 0;
}

/* A load that reports a state the row no longer has: what a racing writer would see. */
static int load_stale(struct step_run *s)
{
	int rc = load(s);
	s->state = "draft";
	return rc;
}

static int after(struct step_run *s)
{
	s->after = json_pack("{s:I, s:s}", "id", (json_int_t)s->id, "state", s->to);
	return 0;
}

static int event(struct step_run *s)
{
	return tx_exec(&s->t, NULL, "INSERT INTO thing_events (thing_id, action) VALUES (?, ?)",
		       "is", s->id, s->step->name);
}

static int may_staff(struct step_run *s)
{
	if (strcmp(s->a->role, "unit_staff"))
		return tx_fail(&s->t, E_FORBIDDEN, "forbidden", "只有工作人员可以%s", s->step->label);
	return 0;
}

static int run_open(struct step_run *s)
{
	return tx_exec(&s->t, NULL, "UPDATE things SET n = n + 1 WHERE id = ?", "i", s->id);
}

/* Writes, then fails: the write must not survive. */
static int run_broken(struct step_run *s)
{
	if (tx_exec(&s->t, NULL, "UPDATE things SET n = 100 WHERE id = ?", "i", s->id))
		return s->t.rc;
	return tx_fail_field(&s->t, E_INVALID, "bad_reason", "reason", "请填写理由");
}

static const struct step steps[] = {
	{"open", "开始", "draft", "open", may_staff, run_open},
	{"close", "结束", "open", "closed", may_staff, NULL},
	{"break", "出错", "draft open", "closed", NULL, run_broken},
	{"note", "备注", NULL, NULL, NULL, NULL},
};

static const struct step_machine machine = {"thing", "things", "事项", steps, ARRAY_LEN(steps),
					    load,    NULL,     event,  after, NULL};
static const struct step_machine stale_machine = {
	"thing", "things", "事项", steps, ARRAY_LEN(steps), load_stale, NULL, event, after, NULL};

static struct fixture *setup_things(void)
{
	struct fixture *f = fixture_open(0);
	run_sql(f->db, "CREATE TABLE things (id INTEGER PRIMARY KEY, state TEXT NOT NULL, n INTEGER NOT NULL,"
		       " updated_at INTEGER);"
		       "CREATE TABLE thing_events (thing_id INTEGER, action TEXT);"
		       "INSERT INTO things (id, state, n) VALUES (1, 'draft', 0);");
	return f;
}

static int act(struct fixture *f, const struct step_machine *m, const char *role, int64_t id,
	       const char *action, struct err *e)
{
	struct actor a = actor(role);
	json_t *in = json_pack("{s:s}", "action", action), *out = NULL;
	int rc = step_run(f->db, m, &a, id, in, NULL, &out, e);
	if (!rc) {
		assert_non_null(out);
		assert_int_equal(json_integer_value(json_object_get(out, "id")), id);
	} else {
		assert_null(out);
	}
	json_decref(out);
	json_decref(in);
	return rc;
}

static void steps_follow_the_table(void **state)
{
	struct fixture *f = setup_things();
	struct err e = {0};
	(void)state;

	assert_string_equal(step_next(&machine, "draft", "open"), "open");
	assert_string_equal(step_next(&machine, "closed", "note"), "closed");
	assert_null(step_next(&machine, "draft", "close"));
	assert_null(step_next(&machine, "draft", "nope"));
	assert_true(step_starts_from(&steps[2], "open"));
	assert_false(step_starts_from(&steps[2], "ope"));
	assert_false(step_starts_from(&steps[2], "closed"));

	/* An unknown step, a wrong state and a refused actor change nothing. */
	assert_int_equal(act(f, &machine, "unit_staff", 1, "nope", &e), E_INVALID);
	assert_string_equal(e.field, "action");
	assert_int_equal(act(f, &machine, "unit_staff", 1, "close", &e), E_CONFLICT);
	assert_string_equal(e.code, "bad_state");
	assert_int_equal(act(f, &machine, "deputy", 1, "open", &e), E_FORBIDDEN);
	assert_int_equal(act(f, &machine, "unit_staff", 2, "open", &e), E_NOTFOUND);
	assert_string_equal(e.msg, "事项不存在");
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM thing_events"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit WHERE object_type = 'thing'"), 0);

	/* A step: its write, the state, the event and the audit record, together. */
	assert_int_equal(act(f, &machine, "unit_staff", 1, "open", &e), 0);
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1 AND state = 'open'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM thing_events WHERE action = 'open'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit WHERE action = 'thing.open' AND object_id = '1'"),
			 1);

	/* A step that keeps the state writes no state change but is audited. */
	assert_int_equal(act(f, &machine, "unit_staff", 1, "note", &e), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM things WHERE id = 1 AND state = 'open'"), 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit WHERE action = 'thing.note'"), 1);

	/* A failing step leaves nothing of what it wrote, and keeps its first error. */
	assert_int_equal(act(f, &machine, "unit_staff", 1, "break", &e), E_INVALID);
	assert_string_equal(e.field, "reason");
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1 AND state = 'open'"), 1);
	fixture_close(f);
}

static void a_stale_state_is_a_conflict(void **state)
{
	struct fixture *f = setup_things();
	struct err e = {0};
	(void)state;

	run_sql(f->db, "UPDATE things SET state = 'open' WHERE id = 1");
	/* The module saw draft; the row is open: the guarded update changes nothing. */
	assert_int_equal(act(f, &stale_machine, "unit_staff", 1, "open", &e), E_CONFLICT);
	assert_string_equal(e.code, "stale");
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1 AND state = 'open'"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM thing_events"), 0);
	fixture_close(f);
}

static void tx_keeps_the_first_error(void **state)
{
	struct fixture *f = setup_things();
	struct actor a = actor("unit_staff");
	struct err e = {0};
	struct db_res *r = (struct db_res *)&r;
	struct tx t;
	(void)state;

	tx_begin(&t, f->db, &a, &e);
	assert_int_equal(tx_exec(&t, NULL, "UPDATE things SET n = 7 WHERE id = 1", ""), 0);
	assert_int_equal(tx_fail(&t, E_CONFLICT, "first", "第一个错误"), E_CONFLICT);
	/* Nothing runs after a failure, and later errors do not replace the first. */
	assert_int_equal(tx_exec(&t, &r, "SELECT n FROM things", ""), E_CONFLICT);
	assert_null(r);
	assert_int_equal(tx_fail(&t, E_INVALID, "second", "第二个错误"), E_CONFLICT);
	assert_int_equal(tx_check(&t, E_DB), E_CONFLICT);
	assert_int_equal(tx_audit(&t, "thing.x", "thing", 1, NULL, NULL), E_CONFLICT);
	assert_int_equal(tx_end(&t), E_CONFLICT);
	assert_string_equal(e.code, "first");
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit WHERE action = 'thing.x'"), 0);

	/* Without a failure it commits what was written, with its audit record. */
	tx_begin(&t, f->db, &a, &e);
	tx_lock(&t, "things", 1, "事项");
	tx_exec(&t, NULL, "UPDATE things SET n = 7 WHERE id = 1 AND state = 'draft'", "");
	tx_expect_one(&t);
	tx_audit(&t, "thing.x", "thing", 1, NULL, NULL);
	assert_int_equal(tx_end(&t), 0);
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1"), 7);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit WHERE action = 'thing.x'"), 1);

	/* No row changed: a conflict, and the transaction rolls back. */
	tx_begin(&t, f->db, &a, &e);
	tx_exec(&t, NULL, "UPDATE things SET n = 9 WHERE id = 1", "");
	tx_exec(&t, NULL, "UPDATE things SET n = 8 WHERE id = 1 AND state = 'closed'", "");
	assert_int_equal(tx_expect_one(&t), E_CONFLICT);
	assert_int_equal(tx_end(&t), E_CONFLICT);
	assert_string_equal(e.code, "stale");
	assert_int_equal(count(f->db, "SELECT n FROM things WHERE id = 1"), 7);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_follow_the_table),
		cmocka_unit_test(a_stale_state_is_a_conflict),
		cmocka_unit_test(tx_keeps_the_first_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
