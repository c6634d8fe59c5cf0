/*
 * Topic files (content/topics/SLUG.md): the front matter between two
 * "---" lines and the six body sections. Dependency-free (libc only) so
 * that the build-time generator content/embed.c compiles this very file
 * and rejects a bundled page with "file:line: what is wrong" -- the same
 * rules that lib/topics.c applies to a user's own topics at run time.
 */
#ifndef SELFHELP_FRONTMATTER_H
#define SELFHELP_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

enum frontmatter_key {
	FRONTMATTER_TITLE,
	FRONTMATTER_SLUG,
	FRONTMATTER_SUMMARY,
	FRONTMATTER_CATEGORY,
	FRONTMATTER_ALIASES,
	FRONTMATTER_RELATED,
	FRONTMATTER_NOTE,
	FRONTMATTER_NKEYS
};

enum frontmatter_flags {
	/*
	 * The rules for a bundled page (see topic-spec): every key but
	 * aliases and note is required, category is one of the known ones,
	 * summary is at most 100 characters, note at most 140, related
	 * names 3 to 6 slugs, values carry no quotes. Without this flag (a
	 * user's own file) only title and slug are required, any category
	 * is accepted, and quotes around a value are dropped.
	 */
	FRONTMATTER_BUNDLED = 1 << 0,
};

enum {
	FRONTMATTER_SUMMARY_MAX = 100, /* characters (code points) */
	FRONTMATTER_NOTE_MAX = 140,
	FRONTMATTER_RELATED_MIN = 3,
	FRONTMATTER_RELATED_MAX = 6,
	FRONTMATTER_NSECTIONS = 6,
};

/*
 * A parsed topic file. Every string is owned by the struct and freed by
 * frontmatter_release(); strings hold valid UTF-8 with control
 * characters removed, so they are safe to print. Absent optional values
 * are NULL (strings) or 0 (counts).
 */
struct frontmatter {
	char *title, *slug, *summary, *category, *note;
	char **aliases; /* naliases strings, in file order */
	size_t naliases;
	char **related; /* nrelated slugs, in file order */
	size_t nrelated;
	int key_line[FRONTMATTER_NKEYS]; /* 1-based line of each key, or 0 */
	size_t body_offset; /* bytes from the start of the input to the body */
	int body_line;      /* line number of the body's first line */
};

/* Where and what: "line" is 1-based (0 when unknown). */
struct frontmatter_error {
	int line;
	char msg[240];
};

/*
 * Parse the front matter of `len` bytes at `data` into `fm` (which the
 * call initialises). Returns 0, or -1 with `err` filled in and `fm` left
 * empty (nothing to release). The body is data + fm->body_offset.
 */
int frontmatter_parse(struct frontmatter *fm, const char *data, size_t len,
                      unsigned flags, struct frontmatter_error *err);

/*
 * Check a body (the text after the front matter, whose first line is line
 * `first_line` of the file): no "#" heading, and exactly the six "##"
 * sections of frontmatter_section() in that order. Fenced code blocks are
 * skipped. Returns 0, or -1 with `err` filled in.
 */
int frontmatter_check_body(const char *body, size_t len, int first_line,
                           struct frontmatter_error *err);

/* Free what `fm` owns and empty it. Safe on an empty or released struct. */
void frontmatter_release(struct frontmatter *fm);

/* How many bundled categories there are. */
size_t frontmatter_ncategories(void);

/* Display index of category `name` (exact match), or -1. */
int frontmatter_category_index(const char *name);

/* The i-th required section heading text (without "## "), or NULL. */
const char *frontmatter_section(size_t i);

/* Is `s` a slug: lower-case ASCII letters and digits joined by '-'? */
bool frontmatter_is_slug(const char *s);

#endif
