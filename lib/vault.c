#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { VAULT_ID_BYTES = 16, BUSY_TIMEOUT_MS = 10000 };

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

struct vault {
	sqlite3 *db;
	char *path;
	char errmsg[512];
	int schema;
	/* header */
	int64_t format;
	unsigned char vault_id[VAULT_ID_BYTES];
	unsigned char public_key[crypto_box_PUBLICKEYBYTES];
	unsigned char *sk_sealed; /* nonce || AEAD(X25519 secret key) */
	size_t sk_sealedlen;
	/* passphrase slot */
	struct crypto_kdf_params kdf;
	unsigned char salt[CRYPTO_SALT_BYTES];
	unsigned char *wrapped; /* nonce || AEAD(master) */
	size_t wrappedlen;
	/* keys, sodium_malloc'd; NULL while locked */
	unsigned char *master;
	unsigned char *reckey;
	struct scratch head, body;
	sqlite3_stmt *get_st; /* vault_get's statement, kept between calls */
	bool in_tx;
	bool in_read; /* vault_read_begin() opened a transaction */
	enum vault_ro_reason ro_reason; /* why opened read-only, if so */
	vault_sort_key_fn sort_key;     /* for the listing index, or NULL */
	int sys_errno;                  /* errno behind the last db_error */
};

static const char *const migrations[] = {
        /* 0 -> 1: the vault's base tables */
        "CREATE TABLE meta("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " format INTEGER NOT NULL,"
        " vault_id BLOB NOT NULL,"
        " public_key BLOB NOT NULL,"
        " secret_key BLOB NOT NULL);"
        "CREATE TABLE keyslot("
        " name TEXT PRIMARY KEY,"
        " kdf_alg INTEGER NOT NULL,"
        " kdf_ops INTEGER NOT NULL,"
        " kdf_mem INTEGER NOT NULL,"
        " salt BLOB NOT NULL,"
        " wrapped BLOB NOT NULL);"
        "CREATE TABLE record("
        " rowid INTEGER PRIMARY KEY,"
        " id TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL,"
        " revision INTEGER NOT NULL,"
        " head BLOB NOT NULL,"
        " body BLOB NOT NULL);",
        /* 1 -> 2: an index by kind; records sealed while locked */
        "CREATE INDEX record_kind ON record(kind);"
        "CREATE TABLE sealed("
        " rowid INTEGER PRIMARY KEY,"
        " id TEXT NOT NULL UNIQUE,"
        " kind TEXT NOT NULL,"
        " ephemeral_key BLOB NOT NULL,"
        " data BLOB NOT NULL);",
        /* 2 -> 3: the listing index (see "Listing index" in
         * lib/vault-format.md) */
        "CREATE TABLE listing("
        " kind TEXT NOT NULL,"
        " chunk INTEGER NOT NULL,"
        " data BLOB NOT NULL,"
        " PRIMARY KEY (kind, chunk)) WITHOUT ROWID;",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == VAULT_SCHEMA,
               "one migration per schema version");

static const char SLOT_PASSPHRASE[] = "passphrase";
static const char SLOT_RECOVERY[] = "recovery";
enum { SK_SEALED_LEN = crypto_box_SECRETKEYBYTES + CRYPTO_OVERHEAD };

static int set_error(struct vault *v, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int migrate_after_unlock(struct vault *v);
static int listing_touch(struct vault *v, const char *kind, int64_t rowid,
                         const void *head, size_t headlen);
static int open_secret_key(struct vault *v, const unsigned char *master,
                           unsigned char *sk);

static int
set_error(struct vault *v, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->errmsg, sizeof(v->errmsg), fmt, ap);
	va_end(ap);
	return status;
}

/* Does errno `e` mean there is no room left (full disk, quota, or the
 * file-size limit)? SQLite reports most of these as I/O errors. */
static bool
errno_is_full(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

static int
db_error(struct vault *v, const char *what)
{
	/* SQLite does not always keep the errno of a failed write (an
	 * EFBIG or EDQUOT is a plain I/O error to it); errno still has it. */
	int e = errno;
	int code = sqlite3_errcode(v->db);
	v->sys_errno =
	        sqlite3_system_errno(v->db) ? sqlite3_system_errno(v->db) : e;
	if (code == SQLITE_FULL ||
	    ((code == SQLITE_IOERR || code == SQLITE_CANTOPEN) &&
	     errno_is_full(v->sys_errno)) ||
	    (code == SQLITE_READONLY && v->ro_reason == VAULT_RO_FULL))
		return set_error(v, VAULT_ERROR,
		                 "The disk is full, so selfhelp could not %s. "
		                 "Nothing was changed.",
		                 what);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return set_error(v, VAULT_ERROR,
		                 "The vault is busy with another selfhelp; "
		                 "please try again in a moment.");
	if (code == SQLITE_READONLY)
		return set_error(v, VAULT_ERROR,
		                 "The vault can only be read here (its file "
		                 "or folder is read-only), so selfhelp could "
		                 "not %s.",
		                 what);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return set_error(v, VAULT_NOT_VAULT,
		                 "The vault file looks damaged (%s).",
		                 sqlite3_errmsg(v->db));
	return set_error(v, VAULT_ERROR, "Could not %s: %s.", what,
	                 sqlite3_errmsg(v->db));
}

char *
vault_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	/* The XDG spec says a relative XDG_DATA_HOME is to be ignored. */
	if (xdg && xdg[0] == '/') {
		if (asprintf(&p, "%s/selfhelp/vault.db", xdg) < 0)
			p = NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.local/share/selfhelp/vault.db", home) < 0)
			p = NULL;
	}
	return p;
}

const char *
vault_errmsg(const struct vault *v)
{
	return v ? v->errmsg : "out of memory";
}

const char *
vault_path(const struct vault *v)
{
	return v->path;
}

void
vault_kdf_params(const struct vault *v, struct crypto_kdf_params *out)
{
	*out = v->kdf;
}

/* --- scratch memory --- */

static int
scratch_reserve(struct scratch *s, size_t n)
{
	if (n <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 4096;
	while (cap < n)
		cap *= 2;
	unsigned char *p = sodium_malloc(cap);
	if (!p)
		return -1;
	sodium_free(s->p);
	s->p = p;
	s->cap = cap;
	return 0;
}

static void
scratch_release(struct scratch *s)
{
	sodium_free(s->p);
	s->p = NULL;
	s->cap = 0;
}

/* --- additional data --- */

static void
put_u64(unsigned char *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

/* Appending to additional data: raw bytes, a string with its NUL, a u64. */
static void
ad_bytes(unsigned char *ad, size_t *n, const void *p, size_t len)
{
	memcpy(ad + *n, p, len);
	*n += len;
}

static void
ad_cstr(unsigned char *ad, size_t *n, const char *s)
{
	ad_bytes(ad, n, s, strlen(s) + 1);
}

static void
ad_u64(unsigned char *ad, size_t *n, uint64_t x)
{
	put_u64(ad + *n, x);
	*n += 8;
}

enum { HEADER_AD_MAX = 128 };

/* Header fields every wrapped key is bound to. */
static size_t
header_ad(const struct vault *v, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-vault");
	ad_u64(ad, &n, (uint64_t)v->format);
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_bytes(ad, &n, v->public_key, sizeof(v->public_key));
	return n;
}

/* Header fields plus one key slot's name, KDF parameters and salt. */
static size_t
slot_ad(const struct vault *v, const char *slot,
        const struct crypto_kdf_params *kdf, const unsigned char *salt,
        unsigned char *ad)
{
	size_t n = header_ad(v, ad);
	ad_cstr(ad, &n, slot);
	ad_u64(ad, &n, (uint64_t)kdf->alg);
	ad_u64(ad, &n, kdf->ops);
	ad_u64(ad, &n, kdf->mem);
	ad_bytes(ad, &n, salt, CRYPTO_SALT_BYTES);
	return n;
}

enum { RECORD_AD_MAX = 128, KIND_MAX = 32 };

/* Vault id, record id, kind, revision, format and part ('h' or 'b'). */
static size_t
record_ad(const struct vault *v, const char *id, const char *kind,
          int64_t revision, char part, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-record");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_cstr(ad, &n, id);
	ad_cstr(ad, &n, kind);
	ad_u64(ad, &n, (uint64_t)revision);
	ad_u64(ad, &n, (uint64_t)v->format);
	ad[n++] = (unsigned char)part;
	return n;
}

/* --- padding --- */

/* The padding block for a plaintext of len bytes; recoverable from the
 * padded length alone (see pad_block_for_padded), so sizes leak only
 * coarsely: 256-byte steps up to 4 KiB, 4 KiB up to 64 KiB, then 64 KiB. */
static size_t
pad_block(size_t len)
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

/*
 * Remove the padding of an opened (so authentic) plaintext: libsodium's
 * sodium_unpad checks it, over just the padding. Its constant-time loop
 * reads the whole block it is given; nothing here is secret from us once
 * decrypted, so the last non-zero byte is found first and the block cut
 * to it (the same answer as the whole block gives, in about half the
 * time: a search spent a fifth of its time in there).
 */
static int
unpad(size_t *len, const unsigned char *buf, size_t padded)
{
	size_t block = pad_block_for_padded(padded);
	size_t tail = 1;
	if (padded < block)
		return -1;
	while (tail < block && buf[padded - tail] == 0)
		tail++;
	return sodium_unpad(len, buf, padded, tail);
}

static size_t
padded_size(size_t len)
{
	size_t b = pad_block(len);
	return (len / b + 1) * b;
}

/* --- open, create --- */

static int
exec(struct vault *v, const char *sql, const char *what)
{
	if (sqlite3_exec(v->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(v, what);
	return 0;
}

static int
configure(struct vault *v)
{
	sqlite3_busy_timeout(v->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(v->db, 0);
	return exec(v,
	            "PRAGMA secure_delete=ON;"
	            "PRAGMA temp_store=MEMORY;"
	            "PRAGMA synchronous=FULL;",
	            "set up the vault");
}

static struct vault *
vault_alloc(const char *path)
{
	struct vault *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->path = strdup(path);
	if (!v->path) {
		free(v);
		return NULL;
	}
	return v;
}

static char *
take_error(struct vault *v)
{
	return strdup(v->errmsg);
}

/* mkdir -p for the vault's folder, new folders 0700. */
static int
make_parent_dirs(const char *path)
{
	char *dir = strdup(path);
	int rc = 0;
	if (!dir)
		return -1;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(dir);
	return rc;
}

static int
migrate(struct vault *v, int from)
{
	for (int i = from; i < VAULT_SCHEMA; i++) {
		int rc = exec(v, migrations[i], "update the vault's layout");
		if (rc)
			return rc;
	}
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", VAULT_SCHEMA);
	int rc = exec(v, sql, "update the vault's layout");
	if (!rc)
		v->schema = VAULT_SCHEMA;
	return rc;
}

static int
store_header(struct vault *v, const unsigned char *sk_sealed, size_t sklen)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT INTO meta(id, format, vault_id, "
	                       "public_key, secret_key) VALUES (1, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "create the vault");
	sqlite3_bind_int64(st, 1, v->format);
	sqlite3_bind_blob(st, 2, v->vault_id, VAULT_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, v->public_key, sizeof(v->public_key),
	                  SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, sk_sealed, (int)sklen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "create the vault");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO keyslot(name, kdf_alg, "
	                       "kdf_ops, kdf_mem, salt, wrapped) "
	                       "VALUES (?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "create the vault");
	sqlite3_bind_text(st, 1, SLOT_PASSPHRASE, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v->kdf.alg);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)v->kdf.ops);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)v->kdf.mem);
	sqlite3_bind_blob(st, 5, v->salt, CRYPTO_SALT_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, v->wrapped, (int)v->wrappedlen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "create the vault");
	sqlite3_finalize(st);
	return rc;
}

static int
alloc_keys(struct vault *v)
{
	v->master = sodium_malloc(CRYPTO_KEY_BYTES);
	v->reckey = sodium_malloc(CRYPTO_KEY_BYTES);
	return v->master && v->reckey ? 0 : -1;
}

static void
free_keys(struct vault *v)
{
	sodium_free(v->master);
	sodium_free(v->reckey);
	v->master = v->reckey = NULL;
}

int
vault_create(const char *path, const char *pass, size_t passlen,
             const struct crypto_kdf_params *kdf, struct vault **out,
             char **err)
{
	struct vault *v = vault_alloc(path);
	unsigned char *kek = NULL, *sk = NULL, *subkey = NULL;
	unsigned char *sk_sealed = NULL;
	int rc = VAULT_OK, fd;
	bool made_file = false;

	*out = NULL;
	if (err)
		*err = NULL;
	if (!v)
		return VAULT_ERROR;
	crypto_protect_process();
	if (!crypto_kdf_params_ok(kdf)) {
		rc = set_error(v, VAULT_HOSTILE,
		               "Those key derivation settings are outside "
		               "what selfhelp allows.");
		goto out;
	}
	if (make_parent_dirs(path) != 0) {
		rc = set_error(v, VAULT_ERROR,
		               "Could not make the folder for the vault (%s).",
		               strerror(errno));
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	          0600);
	if (fd < 0) {
		if (errno == EEXIST)
			rc = set_error(v, VAULT_EXISTS,
			               "There is already a vault at %s; "
			               "selfhelp leaves it as it is.",
			               path);
		else
			rc = set_error(v, VAULT_ERROR,
			               "Could not create %s (%s).", path,
			               strerror(errno));
		goto out;
	}
	close(fd);
	made_file = true;
	if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = db_error(v, "create the vault");
		goto out;
	}
	if ((rc = exec(v, "PRAGMA journal_mode=WAL;", "create the vault")) ||
	    (rc = configure(v)))
		goto out;

	kek = sodium_malloc(CRYPTO_KEY_BYTES);
	sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	subkey = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!kek || !sk || !subkey || alloc_keys(v) != 0) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	v->format = VAULT_FORMAT;
	v->kdf = *kdf;
	randombytes_buf(v->vault_id, VAULT_ID_BYTES);
	randombytes_buf(v->salt, CRYPTO_SALT_BYTES);
	crypto_kdf_keygen(v->master);
	crypto_box_keypair(v->public_key, sk);

	if (crypto_derive_kek(kek, pass, passlen, v->salt, kdf) != 0) {
		rc = set_error(v, VAULT_ERROR,
		               "There was not enough memory to protect the "
		               "passphrase.");
		goto out;
	}
	unsigned char ad[HEADER_AD_MAX];
	size_t adlen = slot_ad(v, SLOT_PASSPHRASE, kdf, v->salt, ad);
	v->wrappedlen = CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD;
	v->wrapped = malloc(v->wrappedlen);
	size_t sklen = crypto_box_SECRETKEYBYTES + CRYPTO_OVERHEAD;
	sk_sealed = malloc(sklen);
	if (!v->wrapped || !sk_sealed) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	crypto_seal(v->wrapped, v->master, CRYPTO_KEY_BYTES, ad, adlen, kek);
	crypto_subkey(subkey, CRYPTO_SUBKEY_SECRET_KEY, v->master);
	adlen = header_ad(v, ad);
	crypto_seal(sk_sealed, sk, crypto_box_SECRETKEYBYTES, ad, adlen,
	            subkey);
	crypto_subkey(v->reckey, CRYPTO_SUBKEY_RECORDS, v->master);

	if ((rc = exec(v, "BEGIN IMMEDIATE;", "create the vault")))
		goto out;
	if ((rc = migrate(v, 0)) || (rc = store_header(v, sk_sealed, sklen)) ||
	    (rc = exec(v, "COMMIT;", "create the vault"))) {
		sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
		goto out;
	}
	v->sk_sealed = sk_sealed;
	v->sk_sealedlen = sklen;
	sk_sealed = NULL;
out:
	sodium_free(kek);
	sodium_free(sk);
	sodium_free(subkey);
	free(sk_sealed);
	if (rc) {
		if (err)
			*err = take_error(v);
		if (made_file) {
			sqlite3_close(v->db);
			v->db = NULL;
			unlink(path);
			char aux[4096];
			snprintf(aux, sizeof(aux), "%s-wal", path);
			unlink(aux);
			snprintf(aux, sizeof(aux), "%s-shm", path);
			unlink(aux);
		}
		vault_free(v);
		return rc;
	}
	*out = v;
	return VAULT_OK;
}

static int
read_header(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(v->db, "PRAGMA user_version", -1, &st, NULL) !=
	            SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = db_error(v, "read the vault");
		sqlite3_finalize(st);
		if (rc == VAULT_NOT_VAULT)
			return set_error(v, VAULT_NOT_VAULT,
			                 "%s is not a selfhelp vault.",
			                 v->path);
		return rc;
	}
	v->schema = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v->schema > VAULT_SCHEMA)
		return set_error(v, VAULT_NEWER,
		                 "This vault was made by a newer selfhelp; "
		                 "please update selfhelp to open it.");
	if (v->schema < 1)
		return set_error(v, VAULT_NOT_VAULT,
		                 "%s is not a selfhelp vault.", v->path);

	rc = sqlite3_prepare_v2(
	        v->db,
	        "SELECT format, vault_id, public_key, secret_key "
	        "FROM meta WHERE id = 1",
	        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return set_error(v, VAULT_NOT_VAULT,
		                 "%s is not a selfhelp vault.", v->path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return set_error(v, VAULT_NOT_VAULT,
		                 "The vault's header is missing; the file "
		                 "may be damaged.");
	}
	v->format = sqlite3_column_int64(st, 0);
	const void *id = sqlite3_column_blob(st, 1);
	int idlen = sqlite3_column_bytes(st, 1);
	const void *pk = sqlite3_column_blob(st, 2);
	int pklen = sqlite3_column_bytes(st, 2);
	const void *sk = sqlite3_column_blob(st, 3);
	int sklen = sqlite3_column_bytes(st, 3);
	rc = VAULT_OK;
	if (v->format > VAULT_FORMAT)
		rc = set_error(v, VAULT_NEWER,
		               "This vault was made by a newer selfhelp; "
		               "please update selfhelp to open it.");
	else if (v->format < 1 || idlen != VAULT_ID_BYTES ||
	         pklen != (int)sizeof(v->public_key) || sklen != SK_SEALED_LEN)
		rc = set_error(v, VAULT_NOT_VAULT,
		               "The vault's header is damaged.");
	else if (!(v->sk_sealed = malloc(SK_SEALED_LEN)))
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
	else {
		memcpy(v->vault_id, id, VAULT_ID_BYTES);
		memcpy(v->public_key, pk, sizeof(v->public_key));
		memcpy(v->sk_sealed, sk, SK_SEALED_LEN);
		v->sk_sealedlen = SK_SEALED_LEN;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	if (sqlite3_prepare_v2(
	            v->db,
	            "SELECT kdf_alg, kdf_ops, kdf_mem, salt, wrapped "
	            "FROM keyslot WHERE name = ?",
	            -1, &st, NULL) != SQLITE_OK)
		return set_error(v, VAULT_NOT_VAULT,
		                 "The vault's header is damaged.");
	sqlite3_bind_text(st, 1, SLOT_PASSPHRASE, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return set_error(v, VAULT_NOT_VAULT,
		                 "The vault has no passphrase key; the file "
		                 "may be damaged.");
	}
	sqlite3_int64 alg = sqlite3_column_int64(st, 0);
	sqlite3_int64 ops = sqlite3_column_int64(st, 1);
	sqlite3_int64 mem = sqlite3_column_int64(st, 2);
	const void *salt = sqlite3_column_blob(st, 3);
	int saltlen = sqlite3_column_bytes(st, 3);
	const void *w = sqlite3_column_blob(st, 4);
	int wlen = sqlite3_column_bytes(st, 4);
	v->kdf.alg = alg >= 0 && alg < 256 ? (int)alg : -1;
	v->kdf.ops = ops > 0 ? (uint64_t)ops : 0;
	v->kdf.mem = mem > 0 ? (uint64_t)mem : 0;
	if (!crypto_kdf_params_ok(&v->kdf))
		rc = set_error(v, VAULT_HOSTILE,
		               "The vault asks for key derivation settings "
		               "outside what selfhelp allows (at most %llu "
		               "passes and 1 GiB); it may have been tampered "
		               "with, so it was not opened.",
		               (unsigned long long)CRYPTO_KDF_MAX_OPS);
	else if (saltlen != CRYPTO_SALT_BYTES ||
	         wlen != CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD)
		rc = set_error(v, VAULT_NOT_VAULT,
		               "The vault's header is damaged.");
	else {
		memcpy(v->salt, salt, CRYPTO_SALT_BYTES);
		v->wrappedlen = (size_t)wlen;
		v->wrapped = malloc(v->wrappedlen);
		if (!v->wrapped)
			rc = set_error(v, VAULT_ERROR, "Out of memory.");
		else
			memcpy(v->wrapped, w, v->wrappedlen);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Is the vault's -wal file missing or empty, so that the main file alone
 * holds every committed change? */
static bool
wal_is_empty(const char *path)
{
	struct stat sb;
	char *wal = NULL;
	bool empty;
	if (asprintf(&wal, "%s-wal", path) < 0)
		return false;
	empty = stat(wal, &sb) != 0 ? errno == ENOENT : sb.st_size == 0;
	free(wal);
	return empty;
}

/*
 * Reading a WAL database needs its -shm and -wal files, which SQLite
 * cannot make in a read-only folder or on a full disk: opening then fails
 * with "unable to open database file" or an I/O error. When the -wal file
 * is missing or empty, the main file is the whole vault and can be read
 * as immutable (no locks, no side files); writes then fail as read-only.
 * Returns 0 with v->db reopened that way, or the first error (its message
 * kept) when this does not apply.
 */
static int
open_read_only(struct vault *v)
{
	static const char hex[] = "0123456789ABCDEF";
	int code = sqlite3_errcode(v->db);
	bool full = errno_is_full(v->sys_errno) || code == SQLITE_FULL;
	char *uri;
	size_t n = 0;
	int e = v->sys_errno;
	bool cannot_write = code == SQLITE_CANTOPEN ||
	                    code == SQLITE_READONLY || full ||
	                    (code == SQLITE_IOERR &&
	                     (e == EROFS || e == EACCES || e == EPERM));
	if (!cannot_write || !wal_is_empty(v->path))
		return VAULT_ERROR;
	/* "file:" + the path percent-encoded + "?immutable=1" */
	uri = malloc(3 * strlen(v->path) + sizeof("file:?immutable=1"));
	if (!uri)
		return VAULT_ERROR;
	n += (size_t)sprintf(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)v->path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
			uri[n++] = (char)*p;
		} else {
			uri[n++] = '%';
			uri[n++] = hex[*p >> 4];
			uri[n++] = hex[*p & 15];
		}
	}
	strcpy(uri + n, "?immutable=1");
	sqlite3 *db = NULL;
	int s = sqlite3_open_v2(uri, &db,
	                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (s != SQLITE_OK) {
		sqlite3_close(db);
		return VAULT_ERROR;
	}
	sqlite3_close(v->db);
	v->db = db;
	v->ro_reason = full ? VAULT_RO_FULL : VAULT_RO_FOLDER;
	sqlite3_extended_result_codes(v->db, 0);
	return VAULT_OK;
}

int
vault_open(const char *path, struct vault **out, char **err)
{
	struct vault *v = vault_alloc(path);
	struct stat stbuf;
	int rc;

	*out = NULL;
	if (err)
		*err = NULL;
	if (!v)
		return VAULT_ERROR;
	if (stat(path, &stbuf) != 0) {
		if (errno == ENOENT)
			rc = set_error(v, VAULT_NOT_FOUND,
			               "There is no vault at %s yet. "
			               "'selfhelp init' creates one.",
			               path);
		else
			rc = set_error(v, VAULT_ERROR,
			               "Could not open the vault at %s (%s).",
			               path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		rc = set_error(v, VAULT_NOT_VAULT,
		               "%s is not a selfhelp vault.", path);
		goto fail;
	}
	/* SQLite would take an empty file for a new, empty database. */
	if (stbuf.st_size == 0) {
		rc = set_error(v, VAULT_NOT_VAULT,
		               "The vault file %s is empty (0 bytes), so there "
		               "is nothing in it to open. If it was cut short, "
		               "a backup made earlier ('selfhelp backup') can "
		               "take its place.",
		               path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = db_error(v, "open the vault");
		goto fail;
	}
	if ((rc = configure(v)) || (rc = read_header(v))) {
		if (rc != VAULT_ERROR || open_read_only(v) != VAULT_OK)
			goto fail;
		free(v->sk_sealed);
		free(v->wrapped);
		v->sk_sealed = v->wrapped = NULL;
		if ((rc = read_header(v)))
			goto fail;
	}
	*out = v;
	return VAULT_OK;
fail:
	if (err)
		*err = take_error(v);
	vault_free(v);
	return rc;
}

int
vault_unlock(struct vault *v, const char *pass, size_t passlen)
{
	unsigned char *kek;
	unsigned char ad[HEADER_AD_MAX];
	int rc = VAULT_OK;

	if (v->master)
		return VAULT_OK;
	crypto_protect_process();
	kek = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!kek || alloc_keys(v) != 0) {
		sodium_free(kek);
		free_keys(v);
		return set_error(v, VAULT_ERROR, "Out of memory.");
	}
	if (crypto_derive_kek(kek, pass, passlen, v->salt, &v->kdf) != 0) {
		rc = set_error(v, VAULT_ERROR,
		               "There was not enough memory to check the "
		               "passphrase.");
		goto out;
	}
	size_t adlen = slot_ad(v, SLOT_PASSPHRASE, &v->kdf, v->salt, ad);
	if (crypto_open(v->master, v->wrapped, v->wrappedlen, ad, adlen, kek) !=
	    0) {
		rc = set_error(v, VAULT_BAD_PASSPHRASE,
		               "That passphrase doesn't open this vault.");
		goto out;
	}
	crypto_subkey(v->reckey, CRYPTO_SUBKEY_RECORDS, v->master);
	rc = migrate_after_unlock(v);
out:
	sodium_free(kek);
	if (rc)
		free_keys(v);
	return rc;
}

void
vault_free(struct vault *v)
{
	if (!v)
		return;
	if (v->db) {
		sqlite3_finalize(v->get_st);
		if (v->in_tx || v->in_read)
			sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
		/* Leave no old pages behind in the -wal file. */
		sqlite3_exec(v->db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL,
		             NULL, NULL);
		sqlite3_close(v->db);
	}
	free_keys(v);
	scratch_release(&v->head);
	scratch_release(&v->body);
	free(v->wrapped);
	free(v->sk_sealed);
	free(v->path);
	sodium_memzero(v, sizeof(*v));
	free(v);
}

/* --- transactions --- */

int
vault_begin(struct vault *v)
{
	int rc = exec(v, "BEGIN IMMEDIATE;", "save");
	if (!rc)
		v->in_tx = true;
	return rc;
}

int
vault_commit(struct vault *v)
{
	int rc = exec(v, "COMMIT;", "save");
	if (rc)
		vault_rollback(v);
	v->in_tx = false;
	return rc;
}

void
vault_rollback(struct vault *v)
{
	if (v->in_tx)
		sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
	v->in_tx = false;
}

int
vault_read_begin(struct vault *v)
{
	if (v->in_tx || v->in_read)
		return VAULT_OK;
	/* Deferred: the snapshot starts with the first read and takes no
	 * write lock, so others can still save meanwhile (WAL). */
	int rc = exec(v, "BEGIN DEFERRED;", "read the vault");
	if (!rc)
		v->in_read = true;
	return rc;
}

void
vault_read_end(struct vault *v)
{
	if (v->in_read)
		sqlite3_exec(v->db, "COMMIT;", NULL, NULL, NULL);
	v->in_read = false;
}

/* --- records --- */

static bool
kind_ok(const char *kind)
{
	size_t n = strlen(kind);
	return n > 0 && n < KIND_MAX;
}

/* Pad `len` bytes into scratch `s` and seal them; returns a malloc'd
 * buffer of *outlen bytes, or NULL. */
static unsigned char *
seal_part(struct vault *v, struct scratch *s, const void *data, size_t len,
          const unsigned char *ad, size_t adlen, size_t *outlen)
{
	size_t block = pad_block(len);
	size_t cap = padded_size(len);
	size_t plen;
	if (cap < len || scratch_reserve(s, cap) != 0)
		return NULL;
	if (len)
		memcpy(s->p, data, len);
	if (sodium_pad(&plen, s->p, len, block, cap) != 0) {
		sodium_memzero(s->p, cap);
		return NULL;
	}
	unsigned char *out = malloc(plen + CRYPTO_OVERHEAD);
	if (out)
		crypto_seal(out, s->p, plen, ad, adlen, v->reckey);
	sodium_memzero(s->p, plen);
	*outlen = plen + CRYPTO_OVERHEAD;
	return out;
}

/* Open a sealed part into scratch `s`; 0 with *len set, or -1. */
static int
open_part(struct vault *v, struct scratch *s, const unsigned char *sealed,
          size_t sealedlen, const unsigned char *ad, size_t adlen, size_t *len)
{
	if (sealedlen <= CRYPTO_OVERHEAD)
		return -1;
	size_t plen = sealedlen - CRYPTO_OVERHEAD;
	if (scratch_reserve(s, plen + 1) != 0)
		return -1;
	if (crypto_open(s->p, sealed, sealedlen, ad, adlen, v->reckey) != 0)
		return -1;
	if (unpad(len, s->p, plen) != 0)
		return -1;
	s->p[*len] = '\0'; /* text parts are NUL-terminated for callers */
	return 0;
}

static void
new_id(char *out)
{
	unsigned char raw[VAULT_ID_BYTES];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, VAULT_ID_HEX + 1, raw, sizeof(raw));
}

/* Seal and store a record: update `id` when `update`, else insert it
 * (with a fresh id when id is NULL). */
static int
put_record(struct vault *v, const char *id, bool update, const char *kind,
           const void *head, size_t headlen, const void *body, size_t bodylen,
           char *id_out)
{
	char newid[VAULT_ID_HEX + 1];
	int64_t revision = 1, rowid = 0;
	unsigned char ad[RECORD_AD_MAX];
	unsigned char *h = NULL, *b = NULL;
	size_t hlen = 0, blen = 0, adlen;
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;

	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!kind_ok(kind))
		return set_error(v, VAULT_ERROR, "Unknown record kind.");
	if (id && update) {
		if (sqlite3_prepare_v2(v->db,
		                       "SELECT revision, rowid FROM record "
		                       "WHERE id = ? AND kind = ?",
		                       -1, &st, NULL) != SQLITE_OK)
			return db_error(v, "save the record");
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			revision = sqlite3_column_int64(st, 0) + 1;
			rowid = sqlite3_column_int64(st, 1);
		} else
			rc = s == SQLITE_DONE
			             ? set_error(v, VAULT_NOT_FOUND,
			                         "That record is not there "
			                         "any more.")
			             : db_error(v, "save the record");
		sqlite3_finalize(st);
		st = NULL;
		if (rc)
			return rc;
		snprintf(newid, sizeof(newid), "%s", id);
	} else if (id) {
		snprintf(newid, sizeof(newid), "%s", id);
	} else {
		new_id(newid);
	}

	adlen = record_ad(v, newid, kind, revision, 'h', ad);
	h = seal_part(v, &v->head, head, headlen, ad, adlen, &hlen);
	adlen = record_ad(v, newid, kind, revision, 'b', ad);
	b = seal_part(v, &v->body, body, bodylen, ad, adlen, &blen);
	if (!h || !b || hlen > INT32_MAX || blen > INT32_MAX) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	if (sqlite3_prepare_v2(
	            v->db,
	            update ? "UPDATE record SET revision = ?3, head = "
	                     "?4, body = ?5 WHERE id = ?1 AND kind = ?2"
	                   : "INSERT INTO record(id, kind, revision, "
	                     "head, body) VALUES (?1, ?2, ?3, ?4, ?5)",
	            -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(v, "save the record");
		goto out;
	}
	sqlite3_bind_text(st, 1, newid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, revision);
	sqlite3_bind_blob(st, 4, h, (int)hlen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, b, (int)blen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_error(v, "save the record");
		goto out;
	}
	if (!update)
		rowid = sqlite3_last_insert_rowid(v->db);
	rc = listing_touch(v, kind, rowid, head, headlen);
	if (!rc && id_out)
		memcpy(id_out, newid, VAULT_ID_HEX + 1);
out:
	sqlite3_finalize(st);
	free(h);
	free(b);
	return rc;
}

int
vault_put(struct vault *v, const char *id, const char *kind, const void *head,
          size_t headlen, const void *body, size_t bodylen, char *id_out)
{
	return put_record(v, id, id != NULL, kind, head, headlen, body, bodylen,
	                  id_out);
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

int
vault_insert(struct vault *v, const char *id, const char *kind,
             const void *head, size_t headlen, const void *body, size_t bodylen)
{
	sqlite3_stmt *st = NULL;
	int rc, s;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!vault_id_ok(id))
		return set_error(v, VAULT_ERROR,
		                 "'%s' is not a record id (32 hex digits).",
		                 id);
	if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM record WHERE id = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return db_error(v, "save the record");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW)
		return set_error(v, VAULT_EXISTS,
		                 "A record with the id %s is already there.",
		                 id);
	if (s != SQLITE_DONE)
		return db_error(v, "save the record");
	/* insert_record() with a chosen id */
	rc = put_record(v, id, false, kind, head, headlen, body, bodylen, NULL);
	return rc;
}

int
vault_integrity_check(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	char first[256] = "";
	int s, problems = 0;
	if (sqlite3_prepare_v2(v->db, "PRAGMA integrity_check", -1, &st,
	                       NULL) != SQLITE_OK)
		return db_error(v, "check the vault");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		if (line && strcmp(line, "ok") == 0)
			continue;
		if (!problems++)
			snprintf(first, sizeof(first), "%s", line ? line : "?");
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return db_error(v, "check the vault");
	if (problems)
		return set_error(v, VAULT_NOT_VAULT,
		                 "SQLite found %d problem%s in the vault file "
		                 "(first: %s).",
		                 problems, problems == 1 ? "" : "s", first);
	/* Unlocking with the passphrase never touches the header's sealed
	 * secret key; without it, records written while locked stay
	 * unreadable. */
	if (v->master) {
		unsigned char *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
		int bad = !sk || open_secret_key(v, v->master, sk) != 0;
		sodium_free(sk);
		if (bad)
			return set_error(v, VAULT_NOT_VAULT,
			                 "The vault's header is damaged: its "
			                 "secret key does not open, so records "
			                 "written while it is locked could not "
			                 "be read.");
	}
	return VAULT_OK;
}

int
vault_backup(struct vault *v, const char *dest)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc = VAULT_OK;
	if (lstat(dest, &sb) == 0)
		return set_error(v, VAULT_EXISTS,
		                 "There is already a file at %s; selfhelp "
		                 "leaves it as it is.",
		                 dest);
	if (sqlite3_prepare_v2(v->db, "VACUUM INTO ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_error(v, "make the backup");
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "make the backup");
	sqlite3_finalize(st);
	if (rc == VAULT_OK)
		chmod(dest, 0600);
	return rc;
}

int
vault_delete(struct vault *v, const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	char kind[KIND_MAX] = "";
	int64_t rowid = 0;
	bool found = false;
	int s;
	if (sqlite3_prepare_v2(v->db,
	                       "DELETE FROM record WHERE id = ? "
	                       "RETURNING rowid, kind",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "delete the record");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 1);
		rowid = sqlite3_column_int64(st, 0);
		found = true;
		snprintf(kind, sizeof(kind), "%s", k ? k : "");
	}
	if (s != SQLITE_DONE)
		rc = db_error(v, "delete the record");
	else if (!found)
		rc = set_error(v, VAULT_NOT_FOUND,
		               "That record is not there any more.");
	sqlite3_finalize(st);
	if (!rc && kind_ok(kind))
		rc = listing_touch(v, kind, rowid, NULL, 0);
	return rc;
}

/* Decrypt the row under `st` (id, kind, revision, head[, body]) and call
 * fn; wipes the plaintext afterwards. */
static int
visit_row(struct vault *v, sqlite3_stmt *st, bool with_body, vault_each_fn fn,
          void *arg)
{
	struct vault_item it = {0};
	unsigned char ad[RECORD_AD_MAX];
	size_t adlen;
	int rc;

	it.id = (const char *)sqlite3_column_text(st, 0);
	it.kind = (const char *)sqlite3_column_text(st, 1);
	it.revision = sqlite3_column_int64(st, 2);
	if (!it.id || !it.kind || strlen(it.id) != VAULT_ID_HEX ||
	    !kind_ok(it.kind)) {
		it.id = it.id ? it.id : "(no id)";
		it.kind = it.kind ? it.kind : "";
		it.damaged = true;
		return fn(arg, &it);
	}
	adlen = record_ad(v, it.id, it.kind, it.revision, 'h', ad);
	if (open_part(v, &v->head, sqlite3_column_blob(st, 3),
	              (size_t)sqlite3_column_bytes(st, 3), ad, adlen,
	              &it.headlen) != 0) {
		it.damaged = true;
	} else {
		it.head = v->head.p;
	}
	if (!it.damaged && with_body) {
		adlen = record_ad(v, it.id, it.kind, it.revision, 'b', ad);
		if (open_part(v, &v->body, sqlite3_column_blob(st, 4),
		              (size_t)sqlite3_column_bytes(st, 4), ad, adlen,
		              &it.bodylen) != 0) {
			it.damaged = true;
			it.head = NULL;
			it.headlen = 0;
		} else {
			it.body = v->body.p;
		}
	}
	rc = fn(arg, &it);
	if (it.head)
		sodium_memzero(v->head.p, it.headlen);
	if (it.body)
		sodium_memzero(v->body.p, it.bodylen);
	return rc;
}

/* --- the listing index --- */

/*
 * Per kind, the rowid and sort key of every record, in chunks of
 * 2^LISTING_SHIFT rowids, each sealed with the record key. The newest
 * records are then found without decrypting every head. It is a cache:
 * put_record and vault_delete keep it in step inside their transaction;
 * when it is missing, does not open, or does not hold as many entries as
 * the table holds records, it is rebuilt from the heads.
 */
enum { LISTING_SHIFT = 10, LISTING_ENTRY = 16, LISTING_AD_MAX = 96 };

struct listing_entry {
	int64_t rowid, key;
};

struct listing {
	struct listing_entry *e;
	size_t n, cap;
};

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

/* Vault id, kind, chunk number and format. */
static size_t
listing_ad(const struct vault *v, const char *kind, int64_t chunk,
           unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-listing");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_cstr(ad, &n, kind);
	ad_u64(ad, &n, (uint64_t)chunk);
	ad_u64(ad, &n, (uint64_t)v->format);
	return n;
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

static int
listing_push(struct listing *l, int64_t rowid, int64_t key)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct listing_entry *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -1;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n++] = (struct listing_entry){rowid, key};
	return 0;
}

/* Open one sealed chunk and append its entries to l; -1 when it does not
 * authenticate, is malformed, or memory runs out. */
static int
listing_open_chunk(struct vault *v, const char *kind, int64_t chunk,
                   const unsigned char *data, size_t len, struct listing *l)
{
	unsigned char ad[LISTING_AD_MAX];
	if (!data || len <= CRYPTO_OVERHEAD ||
	    (len - CRYPTO_OVERHEAD) % LISTING_ENTRY)
		return -1;
	size_t plen = len - CRYPTO_OVERHEAD;
	unsigned char *p = malloc(plen);
	if (!p)
		return -1;
	int rc = crypto_open(p, data, len, ad, listing_ad(v, kind, chunk, ad),
	                     v->reckey);
	for (size_t i = 0; !rc && i < plen; i += LISTING_ENTRY) {
		int64_t rowid = (int64_t)get_u64(p + i);
		if (rowid >> LISTING_SHIFT != chunk ||
		    listing_push(l, rowid, (int64_t)get_u64(p + i + 8)))
			rc = -1;
	}
	sodium_memzero(p, plen);
	free(p);
	return rc;
}

/* Store chunk `chunk` of `kind` holding entries e[0..n) (none: remove
 * it). */
static int
listing_store_chunk(struct vault *v, const char *kind, int64_t chunk,
                    const struct listing_entry *e, size_t n)
{
	unsigned char ad[LISTING_AD_MAX];
	sqlite3_stmt *st = NULL;
	unsigned char *p = NULL, *out = NULL;
	size_t plen = n * LISTING_ENTRY;
	int rc = VAULT_OK;
	if (n) {
		p = malloc(plen);
		out = malloc(plen + CRYPTO_OVERHEAD);
		if (!p || !out) {
			rc = set_error(v, VAULT_ERROR, "Out of memory.");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			put_u64(p + i * LISTING_ENTRY, (uint64_t)e[i].rowid);
			put_u64(p + i * LISTING_ENTRY + 8, (uint64_t)e[i].key);
		}
		crypto_seal(out, p, plen, ad, listing_ad(v, kind, chunk, ad),
		            v->reckey);
	}
	if (sqlite3_prepare_v2(v->db,
	                       n ? "INSERT OR REPLACE INTO listing(kind, "
	                           "chunk, data) VALUES (?1, ?2, ?3)"
	                         : "DELETE FROM listing WHERE kind = ?1 AND "
	                           "chunk = ?2",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(v, "save the record");
		goto out;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, chunk);
	if (n)
		sqlite3_bind_blob(st, 3, out, (int)(plen + CRYPTO_OVERHEAD),
		                  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "save the record");
out:
	sqlite3_finalize(st);
	if (p)
		sodium_memzero(p, plen);
	free(p);
	free(out);
	return rc;
}

/* Forget the index of `kind`; it is rebuilt when next needed. */
static int
listing_drop(struct vault *v, const char *kind)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "DELETE FROM listing WHERE kind = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return db_error(v, "save the record");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "save the record");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Record `rowid` of `kind` was stored with `head` (NULL: deleted): bring
 * its chunk up to date, inside the caller's transaction.
 */
static int
listing_touch(struct vault *v, const char *kind, int64_t rowid,
              const void *head, size_t headlen)
{
	sqlite3_stmt *st = NULL;
	struct listing l = {0};
	int64_t key = 0, chunk = rowid >> LISTING_SHIFT;
	int rc = VAULT_OK, s;
	if (v->schema < 3)
		return VAULT_OK;
	if (head) {
		if (!v->sort_key)
			return listing_drop(v, kind);
		int r = v->sort_key(kind, head, headlen, &key);
		if (r > 0)
			return VAULT_OK; /* a kind without an index */
		if (r < 0)
			key = INT64_MAX; /* shown first, as damaged */
	}
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT data FROM listing WHERE kind = ? AND "
	                       "chunk = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "save the record");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, chunk);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW &&
	    listing_open_chunk(v, kind, chunk, sqlite3_column_blob(st, 0),
	                       (size_t)sqlite3_column_bytes(st, 0), &l) != 0) {
		sqlite3_finalize(st);
		free(l.e);
		return listing_drop(v, kind);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_error(v, "save the record");
	size_t m = 0;
	for (size_t i = 0; i < l.n; i++)
		if (l.e[i].rowid != rowid)
			l.e[m++] = l.e[i];
	l.n = m;
	if (head && listing_push(&l, rowid, key))
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
	else if (head || s == SQLITE_ROW)
		rc = listing_store_chunk(v, kind, chunk, l.e, l.n);
	free(l.e);
	return rc;
}

/*
 * Read the whole index of `kind` into l: 0 when it is there and complete,
 * 1 when it has to be rebuilt, or an error.
 */
static int
listing_load(struct vault *v, const char *kind, struct listing *l)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, s;
	int64_t count = -1;
	if (v->schema < 3)
		return 1;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT chunk, data FROM listing WHERE kind = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		if (listing_open_chunk(v, kind, sqlite3_column_int64(st, 0),
		                       sqlite3_column_blob(st, 1),
		                       (size_t)sqlite3_column_bytes(st, 1), l))
			rc = 1;
	if (!rc && s != SQLITE_DONE)
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT count(*) FROM record WHERE kind = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		count = sqlite3_column_int64(st, 0);
	else
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	if (!rc && (count < 0 || (uint64_t)count != l->n))
		rc = 1;
	return rc;
}

/* Build the index of `kind` from the heads, in rowid order. */
static int
listing_scan(struct vault *v, const char *kind, struct listing *l)
{
	sqlite3_stmt *st = NULL;
	unsigned char ad[RECORD_AD_MAX];
	int rc = VAULT_OK, s;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT rowid, id, revision, head FROM record "
	                       "WHERE kind = ? ORDER BY rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 1);
		size_t len = 0;
		int64_t key = INT64_MAX;
		if (id && strlen(id) == VAULT_ID_HEX &&
		    open_part(v, &v->head, sqlite3_column_blob(st, 3),
		              (size_t)sqlite3_column_bytes(st, 3), ad,
		              record_ad(v, id, kind,
		                        sqlite3_column_int64(st, 2), 'h', ad),
		              &len) == 0) {
			if (v->sort_key(kind, v->head.p, len, &key) != 0)
				key = INT64_MAX;
			sodium_memzero(v->head.p, len);
		}
		if (listing_push(l, sqlite3_column_int64(st, 0), key))
			rc = set_error(v, VAULT_ERROR, "Out of memory.");
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Best effort, in a transaction of its own: store a rebuilt index (l in
 * rowid order), or with l == NULL drop it. Skipped on a read-only vault
 * or while another selfhelp writes; the vault's last message is kept.
 */
static void
listing_save(struct vault *v, const char *kind, const struct listing *l)
{
	char keep[sizeof(v->errmsg)];
	int ok;
	if (v->schema < 3 || v->in_tx || v->in_read ||
	    sqlite3_db_readonly(v->db, "main"))
		return;
	memcpy(keep, v->errmsg, sizeof(keep));
	sqlite3_busy_timeout(v->db, 0);
	ok = sqlite3_exec(v->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) ==
	     SQLITE_OK;
	if (ok) {
		ok = listing_drop(v, kind) == VAULT_OK;
		for (size_t i = 0; ok && l && i < l->n;) {
			int64_t chunk = l->e[i].rowid >> LISTING_SHIFT;
			size_t j = i;
			while (j < l->n &&
			       l->e[j].rowid >> LISTING_SHIFT == chunk)
				j++;
			ok = listing_store_chunk(v, kind, chunk, l->e + i,
			                         j - i) == VAULT_OK;
			i = j;
		}
		if (!ok || sqlite3_exec(v->db, "COMMIT;", NULL, NULL, NULL) !=
		                   SQLITE_OK)
			sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
	}
	sqlite3_busy_timeout(v->db, BUSY_TIMEOUT_MS);
	memcpy(v->errmsg, keep, sizeof(keep));
}

static int
by_rowid(const void *a, const void *b)
{
	const struct listing_entry *x = a, *y = b;
	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

/* Max-heap on (key, rowid): the newest first. */
static bool
listing_before(const struct listing_entry *a, const struct listing_entry *b)
{
	return a->key != b->key ? a->key > b->key : a->rowid > b->rowid;
}

static void
sift_down(struct listing_entry *e, size_t n, size_t i)
{
	for (;;) {
		size_t best = i, l = 2 * i + 1, r = l + 1;
		if (l < n && listing_before(&e[l], &e[best]))
			best = l;
		if (r < n && listing_before(&e[r], &e[best]))
			best = r;
		if (best == i)
			return;
		struct listing_entry t = e[i];
		e[i] = e[best];
		e[best] = t;
		i = best;
	}
}

struct key_check {
	struct vault *v;
	vault_each_fn fn;
	void *arg;
	int64_t key;
	bool stale;
};

/* Pass the record on, noting when its head no longer has the key the
 * index gave it. */
static int
key_check_cb(void *arg, const struct vault_item *it)
{
	struct key_check *kc = arg;
	int64_t key;
	if (!it->damaged &&
	    kc->v->sort_key(it->kind, it->head, it->headlen, &key) == 0 &&
	    key != kc->key)
		kc->stale = true;
	return kc->fn(kc->arg, it);
}

int
vault_listing_check(struct vault *v, const char *kind, bool *stale)
{
	struct listing l = {0}, scan = {0};
	int rc;
	*stale = false;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!v->sort_key || !kind_ok(kind))
		return set_error(v, VAULT_ERROR,
		                 "These records have no order.");
	rc = listing_load(v, kind, &l);
	if (rc > 0) {
		*stale = true;
		rc = 0;
	} else if (!rc && !(rc = listing_scan(v, kind, &scan))) {
		/* every entry as the heads say it (the scan is in rowid order)
		 */
		if (l.n)
			qsort(l.e, l.n, sizeof(*l.e), by_rowid);
		*stale = scan.n != l.n ||
		         (l.n && memcmp(scan.e, l.e, l.n * sizeof(*l.e)) != 0);
	}
	free(l.e);
	free(scan.e);
	return rc;
}

int
vault_each_by_key(struct vault *v, const char *kind, unsigned flags, int64_t lo,
                  int64_t hi, vault_each_fn fn, void *arg)
{
	struct listing l = {0};
	struct key_check kc = {.v = v, .fn = fn, .arg = arg};
	sqlite3_stmt *st = NULL;
	bool with_body = flags & VAULT_EACH_BODY;
	int rc, s;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!v->sort_key || !kind_ok(kind))
		return set_error(v, VAULT_ERROR,
		                 "These records have no order.");
	rc = listing_load(v, kind, &l);
	if (rc > 0) {
		l.n = 0;
		if (!(rc = listing_scan(v, kind, &l)))
			listing_save(v, kind, &l);
	}
	if (rc)
		goto out;
	/* the entries in range, and always those that could not be read */
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		if ((l.e[i].key >= lo && l.e[i].key <= hi) ||
		    l.e[i].key == INT64_MAX)
			l.e[n++] = l.e[i];
	for (size_t i = n / 2; i-- > 0;)
		sift_down(l.e, n, i);
	if (sqlite3_prepare_v2(v->db,
	                       with_body ? "SELECT id, kind, revision, head, "
	                                   "body FROM record WHERE rowid = ?"
	                                 : "SELECT id, kind, revision, head "
	                                   "FROM record WHERE rowid = ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(v, "read the vault");
		goto out;
	}
	while (n && !rc) {
		struct listing_entry top = l.e[0];
		l.e[0] = l.e[--n];
		sift_down(l.e, n, 0);
		sqlite3_bind_int64(st, 1, top.rowid);
		s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			kc.key = top.key;
			rc = visit_row(v, st, with_body, key_check_cb, &kc);
		} else if (s == SQLITE_DONE) {
			kc.stale = true;
		} else {
			rc = db_error(v, "read the vault");
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (kc.stale)
		listing_save(v, kind, NULL);
out:
	free(l.e);
	return rc;
}

/* --- searching walk --- */

/*
 * vault_search works in batches of rows, two at a time: while helper
 * threads decrypt and filter one batch (each taking the next row from a
 * shared counter, into its own part of one guarded buffer), the calling
 * thread reads the next batch from SQLite and then joins in. The kept
 * rows are handed to fn in storage order on the calling thread.
 */
enum { SEARCH_BATCH = 256, SEARCH_THREADS_MAX = 4 };

struct search_row {
	char id[VAULT_ID_HEX + 1];
	char kind[KIND_MAX];
	int64_t revision;
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
	pthread_t tids[SEARCH_THREADS_MAX]; /* decrypting this batch */
};

/* The query of a walk in storage order (a kind is parameter 1). */
static const char *
walk_sql(const char *kind, bool with_body)
{
	return kind ? (with_body ? "SELECT id, kind, revision, head, body "
	                           "FROM record WHERE kind = ? ORDER BY rowid"
	                         : "SELECT id, kind, revision, head "
	                           "FROM record WHERE kind = ? ORDER BY rowid")
	            : (with_body ? "SELECT id, kind, revision, head, body "
	                           "FROM record ORDER BY rowid"
	                         : "SELECT id, kind, revision, head "
	                           "FROM record ORDER BY rowid");
}

/* Open one sealed part of a row into out (room for the whole ciphertext);
 * thread-safe. 0 with *len set, or -1. */
static int
search_open(const struct vault *v, const struct search_row *r, char part,
            const unsigned char *sealed, size_t sealedlen, unsigned char *out,
            size_t *len)
{
	unsigned char ad[RECORD_AD_MAX];
	if (sealedlen <= CRYPTO_OVERHEAD)
		return -1;
	size_t plen = sealedlen - CRYPTO_OVERHEAD;
	if (crypto_open(out, sealed, sealedlen, ad,
	                record_ad(v, r->id, r->kind, r->revision, part, ad),
	                v->reckey) != 0 ||
	    unpad(len, out, plen) != 0)
		return -1;
	out[*len] = '\0';
	return 0;
}

/* Decrypt and filter rows of the batch until none is left. */
static void
search_run(struct search_batch *b)
{
	for (;;) {
		size_t i = atomic_fetch_add(&b->next, 1);
		if (i >= b->n)
			return;
		struct search_row *r = &b->rows[i];
		unsigned char *h = b->plain + r->poff;
		unsigned char *body = h + r->hlen + 1;
		r->it = (struct vault_item){
		        .id = r->id, .kind = r->kind, .revision = r->revision};
		if (search_open(b->v, r, 'h', b->cipher + r->hoff, r->hlen, h,
		                &r->it.headlen) != 0 ||
		    (b->body &&
		     search_open(b->v, r, 'b', b->cipher + r->boff, r->blen,
		                 body, &r->it.bodylen) != 0)) {
			r->it.damaged = true;
			r->it.headlen = r->it.bodylen = 0;
			r->keep = true; /* damage is always reported */
			continue;
		}
		r->it.head = h;
		r->it.body = b->body ? body : NULL;
		r->keep = !b->keep || b->keep(b->karg, &r->it);
	}
}

static void *
search_thread(void *arg)
{
	search_run(arg);
	return NULL;
}

/* Copy the current row's ciphertexts into the batch; -1 when out of
 * memory. A row without a usable id or kind opens as damaged. */
static int
search_take(struct search_batch *b, sqlite3_stmt *st)
{
	struct search_row *r = &b->rows[b->n];
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *kind = (const char *)sqlite3_column_text(st, 1);
	size_t hl = (size_t)sqlite3_column_bytes(st, 3);
	size_t bl = b->body ? (size_t)sqlite3_column_bytes(st, 4) : 0;
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id ? id : "(no id)");
	snprintf(r->kind, sizeof(r->kind), "%s", kind ? kind : "");
	r->revision = sqlite3_column_int64(st, 2);
	if (!id || strlen(id) != VAULT_ID_HEX || !kind || !kind_ok(kind))
		hl = bl = 0;
	if (b->cipherlen + hl + bl > b->ciphercap) {
		size_t cap = 2 * (b->cipherlen + hl + bl);
		unsigned char *p = realloc(b->cipher, cap);
		if (!p)
			return -1;
		b->cipher = p;
		b->ciphercap = cap;
	}
	r->hoff = b->cipherlen;
	r->hlen = hl;
	if (hl)
		memcpy(b->cipher + r->hoff, sqlite3_column_blob(st, 3), hl);
	r->boff = r->hoff + hl;
	r->blen = bl;
	if (bl)
		memcpy(b->cipher + r->boff, sqlite3_column_blob(st, 4), bl);
	b->cipherlen += hl + bl;
	b->n++;
	return 0;
}

/* Read up to a batch of rows; *done once SQLite has no more. */
static int
search_fill(struct search_batch *b, sqlite3_stmt *st, bool *done)
{
	int s = SQLITE_ROW;
	while (!*done && b->n < SEARCH_BATCH) {
		s = sqlite3_step(st);
		if (s != SQLITE_ROW) {
			*done = true;
			break;
		}
		if (search_take(b, st) != 0)
			return set_error(b->v, VAULT_ERROR, "Out of memory.");
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return db_error(b->v, "read the vault");
	return 0;
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
			return set_error(b->v, VAULT_ERROR, "Out of memory.");
		}
	}
	b->plainlen = need;
	atomic_store(&b->next, 0);
	return 0;
}

/* Start up to `helpers` threads on the batch; unless `leave`, also decrypt
 * on this thread and wait for them. Returns how many are left running. */
static unsigned
search_decrypt(struct search_batch *b, unsigned helpers, bool leave)
{
	unsigned started = 0;
	while (started < helpers &&
	       pthread_create(&b->tids[started], NULL, search_thread, b) == 0)
		started++;
	if (leave)
		return started;
	search_run(b);
	for (unsigned t = 0; t < started; t++)
		pthread_join(b->tids[t], NULL);
	return 0;
}

static void
search_join(struct search_batch *b, unsigned started)
{
	for (unsigned t = 0; t < started; t++)
		pthread_join(b->tids[t], NULL);
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
	sqlite3_stmt *st = NULL;
	struct search_batch *batch;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned helpers = cpus <= 1                   ? 0
	                   : cpus > SEARCH_THREADS_MAX ? SEARCH_THREADS_MAX - 1
	                                               : (unsigned)cpus - 1;
	bool done = false;
	int rc;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (sqlite3_prepare_v2(v->db, walk_sql(kind, flags & VAULT_EACH_BODY),
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	if (kind)
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	batch = calloc(2, sizeof(*batch));
	if (!batch) {
		sqlite3_finalize(st);
		return set_error(v, VAULT_ERROR, "Out of memory.");
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
	if (!(rc = search_fill(cur, st, &done)) && cur->n &&
	    !(rc = search_prepare(cur)))
		search_decrypt(cur, helpers, false);
	if (!rc && cur->n && !(frc = search_fill(nxt, st, &done)) && nxt->n)
		frc = search_prepare(nxt);
	while (!rc && cur->n) {
		bool more = !frc && nxt->n;
		unsigned started =
		        more ? search_decrypt(nxt, helpers, true) : 0;
		int after = 0;
		rc = search_finish(cur, fn, arg); /* cur is empty now */
		if (more && !rc && !(after = search_fill(cur, st, &done)) &&
		    cur->n)
			after = search_prepare(cur);
		if (more)
			search_run(nxt);
		search_join(nxt, started);
		if (!rc)
			rc = frc;
		frc = after;
		struct search_batch *t = cur;
		cur = nxt;
		nxt = t;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < 2; i++) {
		if (batch[i].plain)
			sodium_memzero(batch[i].plain, batch[i].plaincap);
		sodium_free(batch[i].plain);
		free(batch[i].cipher);
	}
	free(batch);
	return rc;
}

int
vault_each(struct vault *v, const char *kind, unsigned flags, vault_each_fn fn,
           void *arg)
{
	sqlite3_stmt *st = NULL;
	bool with_body = flags & VAULT_EACH_BODY;
	int rc = 0, s;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (sqlite3_prepare_v2(v->db, walk_sql(kind, with_body), -1, &st,
	                       NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	if (kind)
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		rc = visit_row(v, st, with_body, fn, arg);
		if (rc)
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	return rc;
}

int
vault_get(struct vault *v, const char *id, const char *kind, vault_each_fn fn,
          void *arg)
{
	static const char sql[] = "SELECT id, kind, revision, head, body "
	                          "FROM record WHERE id = ?1 "
	                          "AND (?2 IS NULL OR kind = ?2)";
	sqlite3_stmt *st = v->get_st;
	int rc, s;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	/* One statement serves every call (export reads each record this
	 * way); a call from inside fn gets one of its own. */
	if (!st || sqlite3_stmt_busy(st)) {
		st = NULL;
		if (sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) != SQLITE_OK)
			return db_error(v, "read the vault");
		if (!v->get_st)
			v->get_st = st;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (kind)
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = visit_row(v, st, true, fn, arg);
	else if (s == SQLITE_DONE)
		rc = set_error(v, VAULT_NOT_FOUND,
		               "There is no record with that id.");
	else
		rc = db_error(v, "read the vault");
	if (st == v->get_st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return rc;
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
vault_resolve(struct vault *v, const char *kind, const char *prefix,
              char *id_out, char (*cands)[VAULT_ID_HEX + 1], size_t max,
              size_t *ncands)
{
	char lo[VAULT_ID_HEX + 1], hi[VAULT_ID_HEX + 1];
	sqlite3_stmt *st = NULL;
	size_t n = 0, len;
	int s, rc = VAULT_OK;

	*ncands = 0;
	if (!vault_id_prefix_ok(prefix))
		return set_error(v, VAULT_NOT_FOUND,
		                 "An id is at least 4 of the letters and "
		                 "digits 'selfhelp list' shows.");
	len = strlen(prefix);
	for (size_t i = 0; i <= len; i++)
		lo[i] = (char)(prefix[i] >= 'A' && prefix[i] <= 'F'
		                       ? prefix[i] - 'A' + 'a'
		                       : prefix[i]);
	memcpy(hi, lo, len + 1);
	hi[len - 1]++; /* ids hold only [0-9a-f]: "ab3" <= id < "ab4" */
	if (sqlite3_prepare_v2(v->db,
	                       /* "+kind": use the id index, not the kind
	                        * index (which would scan every record) */
	                       "SELECT id FROM record WHERE +kind = ? AND id "
	                       ">= ? AND id < ? ORDER BY id LIMIT ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max + 1);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!id || strlen(id) != VAULT_ID_HEX)
			continue;
		if (n == 0)
			memcpy(id_out, id, VAULT_ID_HEX + 1);
		if (n < max)
			memcpy(cands[n], id, VAULT_ID_HEX + 1);
		n++;
	}
	if (s != SQLITE_DONE)
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (n == 0)
		return set_error(v, VAULT_NOT_FOUND,
		                 "There is no entry with the id '%s'.", prefix);
	*ncands = n < max ? n : max;
	if (n > 1)
		return set_error(v, VAULT_AMBIGUOUS,
		                 "More than one entry starts with '%s'.",
		                 prefix);
	return VAULT_OK;
}

/* --- key slots: passphrase change, recovery code, keyring unlock --- */

void
vault_id_hex(const struct vault *v, char *out)
{
	sodium_bin2hex(out, VAULT_ID_HEX + 1, v->vault_id, VAULT_ID_BYTES);
}

int
vault_copy_master(const struct vault *v, unsigned char *out)
{
	if (!v->master)
		return VAULT_LOCKED;
	if (out)
		memcpy(out, v->master, CRYPTO_KEY_BYTES);
	return VAULT_OK;
}

/* Unwrap the vault's X25519 secret key into sk (guarded memory). */
static int
open_secret_key(struct vault *v, const unsigned char *master, unsigned char *sk)
{
	unsigned char ad[HEADER_AD_MAX];
	unsigned char *sub = sodium_malloc(CRYPTO_KEY_BYTES);
	int rc;
	if (!sub)
		return -1;
	crypto_subkey(sub, CRYPTO_SUBKEY_SECRET_KEY, master);
	size_t adlen = header_ad(v, ad);
	rc = crypto_open(sk, v->sk_sealed, v->sk_sealedlen, ad, adlen, sub);
	sodium_free(sub);
	return rc;
}

/* WAL mode is set at creation; a vault restored from a backup (VACUUM
 * INTO writes a rollback-journal file) gets it back here. */
static void
ensure_wal(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	bool wal = false;
	if (sqlite3_prepare_v2(v->db, "PRAGMA journal_mode", -1, &st, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		wal = m && strcmp(m, "wal") == 0;
	}
	sqlite3_finalize(st);
	if (!wal)
		sqlite3_exec(v->db, "PRAGMA journal_mode=WAL;", NULL, NULL,
		             NULL);
}

/* Bring the schema up to date after an unlock (one transaction). */
static int
migrate_after_unlock(struct vault *v)
{
	int rc;
	ensure_wal(v);
	if (v->schema >= VAULT_SCHEMA)
		return VAULT_OK;
	if ((rc = exec(v, "BEGIN IMMEDIATE;", "update the vault")))
		return rc;
	if ((rc = migrate(v, v->schema)) ||
	    (rc = exec(v, "COMMIT;", "update the vault")))
		sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}

int
vault_unlock_master(struct vault *v, const unsigned char *master)
{
	unsigned char *sk;
	int rc = VAULT_OK;
	if (v->master)
		return VAULT_OK;
	crypto_protect_process();
	sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	if (!sk || alloc_keys(v) != 0) {
		sodium_free(sk);
		free_keys(v);
		return set_error(v, VAULT_ERROR, "Out of memory.");
	}
	/* The secret key authenticates only under the true master key. */
	if (open_secret_key(v, master, sk) != 0) {
		rc = set_error(v, VAULT_BAD_PASSPHRASE,
		               "The remembered key does not open this vault.");
		goto out;
	}
	memcpy(v->master, master, CRYPTO_KEY_BYTES);
	crypto_subkey(v->reckey, CRYPTO_SUBKEY_RECORDS, v->master);
	rc = migrate_after_unlock(v);
out:
	sodium_free(sk);
	if (rc)
		free_keys(v);
	return rc;
}

/* Read a key slot's parameters and wrapped key. */
static int
read_slot(struct vault *v, const char *slot, struct crypto_kdf_params *kdf,
          unsigned char *salt, unsigned char *wrapped)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK, s;
	if (sqlite3_prepare_v2(
	            v->db,
	            "SELECT kdf_alg, kdf_ops, kdf_mem, salt, wrapped "
	            "FROM keyslot WHERE name = ?",
	            -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	sqlite3_bind_text(st, 1, slot, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		sqlite3_finalize(st);
		return set_error(v, VAULT_NOT_FOUND,
		                 "This vault has no %s key.", slot);
	}
	if (s != SQLITE_ROW) {
		rc = db_error(v, "read the vault");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_int64 alg = sqlite3_column_int64(st, 0);
	sqlite3_int64 ops = sqlite3_column_int64(st, 1);
	sqlite3_int64 mem = sqlite3_column_int64(st, 2);
	kdf->alg = alg >= 0 && alg < 256 ? (int)alg : -1;
	kdf->ops = ops > 0 ? (uint64_t)ops : 0;
	kdf->mem = mem > 0 ? (uint64_t)mem : 0;
	if (!crypto_kdf_params_ok(kdf))
		rc = set_error(v, VAULT_HOSTILE,
		               "The vault's %s key asks for settings outside "
		               "what selfhelp allows; it was not used.",
		               slot);
	else if (sqlite3_column_bytes(st, 3) != CRYPTO_SALT_BYTES ||
	         sqlite3_column_bytes(st, 4) !=
	                 CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD)
		rc = set_error(v, VAULT_NOT_VAULT,
		               "The vault's %s key is damaged.", slot);
	else {
		memcpy(salt, sqlite3_column_blob(st, 3), CRYPTO_SALT_BYTES);
		memcpy(wrapped, sqlite3_column_blob(st, 4),
		       CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD);
	}
	sqlite3_finalize(st);
	return rc;
}

int
vault_unlock_recovery(struct vault *v, const char *code, size_t len)
{
	struct crypto_kdf_params kdf;
	unsigned char salt[CRYPTO_SALT_BYTES];
	unsigned char wrapped[CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD];
	unsigned char ad[HEADER_AD_MAX];
	unsigned char *kek, *master;
	int rc;
	if (v->master)
		return VAULT_OK;
	if ((rc = read_slot(v, SLOT_RECOVERY, &kdf, salt, wrapped)))
		return rc;
	crypto_protect_process();
	kek = sodium_malloc(CRYPTO_KEY_BYTES);
	master = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!kek || !master) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	if (crypto_derive_kek(kek, code, len, salt, &kdf) != 0) {
		rc = set_error(v, VAULT_ERROR,
		               "There was not enough memory to check the "
		               "recovery code.");
		goto out;
	}
	size_t adlen = slot_ad(v, SLOT_RECOVERY, &kdf, salt, ad);
	if (crypto_open(master, wrapped, sizeof(wrapped), ad, adlen, kek) !=
	    0) {
		rc = set_error(v, VAULT_BAD_PASSPHRASE,
		               "That recovery code doesn't open this vault.");
		goto out;
	}
	rc = vault_unlock_master(v, master);
out:
	sodium_free(kek);
	sodium_free(master);
	return rc;
}

/* Wrap the master key under `secret` into slot `slot` with a new salt. */
static int
write_slot(struct vault *v, const char *slot, const char *secret, size_t len,
           const struct crypto_kdf_params *kdf)
{
	unsigned char salt[CRYPTO_SALT_BYTES];
	unsigned char wrapped[CRYPTO_KEY_BYTES + CRYPTO_OVERHEAD];
	unsigned char ad[HEADER_AD_MAX];
	unsigned char *kek;
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;

	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!crypto_kdf_params_ok(kdf))
		return set_error(v, VAULT_HOSTILE,
		                 "Those key derivation settings are outside "
		                 "what selfhelp allows.");
	kek = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!kek)
		return set_error(v, VAULT_ERROR, "Out of memory.");
	randombytes_buf(salt, sizeof(salt));
	if (crypto_derive_kek(kek, secret, len, salt, kdf) != 0) {
		sodium_free(kek);
		return set_error(v, VAULT_ERROR,
		                 "There was not enough memory to protect the "
		                 "new key.");
	}
	size_t adlen = slot_ad(v, slot, kdf, salt, ad);
	crypto_seal(wrapped, v->master, CRYPTO_KEY_BYTES, ad, adlen, kek);
	sodium_free(kek);
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO keyslot(name, kdf_alg, "
	                       "kdf_ops, kdf_mem, salt, wrapped) "
	                       "VALUES (?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_error(v, "save the new key");
	sqlite3_bind_text(st, 1, slot, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, kdf->alg);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)kdf->ops);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)kdf->mem);
	sqlite3_bind_blob(st, 5, salt, sizeof(salt), SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, wrapped, sizeof(wrapped), SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "save the new key");
	sqlite3_finalize(st);
	if (rc == VAULT_OK && strcmp(slot, SLOT_PASSPHRASE) == 0) {
		v->kdf = *kdf;
		memcpy(v->salt, salt, sizeof(salt));
		memcpy(v->wrapped, wrapped, sizeof(wrapped));
	}
	return rc;
}

int
vault_set_passphrase(struct vault *v, const char *pass, size_t len,
                     const struct crypto_kdf_params *kdf)
{
	return write_slot(v, SLOT_PASSPHRASE, pass, len, kdf ? kdf : &v->kdf);
}

int
vault_set_recovery(struct vault *v, const char *code, size_t len)
{
	struct crypto_kdf_params kdf;
	/* the code is 128 random bits: a light KDF is plenty */
	crypto_kdf_preset("interactive", &kdf);
	return write_slot(v, SLOT_RECOVERY, code, len, &kdf);
}

int
vault_remove_recovery(struct vault *v)
{
	return exec(v, "DELETE FROM keyslot WHERE name = 'recovery';",
	            "remove the recovery code");
}

bool
vault_has_recovery(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	bool has = false;
	if (sqlite3_prepare_v2(v->db,
	                       "SELECT 1 FROM keyslot WHERE name = 'recovery'",
	                       -1, &st, NULL) == SQLITE_OK)
		has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

/* --- records written while locked --- */

enum { SEALED_AD_MAX = 128 };

static size_t
sealed_ad(const struct vault *v, const char *id, const char *kind,
          unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-sealed");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_cstr(ad, &n, id);
	ad_cstr(ad, &n, kind);
	ad_u64(ad, &n, (uint64_t)v->format);
	return n;
}

/* key = BLAKE2b-256(X25519(sk, pk_other) || ephemeral pk || vault pk) */
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
	crypto_generichash_update(&h, epk, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&h, v->public_key, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_final(&h, key, CRYPTO_KEY_BYTES);
	sodium_memzero(&h, sizeof(h));
	sodium_free(q);
	return 0;
}

int
vault_seal(struct vault *v, const char *kind, const void *head, size_t headlen,
           const void *body, size_t bodylen, char *id_out)
{
	unsigned char epk[crypto_box_PUBLICKEYBYTES];
	unsigned char *esk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	unsigned char *key = sodium_malloc(CRYPTO_KEY_BYTES);
	unsigned char *plain = NULL, *out = NULL;
	unsigned char ad[SEALED_AD_MAX];
	char id[VAULT_ID_HEX + 1];
	size_t len = 4 + headlen + bodylen, cap, plen;
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;

	if (!kind_ok(kind) || headlen > UINT32_MAX || len < headlen) {
		rc = set_error(v, VAULT_ERROR, "That record cannot be stored.");
		goto out;
	}
	cap = padded_size(len);
	plain = sodium_malloc(cap);
	out = malloc(cap + CRYPTO_OVERHEAD);
	if (!esk || !key || !plain || !out ||
	    cap + CRYPTO_OVERHEAD > INT32_MAX) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	for (int i = 0; i < 4; i++)
		plain[i] = (unsigned char)(headlen >> (8 * i));
	if (headlen)
		memcpy(plain + 4, head, headlen);
	if (bodylen)
		memcpy(plain + 4 + headlen, body, bodylen);
	if (sodium_pad(&plen, plain, len, pad_block(len), cap) != 0) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	crypto_box_keypair(epk, esk);
	if (sealed_key(v, esk, v->public_key, epk, key) != 0) {
		rc = set_error(v, VAULT_NOT_VAULT,
		               "The vault's public key is damaged.");
		goto out;
	}
	new_id(id);
	size_t adlen = sealed_ad(v, id, kind, ad);
	crypto_seal(out, plain, plen, ad, adlen, key);
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT INTO sealed(id, kind, ephemeral_key, "
	                       "data) VALUES (?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(v, "save the record");
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, epk, sizeof(epk), SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, out, (int)(plen + CRYPTO_OVERHEAD),
	                  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_error(v, "save the record");
	else if (id_out)
		memcpy(id_out, id, sizeof(id));
out:
	sqlite3_finalize(st);
	sodium_free(esk);
	sodium_free(key);
	if (plain)
		sodium_free(plain);
	free(out);
	return rc;
}

int
vault_sealed_count(struct vault *v, size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	*n = 0;
	if (v->schema < 2)
		return VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "SELECT count(*) FROM sealed", -1, &st,
	                       NULL) != SQLITE_OK)
		return db_error(v, "read the vault");
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	else
		rc = db_error(v, "read the vault");
	sqlite3_finalize(st);
	return rc;
}

/* Open one sealed row into head/body scratch and insert it as a record.
 * Returns 0, 1 when it does not authenticate (kept aside), or an error. */
static int
fold_one(struct vault *v, const unsigned char *sk, const char *id,
         const char *kind, const unsigned char *epk, size_t epklen,
         const unsigned char *data, size_t datalen)
{
	unsigned char *key = sodium_malloc(CRYPTO_KEY_BYTES);
	unsigned char ad[SEALED_AD_MAX];
	size_t len, headlen;
	int rc = 1;
	if (!key)
		return set_error(v, VAULT_ERROR, "Out of memory.");
	if (!vault_id_ok(id) || !kind_ok(kind) ||
	    epklen != crypto_box_PUBLICKEYBYTES || datalen <= CRYPTO_OVERHEAD ||
	    sealed_key(v, sk, epk, epk, key) != 0)
		goto out;
	size_t plen = datalen - CRYPTO_OVERHEAD;
	if (scratch_reserve(&v->body, plen + 1) != 0) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	size_t adlen = sealed_ad(v, id, kind, ad);
	if (crypto_open(v->body.p, data, datalen, ad, adlen, key) != 0 ||
	    unpad(&len, v->body.p, plen) != 0 || len < 4)
		goto out;
	headlen = (size_t)v->body.p[0] | (size_t)v->body.p[1] << 8 |
	          (size_t)v->body.p[2] << 16 | (size_t)v->body.p[3] << 24;
	if (headlen > len - 4)
		goto out;
	/* copy the head aside: put_record pads into the same scratch */
	unsigned char *head = sodium_malloc(headlen + 1);
	if (!head) {
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	memcpy(head, v->body.p + 4, headlen);
	size_t bodylen = len - 4 - headlen;
	unsigned char *body = sodium_malloc(bodylen + 1);
	if (!body) {
		sodium_free(head);
		rc = set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	memcpy(body, v->body.p + 4 + headlen, bodylen);
	sodium_memzero(v->body.p, plen);
	rc = vault_insert(v, id, kind, head, headlen, body, bodylen);
	if (rc == VAULT_EXISTS)
		rc = 1;
	sodium_free(head);
	sodium_free(body);
out:
	sodium_free(key);
	return rc;
}

int
vault_fold_sealed(struct vault *v, size_t *folded,
                  void (*damaged)(void *arg, const char *id), void *arg)
{
	sqlite3_stmt *st = NULL, *del = NULL;
	unsigned char *sk;
	int rc = VAULT_OK, s;
	size_t waiting;

	*folded = 0;
	if (!v->master)
		return set_error(v, VAULT_LOCKED, "The vault is locked.");
	if ((rc = vault_sealed_count(v, &waiting)) || waiting == 0)
		return rc;
	sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	if (!sk)
		return set_error(v, VAULT_ERROR, "Out of memory.");
	if (open_secret_key(v, v->master, sk) != 0) {
		sodium_free(sk);
		return set_error(
		        v, VAULT_NOT_VAULT,
		        "The vault's secret key is damaged, so records "
		        "written while locked cannot be read.");
	}
	/* One transaction; a racing unlock waits and then finds nothing. */
	if ((rc = vault_begin(v)))
		goto out;
	if (sqlite3_prepare_v2(
	            v->db,
	            "SELECT id, kind, ephemeral_key, data FROM sealed "
	            "ORDER BY rowid",
	            -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(v->db, "DELETE FROM sealed WHERE id = ?", -1,
	                       &del, NULL) != SQLITE_OK) {
		rc = db_error(v, "read the vault");
		goto fail;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		int r = fold_one(v, sk, id ? id : "", kind ? kind : "",
		                 sqlite3_column_blob(st, 2),
		                 (size_t)sqlite3_column_bytes(st, 2),
		                 sqlite3_column_blob(st, 3),
		                 (size_t)sqlite3_column_bytes(st, 3));
		if (r == 1) {
			if (damaged)
				damaged(arg, id ? id : "(no id)");
			continue;
		}
		if (r) {
			rc = r;
			goto fail;
		}
		sqlite3_reset(del);
		sqlite3_bind_text(del, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = db_error(v, "fold in the new records");
			goto fail;
		}
		(*folded)++;
	}
	if (s != SQLITE_DONE) {
		rc = db_error(v, "read the vault");
		goto fail;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	st = del = NULL;
	rc = vault_commit(v);
	if (rc)
		*folded = 0;
	goto out;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	vault_rollback(v);
	*folded = 0;
out:
	sodium_free(sk);
	return rc;
}

/* --- recovery codes --- */

void
vault_recovery_code_new(char *out)
{
	unsigned char raw[VAULT_RECOVERY_BYTES];
	char hex[2 * VAULT_RECOVERY_BYTES + 1];
	size_t n = 0;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	for (size_t i = 0; i < 2 * VAULT_RECOVERY_BYTES; i++) {
		if (i && i % 4 == 0)
			out[n++] = '-';
		out[n++] = hex[i];
	}
	out[n] = '\0';
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
}

int
vault_recovery_code_normalize(const char *in, char *out)
{
	size_t n = 0;
	for (; *in; in++) {
		char c = *in;
		if (c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ||
		    n == 2 * VAULT_RECOVERY_BYTES)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == 2 * VAULT_RECOVERY_BYTES ? 0 : -1;
}
