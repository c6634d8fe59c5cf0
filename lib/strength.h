/* Passphrase strength, for gentle feedback only (zxcvbn). */
#ifndef SELFHELP_STRENGTH_H
#define SELFHELP_STRENGTH_H

#include <stdbool.h>

/* Below this estimate (bits of entropy), selfhelp suggests a longer one. */
#define STRENGTH_WEAK_BITS 40.0

/* zxcvbn's estimate of the passphrase's entropy in bits. */
double strength_bits(const char *pass);

/* Is it weak enough to deserve a gentle note? */
bool strength_is_weak(const char *pass);

#endif
