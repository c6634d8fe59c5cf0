/*
 * The guided form of a record being added: the questions of the kind's
 * table, one short question at a time on a terminal, in raw mode. Enter
 * skips a question; Esc, Ctrl-C, Ctrl-D or q leaves (q on its own line
 * in text questions), after asking whether to keep what was typed;
 * SIGQUIT leaves too. Ratings take one key, 0-9, or 1 then 0 for 10;
 * choices take one number key. The keys, prompts and signal handling are
 * cmd/form.c's.
 */
#include "record-cmd.h"

#include "dates.h"
#include "editor.h"
#include "term.h"
#include "wipe.h"

#include <stdlib.h>
#include <string.h>

enum {
	MAX_COLS = 80,
	MSG_MAX = 128,
};

_Static_assert((int)RECORD_NONE == (int)FORM_NO_RATING,
               "form_read_rating() skips with RECORD_NONE");

static const char msg_plain[] =
        "That could not be kept as it is; plain words work.\n";
static const char msg_numbers[] = "Those numbers go from 1 to the last one "
                                  "shown; your own words work too.\n";

#define AT(r, off, type) ((type *)(void *)((char *)(r) + (off)))

/* The numbered answers of a question, and how many. */
struct offers {
	const char *const *v;
	size_t n;
};

/* The question with its numbered answers wrapped to the width; "> ". */
static char *
offers_prompt(const char *text, const struct offers *o, int width)
{
	size_t cap = strlen(text) + 64;
	for (size_t i = 0; i < o->n; i++)
		cap += strlen(o->v[i]) + 8;
	char *p = malloc(cap);
	if (!p)
		return NULL;
	size_t n = (size_t)snprintf(p, cap, "%s\n ", text);
	int col = 1;
	for (size_t i = 0; i < o->n; i++) {
		char item[96];
		int len = snprintf(item, sizeof(item), " %zu %s%s", i + 1,
		                   o->v[i], i + 1 < o->n ? "," : "");
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

/* Do the numbers in the comma-separated parts of line that are only
 * numbers all name an answer? */
static bool
numbers_fit(char *line, const struct offers *o)
{
	for (char *p = line; o->n && *p;) {
		size_t k = strcspn(p, ",");
		char save = p[k];
		p[k] = '\0';
		for (char *t = p; form_only_numbers(p) && *t;) {
			char *end;
			long v = strtol(t, &end, 10);
			if (end == t) {
				t++;
				continue;
			}
			if (v < 1 || (size_t)v > o->n) {
				p[k] = save;
				return false;
			}
			t = end;
		}
		p[k] = save;
		p += k + (save ? 1 : 0);
	}
	return true;
}

/*
 * Call take(part) for each part of a line: comma-separated, and a part
 * made of numbers names answers (each number one). Stops at the first
 * problem, which it returns.
 */
static enum record_problem
each_part(char *line, const struct offers *o,
          enum record_problem (*take)(const char *part, void *arg), void *arg)
{
	enum record_problem why = RECORD_PROBLEM_NONE;
	for (char *p = line; *p && why == RECORD_PROBLEM_NONE;) {
		size_t k = strcspn(p, ",");
		char save = p[k];
		p[k] = '\0';
		if (o->n && form_only_numbers(p)) {
			for (char *t = p; *t && why == RECORD_PROBLEM_NONE;) {
				char *end;
				long v = strtol(t, &end, 10);
				if (end == t) {
					t++;
					continue;
				}
				why = take(o->v[v - 1], arg);
				t = end;
			}
		} else {
			why = take(p, arg);
		}
		p[k] = save;
		p += k + (save ? 1 : 0);
	}
	return why;
}

struct item_arg {
	const struct record_field *f;
	void *r;
};

static enum record_problem
take_item(const char *part, void *arg)
{
	struct item_arg *a = arg;
	return record_add_items(a->f, a->r, part);
}

/* The parts of a text answer joined with ", " (after their leading
 * blanks). */
struct join {
	char *s;
	size_t n, cap;
};

static enum record_problem
take_join(const char *part, void *arg)
{
	struct join *j = arg;
	while (*part == ' ' || *part == '\t')
		part++;
	size_t len = strlen(part);
	if (!len)
		return RECORD_PROBLEM_NONE;
	if (j->n + len + 3 > j->cap) {
		size_t cap = (j->n + len + 3) * 2;
		char *ns = malloc(cap);
		if (!ns)
			return RECORD_PROBLEM_MEMORY;
		if (j->s)
			memcpy(ns, j->s, j->n);
		wipe_free(j->s, j->cap);
		j->s = ns;
		j->cap = cap;
	}
	if (j->n) {
		memcpy(j->s + j->n, ", ", 2);
		j->n += 2;
	}
	memcpy(j->s + j->n, part, len);
	j->n += len;
	j->s[j->n] = '\0';
	return RECORD_PROBLEM_NONE;
}

/*
 * Take a line typed for field f. Returns NULL, or a message to show
 * before asking again (in msg when it is made up here).
 */
static const char *
take_line(const struct record_field *f, void *r, char *line,
          const struct offers *o, time_t now, char *msg)
{
	if (!numbers_fit(line, o))
		return msg_numbers;
	switch (f->type) {
	case RECORD_TIME: {
		time_t t;
		if (!*line)
			return NULL;
		if (date_parse(line, now, DATE_START, &t))
			return f->retry;
		*AT(r, f->offset, time_t) = t;
		return NULL;
	}
	case RECORD_INT: {
		char *end;
		long v;
		if (!*line)
			return NULL;
		v = strtol(line, &end, 10);
		while (*end == ' ')
			end++;
		if (end == line || *end || v < f->lo || v > f->hi)
			return f->retry ? f->retry : msg_plain;
		*AT(r, f->offset, int) = (int)v;
		return NULL;
	}
	case RECORD_TEXT: {
		struct join j = {0};
		enum record_problem why =
		        o->n ? each_part(line, o, take_join, &j)
		             : RECORD_PROBLEM_NONE;
		if (why == RECORD_PROBLEM_NONE)
			why = record_set_text(f, r,
			                      o->n ? (j.s ? j.s : "") : line);
		wipe_free(j.s, j.cap);
		return why == RECORD_PROBLEM_NONE ? NULL : msg_plain;
	}
	case RECORD_LIST:
	case RECORD_TAGS: {
		struct item_arg a = {f, r};
		switch (each_part(line, o, take_item, &a)) {
		case RECORD_PROBLEM_NONE:
		case RECORD_PROBLEM_FULL: /* the list is full; move on */
			return NULL;
		case RECORD_PROBLEM_LONG:
			snprintf(msg, MSG_MAX,
			         "That is longer than one item can be (%zu "
			         "bytes); a shorter name works.\n",
			         f->item_max);
			return msg;
		default:
			return msg_plain;
		}
	}
	default:
		return NULL;
	}
}

/* Ask for field f of the record being added. */
static enum form_answer
ask(struct form *fm, const struct record_field *f, struct record_adding *a,
    const struct record_prompt *p, int width, time_t now)
{
	const char *text = a->quick && f->quick ? f->quick : f->question;
	struct offers o = {f->offers, 0};
	char *owned = NULL, msg[MSG_MAX];
	enum form_answer ans;
	int v;
	if (p->noffers)
		o = (struct offers){(const char *const *)p->offers, p->noffers};
	else
		while (o.v && o.v[o.n])
			o.n++;
	if (p->text)
		text = p->text;
	else if (o.n && (owned = offers_prompt(text, &o, width)))
		text = owned;
	fm->prompt = text;
	form_say(fm, text);
	if (f->type == RECORD_INT && f->lo == 0 && f->hi == FORM_RATING_MAX) {
		ans = form_read_rating(fm, &v);
		if (v != RECORD_NONE)
			*AT(a->r, f->offset, int) = v;
		/* A rating of how it is now (not a back-filled one) this
		 * high: say where help is, once. */
		bool now_rating =
		        (f->flags & RECORD_ASK_NOW) || (a->quick && f->quick);
		if (ans == FORM_ANS_OK && now_rating)
			form_rating_help(fm, v);
	} else if (f->type == RECORD_CHOICE) {
		ans = form_read_choice(fm, (int)record_choice_count(f), &v);
		if (v)
			*AT(a->r, f->offset, int) = v;
	} else {
		for (;;) {
			ans = form_read_line(fm);
			if (ans != FORM_ANS_OK)
				break;
			const char *again =
			        take_line(f, a->r, fm->line, &o, now, msg);
			if (!again)
				break;
			form_say(fm, again);
			form_say(fm, text);
		}
		/* Leaving mid-question keeps the words typed so far. */
		if (ans == FORM_ANS_LEAVE && *fm->line &&
		    f->type != RECORD_TIME)
			take_line(f, a->r, fm->line, &o, now, msg);
		form_forget_line(fm);
	}
	free(owned);
	fm->prompt = NULL;
	return ans;
}

int
record_form_run(struct record_adding *a, bool ask_when, time_t now)
{
	const struct record_kind *k = a->cmd->kind;
	struct form fm;
	enum form_answer ans = FORM_ANS_OK;
	int width = term_width(fileno(a->tty));
	if (width > MAX_COLS)
		width = MAX_COLS;
	if (form_begin(&fm, a->tty, FORM_CATCH_SIGQUIT) != 0)
		return -1;
	form_say(&fm, k->layouts[a->variant].intro);
	for (size_t i = 0; i < k->nfields && ans == FORM_ANS_OK; i++) {
		int at = k->form_order ? k->form_order[i] : (int)i;
		if (at < 0)
			break;
		const struct record_field *f = &k->fields[at];
		struct record_prompt p = {0};
		if (!f->question || (a->quick && !f->quick) ||
		    !record_field_applies(k, a->r, f) ||
		    (f->type == RECORD_TIME ? !ask_when
		                            : record_field_set(f, a->r)))
			continue;
		if (!a->cmd->form_question || !a->cmd->form_question(a, f, &p))
			ans = ask(&fm, f, a, &p, width, now);
		wipe_free_str(p.text); /* may quote the record's words */
		for (size_t j = 0; j < p.noffers; j++)
			free(p.offers[j]);
	}
	return form_end(&fm, ans, record_has_fields(k, a->r));
}
