#include "search.h"
#include "util.h"
#include "wipe.h"

#include <sodium.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct search_needle {
	char *s;
	size_t len;
	bool ascii;
	/* Horspool's shifts for an ASCII needle, by lower-cased byte */
	size_t shift[256];
};

/* Folded form of one code point, as UTF-8, into out (>= 64 bytes). */
static size_t
fold_cp(utf8proc_int32_t cp, char *out)
{
	utf8proc_int32_t buf[16];
	int last = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(
	        cp, buf, 16, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, &last);
	size_t len = 0;
	if (n < 0 || n > 16) {
		buf[0] = cp;
		n = 1;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++)
		len += (size_t)utf8proc_encode_char(
		        buf[i], (utf8proc_uint8_t *)out + len);
	return len;
}

/*
 * Fold the character at text[i] into tmp (>= 64 bytes); *step is how many
 * bytes of text it took. Bytes that are not UTF-8 stay as they are.
 */
static size_t
fold_at(const char *text, size_t len, size_t i, char *tmp, size_t *step)
{
	unsigned char c = (unsigned char)text[i];
	if (c < 0x80) {
		tmp[0] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		*step = 1;
		return 1;
	}
	utf8proc_int32_t cp;
	utf8proc_ssize_t r =
	        utf8proc_iterate((const utf8proc_uint8_t *)text + i,
	                         (utf8proc_ssize_t)(len - i), &cp);
	if (r <= 0) {
		tmp[0] = (char)c;
		*step = 1;
		return 1;
	}
	*step = (size_t)r;
	return fold_cp(cp, tmp);
}

/*
 * Fold text into a malloc'd buffer; map[i] is the offset in `text` of the
 * character that produced folded byte i (map has len + 1 entries).
 */
static char *
fold(const char *text, size_t len, size_t *outlen, uint32_t **mapp)
{
	size_t cap = len + 16, n = 0;
	char *out = malloc(cap);
	uint32_t *map = mapp ? malloc(cap * sizeof(*map)) : NULL;
	size_t i = 0;
	if (!out || (mapp && !map))
		goto oom;
	while (i < len) {
		char tmp[64];
		size_t step;
		size_t tl = fold_at(text, len, i, tmp, &step);
		if (n + tl + 1 > cap) {
			size_t ncap = cap * 2 + tl;
			char *no = malloc(ncap);
			uint32_t *nm = mapp ? malloc(ncap * sizeof(*nm)) : NULL;
			if (!no || (mapp && !nm)) {
				free(no);
				free(nm);
				goto oom;
			}
			memcpy(no, out, n);
			wipe_free(out, cap);
			out = no;
			if (mapp) {
				memcpy(nm, map, n * sizeof(*nm));
				free(map);
				map = nm;
			}
			cap = ncap;
		}
		memcpy(out + n, tmp, tl);
		if (map)
			for (size_t k = 0; k < tl; k++)
				map[n + k] = (uint32_t)i;
		n += tl;
		i += step;
	}
	if (map)
		map[n] = (uint32_t)len;
	out[n] = '\0';
	*outlen = n;
	if (mapp)
		*mapp = map;
	return out;
oom:
	wipe_free(out, cap);
	free(map);
	return NULL;
}

/* Is every byte ASCII? Eight bytes at a time. */
static bool
is_ascii(const char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			return false;
	}
	for (; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

struct search_needle *
search_needle_new(const char *s)
{
	struct search_needle *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->s = fold(s, strlen(s), &n->len, NULL);
	if (!n->s || n->len == 0) {
		search_needle_free(n);
		return NULL;
	}
	n->ascii = is_ascii(n->s, n->len);
	for (size_t i = 0; i < 256; i++)
		n->shift[i] = n->len;
	for (size_t i = 0; i + 1 < n->len; i++)
		n->shift[(unsigned char)n->s[i]] = n->len - 1 - i;
	return n;
}

void
search_needle_free(struct search_needle *n)
{
	if (!n)
		return;
	wipe_free(n->s, n->len);
	free(n);
}

bool
search_needle_json_plain(const struct search_needle *n)
{
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)n->s[i];
		if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
			return false;
	}
	return true;
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* ASCII-only needle in ASCII-only text, Horspool's way: no folding
 * buffer needed. */
static bool
find_ascii(const struct search_needle *n, const char *text, size_t len,
           size_t *start)
{
	const unsigned char *t = (const unsigned char *)text;
	const unsigned char *p = (const unsigned char *)n->s;
	size_t m = n->len;
	for (size_t i = 0; i + m <= len;) {
		unsigned char last = lower(t[i + m - 1]);
		if (last == p[m - 1]) {
			size_t k = 0;
			while (k + 1 < m && lower(t[i + k]) == p[k])
				k++;
			if (k + 1 >= m) {
				*start = i;
				return true;
			}
		}
		i += n->shift[last];
	}
	return false;
}

bool
search_find(const struct search_needle *n, const char *text, size_t len,
            size_t *start, size_t *end)
{
	size_t s;
	if (n->ascii && is_ascii(text, len)) {
		if (!find_ascii(n, text, len, &s))
			return false;
		if (start)
			*start = s;
		if (end)
			*end = s + n->len;
		return true;
	}
	size_t flen;
	uint32_t *map = NULL;
	char *f = fold(text, len, &flen, &map);
	bool hit = false;
	if (!f)
		return false;
	char *m = memmem(f, flen, n->s, n->len);
	if (m) {
		size_t fs = (size_t)(m - f), fe = fs + n->len;
		hit = true;
		if (start)
			*start = map[fs];
		if (end) {
			/* the end of the source character holding byte fe-1 */
			size_t e = map[fe - 1];
			while (fe < flen && map[fe] == e)
				fe++;
			*end = map[fe];
		}
	}
	wipe_free(f, flen);
	free(map);
	return hit;
}

static bool
is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

char *
search_snippet(const char *text, size_t len, size_t start, size_t end,
               size_t context)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
	size_t a = start, b = end, chars;
	if (start > len)
		start = a = len;
	if (end > len || end < start)
		end = b = start;
	for (chars = 0; a > 0 && chars < context; chars++) {
		a--;
		while (a > 0 && is_cont((unsigned char)text[a]))
			a--;
	}
	for (chars = 0; b < len && chars < context; chars++) {
		b++;
		while (b < len && is_cont((unsigned char)text[b]))
			b++;
	}
	char *out = malloc((b - a) + 2 * sizeof(ellipsis) + 1);
	size_t n = 0;
	if (!out)
		return NULL;
	if (a > 0) {
		memcpy(out, ellipsis, 3);
		n = 3;
	}
	for (size_t i = a; i < b; i++) {
		/* One line; other control characters are left to the
		 * display sanitizer (util_clean), as in the rest of a list. */
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\t' || c == '\r')
			c = ' ';
		out[n++] = (char)c;
	}
	if (b < len) {
		memcpy(out + n, ellipsis, 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* The display columns of units [a, b) plus the "…" each cut side needs. */
static size_t
fit_cost(size_t w, size_t a, size_t b, size_t n)
{
	return w + (a > 0) + (b < n);
}

int
search_snippet_fit(const char *text, size_t len, size_t start, size_t end,
                   size_t cols, unsigned flags, struct search_snip *out)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t n = 0, used, cw, total = 0, ms = 0, me, a, b, w;

	memset(out, 0, sizeof(*out));
	flags &= ~(unsigned)(UTIL_CLEAN_LINES | UTIL_CLEAN_DROP);
	if (start > len)
		start = len;
	if (end > len || end < start)
		end = start;
	/* One unit a shown character: where it starts, its columns. */
	size_t *off = malloc((len + 1) * sizeof(*off));
	unsigned char *wd = malloc(len + 1);
	if (!off || !wd)
		goto fail;
	for (size_t i = 0; i < len; i += used) {
		util_clean_unit(text + i, len - i, flags, unit, &used, &cw);
		off[n] = i;
		wd[n] = (unsigned char)cw;
		total += cw;
		n++;
	}
	off[n] = len;
	while (ms < n && off[ms + 1] <= start)
		ms++; /* the unit that holds byte `start` */
	me = ms;
	while (me < n && off[me] < end)
		me++;
	while (me > ms && me < n && wd[me] == 0)
		me++; /* the match's combining marks */

	if (total <= cols) {
		a = 0;
		b = n;
	} else {
		a = b = ms;
		w = 0;
		/* the match, as much of it as fits */
		while (b < me && fit_cost(w + wd[b], a, b + 1, n) <= cols)
			w += wd[b++];
		if (b == me) {
			size_t mw = w, room = cols > mw + 2 ? cols - mw - 2 : 0;
			size_t lw = 0, before = room / 3;
			while (a > 0 && lw + wd[a - 1] <= before &&
			       fit_cost(w + wd[a - 1], a - 1, b, n) <= cols) {
				a--;
				lw += wd[a];
				w += wd[a];
			}
			while (b < n &&
			       fit_cost(w + wd[b], a, b + 1, n) <= cols)
				w += wd[b++];
			while (a > 0 &&
			       fit_cost(w + wd[a - 1], a - 1, b, n) <= cols)
				w += wd[--a];
		}
		/* never begin on a combining mark cut from its character */
		while (a < ms && wd[a] == 0)
			a++;
	}

	size_t bytes = off[b] - off[a];
	char *s = malloc(UTIL_CLEAN_SIZE(bytes) + 2 * (sizeof(ellipsis) - 1));
	size_t k = 0;
	if (!s)
		goto fail;
	w = 0;
	if (a > 0) {
		memcpy(s, ellipsis, sizeof(ellipsis) - 1);
		k = sizeof(ellipsis) - 1;
		w++;
	}
	out->hl_start = out->hl_end = k;
	for (size_t u = a; u < b; u++) {
		if (u == ms)
			out->hl_start = k;
		if (u == me)
			out->hl_end = k;
		k += util_clean_unit(text + off[u], len - off[u], flags, s + k,
		                     &used, &cw);
		w += cw;
	}
	if (b <= me)
		out->hl_end = k;
	if (me == ms)
		out->hl_end = out->hl_start;
	if (b < n) {
		memcpy(s + k, ellipsis, sizeof(ellipsis) - 1);
		k += sizeof(ellipsis) - 1;
		w++;
	}
	s[k] = '\0';
	out->text = s;
	out->width = w;
	sodium_memzero(unit, sizeof(unit));
	free(off);
	free(wd);
	return 0;
fail:
	sodium_memzero(unit, sizeof(unit));
	free(off);
	free(wd);
	return -1;
}

/* --- filters --- */

enum {
	FILTER_MIN = 64,   /* bytes */
	FILTER_MAX = 4096, /* bytes */
};

size_t
search_filter_size(size_t len)
{
	/* about 1.5 bits a byte of text: a third to two fifths of the bits
	 * set in ordinary prose */
	size_t want = len / 16 * 3, n = FILTER_MIN;
	while (n < want && n < FILTER_MAX)
		n *= 2;
	return n;
}

/* The bit of a three-byte window, in a filter of `bits` bits. */
static size_t
filter_bit(uint32_t tri, size_t bits)
{
	uint32_t h = tri * 0x9E3779B1u;
	return (size_t)(((uint64_t)h * bits) >> 32);
}

/* May a window of folded bytes count? Not when JSON would write one of
 * them escaped (the head is stored as JSON; its strings are searched
 * unescaped). */
static bool
filter_byte_ok(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

/* A filter of 2^k bits: filter_bit is then h >> (32 - k), the same bit
 * without the wide multiply. */
#define FILTER_SET(filter, win, shift)                                         \
	do {                                                                   \
		uint32_t b_ = ((win)*0x9E3779B1u) >> (shift);                  \
		(filter)[b_ >> 3] |= (unsigned char)(1u << (b_ & 7));          \
	} while (0)

/* ASCII folded to lower case, without a branch. */
static inline uint32_t
fold_ascii(unsigned char c)
{
	return c + ((unsigned)(c - 'A') < 26u ? 32u : 0u);
}

/* Eight ASCII bytes (as loaded from memory) folded to lower case at
 * once: 0x20 added to each byte from 'A' to 'Z'. No byte carries into
 * the next, as none is above 0x7f. */
static inline uint64_t
fold_ascii8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
	uint64_t ge_a = w + ones * (0x80 - 'A');     /* high bit: c >= 'A' */
	uint64_t gt_z = w + ones * (0x80 - 'Z' - 1); /* high bit: c > 'Z' */
	return w + ((ge_a & ~gt_z & high) >> 2);
}

/*
 * The bits of the eight windows that end in the folded bytes of w, after
 * the window `win` (of the bytes before them); the last window. The
 * windows are read out of the bytes in memory order at once, rather than
 * shifted in one at a time, so that one does not wait for the last.
 */
static inline uint32_t
filter_add8(unsigned char *filter, unsigned shift, uint32_t win, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t y = __builtin_bswap64(w); /* the first byte on top */
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint64_t y = w;
#else
	uint64_t y = 0;
	unsigned char b[8];
	memcpy(b, &w, 8);
	for (int k = 0; k < 8; k++)
		y = y << 8 | b[k];
#endif
	uint32_t c0 = (uint32_t)(y >> 56), c1 = (uint32_t)(y >> 48) & 0xff;
	FILTER_SET(filter, (win << 8 | c0) & 0xffffff, shift);
	FILTER_SET(filter, (win << 16 | c0 << 8 | c1) & 0xffffff, shift);
	for (int k = 2; k < 8; k++)
		FILTER_SET(filter, (uint32_t)(y >> (8 * (7 - k))) & 0xffffff,
		           shift);
	return (uint32_t)y & 0xffffff;
}

void
search_filter_add(unsigned char *filter, size_t size, const char *text,
                  size_t len)
{
	size_t bits = size * 8, i = 0;
	uint32_t win = 0;
	unsigned have = 0, shift = 32;
	const unsigned char *t = (const unsigned char *)text;
	if (bits && !(bits & (bits - 1)) && bits <= ((size_t)1 << 31)) {
		for (size_t b = bits; b > 1; b >>= 1)
			shift--;
	} else
		shift = 0; /* not a power of two: filter_bit */
	while (i < len) {
		/* eight ASCII bytes at a time once the window is full: the
		 * bulk of any text */
		if (shift && have >= 3) {
			while (len - i >= 8) {
				uint64_t w8;
				memcpy(&w8, t + i, 8);
				if (w8 & 0x8080808080808080u)
					break;
				win = filter_add8(filter, shift, win,
				                  fold_ascii8(w8));
				i += 8;
			}
			if (i >= len)
				break;
		}
		unsigned char c = t[i];
		if (c < 0x80) {
			/* the common case, without the call */
			win = (win << 8 | fold_ascii(c)) & 0xffffff;
			if (++have >= 3) {
				size_t b = filter_bit(win, bits);
				filter[b / 8] |= (unsigned char)(1u << (b % 8));
			}
			i++;
			continue;
		}
		char tmp[64];
		size_t step;
		size_t tl = fold_at(text, len, i, tmp, &step);
		for (size_t k = 0; k < tl; k++) {
			win = (win << 8 | (unsigned char)tmp[k]) & 0xffffff;
			if (++have >= 3) {
				size_t b = filter_bit(win, bits);
				filter[b / 8] |= (unsigned char)(1u << (b % 8));
			}
		}
		i += step;
	}
}

bool
search_needle_filters(const struct search_needle *n)
{
	for (size_t i = 0; i + 3 <= n->len; i++)
		if (filter_byte_ok((unsigned char)n->s[i]) &&
		    filter_byte_ok((unsigned char)n->s[i + 1]) &&
		    filter_byte_ok((unsigned char)n->s[i + 2]))
			return true;
	return false;
}

bool
search_filter_may_hold(const struct search_needle *n,
                       const unsigned char *filter, size_t size)
{
	size_t bits = size * 8;
	if (!size)
		return true;
	for (size_t i = 0; i + 3 <= n->len; i++) {
		unsigned char a = (unsigned char)n->s[i],
		              b = (unsigned char)n->s[i + 1],
		              c = (unsigned char)n->s[i + 2];
		if (!filter_byte_ok(a) || !filter_byte_ok(b) ||
		    !filter_byte_ok(c))
			continue;
		size_t bit = filter_bit(
		        (uint32_t)a << 16 | (uint32_t)b << 8 | c, bits);
		if (!(filter[bit / 8] & (1u << (bit % 8))))
			return false;
	}
	return true;
}
