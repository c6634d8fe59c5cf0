/*
 * Dates people type: ISO forms (2026-11-01, 2026-11-01T14:30,
 * 2026-11-01 14:30, with optional :SS) in local time, and relative forms
 * (now, today, yesterday, 7d, 2w, 3m, 1y: that many days, weeks, months or
 * years before now).
 */
#ifndef SELFHELP_DATES_H
#define SELFHELP_DATES_H

#include <stddef.h>
#include <time.h>

/*
 * The instants selfhelp reads and writes: 1900-01-02 to 9999-12-30 UTC,
 * a day inside the years that have four digits in every time zone, so
 * that every time it writes (date_format_iso) reads back.
 */
#define DATE_MIN ((time_t)-2208902400)
#define DATE_MAX ((time_t)253402128000)

enum date_round {
	DATE_START, /* a bare day means its first second (for --since) */
	DATE_END,   /* a bare day means its last second (for --until) */
};

/*
 * Parse `s` relative to `now` into *out (seconds since the epoch). A bare
 * date, "today" and "yesterday" resolve to the start or end of that day as
 * `round` says; times and "Nd"-style forms are exact instants. Returns 0,
 * or -1 when `s` is not a date this understands, names no real day
 * (2026-02-30), or lies outside DATE_MIN..DATE_MAX.
 */
int date_parse(const char *s, time_t now, enum date_round round, time_t *out);

/* Local "YYYY-MM-DD HH:MM" for t into buf (at least 17 bytes). */
void date_format_local(time_t t, char *buf, size_t size);

/* ISO 8601 with offset, "2026-11-26T14:30:00+01:00", into buf (>= 26);
 * in UTC ("...Z") when the local offset is not whole minutes. */
void date_format_iso(time_t t, char *buf, size_t size);

/* The longest duration accepted: 7 days. */
#define DATE_DURATION_MAX (7L * 86400)

/*
 * A duration: 90s, 30m, 2h, 1d, or a bare number of minutes; positive and
 * at most DATE_DURATION_MAX. Returns 0, or -1.
 */
int date_parse_duration(const char *s, long *seconds);

/* "14 minutes", "2 hours 5 minutes" into buf. */
void date_format_duration(long seconds, char *buf, size_t size);

#endif
