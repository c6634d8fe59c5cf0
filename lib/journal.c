#include "journal.h"

#include "record.h"
#include "search.h"
#include "util.h"
#include "wipe.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PREVIEW_MAX = 120, HEAD_VERSION = 1 };

/* --- wiping allocator for jansson --- */

struct zhdr {
	size_t size;
	max_align_t align;
};

static void *
zmalloc(size_t n)
{
	struct zhdr *h = malloc(offsetof(struct zhdr, align) + n);
	if (!h)
		return NULL;
	h->size = n;
	return &h->align;
}

static void
zfree(void *p)
{
	if (!p)
		return;
	struct zhdr *h =
	        (struct zhdr *)((char *)p - offsetof(struct zhdr, align));
	sodium_memzero(p, h->size);
	free(h);
}

void
journal_json_init(void)
{
	json_set_alloc_funcs(zmalloc, zfree);
}

/* --- helpers --- */

/* Wipe and free an entry's words (all a mood_only listing drops). */
static void
drop_words(struct journal_entry *e)
{
	for (size_t i = 0; i < e->ntags; i++)
		wipe_free_str(e->tags[i]);
	free(e->tags);
	e->tags = NULL;
	e->ntags = 0;
	wipe_free_str(e->preview);
	e->preview = NULL;
	if (e->text)
		sodium_memzero(e->text, e->textlen);
	free(e->text);
	e->text = NULL;
	e->textlen = 0;
}

void
journal_entry_free(struct journal_entry *e)
{
	if (!e)
		return;
	drop_words(e);
	free(e);
}

void
journal_entries_free(struct journal_entry **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		journal_entry_free(list[i]);
	free(list);
}

char *
journal_tag_normalize(const char *tag)
{
	/* Every leading '#' and space, so that a tag normalises to itself
	 * again ("# work" and "##work" are "work", not " work", "#work"). */
	while (*tag == ' ' || *tag == '\t' || *tag == '#')
		tag++;
	size_t n = strlen(tag);
	while (n && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
		n--;
	size_t bad;
	/* One line of text: no control characters of any kind (C0, DEL,
	 * C1), as the display sanitizer would have to replace them. */
	if (n == 0 || n > JOURNAL_TAG_MAX || !util_utf8_ok(tag, n, &bad) ||
	    util_has_control(tag, n, 0, NULL))
		return NULL;
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tag[i];
		if (c == ',') {
			free(out);
			return NULL;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
	return out;
}

/* Is text[from, len) nothing but blanks and line ends? */
static bool
blank_from(const char *text, size_t len, size_t from)
{
	for (size_t i = from; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
		    text[i] != '\n')
			return false;
	return true;
}

/*
 * Where the person's own words start after a journaling prompt ('journal
 * add --prompt' writes "> PROMPT", a blank line, then the text): past
 * that quoted line and the blank lines after it, when the text starts so
 * and has words after it; 0 otherwise.
 */
static size_t
after_prompt(const char *text, size_t len)
{
	if (len < 2 || text[0] != '>' || text[1] != ' ')
		return 0;
	const char *nl = memchr(text, '\n', len);
	if (!nl)
		return 0;
	size_t i = (size_t)(nl - text) + 1, line = i;
	/* the line after the quote must be blank */
	while (line < len &&
	       (text[line] == ' ' || text[line] == '\t' || text[line] == '\r'))
		line++;
	if (line < len && text[line] != '\n')
		return 0;
	return blank_from(text, len, i) ? 0 : i;
}

/* The first line of text, at most PREVIEW_MAX bytes, cut at a UTF-8
 * boundary: text[*start..*end). A leading journaling prompt is left out
 * (after_prompt). */
static void
preview_bounds(const char *text, size_t len, size_t *start, size_t *end)
{
	size_t i = after_prompt(text, len);
	while (i < len &&
	       (text[i] == '\n' || text[i] == ' ' || text[i] == '\r'))
		i++;
	size_t e = i;
	while (e < len && text[e] != '\n' && text[e] != '\r' &&
	       e - i < PREVIEW_MAX)
		e++;
	if (e < len && e - i == PREVIEW_MAX)
		while (e > i && ((unsigned char)text[e] & 0xC0) == 0x80)
			e--;
	*start = i;
	*end = e;
}

static char *
make_preview(const char *text, size_t len)
{
	size_t s, e;
	preview_bounds(text, len, &s, &e);
	return strndup(text + s, e - s);
}

static json_t *
head_json(const struct journal_entry *e)
{
	json_t *tags = json_array();
	json_t *o = json_object();
	if (!tags || !o)
		goto fail;
	for (size_t i = 0; i < e->ntags; i++)
		if (json_array_append_new(tags, json_string(e->tags[i])))
			goto fail;
	if (json_object_set_new(o, "v", json_integer(HEAD_VERSION)) ||
	    json_object_set_new(o, "created", json_integer(e->created)) ||
	    json_object_set_new(o, "updated", json_integer(e->updated)) ||
	    json_object_set_new(o, "mood",
	                        e->mood == JOURNAL_NO_MOOD
	                                ? json_null()
	                                : json_integer(e->mood)) ||
	    json_object_set_new(o, "tags", tags) ||
	    json_object_set_new(
	            o, "preview",
	            json_stringn(e->preview ? e->preview : "",
	                         e->preview ? strlen(e->preview) : 0)) ||
	    (e->jrnl_time && json_object_set_new(o, JOURNAL_JRNL_TIME,
	                                         json_integer(e->jrnl_time))))
		goto fail_o;
	return o;
fail:
	json_decref(tags);
fail_o:
	json_decref(o);
	return NULL;
}

/* Store e: as record `id` (NULL: a new one), or sealed while locked. */
static int
put_entry(struct vault *v, const char *id, bool sealed,
          const struct journal_entry *e, char *id_out)
{
	json_t *o = head_json(e);
	if (!o)
		return VAULT_ERROR;
	char *head = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!head)
		return VAULT_ERROR;
	size_t hl = strlen(head);
	int rc = sealed ? vault_seal(v, JOURNAL_KIND, head, hl, e->text,
	                             e->textlen, id_out)
	                : vault_put(v, id, JOURNAL_KIND, head, hl, e->text,
	                            e->textlen, id_out);
	sodium_memzero(head, hl);
	zfree(head);
	return rc;
}

static int
add_entry(struct vault *v, bool sealed, const char *text, size_t len, int mood,
          char *const *tags, size_t ntags, time_t created, char *id_out)
{
	struct journal_entry e = {0};
	e.created = e.updated = created;
	e.mood = mood;
	e.tags = (char **)tags;
	e.ntags = ntags;
	e.text = (char *)text;
	e.textlen = len;
	e.preview = make_preview(text, len);
	if (!e.preview)
		return VAULT_ERROR;
	int rc = put_entry(v, NULL, sealed, &e, id_out);
	wipe_free_str(e.preview);
	return rc;
}

int
journal_add(struct vault *v, const char *text, size_t len, int mood,
            char *const *tags, size_t ntags, time_t created, char *id_out)
{
	return add_entry(v, false, text, len, mood, tags, ntags, created,
	                 id_out);
}

int
journal_add_sealed(struct vault *v, const char *text, size_t len, int mood,
                   char *const *tags, size_t ntags, time_t created,
                   char *id_out)
{
	return add_entry(v, true, text, len, mood, tags, ntags, created,
	                 id_out);
}

int
journal_update(struct vault *v, const struct journal_entry *e, time_t now)
{
	struct journal_entry copy = *e;
	copy.updated = now;
	copy.preview = make_preview(e->text, e->textlen);
	if (!copy.preview)
		return VAULT_ERROR;
	int rc = put_entry(v, e->id, false, &copy, NULL);
	wipe_free_str(copy.preview);
	return rc;
}

/* Decode a head; NULL when it is not a journal head we understand. */
static struct journal_entry *
decode_head(const char *id, const unsigned char *head, size_t len)
{
	json_error_t err;
	json_t *o = json_loadb((const char *)head, len, 0, &err);
	struct journal_entry *e = calloc(1, sizeof(*e));
	if (!o || !e || !json_is_object(o))
		goto fail;
	json_t *created = json_object_get(o, "created");
	json_t *updated = json_object_get(o, "updated");
	json_t *mood = json_object_get(o, "mood");
	json_t *tags = json_object_get(o, "tags");
	json_t *preview = json_object_get(o, "preview");
	if (!json_is_integer(created) || !json_is_array(tags) ||
	    !json_is_string(preview))
		goto fail;
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->created = (time_t)json_integer_value(created);
	e->updated = json_is_integer(updated)
	                     ? (time_t)json_integer_value(updated)
	                     : e->created;
	json_t *wall = json_object_get(o, JOURNAL_JRNL_TIME);
	if (json_is_integer(wall))
		e->jrnl_time = (int64_t)json_integer_value(wall);
	e->mood = JOURNAL_NO_MOOD;
	if (json_is_integer(mood) && json_integer_value(mood) >= 0 &&
	    json_integer_value(mood) <= 10)
		e->mood = (int)json_integer_value(mood);
	size_t n = json_array_size(tags);
	if (n > JOURNAL_MAX_TAGS)
		goto fail;
	e->tags = calloc(n ? n : 1, sizeof(char *));
	if (!e->tags)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const char *t = json_string_value(json_array_get(tags, i));
		if (!t || !(e->tags[e->ntags] = strdup(t)))
			goto fail;
		e->ntags++;
	}
	e->preview = strdup(json_string_value(preview));
	if (!e->preview)
		goto fail;
	json_decref(o);
	return e;
fail:
	json_decref(o);
	journal_entry_free(e);
	return NULL;
}

/*
 * The created time of a head as head_json writes it, compact
 * ({"v":1,"created":N,...}), read without parsing the whole head (which
 * was a tenth of a large import's time); false when the head does not
 * start so, and decode_head must read it.
 */
static bool
head_created_fast(const unsigned char *h, size_t len, int64_t *out)
{
	static const char prefix[] = "{\"v\":1,\"created\":";
	size_t i = sizeof(prefix) - 1, start;
	int64_t v = 0;
	if (len <= i || memcmp(h, prefix, i) != 0)
		return false;
	bool neg = h[i] == '-';
	i += neg;
	for (start = i; i < len && h[i] >= '0' && h[i] <= '9'; i++) {
		if (i - start == 18)
			return false; /* leave large numbers to jansson */
		v = v * 10 + (h[i] - '0');
	}
	if (i == start || i >= len || h[i] != ',' ||
	    (h[start] == '0' && i - start > 1))
		return false;
	*out = neg ? -v : v;
	return true;
}

int
journal_sort_key(const char *kind, const unsigned char *head, size_t len,
                 int64_t *key)
{
	if (strcmp(kind, JOURNAL_KIND) != 0)
		return 1;
	if (head_created_fast(head, len, key))
		return 0;
	struct journal_entry *e = decode_head("", head, len);
	if (!e)
		return -1;
	*key = (int64_t)e->created;
	journal_entry_free(e);
	return 0;
}

static int
attach_text(struct journal_entry *e, const unsigned char *body, size_t len)
{
	e->text = malloc(len + 1);
	if (!e->text)
		return -1;
	memcpy(e->text, body, len);
	e->text[len] = '\0';
	e->textlen = len;
	return 0;
}

struct get_ctx {
	struct journal_entry *e;
	bool damaged;
};

static int
get_cb(void *arg, const struct vault_item *it)
{
	struct get_ctx *g = arg;
	if (it->damaged) {
		g->damaged = true;
		return 0;
	}
	g->e = decode_head(it->id, it->head, it->headlen);
	if (!g->e) {
		g->damaged = true;
		return 0;
	}
	g->e->written_locked = it->written_locked;
	g->e->conflict_copy = it->conflict_copy;
	if (attach_text(g->e, it->body, it->bodylen) != 0) {
		journal_entry_free(g->e);
		g->e = NULL;
		return VAULT_ERROR;
	}
	return 0;
}

int
journal_get(struct vault *v, const char *id, struct journal_entry **out)
{
	struct get_ctx g = {0};
	*out = NULL;
	int rc = vault_get(v, id, JOURNAL_KIND, get_cb, &g);
	if (rc)
		return rc;
	if (g.damaged)
		return VAULT_DAMAGED;
	*out = g.e;
	return VAULT_OK;
}

bool
journal_match(const struct journal_entry *e, const struct search_needle *needle,
              size_t *start, size_t *end)
{
	size_t s = 0, t = 0;
	if (e->text && search_find(needle, e->text, e->textlen, &s, &t)) {
		if (start)
			*start = s;
		if (end)
			*end = t;
		return true;
	}
	if (start)
		*start = 0;
	if (end)
		*end = 0;
	for (size_t i = 0; i < e->ntags; i++)
		if (search_find(needle, e->tags[i], strlen(e->tags[i]), NULL,
		                NULL))
			return true;
	return false;
}

enum { LIST_ENOUGH = 1 }; /* list_cb: the limit is reached */

struct list_ctx {
	bool by_key; /* walking newest first, through the index */
	const struct journal_filter *f;
	struct journal_entry **list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static bool
has_tag(const struct journal_entry *e, const char *tag)
{
	for (size_t i = 0; i < e->ntags; i++)
		if (strcmp(e->tags[i], tag) == 0)
			return true;
	return false;
}

static int
list_cb(void *arg, const struct vault_item *it)
{
	struct list_ctx *c = arg;
	const struct journal_filter *f = c->f;
	struct journal_entry *e = NULL;
	if (!it->damaged)
		e = decode_head(it->id, it->head, it->headlen);
	if (!e) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	e->written_locked = it->written_locked;
	e->conflict_copy = it->conflict_copy;
	if ((f->since && e->created < f->since) ||
	    (f->until && e->created > f->until) ||
	    (f->tag && !has_tag(e, f->tag))) {
		journal_entry_free(e);
		return 0;
	}
	if (it->body && attach_text(e, it->body, it->bodylen) != 0) {
		journal_entry_free(e);
		return VAULT_ERROR;
	}
	if (f->needle && !journal_match(e, f->needle, NULL, NULL)) {
		journal_entry_free(e);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct journal_entry **nl = realloc(c->list, cap * sizeof(*nl));
		if (!nl) {
			journal_entry_free(e);
			return VAULT_ERROR;
		}
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = e;
	return c->by_key && f->limit && c->n >= f->limit ? LIST_ENOUGH : 0;
}

/*
 * vault_search's first look, on any thread: could the record match? Its
 * text, or its head as stored (JSON, where its tags are), must hold the
 * needle; list_cb decides. A needle with characters JSON escapes could
 * hide in the stored head, so it lets every record through.
 */
static bool
search_keep(void *arg, const struct vault_item *it)
{
	const struct search_needle *needle = arg;
	return !search_needle_json_plain(needle) ||
	       search_find(needle, (const char *)it->body, it->bodylen, NULL,
	                   NULL) ||
	       search_find(needle, (const char *)it->head, it->headlen, NULL,
	                   NULL);
}

static int
newest_first(const void *a, const void *b)
{
	const struct journal_entry *x = *(struct journal_entry *const *)a;
	const struct journal_entry *y = *(struct journal_entry *const *)b;
	if (x->created != y->created)
		return x->created < y->created ? 1 : -1;
	return strcmp(y->id, x->id);
}

int
journal_list(struct vault *v, const struct journal_filter *f,
             struct journal_entry ***list, size_t *n,
             void (*damaged)(void *arg, const char *id), void *arg)
{
	struct list_ctx c = {.f = f, .damaged = damaged, .arg = arg};
	unsigned flags = f->with_text || f->needle ? VAULT_EACH_BODY : 0;
	int rc;
	/* newest first through the index for a count, or for a period
	 * (a search's filters pick its candidates better) */
	c.by_key = vault_has_sort_key(v) &&
	           (f->limit || (!f->needle && (f->since || f->until)));
	if (c.by_key)
		rc = vault_each_by_key(v, JOURNAL_KIND, flags,
		                       f->since ? (int64_t)f->since : INT64_MIN,
		                       f->until ? (int64_t)f->until : INT64_MAX,
		                       list_cb, &c);
	else if (f->needle)
		rc = vault_search_needle(v, JOURNAL_KIND, VAULT_EACH_BODY,
		                         f->needle, search_keep, f->needle,
		                         list_cb, &c);
	else
		rc = vault_each(v, JOURNAL_KIND, flags, list_cb, &c);
	if (rc == LIST_ENOUGH)
		rc = VAULT_OK;
	if (rc) {
		journal_entries_free(c.list, c.n);
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

struct moods_ctx {
	time_t since, until;
	struct journal_mood *list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static int
moods_cb(void *arg, const struct vault_item *it)
{
	struct moods_ctx *c = arg;
	struct journal_entry *e =
	        it->damaged ? NULL : decode_head(it->id, it->head, it->headlen);
	if (!e) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	struct journal_mood m = {e->created, e->mood};
	journal_entry_free(e);
	if ((c->since && m.created < c->since) ||
	    (c->until && m.created > c->until))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct journal_mood *nl = realloc(c->list, cap * sizeof(*nl));
		if (!nl)
			return VAULT_ERROR;
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = m;
	return 0;
}

int
journal_moods(struct vault *v, time_t since, time_t until,
              struct journal_mood **out, size_t *n,
              void (*damaged)(void *arg, const char *id), void *arg)
{
	struct moods_ctx c = {
	        .since = since, .until = until, .damaged = damaged, .arg = arg};
	int rc = (since || until) && vault_has_sort_key(v)
	                 ? vault_each_by_key(v, JOURNAL_KIND, 0,
	                                     since ? (int64_t)since : INT64_MIN,
	                                     until ? (int64_t)until : INT64_MAX,
	                                     moods_cb, &c)
	                 : vault_each(v, JOURNAL_KIND, 0, moods_cb, &c);
	if (rc) {
		free(c.list);
		c.list = NULL;
		c.n = 0;
	}
	*out = c.list;
	*n = c.n;
	return rc;
}

/* --- the kind, as data, and its export codec --- */

/* The journal keeps its own storage (its body is the text itself); the
 * table says what it holds for export, import and check. */
static const struct record_field journal_fields[] = {
        {.type = RECORD_INT,
         .flags = RECORD_HEAD,
         .json = "mood",
         .key = "mood",
         .label = "Mood",
         .noun = "a mood",
         .range = "a number",
         .lo = 0,
         .hi = 10},
        {.type = RECORD_TAGS,
         .flags = RECORD_HEAD,
         .json = "tags",
         .key = "tag",
         .label = "Tags",
         .max = JOURNAL_MAX_TAGS,
         .item_max = JOURNAL_TAG_MAX},
        {.type = RECORD_TEXT, .json = "text", .label = "Text"},
};

static int
journal_encode(const struct transfer_codec *c, const unsigned char *head,
               size_t headlen, const unsigned char *body, size_t bodylen,
               struct transfer_times *t, json_t *fields, char *err)
{
	json_t *h = transfer_load_head(head, headlen);
	json_t *tags = NULL, *text = NULL;
	int rc = -1;
	if (!json_is_object(h) || transfer_head_times(h, t) != 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its head does not read as a journal entry");
		goto out;
	}
	json_t *mood = json_object_get(h, "mood");
	json_t *htags = json_object_get(h, "tags");
	if (!json_is_array(htags) ||
	    json_array_size(htags) > JOURNAL_MAX_TAGS) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its tags do not read as a list of tags");
		goto out;
	}
	tags = json_array();
	if (!tags)
		goto oom;
	for (size_t i = 0; i < json_array_size(htags); i++) {
		json_t *tag = json_array_get(htags, i);
		if (!json_is_string(tag)) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "one of its tags is not text");
			goto out;
		}
		if (json_array_append(tags, tag))
			goto oom;
	}
	text = transfer_string((const char *)body, bodylen);
	if (!text) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its text is not UTF-8 (or holds a NUL byte)");
		goto out;
	}
	/* As journal.c reads it: a mood outside 0-10 counts as none. */
	json_int_t m = json_is_integer(mood) ? json_integer_value(mood) : -1;
	if (json_object_set_new(fields, "mood",
	                        m >= 0 && m <= 10 ? json_integer(m)
	                                          : json_null()) ||
	    json_object_set(fields, "tags", tags) ||
	    json_object_set(fields, "text", text))
		goto oom;
	rc = 0;
	goto out;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
out:
	json_decref(text);
	json_decref(tags);
	json_decref(h);
	return rc;
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

static int
journal_decode(const struct transfer_codec *c, const json_t *rec,
               const struct transfer_times *t, struct strbuf *head,
               struct strbuf *body, char *err)
{
	json_t *mood = json_object_get(rec, "mood");
	json_t *tags = json_object_get(rec, "tags");
	json_t *text = json_object_get(rec, "text");
	int rc = -1, m = JOURNAL_NO_MOOD;

	if (mood && !json_is_null(mood) &&
	    record_int_read(&journal_fields[0], mood, &m, err,
	                    TRANSFER_ERR_MAX))
		return -1;
	if (tags && !json_is_array(tags)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "\"tags\" is %s; selfhelp expects a list of tags",
		         transfer_type_name(tags));
		return -1;
	}
	if (json_array_size(tags) > JOURNAL_MAX_TAGS) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "there are %zu tags; an entry holds up to %d",
		         json_array_size(tags), JOURNAL_MAX_TAGS);
		return -1;
	}
	if (!json_is_string(text)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         text ? "\"text\" is %s; selfhelp expects text"
		              : "there is no \"text\"%s",
		         text ? transfer_type_name(text) : "");
		return -1;
	}
	const char *s = json_string_value(text);
	size_t len = json_string_length(text);
	if (blank(s, len)) {
		snprintf(err, TRANSFER_ERR_MAX, "the text is empty");
		return -1;
	}
	char *norm[JOURNAL_MAX_TAGS];
	size_t nt = 0;
	for (; nt < json_array_size(tags); nt++) {
		json_t *tag = json_array_get(tags, nt);
		norm[nt] =
		        json_is_string(tag)
		                ? journal_tag_normalize(json_string_value(tag))
		                : NULL;
		if (!norm[nt]) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "tag %zu cannot be kept: a tag is text of up "
			         "to %d bytes, without commas or control "
			         "characters",
			         nt + 1, JOURNAL_TAG_MAX);
			goto out;
		}
	}
	if (!head || !body) {
		rc = 0; /* checked: nothing to build */
		goto out;
	}
	struct journal_entry e = {
	        .created = t->created,
	        .updated = t->updated,
	        .mood = m,
	        .tags = norm,
	        .ntags = nt,
	        .preview = make_preview(s, len),
	        .jrnl_time = json_integer_value(
	                json_object_get(rec, JOURNAL_JRNL_TIME)),
	};
	json_t *h = e.preview ? head_json(&e) : NULL;
	rc = !h || transfer_put_json(head, h) || strbuf_add(body, s, len) ? -1
	                                                                  : 0;
	if (rc)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	json_decref(h);
	wipe_free_str(e.preview);
out:
	for (size_t i = 0; i < nt; i++)
		wipe_free_str(norm[i]);
	return rc;
}

static int
journal_markdown(const struct transfer_codec *c, const json_t *rec,
                 struct strbuf *md)
{
	json_t *mood = json_object_get(rec, "mood");
	json_t *tags = json_object_get(rec, "tags");
	json_t *text = json_object_get(rec, "text");
	char num[64];
	bool meta = false;
	if (json_is_integer(mood)) {
		snprintf(num, sizeof(num), "Mood %lld (" JOURNAL_MOOD_SCALE ")",
		         (long long)json_integer_value(mood));
		if (strbuf_adds(md, num))
			return -1;
		meta = true;
	}
	for (size_t i = 0; i < json_array_size(tags); i++) {
		const char *tag = json_string_value(json_array_get(tags, i));
		if (!tag)
			continue;
		if (strbuf_adds(md, meta ? (i ? " #" : " · #") : "#") ||
		    transfer_put_clean(md, tag, strlen(tag), 0))
			return -1;
		meta = true;
	}
	if (meta && strbuf_adds(md, "\n\n"))
		return -1;
	const char *s = json_string_value(text);
	size_t len = json_string_length(text);
	if (s && (transfer_put_clean(md, s, len, UTIL_CLEAN_LINES) ||
	          (len && s[len - 1] != '\n' && strbuf_adds(md, "\n"))))
		return -1;
	return 0;
}

const struct record_kind journal_kind = {
        .name = JOURNAL_KIND,
        .title = "Journal entry",
        .what = "a journal entry",
        .flags = RECORD_LOCKED_WRITES | RECORD_OWN_STORAGE,
        .fields = journal_fields,
        .nfields = sizeof(journal_fields) / sizeof(journal_fields[0]),
        .codec = {&journal_kind, journal_encode, journal_decode,
                  journal_markdown, .decode_checks_alone = true},
};
