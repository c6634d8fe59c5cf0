/*
 * selfhelp trigger-log: record what happened and what you tried, and
 * read, change or remove those records. Records are sealed in the vault
 * like journal entries (kind "trigger"; see lib/trigger.h).
 */
#include "trigger-log.h"

#include "dates.h"
#include "editor.h"
#include "output.h"
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

enum { LABEL_COLS = 18 };

static const char trigger_help[] =
        "A private log of hard moments: what happened and what may have\n"
        "brought it on (it's fine not to know), how it felt and what you\n"
        "did or tried, encrypted in your vault. ID is the first 4 or more\n"
        "characters of a record's id ('trigger-log list' shows them).\n";

static const char add_help[] =
        "Record a moment. On a terminal with no field options, a short guided "
        "form\nasks one question at a time: Enter skips one, q, Esc or Ctrl-C "
        "leaves\n(and asks whether to keep what you wrote). Ratings take one "
        "key, 0-9,\nor 1 then 0 for 10. --reaction, --vulnerability, --body, "
        "--emotion,\n--urge, --helped and --tag can be given more than once, "
        "or with commas\nbetween items. Prints the short id of the new "
        "record.\n";

static const char edit_help[] =
        "Fill in or change a record. With field options, those fields are "
        "replaced\n(an empty value clears one). Otherwise the record opens in "
        "your editor\n($VISUAL, $EDITOR, vi) as 'key: value' lines, in a "
        "private in-memory\nfile; or, when standard input is not a terminal, "
        "those lines are read\nfrom it.\n";

static const char dates_help[] =
        "WHEN is a date like 2026-11-01 or 2026-11-01T14:30, or today,\n"
        "yesterday, 7d, 2w, 3m (days, weeks, months ago). A bare date in\n"
        "--until includes that whole day.\n";

/* --- options --- */

enum given_bits {
	GIVEN_BEFORE = 1u << 0,
	GIVEN_AFTER = 1u << 1,
	GIVEN_STATE = 1u << 2,
	GIVEN_AGE = 1u << 3,
	GIVEN_TEXT0 = 1u << 4,                    /* + enum trigger_text */
	GIVEN_LIST0 = 1u << (4 + TRIGGER_NTEXTS), /* + enum trigger_list */
};

#define GIVEN_TEXT(t) (GIVEN_TEXT0 << (t))
#define GIVEN_LIST(l) (GIVEN_LIST0 << (l))

struct topts {
	struct trigger_record rec; /* the fields given as options */
	unsigned given;            /* enum given_bits */
	const char *date, *since, *until;
	int limit;
	bool json, yes, quick, no_input, stdin_used;
	struct opt_words w;
};

static void
topts_release(struct topts *o)
{
	trigger_record_release(&o->rec);
}

/* A text field's value, copied into the record and wiped in argv. */
static int
text_option(void *p, const struct opt *opt, char *arg)
{
	struct topts *o = p;
	enum trigger_text t = (enum trigger_text)opt->id;
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
	size_t bad;
	/* A NUL byte from stdin would silently cut the text short. */
	enum record_problem why = in && !util_utf8_ok(in, len, &bad)
	                                  ? RECORD_PROBLEM_NOT_UTF8
	                                  : trigger_set_text(&o->rec, t, value);
	text_wipe(in, len);
	arg_wipe(arg);
	if (why != RECORD_PROBLEM_NONE)
		return usage_error("The --%s text %s.", opt->name,
		                   trigger_problem_words(why));
	o->given |= GIVEN_TEXT(t);
	return 0;
}

/* A list field's items, copied into the record and wiped in argv. */
static int
list_option(void *p, const struct opt *opt, char *arg)
{
	struct topts *o = p;
	enum trigger_list l = (enum trigger_list)opt->id;
	enum record_problem why = trigger_add_items(&o->rec, l, arg);
	arg_wipe(arg);
	if (why != RECORD_PROBLEM_NONE)
		return usage_error("The --%s value %s.", opt->name,
		                   trigger_problem_words(why));
	o->given |= GIVEN_LIST(l);
	return 0;
}

/* --before, --after, --felt-age and --state (id: the given bit). */
static int
number_option(void *p, const struct opt *opt, char *arg)
{
	struct topts *o = p;
	long n;
	if (opt->id == GIVEN_STATE) {
		if (trigger_state_parse(arg, &o->rec.state))
			return usage_error("--state takes too-much, okay or "
			                   "too-little (the way out of your "
			                   "window of tolerance).");
	} else if (opt->id == GIVEN_AGE) {
		if (util_parse_long(arg, 0, TRIGGER_AGE_MAX, &n))
			return usage_error("--felt-age takes an age in years, "
			                   "from 0 to %d.",
			                   TRIGGER_AGE_MAX);
		o->rec.felt_age = (int)n;
	} else {
		if (util_parse_long(arg, 0, TRIGGER_RATING_MAX, &n))
			return usage_error(
			        "--%s takes a number from 0 to 10 (0 "
			        "is calm, 10 the most distress).",
			        opt->name);
		*(opt->id == GIVEN_BEFORE ? &o->rec.before : &o->rec.after) =
		        (int)n;
	}
	o->given |= (unsigned)opt->id;
	return 0;
}

#define O(f) offsetof(struct topts, f)
#define TEXT(name, t, arg, help)                                               \
	{                                                                      \
		name, 0, OPT_CALL, 0, arg, help, .call = text_option,          \
		                                 .id = (t)                     \
	}
#define LIST(name, l, arg, help)                                               \
	{                                                                      \
		name, 0, OPT_CALL, 0, arg, help,                               \
		        .call = list_option, .id = (l), .flags = OPT_REPEAT    \
	}
#define NUMBER(name, bit, arg, help)                                           \
	{                                                                      \
		name, 0, OPT_CALL, 0, arg, help, .call = number_option,        \
		                                 .id = (bit)                   \
	}
#define FIELD_OPTIONS                                                          \
	TEXT("trigger", TRIGGER_TRIGGER, "TEXT",                               \
	     "what happened, or what brought it on"),                          \
	        NUMBER("before", GIVEN_BEFORE, "N",                            \
	               "distress before, 0 to 10"),                            \
	        NUMBER("after", GIVEN_AFTER, "N",                              \
	               "distress afterwards, 0 to 10"),                        \
	        {"state",                                                      \
	         0,                                                            \
	         OPT_CALL,                                                     \
	         0,                                                            \
	         "S",                                                          \
	         "too-much (flooded, racing), okay, or too-little\n"           \
	         "(numb, foggy, far away)",                                    \
	         "too-much okay too-little",                                   \
	         .call = number_option,                                        \
	         .id = GIVEN_STATE},                                           \
	        LIST("reaction", TRIGGER_REACTIONS, "R",                       \
	             "emotional flashback, intrusive memory, nightmare,\n"     \
	             "dissociation, shutdown, inner-critic attack, shame\n"    \
	             "spiral, fight, flight, freeze, fawn, or your own "       \
	             "words"),                                                 \
	        LIST("vulnerability", TRIGGER_VULNERABILITIES, "V",            \
	             "poor sleep, hunger, pain, illness, conflict,\n"          \
	             "anniversary, ... (what made it harder)"),                \
	        LIST("body", TRIGGER_BODY, "TEXT",                             \
	             "what you noticed in your body"),                         \
	        LIST("emotion", TRIGGER_EMOTIONS, "E", "an emotion"),          \
	        TEXT("thought", TRIGGER_THOUGHTS, "TEXT",                      \
	             "thoughts or beliefs that came up"),                      \
	        NUMBER("felt-age", GIVEN_AGE, "N",                             \
	               "how old you felt, in years"),                          \
	        LIST("urge", TRIGGER_URGES, "TEXT", "an urge"),                \
	        TEXT("now-differs", TRIGGER_NOW_DIFFERS, "TEXT",               \
	             "if it fits: how now is different from back then"),       \
	        LIST("helped", TRIGGER_HELPED, "TEXT",                         \
	             "what you did or tried"),                                 \
	        TEXT("note", TRIGGER_NOTE, "TEXT",                             \
	             "anything else ('-': read it from standard input)"),      \
	        LIST("tag", TRIGGER_TAGS, "T", "a tag"),                       \
	{                                                                      \
		"date", 0, OPT_DATE, O(date), "WHEN",                          \
		        .help = "when it happened (default: now)"              \
	}

static const struct opt add_options[] = {
        {"quick", 0, OPT_FLAG, O(quick), NULL,
         .help = "only three questions (distress, which way, what\n"
                 "happened), asked only for what the options did not\n"
                 "give; the rest can wait for 'trigger-log edit ID'"},
        {"no-input", 0, OPT_FLAG, O(no_input), NULL,
         .help = "never ask; take only the options"},
        FIELD_OPTIONS,
        {0},
};
static const struct opt edit_options[] = {FIELD_OPTIONS, {0}};
static const struct opt list_options[] = {
        {NULL, 'n', OPT_INT, O(limit), "N", "the newest N only", .min = 1,
         .max = INT_MAX, .bad = "-n takes a count like 10."},
        {"since", 0, OPT_DATE, O(since), "WHEN",
         .help = "records from then on"},
        {"until", 0, OPT_DATE, O(until), "WHEN", .help = "records up to then"},
        {"tag", 0, OPT_CALL, 0, "T",
         "records with this tag (more than one: all of them)",
         .call = list_option, .id = TRIGGER_TAGS, .flags = OPT_REPEAT},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "every field, as JSON for scripts"},
        {0},
};
static const struct opt show_options[] = {
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "every field, as JSON for scripts"},
        {0},
};
static const struct opt delete_options[] = {
        {"yes", 'y', OPT_FLAG, O(yes), NULL, .help = "delete without asking"},
        {0},
};
#undef O

/* Parse the options of the sub-command running into o. Returns 0, -1
 * after --help, or an exit status. */
static int
parse_opts(int argc, char **argv, struct topts *o)
{
	memset(o, 0, sizeof(*o));
	trigger_record_init(&o->rec);
	o->limit = -1;
	return opt_parse(argc, argv, o, &o->w);
}

/* parse_opts's result as an exit status for a sub-command, after
 * releasing o: help printed is 0. */
static int
opts_status(int rc, struct topts *o)
{
	topts_release(o);
	return rc < 0 ? 0 : rc;
}

static int
bad_date(const char *opt, const char *s)
{
	return usage_error("%s '%s' is not a date selfhelp understands; try "
	                   "2026-11-01, 2026-11-01T14:30, today, yesterday or "
	                   "7d.",
	                   opt, s);
}

/* --- output helpers --- */

static void
report_damaged(void *arg, const char *id)
{
	int *count = arg;
	(*count)++;
	fail("The record %s could not be read: it is damaged or was changed "
	     "outside selfhelp. It was left out.",
	     shown_id(id));
}

/* The record as --json shows it: its fields as the export has them,
 * with its id, times and whether it was written while locked. */
static json_t *
record_json(const struct trigger_record *r)
{
	json_t *o = json_object();
	if (!o || json_object_set_new(o, "id", json_string(r->id)) ||
	    record_fields_json(&trigger_kind, r, o, RECORD_JSON_TIMES) ||
	    json_object_set_new(o, "written_while_locked",
	                        json_boolean(r->written_locked))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
short_id(const char *id, char *out)
{
	memcpy(out, id, TRIGGER_SHORT_ID);
	out[TRIGGER_SHORT_ID] = '\0';
}

/* Append to a line buffer, never past its end. */
static void __attribute__((format(printf, 3, 4)))
line_add(char *line, size_t size, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;
	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, size - n, fmt, ap);
	va_end(ap);
}

/* "3f2a9c1b  2026-11-26 14:30  distress 7→4  too much  #home  text" */
static void
print_line(const struct trigger_record *r)
{
	char sid[TRIGGER_SHORT_ID + 1], when[32], line[1024];
	const char *arrow = utf8_locale() ? "\xe2\x86\x92" : "->";
	short_id(r->id, sid);
	date_format_local(r->when, when, sizeof(when));
	snprintf(line, sizeof(line), "%s  %s", sid, when);
	if (r->before != TRIGGER_NO_RATING && r->after != TRIGGER_NO_RATING)
		line_add(line, sizeof(line), "  distress %d%s%d", r->before,
		         arrow, r->after);
	else if (r->before != TRIGGER_NO_RATING)
		line_add(line, sizeof(line), "  distress %d", r->before);
	else if (r->after != TRIGGER_NO_RATING)
		line_add(line, sizeof(line), "  distress after %d", r->after);
	if (r->state)
		line_add(line, sizeof(line), "  %s",
		         trigger_state_words(r->state));
	for (size_t i = 0; i < r->list[TRIGGER_TAGS].n; i++)
		line_add(line, sizeof(line), "%s#%s", i ? " " : "  ",
		         r->list[TRIGGER_TAGS].v[i]);
	const char *what = r->text[TRIGGER_TRIGGER];
	if (what) {
		size_t k = strcspn(what, "\n");
		line_add(line, sizeof(line), "  %.*s", (int)k, what);
	} else {
		const struct record_list *e = &r->list[TRIGGER_EMOTIONS];
		for (size_t i = 0; i < e->n; i++)
			line_add(line, sizeof(line), "%s%s", i ? ", " : "  ",
			         e->v[i]);
	}
	/* The whole line through the sanitizer: tags, the trigger and the
	 * emotions come from the vault. */
	bool tty = isatty(STDOUT_FILENO);
	char *shown = util_truncate(
	        line, tty ? (size_t)term_width(STDOUT_FILENO) : (size_t)-1,
	        clean_locale());
	if (shown) {
		fputs(shown, stdout);
		util_free_text(shown);
	}
	sodium_memzero(line, sizeof(line));
	fputc('\n', stdout);
}

/* "Label             value", continuation lines indented to match (a
 * line break ends a line; CR LF is one). */
static void
print_field(const char *label, const char *value)
{
	printf("%-*s", LABEL_COLS, label);
	for (const char *p = value;;) {
		size_t n = strcspn(p, "\n");
		if (n && p[n] == '\n' && p[n - 1] == '\r')
			n--;
		print_clean(p, n, UTIL_CLEAN_LINES, stdout);
		p += strcspn(p, "\n");
		if (!*p++)
			break;
		putchar('\n');
		if (*p && *p != '\n')
			printf("%*s", LABEL_COLS, "");
	}
	putchar('\n');
}

static void
print_list_field(const char *label, const struct record_list *s,
                 const char *prefix)
{
	if (!s->n)
		return;
	printf("%-*s", LABEL_COLS, label);
	for (size_t i = 0; i < s->n; i++) {
		fputs(i ? (*prefix ? " " : ", ") : "", stdout);
		fputs(prefix, stdout);
		print_clean_str(s->v[i], 0, stdout);
	}
	putchar('\n');
}

static void
print_record(const struct trigger_record *r)
{
	char when[32], num[16];
	date_format_local(r->when, when, sizeof(when));
	fputs("Trigger record ", stdout);
	print_clean(r->id, strnlen(r->id, TRIGGER_SHORT_ID), 0, stdout);
	printf(" \xc2\xb7 %s\n", when);
	if (r->written_locked)
		printf("Written while the vault was locked.\n");
	putchar('\n');
	if (r->before != TRIGGER_NO_RATING) {
		snprintf(num, sizeof(num), "%d", r->before);
		print_field("Distress before", num);
	}
	if (r->after != TRIGGER_NO_RATING) {
		snprintf(num, sizeof(num), "%d", r->after);
		print_field("Distress after", num);
	}
	if (r->state)
		print_field("Which way", trigger_state_words(r->state));
	print_list_field("Reaction", &r->list[TRIGGER_REACTIONS], "");
	if (r->text[TRIGGER_TRIGGER])
		print_field("What happened", r->text[TRIGGER_TRIGGER]);
	print_list_field("Made it harder", &r->list[TRIGGER_VULNERABILITIES],
	                 "");
	print_list_field("In the body", &r->list[TRIGGER_BODY], "");
	print_list_field("Emotions", &r->list[TRIGGER_EMOTIONS], "");
	if (r->text[TRIGGER_THOUGHTS])
		print_field("Thoughts", r->text[TRIGGER_THOUGHTS]);
	if (r->felt_age != TRIGGER_NO_AGE) {
		snprintf(num, sizeof(num), "%d", r->felt_age);
		print_field("Felt age", num);
	}
	print_list_field("Urges", &r->list[TRIGGER_URGES], "");
	if (r->text[TRIGGER_NOW_DIFFERS])
		print_field("Now differs", r->text[TRIGGER_NOW_DIFFERS]);
	print_list_field("What you tried", &r->list[TRIGGER_HELPED], "");
	if (r->text[TRIGGER_NOTE])
		print_field("Note", r->text[TRIGGER_NOTE]);
	print_list_field("Tags", &r->list[TRIGGER_TAGS], "#");
	if (!trigger_record_has_fields(r))
		printf("(Only the time is recorded; 'selfhelp trigger-log edit "
		       "%.*s' can add more.)\n",
		       TRIGGER_SHORT_ID, r->id);
}

/* --- ids --- */

static int
resolve(struct vault *v, const char *prefix, char *id)
{
	static const struct id_words words = {"a record id", "record",
	                                      "trigger record",
	                                      "selfhelp trigger-log list"};
	return resolve_record_id(v, TRIGGER_KIND, prefix, &words, id);
}

static int
one_id(const struct topts *o, const char *sub)
{
	if (o->w.n == 1)
		return 0;
	return usage_error(o->w.n ? "'trigger-log %s' takes one id."
	                          : "'trigger-log %s' needs the id of a "
	                            "record; 'selfhelp trigger-log list' "
	                            "shows them.",
	                   sub);
}

static int
load_record(struct vault *v, const char *prefix, struct trigger_record **r)
{
	char id[VAULT_ID_HEX + 1];
	int rc = resolve(v, prefix, id);
	if (rc)
		return rc;
	rc = trigger_get(v, id, r);
	if (rc == VAULT_DAMAGED)
		return fail("The record %s could not be read: %s.", id,
		            damage_words(v));
	if (rc)
		return fail("%s", vault_errmsg(v));
	return 0;
}

/* Move the fields given as options from o into r. */
static void
apply_options(struct topts *o, struct trigger_record *r)
{
	if (o->given & GIVEN_BEFORE)
		r->before = o->rec.before;
	if (o->given & GIVEN_AFTER)
		r->after = o->rec.after;
	if (o->given & GIVEN_STATE)
		r->state = o->rec.state;
	if (o->given & GIVEN_AGE)
		r->felt_age = o->rec.felt_age;
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		if (o->given & GIVEN_TEXT(t)) {
			char *tmp = r->text[t];
			r->text[t] = o->rec.text[t];
			o->rec.text[t] = tmp; /* released with o */
		}
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		if (o->given & GIVEN_LIST(l)) {
			struct record_list tmp = r->list[l];
			r->list[l] = o->rec.list[l];
			o->rec.list[l] = tmp;
		}
}

/* --- add --- */

/* Which of the quick fields are still missing. */
static bool
quick_missing(const struct trigger_record *r)
{
	return r->before == TRIGGER_NO_RATING || !r->state ||
	       !r->text[TRIGGER_TRIGGER];
}

static int
save_new(struct vault *v, struct trigger_record *r, bool sealed)
{
	if (vault_begin(v) ||
	    (sealed ? trigger_add_sealed(v, r, time(NULL))
	            : trigger_add(v, r, time(NULL))) ||
	    vault_commit(v)) {
		vault_rollback(v);
		return fail("%s", vault_errmsg(v));
	}
	return 0;
}

static int
trigger_add_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct topts o;
	char sid[TRIGGER_SHORT_ID + 1];
	time_t now = time(NULL);
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	struct trigger_record *r = &o.rec;
	if (o.w.n) {
		rc = usage_error("'trigger-log add' takes its fields as "
		                 "options, like --trigger \"a slammed door\" "
		                 "--before 7 (in quotes).");
		goto out;
	}
	r->when = now;
	if (o.date && date_parse(o.date, now, DATE_START, &r->when)) {
		rc = bad_date("--date", o.date);
		goto out;
	}
	r->has_body = true;
	FILE *tty = o.no_input ? NULL : form_terminal();
	bool ask = tty && (o.quick ? quick_missing(r) : o.given == 0);
	if (!ask && o.given == 0) {
		rc = usage_error("There is nothing to record yet, and %s; "
		                 "give the fields as options, like --trigger "
		                 "TEXT --before N --state too-much.",
		                 o.no_input ? "--no-input says not to ask"
		                            : "there is no terminal to ask on");
		goto out;
	}
	/* Locked and no passphrase at hand: the record is sealed to the
	 * vault's public key, so nothing is asked in the moment itself. */
	bool sealed = false;
	if (!(v = ctx_vault_for_write(ctx, &sealed))) {
		rc = 1;
		goto out;
	}
	if (ask) {
		struct trigger_form_opts fo = {
		        .quick = o.quick, .ask_when = !o.date, .out = tty};
		int res = trigger_form_run(r, &fo, now);
		if (res < 0) {
			rc = fail("Could not read keys from this terminal; "
			          "the fields can be given as options "
			          "('selfhelp trigger-log add --help').");
			goto out;
		}
		if (res == FORM_DISCARD) {
			fputs("Nothing was saved.\n", tty);
			goto out;
		}
		if (!trigger_record_has_fields(r)) {
			fputs("Nothing was written, so nothing was saved.\n",
			      tty);
			goto out;
		}
	}
	if ((rc = save_new(v, r, sealed)))
		goto out;
	short_id(r->id, sid);
	if (sealed)
		printf("Saved. You can read it after you unlock. (%s)\n", sid);
	else if (isatty(STDOUT_FILENO))
		printf("Saved. (%s)\n", sid);
	else
		printf("%s\n", sid);
	if (ask && o.quick) {
		fprintf(tty,
		        "When you feel ready, 'selfhelp trigger-log edit %s' "
		        "adds the rest.\n",
		        sid);
		if (r->state == TRIGGER_TOO_MUCH ||
		    r->state == TRIGGER_TOO_LITTLE)
			fprintf(tty,
			        "'selfhelp grounding --for %s' has exercises "
			        "for right now.\n",
			        trigger_state_name(r->state));
	}
out:
	return opts_status(rc, &o);
}

/* --- list --- */

static bool
has_all_tags(const struct trigger_record *r, const struct record_list *tags)
{
	for (size_t i = 0; i < tags->n; i++) {
		bool found = false;
		for (size_t k = 0; k < r->list[TRIGGER_TAGS].n && !found; k++)
			found = strcmp(r->list[TRIGGER_TAGS].v[k],
			               tags->v[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static int
trigger_list_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct topts o;
	struct trigger_filter f = {0};
	struct trigger_record **list = NULL;
	size_t n = 0, shown = 0;
	int damaged = 0;
	time_t now = time(NULL);
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return opts_status(rc, &o);
	const struct record_list *tags = &o.rec.list[TRIGGER_TAGS];
	if (o.w.n) {
		rc = usage_error("'trigger-log list' takes options only.");
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
	f.tag = tags->n ? tags->v[0] : NULL;
	f.with_body = o.json;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if (trigger_list(v, &f, &list, &n, report_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	json_t *arr = o.json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (o.limit >= 0 && shown == (size_t)o.limit)
			break;
		if (!has_all_tags(list[i], tags))
			continue;
		shown++;
		if (arr)
			json_array_append_new(arr, record_json(list[i]));
		else
			print_line(list[i]);
	}
	if (arr)
		rc = print_json(arr);
	else if (shown == 0 && !damaged)
		printf(o.since || o.until || tags->n
		               ? "Nothing was recorded in that selection.\n"
		               : "Nothing is recorded yet. 'selfhelp "
		                 "trigger-log add' records a moment.\n");
	rc = rc ? rc : damaged ? 1 : 0;
out:
	trigger_records_free(list, n);
	return opts_status(rc, &o);
}

/* --- show --- */

static int
trigger_show_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct topts o;
	struct trigger_record *r = NULL;
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
	if ((rc = load_record(v, o.w.v[0], &r)))
		goto out;
	if (o.json) {
		json_t *arr = json_array();
		json_array_append_new(arr, record_json(r));
		rc = print_json(arr);
	} else {
		print_record(r);
	}
out:
	trigger_record_free(r);
	return opts_status(rc, &o);
}

/* --- edit --- */

/* What parse_edited() needs: the record, when the edit began, and where
 * the edited record goes. */
struct edit_arg {
	const struct trigger_record *r;
	time_t now;
	struct trigger_record *out;
};

static int
parse_edited(const char *text, size_t len, void *arg, char *err, size_t size)
{
	struct edit_arg *a = arg;
	return trigger_parse_text(text, len, a->r, a->now, a->out, err, size);
}

/*
 * The edited record from the editor (on a terminal) or standard input.
 * Returns 0 with *out filled, 3 when the person chose to leave it as it
 * was (a message is printed), or an exit status.
 */
static int
edit_text(const struct trigger_record *r, struct trigger_record *out)
{
	struct edit_arg a = {r, time(NULL), out};
	size_t len = 0;
	char *text = trigger_format_text(r, &len);
	return editor_edit_record(text, len,
	                          "The file was empty, so the record was left "
	                          "as it was. ('selfhelp trigger-log delete' "
	                          "removes a record.)\n",
	                          parse_edited, &a);
}

static int
trigger_edit_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct topts o;
	struct trigger_record *r = NULL, edited;
	struct vault *v;
	time_t now = time(NULL), when = 0;
	trigger_record_init(&edited);
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
	if (o.given || o.date) {
		if (trigger_record_copy(&edited, r)) {
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
	if (trigger_record_same(r, &edited)) {
		printf("Nothing changed.\n");
		goto out;
	}
	if (vault_begin(v) || trigger_update(v, &edited, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Saved.\n");
out:
	trigger_record_release(&edited);
	trigger_record_free(r);
	return opts_status(rc, &o);
}

/* --- delete --- */

static int
trigger_delete_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct topts o;
	struct trigger_record *r = NULL;
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
		snprintf(q, sizeof(q), "Delete the trigger record from %s?",
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
	trigger_record_free(r);
	return opts_status(rc, &o);
}

/* --- the command (stats is in insights.c) --- */

static const struct command trigger_subs[] = {
        {"add", trigger_add_cmd, "record what happened, and what you tried",
         .opts = add_options, .help = add_help},
        {"list", trigger_list_cmd, "records, newest first",
         .opts = list_options, .help = dates_help},
        {"show", trigger_show_cmd, "one record with every field", "ID",
         show_options, .hint = HINT_IDS},
        {"edit", trigger_edit_cmd, "fill in or change a record", "ID",
         edit_options, edit_help, .hint = HINT_IDS},
        {"delete", trigger_delete_cmd,
         "remove a record (asks first; --yes skips the question)", "ID",
         delete_options, .hint = HINT_IDS},
        {"stats", trigger_stats_cmd,
         "patterns over time, and what you tried (also 'selfhelp insights')",
         .opts = stats_options, .help = stats_help},
        {0},
};

const struct command trigger_log_command = {
        "trigger-log",
        NULL,
        "record what happened, and what you tried",
        .help = trigger_help,
        .subs = trigger_subs,
        .dflt = "list",
};
