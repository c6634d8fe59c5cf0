/*
 * lib/journal.c through its public API (journal.h): entries added, read,
 * updated and deleted; the list's filters (dates, tag, words, limit);
 * tags and moods; records that do not authenticate reported; entries
 * written while locked; the sort key.
 */
#include "harness.h"

#include "fixture.h"
#include "journal.h"
#include "search.h"
#include "util.h"
#include "vault-rows.h"

#include <sqlite3.h>
#include <stdlib.h>

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
	struct vault *v = fixture_vault(path, "pass");
	vault_set_sort_key(v, journal_sort_key);
	return v;
}

static struct vault *
reopen(void)
{
	struct vault *v = NULL;
	assert_int_equal(vault_open(path, &v, NULL), VAULT_OK);
	assert_int_equal(vault_unlock(v, "pass", 4), VAULT_OK);
	vault_set_sort_key(v, journal_sort_key);
	return v;
}

/* Add one entry in its own transaction; its id into id. */
static void
add(struct vault *v, const char *text, int mood, const char *tag,
    time_t created, char *id)
{
	char *tags[] = {(char *)tag};
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(journal_add(v, text, strlen(text), mood, tags,
	                             tag ? 1 : 0, created, id),
	                 VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
}

/* The entries journal_list gives for f, as their texts' first lines,
 * newest first, joined by '|'. */
static void
list_is(struct vault *v, const struct journal_filter *f, const char *want)
{
	struct journal_entry **l = NULL;
	size_t n = 0;
	char got[512] = "";
	assert_int_equal(journal_list(v, f, &l, &n, NULL, NULL), VAULT_OK);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(got, "|");
		strcat(got, l[i]->preview);
	}
	journal_entries_free(l, n);
	assert_string_equal(got, want);
}

/* Everything given comes back, the text whole, the preview its first
 * line; the id is 32 hex digits. */
static void
add_and_get(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry *e = NULL;
	char id[VAULT_ID_HEX + 1];
	char *tags[] = {(char *)"work", (char *)"two words"};
	const char text[] = "First line\nsecond line, with ümlauts\n";
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(
	        journal_add(v, text, strlen(text), 7, tags, 2, 1000, id),
	        VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	assert_int_equal(strlen(id), VAULT_ID_HEX);
	assert_int_equal(strspn(id, "0123456789abcdef"), VAULT_ID_HEX);
	assert_int_equal(journal_get(v, id, &e), VAULT_OK);
	assert_string_equal(e->id, id);
	assert_int_equal(e->created, 1000);
	assert_int_equal(e->updated, 1000);
	assert_int_equal(e->mood, 7);
	assert_int_equal(e->ntags, 2);
	assert_string_equal(e->tags[0], "work");
	assert_string_equal(e->tags[1], "two words");
	assert_string_equal(e->preview, "First line");
	assert_int_equal(e->textlen, strlen(text));
	assert_memory_equal(e->text, text, strlen(text));
	assert_false(e->written_locked);
	journal_entry_free(e);
	/* no mood, no tags; and the same after the vault is opened again */
	add(v, "just this", JOURNAL_NO_MOOD, NULL, 2000, id);
	vault_free(v);
	v = reopen();
	assert_int_equal(journal_get(v, id, &e), VAULT_OK);
	assert_int_equal(e->mood, JOURNAL_NO_MOOD);
	assert_int_equal(e->ntags, 0);
	assert_string_equal(e->text, "just this");
	journal_entry_free(e);
	/* an id that is not there */
	assert_int_equal(journal_get(v, "0123456789abcdef0123456789abcdef", &e),
	                 VAULT_NOT_FOUND);
	journal_entry_free(NULL);
	vault_free(v);
}

/* A long first line is cut for the preview, never inside a character. */
static void
long_preview(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry *e = NULL;
	char id[VAULT_ID_HEX + 1], text[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, "é"); /* 200 bytes, one line */
	add(v, text, 3, NULL, 10, id);
	assert_int_equal(journal_get(v, id, &e), VAULT_OK);
	assert_true(strlen(e->preview) <= 120);
	assert_true(strlen(e->preview) > 100);
	assert_true(util_utf8_ok(e->preview, strlen(e->preview), NULL));
	assert_string_equal(e->text, text);
	journal_entry_free(e);
	vault_free(v);
}

/* A leading journaling prompt ("> PROMPT", a blank line) is left out of
 * the preview when words follow it; the text keeps it whole. */
static void
prompt_preview(void **state)
{
	static const struct {
		const char *text, *preview;
	} cases[] = {
	        {"> What helped today?\n\nA walk.\nMore.", "A walk."},
	        {"> What helped today?\n \n\n  Tea\n", "Tea"},
	        {"> What helped today?\n\n", "> What helped today?"},
	        {"> a quote\nright after\n", "> a quote"},
	        {">no space\n\nwords", ">no space"},
	        {"Plain first line\n\n> later", "Plain first line"},
	        {"> one line only", "> one line only"},
	};
	struct vault *v = make_vault();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct journal_entry *e = NULL;
		char id[VAULT_ID_HEX + 1];
		add(v, cases[i].text, 3, NULL, 10 + (time_t)i, id);
		assert_int_equal(journal_get(v, id, &e), VAULT_OK);
		assert_string_equal(e->preview, cases[i].preview);
		assert_string_equal(e->text, cases[i].text);
		journal_entry_free(e);
	}
	vault_free(v);
}

/* Update: text, mood and tags replaced, created kept, updated now. */
static void
update_round_trip(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry *e = NULL;
	char id[VAULT_ID_HEX + 1];
	add(v, "before", 2, "old", 100, id);
	assert_int_equal(journal_get(v, id, &e), VAULT_OK);
	free(e->text);
	e->text = strdup("after\nand more");
	assert_non_null(e->text);
	e->textlen = strlen(e->text);
	e->mood = 9;
	free(e->tags[0]);
	e->tags[0] = strdup("new");
	assert_non_null(e->tags[0]);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(journal_update(v, e, 5000), VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	journal_entry_free(e);
	vault_free(v);
	v = reopen();
	assert_int_equal(journal_get(v, id, &e), VAULT_OK);
	assert_string_equal(e->text, "after\nand more");
	assert_string_equal(e->preview, "after");
	assert_int_equal(e->mood, 9);
	assert_int_equal(e->ntags, 1);
	assert_string_equal(e->tags[0], "new");
	assert_int_equal(e->created, 100);
	assert_int_equal(e->updated, 5000);
	journal_entry_free(e);
	struct journal_filter f = {.tag = "old"};
	list_is(v, &f, "");
	f.tag = "new";
	list_is(v, &f, "after");
	vault_free(v);
}

/* Delete: gone from get and list; the others stay. */
static void
delete_one(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry *e = NULL;
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	add(v, "keep me", 1, NULL, 100, a);
	add(v, "delete me", 1, NULL, 200, b);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(vault_delete(v, b), VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	assert_int_equal(journal_get(v, b, &e), VAULT_NOT_FOUND);
	struct journal_filter f = {0};
	list_is(v, &f, "keep me");
	vault_free(v);
	v = reopen();
	list_is(v, &f, "keep me");
	vault_free(v);
}

/* The list's filters, alone and together; newest first; a limit keeps
 * the newest. */
static void
list_filters(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	add(v, "one", 1, "work", 100, id);
	add(v, "two", 2, "home", 200, id);
	add(v, "three Grüße", 3, "work", 300, id);
	add(v, "four", JOURNAL_NO_MOOD, NULL, 400, id);
	struct journal_filter f = {0};
	list_is(v, &f, "four|three Grüße|two|one");
	f.since = 200;
	list_is(v, &f, "four|three Grüße|two");
	f.until = 300;
	list_is(v, &f, "three Grüße|two");
	f.tag = "work";
	list_is(v, &f, "three Grüße");
	memset(&f, 0, sizeof(f));
	f.limit = 2;
	list_is(v, &f, "four|three Grüße");
	f.tag = "work";
	list_is(v, &f, "three Grüße|one");
	memset(&f, 0, sizeof(f));
	f.needle = search_needle_new("GRÜSSE");
	list_is(v, &f, "three Grüße");
	search_needle_free(f.needle);
	f.needle = search_needle_new("home"); /* a tag matches too */
	list_is(v, &f, "two");
	search_needle_free(f.needle);
	f.needle = search_needle_new("nowhere");
	list_is(v, &f, "");
	search_needle_free(f.needle);
	/* bodies only when asked for */
	struct journal_entry **l = NULL;
	size_t n = 0;
	memset(&f, 0, sizeof(f));
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), VAULT_OK);
	assert_int_equal(n, 4);
	assert_null(l[0]->text);
	assert_int_equal(l[3]->mood, 1);
	assert_int_equal(l[0]->mood, JOURNAL_NO_MOOD);
	journal_entries_free(l, n);
	f.with_text = true;
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), VAULT_OK);
	assert_string_equal(l[1]->text, "three Grüße");
	journal_entries_free(l, n);
	vault_free(v);
}

static int
mood_oldest_first(const void *a, const void *b)
{
	const struct journal_mood *x = a, *y = b;
	return (x->created > y->created) - (x->created < y->created);
}

/* The times and moods of a period, picked by the index: a report's. */
static void
moods_of_period(void **state)
{
	(void)state;
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	for (int i = 1; i <= 6; i++)
		add(v, "an entry", i == 4 ? JOURNAL_NO_MOOD : i, NULL, 100 * i,
		    id);
	struct journal_mood *m = NULL;
	size_t n = 0;
	assert_int_equal(journal_moods(v, 200, 500, &m, &n, NULL, NULL),
	                 VAULT_OK);
	assert_int_equal(n, 4);
	qsort(m, n, sizeof(*m), mood_oldest_first);
	assert_int_equal(m[0].created, 200);
	assert_int_equal(m[0].mood, 2);
	assert_int_equal(m[2].mood, JOURNAL_NO_MOOD);
	assert_int_equal(m[3].created, 500);
	free(m);
	assert_int_equal(journal_moods(v, 0, 0, &m, &n, NULL, NULL), VAULT_OK);
	assert_int_equal(n, 6);
	free(m);
	assert_int_equal(journal_moods(v, 700, 0, &m, &n, NULL, NULL),
	                 VAULT_OK);
	assert_int_equal(n, 0);
	free(m);
	vault_free(v);
}

/* Tags as typed become one form; what cannot be a tag is refused. */
static void
tags_normalized(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	        {"Work", "work"},
	        {"  #Home  ", "home"},
	        {"##two words", "two words"},
	        {"Grüße", "grüße"}, /* only ASCII is lower-cased */
	        {"", NULL},
	        {"  # ", NULL},
	        {"a,b", NULL},
	        {"bell\a", NULL},
	        {"c1\xc2\x9b", NULL},
	        {"bad\xff", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = journal_tag_normalize(cases[i].in);
		if (cases[i].out) {
			assert_non_null(t);
			assert_string_equal(t, cases[i].out);
		} else {
			assert_null(t);
		}
		free(t);
	}
	char longest[JOURNAL_TAG_MAX + 2];
	memset(longest, 'a', JOURNAL_TAG_MAX);
	longest[JOURNAL_TAG_MAX] = '\0';
	char *t = journal_tag_normalize(longest);
	assert_non_null(t);
	free(t);
	longest[JOURNAL_TAG_MAX] = 'a';
	longest[JOURNAL_TAG_MAX + 1] = '\0';
	assert_null(journal_tag_normalize(longest));
}

/* Flip one byte in the middle of record id's head or body, from
 * outside (the vault closed). */
static void
damage(const char *id, const char *part)
{
	sqlite3 *db;
	char sql[200];
	int64_t rowid = test_row_of(path, "pass", id);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	         "UPDATE record SET %s = substr(%s, 1, length(%s) / 2) || "
	         "(CASE WHEN substr(%s, length(%s) / 2 + 1, 1) = x'00' THEN "
	         "x'ff' ELSE x'00' END) || substr(%s, length(%s) / 2 + 2) "
	         "WHERE rowid = %lld",
	         part, part, part, part, part, part, part, (long long)rowid);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
}

struct damaged {
	int n;
	char id[VAULT_ID_HEX + 1];
};

static void
on_damaged(void *arg, const char *id)
{
	struct damaged *d = arg;
	d->n++;
	snprintf(d->id, sizeof(d->id), "%s", id);
}

/* A record that does not authenticate: get says VAULT_DAMAGED, the list
 * leaves it out and names it once; the rest still read. */
static void
damaged_reported(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry *e = NULL, **l = NULL;
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1], c[VAULT_ID_HEX + 1];
	size_t n = 0;
	add(v, "fine", 1, NULL, 100, a);
	add(v, "bad head", 1, NULL, 200, b);
	add(v, "bad body", 1, NULL, 300, c);
	vault_free(v);
	damage(b, "head");
	damage(c, "body");
	v = reopen();
	assert_int_equal(journal_get(v, b, &e), VAULT_DAMAGED);
	assert_int_equal(journal_get(v, c, &e), VAULT_DAMAGED);
	assert_int_equal(journal_get(v, a, &e), VAULT_OK);
	journal_entry_free(e);
	struct journal_filter f = {0};
	struct damaged d = {0};
	assert_int_equal(journal_list(v, &f, &l, &n, on_damaged, &d), VAULT_OK);
	assert_int_equal(n, 2); /* the body is not read for a list */
	assert_int_equal(d.n, 1);
	assert_string_equal(d.id, b);
	journal_entries_free(l, n);
	memset(&d, 0, sizeof(d));
	f.with_text = true;
	assert_int_equal(journal_list(v, &f, &l, &n, on_damaged, &d), VAULT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(l[0]->text, "fine");
	assert_int_equal(d.n, 2);
	journal_entries_free(l, n);
	vault_free(v);
}

/* Written while locked: readable after the next unlock, and marked. */
static void
sealed_round_trip(void **state)
{
	struct vault *v = make_vault();
	struct journal_entry **l = NULL;
	char id[VAULT_ID_HEX + 1];
	char *tags[] = {(char *)"night"};
	size_t n = 0, folded = 0;
	vault_free(v);
	assert_int_equal(vault_open(path, &v, NULL), VAULT_OK);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(
	        journal_add_sealed(v, "while locked", 12, 4, tags, 1, 700, id),
	        VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
	v = reopen();
	assert_int_equal(vault_fold_sealed(v, &folded), VAULT_OK);
	struct journal_filter f = {.with_text = true};
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), VAULT_OK);
	assert_int_equal(n, 1);
	assert_string_equal(l[0]->text, "while locked");
	assert_int_equal(l[0]->mood, 4);
	assert_int_equal(l[0]->created, 700);
	assert_string_equal(l[0]->tags[0], "night");
	assert_true(l[0]->written_locked);
	journal_entries_free(l, n);
	vault_free(v);
}

/* The sort key is the creation time; other heads have none. */
static void
sort_key(void **state)
{
	static const char head[] =
	        "{\"v\":1,\"created\":1234,\"updated\":99,"
	        "\"mood\":null,\"tags\":[],\"preview\":\"x\"}";
	int64_t key = 0;
	assert_int_equal(journal_sort_key(JOURNAL_KIND,
	                                  (const unsigned char *)head,
	                                  strlen(head), &key),
	                 0);
	assert_int_equal(key, 1234);
	assert_int_equal(journal_sort_key("trigger",
	                                  (const unsigned char *)head,
	                                  strlen(head), &key),
	                 1);
	assert_int_not_equal(journal_sort_key(JOURNAL_KIND,
	                                      (const unsigned char *)"nope", 4,
	                                      &key),
	                     0);
	/* heads as journal.c writes them are read at a glance; the others
	 * as a whole, with the same answer */
	static const struct {
		const char *head;
		int rc;
		int64_t key;
	} more[] = {
	        {"{\"v\":1,\"created\":-5,\"tags\":[],\"preview\":\"\"}", 0,
	         -5},
	        {"{\"created\":77,\"v\":1,\"tags\":[],\"preview\":\"\"}", 0,
	         77},
	        {"{\"v\":1,\"created\":1234567890123456789,\"tags\":[],"
	         "\"preview\":\"\"}",
	         0, 1234567890123456789},
	        {"{\"v\":1,\"created\":012,\"tags\":[]}", -1, 0},
	        {"{\"v\":1,\"created\":}", -1, 0},
	        {"{\"v\":1,\"created\":12", -1, 0},
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(*more); i++) {
		key = 0;
		int rc = journal_sort_key(JOURNAL_KIND,
		                          (const unsigned char *)more[i].head,
		                          strlen(more[i].head), &key);
		assert_int_equal(rc != 0, more[i].rc != 0);
		if (!rc)
			assert_int_equal(key, more[i].key);
	}
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
	static const struct CMUnitTest tests[] = {
	        T(add_and_get),       T(long_preview),     T(prompt_preview),
	        T(update_round_trip), T(delete_one),       T(list_filters),
	        T(tags_normalized),   T(damaged_reported), T(sealed_round_trip),
	        T(sort_key),          T(moods_of_period),
	};
	return RUN_NAMED(tests, argc, argv);
}
