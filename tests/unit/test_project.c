/* Unit tests of the livelihood projects' rules: the state machine's transitions, the candidate
 * list's warning at project.candidate_ratio_pct (read from the settings' defaults, n-1 warned and
 * n not), the plan's milestones (dates in order, real dates, the field named) and the names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "err.h"
#include "project.h"
#include "settings.h"

static int ratio_setting(void)
{
	const struct setting_def *d = settings_defs;
	while (d->key && strcmp(d->key, "project.candidate_ratio_pct"))
		d++;
	if (!d->key)
		fail_msg("no setting project.candidate_ratio_pct");
	return d->dflt;
}

static void transitions(void **state)
{
	(void)state;
	assert_string_equal(project_next_state("collected", "shortlist"), "shortlisted");
	assert_string_equal(project_next_state("collected", "reject"), "rejected");
	assert_string_equal(project_next_state("rejected", "shortlist"), "shortlisted");
	assert_string_equal(project_next_state("shortlisted", "ballot"), "voting");
	assert_string_equal(project_next_state("voting", "result"), "chosen");
	assert_string_equal(project_next_state("chosen", "publish"), "published");
	assert_string_equal(project_next_state("published", "plan"), "implementing");
	assert_string_equal(project_next_state("implementing", "plan"), "implementing");
	assert_string_equal(project_next_state("implementing", "complete"), "done");
	/* reports, visits and the review leave the state as it is */
	assert_string_equal(project_next_state("implementing", "report"), "implementing");
	assert_string_equal(project_next_state("implementing", "review"), "implementing");
	assert_string_equal(project_next_state("done", "visit"), "done");
	/* and what may not happen */
	assert_null(project_next_state("collected", "ballot"));
	assert_null(project_next_state("collected", "publish"));
	assert_null(project_next_state("chosen", "plan"));
	assert_null(project_next_state("not_chosen", "publish"));
	assert_null(project_next_state("published", "report"));
	assert_null(project_next_state("done", "report"));
	assert_null(project_next_state("voting", "reject"));
	assert_null(project_next_state("collected", "nonsense"));
}

static void ratio(void **state)
{
	int pct = ratio_setting();
	(void)state;
	assert_int_equal(pct, 120);
	/* 10 to choose at 120%: 12 candidates are enough, 11 are warned */
	assert_int_equal(project_ratio_short(12, 10, pct), 0);
	assert_int_equal(project_ratio_short(11, 10, pct), 1);
	/* 5 to choose: 6 is exactly 120%, 5 is not */
	assert_int_equal(project_ratio_short(6, 5, pct), 0);
	assert_int_equal(project_ratio_short(5, 5, pct), 1);
	/* 3 to choose: 3.6 needed, so 4 */
	assert_int_equal(project_ratio_short(4, 3, pct), 0);
	assert_int_equal(project_ratio_short(3, 3, pct), 1);
	/* nothing to choose: no warning */
	assert_int_equal(project_ratio_short(0, 0, pct), 0);
	/* another jurisdiction's number */
	assert_int_equal(project_ratio_short(3, 2, 150), 0);
	assert_int_equal(project_ratio_short(3, 2, 151), 1);
}

static json_t *ms(const char *a, const char *b, const char *c)
{
	json_t *o = json_array();
	const char *d[] = {a, b, c};
	for (int i = 0; i < 3 && d[i]; i++)
		json_array_append_new(o, json_pack("{s:s,s:s}", "title", "节点", "due_on", d[i]));
	return o;
}

static void milestones(void **state)
{
	struct err e = {0};
	json_t *m;
	(void)state;
	m = ms("2026-03-01", "2026-03-01", "2026-10-31"); /* the same day twice is in order */
	assert_int_equal(project_check_milestones(m, &e), 0);
	json_decref(m);
	m = ms("2026-03-01", "2026-02-28", NULL);
	assert_int_equal(project_check_milestones(m, &e), E_INVALID);
	assert_string_equal(e.code, "bad_order");
	assert_string_equal(e.field, "milestones[1].due_on");
	json_decref(m);
	m = ms("2026-03-01", "2026-04-31", NULL);
	assert_int_equal(project_check_milestones(m, &e), E_INVALID);
	assert_string_equal(e.code, "bad_date");
	assert_string_equal(e.field, "milestones[1].due_on");
	json_decref(m);
	m = json_array();
	assert_int_equal(project_check_milestones(m, &e), E_INVALID);
	assert_string_equal(e.field, "milestones");
	json_array_append_new(m, json_pack("{s:s}", "due_on", "2026-01-01"));
	assert_int_equal(project_check_milestones(m, &e), E_INVALID);
	assert_string_equal(e.field, "milestones[0].title");
	json_decref(m);
	assert_int_equal(project_check_milestones(NULL, &e), E_INVALID);
}

static void names(void **state)
{
	json_t *l = project_labels();
	(void)state;
	assert_string_equal(project_state_name("not_chosen"), "票决未通过");
	assert_string_equal(project_state_name("nope"), "");
	assert_string_equal(project_reason_label("money"), "资金不能保障");
	assert_string_equal(project_reason_label("necessity"), "必要性不足");
	assert_string_equal(project_reason_label("feasibility"), "可行性不足");
	assert_string_equal(project_reason_label("legality"), "不符合法律政策");
	assert_string_equal(project_reason_label("taste"), "");
	assert_string_equal(json_string_value(json_object_get(json_object_get(l, "states"), "not_chosen")),
			    "票决未通过");
	assert_string_equal(json_string_value(json_object_get(json_object_get(l, "actions"), "review")),
			    "年中评估");
	assert_int_equal(json_object_size(json_object_get(l, "reasons")), 4);
	json_decref(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transitions),
		cmocka_unit_test(ratio),
		cmocka_unit_test(milestones),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests_name("project", tests, NULL, NULL);
}
