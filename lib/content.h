/*
 * Bundled content (content/ **.md), compiled into the binary at build time
 * by content/embed.c, so that a copied binary works anywhere.
 */
#ifndef SELFHELP_CONTENT_H
#define SELFHELP_CONTENT_H

#include <stddef.h>

struct content_file {
	const char *path; /* relative to content/, e.g. "topics/shame.md" */
	const char *data; /* NUL-terminated; static storage */
	size_t len;       /* bytes, without the NUL */
};

/* Every bundled file, sorted by path. Static storage. */
extern const struct content_file content_files[];
extern const size_t content_nfiles;

/* The bundled file at `path`, or NULL. Borrowed, static storage. */
const struct content_file *content_get(const char *path);

#endif
