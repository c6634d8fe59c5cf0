/*
 * selfhelp grounding: guided exercises for acute distress.
 *
 * What a person types during a flashback or panic, so: it starts at once
 * with no question, never touches the vault, and one key (q, Esc,
 * Ctrl-C) or a signal leaves with status 0 and the terminal restored.
 * On a terminal it shows one step at a time; otherwise it prints the
 * steps once and exits without waiting.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP write one closing line, restore
 * the terminal and _exit(0) from the handler (only async-signal-safe
 * calls), so nothing can hold the person in the exercise. A handled
 * Ctrl-C maps to 0 rather than 130 on purpose: stopping is not failure.
 * SIGTSTP restores the terminal, stops, and re-enters raw mode on SIGCONT.
 */
#include "cmd.h"
#include "rating.h"
#include "vault.h"
#include "grounding.h"
#include "signals.h"
#include "term.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char grounding_help[] =
        "With no name, an eyes-open exercise starts at once (or the one\n"
        "'selfhelp config set grounding NAME' saved). One step at a\n"
        "time: Enter or space goes on, b goes back, q, Esc or Ctrl-C leaves.\n"
        "Leaving is always fine; the exit status is 0.\n"
        "\n"
        "  NAME              an exercise by name, or the start of its name\n"
        "  random            any exercise without a caution (with --for:\n"
        "                    any that suits); those with one start by name\n"
        "  list              the exercises, with where each comes from\n"
        "\n"
        "Not on a terminal, the steps are printed once, without waiting.\n";

static const char msg_stopped[] = "Stopped. You can come back any time.";
static const char msg_done[] = "That's the end of this exercise. "
                               "'selfhelp grounding list' shows others.";
static const char msg_saved[] = "Your ratings were saved.";
static const char msg_saved_locked[] = "Your ratings were saved; you can see "
                                       "them after you unlock.";
static const char msg_no_vault[] = "There is no vault yet ('selfhelp init' "
                                   "makes one), so the ratings were not "
                                   "stored.";
/* At 9 or 10 before the exercise; crisis_put_brief() follows. */
static const char msg_high_before[] =
        "That is a lot right now. Help is there too, at any moment:";
/* At 9 or 10 afterwards, by how it compares with before. */
static const char msg_high_rose[] =
        "It's more than before right now. That happens, and it isn't your "
        "failure; not every exercise fits every moment.";
static const char msg_high_same[] =
        "It's still a lot right now. That happens, and it isn't your "
        "failure; not every exercise fits every moment.";
static const char msg_high_after[] = /* no rating before */
        "That's a lot right now. That happens, and it isn't your failure; "
        "not every exercise fits every moment.";
static const char msg_high_eased[] =
        "It has eased a little, and it's still a lot right now. That is "
        "alright; it can take more than one try.";
static const char msg_high_next[] =
        "Another exercise may fit better ('selfhelp grounding list'), or "
        "someone from your safety plan. Help is there right now too:";
/* A rise that stays below 9. */
static const char msg_rose[] =
        "It's more than before right now. That happens, and it isn't your "
        "failure; not every exercise fits every moment. 'selfhelp "
        "grounding list' shows others.";
/* Shown before the first step when --pattern adds holds to an exercise
 * without a caution of its own. */
static const char *const hold_caution[] = {
        "Holding your breath makes panic worse for some people.",
        "If it does, skip the holds and breathe slowly, or use 4-6.",
};

enum {
	FRAME_MS = 80,    /* pacer redraw interval */
	BAR_CELLS = 24,   /* width of the breathing bar */
	STEP_INDENT = 2,  /* columns before a step on a terminal */
	RATING_SKIP = -1, /* Enter alone at a rating prompt */
	RATING_LEAVE = -2,
	RATING_HIGH = 9,  /* from here on, point to emergency help */
	WRAP_MAX = 80,    /* closing lines wrap at the terminal, up to this */
	LIST_INDENT = 25, /* where `list` puts the summary and source */
	KEY_NONE = -2,    /* wait_key: timeout or signal */
	KEY_EOF = -1,
	CTRL_C = 0x03,
	CTRL_D = 0x04,
	CTRL_H = 0x08,
	CTRL_Z = 0x1a,
	DEL = 0x7f,
};

struct opts {
	unsigned state; /* --for */
	bool have_pattern;
	struct grounding_pattern pattern;
	unsigned minutes; /* 0: the exercise's own */
	bool reduced_motion, plain, rate, json;
};

/* --- terminal state shared with the signal handlers --- */

static volatile sig_atomic_t need_redraw;

/* --- the interactive screen --- */

struct ui {
	struct cmd_ctx *ctx;
	const struct grounding_exercise *ex;
	char *title, *note;
	const char *const *caution; /* ncaution lines, borrowed */
	size_t ncaution;
	char **steps; /* expanded */
	size_t nsteps;
	bool pacer;
	struct grounding_pattern pattern;
	unsigned cycles;
	bool fancy;  /* escape sequences allowed (a real terminal) */
	bool inl;    /* redraw the step line in place */
	bool color;  /* bold title, dim hints */
	bool motion; /* animated breathing bar */
	bool utf8;
	bool rated;
	size_t step; /* the step on screen */
};

/* Text to write when a signal ends the run. */
static void
update_leave_text(const struct ui *ui)
{
	char text[256];
	snprintf(text, sizeof(text), "%s%s\n", ui->inl ? "\n\n" : "\n",
	         msg_stopped);
	signals_catch_leave(STDOUT_FILENO, text, false);
}

static bool
env_on(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

static bool
locale_is_utf8(void)
{
	const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Wait up to timeout_ms (-1: no limit) for a key. Returns the key,
 * KEY_NONE on a timeout or an interrupting signal, KEY_EOF when the
 * terminal is gone.
 */
static int
wait_key(int timeout_ms)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	int r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? KEY_NONE : KEY_EOF;
	if (r == 0)
		return KEY_NONE;
	if (p.revents & POLLIN)
		return term_read_key(STDIN_FILENO);
	return KEY_EOF;
}

enum action { ACT_NONE, ACT_NEXT, ACT_BACK, ACT_LEAVE };

static enum action
classify(int k)
{
	switch (k) {
	case '\r':
	case '\n':
	case ' ':
	case 'n':
		return ACT_NEXT;
	case 'b':
	case 'B':
	case DEL:
	case CTRL_H:
		return ACT_BACK;
	case 'q':
	case 'Q':
	case TERM_KEY_ESC:
	case CTRL_C:
	case CTRL_D:
	case KEY_EOF:
		return ACT_LEAVE;
	case CTRL_Z:
		/* ISIG is off in raw mode: suspend as the shell would. */
		raise(SIGTSTP);
		return ACT_NONE;
	default:
		return ACT_NONE;
	}
}

static void
style(const struct ui *ui, const char *sgr)
{
	if (ui->color)
		fputs(sgr, stdout);
}

static void
draw_header(const struct ui *ui)
{
	const char *sep = ui->utf8 && ui->fancy ? " \xc2\xb7 " : ", ";
	style(ui, "\033[2m");
	printf("Enter: next%sb: back%sq: leave", sep, sep);
	style(ui, "\033[0m");
	fputs("\n\n", stdout);
}

/* The title, then the note and the caution in normal weight (never
 * dim: a caution is not the faintest text on the screen), before step 1. */
static void
draw_title(const struct ui *ui)
{
	style(ui, "\033[1m");
	fputs(ui->title, stdout);
	style(ui, "\033[0m");
	fputc('\n', stdout);
	if (ui->note)
		printf("%s\n", ui->note);
	for (size_t i = 0; i < ui->ncaution; i++)
		printf("%s\n", ui->caution[i]);
	fputc('\n', stdout);
}

/* Columns for closing lines: the terminal's, at most WRAP_MAX. */
static int
wrap_width(void)
{
	int w = isatty(STDOUT_FILENO) ? term_width(STDOUT_FILENO) : WRAP_MAX;
	return w <= 0 || w > WRAP_MAX ? WRAP_MAX : w;
}

/*
 * Print `text` broken between words to `width` columns, the cursor at
 * column `col` to begin with, later lines indented by `indent`; then a
 * newline. A word wider than the line gets one of its own.
 */
static void
put_wrapped(const char *text, int col, int indent, int width)
{
	bool line_start = true;
	for (const char *p = text; *(p += strspn(p, " "));) {
		size_t n = strcspn(p, " ");
		char *word = strndup(p, n);
		int w = word ? grounding_text_width(word) : -1;
		free(word);
		if (w < 0)
			w = (int)n;
		if (!line_start && col + 1 + w > width) {
			printf("\n%*s", indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, n, stdout);
		col += w;
		line_start = false;
		p += n;
	}
	putchar('\n');
}

/* "From: ..." after the last step. */
static void
put_source(const struct ui *ui)
{
	char line[512];
	if (!ui->ex->source)
		return;
	snprintf(line, sizeof(line), "From: %s", ui->ex->source);
	put_wrapped(line, 0, 0, wrap_width());
}

/*
 * Show the current step. In place, the cursor stays at the end of the
 * step line; otherwise every step gets a line of its own.
 */
static void
draw_step(const struct ui *ui)
{
	if (ui->inl)
		printf("\r\033[K%*s%s", STEP_INDENT, "", ui->steps[ui->step]);
	else
		printf("%s\n", ui->steps[ui->step]);
	fflush(stdout);
}

static void
redraw_all(const struct ui *ui)
{
	/* After a stop and continue the screen may hold anything. */
	fputs(ui->inl ? "\n\n" : "\n", stdout);
	draw_header(ui);
	draw_title(ui);
	draw_step(ui);
}

static void
closing(struct ui *ui, const char *msg)
{
	fputs(ui->inl ? "\n\n" : "\n", stdout);
	put_wrapped(msg, 0, 0, wrap_width());
	fflush(stdout);
}

/* A rating of 9 or 10 before the exercise: where help is, every time. */
static void
high_before(int before)
{
	if (before < RATING_HIGH)
		return;
	put_wrapped(msg_high_before, 0, 0, wrap_width());
	crisis_put_brief(stdout);
}

/*
 * After the exercise: when distress rose, or is at 9 or 10, a kind word
 * about it; at 9 or 10 also what could come next, and where help is, as
 * the last lines on the screen.
 */
static void
high_after(int before, int after)
{
	bool rated_before = before != RATING_SKIP;
	if (after == RATING_SKIP)
		return;
	if (after < RATING_HIGH) {
		if (rated_before && after > before) {
			putchar('\n');
			put_wrapped(msg_rose, 0, 0, wrap_width());
		}
		return;
	}
	putchar('\n');
	put_wrapped(!rated_before    ? msg_high_after
	            : after > before ? msg_high_rose
	            : after < before ? msg_high_eased
	                             : msg_high_same,
	            0, 0, wrap_width());
	put_wrapped(msg_high_next, 0, 0, wrap_width());
	crisis_put_brief(stdout);
}

/*
 * Ask for a 0-10 rating on its own line. Returns the number, RATING_SKIP
 * (Enter alone) or RATING_LEAVE.
 */
static int
ask_rating(struct ui *ui, const char *prompt)
{
	char buf[3];
	size_t n = 0;

	printf("%s", prompt);
	fflush(stdout);
	for (;;) {
		if (need_redraw) {
			need_redraw = 0;
			printf("\n%s%.*s", prompt, (int)n, buf);
			fflush(stdout);
		}
		int k = wait_key(-1);
		if (k == KEY_NONE)
			continue;
		if (k >= '0' && k <= '9') {
			if (n < 2) {
				buf[n++] = (char)k;
				putchar(k);
			}
		} else if ((k == DEL || k == CTRL_H) && n) {
			n--;
			fputs("\b \b", stdout);
		} else if (k == '\r' || k == '\n') {
			putchar('\n');
			if (!n)
				return RATING_SKIP;
			int v = buf[0] - '0';
			if (n == 2)
				v = v * 10 + (buf[1] - '0');
			if (v <= 10) {
				ui->rated = true;
				update_leave_text(ui);
				return v;
			}
			printf("A number from 0 to 10 works here, or Enter "
			       "alone to skip.\n%s",
			       prompt);
			n = 0;
		} else if (k == CTRL_Z) {
			raise(SIGTSTP);
		} else if (classify(k) == ACT_LEAVE) {
			putchar('\n');
			return RATING_LEAVE;
		}
		fflush(stdout);
	}
}

static const char *
phase_word(enum grounding_phase ph)
{
	switch (ph) {
	case GROUNDING_PHASE_IN:
		return "breathe in";
	case GROUNDING_PHASE_OUT:
		return "breathe out";
	default:
		return "hold";
	}
}

/* One frame of the moving bar, without a newline. */
static void
draw_bar(const struct ui *ui, const struct grounding_pacer_state *st)
{
	static const char *const eighths[] = {
	        "",
	        "\xe2\x96\x8f",
	        "\xe2\x96\x8e",
	        "\xe2\x96\x8d",
	        "\xe2\x96\x8c",
	        "\xe2\x96\x8b",
	        "\xe2\x96\x8a",
	        "\xe2\x96\x89",
	};
	char line[256];
	size_t len = 0;
	int units = (int)(st->fraction * BAR_CELLS * 8 + 0.5);
	int full = units / 8, part = ui->utf8 ? units % 8 : 0, cells = 0;

	len += (size_t)snprintf(line, sizeof(line), "\r\033[K%*s%-11s  [",
	                        STEP_INDENT, "", phase_word(st->phase));
	for (; cells < full && cells < BAR_CELLS; cells++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s",
		                        ui->utf8 ? "\xe2\x96\x88" : "#");
	if (part && cells < BAR_CELLS) {
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s",
		                        eighths[part]);
		cells++;
	}
	for (; cells < BAR_CELLS; cells++)
		line[len++] = ' ';
	snprintf(line + len, sizeof(line) - len, "]  %u", st->secs_left);
	fputs(line, stdout);
	fflush(stdout);
}

static void
print_phase_line(const struct grounding_pacer_state *st,
                 const struct grounding_pattern *p)
{
	static const char *const words[] = {"Breathe in", "Hold", "Breathe out",
	                                    "Hold"};
	const unsigned secs[] = {p->in, p->hold_in, p->out, p->hold_out};
	printf("%s for %u.\n", words[st->phase], secs[st->phase]);
	fflush(stdout);
}

enum pacer_end { PACER_DONE, PACER_BACK, PACER_LEAVE };

static enum pacer_end
run_pacer(struct ui *ui)
{
	uint64_t start = now_ms();
	enum grounding_phase last_phase = GROUNDING_PHASE_DONE;
	unsigned last_cycle = (unsigned)-1;

	if (ui->motion)
		fputs("\n\n\033[?25l", stdout);
	else
		fputs(ui->inl ? "\n\n" : "\n", stdout);
	for (;;) {
		uint64_t el = now_ms() - start;
		struct grounding_pacer_state st =
		        grounding_pacer_at(&ui->pattern, ui->cycles, el);
		if (st.phase == GROUNDING_PHASE_DONE)
			return PACER_DONE;
		if (ui->motion) {
			draw_bar(ui, &st);
		} else if (st.phase != last_phase || st.cycle != last_cycle) {
			print_phase_line(&st, &ui->pattern);
		}
		last_phase = st.phase;
		last_cycle = st.cycle;

		uint64_t wait = ui->motion && st.ms_left > FRAME_MS
		                        ? FRAME_MS
		                        : st.ms_left;
		int k = wait_key((int)wait);
		if (need_redraw) {
			need_redraw = 0;
			/* Start this breath again rather than jump ahead. */
			start = now_ms() -
			        (uint64_t)st.cycle * grounding_pattern_cycle_ms(
			                                     &ui->pattern);
			redraw_all(ui);
			fputs(ui->motion ? "\n\n\033[?25l"
			      : ui->inl  ? "\n\n"
			                 : "\n",
			      stdout);
			last_phase = GROUNDING_PHASE_DONE;
			continue;
		}
		switch (classify(k)) {
		case ACT_NEXT:
			return PACER_DONE;
		case ACT_BACK:
			/* The moving bar sits two lines below the step. */
			if (ui->motion)
				fputs("\r\033[K\033[2A\033[?25h", stdout);
			return PACER_BACK;
		case ACT_LEAVE:
			if (ui->motion)
				fputs("\033[?25h", stdout);
			return PACER_LEAVE;
		default:
			break;
		}
	}
}

/*
 * Store the ratings as a "rating" record, never asking for a passphrase:
 * unlocked when a key is remembered (or a passphrase file is given),
 * otherwise sealed to the vault's public key.
 */
static void
save_rating(struct ui *ui, int before, int after, bool quiet)
{
	struct rating r = {0};
	struct vault *v;
	struct stat st;
	bool sealed = false;
	char *path = ctx_vault_path(ui->ctx);
	bool exists = path && stat(path, &st) == 0;
	free(path);
	if (!exists) {
		/* Not the thing to read at 9 or 10. */
		if (!quiet)
			put_wrapped(msg_no_vault, 0, 0, wrap_width());
		return;
	}
	fflush(stdout);
	if (!(v = ctx_vault_for_write(ui->ctx, &sealed)))
		return;
	r.created = time(NULL);
	snprintf(r.exercise, sizeof(r.exercise), "%s", ui->ex->name);
	r.before = before == RATING_SKIP ? RATING_NONE : before;
	r.after = after == RATING_SKIP ? RATING_NONE : after;
	if (vault_begin(v) || rating_add(v, sealed, &r, NULL) ||
	    vault_commit(v)) {
		vault_rollback(v);
		fail("The ratings could not be saved: %s", vault_errmsg(v));
		return;
	}
	put_wrapped(sealed ? msg_saved_locked : msg_saved, 0, 0, wrap_width());
}

/* Returns the exit status (always 0: leaving is not an error). */
static int
run_steps(struct ui *ui, bool rate)
{
	int before = RATING_SKIP;

	draw_header(ui);
	if (rate) {
		/* The scale's ends in words, then a prompt that fits any
		 * width. */
		put_wrapped("How much distress is there right now? 0 is calm, "
		            "10 is the most; Enter skips.",
		            0, 0, wrap_width());
		before = ask_rating(ui, "0 to 10: ");
		if (before == RATING_LEAVE) {
			closing(ui, msg_stopped);
			return 0;
		}
		high_before(before);
		fputc('\n', stdout);
	}
	draw_title(ui);
	ui->step = 0;
	draw_step(ui);
	for (;;) {
		if (need_redraw) {
			need_redraw = 0;
			redraw_all(ui);
		}
		switch (classify(wait_key(-1))) {
		case ACT_LEAVE:
			closing(ui, msg_stopped);
			return 0;
		case ACT_BACK:
			if (ui->step > 0) {
				ui->step--;
				draw_step(ui);
			}
			break;
		case ACT_NEXT:
			if (ui->step + 1 < ui->nsteps) {
				ui->step++;
				draw_step(ui);
				break;
			}
			if (ui->pacer) {
				enum pacer_end e = run_pacer(ui);
				if (e == PACER_LEAVE) {
					closing(ui, msg_stopped);
					return 0;
				}
				if (e == PACER_BACK) {
					draw_step(ui);
					break;
				}
				if (ui->motion)
					fputs("\033[?25h", stdout);
			}
			goto finished;
		default:
			break;
		}
	}
finished:
	fputs(ui->inl ? "\n\n" : "\n", stdout);
	put_source(ui);
	if (rate) {
		putchar('\n');
		int after = ask_rating(ui, "And now, 0 to 10? (Enter skips) ");
		if (after == RATING_LEAVE) {
			closing(ui, msg_stopped);
			return 0;
		}
		put_wrapped(msg_done, 0, 0, wrap_width());
		if (before != RATING_SKIP || after != RATING_SKIP)
			save_rating(ui, before, after,
			            (after == RATING_SKIP ? before : after) >=
			                    RATING_HIGH);
		high_after(before, after);
		fflush(stdout);
		return 0;
	}
	put_wrapped(msg_done, 0, 0, wrap_width());
	fflush(stdout);
	return 0;
}

static int
run_interactive(struct ui *ui, const struct opts *o)
{
	int width = term_width(STDOUT_FILENO);

	ui->fancy = term_is_tty(STDOUT_FILENO) && !o->plain;
	ui->inl = ui->fancy && width >= GROUNDING_MAX_COLS + STEP_INDENT + 2;
	ui->color = ui->fancy && term_use_color(STDOUT_FILENO);
	ui->utf8 = !o->plain && locale_is_utf8();
	ui->motion = ui->inl && !o->reduced_motion;
	int status = -1;

	update_leave_text(ui);
	term_catch_stop(&need_redraw);
	term_set_reset(ui->fancy);
	/* When keys can't be read one at a time, -1: print everything. */
	if (term_raw(STDIN_FILENO) == 0) {
		status = run_steps(ui, o->rate);
		fflush(stdout);
		term_restore();
	}
	term_set_reset(false);
	signals_catch_leave(STDOUT_FILENO, NULL, false);
	term_catch_stop(NULL);
	return status;
}

/* --- not a terminal: everything once, no waiting, no escapes --- */

static void
print_phase(const char *what, unsigned secs)
{
	printf("%s for %u second%s.\n", what, secs, secs == 1 ? "" : "s");
}

static void
print_plain(const struct ui *ui, unsigned minutes)
{
	printf("%s\n", ui->title);
	if (ui->note)
		printf("%s\n", ui->note);
	for (size_t i = 0; i < ui->ncaution; i++)
		printf("%s\n", ui->caution[i]);
	putchar('\n');
	for (size_t i = 0; i < ui->nsteps; i++)
		printf("%s\n", ui->steps[i]);
	if (ui->pacer) {
		const struct grounding_pattern *p = &ui->pattern;
		putchar('\n');
		print_phase("Breathe in", p->in);
		if (p->hold_in)
			print_phase("Hold", p->hold_in);
		print_phase("Breathe out", p->out);
		if (p->hold_out)
			print_phase("Hold", p->hold_out);
		printf("Repeat for about %u minute%s.\n", minutes,
		       minutes == 1 ? "" : "s");
	}
	if (ui->ex->source) {
		putchar('\n');
		put_source(ui);
	}
}

/* --- list --- */

static json_t *
states_json(unsigned states)
{
	json_t *a = json_array();
	if (states & GROUNDING_TOO_MUCH)
		json_array_append_new(a, json_string("too-much"));
	if (states & GROUNDING_TOO_LITTLE)
		json_array_append_new(a, json_string("too-little"));
	return a;
}

static json_t *
exercise_json(const struct grounding_exercise *ex)
{
	json_t *o = json_object(), *suits = states_json(ex->suits);
	json_t *caution = json_null();
	char pat[32];
	if (ex->ncaution) {
		caution = json_array();
		for (size_t i = 0; i < ex->ncaution; i++)
			json_array_append_new(caution,
			                      json_string(ex->caution[i]));
	}
	json_object_set_new(o, "name", json_string(ex->name));
	json_object_set_new(o, "title", json_string(ex->title));
	json_object_set_new(o, "summary", json_string(ex->summary));
	json_object_set_new(o, "minutes", json_integer(ex->minutes));
	json_object_set_new(o, "for", suits);
	json_object_set_new(o, "focus",
	                    json_string(grounding_focus_name(ex->focus)));
	json_object_set_new(o, "pattern",
	                    ex->has_pattern
	                            ? json_string(grounding_pattern_format(
	                                      &ex->pattern, pat, sizeof(pat)))
	                            : json_null());
	json_object_set_new(o, "default", json_boolean(ex->is_default));
	json_object_set_new(o, "first_for", states_json(ex->first_for));
	json_object_set_new(o, "note",
	                    ex->note ? json_string(ex->note) : json_null());
	/* the caution's lines as shown; with one, random never starts it */
	json_object_set_new(o, "caution", caution);
	json_object_set_new(o, "random", json_boolean(!ex->ncaution));
	json_object_set_new(o, "source",
	                    ex->source ? json_string(ex->source) : json_null());
	return o;
}

/* One exercise in `list`: name, minutes, summary; then a mark when it
 * has a caution, and where it comes from. */
static void
list_one(const struct grounding_exercise *ex)
{
	char line[512];
	printf("%-16s %2u min  %s\n", ex->name, ex->minutes, ex->summary);
	if (ex->ncaution)
		printf("%*sWith a caution: it starts only by its name.\n",
		       LIST_INDENT, "");
	if (ex->source) {
		snprintf(line, sizeof(line), "From: %s", ex->source);
		printf("%*s", LIST_INDENT, "");
		put_wrapped(line, LIST_INDENT, LIST_INDENT, WRAP_MAX);
	}
}

static int
list_exercises(const struct grounding_set *set, const struct opts *o)
{
	size_t n = grounding_set_count(set);
	if (o->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			const struct grounding_exercise *ex =
			        grounding_set_at(set, i);
			if (!o->state || (ex->suits & o->state))
				json_array_append_new(arr, exercise_json(ex));
		}
		int rc = json_dumpf(arr, stdout, JSON_INDENT(2));
		json_decref(arr);
		putchar('\n');
		return rc == 0 ? 0 : fail("Could not write the list.");
	}
	/* The default first: what starts with no name. */
	const struct grounding_exercise *d = grounding_set_default(set);
	if (!o->state || (d->suits & o->state))
		list_one(d);
	for (size_t i = 0; i < n; i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		if (ex != d && (!o->state || (ex->suits & o->state)))
			list_one(ex);
	}
	return 0;
}

/* --- options --- */

static int
for_option(void *p, const struct opt *opt, char *arg)
{
	struct opts *o = p;
	o->state = grounding_state_parse(arg);
	if (!o->state)
		return usage_error("--for takes too-much or too-little.");
	return 0;
}

static int
pattern_option(void *p, const struct opt *opt, char *arg)
{
	struct opts *o = p;
	switch (grounding_pattern_parse(arg, &o->pattern)) {
	case 0:
		break;
	case GROUNDING_ETOOFAST:
		return usage_error(
		        "--pattern %s is faster than selfhelp paces: "
		        "one breath takes at least %d seconds here, "
		        "as faster breathing can make you dizzy. 4-6 "
		        "is the default.",
		        arg, GROUNDING_CYCLE_MIN_S);
	case GROUNDING_ELONGHOLD:
		return usage_error(
		        "--pattern %s holds the breath longer than "
		        "selfhelp paces: holds of up to %d seconds, as "
		        "long ones raise fear for many. 4-6 has none.",
		        arg, GROUNDING_HOLD_MAX_S);
	default:
		return usage_error(
		        "--pattern takes 4-6, box, 4-7-8, or "
		        "IN-HOLD-OUT-HOLD in whole seconds: in and out "
		        "from %d to %d, holds from 0 to %d.",
		        GROUNDING_PHASE_MIN_S, GROUNDING_PHASE_MAX_S,
		        GROUNDING_HOLD_MAX_S);
	}
	o->have_pattern = true;
	return 0;
}

#define O(f) offsetof(struct opts, f)
static const struct opt grounding_options[] = {
        {"for", 0, OPT_CALL, 0, "STATE",
         "too-much (panicky, flooded) or too-little\n"
         "(numb, foggy, far away): one that suits starts",
         "too-much too-little", .call = for_option},
        {"pattern", 0, OPT_CALL, 0, "P",
         "breathing: 4-6 (the default, no holds); with\n"
         "holds, which make panic worse for some: box,\n"
         "4-7-8, or IN-HOLD-OUT-HOLD in whole seconds\n"
         "(in and out 1 to 20, holds up to 7, a breath\n"
         "at least 6)",
         "4-6 box 4-7-8", .call = pattern_option},
        {"minutes", 0, OPT_INT, O(minutes), "N",
         "breathing: how long the pacer runs (1 to 60)",
         .min = GROUNDING_MINUTES_MIN, .max = GROUNDING_MINUTES_MAX,
         .bad = "--minutes takes a whole number from 1 to 60."},
        {"reduced-motion", 0, OPT_FLAG, O(reduced_motion), NULL,
         .help = "breathing cues one line at a time, no moving bar\n"
                 "(also SELFHELP_REDUCED_MOTION=1, or 'selfhelp\n"
                 "config set motion reduced' for good)"},
        {"no-motion", 0, OPT_FLAG, O(reduced_motion), NULL, "",
         .flags = OPT_HIDDEN},
        {"plain", 0, OPT_FLAG, O(plain), NULL,
         .help = "no colour or redrawing, one line per step\n"
                 "(also SELFHELP_PLAIN=1)"},
        {"rate", 0, OPT_FLAG, O(rate), NULL,
         .help = "rate the distress 0-10 before and after\n"
                 "(saved in the vault, never asking a passphrase)"},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "with list: JSON for scripts"},
        {0},
};
#undef O

/* Returns 0, -1 (help shown: exit 0) or EXIT_USAGE after a message. */
static int
parse_opts(int argc, char **argv, struct opts *o, struct opt_words *w)
{
	/* SELFHELP_REDUCED_MOTION, when set, wins over the motion setting;
	 * --reduced-motion over both */
	const char *rm = getenv("SELFHELP_REDUCED_MOTION");
	const char *motion = rm && *rm ? NULL : run_setting(SETTINGS_MOTION);
	o->reduced_motion = rm && *rm
	                            ? env_on("SELFHELP_REDUCED_MOTION")
	                            : motion && strcmp(motion, "reduced") == 0;
	o->plain = env_on("SELFHELP_PLAIN");
	return opt_parse(argc, argv, o, w);
}

/*
 * The exercise of the `grounding` setting, when there is one and it
 * suits `state` (0: any state); else NULL, and the usual choice is made.
 * A saved exercise with a caution is the person's own choice: it starts.
 */
static const struct grounding_exercise *
saved_exercise(const struct grounding_set *set, unsigned state)
{
	const struct grounding_exercise *ex = NULL;
	const char *name = run_setting(SETTINGS_GROUNDING);
	if (!name)
		return NULL;
	if (grounding_set_find(set, name, &ex, NULL) != 0) {
		note("Your settings name the exercise '%s', which selfhelp "
		     "does not have, so the usual one starts.",
		     name);
		return NULL;
	}
	return !state || (ex->suits & state) ? ex : NULL;
}

/* Choose the exercise from the name (or none) and the options. */
static int
choose(const struct grounding_set *set, const char *name, const struct opts *o,
       const struct grounding_exercise **out)
{
	bool breath_opts = o->have_pattern || o->minutes;
	const char *suggest;

	if (name && strcmp(name, "random") == 0) {
		*out = grounding_set_pick(set, o->state, false,
		                          randombytes_random());
	} else if (name) {
		int rc = grounding_set_find(set, name, out, &suggest);
		if (rc == GROUNDING_EAMBIGUOUS)
			return usage_error("'%s' could be more than one "
			                   "exercise, such as '%s'. A few more "
			                   "letters will pick one.",
			                   name, suggest);
		if (rc && suggest)
			return usage_error("There is no exercise called '%s'. "
			                   "Did you mean '%s'?",
			                   name, suggest);
		if (rc)
			return usage_error("There is no exercise called '%s'. "
			                   "'selfhelp grounding list' shows "
			                   "them all.",
			                   name);
	} else if (breath_opts) {
		if (grounding_set_find(set, "breathing", out, NULL) != 0)
			return fail("The breathing exercise is missing from "
			            "this build.");
	} else if (!(*out = saved_exercise(set, o->state))) {
		*out = grounding_set_pick(set, o->state, true,
		                          randombytes_random());
	}
	if (!*out)
		return usage_error("No exercise suits that; 'selfhelp "
		                   "grounding list' shows them all.");
	if (breath_opts && !(*out)->has_pattern)
		return usage_error("'%s' has no breathing pacer; --pattern "
		                   "and --minutes go with 'breathing' or "
		                   "'box-breathing'.",
		                   (*out)->name);
	return 0;
}

static void
ui_release(struct ui *ui)
{
	free(ui->title);
	free(ui->note);
	for (size_t i = 0; i < ui->nsteps; i++)
		free(ui->steps[i]);
	free(ui->steps);
}

/* Fill in today's date and the pattern; returns -1 when out of memory. */
static int
ui_init(struct ui *ui, const struct grounding_exercise *ex,
        const struct opts *o)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	ui->ex = ex;
	ui->title = grounding_expand(ex->title, &tm);
	ui->note = ex->note ? grounding_expand(ex->note, &tm) : NULL;
	ui->steps = calloc(ex->nsteps, sizeof(*ui->steps));
	if (!ui->title || (ex->note && !ui->note) || !ui->steps)
		return -1;
	for (size_t i = 0; i < ex->nsteps; i++) {
		if (!(ui->steps[i] = grounding_expand(ex->steps[i], &tm)))
			return -1;
		ui->nsteps++;
	}
	ui->pacer = ex->has_pattern;
	ui->pattern = o->have_pattern ? o->pattern : ex->pattern;
	ui->caution = (const char *const *)ex->caution;
	ui->ncaution = ex->ncaution;
	/* Holds asked for with --pattern: their caution comes first too. */
	if (ui->pacer && !ui->ncaution &&
	    grounding_pattern_has_holds(&ui->pattern)) {
		ui->caution = hold_caution;
		ui->ncaution = sizeof(hold_caution) / sizeof(hold_caution[0]);
	}
	ui->cycles = grounding_pacer_cycles(
	        &ui->pattern, o->minutes ? o->minutes : ex->minutes);
	return 0;
}

static int
cmd_grounding(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opts o = {0};
	struct grounding_set *set = NULL;
	struct grounding_error err;
	const struct grounding_exercise *ex = NULL;
	struct ui ui = {0};
	ui.ctx = ctx;
	struct opt_words w;
	const char *name;
	int rc = parse_opts(argc, argv, &o, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (w.n > 1)
		return usage_error("'grounding' takes one exercise at a time.");
	name = w.n ? w.v[0] : NULL;
	if (name && strcmp(name, "help") == 0) {
		command_help(NULL, stdout);
		return 0;
	}
	if (o.json && !(name && strcmp(name, "list") == 0))
		return usage_error("--json goes with 'grounding list'.");

	rc = grounding_set_load_bundled(&set, &err);
	if (rc)
		return fail("The bundled exercise %s has a problem (line %u: "
		            "%s).",
		            err.file, err.line, err.msg);

	if (name && strcmp(name, "list") == 0) {
		rc = list_exercises(set, &o);
		goto out;
	}
	if ((rc = choose(set, name, &o, &ex)) != 0)
		goto out;
	if (ui_init(&ui, ex, &o) < 0) {
		rc = fail("Out of memory.");
		goto out;
	}
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && !run_no_input()) {
		rc = run_interactive(&ui, &o);
		if (rc >= 0)
			goto out;
	}
	if (o.rate)
		note("--rate asks on a terminal; %s, so nothing was asked.",
		     run_no_input() ? "--no-input says not to ask"
		                    : "there is none here");
	print_plain(&ui, o.minutes ? o.minutes : ex->minutes);
	rc = 0;
out:
	ui_release(&ui);
	grounding_set_free(set);
	return rc;
}

const struct command grounding_command = {
        "grounding",
        cmd_grounding,
        "guided exercises for when it is too much or too little",
        .args = "[NAME | random | list]",
        .opts = grounding_options,
        .help = grounding_help,
        .hint = HINT_EXERCISES,
        .words = "list random",
};
