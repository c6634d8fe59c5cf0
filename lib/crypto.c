#include "crypto.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static const char KDF_CONTEXT[crypto_kdf_CONTEXTBYTES] = "selfhelp";

int
crypto_kdf_preset(const char *name, struct crypto_kdf_params *out)
{
	out->alg = CRYPTO_KDF_ARGON2ID13;
	if (strcmp(name, "interactive") == 0) {
		out->ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		out->mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	} else if (strcmp(name, "moderate") == 0) {
		out->ops = crypto_pwhash_OPSLIMIT_MODERATE;
		out->mem = crypto_pwhash_MEMLIMIT_MODERATE;
	} else if (strcmp(name, "sensitive") == 0) {
		out->ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		out->mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
	} else {
		return -1;
	}
	return 0;
}

bool
crypto_kdf_params_ok(const struct crypto_kdf_params *p)
{
	return p->alg == CRYPTO_KDF_ARGON2ID13 &&
	       p->ops >= crypto_pwhash_OPSLIMIT_MIN &&
	       p->ops <= CRYPTO_KDF_MAX_OPS &&
	       p->mem >= crypto_pwhash_MEMLIMIT_MIN &&
	       p->mem <= CRYPTO_KDF_MAX_MEM;
}

int
crypto_derive_kek(unsigned char *key, const char *pass, size_t passlen,
                  const unsigned char salt[CRYPTO_SALT_BYTES],
                  const struct crypto_kdf_params *p)
{
	if (!crypto_kdf_params_ok(p))
		return -1;
	return crypto_pwhash(key, CRYPTO_KEY_BYTES, pass, passlen, salt, p->ops,
	                     (size_t)p->mem, crypto_pwhash_ALG_ARGON2ID13) == 0
	               ? 0
	               : -1;
}

/*
 * Random bytes that become public (nonces, ids, head tags), drawn from
 * the kernel 4 KiB at a time (see below): a getrandom call for each
 * (four a record) was a twentieth of a large import. Each thread has its
 * own; each byte is used once and wiped. fork() gives the child a copy
 * of the caller's, so the child drops it (pthread_atfork) and draws its
 * own: two processes never use the same nonce. (posix_spawn and vfork
 * children only exec.)
 */
enum { POOL_BYTES = 4096 };

static _Thread_local struct {
	unsigned char b[POOL_BYTES];
	size_t left; /* the unused bytes are b[0 .. left) */
} pool;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void
pool_drop(void)
{
	sodium_memzero(&pool, sizeof(pool));
}

static void
pool_setup(void)
{
	pthread_atfork(NULL, NULL, pool_drop);
}

void
crypto_public_random(unsigned char *out, size_t n)
{
	if (n > POOL_BYTES / 8) {
		randombytes_buf(out, n);
		return;
	}
	pthread_once(&pool_once, pool_setup);
	if (pool.left < n) {
		/* libsodium asks the kernel 256 bytes at a time: sixteen
		 * getrandom calls a refill. One call for a fresh 32-byte key
		 * instead, and its ChaCha20 stream (libsodium's
		 * randombytes_buf_deterministic) as the 4 KiB. */
		unsigned char seed[randombytes_SEEDBYTES];
		randombytes_buf(seed, sizeof(seed));
		randombytes_buf_deterministic(pool.b, sizeof(pool.b), seed);
		sodium_memzero(seed, sizeof(seed));
		pool.left = sizeof(pool.b);
	}
	pool.left -= n;
	memcpy(out, pool.b + pool.left, n);
	sodium_memzero(pool.b + pool.left, n);
}

void
crypto_seal(unsigned char *out, const unsigned char *msg, size_t len,
            const unsigned char *ad, size_t adlen,
            const unsigned char key[CRYPTO_KEY_BYTES])
{
	crypto_public_random(out, CRYPTO_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + CRYPTO_NONCE_BYTES,
	                                           NULL, msg, len, ad, adlen,
	                                           NULL, out, key);
}

int
crypto_open(unsigned char *out, const unsigned char *sealed, size_t len,
            const unsigned char *ad, size_t adlen,
            const unsigned char key[CRYPTO_KEY_BYTES])
{
	if (len < CRYPTO_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
	               out, NULL, NULL, sealed + CRYPTO_NONCE_BYTES,
	               len - CRYPTO_NONCE_BYTES, ad, adlen, sealed, key) == 0
	               ? 0
	               : -1;
}

void
crypto_subkey(unsigned char *out, enum crypto_subkey id,
              const unsigned char master[CRYPTO_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, CRYPTO_KEY_BYTES, (uint64_t)id,
	                           KDF_CONTEXT, master);
}

void
crypto_protect_process(void)
{
	struct rlimit no_core = {0, 0};
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
