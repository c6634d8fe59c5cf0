/*
 * Keeping a person's words off the scrollback (R18): with the setting
 * `privacy = screen` (selfhelp config) or SELFHELP_PRIVACY=screen (which
 * wins; SELFHELP_PRIVACY=normal turns it off), what journal show, list
 * and search, the record commands' show and list and the guided forms put
 * on a terminal goes on its alternate screen, which is gone when they end.
 * Only when stdin and stdout are terminals; a pager (pager.h) has its own
 * screen. Leaving by signal (signals.h) leaves the alternate screen too.
 */
#ifndef SELFHELP_CMD_SCREEN_H
#define SELFHELP_CMD_SCREEN_H

#include <stdbool.h>

/* Is the private screen asked for, and are stdin and stdout terminals? */
bool screen_private_wanted(void);

/*
 * Go to the alternate screen when screen_private_wanted(). With
 * `catch_signals`, SIGINT, SIGTERM and SIGHUP leave it and exit 0 until
 * screen_private_end() (a form catches them itself). Returns true when
 * the screen is private now.
 */
bool screen_private_begin(bool catch_signals);

/*
 * After each row a list writes on the private screen: when the screen is
 * full, "(Any key shows more; q closes this.)" and a key (the alternate
 * screen has no scrollback to go back to). Returns false when the person
 * chose to close (q, Esc, Ctrl-C, Ctrl-D): the list stops there. True,
 * and nothing shown, off the private screen.
 */
bool screen_private_row(void);

/*
 * Back to the normal screen when screen_private_begin() left it; with
 * `wait`, first ask for a key, so that what is shown can be read. A
 * no-op otherwise.
 */
void screen_private_end(bool wait);

#endif
