/* Small string helpers shared by lib/ modules. */
#ifndef SELFHELP_UTIL_H
#define SELFHELP_UTIL_H

#include <stddef.h>

/*
 * Weighted Damerau-Levenshtein distance between a and b (git's weights:
 * swap 0, substitution 2, insertion 1, deletion 3), as git uses for
 * "did you mean". Returns a large number if a string is very long.
 */
int util_edit_distance(const char *a, const char *b);

/*
 * Closest candidate to `typed` among n names, or NULL when none is close
 * enough to suggest (git's threshold, plus prefix matches). Borrowed.
 */
const char *util_suggest(const char *typed, const char *const *names, size_t n);

/*
 * Is `len` bytes of `s` valid UTF-8 with no NUL byte? On false, *bad (if
 * not NULL) is the offset of the first offending byte.
 */
#include <stdbool.h>
bool util_utf8_ok(const char *s, size_t len, size_t *bad);

/* Display width in terminal columns of `len` bytes of UTF-8 (wide
 * characters 2, combining marks 0, invalid bytes 1). */
size_t util_display_width(const char *s, size_t len);

/*
 * Copy at most `width` display columns of `s` into a malloc'd string,
 * ending in "…" when cut; control characters become spaces.
 */
char *util_truncate(const char *s, size_t width);
/*
 * A whole decimal number from lo to hi, the whole string, into *out.
 * Returns 0, or -1 (empty, not a number, trailing text, out of range).
 */
int util_parse_long(const char *s, long lo, long hi, long *out);

#endif
