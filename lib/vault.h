/*
 * The vault: one SQLite file holding encrypted records. See
 * doc/vault-format.md for the on-disk format (format 2) and its threat
 * model.
 *
 * Lifecycle: vault_create() or vault_open(), then vault_unlock() with the
 * passphrase, then record calls; vault_free() checkpoints the WAL, closes
 * the database and wipes every key. Functions return 0 or a negative
 * enum vault_status; the handle keeps a message for the last error
 * (vault_errmsg), borrowed like sqlite3_errmsg.
 *
 * Commands open a vault through vault_open_for() (lib/vault-open.h),
 * which adds the remembered key, the passphrase prompt, the pins outside
 * the file, migration from format 1 and the folding of locked writes.
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
	VAULT_OLDER = -11,         /* a record older than the vault's state */
	VAULT_REPLACED = -12,      /* an old key slot, or a changed key */
	VAULT_REFUSED = -13,       /* not allowed (unsafe folder, kind) */
};

/* Vault file format and schema versions this build writes. Format 1
 * (schema 1..3) is still read, and migrated at the first unlock. */
enum { VAULT_FORMAT = 2, VAULT_SCHEMA = 4 };
enum { VAULT_ID_HEX = 32 };   /* record ids: 128 random bits as hex */
enum { VAULT_KIND_MAX = 32 }; /* kind names are shorter than this */

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
 * Unwrap the master key with the passphrase, check the key slot against
 * the vault's state (an old slot put back is VAULT_REPLACED), and, for a
 * format 1 vault, migrate it to format 2 (one transaction; see
 * vault_set_events). VAULT_BAD_PASSPHRASE writes nothing.
 */
int vault_unlock(struct vault *v, const char *pass, size_t passlen);

/* Checkpoint (TRUNCATE) the WAL, close, wipe keys, free. NULL is a no-op. */
void vault_free(struct vault *v);

/* Message for the last error on v. Borrowed; valid until the next call. */
const char *vault_errmsg(const struct vault *v);

/* The path the vault was opened with. Borrowed from v. */
const char *vault_path(const struct vault *v);

/* The file's format: 1 (until migrated) or 2. */
int vault_format(const struct vault *v);

/*
 * Refuse every write from now on (VAULT_REFUSED with `why`, copied), e.g.
 * in a folder others can change; reading still works.
 */
void vault_refuse_writes(struct vault *v, const char *why);

/*
 * What happened while opening, folding or migrating, for the person to
 * hear about. The handler is called on the calling thread; the pointers
 * in the event are borrowed for the call.
 */
enum vault_event_type {
	VAULT_EV_FOLDED,          /* a locked write was added: kind, time */
	VAULT_EV_SET_ASIDE,       /* a locked write was refused or damaged:
	                           * kind ("" when unreadable), why */
	VAULT_EV_KEY_REPAIRED,    /* the file's public key had been replaced;
	                           * put back from the authenticated state */
	VAULT_EV_MIGRATING,       /* format 1 -> 2: n of total records */
	VAULT_EV_MIGRATED,        /* done; path = the copy of the old file */
	VAULT_EV_MIGRATE_DAMAGED, /* a format 1 record that did not read
	                           * was carried over as damaged: id */
	VAULT_EV_REKEYING,        /* vault_rekey: n of total records */
	VAULT_EV_NEW_KEY_PAIR,    /* migrating, the old secret key for locked
	                           * writes did not open: a new pair was made */
	/* from vault_open_for (lib/vault-open.h) */
	VAULT_EV_WRONG_PASSPHRASE, /* try n of total did not open it */
	VAULT_EV_ROLLBACK,         /* the file is older than the one last opened
	                            * here: n = its counter, total = the pin's */
	VAULT_EV_OLDER_COPY,       /* the same, for a copy at another path
	                            * (path: the one last opened here) */
	VAULT_EV_NO_PIN,           /* a locked write on a machine that has not
	                            * seen this vault unlocked: its key is not
	                            * checked this once */
	VAULT_EV_UNSAFE,           /* the vault file or folder can be changed by
	                            * others: path, n = enum vault_unsafe */
	VAULT_EV_SYMLINK,          /* the vault path is a link: path = target */
	VAULT_EV_FOLD_FAILED,      /* locked writes could not be folded in yet;
	                            * path = why (they keep waiting) */
};
enum vault_unsafe {
	VAULT_UNSAFE_FILE_WRITABLE = 1, /* group or others may write it */
	VAULT_UNSAFE_DIR_WRITABLE,      /* ...its folder */
	VAULT_UNSAFE_FILE_OWNER,        /* someone else owns the file */
	VAULT_UNSAFE_DIR_OWNER,         /* ...the folder */
};
enum vault_aside_reason {
	VAULT_ASIDE_DAMAGED = 1, /* does not open */
	VAULT_ASIDE_KIND,        /* a kind never written while locked */
	VAULT_ASIDE_REPLAY,      /* a copy of a record already here */
};
struct vault_event {
	enum vault_event_type type;
	const char *kind;
	const char *id;
	const char *path;
	int64_t time;
	uint64_t n, total;
	enum vault_aside_reason why;
};
typedef void (*vault_event_fn)(void *arg, const struct vault_event *ev);
void vault_set_events(struct vault *v, vault_event_fn fn, void *arg);

/*
 * Transactions: every command's writes go in one. vault_begin() takes the
 * write lock at once (BEGIN IMMEDIATE; waits for other writers up to the
 * busy timeout) and, when unlocked, folds in records written while
 * locked since. vault_commit() stores the index and the vault's state
 * (its write counter + 1) with the writes. vault_rollback() is safe when
 * nothing is open. Record writes outside a transaction get one of their
 * own.
 */
int vault_begin(struct vault *v);
/*
 * vault_begin() for a transaction that adds many records at once (an
 * import). When no other connection has the file open it runs with a
 * rollback journal instead of the WAL: new pages are then written once,
 * straight into the file, instead of into the WAL and again by the
 * checkpoint; PATH-bulk notes which file that journal is for, so that a
 * file replaced meanwhile never gets it (doc/vault-format.md). Either
 * way all or nothing, and crash-safe; vault_commit() or vault_rollback()
 * turn the WAL back on.
 */
int vault_begin_bulk(struct vault *v);
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

/* Record flags, kept in the encrypted index and envelope. */
enum vault_record_flags {
	VAULT_WRITTEN_LOCKED = 1 << 0, /* arrived while the vault was locked */
	VAULT_CONFLICT_COPY = 1 << 1,  /* merge: the other copy's version of a
	                                * record edited on both (vault_merge) */
};

/*
 * Store a record. With id == NULL a new record with a fresh random id is
 * inserted (revision 1) and its id written to id_out (VAULT_ID_HEX + 1
 * bytes); otherwise the record `id` is replaced by revision + 1 (it must
 * exist and be of `kind`; it keeps its flags). `head` is the small part
 * that listing decrypts, `body` the rest (may be empty). Both are padded
 * and sealed.
 */
int vault_put(struct vault *v, const char *id, const char *kind,
              const void *head, size_t headlen, const void *body,
              size_t bodylen, char *id_out);

/*
 * A new record sealed ahead of its insert, so that the sealing (padding,
 * encryption and the search filter) can be done on another thread while
 * this one writes to SQLite. vault_sealed_new() gives an empty one (NULL
 * when memory ran out); vault_sealed_free() wipes and frees it (NULL is
 * fine). One may be sealed again and again.
 *
 * vault_seal_new() seals a new record of `kind` under s's id, revision 1
 * and created `time`, as vault_put(v, NULL, ...) would store it. The id
 * is a fresh random one, drawn by vault_sealed_new() and again by
 * vault_sealed_draw_id() (on any thread), which also forgets what was
 * sealed: draw one for each record. It only reads v's key, so it may run on any
 * thread while v is used (not freed or locked) on another; it sets no error
 * message: it fails (VAULT_ERROR) only when memory runs out or v is locked or
 * not updated. The plaintext is wiped from the guarded scratch as soon as it is
 * sealed. vault_sealed_id() is the new id (VAULT_ID_HEX / 2 raw bytes).
 *
 * vault_sealed_filter() makes the record's search filter from the same
 * head and body (kept guarded in s until the next seal or free); on any
 * thread, after vault_seal_new and before vault_put_sealed.
 *
 * vault_put_sealed() inserts it, on the thread that uses v: as vault_put
 * does, inside the caller's transaction or in one of its own. When its
 * id is in the vault already (only a matter of principle) it stores
 * nothing and returns VAULT_EXISTS: store the record with vault_put().
 */
struct vault_sealed;
struct vault_sealed *vault_sealed_new(void);
void vault_sealed_free(struct vault_sealed *s);
void vault_sealed_draw_id(struct vault_sealed *s);
int vault_seal_new(const struct vault *v, struct vault_sealed *s,
                   const char *kind, const void *head, size_t headlen,
                   const void *body, size_t bodylen, int64_t time);
const unsigned char *vault_sealed_id(const struct vault_sealed *s);
void vault_sealed_filter(struct vault_sealed *s, const void *head,
                         size_t headlen, const void *body, size_t bodylen);
int vault_put_sealed(struct vault *v, const struct vault_sealed *s);

/*
 * Insert a record under a given id (32 lower-case hex digits), revision 1,
 * with `flags` (enum vault_record_flags), e.g. when importing.
 * VAULT_EXISTS when a record has that id already.
 */
int vault_insert(struct vault *v, const char *id, const char *kind,
                 const void *head, size_t headlen, const void *body,
                 size_t bodylen, unsigned flags);

/*
 * Merge another copy of this vault (the file at `other`: same vault id,
 * same keys) into this one, in one transaction (doc/vault-format.md,
 * "Merging copies"): records only there are taken; where one version
 * came from the other, the newer is kept; where both were edited apart,
 * both are kept (one as a record marked VAULT_CONFLICT_COPY); a deletion
 * on either side stays; records written while the other was locked are
 * taken too. Everything from the other copy must authenticate with this
 * vault's keys, or nothing changes: VAULT_REFUSED (another vault, other
 * keys, an older format, this file itself), VAULT_DAMAGED, or what
 * vault_open gives for the file. With dry_run, *sum says what would
 * come in and nothing is written. Merging the same copy again changes
 * nothing, and A into B gives the records B into A gives.
 */
enum { VAULT_MERGE_KINDS = 16 };
struct vault_merge_kind {
	char kind[VAULT_KIND_MAX];
	size_t added;        /* only in the other copy */
	size_t updated;      /* newer there */
	size_t conflicts;    /* edited on both: a conflict copy kept */
	size_t deleted;      /* deleted there, so here too */
	size_t kept_deleted; /* changed there, deleted here: stays deleted */
};
struct vault_merge_summary {
	struct vault_merge_kind kinds[VAULT_MERGE_KINDS];
	size_t nkinds;
	size_t locked_writes;  /* of those added: written while the other
	                        * copy was locked, not yet folded in there */
	size_t waiting_unread; /* rows after the other's state not taken
	                        * (do not open, or an id already here) */
	bool changed;          /* anything came in (or would, dry_run) */
	bool other_passphrase; /* the copy's passphrase is not this vault's,
	                        * and neither replaced the other (both
	                        * changed since they parted, or more than
	                        * once): this vault's is kept */
	bool passphrase_taken; /* the copy's passphrase replaced the one
	                        * this vault had when they parted: it is
	                        * this vault's passphrase now */
	bool recovery_taken;   /* likewise the recovery code (a new one, or
	                        * removed there) */
};
int vault_merge(struct vault *v, const char *other, bool dry_run,
                struct vault_merge_summary *sum);

/*
 * Conflict copies of the vault that sync tools leave beside it, found
 * with one readdir of its folder: for vault.db, Syncthing's
 * "vault.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.db", Nextcloud's and
 * Dropbox's "vault (conflicted copy ...).db", "vault (... conflicted
 * copy ...).db", "vault (Case Conflict).db" and "vault (Case Clash
 * ...).db". Returns how many (at most `cap`) and sets out[i] to each
 * full path, sorted (caller frees each); 0 also when the folder does not
 * read.
 */
size_t vault_conflict_copies(const char *path, char **out, size_t cap);

/* Is the name (no folder) a conflict copy of the vault file `base`? */
bool vault_is_conflict_copy(const char *base, const char *name);

/*
 * Does the vault's path now name another file than the one opened (a
 * sync tool renamed a newer version into place while this ran)? Then
 * vault_commit does not write to the old file: the transaction, as it
 * would have been committed, is saved beside the vault as a conflict
 * copy ("NAME.sync-conflict-YYYYMMDD-HHMMSS-SELFHELP.db"), which the
 * next unlocked open merges (vault_conflict_copies, vault_merge).
 */
bool vault_replaced(const struct vault *v);

/* Is `id` a full record id (32 lower-case hex digits)? */
bool vault_id_ok(const char *id);

/*
 * SQLite's integrity_check on the whole file, and (when unlocked) that the
 * header's sealed secret key and the vault's state open. Returns 0 when
 * all are fine; otherwise VAULT_NOT_VAULT with the first problems in the
 * message.
 */
int vault_integrity_check(struct vault *v);

/*
 * A consistent copy of the vault at `dest` (VACUUM INTO), still encrypted
 * and opening with the same passphrase; safe while others write. The file
 * is created first (O_EXCL|O_NOFOLLOW, 0600): an existing `dest` is
 * refused (VAULT_EXISTS), so is a folder that does not exist.
 */
int vault_backup(struct vault *v, const char *dest);

/*
 * The same copy into `empty`, an empty regular file the caller made (the
 * new file of outfile_begin(), for a backup that replaces one). Anything
 * else there is refused. The caller removes the file on failure.
 */
int vault_backup_into(struct vault *v, const char *empty);

/* Delete record `id` (secure_delete overwrites its pages; the index keeps
 * a tombstone of its id). */
int vault_delete(struct vault *v, const char *id);

/*
 * A record as seen during a walk. The plaintext pointers are borrowed
 * from the vault's private scratch memory: valid only during the
 * callback, wiped afterwards. `damaged` is set (and head/body are NULL)
 * when the record cannot be shown as it is: `problem` says why.
 */
enum vault_problem {
	VAULT_PROBLEM_NONE = 0,
	VAULT_PROBLEM_DAMAGED, /* does not authenticate */
	VAULT_PROBLEM_OLDER,   /* an older revision than the state names */
	VAULT_PROBLEM_MISSING, /* the state names it; the file lacks it */
};
struct vault_item {
	const char *id;
	const char *kind;
	int64_t revision;
	bool damaged;
	enum vault_problem problem;
	bool written_locked; /* VAULT_WRITTEN_LOCKED */
	bool conflict_copy;  /* VAULT_CONFLICT_COPY */
	int64_t time;        /* when this revision was written (UTC s) */
	int64_t sort_key;    /* the index's sort key for it (vault_sort_key_fn;
	                      * INT64_MAX when unknown) */
	const unsigned char *head;
	size_t headlen;
	const unsigned char *body; /* NULL unless VAULT_EACH_BODY */
	size_t bodylen;
	/* vault_search: its place in the walk, from 0 (damaged records
	 * count too); two walks of one snapshot (vault_read_begin) with the
	 * same kind, order and needle give each record the same place.
	 * 0 elsewhere. */
	size_t place;
};

enum vault_each_flags {
	VAULT_EACH_BODY = 1 << 0,      /* also decrypt the body */
	VAULT_EACH_ROW_ORDER = 1 << 1, /* in the order the rows lie in the
	                                * file (quickest to read), not the
	                                * order they were first stored */
};

/*
 * Call fn for every record of `kind` (NULL: every kind), in the order
 * they were first stored, decrypting heads (and bodies with
 * VAULT_EACH_BODY). A non-zero return from fn stops the walk and is
 * returned. fn may call vault_get(); the item's head and body are not
 * valid after that.
 */
typedef int (*vault_each_fn)(void *arg, const struct vault_item *it);
int vault_each(struct vault *v, const char *kind, unsigned flags,
               vault_each_fn fn, void *arg);

/*
 * Sort keys. A kind's records can be walked newest first without
 * decrypting every head: the encrypted index keeps each record's sort key
 * (e.g. its creation time), taken from its head by `fn` whenever a
 * record is stored. fn returns 0 with *key set, 1 when records of `kind`
 * have no sort key, or -1 when the head cannot be read (the record is
 * then walked first, so its damage is reported). Set it right after
 * vault_open/vault_create.
 */
typedef int (*vault_sort_key_fn)(const char *kind, const unsigned char *head,
                                 size_t headlen, int64_t *key);
void vault_set_sort_key(struct vault *v, vault_sort_key_fn fn);
bool vault_has_sort_key(const struct vault *v);

/*
 * Call fn for the records of `kind` whose sort key is in [lo, hi], the
 * greatest key first (ties: the later stored first), until fn returns
 * non-zero (which is returned). Only the records visited are decrypted.
 */
int vault_each_by_key(struct vault *v, const char *kind, unsigned flags,
                      int64_t lo, int64_t hi, vault_each_fn fn, void *arg);

/*
 * Check the sort keys the index holds for `kind` against the records'
 * heads, changing nothing: *stale is set when any differs.
 */
int vault_listing_check(struct vault *v, const char *kind, bool *stale);

/*
 * A walk for searching: like vault_each (flags: VAULT_EACH_BODY or 0), but
 * every record is decrypted and offered to `keep` on up to four threads at
 * once (keep must be safe to call concurrently, also with fn, and must not
 * keep the pointers; NULL keeps every record); fn is called on the calling
 * thread, in order, for the records keep accepted and for every damaged
 * one. fn may call vault_get() (the helpers only decrypt).
 */
typedef bool (*vault_keep_fn)(void *karg, const struct vault_item *it);
int vault_search(struct vault *v, const char *kind, unsigned flags,
                 vault_keep_fn keep, void *karg, vault_each_fn fn, void *arg);

/*
 * The same walk over only the records that may hold `needle`: a record
 * whose search filter (vault-format.md) rules the needle out is not
 * decrypted; every other one is, and keep decides as above. The result
 * is what vault_search gives with a keep that looks for the needle.
 */
struct search_needle;
int vault_search_needle(struct vault *v, const char *kind, unsigned flags,
                        const struct search_needle *needle, vault_keep_fn keep,
                        void *karg, vault_each_fn fn, void *arg);

/*
 * Decrypt one record by full id and call fn once with it (head and body).
 * VAULT_NOT_FOUND when there is no such record of `kind` (NULL: of any
 * kind). A record that is older than the state or missing is passed to
 * fn as damaged, with its problem.
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

/* Why the last record visited (e.g. by vault_get) could not be shown:
 * VAULT_PROBLEM_NONE when it could. */
enum vault_problem vault_last_problem(const struct vault *v);

/* Is `s` a syntactically possible id prefix (4..32 hex digits)? */
bool vault_id_prefix_ok(const char *s);

/* --- keys --- */

/* The vault's id as 32 hex digits into out (VAULT_ID_HEX + 1 bytes). */
void vault_id_hex(const struct vault *v, char *out);

/* The public key of the file's header (crypto_box_PUBLICKEYBYTES = 32
 * bytes) into out: as the file has it, checked only after an unlock. */
void vault_public_key(const struct vault *v, unsigned char out[32]);

/* Copy the master key into `out` (CRYPTO_KEY_BYTES of the caller's guarded
 * memory; NULL only asks whether it is unlocked). VAULT_LOCKED while
 * locked. */
int vault_copy_master(const struct vault *v, unsigned char *out);

/*
 * Unlock with the master key itself (as remembered by `selfhelp unlock`).
 * It is checked by opening the vault's state: VAULT_BAD_PASSPHRASE when
 * it is not this vault's key. Format 1 vaults are migrated as by
 * vault_unlock, except that key slots keep their old binding.
 */
int vault_unlock_master(struct vault *v, const unsigned char *master);

/*
 * Re-wrap the master key under a new passphrase with a new salt (kdf NULL:
 * keep the current parameters). Only the key slot and the state change,
 * so the cost does not grow with the vault. Inside vault_begin/commit:
 * the old passphrase works until the commit, the new one after it, and
 * the old slot, put back later, no longer opens the vault.
 */
int vault_set_passphrase(struct vault *v, const char *pass, size_t len,
                         const struct crypto_kdf_params *kdf);

/* Wrap the master key under a recovery code too (slot "recovery"), or
 * remove that slot. Inside a transaction. */
int vault_set_recovery(struct vault *v, const char *code, size_t len);
int vault_remove_recovery(struct vault *v);
bool vault_has_recovery(struct vault *v);

/*
 * A new master key and key pair: every record, the index and the state
 * are encrypted again and the passphrase slot is wrapped anew under
 * `pass` (kdf NULL: the current parameters). The recovery slot is
 * removed (it wraps the old key); make a new one with vault_set_recovery
 * in the same transaction. Inside vault_begin/commit: all or nothing.
 * Afterwards the old passphrase, recovery code and master key open
 * nothing written after it, and no ciphertext of before is left in the
 * file once committed. Progress goes to the event handler
 * (VAULT_EV_REKEYING).
 */
int vault_rekey(struct vault *v, const char *pass, size_t len,
                const struct crypto_kdf_params *kdf);

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

/*
 * What looks wrong in a code as typed, for a person to fix it. Codes
 * carry no checksum (every group is random), so only their shape can be
 * checked: eight groups of four of 0-9 and a-f. Typed without
 * separators, the groups are counted every four characters.
 */
enum vault_code_problem {
	VAULT_CODE_OK = 0,    /* the shape of a code */
	VAULT_CODE_EMPTY,     /* nothing but separators */
	VAULT_CODE_BAD_CHAR,  /* group `group` has a character not in 0-9a-f */
	VAULT_CODE_GROUP_LEN, /* group `group` has `count` characters */
	VAULT_CODE_GROUPS,    /* `count` groups, each of four */
	VAULT_CODE_LENGTH,    /* no separators: `count` characters */
};
struct vault_code_check {
	enum vault_code_problem problem;
	unsigned group; /* 1-based; 0 when the problem is not one group's */
	unsigned count;
};
/* Check the shape of `in` (as typed) into *out; returns out->problem.
 * Reads `in` only: it keeps no copy. */
int vault_recovery_code_check(const char *in, struct vault_code_check *out);

/* Unlock with the recovery code; VAULT_BAD_PASSPHRASE when it does not
 * open the vault, VAULT_NOT_FOUND when the vault has no recovery code. */
int vault_unlock_recovery(struct vault *v, const char *code, size_t len);

/* --- records written while locked --- */

/*
 * May records of `kind` be written while locked (and folded in)? Only
 * the kinds meant for capture in distress: journal, trigger, rating,
 * group.
 */
bool vault_kind_lockable(const char *kind);

/*
 * Seal a record to the vault's public key without unlocking: an ephemeral
 * X25519 key, key agreement, XChaCha20-Poly1305. It is an ordinary-looking
 * row until the next unlocked command folds it in (marked
 * VAULT_WRITTEN_LOCKED). The caller checks the public key against its pin
 * first (lib/pin.h). Inside a transaction. Writes the id to id_out.
 */
int vault_seal(struct vault *v, const char *kind, const void *head,
               size_t headlen, const void *body, size_t bodylen, char *id_out);

/*
 * How many rows are newer than row `high_water` (works while locked):
 * with the high-water mark pinned on this machine, the records written
 * while locked since, waiting to be folded in.
 */
int vault_rows_after(struct vault *v, int64_t high_water, size_t *n);

/*
 * Turn every record written while locked into an ordinary one, in one
 * transaction of its own (also done by vault_begin). Each is reported
 * through the event handler: VAULT_EV_FOLDED, or VAULT_EV_SET_ASIDE for
 * one that does not open, is of a kind never written while locked, or
 * repeats a record already here: those stay where they are, listed in
 * the state, reported once. *folded is how many were folded in.
 */
int vault_fold_sealed(struct vault *v, size_t *folded);

/* --- check --- */

/*
 * What `check` finds beyond each record: the vault's state, key slots,
 * rows the state does not name, records written while locked that are
 * waiting or were set aside. Lists are malloc'd; vault_check_release
 * frees them.
 */
struct vault_check_row {
	int64_t rowid;
	enum vault_aside_reason why; /* 0: a row the state does not name */
};
struct vault_check_report {
	bool state_ok;      /* the state opens and matches the index */
	bool secret_key_ok; /* the header's secret key opens */
	bool public_key_ok; /* the header's public key is the state's */
	bool passphrase_slot_ok;
	bool recovery_expected; /* the state names a recovery slot */
	bool recovery_slot_ok;  /* ...and it is there, unchanged */
	size_t waiting;         /* rows after the state's high-water mark */
	struct vault_check_row *rows; /* set aside, or unknown */
	size_t nrows;
	size_t records; /* live records the state names */
};
int vault_check(struct vault *v, struct vault_check_report *r);
void vault_check_release(struct vault_check_report *r);

/*
 * When the vault's state or index is damaged: unlocking still gives the
 * keys (vault_state_damaged() says so) if vault_allow_repair() was called
 * before, so that vault_repair() can build both again from the rows the
 * file holds: each head says which record (id, kind, revision) it is;
 * the newest revision of each id is kept, every other row set aside
 * (events). It cannot tell a row put back from an older copy from the
 * person's own, nor see what was deleted. The write counter goes on from
 * `counter_floor` (e.g. this machine's pin). One transaction.
 */
void vault_allow_repair(struct vault *v);
bool vault_state_damaged(const struct vault *v);
int vault_repair(struct vault *v, uint64_t counter_floor, size_t *kept,
                 size_t *aside);

/*
 * The search filters (vault-format.md) against the records: `missing`
 * live records have none (a vault from before them: searches decrypt
 * those records every time), `stale` filters do not match their record
 * or name none, `unopened` filter buckets do not open (damaged, or put
 * back from an older copy). Searches find the same either way; only
 * stale or unopened filters point at a change outside selfhelp.
 * vault_filters_rebuild makes them all again, in one transaction
 * (vault_repair does too).
 */
struct vault_filter_report {
	size_t missing, stale, unopened;
};
int vault_filters_check(struct vault *v, struct vault_filter_report *r);

/*
 * The same, and the index's sort keys (vault_listing_check), gathered
 * along another walk instead of one of their own: between
 * vault_verify_begin and vault_verify_end (inside one read snapshot,
 * vault_read_begin), every vault_search (VAULT_EACH_BODY) also works out
 * what each record's filter and sort key should be, on the walk's
 * threads. vault_verify_end compares and ends it (*stale_keys may be
 * NULL); vault_verify_cancel ends it without.
 */
int vault_verify_begin(struct vault *v);
int vault_verify_end(struct vault *v, struct vault_filter_report *r,
                     bool *stale_keys);
void vault_verify_cancel(struct vault *v);
int vault_filters_rebuild(struct vault *v);

#endif
