/*
 * Pins: what this machine remembers of a vault, outside its file, so that
 * someone who can change the file alone cannot swap its public key (and
 * read what is written while it is locked) or put an older copy in its
 * place unnoticed. One small text file per vault,
 * $XDG_STATE_HOME/selfhelp/pins/VAULT_ID (default ~/.local/state), 0600
 * in a 0700 folder, with a checksum so a damaged pin is told apart.
 * Written at init and by every unlocked command; the public key in it is
 * "verified" once it came from an unlocked vault.
 */
#ifndef SELFHELP_PIN_H
#define SELFHELP_PIN_H

#include <stdbool.h>
#include <stdint.h>

enum { PIN_KEY_BYTES = 32, PIN_PATH_MAX = 4096 };

struct pin {
	unsigned char public_key[PIN_KEY_BYTES];
	uint64_t counter;        /* the vault's write counter last seen */
	int64_t high_water;      /* its highest row covered then */
	bool verified;           /* the key came from an unlocked vault */
	char path[PIN_PATH_MAX]; /* the vault file last opened here */
};

enum pin_status {
	PIN_OK = 0,
	PIN_NONE = 1,     /* no pin for this vault on this machine */
	PIN_DAMAGED = -1, /* there is one, and it does not read */
	PIN_ERROR = -2,   /* no folder to keep pins in, or I/O */
};

/* The pin's file name (caller frees), or NULL without HOME and
 * XDG_STATE_HOME. */
char *pin_path(const char *vault_id_hex);

/* Read the pin of vault `vault_id_hex` into *out. */
int pin_load(const char *vault_id_hex, struct pin *out);

/* Write it (atomically: a new file renamed into place). */
int pin_store(const char *vault_id_hex, const struct pin *p);

#endif
