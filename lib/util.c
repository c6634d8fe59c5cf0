#include "util.h"

#include <errno.h>

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { SWAP_COST = 0, SUBST_COST = 2, INSERT_COST = 1, DELETE_COST = 3 };
enum { MAX_LEN = 256, FAR = 1 << 20 };

static int
min2(int a, int b)
{
	return a < b ? a : b;
}

int
util_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAX_LEN || lb > MAX_LEN)
		return FAR;
	int *row0 = calloc(lb + 1, sizeof(int));
	int *row1 = calloc(lb + 1, sizeof(int));
	int *row2 = calloc(lb + 1, sizeof(int));
	int d = FAR;
	if (!row0 || !row1 || !row2)
		goto out;
	for (size_t j = 0; j <= lb; j++)
		row1[j] = (int)j * INSERT_COST;
	for (size_t i = 0; i < la; i++) {
		row2[0] = (int)(i + 1) * DELETE_COST;
		for (size_t j = 0; j < lb; j++) {
			row2[j + 1] = row1[j] + SUBST_COST * (a[i] != b[j]);
			if (i > 0 && j > 0 && a[i - 1] == b[j] &&
			    a[i] == b[j - 1])
				row2[j + 1] = min2(row2[j + 1],
				                   row0[j - 1] + SWAP_COST);
			row2[j + 1] =
			        min2(row2[j + 1], row1[j + 1] + DELETE_COST);
			row2[j + 1] = min2(row2[j + 1], row2[j] + INSERT_COST);
		}
		int *tmp = row0;
		row0 = row1;
		row1 = row2;
		row2 = tmp;
	}
	d = row1[lb];
out:
	free(row0);
	free(row1);
	free(row2);
	return d;
}

const char *
util_suggest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	int best_d = FAR;
	size_t tl = strlen(typed);
	/* git suggests candidates within distance 7 (its SIMILARITY_FLOOR) */
	enum { FLOOR = 7 };
	for (size_t i = 0; i < n; i++) {
		int d = util_edit_distance(typed, names[i]);
		if (tl >= 2 && strncmp(names[i], typed, tl) == 0)
			d = 0;
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= FLOOR ? best : NULL;
}

bool
util_utf8_ok(const char *s, size_t len, size_t *bad)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r;
		if (s[i] == '\0') {
			if (bad)
				*bad = i;
			return false;
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                     (utf8proc_ssize_t)(len - i), &cp);
		if (r <= 0) {
			if (bad)
				*bad = i;
			return false;
		}
		i += (size_t)r;
	}
	return true;
}

/* C0 (with or without newline and tab), DEL and C1 control characters. */
static bool
is_control(utf8proc_int32_t cp, unsigned flags)
{
	if ((cp == '\n' || cp == '\t') && (flags & UTIL_CLEAN_LINES))
		return false;
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* The code point at s (len > 0 bytes) and its length, or 0 when s does
 * not start with a valid UTF-8 character. */
static size_t
next_cp(const char *s, size_t len, utf8proc_int32_t *cp)
{
	if ((unsigned char)s[0] < 0x80) {
		*cp = (unsigned char)s[0];
		return 1;
	}
	if (len > (size_t)PTRDIFF_MAX)
		len = (size_t)PTRDIFF_MAX;
	utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s,
	                                      (utf8proc_ssize_t)len, cp);
	return r > 0 ? (size_t)r : 0;
}

size_t
util_clean_unit(const char *s, size_t len, unsigned flags, char *out,
                size_t *used, size_t *width)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	utf8proc_int32_t cp;
	size_t n = next_cp(s, len, &cp), w = 1, k = 1;
	if (n == 0) {
		*used = 1;
		if (flags & UTIL_CLEAN_ASCII) {
			out[0] = '?';
		} else {
			memcpy(out, replacement, sizeof(replacement) - 1);
			k = sizeof(replacement) - 1;
		}
	} else if (cp == '\r' && len > 1 && s[1] == '\n') {
		*used = 2;
		out[0] = flags & UTIL_CLEAN_LINES ? '\n' : ' ';
	} else if (cp == '\n' || cp == '\t') {
		*used = 1;
		out[0] = flags & UTIL_CLEAN_LINES ? (char)cp : ' ';
	} else if (is_control(cp, flags)) {
		*used = n;
		out[0] = '?';
		if (flags & UTIL_CLEAN_DROP)
			k = w = 0;
	} else {
		int cw = utf8proc_charwidth(cp);
		*used = k = n;
		memcpy(out, s, n);
		w = cw < 0 ? 0 : (size_t)cw;
	}
	if (width)
		*width = w;
	return k;
}

size_t
util_clean(char *out, const char *s, size_t len, unsigned flags)
{
	size_t i = 0, n = 0, used;
	while (i < len) {
		n += util_clean_unit(s + i, len - i, flags, out + n, &used,
		                     NULL);
		i += used;
	}
	out[n] = '\0';
	return n;
}

bool
util_has_control(const char *s, size_t len, unsigned flags, size_t *at)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		size_t n = next_cp(s + i, len - i, &cp);
		if (n && is_control(cp, flags)) {
			if (at)
				*at = i;
			return true;
		}
		i += n ? n : 1;
	}
	return false;
}

size_t
util_display_width(const char *s, size_t len)
{
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t i = 0, w = 0, used, cw;
	while (i < len) {
		util_clean_unit(s + i, len - i, 0, unit, &used, &cw);
		w += cw;
		i += used;
	}
	return w;
}

char *
util_truncate(const char *s, size_t width, unsigned flags)
{
	static const char ellipsis[] = "\xe2\x80\xa6";
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t len = strlen(s), i = 0, w = 0, n = 0, used, cw;
	char *out;
	flags &= ~(unsigned)(UTIL_CLEAN_LINES | UTIL_CLEAN_DROP);
	if (len > (SIZE_MAX - sizeof(ellipsis)) / 3 ||
	    !(out = malloc(UTIL_CLEAN_SIZE(len) + sizeof(ellipsis))))
		return NULL;
	if (util_display_width(s, len) <= width)
		width = SIZE_MAX; /* fits: no ellipsis needed */
	else if (width > 0)
		width--; /* room for the ellipsis */
	while (i < len) {
		size_t k = util_clean_unit(s + i, len - i, flags, unit, &used,
		                           &cw);
		if (w + cw > width)
			break;
		memcpy(out + n, unit, k);
		n += k;
		w += cw;
		i += used;
	}
	sodium_memzero(unit, sizeof(unit));
	if (i < len) {
		memcpy(out + n, ellipsis, sizeof(ellipsis) - 1);
		n += sizeof(ellipsis) - 1;
	}
	out[n] = '\0';
	return out;
}

int
util_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	if (!*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
