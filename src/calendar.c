#include "calendar.h"

#include <stdio.h>
#include <string.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cal_days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Days from civil (Howard Hinnant's algorithm). */
int32_t cal_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void cal_ymd(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

int cal_parse(const char *s, int32_t *day)
{
	int y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > cal_days_in_month(y, m))
		return -1;
	*day = cal_from_ymd(y, m, d);
	return 0;
}

void cal_format(int32_t day, char *out)
{
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int cal_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7 + 3) % 7);
	return w + 1;
}

int cal_years_between(int32_t birth, int32_t day)
{
	int by, bm, bd, y, m, d;
	cal_ymd(birth, &by, &bm, &bd);
	cal_ymd(day, &y, &m, &d);
	return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

int32_t cal_day_of(int64_t unix_time)
{
	int64_t t = unix_time + CAL_TZ_SECONDS;
	return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

int64_t cal_day_start(int32_t day)
{
	return (int64_t)day * 86400 - CAL_TZ_SECONDS;
}

int32_t cal_today(void)
{
	return cal_day_of(util_now());
}

static int in_sorted(const int32_t *a, size_t n, int32_t v)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] == v)
			return 1;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int cal_is_workday(const struct workcal *w, int32_t day)
{
	if (w && in_sorted(w->holidays, w->nholidays, day))
		return 0;
	if (cal_weekday(day) >= 6)
		return w && in_sorted(w->workdays, w->nworkdays, day);
	return 1;
}

int32_t cal_add_workdays(const struct workcal *w, int32_t from, int n)
{
	int32_t d = from;
	/* A year of rest days at most stands between two working days. */
	for (int left = n, guard = 0; left > 0 && guard < n * 7 + 400; guard++) {
		d++;
		if (cal_is_workday(w, d))
			left--;
	}
	return d;
}

int cal_workdays_between(const struct workcal *w, int32_t a, int32_t b)
{
	int n = 0;
	for (int32_t d = a + 1; d <= b && n < 100000; d++)
		n += cal_is_workday(w, d);
	return n;
}
