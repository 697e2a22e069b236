/* libFuzzer target: the dates, times and reception rules a station's schedule is made of, and
 * the holiday calendar that deadlines count working days in. The first bytes are read as text
 * (a date, a time, a rule kind, as a request or a stored row gives them); the rest builds rules
 * and a holiday list within the ranges the API accepts and the database may hold.
 *   - a date parses only if it exists and formats back to the same text;
 *   - a time parses only as HH:MM within a day;
 *   - the expansion stays within its range and its maximum, one per day, in date order, never
 *     on a cancelled day, with a valid time;
 *   - counting working days agrees with adding them. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "schedule.h"

#define MAX_RULES 16
#define MAX_DAYS 40

static int cmp32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int take(const uint8_t **p, size_t *n)
{
	int v;
	if (!*n)
		return 0;
	v = **p;
	(*p)++;
	(*n)--;
	return v;
}

static void check_text(const char *s)
{
	int32_t day;
	char back[11];
	int k;

	if (cal_parse(s, &day) == 0) {
		cal_format(day, back);
		if (strcmp(back, s))
			abort();
	}
	if (schedule_time_ok(s)) {
		int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
		if (strlen(s) != 5 || h > 23 || m > 59)
			abort();
	}
	k = schedule_kind(s);
	if (k >= 0 && strcmp(schedule_kind_name((enum rule_kind)k), s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rule rules[MAX_RULES];
	struct reception out[400];
	int32_t holidays[MAX_DAYS], workdays[MAX_DAYS], base, from, to;
	struct workcal w = {holidays, 0, workdays, 0};
	size_t nrules = 0, nout, max, nl;
	const uint8_t *p = data;
	size_t n = size;
	char text[32];

	/* The text part: up to the first newline. */
	nl = 0;
	while (nl < n && nl < sizeof(text) - 1 && p[nl] != '\n')
		nl++;
	memcpy(text, p, nl);
	text[nl] = '\0';
	if (strlen(text) == nl)
		check_text(text);
	p += nl < n ? nl + 1 : nl;
	n -= nl < n ? nl + 1 : nl;

	/* The rules: 6 bytes each, in the ranges station_add_rule accepts. */
	base = cal_from_ymd(2020, 1, 1) + take(&p, &n) * 16;
	from = base + take(&p, &n);
	to = from + take(&p, &n) + take(&p, &n);
	max = (size_t)take(&p, &n) + 1;
	for (int k = take(&p, &n) % (MAX_RULES + 1); k > 0 && n >= 6; k--) {
		struct rule *r = &rules[nrules++];
		int hs = take(&p, &n) % 24, ms = take(&p, &n) % 60, len = 1 + take(&p, &n) % 120;
		int he = hs + (ms + len) / 60 > 23 ? 23 : hs + (ms + len) / 60;
		int me = hs + (ms + len) / 60 > 23 ? 59 : (ms + len) % 60;
		int b = take(&p, &n);
		memset(r, 0, sizeof(*r));
		r->kind = (enum rule_kind)(b % 5);
		r->day = b / 5 % 33 - 1;    /* -1..31 */
		r->nth = b / 5 % 7 - 1;     /* -1..5 */
		r->weekday = b / 5 % 7 + 1; /* 1..7 */
		r->date = base + take(&p, &n) * 2;
		if (r->day == 0)
			r->day = 1;
		if (r->nth == 0)
			r->nth = 1;
		snprintf(r->start, sizeof(r->start), "%02d:%02d", hs, ms);
		snprintf(r->end, sizeof(r->end), "%02d:%02d", he, me);
	}
	if (max > sizeof(out) / sizeof(out[0]))
		max = sizeof(out) / sizeof(out[0]);
	nout = schedule_expand(rules, nrules, from, to, out, max);
	if (nout > max || (to >= from && nout > (size_t)(to - from + 1)))
		abort();
	for (size_t i = 0; i < nout; i++) {
		if (out[i].date < from || out[i].date > to || (i && out[i].date <= out[i - 1].date))
			abort();
		if (!schedule_time_ok(out[i].start) || !schedule_time_ok(out[i].end))
			abort();
		for (size_t r = 0; r < nrules; r++)
			if (rules[r].kind == RULE_CANCEL && rules[r].date == out[i].date)
				abort();
	}

	/* The holiday calendar: the rest of the bytes, a day each, split into the two lists. */
	while (n && (w.nholidays < MAX_DAYS || w.nworkdays < MAX_DAYS)) {
		int v = take(&p, &n);
		if (v & 1) {
			if (w.nworkdays < MAX_DAYS)
				workdays[w.nworkdays++] = base + v;
		} else if (w.nholidays < MAX_DAYS) {
			holidays[w.nholidays++] = base + v;
		}
	}
	qsort(holidays, w.nholidays, sizeof(int32_t), cmp32);
	qsort(workdays, w.nworkdays, sizeof(int32_t), cmp32);
	for (int k = 1; k <= 30; k += 7) {
		int32_t due = cal_add_workdays(&w, from, k);
		if (due <= from || !cal_is_workday(&w, due) || cal_workdays_between(&w, from, due) != k)
			abort();
	}
	return 0;
}
