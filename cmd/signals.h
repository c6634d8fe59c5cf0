/*
 * Leaving by signal, for the screens that put the terminal in raw mode
 * (the guided forms, grounding). Process policy, so it lives in cmd/:
 * lib/term.c restores the terminal and never exits.
 */
#ifndef SELFHELP_CMD_SIGNALS_H
#define SELFHELP_CMD_SIGNALS_H

#include <stdbool.h>

/*
 * With text non-NULL, SIGINT, SIGTERM and SIGHUP (and SIGQUIT with quit)
 * leave the alternate screen (term_alt_screen), write text to fd (not
 * on SIGHUP: no one is there to read it), restore the terminal
 * (term_restore) and _exit(0). The text is copied (up to 511 bytes);
 * call again to change it. With NULL, those signals get their
 * default actions back.
 */
void signals_catch_leave(int fd, const char *text, bool quit);

#endif
