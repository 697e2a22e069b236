/* Unit tests of the deputy registry: validation, status history, the roster at a past date,
 * composition statistics, personal data at rest. */
#include "fixture.h"
#include "deputy.h"
#include "deputy_io.h"
#include "region.h"

static struct actor staff(void)
{
	struct actor a = {0};
	a.account_id = 1;
	snprintf(a.username, sizeof(a.username), "t");
	snprintf(a.role, sizeof(a.role), "county_staff");
	snprintf(a.region_code, sizeof(a.region_code), "329981");
	snprintf(a.region_path, sizeof(a.region_path), "/329900/329981/");
	return a;
}

/* A valid ID number for a birth date and gender (the check digit computed here). */
static void make_id(const char *birth, int male, int seq, char out[19])
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	snprintf(out, 19, "329981%.4s%.2s%.2s%02d%d", birth, birth + 5, birth + 8, seq % 100, male ? 1 : 2);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static void id_numbers(void **state)
{
	char id[19];
	struct err e = {0};
	(void)state;
	make_id("1980-05-06", 1, 7, id);
	assert_int_equal(deputy_check_id_number(id, "1980-05-06", "male", &e), 0);
	assert_int_equal(deputy_check_id_number(id, NULL, NULL, &e), 0);
	assert_int_equal(deputy_check_id_number(id, "1980-05-07", "male", &e), E_INVALID); /* birth differs */
	assert_int_equal(deputy_check_id_number(id, "1980-05-06", "female", &e), E_INVALID); /* gender differs */
	id[17] = id[17] == '0' ? '1' : '0';
	assert_int_equal(deputy_check_id_number(id, NULL, NULL, &e), E_INVALID); /* check digit */
	assert_non_null(strstr(e.msg, "校验位"));
	assert_int_equal(deputy_check_id_number("12345", NULL, NULL, &e), E_INVALID);
	/* 11010519491231002X is the standard's own example, with an X check digit */
	assert_int_equal(deputy_check_id_number("11010519491231002X", "1949-12-31", "female", &e), 0);
	assert_int_equal(deputy_check_id_number("11010519491231002x", NULL, NULL, &e), 0);
}

static json_t *person(const char *name, const char *birth, const char *id, const char *started)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i, s:s, s:s}}",
			 "name", name, "gender", "male", "ethnicity", "汉族", "birth_date", birth,
			 "party", "群众", "occupation", "farmer", "phone", "13912345678",
			 "id_number", id, "region_code", "329981103", "mandate", "level",
			 "township", "term", 18, "region_code", "329981103", "started_on", started);
}

static void validation(void **state)
{
	static const struct {
		const char *field, *value, *code;
	} bad[] = {
		{"birth_date", "2023-02-29", "bad_date"},
		{"birth_date", "2015-01-01", "too_young"},
		{"gender", "m", "bad_gender"},
		{"ethnicity", "火星族", "bad_ethnicity"},
		{"party", "某党", "bad_party"},
		{"occupation", "farmer2", "bad_occupation"},
		{"phone", "1391234567", "bad_phone"},
		{"phone", "abc", "bad_phone"},
	};
	char id[19];
	struct err e = {0};
	(void)state;
	make_id("1970-01-02", 1, 1, id);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *p = person("甲", "1970-01-02", "", "2021-11-20");
		json_object_set_new(p, bad[i].field, json_string(bad[i].value));
		assert_int_equal(deputy_check_person(p, 0, &e), E_INVALID);
		assert_string_equal(e.code, bad[i].code);
		json_decref(p);
	}
	json_t *p = person("甲", "1970-01-02", id, "2099-01-01");
	assert_int_equal(deputy_check_person(p, 0, &e), E_INVALID);
	assert_string_equal(e.field, "mandate.started_on");
	json_decref(p);
	p = person("甲", "1970-01-02", id, "2021-11-20");
	assert_int_equal(deputy_check_person(p, 0, &e), 0);
	json_object_del(p, "name");
	assert_int_equal(deputy_check_person(p, 0, &e), E_INVALID); /* required on create */
	json_object_del(p, "mandate");
	assert_int_equal(deputy_check_person(p, 1, &e), 0); /* not on update */
	json_decref(p);
}

static int64_t add(struct fixture *f, const struct actor *a, const char *name, const char *birth,
		   int seq, const char *started)
{
	char id[19];
	json_t *p, *out = NULL;
	struct err e = {0};
	int64_t n;
	make_id(birth, 1, seq, id);
	p = person(name, birth, id, started);
	assert_int_equal(deputy_create(f->db, a, p, &out, &e), 0);
	n = json_integer_value(json_object_get(json_object_get(out, "deputy"), "id"));
	json_decref(p);
	json_decref(out);
	return n;
}

static int64_t mandate_of(struct fixture *f, int64_t deputy)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT MAX(id) FROM mandates WHERE deputy_id = %lld", (long long)deputy);
	return fixture_count(f, sql);
}

static void roster_at_a_past_date(void **state)
{
	static const char *const dates[] = {"2022-02-28", "2022-03-01", "2023-06-29",
					    "2023-06-30", "2024-01-14", "2024-01-15"};
	static const int added[] = {0, 3, 3,
				    2, 2, 1}; /* of the three new deputies, on the roster */
	struct fixture *f = fixture_open(1);
	struct actor a = staff();
	struct db_conn *c;
	struct err e = {0};
	json_t *in, *out = NULL;
	int64_t base[6], n, d1, d2, d3;
	(void)state;

	c = db_acquire(f->db);
	assert_int_equal(deputy_roster_count(c, "329981103", "township", 18, "2020-01-01", &n, &e), 0);
	assert_int_equal(n, 0); /* the demo's term began 2021-11-20 */
	for (int i = 0; i < 6; i++)
		assert_int_equal(
			deputy_roster_count(c, "329981103", "township", 18, dates[i], &base[i], &e), 0);
	db_release(f->db, c);
	d1 = add(f, &a, "甲", "1970-01-02", 1, "2022-03-01");
	d2 = add(f, &a, "乙", "1971-01-02", 2, "2022-03-01");
	d3 = add(f, &a, "丙", "1972-01-02", 3, "2022-03-01");
	/* 乙 resigns on 2023-06-30; 丙 dies on 2024-01-15 */
	in = json_pack("{s:s, s:s, s:s}", "kind", "resigned", "happened_on", "2023-06-30",
		       "document", "辞职公告");
	assert_int_equal(deputy_mandate_event(f->db, &a, mandate_of(f, d2), in, &out, &e), 0);
	json_decref(out);
	/* a second change of an ended mandate is refused */
	assert_int_equal(deputy_mandate_event(f->db, &a, mandate_of(f, d2), in, &out, &e), E_CONFLICT);
	json_decref(in);
	in = json_pack("{s:s, s:s}", "kind", "deceased", "happened_on", "2024-01-15");
	assert_int_equal(deputy_mandate_event(f->db, &a, mandate_of(f, d3), in, &out, &e), 0);
	json_decref(out);
	json_decref(in);
	/* an event before the mandate began is refused */
	in = json_pack("{s:s, s:s}", "kind", "resigned", "happened_on", "2022-02-01");
	assert_int_equal(deputy_mandate_event(f->db, &a, mandate_of(f, d1), in, &out, &e), E_INVALID);
	json_decref(in);

	c = db_acquire(f->db);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(deputy_roster_count(c, "329981103", "township", 18, dates[i], &n, &e), 0);
		assert_int_equal(n, base[i] + added[i]);
	}
	db_release(f->db, c);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM mandate_events WHERE kind = 'deceased'"
					  " AND happened_on = '2024-01-15'"),
			 1);
	fixture_close(f);
}

static void personal_data_at_rest(void **state)
{
	struct fixture *f = fixture_open(0);
	struct actor a = staff();
	struct db_conn *c;
	struct err e = {0};
	(void)state;
	c = db_acquire(f->db);
	assert_int_equal(region_insert(c, "329900", NULL, "示范市", "city", &e), 0);
	assert_int_equal(region_insert(c, "329981", "329900", "清河市", "county", &e), 0);
	assert_int_equal(region_insert(c, "329981103", "329981", "某镇", "township", &e), 0);
	db_release(f->db, c);
	add(f, &a, "甲", "1970-01-02", 1, "2022-03-01");
	/* the phone and the ID number are not stored in the clear anywhere in the row */
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies WHERE phone_enc LIKE '%13912345678%'"
					  " OR id_number_enc LIKE '%329981%' OR id_number_idx LIKE '%329981%'"),
			 0);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies WHERE phone_enc LIKE 's1:%'"), 1);
	/* the same ID number again is a duplicate */
	{
		char id[19];
		json_t *p, *out = NULL;
		make_id("1970-01-02", 1, 1, id);
		p = person("乙", "1970-01-02", id, "2022-03-01");
		assert_int_equal(deputy_create(f->db, &a, p, &out, &e), E_CONFLICT);
		assert_string_equal(e.code, "duplicate_id_number");
		json_decref(p);
	}
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies"), 1);
	fixture_close(f);
}

static void stats_match_lists(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = staff();
	struct deputy_filter flt = {0};
	struct listq q = {1, 1, NULL, NULL};
	struct err e = {0};
	json_t *st = NULL, *list = NULL, *o;
	int64_t total, bands = 0;
	size_t i;
	(void)state;
	assert_int_equal(deputy_stats(f->db, &a, &flt, &st, &e), 0);
	o = json_object_get(st, "stats");
	total = json_integer_value(json_object_get(o, "total"));
	assert_true(total > 0);
	json_array_foreach(json_object_get(o, "age_bands"), i, list)
		bands += json_integer_value(json_object_get(list, "count"));
	assert_int_equal(bands, total);
	assert_int_equal(deputy_list(f->db, &a, &flt, &q, &list, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), total);
	json_decref(list);
	flt.gender = "female";
	assert_int_equal(deputy_list(f->db, &a, &flt, &q, &list, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")),
			 json_integer_value(json_object_get(json_object_get(o, "counts"), "women")));
	json_decref(list);
	json_decref(st);
	fixture_close(f);
}

/* An export lists the whole roster in one page: its id lists must not be cut off by a buffer
 * sized for a screen's page (more than a thousand ids did not fit). */
static void whole_roster_in_one_page(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = staff();
	struct deputy_filter flt = {0};
	struct listq q = {1, 200000, NULL, "name"};
	struct db_conn *c;
	struct err e = {0};
	json_t *list = NULL;
	int64_t before;
	(void)state;
	before = fixture_count(f, "SELECT COUNT(*) FROM deputies WHERE active_levels > 0 AND region_path LIKE '/329900/329981/%'");
	c = db_acquire(f->db);
	assert_int_equal(
		db_exec(c,
			"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
			" INSERT INTO deputies (name, gender, ethnicity, birth_date, party, occupation, region_code,"
			" region_path, active_levels, created_at, updated_at) SELECT '代表' || i, 'male', '汉族',"
			" '1970-01-01', '群众', 'farmer', '329981101', '/329900/329981/329981101/', 1, 0, 0 FROM n",
			NULL, NULL, &e),
		0);
	db_release(f->db, c);
	assert_int_equal(deputy_list(f->db, &a, &flt, &q, &list, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), before + 2000);
	assert_int_equal(json_array_size(json_object_get(list, "items")), before + 2000);
	json_decref(list);
	fixture_close(f);
}

static void import_all_or_nothing(void **state)
{
	struct fixture *f = fixture_open(1);
	struct actor a = staff();
	struct err e = {0};
	json_t *pv = NULL, *done = NULL;
	char id1[19], id2[19], csv[2048];
	int64_t before = fixture_count(f, "SELECT COUNT(*) FROM deputies");
	(void)state;
	make_id("1981-02-03", 1, 41, id1);
	make_id("1982-02-03", 1, 42, id2);
	snprintf(csv, sizeof(csv),
		 "姓名,性别,民族,出生日期,政治面貌,代表构成类别,身份证号码,所属区划代码,代表层级,届次,人大所在区划代码,当选日期\n"
		 "甲,男,汉族,1981/2/3,群众,农民,%s,329981104,乡镇,18,329981104,2022-01-05\n"
		 "乙,男,汉族,1982-02-03,群众,工人,%s,329981104,乡镇,18,329981104,2022-01-05\n"
		 "丙,男,汉族,1983-02-03,群众,工人,%s,329981104,乡镇,18,329981104,2022-01-05\n",
		 id1, id2, id2);
	/* the third row repeats the second's ID number: nothing may be imported */
	assert_int_equal(deputy_io_preview(f->db, &a, csv, strlen(csv), NULL, &pv, &e), 0);
	{
		json_t *p = json_object_get(pv, "preview");
		assert_true(json_is_null(json_object_get(p, "import_id")));
		assert_int_equal(json_integer_value(json_object_get(p, "total")), 3);
		assert_int_equal(json_integer_value(json_object_get(p, "valid")), 2);
		assert_int_equal(json_integer_value(json_object_get(
					 json_array_get(json_object_get(p, "errors"), 0), "row")),
				 4);
	}
	json_decref(pv);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies"), before);
	/* fixed: the two rows go in together */
	*strrchr(csv, '\n') = '\0';
	*(strrchr(csv, '\n') + 1) = '\0';
	assert_int_equal(deputy_io_preview(f->db, &a, csv, strlen(csv), NULL, &pv, &e), 0);
	assert_true(json_is_integer(json_object_get(json_object_get(pv, "preview"), "import_id")));
	assert_int_equal(
		deputy_io_confirm(f->db, &a,
				  json_integer_value(json_object_get(json_object_get(pv, "preview"), "import_id")),
				  NULL, &done, &e),
		0);
	assert_int_equal(json_integer_value(json_object_get(done, "imported")), 2);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies"), before + 2);
	assert_int_equal(fixture_count(f, "SELECT COUNT(*) FROM deputies WHERE birth_date = '1981-02-03'"), 1);
	json_decref(pv);
	json_decref(done);
	fixture_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_numbers),
		cmocka_unit_test(validation),
		cmocka_unit_test(roster_at_a_past_date),
		cmocka_unit_test(personal_data_at_rest),
		cmocka_unit_test(stats_match_lists),
		cmocka_unit_test(whole_roster_in_one_page),
		cmocka_unit_test(import_all_or_nothing),
	};
	return cmocka_run_group_tests_name("deputy", tests, NULL, NULL);
}
