/* project.h: livelihood projects voted by deputies (民生实事项目票决制, DOMAIN §5), the whole
 * year: candidates collected from citizens' opinions (linked), deputies and the government;
 * screening with a reason code per rejected candidate; the candidate list, warned below
 * project.candidate_ratio_pct percent of the number to choose; the vote at a session on the
 * election engine (election.h, office kind "project"); publication; the government's plan with
 * milestones and budget; progress reports of the responsible handling unit with photos;
 * deputies' supervision visits; the mid-year review; the archive by year; the public page.
 * Owns the tables projects, project_milestones, project_reports, project_photos,
 * project_events and the state machine of a project (a step table run by step_run).
 *
 * Who sees what: congress staff their region's subtree; a handling unit the projects it
 * implements; a deputy the projects of its region's subtree from the candidate list on; the
 * public only published projects (project_public_list). */
#ifndef RENDA_PROJECT_H
#define RENDA_PROJECT_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* The next state of a project for an action, or NULL when not allowed (pure, for the tests). */
const char *project_next_state(const char *state, const char *action);
/* The Chinese name of a state, or "" when unknown. */
const char *project_state_name(const char *state);
/* The Chinese label of a screening reason (necessity, feasibility, money, legality), or "". */
const char *project_reason_label(const char *code);
/* {"states","actions","reasons","sources"}: the names for the pages, a new object. */
json_t *project_labels(void);
/* 1 when n candidates are fewer than ratio_pct percent of choose (the 1.2× rule's warning). */
int project_ratio_short(int64_t n, int64_t choose, int ratio_pct);
/* Checks a plan's milestones [{"title","due_on"}]: at least one, each a title and a real date,
 * the dates in order; E_INVALID naming the field ("milestones[2].due_on") otherwise. */
int project_check_milestones(json_t *ms, struct err *e) WUR;

struct project_filter {
	const char *region, *state, *q;
	int64_t year; /* 0: every year */
};

/* Every function below: *out is a new JSON object owned by the caller, set only on success;
 * errors E_INVALID (naming the field), E_FORBIDDEN (the role), E_NOTFOUND (absent or out of
 * sight), E_CONFLICT (the state) with a Chinese message. */

/* The list {"items","total","page","per_page"} as the actor may see it. */
int project_list(struct db *db, const struct actor *a, const struct project_filter *f,
		 const struct listq *q, json_t **out, struct err *e) WUR;
/* A candidate collected by staff: {"region_code","year","title","summary"?,"source",
 * "opinion_id"? (source opinion: one the actor may read),"deputy_id"? (source deputy),
 * "proposer"?}. */
int project_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* One project with its milestones, reports and history. */
int project_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* A step of the project's machine {"action", ...}: shortlist, reject {"reason","note"?},
 * publish, plan {"handler_id","budget","plan"?,"milestones"}, report {"body","progress",
 * "photos"?}, visit {"body","photos"?}, review {"review"}, complete. The vote's steps (ballot,
 * result) are taken only by project_vote and project_vote_result. */
int project_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		struct err *e) WUR;
/* The candidate list of a congress and year: the shortlisted projects, and with choose > 0
 * whether they are too few ({"items","count","choose","ratio_pct","needed","warning"}). */
int project_candidates(struct db *db, const struct actor *a, const char *region, int64_t year,
		       int64_t choose, json_t **out, struct err *e) WUR;
/* Puts the shortlisted projects of the meeting's congress and a year to the deputies' vote:
 * {"meeting_id","year","seats","item_id"?}; the election's candidate rule decides at its
 * opening. {"election": {...}, "projects": n}. */
int project_vote(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* Takes the counted vote (election election_id) into its projects: the elected are chosen,
 * the others not chosen. */
int project_vote_result(struct db *db, const struct actor *a, int64_t election_id, json_t **out,
			struct err *e) WUR;
/* Photo n (from 1) of a project's reports, as the actor may see the project: *data malloc'd. */
int project_photo(struct db *db, const struct actor *a, int64_t id, int n, char **data, size_t *len,
		  const char **mime, struct err *e) WUR;
/* The public page: published projects of a region's subtree (code required) and year, with
 * only public fields: titles, states, units, budgets, milestones and progress. */
int project_public_list(struct db *db, const char *region, int64_t year, json_t **out, struct err *e) WUR;

/* The demo's writes (demo_project.c), inside the caller's transaction. */
int project_insert_demo(struct db_conn *c, json_t *spec, int64_t *id, struct err *e) WUR;

#endif
