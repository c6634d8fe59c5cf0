/*
 * Distress ratings around a grounding exercise (`grounding --rate`),
 * stored as vault records of kind "rating". Head: JSON {"v":1,
 * "created":S, "exercise":"name", "before":N|null, "after":N|null}; no
 * body. Trigger-log stats read them to show what helps.
 */
#ifndef SELFHELP_RATING_H
#define SELFHELP_RATING_H

#include <stdbool.h>
#include <time.h>

#include "vault.h"

#define RATING_KIND "rating"
enum { RATING_NONE = -1 };

struct rating {
	char id[VAULT_ID_HEX + 1];
	time_t created;
	char exercise[64];
	int before; /* 0-10 or RATING_NONE */
	int after;  /* 0-10 or RATING_NONE */
};

/*
 * Store a rating: sealed to the vault's public key when `sealed` (the
 * vault is locked), else as an ordinary record. Inside a transaction.
 */
int rating_add(struct vault *v, bool sealed, const struct rating *r,
               char *id_out);

/* Decode a rating head; 0, or -1 when it is not one. */
int rating_decode(const char *id, const unsigned char *head, size_t len,
                  struct rating *out);

/*
 * The ratings made in [since, until] (0: open; picked by the index's
 * sort keys), oldest first, into a malloc'd array (*out, free() it) of
 * *n. Damaged records are reported through `damaged`.
 */
int rating_list(struct vault *v, time_t since, time_t until,
                struct rating **out, size_t *n,
                void (*damaged)(void *arg, const char *id), void *arg);

#endif
