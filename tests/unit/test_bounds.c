/* test_bounds: the edges of the pure rule functions that `make mutants` changes (tests/mutants.list):
 * the smallest meeting and rule, fractions that divide unevenly, guards against a zero
 * denominator, and a working-day count whose first day is worked. The everyday cases are in
 * test_meeting and test_text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "calendar.h"
#include "tally.h"

#define ALL ((struct tally_rule){1, 1, 0})  /* every member */
#define NONE ((struct tally_rule){0, 0, 0}) /* no rule at all: a zero denominator */

static void quorum(void **state)
{
	(void)state;
	assert_true(tally_quorum(1, 1, 1, 2)); /* a meeting of one */
	assert_false(tally_quorum(0, 1, 1, 2));
	assert_true(tally_quorum(10, 10, 1, 1)); /* all members must be present */
	assert_false(tally_quorum(9, 10, 1, 1));
	assert_false(tally_quorum(0, 0, 2, 3)); /* no members: no quorum */
	assert_false(tally_quorum(0, 1, 0, 0)); /* a zero denominator is never a quorum */
	assert_false(tally_quorum(5, -1, 1, 2));

	assert_int_equal(tally_quorum_needed(10, 1, 3), 4); /* 3.33 → 4 */
	assert_int_equal(tally_quorum_needed(9, 1, 3), 3);
	assert_int_equal(tally_quorum_needed(10, 1, 1), 10);
	assert_int_equal(tally_quorum_needed(10, 2, 0), 0);
}

static void passing(void **state)
{
	(void)state;
	assert_true(tally_passes(1, 1, TALLY_HALF)); /* one of one */
	assert_false(tally_passes(0, 1, TALLY_HALF));
	assert_true(tally_passes(5, 5, ALL));
	assert_false(tally_passes(4, 5, ALL));
	assert_false(tally_passes(1, 2, TALLY_HALF)); /* half is not more than half */
	assert_false(tally_passes(1, 0, TALLY_HALF)); /* a base of 0 never passes */
	assert_false(tally_passes(1, 1, NONE));
	assert_false(tally_passes(1, -1, TALLY_HALF));

	assert_int_equal(tally_needed(2, TALLY_HALF), 2);       /* more than half of 2 */
	assert_int_equal(tally_needed(5, TALLY_TWO_THIRDS), 4); /* 3.33 → 4 */
	assert_int_equal(tally_needed(6, TALLY_TWO_THIRDS), 4);
	assert_int_equal(tally_needed(0, TALLY_TWO_THIRDS), 1); /* a base of 0: one vote, never enough */
	assert_int_equal(tally_needed(5, ALL), 5);
	assert_int_equal(tally_needed(5, NONE), 1);
}

static void working_days(void **state)
{
	int32_t mon, tue, fri;
	struct workcal w = {0};
	(void)state;
	assert_int_equal(cal_parse("2025-10-13", &mon), 0);
	assert_int_equal(cal_parse("2025-10-14", &tue), 0);
	assert_int_equal(cal_parse("2025-10-17", &fri), 0);
	/* counted from the day after the first: Monday to Tuesday is one working day */
	assert_int_equal(cal_workdays_between(NULL, mon, tue), 1);
	assert_int_equal(cal_workdays_between(NULL, mon, fri), 4);
	assert_int_equal(cal_workdays_between(NULL, mon, mon), 0);
	assert_int_equal(cal_add_workdays(NULL, mon, 1), tue);
	assert_int_equal(cal_add_workdays(NULL, fri, 1), fri + 3); /* over the weekend */
	w.holidays = &tue;
	w.nholidays = 1;
	assert_false(cal_is_workday(&w, tue)); /* a Tuesday off */
	assert_int_equal(cal_workdays_between(&w, mon, fri), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quorum),
		cmocka_unit_test(passing),
		cmocka_unit_test(working_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
