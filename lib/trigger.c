#include "trigger.h"

#include "dates.h"
#include "journal.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { HEAD_VERSION = 1 };

const char *const trigger_reaction_names[] = {
        "emotional flashback",
        "intrusive memory",
        "nightmare",
        "dissociation",
        "shutdown",
        "inner-critic attack",
        "shame spiral",
        "fight",
        "flight",
        "freeze",
        "fawn",
        NULL,
};

const char *const trigger_vulnerability_names[] = {
        "poor sleep",  "hunger",           "pain",   "illness", "conflict",
        "anniversary", "alcohol or drugs", "lonely", NULL,
};

/* Edit-layout keys, --json names, and whether a list lives in the head. */
static const struct {
	const char *key, *json;
} list_names[TRIGGER_NLISTS] = {
        [TRIGGER_REACTIONS] = {"reaction", "reactions"},
        [TRIGGER_VULNERABILITIES] = {"vulnerability", "vulnerabilities"},
        [TRIGGER_BODY] = {"body", "body"},
        [TRIGGER_EMOTIONS] = {"emotion", "emotions"},
        [TRIGGER_URGES] = {"urge", "urges"},
        [TRIGGER_HELPED] = {"helped", "helped"},
        [TRIGGER_TAGS] = {"tag", "tags"},
};

static const struct {
	const char *key, *json;
} text_names[TRIGGER_NTEXTS] = {
        [TRIGGER_TRIGGER] = {"trigger", "trigger"},
        [TRIGGER_THOUGHTS] = {"thought", "thoughts"},
        [TRIGGER_NOW_DIFFERS] = {"now-differs", "now_differs"},
        [TRIGGER_NOTE] = {"note", "note"},
};

/* Lists and texts kept in the body (the rest is in the head). */
static bool
list_in_body(enum trigger_list l)
{
	return l == TRIGGER_URGES;
}

static bool
text_in_body(enum trigger_text t)
{
	return t != TRIGGER_TRIGGER;
}

const char *
trigger_list_key(enum trigger_list l)
{
	return list_names[l].key;
}

const char *
trigger_list_json(enum trigger_list l)
{
	return list_names[l].json;
}

const char *
trigger_text_key(enum trigger_text t)
{
	return text_names[t].key;
}

const char *
trigger_text_json(enum trigger_text t)
{
	return text_names[t].json;
}

/* --- memory --- */

static void
wipe_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/* Free a string made by jansson (its allocator may wipe). */
static void
json_free_str(char *s)
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
trigger_record_init(struct trigger_record *r)
{
	memset(r, 0, sizeof(*r));
	r->before = r->after = TRIGGER_NO_RATING;
	r->felt_age = TRIGGER_NO_AGE;
	r->state = TRIGGER_STATE_NONE;
}

void
trigger_clear_list(struct trigger_record *r, enum trigger_list l)
{
	struct trigger_strs *s = &r->list[l];
	for (size_t i = 0; i < s->n; i++)
		wipe_free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void
trigger_record_release(struct trigger_record *r)
{
	if (!r)
		return;
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		trigger_clear_list(r, (enum trigger_list)l);
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		wipe_free(r->text[t]);
	trigger_record_init(r);
}

void
trigger_record_free(struct trigger_record *r)
{
	if (!r)
		return;
	trigger_record_release(r);
	free(r);
}

void
trigger_records_free(struct trigger_record **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trigger_record_free(list[i]);
	free(list);
}

/* Append an owned string to a list. */
static int
strs_push(struct trigger_strs *s, char *item)
{
	char **nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	s->v = nv;
	s->v[s->n++] = item;
	return 0;
}

int
trigger_record_copy(struct trigger_record *dst,
                    const struct trigger_record *src)
{
	trigger_record_init(dst);
	memcpy(dst->id, src->id, sizeof(dst->id));
	dst->when = src->when;
	dst->created = src->created;
	dst->updated = src->updated;
	dst->before = src->before;
	dst->after = src->after;
	dst->state = src->state;
	dst->felt_age = src->felt_age;
	dst->has_body = src->has_body;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (src->text[t] && !(dst->text[t] = strdup(src->text[t])))
			goto fail;
	for (int l = 0; l < TRIGGER_NLISTS; l++) {
		for (size_t i = 0; i < src->list[l].n; i++) {
			char *c = strdup(src->list[l].v[i]);
			if (!c || strs_push(&dst->list[l], c)) {
				free(c);
				goto fail;
			}
		}
	}
	return 0;
fail:
	trigger_record_release(dst);
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
trigger_record_same(const struct trigger_record *a,
                    const struct trigger_record *b)
{
	if (a->when != b->when || a->before != b->before ||
	    a->after != b->after || a->state != b->state ||
	    a->felt_age != b->felt_age)
		return false;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (!str_same(a->text[t], b->text[t]))
			return false;
	for (int l = 0; l < TRIGGER_NLISTS; l++) {
		if (a->list[l].n != b->list[l].n)
			return false;
		for (size_t i = 0; i < a->list[l].n; i++)
			if (strcmp(a->list[l].v[i], b->list[l].v[i]) != 0)
				return false;
	}
	return true;
}

bool
trigger_record_has_fields(const struct trigger_record *r)
{
	if (r->before != TRIGGER_NO_RATING || r->after != TRIGGER_NO_RATING ||
	    r->state != TRIGGER_STATE_NONE || r->felt_age != TRIGGER_NO_AGE)
		return true;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (r->text[t])
			return true;
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		if (r->list[l].n)
			return true;
	return false;
}

/* --- states --- */

const char *
trigger_state_name(enum trigger_state s)
{
	switch (s) {
	case TRIGGER_TOO_MUCH:
		return "too-much";
	case TRIGGER_OKAY:
		return "okay";
	case TRIGGER_TOO_LITTLE:
		return "too-little";
	default:
		return NULL;
	}
}

const char *
trigger_state_words(enum trigger_state s)
{
	switch (s) {
	case TRIGGER_TOO_MUCH:
		return "too much";
	case TRIGGER_OKAY:
		return "okay";
	case TRIGGER_TOO_LITTLE:
		return "too little";
	default:
		return "";
	}
}

int
trigger_state_parse(const char *s, enum trigger_state *out)
{
	char buf[16];
	size_t n = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s && n < sizeof(buf) - 1; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c == ' ' || c == '_')
			c = '-';
		buf[n++] = c;
	}
	if (*s)
		return -1;
	while (n && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	if (strcmp(buf, "too-much") == 0)
		*out = TRIGGER_TOO_MUCH;
	else if (strcmp(buf, "okay") == 0 || strcmp(buf, "ok") == 0)
		*out = TRIGGER_OKAY;
	else if (strcmp(buf, "too-little") == 0)
		*out = TRIGGER_TOO_LITTLE;
	else
		return -1;
	return 0;
}

static int
state_from_name(const char *s, enum trigger_state *out)
{
	for (int i = TRIGGER_TOO_MUCH; i <= TRIGGER_TOO_LITTLE; i++)
		if (strcmp(s, trigger_state_name((enum trigger_state)i)) == 0) {
			*out = (enum trigger_state)i;
			return 0;
		}
	return -1;
}

/* --- text --- */

const char *
trigger_problem_words(enum trigger_text_problem p)
{
	switch (p) {
	case TRIGGER_TEXT_OK:
		return "is fine";
	case TRIGGER_TEXT_EMPTY:
		return "is empty";
	case TRIGGER_TEXT_LONG:
		return "is longer than selfhelp keeps in one field";
	case TRIGGER_TEXT_CONTROL:
		return "holds control characters (like a line break or an "
		       "escape) that a list item cannot hold";
	case TRIGGER_TEXT_NOT_UTF8:
		return "is not UTF-8 text";
	case TRIGGER_TEXT_COMMA:
		return "holds a comma, which a tag cannot hold";
	case TRIGGER_TEXT_FULL:
		return "has more items than one list can hold (64)";
	case TRIGGER_TEXT_MEMORY:
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
trigger_item_clean(const char *s, enum trigger_text_problem *why)
{
	size_t len = strlen(s), n = 0;
	if (!util_utf8_ok(s, len, NULL)) {
		*why = TRIGGER_TEXT_NOT_UTF8;
		return NULL;
	}
	/* C1 controls and DEL too (newlines and other C0 below). */
	if (util_has_control(s, len, UTIL_CLEAN_LINES, NULL)) {
		*why = TRIGGER_TEXT_CONTROL;
		return NULL;
	}
	char *out = malloc(len + 1);
	if (!out) {
		*why = TRIGGER_TEXT_MEMORY;
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
			wipe_free((out[n] = '\0', out));
			*why = TRIGGER_TEXT_CONTROL;
			return NULL;
		}
		if (gap)
			out[n++] = ' ';
		gap = false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (n == 0 || n > TRIGGER_ITEM_MAX) {
		wipe_free(out);
		*why = n ? TRIGGER_TEXT_LONG : TRIGGER_TEXT_EMPTY;
		return NULL;
	}
	*why = TRIGGER_TEXT_OK;
	return out;
}

char *
trigger_text_clean(const char *s, enum trigger_text_problem *why)
{
	size_t len = strlen(s);
	if (!util_utf8_ok(s, len, NULL)) {
		*why = TRIGGER_TEXT_NOT_UTF8;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') ||
		    c == 0x7f) {
			*why = TRIGGER_TEXT_CONTROL;
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
		*why = TRIGGER_TEXT_EMPTY;
		return NULL;
	}
	if (len > TRIGGER_TEXT_MAX) {
		*why = TRIGGER_TEXT_LONG;
		return NULL;
	}
	char *out = malloc(len + 1);
	if (!out) {
		*why = TRIGGER_TEXT_MEMORY;
		return NULL;
	}
	/* CRLF from editors on other systems: keep only the LF. */
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			out[n++] = s[i] == '\r' ? '\n' : s[i];
	out[n] = '\0';
	*why = TRIGGER_TEXT_OK;
	return out;
}

/* Add one part (not split further) to list l. */
static enum trigger_text_problem
add_one(struct trigger_record *r, enum trigger_list l, const char *part)
{
	enum trigger_text_problem why = TRIGGER_TEXT_OK;
	char *item;
	if (l == TRIGGER_TAGS) {
		/* Tags follow the journal's rule: lower case, no '#'. */
		item = trigger_item_clean(part, &why);
		if (!item)
			return why;
		char *tag = journal_tag_normalize(item);
		wipe_free(item);
		if (!tag)
			return TRIGGER_TEXT_LONG;
		item = tag;
	} else {
		item = trigger_item_clean(part, &why);
		if (!item)
			return why;
	}
	/* The same item twice in one record (in any case or spacing) says
	 * nothing new: keep the first spelling. */
	char *key = trigger_name_key(item);
	if (!key) {
		wipe_free(item);
		return TRIGGER_TEXT_MEMORY;
	}
	for (size_t i = 0; i < r->list[l].n; i++) {
		char *k = trigger_name_key(r->list[l].v[i]);
		bool same = k && strcmp(k, key) == 0;
		wipe_free(k);
		if (same) {
			wipe_free(key);
			wipe_free(item);
			return TRIGGER_TEXT_OK;
		}
	}
	wipe_free(key);
	if (r->list[l].n >= TRIGGER_MAX_ITEMS) {
		wipe_free(item);
		return TRIGGER_TEXT_FULL;
	}
	if (strs_push(&r->list[l], item)) {
		wipe_free(item);
		return TRIGGER_TEXT_MEMORY;
	}
	return TRIGGER_TEXT_OK;
}

enum trigger_text_problem
trigger_add_items(struct trigger_record *r, enum trigger_list l, const char *s)
{
	size_t len = strlen(s);
	char *copy = malloc(len + 1);
	enum trigger_text_problem why = TRIGGER_TEXT_OK;
	if (!copy)
		return TRIGGER_TEXT_MEMORY;
	memcpy(copy, s, len + 1);
	char *p = copy;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		/* Skip empty parts ("a,,b", a trailing comma). */
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q) {
			why = add_one(r, l, p);
			if (why != TRIGGER_TEXT_OK)
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

enum trigger_text_problem
trigger_set_text(struct trigger_record *r, enum trigger_text t, const char *s)
{
	enum trigger_text_problem why = TRIGGER_TEXT_OK;
	char *c = trigger_text_clean(s, &why);
	if (!c && why != TRIGGER_TEXT_EMPTY)
		return why;
	wipe_free(r->text[t]);
	r->text[t] = c;
	return TRIGGER_TEXT_OK;
}

char *
trigger_name_key(const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n = utf8proc_map(
	        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s),
	        &folded,
	        UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	                UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP);
	const char *src = s;
	size_t len;
	if (n < 0) {
		/* Not UTF-8 after all: fold ASCII only. */
		folded = NULL;
		len = strlen(s);
	} else {
		src = (const char *)folded;
		len = (size_t)n;
	}
	char *out = malloc(len + 1);
	size_t k = 0;
	bool gap = false;
	if (out) {
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)src[i];
			if (is_space(c)) {
				gap = k > 0;
				continue;
			}
			if (gap)
				out[k++] = ' ';
			gap = false;
			out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		out[k] = '\0';
	}
	if (folded) {
		sodium_memzero(folded, len);
		free(folded);
	}
	return out;
}

/* --- JSON --- */

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
int_or_null(int v, int none)
{
	return v == none ? json_null() : json_integer(v);
}

static json_t *
strs_json(const struct trigger_strs *s)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < s->n; i++)
		if (json_array_append_new(a, json_string(s->v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Set o[k] = v, taking v; non-zero on failure (also when v is NULL). */
static int
set(json_t *o, const char *k, json_t *v)
{
	if (!v)
		return -1;
	return json_object_set_new(o, k, v);
}

static json_t *
head_json(const struct trigger_record *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	const char *st = trigger_state_name(r->state);
	int bad = set(o, "v", json_integer(HEAD_VERSION)) ||
	          set(o, "when", json_integer(r->when)) ||
	          set(o, "created", json_integer(r->created)) ||
	          set(o, "updated", json_integer(r->updated)) ||
	          set(o, "before", int_or_null(r->before, TRIGGER_NO_RATING)) ||
	          set(o, "after", int_or_null(r->after, TRIGGER_NO_RATING)) ||
	          set(o, "state", str_or_null(st));
	for (int t = 0; !bad && t < TRIGGER_NTEXTS; t++)
		if (!text_in_body((enum trigger_text)t))
			bad = set(o, text_names[t].json,
			          str_or_null(r->text[t]));
	for (int l = 0; !bad && l < TRIGGER_NLISTS; l++)
		if (!list_in_body((enum trigger_list)l))
			bad = set(o, list_names[l].json,
			          strs_json(&r->list[l]));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
body_json(const struct trigger_record *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = set(o, "v", json_integer(HEAD_VERSION)) ||
	          set(o, "felt_age", int_or_null(r->felt_age, TRIGGER_NO_AGE));
	for (int t = 0; !bad && t < TRIGGER_NTEXTS; t++)
		if (text_in_body((enum trigger_text)t))
			bad = set(o, text_names[t].json,
			          str_or_null(r->text[t]));
	for (int l = 0; !bad && l < TRIGGER_NLISTS; l++)
		if (list_in_body((enum trigger_list)l))
			bad = set(o, list_names[l].json,
			          strs_json(&r->list[l]));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Read an optional integer in [lo, hi]; absent or null gives `none`. */
static int
get_int(json_t *o, const char *k, int lo, int hi, int none, int *out)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v)) {
		*out = none;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return -1;
	*out = (int)json_integer_value(v);
	return 0;
}

static int
get_text(json_t *o, const char *k, char **out)
{
	json_t *v = json_object_get(o, k);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -1;
}

static int
get_list(json_t *o, const char *k, struct trigger_strs *s)
{
	json_t *a = json_object_get(o, k);
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > TRIGGER_MAX_ITEMS)
		return -1;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *v = json_string_value(json_array_get(a, i));
		char *c = v ? strdup(v) : NULL;
		if (!c || strs_push(s, c)) {
			free(c);
			return -1;
		}
	}
	return 0;
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

/* Fill r's head fields from the decrypted head; -1 when it is not one. */
static int
decode_head(struct trigger_record *r, const unsigned char *head, size_t len)
{
	json_t *o = load(head, len);
	int rc = -1;
	if (!o)
		return -1;
	json_t *when = json_object_get(o, "when");
	json_t *created = json_object_get(o, "created");
	json_t *updated = json_object_get(o, "updated");
	json_t *state = json_object_get(o, "state");
	if (!json_is_integer(when))
		goto out;
	r->when = (time_t)json_integer_value(when);
	r->created = json_is_integer(created)
	                     ? (time_t)json_integer_value(created)
	                     : r->when;
	r->updated = json_is_integer(updated)
	                     ? (time_t)json_integer_value(updated)
	                     : r->created;
	if (get_int(o, "before", 0, TRIGGER_RATING_MAX, TRIGGER_NO_RATING,
	            &r->before) ||
	    get_int(o, "after", 0, TRIGGER_RATING_MAX, TRIGGER_NO_RATING,
	            &r->after))
		goto out;
	if (json_is_string(state) &&
	    state_from_name(json_string_value(state), &r->state))
		goto out;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (!text_in_body((enum trigger_text)t) &&
		    get_text(o, text_names[t].json, &r->text[t]))
			goto out;
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		if (!list_in_body((enum trigger_list)l) &&
		    get_list(o, list_names[l].json, &r->list[l]))
			goto out;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

static int
decode_body(struct trigger_record *r, const unsigned char *body, size_t len)
{
	json_t *o = load(body, len);
	int rc = -1;
	if (!o)
		return -1;
	if (get_int(o, "felt_age", 0, TRIGGER_AGE_MAX, TRIGGER_NO_AGE,
	            &r->felt_age))
		goto out;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (text_in_body((enum trigger_text)t) &&
		    get_text(o, text_names[t].json, &r->text[t]))
			goto out;
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		if (list_in_body((enum trigger_list)l) &&
		    get_list(o, list_names[l].json, &r->list[l]))
			goto out;
	r->has_body = true;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* Decode a vault item into a new record; NULL when it is not one. */
static struct trigger_record *
decode(const struct vault_item *it)
{
	struct trigger_record *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	trigger_record_init(r);
	snprintf(r->id, sizeof(r->id), "%s", it->id);
	r->written_locked = it->written_locked;
	if (decode_head(r, it->head, it->headlen) ||
	    (it->body && decode_body(r, it->body, it->bodylen))) {
		trigger_record_free(r);
		return NULL;
	}
	return r;
}

/* --- storage --- */

/* Store r as record `id` (NULL: new), or sealed while the vault is
 * locked. */
static int
put(struct vault *v, const char *id, bool sealed,
    const struct trigger_record *r, char *id_out)
{
	json_t *h = head_json(r), *b = body_json(r);
	char *head = h ? json_dumps(h, JSON_COMPACT) : NULL;
	char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	int rc = VAULT_ERROR;
	json_decref(h);
	json_decref(b);
	if (head && body)
		rc = sealed ? vault_seal(v, TRIGGER_KIND, head, strlen(head),
		                         body, strlen(body), id_out)
		            : vault_put(v, id, TRIGGER_KIND, head, strlen(head),
		                        body, strlen(body), id_out);
	json_free_str(head);
	json_free_str(body);
	return rc;
}

int
trigger_add(struct vault *v, struct trigger_record *r, time_t now)
{
	r->created = r->updated = now;
	return put(v, NULL, false, r, r->id);
}

int
trigger_add_sealed(struct vault *v, struct trigger_record *r, time_t now)
{
	r->created = r->updated = now;
	return put(v, NULL, true, r, r->id);
}

int
trigger_update(struct vault *v, struct trigger_record *r, time_t now)
{
	if (!r->has_body)
		return VAULT_ERROR; /* would clear the body fields */
	r->updated = now;
	return put(v, r->id, false, r, NULL);
}

struct get_ctx {
	struct trigger_record *r;
	bool damaged;
};

static int
get_cb(void *arg, const struct vault_item *it)
{
	struct get_ctx *g = arg;
	if (it->damaged || !it->body || !(g->r = decode(it)))
		g->damaged = true;
	return 0;
}

int
trigger_get(struct vault *v, const char *id, struct trigger_record **out)
{
	struct get_ctx g = {0};
	*out = NULL;
	int rc = vault_get(v, id, TRIGGER_KIND, get_cb, &g);
	if (rc)
		return rc;
	if (g.damaged)
		return VAULT_DAMAGED;
	*out = g.r;
	return VAULT_OK;
}

struct list_ctx {
	const struct trigger_filter *f;
	struct trigger_record **list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static bool
has_tag(const struct trigger_record *r, const char *tag)
{
	const struct trigger_strs *s = &r->list[TRIGGER_TAGS];
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], tag) == 0)
			return true;
	return false;
}

static int
list_cb(void *arg, const struct vault_item *it)
{
	struct list_ctx *c = arg;
	const struct trigger_filter *f = c->f;
	struct trigger_record *r = it->damaged ? NULL : decode(it);
	if (!r) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	if ((f->since && r->when < f->since) ||
	    (f->until && r->when > f->until) ||
	    (f->tag && !has_tag(r, f->tag))) {
		trigger_record_free(r);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct trigger_record **nl =
		        realloc(c->list, cap * sizeof(*nl));
		if (!nl) {
			trigger_record_free(r);
			return VAULT_ERROR;
		}
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = r;
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	const struct trigger_record *x = *(struct trigger_record *const *)a;
	const struct trigger_record *y = *(struct trigger_record *const *)b;
	if (x->when != y->when)
		return x->when < y->when ? 1 : -1;
	return strcmp(y->id, x->id);
}

int
trigger_list(struct vault *v, const struct trigger_filter *f,
             struct trigger_record ***list, size_t *n,
             void (*damaged)(void *arg, const char *id), void *arg)
{
	struct list_ctx c = {.f = f, .damaged = damaged, .arg = arg};
	int rc = vault_each(v, TRIGGER_KIND, f->with_body ? VAULT_EACH_BODY : 0,
	                    list_cb, &c);
	if (rc) {
		trigger_records_free(c.list, c.n);
		*list = NULL;
		*n = 0;
		return rc;
	}
	if (c.n)
		qsort(c.list, c.n, sizeof(*c.list), newest_first);
	*list = c.list;
	*n = c.n;
	return VAULT_OK;
}

/* --- the edit layout --- */

/* A growing text buffer that is wiped when it grows and when freed. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *np = malloc(cap);
		if (!np) {
			b->failed = true;
			return;
		}
		if (b->p) {
			memcpy(np, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp,
		        (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void
buf_release(struct buf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

static const char edit_header[] =
        "# Change what you like, then save and close the editor.\n"
        "# Lines starting with # are skipped. An empty value clears a field.\n"
        "# Lists (reaction, vulnerability, body, emotion, urge, helped, tag):\n"
        "# commas between items, or the same key on several lines.\n"
        "# Longer text goes on after the first line on lines indented by two\n"
        "# spaces. before/after: distress from 0 to 10. state: too-much, okay\n"
        "# or too-little. felt-age: how old you felt, in years.\n";

static void
format_text_field(struct buf *b, const char *key, const char *s)
{
	buf_str(b, key);
	buf_str(b, ":");
	if (!s) {
		buf_str(b, "\n");
		return;
	}
	buf_str(b, " ");
	for (const char *p = s;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		buf_add(b, p, n);
		buf_str(b, "\n");
		if (!nl)
			break;
		p = nl + 1;
		/* Blank lines stay blank; others get the two-space indent. */
		if (*p && *p != '\n')
			buf_str(b, "  ");
	}
}

static void
format_list(struct buf *b, const char *key, const struct trigger_strs *s)
{
	buf_str(b, key);
	buf_str(b, ":");
	for (size_t i = 0; i < s->n; i++) {
		buf_str(b, i ? ", " : " ");
		buf_str(b, s->v[i]);
	}
	buf_str(b, "\n");
}

static void
format_int(struct buf *b, const char *key, int v, int none)
{
	if (v == none)
		buf_printf(b, "%s:\n", key);
	else
		buf_printf(b, "%s: %d\n", key, v);
}

char *
trigger_format_text(const struct trigger_record *r, size_t *len)
{
	struct buf b = {0};
	char when[32];
	date_format_local(r->when, when, sizeof(when));
	if (r->id[0])
		buf_printf(&b, "# Trigger record %.8s.\n", r->id);
	buf_str(&b, edit_header);
	buf_printf(&b, "when: %s\n", when);
	format_int(&b, "before", r->before, TRIGGER_NO_RATING);
	format_int(&b, "after", r->after, TRIGGER_NO_RATING);
	buf_printf(&b, "state:%s%s\n", r->state ? " " : "",
	           r->state ? trigger_state_name(r->state) : "");
	format_list(&b, "reaction", &r->list[TRIGGER_REACTIONS]);
	format_text_field(&b, "trigger", r->text[TRIGGER_TRIGGER]);
	format_list(&b, "vulnerability", &r->list[TRIGGER_VULNERABILITIES]);
	format_list(&b, "body", &r->list[TRIGGER_BODY]);
	format_list(&b, "emotion", &r->list[TRIGGER_EMOTIONS]);
	format_text_field(&b, "thought", r->text[TRIGGER_THOUGHTS]);
	format_int(&b, "felt-age", r->felt_age, TRIGGER_NO_AGE);
	format_list(&b, "urge", &r->list[TRIGGER_URGES]);
	format_text_field(&b, "now-differs", r->text[TRIGGER_NOW_DIFFERS]);
	format_list(&b, "helped", &r->list[TRIGGER_HELPED]);
	format_text_field(&b, "note", r->text[TRIGGER_NOTE]);
	format_list(&b, "tag", &r->list[TRIGGER_TAGS]);
	if (b.failed) {
		buf_release(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* The fields of the layout, for parsing. */
enum field_kind { F_WHEN, F_BEFORE, F_AFTER, F_STATE, F_AGE, F_TEXT, F_LIST };

struct field {
	enum field_kind kind;
	int which; /* enum trigger_text / trigger_list */
};

static const char *const scalar_keys[] = {"when", "before", "after", "state",
                                          "felt-age"};

/* Find the field for a key as typed (case-insensitive; "_" as "-";
 * the --json names are understood too). */
static int
find_field(const char *key, struct field *f)
{
	char k[32];
	size_t n = strlen(key);
	if (n == 0 || n >= sizeof(k))
		return -1;
	for (size_t i = 0; i <= n; i++) {
		char c = key[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		k[i] = c == '_' || c == ' ' ? '-' : c;
	}
	for (int i = 0; i < 5; i++)
		if (strcmp(k, scalar_keys[i]) == 0 ||
		    (i == 4 && strcmp(k, "age") == 0)) {
			f->kind = (enum field_kind)i;
			return 0;
		}
	for (int t = 0; t < TRIGGER_NTEXTS; t++) {
		char j[32];
		snprintf(j, sizeof(j), "%s", text_names[t].json);
		for (char *p = j; *p; p++)
			if (*p == '_')
				*p = '-';
		if (strcmp(k, text_names[t].key) == 0 || strcmp(k, j) == 0) {
			f->kind = F_TEXT;
			f->which = t;
			return 0;
		}
	}
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		if (strcmp(k, list_names[l].key) == 0 ||
		    strcmp(k, list_names[l].json) == 0) {
			f->kind = F_LIST;
			f->which = l;
			return 0;
		}
	return -1;
}

/* All keys, in layout order, for messages and suggestions. */
static const char *const all_keys[] = {
        "when",          "before", "after",   "state",   "reaction", "trigger",
        "vulnerability", "body",   "emotion", "thought", "felt-age", "urge",
        "now-differs",   "helped", "note",    "tag",     NULL,
};

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

static int
parse_rating(const char *s, int lo, int hi, int *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end || v < lo || v > hi || !(*s >= '0' && *s <= '9'))
		return -1;
	*out = (int)v;
	return 0;
}

/* State while parsing: which fields were given, and the open text. */
struct parse_state {
	bool seen_scalar[5];
	bool seen_text[TRIGGER_NTEXTS];
	int open_text;   /* text field that indented lines continue, or -1 */
	int open_list;   /* list field that indented lines continue, or -1 */
	struct buf text; /* the open text field's value so far */
	size_t blanks;   /* blank lines seen inside the open text */
};

/* Close the open text field: set it on r. */
static int
close_text(struct parse_state *ps, struct trigger_record *r, size_t line,
           char *err, size_t errsize)
{
	if (ps->open_text < 0)
		return 0;
	int t = ps->open_text;
	ps->open_text = -1;
	enum trigger_text_problem why = trigger_set_text(
	        r, (enum trigger_text)t, ps->text.p ? ps->text.p : "");
	buf_release(&ps->text);
	if (why != TRIGGER_TEXT_OK)
		return parse_error(err, errsize, line, "the %s %s.",
		                   text_names[t].key,
		                   trigger_problem_words(why));
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
parse_line(struct parse_state *ps, char *line, size_t lineno,
           const struct trigger_record *base, time_t now,
           struct trigger_record *r, char *err, size_t errsize)
{
	/* An indented line continues the field above it. */
	if (line[0] == ' ' || line[0] == '\t') {
		char *p = line;
		if (p[0] == '\t')
			p++;
		else
			for (int i = 0; i < 2 && *p == ' '; i++)
				p++;
		if (ps->open_text >= 0) {
			buf_str(&ps->text, "\n");
			for (; ps->blanks; ps->blanks--)
				buf_str(&ps->text, "\n");
			buf_str(&ps->text, p);
			return ps->text.failed
			               ? parse_error(err, errsize, lineno,
			                             "out of memory.")
			               : 0;
		}
		if (ps->open_list >= 0) {
			enum trigger_text_problem why = trigger_add_items(
			        r, (enum trigger_list)ps->open_list, p);
			if (why != TRIGGER_TEXT_OK)
				return parse_error(
				        err, errsize, lineno, "this %s %s.",
				        list_names[ps->open_list].key,
				        trigger_problem_words(why));
			return 0;
		}
		return parse_error(err, errsize, lineno,
		                   "this line is indented, but only text "
		                   "(trigger, thought, now-differs, note) and "
		                   "lists go on over several lines.");
	}
	if (close_text(ps, r, lineno, err, errsize))
		return -1;
	ps->open_list = -1;
	ps->blanks = 0;

	char *colon = strchr(line, ':');
	if (!colon)
		return parse_error(err, errsize, lineno,
		                   "selfhelp expected 'key: value' here, like "
		                   "'emotion: fear'.");
	*colon = '\0';
	char *key = line, *value = colon + 1;
	rstrip(key);
	while (*value == ' ' || *value == '\t')
		value++;
	struct field f;
	if (find_field(key, &f)) {
		const char *s = util_suggest(key, all_keys, 16);
		if (s)
			return parse_error(err, errsize, lineno,
			                   "'%s' is not a field of a trigger "
			                   "record. Did you mean '%s'?",
			                   key, s);
		return parse_error(err, errsize, lineno,
		                   "'%s' is not a field of a trigger record; "
		                   "the fields are when, before, after, state, "
		                   "reaction, trigger, vulnerability, body, "
		                   "emotion, thought, felt-age, urge, "
		                   "now-differs, helped, note and tag.",
		                   key);
	}
	if (f.kind == F_TEXT) {
		if (ps->seen_text[f.which])
			return parse_error(err, errsize, lineno,
			                   "'%s' is here twice; longer text "
			                   "goes on over lines indented by two "
			                   "spaces.",
			                   text_names[f.which].key);
		ps->seen_text[f.which] = true;
		ps->open_text = f.which;
		buf_str(&ps->text, value);
		return 0;
	}
	if (f.kind == F_LIST) {
		enum trigger_text_problem why =
		        trigger_add_items(r, (enum trigger_list)f.which, value);
		if (why != TRIGGER_TEXT_OK)
			return parse_error(err, errsize, lineno, "this %s %s.",
			                   list_names[f.which].key,
			                   trigger_problem_words(why));
		ps->open_list = f.which;
		return 0;
	}
	if (ps->seen_scalar[f.kind])
		return parse_error(err, errsize, lineno,
		                   "'%s' is here twice; it takes one value.",
		                   scalar_keys[f.kind]);
	ps->seen_scalar[f.kind] = true;
	rstrip(value);
	switch (f.kind) {
	case F_WHEN: {
		char orig[32];
		date_format_local(base->when, orig, sizeof(orig));
		if (strcmp(value, orig) == 0) {
			r->when = base->when; /* keep the seconds */
			return 0;
		}
		if (!*value || date_parse(value, now, DATE_START, &r->when))
			return parse_error(
			        err, errsize, lineno,
			        "'when' needs a date selfhelp "
			        "understands, like 2026-11-01 14:30, "
			        "today or yesterday.");
		return 0;
	}
	case F_BEFORE:
	case F_AFTER: {
		int *slot = f.kind == F_BEFORE ? &r->before : &r->after;
		if (!*value) {
			*slot = TRIGGER_NO_RATING;
			return 0;
		}
		if (parse_rating(value, 0, TRIGGER_RATING_MAX, slot))
			return parse_error(err, errsize, lineno,
			                   "'%s' takes a number from 0 to 10, "
			                   "or nothing.",
			                   scalar_keys[f.kind]);
		return 0;
	}
	case F_STATE:
		if (!*value) {
			r->state = TRIGGER_STATE_NONE;
			return 0;
		}
		if (trigger_state_parse(value, &r->state))
			return parse_error(err, errsize, lineno,
			                   "'state' takes too-much, okay or "
			                   "too-little, or nothing.");
		return 0;
	case F_AGE:
		if (!*value) {
			r->felt_age = TRIGGER_NO_AGE;
			return 0;
		}
		if (parse_rating(value, 0, TRIGGER_AGE_MAX, &r->felt_age))
			return parse_error(err, errsize, lineno,
			                   "'felt-age' takes an age in years "
			                   "from 0 to %d, or nothing.",
			                   TRIGGER_AGE_MAX);
		return 0;
	default:
		return 0;
	}
}

int
trigger_parse_text(const char *text, size_t len,
                   const struct trigger_record *base, time_t now,
                   struct trigger_record *r, char *err, size_t errsize)
{
	struct parse_state ps = {.open_text = -1, .open_list = -1};
	size_t lineno = 0, bad;
	int rc = -1;
	char *line = NULL;

	trigger_record_init(r);
	err[0] = '\0';
	if (!util_utf8_ok(text, len, &bad)) {
		snprintf(err, errsize,
		         "The text has a byte at position %zu that is not "
		         "UTF-8 text (or is a NUL byte).",
		         bad);
		return -1;
	}
	memcpy(r->id, base->id, sizeof(r->id));
	r->when = base->when;
	r->created = base->created;
	r->updated = base->updated;
	r->has_body = true;

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
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p) {
			if (ps.open_text >= 0)
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
	buf_release(&ps.text);
	if (rc)
		trigger_record_release(r);
	return rc;
}
