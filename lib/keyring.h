/*
 * Remembering the vault's master key for a while in the Linux kernel
 * keyring (libkeyutils): a "user" key in the session keyring, named
 * "selfhelp:VAULT_ID", readable by its possessor only, with the kernel's
 * own timeout. It holds the master key and its expiry time, never the
 * passphrase.
 */
#ifndef SELFHELP_KEYRING_H
#define SELFHELP_KEYRING_H

#include <stddef.h>
#include <time.h>

enum keyring_status {
	KEYRING_OK = 0,
	KEYRING_NONE = 1,         /* nothing remembered (or it expired) */
	KEYRING_UNAVAILABLE = -1, /* no keyring here */
};

/*
 * Remember `master` (32 bytes) for `seconds`. Returns KEYRING_OK or
 * KEYRING_UNAVAILABLE.
 */
int keyring_store(const char *vault_id_hex, const unsigned char *master,
                  unsigned seconds);

/*
 * Fetch the remembered key into `master` (32 bytes of the caller's guarded
 * memory) and its expiry into *expires (may be NULL).
 */
int keyring_load(const char *vault_id_hex, unsigned char *master,
                 time_t *expires);

/* Forget it at once. KEYRING_NONE when nothing was remembered. */
int keyring_forget(const char *vault_id_hex);

/*
 * The key's permission mask (keyctl_describe), for tests: KEYRING_OK and
 * *perm set, or KEYRING_NONE.
 */
int keyring_perm(const char *vault_id_hex, unsigned *perm);

#endif
