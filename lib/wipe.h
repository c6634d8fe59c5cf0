/*
 * Wipe-and-free: the one way memory that held a person's words (or a
 * secret in plain malloc memory) goes back. sodium_memzero, which the
 * compiler may not optimise away, then free(). NULL is a no-op in both.
 */
#ifndef SELFHELP_WIPE_H
#define SELFHELP_WIPE_H

#include <stddef.h>

/* Overwrite the first `len` bytes of p with zeros, then free(p). */
void wipe_free(void *p, size_t len);

/* The same for a NUL-terminated string: strlen(s) bytes, then free(s). */
void wipe_free_str(char *s);

#endif
