/* Unit tests of supervision (DOMAIN §6): the timeline of a report's documents at each boundary,
 * the days read from the settings (one day short warned, exactly the days not), and the order of
 * the dates named by the field that breaks it. */
#include "calendar.h"
#include "fixture.h"
#include "settings.h"
#include "supervision.h"

static int setting(struct fixture *f, const char *key)
{
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	int v = -1;
	assert_int_equal(settings_int(c, "/329900/329981/329981101/", key, &v, &e), 0);
	db_release(f->db, c);
	return v;
}

static void timeline_boundaries(void **state)
{
	struct fixture *f = fixture_open(1);
	const struct supervision_days need = {setting(f, "supervision.draft_days"),
					      setting(f, "supervision.final_days"),
					      setting(f, "supervision.members_days")};
	const int32_t m = cal_from_ymd(2026, 10, 31);
	(void)state;
	fixture_close(f);
	assert_true(need.draft > need.final && need.final > need.members && need.members > 0);
	/* each document alone on its boundary, the others long before */
	for (int k = 0; k < 3; k++) {
		const int n = k == 0 ? need.draft : k == 1 ? need.final : need.members;
		const unsigned bit = k == 0   ? SUPERVISION_LATE_DRAFT
				     : k == 1 ? SUPERVISION_LATE_FINAL
					      : SUPERVISION_LATE_MEMBERS;
		struct supervision_dates d = {m - 60, m - 50, m - 40, m};
		int32_t *on = k == 0 ? &d.draft : k == 1 ? &d.final : &d.members;
		*on = m - n;
		if (k < 2)
			d.members = m - n; /* keep the order: the later ones on the same day */
		if (k < 1)
			d.final = m - n;
		assert_int_equal(supervision_late(&d, &need), 0);
		*on = m - (n - 1);
		if (k < 2)
			d.members = m - (n - 1);
		if (k < 1)
			d.final = m - (n - 1);
		assert_int_equal(supervision_late(&d, &need), bit);
	}
	/* no meeting date: nothing to be late for; an unset document is not late */
	{
		struct supervision_dates d = {m - 1, m - 1, m - 1, 0}, e2 = {0, 0, 0, m};
		assert_int_equal(supervision_late(&d, &need), 0);
		assert_int_equal(supervision_late(&e2, &need), 0);
	}
}

static void date_order(void **state)
{
	const int32_t m = cal_from_ymd(2026, 10, 31);
	struct supervision_dates d = {m - 30, m - 20, m - 10, m};
	(void)state;
	assert_null(supervision_dates_disorder(&d));
	d.final = m - 31;
	assert_string_equal(supervision_dates_disorder(&d), "final_on");
	d.final = m - 20;
	d.members = m + 1;
	assert_string_equal(supervision_dates_disorder(&d), "meeting_on");
	d.members = 0; /* an unset date is skipped */
	d.final = m - 40;
	assert_string_equal(supervision_dates_disorder(&d), "final_on");
	d.draft = 0;
	assert_null(supervision_dates_disorder(&d));
	d.draft = m - 20; /* the same day twice is in order */
	d.final = m - 20;
	assert_null(supervision_dates_disorder(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timeline_boundaries),
		cmocka_unit_test(date_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
