/*
 * Opening the vault for a command, in one call: the file (with a check of
 * who can change it), then as the command needs it the key remembered by
 * `selfhelp unlock` or the passphrase (asked through a callback), the
 * pins outside the file (public key, write counter), migration from
 * format 1, and folding in what was written while locked. What happens
 * on the way is told through the vault's event handler; cmd/ words it.
 */
#ifndef SELFHELP_VAULT_OPEN_H
#define SELFHELP_VAULT_OPEN_H

#include "vault.h"

#include <stdbool.h>
#include <stddef.h>

enum vault_need {
	VAULT_NEED_FILE = 0,   /* the file only: status, lock, backup */
	VAULT_NEED_REMEMBERED, /* unlocked if the key is remembered, else
	                        * the file only; never asks */
	VAULT_NEED_KEY,        /* unlocked: the remembered key, else the
	                        * passphrase */
	VAULT_NEED_PASSPHRASE, /* unlocked with the passphrase itself */
	VAULT_NEED_WRITE,      /* unlocked if the key is remembered, else
	                        * ready for a locked write (key pinned) */
};

struct vault_opener {
	const char *path;
	enum vault_need need;
	/* The passphrase comes from a file (or stdin): one try, and never
	 * the remembered key (the file's next lines may be an entry). */
	bool passphrase_file;
	unsigned tries; /* passphrase tries; 0 means 3 */
	/*
	 * Ask for the passphrase into buf (cap bytes, guarded memory):
	 * returns its length, or -1 when there is none (the callback said
	 * why). Called once per try.
	 */
	int (*ask)(void *arg, char *buf, size_t cap);
	vault_event_fn event;
	void *arg;
	vault_sort_key_fn sort_key;
	/* `check --repair`: a damaged state or index does not stop the
	 * unlock (see vault_allow_repair) */
	bool repair;
};

/*
 * Open as `o` says. On success *out is the vault (unlocked unless the
 * need allows otherwise) and *locked_write tells whether a write must be
 * a locked one (vault_seal). On failure *out is NULL and *err (caller
 * frees) says why, or is NULL when the ask callback already did.
 */
int vault_open_for(const struct vault_opener *o, struct vault **out,
                   bool *locked_write, char **err);

/*
 * Pin the vault's current public key, counter and path on this machine
 * (after init, or any unlocked write). Unlocked vaults only; returns 0
 * or -1 (no place to keep pins: nothing is lost but the check).
 */
int vault_pin(struct vault *v);

#endif
