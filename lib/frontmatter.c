#include "frontmatter.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_names[FRONTMATTER_NKEYS] = {
        "title", "slug", "summary", "category", "aliases", "related", "note",
};

static const char *const categories[] = {
        "Start here",
        "Roots of CPTSD",
        "Symptoms and reactions",
        "Feelings",
        "The self",
        "Relationships",
        "Skills for daily life",
        "Therapy and approaches",
        "Self-help groups",
};
enum { NCATEGORIES = sizeof(categories) / sizeof(categories[0]) };

static const char *const sections[FRONTMATTER_NSECTIONS] = {
        "What it is",
        "How it can show up with CPTSD",
        "Gentle self-help practices",
        "Journaling prompts",
        "When to look for professional help",
        "Further reading",
};

static const char utf8_replacement[] = "\xef\xbf\xbd";

size_t
frontmatter_ncategories(void)
{
	return NCATEGORIES;
}

int
frontmatter_category_index(const char *name)
{
	for (size_t i = 0; name && i < NCATEGORIES; i++)
		if (strcmp(categories[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
frontmatter_section(size_t i)
{
	return i < FRONTMATTER_NSECTIONS ? sections[i] : NULL;
}

bool
frontmatter_is_slug(const char *s)
{
	bool prev_dash = true; /* no leading '-' */
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s == '-') {
			if (prev_dash)
				return false;
			prev_dash = true;
		} else if ((*s >= 'a' && *s <= 'z') ||
		           (*s >= '0' && *s <= '9')) {
			prev_dash = false;
		} else {
			return false;
		}
	}
	return !prev_dash;
}

static int set_error(struct frontmatter_error *err, int line, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));

static int
set_error(struct frontmatter_error *err, int line, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return -1;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* One line of `data` from *pos, without its "\n" or "\r\n". */
static bool
next_line(const char *data, size_t len, size_t *pos, const char **s, size_t *n)
{
	if (*pos >= len)
		return false;
	const char *start = data + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t l = nl ? (size_t)(nl - start) : len - *pos;
	*pos += l + (nl ? 1 : 0);
	if (l > 0 && start[l - 1] == '\r')
		l--;
	*s = start;
	*n = l;
	return true;
}

static void
trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool
is_fence_line(const char *s, size_t n)
{
	trim(&s, &n);
	if (n < 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '-')
			return false;
	return n == 3;
}

/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length
 * and stores the code point, or returns 0 for an invalid sequence
 * (overlong, surrogate, out of range, truncated).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t l;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		l = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		l = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		l = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < l)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return l;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * Copy n bytes of s into a new string without control characters (C0,
 * DEL, C1; a tab becomes a space) and with invalid UTF-8 replaced by
 * U+FFFD. Sets *bad when there was invalid UTF-8. NULL when out of memory.
 */
static char *
clean_value(const char *s, size_t n, bool *bad)
{
	char *out = malloc(n * 3 + 1), *o = out;
	const unsigned char *u = (const unsigned char *)s;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (l == 0) {
			*bad = true;
			memcpy(o, utf8_replacement, 3);
			o += 3;
			i++;
			continue;
		}
		if (cp == '\t')
			*o++ = ' ';
		else if (!(cp < 0x20 || cp == 0x7f ||
		           (cp >= 0x80 && cp < 0xa0)))
			for (size_t j = 0; j < l; j++)
				*o++ = s[i + j];
		i += l;
	}
	*o = '\0';
	return out;
}

/* Split a comma-separated list; empty items are dropped. */
static int
split_list(const char *v, char ***items, size_t *nitems)
{
	size_t cap = 1;
	for (const char *p = v; *p; p++)
		cap += *p == ',';
	char **list = calloc(cap, sizeof(*list));
	size_t n = 0;
	if (!list)
		return -1;
	while (*v) {
		const char *end = strchr(v, ',');
		size_t l = end ? (size_t)(end - v) : strlen(v);
		const char *s = v;
		trim(&s, &l);
		if (l) {
			list[n] = malloc(l + 1);
			if (!list[n]) {
				for (size_t i = 0; i < n; i++)
					free(list[i]);
				free(list);
				return -1;
			}
			memcpy(list[n], s, l);
			list[n++][l] = '\0';
		}
		v += (end ? (size_t)(end - v) + 1 : strlen(v));
	}
	*items = list;
	*nitems = n;
	return 0;
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

void
frontmatter_release(struct frontmatter *fm)
{
	if (!fm)
		return;
	free(fm->title);
	free(fm->slug);
	free(fm->summary);
	free(fm->category);
	free(fm->note);
	free_list(fm->aliases, fm->naliases);
	free_list(fm->related, fm->nrelated);
	memset(fm, 0, sizeof(*fm));
}

static enum frontmatter_key
find_key(const char *s, size_t n)
{
	for (int k = 0; k < FRONTMATTER_NKEYS; k++)
		if (strlen(key_names[k]) == n &&
		    memcmp(key_names[k], s, n) == 0)
			return (enum frontmatter_key)k;
	return FRONTMATTER_NKEYS;
}

/* Store one "key: value" line. Returns 0, or -1 with err set. */
static int
store_value(struct frontmatter *fm, enum frontmatter_key k, const char *v,
            size_t n, int line, unsigned flags, struct frontmatter_error *err)
{
	bool bundled = flags & FRONTMATTER_BUNDLED, bad = false;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		if (bundled)
			return set_error(err, line,
			                 "'%s' is written without quotes "
			                 "around its value",
			                 key_names[k]);
		v++;
		n -= 2;
		trim(&v, &n);
	}
	char *value = clean_value(v, n, &bad);
	if (!value)
		return set_error(err, line, "out of memory");
	if (bad && bundled) {
		free(value);
		return set_error(err, line, "this line is not valid UTF-8");
	}
	int r = 0;
	switch (k) {
	case FRONTMATTER_ALIASES:
		r = split_list(value, &fm->aliases, &fm->naliases);
		free(value);
		break;
	case FRONTMATTER_RELATED:
		r = split_list(value, &fm->related, &fm->nrelated);
		free(value);
		break;
	case FRONTMATTER_TITLE:
		fm->title = value;
		break;
	case FRONTMATTER_SLUG:
		fm->slug = value;
		break;
	case FRONTMATTER_SUMMARY:
		fm->summary = value;
		break;
	case FRONTMATTER_CATEGORY:
		fm->category = value;
		break;
	case FRONTMATTER_NOTE:
		fm->note = value;
		break;
	case FRONTMATTER_NKEYS:
		free(value);
		break;
	}
	if (r < 0)
		return set_error(err, line, "out of memory");
	return 0;
}

static char **
value_slot(struct frontmatter *fm, enum frontmatter_key k)
{
	switch (k) {
	case FRONTMATTER_TITLE:
		return &fm->title;
	case FRONTMATTER_SLUG:
		return &fm->slug;
	case FRONTMATTER_SUMMARY:
		return &fm->summary;
	case FRONTMATTER_CATEGORY:
		return &fm->category;
	case FRONTMATTER_NOTE:
		return &fm->note;
	default:
		return NULL;
	}
}

/* The rules that need the whole front matter; `close` is its last line. */
static int
check_values(struct frontmatter *fm, int close, unsigned flags,
             struct frontmatter_error *err)
{
	bool bundled = flags & FRONTMATTER_BUNDLED;
	static const enum frontmatter_key required[] = {
	        FRONTMATTER_TITLE, FRONTMATTER_SLUG, FRONTMATTER_SUMMARY,
	        FRONTMATTER_CATEGORY, FRONTMATTER_RELATED};
	size_t nrequired = bundled ? 5 : 2;
	const int *kl = fm->key_line;

	for (size_t i = 0; i < nrequired; i++) {
		enum frontmatter_key k = required[i];
		if (!kl[k])
			return set_error(err, close,
			                 "the front matter has no '%s' line",
			                 key_names[k]);
	}
	for (int k = 0; k < FRONTMATTER_NKEYS; k++) {
		char **slot = value_slot(fm, (enum frontmatter_key)k);
		if (!slot || !*slot || **slot)
			continue;
		if (k == FRONTMATTER_NOTE && bundled)
			return set_error(err, kl[k],
			                 "'note' has no text; leave the line "
			                 "out when a page needs no note");
		if (k == FRONTMATTER_TITLE || k == FRONTMATTER_SLUG || bundled)
			return set_error(err, kl[k], "'%s' has no value",
			                 key_names[k]);
		free(*slot);
		*slot = NULL;
	}
	if (!frontmatter_is_slug(fm->slug))
		return set_error(err, kl[FRONTMATTER_SLUG],
		                 "'%s' is not a slug (lower-case letters, "
		                 "digits and '-', like inner-critic)",
		                 fm->slug);
	for (size_t i = 0; i < fm->nrelated; i++) {
		const char *r = fm->related[i];
		if (!frontmatter_is_slug(r))
			return set_error(err, kl[FRONTMATTER_RELATED],
			                 "'%s' in related is not a slug "
			                 "(lower-case letters, digits and "
			                 "'-')",
			                 r);
		if (strcmp(r, fm->slug) == 0)
			return set_error(err, kl[FRONTMATTER_RELATED],
			                 "related names the page itself "
			                 "('%s')",
			                 r);
		for (size_t j = 0; j < i; j++)
			if (strcmp(fm->related[j], r) == 0)
				return set_error(err, kl[FRONTMATTER_RELATED],
				                 "related names '%s' twice", r);
	}
	if (!bundled)
		return 0;
	if (frontmatter_category_index(fm->category) < 0)
		return set_error(err, kl[FRONTMATTER_CATEGORY],
		                 "'%s' is not one of the categories (Start "
		                 "here, Roots of CPTSD, Symptoms and "
		                 "reactions, Feelings, The self, "
		                 "Relationships, Skills for daily life, "
		                 "Therapy and approaches, Self-help groups)",
		                 fm->category);
	size_t n = utf8_chars(fm->summary);
	if (n > FRONTMATTER_SUMMARY_MAX)
		return set_error(err, kl[FRONTMATTER_SUMMARY],
		                 "the summary has %zu characters; at most %d "
		                 "fit",
		                 n, FRONTMATTER_SUMMARY_MAX);
	if (fm->note && (n = utf8_chars(fm->note)) > FRONTMATTER_NOTE_MAX)
		return set_error(err, kl[FRONTMATTER_NOTE],
		                 "the note has %zu characters; at most %d "
		                 "fit",
		                 n, FRONTMATTER_NOTE_MAX);
	if (fm->nrelated < FRONTMATTER_RELATED_MIN ||
	    fm->nrelated > FRONTMATTER_RELATED_MAX)
		return set_error(err, kl[FRONTMATTER_RELATED],
		                 "related names %zu topics; a page names %d "
		                 "to %d",
		                 fm->nrelated, FRONTMATTER_RELATED_MIN,
		                 FRONTMATTER_RELATED_MAX);
	return 0;
}

static int
parse(struct frontmatter *fm, const char *data, size_t len, unsigned flags,
      struct frontmatter_error *err)
{
	size_t pos = 0, n;
	const char *s;
	int line = 1;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	if (!next_line(data, len, &pos, &s, &n))
		return set_error(err, 1,
		                 "the file is empty; a topic starts with a "
		                 "'---' line and its front matter");
	if (!is_fence_line(s, n))
		return set_error(err, 1,
		                 "a topic starts with a '---' line, then its "
		                 "front matter");
	for (;;) {
		if (!next_line(data, len, &pos, &s, &n))
			return set_error(err, 1,
			                 "the front matter has no closing "
			                 "'---' line");
		line++;
		if (is_fence_line(s, n))
			break;
		trim(&s, &n);
		if (!n)
			continue;
		const char *colon = memchr(s, ':', n);
		if (!colon)
			return set_error(err, line,
			                 "this line needs the form 'key: "
			                 "value'");
		const char *ks = s, *v = colon + 1;
		size_t kn = (size_t)(colon - s), vn = n - kn - 1;
		trim(&ks, &kn);
		trim(&v, &vn);
		enum frontmatter_key k = find_key(ks, kn);
		if (k == FRONTMATTER_NKEYS) {
			/* The message is printed: no control characters. */
			bool bad = false;
			char *key = clean_value(ks, kn > 40 ? 40 : kn, &bad);
			set_error(err, line,
			          "'%s' is not a front matter key (the keys "
			          "are title, slug, summary, category, "
			          "aliases, related, note)",
			          key ? key : "?");
			free(key);
			return -1;
		}
		if (fm->key_line[k])
			return set_error(err, line,
			                 "'%s' appears twice (also on line %d)",
			                 key_names[k], fm->key_line[k]);
		fm->key_line[k] = line;
		if (store_value(fm, k, v, vn, line, flags, err) < 0)
			return -1;
	}
	fm->body_offset = pos;
	fm->body_line = line + 1;
	return check_values(fm, line, flags, err);
}

int
frontmatter_parse(struct frontmatter *fm, const char *data, size_t len,
                  unsigned flags, struct frontmatter_error *err)
{
	memset(fm, 0, sizeof(*fm));
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (parse(fm, data, len, flags, err) < 0) {
		frontmatter_release(fm);
		return -1;
	}
	return 0;
}

/* An ATX heading "##... text"? Sets its level and text (trimmed). */
static int
heading_level(const char *s, size_t n, const char **text, size_t *tn)
{
	size_t indent = 0, h = 0;
	while (indent < n && indent < 4 && s[indent] == ' ')
		indent++;
	if (indent > 3)
		return 0;
	s += indent;
	n -= indent;
	while (h < n && s[h] == '#')
		h++;
	if (h == 0 || h > 6 || (h < n && s[h] != ' ' && s[h] != '\t'))
		return 0;
	s += h;
	n -= h;
	trim(&s, &n);
	/* an optional closing sequence of '#' */
	size_t e = n;
	while (e && s[e - 1] == '#')
		e--;
	if (e < n && (e == 0 || s[e - 1] == ' ' || s[e - 1] == '\t')) {
		n = e;
		trim(&s, &n);
	}
	*text = s;
	*tn = n;
	return (int)h;
}

/* A code fence opener or closer: returns its char and sets its length. */
static char
code_fence(const char *s, size_t n, size_t *flen)
{
	size_t indent = 0, l = 0;
	while (indent < n && indent < 4 && s[indent] == ' ')
		indent++;
	if (indent > 3 || indent >= n)
		return 0;
	char c = s[indent];
	if (c != '`' && c != '~')
		return 0;
	while (indent + l < n && s[indent + l] == c)
		l++;
	if (l < 3)
		return 0;
	*flen = l;
	return c;
}

static int
section_index(const char *s, size_t n)
{
	for (int i = 0; i < FRONTMATTER_NSECTIONS; i++)
		if (strlen(sections[i]) == n && memcmp(sections[i], s, n) == 0)
			return i;
	return -1;
}

int
frontmatter_check_body(const char *body, size_t len, int first_line,
                       struct frontmatter_error *err)
{
	size_t pos = 0, n, fence_len = 0, flen;
	const char *s, *text;
	size_t tn;
	int line = first_line - 1, expect = 0;
	char fence = 0, c;

	while (next_line(body, len, &pos, &s, &n)) {
		line++;
		if ((c = code_fence(s, n, &flen))) {
			if (!fence) {
				fence = c;
				fence_len = flen;
			} else if (c == fence && flen >= fence_len) {
				fence = 0;
			}
			continue;
		}
		if (fence)
			continue;
		int h = heading_level(s, n, &text, &tn);
		if (h == 1)
			return set_error(err, line,
			                 "a '#' heading is not needed; the "
			                 "title comes from the front matter");
		if (h != 2)
			continue;
		int i = section_index(text, tn);
		if (i == expect) {
			expect++;
			continue;
		}
		if (expect >= FRONTMATTER_NSECTIONS)
			return set_error(err, line,
			                 "'## %.*s' comes after the last "
			                 "section ('## %s')",
			                 (int)(tn > 60 ? 60 : tn), text,
			                 sections[FRONTMATTER_NSECTIONS - 1]);
		if (i > expect)
			return set_error(err, line,
			                 "the section '## %s' is missing "
			                 "before this one",
			                 sections[expect]);
		if (i >= 0)
			return set_error(err, line,
			                 "the section '## %s' appears twice",
			                 sections[i]);
		return set_error(err, line,
		                 "'## %.*s' is not one of the six sections; "
		                 "'## %s' belongs here",
		                 (int)(tn > 60 ? 60 : tn), text,
		                 sections[expect]);
	}
	if (expect < FRONTMATTER_NSECTIONS)
		return set_error(err, line < first_line ? first_line : line,
		                 "the section '## %s' is missing",
		                 sections[expect]);
	return 0;
}
