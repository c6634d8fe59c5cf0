/*
 * Small printing and asking helpers shared by the commands that show
 * records (journal, trigger-log, group, safety-plan, crisis ...).
 */
#ifndef SELFHELP_CMD_OUTPUT_H
#define SELFHELP_CMD_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Ask a yes/no question on stderr ("QUESTION [Y/n] " or "[y/N] ") and
 * read the answer from stdin: y, Y or yes is yes, Enter alone is `dflt`,
 * anything else (or no more input) is no. After Ctrl-D the next output
 * starts on a line of its own.
 */
bool confirm(const char *question, bool dflt);

/*
 * Ask whether to keep something the person wrote ("QUESTION [Y/n] " on
 * stderr, the answer from stdin): only an explicit n (or no) says
 * discard; Enter, anything else, Ctrl-D and Ctrl-C keep it (Ctrl-C ends
 * the question, not the program).
 */
bool confirm_keep(const char *question);

/*
 * Print root on stdout as JSON (indented by 2, ASCII only) and a newline,
 * then release it (takes ownership; NULL counts as a failure). Returns 0,
 * or 1 after a message.
 */
int print_json(json_t *root);

/*
 * Write `len` bytes of s (or a C string) to fp as the display sanitizer
 * shows them (util_clean, lib/util.h): no control characters, nothing
 * that is not UTF-8, so text from the vault or an import cannot drive the
 * terminal. `flags` is UTIL_CLEAN_LINES for multi-line text (an entry's
 * text, a note) and 0 for one-line fields (tags, names, ids, kinds, list
 * columns), whose newlines and tabs become spaces. Replacements are '?'
 * rather than U+FFFD when the locale is not UTF-8 (clean_locale()).
 */
void print_clean(const char *s, size_t len, unsigned flags, FILE *fp);
void print_clean_str(const char *s, unsigned flags, FILE *fp);

/* The flags the locale adds to util_clean and util_truncate:
 * UTIL_CLEAN_ASCII when it is not UTF-8, else 0. */
unsigned clean_locale(void);

/* `id` when it is a record id (vault_id_ok), else "(damaged id)": an id
 * read from a damaged row is never shown as it is. Borrowed. */
const char *shown_id(const char *id);

/*
 * Show a recovery code on stdout. On a terminal: what it is for and where
 * to keep it first, then, after "Press Enter when you have written it
 * down", the code is erased from the screen (and the terminal's
 * scrollback, where it allows: ESC [3J). Otherwise (a file, a pipe) just
 * "Recovery code:" and the code on its own line. `replaced`: the old code
 * stopped working (a new code made for an existing vault).
 */
void show_recovery_code(const char *code, bool replaced);

struct search_snip;

/*
 * Write a snippet made by search_snippet_fit (already cleaned) to fp,
 * its match in reverse video when `color` (term_use_color), else plain.
 */
void print_snippet(const struct search_snip *sn, bool color, FILE *fp);

/* Does the locale say UTF-8 (for arrows, blocks and dots)? */
bool utf8_locale(void);

#endif
