/*
 * The guided forms of `group prepare` and `group reflect`: one short
 * question at a time on a terminal, in raw mode. Enter skips a question;
 * Esc, Ctrl-C, Ctrl-D or q leaves (q on its own line in text questions),
 * after asking whether to keep what was typed. Ratings take one key,
 * 0-9, or 1 then 0 for 10; choices take one number key. The keys,
 * prompts and signal handling are cmd/form.c's.
 */
#include "group-cmd.h"

#include "editor.h"
#include "grounding.h"
#include "output.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

enum {
	MAX_CHOICES = 8,
	BOUNDARY_SHOWN = 200, /* bytes of the boundary quoted in a question */
};

_Static_assert((int)GROUP_NO_RATING == (int)FORM_NO_RATING,
               "form_read_rating() skips with GROUP_NO_RATING");

static const char msg_intro_prepare[] =
        "A short check-in before the group. Enter skips a question; Esc or\n"
        "Ctrl-C leaves (so does q).\n";
static const char msg_intro_reflect[] =
        "A short look back at the group. Enter skips a question; Esc or\n"
        "Ctrl-C leaves (so does q).\n";

/* Grounding exercises that can be done quietly in a room full of people,
 * offered by name when they are bundled. */
static const char *const quiet_exercises[] = {
        "feet", "object", "orienting", "5-4-3-2-1", "breathing", NULL,
};
static const char step_out[] = "step out for a few minutes";

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
		/* One line through the display sanitizer (the boundary comes
		 * from the vault), cut at a UTF-8 boundary. */
		char quoted[UTIL_CLEAN_SIZE(BOUNDARY_SHOWN) + 3];
		size_t n = strlen(o->boundary);
		bool cut = n > BOUNDARY_SHOWN;
		if (cut) {
			n = BOUNDARY_SHOWN;
			while (n &&
			       ((unsigned char)o->boundary[n] & 0xC0) == 0x80)
				n--;
		}
		n = util_clean(quoted, o->boundary, n, clean_locale());
		if (cut)
			memcpy(quoted + n, "...", 4);
		if (asprintf(&p,
		             "Your boundary for today was: %s\n"
		             "Did you keep it? %s",
		             quoted, kept_choices) < 0)
			p = NULL;
		sodium_memzero(quoted, sizeof(quoted));
	} else if (asprintf(&p,
	                    "If you set yourself a boundary for today, did you "
	                    "keep it?\n%s",
	                    kept_choices) < 0) {
		p = NULL;
	}
	return p;
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
		if (form_only_numbers(part)) {
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
	if (!msg && group_set_text(r, (enum group_text)which, out) !=
	                    RECORD_PROBLEM_NONE)
		msg = "That could not be kept as it is; plain words work.\n";
	sodium_memzero(out, cap);
	free(out);
	return msg;
}

/* Ask one question. */
static enum form_answer
ask(struct form *f, const struct question *q, struct group_record *r,
    const struct group_form_opts *o)
{
	const char *text = q->text;
	char *owned = NULL, *choices[MAX_CHOICES];
	size_t nchoices = 0;
	enum form_answer a;
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
	form_say(f, text);
	switch (q->kind) {
	case Q_RATING:
		a = form_read_rating(f, &v);
		if (v != GROUP_NO_RATING)
			*(r->type == GROUP_PREPARE ? &r->before : &r->after) =
			        v;
		if (a == FORM_ANS_OK)
			form_rating_help(f, v);
		break;
	case Q_STATE:
		a = form_read_choice(f, 3, &v);
		if (v)
			r->state = (enum trigger_state)v;
		break;
	case Q_CLOSENESS:
		a = form_read_choice(f, 3, &v);
		if (v)
			r->closeness = (enum group_closeness)v;
		break;
	case Q_KEPT:
		a = form_read_choice(f, 4, &v);
		if (v)
			r->kept = (enum group_kept)v;
		break;
	default:
		for (;;) {
			const char *msg = NULL;
			a = form_read_line(f);
			if (a != FORM_ANS_OK &&
			    !(a == FORM_ANS_LEAVE && *f->line))
				break;
			/* Leaving mid-question keeps the words typed so
			 * far. */
			if (q->kind == Q_TOO_MUCH)
				msg = take_too_much(r, q->which, f->line,
				                    choices, nchoices);
			else if (group_set_text(r, (enum group_text)q->which,
			                        f->line) != RECORD_PROBLEM_NONE)
				msg = "That could not be kept as it is; plain "
				      "words work.\n";
			if (!msg || a != FORM_ANS_OK)
				break;
			form_say(f, msg);
			form_say(f, text);
		}
		form_forget_line(f);
	}
	for (size_t i = 0; i < nchoices; i++)
		free(choices[i]);
	text_wipe_str(owned); /* may quote the boundary */
	f->prompt = NULL;
	return a;
}

int
group_form_run(struct group_record *r, const struct group_form_opts *o)
{
	bool prep = r->type == GROUP_PREPARE;
	const struct question *qs =
	        prep ? prepare_questions : reflect_questions;
	size_t nq = prep ? sizeof(prepare_questions) / sizeof(*qs)
	                 : sizeof(reflect_questions) / sizeof(*qs);
	struct form f;
	enum form_answer a = FORM_ANS_OK;

	if (form_begin(&f, o->out, FORM_CATCH_SIGQUIT) != 0)
		return -1;
	form_say(&f, prep ? msg_intro_prepare : msg_intro_reflect);
	for (size_t i = 0; i < nq && a == FORM_ANS_OK; i++)
		if (unanswered(&qs[i], r, o))
			a = ask(&f, &qs[i], r, o);
	return form_end(&f, a, group_record_has_fields(r));
}
