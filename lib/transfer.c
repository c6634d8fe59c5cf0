/*
 * Export, import and check (see transfer.h and doc/export-format.md).
 * JSON is parsed by jansson. Three things are done by hand, for the speed
 * of a large export, and are checked against jansson by the unit tests:
 * writing JSON (put_json: the same bytes jansson writes), finding a
 * stored head's "created" to sort by (head_created, which gives up and
 * leaves it to the codec whenever it is unsure), and writing a journal
 * entry straight from its stored head and text (export_journal_direct,
 * which gives up likewise and leaves it to the codec).
 */
#include "transfer.h"

#include "dates.h"
#include "journal.h"
#include "record.h"
#include "util.h"
#include "wipe.h"

#include <sodium.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { SHORT_ID = 8, ISO_MAX = 40, KEY_BYTES = crypto_generichash_BYTES };

/* --- buffers --- */

/* Room for n more bytes (and the NUL). Returns 0, or -1. */
/* A record written while the vault was locked says so (export format). */
#define LOCKED_KEY   "written_while_locked"
#define CONFLICT_KEY "conflict_copy"

int
transfer_put_clean(struct strbuf *b, const char *s, size_t len, unsigned flags)
{
	if (len > SIZE_MAX / 8 || !strbuf_grow(b, UTIL_CLEAN_SIZE(len)))
		return -1;
	b->len += util_clean(b->p + b->len, s, len, flags);
	return 0;
}

/* --- writing JSON --- */

/*
 * JSON is written by this small writer rather than by jansson's
 * json_dump_callback, which checks the UTF-8 of every character once more
 * and was most of the cost of a large export. It writes the same bytes
 * as jansson with JSON_COMPACT or with JSON_INDENT(JSON_WRITE_INDENT)
 * (the unit tests compare the two); numbers with a fraction are left to
 * jansson. Strings made by jansson are valid UTF-8, so only '"', '\' and
 * control characters need escapes.
 */
enum { JSON_WRITE_INDENT = 2 };

/* A line break and `depth` levels of indentation. */
static int
put_indent(struct strbuf *b, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * JSON_WRITE_INDENT;
	if (strbuf_add(b, "\n", 1))
		return -1;
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		if (strbuf_add(b, spaces, sizeof(spaces) - 1))
			return -1;
	return strbuf_add(b, spaces, n);
}

/* Does any byte of w need an escape: below 0x20, '"' or '\'? */
static bool
word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
	return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
	        ((backslash - ones) & ~backslash)) &
	       highs;
}

static int
put_string(struct strbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;
	/* Room for the quotes and the text; each escape asks for more. */
	if (!strbuf_grow(b, len + 2))
		return -1;
	b->p[b->len++] = '"';
	for (;;) {
		size_t run = i;
		uint64_t w;
		while (len - i >= sizeof(w) &&
		       (memcpy(&w, s + i, sizeof(w)), !word_needs_escape(w)))
			i += sizeof(w);
		while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' &&
		       s[i] != '\\')
			i++;
		memcpy(b->p + b->len, s + run, i - run);
		b->len += i - run;
		if (i == len)
			break;
		/* The escape (at most 6 bytes), the rest, the quote. */
		if (!strbuf_grow(b, 6 + (len - i - 1) + 1)) {
			b->p[b->len] = '\0';
			return -1;
		}
		char *e = b->p + b->len;
		unsigned char ch = (unsigned char)s[i++];
		e[0] = '\\';
		b->len += 2;
		switch (ch) {
		case '"':
		case '\\':
			e[1] = (char)ch;
			break;
		case '\b':
			e[1] = 'b';
			break;
		case '\f':
			e[1] = 'f';
			break;
		case '\n':
			e[1] = 'n';
			break;
		case '\r':
			e[1] = 'r';
			break;
		case '\t':
			e[1] = 't';
			break;
		default:
			memcpy(e + 1, "u00", 3);
			e[4] = hex[ch >> 4];
			e[5] = hex[ch & 15];
			b->len += 4;
		}
	}
	b->p[b->len++] = '"';
	b->p[b->len] = '\0';
	return 0;
}

static int
buf_dump_cb(const char *data, size_t size, void *arg)
{
	return strbuf_add(arg, data, size);
}

/* Append `j` as jansson writes it: compact, or indented (then nested
 * `depth` levels deep). */
static int
put_json(struct strbuf *b, const json_t *j, bool compact, int depth)
{
	const char *colon = compact ? ":" : ": ";
	char num[32];
	switch (json_typeof(j)) {
	case JSON_NULL:
		return strbuf_adds(b, "null");
	case JSON_TRUE:
		return strbuf_adds(b, "true");
	case JSON_FALSE:
		return strbuf_adds(b, "false");
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		         json_integer_value(j));
		return strbuf_adds(b, num);
	case JSON_REAL: /* jansson's own digits */
		return json_dump_callback(j, buf_dump_cb, b, JSON_ENCODE_ANY);
	case JSON_STRING:
		return put_string(b, json_string_value(j),
		                  json_string_length(j));
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		if (strbuf_adds(b, "["))
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((i && strbuf_adds(b, ",")) ||
			    (!compact && put_indent(b, depth + 1)) ||
			    put_json(b, json_array_get(j, i), compact,
			             depth + 1))
				return -1;
		return (n && !compact && put_indent(b, depth)) ||
		                       strbuf_adds(b, "]")
		               ? -1
		               : 0;
	}
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		bool first = true;
		if (strbuf_adds(b, "{"))
			return -1;
		json_object_foreach((json_t *)j, key, val)
		{
			if ((!first && strbuf_adds(b, ",")) ||
			    (!compact && put_indent(b, depth + 1)) ||
			    put_string(b, key, strlen(key)) ||
			    strbuf_adds(b, colon) ||
			    put_json(b, val, compact, depth + 1))
				return -1;
			first = false;
		}
		return (!first && !compact && put_indent(b, depth)) ||
		                       strbuf_adds(b, "}")
		               ? -1
		               : 0;
	}
	}
	return -1;
}

int
transfer_put_json(struct strbuf *b, const json_t *j)
{
	return put_json(b, j, true, 0);
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

/* Is s UTF-8 by the rules of jansson's check (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF; NUL is allowed)? The
 * same answer, faster on long text: ASCII goes eight bytes at a time. */
static bool
utf8_valid(const unsigned char *s, size_t len)
{
	const uint64_t highs = 0x8080808080808080u;
	size_t i = 0;
	while (i < len) {
		uint64_t w;
		if (len - i >= sizeof(w)) {
			memcpy(&w, s + i, sizeof(w));
			if (!(w & highs)) {
				i += sizeof(w);
				continue;
			}
		}
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 2, cp = c & 0x1Fu, min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3, cp = c & 0x0Fu, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4, cp = c & 0x07u, min = 0x10000;
		} else {
			return false;
		}
		if (len - i < n)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

json_t *
transfer_string(const char *s, size_t len)
{
	if (!s || !utf8_valid((const unsigned char *)s, len))
		return NULL;
	return json_stringn_nocheck(s, len);
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
raw_encode(const struct transfer_codec *c, const unsigned char *head,
           size_t headlen, const unsigned char *body, size_t bodylen,
           struct transfer_times *t, json_t *fields, char *err)
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
		text = transfer_string((const char *)body, bodylen);
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
raw_decode(const struct transfer_codec *c, const json_t *rec,
           const struct transfer_times *t, struct strbuf *head,
           struct strbuf *body, char *err)
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
	         transfer_put_json(head, copy) ||
	         (json_is_string(b) ? strbuf_add(body, json_string_value(b),
	                                         json_string_length(b))
	                            : transfer_put_json(body, b));
	json_decref(copy);
	if (rc) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return -1;
	}
	return 0;
}

/* A value for people, through the display sanitizer (free text with
 * `flags` UTIL_CLEAN_LINES): text as is, a list of texts joined by commas,
 * any other value as compact JSON on one line. */
static int
md_value(struct strbuf *md, const json_t *val, unsigned flags)
{
	if (json_is_string(val))
		return transfer_put_clean(md, json_string_value(val),
		                          json_string_length(val), flags);
	if (json_is_array(val)) {
		bool texts = true;
		for (size_t i = 0; i < json_array_size(val); i++)
			texts &= json_is_string(json_array_get(val, i));
		for (size_t i = 0; texts && i < json_array_size(val); i++)
			if ((i && strbuf_adds(md, ", ")) ||
			    md_value(md, json_array_get(val, i), 0))
				return -1;
		if (texts)
			return 0;
	}
	struct strbuf j = {0};
	int rc = transfer_put_json(&j, val) ||
	                         transfer_put_clean(md, j.p, j.len, 0)
	                 ? -1
	                 : 0;
	strbuf_release(&j);
	return rc;
}

/* "- key: value" lines for the fields of an object of a `kind` record,
 * leaving out the version, the times (already in the heading) and empty
 * values. */
static int
md_fields(struct strbuf *md, const json_t *o, const char *kind)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)o, key, val)
	{
		if (!strcmp(key, "v") || !strcmp(key, "created") ||
		    !strcmp(key, "updated") || json_is_null(val) ||
		    (json_is_array(val) && json_array_size(val) == 0))
			continue;
		unsigned flags =
		        transfer_free_text(kind, key) ? UTIL_CLEAN_LINES : 0;
		if (strbuf_adds(md, "- ") ||
		    transfer_put_clean(md, key, strlen(key), 0) ||
		    strbuf_adds(md, ": ") || md_value(md, val, flags) ||
		    strbuf_adds(md, "\n"))
			return -1;
	}
	return 0;
}

static int
raw_markdown(const struct transfer_codec *c, const json_t *rec,
             struct strbuf *md)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	json_t *b = json_object_get(rec, "body");
	const char *s = json_string_value(b);
	size_t len = json_string_length(b);
	if (!kind)
		kind = "";
	if (md_fields(md, json_object_get(rec, "head"), kind))
		return -1;
	if (json_is_object(b))
		return md_fields(md, b, kind);
	/* A body that is text is the record's free text. */
	if (len && (strbuf_adds(md, "\n") ||
	            transfer_put_clean(md, s, len, UTIL_CLEAN_LINES) ||
	            (s[len - 1] != '\n' && strbuf_adds(md, "\n"))))
		return -1;
	return 0;
}

/* --- control characters in imported fields --- */

bool
transfer_free_text(const char *kind, const char *key)
{
	const struct record_kind *k = record_kind_find(kind);
	const struct record_field *f = k ? record_field_json(k, key) : NULL;
	return f && f->type == RECORD_TEXT;
}

/* --- the codecs --- */

const struct transfer_codec *
transfer_codec_find(const char *kind)
{
	const struct record_kind *k = record_kind_find(kind);
	return k && k->codec.encode ? &k->codec : NULL;
}

const char *const *
transfer_kind_names(void)
{
	static const char *names[RECORD_NKINDS + 1];
	size_t n = 0;
	for (const struct record_kind *const *k = record_kinds; *k; k++)
		if ((*k)->codec.encode)
			names[n++] = (*k)->name;
	names[n] = NULL;
	return names;
}

static bool
control_text(const char *s, size_t len)
{
	return util_has_control(s, len, UTIL_CLEAN_LINES, NULL);
}

static const char control_words[] =
        "holds a control character (like an escape), which selfhelp "
        "keeps only in free text";

/*
 * Does j, the value of `key` (item `item` of it when not 0), hold a
 * control character in a string or a field name? Then why says where,
 * without showing it.
 */
static bool
control_in(const json_t *j, const char *key, size_t item, char *why)
{
	const char *k;
	json_t *v;
	switch (json_typeof(j)) {
	case JSON_STRING:
		if (!control_text(json_string_value(j), json_string_length(j)))
			return false;
		if (item)
			snprintf(why, TRANSFER_ERR_MAX, "item %zu of \"%s\" %s",
			         item, key, control_words);
		else
			snprintf(why, TRANSFER_ERR_MAX, "\"%s\" %s", key,
			         control_words);
		return true;
	case JSON_ARRAY:
		for (size_t i = 0; i < json_array_size(j); i++)
			if (control_in(json_array_get(j, i), key, i + 1, why))
				return true;
		return false;
	case JSON_OBJECT:
		json_object_foreach((json_t *)j, k, v)
		{
			if (control_text(k, strlen(k))) {
				snprintf(why, TRANSFER_ERR_MAX,
				         "a field name inside \"%s\" %s", key,
				         control_words);
				return true;
			}
			if (control_in(v, k, 0, why))
				return true;
		}
		return false;
	default:
		return false;
	}
}

/*
 * Check the fields of a `kind` record (as exported: its codec's fields,
 * or "head" and "body" in the raw form) for control characters outside
 * free text. Returns 0, or -1 with why set. Export runs it too, so that
 * what it writes imports again.
 */
static int
fields_control_check(const char *kind, const json_t *fields, bool raw,
                     char *why)
{
	static const char *const own[] = {"id", "kind", "created", "updated"};
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)fields, key, val)
	{
		bool skip = false;
		for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			skip |= strcmp(key, own[i]) == 0; /* checked apart */
		if (skip)
			continue;
		if (raw && json_is_object(val) &&
		    (!strcmp(key, "head") || !strcmp(key, "body"))) {
			const char *k;
			json_t *v;
			json_object_foreach(val, k, v)
			{
				if (control_text(k, strlen(k))) {
					snprintf(why, TRANSFER_ERR_MAX,
					         "a field name in its \"%s\" "
					         "%s",
					         key, control_words);
					return -1;
				}
				if (!(json_is_string(v) &&
				      transfer_free_text(kind, k)) &&
				    control_in(v, k, 0, why))
					return -1;
			}
			continue;
		}
		if (raw && !strcmp(key, "body") && json_is_string(val))
			continue; /* a body that is text is free text */
		if (json_is_string(val) && transfer_free_text(kind, key))
			continue;
		if (control_in(val, key, 0, why))
			return -1;
	}
	return 0;
}

static const struct transfer_codec raw_codec = {
        NULL, raw_encode, raw_decode, raw_markdown, false,
};

static const struct transfer_codec *
codec_or_raw(const char *kind)
{
	const struct transfer_codec *c = transfer_codec_find(kind);
	return c ? c : &raw_codec;
}

/* Encode a stored record with its kind's codec into a new fields object,
 * and see that its codec would take the fields back (import must take
 * every record export writes). `check`: only see that, for the codecs
 * that can say without building the head and body again. */
static json_t *
encode_item_as(const char *kind, const unsigned char *head, size_t headlen,
               const unsigned char *body, size_t bodylen,
               struct transfer_times *t, bool check, char *err)
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
	if (codec->encode(codec, head, headlen, body, bodylen, t, fields,
	                  err) != 0) {
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
	if (fields_control_check(kind, fields, codec == &raw_codec, err)) {
		json_decref(fields);
		return NULL;
	}
	struct strbuf h = {0}, b = {0};
	bool alone = check && codec->decode_checks_alone;
	int refused = codec->decode(codec, fields, t, alone ? NULL : &h,
	                            alone ? NULL : &b, err);
	strbuf_release(&h);
	strbuf_release(&b);
	if (refused) {
		json_decref(fields);
		return NULL;
	}
	return fields;
}

static json_t *
encode_item(const char *kind, const unsigned char *head, size_t headlen,
            const unsigned char *body, size_t bodylen, struct transfer_times *t,
            char *err)
{
	return encode_item_as(kind, head, headlen, body, bodylen, t, false,
	                      err);
}

/* --- export --- */

enum {
	EXPORT_CHUNK = 64 * 1024, /* bytes handed to the writer at a time */
	EXPORT_DEPTH = 2,         /* where records sit in it */
	EXPORT_KEEP = 4 << 20,    /* bytes of deferred records kept */
};

/*
 * A selected record. The first walk, in storage order and without
 * bodies, collects them; they are sorted into export order; the second
 * walk, in storage order again, writes each one that is next in export
 * order as it comes by and defers the others, which are read again by id
 * when it is their turn. A vault written in time order needs few such
 * reads.
 */
struct export_item {
	time_t created; /* the sort key */
	char id[VAULT_ID_HEX + 1];
	size_t pos;    /* place in storage order */
	size_t place;  /* in the walks (vault_item.place) */
	bool exact;    /* created was read from the head */
	bool deferred; /* passed by in the second walk, not written yet */
	/* Made on the walk's threads (render_keep), written on the calling
	 * thread: the record as it goes into the export, or why not. */
	enum {
		RENDER_NONE = 0,
		RENDER_DONE,     /* text holds it */
		RENDER_LEFT_OUT, /* outside the filter's times */
		RENDER_REFUSED,  /* why says why; it is left out */
		RENDER_FATAL,    /* why says why; the export stops */
		RENDER_NO_MEMORY,
	} render;
	struct strbuf text;
	char *why;
	/* deferred with its text kept: the filter's name of its kind (for
	 * out->kind_counts), or NULL */
	const char *kept_kind;
};

struct export_ctx {
	const struct transfer_filter *f;
	struct transfer_output *out;
	struct export_item *items; /* in export order, once sorted */
	size_t n, cap;
	size_t *at;        /* place in storage order → in export order */
	size_t seen;       /* items met so far in the second walk */
	size_t next;       /* the next item to write */
	size_t kept;       /* bytes of text kept by deferred items */
	struct strbuf buf; /* written, not yet passed to out->write */
	int status;        /* TRANSFER_ERROR or _WRITE_FAILED, err set */
	char *err;
	/* a walk's place → 1 + the item's place in items (0: none), for
	 * render_keep */
	size_t *byplace, nplaces;
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
	json_t *created = iso_string(t->created);
	json_t *updated = t->updated == t->created ? json_incref(created)
	                                           : iso_string(t->updated);
	const char *key;
	json_t *val;
	int rc = !rec || json_object_set_new(rec, "id", json_string(id)) ||
	         json_object_set_new(rec, "kind", json_string(kind)) ||
	         json_object_set(rec, "created", created) ||
	         json_object_set(rec, "updated", updated);
	json_decref(created);
	json_decref(updated);
	json_object_foreach(fields, key, val)
	{
		if (rc || (rc = json_object_set(rec, key, val)))
			break;
	}
	if (rc) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* Free a string from json_dumps (jansson's allocator). NULL is a no-op. */
static void
free_dumped(char *s)
{
	json_free_t jfree;
	if (!s)
		return;
	json_get_alloc_funcs(NULL, &jfree);
	jfree(s);
}

static int
failed(struct export_ctx *c, int status, const char *why)
{
	snprintf(c->err, TRANSFER_ERR_MAX, "%s", why);
	c->status = status;
	return -1;
}

static void
report(struct export_ctx *c, const char *id, const char *kind, const char *why)
{
	if (c->out->problem)
		c->out->problem(c->out->problem_arg, id, kind, why);
}

static const char not_authentic[] = "it does not authenticate (damaged, or "
                                    "changed outside selfhelp)";

/*
 * The JSON document around the records, as jansson writes it with
 * JSON_INDENT: `head` up to the list's "[", `tail` from its "]" to the
 * end, and the final newline. Caller frees both with free().
 */
static int
json_frame(time_t now, char **head, char **tail)
{
	json_t *doc = json_object();
	char *s = NULL;
	*head = *tail = NULL;
	if (!doc ||
	    json_object_set_new(doc, "selfhelp_export",
	                        json_integer(TRANSFER_VERSION)) ||
	    json_object_set_new(doc, "exported", iso_string(now)) ||
	    json_object_set_new(doc, "records", json_array()) ||
	    !(s = json_dumps(doc, JSON_INDENT(JSON_WRITE_INDENT))))
		goto fail;
	char *list = strstr(s, "[]");
	if (!list)
		goto fail;
	size_t n = (size_t)(list - s) + 1, rest = strlen(list + 1) + 2;
	if (!(*head = malloc(n + 1)) || !(*tail = malloc(rest)))
		goto fail;
	memcpy(*head, s, n);
	(*head)[n] = '\0';
	snprintf(*tail, rest, "%s\n", list + 1);
	free_dumped(s);
	json_decref(doc);
	return 0;
fail:
	free_dumped(s);
	free(*head);
	free(*tail);
	*head = *tail = NULL;
	json_decref(doc);
	return -1;
}

/* --- writing Markdown --- */

/* "# selfhelp export" and the lines under it. `exported` is the
 * document's time as exported (may be NULL). */
static int
md_header(struct strbuf *out, const char *exported)
{
	char when[32];
	time_t t;
	if (strbuf_adds(out, "# selfhelp export\n\n"))
		return -1;
	if (exported && transfer_time_parse(exported, &t) == 0) {
		date_format_local(t, when, sizeof(when));
		if (strbuf_adds(out, "Written ") || strbuf_adds(out, when) ||
		    strbuf_adds(out, ". "))
			return -1;
	}
	return strbuf_adds(out, "This file is not encrypted: anyone "
	                        "who opens it can read it.\n");
}

static const char md_no_records[] = "\nThere are no records in this "
                                    "selection.\n";

/* One record of the document (the `i`th, from 0) in Markdown. Returns 0,
 * 1 when it has no kind or time (err says so), or -1 when out of memory. */
static int
md_record(struct strbuf *out, const json_t *rec, size_t i, char *err)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	const char *created =
	        json_string_value(json_object_get(rec, "created"));
	const struct transfer_codec *codec, *md;
	char when[32];
	time_t t;
	if (!kind || !created || transfer_time_parse(created, &t)) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "record %zu has no kind or created time", i + 1);
		return 1;
	}
	codec = transfer_codec_find(kind);
	md = codec && !(json_object_get(rec, "head") &&
	                (codec->kind->flags & RECORD_READS_RAW))
	             ? codec
	             : &raw_codec;
	date_format_local(t, when, sizeof(when));
	if (strbuf_adds(out, "\n## ") || strbuf_adds(out, when) ||
	    strbuf_adds(out, " · ") ||
	    (codec ? strbuf_adds(out, codec->kind->title)
	           : transfer_put_clean(out, kind, strlen(kind), 0)) ||
	    strbuf_adds(out, "\n\n") ||
	    (json_is_true(json_object_get(rec, LOCKED_KEY)) &&
	     strbuf_adds(out, "*Written while the vault was "
	                      "locked.*\n\n")) ||
	    (json_is_true(json_object_get(rec, CONFLICT_KEY)) &&
	     strbuf_adds(out, "*A copy kept from another computer: this "
	                      "record was edited on both.*\n\n")) ||
	    md->markdown(md, rec, out))
		return -1;
	return 0;
}

/* --- the first walk --- */

static const unsigned char *
skip_space(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past the string starting at p (on its '"'); NULL if it does not end.
 * *escaped: whether it holds a backslash. */
static const unsigned char *
skip_string(const unsigned char *p, const unsigned char *end, bool *escaped)
{
	*escaped = false;
	for (p++; p < end;) {
		/* memchr goes many bytes at a time: heads hold long texts */
		const unsigned char *q = memchr(p, '"', (size_t)(end - p));
		const unsigned char *b =
		        q ? memchr(p, '\\', (size_t)(q - p)) : NULL;
		if (!q)
			return NULL;
		if (!b)
			return q + 1;
		*escaped = true;
		if (end - b < 2)
			return NULL;
		p = b + 2;
	}
	return NULL;
}

/* Past one value (any nesting) at p; NULL if it does not end. */
static const unsigned char *
skip_value(const unsigned char *p, const unsigned char *end)
{
	size_t depth = 0;
	bool escaped;
	while (p < end) {
		if (*p == '"') {
			if (!(p = skip_string(p, end, &escaped)))
				return NULL;
			if (depth == 0)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p; /* the end of a scalar */
			if (--depth == 0)
				return p + 1;
		} else if (*p == ',' && depth == 0) {
			return p;
		}
		p++;
	}
	return depth ? NULL : p;
}

/*
 * The whole number under the top-level key "created" of a stored head,
 * read without building the head (the first walk needs nothing else, and
 * jansson's parse would double its cost). Returns 0, or -1 when there is
 * no such number or the head is anything this scanner does not follow
 * (an escaped key, a fraction, too many digits...): then the codec reads
 * the whole record. Like jansson, a repeated key counts with its last
 * value. A head that is not JSON at all fails in its codec later, so what
 * is found in it does not matter.
 */
static int
head_created(const unsigned char *p, size_t len, time_t *out)
{
	static const char key[] = "\"created\"";
	const unsigned char *end = p + len;
	bool found = false, escaped;
	long long val = 0;
	p = skip_space(p, end);
	if (p == end || *p++ != '{')
		return -1;
	p = skip_space(p, end);
	if (p < end && *p == '}')
		return -1;
	while (p < end && *p == '"') {
		const unsigned char *k = p;
		if (!(p = skip_string(p, end, &escaped)) || escaped)
			return -1;
		bool created = (size_t)(p - k) == sizeof(key) - 1 &&
		               memcmp(k, key, sizeof(key) - 1) == 0;
		p = skip_space(p, end);
		if (p == end || *p++ != ':')
			return -1;
		p = skip_space(p, end);
		if (created) {
			bool neg = p < end && *p == '-';
			int digits = 0;
			p += neg;
			if (p < end && *p == '0' && p + 1 < end &&
			    p[1] >= '0' && p[1] <= '9')
				return -1;
			for (val = 0; p < end && *p >= '0' && *p <= '9'; p++) {
				if (++digits > 18)
					return -1;
				val = val * 10 + (*p - '0');
			}
			if (digits == 0)
				return -1;
			val = neg ? -val : val;
			found = true;
		} else if (!(p = skip_value(p, end))) {
			return -1;
		}
		p = skip_space(p, end);
		if (p < end && *p == ',') {
			p = skip_space(p + 1, end);
			continue;
		}
		if (p < end && *p == '}' && skip_space(p + 1, end) == end &&
		    found) {
			*out = (time_t)val;
			return 0;
		}
		return -1;
	}
	return -1;
}

/* The first walk: which records are selected, and when each was made. */
static int
collect_cb(void *arg, const struct vault_item *it)
{
	struct export_ctx *c = arg;
	if (!kind_selected(c->f, it->kind))
		return 0;
	if (it->damaged) {
		report(c, it->id, it->kind, not_authentic);
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct export_item *ni = realloc(c->items, cap * sizeof(*ni));
		if (!ni)
			return failed(c, TRANSFER_ERROR, "out of memory");
		c->items = ni;
		c->cap = cap;
	}
	struct export_item *e = &c->items[c->n++];
	memset(e, 0, sizeof(*e));
	/* Every codec takes a head's integer "created" as the record's. */
	e->exact = head_created(it->head, it->headlen, &e->created) == 0;
	if (!e->exact)
		e->created = 0;
	e->deferred = false;
	e->pos = c->n - 1;
	e->place = it->place;
	memcpy(e->id, it->id, strnlen(it->id, sizeof(e->id) - 1));
	return 0;
}

/* A head without "created": the codec works out the time from the whole
 * record (one it cannot read is reported when its turn comes). */
static int
created_cb(void *arg, const struct vault_item *it)
{
	struct export_item *e = arg;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	if (it->damaged)
		return 0;
	json_t *fields = encode_item_as(it->kind, it->head, it->headlen,
	                                it->body, it->bodylen, &t, true, why);
	if (fields)
		e->created = t.created;
	json_decref(fields);
	return 0;
}

static int
by_created(const void *a, const void *b)
{
	const struct export_item *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Pass what is buffered on to the writer and wipe it. */
static int
flush_out(struct export_ctx *c)
{
	if (c->buf.len == 0)
		return 0;
	int rc = c->out->write(c->out->write_arg, c->buf.p, c->buf.len);
	sodium_memzero(c->buf.p, c->buf.len);
	c->buf.len = 0;
	c->buf.p[0] = '\0';
	return rc ? failed(c, TRANSFER_WRITE_FAILED,
	                   "the export could not be written")
	          : 0;
}

static const char *const record_keys[] = {"id", "kind", "created", "updated"};

/*
 * Append make_record()'s object as put_json() writes it, without making
 * it. Returns 0, -1 when out of memory, or 1 when this shortcut does not
 * apply (text that is not UTF-8, a field named like the four above).
 */
static int
put_record(struct strbuf *b, const char *id, const char *kind,
           const struct transfer_times *t, const json_t *fields)
{
	char created[ISO_MAX], updated[ISO_MAX];
	const char *vals[] = {id, kind, created, updated};
	const int depth = EXPORT_DEPTH + 1;
	const char *key;
	json_t *val;
	if (!utf8_valid((const unsigned char *)id, strlen(id)) ||
	    !utf8_valid((const unsigned char *)kind, strlen(kind)))
		return 1;
	for (size_t i = 0; i < 4; i++)
		if (json_object_get(fields, record_keys[i]))
			return 1;
	date_format_iso(t->created, created, sizeof(created));
	if (t->updated == t->created)
		memcpy(updated, created, sizeof(updated));
	else
		date_format_iso(t->updated, updated, sizeof(updated));
	if (strbuf_adds(b, "{"))
		return -1;
	for (size_t i = 0; i < 4; i++)
		if ((i && strbuf_adds(b, ",")) || put_indent(b, depth) ||
		    put_string(b, record_keys[i], strlen(record_keys[i])) ||
		    strbuf_adds(b, ": ") ||
		    put_string(b, vals[i], strlen(vals[i])))
			return -1;
	json_object_foreach((json_t *)fields, key, val)
	{
		if (strbuf_adds(b, ",") || put_indent(b, depth) ||
		    put_string(b, key, strlen(key)) || strbuf_adds(b, ": ") ||
		    put_json(b, val, false, depth))
			return -1;
	}
	return put_indent(b, EXPORT_DEPTH) || strbuf_adds(b, "}") ? -1 : 0;
}

/*
 * One record as it goes into the export (JSON or Markdown), without the
 * separator before it, into `out` (`place`: its number in the export,
 * from 0, for a message). Returns 0, -1 when out of memory, or
 * 1 when Markdown cannot be made (err says why).
 */
static int
render_record(const struct export_ctx *c, struct strbuf *out, size_t place,
              const char *id, const char *kind, const struct transfer_times *t,
              json_t *fields, char *err)
{
	json_t *rec = NULL;
	int rc;
	if (c->out->format == TRANSFER_EXPORT_JSON) {
		rc = put_record(out, id, kind, t, fields);
		if (rc > 0) /* the long way, with jansson's checks */
			rc = !(rec = make_record(id, kind, t, fields)) ||
			                     put_json(out, rec, false,
			                              EXPORT_DEPTH)
			             ? -1
			             : 0;
	} else {
		rc = !(rec = make_record(id, kind, t, fields))
		             ? -1
		             : md_record(out, rec, place, err);
	}
	json_decref(rec);
	return rc;
}

enum { DIRECT_WRITTEN, DIRECT_NOT_OURS, DIRECT_LEFT_OUT };
static int export_journal_direct(const struct vault_item *it,
                                 const struct transfer_filter *f,
                                 struct strbuf *out);

/*
 * Encode a decrypted record into e: its text, or that the filter's times
 * leave it out, or why it cannot be exported. Safe on any thread: it
 * touches only e.
 */
static void
render_item(const struct export_ctx *c, struct export_item *e,
            const struct vault_item *it)
{
	const struct transfer_filter *f = c->f;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	int direct = DIRECT_NOT_OURS;
	if (c->out->format == TRANSFER_EXPORT_JSON && !c->out->no_shortcuts &&
	    strcmp(it->kind, JOURNAL_KIND) == 0)
		direct = export_journal_direct(it, f, &e->text);
	if (direct != DIRECT_NOT_OURS) {
		e->render = direct < 0                  ? RENDER_NO_MEMORY
		            : direct == DIRECT_LEFT_OUT ? RENDER_LEFT_OUT
		                                        : RENDER_DONE;
		return;
	}
	/* Only checks: the head and body it would store are not needed. */
	json_t *fields = encode_item_as(it->kind, it->head, it->headlen,
	                                it->body, it->bodylen, &t, true, why);
	e->render = RENDER_NO_MEMORY;
	if (!fields) {
		if ((e->why = strdup(why)))
			e->render = RENDER_REFUSED;
		return;
	}
	if ((f && f->since && t.created < f->since) ||
	    (f && f->until && t.created > f->until)) {
		e->render = RENDER_LEFT_OUT;
	} else if ((!it->written_locked ||
	            !json_object_set_new(fields, LOCKED_KEY, json_true())) &&
	           (!it->conflict_copy ||
	            !json_object_set_new(fields, CONFLICT_KEY, json_true()))) {
		int rc = render_record(c, &e->text, (size_t)(e - c->items),
		                       it->id, it->kind, &t, fields, why);
		if (rc == 0)
			e->render = RENDER_DONE;
		else if (rc > 0 && (e->why = strdup(why)))
			e->render = RENDER_FATAL;
	}
	json_decref(fields);
}

static void
render_release(struct export_item *e)
{
	strbuf_release(&e->text);
	free(e->why);
	e->why = NULL;
	e->render = RENDER_NONE;
}

/* Write a rendered item: the separator, the record. Returns 0, or -1. */
static int
write_rendered(struct export_ctx *c, struct export_item *e, const char *kind)
{
	const struct transfer_filter *f = c->f;
	int rc = 0;
	switch (e->render) {
	case RENDER_NONE:
	case RENDER_LEFT_OUT:
		break;
	case RENDER_REFUSED:
		report(c, e->id, kind, e->why);
		break;
	case RENDER_FATAL:
		snprintf(c->err, TRANSFER_ERR_MAX, "%s", e->why);
		c->status = TRANSFER_ERROR;
		rc = -1;
		break;
	case RENDER_NO_MEMORY:
		rc = failed(c, TRANSFER_ERROR, "out of memory");
		break;
	case RENDER_DONE:
		if ((c->out->format == TRANSFER_EXPORT_JSON &&
		     ((c->out->records && strbuf_adds(&c->buf, ",")) ||
		      put_indent(&c->buf, EXPORT_DEPTH))) ||
		    strbuf_add(&c->buf, e->text.p, e->text.len)) {
			rc = failed(c, TRANSFER_ERROR, "out of memory");
			break;
		}
		c->out->records++;
		for (size_t k = 0; f && c->out->kind_counts && k < f->nkinds;
		     k++)
			if (strcmp(f->kinds[k], kind) == 0)
				c->out->kind_counts[k]++;
		if (c->buf.len >= EXPORT_CHUNK)
			rc = flush_out(c);
		break;
	}
	render_release(e);
	return rc;
}

/* Encode a record, and write it unless the filter's times leave it out.
 * Returns 0 (also when it is left out as unreadable), or -1. */
static int
write_item(struct export_ctx *c, struct export_item *e,
           const struct vault_item *it)
{
	if (it->damaged) {
		report(c, it->id, it->kind, not_authentic);
		return 0;
	}
	if (e->render == RENDER_NONE)
		render_item(c, e, it);
	return write_rendered(c, e, it->kind);
}

struct fetched {
	struct export_ctx *c;
	struct export_item *e;
};

static int
fetched_cb(void *arg, const struct vault_item *it)
{
	struct fetched *f = arg;
	return write_item(f->c, f->e, it) ? 1 : 0;
}

/* Write the deferred records whose turn has come, reading each again. */
static int
write_deferred(struct vault *v, struct export_ctx *c)
{
	while (c->next < c->n) {
		struct export_item *e = &c->items[c->next];
		if (!e->deferred)
			return 0; /* not come by yet */
		if (e->render == RENDER_DONE || e->render == RENDER_LEFT_OUT) {
			c->kept -= e->text.len; /* kept: no need to read it */
			if (write_rendered(c, e,
			                   e->kept_kind ? e->kept_kind : ""))
				return -1;
			e->deferred = false;
			c->next++;
			continue;
		}
		struct fetched f = {c, e};
		int rc = vault_get(v, e->id, NULL, fetched_cb, &f);
		if (rc > 0)
			return -1;
		if (rc == VAULT_NOT_FOUND)
			return failed(c, TRANSFER_ERROR,
			              "a record could not be read a second "
			              "time, so the vault may be damaged "
			              "('selfhelp check' looks)");
		if (rc)
			return failed(c, TRANSFER_ERROR, vault_errmsg(v));
		e->deferred = false;
		c->next++;
	}
	return 0;
}

struct write_walk {
	struct vault *v;
	struct export_ctx *c;
};

/* On the walk's threads: encode each selected record as it is decrypted,
 * so that the JSON work is shared by every core; write_cb writes it. */
static bool
render_keep(void *arg, const struct vault_item *it)
{
	const struct export_ctx *c = arg;
	if (!kind_selected(c->f, it->kind))
		return false;
	size_t k = it->place < c->nplaces ? c->byplace[it->place] : 0;
	struct export_item *e = k ? &c->items[k - 1] : NULL;
	if (e && e->render == RENDER_NONE && strcmp(e->id, it->id) == 0)
		render_item(c, e, it);
	return true;
}

/* The second walk, in storage order again. */
static int
write_cb(void *arg, const struct vault_item *it)
{
	struct write_walk *w = arg;
	struct export_ctx *c = w->c;
	/* Both walks see one snapshot, so the records come by in the same
	 * order; those the first left out (their heads do not authenticate)
	 * are not among the items. */
	if (!kind_selected(c->f, it->kind) || c->seen == c->n)
		return 0;
	size_t rank = c->at[c->seen];
	struct export_item *e = &c->items[rank];
	if (strcmp(e->id, it->id) != 0)
		return 0;
	c->seen++;
	if (rank != c->next) {
		/* Its text is kept while there is room; otherwise it is read
		 * and made again when its turn comes. */
		if (!it->damaged &&
		    (e->render == RENDER_DONE ||
		     e->render == RENDER_LEFT_OUT) &&
		    e->text.len <= EXPORT_KEEP - c->kept) {
			c->kept += e->text.len;
			e->kept_kind = NULL;
			for (size_t k = 0;
			     c->f && c->f->kinds && k < c->f->nkinds; k++)
				if (strcmp(c->f->kinds[k], it->kind) == 0)
					e->kept_kind = c->f->kinds[k];
		} else {
			render_release(e);
		}
		e->deferred = true;
		return 0;
	}
	if (write_item(c, e, it))
		return 1;
	c->next++;
	/* `it` is not used after this: vault_get reuses its memory. */
	return write_deferred(w->v, c) ? 1 : 0;
}

int
transfer_export_write(struct vault *v, const struct transfer_filter *f,
                      time_t now, struct transfer_output *out, char *err)
{
	struct export_ctx c = {.f = f, .out = out, .err = err};
	struct write_walk w = {v, &c};
	char *head = NULL, *tail = NULL;
	bool md = out->format == TRANSFER_EXPORT_MARKDOWN;
	int rc;
	err[0] = '\0';
	out->records = 0;
	for (size_t k = 0; f && out->kind_counts && k < f->nkinds; k++)
		out->kind_counts[k] = 0;
	/* Both walks see the same records, whatever others write. */
	if ((rc = vault_read_begin(v)) ||
	    (rc = vault_search(v, NULL, 0, NULL, NULL, collect_cb, &c)))
		goto vault_failed;
	for (size_t i = 0; i < c.n; i++)
		if (!c.items[i].exact &&
		    (rc = vault_get(v, c.items[i].id, NULL, created_cb,
		                    &c.items[i])) != 0)
			goto vault_failed;
	if (c.n && !(c.at = malloc(c.n * sizeof(*c.at)))) {
		failed(&c, TRANSFER_ERROR, "out of memory");
		goto failed;
	}
	/* the items come in the walk's order: the last has the last place */
	c.nplaces = c.n ? c.items[c.n - 1].place + 1 : 0;
	if (c.n && !(c.byplace = calloc(c.nplaces, sizeof(*c.byplace)))) {
		failed(&c, TRANSFER_ERROR, "out of memory");
		goto failed;
	}
	if (c.n)
		qsort(c.items, c.n, sizeof(*c.items), by_created);
	for (size_t i = 0; i < c.n; i++) {
		c.at[c.items[i].pos] = i;
		c.byplace[c.items[i].place] = i + 1;
	}

	if (md) {
		char iso[ISO_MAX];
		date_format_iso(now, iso, sizeof(iso));
		if (md_header(&c.buf, iso)) {
			failed(&c, TRANSFER_ERROR, "out of memory");
			goto failed;
		}
	} else if (json_frame(now, &head, &tail) || strbuf_adds(&c.buf, head)) {
		failed(&c, TRANSFER_ERROR, "out of memory");
		goto failed;
	}
	/* Decrypted on every core, written in storage order. */
	rc = vault_search(v, NULL, VAULT_EACH_BODY, render_keep, &c, write_cb,
	                  &w);
	if (rc > 0 || c.status)
		goto failed;
	if (rc)
		goto vault_failed;
	if (write_deferred(v, &c))
		goto failed;
	if (c.next != c.n) {
		failed(&c, TRANSFER_ERROR,
		       "a record could not be read a second time, so the "
		       "vault may be damaged ('selfhelp check' looks)");
		goto failed;
	}
	if (md ? out->records == 0 && strbuf_adds(&c.buf, md_no_records)
	       : (out->records && put_indent(&c.buf, EXPORT_DEPTH - 1)) ||
	                    strbuf_adds(&c.buf, tail)) {
		failed(&c, TRANSFER_ERROR, "out of memory");
		goto failed;
	}
	if (flush_out(&c))
		goto failed;
	rc = 0;
	goto out;
vault_failed:
	if (!err[0])
		snprintf(err, TRANSFER_ERR_MAX, "%s", vault_errmsg(v));
	rc = TRANSFER_ERROR;
	goto out;
failed:
	rc = c.status ? c.status : TRANSFER_ERROR;
out:
	vault_read_end(v);
	for (size_t i = 0; i < c.n; i++)
		render_release(&c.items[i]);
	free(c.items);
	free(c.at);
	free(c.byplace);
	free(head);
	free(tail);
	strbuf_release(&c.buf);
	return rc;
}

static int
buf_write(void *arg, const char *data, size_t len)
{
	return strbuf_add(arg, data, len);
}

int
transfer_export(struct vault *v, const struct transfer_filter *f, time_t now,
                json_t **doc, transfer_problem_fn problem, void *arg, char *err)
{
	struct strbuf b = {0};
	struct transfer_output out = {
	        .format = TRANSFER_EXPORT_JSON,
	        .write = buf_write,
	        .write_arg = &b,
	        .problem = problem,
	        .problem_arg = arg,
	};
	json_error_t jerr;
	*doc = NULL;
	int rc = transfer_export_write(v, f, now, &out, err);
	if (rc == TRANSFER_WRITE_FAILED)
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	if (rc) {
		strbuf_release(&b);
		return TRANSFER_ERROR;
	}
	*doc = json_loadb(b.p, b.len, 0, &jerr);
	strbuf_release(&b);
	if (!*doc) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	return 0;
}

/* --- Markdown --- */

int
transfer_markdown(const json_t *doc, struct strbuf *out, char *err)
{
	json_t *records = json_object_get(doc, "records");
	int rc;
	if (md_header(out, json_string_value(json_object_get(doc, "exported"))))
		goto oom;
	if (json_array_size(records) == 0 && strbuf_adds(out, md_no_records))
		goto oom;
	for (size_t i = 0; i < json_array_size(records); i++) {
		rc = md_record(out, json_array_get(records, i), i, err);
		if (rc < 0)
			goto oom;
		if (rc)
			return TRANSFER_ERROR;
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
	struct strbuf head, body;
	unsigned flags; /* enum vault_record_flags */
	/* jrnl only: */
	time_t wall;                     /* date and time as written, as UTC */
	struct strbuf text;              /* the text, until stored */
	json_t *tags;                    /* normalised tags, owned */
	unsigned char key[KEY_BYTES];    /* hash of the text */
	unsigned char legacy[KEY_BYTES]; /* of the text older versions made */
	bool has_legacy;                 /* legacy differs from key */
	bool starred;
	bool empty;     /* no title, body or tags: left out */
	bool repeat;    /* same minute and text as an earlier entry */
	bool shortened; /* some tags cut or left out to fit */
};

struct transfer_doc {
	enum transfer_format format;
	struct transfer_rec *recs;
	size_t n;
	size_t empty, repeats, shortened; /* jrnl: entries of each */
};

void
transfer_doc_free(struct transfer_doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		strbuf_release(&d->recs[i].head);
		strbuf_release(&d->recs[i].body);
		strbuf_release(&d->recs[i].text);
		json_decref(d->recs[i].tags);
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
key_allowed(const char *key, const struct transfer_codec *codec)
{
	static const char *const common[] = {
	        "id",       "kind",       "created", "updated",
	        LOCKED_KEY, CONFLICT_KEY, NULL};
	for (size_t i = 0; common[i]; i++)
		if (strcmp(key, common[i]) == 0)
			return true;
	if (codec->kind)
		return record_field_json(codec->kind, key) != NULL;
	for (size_t i = 0; raw_fields[i]; i++)
		if (strcmp(key, raw_fields[i]) == 0)
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
/*
 * A record of a kind with a codec that came in the raw form (an export
 * from before the codec): its head and body are read by the codec and
 * written again, so that what is stored is what the codec would store
 * (items trimmed, as the form and the export have them) and the next
 * export of it imports back as the same record; one the codec cannot
 * read (a list item with a line break, a choice it does not know) could
 * not be exported again, so it is refused. Returns 0, or -1 with why
 * set.
 */
static int
raw_to_codec(const char *kind, struct transfer_rec *r, char *why)
{
	const struct transfer_codec *c = transfer_codec_find(kind);
	struct strbuf h = {0}, b = {0};
	struct transfer_times t;
	if (!c)
		return 0;
	json_t *fields = json_object();
	if (!fields) {
		snprintf(why, TRANSFER_ERR_MAX, "out of memory");
		return -1;
	}
	int rc = c->encode(c, (const unsigned char *)r->head.p, r->head.len,
	                   (const unsigned char *)r->body.p, r->body.len, &t,
	                   fields, why) != 0 ||
	                         c->decode(c, fields, &t, &h, &b, why) != 0
	                 ? -1
	                 : 0;
	json_decref(fields);
	if (rc) {
		strbuf_release(&h);
		strbuf_release(&b);
		return -1;
	}
	strbuf_release(&r->head);
	strbuf_release(&r->body);
	r->head = h;
	r->body = b;
	return 0;
}

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
	/* A kind that travelled in the raw form before it had a codec
	 * reads that form too. */
	if (!codec || (json_object_get(rec, "head") &&
	               (codec->kind->flags & RECORD_READS_RAW)))
		codec = &raw_codec;
	json_object_foreach((json_t *)rec, key, val)
	{
		if (!key_allowed(key, codec)) {
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
	static const struct {
		const char *key;
		unsigned flag;
	} marks[] = {{LOCKED_KEY, VAULT_WRITTEN_LOCKED},
	             {CONFLICT_KEY, VAULT_CONFLICT_COPY}};
	r->flags = 0;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		json_t *mark = json_object_get(rec, marks[i].key);
		if (mark && !json_is_boolean(mark)) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "record %zu (id %.*s) has \"%s\" that is "
			         "neither true nor false",
			         idx, SHORT_ID, id, marks[i].key);
			return TRANSFER_UNREADABLE;
		}
		if (json_is_true(mark))
			r->flags |= marks[i].flag;
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
	if (fields_control_check(kind, rec, codec == &raw_codec, why) ||
	    codec->decode(codec, rec, &r->t, &r->head, &r->body, why) != 0 ||
	    (codec == &raw_codec && raw_to_codec(kind, r, why) != 0)) {
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

/* The UTC offset in seconds of the local zone at instant t. */
static long
local_offset(time_t t)
{
	struct tm tm;
	return localtime_r(&t, &tm) ? tm.tm_gmtoff : 0;
}

/*
 * The instant that jrnl's wall-clock time `wall` (the date and time as
 * written, counted as if they were UTC) names in the local zone. jrnl
 * keeps no zone, so: a time the clocks show once is that moment; a time
 * they show twice (the hour the clocks go back) is the first of the two;
 * a time they skip (the hour they go forward) is read with the offset
 * before the change, as a clock not yet put forward would have shown
 * it. Never left to mktime, whose choice in both cases varies.
 */
static time_t
jrnl_local(time_t wall)
{
	enum { DAY = 86400 };
	long before = local_offset(wall - DAY),
	     after = local_offset(wall + DAY);
	time_t a = wall - before, b = wall - after;
	bool a_ok = a + local_offset(a) == wall;
	bool b_ok = b + local_offset(b) == wall;
	if (a_ok && b_ok)
		return a < b ? a : b;
	if (b_ok)
		return b;
	return a; /* shown once with the offset before, or in a gap */
}

/* Does the text end a sentence where jrnl splits its title off: a
 * sentence terminal, then optional quotes and closing brackets? */
static bool
jrnl_sentence_end(const char *s, size_t len)
{
	static const char *const terminals[] = {
	        ".",      "!",      "?",      "\u203C", "\u203D",
	        "\u2047", "\u2048", "\u2049", "\u3002", "\uFE52",
	        "\uFE57", "\uFF01", "\uFF0E", "\uFF1F", "\uFF61",
	};
	while (len && (s[len - 1] == ')' || s[len - 1] == ']'))
		len--;
	if (len && (s[len - 1] == '\'' || s[len - 1] == '"'))
		len--;
	else if (len >= 3 && (memcmp(s + len - 3, "\u2019", 3) == 0 ||
	                      memcmp(s + len - 3, "\u201D", 3) == 0))
		len -= 3;
	for (size_t i = 0; i < sizeof(terminals) / sizeof(*terminals); i++) {
		size_t n = strlen(terminals[i]);
		if (len >= n && memcmp(s + len - n, terminals[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * Tags from the text as jrnl (up to 2.4, whose export has no "tags")
 * finds them: '@' at the start or after white space, then letters,
 * digits and -+*#/_ (jrnl: (?<!\S)@[-+*#/\w]+). Any byte above ASCII
 * counts as a letter, since jrnl's \w takes in letters of every script.
 * Appends the tags with their '@' to `out`. Returns 0, or -1.
 */
static int
jrnl_text_tags(const char *s, size_t len, json_t *out)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '@' || (i && !strchr(" \t\n\r\f\v", s[i - 1])))
			continue;
		size_t e = i + 1;
		while (e < len &&
		       ((unsigned char)s[e] >= 0x80 ||
		        (s[e] >= 'a' && s[e] <= 'z') ||
		        (s[e] >= 'A' && s[e] <= 'Z') ||
		        (s[e] >= '0' && s[e] <= '9') ||
		        strchr("-+*#/_", s[e])) &&
		       s[e])
			e++;
		if (e > i + 1) {
			json_t *t = transfer_string(s + i, e - i);
			if (!t || json_array_append_new(out, t))
				return -1;
		}
		i = e - 1;
	}
	return 0;
}

/* Is tag `t` (normalised) in the list? */
static bool
tag_in(const json_t *list, const char *t)
{
	for (size_t j = 0; j < json_array_size(list); j++)
		if (!strcmp(json_string_value(json_array_get(list, j)), t))
			return true;
	return false;
}

/* Append the normalised tag once. Returns 0, or -1 out of memory. */
static int
tag_add(json_t *list, const char *t)
{
	return tag_in(list, t) ? 0
	                       : json_array_append_new(list, json_string(t));
}

/*
 * jrnl's tags ("@work"), or the @words of the text when the entry has no
 * "tags" (jrnl up to 2.4), normalised, without repeats, plus "starred".
 * A tag longer than a tag holds is cut to fit (at a character's end) and
 * the entry marked as shortened; so are tags past the most an entry
 * holds (dropped then, "starred" kept): jrnl's text still has them.
 */
static int
jrnl_tags(const json_t *entry, const char *text, size_t textlen,
          struct transfer_rec *r, char *why)
{
	json_t *tags = json_object_get(entry, "tags");
	json_t *starred = json_object_get(entry, "starred");
	json_t *found = NULL;
	int rc = TRANSFER_ERROR;
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
	if (!tags) {
		if (!(found = json_array()) ||
		    jrnl_text_tags(text, textlen, found))
			goto out;
		tags = found;
	}
	size_t n = json_array_size(tags);
	for (size_t i = 0; i < n; i++) {
		char cut[JOURNAL_TAG_MAX + 1];
		const char *t = json_string_value(json_array_get(tags, i));
		if (!t) {
			snprintf(why, TRANSFER_ERR_MAX, "tag %zu is not text",
			         i + 1);
			rc = TRANSFER_UNREADABLE;
			goto out;
		}
		while (*t == '@')
			t++;
		size_t tl = strlen(t);
		if (tl > JOURNAL_TAG_MAX) {
			tl = JOURNAL_TAG_MAX;
			while (tl && ((unsigned char)t[tl] & 0xC0) == 0x80)
				tl--;
			memcpy(cut, t, tl);
			cut[tl] = '\0';
			t = cut;
			r->shortened = true;
		}
		char *norm = journal_tag_normalize(t);
		if (!norm && util_has_control(t, strlen(t), 0, NULL)) {
			snprintf(why, TRANSFER_ERR_MAX,
			         "tag %zu holds a control character (like an "
			         "escape or a line break), which a tag cannot "
			         "hold",
			         i + 1);
			rc = TRANSFER_UNREADABLE;
			goto out;
		}
		if (!norm) {
			snprintf(why, TRANSFER_ERR_MAX,
			         "tag %zu cannot be kept: a tag is text "
			         "without commas or control characters",
			         i + 1);
			rc = TRANSFER_UNREADABLE;
			goto out;
		}
		int failed = tag_add(r->tags, norm);
		free(norm);
		if (failed)
			goto out;
	}
	r->starred = json_is_true(starred);
	rc = 0;
out:
	json_decref(found);
	return rc;
}

/* Cut r's tags to the most an entry holds, keeping "starred"; then add
 * it when the entry is starred. Returns 0, or -1 out of memory. */
static int
jrnl_tags_fit(struct transfer_rec *r)
{
	size_t room =
	        JOURNAL_MAX_TAGS - (r->starred && !tag_in(r->tags, "starred"));
	while (json_array_size(r->tags) > room) {
		size_t last = json_array_size(r->tags) - 1;
		/* drop the last that is not "starred" */
		while (last &&
		       !strcmp(json_string_value(json_array_get(r->tags, last)),
		               "starred"))
			last--;
		json_array_remove(r->tags, last);
		r->shortened = true;
	}
	return r->starred ? tag_add(r->tags, "starred") : 0;
}

/*
 * jrnl's title and body as one text. jrnl splits an entry's first
 * sentence off as its title: an entry of one line ("Slept badly. Tea
 * helped.") comes back as the title and the body joined by a space; any
 * other, as the title, a blank line and the body. `legacy` gets the
 * text as earlier selfhelp versions made it (always the blank line), for
 * finding entries they imported.
 */
static int
jrnl_text(const json_t *entry, struct strbuf *text, struct strbuf *legacy,
          char *why)
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
	const char *ts = json_string_value(title),
	           *bs = json_string_value(body);
	size_t tl = json_string_length(title), bl = json_string_length(body);
	bool one_line = tl && bl && !memchr(bs, '\n', bl) &&
	                !memchr(bs, '\r', bl) && jrnl_sentence_end(ts, tl);
	if (strbuf_add(text, ts, tl) ||
	    (tl && bl && strbuf_adds(text, one_line ? " " : "\n\n")) ||
	    strbuf_add(text, bs, bl))
		return TRANSFER_ERROR;
	if (one_line &&
	    (strbuf_add(legacy, ts, tl) || strbuf_adds(legacy, "\n\n") ||
	     strbuf_add(legacy, bs, bl)))
		return TRANSFER_ERROR;
	return 0;
}

/* Is the text only white space? */
static bool
jrnl_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\n\r\f\v", s[i]) || !s[i])
			return false;
	return true;
}

/* The text of an entry without title and body (a DayOne entry with only
 * a tag): its tags as jrnl writes them. Returns 0, or -1. */
static int
jrnl_tags_text(const json_t *tags, struct strbuf *text)
{
	for (size_t i = 0; i < json_array_size(tags); i++) {
		const char *t = json_string_value(json_array_get(tags, i));
		if ((i && strbuf_adds(text, " ")) ||
		    (*t != '@' && strbuf_adds(text, "@")) ||
		    strbuf_adds(text, t))
			return -1;
	}
	return 0;
}

/* Read one entry: its time, text and tags; stored later (jrnl_store). */
static int
parse_jrnl_entry(const json_t *entry, size_t idx, struct transfer_rec *r,
                 char *err)
{
	char why[TRANSFER_ERR_MAX], when[32];
	struct strbuf legacy = {0};
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
	char iso[32];
	snprintf(iso, sizeof(iso), "%sT%s:00Z", date, hm);
	if (transfer_time_parse(iso, &r->wall) != 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "entry %zu has the date %s, which names no real day "
		         "and time",
		         idx, when);
		return TRANSFER_UNREADABLE;
	}
	r->t.created = r->t.updated = jrnl_local(r->wall);
	if (r->t.created < DATE_MIN || r->t.created > DATE_MAX) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "entry %zu has the date %s, which selfhelp cannot "
		         "keep",
		         idx, when);
		return TRANSFER_UNREADABLE;
	}
	snprintf(r->kind, sizeof(r->kind), "%s", JOURNAL_KIND);
	why[0] = '\0';
	if ((rc = jrnl_text(entry, &r->text, &legacy, why)))
		goto out;
	if (!(r->tags = json_array())) {
		rc = TRANSFER_ERROR;
		goto out;
	}
	if ((rc = jrnl_tags(entry, r->text.p ? r->text.p : "", r->text.len, r,
	                    why)))
		goto out;
	if (jrnl_blank(r->text.p, r->text.len)) {
		strbuf_release(&r->text);
		if (jrnl_tags_text(json_object_get(entry, "tags"), &r->text)) {
			rc = TRANSFER_ERROR;
			goto out;
		}
		r->empty = r->text.len == 0;
	}
	crypto_generichash(r->key, sizeof(r->key),
	                   (const unsigned char *)r->text.p, r->text.len, NULL,
	                   0);
	if ((r->has_legacy = legacy.len > 0))
		crypto_generichash(r->legacy, sizeof(r->legacy),
		                   (const unsigned char *)legacy.p, legacy.len,
		                   NULL, 0);
	rc = 0;
out:
	if (rc) {
		snprintf(err, TRANSFER_ERR_MAX, "entry %zu (%s): ", idx, when);
		append(err, why[0] ? why : "could not be read (out of memory)");
	}
	strbuf_release(&legacy);
	return rc;
}

/* The entry as a journal record: head and body through the codec. */
static int
jrnl_store(struct transfer_rec *r, size_t idx, char *err)
{
	char why[TRANSFER_ERR_MAX];
	json_t *rec = json_object(), *jtext = NULL;
	int rc = TRANSFER_ERROR;
	why[0] = '\0';
	if (!rec || jrnl_tags_fit(r))
		goto out;
	/* jansson read it, so it is UTF-8 already */
	jtext = json_stringn_nocheck(r->text.p, r->text.len);
	if (!jtext || json_object_set_new(rec, "mood", json_null()) ||
	    json_object_set(rec, "tags", r->tags) ||
	    json_object_set(rec, "text", jtext) ||
	    json_object_set_new(rec, JOURNAL_JRNL_TIME,
	                        json_integer((json_int_t)r->wall)))
		goto out;
	const struct transfer_codec *jc = transfer_codec_find(JOURNAL_KIND);
	if (jc->decode(jc, rec, &r->t, &r->head, &r->body, why)) {
		rc = strcmp(why, "out of memory") ? TRANSFER_UNREADABLE
		                                  : TRANSFER_ERROR;
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		snprintf(err, TRANSFER_ERR_MAX, "entry %zu: ", idx);
		append(err, why[0] ? why : "could not be read (out of memory)");
	}
	strbuf_release(&r->text);
	json_decref(jtext);
	json_decref(rec);
	return rc;
}

/* The minute jrnl wrote, the same in every time zone. */
static time_t
jrnl_minute(time_t wall)
{
	return wall / 60 - (wall % 60 < 0);
}

/* By jrnl minute, then text, then place in the file. */
static int
by_key(const void *a, const void *b)
{
	const struct transfer_rec *const *x = a, *const *y = b;
	time_t mx = jrnl_minute((*x)->wall), my = jrnl_minute((*y)->wall);
	if (mx != my)
		return mx < my ? -1 : 1;
	int c = memcmp((*x)->key, (*y)->key, KEY_BYTES);
	if (c)
		return c;
	return *x < *y ? -1 : *x > *y;
}

/* By jrnl minute, then place in the file. */
static int
by_minute(const void *a, const void *b)
{
	const struct transfer_rec *const *x = a, *const *y = b;
	time_t mx = jrnl_minute((*x)->wall), my = jrnl_minute((*y)->wall);
	if (mx != my)
		return mx < my ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/*
 * Entries that repeat an earlier one (the same minute and text) are
 * marked, and the earlier one takes their tags and star; entries of the
 * same minute get one second more each, in the file's order, so that
 * they list and export in that order (jrnl keeps minutes only; from the
 * 60th on they share the minute's last second).
 */
static int
jrnl_order(struct transfer_doc *d)
{
	struct transfer_rec **s = malloc((d->n ? d->n : 1) * sizeof(*s));
	size_t m = 0;
	if (!s)
		return -1;
	for (size_t i = 0; i < d->n; i++)
		if (!d->recs[i].empty)
			s[m++] = &d->recs[i];
	qsort(s, m, sizeof(*s), by_key);
	for (size_t i = 1, first = 0; i < m; i++) {
		if (jrnl_minute(s[first]->wall) == jrnl_minute(s[i]->wall) &&
		    !memcmp(s[first]->key, s[i]->key, KEY_BYTES)) {
			struct transfer_rec *a = s[first], *b = s[i];
			b->repeat = true;
			d->repeats++;
			a->starred |= b->starred;
			for (size_t j = 0; j < json_array_size(b->tags); j++)
				if (tag_add(a->tags,
				            json_string_value(json_array_get(
				                    b->tags, j))))
					goto oom;
		} else {
			first = i;
		}
	}
	m = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!d->recs[i].empty && !d->recs[i].repeat)
			s[m++] = &d->recs[i];
	qsort(s, m, sizeof(*s), by_minute);
	for (size_t i = 1, k = 0; i < m; i++) {
		k = jrnl_minute(s[i]->wall) == jrnl_minute(s[i - 1]->wall)
		            ? k + 1
		            : 0;
		s[i]->t.created += k < 60 ? (time_t)k : 59;
		s[i]->t.updated = s[i]->t.created;
	}
	free(s);
	return 0;
oom:
	free(s);
	return -1;
}

/* Is the entry one of a Day One JSON export ("creationDate", no
 * "date")? */
static bool
dayone_entry(const json_t *e)
{
	return json_is_object(e) && !json_object_get(e, "date") &&
	       json_object_get(e, "creationDate");
}

static const char text_form[] =
        "this looks like a jrnl journal in text form: export it with "
        "`jrnl --format json`";

static int
parse_jrnl(const json_t *root, struct transfer_doc *d, char *err)
{
	json_t *entries = json_object_get(root, "entries");
	size_t n = json_array_size(entries);
	d->format = TRANSFER_JRNL;
	if (dayone_entry(json_array_get(entries, 0))) {
		snprintf(err, TRANSFER_ERR_MAX, "%s", text_form);
		return TRANSFER_UNREADABLE;
	}
	d->recs = calloc(n ? n : 1, sizeof(*d->recs));
	if (!d->recs)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		int rc = parse_jrnl_entry(json_array_get(entries, i), i + 1,
		                          &d->recs[i], err);
		d->n = i + 1;
		if (rc)
			return rc;
		d->empty += d->recs[i].empty;
		d->shortened += d->recs[i].shortened;
	}
	if (jrnl_order(d))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		struct transfer_rec *r = &d->recs[i];
		bool was_short = r->shortened;
		if (r->empty || r->repeat)
			continue;
		int rc = jrnl_store(r, i + 1, err);
		if (rc)
			return rc;
		d->shortened += r->shortened && !was_short;
	}
	return 0;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	return TRANSFER_ERROR;
}

/*
 * Files that are not JSON but that people may have: jrnl's own journal
 * file and its text, Markdown and YAML exports, Day One's entries (XML
 * property lists), and selfhelp's Markdown export. A message for them,
 * or NULL.
 */
static const char *
not_json_hint(const char *buf, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && strchr(" \t\r\n", buf[i]) && buf[i])
		i++;
	const char *p = buf + i;
	size_t n = len - i;
#define STARTS(s) (n >= sizeof(s) - 1 && !memcmp(p, s, sizeof(s) - 1))
	if (STARTS("# selfhelp export"))
		return "this is selfhelp's Markdown export, which is for "
		       "reading; import the JSON export ('selfhelp export' "
		       "without --format markdown)";
	/* "[2024-01-02 09:15] Title" (jrnl 2 on), "2024-01-02 09:15 ..."
	 * (jrnl 1): no JSON starts with four digits and a dash. */
	size_t k = n && *p == '[' ? 1 : 0;
	bool year = n >= k + 5;
	for (size_t j = k; year && j < k + 4; j++)
		year = p[j] >= '0' && p[j] <= '9';
	if ((year && p[k + 4] == '-') || STARTS("<?xml") ||
	    STARTS("<!DOCTYPE plist") || STARTS("<plist") || STARTS("---") ||
	    STARTS("title:") || (n && *p == '#'))
		return text_form;
#undef STARTS
	return NULL;
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
	const char *hint = not_json_hint(buf, len);
	if (hint) {
		snprintf(err, TRANSFER_ERR_MAX, "%s", hint);
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
	time_t minute; /* jrnl_minute of the time jrnl wrote */
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
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return memcmp(x->key, y->key, KEY_BYTES);
}

/*
 * Collect (minute, hash of text) of the vault's journal entries. The
 * minute is the one jrnl wrote, kept in the head of entries imported
 * from jrnl, so that it does not depend on the time zone; for others it
 * is the local wall-clock minute of their created time.
 */
static bool
jkey_of(const struct vault_item *it, struct jkey *k)
{
	struct transfer_times t;
	if (it->damaged)
		return false;
	json_t *h = transfer_load_head(it->head, it->headlen);
	if (!json_is_object(h) || transfer_head_times(h, &t) != 0) {
		json_decref(h);
		return false;
	}
	json_t *wall = json_object_get(h, JOURNAL_JRNL_TIME);
	k->minute = json_is_integer(wall)
	                    ? jrnl_minute((time_t)json_integer_value(wall))
	                    : jrnl_minute(t.created + local_offset(t.created));
	json_decref(h);
	crypto_generichash(k->key, KEY_BYTES, it->body, it->bodylen, NULL, 0);
	return true;
}

static bool
jkey_push(struct jkeys *s, const struct jkey *k)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct jkey *nk = realloc(s->k, cap * sizeof(*nk));
		if (!nk) {
			s->oom = true;
			return false;
		}
		s->k = nk;
		s->cap = cap;
	}
	s->k[s->n++] = *k;
	return true;
}

static int
jkey_cb(void *arg, const struct vault_item *it)
{
	struct jkey k;
	return jkey_of(it, &k) && !jkey_push(arg, &k) ? 1 : 0;
}

/* The same on vault_search's threads, at once: the keys are pushed under
 * the lock, and no record goes on to the walk's callback. */
struct jkeys_shared {
	struct jkeys *keys;
	pthread_mutex_t mu;
};

static bool
jkey_keep(void *arg, const struct vault_item *it)
{
	struct jkeys_shared *sh = arg;
	struct jkey k;
	if (jkey_of(it, &k)) {
		pthread_mutex_lock(&sh->mu);
		if (!sh->keys->oom)
			jkey_push(sh->keys, &k);
		pthread_mutex_unlock(&sh->mu);
	}
	return false;
}

/* the damaged records, which hold no entry to match */
static int
jkey_none(void *arg, const struct vault_item *it)
{
	(void)arg;
	(void)it;
	return 0;
}

/* Does the vault hold the jrnl entry r (as this or an older selfhelp
 * imported it)? */
static bool
jrnl_in_vault(const struct jkeys *keys, const struct transfer_rec *r)
{
	struct jkey k = {.minute = jrnl_minute(r->wall)};
	if (!keys->n)
		return false;
	memcpy(k.key, r->key, KEY_BYTES);
	if (bsearch(&k, keys->k, keys->n, sizeof(*keys->k), jkey_cmp))
		return true;
	memcpy(k.key, r->legacy, KEY_BYTES);
	return r->has_legacy &&
	       bsearch(&k, keys->k, keys->n, sizeof(*keys->k), jkey_cmp);
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
		                  r->body.p, r->body.len, r->flags);
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
	res->records = d->n;
	res->empty = d->empty;
	res->repeats = d->repeats;
	res->shortened = d->shortened;
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
		if (r->empty || r->repeat)
			continue;
		if (jrnl_in_vault(&keys, r)) {
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

/* --- streaming import --- */

/*
 * A jrnl export is read as it comes, one entry at a time, so that memory
 * does not grow with the file: a small scanner walks the top-level
 * object and the "entries" list, and hands each entry's bytes to jansson.
 * Anything else (a selfhelp export, a file that is not JSON, one whose
 * first key is not understood before "entries") is read whole and goes
 * through transfer_parse and transfer_import, which give the messages.
 */
enum { SCAN_CHUNK = 65536 };

struct scan {
	transfer_read_fn read;
	void *arg;
	struct strbuf b; /* unread bytes from b.p + pos */
	size_t pos;
	int line, col; /* where pos is, 1-based */
	bool eof, io_error, oom;
	bool keep; /* never drop what was read (until "entries") */
};

/* Read more: at least `want` bytes past pos, or to the end. Returns 0,
 * or -1 when the reader failed or memory ran out. */
static int
scan_fill(struct scan *s, size_t want)
{
	while (!s->eof && s->b.len - s->pos < want) {
		if (!s->keep && s->pos > SCAN_CHUNK && s->pos * 2 > s->b.len) {
			size_t rest = s->b.len - s->pos;
			memmove(s->b.p, s->b.p + s->pos, rest);
			sodium_memzero(s->b.p + rest, s->b.len - rest);
			s->b.len = rest;
			s->pos = 0;
		}
		if (!strbuf_grow(&s->b, SCAN_CHUNK)) {
			s->oom = true;
			return -1;
		}
		ssize_t n = s->read(s->arg, s->b.p + s->b.len, SCAN_CHUNK);
		if (n < 0) {
			s->io_error = true;
			return -1;
		}
		if (n == 0) {
			s->eof = true;
			break;
		}
		s->b.len += (size_t)n;
		s->b.p[s->b.len] = '\0';
	}
	return 0;
}

/* Step past n bytes, counting lines. */
static void
scan_skip(struct scan *s, size_t n)
{
	for (size_t i = 0; i < n; i++, s->pos++) {
		if (s->b.p[s->pos] == '\n') {
			s->line++;
			s->col = 1;
		} else {
			s->col++;
		}
	}
}

/* Skip white space; the next byte, or -1 at the end (or an error). */
static int
scan_peek(struct scan *s)
{
	for (;;) {
		if (s->pos == s->b.len &&
		    (scan_fill(s, 1) || s->pos == s->b.len))
			return -1;
		char c = s->b.p[s->pos];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return (unsigned char)c;
		scan_skip(s, 1);
	}
}

/* The length of the JSON value at pos (white space skipped): balanced
 * brackets outside strings, or a scalar up to a delimiter. 0 when the
 * input ends first (or on a read error). */
static size_t
scan_value_len(struct scan *s)
{
	size_t i = 0, depth = 0;
	bool str = false, esc = false;
	for (;;) {
		if (s->pos + i == s->b.len &&
		    (scan_fill(s, i + 1) || s->pos + i == s->b.len))
			return depth || str || i == 0 ? 0 : i;
		char c = s->b.p[s->pos + i];
		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"') {
				str = false;
				if (!depth)
					return i + 1;
			}
		} else if (c == '"') {
			str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (!depth)
				return i;
			if (!--depth)
				return i + 1;
		} else if (!depth && (c == ',' || c == ':' || c == ' ' ||
		                      c == '\t' || c == '\r' || c == '\n')) {
			return i;
		}
		i++;
	}
}

/* The message for a jansson error in a value read at line/col. */
static int
scan_json_error(const struct scan *s, json_error_t *e, int line, int col,
                char *err)
{
	if (e->line == 1)
		e->column += col - 1;
	e->line += line - 1;
	return syntax_error(e, err);
}

static int
scan_syntax(const struct scan *s, char *err)
{
	if (s->io_error || s->oom) {
		snprintf(err, TRANSFER_ERR_MAX, "%s",
		         s->oom ? "out of memory"
		                : "the file could not be read");
		return s->oom ? TRANSFER_ERROR : TRANSFER_READ_FAILED;
	}
	if (s->pos == s->b.len)
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file ends early, on line %d (was it cut short?)",
		         s->line);
	else
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d, column %d does not read as JSON", s->line,
		         s->col);
	return TRANSFER_UNREADABLE;
}

/*
 * A jrnl entry is a flat object: keys to text, true/false/null, and
 * lists of text. This reads just that shape, several times faster than
 * jansson (whose reading was a third of a large import's time), and
 * gives the very value jansson gives. Anything else, or anything jansson
 * would refuse (a control character, a lone surrogate, \u0000, a key
 * twice, bytes that are not UTF-8), is left to jansson, which reads it
 * or says what is wrong: returns NULL then.
 */
struct fast {
	const char *p, *end;
	struct strbuf s; /* the last string read */
};

static void
fast_ws(struct fast *f)
{
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' ||
	                         *f->p == '\n' || *f->p == '\r'))
		f->p++;
}

static int
fast_hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string at p (its '"') into f->s. Returns 0, or -1: not ours. */
static int
fast_string(struct fast *f)
{
	f->s.len = 0;
	if (f->p >= f->end || *f->p != '"')
		return -1;
	f->p++;
	for (;;) {
		const char *run = f->p;
		while (f->p < f->end && (unsigned char)*f->p >= 0x20 &&
		       *f->p != '"' && *f->p != '\\')
			f->p++;
		if (f->p >= f->end || (unsigned char)*f->p < 0x20 ||
		    !utf8_valid((const unsigned char *)run,
		                (size_t)(f->p - run)) ||
		    strbuf_add(&f->s, run, (size_t)(f->p - run)))
			return -1;
		if (*f->p == '"') {
			f->p++;
			return 0;
		}
		/* an escape */
		if (f->end - f->p < 2)
			return -1;
		char c = f->p[1], out;
		f->p += 2;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			out = c;
			break;
		case 'b':
			out = '\b';
			break;
		case 'f':
			out = '\f';
			break;
		case 'n':
			out = '\n';
			break;
		case 'r':
			out = '\r';
			break;
		case 't':
			out = '\t';
			break;
		case 'u': {
			uint32_t cp, lo;
			unsigned char u[4];
			size_t k;
			if (f->end - f->p < 4 || fast_hex4(f->p, &cp))
				return -1;
			f->p += 4;
			if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
				return -1;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (f->end - f->p < 6 || f->p[0] != '\\' ||
				    f->p[1] != 'u' ||
				    fast_hex4(f->p + 2, &lo) || lo < 0xDC00 ||
				    lo > 0xDFFF)
					return -1;
				f->p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
			}
			if (cp < 0x80) {
				u[0] = (unsigned char)cp, k = 1;
			} else if (cp < 0x800) {
				u[0] = (unsigned char)(0xC0 | cp >> 6);
				u[1] = (unsigned char)(0x80 | (cp & 0x3F)),
				k = 2;
			} else if (cp < 0x10000) {
				u[0] = (unsigned char)(0xE0 | cp >> 12);
				u[1] = (unsigned char)(0x80 |
				                       ((cp >> 6) & 0x3F));
				u[2] = (unsigned char)(0x80 | (cp & 0x3F)),
				k = 3;
			} else {
				u[0] = (unsigned char)(0xF0 | cp >> 18);
				u[1] = (unsigned char)(0x80 |
				                       ((cp >> 12) & 0x3F));
				u[2] = (unsigned char)(0x80 |
				                       ((cp >> 6) & 0x3F));
				u[3] = (unsigned char)(0x80 | (cp & 0x3F)),
				k = 4;
			}
			if (strbuf_add(&f->s, u, k))
				return -1;
			continue;
		}
		default:
			return -1;
		}
		if (strbuf_add(&f->s, &out, 1))
			return -1;
	}
}

static bool
fast_word(struct fast *f, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n))
		return false;
	f->p += n;
	return true;
}

/* An integer of up to 18 digits (it cannot overflow), as jansson reads
 * it; -1 (fast_int: NULL) for anything else (a fraction, an exponent, a
 * leading zero, more digits), which is left to jansson. */
static int
direct_int(struct fast *f, int64_t *out)
{
	const char *p = f->p, *d;
	int64_t v = 0;
	bool neg = p < f->end && *p == '-';
	if (neg)
		p++;
	for (d = p; p < f->end && *p >= '0' && *p <= '9' && p - d < 18; p++)
		v = v * 10 + (*p - '0');
	if (p == d || (p - d > 1 && *d == '0') ||
	    (p < f->end &&
	     ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E')))
		return -1;
	f->p = p;
	*out = neg ? -v : v;
	return 0;
}

static json_t *
fast_int(struct fast *f)
{
	int64_t v;
	return direct_int(f, &v) ? NULL : json_integer((json_int_t)v);
}

/* A value of the jrnl shape (or an integer, as a record's head has);
 * NULL when it is not one. */
static json_t *
fast_value(struct fast *f)
{
	if (f->p >= f->end)
		return NULL;
	if (*f->p == '-' || (*f->p >= '0' && *f->p <= '9'))
		return fast_int(f);
	if (*f->p == '"')
		return fast_string(f) ? NULL
		                      : json_stringn_nocheck(
		                                f->s.p ? f->s.p : "", f->s.len);
	if (fast_word(f, "true"))
		return json_true();
	if (fast_word(f, "false"))
		return json_false();
	if (fast_word(f, "null"))
		return json_null();
	if (*f->p != '[')
		return NULL;
	json_t *a = json_array();
	f->p++;
	fast_ws(f);
	if (a && f->p < f->end && *f->p == ']') {
		f->p++;
		return a;
	}
	while (a) {
		if (fast_string(f) ||
		    json_array_append_new(
		            a, json_stringn_nocheck(f->s.p ? f->s.p : "",
		                                    f->s.len)))
			break;
		fast_ws(f);
		if (f->p < f->end && *f->p == ']') {
			f->p++;
			return a;
		}
		if (f->p >= f->end || *f->p != ',')
			break;
		f->p++;
		fast_ws(f);
	}
	json_decref(a);
	return NULL;
}

/* The entry of `len` bytes at p, or NULL: ask jansson. */
static json_t *
fast_entry(const char *p, size_t len)
{
	struct fast f = {.p = p, .end = p + len};
	json_t *o = json_object();
	fast_ws(&f);
	if (!o || f.p >= f.end || *f.p++ != '{')
		goto no;
	fast_ws(&f);
	if (f.p < f.end && *f.p == '}') {
		f.p++;
		goto done;
	}
	for (;;) {
		if (fast_string(&f))
			goto no;
		if (strbuf_add(&f.s, "", 1)) /* the key's NUL */
			goto no;
		char *key = strdup(f.s.p);
		if (!key)
			goto no;
		fast_ws(&f);
		json_t *val = NULL;
		if (f.p < f.end && *f.p == ':') {
			f.p++;
			fast_ws(&f);
			val = fast_value(&f);
		}
		if (val && json_object_get(o, key)) {
			json_decref(val); /* a key twice: jansson says so */
			val = NULL;
		}
		/* json_object_set_new takes val, also when it fails */
		bool bad = !val || json_object_set_new(o, key, val);
		free(key);
		if (bad)
			goto no;
		fast_ws(&f);
		if (f.p < f.end && *f.p == '}') {
			f.p++;
			break;
		}
		if (f.p >= f.end || *f.p != ',')
			goto no;
		f.p++;
		fast_ws(&f);
	}
done:
	fast_ws(&f);
	if (f.p != f.end)
		goto no;
	strbuf_release(&f.s);
	return o;
no:
	strbuf_release(&f.s);
	json_decref(o);
	return NULL;
}

json_t *
transfer_load_head(const unsigned char *p, size_t len)
{
	json_error_t jerr;
	json_t *o = fast_entry((const char *)p, len);
	return o ? o : json_loadb((const char *)p, len, 0, &jerr);
}

/* Read the JSON value at pos into *out (caller json_decref); an entry
 * of the jrnl shape (`entry`) by fast_entry when it can. */
static int
scan_json(struct scan *s, json_t **out, bool entry, char *err)
{
	json_error_t jerr;
	*out = NULL;
	if (scan_peek(s) < 0)
		return scan_syntax(s, err);
	int line = s->line, col = s->col;
	size_t n = scan_value_len(s);
	if (!n && s->eof && !s->io_error && !s->oom) {
		/* cut short inside the value: name the last line */
		for (size_t i = s->pos; i < s->b.len; i++)
			line += s->b.p[i] == '\n';
		snprintf(err, TRANSFER_ERR_MAX,
		         "the file ends early, on line %d (was it cut short?)",
		         line);
		return TRANSFER_UNREADABLE;
	}
	if (!n)
		return scan_syntax(s, err);
	*out = entry ? fast_entry(s->b.p + s->pos, n) : NULL;
	if (!*out)
		*out = json_loadb(s->b.p + s->pos, n,
		                  JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		                  &jerr);
	if (!*out)
		return scan_json_error(s, &jerr, line, col, err);
	scan_skip(s, n);
	return 0;
}

/* --- the entries of the file seen so far, for repeats and order --- */

enum { SEEN_KEY = 16 }; /* of the text's hash: plenty to tell apart */

struct seen_entry {
	time_t minute;
	unsigned char key[SEEN_KEY];
	unsigned char id[VAULT_ID_HEX / 2]; /* where it was stored */
	bool stored;                        /* false: it was in the vault */
	bool used;
};

struct minute_count {
	time_t minute;
	size_t n;
	bool used;
};

struct seen {
	struct seen_entry *e;
	struct minute_count *m;
	size_t ne, cape, nm, capm;
};

static size_t
seen_hash(time_t minute, const unsigned char *key)
{
	uint64_t h = (uint64_t)minute * 0x9E3779B97F4A7C15u;
	if (key) {
		uint64_t k;
		memcpy(&k, key, sizeof(k));
		h ^= k;
	}
	return (size_t)(h ^ (h >> 29));
}

/* The slot of (minute, key) in e, free or holding it. */
static struct seen_entry *
seen_slot(struct seen_entry *e, size_t cap, time_t minute,
          const unsigned char *key)
{
	for (size_t i = seen_hash(minute, key) & (cap - 1);;
	     i = (i + 1) & (cap - 1))
		if (!e[i].used ||
		    (e[i].minute == minute && !memcmp(e[i].key, key, SEEN_KEY)))
			return &e[i];
}

static struct minute_count *
minute_slot(struct minute_count *m, size_t cap, time_t minute)
{
	for (size_t i = seen_hash(minute, NULL) & (cap - 1);;
	     i = (i + 1) & (cap - 1))
		if (!m[i].used || m[i].minute == minute)
			return &m[i];
}

/* Room for one more of each (filled up to 7/8: linear probing stays
 * short with hashes this random, and a large import stays small).
 * Returns 0, or -1. */
static int
seen_grow(struct seen *s)
{
	if ((s->ne + 1) * 8 > s->cape * 7) {
		size_t cap = s->cape ? s->cape * 2 : 1024;
		struct seen_entry *e = calloc(cap, sizeof(*e));
		if (!e)
			return -1;
		for (size_t i = 0; i < s->cape; i++)
			if (s->e[i].used)
				*seen_slot(e, cap, s->e[i].minute,
				           s->e[i].key) = s->e[i];
		free(s->e);
		s->e = e;
		s->cape = cap;
	}
	if ((s->nm + 1) * 8 > s->capm * 7) {
		size_t cap = s->capm ? s->capm * 2 : 1024;
		struct minute_count *m = calloc(cap, sizeof(*m));
		if (!m)
			return -1;
		for (size_t i = 0; i < s->capm; i++)
			if (s->m[i].used)
				*minute_slot(m, cap, s->m[i].minute) = s->m[i];
		free(s->m);
		s->m = m;
		s->capm = cap;
	}
	return 0;
}

struct merge_ctx {
	struct transfer_rec *r; /* gets the stored entry's text and tags */
	bool oom;
};

/* The stored entry's text and tags into the record, to merge. */
static int
merge_cb(void *arg, const struct vault_item *it)
{
	struct merge_ctx *c = arg;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	if (it->damaged)
		return 0;
	json_t *f = encode_item(it->kind, it->head, it->headlen, it->body,
	                        it->bodylen, &t, why);
	json_t *tags = json_object_get(f, "tags");
	json_t *text = json_object_get(f, "text");
	c->r->t = t;
	if (!f || !json_is_string(text) ||
	    strbuf_add(&c->r->text, json_string_value(text),
	               json_string_length(text)))
		c->oom = true;
	for (size_t i = 0; !c->oom && i < json_array_size(tags); i++)
		if (tag_add(c->r->tags,
		            json_string_value(json_array_get(tags, i))))
			c->oom = true;
	json_decref(f);
	return 0;
}

/*
 * r repeats the entry stored as `id`: store that again with the tags
 * and star of both (its time and text stay).
 */
static int
jrnl_merge(struct vault *v, const char *id, const struct transfer_rec *r,
           char *err)
{
	struct transfer_rec m = {0};
	struct merge_ctx c = {.r = &m};
	int rc = TRANSFER_ERROR;
	m.wall = r->wall;
	m.starred = r->starred;
	if (!(m.tags = json_array()))
		goto out;
	if (vault_get(v, id, JOURNAL_KIND, merge_cb, &c)) {
		rc = vault_failed(v, err);
		goto out;
	}
	if (c.oom)
		goto out;
	size_t before = json_array_size(m.tags);
	for (size_t j = 0; j < json_array_size(r->tags); j++)
		if (tag_add(m.tags,
		            json_string_value(json_array_get(r->tags, j))))
			goto out;
	if (r->starred && tag_add(m.tags, "starred"))
		goto out;
	if (json_array_size(m.tags) == before) {
		rc = 0; /* nothing new */
		goto out;
	}
	if ((rc = jrnl_store(&m, 0, err)))
		goto out;
	if (vault_put(v, id, JOURNAL_KIND, m.head.p, m.head.len, m.body.p,
	              m.body.len, NULL))
		rc = vault_failed(v, err);
out:
	if (rc == TRANSFER_ERROR && !err[0])
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
	strbuf_release(&m.head);
	strbuf_release(&m.body);
	strbuf_release(&m.text);
	json_decref(m.tags);
	return rc;
}

/* The vault's journal entries, to find those there already. */
static int
jrnl_vault_keys(struct vault *v, struct jkeys *keys, char *err)
{
	struct jkeys_shared sh = {.keys = keys};
	int rc;
	/* decrypted and read on every core: all of a re-import's records */
	if (pthread_mutex_init(&sh.mu, NULL) == 0) {
		rc = vault_search(v, JOURNAL_KIND, VAULT_EACH_BODY, jkey_keep,
		                  &sh, jkey_none, NULL);
		pthread_mutex_destroy(&sh.mu);
	} else {
		rc = vault_each(v, JOURNAL_KIND, VAULT_EACH_BODY, jkey_cb,
		                keys);
	}
	if (rc || keys->oom) {
		if (keys->oom)
			snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		else
			vault_failed(v, err);
		return TRANSFER_ERROR;
	}
	if (keys->n)
		qsort(keys->k, keys->n, sizeof(*keys->k), jkey_cmp);
	return 0;
}

/*
 * The entries list is read, parsed and encoded on a second thread (the
 * reader) in batches of JOB_BATCH entries, while this one inserts the
 * records into SQLite (only this thread uses the connection), in the
 * order of the file: the first failure in that order is the one told,
 * and the caller rolls the whole transaction back. The sealing and the
 * search filter of a batch are done by the reader while this thread has
 * a batch to store, else (it would wait) by this thread: the work is
 * shared as the two keep up.
 */
enum { JOB_BATCH = 32, JOB_BATCHES = 2 };

enum job_what { JOB_NONE, JOB_ADD, JOB_MERGE };

struct job {
	enum job_what what;
	struct transfer_rec r;       /* ADD: as stored; MERGE: the repeat */
	char id[VAULT_ID_HEX + 1];   /* MERGE: the entry it repeats */
	struct vault_sealed *sealed; /* ADD; kept for the next batches */
	bool is_sealed;              /* else this thread seals it (job_seal) */
};

struct batch {
	struct job jobs[JOB_BATCH];
	size_t n;
	int rc;    /* the reader's failure after the jobs, or 0 */
	bool last; /* the end of the list, or rc */
	char err[TRANSFER_ERR_MAX];
};

/* An id drawn twice (only a matter of principle): stored under another. */
struct remap {
	char from[VAULT_ID_HEX + 1], to[VAULT_ID_HEX + 1];
};

struct pipe {
	/* the reader's alone while it runs */
	const struct vault *v; /* only sealed with (vault_seal_new) */
	struct scan *s;
	const struct jkeys *keys;
	struct seen seen;
	size_t idx;
	struct transfer_result res; /* its counts */
	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t made, used; /* batches filled and emptied */
	bool stop;         /* the inserts failed: read no more */
	struct batch b[JOB_BATCHES];
	/* this thread's */
	struct remap *map;
	size_t nmap;
};

static void
job_clear(struct job *j)
{
	strbuf_release(&j->r.head);
	strbuf_release(&j->r.body);
	strbuf_release(&j->r.text);
	json_decref(j->r.tags);
	memset(&j->r, 0, sizeof(j->r));
	j->what = JOB_NONE;
	j->is_sealed = false;
}

/* Seal a job's new record and make its search filter (on either
 * thread); 0, or -1 with err set. */
static int
job_seal(const struct vault *v, struct job *j, char *err)
{
	const struct transfer_rec *r = &j->r;
	if (vault_seal_new(v, j->sealed, r->kind, r->head.p, r->head.len,
	                   r->body.p, r->body.len, (int64_t)time(NULL))) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return -1;
	}
	vault_sealed_filter(j->sealed, r->head.p, r->head.len, r->body.p,
	                    r->body.len);
	j->is_sealed = true;
	return 0;
}

/* On the reader: one entry, left out, a repeat, skipped or a record to
 * add (sealed too if `seal`). */
static int
job_make(struct pipe *p, const json_t *entry, struct job *j, bool seal,
         char *err)
{
	struct transfer_rec *r = &j->r;
	struct seen *seen = &p->seen;
	int rc = parse_jrnl_entry(entry, p->idx, r, err);
	if (rc)
		return rc;
	p->res.shortened += r->shortened;
	if (r->empty) {
		p->res.empty++;
		return 0;
	}
	if (seen_grow(seen))
		return TRANSFER_ERROR;
	time_t minute = jrnl_minute(r->wall);
	struct seen_entry *se = seen_slot(seen->e, seen->cape, minute, r->key);
	if (se->used) {
		p->res.repeats++;
		if (se->stored) {
			sodium_bin2hex(j->id, sizeof(j->id), se->id,
			               sizeof(se->id));
			j->what = JOB_MERGE;
		}
		return 0;
	}
	se->used = true;
	se->minute = minute;
	memcpy(se->key, r->key, SEEN_KEY);
	seen->ne++;
	struct minute_count *mc = minute_slot(seen->m, seen->capm, minute);
	if (!mc->used) {
		mc->used = true;
		mc->minute = minute;
		seen->nm++;
	}
	r->t.created += mc->n < 60 ? (time_t)mc->n : 59;
	r->t.updated = r->t.created;
	mc->n++;
	if (jrnl_in_vault(p->keys, r)) {
		p->res.skipped++;
		return 0;
	}
	bool was_short = r->shortened;
	if ((rc = jrnl_store(r, p->idx, err)))
		return rc;
	p->res.shortened += r->shortened && !was_short;
	if (j->sealed)
		vault_sealed_draw_id(j->sealed);
	if (!j->sealed && !(j->sealed = vault_sealed_new())) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	if (seal && job_seal(p->v, j, err))
		return TRANSFER_ERROR;
	memcpy(se->id, vault_sealed_id(j->sealed), sizeof(se->id));
	se->stored = true;
	j->what = JOB_ADD;
	return 0;
}

/* On the reader: the next entries of the list into b; sealed if `seal`
 * (else this thread seals them, when it would wait for the reader). */
static void
batch_fill(struct pipe *p, struct batch *b, bool seal)
{
	struct scan *s = p->s;
	/* what the last round left: freed on the thread that made it (one
	 * malloc arena, no lock taken by both) */
	for (size_t i = 0; i < b->n; i++)
		job_clear(&b->jobs[i]);
	b->n = 0;
	b->rc = 0;
	b->last = false;
	b->err[0] = '\0';
	while (b->n < JOB_BATCH) {
		json_t *entry;
		int c;
		if ((b->rc = scan_json(s, &entry, true, b->err)))
			break;
		if (++p->idx == 1 && dayone_entry(entry)) {
			json_decref(entry);
			snprintf(b->err, TRANSFER_ERR_MAX, "%s", text_form);
			b->rc = TRANSFER_UNREADABLE;
			break;
		}
		b->rc = job_make(p, entry, &b->jobs[b->n++], seal, b->err);
		json_decref(entry);
		p->res.records++;
		if (b->rc)
			break;
		c = scan_peek(s);
		scan_skip(s, c == ',' || c == ']' ? 1 : 0);
		if (c == ']') {
			b->last = true;
			return;
		}
		if (c != ',') {
			b->rc = scan_syntax(s, b->err);
			break;
		}
	}
	if (b->rc)
		b->last = true;
}

static void *
reader_main(void *arg)
{
	struct pipe *p = arg;
	for (bool last = false; !last;) {
		pthread_mutex_lock(&p->mu);
		while (!p->stop && p->made - p->used == JOB_BATCHES)
			pthread_cond_wait(&p->cv, &p->mu);
		bool stop = p->stop;
		/* this thread waits for the reader when it has no batch:
		 * then the reader leaves the sealing to it */
		bool seal = p->made != p->used;
		struct batch *b = &p->b[p->made % JOB_BATCHES];
		pthread_mutex_unlock(&p->mu);
		if (stop)
			break;
		batch_fill(p, b, seal);
		last = b->last;
		pthread_mutex_lock(&p->mu);
		p->made++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* On this thread: store one job's record, or merge its repeat. */
static int
job_apply(struct vault *v, struct pipe *p, struct job *j,
          struct transfer_result *res, char *err)
{
	char id[VAULT_ID_HEX + 1];
	int rc;
	if (j->what == JOB_MERGE) {
		for (size_t i = 0; i < p->nmap; i++)
			if (!strcmp(p->map[i].from, j->id))
				memcpy(j->id, p->map[i].to, sizeof(j->id));
		return jrnl_merge(v, j->id, &j->r, err);
	}
	if (j->what != JOB_ADD)
		return 0;
	if (!j->is_sealed && job_seal(v, j, err))
		return TRANSFER_ERROR;
	if ((rc = vault_put_sealed(v, j->sealed)) == VAULT_EXISTS) {
		struct remap *m = realloc(p->map, (p->nmap + 1) * sizeof(*m));
		if (!m) {
			snprintf(err, TRANSFER_ERR_MAX, "out of memory");
			return TRANSFER_ERROR;
		}
		p->map = m;
		m += p->nmap;
		sodium_bin2hex(m->from, sizeof(m->from),
		               vault_sealed_id(j->sealed), VAULT_ID_HEX / 2);
		rc = vault_put(v, NULL, j->r.kind, j->r.head.p, j->r.head.len,
		               j->r.body.p, j->r.body.len, id);
		if (!rc) {
			memcpy(m->to, id, sizeof(m->to));
			p->nmap++;
		}
	}
	if (rc)
		return vault_failed(v, err);
	res->added++;
	return 0;
}

/* On this thread: store a batch's records; 0 or the first failure. */
static int
batch_apply(struct vault *v, struct pipe *p, struct batch *b,
            struct transfer_result *res, char *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < b->n; i++)
		rc = job_apply(v, p, &b->jobs[i], res, err);
	if (!rc && b->rc) {
		memcpy(err, b->err, TRANSFER_ERR_MAX);
		rc = b->rc;
	}
	return rc;
}

/* The "entries" list, from its '[' on. */
static int
stream_entries(struct vault *v, struct scan *s, struct transfer_result *res,
               char *err)
{
	struct jkeys keys = {0};
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t reader;
	bool threaded = false;
	int rc, c;
	if (!p) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	if ((rc = jrnl_vault_keys(v, &keys, err)))
		goto out;
	scan_skip(s, 1); /* '[' */
	if ((c = scan_peek(s)) == ']') {
		scan_skip(s, 1);
		goto out;
	}
	p->v = v;
	p->s = s;
	p->keys = &keys;
	/* SELFHELP_TEST_IMPORT_ONE_THREAD: for tests/cli/t5010 only, the
	 * way taken when there is no second thread; never set otherwise */
	const char *one = getenv("SELFHELP_TEST_IMPORT_ONE_THREAD");
	if ((!one || !*one) && pthread_mutex_init(&p->mu, NULL) == 0) {
		if (pthread_cond_init(&p->cv, NULL) == 0) {
			threaded = pthread_create(&reader, NULL, reader_main,
			                          p) == 0;
			if (!threaded)
				pthread_cond_destroy(&p->cv);
		}
		if (!threaded)
			pthread_mutex_destroy(&p->mu);
	}
	if (!threaded) {
		/* no second thread: read a batch, store it, and so on */
		for (bool last = false; !rc && !last;) {
			batch_fill(p, &p->b[0], true);
			last = p->b[0].last;
			rc = batch_apply(v, p, &p->b[0], res, err);
		}
		goto out;
	}
	for (bool last = false; !rc && !last;) {
		pthread_mutex_lock(&p->mu);
		while (p->made == p->used)
			pthread_cond_wait(&p->cv, &p->mu);
		struct batch *b = &p->b[p->used % JOB_BATCHES];
		pthread_mutex_unlock(&p->mu);
		last = b->last;
		rc = batch_apply(v, p, b, res, err);
		pthread_mutex_lock(&p->mu);
		p->used++;
		p->stop = rc != 0;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_join(reader, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
out:
	res->records += p->res.records;
	res->shortened += p->res.shortened;
	res->empty += p->res.empty;
	res->repeats += p->res.repeats;
	res->skipped += p->res.skipped;
	for (size_t i = 0; i < JOB_BATCHES; i++)
		for (size_t k = 0; k < JOB_BATCH; k++) {
			job_clear(&p->b[i].jobs[k]);
			vault_sealed_free(p->b[i].jobs[k].sealed);
		}
	free(p->map);
	free(p->seen.e);
	free(p->seen.m);
	free(p);
	free(keys.k);
	return rc;
}

/* Read the rest of the input and import it whole. */
static int
import_whole(struct vault *v, struct scan *s, struct transfer_result *res,
             enum transfer_format *fmt, char *err)
{
	struct transfer_doc *d = NULL;
	while (!s->eof)
		if (scan_fill(s, s->b.len - s->pos + SCAN_CHUNK))
			return scan_syntax(s, err);
	int rc = transfer_parse(s->b.p ? s->b.p : "", s->b.len, &d, err);
	if (!rc) {
		*fmt = transfer_doc_format(d);
		rc = transfer_import(v, d, res, err);
		res->records = transfer_doc_count(d);
	}
	transfer_doc_free(d);
	return rc;
}

int
transfer_import_stream(struct vault *v, transfer_read_fn read, void *arg,
                       struct transfer_result *res, enum transfer_format *fmt,
                       char *err)
{
	struct scan s = {
	        .read = read, .arg = arg, .line = 1, .col = 1, .keep = true};
	bool entries = false;
	json_t *keys = json_object(); /* the top-level keys seen */
	int rc, c;
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	*fmt = TRANSFER_JRNL;
	if (!keys) {
		snprintf(err, TRANSFER_ERR_MAX, "out of memory");
		return TRANSFER_ERROR;
	}
	/* Stream only an object whose keys, before "entries", are ones a
	 * jrnl export has; anything else is read whole. */
	if (scan_peek(&s) != '{')
		goto whole;
	scan_skip(&s, 1);
	c = scan_peek(&s);
	while (c == '"') {
		json_t *key;
		if (scan_json(&s, &key, false, err) || !json_is_string(key)) {
			json_decref(key);
			goto whole;
		}
		const char *k = json_string_value(key);
		bool is_entries = !strcmp(k, "entries");
		bool is_selfhelp = !strcmp(k, "selfhelp_export");
		bool known = is_entries || !strcmp(k, "tags");
		bool twice = json_object_get(keys, k) != NULL;
		if ((!entries && (!known || twice)) ||
		    json_object_set(keys, k, json_null())) {
			json_decref(key);
			goto whole;
		}
		json_decref(key);
		if (twice || is_selfhelp) {
			snprintf(err, TRANSFER_ERR_MAX,
			         twice ? "line %d: the same key appears "
			                 "twice in one object"
			               : "line %d: the file holds jrnl "
			                 "entries and a selfhelp export",
			         s.line);
			rc = TRANSFER_UNREADABLE;
			goto out;
		}
		if (scan_peek(&s) != ':') {
			if (!entries)
				goto whole;
			rc = scan_syntax(&s, err);
			goto out;
		}
		scan_skip(&s, 1);
		if (is_entries && scan_peek(&s) == '[') {
			entries = true;
			s.keep = false;
			if ((rc = stream_entries(v, &s, res, err)))
				goto out;
		} else if (is_entries) {
			goto whole;
		} else {
			json_t *val;
			if ((rc = scan_json(&s, &val, false, err))) {
				if (!entries)
					goto whole;
				goto out;
			}
			json_decref(val);
		}
		if ((c = scan_peek(&s)) != ',')
			break;
		scan_skip(&s, 1);
		if ((c = scan_peek(&s)) != '"') {
			c = 0; /* a comma before the end */
			break;
		}
	}
	if (!entries)
		goto whole;
	if (c != '}') {
		rc = scan_syntax(&s, err);
		goto out;
	}
	scan_skip(&s, 1);
	if (scan_peek(&s) >= 0) {
		snprintf(err, TRANSFER_ERR_MAX,
		         "line %d, column %d: there is more after the end of "
		         "the JSON document",
		         s.line, s.col);
		rc = TRANSFER_UNREADABLE;
		goto out;
	}
	rc = 0;
	goto out;
whole:
	/* nothing was stored: read it all from the start */
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	s.keep = true;
	rc = import_whole(v, &s, res, fmt, err);
out:
	json_decref(keys);
	strbuf_release(&s.b);
	if (s.io_error || s.oom) {
		snprintf(err, TRANSFER_ERR_MAX, "%s",
		         s.oom ? "out of memory"
		               : "the file could not be read");
		return s.oom ? TRANSFER_ERROR : TRANSFER_READ_FAILED;
	}
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
		json_t *fields =
		        encode_item_as(it->kind, it->head, it->headlen,
		                       it->body, it->bodylen, &t, true, why);
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
	dm->problem = it->problem;
	return 0;
}

/* On the helper threads: a record that decodes is counted and goes no
 * further; damaged ones and those that do not decode go on to check_cb. */
static bool
check_keep(void *arg, const struct vault_item *it)
{
	atomic_size_t *fine = arg;
	struct transfer_times t;
	char why[TRANSFER_ERR_MAX];
	json_t *fields = encode_item_as(it->kind, it->head, it->headlen,
	                                it->body, it->bodylen, &t, true, why);
	if (!fields)
		return true;
	json_decref(fields);
	atomic_fetch_add(fine, 1);
	return false;
}

int
transfer_check(struct vault *v, struct transfer_check_result *res, char *err)
{
	struct check_ctx c = {.res = res};
	atomic_size_t fine = 0;
	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	/* decoded on every core, in the order the rows lie in the file */
	int rc = vault_search(v, NULL, VAULT_EACH_BODY | VAULT_EACH_ROW_ORDER,
	                      check_keep, &fine, check_cb, &c);
	res->fine += atomic_load(&fine);
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

/* --- export: journal entries written directly --- */

/*
 * Most of a large export is journal entries. Building each one's fields
 * in jansson (journal_encode), checking them (journal_decode) and writing
 * them out again was most of the export's time; this writes the same
 * bytes straight from the stored head and text, after the same checks.
 * It follows only the shape journal.c writes (with the readers of
 * fast_entry above: an object of integers, texts, true, false, null and
 * lists of texts), and whenever anything is unusual (a key twice, a
 * number jansson reads as a fraction, a check that fails) it gives up,
 * and the general way (encode_item) writes the entry or says what is
 * wrong with it. The unit tests compare the two on every shape of entry.
 */

/* A list of texts, each appended to `to` with its NUL; -1: not ours,
 * or more than `max` of them. */
static int
direct_texts(struct fast *f, struct strbuf *to, size_t max, size_t *n)
{
	*n = 0;
	if (f->p >= f->end || *f->p != '[')
		return -1;
	f->p++;
	fast_ws(f);
	if (f->p < f->end && *f->p == ']') {
		f->p++;
		return 0;
	}
	for (;;) {
		if (*n == max || fast_string(f) ||
		    (to && (strbuf_add(to, f->s.p ? f->s.p : "", f->s.len) ||
		            strbuf_add(to, "", 1))))
			return -1;
		++*n;
		fast_ws(f);
		if (f->p < f->end && *f->p == ']') {
			f->p++;
			return 0;
		}
		if (f->p >= f->end || *f->p != ',')
			return -1;
		f->p++;
		fast_ws(f);
	}
}

/* Past a value fast_value would read; -1 when it would not. */
static int
direct_skip(struct fast *f)
{
	int64_t i;
	size_t n;
	if (f->p >= f->end)
		return -1;
	if (*f->p == '-' || (*f->p >= '0' && *f->p <= '9'))
		return direct_int(f, &i);
	if (*f->p == '"')
		return fast_string(f);
	if (*f->p == '[')
		return direct_texts(f, NULL, SIZE_MAX, &n);
	return fast_word(f, "true") || fast_word(f, "false") ||
	                       fast_word(f, "null")
	               ? 0
	               : -1;
}

/* What the entry's head holds for export. */
struct direct_head {
	int64_t created, updated;
	int mood;           /* JOURNAL_NO_MOOD when it would write null */
	struct strbuf tags; /* each with its NUL */
	size_t ntags;
};

enum { DIRECT_CREATED, DIRECT_UPDATED, DIRECT_MOOD, DIRECT_TAGS, DIRECT_NKEYS };

/* Read a stored journal head; -1 when it is not the usual shape. */
static int
direct_head(const unsigned char *p, size_t len, struct direct_head *h)
{
	static const char *const keys[DIRECT_NKEYS] = {"created", "updated",
	                                               "mood", "tags"};
	struct fast f = {.p = (const char *)p, .end = (const char *)p + len};
	bool seen[DIRECT_NKEYS] = {false};
	int rc = -1;
	h->mood = JOURNAL_NO_MOOD;
	fast_ws(&f);
	if (f.p >= f.end || *f.p++ != '{')
		goto out;
	fast_ws(&f);
	for (;;) {
		size_t k = 0;
		int64_t m;
		if (fast_string(&f))
			goto out;
		while (k < DIRECT_NKEYS &&
		       !(f.s.len == strlen(keys[k]) &&
		         memcmp(f.s.p, keys[k], f.s.len) == 0))
			k++;
		if (k < DIRECT_NKEYS && seen[k])
			goto out; /* a key twice: jansson keeps the last */
		if (k < DIRECT_NKEYS)
			seen[k] = true;
		fast_ws(&f);
		if (f.p >= f.end || *f.p++ != ':')
			goto out;
		fast_ws(&f);
		switch (k) {
		case DIRECT_CREATED:
			if (direct_int(&f, &h->created))
				goto out;
			break;
		case DIRECT_UPDATED:
			if (direct_int(&f, &h->updated))
				goto out;
			break;
		case DIRECT_MOOD:
			/* As journal_encode: a mood that is not a whole
			 * number from 0 to 10 counts as none. */
			if (f.p < f.end &&
			    (*f.p == '-' || (*f.p >= '0' && *f.p <= '9'))) {
				if (direct_int(&f, &m))
					goto out;
				if (m >= 0 && m <= 10)
					h->mood = (int)m;
			} else if (direct_skip(&f)) {
				goto out;
			}
			break;
		case DIRECT_TAGS:
			if (direct_texts(&f, &h->tags, JOURNAL_MAX_TAGS,
			                 &h->ntags))
				goto out;
			break;
		default:
			if (direct_skip(&f))
				goto out;
		}
		fast_ws(&f);
		if (f.p < f.end && *f.p == '}') {
			f.p++;
			break;
		}
		if (f.p >= f.end || *f.p++ != ',')
			goto out;
		fast_ws(&f);
	}
	fast_ws(&f);
	if (f.p != f.end || !seen[DIRECT_CREATED] || !seen[DIRECT_TAGS])
		goto out;
	if (!seen[DIRECT_UPDATED])
		h->updated = h->created;
	rc = 0;
out:
	strbuf_release(&f.s);
	return rc;
}

/* Would the general way take every tag (export's control check, then
 * journal_decode's)? */
static bool
direct_tags_ok(const struct direct_head *h)
{
	const char *tag = h->tags.p;
	for (size_t i = 0; i < h->ntags; i++, tag += strlen(tag) + 1) {
		char *norm;
		if (control_text(tag, strlen(tag)) ||
		    !(norm = journal_tag_normalize(tag)))
			return false;
		wipe_free_str(norm);
	}
	return true;
}

/* Blank as journal_decode sees it (it refuses such a text). */
static bool
direct_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* A field of the record: the separator, its key and the colon. */
static int
direct_key(struct strbuf *b, const char *key)
{
	return strbuf_adds(b, ",") || put_indent(b, EXPORT_DEPTH + 1) ||
	       put_string(b, key, strlen(key)) || strbuf_adds(b, ": ");
}

/* Write the entry `it` into out, unless the filter's times leave it out:
 * DIRECT_WRITTEN, DIRECT_LEFT_OUT, DIRECT_NOT_OURS (the general way must
 * write it, or say why not), or -1 when out of memory. */
static int
export_journal_direct(const struct vault_item *it,
                      const struct transfer_filter *f, struct strbuf *out)
{
	struct direct_head h = {0};
	const char *text = (const char *)it->body;
	size_t len = it->bodylen;
	const int depth = EXPORT_DEPTH + 1;
	char created[ISO_MAX], updated[ISO_MAX], num[32];
	int rc = DIRECT_NOT_OURS;
	if (direct_head(it->head, it->headlen, &h) ||
	    (len && memchr(text, '\0', len)) ||
	    !utf8_valid((const unsigned char *)text, len) ||
	    direct_blank(text, len) || h.created < DATE_MIN ||
	    h.created > DATE_MAX || h.updated < DATE_MIN ||
	    h.updated > DATE_MAX || !direct_tags_ok(&h) ||
	    !utf8_valid((const unsigned char *)it->id, strlen(it->id)))
		goto out;
	rc = DIRECT_LEFT_OUT; /* as render_item leaves one out */
	if (f && ((f->since && (time_t)h.created < f->since) ||
	          (f->until && (time_t)h.created > f->until)))
		goto out;
	date_format_iso((time_t)h.created, created, sizeof(created));
	if (h.updated == h.created)
		memcpy(updated, created, sizeof(updated));
	else
		date_format_iso((time_t)h.updated, updated, sizeof(updated));
	snprintf(num, sizeof(num), "%d", h.mood);
	rc = -1;
	if (!strbuf_grow(out, len + h.tags.len + 256) ||
	    strbuf_adds(out, "{") || put_indent(out, depth) ||
	    strbuf_adds(out, "\"id\": ") ||
	    put_string(out, it->id, strlen(it->id)) ||
	    direct_key(out, "kind") || strbuf_adds(out, "\"journal\"") ||
	    direct_key(out, "created") ||
	    put_string(out, created, strlen(created)) ||
	    direct_key(out, "updated") ||
	    put_string(out, updated, strlen(updated)) ||
	    direct_key(out, "mood") ||
	    strbuf_adds(out, h.mood == JOURNAL_NO_MOOD ? "null" : num) ||
	    direct_key(out, "tags") || strbuf_adds(out, "["))
		goto out;
	const char *tag = h.tags.p;
	for (size_t i = 0; i < h.ntags; i++, tag += strlen(tag) + 1)
		if ((i && strbuf_adds(out, ",")) ||
		    put_indent(out, depth + 1) ||
		    put_string(out, tag, strlen(tag)))
			goto out;
	if ((h.ntags && put_indent(out, depth)) || strbuf_adds(out, "]") ||
	    direct_key(out, "text") || put_string(out, text, len) ||
	    (it->written_locked &&
	     (direct_key(out, LOCKED_KEY) || strbuf_adds(out, "true"))) ||
	    (it->conflict_copy &&
	     (direct_key(out, CONFLICT_KEY) || strbuf_adds(out, "true"))) ||
	    put_indent(out, EXPORT_DEPTH) || strbuf_adds(out, "}"))
		goto out;
	rc = DIRECT_WRITTEN;
out:
	strbuf_release(&h.tags);
	return rc;
}
