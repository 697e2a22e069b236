/* deputy.h: the deputy registry (人大代表): people, their mandates at each level and term with
 * a status history (elected, by-elected, resigned, recalled, terminated, deceased), the roster
 * of a congress on any date, composition statistics (deputy groups are in group.h).
 * Phones and ID numbers are personal data: sealed at rest (crypto.h), masked for display. */
#ifndef RENDA_DEPUTY_H
#define RENDA_DEPUTY_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "rows.h"

/* List filters; NULL or "" means no filter. */
struct deputy_filter {
	const char *region;   /* deputies recorded in this region's subtree */
	const char *congress; /* with a mandate in the congress of this region ... */
	const char *level;    /* ... at this level (township, county, city, province, national) */
	const char *term;     /* ... of this term */
	const char *status;   /* mandate status; default "active" (current), "all" for any */
	const char *group;    /* deputy group id */
	const char *station;  /* station id */
	const char *gender;   /* male | female */
	const char *minority; /* "1": not 汉族, "0": 汉族 */
	const char *party;    /* a party name, or "non_cpc" for all but 中共党员/预备党员 */
	const char *occupation;
	const char *education;
	const char *age_min, *age_max;
	const char *date; /* roster date for status filtering, default today */
};

/* For the search box, inside the caller's read: the deputies (current or former) in the actor's
 * scope whose name holds q, at most LIMIT_FIND_RESULTS, appended to items as
 * {"id","name","employer","post"}; nothing for roles that do not read the registry. */
int deputy_find_name(struct db_conn *c, const struct actor *a, const char *q, json_t *items,
		     struct err *e) WUR;
int deputy_list(struct db *db, const struct actor *a, const struct deputy_filter *f,
		const struct listq *q, json_t **out, struct err *e) WUR;
/* One deputy with mandates, their events, groups and stations; a deputy account may read its
 * own record and its group's (without their phones). */
int deputy_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* Creates a deputy from the person's fields plus an optional first "mandate". */
int deputy_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int deputy_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		  struct err *e) WUR;
/* Adds a mandate {level, term, region_code, constituency, started_on, kind, document}. */
int deputy_add_mandate(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		       struct err *e) WUR;
/* Records a status event {kind, happened_on, document, note} on a mandate; an ending event
 * ends the mandate (a death ends all of the deputy's mandates). */
int deputy_mandate_event(struct db *db, const struct actor *a, int64_t mandate_id, json_t *in,
			 json_t **out, struct err *e) WUR;

/* The members of a congress (region, level, optional term) on a date "YYYY-MM-DD". */
int deputy_roster(struct db *db, const struct actor *a, const char *region, const char *level,
		  const char *term, const char *date, json_t **out, struct err *e) WUR;
/* How many deputies a congress had on a date (inside the caller's connection): what quorum and
 * majority rules count against. */
int deputy_roster_count(struct db_conn *c, const char *region, const char *level, int term,
			const char *date, int64_t *count, struct err *e) WUR;
/* Composition of the deputies matching f on f->date: counts and shares of women, minorities,
 * workers and farmers, professionals, officials, non-CPC members, age bands, and breakdowns. */
int deputy_stats(struct db *db, const struct actor *a, const struct deputy_filter *f, json_t **out,
		 struct err *e) WUR;

/* Validation shared with the importer: checks and normalises one person object (the create
 * fields) and its optional mandate; partial=1 for updates. */
int deputy_check_person(json_t *in, int partial, struct err *e) WUR;
/* Checks an 18-character resident ID number (GB 11643 checksum) against a birth date and a
 * gender when given. */
int deputy_check_id_number(const char *id, const char *birth_date, const char *gender, struct err *e) WUR;
/* Inserts a validated person (and mandate) inside the caller's transaction; *id gets the new
 * deputy's id. Used by create, the importer and the demo. */
int deputy_insert(struct db_conn *c, const struct actor *a, json_t *in, int64_t *id, struct err *e) WUR;

/* Recounts a deputy's current mandates (deputies.active_mandates) after mandates change. */
int deputy_recount(struct db_conn *c, int64_t id, struct err *e) WUR;

extern const char *const deputy_ethnicities[]; /* the 56 recognised ethnic groups */
extern const char *const deputy_parties[];
extern const char *const deputy_educations[];
extern const char *const deputy_occupations[];
extern const char *const deputy_levels[];

#endif
