/* Unit tests of passwords, login lockout (unknown names alike), password age, the session
 * limit, session idle expiry and API tokens (DOMAIN §35). */
#include "account.h"
#include "fixture.h"
#include "limit.h"

static void policy(void **state)
{
	struct err e = {0};
	(void)state;
	assert_int_equal(auth_password_policy("Abcdef1!", &e), 0);          /* 4 classes */
	assert_int_equal(auth_password_policy("abcdefg1A", &e), 0);         /* 3 classes */
	assert_int_equal(auth_password_policy("abcdefg12", &e), E_INVALID); /* 2 classes */
	assert_string_equal(e.code, "password_weak");
	assert_int_equal(auth_password_policy("Ab1!xyz", &e), E_INVALID); /* 7 chars */
}

static void hash_and_verify(void **state)
{
	char h1[200], h2[200];
	struct err e = {0};
	(void)state;
	auth_set_cost(1, 8192);
	assert_int_equal(auth_hash_password("Renda@2024", h1, sizeof(h1), &e), 0);
	assert_int_equal(auth_hash_password("Renda@2024", h2, sizeof(h2), &e), 0);
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(auth_verify_password(h1, "Renda@2024"));
	assert_false(auth_verify_password(h1, "Renda@2025"));
}

static void lockout_after_five_failures(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	int64_t t0 = 1800000000;
	(void)state;

	util_set_now(t0);
	for (int i = 1; i < LIMIT_LOGIN_FAILURES; i++) {
		assert_int_equal(auth_login(f->db, "county", "wrong", "127.0.0.1", &a, token, &e), E_UNAUTH);
		assert_string_equal(e.code, "bad_credentials");
	}
	assert_int_equal(auth_login(f->db, "county", "wrong", "127.0.0.1", &a, token, &e), E_LOCKED);
	/* even the right password is refused while locked */
	assert_int_equal(auth_login(f->db, "county", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), E_LOCKED);
	assert_string_equal(e.code, "account_locked");
	util_set_now(t0 + LIMIT_LOCKOUT_S - 1);
	assert_int_equal(auth_login(f->db, "county", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), E_LOCKED);
	util_set_now(t0 + LIMIT_LOCKOUT_S + 1);
	assert_int_equal(auth_login(f->db, "county", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), 0);
	assert_string_equal(a.role, "county_staff");
	/* failures were audited */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'session.login_failed'"),
			 LIMIT_LOGIN_FAILURES - 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'session.lockout'"), 1);
	util_set_now(0);
	fixture_close(f);
}

static void unknown_user_is_bad_credentials(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	(void)state;
	assert_int_equal(auth_login(f->db, "nobody", "x", "127.0.0.1", &a, token, &e), E_UNAUTH);
	assert_string_equal(e.code, "bad_credentials");
	fixture_close(f);
}

static void session_idle_expiry(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0}, b = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	int64_t t0 = 1800000000;
	(void)state;

	util_set_now(t0);
	assert_int_equal(auth_login(f->db, "admin", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), 0);
	assert_int_equal(strlen(token), AUTH_TOKEN_HEX);
	/* used within the idle window: still valid, and the use extends it */
	util_set_now(t0 + LIMIT_SESSION_IDLE_S - 10);
	assert_int_equal(auth_session(f->db, token, "127.0.0.1", &b, &e), 0);
	assert_string_equal(b.csrf_token, a.csrf_token);
	util_set_now(t0 + 2 * LIMIT_SESSION_IDLE_S - 20);
	assert_int_equal(auth_session(f->db, token, "127.0.0.1", &b, &e), 0);
	/* idle longer than the limit: expired and removed */
	util_set_now(t0 + 3 * LIMIT_SESSION_IDLE_S);
	assert_int_equal(auth_session(f->db, token, "127.0.0.1", &b, &e), E_UNAUTH);
	assert_string_equal(e.code, "session_expired");
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sessions"), 0);
	assert_int_equal(auth_session(f->db, "00", "127.0.0.1", &b, &e), E_UNAUTH);
	util_set_now(0);
	fixture_close(f);
}

/* Runs one statement with integer parameters, as the clock would have left the rows. */
static void exec_ii(struct fixture *f, const char *sql, int64_t a, int64_t b)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	assert_int_equal(db_execv(c, NULL, &e, sql, "ii", a, b), 0);
	db_release(f->db, c);
}

static int64_t id_of(struct fixture *f, const char *username)
{
	char q[160];
	snprintf(q, sizeof(q), "SELECT id FROM accounts WHERE username = '%s'", username);
	return fixture_count(f, q);
}

/* An unknown name is locked after as many failures as an account, for as long, and a failure
 * after a quiet LIMIT_LOCKOUT_S counts from 1 again for both. */
static void unknown_name_locks_like_an_account(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0}, k = {0};
	int64_t t0 = 1800000000;
	char msg[160];
	(void)state;

	util_set_now(t0);
	for (int i = 1; i < LIMIT_LOGIN_FAILURES; i++) {
		assert_int_equal(auth_login(f->db, "ghost", "wrong", "127.0.0.1", &a, token, &e), E_UNAUTH);
		assert_int_equal(auth_login(f->db, "unit", "wrong", "127.0.0.1", &a, token, &k), E_UNAUTH);
		assert_string_equal(e.msg, k.msg);
	}
	/* a quiet window: the fifth failure is the first of a new count */
	util_set_now(t0 + LIMIT_LOCKOUT_S + 1);
	assert_int_equal(auth_login(f->db, "ghost", "wrong", "127.0.0.1", &a, token, &e), E_UNAUTH);
	assert_int_equal(auth_login(f->db, "unit", "wrong", "127.0.0.1", &a, token, &k), E_UNAUTH);
	for (int i = 2; i < LIMIT_LOGIN_FAILURES; i++) {
		assert_int_equal(auth_login(f->db, "ghost", "wrong", "127.0.0.1", &a, token, &e), E_UNAUTH);
		assert_int_equal(auth_login(f->db, "unit", "wrong", "127.0.0.1", &a, token, &k), E_UNAUTH);
	}
	assert_int_equal(auth_login(f->db, "ghost", "wrong", "127.0.0.1", &a, token, &e), E_LOCKED);
	assert_int_equal(auth_login(f->db, "unit", "wrong", "127.0.0.1", &a, token, &k), E_LOCKED);
	assert_string_equal(e.msg, k.msg);
	snprintf(msg, sizeof(msg), "连续%d次登录失败，账号已锁定%d分钟", LIMIT_LOGIN_FAILURES,
		 LIMIT_LOCKOUT_S / 60);
	assert_string_equal(e.msg, msg);
	assert_int_equal(auth_login(f->db, "ghost", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), E_LOCKED);
	assert_int_equal(auth_login(f->db, "unit", DEMO_PASSWORD, "127.0.0.1", &a, token, &k), E_LOCKED);
	assert_string_equal(e.code, "account_locked");
	assert_string_equal(e.msg, k.msg);
	/* the lock ends at the same instant for both */
	util_set_now(t0 + 2 * LIMIT_LOCKOUT_S);
	assert_int_equal(auth_login(f->db, "ghost", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), E_LOCKED);
	assert_int_equal(auth_login(f->db, "unit", DEMO_PASSWORD, "127.0.0.1", &a, token, &k), E_LOCKED);
	util_set_now(t0 + 2 * LIMIT_LOCKOUT_S + 2);
	assert_int_equal(auth_login(f->db, "ghost", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), E_UNAUTH);
	assert_int_equal(auth_login(f->db, "unit", DEMO_PASSWORD, "127.0.0.1", &a, token, &k), 0);
	util_set_now(0);
	fixture_close(f);
}

/* auth.password_max_days (90): a password 90 days old less a second is kept; 90 days is forced. */
static void password_age_boundary(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	int64_t t0 = 1800000000, id = id_of(f, "station");
	(void)state;

	util_set_now(t0);
	exec_ii(f, "UPDATE accounts SET password_changed_at = ? WHERE id = ?", t0 - 90 * 86400 + 1, id);
	assert_int_equal(auth_login(f->db, "station", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), 0);
	assert_int_equal(a.must_change_password, 0);
	exec_ii(f, "UPDATE accounts SET password_changed_at = ? WHERE id = ?", t0 - 90 * 86400, id);
	assert_int_equal(auth_login(f->db, "station", DEMO_PASSWORD, "127.0.0.1", &a, token, &e), 0);
	assert_int_equal(a.must_change_password, 1);
	assert_int_equal(fixture_count(f, "SELECT must_change_password FROM accounts WHERE username = 'station'"),
			 1);
	util_set_now(0);
	fixture_close(f);
}

/* auth.max_sessions (3): the fourth login ends the first session, and only it. */
static void session_limit(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = {0};
	char tokens[4][AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	(void)state;

	for (int i = 0; i < 3; i++)
		assert_int_equal(
			auth_login(f->db, "county", DEMO_PASSWORD, "127.0.0.1", &a, tokens[i], &e), 0);
	assert_int_equal(strlen(a.csrf_token), 48); /* 24 random bytes, hex */
	for (int i = 0; i < 3; i++)
		assert_int_equal(auth_session(f->db, tokens[i], "127.0.0.1", &a, &e), 0);
	assert_int_equal(auth_login(f->db, "county", DEMO_PASSWORD, "127.0.0.1", &a, tokens[3], &e), 0);
	assert_int_equal(auth_session(f->db, tokens[0], "127.0.0.1", &a, &e), E_UNAUTH);
	for (int i = 1; i < 4; i++)
		assert_int_equal(auth_session(f->db, tokens[i], "127.0.0.1", &a, &e), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM sessions"), 3);
	fixture_close(f);
}

/* A token works until the second before expires_at, not at it; scopes bound the routes. */
static void token_expiry_and_scopes(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor sec = {0}, a = {0};
	char token[AUTH_TOKEN_HEX + 1];
	struct err e = {0};
	json_t *in, *out = NULL, *acc = NULL;
	int64_t t0 = 1800000000, exp;
	char secret[80];
	(void)state;

	util_set_now(t0);
	assert_int_equal(auth_login(f->db, "secadmin", DEMO_PASSWORD, "127.0.0.1", &sec, token, &e), 0);
	in = json_pack("{s:s, s:s, s:s, s:s}", "username", "svc.unit", "display_name", "对接",
		       "role", "service", "region_code", "329981");
	assert_int_equal(account_create(f->db, &sec, in, &acc, &e), 0);
	json_decref(in);
	in = json_pack("{s:I, s:s, s:[s], s:i}", "account_id",
		       json_integer_value(json_object_get(json_object_get(acc, "account"), "id")),
		       "name", "t", "scopes", "read", "expires_days", 2);
	assert_int_equal(auth_token_create(f->db, &sec, in, &out, &e), 0);
	exp = json_integer_value(json_object_get(json_object_get(out, "token"), "expires_at"));
	assert_int_equal(exp, t0 + 2 * 86400);
	snprintf(secret, sizeof(secret), "%s", json_string_value(json_object_get(out, "secret")));
	util_set_now(exp - 1);
	assert_int_equal(auth_bearer(f->db, secret, "127.0.0.1", &a, &e), 0);
	assert_int_equal(a.token_scopes, AUTH_SCOPE_READ);
	assert_int_equal(auth_token_allows(&a, "GET", "/api/v1/opinions", &e), 0);
	assert_int_equal(auth_token_allows(&a, "POST", "/api/v1/opinions", &e), E_FORBIDDEN);
	assert_string_equal(e.code, "token_scope");
	util_set_now(exp);
	assert_int_equal(auth_bearer(f->db, secret, "127.0.0.1", &a, &e), E_UNAUTH);
	/* a person's account gets none */
	json_decref(in);
	json_decref(out);
	in = json_pack("{s:I, s:s, s:[s]}", "account_id", (json_int_t)id_of(f, "county"), "name",
		       "t", "scopes", "read");
	assert_int_equal(auth_token_create(f->db, &sec, in, &out, &e), E_FORBIDDEN);
	assert_string_equal(e.code, "not_service_account");
	json_decref(in);
	json_decref(acc);
	util_set_now(0);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy),
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(lockout_after_five_failures),
		cmocka_unit_test(unknown_user_is_bad_credentials),
		cmocka_unit_test(session_idle_expiry),
		cmocka_unit_test(unknown_name_locks_like_an_account),
		cmocka_unit_test(password_age_boundary),
		cmocka_unit_test(session_limit),
		cmocka_unit_test(token_expiry_and_scopes),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
