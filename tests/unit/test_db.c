/* Unit tests of the storage interface on SQLite: transactions, errors, migrations, backup. */
#include "fixture.h"
#include "limit.h"
#include "rows.h"

#include <stdatomic.h>
#include <unistd.h>

static void rollback_leaves_nothing(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct db_params p;
	struct err e = {0};
	(void)state;

	assert_int_equal(db_begin(c, &e), 0);
	db_params_init(&p);
	db_ps(&p, "329900");
	db_ps(&p, "示范市");
	assert_int_equal(db_exec(c,
				 "INSERT INTO regions (code, name, level, path, created_at, updated_at)"
				 " VALUES (?, ?, 'city', '/329900/', 0, 0)",
				 &p, NULL, &e),
			 0);
	db_rollback(c);
	db_release(f->db, c);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), 0);
	fixture_close(f);
}

/* Members queued without waiting (db_group_queue): each savepoint stands alone, a refused member
 * leaves the others stored, each done is called once with the member's result, and db_close
 * ends the committer thread after it. */
struct queued {
	const char *code, *path;
	int rc, calls;
	struct err e;
};
static atomic_int queued_done;

static int queued_member(struct db_conn *c, void *ctx, struct err *e)
{
	struct queued *q = ctx;
	return db_execv(c, NULL, e,
			"INSERT INTO regions (code, name, level, path, created_at, updated_at)"
			" VALUES (?, '示范市', 'city', ?, 0, 0)",
			"ss", q->code, q->path);
}

static void flaky_finished(void *arg)
{
	(void)arg;
	atomic_fetch_add(&queued_done, 1);
}

static void queued_finished(void *arg)
{
	struct queued *q = arg;
	q->calls++;
	atomic_fetch_add(&queued_done, 1);
}

static void queued_members_commit_alone(void **state)
{
	struct fixture *f = fixture_open(0);
	struct queued q[4] = {{"329900", "/329900/", 0, 0, {0}},
			      {"329901", "/329901/", 0, 0, {0}},
			      {"329900", "/329900/", 0, 0, {0}},
			      {"329902", "/329902/", 0, 0, {0}}};
	(void)state;

	atomic_store(&queued_done, 0);
	for (int i = 0; i < 4; i++)
		db_group_queue(f->db, queued_member, &q[i], &q[i].e, &q[i].rc, queued_finished, &q[i]);
	for (int t = 0; atomic_load(&queued_done) < 4 && t < 500; t++)
		usleep(10000);
	assert_int_equal(atomic_load(&queued_done), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(q[i].calls, 1);
	assert_int_equal(q[0].rc, 0);
	assert_int_equal(q[1].rc, 0);
	assert_int_equal(q[2].rc, E_CONFLICT); /* the same code again: refused alone */
	assert_string_equal(q[2].e.code, "duplicate");
	assert_int_equal(q[3].rc, 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), 3);
	fixture_close(f);
}

/* A group whose member meets a deadlock (the database's "busy") runs again from the start: the
 * members before it are not stored twice, and every member sees the last try. One that stays
 * busy past LIMIT_DB_GROUP_TRIES fails as busy, and nothing of its group is stored. */
struct flaky {
	const char *code;
	int busy_times, calls;
};

static int flaky_member(struct db_conn *c, void *ctx, struct err *e)
{
	struct flaky *m = ctx;
	if (!m->code) { /* holds the committer, so that the next members form one group */
		usleep(200000);
		return 0;
	}
	if (m->calls++ < m->busy_times)
		return err_set(e, E_UNAVAILABLE, "busy", "数据库繁忙，请稍后重试");
	return db_execv(c, NULL, e,
			"INSERT INTO regions (code, name, level, path, created_at, updated_at)"
			" VALUES (?, '示范市', 'city', '/' || ? || '/', 0, 0)",
			"ss", m->code, m->code);
}

static void busy_group_runs_again(void **state)
{
	struct fixture *f = fixture_open(0);
	struct flaky m[3] = {{NULL, 0, 0}, {"329900", 0, 0}, {"329901", 1, 0}};
	struct err e[3] = {{0}};
	int rc[3] = {1, 1, 1};
	(void)state;

	atomic_store(&queued_done, 0);
	db_group_queue(f->db, flaky_member, &m[0], &e[0], &rc[0], flaky_finished, NULL);
	usleep(50000); /* the committer is in the first group now */
	for (int i = 1; i < 3; i++)
		db_group_queue(f->db, flaky_member, &m[i], &e[i], &rc[i], flaky_finished, NULL);
	for (int t = 0; atomic_load(&queued_done) < 3 && t < 500; t++)
		usleep(10000);
	assert_int_equal(atomic_load(&queued_done), 3);
	assert_int_equal(rc[1], 0); /* a duplicate if its first try had been kept */
	assert_int_equal(rc[2], 0);
	assert_int_equal(m[1].calls, 2); /* run again with its group */
	assert_int_equal(m[2].calls, 2);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), 2);

	/* busy on every try but the last allowed: still stored */
	struct flaky late[2] = {{"329902", 0, 0}, {"329903", LIMIT_DB_GROUP_TRIES - 1, 0}};
	struct flaky never[2] = {{"329904", 0, 0}, {"329905", LIMIT_DB_GROUP_TRIES, 0}};
	struct err ge = {0};
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_group(f->db, flaky_member, &late[i], &ge), 0);
	assert_int_equal(late[1].calls, LIMIT_DB_GROUP_TRIES);
	assert_int_equal(db_group(f->db, flaky_member, &never[0], &ge), 0);
	assert_int_equal(db_group(f->db, flaky_member, &never[1], &ge), E_UNAVAILABLE);
	assert_string_equal(ge.code, "busy");
	assert_int_equal(never[1].calls, LIMIT_DB_GROUP_TRIES);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), 5);
	fixture_close(f);
}

static void errors_are_classified(void **state)
{
	struct fixture *f = fixture_open(1);
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	(void)state;

	assert_int_equal(db_exec(c,
				 "INSERT INTO regions (code, name, level, path, created_at, updated_at)"
				 " VALUES ('329900', 'x', 'city', '/x/', 0, 0)",
				 NULL, NULL, &e),
			 E_CONFLICT);
	assert_string_equal(e.code, "duplicate");
	assert_int_equal(db_exec(c,
				 "INSERT INTO units (region_code, name, kind, created_at, updated_at)"
				 " VALUES ('000000', 'x', 'presidium', 0, 0)",
				 NULL, NULL, &e),
			 E_CONFLICT);
	assert_string_equal(e.code, "in_use");
	assert_int_equal(db_exec(c, "SELECT nope FROM regions", NULL, NULL, &e), E_DB);
	db_release(f->db, c);
	fixture_close(f);
}

static void params_and_results(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct db_params p;
	struct db_res *r = NULL;
	struct err e = {0};
	(void)state;

	db_params_init(&p);
	db_pi(&p, 42);
	db_ps(&p, "0523"); /* text keeps its leading zero */
	db_ps(&p, NULL);
	assert_int_equal(db_exec(c, "SELECT ? + 1, ?, ?", &p, &r, &e), 0);
	assert_int_equal(r->nrows, 1);
	assert_int_equal(db_int(r, 0, 0), 43);
	assert_string_equal(db_val(r, 0, 1), "0523");
	assert_null(db_val(r, 0, 2));
	db_res_free(r);
	db_release(f->db, c);
	fixture_close(f);
}

/* A list page read by ids keeps the order, reads the right page, and counts to the cap. */
static void page_by_ids(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct db_params p;
	struct db_res *r = NULL;
	struct err e = {0};
	struct listq q = {2, 3, NULL, NULL};
	int64_t total;
	int capped;
	(void)state;

	assert_int_equal(db_exec(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER)", NULL, NULL, &e), 0);
	assert_int_equal(db_exec(c,
				 "INSERT INTO t (id, k) VALUES (1, 5), (2, 9), (3, 5), (4, 7), (5, 1),"
				 " (6, 8), (7, 5), (8, 2), (9, 6), (10, 3)",
				 NULL, NULL, &e),
			 0);
	/* k >= 3, newest k first then id down: 2(9) 6(8) 4(7) | 9(6) 7(5) 3(5) | 1(5) 10(3) */
	for (int cap = 0; cap <= 20; cap += 5) {
		db_params_init(&p);
		db_pi(&p, 3);
		assert_int_equal(rows_page_ids(c, "t", "t.id", "SELECT t.id, t.k FROM t",
					       " WHERE t.k >= ?", &p, "t.k DESC, t.id DESC", &q,
					       cap, &total, &capped, &r, &e),
				 0);
		db_params_release(&p);
		assert_int_equal(r->nrows, 3);
		assert_int_equal(db_int(r, 0, 0), 9);
		assert_int_equal(db_int(r, 1, 0), 7);
		assert_int_equal(db_int(r, 2, 0), 3);
		assert_int_equal(total, cap == 5 ? 5 : 8);
		assert_int_equal(capped, cap == 5);
		db_res_free(r);
	}
	/* Past the last row: an empty page, the count still exact. */
	q.page = 4;
	db_params_init(&p);
	db_pi(&p, 3);
	assert_int_equal(rows_page_ids(c, "t", "t.id", "SELECT t.id, t.k FROM t", " WHERE t.k >= ?",
				       &p, "t.k DESC, t.id DESC", &q, 0, &total, &capped, &r, &e),
			 0);
	db_params_release(&p);
	assert_int_equal(r->nrows, 0);
	assert_int_equal(total, 8);
	db_res_free(r);
	db_release(f->db, c);
	fixture_close(f);
}

static void migrate_is_idempotent(void **state)
{
	struct fixture *f = fixture_open(0);
	struct err e = {0};
	int applied = -1;
	(void)state;
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(fixture_count(f, "SELECT MAX(version) FROM schema_migrations"),
			 db_schema_version());
	fixture_close(f);
}

/* A version recorded above one not yet applied (written on another branch and merged later)
 * does not hide it: every embedded version missing from schema_migrations is applied. */
static void migrate_fills_a_gap(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int applied = -1;
	(void)state;
	assert_int_equal(db_script(c,
				   "DROP TABLE opinion_stats; DROP INDEX opinion_photos_opinion;"
				   "DELETE FROM schema_migrations WHERE version = 6;"
				   "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'later', 0)",
				   &e),
			 0);
	db_release(f->db, c);
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM schema_migrations WHERE version = 6"), 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM opinion_stats"), 0);
	fixture_close(f);
}

static void backup_copies_everything(void **state)
{
	struct fixture *f = fixture_open(1);
	struct db *copy;
	struct db_conn *c;
	struct db_res *r = NULL;
	struct err e = {0};
	char path[128], url[160];
	int64_t n = fixture_count(f, "SELECT COUNT(*) FROM handlers");
	(void)state;

	snprintf(path, sizeof(path), "%s/copy.db", f->dir);
	assert_int_equal(db_backup(f->db, path, &e), 0);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(url, 1, &copy, &e), 0);
	c = db_acquire(copy);
	assert_int_equal(db_exec(c, "SELECT COUNT(*) FROM handlers", NULL, &r, &e), 0);
	assert_int_equal(db_int(r, 0, 0), n);
	assert_true(n > 0);
	db_res_free(r);
	db_release(copy, c);
	db_close(copy);
	fixture_close(f);
}

static void bad_url(void **state)
{
	struct db *db = NULL;
	struct err e = {0};
	(void)state;
	assert_int_equal(db_open("mysql://x", 1, &db, &e), E_INVALID);
	assert_null(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollback_leaves_nothing),
		cmocka_unit_test(errors_are_classified),
		cmocka_unit_test(queued_members_commit_alone),
		cmocka_unit_test(busy_group_runs_again),
		cmocka_unit_test(params_and_results),
		cmocka_unit_test(page_by_ids),
		cmocka_unit_test(migrate_is_idempotent),
		cmocka_unit_test(migrate_fills_a_gap),
		cmocka_unit_test(backup_copies_everything),
		cmocka_unit_test(bad_url),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
