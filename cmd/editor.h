/*
 * Editing private text in the user's editor ($SELFHELP_EDITOR, the
 * `editor` setting, $VISUAL unless TERM is dumb, $EDITOR, vi) through
 * a file in a private 0700 folder on tmpfs ($XDG_RUNTIME_DIR, else
 * /dev/shm), overwritten and removed afterwards, also on error and on
 * SIGTERM/SIGHUP. For vim and neovim, swap, undo, backup and
 * viminfo/shada files are turned off for that run. They are known by the
 * program the command runs, found through PATH and symbolic links (vi,
 * editor), and for sensible-editor by the editor it would run.
 */
#ifndef SELFHELP_EDITOR_H
#define SELFHELP_EDITOR_H

#include <stddef.h>

/*
 * Let the user edit `len` bytes of `initial` (may be empty). The file
 * ends with a newline (one is added when `initial` lacks it, and taken
 * off again when the text comes back unchanged). On success returns 0
 * with *out (malloc'd, NUL-terminated; wipe and free it) and *outlen.
 * Returns 1 after printing a message, or 2 when no editor may be opened
 * (editor_refused()). When the editor stops with an error after words
 * were written in the file, a terminal asks "Keep what you wrote?" (only
 * n discards: confirm_keep); off a terminal nothing is kept, and the
 * message says the words were not saved.
 */
int editor_edit(const char *initial, size_t len, char **out, size_t *outlen);

/*
 * Why no editor may be opened in this run, as words for a sentence
 * ("--no-input says not to open one"), or NULL when one may: never with
 * --no-input, and never uninvited (vi, when no editor is named) on a
 * terminal that cannot show one (TERM dumb or not set) or with standard
 * output going elsewhere (vi would draw there). editor_edit()
 * refuses then, with a message, returning 2; a command with other ways
 * to give the text may check first and name them. Static string.
 */
const char *editor_refused(void);

/*
 * Read all of stdin (up to 64 MiB) into *out (malloc'd, NUL-terminated).
 * Returns 0, or 1 after printing a message.
 */
int read_stdin_text(char **out, size_t *len);

/*
 * The person's words given on the command line (-m TEXT, --note TEXT,
 * search words): overwrite them in argv once they are copied, so that
 * /proc/PID/cmdline, which every local user can read, no longer shows
 * them while selfhelp waits for a passphrase. Call while the options
 * are parsed, before anything slow. arg_take() returns the copy
 * (wipe_free_str() it), or NULL when memory ran out (arg left as it is).
 */
void arg_wipe(char *arg);
char *arg_take(char *arg);

/*
 * Edit a record's text until parse() takes it: in the editor on a
 * terminal (again, from what was written, after a parse error when the
 * person says so), else read once from stdin. Takes ownership of `text`
 * (`len` bytes, from a *_format_text(); NULL means memory ran out) and
 * wipes it. parse() returns 0 when it took the text, else writes why
 * into err (errsize bytes).
 *
 * Returns 0 when the text was taken; 3 when the record is to be left as
 * it was (a message is printed: `empty_msg` when the text held nothing
 * but comments and blank lines); or 1 after a message.
 */
int editor_edit_record(char *text, size_t len, const char *empty_msg,
                       int (*parse)(const char *text, size_t len, void *arg,
                                    char *err, size_t errsize),
                       void *arg);

#endif
