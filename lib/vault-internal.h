/*
 * Inside the vault: the handle and the helpers its modules share
 * (vault.c: files, keys and slots; vault-index.c: the encrypted state and
 * index; vault-records.c: records and walks; vault-sealed.c: locked
 * writes; vault-migrate.c: format 1). Not for use outside lib/vault*.c.
 */
#ifndef SELFHELP_VAULT_INTERNAL_H
#define SELFHELP_VAULT_INTERNAL_H

#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	VAULT_ID_BYTES = 16,
	BUSY_TIMEOUT_MS = 10000,
	PK_BYTES = crypto_box_PUBLICKEYBYTES,
	SK_BYTES = crypto_box_SECRETKEYBYTES,
	SK_SEALED_LEN = SK_BYTES + CRYPTO_OVERHEAD,
	WRAPPED_LEN = CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD,
	AD_MAX = 160,
	/* every record head starts with 32 bytes: the ephemeral public key
	 * of a locked write, random bytes otherwise */
	HEAD_TAG = 32,
	KINDS_MAX = 64,
	SLOTS_MAX = 4,
	SLOT_NAME_MAX = 16,
	BUCKET_BITS_MAX = 16,
	HASH_BYTES = 32,
};

/* Why a vault was opened read-only (see open_read_only). */
enum vault_ro_reason {
	VAULT_RO_NO = 0,
	VAULT_RO_FOLDER, /* its file or folder cannot be written */
	VAULT_RO_FULL,   /* no room for SQLite's -wal and -shm files */
};

/* A growable buffer in guarded memory for decrypted plaintext. */
struct scratch {
	unsigned char *p;
	size_t cap;
};

/* Index entry flags beyond enum vault_record_flags. */
enum {
	ENTRY_TOMBSTONE = 1 << 8,      /* deleted; rowid 0 */
	ENTRY_LEGACY_DAMAGED = 1 << 9, /* carried from format 1 unreadable */
	ENTRY_KEY_UNKNOWN = 1 << 10,   /* stored without a sort key */
};

struct index_entry {
	unsigned char id[VAULT_ID_BYTES];
	int64_t rowid;
	int64_t revision;
	int64_t seq;
	int64_t key;
	uint32_t flags;
	uint8_t kind; /* into state.kinds */
};

struct bucket {
	struct index_entry *e;
	uint64_t *heads; /* the first eight bytes of each e[i].id: index_find
	                  * reads these, not the whole entries */
	size_t n, cap;
	bool loaded, dirty;
};

/*
 * The search filters of one bucket's records (vault-filter.c), as
 * plaintext: per record its id, u16 size and `size` bytes of filter
 * (search.h). Loaded only to be changed or checked; a search reads them
 * a bucket at a time.
 */
/* What a verified walk (vault_verify_begin) gathers, on every thread: a
 * hash of the filter each record should have, and whether any sort key
 * differs from its head. */
enum { VERIFY_HASH = 16 };
struct verify_sum {
	unsigned char id[VAULT_ID_BYTES];
	unsigned char hash[VERIFY_HASH];
	bool seen;
};
struct verify {
	struct verify_sum *sums;
	size_t cap;
	atomic_size_t n;
	atomic_bool stale_keys;
};
void verify_row(struct verify *w, vault_sort_key_fn sort_key,
                const struct vault_item *it);

struct fbucket {
	unsigned char *p;
	size_t len, cap;
	bool loaded, dirty;
	bool unopened; /* it was there but did not open */
};

/* A key slot as stored: the master key wrapped under a passphrase or
 * recovery code. */
struct slot {
	int adv; /* 1: format 1 binding (to `bound`), 2: format 2 */
	struct crypto_kdf_params kdf;
	unsigned char salt[CRYPTO_SALT_BYTES];
	unsigned char wrapped[WRAPPED_LEN];
	unsigned char bound[PK_BYTES]; /* adv 1: the format 1 public key */
};

struct slot_hash {
	char name[SLOT_NAME_MAX];
	unsigned char hash[HASH_BYTES];
};

struct aside {
	int64_t rowid;
	uint8_t why; /* enum vault_aside_reason */
};

/* The decrypted state of a format 2 vault (see vault-format.md). */
struct vstate {
	uint64_t counter;
	int64_t high_water;
	int64_t next_seq;
	int64_t last_write;
	uint32_t schema;
	unsigned char public_key[PK_BYTES];
	unsigned bucket_bits;
	char kinds[KINDS_MAX][VAULT_KIND_MAX];
	size_t nkinds;
	struct slot_hash slots[SLOTS_MAX];
	size_t nslots;
	struct aside *aside;
	size_t naside;
	uint64_t *bucket_version; /* 1 << bucket_bits */
	uint64_t live;            /* live records */
	uint64_t entries;         /* live + tombstones */
};

struct vault {
	sqlite3 *db;
	char *path;
	char errmsg[512];
	int schema;
	/* header */
	int64_t format;
	unsigned char vault_id[VAULT_ID_BYTES];
	unsigned char public_key[PK_BYTES];
	unsigned char old_pk[PK_BYTES]; /* migrating: format 1's key */
	unsigned char *sk_sealed;       /* nonce || AEAD(X25519 secret key) */
	size_t sk_sealedlen;
	/* passphrase slot */
	struct slot pass;
	/* keys, sodium_malloc'd; NULL while locked */
	unsigned char *master;
	unsigned char *reckey;
	unsigned char *idxkey;
	const char *unlocked_slot; /* the slot that opened it, or NULL */
	struct scratch head, body;
	sqlite3_stmt *row_st; /* SELECT head, body FROM record WHERE rowid */
	/* INSERT INTO record(head, body): prepared once per write
	 * transaction (vault_store_row), finalized when it ends */
	sqlite3_stmt *insert_st;
	/* PRAGMA data_version, the same: each write of a transaction
	 * checks it (index_fresh) */
	sqlite3_stmt *dv_st;
	bool in_tx;
	bool bulk;    /* vault_begin_bulk(): a rollback journal until it ends */
	bool in_read; /* vault_read_begin() opened a transaction */
	enum vault_ro_reason ro_reason;
	vault_sort_key_fn sort_key;
	vault_event_fn event;
	void *event_arg;
	int sys_errno;      /* errno behind the last db_error */
	bool mem_copy;      /* a format 1 file migrated in memory: read only */
	bool allow_repair;  /* vault_allow_repair() */
	bool state_damaged; /* unlocked, but the state or index is damaged */
	char *refuse;       /* vault_refuse_writes: why, or NULL */
	void (*after_commit)(struct vault *v); /* e.g. update the pin */
	enum vault_problem last_problem;       /* of the last record visited */
	/* format 2 state and index, while unlocked */
	bool st_loaded;
	struct vstate st;
	struct bucket *buckets;   /* 1 << st.bucket_bits */
	struct fbucket *fbuckets; /* likewise */
	struct verify *verify;    /* a verified walk is on */
	int64_t data_version;     /* PRAGMA data_version when st was read */
	bool st_dirty;
	/* the file opened at `path` (vault_replaced) */
	dev_t file_dev;
	ino_t file_ino;
	bool file_known;
	/* a commit reached that file and is in no conflict copy yet */
	bool committed;
};

/* vault.c */
/* A rollback journal instead of the WAL for the next transaction, when
 * no other connection has the file open, with the note of which file it
 * is for (vault_begin_bulk(); the migration). vault_bulk_leave() turns
 * the WAL back on once no transaction is open (vault_commit(),
 * vault_rollback() and vault_free() call it); both do nothing when not
 * needed. */
void vault_bulk_enter(struct vault *v);
void vault_bulk_leave(struct vault *v);
int vault_set_error(struct vault *v, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int vault_db_error(struct vault *v, const char *what);
int vault_exec(struct vault *v, const char *sql, const char *what);
void vault_emit(struct vault *v, const struct vault_event *ev);
int vault_scratch_reserve(struct scratch *s, size_t n);
void vault_scratch_release(struct scratch *s);
bool vault_kind_ok(const char *kind);
int vault_alloc_keys(struct vault *v);
void vault_free_keys(struct vault *v);
/* Remember which file `path` names now (vault_replaced compares). */
void vault_note_file(struct vault *v);
void vault_derive_subkeys(struct vault *v);
int vault_open_secret_key(struct vault *v, const unsigned char *master,
                          unsigned char *sk);
void vault_seal_secret_key(struct vault *v, const unsigned char *sk,
                           unsigned char *out);
size_t vault_slot_ad(const struct vault *v, const char *name,
                     const struct slot *sl, unsigned char *ad);
void vault_slot_hash(const char *name, const struct slot *sl,
                     unsigned char *out);
int vault_write_slot_key(struct vault *v, const char *slot, const char *secret,
                         size_t len, const struct crypto_kdf_params *kdf);
int vault_read_slot(struct vault *v, const char *name, struct slot *out);
/* Store (or remove) slot `name`, its hash in the state, and the hash it
 * replaces as "NAME-was". */
int vault_store_slot(struct vault *v, const char *name, const struct slot *sl);
int vault_drop_slot(struct vault *v, const char *name);
int vault_writable(struct vault *v);
int vault_store_meta(struct vault *v);
const char *vault_schema_v2(void);
int vault_seal_v1(struct vault *v, const char *kind, const void *head,
                  size_t headlen, const void *body, size_t bodylen,
                  char *id_out);

/* additional data and little-endian integers */
void ad_bytes(unsigned char *ad, size_t *n, const void *p, size_t len);
void ad_cstr(unsigned char *ad, size_t *n, const char *s);
void ad_u64(unsigned char *ad, size_t *n, uint64_t x);
void put_u64(unsigned char *p, uint64_t x);
uint64_t get_u64(const unsigned char *p);
void put_u32(unsigned char *p, uint32_t x);
uint32_t get_u32(const unsigned char *p);

/* padding (vault-records.c) */
size_t vault_pad_block(size_t len);
size_t vault_padded_size(size_t len);
int vault_unpad(size_t *len, const unsigned char *buf, size_t padded);
int vault_pad(size_t *plen, unsigned char *buf, size_t len, size_t block,
              size_t max);

/* vault-index.c */
int index_create(struct vault *v);
int index_fresh(struct vault *v);
void index_release(struct vault *v);
int index_load_all(struct vault *v);
int index_bucket(struct vault *v, size_t b, struct bucket **out);
size_t index_bucket_of(const struct vault *v, const unsigned char *id);
struct index_entry *index_find(struct vault *v, const unsigned char *id,
                               int *rc);
int index_add(struct vault *v, const struct index_entry *e);
void index_touch(struct vault *v, const unsigned char *id);
int index_kind(struct vault *v, const char *kind, bool add);
const char *index_kind_name(const struct vault *v, uint8_t code);
int index_flush(struct vault *v);
int index_store_state(struct vault *v);
int index_read_state(struct vault *v, const unsigned char *key,
                     struct vstate *st);
void vstate_release(struct vstate *st);
int index_set_slot(struct vault *v, const char *name,
                   const unsigned char *hash);
void index_drop_slot(struct vault *v, const char *name);
const struct slot_hash *index_slot(const struct vault *v, const char *name);
int index_add_aside(struct vault *v, int64_t rowid, uint8_t why);
bool index_is_aside(const struct vault *v, int64_t rowid);
int index_write_all(struct vault *v);
unsigned char *index_seal(struct vault *v, unsigned char *p, size_t len,
                          size_t cap, const unsigned char *ad, size_t adlen,
                          size_t *outlen);
unsigned char *index_open(const unsigned char *key, const unsigned char *data,
                          size_t len, const unsigned char *ad, size_t adlen,
                          size_t *plen);
size_t index_padded_cap(size_t n);

/* vault-filter.c: search filters, kept beside the index buckets */
struct fbucket *filter_buckets_new(size_t n);
void filter_buckets_free(struct fbucket *fb, size_t n);
int filter_load(struct vault *v, size_t b);
int filter_load_all(struct vault *v);
/* fresh: the record has no filter yet (a new id), so none is looked for
 * (the walk of its bucket was most of the cost of a large import) */
int filter_put(struct vault *v, const unsigned char *id, const void *head,
               size_t headlen, const void *body, size_t bodylen, bool fresh);
/* filter_put in two steps: the filter of head and body into f (room for
 * FILTER_BYTES_MAX; thread-safe, touches no vault), its size returned;
 * then stored for the record id as filter_put stores it. */
enum { FILTER_BYTES_MAX = 4096 };
size_t filter_compute(unsigned char *f, const void *head, size_t headlen,
                      const void *body, size_t bodylen);
int filter_put_computed(struct vault *v, const unsigned char *id,
                        const unsigned char *f, size_t size, bool fresh);
int filter_drop(struct vault *v, const unsigned char *id);
int filter_store(struct vault *v, size_t b);
int filter_rebucket(struct vault *v, struct fbucket *old, unsigned oldbits);
int filter_delete_all(struct vault *v);
/* Step through a filter bucket's entries (after its header): the next
 * entry's id, filter and size; false at the end or where it is not well
 * formed (then *off stops before it). */
bool filter_walk(const unsigned char *p, size_t len, size_t *off,
                 const unsigned char **id, const unsigned char **f,
                 size_t *size);
/* Every bucket's filters in turn, from memory where this process holds
 * them, else from the file, one statement for them all: call
 * filter_reader_bucket for b = 0, 1, ... in order. *p is NULL where a
 * bucket has none; *unopened where it is there but does not open. */
struct filter_reader {
	sqlite3_stmt *q;
	int s;
	unsigned char *plain;
	size_t plen;
};
int filter_reader_start(struct vault *v, struct filter_reader *rd);
int filter_reader_bucket(struct vault *v, struct filter_reader *rd, size_t b,
                         const unsigned char **p, size_t *len, bool *unopened);
void filter_reader_end(struct filter_reader *rd);
/* Make every live record's filter again (inside a write transaction). */
int filter_rebuild(struct vault *v);
/* Open filter bucket b's stored row into a malloc'd plaintext (header
 * included; wipe it); VAULT_DAMAGED when it does not open. */
int filter_open_row(struct vault *v, size_t b, const unsigned char *data,
                    size_t len, unsigned char **plain, size_t *plen);

/* vault-records.c */
struct ancestry;
struct envelope;
int vault_store_row(struct vault *v, const char *kind, const unsigned char *id,
                    int64_t revision, uint32_t flags, int64_t time,
                    const struct ancestry *anc, const void *head,
                    size_t headlen, const void *body, size_t bodylen,
                    bool fresh, int64_t *rowid);
int vault_remove_row(struct vault *v, int64_t rowid);
int vault_sort_key_of(const struct vault *v, const char *kind, const void *head,
                      size_t headlen, int64_t *key, uint32_t *flags);
/* Open one row's head and body with the record key into malloc'd
 * guarded buffers (sodium_free them); env points into *head. 0, or -1
 * when it does not open or its envelope is not for `id` at `revision`
 * (revision 0: any). */
int vault_open_row(struct vault *v, const unsigned char *hb, size_t hlen,
                   const unsigned char *bb, size_t blen,
                   const unsigned char *id, int64_t revision,
                   struct envelope *env, unsigned char **head,
                   unsigned char **body, size_t *bodylen);
int vault_open_head(struct vault *v, const unsigned char *sealed, size_t len,
                    struct scratch *s, size_t *plen);
int vault_record_insert(struct vault *v, const unsigned char *id,
                        const char *kind, const void *head, size_t headlen,
                        const void *body, size_t bodylen, uint32_t flags,
                        int64_t time);

/*
 * A revision's ancestry (vault-format.md, "Merging copies"): the
 * revision hashes of the revisions it came from, its parent first, at
 * most ANC_MAX. A revision's own hash is worked out from its plaintext
 * (revision_hash), never stored.
 */
enum { ANC_HASH = 16, ANC_MAX = 8 };
struct ancestry {
	uint8_t n;
	unsigned char h[ANC_MAX][ANC_HASH];
};
void revision_hash(const unsigned char *id, int64_t revision, const char *kind,
                   const void *head, size_t headlen, const void *body,
                   size_t bodylen, unsigned char out[ANC_HASH]);
/* The ancestry of a child of a revision whose hash is `own` and whose
 * ancestry is `parent` (NULL: none). */
void ancestry_child(struct ancestry *out, const unsigned char own[ANC_HASH],
                    const struct ancestry *parent);
bool ancestry_has(const struct ancestry *a, const unsigned char h[ANC_HASH]);

/* The head envelope: what the vault itself keeps inside each head.
 * Version 1 has no ancestry; version 2 adds it after the kind. */
struct envelope {
	uint8_t flags;
	unsigned char id[VAULT_ID_BYTES];
	int64_t revision;
	int64_t time;
	char kind[VAULT_KIND_MAX];
	struct ancestry anc;
	const unsigned char *head; /* the kind's own head, in the plaintext */
	size_t headlen;
};
enum {
	ENVELOPE_VERSION = 1,
	ENVELOPE_VERSION_ANC = 2,
	ENVELOPE_FIXED = 1 + 1 + 16 + 8 + 8 + 1
};
int envelope_parse(const unsigned char *p, size_t len, struct envelope *e);
/* The envelope's length for `kind` and `anc` (NULL or empty: version 1). */
size_t envelope_len(const char *kind, const struct ancestry *anc);
size_t envelope_write(unsigned char *p, uint8_t flags, const unsigned char *id,
                      int64_t revision, int64_t time, const char *kind,
                      const struct ancestry *anc);

/* vault-sealed.c */
int vault_fold_pending(struct vault *v, size_t *folded);
int vault_fold_row(struct vault *v, const unsigned char *sk, int64_t rowid);
/* Open a locked write's row of v with the secret key sk into malloc'd
 * guarded buffers (sodium_free them; env points into *head): 0, or -1
 * when it does not open as one. */
int vault_sealed_open(struct vault *v, const unsigned char *sk,
                      const unsigned char *hb, size_t hlen,
                      const unsigned char *bb, size_t blen,
                      struct envelope *env, unsigned char **head,
                      unsigned char **body, size_t *bodylen);

/* vault-migrate.c */
int vault_migrate_v1(struct vault *v, const char *pass, size_t passlen);

#endif
