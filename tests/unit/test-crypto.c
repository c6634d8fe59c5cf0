#include "harness.h"

#include "crypto.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct crypto_kdf_params fast = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

static void
roundtrip(void **state)
{
	unsigned char key[CRYPTO_KEY_BYTES], out[64], back[64];
	const unsigned char msg[] = "my private words";
	const unsigned char ad[] = "record-1";
	crypto_kdf_keygen(key);
	crypto_seal(out, msg, sizeof(msg), ad, sizeof(ad), key);
	assert_int_equal(crypto_open(back, out, sizeof(msg) + CRYPTO_OVERHEAD,
	                             ad, sizeof(ad), key),
	                 0);
	assert_memory_equal(back, msg, sizeof(msg));
	/* the ciphertext does not hold the plaintext */
	assert_null(memmem(out, sizeof(msg) + CRYPTO_OVERHEAD, "private", 7));
}

static void
wrong_key(void **state)
{
	unsigned char key[CRYPTO_KEY_BYTES], other[CRYPTO_KEY_BYTES];
	unsigned char out[64], back[64];
	crypto_kdf_keygen(key);
	crypto_kdf_keygen(other);
	crypto_seal(out, (const unsigned char *)"abc", 3, NULL, 0, key);
	assert_int_equal(
	        crypto_open(back, out, 3 + CRYPTO_OVERHEAD, NULL, 0, other),
	        -1);
}

static void
flipped_byte(void **state)
{
	unsigned char key[CRYPTO_KEY_BYTES], out[64], back[64];
	size_t len = 10 + CRYPTO_OVERHEAD;
	crypto_kdf_keygen(key);
	for (size_t i = 0; i < len; i++) {
		crypto_seal(out, (const unsigned char *)"0123456789", 10,
		            (const unsigned char *)"ad", 2, key);
		out[i] ^= 0x01;
		assert_int_equal(crypto_open(back, out, len,
		                             (const unsigned char *)"ad", 2,
		                             key),
		                 -1);
	}
	/* truncated */
	assert_int_equal(
	        crypto_open(back, out, CRYPTO_OVERHEAD - 1, NULL, 0, key), -1);
}

static void
moved_ad(void **state)
{
	/* a ciphertext bound to one record id or kind fails under another */
	unsigned char key[CRYPTO_KEY_BYTES], out[64], back[64];
	crypto_kdf_keygen(key);
	crypto_seal(out, (const unsigned char *)"x", 1,
	            (const unsigned char *)"id-a/journal", 12, key);
	assert_int_equal(crypto_open(back, out, 1 + CRYPTO_OVERHEAD,
	                             (const unsigned char *)"id-b/journal", 12,
	                             key),
	                 -1);
	assert_int_equal(crypto_open(back, out, 1 + CRYPTO_OVERHEAD,
	                             (const unsigned char *)"id-a/trigger", 12,
	                             key),
	                 -1);
}

static void
kdf_limits(void **state)
{
	struct crypto_kdf_params p;
	assert_int_equal(crypto_kdf_preset("interactive", &p), 0);
	assert_true(crypto_kdf_params_ok(&p));
	assert_int_equal(crypto_kdf_preset("moderate", &p), 0);
	assert_true(crypto_kdf_params_ok(&p));
	assert_int_equal(crypto_kdf_preset("sensitive", &p), 0);
	assert_true(crypto_kdf_params_ok(&p));
	assert_int_equal(crypto_kdf_preset("extreme", &p), -1);
	p.ops = 11;
	assert_false(crypto_kdf_params_ok(&p));
	p.ops = 3;
	p.mem = CRYPTO_KDF_MAX_MEM + 1;
	assert_false(crypto_kdf_params_ok(&p));
	p.mem = 1024;
	assert_false(crypto_kdf_params_ok(&p));
	p.mem = 8192;
	p.alg = 1; /* argon2i: not ours */
	assert_false(crypto_kdf_params_ok(&p));
	/* refused parameters never run the derivation */
	unsigned char key[CRYPTO_KEY_BYTES], salt[CRYPTO_SALT_BYTES] = {0};
	p.alg = CRYPTO_KDF_ARGON2ID13;
	p.ops = 1000000;
	assert_int_equal(crypto_derive_kek(key, "pw", 2, salt, &p), -1);
}

static void
kdf_deterministic(void **state)
{
	unsigned char a[CRYPTO_KEY_BYTES], b[CRYPTO_KEY_BYTES];
	unsigned char salt[CRYPTO_SALT_BYTES] = {1, 2, 3};
	assert_int_equal(crypto_derive_kek(a, "pass", 4, salt, &fast), 0);
	assert_int_equal(crypto_derive_kek(b, "pass", 4, salt, &fast), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(crypto_derive_kek(b, "pasS", 4, salt, &fast), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	salt[0] = 9;
	assert_int_equal(crypto_derive_kek(b, "pass", 4, salt, &fast), 0);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void
subkeys_differ(void **state)
{
	unsigned char m[CRYPTO_KEY_BYTES], a[CRYPTO_KEY_BYTES],
	        b[CRYPTO_KEY_BYTES];
	crypto_kdf_keygen(m);
	crypto_subkey(a, CRYPTO_SUBKEY_RECORDS, m);
	crypto_subkey(b, CRYPTO_SUBKEY_SECRET_KEY, m);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, m, sizeof(a));
}

/* Nonces differ from one seal to the next, and a forked child does not
 * use the bytes its parent drew for itself (it would seal with the
 * parent's next nonce). */
static void
public_random_fork(void **state)
{
	(void)state;
	enum { N = 400, B = CRYPTO_NONCE_BYTES };
	static unsigned char seen[N][B];
	for (int i = 0; i < N; i++) {
		crypto_public_random(seen[i], B);
		for (int j = 0; j < i; j++)
			assert_memory_not_equal(seen[i], seen[j], B);
	}
	unsigned char mine[B], theirs[B];
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char c[B];
		crypto_public_random(c, B);
		_exit(write(fd[1], c, B) == B ? 0 : 1);
	}
	crypto_public_random(mine, B);
	assert_int_equal(read(fd[0], theirs, B), B);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_memory_not_equal(mine, theirs, B);
	close(fd[0]);
	close(fd[1]);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(roundtrip),
	        cmocka_unit_test(wrong_key),
	        cmocka_unit_test(flipped_byte),
	        cmocka_unit_test(moved_ad),
	        cmocka_unit_test(kdf_limits),
	        cmocka_unit_test(kdf_deterministic),
	        cmocka_unit_test(subkeys_differ),
	        cmocka_unit_test(public_random_fork),
	};
	if (sodium_init() < 0)
		return 1;
	return RUN_NAMED(tests, argc, argv);
}
