/* Keys, prompts and signals of the guided forms (see form.h). */
#include "form.h"

#include "cmd.h"

#include "screen.h"
#include "signals.h"
#include "term.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	KEY_NONE = -2, /* a signal interrupted the wait */
	KEY_EOF = -1,
	CTRL_C = 0x03,
	CTRL_D = 0x04,
	CTRL_H = 0x08,
	CTRL_U = 0x15,
	CTRL_Z = 0x1a,
	CTRL_BACKSLASH = 0x1c,
	DEL = 0x7f,
	RATING_HIGH = 9, /* from here on, point to emergency help */
};

static const char msg_emergency[] =
        "If you are in danger or can't keep yourself safe, call your local\n"
        "emergency number now.\n";

/* --- terminal state shared with the signal handlers --- */

static const char leave_text[] = "\nStopped. Nothing was saved.\n";
static volatile sig_atomic_t need_redraw;
static int out_fd = STDOUT_FILENO;
static bool catch_quit; /* SIGQUIT is handled in this run */

/* Handlers in (the form's) or out (SIG_DFL). */
static void
set_handlers(bool in)
{
	signals_catch_leave(out_fd, in ? leave_text : NULL, catch_quit);
	term_catch_stop(in ? &need_redraw : NULL);
}

FILE *
form_terminal(void)
{
	if (!isatty(STDIN_FILENO))
		return NULL;
	if (isatty(STDOUT_FILENO))
		return stdout;
	if (isatty(STDERR_FILENO))
		return stderr;
	return NULL;
}

void
form_say(struct form *f, const char *s)
{
	fputs(s, f->out);
	fflush(f->out);
}

/* --- keys --- */

/* Wait for a key; KEY_NONE when a signal came first. */
static int
read_key(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	int r = poll(&p, 1, -1);
	if (r < 0)
		return errno == EINTR ? KEY_NONE : KEY_EOF;
	if (p.revents & POLLIN)
		return term_read_key(STDIN_FILENO);
	return KEY_EOF;
}

static bool
is_leave_key(int k)
{
	return k == TERM_KEY_ESC || k == CTRL_C || k == CTRL_BACKSLASH;
}

/* Keys every question handles alike. Returns true when k was one. */
static bool
common_key(int k)
{
	if (k == CTRL_Z) {
		/* ISIG is off in raw mode: suspend as the shell would. */
		raise(SIGTSTP);
		return true;
	}
	return k == KEY_NONE || k == TERM_KEY_OTHER;
}

static void
redraw(struct form *f, const char *typed, size_t n)
{
	need_redraw = 0;
	fputc('\n', f->out);
	fputs(f->prompt ? f->prompt : "", f->out);
	fwrite(typed, 1, n, f->out);
	fflush(f->out);
}

/*
 * The next key for the question to handle: draws the question again after
 * a stop (with what was typed so far) and handles the keys every question
 * shares.
 */
static int
next_key(struct form *f, const char *typed, size_t n)
{
	for (;;) {
		if (need_redraw)
			redraw(f, typed, n);
		int k = read_key();
		if (!common_key(k))
			return k;
	}
}

/* Rub out `cols` columns before the cursor. */
static void
rub_out(struct form *f, size_t cols)
{
	for (size_t i = 0; i < cols; i++)
		fputs("\b \b", f->out);
	fflush(f->out);
}

enum form_answer
form_read_line(struct form *f)
{
	char *l = f->line;
	size_t n = 0;
	l[0] = '\0';
	for (;;) {
		int k = next_key(f, l, n);
		if (k == KEY_EOF)
			return FORM_ANS_GONE;
		if (is_leave_key(k) || (k == CTRL_D && n == 0)) {
			form_say(f, "\n");
			return FORM_ANS_LEAVE;
		}
		if (k == '\r' || k == '\n') {
			form_say(f, "\n");
			if (strcmp(l, "q") == 0 || strcmp(l, "Q") == 0) {
				l[0] = '\0';
				return FORM_ANS_LEAVE;
			}
			return FORM_ANS_OK;
		}
		if (k == DEL || k == CTRL_H) {
			if (!n)
				continue;
			size_t start = n - 1;
			while (start > 0 &&
			       ((unsigned char)l[start] & 0xC0) == 0x80)
				start--;
			size_t w = util_display_width(l + start, n - start);
			n = start;
			l[n] = '\0';
			rub_out(f, w);
			continue;
		}
		if (k == CTRL_U) {
			rub_out(f, util_display_width(l, n));
			n = 0;
			l[0] = '\0';
			continue;
		}
		if (k == '\t')
			k = ' ';
		if (k < 0x20 || k == DEL || k > 0xff)
			continue;
		if (n + 1 >= FORM_LINE_BYTES)
			continue;
		l[n++] = (char)k;
		l[n] = '\0';
		fputc(k, f->out);
		fflush(f->out);
	}
}

void
form_forget_line(struct form *f)
{
	sodium_memzero(f->line, FORM_LINE_BYTES);
}

/* Show a digit key as the answer and end the line. */
static void
say_digit(struct form *f, int k)
{
	char s[3] = {(char)k, '\n', '\0'};
	form_say(f, s);
}

enum form_answer
form_read_rating(struct form *f, int *out)
{
	bool one = false;
	*out = FORM_NO_RATING;
	for (;;) {
		int k = next_key(f, "1", one ? 1 : 0);
		if (k == KEY_EOF)
			return FORM_ANS_GONE;
		if (is_leave_key(k) || k == CTRL_D || k == 'q' || k == 'Q') {
			form_say(f, "\n");
			if (one)
				*out = 1;
			return FORM_ANS_LEAVE;
		}
		if (one) {
			if (k == '0') {
				form_say(f, "0\n");
				*out = 10;
				return FORM_ANS_OK;
			}
			if (k == '\r' || k == '\n' || k == ' ') {
				form_say(f, "\n");
				*out = 1;
				return FORM_ANS_OK;
			}
			if (k == DEL || k == CTRL_H) {
				form_say(f, "\b \b");
				one = false;
			}
			continue;
		}
		if (k == '\r' || k == '\n') {
			form_say(f, "\n");
			return FORM_ANS_OK;
		}
		if (k == '1') {
			form_say(f, "1");
			one = true;
			continue;
		}
		if (k >= '0' && k <= '9') {
			say_digit(f, k);
			*out = k - '0';
			return FORM_ANS_OK;
		}
	}
}

enum form_answer
form_read_choice(struct form *f, int n, int *out)
{
	*out = 0;
	for (;;) {
		int k = next_key(f, "", 0);
		if (k == KEY_EOF)
			return FORM_ANS_GONE;
		if (is_leave_key(k) || k == CTRL_D || k == 'q' || k == 'Q') {
			form_say(f, "\n");
			return FORM_ANS_LEAVE;
		}
		if (k == '\r' || k == '\n') {
			form_say(f, "\n");
			return FORM_ANS_OK;
		}
		if (k >= '1' && k < '1' + n) {
			say_digit(f, k);
			*out = k - '0';
			return FORM_ANS_OK;
		}
	}
}

void
form_rating_help(struct form *f, int rating)
{
	if (rating >= RATING_HIGH && !f->emergency_shown) {
		/* the saved country's numbers right here, when there is one */
		if (!crisis_put_named(f->out))
			form_say(f, msg_emergency);
		fflush(f->out);
		f->emergency_shown = true;
	}
}

bool
form_only_numbers(const char *s)
{
	bool digit = false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s != ' ' && *s != '\t')
			return false;
	}
	return digit;
}

/*
 * Keep what was typed? Only an explicit n lets it go: Enter, y and the
 * leave keys (Esc, Ctrl-C, Ctrl-D, q) keep it, since pressing a leave
 * key twice is what someone in a hurry does. Only a key typed is shown.
 * The terminal going away keeps it too.
 */
static bool
ask_keep(struct form *f)
{
	f->prompt = "Keep what you wrote? [Y/n] ";
	form_say(f, f->prompt);
	for (;;) {
		int k = next_key(f, "", 0);
		if (k == KEY_EOF)
			return true;
		if (k == 'n' || k == 'N') {
			form_say(f, k == 'n' ? "n\n" : "N\n");
			return false;
		}
		if (k == 'y' || k == 'Y') {
			form_say(f, k == 'y' ? "y\n" : "Y\n");
			return true;
		}
		if (k == '\r' || k == '\n' || k == 'q' || k == 'Q' ||
		    is_leave_key(k) || k == CTRL_D) {
			form_say(f, "\n");
			return true;
		}
	}
}

/* --- a run --- */

int
form_begin(struct form *f, FILE *out, unsigned flags)
{
	*f = (struct form){.out = out, .line = malloc(FORM_LINE_BYTES)};
	if (!f->line)
		return -1;
	out_fd = fileno(out);
	catch_quit = flags & FORM_CATCH_SIGQUIT;
	set_handlers(true);
	if (term_raw(STDIN_FILENO) != 0) {
		set_handlers(false);
		free(f->line);
		f->line = NULL;
		return -1;
	}
	/* privacy = screen: the transcript off the scrollback (screen.h) */
	if (out == stdout)
		screen_private_begin(false);
	return 0;
}

int
form_end(struct form *f, enum form_answer a, bool has_fields)
{
	int result = FORM_DONE;
	if (a == FORM_ANS_GONE)
		result = FORM_DISCARD;
	else if (a == FORM_ANS_LEAVE)
		result = has_fields && ask_keep(f) ? FORM_KEEP : FORM_DISCARD;
	fflush(f->out);
	screen_private_end(false);
	term_restore();
	set_handlers(false);
	form_forget_line(f);
	free(f->line);
	f->line = NULL;
	return result;
}
