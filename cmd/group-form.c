/*
 * The guided forms of `group prepare` and `group reflect`: one short
 * question at a time on a terminal, in raw mode. Enter skips a question;
 * Esc, Ctrl-C, Ctrl-D or q leaves (q on its own line in text questions),
 * after asking whether to keep what was typed. Ratings take one key,
 * 0-9, or 1 then 0 for 10; choices take one number key.
 *
 * The key handling follows cmd/trigger-form.c (same keys, same signal
 * handling: SIGINT, SIGTERM and SIGHUP from outside say that nothing was
 * saved, restore the terminal and _exit(0) with async-signal-safe calls
 * only; SIGTSTP restores the terminal, stops, and redraws on SIGCONT).
 */
#include "group-cmd.h"

#include "grounding.h"
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
	MAX_CHOICES = 8,
	BOUNDARY_SHOWN = 200, /* bytes of the boundary quoted in a question */
};

/* What an answer was. */
enum answer { ANS_OK, ANS_LEAVE, ANS_GONE };

static const char msg_intro_prepare[] =
        "A short check-in before the group. Enter skips a question; Esc or\n"
        "Ctrl-C leaves (so does q).\n";
static const char msg_intro_reflect[] =
        "A short look back at the group. Enter skips a question; Esc or\n"
        "Ctrl-C leaves (so does q).\n";
static const char msg_emergency[] =
        "If you are in danger or can't keep yourself safe, call your local\n"
        "emergency number now.\n";

/* Grounding exercises that can be done quietly in a room full of people,
 * offered by name when they are bundled. */
static const char *const quiet_exercises[] = {
        "feet", "object", "orienting", "5-4-3-2-1", "breathing", NULL,
};
static const char step_out[] = "step out for a few minutes";

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
group_form_terminal(void)
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
group_print_safe(const char *s, FILE *fp)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			c = '?';
		fputc(c, fp);
	}
}

/* --- keys --- */

struct form {
	FILE *out;
	const char *prompt; /* the question on screen, for redraws */
	bool emergency_shown;
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
	fputs(f->prompt ? f->prompt : "", f->out);
	fwrite(typed, 1, n, f->out);
	fflush(f->out);
}

/*
 * A line of text into l (NUL-terminated, at most LINE_BYTES - 1 bytes).
 * ANS_OK: Enter (an empty line skips); ANS_LEAVE: Esc, Ctrl-C, Ctrl-D on
 * an empty line, or "q" alone; ANS_GONE: the terminal went away. On
 * ANS_LEAVE l holds what was typed so far.
 */
static enum answer
read_line(struct form *f, char *l)
{
	size_t n = 0;
	l[0] = '\0';
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
 * (1). Enter alone skips (*out = GROUP_NO_RATING). On ANS_LEAVE *out is 1
 * when a 1 was waiting, else GROUP_NO_RATING.
 */
static enum answer
read_rating(struct form *f, int *out)
{
	bool one = false;
	*out = GROUP_NO_RATING;
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

enum qkind { Q_RATING, Q_STATE, Q_TEXT, Q_TOO_MUCH, Q_CLOSENESS, Q_KEPT };

struct question {
	enum qkind kind;
	int which; /* enum group_text for Q_TEXT and Q_TOO_MUCH */
	const char *text;
};

static const struct question prepare_questions[] = {
        {Q_RATING, 0,
         "How are you arriving? Distress 0-10 (0 calm, 10 the most): "},
        {Q_STATE, 0,
         "Which way is it? 1 too much (flooded, racing), 2 okay,\n"
         "3 too little (numb, foggy, far away): "},
        {Q_TEXT, GROUP_BRING, "What would you like to bring today? "},
        {Q_TEXT, GROUP_NEED, "What do you need from the group today? "},
        {Q_TEXT, GROUP_BOUNDARY,
         "Your boundary for today (like \"I may pass\", \"I leave at "
         "nine\",\n\"no advice please\"): "},
        {Q_TOO_MUCH, GROUP_IF_TOO_MUCH,
         "If it gets too much, what will you do? A number, or your own "
         "words:"},
};

static const struct question reflect_questions[] = {
        {Q_RATING, 0,
         "How are you leaving? Distress 0-10 (0 calm, 10 the most): "},
        {Q_STATE, 0,
         "Which way is it? 1 too much (flooded, racing), 2 okay,\n"
         "3 too little (numb, foggy, far away): "},
        {Q_TEXT, GROUP_MOVED, "What moved you? "},
        {Q_TEXT, GROUP_TRIGGERED,
         "Did anything trigger you? (Enter if nothing did) "},
        {Q_TEXT, GROUP_CONTRIBUTED,
         "What did you contribute? (listening counts too) "},
        {Q_CLOSENESS, 0,
         "Closeness and distance today: 1 too close, 2 about right, "
         "3 too far: "},
        {Q_KEPT, 0, NULL},
        {Q_TEXT, GROUP_NEXT, "What would you like to try next time? "},
        {Q_TEXT, GROUP_KIND_WORDS, "One kind sentence to yourself: "},
};

static const char kept_choices[] =
        "1 yes, 2 partly, 3 no, 4 it didn't come up: ";

/* Is the question's field still empty (so it is asked)? */
static bool
unanswered(const struct question *q, const struct group_record *r,
           const struct group_form_opts *o)
{
	switch (q->kind) {
	case Q_RATING:
		return (r->type == GROUP_PREPARE ? r->before : r->after) ==
		       GROUP_NO_RATING;
	case Q_STATE:
		return r->state == TRIGGER_STATE_NONE;
	case Q_TEXT:
	case Q_TOO_MUCH:
		return !r->text[q->which];
	case Q_CLOSENESS:
		return r->closeness == GROUP_CLOSENESS_NONE;
	case Q_KEPT:
		/* A check-in without a boundary: nothing to ask about. */
		return r->kept == GROUP_KEPT_NONE &&
		       !(o->prepared && !o->boundary);
	}
	return false;
}

/* The choices for "if it gets too much": stepping out, then quiet
 * exercises by title and name. Strings are malloc'd (free them). */
static size_t
too_much_choices(char **out)
{
	struct grounding_set *set = NULL;
	size_t n = 0;
	if ((out[n] = strdup(step_out)))
		n++;
	if (grounding_set_load_bundled(&set, NULL) != GROUNDING_OK)
		return n;
	for (size_t i = 0; quiet_exercises[i] && n < MAX_CHOICES; i++) {
		const struct grounding_exercise *ex;
		if (grounding_set_find(set, quiet_exercises[i], &ex, NULL) !=
		            GROUNDING_OK ||
		    strcmp(ex->name, quiet_exercises[i]) != 0)
			continue;
		if (asprintf(&out[n], "%s (selfhelp grounding %s)", ex->title,
		             ex->name) >= 0)
			n++;
	}
	grounding_set_free(set);
	return n;
}

/* The question with its numbered choices, one a line; "> " after. */
static char *
choice_prompt(const char *text, char *const *choices, size_t n)
{
	size_t cap = strlen(text) + 16;
	for (size_t i = 0; i < n; i++)
		cap += strlen(choices[i]) + 8;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	size_t k = (size_t)snprintf(p, cap, "%s\n", text);
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(p + k, cap - k, "  %zu %s\n", i + 1,
		                      choices[i]);
	snprintf(p + k, cap - k, "> ");
	return p;
}

/* The kept question, quoting the boundary when there is one. */
static char *
kept_prompt(const struct group_form_opts *o)
{
	char *p = NULL;
	if (o->boundary) {
		char quoted[BOUNDARY_SHOWN + 8];
		size_t n = 0;
		/* One line, no control characters, cut at a UTF-8 boundary. */
		for (const char *s = o->boundary; *s && n < BOUNDARY_SHOWN;
		     s++) {
			unsigned char c = (unsigned char)*s;
			quoted[n++] = c == '\n' || c == '\t'  ? ' '
			              : c < 0x20 || c == 0x7f ? '?'
			                                      : (char)c;
		}
		if (o->boundary[n]) {
			while (n &&
			       ((unsigned char)o->boundary[n] & 0xC0) == 0x80)
				n--;
			memcpy(quoted + n, "...", 3);
			n += 3;
		}
		quoted[n] = '\0';
		if (asprintf(&p,
		             "Your boundary for today was: %s\n"
		             "Did you keep it? %s",
		             quoted, kept_choices) < 0)
			p = NULL;
	} else if (asprintf(&p,
	                    "If you set yourself a boundary for today, did you "
	                    "keep it?\n%s",
	                    kept_choices) < 0) {
		p = NULL;
	}
	return p;
}

/* Is s (trimmed) made of digits only? */
static bool
only_number(const char *s)
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
 * The answer to "if it gets too much": comma-separated parts; a part that
 * is a number names a choice. Returns NULL, or a message to show before
 * asking again.
 */
static const char *
take_too_much(struct group_record *r, int which, char *line,
              char *const *choices, size_t nchoices)
{
	size_t cap = strlen(line) + 1;
	for (size_t i = 0; i < nchoices; i++)
		cap += strlen(choices[i]) + 2;
	char *out = malloc(cap), *p = line;
	size_t n = 0;
	const char *msg = NULL;
	if (!out)
		return "That could not be kept (out of memory).\n";
	out[0] = '\0';
	while (*p) {
		size_t k = strcspn(p, ",");
		char save = p[k];
		p[k] = '\0';
		const char *part = p;
		while (*part == ' ' || *part == '\t')
			part++;
		if (only_number(part)) {
			long v = strtol(part, NULL, 10);
			if (v < 1 || (size_t)v > nchoices) {
				msg = "Those numbers go from 1 to the last one "
				      "shown; your own words work too.\n";
				p[k] = save;
				break;
			}
			part = choices[v - 1];
		}
		if (*part)
			n += (size_t)snprintf(out + n, cap - n, "%s%s",
			                      n ? ", " : "", part);
		p[k] = save;
		p += k + (save ? 1 : 0);
	}
	if (!msg &&
	    group_set_text(r, (enum group_text)which, out) != TRIGGER_TEXT_OK)
		msg = "That could not be kept as it is; plain words work.\n";
	sodium_memzero(out, cap);
	free(out);
	return msg;
}

/* Ask one question. */
static enum answer
ask(struct form *f, const struct question *q, struct group_record *r,
    const struct group_form_opts *o, char *line)
{
	const char *text = q->text;
	char *owned = NULL, *choices[MAX_CHOICES];
	size_t nchoices = 0;
	enum answer a;
	int v;
	if (q->kind == Q_TOO_MUCH) {
		nchoices = too_much_choices(choices);
		owned = choice_prompt(q->text, choices, nchoices);
	} else if (q->kind == Q_KEPT) {
		owned = kept_prompt(o);
	}
	if (owned)
		text = owned;
	else if (!text)
		text = kept_choices;
	f->prompt = text;
	say(f, text);
	switch (q->kind) {
	case Q_RATING:
		a = read_rating(f, &v);
		if (v != GROUP_NO_RATING)
			*(r->type == GROUP_PREPARE ? &r->before : &r->after) =
			        v;
		if (a == ANS_OK && v >= RATING_HIGH && !f->emergency_shown) {
			say(f, msg_emergency);
			f->emergency_shown = true;
		}
		break;
	case Q_STATE:
		a = read_choice(f, 3, &v);
		if (v)
			r->state = (enum trigger_state)v;
		break;
	case Q_CLOSENESS:
		a = read_choice(f, 3, &v);
		if (v)
			r->closeness = (enum group_closeness)v;
		break;
	case Q_KEPT:
		a = read_choice(f, 4, &v);
		if (v)
			r->kept = (enum group_kept)v;
		break;
	default:
		for (;;) {
			const char *msg = NULL;
			a = read_line(f, line);
			if (a != ANS_OK && !(a == ANS_LEAVE && *line))
				break;
			/* Leaving mid-question keeps the words typed so
			 * far. */
			if (q->kind == Q_TOO_MUCH)
				msg = take_too_much(r, q->which, line, choices,
				                    nchoices);
			else if (group_set_text(r, (enum group_text)q->which,
			                        line) != TRIGGER_TEXT_OK)
				msg = "That could not be kept as it is; plain "
				      "words work.\n";
			if (!msg || a != ANS_OK)
				break;
			say(f, msg);
			say(f, text);
		}
		sodium_memzero(line, LINE_BYTES);
	}
	for (size_t i = 0; i < nchoices; i++)
		free(choices[i]);
	free(owned);
	f->prompt = NULL;
	return a;
}

int
group_form_run(struct group_record *r, const struct group_form_opts *o)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGTSTP};
	bool prep = r->type == GROUP_PREPARE;
	const struct question *qs =
	        prep ? prepare_questions : reflect_questions;
	size_t nq = prep ? sizeof(prepare_questions) / sizeof(*qs)
	                 : sizeof(reflect_questions) / sizeof(*qs);
	struct form f = {.out = o->out};
	char *line = malloc(LINE_BYTES);
	enum answer a = ANS_OK;
	int result = GROUP_FORM_DONE;

	if (!line)
		return -1;
	out_fd = fileno(o->out);
	for (size_t i = 0; i < 4; i++)
		install_handler(sigs[i],
		                sigs[i] == SIGTSTP ? on_tstp : on_leave_signal);
	if (term_raw(STDIN_FILENO) != 0) {
		result = -1;
		goto out;
	}
	say(&f, prep ? msg_intro_prepare : msg_intro_reflect);
	for (size_t i = 0; i < nq && a == ANS_OK; i++)
		if (unanswered(&qs[i], r, o))
			a = ask(&f, &qs[i], r, o, line);
	if (a == ANS_GONE)
		result = GROUP_FORM_DISCARD;
	else if (a == ANS_LEAVE)
		result = group_record_has_fields(r) && ask_keep(&f)
		                 ? GROUP_FORM_KEEP
		                 : GROUP_FORM_DISCARD;
	fflush(f.out);
	term_restore();
out:
	for (size_t i = 0; i < 4; i++)
		install_handler(sigs[i], SIG_DFL);
	sodium_memzero(line, LINE_BYTES);
	free(line);
	return result;
}
