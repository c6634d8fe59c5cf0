/* Wipe-and-free (see wipe.h). */
#include "wipe.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void
wipe_free(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}

void
wipe_free_str(char *s)
{
	if (s)
		wipe_free(s, strlen(s));
}
