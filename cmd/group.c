/*
 * selfhelp group: before and after a self-help group meeting. A short
 * check-in before (prepare), a look back afterwards (reflect), reading,
 * changing and removing those, and a page of sample group agreements.
 * Records are sealed in the vault like journal entries (kind "group";
 * see lib/group.h). The sub-commands are the record kinds'
 * (cmd/record-cmd.h); what is the group's own here: its options, its
 * list line, a record shown beside the one it goes with, the linking of
 * a new reflection and the boundary question, the choices for "if it
 * gets too much", and the agreements.
 */
#include "cmd.h"
#include "group.h"

#include "content.h"
#include "dates.h"
#include "editor.h"
#include "grounding.h"
#include "output.h"
#include "pager.h"
#include "record-cmd.h"
#include "render.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"
#include "date-arg.h"

#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	SHORT_ID = RECORD_SHORT_ID,
	LABEL_COLS = 18,      /* one record: label column */
	SIDE_LABEL_COLS = 15, /* side by side: label column in each half */
	SIDE_MIN_WIDTH = 96,  /* narrower than this: one after the other */
	SIDE_GAP = 4,
	MAX_WIDTH = 160,
	PAGE_WIDTH = 80,      /* agreements: at most this wide */
	MAX_CHOICES = 8,      /* "if it gets too much" */
	BOUNDARY_SHOWN = 200, /* bytes of the boundary quoted in a question */
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
        "options it\nnever asks. When something triggered you, it says that "
        "'trigger-log add'\ncan keep it in your trigger log. A TEXT of '-' "
        "is read from standard input.\nPrints the short id of the new "
        "reflection.\n";

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

#define G(member) offsetof(struct group_record, member)
#define O(f)      RECORD_OPT(f)
#define TEXT(name, t, help)                                                    \
	{                                                                      \
		RECORD_OPT_FIELD(name, G(text[t]), "TEXT", help)               \
	}
#define FIELD(name, member, arg, help, values_, bad_)                          \
	{                                                                      \
		RECORD_OPT_FIELD(name, G(member), arg, help),                  \
		        .values = values_, .bad = bad_                         \
	}
#define RATING(name, help)                                                     \
	FIELD(#name, name, "N", help, NULL,                                    \
	      "--" #name " takes a number from 0 to 10 (0 is calm, 10 the "    \
	      "most distress).")
#define STATE_OPTION                                                           \
	FIELD("state", state, "S",                                             \
	      "too-much (flooded, racing), okay, or too-little\n"              \
	      "(numb, foggy, far away)",                                       \
	      "too-much okay too-little",                                      \
	      "--state takes too-much, okay or too-little.")
#define PREPARE_OPTIONS                                                        \
	RATING(before, "distress as you arrive, 0 (calm) to 10"),              \
	        TEXT("bring", GROUP_BRING,                                     \
	             "what you would like to bring today"),                    \
	        TEXT("need", GROUP_NEED, "what you need from the group"),      \
	        TEXT("boundary", GROUP_BOUNDARY,                               \
	             "your boundary for today, like \"I may pass\",\n"         \
	             "\"I leave at nine\" or \"no advice please\""),           \
	        TEXT("if-too-much", GROUP_IF_TOO_MUCH,                         \
	             "what you will do if it gets too much")
#define REFLECT_OPTIONS                                                        \
	RATING(after, "distress as you leave, 0 (calm) to 10"),                \
	        TEXT("moved", GROUP_MOVED, "what moved you"),                  \
	        TEXT("triggered", GROUP_TRIGGERED, "what triggered you"),      \
	        TEXT("contributed", GROUP_CONTRIBUTED,                         \
	             "what you contributed (listening counts too)"),           \
	        FIELD("closeness", closeness, "C",                             \
	              "too-close, about-right or too-far",                     \
	              "too-close about-right too-far",                         \
	              "--closeness takes too-close, about-right or too-far."), \
	        FIELD("kept", kept, "K",                                       \
	              "whether you kept the boundary you set: yes,\n"          \
	              "partly, no or didnt-come-up",                           \
	              "yes partly no didnt-come-up",                           \
	              "--kept takes yes, partly, no or didnt-come-up."),       \
	        TEXT("next", GROUP_NEXT,                                       \
	             "what you would like to try next time"),                  \
	        TEXT("kind", GROUP_KIND_WORDS,                                 \
	             "one kind sentence to yourself")
#define DATE_OPTION                                                            \
	{                                                                      \
		"date", 0, OPT_DATE, O(date), "WHEN",                          \
		        .help = "when (default: now)"                          \
	}
#define WIDTH_OPTION(help)                                                     \
	{                                                                      \
		"width", 0, OPT_INT, O(width), "N", help,                      \
		        .min = 20, .max = 1000,                                \
		        .bad = "--width takes a number of columns from 20 to " \
		               "1000."                                         \
	}

static const struct opt prepare_options[] = {
        PREPARE_OPTIONS, STATE_OPTION, DATE_OPTION, {0},
};
static const struct opt reflect_options[] = {
        REFLECT_OPTIONS, STATE_OPTION, DATE_OPTION, {0},
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

/* --- output helpers --- */

static const char *
dot(void)
{
	return utf8_locale() ? " \xc2\xb7 " : " - ";
}

static void
arrival_words(int rating, enum trigger_state state, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = '\0';
	if (rating != GROUP_NO_RATING)
		k = (size_t)snprintf(buf, size, "distress %d", rating);
	if (state && k < size)
		snprintf(buf + k, size - k, "%s%s", k ? ", " : "",
		         record_choice_words(GROUP_STATE_FIELD, (int)state));
}

/* "3f2a9c1b  2026-11-24 18:40  before  distress 6, too much  with ..." */
static void
print_line(const void *rec)
{
	const struct group_record *r = rec;
	char sid[SHORT_ID + 1], when[32], line[256], words[64];
	bool prep = r->type == GROUP_PREPARE;
	record_short_id(r->id, sid);
	date_format_local(r->when, when, sizeof(when));
	arrival_words(prep ? r->before : r->after, r->state, words,
	              sizeof(words));
	int n = snprintf(line, sizeof(line), "%s  %s  %s", sid, when,
	                 prep ? "before" : "after");
	if (words[0] && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s  %s",
		              prep ? "" : " ", words);
	if (r->link[0] && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  with %.*s",
		              SHORT_ID, r->link);
	if (r->conflict_copy && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n,
		         "  (conflict copy)");
	record_put_line(line, sizeof(line));
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
		wipe_free(l->v[i], strlen(l->v[i]));
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
		wipe_free(clean, clen);
	if (cur)
		wipe_free(cur, clen);
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
		wipe_free(line, len + 1);
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
		rows[1] = (struct row){
		        "Kept boundary",
		        r->kept ? record_choice_words(GROUP_KEPT_FIELD,
		                                      (int)r->kept)
		                : NULL};
		rows[2] = (struct row){"What moved me", r->text[GROUP_MOVED]};
		rows[3] = (struct row){"I contributed",
		                       r->text[GROUP_CONTRIBUTED]};
		rows[4] =
		        (struct row){"Triggered by", r->text[GROUP_TRIGGERED]};
		rows[5] = (struct row){
		        "Closeness",
		        r->closeness
		                ? record_choice_words(GROUP_CLOSENESS_FIELD,
		                                      (int)r->closeness)
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
	if (r->conflict_copy)
		printf(CONFLICT_COPY_NOTE "\n");
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
	if (!record_has_fields(&group_kind, r))
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

/* --- prepare and reflect --- */

/*
 * After a reflection that names a trigger: where it can go in the trigger
 * log. The command never holds the person's words (they would stay in
 * the shell's history); `trigger-log add` asks for them.
 */
static void
offer_trigger_log(FILE *fp)
{
	say_wrapped(fp, "When you like, 'selfhelp trigger-log add' can keep it "
	                "in your trigger log;\nit asks for the words, so they "
	                "stay out of your shell's history.\n");
}

/* Options of the other type than `type`, as "--moved"; NULL when none. */
/* --- the record kind's hooks --- */

static int
load(struct vault *v, bool with_body, void ***list, size_t *n,
     void (*damaged)(void *arg, const char *id), void *arg)
{
	struct group_filter f = {.with_body = with_body};
	return group_list(v, &f, (struct group_record ***)list, n, damaged,
	                  arg);
}

/* --json: the record it goes with. */
static int
json_linked(const void *rec, json_t *o)
{
	const struct group_record *r = rec;
	return json_object_set_new(
	        o, "linked", r->link[0] ? json_string(r->link) : json_null());
}

/* With every field, beside the one it goes with. */
static int
show(struct cmd_ctx *ctx, struct vault *v, const char *id,
     const struct record_opts *o)
{
	struct group_record **list = NULL, *r, *partner = NULL;
	struct group_filter f = {.with_body = true};
	size_t n = 0;
	int rc = 0;
	(void)ctx;
	if (group_list(v, &f, &list, &n, NULL, NULL)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	if (!(r = group_find(list, n, id))) {
		rc = record_damaged(v, "group record", id);
		goto out;
	}
	if (r->link[0])
		partner = group_find(list, n, r->link);
	if (o->json) {
		json_t *arr = json_array();
		if (arr) {
			json_array_append_new(arr, record_cmd_json(r));
			if (partner)
				json_array_append_new(arr,
				                      record_cmd_json(partner));
		}
		rc = print_json(arr);
		goto out;
	}
	size_t width =
	        o->width ? (size_t)o->width : (size_t)term_width(STDOUT_FILENO);
	if (width > MAX_WIDTH)
		width = MAX_WIDTH;
	bool prep = r->type == GROUP_PREPARE;
	if (partner && width >= SIDE_MIN_WIDTH) {
		rc = print_pair(prep ? r : partner, prep ? partner : r, width);
	} else if (partner) {
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
	return rc;
}

/* A reflection: the check-in it goes with, when the vault can be read. */
struct adding {
	struct group_record **all;
	size_t nall;
	struct group_record *prepared;
};

static void
add_begin(struct record_adding *a)
{
	struct adding *g = calloc(1, sizeof(*g));
	struct group_filter f = {0};
	const struct group_record *r = a->r;
	a->own = g;
	if (!g || r->type == GROUP_PREPARE || a->sealed)
		return;
	/* Damaged records are reported by list and check; here they only
	 * cannot be linked. */
	if (group_list(a->v, &f, &g->all, &g->nall, NULL, NULL) == VAULT_OK)
		g->prepared = group_link_for(g->all, g->nall, r->when);
}

static void
add_end(struct record_adding *a, bool saved)
{
	struct adding *g = a->own;
	const struct group_record *r = a->r;
	bool prep = r->type == GROUP_PREPARE;
	/* What follows is for the person, not for scripts reading stdout. */
	FILE *talk = isatty(STDOUT_FILENO) ? stdout : stderr;
	if (saved && g && g->prepared) {
		char when[32];
		date_format_local(g->prepared->when, when, sizeof(when));
		fprintf(talk, "It goes with your check-in from %s (",
		        when + 11);
		print_clean(g->prepared->id, strnlen(g->prepared->id, SHORT_ID),
		            0, talk);
		fputs(").\n", talk);
	}
	if (saved && a->ask && !prep)
		record_offer_grounding(a->tty, (int)r->state);
	if (saved && !prep && r->text[GROUP_TRIGGERED])
		offer_trigger_log(talk);
	if (saved && a->ask && prep)
		fputs("Take good care of yourself in the group. Afterwards, "
		      "'selfhelp group reflect'\nhelps you look back.\n",
		      a->tty);
	if (g)
		group_records_free(g->all, g->nall);
	free(g);
}

/* Grounding exercises that can be done quietly in a room full of people,
 * offered by name when they are bundled. */
static const char *const quiet_exercises[] = {
        "feet", "object", "orienting", "5-4-3-2-1", "breathing", NULL,
};

/* The choices for "if it gets too much": stepping out, then quiet
 * exercises by title and name. Strings are malloc'd (free them). */
static size_t
too_much_choices(char **out)
{
	struct grounding_set *set = NULL;
	size_t n = 0;
	if ((out[n] = strdup("step out for a few minutes")))
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

/* The kept question, quoting the boundary. */
static char *
kept_prompt(const char *boundary)
{
	/* One line through the display sanitizer (the boundary comes from
	 * the vault), cut at a UTF-8 boundary. */
	char quoted[UTIL_CLEAN_SIZE(BOUNDARY_SHOWN) + 3], *p = NULL;
	size_t n = strlen(boundary);
	bool cut = n > BOUNDARY_SHOWN;
	if (cut) {
		n = BOUNDARY_SHOWN;
		while (n && ((unsigned char)boundary[n] & 0xC0) == 0x80)
			n--;
	}
	n = util_clean(quoted, boundary, n, clean_locale());
	if (cut)
		memcpy(quoted + n, "...", 4);
	if (asprintf(&p, "Your boundary for today was: %s\nDid you keep it? %s",
	             quoted, GROUP_KEPT_ANSWERS) < 0)
		p = NULL;
	sodium_memzero(quoted, sizeof(quoted));
	return p;
}

static int
form_question(const struct record_adding *a, const struct record_field *f,
              struct record_prompt *p)
{
	const struct adding *g = a->own;
	if (f->offset == G(kept) && g && g->prepared) {
		const char *boundary = g->prepared->text[GROUP_BOUNDARY];
		/* A check-in without a boundary: nothing to ask about. */
		if (!boundary)
			return 1;
		p->text = kept_prompt(boundary);
	} else if (f->offset == G(text[GROUP_IF_TOO_MUCH])) {
		p->noffers = too_much_choices(p->offers);
		p->text = choice_prompt(f->question, p->offers, p->noffers);
	}
	return 0;
}

static const struct record_cmd_variant variants[] = {
        [GROUP_PREPARE] = {.sub = "prepare",
                           .noun = "group check-in",
                           .example = "--boundary \"I may pass\"",
                           .options = "--before N --state S --boundary TEXT",
                           .a = "check-in before a meeting",
                           .one = "check-in before one"},
        [GROUP_REFLECT] = {.sub = "reflect",
                           .noun = "group reflection",
                           .example = "--moved \"someone's laugh\"",
                           .options = "--after N --moved TEXT --kept K",
                           .a = "reflection after a meeting",
                           .one = "reflection after one"},
        {0},
};

static const struct record_cmd group_cmd = {
        .kind = &group_kind,
        .name = "group",
        .ids = {"a record id", "record", "group check-in or reflection",
                "selfhelp group list"},
        .a_record = "a check-in or reflection",
        .record = "group record",
        .answers = "answers",
        .verb = "keep",
        .removes = "one",
        .empty = "Nothing is recorded yet. 'selfhelp group prepare' is a "
                 "short check-in before a meeting.",
        .empty_selection = "Nothing was recorded in that time.",
        .variants = variants,
        .print_line = print_line,
        .load = load,
        .json = json_linked,
        .show = show,
        .add_begin = add_begin,
        .add_end = add_end,
        .form_question = form_question,
};

/* --- agreements --- */

static int
group_agreements_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct record_opts o = {0};
	int rc = opt_parse(argc, argv, &o, &o.w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.w.n)
		return usage_error("'group agreements' takes options only.");
	const struct content_file *page = content_get("group/agreements.md");
	if (!page)
		return fail("The agreements page is missing from this build.");
	int width = o.width ? (int)o.width : term_width(STDOUT_FILENO);
	if (!o.width && width > PAGE_WIDTH)
		width = PAGE_WIDTH;
	enum render_format fmt =
	        term_use_color(STDOUT_FILENO) ? RENDER_ANSI : RENDER_PLAIN;
	char *text = render_markdown(page->data, page->len, fmt, width, 0);
	if (!text)
		return fail("There was not enough memory to show the page.");
	rc = pager_show(text, strlen(text), ctx) < 0 ? 1 : 0;
	free(text);
	return rc;
}

/* --- the command --- */

static const struct command group_subs[] = {
        {"prepare", record_cmd_add, "a short check-in before a meeting",
         .opts = prepare_options, .help = prepare_help},
        {"reflect", record_cmd_add, "a look back after a meeting",
         .opts = reflect_options, .help = reflect_help},
        {"list", record_cmd_list, "check-ins and reflections, newest first",
         .opts = list_options,
         .help = "'with ID' names the one each goes with.\n\n" DATES_HELP},
        {"show", record_cmd_show, "one of them, beside the one it goes with",
         "ID", show_options,
         "With every field, beside the one it goes with (one after the\n"
         "other when the terminal is narrow).\n",
         .hint = HINT_IDS},
        {"edit", record_cmd_edit, "change one, in your editor or by options",
         "ID", edit_options, edit_help, .hint = HINT_IDS},
        {"delete", record_cmd_delete,
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
        .data = &group_cmd,
};
