/* settings.h: per-jurisdiction settings (every deadline and threshold of DOMAIN.md), resolved
 * from a region up its ancestors to a built-in default, and the holiday calendar that working
 * days are counted on. */
#ifndef RENDA_SETTINGS_H
#define RENDA_SETTINGS_H

#include <jansson.h>

#include "actor.h"
#include "calendar.h"
#include "db.h"

/* The known settings with their defaults and meaning. */
struct setting_def {
	const char *key;
	int dflt, min, max;
	const char *label;
};
extern const struct setting_def settings_defs[];

/* The value for a region (its own, else its nearest ancestor's, else the default). */
int settings_int(struct db_conn *c, const char *region_path, const char *key, int *value, struct err *e) WUR;
/* GET: every setting as it applies to region, with where it comes from. */
int settings_list(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e) WUR;
/* PUT {"key": value, ...} for a region in scope (city_staff, county_staff, sysadmin; auth.* the
 * secadmin): the role, then the region (NULL: E_INVALID on "region"), then the keys. */
int settings_put(struct db *db, const struct actor *a, const char *region, json_t *in, json_t **out,
		 struct err *e) WUR;

/* The holiday calendar, loaded into memory owned by the caller (holidays_free). */
struct holidays {
	struct workcal cal;
	int32_t *off, *on;
};
/* Both are kept in the database's caches (CACHE_SETTINGS, CACHE_HOLIDAYS) for reads, not in a
 * writing transaction; settings_changed drops them (settings, holidays or regions written). */
int holidays_load(struct db_conn *c, struct holidays *h, struct err *e) WUR;
void settings_changed(struct db *db);
void holidays_free(struct holidays *h);
/* GET /holidays?year=: {"items":[{"day","kind","name"}]}; PUT replaces one day's entry
 * {"day","kind":"holiday|workday|none","name"} (sysadmin, city_staff). */
int holidays_list(struct db *db, const char *year, json_t **out, struct err *e) WUR;
int holidays_put(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;

#endif
