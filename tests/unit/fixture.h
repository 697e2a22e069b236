/* fixture.h: a throw-away migrated SQLite database for the unit tests, optionally with the
 * small demo city. */
#ifndef RENDA_TEST_FIXTURE_H
#define RENDA_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "db.h"
#include "demo.h"

struct fixture {
	char dir[64];
	char url[128];
	struct db *db;
};

static inline struct fixture *fixture_open(int with_demo)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e = {0};
	int applied;

	assert_true(sodium_init() >= 0);
	/* Cheap hashing keeps the tests fast under valgrind; the algorithm is the same. */
	auth_set_cost(1, 8192);
	{
		static const unsigned char key[32] = {42};
		crypto_set_key(key);
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/renda-unit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->url, sizeof(f->url), "sqlite:%s/t.db", f->dir);
	assert_int_equal(db_open(f->url, 2, &f->db, &e), 0);
	assert_int_equal(db_migrate(f->db, &applied, &e), 0);
	if (with_demo)
		assert_int_equal(demo_create(f->db, DEMO_SMALL, 1, NULL, &e), 0);
	return f;
}

static inline void fixture_close(struct fixture *f)
{
	char cmd[160];
	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
}

/* Number of rows a query returns (first column as integer for COUNT queries). */
static inline int64_t fixture_count(struct fixture *f, const char *sql)
{
	struct db_conn *c = db_acquire(f->db);
	struct db_res *r = NULL;
	struct err e = {0};
	int64_t n;
	assert_int_equal(db_exec(c, sql, NULL, &r, &e), 0);
	n = db_int(r, 0, 0);
	db_res_free(r);
	db_release(f->db, c);
	return n;
}

#endif
