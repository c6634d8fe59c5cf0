/*
 * lib/record.c: the engine every record kind goes through, tested per
 * field type on a small kind of its own (one field of each type, and two
 * variants), then each real kind's table and export codec.
 */
#include "harness.h"

#include "dates.h"
#include "group.h"
#include "journal.h"
#include "record.h"
#include "safety.h"
#include "transfer.h"
#include "trigger.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

/* --- a kind for the tests: one field of every type --- */

enum { DEMO_ONE = 1, DEMO_TWO = 2 };

struct demo {
	char id[VAULT_ID_HEX + 1];
	bool written_locked;
	bool conflict_copy;
	time_t created, updated;
	bool has_body;
	int variant;
	time_t when;
	int level;
	int mood;
	char *title, *note, *extra;
	struct record_list items, tags;
};

static const struct record_choice variants[] = {
        {"one", "a record of the first sort", NULL},
        {"two", "a record of the second sort", NULL},
        {NULL, NULL, NULL},
};

static const char *const hi_aliases[] = {"hi", NULL};

static const struct record_choice moods[] = {
        {"low", "low", NULL},
        {"high", "quite high", hi_aliases},
        {NULL, NULL, NULL},
};

#define D(m) offsetof(struct demo, m)

static const struct record_field demo_fields[] = {
        {.type = RECORD_VARIANT,
         .flags = RECORD_HEAD,
         .offset = D(variant),
         .json = "sort",
         .choices = variants},
        {.type = RECORD_TIME,
         .flags = RECORD_HEAD,
         .offset = D(when),
         .json = "when",
         .key = "when"},
        {.type = RECORD_INT,
         .flags = RECORD_HEAD,
         .offset = D(level),
         .json = "level",
         .key = "level",
         .noun = "a level",
         .range = "a number",
         .lo = 0,
         .hi = 5},
        {.type = RECORD_CHOICE,
         .flags = RECORD_HEAD,
         .offset = D(mood),
         .json = "mood",
         .key = "mood",
         .choices = moods},
        {.type = RECORD_TEXT,
         .flags = RECORD_HEAD,
         .offset = D(title),
         .json = "title",
         .key = "title",
         .max = 20},
        {.type = RECORD_TEXT,
         .offset = D(note),
         .json = "note",
         .key = "note",
         .alias = "n",
         .max = 100},
        {.type = RECORD_LIST,
         .offset = D(items),
         .json = "items",
         .key = "item",
         .max = 3,
         .item_max = 10},
        {.type = RECORD_TAGS,
         .flags = RECORD_HEAD,
         .offset = D(tags),
         .json = "tags",
         .key = "tag",
         .max = 4,
         .item_max = 64},
        {.type = RECORD_TEXT,
         .variants = RECORD_VARIANT_BIT(DEMO_TWO),
         .offset = D(extra),
         .json = "extra_words",
         .key = "extra-words",
         .max = 50},
};

static const struct record_layout demo_layouts[] = {
        {NULL, NULL, NULL},
        {"Demo one", "# demo one\n", NULL},
        {"Demo two", "# demo two\n", NULL},
};

static const struct record_kind demo_kind = {
        .name = "demo",
        .title = "Demo",
        .what = "a demo record",
        .size = sizeof(struct demo),
        .meta = RECORD_META(struct demo),
        .fields = demo_fields,
        .nfields = sizeof(demo_fields) / sizeof(demo_fields[0]),
        .layouts = demo_layouts,
        .edit_example = "'item: x'",
        .unknown_where = "of a demo",
        .codec = {&demo_kind, record_export_encode, record_export_decode,
                  record_export_markdown, false},
};

static const struct record_field *
field(const char *json)
{
	const struct record_field *f = record_field_json(&demo_kind, json);
	assert_non_null(f);
	return f;
}

enum { WHEN = 1795000000 }; /* 2026-11-18, a Wednesday */

/* A record of `variant` with every field it has set. */
static void
full_demo(struct demo *r, int variant)
{
	record_init(&demo_kind, r, variant);
	r->when = WHEN;
	r->created = WHEN + 60;
	r->updated = WHEN + 120;
	r->level = 4;
	r->mood = 2;
	assert_int_equal(record_set_text(field("title"), r, "  A title "), 0);
	assert_int_equal(record_set_text(field("note"), r,
	                                 "first line\nsecond\n\n  indented"),
	                 0);
	assert_int_equal(record_add_items(field("items"), r, "a,  b  c"), 0);
	assert_int_equal(record_add_items(field("tags"), r, "#Home, work"), 0);
	if (variant == DEMO_TWO)
		assert_int_equal(
		        record_set_text(field("extra_words"), r, "more"), 0);
	r->has_body = true;
}

/* --- per field type --- */

static void
clean_limits(void **state)
{
	struct demo r;
	enum record_problem why;
	record_init(&demo_kind, &r, DEMO_ONE);
	assert_int_equal(r.level, RECORD_NONE);
	assert_int_equal(r.mood, 0);
	assert_int_equal(r.variant, DEMO_ONE);
	assert_false(record_has_fields(&demo_kind, &r));

	/* text: trimmed, CRLF kept as LF, control characters and length
	 * refused, empty clears */
	assert_int_equal(record_set_text(field("note"), &r, " a\r\nb \t"), 0);
	assert_string_equal(r.note, "a\nb");
	assert_true(record_has_fields(&demo_kind, &r));
	assert_int_equal(record_set_text(field("note"), &r, "bell\a"),
	                 RECORD_PROBLEM_CONTROL);
	assert_string_equal(r.note, "a\nb"); /* unchanged */
	assert_int_equal(
	        record_set_text(field("title"), &r, "twenty-one bytes long"),
	        RECORD_PROBLEM_LONG);
	assert_int_equal(
	        record_set_text(field("title"), &r, "twenty bytes long..."), 0);
	assert_int_equal(record_set_text(field("title"), &r, "\xff"),
	                 RECORD_PROBLEM_NOT_UTF8);
	assert_int_equal(record_set_text(field("note"), &r, "   "), 0);
	assert_null(r.note);

	/* items: spaces made one, empty parts skipped, newlines refused,
	 * length and count limits, the same item kept once */
	assert_int_equal(record_add_items(field("items"), &r, " x  y ,,z,"), 0);
	assert_int_equal(r.items.n, 2);
	assert_string_equal(r.items.v[0], "x y");
	assert_string_equal(r.items.v[1], "z");
	assert_int_equal(record_add_items(field("items"), &r, "z"), 0);
	assert_int_equal(r.items.n, 2);
	assert_int_equal(record_add_items(field("items"), &r, "eleven byte"),
	                 RECORD_PROBLEM_LONG);
	assert_int_equal(record_add_items(field("items"), &r, "a\nb"),
	                 RECORD_PROBLEM_CONTROL);
	assert_int_equal(record_add_items(field("items"), &r, "w, v"),
	                 RECORD_PROBLEM_FULL);
	assert_int_equal(r.items.n, 3); /* "w" went in before it was full */
	char *c = record_item_clean("\t", 10, &why);
	assert_null(c);
	assert_int_equal(why, RECORD_PROBLEM_EMPTY);

	/* tags: journal's rule, and the same tag in another case once */
	assert_int_equal(record_add_items(field("tags"), &r, "##Work, WORK"),
	                 0);
	assert_int_equal(r.tags.n, 1);
	assert_string_equal(r.tags.v[0], "work");
	record_clear_list(field("tags"), &r);
	assert_int_equal(r.tags.n, 0);
	record_release(&demo_kind, &r);
	assert_null(r.title);
	assert_int_equal(r.items.n, 0);
	assert_int_equal(r.variant, DEMO_ONE); /* release keeps the variant */
}

static void
choices(void **state)
{
	const struct record_field *f = field("mood");
	int v = 0;
	assert_int_equal(record_choice_parse(f, "  HIGH ", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(record_choice_parse(f, "Hi", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(record_choice_parse(f, "low", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(record_choice_parse(f, "medium", &v), -1);
	assert_int_equal(record_choice_parse(f, "", &v), -1);
	assert_string_equal(record_choice_name(f, 2), "high");
	assert_string_equal(record_choice_words(f, 2), "quite high");
	assert_null(record_choice_name(f, 0));
	assert_null(record_choice_name(f, 3));
	assert_string_equal(record_choice_words(f, 0), "");
	/* the shared window-of-tolerance states */
	int st;
	assert_int_equal(
	        record_choice_parse(TRIGGER_STATE_FIELD, "Too  Little", &st),
	        0);
	assert_int_equal(st, TRIGGER_TOO_LITTLE);
	assert_string_equal(record_states[0].name, "too-much");
}

static void
encode_decode(void **state)
{
	for (int variant = DEMO_ONE; variant <= DEMO_TWO; variant++) {
		struct demo r, back, copy;
		char *head, *body;
		full_demo(&r, variant);
		assert_int_equal(record_encode(&demo_kind, &r, &head, &body),
		                 0);
		/* head fields in table order, the times after "when" */
		assert_string_equal(
		        head,
		        variant == DEMO_ONE
		                ? "{\"v\":1,\"sort\":\"one\",\"when\":"
		                  "1795000000,\"created\":1795000060,"
		                  "\"updated\":1795000120,\"level\":4,"
		                  "\"mood\":\"high\",\"title\":\"A "
		                  "title\",\"tags\":[\"home\",\"work\"]}"
		                : "{\"v\":1,\"sort\":\"two\",\"when\":"
		                  "1795000000,\"created\":1795000060,"
		                  "\"updated\":1795000120,\"level\":4,"
		                  "\"mood\":\"high\",\"title\":\"A "
		                  "title\",\"tags\":[\"home\",\"work\"]}");
		assert_string_equal(
		        body, variant == DEMO_ONE
		                      ? "{\"v\":1,\"note\":\"first "
		                        "line\\nsecond\\n\\n  "
		                        "indented\",\"items\":[\"a\",\"b c\"]}"
		                      : "{\"v\":1,\"note\":\"first "
		                        "line\\nsecond\\n\\n  "
		                        "indented\",\"items\":[\"a\",\"b c\"],"
		                        "\"extra_words\":\"more\"}");
		assert_int_equal(
		        record_decode(&demo_kind, &back, (unsigned char *)head,
		                      strlen(head), (unsigned char *)body,
		                      strlen(body)),
		        0);
		assert_true(record_same(&demo_kind, &r, &back));
		assert_int_equal(back.created, r.created);
		assert_int_equal(back.updated, r.updated);
		assert_true(back.has_body);
		assert_int_equal(record_copy(&demo_kind, &copy, &back), 0);
		assert_true(record_same(&demo_kind, &copy, &r));
		assert_ptr_not_equal(copy.note, back.note);
		copy.level = 1;
		assert_false(record_same(&demo_kind, &copy, &r));
		record_release(&demo_kind, &copy);
		/* the head alone: no body fields, has_body unset */
		record_release(&demo_kind, &back);
		assert_int_equal(record_decode(&demo_kind, &back,
		                               (unsigned char *)head,
		                               strlen(head), NULL, 0),
		                 0);
		assert_null(back.note);
		assert_false(back.has_body);
		record_json_free(head);
		record_json_free(body);
		record_release(&demo_kind, &back);
		record_release(&demo_kind, &r);
	}
	/* heads that are not records of the kind */
	static const char *const bad[] = {
	        "{\"v\":1,\"sort\":\"one\"}",              /* no when */
	        "{\"v\":1,\"sort\":\"three\",\"when\":1}", /* no such sort */
	        "{\"v\":1,\"when\":1}",                    /* no sort */
	        "{\"v\":1,\"sort\":\"one\",\"when\":1,\"level\":6}",
	        "{\"v\":1,\"sort\":\"one\",\"when\":1,\"mood\":7}",
	        "{\"v\":1,\"sort\":\"one\",\"when\":1,\"mood\":\"hi\"}",
	        "{\"v\":1,\"sort\":\"one\",\"when\":1,\"title\":[]}",
	        "{\"v\":1,\"sort\":\"one\",\"when\":1,\"tags\":[1]}",
	        ("{\"v\":1,\"sort\":\"one\",\"when\":1,\"tags\":"
	         "[\"a\",\"b\",\"c\",\"d\",\"e\"]}"),
	        "[1]",
	        "not json",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct demo r;
		if (record_decode(&demo_kind, &r, (const unsigned char *)bad[i],
		                  strlen(bad[i]), NULL, 0) != -1)
			fail_msg("decoded: %s", bad[i]);
	}
	/* a head without times: created is when, updated created */
	struct demo r;
	const char *h = "{\"v\":1,\"sort\":\"two\",\"when\":5}";
	assert_int_equal(record_decode(&demo_kind, &r, (const unsigned char *)h,
	                               strlen(h), NULL, 0),
	                 0);
	assert_int_equal(r.created, 5);
	assert_int_equal(r.updated, 5);
	assert_int_equal(r.variant, DEMO_TWO);
	record_release(&demo_kind, &r);
}

static void
layout_roundtrip(void **state)
{
	struct demo r, back;
	size_t len;
	full_demo(&r, DEMO_TWO);
	memcpy(r.id, "0123456789abcdef0123456789abcdef", sizeof(r.id));
	char *text = record_format_text(&demo_kind, &r, &len);
	assert_non_null(text);
	char when[32];
	date_format_local(WHEN, when, sizeof(when));
	char want[512];
	snprintf(want, sizeof(want),
	         "# Demo two 01234567.\n"
	         "# demo two\n"
	         "when: %s\n"
	         "level: 4\n"
	         "mood: high\n"
	         "title: A title\n"
	         "note: first line\n"
	         "  second\n"
	         "\n"
	         "    indented\n"
	         "item: a, b c\n"
	         "tag: home, work\n"
	         "extra-words: more\n",
	         when);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	char err[256];
	assert_int_equal(record_parse_text(&demo_kind, text, len, &r, WHEN,
	                                   &back, err, sizeof(err)),
	                 0);
	assert_true(record_same(&demo_kind, &r, &back));
	assert_string_equal(back.id, r.id);
	assert_int_equal(back.when, WHEN); /* the seconds kept */
	record_release(&demo_kind, &back);
	free(text);

	/* other forms: JSON keys, aliases, lists over lines, cleared fields */
	const char *typed = "LEVEL: 0\nN: one\n  two\nItems: x\n  y, z\n"
	                    "mood: Hi\r\n";
	assert_int_equal(record_parse_text(&demo_kind, typed, strlen(typed), &r,
	                                   WHEN, &back, err, sizeof(err)),
	                 0);
	assert_int_equal(back.level, 0);
	assert_int_equal(back.mood, 2);
	assert_string_equal(back.note, "one\ntwo");
	assert_int_equal(back.items.n, 3);
	assert_null(back.title);
	assert_int_equal(back.tags.n, 0);
	assert_int_equal(back.variant, DEMO_TWO);
	record_release(&demo_kind, &back);
	record_release(&demo_kind, &r);
}

static void
parse_errors(void **state)
{
	static const struct {
		int variant;
		const char *text, *want;
	} cases[] = {
	        {DEMO_ONE, "level: 6\n",
	         "Line 1: 'level' takes a number from "
	         "0 to 5, or nothing."},
	        {DEMO_ONE, "\n# c\nlevel: x\n", "Line 3: 'level' takes"},
	        {DEMO_ONE, "mood: middling\n",
	         "Line 1: 'mood' takes low or high, or nothing."},
	        {DEMO_ONE, "when: someday\n", "Line 1: 'when' needs a date"},
	        {DEMO_ONE, "levl: 3\n",
	         "Line 1: 'levl' is not a field of a "
	         "demo. Did you mean 'level'?"},
	        {DEMO_ONE, "zzzzzzzz: 3\n",
	         "Line 1: 'zzzzzzzz' is not a field of a demo; the fields are "
	         "when, level, mood, title, note, item and tag."},
	        {DEMO_ONE, "extra-words: x\n",
	         "Line 1: 'extra-words' belongs to a record of the second "
	         "sort, and this record is a record of the first sort."},
	        {DEMO_ONE, "just words\n",
	         "Line 1: selfhelp expected 'key: value' here, like 'item: "
	         "x'."},
	        {DEMO_ONE, "  indented\n",
	         "Line 1: this line is indented, but only text (title, note) "
	         "and lists go on over several lines."},
	        {DEMO_ONE, "level: 1\nlevel: 2\n",
	         "Line 2: 'level' is here twice; it takes one value."},
	        {DEMO_ONE, "note: a\nnote: b\n",
	         "Line 2: 'note' is here twice; "
	         "longer text"},
	        {DEMO_ONE, "title: this is longer than twenty\nlevel: 1\n",
	         "Line 2: the title text is longer than"},
	        {DEMO_ONE, "item: a\n  b\n  c, d\n",
	         "Line 3: this item has more items"},
	        {DEMO_ONE, "item: a\x1b b\n",
	         "Line 1: this item holds control"},
	        {DEMO_ONE, "note: caf\xe9\n",
	         "The text has a byte at position "
	         "9 that is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct demo base, r;
		char err[256];
		record_init(&demo_kind, &base, cases[i].variant);
		base.when = WHEN;
		if (record_parse_text(&demo_kind, cases[i].text,
		                      strlen(cases[i].text), &base, WHEN, &r,
		                      err, sizeof(err)) != -1)
			fail_msg("case %zu parsed", i);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got \"%s\"", i, err);
		assert_null(r.note); /* released */
	}
}

static void
json_fields(void **state)
{
	struct demo r, back;
	char err[256], c[40], u[40], w[40], want[512];
	full_demo(&r, DEMO_ONE);
	json_t *o = json_object();
	assert_int_equal(
	        record_fields_json(&demo_kind, &r, o, RECORD_JSON_TIMES), 0);
	char *s = json_dumps(o, JSON_COMPACT);
	date_format_iso(WHEN, w, sizeof(w));
	date_format_iso(WHEN + 60, c, sizeof(c));
	date_format_iso(WHEN + 120, u, sizeof(u));
	snprintf(want, sizeof(want),
	         "{\"sort\":\"one\",\"when\":\"%s\",\"created\":\"%s\","
	         "\"updated\":\"%s\",\"level\":4,\"mood\":\"high\",\"title\":"
	         "\"A title\",\"note\":\"first line\\nsecond\\n\\n  "
	         "indented\",\"items\":[\"a\",\"b c\"],\"tags\":[\"home\","
	         "\"work\"]}",
	         w, c, u);
	assert_string_equal(s, want);
	record_json_free(s);
	assert_int_equal(
	        record_fields_read(&demo_kind, o, &back, err, sizeof(err)), 0);
	assert_true(record_same(&demo_kind, &r, &back));
	record_release(&demo_kind, &back);
	json_decref(o);

	static const struct {
		const char *json, *want;
	} bad[] = {
	        {"{\"sort\":\"three\",\"when\":\"2026-01-01T10:00:00Z\"}",
	         "\"sort\" is a name it does not know; selfhelp expects "
	         "\"one\" or \"two\""},
	        {"{\"when\":\"2026-01-01T10:00:00Z\"}",
	         "\"sort\" is missing; selfhelp expects \"one\" or \"two\""},
	        {"{\"sort\":\"one\"}",
	         "\"when\" is missing; selfhelp expects a "
	         "time like"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"level\":9}",
	         "\"level\" is 9; a level is a whole number from 0 to 5"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"level\":\"3\"}",
	         "\"level\" is text; a level is a whole number from 0 to 5, "
	         "or null"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"mood\":\"so-so\"}",
	         "\"mood\" is a name it does not know; selfhelp expects "
	         "\"low\" or \"high\", or null"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"extra_words\":\"x\"}",
	         "\"extra_words\" belongs to a record of the second sort, and "
	         "this record is a record of the first sort"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"note\":\"a\\u0007\"}",
	         "\"note\" holds control characters"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"items\":\"a\"}",
	         "\"items\" is text; selfhelp expects a list of texts, or "
	         "null"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"items\":[\"a\",2]}",
	         "item 2 of \"items\" is a number; selfhelp expects text"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"items\":[\"a\",\"b\",\"c\",\"d\"]}",
	         "item 4 of \"items\" has more items"},
	        {"{\"sort\":\"one\",\"when\":\"2026-01-01T10:00:00Z\","
	         "\"tags\":[\"a,b\"]}",
	         "item 1 of \"tags\" holds a comma"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t jerr;
		json_t *doc = json_loads(bad[i].json, 0, &jerr);
		assert_non_null(doc);
		if (record_fields_read(&demo_kind, doc, &back, err,
		                       sizeof(err)) != -1)
			fail_msg("case %zu read", i);
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got \"%s\"", i, err);
		json_decref(doc);
	}
	record_release(&demo_kind, &r);
}

/* Stored bytes → export fields → stored bytes, through the codec. */
static void
codec_roundtrip(const struct transfer_codec *c, const char *head,
                const char *body, const char *md_has)
{
	struct transfer_times t;
	struct strbuf h = {0}, b = {0}, md = {0};
	char err[TRANSFER_ERR_MAX];
	json_t *fields = json_object();
	if (c->encode(c, (const unsigned char *)head, strlen(head),
	              (const unsigned char *)body, strlen(body), &t, fields,
	              err))
		fail_msg("%s: encode: %s", c->kind->name, err);
	if (c->decode(c, fields, &t, &h, &b, err))
		fail_msg("%s: decode: %s", c->kind->name, err);
	assert_string_equal(h.p, head);
	assert_string_equal(b.p, body);
	assert_int_equal(c->markdown(c, fields, &md), 0);
	if (!strstr(md.p, md_has))
		fail_msg("%s: markdown without \"%s\":\n%s", c->kind->name,
		         md_has, md.p);
	strbuf_release(&h);
	strbuf_release(&b);
	strbuf_release(&md);
	json_decref(fields);
}

static void
codecs(void **state)
{
	char *head, *body;
	struct demo d;
	full_demo(&d, DEMO_TWO);
	assert_int_equal(record_encode(&demo_kind, &d, &head, &body), 0);
	codec_roundtrip(&demo_kind.codec, head, body, "- extra_words: more\n");
	record_json_free(head);
	record_json_free(body);
	record_release(&demo_kind, &d);

	struct trigger_record t;
	record_init(&trigger_kind, &t, 0);
	t.when = WHEN;
	t.created = t.updated = WHEN;
	t.before = 7;
	t.state = TRIGGER_TOO_MUCH;
	t.felt_age = 9;
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_TRIGGER),
	                                 &t, "a loud door"),
	                 0);
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_NOTE), &t,
	                                 "one\ntwo"),
	                 0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &t, "fear, shame"),
	                 0);
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_URGES), &t, "hide"),
	        0);
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_TAGS), &t, "home"),
	        0);
	assert_int_equal(record_encode(&trigger_kind, &t, &head, &body), 0);
	const struct transfer_codec *c = transfer_codec_find(TRIGGER_KIND);
	assert_ptr_equal(c, &trigger_kind.codec);
	codec_roundtrip(c, head, body, "- trigger: a loud door\n");
	codec_roundtrip(c, head, body, "- emotions: fear, shame\n");
	codec_roundtrip(c, head, body, "- state: too much\n");
	record_json_free(head);
	record_json_free(body);
	record_release(&trigger_kind, &t);

	for (int type = GROUP_PREPARE; type <= GROUP_REFLECT; type++) {
		struct group_record g;
		record_init(&group_kind, &g, (enum group_type)type);
		g.when = g.created = g.updated = WHEN;
		g.state = TRIGGER_OKAY;
		if (type == GROUP_PREPARE) {
			g.before = 5;
			assert_int_equal(
			        record_set_text(
			                group_text_field(GROUP_BOUNDARY), &g,
			                "I may pass"),
			        0);
		} else {
			g.after = 2;
			g.kept = GROUP_KEPT_PARTLY;
			assert_int_equal(
			        record_set_text(group_text_field(GROUP_MOVED),
			                        &g, "a"),
			        0);
		}
		assert_int_equal(record_encode(&group_kind, &g, &head, &body),
		                 0);
		codec_roundtrip(
		        transfer_codec_find(GROUP_KIND), head, body,
		        type == GROUP_PREPARE
		                ? "**My boundary for today:** I may pass"
		                : "**Kept my boundary:** partly");
		record_json_free(head);
		record_json_free(body);
		record_release(&group_kind, &g);
	}

	codec_roundtrip(transfer_codec_find(JOURNAL_KIND),
	                "{\"v\":1,\"created\":1795000000,\"updated\":"
	                "1795000000,\"mood\":4,\"tags\":[\"walk\"],"
	                "\"preview\":\"First line\"}",
	                "\nFirst line\nand more\n",
	                "Mood 4 (0 to 10, 10 is best) · #walk");
	/* the safety plan travels in the raw form */
	assert_null(transfer_codec_find(SAFETY_KIND));
}

/* Every kind is in the list once, and its table is consistent. */
static void
kinds_table(void **state)
{
	size_t n = 0;
	for (const struct record_kind *const *k = record_kinds; *k; k++, n++) {
		assert_ptr_equal(record_kind_find((*k)->name), *k);
		assert_true((*k)->nfields <= RECORD_FIELDS_MAX);
		if ((*k)->codec.encode)
			assert_ptr_equal((*k)->codec.kind, *k);
		for (size_t i = 0; i < (*k)->nfields; i++) {
			const struct record_field *f = &(*k)->fields[i];
			assert_ptr_equal(record_field_json(*k, f->json), f);
			for (size_t j = 0; j < i && f->key; j++)
				if ((*k)->fields[j].key &&
				    strcmp((*k)->fields[j].key, f->key) == 0)
					fail_msg("%s: key %s twice", (*k)->name,
					         f->key);
			if ((*k)->flags & RECORD_OWN_STORAGE)
				continue;
			assert_ptr_equal(record_field_at(*k, f->offset), f);
			assert_true(f->offset < (*k)->size);
		}
	}
	assert_int_equal(n, RECORD_NKINDS);
	assert_null(record_kind_find("dream"));
	assert_true(journal_kind.flags & RECORD_LOCKED_WRITES);
	assert_true(trigger_kind.flags & RECORD_LOCKED_WRITES);
	assert_true(group_kind.flags & RECORD_LOCKED_WRITES);
	assert_false(safety_kind.flags & RECORD_LOCKED_WRITES);
	assert_string_equal(safety_section_key(SAFETY_PEOPLE), "people");
	assert_true(transfer_free_text(TRIGGER_KIND, "now_differs"));
	assert_false(transfer_free_text(GROUP_KIND, "kept"));
}

/* --- the vault --- */

static const struct crypto_kdf_params fast = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

static bool
is_two(const void *r, void *arg)
{
	(void)arg;
	return ((const struct demo *)r)->variant == DEMO_TWO;
}

static void
vault_roundtrip(void **state)
{
	char dir[] = "/tmp/selfhelp-record-XXXXXX", path[64];
	struct vault *v = NULL;
	char *verr = NULL;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vault.db", dir);
	assert_int_equal(vault_create(path, "pass", 4, &fast, &v, &verr),
	                 VAULT_OK);
	struct demo one, two;
	full_demo(&one, DEMO_ONE);
	full_demo(&two, DEMO_TWO);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &demo_kind, &one, false, WHEN + 5), 0);
	assert_int_equal(record_add(v, &demo_kind, &two, false, WHEN + 6), 0);
	/* a kind without locked writes is never sealed */
	assert_int_equal(record_add(v, &demo_kind, &two, true, WHEN),
	                 VAULT_ERROR);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(one.created, WHEN + 5);
	assert_int_equal(strlen(one.id), VAULT_ID_HEX);

	struct demo *got = NULL;
	assert_int_equal(record_get(v, &demo_kind, two.id, (void **)&got), 0);
	assert_true(record_same(&demo_kind, got, &two));
	assert_int_equal(got->created, WHEN + 6);
	got->level = 0;
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_update(v, &demo_kind, got, WHEN + 9), 0);
	assert_int_equal(vault_commit(v), 0);
	record_free(&demo_kind, got);

	void **list = NULL;
	size_t n = 0;
	struct record_query q = {.keep = is_two};
	assert_int_equal(record_list(v, &demo_kind, &q, &list, &n), 0);
	assert_int_equal(n, 1);
	got = list[0];
	assert_int_equal(got->level, 0);
	assert_int_equal(got->updated, WHEN + 9);
	assert_false(got->has_body); /* heads only */
	assert_null(got->note);
	assert_int_equal(got->tags.n, 2);
	record_free_all(&demo_kind, list, n);

	record_release(&demo_kind, &one);
	record_release(&demo_kind, &two);
	vault_free(v);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(clean_limits),
	        cmocka_unit_test(choices),
	        cmocka_unit_test(encode_decode),
	        cmocka_unit_test(layout_roundtrip),
	        cmocka_unit_test(parse_errors),
	        cmocka_unit_test(json_fields),
	        cmocka_unit_test(codecs),
	        cmocka_unit_test(kinds_table),
	        cmocka_unit_test(vault_roundtrip),
	};
	return RUN_NAMED(tests, argc, argv);
}
