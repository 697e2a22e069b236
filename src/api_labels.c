/* api_labels.c: the names of roles, states and actions as the domain modules write them, so that
 * the pages show the server's words and hold no second copy. Read-only, any signed-in user (no
 * personal data in it). */
#include "api.h"

#include <stdio.h>

#include "audit.h"
#include "booking.h"
#include "budget.h"
#include "meeting.h"
#include "opinion.h"
#include "project.h"
#include "rectify.h"
#include "role.h"
#include "suggestion.h"
#include "supervision.h"

/* Adds the machine's steps to the audit's actions as "<prefix>.<step>", the name step_run audits
 * them by, unless a fixed name is already there. */
static void add_steps(json_t *actions, const char *prefix, json_t *machine)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(machine, "actions"), k, v) {
		char name[96];
		snprintf(name, sizeof(name), "%s.%s", prefix, k);
		if (!json_object_get(actions, name))
			json_object_set(actions, name, v);
	}
}

/* The audit's names: every action (fixed and the machines' steps), the outcomes, and the verbs of
 * the methods that name a refused request ("POST /api/v1/..."). */
static json_t *audit_labels(json_t *opinion, json_t *suggestion)
{
	json_t *actions = audit_action_labels();
	add_steps(actions, "opinion", opinion);
	add_steps(actions, "suggestion", suggestion);
	return json_pack("{s:o,s:o,s:{s:s,s:s,s:s,s:s}}", "actions", actions, "outcomes",
			 audit_outcome_labels(), "methods", "POST", "提交", "PUT", "设置", "PATCH",
			 "修改", "DELETE", "删除");
}

static int labels(struct call *c)
{
	json_t *o = json_object(), *sg = suggestion_labels(), *op = opinion_labels(),
	       *au = audit_labels(op, sg);
	json_object_set_new(o, "roles", role_labels());
	json_object_set_new(o, "opinion", op);
	/* suggestions and motions run one machine with one set of names */
	json_object_set_new(o, "suggestion", json_deep_copy(sg));
	json_object_set_new(o, "motion", sg);
	json_object_update_new(o, meeting_labels()); /* meeting, vote, round */
	json_object_set_new(o, "booking", booking_labels());
	json_object_set_new(o, "supervision", supervision_labels());
	add_steps(json_object_get(au, "actions"), "booking", json_object_get(o, "booking"));
	add_steps(json_object_get(au, "actions"), "supervision", json_object_get(o, "supervision"));
	{
		/* the projects' names are their own route's (GET /api/v1/projects/labels); the audit's here */
		json_t *pl = project_labels();
		add_steps(json_object_get(au, "actions"), "project", pl);
		json_object_set_new(json_object_get(au, "actions"), "project.create",
				    json_string("征集民生实事项目"));
		json_decref(pl);
	}
	json_object_set_new(o, "rectify", rectify_labels());
	add_steps(json_object_get(au, "actions"), "rectify_problem", json_object_get(o, "rectify"));
	json_object_set_new(o, "budget", budget_labels());
	add_steps(json_object_get(au, "actions"), "budget", json_object_get(o, "budget"));
	json_object_set_new(o, "audit", au);
	c->out = o;
	return 0;
}

const struct route api_labels_routes[] = {
	{"GET", "/api/v1/labels", labels, API_ANY_PW},
	{NULL, NULL, NULL, 0},
};
