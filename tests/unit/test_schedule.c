/* Unit tests of dates and reception schedules: recurrence → concrete dates, month ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "calendar.h"
#include "schedule.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(cal_parse(s, &d), 0);
	return d;
}

static void dates(void **state)
{
	int32_t d;
	char out[11];
	(void)state;
	assert_int_equal(cal_parse("2024-02-29", &d), 0);
	assert_int_equal(cal_parse("2023-02-29", &d), -1);
	assert_int_equal(cal_parse("2024-04-31", &d), -1);
	assert_int_equal(cal_parse("2024-4-01", &d), -1);
	assert_int_equal(cal_parse("1899-12-31", &d), -1);
	cal_format(D("2000-02-29"), out);
	assert_string_equal(out, "2000-02-29");
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(cal_weekday(D("2024-10-01")), 2); /* a Tuesday */
	assert_int_equal(cal_weekday(D("2026-11-29")), 7); /* a Sunday */
	assert_int_equal(cal_years_between(D("1990-03-15"), D("2026-03-14")), 35);
	assert_int_equal(cal_years_between(D("1990-03-15"), D("2026-03-15")), 36);
	assert_int_equal(cal_days_in_month(2100, 2), 28);
	assert_int_equal(cal_days_in_month(2000, 2), 29);
}

static void monthly_day_clamps_to_month_end(void **state)
{
	struct rule r = {RULE_MONTHLY_DAY, 31, 0, 0, 0, "09:00", "11:30"};
	struct reception out[16];
	char s[11];
	size_t n;
	(void)state;
	n = schedule_expand(&r, 1, D("2024-01-01"), D("2024-06-30"), out, 16);
	assert_int_equal(n, 6);
	const char *want[] = {"2024-01-31", "2024-02-29", "2024-03-31",
			      "2024-04-30", "2024-05-31", "2024-06-30"};
	for (size_t i = 0; i < n; i++) {
		cal_format(out[i].date, s);
		assert_string_equal(s, want[i]);
		assert_string_equal(out[i].start, "09:00");
	}
	r.day = -1; /* "the last day" gives the same */
	assert_int_equal(schedule_expand(&r, 1, D("2023-02-01"), D("2023-02-28"), out, 16), 1);
	cal_format(out[0].date, s);
	assert_string_equal(s, "2023-02-28");
	r.day = 10;
	assert_int_equal(schedule_expand(&r, 1, D("2024-01-11"), D("2024-12-31"), out, 16), 11);
}

static void nth_and_last_weekday(void **state)
{
	struct rule second_tue = {RULE_MONTHLY_WEEKDAY, 0, 2, 2, 0, "14:30", "17:00"};
	struct rule last_fri = {RULE_MONTHLY_WEEKDAY, 0, -1, 5, 0, "09:00", "11:00"};
	struct rule fifth_mon = {RULE_MONTHLY_WEEKDAY, 0, 5, 1, 0, "09:00", "11:00"};
	struct reception out[16];
	char s[11];
	(void)state;
	assert_int_equal(schedule_expand(&second_tue, 1, D("2024-10-01"), D("2024-10-31"), out, 16), 1);
	cal_format(out[0].date, s);
	assert_string_equal(s, "2024-10-08");
	assert_int_equal(schedule_expand(&last_fri, 1, D("2024-02-01"), D("2024-02-29"), out, 16), 1);
	cal_format(out[0].date, s);
	assert_string_equal(s, "2024-02-23");
	/* September 2024 has five Mondays, October four */
	assert_int_equal(schedule_expand(&fifth_mon, 1, D("2024-09-01"), D("2024-10-31"), out, 16), 1);
	cal_format(out[0].date, s);
	assert_string_equal(s, "2024-09-30");
}

static void weekly_once_and_cancel(void **state)
{
	struct rule rules[] = {
		{RULE_WEEKLY, 0, 0, 2, 0, "14:00", "17:00"},
		{RULE_ONCE, 0, 0, 0, 0, "09:00", "12:00"},
		{RULE_CANCEL, 0, 0, 0, 0, "", ""},
		{RULE_MONTHLY_DAY, 1, 0, 0, 0, "08:30", "11:30"},
	};
	struct reception out[16];
	char s[11];
	size_t n;
	(void)state;
	rules[1].date = D("2024-10-12");
	rules[2].date = D("2024-10-15");
	n = schedule_expand(rules, 4, D("2024-10-01"), D("2024-10-31"), out, 16);
	/* Tuesdays 1, 8, 22, 29 (15 cancelled), the 12th once; the 1st is a Tuesday and the
	 * monthly rule too: one reception, the earlier start */
	assert_int_equal(n, 5);
	cal_format(out[0].date, s);
	assert_string_equal(s, "2024-10-01");
	assert_string_equal(out[0].start, "08:30");
	cal_format(out[2].date, s);
	assert_string_equal(s, "2024-10-12");
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(out[i].date, D("2024-10-15"));
	/* the output cap holds */
	assert_int_equal(schedule_expand(rules, 4, D("2024-01-01"), D("2030-12-31"), out, 3), 3);
}

static void times(void **state)
{
	(void)state;
	assert_true(schedule_time_ok("09:30"));
	assert_true(schedule_time_ok("23:59"));
	assert_false(schedule_time_ok("24:00"));
	assert_false(schedule_time_ok("9:30"));
	assert_false(schedule_time_ok("09:60"));
	assert_int_equal(schedule_kind("weekly"), RULE_WEEKLY);
	assert_int_equal(schedule_kind("daily"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(monthly_day_clamps_to_month_end),
		cmocka_unit_test(nth_and_last_weekday),
		cmocka_unit_test(weekly_once_and_cancel),
		cmocka_unit_test(times),
	};
	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
