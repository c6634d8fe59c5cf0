/*
 * Merging another copy of the same vault into this one (vault_merge; the
 * rules are in doc/vault-format.md, "Merging copies"). The other copy is
 * read only through this vault's keys: every row, bucket and the state
 * of it must authenticate, or nothing is merged.
 */
#include "vault-internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* One record (or tombstone) of the other copy, as offered to this one. */
struct offer {
	unsigned char id[VAULT_ID_BYTES];
	char kind[VAULT_KIND_MAX];
	int64_t revision;
	int64_t time;
	uint32_t flags; /* enum vault_record_flags */
	bool tombstone;
	struct ancestry anc;
	const unsigned char *head;
	size_t headlen;
	const unsigned char *body;
	size_t bodylen;
	unsigned char hash[ANC_HASH];
};

enum { PROVENANCE = VAULT_WRITTEN_LOCKED | VAULT_CONFLICT_COPY };

static struct vault_merge_kind *
count_for(struct vault_merge_summary *sum, const char *kind)
{
	for (size_t i = 0; i < sum->nkinds; i++)
		if (strcmp(sum->kinds[i].kind, kind) == 0)
			return &sum->kinds[i];
	static struct vault_merge_kind spare;
	if (sum->nkinds == VAULT_MERGE_KINDS) {
		memset(&spare, 0, sizeof(spare));
		return &spare;
	}
	struct vault_merge_kind *k = &sum->kinds[sum->nkinds++];
	memset(k, 0, sizeof(*k));
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	return k;
}

/* The id of the conflict copy of record `id` whose version has `hash`:
 * the same on both machines, so merging either way gives one copy. */
static void
conflict_id(const unsigned char *id, const unsigned char *hash,
            unsigned char *out)
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, VAULT_ID_BYTES);
	crypto_generichash_update(&h,
	                          (const unsigned char *)"selfhelp-conflict",
	                          sizeof("selfhelp-conflict"));
	crypto_generichash_update(&h, id, VAULT_ID_BYTES);
	crypto_generichash_update(&h, hash, ANC_HASH);
	crypto_generichash_final(&h, out, VAULT_ID_BYTES);
}

/* Store offer `o` as record `id` of v: over entry e when given (its old
 * row removed), else as a new entry. */
static int
take(struct vault *v, struct index_entry *e, const unsigned char *id,
     const struct offer *o, int64_t revision, uint32_t flags,
     const struct ancestry *anc)
{
	int code = index_kind(v, o->kind, true);
	int64_t key = 0, rowid = 0;
	int rc;
	if (code < 0)
		return VAULT_ERROR;
	vault_sort_key_of(v, o->kind, o->head, o->headlen, &key, &flags);
	if ((rc = vault_store_row(v, o->kind, id, revision, flags, o->time, anc,
	                          o->head, o->headlen, o->body, o->bodylen,
	                          false, &rowid)))
		return rc;
	if (rowid > v->st.high_water)
		v->st.high_water = rowid;
	if (e) {
		bool was_live = !(e->flags & ENTRY_TOMBSTONE);
		if (was_live && e->rowid &&
		    (rc = vault_remove_row(v, e->rowid)))
			return rc;
		e->rowid = rowid;
		e->revision = revision;
		e->key = key;
		e->flags = flags;
		e->kind = (uint8_t)code;
		if (!was_live)
			v->st.live++;
		index_touch(v, id);
		return VAULT_OK;
	}
	struct index_entry ne = {.rowid = rowid,
	                         .revision = revision,
	                         .seq = v->st.next_seq++,
	                         .key = key,
	                         .flags = flags,
	                         .kind = (uint8_t)code};
	memcpy(ne.id, id, VAULT_ID_BYTES);
	return index_add(v, &ne);
}

/* Keep the losing version `o` of a record edited on both as a conflict
 * copy, unless that copy is here already (or was deleted). */
static int
keep_copy(struct vault *v, const struct offer *o,
          struct vault_merge_summary *sum)
{
	unsigned char cid[VAULT_ID_BYTES];
	int rc;
	conflict_id(o->id, o->hash, cid);
	struct index_entry *c = index_find(v, cid, &rc);
	if (rc || c)
		return rc;
	if ((rc = take(v, NULL, cid, o, 1,
	               (o->flags & PROVENANCE) | VAULT_CONFLICT_COPY, NULL)))
		return rc;
	count_for(sum, o->kind)->conflicts++;
	sum->changed = true;
	return VAULT_OK;
}

/* Which of two versions edited apart keeps the record's id: the higher
 * revision, then the later, then the greater hash. Both machines agree. */
static bool
wins(const struct offer *a, const struct offer *b)
{
	if (a->revision != b->revision)
		return a->revision > b->revision;
	if (a->time != b->time)
		return a->time > b->time;
	return memcmp(a->hash, b->hash, ANC_HASH) > 0;
}

/* Read this vault's live record e as an offer (buffers to free): 0, 1
 * when it does not read, or an error. */
static int
ours(struct vault *v, const struct index_entry *e, struct offer *o,
     unsigned char **h, unsigned char **b)
{
	sqlite3_stmt *st = NULL;
	struct envelope env;
	int rc = 1;
	*h = *b = NULL;
	if (e->flags & ENTRY_LEGACY_DAMAGED)
		return 1;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT head, body FROM record WHERE rowid = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	sqlite3_bind_int64(st, 1, e->rowid);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    vault_open_row(v, sqlite3_column_blob(st, 0),
	                   (size_t)sqlite3_column_bytes(st, 0),
	                   sqlite3_column_blob(st, 1),
	                   (size_t)sqlite3_column_bytes(st, 1), e->id,
	                   e->revision, &env, h, b, &o->bodylen) == 0) {
		memcpy(o->id, e->id, VAULT_ID_BYTES);
		snprintf(o->kind, sizeof(o->kind), "%s", env.kind);
		o->revision = env.revision;
		o->time = env.time;
		o->flags = e->flags & PROVENANCE;
		o->anc = env.anc;
		o->head = env.head;
		o->headlen = env.headlen;
		o->body = *b;
		revision_hash(o->id, o->revision, o->kind, o->head, o->headlen,
		              o->body, o->bodylen, o->hash);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Bring one record (or tombstone) of the other copy into v. */
static int
merge_one(struct vault *v, struct offer *t, struct vault_merge_summary *sum)
{
	int rc;
	struct index_entry *e = index_find(v, t->id, &rc);
	if (rc)
		return rc;
	if (t->tombstone) {
		if (!e) {
			int code = index_kind(v, t->kind, true);
			if (code < 0)
				return VAULT_ERROR;
			struct index_entry ne = {
			        .revision = t->revision,
			        .seq = v->st.next_seq++,
			        .flags = (t->flags & VAULT_WRITTEN_LOCKED) |
			                 ENTRY_TOMBSTONE,
			        .kind = (uint8_t)code};
			memcpy(ne.id, t->id, VAULT_ID_BYTES);
			sum->changed = true;
			return index_add(v, &ne);
		}
		if (e->flags & ENTRY_TOMBSTONE)
			return VAULT_OK;
		/* deleted there: not brought back here */
		if (e->rowid && (rc = vault_remove_row(v, e->rowid)))
			return rc;
		count_for(sum, index_kind_name(v, e->kind))->deleted++;
		e->rowid = 0;
		e->revision = e->revision + 1 > t->revision ? e->revision + 1
		                                            : t->revision;
		e->flags = (e->flags & VAULT_WRITTEN_LOCKED) | ENTRY_TOMBSTONE;
		v->st.live--;
		index_touch(v, t->id);
		sum->changed = true;
		return filter_drop(v, t->id);
	}
	if (!e) {
		if ((rc = take(v, NULL, t->id, t, t->revision,
		               t->flags & PROVENANCE, &t->anc)))
			return rc;
		count_for(sum, t->kind)->added++;
		sum->changed = true;
		return VAULT_OK;
	}
	if (e->flags & ENTRY_TOMBSTONE) {
		/* deleted here stays deleted; said when it was changed there
		 * after the version deleted here */
		if (t->revision >= e->revision)
			count_for(sum, t->kind)->kept_deleted++;
		return VAULT_OK;
	}
	struct offer o = {0};
	unsigned char *h = NULL, *b = NULL;
	rc = ours(v, e, &o, &h, &b);
	if (rc < 0)
		return rc;
	if (rc) {
		/* ours does not read: theirs is kept beside it */
		rc = keep_copy(v, t, sum);
	} else if (sodium_memcmp(o.hash, t->hash, ANC_HASH) == 0 ||
	           ancestry_has(&o.anc, t->hash)) {
		rc = VAULT_OK; /* the same, or ours came from theirs */
	} else if (ancestry_has(&t->anc, o.hash)) {
		rc = take(v, e, t->id, t, t->revision, t->flags & PROVENANCE,
		          &t->anc);
		if (!rc) {
			count_for(sum, t->kind)->updated++;
			sum->changed = true;
		}
	} else if (wins(&o, t)) {
		rc = keep_copy(v, t, sum);
	} else {
		/* theirs keeps the id, ours becomes the copy */
		rc = take(v, e, t->id, t, t->revision, t->flags & PROVENANCE,
		          &t->anc);
		if (!rc) {
			sum->changed = true;
			rc = keep_copy(v, &o, sum);
		}
	}
	sodium_free(h);
	sodium_free(b);
	return rc;
}

static int
by_seq(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Open the other copy with v's keys, for reading only. */
static int
open_other(struct vault *v, const char *path, struct vault **out)
{
	struct vault *o = NULL;
	char *err = NULL;
	struct stat a, b;
	int rc;
	*out = NULL;
	if (stat(v->path, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return vault_set_error(v, VAULT_REFUSED,
		                       "%s is this vault itself, so there is "
		                       "nothing to merge.",
		                       path);
	if ((rc = vault_open(path, &o, &err))) {
		vault_set_error(v, rc, "%s", err ? err : "It does not open.");
		free(err);
		return rc;
	}
	if (sodium_memcmp(o->vault_id, v->vault_id, VAULT_ID_BYTES) != 0) {
		vault_free(o);
		return vault_set_error(v, VAULT_REFUSED,
		                       "%s is not a copy of this vault (it is "
		                       "another vault), so nothing was merged; "
		                       "it opens on its own with "
		                       "'selfhelp --vault' and its own "
		                       "passphrase.",
		                       path);
	}
	if (o->format != 2) {
		vault_free(o);
		return vault_set_error(v, VAULT_REFUSED,
		                       "The copy at %s was made by an older "
		                       "selfhelp. Open it once with this one "
		                       "(it is then brought up to date), and "
		                       "merge again; nothing was changed.",
		                       path);
	}
	if (vault_alloc_keys(o) != 0) {
		vault_free(o);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	memcpy(o->master, v->master, CRYPTO_KEY_BYTES);
	vault_derive_subkeys(o);
	if ((rc = vault_exec(o, "BEGIN DEFERRED;", "read the copy")) ||
	    (rc = index_fresh(o)) || (rc = index_load_all(o))) {
		bool rekeyed = sodium_memcmp(o->public_key, v->public_key,
		                             PK_BYTES) != 0;
		sqlite3_exec(o->db, "ROLLBACK;", NULL, NULL, NULL);
		vault_free(o);
		if (rekeyed && rc == VAULT_DAMAGED)
			return vault_set_error(
			        v, VAULT_REFUSED,
			        "The copy at %s has other keys than this "
			        "vault: "
			        "one of the two was given a new key "
			        "('selfhelp passwd --rekey') since they "
			        "parted, "
			        "so this vault cannot read it. Nothing was "
			        "changed. To bring its records here, export "
			        "them "
			        "from that copy with its own passphrase "
			        "('selfhelp export') and import the file here "
			        "('selfhelp import').",
			        path);
		return vault_set_error(v, VAULT_DAMAGED,
		                       "The copy at %s does not read as a "
		                       "whole (it may be damaged, or changed "
		                       "outside selfhelp), so nothing was "
		                       "merged; this vault is as it was. "
		                       "'selfhelp check' on that copy says "
		                       "more.",
		                       path);
	}
	*out = o;
	return VAULT_OK;
}

static void
close_other(struct vault *o)
{
	if (o)
		sqlite3_exec(o->db, "ROLLBACK;", NULL, NULL, NULL);
	vault_free(o);
}

static int
damaged_copy(struct vault *v, const char *path)
{
	return vault_set_error(v, VAULT_DAMAGED,
	                       "Some records in the copy at %s do not read "
	                       "(it may be damaged, or changed outside "
	                       "selfhelp), so nothing was merged; this vault "
	                       "is as it was. 'selfhelp check' on that copy "
	                       "says more.",
	                       path);
}

/* Every record and tombstone the other copy's index names. */
static int
merge_indexed(struct vault *v, struct vault *o, const char *path,
              struct vault_merge_summary *sum)
{
	size_t nb = (size_t)1 << o->st.bucket_bits, n = 0, k = 0;
	for (size_t i = 0; i < nb; i++)
		n += o->buckets[i].n;
	struct index_entry *all = calloc(n ? n : 1, sizeof(*all));
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (!all)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	for (size_t i = 0; i < nb; i++)
		for (size_t j = 0; j < o->buckets[i].n; j++)
			all[k++] = o->buckets[i].e[j];
	qsort(all, n, sizeof(*all), by_seq);
	if (sqlite3_prepare_v2(o->db,
	                       "SELECT head, body FROM record WHERE rowid = ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		free(all);
		return vault_db_error(v, "read the copy");
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const struct index_entry *e = &all[i];
		struct offer t = {0};
		struct envelope env;
		unsigned char *h = NULL, *b = NULL;
		const char *kind = index_kind_name(o, e->kind);
		memcpy(t.id, e->id, VAULT_ID_BYTES);
		snprintf(t.kind, sizeof(t.kind), "%s", kind);
		t.revision = e->revision;
		t.flags = e->flags & PROVENANCE;
		if (!vault_kind_ok(kind) || (e->flags & ENTRY_LEGACY_DAMAGED)) {
			rc = damaged_copy(v, path);
			break;
		}
		if (e->flags & ENTRY_TOMBSTONE) {
			t.tombstone = true;
			rc = merge_one(v, &t, sum);
			continue;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, e->rowid);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    vault_open_row(o, sqlite3_column_blob(st, 0),
		                   (size_t)sqlite3_column_bytes(st, 0),
		                   sqlite3_column_blob(st, 1),
		                   (size_t)sqlite3_column_bytes(st, 1), e->id,
		                   e->revision, &env, &h, &b,
		                   &t.bodylen) != 0 ||
		    strcmp(env.kind, kind) != 0) {
			sodium_free(h);
			sodium_free(b);
			rc = damaged_copy(v, path);
			break;
		}
		t.time = env.time;
		t.anc = env.anc;
		t.head = env.head;
		t.headlen = env.headlen;
		t.body = b;
		revision_hash(t.id, t.revision, t.kind, t.head, t.headlen,
		              t.body, t.bodylen, t.hash);
		sqlite3_reset(st);
		rc = merge_one(v, &t, sum);
		sodium_free(h);
		sodium_free(b);
	}
	sqlite3_finalize(st);
	free(all);
	return rc;
}

/* Records written while the other copy was locked, not yet folded in
 * there: opened with the vault's secret key, taken as they would be
 * there. Rows that do not open as one stay where they are. */
static int
merge_waiting(struct vault *v, struct vault *o, struct vault_merge_summary *sum)
{
	unsigned char *sk = sodium_malloc(SK_BYTES);
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK, s;
	if (!sk)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (vault_open_secret_key(v, v->master, sk) != 0) {
		sodium_free(sk);
		return VAULT_OK; /* then none can be read */
	}
	if (sqlite3_prepare_v2(o->db,
	                       "SELECT rowid, head, body FROM record "
	                       "WHERE rowid > ? ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK) {
		sodium_free(sk);
		return vault_db_error(v, "read the copy");
	}
	sqlite3_bind_int64(st, 1, o->st.high_water);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		struct offer t = {0};
		struct envelope env;
		unsigned char *h = NULL, *b = NULL;
		if (index_is_aside(o, sqlite3_column_int64(st, 0)))
			continue;
		if (vault_sealed_open(o, sk, sqlite3_column_blob(st, 1),
		                      (size_t)sqlite3_column_bytes(st, 1),
		                      sqlite3_column_blob(st, 2),
		                      (size_t)sqlite3_column_bytes(st, 2), &env,
		                      &h, &b, &t.bodylen) != 0 ||
		    !vault_kind_lockable(env.kind)) {
			sodium_free(h);
			sodium_free(b);
			sum->waiting_unread++;
			continue;
		}
		/* as when folding in: a locked write never stands in for a
		 * record already here (anyone with the public key can make
		 * one, under any id) */
		struct index_entry *e = index_find(v, env.id, &rc);
		if (rc || e) {
			sodium_free(h);
			sodium_free(b);
			if (e)
				sum->waiting_unread++;
			continue;
		}
		memcpy(t.id, env.id, VAULT_ID_BYTES);
		snprintf(t.kind, sizeof(t.kind), "%s", env.kind);
		t.revision = 1;
		t.time = env.time;
		t.flags = VAULT_WRITTEN_LOCKED;
		t.head = env.head;
		t.headlen = env.headlen;
		t.body = b;
		revision_hash(t.id, t.revision, t.kind, t.head, t.headlen,
		              t.body, t.bodylen, t.hash);
		rc = merge_one(v, &t, sum);
		if (!rc)
			sum->locked_writes++;
		sodium_free(h);
		sodium_free(b);
	}
	sqlite3_finalize(st);
	sodium_free(sk);
	return rc;
}

static bool
same_slot(const struct slot_hash *a, const struct slot_hash *b)
{
	return (!a && !b) ||
	       (a && b && sodium_memcmp(a->hash, b->hash, HASH_BYTES) == 0);
}

/*
 * A key slot (passphrase, recovery code) changed in one copy since they
 * parted travels: the copy's slot is taken when the hash it replaced
 * ("NAME-was" in its state) is this vault's slot now. Either way round
 * both end with the change. When neither replaced the other, this
 * vault's stays (*differs says so).
 */
static int
merge_slot(struct vault *v, struct vault *o, const char *name, bool *taken,
           bool *differs)
{
	char was[SLOT_NAME_MAX];
	const struct slot_hash *mine = index_slot(v, name);
	const struct slot_hash *theirs = index_slot(o, name);
	struct slot sl;
	int rc;
	snprintf(was, sizeof(was), "%s-was", name);
	if (same_slot(mine, theirs))
		return VAULT_OK;
	if (!same_slot(mine, index_slot(o, was))) {
		/* this side changed it later, or both did */
		if (differs && !same_slot(index_slot(v, was), theirs))
			*differs = true;
		return VAULT_OK;
	}
	if (!theirs) {
		*taken = true;
		return vault_drop_slot(v, name);
	}
	/* the copy's slot row, as its authenticated state names it */
	unsigned char hash[HASH_BYTES];
	if ((rc = vault_read_slot(o, name, &sl)))
		return vault_set_error(v, VAULT_DAMAGED,
		                       "The other copy's %s key is missing, so "
		                       "nothing was merged.",
		                       name);
	vault_slot_hash(name, &sl, hash);
	if (sodium_memcmp(hash, theirs->hash, HASH_BYTES) != 0)
		return vault_set_error(
		        v, VAULT_DAMAGED,
		        "The other copy's %s key was changed "
		        "outside selfhelp, so nothing was merged.",
		        name);
	*taken = true;
	return vault_store_slot(v, name, &sl);
}

int
vault_merge(struct vault *v, const char *other, bool dry_run,
            struct vault_merge_summary *sum)
{
	struct vault *o = NULL;
	int rc;
	memset(sum, 0, sizeof(*sum));
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (v->format != 2)
		return vault_set_error(v, VAULT_REFUSED,
		                       "This vault must be brought up to date "
		                       "first.");
	if ((rc = open_other(v, other, &o)))
		return rc;
	struct slot pass = v->pass;
	if ((rc = vault_begin(v))) {
		close_other(o);
		return rc;
	}
	if (!(rc = index_load_all(v)) &&
	    !(rc = merge_indexed(v, o, other, sum)) &&
	    !(rc = merge_waiting(v, o, sum)) &&
	    !(rc = merge_slot(v, o, "passphrase", &sum->passphrase_taken,
	                      &sum->other_passphrase)))
		rc = merge_slot(v, o, "recovery", &sum->recovery_taken, NULL);
	if (sum->passphrase_taken || sum->recovery_taken)
		sum->changed = true;
	close_other(o);
	if (rc || dry_run || !v->st_dirty) {
		vault_rollback(v);
		v->pass = pass;
		return rc;
	}
	if ((rc = vault_commit(v)))
		v->pass = pass;
	return rc;
}

/* --- copies left by sync tools --- */

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
vault_is_conflict_copy(const char *base, const char *name)
{
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	const char *ext = base + stem;
	size_t extlen = strlen(ext), n = strlen(name);
	if (n <= stem + extlen || strncmp(name, base, stem) != 0 ||
	    strcmp(name + n - extlen, ext) != 0)
		return false;
	const char *mid = name + stem;
	size_t midlen = n - stem - extlen;
	/* Syncthing: ".sync-conflict-20060102-150405-DEVICE" */
	static const char st[] = ".sync-conflict-";
	size_t stn = sizeof(st) - 1;
	if (midlen > stn + 16 && strncmp(mid, st, stn) == 0) {
		const char *t = mid + stn;
		if (!all_digits(t, 8) || t[8] != '-' || !all_digits(t + 9, 6) ||
		    t[15] != '-')
			return false;
		for (size_t i = stn + 16; i < midlen; i++)
			if (!((mid[i] >= 'A' && mid[i] <= 'Z') ||
			      (mid[i] >= '0' && mid[i] <= '9')))
				return false;
		return true;
	}
	/* ownCloud and Nextcloud clients before 2.5:
	 * "_conflict-20060102-150405", "_conflict_USER-20060102-150405" */
	static const char oc[] = "_conflict";
	size_t ocn = sizeof(oc) - 1;
	if (midlen >= ocn + 16 && strncmp(mid, oc, ocn) == 0 &&
	    (mid[ocn] == '-' || mid[ocn] == '_')) {
		const char *t = mid + midlen - 15;
		return (mid[ocn] == '_' ? midlen > ocn + 17 && t[-1] == '-'
		                        : midlen == ocn + 16) &&
		       all_digits(t, 8) && t[8] == '-' &&
		       all_digits(t + 9, 6) && !memchr(mid, '/', midlen);
	}
	/* Nextcloud, ownCloud 2.5+, Dropbox: " (conflicted copy [USER ]
	 * 2006-01-02 150405)", " (Alex's conflicted copy 2006-01-02)",
	 * " (case clash from 2006-01-02 150405)", " (Case Conflict 1)" */
	if (midlen < 4 || strncmp(mid, " (", 2) != 0 || mid[midlen - 1] != ')')
		return false;
	char inner[256];
	size_t in = midlen - 3;
	if (in >= sizeof(inner) || memchr(mid + 2, '/', in))
		return false;
	memcpy(inner, mid + 2, in);
	inner[in] = '\0';
	return strstr(inner, "conflicted copy") != NULL ||
	       strncasecmp(inner, "Case Conflict", 13) == 0 ||
	       strncasecmp(inner, "Case Clash", 10) == 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
vault_conflict_copies(const char *path, char **out, size_t cap)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) : 0, n = 0;
	char *dir = slash ? strndup(path, dirlen ? dirlen : 1) : strdup(".");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	while (d && n < cap && (e = readdir(d))) {
		if (!vault_is_conflict_copy(base, e->d_name))
			continue;
		size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
		if (!(out[n] = malloc(len)))
			break;
		snprintf(out[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	if (d)
		closedir(d);
	free(dir);
	qsort(out, n, sizeof(*out), by_name);
	return n;
}
