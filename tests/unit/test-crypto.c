#include "harness.h"

#include "crypto.h"

#include <sodium.h>

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
	};
	if (sodium_init() < 0)
		return 1;
	return RUN_NAMED(tests, argc, argv);
}
