/*
 * CLI test helper: make a vault as `selfhelp init` does, but with the
 * cheapest Argon2id settings libsodium allows, so that each command that
 * opens it with a passphrase spends no time on key derivation. That
 * matters most under valgrind, where one "interactive" derivation takes
 * over a second. For tests whose subject is not the key derivation; the
 * tests of init itself run `selfhelp init`.
 *
 *   quick-vault VAULT PASSFILE [--no-recovery-code]
 *
 * The passphrase is the first line of PASSFILE, read as --passphrase-file
 * reads it. With a recovery code (the default, as for init) it prints
 * "Recovery code:" and the code on the next line.
 *
 *   quick-vault --put VAULT PASSFILE KIND HEADFILE BODYFILE
 *
 * stores a record of KIND whose head and body are the bytes of the two
 * files, as they are, and prints its id: a record as someone who can write
 * the vault could forge one (or an older selfhelp could have let in), for
 * the tests that show such records safely.
 */
#include "crypto.h"
#include "vault-open.h"
#include "vault.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { PASS_MAX = 1024, RECORD_MAX = 1 << 20 };

/* The first line of `path` into pass (PASS_MAX bytes); its length, or -1. */
static long
read_pass(const char *path, char *pass)
{
	FILE *f = fopen(path, "re");
	bool got = f && fgets(pass, PASS_MAX, f);
	if (f)
		fclose(f);
	if (!got) {
		fprintf(stderr, "quick-vault: cannot read %s\n", path);
		return -1;
	}
	size_t n = strcspn(pass, "\n");
	while (n && pass[n - 1] == '\r')
		n--;
	pass[n] = '\0';
	return (long)n;
}

/* The whole of `path` (at most RECORD_MAX bytes) into a new buffer. */
static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(RECORD_MAX) : NULL;
	*len = buf ? fread(buf, 1, RECORD_MAX, f) : 0;
	if (f)
		fclose(f);
	if (!buf)
		fprintf(stderr, "quick-vault: cannot read %s\n", path);
	return buf;
}

static int
put_record(char **argv, char *pass)
{
	struct vault *v = NULL;
	char *err = NULL, id[VAULT_ID_HEX + 1];
	size_t hl, bl;
	long n = read_pass(argv[1], pass);
	char *head = read_all(argv[3], &hl), *body = read_all(argv[4], &bl);
	int rc = 1;
	if (n < 0 || !head || !body)
		goto out;
	if (vault_open(argv[0], &v, &err) != VAULT_OK ||
	    vault_unlock(v, pass, (size_t)n) != VAULT_OK || vault_begin(v) ||
	    vault_put(v, NULL, argv[2], head, hl, body, bl, id) ||
	    vault_commit(v)) {
		fprintf(stderr, "quick-vault: %s\n",
		        err ? err
		        : v ? vault_errmsg(v)
		            : "failed");
		goto out;
	}
	printf("%s\n", id);
	rc = 0;
out:
	free(err);
	free(head);
	free(body);
	vault_free(v);
	sodium_free(pass);
	return rc;
}

int
main(int argc, char **argv)
{
	struct crypto_kdf_params kdf = {
	        .alg = CRYPTO_KDF_ARGON2ID13,
	        .ops = crypto_pwhash_OPSLIMIT_MIN,
	        .mem = crypto_pwhash_MEMLIMIT_MIN,
	};
	struct vault *v = NULL;
	char *err = NULL, *pass;
	bool recovery = true;

	if (argc == 7 && strcmp(argv[1], "--put") == 0) {
		if (sodium_init() < 0 || !(pass = sodium_malloc(PASS_MAX)))
			return 1;
		return put_record(argv + 2, pass);
	}
	if (argc == 4 && strcmp(argv[3], "--no-recovery-code") == 0)
		recovery = false;
	else if (argc != 3) {
		fprintf(stderr, "usage: quick-vault VAULT PASSFILE "
		                "[--no-recovery-code]\n"
		                "   or: quick-vault --put VAULT PASSFILE KIND "
		                "HEADFILE BODYFILE\n");
		return 2;
	}
	if (sodium_init() < 0 || !(pass = sodium_malloc(PASS_MAX)))
		return 1;
	long n = read_pass(argv[2], pass);
	if (n < 0) {
		sodium_free(pass);
		return 1;
	}

	umask(077);
	int rc = vault_create(argv[1], pass, (size_t)n, &kdf, &v, &err);
	sodium_free(pass);
	if (rc != VAULT_OK) {
		fprintf(stderr, "quick-vault: %s\n", err ? err : "failed");
		free(err);
		return 1;
	}
	vault_pin(v); /* as init does */
	if (recovery) {
		char code[VAULT_RECOVERY_CODE_LEN + 1];
		char canon[2 * VAULT_RECOVERY_BYTES + 1];
		vault_recovery_code_new(code);
		vault_recovery_code_normalize(code, canon);
		if (vault_begin(v) ||
		    vault_set_recovery(v, canon, strlen(canon)) ||
		    vault_commit(v)) {
			fprintf(stderr, "quick-vault: %s\n", vault_errmsg(v));
			vault_free(v);
			return 1;
		}
		sodium_memzero(canon, sizeof(canon));
		printf("Recovery code:\n%s\n", code);
	}
	vault_free(v);
	return 0;
}
