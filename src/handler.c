#include "handler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "tx.h"

static const struct col cols[] = {
	{"id", COL_INT},
	{"region_code", COL_STR},
	{"region_name", COL_STR},
	{"name", COL_STR},
	{"contact_person", COL_STR},
	{"phone", COL_STR},
	{"active", COL_BOOL},
	{"created_at", COL_INT},
	{"updated_at", COL_INT},
	{"chases", COL_INT},
	{NULL, 0}};

#define FROM "handlers h JOIN regions r ON r.code = h.region_code"
#define SELECT                                                                             \
	"SELECT h.id, h.region_code, r.name, h.name, h.contact_person, h.phone, h.active," \
	" h.created_at, h.updated_at,"                                                     \
	" (SELECT COUNT(*) FROM chases ch WHERE ch.handler_id = h.id) FROM " FROM

/* Loads one handler within the actor's scope; E_NOTFOUND when absent or outside. */
static int load(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_load_scoped(c, a, SELECT " WHERE h.id = ? AND r.path LIKE ?", id, cols,
				"承办单位", out, e);
}

static int can_read(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_HANDLER_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看承办单位");
	return 0;
}

int handler_list(struct db *db, const struct actor *a, const char *region, int active,
		 const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"name", "created_at", "region_code", NULL};
	static const char *const search[] = {"h.name", "h.contact_person", NULL};
	const struct rows_eq eq[] = {{" AND h.active = ?", NULL, active >= 0, active}, {NULL}};
	struct rows_list l = {FROM, SELECT, cols, "r.path", search, eq, NULL};
	int rc;

	*out = NULL;
	if ((rc = can_read(a, e)) ||
	    (rc = rows_list_order(&l, "h", q->sort, sorts, "h.region_code, h.name", e)))
		return rc;
	return rows_list_run(db, a, region, &l, q, out, e);
}

int handler_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, can_read, load, a, id, "handler", out, e);
}

int handler_insert(struct db_conn *c, const char *region, const char *name, const char *contact,
		   const char *phone, int64_t *id, struct err *e)
{
	int rc = db_intv(c, id, e,
			 "INSERT INTO handlers (region_code, name, contact_person, phone, active,"
			 " created_at, updated_at) VALUES (?,?,?,?,1,?,?) RETURNING id",
			 "ssssii", region, name, contact ? contact : "", phone ? phone : "",
			 util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate"))
		return err_field(e, E_CONFLICT, "duplicate", "name", "该区划下已有名为“%s”的承办单位", name);
	return rc;
}

static int check_write(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_HANDLER_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能维护承办单位");
	return 0;
}

/* Who may write, and a request's fields by spec with a phone number that is one. */
static int check_input(const struct actor *a, json_t *in, const struct jfield *spec, struct err *e)
{
	int rc;
	if ((rc = check_write(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	return jsonx_phone(in, "phone", "联系电话", e);
}

int handler_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"region_code", JF_STR, 1, 1, 9, "所属区划"},
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "单位名称"},
		{"contact_person", JF_STR, 0, 0, LIMIT_NAME_CHARS, "联系人"},
		{"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "联系电话"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *o = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rc = check_input(a, in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) || tx_check(&t, region_scope(t.c, a, jsonx_str(in, "region_code"), NULL, 0, e)) ||
	    tx_check(&t, handler_insert(t.c, jsonx_str(in, "region_code"), jsonx_str(in, "name"),
					jsonx_str(in, "contact_person"), jsonx_str(in, "phone"), &id, e)) ||
	    tx_check(&t, load(t.c, a, id, &o, e)))
		goto out;
	tx_audit(&t, "handler.create", "handler", id, NULL, o);
out:
	return tx_end_reply(&t, "handler", o, out);
}

int handler_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"name", JF_STR, 0, 1, LIMIT_NAME_CHARS, "单位名称"},
		{"contact_person", JF_STR, 0, 0, LIMIT_NAME_CHARS, "联系人"},
		{"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "联系电话"},
		{"active", JF_BOOL, 0, 0, 0, "启用状态"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_input(a, in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "handlers", id, "承办单位", load, &before))
		goto out;
	if (tx_exec(&t, NULL,
		    "UPDATE handlers SET name = ?, contact_person = ?, phone = ?, active = ?, updated_at = ?"
		    " WHERE id = ?",
		    "sssiii", jsonx_str_or(in, "name", jsonx_str(before, "name")),
		    jsonx_str_or(in, "contact_person", jsonx_str(before, "contact_person")),
		    jsonx_str_or(in, "phone", jsonx_str(before, "phone")),
		    (int64_t)jsonx_int(in, "active", json_is_true(json_object_get(before, "active"))),
		    util_now(), id) == E_CONFLICT &&
	    !strcmp(e->code, "duplicate"))
		err_field(e, E_CONFLICT, "duplicate", "name", "该区划下已有同名的承办单位");
	if (tx_ok(&t) && !tx_check(&t, load(t.c, a, id, &after, e)))
		tx_audit(&t, "handler.update", "handler", id, before, after);
out:
	json_decref(before);
	return tx_end_reply(&t, "handler", after, out);
}

int handler_delete(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	int rc = check_write(a, e);
	return rc ? rc
		  : tx_delete(db, a, "handlers", id, "承办单位", load, "handler",
			      "该承办单位已有关联账号或业务，不能删除，可改为停用", e);
}
