#include "record.h"

#include "dates.h"
#include "group.h"
#include "journal.h"
#include "rating.h"
#include "safety.h"
#include "trigger.h"
#include "util.h"
#include "wipe.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ISO_MAX = 40, KEY_MAX = 32, WORD_MAX = 32 };

const struct record_kind *const record_kinds[RECORD_NKINDS + 1] = {
        &journal_kind, &trigger_kind, &group_kind, &safety_kind, NULL,
};

const struct record_kind *
record_kind_find(const char *name)
{
	for (const struct record_kind *const *k = record_kinds; *k; k++)
		if (strcmp((*k)->name, name) == 0)
			return *k;
	return NULL;
}

const struct record_field *
record_field_at(const struct record_kind *k, size_t offset)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].offset == offset)
			return &k->fields[i];
	return NULL;
}

const struct record_field *
record_field_json(const struct record_kind *k, const char *json)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].json, json) == 0)
			return &k->fields[i];
	return NULL;
}

/* --- members, through the table --- */

#define AT(r, off, type) ((type *)(void *)((char *)(r) + (off)))
#define CAT(r, off, type)                                                      \
	((const type *)(const void *)((const char *)(r) + (off)))

static int *
int_at(void *r, const struct record_field *f)
{
	return AT(r, f->offset, int);
}

static int
int_of(const void *r, const struct record_field *f)
{
	return *CAT(r, f->offset, int);
}

static time_t *
time_at(void *r, const struct record_field *f)
{
	return AT(r, f->offset, time_t);
}

static char **
text_at(void *r, const struct record_field *f)
{
	return AT(r, f->offset, char *);
}

static const char *
text_of(const void *r, const struct record_field *f)
{
	return *CAT(r, f->offset, char *);
}

static struct record_list *
list_at(void *r, const struct record_field *f)
{
	return AT(r, f->offset, struct record_list);
}

static const struct record_list *
list_of(const void *r, const struct record_field *f)
{
	return CAT(r, f->offset, struct record_list);
}

static bool
is_list(const struct record_field *f)
{
	return f->type == RECORD_LIST || f->type == RECORD_TAGS;
}

static const struct record_field *
variant_field(const struct record_kind *k)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == RECORD_VARIANT)
			return &k->fields[i];
	return NULL;
}

int
record_variant(const struct record_kind *k, const void *r)
{
	const struct record_field *f = variant_field(k);
	return f ? int_of(r, f) : 0;
}

static bool
applies(const struct record_field *f, int variant)
{
	return !f->variants || (f->variants & RECORD_VARIANT_BIT(variant));
}

bool
record_field_applies(const struct record_kind *k, const void *r,
                     const struct record_field *f)
{
	return applies(f, record_variant(k, r));
}

/* --- memory --- */

void
record_json_free(char *s)
{
	json_malloc_t m;
	json_free_t f;
	if (!s)
		return;
	json_get_alloc_funcs(&m, &f);
	sodium_memzero(s, strlen(s));
	f(s);
}

void
record_init(const struct record_kind *k, void *r, int variant)
{
	memset(r, 0, k->size);
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (f->type == RECORD_INT)
			*int_at(r, f) = RECORD_NONE;
		else if (f->type == RECORD_VARIANT)
			*int_at(r, f) = variant;
	}
}

void
record_clear_list(const struct record_field *f, void *r)
{
	struct record_list *l = list_at(r, f);
	for (size_t i = 0; i < l->n; i++)
		wipe_free_str(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
record_release(const struct record_kind *k, void *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (f->type == RECORD_TEXT)
			wipe_free_str(*text_at(r, f));
		else if (is_list(f))
			record_clear_list(f, r);
	}
	record_init(k, r, record_variant(k, r));
}

void
record_free(const struct record_kind *k, void *r)
{
	if (!r)
		return;
	record_release(k, r);
	free(r);
}

void
record_free_all(const struct record_kind *k, void **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(k, list[i]);
	free(list);
}

static int
list_push(struct record_list *l, char *item)
{
	char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	l->v = nv;
	l->v[l->n++] = item;
	return 0;
}

int
record_copy(const struct record_kind *k, void *dst, const void *src)
{
	memcpy(dst, src, k->size);
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (f->type == RECORD_TEXT)
			*text_at(dst, f) = NULL;
		else if (is_list(f))
			*list_at(dst, f) = (struct record_list){0};
	}
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		const char *s = f->type == RECORD_TEXT ? text_of(src, f) : NULL;
		if (s && !(*text_at(dst, f) = strdup(s)))
			goto fail;
		for (size_t j = 0; is_list(f) && j < list_of(src, f)->n; j++) {
			char *c = strdup(list_of(src, f)->v[j]);
			if (!c || list_push(list_at(dst, f), c)) {
				free(c);
				goto fail;
			}
		}
	}
	return 0;
fail:
	record_release(k, dst);
	return -1;
}

static bool
str_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
record_same(const struct record_kind *k, const void *a, const void *b)
{
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		switch (f->type) {
		case RECORD_TIME:
			if (*CAT(a, f->offset, time_t) !=
			    *CAT(b, f->offset, time_t))
				return false;
			break;
		case RECORD_INT:
		case RECORD_CHOICE:
		case RECORD_VARIANT:
			if (int_of(a, f) != int_of(b, f))
				return false;
			break;
		case RECORD_TEXT:
			if (!str_same(text_of(a, f), text_of(b, f)))
				return false;
			break;
		case RECORD_LIST:
		case RECORD_TAGS:
			if (list_of(a, f)->n != list_of(b, f)->n)
				return false;
			for (size_t j = 0; j < list_of(a, f)->n; j++)
				if (strcmp(list_of(a, f)->v[j],
				           list_of(b, f)->v[j]) != 0)
					return false;
			break;
		}
	}
	return true;
}

bool
record_field_set(const struct record_field *f, const void *r)
{
	switch (f->type) {
	case RECORD_INT:
		return int_of(r, f) != RECORD_NONE;
	case RECORD_CHOICE:
		return int_of(r, f) != 0;
	case RECORD_TEXT:
		return text_of(r, f) != NULL;
	case RECORD_LIST:
	case RECORD_TAGS:
		return list_of(r, f)->n != 0;
	default:
		return true;
	}
}

time_t
record_when(const struct record_kind *k, const void *r)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == RECORD_TIME)
			return *CAT(r, k->fields[i].offset, time_t);
	return 0;
}

bool
record_has_fields(const struct record_kind *k, const void *r)
{
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (f->type != RECORD_TIME && f->type != RECORD_VARIANT &&
		    record_field_set(f, r))
			return true;
	}
	return false;
}

/* --- choices --- */

static const char *const okay_aliases[] = {"ok", NULL};

const struct record_choice record_states[] = {
        {"too-much", "too much", NULL},
        {"okay", "okay", okay_aliases},
        {"too-little", "too little", NULL},
        {NULL, NULL, NULL},
};

size_t
record_choice_count(const struct record_field *f)
{
	size_t n = 0;
	while (f->choices[n].name)
		n++;
	return n;
}

const char *
record_choice_name(const struct record_field *f, int v)
{
	return v > 0 && (size_t)v <= record_choice_count(f)
	               ? f->choices[v - 1].name
	               : NULL;
}

const char *
record_choice_words(const struct record_field *f, int v)
{
	return v > 0 && (size_t)v <= record_choice_count(f)
	               ? f->choices[v - 1].words
	               : "";
}

/* A stored name, exactly; 0 with *out set, or -1. */
static int
choice_from_name(const struct record_field *f, const char *s, int *out)
{
	for (size_t i = 0; f->choices[i].name; i++)
		if (strcmp(s, f->choices[i].name) == 0) {
			*out = (int)i + 1;
			return 0;
		}
	return -1;
}

/*
 * A word as typed, made comparable: ASCII lower case, spaces, tabs and
 * underscores as '-' (runs of them as one), apostrophes (ASCII and
 * U+2019) dropped, outer spaces and hyphens trimmed. -1 when it does not
 * fit in `size`.
 */
static int
normalise_word(const char *s, char *out, size_t size)
{
	size_t n = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s; s++) {
		char c = *s;
		if (c == '\'')
			continue;
		if (strncmp(s, "\xe2\x80\x99", 3) == 0) {
			s += 2;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == ' ' || c == '_' || c == '\t')
			c = '-';
		if (c == '-' && n && out[n - 1] == '-')
			continue;
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return 0;
}

int
record_choice_parse(const struct record_field *f, const char *s, int *out)
{
	char w[WORD_MAX];
	if (normalise_word(s, w, sizeof(w)))
		return -1;
	for (size_t i = 0; f->choices[i].name; i++) {
		const struct record_choice *c = &f->choices[i];
		bool hit = strcmp(w, c->name) == 0;
		for (size_t j = 0; !hit && c->aliases && c->aliases[j]; j++)
			hit = strcmp(w, c->aliases[j]) == 0;
		if (hit) {
			*out = (int)i + 1;
			return 0;
		}
	}
	return -1;
}

/* "a, b or c", each name quoted with `q` ("" or "\""), into buf. */
static void
choice_list(const struct record_field *f, const char *q, char *buf, size_t size)
{
	size_t n = record_choice_count(f), k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%s%s%s",
		                      i == 0       ? ""
		                      : i + 1 == n ? " or "
		                                   : ", ",
		                      q, f->choices[i].name, q);
}

/* --- cleaning --- */

const char *
record_problem_words(enum record_problem p)
{
	switch (p) {
	case RECORD_PROBLEM_NONE:
		return "is fine";
	case RECORD_PROBLEM_EMPTY:
		return "is empty";
	case RECORD_PROBLEM_LONG:
		return "is longer than selfhelp keeps in one field";
	case RECORD_PROBLEM_CONTROL:
		return "holds control characters (like a line break or an "
		       "escape) that a list item cannot hold";
	case RECORD_PROBLEM_NOT_UTF8:
		return "is not UTF-8 text";
	case RECORD_PROBLEM_COMMA:
		return "holds a comma, which a tag cannot hold";
	case RECORD_PROBLEM_FULL:
		return "has more items than one list can hold (64)";
	case RECORD_PROBLEM_MEMORY:
		return "could not be kept: out of memory";
	}
	return "could not be used";
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

char *
record_item_clean(const char *s, size_t max, enum record_problem *why)
{
	size_t len = strlen(s), n = 0;
	if (!util_utf8_ok(s, len, NULL)) {
		*why = RECORD_PROBLEM_NOT_UTF8;
		return NULL;
	}
	/* C1 controls and DEL too (newlines and other C0 below). */
	if (util_has_control(s, len, UTIL_CLEAN_LINES, NULL)) {
		*why = RECORD_PROBLEM_CONTROL;
		return NULL;
	}
	char *out = malloc(len + 1);
	if (!out) {
		*why = RECORD_PROBLEM_MEMORY;
		return NULL;
	}
	bool gap = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t') {
			gap = n > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			wipe_free_str((out[n] = '\0', out));
			*why = RECORD_PROBLEM_CONTROL;
			return NULL;
		}
		if (gap)
			out[n++] = ' ';
		gap = false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n == 0 || n > max) {
		wipe_free_str(out);
		*why = n ? RECORD_PROBLEM_LONG : RECORD_PROBLEM_EMPTY;
		return NULL;
	}
	*why = RECORD_PROBLEM_NONE;
	return out;
}

char *
record_text_clean(const char *s, size_t max, enum record_problem *why)
{
	size_t len = strlen(s);
	if (!util_utf8_ok(s, len, NULL)) {
		*why = RECORD_PROBLEM_NOT_UTF8;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') ||
		    c == 0x7f) {
			*why = RECORD_PROBLEM_CONTROL;
			return NULL;
		}
	}
	while (len && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && is_space((unsigned char)s[len - 1]))
		len--;
	if (len == 0) {
		*why = RECORD_PROBLEM_EMPTY;
		return NULL;
	}
	if (len > max) {
		*why = RECORD_PROBLEM_LONG;
		return NULL;
	}
	char *out = malloc(len + 1);
	if (!out) {
		*why = RECORD_PROBLEM_MEMORY;
		return NULL;
	}
	/* CRLF from editors on other systems: keep only the LF. */
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			out[n++] = s[i] == '\r' ? '\n' : s[i];
	out[n] = '\0';
	*why = RECORD_PROBLEM_NONE;
	return out;
}

enum record_problem
record_set_text(const struct record_field *f, void *r, const char *s)
{
	enum record_problem why = RECORD_PROBLEM_NONE;
	char *c = record_text_clean(s, f->max, &why);
	if (!c && why != RECORD_PROBLEM_EMPTY)
		return why;
	wipe_free_str(*text_at(r, f));
	*text_at(r, f) = c;
	return RECORD_PROBLEM_NONE;
}

/* Is `item` in list l already, by f's key? -1 when out of memory. */
static int
list_has(const struct record_field *f, const struct record_list *l,
         const char *item)
{
	char *key = f->same_key ? f->same_key(item) : NULL;
	int found = 0;
	if (f->same_key && !key)
		return -1;
	for (size_t i = 0; !found && i < l->n; i++) {
		if (!f->same_key) {
			found = strcmp(l->v[i], item) == 0;
			continue;
		}
		char *k = f->same_key(l->v[i]);
		found = k && strcmp(k, key) == 0;
		wipe_free_str(k);
	}
	wipe_free_str(key);
	return found;
}

/* Add one part (not split further) to list field f. */
static enum record_problem
add_one(const struct record_field *f, void *r, const char *part)
{
	enum record_problem why = RECORD_PROBLEM_NONE;
	struct record_list *l = list_at(r, f);
	char *item = record_item_clean(part, f->item_max, &why);
	if (!item)
		return why;
	if (f->type == RECORD_TAGS) {
		/* Tags follow the journal's rule: lower case, no '#'. */
		char *tag = journal_tag_normalize(item);
		wipe_free_str(item);
		if (!tag)
			return RECORD_PROBLEM_LONG;
		item = tag;
	}
	/* The same item twice in one record says nothing new: keep the
	 * first spelling. */
	int found = list_has(f, l, item);
	if (found) {
		wipe_free_str(item);
		return found < 0 ? RECORD_PROBLEM_MEMORY : RECORD_PROBLEM_NONE;
	}
	if (l->n >= f->max) {
		wipe_free_str(item);
		return RECORD_PROBLEM_FULL;
	}
	if (list_push(l, item)) {
		wipe_free_str(item);
		return RECORD_PROBLEM_MEMORY;
	}
	return RECORD_PROBLEM_NONE;
}

enum record_problem
record_add_items(const struct record_field *f, void *r, const char *s)
{
	size_t len = strlen(s);
	char *copy = malloc(len + 1);
	enum record_problem why = RECORD_PROBLEM_NONE;
	if (!copy)
		return RECORD_PROBLEM_MEMORY;
	memcpy(copy, s, len + 1);
	for (char *p = copy;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		/* Skip empty parts ("a,,b", a trailing comma). */
		if (p[strspn(p, " \t")]) {
			why = add_one(f, r, p);
			if (why != RECORD_PROBLEM_NONE)
				break;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	sodium_memzero(copy, len);
	free(copy);
	return why;
}

/* --- the stored JSON --- */

/* Set o[k] = v, taking v; non-zero on failure (also when v is NULL). */
static int
set(json_t *o, const char *k, json_t *v)
{
	if (!v)
		return -1;
	return json_object_set_new(o, k, v);
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
list_json(const struct record_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < l->n; i++)
		if (json_array_append_new(a, json_string(l->v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Field f of r as JSON: times as integers, or (iso) ISO 8601 text. */
static json_t *
field_json(const void *r, const struct record_field *f, bool iso)
{
	char when[ISO_MAX];
	switch (f->type) {
	case RECORD_TIME:
		if (!iso)
			return json_integer(*CAT(r, f->offset, time_t));
		date_format_iso(*CAT(r, f->offset, time_t), when, sizeof(when));
		return json_string(when);
	case RECORD_INT:
		return int_of(r, f) == RECORD_NONE ? json_null()
		                                   : json_integer(int_of(r, f));
	case RECORD_CHOICE:
	case RECORD_VARIANT:
		return str_or_null(record_choice_name(f, int_of(r, f)));
	case RECORD_TEXT:
		return str_or_null(text_of(r, f));
	case RECORD_LIST:
	case RECORD_TAGS:
		return list_json(list_of(r, f));
	}
	return NULL;
}

/* The head (head true) or the body of r. */
static json_t *
part_json(const struct record_kind *k, const void *r, bool head)
{
	json_t *o = json_object();
	int variant = record_variant(k, r);
	int bad = !o || set(o, "v", json_integer(RECORD_VERSION));
	for (size_t i = 0; !bad && i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (!applies(f, variant) || !(f->flags & RECORD_HEAD) != !head)
			continue;
		bad = set(o, f->json, field_json(r, f, false));
		if (!bad && f->type == RECORD_TIME)
			bad = set(o, "created",
			          json_integer(
			                  *CAT(r, k->meta.created, time_t))) ||
			      set(o, "updated",
			          json_integer(
			                  *CAT(r, k->meta.updated, time_t)));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
record_encode(const struct record_kind *k, const void *r, char **head,
              char **body)
{
	json_t *h = part_json(k, r, true), *b = part_json(k, r, false);
	*head = h ? json_dumps(h, JSON_COMPACT) : NULL;
	*body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(h);
	json_decref(b);
	if (*head && *body)
		return 0;
	record_json_free(*head);
	record_json_free(*body);
	*head = *body = NULL;
	return -1;
}

static json_t *
load(const unsigned char *p, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb((const char *)p, len, 0, &err);
	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
record_sort_key(const char *kind, const unsigned char *head, size_t len,
                int64_t *key)
{
	const struct record_kind *k = record_kind_find(kind);
	const char *name = NULL;
	if (strcmp(kind, JOURNAL_KIND) == 0)
		return journal_sort_key(kind, head, len, key);
	if (strcmp(kind, RATING_KIND) == 0)
		name = "created";
	for (size_t i = 0;
	     k && !(k->flags & RECORD_OWN_STORAGE) && i < k->nfields && !name;
	     i++)
		if (k->fields[i].type == RECORD_TIME &&
		    (k->fields[i].flags & RECORD_HEAD))
			name = k->fields[i].json;
	if (!name)
		return 1;
	json_t *o = load(head, len), *t = o ? json_object_get(o, name) : NULL;
	int rc = json_is_integer(t) ? 0 : -1;
	if (!rc)
		*key = (int64_t)json_integer_value(t);
	json_decref(o);
	return rc;
}

/* Read stored field f from o into r; -1 when it is not as stored. */
static int
decode_field(json_t *o, const struct record_field *f, void *r)
{
	json_t *v = json_object_get(o, f->json);
	bool none = !v || json_is_null(v);
	switch (f->type) {
	case RECORD_TIME:
		if (!json_is_integer(v))
			return -1;
		*time_at(r, f) = (time_t)json_integer_value(v);
		return 0;
	case RECORD_INT:
		if (none)
			return 0;
		if (!json_is_integer(v) || json_integer_value(v) < f->lo ||
		    json_integer_value(v) > f->hi)
			return -1;
		*int_at(r, f) = (int)json_integer_value(v);
		return 0;
	case RECORD_VARIANT:
		if (!json_is_string(v))
			return -1;
		/* fall through */
	case RECORD_CHOICE:
		if (none)
			return 0;
		if (!json_is_string(v))
			return -1;
		return choice_from_name(f, json_string_value(v), int_at(r, f));
	case RECORD_TEXT:
		if (none)
			return 0;
		if (!json_is_string(v))
			return -1;
		*text_at(r, f) = strdup(json_string_value(v));
		return *text_at(r, f) ? 0 : -1;
	case RECORD_LIST:
	case RECORD_TAGS:
		if (none)
			return 0;
		if (!json_is_array(v) || json_array_size(v) > f->max)
			return -1;
		for (size_t i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			char *c = s ? strdup(s) : NULL;
			if (!c || list_push(list_at(r, f), c)) {
				free(c);
				return -1;
			}
		}
		return 0;
	}
	return -1;
}

static int
decode_part(const struct record_kind *k, void *r, const unsigned char *p,
            size_t len, bool head)
{
	json_t *o = load(p, len);
	int rc = -1;
	if (!o)
		return -1;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		/* The variant comes first: it says which fields follow. */
		if (!(f->flags & RECORD_HEAD) != !head ||
		    !applies(f, record_variant(k, r)))
			continue;
		if (decode_field(o, f, r))
			goto out;
		if (f->type == RECORD_TIME && head) {
			time_t when = *time_at(r, f);
			json_t *c = json_object_get(o, "created");
			json_t *u = json_object_get(o, "updated");
			time_t *created = AT(r, k->meta.created, time_t);
			*created = json_is_integer(c)
			                   ? (time_t)json_integer_value(c)
			                   : when;
			*AT(r, k->meta.updated, time_t) =
			        json_is_integer(u)
			                ? (time_t)json_integer_value(u)
			                : *created;
		}
	}
	if (!head)
		*AT(r, k->meta.has_body, bool) = true;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

int
record_decode(const struct record_kind *k, void *r, const unsigned char *head,
              size_t headlen, const unsigned char *body, size_t bodylen)
{
	const struct record_field *vf = variant_field(k);
	record_init(k, r, vf && vf->choices ? 1 : 0);
	if (decode_part(k, r, head, headlen, true) ||
	    (body && decode_part(k, r, body, bodylen, false))) {
		record_release(k, r);
		return -1;
	}
	return 0;
}

/* Decode a vault item into a new heap record; NULL when it is not one. */
static void *
decode_item(const struct record_kind *k, const struct vault_item *it)
{
	void *r = malloc(k->size);
	if (!r)
		return NULL;
	if (record_decode(k, r, it->head, it->headlen, it->body, it->bodylen)) {
		free(r);
		return NULL;
	}
	snprintf(AT(r, k->meta.id, char), VAULT_ID_HEX + 1, "%s", it->id);
	*AT(r, k->meta.written_locked, bool) = it->written_locked;
	*AT(r, k->meta.conflict_copy, bool) = it->conflict_copy;
	return r;
}

/* --- the vault --- */

/* Store r as record `id` (NULL: new), or sealed while the vault is
 * locked. */
static int
put(struct vault *v, const struct record_kind *k, const char *id, bool sealed,
    const void *r, char *id_out)
{
	char *head, *body;
	int rc;
	if (record_encode(k, r, &head, &body))
		return VAULT_ERROR;
	if (sealed)
		rc = vault_seal(v, k->name, head, strlen(head), body,
		                strlen(body), id_out);
	else
		rc = vault_put(v, id, k->name, head, strlen(head), body,
		               strlen(body), id_out);
	record_json_free(head);
	record_json_free(body);
	return rc;
}

int
record_add(struct vault *v, const struct record_kind *k, void *r, bool sealed,
           time_t now)
{
	if (sealed && !(k->flags & RECORD_LOCKED_WRITES))
		return VAULT_ERROR;
	*AT(r, k->meta.created, time_t) = now;
	*AT(r, k->meta.updated, time_t) = now;
	*AT(r, k->meta.has_body, bool) = true;
	return put(v, k, NULL, sealed, r, AT(r, k->meta.id, char));
}

int
record_update(struct vault *v, const struct record_kind *k, void *r, time_t now)
{
	if (!*AT(r, k->meta.has_body, bool))
		return VAULT_ERROR; /* would clear the body fields */
	*AT(r, k->meta.updated, time_t) = now;
	return put(v, k, AT(r, k->meta.id, char), false, r, NULL);
}

struct get_ctx {
	const struct record_kind *k;
	void *r;
	bool damaged;
};

static int
get_cb(void *arg, const struct vault_item *it)
{
	struct get_ctx *g = arg;
	if (it->damaged || !it->body || !(g->r = decode_item(g->k, it)))
		g->damaged = true;
	return 0;
}

int
record_get(struct vault *v, const struct record_kind *k, const char *id,
           void **out)
{
	struct get_ctx g = {.k = k};
	*out = NULL;
	int rc = vault_get(v, id, k->name, get_cb, &g);
	if (rc)
		return rc;
	if (g.damaged)
		return VAULT_DAMAGED;
	*out = g.r;
	return VAULT_OK;
}

struct list_ctx {
	const struct record_kind *k;
	record_keep_fn keep;
	void *keep_arg;
	void **list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static int
list_cb(void *arg, const struct vault_item *it)
{
	struct list_ctx *c = arg;
	void *r = it->damaged ? NULL : decode_item(c->k, it);
	if (!r) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	if (c->keep && !c->keep(r, c->keep_arg)) {
		record_free(c->k, r);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		void **nl = realloc(c->list, cap * sizeof(*nl));
		if (!nl) {
			record_free(c->k, r);
			return VAULT_ERROR;
		}
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = r;
	return 0;
}

int
record_list(struct vault *v, const struct record_kind *k,
            const struct record_query *q, void ***list, size_t *n)
{
	struct list_ctx c = {.k = k,
	                     .keep = q->keep,
	                     .keep_arg = q->keep_arg,
	                     .damaged = q->damaged,
	                     .arg = q->arg};
	unsigned flags = q->with_body ? VAULT_EACH_BODY : 0;
	int rc;
	if ((q->since || q->until) && vault_has_sort_key(v))
		rc = vault_each_by_key(v, k->name, flags,
		                       q->since ? (int64_t)q->since : INT64_MIN,
		                       q->until ? (int64_t)q->until : INT64_MAX,
		                       list_cb, &c);
	else
		rc = vault_each(v, k->name, flags, list_cb, &c);
	if (rc) {
		record_free_all(k, c.list, c.n);
		c.list = NULL;
		c.n = 0;
	}
	*list = c.list;
	*n = c.n;
	return rc;
}

/* What record_sort_newest sorts by, beside each record. */
struct sort_item {
	time_t when;
	const char *id;
	void *r;
};

static int
newest_first(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	if (x->when != y->when)
		return x->when < y->when ? 1 : -1;
	return strcmp(y->id, x->id);
}

void
record_sort_newest(const struct record_kind *k, void **list, size_t n)
{
	struct sort_item *items;
	if (n < 2 || !(items = malloc(n * sizeof(*items))))
		return; /* out of memory: left in storage order */
	for (size_t i = 0; i < n; i++)
		items[i] = (struct sort_item){record_when(k, list[i]),
		                              CAT(list[i], k->meta.id, char),
		                              list[i]};
	qsort(items, n, sizeof(*items), newest_first);
	for (size_t i = 0; i < n; i++)
		list[i] = items[i].r;
	free(items);
}

/* --- the edit layout --- */

/* The i-th field of the layout, or NULL after the last. */
static const struct record_field *
layout_field(const struct record_kind *k, size_t i)
{
	if (k->edit_order)
		return k->edit_order[i] < 0 ? NULL
		                            : &k->fields[k->edit_order[i]];
	return i < k->nfields ? &k->fields[i] : NULL;
}

static int
buf_text_field(struct strbuf *b, const char *s)
{
	if (!s)
		return strbuf_adds(b, "\n");
	if (strbuf_adds(b, " "))
		return -1;
	for (const char *p = s;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (strbuf_add(b, p, n) || strbuf_adds(b, "\n"))
			return -1;
		if (!nl)
			break;
		p = nl + 1;
		/* Blank lines stay blank; others get the two-space indent. */
		if (*p && *p != '\n' && strbuf_adds(b, "  "))
			return -1;
	}
	return 0;
}

/* The value of field f after "key:". */
static int
format_value(struct strbuf *b, const void *r, const struct record_field *f)
{
	char num[32] = "";
	const char *value = num;
	switch (f->type) {
	case RECORD_TIME:
		date_format_local(*CAT(r, f->offset, time_t), num, sizeof(num));
		break;
	case RECORD_INT:
		if (int_of(r, f) != RECORD_NONE)
			snprintf(num, sizeof(num), "%d", int_of(r, f));
		break;
	case RECORD_CHOICE:
	case RECORD_VARIANT:
		value = record_choice_name(f, int_of(r, f));
		break;
	case RECORD_TEXT:
		return buf_text_field(b, text_of(r, f));
	case RECORD_LIST:
	case RECORD_TAGS:
		for (size_t i = 0; i < list_of(r, f)->n; i++)
			if (strbuf_adds(b, i ? ", " : " ") ||
			    strbuf_adds(b, list_of(r, f)->v[i]))
				return -1;
		return strbuf_adds(b, "\n");
	}
	return (value && *value &&
	        (strbuf_adds(b, " ") || strbuf_adds(b, value))) ||
	       strbuf_adds(b, "\n");
}

char *
record_format_text(const struct record_kind *k, const void *r, size_t *len)
{
	struct strbuf b = {0};
	int variant = record_variant(k, r);
	const struct record_layout *lay = &k->layouts[variant];
	const char *id = CAT(r, k->meta.id, char);
	char line[128];
	int bad = 0;
	if (id[0]) {
		snprintf(line, sizeof(line), "# %s %.8s.\n", lay->title, id);
		bad = strbuf_adds(&b, line);
	}
	bad = bad || strbuf_adds(&b, lay->header);
	const struct record_field *f;
	for (size_t i = 0; !bad && (f = layout_field(k, i)); i++)
		if (f->key && applies(f, variant))
			bad = strbuf_adds(&b, f->key) || strbuf_adds(&b, ":") ||
			      format_value(&b, r, f);
	if (bad) {
		strbuf_release(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

static int __attribute__((format(printf, 4, 5)))
parse_error(char *err, size_t size, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, size, "Line %zu: ", line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < size)
		vsnprintf(err + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The field for an edit key as typed (any case; '_' or ' ' as '-'; the
 * JSON key and the alias are understood too), or NULL.
 */
static const struct record_field *
find_field(const struct record_kind *k, const char *key)
{
	char typed[KEY_MAX], json[KEY_MAX];
	size_t n = strlen(key);
	if (n == 0 || n >= sizeof(typed))
		return NULL;
	for (size_t i = 0; i <= n; i++) {
		char c = key[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		typed[i] = c == '_' || c == ' ' ? '-' : c;
	}
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (!f->key)
			continue;
		snprintf(json, sizeof(json), "%s", f->json);
		for (char *p = json; *p; p++)
			if (*p == '_')
				*p = '-';
		if (strcmp(typed, f->key) == 0 || strcmp(typed, json) == 0 ||
		    (f->alias && strcmp(typed, f->alias) == 0))
			return f;
	}
	return NULL;
}

/* The edit keys of a variant, in layout order; returns how many. */
static size_t
layout_keys(const struct record_kind *k, int variant, const char **keys)
{
	size_t n = 0;
	const struct record_field *f;
	for (size_t i = 0; (f = layout_field(k, i)); i++)
		if (f->key && applies(f, variant))
			keys[n++] = f->key;
	return n;
}

/* "a, b and c" of n words into buf. */
static void
words_and(const char *const *w, size_t n, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%s",
		                      i == 0       ? ""
		                      : i + 1 == n ? " and "
		                                   : ", ",
		                      w[i]);
}

/* State while parsing: which fields were given, and the open one. */
struct parse_state {
	const struct record_kind *k;
	int variant;
	bool seen[RECORD_FIELDS_MAX];
	const struct record_field *open_text; /* indented lines continue it */
	const struct record_field *open_list;
	struct strbuf text; /* the open text field's value so far */
	size_t blanks;      /* blank lines seen inside the open text */
};

/* Close the open text field: set it on r. */
static int
close_text(struct parse_state *ps, void *r, size_t line, char *err,
           size_t errsize)
{
	const struct record_field *f = ps->open_text;
	if (!f)
		return 0;
	ps->open_text = NULL;
	enum record_problem why =
	        record_set_text(f, r, ps->text.p ? ps->text.p : "");
	strbuf_release(&ps->text);
	if (why != RECORD_PROBLEM_NONE)
		return parse_error(err, errsize, line, "the %s text %s.",
		                   f->key, record_problem_words(why));
	return 0;
}

static void
rstrip(char *s)
{
	size_t n = strlen(s);
	while (n && is_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static int
parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	if (!(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* A line continuing the open field (indented). */
static int
parse_more(struct parse_state *ps, char *line, size_t lineno, void *r,
           char *err, size_t errsize)
{
	char *p = line;
	if (p[0] == '\t')
		p++;
	else
		for (int i = 0; i < 2 && *p == ' '; i++)
			p++;
	if (ps->open_text) {
		for (; ps->blanks; ps->blanks--)
			if (strbuf_adds(&ps->text, "\n"))
				return parse_error(err, errsize, lineno,
				                   "out of memory.");
		if (strbuf_adds(&ps->text, "\n") || strbuf_adds(&ps->text, p))
			return parse_error(err, errsize, lineno,
			                   "out of memory.");
		return 0;
	}
	if (ps->open_list) {
		enum record_problem why = record_add_items(ps->open_list, r, p);
		if (why != RECORD_PROBLEM_NONE)
			return parse_error(err, errsize, lineno, "this %s %s.",
			                   ps->open_list->key,
			                   record_problem_words(why));
		return 0;
	}
	const char *texts[RECORD_FIELDS_MAX];
	size_t nt = 0;
	bool lists = false;
	const struct record_field *f;
	for (size_t i = 0; (f = layout_field(ps->k, i)); i++) {
		if (!f->key || !applies(f, ps->variant))
			continue;
		if (f->type == RECORD_TEXT)
			texts[nt++] = f->key;
		lists |= is_list(f);
	}
	if (!lists)
		return parse_error(err, errsize, lineno,
		                   "this line is indented, but only text "
		                   "fields go on over several lines.");
	char names[512];
	size_t k = 0;
	names[0] = '\0';
	for (size_t i = 0; i < nt && k < sizeof(names); i++)
		k += (size_t)snprintf(names + k, sizeof(names) - k, "%s%s",
		                      i ? ", " : "", texts[i]);
	return parse_error(err, errsize, lineno,
	                   "this line is indented, but only text (%s) and "
	                   "lists go on over several lines.",
	                   names);
}

/* A one-value field: time, number or choice. */
static int
parse_scalar(const struct record_field *f, char *value, size_t lineno,
             const void *base, time_t now, void *r, char *err, size_t errsize)
{
	char words[256];
	rstrip(value);
	switch (f->type) {
	case RECORD_TIME: {
		char orig[32];
		time_t was = *CAT(base, f->offset, time_t);
		date_format_local(was, orig, sizeof(orig));
		if (strcmp(value, orig) == 0) {
			*time_at(r, f) = was; /* keep the seconds */
			return 0;
		}
		if (!*value ||
		    date_parse(value, now, DATE_START, time_at(r, f)))
			return parse_error(err, errsize, lineno,
			                   "'%s' needs a date selfhelp "
			                   "understands, like 2026-11-01 "
			                   "14:30, today or yesterday.",
			                   f->key);
		return 0;
	}
	case RECORD_INT:
		*int_at(r, f) = RECORD_NONE;
		if (*value && parse_int(value, f->lo, f->hi, int_at(r, f)))
			return parse_error(err, errsize, lineno,
			                   "'%s' takes %s from %d to %d, or "
			                   "nothing.",
			                   f->key, f->range, f->lo, f->hi);
		return 0;
	case RECORD_CHOICE:
		*int_at(r, f) = 0;
		if (*value && record_choice_parse(f, value, int_at(r, f))) {
			choice_list(f, "", words, sizeof(words));
			return parse_error(err, errsize, lineno,
			                   "'%s' takes %s, or nothing.", f->key,
			                   words);
		}
		return 0;
	default:
		return 0;
	}
}

static int
parse_line(struct parse_state *ps, char *line, size_t lineno, const void *base,
           time_t now, void *r, char *err, size_t errsize)
{
	const struct record_kind *k = ps->k;
	if (line[0] == ' ' || line[0] == '\t')
		return parse_more(ps, line, lineno, r, err, errsize);
	if (close_text(ps, r, lineno, err, errsize))
		return -1;
	ps->open_list = NULL;
	ps->blanks = 0;

	char *colon = strchr(line, ':');
	if (!colon)
		return parse_error(err, errsize, lineno,
		                   "selfhelp expected 'key: value' here, like "
		                   "%s.",
		                   k->edit_example);
	*colon = '\0';
	char *key = line, *value = colon + 1;
	rstrip(key);
	value += strspn(value, " \t");
	const struct record_field *f = find_field(k, key);
	if (!f) {
		const char *keys[RECORD_FIELDS_MAX];
		char words[512];
		size_t n = layout_keys(k, ps->variant, keys);
		const char *s = util_suggest(key, keys, n);
		if (s)
			return parse_error(err, errsize, lineno,
			                   "'%s' is not a field %s. Did you "
			                   "mean '%s'?",
			                   key, k->unknown_where, s);
		words_and(keys, n, words, sizeof(words));
		return parse_error(err, errsize, lineno,
		                   "'%s' is not a field %s; the fields are %s.",
		                   key, k->unknown_where,
		                   k->fields_words ? k->fields_words : words);
	}
	if (!applies(f, ps->variant)) {
		const struct record_field *vf = variant_field(k);
		int other = 1;
		while (!applies(f, other))
			other++;
		return parse_error(err, errsize, lineno,
		                   "'%s' belongs to %s, and this record is %s.",
		                   key, record_choice_words(vf, other),
		                   record_choice_words(vf, ps->variant));
	}
	size_t idx = (size_t)(f - k->fields);
	if (is_list(f)) {
		enum record_problem why = record_add_items(f, r, value);
		if (why != RECORD_PROBLEM_NONE)
			return parse_error(err, errsize, lineno, "this %s %s.",
			                   f->key, record_problem_words(why));
		ps->open_list = f;
		return 0;
	}
	if (ps->seen[idx])
		return parse_error(err, errsize, lineno,
		                   f->type == RECORD_TEXT
		                           ? "'%s' is here twice; longer text "
		                             "goes on over lines indented by "
		                             "two spaces."
		                           : "'%s' is here twice; it takes one "
		                             "value.",
		                   f->key);
	ps->seen[idx] = true;
	if (f->type == RECORD_TEXT) {
		ps->open_text = f;
		if (strbuf_adds(&ps->text, value))
			return parse_error(err, errsize, lineno,
			                   "out of memory.");
		return 0;
	}
	return parse_scalar(f, value, lineno, base, now, r, err, errsize);
}

int
record_parse_text(const struct record_kind *k, const char *text, size_t len,
                  const void *base, time_t now, void *r, char *err,
                  size_t errsize)
{
	struct parse_state ps = {.k = k, .variant = record_variant(k, base)};
	size_t lineno = 0, bad;
	int rc = -1;
	char *line = NULL;

	record_init(k, r, ps.variant);
	err[0] = '\0';
	if (!util_utf8_ok(text, len, &bad)) {
		snprintf(err, errsize,
		         "The text has a byte at position %zu that is not "
		         "UTF-8 text (or is a NUL byte).",
		         bad);
		return -1;
	}
	memcpy(AT(r, k->meta.id, char), CAT(base, k->meta.id, char),
	       VAULT_ID_HEX + 1);
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == RECORD_TIME)
			*time_at(r, &k->fields[i]) =
			        *CAT(base, k->fields[i].offset, time_t);
	*AT(r, k->meta.created, time_t) = *CAT(base, k->meta.created, time_t);
	*AT(r, k->meta.updated, time_t) = *CAT(base, k->meta.updated, time_t);
	*AT(r, k->meta.has_body, bool) = true;

	line = malloc(len + 1);
	if (!line) {
		snprintf(err, errsize, "Out of memory.");
		return -1;
	}
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (!line[strspn(line, " \t")]) {
			if (ps.open_text)
				ps.blanks++;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (parse_line(&ps, line, lineno, base, now, r, err, errsize))
			goto out;
	}
	if (close_text(&ps, r, lineno, err, errsize))
		goto out;
	rc = 0;
out:
	sodium_memzero(line, len + 1);
	free(line);
	strbuf_release(&ps.text);
	if (rc)
		record_release(k, r);
	return rc;
}

/* --- the fields as JSON --- */

int
record_fields_json(const struct record_kind *k, const void *r, json_t *o,
                   unsigned flags)
{
	int variant = record_variant(k, r);
	int bad = 0;
	for (size_t i = 0; !bad && i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (!applies(f, variant))
			continue;
		bad = set(o, f->json, field_json(r, f, true));
		if (!bad && f->type == RECORD_TIME &&
		    (flags & RECORD_JSON_TIMES)) {
			char c[ISO_MAX], u[ISO_MAX];
			date_format_iso(*CAT(r, k->meta.created, time_t), c,
			                sizeof(c));
			date_format_iso(*CAT(r, k->meta.updated, time_t), u,
			                sizeof(u));
			bad = set(o, "created", json_string(c)) ||
			      set(o, "updated", json_string(u));
		}
	}
	return bad ? -1 : 0;
}

static int __attribute__((format(printf, 3, 4)))
field_error(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* What a value is, for a message: "missing", or its JSON type. */
static const char *
what_is(const json_t *v)
{
	return v ? transfer_type_name(v) : "missing";
}

int
record_int_read(const struct record_field *f, const json_t *v, int *out,
                char *err, size_t size)
{
	if (json_is_integer(v) && json_integer_value(v) >= f->lo &&
	    json_integer_value(v) <= f->hi) {
		*out = (int)json_integer_value(v);
		return 0;
	}
	if (json_is_integer(v))
		return field_error(err, size,
		                   "\"%s\" is %lld; %s is a whole number from "
		                   "%d to %d",
		                   f->json, (long long)json_integer_value(v),
		                   f->noun, f->lo, f->hi);
	return field_error(err, size,
	                   "\"%s\" is %s; %s is a whole number from %d to %d, "
	                   "or null",
	                   f->json, transfer_type_name(v), f->noun, f->lo,
	                   f->hi);
}

/* Read export field f (present, not null) from v into r. */
static int
read_field(const struct record_field *f, const json_t *v, void *r, char *err,
           size_t size)
{
	char words[256];
	enum record_problem why;
	switch (f->type) {
	case RECORD_TIME:
		if (!json_is_string(v) ||
		    transfer_time_parse(json_string_value(v), time_at(r, f)))
			return field_error(
			        err, size,
			        "\"%s\" is %s; selfhelp expects a "
			        "time like 2026-11-26T14:30:00+01:00",
			        f->json, what_is(v));
		return 0;
	case RECORD_INT:
		return record_int_read(f, v, int_at(r, f), err, size);
	case RECORD_VARIANT:
		if (json_is_string(v) &&
		    !choice_from_name(f, json_string_value(v), int_at(r, f)))
			return 0;
		choice_list(f, "\"", words, sizeof(words));
		return field_error(err, size,
		                   "\"%s\" is %s; selfhelp expects %s", f->json,
		                   json_is_string(v) ? "a name it does not know"
		                                     : what_is(v),
		                   words);
	case RECORD_CHOICE:
		if (json_is_string(v) &&
		    !record_choice_parse(f, json_string_value(v), int_at(r, f)))
			return 0;
		choice_list(f, "\"", words, sizeof(words));
		return field_error(err, size,
		                   "\"%s\" is %s; selfhelp expects %s, or null",
		                   f->json,
		                   json_is_string(v) ? "a name it does not know"
		                                     : transfer_type_name(v),
		                   words);
	case RECORD_TEXT:
		if (!json_is_string(v))
			return field_error(
			        err, size,
			        "\"%s\" is %s; selfhelp expects text, "
			        "or null",
			        f->json, transfer_type_name(v));
		if (strlen(json_string_value(v)) != json_string_length(v))
			why = RECORD_PROBLEM_NOT_UTF8;
		else if (!(f->flags & RECORD_VERBATIM))
			why = record_set_text(f, r, json_string_value(v));
		else if ((*text_at(r, f) = strdup(json_string_value(v))))
			why = RECORD_PROBLEM_NONE;
		else
			why = RECORD_PROBLEM_MEMORY;
		if (why != RECORD_PROBLEM_NONE)
			return field_error(err, size, "\"%s\" %s", f->json,
			                   record_problem_words(why));
		return 0;
	case RECORD_LIST:
	case RECORD_TAGS:
		if (!json_is_array(v))
			return field_error(
			        err, size,
			        "\"%s\" is %s; selfhelp expects a list "
			        "of texts, or null",
			        f->json, transfer_type_name(v));
		for (size_t i = 0; i < json_array_size(v); i++) {
			const json_t *item = json_array_get(v, i);
			const char *s = json_string_value(item);
			why = RECORD_PROBLEM_NOT_UTF8;
			if (!s)
				return field_error(err, size,
				                   "item %zu of \"%s\" is %s; "
				                   "selfhelp expects text",
				                   i + 1, f->json,
				                   transfer_type_name(item));
			if (strlen(s) == json_string_length(item))
				why = strchr(s, ',') ? RECORD_PROBLEM_COMMA
				                     : add_one(f, r, s);
			if (why != RECORD_PROBLEM_NONE)
				return field_error(err, size,
				                   "item %zu of \"%s\" %s",
				                   i + 1, f->json,
				                   record_problem_words(why));
		}
		return 0;
	}
	return -1;
}

int
record_fields_read(const struct record_kind *k, const json_t *o, void *r,
                   char *err, size_t errsize)
{
	const struct record_field *vf = variant_field(k);
	record_init(k, r, vf ? 1 : 0);
	/* The variant first: it says which fields belong. */
	if (vf && read_field(vf, json_object_get(o, vf->json), r, err, errsize))
		goto fail;
	int variant = record_variant(k, r);
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		json_t *v = json_object_get(o, f->json);
		if (f == vf)
			continue;
		if (f->type != RECORD_TIME && (!v || json_is_null(v)))
			continue;
		if (!applies(f, variant)) {
			int other = 1;
			while (!applies(f, other))
				other++;
			field_error(
			        err, errsize,
			        "\"%s\" belongs to %s, and this record is %s",
			        f->json, record_choice_words(vf, other),
			        record_choice_words(vf, variant));
			goto fail;
		}
		if (read_field(f, v, r, err, errsize))
			goto fail;
	}
	*AT(r, k->meta.has_body, bool) = true;
	return 0;
fail:
	record_release(k, r);
	return -1;
}

/* --- the export codec --- */

int
record_export_encode(const struct transfer_codec *c, const unsigned char *head,
                     size_t headlen, const unsigned char *body, size_t bodylen,
                     struct transfer_times *t, json_t *fields, char *err)
{
	const struct record_kind *k = c->kind;
	void *r = malloc(k->size);
	if (!r || !body || record_decode(k, r, head, headlen, body, bodylen)) {
		free(r);
		snprintf(err, TRANSFER_ERR_MAX, "it does not read as %s",
		         k->what);
		return -1;
	}
	t->created = *CAT(r, k->meta.created, time_t);
	t->updated = *CAT(r, k->meta.updated, time_t);
	int rc = record_fields_json(k, r, fields, 0);
	record_free(k, r);
	if (rc)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return rc;
}

int
record_export_decode(const struct transfer_codec *c, const json_t *rec,
                     const struct transfer_times *t, struct strbuf *head,
                     struct strbuf *body, char *err)
{
	const struct record_kind *k = c->kind;
	char *h = NULL, *b = NULL;
	void *r = malloc(k->size);
	if (!r) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return -1;
	}
	if (record_fields_read(k, rec, r, err, TRANSFER_ERR_MAX)) {
		free(r);
		return -1;
	}
	*AT(r, k->meta.created, time_t) = t->created;
	*AT(r, k->meta.updated, time_t) = t->updated;
	int rc = record_encode(k, r, &h, &b) || strbuf_adds(head, h) ||
	                         strbuf_adds(body, b)
	                 ? -1
	                 : 0;
	if (rc)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	record_json_free(h);
	record_json_free(b);
	record_free(k, r);
	return rc;
}

/* Field f of r for people, after "- key: ". */
static int
md_value(struct strbuf *md, const void *r, const struct record_field *f)
{
	char num[32];
	switch (f->type) {
	case RECORD_TIME:
		date_format_local(*CAT(r, f->offset, time_t), num, sizeof(num));
		return strbuf_adds(md, num);
	case RECORD_INT:
		snprintf(num, sizeof(num), "%d", int_of(r, f));
		return strbuf_adds(md, num);
	case RECORD_CHOICE:
	case RECORD_VARIANT:
		return strbuf_adds(md, record_choice_words(f, int_of(r, f)));
	case RECORD_TEXT:
		return transfer_put_clean(md, text_of(r, f),
		                          strlen(text_of(r, f)),
		                          UTIL_CLEAN_LINES);
	case RECORD_LIST:
	case RECORD_TAGS:
		for (size_t i = 0; i < list_of(r, f)->n; i++) {
			const char *s = list_of(r, f)->v[i];
			if ((i && strbuf_adds(md, ", ")) ||
			    transfer_put_clean(md, s, strlen(s), 0))
				return -1;
		}
		return 0;
	}
	return -1;
}

int
record_export_markdown(const struct transfer_codec *c, const json_t *rec,
                       struct strbuf *md)
{
	const struct record_kind *k = c->kind;
	char err[TRANSFER_ERR_MAX];
	void *r = malloc(k->size);
	int rc = 0;
	if (!r)
		return -1;
	if (record_fields_read(k, rec, r, err, sizeof(err))) {
		free(r);
		return strbuf_adds(md, "(This record could not be read.)\n");
	}
	for (size_t i = 0; !rc && i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (record_field_applies(k, r, f) && record_field_set(f, r))
			rc = strbuf_adds(md, "- ") ||
			     strbuf_adds(md, f->json) ||
			     strbuf_adds(md, ": ") || md_value(md, r, f) ||
			     strbuf_adds(md, "\n");
	}
	record_free(k, r);
	return rc ? -1 : 0;
}
