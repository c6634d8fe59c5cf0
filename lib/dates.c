#include "dates.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
start_of_day(time_t t, int days_back, time_t *out)
{
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -1;
	tm.tm_mday -= days_back;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

static int
end_of_day(time_t t, int days_back, time_t *out)
{
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -1;
	tm.tm_mday -= days_back - 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t next = mktime(&tm);
	if (next == (time_t)-1)
		return -1;
	*out = next - 1;
	return 0;
}

static int
day_bound(time_t t, int days_back, enum date_round round, time_t *out)
{
	return round == DATE_START ? start_of_day(t, days_back, out)
	                           : end_of_day(t, days_back, out);
}

/* Read exactly n digits. */
static int
digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
parse_relative(const char *s, time_t now, time_t *out)
{
	char *end;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	long n = strtol(s, &end, 10);
	if (n < 0 || n > 100000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	struct tm tm;
	if (!localtime_r(&now, &tm))
		return -1;
	switch (end[0]) {
	case 'd':
		tm.tm_mday -= (int)n;
		break;
	case 'w':
		tm.tm_mday -= (int)n * 7;
		break;
	case 'm':
		tm.tm_mon -= (int)n;
		break;
	case 'y':
		tm.tm_year -= (int)n;
		break;
	default:
		return -1;
	}
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

static int
parse(const char *s, time_t now, enum date_round round, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	bool has_time = false;
	const char *p = s;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strcmp(s, "today") == 0)
		return day_bound(now, 0, round, out);
	if (strcmp(s, "yesterday") == 0)
		return day_bound(now, 1, round, out);
	if (parse_relative(s, now, out) == 0)
		return 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		has_time = true;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
		}
	}
	if (*p != '\0')
		return -1;
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;

	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	/* mktime normalises 2026-02-30 to March 2: refuse such days. */
	if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d)
		return -1;
	if (!has_time && round == DATE_END)
		return end_of_day(t, 0, out);
	*out = t;
	return 0;
}

int
date_parse(const char *s, time_t now, enum date_round round, time_t *out)
{
	time_t t;
	if (parse(s, now, round, &t) || t < DATE_MIN || t > DATE_MAX)
		return -1;
	*out = t;
	return 0;
}

void
date_format_local(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "(unknown time)");
}

/* Two digits of n (0-99), then `sep` unless 0. Returns the end. */
static char *
put2(char *p, int n, char sep)
{
	*p++ = (char)('0' + n / 10);
	*p++ = (char)('0' + n % 10);
	if (sep)
		*p++ = sep;
	return p;
}

void
date_format_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	char off[8];
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "1970-01-01T00:00:00+00:00");
		return;
	}
	/* Local mean time (before standard zones, e.g. Berlin until 1893)
	 * has an offset in seconds, which +hh:mm cannot hold: write UTC. */
	if (tm.tm_gmtoff % 60 != 0) {
		if (!gmtime_r(&t, &tm) ||
		    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			snprintf(buf, size, "1970-01-01T00:00:00+00:00");
		return;
	}
	/* What strftime writes below, without its cost for the usual years
	 * (it was a twentieth of a large export's time). */
	long m = tm.tm_gmtoff / 60, am = m < 0 ? -m : m;
	int y = tm.tm_year + 1900;
	if (size >= sizeof("YYYY-MM-DDTHH:MM:SS+HH:MM") && y >= 1000 &&
	    y <= 9999 && am / 60 <= 99) {
		char *p = buf;
		p = put2(p, y / 100, 0);
		p = put2(p, y % 100, '-');
		p = put2(p, tm.tm_mon + 1, '-');
		p = put2(p, tm.tm_mday, 'T');
		p = put2(p, tm.tm_hour, ':');
		p = put2(p, tm.tm_min, ':');
		p = put2(p, tm.tm_sec, m < 0 ? '-' : '+');
		p = put2(p, (int)(am / 60), ':');
		p = put2(p, (int)(am % 60), 0);
		*p = '\0';
		return;
	}
	if (strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(off, sizeof(off), "%z", &tm) != 5) {
		snprintf(buf, size, "1970-01-01T00:00:00+00:00");
		return;
	}
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%.3s:%.2s", off, off + 3);
}

int
date_parse_duration(const char *s, long *seconds)
{
	char *end;
	long n, unit;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || n <= 0)
		return -1;
	if (end[0] == '\0')
		unit = 60; /* a bare number is minutes */
	else if (end[1] != '\0')
		return -1;
	else if (end[0] == 's')
		unit = 1;
	else if (end[0] == 'm')
		unit = 60;
	else if (end[0] == 'h')
		unit = 3600;
	else if (end[0] == 'd')
		unit = 86400;
	else
		return -1;
	if (n > DATE_DURATION_MAX / unit)
		return -1;
	*seconds = n * unit;
	return 0;
}

void
date_format_duration(long seconds, char *buf, size_t size)
{
	if (seconds < 120)
		snprintf(buf, size, "%ld second%s", seconds,
		         seconds == 1 ? "" : "s");
	else if (seconds < 2 * 3600) {
		long m = (seconds + 59) / 60;
		snprintf(buf, size, "%ld minute%s", m, m == 1 ? "" : "s");
	} else {
		long h = seconds / 3600, m = (seconds % 3600) / 60;
		snprintf(buf, size, "%ld hour%s %ld minute%s", h,
		         h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	}
}
