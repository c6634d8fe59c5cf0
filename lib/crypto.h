/*
 * Cryptography for the vault, all of it libsodium:
 *  - key-encryption keys from a passphrase: Argon2id (crypto_pwhash);
 *  - wrapping and record encryption: XChaCha20-Poly1305 (IETF AEAD) with a
 *    fresh random 192-bit nonce, output laid out as nonce || ciphertext;
 *  - subkeys from the master key: crypto_kdf;
 *  - padding before encryption: sodium_pad (ISO/IEC 7816-4).
 * Keys are always in sodium_malloc'd memory owned by the caller.
 */
#ifndef SELFHELP_CRYPTO_H
#define SELFHELP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	CRYPTO_KEY_BYTES = 32,
	CRYPTO_SALT_BYTES = 16,
	CRYPTO_NONCE_BYTES = 24,
	CRYPTO_TAG_BYTES = 16,
	/* bytes a sealed buffer has beyond its plaintext */
	CRYPTO_OVERHEAD = CRYPTO_NONCE_BYTES + CRYPTO_TAG_BYTES,
};

/* Key derivation function ids stored in the vault. */
enum crypto_kdf_alg {
	CRYPTO_KDF_ARGON2ID13 = 2, /* crypto_pwhash_ALG_ARGON2ID13 */
};

/* Limits a vault header may ask for; anything beyond is refused
 * before any derivation runs, so a hostile file cannot hang the machine. */
#define CRYPTO_KDF_MAX_OPS 10ULL
#define CRYPTO_KDF_MAX_MEM (1024ULL * 1024 * 1024)

struct crypto_kdf_params {
	int alg;      /* enum crypto_kdf_alg */
	uint64_t ops; /* passes */
	uint64_t mem; /* bytes */
};

/* libsodium's presets, by name: "interactive", "moderate", "sensitive".
 * Returns 0, or -1 for an unknown name. */
int crypto_kdf_preset(const char *name, struct crypto_kdf_params *out);

/* Are these parameters safe to run (known algorithm, within the limits
 * above, at least libsodium's minimum)? */
bool crypto_kdf_params_ok(const struct crypto_kdf_params *p);

/*
 * Derive a 32-byte key-encryption key into `key` (caller's sodium_malloc
 * buffer) from the passphrase and salt. Returns 0, or -1 when the
 * parameters are refused or memory is short.
 */
int crypto_derive_kek(unsigned char *key, const char *pass, size_t passlen,
                      const unsigned char salt[CRYPTO_SALT_BYTES],
                      const struct crypto_kdf_params *p);

/*
 * `n` random bytes that are public once used: nonces, record
 * ids, the tags of sealed heads; never a key. Drawn from the kernel a
 * few KiB at a time, for this thread; a child that fork()
 * makes draws its own. Thread-safe.
 */
void crypto_public_random(unsigned char *out, size_t n);

/*
 * Encrypt `len` bytes of `msg` with `key`, binding `ad`. Writes
 * len + CRYPTO_OVERHEAD bytes (nonce || ciphertext) to `out`.
 */
void crypto_seal(unsigned char *out, const unsigned char *msg, size_t len,
                 const unsigned char *ad, size_t adlen,
                 const unsigned char key[CRYPTO_KEY_BYTES]);

/*
 * Decrypt what crypto_seal() wrote (`len` bytes) into `out`
 * (len - CRYPTO_OVERHEAD bytes). Returns 0, or -1 when it does not
 * authenticate (damaged, tampered, moved, or another key).
 */
int crypto_open(unsigned char *out, const unsigned char *sealed, size_t len,
                const unsigned char *ad, size_t adlen,
                const unsigned char key[CRYPTO_KEY_BYTES]);

/* Subkey ids under the master key (crypto_kdf, context "selfhelp"). */
enum crypto_subkey {
	CRYPTO_SUBKEY_RECORDS = 1,
	CRYPTO_SUBKEY_SECRET_KEY = 2,
	CRYPTO_SUBKEY_INDEX = 3, /* the state and index of format 2 */
};

/* Derive subkey `id` of the master key into `out` (sodium_malloc'd). */
void crypto_subkey(unsigned char *out, enum crypto_subkey id,
                   const unsigned char master[CRYPTO_KEY_BYTES]);

/*
 * Turn off core dumps and ptrace attachment for this process; called
 * before a key is first held. Idempotent.
 */
void crypto_protect_process(void);

#endif
