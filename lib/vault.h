/*
 * The vault: one SQLite file holding encrypted records. See
 * lib/vault-format.md for the on-disk format.
 *
 * Lifecycle: vault_create() or vault_open(), then vault_unlock() with the
 * passphrase, then record calls; vault_free() checkpoints the WAL, closes
 * the database and wipes every key. Functions return 0 or a negative
 * enum vault_status; the handle keeps a message for the last error
 * (vault_errmsg), borrowed like sqlite3_errmsg.
 */
#ifndef SELFHELP_VAULT_H
#define SELFHELP_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

enum vault_status {
	VAULT_OK = 0,
	VAULT_ERROR = -1,          /* I/O, SQLite or memory; see message */
	VAULT_NOT_FOUND = -2,      /* no vault file / no such record */
	VAULT_EXISTS = -3,         /* create: something is already there */
	VAULT_BAD_PASSPHRASE = -4, /* the passphrase does not unwrap the key */
	VAULT_NEWER = -5,          /* made by a newer selfhelp */
	VAULT_NOT_VAULT = -6,      /* not a selfhelp vault, or a damaged one */
	VAULT_DAMAGED = -7,        /* a record does not authenticate */
	VAULT_AMBIGUOUS = -8,      /* an id prefix matches several records */
	VAULT_HOSTILE = -9,        /* header asks for absurd KDF costs */
	VAULT_LOCKED = -10,        /* the call needs vault_unlock() first */
};

/* Vault file format and schema versions this build writes and reads. */
enum { VAULT_FORMAT = 1, VAULT_SCHEMA = 3 };
enum { VAULT_ID_HEX = 32 }; /* record ids: 128 random bits as hex */

struct vault;

/*
 * The default vault path: $XDG_DATA_HOME/selfhelp/vault.db, else
 * $HOME/.local/share/selfhelp/vault.db. Caller frees; NULL when neither
 * variable is set.
 */
char *vault_default_path(void);

/*
 * Create a new vault at `path` (its directory is made 0700 if missing; the
 * file is 0600) with a random master key wrapped under the passphrase
 * with `kdf`. Refuses to touch an existing file (VAULT_EXISTS). On success
 * *out is an unlocked vault. On failure *out is NULL and *err (caller
 * frees, may be NULL) says why.
 */
int vault_create(const char *path, const char *pass, size_t passlen,
                 const struct crypto_kdf_params *kdf, struct vault **out,
                 char **err);

/*
 * Open the vault at `path` without unlocking it: reads and checks the
 * header; writes nothing. On failure *out is NULL and *err (caller frees)
 * says why: VAULT_NOT_FOUND, VAULT_NOT_VAULT, VAULT_NEWER, VAULT_HOSTILE.
 */
int vault_open(const char *path, struct vault **out, char **err);

/*
 * Unwrap the master key with the passphrase; then bring the schema up to
 * date (one transaction). VAULT_BAD_PASSPHRASE writes nothing.
 */
int vault_unlock(struct vault *v, const char *pass, size_t passlen);

/* Checkpoint (TRUNCATE) the WAL, close, wipe keys, free. NULL is a no-op. */
void vault_free(struct vault *v);

/* Message for the last error on v. Borrowed; valid until the next call. */
const char *vault_errmsg(const struct vault *v);

/* The path the vault was opened with. Borrowed from v. */
const char *vault_path(const struct vault *v);

/* Key derivation parameters of the passphrase slot. */
void vault_kdf_params(const struct vault *v, struct crypto_kdf_params *out);

/*
 * Transactions: every command's writes go in one. vault_begin() takes the
 * write lock at once (BEGIN IMMEDIATE; waits for other writers up to the
 * busy timeout). vault_rollback() is safe when nothing is open.
 */
int vault_begin(struct vault *v);
int vault_commit(struct vault *v);
void vault_rollback(struct vault *v);

/*
 * Read from one snapshot until vault_read_end(), e.g. to walk the records
 * twice and see the same ones: a deferred transaction, which takes no
 * write lock, so other processes can still save meanwhile (their changes
 * are not seen). No vault_begin() in between. Inside vault_begin() both
 * do nothing (that transaction already is one snapshot).
 */
int vault_read_begin(struct vault *v);
void vault_read_end(struct vault *v);

/*
 * Store a record. With id == NULL a new record with a fresh random id is
 * inserted (revision 1) and its id written to id_out (VAULT_ID_HEX + 1
 * bytes); otherwise the record `id` is replaced by revision + 1 (it must
 * exist and be of `kind`). `head` is the small part that listing
 * decrypts, `body` the rest (may be empty). Both are padded and sealed.
 */
int vault_put(struct vault *v, const char *id, const char *kind,
              const void *head, size_t headlen, const void *body,
              size_t bodylen, char *id_out);

/*
 * Insert a record under a given id (32 lower-case hex digits), revision 1,
 * e.g. when importing. VAULT_EXISTS when a record has that id already.
 */
int vault_insert(struct vault *v, const char *id, const char *kind,
                 const void *head, size_t headlen, const void *body,
                 size_t bodylen);

/* Is `id` a full record id (32 lower-case hex digits)? */
bool vault_id_ok(const char *id);

/*
 * SQLite's integrity_check on the whole file, and (when unlocked) that the
 * header's sealed secret key opens. Returns 0 when both are fine;
 * otherwise VAULT_NOT_VAULT with the first problems in the message.
 */
int vault_integrity_check(struct vault *v);

/*
 * A consistent copy of the vault at `dest` (VACUUM INTO), still encrypted
 * and opening with the same passphrase; safe while others write. Refuses
 * an existing `dest` (VAULT_EXISTS). The copy is 0600.
 */
int vault_backup(struct vault *v, const char *dest);

/* Delete record `id` (secure_delete overwrites its pages). */
int vault_delete(struct vault *v, const char *id);

/*
 * A record as seen during vault_each(). The plaintext pointers are
 * borrowed from the vault's private scratch memory: valid only during the
 * callback, wiped afterwards. `damaged` is set (and head/body are NULL)
 * when the record does not authenticate.
 */
struct vault_item {
	const char *id;
	const char *kind;
	int64_t revision;
	bool damaged;
	const unsigned char *head;
	size_t headlen;
	const unsigned char *body; /* NULL unless VAULT_EACH_BODY */
	size_t bodylen;
};

enum vault_each_flags {
	VAULT_EACH_BODY = 1 << 0, /* also decrypt the body */
};

/*
 * Call fn for every record of `kind` (NULL: every kind), in storage order,
 * decrypting heads (and bodies with VAULT_EACH_BODY). A non-zero return
 * from fn stops the walk and is returned. fn may call vault_get(); the
 * item's head and body are not valid after that.
 */
typedef int (*vault_each_fn)(void *arg, const struct vault_item *it);
int vault_each(struct vault *v, const char *kind, unsigned flags,
               vault_each_fn fn, void *arg);

/*
 * Sort keys. A kind's records can be walked newest first without
 * decrypting every head: the vault keeps an encrypted listing index of
 * each record's sort key (e.g. its creation time), taken from its head by
 * `fn` whenever a record is stored. fn returns 0 with *key set, 1 when
 * records of `kind` have no sort key, or -1 when the head cannot be read
 * (the record is then walked first, so its damage is reported). Set it
 * right after vault_open/vault_create; without it, writes drop the index
 * and vault_each_by_key refuses.
 */
typedef int (*vault_sort_key_fn)(const char *kind, const unsigned char *head,
                                 size_t headlen, int64_t *key);
void vault_set_sort_key(struct vault *v, vault_sort_key_fn fn);
bool vault_has_sort_key(const struct vault *v);

/*
 * Call fn for the records of `kind` whose sort key is in [lo, hi], the
 * greatest key first (ties: the later stored first), until fn returns
 * non-zero (which is returned). Only the records visited are decrypted.
 * A missing, damaged or outdated index is rebuilt from the heads (once,
 * and stored again when the vault can be written).
 */
int vault_each_by_key(struct vault *v, const char *kind, unsigned flags,
                      int64_t lo, int64_t hi, vault_each_fn fn, void *arg);

/*
 * Check the listing index of `kind` against the records, changing
 * nothing: *stale is set when it is missing, damaged or out of date (the
 * next vault_each_by_key builds it again). Needs a sort key.
 */
int vault_listing_check(struct vault *v, const char *kind, bool *stale);

/*
 * A walk for searching: like vault_each (flags: VAULT_EACH_BODY or 0), but
 * every record is decrypted and offered to `keep` on up to four threads at
 * once (keep must be safe to call concurrently, also with fn, and must not
 * keep the pointers; NULL keeps every record); fn is called on the calling
 * thread, in storage order, for the records keep accepted and for every
 * damaged one. fn may call vault_get() (the helpers only decrypt).
 */
typedef bool (*vault_keep_fn)(void *karg, const struct vault_item *it);
int vault_search(struct vault *v, const char *kind, unsigned flags,
                 vault_keep_fn keep, void *karg, vault_each_fn fn, void *arg);

/*
 * Decrypt one record by full id and call fn once with it (head and body).
 * VAULT_NOT_FOUND when there is no such record of `kind` (NULL: of any
 * kind). Cheap to call many times in a row: the query is prepared once.
 */
int vault_get(struct vault *v, const char *id, const char *kind,
              vault_each_fn fn, void *arg);

/*
 * Resolve a unique id prefix (at least 4 hex digits, any case) among the
 * records of `kind` into id_out (VAULT_ID_HEX + 1 bytes). VAULT_NOT_FOUND,
 * or VAULT_AMBIGUOUS with up to `max` matching full ids written to
 * `cands` (each VAULT_ID_HEX + 1 bytes) and their count to *ncands.
 */
int vault_resolve(struct vault *v, const char *kind, const char *prefix,
                  char *id_out, char (*cands)[VAULT_ID_HEX + 1], size_t max,
                  size_t *ncands);

/* --- keys --- */

/* The vault's id as 32 hex digits into out (VAULT_ID_HEX + 1 bytes). */
void vault_id_hex(const struct vault *v, char *out);

/* Copy the master key into `out` (CRYPTO_KEY_BYTES of the caller's guarded
 * memory; NULL only asks whether it is unlocked). VAULT_LOCKED while
 * locked. */
int vault_copy_master(const struct vault *v, unsigned char *out);

/*
 * Unlock with the master key itself (as remembered in the kernel
 * keyring). It is checked by unwrapping the vault's secret key:
 * VAULT_BAD_PASSPHRASE when it is not this vault's key.
 */
int vault_unlock_master(struct vault *v, const unsigned char *master);

/*
 * Re-wrap the master key under a new passphrase with a new salt (kdf NULL:
 * keep the current parameters). Only the key slot changes, so the cost
 * does not grow with the vault. Call inside vault_begin/vault_commit: the
 * old passphrase works until the commit, the new one after it.
 */
int vault_set_passphrase(struct vault *v, const char *pass, size_t len,
                         const struct crypto_kdf_params *kdf);

/* Wrap the master key under a recovery code too (slot "recovery"), or
 * remove that slot. Inside a transaction. */
int vault_set_recovery(struct vault *v, const char *code, size_t len);
int vault_remove_recovery(struct vault *v);
bool vault_has_recovery(struct vault *v);

/* Recovery codes: 128 random bits as 8 groups of 4 hex digits. */
enum {
	VAULT_RECOVERY_BYTES = 16,
	VAULT_RECOVERY_CODE_LEN = 39, /* "xxxx-xxxx-...-xxxx" */
};
/* A new code into out (VAULT_RECOVERY_CODE_LEN + 1 bytes). */
void vault_recovery_code_new(char *out);
/*
 * The code as typed (any case, with or without dashes and spaces) into its
 * canonical form, 32 lower-case hex digits, in out (33 bytes); the vault's
 * slot is keyed by that form. Returns 0, or -1 when it is not a code.
 */
int vault_recovery_code_normalize(const char *in, char *out);

/* Unlock with the recovery code; VAULT_BAD_PASSPHRASE when it does not
 * open the vault, VAULT_NOT_FOUND when the vault has no recovery code. */
int vault_unlock_recovery(struct vault *v, const char *code, size_t len);

/* --- records written while locked --- */

/*
 * Seal a record to the vault's public key without unlocking: an ephemeral
 * X25519 key, key agreement, XChaCha20-Poly1305 with additional data bound
 * to vault id, record id and kind. It waits in the `sealed` table until
 * vault_fold_sealed(). Inside a transaction. Writes the id to id_out.
 */
int vault_seal(struct vault *v, const char *kind, const void *head,
               size_t headlen, const void *body, size_t bodylen, char *id_out);

/* How many sealed records are waiting (works while locked). */
int vault_sealed_count(struct vault *v, size_t *n);

/*
 * Turn every sealed record into an ordinary one, in one transaction of its
 * own. A sealed record that does not authenticate is reported through
 * `damaged` and kept aside (left where it is), never dropped. *folded is
 * how many were folded in.
 */
int vault_fold_sealed(struct vault *v, size_t *folded,
                      void (*damaged)(void *arg, const char *id), void *arg);

/* Is `s` a syntactically possible id prefix (4..32 hex digits)? */
bool vault_id_prefix_ok(const char *s);

#endif
