/* api_labels.c: the names of roles, states and actions as the domain modules write them, so that
 * the pages show the server's words and hold no second copy. Read-only, any signed-in user (no
 * personal data in it). */
#include "api.h"
#include "meeting.h"
#include "opinion.h"
#include "role.h"
#include "suggestion.h"

static int labels(struct call *c)
{
	json_t *o = json_object(), *sg = suggestion_labels();
	json_object_set_new(o, "roles", role_labels());
	json_object_set_new(o, "opinion", opinion_labels());
	/* suggestions and motions run one machine with one set of names */
	json_object_set_new(o, "suggestion", json_deep_copy(sg));
	json_object_set_new(o, "motion", sg);
	json_object_update_new(o, meeting_labels()); /* meeting, vote, round */
	c->out = o;
	return 0;
}

const struct route api_labels_routes[] = {
	{"GET", "/api/v1/labels", labels, API_ANY_PW},
	{NULL, NULL, NULL, 0},
};
