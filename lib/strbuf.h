/*
 * A growable string buffer that leaves no copy behind: growing copies
 * into a new block and wipes the old one (realloc() could leave a stale
 * copy in freed memory), and strbuf_release() wipes the whole block. For
 * anything that may hold a person's words; cheap enough for the rest.
 *
 *	struct strbuf sb = {0};
 *	strbuf_adds(&sb, "Mood: ");
 *	strbuf_addf(&sb, "%d/10\n", mood);
 *	if (sb.failed) ... out of memory: every add after the first
 *	                   failure did nothing
 *	strbuf_release(&sb);
 *
 * Text is never cut short: strbuf_addf() measures first and grows to fit.
 */
#ifndef SELFHELP_STRBUF_H
#define SELFHELP_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Zeroed ({0}) is empty and ready. */
struct strbuf {
	char *p;     /* NUL-terminated once anything was added; else NULL */
	size_t len;  /* bytes in p, without the NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* memory ran out (or a size overflowed) */
};

/* Room for n more bytes and a NUL. False (and sb->failed) when memory ran
 * out; also false once sb has failed. */
bool strbuf_grow(struct strbuf *sb, size_t n);

/* Append n bytes of s (which need not be NUL-terminated). Returns 0, or
 * -1 once sb has failed (so calls can be chained with ||). */
int strbuf_add(struct strbuf *sb, const void *s, size_t n);

/* Append the string s; returns as strbuf_add does. */
int strbuf_adds(struct strbuf *sb, const char *s);

/* Append n copies of c (nothing for n <= 0). */
void strbuf_addchars(struct strbuf *sb, char c, int n);

/* Append printf-formatted text, however long. */
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

/*
 * Append all of f, up to `max` bytes. Returns 0; 1 when f holds more
 * than max bytes (what was read stays in sb, for the caller to release);
 * -1 when reading failed (errno) or memory ran out (sb->failed, errno
 * ENOMEM).
 */
int strbuf_read(struct strbuf *sb, FILE *f, size_t max);

/* Cut to len bytes (len <= sb->len); the bytes cut off are wiped. */
void strbuf_setlen(struct strbuf *sb, size_t len);

/*
 * Take the text out: a malloc'd NUL-terminated string ("" when nothing
 * was added) that the caller frees with wipe_free(p, len) (wipe.h), and
 * its length into *len if not NULL. sb is left empty. NULL when sb
 * failed (its memory is wiped and freed then).
 */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* Wipe and free the block; sb is empty again (and usable). */
void strbuf_release(struct strbuf *sb);

#endif
