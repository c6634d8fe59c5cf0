#include "topics.h"

#include "content.h"
#include "frontmatter.h"
#include "search.h"
#include "util.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmark.h>
#include <utf8proc.h>

/* A user's topic file larger than this is not a page (and not read). */
enum { USER_FILE_MAX = 1 << 20 };

/* An edit distance too far for a suggestion. */
enum { FAR_AWAY = 1 << 20 };

/* Snippet size in characters: context before the match, and in all. */
enum { SNIPPET_BEFORE = 40, SNIPPET_CHARS = 120 };

/* Search weights: a word in the title outranks any number elsewhere. */
enum {
	SCORE_TITLE = 100,
	SCORE_FIELD = 10, /* slug, summary, aliases */
	SCORE_BODY = 1,
	SCORE_BODY_MAX = 5, /* body occurrences counted, at most */
};

static const char ellipsis[] = "\xe2\x80\xa6";
static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

struct entry {
	struct topic pub;
	struct frontmatter fm;
	char *data; /* a user file's contents; NULL when bundled */
	char *path; /* a user file's path; NULL when bundled */
	const char **related;
};

struct topics {
	struct entry **e;
	size_t n, cap;
	char **warnings;
	size_t nwarnings, wcap;
};

/* ---- strings ---- */

static bool
is_sep(char c)
{
	return c == '-' || c == '_' || c == ' ' || c == '\t' || c == '\n';
}

/*
 * A name for lookup: NFC, Unicode case folding, with '-', '_' and runs
 * of white space made one space, trimmed. Caller frees; NULL when out of
 * memory. Invalid UTF-8 is compared as it is, ASCII lower-cased.
 */
static char *
norm_name(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	char *f;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
	                 UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) >= 0) {
		f = (char *)m;
	} else {
		if (!(f = strdup(s)))
			return NULL;
		for (char *p = f; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	if (!f)
		return NULL;
	char *o = f;
	bool sep = true;
	for (const char *p = f; *p; p++) {
		if (is_sep(*p)) {
			if (!sep)
				*o++ = ' ';
			sep = true;
		} else {
			*o++ = *p;
			sep = false;
		}
	}
	if (o > f && o[-1] == ' ')
		o--;
	*o = '\0';
	return f;
}

/* ---- registry ---- */

static void warn(struct topics *reg, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
warn(struct topics *reg, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (reg->nwarnings == reg->wcap) {
		size_t cap = reg->wcap ? reg->wcap * 2 : 8;
		char **w = realloc(reg->warnings, cap * sizeof(*w));
		if (!w)
			return;
		reg->warnings = w;
		reg->wcap = cap;
	}
	char *s = strdup(msg);
	if (s)
		reg->warnings[reg->nwarnings++] = s;
}

static void
entry_free(struct entry *e)
{
	if (!e)
		return;
	frontmatter_release(&e->fm);
	free(e->data);
	free(e->path);
	free(e->related);
	free(e);
}

/* Make an entry from a parsed file; takes ownership of data and path. */
static struct entry *
entry_new(const char *data, size_t len, char *owned_data, char *path,
          const char *shown_path, unsigned flags, struct topics *reg)
{
	struct frontmatter_error err;
	struct entry *e = calloc(1, sizeof(*e));
	if (!e) {
		free(owned_data);
		free(path);
		return NULL;
	}
	e->data = owned_data;
	e->path = path;
	if (frontmatter_parse(&e->fm, data, len, flags, &err) < 0) {
		warn(reg, "%s:%d: %s", shown_path, err.line, err.msg);
		entry_free(e);
		return NULL;
	}
	struct frontmatter *fm = &e->fm;
	struct topic *t = &e->pub;
	t->slug = fm->slug;
	t->title = fm->title;
	t->summary = fm->summary ? fm->summary : "";
	t->category = fm->category ? fm->category : "";
	t->note = fm->note;
	t->aliases = (const char *const *)fm->aliases;
	t->naliases = fm->naliases;
	t->body = data + fm->body_offset;
	t->body_len = len - fm->body_offset;
	int ci = frontmatter_category_index(fm->category);
	t->category_index = ci >= 0 ? ci : (int)frontmatter_ncategories();
	t->user = path != NULL;
	t->path = path ? path : shown_path;
	return e;
}

static int
add_entry(struct topics *reg, struct entry *e)
{
	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 64;
		struct entry **ne = realloc(reg->e, cap * sizeof(*ne));
		if (!ne)
			return -1;
		reg->e = ne;
		reg->cap = cap;
	}
	reg->e[reg->n++] = e;
	return 0;
}

static struct entry *
find_slug(const struct topics *reg, const char *slug, size_t *idx)
{
	for (size_t i = 0; i < reg->n; i++) {
		if (strcmp(reg->e[i]->pub.slug, slug) == 0) {
			if (idx)
				*idx = i;
			return reg->e[i];
		}
	}
	return NULL;
}

static bool
is_topic_path(const char *path)
{
	size_t n = strlen(path);
	return strncmp(path, "topics/", 7) == 0 && n > 10 &&
	       strcmp(path + n - 3, ".md") == 0;
}

static int
load_bundled(struct topics *reg)
{
	for (size_t i = 0; i < content_nfiles; i++) {
		const struct content_file *f = &content_files[i];
		if (!is_topic_path(f->path))
			continue;
		struct entry *e = entry_new(f->data, f->len, NULL, NULL,
		                            f->path, FRONTMATTER_BUNDLED, reg);
		if (e && add_entry(reg, e) < 0) {
			entry_free(e);
			return -1;
		}
	}
	return 0;
}

static char *
read_user_file(struct topics *reg, const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *data = NULL;
	if (!f) {
		warn(reg, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return NULL; /* not a file: nothing to say */
	}
	if (st.st_size > USER_FILE_MAX) {
		warn(reg,
		     "%s: this file is over %d KiB, more than a topic page",
		     path, USER_FILE_MAX / 1024);
		fclose(f);
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1;
	data = malloc(cap);
	if (data) {
		*lenp = fread(data, 1, cap - 1, f);
		data[*lenp] = '\0';
		if (ferror(f)) {
			warn(reg, "%s: %s", path, strerror(errno));
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_user(struct topics *reg, const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			warn(reg, "%s: %s", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 4 ||
		    strcmp(de->d_name + l - 3, ".md") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				r = -1;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), cmp_strp);
	for (size_t i = 0; r == 0 && i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2, len = 0;
		char *path = malloc(plen);
		if (!path) {
			r = -1;
			break;
		}
		snprintf(path, plen, "%s/%s", dir, names[i]);
		char *data = read_user_file(reg, path, &len);
		if (!data) {
			free(path);
			continue;
		}
		struct entry *e =
		        entry_new(data, len, data, path, path, 0, reg);
		if (!e)
			continue;
		size_t at;
		struct entry *old = find_slug(reg, e->pub.slug, &at);
		if (old && old->pub.user) {
			warn(reg,
			     "%s:%d: the slug '%s' is also used by %s, so this "
			     "file is left out",
			     e->path, e->fm.key_line[FRONTMATTER_SLUG],
			     e->pub.slug, old->path);
			entry_free(e);
		} else if (old) {
			entry_free(old);
			reg->e[at] = e;
		} else if (add_entry(reg, e) < 0) {
			entry_free(e);
			r = -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

/* Keep the related slugs that name a topic; warn about others. */
static int
resolve_related(struct topics *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct entry *e = reg->e[i];
		size_t k = 0;
		e->related = calloc(e->fm.nrelated + 1, sizeof(char *));
		if (!e->related)
			return -1;
		for (size_t j = 0; j < e->fm.nrelated; j++) {
			const char *r = e->fm.related[j];
			if (find_slug(reg, r, NULL))
				e->related[k++] = r;
			else
				warn(reg,
				     "%s:%d: related names '%s', which is "
				     "no topic here",
				     e->pub.path,
				     e->fm.key_line[FRONTMATTER_RELATED], r);
		}
		e->pub.related = e->related;
		e->pub.nrelated = k;
	}
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct topic *x = &(*(struct entry *const *)a)->pub;
	const struct topic *y = &(*(struct entry *const *)b)->pub;
	int c;
	if (x->category_index != y->category_index)
		return x->category_index < y->category_index ? -1 : 1;
	if ((c = strcmp(x->category, y->category)))
		return c;
	return strcmp(x->slug, y->slug);
}

char *
topics_user_dir(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	const char *base, *sub;
	if (xdg && xdg[0] == '/') {
		base = xdg;
		sub = "selfhelp/topics";
	} else if (home && *home) {
		base = home;
		sub = ".local/share/selfhelp/topics";
	} else {
		return NULL;
	}
	size_t n = strlen(base) + strlen(sub) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", base, sub);
	return p;
}

struct topics *
topics_load(const char *user_dir)
{
	struct topics *reg = calloc(1, sizeof(*reg));
	char *dflt = NULL;
	if (!reg)
		return NULL;
	if (load_bundled(reg) < 0)
		goto oom;
	if (!user_dir)
		user_dir = dflt = topics_user_dir();
	if (user_dir && *user_dir && load_user(reg, user_dir) < 0)
		goto oom;
	if (resolve_related(reg) < 0)
		goto oom;
	if (reg->e)
		qsort(reg->e, reg->n, sizeof(*reg->e), cmp_entry);
	free(dflt);
	return reg;
oom:
	free(dflt);
	topics_free(reg);
	return NULL;
}

void
topics_free(struct topics *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n; i++)
		entry_free(reg->e[i]);
	free(reg->e);
	for (size_t i = 0; i < reg->nwarnings; i++)
		free(reg->warnings[i]);
	free(reg->warnings);
	free(reg);
}

size_t
topics_count(const struct topics *reg)
{
	return reg->n;
}

const struct topic *
topics_at(const struct topics *reg, size_t i)
{
	return i < reg->n ? &reg->e[i]->pub : NULL;
}

size_t
topics_nwarnings(const struct topics *reg)
{
	return reg->nwarnings;
}

const char *
topics_warning(const struct topics *reg, size_t i)
{
	return i < reg->nwarnings ? reg->warnings[i] : NULL;
}

const struct topic *
topics_get(const struct topics *reg, const char *slug)
{
	struct entry *e = find_slug(reg, slug, NULL);
	return e ? &e->pub : NULL;
}

/* ---- lookup ---- */

/* Normalised names of one topic: slug, title, then aliases. */
struct names {
	char **s;
	size_t n;
};

static void
names_release(struct names *nm)
{
	for (size_t i = 0; i < nm->n; i++)
		free(nm->s[i]);
	free(nm->s);
	nm->s = NULL;
	nm->n = 0;
}

static int
names_of(const struct topic *t, struct names *nm)
{
	nm->n = 0;
	nm->s = calloc(t->naliases + 2, sizeof(char *));
	if (!nm->s)
		return -1;
	const char *src[2] = {t->slug, t->title};
	for (size_t i = 0; i < t->naliases + 2; i++) {
		const char *s = i < 2 ? src[i] : t->aliases[i - 2];
		if (!(nm->s[nm->n] = norm_name(s))) {
			names_release(nm);
			return -1;
		}
		nm->n++;
	}
	return 0;
}

struct cand {
	const struct topic *t;
	int rank; /* see closeness() */
	int dist;
	size_t order;
};

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->dist != y->dist)
		return x->dist - y->dist;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Distance threshold for a suggestion: more room for longer names (git's
 * weights: a missing letter costs 1, a wrong one 2, an extra one 3).
 */
static int
near_enough(const char *q)
{
	int n = ((int)strlen(q) - 1) / 2;
	return n < 1 ? 1 : n;
}

/* Copy the word at *p (up to a space) into w; advance *p. */
static size_t
take_word(const char **p, char *w, size_t size)
{
	size_t l = strcspn(*p, " ");
	size_t n = l < size ? l : size - 1;
	memcpy(w, *p, n);
	w[n] = '\0';
	*p += l;
	*p += **p == ' ';
	return l;
}

/*
 * How close a typed name q is to a topic name (both normalised): rank 0
 * when q is part of the name, 1 when the whole name is a few edits away,
 * 2 when a word of q (3 letters or more) is in, or a few edits from, a
 * word of the name; 3 when not close. *dist orders names of one rank.
 */
static int
closeness(const char *q, const char *name, int *dist)
{
	char qw[128], nw[128];
	int d, best = FAR_AWAY;

	if (strstr(name, q)) {
		*dist = (int)(strlen(name) - strlen(q));
		return 0;
	}
	d = util_edit_distance(q, name);
	if (d <= near_enough(q)) {
		*dist = d;
		return 1;
	}
	for (const char *a = q; *a;) {
		if (take_word(&a, qw, sizeof(qw)) < 3)
			continue;
		for (const char *b = name; *b;) {
			size_t bl = take_word(&b, nw, sizeof(nw));
			if (strstr(nw, qw) || (bl >= 3 && strstr(qw, nw)))
				d = 0;
			else if ((d = util_edit_distance(qw, nw)) <=
			         near_enough(qw))
				d++;
			else
				continue;
			best = d < best ? d : best;
		}
	}
	*dist = best;
	return best < FAR_AWAY ? 2 : 3;
}

static void
fill_near(const struct topics *reg, const char *q, struct names *all,
          struct topics_near *near)
{
	struct cand *c = calloc(reg->n ? reg->n : 1, sizeof(*c));
	size_t nc = 0;
	if (!c)
		return;
	for (size_t i = 0; i < reg->n; i++) {
		int rank = 3, dist = FAR_AWAY;
		for (size_t j = 0; j < all[i].n; j++) {
			int d, r = closeness(q, all[i].s[j], &d);
			if (r < rank || (r == rank && d < dist)) {
				rank = r;
				dist = d;
			}
		}
		if (rank < 3)
			c[nc++] = (struct cand){&reg->e[i]->pub, rank, dist, i};
	}
	qsort(c, nc, sizeof(*c), cmp_cand);
	for (size_t i = 0; i < nc && near->n < TOPICS_MAX_CANDIDATES; i++)
		near->topics[near->n++] = c[i].t;
	free(c);
}

const struct topic *
topics_find(const struct topics *reg, const char *name,
            struct topics_near *near)
{
	struct topics_near dummy;
	const struct topic *found = NULL;
	struct names *all = NULL;
	char *q = norm_name(name);
	size_t nmatch = 0;

	if (!near)
		near = &dummy;
	memset(near, 0, sizeof(*near));
	if (!q || !*q)
		goto out;
	all = calloc(reg->n ? reg->n : 1, sizeof(*all));
	if (!all)
		goto out;
	for (size_t i = 0; i < reg->n; i++)
		if (names_of(&reg->e[i]->pub, &all[i]) < 0)
			goto out;
	/* exact: a slug first, then a title */
	for (size_t pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i < reg->n && !found; i++)
			if (strcmp(all[i].s[pass], q) == 0)
				found = &reg->e[i]->pub;
	if (found)
		goto out;
	/* then an alias (which two pages may share), then a prefix of a
	 * slug or title */
	for (int pass = 0; pass < 2 && !nmatch; pass++) {
		size_t ql = strlen(q);
		for (size_t i = 0; i < reg->n; i++) {
			bool match = false;
			for (size_t j = 2; pass == 0 && j < all[i].n; j++)
				match |= strcmp(all[i].s[j], q) == 0;
			if (pass == 1)
				match = strncmp(all[i].s[0], q, ql) == 0 ||
				        strncmp(all[i].s[1], q, ql) == 0;
			if (!match)
				continue;
			if (nmatch < TOPICS_MAX_CANDIDATES)
				near->topics[nmatch] = &reg->e[i]->pub;
			nmatch++;
		}
	}
	if (nmatch == 1) {
		found = near->topics[0];
		near->topics[0] = NULL;
	} else if (nmatch > 1) {
		near->ambiguous = true;
		near->n = nmatch < TOPICS_MAX_CANDIDATES
		                  ? nmatch
		                  : TOPICS_MAX_CANDIDATES;
	} else {
		fill_near(reg, q, all, near);
	}
out:
	for (size_t i = 0; all && i < reg->n; i++)
		names_release(&all[i]);
	free(all);
	free(q);
	return found;
}

/* ---- search ---- */

void
topic_hits_release(struct topic_hits *hits)
{
	if (!hits)
		return;
	for (size_t i = 0; i < hits->n; i++) {
		free(hits->hits[i].snippet);
		free(hits->hits[i].text);
	}
	free(hits->hits);
	hits->hits = NULL;
	hits->n = 0;
}

static bool
is_alnum_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

static bool
is_standard_section(const char *s, size_t n)
{
	if (n < 3 || memcmp(s, "## ", 3) != 0)
		return false;
	for (size_t i = 0; frontmatter_section(i); i++) {
		const char *h = frontmatter_section(i);
		if (strlen(h) == n - 3 && memcmp(h, s + 3, n - 3) == 0)
			return true;
	}
	return false;
}

/*
 * The readable text of a markdown body for search and snippets: markers
 * (headings, quotes, list bullets, emphasis, code ticks, link targets,
 * backslash escapes) and control characters removed, white space made
 * single spaces. The six standard section headings are left out: every
 * page has them. Caller frees.
 */
static char *
plain_text(const char *md, size_t len)
{
	struct strbuf b = {0};
	size_t pos = 0;
	bool space = true;
	while (pos < len) {
		const char *s = md + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		if (n && s[n - 1] == '\r')
			n--;
		if (is_standard_section(s, n))
			continue;
		size_t i = 0;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		while (i < n && (s[i] == '#' || s[i] == '>'))
			i++;
		while (i < n && s[i] == ' ')
			i++;
		if (i + 1 < n && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
		    s[i + 1] == ' ')
			i += 2;
		else {
			size_t d = i;
			while (d < n && s[d] >= '0' && s[d] <= '9')
				d++;
			if (d > i && d + 1 < n &&
			    (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
				i = d + 2;
		}
		for (; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '\\' && i + 1 < n &&
			    strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
			           s[i + 1])) {
				i++;
				c = (unsigned char)s[i];
			} else if (c == '*' || c == '`' || c == '[' ||
			           c == ']') {
				if (c == ']' && i + 1 < n && s[i + 1] == '(') {
					const char *close =
					        memchr(s + i, ')', n - i);
					if (close)
						i = (size_t)(close - s);
				}
				continue;
			} else if (c == '_' &&
			           !(i > 0 && is_alnum_byte(s[i - 1]) &&
			             i + 1 < n && is_alnum_byte(s[i + 1]))) {
				continue;
			}
			if (c < 0x20 || c == 0x7f || c == ' ') {
				if (!space)
					strbuf_add(&b, " ", 1);
				space = true;
				continue;
			}
			if (c >= 0x80) {
				/* valid UTF-8 without C1 controls, or U+FFFD */
				utf8proc_int32_t cp;
				utf8proc_ssize_t l = utf8proc_iterate(
				        (const utf8proc_uint8_t *)s + i,
				        (utf8proc_ssize_t)(n - i), &cp);
				if (l <= 0)
					strbuf_add(&b, replacement,
					           sizeof(replacement) - 1);
				else if (cp >= 0xa0)
					strbuf_add(&b, s + i, (size_t)l);
				i += l > 0 ? (size_t)l - 1 : 0;
				space = false;
				continue;
			}
			strbuf_add(&b, (const char *)&c, 1);
			space = false;
		}
		if (!space)
			strbuf_add(&b, " ", 1);
		space = true;
	}
	if (b.len && b.p[b.len - 1] == ' ')
		strbuf_setlen(&b, b.len - 1);
	return strbuf_detach(&b, NULL);
}

static size_t
char_back(const char *s, size_t at, size_t chars)
{
	while (at > 0 && chars > 0) {
		at--;
		while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
			at--;
		chars--;
	}
	return at;
}

static size_t
char_fwd(const char *s, size_t len, size_t at, size_t chars)
{
	while (at < len && chars > 0) {
		at++;
		while (at < len && ((unsigned char)s[at] & 0xc0) == 0x80)
			at++;
		chars--;
	}
	return at;
}

/* A snippet of `text` (len bytes) around byte offset `at`. */
static char *
make_snippet(const char *text, size_t len, size_t at)
{
	struct strbuf b = {0};
	size_t start = char_back(text, at, SNIPPET_BEFORE);
	if (start > 0) {
		/* begin at a word */
		size_t s = start;
		while (s < at && text[s] != ' ')
			s++;
		start = s < at ? s + 1 : start;
	}
	size_t end = char_fwd(text, len, start, SNIPPET_CHARS);
	if (end < len) {
		size_t e = end;
		while (e > at && text[e] != ' ')
			e--;
		if (e > at)
			end = e;
	}
	if (start > 0)
		strbuf_add(&b, ellipsis, sizeof(ellipsis) - 1);
	strbuf_add(&b, text + start, end - start);
	if (end < len)
		strbuf_add(&b, ellipsis, sizeof(ellipsis) - 1);
	return strbuf_detach(&b, NULL);
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct topic_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->topic->category_index != y->topic->category_index)
		return x->topic->category_index - y->topic->category_index;
	return strcmp(x->topic->slug, y->topic->slug);
}

/* Is the needle in s? */
static bool
has(const struct search_needle *n, const char *s)
{
	return search_find(n, s, strlen(s), NULL, NULL);
}

/*
 * Score one topic into hit->score (0: some word does not occur) and, on
 * a body match, fill the hit's snippet, text and match (owned) around the
 * first one. -1 when out of memory.
 */
static int
score_topic(const struct topic *t, struct search_needle *const *needles,
            size_t nn, struct topic_hit *hit)
{
	struct strbuf fields = {0};
	size_t first = (size_t)-1, first_end = 0;
	int *score = &hit->score;

	*hit = (struct topic_hit){.topic = t};
	strbuf_add(&fields, t->slug, strlen(t->slug));
	strbuf_add(&fields, "\n", 1);
	strbuf_add(&fields, t->summary, strlen(t->summary));
	for (size_t i = 0; i < t->naliases; i++) {
		strbuf_add(&fields, "\n", 1);
		strbuf_add(&fields, t->aliases[i], strlen(t->aliases[i]));
	}
	char *other = strbuf_detach(&fields, NULL);
	char *plain = plain_text(t->body, t->body_len);
	if (!other || !plain) {
		free(other);
		free(plain);
		return -1;
	}
	size_t len = strlen(plain);
	for (size_t i = 0; i < nn; i++) {
		size_t pos = 0, start, end;
		int nb = 0;
		while (nb < SCORE_BODY_MAX &&
		       search_find(needles[i], plain + pos, len - pos, &start,
		                   &end)) {
			if (pos + start < first) {
				first = pos + start;
				first_end = pos + end;
			}
			nb++;
			pos += end > start ? end : start + 1;
		}
		if (has(needles[i], t->title))
			*score += SCORE_TITLE;
		else if (has(needles[i], other))
			*score += SCORE_FIELD;
		else if (nb)
			*score += SCORE_BODY * nb;
		else {
			*score = 0; /* every word must occur */
			break;
		}
	}
	int r = 0;
	if (*score > 0 && first != (size_t)-1) {
		hit->snippet = make_snippet(plain, len, first);
		r = hit->snippet ? 0 : -1;
		if (r == 0) {
			hit->text = plain;
			hit->text_len = len;
			hit->match_start = first;
			hit->match_end = first_end;
			plain = NULL;
		}
	}
	free(other);
	free(plain);
	return r;
}

int
topics_search(const struct topics *reg, const char *query,
              struct topic_hits *out)
{
	struct search_needle **needles;
	size_t nn = 0;
	int r = -1;

	out->hits = NULL;
	out->n = 0;
	needles = calloc(strlen(query) / 2 + 1, sizeof(*needles));
	if (!needles)
		return -1;
	for (const char *p = query; *p;) {
		char word[256];
		p += strspn(p, " \t\n\r\f\v");
		size_t l = strcspn(p, " \t\n\r\f\v");
		if (!l)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)l, p);
		p += l;
		/* NULL: the word folds to nothing (or no memory); skip it */
		if ((needles[nn] = search_needle_new(word)))
			nn++;
	}
	out->hits = calloc(reg->n ? reg->n : 1, sizeof(*out->hits));
	if (!out->hits)
		goto done;
	for (size_t i = 0; nn && i < reg->n; i++) {
		struct topic_hit hit;
		if (score_topic(&reg->e[i]->pub, needles, nn, &hit) < 0) {
			free(hit.snippet);
			topic_hits_release(out);
			goto done;
		}
		if (hit.score > 0)
			out->hits[out->n++] = hit;
	}
	qsort(out->hits, out->n, sizeof(*out->hits), cmp_hit);
	r = 0;
done:
	for (size_t i = 0; i < nn; i++)
		search_needle_free(needles[i]);
	free(needles);
	return r;
}

/* ---- journaling prompts ---- */

static const char prompts_heading[] = "journaling prompts";

/* The plain text of a node's inlines, skipping nested lists, into b. */
static void
inline_text(cmark_node *node, struct strbuf *b)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	if (!it) {
		b->failed = true;
		return;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LIST:
			if (n != node)
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_PARAGRAPH:
			if (b->len)
				strbuf_add(b, " ", 1);
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			strbuf_adds(b, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			strbuf_add(b, " ", 1);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/*
 * One line, safe to print: control characters dropped (line breaks and
 * tabs become spaces), runs of spaces made one, trimmed. Caller frees;
 * NULL when out of memory.
 */
static char *
one_line(const char *s, size_t len)
{
	char *c = malloc(UTIL_CLEAN_SIZE(len)), *o = c;
	bool space = true;
	if (!c)
		return NULL;
	util_clean(c, s, len, UTIL_CLEAN_DROP);
	for (const char *p = c; *p; p++) {
		if (*p == ' ') {
			if (!space)
				*o++ = ' ';
			space = true;
		} else {
			*o++ = *p;
			space = false;
		}
	}
	if (o > c && o[-1] == ' ')
		o--;
	*o = '\0';
	return c;
}

static bool
is_prompts_heading(cmark_node *h)
{
	struct strbuf b = {0};
	bool yes;
	inline_text(h, &b);
	char *t = b.failed ? NULL : one_line(b.p ? b.p : "", b.len);
	strbuf_release(&b);
	if (!t)
		return false;
	yes = strlen(t) == strlen(prompts_heading);
	for (size_t i = 0; yes && t[i]; i++) {
		char c = t[i] >= 'A' && t[i] <= 'Z' ? (char)(t[i] - 'A' + 'a')
		                                    : t[i];
		yes = c == prompts_heading[i];
	}
	free(t);
	return yes;
}

static int
prompt_push(struct topic_prompts *out, size_t *cap, const struct topic *t,
            char *text, bool present)
{
	if (out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct topic_prompt *nv = realloc(out->v, nc * sizeof(*nv));
		if (!nv) {
			free(text);
			return -1;
		}
		out->v = nv;
		*cap = nc;
	}
	out->v[out->n++] = (struct topic_prompt){t, text, present};
	return 0;
}

/* The items of the lists under `list`'s parent section. */
static int
list_prompts(cmark_node *list, const struct topic *t, bool *first,
             struct topic_prompts *out, size_t *cap)
{
	for (cmark_node *it = cmark_node_first_child(list); it;
	     it = cmark_node_next(it)) {
		struct strbuf b = {0};
		inline_text(it, &b);
		char *text = b.failed ? NULL : one_line(b.p ? b.p : "", b.len);
		strbuf_release(&b);
		if (!text)
			return -1;
		if (!*text) {
			free(text);
			continue;
		}
		if (prompt_push(out, cap, t, text, *first && !t->user) < 0)
			return -1;
		*first = false;
	}
	return 0;
}

static int
page_prompts(const struct topic *t, struct topic_prompts *out, size_t *cap)
{
	cmark_node *doc = cmark_parse_document(t->body, t->body_len,
	                                       CMARK_OPT_VALIDATE_UTF8);
	int level = 0, rc = 0;
	bool first = true;
	if (!doc)
		return -1;
	for (cmark_node *n = cmark_node_first_child(doc); n && rc == 0;
	     n = cmark_node_next(n)) {
		cmark_node_type type = cmark_node_get_type(n);
		if (type == CMARK_NODE_HEADING) {
			int l = cmark_node_get_heading_level(n);
			if (level && l <= level)
				level = 0;
			if (!level && is_prompts_heading(n))
				level = l;
		} else if (level && type == CMARK_NODE_LIST) {
			rc = list_prompts(n, t, &first, out, cap);
		}
	}
	cmark_node_free(doc);
	return rc;
}

int
topics_prompts(const struct topics *reg, const struct topic *t,
               struct topic_prompts *out)
{
	size_t cap = 0;
	out->v = NULL;
	out->n = 0;
	for (size_t i = 0; i < reg->n; i++) {
		const struct topic *p = &reg->e[i]->pub;
		if (t && p != t)
			continue;
		if (page_prompts(p, out, &cap) < 0) {
			topic_prompts_release(out);
			return -1;
		}
	}
	return 0;
}

void
topic_prompts_release(struct topic_prompts *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}
