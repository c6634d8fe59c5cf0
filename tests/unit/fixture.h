/*
 * The unit programs' shared fixture: a fresh folder per case (under
 * $TMPDIR, else /tmp), HOME and XDG_RUNTIME_DIR inside it so that pins
 * and runtime files are the case's own, and vaults made with the
 * cheapest key derivation. Use as cmocka setup and teardown:
 *
 *	static char path[FIXTURE_PATH_MAX];
 *
 *	static int
 *	setup(void **state)
 *	{
 *		fixture_setup(state);
 *		fixture_path(path, "vault.db");
 *		return 0;
 *	}
 *	...
 *	cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
 */
#ifndef SELFHELP_TEST_FIXTURE_H
#define SELFHELP_TEST_FIXTURE_H

#include "crypto.h"
#include "vault.h"

enum { FIXTURE_PATH_MAX = 300 }; /* as the cases' own buffers assume */

/* Argon2id with one pass over 8 MiB: opening costs nothing. */
extern const struct crypto_kdf_params fixture_kdf;

/* The current case's folder (empty outside a case). */
extern char fixture_dir[256];

/* cmocka setup: make fixture_dir (mode 0700), set HOME to DIR/home and
 * XDG_RUNTIME_DIR to DIR/run, unset XDG_STATE_HOME; sodium_init().
 * Fails the case if the folder cannot be made. Returns 0. */
int fixture_setup(void **state);

/* cmocka teardown: remove fixture_dir and everything in it (nftw, no
 * shell). Returns 0, or -1 when something could not be removed. */
int fixture_teardown(void **state);

/* "fixture_dir/name" into out (FIXTURE_PATH_MAX bytes). */
void fixture_path(char *out, const char *name);

/* A new vault at path that `pass` opens, made with fixture_kdf (fails
 * the case otherwise). Caller closes it with vault_free. */
struct vault *fixture_vault(const char *path, const char *pass);

/* A folder of its own outside the case's (caller: fixture_remove and
 * free), for tests that make several. */
char *fixture_mkdtemp(void);

/* Remove dir and everything in it; -1 when something stayed. */
int fixture_remove(const char *dir);

#endif
