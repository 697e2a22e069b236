/* schedule.h: a station's reception schedule: recurring rules ("the 10th of each month",
 * "the second Tuesday", "every Tuesday afternoon"), one-off days and cancelled days, turned into
 * concrete dates. Pure functions. */
#ifndef RENDA_SCHEDULE_H
#define RENDA_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

enum rule_kind { RULE_MONTHLY_DAY, RULE_MONTHLY_WEEKDAY, RULE_WEEKLY, RULE_ONCE, RULE_CANCEL };

struct rule {
	enum rule_kind kind;
	int day;      /* MONTHLY_DAY: 1..31 (past the month's end: its last day), -1 the last day */
	int nth;      /* MONTHLY_WEEKDAY: 1..5, -1 the last; a missing 5th is skipped */
	int weekday;  /* MONTHLY_WEEKDAY, WEEKLY: 1 Monday ... 7 Sunday */
	int32_t date; /* ONCE, CANCEL */
	char start[6], end[6]; /* "HH:MM" */
};

struct reception {
	int32_t date;
	char start[6], end[6];
};

/* Expands rules into the reception days from..to inclusive (at most max), in date order,
 * one per date (the earliest start wins when rules coincide), without cancelled dates.
 * Returns the number written. */
size_t schedule_expand(const struct rule *rules, size_t n, int32_t from, int32_t to,
		       struct reception *out, size_t max);
/* Parses a rule kind name ("monthly_day", ...); -1 when unknown. */
int schedule_kind(const char *name);
const char *schedule_kind_name(enum rule_kind k);
/* 1 if s is a valid "HH:MM". */
int schedule_time_ok(const char *s);

#endif
