#include "harness.h"

#include "fixture.h"

#include "group.h"
#include "journal.h"
#include "transfer.h"
#include "util.h"
#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2026-11-26 14:30:00 UTC */
static const time_t NOW = 1795703400;

static char path_a[FIXTURE_PATH_MAX], path_b[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(path_a, "a.db");
	fixture_path(path_b, "b.db");
	return 0;
}

static struct vault *
make_vault(const char *path)
{
	return fixture_vault(path, "pw");
}

static char *
add_entry(struct vault *v, const char *text, size_t len, int mood,
          const char *tag, time_t created)
{
	static char id[VAULT_ID_HEX + 1];
	char *tags[1] = {(char *)tag};
	assert_int_equal(
	        journal_add(v, text, len, mood, tags, tag ? 1 : 0, created, id),
	        VAULT_OK);
	return id;
}

/* A vault with awkward text: quotes, backslashes, emoji, control
 * characters, many lines, a 1 MiB entry, an edited entry, and records of
 * kinds without a codec (text body and JSON body). */
static void
fill(struct vault *v)
{
	static const char awkward[] =
	        "Quotes \" and 'single', a backslash \\ and \\n literally,\n"
	        "emoji 🌿🫶🏽, a tab\there, CJK 漢字, RTL שלום\n\n"
	        "a last line without a newline";
	assert_int_equal(vault_begin(v), 0);
	add_entry(v, awkward, strlen(awkward), 3, "with space", NOW - 86400);
	add_entry(v, "plain", 5, JOURNAL_NO_MOOD, NULL, NOW - 3 * 86400);
	size_t big = 1 << 20;
	char *text = malloc(big);
	assert_non_null(text);
	for (size_t i = 0; i < big; i++)
		text[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	add_entry(v, text, big, 10, "big", NOW - 2 * 86400);
	free(text);
	char *id = add_entry(v, "before edit", 11, 0, "x", NOW - 5 * 86400);
	struct journal_entry *e;
	assert_int_equal(journal_get(v, id, &e), 0);
	free(e->text);
	e->text = strdup("after edit\n");
	e->textlen = strlen(e->text);
	assert_int_equal(journal_update(v, e, NOW - 4 * 86400), 0);
	journal_entry_free(e);
	static const char rhead[] = "{\"v\":1,\"created\":1795000000,"
	                            "\"updated\":1795000100,\"value\":7}";
	static const char rbody[] = "{\"v\":1,\"note\":\"a \\\"note\\\"\"}";
	char rid[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "rating", rhead, strlen(rhead),
	                           rbody, strlen(rbody), rid),
	                 0);
	static const char shead[] = "{\"v\":1,\"created\":1794000000}";
	assert_int_equal(vault_put(v, NULL, "safety-plan", shead, strlen(shead),
	                           "Call Sam.\nBreathe.", 18, rid),
	                 0);
	assert_int_equal(vault_commit(v), 0);
}

/* Free a string from json_dumps (jansson's allocator). */
static void
jfree(char *s)
{
	json_free_t f;
	json_get_alloc_funcs(NULL, &f);
	f(s);
}

static char *
export_string(struct vault *v, const struct transfer_filter *f)
{
	char err[TRANSFER_ERR_MAX];
	json_t *doc = NULL;
	assert_int_equal(transfer_export(v, f, NOW, &doc, NULL, NULL, err), 0);
	char *s = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(s);
	json_decref(doc);
	return s;
}

static int
import_string(struct vault *v, const char *s, struct transfer_result *res,
              char *err)
{
	struct transfer_doc *d = NULL;
	int rc = transfer_parse(s, strlen(s), &d, err);
	if (rc)
		return rc;
	assert_int_equal(vault_begin(v), 0);
	rc = transfer_import(v, d, res, err);
	if (rc)
		vault_rollback(v);
	else
		assert_int_equal(vault_commit(v), 0);
	transfer_doc_free(d);
	return rc;
}

static void
roundtrip(void **state)
{
	struct vault *a = make_vault(path_a), *b = make_vault(path_b);
	struct transfer_result res;
	char err[TRANSFER_ERR_MAX];
	fill(a);
	char *one = export_string(a, NULL);
	assert_int_equal(import_string(b, one, &res, err), 0);
	assert_int_equal(res.added, 6);
	assert_int_equal(res.skipped, 0);
	char *two = export_string(b, NULL);
	assert_string_equal(one, two);
	/* Every field came through, in a form a reader can check. */
	json_error_t jerr;
	json_t *doc = json_loads(one, 0, &jerr);
	json_t *recs = json_object_get(doc, "records");
	assert_int_equal(
	        json_integer_value(json_object_get(doc, "selfhelp_export")), 1);
	assert_int_equal(json_array_size(recs), 6);
	json_t *big = NULL, *edited = NULL, *rating = NULL;
	for (size_t i = 0; i < 6; i++) {
		json_t *r = json_array_get(recs, i);
		json_t *t = json_object_get(r, "text");
		if (json_string_length(t) == 1 << 20)
			big = r;
		if (t && !strcmp(json_string_value(t), "after edit\n"))
			edited = r;
		if (!strcmp(json_string_value(json_object_get(r, "kind")),
		            "rating"))
			rating = r;
	}
	assert_non_null(big);
	assert_int_equal(json_integer_value(json_object_get(big, "mood")), 10);
	assert_non_null(edited);
	assert_string_not_equal(
	        json_string_value(json_object_get(edited, "created")),
	        json_string_value(json_object_get(edited, "updated")));
	assert_non_null(rating);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(rating, "head"), "value")),
	                 7);
	assert_string_equal(json_string_value(json_object_get(
	                            json_object_get(rating, "body"), "note")),
	                    "a \"note\"");
	/* Oldest first. */
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(recs, 0), "kind")),
	                    "safety-plan");
	json_decref(doc);
	/* Importing again adds nothing. */
	assert_int_equal(import_string(b, one, &res, err), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.skipped, 6);
	jfree(one);
	jfree(two);
	vault_free(a);
	vault_free(b);
}

static void
conflicts(void **state)
{
	struct vault *a = make_vault(path_a);
	struct transfer_result res;
	char err[TRANSFER_ERR_MAX];
	fill(a);
	char *one = export_string(a, NULL);
	json_error_t jerr;
	json_t *doc = json_loads(one, 0, &jerr);
	json_t *r = json_array_get(json_object_get(doc, "records"), 2);
	const char *id = json_string_value(json_object_get(r, "id"));
	char want[VAULT_ID_HEX + 1];
	snprintf(want, sizeof(want), "%s", id);
	/* One new record and one changed one: nothing at all is stored. */
	json_object_set_new(r, "tags", json_pack("[s]", "changed"));
	json_t *fresh = json_deep_copy(
	        json_array_get(json_object_get(doc, "records"), 1));
	json_object_set_new(fresh, "id",
	                    json_string("0123456789abcdef0123456789abcdef"));
	json_array_append_new(json_object_get(doc, "records"), fresh);
	char *changed = json_dumps(doc, 0);
	assert_int_equal(import_string(a, changed, &res, err),
	                 TRANSFER_CONFLICT);
	assert_int_equal(res.nconflicts, 1);
	assert_string_equal(res.conflicts[0], want);
	assert_non_null(strstr(err, want));
	char *after = export_string(a, NULL);
	assert_string_equal(one, after);
	json_decref(doc);
	jfree(one);
	jfree(changed);
	jfree(after);
	vault_free(a);
}

static const char jrnl_doc[] =
        "{\"tags\": {\"@work\": 2},\n"
        " \"entries\": [\n"
        "  {\"title\": \"Called in sick.\", \"body\": \"Cleaned.\\nWalked.\",\n"
        "   \"date\": \"2024-01-02\", \"time\": \"09:15\",\n"
        "   \"tags\": [\"@work\", \"@Work\"], \"starred\": false},\n"
        "  {\"title\": \"Only a title \\ud83c\\udf3f\", \"body\": \"\",\n"
        "   \"date\": \"2024-02-29\", \"time\": \"23:59\", \"tags\": [],\n"
        "   \"starred\": true, \"uuid\": \"ignored\"},\n"
        "  {\"title\": \"Called in sick.\", \"body\": \"Cleaned.\\nWalked.\",\n"
        "   \"date\": \"2024-01-02\", \"time\": \"09:15\",\n"
        "   \"tags\": [\"@work\"], \"starred\": false}\n"
        " ]}\n";

static void
jrnl(void **state)
{
	struct vault *a = make_vault(path_a);
	struct transfer_result res;
	struct transfer_doc *d = NULL;
	char err[TRANSFER_ERR_MAX];
	assert_int_equal(transfer_parse(jrnl_doc, strlen(jrnl_doc), &d, err),
	                 0);
	assert_int_equal(transfer_doc_format(d), TRANSFER_JRNL);
	assert_int_equal(transfer_doc_count(d), 3);
	transfer_doc_free(d);
	assert_int_equal(import_string(a, jrnl_doc, &res, err), 0);
	assert_int_equal(res.added, 2); /* the third repeats the first */
	assert_int_equal(res.skipped, 0);
	assert_int_equal(res.repeats, 1);

	struct journal_filter f = {.with_text = true};
	struct journal_entry **l = NULL;
	size_t n = 0;
	assert_int_equal(journal_list(a, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	/* newest first; TZ=UTC in main() */
	assert_int_equal(l[0]->created, 1709251140); /* 2024-02-29 23:59 */
	assert_string_equal(l[0]->text, "Only a title 🌿");
	assert_int_equal(l[0]->ntags, 1);
	assert_string_equal(l[0]->tags[0], "starred");
	assert_int_equal(l[0]->mood, JOURNAL_NO_MOOD);
	assert_int_equal(l[1]->created, 1704186900); /* 2024-01-02 09:15 */
	assert_string_equal(l[1]->text, "Called in sick.\n\nCleaned.\nWalked.");
	assert_string_equal(l[1]->preview, "Called in sick.");
	assert_int_equal(l[1]->ntags, 1);
	assert_string_equal(l[1]->tags[0], "work");
	journal_entries_free(l, n);

	/* Again: nothing new. An entry with the same text at another time
	 * is a different entry. */
	assert_int_equal(import_string(a, jrnl_doc, &res, err), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.skipped, 2);
	assert_int_equal(res.repeats, 1);
	char *moved = strdup(jrnl_doc);
	memcpy(strstr(moved, "23:59"), "23:58", 5);
	assert_int_equal(import_string(a, moved, &res, err), 0);
	assert_int_equal(res.added, 1);
	free(moved);
	vault_free(a);
}

/* transfer_read_fn over a string, in pieces of 1 to 7 bytes, so that
 * every token of the document falls across a piece's end somewhere. */
struct pieces {
	const char *s;
	size_t len, at, step;
};

static ssize_t
read_pieces(void *arg, char *buf, size_t n)
{
	struct pieces *p = arg;
	size_t k = 1 + p->step++ % 7;
	if (k > n)
		k = n;
	if (k > p->len - p->at)
		k = p->len - p->at;
	memcpy(buf, p->s + p->at, k);
	p->at += k;
	return (ssize_t)k;
}

/* The journal as "created|tags|text" lines, oldest first. */
static char *
journal_lines(struct vault *v)
{
	struct journal_filter f = {.with_text = true};
	struct journal_entry **l = NULL;
	struct strbuf out = {0};
	size_t n = 0;
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	for (size_t i = n; i-- > 0;) {
		char line[64];
		snprintf(line, sizeof(line), "%lld|", (long long)l[i]->created);
		assert_int_equal(strbuf_adds(&out, line), 0);
		for (size_t t = 0; t < l[i]->ntags; t++)
			assert_int_equal(strbuf_adds(&out, l[i]->tags[t]) ||
			                         strbuf_adds(&out, ","),
			                 0);
		assert_int_equal(strbuf_adds(&out, "|") ||
		                         strbuf_adds(&out, l[i]->text) ||
		                         strbuf_adds(&out, "\n"),
		                 0);
	}
	journal_entries_free(l, n);
	char *r = strdup(out.p ? out.p : "");
	strbuf_release(&out);
	return r;
}

/* A jrnl document streamed in small pieces imports as the whole-file
 * reader imports it: the same counts and the same entries; and what
 * is not a jrnl export is read whole, with the same message. */
static void
stream_jrnl(void **state)
{
	static const char doc[] =
	        "{\"tags\": {\"@work\": 2, \"@x\": [1, {\"y\": \"]}\\\"\"}]},\n"
	        " \"entries\": [\n"
	        "  {\"title\": \"Called in sick.\", \"body\": "
	        "\"Rested.\\nSlept.\",\n"
	        "   \"date\": \"2024-01-02\", \"time\": \"09:15\",\n"
	        "   \"tags\": [\"@work\"], \"starred\": false},\n"
	        "  {\"title\": \"Same minute.\", \"body\": \"\",\n"
	        "   \"date\": \"2024-01-02\", \"time\": \"09:15\"},\n"
	        "  {\"title\": \"\", \"body\": \"\", \"date\": "
	        "\"2024-01-03\",\n"
	        "   \"time\": \"10:00\", \"tags\": [], \"starred\": true},\n"
	        "  {\"title\": \"Called in sick.\", \"body\": "
	        "\"Rested.\\nSlept.\",\n"
	        "   \"date\": \"2024-01-02\", \"time\": \"09:15\",\n"
	        "   \"tags\": [\"@body\"], \"starred\": true},\n"
	        "  {\"title\": \"One @line.\", \"body\": \"Two \\u00e9.\",\n"
	        "   \"date\": \"2024-01-04\", \"time\": \"11:00\"},\n"
	        "  {\"title\": \"Esc \\ud83c\\udf3f\\/\\t\\b\\f\\r\\\"\\\\ "
	        "\u00fc\\u00FC\\u20ac\",\n"
	        "   \"body\": \"\", \"date\": \"2024-01-05\", \"time\": "
	        "\"12:00\",\n"
	        "   \"uuid\": null, \"creator\": {\"device\": 1}, \"tags\": "
	        "[]}\n"
	        " ], \"other\": null}\n";
	struct vault *a = make_vault(path_a), *b = make_vault(path_b);
	struct transfer_result ra, rb;
	enum transfer_format fmt;
	char err[TRANSFER_ERR_MAX];
	struct pieces p = {.s = doc, .len = strlen(doc)};
	assert_int_equal(import_string(a, doc, &ra, err), 0);
	assert_int_equal(vault_begin(b), 0);
	assert_int_equal(
	        transfer_import_stream(b, read_pieces, &p, &rb, &fmt, err), 0);
	assert_int_equal(vault_commit(b), 0);
	assert_int_equal(fmt, TRANSFER_JRNL);
	assert_int_equal(rb.added, 4);
	assert_int_equal(rb.repeats, 1);
	assert_int_equal(rb.empty, 1);
	assert_int_equal(rb.records, 6);
	assert_int_equal(ra.added, rb.added);
	assert_int_equal(ra.repeats, rb.repeats);
	assert_int_equal(ra.empty, rb.empty);
	assert_int_equal(ra.records, rb.records);
	char *la = journal_lines(a), *lb = journal_lines(b);
	assert_string_equal(la, lb);
	assert_string_equal(la, "1704186900|work,body,starred,|Called in "
	                        "sick.\n\nRested.\nSlept.\n"
	                        "1704186901||Same minute.\n"
	                        "1704366000|line,|One @line. Two é.\n"
	                        "1704456000||Esc 🌿/\t\b\f\r\"\\ üü€\n");
	free(la);
	free(lb);

	/* again, streamed: all there */
	p.at = 0;
	assert_int_equal(vault_begin(b), 0);
	assert_int_equal(
	        transfer_import_stream(b, read_pieces, &p, &rb, &fmt, err), 0);
	vault_rollback(b);
	assert_int_equal(rb.added, 0);
	assert_int_equal(rb.skipped, 4);

	/* a selfhelp export and broken files go the whole-file way */
	static const char *const others[] = {
	        "{\"entries\": [{\"date\": \"2024-01-02\"",
	        ("{\"entries\": [{\"title\": \"x\", \"date\": \"2024-01-02\", "
	         "\"time\": \"09:15\"} {}]}"),
	        "{\"selfhelp_export\": 1, \"records\": []}",
	        "[2024-01-02 09:15] Called in sick.",
	        "",
	        "{\"entries\": 3}",
	        /* what the fast reader leaves to jansson, who refuses it */
	        "{\"entries\": [{\"title\": \"a\", \"title\": \"b\"}]}",
	        "{\"entries\": [{\"title\": \"\\ud83c\"}]}",
	        "{\"entries\": [{\"title\": \"\\u0000\"}]}",
	        "{\"entries\": [{\"title\": \"a\tb\"}]}",
	        "{\"entries\": [{\"title\": \"\\x\"}]}",
	        "{\"entries\": [{\"title\": \"\xc3\x28\"}]}",
	        "{\"entries\": [{\"title\": tru}]}",
	        "{\"entries\": [{\"tags\": [\"a\",]}]}",
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		char whole[TRANSFER_ERR_MAX];
		struct transfer_doc *d = NULL;
		int rw =
		        transfer_parse(others[i], strlen(others[i]), &d, whole);
		transfer_doc_free(d);
		p = (struct pieces){.s = others[i], .len = strlen(others[i])};
		assert_int_equal(vault_begin(b), 0);
		int rs = transfer_import_stream(b, read_pieces, &p, &rb, &fmt,
		                                err);
		vault_rollback(b);
		assert_int_equal(rs, rw);
		if (rw && i != 1) /* 1: the scanner says where, in its words */
			assert_string_equal(err, whole);
		assert_true(rw != 0 || i == 2);
	}
	vault_free(a);
	vault_free(b);
}

struct bad {
	const char *doc;
	int status;
	const char *says;
};

#define REC(fields)                                                            \
	"{\"selfhelp_export\": 1, \"records\": [{\"id\": "                     \
	"\"0123456789abcdef0123456789abcdef\", \"kind\": \"journal\", "        \
	"\"created\": \"2026-01-01T10:00:00Z\"" fields "}]}"

static const struct bad bad_docs_table[] = {
        {"", TRANSFER_UNREADABLE, "empty"},
        {"{\"selfhelp_export\": 1, \"records\": [\n{\"id\": \"01",
         TRANSFER_UNREADABLE, "ends early, on line 2"},
        {"[1, 2]", TRANSFER_UNREADABLE, "a list"},
        {"{\"a\": 1}", TRANSFER_UNREADABLE, "neither"},
        {"{\"a\": 1} x", TRANSFER_UNREADABLE, "more after the end"},
        {"{\"a\": 1, \"a\": 2}", TRANSFER_UNREADABLE, "twice"},
        {"{\"selfhelp_export\": 2, \"records\": []}", TRANSFER_NEWER,
         "newer selfhelp"},
        {"{\"selfhelp_export\": \"1\", \"records\": []}", TRANSFER_UNREADABLE,
         "version number"},
        {"{\"selfhelp_export\": 1, \"records\": {}}", TRANSFER_UNREADABLE,
         "\"records\""},
        {"{\"selfhelp_export\": 1, \"records\": [7]}", TRANSFER_UNREADABLE,
         "record 1 is a number"},
        {REC(", \"text\": \"x\", \"mood\": 99"), TRANSFER_UNREADABLE,
         "\"mood\" is 99"},
        {REC(", \"text\": \"x\", \"mood\": 5.0"), TRANSFER_UNREADABLE,
         "\"mood\" is a number"},
        {REC(", \"text\": \"x\", \"mood\": 99999999999999999999999"),
         TRANSFER_UNREADABLE, "too large"},
        {REC(", \"text\": \"x\", \"mood\": 1e999"), TRANSFER_UNREADABLE,
         "too large"},
        {REC(", \"text\": 5"), TRANSFER_UNREADABLE, "\"text\" is a number"},
        {REC(""), TRANSFER_UNREADABLE, "no \"text\""},
        {REC(", \"text\": \" \\n \""), TRANSFER_UNREADABLE, "empty"},
        {REC(", \"text\": \"a\\u0000b\""), TRANSFER_UNREADABLE, "NUL"},
        {REC(", \"text\": \"x\", \"tags\": \"a\""), TRANSFER_UNREADABLE,
         "\"tags\" is text"},
        {REC(", \"text\": \"x\", \"tags\": [\"a,b\"]"), TRANSFER_UNREADABLE,
         "tag 1 cannot be kept"},
        {REC(", \"text\": \"x\", \"colour\": \"red\""), TRANSFER_NEWER,
         "\"colour\""},
        {REC(", \"text\": \"x\", \"updated\": \"yesterday\""),
         TRANSFER_UNREADABLE, "updated time"},
        {"{\"selfhelp_export\": 1, \"records\": [{\"id\": \"0123\", "
         "\"kind\": \"journal\"}]}",
         TRANSFER_UNREADABLE, "no id"},
        {"{\"selfhelp_export\": 1, \"records\": [{\"id\": "
         "\"0123456789abcdef0123456789abcdef\", \"kind\": \"journal\", "
         "\"created\": \"2026-02-30T10:00:00Z\", \"text\": \"x\"}]}",
         TRANSFER_UNREADABLE, "created time"},
        {"{\"selfhelp_export\": 1, \"records\": [{\"id\": "
         "\"0123456789abcdef0123456789abcdef\", \"kind\": \"Journal!\"}]}",
         TRANSFER_UNREADABLE, "no kind"},
        {"{\"selfhelp_export\": 1, \"records\": [{\"id\": "
         "\"0123456789abcdef0123456789abcdef\", \"kind\": \"dream\", "
         "\"created\": \"2026-01-01T10:00:00Z\", \"text\": \"x\"}]}",
         TRANSFER_NEWER, "\"dream\" record"},
        {"{\"selfhelp_export\": 1, \"records\": ["
         "{\"id\": \"0123456789abcdef0123456789abcdef\", \"kind\": "
         "\"journal\", \"created\": \"2026-01-01T10:00:00Z\", \"text\": "
         "\"x\"},"
         "{\"id\": \"0123456789abcdef0123456789abcdef\", \"kind\": "
         "\"journal\", \"created\": \"2026-01-01T10:00:00Z\", \"text\": "
         "\"y\"}]}",
         TRANSFER_UNREADABLE, "records 1 and 2 have the same id"},
        {"{\"entries\": [{\"date\": \"2024-1-2\", \"time\": \"09:15\", "
         "\"title\": \"t\"}]}",
         TRANSFER_UNREADABLE, "entry 1 has no \"date\""},
        {"{\"entries\": [{\"date\": \"2023-02-29\", \"time\": \"09:15\", "
         "\"title\": \"t\"}]}",
         TRANSFER_UNREADABLE, "no real day"},
        {"{\"entries\": [{\"date\": \"2024-01-02\", \"time\": \"09:15\", "
         "\"title\": \"t\", \"tags\": [3]}]}",
         TRANSFER_UNREADABLE, "tag 1 is not text"},
        {"{\"entries\": [{\"date\": \"2024-01-02\", \"time\": \"09:15\", "
         "\"title\": \"t\", \"starred\": \"yes\"}]}",
         TRANSFER_UNREADABLE, "\"starred\" is text"},
};

static void
bad_docs(void **state)
{
	static const char *const banned[] = {"invalid", "illegal", "wrong",
	                                     "must", NULL};
	for (size_t i = 0;
	     i < sizeof(bad_docs_table) / sizeof(bad_docs_table[0]); i++) {
		const struct bad *b = &bad_docs_table[i];
		struct transfer_doc *d = NULL;
		char err[TRANSFER_ERR_MAX];
		int rc = transfer_parse(b->doc, strlen(b->doc), &d, err);
		if (rc != b->status || !strstr(err, b->says))
			fail_msg("case %zu: status %d, message '%s'", i, rc,
			         err);
		assert_null(d);
		for (size_t j = 0; banned[j]; j++)
			if (strstr(err, banned[j]))
				fail_msg("case %zu says '%s': %s", i, banned[j],
				         err);
	}
}

static void
invalid_utf8(void **state)
{
	static const char doc[] = "{\"selfhelp_export\": 1,\n\"records\": [\n"
	                          "{\"text\": \"caf\xe9 \xff\"}]}";
	struct transfer_doc *d = NULL;
	char err[TRANSFER_ERR_MAX];
	assert_int_equal(transfer_parse(doc, strlen(doc), &d, err),
	                 TRANSFER_UNREADABLE);
	assert_non_null(strstr(err, "line 3"));
	assert_non_null(strstr(err, "not UTF-8"));
}

static void
times(void **state)
{
	time_t t;
	assert_int_equal(transfer_time_parse("2026-11-26T14:30:00Z", &t), 0);
	assert_int_equal(t, NOW);
	assert_int_equal(transfer_time_parse("2026-11-26T15:30:00+01:00", &t),
	                 0);
	assert_int_equal(t, NOW);
	assert_int_equal(transfer_time_parse("2026-11-26T09:00:00-05:30", &t),
	                 0);
	assert_int_equal(t, NOW);
	static const char *const bad[] = {
	        "2026-11-26T14:30:00",
	        "2026-11-26 14:30:00Z",
	        "2026-02-29T00:00:00Z",
	        "2026-11-26T24:00:00Z",
	        "2026-11-26T14:30:00+1:00",
	        "2026-11-26T14:30:00Zx",
	        "2026-11-26T14:30Z",
	        "",
	        "2026-11-2",
	        "2026-11-26T14:30:00+01:0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (transfer_time_parse(bad[i], &t) != -1)
			fail_msg("'%s' was accepted", bad[i]);
}

static void
filters(void **state)
{
	struct vault *a = make_vault(path_a);
	char err[TRANSFER_ERR_MAX];
	json_t *doc;
	fill(a);
	const char *kinds[] = {"rating", "safety-plan"};
	struct transfer_filter f = {.kinds = kinds, .nkinds = 2};
	assert_int_equal(transfer_export(a, &f, NOW, &doc, NULL, NULL, err), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "records")), 2);
	json_decref(doc);
	struct transfer_filter g = {.since = NOW - 3 * 86400,
	                            .until = NOW - 2 * 86400};
	assert_int_equal(transfer_export(a, &g, NOW, &doc, NULL, NULL, err), 0);
	json_t *recs = json_object_get(doc, "records");
	assert_int_equal(json_array_size(recs), 2);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(recs, 0), "text")),
	                    "plain");
	json_decref(doc);
	vault_free(a);
}

static void
markdown(void **state)
{
	struct vault *a = make_vault(path_a);
	struct strbuf md = {0};
	char err[TRANSFER_ERR_MAX];
	json_t *doc;
	fill(a);
	assert_int_equal(transfer_export(a, NULL, NOW, &doc, NULL, NULL, err),
	                 0);
	assert_int_equal(transfer_markdown(doc, &md, err), 0);
	const char *s = md.p;
	assert_true(strncmp(s, "# selfhelp export\n", 18) == 0);
	assert_non_null(strstr(s, "not encrypted"));
	const char *plan = strstr(s, "## 2026-11-06 21:20 · safety-plan\n");
	const char *rating = strstr(s, "· rating\n");
	const char *edited = strstr(s, "after edit\n");
	const char *plain = strstr(s, "\nplain\n");
	const char *awk = strstr(
	        s, "Mood 3 (0 to 10, 10 is best) · #with space\n\nQuotes \"");
	assert_non_null(plan);
	assert_non_null(rating);
	assert_non_null(edited);
	assert_non_null(plain);
	assert_non_null(awk);
	assert_true(plan < rating && rating < edited && edited < plain &&
	            plain < awk);
	assert_non_null(strstr(s, "Call Sam.\nBreathe.\n"));
	assert_non_null(strstr(s, "- value: 7\n"));
	assert_non_null(strstr(s, "- note: a \"note\"\n"));
	strbuf_release(&md);
	json_decref(doc);

	json_t *empty =
	        json_pack("{s:i, s:s, s:[]}", "selfhelp_export", 1, "exported",
	                  "2026-11-26T14:30:00Z", "records");
	assert_int_equal(transfer_markdown(empty, &md, err), 0);
	assert_non_null(strstr(md.p, "no records"));
	strbuf_release(&md);
	json_decref(empty);
	vault_free(a);
}

/* Flip one byte in the middle of a row's column from outside (inverted,
 * so it always changes). Rows are stored in order: `back` 0 is the row
 * written last, 1 the one before. */
static void
flip(const char *path, int back, const char *column)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[200];
	unsigned char buf[4096];
	int n;
	int64_t rowid;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	         "SELECT rowid, %s FROM record ORDER BY rowid DESC LIMIT 1 "
	         "OFFSET %d",
	         column, back);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	rowid = sqlite3_column_int64(st, 0);
	n = sqlite3_column_bytes(st, 1);
	assert_true(n > 80 && (size_t)n <= sizeof(buf));
	memcpy(buf, sqlite3_column_blob(st, 1), (size_t)n);
	sqlite3_finalize(st);
	buf[n / 2] ^= 0xff;
	snprintf(sql, sizeof(sql), "UPDATE record SET %s = ?2 WHERE rowid = ?1",
	         column);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_blob(st, 2, buf, n, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
}

struct seen {
	int n;
	char kind[TRANSFER_KIND_MAX];
	char why[TRANSFER_ERR_MAX];
};

static void
count_problem(void *arg, const char *id, const char *kind, const char *why)
{
	struct seen *s = arg;
	s->n++;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static void
check(void **state)
{
	struct vault *a = make_vault(path_a);
	struct transfer_check_result res;
	char err[TRANSFER_ERR_MAX], body_id[VAULT_ID_HEX + 1],
	        head_id[VAULT_ID_HEX + 1];
	fill(a);
	assert_int_equal(transfer_check(a, &res, err), 0);
	assert_int_equal(res.fine, 6);
	assert_int_equal(res.ndamaged, 0);
	transfer_check_release(&res);
	assert_int_equal(vault_begin(a), 0);
	snprintf(body_id, sizeof(body_id), "%s",
	         add_entry(a, "damaged body", 12, 1, NULL, NOW));
	snprintf(head_id, sizeof(head_id), "%s",
	         add_entry(a, "damaged head", 12, 1, NULL, NOW));
	assert_int_equal(vault_commit(a), 0);
	vault_free(a);
	flip(path_a, 1, "body"); /* body_id's row */
	flip(path_a, 0, "head"); /* head_id's row */
	char *e = NULL;
	assert_int_equal(vault_open(path_a, &a, &e), 0);
	assert_int_equal(vault_unlock(a, "pw", 2), 0);
	assert_int_equal(vault_integrity_check(a), 0);
	assert_int_equal(transfer_check(a, &res, err), 0);
	assert_int_equal(res.fine, 6);
	assert_int_equal(res.ndamaged, 2);
	bool saw_body = false, saw_head = false;
	for (size_t i = 0; i < res.ndamaged; i++) {
		assert_string_equal(res.damaged[i].kind, "journal");
		saw_body |= !strcmp(res.damaged[i].id, body_id);
		saw_head |= !strcmp(res.damaged[i].id, head_id);
	}
	assert_true(saw_body && saw_head);
	transfer_check_release(&res);

	/* Export leaves them out and says which. */
	struct seen seen = {0};
	json_t *doc;
	assert_int_equal(
	        transfer_export(a, NULL, NOW, &doc, count_problem, &seen, err),
	        0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.kind, "journal");
	assert_non_null(strstr(seen.why, "authenticate"));
	assert_int_equal(json_array_size(json_object_get(doc, "records")), 6);
	json_decref(doc);
	vault_free(a);
}

/* check proves that each record would import again: journal entries
 * whose fields read but which import refuses (text that is all blank, a
 * tag with a comma) are found, though check no longer builds their head
 * and body again to see it. */
static void
check_refuses_what_import_would(void **state)
{
	struct vault *a = make_vault(path_a);
	struct transfer_check_result res;
	char err[TRANSFER_ERR_MAX], blank_id[VAULT_ID_HEX + 1],
	        comma_id[VAULT_ID_HEX + 1];
	static const char head[] = "{\"v\":1,\"created\":1764000000,"
	                           "\"updated\":1764000000,\"mood\":null,"
	                           "\"tags\":[],\"preview\":\"\"}";
	static const char comma[] = "{\"v\":1,\"created\":1764000000,"
	                            "\"updated\":1764000000,\"mood\":3,"
	                            "\"tags\":[\"a,b\"],\"preview\":\"x\"}";
	fill(a);
	assert_int_equal(vault_begin(a), 0);
	assert_int_equal(vault_put(a, NULL, "journal", head, sizeof(head) - 1,
	                           " \n\t ", 4, blank_id),
	                 0);
	assert_int_equal(vault_put(a, NULL, "journal", comma, sizeof(comma) - 1,
	                           "some text", 9, comma_id),
	                 0);
	assert_int_equal(vault_commit(a), 0);
	assert_int_equal(transfer_check(a, &res, err), 0);
	assert_int_equal(res.fine, 6);
	assert_int_equal(res.ndamaged, 2);
	bool saw_blank = false, saw_comma = false;
	for (size_t i = 0; i < res.ndamaged; i++) {
		saw_blank |= !strcmp(res.damaged[i].id, blank_id);
		saw_comma |= !strcmp(res.damaged[i].id, comma_id);
	}
	assert_true(saw_blank && saw_comma);
	transfer_check_release(&res);
	vault_free(a);
}

static void
buffers_grow(void **state)
{
	struct strbuf b = {0};
	for (int i = 0; i < 10000; i++)
		assert_int_equal(strbuf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.p[b.len], '\0');
	assert_true(b.cap > b.len);
	strbuf_release(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_true(transfer_kind_ok("safety-plan"));
	assert_false(transfer_kind_ok("Journal"));
	assert_false(transfer_kind_ok("-x"));
	assert_false(transfer_kind_ok(""));
	assert_false(transfer_kind_ok("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_non_null(transfer_codec_find("journal"));
	assert_null(transfer_codec_find("dream"));
}

/* --- the streamed export --- */

static int
mem_write(void *arg, const char *data, size_t len)
{
	return strbuf_add(arg, data, len);
}

/* Export through a writer into *out. */
static void
stream(struct vault *v, const struct transfer_filter *f,
       enum transfer_export_format format, struct strbuf *out, size_t *records)
{
	char err[TRANSFER_ERR_MAX];
	struct transfer_output o = {
	        .format = format,
	        .write = mem_write,
	        .write_arg = out,
	};
	if (transfer_export_write(v, f, NOW, &o, err) != 0)
		fail_msg("export: %s", err);
	*records = o.records;
}

struct head_copy {
	char head[4096], body[4096];
	size_t bodylen;
};

static int
copy_cb(void *arg, const struct vault_item *it)
{
	struct head_copy *c = arg;
	assert_true(it->headlen < sizeof(c->head));
	assert_true(it->bodylen <= sizeof(c->body));
	memcpy(c->head, it->head, it->headlen);
	c->head[it->headlen] = '\0';
	memcpy(c->body, it->body, it->bodylen);
	c->bodylen = it->bodylen;
	return 0;
}

static void
put_raw(struct vault *v, const char *kind, const char *head, const char *body)
{
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, kind, head, strlen(head), body,
	                           strlen(body), id),
	                 0);
}

/*
 * Records for the streamed export: text with every kind of character
 * jansson escapes, raw records with every kind of JSON value (nested
 * deeper than the indentation has spaces), heads whose "created" is hard
 * to find, a group record without "created" (its meeting time counts),
 * equal times (then the id decides), and all of it stored out of time
 * order so that the second walk defers records.
 */
static void
fill_awkward(struct vault *v)
{
	static const char controls[] =
	        "ctl \x01\x02\x1f del \x7f \b \f \r \t slash / quote \" "
	        "back \\ u2028 \xe2\x80\xa8 4-byte \xf0\x9f\x8c\xbf end";
	char deep[600] = "";
	assert_int_equal(vault_begin(v), 0);
	add_entry(v, controls, strlen(controls), 7, "ctl", NOW - 60);
	add_entry(v, "same second a", 13, 1, NULL, NOW - 7 * 86400);
	add_entry(v, "same second b", 13, 2, NULL, NOW - 7 * 86400);
	add_entry(v, "same second c", 13, 3, NULL, NOW - 7 * 86400);
	for (int i = 0; i < 24; i++)
		strcat(deep, "{\"d\":[");
	strcat(deep, "1.5,-0.25,1e300,true,false,null,{},[],\"x\"");
	for (int i = 0; i < 24; i++)
		strcat(deep, "]}");
	char head[800], body[800];
	snprintf(head, sizeof(head), "{\"v\":1,\"created\":%lld,\"deep\":%s}",
	         (long long)(NOW - 9 * 86400), deep);
	snprintf(body, sizeof(body), "{\"v\":1,\"deep\":%s,\"e\":{}}", deep);
	put_raw(v, "dream", head, body);
	snprintf(head, sizeof(head),
	         "{\"note\":\"a \\\"}\\\" { [\",\"created\":%lld}",
	         (long long)(NOW - 8 * 86400));
	put_raw(v, "dream", head, "text body");
	snprintf(head, sizeof(head),
	         "{\"created\":1,\"x\":{\"created\":2},\"created\":%lld}",
	         (long long)(NOW - 6 * 86400));
	put_raw(v, "dream", head, "last created counts");
	snprintf(head, sizeof(head), "{\"cr\\u0065ated\":%lld}",
	         (long long)(NOW - 10 * 86400));
	put_raw(v, "dream", head, "escaped key");
	snprintf(head, sizeof(head),
	         " {\n \"v\" : [1, {\"a\": \"]\"}] ,\t\"created\" : %lld } ",
	         (long long)(NOW - 11 * 86400));
	put_raw(v, "dream", head, "spaces");
	put_raw(v, "dream", "{\"created\":1.5}", "a fraction: left out");

	/* A group check-in whose head has no "created". */
	struct group_record g;
	struct head_copy c;
	record_init(&group_kind, &g, GROUP_PREPARE);
	g.when = NOW - 12 * 86400;
	g.before = 4;
	assert_int_equal(record_add(v, &group_kind, &g, false, NOW - 2), 0);
	assert_int_equal(vault_get(v, g.id, "group", copy_cb, &c), 0);
	json_error_t jerr;
	json_t *h = json_loads(c.head, 0, &jerr);
	assert_non_null(h);
	assert_int_equal(json_object_del(h, "created"), 0);
	json_object_del(h, "updated");
	char *hs = json_dumps(h, JSON_COMPACT);
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "group", hs, strlen(hs), c.body,
	                           c.bodylen, id),
	                 0);
	assert_int_equal(vault_delete(v, g.id), 0);
	jfree(hs);
	json_decref(h);
	record_release(&group_kind, &g);
	assert_int_equal(vault_commit(v), 0);
}

/* "created" of the record whose `key` is the text `val`. */
static const char *
created_of(const json_t *recs, const char *key, const char *val)
{
	for (size_t i = 0; i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);
		const char *s = json_string_value(json_object_get(r, key));
		if (s && strcmp(s, val) == 0)
			return json_string_value(json_object_get(r, "created"));
	}
	fail_msg("no record with %s %s", key, val);
	return NULL;
}

static void
stream_as_jansson(void **state)
{
	struct vault *a = make_vault(path_a);
	struct strbuf js = {0}, md = {0}, md2 = {0};
	char err[TRANSFER_ERR_MAX];
	size_t n, nmd;
	fill_awkward(a);
	fill(a);
	stream(a, NULL, TRANSFER_EXPORT_JSON, &js, &n);
	stream(a, NULL, TRANSFER_EXPORT_MARKDOWN, &md, &nmd);
	assert_int_equal(n, nmd);

	/* The bytes jansson writes for the same document (the old export
	 * built it and wrote it with json_dumpf(doc, JSON_INDENT(2)) and a
	 * newline). */
	json_error_t jerr;
	json_t *doc = json_loadb(js.p, js.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("%s: %s", jerr.text, js.p);
	char *want = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(want);
	assert_int_equal(js.len, strlen(want) + 1);
	assert_memory_equal(js.p, want, js.len - 1);
	assert_int_equal(js.p[js.len - 1], '\n');
	jfree(want);
	assert_non_null(strstr(js.p, "\\u0001\\u0002\\u001F del \x7f "
	                             "\\b \\f \\r \\t slash / "
	                             "quote \\\" back \\\\"));

	/* Every record, oldest first, then by id; the one with a fraction
	 * for a time is left out. */
	json_t *recs = json_object_get(doc, "records");
	assert_int_equal(json_array_size(recs), n);
	assert_int_equal(n, 6 + 4 + 5 + 1);
	time_t prev = 0, t;
	const char *previd = "";
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(recs, i);
		const char *id = json_string_value(json_object_get(r, "id"));
		assert_int_equal(
		        transfer_time_parse(json_string_value(json_object_get(
		                                    r, "created")),
		                            &t),
		        0);
		assert_true(t > prev || (t == prev && strcmp(id, previd) > 0));
		prev = t;
		previd = id;
	}
	/* The group record sits at its meeting time, the escaped key's at
	 * its time, the repeated key's at its last value. */
	assert_string_equal(created_of(recs, "kind", "group"),
	                    "2026-11-14T14:30:00+00:00");
	assert_string_equal(created_of(recs, "body", "escaped key"),
	                    "2026-11-16T14:30:00+00:00");
	assert_string_equal(created_of(recs, "body", "last created counts"),
	                    "2026-11-20T14:30:00+00:00");
	assert_string_equal(created_of(recs, "body", "spaces"),
	                    "2026-11-15T14:30:00+00:00");

	/* Markdown: the same as rendering that document. */
	assert_int_equal(transfer_markdown(doc, &md2, err), 0);
	assert_int_equal(md.len, md2.len);
	assert_memory_equal(md.p, md2.p, md.len);

	/* And it imports: nothing new into the same vault. */
	struct transfer_result res;
	assert_int_equal(import_string(a, js.p, &res, err), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.skipped, n);

	strbuf_release(&js);
	strbuf_release(&md);
	strbuf_release(&md2);
	json_decref(doc);
	vault_free(a);
}

struct failing {
	size_t calls, fail_at;
	struct strbuf got;
};

static int
failing_write(void *arg, const char *data, size_t len)
{
	struct failing *w = arg;
	if (++w->calls == w->fail_at)
		return -1;
	return strbuf_add(&w->got, data, len);
}

static void
stream_in_pieces(void **state)
{
	struct vault *a = make_vault(path_a);
	struct strbuf whole = {0};
	char err[TRANSFER_ERR_MAX];
	size_t n;
	fill(a); /* with a 1 MiB entry */
	stream(a, NULL, TRANSFER_EXPORT_JSON, &whole, &n);

	/* Pieces, in order, that make up the whole. */
	struct failing w = {0};
	struct transfer_output o = {.write = failing_write, .write_arg = &w};
	assert_int_equal(transfer_export_write(a, NULL, NOW, &o, err), 0);
	assert_true(w.calls > 1);
	assert_int_equal(w.got.len, whole.len);
	assert_memory_equal(w.got.p, whole.p, whole.len);
	strbuf_release(&w.got);

	/* A writer that refuses stops the export at once. */
	for (size_t at = 1; at <= 2; at++) {
		memset(&w, 0, sizeof(w));
		w.fail_at = at;
		assert_int_equal(transfer_export_write(a, NULL, NOW, &o, err),
		                 TRANSFER_WRITE_FAILED);
		assert_int_equal(w.calls, at);
		assert_non_null(strstr(err, "could not be written"));
		strbuf_release(&w.got);
	}

	/* Counts per kind asked for. */
	const char *kinds[] = {"journal", "nightmare"};
	size_t counts[2] = {9, 9};
	struct transfer_filter f = {.kinds = kinds, .nkinds = 2};
	struct strbuf b = {0};
	memset(&o, 0, sizeof(o));
	o.write = mem_write;
	o.write_arg = &b;
	o.kind_counts = counts;
	assert_int_equal(transfer_export_write(a, &f, NOW, &o, err), 0);
	assert_int_equal(counts[0], 4);
	assert_int_equal(counts[1], 0);
	assert_int_equal(o.records, 4);
	strbuf_release(&b);
	strbuf_release(&whole);
	vault_free(a);
}

/* transfer_put_json writes what jansson writes; transfer_string takes
 * what json_stringn takes. */
static void
json_as_jansson(void **state)
{
	static const char *const docs[] = {
	        "null",
	        "[]",
	        "{}",
	        "-0",
	        "[1.5, -2.25e-7, 1e300, 123456789012345678, -9]",
	        "{\"a\": [true, false, null, {}, []], \"\": \"\"}",
	        ("\"\\u0000 \\u0001 \\u001f \\u007f \\b\\f\\n\\r\\t \\\" "
	         "\\\\ / \\u2028 \\ud83c\\udf3f\""),
	        "{\"k\\n\\u0002\": {\"x\": [[[[\"deep\"]]]]}}",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_error_t jerr;
		json_t *j = json_loads(docs[i],
		                       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (!j)
			fail_msg("%s: %s", docs[i], jerr.text);
		struct strbuf b = {0};
		assert_int_equal(transfer_put_json(&b, j), 0);
		char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_non_null(want);
		assert_int_equal(b.len, strlen(want));
		assert_memory_equal(b.p, want, b.len);
		jfree(want);
		strbuf_release(&b);
		json_decref(j);
	}

	/* Every 1- and 2-byte string, every 3-byte one that starts a
	 * 3-byte form, 4-byte ones around every boundary; alone, after
	 * eight ASCII bytes (the fast path), and cut short. */
	static const unsigned char edges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f,
	                                      0x90, 0xbf, 0xc0, 0xff};
	unsigned char s[16];
	size_t tried = 0;
	for (unsigned x = 0; x < 0x1000000; x++) {
		unsigned char c0 = (unsigned char)(x >> 16),
		              c1 = (unsigned char)(x >> 8),
		              c2 = (unsigned char)x;
		size_t len = x < 0x100 ? 1 : x < 0x10000 ? 2 : 3;
		if (len == 3 && (c0 < 0xe0 || c0 > 0xef))
			continue;
		unsigned char seq[3] = {len == 1   ? c2
		                        : len == 2 ? c1
		                                   : c0,
		                        len == 2 ? c2 : c1, c2};
		for (size_t pre = 0; pre <= 9; pre += 9) {
			for (size_t cut = 0; cut <= 1 && cut < len; cut++) {
				memset(s, 'a', pre);
				memcpy(s + pre, seq, len - cut);
				size_t n = pre + len - cut;
				json_t *want = json_stringn((char *)s, n);
				json_t *got = transfer_string((char *)s, n);
				if (!want != !got)
					fail_msg("%zu bytes from %02x: jansson "
					         "%s, transfer_string %s",
					         n, s[pre], want ? "yes" : "no",
					         got ? "yes" : "no");
				json_decref(want);
				json_decref(got);
				tried++;
			}
		}
	}
	for (unsigned c0 = 0xf0; c0 <= 0xff; c0++)
		for (unsigned c1 = 0; c1 < 0x100; c1++)
			for (size_t i = 0; i < sizeof(edges); i++)
				for (size_t k = 0; k < sizeof(edges); k++) {
					unsigned char q[4] = {(unsigned char)c0,
					                      (unsigned char)c1,
					                      edges[i],
					                      edges[k]};
					json_t *want =
					        json_stringn((char *)q, 4);
					json_t *got =
					        transfer_string((char *)q, 4);
					if (!want != !got)
						fail_msg("%02x %02x %02x %02x",
						         q[0], q[1], q[2],
						         q[3]);
					json_decref(want);
					json_decref(got);
				}
	assert_true(tried > 1000000);
}

/* A selfhelp export of one record of `kind` with the given fields. */
#define ONE(kind, fields)                                                      \
	"{\"selfhelp_export\": 1, \"records\": [{\"id\": "                     \
	"\"0123456789abcdef0123456789abcdef\", \"kind\": \"" kind "\", "       \
	"\"created\": \"2026-01-01T10:00:00Z\", " fields "}]}"
#define TRIGGER_HEAD                                                           \
	"\"head\": {\"v\": 1, \"created\": 1767261600, "                       \
	"\"when\": 1767261600"

static const struct bad control_docs[] = {
        {REC(", \"text\": \"x\", \"tags\": [\"a\\u001bb\"]"),
         TRANSFER_UNREADABLE, "record 1 (id 01234567): item 1 of \"tags\""},
        {REC(", \"text\": \"x\", \"tags\": [\"ok\", \"a\\u009bb\"]"),
         TRANSFER_UNREADABLE, "item 2 of \"tags\" holds a control"},
        {REC(", \"text\": \"x\", \"tags\": [\"del\\u007f\"]"),
         TRANSFER_UNREADABLE, "item 1 of \"tags\" holds a control"},
        {ONE("trigger", TRIGGER_HEAD ", \"emotions\": [\"ok\", "
                                     "\"x\\u001b]52;c;aGk=\\u0007\"]}, "
                                     "\"body\": {\"v\": 1}"),
         TRANSFER_UNREADABLE, "item 2 of \"emotions\" holds a control"},
        {ONE("trigger", TRIGGER_HEAD ", \"emotions\": [\"line\\n"
                                     "break\"]}, \"body\": {\"v\": 1}"),
         TRANSFER_UNREADABLE, "record 1 (id 01234567): "},
        {ONE("trigger", TRIGGER_HEAD ", \"state\": \"\\u0085\"}, "
                                     "\"body\": {\"v\": 1}"),
         TRANSFER_UNREADABLE, "\"state\" holds a control"},
        {ONE("trigger", TRIGGER_HEAD "}, \"body\": {\"v\": 1, \"urges\": "
                                     "[\"r\\rx\"]}"),
         TRANSFER_UNREADABLE, "item 1 of \"urges\" holds a control"},
        {ONE("safety-plan", "\"head\": {\"v\": 1, \"created\": 1767261600}, "
                            "\"body\": {\"v\": 1, \"sections\": {\"people\": "
                            "[\"Sam\", \"Jo \\u001b[2J\"]}}"),
         TRANSFER_UNREADABLE, "item 2 of \"people\" holds a control"},
        {ONE("rating", "\"head\": {\"created\": 1767261600, "
                       "\"exercise\": \"5-4-3\\u009d\"}, \"body\": \"\""),
         TRANSFER_UNREADABLE, "\"exercise\" holds a control"},
        {ONE("dream", "\"head\": {\"created\": 1767261600, "
                      "\"a\\u001bb\": 1}, \"body\": \"\""),
         TRANSFER_UNREADABLE, "a field name in its \"head\" holds"},
        {ONE("group", "\"type\": \"prepare\\u001b\", "
                      "\"when\": \"2026-01-01T10:00:00Z\""),
         TRANSFER_UNREADABLE, "\"type\" holds a control"},
        {"{\"entries\": [{\"date\": \"2024-01-02\", \"time\": \"09:15\", "
         "\"title\": \"t\", \"tags\": [\"@ok\", \"@a\\u009bb\"]}]}",
         TRANSFER_UNREADABLE,
         "entry 1 (2024-01-02 09:15): tag 2 holds a control character"},
};

/* Control characters in free text are kept (and shown escaped); in every
 * other field they are refused, and the message names the record and the
 * field without the character itself. */
static void
import_controls(void **state)
{
	static const char *const shown[] = {"\x1b",    "\x07",     "\x7f",
	                                    "\r",      "\xc2\x85", "\xc2\x9b",
	                                    "\xc2\x9d"};
	for (size_t i = 0; i < sizeof(control_docs) / sizeof(control_docs[0]);
	     i++) {
		const struct bad *b = &control_docs[i];
		struct transfer_doc *d = NULL;
		char err[TRANSFER_ERR_MAX];
		int rc = transfer_parse(b->doc, strlen(b->doc), &d, err);
		if (rc != b->status || !strstr(err, b->says))
			fail_msg("case %zu: status %d, message '%s'", i, rc,
			         err);
		assert_null(d);
		for (size_t j = 0; j < sizeof(shown) / sizeof(shown[0]); j++)
			if (strstr(err, shown[j]))
				fail_msg("case %zu shows a control: %s", i,
				         err);
	}
	static const char *const kept[] = {
	        REC(", \"text\": \"esc \\u001b[31m c1 \\u009b del \\u007f "
	            "cr \\r\", \"tags\": [\"plain\"]"),
	        ONE("trigger",
	            TRIGGER_HEAD ", \"trigger\": \"a\\u001b]0;t\\u0007"
	                         "\", \"emotions\": [\"line break\"]}, "
	                         "\"body\": {\"v\": 1, "
	                         "\"note\": \"\\u009b2J\", "
	                         "\"thoughts\": \"\\u001bc\"}"),
	        ONE("dream", "\"head\": {\"created\": 1767261600}, \"body\": "
	                     "\"text \\u001b body\""),
	        ONE("group",
	            "\"type\": \"prepare\", \"when\": "
	            "\"2026-01-01T10:00:00Z\", \"need\": \"a\\u009bb\""),
	        "{\"entries\": [{\"date\": \"2024-01-02\", \"time\": "
	        "\"09:15\", "
	        "\"title\": \"t\\u001b\", \"body\": \"b\\u009b\\u0007\"}]}",
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		struct transfer_doc *d = NULL;
		char err[TRANSFER_ERR_MAX];
		if (transfer_parse(kept[i], strlen(kept[i]), &d, err) != 0)
			fail_msg("kept %zu: %s", i, err);
		assert_int_equal(transfer_doc_count(d), 1);
		transfer_doc_free(d);
	}
	assert_true(transfer_free_text("journal", "text"));
	assert_false(transfer_free_text("journal", "tags"));
	assert_true(transfer_free_text("trigger", "now_differs"));
	assert_false(transfer_free_text("trigger", "helped"));
	assert_true(transfer_free_text("group", "kind_words"));
	assert_false(transfer_free_text("safety-plan", "sections"));
}

/* Export writes only what import takes back: a record with a control
 * character outside free text (forged, or from an older selfhelp) is left
 * out and named; one with them in free text travels. */
static void
export_controls(void **state)
{
	struct vault *a = make_vault(path_a), *b = make_vault(path_b);
	struct transfer_result res;
	char err[TRANSFER_ERR_MAX];
	assert_int_equal(vault_begin(a), 0);
	put_raw(a, "trigger",
	        "{\"v\":1,\"created\":1767261600,\"when\":1767261600,"
	        "\"emotions\":[\"x\\u001b[2J\"]}",
	        "{\"v\":1}");
	put_raw(a, "trigger",
	        "{\"v\":1,\"created\":1767261601,\"when\":1767261601,"
	        "\"trigger\":\"sit\\u001b\"}",
	        "{\"v\":1,\"note\":\"n\\u009b\"}");
	add_entry(a, "text \x1b[31m \xc2\x9b", 13, 1, NULL, NOW);
	assert_int_equal(vault_commit(a), 0);
	struct seen seen = {0};
	json_t *doc;
	assert_int_equal(
	        transfer_export(a, NULL, NOW, &doc, count_problem, &seen, err),
	        0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.kind, "trigger");
	assert_non_null(strstr(seen.why, "item 1 of \"emotions\""));
	assert_int_equal(json_array_size(json_object_get(doc, "records")), 2);
	char *s = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(s);
	assert_int_equal(import_string(b, s, &res, err), 0);
	assert_int_equal(res.added, 2);
	jfree(s);
	json_decref(doc);
	vault_free(a);
	vault_free(b);
}

/* Every field of the Markdown export goes through the display sanitizer:
 * one-line fields on one line, free text with its lines, and nothing that
 * can drive a terminal. The document is built by hand, as a forged vault
 * could hold it. */
static void
markdown_controls(void **state)
{
	struct strbuf md = {0};
	char err[TRANSFER_ERR_MAX];
	json_error_t jerr;
	json_t *doc = json_loads(
	        "{\"selfhelp_export\": 1, \"exported\": "
	        "\"2026-11-26T14:30:00Z\", "
	        "\"records\": ["
	        "{\"id\": \"0123456789abcdef0123456789abcde1\", \"kind\": "
	        "\"journal\", \"created\": \"2026-11-01T10:00:00Z\", \"mood\": "
	        "3,"
	        " \"tags\": [\"t\\u001b[31m\", \"two\\nlines\"], \"text\": "
	        "\"a\\u001b]52;c;aGk=\\u0007\\nb\\u009bc\\u007f\"},"
	        "{\"id\": \"0123456789abcdef0123456789abcde2\", \"kind\": "
	        "\"trigger\", \"created\": \"2026-11-02T10:00:00Z\", \"head\": "
	        "{\"trigger\": \"l1\\nl2\\u001b\", \"emotions\": "
	        "[\"x\\u009by\"],"
	        " \"k\\u001bey\": {\"n\": \"\\u0085\"}}, \"body\": {\"note\": "
	        "\"n\\u001b\"}},"
	        "{\"id\": \"0123456789abcdef0123456789abcde3\", \"kind\": "
	        "\"dre\\u001bam\", \"created\": \"2026-11-03T10:00:00Z\", "
	        "\"head\": {}, \"body\": \"body\\u009b\\ntext\"},"
	        "{\"id\": \"0123456789abcdef0123456789abcde4\", \"kind\": "
	        "\"group\", \"created\": \"2026-11-04T10:00:00Z\", \"type\": "
	        "\"prepare\", \"when\": \"2026-11-04T10:00:00Z\", \"need\": "
	        "\"a\\u009bb\\nc\"}]}",
	        0, &jerr);
	assert_non_null(doc);
	assert_int_equal(transfer_markdown(doc, &md, err), 0);
	const char *s = md.p;
	assert_true(util_utf8_ok(s, md.len, NULL));
	assert_false(util_has_control(s, md.len, UTIL_CLEAN_LINES, NULL));
	assert_non_null(strstr(
	        s, "Mood 3 (0 to 10, 10 is best) · #t?[31m #two lines\n"));
	assert_non_null(strstr(s, "a?]52;c;aGk=?\nb?c?\n"));
	assert_non_null(strstr(s, "- trigger: l1\nl2?\n"));
	assert_non_null(strstr(s, "- emotions: x?y\n"));
	assert_non_null(strstr(s, "- k?ey: {\"n\":\"?\"}\n"));
	assert_non_null(strstr(s, "- note: n?\n"));
	assert_non_null(strstr(s, " · dre?am\n"));
	assert_non_null(strstr(s, "\nbody?\ntext\n"));
	assert_non_null(strstr(s, "**What I need from the group:** a?b\nc\n"));
	strbuf_release(&md);
	json_decref(doc);
}

/* transfer_load_head reads what json_loadb(p, len, 0) reads, and
 * refuses what it refuses: integers of every length and form, and what
 * its fast reader leaves to jansson. */
static void
load_head_as_jansson(void **state)
{
	(void)state;
	static const char *const docs[] = {
	        "{}",
	        " { } ",
	        "{\"v\":1,\"created\":1764000000,\"updated\":-1764000000,"
	        "\"mood\":null,\"tags\":[\"work\",\"\u00e9t\u00e9\"],"
	        "\"preview\":\"a \\\"quoted\\\" line\\n\"}",
	        "{\"a\":0}",
	        "{\"a\":-0}",
	        "{\"a\":123456789012345678}",
	        "{\"a\":-123456789012345678}",
	        "{\"a\":1234567890123456789}",
	        "{\"a\":9223372036854775807}",
	        "{\"a\":9223372036854775808}",
	        "{\"a\":-9223372036854775809}",
	        "{\"a\":1.5}",
	        "{\"a\":1e3}",
	        "{\"a\":2E3}",
	        "{\"a\":01}",
	        "{\"a\":-}",
	        "{\"a\":-01}",
	        "{\"a\":- 1}",
	        "{\"a\":1 }",
	        "{\"a\":1,}",
	        "{\"a\":1,\"a\":2}",
	        "{\"a\":[1,2]}",
	        "{\"a\":{\"b\":1}}",
	        "{\"a\":\"\\u0000\"}",
	        "{\"a\":true,\"b\":false,\"c\":null}",
	        "{\"a\":1} x",
	        "[1]",
	        "1",
	        "",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		json_error_t jerr;
		size_t len = strlen(docs[i]);
		json_t *want = json_loadb(docs[i], len, 0, &jerr);
		json_t *got =
		        transfer_load_head((const unsigned char *)docs[i], len);
		if (!want != !got || (want && !json_equal(want, got)))
			fail_msg("%s: read differently", docs[i]);
		if (want) {
			/* the same bytes back, and so the same order of keys */
			char *a = json_dumps(want, JSON_COMPACT);
			char *b = json_dumps(got, JSON_COMPACT);
			assert_string_equal(a, b);
			jfree(a);
			jfree(b);
		}
		json_decref(want);
		json_decref(got);
	}
}

/* Problems reported by an export, one line each. */
static void
note_problem(void *arg, const char *id, const char *kind, const char *why)
{
	struct strbuf *b = arg;
	strbuf_addf(b, "%s %s %s\n", id, kind, why);
}

/* Export through a writer, the direct way for journal entries or not. */
static void
stream_way(struct vault *v, const struct transfer_filter *f, bool no_shortcuts,
           struct strbuf *out, struct strbuf *problems, size_t *records)
{
	char err[TRANSFER_ERR_MAX];
	struct transfer_output o = {
	        .format = TRANSFER_EXPORT_JSON,
	        .write = mem_write,
	        .write_arg = out,
	        .problem = note_problem,
	        .problem_arg = problems,
	        .no_shortcuts = no_shortcuts,
	};
	if (transfer_export_write(v, f, NOW, &o, err) != 0)
		fail_msg("export: %s", err);
	*records = o.records;
}

/* Journal entries written straight from their stored heads are the very
 * bytes the general way (jansson) writes, and the same entries are left
 * out for the same reasons: for every shape of head and text. */
static void
direct_as_general(void **state)
{
	static const struct {
		const char *head, *body;
		size_t bodylen; /* 0: strlen(body) */
	} shapes[] = {
	        {"{\"v\":1,\"created\":1795000000,\"updated\":1795000000,"
	         "\"mood\":11,\"tags\":[],\"preview\":\"x\"}",
	         "mood out of range", 0},
	        {"{\"created\":1795000001,\"mood\":5.0,\"tags\":[]}",
	         "mood with a fraction", 0},
	        {"{\"created\":1795000002,\"mood\":\"7\",\"tags\":[]}",
	         "mood as text", 0},
	        {"{\"created\":1795000003,\"mood\":-0,\"tags\":[]}", "mood -0",
	         0},
	        {"{\"created\":1795000003,\"mood\":-1,\"tags\":[],"
	         "\"mood2\":[\"a\",\"b\"]}",
	         "mood -1", 0},
	        {"{\"created\":1795000004,\"mood\":10,\"tags\":[\"a\\\"b\","
	         "\"\\u00e9t\\u00e9\",\"x\\/y\",\"\\ud83c\\udf3f\"],"
	         "\"preview\":\"q \\\" \\\\ \\n \\u0041\"}",
	         "escapes in tags and preview", 0},
	        {"{\"cr\\u0065ated\":1795000005,\"tags\":[\"Mixed Case\"]}",
	         "an escaped key", 0},
	        {"{\"created\":1,\"created\":1795000006,\"tags\":[]}",
	         "created twice", 0},
	        {"{\"created\":1795000007,\"tags\":[],\"tags\":[\"b\"]}",
	         "tags twice", 0},
	        {"{\"tags\":[]}", "no created", 0},
	        {"{\"created\":1795000008}", "no tags", 0},
	        {"{\"created\":1795000009,\"tags\":\"a\"}", "tags as text", 0},
	        {"{\"created\":1795000010,\"tags\":[\"a\\u0007\"]}",
	         "a tag with a bell", 0},
	        {"{\"created\":1795000011,\"tags\":[\"a,b\"]}",
	         "a tag with a comma", 0},
	        {"{\"created\":1795000012,\"tags\":[\"\"]}", "an empty tag", 0},
	        {"{\"created\":1795000013,\"tags\":[7]}", "a tag as a number",
	         0},
	        {"{\"created\":1795000014,\"tags\":[]}", " \n\t\r ", 0},
	        {"{\"created\":1795000015,\"tags\":[]}", "\f", 0},
	        {"{\"created\":1795000016,\"tags\":[]}", "a NUL\0here", 10},
	        {"{\"created\":1795000017,\"tags\":[]}", "not UTF-8 \xff", 0},
	        {"{\"created\":1795000018,\"tags\":[],\"x\":{\"a\":1}}",
	         "an object in the head", 0},
	        {"{\"created\":1795000019,\"tags\":[],\"x\":true,\"y\":false,"
	         "\"z\":null,\"w\":[]}",
	         "words in the head", 0},
	        {"{\"created\":99999999999999,\"tags\":[]}", "far future", 0},
	        {"{\"created\":1795000020,\"updated\":1234567890123456789,"
	         "\"tags\":[]}",
	         "a long number", 0},
	        {"{\"created\":1795000021,\"updated\":null,\"tags\":[]}",
	         "updated null", 0},
	        {"{\"created\":1795000022,\"updated\":1795000122,\"tags\":[]}",
	         "updated later", 0},
	        {" { \"created\" : 1795000023 , \"tags\" : [ \"a\" , \"b\" ] "
	         "} ",
	         "spaces in the head", 0},
	        {"{\"created\":01795000024,\"tags\":[]}", "a leading zero", 0},
	        {"{\"created\":1795000025,\"tags\":[]", "cut short", 0},
	        {"{\"created\":1795000026,\"tags\":[],}", "a last comma", 0},
	        {"{\"created\":1795000027,\"tags\":[\"\x01\"]}",
	         "a raw control character in a tag", 0},
	        {"{\"created\":1795000028,\"tags\":[\"a\\u0000\"]}",
	         "an escaped NUL in a tag", 0},
	        {"{\"created\":1795000029,\"tags\":[\"\\ud800\"]}",
	         "a lone surrogate", 0},
	        {"{\"created\":1795000030,\"tags\":[],\"preview\":\"\xc3\"}",
	         "a preview that is not UTF-8", 0},
	        {"[1]", "a list for a head", 0},
	        {"{\"created\":1795000031,\"tags\":[]} x", "more after it", 0},
	        {"{\"created\":1795000032,\"tags\":[],\"v\":1e3}",
	         "an exponent", 0},
	};
	struct vault *a = make_vault(path_a);
	struct strbuf direct = {0}, general = {0}, pd = {0}, pg = {0};
	char many[2048] = "{\"created\":1795000040,\"tags\":[";
	size_t nd, ng;
	fill_awkward(a);
	fill(a);
	assert_int_equal(vault_begin(a), 0);
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char id[VAULT_ID_HEX + 1];
		size_t bl = shapes[i].bodylen ? shapes[i].bodylen
		                              : strlen(shapes[i].body);
		assert_int_equal(vault_put(a, NULL, "journal", shapes[i].head,
		                           strlen(shapes[i].head),
		                           shapes[i].body, bl, id),
		                 0);
	}
	/* more tags than an entry holds, and as many as it holds */
	for (int i = 0; i <= JOURNAL_MAX_TAGS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		         "%s\"t%d\"", i ? "," : "", i);
	strcat(many, "]}");
	put_raw(a, "journal", many, "too many tags");
	*strrchr(many, ',') = '\0';
	strcat(many, "]}");
	put_raw(a, "journal", many, "as many tags as it holds");
	/* written while the vault was locked */
	static const char lhead[] = "{\"v\":1,\"created\":1795000050,"
	                            "\"updated\":1795000050,\"mood\":4,"
	                            "\"tags\":[\"late\"],\"preview\":\"l\"}";
	assert_int_equal(vault_insert(a, "0123456789abcdef0123456789abcdef",
	                              "journal", lhead, strlen(lhead),
	                              "written while locked", 20,
	                              VAULT_WRITTEN_LOCKED),
	                 0);
	/* a conflict copy kept by a merge */
	assert_int_equal(vault_insert(a, "0123456789abcdef0123456789abcdee",
	                              "journal", lhead, strlen(lhead),
	                              "kept from another computer", 26,
	                              VAULT_CONFLICT_COPY),
	                 0);
	assert_int_equal(vault_commit(a), 0);

	stream_way(a, NULL, false, &direct, &pd, &nd);
	stream_way(a, NULL, true, &general, &pg, &ng);
	assert_int_equal(nd, ng);
	assert_string_equal(pd.p ? pd.p : "", pg.p ? pg.p : "");
	assert_int_equal(direct.len, general.len);
	assert_memory_equal(direct.p, general.p, direct.len);
	/* what the shapes are there for: some are written, some left out */
	assert_non_null(strstr(direct.p, "\"written_while_locked\": true"));
	assert_non_null(strstr(direct.p, "\"conflict_copy\": true"));
	assert_non_null(strstr(direct.p, "\"mood\": 0,"));
	assert_non_null(strstr(direct.p, "\"a\\\"b\","));
	assert_non_null(strstr(direct.p, "as many tags as it holds"));
	assert_null(strstr(direct.p, "too many tags"));
	assert_null(strstr(direct.p, "a tag with a bell"));
	assert_non_null(strstr(pd.p, "journal"));

	/* the same within times that leave some out */
	struct transfer_filter f = {.since = 1795000010, .until = 1795000030};
	size_t nfd, nfg;
	strbuf_setlen(&direct, 0);
	strbuf_setlen(&general, 0);
	strbuf_setlen(&pd, 0);
	strbuf_setlen(&pg, 0);
	stream_way(a, &f, false, &direct, &pd, &nfd);
	stream_way(a, &f, true, &general, &pg, &nfg);
	assert_int_equal(nfd, nfg);
	assert_true(nfd > 5 && nfd < nd);
	assert_string_equal(pd.p ? pd.p : "", pg.p ? pg.p : "");
	assert_int_equal(direct.len, general.len);
	assert_memory_equal(direct.p, general.p, direct.len);
	assert_null(strstr(direct.p, "mood -0"));
	strbuf_release(&direct);
	strbuf_release(&general);
	strbuf_release(&pd);
	strbuf_release(&pg);
	vault_free(a);
}

/* Records stored newest first come by before their turn: the first few
 * are kept as made, those past the bound read again when their turn
 * comes; either way they are written in order, once, and counted. */
static void
deferred_kept_and_read_again(void **state)
{
	struct vault *a = make_vault(path_a);
	enum { BIG = 1536 * 1024, N = 6 };
	char *text = malloc(BIG);
	assert_non_null(text);
	assert_int_equal(vault_begin(a), 0);
	for (int i = 0; i < N; i++) {
		memset(text, 'a' + i, BIG);
		add_entry(a, text, BIG, i, NULL, NOW - i * 3600);
		/* one outside the filter's times, kept as left out */
		add_entry(a, "old", 3, 1, NULL, NOW - 400 * 86400 - i);
	}
	assert_int_equal(vault_commit(a), 0);
	for (int direct = 0; direct < 2; direct++) {
		static const char *const kinds[] = {"rating", "journal"};
		struct transfer_filter f = {
		        .since = NOW - 86400, .kinds = kinds, .nkinds = 2};
		size_t counts[2] = {9, 9};
		struct strbuf js = {0};
		char err[TRANSFER_ERR_MAX];
		struct transfer_output o = {
		        .format = TRANSFER_EXPORT_JSON,
		        .write = mem_write,
		        .write_arg = &js,
		        .kind_counts = counts,
		        .no_shortcuts = !direct,
		};
		assert_int_equal(transfer_export_write(a, &f, NOW, &o, err), 0);
		assert_int_equal(o.records, N);
		assert_int_equal(counts[0], 0);
		assert_int_equal(counts[1], N);
		json_error_t jerr;
		json_t *doc = json_loadb(js.p, js.len, 0, &jerr);
		assert_non_null(doc);
		json_t *recs = json_object_get(doc, "records");
		assert_int_equal(json_array_size(recs), N);
		for (int i = 0; i < N; i++) {
			json_t *t = json_object_get(json_array_get(recs, i),
			                            "text");
			assert_int_equal(json_string_length(t), BIG);
			/* oldest first: the last stored */
			assert_int_equal(json_string_value(t)[0],
			                 'a' + N - 1 - i);
		}
		json_decref(doc);
		strbuf_release(&js);
	}
	free(text);
	vault_free(a);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(roundtrip),
	        T(conflicts),
	        T(jrnl),
	        T(bad_docs),
	        T(invalid_utf8),
	        T(times),
	        T(filters),
	        T(markdown),
	        T(check),
	        T(buffers_grow),
	        T(stream_as_jansson),
	        T(stream_in_pieces),
	        T(json_as_jansson),
	        T(import_controls),
	        T(export_controls),
	        T(markdown_controls),
	        T(stream_jrnl),
	        T(load_head_as_jansson),
	        T(check_refuses_what_import_would),
	        T(direct_as_general),
	        T(deferred_kept_and_read_again),
	};
	if (sodium_init() < 0)
		return 1;
	setenv("TZ", "UTC", 1);
	tzset();
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
