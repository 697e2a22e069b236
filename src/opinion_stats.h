/* opinion_stats.h: the hot-topic aggregates of the opinion domain (migration 6). For each
 * region path (the opinion's region and every region above it) and period (a day, or an aligned
 * block of 8 or 64 days), how many opinions fall in each category, at each station and at each
 * place. Every write that changes one of these counts changes the aggregates in the same
 * transaction, so a year's hot topics read a few dozen periods instead of every opinion. */
#ifndef RENDA_OPINION_STATS_H
#define RENDA_OPINION_STATS_H

#include <jansson.h>

#include "db.h"

enum opinion_stat_kind {
	OPINION_STAT_CATEGORY = 1,
	OPINION_STAT_STATION = 2,
	OPINION_STAT_PLACE = 3
};

/* What one opinion contributes: its region path, creation time, category and station (0 for
 * none) and place ("" for none). */
struct opinion_stat_row {
	const char *path;
	int64_t created_at, category, station;
	const char *place;
};

/* Adds (sign 1) or takes away (sign -1) one opinion's counts, inside the caller's transaction.
 * old may be NULL (a new opinion); with both, only the difference is written. */
int opinion_stats_change(struct db_conn *c, const struct opinion_stat_row *old,
			 const struct opinion_stat_row *now, struct err *e) WUR;
/* Throws the aggregates away and counts every opinion again (the demo's bulk load). */
int opinion_stats_rebuild(struct db_conn *c, struct err *e) WUR;
/* The counts of one kind within scope (a region path) for the days [from, to] (day numbers),
 * as [{"name","count"}] ordered by count, at most limit (0: all). Categories and stations are
 * named; several stations of one name count together, as do opinions without a category
 * ("未分类"). *out is owned by the caller. */
int opinion_stats_read(struct db_conn *c, const char *scope, int kind, int32_t from, int32_t to,
		       int limit, json_t **out, struct err *e) WUR;

#endif
