/*
 * vault_merge (lib/vault-merge.c): two copies of one vault, changed
 * apart, merged either way.
 */
#include "harness.h"

#include "fixture.h"

#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *const PASS = "correct horse";
static char apath[FIXTURE_PATH_MAX], bpath[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(apath, "a/vault.db");
	fixture_path(bpath, "b.db");
	return 0;
}

static struct vault *
open_at(const char *p)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(p, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, PASS, strlen(PASS)), VAULT_OK);
	return v;
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[1300];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* Vault A with `n` records (ids into ids), copied to B. */
static void
two_copies(size_t n, char (*ids)[VAULT_ID_HEX + 1])
{
	struct vault *v = fixture_vault(apath, PASS);
	for (size_t i = 0; i < n; i++) {
		char head[32], body[32];
		snprintf(head, sizeof(head), "head %zu", i);
		snprintf(body, sizeof(body), "body %zu", i);
		assert_int_equal(vault_put(v, NULL, "journal", head,
		                           strlen(head), body, strlen(body),
		                           ids[i]),
		                 VAULT_OK);
	}
	vault_free(v);
	copy_file(apath, bpath);
}

static void
put(const char *p, const char *id, const char *body, char *id_out)
{
	struct vault *v = open_at(p);
	assert_int_equal(
	        vault_put(v, id, "journal", "h", 1, body, strlen(body), id_out),
	        VAULT_OK);
	vault_free(v);
}

static void
del(const char *p, const char *id)
{
	struct vault *v = open_at(p);
	assert_int_equal(vault_delete(v, id), VAULT_OK);
	vault_free(v);
}

/* Every live record as sorted lines "id kind flags body", one string. */
struct dump {
	char lines[64][160];
	size_t n;
};

static int
dump_cb(void *arg, const struct vault_item *it)
{
	struct dump *d = arg;
	assert_false(it->damaged);
	assert_true(d->n < 64);
	snprintf(d->lines[d->n++], sizeof(d->lines[0]), "%s %s r%lld %c%c %.*s",
	         it->id, it->kind, (long long)it->revision,
	         it->written_locked ? 'L' : '-', it->conflict_copy ? 'C' : '-',
	         (int)it->bodylen, (const char *)it->body);
	return 0;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(a, b);
}

static char *
dump(const char *p)
{
	static struct dump d;
	struct vault *v = open_at(p);
	struct vault_check_report r;
	d.n = 0;
	assert_int_equal(vault_each(v, NULL, VAULT_EACH_BODY, dump_cb, &d),
	                 VAULT_OK);
	/* check passes */
	assert_int_equal(vault_check(v, &r), VAULT_OK);
	assert_true(r.state_ok);
	assert_int_equal(r.nrows, 0);
	vault_check_release(&r);
	struct vault_filter_report fr;
	assert_int_equal(vault_filters_check(v, &fr), VAULT_OK);
	assert_int_equal(fr.stale + fr.unopened + fr.missing, 0);
	vault_free(v);
	qsort(d.lines, d.n, sizeof(d.lines[0]), cmp_line);
	size_t len = 1;
	for (size_t i = 0; i < d.n; i++)
		len += strlen(d.lines[i]) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; i < d.n; i++) {
		strcat(s, d.lines[i]);
		strcat(s, "\n");
	}
	return s;
}

static int
merge(const char *into, const char *from, struct vault_merge_summary *sum)
{
	struct vault *v = open_at(into);
	int rc = vault_merge(v, from, false, sum);
	vault_free(v);
	return rc;
}

static const struct vault_merge_kind *
journal(const struct vault_merge_summary *sum)
{
	static const struct vault_merge_kind none;
	for (size_t i = 0; i < sum->nkinds; i++)
		if (strcmp(sum->kinds[i].kind, "journal") == 0)
			return &sum->kinds[i];
	return &none;
}

static uint64_t
state_print(const char *p)
{
	/* the sealed state (its nonce first) changes with every commit */
	sqlite3 *db;
	sqlite3_stmt *st;
	uint64_t h = 0;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(db, "SELECT data FROM state", -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *d = sqlite3_column_blob(st, 0);
	for (int i = 0; i < 8; i++)
		h = h << 8 | d[i];
	sqlite3_finalize(st);
	sqlite3_close(db);
	return h;
}

/* Merge both ways on fresh copies of A and B; both give the same
 * records; merging again changes nothing. Returns the merged dump. */
static char *
both_ways(struct vault_merge_summary *ab, struct vault_merge_summary *ba)
{
	char a2[FIXTURE_PATH_MAX], b2[FIXTURE_PATH_MAX];
	fixture_path(a2, "a2.db");
	fixture_path(b2, "b2.db");
	copy_file(apath, a2);
	copy_file(bpath, b2);
	assert_int_equal(merge(apath, b2, ba), VAULT_OK); /* B into A */
	assert_int_equal(merge(bpath, a2, ab), VAULT_OK); /* A into B */
	char *x = dump(apath), *y = dump(bpath);
	assert_string_equal(x, y);
	free(y);
	/* idempotent: the same copies again change nothing */
	struct vault_merge_summary again;
	uint64_t before = state_print(apath);
	assert_int_equal(merge(apath, b2, &again), VAULT_OK);
	assert_false(again.changed);
	assert_true(state_print(apath) == before);
	assert_int_equal(merge(apath, bpath, &again), VAULT_OK);
	assert_false(again.changed);
	y = dump(apath);
	assert_string_equal(x, y);
	free(y);
	return x;
}

static void
disjoint_adds(void **state)
{
	char ids[2][VAULT_ID_HEX + 1], a[VAULT_ID_HEX + 1], b[VAULT_ID_HEX + 1];
	struct vault_merge_summary ab, ba;
	two_copies(2, ids);
	put(apath, NULL, "only on A", a);
	put(bpath, NULL, "only on B", b);
	char *m = both_ways(&ab, &ba);
	assert_int_equal(journal(&ba)->added, 1);
	assert_int_equal(journal(&ab)->added, 1);
	assert_non_null(strstr(m, "only on A"));
	assert_non_null(strstr(m, "only on B"));
	assert_non_null(strstr(m, "body 1"));
	free(m);
}

static void
edit_one_side(void **state)
{
	char ids[2][VAULT_ID_HEX + 1];
	struct vault_merge_summary ab, ba;
	two_copies(2, ids);
	put(bpath, ids[0], "edited on B", NULL);
	put(bpath, ids[0], "edited on B again", NULL);
	char *m = both_ways(&ab, &ba);
	assert_int_equal(journal(&ba)->updated, 1);
	assert_int_equal(journal(&ab)->updated, 0);
	assert_false(ab.changed);
	assert_non_null(strstr(m, "r3 -- edited on B again"));
	assert_null(strstr(m, "body 0"));
	assert_null(strstr(m, "C "));
	free(m);
}

static void
edit_both(void **state)
{
	char ids[1][VAULT_ID_HEX + 1];
	struct vault_merge_summary ab, ba;
	two_copies(1, ids);
	put(apath, ids[0], "A's words", NULL);
	put(bpath, ids[0], "B's words", NULL);
	char *m = both_ways(&ab, &ba);
	assert_int_equal(journal(&ba)->conflicts, 1);
	assert_int_equal(journal(&ab)->conflicts, 1);
	assert_non_null(strstr(m, "A's words"));
	assert_non_null(strstr(m, "B's words"));
	/* one keeps the id, the other is a marked copy */
	assert_non_null(strstr(m, "-C "));
	assert_non_null(strstr(m, ids[0]));
	free(m);
}

static void
delete_and_edit(void **state)
{
	char ids[2][VAULT_ID_HEX + 1];
	struct vault_merge_summary ab, ba;
	two_copies(2, ids);
	del(apath, ids[0]);
	put(bpath, ids[0], "edited on B", NULL);
	char *m = both_ways(&ab, &ba);
	assert_int_equal(journal(&ba)->kept_deleted, 1);
	assert_int_equal(journal(&ab)->deleted, 1);
	assert_null(strstr(m, ids[0]));
	assert_null(strstr(m, "edited on B"));
	assert_non_null(strstr(m, ids[1]));
	free(m);
}

static void
sealed_waiting(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], id[VAULT_ID_HEX + 1];
	struct vault_merge_summary ab, ba;
	struct vault *v;
	char *err = NULL;
	two_copies(1, ids);
	/* written on B while locked, not folded in there yet */
	assert_int_equal(vault_open(bpath, &v, &err), VAULT_OK);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(
	        vault_seal(v, "journal", "h", 1, "while locked", 12, id),
	        VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
	/* merged into A straight from B's file */
	struct vault_merge_summary s;
	char b2[FIXTURE_PATH_MAX];
	fixture_path(b2, "b-sealed.db");
	copy_file(bpath, b2);
	assert_int_equal(merge(apath, b2, &s), VAULT_OK);
	assert_int_equal(journal(&s)->added, 1);
	assert_int_equal(s.locked_writes, 1);
	char *m = both_ways(&ab, &ba);
	assert_non_null(strstr(m, id));
	assert_non_null(strstr(m, "L- while locked"));
	free(m);
}

/* A locked write in the other copy under an id already here (anyone
 * with the public key can choose one) does not stand in for it. */
static void
locked_write_id_taken(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], id[VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	struct vault *v;
	char *err = NULL;
	two_copies(1, ids);
	assert_int_equal(vault_open(bpath, &v, &err), VAULT_OK);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(vault_seal(v, "journal", "h", 1, "FORGED", 6, id),
	                 VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
	v = open_at(apath);
	assert_int_equal(vault_insert(v, id, "journal", "h", 1, "MINE", 4, 0),
	                 VAULT_OK);
	vault_free(v);
	char *before = dump(apath);
	assert_int_equal(merge(apath, bpath, &s), VAULT_OK);
	assert_false(s.changed);
	assert_int_equal(s.waiting_unread, 1);
	char *after = dump(apath);
	assert_string_equal(before, after);
	assert_null(strstr(after, "FORGED"));
	free(before);
	free(after);
}

static void
dry_run(void **state)
{
	char ids[1][VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	two_copies(1, ids);
	put(bpath, NULL, "new on B", NULL);
	char *before = dump(apath);
	uint64_t c = state_print(apath);
	struct vault *v = open_at(apath);
	assert_int_equal(vault_merge(v, bpath, true, &s), VAULT_OK);
	vault_free(v);
	assert_true(s.changed);
	assert_int_equal(journal(&s)->added, 1);
	char *after = dump(apath);
	assert_string_equal(before, after);
	assert_true(state_print(apath) == c);
	free(before);
	free(after);
}

static void
other_vault_refused(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], other[FIXTURE_PATH_MAX];
	struct vault_merge_summary s;
	two_copies(1, ids);
	fixture_path(other, "other.db");
	vault_free(fixture_vault(other, PASS));
	struct vault *v = open_at(apath);
	assert_int_equal(vault_merge(v, other, false, &s), VAULT_REFUSED);
	assert_non_null(strstr(vault_errmsg(v), "not a copy of this vault"));
	assert_int_equal(vault_merge(v, apath, false, &s), VAULT_REFUSED);
	assert_int_equal(vault_merge(v, "/nonexistent/x.db", false, &s),
	                 VAULT_NOT_FOUND);
	vault_free(v);
}

static void
rekeyed_refused(void **state)
{
	char ids[1][VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	two_copies(1, ids);
	struct vault *v = open_at(bpath);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(vault_rekey(v, PASS, strlen(PASS), NULL), VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
	char *before = dump(apath);
	v = open_at(apath);
	assert_int_equal(vault_merge(v, bpath, false, &s), VAULT_REFUSED);
	assert_non_null(strstr(vault_errmsg(v), "passwd --rekey"));
	assert_non_null(strstr(vault_errmsg(v), "Nothing was changed"));
	vault_free(v);
	char *after = dump(apath);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void
damaged_refused(void **state)
{
	char ids[3][VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	two_copies(3, ids);
	put(bpath, NULL, "new on B", NULL);
	put(bpath, ids[1], "edited on B", NULL);
	/* the last row's body spoilt */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(bpath, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db,
	                     "UPDATE record SET body = "
	                     "randomblob(length(body)) "
	                     "WHERE rowid = (SELECT max(rowid) FROM record)",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	char *before = dump(apath);
	uint64_t c = state_print(apath);
	struct vault *v = open_at(apath);
	assert_int_equal(vault_merge(v, bpath, false, &s), VAULT_DAMAGED);
	assert_non_null(strstr(vault_errmsg(v), "nothing was merged"));
	vault_free(v);
	char *after = dump(apath);
	assert_string_equal(before, after);
	assert_true(state_print(apath) == c);
	free(before);
	free(after);
}

/* An old revision put in the other copy's place is not taken for new. */
static void
old_copy_not_rolled_back(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], old[FIXTURE_PATH_MAX];
	struct vault_merge_summary s;
	two_copies(1, ids);
	fixture_path(old, "old.db");
	copy_file(apath, old);
	put(apath, ids[0], "newer", NULL);
	put(apath, ids[0], "newest", NULL);
	assert_int_equal(merge(apath, old, &s), VAULT_OK);
	assert_false(s.changed);
	char *m = dump(apath);
	assert_non_null(strstr(m, "newest"));
	assert_null(strstr(m, "body 0"));
	free(m);
}

/* The names sync tools give conflict copies, and names that are not. */
static void
conflict_names(void **state)
{
	(void)state;
	static const char *const yes[] = {
	        "vault.sync-conflict-20261207-051500-ABCDEF1.db",
	        "vault.sync-conflict-20260101-000000-7ZQ3X2A.db",
	        "vault (conflicted copy 2026-12-07 051500).db",
	        "vault (conflicted copy alex 2026-12-07 051500).db",
	        "vault (Alex's conflicted copy 2026-12-07).db",
	        "vault (Case Conflict).db",
	        "vault (Case Conflict 1).db",
	        "vault (Case Clash 2026-12-07 051500).db",
	        "vault (case clash from 2026-12-07 051500).db",
	        "vault_conflict-20261207-051500.db",
	        "vault_conflict_alex-20261207-051500.db",
	};
	static const char *const no[] = {
	        "vault.db",
	        "vault.db-wal",
	        "vault.db.bak",
	        "vault.sync-conflict-2026120-051500-ABCDEF1.db",
	        "vault.sync-conflict-20261207-051500-.db",
	        "vault.sync-conflict-20261207-051500-abc.db",
	        "vault.sync-conflict-20261207-051500-ABCDEF1.db.tmp",
	        "other.sync-conflict-20261207-051500-ABCDEF1.db",
	        "vault (conflicted copy 2026-12-07 051500).txt",
	        "vault (copy).db",
	        "vaultx (conflicted copy 2026-12-07).db",
	        ".syncthing.vault.db.tmp",
	        "vault_conflict-2026120-051500.db",
	        "vault_conflict-20261207-051500x.db",
	        "vault_conflict_-20261207-051500.db",
	        "vault_conflicts.db",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(vault_is_conflict_copy("vault.db", yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(vault_is_conflict_copy("vault.db", no[i]));
	assert_true(vault_is_conflict_copy(
	        "journal", "journal.sync-conflict-20261207-051500-ABCDEF1"));
}

/* One readdir finds the copies beside the vault, sorted, full paths. */
static void
conflict_copies_found(void **state)
{
	char dir[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX + 64], *out[4];
	two_copies(0, NULL);
	snprintf(dir, sizeof(dir), "%s", apath);
	*strrchr(dir, '/') = '\0';
	const char *base = strrchr(apath, '/') + 1;
	const char *dot = strrchr(base, '.');
	int stem = dot ? (int)(dot - base) : (int)strlen(base);
	const char *ext = dot ? dot : "";
	snprintf(path, sizeof(path),
	         "%s/%.*s.sync-conflict-20261207-051500-B%s", dir, stem, base,
	         ext);
	copy_file(apath, path);
	snprintf(path, sizeof(path), "%s/%.*s (conflicted copy 2026-12-07)%s",
	         dir, stem, base, ext);
	copy_file(apath, path);
	size_t n = vault_conflict_copies(apath, out, 4);
	assert_int_equal(n, 2);
	assert_non_null(strstr(out[0], " (conflicted copy 2026-12-07)"));
	assert_non_null(strstr(out[1], ".sync-conflict-"));
	assert_true(out[0][0] == '/' || strchr(out[0], '/'));
	for (size_t i = 0; i < n; i++)
		free(out[i]);
	assert_int_equal(vault_conflict_copies(apath, out, 1), 1);
	free(out[0]);
}

/* The file renamed away underneath an open vault: the write is not put
 * in the old file but kept as a conflict copy beside the new one, and
 * merges into it. */
static void
replaced_underneath(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], id[VAULT_ID_HEX + 1], *out[2];
	struct vault_merge_summary s;
	two_copies(1, ids);
	put(bpath, NULL, "newer there", NULL);
	struct vault *v = open_at(apath);
	assert_false(vault_replaced(v));
	assert_int_equal(rename(bpath, apath), 0);
	assert_true(vault_replaced(v));
	assert_int_equal(
	        vault_put(v, NULL, "journal", "h", 1, "written here", 12, id),
	        VAULT_OK);
	vault_free(v);
	char *m = dump(apath);
	assert_null(strstr(m, "written here"));
	free(m);
	assert_int_equal(vault_conflict_copies(apath, out, 2), 1);
	assert_non_null(strstr(out[0], "-SELFHELP"));
	assert_int_equal(merge(apath, out[0], &s), VAULT_OK);
	assert_true(s.changed);
	m = dump(apath);
	assert_non_null(strstr(m, "written here"));
	assert_non_null(strstr(m, "newer there"));
	free(m);
	free(out[0]);
}

static void
set_passphrase(const char *path, const char *from, const char *to)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, from, strlen(from)), VAULT_OK);
	assert_int_equal(vault_begin(v), VAULT_OK);
	assert_int_equal(vault_set_passphrase(v, to, strlen(to), NULL),
	                 VAULT_OK);
	assert_int_equal(vault_commit(v), VAULT_OK);
	vault_free(v);
}

static bool
opens_with(const char *path, const char *pass)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(path, &v, &err), VAULT_OK);
	bool ok = vault_unlock(v, pass, strlen(pass)) == VAULT_OK;
	vault_free(v);
	return ok;
}

/* Merge `from` into `into`, which opens with `pass`. */
static int
merge_as(const char *into, const char *pass, const char *from,
         struct vault_merge_summary *sum)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(vault_open(into, &v, &err), VAULT_OK);
	assert_int_equal(vault_unlock(v, pass, strlen(pass)), VAULT_OK);
	int rc = vault_merge(v, from, false, sum);
	vault_free(v);
	return rc;
}

/* A passphrase changed on one side since the copies parted travels,
 * whichever way they are merged; merging again changes nothing. */
static void
passphrase_travels(void **state)
{
	char ids[1][VAULT_ID_HEX + 1], keep[FIXTURE_PATH_MAX];
	struct vault_merge_summary s;
	fixture_path(keep, "a-before.db");
	two_copies(1, ids);
	assert_int_equal(merge(apath, bpath, &s), VAULT_OK);
	assert_false(s.other_passphrase || s.passphrase_taken);
	set_passphrase(bpath, PASS, "new words here");
	copy_file(apath, keep);
	/* into the copy that did not change it: taken */
	assert_int_equal(merge(apath, bpath, &s), VAULT_OK);
	assert_true(s.passphrase_taken);
	assert_true(s.changed);
	assert_false(s.other_passphrase || s.recovery_taken);
	assert_true(opens_with(apath, "new words here"));
	assert_false(opens_with(apath, PASS));
	assert_int_equal(merge_as(apath, "new words here", bpath, &s),
	                 VAULT_OK);
	assert_false(s.changed || s.passphrase_taken);
	/* the other way round: the change is kept, nothing to do */
	assert_int_equal(merge_as(bpath, "new words here", keep, &s), VAULT_OK);
	assert_false(s.passphrase_taken || s.other_passphrase || s.changed);
	assert_true(opens_with(bpath, "new words here"));
	assert_false(opens_with(bpath, PASS));
}

/* Changed on both sides since they parted: each keeps its own, and the
 * summary says the copy has another one. */
static void
other_passphrase_told(void **state)
{
	char ids[1][VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	two_copies(1, ids);
	set_passphrase(bpath, PASS, "words of b");
	set_passphrase(apath, PASS, "words of a");
	assert_int_equal(merge_as(apath, "words of a", bpath, &s), VAULT_OK);
	assert_true(s.other_passphrase);
	assert_false(s.passphrase_taken);
	assert_true(opens_with(apath, "words of a"));
	assert_false(opens_with(apath, "words of b"));
}

/* A recovery code removed on one side is removed on the other; a new one
 * made on one side comes to the other. */
static void
recovery_travels(void **state)
{
	char ids[1][VAULT_ID_HEX + 1];
	struct vault_merge_summary s;
	struct vault *b;
	two_copies(1, ids);
	b = open_at(bpath);
	assert_int_equal(vault_begin(b), VAULT_OK);
	assert_int_equal(vault_set_recovery(b, "code one", 8), VAULT_OK);
	assert_int_equal(vault_commit(b), VAULT_OK);
	vault_free(b);
	assert_int_equal(merge(apath, bpath, &s), VAULT_OK);
	assert_true(s.recovery_taken);
	char *err = NULL;
	assert_int_equal(vault_open(apath, &b, &err), VAULT_OK);
	assert_true(vault_has_recovery(b));
	assert_int_equal(vault_unlock_recovery(b, "code one", 8), VAULT_OK);
	vault_free(b);
	b = open_at(bpath);
	assert_int_equal(vault_begin(b), VAULT_OK);
	assert_int_equal(vault_remove_recovery(b), VAULT_OK);
	assert_int_equal(vault_commit(b), VAULT_OK);
	vault_free(b);
	assert_int_equal(merge(apath, bpath, &s), VAULT_OK);
	assert_true(s.recovery_taken);
	b = open_at(apath);
	assert_false(vault_has_recovery(b));
	struct vault_check_report r;
	assert_int_equal(vault_check(b, &r), VAULT_OK);
	assert_false(r.recovery_expected);
	vault_free(b);
	assert_int_equal(merge(bpath, apath, &s), VAULT_OK);
	assert_false(s.recovery_taken || s.changed);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(disjoint_adds),
	        T(edit_one_side),
	        T(edit_both),
	        T(delete_and_edit),
	        T(sealed_waiting),
	        T(locked_write_id_taken),
	        T(dry_run),
	        T(other_vault_refused),
	        T(rekeyed_refused),
	        T(damaged_refused),
	        T(old_copy_not_rolled_back),
	        T(conflict_names),
	        T(conflict_copies_found),
	        T(replaced_underneath),
	        T(passphrase_travels),
	        T(other_passphrase_told),
	        T(recovery_travels),
	};
	if (sodium_init() < 0)
		return 1;
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
