#include "crisis.h"

#include "content.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { MAX_COUNTRIES = 300, MAX_LINES = 32, MAX_STRINGS = 32 };

struct country_entry {
	struct crisis_country c;
	const char *const *aliases;
	size_t naliases;
	char *owned_directory; /* made from the directory's URL */
};

struct crisis_data {
	json_t *root; /* every borrowed string lives here */
	struct country_entry *countries;
	size_t ncountries;
	struct crisis_directory directory;
	const char *note;
	struct crisis_provenance note_prov;
	struct crisis_emergency eu_emergency;
	/* Arrays of borrowed strings and of structs, freed with the data. */
	void **blocks;
	size_t nblocks, capblocks;
};

static int errf(char *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int
errf(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, CRISIS_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Allocate zeroed memory owned by d. */
static void *
d_alloc(struct crisis_data *d, size_t n, size_t size)
{
	if (d->nblocks == d->capblocks) {
		size_t cap = d->capblocks ? d->capblocks * 2 : 32;
		void **nb = realloc(d->blocks, cap * sizeof(*nb));
		if (!nb)
			return NULL;
		d->blocks = nb;
		d->capblocks = cap;
	}
	void *p = calloc(n ? n : 1, size);
	if (p)
		d->blocks[d->nblocks++] = p;
	return p;
}

static bool
is_date(const char *s)
{
	int y, m, day;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3)
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	return y >= 2000 && m >= 1 && m <= 12 && day >= 1 &&
	       day <= mdays[m - 1];
}

static bool
is_url(const char *s)
{
	return (strncmp(s, "https://", 8) == 0 && s[8]) ||
	       (strncmp(s, "http://", 7) == 0 && s[7]);
}

/* A non-empty string field, or NULL (err set) when `required`. */
static int
get_string(json_t *o, const char *key, bool required, const char **out,
           const char *where, char *err)
{
	json_t *x = json_object_get(o, key);
	*out = NULL;
	if (!x || json_is_null(x)) {
		if (required)
			return errf(err, "%s: there is no \"%s\"", where, key);
		return 0;
	}
	if (!json_is_string(x) || json_string_length(x) == 0)
		return errf(err, "%s: \"%s\" is not a piece of text", where,
		            key);
	*out = json_string_value(x);
	return 0;
}

/* An array of non-empty strings into a block owned by d. */
static int
get_strings(struct crisis_data *d, json_t *o, const char *key,
            const char *const **out, size_t *n, const char *where, char *err)
{
	json_t *a = json_object_get(o, key);
	*out = NULL;
	*n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > MAX_STRINGS)
		return errf(err, "%s: \"%s\" is not a list of up to %d texts",
		            where, key, MAX_STRINGS);
	const char **list = d_alloc(d, json_array_size(a), sizeof(*list));
	if (!list)
		return errf(err, "out of memory");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *s = json_array_get(a, i);
		if (!json_is_string(s) || json_string_length(s) == 0)
			return errf(err, "%s: \"%s\" item %zu is not text",
			            where, key, i + 1);
		list[i] = json_string_value(s);
	}
	*out = list;
	*n = json_array_size(a);
	return 0;
}

/*
 * sources (URLs, at least one), verified (a date) and an optional check.
 * A check says what a reviewer should confirm; it never stands in for a
 * source.
 */
static int
get_provenance(struct crisis_data *d, json_t *o, struct crisis_provenance *p,
               const char *where, char *err)
{
	if (get_strings(d, o, "sources", &p->sources, &p->nsources, where,
	                err) ||
	    get_string(o, "verified", true, &p->verified, where, err) ||
	    get_string(o, "check", false, &p->check, where, err))
		return -1;
	if (!json_is_array(json_object_get(o, "sources")))
		return errf(err, "%s: there is no \"sources\" list", where);
	if (p->nsources == 0)
		return errf(err,
		            "%s: there is no source; a number ships only with "
		            "a page that states it",
		            where);
	for (size_t i = 0; i < p->nsources; i++)
		if (!is_url(p->sources[i]))
			return errf(err,
			            "%s: source %zu is not an http(s) address",
			            where, i + 1);
	if (!is_date(p->verified))
		return errf(err,
		            "%s: \"verified\" is not a date like 2026-11-26",
		            where);
	return 0;
}

/* Digits with single spaces between groups: "911", "0800 111 0 111". */
static bool
is_number(const char *s)
{
	if (!(*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		if (*s == ' ' && s[1] >= '0' && s[1] <= '9')
			continue;
		if (!(*s >= '0' && *s <= '9'))
			return false;
	}
	return true;
}

static int
get_emergency(struct crisis_data *d, json_t *o,
              const struct crisis_emergency **out,
              struct crisis_emergency *into, const char *where, char *err)
{
	char w[96];
	*out = NULL;
	if (!o)
		return 0;
	snprintf(w, sizeof(w), "%s.emergency", where);
	if (!json_is_object(o))
		return errf(err, "%s: is not an object", w);
	struct crisis_emergency *e = into ? into : d_alloc(d, 1, sizeof(*e));
	if (!e)
		return errf(err, "out of memory");
	if (get_string(o, "number", true, &e->number, w, err) ||
	    get_strings(d, o, "also", &e->also, &e->nalso, w, err) ||
	    get_provenance(d, o, &e->prov, w, err))
		return -1;
	if (!is_number(e->number))
		return errf(err, "%s: \"%s\" is not a phone number (digits)", w,
		            e->number);
	for (size_t i = 0; i < e->nalso; i++)
		if (!strpbrk(e->also[i], "0123456789"))
			return errf(err,
			            "%s: \"also\" item %zu holds no number to "
			            "call",
			            w, i + 1);
	*out = e;
	return 0;
}

static int
get_line(struct crisis_data *d, json_t *o, struct crisis_line *l,
         const char *where, char *err)
{
	if (!json_is_object(o))
		return errf(err, "%s: is not an object", where);
	if (get_string(o, "name", true, &l->name, where, err) ||
	    get_string(o, "for", false, &l->audience, where, err) ||
	    get_string(o, "about", false, &l->about, where, err) ||
	    get_strings(d, o, "contact", &l->contact, &l->ncontact, where,
	                err) ||
	    get_provenance(d, o, &l->prov, where, err))
		return -1;
	if (l->ncontact == 0)
		return errf(err,
		            "%s: there is no way to reach it (\"contact\")",
		            where);
	return 0;
}

static bool
code_ok(const char *s)
{
	return s && strlen(s) == CRISIS_CODE_LEN && s[0] >= 'A' &&
	       s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

static struct country_entry *
find_code(struct crisis_data *d, const char *code)
{
	for (size_t i = 0; i < d->ncountries; i++)
		if (strcmp(d->countries[i].c.code, code) == 0)
			return &d->countries[i];
	return NULL;
}

static int
get_country(struct crisis_data *d, json_t *o, struct country_entry *ce,
            size_t idx, char *err)
{
	char where[64];
	const char *code;
	snprintf(where, sizeof(where), "countries[%zu]", idx);
	if (!json_is_object(o))
		return errf(err, "%s: is not an object", where);
	if (get_string(o, "code", true, &code, where, err))
		return -1;
	if (!code_ok(code))
		return errf(err,
		            "%s: \"%s\" is not a two-letter upper-case code",
		            where, code);
	if (find_code(d, code))
		return errf(err, "%s: %s is listed twice", where, code);
	memcpy(ce->c.code, code, CRISIS_CODE_LEN + 1);
	if (get_string(o, "name", true, &ce->c.name, where, err) ||
	    get_string(o, "directory", true, &ce->c.directory, where, err) ||
	    get_strings(d, o, "aliases", &ce->aliases, &ce->naliases, where,
	                err) ||
	    get_emergency(d, json_object_get(o, "emergency"), &ce->c.emergency,
	                  NULL, where, err))
		return -1;
	json_t *lines = json_object_get(o, "lines");
	if (!json_is_array(lines) || json_array_size(lines) > MAX_LINES)
		return errf(err,
		            "%s: \"lines\" is not a list (it may be empty)",
		            where);
	size_t n = json_array_size(lines);
	struct crisis_line *l = d_alloc(d, n, sizeof(*l));
	if (!l)
		return errf(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char w[96];
		snprintf(w, sizeof(w), "%s.lines[%zu]", where, i);
		if (get_line(d, json_array_get(lines, i), &l[i], w, err))
			return -1;
	}
	ce->c.lines = l;
	ce->c.nlines = n;
	return 0;
}

/* Countries of the EU: the 112 line, and an entry for those not listed. */
static int
get_eu(struct crisis_data *d, json_t *eu, char *err)
{
	const struct crisis_emergency *e;
	if (!json_is_object(eu))
		return errf(err, "eu: is not an object");
	if (get_emergency(d, json_object_get(eu, "emergency"), &e,
	                  &d->eu_emergency, "eu", err))
		return -1;
	if (!e)
		return errf(err, "eu: there is no \"emergency\"");
	json_t *members = json_object_get(eu, "members");
	if (!json_is_array(members))
		return errf(err, "eu: \"members\" is not a list");
	for (size_t i = 0; i < json_array_size(members); i++) {
		json_t *m = json_array_get(members, i);
		char where[64];
		const char *code, *name;
		snprintf(where, sizeof(where), "eu.members[%zu]", i);
		if (!json_is_object(m) ||
		    get_string(m, "code", true, &code, where, err) ||
		    get_string(m, "name", true, &name, where, err))
			return json_is_object(m)
			               ? -1
			               : errf(err, "%s: is not an object",
			                      where);
		if (!code_ok(code))
			return errf(err,
			            "%s: \"%s\" is not a two-letter upper-case "
			            "code",
			            where, code);
		struct country_entry *ce = find_code(d, code);
		if (ce) {
			if (!ce->c.emergency)
				ce->c.emergency = &d->eu_emergency;
			continue;
		}
		if (d->ncountries == MAX_COUNTRIES)
			return errf(err, "eu: too many countries");
		ce = &d->countries[d->ncountries++];
		memcpy(ce->c.code, code, CRISIS_CODE_LEN + 1);
		ce->c.name = name;
		ce->c.emergency = &d->eu_emergency;
		size_t len = strlen(d->directory.url) + 1 + CRISIS_CODE_LEN + 1;
		ce->owned_directory = malloc(len);
		if (!ce->owned_directory)
			return errf(err, "out of memory");
		snprintf(ce->owned_directory, len, "%s/%s", d->directory.url,
		         code);
		ce->c.directory = ce->owned_directory;
	}
	return 0;
}

static int
by_code(const void *a, const void *b)
{
	const struct country_entry *x = a, *y = b;
	return strcmp(x->c.code, y->c.code);
}

static int
parse(struct crisis_data *d, char *err)
{
	json_t *root = d->root;
	json_t *fmt = json_object_get(root, "format");
	if (!json_is_object(root))
		return errf(err, "the data is not a JSON object");
	if (!json_is_integer(fmt) || json_integer_value(fmt) != CRISIS_FORMAT)
		return errf(err, "\"format\" is not %d", CRISIS_FORMAT);

	json_t *dir = json_object_get(root, "directory");
	if (!json_is_object(dir))
		return errf(err, "directory: there is none");
	if (get_string(dir, "name", true, &d->directory.name, "directory",
	               err) ||
	    get_string(dir, "url", true, &d->directory.url, "directory", err) ||
	    get_string(dir, "about", false, &d->directory.about, "directory",
	               err) ||
	    get_provenance(d, dir, &d->directory.prov, "directory", err))
		return -1;

	json_t *note = json_object_get(root, "emergency_note");
	if (!json_is_object(note))
		return errf(err, "emergency_note: there is none");
	if (get_string(note, "text", true, &d->note, "emergency_note", err) ||
	    get_provenance(d, note, &d->note_prov, "emergency_note", err))
		return -1;

	json_t *countries = json_object_get(root, "countries");
	if (!json_is_array(countries) ||
	    json_array_size(countries) > MAX_COUNTRIES / 2)
		return errf(err, "countries: there is no list of countries");
	d->countries = calloc(MAX_COUNTRIES, sizeof(*d->countries));
	if (!d->countries)
		return errf(err, "out of memory");
	for (size_t i = 0; i < json_array_size(countries); i++) {
		if (get_country(d, json_array_get(countries, i),
		                &d->countries[d->ncountries], i, err))
			return -1;
		d->ncountries++;
	}
	json_t *eu = json_object_get(root, "eu");
	if (eu && get_eu(d, eu, err))
		return -1;
	qsort(d->countries, d->ncountries, sizeof(*d->countries), by_code);
	return 0;
}

void
crisis_free(struct crisis_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ncountries; i++)
		free(d->countries[i].owned_directory);
	free(d->countries);
	for (size_t i = 0; i < d->nblocks; i++)
		free(d->blocks[i]);
	free(d->blocks);
	json_decref(d->root);
	free(d);
}

int
crisis_load(const char *json, size_t len, struct crisis_data **out, char *err)
{
	json_error_t jerr;
	struct crisis_data *d = calloc(1, sizeof(*d));
	*out = NULL;
	err[0] = '\0';
	if (!d)
		return errf(err, "out of memory");
	d->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!d->root) {
		errf(err, "line %d: %s", jerr.line, jerr.text);
		crisis_free(d);
		return -1;
	}
	if (parse(d, err) != 0) {
		crisis_free(d);
		return -1;
	}
	*out = d;
	return 0;
}

int
crisis_load_bundled(struct crisis_data **out, char *err)
{
	const struct content_file *f = content_get(CRISIS_CONTENT_PATH);
	if (!f) {
		*out = NULL;
		return errf(err, "%s is not in this build",
		            CRISIS_CONTENT_PATH);
	}
	return crisis_load(f->data, f->len, out, err);
}

size_t
crisis_ncountries(const struct crisis_data *d)
{
	return d->ncountries;
}

const struct crisis_country *
crisis_country_at(const struct crisis_data *d, size_t i)
{
	return i < d->ncountries ? &d->countries[i].c : NULL;
}

const struct crisis_directory *
crisis_directory(const struct crisis_data *d)
{
	return &d->directory;
}

const char *
crisis_emergency_note(const struct crisis_data *d,
                      const struct crisis_provenance **prov)
{
	if (prov)
		*prov = &d->note_prov;
	return d->note;
}

int
crisis_code_normalize(const char *in, char *out)
{
	if (!in || strlen(in) != CRISIS_CODE_LEN)
		return -1;
	for (int i = 0; i < CRISIS_CODE_LEN; i++) {
		char c = in[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!(c >= 'A' && c <= 'Z'))
			return -1;
		out[i] = c;
	}
	out[CRISIS_CODE_LEN] = '\0';
	if (strcmp(out, "UK") == 0)
		strcpy(out, "GB");
	return 0;
}

/* Case-folded, NFC, spaces trimmed; caller frees. NULL when not UTF-8. */
static char *
fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	                 UTF8PROC_NULLTERM | UTF8PROC_STABLE |
	                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
		return NULL;
	size_t n = strlen((char *)out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
	return (char *)out;
}

static bool
same_name(const char *folded, const char *name)
{
	char *f = fold(name);
	bool same = f && strcmp(f, folded) == 0;
	free(f);
	return same;
}

const struct crisis_country *
crisis_find(const struct crisis_data *d, const char *what)
{
	char code[CRISIS_CODE_LEN + 1];
	if (!what)
		return NULL;
	if (crisis_code_normalize(what, code) == 0) {
		for (size_t i = 0; i < d->ncountries; i++)
			if (strcmp(d->countries[i].c.code, code) == 0)
				return &d->countries[i].c;
		return NULL;
	}
	char *f = fold(what);
	const struct crisis_country *found = NULL;
	if (!f || !*f) {
		free(f);
		return NULL;
	}
	for (size_t i = 0; i < d->ncountries && !found; i++) {
		const struct country_entry *ce = &d->countries[i];
		if (same_name(f, ce->c.name))
			found = &ce->c;
		for (size_t j = 0; j < ce->naliases && !found; j++)
			if (same_name(f, ce->aliases[j]))
				found = &ce->c;
	}
	free(f);
	return found;
}

/* The territory of one locale name ("de_AT.UTF-8" -> AT), or -1. */
static int
territory(const char *loc, char *out)
{
	const char *u;
	char code[CRISIS_CODE_LEN + 1];
	if (!loc || !*loc)
		return -1;
	u = strchr(loc, '_');
	if (!u)
		return -1;
	/* The language part is letters only: "en", "de", "ast". */
	for (const char *p = loc; p < u; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return -1;
	size_t n = strcspn(u + 1, ".@");
	if (n != CRISIS_CODE_LEN || u == loc)
		return -1;
	memcpy(code, u + 1, CRISIS_CODE_LEN);
	code[CRISIS_CODE_LEN] = '\0';
	if (crisis_code_normalize(code, out) != 0)
		return -1;
	return 0;
}

int
crisis_locale_country(const char *lc_all, const char *lc_messages,
                      const char *lang, char *out)
{
	const char *const tries[] = {lc_all, lc_messages, lang};
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (territory(tries[i], out) == 0)
			return 0;
	return -1;
}
