/*
 * The display sanitizer (lib/util.h): util_clean with every set of flags,
 * util_truncate and util_display_width, on any bytes. Input: the text.
 *
 * Checks: the result is valid UTF-8 without control characters (newline
 * and tab only with UTIL_CLEAN_LINES; pure ASCII replacements with
 * UTIL_CLEAN_ASCII), fits UTIL_CLEAN_SIZE, and cleans to itself again;
 * text that needs no cleaning comes back unchanged; util_clean_unit
 * steps add up to util_clean; util_display_width is the width of what is
 * shown; util_truncate keeps to its width and is the cleaned text, or a
 * cut of it ending in "…".
 */
#include "fuzz.h"

#include "util.h"
#include "wipe.h"

#include <stdlib.h>
#include <string.h>

enum { WIDTHS = 4 };

static void
check_flags(const char *s, size_t len, unsigned flags)
{
	char *out = malloc(UTIL_CLEAN_SIZE(len));
	char *again = malloc(UTIL_CLEAN_SIZE(3 * len));
	FUZZ_CHECK(out && again);
	size_t n = util_clean(out, s, len, flags);
	FUZZ_CHECK(n <= 3 * len && out[n] == '\0' && strlen(out) == n);
	FUZZ_CHECK(fuzz_printable(
	        out, n, flags & UTIL_CLEAN_LINES ? "\n\t" : "", false));
	FUZZ_CHECK(util_clean(again, out, n, flags) == n &&
	           memcmp(again, out, n) == 0);
	if (util_utf8_ok(s, len, NULL) &&
	    !util_has_control(s, len, flags & UTIL_CLEAN_LINES, NULL) &&
	    ((flags & UTIL_CLEAN_LINES) || !memchr(s, '\n', len)) &&
	    ((flags & UTIL_CLEAN_LINES) || !memchr(s, '\t', len)))
		FUZZ_CHECK(n == len && memcmp(out, s, len) == 0);
	if (flags & UTIL_CLEAN_ASCII)
		FUZZ_CHECK(n <= len); /* '?' for what cannot be shown */

	/* Step by step: the same bytes. */
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t i = 0, k = 0, used, w, width = 0;
	while (i < len) {
		size_t u =
		        util_clean_unit(s + i, len - i, flags, unit, &used, &w);
		FUZZ_CHECK(used >= 1 && used <= len - i && u <= sizeof(unit));
		FUZZ_CHECK(k + u <= n && memcmp(out + k, unit, u) == 0);
		k += u;
		i += used;
		width += w;
	}
	FUZZ_CHECK(k == n);
	if (flags == 0)
		FUZZ_CHECK(width == util_display_width(s, len));
	free(out);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sets[] = {
	        0,
	        UTIL_CLEAN_LINES,
	        UTIL_CLEAN_ASCII,
	        UTIL_CLEAN_DROP,
	        UTIL_CLEAN_LINES | UTIL_CLEAN_ASCII | UTIL_CLEAN_DROP,
	};
	const char *s = (const char *)data;
	for (size_t f = 0; f < sizeof(sets) / sizeof(sets[0]); f++)
		check_flags(s, size, sets[f]);

	/* util_truncate works on a C string: up to the first NUL. */
	char *c = fuzz_cstr(data, size);
	size_t len = strlen(c), full = util_display_width(c, len);
	char *clean = malloc(UTIL_CLEAN_SIZE(len));
	FUZZ_CHECK(clean);
	size_t cn = util_clean(clean, c, len, 0);
	static const size_t widths[WIDTHS] = {0, 1, 7, 80};
	for (size_t k = 0; k < WIDTHS; k++) {
		char *t = util_truncate(c, widths[k], 0);
		FUZZ_CHECK(t);
		size_t tl = strlen(t), tw = util_display_width(t, tl);
		FUZZ_CHECK(fuzz_printable(t, tl, "", false));
		if (full <= widths[k]) {
			FUZZ_CHECK(tl == cn && memcmp(t, clean, cn) == 0);
		} else {
			FUZZ_CHECK(tl >= 3 &&
			           memcmp(t + tl - 3, "\xe2\x80\xa6", 3) == 0);
			FUZZ_CHECK(memcmp(t, clean, tl - 3) == 0);
			FUZZ_CHECK(tw <= (widths[k] ? widths[k] : 1));
		}
		wipe_free_str(t);
	}
	free(clean);
	free(c);
	return 0;
}
