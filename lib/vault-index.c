/*
 * The encrypted state and index of a format 2 vault (vault-format.md,
 * "State" and "Index"). The state is one sealed row: the write counter,
 * the high-water mark of rows it covers, the public key, the key slots'
 * hashes, the kinds, the rows set aside and a version per index bucket.
 * The index is 2^bits sealed buckets of entries (id, row, kind,
 * revision, order, sort key, flags), bucketed by the top bits of the
 * random record id; each bucket is bound to its version in the state, so
 * an old bucket put back does not open. Everything changed in a write
 * transaction is stored by index_flush() just before COMMIT, with the
 * counter one higher.
 */
#include "vault-internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	STATE_MAGIC = 0x32534853, /* "SHS2" */
	STATE_LAYOUT = 1,
	STATE_FIXED = 96,
	ENTRY_BYTES = 56,
	BUCKET_HEADER = 8,
	PAD_BLOCK = 1024,
	/* a bucket holds about this many entries before the index doubles */
	BUCKET_TARGET = 512,
};

static size_t
state_ad(const struct vault *v, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-state");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	return n;
}

static size_t
bucket_ad(const struct vault *v, unsigned bits, size_t b, uint64_t version,
          unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-bucket");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_u64(ad, &n, bits);
	ad_u64(ad, &n, (uint64_t)b);
	ad_u64(ad, &n, version);
	return n;
}

void
vstate_release(struct vstate *st)
{
	free(st->aside);
	free(st->bucket_version);
	sodium_memzero(st, sizeof(*st));
}

static void
buckets_free_one(struct bucket *bk)
{
	if (bk->e)
		sodium_memzero(bk->e, bk->cap * sizeof(*bk->e));
	if (bk->heads)
		sodium_memzero(bk->heads, bk->cap * sizeof(*bk->heads));
	free(bk->e);
	free(bk->heads);
	bk->e = NULL;
	bk->heads = NULL;
	bk->n = bk->cap = 0;
}

static void
buckets_free(struct bucket *bk, size_t n)
{
	for (size_t i = 0; bk && i < n; i++)
		buckets_free_one(&bk[i]);
	free(bk);
}

void
index_release(struct vault *v)
{
	if (v->st_loaded) {
		buckets_free(v->buckets, (size_t)1 << v->st.bucket_bits);
		filter_buckets_free(v->fbuckets,
		                    (size_t)1 << v->st.bucket_bits);
	}
	v->buckets = NULL;
	v->fbuckets = NULL;
	vstate_release(&v->st);
	v->st_loaded = false;
	v->st_dirty = false;
}

/* --- seal and open with the index key --- */

/* Pad p[0..len) (room for the padded size) to whole PAD_BLOCKs, seal it;
 * returns a malloc'd buffer of *outlen bytes, or NULL. */
unsigned char *
index_seal(struct vault *v, unsigned char *p, size_t len, size_t cap,
           const unsigned char *ad, size_t adlen, size_t *outlen)
{
	size_t plen;
	if (sodium_pad(&plen, p, len, PAD_BLOCK, cap) != 0)
		return NULL;
	unsigned char *out = malloc(plen + CRYPTO_OVERHEAD);
	if (out)
		crypto_seal(out, p, plen, ad, adlen, v->idxkey);
	*outlen = plen + CRYPTO_OVERHEAD;
	return out;
}

/* Room for n bytes padded to whole PAD_BLOCKs. */
size_t
index_padded_cap(size_t n)
{
	return (n / PAD_BLOCK + 1) * PAD_BLOCK;
}

/* Open and unpad a sealed buffer into a malloc'd plaintext (wipe it);
 * NULL when it does not authenticate. */
unsigned char *
index_open(const unsigned char *key, const unsigned char *data, size_t len,
           const unsigned char *ad, size_t adlen, size_t *plen)
{
	if (!data || len <= CRYPTO_OVERHEAD)
		return NULL;
	size_t n = len - CRYPTO_OVERHEAD;
	unsigned char *p = malloc(n);
	if (!p)
		return NULL;
	if (crypto_open(p, data, len, ad, adlen, key) != 0 ||
	    sodium_unpad(plen, p, n, PAD_BLOCK) != 0) {
		sodium_memzero(p, n);
		free(p);
		return NULL;
	}
	return p;
}

/* --- the state --- */

struct reader {
	const unsigned char *p;
	size_t n, off;
	bool bad;
};

static const unsigned char *
take(struct reader *r, size_t n)
{
	if (r->bad || r->n - r->off < n) {
		r->bad = true;
		return NULL;
	}
	const unsigned char *p = r->p + r->off;
	r->off += n;
	return p;
}

static uint64_t
take_u64(struct reader *r)
{
	const unsigned char *p = take(r, 8);
	return p ? get_u64(p) : 0;
}

static unsigned
take_u8(struct reader *r)
{
	const unsigned char *p = take(r, 1);
	return p ? *p : 0;
}

static bool
take_name(struct reader *r, char *out, size_t cap)
{
	unsigned len = take_u8(r);
	const unsigned char *p = take(r, len);
	if (!p || len == 0 || len >= cap)
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* Parse a state's plaintext; false when it is malformed. */
static bool
parse_state(const unsigned char *p, size_t n, struct vstate *st)
{
	struct reader r = {.p = p, .n = n};
	const unsigned char *h = take(&r, STATE_FIXED);
	if (!h || get_u32(h) != STATE_MAGIC || get_u32(h + 4) != STATE_LAYOUT)
		return false;
	st->counter = get_u64(h + 8);
	st->high_water = (int64_t)get_u64(h + 16);
	st->next_seq = (int64_t)get_u64(h + 24);
	st->last_write = (int64_t)get_u64(h + 32);
	st->schema = get_u32(h + 40);
	memcpy(st->public_key, h + 44, PK_BYTES);
	st->bucket_bits = h[76];
	st->nkinds = h[77];
	st->nslots = h[78];
	st->live = get_u64(h + 80);
	st->entries = get_u64(h + 88);
	if (st->bucket_bits > BUCKET_BITS_MAX || st->nkinds > KINDS_MAX ||
	    st->nslots > SLOTS_MAX || st->high_water < 0 || st->next_seq < 1)
		return false;
	for (size_t i = 0; i < st->nkinds; i++)
		if (!take_name(&r, st->kinds[i], VAULT_KIND_MAX))
			return false;
	for (size_t i = 0; i < st->nslots; i++) {
		if (!take_name(&r, st->slots[i].name, SLOT_NAME_MAX))
			return false;
		const unsigned char *hh = take(&r, HASH_BYTES);
		if (!hh)
			return false;
		memcpy(st->slots[i].hash, hh, HASH_BYTES);
	}
	const unsigned char *na = take(&r, 4);
	if (!na)
		return false;
	st->naside = get_u32(na);
	if (st->naside > (r.n - r.off) / 9)
		return false;
	if (st->naside) {
		st->aside = calloc(st->naside, sizeof(*st->aside));
		if (!st->aside)
			return false;
	}
	for (size_t i = 0; i < st->naside; i++) {
		st->aside[i].rowid = (int64_t)take_u64(&r);
		st->aside[i].why = (uint8_t)take_u8(&r);
	}
	size_t nb = (size_t)1 << st->bucket_bits;
	st->bucket_version = calloc(nb, sizeof(uint64_t));
	if (!st->bucket_version)
		return false;
	for (size_t i = 0; i < nb; i++)
		st->bucket_version[i] = take_u64(&r);
	return !r.bad && r.off == r.n;
}

static size_t
state_size(const struct vstate *st)
{
	size_t n = STATE_FIXED;
	for (size_t i = 0; i < st->nkinds; i++)
		n += 1 + strlen(st->kinds[i]);
	for (size_t i = 0; i < st->nslots; i++)
		n += 1 + strlen(st->slots[i].name) + HASH_BYTES;
	n += 4 + st->naside * 9;
	n += ((size_t)1 << st->bucket_bits) * 8;
	return n;
}

static void
write_state(const struct vstate *st, unsigned char *p)
{
	size_t off = STATE_FIXED;
	memset(p, 0, STATE_FIXED);
	put_u32(p, STATE_MAGIC);
	put_u32(p + 4, STATE_LAYOUT);
	put_u64(p + 8, st->counter);
	put_u64(p + 16, (uint64_t)st->high_water);
	put_u64(p + 24, (uint64_t)st->next_seq);
	put_u64(p + 32, (uint64_t)st->last_write);
	put_u32(p + 40, st->schema);
	memcpy(p + 44, st->public_key, PK_BYTES);
	p[76] = (unsigned char)st->bucket_bits;
	p[77] = (unsigned char)st->nkinds;
	p[78] = (unsigned char)st->nslots;
	put_u64(p + 80, st->live);
	put_u64(p + 88, st->entries);
	for (size_t i = 0; i < st->nkinds; i++) {
		size_t l = strlen(st->kinds[i]);
		p[off++] = (unsigned char)l;
		memcpy(p + off, st->kinds[i], l);
		off += l;
	}
	for (size_t i = 0; i < st->nslots; i++) {
		size_t l = strlen(st->slots[i].name);
		p[off++] = (unsigned char)l;
		memcpy(p + off, st->slots[i].name, l);
		off += l;
		memcpy(p + off, st->slots[i].hash, HASH_BYTES);
		off += HASH_BYTES;
	}
	put_u32(p + off, (uint32_t)st->naside);
	off += 4;
	for (size_t i = 0; i < st->naside; i++) {
		put_u64(p + off, (uint64_t)st->aside[i].rowid);
		p[off + 8] = st->aside[i].why;
		off += 9;
	}
	for (size_t i = 0; i < ((size_t)1 << st->bucket_bits); i++) {
		put_u64(p + off, st->bucket_version[i]);
		off += 8;
	}
}

int
index_read_state(struct vault *v, const unsigned char *key, struct vstate *st)
{
	sqlite3_stmt *q = NULL;
	unsigned char ad[AD_MAX];
	int rc = VAULT_OK, s;
	memset(st, 0, sizeof(*st));
	if (sqlite3_prepare_v2(v->db, "SELECT data FROM state WHERE id = 1", -1,
	                       &q, NULL) != SQLITE_OK)
		return vault_set_error(v, VAULT_DAMAGED,
		                       "The vault's state is missing: the file "
		                       "was changed outside selfhelp.");
	s = sqlite3_step(q);
	if (s == SQLITE_ROW) {
		size_t plen = 0;
		unsigned char *p =
		        index_open(key, sqlite3_column_blob(q, 0),
		                   (size_t)sqlite3_column_bytes(q, 0), ad,
		                   state_ad(v, ad), &plen);
		if (!p || !parse_state(p, plen, st)) {
			vstate_release(st);
			rc = vault_set_error(
			        v, VAULT_DAMAGED,
			        "The vault's state (what it holds and which "
			        "version) does not open: it is damaged or was "
			        "changed outside selfhelp.");
		}
		if (p) {
			sodium_memzero(p, plen);
			free(p);
		}
	} else if (s == SQLITE_DONE) {
		rc = vault_set_error(v, VAULT_DAMAGED,
		                     "The vault's state is missing: the file "
		                     "was changed outside selfhelp.");
	} else {
		rc = vault_db_error(v, "read the vault");
	}
	sqlite3_finalize(q);
	return rc;
}

static int
data_version(struct vault *v, int64_t *out)
{
	sqlite3_stmt *q = v->in_tx ? v->dv_st : NULL;
	int rc = VAULT_OK;
	/* in a write transaction, prepared once (vault_commit and
	 * vault_rollback finalize it): preparing it for every record was a
	 * twentieth of a large import */
	if ((!q && sqlite3_prepare_v2(v->db, "PRAGMA data_version", -1, &q,
	                              NULL) != SQLITE_OK) ||
	    sqlite3_step(q) != SQLITE_ROW)
		rc = vault_db_error(v, "read the vault");
	else
		*out = sqlite3_column_int64(q, 0);
	if (v->in_tx && q) {
		sqlite3_reset(q);
		v->dv_st = q;
	} else
		sqlite3_finalize(q);
	return rc;
}

int
index_fresh(struct vault *v)
{
	int64_t dv = 0;
	int rc;
	if (!v->master || !v->idxkey)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if ((rc = data_version(v, &dv)))
		return rc;
	if (v->st_loaded && dv == v->data_version)
		return VAULT_OK;
	if (v->st_loaded && v->st_dirty)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault changed while selfhelp was "
		                       "saving; nothing was changed.");
	index_release(v);
	if ((rc = index_read_state(v, v->idxkey, &v->st)))
		return rc;
	v->buckets =
	        calloc((size_t)1 << v->st.bucket_bits, sizeof(*v->buckets));
	v->fbuckets = filter_buckets_new((size_t)1 << v->st.bucket_bits);
	if (!v->buckets || !v->fbuckets) {
		free(v->buckets);
		free(v->fbuckets);
		v->buckets = NULL;
		v->fbuckets = NULL;
		vstate_release(&v->st);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	v->st_loaded = true;
	v->data_version = dv;
	return VAULT_OK;
}

int
index_create(struct vault *v)
{
	index_release(v);
	v->st.counter = 0;
	v->st.next_seq = 1;
	v->st.schema = VAULT_SCHEMA;
	memcpy(v->st.public_key, v->public_key, PK_BYTES);
	v->st.bucket_bits = 0;
	v->st.bucket_version = calloc(1, sizeof(uint64_t));
	v->buckets = calloc(1, sizeof(*v->buckets));
	v->fbuckets = filter_buckets_new(1);
	v->st_loaded = true; /* index_release frees what there is */
	if (!v->st.bucket_version || !v->buckets || !v->fbuckets) {
		index_release(v);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	v->buckets[0].loaded = true;
	v->buckets[0].dirty = true;
	v->fbuckets[0].loaded = true;
	v->fbuckets[0].dirty = true;
	v->st_loaded = true;
	v->st_dirty = true;
	return data_version(v, &v->data_version);
}

int
index_store_state(struct vault *v)
{
	unsigned char ad[AD_MAX];
	size_t n = state_size(&v->st), cap = (n / PAD_BLOCK + 1) * PAD_BLOCK;
	size_t outlen = 0;
	sqlite3_stmt *q = NULL;
	int rc = VAULT_OK;
	unsigned char *p = calloc(1, cap), *out = NULL;
	if (!p)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	write_state(&v->st, p);
	out = index_seal(v, p, n, cap, ad, state_ad(v, ad), &outlen);
	sodium_memzero(p, cap);
	free(p);
	if (!out)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO state(id, data) "
	                       "VALUES (1, ?)",
	                       -1, &q, NULL) != SQLITE_OK)
		rc = vault_db_error(v, "save");
	else {
		sqlite3_bind_blob(q, 1, out, (int)outlen, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = vault_db_error(v, "save");
	}
	sqlite3_finalize(q);
	free(out);
	return rc;
}

/* --- buckets --- */

size_t
index_bucket_of(const struct vault *v, const unsigned char *id)
{
	unsigned bits = v->st.bucket_bits;
	if (bits == 0)
		return 0;
	unsigned top = (unsigned)id[0] << 8 | id[1];
	return top >> (16 - bits);
}

static int bucket_reserve(struct bucket *b, size_t n);

static int
bucket_push(struct bucket *b, const struct index_entry *e)
{
	if (b->n == b->cap && bucket_reserve(b, b->cap ? b->cap * 2 : 16) != 0)
		return -1;
	memcpy(&b->heads[b->n], e->id, sizeof(*b->heads));
	b->e[b->n++] = *e;
	return 0;
}

/* Room for n entries in b (kept when there is). */
static int
bucket_reserve(struct bucket *b, size_t n)
{
	if (n <= b->cap)
		return 0;
	struct index_entry *ne = malloc(n * sizeof(*ne));
	uint64_t *nh = malloc(n * sizeof(*nh));
	if (!ne || !nh) {
		free(ne);
		free(nh);
		return -1;
	}
	if (b->n) {
		memcpy(ne, b->e, b->n * sizeof(*ne));
		memcpy(nh, b->heads, b->n * sizeof(*nh));
	}
	if (b->e) {
		sodium_memzero(b->e, b->cap * sizeof(*b->e));
		sodium_memzero(b->heads, b->cap * sizeof(*b->heads));
		free(b->e);
		free(b->heads);
	}
	b->e = ne;
	b->heads = nh;
	b->cap = n;
	return 0;
}

static bool
parse_bucket(const struct vault *v, const unsigned char *p, size_t n,
             struct bucket *b)
{
	if (n < BUCKET_HEADER)
		return false;
	size_t count = get_u32(p);
	if (count > (n - BUCKET_HEADER) / ENTRY_BYTES ||
	    BUCKET_HEADER + count * ENTRY_BYTES != n ||
	    bucket_reserve(b, count + 1) != 0)
		return false;
	for (size_t i = 0; i < count; i++) {
		const unsigned char *q = p + BUCKET_HEADER + i * ENTRY_BYTES;
		struct index_entry *e = &b->e[b->n];
		memcpy(e->id, q, VAULT_ID_BYTES);
		e->rowid = (int64_t)get_u64(q + 16);
		e->revision = (int64_t)get_u64(q + 24);
		e->seq = (int64_t)get_u64(q + 32);
		e->key = (int64_t)get_u64(q + 40);
		e->flags = get_u32(q + 48);
		e->kind = q[52];
		if (e->kind >= v->st.nkinds || e->rowid < 0 || e->revision < 1)
			return false;
		memcpy(&b->heads[b->n], e->id, sizeof(*b->heads));
		b->n++;
	}
	return true;
}

/* Open bucket b's sealed data into its entries; VAULT_DAMAGED when it
 * does not open or does not parse. */
static int
open_bucket(struct vault *v, size_t b, const unsigned char *data, size_t len)
{
	struct bucket *bk = &v->buckets[b];
	unsigned char ad[AD_MAX];
	size_t plen = 0;
	unsigned char *p = index_open(
	        v->idxkey, data, len, ad,
	        bucket_ad(v, v->st.bucket_bits, b, v->st.bucket_version[b], ad),
	        &plen);
	int rc = p && parse_bucket(v, p, plen, bk) ? VAULT_OK : VAULT_DAMAGED;
	if (p) {
		sodium_memzero(p, plen);
		free(p);
	}
	if (rc) {
		bk->n = 0;
		return vault_set_error(
		        v, VAULT_DAMAGED,
		        "Part of the vault's index (part %zu) does not open: "
		        "it is damaged, or an older copy of it was put back. "
		        "'selfhelp check' says more; a backup made earlier "
		        "('selfhelp backup') holds everything as it was.",
		        b);
	}
	bk->loaded = true;
	return VAULT_OK;
}

static int
missing_bucket(struct vault *v, size_t b)
{
	return vault_set_error(v, VAULT_DAMAGED,
	                       "Part of the vault's index (part %zu) is "
	                       "missing: the file was changed outside "
	                       "selfhelp. 'selfhelp check' says more.",
	                       b);
}

int
index_bucket(struct vault *v, size_t b, struct bucket **out)
{
	struct bucket *bk = &v->buckets[b];
	sqlite3_stmt *q = NULL;
	int rc, s;
	*out = bk;
	if (bk->loaded)
		return VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "SELECT data FROM bucket WHERE id = ?",
	                       -1, &q, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	sqlite3_bind_int64(q, 1, (sqlite3_int64)b);
	s = sqlite3_step(q);
	if (s == SQLITE_ROW)
		rc = open_bucket(v, b, sqlite3_column_blob(q, 0),
		                 (size_t)sqlite3_column_bytes(q, 0));
	else if (s == SQLITE_DONE)
		rc = missing_bucket(v, b);
	else
		rc = vault_db_error(v, "read the vault");
	sqlite3_finalize(q);
	return rc;
}

int
index_load_all(struct vault *v)
{
	size_t nb = (size_t)1 << v->st.bucket_bits, loaded = 0;
	sqlite3_stmt *q = NULL;
	int rc = VAULT_OK, s;
	for (size_t i = 0; i < nb; i++)
		loaded += v->buckets[i].loaded;
	if (loaded == nb)
		return VAULT_OK;
	/* one statement for them all */
	if (sqlite3_prepare_v2(v->db, "SELECT id, data FROM bucket ORDER BY id",
	                       -1, &q, NULL) != SQLITE_OK)
		return vault_db_error(v, "read the vault");
	while (!rc && (s = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_int64 b = sqlite3_column_int64(q, 0);
		if (b < 0 || (size_t)b >= nb || v->buckets[b].loaded)
			continue; /* not one of ours: never opened */
		rc = open_bucket(v, (size_t)b, sqlite3_column_blob(q, 1),
		                 (size_t)sqlite3_column_bytes(q, 1));
	}
	if (!rc && s != SQLITE_DONE)
		rc = vault_db_error(v, "read the vault");
	sqlite3_finalize(q);
	for (size_t i = 0; !rc && i < nb; i++)
		if (!v->buckets[i].loaded)
			rc = missing_bucket(v, i);
	return rc;
}

struct index_entry *
index_find(struct vault *v, const unsigned char *id, int *rc)
{
	struct bucket *b;
	*rc = index_bucket(v, index_bucket_of(v, id), &b);
	if (*rc)
		return NULL;
	/* the first eight bytes (random) tell nearly every entry apart
	 * without a call to memcmp; read from their own array, they are an
	 * eighth of the memory the entries are (a new id, as every record
	 * of an import has, is looked for in all of them) */
	uint64_t head;
	memcpy(&head, id, sizeof(head));
	for (size_t i = 0; i < b->n; i++)
		if (b->heads[i] == head &&
		    memcmp(b->e[i].id, id, VAULT_ID_BYTES) == 0)
			return &b->e[i];
	return NULL;
}

void
index_touch(struct vault *v, const unsigned char *id)
{
	v->buckets[index_bucket_of(v, id)].dirty = true;
	v->st_dirty = true;
}

static int rebucket(struct vault *v, unsigned bits);

int
index_add(struct vault *v, const struct index_entry *e)
{
	struct bucket *b;
	int rc = index_bucket(v, index_bucket_of(v, e->id), &b);
	if (rc)
		return rc;
	if (bucket_push(b, e) != 0)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	b->dirty = true;
	v->st_dirty = true;
	v->st.entries++;
	if (!(e->flags & ENTRY_TOMBSTONE))
		v->st.live++;
	/* Grow at once, not at the commit: a transaction that adds many
	 * (an import, a migration) then finds ids in small buckets. */
	if (v->st.bucket_bits < BUCKET_BITS_MAX &&
	    v->st.entries > ((uint64_t)BUCKET_TARGET << v->st.bucket_bits) &&
	    ((rc = index_load_all(v)) || (rc = filter_load_all(v)) ||
	     (rc = rebucket(v, v->st.bucket_bits + 1))))
		return rc;
	return VAULT_OK;
}

int
index_kind(struct vault *v, const char *kind, bool add)
{
	for (size_t i = 0; i < v->st.nkinds; i++)
		if (strcmp(v->st.kinds[i], kind) == 0)
			return (int)i;
	if (!add)
		return -1;
	if (v->st.nkinds == KINDS_MAX || !vault_kind_ok(kind))
		return vault_set_error(v, VAULT_ERROR, "Unknown record kind."),
		       -2;
	snprintf(v->st.kinds[v->st.nkinds], VAULT_KIND_MAX, "%s", kind);
	v->st_dirty = true;
	return (int)v->st.nkinds++;
}

const char *
index_kind_name(const struct vault *v, uint8_t code)
{
	return code < v->st.nkinds ? v->st.kinds[code] : "";
}

/* --- slots and rows set aside --- */

const struct slot_hash *
index_slot(const struct vault *v, const char *name)
{
	for (size_t i = 0; i < v->st.nslots; i++)
		if (strcmp(v->st.slots[i].name, name) == 0)
			return &v->st.slots[i];
	return NULL;
}

int
index_set_slot(struct vault *v, const char *name, const unsigned char *hash)
{
	struct slot_hash *s = (struct slot_hash *)index_slot(v, name);
	if (!s) {
		if (v->st.nslots == SLOTS_MAX || strlen(name) >= SLOT_NAME_MAX)
			return vault_set_error(v, VAULT_ERROR,
			                       "Too many keys for one vault.");
		s = &v->st.slots[v->st.nslots++];
		snprintf(s->name, sizeof(s->name), "%s", name);
	}
	memcpy(s->hash, hash, HASH_BYTES);
	v->st_dirty = true;
	return VAULT_OK;
}

void
index_drop_slot(struct vault *v, const char *name)
{
	for (size_t i = 0; i < v->st.nslots; i++)
		if (strcmp(v->st.slots[i].name, name) == 0) {
			v->st.slots[i] = v->st.slots[--v->st.nslots];
			v->st_dirty = true;
			return;
		}
}

bool
index_is_aside(const struct vault *v, int64_t rowid)
{
	for (size_t i = 0; i < v->st.naside; i++)
		if (v->st.aside[i].rowid == rowid)
			return true;
	return false;
}

int
index_add_aside(struct vault *v, int64_t rowid, uint8_t why)
{
	struct aside *a = realloc(v->st.aside, (v->st.naside + 1) * sizeof(*a));
	if (!a)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	v->st.aside = a;
	a[v->st.naside++] = (struct aside){rowid, why};
	v->st_dirty = true;
	return VAULT_OK;
}

/* --- storing --- */

static int
store_bucket(struct vault *v, size_t b)
{
	struct bucket *bk = &v->buckets[b];
	unsigned char ad[AD_MAX];
	size_t n = BUCKET_HEADER + bk->n * ENTRY_BYTES;
	size_t cap = (n / PAD_BLOCK + 1) * PAD_BLOCK, outlen = 0;
	sqlite3_stmt *q = NULL;
	int rc = VAULT_OK;
	unsigned char *p = calloc(1, cap), *out;
	if (!p)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	put_u32(p, (uint32_t)bk->n);
	for (size_t i = 0; i < bk->n; i++) {
		unsigned char *e = p + BUCKET_HEADER + i * ENTRY_BYTES;
		memcpy(e, bk->e[i].id, VAULT_ID_BYTES);
		put_u64(e + 16, (uint64_t)bk->e[i].rowid);
		put_u64(e + 24, (uint64_t)bk->e[i].revision);
		put_u64(e + 32, (uint64_t)bk->e[i].seq);
		put_u64(e + 40, (uint64_t)bk->e[i].key);
		put_u32(e + 48, bk->e[i].flags);
		e[52] = bk->e[i].kind;
	}
	v->st.bucket_version[b] = v->st.counter;
	out = index_seal(
	        v, p, n, cap, ad,
	        bucket_ad(v, v->st.bucket_bits, b, v->st.bucket_version[b], ad),
	        &outlen);
	sodium_memzero(p, cap);
	free(p);
	if (!out)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO bucket(id, data) "
	                       "VALUES (?, ?)",
	                       -1, &q, NULL) != SQLITE_OK)
		rc = vault_db_error(v, "save");
	else {
		sqlite3_bind_int64(q, 1, (sqlite3_int64)b);
		sqlite3_bind_blob(q, 2, out, (int)outlen, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = vault_db_error(v, "save");
	}
	sqlite3_finalize(q);
	free(out);
	if (!rc)
		bk->dirty = false;
	return rc;
}

/* Spread every entry over 2^bits buckets (all loaded), all dirty. */
static int
rebucket(struct vault *v, unsigned bits)
{
	size_t oldn = (size_t)1 << v->st.bucket_bits, newn = (size_t)1 << bits;
	struct bucket *old = v->buckets;
	struct bucket *nb = calloc(newn, sizeof(*nb));
	uint64_t *ver = calloc(newn, sizeof(uint64_t));
	if (!nb || !ver) {
		free(nb);
		free(ver);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	unsigned oldbits = v->st.bucket_bits;
	v->st.bucket_bits = bits;
	v->buckets = nb;
	for (size_t i = 0; i < newn; i++)
		nb[i].loaded = nb[i].dirty = true;
	for (size_t i = 0; i < oldn; i++) {
		for (size_t j = 0; j < old[i].n; j++)
			if (bucket_push(&nb[index_bucket_of(v, old[i].e[j].id)],
			                &old[i].e[j]) != 0) {
				buckets_free(old, oldn);
				free(ver);
				return vault_set_error(v, VAULT_ERROR,
				                       "Out of memory.");
			}
		/* each old bucket goes once spread: a large import does not
		 * hold the index twice */
		buckets_free_one(&old[i]);
	}
	buckets_free(old, oldn);
	free(v->st.bucket_version);
	v->st.bucket_version = ver;
	return filter_rebucket(v, v->fbuckets, oldbits);
}

int
index_write_all(struct vault *v)
{
	int rc;
	/* the filters are read first: they are written again too */
	if ((rc = filter_load_all(v)) ||
	    (rc = vault_exec(v, "DELETE FROM bucket;", "save")) ||
	    (rc = filter_delete_all(v)))
		return rc;
	for (size_t i = 0; i < ((size_t)1 << v->st.bucket_bits); i++)
		v->buckets[i].dirty = v->fbuckets[i].dirty = true;
	v->st_dirty = true;
	return VAULT_OK;
}

int
index_flush(struct vault *v)
{
	int rc;
	unsigned bits = v->st.bucket_bits;
	while (bits < BUCKET_BITS_MAX &&
	       v->st.entries > ((uint64_t)BUCKET_TARGET << bits))
		bits++;
	if (bits != v->st.bucket_bits) {
		if ((rc = index_load_all(v)) || (rc = filter_load_all(v)) ||
		    (rc = rebucket(v, bits)) || (rc = index_write_all(v)))
			return rc;
	}
	/* A bucket and its filters share a version: both are written, and
	 * the filters are read first, at the version they were sealed at. */
	for (size_t i = 0; i < ((size_t)1 << v->st.bucket_bits); i++)
		if (v->buckets[i].dirty || v->fbuckets[i].dirty) {
			struct bucket *bk;
			if ((rc = index_bucket(v, i, &bk)) ||
			    (rc = filter_load(v, i)))
				return rc;
			bk->dirty = true;
		}
	v->st.counter++;
	v->st.last_write = (int64_t)time(NULL);
	for (size_t i = 0; i < ((size_t)1 << v->st.bucket_bits); i++)
		if (v->buckets[i].dirty &&
		    ((rc = store_bucket(v, i)) || (rc = filter_store(v, i))))
			return rc;
	if ((rc = index_store_state(v)))
		return rc;
	v->st_dirty = false;
	return VAULT_OK;
}
