/*
 * lib/safety.c: the seven sections, the readable layout (parse, format,
 * line-numbered messages) and the versioned records in the vault.
 */
#include "harness.h"

#include "fixture.h"

#include "journal.h"
#include "safety.h"
#include "vault.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "vault-rows.h"
#include <stdbool.h>
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

static struct safety_plan *
parse_ok(const char *text)
{
	struct safety_plan *p = NULL;
	char err[SAFETY_ERR_MAX];
	int rc = safety_parse_text(text, strlen(text), &p, err);
	if (rc)
		fprintf(stderr, "parse: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(p);
	return p;
}

static void
items_are(const struct safety_plan *p, enum safety_section s,
          const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	if (p->sections[s].n != n)
		fprintf(stderr, "section %s: %zu items, want %zu\n",
		        safety_section_key(s), p->sections[s].n, n);
	assert_int_equal(p->sections[s].n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(p->sections[s].items[i], want[i]);
}

static void
sections(void **state)
{
	static const char *const keys[] = {
	        "warning-signs", "on-my-own",    "distractions", "people",
	        "professionals", "surroundings", "reasons"};
	static const char *const titles[] = {
	        "Warning signs",
	        "Things I can do on my own",
	        "People and places that distract me",
	        "People I can ask for help",
	        "Professionals and crisis lines",
	        "Making my surroundings safer",
	        "My reasons to keep going"};
	assert_int_equal(SAFETY_NSECTIONS, 7);
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		assert_string_equal(safety_section_key((enum safety_section)s),
		                    keys[s]);
		assert_string_equal(
		        safety_section_title((enum safety_section)s),
		        titles[s]);
		assert_true(strlen(safety_section_hint(
		                    (enum safety_section)s)) > 10);
	}
	/* Step 6 names the means, and asking someone to hold them (the
	 * part of safety planning with the strongest evidence). */
	static const char *const means[] = {"medicines",
	                                    "weapons",
	                                    "blades",
	                                    "alcohol",
	                                    "drugs",
	                                    "someone I trust to keep",
	                                    "giving someone to hold"};
	const char *safer = safety_section_hint(SAFETY_SURROUNDINGS);
	for (size_t i = 0; i < sizeof(means) / sizeof(means[0]); i++)
		if (!strstr(safer, means[i]))
			fail_msg("step 6 does not name '%s': %s", means[i],
			         safer);
	assert_non_null(strstr(safety_section_hint(SAFETY_WARNING_SIGNS),
	                       "urges to hurt myself"));
	assert_non_null(
	        strstr(safety_section_hint(SAFETY_PEOPLE), "phone number"));
	assert_non_null(strstr(safety_section_hint(SAFETY_PROFESSIONALS),
	                       "emergency number"));
}

static void
parse_layout(void **state)
{
	struct safety_plan *p =
	        parse_ok("\xef\xbb\xbf# My plan, written on a calm day\n"
	                 "\n"
	                 "## Warning signs\n"
	                 "- I stop answering messages\n"
	                 "* not sleeping   \n"
	                 "+ the old \"it's my fault\" thought\n"
	                 "#hashtag is an item, not a note\n"
	                 "\n"
	                 "## things i can do on my own:\r\n"
	                 "1. cold water on my face\r\n"
	                 "2) the 5-4-3-2-1 exercise\n"
	                 "a walk round the block\n"
	                 "- a long item that my editor\n"
	                 "  wrapped onto a second line\n"
	                 "\tand a third\n"
	                 "-\n"
	                 "- \n"
	                 "# a note between items\n"
	                 "\n"
	                 "### People I can ask for help\n"
	                 "- Sam: 0171 2345678\n"
	                 "## Reasons\n"
	                 "- my cat, Pixel\n"
	                 "## Warning signs\n"
	                 "- a second heading adds to the section\n");
	static const char *const warn[] = {
	        "I stop answering messages",
	        "not sleeping",
	        "the old \"it's my fault\" thought",
	        "#hashtag is an item, not a note",
	        "a second heading adds to the section",
	        NULL};
	static const char *const own[] = {
	        "cold water on my face", "the 5-4-3-2-1 exercise",
	        "a walk round the block",
	        "a long item that my editor wrapped onto a second line and a "
	        "third",
	        NULL};
	static const char *const people[] = {"Sam: 0171 2345678", NULL};
	static const char *const reasons[] = {"my cat, Pixel", NULL};
	static const char *const none[] = {NULL};
	items_are(p, SAFETY_WARNING_SIGNS, warn);
	items_are(p, SAFETY_ON_MY_OWN, own);
	items_are(p, SAFETY_PEOPLE, people);
	items_are(p, SAFETY_REASONS, reasons);
	items_are(p, SAFETY_DISTRACTIONS, none);
	items_are(p, SAFETY_PROFESSIONALS, none);
	items_are(p, SAFETY_SURROUNDINGS, none);
	assert_false(safety_plan_empty(p));
	safety_plan_free(p);
}

static void
parse_headings(void **state)
{
	struct {
		const char *heading;
		enum safety_section want;
	} cases[] = {
	        {"## Warning signs", SAFETY_WARNING_SIGNS},
	        {"## WARNING SIGNS", SAFETY_WARNING_SIGNS},
	        {"## 1. Warning signs:", SAFETY_WARNING_SIGNS},
	        {"## Step 1: Warning signs", SAFETY_WARNING_SIGNS},
	        {"## Warning signs (thoughts, moods)", SAFETY_WARNING_SIGNS},
	        {"##warning-signs", SAFETY_WARNING_SIGNS},
	        {"## Internal coping strategies", SAFETY_ON_MY_OWN},
	        {"## People and places that distract", SAFETY_DISTRACTIONS},
	        {"## People   and places that distract me",
	         SAFETY_DISTRACTIONS},
	        {"## 4) People I can ask for help", SAFETY_PEOPLE},
	        {"## People: name and number", SAFETY_PEOPLE},
	        {"## Professionals and crisis lines", SAFETY_PROFESSIONALS},
	        {"## Crisis lines", SAFETY_PROFESSIONALS},
	        {"## Making the environment safe", SAFETY_SURROUNDINGS},
	        {"## Making my surroundings safer", SAFETY_SURROUNDINGS},
	        {"## Reasons for living", SAFETY_REASONS},
	        {"## My reasons to keep going", SAFETY_REASONS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "%s\n- x\n", cases[i].heading);
		struct safety_plan *p = parse_ok(text);
		if (p->sections[cases[i].want].n != 1)
			fprintf(stderr, "heading: %s\n", cases[i].heading);
		assert_int_equal(p->sections[cases[i].want].n, 1);
		safety_plan_free(p);
	}
}

static void
parse_errors(void **state)
{
	char long_item[SAFETY_ITEM_MAX + 40];
	memset(long_item, 'a', sizeof(long_item) - 1);
	memcpy(long_item, "## Reasons\n- ", 13);
	long_item[sizeof(long_item) - 1] = '\0';
	struct {
		const char *text, *want;
	} cases[] = {
	        {"call Sam\n## Warning signs\n", "Line 1 comes before"},
	        {"# note\n\n- an item\n", "Line 3 comes before"},
	        {"## Warning signs\n- a\n## Things to eat\n",
	         "Line 3: '## Things to eat' is not one of the plan's parts"},
	        {"## Warning signs\n##\n", "Line 2 is a heading without"},
	        {"## Warning signs\n- a\x01 b\n", "Line 2 holds a control"},
	        {"## Warning signs\n- a\xc2\x85\n", "Line 2 holds a control"},
	        {"## Warning signs\n\n- caf\xe9\n", "Line 3 has a byte"},
	        {long_item, "Line 2 is longer than 1000 bytes"},
	        {"## Reasons\n- short\n  but continued by so much that...",
	         NULL}, /* fine */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct safety_plan *p = (struct safety_plan *)1;
		char err[SAFETY_ERR_MAX] = "";
		int rc = safety_parse_text(cases[i].text, strlen(cases[i].text),
		                           &p, err);
		if (!cases[i].want) {
			assert_int_equal(rc, 0);
			safety_plan_free(p);
			continue;
		}
		if (rc == 0 || !strstr(err, cases[i].want))
			fprintf(stderr, "case %zu: rc %d, '%s'\n", i, rc, err);
		assert_int_equal(rc, -1);
		assert_null(p);
		assert_non_null(strstr(err, cases[i].want));
		assert_null(strstr(err, "invalid"));
		assert_null(strstr(err, "wrong"));
		assert_null(strstr(err, "must"));
	}
	/* the list of parts is named in the message */
	char err[SAFETY_ERR_MAX];
	struct safety_plan *p;
	assert_int_equal(safety_parse_text("## Foo\n", 7, &p, err), -1);
	assert_non_null(strstr(err, "My reasons to keep going"));

	/* A section holds at most SAFETY_MAX_ITEMS. */
	size_t cap = 20 + (SAFETY_MAX_ITEMS + 1) * 8;
	char *many = malloc(cap), *q = many;
	q += sprintf(q, "## Reasons\n");
	for (int i = 0; i <= SAFETY_MAX_ITEMS; i++)
		q += sprintf(q, "- r%d\n", i);
	assert_int_equal(safety_parse_text(many, strlen(many), &p, err), -1);
	assert_non_null(strstr(err, "Line 102:"));
	free(many);
}

static struct safety_plan *
sample_plan(const char *marker)
{
	struct safety_plan *p = safety_plan_new();
	assert_non_null(p);
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		char item[128];
		snprintf(item, sizeof(item), "%s item %d", marker, s);
		assert_int_equal(safety_plan_add(p, (enum safety_section)s,
		                                 item, strlen(item)),
		                 0);
	}
	assert_int_equal(safety_plan_add(p, SAFETY_PEOPLE, "Ana – 0170 1",
	                                 strlen("Ana – 0170 1")),
	                 0);
	return p;
}

static void
format_roundtrip(void **state)
{
	struct safety_plan *p = sample_plan("round");
	for (int hints = 0; hints < 2; hints++) {
		size_t len;
		char *text = safety_format_text(
		        p, hints ? SAFETY_FORMAT_HINTS : 0, &len);
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
		assert_non_null(strstr(
		        text, hints ? "## Step 1: Warning signs\n# Thoughts"
		                    : "## Step 1: Warning signs\n- round "
		                      "item 0\n"));
		assert_non_null(strstr(text, "\n## Step 7: My reasons to "
		                             "keep going\n"));
		assert_non_null(strstr(text, "- round item 0\n"));
		assert_non_null(strstr(text, "- Ana – 0170 1\n"));
		/* notes only with hints */
		assert_int_equal(text[0] == '#' && text[1] == ' ', hints);
		assert_int_equal(strstr(text, "\n# ") != NULL, hints);
		struct safety_plan *back = parse_ok(text);
		assert_true(safety_plan_same(p, back));
		safety_plan_free(back);
		free(text);
	}
	/* The empty template parses to an empty plan. */
	size_t len;
	char *text = safety_format_text(NULL, SAFETY_FORMAT_HINTS, &len);
	assert_non_null(text);
	/* It says what the plan is for, and how to use it. */
	assert_non_null(strstr(text, "ending your life"));
	assert_non_null(strstr(text, "start at step 1"));
	for (int s = 0; s < SAFETY_NSECTIONS; s++)
		assert_non_null(strstr(
		        text, safety_section_title((enum safety_section)s)));
	/* Every line of the template fits an 80-column editor. */
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		assert_true(n <= 80);
		l += n + (l[n] == '\n');
	}
	struct safety_plan *empty = parse_ok(text);
	assert_true(safety_plan_empty(empty));
	assert_false(safety_plan_same(p, empty));
	safety_plan_free(empty);
	free(text);
	safety_plan_free(p);
	safety_plan_free(NULL);
}

static void
versions_kept(void **state)
{
	struct vault *v = make_vault();
	struct safety_plan *p;
	struct safety_version *list;
	size_t n;
	assert_int_equal(safety_load(v, 0, &p), VAULT_NOT_FOUND);
	assert_null(p);
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);

	const char *const markers[] = {"first", "second", "third"};
	/* the last two in the same second: the stored number orders them */
	const time_t when[] = {1790000000, 1790000500, 1790000500};
	for (int i = 0; i < 3; i++) {
		p = sample_plan(markers[i]);
		assert_int_equal(vault_begin(v), 0);
		assert_int_equal(safety_save(v, p, when[i]), 0);
		assert_int_equal(vault_commit(v), 0);
		assert_int_equal(p->version, i + 1);
		assert_true(vault_id_ok(p->id));
		safety_plan_free(p);
	}
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(list[i].version, (int)i + 1);
		assert_int_equal(list[i].created, when[i]);
	}
	free(list);
	for (int ver = 0; ver <= 3; ver++) {
		char want[64];
		assert_int_equal(safety_load(v, ver, &p), 0);
		snprintf(want, sizeof(want), "%s item 0",
		         markers[ver ? ver - 1 : 2]);
		assert_string_equal(p->sections[SAFETY_WARNING_SIGNS].items[0],
		                    want);
		assert_int_equal(p->version, ver ? ver : 3);
		assert_int_equal(p->sections[SAFETY_PEOPLE].n, 2);
		assert_string_equal(p->sections[SAFETY_PEOPLE].items[1],
		                    "Ana – 0170 1");
		safety_plan_free(p);
	}
	assert_int_equal(safety_load(v, 4, &p), VAULT_NOT_FOUND);
	assert_null(p);
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
	struct safety_plan *p = sample_plan("PLANMARK5150");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(safety_save(v, p, 1790000000), 0);
	assert_int_equal(vault_commit(v), 0);
	safety_plan_free(p);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	const char *markers[] = {"PLANMARK5150", "warning-signs",
	                         "\"sections\"", "Ana"};
	for (int i = 0; i < 4; i++) {
		assert_false(file_has(path, markers[i]));
		assert_false(file_has(wal, markers[i]));
	}
	vault_free(v);
	for (int i = 0; i < 4; i++)
		assert_false(file_has(path, markers[i]));
}

/* Records of the kind that this build cannot read (a raw import, an
 * older layout) are listed but not shown as plans. */
static void
foreign_records(void **state)
{
	struct vault *v = make_vault();
	static const char head[] = "{\"v\":1,\"created\":1794000000}";
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_put(v, NULL, SAFETY_KIND, head, strlen(head),
	                           "Call Sam.\nBreathe.", 18, id),
	                 0);
	assert_int_equal(
	        vault_put(v, NULL, SAFETY_KIND, "not json", 8, "", 0, id), 0);
	assert_int_equal(vault_commit(v), 0);
	struct safety_version *list;
	size_t n;
	assert_int_equal(safety_history(v, &list, &n), 0);
	/* both listed: the first's body is no plan, the second's head none
	 * (it is placed after the first, where it was stored) */
	assert_int_equal(n, 2);
	assert_int_equal(list[0].damaged, SAFETY_DAMAGED_BODY);
	assert_int_equal(list[0].created, 1794000000);
	assert_int_equal(list[1].damaged, SAFETY_DAMAGED_HEAD);
	assert_string_equal(list[1].id, id);
	free(list);
	struct safety_plan *p;
	int newest;
	assert_int_equal(safety_load(v, 0, &p), VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest),
	                 VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(newest, 2);

	/* A newer plan saves and loads past them. */
	p = sample_plan("after");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(safety_save(v, p, 1795000000), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(p->version, 3);
	safety_plan_free(p);
	assert_int_equal(safety_load(v, 0, &p), 0);
	assert_string_equal(p->sections[SAFETY_REASONS].items[0],
	                    "after item 6");
	safety_plan_free(p);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(p->version, 3);
	assert_int_equal(newest, 3);
	safety_plan_free(p);
	vault_free(v);

	/* decode: unknown keys are ignored, missing ones are empty */
	static const char body[] =
	        "{\"v\":1,\"sections\":{\"people\":[\"Jo\"],\"later\":[1]}}";
	assert_int_equal(
	        safety_decode(NULL, (const unsigned char *)head, strlen(head),
	                      (const unsigned char *)body, strlen(body), &p),
	        0);
	assert_int_equal(p->sections[SAFETY_PEOPLE].n, 1);
	assert_true(safety_plan_empty(p) == false);
	assert_int_equal(p->created, 1794000000);
	safety_plan_free(p);
	static const char bad[] = "{\"v\":1,\"sections\":{\"people\":[1]}}";
	assert_int_equal(safety_decode(NULL, (const unsigned char *)head,
	                               strlen(head), (const unsigned char *)bad,
	                               strlen(bad), &p),
	                 -1);
	assert_null(p);
}

/* --- damaged versions --- */

static struct vault *
reopen(void)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, "pass", 4), VAULT_OK);
	return v;
}

/* Flip one byte in the middle of record id's head or body, with SQLite
 * from outside (the vault closed). */
static void
damage(const char *id, bool head)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char buf[1 << 16];
	int n;
	int64_t rowid = test_row_of(path, "pass", id);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    head ? "SELECT head FROM record "
	                                           "WHERE rowid = ?1"
	                                         : "SELECT body FROM record "
	                                           "WHERE rowid = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_bytes(st, 0);
	assert_true(n > 2 && (size_t)n <= sizeof(buf));
	memcpy(buf, sqlite3_column_blob(st, 0), (size_t)n);
	sqlite3_finalize(st);
	buf[n / 2] ^= 0xff;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    head ? "UPDATE record SET head = "
	                                           "?2 WHERE rowid = ?1"
	                                         : "UPDATE record SET body = "
	                                           "?2 WHERE rowid = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_blob(st, 2, buf, n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_changes(db), 1);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Remove this test's vault files, to make a new one. */
static void
remove_vault(void)
{
	char f[320];
	assert_int_equal(unlink(path), 0);
	snprintf(f, sizeof(f), "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
}

/* Save plans "p0", "p1", ... at the times given (in that storage order)
 * into a new vault; their ids into ids. Returns the vault closed. */
static void
save_plans(const time_t *when, size_t n, char (*ids)[VAULT_ID_HEX + 1])
{
	struct vault *v = make_vault();
	for (size_t i = 0; i < n; i++) {
		char marker[32];
		snprintf(marker, sizeof(marker), "p%zu", i);
		struct safety_plan *p = sample_plan(marker);
		assert_int_equal(vault_begin(v), 0);
		assert_int_equal(safety_save(v, p, when[i]), 0);
		assert_int_equal(vault_commit(v), 0);
		snprintf(ids[i], VAULT_ID_HEX + 1, "%s", p->id);
		safety_plan_free(p);
	}
	vault_free(v);
}

/* The plan `p` is the one saved as "pN". */
static void
plan_is(const struct safety_plan *p, int n)
{
	char want[32];
	assert_non_null(p);
	snprintf(want, sizeof(want), "p%d item 0", n);
	assert_string_equal(p->sections[SAFETY_WARNING_SIGNS].items[0], want);
}

static const time_t three[] = {1790000000, 1790000500, 1790001000};

static void
damaged_newest_head(void **state)
{
	char ids[3][VAULT_ID_HEX + 1];
	struct safety_version *list;
	struct safety_plan *p;
	size_t n;
	int newest;
	save_plans(three, 3, ids);
	damage(ids[2], true);
	struct vault *v = reopen();

	/* listed and marked, still the newest (stored last) */
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[2].damaged, SAFETY_DAMAGED_HEAD);
	assert_int_equal(list[2].version, 3);
	assert_string_equal(list[2].id, ids[2]);
	assert_int_equal(list[2].created, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(list[i].damaged, SAFETY_READS);
		assert_int_equal(list[i].created, three[i]);
	}
	free(list);

	/* never the older one in its place */
	assert_int_equal(safety_load(v, 0, &p), VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(safety_load(v, 3, &p), VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(newest, 3);
	assert_int_equal(p->version, 2);
	assert_int_equal(p->created, three[1]);
	plan_is(p, 1);
	safety_plan_free(p);

	/* a new save becomes the newest again; the damaged one is kept */
	p = sample_plan("p3");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(safety_save(v, p, 1790002000), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(p->version, 4);
	safety_plan_free(p);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(newest, 4);
	assert_int_equal(p->version, 4);
	plan_is(p, 3);
	safety_plan_free(p);
	vault_free(v);
}

static void
damaged_newest_body(void **state)
{
	char ids[3][VAULT_ID_HEX + 1];
	struct safety_version *list;
	struct safety_plan *p;
	size_t n;
	int newest;
	save_plans(three, 3, ids);
	damage(ids[2], false);
	struct vault *v = reopen();

	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[2].damaged, SAFETY_DAMAGED_BODY);
	assert_int_equal(list[2].created, three[2]); /* the head reads */
	assert_int_equal(list[1].damaged, SAFETY_READS);
	free(list);

	assert_int_equal(safety_load(v, 0, &p), VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(newest, 3);
	assert_int_equal(p->version, 2);
	plan_is(p, 1);
	safety_plan_free(p);

	/* and both the two newest: version 1 is shown, 2 are skipped */
	vault_free(v);
	damage(ids[1], true);
	v = reopen();
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(newest, 3);
	assert_int_equal(p->version, 1);
	plan_is(p, 0);
	safety_plan_free(p);
	vault_free(v);
}

static void
all_damaged(void **state)
{
	char ids[2][VAULT_ID_HEX + 1];
	struct safety_version *list;
	struct safety_plan *p;
	size_t n;
	int newest;
	save_plans(three, 2, ids);
	damage(ids[0], false);
	damage(ids[1], true);
	struct vault *v = reopen();

	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].damaged, SAFETY_DAMAGED_BODY);
	assert_int_equal(list[1].damaged, SAFETY_DAMAGED_HEAD);
	free(list);
	newest = -1;
	p = (struct safety_plan *)&p; /* must be set to NULL */
	assert_int_equal(safety_load_newest_readable(v, &p, &newest),
	                 VAULT_DAMAGED);
	assert_null(p);
	assert_int_equal(newest, 2);
	assert_int_equal(safety_load(v, 0, &p), VAULT_DAMAGED);
	assert_int_equal(safety_load(v, 1, &p), VAULT_DAMAGED);
	assert_null(p);
	vault_free(v);

	/* and no plan at all is not "damaged" */
	remove_vault();
	v = make_vault();
	assert_int_equal(safety_load_newest_readable(v, &p, &newest),
	                 VAULT_NOT_FOUND);
	assert_null(p);
	assert_int_equal(newest, 0);
	vault_free(v);
}

static void
damaged_older_only(void **state)
{
	char ids[3][VAULT_ID_HEX + 1];
	struct safety_version *list;
	struct safety_plan *p;
	size_t n;
	int newest;
	save_plans(three, 3, ids);
	damage(ids[0], true);  /* placed first: nothing readable before */
	damage(ids[1], false); /* a body: placed by its head */
	struct vault *v = reopen();

	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].id, ids[0]);
	assert_int_equal(list[0].damaged, SAFETY_DAMAGED_HEAD);
	assert_string_equal(list[1].id, ids[1]);
	assert_int_equal(list[1].damaged, SAFETY_DAMAGED_BODY);
	assert_int_equal(list[2].damaged, SAFETY_READS);
	free(list);

	/* the newest reads: no older one, nothing to say */
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(newest, 3);
	assert_int_equal(p->version, newest);
	plan_is(p, 2);
	safety_plan_free(p);
	assert_int_equal(safety_load(v, 0, &p), 0);
	plan_is(p, 2);
	safety_plan_free(p);
	vault_free(v);
}

/* A damaged head is placed after the latest readable version stored
 * before it, whatever the times of those stored after it. */
static void
damaged_head_placed_by_storage(void **state)
{
	/* stored: 300, then 100 (an import of an older one), then 200 */
	static const time_t when[] = {1790000300, 1790000100, 1790000200};
	char ids[3][VAULT_ID_HEX + 1];
	struct safety_version *list;
	struct safety_plan *p;
	size_t n;
	int newest;
	save_plans(when, 3, ids);
	struct vault *v = reopen();
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_string_equal(list[0].id, ids[1]);
	assert_string_equal(list[1].id, ids[2]);
	assert_string_equal(list[2].id, ids[0]);
	free(list);
	vault_free(v);

	/* The one stored last, damaged: stored after the newest (300), so
	 * it may be newer than all, and counts as the newest. */
	damage(ids[2], true);
	v = reopen();
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_string_equal(list[0].id, ids[1]);
	assert_string_equal(list[1].id, ids[0]);
	assert_string_equal(list[2].id, ids[2]);
	free(list);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(p->version, 2);
	assert_int_equal(newest, 3);
	plan_is(p, 0);
	safety_plan_free(p);
	vault_free(v);

	/* The one stored first, damaged instead (2 reads again): nothing
	 * readable was stored before it, so it is the oldest. */
	remove_vault();
	save_plans(when, 3, ids);
	damage(ids[0], true);
	v = reopen();
	assert_int_equal(safety_history(v, &list, &n), 0);
	assert_string_equal(list[0].id, ids[0]);
	assert_string_equal(list[2].id, ids[2]);
	free(list);
	assert_int_equal(safety_load_newest_readable(v, &p, &newest), 0);
	assert_int_equal(p->version, 3);
	assert_int_equal(newest, 3);
	plan_is(p, 2);
	safety_plan_free(p);
	vault_free(v);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(sections),
	        cmocka_unit_test(parse_layout),
	        cmocka_unit_test(parse_headings),
	        cmocka_unit_test(parse_errors),
	        cmocka_unit_test(format_roundtrip),
	        T(versions_kept),
	        T(no_plaintext_on_disk),
	        T(foreign_records),
	        T(damaged_newest_head),
	        T(damaged_newest_body),
	        T(all_damaged),
	        T(damaged_older_only),
	        T(damaged_head_placed_by_storage),
	};
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
