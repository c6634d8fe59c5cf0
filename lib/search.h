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

/*
 * A one-line snippet of `len` bytes of UTF-8 `text` around the match
 * text[start, end) that fits in `cols` display columns: the whole text
 * when it fits (no "…"); otherwise the match with context either side
 * (about a third of the room before it), and "…" (one column) on each
 * side where the text is cut. A match wider than the room is cut at its
 * end. Cuts fall between characters, never inside a UTF-8 sequence or
 * between a character and its combining marks. The text is cleaned as
 * util_clean shows one line (lib/util.h; `flags` may add
 * UTIL_CLEAN_ASCII), so newlines and tabs are spaces and nothing in it
 * can drive a terminal; widths are display columns (wide characters 2).
 */
struct search_snip {
	char *text;      /* owned: free with wipe_free_str (wipe.h) */
	size_t hl_start; /* the match in `text`: bytes [hl_start, hl_end) */
	size_t hl_end;   /* (empty when no part of it fits) */
	size_t width;    /* display columns of `text` */
};

/* Fills *out; returns 0, or -1 when out of memory (out->text NULL). */
int search_snippet_fit(const char *text, size_t len, size_t start, size_t end,
                       size_t cols, unsigned flags, struct search_snip *out);

/*
 * Word filters: a small bit set per record, from which a search can tell
 * that a record cannot hold a needle without decrypting it. Every run of
 * three folded bytes of the text (folded as search_find folds) sets one
 * bit; a needle may be in the text only if the bits of all its runs are
 * set. Runs with a byte JSON escapes (quote, backslash, control
 * characters) are left out of the needle's side, so a filter made from a
 * JSON head holds every needle found in that head's strings.
 *
 * search_filter_size: the filter's size in bytes for `len` bytes of text
 * (a power of two, 64 to 4096). search_filter_add: add the runs of text
 * to a zeroed filter of `size` bytes (call once per piece of text).
 * search_needle_filters: does the needle have a run to look for?
 * search_filter_may_hold: could text with this filter hold the needle?
 * (size 0, no filter: yes)
 */
size_t search_filter_size(size_t len);
void search_filter_add(unsigned char *filter, size_t size, const char *text,
                       size_t len);
bool search_needle_filters(const struct search_needle *n);
bool search_filter_may_hold(const struct search_needle *n,
                            const unsigned char *filter, size_t size);

#endif
