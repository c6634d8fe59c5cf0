/*
 * Dates and times people type or files carry: date_parse (--since,
 * --until, `when:`), date_parse_duration (--minutes-style durations) and
 * transfer_time_parse (RFC 3339 times in export files). Input: the text.
 *
 * Checks: a date parses for both roundings or neither (but at the ends
 * of the range), and its start is not after its end; durations are
 * positive and at most the maximum; a parsed instant lies in DATE_MIN..
 * DATE_MAX, and printed by date_format_iso it reads back as itself.
 */
#include "fuzz.h"

#include "dates.h"
#include "transfer.h"

#include <stdlib.h>
#include <string.h>

enum { DATE_TEXT_MAX = 64, DAY = 86400 };

static void
check_iso_round_trip(time_t t)
{
	char iso[64], local[32];
	time_t back;
	date_format_local(t, local, sizeof(local));
	date_format_iso(t, iso, sizeof(iso));
	FUZZ_CHECK(t >= DATE_MIN && t <= DATE_MAX);
	FUZZ_CHECK(transfer_time_parse(iso, &back) == 0);
	FUZZ_CHECK(back == t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Longer text is refused by every parser's first lines. */
	if (size > DATE_TEXT_MAX)
		return -1;
	char *s = fuzz_cstr(data, size);
	time_t start, end, t;
	long secs;

	int a = date_parse(s, FUZZ_NOW, DATE_START, &start);
	int b = date_parse(s, FUZZ_NOW, DATE_END, &end);
	FUZZ_CHECK((a == 0 || a == -1) && (b == 0 || b == -1));
	if (a == 0)
		check_iso_round_trip(start);
	if (b == 0)
		check_iso_round_trip(end);
	if (a == 0 && b == 0)
		FUZZ_CHECK(start <= end);
	/* One rounding only: the day straddles DATE_MIN or DATE_MAX. */
	if (a == 0 && b != 0)
		FUZZ_CHECK(start > DATE_MAX - 2 * DAY);
	if (b == 0 && a != 0)
		FUZZ_CHECK(end < DATE_MIN + 2 * DAY);

	if (date_parse_duration(s, &secs) == 0) {
		char buf[64];
		FUZZ_CHECK(secs > 0 && secs <= DATE_DURATION_MAX);
		date_format_duration(secs, buf, sizeof(buf));
	}

	if (transfer_time_parse(s, &t) == 0)
		check_iso_round_trip(t);

	free(s);
	return 0;
}
