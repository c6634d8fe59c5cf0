/*
 * The guided form of `trigger-log add`: one short question at a time on
 * a terminal, in raw mode. Enter skips a question; Esc, Ctrl-C, Ctrl-D
 * or q leaves (q on its own line in text questions), after asking whether
 * to keep what was typed. Ratings take one key, 0-9, or 1 then 0 for 10.
 * The keys, prompts and signal handling are cmd/form.c's; this form also
 * leaves on SIGQUIT.
 */
#include "trigger-log.h"

#include "dates.h"
#include "term.h"

#include <stdlib.h>
#include <string.h>

enum {
	MAX_COLS = 80,
};

_Static_assert((int)TRIGGER_NO_RATING == (int)FORM_NO_RATING,
               "form_read_rating() skips with TRIGGER_NO_RATING");

static const char msg_intro[] =
        "Short questions, one at a time. Enter skips one; Esc or Ctrl-C "
        "leaves\n(so does q).\n";

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
        {Q_TEXT, TRIGGER_TRIGGER,
         "What happened, and what brought it on? (It's fine not to know.) ",
         "What happened, and what brought it on? (It's fine not to know.) ",
         NULL},
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
        {Q_TEXT, TRIGGER_NOW_DIFFERS,
         "If it fits: how is now different from back then? ", NULL, NULL},
        {Q_LIST, TRIGGER_HELPED, "What did you do or try? (commas between) ",
         NULL, NULL},
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
		if (form_only_numbers(p))
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
		enum record_problem why = RECORD_PROBLEM_NONE;
		if (q->choices && form_only_numbers(p)) {
			for (char *t = p; *t && why == RECORD_PROBLEM_NONE;) {
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
		if (why == RECORD_PROBLEM_LONG)
			return "That is longer than one item can be (200 "
			       "bytes); a shorter name works.\n";
		if (why == RECORD_PROBLEM_FULL)
			return NULL; /* the list is full; move on */
		if (why != RECORD_PROBLEM_NONE)
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
		    RECORD_PROBLEM_NONE)
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

/* Ask one question; choices are wrapped to `width`. */
static enum form_answer
ask(struct form *f, const struct question *q, bool quick, int width,
    struct trigger_record *r, time_t now)
{
	const char *text = quick && q->quick_text ? q->quick_text : q->text;
	char *owned = NULL;
	enum form_answer a;
	if (q->choices) {
		owned = choice_prompt(q, width);
		if (owned)
			text = owned;
	}
	f->prompt = text;
	form_say(f, text);
	switch (q->kind) {
	case Q_BEFORE:
	case Q_AFTER: {
		int v;
		a = form_read_rating(f, &v);
		if (v != TRIGGER_NO_RATING)
			*(q->kind == Q_BEFORE ? &r->before : &r->after) = v;
		/* A rating of how it is now (not a back-filled one) this
		 * high: say where help is, once. */
		bool now_rating = q->kind == Q_AFTER || quick;
		if (a == FORM_ANS_OK && now_rating)
			form_rating_help(f, v);
		break;
	}
	case Q_STATE: {
		int v;
		a = form_read_choice(f, 3, &v);
		if (v)
			r->state = (enum trigger_state)v;
		break;
	}
	default:
		for (;;) {
			a = form_read_line(f);
			if (a != FORM_ANS_OK)
				break;
			const char *msg = take_answer(r, q, f->line, now);
			if (!msg)
				break;
			form_say(f, msg);
			form_say(f, text);
		}
		/* Leaving mid-question keeps the words typed so far. */
		if (a == FORM_ANS_LEAVE && *f->line && q->kind != Q_WHEN)
			take_answer(r, q, f->line, now);
		form_forget_line(f);
	}
	free(owned);
	f->prompt = NULL;
	return a;
}

int
trigger_form_run(struct trigger_record *r, const struct trigger_form_opts *o,
                 time_t now)
{
	struct form f;
	enum form_answer a = FORM_ANS_OK;
	int width = term_width(fileno(o->out));

	if (width > MAX_COLS)
		width = MAX_COLS;
	if (form_begin(&f, o->out, FORM_CATCH_SIGQUIT) != 0)
		return -1;
	form_say(&f, msg_intro);
	for (size_t i = 0; i < NQUESTIONS && a == FORM_ANS_OK; i++) {
		const struct question *q = &questions[i];
		if (o->quick && !q->quick_text)
			continue;
		if ((q->kind == Q_WHEN && !o->ask_when) || !unanswered(q, r))
			continue;
		a = ask(&f, q, o->quick, width, r, now);
	}
	return form_end(&f, a, trigger_record_has_fields(r));
}
