/*
 * Case-insensitive, Unicode-aware text matching (utf8proc case folding
 * and canonical decomposition on both sides), and snippets around a hit.
 */
#ifndef SELFHELP_SEARCH_H
#define SELFHELP_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A folded needle. search_needle_new() returns NULL when out of memory or
 * when `s` folds to nothing. Free with search_needle_free (NULL ok).
 */
struct search_needle;
struct search_needle *search_needle_new(const char *s);
void search_needle_free(struct search_needle *n);

/* Is the folded needle written the same inside a JSON string (no quote,
 * backslash or control character)? */
bool search_needle_json_plain(const struct search_needle *n);

/*
 * Find the needle in `len` bytes of UTF-8 `text` (invalid bytes are
 * compared as they are). On a hit returns true and, when start/end are
 * not NULL, the byte range of the match in `text`.
 */
bool search_find(const struct search_needle *n, const char *text, size_t len,
                 size_t *start, size_t *end);

/*
 * One line around text[start, end): up to `context` characters either
 * side, newlines and tabs shown as spaces, "…" where cut. Caller frees.
 */
char *search_snippet(const char *text, size_t len, size_t start, size_t end,
                     size_t context);

#endif
