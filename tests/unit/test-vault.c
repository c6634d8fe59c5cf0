#include "harness.h"

#include "fixture.h"

#include "journal.h"
#include "keyring.h"
#include "pin.h"
#include "search.h"
#include "strbuf.h"
#include "vault-internal.h"
#include "vault-open.h"
#include "vault.h"

#include <dirent.h>
#include <jansson.h>
#include <keyutils.h>
#include <stdatomic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(path, "sub/vault.db");
	return 0;
}

static struct vault *
make_vault(void)
{
	struct vault *v = fixture_vault(path, "correct horse");
	vault_set_sort_key(v, journal_sort_key);
	return v;
}

static struct vault *
reopen(const char *pass)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	vault_set_sort_key(v, journal_sort_key);
	assert_int_equal(vault_unlock(v, pass, strlen(pass)), VAULT_OK);
	return v;
}

/* Run SQL on the vault file from outside, as someone with the file. */
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

static long
file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

static bool
file_has_bytes(const char *p, const void *needle, size_t len)
{
	FILE *f = fopen(p, "rb");
	if (!f)
		return false;
	static char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return memmem(buf, n, needle, len) != NULL;
}

static bool
file_has(const char *p, const char *needle)
{
	return file_has_bytes(p, needle, strlen(needle));
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[1300];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* A row's head and body, saved to put back later (an attacker's copy). */
struct row {
	unsigned char *head, *body;
	int hl, bl;
};

static struct row
save_row(int64_t rowid)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	struct row r = {0};
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT head, body FROM record "
	                                    "WHERE rowid = ?",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	r.hl = sqlite3_column_bytes(st, 0);
	r.bl = sqlite3_column_bytes(st, 1);
	r.head = malloc((size_t)r.hl + 1);
	r.body = malloc((size_t)r.bl + 1);
	memcpy(r.head, sqlite3_column_blob(st, 0), (size_t)r.hl);
	memcpy(r.body, sqlite3_column_blob(st, 1), (size_t)r.bl);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

/* Put a saved row back: into row `rowid` (0: a new row). */
static void
put_row(const struct row *r, int64_t rowid)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db,
	                           rowid ? "UPDATE record SET head = ?1, body "
	                                   "= ?2 WHERE rowid = ?3"
	                                 : "INSERT INTO record(head, body) "
	                                   "VALUES (?1, ?2)",
	                           -1, &st, NULL),
	        SQLITE_OK);
	sqlite3_bind_blob(st, 1, r->head, r->hl, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->body, r->bl, SQLITE_STATIC);
	if (rowid)
		sqlite3_bind_int64(st, 3, rowid);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
free_row(struct row *r)
{
	free(r->head);
	free(r->body);
}

struct seen {
	int ok, damaged, older, missing;
	char damaged_id[VAULT_ID_HEX + 1];
	bool locked;
};

static int
count_cb(void *arg, const struct vault_item *it)
{
	struct seen *s = arg;
	if (it->damaged) {
		s->damaged++;
		s->older += it->problem == VAULT_PROBLEM_OLDER;
		s->missing += it->problem == VAULT_PROBLEM_MISSING;
		snprintf(s->damaged_id, sizeof(s->damaged_id), "%s", it->id);
	} else {
		s->ok++;
		s->locked |= it->written_locked;
	}
	return 0;
}

static int
text_of(void *arg, const struct vault_item *it)
{
	char *out = arg;
	if (it->damaged)
		snprintf(out, 64, "DAMAGED:%d", (int)it->problem);
	else
		snprintf(out, 64, "%.*s|%.*s", (int)it->headlen,
		         (const char *)it->head, (int)it->bodylen,
		         (const char *)it->body);
	return 0;
}

/* Events, counted by type. */
struct events {
	int n[32];
	enum vault_aside_reason why;
	char kind[32];
};

static void
on_event(void *arg, const struct vault_event *ev)
{
	struct events *e = arg;
	if ((int)ev->type < 32)
		e->n[ev->type]++;
	if (ev->type == VAULT_EV_SET_ASIDE)
		e->why = ev->why;
	if (ev->kind)
		snprintf(e->kind, sizeof(e->kind), "%s", ev->kind);
}

/* --- the file --- */

static void
create_and_modes(void **state)
{
	struct vault *v = make_vault();
	struct stat st;
	assert_int_equal(vault_format(v), 2);
	vault_free(v);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/sub", fixture_dir);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* refuses to touch an existing vault */
	char *err = NULL;
	assert_int_equal(vault_create(path, "x", 1, &fixture_kdf, &v, &err),
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
version_zero_is_not_a_vault(void **state)
{
	/* an empty SQLite database (user_version 0) is refused, unchanged */
	char p0[320];
	snprintf(p0, sizeof(p0), "%s/empty.db", fixture_dir);
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
	snprintf(p0, sizeof(p0), "%s/none.db", fixture_dir);
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
	sql("PRAGMA user_version=4; UPDATE meta SET format = 7;");
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
	/* a REAL is not taken for the integer it rounds to */
	sql("UPDATE keyslot SET kdf_alg = 2.5;");
	assert_int_equal(vault_open(path, &v, &err), VAULT_HOSTILE);
	free(err);
	sql("UPDATE keyslot SET kdf_alg = 2, salt = x'00';");
	assert_int_equal(vault_open(path, &v, &err), VAULT_NOT_VAULT);
	free(err);
}

/* Each edited slot field makes the passphrase fail to unwrap. */
static void
edited_header(void **state)
{
	static const char *const edits[] = {
	        "UPDATE meta SET vault_id = randomblob(16);",
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

/* The public key in the file is swapped: the passphrase still works,
 * and the unlock puts the true key back and says so. */
static void
public_key_swap(void **state)
{
	struct vault *v = make_vault();
	unsigned char pk[32], other[32];
	vault_public_key(v, pk);
	vault_free(v);
	sql("UPDATE meta SET public_key = randomblob(32);");
	v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	vault_public_key(v, other);
	assert_memory_not_equal(pk, other, 32);
	struct events e = {0};
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, "correct horse", 13), 0);
	assert_int_equal(e.n[VAULT_EV_KEY_REPAIRED], 1);
	vault_public_key(v, other);
	assert_memory_equal(pk, other, 32);
	vault_free(v);
	/* repaired in the file too */
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	vault_public_key(v, other);
	assert_memory_equal(pk, other, 32);
	vault_free(v);
}

/* --- records: tampering, rollback, replay, deletion --- */

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

	/* flip one byte of the first record's body (rows are stored in
	 * order: row 1 is a) */
	sql("UPDATE record SET body = substr(body, 1, 30) || "
	    "(CASE WHEN substr(body, 31, 1) = x'ff' THEN x'00' "
	    "ELSE x'ff' END) || substr(body, 32) WHERE rowid = 1;");
	v = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(
	        vault_each(v, "journal", VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(s.damaged, 1);
	assert_string_equal(s.damaged_id, a);
	vault_free(v);

	/* b's and c's rows exchanged: each names another record */
	struct row rb = save_row(2), rc = save_row(3);
	put_row(&rc, 2);
	put_row(&rb, 3);
	free_row(&rb);
	free_row(&rc);
	v = reopen("correct horse");
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 0);
	assert_int_equal(s.damaged, 3);
	vault_free(v);
}

/* A record's older revision put back in place of the newer one. */
static void
rollback_of_a_record(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(
	        vault_put(v, NULL, "journal", "{}", 2, "before", 6, id), 0);
	vault_free(v);
	struct row old = save_row(1);
	v = reopen("correct horse");
	assert_int_equal(vault_put(v, id, "journal", "{}", 2, "after", 5, NULL),
	                 0);
	vault_free(v);
	/* the edit moved the record to a new row; the old one is gone */
	assert_int_equal(count_rows("SELECT count(*) FROM record"), 1);
	int64_t now = count_rows("SELECT max(rowid) FROM record");
	assert_true(now > 1);
	put_row(&old, now);
	free_row(&old);
	v = reopen("correct horse");
	char got[64];
	assert_int_equal(vault_get(v, id, "journal", text_of, got), 0);
	assert_int_equal(strcmp(got, "DAMAGED:2"), 0); /* OLDER */
	vault_free(v);
}

/* A record the state names, deleted from the file. */
static void
deleted_row(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "trigger", "{}", 2, "x", 1, a), 0);
	assert_int_equal(vault_put(v, NULL, "trigger", "{}", 2, "y", 1, b), 0);
	vault_free(v);
	sql("DELETE FROM record WHERE rowid = 1;");
	v = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(vault_each(v, "trigger", 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 1);
	assert_int_equal(s.missing, 1);
	assert_string_equal(s.damaged_id, a);
	struct vault_check_report r;
	assert_int_equal(vault_check(v, &r), 0);
	assert_int_equal(r.records, 2);
	vault_check_release(&r);
	vault_free(v);
}

/* A copy of a row put in as a new row: set aside, never a second record. */
static void
replayed_row(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "once", 4, a),
	                 0);
	vault_free(v);
	struct row r = save_row(1);
	put_row(&r, 0);
	free_row(&r);
	struct vault *w = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &w, &err), 0);
	struct events e = {0};
	vault_set_events(w, on_event, &e);
	assert_int_equal(vault_unlock(w, "correct horse", 13), 0);
	size_t folded = 9;
	assert_int_equal(vault_fold_sealed(w, &folded), 0);
	assert_int_equal(folded, 0);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 1);
	assert_int_equal(e.why, VAULT_ASIDE_REPLAY);
	struct seen s = {0};
	assert_int_equal(vault_each(w, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 1);
	struct vault_check_report cr;
	assert_int_equal(vault_check(w, &cr), 0);
	assert_int_equal(cr.nrows, 1);
	assert_int_equal(cr.rows[0].why, VAULT_ASIDE_REPLAY);
	vault_check_release(&cr);
	vault_free(w);
	/* reported once: the next fold is quiet */
	assert_int_equal(vault_open(path, &w, &err), 0);
	memset(&e, 0, sizeof(e));
	vault_set_events(w, on_event, &e);
	assert_int_equal(vault_unlock(w, "correct horse", 13), 0);
	assert_int_equal(vault_fold_sealed(w, &folded), 0);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 0);
	vault_free(w);
}

static void
moved_to_other_vault(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "mine", 4, a),
	                 0);
	vault_free(v);
	/* copy the row into a second vault with the same passphrase */
	char other[320];
	snprintf(other, sizeof(other), "%s/other.db", fixture_dir);
	struct vault *w = NULL;
	char *err = NULL;
	assert_int_equal(vault_create(other, "correct horse", 13, &fixture_kdf,
	                              &w, &err),
	                 0);
	vault_free(w);
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; INSERT INTO o.record(head, body) SELECT "
	         "head, body FROM main.record;",
	         other);
	sql(stmt);
	assert_int_equal(vault_open(other, &w, &err), 0);
	struct events e = {0};
	vault_set_events(w, on_event, &e);
	assert_int_equal(vault_unlock(w, "correct horse", 13), 0);
	size_t folded;
	assert_int_equal(vault_fold_sealed(w, &folded), 0);
	assert_int_equal(folded, 0);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 1);
	struct seen s = {0};
	assert_int_equal(vault_each(w, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok + s.damaged, 0);
	vault_free(w);
}

/* An index bucket put back from an older copy does not open. */
static void
old_index_put_back(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "one", 3, a),
	                 0);
	vault_free(v);
	char copy[320];
	snprintf(copy, sizeof(copy), "%s/copy.db", fixture_dir);
	copy_file(path, copy);
	v = reopen("correct horse");
	assert_int_equal(vault_delete(v, a), 0);
	vault_free(v);
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; UPDATE bucket SET data = (SELECT data FROM "
	         "o.bucket WHERE id = 0) WHERE id = 0;",
	         copy);
	sql(stmt);
	v = reopen("correct horse");
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), VAULT_DAMAGED);
	assert_non_null(strstr(vault_errmsg(v), "index"));
	vault_free(v);
}

/* The whole state row put back from an older copy. */
static void
old_state_put_back(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1];
	vault_free(v);
	char copy[320];
	snprintf(copy, sizeof(copy), "%s/copy.db", fixture_dir);
	copy_file(path, copy);
	v = reopen("correct horse");
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "one", 3, a),
	                 0);
	vault_free(v);
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; UPDATE state SET data = (SELECT data FROM "
	         "o.state);",
	         copy);
	sql(stmt);
	v = reopen("correct horse");
	struct seen s = {0};
	/* the bucket is newer than the state: it does not open */
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), VAULT_DAMAGED);
	vault_free(v);
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
	/* two ids that share a prefix */
	assert_int_equal(vault_insert(v, "beef0000000000000000000000000002",
	                              "journal", "{}", 2, "b", 1, 0),
	                 0);
	assert_int_equal(vault_insert(v, "beef0000000000000000000000000001",
	                              "journal", "{}", 2, "a", 1, 0),
	                 0);
	assert_int_equal(vault_insert(v, "beef0000000000000000000000000001",
	                              "journal", "{}", 2, "a", 1, 0),
	                 VAULT_EXISTS);
	assert_int_equal(vault_resolve(v, "journal", "beef", out, cands, 8, &n),
	                 VAULT_AMBIGUOUS);
	assert_int_equal(n, 2);
	assert_string_equal(cands[0], "beef0000000000000000000000000001");
	assert_string_equal(cands[1], "beef0000000000000000000000000002");
	assert_int_equal(vault_resolve(v, "trigger", "beef", out, cands, 8, &n),
	                 VAULT_NOT_FOUND);
	vault_free(v);
}

/* --- what someone with the file learns --- */

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

/* No kind name, no revision, no id in clear: a dump shows rows only. */
static void
dump_audit(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	static const char *const kinds[] = {"journal", "trigger", "safety-plan",
	                                    "group", "rating"};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(
		        vault_put(v, NULL, kinds[i], "{}", 2, "x", 1, id), 0);
		assert_int_equal(
		        vault_put(v, id, kinds[i], "{}", 2, "y", 1, NULL), 0);
	}
	vault_free(v);
	for (int i = 0; i < 5; i++)
		assert_false(file_has(path, kinds[i]));
	assert_false(file_has(path, id));
	unsigned char raw[16];
	size_t n;
	sodium_hex2bin(raw, 16, id, 32, NULL, &n, NULL);
	assert_false(file_has_bytes(path, raw, 16));
	/* only these tables, no per-kind anything */
	assert_int_equal(
	        count_rows("SELECT count(*) FROM sqlite_master WHERE "
	                   "type = 'table' AND name NOT IN ('meta', "
	                   "'keyslot', 'record', 'bucket', 'filter', 'state', "
	                   "'sqlite_sequence')"),
	        0);
	assert_int_equal(count_rows("SELECT count(*) FROM pragma_table_info("
	                            "'record')"),
	                 3);
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
	                                    "SELECT length(head), "
	                                    "length(body) FROM record "
	                                    "ORDER BY rowid",
	                                    -1, &st, NULL),
	                 0);
	const int want[] = {256 + 40, 256 + 40, 8192 + 40, 131072 + 40};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 32 + 256 + 40);
		assert_int_equal(sqlite3_column_int(st, 1), want[i]);
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

/* vault_pad pads as sodium_pad does, so that sodium_unpad (in
 * vault_unpad) takes it off; too little room is refused. */
static void
pad_as_sodium(void **state)
{
	(void)state;
	static unsigned char a[131072], b[131072];
	const size_t lens[] = {0,    1,    255,  256,   257,   1000,
	                       4095, 4096, 5000, 65535, 65536, 69000};
	for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		size_t len = lens[i], block = vault_pad_block(len);
		size_t max = vault_padded_size(len), pa = 0, pb = 0, back = 0;
		memset(a, 0x55, sizeof(a));
		memset(b, 0x55, sizeof(b));
		for (size_t k = 0; k < len; k++)
			a[k] = b[k] = (unsigned char)(k * 7 + 1);
		assert_int_equal(vault_pad(&pa, a, len, block, max), 0);
		assert_int_equal(sodium_pad(&pb, b, len, block, max), 0);
		assert_int_equal(pa, pb);
		assert_int_equal(pa, max);
		assert_memory_equal(a, b, pa);
		assert_int_equal(vault_unpad(&back, a, pa), 0);
		assert_int_equal(back, len);
		assert_int_equal(vault_pad(&pa, a, len, block, max - 1), -1);
	}
	/* what is not padding is refused as sodium_unpad refuses it */
	static const struct {
		size_t at;
		unsigned char byte;
	} marks[] = {{0, 0},    {255, 0x81}, {255, 0x80}, {100, 0x80},
	             {0, 0x80}, {0, 0x01},   {200, 0x7f}};
	for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++) {
		size_t la = 7, lb = 7;
		memset(a, 0, 256);
		a[marks[i].at] = marks[i].byte;
		int ra = vault_unpad(&la, a, 256);
		int rb = sodium_unpad(&lb, a, 256, 256);
		assert_int_equal(ra, rb);
		if (ra == 0) /* sodium sets a length on failure too */
			assert_int_equal(la, lb);
	}
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
	assert_int_equal(count_rows("SELECT count(*) FROM record"), 0);
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

/* --- keys --- */

static void
slot_row(const char *name, unsigned char *wrapped)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_prepare_v2(db, "SELECT wrapped FROM keyslot WHERE name = ?", -1,
	                   &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(wrapped, sqlite3_column_blob(st, 0), 72);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
change_passphrase(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	assert_int_equal(vault_put(v, NULL, "journal", "h", 1, "kept", 4, id),
	                 0);
	vault_free(v);
	/* the old slot, as an attacker would keep it */
	char copy[320];
	snprintf(copy, sizeof(copy), "%s/copy.db", fixture_dir);
	copy_file(path, copy);
	unsigned char old[72];
	slot_row("passphrase", old);

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
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_false(file_has_bytes(path, old, sizeof(old)));
	assert_false(file_has_bytes(wal, old, sizeof(old)));

	/* the old slot put back: it unwraps, and is refused as old */
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; UPDATE keyslot SET salt = (SELECT salt "
	         "FROM o.keyslot WHERE name = 'passphrase'), wrapped = "
	         "(SELECT wrapped FROM o.keyslot WHERE name = 'passphrase') "
	         "WHERE name = 'passphrase';",
	         copy);
	sql(stmt);
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock(v, "correct horse", 13), VAULT_REPLACED);
	assert_int_equal(vault_copy_master(v, NULL), VAULT_LOCKED);
	vault_free(v);
}

/* The shape of a typed code: which group looks wrong. */
static void
recovery_code_check(void **state)
{
	static const struct {
		const char *typed;
		enum vault_code_problem problem;
		unsigned group, count;
	} cases[] = {
	        {"6614-72b8-483d-4bdd-abb6-0830-b80c-9a71", VAULT_CODE_OK, 0,
	         0},
	        {"6614 72B8 483D 4BDD ABB6 0830 B80C 9A71", VAULT_CODE_OK, 0,
	         0},
	        {"661472b8483d4bddabb60830b80c9a71", VAULT_CODE_OK, 0, 0},
	        {"", VAULT_CODE_EMPTY, 0, 0},
	        {" - - ", VAULT_CODE_EMPTY, 0, 0},
	        /* an o for a zero in the sixth group */
	        {"6614-72b8-483d-4bdd-abb6-o830-b80c-9a71", VAULT_CODE_BAD_CHAR,
	         6, 0},
	        {"661472b8483d4bddabb6o830b80c9a71", VAULT_CODE_BAD_CHAR, 6, 0},
	        /* a character left out of the third group */
	        {"6614-72b8-483-4bdd-abb6-0830-b80c-9a71", VAULT_CODE_GROUP_LEN,
	         3, 3},
	        {"6614-72b8-483dd-4bdd-abb6-0830-b80c-9a71",
	         VAULT_CODE_GROUP_LEN, 3, 5},
	        /* a whole group left out */
	        {"6614-72b8-483d-4bdd-abb6-0830-b80c", VAULT_CODE_GROUPS, 0, 7},
	        {"661472b8483d4bddabb60830b80c9a7", VAULT_CODE_LENGTH, 0, 31},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vault_code_check c;
		int r = vault_recovery_code_check(cases[i].typed, &c);
		assert_int_equal(r, (int)cases[i].problem);
		assert_int_equal(c.problem, cases[i].problem);
		assert_int_equal(c.group, cases[i].group);
		assert_int_equal(c.count, cases[i].count);
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
	char copy[320];
	snprintf(copy, sizeof(copy), "%s/copy.db", fixture_dir);
	copy_file(path, copy);

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
	/* a new recovery code replaces the old one */
	char code2[VAULT_RECOVERY_CODE_LEN + 1], canon2[33];
	vault_recovery_code_new(code2);
	vault_recovery_code_normalize(code2, canon2);
	assert_int_equal(vault_set_recovery(v, canon2, 32), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	vault_free(reopen("after recovery"));
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock_recovery(v, canon, 32),
	                 VAULT_BAD_PASSPHRASE);
	vault_free(v);
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock_recovery(v, canon2, 32), 0);
	vault_free(v);
	/* the old recovery slot put back is refused */
	char stmt[700];
	snprintf(stmt, sizeof(stmt),
	         "ATTACH '%s' AS o; DELETE FROM keyslot WHERE name = "
	         "'recovery'; INSERT INTO keyslot SELECT * FROM o.keyslot "
	         "WHERE name = 'recovery';",
	         copy);
	sql(stmt);
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock_recovery(v, canon, 32), VAULT_REPLACED);
	vault_free(v);
	/* removed: check tells it is gone when the state names one */
	v = reopen("after recovery");
	struct vault_check_report r;
	assert_int_equal(vault_check(v, &r), 0);
	assert_true(r.recovery_expected);
	assert_false(r.recovery_slot_ok); /* the old one is there */
	vault_check_release(&r);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_remove_recovery(v), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(vault_check(v, &r), 0);
	assert_false(r.recovery_expected);
	assert_true(r.passphrase_slot_ok);
	vault_check_release(&r);
	vault_free(v);
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

static void
rekey(void **state)
{
	struct vault *v = make_vault();
	char a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	unsigned char *m = sodium_malloc(CRYPTO_KEY_BYTES);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        vault_set_recovery(v, "0123456789abcdef0123456789abcdef", 32),
	        0);
	assert_int_equal(
	        journal_add(v, "before the rekey", 16, 3, NULL, 0, 100, a), 0);
	assert_int_equal(vault_put(v, NULL, "trigger", "{}", 2, "t", 1, b), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(vault_copy_master(v, m), 0);
	vault_free(v);
	struct row old = save_row(1);

	v = reopen("correct horse");
	struct events e = {0};
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(vault_rekey(v, "brand new", 9, NULL), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_true(e.n[VAULT_EV_REKEYING] >= 1);
	assert_false(vault_has_recovery(v));
	vault_free(v);

	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock(v, "correct horse", 13),
	                 VAULT_BAD_PASSPHRASE);
	assert_int_equal(vault_unlock_recovery(
	                         v, "0123456789abcdef0123456789abcdef", 32),
	                 VAULT_NOT_FOUND);
	assert_int_equal(vault_unlock_master(v, m), VAULT_BAD_PASSPHRASE);
	vault_free(v);
	v = reopen("brand new");
	struct journal_entry *je = NULL;
	assert_int_equal(journal_get(v, a, &je), 0);
	assert_string_equal(je->text, "before the rekey");
	journal_entry_free(je);
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(s.damaged, 0);
	vault_free(v);
	/* no ciphertext of before is left: not 16 bytes of it */
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	assert_false(file_has_bytes(path, old.body + 40, 16));
	assert_false(file_has_bytes(path, old.head + 60, 16));
	assert_false(file_has_bytes(wal, old.body + 40, 16));
	free_row(&old);
	sodium_free(m);
}

/* --- records written while locked --- */

static void
sealed_writes(void **state)
{
	vault_free(make_vault());
	struct vault *v;
	char *err = NULL, a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	size_t folded;
	/* written while locked: no passphrase */
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        vault_seal(v, "journal", "head-a", 6, "SEALEDBODY1", 11, a), 0);
	assert_int_equal(vault_seal(v, "journal", "head-b", 6, "second", 6, b),
	                 0);
	/* a safety plan is never written that way */
	assert_int_equal(vault_seal(v, "safety-plan", "{}", 2, "x", 1, b),
	                 VAULT_REFUSED);
	assert_int_equal(vault_commit(v), 0);
	size_t n;
	assert_int_equal(vault_rows_after(v, 0, &n), 0);
	assert_int_equal(n, 2);
	/* and not readable without the key */
	char got[64];
	assert_int_equal(vault_get(v, a, "journal", text_of, got),
	                 VAULT_LOCKED);
	vault_free(v);
	assert_false(file_has(path, "SEALEDBODY1"));

	/* flip a byte of the second one's body (the last row) */
	sql("UPDATE record SET body = substr(body, 1, 30) || "
	    "(CASE WHEN substr(body, 31, 1) = x'00' THEN x'ff' "
	    "ELSE x'00' END) || substr(body, 32) WHERE rowid = (SELECT "
	    "max(rowid) FROM record);");

	assert_int_equal(vault_open(path, &v, &err), 0);
	struct events e = {0};
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, "correct horse", 13), 0);
	assert_int_equal(vault_fold_sealed(v, &folded), 0);
	assert_int_equal(folded, 1);
	assert_int_equal(e.n[VAULT_EV_FOLDED], 1);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 1);
	assert_int_equal(vault_get(v, a, "journal", text_of, got), 0);
	assert_string_equal(got, "head-a|SEALEDBODY1");
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 1);
	assert_true(s.locked); /* marked for good */
	/* folding again adds nothing twice and says nothing again */
	memset(&e, 0, sizeof(e));
	assert_int_equal(vault_fold_sealed(v, &folded), 0);
	assert_int_equal(folded, 0);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 0);
	/* the damaged one is kept aside, and check lists it */
	struct vault_check_report r;
	assert_int_equal(vault_check(v, &r), 0);
	assert_int_equal(r.nrows, 1);
	assert_int_equal(r.rows[0].why, VAULT_ASIDE_DAMAGED);
	assert_int_equal(r.waiting, 0);
	vault_check_release(&r);
	/* an edit keeps the mark */
	assert_int_equal(vault_put(v, a, "journal", "h2", 2, "edited", 6, NULL),
	                 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_true(s.locked);
	vault_free(v);
}

/*
 * What an attacker with the file alone can write: a row sealed to the
 * vault's public key, following vault-format.md. Any kind, any head.
 */
static void
forge_sealed(const char *kind, const char *head, const char *body)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char vid[16], pk[32], epk[32], esk[32], q[32], key[32];
	unsigned char id[16], env[256], hp[512], bp[512], ad[128];
	unsigned char hout[32 + 24 + 512 + 16], bout[24 + 512 + 16];
	size_t hl, bl, adl, kl = strlen(kind), hlen = strlen(head),
	                    blen = strlen(body);
	unsigned long long cl;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT vault_id, public_key "
	                                    "FROM meta",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	memcpy(vid, sqlite3_column_blob(st, 0), 16);
	memcpy(pk, sqlite3_column_blob(st, 1), 32);
	sqlite3_finalize(st);
	/* the envelope: version, flags (locked), id, revision 1, time, kind */
	randombytes_buf(id, 16);
	memset(env, 0, sizeof(env));
	env[0] = 1;
	env[1] = 1;
	memcpy(env + 2, id, 16);
	env[18] = 1;
	env[26] = 0x80; /* some time */
	env[34] = (unsigned char)kl;
	memcpy(env + 35, kind, kl);
	memcpy(hp, env, 35 + kl);
	memcpy(hp + 35 + kl, head, hlen);
	assert_int_equal(sodium_pad(&hl, hp, 35 + kl + hlen, 256, sizeof(hp)),
	                 0);
	memcpy(bp, body, blen);
	assert_int_equal(sodium_pad(&bl, bp, blen, 256, sizeof(bp)), 0);
	crypto_box_keypair(epk, esk);
	assert_int_equal(crypto_scalarmult(q, esk, pk), 0);
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, q, 32);
	crypto_generichash_update(&h, epk, 32);
	crypto_generichash_update(&h, pk, 32);
	crypto_generichash_final(&h, key, 32);
	adl = 0;
	memcpy(ad, "selfhelp-sealed-head", 21);
	adl = 21;
	memcpy(ad + adl, vid, 16);
	adl += 16;
	memset(ad + adl, 0, 8);
	ad[adl] = 2;
	adl += 8;
	memcpy(ad + adl, epk, 32); /* the head is bound to its tag */
	memcpy(hout, epk, 32);
	randombytes_buf(hout + 32, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	        hout + 56, &cl, hp, hl, ad, adl + 32, NULL, hout + 32, key);
	size_t houtlen = 56 + (size_t)cl;
	memcpy(ad, "selfhelp-sealed-body", 21);
	memcpy(ad + adl, id, 16);
	adl += 16;
	randombytes_buf(bout, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(bout + 24, &cl, bp, bl, ad,
	                                           adl, NULL, bout, key);
	size_t boutlen = 24 + (size_t)cl;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO record(head, body) "
	                                    "VALUES (?, ?)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, hout, (int)houtlen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, bout, (int)boutlen, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A forged locked write: a journal entry is added but marked and told;
 * a safety plan is refused, set aside, never made current. */
static void
forged_sealed(void **state)
{
	struct vault *v = make_vault();
	char plan[VAULT_ID_HEX + 1];
	assert_int_equal(
	        vault_put(v, NULL, "safety-plan", "{}", 2, "mine", 4, plan), 0);
	vault_free(v);
	forge_sealed("journal", "{}", "I made this up");
	forge_sealed("safety-plan", "{}", "Call the wrong person");
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	struct events e = {0};
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, "correct horse", 13), 0);
	size_t folded;
	assert_int_equal(vault_fold_sealed(v, &folded), 0);
	assert_int_equal(folded, 1);
	assert_int_equal(e.n[VAULT_EV_FOLDED], 1);
	assert_int_equal(e.n[VAULT_EV_SET_ASIDE], 1);
	assert_int_equal(e.why, VAULT_ASIDE_KIND);
	struct seen s = {0};
	assert_int_equal(
	        vault_each(v, "safety-plan", VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 1); /* only the person's own */
	assert_false(s.locked);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, "journal", 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 1);
	assert_true(s.locked);
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
		         vault_fold_sealed(w, &f);
		vault_free(w);
		_exit(rc == 0 ? (int)f : 255);
	}
	v = reopen("correct horse");
	assert_int_equal(vault_fold_sealed(v, &f1), 0);
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

/* --- walks --- */

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

/* The newest `limit` entries in [since, until] through the index must be
 * exactly the first of the full, sorted walk. */
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

static void
listing_index(void **state)
{
	struct vault *v = make_vault();
	static char ids[1500][VAULT_ID_HEX + 1];
	/* enough for the index to grow past one bucket, created times out
	 * of order */
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 1500; i++) {
		time_t created = 1000000 + (time_t)((i * 7919) % 1500) * 60;
		assert_int_equal(journal_add(v, "an entry", 8, -1, NULL, 0,
		                             created, ids[i]),
		                 0);
	}
	assert_int_equal(vault_commit(v), 0);
	assert_true(count_rows("SELECT count(*) FROM bucket") >= 2);
	expect_newest(v, 10, 0, 0);
	expect_newest(v, 1, 0, 0);
	expect_newest(v, 2000, 0, 0);
	expect_newest(v, 7, 1000000 + 100 * 60, 1000000 + 200 * 60);
	/* edits, deletes and one more entry keep it in step */
	struct journal_entry *e = NULL;
	assert_int_equal(journal_get(v, ids[3], &e), 0);
	assert_int_equal(vault_begin(v), 0);
	e->created = 5000000;
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
	bool stale = true;
	assert_int_equal(vault_listing_check(v, JOURNAL_KIND, &stale), 0);
	assert_false(stale);
	vault_free(v);
	/* and after reopening */
	v = reopen("correct horse");
	expect_newest(v, 10, 0, 0);
	vault_free(v);
}

static void
listing_walk_order(void **state)
{
	struct vault *v = make_vault();
	char id[VAULT_ID_HEX + 1];
	vault_set_sort_key(v, NULL);
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
		assert_string_equal(w->bodies[k], body); /* stored order */
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

/* What a walk hands on, one line per record. */
struct walk_lines {
	struct strbuf s;
	size_t n;
	bool places_in_order;
};

static int
walk_line(void *arg, const struct vault_item *it)
{
	struct walk_lines *w = arg;
	w->places_in_order &= it->place == w->n;
	w->n++;
	strbuf_addf(&w->s, "%s %s %d %d %.*s|%.*s\n", it->id, it->kind,
	            (int)it->damaged, (int)it->problem, (int)it->headlen,
	            it->head ? (const char *)it->head : "", (int)it->bodylen,
	            it->body ? (const char *)it->body : "");
	return 0;
}

static int
walk_line_any_place(void *arg, const struct vault_item *it)
{
	struct walk_lines *w = arg;
	int rc = walk_line(arg, it);
	w->places_in_order = true; /* vault_each has no places */
	return rc;
}

/* vault_search reads its batches' rows by stepping through the table:
 * it hands on what vault_each hands on (rows looked up one by one), in
 * the same order, with the places counted, when the stored order is not
 * the rows' order, rows have gone (one, and more in a row than it steps
 * over), and records were deleted. */
static void
search_rows_as_each(void **state)
{
	struct vault *v = make_vault();
	static char ids[600][VAULT_ID_HEX + 1];
	char body[32];
	assert_int_equal(vault_begin(v), 0);
	for (int i = 0; i < 600; i++) {
		snprintf(body, sizeof(body), "n%d", i);
		assert_int_equal(vault_put(v, NULL, i % 3 ? "note" : "trigger",
		                           "h", 1, body, strlen(body), ids[i]),
		                 0);
	}
	for (int i = 0; i < 600; i += 7) {
		snprintf(body, sizeof(body), "edited %d", i);
		assert_int_equal(vault_put(v, ids[i],
		                           i % 3 ? "note" : "trigger", "h2", 2,
		                           body, strlen(body), NULL),
		                 0);
	}
	for (int i = 1; i < 600; i += 11)
		assert_int_equal(vault_delete(v, ids[i]), 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	sql("DELETE FROM record WHERE rowid IN (SELECT rowid FROM record "
	    "ORDER BY rowid LIMIT 20 OFFSET 100);"
	    "DELETE FROM record WHERE rowid IN (SELECT rowid FROM record "
	    "ORDER BY rowid LIMIT 1 OFFSET 300);");
	v = reopen("correct horse");
	static const unsigned flags[] = {0, VAULT_EACH_BODY};
	static const char *const kinds[] = {NULL, "note"};
	for (size_t f = 0; f < 2; f++) {
		for (size_t k = 0; k < 2; k++) {
			struct walk_lines want = {.places_in_order = true};
			struct walk_lines got = {.places_in_order = true};
			assert_int_equal(vault_each(v, kinds[k], flags[f],
			                            walk_line_any_place, &want),
			                 0);
			assert_int_equal(vault_search(v, kinds[k], flags[f],
			                              NULL, NULL, walk_line,
			                              &got),
			                 0);
			assert_true(got.places_in_order);
			assert_true(got.n > 300);
			assert_int_equal(got.n, want.n);
			assert_string_equal(got.s.p, want.s.p);
			assert_non_null(strstr(got.s.p, " 1 3 |")); /* gone */
			strbuf_release(&want.s);
			strbuf_release(&got.s);
		}
	}
	vault_free(v);
}

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
	assert_int_equal(s.damaged, 0);
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

/* The file's journal mode as its header says: 2 the WAL, 1 a rollback
 * journal. */
static int
header_mode(void)
{
	unsigned char h[20] = {0};
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(h, 1, sizeof(h), f), sizeof(h));
	fclose(f);
	assert_int_equal(h[18], h[19]);
	return h[18];
}

static bool
beside(const char *suffix)
{
	char p[320];
	struct stat st;
	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return stat(p, &st) == 0;
}

static void
put_many(struct vault *v, int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(
		        vault_put(v, NULL, "journal", "{}", 2, "bulk", 4, NULL),
		        0);
}

static int
count_records(struct vault *v)
{
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.damaged, 0);
	return s.ok;
}

/* An import's transaction: a rollback journal while nobody else has the
 * file (new pages written once), the WAL again after it; all or nothing
 * either way. */
static void
bulk_transaction(void **state)
{
	struct vault *v = make_vault();
	assert_int_equal(header_mode(), 2);
	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 200);
	assert_true(beside("-journal"));
	assert_false(beside("-wal"));
	assert_int_equal(header_mode(), 1);
	vault_rollback(v);
	assert_int_equal(header_mode(), 2);
	assert_false(beside("-journal"));
	assert_int_equal(count_records(v), 0);

	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 200);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(header_mode(), 2);
	assert_false(beside("-journal"));
	assert_int_equal(count_records(v), 200);

	/* one that opens the vault meanwhile leaves the journal alone */
	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 10);
	assert_true(beside("-journal"));
	struct vault *r = reopen("correct horse");
	assert_true(beside("-journal"));
	assert_true(beside("-bulk"));
	vault_free(r);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(count_records(v), 210);

	/* another connection at the file: it stays in WAL mode */
	struct vault *w = reopen("correct horse");
	assert_int_equal(count_records(w), 210);
	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 10);
	assert_false(beside("-journal"));
	assert_true(beside("-wal"));
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(count_records(w), 220);
	vault_free(w);

	/* closed in the middle: rolled back, one file in WAL mode */
	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 10);
	vault_free(v);
	assert_int_equal(header_mode(), 2);
	assert_false(beside("-journal"));
	assert_false(beside("-wal"));
	v = reopen("correct horse");
	assert_int_equal(count_records(v), 220);
	vault_free(v);

	/* an import killed before its journal had a header: SQLite leaves
	 * such a journal; the next unlock removes it and the note */
	char p[330];
	snprintf(p, sizeof(p), "%s-journal", path);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s-bulk", path);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	FILE *f = fopen(p, "w");
	fprintf(f, "%ju %ju\n", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	fclose(f);
	v = reopen("correct horse");
	assert_false(beside("-journal"));
	assert_false(beside("-bulk"));
	assert_int_equal(count_records(v), 220);
	vault_free(v);
}

/* The file replaced while a bulk transaction runs (Syncthing renames
 * the newer version into place): the old file's rollback journal, which
 * has the path's name, is not rolled back into the new file when another
 * process opens it; the transaction's writes are kept as a copy. */
static void
bulk_replaced_underneath(void **state)
{
	struct vault *v = make_vault();
	put_many(v, 5);
	vault_free(v);
	char other[320];
	snprintf(other, sizeof(other), "%s/sub/newer.db", fixture_dir);
	copy_file(path, other);
	struct vault *o = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(other, &o, &err), VAULT_OK);
	assert_int_equal(vault_unlock(o, "correct horse", 13), VAULT_OK);
	put_many(o, 3); /* on the other computer */
	vault_free(o);

	v = reopen("correct horse");
	/* a small page cache, so that pages are written to the file (and
	 * its old ones to the journal) during the transaction */
	assert_int_equal(
	        sqlite3_exec(v->db, "PRAGMA cache_size=8;", NULL, NULL, NULL),
	        SQLITE_OK);
	assert_int_equal(vault_begin_bulk(v), 0);
	put_many(v, 300);
	assert_true(beside("-journal"));
	assert_true(beside("-bulk"));
	assert_int_equal(rename(other, path), 0);
	struct vault *w = reopen("correct horse");
	assert_int_equal(count_records(w), 8);
	assert_false(beside("-journal"));
	vault_free(w);
	assert_int_equal(vault_commit(v), 0); /* kept as a copy */
	vault_free(v);
	assert_false(beside("-journal"));
	assert_false(beside("-bulk"));
	assert_int_equal(header_mode(), 2);
	v = reopen("correct horse");
	assert_int_equal(count_records(v), 8);
	vault_free(v);
	char dir[320];
	snprintf(dir, sizeof(dir), "%s/sub", fixture_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	int copies = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		copies += strstr(e->d_name, ".sync-conflict-") != NULL;
	closedir(d);
	assert_int_equal(copies, 1);
}

/* --- format 1 --- */

static void
copy_vector(const char *name)
{
	char from[600];
	snprintf(from, sizeof(from), "%s/vectors/format1/%s", TEST_SRCDIR,
	         name);
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/sub", fixture_dir);
	mkdir(sub, 0700);
	copy_file(from, path);
	chmod(path, 0600);
}

static const char VECTOR_PASS[] = "correct horse battery staple, test "
                                  "vectors only";

static void
migrate_from_format1(void **state)
{
	copy_vector("valid.vault");
	struct vault *v;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_format(v), 1);
	struct events e = {0};
	vault_set_events(v, on_event, &e);
	vault_set_sort_key(v, journal_sort_key);
	assert_int_equal(vault_unlock(v, VECTOR_PASS, strlen(VECTOR_PASS)), 0);
	assert_int_equal(vault_format(v), 2);
	assert_int_equal(e.n[VAULT_EV_MIGRATED], 1);
	assert_true(e.n[VAULT_EV_MIGRATING] >= 1);
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, count_cb, &s), 0);
	assert_int_equal(s.ok, 3);
	assert_int_equal(s.damaged, 0);
	vault_free(v);
	/* its rollback journal and the note of its file are gone, and the
	 * vault is in WAL mode again */
	assert_false(beside("-journal"));
	assert_false(beside("-bulk"));
	assert_int_equal(header_mode(), 2);
	/* the copy of the old file is kept, the old tables are gone */
	char copy[320];
	snprintf(copy, sizeof(copy), "%s.format1", path);
	assert_true(file_size(copy) > 0);
	assert_int_equal(count_rows("SELECT count(*) FROM sqlite_master WHERE "
	                            "name IN ('sealed', 'listing', "
	                            "'record_v1')"),
	                 0);
	assert_int_equal(count_rows("PRAGMA user_version"), VAULT_SCHEMA);
	assert_false(file_has(path, "journal"));
	/* the second unlock migrates nothing */
	assert_int_equal(vault_open(path, &v, &err), 0);
	memset(&e, 0, sizeof(e));
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, VECTOR_PASS, strlen(VECTOR_PASS)), 0);
	assert_int_equal(e.n[VAULT_EV_MIGRATED], 0);
	vault_free(v);
	/* a damaged format 1 record is carried over as damaged */
	unlink(path);
	copy_vector("record-flipped-body.vault");
	assert_int_equal(vault_open(path, &v, &err), 0);
	memset(&e, 0, sizeof(e));
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, VECTOR_PASS, strlen(VECTOR_PASS)), 0);
	assert_int_equal(e.n[VAULT_EV_MIGRATE_DAMAGED], 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 2);
	assert_int_equal(s.damaged, 1);
	vault_free(v);
	/* a waiting locked write is folded in */
	unlink(path);
	copy_vector("sealed-waiting.vault");
	assert_int_equal(vault_open(path, &v, &err), 0);
	memset(&e, 0, sizeof(e));
	vault_set_events(v, on_event, &e);
	assert_int_equal(vault_unlock(v, VECTOR_PASS, strlen(VECTOR_PASS)), 0);
	assert_int_equal(e.n[VAULT_EV_FOLDED], 1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 4);
	assert_true(s.locked);
	vault_free(v);
}

/* A read-only format 1 vault is read through a migrated copy in memory,
 * and writes are refused. */
static void
migrate_read_only(void **state)
{
	copy_vector("schema-1.vault");
	if (getuid() == 0) /* root writes anywhere */
		skip();
	char sub[300];
	snprintf(sub, sizeof(sub), "%s/sub", fixture_dir);
	chmod(path, 0400);
	chmod(sub, 0500);
	struct vault *v;
	char *err = NULL;
	long before = file_size(path);
	assert_int_equal(vault_open(path, &v, &err), 0);
	assert_int_equal(vault_unlock(v, VECTOR_PASS, strlen(VECTOR_PASS)), 0);
	struct seen s = {0};
	assert_int_equal(vault_each(v, NULL, 0, count_cb, &s), 0);
	assert_int_equal(s.ok, 3);
	assert_int_not_equal(
	        vault_put(v, NULL, "journal", "{}", 2, "x", 1, NULL), 0);
	vault_free(v);
	assert_int_equal(file_size(path), before);
	chmod(sub, 0700);
}

/* --- opening for a command: pins --- */

static int
ask_correct(void *arg, char *buf, size_t cap)
{
	(void)arg;
	snprintf(buf, cap, "correct horse");
	return 13;
}

static int
open_for(enum vault_need need, struct events *e, struct vault **v, bool *locked)
{
	struct vault_opener o = {.path = path,
	                         .need = need,
	                         .passphrase_file = need != VAULT_NEED_WRITE,
	                         .ask = ask_correct,
	                         .event = on_event,
	                         .arg = e,
	                         .sort_key = journal_sort_key};
	char *err = NULL;
	int rc = vault_open_for(&o, v, locked, &err);
	free(err);
	return rc;
}

/* The whole file put back from an older copy: told at unlock. */
static void
whole_file_rollback(void **state)
{
	struct vault *v = make_vault();
	assert_int_equal(vault_pin(v), 0);
	vault_free(v);
	char copy[320];
	snprintf(copy, sizeof(copy), "%s/old.db", fixture_dir);
	copy_file(path, copy);
	struct events e = {0};
	bool locked;
	assert_int_equal(open_for(VAULT_NEED_KEY, &e, &v, &locked), 0);
	assert_int_equal(vault_put(v, NULL, "journal", "{}", 2, "x", 1, NULL),
	                 0);
	vault_free(v);
	assert_int_equal(e.n[VAULT_EV_ROLLBACK], 0);
	/* an older copy elsewhere is only that */
	char path_was[300];
	memcpy(path_was, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/old.db", fixture_dir);
	assert_int_equal(open_for(VAULT_NEED_KEY, &e, &v, &locked), 0);
	vault_free(v);
	assert_int_equal(e.n[VAULT_EV_ROLLBACK], 0);
	assert_int_equal(e.n[VAULT_EV_OLDER_COPY], 1);
	memcpy(path, path_was, sizeof(path));
	/* put in place of the vault: a rollback, told once */
	copy_file(copy, path);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	assert_int_equal(open_for(VAULT_NEED_KEY, &e, &v, &locked), 0);
	vault_free(v);
	assert_int_equal(e.n[VAULT_EV_ROLLBACK], 1);
	assert_int_equal(open_for(VAULT_NEED_KEY, &e, &v, &locked), 0);
	vault_free(v);
	assert_int_equal(e.n[VAULT_EV_ROLLBACK], 1);
}

/* A locked write checks the file's public key against this machine's
 * pin, and writes nothing when it differs or the pin is damaged. */
static void
locked_write_pin(void **state)
{
	struct vault *v = make_vault();
	vault_free(v);
	struct events e = {0};
	bool locked = false;
	/* no pin yet (init pins; this test made the vault by hand) */
	assert_int_equal(open_for(VAULT_NEED_WRITE, &e, &v, &locked), 0);
	assert_true(locked);
	assert_int_equal(e.n[VAULT_EV_NO_PIN], 1);
	vault_free(v);
	/* said once */
	assert_int_equal(open_for(VAULT_NEED_WRITE, &e, &v, &locked), 0);
	assert_int_equal(e.n[VAULT_EV_NO_PIN], 1);
	vault_free(v);
	/* the key swapped in the file: refused */
	sql("UPDATE meta SET public_key = randomblob(32);");
	int64_t rows = count_rows("SELECT count(*) FROM record");
	assert_int_equal(open_for(VAULT_NEED_WRITE, &e, &v, &locked),
	                 VAULT_REPLACED);
	assert_null(v);
	assert_int_equal(count_rows("SELECT count(*) FROM record"), rows);
	/* an unlock puts the key back and pins it, verified */
	assert_int_equal(open_for(VAULT_NEED_KEY, &e, &v, &locked), 0);
	assert_int_equal(e.n[VAULT_EV_KEY_REPAIRED], 1);
	char vid[VAULT_ID_HEX + 1];
	vault_id_hex(v, vid);
	vault_free(v);
	struct pin p;
	assert_int_equal(pin_load(vid, &p), PIN_OK);
	assert_true(p.verified);
	assert_int_equal(open_for(VAULT_NEED_WRITE, &e, &v, &locked), 0);
	vault_free(v);
	/* a damaged pin: refused */
	char *pp = pin_path(vid);
	FILE *f = fopen(pp, "r+");
	assert_non_null(f);
	fseek(f, 40, SEEK_SET);
	fputc('X', f);
	fclose(f);
	free(pp);
	assert_int_equal(pin_load(vid, &p), PIN_DAMAGED);
	assert_int_equal(open_for(VAULT_NEED_WRITE, &e, &v, &locked),
	                 VAULT_REPLACED);
}

/* The key remembered for a while: the keyring holds a session key only,
 * the sealed master key is in a runtime file; forgetting it anywhere
 * locks it everywhere. */
static void
remembered_key(void **state)
{
	struct vault *v = make_vault();
	unsigned char *m = sodium_malloc(CRYPTO_KEY_BYTES);
	unsigned char *got = sodium_malloc(CRYPTO_KEY_BYTES);
	char vid[VAULT_ID_HEX + 1];
	assert_int_equal(vault_copy_master(v, m), 0);
	vault_id_hex(v, vid);
	vault_free(v);
	if (keyring_store(vid, m, 60) != KEYRING_OK) {
		sodium_free(m);
		sodium_free(got);
		skip(); /* no kernel keyring in this container */
	}
	time_t exp = 0;
	assert_int_equal(keyring_load(vid, got, &exp), KEYRING_OK);
	assert_memory_equal(m, got, CRYPTO_KEY_BYTES);
	assert_true(exp > time(NULL));
	char *file = keyring_file(vid);
	assert_non_null(file);
	assert_false(file_has_bytes(file, m, CRYPTO_KEY_BYTES));
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* the runtime file gone (lock in another login): locked here */
	unlink(file);
	assert_int_equal(keyring_load(vid, got, NULL), KEYRING_NONE);
	assert_int_equal(keyring_status(vid, NULL), KEYRING_NONE);
	/* forgetting removes the file */
	assert_int_equal(keyring_store(vid, m, 60), KEYRING_OK);
	assert_int_equal(keyring_forget(vid), KEYRING_OK);
	assert_int_not_equal(stat(file, &st), 0);
	assert_int_equal(keyring_forget(vid), KEYRING_NONE);
	/* the expiry holds even when the keyring entry lingers (its timeout
	 * pushed back, as anything in the session could) */
	assert_int_equal(keyring_store(vid, m, 1), KEYRING_OK);
	char desc[80];
	snprintf(desc, sizeof(desc), "selfhelp-session:%s", vid);
	key_serial_t kid = request_key("user", desc, NULL, 0);
	assert_true(kid >= 0);
	assert_int_equal(keyctl_set_timeout(kid, 3600), 0);
	sleep(2);
	assert_int_equal(keyring_load(vid, got, NULL), KEYRING_NONE);
	assert_int_not_equal(stat(file, &st), 0); /* removed when seen */
	keyring_forget(vid);
	free(file);
	sodium_free(m);
	sodium_free(got);
}

/* --- search filters --- */

/* Words for the search filter test: ASCII, case and compatibility
 * foldings, combining marks, quotes and backslashes, a byte that is not
 * UTF-8. */
static const char *const filter_words[] = {
        "lighthouse",
        "harbour",
        "Straße",
        "STRASSE",
        "naïve",
        "nai\xcc\x88ve",
        "\xc7\x84",
        "\xef\xac\x81sh",
        "İstanbul",
        "say \"hi\"",
        "a\\b",
        "tab\there",
        "Kelvin\xe2\x84\xaa",
        "quiet",
        "morning",
        "fear",
        "safe",
        "\xff",
        "Ölfarbe",
        "übermut",
        "x",
        "ab",
        "cold water",
};
enum { FILTER_WORDS = sizeof(filter_words) / sizeof(filter_words[0]) };

struct found_ids {
	char (*ids)[VAULT_ID_HEX + 1];
	size_t n, cap;
	atomic_size_t kept_calls;
	const struct search_needle *needle;
};

/* journal-like: the needle in the body, or in one of the head's tags as
 * JSON decodes them */
static bool
filter_keep(void *arg, const struct vault_item *it)
{
	struct found_ids *f = arg;
	atomic_fetch_add(&f->kept_calls, 1);
	if (search_find(f->needle, (const char *)it->body, it->bodylen, NULL,
	                NULL))
		return true;
	json_t *h = json_loadb((const char *)it->head, it->headlen, 0, NULL);
	json_t *tag;
	size_t i;
	bool hit = false;
	json_array_foreach(json_object_get(h, "tags"), i, tag)
	{
		const char *t = json_string_value(tag);
		if (t && search_find(f->needle, t, strlen(t), NULL, NULL))
			hit = true;
	}
	json_decref(h);
	return hit;
}

static int
filter_found(void *arg, const struct vault_item *it)
{
	struct found_ids *f = arg;
	assert_false(it->damaged);
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->ids = realloc(f->ids, f->cap * sizeof(*f->ids));
		assert_non_null(f->ids);
	}
	memcpy(f->ids[f->n++], it->id, VAULT_ID_HEX + 1);
	return 0;
}

static int
by_hex(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The same ids with filters as by decrypting every record; returns how
 * many records the filtered search looked at. */
static size_t
same_as_full_scan(struct vault *v, const char *word)
{
	struct search_needle *n = search_needle_new(word);
	assert_non_null(n);
	struct found_ids full = {.needle = n}, quick = {.needle = n};
	atomic_init(&full.kept_calls, 0);
	atomic_init(&quick.kept_calls, 0);
	assert_int_equal(vault_search(v, "note", VAULT_EACH_BODY, filter_keep,
	                              &full, filter_found, &full),
	                 VAULT_OK);
	assert_int_equal(vault_search_needle(v, "note", VAULT_EACH_BODY, n,
	                                     filter_keep, &quick, filter_found,
	                                     &quick),
	                 VAULT_OK);
	if (full.n != quick.n)
		fail_msg("'%s': %zu records by a full scan, %zu with filters",
		         word, full.n, quick.n);
	if (full.n) {
		qsort(full.ids, full.n, sizeof(*full.ids), by_hex);
		qsort(quick.ids, quick.n, sizeof(*quick.ids), by_hex);
	}
	for (size_t i = 0; i < full.n; i++)
		assert_string_equal(full.ids[i], quick.ids[i]);
	free(full.ids);
	free(quick.ids);
	search_needle_free(n);
	return atomic_load(&quick.kept_calls);
}

static const char *const filter_needles[] = {
        "lighthouse", "LIGHTHOUSE", "ighthou", "strasse",  "straße",
        "STRASSE",    "naïve",      "ïve",     "\xc7\x86", "fish",
        "FI",         "say \"hi",   "\"hi\"",  "a\\b",     "tab\th",
        "kelvin",     "vink",       "i̇st",     "İstanbul", "ölfarbe",
        "ÜBERMUT",    "se fe",      "e quiet", "x a",      "ab",
        "zzz-absent", "cold water", "tag-17",  "ag-1",     "\xff",
        "hou",
};

static void
fill_notes(struct vault *v, int n, unsigned seed, char ids[][VAULT_ID_HEX + 1])
{
	srand(seed);
	assert_int_equal(vault_begin(v), VAULT_OK);
	for (int i = 0; i < n; i++) {
		char body[600] = "", tag[32];
		size_t len = 0;
		int words = 5 + rand() % 60;
		for (int w = 0; w < words; w++)
			len += (size_t)snprintf(
			        body + len, sizeof(body) - len, "%s ",
			        filter_words[rand() % FILTER_WORDS]);
		snprintf(tag, sizeof(tag), "tag-%d", rand() % 40);
		json_t *h = json_pack("{s:[s,s]}", "tags", tag,
		                      filter_words[rand() % FILTER_WORDS]);
		char head[256];
		assert_true(json_dumpb(h, head, sizeof(head), JSON_COMPACT) <
		            sizeof(head));
		size_t hl = json_dumpb(h, head, sizeof(head), JSON_COMPACT);
		assert_int_equal(vault_put(v, NULL, "note", head, hl, body, len,
		                           ids ? ids[i] : NULL),
		                 VAULT_OK);
		json_decref(h);
	}
	assert_int_equal(vault_commit(v), VAULT_OK);
}

/* Every needle, or (`some`) every third one: the later rounds look at
 * what changed, the first at every folding. */
static void
needles_agree(struct vault *v, bool some)
{
	for (size_t i = 0; i < sizeof(filter_needles) / sizeof(*filter_needles);
	     i += some ? 3 : 1)
		same_as_full_scan(v, filter_needles[i]);
}

static void
all_needles_agree(struct vault *v)
{
	needles_agree(v, false);
}

static void
search_filters(void **state)
{
	enum { N = 2000 };
	static char ids[N][VAULT_ID_HEX + 1];
	struct vault *v = make_vault();
	struct vault_filter_report r;
	fill_notes(v, N, 7, ids);
	all_needles_agree(v);
	/* a word in few records: few are decrypted */
	assert_int_equal(vault_put(v, NULL, "note", "{}", 2,
	                           "one lone albatross", 18, NULL),
	                 VAULT_OK);
	assert_true(same_as_full_scan(v, "albatross") < N / 20);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	/* edits and deletions keep them in step, across a reopen */
	assert_int_equal(vault_begin(v), VAULT_OK);
	for (int i = 0; i < 300; i++)
		assert_int_equal(
		        vault_put(v, ids[i], "note", "{}", 2,
		                  i % 2 ? "now a lighthouse keeper" : "x",
		                  i % 2 ? 23 : 1, NULL),
		        VAULT_OK);
	for (int i = 300; i < 400; i++)
		assert_int_equal(vault_delete(v, ids[i]), VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
	v = reopen("correct horse");
	needles_agree(v, true);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	/* a new key: filters sealed again, still in step */
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(vault_rekey(v, "correct horse", 13, &fixture_kdf),
	                 VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	needles_agree(v, true);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	vault_free(v);
	/* a filter bucket put back from before: it does not open, the
	 * search still finds everything, check tells, a rebuild mends */
	sql("CREATE TABLE old AS SELECT * FROM filter");
	v = reopen("correct horse");
	fill_notes(v, 10, 8, NULL);
	vault_free(v);
	sql("UPDATE filter SET data = (SELECT data FROM old WHERE old.id = "
	    "filter.id) WHERE id = (SELECT min(f.id) FROM filter f JOIN old o "
	    "ON o.id = f.id WHERE f.data != o.data); "
	    "DROP TABLE old");
	v = reopen("correct horse");
	needles_agree(v, true);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.unopened, 1);
	assert_true(r.missing > 0);
	assert_int_equal(vault_filters_rebuild(v), VAULT_OK);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	vault_free(v);
	/* a vault from before filters: none, the same results; the next
	 * write makes the table again, with filters for what it wrote */
	sql("DROP TABLE filter");
	v = reopen("correct horse");
	needles_agree(v, true);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing, N + 1 + 10 - 100);
	fill_notes(v, 5, 9, NULL);
	needles_agree(v, true);
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing, N + 1 + 10 - 100);
	assert_int_equal(r.stale + r.unopened, 0);
	vault_free(v);
}

static int
key_from_body_len(const char *kind, const unsigned char *head, size_t len,
                  int64_t *key)
{
	(void)head;
	if (strcmp(kind, "note") != 0)
		return 1;
	*key = (int64_t)len;
	return 0;
}

static int
key_plus_one(const char *kind, const unsigned char *head, size_t len,
             int64_t *key)
{
	int r = key_from_body_len(kind, head, len, key);
	*key += 1;
	return r;
}

static bool
keep_none(void *arg, const struct vault_item *it)
{
	(void)arg;
	(void)it;
	return false;
}

static int
tally_cb(void *arg, const struct vault_item *it)
{
	(void)it;
	(*(size_t *)arg)++;
	return 0;
}

/* check's one walk: filters and sort keys gathered along another walk,
 * whatever its keep says */
static void
verify_walk(void **state)
{
	struct vault *v = make_vault();
	struct vault_filter_report r;
	bool stale = true;
	size_t seen = 0;
	vault_set_sort_key(v, key_from_body_len);
	fill_notes(v, 600, 3, NULL);
	assert_int_equal(vault_read_begin(v), VAULT_OK);
	assert_int_equal(vault_verify_begin(v), VAULT_OK);
	assert_int_equal(vault_search(v, NULL,
	                              VAULT_EACH_BODY | VAULT_EACH_ROW_ORDER,
	                              keep_none, NULL, tally_cb, &seen),
	                 VAULT_OK);
	assert_int_equal(seen, 0);
	assert_int_equal(vault_verify_end(v, &r, &stale), VAULT_OK);
	vault_read_end(v);
	assert_false(stale);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	/* heads that give other keys than the index holds */
	vault_set_sort_key(v, key_plus_one);
	assert_int_equal(vault_verify_begin(v), VAULT_OK);
	assert_int_equal(vault_search(v, NULL, VAULT_EACH_BODY, NULL, NULL,
	                              tally_cb, &seen),
	                 VAULT_OK);
	assert_int_equal(seen, 600);
	assert_int_equal(vault_verify_end(v, &r, &stale), VAULT_OK);
	assert_true(stale);
	/* a damaged record is told as such, not as a stale filter */
	vault_set_sort_key(v, key_from_body_len);
	vault_free(v);
	sql("UPDATE record SET body = zeroblob(length(body)) WHERE rowid = "
	    "(SELECT max(rowid) FROM record)");
	v = reopen("correct horse");
	assert_int_equal(vault_filters_check(v, &r), VAULT_OK);
	assert_int_equal(r.missing + r.stale + r.unopened, 0);
	/* begun and never ended: freed with the vault */
	assert_int_equal(vault_verify_begin(v), VAULT_OK);
	vault_free(v);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(create_and_modes),
	        T(reopen_records),
	        T(wrong_passphrase),
	        T(version_zero_is_not_a_vault),
	        T(newer_format),
	        T(hostile_kdf),
	        T(edited_header),
	        T(public_key_swap),
	        T(tampered_records),
	        T(rollback_of_a_record),
	        T(deleted_row),
	        T(replayed_row),
	        T(moved_to_other_vault),
	        T(old_index_put_back),
	        T(old_state_put_back),
	        T(id_prefixes),
	        T(no_plaintext_on_disk),
	        T(dump_audit),
	        T(padding),
	        T(pad_as_sodium),
	        T(update_and_delete),
	        T(list_filters),
	        T(change_passphrase),
	        T(recovery_code),
	        T(recovery_code_check),
	        T(master_unlock),
	        T(rekey),
	        T(sealed_writes),
	        T(forged_sealed),
	        T(sealed_fold_race),
	        T(listing_index),
	        T(listing_walk_order),
	        T(search_walk),
	        T(search_rows_as_each),
	        T(read_snapshot),
	        T(bulk_transaction),
	        T(bulk_replaced_underneath),
	        T(migrate_from_format1),
	        T(migrate_read_only),
	        T(whole_file_rollback),
	        T(locked_write_pin),
	        T(remembered_key),
	        T(search_filters),
	        T(verify_walk),
	};
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
