/* auth.h: passwords (argon2id), login with lockout, sessions with idle expiry and CSRF
 * tokens, and API tokens for integrations (DOMAIN §35). */
#ifndef RENDA_AUTH_H
#define RENDA_AUTH_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

#define AUTH_TOKEN_HEX 64 /* session and API secrets: 32 random bytes, hex */

/* What an API token may do (the table in auth.c names each with its one method and route). */
enum auth_scope {
	AUTH_SCOPE_OPINION_INTAKE = 1u << 0, /* POST /api/v1/opinions: register citizens' opinions */
	AUTH_SCOPE_READ = 1u << 1,           /* any GET, within the service account's region */
};

/* Checks the password policy: at least 8 characters from 3 of the 4 classes. */
int auth_password_policy(const char *pw, struct err *e) WUR;
/* Hashes pw into out (crypto_pwhash_STRBYTES bytes). */
int auth_hash_password(const char *pw, char *out, size_t outlen, struct err *e) WUR;
/* 1 if pw matches the stored hash. */
int auth_verify_password(const char *hash, const char *pw);
/* Lowers the argon2id cost; for unit tests only (production keeps the interactive cost). */
void auth_set_cost(unsigned long long ops, size_t mem);

/* Logs in. On success fills *a (with csrf_token) and token (the cookie value, hex,
 * AUTH_TOKEN_HEX+1 bytes). E_UNAUTH "bad_credentials", E_LOCKED "account_locked". Failures
 * are counted and audited, for unknown names as for accounts; the fifth within LIMIT_LOCKOUT_S
 * of each other locks the name for LIMIT_LOCKOUT_S. A password older than the setting
 * auth.password_max_days must be changed (must_change_password); beyond auth.max_sessions
 * the account's oldest sessions end. Service accounts never log in. */
int auth_login(struct db *db, const char *username, const char *password, const char *client_addr,
	       struct actor *a, char *token, struct err *e) WUR;
/* Resolves a session cookie into *a, expiring it after LIMIT_SESSION_IDLE_S idle. */
int auth_session(struct db *db, const char *token, const char *client_addr, struct actor *a,
		 struct err *e) WUR;
/* Forgets cached sessions after a change to accounts or sessions, so it takes effect at once. */
void auth_sessions_changed(struct db *db);
/* Ends the session (idempotent) and audits the logout. */
int auth_logout(struct db *db, const struct actor *a, const char *token, struct err *e) WUR;
/* Resolves an API bearer secret into *a (via_token, token_scopes). E_UNAUTH while the token is
 * revoked or expired, its account is not a service account, is locked, or must change its
 * password. */
int auth_bearer(struct db *db, const char *secret, const char *client_addr, struct actor *a,
		struct err *e) WUR;
/* 0 when the actor may call the route (method and pattern as in the route table): always for a
 * session, for a token only within its scopes; E_FORBIDDEN "token_scope" otherwise. */
int auth_token_allows(const struct actor *a, const char *method, const char *pattern, struct err *e) WUR;
/* The scopes a token may carry, [{"name","label"}] (a new reference). */
json_t *auth_token_scopes(void);
/* Changes the actor's own password from {"old_password","new_password"}; the account's other
 * sessions end (session: the current one's cookie value, which stays; NULL ends all). */
int auth_change_password(struct db *db, const struct actor *a, const char *session, json_t *in,
			 struct err *e) WUR;
/* The actor as the API's User object (a new reference). */
json_t *auth_user_json(const struct actor *a);

/* API tokens, managed by the security administrator, for service accounts in its scope only:
 * create takes {"account_id","name","scopes":[...],"expires_days"?} (default: the setting
 * auth.token_days, at most LIMIT_TOKEN_DAYS_MAX). */
int auth_token_list(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;
int auth_token_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int auth_token_revoke(struct db *db, const struct actor *a, int64_t id, struct err *e) WUR;

/* Loads account `id` into *a (role, region, path, handler) inside the caller's connection. */
int auth_load_actor(struct db_conn *c, int64_t id, struct actor *a, struct err *e) WUR;

#endif
