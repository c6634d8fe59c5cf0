/*
 * The vault file: creating and opening it, its header and key slots,
 * unlocking, transactions, backups and SQLite's own checks. Records, the
 * index, locked writes and migration live in the other vault-*.c files.
 */
#include "vault-internal.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char SLOT_PASSPHRASE[] = "passphrase";
static const char SLOT_RECOVERY[] = "recovery";

/* The layout of a format 2 vault (schema 4). Every statement may run
 * again on a file that has it already. */
static const char SCHEMA_V2[] = "CREATE TABLE IF NOT EXISTS meta("
                                " id INTEGER PRIMARY KEY CHECK (id = 1),"
                                " format INTEGER NOT NULL,"
                                " vault_id BLOB NOT NULL,"
                                " public_key BLOB NOT NULL,"
                                " secret_key BLOB NOT NULL);"
                                "CREATE TABLE IF NOT EXISTS keyslot("
                                " name TEXT PRIMARY KEY,"
                                " ad INTEGER NOT NULL,"
                                " kdf_alg INTEGER NOT NULL,"
                                " kdf_ops INTEGER NOT NULL,"
                                " kdf_mem INTEGER NOT NULL,"
                                " salt BLOB NOT NULL,"
                                " wrapped BLOB NOT NULL,"
                                " bound BLOB);"
                                "CREATE TABLE IF NOT EXISTS record("
                                " rowid INTEGER PRIMARY KEY AUTOINCREMENT,"
                                " head BLOB NOT NULL,"
                                " body BLOB NOT NULL);"
                                "CREATE TABLE IF NOT EXISTS bucket("
                                " id INTEGER PRIMARY KEY,"
                                " data BLOB NOT NULL);"
                                "CREATE TABLE IF NOT EXISTS filter("
                                " id INTEGER PRIMARY KEY,"
                                " data BLOB NOT NULL);"
                                "CREATE TABLE IF NOT EXISTS state("
                                " id INTEGER PRIMARY KEY CHECK (id = 1),"
                                " data BLOB NOT NULL);";

const char *
vault_schema_v2(void)
{
	return SCHEMA_V2;
}

int
vault_set_error(struct vault *v, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->errmsg, sizeof(v->errmsg), fmt, ap);
	va_end(ap);
	return status;
}

void
vault_emit(struct vault *v, const struct vault_event *ev)
{
	if (v->event)
		v->event(v->event_arg, ev);
}

void
vault_set_events(struct vault *v, vault_event_fn fn, void *arg)
{
	v->event = fn;
	v->event_arg = arg;
}

/* Does errno `e` mean there is no room left (full disk, quota, or the
 * file-size limit)? SQLite reports most of these as I/O errors. */
static bool
errno_is_full(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG;
}

int
vault_db_error(struct vault *v, const char *what)
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
		return vault_set_error(
		        v, VAULT_ERROR,
		        "The disk is full, so selfhelp could not "
		        "%s. Nothing was changed.",
		        what);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault is busy with another "
		                       "selfhelp; please try again in a "
		                       "moment.");
	if (code == SQLITE_READONLY)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault can only be read here (its "
		                       "file or folder is read-only), so "
		                       "selfhelp could not %s.",
		                       what);
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "The vault file looks damaged (%s).",
		                       sqlite3_errmsg(v->db));
	return vault_set_error(v, VAULT_ERROR, "Could not %s: %s.", what,
	                       sqlite3_errmsg(v->db));
}

int
vault_exec(struct vault *v, const char *sql, const char *what)
{
	if (sqlite3_exec(v->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return vault_db_error(v, what);
	return 0;
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

int
vault_format(const struct vault *v)
{
	return (int)v->format;
}

void
vault_public_key(const struct vault *v, unsigned char out[32])
{
	memcpy(out, v->public_key, PK_BYTES);
}

void
vault_id_hex(const struct vault *v, char *out)
{
	sodium_bin2hex(out, VAULT_ID_HEX + 1, v->vault_id, VAULT_ID_BYTES);
}

/* A kind name: a lower-case letter, then letters, digits and '-'. */
bool
vault_kind_ok(const char *kind)
{
	size_t n = strlen(kind);
	if (n == 0 || n >= VAULT_KIND_MAX || kind[0] < 'a' || kind[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((kind[i] >= 'a' && kind[i] <= 'z') ||
		      (kind[i] >= '0' && kind[i] <= '9') || kind[i] == '-'))
			return false;
	return true;
}

bool
vault_kind_lockable(const char *kind)
{
	/* The kinds the CLI writes while locked, for capture in distress.
	 * Never the safety plan: `crisis` shows its contacts. */
	static const char *const lockable[] = {"journal", "trigger", "rating",
	                                       "group"};
	for (size_t i = 0; i < sizeof(lockable) / sizeof(lockable[0]); i++)
		if (strcmp(kind, lockable[i]) == 0)
			return true;
	return false;
}

/* --- scratch memory --- */

int
vault_scratch_reserve(struct scratch *s, size_t n)
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

void
vault_scratch_release(struct scratch *s)
{
	sodium_free(s->p);
	s->p = NULL;
	s->cap = 0;
}

/* --- little-endian integers and additional data --- */

void
put_u64(unsigned char *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

uint64_t
get_u64(const unsigned char *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

void
put_u32(unsigned char *p, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void
ad_bytes(unsigned char *ad, size_t *n, const void *p, size_t len)
{
	memcpy(ad + *n, p, len);
	*n += len;
}

void
ad_cstr(unsigned char *ad, size_t *n, const char *s)
{
	ad_bytes(ad, n, s, strlen(s) + 1);
}

void
ad_u64(unsigned char *ad, size_t *n, uint64_t x)
{
	put_u64(ad + *n, x);
	*n += 8;
}

/* Format 1: the header fields every wrapped key was bound to. */
static size_t
header_ad_v1(const struct vault *v, const unsigned char *pk, unsigned char *ad)
{
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-vault");
	ad_u64(ad, &n, 1);
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_bytes(ad, &n, pk, PK_BYTES);
	return n;
}

/* The secret key is bound to the public key it belongs with. */
static size_t
secret_key_ad(const struct vault *v, unsigned char *ad)
{
	if (v->format == 1)
		return header_ad_v1(v, v->public_key, ad);
	size_t n = 0;
	ad_cstr(ad, &n, "selfhelp-secret-key");
	ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
	ad_u64(ad, &n, (uint64_t)v->format);
	ad_bytes(ad, &n, v->public_key, PK_BYTES);
	return n;
}

/*
 * A key slot's name, KDF parameters and salt, with the vault id and
 * format (format 2: adv 2) or the format 1 header with the public key it
 * was made with (adv 1: slots carried over from format 1 until they are
 * written again).
 */
size_t
vault_slot_ad(const struct vault *v, const char *name, const struct slot *sl,
              unsigned char *ad)
{
	size_t n;
	if (sl->adv == 1) {
		n = header_ad_v1(v, sl->bound, ad);
	} else {
		n = 0;
		ad_cstr(ad, &n, "selfhelp-slot");
		ad_bytes(ad, &n, v->vault_id, VAULT_ID_BYTES);
		ad_u64(ad, &n, 2);
	}
	ad_cstr(ad, &n, name);
	ad_u64(ad, &n, (uint64_t)sl->kdf.alg);
	ad_u64(ad, &n, sl->kdf.ops);
	ad_u64(ad, &n, sl->kdf.mem);
	ad_bytes(ad, &n, sl->salt, CRYPTO_SALT_BYTES);
	return n;
}

/* What the state remembers of a key slot: a hash of all of it. */
void
vault_slot_hash(const char *name, const struct slot *sl, unsigned char *out)
{
	crypto_generichash_state h;
	unsigned char buf[8];
	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)"selfhelp-slot",
	                          sizeof("selfhelp-slot"));
	crypto_generichash_update(&h, (const unsigned char *)name,
	                          strlen(name) + 1);
	put_u64(buf, (uint64_t)sl->adv);
	crypto_generichash_update(&h, buf, 8);
	put_u64(buf, (uint64_t)sl->kdf.alg);
	crypto_generichash_update(&h, buf, 8);
	put_u64(buf, sl->kdf.ops);
	crypto_generichash_update(&h, buf, 8);
	put_u64(buf, sl->kdf.mem);
	crypto_generichash_update(&h, buf, 8);
	crypto_generichash_update(&h, sl->salt, CRYPTO_SALT_BYTES);
	crypto_generichash_update(&h, sl->wrapped, WRAPPED_LEN);
	if (sl->adv == 1)
		crypto_generichash_update(&h, sl->bound, PK_BYTES);
	crypto_generichash_final(&h, out, HASH_BYTES);
}

/* --- keys --- */

int
vault_alloc_keys(struct vault *v)
{
	if (!v->master)
		v->master = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!v->reckey)
		v->reckey = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!v->idxkey)
		v->idxkey = sodium_malloc(CRYPTO_KEY_BYTES);
	return v->master && v->reckey && v->idxkey ? 0 : -1;
}

void
vault_free_keys(struct vault *v)
{
	sodium_free(v->master);
	sodium_free(v->reckey);
	sodium_free(v->idxkey);
	v->master = v->reckey = v->idxkey = NULL;
	v->unlocked_slot = NULL;
	index_release(v);
}

void
vault_derive_subkeys(struct vault *v)
{
	crypto_subkey(v->reckey, CRYPTO_SUBKEY_RECORDS, v->master);
	crypto_subkey(v->idxkey, CRYPTO_SUBKEY_INDEX, v->master);
}

int
vault_open_secret_key(struct vault *v, const unsigned char *master,
                      unsigned char *sk)
{
	unsigned char ad[AD_MAX];
	unsigned char *sub = sodium_malloc(CRYPTO_KEY_BYTES);
	int rc;
	if (!sub)
		return -1;
	crypto_subkey(sub, CRYPTO_SUBKEY_SECRET_KEY, master);
	rc = crypto_open(sk, v->sk_sealed, v->sk_sealedlen, ad,
	                 secret_key_ad(v, ad), sub);
	sodium_free(sub);
	return rc;
}

/* Seal sk under the master key into out (SK_SEALED_LEN bytes). */
void
vault_seal_secret_key(struct vault *v, const unsigned char *sk,
                      unsigned char *out)
{
	unsigned char ad[AD_MAX];
	unsigned char *sub = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!sub)
		abort(); /* a guarded page for a key: nothing sane is left */
	crypto_subkey(sub, CRYPTO_SUBKEY_SECRET_KEY, v->master);
	crypto_seal(out, sk, SK_BYTES, ad, secret_key_ad(v, ad), sub);
	sodium_free(sub);
}

/* --- open, create --- */

static int
configure(struct vault *v)
{
	sqlite3_busy_timeout(v->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(v->db, 0);
	/* The -wal and -shm are removed when the last connection closes
	 * (after vault_free's TRUNCATE checkpoint): a vault not in use is
	 * one self-contained file, for synced folders and USB sticks.
	 * SQLite's default; said here so nothing turns it on. */
	int off = 0;
	sqlite3_file_control(v->db, "main", SQLITE_FCNTL_PERSIST_WAL, &off);
	return vault_exec(v,
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
	rc = outfile_mkdirs(dir);
	free(dir);
	return rc;
}

static int
store_meta(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO meta(id, format, "
	                       "vault_id, public_key, secret_key) "
	                       "VALUES (1, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "save the vault's header");
	sqlite3_bind_int64(st, 1, v->format);
	sqlite3_bind_blob(st, 2, v->vault_id, VAULT_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, v->public_key, PK_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, v->sk_sealed, (int)v->sk_sealedlen,
	                  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the vault's header");
	sqlite3_finalize(st);
	return rc;
}

int
vault_store_meta(struct vault *v)
{
	return store_meta(v);
}

/*
 * A slot about to change (or go): its hash is kept in the state as
 * "NAME-was", so that a merge can tell which copy changed it last.
 */
static int
remember_replaced_slot(struct vault *v, const char *name,
                       const unsigned char *hash)
{
	const struct slot_hash *old = index_slot(v, name);
	unsigned char prev[HASH_BYTES];
	char was[SLOT_NAME_MAX];
	if (!old || (hash && sodium_memcmp(old->hash, hash, HASH_BYTES) == 0))
		return VAULT_OK;
	memcpy(prev, old->hash, HASH_BYTES);
	snprintf(was, sizeof(was), "%s-was", name);
	return index_set_slot(v, was, prev);
}

/* Store a slot row and remember its hash in the state. */
static int
store_slot(struct vault *v, const char *name, const struct slot *sl)
{
	sqlite3_stmt *st = NULL;
	unsigned char hash[HASH_BYTES];
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db,
	                       "INSERT OR REPLACE INTO keyslot(name, ad, "
	                       "kdf_alg, kdf_ops, kdf_mem, salt, wrapped, "
	                       "bound) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "save the new key");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sl->adv);
	sqlite3_bind_int64(st, 3, sl->kdf.alg);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)sl->kdf.ops);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)sl->kdf.mem);
	sqlite3_bind_blob(st, 6, sl->salt, CRYPTO_SALT_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, sl->wrapped, WRAPPED_LEN, SQLITE_STATIC);
	if (sl->adv == 1)
		sqlite3_bind_blob(st, 8, sl->bound, PK_BYTES, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "save the new key");
	sqlite3_finalize(st);
	if (rc)
		return rc;
	vault_slot_hash(name, sl, hash);
	if (v->st_loaded && ((rc = remember_replaced_slot(v, name, hash)) ||
	                     (rc = index_set_slot(v, name, hash))))
		return rc;
	if (strcmp(name, SLOT_PASSPHRASE) == 0)
		v->pass = *sl;
	return VAULT_OK;
}

int
vault_store_slot(struct vault *v, const char *name, const struct slot *sl)
{
	return store_slot(v, name, sl);
}

/* Wrap the master key under `secret` into slot `name` (format 2 binding)
 * with a new salt. */
int
vault_write_slot_key(struct vault *v, const char *name, const char *secret,
                     size_t len, const struct crypto_kdf_params *kdf)
{
	struct slot sl = {.adv = 2, .kdf = *kdf};
	unsigned char ad[AD_MAX];
	unsigned char *kek;

	if (!v->master)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	if (!crypto_kdf_params_ok(kdf))
		return vault_set_error(v, VAULT_HOSTILE,
		                       "Those key derivation settings are "
		                       "outside what selfhelp allows.");
	kek = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!kek)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	randombytes_buf(sl.salt, sizeof(sl.salt));
	if (crypto_derive_kek(kek, secret, len, sl.salt, kdf) != 0) {
		sodium_free(kek);
		return vault_set_error(v, VAULT_ERROR,
		                       "There was not enough memory to protect "
		                       "the new key.");
	}
	crypto_seal(sl.wrapped, v->master, CRYPTO_KEY_BYTES, ad,
	            vault_slot_ad(v, name, &sl, ad), kek);
	sodium_free(kek);
	return store_slot(v, name, &sl);
}

int
vault_create(const char *path, const char *pass, size_t passlen,
             const struct crypto_kdf_params *kdf, struct vault **out,
             char **err)
{
	struct vault *v = vault_alloc(path);
	unsigned char *sk = NULL;
	int rc = VAULT_OK, fd;
	bool made_file = false;

	*out = NULL;
	if (err)
		*err = NULL;
	if (!v)
		return VAULT_ERROR;
	crypto_protect_process();
	if (!crypto_kdf_params_ok(kdf)) {
		rc = vault_set_error(
		        v, VAULT_HOSTILE,
		        "Those key derivation settings are outside "
		        "what selfhelp allows.");
		goto out;
	}
	if (make_parent_dirs(path) != 0) {
		rc = vault_set_error(v, VAULT_ERROR,
		                     "Could not make the folder for the vault "
		                     "(%s).",
		                     strerror(errno));
		goto out;
	}
	fd = outfile_create(path);
	if (fd < 0) {
		if (errno == EEXIST)
			rc = vault_set_error(v, VAULT_EXISTS,
			                     "There is already a vault at %s; "
			                     "selfhelp leaves it as it is.",
			                     path);
		else
			rc = vault_set_error(v, VAULT_ERROR,
			                     "Could not create %s (%s).", path,
			                     strerror(errno));
		goto out;
	}
	close(fd);
	made_file = true;
	if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = vault_db_error(v, "create the vault");
		goto out;
	}
	vault_note_file(v);
	if ((rc = vault_exec(v, "PRAGMA journal_mode=WAL;",
	                     "create the vault")) ||
	    (rc = configure(v)))
		goto out;

	sk = sodium_malloc(SK_BYTES);
	v->sk_sealed = malloc(SK_SEALED_LEN);
	if (!sk || !v->sk_sealed || vault_alloc_keys(v) != 0) {
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		goto out;
	}
	v->format = VAULT_FORMAT;
	v->schema = VAULT_SCHEMA;
	randombytes_buf(v->vault_id, VAULT_ID_BYTES);
	crypto_kdf_keygen(v->master);
	crypto_box_keypair(v->public_key, sk);
	vault_derive_subkeys(v);
	v->sk_sealedlen = SK_SEALED_LEN;
	vault_seal_secret_key(v, sk, v->sk_sealed);

	if ((rc = vault_exec(v, "BEGIN IMMEDIATE;", "create the vault")))
		goto out;
	v->in_tx = true;
	if ((rc = vault_exec(v, SCHEMA_V2, "create the vault")) ||
	    (rc = vault_exec(v, "PRAGMA user_version=4;",
	                     "create the vault")) ||
	    (rc = store_meta(v)) || (rc = index_create(v)) ||
	    (rc = vault_write_slot_key(v, SLOT_PASSPHRASE, pass, passlen,
	                               kdf)) ||
	    (rc = vault_commit(v)))
		goto out;
	v->unlocked_slot = SLOT_PASSPHRASE;
out:
	sodium_free(sk);
	if (rc) {
		if (v->in_tx)
			vault_rollback(v);
		if (err)
			*err = take_error(v);
		if (made_file) {
			index_release(v);
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

/* An INTEGER column, never a REAL or TEXT that SQLite would convert. */
static bool
int_column(sqlite3_stmt *st, int col, sqlite3_int64 *out)
{
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return false;
	*out = sqlite3_column_int64(st, col);
	return true;
}

/* Read a key slot; the KDF limits are checked before anything is
 * derived. */
int
vault_read_slot(struct vault *v, const char *name, struct slot *out)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK, s;
	sqlite3_int64 a = 1, alg = -1, ops = 0, mem = 0;
	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(
	            v->db,
	            v->format == 1
	                    ? "SELECT 1, kdf_alg, kdf_ops, kdf_mem, salt, "
	                      "wrapped, NULL FROM keyslot WHERE name = ?"
	                    : "SELECT ad, kdf_alg, kdf_ops, kdf_mem, salt, "
	                      "wrapped, bound FROM keyslot WHERE name = ?",
	            -1, &st, NULL) != SQLITE_OK)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "The vault's header is damaged.");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		sqlite3_finalize(st);
		return vault_set_error(v, VAULT_NOT_FOUND,
		                       "This vault has no %s key.", name);
	}
	if (s != SQLITE_ROW) {
		rc = vault_db_error(v, "read the vault");
		sqlite3_finalize(st);
		return rc;
	}
	bool typed = int_column(st, 0, &a) && int_column(st, 1, &alg) &&
	             int_column(st, 2, &ops) && int_column(st, 3, &mem);
	out->kdf.alg = typed && alg >= 0 && alg < 256 ? (int)alg : -1;
	out->kdf.ops = ops > 0 ? (uint64_t)ops : 0;
	out->kdf.mem = mem > 0 ? (uint64_t)mem : 0;
	out->adv = (int)a;
	bool bound_ok = v->format == 1 ||
	                (a == 1 ? sqlite3_column_bytes(st, 6) == PK_BYTES
	                        : sqlite3_column_type(st, 6) == SQLITE_NULL);
	if (!crypto_kdf_params_ok(&out->kdf))
		rc = vault_set_error(
		        v, VAULT_HOSTILE,
		        "The vault's %s key asks for key "
		        "derivation settings outside what selfhelp "
		        "allows (at most %llu passes and 1 GiB); it "
		        "may have been tampered with, so it was not "
		        "used.",
		        name, (unsigned long long)CRYPTO_KDF_MAX_OPS);
	else if ((a != 1 && a != 2) || (v->format == 1 && a != 1) ||
	         !bound_ok ||
	         sqlite3_column_bytes(st, 4) != CRYPTO_SALT_BYTES ||
	         sqlite3_column_bytes(st, 5) != WRAPPED_LEN)
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "The vault's %s key is damaged.", name);
	else {
		memcpy(out->salt, sqlite3_column_blob(st, 4),
		       CRYPTO_SALT_BYTES);
		memcpy(out->wrapped, sqlite3_column_blob(st, 5), WRAPPED_LEN);
		if (a == 1)
			memcpy(out->bound,
			       v->format == 1 ? v->public_key
			                      : sqlite3_column_blob(st, 6),
			       PK_BYTES);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
read_header(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 format = 0;
	int rc;

	if (sqlite3_prepare_v2(v->db, "PRAGMA user_version", -1, &st, NULL) !=
	            SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = vault_db_error(v, "read the vault");
		sqlite3_finalize(st);
		if (rc == VAULT_NOT_VAULT)
			return vault_set_error(v, VAULT_NOT_VAULT,
			                       "%s is not a selfhelp vault.",
			                       v->path);
		return rc;
	}
	v->schema = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v->schema > VAULT_SCHEMA)
		return vault_set_error(v, VAULT_NEWER,
		                       "This vault was made by a newer "
		                       "selfhelp; please update selfhelp to "
		                       "open it.");
	if (v->schema < 1)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "%s is not a selfhelp vault.", v->path);

	rc = sqlite3_prepare_v2(v->db,
	                        "SELECT format, vault_id, public_key, "
	                        "secret_key FROM meta WHERE id = 1",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "%s is not a selfhelp vault.", v->path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return vault_set_error(
		        v, VAULT_NOT_VAULT,
		        "The vault's header is missing; the file "
		        "may be damaged.");
	}
	bool typed = int_column(st, 0, &format);
	int idlen = sqlite3_column_bytes(st, 1);
	int pklen = sqlite3_column_bytes(st, 2);
	int sklen = sqlite3_column_bytes(st, 3);
	rc = VAULT_OK;
	if (typed && format > VAULT_FORMAT)
		rc = vault_set_error(v, VAULT_NEWER,
		                     "This vault was made by a newer selfhelp; "
		                     "please update selfhelp to open it.");
	else if (!typed || format < 1 || idlen != VAULT_ID_BYTES ||
	         pklen != PK_BYTES || sklen != SK_SEALED_LEN ||
	         (format == 1 && v->schema > 3))
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "The vault's header is damaged.");
	else if (!(v->sk_sealed = malloc(SK_SEALED_LEN)))
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
	else {
		v->format = format;
		memcpy(v->vault_id, sqlite3_column_blob(st, 1), VAULT_ID_BYTES);
		memcpy(v->public_key, sqlite3_column_blob(st, 2), PK_BYTES);
		memcpy(v->sk_sealed, sqlite3_column_blob(st, 3), SK_SEALED_LEN);
		v->sk_sealedlen = SK_SEALED_LEN;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	rc = vault_read_slot(v, SLOT_PASSPHRASE, &v->pass);
	if (rc == VAULT_NOT_FOUND)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "The vault has no passphrase key; the "
		                       "file may be damaged.");
	if (rc == VAULT_NOT_VAULT)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "The vault's header is damaged.");
	if (rc == VAULT_HOSTILE)
		return vault_set_error(
		        v, VAULT_HOSTILE,
		        "The vault asks for key derivation "
		        "settings outside what selfhelp allows "
		        "(at most %llu passes and 1 GiB); it may "
		        "have been tampered with, so it was not "
		        "opened.",
		        (unsigned long long)CRYPTO_KDF_MAX_OPS);
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

/* PATH followed by suffix, malloc'd; NULL when out of memory. */
static char *
companion(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s", path, suffix);
	return p;
}

static bool
read_bulk_note(const char *note, dev_t *dev, ino_t *ino)
{
	FILE *f = fopen(note, "re");
	uintmax_t d, i;
	bool ok = f && fscanf(f, "%ju %ju", &d, &i) == 2;
	if (f)
		fclose(f);
	if (ok) {
		*dev = (dev_t)d;
		*ino = (ino_t)i;
	}
	return ok;
}

/*
 * A vault_begin_bulk() transaction keeps a rollback journal at
 * PATH-journal: a name that goes with the path, not with the file.
 * Should the file be replaced meanwhile (Syncthing renames the newer
 * version into place) or after a crash, SQLite would take that journal
 * for the new file's and roll it back into it, mixing the old file's
 * pages into the new one. So the transaction notes first which file its
 * journal is for (PATH-bulk: "DEV INO"), and before SQLite opens the
 * path, a journal noted for another file is removed: the file it could
 * put back is no longer there.
 */
static void
drop_foreign_journal(const char *path)
{
	char *note = companion(path, "-bulk");
	char *journal = companion(path, "-journal");
	struct stat st;
	dev_t dev;
	ino_t ino;
	if (note && journal && read_bulk_note(note, &dev, &ino) &&
	    stat(path, &st) == 0 && (st.st_dev != dev || st.st_ino != ino)) {
		unlink(journal);
		unlink(note);
	}
	free(note);
	free(journal);
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
			rc = vault_set_error(v, VAULT_NOT_FOUND,
			                     "There is no vault at %s yet. "
			                     "'selfhelp init' creates one.",
			                     path);
		else
			rc = vault_set_error(
			        v, VAULT_ERROR,
			        "Could not open the vault at %s (%s).", path,
			        strerror(errno));
		goto fail;
	}
	if (!S_ISREG(stbuf.st_mode)) {
		rc = vault_set_error(v, VAULT_NOT_VAULT,
		                     "%s is not a selfhelp vault.", path);
		goto fail;
	}
	/* SQLite would take an empty file for a new, empty database. */
	if (stbuf.st_size == 0) {
		rc = vault_set_error(
		        v, VAULT_NOT_VAULT,
		        "The vault file %s is empty (0 bytes), so "
		        "there is nothing in it to open. If it was "
		        "cut short, a backup made earlier "
		        "('selfhelp backup') can take its place.",
		        path);
		goto fail;
	}
	drop_foreign_journal(path);
	if (sqlite3_open_v2(path, &v->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = vault_db_error(v, "open the vault");
		goto fail;
	}
	vault_note_file(v);
	if ((rc = configure(v)) || (rc = read_header(v))) {
		if (rc != VAULT_ERROR || open_read_only(v) != VAULT_OK)
			goto fail;
		free(v->sk_sealed);
		v->sk_sealed = NULL;
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

/* The journal mode SQLite has the file in ("wal", "delete"), as `pragma`
 * (a query or a change of it) returns it. */
static bool
journal_mode_is_wal(struct vault *v, const char *pragma)
{
	sqlite3_stmt *st = NULL;
	bool wal = false;
	if (sqlite3_prepare_v2(v->db, pragma, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		wal = m && strcmp(m, "wal") == 0;
	}
	sqlite3_finalize(st);
	return wal;
}

/*
 * WAL mode is set at creation; a vault restored from a backup (VACUUM
 * INTO writes a rollback-journal file) or an import or migration cut
 * short gets it back here. In WAL mode no one writes with a rollback
 * journal (leaving the WAL takes the file to oneself, and a hot journal
 * was rolled back before SQLite opened the WAL), so a -journal still
 * there is one that process was killed before it had written (SQLite
 * leaves such a one alone): it goes, with the -bulk note, so the vault
 * is one file again.
 */
static void
ensure_wal(struct vault *v)
{
	if (sqlite3_db_readonly(v->db, "main"))
		return;
	if (!journal_mode_is_wal(v, "PRAGMA journal_mode") &&
	    !journal_mode_is_wal(v, "PRAGMA journal_mode=WAL"))
		return;
	char *journal = companion(v->path, "-journal");
	char *note = companion(v->path, "-bulk");
	if (journal)
		unlink(journal);
	if (note)
		unlink(note);
	free(journal);
	free(note);
}

/*
 * After the master key is known: for format 2, open the state and check
 * that the slot used is the one the state names and that the header's
 * public key is the state's (repairing it when the file can be written);
 * for format 1, migrate. `name` is the slot that opened it (NULL: a
 * remembered key); `pass` the passphrase when known, so the passphrase
 * slot can be bound anew.
 */
static int
after_unlock(struct vault *v, const char *name, const struct slot *sl,
             const char *pass, size_t passlen)
{
	int rc;
	vault_derive_subkeys(v);
	v->unlocked_slot = name;
	ensure_wal(v);
	if (v->format == 1)
		return vault_migrate_v1(
		        v,
		        name && strcmp(name, SLOT_PASSPHRASE) == 0 ? pass
		                                                   : NULL,
		        passlen);
	if ((rc = index_fresh(v))) {
		if (rc == VAULT_DAMAGED && v->allow_repair) {
			v->state_damaged = true;
			return VAULT_OK;
		}
		return rc;
	}
	if (name) {
		unsigned char hash[HASH_BYTES];
		const struct slot_hash *want = index_slot(v, name);
		vault_slot_hash(name, sl, hash);
		if (!want || sodium_memcmp(want->hash, hash, HASH_BYTES) != 0)
			return vault_set_error(
			        v, VAULT_REPLACED,
			        "This vault's %s key is an old one that was "
			        "replaced (or it was put back from an older "
			        "copy), so selfhelp did not use it. If you "
			        "changed your %s, use the new one.",
			        name, name);
	}
	if (sodium_memcmp(v->st.public_key, v->public_key, PK_BYTES) != 0) {
		struct vault_event ev = {.type = VAULT_EV_KEY_REPAIRED};
		memcpy(v->public_key, v->st.public_key, PK_BYTES);
		if (!sqlite3_db_readonly(v->db, "main")) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(v->db,
			                       "UPDATE meta SET public_key = ? "
			                       "WHERE id = 1",
			                       -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_blob(st, 1, v->public_key,
				                  PK_BYTES, SQLITE_STATIC);
				sqlite3_step(st);
			}
			sqlite3_finalize(st);
		}
		vault_emit(v, &ev);
	}
	/* user_version is not authenticated; the state's copy is */
	if (v->schema != (int)v->st.schema &&
	    !sqlite3_db_readonly(v->db, "main")) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%u;",
		         v->st.schema);
		sqlite3_exec(v->db, sql, NULL, NULL, NULL);
		v->schema = (int)v->st.schema;
	}
	return VAULT_OK;
}

/* Unwrap the master key of slot `name` with `secret` into v->master. */
static int
unwrap_slot(struct vault *v, const char *name, const struct slot *sl,
            const char *secret, size_t len, const char *wrong)
{
	unsigned char ad[AD_MAX];
	unsigned char *kek = sodium_malloc(CRYPTO_KEY_BYTES);
	int rc = VAULT_OK;
	if (!kek || vault_alloc_keys(v) != 0) {
		sodium_free(kek);
		vault_free_keys(v);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	if (crypto_derive_kek(kek, secret, len, sl->salt, &sl->kdf) != 0)
		rc = vault_set_error(v, VAULT_ERROR,
		                     "There was not enough memory to check the "
		                     "%s.",
		                     name);
	else if (crypto_open(v->master, sl->wrapped, WRAPPED_LEN, ad,
	                     vault_slot_ad(v, name, sl, ad), kek) != 0)
		rc = vault_set_error(v, VAULT_BAD_PASSPHRASE, "%s", wrong);
	sodium_free(kek);
	return rc;
}

int
vault_unlock(struct vault *v, const char *pass, size_t passlen)
{
	int rc;
	if (v->master)
		return VAULT_OK;
	crypto_protect_process();
	struct slot sl = v->pass;
	rc = unwrap_slot(v, SLOT_PASSPHRASE, &sl, pass, passlen,
	                 "That passphrase doesn't open this vault.");
	if (!rc)
		rc = after_unlock(v, SLOT_PASSPHRASE, &sl, pass, passlen);
	if (rc)
		vault_free_keys(v);
	return rc;
}

int
vault_unlock_master(struct vault *v, const unsigned char *master)
{
	int rc = VAULT_OK;
	if (v->master)
		return VAULT_OK;
	crypto_protect_process();
	if (vault_alloc_keys(v) != 0) {
		vault_free_keys(v);
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	}
	memcpy(v->master, master, CRYPTO_KEY_BYTES);
	if (v->format == 1) {
		/* The secret key authenticates only under the true key. */
		unsigned char *sk = sodium_malloc(SK_BYTES);
		if (!sk || vault_open_secret_key(v, master, sk) != 0)
			rc = vault_set_error(v, VAULT_BAD_PASSPHRASE,
			                     "The remembered key does not open "
			                     "this vault.");
		sodium_free(sk);
	} else {
		/* the state opens only under the true key */
		struct vstate st = {0};
		unsigned char *k = sodium_malloc(CRYPTO_KEY_BYTES);
		if (!k)
			rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
		else {
			crypto_subkey(k, CRYPTO_SUBKEY_INDEX, master);
			rc = index_read_state(v, k, &st);
			if (rc == VAULT_DAMAGED)
				rc = vault_set_error(v, VAULT_BAD_PASSPHRASE,
				                     "The remembered key does "
				                     "not open this vault.");
		}
		sodium_free(k);
		vstate_release(&st);
	}
	if (!rc)
		rc = after_unlock(v, NULL, NULL, NULL, 0);
	if (rc)
		vault_free_keys(v);
	return rc;
}

int
vault_unlock_recovery(struct vault *v, const char *code, size_t len)
{
	struct slot sl;
	int rc;
	if (v->master)
		return VAULT_OK;
	if ((rc = vault_read_slot(v, SLOT_RECOVERY, &sl)))
		return rc;
	crypto_protect_process();
	rc = unwrap_slot(v, SLOT_RECOVERY, &sl, code, len,
	                 "That recovery code doesn't open this vault.");
	if (!rc)
		rc = after_unlock(v, SLOT_RECOVERY, &sl, NULL, 0);
	/* bind a format 1 recovery slot anew, now that the code is known */
	if (!rc && sl.adv == 1 && v->format == 2 && !v->mem_copy &&
	    !v->refuse && !sqlite3_db_readonly(v->db, "main") &&
	    !(rc = vault_begin(v))) {
		rc = vault_write_slot_key(v, SLOT_RECOVERY, code, len, &sl.kdf);
		rc = rc ? (vault_rollback(v), rc) : vault_commit(v);
	}
	if (rc)
		vault_free_keys(v);
	return rc;
}

/*
 * Test hooks, for tests/cli/t5110-sync.sh only: SELFHELP_TEST_REPLACE_AT_COMMIT
 * (or _AT_CLOSE) names a file that is renamed onto the vault's path just
 * before the first commit (or as the vault is closed), as a sync tool
 * renames a newer version into place while a command runs. Each fires
 * once per process; never set outside tests.
 */
static void
test_replace_hook(struct vault *v, const char *name)
{
	const char *from = getenv(name);
	if (!from || !*from || !v->path)
		return;
	if (rename(from, v->path) != 0)
		return;
	unsetenv(name);
}

static int save_copy(struct vault *v);

void
vault_free(struct vault *v)
{
	if (!v)
		return;
	vault_verify_cancel(v);
	if (v->db) {
		sqlite3_finalize(v->row_st);
		sqlite3_finalize(v->insert_st);
		sqlite3_finalize(v->dv_st);
		if (v->in_tx || v->in_read)
			sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
		v->in_tx = v->in_read = false;
		vault_bulk_leave(v);
		/* Replaced since a commit: what was committed is only in the
		 * old file (and its -wal), so it is kept as a copy beside the
		 * new one, for the next unlocked command to merge. */
		test_replace_hook(v, "SELFHELP_TEST_REPLACE_AT_CLOSE");
		if (v->committed && vault_replaced(v))
			(void)save_copy(v);
		/* Leave no old pages behind in the -wal file. */
		sqlite3_exec(v->db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL,
		             NULL, NULL);
		sqlite3_close(v->db);
	}
	vault_free_keys(v);
	vault_scratch_release(&v->head);
	vault_scratch_release(&v->body);
	free(v->sk_sealed);
	free(v->path);
	free(v->refuse);
	sodium_memzero(v, sizeof(*v));
	free(v);
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

/* --- transactions --- */

void
vault_refuse_writes(struct vault *v, const char *why)
{
	free(v->refuse);
	v->refuse = strdup(why);
}

/* May this handle write at all? */
int
vault_writable(struct vault *v)
{
	if (v->refuse)
		return vault_set_error(v, VAULT_REFUSED, "%s", v->refuse);
	if (v->mem_copy)
		return vault_set_error(v, VAULT_ERROR,
		                       "The vault can only be read here (its "
		                       "file or folder is read-only), so "
		                       "selfhelp could not save.");
	return VAULT_OK;
}

/* PATH-bulk: which file a rollback journal beside it is for. */
static bool
write_bulk_note(struct vault *v)
{
	char *note = companion(v->path, "-bulk");
	char line[64];
	int fd = -1, n;
	bool ok = false;
	if (!note || !v->file_known)
		goto out;
	n = snprintf(line, sizeof(line), "%ju %ju\n", (uintmax_t)v->file_dev,
	             (uintmax_t)v->file_ino);
	unlink(note);
	ok = (fd = outfile_create(note)) >= 0 &&
	     outfile_write(fd, line, (size_t)n) == 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok)
		unlink(note);
out:
	free(note);
	return ok;
}

void
vault_bulk_enter(struct vault *v)
{
	/* Leaving the WAL needs the file to ourselves (SQLite takes an
	 * exclusive lock, without waiting): with another connection at it,
	 * it stays in WAL mode, which is only slower. */
	if (v->bulk || v->in_tx || v->in_read || !write_bulk_note(v))
		return;
	v->bulk = true;
	sqlite3_exec(v->db, "PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
}

void
vault_bulk_leave(struct vault *v)
{
	char *note;
	if (!v->bulk || v->in_tx)
		return;
	v->bulk = false;
	sqlite3_exec(v->db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
	if ((note = companion(v->path, "-bulk"))) {
		dev_t dev;
		ino_t ino;
		if (read_bulk_note(note, &dev, &ino) && dev == v->file_dev &&
		    ino == v->file_ino)
			unlink(note);
		free(note);
	}
}

static int
begin(struct vault *v, bool bulk)
{
	int rc = vault_writable(v);
	if (rc)
		return rc;
	if (bulk)
		vault_bulk_enter(v);
	rc = vault_exec(v, "BEGIN IMMEDIATE;", "save");
	if (rc) {
		vault_bulk_leave(v);
		return rc;
	}
	v->in_tx = true;
	if (v->master && v->format == 2) {
		size_t folded;
		/* the state as it is now, and what arrived while locked */
		if ((rc = index_fresh(v)) ||
		    (rc = vault_fold_pending(v, &folded))) {
			vault_rollback(v);
			return rc;
		}
	}
	return VAULT_OK;
}

int
vault_begin(struct vault *v)
{
	return begin(v, false);
}

int
vault_begin_bulk(struct vault *v)
{
	return begin(v, true);
}

void
vault_note_file(struct vault *v)
{
	struct stat st;
	v->file_known = v->path && stat(v->path, &st) == 0;
	if (v->file_known) {
		v->file_dev = st.st_dev;
		v->file_ino = st.st_ino;
	}
}

bool
vault_replaced(const struct vault *v)
{
	struct stat st;
	if (!v->file_known || stat(v->path, &st) != 0)
		return false; /* gone: nothing to merge into */
	return st.st_dev != v->file_dev || st.st_ino != v->file_ino;
}

/*
 * The vault's path names a newer file now: the old file's WAL and -shm
 * share their names with the new one's, so nothing more is written here.
 * The database as this connection sees it (with an open transaction's
 * changes) is saved as a conflict copy beside the new file.
 */
static int
save_copy(struct vault *v)
{
	sqlite3_int64 size = 0;
	unsigned char *img = sqlite3_serialize(v->db, "main", &size, 0);
	char stamp[32], *dest = NULL;
	const char *dot = strrchr(v->path, '.'), *slash = strrchr(v->path, '/');
	time_t now = time(NULL);
	struct tm tm;
	int fd = -1, rc = VAULT_OK;
	if (!dot || (slash && dot < slash))
		dot = v->path + strlen(v->path);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime_r(&now, &tm));
	size_t n = (size_t)(dot - v->path) + strlen(dot) + 64;
	if (!img || !(dest = malloc(n)))
		rc = vault_set_error(v, VAULT_ERROR, "Out of memory.");
	for (int i = 0; !rc && i < 100; i++) {
		snprintf(dest, n, "%.*s.sync-conflict-%s-SELFHELP%d%s",
		         (int)(dot - v->path), v->path, stamp, i, dot);
		if ((fd = outfile_create(dest)) >= 0 || errno != EEXIST)
			break;
	}
	if (!rc && fd < 0)
		rc = vault_set_error(v, VAULT_ERROR,
		                     "Could not save what was written (%s).",
		                     strerror(errno));
	for (sqlite3_int64 off = 0; !rc && off < size;) {
		ssize_t w = write(fd, img + off, (size_t)(size - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = vault_set_error(v, VAULT_ERROR,
			                     "Could not save what was written "
			                     "(%s).",
			                     strerror(errno));
		else
			off += w;
	}
	if (!rc && fsync(fd) != 0)
		rc = vault_set_error(v, VAULT_ERROR,
		                     "Could not save what was written (%s).",
		                     strerror(errno));
	if (fd >= 0)
		close(fd);
	if (rc && fd >= 0)
		unlink(dest);
	if (img)
		sodium_memzero(img, (size_t)size);
	sqlite3_free(img);
	free(dest);
	if (!rc)
		v->committed = false; /* the copy holds it */
	return rc;
}

/* The same for the transaction under way, which is then rolled back. */
static int
keep_as_copy(struct vault *v)
{
	int rc = save_copy(v);
	vault_rollback(v);
	return rc;
}

int
vault_commit(struct vault *v)
{
	int rc = VAULT_OK;
	test_replace_hook(v, "SELFHELP_TEST_REPLACE_AT_COMMIT");
	if (v->master && v->st_loaded && v->st_dirty)
		rc = index_flush(v);
	if (!rc && vault_replaced(v))
		return keep_as_copy(v);
	if (!rc)
		rc = vault_exec(v, "COMMIT;", "save");
	if (rc) {
		vault_rollback(v);
		return rc;
	}
	v->in_tx = false;
	v->committed = true;
	vault_bulk_leave(v);
	sqlite3_finalize(v->insert_st);
	v->insert_st = NULL;
	sqlite3_finalize(v->dv_st);
	v->dv_st = NULL;
	if (v->st_loaded) {
		/* our own commit does not change data_version */
		v->st_dirty = false;
		if (v->after_commit)
			v->after_commit(v);
	}
	return rc;
}

void
vault_rollback(struct vault *v)
{
	if (v->in_tx)
		sqlite3_exec(v->db, "ROLLBACK;", NULL, NULL, NULL);
	v->in_tx = false;
	vault_bulk_leave(v);
	sqlite3_finalize(v->insert_st);
	v->insert_st = NULL;
	sqlite3_finalize(v->dv_st);
	v->dv_st = NULL;
	/* what was read or changed in the transaction is gone */
	if (v->st_loaded)
		index_release(v);
}

int
vault_read_begin(struct vault *v)
{
	if (v->in_tx || v->in_read)
		return VAULT_OK;
	/* Deferred: the snapshot starts with the first read and takes no
	 * write lock, so others can still save meanwhile (WAL). */
	int rc = vault_exec(v, "BEGIN DEFERRED;", "read the vault");
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

/* --- key slots --- */

int
vault_set_passphrase(struct vault *v, const char *pass, size_t len,
                     const struct crypto_kdf_params *kdf)
{
	struct crypto_kdf_params k = kdf ? *kdf : v->pass.kdf;
	if (v->format != 2 || !v->st_loaded)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	return vault_write_slot_key(v, SLOT_PASSPHRASE, pass, len, &k);
}

int
vault_set_recovery(struct vault *v, const char *code, size_t len)
{
	struct crypto_kdf_params kdf;
	if (v->format != 2 || !v->st_loaded)
		return vault_set_error(v, VAULT_LOCKED, "The vault is locked.");
	/* the code is 128 random bits: a light KDF is plenty */
	crypto_kdf_preset("interactive", &kdf);
	return vault_write_slot_key(v, SLOT_RECOVERY, code, len, &kdf);
}

int
vault_remove_recovery(struct vault *v)
{
	return vault_drop_slot(v, SLOT_RECOVERY);
}

int
vault_drop_slot(struct vault *v, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "DELETE FROM keyslot WHERE name = ?", -1,
	                       &st, NULL) != SQLITE_OK)
		return vault_db_error(v, "remove the key");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "remove the key");
	sqlite3_finalize(st);
	if (!rc && v->st_loaded &&
	    !(rc = remember_replaced_slot(v, name, NULL)))
		index_drop_slot(v, name);
	return rc;
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

/* --- whole-file checks and copies --- */

int
vault_integrity_check(struct vault *v)
{
	sqlite3_stmt *st = NULL;
	char first[256] = "";
	int s, problems = 0;
	if (sqlite3_prepare_v2(v->db, "PRAGMA integrity_check", -1, &st,
	                       NULL) != SQLITE_OK)
		return vault_db_error(v, "check the vault");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		if (line && strcmp(line, "ok") == 0)
			continue;
		if (!problems++)
			snprintf(first, sizeof(first), "%s", line ? line : "?");
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE)
		return vault_db_error(v, "check the vault");
	if (problems)
		return vault_set_error(v, VAULT_NOT_VAULT,
		                       "SQLite found %d problem%s in the vault "
		                       "file (first: %s).",
		                       problems, problems == 1 ? "" : "s",
		                       first);
	/* Unlocking never touches the header's sealed secret key; without
	 * it, records written while locked stay unreadable. */
	if (v->master) {
		unsigned char *sk = sodium_malloc(SK_BYTES);
		unsigned char pk[PK_BYTES];
		int bad = !sk || vault_open_secret_key(v, v->master, sk) != 0;
		if (!bad) {
			crypto_scalarmult_base(pk, sk);
			bad = sodium_memcmp(pk, v->public_key, PK_BYTES) != 0;
		}
		sodium_free(sk);
		if (bad)
			return vault_set_error(
			        v, VAULT_NOT_VAULT,
			        "The vault's header is damaged: "
			        "its secret key does not open, so "
			        "records written while it is "
			        "locked could not be read.");
	}
	return VAULT_OK;
}

/* VACUUM INTO `dest`, an empty file that exists already (SQLite accepts
 * one) or no file at all. */
static int
vacuum_into(struct vault *v, const char *dest)
{
	sqlite3_stmt *st = NULL;
	int rc = VAULT_OK;
	if (sqlite3_prepare_v2(v->db, "VACUUM INTO ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return vault_db_error(v, "make the backup");
	sqlite3_bind_text(st, 1, dest, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = vault_db_error(v, "make the backup");
	sqlite3_finalize(st);
	return rc;
}

int
vault_backup(struct vault *v, const char *dest)
{
	/* Made here first, so nobody else's file (or a link) is filled:
	 * VACUUM INTO accepts an existing empty file. */
	int fd = outfile_create(dest);
	if (fd < 0) {
		if (errno == EPERM)
			return vault_set_error(
			        v, VAULT_ERROR,
			        "Could not make a private file at "
			        "%s.",
			        dest);
		if (errno == EEXIST)
			return vault_set_error(v, VAULT_EXISTS,
			                       "There is already a file at %s; "
			                       "selfhelp leaves it as it is.",
			                       dest);
		return vault_set_error(v, VAULT_ERROR,
		                       "Could not create %s (%s); nothing was "
		                       "written.",
		                       dest, strerror(errno));
	}
	close(fd);
	int rc = vacuum_into(v, dest);
	if (rc)
		unlink(dest);
	return rc;
}

int
vault_backup_into(struct vault *v, const char *empty)
{
	struct stat st;
	if (lstat(empty, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != 0)
		return vault_set_error(v, VAULT_ERROR,
		                       "Could not make the backup: %s is not "
		                       "the empty file made for it.",
		                       empty);
	return vacuum_into(v, empty);
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

static bool
is_code_separator(char c)
{
	return c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_code_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

int
vault_recovery_code_check(const char *in, struct vault_code_check *out)
{
	enum { GROUPS = 8, GROUP_LEN = 4 };
	unsigned groups = 0, len = 0, total = 0, odd_group = 0, odd_len = 0;
	/* where the first wrong character is: in the groups as typed, and
	 * counting every four characters (for a code typed in one run) */
	unsigned bad_group = 0, bad_counted = 0;
	bool in_group = false, separated = false;
	*out = (struct vault_code_check){VAULT_CODE_OK, 0, 0};
	for (const char *p = in;; p++) {
		if (*p && !is_code_separator(*p)) {
			if (!in_group) {
				in_group = true;
				separated = separated || groups > 0;
				groups++;
				len = 0;
			}
			if (!is_code_digit(*p) && !bad_group) {
				bad_group = groups;
				bad_counted = len / GROUP_LEN + 1;
			}
			len++;
			total++;
			continue;
		}
		if (in_group && len != GROUP_LEN && !odd_group) {
			odd_group = groups;
			odd_len = len;
		}
		in_group = false;
		if (!*p)
			break;
	}
	if (groups == 0) {
		out->problem = VAULT_CODE_EMPTY;
	} else if (bad_group) {
		out->problem = VAULT_CODE_BAD_CHAR;
		/* separated: the group it is in; one run of characters:
		 * counted every four */
		out->group = separated ? bad_group : bad_counted;
	} else if (!separated) {
		if (total != GROUPS * GROUP_LEN) {
			out->problem = VAULT_CODE_LENGTH;
			out->count = total;
		}
	} else if (odd_group) {
		out->problem = VAULT_CODE_GROUP_LEN;
		out->group = odd_group;
		out->count = odd_len;
	} else if (groups != GROUPS) {
		out->problem = VAULT_CODE_GROUPS;
		out->count = groups;
	}
	return (int)out->problem;
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
