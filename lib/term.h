/*
 * Terminal facts and modes. Never prints user-visible text and never
 * exits; callers in cmd/ decide what to show and when to leave (leaving
 * by signal is cmd/signals.h). Raw mode is restorable from a signal
 * handler.
 */
#ifndef SELFHELP_TERM_H
#define SELFHELP_TERM_H

#include <signal.h>
#include <stdbool.h>

/* Is fd a terminal (and TERM is not "dumb")? */
bool term_is_tty(int fd);

/*
 * Should output on fd carry colour and styles? False when NO_COLOR is set
 * and non-empty, TERM is "dumb" or unset, or fd is not a terminal.
 */
bool term_use_color(int fd);

/*
 * Width in columns to wrap text for fd: $COLUMNS if it is a positive
 * number, else the terminal's width, else 80. Never less than 20.
 */
int term_width(int fd);

/* Height in rows of the terminal on fd, or 0 when unknown. */
int term_height(int fd);

/*
 * Put the terminal on fd into raw-ish mode (no echo, no canonical input,
 * ISIG off so Ctrl-C arrives as a byte). The previous mode is saved in
 * static storage so term_restore() can run from a signal handler.
 * Returns 0 or -1 (not a terminal).
 */
int term_raw(int fd);

/*
 * Restore the mode saved by term_raw() (async-signal-safe). Also shows
 * the cursor and resets attributes when `reset_screen` was asked for by
 * term_raw's caller via term_set_reset(). Safe to call more than once.
 */
void term_restore(void);

/*
 * Stopping (Ctrl-Z, SIGTSTP) while in raw mode: with a flag, the terminal
 * is restored before the stop, put back into raw mode on stdin when
 * continued, and *redraw is set (from the handler) so the caller draws
 * its screen again. With NULL, SIGTSTP gets its default action back.
 */
void term_catch_stop(volatile sig_atomic_t *redraw);

/*
 * The alternate screen on stdout (a terminal's second screen, which
 * keeps nothing in the scrollback): `on` enters it, clears it and puts
 * the cursor home; off clears it and goes back to the normal screen as
 * it was. Async-signal-safe (a write to the fd: callers flush stdio
 * first), so that leaving by signal can leave it too. Returns 0, or -1
 * (stdout is not a terminal, or the write failed).
 */
int term_alt_screen(bool on);

/* Ask term_restore() to also write "\033[0m\033[?25h" (cursor, colour). */
void term_set_reset(bool on);

/*
 * Read one key from fd (raw mode). Returns the byte, TERM_KEY_ESC for a
 * lone Escape, or -1 on EOF/error. Escape sequences (arrows) are read
 * whole and returned as TERM_KEY_OTHER.
 */
enum { TERM_KEY_ESC = 0x1b, TERM_KEY_OTHER = 0x100 };
int term_read_key(int fd);

#endif
