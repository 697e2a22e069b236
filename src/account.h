/* account.h: user accounts, managed by the security administrator within their scope: ordinary
 * accounts and service accounts (role "service", reached only by API tokens). Administrator
 * accounts (role_is_admin) are refused here with E_FORBIDDEN "admin_cli_only": main.c's
 * `renda user` commands make and change them. */
#ifndef RENDA_ACCOUNT_H
#define RENDA_ACCOUNT_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"
#include "tx.h"

int account_list(struct db *db, const struct actor *a, const char *role, const char *region,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* Accounts outside the scope answer E_NOTFOUND. */
int account_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
int account_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int account_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
/* lock=1 locks until unlocked and ends the account's sessions; lock=0 clears every lock. */
int account_set_lock(struct db *db, const struct actor *a, int64_t id, int lock, json_t **out,
		     struct err *e) WUR;
/* Sets a new password from {"password"}; the user must change it at next login. */
int account_reset_password(struct db *db, const struct actor *a, int64_t id, json_t *in, struct err *e) WUR;

/* For the CLI and the demo: creates an account inside the caller's transaction after the same
 * checks as account_create (username form, role, region, password policy). password is NULL
 * for a service account and only for one. The caller decides must_change_password. */
int account_insert(struct db_conn *c, const char *username, const char *display_name,
		   const char *role, const char *region, int64_t handler_id, const char *password,
		   int64_t *id, struct err *e) WUR;
/* For the command line (`renda user passwd|lock|unlock|role`), the one way to change an
 * administrator's account: inside the caller's transaction t, what is "password" (value: the
 * new password, to be changed at next login), "lock", "unlock" or "role" (value: the role;
 * region: a new region code or NULL). Ends the account's sessions and audits. Returns t->rc. */
int account_cli_change(struct tx *t, const char *username, const char *what, const char *value,
		       const char *region);
/* Checks a username's form: 3-32 of a-z 0-9 _ . -, starting with a letter. */
int account_check_username(const char *u, struct err *e) WUR;

#endif
