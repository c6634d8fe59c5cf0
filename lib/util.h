/* Small string helpers shared by lib/ modules. */
#ifndef SELFHELP_UTIL_H
#define SELFHELP_UTIL_H

#include <stdbool.h>
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
bool util_utf8_ok(const char *s, size_t len, size_t *bad);

/*
 * The display sanitizer: how text from the vault or from an import is
 * shown, on a terminal or in a file people read (Markdown, HTML, messages).
 * Nothing in the result can drive a terminal:
 *  - C0 control characters (ESC, CR, NUL ...), DEL and the C1 control
 *    characters U+0080-U+009F become '?' (UTIL_CLEAN_DROP: nothing);
 *  - newline and tab stay with UTIL_CLEAN_LINES (multi-line text), and
 *    each becomes a space without it (one-line fields: tags, names, list
 *    columns); CR LF counts as one newline;
 *  - each byte that does not start a valid UTF-8 character (a raw 0x9b,
 *    a surrogate, a cut sequence) becomes U+FFFD, or '?' with
 *    UTIL_CLEAN_ASCII (a locale that is not UTF-8);
 *  - every other character is kept as it is.
 */
enum util_clean_flags {
	UTIL_CLEAN_LINES = 1 << 0, /* keep newline and tab */
	UTIL_CLEAN_ASCII = 1 << 1, /* '?' rather than U+FFFD */
	UTIL_CLEAN_DROP = 1 << 2,  /* control characters leave no trace */
};

enum { UTIL_CLEAN_UNIT_MAX = 4 }; /* bytes one util_clean_unit writes */

/*
 * Clean the character at the start of s (len > 0 bytes): its shown form
 * goes to out (at most UTIL_CLEAN_UNIT_MAX bytes, not NUL-terminated),
 * *used is set to how many bytes of s it stands for (at least 1) and, if
 * width is not NULL, *width to its display columns. Returns the number of
 * bytes written to out (0 for a dropped control character).
 */
size_t util_clean_unit(const char *s, size_t len, unsigned flags, char *out,
                       size_t *used, size_t *width);

/* Bytes util_clean needs for len bytes of input: every byte may become
 * U+FFFD (3 bytes), plus the NUL. */
#define UTIL_CLEAN_SIZE(len) (3 * (size_t)(len) + 1)

/*
 * Write the cleaned form of `len` bytes of s to out, which has room for
 * UTIL_CLEAN_SIZE(len) bytes, and a NUL. Returns the length written
 * (without the NUL). The result is valid UTF-8.
 */
size_t util_clean(char *out, const char *s, size_t len, unsigned flags);

/*
 * Does `len` bytes of s hold a control character: C0 (but newline and
 * tab with UTIL_CLEAN_LINES), DEL, or C1 (U+0080-U+009F as UTF-8)? Bytes
 * that are not UTF-8 are not looked at (util_utf8_ok checks those). On
 * true, *at (if not NULL) is the offset of the first.
 */
bool util_has_control(const char *s, size_t len, unsigned flags, size_t *at);

/* Display width in terminal columns of `len` bytes of UTF-8 as
 * util_clean shows them on one line (wide characters 2, combining marks
 * 0, a control character or an invalid byte 1). */
size_t util_display_width(const char *s, size_t len);

/*
 * The cleaned one-line form of `s` (util_clean without UTIL_CLEAN_LINES;
 * `flags` may add UTIL_CLEAN_ASCII), cut to at most `width` display
 * columns and then ending in "…", as a malloc'd string (NULL when out of
 * memory). It may hold a person's words: free it with wipe_free_str
 * (wipe.h).
 */
char *util_truncate(const char *s, size_t width, unsigned flags);

/*
 * A whole decimal number from lo to hi, the whole string, into *out.
 * Returns 0, or -1 (empty, not a number, trailing text, out of range).
 */
int util_parse_long(const char *s, long lo, long hi, long *out);

#endif
