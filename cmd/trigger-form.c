/*
 * The guided form of `trigger-log add`: one short question at a time on
 * a terminal, in raw mode. Enter skips a question; Esc, Ctrl-C, Ctrl-D
 * or q leaves (q on its own line in text questions), after asking whether
 * to keep what was typed. Ratings take one key, 0-9, or 1 then 0 for 10.
 *
 * Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT (from outside: in raw
 * mode Ctrl-C arrives as a key) say that nothing was saved, restore the
 * terminal and _exit(0) from the handler, using only async-signal-safe
 * calls. SIGTSTP (also Ctrl-Z) restores the terminal, stops, and redraws
 * on SIGCONT.
 */
#include "trigger-log.h"

#include "dates.h"
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
	LINE_BYTES = 4096,
	RATING_HIGH = 9, /* from here on, point to emergency help */
	MAX_COLS = 80,
};

/* What an answer was. */
enum answer { ANS_OK, ANS_LEAVE, ANS_GONE };

static const char msg_intro[] =
        "Short questions, one at a time. Enter skips one; Esc or Ctrl-C "
        "leaves\n(so does q).\n";
static const char msg_emergency[] =
        "If you are in danger or can't keep yourself safe, call your local\n"
        "emergency number now.\n";

/* --- terminal state shared with the signal handlers --- */

static const char leave_text[] = "\nStopped. Nothing was saved.\n";
static volatile sig_atomic_t out_fd = STDOUT_FILENO;
static volatile sig_atomic_t need_redraw;

static void
on_leave_signal(int sig)
{
	if (sig != SIGHUP) {
		ssize_t w = write(out_fd, leave_text, sizeof(leave_text) - 1);
		(void)w;
	}
	term_restore();
	_exit(0);
}

static void on_tstp(int sig);

static void
install_handler(int sig, void (*fn)(int))
{
	struct sigaction sa = {0};
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void
on_tstp(int sig)
{
	int saved = errno;
	sigset_t s;
	term_restore();
	install_handler(SIGTSTP, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(SIGTSTP);
	/* Continued (SIGCONT): back to raw mode; the question is redrawn. */
	install_handler(SIGTSTP, on_tstp);
	term_raw(STDIN_FILENO);
	need_redraw = 1;
	errno = saved;
}

FILE *
trigger_form_terminal(void)
{
	if (!isatty(STDIN_FILENO))
		return NULL;
	if (isatty(STDOUT_FILENO))
		return stdout;
	if (isatty(STDERR_FILENO))
		return stderr;
	return NULL;
}

/* --- one form run --- */

struct form {
	FILE *out;
	const char *prompt; /* the question on screen, for redraws */
	bool emergency_shown;
	int width;
};

static void
say(struct form *f, const char *s)
{
	fputs(s, f->out);
	fflush(f->out);
}

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
	fputs(f->prompt, f->out);
	fwrite(typed, 1, n, f->out);
	fflush(f->out);
}

/*
 * A line of text into l (NUL-terminated, at most LINE_BYTES - 1 bytes).
 * ANS_OK: Enter (an empty line skips); ANS_LEAVE: Esc, Ctrl-C, Ctrl-D
 * on an empty line, or "q" alone; ANS_GONE: the terminal went away.
 * On ANS_LEAVE l holds what was typed so far.
 */
static enum answer
read_line(struct form *f, char *l)
{
	size_t n = 0;
	l[0] = '\0';
	f->prompt = f->prompt ? f->prompt : "";
	for (;;) {
		if (need_redraw)
			redraw(f, l, n);
		int k = read_key();
		if (common_key(k))
			continue;
		if (k == KEY_EOF)
			return ANS_GONE;
		if (is_leave_key(k) || (k == CTRL_D && n == 0)) {
			say(f, "\n");
			return ANS_LEAVE;
		}
		if (k == '\r' || k == '\n') {
			say(f, "\n");
			if (strcmp(l, "q") == 0 || strcmp(l, "Q") == 0) {
				l[0] = '\0';
				return ANS_LEAVE;
			}
			return ANS_OK;
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
			for (size_t i = 0; i < w; i++)
				fputs("\b \b", f->out);
			fflush(f->out);
			continue;
		}
		if (k == CTRL_U) {
			size_t w = util_display_width(l, n);
			for (size_t i = 0; i < w; i++)
				fputs("\b \b", f->out);
			fflush(f->out);
			n = 0;
			l[0] = '\0';
			continue;
		}
		if (k == '\t')
			k = ' ';
		if (k < 0x20 || k == DEL || k > 0xff)
			continue;
		if (n + 1 >= LINE_BYTES)
			continue;
		l[n++] = (char)k;
		l[n] = '\0';
		fputc(k, f->out);
		fflush(f->out);
	}
}

/*
 * A 0-10 rating by one key: 0, 2-9 at once; 1 waits for 0 (10) or Enter
 * (1). Enter alone skips (*out = TRIGGER_NO_RATING). On ANS_LEAVE *out
 * is 1 when a 1 was waiting, else TRIGGER_NO_RATING.
 */
static enum answer
read_rating(struct form *f, int *out)
{
	bool one = false;
	*out = TRIGGER_NO_RATING;
	for (;;) {
		if (need_redraw)
			redraw(f, "1", one ? 1 : 0);
		int k = read_key();
		if (common_key(k))
			continue;
		if (k == KEY_EOF)
			return ANS_GONE;
		if (is_leave_key(k) || k == CTRL_D || k == 'q' || k == 'Q') {
			say(f, "\n");
			if (one)
				*out = 1;
			return ANS_LEAVE;
		}
		if (one) {
			if (k == '0') {
				say(f, "0\n");
				*out = 10;
				return ANS_OK;
			}
			if (k == '\r' || k == '\n' || k == ' ') {
				say(f, "\n");
				*out = 1;
				return ANS_OK;
			}
			if (k == DEL || k == CTRL_H) {
				say(f, "\b \b");
				one = false;
			}
			continue;
		}
		if (k == '\r' || k == '\n') {
			say(f, "\n");
			return ANS_OK;
		}
		if (k == '1') {
			say(f, "1");
			one = true;
			continue;
		}
		if (k >= '0' && k <= '9') {
			char s[3] = {(char)k, '\n', '\0'};
			say(f, s);
			*out = k - '0';
			return ANS_OK;
		}
	}
}

/* One key from 1..n; *out 0 when skipped. */
static enum answer
read_choice(struct form *f, int n, int *out)
{
	*out = 0;
	for (;;) {
		if (need_redraw)
			redraw(f, "", 0);
		int k = read_key();
		if (common_key(k))
			continue;
		if (k == KEY_EOF)
			return ANS_GONE;
		if (is_leave_key(k) || k == CTRL_D || k == 'q' || k == 'Q') {
			say(f, "\n");
			return ANS_LEAVE;
		}
		if (k == '\r' || k == '\n') {
			say(f, "\n");
			return ANS_OK;
		}
		if (k >= '1' && k < '1' + n) {
			char s[3] = {(char)k, '\n', '\0'};
			say(f, s);
			*out = k - '0';
			return ANS_OK;
		}
	}
}

/* Keep what was typed? Enter or y keeps; n, q, Esc, Ctrl-C let it go. */
static bool
ask_keep(struct form *f)
{
	f->prompt = "Keep what you wrote? [Y/n] ";
	say(f, f->prompt);
	for (;;) {
		if (need_redraw)
			redraw(f, "", 0);
		int k = read_key();
		if (common_key(k))
			continue;
		if (k == KEY_EOF)
			return false;
		if (k == 'y' || k == 'Y' || k == '\r' || k == '\n') {
			say(f, "y\n");
			return true;
		}
		if (k == 'n' || k == 'N' || k == 'q' || k == 'Q' ||
		    is_leave_key(k) || k == CTRL_D) {
			say(f, "n\n");
			return false;
		}
	}
}

/* --- questions --- */

enum qkind { Q_WHEN, Q_BEFORE, Q_AFTER, Q_STATE, Q_TEXT, Q_LIST, Q_AGE };

struct question {
	enum qkind kind;
	int which; /* enum trigger_text / trigger_list */
	const char *text;
	const char *quick_text;     /* the wording in --quick, or NULL */
	const char *const *choices; /* numbered choices for a list */
};

static const struct question questions[] = {
        {Q_WHEN, 0,
         "When was it? Enter for now, or a date like 2026-11-01 14:30 or "
         "yesterday: ",
         NULL, NULL},
        {Q_BEFORE, 0,
         "How strong was the distress, 0-10 (0 calm, 10 the most)? ",
         "How strong is the distress right now, 0-10 (0 calm, 10 the "
         "most)? ",
         NULL},
        {Q_STATE, 0,
         "Which way did it go? 1 too much (flooded, racing), 2 okay,\n"
         "3 too little (numb, foggy, far away): ",
         "Which way is it? 1 too much (flooded, racing), 2 okay,\n"
         "3 too little (numb, foggy, far away): ",
         NULL},
        {Q_TEXT, TRIGGER_TRIGGER, "What happened, or what set it off? ",
         "What happened, or what set it off? ", NULL},
        {Q_LIST, TRIGGER_REACTIONS,
         "What kind of reaction was it? Numbers or your own words, commas "
         "between:",
         NULL, trigger_reaction_names},
        {Q_LIST, TRIGGER_VULNERABILITIES,
         "Was anything making it harder? Numbers or your own words, commas "
         "between:",
         NULL, trigger_vulnerability_names},
        {Q_LIST, TRIGGER_BODY,
         "What did you notice in your body? (commas between) ", NULL, NULL},
        {Q_LIST, TRIGGER_EMOTIONS,
         "Which emotions were there? (commas between) ", NULL, NULL},
        {Q_TEXT, TRIGGER_THOUGHTS, "Any thoughts or beliefs that came up? ",
         NULL, NULL},
        {Q_AGE, 0, "How old did you feel, in years? ", NULL, NULL},
        {Q_LIST, TRIGGER_URGES, "Any urges? (commas between) ", NULL, NULL},
        {Q_TEXT, TRIGGER_NOW_DIFFERS, "How is now different from back then? ",
         NULL, NULL},
        {Q_LIST, TRIGGER_HELPED,
         "What did you do, or what helped? (commas between) ", NULL, NULL},
        {Q_AFTER, 0,
         "And afterwards, or now: how strong is the distress, "
         "0-10? ",
         NULL, NULL},
        {Q_TEXT, TRIGGER_NOTE, "Anything else to note? ", NULL, NULL},
        {Q_LIST, TRIGGER_TAGS, "Tags? (commas between) ", NULL, NULL},
};
enum { NQUESTIONS = sizeof(questions) / sizeof(questions[0]) };

/* Is the question's field still empty (so it is asked)? */
static bool
unanswered(const struct question *q, const struct trigger_record *r)
{
	switch (q->kind) {
	case Q_WHEN:
		return true;
	case Q_BEFORE:
		return r->before == TRIGGER_NO_RATING;
	case Q_AFTER:
		return r->after == TRIGGER_NO_RATING;
	case Q_STATE:
		return r->state == TRIGGER_STATE_NONE;
	case Q_TEXT:
		return !r->text[q->which];
	case Q_LIST:
		return r->list[q->which].n == 0;
	case Q_AGE:
		return r->felt_age == TRIGGER_NO_AGE;
	}
	return false;
}

/* The question with its numbered choices, wrapped to the width; "> ". */
static char *
choice_prompt(const struct question *q, int width)
{
	size_t cap = strlen(q->text) + 64;
	for (size_t i = 0; q->choices[i]; i++)
		cap += strlen(q->choices[i]) + 8;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	size_t n = (size_t)snprintf(p, cap, "%s\n ", q->text);
	int col = 1;
	for (size_t i = 0; q->choices[i]; i++) {
		char item[96];
		int len = snprintf(item, sizeof(item), " %zu %s%s", i + 1,
		                   q->choices[i], q->choices[i + 1] ? "," : "");
		if (col + len > width && col > 1) {
			n += (size_t)snprintf(p + n, cap - n, "\n ");
			col = 1;
		}
		n += (size_t)snprintf(p + n, cap - n, "%s", item);
		col += len;
	}
	snprintf(p + n, cap - n, "\n> ");
	return p;
}

/* Is s (trimmed) made of whole numbers and spaces only? */
static bool
only_numbers(const char *s)
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
 * Add the answer to a list question: comma-separated parts; a part of
 * numbers names choices. Returns NULL, or a message to show before
 * asking again.
 */
static const char *
add_list_answer(struct trigger_record *r, const struct question *q, char *line)
{
	size_t nchoices = 0;
	while (q->choices && q->choices[nchoices])
		nchoices++;
	/* Check every number first, so nothing is half-added. */
	for (char *p = line; q->choices && *p;) {
		size_t k = strcspn(p, ",");
		char save = p[k];
		p[k] = '\0';
		if (only_numbers(p))
			for (char *t = p; *t;) {
				char *end;
				long v = strtol(t, &end, 10);
				if (end == t) {
					t++;
					continue;
				}
				if (v < 1 || (size_t)v > nchoices) {
					p[k] = save;
					return "Those numbers go from 1 to "
					       "the last one shown; your own "
					       "words work too.\n";
				}
				t = end;
			}
		p[k] = save;
		p += k + (save ? 1 : 0);
	}
	for (char *p = line; *p;) {
		size_t k = strcspn(p, ",");
		char save = p[k];
		p[k] = '\0';
		enum trigger_text_problem why = TRIGGER_TEXT_OK;
		if (q->choices && only_numbers(p)) {
			for (char *t = p; *t && why == TRIGGER_TEXT_OK;) {
				char *end;
				long v = strtol(t, &end, 10);
				if (end == t) {
					t++;
					continue;
				}
				why = trigger_add_items(
				        r, (enum trigger_list)q->which,
				        q->choices[v - 1]);
				t = end;
			}
		} else {
			why = trigger_add_items(r, (enum trigger_list)q->which,
			                        p);
		}
		p[k] = save;
		if (why == TRIGGER_TEXT_LONG)
			return "That is longer than one item can be (200 "
			       "bytes); a shorter name works.\n";
		if (why == TRIGGER_TEXT_FULL)
			return NULL; /* the list is full; move on */
		if (why != TRIGGER_TEXT_OK)
			return "That could not be kept as it is; plain words "
			       "work.\n";
		p += k + (save ? 1 : 0);
	}
	return NULL;
}

/*
 * Store a text answer. Returns NULL or a message (and the question is
 * asked again).
 */
static const char *
take_answer(struct trigger_record *r, const struct question *q, char *line,
            time_t now)
{
	switch (q->kind) {
	case Q_WHEN: {
		time_t t;
		if (!*line)
			return NULL;
		if (date_parse(line, now, DATE_START, &t))
			return "selfhelp doesn't know that date; try "
			       "2026-11-01 14:30, today or yesterday, or "
			       "Enter for now.\n";
		r->when = t;
		return NULL;
	}
	case Q_TEXT:
		if (trigger_set_text(r, (enum trigger_text)q->which, line) !=
		    TRIGGER_TEXT_OK)
			return "That could not be kept as it is; plain words "
			       "work.\n";
		return NULL;
	case Q_LIST:
		return add_list_answer(r, q, line);
	case Q_AGE: {
		char *end;
		long v;
		if (!*line)
			return NULL;
		v = strtol(line, &end, 10);
		while (*end == ' ')
			end++;
		if (end == line || *end || v < 0 || v > TRIGGER_AGE_MAX)
			return "An age in years works here, like 7, or Enter "
			       "to skip.\n";
		r->felt_age = (int)v;
		return NULL;
	}
	default:
		return NULL;
	}
}

/* Ask one question. */
static enum answer
ask(struct form *f, const struct question *q, bool quick,
    struct trigger_record *r, time_t now, char *line)
{
	const char *text = quick && q->quick_text ? q->quick_text : q->text;
	char *owned = NULL;
	enum answer a;
	if (q->choices) {
		owned = choice_prompt(q, f->width);
		if (owned)
			text = owned;
	}
	f->prompt = text;
	say(f, text);
	switch (q->kind) {
	case Q_BEFORE:
	case Q_AFTER: {
		int v;
		a = read_rating(f, &v);
		if (v != TRIGGER_NO_RATING)
			*(q->kind == Q_BEFORE ? &r->before : &r->after) = v;
		/* A rating of how it is now (not a back-filled one) this
		 * high: say where help is, once. */
		bool now_rating = q->kind == Q_AFTER || quick;
		if (a == ANS_OK && now_rating && v >= RATING_HIGH &&
		    !f->emergency_shown) {
			say(f, msg_emergency);
			f->emergency_shown = true;
		}
		break;
	}
	case Q_STATE: {
		int v;
		a = read_choice(f, 3, &v);
		if (v)
			r->state = (enum trigger_state)v;
		break;
	}
	default:
		for (;;) {
			a = read_line(f, line);
			if (a != ANS_OK)
				break;
			const char *msg = take_answer(r, q, line, now);
			if (!msg)
				break;
			say(f, msg);
			say(f, text);
		}
		/* Leaving mid-question keeps the words typed so far. */
		if (a == ANS_LEAVE && *line && q->kind != Q_WHEN)
			take_answer(r, q, line, now);
		sodium_memzero(line, LINE_BYTES);
	}
	free(owned);
	f->prompt = NULL;
	return a;
}

int
trigger_form_run(struct trigger_record *r, const struct form_opts *o,
                 time_t now)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	enum { NSIGS = sizeof(sigs) / sizeof(sigs[0]) };
	struct form f = {.out = o->out};
	char *line = malloc(LINE_BYTES);
	enum answer a = ANS_OK;
	int result = FORM_DONE;

	if (!line)
		return -1;
	f.width = term_width(fileno(o->out));
	if (f.width > MAX_COLS)
		f.width = MAX_COLS;
	out_fd = fileno(o->out);
	for (size_t i = 0; i < NSIGS; i++)
		install_handler(sigs[i],
		                sigs[i] == SIGTSTP ? on_tstp : on_leave_signal);
	if (term_raw(STDIN_FILENO) != 0) {
		result = -1;
		goto out;
	}
	say(&f, msg_intro);
	for (size_t i = 0; i < NQUESTIONS && a == ANS_OK; i++) {
		const struct question *q = &questions[i];
		if (o->quick && !q->quick_text)
			continue;
		if ((q->kind == Q_WHEN && !o->ask_when) || !unanswered(q, r))
			continue;
		a = ask(&f, q, o->quick, r, now, line);
	}
	if (a == ANS_GONE)
		result = FORM_DISCARD;
	else if (a == ANS_LEAVE)
		result = trigger_record_has_fields(r) && ask_keep(&f)
		                 ? FORM_KEEP
		                 : FORM_DISCARD;
	fflush(f.out);
	term_restore();
out:
	for (size_t i = 0; i < NSIGS; i++)
		install_handler(sigs[i], SIG_DFL);
	sodium_memzero(line, LINE_BYTES);
	free(line);
	return result;
}
