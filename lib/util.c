#include "util.h"

#include <errno.h>

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

/* Width of one code point; control characters are shown as one space. */
static size_t
cp_width(utf8proc_int32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return 1;
	int w = utf8proc_charwidth(cp);
	return w < 0 ? 0 : (size_t)w;
}

size_t
util_display_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r =
		        utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                         (utf8proc_ssize_t)(len - i), &cp);
		if (r <= 0) {
			w++;
			i++;
			continue;
		}
		w += cp_width(cp);
		i += (size_t)r;
	}
	return w;
}

char *
util_truncate(const char *s, size_t width)
{
	size_t len = strlen(s), i = 0, w = 0, n = 0;
	char *out = malloc(len + 4);
	if (!out)
		return NULL;
	if (util_display_width(s, len) <= width)
		width = (size_t)-1; /* fits: no ellipsis needed */
	else if (width > 0)
		width--; /* room for the ellipsis */
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r =
		        utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                         (utf8proc_ssize_t)(len - i), &cp);
		size_t cw = r <= 0 ? 1 : cp_width(cp);
		size_t step = r <= 0 ? 1 : (size_t)r;
		if (w + cw > width)
			break;
		if (r <= 0 || cp < 0x20 || cp == 0x7f) {
			out[n++] = r <= 0 ? '?' : ' ';
		} else {
			memcpy(out + n, s + i, step);
			n += step;
		}
		w += cw;
		i += step;
	}
	if (i < len) {
		memcpy(out + n, "\xe2\x80\xa6", 3);
		n += 3;
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
