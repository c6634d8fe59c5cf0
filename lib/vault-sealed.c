/*
 * Records written while the vault is locked: sealed to the vault's public
 * key (X25519 with an ephemeral key, then XChaCha20-Poly1305) into an
 * ordinary-looking row, and folded into the index by the next unlocked
 * write transaction. Only the kinds meant for capture in distress may
 * arrive this way; every folded record keeps VAULT_WRITTEN_LOCKED for
 * good. A row that does not open, is of another kind, or repeats a
 * record already here is set aside: listed in the state, reported once,
 * never made a record.
 */
#include "vault-internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t
sealed_head_ad(const struct vault *v, const unsigned char *epk,
               unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-sealed-head");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_bytes(ad, &n, epk, PK_BYTES);
	return n;
}

static size_t
sealed_body_ad(const struct vault *v, const unsigned char *id,
               unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-sealed-body");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_bytes(ad, &n, id, VAULT_ID_BYTES);
	return n;
}

/* key = BLAKE2b-256(X25519(scalar, point) || ephemeral pk || vault pk) */
static int
sealed_key(const struct vault *v, const unsigned char *scalar,
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
	crypto_generichash_update(&h, v->public_key, PK_BYTES);
	crypto_generichash_final(&h, key, CRYPTO_KEY_BYTES);
	sodium_memzero(&h, sizeof(h));
	sodium_free(q);
	return 0;
}

/* Pad and seal plain[0..len) (room for its padded size) under key after
 * `prefix` bytes copied from `tag`; malloc'd, *outlen bytes. */
static unsigned char *
seal_with(const unsigned char *key, unsigned char *plain, size_t len,
          const unsigned char *tag, size_t prefix, const unsigned char *ad,
          size_t adlen, size_t *outlen)
{
	size_t plen;
	if (sodium_pad(&plen, plain, len, vault_pad_block(len),
	               vault_padded_size(len)) != 0)
		return NULL;
	unsigned char *out = malloc(prefix + plen + CRYPTO_OVERHEAD);
	if (out) {
		if (prefix)
			memcpy(out, tag, prefix);
		crypto_seal(out + prefix, plain, plen, ad, adlen, key);
	}
	*outlen = prefix + plen + CRYPTO_OVERHEAD;
	return out;
}

int
vault_seal(struct vault *v, const char *kind, const void *head, size_t headlen,
           const void *body, size_t bodylen, char *id_out)
{
	unsigned char epk[PK_BYTES], id[VAULT_ID_BYTES];
	unsigned char ad[AD_MAX];
	unsigned char *esk = NULL, *key = NULL, *hp = NULL, *bp = NULL;
	unsigned char *h = NULL, *b = NULL;
	size_t envlen = ENVELOPE_FIXED + strlen(kind), hlen = 0, blen = 0;
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;

	crypto_protect_process();
	if ((rc = vault_writable(v)))
		return rc;
	if (!vault_kind_ok(kind) || !vault_kind_lockable(kind))
		return vault_set_error(
		        v, VAULT_REFUSED,
		        "That cannot be saved while the vault is "
		        "locked; please unlock it first.");
	if (v->format == 1)
		return vault_seal_v1(v, kind, head, headlen, body, bodylen,
		                     id_out);
	if (headlen > SIZE_MAX / 4 || bodylen > SIZE_MAX / 4)
		return vault_set_error(v, VAULT_ERROR,
		                       "That record cannot be stored.");
	esk = sodium_malloc(SK_BYTES);
	key = sodium_malloc(CRYPTO_KEY_BYTES);
	hp = sodium_malloc(vault_padded_size(envlen + headlen));
	bp = sodium_malloc(vault_padded_size(bodylen));
	if (!esk || !key || !hp || !bp) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	randombytes_buf(id, sizeof(id));
	envelope_write(hp, VAULT_WRITTEN_LOCKED, id, 1, (int64_t)time(NULL),
	               kind, NULL);
	if (headlen)
		memcpy(hp + envlen, head, headlen);
	if (bodylen)
		memcpy(bp, body, bodylen);
	crypto_box_keypair(epk, esk);
	if (sealed_key(v, esk, v->public_key, epk, key) != 0) {
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "The vault's public key is damaged.");
		goto out;
	}
	h = seal_with(key, hp, envlen + headlen, epk, PK_BYTES, ad,
	              sealed_head_ad(v, epk, ad), &hlen);
	b = seal_with(key, bp, bodylen, NULL, 0, ad, sealed_body_ad(v, id, ad),
	              &blen);
	if (!h || !b || hlen > INT32_MAX || blen > INT32_MAX) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT INTO record(head, body) VALUES (?, ?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = vault_db_error(v, "save the record");
		goto out;
	}
	sqlite3_bind_blob(st, 1, h, (int)hlen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, b, (int)blen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the record");
	else if (id_out)
		sodium_bin2hex(id_out, VAULT_ID_HEX + 1, id, VAULT_ID_BYTES);
out:
	sqlite3_finalize(st);
	sodium_free(esk);
	sodium_free(key);
	sodium_free(hp);
	sodium_free(bp);
	free(h);
	free(b);
	return rc;
}

int
vault_rows_after(struct vault *v, int64_t high_water, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	*n = 0;
	if (v->format == 1)
		return vault_set_error(v, VAULT_ERROR, "Not known yet.");
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT count(*) FROM record WHERE rowid > ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	sqlite3_bind_int64(st, 1, high_water);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = vault_db_error(v, "read the vault");
	sqlite3_finalize(st);
	return rc;
}

static void
aside_event(struct vault *v, const char *kind, const char *id,
            enum vault_aside_reason why)
{
	struct vault_event ev = {.type = VAULT_EV_SET_ASIDE,
	                         .kind = kind ? kind : "",
	                         .id = id,
	                         .why = why};
	vault_emit(v, &ev);
}

/*
 * One row after the high-water mark: fold it in (1), set it aside (0),
 * or an error. sk is the vault's secret key.
 */
int
vault_fold_row(struct vault *v, const unsigned char *sk, int64_t rowid)
{
	sqlite3_stmt *st = NULL;
	unsigned char ad[AD_MAX];
	unsigned char *key = NULL, *hp = NULL, *bp = NULL, *head = NULL;
	struct envelope env;
	enum vault_aside_reason why = VAULT_ASIDE_DAMAGED;
	char idhex[VAULT_ID_HEX + 1] = "";
	const char *kind = NULL;
	size_t hl = 0, bl = 0, plen = 0;
	int rc = VAULT_OK;

	if (sqlite3_prepare_v2(v->db,
	                       "SELECT head, body FROM record WHERE rowid = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return VAULT_OK; /* gone meanwhile: nothing to do */
	}
	const unsigned char *hb = sqlite3_column_blob(st, 0);
	size_t hlen = (size_t)sqlite3_column_bytes(st, 0);
	const unsigned char *bb = sqlite3_column_blob(st, 1);
	size_t blen = (size_t)sqlite3_column_bytes(st, 1);

	/* an ordinary record's row the state does not name: an old copy
	 * put back, or a row moved between vaults with the same key */
	if (vault_open_head(v, hb, hlen, &v->head, &plen) == 0) {
		sodium_memzero(v->head.p, plen);
		why = VAULT_ASIDE_REPLAY;
		goto aside;
	}
	key = sodium_malloc(CRYPTO_KEY_BYTES);
	hp = sodium_malloc(hlen + 1);
	bp = sodium_malloc(blen + 1);
	if (!key || !hp || !bp) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	if (hlen <= PK_BYTES + CRYPTO_OVERHEAD ||
	    sealed_key(v, sk, hb, hb, key) != 0 ||
	    crypto_open(hp, hb + PK_BYTES, hlen - PK_BYTES, ad,
	                sealed_head_ad(v, hb, ad), key) != 0 ||
	    vault_unpad(&hl, hp, hlen - PK_BYTES - CRYPTO_OVERHEAD) != 0 ||
	    envelope_parse(hp, hl, &env) != 0 || env.revision != 1)
		goto aside;
	sodium_bin2hex(idhex, sizeof(idhex), env.id, VAULT_ID_BYTES);
	kind = env.kind;
	if (!vault_kind_lockable(env.kind)) {
		why = VAULT_ASIDE_KIND;
		goto aside;
	}
	{
		struct index_entry *e = index_find(v, env.id, &rc);
		if (rc)
			goto out;
		if (e) {
			why = VAULT_ASIDE_REPLAY;
			goto aside;
		}
	}
	if (blen <= CRYPTO_OVERHEAD ||
	    crypto_open(bp, bb, blen, ad, sealed_body_ad(v, env.id, ad), key) !=
	            0 ||
	    vault_unpad(&bl, bp, blen - CRYPTO_OVERHEAD) != 0)
		goto aside;
	/* store_row seals from the vault's scratch: copy the head out */
	head = sodium_malloc(env.headlen + 1);
	if (!head) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	memcpy(head, env.head, env.headlen);
	sqlite3_finalize(st);
	st = NULL;
	rc = vault_record_insert(v, env.id, env.kind, head, env.headlen, bp, bl,
	                         VAULT_WRITTEN_LOCKED, env.time);
	if (!rc) {
		sqlite3_stmt *del = NULL;
		if (sqlite3_prepare_v2(v->db,
		                       "DELETE FROM record WHERE rowid = ?", -1,
		                       &del, NULL) != SQLITE_OK)
			rc = vault_db_error(v, "fold in the new records");
		else {
			sqlite3_bind_int64(del, 1, rowid);
			if (sqlite3_step(del) != SQLITE_DONE)
				rc = vault_db_error(v,
				                    "fold in the new records");
		}
		sqlite3_finalize(del);
	}
	if (!rc) {
		struct vault_event ev = {.type = VAULT_EV_FOLDED,
		                         .kind = env.kind,
		                         .id = idhex,
		                         .time = env.time};
		vault_emit(v, &ev);
		rc = 1;
	}
	goto out;
aside:
	rc = index_add_aside(v, rowid, (uint8_t)why);
	if (!rc)
		aside_event(v, kind, idhex[0] ? idhex : NULL, why);
out:
	sqlite3_finalize(st);
	if (hp)
		sodium_memzero(hp, hlen + 1);
	if (bp)
		sodium_memzero(bp, blen + 1);
	sodium_free(key);
	sodium_free(hp);
	sodium_free(bp);
	sodium_free(head);
	return rc;
}

int
vault_fold_pending(struct vault *v, size_t *folded)
{
	sqlite3_stmt *st = NULL;
	int64_t *rows = NULL, max = 0;
	size_t n = 0, cap = 0;
	unsigned char *sk = NULL;
	int rc = VAULT_OK, s;

	*folded = 0;
	if (sqlite3_prepare_v2(v->db, "SELECT max(rowid) FROM record", -1, &st,
	                       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return vault_db_error(v, "read the vault");
	}
	max = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (max <= v->st.high_water)
		return VAULT_OK;
	/* the rowids first: folding inserts rows into the same table */
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT rowid FROM record WHERE rowid > ? "
	                       "ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	sqlite3_bind_int64(st, 1, v->st.high_water);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			int64_t *p = realloc(rows, cap * sizeof(*p));
			if (!p) {
				rc = vault_set_error(v, VAULT_ERROR,
				                     "Out of memory.");
				break;
			}
			rows = p;
		}
		rows[n++] = sqlite3_column_int64(st, 0);
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "read the vault");
	sqlite3_finalize(st);
	if (!rc && !(sk = sodium_malloc(SK_BYTES)))
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (!rc && vault_open_secret_key(v, v->master, sk) != 0)
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "The vault's secret key is damaged, so "
		                     "records written while locked cannot be "
		                     "read.");
	for (size_t i = 0; !rc && i < n; i++) {
		if (index_is_aside(v, rows[i]))
			continue;
		int r = vault_fold_row(v, sk, rows[i]);
		if (r < 0)
			rc = r;
		else
			*folded += (size_t)r;
	}
	if (!rc && max > v->st.high_water) {
		v->st.high_water = max;
		v->st_dirty = true;
	}
	sodium_free(sk);
	free(rows);
	return rc;
}

int
vault_fold_sealed(struct vault *v, size_t *folded)
{
	int rc;
	*folded = 0;
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (v->format != 2 || v->mem_copy || v->refuse ||
	    sqlite3_db_readonly(v->db, "main"))
		return VAULT_OK;
	if (v->in_tx)
		return vault_fold_pending(v, folded);
	if ((rc = vault_exec(v, "BEGIN IMMEDIATE;", "fold in the new records")))
		return rc;
	v->in_tx = true;
	if ((rc = index_fresh(v)) || (rc = vault_fold_pending(v, folded))) {
		vault_rollback(v);
		*folded = 0;
		return rc;
	}
	rc = vault_commit(v);
	if (rc)
		*folded = 0;
	return rc;
}

int
vault_sealed_open(struct vault *v, const unsigned char *sk,
                  const unsigned char *hb, size_t hlen, const unsigned char *bb,
                  size_t blen, struct envelope *env, unsigned char **head,
                  unsigned char **body, size_t *bodylen)
{
	unsigned char ad[AD_MAX];
	unsigned char *key = sodium_malloc(CRYPTO_KEY_BYTES);
	size_t hl = 0;
	int rc = -1;
	*head = *body = NULL;
	if (!key || !hb || !bb || hlen <= PK_BYTES + CRYPTO_OVERHEAD ||
	    blen <= CRYPTO_OVERHEAD || hlen > SIZE_MAX / 2 ||
	    blen > SIZE_MAX / 2)
		goto out;
	*head = sodium_malloc(hlen + 1);
	*body = sodium_malloc(blen + 1);
	if (!*head || !*body || sealed_key(v, sk, hb, hb, key) != 0 ||
	    crypto_open(*head, hb + PK_BYTES, hlen - PK_BYTES, ad,
	                sealed_head_ad(v, hb, ad), key) != 0 ||
	    vault_unpad(&hl, *head, hlen - PK_BYTES - CRYPTO_OVERHEAD) != 0 ||
	    envelope_parse(*head, hl, env) != 0 || env->revision != 1 ||
	    crypto_open(*body, bb, blen, ad, sealed_body_ad(v, env->id, ad),
	                key) != 0 ||
	    vault_unpad(bodylen, *body, blen - CRYPTO_OVERHEAD) != 0)
		goto out;
	rc = 0;
out:
	sodium_free(key);
	if (rc) {
		sodium_free(*head);
		sodium_free(*body);
		*head = *body = NULL;
	}
	return rc;
}
