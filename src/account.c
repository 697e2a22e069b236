#include "account.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "tx.h"

static const struct col cols[] = {
	{"id", COL_INT},
	{"username", COL_STR},
	{"display_name", COL_STR},
	{"role", COL_STR},
	{"region_code", COL_STR},
	{"region_name", COL_STR},
	{"handler_id", COL_INT},
	{"locked", COL_BOOL},
	{"locked_until", COL_INT},
	{"failed_logins", COL_INT},
	{"last_login_at", COL_INT},
	{"created_at", COL_INT},
	{"station_id", COL_INT},
	{"station_name", COL_STR},
	{NULL, 0}};

#define FROM \
	"accounts a JOIN regions r ON r.code = a.region_code LEFT JOIN stations st ON st.id = a.station_id"
/* `locked` starts as the administrator's lock; add_derived adds a failure lockout in force. */
#define SELECT                                                                                  \
	"SELECT a.id, a.username, a.display_name, a.role, a.region_code, r.name, a.handler_id," \
	" a.admin_locked, a.locked_until,"                                                      \
	" a.failed_logins, a.last_login_at, a.created_at, a.station_id, st.name FROM " FROM

/* The fields computed from the row: the role's name, and whether any lock holds now. */
static void add_derived(json_t *o)
{
	json_object_set_new(o, "role_name", json_string(role_label(jsonx_str(o, "role"))));
	if (json_integer_value(json_object_get(o, "locked_until")) > util_now())
		json_object_set_new(o, "locked", json_true());
}

static int check_admin(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_ACCOUNT_ADMIN))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有安全管理员可以管理账号");
	return 0;
}

#define ADMIN_CLI_ONLY \
	"系统管理员、安全管理员和安全审计员账号只能在服务器命令行（renda user）创建和修改"

/* The three administrators are made and changed only from the server's command line: through
 * the API no one creates, changes, resets or locks one, nor gives any account their roles. */
static int refuse_admin(const char *role, struct err *e)
{
	if (role_is_admin(role))
		return err_field(e, E_FORBIDDEN, "admin_cli_only", "role", ADMIN_CLI_ONLY);
	return 0;
}

static int load(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	int rc = rows_load_scoped(c, a, SELECT " WHERE a.id = ? AND r.path LIKE ?", id, cols, "账号", out, e);
	if (!rc)
		add_derived(*out);
	return rc;
}

int account_check_username(const char *u, struct err *e)
{
	size_t n = strlen(u);
	if (n < LIMIT_USERNAME_MIN || n > LIMIT_USERNAME_MAX || !(u[0] >= 'a' && u[0] <= 'z'))
		goto bad;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '.' || *p == '-'))
			goto bad;
	return 0;
bad:
	return err_field(e, E_INVALID, "bad_username", "username",
			 "用户名应为3到32位小写字母、数字、下划线、点或短横线，并以字母开头");
}

/* A handler account must name a handling unit in its region's subtree; others must not. */
static int check_handler(struct db_conn *c, const char *role, const char *region,
			 int64_t handler_id, struct err *e)
{
	struct db_res *r;
	int rc;

	if (!role_is_handler(role)) {
		if (handler_id)
			return err_field(e, E_INVALID, "bad_handler", "handler_id",
					 "只有承办单位角色可以关联承办单位");
		return 0;
	}
	if (!handler_id)
		return err_field(e, E_INVALID, "missing_field", "handler_id", "承办单位账号须选择所属承办单位");
	if ((rc = db_execv(c, &r, e,
			   "SELECT h.id FROM handlers h JOIN regions hr ON hr.code = h.region_code"
			   " JOIN regions ar ON ar.code = ? WHERE h.id = ?"
			   " AND hr.path LIKE ar.path || '%'",
			   "si", region, handler_id)))
		return rc;
	rc = r->nrows ? 0 : err_field(e, E_INVALID, "bad_handler", "handler_id", "承办单位不存在或不属于该账号的区划");
	db_res_free(r);
	return rc;
}

/* A station's staff may keep one station of their region's subtree (0: none, they work by region);
 * other roles keep none. */
static int check_station(struct db_conn *c, const char *role, const char *region,
			 int64_t station_id, struct err *e)
{
	struct db_res *r;
	int rc;

	if (!station_id)
		return 0;
	if (strcmp(role, "station_staff"))
		return err_field(e, E_INVALID, "bad_station", "station_id", "只有联络站工作人员可以关联联络站");
	if ((rc = db_execv(c, &r, e,
			   "SELECT s.id FROM stations s JOIN regions sr ON sr.code = s.region_code"
			   " JOIN regions ar ON ar.code = ? WHERE s.id = ?"
			   " AND sr.path LIKE ar.path || '%'",
			   "si", region, station_id)))
		return rc;
	rc = r->nrows ? 0 : err_field(e, E_INVALID, "bad_station", "station_id", "联络站不存在或不属于该账号的区划");
	db_res_free(r);
	return rc;
}

int account_insert(struct db_conn *c, const char *username, const char *display_name, const char *role,
		   const char *region, int64_t handler_id, const char *password, int64_t *id, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;

	if ((rc = account_check_username(username, e)))
		return rc;
	if (!role_valid(role))
		return err_field(e, E_INVALID, "bad_role", "role", "未知的角色“%s”", role);
	if (role_is_service(role) != !password)
		return err_field(e, E_INVALID,
				 role_is_service(role) ? "unknown_field" : "missing_field", "password",
				 role_is_service(role) ? "集成服务账号不用密码登录，不能设置密码"
						       : "请填写初始密码");
	if ((password && (rc = auth_password_policy(password, e))) ||
	    (rc = check_handler(c, role, region, handler_id, e)))
		return rc;
	/* A service account's hash matches no password: it is reached only by API tokens. */
	if (!password)
		snprintf(hash, sizeof(hash), "!service");
	else if ((rc = auth_hash_password(password, hash, sizeof(hash), e)))
		return rc;
	rc = db_intv(c, id, e,
		     "INSERT INTO accounts (username, display_name, role, region_code, handler_id,"
		     " password_hash, password_changed_at, created_at, updated_at)"
		     " VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
		     "ssssnsiii", username, display_name, role, region, handler_id, hash,
		     util_now(), util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate"))
		return err_field(e, E_CONFLICT, "duplicate", "username", "用户名“%s”已被使用", username);
	if (rc == E_CONFLICT)
		return err_field(e, E_INVALID, "bad_region", "region_code", "区划“%s”不存在", region);
	return rc;
}

int account_list(struct db *db, const struct actor *a, const char *role, const char *region,
		 const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"username", "display_name",  "created_at",
					    "role",     "last_login_at", NULL};
	static const char *const search[] = {"a.username", "a.display_name", NULL};
	const struct rows_eq eq[] = {{" AND a.role = ?", role}, {NULL}};
	struct rows_list l = {FROM, SELECT, cols, "r.path", search, eq, add_derived};
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)) || (rc = rows_list_order(&l, "a", q->sort, sorts, "username ASC", e)))
		return rc;
	if (role && *role && !role_valid(role))
		return err_field(e, E_INVALID, "bad_role", "role", "未知的角色“%s”", role);
	return rows_list_run(db, a, region, &l, q, out, e);
}

int account_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, check_admin, load, a, id, "account", out, e);
}

/* A deputy's account acts as that deputy (drafting, co-signing, rating, voting): links account id
 * to a deputy within the actor's scope. */
static int link_deputy(struct tx *t, const struct actor *a, int64_t id, const char *role, int64_t deputy)
{
	struct db_res *d = NULL;

	if (!role_is_deputy(role))
		return tx_fail_field(t, E_INVALID, "bad_deputy", "deputy_id", "只有代表账号可以关联代表");
	if (!tx_exec(t, &d, "SELECT region_path FROM deputies WHERE id = ?", "i", deputy) &&
	    (!d->nrows || !region_path_in_scope(a, db_val(d, 0, 0))))
		tx_fail_field(t, E_INVALID, "bad_deputy", "deputy_id", "代表不存在或不在您的管理范围内");
	db_res_free(d);
	return tx_exec(t, NULL, "UPDATE accounts SET deputy_id = ? WHERE id = ?", "ii", deputy, id);
}

int account_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"username", JF_STR, 1, 1, 2 * LIMIT_USERNAME_MAX, "用户名"}, /* the form is checked below */
		{"display_name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "姓名"},
		{"role", JF_STR, 1, 1, 24, "角色"},
		{"region_code", JF_STR, 1, 1, 9, "所属区划"},
		{"password", JF_STR, 0, 1, LIMIT_PASSWORD_MAX, "初始密码"}, /* none for a service account */
		{"handler_id", JF_INT, 0, 1, INT64_MAX, "承办单位"},
		{"deputy_id", JF_INT, 0, 1, INT64_MAX, "关联代表"},
		{"station_id", JF_INT, 0, 0, INT64_MAX, "所在联络站"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *o = NULL;
	int64_t id = 0, deputy = (int64_t)jsonx_int(in, "deputy_id", 0);
	int64_t station = (int64_t)jsonx_int(in, "station_id", 0);
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)) || (rc = jsonx_check(in, spec, e)) ||
	    (rc = refuse_admin(jsonx_str(in, "role"), e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) ||
	    tx_check(&t, region_scope_field(t.c, a, jsonx_str(in, "region_code"), "region_code",
					    "所属区划", NULL, 0, e)) ||
	    tx_check(&t, account_insert(t.c, jsonx_str(in, "username"), jsonx_str(in, "display_name"),
					jsonx_str(in, "role"), jsonx_str(in, "region_code"),
					jsonx_int(in, "handler_id", 0), jsonx_str(in, "password"), &id, e)))
		goto out;
	if (deputy && link_deputy(&t, a, id, jsonx_str(in, "role"), deputy))
		goto out;
	if (station &&
	    (tx_check(&t, check_station(t.c, jsonx_str(in, "role"), jsonx_str(in, "region_code"), station, e)) ||
	     tx_exec(&t, NULL, "UPDATE accounts SET station_id = ? WHERE id = ?", "ii", station, id)))
		goto out;
	/* An initial password is known to the administrator: the user must replace it. */
	if ((!role_is_service(jsonx_str(in, "role")) &&
	     tx_exec(&t, NULL, "UPDATE accounts SET must_change_password = 1 WHERE id = ?", "i", id)) ||
	    tx_check(&t, load(t.c, a, id, &o, e)))
		goto out;
	tx_audit(&t, "account.create", "account", id, NULL, o);
out:
	return tx_end_reply(&t, "account", o, out);
}

int account_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"display_name", JF_STR, 0, 1, LIMIT_NAME_CHARS, "姓名"},
		{"role", JF_STR, 0, 1, 24, "角色"},
		{"region_code", JF_STR, 0, 1, 9, "所属区划"},
		{"handler_id", JF_INT, 0, 1, INT64_MAX, "承办单位"},
		{"station_id", JF_INT, 0, 0, INT64_MAX, "所在联络站"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	const char *name, *role, *region;
	int64_t handler_id, station;
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "accounts", id, "账号", load, &before))
		goto out;
	name = jsonx_str_or(in, "display_name", jsonx_str(before, "display_name"));
	role = jsonx_str_or(in, "role", jsonx_str(before, "role"));
	region = jsonx_str_or(in, "region_code", jsonx_str(before, "region_code"));
	handler_id = json_object_get(in, "handler_id")
			     ? jsonx_int(in, "handler_id", 0)
			     : (role_is_handler(role) ? jsonx_int(before, "handler_id", 0) : 0);
	/* a station kept while the role stays a station's staff; 0 lets it go */
	station = json_object_get(in, "station_id")
			  ? jsonx_int(in, "station_id", 0)
			  : (!strcmp(role, "station_staff") ? jsonx_int(before, "station_id", 0) : 0);
	if (tx_check(&t, refuse_admin(jsonx_str(before, "role"), e)) ||
	    tx_check(&t, refuse_admin(role, e)) ||
	    (role_is_service(role) != role_is_service(jsonx_str(before, "role")) &&
	     tx_fail_field(&t, E_INVALID, "bad_role", "role", "集成服务账号与人员账号不能互相转换")) ||
	    (!role_valid(role) && tx_fail_field(&t, E_INVALID, "bad_role", "role", "未知的角色“%s”", role)) ||
	    (id == a->account_id && strcmp(role, a->role) &&
	     tx_fail_field(&t, E_FORBIDDEN, "forbidden", "role", "不能修改自己的角色")) ||
	    tx_check(&t, region_scope_field(t.c, a, region, "region_code", "所属区划", NULL, 0, e)) ||
	    tx_check(&t, check_handler(t.c, role, region, handler_id, e)) ||
	    tx_check(&t, check_station(t.c, role, region, station, e)) ||
	    tx_exec(&t, NULL,
		    "UPDATE accounts SET display_name = ?, role = ?, region_code = ?,"
		    " handler_id = ?, station_id = ?, updated_at = ? WHERE id = ?",
		    "sssnnii", name, role, region, handler_id, station, util_now(), id))
		goto out;
	/* A change of role or scope takes effect at once: end the account's sessions. */
	if ((strcmp(role, jsonx_str(before, "role")) || strcmp(region, jsonx_str(before, "region_code")) ||
	     station != jsonx_int(before, "station_id", 0)) &&
	    tx_exec(&t, NULL, "DELETE FROM sessions WHERE account_id = ?", "i", id))
		goto out;
	if (!tx_check(&t, load(t.c, a, id, &after, e)))
		tx_audit(&t, "account.update", "account", id, before, after);
out:
	json_decref(before);
	if (!(rc = tx_end_reply(&t, "account", after, out)))
		auth_sessions_changed(db);
	return rc;
}

int account_set_lock(struct db *db, const struct actor *a, int64_t id, int lock, json_t **out, struct err *e)
{
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_admin(a, e)))
		return rc;
	if (lock && id == a->account_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "不能锁定自己的账号");
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "accounts", id, "账号", load, &before) ||
	    tx_check(&t, refuse_admin(jsonx_str(before, "role"), e)) ||
	    tx_exec(&t, NULL,
		    lock ? "UPDATE accounts SET admin_locked = ?, updated_at = ? WHERE id = ?"
			 : "UPDATE accounts SET admin_locked = ?, locked_until = 0, failed_logins = 0,"
			   " updated_at = ? WHERE id = ?",
		    "iii", (int64_t)lock, util_now(), id) ||
	    (lock && tx_exec(&t, NULL, "DELETE FROM sessions WHERE account_id = ?", "i", id)) ||
	    tx_check(&t, load(t.c, a, id, &after, e)))
		goto out;
	tx_audit(&t, lock ? "account.lock" : "account.unlock", "account", id, before, after);
out:
	json_decref(before);
	if (!(rc = tx_end_reply(&t, "account", after, out)))
		auth_sessions_changed(db);
	return rc;
}

int account_reset_password(struct db *db, const struct actor *a, int64_t id, json_t *in, struct err *e)
{
	static const struct jfield spec[] = {{"password", JF_STR, 1, 1, LIMIT_PASSWORD_MAX, "新密码"},
					     {NULL, 0, 0, 0, 0, NULL}};
	char hash[crypto_pwhash_STRBYTES];
	struct tx t;
	json_t *before = NULL;
	int rc;

	if ((rc = check_admin(a, e)) || (rc = tx_visible(db, a, id, load, e)) ||
	    (rc = jsonx_check(in, spec, e)) || (rc = auth_password_policy(jsonx_str(in, "password"), e)) ||
	    (rc = auth_hash_password(jsonx_str(in, "password"), hash, sizeof(hash), e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "accounts", id, "账号", load, &before) ||
	    tx_check(&t, refuse_admin(jsonx_str(before, "role"), e)) ||
	    (role_is_service(jsonx_str(before, "role")) &&
	     tx_fail_field(&t, E_INVALID, "bad_role", "password", "集成服务账号没有密码，不能重置")))
		goto out;
	/* The administrator knows the new password: it works once, to set one only its user knows,
	 * and every session of the account ends. */
	tx_exec(&t, NULL,
		"UPDATE accounts SET password_hash = ?, must_change_password = 1,"
		" failed_logins = 0, locked_until = 0, password_changed_at = ?,"
		" updated_at = ? WHERE id = ?",
		"siii", hash, util_now(), util_now(), id);
	tx_exec(&t, NULL, "DELETE FROM sessions WHERE account_id = ?", "i", id);
	tx_audit(&t, "account.password_reset", "account", id, NULL, NULL);
out:
	if (!(rc = tx_end(&t)))
		auth_sessions_changed(db);
	json_decref(before);
	return rc;
}

int account_cli_change(struct tx *t, const char *username, const char *what, const char *value,
		       const char *region)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t id = 0;
	json_t *after = NULL;

	if (tx_int(t, &id, "SELECT id FROM accounts WHERE username = ?", "s", username) ||
	    (!id && tx_fail(t, E_NOTFOUND, "not_found", "账号“%s”不存在", username)))
		return t->rc;
	if (!strcmp(what, "password")) {
		if (!tx_check(t, auth_password_policy(value, t->e)) &&
		    !tx_check(t, auth_hash_password(value, hash, sizeof(hash), t->e)))
			tx_exec(t, NULL,
				"UPDATE accounts SET password_hash = ?, must_change_password = 1, failed_logins = 0,"
				" locked_until = 0, password_changed_at = ?, updated_at = ?"
				" WHERE id = ? AND role <> 'service'",
				"siii", hash, util_now(), util_now(), id);
		tx_expect_one(t);
		sodium_memzero(hash, sizeof(hash));
	} else if (!strcmp(what, "lock") || !strcmp(what, "unlock")) {
		tx_exec(t, NULL,
			"UPDATE accounts SET admin_locked = ?, locked_until = 0, failed_logins = 0, updated_at = ?"
			" WHERE id = ?",
			"iii", (int64_t)!strcmp(what, "lock"), util_now(), id);
	} else if (!strcmp(what, "role")) {
		if ((!role_valid(value) &&
		     tx_fail_field(t, E_INVALID, "bad_role", "role", "未知的角色“%s”", value)) ||
		    ((role_is_handler(value) || role_is_service(value)) &&
		     tx_fail_field(t, E_INVALID, "bad_role", "role",
				   "承办单位和集成服务账号请由安全管理员在网页中管理")) ||
		    (region &&
		     tx_exec(t, NULL, "UPDATE accounts SET region_code = ? WHERE id = ?", "si",
			     region, id) == E_CONFLICT &&
		     tx_fail_field(t, E_INVALID, "bad_region", "region", "区划“%s”不存在", region)))
			return t->rc;
		tx_exec(t, NULL,
			"UPDATE accounts SET role = ?, handler_id = NULL, deputy_id = NULL, station_id = NULL,"
			" updated_at = ?"
			" WHERE id = ? AND role <> 'service'",
			"sii", value, util_now(), id);
		tx_expect_one(t);
	} else {
		return tx_fail(t, E_INVALID, "bad_command", "未知的账号操作 %s", what);
	}
	/* Whatever changed, the account's sessions end: the change holds from its next login. */
	tx_exec(t, NULL, "DELETE FROM sessions WHERE account_id = ?", "i", id);
	after = json_pack("{s:s, s:s}", "username", username, "change", what);
	if (!strcmp(what, "role"))
		json_object_set_new(after, "role", json_string(value));
	tx_audit(t,
		 !strcmp(what, "password") ? "account.password_reset"
		 : !strcmp(what, "role")   ? "account.update"
					 : (!strcmp(what, "lock") ? "account.lock" : "account.unlock"),
		 "account", id, NULL, after);
	json_decref(after);
	return t->rc;
}
