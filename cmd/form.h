/*
 * What the guided forms share (cmd/record-form.c asks a kind's questions):
 * one short question at a time on a terminal, keys read from stdin in
 * raw mode. Enter skips a question; Esc, Ctrl-C, Ctrl-D or q leaves (q
 * on its own line in text questions). Ratings take one key, 0-9, or 1
 * then 0 for 10; choices take one number key.
 *
 * Between form_begin() and form_end(), SIGINT, SIGTERM and SIGHUP (and
 * SIGQUIT with FORM_CATCH_SIGQUIT) from outside (in raw mode Ctrl-C
 * arrives as a key) say that nothing was saved, restore the terminal and
 * _exit(0) from the handler, using only async-signal-safe calls. SIGTSTP
 * (also Ctrl-Z) restores the terminal, stops, and redraws the question
 * on SIGCONT. One form runs at a time.
 */
#ifndef SELFHELP_CMD_FORM_H
#define SELFHELP_CMD_FORM_H

#include <stdbool.h>
#include <stdio.h>

enum {
	FORM_LINE_BYTES = 4096, /* a text answer, NUL included */
	FORM_NO_RATING = -1,    /* form_read_rating(): skipped */
	FORM_RATING_MAX = 10,   /* form_read_rating(): 0 to this */
};

/* How a form ended (form_end()). */
enum form_result {
	FORM_DONE,    /* every question was answered or skipped */
	FORM_KEEP,    /* left early; keep what was typed */
	FORM_DISCARD, /* left early; nothing is kept */
};

/* What an answer was. */
enum form_answer {
	FORM_ANS_OK,    /* answered, or skipped with Enter */
	FORM_ANS_LEAVE, /* Esc, Ctrl-C, Ctrl-D or q */
	FORM_ANS_GONE,  /* the terminal went away */
};

enum form_flags {
	FORM_CATCH_SIGQUIT = 1 << 0, /* SIGQUIT leaves like SIGTERM */
};

struct form {
	FILE *out;          /* the terminal to talk on */
	const char *prompt; /* the question on screen, for redraws; may be
	                       NULL; borrowed */
	char *line;         /* FORM_LINE_BYTES for text answers; owned */
	bool emergency_shown;
};

/* Where a form can talk: stdout or stderr when it is a terminal (and
 * stdin is one), else NULL. */
FILE *form_terminal(void);

/*
 * Start a form on `out` (a terminal): install the signal handlers and
 * put stdin in raw mode. Returns 0, or -1 (nothing to undo) when memory
 * ran out or stdin cannot be put in raw mode.
 */
int form_begin(struct form *f, FILE *out, unsigned flags);

/*
 * End a form whose last answer was `a`: after leaving early (and when
 * `has_fields` says something was typed) ask whether to keep it. Then
 * restore the terminal and the signal handlers and wipe f->line.
 * Returns an enum form_result.
 */
int form_end(struct form *f, enum form_answer a, bool has_fields);

/* Write s to the form's terminal now. */
void form_say(struct form *f, const char *s);

/*
 * A line of text into f->line (NUL-terminated). FORM_ANS_OK: Enter (an
 * empty line skips); FORM_ANS_LEAVE: Esc, Ctrl-C, Ctrl-D on an empty
 * line, or "q" alone; FORM_ANS_GONE: the terminal went away. On
 * FORM_ANS_LEAVE f->line holds what was typed so far. The caller wipes
 * it with form_forget_line() when done with it.
 */
enum form_answer form_read_line(struct form *f);
void form_forget_line(struct form *f);

/*
 * A 0-10 rating by one key: 0, 2-9 at once; 1 waits for 0 (10) or Enter
 * (1). Enter alone skips (*out = FORM_NO_RATING). On FORM_ANS_LEAVE *out
 * is 1 when a 1 was waiting, else FORM_NO_RATING.
 */
enum form_answer form_read_rating(struct form *f, int *out);

/* One key from 1..n (n at most 9); *out 0 when skipped. */
enum form_answer form_read_choice(struct form *f, int n, int *out);

/* Is s made of digits, spaces and tabs only, with a digit (an answer
 * that names numbered choices)? */
bool form_only_numbers(const char *s);

/* After a rating of how it is now: when it is high, say once per form
 * where emergency help is. */
void form_rating_help(struct form *f, int rating);

#endif
