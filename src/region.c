#include "region.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "jsonx.h"
#include "limit.h"
#include "role.h"
#include "rows.h"
#include "settings.h"
#include "tx.h"
#include "words.h"

static const char *const levels[] = {"city",   "county",  "district", "township",
				     "street", "devzone", NULL};

static int level_is_grassroots(const char *l)
{
	return !strcmp(l, "township") || !strcmp(l, "street");
}

/* Which levels may sit under which. A development zone may manage townships and streets. */
static int level_fits(const char *parent, const char *child)
{
	if (!strcmp(parent, "city"))
		return !strcmp(child, "county") || !strcmp(child, "district") || !strcmp(child, "devzone");
	if (!strcmp(parent, "county") || !strcmp(parent, "district") || !strcmp(parent, "devzone"))
		return level_is_grassroots(child);
	return 0;
}

/* The congress body each level has (DOMAIN glossary: unit). */
static const char *unit_kind_for(const char *level)
{
	if (!strcmp(level, "township"))
		return "presidium";
	if (!strcmp(level, "street"))
		return "street_committee";
	if (!strcmp(level, "devzone"))
		return "devzone_office";
	return "standing_committee";
}

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int region_check_code(const char *code, const char *level, const char *parent_code,
		      const char *parent_level, struct err *e)
{
	size_t want = level_is_grassroots(level) ? 9 : 6;
	size_t sig;

	if (!all_digits(code, want))
		return err_field(e, E_INVALID, "bad_code", "code", "%s的区划代码应为%zu位数字",
				 level_is_grassroots(level) ? "乡镇、街道" : "县级及以上区划", want);
	if (!parent_code)
		return 0;
	if (!level_fits(parent_level, level))
		return err_field(e, E_INVALID, "bad_level", "level", "该层级不能设在上级区划之下");
	/* Significant digits of the parent: a prefecture 329900 → "3299", a county 329981 → all. */
	sig = strlen(parent_code);
	if (!strcmp(parent_level, "city"))
		sig = 4;
	if (strncmp(code, parent_code, sig) != 0 || !strcmp(code, parent_code))
		return err_field(e, E_INVALID, "bad_code", "code",
				 "区划代码应以上级区划代码“%.*s”开头", (int)sig, parent_code);
	if (want == 9 && !strcmp(code + 6, "000"))
		return err_field(e, E_INVALID, "bad_code", "code", "乡镇、街道代码后三位不能为000");
	return 0;
}

int region_path_in_scope(const struct actor *a, const char *path)
{
	return path && strncmp(path, a->region_path, strlen(a->region_path)) == 0;
}

const char *region_like_pattern(const char *path, char *pat, size_t n)
{
	size_t len = strlen(path);
	if (n == 0)
		return pat;
	if (len + 2 > n) {
		pat[0] = '\0';
		return pat;
	}
	memcpy(pat, path, len);
	pat[len] = '%';
	pat[len + 1] = '\0';
	return pat;
}

int region_scope(struct db_conn *c, const struct actor *a, const char *code, char *path,
		 size_t pathlen, struct err *e)
{
	struct db_res *r;
	int rc;

	if ((rc = db_execv(c, &r, e, "SELECT path FROM regions WHERE code = ?", "s", code)))
		return rc;
	if (r->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "区划“%s”不存在", code);
	else if (!region_path_in_scope(a, db_val(r, 0, 0)))
		rc = err_set(e, E_FORBIDDEN, "out_of_scope", "区划“%s”不在您的管理范围内", code);
	else if (path)
		snprintf(path, pathlen, "%s", db_val(r, 0, 0));
	db_res_free(r);
	return rc;
}

int region_filter_congress(struct db_conn *c, const struct actor *a, const char *code, struct err *e)
{
	struct db_res *r;
	int rc;

	if (!code || !*code)
		return 0;
	if ((rc = db_execv(c, &r, e, "SELECT path FROM regions WHERE code = ?", "s", code)))
		return rc;
	if (r->nrows == 0)
		rc = err_set(e, E_NOTFOUND, "not_found", "区划“%s”不存在", code);
	else if (!region_path_in_scope(a, db_val(r, 0, 0)) &&
		 strncmp(a->region_path, db_val(r, 0, 0), strlen(db_val(r, 0, 0))))
		rc = err_set(e, E_FORBIDDEN, "out_of_scope", "区划“%s”不在您的管理范围内", code);
	db_res_free(r);
	return rc;
}

int region_filter_path(struct db_conn *c, const struct actor *a, const char *region, char *path,
		       size_t pathlen, struct err *e)
{
	snprintf(path, pathlen, "%s", a->region_path);
	return region && *region ? region_scope(c, a, region, path, pathlen, e) : 0;
}

int region_scope_field(struct db_conn *c, const struct actor *a, const char *code, const char *field,
		       const char *label, char *path, size_t pathlen, struct err *e)
{
	int rc = region_scope(c, a, code, path, pathlen, e);
	if (rc == E_NOTFOUND)
		rc = err_field(e, E_INVALID, "bad_region", field, "%s不存在", label);
	return rc;
}

static const struct col region_cols[] = {
	{"code", COL_STR}, {"name", COL_STR}, {"level", COL_STR}, {"parent_code", COL_STR}, {NULL, 0}};
static const struct col unit_cols[] = {
	{"id", COL_INT},      {"region_code", COL_STR}, {"name", COL_STR}, {"kind", COL_STR},
	{"address", COL_STR}, {"phone", COL_STR},       {NULL, 0}};

#define REGION_SELECT                                                                         \
	"SELECT r.code, r.name, r.level, r.parent_code, u.id, u.region_code, u.name, u.kind," \
	" u.address, u.phone FROM regions r LEFT JOIN units u ON u.region_code = r.code"

/* A region object from a REGION_SELECT row, with its unit (or null). */
static json_t *region_row(const struct db_res *r, int row)
{
	json_t *o = json_object();
	for (int i = 0; region_cols[i].name; i++) {
		const char *v = db_val(r, row, i);
		json_object_set_new(o, region_cols[i].name, v ? json_string(v) : json_null());
	}
	if (db_val(r, row, 4)) {
		json_t *u = json_object();
		json_object_set_new(u, "id", json_integer(db_int(r, row, 4)));
		for (int i = 1; unit_cols[i].name; i++)
			json_object_set_new(u, unit_cols[i].name, json_string(db_val(r, row, 4 + i)));
		json_object_set_new(o, "unit", u);
	} else {
		json_object_set_new(o, "unit", json_null());
	}
	return o;
}

int region_tree(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	json_t *byCode = NULL, *roots = NULL;
	char pat[REGION_PATTERN_MAX];
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_REGION_READ)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看区划");
		goto out;
	}
	region_like_pattern(a->region_path, pat, sizeof(pat));
	if ((rc = db_execv(c, &r, e, REGION_SELECT " WHERE r.path LIKE ? ORDER BY r.path", "s", pat)))
		goto out;
	byCode = json_object();
	roots = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = region_row(r, i);
		json_t *parent = db_val(r, i, 3) ? json_object_get(byCode, db_val(r, i, 3)) : NULL;
		json_object_set_new(o, "children", json_array());
		json_object_set(byCode, db_val(r, i, 0), o);
		if (parent)
			json_array_append_new(json_object_get(parent, "children"), o);
		else
			json_array_append_new(roots, o);
	}
	*out = json_pack("{s:o}", "regions", roots);
	roots = NULL;
out:
	json_decref(byCode);
	json_decref(roots);
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* Loads one region object with its direct children; c may be inside a transaction. */
static int load_region(struct db_conn *c, const char *code, json_t **out, struct err *e)
{
	struct db_res *r = NULL;
	json_t *o, *kids;
	int rc;

	if ((rc = db_execv(c, &r, e, REGION_SELECT " WHERE r.code = ?", "s", code)))
		return rc;
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, E_NOTFOUND, "not_found", "区划“%s”不存在", code);
	}
	o = region_row(r, 0);
	db_res_free(r);
	if ((rc = db_execv(c, &r, e, REGION_SELECT " WHERE r.parent_code = ? ORDER BY r.code", "s", code))) {
		json_decref(o);
		return rc;
	}
	kids = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(kids, region_row(r, i));
	json_object_set_new(o, "children", kids);
	db_res_free(r);
	*out = o;
	return 0;
}

int region_get(struct db *db, const struct actor *a, const char *code, char **out, struct err *e)
{
	struct cache *cache = db_cache(db, CACHE_REGIONS);
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	json_t *o = NULL, *wrap;
	char *text, *hit;
	size_t hitlen, plen;
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_REGION_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看区划");
	/* The cached value is the region's path, a NUL, and the reply's JSON. */
	if (cache_get(cache, code, (void **)&hit, &hitlen)) {
		plen = strlen(hit);
		if (!region_path_in_scope(a, hit)) {
			free(hit);
			return err_set(e, E_FORBIDDEN, "out_of_scope", "区划“%s”不在您的管理范围内", code);
		}
		*out = xstrdup(hit + plen + 1);
		free(hit);
		return 0;
	}
	c = db_acquire(db);
	db_params_init(&p);
	db_ps(&p, code);
	if ((rc = db_begin_read(c, e)) || (rc = region_scope(c, a, code, NULL, 0, e)) ||
	    (rc = load_region(c, code, &o, e)) ||
	    (rc = db_exec(c, "SELECT path FROM regions WHERE code = ?", &p, &r, e)))
		goto out;
	wrap = json_pack("{s:O}", "region", o);
	text = json_dumps(wrap, JSON_COMPACT);
	json_decref(wrap);
	{
		struct buf v = BUF_INIT_CAP(1u << 24);
		buf_adds(&v, db_val(r, 0, 0));
		buf_addc(&v, '\0');
		buf_adds(&v, text);
		if (!buf_failed(&v))
			cache_put(cache, code, v.data, v.len);
		buf_release(&v);
	}
	*out = text;
out:
	db_rollback(c);
	json_decref(o);
	db_res_free(r);
	db_release(db, c);
	return rc;
}

/* Every write to regions or units: cached reads are dropped. */
static void changed(struct db *db)
{
	cache_clear(db_cache(db, CACHE_REGIONS));
	settings_changed(db); /* a region's settings follow its path */
}

int region_insert(struct db_conn *c, const char *code, const char *parent, const char *name,
		  const char *level, struct err *e)
{
	struct db_res *r = NULL;
	char path[160];
	int rc;

	if (parent) {
		if ((rc = db_execv(c, &r, e, "SELECT path FROM regions WHERE code = ?", "s", parent)))
			return rc;
		if (r->nrows == 0) {
			db_res_free(r);
			return err_field(e, E_INVALID, "bad_parent", "parent_code",
					 "上级区划“%s”不存在", parent);
		}
		snprintf(path, sizeof(path), "%s%s/", db_val(r, 0, 0), code);
		db_res_free(r);
	} else {
		snprintf(path, sizeof(path), "/%s/", code);
	}
	rc = db_execv(c, NULL, e,
		      "INSERT INTO regions (code, parent_code, name, level, path, created_at, updated_at)"
		      " VALUES (?,?,?,?,?,?,?)",
		      "sssssii", code, parent, name, level, path, util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate"))
		rc = err_field(e, E_CONFLICT, "duplicate", "code", "区划代码“%s”已存在", code);
	return rc;
}

int region_insert_unit(struct db_conn *c, const char *code, const char *name, const char *kind,
		       const char *address, const char *phone, struct err *e)
{
	return db_execv(c, NULL, e,
			"INSERT INTO units (region_code, name, kind, address, phone, created_at, updated_at)"
			" VALUES (?,?,?,?,?,?,?)",
			"sssssii", code, name, kind, address ? address : "", phone ? phone : "",
			util_now(), util_now());
}

/* Locks the region's row until the transaction ends (regions are keyed by their code). A region
 * that does not exist is left to region_scope to report. */
static int lock_region(struct tx *t, const char *code)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT code FROM regions WHERE code = ?%s", db_lock_clause(t->c, 1));
	return tx_exec(t, NULL, sql, "s", code);
}

/* Locks region code, checks it is in t's actor's scope and loads it into *before: the start of a
 * write to one region. */
static int hold_region(struct tx *t, const char *code, json_t **before)
{
	if (lock_region(t, code) || tx_check(t, region_scope(t->c, t->a, code, NULL, 0, t->e)))
		return t->rc;
	return tx_check(t, load_region(t->c, code, before, t->e));
}

/* Only the system administrator keeps the regions and their units (what they keep: what); the
 * request's fields by spec, when it has a body. */
static int check_write(const struct actor *a, const char *what, json_t *in,
		       const struct jfield *spec, struct err *e)
{
	if (!role_can(a->role, PERM_REGION_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有系统管理员可以维护%s", what);
	return spec ? jsonx_check(in, spec, e) : 0;
}

int region_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"code", JF_STR, 1, 1, 32, "区划代码"}, /* the form is checked by region_check_code */
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "区划名称"},
		{"level", JF_STR, 1, 1, 16, "层级"},
		{"parent_code", JF_STR, 1, 1, 9, "上级区划"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	const char *code, *level, *parent;
	json_t *o = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_write(a, "区划", in, spec, e)))
		return rc;
	code = jsonx_str(in, "code");
	level = jsonx_str(in, "level");
	parent = jsonx_str(in, "parent_code");
	if (!util_one_of(level, levels))
		return err_field(e, E_INVALID, "bad_level", "level",
				 "层级应为 city、county、district、township、street 或 devzone");
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t))
		goto out;
	if ((rc = region_scope(t.c, a, parent, NULL, 0, e)) == E_NOTFOUND)
		rc = err_field(e, E_INVALID, "bad_parent", "parent_code", "上级区划“%s”不存在", parent);
	if (tx_check(&t, rc) || tx_exec(&t, &r, "SELECT level FROM regions WHERE code = ?", "s", parent) ||
	    tx_check(&t, region_check_code(code, level, parent, db_val(r, 0, 0), e)) ||
	    tx_check(&t, region_insert(t.c, code, parent, jsonx_str(in, "name"), level, e)) ||
	    tx_check(&t, load_region(t.c, code, &o, e)))
		goto out;
	tx_audit_s(&t, "region.create", "region", code, NULL, o);
out:
	db_res_free(r);
	if (!(rc = tx_end_reply(&t, "region", o, out))) {
		changed(db);
		words_add_place(jsonx_str(in, "name")); /* a word of the hot words from now on */
	}
	return rc;
}

int region_rename(struct db *db, const struct actor *a, const char *code, json_t *in, json_t **out,
		  struct err *e)
{
	static const struct jfield spec[] = {{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "区划名称"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int rc;

	*out = NULL;
	/* who, then which region, then what: a denied actor or a foreign region is refused
	 * whatever the body says */
	if ((rc = check_write(a, "区划", NULL, NULL, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (hold_region(&t, code, &before) || tx_check(&t, jsonx_check(in, spec, e)) ||
	    tx_exec(&t, NULL, "UPDATE regions SET name = ?, updated_at = ? WHERE code = ?", "sis",
		    jsonx_str(in, "name"), util_now(), code) ||
	    tx_check(&t, load_region(t.c, code, &after, e)))
		goto out;
	tx_audit_s(&t, "region.update", "region", code, before, after);
out:
	json_decref(before);
	if (!(rc = tx_end_reply(&t, "region", after, out))) {
		changed(db);
		words_add_place(jsonx_str(in, "name"));
	}
	return rc;
}

int region_delete(struct db *db, const struct actor *a, const char *code, struct err *e)
{
	static const char *const uses[][2] = {
		{"SELECT COUNT(*) FROM regions WHERE parent_code = ?", "下级区划"},
		{"SELECT COUNT(*) FROM units WHERE region_code = ?", "人大机构"},
		{"SELECT COUNT(*) FROM handlers WHERE region_code = ?", "承办单位"},
		{"SELECT COUNT(*) FROM accounts WHERE region_code = ?", "账号"},
	};
	struct tx t;
	struct db_res *r = NULL;
	json_t *before = NULL;
	int rc;

	if ((rc = check_write(a, "区划", NULL, NULL, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (hold_region(&t, code, &before) ||
	    (!strcmp(code, a->region_code) &&
	     tx_fail(&t, E_FORBIDDEN, "out_of_scope", "不能删除自己所属的区划")))
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(uses); i++) {
		if (tx_exec(&t, &r, uses[i][0], "s", code) ||
		    (db_int(r, 0, 0) > 0 &&
		     tx_fail(&t, E_CONFLICT, "in_use", "该区划下还有%s，不能删除", uses[i][1])))
			goto out;
		db_res_free(r);
		r = NULL;
	}
	tx_exec(&t, NULL, "DELETE FROM regions WHERE code = ?", "s", code);
	tx_audit_s(&t, "region.delete", "region", code, before, NULL);
out:
	if (!(rc = tx_end(&t)))
		changed(db);
	json_decref(before);
	db_res_free(r);
	return rc;
}

int region_set_unit(struct db *db, const struct actor *a, const char *code, json_t *in,
		    json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"name", JF_STR, 1, 1, LIMIT_NAME_CHARS, "机构名称"},
		{"kind", JF_STR, 1, 1, 32, "机构类型"},
		{"address", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "地址"},
		{"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "电话"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	json_t *before = NULL, *after = NULL;
	const char *kind, *name, *address, *phone, *want;
	int rc;

	*out = NULL;
	if ((rc = check_write(a, "人大机构", NULL, NULL, e)))
		return rc;
	/* The region's lock also orders two first saves of its unit (update, else insert); the
	 * region is in scope before the body is read. */
	tx_begin(&t, db, a, e);
	if (hold_region(&t, code, &before) || tx_check(&t, jsonx_check(in, spec, e)) ||
	    tx_check(&t, jsonx_phone(in, "phone", "电话", e)))
		goto out;
	kind = jsonx_str(in, "kind");
	name = jsonx_str(in, "name");
	address = jsonx_str_or(in, "address", "");
	phone = jsonx_str_or(in, "phone", "");
	want = unit_kind_for(jsonx_str(before, "level"));
	if ((strcmp(kind, want) &&
	     tx_fail_field(&t, E_INVALID, "bad_kind", "kind", "该层级的人大机构类型应为%s", want)) ||
	    tx_exec(&t, NULL,
		    "UPDATE units SET name = ?, kind = ?, address = ?, phone = ?, updated_at = ?"
		    " WHERE region_code = ?",
		    "ssssis", name, kind, address, phone, util_now(), code) ||
	    (db_changes(t.c) == 0 &&
	     tx_check(&t, region_insert_unit(t.c, code, name, kind, address, phone, e))) ||
	    tx_check(&t, load_region(t.c, code, &after, e)))
		goto out;
	tx_audit_s(&t, "unit.save", "unit", code, json_object_get(before, "unit"),
		   json_object_get(after, "unit"));
out:
	if (!(rc = tx_end(&t))) {
		changed(db);
		*out = json_pack("{s:O}", "unit", json_object_get(after, "unit"));
	}
	json_decref(before);
	json_decref(after);
	return rc;
}

const char *region_unit_kind_for(const char *level)
{
	return unit_kind_for(level);
}
