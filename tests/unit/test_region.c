/* Unit tests of the region tree: code rules, scope, transactions and audit. */
#include "fixture.h"
#include "audit.h"
#include "handler.h"
#include "region.h"

static struct actor actor_for(const char *role, const char *code, const char *path)
{
	struct actor a = {0};
	a.account_id = 1;
	snprintf(a.username, sizeof(a.username), "t");
	snprintf(a.role, sizeof(a.role), "%s", role);
	snprintf(a.region_code, sizeof(a.region_code), "%s", code);
	snprintf(a.region_path, sizeof(a.region_path), "%s", path);
	snprintf(a.client_addr, sizeof(a.client_addr), "127.0.0.1");
	return a;
}

static void code_rules(void **state)
{
	struct err e = {0};
	(void)state;
	assert_int_equal(region_check_code("329981120", "township", "329981", "county", &e), 0);
	assert_int_equal(region_check_code("329983", "county", "329900", "city", &e), 0);
	assert_int_equal(region_check_code("32998112", "township", "329981", "county", &e), E_INVALID);
	assert_int_equal(region_check_code("329982120", "township", "329981", "county", &e), E_INVALID);
	assert_int_equal(region_check_code("329981000", "township", "329981", "county", &e), E_INVALID);
	assert_int_equal(region_check_code("339981", "county", "329900", "city", &e), E_INVALID);
	assert_int_equal(region_check_code("329900", "county", "329900", "city", &e), E_INVALID);
	assert_int_equal(region_check_code("329981120", "township", "329900", "city", &e), E_INVALID);
	assert_string_equal(e.code, "bad_level");
	assert_int_equal(region_check_code("3299a1", "county", NULL, NULL, &e), E_INVALID);
}

static void like_pattern(void **state)
{
	char pat[REGION_PATTERN_MAX], small[8];
	(void)state;
	assert_string_equal(region_like_pattern("/329900/329981/", pat, sizeof(pat)), "/329900/329981/%");
	assert_string_equal(region_like_pattern("/", pat, sizeof(pat)), "/%");
	/* a path that does not fit matches nothing rather than a wider subtree */
	assert_string_equal(region_like_pattern("/329900/", small, sizeof(small)), "");
	assert_string_equal(region_like_pattern("/3299/", small, sizeof(small)), "/3299/%"); /* 8 bytes exactly */
}

static void scope(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = actor_for("county_staff", "329981", "/329900/329981/");
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	json_t *out = NULL;
	(void)state;

	assert_int_equal(region_scope(c, &county, "329981101", NULL, 0, &e), 0);
	assert_int_equal(region_scope(c, &county, "329902", NULL, 0, &e), E_FORBIDDEN);
	assert_string_equal(e.code, "out_of_scope");
	assert_int_equal(region_scope(c, &county, "329999", NULL, 0, &e), E_NOTFOUND);
	/* a list's region filter: none gives the actor's subtree, one gives its own path */
	{
		char path[160];
		assert_int_equal(region_filter_path(c, &county, NULL, path, sizeof(path), &e), 0);
		assert_string_equal(path, "/329900/329981/");
		assert_int_equal(region_filter_path(c, &county, "", path, sizeof(path), &e), 0);
		assert_string_equal(path, "/329900/329981/");
		assert_int_equal(region_filter_path(c, &county, "329981101", path, sizeof(path), &e), 0);
		assert_string_equal(path, "/329900/329981/329981101/");
		assert_int_equal(region_filter_path(c, &county, "329902", path, sizeof(path), &e), E_FORBIDDEN);
		assert_string_equal(e.code, "out_of_scope");
	}
	db_release(f->db, c);

	assert_int_equal(region_tree(f->db, &county, &out, &e), 0);
	json_t *roots = json_object_get(out, "regions");
	assert_int_equal(json_array_size(roots), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(roots, 0), "code")), "329981");
	assert_int_equal(json_array_size(json_object_get(json_array_get(roots, 0), "children")), 6);
	json_decref(out);
	fixture_close(f);
}

static void create_is_atomic_and_audited(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor admin = actor_for("sysadmin", "329900", "/329900/");
	struct actor county = actor_for("county_staff", "329981", "/329900/329981/");
	struct err e = {0};
	json_t *in, *out = NULL;
	int64_t before = fixture_count(f, "SELECT COUNT(*) FROM regions");
	(void)state;

	in = json_pack("{s:s, s:s, s:s, s:s}", "code", "329981120", "name", "新河镇", "level",
		       "township", "parent_code", "329981");
	assert_int_equal(region_create(f->db, &county, in, &out, &e), E_FORBIDDEN);
	assert_int_equal(region_create(f->db, &admin, in, &out, &e), 0);
	json_decref(out);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), before + 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'region.create'"
					  " AND object_id = '329981120' AND after IS NOT NULL"),
			 1);
	/* the same code again: refused, nothing added, nothing audited */
	assert_int_equal(region_create(f->db, &admin, in, &out, &e), E_CONFLICT);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), before + 1);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE action = 'region.create'"), 1);
	json_decref(in);

	/* a region with handling units cannot be deleted; an empty leaf can */
	assert_int_equal(region_delete(f->db, &admin, "329981101", &e), E_CONFLICT);
	assert_string_equal(e.code, "in_use");
	assert_int_equal(region_delete(f->db, &admin, "329981120", &e), 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM regions"), before);
	fixture_close(f);
}

static void audit_is_append_only(void **state)
{
	struct fixture *f = fixture_open(1);
	struct db_conn *c = db_acquire(f->db);
	struct actor admin = actor_for("sysadmin", "329900", "/329900/");
	struct err e = {0};
	(void)state;
	assert_int_equal(audit_write(c, &admin, "test.write", "region", "329900", NULL, NULL, &e), 0);
	assert_int_not_equal(db_exec(c, "UPDATE audit SET actor = 'x'", NULL, NULL, &e), 0);
	assert_int_not_equal(db_exec(c, "DELETE FROM audit", NULL, NULL, &e), 0);
	db_release(f->db, c);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM audit WHERE actor = 't'"), 1);
	fixture_close(f);
}

static void handler_scope_hides_existence(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor county = actor_for("county_staff", "329981", "/329900/329981/");
	struct actor city = actor_for("city_staff", "329900", "/329900/");
	struct err e = {0};
	json_t *out = NULL;
	struct listq q = {1, 100, NULL, NULL};
	int64_t other;
	(void)state;

	other = fixture_count(f, "SELECT MIN(id) FROM handlers WHERE region_code = '329902'");
	assert_int_equal(handler_get(f->db, &county, other, &out, &e), E_NOTFOUND);
	assert_int_equal(handler_get(f->db, &city, other, &out, &e), 0);
	json_decref(out);
	assert_int_equal(handler_list(f->db, &county, NULL, -1, &q, &out, &e), 0);
	json_t *items = json_object_get(out, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(strncmp(json_string_value(json_object_get(json_array_get(items, i), "region_code")),
					 "329981", 6),
				 0);
	json_decref(out);
	assert_int_equal(handler_list(f->db, &county, "329902", -1, &q, &out, &e), E_FORBIDDEN);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_rules),
		cmocka_unit_test(like_pattern),
		cmocka_unit_test(scope),
		cmocka_unit_test(create_is_atomic_and_audited),
		cmocka_unit_test(audit_is_append_only),
		cmocka_unit_test(handler_scope_hides_existence),
	};
	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
