/*
 * The per-kind codecs of export and import (see transfer.h). To add a
 * kind: write its encode/decode/markdown (or adapt the module's own
 * functions), add its field names and one line to `codecs`, describe its
 * fields in docs/export-format.md, and extend tests/unit/test-transfer.c.
 */
#include "transfer.h"

#include "group.h"
#include "journal.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- journal --- */

/* Kept equal to lib/journal.c: the head's preview is the first line of the
 * text, at most JOURNAL_PREVIEW_MAX bytes, cut at a UTF-8 boundary. */
enum { JOURNAL_HEAD_VERSION = 1, JOURNAL_PREVIEW_MAX = 120 };

static const char *const journal_fields[] = {"mood", "tags", "text", NULL};

static void
preview_bounds(const char *text, size_t len, size_t *start, size_t *end)
{
	size_t i = 0;
	while (i < len &&
	       (text[i] == '\n' || text[i] == ' ' || text[i] == '\r'))
		i++;
	size_t e = i;
	while (e < len && text[e] != '\n' && text[e] != '\r' &&
	       e - i < JOURNAL_PREVIEW_MAX)
		e++;
	if (e < len && e - i == JOURNAL_PREVIEW_MAX)
		while (e > i && ((unsigned char)text[e] & 0xC0) == 0x80)
			e--;
	*start = i;
	*end = e;
}

static int
journal_encode(const unsigned char *head, size_t headlen,
               const unsigned char *body, size_t bodylen,
               struct transfer_times *t, json_t *fields, char *err)
{
	json_error_t jerr;
	json_t *h = json_loadb((const char *)head, headlen, 0, &jerr);
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
journal_decode(const json_t *rec, const struct transfer_times *t,
               struct transfer_buf *head, struct transfer_buf *body, char *err)
{
	json_t *mood = json_object_get(rec, "mood");
	json_t *tags = json_object_get(rec, "tags");
	json_t *text = json_object_get(rec, "text");
	json_t *h = NULL, *htags = NULL, *preview = NULL;
	int rc = -1;

	if (mood && !json_is_null(mood) &&
	    (!json_is_integer(mood) || json_integer_value(mood) < 0 ||
	     json_integer_value(mood) > 10)) {
		if (json_is_integer(mood))
			snprintf(err, TRANSFER_ERR_MAX,
			         "\"mood\" is %lld; a mood is a whole number "
			         "from 0 to 10",
			         (long long)json_integer_value(mood));
		else
			snprintf(err, TRANSFER_ERR_MAX,
			         "\"mood\" is %s; a mood is a whole number "
			         "from 0 to 10, or null",
			         transfer_type_name(mood));
		return -1;
	}
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
	if (!(htags = json_array()))
		goto oom;
	for (size_t i = 0; i < json_array_size(tags); i++) {
		json_t *tag = json_array_get(tags, i);
		char *norm =
		        json_is_string(tag)
		                ? journal_tag_normalize(json_string_value(tag))
		                : NULL;
		if (!norm) {
			snprintf(err, TRANSFER_ERR_MAX,
			         "tag %zu cannot be kept: a tag is text of up "
			         "to %d bytes, without commas or control "
			         "characters",
			         i + 1, JOURNAL_TAG_MAX);
			goto out;
		}
		int failed = json_array_append_new(htags, json_string(norm));
		free(norm);
		if (failed)
			goto oom;
	}
	size_t ps, pe;
	preview_bounds(s, len, &ps, &pe);
	preview = transfer_string(s + ps, pe - ps);
	h = json_object();
	if (!preview || !h ||
	    json_object_set_new(h, "v", json_integer(JOURNAL_HEAD_VERSION)) ||
	    json_object_set_new(h, "created", json_integer(t->created)) ||
	    json_object_set_new(h, "updated", json_integer(t->updated)) ||
	    json_object_set_new(h, "mood",
	                        json_is_integer(mood)
	                                ? json_integer(json_integer_value(mood))
	                                : json_null()) ||
	    json_object_set(h, "tags", htags) ||
	    json_object_set(h, "preview", preview) ||
	    transfer_buf_json(head, h) || transfer_buf_add(body, s, len))
		goto oom;
	rc = 0;
	goto out;
oom:
	snprintf(err, TRANSFER_ERR_MAX, "out of memory");
out:
	json_decref(h);
	json_decref(htags);
	json_decref(preview);
	return rc;
}

static int
journal_markdown(const json_t *rec, struct transfer_buf *md)
{
	json_t *mood = json_object_get(rec, "mood");
	json_t *tags = json_object_get(rec, "tags");
	json_t *text = json_object_get(rec, "text");
	char num[32];
	bool meta = false;
	if (json_is_integer(mood)) {
		snprintf(num, sizeof(num), "Mood %lld",
		         (long long)json_integer_value(mood));
		if (transfer_buf_puts(md, num))
			return -1;
		meta = true;
	}
	for (size_t i = 0; i < json_array_size(tags); i++) {
		const char *tag = json_string_value(json_array_get(tags, i));
		if (!tag)
			continue;
		if (transfer_buf_puts(md, meta ? (i ? " #" : " · #") : "#") ||
		    transfer_buf_clean(md, tag, strlen(tag), 0))
			return -1;
		meta = true;
	}
	if (meta && transfer_buf_puts(md, "\n\n"))
		return -1;
	const char *s = json_string_value(text);
	size_t len = json_string_length(text);
	if (s && (transfer_buf_clean(md, s, len, UTIL_CLEAN_LINES) ||
	          (len && s[len - 1] != '\n' && transfer_buf_puts(md, "\n"))))
		return -1;
	return 0;
}

/* --- the table --- */

/*
 * Hooks for the kinds still to come: "trigger" (lib/trigger.h), "rating",
 * "safety-plan", "group". Until a kind has a line here its records travel
 * in the raw form (head JSON + body text), losslessly.
 */
static const struct transfer_codec codecs[] = {
        {JOURNAL_KIND, "Journal entry", journal_fields, journal_encode,
         journal_decode, journal_markdown},
        /* {TRIGGER_KIND, "Trigger", trigger_fields, ...}, */
        {GROUP_KIND, "Group meeting", group_export_fields, group_export_encode,
         group_export_decode, group_export_markdown},
};
enum { NCODECS = sizeof(codecs) / sizeof(codecs[0]) };

const struct transfer_codec *
transfer_codec_find(const char *kind)
{
	for (size_t i = 0; i < NCODECS; i++)
		if (strcmp(codecs[i].kind, kind) == 0)
			return &codecs[i];
	return NULL;
}

const char *const *
transfer_kind_names(void)
{
	static const char *names[NCODECS + 1];
	for (size_t i = 0; i < NCODECS; i++)
		names[i] = codecs[i].kind;
	names[NCODECS] = NULL;
	return names;
}
