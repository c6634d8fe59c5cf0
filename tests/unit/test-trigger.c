/*
 * lib/trigger.c: cleaning and normalising what people type, the records
 * in the vault (head and body), and the `trigger-log edit` layout.
 */
#include "harness.h"

#include "fixture.h"

#include "journal.h"
#include "rating.h"
#include "record.h"
#include "trigger.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(path, "vault.db");
	return 0;
}

static struct vault *
make_vault(void)
{
	return fixture_vault(path, "pass");
}

/* A record with every field set. */
static void
full_record(struct trigger_record *r, time_t when)
{
	record_init(&trigger_kind, r, 0);
	r->when = when;
	r->before = 8;
	r->after = 3;
	r->state = TRIGGER_TOO_LITTLE;
	r->felt_age = 6;
	r->has_body = true;
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_TRIGGER), r,
	                                 "a door slammed downstairs"),
	                 0);
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_THOUGHTS),
	                                 r, "I am in trouble"),
	                 0);
	assert_int_equal(
	        record_set_text(trigger_text_field(TRIGGER_NOW_DIFFERS), r,
	                        "I live alone now"),
	        0);
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_NOTE), r,
	                                 "first line\nsecond\n\n  fourth, "
	                                 "indented"),
	                 0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_REACTIONS),
	                                  r, "freeze, shame spiral"),
	                 0);
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_VULNERABILITIES), r,
	                         "poor sleep"),
	        0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_BODY), r,
	                                  "cold hands"),
	                 0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  r, "fear,shame"),
	                 0);
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_URGES), r, "hide"),
	        0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_HELPED), r,
	                                  "cold water, 5-4-3-2-1"),
	                 0);
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_TAGS), r, "#Home"),
	        0);
}

static void
states(void **state)
{
	int s;
	assert_int_equal(
	        record_choice_parse(TRIGGER_STATE_FIELD, "too-much", &s), 0);
	assert_int_equal(s, TRIGGER_TOO_MUCH);
	assert_int_equal(
	        record_choice_parse(TRIGGER_STATE_FIELD, "Too Much", &s), 0);
	assert_int_equal(s, TRIGGER_TOO_MUCH);
	assert_int_equal(
	        record_choice_parse(TRIGGER_STATE_FIELD, "too_little", &s), 0);
	assert_int_equal(s, TRIGGER_TOO_LITTLE);
	assert_int_equal(record_choice_parse(TRIGGER_STATE_FIELD, "OK", &s), 0);
	assert_int_equal(s, TRIGGER_OKAY);
	assert_int_equal(record_choice_parse(TRIGGER_STATE_FIELD, "okay", &s),
	                 0);
	assert_int_equal(record_choice_parse(TRIGGER_STATE_FIELD, "hyper", &s),
	                 -1);
	assert_int_equal(record_choice_parse(TRIGGER_STATE_FIELD, "", &s), -1);
	assert_int_equal(record_choice_parse(TRIGGER_STATE_FIELD,
	                                     "too-much-really-quite", &s),
	                 -1);
	assert_string_equal(record_choice_name(TRIGGER_STATE_FIELD,
	                                       (int)TRIGGER_TOO_LITTLE),
	                    "too-little");
	assert_null(record_choice_name(TRIGGER_STATE_FIELD,
	                               (int)TRIGGER_STATE_NONE));
	assert_string_equal(
	        record_choice_words(TRIGGER_STATE_FIELD, (int)TRIGGER_TOO_MUCH),
	        "too much");
}

static void
items(void **state)
{
	struct trigger_record r;
	enum record_problem why;
	record_init(&trigger_kind, &r, 0);
	/* Split at commas, trimmed, spaces tidied, empty parts skipped. */
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, " fear ,, Shame  and   guilt,"),
	                 RECORD_PROBLEM_NONE);
	assert_int_equal(r.list[TRIGGER_EMOTIONS].n, 2);
	assert_string_equal(r.list[TRIGGER_EMOTIONS].v[0], "fear");
	assert_string_equal(r.list[TRIGGER_EMOTIONS].v[1], "Shame and guilt");
	/* The same name again, in other case or spacing: kept once. */
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, "FEAR"),
	                 RECORD_PROBLEM_NONE);
	assert_int_equal(r.list[TRIGGER_EMOTIONS].n, 2);
	/* Control characters are refused; nothing more is added. */
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, "x\033[31m"),
	                 RECORD_PROBLEM_CONTROL);
	assert_int_equal(r.list[TRIGGER_EMOTIONS].n, 2);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, "a\nb"),
	                 RECORD_PROBLEM_CONTROL);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, "bad \xff"),
	                 RECORD_PROBLEM_NOT_UTF8);
	/* Tags follow the journal: lower case, no '#'. */
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_TAGS), &r,
	                                  "#Work, home"),
	                 RECORD_PROBLEM_NONE);
	assert_string_equal(r.list[TRIGGER_TAGS].v[0], "work");
	assert_string_equal(r.list[TRIGGER_TAGS].v[1], "home");
	/* Too long, and too many. */
	char big[TRIGGER_ITEM_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(
	        record_add_items(trigger_list_field(TRIGGER_BODY), &r, big),
	        RECORD_PROBLEM_LONG);
	for (int i = 0; i < TRIGGER_MAX_ITEMS; i++) {
		char one[16];
		snprintf(one, sizeof(one), "u%d", i);
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_URGES), &r,
		                         one),
		        RECORD_PROBLEM_NONE);
	}
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_URGES), &r,
	                                  "one more"),
	                 RECORD_PROBLEM_FULL);
	/* Free text keeps inner newlines, trims the ends; empty clears. */
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_NOTE), &r,
	                                 "  a\r\nb  \n"),
	                 RECORD_PROBLEM_NONE);
	assert_string_equal(r.text[TRIGGER_NOTE], "a\nb");
	assert_int_equal(
	        record_set_text(trigger_text_field(TRIGGER_NOTE), &r, " \n "),
	        RECORD_PROBLEM_NONE);
	assert_null(r.text[TRIGGER_NOTE]);
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_NOTE), &r,
	                                 "bell\007"),
	                 RECORD_PROBLEM_CONTROL);
	char *c = record_item_clean("   ", TRIGGER_ITEM_MAX, &why);
	assert_null(c);
	assert_int_equal(why, RECORD_PROBLEM_EMPTY);
	record_release(&trigger_kind, &r);
	/* Released: empty again. */
	assert_int_equal(r.list[TRIGGER_EMOTIONS].n, 0);
	assert_int_equal(r.before, TRIGGER_NO_RATING);
}

static void
vault_roundtrip(void **state)
{
	struct vault *v = make_vault();
	struct trigger_record r, *got = NULL;
	full_record(&r, 1790000000);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &trigger_kind, &r, false, 1790000100),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	assert_true(vault_id_ok(r.id));
	assert_int_equal(r.created, 1790000100);

	assert_int_equal(record_get(v, &trigger_kind, r.id, (void **)&got), 0);
	assert_true(record_same(&trigger_kind, &r, got));
	assert_string_equal(got->id, r.id);
	assert_int_equal(got->created, 1790000100);
	assert_string_equal(got->text[TRIGGER_NOTE],
	                    "first line\nsecond\n\n  fourth, indented");
	assert_string_equal(got->list[TRIGGER_TAGS].v[0], "home");

	/* Listing without bodies has the head fields only. */
	struct trigger_filter f = {0};
	struct trigger_record **list = NULL;
	size_t n = 0;
	assert_int_equal(trigger_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_false(list[0]->has_body);
	assert_string_equal(list[0]->text[TRIGGER_TRIGGER],
	                    "a door slammed downstairs");
	assert_int_equal(list[0]->list[TRIGGER_HELPED].n, 2);
	assert_int_equal(list[0]->list[TRIGGER_EMOTIONS].n, 2);
	assert_null(list[0]->text[TRIGGER_NOTE]);
	assert_int_equal(list[0]->felt_age, TRIGGER_NO_AGE);
	/* ... and such a record cannot be written back by mistake. */
	assert_int_equal(record_update(v, &trigger_kind, list[0], 1790000200),
	                 VAULT_ERROR);
	trigger_records_free(list, n);

	/* Update: revision replaced, fields changed. */
	got->after = 1;
	record_clear_list(trigger_list_field(TRIGGER_HELPED), got);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_update(v, &trigger_kind, got, 1790000300), 0);
	assert_int_equal(vault_commit(v), 0);
	record_free(&trigger_kind, got);
	assert_int_equal(record_get(v, &trigger_kind, r.id, (void **)&got), 0);
	assert_int_equal(got->after, 1);
	assert_int_equal(got->list[TRIGGER_HELPED].n, 0);
	assert_int_equal(got->updated, 1790000300);
	assert_int_equal(got->created, 1790000100);
	record_free(&trigger_kind, got);

	/* Journal entries are another kind: not seen here. */
	char jid[VAULT_ID_HEX + 1];
	assert_int_equal(
	        journal_add(v, "hello", 5, 3, NULL, 0, 1790000000, jid), 0);
	assert_int_equal(record_get(v, &trigger_kind, jid, (void **)&got),
	                 VAULT_NOT_FOUND);
	record_release(&trigger_kind, &r);
	vault_free(v);
}

static void
list_filters(void **state)
{
	struct vault *v = make_vault();
	const time_t base = 1790000000;
	for (int i = 0; i < 5; i++) {
		struct trigger_record r;
		record_init(&trigger_kind, &r, 0);
		r.when = base + i * 86400;
		r.before = i;
		r.has_body = true;
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_TAGS), &r,
		                         i % 2 ? "odd" : "even"),
		        0);
		assert_int_equal(record_add(v, &trigger_kind, &r, false, base),
		                 0);
		record_release(&trigger_kind, &r);
	}
	struct trigger_filter f = {.since = base + 86400,
	                           .until = base + 3 * 86400};
	struct trigger_record **list = NULL;
	size_t n = 0;
	assert_int_equal(trigger_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 3);
	/* newest first */
	assert_int_equal(list[0]->before, 3);
	assert_int_equal(list[2]->before, 1);
	trigger_records_free(list, n);
	f = (struct trigger_filter){.tag = "odd", .with_body = true};
	assert_int_equal(trigger_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(list[0]->has_body);
	trigger_records_free(list, n);
	vault_free(v);
}

struct keys_seen {
	int n, right;
};

static int
key_seen_cb(void *arg, const struct vault_item *it)
{
	struct keys_seen *k = arg;
	int64_t key;
	k->n++;
	k->right +=
	        record_sort_key(it->kind, it->head, it->headlen, &key) == 0 &&
	        key == it->sort_key;
	return 0;
}

/*
 * A period is picked by the index's sort keys: also in a vault an older
 * writer filled, which gave no kind but the journal a key (records kept
 * with key 0 have theirs worked out once, then kept).
 */
static void
period_by_sort_keys(void **state)
{
	(void)state;
	struct vault *v = make_vault();
	const time_t base = 1790000000, day = 86400;
	vault_set_sort_key(v, journal_sort_key); /* the older writer */
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 10; i++) {
		struct trigger_record r;
		record_init(&trigger_kind, &r, 0);
		r.when = base + i * day;
		r.before = i;
		assert_int_equal(record_add(v, &trigger_kind, &r, false, base),
		                 0);
		record_release(&trigger_kind, &r);
		struct rating g = {.created = base + i * day,
		                   .before = i,
		                   .after = RATING_NONE};
		snprintf(g.exercise, sizeof(g.exercise), "orienting");
		assert_int_equal(rating_add(v, false, &g, NULL), 0);
	}
	assert_int_equal(vault_commit(v), 0);
	struct keys_seen seen = {0};
	assert_int_equal(vault_each(v, NULL, 0, key_seen_cb, &seen), 0);
	assert_int_equal(seen.n, 20);
	assert_int_equal(seen.right, 0); /* none has its key yet */

	vault_set_sort_key(v, record_sort_key); /* as the CLI opens it */
	struct trigger_filter f = {.since = base + 3 * day,
	                           .until = base + 6 * day};
	struct trigger_record **list = NULL;
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(trigger_list(v, &f, &list, &n, NULL, NULL), 0);
		assert_int_equal(n, 4);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(list[i]->before, 6 - (int)i);
		trigger_records_free(list, n);
	}
	struct rating *ratings = NULL;
	assert_int_equal(
	        rating_list(v, base + 8 * day, 0, &ratings, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ratings[0].before, 8); /* oldest first */
	assert_int_equal(ratings[1].before, 9);
	free(ratings);
	/* the keys were worked out once and kept */
	seen = (struct keys_seen){0};
	assert_int_equal(vault_each(v, NULL, 0, key_seen_cb, &seen), 0);
	assert_int_equal(seen.right, 20);

	/* a record stored now has its key at once; a period with none */
	struct trigger_record r;
	record_init(&trigger_kind, &r, 0);
	r.when = base + 20 * day;
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &trigger_kind, &r, false, base), 0);
	assert_int_equal(vault_commit(v), 0);
	record_release(&trigger_kind, &r);
	seen = (struct keys_seen){0};
	assert_int_equal(vault_each(v, "trigger", 0, key_seen_cb, &seen), 0);
	assert_int_equal(seen.right, 11);
	f = (struct trigger_filter){.since = base + 30 * day};
	assert_int_equal(trigger_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 0);
	trigger_records_free(list, n);
	vault_free(v);
}

/* Grep a file's bytes for a marker. */
static bool
file_has(const char *p, const char *marker)
{
	FILE *fp = fopen(p, "rb");
	if (!fp)
		return false;
	size_t cap = 1 << 20, len = 0, k;
	char *buf = malloc(cap);
	while (buf && (k = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += k;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(fp);
	bool found = buf && memmem(buf, len, marker, strlen(marker));
	free(buf);
	return found;
}

static void
no_plaintext_on_disk(void **state)
{
	struct vault *v = make_vault();
	struct trigger_record r;
	record_init(&trigger_kind, &r, 0);
	r.when = 1790000000;
	r.has_body = true;
	r.state = TRIGGER_TOO_MUCH;
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_TRIGGER),
	                                 &r, "TRIGGERMARK4711"),
	                 0);
	assert_int_equal(record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
	                                  &r, "EMOTIONMARK0815"),
	                 0);
	assert_int_equal(record_set_text(trigger_text_field(TRIGGER_NOTE), &r,
	                                 "NOTEMARK2323"),
	                 0);
	assert_int_equal(record_add(v, &trigger_kind, &r, false, 1790000000),
	                 0);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	const char *markers[] = {"TRIGGERMARK4711", "EMOTIONMARK0815",
	                         "NOTEMARK2323", "too-much", "\"emotions\""};
	for (int i = 0; i < 5; i++) {
		assert_false(file_has(path, markers[i]));
		assert_false(file_has(wal, markers[i]));
	}
	vault_free(v);
	for (int i = 0; i < 5; i++)
		assert_false(file_has(path, markers[i]));
	record_release(&trigger_kind, &r);
}

static void
edit_layout_roundtrip(void **state)
{
	struct trigger_record r, back;
	size_t len;
	char err[256];
	full_record(&r, 1790000007); /* seconds are kept when unchanged */
	memcpy(r.id, "0123456789abcdef0123456789abcdef", VAULT_ID_HEX + 1);
	char *text = record_format_text(&trigger_kind, &r, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "\nbefore: 8\n"));
	assert_non_null(strstr(text, "\nstate: too-little\n"));
	assert_non_null(strstr(text, "\nemotion: fear, shame\n"));
	assert_non_null(strstr(text, "\nnote: first line\n  second\n\n    "
	                             "fourth, indented\n"));
	assert_non_null(strstr(text, "# Trigger record 01234567."));
	assert_int_equal(record_parse_text(&trigger_kind, text, len, &r,
	                                   1790000000, &back, err, sizeof(err)),
	                 0);
	assert_true(record_same(&trigger_kind, &r, &back));
	assert_int_equal(back.when, 1790000007);
	assert_string_equal(back.id, r.id);
	assert_true(back.has_body);
	record_release(&trigger_kind, &back);
	sodium_memzero(text, len);
	free(text);

	/* Empty record: keys are there to fill in. */
	struct trigger_record empty;
	record_init(&trigger_kind, &empty, 0);
	empty.when = 1790000000;
	text = record_format_text(&trigger_kind, &empty, &len);
	assert_non_null(strstr(text, "\nafter:\n"));
	assert_non_null(strstr(text, "\nhelped:\n"));
	assert_int_equal(record_parse_text(&trigger_kind, text, len, &empty,
	                                   1790000000, &back, err, sizeof(err)),
	                 0);
	assert_false(record_has_fields(&trigger_kind, &back));
	record_release(&trigger_kind, &back);
	free(text);
	record_release(&trigger_kind, &r);
}

static void
edit_layout_forms(void **state)
{
	struct trigger_record base, r;
	char err[256];
	record_init(&trigger_kind, &base, 0);
	base.when = 1790000000;
	/* Repeated list keys add up; plural keys and any case work; a
	 * left-out field is cleared; CRLF is fine; a new date is taken. */
	const char *t = "# comment\r\n"
	                "When: 2026-11-05 08:15\r\n"
	                "Emotions: fear, shame\r\n"
	                "emotion: anger\r\n"
	                "  rage, fear\r\n"
	                "now_differs: I can leave\r\n"
	                "note:\r\n"
	                "  one\r\n"
	                "\r\n"
	                "  two\r\n"
	                "felt-age: 9\r\n"
	                "state: Too Much\r\n"
	                "tag: #Night\r\n";
	assert_int_equal(record_parse_text(&trigger_kind, t, strlen(t), &base,
	                                   1790000000, &r, err, sizeof(err)),
	                 0);
	assert_int_equal(r.list[TRIGGER_EMOTIONS].n, 4);
	assert_string_equal(r.list[TRIGGER_EMOTIONS].v[2], "anger");
	assert_string_equal(r.list[TRIGGER_EMOTIONS].v[3], "rage");
	assert_string_equal(r.text[TRIGGER_NOW_DIFFERS], "I can leave");
	assert_string_equal(r.text[TRIGGER_NOTE], "one\n\ntwo");
	assert_int_equal(r.felt_age, 9);
	assert_int_equal(r.state, TRIGGER_TOO_MUCH);
	assert_string_equal(r.list[TRIGGER_TAGS].v[0], "night");
	assert_int_equal(r.before, TRIGGER_NO_RATING);
	assert_int_equal(r.when, 1793866500); /* 2026-11-05 08:15 UTC */
	record_release(&trigger_kind, &r);
}

/* Each message names the line and what the field takes. */
static void
edit_layout_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	        {"before: 7\nafter: 11\n", "Line 2: 'after' takes a number "
	                                   "from 0 to 10"},
	        {"before: seven\n", "Line 1: 'before' takes a number"},
	        {"before: -1\n", "Line 1: 'before'"},
	        {"\n\nstate: hyper\n", "Line 3: 'state' takes too-much, okay "
	                               "or too-little"},
	        {"when: someday\n", "Line 1: 'when' needs a date"},
	        {"when:\n", "Line 1: 'when' needs a date"},
	        {"emotoin: fear\n", "Line 1: 'emotoin' is not a field of a "
	                            "trigger record. Did you mean 'emotion'?"},
	        {"mood: 4\n", "Line 1: 'mood' is not a field"},
	        {"just some words\n", "Line 1: selfhelp expected 'key: value'"},
	        {"  indented first\n", "Line 1: this line is indented"},
	        {"before: 3\nbefore: 4\n", "Line 2: 'before' is here twice"},
	        {"note: a\nnote: b\n", "Line 2: 'note' is here twice"},
	        {"felt-age: 200\n", "Line 1: 'felt-age' takes an age"},
	        {"emotion: ok\nbody: a\033b\n", "Line 2: this body holds "
	                                        "control characters"},
	        {"note: bad \xff byte\n", "not UTF-8"},
	};
	struct trigger_record base, r;
	char err[512];
	record_init(&trigger_kind, &base, 0);
	base.when = 1790000000;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].text;
		r.before = 99;
		if (record_parse_text(&trigger_kind, t, strlen(t), &base,
		                      1790000000, &r, err, sizeof(err)) != -1)
			fail_msg("case %zu parsed: %s", i, t);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: expected '%s' in '%s'", i,
			         cases[i].want, err);
		/* Released on failure. */
		assert_int_equal(r.before, TRIGGER_NO_RATING);
		/* Never blaming words. */
		assert_null(strstr(err, "invalid"));
		assert_null(strstr(err, "wrong"));
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(states),
	        T(items),
	        T(vault_roundtrip),
	        T(list_filters),
	        T(period_by_sort_keys),
	        T(no_plaintext_on_disk),
	        T(edit_layout_roundtrip),
	        T(edit_layout_forms),
	        T(edit_layout_errors),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
