#include "harness.h"

#include "journal.h"
#include "search.h"
#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct crypto_kdf_params fast = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

static char dir[256], path[300];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/selfhelp-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub/vault.db", dir);
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
make_vault(void)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(
	        vault_create(path, "correct horse", 13, &fast, &v, &err),
	        VAULT_OK);
	assert_null(err);
	return v;
}

static struct vault *
reopen(const char *pass)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, pass, strlen(pass)), VAULT_OK);
	return v;
}

/* Run one SQL statement on the vault file from outside. */
static void
sql(const char *stmt)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db, stmt, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", stmt, err);
	sqlite3_close(db);
}

static void
create_and_modes(void **state)
{
	struct vault *v = make_vault();
	struct stat st;
	vault_free(v);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* refuses to touch an existing vault */
	char *err = NULL;
	assert_int_equal(vault_create(path, "x", 1, &fast, &v, &err),
	                 VAULT_EXISTS);
	assert_null(v);
	assert_non_null(strstr(err, "already"));
	free(err);
}

static void
reopen_records(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        journal_add(v, "hello there", 11, 5, NULL, 0, 1000, id), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	v = reopen("correct horse");
	struct journal_entry *e = NULL;
	assert_int_equal(journal_get(v, id, &e), 0);
	assert_string_equal(e->text, "hello there");
	assert_int_equal(e->mood, 5);
	assert_int_equal(e->created, 1000);
	journal_entry_free(e);
	vault_free(v);
}

static long
file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static void
wrong_passphrase(void **state)
{
	struct vault *v = make_vault();
	vault_free(v);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	long before = file_size(path);
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, "correct horsE", 13),
	                 VAULT_BAD_PASSPHRASE);
	assert_string_equal(vault_errmsg(v),
	                    "That passphrase doesn't open this vault.");
	/* still locked: no record call works */
	assert_int_equal(vault_put(v, NULL, "journal", "a", 1, "b", 1, NULL),
	                 VAULT_LOCKED);
	vault_free(v);
	assert_int_equal(file_size(path), before);
	assert_true(file_size(wal) <= 0);
}

static void
migrate_from_old_schema(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "kept", 4, -1, NULL, 0, 5, id), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* turn it back into a schema-1 vault */
	sql("DROP INDEX record_kind; DROP TABLE sealed; DROP TABLE listing; "
	    "PRAGMA user_version=1;");
	v = reopen("correct horse");
	vault_free(v);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), VAULT_SCHEMA);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sealed",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM listing",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_finalize(st);
	sqlite3_close(db);
	v = reopen("correct horse");
	struct journal_entry *e = NULL;
	assert_int_equal(journal_get(v, id, &e), 0);
	assert_string_equal(e->text, "kept");
	journal_entry_free(e);
	vault_free(v);
}

static void
version_zero_is_not_a_vault(void **state)
{
	/* an empty SQLite database (user_version 0) is refused, unchanged */
	char p0[320];
	snprintf(p0, sizeof(p0), "%s/empty.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p0, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE x(y);", NULL, NULL, NULL);
	sqlite3_close(db);
	long before = file_size(p0);
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(p0, &v, &err), VAULT_NOT_VAULT);
	assert_non_null(strstr(err, "not a selfhelp vault"));
	free(err);
	assert_int_equal(file_size(p0), before);
	/* a file that is not SQLite at all */
	FILE *f = fopen(p0, "w");
	fputs("just some text, not a database at all, long enough", f);
	fclose(f);
	assert_int_equal(vault_open(p0, &v, &err), VAULT_NOT_VAULT);
	free(err);
	/* no file */
	snprintf(p0, sizeof(p0), "%s/none.db", dir);
	assert_int_equal(vault_open(p0, &v, &err), VAULT_NOT_FOUND);
	assert_non_null(strstr(err, "selfhelp init"));
	free(err);
}

static void
newer_format(void **state)
{
	vault_free(make_vault());
	sql("PRAGMA user_version=99;");
	struct vault *v;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_NEWER);
	assert_non_null(strstr(err, "newer selfhelp"));
	free(err);
	sql("PRAGMA user_version=2; UPDATE meta SET format = 7;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_NEWER);
	free(err);
}

static void
hostile_kdf(void **state)
{
	vault_free(make_vault());
	struct vault *v;
	char *err = NULL;
	sql("UPDATE keyslot SET kdf_mem = 4294967296;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_HOSTILE);
	free(err);
	sql("UPDATE keyslot SET kdf_mem = 8192, kdf_ops = 4000000000;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_HOSTILE);
	free(err);
	sql("UPDATE keyslot SET kdf_ops = -1;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_HOSTILE);
	free(err);
	sql("UPDATE keyslot SET kdf_ops = 1, kdf_alg = 1;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_HOSTILE);
	free(err);
	sql("UPDATE keyslot SET kdf_alg = 2, salt = x'00';");
	assert_int_equal(vault_open(path, &v, &err), VAULT_NOT_VAULT);
	free(err);
}

/* Each edited header field makes the passphrase fail to unwrap. */
static void
edited_header(void **state)
{
	static const char *const edits[] = {
	        "UPDATE meta SET vault_id = randomblob(16);",
	        "UPDATE meta SET public_key = randomblob(32);",
	        "UPDATE keyslot SET salt = randomblob(16);",
	        "UPDATE keyslot SET kdf_ops = 2;",
	        "UPDATE keyslot SET kdf_mem = 16384;",
	        "UPDATE keyslot SET wrapped = randomblob(72);",
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		unlink(path);
		vault_free(make_vault());
		sql(edits[i]);
		struct vault *v;
		char *err = NULL;
		assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
		if (vault_unlock(v, "correct horse", 13) !=
		    VAULT_BAD_PASSPHRASE)
			fail_msg("edit not detected: %s", edits[i]);
		vault_free(v);
	}
}

struct seen {
	int ok, damaged;
	char damaged_id[VAULT_ID_HEX + 1];
};

static int
count_cb(void *arg, const struct vault_item *it)
{
	struct seen *s = arg;
	if (it->damaged) {
		s->damaged++;
		snprintf(s->damaged_id, sizeof(s->damaged_id), "%s", it->id);
	} else {
		s->ok++;
	}
	return 0;
}

static void
tampered_records(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1], c[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "first", 5, -1, NULL, 0, 1, a), 0);
	assert_int_equal(journal_add(v, "second", 6, -1, NULL, 0, 2, b), 0);
	assert_int_equal(journal_add(v, "third", 5, -1, NULL, 0, 3, c), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);

	char stmt[300];
	/* flip one byte of a's body */
	snprintf(stmt, sizeof(stmt),
	         "UPDATE record SET body = substr(body, 1, 30) || "
	         "(CASE WHEN substr(body, 31, 1) = x'ff' THEN x'00' "
	         "ELSE x'ff' END) || substr(body, 32) WHERE id = '%s';",
	         a);
	sql(stmt);
	v = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(
	        vault_each(v, "journal", VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(s.damaged, 1);
	assert_string_equal(s.damaged_id, a);
	vault_free(v);

	/* a record moved to another kind */
	snprintf(stmt, sizeof(stmt),
	         "UPDATE record SET kind = 'trigger' WHERE id = '%s';", b);
	sql(stmt);
	/* a record's ciphertext moved to another id */
	snprintf(stmt, sizeof(stmt),
	         "UPDATE record SET id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
	         "WHERE id = '%s';",
	         c);
	sql(stmt);
	v = reopen("correct horse");
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 0);
	assert_int_equal(s.damaged, 3);
	vault_free(v);

	/* revision bumped without re-encrypting */
	unlink(path);
	v = make_vault();
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "x", 1, -1, NULL, 0, 1, a), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	sql("UPDATE record SET revision = revision + 1;");
	v = reopen("correct horse");
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.damaged, 1);
	vault_free(v);
}

static void
moved_to_other_vault(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "mine", 4, -1, NULL, 0, 1, a), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* copy the record into a second vault with the same passphrase */
	char other[320];
	snprintf(other, sizeof(other), "%s/other.db", dir);
	struct vault *w = NULL;
	char *err = NULL;
	assert_int_equal(
	        vault_create(other, "correct horse", 13, &fast, &w, &err), 0);
	vault_free(w);
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; INSERT INTO o.record(id, kind, revision, "
	         "head, body) SELECT id, kind, revision, head, body FROM "
	         "main.record;",
	         other);
	sql(stmt);
	assert_int_equal(vault_open(other, &w, &err), 0);
	assert_int_equal(vault_unlock(w, "correct horse", 13), 0);
	struct seen s = {0};
	assert_int_equal(vault_each(w, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.damaged, 1);
	vault_free(w);
}

static void
id_prefixes(void **state)
{
	struct vault *v = make_vault();
	char ids[40][VAULT_ID_HEX + 1], out[VAULT_ID_HEX + 1];
	char cands[8][VAULT_ID_HEX + 1];
	size_t n;
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(journal_add(v, "t", 1, -1, NULL, 0, i, ids[i]),
		                 0);
	assert_int_equal(vault_commit(v), 0);
	/* every full id and its 12-char prefix resolve to itself */
	for (int i = 0; i < 40; i++) {
		char pre[13];
		memcpy(pre, ids[i], 12);
		pre[12] = '\0';
		assert_int_equal(
		        vault_resolve(v, "journal", pre, out, cands, 8, &n), 0);
		assert_string_equal(out, ids[i]);
		pre[0] = (char)(pre[0] >= 'a' ? pre[0] - 32 : pre[0]);
		assert_int_equal(
		        vault_resolve(v, "journal", pre, out, cands, 8, &n), 0);
		assert_string_equal(out, ids[i]);
	}
	/* short prefixes are refused; unknown ones are not found */
	assert_false(vault_id_prefix_ok("abc"));
	assert_false(vault_id_prefix_ok("abcg"));
	assert_true(vault_id_prefix_ok("ABCD"));
	/* force two ids to share a prefix */
	vault_free(v);
	sql("UPDATE record SET id = 'beef' || substr(id, 5) WHERE rowid <= 2;");
	v = reopen("correct horse");
	assert_int_equal(vault_resolve(v, "journal", "beef", out, cands, 8, &n),
	                 VAULT_AMBIGUOUS);
	assert_int_equal(n, 2);
	assert_int_equal(strncmp(cands[0], "beef", 4), 0);
	assert_int_equal(strncmp(cands[1], "beef", 4), 0);
	assert_int_equal(vault_resolve(v, "trigger", "beef", out, cands, 8, &n),
	                 VAULT_NOT_FOUND);
	vault_free(v);
}

static bool
file_has(const char *p, const char *needle)
{
	FILE *f = fopen(p, "rb");
	if (!f)
		return false;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return memmem(buf, n, needle, strlen(needle)) != NULL;
}

static void
no_plaintext_on_disk(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	char *tags[] = {(char *)"marker-tag-q7"};
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "MARKER-zq81 words", 17, 3, tags, 1,
	                             1700000000, id),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_false(file_has(path, "MARKER-zq81"));
	assert_false(file_has(path, "marker-tag-q7"));
	assert_false(file_has(wal, "MARKER-zq81"));
	/* the -wal is checkpointed away on close */
	assert_true(file_size(wal) <= 0);
}

static void
padding(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	static char big[70000];
	memset(big, 'a', sizeof(big));
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, "1", 1, id), 0);
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, big, 200, id),
	                 0);
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, big, 5000, id),
	                 0);
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, big, 70000, id),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT length(body) FROM record "
	                                    "ORDER BY rowid",
	                                    -1, &st, NULL),
	                 0);
	const int want[] = {256 + 40, 256 + 40, 8192 + 40, 131072 + 40};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), want[i]);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* and they read back exactly */
	v = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 4);
	vault_free(v);
}

static void
update_and_delete(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	char *t1[] = {(char *)"work"};
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "one", 3, 2, t1, 1, 100, id), 0);
	assert_int_equal(vault_commit(v), 0);
	struct journal_entry *e = NULL;
	assert_int_equal(journal_get(v, id, &e), 0);
	free(e->text);
	e->text = strdup("one, edited");
	e->textlen = strlen(e->text);
	e->mood = 8;
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_update(v, e, 200), 0);
	assert_int_equal(vault_commit(v), 0);
	journal_entry_free(e);
	assert_int_equal(journal_get(v, id, &e), 0);
	assert_string_equal(e->text, "one, edited");
	assert_int_equal(e->mood, 8);
	assert_int_equal(e->created, 100);
	assert_int_equal(e->updated, 200);
	assert_string_equal(e->tags[0], "work");
	journal_entry_free(e);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_delete(v, id), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(journal_get(v, id, &e), VAULT_NOT_FOUND);
	assert_int_equal(vault_delete(v, id), VAULT_NOT_FOUND);
	vault_free(v);
}

static void
list_filters(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	char *work[] = {(char *)"work"}, *home[] = {(char *)"home"};
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "Grüße aus Köln",
	                             strlen("Grüße aus Köln"), -1, work, 1, 300,
	                             id),
	                 0);
	assert_int_equal(journal_add(v, "plain day", 9, -1, home, 1, 100, id),
	                 0);
	assert_int_equal(journal_add(v, "STRASSE", 7, -1, home, 1, 200, id), 0);
	assert_int_equal(vault_commit(v), 0);
	struct journal_filter f = {0};
	struct journal_entry **l;
	size_t n;
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(l[0]->created, 300); /* newest first */
	assert_int_equal(l[2]->created, 100);
	journal_entries_free(l, n);
	f.tag = "home";
	f.since = 150;
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0]->preview, "STRASSE");
	journal_entries_free(l, n);
	memset(&f, 0, sizeof(f));
	f.needle = search_needle_new("GRÜSSE");
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0]->text, "Grüße aus Köln");
	journal_entries_free(l, n);
	search_needle_free(f.needle);
	f.needle = search_needle_new("straße");
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	journal_entries_free(l, n);
	search_needle_free(f.needle);
	f.needle = search_needle_new("HOME"); /* tags match too */
	assert_int_equal(journal_list(v, &f, &l, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	journal_entries_free(l, n);
	search_needle_free(f.needle);
	vault_free(v);
}

static int
text_of(void *arg, const struct vault_item *it)
{
	char *out = arg;
	if (it->damaged)
		snprintf(out, 64, "DAMAGED");
	else
		snprintf(out, 64, "%.*s|%.*s", (int)it->headlen,
		         (const char *)it->head, (int)it->bodylen,
		         (const char *)it->body);
	return 0;
}

static int
collect_bodies(void *arg, const struct vault_item *it)
{
	struct {
		char (*seen)[64];
		size_t n;
	} *w = arg;
	snprintf(w->seen[w->n++], 64, "%.*s", (int)it->bodylen,
	         it->body ? (const char *)it->body : "");
	return 0;
}
/* The newest `limit` entries in [since, until] through the listing index
 * must be exactly the first of the full, sorted walk. */
static void
expect_newest(struct vault *v, size_t limit, time_t since, time_t until)
{
	struct journal_filter f = {.since = since, .until = until};
	struct journal_entry **all, **top;
	size_t n, m;
	assert_int_equal(journal_list(v, &f, &all, &n, NULL, NULL), 0);
	f.limit = limit;
	assert_int_equal(journal_list(v, &f, &top, &m, NULL, NULL), 0);
	assert_int_equal(m, n < limit ? n : limit);
	for (size_t i = 0; i < m; i++) {
		assert_string_equal(top[i]->id, all[i]->id);
		assert_int_equal(top[i]->created, all[i]->created);
	}
	journal_entries_free(all, n);
	journal_entries_free(top, m);
}

static int64_t
count_rows(const char *query)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, query, -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
listing_index(void **state)
{
	struct vault *v = make_vault();
	vault_set_sort_key(v, journal_sort_key);
	char ids[1500][VAULT_ID_HEX + 1];
	/* more than one chunk (1024 rowids), created times out of order */
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 1500; i++) {
		time_t created = 1000000 + (time_t)((i * 7919) % 1500) * 60;
		assert_int_equal(journal_add(v, "an entry", 8, -1, NULL, 0,
		                             created, ids[i]),
		                 0);
	}
	assert_int_equal(vault_commit(v), 0);
	assert_true(count_rows("SELECT count(*) FROM listing") >= 2);
	expect_newest(v, 10, 0, 0);
	expect_newest(v, 1, 0, 0);
	expect_newest(v, 2000, 0, 0);
	expect_newest(v, 7, 1000000 + 100 * 60, 1000000 + 200 * 60);
	/* edits, deletes and one more entry keep it in step */
	struct journal_entry *e = NULL;
	assert_int_equal(journal_get(v, ids[3], &e), 0);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_update(v, e, 5000000), 0);
	for (int i = 0; i < 1500; i += 3)
		assert_int_equal(vault_delete(v, ids[i]), 0);
	assert_int_equal(
	        journal_add(v, "the newest", 10, -1, NULL, 0, 9000000, ids[0]),
	        0);
	assert_int_equal(vault_commit(v), 0);
	journal_entry_free(e);
	expect_newest(v, 10, 0, 0);
	expect_newest(v, 3, 1000000 + 300 * 60, 0);
	vault_free(v);

	/* a writer that knows no sort key drops the index; it comes back */
	v = reopen("correct horse");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        journal_add(v, "no key", 6, -1, NULL, 0, 9500000, ids[1]), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM listing"), 0);
	vault_set_sort_key(v, journal_sort_key);
	expect_newest(v, 5, 0, 0);
	assert_true(count_rows("SELECT count(*) FROM listing") >= 2);
	vault_free(v);

	/* a chunk moved, replaced or missing is noticed and rebuilt */
	const char *harm[] = {
	        "UPDATE listing SET chunk = chunk + 100 WHERE chunk = 0",
	        "UPDATE listing SET data = (SELECT data FROM listing WHERE "
	        "chunk = 1) WHERE chunk = 0",
	        "DELETE FROM listing WHERE chunk = 1",
	};
	for (size_t i = 0; i < sizeof(harm) / sizeof(harm[0]); i++) {
		sql(harm[i]);
		v = reopen("correct horse");
		vault_set_sort_key(v, journal_sort_key);
		bool stale = false;
		assert_int_equal(vault_listing_check(v, JOURNAL_KIND, &stale),
		                 0);
		assert_true(stale);
		expect_newest(v, 10, 0, 0);
		assert_int_equal(vault_listing_check(v, JOURNAL_KIND, &stale),
		                 0);
		assert_false(stale);
		expect_newest(v, 10, 0, 1000000 + 500 * 60);
		vault_free(v);
		assert_int_equal(count_rows("SELECT count(*) FROM listing "
		                            "WHERE chunk >= 100"),
		                 0);
	}
}

static void
listing_walk_order(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_each_by_key(v, JOURNAL_KIND, 0, INT64_MIN,
	                                   INT64_MAX, text_of, id),
	                 VAULT_ERROR); /* no sort key set */
	vault_set_sort_key(v, journal_sort_key);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "b", 1, -1, NULL, 0, 200, id), 0);
	assert_int_equal(journal_add(v, "a", 1, -1, NULL, 0, 100, id), 0);
	assert_int_equal(journal_add(v, "c", 1, -1, NULL, 0, 300, id), 0);
	/* a head the sort key cannot read is walked first, as damaged */
	assert_int_equal(vault_put(v, NULL, JOURNAL_KIND, "{}", 2, "x", 1, id),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	char seen[8][64];
	struct {
		char (*seen)[64];
		size_t n;
	} w = {seen, 0};
	assert_int_equal(vault_each_by_key(v, JOURNAL_KIND, VAULT_EACH_BODY,
	                                   150, INT64_MAX, collect_bodies, &w),
	                 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(seen[0], "x");
	assert_string_equal(seen[1], "c");
	assert_string_equal(seen[2], "b");
	vault_free(v);
}

static bool
keep_sevens(void *karg, const struct vault_item *it)
{
	(void)karg;
	return strstr((const char *)it->body, "7") != NULL;
}

struct seen_rows {
	char bodies[700][16];
	size_t n, damaged;
};

static int
note_row(void *arg, const struct vault_item *it)
{
	struct seen_rows *w = arg;
	if (it->damaged) {
		w->damaged++;
		return 0;
	}
	snprintf(w->bodies[w->n++], 16, "%.*s", (int)it->bodylen,
	         (const char *)it->body);
	return 0;
}

/* Heads only: count the rows, check each head, stop at the 400th. */
static int
head_row(void *arg, const struct vault_item *it)
{
	size_t *n = arg;
	if (it->damaged || it->body || it->headlen != 1 || it->head[0] != 'h')
		return -1;
	return ++*n == 400 ? 7 : 0;
}

static void
search_walk(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1], body[16];
	/* more rows than one batch; every row with a 7 is kept */
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 700; i++) {
		snprintf(body, sizeof(body), "n%d", i);
		assert_int_equal(vault_put(v, NULL, "note", "h", 1, body,
		                           strlen(body), id),
		                 0);
	}
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* a damaged row is always passed on, whatever keep says */
	sql("UPDATE record SET body = zeroblob(length(body)) WHERE rowid = "
	    "(SELECT rowid FROM record ORDER BY rowid LIMIT 1 OFFSET 300)");
	v = reopen("correct horse");
	struct seen_rows *w = calloc(1, sizeof(*w));
	assert_non_null(w);
	assert_int_equal(vault_search(v, "note", VAULT_EACH_BODY, keep_sevens,
	                              NULL, note_row, w),
	                 0);
	assert_int_equal(w->damaged, 1);
	size_t k = 0;
	for (int i = 0; i < 700; i++) {
		snprintf(body, sizeof(body), "n%d", i);
		if (i == 300 || !strchr(body, '7'))
			continue;
		assert_true(k < w->n);
		assert_string_equal(w->bodies[k], body); /* storage order */
		k++;
	}
	assert_int_equal(k, w->n);
	free(w);
	/* heads only, every row kept: the damaged body goes unseen; fn's
	 * non-zero stops the walk and is returned */
	size_t n = 0;
	assert_int_equal(vault_search(v, "note", 0, NULL, NULL, head_row, &n),
	                 7);
	assert_int_equal(n, 400);
	vault_free(v);
}

static void
change_passphrase(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, "kept", 4, id),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* remember the old wrapped key's bytes */
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char old[72];
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db,
	                   "SELECT wrapped FROM keyslot WHERE name = "
	                   "'passphrase'",
	                   -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(old, sqlite3_column_blob(st, 0), sizeof(old));
	sqlite3_finalize(st);
	sqlite3_close(db);

	v = reopen("correct horse");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_set_passphrase(v, "new words here", 14, NULL),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);

	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock(v, "correct horse", 13),
	                 VAULT_BAD_PASSPHRASE);
	vault_free(v);
	v = reopen("new words here");
	char got[64];
	assert_int_equal(vault_get(v, id, "journal", text_of, got), 0);
	assert_string_equal(got, "h|kept");
	vault_free(v);
	/* the old wrapped key is gone from the vault and its -wal */
	static char buf[1 << 20];
	const char *files[] = {path, NULL};
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	files[1] = wal;
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "rb");
		if (!f)
			continue;
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_null(memmem(buf, n, old, sizeof(old)));
	}
}

static void
recovery_code(void **state)
{
	struct vault *v = make_vault();
	char code[VAULT_RECOVERY_CODE_LEN + 1], canon[33], other[33];
	vault_recovery_code_new(code);
	assert_int_equal(strlen(code), VAULT_RECOVERY_CODE_LEN);
	assert_int_equal(code[4], '-');
	assert_int_equal(vault_recovery_code_normalize(code, canon), 0);
	assert_int_equal(strlen(canon), 32);
	/* typed in upper case with spaces: the same code */
	char typed[64];
	size_t n = 0;
	for (const char *p = code; *p; p++)
		typed[n++] = *p == '-' ? ' ' : (char)(*p >= 'a' ? *p - 32 : *p);
	typed[n] = '\0';
	assert_int_equal(vault_recovery_code_normalize(typed, other), 0);
	assert_string_equal(canon, other);
	assert_int_equal(vault_recovery_code_normalize("abcd", other), -1);
	assert_int_equal(
	        vault_recovery_code_normalize(
	                "zzzz-86cd-d784-8d17-6fc1-11b5-b633-8cc9", other),
	        -1);
	assert_false(vault_has_recovery(v));
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_set_recovery(v, canon, 32), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_true(vault_has_recovery(v));
	vault_free(v);

	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	canon[0] = canon[0] == '0' ? '1' : '0';
	assert_int_equal(vault_unlock_recovery(v, canon, 32),
	                 VAULT_BAD_PASSPHRASE);
	canon[0] = code[0];
	assert_int_equal(vault_unlock_recovery(v, canon, 32), 0);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_set_passphrase(v, "after recovery", 14, NULL),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	vault_free(reopen("after recovery"));
}

static void
master_unlock(void **state)
{
	struct vault *v = make_vault();
	unsigned char *m = sodium_malloc(CRYPTO_KEY_BYTES);
	assert_int_equal(vault_copy_master(v, m), 0);
	vault_free(v);
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_copy_master(v, NULL), VAULT_LOCKED);
	m[3] ^= 1;
	assert_int_equal(vault_unlock_master(v, m), VAULT_BAD_PASSPHRASE);
	m[3] ^= 1;
	assert_int_equal(vault_unlock_master(v, m), 0);
	assert_int_equal(vault_copy_master(v, NULL), 0);
	sodium_free(m);
	vault_free(v);
}

struct damage {
	int n;
	char id[VAULT_ID_HEX + 1];
};

static void
on_damage(void *arg, const char *id)
{
	struct damage *d = arg;
	d->n++;
	snprintf(d->id, sizeof(d->id), "%s", id);
}

static void
sealed_writes(void **state)
{
	vault_free(make_vault());
	struct vault *v;
	char *err = NULL, a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	size_t n, folded;
	/* written while locked: no passphrase */
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        vault_seal(v, "journal", "head-a", 6, "SEALEDBODY1", 11, a), 0);
	assert_int_equal(vault_seal(v, "journal", "head-b", 6, "second", 6, b),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(vault_sealed_count(v, &n), 0);
	assert_int_equal(n, 2);
	/* and not readable without the key */
	char got[64];
	assert_int_equal(vault_get(v, a, "journal", text_of, got),
	                 VAULT_LOCKED);
	vault_free(v);
	assert_false(file_has(path, "SEALEDBODY1"));

	/* flip a byte of b's sealed data */
	char stmt[300];
	snprintf(stmt, sizeof(stmt),
	         "UPDATE sealed SET data = substr(data, 1, 30) || "
	         "(CASE WHEN substr(data, 31, 1) = x'00' THEN x'ff' "
	         "ELSE x'00' END) || substr(data, 32) WHERE id = '%s';",
	         b);
	sql(stmt);

	v = reopen("correct horse");
	struct damage d = {0};
	assert_int_equal(vault_fold_sealed(v, &folded, on_damage, &d), 0);
	assert_int_equal(folded, 1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.id, b);
	assert_int_equal(vault_get(v, a, "journal", text_of, got), 0);
	assert_string_equal(got, "head-a|SEALEDBODY1");
	/* the damaged one is kept aside, not dropped */
	assert_int_equal(vault_sealed_count(v, &n), 0);
	assert_int_equal(n, 1);
	/* folding again adds nothing twice */
	memset(&d, 0, sizeof(d));
	assert_int_equal(vault_fold_sealed(v, &folded, on_damage, &d), 0);
	assert_int_equal(folded, 0);
	assert_int_equal(d.n, 1);
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 1);
	vault_free(v);
}

static void
sealed_fold_race(void **state)
{
	vault_free(make_vault());
	struct vault *v, *w;
	char *err = NULL, id[VAULT_ID_HEX + 1];
	size_t f1 = 0, f2 = 0;
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(vault_seal(v, "journal", "h", 1, "b", 1, id),
		                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* two processes fold at once (one waits for the other's lock) */
	pid_t pid = fork();
	if (pid == 0) {
		size_t f = 0;
		int rc = vault_open(path, &w, &err) ||
		         vault_unlock(w, "correct horse", 13) ||
		         vault_fold_sealed(w, &f, NULL, NULL);
		vault_free(w);
		_exit(rc == 0 ? (int)f : 255);
	}
	v = reopen("correct horse");
	assert_int_equal(vault_fold_sealed(v, &f1, NULL, NULL), 0);
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	f2 = (size_t)WEXITSTATUS(status);
	assert_int_not_equal(f2, 255);
	assert_int_equal(f1 + f2, 20);
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 20);
	vault_free(v);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* vault_each callback that reads another record with vault_get. */
struct nested {
	struct vault *v;
	const char *other;
	int visits, got;
};

static int
got_cb(void *arg, const struct vault_item *it)
{
	struct nested *n = arg;
	assert_false(it->damaged);
	assert_string_equal(it->kind, "rating");
	assert_memory_equal(it->body, "other body", 10);
	n->got++;
	return 0;
}

static int
nested_cb(void *arg, const struct vault_item *it)
{
	struct nested *n = arg;
	n->visits++;
	return vault_get(n->v, n->other, NULL, got_cb, n);
}

static void
read_snapshot(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "one", 3, a),
	                 0);
	assert_int_equal(
	        vault_put(v, NULL, "rating", "{}", 2, "other body", 10, b), 0);
	/* Any kind with NULL; the kind must match when given. */
	struct nested n = {v, b, 0, 0};
	assert_int_equal(vault_get(v, b, NULL, got_cb, &n), 0);
	assert_int_equal(vault_get(v, b, "journal", got_cb, &n),
	                 VAULT_NOT_FOUND);
	assert_int_equal(n.got, 1);
	/* vault_get from inside a walk */
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, nested_cb, &n),
	                 0);
	assert_int_equal(n.visits, 2);
	assert_int_equal(n.got, 3);

	/* One snapshot until vault_read_end, whatever another process
	 * saves meanwhile (and it can save). */
	struct vault *w = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(vault_read_begin(v), 0);
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(vault_begin(w), 0);
	assert_int_equal(vault_put(w, NULL, "journal", "{}", 2, "two", 3, a),
	                 0);
	assert_int_equal(vault_delete(w, b), 0);
	assert_int_equal(vault_commit(w), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(vault_get(v, b, NULL, got_cb, &n), 0);
	assert_int_equal(vault_get(v, a, NULL, count_cb, &s), VAULT_NOT_FOUND);
	vault_read_end(v);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(vault_get(v, b, NULL, got_cb, &n), VAULT_NOT_FOUND);
	assert_int_equal(vault_get(v, a, NULL, count_cb, &s), 0);

	/* Inside a write transaction it is that transaction. */
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_read_begin(v), 0);
	vault_read_end(v);
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "3", 1, a), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(w);
	vault_free(v);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(create_and_modes),
	        T(reopen_records),
	        T(wrong_passphrase),
	        T(migrate_from_old_schema),
	        T(version_zero_is_not_a_vault),
	        T(newer_format),
	        T(hostile_kdf),
	        T(edited_header),
	        T(tampered_records),
	        T(moved_to_other_vault),
	        T(id_prefixes),
	        T(no_plaintext_on_disk),
	        T(padding),
	        T(update_and_delete),
	        T(list_filters),
	        T(change_passphrase),
	        T(recovery_code),
	        T(master_unlock),
	        T(sealed_writes),
	        T(sealed_fold_race),
	        T(listing_index),
	        T(listing_walk_order),
	        T(search_walk),
	        T(read_snapshot),
	};
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
