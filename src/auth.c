#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "settings.h"
#include "tx.h"

static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void auth_set_cost(unsigned long long ops, size_t mem)
{
	pw_ops = ops;
	pw_mem = mem;
}

int auth_password_policy(const char *pw, struct err *e)
{
	int lower = 0, upper = 0, digit = 0, other = 0;
	size_t n = util_utf8_len(pw);

	if (n < LIMIT_PASSWORD_MIN || n > LIMIT_PASSWORD_MAX)
		return err_field(e, E_INVALID, "password_weak", "password", "密码长度应为%d到%d位",
				 LIMIT_PASSWORD_MIN, LIMIT_PASSWORD_MAX);
	for (const char *p = pw; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			lower = 1;
		else if (*p >= 'A' && *p <= 'Z')
			upper = 1;
		else if (*p >= '0' && *p <= '9')
			digit = 1;
		else
			other = 1;
	}
	if (lower + upper + digit + other < 3)
		return err_field(e, E_INVALID, "password_weak", "password",
				 "密码至少8位，并包含小写字母、大写字母、数字、符号中的至少三类");
	return 0;
}

int auth_hash_password(const char *pw, char *out, size_t outlen, struct err *e)
{
	if (outlen < crypto_pwhash_STRBYTES ||
	    crypto_pwhash_str_alg(out, pw, strlen(pw), pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13))
		return err_set(e, E_INTERNAL, "hash_failed", "密码处理失败");
	return 0;
}

int auth_verify_password(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* A keyed-free BLAKE2b of a secret: the database keeps only this, never the secret. */
static void secret_hash(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

#define ACTOR_COLS                                                                                      \
	"a.id, a.username, a.display_name, a.role, a.region_code, r.name, r.path,"                      \
	" COALESCE(a.handler_id, 0), a.must_change_password, a.admin_locked, COALESCE(a.deputy_id, 0)," \
	" COALESCE(a.station_id, 0)"
#define ACTOR_NCOLS 12 /* the columns of ACTOR_COLS: a query's own columns follow them */
#define ACTOR_SELECT \
	"SELECT " ACTOR_COLS " FROM accounts a JOIN regions r ON r.code = a.region_code"

static void fill_actor(const struct db_res *r, int row, struct actor *a)
{
	char addr[sizeof(a->client_addr)];
	memcpy(addr, a->client_addr, sizeof(addr));
	memset(a, 0, sizeof(*a));
	memcpy(a->client_addr, addr, sizeof(addr));
	a->account_id = db_int(r, row, 0);
	snprintf(a->username, sizeof(a->username), "%s", db_val(r, row, 1));
	snprintf(a->display_name, sizeof(a->display_name), "%s", db_val(r, row, 2));
	snprintf(a->role, sizeof(a->role), "%s", db_val(r, row, 3));
	snprintf(a->region_code, sizeof(a->region_code), "%s", db_val(r, row, 4));
	snprintf(a->region_name, sizeof(a->region_name), "%s", db_val(r, row, 5));
	snprintf(a->region_path, sizeof(a->region_path), "%s", db_val(r, row, 6));
	a->handler_id = db_int(r, row, 7);
	a->must_change_password = (int)db_int(r, row, 8);
	a->deputy_id = db_int(r, row, 10);
	a->station_id = db_int(r, row, 11);
}

int auth_load_actor(struct db_conn *c, int64_t id, struct actor *a, struct err *e)
{
	struct db_res *r;
	int rc;

	if ((rc = db_execv(c, &r, e, ACTOR_SELECT " WHERE a.id = ?", "i", id)))
		return rc;
	if (r->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "账号不存在");
	else
		fill_actor(r, 0, a);
	db_res_free(r);
	return rc;
}

json_t *auth_user_json(const struct actor *a)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "id",
			 (json_int_t)a->account_id, "username", a->username, "display_name",
			 a->display_name, "role", a->role, "role_name", role_label(a->role),
			 "region_code", a->region_code, "region_name", a->region_name, "handler_id",
			 a->handler_id ? json_integer(a->handler_id) : json_null(), "deputy_id",
			 a->deputy_id ? json_integer(a->deputy_id) : json_null(), "station_id",
			 a->station_id ? json_integer(a->station_id) : json_null(),
			 "must_change_password", a->must_change_password);
}

static int locked_error(int64_t locked_until, struct err *e)
{
	int64_t min = (locked_until - util_now() + 59) / 60;
	return err_set(e, E_LOCKED, "account_locked",
		       "登录失败次数过多，账号已锁定，请%lld分钟后再试", (long long)min);
}

/* Records a failed login and, at the limit, locks the name: the account's row (id), or for a
 * name without an account (id 0) its row in login_failures, with the same counting, so that
 * neither the answer nor the lockout tells which names exist. A failure more than
 * LIMIT_LOCKOUT_S after the previous one counts from 1 again. Returns the error to report. */
static int login_failed(struct db *db, int64_t id, const char *username, const char *addr, struct err *e)
{
	struct tx t;
	struct actor who = {0};
	struct err ignore;
	int64_t n = 0, now = util_now(), window = util_now() - LIMIT_LOCKOUT_S;
	int locked = 0;

	snprintf(who.username, sizeof(who.username), "%s", username);
	snprintf(who.client_addr, sizeof(who.client_addr), "%s", addr);
	who.account_id = id;
	tx_begin(&t, db, &who, &ignore);
	if (id) {
		tx_int(&t, &n,
		       "UPDATE accounts SET failed_logins = CASE WHEN failed_at < ? THEN 1"
		       " ELSE failed_logins + 1 END, failed_at = ? WHERE id = ? RETURNING failed_logins",
		       "iii", window, now, id);
		if (n >= LIMIT_LOGIN_FAILURES)
			locked = !tx_exec(&t, NULL, "UPDATE accounts SET failed_logins = 0, locked_until = ? WHERE id = ?",
					  "ii", now + LIMIT_LOCKOUT_S, id);
	} else {
		/* Names whose window has passed mean nothing any more: the table stays small. */
		tx_exec(&t, NULL, "DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?",
			"ii", window, now);
		tx_int(&t, &n,
		       "INSERT INTO login_failures (username, failures, locked_until, last_at) VALUES (?, 1, 0, ?)"
		       " ON CONFLICT (username) DO UPDATE SET failures = CASE WHEN login_failures.last_at < ?"
		       " THEN 1 ELSE login_failures.failures + 1 END, last_at = excluded.last_at RETURNING failures",
		       "sii", username, now, window);
		if (n >= LIMIT_LOGIN_FAILURES)
			locked = !tx_exec(&t, NULL, "UPDATE login_failures SET failures = 0, locked_until = ? WHERE username = ?",
					  "is", now + LIMIT_LOCKOUT_S, username);
	}
	tx_audit_s(&t, locked ? "session.lockout" : "session.login_failed", "account", NULL, NULL, NULL);
	if (tx_end(&t)) {
		locked = 0;
		fprintf(stderr, "renda: failed login not recorded: %s\n", ignore.msg);
	}
	if (locked)
		return err_set(e, E_LOCKED, "account_locked", "连续%d次登录失败，账号已锁定%d分钟",
			       LIMIT_LOGIN_FAILURES, LIMIT_LOCKOUT_S / 60);
	return err_set(e, E_UNAUTH, "bad_credentials", "用户名或密码错误");
}

/* A real hash to verify against for unknown usernames, so that a miss takes as long as a
 * wrong password and does not reveal which accounts exist. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void dummy_init(void)
{
	struct err ignore;
	if (auth_hash_password("renda-no-such-account", dummy_hash, sizeof(dummy_hash), &ignore))
		dummy_hash[0] = '\0';
}

/* Verifies pw against the dummy hash: the time a real verification takes. */
static void dummy_verify(const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	if (auth_verify_password(dummy_hash, pw))
		fprintf(stderr, "renda: unexpected match of the dummy hash\n");
}

/* The login's writes once the password matched: a password older than auth.password_max_days
 * must be changed like an initial one; the new session; beyond auth.max_sessions the oldest of
 * the account's sessions end (*evicted: how many). */
static void login_session(struct tx *t, struct actor *a, int64_t id, int64_t changed_at,
			  const char *hash, const char *client_addr, int *evicted)
{
	struct db_res *r = NULL;
	int max_days = 0, max_sessions = 0;
	int64_t now = util_now();

	if (tx_check(t, auth_load_actor(t->c, id, a, t->e)) ||
	    tx_check(t, settings_int(t->c, a->region_path, "auth.password_max_days", &max_days, t->e)) ||
	    tx_check(t, settings_int(t->c, a->region_path, "auth.max_sessions", &max_sessions, t->e)))
		return;
	if (now - changed_at >= (int64_t)max_days * 86400) {
		a->must_change_password = 1;
		tx_exec(t, NULL, "UPDATE accounts SET must_change_password = 1 WHERE id = ?", "i", id);
	}
	util_random_hex(a->csrf_token, 24);
	tx_exec(t, NULL,
		"UPDATE accounts SET failed_logins = 0, failed_at = 0, locked_until = 0, last_login_at = ?"
		" WHERE id = ?",
		"ii", now, id);
	tx_exec(t, NULL,
		"INSERT INTO sessions (token_hash, account_id, csrf_token, client_addr, created_at, last_seen)"
		" VALUES (?,?,?,?,?,?)",
		"sissii", hash, id, a->csrf_token, client_addr, now, now);
	if (!tx_exec(t, &r,
		     "DELETE FROM sessions WHERE account_id = ? AND id NOT IN (SELECT id FROM sessions"
		     " WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) RETURNING id",
		     "iii", id, id, (int64_t)max_sessions))
		*evicted = r->nrows;
	db_res_free(r);
	tx_audit(t, "session.login", "account", id, NULL, NULL);
}

int auth_login(struct db *db, const char *username, const char *password, const char *client_addr,
	       struct actor *a, char *token, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	struct tx t;
	char hash[65];
	int64_t id, locked_until, changed_at;
	int rc, evicted = 0;

	snprintf(a->client_addr, sizeof(a->client_addr), "%s", client_addr);
	rc = db_execv(c, &r, e,
		      "SELECT id, password_hash, locked_until, admin_locked, role, password_changed_at"
		      " FROM accounts WHERE username = ?",
		      "s", username);
	if (!rc && r->nrows == 0) {
		/* No such account: locked after as many failures as an account, and as slow. */
		db_res_free(r);
		r = NULL;
		rc = db_execv(c, &r, e, "SELECT locked_until FROM login_failures WHERE username = ?",
			      "s", username);
		db_release(db, c);
		if (rc)
			return rc;
		locked_until = r->nrows ? db_int(r, 0, 0) : 0;
		db_res_free(r);
		if (locked_until > util_now())
			return locked_error(locked_until, e);
		dummy_verify(password);
		return login_failed(db, 0, username, client_addr, e);
	}
	db_release(db, c);
	if (rc)
		return rc;
	id = db_int(r, 0, 0);
	locked_until = db_int(r, 0, 2);
	changed_at = db_int(r, 0, 5);
	if (db_int(r, 0, 3)) {
		db_res_free(r);
		return err_set(e, E_LOCKED, "account_locked", "账号已被管理员锁定，请联系安全管理员");
	}
	if (locked_until > util_now()) {
		db_res_free(r);
		return locked_error(locked_until, e);
	}
	/* A service account has no password: it is refused as a wrong one, in the same time. */
	if (role_is_service(db_val(r, 0, 4))) {
		db_res_free(r);
		dummy_verify(password);
		return login_failed(db, id, username, client_addr, e);
	}
	if (!auth_verify_password(db_val(r, 0, 1), password)) {
		db_res_free(r);
		return login_failed(db, id, username, client_addr, e);
	}
	db_res_free(r);

	util_random_hex(token, AUTH_TOKEN_HEX / 2);
	secret_hash(token, hash);
	tx_begin(&t, db, a, e);
	if (tx_ok(&t))
		login_session(&t, a, id, changed_at, hash, client_addr, &evicted);
	if (!(rc = tx_end(&t)) && evicted)
		auth_sessions_changed(db); /* the ended sessions are not served from the cache */
	return rc;
}

/* What the session cache keeps: the resolved actor and when the database last saw it. */
struct cached_session {
	struct actor a;
	int64_t last_seen;
};

void auth_sessions_changed(struct db *db)
{
	cache_clear(db_cache(db, CACHE_SESSIONS));
}

int auth_session(struct db *db, const char *token, const char *client_addr, struct actor *a, struct err *e)
{
	struct cache *cache = db_cache(db, CACHE_SESSIONS);
	struct cached_session cs;
	struct db_conn *c;
	struct db_res *r = NULL;
	char hash[65];
	int64_t now = util_now(), last, sid;
	void *hit;
	size_t hitlen;
	int rc;

	if (strlen(token) != AUTH_TOKEN_HEX)
		return err_set(e, E_UNAUTH, "unauthenticated", "请先登录");
	secret_hash(token, hash);
	/* A session seen within the touch interval is valid without asking the database. */
	if (cache_get(cache, hash, &hit, &hitlen)) {
		memcpy(&cs, hit, sizeof(cs));
		free(hit);
		if (hitlen == sizeof(cs) && now - cs.last_seen < LIMIT_SESSION_TOUCH_S && now >= cs.last_seen) {
			*a = cs.a;
			snprintf(a->client_addr, sizeof(a->client_addr), "%s", client_addr);
			return 0;
		}
	}
	snprintf(a->client_addr, sizeof(a->client_addr), "%s", client_addr);
	c = db_acquire(db);
	if ((rc = db_execv(c, &r, e,
			   "SELECT " ACTOR_COLS ", s.csrf_token, s.last_seen, s.id FROM sessions s"
			   " JOIN accounts a ON a.id = s.account_id"
			   " JOIN regions r ON r.code = a.region_code WHERE s.token_hash = ?",
			   "s", hash)))
		goto out;
	if (r->nrows == 0) {
		rc = err_set(e, E_UNAUTH, "unauthenticated", "请先登录");
		goto out;
	}
	last = db_int(r, 0, ACTOR_NCOLS + 1);
	sid = db_int(r, 0, ACTOR_NCOLS + 2);
	if (db_int(r, 0, 9) || now - last > LIMIT_SESSION_IDLE_S) {
		/* Expired or locked by an administrator: the session ends here. */
		if (db_execv(c, NULL, e, "DELETE FROM sessions WHERE id = ?", "i", sid))
			fprintf(stderr, "renda: expired session not removed: %s\n", e->msg);
		rc = err_set(e, E_UNAUTH, "session_expired", "登录已超时，请重新登录");
		goto out;
	}
	fill_actor(r, 0, a);
	snprintf(a->csrf_token, sizeof(a->csrf_token), "%s", db_val(r, 0, ACTOR_NCOLS));
	if (now - last >= LIMIT_SESSION_TOUCH_S) {
		if ((rc = db_execv(c, NULL, e, "UPDATE sessions SET last_seen = ? WHERE id = ?",
				   "ii", now, sid)))
			goto out;
		last = now;
	}
	memset(&cs, 0, sizeof(cs));
	cs.a = *a;
	cs.last_seen = last;
	cache_put(cache, hash, &cs, sizeof(cs));
out:
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int auth_logout(struct db *db, const struct actor *a, const char *token, struct err *e)
{
	struct tx t;
	char hash[65];
	int rc;

	secret_hash(token, hash);
	tx_begin(&t, db, a, e);
	tx_exec(&t, NULL, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
	tx_audit_s(&t, "session.logout", "account", NULL, NULL, NULL);
	if (!(rc = tx_end(&t)))
		auth_sessions_changed(db);
	return rc;
}

/* The scopes an API token may carry: the one table of what integrations may do. A scope allows
 * one method on one route (every route of that method without one); the role of the service
 * account (role.c) and its region still apply within it. */
static const struct token_scope {
	const char *name;
	const char *label;
	unsigned bit;
	const char *method;
	const char *pattern;
} token_scopes[] = {
	{"opinion_intake", "登记群众意见", AUTH_SCOPE_OPINION_INTAKE, "POST", "/api/v1/opinions"},
	{"read", "只读查询（本区划内，个人信息脱敏）", AUTH_SCOPE_READ, "GET", NULL},
};

int auth_token_allows(const struct actor *a, const char *method, const char *pattern, struct err *e)
{
	if (!a->via_token)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(token_scopes); i++) {
		const struct token_scope *s = &token_scopes[i];
		if ((a->token_scopes & s->bit) && !strcmp(method, s->method) &&
		    (!s->pattern || !strcmp(pattern, s->pattern)))
			return 0;
	}
	return err_set(e, E_FORBIDDEN, "token_scope", "该 API 令牌的权限范围不包括此操作");
}

json_t *auth_token_scopes(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < ARRAY_LEN(token_scopes); i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", token_scopes[i].name,
						     "label", token_scopes[i].label));
	return arr;
}

/* The bits of a stored scope list ("opinion_intake,read"); unknown names count for nothing. */
static unsigned scope_bits(const char *text)
{
	unsigned bits = 0;
	for (size_t i = 0; i < ARRAY_LEN(token_scopes); i++) {
		size_t n = strlen(token_scopes[i].name);
		for (const char *p = text; (p = strstr(p, token_scopes[i].name)); p += n)
			if ((p == text || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
				bits |= token_scopes[i].bit;
	}
	return bits;
}

/* The stored list of a request's "scopes" array, in the table's order: at least one, each known. */
static int scope_text(json_t *arr, struct buf *out, struct err *e)
{
	unsigned bits = 0;
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return err_field(e, E_INVALID, "missing_field", "scopes", "请至少选择一项令牌权限范围");
	json_array_foreach(arr, i, v) {
		size_t k;
		for (k = 0; k < ARRAY_LEN(token_scopes); k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), token_scopes[k].name))
				break;
		if (k == ARRAY_LEN(token_scopes))
			return err_field(e, E_INVALID, "bad_scope", "scopes",
					 "未知的令牌权限范围，可选 opinion_intake（登记群众意见）或 read（只读查询）");
		bits |= token_scopes[k].bit;
	}
	for (size_t k = 0; k < ARRAY_LEN(token_scopes); k++)
		if (bits & token_scopes[k].bit) {
			if (out->len)
				buf_addc(out, ',');
			buf_adds(out, token_scopes[k].name);
		}
	return buf_failed(out) ? err_set(e, E_INTERNAL, "too_long", "令牌权限范围过长") : 0;
}

/* A token's "scopes" column as the API shows it: an array of names. */
static void scopes_to_array(json_t *o)
{
	unsigned bits = scope_bits(jsonx_str_or(o, "scopes", ""));
	json_t *arr = json_array();
	for (size_t i = 0; i < ARRAY_LEN(token_scopes); i++)
		if (bits & token_scopes[i].bit)
			json_array_append_new(arr, json_string(token_scopes[i].name));
	json_object_set_new(o, "scopes", arr);
}

int auth_bearer(struct db *db, const char *secret, const char *client_addr, struct actor *a, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL;
	char hash[65];
	int64_t now = util_now();
	int rc;

	if (strncmp(secret, "rnd_", 4) || strlen(secret) != 4 + AUTH_TOKEN_HEX)
		return err_set(e, E_UNAUTH, "bad_token", "API 令牌无效");
	secret_hash(secret, hash);
	snprintf(a->client_addr, sizeof(a->client_addr), "%s", client_addr);
	c = db_acquire(db);
	if ((rc = db_execv(c, &r, e,
			   "SELECT " ACTOR_COLS ", t.id, t.expires_at, t.revoked_at, t.last_used_at,"
			   " a.locked_until, t.scopes"
			   " FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
			   " JOIN regions r ON r.code = a.region_code WHERE t.token_hash = ?",
			   "s", hash)))
		goto out;
	/* Every token expires; one without an expiry or scopes is from before they existed. */
	if (r->nrows == 0 || db_val(r, 0, ACTOR_NCOLS + 2) || !db_val(r, 0, ACTOR_NCOLS + 1) ||
	    db_int(r, 0, ACTOR_NCOLS + 1) <= now || !role_is_service(db_val(r, 0, 3))) {
		rc = err_set(e, E_UNAUTH, "bad_token", "API 令牌无效、已过期或已吊销");
		goto out;
	}
	if (db_int(r, 0, 9) || db_int(r, 0, ACTOR_NCOLS + 4) > now) {
		rc = err_set(e, E_UNAUTH, "account_locked", "API 令牌所属账号已锁定或停用");
		goto out;
	}
	if (db_int(r, 0, 8)) {
		rc = err_set(e, E_UNAUTH, "password_change_required", "API 令牌所属账号须先修改密码");
		goto out;
	}
	fill_actor(r, 0, a);
	a->via_token = 1;
	a->token_scopes = scope_bits(db_val(r, 0, ACTOR_NCOLS + 5));
	if (now - db_int(r, 0, ACTOR_NCOLS + 3) >= LIMIT_SESSION_TOUCH_S) {
		rc = db_execv(c, NULL, e, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
			      "ii", now, db_int(r, 0, ACTOR_NCOLS));
	}
out:
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int auth_change_password(struct db *db, const struct actor *a, const char *session, json_t *in, struct err *e)
{
	static const struct jfield spec[] = {
		{"old_password", JF_STR, 1, 1, LIMIT_PASSWORD_MAX, "原密码"},
		{"new_password", JF_STR, 1, 1, LIMIT_PASSWORD_MAX, "新密码"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct db_conn *c;
	struct db_res *r = NULL;
	struct tx t;
	char hash[crypto_pwhash_STRBYTES], *old_hash, current[65] = "";
	const char *oldpw, *newpw;
	int rc;

	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	oldpw = jsonx_str(in, "old_password");
	newpw = jsonx_str(in, "new_password");
	if ((rc = auth_password_policy(newpw, e))) {
		snprintf(e->field, sizeof(e->field), "new_password");
		return rc;
	}
	if (!strcmp(oldpw, newpw))
		return err_field(e, E_INVALID, "password_reused", "new_password", "新密码不能与原密码相同");
	/* The slow hashing happens outside the transaction; the update then requires the hash that
	 * was verified, so a change made meanwhile is not silently overwritten. */
	c = db_acquire(db);
	rc = db_execv(c, &r, e, "SELECT password_hash FROM accounts WHERE id = ?", "i", a->account_id);
	db_release(db, c);
	if (rc)
		return rc;
	if (r->nrows == 0 || !auth_verify_password(db_val(r, 0, 0), oldpw)) {
		db_res_free(r);
		return err_field(e, E_INVALID, "bad_password", "old_password", "原密码不正确");
	}
	old_hash = xstrdup(db_val(r, 0, 0));
	db_res_free(r);
	if ((rc = auth_hash_password(newpw, hash, sizeof(hash), e))) {
		free(old_hash);
		return rc;
	}
	tx_begin(&t, db, a, e);
	tx_exec(&t, NULL,
		"UPDATE accounts SET password_hash = ?, must_change_password = 0,"
		" password_changed_at = ?, updated_at = ? WHERE id = ? AND password_hash = ?",
		"siiis", hash, util_now(), util_now(), a->account_id, old_hash);
	tx_expect_one(&t);
	/* Whoever knew the old password is logged out everywhere but here. */
	if (session)
		secret_hash(session, current);
	tx_exec(&t, NULL, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?", "is",
		a->account_id, current);
	tx_audit_s(&t, "account.password_change", "account", NULL, NULL, NULL);
	if (!(rc = tx_end(&t)))
		auth_sessions_changed(db);
	free(old_hash);
	return rc;
}

static const struct col token_cols[] = {
	{"id", COL_INT},
	{"account_id", COL_INT},
	{"username", COL_STR},
	{"name", COL_STR},
	{"prefix", COL_STR},
	{"created_at", COL_INT},
	{"expires_at", COL_INT},
	{"last_used_at", COL_INT},
	{"revoked", COL_BOOL},
	{"scopes", COL_STR},
	{NULL, 0}};
#define TOKEN_SELECT                                                                           \
	"SELECT t.id, t.account_id, a.username, t.name, t.prefix, t.created_at, t.expires_at," \
	" t.last_used_at, CASE WHEN t.revoked_at IS NULL THEN 0 ELSE 1 END, t.scopes"          \
	" FROM api_tokens t"                                                                   \
	" JOIN accounts a ON a.id = t.account_id JOIN regions r ON r.code = a.region_code"

/* One token as the API shows it (a new reference): its scopes as an array of names. */
static json_t *token_json(const struct db_res *r, int row)
{
	json_t *o = rows_object(r, row, token_cols);
	scopes_to_array(o);
	return o;
}

static int check_admin(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_ACCOUNT_ADMIN))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有安全管理员可以管理账号和令牌");
	return 0;
}

int auth_token_list(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	char pat[REGION_PATTERN_MAX];
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)))
		return rc;
	region_like_pattern(a->region_path, pat, sizeof(pat));
	db_params_init(&p);
	db_ps(&p, pat);
	c = db_acquire(db);
	if (!(rc = db_exec(c, TOKEN_SELECT " WHERE r.path LIKE ? ORDER BY t.id DESC", &p, &r, e))) {
		json_t *items = json_array();
		for (int i = 0; i < r->nrows; i++)
			json_array_append_new(items, token_json(r, i));
		*out = json_pack("{s:o}", "items", items);
	}
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int auth_token_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"account_id", JF_INT, 1, 1, INT64_MAX, "账号"},
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "令牌名称"},
		{"scopes", JF_ARR, 1, 0, 0, "权限范围"},
		{"expires_days", JF_INT, 0, 1, LIMIT_TOKEN_DAYS_MAX, "有效天数"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	struct actor owner = {0};
	struct buf scopes = BUF_INIT_CAP(64);
	char secret[4 + AUTH_TOKEN_HEX + 1], hash[65], prefix[16];
	int days = (int)jsonx_int(in, "expires_days", 0);
	int64_t id = 0;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = scope_text(json_object_get(in, "scopes"), &scopes, e)))
		goto done;
	memcpy(secret, "rnd_", 4);
	util_random_hex(secret + 4, AUTH_TOKEN_HEX / 2);
	secret_hash(secret, hash);
	snprintf(prefix, sizeof(prefix), "%.12s", secret);
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t))
		goto out;
	/* A token acts as its account: only an integration's account, never a person's, so the
	 * security administrator cannot act as anyone through one. */
	if (auth_load_actor(t.c, jsonx_int(in, "account_id", 0), &owner, e) ||
	    !region_path_in_scope(a, owner.region_path))
		tx_check(&t, err_field(e, E_INVALID, "bad_account", "account_id", "账号不存在或不在管理范围内"));
	else if (!role_is_service(owner.role))
		tx_fail_field(&t, E_FORBIDDEN, "not_service_account", "account_id",
			      "API 令牌只能签发给集成服务账号，不能签发给人员账号");
	if (!days && tx_ok(&t))
		tx_check(&t, settings_int(t.c, owner.region_path, "auth.token_days", &days, e));
	if (days > LIMIT_TOKEN_DAYS_MAX)
		days = LIMIT_TOKEN_DAYS_MAX;
	if (tx_int(&t, &id,
		   "INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_by, created_at,"
		   " expires_at, scopes) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
		   "isssiiis", owner.account_id, jsonx_str(in, "name"), hash, prefix, a->account_id,
		   util_now(), util_now() + (int64_t)days * 86400, scopes.data) ||
	    tx_exec(&t, &r, TOKEN_SELECT " WHERE t.id = ?", "i", id))
		goto out;
	o = token_json(r, 0);
	tx_audit(&t, "token.create", "api_token", id, NULL, o);
out:
	if (!(rc = tx_end(&t)))
		*out = json_pack("{s:O, s:s}", "token", o, "secret", secret);
	sodium_memzero(secret, sizeof(secret));
	json_decref(o);
	db_res_free(r);
done:
	buf_release(&scopes);
	return rc;
}

int auth_token_revoke(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	struct tx t;
	struct db_res *r = NULL;
	char pat[REGION_PATTERN_MAX];
	json_t *before = NULL;
	int rc;

	if ((rc = check_admin(a, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "api_tokens", id, "令牌") ||
	    tx_exec(&t, &r, TOKEN_SELECT " WHERE t.id = ? AND r.path LIKE ?", "is", id,
		    region_like_pattern(a->region_path, pat, sizeof(pat))) ||
	    (r->nrows == 0 && tx_fail(&t, E_NOTFOUND, "not_found", "令牌不存在")))
		goto out;
	before = token_json(r, 0);
	tx_exec(&t, NULL, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
		"ii", util_now(), id);
	tx_audit(&t, "token.revoke", "api_token", id, before, NULL);
out:
	rc = tx_end(&t);
	json_decref(before);
	db_res_free(r);
	return rc;
}
