#include "group.h"

#include "dates.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

enum { RECORD_VERSION = 1, ISO_MAX = 40 };

/* Edit-layout keys, JSON names, the type a field belongs to, and whether
 * it lives in the head (decrypted for listing). */
static const struct {
	const char *key, *json;
	enum group_type type;
	bool head;
} texts[GROUP_NTEXTS] = {
        [GROUP_BRING] = {"bring", "bring", GROUP_PREPARE, false},
        [GROUP_NEED] = {"need", "need", GROUP_PREPARE, false},
        [GROUP_BOUNDARY] = {"boundary", "boundary", GROUP_PREPARE, true},
        [GROUP_IF_TOO_MUCH] = {"if-too-much", "if_too_much", GROUP_PREPARE,
                               false},
        [GROUP_MOVED] = {"moved", "moved", GROUP_REFLECT, false},
        [GROUP_TRIGGERED] = {"triggered", "triggered", GROUP_REFLECT, false},
        [GROUP_CONTRIBUTED] = {"contributed", "contributed", GROUP_REFLECT,
                               false},
        [GROUP_NEXT] = {"next", "next", GROUP_REFLECT, false},
        [GROUP_KIND_WORDS] = {"kind-words", "kind_words", GROUP_REFLECT, false},
};

const char *const group_export_fields[] = {
        "type",       "when",        "before",    "after",       "state",
        "bring",      "need",        "boundary",  "if_too_much", "moved",
        "triggered",  "contributed", "closeness", "kept",        "next",
        "kind_words", NULL,
};

enum group_type
group_text_type(enum group_text t)
{
	return texts[t].type;
}

const char *
group_text_key(enum group_text t)
{
	return texts[t].key;
}

const char *
group_text_json(enum group_text t)
{
	return texts[t].json;
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
group_record_init(struct group_record *r, enum group_type type)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->before = r->after = GROUP_NO_RATING;
	r->state = TRIGGER_STATE_NONE;
	r->closeness = GROUP_CLOSENESS_NONE;
	r->kept = GROUP_KEPT_NONE;
}

void
group_record_release(struct group_record *r)
{
	if (!r)
		return;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		wipe_free(r->text[t]);
	group_record_init(r, r->type);
}

void
group_record_free(struct group_record *r)
{
	if (!r)
		return;
	group_record_release(r);
	free(r);
}

void
group_records_free(struct group_record **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		group_record_free(list[i]);
	free(list);
}

int
group_record_copy(struct group_record *dst, const struct group_record *src)
{
	*dst = *src;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		dst->text[t] = NULL;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (src->text[t] && !(dst->text[t] = strdup(src->text[t]))) {
			group_record_release(dst);
			return -1;
		}
	return 0;
}

static bool
str_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
group_record_same(const struct group_record *a, const struct group_record *b)
{
	if (a->type != b->type || a->when != b->when ||
	    a->before != b->before || a->after != b->after ||
	    a->state != b->state || a->closeness != b->closeness ||
	    a->kept != b->kept)
		return false;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (!str_same(a->text[t], b->text[t]))
			return false;
	return true;
}

bool
group_record_has_fields(const struct group_record *r)
{
	if (r->before != GROUP_NO_RATING || r->after != GROUP_NO_RATING ||
	    r->state != TRIGGER_STATE_NONE ||
	    r->closeness != GROUP_CLOSENESS_NONE || r->kept != GROUP_KEPT_NONE)
		return true;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (r->text[t])
			return true;
	return false;
}

/* --- names --- */

const char *
group_type_name(enum group_type t)
{
	return t == GROUP_REFLECT ? "reflect" : "prepare";
}

int
group_type_parse(const char *s, enum group_type *out)
{
	if (strcmp(s, "prepare") == 0)
		*out = GROUP_PREPARE;
	else if (strcmp(s, "reflect") == 0)
		*out = GROUP_REFLECT;
	else
		return -1;
	return 0;
}

static const char *const closeness_names[] = {NULL, "too-close", "about-right",
                                              "too-far"};
static const char *const closeness_words[] = {"", "too close", "about right",
                                              "too far"};
static const char *const kept_names[] = {NULL, "yes", "partly", "no",
                                         "did-not-come-up"};
static const char *const kept_words[] = {"", "yes", "partly", "no",
                                         "it didn't come up"};

const char *
group_closeness_name(enum group_closeness c)
{
	return c > 0 && c <= GROUP_TOO_FAR ? closeness_names[c] : NULL;
}

const char *
group_closeness_words(enum group_closeness c)
{
	return c > 0 && c <= GROUP_TOO_FAR ? closeness_words[c] : "";
}

const char *
group_kept_name(enum group_kept k)
{
	return k > 0 && k <= GROUP_KEPT_NOT_TESTED ? kept_names[k] : NULL;
}

const char *
group_kept_words(enum group_kept k)
{
	return k > 0 && k <= GROUP_KEPT_NOT_TESTED ? kept_words[k] : "";
}

/*
 * A word as typed, made comparable: ASCII lower case, spaces and
 * underscores as '-', apostrophes (ASCII and U+2019) dropped, outer
 * spaces and hyphens trimmed. -1 when it does not fit in `size`.
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
group_closeness_parse(const char *s, enum group_closeness *out)
{
	char w[32];
	if (normalise_word(s, w, sizeof(w)))
		return -1;
	for (int i = GROUP_TOO_CLOSE; i <= GROUP_TOO_FAR; i++)
		if (strcmp(w, closeness_names[i]) == 0) {
			*out = (enum group_closeness)i;
			return 0;
		}
	if (strcmp(w, "right") == 0 || strcmp(w, "just-right") == 0) {
		*out = GROUP_ABOUT_RIGHT;
		return 0;
	}
	return -1;
}

int
group_kept_parse(const char *s, enum group_kept *out)
{
	static const struct {
		const char *word;
		enum group_kept k;
	} words[] = {
	        {"yes", GROUP_KEPT_YES},
	        {"y", GROUP_KEPT_YES},
	        {"partly", GROUP_KEPT_PARTLY},
	        {"partially", GROUP_KEPT_PARTLY},
	        {"no", GROUP_KEPT_NO},
	        {"n", GROUP_KEPT_NO},
	        {"did-not-come-up", GROUP_KEPT_NOT_TESTED},
	        {"didnt-come-up", GROUP_KEPT_NOT_TESTED},
	        {"it-didnt-come-up", GROUP_KEPT_NOT_TESTED},
	        {"it-did-not-come-up", GROUP_KEPT_NOT_TESTED},
	        {"not-come-up", GROUP_KEPT_NOT_TESTED},
	        {"n/a", GROUP_KEPT_NOT_TESTED},
	        {"na", GROUP_KEPT_NOT_TESTED},
	};
	char w[32];
	if (normalise_word(s, w, sizeof(w)))
		return -1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i].word) == 0) {
			*out = words[i].k;
			return 0;
		}
	return -1;
}

static int
closeness_from_name(const char *s, enum group_closeness *out)
{
	for (int i = GROUP_TOO_CLOSE; i <= GROUP_TOO_FAR; i++)
		if (strcmp(s, closeness_names[i]) == 0) {
			*out = (enum group_closeness)i;
			return 0;
		}
	return -1;
}

static int
kept_from_name(const char *s, enum group_kept *out)
{
	for (int i = GROUP_KEPT_YES; i <= GROUP_KEPT_NOT_TESTED; i++)
		if (strcmp(s, kept_names[i]) == 0) {
			*out = (enum group_kept)i;
			return 0;
		}
	return -1;
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

enum trigger_text_problem
group_set_text(struct group_record *r, enum group_text t, const char *s)
{
	enum trigger_text_problem why = TRIGGER_TEXT_OK;
	char *c = trigger_text_clean(s, &why);
	if (!c && why != TRIGGER_TEXT_EMPTY)
		return why;
	if (c && strlen(c) > GROUP_TEXT_MAX) {
		wipe_free(c);
		return TRIGGER_TEXT_LONG;
	}
	wipe_free(r->text[t]);
	r->text[t] = c;
	return TRIGGER_TEXT_OK;
}

/* --- the stored JSON --- */

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
rating_or_null(int v)
{
	return v == GROUP_NO_RATING ? json_null() : json_integer(v);
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
head_json(const struct group_record *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	const char *st = trigger_state_name(r->state);
	int bad = set(o, "v", json_integer(RECORD_VERSION)) ||
	          set(o, "type", json_string(group_type_name(r->type))) ||
	          set(o, "when", json_integer(r->when)) ||
	          set(o, "created", json_integer(r->created)) ||
	          set(o, "updated", json_integer(r->updated));
	if (bad)
		goto fail;
	if (r->type == GROUP_PREPARE)
		bad = set(o, "before", rating_or_null(r->before)) ||
		      set(o, "state", str_or_null(st)) ||
		      set(o, "boundary", str_or_null(r->text[GROUP_BOUNDARY]));
	else
		bad = set(o, "after", rating_or_null(r->after)) ||
		      set(o, "state", str_or_null(st)) ||
		      set(o, "closeness",
		          str_or_null(group_closeness_name(r->closeness))) ||
		      set(o, "kept", str_or_null(group_kept_name(r->kept)));
	if (!bad)
		return o;
fail:
	json_decref(o);
	return NULL;
}

static json_t *
body_json(const struct group_record *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = set(o, "v", json_integer(RECORD_VERSION));
	for (int t = 0; !bad && t < GROUP_NTEXTS; t++)
		if (texts[t].type == r->type && !texts[t].head)
			bad = set(o, texts[t].json, str_or_null(r->text[t]));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
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

/* An optional rating; absent or null gives GROUP_NO_RATING. */
static int
get_rating(json_t *o, const char *k, int *out)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v)) {
		*out = GROUP_NO_RATING;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > GROUP_RATING_MAX)
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

/* An optional name read with `from`; absent or null leaves *out. */
static int
get_name(json_t *o, const char *k, int (*from)(const char *, void *), void *out)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return from(json_string_value(v), out);
}

static int
state_cb(const char *s, void *out)
{
	return state_from_name(s, out);
}

static int
closeness_cb(const char *s, void *out)
{
	return closeness_from_name(s, out);
}

static int
kept_cb(const char *s, void *out)
{
	return kept_from_name(s, out);
}

static int
decode_head(struct group_record *r, const unsigned char *head, size_t len)
{
	json_t *o = load(head, len);
	int rc = -1;
	if (!o)
		return -1;
	json_t *type = json_object_get(o, "type");
	json_t *when = json_object_get(o, "when");
	json_t *created = json_object_get(o, "created");
	json_t *updated = json_object_get(o, "updated");
	enum group_type t;
	if (!json_is_string(type) ||
	    group_type_parse(json_string_value(type), &t) ||
	    !json_is_integer(when))
		goto out;
	r->type = t;
	r->when = (time_t)json_integer_value(when);
	r->created = json_is_integer(created)
	                     ? (time_t)json_integer_value(created)
	                     : r->when;
	r->updated = json_is_integer(updated)
	                     ? (time_t)json_integer_value(updated)
	                     : r->created;
	if (get_name(o, "state", state_cb, &r->state))
		goto out;
	if (t == GROUP_PREPARE) {
		if (get_rating(o, "before", &r->before) ||
		    get_text(o, "boundary", &r->text[GROUP_BOUNDARY]))
			goto out;
	} else {
		if (get_rating(o, "after", &r->after) ||
		    get_name(o, "closeness", closeness_cb, &r->closeness) ||
		    get_name(o, "kept", kept_cb, &r->kept))
			goto out;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}

static int
decode_body(struct group_record *r, const unsigned char *body, size_t len)
{
	json_t *o = load(body, len);
	int rc = -1;
	if (!o)
		return -1;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (texts[t].type == r->type && !texts[t].head &&
		    get_text(o, texts[t].json, &r->text[t]))
			goto out;
	r->has_body = true;
	rc = 0;
out:
	json_decref(o);
	return rc;
}

/* Decode stored head (and body, when not NULL) into r; -1 when it is not
 * a group record (r released). */
static int
decode_parts(struct group_record *r, const unsigned char *head, size_t headlen,
             const unsigned char *body, size_t bodylen)
{
	group_record_init(r, GROUP_PREPARE);
	if (decode_head(r, head, headlen) ||
	    (body && decode_body(r, body, bodylen))) {
		group_record_release(r);
		return -1;
	}
	return 0;
}

static struct group_record *
decode(const struct vault_item *it)
{
	struct group_record *r = malloc(sizeof(*r));
	if (!r)
		return NULL;
	if (decode_parts(r, it->head, it->headlen, it->body, it->bodylen)) {
		free(r);
		return NULL;
	}
	snprintf(r->id, sizeof(r->id), "%s", it->id);
	r->written_locked = it->written_locked;
	return r;
}

/* --- storage --- */

/* The stored head and body of r as compact JSON (jansson's allocator;
 * free with json_free_str). */
static int
dump_parts(const struct group_record *r, char **head, char **body)
{
	json_t *h = head_json(r), *b = body_json(r);
	*head = h ? json_dumps(h, JSON_COMPACT) : NULL;
	*body = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(h);
	json_decref(b);
	if (*head && *body)
		return 0;
	json_free_str(*head);
	json_free_str(*body);
	*head = *body = NULL;
	return -1;
}

int
group_add(struct vault *v, struct group_record *r, bool sealed, time_t now)
{
	char *head, *body;
	int rc;
	r->created = r->updated = now;
	r->has_body = true;
	if (dump_parts(r, &head, &body))
		return VAULT_ERROR;
	if (sealed)
		rc = vault_seal(v, GROUP_KIND, head, strlen(head), body,
		                strlen(body), r->id);
	else
		rc = vault_put(v, NULL, GROUP_KIND, head, strlen(head), body,
		               strlen(body), r->id);
	json_free_str(head);
	json_free_str(body);
	return rc;
}

int
group_update(struct vault *v, struct group_record *r, time_t now)
{
	char *head, *body;
	if (!r->has_body)
		return VAULT_ERROR; /* would clear the body fields */
	r->updated = now;
	if (dump_parts(r, &head, &body))
		return VAULT_ERROR;
	int rc = vault_put(v, r->id, GROUP_KIND, head, strlen(head), body,
	                   strlen(body), NULL);
	json_free_str(head);
	json_free_str(body);
	return rc;
}

struct get_ctx {
	struct group_record *r;
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
group_get(struct vault *v, const char *id, struct group_record **out)
{
	struct get_ctx g = {0};
	*out = NULL;
	int rc = vault_get(v, id, GROUP_KIND, get_cb, &g);
	if (rc)
		return rc;
	if (g.damaged)
		return VAULT_DAMAGED;
	*out = g.r;
	return VAULT_OK;
}

struct list_ctx {
	struct group_record **list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static int
list_cb(void *arg, const struct vault_item *it)
{
	struct list_ctx *c = arg;
	struct group_record *r = it->damaged ? NULL : decode(it);
	if (!r) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct group_record **nl = realloc(c->list, cap * sizeof(*nl));
		if (!nl) {
			group_record_free(r);
			return VAULT_ERROR;
		}
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = r;
	return 0;
}

/* The order of events: `when`, a check-in before a reflection made in
 * the same second, then creation time and id. */
static int
event_cmp(const struct group_record *x, const struct group_record *y)
{
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	if (x->type != y->type)
		return x->type == GROUP_PREPARE ? -1 : 1;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
oldest_first(const void *a, const void *b)
{
	return event_cmp(*(struct group_record *const *)a,
	                 *(struct group_record *const *)b);
}

static int
newest_first(const void *a, const void *b)
{
	return -oldest_first(a, b);
}

int
group_list(struct vault *v, const struct group_filter *f,
           struct group_record ***list, size_t *n,
           void (*damaged)(void *arg, const char *id), void *arg)
{
	struct list_ctx c = {.damaged = damaged, .arg = arg};
	int rc = vault_each(v, GROUP_KIND, f->with_body ? VAULT_EACH_BODY : 0,
	                    list_cb, &c);
	*list = NULL;
	*n = 0;
	if (rc || (c.n && group_link(c.list, c.n))) {
		group_records_free(c.list, c.n);
		return rc ? rc : VAULT_ERROR;
	}
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct group_record *r = c.list[i];
		if ((f->since && r->when < f->since) ||
		    (f->until && r->when > f->until))
			group_record_free(r);
		else
			c.list[k++] = r;
	}
	if (k)
		qsort(c.list, k, sizeof(*c.list), newest_first);
	*list = c.list;
	*n = k;
	return VAULT_OK;
}

struct group_record *
group_find(struct group_record *const *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i]->id, id) == 0)
			return list[i];
	return NULL;
}

/* --- linking --- */

static bool
same_day(time_t a, time_t b)
{
	struct tm x, y;
	if (!localtime_r(&a, &x) || !localtime_r(&b, &y))
		return false;
	return x.tm_year == y.tm_year && x.tm_yday == y.tm_yday;
}

int
group_link(struct group_record *const *list, size_t n)
{
	struct group_record **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct group_record *open = NULL;
	for (size_t i = 0; i < n; i++)
		list[i]->link[0] = '\0';
	if (!sorted)
		return -1;
	if (n) { /* list may be NULL when empty */
		memcpy(sorted, list, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), oldest_first);
	}
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = sorted[i];
		if (r->type == GROUP_PREPARE) {
			open = r;
			continue;
		}
		if (open && same_day(open->when, r->when)) {
			memcpy(r->link, open->id, sizeof(r->link));
			memcpy(open->link, r->id, sizeof(open->link));
		}
		open = NULL; /* a reflection answers what came before it */
	}
	free(sorted);
	return 0;
}

struct group_record *
group_link_for(struct group_record *const *list, size_t n, time_t when)
{
	struct group_record *best = NULL;
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = list[i];
		if (r->type == GROUP_PREPARE && r->when <= when &&
		    same_day(r->when, when) &&
		    (!best || event_cmp(r, best) > 0))
			best = r;
	}
	if (!best)
		return NULL;
	/* A reflection already made after it (and not after the new one)
	 * has answered it. */
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = list[i];
		if (r->type == GROUP_REFLECT && r->when <= when &&
		    event_cmp(r, best) > 0)
			return NULL;
	}
	return best;
}

/* --- the fields as JSON (--json, export) --- */

int
group_fields_json(const struct group_record *r, json_t *o)
{
	char when[ISO_MAX];
	const char *st = trigger_state_name(r->state);
	enum group_text first =
	        r->type == GROUP_PREPARE ? GROUP_BRING : GROUP_MOVED;
	enum group_text last =
	        r->type == GROUP_PREPARE ? GROUP_IF_TOO_MUCH : GROUP_KIND_WORDS;
	date_format_iso(r->when, when, sizeof(when));
	int bad = set(o, "type", json_string(group_type_name(r->type))) ||
	          set(o, "when", json_string(when));
	if (!bad && r->type == GROUP_PREPARE)
		bad = set(o, "before", rating_or_null(r->before));
	else if (!bad)
		bad = set(o, "after", rating_or_null(r->after));
	bad = bad || set(o, "state", str_or_null(st));
	for (int t = first; !bad && t <= (int)last; t++) {
		/* closeness and kept sit between contributed and next */
		if (t == GROUP_NEXT)
			bad = set(o, "closeness",
			          str_or_null(group_closeness_name(
			                  r->closeness))) ||
			      set(o, "kept",
			          str_or_null(group_kept_name(r->kept)));
		bad = bad || set(o, texts[t].json, str_or_null(r->text[t]));
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

static const char *
type_words(enum group_type t)
{
	return t == GROUP_PREPARE ? "a check-in before a meeting"
	                          : "a reflection after a meeting";
}

/* Is key k, when present and not null, one of the other type's? */
static bool
foreign(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return v && !json_is_null(v);
}

static int
read_rating(const json_t *o, const char *k, int *out, char *err, size_t size)
{
	json_t *v = json_object_get(o, k);
	*out = GROUP_NO_RATING;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= GROUP_RATING_MAX) {
		*out = (int)json_integer_value(v);
		return 0;
	}
	if (json_is_integer(v))
		return field_error(err, size,
		                   "\"%s\" is %lld; distress is a whole number "
		                   "from 0 to 10",
		                   k, (long long)json_integer_value(v));
	return field_error(err, size,
	                   "\"%s\" is %s; distress is a whole number from 0 "
	                   "to 10, or null",
	                   k, transfer_type_name(v));
}

/* A name field read with `parse`; `what` lists the names for messages. */
static int
read_name(const json_t *o, const char *k, int (*parse)(const char *, void *),
          void *out, const char *what, char *err, size_t size)
{
	json_t *v = json_object_get(o, k);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || parse(json_string_value(v), out))
		return field_error(err, size,
		                   "\"%s\" is %s; selfhelp expects %s, or null",
		                   k,
		                   json_is_string(v) ? "a name it does not know"
		                                     : transfer_type_name(v),
		                   what);
	return 0;
}

static int
state_parse_cb(const char *s, void *out)
{
	return trigger_state_parse(s, out);
}

static int
closeness_parse_cb(const char *s, void *out)
{
	return group_closeness_parse(s, out);
}

static int
kept_parse_cb(const char *s, void *out)
{
	return group_kept_parse(s, out);
}

int
group_fields_read(const json_t *o, struct group_record *r, char *err,
                  size_t errsize)
{
	json_t *type = json_object_get(o, "type");
	json_t *when = json_object_get(o, "when");
	enum group_type t;
	group_record_init(r, GROUP_PREPARE);
	if (!json_is_string(type) ||
	    group_type_parse(json_string_value(type), &t))
		return field_error(
		        err, errsize,
		        "\"type\" is %s; selfhelp expects \"prepare\" "
		        "or \"reflect\"",
		        type ? (json_is_string(type) ? "a name it does not know"
		                                     : transfer_type_name(type))
		             : "missing");
	r->type = t;
	if (!json_is_string(when) ||
	    transfer_time_parse(json_string_value(when), &r->when))
		return field_error(
		        err, errsize,
		        "\"when\" is %s; selfhelp expects a time like "
		        "2026-11-26T14:30:00+01:00",
		        when ? transfer_type_name(when) : "missing");
	const char *mine = t == GROUP_PREPARE ? "before" : "after";
	const char *other = t == GROUP_PREPARE ? "after" : "before";
	if (foreign(o, other))
		goto foreign_field;
	if (read_rating(o, mine, t == GROUP_PREPARE ? &r->before : &r->after,
	                err, errsize) ||
	    read_name(o, "state", state_parse_cb, &r->state,
	              "\"too-much\", \"okay\" or \"too-little\"", err, errsize))
		goto fail;
	if (t == GROUP_PREPARE) {
		other = foreign(o, "closeness") ? "closeness"
		        : foreign(o, "kept")    ? "kept"
		                                : NULL;
		if (other)
			goto foreign_field;
	} else if (read_name(o, "closeness", closeness_parse_cb, &r->closeness,
	                     "\"too-close\", \"about-right\" or \"too-far\"",
	                     err, errsize) ||
	           read_name(o, "kept", kept_parse_cb, &r->kept,
	                     "\"yes\", \"partly\", \"no\" or "
	                     "\"did-not-come-up\"",
	                     err, errsize)) {
		goto fail;
	}
	for (int i = 0; i < GROUP_NTEXTS; i++) {
		json_t *v = json_object_get(o, texts[i].json);
		if (!v || json_is_null(v))
			continue;
		if (texts[i].type != t) {
			other = texts[i].json;
			goto foreign_field;
		}
		if (!json_is_string(v)) {
			field_error(
			        err, errsize,
			        "\"%s\" is %s; selfhelp expects text, or null",
			        texts[i].json, transfer_type_name(v));
			goto fail;
		}
		enum trigger_text_problem why = TRIGGER_TEXT_NOT_UTF8;
		if (strlen(json_string_value(v)) == json_string_length(v))
			why = group_set_text(r, (enum group_text)i,
			                     json_string_value(v));
		if (why != TRIGGER_TEXT_OK) {
			field_error(err, errsize, "\"%s\" %s", texts[i].json,
			            trigger_problem_words(why));
			goto fail;
		}
	}
	r->has_body = true;
	return 0;
foreign_field:
	field_error(
	        err, errsize, "\"%s\" belongs to %s, and this record is %s",
	        other,
	        type_words(t == GROUP_PREPARE ? GROUP_REFLECT : GROUP_PREPARE),
	        type_words(t));
fail:
	group_record_release(r);
	return -1;
}

/* --- the export codec --- */

int
group_export_encode(const unsigned char *head, size_t headlen,
                    const unsigned char *body, size_t bodylen,
                    struct transfer_times *t, json_t *fields, char *err)
{
	struct group_record r;
	if (!body || decode_parts(&r, head, headlen, body, bodylen) != 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "it does not read as a group check-in or reflection");
		return -1;
	}
	t->created = r.created;
	t->updated = r.updated;
	int rc = group_fields_json(&r, fields);
	group_record_release(&r);
	if (rc)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return rc;
}

int
group_export_decode(const json_t *rec, const struct transfer_times *t,
                    struct transfer_buf *head, struct transfer_buf *body,
                    char *err)
{
	struct group_record r;
	char *h = NULL, *b = NULL;
	if (group_fields_read(rec, &r, err, TRANSFER_ERR_MAX))
		return -1;
	r.created = t->created;
	r.updated = t->updated;
	int rc = dump_parts(&r, &h, &b);
	if (!rc)
		rc = transfer_buf_puts(head, h) || transfer_buf_puts(body, b)
		             ? -1
		             : 0;
	if (rc)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	json_free_str(h);
	json_free_str(b);
	group_record_release(&r);
	return rc;
}

/* Labels shared by the Markdown export (and mirrored in cmd/group.c). */
static const char *const text_labels[GROUP_NTEXTS] = {
        [GROUP_BRING] = "What I would like to bring",
        [GROUP_NEED] = "What I need from the group",
        [GROUP_BOUNDARY] = "My boundary for today",
        [GROUP_IF_TOO_MUCH] = "If it gets too much",
        [GROUP_MOVED] = "What moved me",
        [GROUP_TRIGGERED] = "What triggered me",
        [GROUP_CONTRIBUTED] = "What I contributed",
        [GROUP_NEXT] = "Next time I would like to try",
        [GROUP_KIND_WORDS] = "A kind sentence to myself",
};

/* "**Label:** value"; the value (free text, or words of ours) through
 * the display sanitizer. */
static int
md_field(struct transfer_buf *md, const char *label, const char *value)
{
	return transfer_buf_puts(md, "**") || transfer_buf_puts(md, label) ||
	       transfer_buf_puts(md, ":** ") ||
	       transfer_buf_clean(md, value, strlen(value), UTIL_CLEAN_LINES) ||
	       transfer_buf_puts(md, "\n\n");
}

int
group_export_markdown(const json_t *rec, struct transfer_buf *md)
{
	struct group_record r;
	char err[TRANSFER_ERR_MAX], line[128];
	if (group_fields_read(rec, &r, err, sizeof(err)))
		return transfer_buf_puts(md, "(This record could not be read "
		                             "as a group record.)\n");
	bool prep = r.type == GROUP_PREPARE;
	int rating = prep ? r.before : r.after;
	int rc = transfer_buf_puts(md, prep ? "Before the meeting.\n\n"
	                                    : "After the meeting.\n\n");
	if (!rc && (rating != GROUP_NO_RATING || r.state)) {
		size_t k = 0;
		line[0] = '\0';
		if (rating != GROUP_NO_RATING)
			k += (size_t)snprintf(line, sizeof(line), "distress %d",
			                      rating);
		if (r.state)
			snprintf(line + k, sizeof(line) - k, "%s%s",
			         k ? ", " : "", trigger_state_words(r.state));
		rc = md_field(md, prep ? "Arriving" : "Leaving", line);
	}
	for (int t = 0; !rc && t < GROUP_NTEXTS; t++) {
		if (t == GROUP_NEXT && !prep) {
			if (r.closeness)
				rc = md_field(
				        md, "Closeness and distance",
				        group_closeness_words(r.closeness));
			if (!rc && r.kept)
				rc = md_field(md, "Kept my boundary",
				              group_kept_words(r.kept));
		}
		if (!rc && r.text[t])
			rc = md_field(md, text_labels[t], r.text[t]);
	}
	group_record_release(&r);
	return rc ? -1 : 0;
}

/* --- the edit layout --- */

static const char edit_header_prepare[] =
        "# Change what you like, then save and close the editor.\n"
        "# Lines starting with # are skipped. An empty value clears a field.\n"
        "# Longer text goes on after the first line on lines indented by two\n"
        "# spaces. before: distress when arriving, 0 to 10. state: too-much,\n"
        "# okay or too-little.\n";

static const char edit_header_reflect[] =
        "# Change what you like, then save and close the editor.\n"
        "# Lines starting with # are skipped. An empty value clears a field.\n"
        "# Longer text goes on after the first line on lines indented by two\n"
        "# spaces. after: distress when leaving, 0 to 10. state: too-much,\n"
        "# okay or too-little. closeness: too-close, about-right or too-far.\n"
        "# kept (the boundary you set): yes, partly, no or did-not-come-up.\n";

static int
buf_text_field(struct transfer_buf *b, const char *key, const char *s)
{
	if (transfer_buf_puts(b, key) || transfer_buf_puts(b, ":"))
		return -1;
	if (!s)
		return transfer_buf_puts(b, "\n");
	if (transfer_buf_puts(b, " "))
		return -1;
	for (const char *p = s;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (transfer_buf_add(b, p, n) || transfer_buf_puts(b, "\n"))
			return -1;
		if (!nl)
			break;
		p = nl + 1;
		/* Blank lines stay blank; others get the two-space indent. */
		if (*p && *p != '\n' && transfer_buf_puts(b, "  "))
			return -1;
	}
	return 0;
}

static int
buf_value(struct transfer_buf *b, const char *key, const char *value)
{
	return transfer_buf_puts(b, key) || transfer_buf_puts(b, ":") ||
	       (value && *value &&
	        (transfer_buf_puts(b, " ") || transfer_buf_puts(b, value))) ||
	       transfer_buf_puts(b, "\n");
}

char *
group_format_text(const struct group_record *r, size_t *len)
{
	struct transfer_buf b = {0};
	char when[32], num[16] = "", line[96];
	bool prep = r->type == GROUP_PREPARE;
	int rating = prep ? r->before : r->after;
	int bad = 0;
	date_format_local(r->when, when, sizeof(when));
	if (rating != GROUP_NO_RATING)
		snprintf(num, sizeof(num), "%d", rating);
	if (r->id[0]) {
		snprintf(line, sizeof(line), "# %s %.8s.\n",
		         prep ? "Check-in before a group meeting"
		              : "Reflection after a group meeting",
		         r->id);
		bad = transfer_buf_puts(&b, line);
	}
	bad = bad ||
	      transfer_buf_puts(&b, prep ? edit_header_prepare
	                                 : edit_header_reflect) ||
	      buf_value(&b, "when", when) ||
	      buf_value(&b, prep ? "before" : "after", num) ||
	      buf_value(&b, "state", trigger_state_name(r->state));
	for (int t = 0; !bad && t < GROUP_NTEXTS; t++) {
		if (texts[t].type != r->type)
			continue;
		if (t == GROUP_NEXT)
			bad = buf_value(&b, "closeness",
			                group_closeness_name(r->closeness)) ||
			      buf_value(&b, "kept", group_kept_name(r->kept));
		bad = bad || buf_text_field(&b, texts[t].key, r->text[t]);
	}
	if (bad) {
		transfer_buf_release(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

/* The scalar fields of the layout. */
enum scalar { S_WHEN, S_RATING, S_STATE, S_CLOSENESS, S_KEPT, S_NSCALARS };

struct field {
	bool text;
	int which; /* enum scalar or enum group_text */
};

/*
 * Find the field for a key as typed (case-insensitive; '_' or ' ' as
 * '-'). Returns 0, 1 when the key is a field of the other type, or -1
 * when it is no field at all.
 */
static int
find_field(const char *key, enum group_type type, struct field *f)
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
	bool prep = type == GROUP_PREPARE;
	f->text = false;
	if (strcmp(k, "when") == 0) {
		f->which = S_WHEN;
		return 0;
	}
	if (strcmp(k, "state") == 0) {
		f->which = S_STATE;
		return 0;
	}
	if (strcmp(k, "before") == 0 || strcmp(k, "after") == 0) {
		f->which = S_RATING;
		return (k[0] == 'b') == prep ? 0 : 1;
	}
	if (strcmp(k, "closeness") == 0 || strcmp(k, "kept") == 0) {
		f->which = k[0] == 'c' ? S_CLOSENESS : S_KEPT;
		return prep ? 1 : 0;
	}
	if (strcmp(k, "kind") == 0)
		snprintf(k, sizeof(k), "kind-words");
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (strcmp(k, texts[t].key) == 0) {
			f->text = true;
			f->which = t;
			return texts[t].type == type ? 0 : 1;
		}
	return -1;
}

static const char *const prepare_keys[] = {
        "when", "before", "state", "bring", "need", "boundary", "if-too-much",
};
static const char *const reflect_keys[] = {
        "when",        "after",     "state", "moved", "triggered",
        "contributed", "closeness", "kept",  "next",  "kind-words",
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

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void
rstrip(char *s)
{
	size_t n = strlen(s);
	while (n && is_space((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

struct parse_state {
	bool seen_scalar[S_NSCALARS];
	bool seen_text[GROUP_NTEXTS];
	int open_text;            /* field indented lines continue, or -1 */
	struct transfer_buf text; /* its value so far */
	size_t blanks;            /* blank lines seen inside it */
};

static int
close_text(struct parse_state *ps, struct group_record *r, size_t line,
           char *err, size_t errsize)
{
	if (ps->open_text < 0)
		return 0;
	int t = ps->open_text;
	ps->open_text = -1;
	enum trigger_text_problem why = group_set_text(
	        r, (enum group_text)t, ps->text.p ? ps->text.p : "");
	transfer_buf_release(&ps->text);
	if (why != TRIGGER_TEXT_OK)
		return parse_error(err, errsize, line, "the %s text %s.",
		                   texts[t].key, trigger_problem_words(why));
	return 0;
}

static int
parse_scalar(enum scalar which, char *value, size_t lineno,
             const struct group_record *base, time_t now,
             struct group_record *r, char *err, size_t errsize)
{
	rstrip(value);
	switch (which) {
	case S_WHEN: {
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
			        "understands, like 2026-11-01 19:30, "
			        "today or yesterday.");
		return 0;
	}
	case S_RATING: {
		int *slot = r->type == GROUP_PREPARE ? &r->before : &r->after;
		char *end;
		long v;
		*slot = GROUP_NO_RATING;
		if (!*value)
			return 0;
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || *end || v < 0 || v > GROUP_RATING_MAX ||
		    !(*value >= '0' && *value <= '9'))
			return parse_error(err, errsize, lineno,
			                   "'%s' takes a number from 0 to 10, "
			                   "or nothing.",
			                   r->type == GROUP_PREPARE ? "before"
			                                            : "after");
		*slot = (int)v;
		return 0;
	}
	case S_STATE:
		r->state = TRIGGER_STATE_NONE;
		if (*value && trigger_state_parse(value, &r->state))
			return parse_error(err, errsize, lineno,
			                   "'state' takes too-much, okay or "
			                   "too-little, or nothing.");
		return 0;
	case S_CLOSENESS:
		r->closeness = GROUP_CLOSENESS_NONE;
		if (*value && group_closeness_parse(value, &r->closeness))
			return parse_error(
			        err, errsize, lineno,
			        "'closeness' takes too-close, "
			        "about-right or too-far, or nothing.");
		return 0;
	case S_KEPT:
		r->kept = GROUP_KEPT_NONE;
		if (*value && group_kept_parse(value, &r->kept))
			return parse_error(err, errsize, lineno,
			                   "'kept' takes yes, partly, no or "
			                   "did-not-come-up, or nothing.");
		return 0;
	default:
		return 0;
	}
}

static int
parse_line(struct parse_state *ps, char *line, size_t lineno,
           const struct group_record *base, time_t now, struct group_record *r,
           char *err, size_t errsize)
{
	static const char *const scalar_names[] = {"when", "before", "state",
	                                           "closeness", "kept"};
	/* An indented line continues the text above it. */
	if (line[0] == ' ' || line[0] == '\t') {
		char *p = line;
		if (p[0] == '\t')
			p++;
		else
			for (int i = 0; i < 2 && *p == ' '; i++)
				p++;
		if (ps->open_text < 0)
			return parse_error(
			        err, errsize, lineno,
			        "this line is indented, but only text "
			        "fields go on over several lines.");
		for (; ps->blanks; ps->blanks--)
			if (transfer_buf_puts(&ps->text, "\n"))
				return parse_error(err, errsize, lineno,
				                   "out of memory.");
		if (transfer_buf_puts(&ps->text, "\n") ||
		    transfer_buf_puts(&ps->text, p))
			return parse_error(err, errsize, lineno,
			                   "out of memory.");
		return 0;
	}
	if (close_text(ps, r, lineno, err, errsize))
		return -1;
	ps->blanks = 0;

	char *colon = strchr(line, ':');
	if (!colon)
		return parse_error(err, errsize, lineno,
		                   "selfhelp expected 'key: value' here, like "
		                   "'need: a quiet start'.");
	*colon = '\0';
	char *key = line, *value = colon + 1;
	rstrip(key);
	while (*value == ' ' || *value == '\t')
		value++;
	struct field f;
	bool prep = base->type == GROUP_PREPARE;
	int found = find_field(key, base->type, &f);
	if (found == 1)
		return parse_error(
		        err, errsize, lineno,
		        "'%s' belongs to %s, and this record is %s.", key,
		        type_words(prep ? GROUP_REFLECT : GROUP_PREPARE),
		        type_words(base->type));
	if (found < 0) {
		const char *const *keys = prep ? prepare_keys : reflect_keys;
		size_t nkeys = prep ? sizeof(prepare_keys) / sizeof(*keys)
		                    : sizeof(reflect_keys) / sizeof(*keys);
		const char *s = util_suggest(key, keys, nkeys);
		if (s)
			return parse_error(err, errsize, lineno,
			                   "'%s' is not a field here. Did you "
			                   "mean '%s'?",
			                   key, s);
		return parse_error(err, errsize, lineno,
		                   "'%s' is not a field here; the fields are "
		                   "the ones selfhelp wrote above.",
		                   key);
	}
	if (f.text) {
		if (ps->seen_text[f.which])
			return parse_error(err, errsize, lineno,
			                   "'%s' is here twice; longer text "
			                   "goes on over lines indented by two "
			                   "spaces.",
			                   texts[f.which].key);
		ps->seen_text[f.which] = true;
		ps->open_text = f.which;
		if (transfer_buf_puts(&ps->text, value))
			return parse_error(err, errsize, lineno,
			                   "out of memory.");
		return 0;
	}
	if (ps->seen_scalar[f.which])
		return parse_error(err, errsize, lineno,
		                   "'%s' is here twice; it takes one value.",
		                   f.which == S_RATING
		                           ? (prep ? "before" : "after")
		                           : scalar_names[f.which]);
	ps->seen_scalar[f.which] = true;
	return parse_scalar((enum scalar)f.which, value, lineno, base, now, r,
	                    err, errsize);
}

int
group_parse_text(const char *text, size_t len, const struct group_record *base,
                 time_t now, struct group_record *r, char *err, size_t errsize)
{
	struct parse_state ps = {.open_text = -1};
	size_t lineno = 0, bad;
	int rc = -1;
	char *line = NULL;

	group_record_init(r, base->type);
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
	transfer_buf_release(&ps.text);
	if (rc)
		group_record_release(r);
	return rc;
}
