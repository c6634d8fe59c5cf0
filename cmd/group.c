/*
 * selfhelp group: before and after a self-help group meeting. A short
 * check-in before (prepare), a look back afterwards (reflect), reading,
 * changing and removing those, and a page of sample group agreements.
 * Records are sealed in the vault like journal entries (kind "group";
 * see lib/group.h).
 */
#include "cmd.h"
#include "group-cmd.h"

#include "content.h"
#include "dates.h"
#include "editor.h"
#include "output.h"
#include "pager.h"
#include "render.h"
#include "term.h"
#include "util.h"
#include "vault.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	SHORT_ID = 8,
	LABEL_COLS = 18,      /* one record: label column */
	SIDE_LABEL_COLS = 15, /* side by side: label column in each half */
	SIDE_MIN_WIDTH = 96,  /* narrower than this: one after the other */
	SIDE_GAP = 4,
	MAX_WIDTH = 160,
	PAGE_WIDTH = 80, /* agreements: at most this wide */
};

static const char group_help[] =
        "Before and after a self-help group meeting: arrive prepared, leave\n"
        "with something, keep your boundaries. Kept encrypted in your "
        "vault.\n"
        "A reflection made later on the same day as a check-in goes with "
        "it.\n";

static const char prepare_help[] =
        "A short check-in before a meeting. On a terminal with no field "
        "options,\none question at a time: Enter skips one, q, Esc or Ctrl-C "
        "leaves (and\nasks whether to keep what you wrote). Ratings take one "
        "key, 0-9, or 1\nthen 0 for 10. With field options it never asks. A "
        "TEXT of '-' is read\nfrom standard input. Prints the short id of the "
        "new check-in.\n";

static const char reflect_help[] =
        "A look back after a meeting. It goes with the check-in made earlier "
        "on\nthe same day, if there is one, and asks whether you kept the "
        "boundary\nyou set: every answer is fine. On a terminal with no field "
        "options,\none question at a time (Enter skips, q leaves); with field "
        "options it\nnever asks. When something triggered you, it shows a "
        "'trigger-log add'\nline you can use later. A TEXT of '-' is read from "
        "standard input.\nPrints the short id of the new reflection.\n";

static const char edit_help[] =
        "Change a check-in or reflection. With field options, those fields "
        "are\nreplaced (an empty value clears one). Otherwise it opens in your "
        "editor\n($VISUAL, $EDITOR, vi) as 'key: value' lines, in a private "
        "in-memory\nfile; or, when standard input is not a terminal, those "
        "lines are read\nfrom it. A check-in takes the options of 'group "
        "prepare', a reflection\nthose of 'group reflect'.\n";

#define DATES_HELP                                                             \
	"WHEN is a date like 2026-11-01 or 2026-11-01T19:30, or today,\n"      \
	"yesterday, 7d, 2w, 3m (days, weeks, months ago). A bare date in\n"    \
	"--until includes that whole day.\n"

/* --- options --- */

enum given_bits {
	GIVEN_BEFORE = 1u << 0,
	GIVEN_AFTER = 1u << 1,
	GIVEN_STATE = 1u << 2,
	GIVEN_CLOSENESS = 1u << 3,
	GIVEN_KEPT = 1u << 4,
	GIVEN_TEXT0 = 1u << 5, /* + enum group_text */
};

#define GIVEN_TEXT(t) (GIVEN_TEXT0 << (t))

struct gopts {
	struct group_record rec; /* the fields given as options */
	unsigned given;          /* enum given_bits */
	const char *date, *since, *until;
	int limit, width;
	bool json, yes, no_input, stdin_used;
	struct opt_words w;
};

/* The option name of a text field. */
static const char *
text_opt(enum group_text t)
{
	return t == GROUP_KIND_WORDS ? "kind" : group_text_key(t);
}

/* A text field's value, copied into the record and wiped in argv. */
static int
text_option(void *p, const struct opt *opt, char *arg)
{
	struct gopts *o = p;
	enum group_text t = (enum group_text)opt->id;
	char *in = NULL;
	const char *value = arg;
	size_t len = 0;
	if (strcmp(value, "-") == 0) {
		if (o->stdin_used)
			return usage_error("Only one option can read standard "
			                   "input ('-').");
		o->stdin_used = true;
		if (read_stdin_text(&in, &len))
			return 1;
		value = in;
	}
	enum record_problem why = group_set_text(&o->rec, t, value);
	text_wipe(in, len);
	arg_wipe(arg);
	if (why != RECORD_PROBLEM_NONE)
		return usage_error("The --%s text %s.", text_opt(t),
		                   trigger_problem_words(why));
	o->given |= GIVEN_TEXT(t);
	return 0;
}

/* A rating or a choice (id: its given bit). An empty choice clears the
 * field (for edit); otherwise it must parse. */
static int
field_option(void *p, const struct opt *opt, char *arg)
{
	struct gopts *o = p;
	long n;
	o->given |= (unsigned)opt->id;
	switch (opt->id) {
	case GIVEN_BEFORE:
	case GIVEN_AFTER:
		if (util_parse_long(arg, 0, GROUP_RATING_MAX, &n))
			return usage_error(
			        "--%s takes a number from 0 to 10 (0 "
			        "is calm, 10 the most distress).",
			        opt->name);
		*(opt->id == GIVEN_BEFORE ? &o->rec.before : &o->rec.after) =
		        (int)n;
		break;
	case GIVEN_STATE:
		o->rec.state = TRIGGER_STATE_NONE;
		if (*arg && trigger_state_parse(arg, &o->rec.state))
			return usage_error("--state takes too-much, okay or "
			                   "too-little.");
		break;
	case GIVEN_CLOSENESS:
		o->rec.closeness = GROUP_CLOSENESS_NONE;
		if (*arg && group_closeness_parse(arg, &o->rec.closeness))
			return usage_error("--closeness takes too-close, "
			                   "about-right or too-far.");
		break;
	case GIVEN_KEPT:
		o->rec.kept = GROUP_KEPT_NONE;
		if (*arg && group_kept_parse(arg, &o->rec.kept))
			return usage_error("--kept takes yes, partly, no or "
			                   "didnt-come-up.");
		break;
	}
	return 0;
}

#define O(f) offsetof(struct gopts, f)
#define TEXT(name, t, help)                                                    \
	{                                                                      \
		name, 0, OPT_CALL, 0, "TEXT", help, .call = text_option,       \
		                                    .id = (t)                  \
	}
#define FIELD(name, bit, arg, help, values)                                    \
	{                                                                      \
		name, 0, OPT_CALL, 0, arg, help, values, .call = field_option, \
		                                         .id = (bit)           \
	}
#define STATE_OPTION                                                           \
	FIELD("state", GIVEN_STATE, "S",                                       \
	      "too-much (flooded, racing), okay, or too-little\n"              \
	      "(numb, foggy, far away)",                                       \
	      "too-much okay too-little")
#define PREPARE_OPTIONS                                                        \
	FIELD("before", GIVEN_BEFORE, "N",                                     \
	      "distress as you arrive, 0 (calm) to 10", NULL),                 \
	        TEXT("bring", GROUP_BRING,                                     \
	             "what you would like to bring today"),                    \
	        TEXT("need", GROUP_NEED, "what you need from the group"),      \
	        TEXT("boundary", GROUP_BOUNDARY,                               \
	             "your boundary for today, like \"I may pass\",\n"         \
	             "\"I leave at nine\" or \"no advice please\""),           \
	        TEXT("if-too-much", GROUP_IF_TOO_MUCH,                         \
	             "what you will do if it gets too much")
#define REFLECT_OPTIONS                                                        \
	FIELD("after", GIVEN_AFTER, "N",                                       \
	      "distress as you leave, 0 (calm) to 10", NULL),                  \
	        TEXT("moved", GROUP_MOVED, "what moved you"),                  \
	        TEXT("triggered", GROUP_TRIGGERED, "what triggered you"),      \
	        TEXT("contributed", GROUP_CONTRIBUTED,                         \
	             "what you contributed (listening counts too)"),           \
	        FIELD("closeness", GIVEN_CLOSENESS, "C",                       \
	              "too-close, about-right or too-far",                     \
	              "too-close about-right too-far"),                        \
	        FIELD("kept", GIVEN_KEPT, "K",                                 \
	              "whether you kept the boundary you set: yes,\n"          \
	              "partly, no or didnt-come-up",                           \
	              "yes partly no didnt-come-up"),                          \
	        TEXT("next", GROUP_NEXT,                                       \
	             "what you would like to try next time"),                  \
	        TEXT("kind", GROUP_KIND_WORDS,                                 \
	             "one kind sentence to yourself")
#define DATE_OPTION                                                            \
	{                                                                      \
		"date", 0, OPT_DATE, O(date), "WHEN",                          \
		        .help = "when (default: now)"                          \
	}
#define NO_INPUT_OPTION                                                        \
	{                                                                      \
		"no-input", 0, OPT_FLAG, O(no_input), NULL,                    \
		        .help = "never ask; take only the options"             \
	}
#define WIDTH_OPTION(help)                                                     \
	{                                                                      \
		"width", 0, OPT_INT, O(width), "N", help,                      \
		        .min = 20, .max = 1000,                                \
		        .bad = "--width takes a number of columns from 20 to " \
		               "1000."                                         \
	}

static const struct opt prepare_options[] = {
        PREPARE_OPTIONS, STATE_OPTION, DATE_OPTION, NO_INPUT_OPTION, {0},
};
static const struct opt reflect_options[] = {
        REFLECT_OPTIONS, STATE_OPTION, DATE_OPTION, NO_INPUT_OPTION, {0},
};
static const struct opt edit_options[] = {
        PREPARE_OPTIONS, REFLECT_OPTIONS, STATE_OPTION, DATE_OPTION, {0},
};
static const struct opt list_options[] = {
        {NULL, 'n', OPT_INT, O(limit), "N", "the newest N only", .min = 1,
         .max = INT_MAX, .bad = "-n takes a count like 10."},
        {"since", 0, OPT_DATE, O(since), "WHEN", .help = "from then on"},
        {"until", 0, OPT_DATE, O(until), "WHEN", .help = "up to then"},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "every field, as JSON for scripts"},
        {0},
};
static const struct opt show_options[] = {
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "both, as JSON for scripts"},
        WIDTH_OPTION("lay out for N columns (default: the terminal);\n"
                     "from 96 on, side by side"),
        {0},
};
static const struct opt delete_options[] = {
        {"yes", 'y', OPT_FLAG, O(yes), NULL, .help = "delete without asking"},
        {0},
};
static const struct opt agreements_options[] = {
        WIDTH_OPTION("wrap at N columns (default: the terminal, at most 80)"),
        {0},
};
#undef O

/* Parse the options of the sub-command running into o. Returns 0, -1
 * after --help, or an exit status. */
static int
parse_opts(int argc, char **argv, struct gopts *o)
{
	memset(o, 0, sizeof(*o));
	group_record_init(&o->rec, GROUP_PREPARE);
	o->limit = -1;
	return opt_parse(argc, argv, o, &o->w);
}

/* parse_opts's result as an exit status, after releasing o. */
static int
opts_status(int rc, struct gopts *o)
{
	group_record_release(&o->rec);
	return rc < 0 ? 0 : rc;
}

static int
bad_date(const char *opt, const char *s)
{
	return usage_error("%s '%s' is not a date selfhelp understands; try "
	                   "2026-11-01, 2026-11-01T19:30, today, yesterday or "
	                   "7d.",
	                   opt, s);
}

/* --- output helpers --- */

static const char *
dot(void)
{
	return utf8_locale() ? " \xc2\xb7 " : " - ";
}

static void
short_id(const char *id, char *out)
{
	memcpy(out, id, SHORT_ID);
	out[SHORT_ID] = '\0';
}

static void
report_damaged(void *arg, const char *id)
{
	int *count = arg;
	(*count)++;
	fail("The group record %s could not be read: it is damaged or was "
	     "changed outside selfhelp. It was left out.",
	     shown_id(id));
}

static json_t *
record_json(const struct group_record *r)
{
	char created[40], updated[40];
	json_t *o = json_object();
	if (!o)
		return NULL;
	date_format_iso(r->created, created, sizeof(created));
	date_format_iso(r->updated, updated, sizeof(updated));
	if (json_object_set_new(o, "id", json_string(r->id)) ||
	    group_fields_json(r, o) ||
	    json_object_set_new(o, "created", json_string(created)) ||
	    json_object_set_new(o, "updated", json_string(updated)) ||
	    json_object_set_new(o, "linked",
	                        r->link[0] ? json_string(r->link)
	                                   : json_null()) ||
	    json_object_set_new(o, "written_while_locked",
	                        json_boolean(r->written_locked))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* "distress 6, too much" (or a part of it) into buf; "" when neither. */
static void
arrival_words(int rating, enum trigger_state state, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = '\0';
	if (rating != GROUP_NO_RATING)
		k = (size_t)snprintf(buf, size, "distress %d", rating);
	if (state && k < size)
		snprintf(buf + k, size - k, "%s%s", k ? ", " : "",
		         trigger_state_words(state));
}

/* "3f2a9c1b  2026-11-24 18:40  before  distress 6, too much  with ..." */
static void
print_line(const struct group_record *r)
{
	char sid[SHORT_ID + 1], when[32], line[256], words[64];
	bool prep = r->type == GROUP_PREPARE;
	short_id(r->id, sid);
	date_format_local(r->when, when, sizeof(when));
	arrival_words(prep ? r->before : r->after, r->state, words,
	              sizeof(words));
	int n = snprintf(line, sizeof(line), "%s  %s  %s", sid, when,
	                 prep ? "before" : "after");
	if (words[0] && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s  %s",
		              prep ? "" : " ", words);
	if (r->link[0] && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, "  with %.*s",
		         SHORT_ID, r->link);
	bool tty = isatty(STDOUT_FILENO);
	char *shown = util_truncate(
	        line, tty ? (size_t)term_width(STDOUT_FILENO) : (size_t)-1,
	        clean_locale());
	if (shown)
		fputs(shown, stdout);
	util_free_text(shown);
	sodium_memzero(line, sizeof(line));
	fputc('\n', stdout);
}

/* --- laying out a record --- */

/* Lines of text, owned, wiped when freed. */
struct lines {
	char **v;
	size_t n, cap;
};

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		text_wipe(l->v[i], strlen(l->v[i]));
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
lines_push(struct lines *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **nv = realloc(l->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	char *c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	return 0;
}

/* Bytes in the UTF-8 character starting with byte c (1 for stray bytes). */
static size_t
char_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0 && c < 0xf0)
		return 3;
	if (c >= 0xc0 && c < 0xe0)
		return 2;
	return 1;
}

/*
 * Wrap `s` to `width` display columns, greedily by words; a word longer
 * than a line is broken between characters. Each line of s starts a new
 * line. The text goes through the display sanitizer first (util_clean:
 * control characters and bytes that are not UTF-8 are replaced); tabs
 * show as spaces. Returns 0 or -1.
 */
static int
wrap_text(const char *s, size_t width, struct lines *out)
{
	size_t len = strlen(s), clen = UTIL_CLEAN_SIZE(len);
	char *clean = malloc(clen), *cur = malloc(clen);
	int rc = -1;
	if (!clean || !cur)
		goto done;
	util_clean(clean, s, len, UTIL_CLEAN_LINES | clean_locale());
	for (char *t = clean; (t = strchr(t, '\t'));)
		*t = ' ';
	for (char *p = clean;;) {
		char *nl = strchr(p, '\n');
		char *end = nl ? nl : p + strlen(p);
		size_t n = 0, w = 0;
		for (char *q = p; q < end;) {
			while (q < end && *q == ' ')
				q++;
			if (q == end)
				break;
			char *we = q;
			while (we < end && *we != ' ')
				we++;
			size_t ww = util_display_width(q, (size_t)(we - q));
			if (n && w + 1 + ww > width) {
				if (lines_push(out, cur, n))
					goto done;
				n = w = 0;
			}
			if (n) {
				cur[n++] = ' ';
				w++;
			}
			/* Character by character, breaking when full. */
			while (q < we) {
				size_t cl = char_len((unsigned char)*q);
				if (cl > (size_t)(we - q))
					cl = (size_t)(we - q);
				size_t cw = util_display_width(q, cl);
				if (w && w + cw > width) {
					if (lines_push(out, cur, n))
						goto done;
					n = w = 0;
				}
				memcpy(cur + n, q, cl);
				n += cl;
				w += cw;
				q += cl;
			}
		}
		if (lines_push(out, cur, n))
			goto done;
		if (!nl)
			break;
		p = nl + 1;
	}
	rc = 0;
done:
	if (clean)
		text_wipe(clean, clen);
	if (cur)
		text_wipe(cur, clen);
	return rc;
}

/* One labelled field: "Label    first line", then indented lines. */
static int
cell_lines(const char *label, const char *value, size_t label_cols,
           size_t width, struct lines *out)
{
	struct lines wrapped = {0};
	size_t vw = width > label_cols + 10 ? width - label_cols : 10;
	if (wrap_text(value, vw, &wrapped)) {
		lines_free(&wrapped);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < wrapped.n && !rc; i++) {
		const char *head = i ? "" : label;
		size_t hw = util_display_width(head, strlen(head));
		size_t pad = hw < label_cols ? label_cols - hw : 1;
		size_t len = strlen(head) + pad + strlen(wrapped.v[i]);
		char *line = malloc(len + 1);
		if (!line) {
			rc = -1;
			break;
		}
		snprintf(line, len + 1, "%s%*s%s", head, (int)pad, "",
		         wrapped.v[i]);
		rc = lines_push(out, line, len);
		text_wipe(line, len + 1);
	}
	lines_free(&wrapped);
	return rc;
}

/* The rows of a record, in the order they pair up side by side: a
 * check-in's row i sits beside a reflection's row i. */
enum { NROWS = 8 };

struct row {
	const char *label;
	const char *value; /* NULL: nothing to show */
};

static void
record_rows(const struct group_record *r, char *arrival, size_t size,
            struct row *rows)
{
	bool prep = r->type == GROUP_PREPARE;
	memset(rows, 0, NROWS * sizeof(*rows));
	arrival_words(prep ? r->before : r->after, r->state, arrival, size);
	if (prep) {
		rows[0] = (struct row){"Arriving", arrival};
		rows[1] = (struct row){"My boundary", r->text[GROUP_BOUNDARY]};
		rows[2] = (struct row){"To bring", r->text[GROUP_BRING]};
		rows[3] = (struct row){"What I need", r->text[GROUP_NEED]};
		rows[4] =
		        (struct row){"If too much", r->text[GROUP_IF_TOO_MUCH]};
	} else {
		rows[0] = (struct row){"Leaving", arrival};
		rows[1] = (struct row){"Kept boundary",
		                       r->kept ? group_kept_words(r->kept)
		                               : NULL};
		rows[2] = (struct row){"What moved me", r->text[GROUP_MOVED]};
		rows[3] = (struct row){"I contributed",
		                       r->text[GROUP_CONTRIBUTED]};
		rows[4] =
		        (struct row){"Triggered by", r->text[GROUP_TRIGGERED]};
		rows[5] = (struct row){
		        "Closeness",
		        r->closeness ? group_closeness_words(r->closeness)
		                     : NULL};
		rows[6] = (struct row){"Next time", r->text[GROUP_NEXT]};
		rows[7] = (struct row){"Kind words", r->text[GROUP_KIND_WORDS]};
	}
	for (int i = 0; i < NROWS; i++)
		if (rows[i].value && !*rows[i].value)
			rows[i].value = NULL;
}

/* The order fields are read in when a record stands alone. */
static const int prepare_order[] = {0, 2, 3, 1, 4, -1};
static const int reflect_order[] = {0, 2, 4, 3, 5, 1, 6, 7, -1};

static void
record_title(const struct group_record *r, char *buf, size_t size)
{
	char when[32];
	date_format_local(r->when, when, sizeof(when));
	snprintf(buf, size, "%s %.*s%s%s",
	         r->type == GROUP_PREPARE ? "Check-in before a group meeting"
	                                  : "Reflection after a group meeting",
	         SHORT_ID, r->id, dot(), when);
}

/* One record, labelled fields one under the other. */
static int
print_record(const struct group_record *r, size_t width)
{
	char title[160], arrival[64];
	struct row rows[NROWS];
	struct lines out = {0};
	int rc = 0;
	record_title(r, title, sizeof(title));
	record_rows(r, arrival, sizeof(arrival), rows);
	print_clean_str(title, 0, stdout);
	fputs("\n", stdout);
	if (r->written_locked)
		printf("Written while the vault was locked.\n");
	putchar('\n');
	const int *order =
	        r->type == GROUP_PREPARE ? prepare_order : reflect_order;
	for (size_t i = 0; order[i] >= 0 && !rc; i++) {
		const struct row *row = &rows[order[i]];
		if (row->value)
			rc = cell_lines(row->label, row->value, LABEL_COLS,
			                width, &out);
	}
	for (size_t i = 0; i < out.n; i++) {
		print_clean_str(out.v[i], 0, stdout);
		fputc('\n', stdout);
	}
	if (!group_record_has_fields(r))
		printf("(Only the time is recorded; 'selfhelp group edit %.*s' "
		       "can add more.)\n",
		       SHORT_ID, r->id);
	lines_free(&out);
	return rc ? fail("There was not enough memory to show it.") : 0;
}

/* Write s (one line, through the sanitizer) padded with spaces to `cols`
 * display columns. */
static void
put_padded(const char *s, size_t cols)
{
	size_t w = util_display_width(s, strlen(s));
	print_clean_str(s, 0, stdout);
	for (; w < cols; w++)
		fputc(' ', stdout);
}

/* A check-in and its reflection side by side, row by row. */
static int
print_pair(const struct group_record *p, const struct group_record *q,
           size_t width)
{
	char lt[64], rt[64], la[64], ra[64], when[32];
	struct row lrows[NROWS], rrows[NROWS];
	size_t colw = (width - SIDE_GAP) / 2;
	int rc = 0;
	date_format_local(p->when, when, sizeof(when));
	printf("Group meeting%s%.10s\n\n", dot(), when);
	snprintf(lt, sizeof(lt), "Before%s%.5s%s%.*s", dot(), when + 11, dot(),
	         SHORT_ID, p->id);
	date_format_local(q->when, when, sizeof(when));
	snprintf(rt, sizeof(rt), "After%s%.5s%s%.*s", dot(), when + 11, dot(),
	         SHORT_ID, q->id);
	put_padded(lt, colw + SIDE_GAP);
	print_clean_str(rt, 0, stdout);
	fputs("\n\n", stdout);
	record_rows(p, la, sizeof(la), lrows);
	record_rows(q, ra, sizeof(ra), rrows);
	/* Row 1 pairs the boundary set before with whether it was kept. */
	for (int i = 0; i < NROWS && !rc; i++) {
		struct lines l = {0}, r = {0};
		if (lrows[i].value)
			rc = cell_lines(lrows[i].label, lrows[i].value,
			                SIDE_LABEL_COLS, colw, &l);
		if (!rc && rrows[i].value)
			rc = cell_lines(rrows[i].label, rrows[i].value,
			                SIDE_LABEL_COLS, colw, &r);
		size_t h = l.n > r.n ? l.n : r.n;
		for (size_t k = 0; k < h && !rc; k++) {
			if (k < r.n) {
				put_padded(k < l.n ? l.v[k] : "",
				           colw + SIDE_GAP);
				print_clean_str(r.v[k], 0, stdout);
			} else {
				print_clean_str(l.v[k], 0, stdout);
			}
			fputc('\n', stdout);
		}
		lines_free(&l);
		lines_free(&r);
	}
	return rc ? fail("There was not enough memory to show it.") : 0;
}

/* --- ids --- */

static int
resolve(struct vault *v, const char *prefix, char *id)
{
	static const struct id_words words = {"a record id", "record",
	                                      "group check-in or reflection",
	                                      "selfhelp group list"};
	return resolve_record_id(v, GROUP_KIND, prefix, &words, id);
}

static int
one_id(const struct gopts *o, const char *sub)
{
	if (o->w.n == 1)
		return 0;
	return usage_error(o->w.n ? "'group %s' takes one id."
	                          : "'group %s' needs the id of a check-in "
	                            "or reflection; 'selfhelp group list' "
	                            "shows them.",
	                   sub);
}

static int
damaged_status(struct vault *v, const char *id)
{
	return fail("The group record %s could not be read: %s.", id,
	            damage_words(v));
}

static int
load_record(struct vault *v, const char *prefix, struct group_record **r)
{
	char id[VAULT_ID_HEX + 1];
	int rc = resolve(v, prefix, id);
	if (rc)
		return rc;
	rc = group_get(v, id, r);
	if (rc == VAULT_DAMAGED)
		return damaged_status(v, id);
	if (rc)
		return fail("%s", vault_errmsg(v));
	return 0;
}

/* --- prepare and reflect --- */

/*
 * A word or line as a shell argument: in double quotes when nothing in it
 * means anything there, else in single quotes.
 */
static void
print_shell_quoted(const char *s, size_t n, FILE *fp)
{
	bool plain = true;
	/* One line through the display sanitizer first: nothing in it can
	 * drive the terminal (or the shell it is pasted into). */
	char *c = malloc(UTIL_CLEAN_SIZE(n));
	if (!c)
		return;
	size_t cn = util_clean(c, s, n, clean_locale());
	for (size_t i = 0; i < cn; i++)
		if (strchr("\"$`\\!", c[i]))
			plain = false;
	fputc(plain ? '"' : '\'', fp);
	for (size_t i = 0; i < cn; i++) {
		if (c[i] == '\'' && !plain)
			fputs("'\\''", fp);
		else
			fputc(c[i], fp);
	}
	fputc(plain ? '"' : '\'', fp);
	text_wipe(c, UTIL_CLEAN_SIZE(n));
}

/* After a reflection that names a trigger: the trigger-log line. */
static void
offer_trigger_log(const char *triggered, FILE *fp)
{
	size_t n = strcspn(triggered, "\n");
	fputs("To look at it in your trigger log, when you like: "
	      "selfhelp trigger-log add --trigger ",
	      fp);
	print_shell_quoted(triggered, n, fp);
	fputc('\n', fp);
}

/* Options of the other type than `type`, as "--moved"; NULL when none. */
static const char *
foreign_option(const struct gopts *o, enum group_type type)
{
	bool prep = type == GROUP_PREPARE;
	if (prep && (o->given & GIVEN_AFTER))
		return "after";
	if (!prep && (o->given & GIVEN_BEFORE))
		return "before";
	if (prep && (o->given & GIVEN_CLOSENESS))
		return "closeness";
	if (prep && (o->given & GIVEN_KEPT))
		return "kept";
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if ((o->given & GIVEN_TEXT(t)) &&
		    group_text_type((enum group_text)t) != type)
			return text_opt((enum group_text)t);
	return NULL;
}

/* Move the fields given as options from o into r (of r's type). */
static void
apply_options(struct gopts *o, struct group_record *r)
{
	if (o->given & GIVEN_BEFORE)
		r->before = o->rec.before;
	if (o->given & GIVEN_AFTER)
		r->after = o->rec.after;
	if (o->given & GIVEN_STATE)
		r->state = o->rec.state;
	if (o->given & GIVEN_CLOSENESS)
		r->closeness = o->rec.closeness;
	if (o->given & GIVEN_KEPT)
		r->kept = o->rec.kept;
	for (int t = 0; t < GROUP_NTEXTS; t++)
		if (o->given & GIVEN_TEXT(t)) {
			char *tmp = r->text[t];
			r->text[t] = o->rec.text[t];
			o->rec.text[t] = tmp; /* released with o */
		}
}

static int
add_cmd(int argc, char **argv, struct cmd_ctx *ctx, enum group_type type)
{
	struct gopts o;
	struct group_record r;
	struct group_record **all = NULL;
	struct group_record *prepared = NULL;
	size_t nall = 0;
	char sid[SHORT_ID + 1];
	time_t now = time(NULL);
	bool prep = type == GROUP_PREPARE, sealed = false;
	struct vault *v;
	group_record_init(&r, type);
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if (o.w.n) {
		rc = usage_error("'group %s' takes its answers as options, "
		                 "like %s (in quotes).",
		                 argv[0],
		                 prep ? "--boundary \"I may pass\""
		                      : "--moved \"someone's laugh\"");
		goto out;
	}
	r.when = now;
	if (o.date && date_parse(o.date, now, DATE_START, &r.when)) {
		rc = bad_date("--date", o.date);
		goto out;
	}
	apply_options(&o, &r);
	FILE *tty = o.no_input ? NULL : form_terminal();
	bool ask = tty && o.given == 0;
	if (!ask && o.given == 0) {
		rc = usage_error("There is nothing to keep yet, and %s; give "
		                 "the answers "
		                 "as options, like %s.",
		                 o.no_input ? "--no-input says not to ask"
		                            : "there is no terminal to ask on",
		                 prep ? "--before N --state S --boundary TEXT"
		                      : "--after N --moved TEXT --kept K");
		goto out;
	}
	if (!(v = ctx_vault_for_write(ctx, &sealed))) {
		rc = 1;
		goto out;
	}
	if (!prep && !sealed) {
		struct group_filter f = {0};
		/* Damaged records are reported by list and check; here they
		 * only cannot be linked. */
		if (group_list(v, &f, &all, &nall, NULL, NULL) == VAULT_OK)
			prepared = group_link_for(all, nall, r.when);
	}
	if (ask) {
		struct group_form_opts fo = {
		        .out = tty,
		        .prepared = prepared != NULL,
		        .boundary = prepared ? prepared->text[GROUP_BOUNDARY]
		                             : NULL,
		        .unknown = sealed,
		};
		int res = group_form_run(&r, &fo);
		if (res < 0) {
			rc = fail("Could not read keys from this terminal; the "
			          "answers can be given as options ('selfhelp "
			          "group %s --help').",
			          argv[0]);
			goto out;
		}
		if (res == FORM_DISCARD) {
			fputs("Nothing was saved.\n", tty);
			goto out;
		}
		if (!group_record_has_fields(&r)) {
			fputs("Nothing was written, so nothing was saved.\n",
			      tty);
			goto out;
		}
	}
	if (vault_begin(v) || group_add(v, &r, sealed, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	short_id(r.id, sid);
	bool out_tty = isatty(STDOUT_FILENO);
	if (sealed)
		printf("Saved. You can read it after you unlock. (%s)\n", sid);
	else if (out_tty)
		printf("Saved. (%s)\n", sid);
	else
		printf("%s\n", sid);
	/* What follows is for the person, not for scripts reading stdout. */
	FILE *talk = out_tty ? stdout : stderr;
	if (prepared) {
		char when[32];
		date_format_local(prepared->when, when, sizeof(when));
		fprintf(talk, "It goes with your check-in from %s (",
		        when + 11);
		print_clean(prepared->id, strnlen(prepared->id, SHORT_ID), 0,
		            talk);
		fputs(").\n", talk);
	}
	if (ask && !prep &&
	    (r.state == TRIGGER_TOO_MUCH || r.state == TRIGGER_TOO_LITTLE))
		fprintf(tty,
		        "'selfhelp grounding --for %s' has exercises for right "
		        "now.\n",
		        trigger_state_name(r.state));
	if (!prep && r.text[GROUP_TRIGGERED])
		offer_trigger_log(r.text[GROUP_TRIGGERED], talk);
	if (ask && prep)
		fputs("Take good care of yourself in the group. Afterwards, "
		      "'selfhelp group reflect'\nhelps you look back.\n",
		      tty);
out:
	group_records_free(all, nall);
	group_record_release(&r);
	return opts_status(rc, &o);
}

static int
group_prepare_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	return add_cmd(argc, argv, ctx, GROUP_PREPARE);
}

static int
group_reflect_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	return add_cmd(argc, argv, ctx, GROUP_REFLECT);
}

/* --- list --- */

static int
group_list_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct gopts o;
	struct group_filter f = {0};
	struct group_record **list = NULL;
	size_t n = 0, shown = 0;
	int damaged = 0;
	time_t now = time(NULL);
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if (o.w.n) {
		rc = usage_error("'group list' takes options only.");
		goto out;
	}
	if (o.since && date_parse(o.since, now, DATE_START, &f.since)) {
		rc = bad_date("--since", o.since);
		goto out;
	}
	if (o.until && date_parse(o.until, now, DATE_END, &f.until)) {
		rc = bad_date("--until", o.until);
		goto out;
	}
	f.with_body = o.json;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if (group_list(v, &f, &list, &n, report_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	json_t *arr = o.json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (o.limit >= 0 && shown == (size_t)o.limit)
			break;
		shown++;
		if (arr)
			json_array_append_new(arr, record_json(list[i]));
		else
			print_line(list[i]);
	}
	if (o.json)
		rc = print_json(arr);
	else if (shown == 0 && !damaged)
		printf(o.since || o.until
		               ? "Nothing was recorded in that time.\n"
		               : "Nothing is recorded yet. 'selfhelp group "
		                 "prepare' is a short check-in before a "
		                 "meeting.\n");
	rc = rc ? rc : damaged ? 1 : 0;
out:
	group_records_free(list, n);
	return opts_status(rc, &o);
}

/* --- show --- */

static int
group_show_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct gopts o;
	struct group_record **list = NULL, *r, *partner = NULL;
	struct group_filter f = {.with_body = true};
	char id[VAULT_ID_HEX + 1];
	size_t n = 0;
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "show")))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = resolve(v, o.w.v[0], id)))
		goto out;
	if (group_list(v, &f, &list, &n, NULL, NULL)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	if (!(r = group_find(list, n, id))) {
		rc = damaged_status(v, id);
		goto out;
	}
	if (r->link[0])
		partner = group_find(list, n, r->link);
	if (o.json) {
		json_t *arr = json_array();
		if (arr) {
			json_array_append_new(arr, record_json(r));
			if (partner)
				json_array_append_new(arr,
				                      record_json(partner));
		}
		rc = print_json(arr);
		goto out;
	}
	size_t width =
	        o.width ? (size_t)o.width : (size_t)term_width(STDOUT_FILENO);
	if (width > MAX_WIDTH)
		width = MAX_WIDTH;
	if (partner && width >= SIDE_MIN_WIDTH) {
		bool prep = r->type == GROUP_PREPARE;
		rc = print_pair(prep ? r : partner, prep ? partner : r, width);
	} else if (partner) {
		bool prep = r->type == GROUP_PREPARE;
		rc = print_record(prep ? r : partner, width);
		if (!rc) {
			putchar('\n');
			rc = print_record(prep ? partner : r, width);
		}
	} else {
		rc = print_record(r, width);
	}
out:
	group_records_free(list, n);
	return opts_status(rc, &o);
}

/* --- edit --- */

/* What parse_edited() needs: the record, when the edit began, and where
 * the edited record goes. */
struct edit_arg {
	const struct group_record *r;
	time_t now;
	struct group_record *out;
};

static int
parse_edited(const char *text, size_t len, void *arg, char *err, size_t size)
{
	struct edit_arg *a = arg;
	return group_parse_text(text, len, a->r, a->now, a->out, err, size);
}

/*
 * The edited record from the editor (on a terminal) or standard input.
 * Returns 0 with *out filled, 3 when it was left as it was (a message is
 * printed), or an exit status.
 */
static int
edit_text(const struct group_record *r, struct group_record *out)
{
	struct edit_arg a = {r, time(NULL), out};
	size_t len = 0;
	char *text = group_format_text(r, &len);
	return editor_edit_record(text, len,
	                          "The file was empty, so the record was left "
	                          "as it was. ('selfhelp group delete' removes "
	                          "one.)\n",
	                          parse_edited, &a);
}

static int
group_edit_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct gopts o;
	struct group_record *r = NULL, edited;
	struct vault *v;
	time_t now = time(NULL), when = 0;
	group_record_init(&edited, GROUP_PREPARE);
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "edit")))
		goto out;
	if (o.date && date_parse(o.date, now, DATE_START, &when)) {
		rc = bad_date("--date", o.date);
		goto out;
	}
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.w.v[0], &r)))
		goto out;
	const char *other = foreign_option(&o, r->type);
	if (other) {
		rc = usage_error(
		        "--%s belongs to a %s, and %.*s is a %s.", other,
		        r->type == GROUP_PREPARE ? "reflection after a meeting"
		                                 : "check-in before a meeting",
		        SHORT_ID, r->id,
		        r->type == GROUP_PREPARE ? "check-in before one"
		                                 : "reflection after one");
		goto out;
	}
	if (o.given || o.date) {
		if (group_record_copy(&edited, r)) {
			rc = fail("Out of memory.");
			goto out;
		}
		apply_options(&o, &edited);
		if (o.date)
			edited.when = when;
	} else if ((rc = edit_text(r, &edited))) {
		rc = rc == 3 ? 0 : rc;
		goto out;
	}
	if (group_record_same(r, &edited)) {
		printf("Nothing changed.\n");
		goto out;
	}
	if (vault_begin(v) || group_update(v, &edited, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Saved.\n");
out:
	group_record_release(&edited);
	group_record_free(r);
	return opts_status(rc, &o);
}

/* --- delete --- */

static int
group_delete_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct gopts o;
	struct group_record *r = NULL;
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "delete")))
		goto out;
	if (!o.yes && !isatty(STDIN_FILENO)) {
		rc = usage_error("Deleting needs a yes, and there is no "
		                 "terminal to ask on; --yes gives it.");
		goto out;
	}
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.w.v[0], &r)))
		goto out;
	if (!o.yes) {
		char when[32], q[128];
		date_format_local(r->when, when, sizeof(when));
		/* The date only: the words may be private from onlookers. */
		snprintf(q, sizeof(q), "Delete the group %s from %s?",
		         r->type == GROUP_PREPARE ? "check-in" : "reflection",
		         when);
		if (!confirm(q, false)) {
			printf("Kept it.\n");
			goto out;
		}
	}
	if (vault_begin(v) || vault_delete(v, r->id) || vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Deleted.\n");
out:
	group_record_free(r);
	return opts_status(rc, &o);
}

/* --- agreements --- */

static int
group_agreements_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct gopts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	if (o.w.n) {
		rc = usage_error("'group agreements' takes options only.");
		goto out;
	}
	const struct content_file *page = content_get("group/agreements.md");
	if (!page) {
		rc = fail("The agreements page is missing from this build.");
		goto out;
	}
	int width = o.width ? (int)o.width : term_width(STDOUT_FILENO);
	if (!o.width && width > PAGE_WIDTH)
		width = PAGE_WIDTH;
	enum render_format fmt =
	        term_use_color(STDOUT_FILENO) ? RENDER_ANSI : RENDER_PLAIN;
	char *text = render_markdown(page->data, page->len, fmt, width, 0);
	if (!text) {
		rc = fail("There was not enough memory to show the page.");
		goto out;
	}
	rc = pager_show(text, strlen(text), ctx) < 0 ? 1 : 0;
	free(text);
out:
	return opts_status(rc, &o);
}

/* --- the command --- */

static const struct command group_subs[] = {
        {"prepare", group_prepare_cmd, "a short check-in before a meeting",
         .opts = prepare_options, .help = prepare_help},
        {"reflect", group_reflect_cmd, "a look back after a meeting",
         .opts = reflect_options, .help = reflect_help},
        {"list", group_list_cmd, "check-ins and reflections, newest first",
         .opts = list_options,
         .help = "'with ID' names the one each goes with.\n\n" DATES_HELP},
        {"show", group_show_cmd, "one of them, beside the one it goes with",
         "ID", show_options,
         "With every field, beside the one it goes with (one after the\n"
         "other when the terminal is narrow).\n",
         .hint = HINT_IDS},
        {"edit", group_edit_cmd, "change one, in your editor or by options",
         "ID", edit_options, edit_help, .hint = HINT_IDS},
        {"delete", group_delete_cmd,
         "remove one (asks first; --yes skips the question)", "ID",
         delete_options, .hint = HINT_IDS},
        {"agreements", group_agreements_cmd,
         "sample ground rules a group can adopt or adapt",
         .opts = agreements_options,
         .help = "Sample ground rules a self-organised CPTSD group can adopt "
                 "or adapt:\nconfidentiality, speaking from \"I\", no "
                 "advice unless asked, the right\nto pass, a stop signal, "
                 "leaving early, welcoming newcomers, and what\nthe group is "
                 "not. Needs no vault.\n"},
        {0},
};

const struct command group_command = {
        "group",
        NULL,
        "before and after a self-help group meeting",
        .help = group_help,
        .subs = group_subs,
};
