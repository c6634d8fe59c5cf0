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
	enum { PASS_MAX = 1024 };

	if (argc == 4 && strcmp(argv[3], "--no-recovery-code") == 0)
		recovery = false;
	else if (argc != 3) {
		fprintf(stderr, "usage: quick-vault VAULT PASSFILE "
		                "[--no-recovery-code]\n");
		return 2;
	}
	if (sodium_init() < 0 || !(pass = sodium_malloc(PASS_MAX)))
		return 1;
	FILE *f = fopen(argv[2], "re");
	bool got = f && fgets(pass, PASS_MAX, f);
	if (f)
		fclose(f);
	if (!got) {
		fprintf(stderr, "quick-vault: cannot read %s\n", argv[2]);
		return 1;
	}
	size_t n = strcspn(pass, "\n");
	while (n && pass[n - 1] == '\r')
		n--;
	pass[n] = '\0';

	umask(077);
	int rc = vault_create(argv[1], pass, n, &kdf, &v, &err);
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
