/*
 * Remembering an unlocked vault for a while (`selfhelp unlock`), without
 * ever putting its long-term master key in the kernel keyring:
 *  - a fresh random session key goes in the login session's keyring
 *    (libkeyutils: a "user" key "selfhelp-session:VAULT_ID", readable by
 *    its possessor only, with the kernel's own timeout);
 *  - the master key, sealed under that session key and bound to its
 *    expiry time, goes in a 0600 file in the user's runtime folder
 *    ($XDG_RUNTIME_DIR/selfhelp, else /dev/shm/selfhelp-UID: memory, not
 *    disk), named after the vault.
 * Removing the file locks the vault in every login at once; its expiry is
 * checked even when a keyring entry lingers; `status` reads the file, so
 * it tells the truth in every login. A session key alone, once the file
 * is gone, opens nothing.
 */
#ifndef SELFHELP_KEYRING_H
#define SELFHELP_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum keyring_status {
	KEYRING_OK = 0,
	KEYRING_NONE = 1,         /* nothing remembered (or it expired) */
	KEYRING_ELSEWHERE = 2,    /* unlocked, by another login session */
	KEYRING_UNAVAILABLE = -1, /* no keyring or no runtime folder here */
};

/*
 * Remember `master` (32 bytes) for `seconds`. Returns KEYRING_OK or
 * KEYRING_UNAVAILABLE.
 */
int keyring_store(const char *vault_id_hex, const unsigned char *master,
                  unsigned seconds);

/*
 * Fetch the remembered key into `master` (32 bytes of the caller's guarded
 * memory) and its expiry into *expires (may be NULL). KEYRING_ELSEWHERE
 * when it is unlocked but this session holds no key for it.
 */
int keyring_load(const char *vault_id_hex, unsigned char *master,
                 time_t *expires);

/*
 * Whether (and until when) the vault is unlocked in any login of this
 * user: KEYRING_OK (this session can use it), KEYRING_ELSEWHERE or
 * KEYRING_NONE. Reads no key.
 */
int keyring_status(const char *vault_id_hex, time_t *expires);

/* Forget it at once, in every login. KEYRING_NONE when nothing was
 * remembered. */
int keyring_forget(const char *vault_id_hex);

/* The runtime file's path (caller frees), or NULL. For tests. */
char *keyring_file(const char *vault_id_hex);

#endif
