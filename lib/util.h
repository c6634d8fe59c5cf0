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
const char *util_suggest(const char *typed, const char *const *names,
			 size_t n);

#endif
