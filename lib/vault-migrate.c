/*
 * Format 1 vaults: writing while locked into one (its `sealed` table),
 * and migrating it to format 2 at the first unlock, in one transaction:
 * a copy of the format 1 file is made first (kept until the next
 * successful `check`), every record and waiting locked write is opened
 * with the format 1 rules and stored again with the format 2 ones, the
 * old tables are dropped. Either all of it is committed or nothing is.
 * A format 1 vault that cannot be written (read-only folder or medium)
 * is migrated in memory only, for reading.
 */
#include "vault-internal.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { V1_RECORD_AD_MAX = 128 };

static size_t
record_ad_v1(const struct vault *v, const char *id, const char *kind,
             int64_t revision, char part, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-record");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_cstr(ad, &n, id);
	ad_cstr(ad, &n, kind);
	ad_u64(ad, &n, (uint64_t)revision);
	ad_u64(ad, &n, 1);
	ad[n++] = (unsigned char)part;
	return n;
}

static size_t
sealed_ad_v1(const struct vault *v, const char *id, const char *kind,
             unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-sealed");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_cstr(ad, &n, id);
	ad_cstr(ad, &n, kind);
	ad_u64(ad, &n, 1);
	return n;
}

/* key = BLAKE2b-256(X25519(scalar, point) || ephemeral pk || vault pk) */
static int
sealed_key_v1(const struct vault *v, const unsigned char *scalar,
              const unsigned char *point, const unsigned char *epk,
              unsigned char *key)
{
	unsigned char *q = sodium_malloc(crypto_scalarmult_BYTES);
	crypto_generichash_state h;
	if (!q)
		return -1;
	if (crypto_scalarmult(q, scalar, point) != 0) {
		sodium_free(q);
		return -1;
	}
	crypto_generichash_init(&h, NULL, 0, CRYPTO_KEY_BYTES);
	crypto_generichash_update(&h, q, crypto_scalarmult_BYTES);
	crypto_generichash_update(&h, epk, PK_BYTES);
	crypto_generichash_update(
	        &h, v->format == 1 ? v->public_key : v->old_pk, PK_BYTES);
	crypto_generichash_final(&h, key, CRYPTO_KEY_BYTES);
	sodium_memzero(&h, sizeof(h));
	sodium_free(q);
	return 0;
}

/* A locked write into a format 1 vault, as format 1 did it. */
int
vault_seal_v1(struct vault *v, const char *kind, const void *head,
              size_t headlen, const void *body, size_t bodylen, char *id_out)
{
	unsigned char epk[PK_BYTES], raw[VAULT_ID_BYTES];
	unsigned char *esk = sodium_malloc(SK_BYTES);
	unsigned char *key = sodium_malloc(CRYPTO_KEY_BYTES);
	unsigned char *plain = NULL, *out = NULL;
	unsigned char ad[AD_MAX];
	char id[VAULT_ID_HEX + 1];
	size_t len = 4 + headlen + bodylen, cap, plen;
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;

	if (headlen > UINT32_MAX || len < headlen) {
		rc = vault_set_error(v, VAULT_ERROR,
		                     "That record cannot be stored.");
		goto out;
	}
	cap = vault_padded_size(len);
	plain = sodium_malloc(cap);
	out = malloc(cap + CRYPTO_OVERHEAD);
	if (!esk || !key || !plain || !out ||
	    cap + CRYPTO_OVERHEAD > INT32_MAX) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	put_u32(plain, (uint32_t)headlen);
	if (headlen)
		memcpy(plain + 4, head, headlen);
	if (bodylen)
		memcpy(plain + 4 + headlen, body, bodylen);
	if (sodium_pad(&plen, plain, len, vault_pad_block(len), cap) != 0) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	crypto_box_keypair(epk, esk);
	if (sealed_key_v1(v, esk, v->public_key, epk, key) != 0) {
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "The vault's public key is damaged.");
		goto out;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, sizeof(id), raw, sizeof(raw));
	crypto_seal(out, plain, plen, ad, sealed_ad_v1(v, id, kind, ad), key);
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT INTO sealed(id, kind, ephemeral_key, "
	                       "data) VALUES (?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = vault_db_error(v, "save the record");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, epk, sizeof(epk), SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, out, (int)(plen + CRYPTO_OVERHEAD),
	                  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the record");
	else if (id_out)
		memcpy(id_out, id, sizeof(id));
out:
	sqlite3_finalize(st);
	sodium_free(esk);
	sodium_free(key);
	sodium_free(plain);
	free(out);
	return rc;
}

static bool
table_exists(struct vault *v, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT 1 FROM sqlite_master WHERE type = "
	                       "'table' AND name = ?",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

/* Open a format 1 part into `out` (room for the ciphertext); 0 or -1. */
static int
open_v1(struct vault *v, const unsigned char *sealed, size_t len,
        const unsigned char *ad, size_t adlen, unsigned char *out, size_t *plen)
{
	if (!sealed || len <= CRYPTO_OVERHEAD)
		return -1;
	if (crypto_open(out, sealed, len, ad, adlen, v->reckey) != 0 ||
	    vault_unpad(plen, out, len - CRYPTO_OVERHEAD) != 0)
		return -1;
	return 0;
}

static void
progress(struct vault *v, uint64_t n, uint64_t total)
{
	struct vault_event ev = {
	        .type = VAULT_EV_MIGRATING, .n = n, .total = total};
	vault_emit(v, &ev);
}

/* A format 1 record that does not open stays what it was: its bytes in a
 * row, and an entry that says it is damaged. */
static int
carry_damaged(struct vault *v, const char *id, const char *kind,
              const void *head, size_t hl, const void *body, size_t bl)
{
	unsigned char raw[VAULT_ID_BYTES];
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK, code;
	size_t n = 0;
	char hex[VAULT_ID_HEX + 1];
	if (!id || !vault_id_ok(id) ||
	    sodium_hex2bin(raw, sizeof(raw), id, VAULT_ID_HEX, NULL, &n,
	                   NULL) != 0 ||
	    index_find(v, raw, &rc))
		randombytes_buf(raw, sizeof(raw));
	if (rc)
		return rc;
	code = index_kind(v, kind && vault_kind_ok(kind) ? kind : "unknown",
	                  true);
	if (code < 0)
		return VAULT_ERROR;
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT INTO record(head, body) VALUES (?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "update the vault");
	sqlite3_bind_blob(st, 1, head ? head : "", (int)hl, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, body ? body : "", (int)bl, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "update the vault");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	struct index_entry e = {.rowid = sqlite3_last_insert_rowid(v->db),
	                        .revision = 1,
	                        .seq = v->st.next_seq++,
	                        .key = INT64_MAX,
	                        .flags = ENTRY_LEGACY_DAMAGED,
	                        .kind = (uint8_t)code};
	memcpy(e.id, raw, VAULT_ID_BYTES);
	if (e.rowid > v->st.high_water)
		v->st.high_water = e.rowid;
	sodium_bin2hex(hex, sizeof(hex), raw, VAULT_ID_BYTES);
	struct vault_event ev = {.type = VAULT_EV_MIGRATE_DAMAGED,
	                         .id = hex,
	                         .kind = index_kind_name(v, (uint8_t)code)};
	vault_emit(v, &ev);
	return index_add(v, &e);
}

/* Every format 1 record, opened and stored again. */
static int
move_records(struct vault *v, uint64_t total, uint64_t *done)
{
	sqlite3_stmt *st = NULL;
	unsigned char ad[V1_RECORD_AD_MAX];
	int rc = VAULT_OK, s;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT id, kind, revision, head, body FROM "
	                       "record_v1 ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "update the vault");
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		int64_t rev = sqlite3_column_int64(st, 2);
		const unsigned char *hb = sqlite3_column_blob(st, 3);
		size_t hlen = (size_t)sqlite3_column_bytes(st, 3);
		const unsigned char *bb = sqlite3_column_blob(st, 4);
		size_t blen = (size_t)sqlite3_column_bytes(st, 4);
		unsigned char raw[VAULT_ID_BYTES];
		unsigned char *head = NULL, *body = NULL;
		size_t hl = 0, bl = 0, n = 0;
		bool ok = id && kind && vault_id_ok(id) &&
		          vault_kind_ok(kind) &&
		          sodium_hex2bin(raw, sizeof(raw), id, VAULT_ID_HEX,
		                         NULL, &n, NULL) == 0;
		if (ok) {
			head = sodium_malloc(hlen + 1);
			body = sodium_malloc(blen + 1);
			if (!head || !body) {
				sodium_free(head);
				sodium_free(body);
				rc = vault_set_error(v, VAULT_ERROR,
				                     "Out of memory.");
				break;
			}
			ok = open_v1(v, hb, hlen, ad,
			             record_ad_v1(v, id, kind, rev, 'h', ad),
			             head, &hl) == 0 &&
			     open_v1(v, bb, blen, ad,
			             record_ad_v1(v, id, kind, rev, 'b', ad),
			             body, &bl) == 0;
		}
		if (ok) {
			rc = vault_record_insert(v, raw, kind, head, hl, body,
			                         bl, 0, 0);
			if (rc == VAULT_EXISTS) /* a copy under the same id */
				rc = carry_damaged(v, NULL, kind, hb, hlen, bb,
				                   blen);
		} else {
			rc = carry_damaged(v, id, kind, hb, hlen, bb, blen);
		}
		if (head) {
			sodium_memzero(head, hlen + 1);
			sodium_free(head);
		}
		if (body) {
			sodium_memzero(body, blen + 1);
			sodium_free(body);
		}
		if (++*done % 512 == 0)
			progress(v, *done, total);
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "update the vault");
	sqlite3_finalize(st);
	return rc;
}

/* Every format 1 locked write still waiting, folded in. */
static int
move_sealed(struct vault *v, const unsigned char *sk)
{
	sqlite3_stmt *st = NULL;
	unsigned char ad[AD_MAX];
	int rc = VAULT_OK, s;
	if (!table_exists(v, "sealed"))
		return VAULT_OK;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT id, kind, ephemeral_key, data FROM "
	                       "sealed ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "update the vault");
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const unsigned char *epk = sqlite3_column_blob(st, 2);
		size_t epklen = (size_t)sqlite3_column_bytes(st, 2);
		const unsigned char *data = sqlite3_column_blob(st, 3);
		size_t len = (size_t)sqlite3_column_bytes(st, 3);
		unsigned char raw[VAULT_ID_BYTES];
		unsigned char *key = sodium_malloc(CRYPTO_KEY_BYTES);
		unsigned char *p = sodium_malloc(len + 1);
		size_t plen = 0, n = 0, headlen = 0;
		enum vault_aside_reason why = VAULT_ASIDE_DAMAGED;
		if (!key || !p) {
			sodium_free(key);
			sodium_free(p);
			rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
			break;
		}
		bool ok =
		        id && kind && vault_id_ok(id) && vault_kind_ok(kind) &&
		        epklen == PK_BYTES && len > CRYPTO_OVERHEAD &&
		        sodium_hex2bin(raw, sizeof(raw), id, VAULT_ID_HEX, NULL,
		                       &n, NULL) == 0 &&
		        sealed_key_v1(v, sk, epk, epk, key) == 0 &&
		        crypto_open(p, data, len, ad,
		                    sealed_ad_v1(v, id, kind, ad), key) == 0 &&
		        vault_unpad(&plen, p, len - CRYPTO_OVERHEAD) == 0 &&
		        plen >= 4 && (headlen = get_u32(p)) <= plen - 4;
		if (ok && !vault_kind_lockable(kind)) {
			ok = false;
			why = VAULT_ASIDE_KIND;
		}
		if (ok) {
			int frc = 0;
			if (index_find(v, raw, &frc) || frc) {
				ok = false;
				why = VAULT_ASIDE_REPLAY;
				rc = frc;
			}
		}
		if (ok && !rc) {
			rc = vault_record_insert(
			        v, raw, kind, p + 4, headlen, p + 4 + headlen,
			        plen - 4 - headlen, VAULT_WRITTEN_LOCKED,
			        (int64_t)time(NULL));
			if (!rc) {
				struct vault_event ev = {
				        .type = VAULT_EV_FOLDED,
				        .kind = kind,
				        .id = id,
				        .time = (int64_t)time(NULL)};
				vault_emit(v, &ev);
			}
		} else if (!rc) {
			/* it stays in the copy of the format 1 file */
			struct vault_event ev = {
			        .type = VAULT_EV_SET_ASIDE,
			        .kind = kind && vault_kind_ok(kind) ? kind : "",
			        .id = id && vault_id_ok(id) ? id : NULL,
			        .why = why};
			vault_emit(v, &ev);
		}
		sodium_memzero(p, len + 1);
		sodium_free(p);
		sodium_free(key);
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "update the vault");
	sqlite3_finalize(st);
	return rc;
}

/* Carry the key slots over: the passphrase slot is bound anew when the
 * passphrase is known, every other keeps its format 1 binding (the
 * state remembers each as it is). */
static int
move_slots(struct vault *v, const char *pass, size_t passlen)
{
	static const char *const names[] = {"passphrase", "recovery"};
	int rc;
	if ((rc = vault_exec(v,
	                     "ALTER TABLE keyslot ADD COLUMN ad INTEGER NOT "
	                     "NULL DEFAULT 1;"
	                     "ALTER TABLE keyslot ADD COLUMN bound BLOB;"
	                     "UPDATE keyslot SET bound = (SELECT public_key "
	                     "FROM meta WHERE id = 1);",
	                     "update the vault")))
		return rc;
	for (size_t i = 0; i < 2; i++) {
		struct slot sl;
		unsigned char hash[HASH_BYTES];
		/* read as a format 2 file now: the columns are there */
		rc = vault_read_slot(v, names[i], &sl);
		if (rc == VAULT_NOT_FOUND)
			continue;
		if (rc)
			return rc;
		if (i == 0 && pass) {
			if ((rc = vault_write_slot_key(v, names[i], pass,
			                               passlen, &sl.kdf)))
				return rc;
			continue;
		}
		vault_slot_hash(names[i], &sl, hash);
		if ((rc = index_set_slot(v, names[i], hash)))
			return rc;
	}
	/* other slots were never written by format 1: none to carry */
	return vault_exec(v,
	                  "DELETE FROM keyslot WHERE name NOT IN "
	                  "('passphrase', 'recovery');",
	                  "update the vault");
}

static uint64_t
count_rows(struct vault *v, const char *sql)
{
	sqlite3_stmt *st = NULL;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A copy of the format 1 file beside it, made first: PATH.format1 (or
 * .format1-2 ... when that is taken). Its path into *out (caller frees). */
static int
copy_v1(struct vault *v, char **out)
{
	sqlite3_stmt *st = NULL;
	char *p = NULL;
	int rc = VAULT_OK, fd = -1;
	*out = NULL;
	for (int i = 1; i < 100 && fd < 0; i++) {
		free(p);
		if ((i == 1 ? asprintf(&p, "%s.format1", v->path)
		            : asprintf(&p, "%s.format1-%d", v->path, i)) < 0)
			return vault_set_error(v, VAULT_ERROR,
			                       "Out of memory.");
		fd = outfile_create(p);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = vault_set_error(
		        v, VAULT_ERROR,
		        "Could not keep a copy of the vault before "
		        "updating it (%s); nothing was changed.",
		        strerror(errno));
		free(p);
		return rc;
	}
	close(fd);
	if (sqlite3_prepare_v2(v->db, "VACUUM INTO ?", -1, &st, NULL) !=
	    SQLITE_OK)
		rc = vault_db_error(v, "keep a copy of the vault");
	else {
		sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = vault_db_error(v, "keep a copy of the vault");
	}
	sqlite3_finalize(st);
	if (rc) {
		unlink(p);
		free(p);
		return rc;
	}
	*out = p;
	return VAULT_OK;
}

/* A read-only format 1 vault: the migration runs on a copy in memory. */
static int
to_memory(struct vault *v)
{
	sqlite3 *mem = NULL;
	sqlite3_backup *b;
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK) {
		sqlite3_close(mem);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	b = sqlite3_backup_init(mem, "main", v->db, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		sqlite3_backup_finish(b);
		sqlite3_close(mem);
		return vault_set_error(v, VAULT_ERROR,
		                       "Could not read the vault into memory.");
	}
	sqlite3_backup_finish(b);
	sqlite3_finalize(v->row_st);
	v->row_st = NULL;
	sqlite3_finalize(v->insert_st);
	v->insert_st = NULL;
	sqlite3_finalize(v->dv_st);
	v->dv_st = NULL;
	sqlite3_close(v->db);
	v->db = mem;
	sqlite3_exec(mem, "PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
	return VAULT_OK;
}

int
vault_migrate_v1(struct vault *v, const char *pass, size_t passlen)
{
	unsigned char *sk = sodium_malloc(SK_BYTES);
	char *copy = NULL;
	bool read_only = sqlite3_db_readonly(v->db, "main") == 1;
	uint64_t total, done = 0;
	int rc;

	bool new_pair = false;
	if (!sk)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	/* Without its secret key, nothing written while locked can be read:
	 * a new key pair (what waits for the old one stays in the copy). */
	if (vault_open_secret_key(v, v->master, sk) != 0)
		new_pair = true;
	if (read_only) {
		if ((rc = to_memory(v)))
			goto out;
		v->ro_reason = VAULT_RO_FOLDER;
		v->mem_copy = true;
	} else if ((rc = copy_v1(v, &copy))) {
		goto out;
	}
	/* A rollback journal for this one transaction: in WAL mode SQLite
	 * keeps every page it changes in memory until the commit (and this
	 * one changes the whole file); with a journal it writes them out as
	 * it goes. Without others at the file it can switch; else it stays
	 * in WAL mode, at a cost in memory only. */
	if (!read_only)
		vault_bulk_enter(v);
	if ((rc = vault_exec(v, "BEGIN IMMEDIATE;", "update the vault")))
		goto out;
	v->in_tx = true;
	total = count_rows(v, "SELECT count(*) FROM record");
	if ((rc = vault_exec(v,
	                     "DROP INDEX IF EXISTS record_kind;"
	                     "ALTER TABLE record RENAME TO record_v1;",
	                     "update the vault")) ||
	    (rc = vault_exec(v, vault_schema_v2(), "update the vault")))
		goto fail;
	/* from here on, the format 2 rules */
	memcpy(v->old_pk, v->public_key, PK_BYTES);
	v->format = 2;
	if (new_pair) {
		unsigned char old_pk[PK_BYTES];
		memcpy(old_pk, v->public_key, PK_BYTES);
		crypto_box_keypair(v->public_key, sk);
		/* the old key only to tell the waiting ones apart */
		memcpy(v->old_pk, old_pk, PK_BYTES);
	}
	if ((rc = index_create(v)))
		goto fail;
	progress(v, 0, total);
	if ((rc = move_records(v, total, &done)))
		goto fail;
	/* the secret key's v2 binding uses v->format: seal it again */
	vault_seal_secret_key(v, sk, v->sk_sealed);
	if ((rc = move_sealed(v, sk)))
		goto fail;
	if ((rc = move_slots(v, pass, passlen)) || (rc = vault_store_meta(v)) ||
	    (rc = vault_exec(v,
	                     "DROP TABLE record_v1;"
	                     "DROP TABLE IF EXISTS sealed;"
	                     "DROP TABLE IF EXISTS listing;"
	                     "PRAGMA user_version=4;",
	                     "update the vault")))
		goto fail;
	v->schema = VAULT_SCHEMA;
	if ((rc = vault_commit(v)))
		goto fail_committed;
	progress(v, total, total);
	if (new_pair) {
		struct vault_event ev = {.type = VAULT_EV_NEW_KEY_PAIR};
		vault_emit(v, &ev);
	}
	if (!read_only) {
		struct vault_event ev = {.type = VAULT_EV_MIGRATED,
		                         .path = copy,
		                         .total = total};
		vault_emit(v, &ev);
	}
	goto out;
fail:
	vault_rollback(v);
fail_committed:
	/* untouched: the format 1 rules again, the copy not needed */
	v->format = 1;
	v->schema = 3;
	index_release(v);
	if (copy)
		unlink(copy);
	{
		unsigned char *osk = sodium_malloc(SK_SEALED_LEN);
		sqlite3_stmt *st = NULL;
		if (osk &&
		    sqlite3_prepare_v2(
		            v->db,
		            "SELECT secret_key, public_key FROM meta "
		            "WHERE id = 1",
		            -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) == SK_SEALED_LEN &&
		    sqlite3_column_bytes(st, 1) == PK_BYTES) {
			memcpy(v->sk_sealed, sqlite3_column_blob(st, 0),
			       SK_SEALED_LEN);
			memcpy(v->public_key, sqlite3_column_blob(st, 1),
			       PK_BYTES);
		}
		sqlite3_finalize(st);
		sodium_free(osk);
	}
out:
	vault_bulk_leave(v);
	free(copy);
	sodium_free(sk);
	return rc;
}
