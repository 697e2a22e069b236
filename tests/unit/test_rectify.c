/* Unit tests of rectification's rules: the yellow warning on its boundary (warn_days days before
 * the deadline warned, one more not; the deadline day itself warned, the day after overdue), no
 * warning once the unit claims it done, and the state machine: to do → in progress → claimed →
 * verified, reopened from claimed or verified back to in progress, nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rectify.h"
#include "settings.h"

static int setting(const char *key)
{
	const struct setting_def *d = settings_defs;
	while (d->key && strcmp(d->key, key))
		d++;
	if (!d->key)
		fail_msg("no setting %s", key);
	assert_true(d->min <= d->dflt && d->dflt <= d->max);
	return d->dflt;
}

static void due_boundary(void **state)
{
	const int warn = setting("rectify.warn_days");
	const int32_t today = 20000;
	(void)state;
	assert_int_equal(warn, 7);
	/* n days ahead warned, n + 1 not */
	assert_string_equal(rectify_due("todo", today, today + warn, warn), "warn");
	assert_string_equal(rectify_due("todo", today, today + warn + 1, warn), "");
	assert_string_equal(rectify_due("in_progress", today, today + warn - 1, warn), "warn");
	/* the deadline day is still in time, the day after is overdue */
	assert_string_equal(rectify_due("in_progress", today, today, warn), "warn");
	assert_string_equal(rectify_due("in_progress", today + 1, today, warn), "overdue");
	/* claimed and verified problems are the staff's to check: no warning */
	assert_string_equal(rectify_due("claimed", today + 30, today, warn), "");
	assert_string_equal(rectify_due("verified", today + 30, today, warn), "");
	/* a setting of 0 warns on the deadline day only */
	assert_string_equal(rectify_due("todo", today, today, 0), "warn");
	assert_string_equal(rectify_due("todo", today, today + 1, 0), "");
}

static void transitions(void **state)
{
	(void)state;
	assert_string_equal(rectify_next_state("todo", "start"), "in_progress");
	assert_string_equal(rectify_next_state("todo", "claim"), "claimed");
	assert_string_equal(rectify_next_state("in_progress", "claim"), "claimed");
	assert_string_equal(rectify_next_state("claimed", "verify"), "verified");
	assert_string_equal(rectify_next_state("claimed", "reopen"), "in_progress");
	assert_string_equal(rectify_next_state("verified", "reopen"), "in_progress");
	/* nothing verified that was not claimed; nothing reopened that was never claimed */
	assert_null(rectify_next_state("todo", "verify"));
	assert_null(rectify_next_state("in_progress", "verify"));
	assert_null(rectify_next_state("todo", "reopen"));
	assert_null(rectify_next_state("in_progress", "reopen"));
	assert_null(rectify_next_state("verified", "claim"));
	assert_null(rectify_next_state("verified", "start"));
	assert_null(rectify_next_state("claimed", "chase"));
	assert_null(rectify_next_state("verified", "chase"));
	assert_null(rectify_next_state("todo", "close"));
}

static void labels(void **state)
{
	json_t *l = rectify_labels();
	(void)state;
	assert_string_equal(json_string_value(json_object_get(json_object_get(l, "states"), "verified")),
			    "已验收");
	assert_string_equal(json_string_value(json_object_get(json_object_get(l, "actions"), "verify")),
			    "验收通过");
	assert_string_equal(json_string_value(json_object_get(json_object_get(l, "sources"), "opinion")),
			    "群众意见");
	json_decref(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_boundary),
		cmocka_unit_test(transitions),
		cmocka_unit_test(labels),
	};
	return cmocka_run_group_tests_name("rectify", tests, NULL, NULL);
}
