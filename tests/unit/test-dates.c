#include "harness.h"

#include "dates.h"

#include <stdlib.h>

/* 2026-11-26 14:30:00 UTC */
static const time_t NOW = 1795703400;

static time_t
parse(const char *s, enum date_round r)
{
	time_t t = 0;
	assert_int_equal(date_parse(s, NOW, r, &t), 0);
	return t;
}

static void
iso_forms(void **state)
{
	assert_int_equal(parse("2026-11-01", DATE_START), 1793491200);
	assert_int_equal(parse("2026-11-01", DATE_END), 1793491200 + 86399);
	assert_int_equal(parse("2026-11-01T14:30", DATE_START),
	                 1793491200 + 14 * 3600 + 30 * 60);
	assert_int_equal(parse("2026-11-01 14:30", DATE_END),
	                 1793491200 + 14 * 3600 + 30 * 60);
	assert_int_equal(parse("2026-11-01T14:30:15", DATE_START),
	                 1793491200 + 14 * 3600 + 30 * 60 + 15);
	assert_int_equal(parse("2024-02-29", DATE_START), 1709164800);
}

static void
relative_forms(void **state)
{
	assert_int_equal(parse("now", DATE_START), NOW);
	assert_int_equal(parse("today", DATE_START), 1795651200);
	assert_int_equal(parse("today", DATE_END), 1795651200 + 86399);
	assert_int_equal(parse("yesterday", DATE_START), 1795651200 - 86400);
	assert_int_equal(parse("yesterday", DATE_END), 1795651200 - 1);
	assert_int_equal(parse("7d", DATE_START), NOW - 7 * 86400);
	assert_int_equal(parse("2w", DATE_START), NOW - 14 * 86400);
	/* 3 months before 2026-11-26 is 2026-08-26 */
	assert_int_equal(parse("3m", DATE_START), NOW - 92 * 86400);
	assert_int_equal(parse("1y", DATE_START), NOW - 365 * 86400);
}

static void
refused(void **state)
{
	static const char *const bad[] = {
	        "2026-02-30",
	        "2026-13-01",
	        "2026-00-10",
	        "2025-02-29",
	        "2026-11-01T24:00",
	        "2026-11-01T12:60",
	        "2026-1-1",
	        "tomorrow",
	        "",
	        "7",
	        "d",
	        "-7d",
	        "7x",
	        "2026-11-01T",
	        "2026-11-01 14",
	        "99999999d",
	        "2026-11-01Z",
	        "１２３",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t;
		if (date_parse(bad[i], NOW, DATE_START, &t) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

static void
formats(void **state)
{
	char buf[40];
	date_format_local(1793491200 + 14 * 3600 + 30 * 60, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-01 14:30");
	date_format_iso(1793491200, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-01T00:00:00+00:00");
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	date_format_iso(1793491200, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-01T01:00:00+01:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

/* date_format_iso as it was written with strftime alone. */
static void
iso_by_strftime(time_t t, char *buf, size_t size)
{
	struct tm tm;
	char off[8];
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "1970-01-01T00:00:00+00:00");
		return;
	}
	if (tm.tm_gmtoff % 60 != 0) {
		if (!gmtime_r(&t, &tm) ||
		    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			snprintf(buf, size, "1970-01-01T00:00:00+00:00");
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

/* The same text as strftime gives, in zones east and west, with half
 * hours, summer time, local mean time, and over every year we write. */
static void
iso_as_strftime(void **state)
{
	static const char *const zones[] = {"UTC",
	                                    "Europe/Berlin",
	                                    "America/St_Johns",
	                                    "Asia/Kolkata",
	                                    "Pacific/Chatham",
	                                    "Pacific/Kiritimati",
	                                    "America/Adak",
	                                    "XST+3:30XDT,M3.2.0,M11.1.0",
	                                    "LMT-0:53:28",
	                                    "ABC+99"};
	char got[40], want[40];
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (time_t t = DATE_MIN; t <= DATE_MAX - 7919 * 3607;
		     t += 7919 * 3607) {
			for (int k = 0; k < 2; k++) {
				time_t u = t + k * 59;
				date_format_iso(u, got, sizeof(got));
				iso_by_strftime(u, want, sizeof(want));
				if (strcmp(got, want) != 0)
					fail_msg("%s at %lld: %s, not %s",
					         zones[z], (long long)u, got,
					         want);
			}
		}
		date_format_iso(DATE_MAX, got, sizeof(got));
		iso_by_strftime(DATE_MAX, want, sizeof(want));
		assert_string_equal(got, want);
	}
	setenv("TZ", "UTC", 1);
	tzset();
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(iso_forms),
	        cmocka_unit_test(relative_forms),
	        cmocka_unit_test(refused),
	        cmocka_unit_test(formats),
	        cmocka_unit_test(iso_as_strftime),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	return RUN_NAMED(tests, argc, argv);
}
