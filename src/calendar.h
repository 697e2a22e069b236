/* calendar.h: civil dates as day numbers (days since 1970-01-01, proleptic Gregorian), parsed
 * from and written as "YYYY-MM-DD". Pure functions; no time zones involved. */
#ifndef RENDA_CALENDAR_H
#define RENDA_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Parses "YYYY-MM-DD" (years 1900-2199) into a day number; -1 for anything else, including
 * dates that do not exist (2023-02-29, 2024-04-31). */
int cal_parse(const char *s, int32_t *day) WUR;
/* Writes the day as "YYYY-MM-DD" into out (at least 11 bytes). */
void cal_format(int32_t day, char *out);
void cal_ymd(int32_t day, int *y, int *m, int *d);
int32_t cal_from_ymd(int y, int m, int d); /* d may be past the month's end: it carries over */
int cal_days_in_month(int y, int m);
/* ISO weekday: 1 Monday ... 7 Sunday. */
int cal_weekday(int32_t day);
/* Whole years from birth to day (an age). */
int cal_years_between(int32_t birth, int32_t day);
/* China Standard Time (UTC+8): the one time zone renda keeps days in. Every conversion
 * between a Unix time and a civil day goes through the three functions below. */
#define CAL_TZ_SECONDS (8 * 3600)
/* The civil day in China of a Unix time. */
int32_t cal_day_of(int64_t unix_time);
/* The Unix time of 00:00 China time on day; the day's end is cal_day_start(day + 1). */
int64_t cal_day_start(int32_t day);
/* Today in China, from util_now(). */
int32_t cal_today(void);

/* A working calendar: weekends are rest days except the adjusted working days (调休), and
 * public holidays are rest days. Both lists sorted ascending; borrowed, not owned. */
struct workcal {
	const int32_t *holidays;
	size_t nholidays;
	const int32_t *workdays; /* weekend days that are worked */
	size_t nworkdays;
};

int cal_is_workday(const struct workcal *w, int32_t day);
/* The day n working days after from (n > 0; from itself is not counted): a deadline. */
int32_t cal_add_workdays(const struct workcal *w, int32_t from, int n);
/* Working days after a up to and including b (0 when b <= a): how much time is left. */
int cal_workdays_between(const struct workcal *w, int32_t a, int32_t b);

#endif
