/*
 * Export, import and check (see transfer.h and docs/export-format.md).
 * Everything JSON goes through jansson; nothing here escapes or parses
 * JSON by hand.
 */
#include "transfer.h"

#include "dates.h"
#include "journal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SHORT_ID = 8, ISO_MAX = 40, KEY_BYTES = crypto_generichash_BYTES };

/* --- buffers --- */

int
transfer_buf_add(struct transfer_buf *b, const void *data, size_t n)
{
	if (n > SIZE_MAX / 2 - b->len - 1)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = malloc(cap);
		if (!p)
			return -1;
		if (b->p) {
			memcpy(p, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
transfer_buf_puts(struct transfer_buf *b, const char *s)
{
	return transfer_buf_add(b, s, strlen(s));
}

void
transfer_buf_release(struct transfer_buf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

static int
buf_dump_cb(const char *data, size_t size, void *arg)
{
	return transfer_buf_add(arg, data, size);
}

int
transfer_buf_json(struct transfer_buf *b, const json_t *j)
{
	return json_dump_callback(j, buf_dump_cb, b,
	                          JSON_COMPACT | JSON_ENCODE_ANY);
}

/* --- helpers for codecs --- */

int
transfer_head_times(const json_t *head, struct transfer_times *t)
{
	json_t *c = json_object_get(head, "created");
	json_t *u = json_object_get(head, "updated");
	if (!json_is_integer(c))
		return -1;
	t->created = (time_t)json_integer_value(c);
	t->updated =
	        json_is_integer(u) ? (time_t)json_integer_value(u) : t->created;
	return 0;
}

const char *
transfer_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "text";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true/false";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

bool
transfer_kind_ok(const char *kind)
{
	size_t n = strlen(kind);
	if (n == 0 || n >= TRANSFER_KIND_MAX || kind[0] < 'a' || kind[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') ||
		      (kind[i] >= '0' && kind[i] <= '9') || kind[i] == '-'))
			return false;
	return true;
}

/* --- times --- */

/* Exactly n digits at *p. */
static int
num(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* The character c at *p (never steps past the end). */
static int
lit(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

int
transfer_time_parse(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	if (num(&p, 4, &y) || lit(&p, '-') || num(&p, 2, &mo) || lit(&p, '-') ||
	    num(&p, 2, &d) || lit(&p, 'T') || num(&p, 2, &h) || lit(&p, ':') ||
	    num(&p, 2, &mi) || lit(&p, ':') || num(&p, 2, &sec))
		return -1;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (num(&p, 2, &oh) || lit(&p, ':') || num(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p || y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return -1;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	/* timegm normalises 2026-02-30 to March 2: refuse such days. */
	if (tm.tm_mon != mo - 1 || tm.tm_mday != d)
		return -1;
	t -= sign * (oh * 3600 + om * 60);
	/* Only times that date_format_iso() writes so that they read back. */
	if (t < DATE_MIN || t > DATE_MAX)
		return -1;
	*out = t;
	return 0;
}

/* --- the raw form, for kinds without a codec --- */

static const char *const raw_fields[] = {"head", "body", NULL};

static int
raw_encode(const unsigned char *head, size_t headlen, const unsigned char *body,
           size_t bodylen, struct transfer_times *t, json_t *fields, char *err)
{
	json_error_t jerr;
	json_t *h = json_loadb((const char *)head, headlen, 0, &jerr);
	json_t *text = NULL;
	int rc = -1;
	if (!json_is_object(h) || transfer_head_times(h, t) != 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its head is not a JSON object with a created time");
		goto out;
	}
	/* A body that is a JSON object (as trigger records have) is shown
	 * as one; any other body as text. */
	text = json_loadb((const char *)body, bodylen, JSON_REJECT_DUPLICATES,
	                  &jerr);
	if (!json_is_object(text)) {
		json_decref(text);
		text = json_stringn((const char *)body, bodylen);
	}
	if (!text) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its body is not UTF-8 text (or holds a NUL byte)");
		goto out;
	}
	if (json_object_set(fields, "head", h) ||
	    json_object_set(fields, "body", text)) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_decref(h);
	json_decref(text);
	return rc;
}

static int
raw_decode(const json_t *rec, const struct transfer_times *t,
           struct transfer_buf *head, struct transfer_buf *body, char *err)
{
	json_t *h = json_object_get(rec, "head");
	json_t *b = json_object_get(rec, "body");
	if (!json_is_object(h) || !(json_is_string(b) || json_is_object(b))) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "a record of this kind needs a \"head\" object and "
		         "a \"body\" (text or an object)");
		return -1;
	}
	json_t *copy = json_deep_copy(h);
	/* The record's times win; a head without "updated" keeps none when
	 * nothing was updated, so the stored head comes back unchanged. */
	bool updated =
	        json_object_get(h, "updated") || t->updated != t->created;
	int rc = !copy ||
	         json_object_set_new(copy, "created",
	                             json_integer(t->created)) ||
	         (updated && json_object_set_new(copy, "updated",
	                                         json_integer(t->updated))) ||
	         transfer_buf_json(head, copy) ||
	         (json_is_string(b)
	                  ? transfer_buf_add(body, json_string_value(b),
	                                     json_string_length(b))
	                  : transfer_buf_json(body, b));
	json_decref(copy);
	if (rc) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return -1;
	}
	return 0;
}

/* A value for people: text as is, a list of texts joined by commas, any
 * other value as compact JSON. */
static int
md_value(struct transfer_buf *md, const json_t *val)
{
	if (json_is_string(val))
		return transfer_buf_add(md, json_string_value(val),
		                        json_string_length(val));
	if (json_is_array(val)) {
		bool texts = true;
		for (size_t i = 0; i < json_array_size(val); i++)
			texts &= json_is_string(json_array_get(val, i));
		for (size_t i = 0; texts && i < json_array_size(val); i++)
			if ((i && transfer_buf_puts(md, ", ")) ||
			    md_value(md, json_array_get(val, i)))
				return -1;
		if (texts)
			return 0;
	}
	return transfer_buf_json(md, val);
}

/* "- key: value" lines for an object's fields, leaving out the version,
 * the times (already in the heading) and empty values. */
static int
md_fields(struct transfer_buf *md, const json_t *o)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)o, key, val)
	{
		if (!strcmp(key, "v") || !strcmp(key, "created") ||
		    !strcmp(key, "updated") || json_is_null(val) ||
		    (json_is_array(val) && json_array_size(val) == 0))
			continue;
		if (transfer_buf_puts(md, "- ") || transfer_buf_puts(md, key) ||
		    transfer_buf_puts(md, ": ") || md_value(md, val) ||
		    transfer_buf_puts(md, "\n"))
			return -1;
	}
	return 0;
}

static int
raw_markdown(const json_t *rec, struct transfer_buf *md)
{
	json_t *b = json_object_get(rec, "body");
	const char *s = json_string_value(b);
	size_t len = json_string_length(b);
	if (md_fields(md, json_object_get(rec, "head")))
		return -1;
	if (json_is_object(b))
		return md_fields(md, b);
	if (len &&
	    (transfer_buf_puts(md, "\n") || transfer_buf_add(md, s, len) ||
	     (s[len - 1] != '\n' && transfer_buf_puts(md, "\n"))))
		return -1;
	return 0;
}

static const struct transfer_codec raw_codec = {
        "", "", raw_fields, raw_encode, raw_decode, raw_markdown,
};

static const struct transfer_codec *
codec_or_raw(const char *kind)
{
	const struct transfer_codec *c = transfer_codec_find(kind);
	return c ? c : &raw_codec;
}

/* Encode a stored record with its kind's codec into a new fields object. */
static json_t *
encode_item(const char *kind, const unsigned char *head, size_t headlen,
            const unsigned char *body, size_t bodylen, struct transfer_times *t,
            char *err)
{
	/* Import refuses NUL bytes in text, so export must not write them
	 * (json_stringn() keeps them). */
	if (bodylen && memchr(body, '\0', bodylen)) {
		snprintf(err, TRANSFER_ERR_MAX, "its body holds a NUL byte");
		return NULL;
	}
	json_t *fields = json_object();
	if (!fields) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return NULL;
	}
	const struct transfer_codec *codec = codec_or_raw(kind);
	if (codec->encode(head, headlen, body, bodylen, t, fields, err) != 0) {
		json_decref(fields);
		return NULL;
	}
	/* A time the export could not write so that it reads back. */
	if (t->created < DATE_MIN || t->created > DATE_MAX ||
	    t->updated < DATE_MIN || t->updated > DATE_MAX) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "its times lie outside the years selfhelp can write");
		json_decref(fields);
		return NULL;
	}
	/* Import must take back every record export writes: one it refuses
	 * would make the whole file unimportable. */
	struct transfer_buf h = {0}, b = {0};
	int refused = codec->decode(fields, t, &h, &b, err);
	transfer_buf_release(&h);
	transfer_buf_release(&b);
	if (refused) {
		json_decref(fields);
		return NULL;
	}
	return fields;
}

/* --- export --- */

struct export_item {
	time_t created;
	const char *id; /* borrowed from rec */
	json_t *rec;
};

struct export_ctx {
	const struct transfer_filter *f;
	struct export_item *items;
	size_t n, cap;
	transfer_problem_fn problem;
	void *arg;
	char *err;
};

static bool
kind_selected(const struct transfer_filter *f, const char *kind)
{
	if (!f || !f->kinds)
		return true;
	for (size_t i = 0; i < f->nkinds; i++)
		if (strcmp(f->kinds[i], kind) == 0)
			return true;
	return false;
}

static json_t *
iso_string(time_t t)
{
	char iso[ISO_MAX];
	date_format_iso(t, iso, sizeof(iso));
	return json_string(iso);
}

/* {"id", "kind", "created", "updated", ...fields}; steals nothing. */
static json_t *
make_record(const char *id, const char *kind, const struct transfer_times *t,
            json_t *fields)
{
	json_t *rec = json_object();
	const char *key;
	json_t *val;
	if (!rec || json_object_set_new(rec, "id", json_string(id)) ||
	    json_object_set_new(rec, "kind", json_string(kind)) ||
	    json_object_set_new(rec, "created", iso_string(t->created)) ||
	    json_object_set_new(rec, "updated", iso_string(t->updated)))
		goto fail;
	json_object_foreach(fields, key,
	                    val) if (json_object_set(rec, key, val)) goto fail;
	return rec;
fail:
	json_decref(rec);
	return NULL;
}

static int
export_cb(void *arg, const struct vault_item *it)
{
	struct export_ctx *c = arg;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	if (!kind_selected(c->f, it->kind))
		return 0;
	if (it->damaged) {
		if (c->problem)
			c->problem(c->arg, it->id, it->kind,
			           "it does not authenticate (damaged, or "
			           "changed outside selfhelp)");
		return 0;
	}
	json_t *fields = encode_item(it->kind, it->head, it->headlen, it->body,
	                             it->bodylen, &t, why);
	if (!fields) {
		if (c->problem)
			c->problem(c->arg, it->id, it->kind, why);
		return 0;
	}
	if ((c->f && c->f->since && t.created < c->f->since) ||
	    (c->f && c->f->until && t.created > c->f->until)) {
		json_decref(fields);
		return 0;
	}
	json_t *rec = make_record(it->id, it->kind, &t, fields);
	json_decref(fields);
	if (!rec)
		goto oom;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct export_item *ni = realloc(c->items, cap * sizeof(*ni));
		if (!ni) {
			json_decref(rec);
			goto oom;
		}
		c->items = ni;
		c->cap = cap;
	}
	c->items[c->n].created = t.created;
	c->items[c->n].rec = rec;
	c->items[c->n].id = json_string_value(json_object_get(rec, "id"));
	c->n++;
	return 0;
oom:
	snprintf(c->err, TRANSFER_ERR_MAX, "out of memory");
	return 1;
}

static int
by_created(const void *a, const void *b)
{
	const struct export_item *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
transfer_export(struct vault *v, const struct transfer_filter *f, time_t now,
                json_t **doc, transfer_problem_fn problem, void *arg, char *err)
{
	struct export_ctx c = {
	        .f = f, .problem = problem, .arg = arg, .err = err};
	json_t *records = NULL, *root = NULL;
	int rc;
	*doc = NULL;
	err[0] = '\0';
	rc = vault_each(v, NULL, VAULT_EACH_BODY, export_cb, &c);
	if (rc) {
		if (!err[0])
			snprintf(err, TRANSFER_ERR_MAX, "%s", vault_errmsg(v));
		rc = TRANSFER_ERROR;
		goto out;
	}
	if (c.n)
		qsort(c.items, c.n, sizeof(*c.items), by_created);
	records = json_array();
	root = json_object();
	if (!records || !root)
		goto oom;
	for (size_t i = 0; i < c.n; i++)
		if (json_array_append(records, c.items[i].rec))
			goto oom;
	if (json_object_set_new(root, "selfhelp_export",
	                        json_integer(TRANSFER_VERSION)) ||
	    json_object_set_new(root, "exported", iso_string(now)) ||
	    json_object_set(root, "records", records))
		goto oom;
	*doc = root;
	root = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	rc = TRANSFER_ERROR;
out:
	for (size_t i = 0; i < c.n; i++)
		json_decref(c.items[i].rec);
	free(c.items);
	json_decref(records);
	json_decref(root);
	return rc;
}

/* --- Markdown --- */

int
transfer_markdown(const json_t *doc, struct transfer_buf *out, char *err)
{
	json_t *records = json_object_get(doc, "records");
	const char *exported =
	        json_string_value(json_object_get(doc, "exported"));
	char when[32];
	time_t t;
	if (transfer_buf_puts(out, "# selfhelp export\n\n"))
		goto oom;
	if (exported && transfer_time_parse(exported, &t) == 0) {
		date_format_local(t, when, sizeof(when));
		if (transfer_buf_puts(out, "Written ") ||
		    transfer_buf_puts(out, when) ||
		    transfer_buf_puts(out, ". "))
			goto oom;
	}
	if (transfer_buf_puts(out, "This file is not encrypted: anyone who "
	                           "opens it can read it.\n"))
		goto oom;
	if (json_array_size(records) == 0 &&
	    transfer_buf_puts(out, "\nThere are no records in this "
	                           "selection.\n"))
		goto oom;
	for (size_t i = 0; i < json_array_size(records); i++) {
		json_t *rec = json_array_get(records, i);
		const char *kind =
		        json_string_value(json_object_get(rec, "kind"));
		const char *created =
		        json_string_value(json_object_get(rec, "created"));
		const struct transfer_codec *codec;
		if (!kind || !created || transfer_time_parse(created, &t)) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "record %zu has no kind or created time",
			         i + 1);
			return TRANSFER_ERROR;
		}
		codec = transfer_codec_find(kind);
		date_format_local(t, when, sizeof(when));
		if (transfer_buf_puts(out, "\n## ") ||
		    transfer_buf_puts(out, when) ||
		    transfer_buf_puts(out, " · ") ||
		    transfer_buf_puts(out, codec ? codec->title : kind) ||
		    transfer_buf_puts(out, "\n\n") ||
		    (codec ? codec : &raw_codec)->markdown(rec, out))
			goto oom;
	}
	return 0;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return TRANSFER_ERROR;
}

/* --- parsing an import document --- */

struct transfer_rec {
	char id[VAULT_ID_HEX + 1]; /* "" for jrnl: a fresh id */
	char kind[TRANSFER_KIND_MAX];
	struct transfer_times t;
	struct transfer_buf head, body;
	unsigned char key[KEY_BYTES]; /* jrnl: hash of the text */
	bool repeat;                  /* jrnl: same as an earlier entry */
};

struct transfer_doc {
	enum transfer_format format;
	struct transfer_rec *recs;
	size_t n;
};

void
transfer_doc_free(struct transfer_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		transfer_buf_release(&d->recs[i].head);
		transfer_buf_release(&d->recs[i].body);
	}
	free(d->recs);
	free(d);
}

enum transfer_format
transfer_doc_format(const struct transfer_doc *d)
{
	return d->format;
}

size_t
transfer_doc_count(const struct transfer_doc *d)
{
	return d->n;
}

static int
syntax_error(const json_error_t *e, char *err)
{
	switch (json_error_code(e)) {
	case json_error_invalid_utf8:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d holds bytes that are not UTF-8 text "
		         "(selfhelp reads UTF-8 only)",
		         e->line);
		break;
	case json_error_premature_end_of_input:
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file ends early, on line %d (was it cut short?)",
		         e->line);
		break;
	case json_error_end_of_input_expected:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d, column %d: there is more after the end of "
		         "the JSON document",
		         e->line, e->column);
		break;
	case json_error_numeric_overflow:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d, column %d holds a number too large to read",
		         e->line, e->column);
		break;
	case json_error_null_character:
	case json_error_null_byte_in_key:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d holds a NUL character (\\u0000), which "
		         "selfhelp does not store",
		         e->line);
		break;
	case json_error_duplicate_key:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d: the same key appears twice in one object",
		         e->line);
		break;
	case json_error_stack_overflow:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d: the JSON nests too deeply to read", e->line);
		break;
	case json_error_out_of_memory:
		snprintf(err, TRANSFER_ERR_MAX,
		         "there was not enough memory to read the file");
		return TRANSFER_ERROR;
	default:
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d, column %d does not read as JSON", e->line,
		         e->column);
	}
	return TRANSFER_UNREADABLE;
}

/* Append s to the message in err, cut to fit. */
static void
append(char *err, const char *s)
{
	size_t n = strlen(err), m = strlen(s);
	if (m > TRANSFER_ERR_MAX - 1 - n)
		m = TRANSFER_ERR_MAX - 1 - n;
	memcpy(err + n, s, m);
	err[n + m] = '\0';
}

static bool
key_allowed(const char *key, const char *const *fields)
{
	static const char *const common[] = {"id", "kind", "created", "updated",
	                                     NULL};
	for (size_t i = 0; common[i]; i++)
		if (strcmp(key, common[i]) == 0)
			return true;
	for (size_t i = 0; fields[i]; i++)
		if (strcmp(key, fields[i]) == 0)
			return true;
	return false;
}

static int
time_field(const json_t *rec, const char *name, time_t *out)
{
	json_t *j = json_object_get(rec, name);
	return json_is_string(j) && transfer_time_parse(json_string_value(j),
	                                                out) == 0
	               ? 0
	               : -1;
}

/* One record of a selfhelp export into r; err gets the reason. */
static int
parse_record(const json_t *rec, size_t idx, struct transfer_rec *r, char *err)
{
	char why[TRANSFER_ERR_MAX];
	const char *key;
	json_t *val;
	if (!json_is_object(rec)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu is %s, where selfhelp expects an object",
		         idx, transfer_type_name(rec));
		return TRANSFER_UNREADABLE;
	}
	const char *id = json_string_value(json_object_get(rec, "id"));
	if (!id || !vault_id_ok(id)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu has no id selfhelp can use (32 "
		         "lower-case hex digits)",
		         idx);
		return TRANSFER_UNREADABLE;
	}
	memcpy(r->id, id, VAULT_ID_HEX + 1);
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	if (!kind || !transfer_kind_ok(kind)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu (id %.*s) has no kind selfhelp can use",
		         idx, SHORT_ID, id);
		return TRANSFER_UNREADABLE;
	}
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	const struct transfer_codec *codec = transfer_codec_find(kind);
	if (!codec && !json_object_get(rec, "head")) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu (id %.*s) is a \"%s\" record, which this "
		         "selfhelp does not know; a newer selfhelp can import "
		         "it",
		         idx, SHORT_ID, id, kind);
		return TRANSFER_NEWER;
	}
	if (!codec)
		codec = &raw_codec;
	json_object_foreach((json_t *)rec, key, val)
	{
		if (!key_allowed(key, codec->fields)) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "record %zu (id %.*s) has a field \"%s\" "
			         "that this selfhelp does not know; a newer "
			         "selfhelp may",
			         idx, SHORT_ID, id, key);
			return TRANSFER_NEWER;
		}
	}
	if (time_field(rec, "created", &r->t.created)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu (id %.*s) has no created time selfhelp "
		         "can read (like 2026-11-26T14:30:00+01:00)",
		         idx, SHORT_ID, id);
		return TRANSFER_UNREADABLE;
	}
	r->t.updated = r->t.created;
	if (json_object_get(rec, "updated") &&
	    time_field(rec, "updated", &r->t.updated)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu (id %.*s) has an updated time selfhelp "
		         "cannot read (like 2026-11-26T14:30:00+01:00)",
		         idx, SHORT_ID, id);
		return TRANSFER_UNREADABLE;
	}
	if (codec->decode(rec, &r->t, &r->head, &r->body, why) != 0) {
		snprintf(err, TRANSFER_ERR_MAX, "record %zu (id %.*s): ", idx,
		         SHORT_ID, id);
		append(err, why);
		return strcmp(why, "out of memory") == 0 ? TRANSFER_ERROR
		                                         : TRANSFER_UNREADABLE;
	}
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct transfer_rec *const *x = a, *const *y = b;
	int c = strcmp((*x)->id, (*y)->id);
	if (c)
		return c;
	return *x < *y ? -1 : *x > *y;
}

static int
parse_selfhelp(const json_t *root, struct transfer_doc *d, char *err)
{
	json_t *ver = json_object_get(root, "selfhelp_export");
	json_t *records = json_object_get(root, "records");
	if (!json_is_integer(ver) || json_integer_value(ver) < 1) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "\"selfhelp_export\" is %s, where selfhelp expects "
		         "the version number %d",
		         transfer_type_name(ver), TRANSFER_VERSION);
		return TRANSFER_UNREADABLE;
	}
	if (json_integer_value(ver) > TRANSFER_VERSION) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file was written by a newer selfhelp (export "
		         "version %lld; this one reads version %d), which can "
		         "import it",
		         (long long)json_integer_value(ver), TRANSFER_VERSION);
		return TRANSFER_NEWER;
	}
	if (!json_is_array(records)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file has no list of \"records\"");
		return TRANSFER_UNREADABLE;
	}
	d->format = TRANSFER_SELFHELP;
	size_t n = json_array_size(records);
	d->recs = calloc(n ? n : 1, sizeof(*d->recs));
	if (!d->recs)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		int rc = parse_record(json_array_get(records, i), i + 1,
		                      &d->recs[i], err);
		d->n = i + 1;
		if (rc)
			return rc;
	}
	/* The same id twice would make the import depend on order. */
	struct transfer_rec **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (!sorted)
		goto oom;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &d->recs[i];
	qsort(sorted, n, sizeof(*sorted), by_id);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(sorted[i - 1]->id, sorted[i]->id) == 0) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "records %zu and %zu have the same id %s",
			         (size_t)(sorted[i - 1] - d->recs) + 1,
			         (size_t)(sorted[i] - d->recs) + 1,
			         sorted[i]->id);
			free(sorted);
			return TRANSFER_UNREADABLE;
		}
	}
	free(sorted);
	return 0;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return TRANSFER_ERROR;
}

/* --- jrnl --- */

/* "YYYY-MM-DD" and "HH:MM", exactly. */
static bool
jrnl_shape(const char *date, const char *hm)
{
	static const char dshape[] = "dddd-dd-dd", tshape[] = "dd:dd";
	if (strlen(date) != sizeof(dshape) - 1 ||
	    strlen(hm) != sizeof(tshape) - 1)
		return false;
	for (size_t i = 0; date[i]; i++)
		if (dshape[i] == 'd' ? (date[i] < '0' || date[i] > '9')
		                     : date[i] != dshape[i])
			return false;
	for (size_t i = 0; hm[i]; i++)
		if (tshape[i] == 'd' ? (hm[i] < '0' || hm[i] > '9')
		                     : hm[i] != tshape[i])
			return false;
	return true;
}

/* jrnl's tags ("@work"), normalised, without repeats, plus "starred". */
static int
jrnl_tags(const json_t *entry, json_t *out, char *why)
{
	json_t *tags = json_object_get(entry, "tags");
	json_t *starred = json_object_get(entry, "starred");
	if (tags && !json_is_array(tags)) {
		snprintf(why, TRANSFER_ERR_MAX,
		         "\"tags\" is %s; selfhelp expects a list of tags",
		         transfer_type_name(tags));
		return TRANSFER_UNREADABLE;
	}
	if (starred && !json_is_boolean(starred)) {
		snprintf(why, TRANSFER_ERR_MAX,
		         "\"starred\" is %s; selfhelp expects true or "
		         "false",
		         transfer_type_name(starred));
		return TRANSFER_UNREADABLE;
	}
	size_t n = json_array_size(tags);
	for (size_t i = 0; i <= n; i++) {
		const char *t;
		if (i < n) {
			t = json_string_value(json_array_get(tags, i));
			if (!t) {
				snprintf(why, TRANSFER_ERR_MAX,
				         "tag %zu is not text", i + 1);
				return TRANSFER_UNREADABLE;
			}
			while (*t == '@')
				t++;
		} else if (json_is_true(starred)) {
			t = "starred";
		} else {
			break;
		}
		char *norm = journal_tag_normalize(t);
		if (!norm) {
			snprintf(why, TRANSFER_ERR_MAX,
			         "tag %zu cannot be kept: a tag is text of up "
			         "to %d bytes, without commas or control "
			         "characters",
			         i + 1, JOURNAL_TAG_MAX);
			return TRANSFER_UNREADABLE;
		}
		bool seen = false;
		for (size_t j = 0; j < json_array_size(out); j++)
			if (!strcmp(json_string_value(json_array_get(out, j)),
			            norm))
				seen = true;
		int failed =
		        !seen && json_array_append_new(out, json_string(norm));
		free(norm);
		if (failed)
			return TRANSFER_ERROR;
	}
	return 0;
}

/* jrnl's title and body as one text: title, blank line, body. */
static int
jrnl_text(const json_t *entry, struct transfer_buf *text, char *why)
{
	json_t *title = json_object_get(entry, "title");
	json_t *body = json_object_get(entry, "body");
	if ((title && !json_is_string(title)) ||
	    (body && !json_is_string(body))) {
		snprintf(why, TRANSFER_ERR_MAX,
		         "\"%s\" is %s; selfhelp expects text",
		         title && !json_is_string(title) ? "title" : "body",
		         transfer_type_name(title && !json_is_string(title)
		                                    ? title
		                                    : body));
		return TRANSFER_UNREADABLE;
	}
	size_t tl = json_string_length(title), bl = json_string_length(body);
	if (transfer_buf_add(text, json_string_value(title), tl) ||
	    (tl && bl && transfer_buf_puts(text, "\n\n")) ||
	    transfer_buf_add(text, json_string_value(body), bl))
		return TRANSFER_ERROR;
	return 0;
}

static int
parse_jrnl_entry(const json_t *entry, size_t idx, struct transfer_rec *r,
                 char *err)
{
	char why[TRANSFER_ERR_MAX], when[32];
	struct transfer_buf text = {0};
	json_t *rec = NULL, *tags = NULL, *jtext = NULL;
	int rc;
	if (!json_is_object(entry)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "entry %zu is %s, where selfhelp expects an object",
		         idx, transfer_type_name(entry));
		return TRANSFER_UNREADABLE;
	}
	const char *date = json_string_value(json_object_get(entry, "date"));
	const char *hm = json_string_value(json_object_get(entry, "time"));
	if (!date || !hm || !jrnl_shape(date, hm)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "entry %zu has no \"date\" and \"time\" selfhelp can "
		         "read (like \"2024-01-02\" and \"09:15\")",
		         idx);
		return TRANSFER_UNREADABLE;
	}
	snprintf(when, sizeof(when), "%s %s", date, hm);
	if (date_parse(when, 0, DATE_START, &r->t.created) != 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "entry %zu has the date %s, which names no real day "
		         "and time",
		         idx, when);
		return TRANSFER_UNREADABLE;
	}
	r->t.updated = r->t.created;
	snprintf(r->kind, sizeof(r->kind), "%s", JOURNAL_KIND);
	why[0] = '\0';
	if ((rc = jrnl_text(entry, &text, why)))
		goto out;
	if (!(tags = json_array()) || !(rec = json_object())) {
		rc = TRANSFER_ERROR;
		goto out;
	}
	if ((rc = jrnl_tags(entry, tags, why)))
		goto out;
	jtext = json_stringn(text.p, text.len);
	if (!jtext || json_object_set_new(rec, "mood", json_null()) ||
	    json_object_set(rec, "tags", tags) ||
	    json_object_set(rec, "text", jtext)) {
		rc = TRANSFER_ERROR;
		goto out;
	}
	if (transfer_codec_find(JOURNAL_KIND)
	            ->decode(rec, &r->t, &r->head, &r->body, why)) {
		rc = strcmp(why, "out of memory") ? TRANSFER_UNREADABLE
		                                  : TRANSFER_ERROR;
		goto out;
	}
	crypto_generichash(r->key, sizeof(r->key),
	                   (const unsigned char *)r->body.p, r->body.len, NULL,
	                   0);
	rc = 0;
out:
	if (rc) {
		snprintf(err, TRANSFER_ERR_MAX, "entry %zu (%s): ", idx, when);
		append(err, why[0] ? why : "could not be read (out of memory)");
	}
	transfer_buf_release(&text);
	json_decref(jtext);
	json_decref(tags);
	json_decref(rec);
	return rc;
}

static int
by_key(const void *a, const void *b)
{
	const struct transfer_rec *const *x = a, *const *y = b;
	if ((*x)->t.created != (*y)->t.created)
		return (*x)->t.created < (*y)->t.created ? -1 : 1;
	int c = memcmp((*x)->key, (*y)->key, KEY_BYTES);
	if (c)
		return c;
	return *x < *y ? -1 : *x > *y;
}

static int
parse_jrnl(const json_t *root, struct transfer_doc *d, char *err)
{
	json_t *entries = json_object_get(root, "entries");
	size_t n = json_array_size(entries);
	d->format = TRANSFER_JRNL;
	d->recs = calloc(n ? n : 1, sizeof(*d->recs));
	if (!d->recs)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		int rc = parse_jrnl_entry(json_array_get(entries, i), i + 1,
		                          &d->recs[i], err);
		d->n = i + 1;
		if (rc)
			return rc;
	}
	/* Mark entries that repeat an earlier one (same time and text). */
	struct transfer_rec **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (!sorted)
		goto oom;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &d->recs[i];
	qsort(sorted, n, sizeof(*sorted), by_key);
	for (size_t i = 1; i < n; i++)
		if (sorted[i]->t.created == sorted[i - 1]->t.created &&
		    memcmp(sorted[i]->key, sorted[i - 1]->key, KEY_BYTES) == 0)
			sorted[i]->repeat = true;
	free(sorted);
	return 0;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return TRANSFER_ERROR;
}

int
transfer_parse(const char *buf, size_t len, struct transfer_doc **out,
               char *err)
{
	json_error_t jerr;
	json_t *root;
	struct transfer_doc *d;
	int rc;
	*out = NULL;
	err[0] = '\0';
	if (len == 0) {
		snprintf(err, TRANSFER_ERR_MAX, "the file is empty");
		return TRANSFER_UNREADABLE;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return syntax_error(&jerr, err);
	if (!json_is_object(root)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file holds %s, and a selfhelp or jrnl export is "
		         "a JSON object",
		         transfer_type_name(root));
		json_decref(root);
		return TRANSFER_UNREADABLE;
	}
	if (!(d = calloc(1, sizeof(*d)))) {
		json_decref(root);
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	if (json_object_get(root, "selfhelp_export")) {
		rc = parse_selfhelp(root, d, err);
	} else if (json_is_array(json_object_get(root, "entries"))) {
		rc = parse_jrnl(root, d, err);
	} else {
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file is neither a selfhelp export nor a jrnl "
		         "JSON export (it has no \"selfhelp_export\" or "
		         "\"entries\")");
		rc = TRANSFER_UNREADABLE;
	}
	json_decref(root);
	if (rc) {
		transfer_doc_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* --- import --- */

struct jkey {
	time_t created;
	unsigned char key[KEY_BYTES];
};

struct jkeys {
	struct jkey *k;
	size_t n, cap;
	bool oom;
};

static int
jkey_cmp(const void *a, const void *b)
{
	const struct jkey *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return memcmp(x->key, y->key, KEY_BYTES);
}

/* Collect (created, hash of text) of the vault's journal entries. */
static int
jkey_cb(void *arg, const struct vault_item *it)
{
	struct jkeys *s = arg;
	struct transfer_times t;
	json_error_t jerr;
	if (it->damaged)
		return 0;
	json_t *h = json_loadb((const char *)it->head, it->headlen, 0, &jerr);
	int bad = !json_is_object(h) || transfer_head_times(h, &t) != 0;
	json_decref(h);
	if (bad)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct jkey *nk = realloc(s->k, cap * sizeof(*nk));
		if (!nk) {
			s->oom = true;
			return 1;
		}
		s->k = nk;
		s->cap = cap;
	}
	s->k[s->n].created = t.created;
	crypto_generichash(s->k[s->n].key, KEY_BYTES, it->body, it->bodylen,
	                   NULL, 0);
	s->n++;
	return 0;
}

struct same_ctx {
	const struct transfer_rec *r;
	bool same;
	bool oom;
};

/* Is the stored record the same as the one to import, field by field? */
static int
same_cb(void *arg, const struct vault_item *it)
{
	struct same_ctx *c = arg;
	struct transfer_times ta, tb;
	char why[TRANSFER_ERR_MAX];
	c->same = false;
	if (it->damaged)
		return 0;
	json_t *a = encode_item(it->kind, it->head, it->headlen, it->body,
	                        it->bodylen, &ta, why);
	json_t *b = encode_item(
	        c->r->kind, (const unsigned char *)c->r->head.p, c->r->head.len,
	        (const unsigned char *)c->r->body.p, c->r->body.len, &tb, why);
	if (!b && strcmp(why, "out of memory") == 0)
		c->oom = true;
	c->same = a && b && ta.created == tb.created &&
	          ta.updated == tb.updated && json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return 0;
}

static void
add_conflict(struct transfer_result *res, const char *id)
{
	if (res->nconflicts < TRANSFER_CONFLICTS_MAX)
		memcpy(res->conflicts[res->nconflicts], id, VAULT_ID_HEX + 1);
	res->nconflicts++;
}

static int
vault_failed(struct vault *v, char *err)
{
	snprintf(err, TRANSFER_ERR_MAX, "%s", vault_errmsg(v));
	return TRANSFER_ERROR;
}

static int
import_one(struct vault *v, const struct transfer_rec *r,
           struct transfer_result *res, char *err)
{
	struct same_ctx c = {.r = r};
	int rc = vault_get(v, r->id, r->kind, same_cb, &c);
	if (rc == VAULT_NOT_FOUND) {
		rc = vault_insert(v, r->id, r->kind, r->head.p, r->head.len,
		                  r->body.p, r->body.len);
		if (rc == VAULT_EXISTS) {
			add_conflict(res, r->id); /* there as another kind */
			return 0;
		}
		if (rc)
			return vault_failed(v, err);
		res->added++;
		return 0;
	}
	if (rc)
		return vault_failed(v, err);
	if (c.oom) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	if (c.same)
		res->skipped++;
	else
		add_conflict(res, r->id);
	return 0;
}

int
transfer_import(struct vault *v, const struct transfer_doc *d,
                struct transfer_result *res, char *err)
{
	struct jkeys keys = {0};
	char id[VAULT_ID_HEX + 1];
	int rc = 0;
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	if (d->format == TRANSFER_JRNL) {
		rc = vault_each(v, JOURNAL_KIND, VAULT_EACH_BODY, jkey_cb,
		                &keys);
		if (rc) {
			if (keys.oom)
				snprintf(err, TRANSFER_ERR_MAX,
				         "out of memory");
			else
				vault_failed(v, err);
			rc = TRANSFER_ERROR;
			goto out;
		}
		if (keys.n)
			qsort(keys.k, keys.n, sizeof(*keys.k), jkey_cmp);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct transfer_rec *r = &d->recs[i];
		if (d->format == TRANSFER_SELFHELP) {
			if ((rc = import_one(v, r, res, err)))
				goto out;
			continue;
		}
		struct jkey k = {.created = r->t.created};
		memcpy(k.key, r->key, KEY_BYTES);
		if (r->repeat ||
		    (keys.n &&
		     bsearch(&k, keys.k, keys.n, sizeof(*keys.k), jkey_cmp))) {
			res->skipped++;
			continue;
		}
		if (vault_put(v, NULL, r->kind, r->head.p, r->head.len,
		              r->body.p, r->body.len, id)) {
			rc = vault_failed(v, err);
			goto out;
		}
		res->added++;
	}
	if (res->nconflicts) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "%zu record%s in the file %s the same id as a record "
		         "in the vault but other content (first: %s)",
		         res->nconflicts, res->nconflicts == 1 ? "" : "s",
		         res->nconflicts == 1 ? "has" : "have",
		         res->conflicts[0]);
		rc = TRANSFER_CONFLICT;
	}
out:
	free(keys.k);
	return rc;
}

/* --- check --- */

struct check_ctx {
	struct transfer_check_result *res;
	size_t cap;
	bool oom;
};

static int
check_cb(void *arg, const struct vault_item *it)
{
	struct check_ctx *c = arg;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	if (!it->damaged) {
		json_t *fields = encode_item(it->kind, it->head, it->headlen,
		                             it->body, it->bodylen, &t, why);
		if (fields) {
			json_decref(fields);
			c->res->fine++;
			return 0;
		}
		if (strcmp(why, "out of memory") == 0) {
			c->oom = true;
			return 1;
		}
	}
	if (c->res->ndamaged == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct transfer_damaged *nd =
		        realloc(c->res->damaged, cap * sizeof(*nd));
		if (!nd) {
			c->oom = true;
			return 1;
		}
		c->res->damaged = nd;
		c->cap = cap;
	}
	struct transfer_damaged *dm = &c->res->damaged[c->res->ndamaged++];
	snprintf(dm->id, sizeof(dm->id), "%s", it->id);
	snprintf(dm->kind, sizeof(dm->kind), "%s", it->kind);
	return 0;
}

int
transfer_check(struct vault *v, struct transfer_check_result *res, char *err)
{
	struct check_ctx c = {.res = res};
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	int rc = vault_each(v, NULL, VAULT_EACH_BODY, check_cb, &c);
	if (c.oom) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	if (rc)
		return vault_failed(v, err);
	return 0;
}

void
transfer_check_release(struct transfer_check_result *res)
{
	free(res->damaged);
	res->damaged = NULL;
	res->ndamaged = res->fine = 0;
}
