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
 * anything else (or no more input) is no.
 */
bool confirm(const char *question, bool dflt);

/*
 * Print root on stdout as JSON (indented by 2, ASCII only) and a newline,
 * then release it (takes ownership; NULL counts as a failure). Returns 0,
 * or 1 after a message.
 */
int print_json(json_t *root);

/* Write s (NUL-terminated, or len bytes) to fp with control characters
 * other than newline and tab shown as '?', so stored text cannot drive
 * the terminal. */
void print_safe(const char *s, FILE *fp);
void print_safe_len(const char *s, size_t len, FILE *fp);

/* Does the locale say UTF-8 (for arrows, blocks and dots)? */
bool utf8_locale(void);

#endif
