#include "group.h"

#include <stdio.h>
#include <string.h>

#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "tx.h"

static const struct col group_cols[] = {
	{"id", COL_INT},           {"region_code", COL_STR}, {"region_name", COL_STR},
	{"name", COL_STR},         {"leader_id", COL_INT},   {"leader_name", COL_STR},
	{"member_count", COL_INT}, {"created_at", COL_INT},  {NULL, 0}};
#define GROUP_SELECT                                                                          \
	"SELECT g.id, g.region_code, r.name, g.name, g.leader_id, l.name,"                    \
	" (SELECT COUNT(*) FROM mandates m WHERE m.group_id = g.id AND m.status = 'active')," \
	" g.created_at FROM deputy_groups g JOIN regions r ON r.code = g.region_code"         \
	" LEFT JOIN deputies l ON l.id = g.leader_id"

/* Groups are kept by those who keep the deputy registry. */
static int can_write(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_DEPUTY_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能维护代表信息");
	return 0;
}

/* The group within the actor's scope with its members; E_NOTFOUND when absent or outside. *out
 * is new, the caller's, and set only on success. */
static int load(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	static const struct col member_cols[] = {
		{"id", COL_INT},       {"name", COL_STR}, {"gender", COL_STR},
		{"employer", COL_STR}, {"post", COL_STR}, {NULL, 0}};
	int rc;

	if ((rc = rows_load_scoped(c, a, GROUP_SELECT " WHERE g.id = ? AND r.path LIKE ?", id,
				   group_cols, "代表小组", out, e)))
		return rc;
	if ((rc = rows_attach(c, *out, "members", member_cols, e,
			      "SELECT d.id, d.name, d.gender, d.employer, d.post FROM mandates m"
			      " JOIN deputies d ON d.id = m.deputy_id WHERE m.group_id = ? AND m.status = 'active'"
			      " ORDER BY d.name",
			      "i", id))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The group as the actor may read it: staff within their scope, a deputy the groups they
 * belong to (to others it does not exist). */
static int read_group(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	struct actor scope = *a;
	struct db_res *r;
	int rc, member = 0;

	if (!role_can(a->role, PERM_DEPUTY_READ)) {
		if (role_is_deputy(a->role) && a->deputy_id) {
			if ((rc = db_execv(c, &r, e,
					   "SELECT COUNT(*) FROM mandates WHERE group_id = ? AND deputy_id = ?"
					   " AND status = 'active'",
					   "ii", id, a->deputy_id)))
				return rc;
			member = db_int(r, 0, 0) > 0;
			db_res_free(r);
		}
		if (!member)
			return role_is_deputy(a->role)
				       ? err_set(e, E_NOTFOUND, "not_found", "代表小组不存在")
				       : err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表小组");
		snprintf(scope.region_path, sizeof(scope.region_path), "/");
	}
	return load(c, &scope, id, out, e);
}

int group_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	return rows_get(db, NULL, read_group, a, id, "group", out, e);
}

int group_list(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e)
{
	struct db_conn *c;
	struct db_res *r = NULL;
	char path[160], pat[REGION_PATTERN_MAX];
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_DEPUTY_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表小组");
	c = db_acquire(db);
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		goto out;
	if (!(rc = db_execv(c, &r, e, GROUP_SELECT " WHERE r.path LIKE ? ORDER BY r.path, g.name",
			    "s", region_like_pattern(path, pat, sizeof(pat)))))
		*out = json_pack("{s:o}", "items", rows_array(r, group_cols));
out:
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* The deputy must hold a current mandate in the group's congress (the region). */
static int check_member(struct db_conn *c, const char *region, int64_t deputy_id, struct err *e)
{
	struct db_res *r;
	int rc, ok;

	if ((rc = db_execv(c, &r, e,
			   "SELECT COUNT(*) FROM mandates WHERE deputy_id = ? AND region_code = ?"
			   " AND status = 'active'",
			   "is", deputy_id, region)))
		return rc;
	ok = db_int(r, 0, 0) > 0;
	db_res_free(r);
	return ok ? 0
		  : err_set(e, E_INVALID, "not_member", "代表（编号%lld）不是该人大的现任代表",
			    (long long)deputy_id);
}

int group_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"region_code", JF_STR, 1, 1, 9, "所属人大区划"},
					     {"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "小组名称"},
					     {"leader_id", JF_INT, 0, 1, INT64_MAX, "组长"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	const char *region;
	int64_t leader, id = 0;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	region = jsonx_str(in, "region_code");
	leader = (int64_t)jsonx_int(in, "leader_id", 0);
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) || tx_check(&t, region_scope(t.c, a, region, NULL, 0, e)) ||
	    (leader && tx_check(&t, check_member(t.c, region, leader, e))))
		goto out;
	if (tx_exec(&t, &r,
		    "INSERT INTO deputy_groups (region_code, name, leader_id, created_at, updated_at)"
		    " VALUES (?,?,?,?,?) RETURNING id",
		    "ssnii", region, jsonx_str(in, "name"), leader, util_now(), util_now()) == E_CONFLICT &&
	    !strcmp(e->code, "duplicate"))
		err_field(e, E_CONFLICT, "duplicate", "name", "已有同名的代表小组");
	if (!tx_ok(&t))
		goto out;
	id = db_int(r, 0, 0);
	if (!tx_check(&t, load(t.c, a, id, &o, e)))
		tx_audit(&t, "group.create", "deputy_group", id, NULL, o);
out:
	db_res_free(r);
	return tx_end_reply(&t, "group", o, out);
}

int group_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"name", JF_STR, 0, 1, LIMIT_NAME_CHARS, "小组名称"},
					     {"leader_id", JF_INT, 0, 1, INT64_MAX, "组长"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int64_t leader;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = jsonx_check(in, spec, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "deputy_groups", id, "代表小组", load, &before))
		goto out;
	leader = (int64_t)jsonx_int(in, "leader_id", jsonx_int(before, "leader_id", 0));
	if (json_object_get(in, "leader_id") &&
	    tx_check(&t, check_member(t.c, jsonx_str(before, "region_code"), leader, e)))
		goto out;
	if (tx_exec(&t, NULL, "UPDATE deputy_groups SET name = ?, leader_id = ?, updated_at = ? WHERE id = ?",
		    "snii", jsonx_str_or(in, "name", jsonx_str(before, "name")), leader, util_now(),
		    id) == E_CONFLICT &&
	    !strcmp(e->code, "duplicate"))
		err_field(e, E_CONFLICT, "duplicate", "name", "已有同名的代表小组");
	if (tx_ok(&t) && !tx_check(&t, load(t.c, a, id, &after, e)))
		tx_audit(&t, "group.update", "deputy_group", id, before, after);
out:
	json_decref(before);
	return tx_end_reply(&t, "group", after, out);
}

int group_delete(struct db *db, const struct actor *a, int64_t id, struct err *e)
{
	struct tx t;
	json_t *before = NULL;
	int rc;

	if ((rc = can_write(a, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "deputy_groups", id, "代表小组", load, &before))
		goto out;
	tx_exec(&t, NULL, "UPDATE mandates SET group_id = NULL WHERE group_id = ?", "i", id);
	tx_exec(&t, NULL, "DELETE FROM deputy_groups WHERE id = ?", "i", id);
	tx_audit(&t, "group.delete", "deputy_group", id, before, NULL);
out:
	rc = tx_end(&t);
	json_decref(before);
	return rc;
}

int group_set_members(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e)
{
	static const struct jfield spec[] = {{"deputy_ids", JF_ARR, 1, 0, 500, "小组成员"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL, *ids, *v;
	const char *region;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load, e)) ||
	    (rc = jsonx_check(in, spec, e)))
		return rc;
	ids = json_object_get(in, "deputy_ids");
	json_array_foreach(ids, i, v)
		if (!json_is_integer(v))
			return err_field(e, E_INVALID, "wrong_type", "deputy_ids", "小组成员应为代表编号数组");
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "deputy_groups", id, "代表小组", load, &before))
		goto out;
	region = jsonx_str(before, "region_code");
	if (tx_exec(&t, NULL, "UPDATE mandates SET group_id = NULL WHERE group_id = ?", "i", id))
		goto out;
	json_array_foreach(ids, i, v) {
		int64_t deputy = (int64_t)json_integer_value(v);
		if (tx_check(&t, check_member(t.c, region, deputy, e)) ||
		    tx_exec(&t, NULL,
			    "UPDATE mandates SET group_id = ? WHERE deputy_id = ? AND region_code = ?"
			    " AND status = 'active'",
			    "iis", id, deputy, region))
			goto out;
	}
	if (!tx_check(&t, load(t.c, a, id, &after, e)))
		tx_audit(&t, "group.members", "deputy_group", id,
			 json_object_get(before, "members"), json_object_get(after, "members"));
out:
	json_decref(before);
	return tx_end_reply(&t, "group", after, out);
}
