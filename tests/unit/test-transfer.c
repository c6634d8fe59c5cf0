#include "harness.h"

#include "journal.h"
#include "transfer.h"
#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct crypto_kdf_params fast = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

/* 2026-11-26 14:30:00 UTC */
static const time_t NOW = 1795703400;

static char dir[256], path_a[300], path_b[300];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/selfhelp-transfer-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path_a, sizeof(path_a), "%s/a.db", dir);
	snprintf(path_b, sizeof(path_b), "%s/b.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vault *
make_vault(const char *path)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_create(path, "pw", 2, &fast, &v, &err),
	                 VAULT_OK);
	return v;
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
	assert_int_equal(res.skipped, 1);

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
	assert_int_equal(res.skipped, 3);
	char *moved = strdup(jrnl_doc);
	memcpy(strstr(moved, "23:59"), "23:58", 5);
	assert_int_equal(import_string(a, moved, &res, err), 0);
	assert_int_equal(res.added, 1);
	free(moved);
	vault_free(a);
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
         "\"title\": \"\", \"body\": \"\"}]}",
         TRANSFER_UNREADABLE,
         "entry 1 (2024-01-02 09:15): the text is "
         "empty"},
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
	struct transfer_buf md = {0};
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
	const char *awk = strstr(s, "Mood 3 · #with space\n\nQuotes \"");
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
	transfer_buf_release(&md);
	json_decref(doc);

	json_t *empty =
	        json_pack("{s:i, s:s, s:[]}", "selfhelp_export", 1, "exported",
	                  "2026-11-26T14:30:00Z", "records");
	assert_int_equal(transfer_markdown(empty, &md, err), 0);
	assert_non_null(strstr(md.p, "no records"));
	transfer_buf_release(&md);
	json_decref(empty);
	vault_free(a);
}

/* Flip one byte of a record's column from outside. */
static void
flip(const char *path, const char *id, const char *column)
{
	sqlite3 *db;
	char sql[200];
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	         "UPDATE record SET %s = substr(%s, 1, 30) || "
	         "x'ff' || substr(%s, 32) WHERE id = '%s'",
	         column, column, column, id);
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s", err);
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
	flip(path_a, body_id, "body");
	flip(path_a, head_id, "head");
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

static void
buffers_grow(void **state)
{
	struct transfer_buf b = {0};
	for (int i = 0; i < 10000; i++)
		assert_int_equal(transfer_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.p[b.len], '\0');
	assert_true(b.cap > b.len);
	transfer_buf_release(&b);
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(roundtrip),    T(conflicts),    T(jrnl),    T(bad_docs),
	        T(invalid_utf8), T(times),        T(filters), T(markdown),
	        T(check),        T(buffers_grow),
	};
	if (sodium_init() < 0)
		return 1;
	setenv("TZ", "UTC", 1);
	tzset();
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
