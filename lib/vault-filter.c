/*
 * Search filters (vault-format.md, "Search filters"): for every live
 * record a small bit set of the folded three-byte runs of its head and
 * body (search.h), kept in sealed filter buckets that mirror the index
 * buckets: filter bucket b holds the filters of the records in index
 * bucket b and is sealed with the index key, bound to the same version,
 * so it is written whenever that bucket is. A search opens the filter
 * buckets, and decrypts only records whose filter may hold the word.
 * A record without a filter (a bucket that is missing or does not open,
 * a vault from before filters) is always decrypted: filters only ever
 * make a search faster, never change its results.
 */
#include "vault-internal.h"

#include "search.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
	FB_HEADER = 8,                 /* u32 count, u32 0 */
	FB_ENTRY = VAULT_ID_BYTES + 2, /* id, u16 size; then the filter */
};

static size_t
filter_ad(const struct vault *v, size_t b, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-filter");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, 2);
	ad_u64(ad, &n, v->st.bucket_bits);
	ad_u64(ad, &n, (uint64_t)b);
	ad_u64(ad, &n, v->st.bucket_version[b]);
	return n;
}

static size_t
entry_size(const unsigned char *p)
{
	return (size_t)p[VAULT_ID_BYTES] | (size_t)p[VAULT_ID_BYTES + 1] << 8;
}

static bool
size_ok(size_t n)
{
	return n >= 64 && n <= FILTER_BYTES_MAX && (n & (n - 1)) == 0;
}

bool
filter_walk(const unsigned char *p, size_t len, size_t *off,
            const unsigned char **id, const unsigned char **f, size_t *size)
{
	if (*off + FB_ENTRY > len)
		return false;
	size_t n = entry_size(p + *off);
	if (!size_ok(n) || len - *off - FB_ENTRY < n)
		return false;
	*id = p + *off;
	*f = p + *off + FB_ENTRY;
	*size = n;
	*off += FB_ENTRY + n;
	return true;
}

/* Is a filter bucket's plaintext (after its header) well formed, holding
 * `count` entries? */
static bool
filter_parse_ok(const unsigned char *p, size_t len, size_t count)
{
	size_t off = 0, n = 0, size;
	const unsigned char *id, *f;
	while (filter_walk(p, len, &off, &id, &f, &size))
		n++;
	return off == len && n == count;
}

struct fbucket *
filter_buckets_new(size_t n)
{
	return calloc(n, sizeof(struct fbucket));
}

void
filter_buckets_free(struct fbucket *fb, size_t n)
{
	for (size_t i = 0; fb && i < n; i++) {
		if (fb[i].p)
			sodium_memzero(fb[i].p, fb[i].cap);
		free(fb[i].p);
	}
	free(fb);
}

static int
reserve(struct vault *v, struct fbucket *fb, size_t n)
{
	if (n <= fb->cap)
		return VAULT_OK;
	size_t cap = fb->cap ? fb->cap : 1024;
	while (cap < n)
		cap *= 2;
	unsigned char *p = malloc(cap);
	if (!p)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	if (fb->len)
		memcpy(p, fb->p, fb->len);
	if (fb->p) {
		sodium_memzero(fb->p, fb->cap);
		free(fb->p);
	}
	fb->p = p;
	fb->cap = cap;
	return VAULT_OK;
}

/* Take a bucket's plaintext (header and entries) as it is stored. */
static int
filter_take(struct vault *v, struct fbucket *fb, const unsigned char *p,
            size_t len)
{
	if (len < FB_HEADER ||
	    !filter_parse_ok(p + FB_HEADER, len - FB_HEADER, get_u32(p))) {
		fb->unopened = true;
		return VAULT_OK;
	}
	int rc = reserve(v, fb, len - FB_HEADER);
	if (!rc && len > FB_HEADER) {
		memcpy(fb->p, p + FB_HEADER, len - FB_HEADER);
		fb->len = len - FB_HEADER;
	}
	return rc;
}

int
filter_open_row(struct vault *v, size_t b, const unsigned char *data,
                size_t len, unsigned char **plain, size_t *plen)
{
	unsigned char ad[AD_MAX];
	*plain =
	        index_open(v->idxkey, data, len, ad, filter_ad(v, b, ad), plen);
	return *plain ? VAULT_OK : VAULT_DAMAGED;
}

/* Prepare `sql` on the filter table; *missing when the vault has none
 * (one made before filters). */
static int
prepare(struct vault *v, const char *sql, sqlite3_stmt **q, bool *missing)
{
	*missing = false;
	if (sqlite3_prepare_v2(v->db, sql, -1, q, NULL) == SQLITE_OK)
		return VAULT_OK;
	if (strstr(sqlite3_errmsg(v->db), "no such table")) {
		*missing = true;
		return VAULT_OK;
	}
	return vault_db_error(v, "read the vault");
}

int
filter_load(struct vault *v, size_t b)
{
	struct fbucket *fb = &v->fbuckets[b];
	sqlite3_stmt *q = NULL;
	bool missing;
	int rc, s;
	if (fb->loaded)
		return VAULT_OK;
	if ((rc = prepare(v, "SELECT data FROM filter WHERE id = ?", &q,
	                  &missing)))
		return rc;
	if (!missing) {
		sqlite3_bind_int64(q, 1, (sqlite3_int64)b);
		s = sqlite3_step(q);
		if (s == SQLITE_ROW) {
			unsigned char *p = NULL;
			size_t plen = 0;
			if (filter_open_row(v, b, sqlite3_column_blob(q, 0),
			                    (size_t)sqlite3_column_bytes(q, 0),
			                    &p, &plen) != VAULT_OK)
				fb->unopened = true;
			else
				rc = filter_take(v, fb, p, plen);
			if (p) {
				sodium_memzero(p, plen);
				free(p);
			}
		} else if (s != SQLITE_DONE) {
			rc = vault_db_error(v, "read the vault");
		}
	}
	sqlite3_finalize(q);
	if (!rc)
		fb->loaded = true;
	return rc;
}

int
filter_load_all(struct vault *v)
{
	int rc = VAULT_OK;
	for (size_t b = 0; !rc && b < ((size_t)1 << v->st.bucket_bits); b++)
		rc = filter_load(v, b);
	return rc;
}

/* Where id's entry starts in fb, or SIZE_MAX. */
static size_t
filter_find(const struct fbucket *fb, const unsigned char *id)
{
	size_t off = 0, at, size;
	const unsigned char *eid, *f;
	for (at = off; filter_walk(fb->p, fb->len, &off, &eid, &f, &size);
	     at = off)
		if (memcmp(eid, id, VAULT_ID_BYTES) == 0)
			return at;
	return SIZE_MAX;
}

static void
filter_remove(struct fbucket *fb, size_t at)
{
	size_t n = FB_ENTRY + entry_size(fb->p + at);
	memmove(fb->p + at, fb->p + at + n, fb->len - at - n);
	fb->len -= n;
	sodium_memzero(fb->p + fb->len, n);
}

/* Mark bucket b and its filters to be written at the commit. */
static int
filter_dirty(struct vault *v, size_t b)
{
	struct bucket *bk;
	int rc = index_bucket(v, b, &bk);
	if (rc)
		return rc;
	bk->dirty = true;
	v->fbuckets[b].dirty = true;
	v->st_dirty = true;
	return VAULT_OK;
}

static int
filter_append(struct vault *v, struct fbucket *fb, const unsigned char *id,
              const unsigned char *f, size_t size)
{
	int rc = reserve(v, fb, fb->len + FB_ENTRY + size);
	if (rc)
		return rc;
	unsigned char *p = fb->p + fb->len;
	memcpy(p, id, VAULT_ID_BYTES);
	p[VAULT_ID_BYTES] = (unsigned char)(size & 0xff);
	p[VAULT_ID_BYTES + 1] = (unsigned char)(size >> 8);
	memcpy(p + FB_ENTRY, f, size);
	fb->len += FB_ENTRY + size;
	return VAULT_OK;
}

size_t
filter_compute(unsigned char *f, const void *head, size_t headlen,
               const void *body, size_t bodylen)
{
	size_t size = search_filter_size(headlen + bodylen);
	memset(f, 0, size);
	search_filter_add(f, size, head, headlen);
	search_filter_add(f, size, body, bodylen);
	return size;
}

int
filter_put_computed(struct vault *v, const unsigned char *id,
                    const unsigned char *f, size_t size, bool fresh)
{
	size_t b = index_bucket_of(v, id), at;
	struct fbucket *fb = &v->fbuckets[b];
	int rc = filter_load(v, b);
	if (rc)
		return rc;
	at = fresh ? SIZE_MAX : filter_find(fb, id);
	if (at != SIZE_MAX && entry_size(fb->p + at) == size)
		memcpy(fb->p + at + FB_ENTRY, f, size); /* keeps the order */
	else {
		if (at != SIZE_MAX)
			filter_remove(fb, at);
		rc = filter_append(v, fb, id, f, size);
	}
	return rc ? rc : filter_dirty(v, b);
}

int
filter_put(struct vault *v, const unsigned char *id, const void *head,
           size_t headlen, const void *body, size_t bodylen, bool fresh)
{
	unsigned char f[FILTER_BYTES_MAX];
	size_t size = filter_compute(f, head, headlen, body, bodylen);
	int rc = filter_put_computed(v, id, f, size, fresh);
	sodium_memzero(f, size);
	return rc;
}

int
filter_drop(struct vault *v, const unsigned char *id)
{
	size_t b = index_bucket_of(v, id);
	int rc = filter_load(v, b);
	if (rc)
		return rc;
	size_t at = filter_find(&v->fbuckets[b], id);
	if (at != SIZE_MAX)
		filter_remove(&v->fbuckets[b], at);
	return filter_dirty(v, b);
}

static int
insert_row(struct vault *v, size_t b, const unsigned char *out, size_t len)
{
	sqlite3_stmt *q = NULL;
	bool missing;
	int rc = prepare(v,
	                 "INSERT OR REPLACE INTO filter(id, data) "
	                 "VALUES (?, ?)",
	                 &q, &missing);
	if (rc)
		return rc;
	if (missing) {
		/* a vault from before filters gets the table now */
		if ((rc = vault_exec(v,
		                     "CREATE TABLE IF NOT EXISTS filter("
		                     " id INTEGER PRIMARY KEY,"
		                     " data BLOB NOT NULL);",
		                     "save")))
			return rc;
		return insert_row(v, b, out, len);
	}
	sqlite3_bind_int64(q, 1, (sqlite3_int64)b);
	sqlite3_bind_blob(q, 2, out, (int)len, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = vault_db_error(v, "save");
	sqlite3_finalize(q);
	return rc;
}

int
filter_store(struct vault *v, size_t b)
{
	struct fbucket *fb = &v->fbuckets[b];
	unsigned char ad[AD_MAX];
	size_t n = FB_HEADER + fb->len, cap = index_padded_cap(n), outlen = 0;
	size_t off = 0, count = 0, size;
	const unsigned char *id, *f;
	int rc;
	if (!fb->loaded)
		return vault_set_error(v, VAULT_ERROR,
		                       "selfhelp could not save its search "
		                       "filters; nothing was changed.");
	while (filter_walk(fb->p, fb->len, &off, &id, &f, &size))
		count++;
	unsigned char *p = calloc(1, cap), *out;
	if (!p)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	put_u32(p, (uint32_t)count);
	if (fb->len)
		memcpy(p + FB_HEADER, fb->p, fb->len);
	out = index_seal(v, p, n, cap, ad, filter_ad(v, b, ad), &outlen);
	sodium_memzero(p, cap);
	free(p);
	if (!out)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	rc = insert_row(v, b, out, outlen);
	free(out);
	if (!rc) {
		fb->dirty = false;
		fb->unopened = false;
	}
	return rc;
}

int
filter_rebucket(struct vault *v, struct fbucket *old, unsigned oldbits)
{
	size_t oldn = (size_t)1 << oldbits,
	       newn = (size_t)1 << v->st.bucket_bits;
	struct fbucket *nb = filter_buckets_new(newn);
	int rc = VAULT_OK;
	if (!nb)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	for (size_t i = 0; i < newn; i++)
		nb[i].loaded = nb[i].dirty = true;
	for (size_t i = 0; !rc && i < oldn; i++) {
		size_t off = 0, size;
		const unsigned char *id, *f;
		while (!rc &&
		       filter_walk(old[i].p, old[i].len, &off, &id, &f, &size))
			rc = filter_append(v, &nb[index_bucket_of(v, id)], id,
			                   f, size);
		/* Each old bucket goes as soon as it is spread, so that a
		 * large import does not hold every filter twice. (After a
		 * failure the caller rolls back, which drops them all.) */
		if (!rc && old[i].p) {
			sodium_memzero(old[i].p, old[i].cap);
			free(old[i].p);
			old[i].p = NULL;
			old[i].len = old[i].cap = 0;
			old[i].loaded = false;
		}
	}
	filter_buckets_free(rc ? nb : old, rc ? newn : oldn);
	if (!rc)
		v->fbuckets = nb;
	return rc;
}

int
filter_delete_all(struct vault *v)
{
	sqlite3_stmt *q = NULL;
	bool missing;
	int rc = prepare(v, "DELETE FROM filter", &q, &missing);
	if (!rc && !missing && sqlite3_step(q) != SQLITE_DONE)
		rc = vault_db_error(v, "save");
	sqlite3_finalize(q);
	return rc;
}

/* --- reading every bucket's filters in turn --- */

int
filter_reader_start(struct vault *v, struct filter_reader *rd)
{
	bool missing;
	memset(rd, 0, sizeof(*rd));
	rd->s = SQLITE_DONE;
	int rc = prepare(v, "SELECT id, data FROM filter ORDER BY id", &rd->q,
	                 &missing);
	if (!rc && !missing)
		rd->s = sqlite3_step(rd->q);
	return rc;
}

int
filter_reader_bucket(struct vault *v, struct filter_reader *rd, size_t b,
                     const unsigned char **p, size_t *len, bool *unopened)
{
	const struct fbucket *fb = &v->fbuckets[b];
	sqlite3_int64 row = -1;
	*p = NULL;
	*len = 0;
	*unopened = false;
	if (rd->plain) {
		sodium_memzero(rd->plain, rd->plen);
		free(rd->plain);
		rd->plain = NULL;
	}
	while (rd->s == SQLITE_ROW &&
	       (row = sqlite3_column_int64(rd->q, 0)) < (sqlite3_int64)b)
		rd->s = sqlite3_step(rd->q);
	if (rd->s != SQLITE_ROW && rd->s != SQLITE_DONE)
		return vault_db_error(v, "read the vault");
	if (fb->loaded) {
		*p = fb->p;
		*len = fb->len;
		*unopened = fb->unopened;
		return VAULT_OK;
	}
	if (rd->s != SQLITE_ROW || row != (sqlite3_int64)b)
		return VAULT_OK; /* none */
	if (filter_open_row(v, b, sqlite3_column_blob(rd->q, 1),
	                    (size_t)sqlite3_column_bytes(rd->q, 1), &rd->plain,
	                    &rd->plen) != VAULT_OK ||
	    rd->plen < FB_HEADER ||
	    !filter_parse_ok(rd->plain + FB_HEADER, rd->plen - FB_HEADER,
	                     get_u32(rd->plain))) {
		*unopened = true;
		return VAULT_OK;
	}
	*p = rd->plain + FB_HEADER;
	*len = rd->plen - FB_HEADER;
	return VAULT_OK;
}

void
filter_reader_end(struct filter_reader *rd)
{
	if (rd->plain) {
		sodium_memzero(rd->plain, rd->plen);
		free(rd->plain);
	}
	sqlite3_finalize(rd->q);
	memset(rd, 0, sizeof(*rd));
}

/* --- check and rebuild --- */

static void
filter_hash(const unsigned char *f, size_t size, unsigned char *out)
{
	crypto_generichash(out, VERIFY_HASH, f, size, NULL, 0);
}

int
vault_verify_begin(struct vault *v)
{
	int rc;
	vault_verify_cancel(v);
	if ((rc = index_fresh(v)))
		return rc;
	struct verify *w = calloc(1, sizeof(*w));
	if (!w)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	w->cap = (size_t)v->st.live;
	if (w->cap && !(w->sums = calloc(w->cap, sizeof(*w->sums)))) {
		free(w);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	atomic_init(&w->n, 0);
	atomic_init(&w->stale_keys, false);
	v->verify = w;
	return VAULT_OK;
}

void
vault_verify_cancel(struct vault *v)
{
	if (!v->verify)
		return;
	free(v->verify->sums);
	free(v->verify);
	v->verify = NULL;
}

void
verify_row(struct verify *w, vault_sort_key_fn sort_key,
           const struct vault_item *it)
{
	unsigned char f[FILTER_BYTES_MAX];
	size_t size = search_filter_size(it->headlen + it->bodylen), n;
	int64_t key;
	if (sort_key && it->sort_key != INT64_MAX &&
	    sort_key(it->kind, it->head, it->headlen, &key) == 0 &&
	    key != it->sort_key)
		atomic_store(&w->stale_keys, true);
	if ((n = atomic_fetch_add(&w->n, 1)) >= w->cap)
		return;
	memset(f, 0, size);
	search_filter_add(f, size, (const char *)it->head, it->headlen);
	search_filter_add(f, size, (const char *)it->body, it->bodylen);
	struct verify_sum *s = &w->sums[n];
	sodium_hex2bin(s->id, VAULT_ID_BYTES, it->id, VAULT_ID_HEX, NULL, NULL,
	               NULL);
	filter_hash(f, size, s->hash);
	sodium_memzero(f, size);
}

static int
ignore_cb(void *arg, const struct vault_item *it)
{
	(void)arg;
	(void)it;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return memcmp(a, b, VAULT_ID_BYTES);
}

int
vault_verify_end(struct vault *v, struct vault_filter_report *r,
                 bool *stale_keys)
{
	struct verify *w = v->verify;
	struct filter_reader rd;
	int rc;
	memset(r, 0, sizeof(*r));
	if (stale_keys)
		*stale_keys = false;
	if (!w)
		return vault_set_error(v, VAULT_ERROR, "Nothing was checked.");
	v->verify = NULL;
	size_t n = atomic_load(&w->n);
	if (n > w->cap)
		n = w->cap;
	if (stale_keys)
		*stale_keys = atomic_load(&w->stale_keys);
	if (n)
		qsort(w->sums, n, sizeof(*w->sums), by_id);
	if ((rc = index_fresh(v)) || (rc = filter_reader_start(v, &rd)))
		goto out;
	for (size_t b = 0; !rc && b < ((size_t)1 << v->st.bucket_bits); b++) {
		const unsigned char *p, *id, *f;
		size_t len, off = 0, size;
		bool unopened;
		if ((rc = filter_reader_bucket(v, &rd, b, &p, &len, &unopened)))
			break;
		r->unopened += unopened;
		while (p && filter_walk(p, len, &off, &id, &f, &size)) {
			unsigned char h[VERIFY_HASH];
			struct verify_sum *s =
			        n ? bsearch(id, w->sums, n, sizeof(*w->sums),
			                    by_id)
			          : NULL;
			filter_hash(f, size, h);
			if (!s) {
				/* a live record that did not open is told
				 * as such, not here */
				int frc = 0;
				const struct index_entry *e =
				        index_find(v, id, &frc);
				if (frc || !e || (e->flags & ENTRY_TOMBSTONE))
					r->stale++;
			} else if (s->seen || sodium_memcmp(h, s->hash,
			                                    VERIFY_HASH) != 0) {
				r->stale++;
			}
			if (s)
				s->seen = true;
		}
	}
	filter_reader_end(&rd);
	for (size_t i = 0; i < n; i++)
		r->missing += !w->sums[i].seen;
out:
	free(w->sums);
	free(w);
	return rc;
}

int
vault_filters_check(struct vault *v, struct vault_filter_report *r)
{
	bool own = false;
	int rc;
	memset(r, 0, sizeof(*r));
	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	/* the records and their filters from one snapshot */
	if (!v->in_tx && !v->in_read) {
		if ((rc = vault_read_begin(v)))
			return rc;
		own = true;
	}
	if (!(rc = vault_verify_begin(v)) &&
	    (rc = vault_search(v, NULL, VAULT_EACH_BODY | VAULT_EACH_ROW_ORDER,
	                       NULL, NULL, ignore_cb, NULL)))
		vault_verify_cancel(v);
	if (!rc)
		rc = vault_verify_end(v, r, NULL);
	if (own)
		vault_read_end(v);
	return rc;
}

static int
rebuild_cb(void *arg, const struct vault_item *it)
{
	struct vault *v = arg;
	unsigned char id[VAULT_ID_BYTES];
	if (it->damaged || sodium_hex2bin(id, sizeof(id), it->id, VAULT_ID_HEX,
	                                  NULL, NULL, NULL) != 0)
		return 0;
	return filter_put(v, id, it->head, it->headlen, it->body, it->bodylen,
	                  false);
}

int
filter_rebuild(struct vault *v)
{
	int rc;
	if ((rc = index_load_all(v)) || (rc = filter_load_all(v)))
		return rc;
	for (size_t b = 0; b < ((size_t)1 << v->st.bucket_bits); b++) {
		struct fbucket *fb = &v->fbuckets[b];
		if (fb->p)
			sodium_memzero(fb->p, fb->cap);
		fb->len = 0;
		fb->unopened = false;
		fb->dirty = v->buckets[b].dirty = true;
	}
	v->st_dirty = true;
	return vault_search(v, NULL, VAULT_EACH_BODY | VAULT_EACH_ROW_ORDER,
	                    NULL, NULL, rebuild_cb, v);
}
