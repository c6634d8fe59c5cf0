/* A growable string buffer that wipes what it lets go (see strbuf.h). */
#include "strbuf.h"

#include "wipe.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { STRBUF_FIRST = 64 }; /* bytes of the first block, at least */

bool
strbuf_grow(struct strbuf *sb, size_t n)
{
	if (sb->failed)
		return false;
	if (n < SIZE_MAX - sb->len - 1 && sb->len + n + 1 <= sb->cap)
		return true;
	if (n >= SIZE_MAX / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	size_t need = sb->len + n + 1;
	size_t cap = sb->cap ? sb->cap : STRBUF_FIRST;
	while (cap < need)
		cap *= 2;
	char *p = malloc(cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	if (sb->len)
		memcpy(p, sb->p, sb->len);
	p[sb->len] = '\0';
	wipe_free(sb->p, sb->cap);
	sb->p = p;
	sb->cap = cap;
	return true;
}

int
strbuf_add(struct strbuf *sb, const void *s, size_t n)
{
	if (!strbuf_grow(sb, n))
		return -1;
	if (n)
		memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
	return 0;
}

int
strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

void
strbuf_addchars(struct strbuf *sb, char c, int n)
{
	if (n <= 0 || !strbuf_grow(sb, (size_t)n))
		return;
	memset(sb->p + sb->len, c, (size_t)n);
	sb->len += (size_t)n;
	sb->p[sb->len] = '\0';
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		sb->failed = true;
	else if (strbuf_grow(sb, (size_t)n)) {
		vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, again);
		sb->len += (size_t)n;
	}
	va_end(again);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

int
strbuf_read(struct strbuf *sb, FILE *f, size_t max)
{
	enum { CHUNK = 8192 };
	size_t start = sb->len, n;
	do {
		if (!strbuf_grow(sb, CHUNK)) {
			errno = ENOMEM;
			return -1;
		}
		n = fread(sb->p + sb->len, 1, CHUNK, f);
		sb->len += n;
		sb->p[sb->len] = '\0';
		if (sb->len - start > max)
			return 1;
	} while (n > 0);
	return ferror(f) ? -1 : 0;
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->p || len >= sb->len)
		return;
	sodium_memzero(sb->p + len, sb->len - len);
	sb->len = len;
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;
	if (!sb->failed && !sb->p)
		strbuf_grow(sb, 0);
	if (sb->failed) {
		strbuf_release(sb);
		if (len)
			*len = 0;
		return NULL;
	}
	p = sb->p;
	if (len)
		*len = sb->len;
	memset(sb, 0, sizeof(*sb));
	return p;
}

void
strbuf_release(struct strbuf *sb)
{
	wipe_free(sb->p, sb->cap);
	memset(sb, 0, sizeof(*sb));
}
