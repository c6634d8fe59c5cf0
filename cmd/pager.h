/*
 * Long output through a pager, as git does: only when stdout is a
 * terminal, paging is not turned off (--no-pager, or --no-input, since a
 * pager waits for keys) and the text is taller
 * than the screen. The pager is $SELFHELP_PAGER, else the `pager`
 * setting (selfhelp config), else $PAGER, else "less -FR" (no -X, so
 * less's alternate screen clears the page when it ends), in git's order
 * (GIT_PAGER, core.pager, PAGER); an empty value or "cat" means no
 * pager. The pager runs with
 * LESSHISTFILE=- (no search history on disk) and LESSSECURE=1 unless
 * LESSSECURE is set.
 */
#ifndef SELFHELP_PAGER_H
#define SELFHELP_PAGER_H

#include <stdbool.h>
#include <stddef.h>

struct cmd_ctx;

/*
 * Would pager_show() start a pager for `len` bytes of `text`? Callers
 * use this to leave out what must not reach a pager (OSC 8 hyperlinks).
 */
bool pager_wanted(const char *text, size_t len, const struct cmd_ctx *ctx);

/*
 * Show `len` bytes of `text`: through the pager when pager_wanted(),
 * else (or when the pager cannot start) straight on stdout. Waits for the
 * pager to end. SIGPIPE is ignored while writing to it, and SIGINT and
 * SIGQUIT while it runs (the pager handles those keys itself). Returns
 * 0, or -1 when stdout could not be written (no message printed).
 */
int pager_show(const char *text, size_t len, const struct cmd_ctx *ctx);

#endif
