#include "strength.h"

#include <zxcvbn.h>

double
strength_bits(const char *pass)
{
	return ZxcvbnMatch(pass, NULL, NULL);
}

bool
strength_is_weak(const char *pass)
{
	return strength_bits(pass) < STRENGTH_WEAK_BITS;
}
