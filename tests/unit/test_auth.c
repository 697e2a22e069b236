/* Unit tests of passwords, login lockout and session idle expiry (DOMAIN §35). */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy),
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(lockout_after_five_failures),
		cmocka_unit_test(unknown_user_is_bad_credentials),
		cmocka_unit_test(session_idle_expiry),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
