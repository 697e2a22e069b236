#include "schedule.h"

#include <string.h>

#include "calendar.h"
#include "util.h"

static const char *const kinds[] = {"monthly_day", "monthly_weekday", "weekly",
				    "once",        "cancel",          NULL};

int schedule_kind(const char *name)
{
	return util_index_of(name, kinds);
}

const char *schedule_kind_name(enum rule_kind k)
{
	return kinds[k];
}

int schedule_time_ok(const char *s)
{
	return s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
	       s[1] <= '9' && (s[0] < '2' || s[1] <= '3') && s[3] >= '0' && s[3] <= '5' &&
	       s[4] >= '0' && s[4] <= '9';
}

/* Does the rule fall on this day? */
static int matches(const struct rule *r, int32_t day)
{
	int y, m, d, dim, wd;

	cal_ymd(day, &y, &m, &d);
	dim = cal_days_in_month(y, m);
	wd = cal_weekday(day);
	switch (r->kind) {
	case RULE_MONTHLY_DAY:
		if (r->day == -1 || r->day >= dim)
			return d == dim; /* "the 31st" in a 30-day month is its last day */
		return d == r->day;
	case RULE_MONTHLY_WEEKDAY:
		if (wd != r->weekday)
			return 0;
		if (r->nth == -1)
			return d + 7 > dim;
		return (d - 1) / 7 + 1 == r->nth;
	case RULE_WEEKLY:
		return wd == r->weekday;
	case RULE_ONCE:
	case RULE_CANCEL:
		return day == r->date;
	}
	return 0;
}

size_t schedule_expand(const struct rule *rules, size_t n, int32_t from, int32_t to,
		       struct reception *out, size_t max)
{
	size_t k = 0;
	for (int32_t day = from; day <= to && k < max; day++) {
		const struct rule *best = NULL;
		int cancelled = 0;
		for (size_t i = 0; i < n; i++) {
			if (!matches(&rules[i], day))
				continue;
			if (rules[i].kind == RULE_CANCEL)
				cancelled = 1;
			else if (!best || strcmp(rules[i].start, best->start) < 0)
				best = &rules[i];
		}
		if (best && !cancelled) {
			out[k].date = day;
			memcpy(out[k].start, best->start, sizeof(out[k].start));
			memcpy(out[k].end, best->end, sizeof(out[k].end));
			k++;
		}
	}
	return k;
}
