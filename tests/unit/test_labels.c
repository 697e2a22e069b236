/* The names GET /api/v1/labels serves come from the domain modules' own tables: every code a
 * module names through its label function is in its labels object with the same name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "meeting.h"
#include "opinion.h"
#include "role.h"
#include "suggestion.h"

static const char *name_in(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void roles_are_every_role_with_its_label(void **state)
{
	json_t *o = role_labels();
	size_t n = 0;
	(void)state;
	for (const char *const *r = role_names; *r; r++, n++)
		assert_string_equal(name_in(o, *r), role_label(*r));
	assert_int_equal(json_object_size(o), n);
	assert_string_equal(name_in(o, "county_staff"), "县(区)人大工作人员");
	json_decref(o);
}

static void opinion_and_suggestion_states_are_their_state_names(void **state)
{
	json_t *op = opinion_labels(), *sg = suggestion_labels(), *v;
	const char *k;
	(void)state;
	json_object_foreach(json_object_get(op, "states"), k, v)
		assert_string_equal(json_string_value(v), opinion_state_name(k));
	json_object_foreach(json_object_get(sg, "states"), k, v)
		assert_string_equal(json_string_value(v), suggestion_state_name(k));
	assert_int_equal(json_object_size(json_object_get(op, "states")), 11);
	assert_int_equal(json_object_size(json_object_get(sg, "states")), 13);
	assert_string_equal(name_in(json_object_get(op, "states"), "escalated"), "已转交上级");
	assert_string_equal(name_in(json_object_get(sg, "actions"), "escalation_return"), "上级退回");
	assert_string_equal(name_in(json_object_get(op, "states"), "received"), "已受理");
	assert_string_equal(name_in(json_object_get(op, "actions"), "answer_on_spot"), "当场答复");
	assert_string_equal(name_in(json_object_get(sg, "actions"), "to_suggestion"), "作为建议处理");
	json_decref(op);
	json_decref(sg);
}

static void meeting_vote_and_round_states_follow_their_tables(void **state)
{
	json_t *m = meeting_labels(), *v;
	const char *k;
	(void)state;
	/* every state of the three tables has a name */
	for (const char *const *t = (const char *const[]){"meeting", "vote", "round", NULL}; *t; t++)
		json_object_foreach(json_object_get(json_object_get(m, *t), "states"), k, v)
			assert_true(*json_string_value(v) != '\0');
	assert_string_equal(name_in(json_object_get(json_object_get(m, "meeting"), "states"), "in_session"),
			    "会议进行中");
	assert_string_equal(name_in(json_object_get(json_object_get(m, "meeting"), "states"), "closed"),
			    "已闭会");
	assert_string_equal(name_in(json_object_get(json_object_get(m, "vote"), "states"), "closed"), "已结束");
	assert_string_equal(name_in(json_object_get(json_object_get(m, "vote"), "states"), "open"), "进行中");
	assert_string_equal(name_in(json_object_get(json_object_get(m, "round"), "states"), "counted"),
			    "已计票");
	assert_int_equal(json_object_size(json_object_get(json_object_get(m, "meeting"), "states")), 5);
	assert_int_equal(json_object_size(json_object_get(json_object_get(m, "vote"), "states")), 3);
	assert_int_equal(json_object_size(json_object_get(json_object_get(m, "round"), "states")), 4);
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_are_every_role_with_its_label),
		cmocka_unit_test(opinion_and_suggestion_states_are_their_state_names),
		cmocka_unit_test(meeting_vote_and_round_states_follow_their_tables),
	};
	return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
