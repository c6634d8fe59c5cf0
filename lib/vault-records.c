/*
 * Records of a format 2 vault: sealing and opening rows, storing,
 * deleting, and every walk (in order, by sort key, searching on every
 * core), id lookups, check and rekey. Which row holds which record, and
 * its kind and revision, is known only from the encrypted index
 * (vault-index.c); each head repeats them inside its ciphertext (the
 * envelope), so a row put back from an older copy is told apart from a
 * damaged one.
 */
#include "vault-internal.h"

#include "search.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- padding --- */

/* The padding block for a plaintext of len bytes; recoverable from the
 * padded length alone (see pad_block_for_padded), so sizes leak only
 * coarsely: 256-byte steps up to 4 KiB, 4 KiB up to 64 KiB, then 64 KiB. */
size_t
vault_pad_block(size_t len)
{
	if (len < 4096)
		return 256;
	if (len < 65536)
		return 4096;
	return 65536;
}

static size_t
pad_block_for_padded(size_t padded)
{
	if (padded <= 4096)
		return 256;
	if (padded <= 65536)
		return 4096;
	return 65536;
}

size_t
vault_padded_size(size_t len)
{
	size_t b = vault_pad_block(len);
	return (len / b + 1) * b;
}

/*
 * Remove the padding of an opened (so authentic) plaintext, giving
 * sodium_unpad's answer for the whole block. Its constant-time loop reads
 * every byte it is given, with much work for each (it was a twentieth of
 * a large export); nothing here is secret from us once decrypted, so the
 * last non-zero byte is found first, and must be the 0x80 that starts
 * the padding.
 */
int
vault_unpad(size_t *len, const unsigned char *buf, size_t padded)
{
	size_t block = pad_block_for_padded(padded);
	size_t tail = 1;
	uint64_t w;
	if (padded < block)
		return -1;
	/* eight zeros at a time, then byte by byte */
	while (block - tail >= sizeof(w) &&
	       (memcpy(&w, buf + padded - tail - (sizeof(w) - 1), sizeof(w)),
	        w == 0))
		tail += sizeof(w);
	while (tail < block && buf[padded - tail] == 0)
		tail++;
	if (buf[padded - tail] != 0x80)
		return -1;
	*len = padded - tail;
	return 0;
}

/*
 * Pad `len` bytes in buf (room for `max`) to whole blocks of `block`, as
 * sodium_pad does (0x80, then zeros: ISO/IEC 7816-4), so vault_unpad
 * takes it off. sodium_pad's loop is constant-time over the whole block,
 * a byte at a time, and was a twentieth of a large import; the padded
 * length already tells len to within the block, and what this would
 * tell by its time (len within the block) only to a watcher of this
 * process's timing to the nanosecond, who could read its memory.
 */
int
vault_pad(size_t *plen, unsigned char *buf, size_t len, size_t block,
          size_t max)
{
	if (block == 0 || len >= SIZE_MAX - block)
		return -1;
	size_t padded = (len / block + 1) * block;
	if (padded > max)
		return -1;
	buf[len] = 0x80;
	memset(buf + len + 1, 0, padded - len - 1);
	*plen = padded;
	return 0;
}

/* --- the envelope --- */

size_t
envelope_len(const char *kind, const struct ancestry *anc)
{
	size_t n = ENVELOPE_FIXED + strlen(kind);
	if (anc && anc->n)
		n += 1 + (size_t)anc->n * ANC_HASH;
	return n;
}

size_t
envelope_write(unsigned char *p, uint8_t flags, const unsigned char *id,
               int64_t revision, int64_t time, const char *kind,
               const struct ancestry *anc)
{
	size_t kl = strlen(kind), n = ENVELOPE_FIXED + kl;
	p[0] = anc && anc->n ? ENVELOPE_VERSION_ANC : ENVELOPE_VERSION;
	p[1] = flags;
	memcpy(p + 2, id, VAULT_ID_BYTES);
	put_u64(p + 18, (uint64_t)revision);
	put_u64(p + 26, (uint64_t)time);
	p[34] = (unsigned char)kl;
	memcpy(p + ENVELOPE_FIXED, kind, kl);
	if (anc && anc->n) {
		p[n++] = anc->n;
		memcpy(p + n, anc->h, (size_t)anc->n * ANC_HASH);
		n += (size_t)anc->n * ANC_HASH;
	}
	return n;
}

int
envelope_parse(const unsigned char *p, size_t len, struct envelope *e)
{
	if (len < ENVELOPE_FIXED ||
	    (p[0] != ENVELOPE_VERSION && p[0] != ENVELOPE_VERSION_ANC))
		return -1;
	size_t kl = p[34], off = ENVELOPE_FIXED + kl;
	if (kl == 0 || kl >= VAULT_KIND_MAX || len - ENVELOPE_FIXED < kl)
		return -1;
	e->flags = p[1];
	memcpy(e->id, p + 2, VAULT_ID_BYTES);
	e->revision = (int64_t)get_u64(p + 18);
	e->time = (int64_t)get_u64(p + 26);
	memcpy(e->kind, p + ENVELOPE_FIXED, kl);
	e->kind[kl] = '\0';
	e->anc.n = 0;
	if (p[0] == ENVELOPE_VERSION_ANC) {
		if (len - off < 1 || p[off] == 0 || p[off] > ANC_MAX ||
		    len - off - 1 < (size_t)p[off] * ANC_HASH)
			return -1;
		e->anc.n = p[off];
		memcpy(e->anc.h, p + off + 1, (size_t)e->anc.n * ANC_HASH);
		off += 1 + (size_t)e->anc.n * ANC_HASH;
	}
	if (!vault_kind_ok(e->kind) || e->revision < 1)
		return -1;
	e->head = p + off;
	e->headlen = len - off;
	return 0;
}

/* --- ancestry (vault-format.md, "Merging copies") --- */

void
revision_hash(const unsigned char *id, int64_t revision, const char *kind,
              const void *head, size_t headlen, const void *body,
              size_t bodylen, unsigned char out[ANC_HASH])
{
	crypto_generichash_state h;
	unsigned char n[8];
	crypto_generichash_init(&h, NULL, 0, ANC_HASH);
	crypto_generichash_update(&h,
	                          (const unsigned char *)"selfhelp-revision",
	                          sizeof("selfhelp-revision"));
	crypto_generichash_update(&h, id, VAULT_ID_BYTES);
	put_u64(n, (uint64_t)revision);
	crypto_generichash_update(&h, n, 8);
	crypto_generichash_update(&h, (const unsigned char *)kind,
	                          strlen(kind) + 1);
	put_u64(n, (uint64_t)headlen);
	crypto_generichash_update(&h, n, 8);
	if (headlen)
		crypto_generichash_update(&h, head, headlen);
	put_u64(n, (uint64_t)bodylen);
	crypto_generichash_update(&h, n, 8);
	if (bodylen)
		crypto_generichash_update(&h, body, bodylen);
	crypto_generichash_final(&h, out, ANC_HASH);
	sodium_memzero(&h, sizeof(h));
}

void
ancestry_child(struct ancestry *out, const unsigned char own[ANC_HASH],
               const struct ancestry *parent)
{
	struct ancestry a = {.n = 1};
	memcpy(a.h[0], own, ANC_HASH);
	for (size_t i = 0; parent && i < parent->n && a.n < ANC_MAX; i++)
		memcpy(a.h[a.n++], parent->h[i], ANC_HASH);
	*out = a;
}

bool
ancestry_has(const struct ancestry *a, const unsigned char h[ANC_HASH])
{
	for (size_t i = 0; i < a->n; i++)
		if (sodium_memcmp(a->h[i], h, ANC_HASH) == 0)
			return true;
	return false;
}

/* --- additional data of rows --- */

/* A head is bound to its 32-byte tag too, so no bit of a row goes
 * unnoticed. */
static size_t
head_ad(const struct vault *v, const unsigned char *tag, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-head");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_bytes(ad, &n, tag, HEAD_TAG);
	return n;
}

static size_t
body_ad(const struct vault *v, const unsigned char *id, int64_t revision,
        unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-body");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_bytes(ad, &n, id, VAULT_ID_BYTES);
	ad_u64(ad, &n, (uint64_t)revision);
	return n;
}

/* --- sealing and opening parts --- */

/* Pad `len` bytes already in scratch `s` and seal them after the
 * `prefix` bytes of `tag`; a malloc'd buffer of *outlen bytes, or NULL. */
static unsigned char *
seal_scratch(const unsigned char *key, struct scratch *s, size_t len,
             const unsigned char *tag, size_t prefix, const unsigned char *ad,
             size_t adlen, size_t *outlen)
{
	size_t plen;
	if (vault_pad(&plen, s->p, len, vault_pad_block(len),
	              vault_padded_size(len)) != 0)
		return NULL;
	unsigned char *out = malloc(prefix + plen + CRYPTO_OVERHEAD);
	if (out) {
		if (prefix)
			memcpy(out, tag, prefix);
		crypto_seal(out + prefix, s->p, plen, ad, adlen, key);
	}
	sodium_memzero(s->p, plen);
	*outlen = prefix + plen + CRYPTO_OVERHEAD;
	return out;
}

/* Open a sealed part into `out` (room for the whole ciphertext);
 * thread-safe. 0 with *len set (and out NUL-terminated), or -1. */
static int
open_into(const unsigned char *key, const unsigned char *sealed,
          size_t sealedlen, const unsigned char *ad, size_t adlen,
          unsigned char *out, size_t *len)
{
	if (!sealed || sealedlen <= CRYPTO_OVERHEAD)
		return -1;
	size_t plen = sealedlen - CRYPTO_OVERHEAD;
	if (crypto_open(out, sealed, sealedlen, ad, adlen, key) != 0 ||
	    vault_unpad(len, out, plen) != 0)
		return -1;
	out[*len] = '\0';
	return 0;
}

int
vault_open_head(struct vault *v, const unsigned char *sealed, size_t len,
                struct scratch *s, size_t *plen)
{
	unsigned char ad[AD_MAX];
	if (!sealed || len <= HEAD_TAG + CRYPTO_OVERHEAD ||
	    vault_scratch_reserve(s, len + 1) != 0)
		return -1;
	return open_into(v->reckey, sealed + HEAD_TAG, len - HEAD_TAG, ad,
	                 head_ad(v, sealed, ad), s->p, plen);
}

/* Insert a row of sealed parts; its rowid in *rowid. */
static int
insert_sealed(struct vault *v, const unsigned char *h, size_t hlen,
              const unsigned char *b, size_t blen, int64_t *rowid)
{
	int rc = VAULT_OK;
	/* one statement for the transaction: preparing it again for every
	 * record was a tenth of a large import's time */
	if (!v->insert_st &&
	    sqlite3_prepare_v2(v->db,
	                       "INSERT INTO record(head, body) VALUES (?, ?)",
	                       -1, &v->insert_st, NULL) != SQLITE_OK)
		return vault_db_error(v, "save the record");
	sqlite3_stmt *st = v->insert_st;
	sqlite3_bind_blob(st, 1, h, (int)hlen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, b, (int)blen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the record");
	else
		*rowid = sqlite3_last_insert_rowid(v->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* A record's sealed head (envelope and head) and body, malloc'd. */
struct sealed_parts {
	unsigned char *h, *b;
	size_t hlen, blen;
};

/*
 * Seal a record's head, after its envelope, and its body with the record
 * key, through the scratch buffers hs and bs (wiped as they are sealed).
 * Only reads v's keys, so any thread may, each with its own scratch.
 * 0, or -1 when memory ran out (nothing then in *out).
 */
static int
seal_parts(const struct vault *v, struct scratch *hs, struct scratch *bs,
           const char *kind, const unsigned char *id, int64_t revision,
           uint32_t flags, int64_t time, const struct ancestry *anc,
           const void *head, size_t headlen, const void *body, size_t bodylen,
           struct sealed_parts *out)
{
	unsigned char ad[AD_MAX], tag[HEAD_TAG];
	size_t envlen = envelope_len(kind, anc);
	memset(out, 0, sizeof(*out));
	if (headlen > SIZE_MAX / 2 || bodylen > SIZE_MAX / 2 ||
	    vault_scratch_reserve(hs, vault_padded_size(envlen + headlen)) !=
	            0 ||
	    vault_scratch_reserve(bs, vault_padded_size(bodylen)) != 0)
		return -1;
	envelope_write(hs->p, (uint8_t)(flags & 0xff), id, revision, time, kind,
	               anc);
	if (headlen)
		memcpy(hs->p + envlen, head, headlen);
	crypto_public_random(tag, sizeof(tag));
	out->h = seal_scratch(v->reckey, hs, envlen + headlen, tag, HEAD_TAG,
	                      ad, head_ad(v, tag, ad), &out->hlen);
	if (bodylen)
		memcpy(bs->p, body, bodylen);
	out->b = seal_scratch(v->reckey, bs, bodylen, NULL, 0, ad,
	                      body_ad(v, id, revision, ad), &out->blen);
	if (!out->h || !out->b || out->hlen > INT32_MAX ||
	    out->blen > INT32_MAX) {
		free(out->h);
		free(out->b);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

int
vault_store_row(struct vault *v, const char *kind, const unsigned char *id,
                int64_t revision, uint32_t flags, int64_t time,
                const struct ancestry *anc, const void *head, size_t headlen,
                const void *body, size_t bodylen, bool fresh, int64_t *rowid)
{
	struct sealed_parts sp;
	int rc;
	if (seal_parts(v, &v->head, &v->body, kind, id, revision, flags, time,
	               anc, head, headlen, body, bodylen, &sp) != 0)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	rc = insert_sealed(v, sp.h, sp.hlen, sp.b, sp.blen, rowid);
	if (!rc)
		rc = filter_put(v, id, head, headlen, body, bodylen, fresh);
	free(sp.h);
	free(sp.b);
	return rc;
}

/* Point the prepared row statement at `rowid`; SQLITE_ROW, SQLITE_DONE
 * (no such row) or an error. The columns stay valid until the next
 * call (or vault_row_done). */
static int
row_step(struct vault *v, int64_t rowid, sqlite3_stmt **out)
{
	if (!v->row_st &&
	    sqlite3_prepare_v2(v->db,
	                       "SELECT head, body FROM record WHERE rowid = ?",
	                       -1, &v->row_st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_stmt *st = v->row_st;
	/* a call from inside a walk's callback gets one of its own */
	if (sqlite3_stmt_busy(st) &&
	    sqlite3_prepare_v2(v->db,
	                       "SELECT head, body FROM record WHERE rowid = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, rowid);
	*out = st;
	return sqlite3_step(st);
}

static void
row_done(struct vault *v, sqlite3_stmt *st)
{
	if (st == v->row_st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
}

int
vault_remove_row(struct vault *v, int64_t rowid)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "DELETE FROM record WHERE rowid = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "save the record");
	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the record");
	sqlite3_finalize(st);
	return rc;
}

/* --- entering reads and writes --- */

/* Reads see one snapshot and the state that goes with it. */
static int
read_enter(struct vault *v, bool *own)
{
	int rc;
	*own = false;
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (v->format != 2)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault has not been updated yet.");
	if (!v->in_tx && !v->in_read) {
		if ((rc = vault_read_begin(v)))
			return rc;
		*own = true;
	} else if (v->st_loaded) {
		/* inside one snapshot the state cannot change: no need to
		 * ask SQLite (export reads every record this way) */
		return VAULT_OK;
	}
	if ((rc = index_fresh(v)) && *own) {
		vault_read_end(v);
		*own = false;
	}
	return rc;
}

static int
read_leave(struct vault *v, bool own, int rc)
{
	if (own)
		vault_read_end(v);
	return rc;
}

static int
write_enter(struct vault *v, bool *own)
{
	int rc;
	*own = false;
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (v->format != 2)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault has not been updated yet.");
	if (v->in_read)
		vault_read_end(v);
	if (!v->in_tx) {
		if ((rc = vault_begin(v)))
			return rc;
		*own = true;
		return VAULT_OK;
	}
	return index_fresh(v);
}

static int
write_leave(struct vault *v, bool own, int rc)
{
	if (!own)
		return rc;
	if (rc) {
		vault_rollback(v);
		return rc;
	}
	return vault_commit(v);
}

/* --- storing --- */

/*
 * Whether an entry's sort key must still be worked out from its head:
 * it was stored by a writer without a sort key function, or with key 0,
 * which is also what a writer stored for a kind that had no order then
 * (before schema 5 every kind but the journal; see doc/vault-format.md).
 */
static bool
key_unknown(const struct index_entry *e)
{
	return (e->flags & ENTRY_KEY_UNKNOWN) || e->key == 0;
}

int
vault_sort_key_of(const struct vault *v, const char *kind, const void *head,
                  size_t headlen, int64_t *key, uint32_t *flags)
{
	if (!v->sort_key) {
		*key = 0;
		*flags |= ENTRY_KEY_UNKNOWN;
		return 0;
	}
	int r = v->sort_key(kind, head, headlen, key);
	if (r > 0)
		*key = 0; /* a kind without an order */
	else if (r < 0)
		*key = INT64_MAX; /* shown first, as damaged */
	return 0;
}

static bool
hex_to_id(const char *hex, unsigned char *id)
{
	size_t n = 0;
	return vault_id_ok(hex) &&
	       sodium_hex2bin(id, VAULT_ID_BYTES, hex, VAULT_ID_HEX, NULL, &n,
	                      NULL) == 0 &&
	       n == VAULT_ID_BYTES;
}

int
vault_open_row(struct vault *v, const unsigned char *hb, size_t hlen,
               const unsigned char *bb, size_t blen, const unsigned char *id,
               int64_t revision, struct envelope *env, unsigned char **head,
               unsigned char **body, size_t *bodylen)
{
	unsigned char ad[AD_MAX];
	size_t hl = 0;
	*head = *body = NULL;
	if (!hb || !bb || hlen <= HEAD_TAG || hlen > SIZE_MAX / 2 ||
	    blen > SIZE_MAX / 2)
		return -1;
	*head = sodium_malloc(hlen + 1);
	*body = sodium_malloc(blen + 1);
	if (!*head || !*body ||
	    open_into(v->reckey, hb + HEAD_TAG, hlen - HEAD_TAG, ad,
	              head_ad(v, hb, ad), *head, &hl) != 0 ||
	    envelope_parse(*head, hl, env) != 0 ||
	    (id && memcmp(env->id, id, VAULT_ID_BYTES) != 0) ||
	    (revision && env->revision != revision) ||
	    open_into(v->reckey, bb, blen, ad,
	              body_ad(v, env->id, env->revision, ad), *body,
	              bodylen) != 0) {
		sodium_free(*head);
		sodium_free(*body);
		*head = *body = NULL;
		return -1;
	}
	return 0;
}

/* The ancestry of the revision that follows e's: its hash and its own
 * ancestry; none when it cannot be read (a later merge then keeps both
 * versions rather than guess). */
static void
parent_ancestry(struct vault *v, const struct index_entry *e, const char *kind,
                struct ancestry *out)
{
	sqlite3_stmt *st = NULL;
	struct envelope env;
	unsigned char *h = NULL, *b = NULL, own[ANC_HASH];
	size_t bl = 0;
	out->n = 0;
	int s = row_step(v, e->rowid, &st);
	if (s == SQLITE_ROW &&
	    vault_open_row(v, sqlite3_column_blob(st, 0),
	                   (size_t)sqlite3_column_bytes(st, 0),
	                   sqlite3_column_blob(st, 1),
	                   (size_t)sqlite3_column_bytes(st, 1), e->id,
	                   e->revision, &env, &h, &b, &bl) == 0 &&
	    strcmp(env.kind, kind) == 0) {
		revision_hash(e->id, e->revision, kind, env.head, env.headlen,
		              b, bl, own);
		ancestry_child(out, own, &env.anc);
	}
	if (st)
		row_done(v, st);
	sodium_free(h);
	sodium_free(b);
}

/* record_insert with an id never used (not even by a tombstone): its
 * answer when the id is there, to draw another. */
#define ID_TAKEN (-1000)

static int
record_insert(struct vault *v, const unsigned char *id, const char *kind,
              const void *head, size_t headlen, const void *body,
              size_t bodylen, uint32_t flags, int64_t time, bool new_id)
{
	int rc, code = index_kind(v, kind, true);
	int64_t rowid = 0, key = 0;
	if (code < 0)
		return VAULT_ERROR;
	struct index_entry *e = index_find(v, id, &rc);
	if (rc)
		return rc;
	if (e && new_id)
		return ID_TAKEN;
	if (e && !(e->flags & ENTRY_TOMBSTONE))
		return vault_set_error(v, VAULT_EXISTS,
		                       "A record with that id is already "
		                       "there.");
	vault_sort_key_of(v, kind, head, headlen, &key, &flags);
	int64_t revision = e ? e->revision + 1 : 1;
	if ((rc = vault_store_row(v, kind, id, revision, flags, time, NULL,
	                          head, headlen, body, bodylen, !e, &rowid)))
		return rc;
	if (rowid > v->st.high_water)
		v->st.high_water = rowid;
	if (e) {
		e->rowid = rowid;
		e->revision = revision;
		e->seq = v->st.next_seq++;
		e->key = key;
		e->flags = flags;
		e->kind = (uint8_t)code;
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

/* Store a record under raw `id` as a new entry (or over a tombstone),
 * inside the caller's write transaction. */
int
vault_record_insert(struct vault *v, const unsigned char *id, const char *kind,
                    const void *head, size_t headlen, const void *body,
                    size_t bodylen, uint32_t flags, int64_t time)
{
	return record_insert(v, id, kind, head, headlen, body, bodylen, flags,
	                     time, false);
}

int
vault_put(struct vault *v, const char *id, const char *kind, const void *head,
          size_t headlen, const void *body, size_t bodylen, char *id_out)
{
	unsigned char raw[VAULT_ID_BYTES];
	bool own;
	int rc;
	if (!vault_kind_ok(kind))
		return vault_set_error(v, VAULT_ERROR, "Unknown record kind.");
	if (id && !hex_to_id(id, raw))
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "That record is not there any more.");
	if ((rc = write_enter(v, &own)))
		return rc;
	if (!id) {
		/* 128 random bits; a clash is only a matter of principle
		 * (and looked for once, in record_insert) */
		do {
			crypto_public_random(raw, sizeof(raw));
			rc = record_insert(v, raw, kind, head, headlen, body,
			                   bodylen, 0, time(NULL), true);
		} while (rc == ID_TAKEN);
		if (!rc && id_out)
			sodium_bin2hex(id_out, VAULT_ID_HEX + 1, raw,
			               VAULT_ID_BYTES);
		return write_leave(v, own, rc);
	}
	struct index_entry *e = index_find(v, raw, &rc);
	int code = index_kind(v, kind, false);
	if (!rc &&
	    (!e || (e->flags & ENTRY_TOMBSTONE) || code < 0 || e->kind != code))
		rc = vault_set_error(v, VAULT_NOT_FOUND,
		                     "That record is not there any more.");
	if (!rc) {
		uint32_t flags =
		        e->flags & (VAULT_WRITTEN_LOCKED | VAULT_CONFLICT_COPY);
		int64_t key = 0, rowid = 0, revision = e->revision + 1;
		struct ancestry anc;
		parent_ancestry(v, e, kind, &anc);
		vault_sort_key_of(v, kind, head, headlen, &key, &flags);
		rc = vault_store_row(v, kind, raw, revision, flags, time(NULL),
		                     &anc, head, headlen, body, bodylen, false,
		                     &rowid);
		if (!rc)
			rc = vault_remove_row(v, e->rowid);
		if (!rc) {
			e->rowid = rowid;
			e->revision = revision;
			e->key = key;
			e->flags = flags;
			if (rowid > v->st.high_water)
				v->st.high_water = rowid;
			index_touch(v, raw);
		}
	}
	if (!rc && id_out)
		memcpy(id_out, id, VAULT_ID_HEX + 1);
	return write_leave(v, own, rc);
}

/* --- new records sealed ahead, on another thread --- */

struct vault_sealed {
	struct scratch head, body; /* the plaintext while it is sealed */
	unsigned char id[VAULT_ID_BYTES];
	char kind[VAULT_KIND_MAX];
	int64_t key;
	uint32_t flags;
	struct sealed_parts sp;
	unsigned char *filter; /* FILTER_BYTES_MAX, guarded */
	size_t fsize;
};

static void sealed_clear(struct vault_sealed *s);

struct vault_sealed *
vault_sealed_new(void)
{
	struct vault_sealed *s = calloc(1, sizeof(*s));
	if (s && !(s->filter = sodium_malloc(FILTER_BYTES_MAX))) {
		free(s);
		s = NULL;
	}
	if (s)
		crypto_public_random(s->id, sizeof(s->id));
	return s;
}

void
vault_sealed_draw_id(struct vault_sealed *s)
{
	sealed_clear(s);
	crypto_public_random(s->id, sizeof(s->id));
}

static void
sealed_clear(struct vault_sealed *s)
{
	free(s->sp.h);
	free(s->sp.b);
	memset(&s->sp, 0, sizeof(s->sp));
	if (s->fsize)
		sodium_memzero(s->filter, s->fsize);
	s->fsize = 0;
}

void
vault_sealed_free(struct vault_sealed *s)
{
	if (!s)
		return;
	sealed_clear(s);
	sodium_free(s->filter);
	vault_scratch_release(&s->head);
	vault_scratch_release(&s->body);
	free(s);
}

const unsigned char *
vault_sealed_id(const struct vault_sealed *s)
{
	return s->id;
}

void
vault_sealed_filter(struct vault_sealed *s, const void *head, size_t headlen,
                    const void *body, size_t bodylen)
{
	if (s->fsize)
		sodium_memzero(s->filter, s->fsize);
	s->fsize = filter_compute(s->filter, head, headlen, body, bodylen);
}

int
vault_seal_new(const struct vault *v, struct vault_sealed *s, const char *kind,
               const void *head, size_t headlen, const void *body,
               size_t bodylen, int64_t time)
{
	sealed_clear(s);
	if (!v->master || v->format != 2 || !vault_kind_ok(kind))
		return VAULT_ERROR;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	s->flags = 0;
	vault_sort_key_of(v, kind, head, headlen, &s->key, &s->flags);
	if (seal_parts(v, &s->head, &s->body, kind, s->id, 1, s->flags, time,
	               NULL, head, headlen, body, bodylen, &s->sp) != 0)
		return VAULT_ERROR;
	return VAULT_OK;
}

int
vault_put_sealed(struct vault *v, const struct vault_sealed *s)
{
	bool own;
	int rc;
	int64_t rowid = 0;
	if (!s->sp.h || !s->fsize)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if ((rc = write_enter(v, &own)))
		return rc;
	int code = index_kind(v, s->kind, true);
	struct index_entry *e = NULL;
	if (code < 0)
		rc = VAULT_ERROR;
	else
		e = index_find(v, s->id, &rc);
	if (!rc && e)
		rc = vault_set_error(v, VAULT_EXISTS,
		                     "A record with that id is already "
		                     "there.");
	if (!rc)
		rc = insert_sealed(v, s->sp.h, s->sp.hlen, s->sp.b, s->sp.blen,
		                   &rowid);
	if (!rc)
		rc = filter_put_computed(v, s->id, s->filter, s->fsize, true);
	if (!rc) {
		if (rowid > v->st.high_water)
			v->st.high_water = rowid;
		struct index_entry ne = {.rowid = rowid,
		                         .revision = 1,
		                         .seq = v->st.next_seq++,
		                         .key = s->key,
		                         .flags = s->flags,
		                         .kind = (uint8_t)code};
		memcpy(ne.id, s->id, VAULT_ID_BYTES);
		rc = index_add(v, &ne);
	}
	return write_leave(v, own, rc);
}

enum vault_problem
vault_last_problem(const struct vault *v)
{
	return v->last_problem;
}

bool
vault_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n != VAULT_ID_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}

bool
vault_id_prefix_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > VAULT_ID_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

int
vault_insert(struct vault *v, const char *id, const char *kind,
             const void *head, size_t headlen, const void *body, size_t bodylen,
             unsigned flags)
{
	unsigned char raw[VAULT_ID_BYTES];
	bool own;
	int rc;
	if (!hex_to_id(id, raw))
		return vault_set_error(v, VAULT_ERROR,
		                       "That is not a record id (32 hex "
		                       "digits).");
	if (!vault_kind_ok(kind))
		return vault_set_error(v, VAULT_ERROR, "Unknown record kind.");
	if ((rc = write_enter(v, &own)))
		return rc;
	rc = vault_record_insert(
	        v, raw, kind, head, headlen, body, bodylen,
	        flags & (VAULT_WRITTEN_LOCKED | VAULT_CONFLICT_COPY),
	        time(NULL));
	if (rc == VAULT_EXISTS)
		vault_set_error(v, VAULT_EXISTS,
		                "A record with the id %s is already there.",
		                id);
	return write_leave(v, own, rc);
}

int
vault_delete(struct vault *v, const char *id)
{
	unsigned char raw[VAULT_ID_BYTES];
	bool own;
	int rc;
	if (!hex_to_id(id, raw))
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "That record is not there any more.");
	if ((rc = write_enter(v, &own)))
		return rc;
	struct index_entry *e = index_find(v, raw, &rc);
	if (!rc && (!e || (e->flags & ENTRY_TOMBSTONE)))
		rc = vault_set_error(v, VAULT_NOT_FOUND,
		                     "That record is not there any more.");
	if (!rc && e->rowid &&
	    (rc = vault_remove_row(v, e->rowid)) == VAULT_OK) {
		/* a tombstone: a later merge must not bring it back */
		e->rowid = 0;
		e->revision++;
		e->flags = (e->flags & VAULT_WRITTEN_LOCKED) | ENTRY_TOMBSTONE;
		v->st.live--;
		index_touch(v, raw);
		rc = filter_drop(v, raw);
	}
	return write_leave(v, own, rc);
}

/* --- visiting records --- */

/* An entry's record as an item: fetched, opened, its envelope checked
 * against the entry; fn called; plaintext wiped. */
static int
visit(struct vault *v, const struct index_entry *e, bool with_body,
      vault_each_fn fn, void *arg)
{
	struct vault_item it = {0};
	char idhex[VAULT_ID_HEX + 1];
	unsigned char ad[AD_MAX];
	struct envelope env;
	sqlite3_stmt *st = NULL;
	size_t plen = 0;
	int rc, s;

	sodium_bin2hex(idhex, sizeof(idhex), e->id, VAULT_ID_BYTES);
	it.id = idhex;
	it.kind = index_kind_name(v, e->kind);
	it.revision = e->revision;
	it.sort_key = key_unknown(e) ? INT64_MAX : e->key;
	it.written_locked = e->flags & VAULT_WRITTEN_LOCKED;
	it.conflict_copy = e->flags & VAULT_CONFLICT_COPY;
	if (e->flags & ENTRY_LEGACY_DAMAGED) {
		it.damaged = true;
		it.problem = v->last_problem = VAULT_PROBLEM_DAMAGED;
		return fn(arg, &it);
	}
	s = row_step(v, e->rowid, &st);
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = vault_db_error(v, "read the vault");
		if (st)
			row_done(v, st);
		return rc;
	}
	if (s == SQLITE_DONE) {
		row_done(v, st);
		it.damaged = true;
		it.problem = v->last_problem = VAULT_PROBLEM_MISSING;
		return fn(arg, &it);
	}
	if (vault_open_head(v, sqlite3_column_blob(st, 0),
	                    (size_t)sqlite3_column_bytes(st, 0), &v->head,
	                    &plen) != 0 ||
	    envelope_parse(v->head.p, plen, &env) != 0 ||
	    memcmp(env.id, e->id, VAULT_ID_BYTES) != 0 ||
	    strcmp(env.kind, it.kind) != 0 || env.revision > e->revision) {
		it.problem = VAULT_PROBLEM_DAMAGED;
	} else if (env.revision < e->revision) {
		it.problem = VAULT_PROBLEM_OLDER;
	} else {
		it.head = env.head;
		it.headlen = env.headlen;
		it.time = env.time;
	}
	if (!it.problem && with_body) {
		size_t blen = (size_t)sqlite3_column_bytes(st, 1);
		if (vault_scratch_reserve(&v->body, blen + 1) != 0) {
			row_done(v, st);
			sodium_memzero(v->head.p, plen);
			return vault_set_error(v, VAULT_ERROR,
			                       "Out of memory.");
		}
		if (open_into(v->reckey, sqlite3_column_blob(st, 1), blen, ad,
		              body_ad(v, e->id, e->revision, ad), v->body.p,
		              &it.bodylen) != 0) {
			it.problem = VAULT_PROBLEM_DAMAGED;
			it.bodylen = 0;
		} else {
			it.body = v->body.p;
		}
	}
	row_done(v, st);
	if (it.problem) {
		it.damaged = true;
		it.head = it.body = NULL;
		it.headlen = it.bodylen = 0;
	}
	v->last_problem = it.problem;
	rc = fn(arg, &it);
	sodium_memzero(v->head.p, plen);
	if (it.body)
		sodium_memzero(v->body.p, it.bodylen);
	return rc;
}

/* The live entries of `kind` (NULL: all kinds), copied out in the order
 * they were first stored. */
struct entry_list {
	struct index_entry *e;
	size_t n;
};

static int
by_seq(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
by_rowid(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

enum { SORT_NONE, SORT_SEQ, SORT_ROWID };

/*
 * Sort l by seq without comparing: the write counter makes the seqs
 * unique and, but for what was deleted, dense, so each entry goes
 * straight to its slot (qsort was a tenth of a large walk's own time).
 * false when they are not so (left as they were, for qsort).
 */
static bool
sort_seq_dense(struct entry_list *l)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < l->n; i++) {
		lo = l->e[i].seq < lo ? l->e[i].seq : lo;
		hi = l->e[i].seq > hi ? l->e[i].seq : hi;
	}
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	if (l->n >= UINT32_MAX || span > 4 * (uint64_t)l->n)
		return false;
	uint32_t *slot = calloc((size_t)span, sizeof(*slot));
	uint32_t *dest = malloc(l->n * sizeof(*dest));
	bool ok = slot && dest;
	for (size_t i = 0; ok && i < l->n; i++) {
		uint32_t *sl = &slot[(uint64_t)l->e[i].seq - (uint64_t)lo];
		ok = *sl == 0; /* a seq twice: qsort's */
		*sl = (uint32_t)i + 1;
	}
	if (ok) {
		uint32_t k = 0;
		for (uint64_t s = 0; s < span; s++)
			if (slot[s])
				dest[slot[s] - 1] = k++;
		/* each swap puts one entry in its place */
		struct index_entry t;
		for (uint32_t i = 0; i < l->n; i++)
			while (dest[i] != i) {
				uint32_t d = dest[i];
				t = l->e[d];
				l->e[d] = l->e[i];
				l->e[i] = t;
				dest[i] = dest[d];
				dest[d] = d;
			}
		sodium_memzero(&t, sizeof(t));
	}
	free(slot);
	free(dest);
	return ok;
}

/*
 * The live entries of `kind` (NULL: all), but for those whose search
 * filter says they cannot hold `needle` (NULL: none left out), sorted
 * (SORT_*). Filter bucket b is read from memory when this process holds
 * it (changed, not yet saved), else from the file; a bucket that is
 * missing or does not open rules nothing out.
 */
static int
collect_matching(struct vault *v, const char *kind,
                 const struct search_needle *needle, struct entry_list *l,
                 int sort)
{
	size_t nb, total = 0, most = 0;
	struct filter_reader rd;
	unsigned char *out = NULL;
	int rc, code = -1;
	l->e = NULL;
	l->n = 0;
	if (kind && (code = index_kind(v, kind, false)) < 0)
		return VAULT_OK;
	if ((rc = index_load_all(v)))
		return rc;
	nb = (size_t)1 << v->st.bucket_bits;
	for (size_t b = 0; b < nb; b++) {
		total += v->buckets[b].n;
		if (v->buckets[b].n > most)
			most = v->buckets[b].n;
	}
	if (!total)
		return VAULT_OK;
	if (!(l->e = malloc(total * sizeof(*l->e))) ||
	    (needle && !(out = calloc(most, 1))))
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (needle && (rc = filter_reader_start(v, &rd))) {
		free(out);
		return rc;
	}
	for (size_t b = 0; !rc && b < nb; b++) {
		const struct bucket *bk = &v->buckets[b];
		if (needle) {
			const unsigned char *p, *id, *f;
			size_t len, off = 0, next = 0, size;
			bool unopened;
			memset(out, 0, bk->n);
			if ((rc = filter_reader_bucket(v, &rd, b, &p, &len,
			                               &unopened)))
				break;
			/* filters lie mostly in the order of the bucket */
			while (p && filter_walk(p, len, &off, &id, &f, &size)) {
				size_t i = next;
				if (i >= bk->n || memcmp(bk->e[i].id, id,
				                         VAULT_ID_BYTES) != 0)
					for (i = 0; i < bk->n; i++)
						if (memcmp(bk->e[i].id, id,
						           VAULT_ID_BYTES) == 0)
							break;
				if (i < bk->n) {
					out[i] = !search_filter_may_hold(
					        needle, f, size);
					next = i + 1;
				}
			}
		}
		for (size_t i = 0; i < bk->n; i++) {
			const struct index_entry *e = &bk->e[i];
			if (!(out && out[i]) && !(e->flags & ENTRY_TOMBSTONE) &&
			    (code < 0 || e->kind == code))
				l->e[l->n++] = *e;
		}
	}
	if (needle)
		filter_reader_end(&rd);
	free(out);
	if (!rc && l->n && sort != SORT_NONE &&
	    !(sort == SORT_SEQ && sort_seq_dense(l)))
		qsort(l->e, l->n, sizeof(*l->e),
		      sort == SORT_ROWID ? by_rowid : by_seq);
	return rc;
}

static int
collect_sorted(struct vault *v, const char *kind, struct entry_list *l,
               int sort)
{
	return collect_matching(v, kind, NULL, l, sort);
}

static int
collect(struct vault *v, const char *kind, struct entry_list *l)
{
	return collect_sorted(v, kind, l, SORT_SEQ);
}

static void
list_free(struct entry_list *l)
{
	if (l->e)
		sodium_memzero(l->e, l->n * sizeof(*l->e));
	free(l->e);
	l->e = NULL;
	l->n = 0;
}

int
vault_each(struct vault *v, const char *kind, unsigned flags, vault_each_fn fn,
           void *arg)
{
	struct entry_list l;
	bool own;
	int rc = read_enter(v, &own);
	if (rc)
		return rc;
	if (!(rc = collect(v, kind, &l)))
		for (size_t i = 0; i < l.n && !rc; i++)
			rc = visit(v, &l.e[i], flags & VAULT_EACH_BODY, fn,
			           arg);
	list_free(&l);
	return read_leave(v, own, rc);
}

int
vault_get(struct vault *v, const char *id, const char *kind, vault_each_fn fn,
          void *arg)
{
	unsigned char raw[VAULT_ID_BYTES];
	struct index_entry copy;
	bool own;
	int rc;
	if (!hex_to_id(id, raw))
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "There is no record with that id.");
	if ((rc = read_enter(v, &own)))
		return rc;
	struct index_entry *e = index_find(v, raw, &rc);
	int code = kind ? index_kind(v, kind, false) : -1;
	if (!rc && (!e || (e->flags & ENTRY_TOMBSTONE) ||
	            (kind && (code < 0 || e->kind != code))))
		rc = vault_set_error(v, VAULT_NOT_FOUND,
		                     "There is no record with that id.");
	if (!rc) {
		copy = *e; /* fn may write, and move the bucket */
		rc = visit(v, &copy, true, fn, arg);
	}
	return read_leave(v, own, rc);
}

int
vault_resolve(struct vault *v, const char *kind, const char *prefix,
              char *id_out, char (*cands)[VAULT_ID_HEX + 1], size_t max,
              size_t *ncands)
{
	char lo[VAULT_ID_HEX + 1], hex[VAULT_ID_HEX + 1];
	struct bucket *b;
	size_t n = 0, len;
	bool own;
	int rc, code;

	*ncands = 0;
	if (!vault_id_prefix_ok(prefix))
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "An id is at least 4 of the letters and "
		                       "digits 'selfhelp list' shows.");
	len = strlen(prefix);
	for (size_t i = 0; i <= len; i++)
		lo[i] = (char)(prefix[i] >= 'A' && prefix[i] <= 'F'
		                       ? prefix[i] - 'A' + 'a'
		                       : prefix[i]);
	if ((rc = read_enter(v, &own)))
		return rc;
	code = index_kind(v, kind, false);
	if (code >= 0) {
		/* 4 hex digits are 16 bits: always enough to name the one
		 * bucket every id with this prefix is in */
		unsigned char top[2];
		size_t got = 0;
		sodium_hex2bin(top, 2, lo, 4, NULL, &got, NULL);
		rc = index_bucket(v, index_bucket_of(v, top), &b);
		for (size_t i = 0; !rc && i < b->n; i++) {
			const struct index_entry *e = &b->e[i];
			if ((e->flags & ENTRY_TOMBSTONE) || e->kind != code)
				continue;
			sodium_bin2hex(hex, sizeof(hex), e->id, VAULT_ID_BYTES);
			if (strncmp(hex, lo, len) != 0)
				continue;
			/* keep the first in id order, and the candidates
			 * sorted, whatever the bucket's order */
			if (n == 0 || strcmp(hex, id_out) < 0)
				memcpy(id_out, hex, VAULT_ID_HEX + 1);
			if (n < max) {
				size_t j = n;
				while (j > 0 && strcmp(cands[j - 1], hex) > 0) {
					memcpy(cands[j], cands[j - 1],
					       VAULT_ID_HEX + 1);
					j--;
				}
				memcpy(cands[j], hex, VAULT_ID_HEX + 1);
			}
			n++;
		}
	}
	rc = read_leave(v, own, rc);
	if (rc)
		return rc;
	if (n == 0)
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "There is no entry with the id '%s'.",
		                       prefix);
	*ncands = n < max ? n : max;
	if (n > 1)
		return vault_set_error(v, VAULT_AMBIGUOUS,
		                       "More than one entry starts with '%s'.",
		                       prefix);
	return VAULT_OK;
}

/* --- sort keys --- */

void
vault_set_sort_key(struct vault *v, vault_sort_key_fn fn)
{
	v->sort_key = fn;
}

bool
vault_has_sort_key(const struct vault *v)
{
	return v->sort_key != NULL;
}

struct key_probe {
	struct vault *v;
	int64_t key;
	bool ok;
	bool unordered; /* a kind without an order: key 0 */
};

static int
key_probe_cb(void *arg, const struct vault_item *it)
{
	struct key_probe *p = arg;
	int r = it->damaged ? -1
	                    : p->v->sort_key(it->kind, it->head, it->headlen,
	                                     &p->key);
	p->ok = r == 0;
	p->unordered = r > 0;
	return 0;
}

/* The key of an entry stored without one, from its head. */
static int
entry_key(struct vault *v, struct index_entry *e)
{
	struct key_probe p = {.v = v};
	if (!key_unknown(e))
		return VAULT_OK;
	int rc = visit(v, e, false, key_probe_cb, &p);
	e->key = p.ok ? p.key : p.unordered ? 0 : INT64_MAX;
	return rc;
}

/* Max-heap on (key, seq): the newest first. */
static bool
before(const struct index_entry *a, const struct index_entry *b)
{
	return a->key != b->key ? a->key > b->key : a->seq > b->seq;
}

static void
sift_down(struct index_entry *e, size_t n, size_t i)
{
	for (;;) {
		size_t best = i, l = 2 * i + 1, r = l + 1;
		if (l < n && before(&e[l], &e[best]))
			best = l;
		if (r < n && before(&e[r], &e[best]))
			best = r;
		if (best == i)
			return;
		struct index_entry t = e[i];
		e[i] = e[best];
		e[best] = t;
		i = best;
	}
}

/*
 * Entries stored without a sort key (by a writer that had none) get the
 * keys just worked out from their heads, best effort, in a transaction of
 * their own: the next walk need not decrypt them again.
 */
static void
heal_keys(struct vault *v, const struct entry_list *fixed)
{
	char keep[sizeof(v->errmsg)];
	int rc;
	if (!fixed->n || v->in_tx || v->in_read || v->refuse || v->mem_copy ||
	    sqlite3_db_readonly(v->db, "main"))
		return;
	memcpy(keep, v->errmsg, sizeof(keep));
	sqlite3_busy_timeout(v->db, 0);
	if (vault_begin(v) == VAULT_OK) {
		rc = VAULT_OK;
		for (size_t i = 0; !rc && i < fixed->n; i++) {
			struct index_entry *e =
			        index_find(v, fixed->e[i].id, &rc);
			if (rc || !e || e->revision != fixed->e[i].revision ||
			    !key_unknown(e) || e->key == fixed->e[i].key)
				continue;
			e->key = fixed->e[i].key;
			e->flags &= ~(uint32_t)ENTRY_KEY_UNKNOWN;
			index_touch(v, e->id);
		}
		if (rc || vault_commit(v))
			vault_rollback(v);
	}
	sqlite3_busy_timeout(v->db, BUSY_TIMEOUT_MS);
	memcpy(v->errmsg, keep, sizeof(keep));
}

int
vault_each_by_key(struct vault *v, const char *kind, unsigned flags, int64_t lo,
                  int64_t hi, vault_each_fn fn, void *arg)
{
	struct entry_list l, fixed = {0};
	size_t fixed_cap = 0;
	bool own;
	int rc;
	if (!v->sort_key || !vault_kind_ok(kind))
		return vault_set_error(v, VAULT_ERROR,
		                       "These records have no order.");
	if ((rc = read_enter(v, &own)))
		return rc;
	/* the heap orders them: no need to sort by order first */
	if ((rc = collect_sorted(v, kind, &l, SORT_NONE)))
		return read_leave(v, own, rc);
	/* the entries in range, and always those that could not be read */
	size_t n = 0;
	for (size_t i = 0; i < l.n && !rc; i++) {
		if (key_unknown(&l.e[i])) {
			rc = entry_key(v, &l.e[i]);
			if (!rc && fixed.n == fixed_cap) {
				fixed_cap = fixed_cap ? 2 * fixed_cap : 64;
				struct index_entry *p = realloc(
				        fixed.e, fixed_cap * sizeof(*p));
				if (!p)
					rc = vault_set_error(v, VAULT_ERROR,
					                     "Out of memory.");
				else
					fixed.e = p;
			}
			if (!rc)
				fixed.e[fixed.n++] = l.e[i];
		}
		if ((l.e[i].key >= lo && l.e[i].key <= hi) ||
		    l.e[i].key == INT64_MAX)
			l.e[n++] = l.e[i];
	}
	for (size_t i = n / 2; i-- > 0;)
		sift_down(l.e, n, i);
	while (n && !rc) {
		struct index_entry top = l.e[0];
		l.e[0] = l.e[--n];
		sift_down(l.e, n, 0);
		rc = visit(v, &top, flags & VAULT_EACH_BODY, fn, arg);
	}
	list_free(&l);
	rc = read_leave(v, own, rc);
	if (rc >= 0) /* also when fn stopped the walk */
		heal_keys(v, &fixed);
	list_free(&fixed);
	return rc;
}

struct key_check {
	vault_sort_key_fn fn;
	atomic_bool stale;
};

/* On the helper threads: does the head give the key the index holds? */
static bool
key_check_keep(void *arg, const struct vault_item *it)
{
	struct key_check *kc = arg;
	int64_t key;
	if (it->sort_key == INT64_MAX ||
	    (kc->fn(it->kind, it->head, it->headlen, &key) == 0 &&
	     key != it->sort_key))
		atomic_store(&kc->stale, true);
	return false;
}

static int
key_check_cb(void *arg, const struct vault_item *it)
{
	(void)arg;
	(void)it; /* damaged records: check reports them elsewhere */
	return 0;
}

int
vault_listing_check(struct vault *v, const char *kind, bool *stale)
{
	struct key_check kc = {.fn = v->sort_key};
	*stale = false;
	if (!v->sort_key || !vault_kind_ok(kind))
		return vault_set_error(v, VAULT_ERROR,
		                       "These records have no order.");
	atomic_init(&kc.stale, false);
	int rc = vault_search(v, kind, VAULT_EACH_ROW_ORDER, key_check_keep,
	                      &kc, key_check_cb, NULL);
	*stale = atomic_load(&kc.stale);
	return rc;
}

/* --- searching walk --- */

/*
 * vault_search works in batches of rows, two at a time: while helper
 * threads decrypt and filter one batch (each taking the next row from a
 * shared counter, into its own part of one guarded buffer), the calling
 * thread reads the next batch from SQLite and then joins in. The kept
 * rows are handed to fn in order on the calling thread.
 */
enum { SEARCH_BATCH = 256, SEARCH_THREADS_MAX = 4 };

struct search_row {
	struct index_entry e;
	char id[VAULT_ID_HEX + 1];
	const char *kind;
	size_t place; /* in the walk */
	bool missing;
	size_t hoff, hlen, boff, blen; /* ciphertexts in batch.cipher */
	size_t poff;                   /* plaintext room in batch.plain */
	struct vault_item it;
	bool keep;
};

struct search_batch {
	struct vault *v;
	bool body; /* VAULT_EACH_BODY: open the bodies too */
	vault_keep_fn keep;
	void *karg;
	struct search_row rows[SEARCH_BATCH];
	size_t n;
	atomic_size_t next;    /* the next row to decrypt */
	unsigned char *cipher; /* malloc'd: not secret */
	size_t cipherlen, ciphercap;
	unsigned char *plain; /* sodium_malloc'd */
	size_t plainlen, plaincap;
};

/* Open one row of the batch: head (envelope checked) and maybe body. */
static void
search_open_row(struct search_batch *b, struct search_row *r)
{
	const struct vault *v = b->v;
	unsigned char ad[AD_MAX];
	unsigned char *h = b->plain + r->poff;
	unsigned char *body = h + r->hlen + 1;
	struct envelope env;
	size_t plen = 0;
	r->it = (struct vault_item){
	        .id = r->id,
	        .kind = r->kind,
	        .revision = r->e.revision,
	        .written_locked = r->e.flags & VAULT_WRITTEN_LOCKED,
	        .conflict_copy = r->e.flags & VAULT_CONFLICT_COPY,
	        .sort_key = key_unknown(&r->e) ? INT64_MAX : r->e.key,
	        .place = r->place};
	r->keep = true; /* damage is always reported */
	if (r->missing) {
		r->it.damaged = true;
		r->it.problem = VAULT_PROBLEM_MISSING;
		return;
	}
	if ((r->e.flags & ENTRY_LEGACY_DAMAGED) || r->hlen <= HEAD_TAG ||
	    open_into(v->reckey, b->cipher + r->hoff + HEAD_TAG,
	              r->hlen - HEAD_TAG, ad,
	              head_ad(v, b->cipher + r->hoff, ad), h, &plen) != 0 ||
	    envelope_parse(h, plen, &env) != 0 ||
	    memcmp(env.id, r->e.id, VAULT_ID_BYTES) != 0 ||
	    strcmp(env.kind, r->kind) != 0 || env.revision > r->e.revision) {
		r->it.damaged = true;
		r->it.problem = VAULT_PROBLEM_DAMAGED;
		return;
	}
	if (env.revision < r->e.revision) {
		r->it.damaged = true;
		r->it.problem = VAULT_PROBLEM_OLDER;
		return;
	}
	r->it.head = env.head;
	r->it.headlen = env.headlen;
	r->it.time = env.time;
	if (b->body && open_into(v->reckey, b->cipher + r->boff, r->blen, ad,
	                         body_ad(v, r->e.id, r->e.revision, ad), body,
	                         &r->it.bodylen) != 0) {
		r->it = (struct vault_item){.id = r->id,
		                            .kind = r->kind,
		                            .revision = r->e.revision,
		                            .damaged = true,
		                            .problem = VAULT_PROBLEM_DAMAGED,
		                            .place = r->place};
		return;
	}
	r->it.body = b->body ? body : NULL;
	if (v->verify && b->body)
		verify_row(v->verify, v->sort_key, &r->it);
	r->keep = !b->keep || b->keep(b->karg, &r->it);
}

/* Decrypt and filter rows of the batch until none is left. */
static void
search_run(struct search_batch *b)
{
	for (;;) {
		size_t i = atomic_fetch_add(&b->next, 1);
		if (i >= b->n)
			return;
		search_open_row(b, &b->rows[i]);
	}
}

/*
 * The helper threads of a walk, started once: each waits for a batch,
 * decrypts rows of it until none is left, says so and waits again
 * (a thread started for each batch cost the reading thread a clone and
 * the helper its start-up, hundreds of times in a large walk).
 */
struct search_pool {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	struct search_batch *b; /* the batch to decrypt */
	unsigned long round;    /* one more for each batch */
	unsigned busy;          /* helpers still on this round's batch */
	unsigned n;             /* helpers running */
	bool quit;
	pthread_t tids[SEARCH_THREADS_MAX];
};

static void *
pool_thread(void *arg)
{
	struct search_pool *p = arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->quit && p->round == seen)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit)
			break;
		seen = p->round;
		struct search_batch *b = p->b;
		pthread_mutex_unlock(&p->mu);
		search_run(b);
		pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Start up to `helpers` threads (none when that fails: this thread
 * decrypts everything then). Returns false when the pool cannot be set
 * up at all. */
static bool
pool_start(struct search_pool *p, unsigned helpers)
{
	memset(p, 0, sizeof(*p));
	if (pthread_mutex_init(&p->mu, NULL))
		return false;
	if (pthread_cond_init(&p->go, NULL)) {
		pthread_mutex_destroy(&p->mu);
		return false;
	}
	if (pthread_cond_init(&p->done, NULL)) {
		pthread_cond_destroy(&p->go);
		pthread_mutex_destroy(&p->mu);
		return false;
	}
	while (p->n < helpers &&
	       pthread_create(&p->tids[p->n], NULL, pool_thread, p) == 0)
		p->n++;
	return true;
}

/* Set the helpers on b; the last batch is done (pool_wait). */
static void
pool_post(struct search_pool *p, struct search_batch *b)
{
	pthread_mutex_lock(&p->mu);
	p->b = b;
	p->busy = p->n;
	p->round++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
}

/* Wait until the helpers are done with the batch posted last. */
static void
pool_wait(struct search_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->busy)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void
pool_stop(struct search_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (unsigned t = 0; t < p->n; t++)
		pthread_join(p->tids[t], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->go);
	pthread_mutex_destroy(&p->mu);
}

/*
 * The rows of a batch are read by one statement stepping through the
 * table in rowid order: a walk's entries mostly lie in that order, and
 * stepping on to the next row costs much less than looking each one up
 * (row_step). An entry further on, or behind, is looked up afresh.
 */
struct row_scan {
	sqlite3_stmt *st; /* SCAN_SQL */
	bool on;          /* on the row `rowid` */
	int64_t rowid;
};

#define SCAN_SQL "SELECT rowid, head, body FROM record WHERE rowid >= ?"
enum { SCAN_STEPS_MAX = 8 }; /* rows stepped over before looking up */

/* Put the scan on the row `rowid`: SQLITE_ROW (its head and body are
 * columns 1 and 2), SQLITE_DONE when there is no such row, or a SQLite
 * error. */
static int
scan_to(struct row_scan *sc, int64_t rowid)
{
	int s;
	if (sc->on && sc->rowid < rowid) {
		for (int k = 0; sc->rowid < rowid && k < SCAN_STEPS_MAX; k++) {
			if ((s = sqlite3_step(sc->st)) != SQLITE_ROW) {
				sc->on = false;
				sqlite3_reset(sc->st);
				if (s != SQLITE_DONE)
					return s;
				break;
			}
			sc->rowid = sqlite3_column_int64(sc->st, 0);
		}
		/* stepped on from before it over every row between, so
		 * when past it, there is no such row */
		if (sc->on && sc->rowid >= rowid)
			return sc->rowid == rowid ? SQLITE_ROW : SQLITE_DONE;
	} else if (sc->on && sc->rowid == rowid) {
		return SQLITE_ROW;
	}
	sqlite3_reset(sc->st);
	sc->on = false;
	if (sqlite3_bind_int64(sc->st, 1, rowid) != SQLITE_OK)
		return SQLITE_ERROR;
	if ((s = sqlite3_step(sc->st)) != SQLITE_ROW) {
		sqlite3_reset(sc->st);
		return s;
	}
	sc->on = true;
	sc->rowid = sqlite3_column_int64(sc->st, 0);
	return sc->rowid == rowid ? SQLITE_ROW : SQLITE_DONE;
}

/* Copy an entry's row's ciphertexts into the batch; -1 when out of
 * memory, or a SQLite error. */
static int
search_take(struct search_batch *b, struct row_scan *sc,
            const struct index_entry *e, size_t place)
{
	struct vault *v = b->v;
	struct search_row *r = &b->rows[b->n];
	sqlite3_stmt *st = sc->st;
	size_t hl = 0, bl = 0;
	memset(r, 0, sizeof(*r));
	r->e = *e;
	r->place = place;
	sodium_bin2hex(r->id, sizeof(r->id), e->id, VAULT_ID_BYTES);
	r->kind = index_kind_name(v, e->kind);
	int s = (e->flags & ENTRY_LEGACY_DAMAGED) ? SQLITE_DONE
	                                          : scan_to(sc, e->rowid);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return vault_db_error(v, "read the vault");
	if (s == SQLITE_DONE) {
		r->missing = !(e->flags & ENTRY_LEGACY_DAMAGED);
	} else {
		hl = (size_t)sqlite3_column_bytes(st, 1);
		bl = b->body ? (size_t)sqlite3_column_bytes(st, 2) : 0;
	}
	if (b->cipherlen + hl + bl > b->ciphercap) {
		size_t cap = 2 * (b->cipherlen + hl + bl);
		unsigned char *p = realloc(b->cipher, cap);
		if (!p)
			return vault_set_error(v, VAULT_ERROR,
			                       "Out of memory.");
		b->cipher = p;
		b->ciphercap = cap;
	}
	r->hoff = b->cipherlen;
	r->hlen = hl;
	if (hl)
		memcpy(b->cipher + r->hoff, sqlite3_column_blob(st, 1), hl);
	r->boff = r->hoff + hl;
	r->blen = bl;
	if (bl)
		memcpy(b->cipher + r->boff, sqlite3_column_blob(st, 2), bl);
	b->cipherlen += hl + bl;
	b->n++;
	return 0;
}

/* Read up to a batch of rows from the list, from *next on. The scan is
 * left reset, so that nothing reads while the batch's rows are handed
 * to the caller (who may write). */
static int
search_fill(struct search_batch *b, struct row_scan *sc,
            const struct entry_list *l, size_t *next)
{
	int rc = 0;
	if (!sc->st && sqlite3_prepare_v2(b->v->db, SCAN_SQL, -1, &sc->st,
	                                  NULL) != SQLITE_OK)
		return vault_db_error(b->v, "read the vault");
	while (!rc && *next < l->n && b->n < SEARCH_BATCH) {
		rc = search_take(b, sc, &l->e[*next], *next);
		++*next;
	}
	sqlite3_reset(sc->st);
	sc->on = false;
	return rc;
}

/* Room for the batch's plaintexts, in guarded memory. */
static int
search_prepare(struct search_batch *b)
{
	size_t need = 0;
	for (size_t i = 0; i < b->n; i++) {
		b->rows[i].poff = need;
		need += b->rows[i].hlen + b->rows[i].blen + 2;
	}
	if (need > b->plaincap) {
		sodium_free(b->plain);
		b->plaincap = 2 * need;
		b->plain = sodium_malloc(b->plaincap);
		if (!b->plain) {
			b->plaincap = 0;
			return vault_set_error(b->v, VAULT_ERROR,
			                       "Out of memory.");
		}
	}
	b->plainlen = need;
	atomic_store(&b->next, 0);
	return 0;
}

/* Decrypt the whole batch, with the helpers. */
static void
search_decrypt(struct search_pool *p, struct search_batch *b)
{
	pool_post(p, b);
	search_run(b);
	pool_wait(p);
}

/* Hand the kept rows to fn in order; wipe the plaintext; empty it. */
static int
search_finish(struct search_batch *b, vault_each_fn fn, void *arg)
{
	int rc = 0;
	for (size_t i = 0; i < b->n && !rc; i++)
		if (b->rows[i].keep)
			rc = fn(arg, &b->rows[i].it);
	if (b->plain)
		sodium_memzero(b->plain, b->plainlen);
	b->n = b->cipherlen = b->plainlen = 0;
	return rc;
}

int
vault_search(struct vault *v, const char *kind, unsigned flags,
             vault_keep_fn keep, void *karg, vault_each_fn fn, void *arg)
{
	return vault_search_needle(v, kind, flags, NULL, keep, karg, fn, arg);
}

int
vault_search_needle(struct vault *v, const char *kind, unsigned flags,
                    const struct search_needle *needle, vault_keep_fn keep,
                    void *karg, vault_each_fn fn, void *arg)
{
	struct search_batch *batch;
	struct entry_list l;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned helpers = cpus <= 1                   ? 0
	                   : cpus > SEARCH_THREADS_MAX ? SEARCH_THREADS_MAX - 1
	                                               : (unsigned)cpus - 1;
	size_t next = 0;
	struct row_scan scan = {0};
	struct search_pool pool;
	bool own;
	int rc;
	if ((rc = read_enter(v, &own)))
		return rc;
	rc = collect_matching(
	        v, kind,
	        needle && search_needle_filters(needle) ? needle : NULL, &l,
	        flags & VAULT_EACH_ROW_ORDER ? SORT_ROWID : SORT_SEQ);
	if (rc) {
		list_free(&l);
		return read_leave(v, own, rc);
	}
	batch = calloc(2, sizeof(*batch));
	if (!batch || !pool_start(&pool, l.n > SEARCH_BATCH ? helpers : 0)) {
		free(batch);
		list_free(&l);
		return read_leave(
		        v, own,
		        vault_set_error(v, VAULT_ERROR, "Out of memory."));
	}
	for (int i = 0; i < 2; i++) {
		batch[i].v = v;
		batch[i].body = flags & VAULT_EACH_BODY;
		batch[i].keep = keep;
		batch[i].karg = karg;
	}
	/* A pipeline: while the helpers decrypt one batch, this thread hands
	 * the batch before it to fn and reads the one after it from SQLite,
	 * then helps them finish. */
	struct search_batch *cur = &batch[0], *nxt = &batch[1];
	int frc = 0;
	if (!(rc = search_fill(cur, &scan, &l, &next)) && cur->n &&
	    !(rc = search_prepare(cur)))
		search_decrypt(&pool, cur);
	if (!rc && cur->n && !(frc = search_fill(nxt, &scan, &l, &next)) &&
	    nxt->n)
		frc = search_prepare(nxt);
	while (!rc && cur->n) {
		bool more = !frc && nxt->n;
		if (more)
			pool_post(&pool, nxt);
		int after = 0;
		rc = search_finish(cur, fn, arg); /* cur is empty now */
		if (more && !rc &&
		    !(after = search_fill(cur, &scan, &l, &next)) && cur->n)
			after = search_prepare(cur);
		if (more) {
			search_run(nxt);
			pool_wait(&pool);
		}
		if (!rc)
			rc = frc;
		frc = after;
		struct search_batch *t = cur;
		cur = nxt;
		nxt = t;
	}
	for (int i = 0; i < 2; i++) {
		if (batch[i].plain)
			sodium_memzero(batch[i].plain, batch[i].plaincap);
		sodium_free(batch[i].plain);
		free(batch[i].cipher);
	}
	free(batch);
	pool_stop(&pool);
	sqlite3_finalize(scan.st);
	list_free(&l);
	return read_leave(v, own, rc);
}

/* --- check --- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool
slot_matches(struct vault *v, const char *name)
{
	struct slot sl;
	unsigned char hash[HASH_BYTES];
	const struct slot_hash *want = index_slot(v, name);
	if (!want || vault_read_slot(v, name, &sl))
		return false;
	vault_slot_hash(name, &sl, hash);
	return sodium_memcmp(hash, want->hash, HASH_BYTES) == 0;
}

int
vault_check(struct vault *v, struct vault_check_report *r)
{
	sqlite3_stmt *st = NULL;
	int64_t *rows = NULL;
	size_t nrows = 0, cap = 0;
	bool own;
	int rc, s;
	memset(r, 0, sizeof(*r));
	if ((rc = read_enter(v, &own)))
		return rc;
	r->state_ok = index_load_all(v) == VAULT_OK;
	{
		unsigned char *sk = sodium_malloc(SK_BYTES);
		unsigned char pk[PK_BYTES];
		r->secret_key_ok =
		        sk && vault_open_secret_key(v, v->master, sk) == 0;
		if (r->secret_key_ok) {
			crypto_scalarmult_base(pk, sk);
			r->public_key_ok =
			        sodium_memcmp(pk, v->st.public_key, PK_BYTES) ==
			                0 &&
			        sodium_memcmp(pk, v->public_key, PK_BYTES) == 0;
		}
		sodium_free(sk);
	}
	r->passphrase_slot_ok = slot_matches(v, "passphrase");
	r->recovery_expected = index_slot(v, "recovery") != NULL;
	r->recovery_slot_ok =
	        r->recovery_expected && slot_matches(v, "recovery");
	if (!r->recovery_expected && vault_has_recovery(v))
		r->recovery_slot_ok = false; /* a slot the state never made */
	r->records = v->st.live;
	/* every row the index points at */
	for (size_t b = 0; r->state_ok && b < ((size_t)1 << v->st.bucket_bits);
	     b++)
		for (size_t i = 0; i < v->buckets[b].n; i++) {
			if (!v->buckets[b].e[i].rowid)
				continue;
			if (nrows == cap) {
				cap = cap ? 2 * cap : 1024;
				int64_t *p = realloc(rows, cap * sizeof(*p));
				if (!p) {
					free(rows);
					return read_leave(
					        v, own,
					        vault_set_error(
					                v, VAULT_ERROR,
					                "Out of memory."));
				}
				rows = p;
			}
			rows[nrows++] = v->buckets[b].e[i].rowid;
		}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_i64);
	if (!r->state_ok) {
		free(rows);
		return read_leave(v, own, VAULT_OK);
	}
	if (sqlite3_prepare_v2(v->db, "SELECT rowid FROM record ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK) {
		free(rows);
		return read_leave(v, own, vault_db_error(v, "check the vault"));
	}
	size_t acap = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t rowid = sqlite3_column_int64(st, 0);
		uint8_t why = 0;
		bool known = nrows && bsearch(&rowid, rows, nrows,
		                              sizeof(*rows), cmp_i64);
		if (known)
			continue;
		for (size_t i = 0; i < v->st.naside; i++)
			if (v->st.aside[i].rowid == rowid)
				why = v->st.aside[i].why ? v->st.aside[i].why
				                         : VAULT_ASIDE_DAMAGED;
		if (!why && rowid > v->st.high_water) {
			r->waiting++;
			continue;
		}
		if (r->nrows == acap) {
			acap = acap ? 2 * acap : 16;
			struct vault_check_row *p =
			        realloc(r->rows, acap * sizeof(*p));
			if (!p) {
				rc = vault_set_error(v, VAULT_ERROR,
				                     "Out of memory.");
				break;
			}
			r->rows = p;
		}
		r->rows[r->nrows++] = (struct vault_check_row){
		        rowid, (enum vault_aside_reason)why};
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "check the vault");
	sqlite3_finalize(st);
	free(rows);
	if (rc)
		vault_check_release(r);
	return read_leave(v, own, rc);
}

void
vault_check_release(struct vault_check_report *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}

/* --- rekey --- */

int
vault_rekey(struct vault *v, const char *pass, size_t len,
            const struct crypto_kdf_params *kdf)
{
	struct crypto_kdf_params k = kdf ? *kdf : v->pass.kdf;
	struct entry_list l = {0};
	unsigned char *old_rec = NULL, *old_master = NULL, *sk = NULL;
	unsigned char ad[AD_MAX];
	unsigned char old_pk[PK_BYTES], old_sk_sealed[SK_SEALED_LEN];
	int64_t old_max = 0;
	bool changed = false;
	int rc;

	if (!v->in_tx || !v->st_loaded)
		return vault_set_error(v, VAULT_ERROR,
		                       "A new key needs a transaction.");
	if (!crypto_kdf_params_ok(&k))
		return vault_set_error(v, VAULT_HOSTILE,
		                       "Those key derivation settings are "
		                       "outside what selfhelp allows.");
	/* the search filters are read under the old key, to be sealed
	 * again under the new one */
	if ((rc = collect(v, NULL, &l)) || (rc = filter_load_all(v)))
		goto out;
	old_rec = sodium_malloc(CRYPTO_KEY_BYTES);
	old_master = sodium_malloc(CRYPTO_KEY_BYTES);
	sk = sodium_malloc(SK_BYTES);
	if (!old_rec || !old_master || !sk) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	/* every record must read before anything changes */
	for (size_t i = 0; i < l.n; i++)
		if (l.e[i].flags & ENTRY_LEGACY_DAMAGED) {
			rc = vault_set_error(
			        v, VAULT_DAMAGED,
			        "Some records do not read ('selfhelp check' "
			        "lists them), so no new key was made; the "
			        "vault "
			        "is as it was.");
			goto out;
		}
	memcpy(old_rec, v->reckey, CRYPTO_KEY_BYTES);
	memcpy(old_master, v->master, CRYPTO_KEY_BYTES);
	memcpy(old_pk, v->public_key, PK_BYTES);
	memcpy(old_sk_sealed, v->sk_sealed, SK_SEALED_LEN);
	{
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(v->db, "SELECT max(rowid) FROM record",
		                       -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			rc = vault_db_error(v, "make a new key");
			goto out;
		}
		old_max = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	/* the new keys */
	changed = true;
	crypto_kdf_keygen(v->master);
	vault_derive_subkeys(v);
	crypto_box_keypair(v->public_key, sk);
	memcpy(v->st.public_key, v->public_key, PK_BYTES);
	vault_seal_secret_key(v, sk, v->sk_sealed);
	if ((rc = vault_store_meta(v)))
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		struct index_entry *e = &l.e[i];
		sqlite3_stmt *st = NULL;
		struct envelope env;
		size_t hl = 0, bl = 0;
		int64_t rowid = 0;
		int s = row_step(v, e->rowid, &st);
		unsigned char *body = NULL;
		if (s == SQLITE_ROW) {
			size_t blen = (size_t)sqlite3_column_bytes(st, 1);
			const unsigned char *hb = sqlite3_column_blob(st, 0);
			size_t hlen = (size_t)sqlite3_column_bytes(st, 0);
			body = sodium_malloc(blen + 1);
			if (!body ||
			    vault_scratch_reserve(&v->head, hlen + 1) != 0) {
				row_done(v, st);
				sodium_free(body);
				rc = vault_set_error(v, VAULT_ERROR,
				                     "Out of memory.");
				goto out;
			}
			s = hlen > HEAD_TAG &&
			                    open_into(old_rec, hb + HEAD_TAG,
			                              hlen - HEAD_TAG, ad,
			                              head_ad(v, hb, ad),
			                              v->head.p, &hl) == 0 &&
			                    envelope_parse(v->head.p, hl,
			                                   &env) == 0 &&
			                    env.revision == e->revision &&
			                    open_into(
			                            old_rec,
			                            sqlite3_column_blob(st, 1),
			                            blen, ad,
			                            body_ad(v, e->id,
			                                    e->revision, ad),
			                            body, &bl) == 0
			            ? 0
			            : -1;
		} else {
			s = -1;
		}
		if (st)
			row_done(v, st);
		if (s != 0) {
			sodium_free(body);
			rc = vault_set_error(
			        v, VAULT_DAMAGED,
			        "Some records do not read ('selfhelp check' "
			        "lists them), so no new key was made; the "
			        "vault "
			        "is as it was.");
			goto out;
		}
		/* the head plaintext moves out of the scratch store_row uses */
		unsigned char *head = sodium_malloc(env.headlen + 1);
		if (!head) {
			sodium_free(body);
			rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
			goto out;
		}
		memcpy(head, env.head, env.headlen);
		sodium_memzero(v->head.p, hl);
		rc = vault_store_row(v, index_kind_name(v, e->kind), e->id,
		                     e->revision, env.flags, env.time, &env.anc,
		                     head, env.headlen, body, bl, false,
		                     &rowid);
		sodium_free(head);
		sodium_free(body);
		if (!rc)
			rc = vault_remove_row(v, e->rowid);
		if (rc)
			goto out;
		/* point the index at the new row */
		int frc;
		struct index_entry *ie = index_find(v, e->id, &frc);
		if (frc || !ie) {
			rc = frc ? frc : VAULT_ERROR;
			goto out;
		}
		ie->rowid = rowid;
		if (rowid > v->st.high_water)
			v->st.high_water = rowid;
		if (i % 256 == 0 || i + 1 == l.n) {
			struct vault_event ev = {.type = VAULT_EV_REKEYING,
			                         .n = i + 1,
			                         .total = l.n};
			vault_emit(v, &ev);
		}
	}
	/* rows set aside, and rows nobody names: old ciphertext, gone */
	{
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(v->db,
		                       "DELETE FROM record WHERE rowid <= ?",
		                       -1, &st, NULL) != SQLITE_OK) {
			rc = vault_db_error(v, "make a new key");
			goto out;
		}
		sqlite3_bind_int64(st, 1, old_max);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = vault_db_error(v, "make a new key");
		sqlite3_finalize(st);
		if (rc)
			goto out;
	}
	free(v->st.aside);
	v->st.aside = NULL;
	v->st.naside = 0;
	if ((rc = index_write_all(v)) ||
	    (rc = vault_write_slot_key(v, "passphrase", pass, len, &k)))
		goto out;
	if (vault_has_recovery(v) && (rc = vault_remove_recovery(v)))
		goto out;
	v->unlocked_slot = "passphrase";
out:
	if (rc && changed) {
		/* the caller rolls back; the old keys come back with it */
		memcpy(v->master, old_master, CRYPTO_KEY_BYTES);
		vault_derive_subkeys(v);
		memcpy(v->public_key, old_pk, PK_BYTES);
		memcpy(v->sk_sealed, old_sk_sealed, SK_SEALED_LEN);
	}
	sodium_free(old_rec);
	sodium_free(old_master);
	sodium_free(sk);
	list_free(&l);
	return rc;
}

/* --- repair --- */

int
vault_filters_rebuild(struct vault *v)
{
	bool own;
	int rc = write_enter(v, &own);
	if (rc)
		return rc;
	return write_leave(v, own, filter_rebuild(v));
}

void
vault_allow_repair(struct vault *v)
{
	v->allow_repair = true;
}

bool
vault_state_damaged(const struct vault *v)
{
	return v->state_damaged;
}

/* One row as its head tells it, for the rebuild. */
struct found {
	int64_t rowid;
	unsigned char id[VAULT_ID_BYTES];
	int64_t revision, time, key;
	uint32_t flags;
	char kind[VAULT_KIND_MAX];
};

static int
by_id_then_revision(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = memcmp(x->id, y->id, VAULT_ID_BYTES);
	if (c)
		return c;
	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static int
found_by_rowid(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static void
repair_aside(struct vault *v, int64_t rowid, enum vault_aside_reason why,
             size_t *aside)
{
	struct vault_event ev = {
	        .type = VAULT_EV_SET_ASIDE, .kind = "", .why = why};
	if (index_add_aside(v, rowid, (uint8_t)why) == VAULT_OK) {
		vault_emit(v, &ev);
		(*aside)++;
	}
}

int
vault_repair(struct vault *v, uint64_t counter_floor, size_t *kept,
             size_t *aside)
{
	sqlite3_stmt *st = NULL;
	struct found *f = NULL;
	int64_t *sealed = NULL;
	size_t n = 0, cap = 0, nsealed = 0, scap = 0;
	unsigned char *sk = NULL;
	uint64_t counter = counter_floor;
	int rc, s;

	*kept = *aside = 0;
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if ((rc = vault_writable(v)))
		return rc;
	if (v->st_loaded && v->st.counter > counter)
		counter = v->st.counter;
	if ((rc = vault_exec(v, "BEGIN IMMEDIATE;", "repair the vault")))
		return rc;
	v->in_tx = true;
	{
		/* the old state's counter, when it still opens */
		struct vstate old;
		if (index_read_state(v, v->idxkey, &old) == VAULT_OK &&
		    old.counter > counter)
			counter = old.counter;
		vstate_release(&old);
	}
	sk = sodium_malloc(SK_BYTES);
	if (!sk) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto fail;
	}
	if (vault_open_secret_key(v, v->master, sk) != 0) {
		/* nothing sealed to the old key can be read: a new pair */
		struct vault_event ev = {.type = VAULT_EV_NEW_KEY_PAIR};
		crypto_box_keypair(v->public_key, sk);
		vault_seal_secret_key(v, sk, v->sk_sealed);
		if ((rc = vault_store_meta(v)))
			goto fail;
		vault_emit(v, &ev);
	} else {
		crypto_scalarmult_base(v->public_key, sk);
		if ((rc = vault_store_meta(v)))
			goto fail;
	}
	/* what every row says it is */
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT rowid, head FROM record ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = vault_db_error(v, "repair the vault");
		goto fail;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct envelope env;
		size_t plen = 0;
		int64_t rowid = sqlite3_column_int64(st, 0);
		if (vault_open_head(v, sqlite3_column_blob(st, 1),
		                    (size_t)sqlite3_column_bytes(st, 1),
		                    &v->head, &plen) != 0 ||
		    envelope_parse(v->head.p, plen, &env) != 0) {
			if (nsealed == scap) {
				scap = scap ? 2 * scap : 64;
				int64_t *p = realloc(sealed, scap * sizeof(*p));
				if (!p) {
					rc = vault_set_error(v, VAULT_ERROR,
					                     "Out of memory.");
					break;
				}
				sealed = p;
			}
			sealed[nsealed++] = rowid;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			struct found *p = realloc(f, cap * sizeof(*p));
			if (!p) {
				rc = vault_set_error(v, VAULT_ERROR,
				                     "Out of memory.");
				break;
			}
			f = p;
		}
		struct found *x = &f[n++];
		x->rowid = rowid;
		memcpy(x->id, env.id, VAULT_ID_BYTES);
		x->revision = env.revision;
		x->time = env.time;
		x->flags = env.flags & VAULT_WRITTEN_LOCKED;
		snprintf(x->kind, sizeof(x->kind), "%s", env.kind);
		if (vault_sort_key_of(v, env.kind, env.head, env.headlen,
		                      &x->key, &x->flags))
			x->key = INT64_MAX;
		sodium_memzero(v->head.p, plen);
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "repair the vault");
	sqlite3_finalize(st);
	st = NULL;
	if (rc)
		goto fail;
	/* a fresh state: this file's slots, key and counter */
	if ((rc = index_create(v)))
		goto fail;
	v->st.counter = counter;
	static const char *const slots[] = {"passphrase", "recovery"};
	for (size_t i = 0; i < 2; i++) {
		struct slot sl;
		unsigned char hash[HASH_BYTES];
		if (vault_read_slot(v, slots[i], &sl) == VAULT_OK) {
			vault_slot_hash(slots[i], &sl, hash);
			if ((rc = index_set_slot(v, slots[i], hash)))
				goto fail;
		}
	}
	/* the newest revision of each id; the order they were stored in */
	if (n)
		qsort(f, n, sizeof(*f), by_id_then_revision);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n &&
		    memcmp(f[i].id, f[i + 1].id, VAULT_ID_BYTES) == 0) {
			repair_aside(v, f[i].rowid, VAULT_ASIDE_REPLAY, aside);
			continue;
		}
		f[m++] = f[i];
	}
	if (m)
		qsort(f, m, sizeof(*f), found_by_rowid);
	for (size_t i = 0; i < m; i++) {
		int code = index_kind(v, f[i].kind, true);
		if (code < 0) {
			rc = VAULT_ERROR;
			goto fail;
		}
		struct index_entry e = {.rowid = f[i].rowid,
		                        .revision = f[i].revision,
		                        .seq = v->st.next_seq++,
		                        .key = f[i].key,
		                        .flags = f[i].flags,
		                        .kind = (uint8_t)code};
		memcpy(e.id, f[i].id, VAULT_ID_BYTES);
		if ((rc = index_add(v, &e)))
			goto fail;
		if (e.rowid > v->st.high_water)
			v->st.high_water = e.rowid;
		(*kept)++;
	}
	/* the rest: locked writes (folded in) or rows that do not open */
	for (size_t i = 0; i < nsealed; i++) {
		int r = vault_fold_row(v, sk, sealed[i]);
		if (r < 0) {
			rc = r;
			goto fail;
		}
		if (sealed[i] > v->st.high_water)
			v->st.high_water = sealed[i];
		if (r > 0)
			(*kept)++;
		else
			(*aside)++;
	}
	if ((rc = index_write_all(v)) || (rc = filter_rebuild(v)) ||
	    (rc = vault_commit(v)))
		goto fail;
	v->state_damaged = false;
	goto out;
fail:
	if (v->in_tx)
		vault_rollback(v);
	*kept = *aside = 0;
out:
	if (f)
		sodium_memzero(f, cap * sizeof(*f));
	free(f);
	free(sealed);
	sodium_free(sk);
	return rc;
}
