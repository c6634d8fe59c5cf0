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
#include "wipe.h"
#include "date-arg.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LABEL_COLS = 18 };

static const char *const trigger_usage[] = {
        "selfhelp trigger-log add [--quick] [--trigger TEXT] [--before N] "
        "[--state S] [...]",
        "selfhelp trigger-log list [-n N] [--since WHEN] [--until WHEN] "
        "[--tag T] [--json]",
        "selfhelp trigger-log show ID [--json]",
        "selfhelp trigger-log edit ID [field options]",
        "selfhelp trigger-log delete ID [--yes]",
        "selfhelp trigger-log stats [--since WHEN] [--until WHEN] [--ascii] "
        "[--json]",
        NULL,
};

static const char trigger_help[] =
        "A private log of hard moments: what happened and what may have\n"
        "brought it on (it's fine not to know), how it felt and what you\n"
        "did or tried, encrypted in your vault.\n"
        "\n"
        "  add      record one: a few short questions on a terminal, or the\n"
        "           fields as options; --quick asks only three\n"
        "  list     records, newest first\n"
        "  show     one record (ID: the first 4 or more characters of its id)\n"
        "  edit     fill in or change a record, in your editor or by options\n"
        "  delete   remove a record (asks first; --yes skips the question)\n"
        "  stats    patterns over time, and what you tried (also 'selfhelp "
        "insights')\n"
        "\n"
        "'selfhelp trigger-log COMMAND --help' says more about each.\n";

static const char fields_help[] =
        "  --trigger TEXT      what happened, or what brought it on\n"
        "  --before N          distress before, 0 to 10\n"
        "  --after N           distress afterwards, 0 to 10\n"
        "  --state S           too-much (flooded, racing), okay, or "
        "too-little\n"
        "                      (numb, foggy, far away)\n"
        "  --reaction R        emotional flashback, intrusive memory, "
        "nightmare,\n"
        "                      dissociation, shutdown, inner-critic attack, "
        "shame\n"
        "                      spiral, fight, flight, freeze, fawn, or your "
        "own words\n"
        "  --vulnerability V   poor sleep, hunger, pain, illness, conflict,\n"
        "                      anniversary, ... (what made it harder)\n"
        "  --body TEXT         what you noticed in your body\n"
        "  --emotion E         an emotion\n"
        "  --thought TEXT      thoughts or beliefs that came up\n"
        "  --felt-age N        how old you felt, in years\n"
        "  --urge TEXT         an urge\n"
        "  --now-differs TEXT  if it fits: how now is different from back\n"
        "                      then\n"
        "  --helped TEXT       what you did or tried\n"
        "  --note TEXT         anything else ('-': read it from standard "
        "input)\n"
        "  --tag T             a tag\n"
        "  --date WHEN         when it happened (default: now)\n"
        "\n"
        "--reaction, --vulnerability, --body, --emotion, --urge, --helped and\n"
        "--tag can be given more than once, or with commas between items.\n";

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
	long limit;
	bool json, yes, quick, ascii, no_input, stdin_used;
	int nargs;
	char **args;
};

enum {
	OPT_QUICK = 256,
	OPT_TRIGGER,
	OPT_BEFORE,
	OPT_AFTER,
	OPT_STATE,
	OPT_REACTION,
	OPT_VULNERABILITY,
	OPT_BODY,
	OPT_EMOTION,
	OPT_THOUGHT,
	OPT_FELT_AGE,
	OPT_URGE,
	OPT_NOW_DIFFERS,
	OPT_HELPED,
	OPT_NOTE,
	OPT_TAG,
	OPT_DATE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_JSON,
	OPT_YES,
	OPT_ASCII,
	OPT_NO_INPUT,
};

static const char field_opts[] =
        "trigger before after state reaction vulnerability body emotion "
        "thought felt-age urge now-differs helped note tag date";

/* Per sub-command help: usage line(s) and what the options mean. */
static void
sub_help(const char *sub)
{
	if (strcmp(sub, "add") == 0) {
		fputs("usage: selfhelp trigger-log add [--quick] [--no-input] "
		      "[field options]\n\n"
		      "Record a moment. On a terminal with no field options, "
		      "a short guided form\nasks one question at a time: "
		      "Enter skips one, q, Esc or Ctrl-C leaves\n(and asks "
		      "whether to keep what you wrote). Ratings take one key, "
		      "0-9,\nor 1 then 0 for 10.\n\n"
		      "  --quick     only three questions (distress, which "
		      "way, "
		      "what happened),\n"
		      "              asked only for what the options did not "
		      "give; the rest can\n"
		      "              wait for 'trigger-log edit ID'\n"
		      "  --no-input  never ask; take only the options\n\n",
		      stdout);
		fputs(fields_help, stdout);
		fputs("\nPrints the short id of the new record.\n", stdout);
	} else if (strcmp(sub, "list") == 0) {
		fputs("usage: selfhelp trigger-log list [-n N] [--since WHEN] "
		      "[--until WHEN] [--tag T]\n"
		      "                                 [--json]\n\n"
		      "Records, newest first, one line each.\n\n"
		      "  -n N          the newest N only\n"
		      "  --since WHEN  records from then on\n"
		      "  --until WHEN  records up to then\n"
		      "  --tag T       records with this tag (more than one: "
		      "all of them)\n"
		      "  --json        every field, as JSON for scripts\n\n",
		      stdout);
		fputs(dates_help, stdout);
	} else if (strcmp(sub, "show") == 0) {
		fputs("usage: selfhelp trigger-log show ID [--json]\n\n"
		      "One record with every field. ID is the first 4 or more "
		      "characters of\nits id ('trigger-log list' shows "
		      "them).\n",
		      stdout);
	} else if (strcmp(sub, "edit") == 0) {
		fputs("usage: selfhelp trigger-log edit ID [field options]\n\n"
		      "Fill in or change a record. With field options, those "
		      "fields are replaced\n(an empty value clears one). "
		      "Otherwise the record opens in your editor\n($VISUAL, "
		      "$EDITOR, vi) as 'key: value' lines, in a private "
		      "in-memory\nfile; or, when standard input is not a "
		      "terminal, those lines are read\nfrom it.\n\n",
		      stdout);
		fputs(fields_help, stdout);
	} else if (strcmp(sub, "delete") == 0) {
		fputs("usage: selfhelp trigger-log delete ID [--yes]\n\n"
		      "Remove a record for good. Asks first on a terminal; "
		      "--yes (-y) skips\nthe question.\n",
		      stdout);
	}
}

static bool
word_in(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

static void
topts_release(struct topts *o)
{
	trigger_record_release(&o->rec);
}

/* A text field's value, copied into the record and wiped in argv. */
static int
text_option(struct topts *o, const char *opt, enum trigger_text t, char *arg)
{
	char *in = NULL;
	const char *value = arg;
	size_t len = 0;
	if (strcmp(value, "-") == 0) {
		if (o->stdin_used)
			return usage_error(trigger_usage,
			                   "Only one option can read standard "
			                   "input ('-').");
		o->stdin_used = true;
		if (read_stdin_text(&in, &len))
			return 1;
		value = in;
	}
	size_t bad;
	/* A NUL byte from stdin would silently cut the text short. */
	enum trigger_text_problem why =
	        in && !util_utf8_ok(in, len, &bad)
	                ? TRIGGER_TEXT_NOT_UTF8
	                : trigger_set_text(&o->rec, t, value);
	wipe_free(in, len);
	arg_wipe(arg);
	if (why != TRIGGER_TEXT_OK)
		return usage_error(trigger_usage, "The %s text %s.", opt,
		                   trigger_problem_words(why));
	o->given |= GIVEN_TEXT(t);
	return 0;
}

/* A list field's items, copied into the record and wiped in argv. */
static int
list_option(struct topts *o, const char *opt, enum trigger_list l, char *arg)
{
	enum trigger_text_problem why = trigger_add_items(&o->rec, l, arg);
	arg_wipe(arg);
	if (why != TRIGGER_TEXT_OK)
		return usage_error(trigger_usage, "The %s value %s.", opt,
		                   trigger_problem_words(why));
	o->given |= GIVEN_LIST(l);
	return 0;
}

static int
rating_option(const char *opt, const char *value, int *out)
{
	long n;
	if (util_parse_long(value, 0, TRIGGER_RATING_MAX, &n))
		return usage_error(trigger_usage,
		                   "%s takes a number from 0 to 10 (0 is calm, "
		                   "10 the most distress).",
		                   opt);
	*out = (int)n;
	return 0;
}

/*
 * Parse options for sub-command argv[0]; `allowed` lists the long option
 * names it takes. Returns 0, -1 after printing help, or an exit status.
 */
static int
parse_opts(int argc, char **argv, const char *allowed, struct topts *o)
{
	static const struct option opts[] = {
	        {"quick", no_argument, NULL, OPT_QUICK},
	        {"trigger", required_argument, NULL, OPT_TRIGGER},
	        {"before", required_argument, NULL, OPT_BEFORE},
	        {"after", required_argument, NULL, OPT_AFTER},
	        {"state", required_argument, NULL, OPT_STATE},
	        {"reaction", required_argument, NULL, OPT_REACTION},
	        {"vulnerability", required_argument, NULL, OPT_VULNERABILITY},
	        {"body", required_argument, NULL, OPT_BODY},
	        {"emotion", required_argument, NULL, OPT_EMOTION},
	        {"thought", required_argument, NULL, OPT_THOUGHT},
	        {"felt-age", required_argument, NULL, OPT_FELT_AGE},
	        {"urge", required_argument, NULL, OPT_URGE},
	        {"now-differs", required_argument, NULL, OPT_NOW_DIFFERS},
	        {"helped", required_argument, NULL, OPT_HELPED},
	        {"note", required_argument, NULL, OPT_NOTE},
	        {"tag", required_argument, NULL, OPT_TAG},
	        {"date", required_argument, NULL, OPT_DATE},
	        {"since", required_argument, NULL, OPT_SINCE},
	        {"until", required_argument, NULL, OPT_UNTIL},
	        {"json", no_argument, NULL, OPT_JSON},
	        {"yes", no_argument, NULL, OPT_YES},
	        {"ascii", no_argument, NULL, OPT_ASCII},
	        {"no-input", no_argument, NULL, OPT_NO_INPUT},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	int c, idx, rc;
	long n;

	memset(o, 0, sizeof(*o));
	trigger_record_init(&o->rec);
	o->limit = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:hy", opts, &idx)) != -1) {
		const char *name = NULL;
		switch (c) {
		case 'n':
			name = "n";
			break;
		case 'y':
			name = "yes";
			break;
		case 'h':
			sub_help(argv[0]);
			return -1;
		case ':':
			return usage_error(trigger_usage,
			                   "The option '%s' needs a value.",
			                   argv[optind - 1]);
		case '?':
			return usage_error(trigger_usage,
			                   "'%s' is not an option of "
			                   "'trigger-log %s'; 'selfhelp "
			                   "trigger-log %s --help' lists them.",
			                   argv[optind - 1], argv[0], argv[0]);
		default:
			name = opts[idx].name;
		}
		if (!word_in(allowed, name))
			return usage_error(trigger_usage,
			                   "'trigger-log %s' does not take "
			                   "%s%s.",
			                   argv[0], name[1] ? "--" : "-", name);
		rc = 0;
		switch (c) {
		case 'n':
			if (util_parse_long(optarg, 1, INT_MAX, &n))
				return usage_error(trigger_usage,
				                   "-n takes a count like 10.");
			o->limit = n;
			break;
		case OPT_QUICK:
			o->quick = true;
			break;
		case OPT_TRIGGER:
			rc = text_option(o, "--trigger", TRIGGER_TRIGGER,
			                 optarg);
			break;
		case OPT_THOUGHT:
			rc = text_option(o, "--thought", TRIGGER_THOUGHTS,
			                 optarg);
			break;
		case OPT_NOW_DIFFERS:
			rc = text_option(o, "--now-differs",
			                 TRIGGER_NOW_DIFFERS, optarg);
			break;
		case OPT_NOTE:
			rc = text_option(o, "--note", TRIGGER_NOTE, optarg);
			break;
		case OPT_BEFORE:
			rc = rating_option("--before", optarg, &o->rec.before);
			o->given |= GIVEN_BEFORE;
			break;
		case OPT_AFTER:
			rc = rating_option("--after", optarg, &o->rec.after);
			o->given |= GIVEN_AFTER;
			break;
		case OPT_STATE:
			if (trigger_state_parse(optarg, &o->rec.state))
				return usage_error(
				        trigger_usage,
				        "--state takes too-much, okay or "
				        "too-little (the way out of your "
				        "window of tolerance).");
			o->given |= GIVEN_STATE;
			break;
		case OPT_FELT_AGE:
			if (util_parse_long(optarg, 0, TRIGGER_AGE_MAX, &n))
				return usage_error(trigger_usage,
				                   "--felt-age takes an age in "
				                   "years, from 0 to %d.",
				                   TRIGGER_AGE_MAX);
			o->rec.felt_age = (int)n;
			o->given |= GIVEN_AGE;
			break;
		case OPT_REACTION:
			rc = list_option(o, "--reaction", TRIGGER_REACTIONS,
			                 optarg);
			break;
		case OPT_VULNERABILITY:
			rc = list_option(o, "--vulnerability",
			                 TRIGGER_VULNERABILITIES, optarg);
			break;
		case OPT_BODY:
			rc = list_option(o, "--body", TRIGGER_BODY, optarg);
			break;
		case OPT_EMOTION:
			rc = list_option(o, "--emotion", TRIGGER_EMOTIONS,
			                 optarg);
			break;
		case OPT_URGE:
			rc = list_option(o, "--urge", TRIGGER_URGES, optarg);
			break;
		case OPT_HELPED:
			rc = list_option(o, "--helped", TRIGGER_HELPED, optarg);
			break;
		case OPT_TAG:
			rc = list_option(o, "--tag", TRIGGER_TAGS, optarg);
			break;
		case OPT_DATE:
			o->date = optarg;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_YES:
		case 'y':
			o->yes = true;
			break;
		case OPT_ASCII:
			o->ascii = true;
			break;
		case OPT_NO_INPUT:
			o->no_input = true;
			break;
		}
		if (rc)
			return rc;
	}
	o->nargs = argc - optind;
	o->args = argv + optind;
	return 0;
}

/* parse_opts's result as an exit status for a sub-command, after
 * releasing o: help printed is 0. */
static int
opts_status(int rc, struct topts *o)
{
	topts_release(o);
	return rc < 0 ? 0 : rc;
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

static json_t *
strs_json(const struct trigger_strs *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *
record_json(const struct trigger_record *r)
{
	char when[40], created[40], updated[40];
	json_t *o = json_object();
	const char *st = trigger_state_name(r->state);
	date_format_iso(r->when, when, sizeof(when));
	date_format_iso(r->created, created, sizeof(created));
	date_format_iso(r->updated, updated, sizeof(updated));
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "when", json_string(when));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "updated", json_string(updated));
	json_object_set_new(o, "before",
	                    r->before == TRIGGER_NO_RATING
	                            ? json_null()
	                            : json_integer(r->before));
	json_object_set_new(o, "after",
	                    r->after == TRIGGER_NO_RATING
	                            ? json_null()
	                            : json_integer(r->after));
	json_object_set_new(o, "state", st ? json_string(st) : json_null());
	json_object_set_new(o, "felt_age",
	                    r->felt_age == TRIGGER_NO_AGE
	                            ? json_null()
	                            : json_integer(r->felt_age));
	for (int t = 0; t < TRIGGER_NTEXTS; t++)
		json_object_set_new(o, trigger_text_json((enum trigger_text)t),
		                    r->text[t] ? json_string(r->text[t])
		                               : json_null());
	for (int l = 0; l < TRIGGER_NLISTS; l++)
		json_object_set_new(o, trigger_list_json((enum trigger_list)l),
		                    strs_json(&r->list[l]));
	json_object_set_new(o, "written_while_locked",
	                    json_boolean(r->written_locked));
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
		const struct trigger_strs *e = &r->list[TRIGGER_EMOTIONS];
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
		wipe_free_str(shown);
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
print_list_field(const char *label, const struct trigger_strs *s,
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
	return resolve_record_id(v, TRIGGER_KIND, prefix, trigger_usage, &words,
	                         id);
}

static int
one_id(const struct topts *o, const char *sub)
{
	if (o->nargs == 1)
		return 0;
	return usage_error(trigger_usage,
	                   o->nargs ? "'trigger-log %s' takes one id."
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
		            cmd_damage_words(v));
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
			struct trigger_strs tmp = r->list[l];
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
	char allowed[512], sid[TRIGGER_SHORT_ID + 1];
	time_t now = time(NULL);
	struct vault *v;
	snprintf(allowed, sizeof(allowed), "%s quick no-input", field_opts);
	int rc = parse_opts(argc, argv, allowed, &o);
	if (rc)
		return opts_status(rc, &o);
	struct trigger_record *r = &o.rec;
	if (o.nargs) {
		rc = usage_error(trigger_usage,
		                 "'trigger-log add' takes its fields as "
		                 "options, like --trigger \"a slammed door\" "
		                 "--before 7 (in quotes).");
		goto out;
	}
	r->when = now;
	if (o.date && date_parse(o.date, now, DATE_START, &r->when)) {
		rc = date_arg_error(trigger_usage, "--date", o.date);
		goto out;
	}
	r->has_body = true;
	FILE *tty = o.no_input ? NULL : form_terminal();
	bool ask = tty && (o.quick ? quick_missing(r) : o.given == 0);
	if (!ask && o.given == 0) {
		rc = usage_error(trigger_usage,
		                 "There is nothing to record yet, and %s; "
		                 "give the fields as options, like --trigger "
		                 "TEXT --before N --state too-much.",
		                 o.no_input ? "--no-input says not to ask"
		                            : "there is no terminal to ask on");
		goto out;
	}
	/* Locked and no passphrase at hand: the record is sealed to the
	 * vault's public key, so nothing is asked in the moment itself. */
	bool sealed = false;
	if (!(v = cmd_vault_for_write(ctx, &sealed))) {
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
has_all_tags(const struct trigger_record *r, const struct trigger_strs *tags)
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
	int rc = parse_opts(argc, argv, "n since until tag json", &o);
	if (rc)
		return opts_status(rc, &o);
	const struct trigger_strs *tags = &o.rec.list[TRIGGER_TAGS];
	if (o.nargs) {
		rc = usage_error(trigger_usage,
		                 "'trigger-log list' takes options only.");
		goto out;
	}
	if (o.since && date_parse(o.since, now, DATE_START, &f.since)) {
		rc = date_arg_error(trigger_usage, "--since", o.since);
		goto out;
	}
	if (o.until && date_parse(o.until, now, DATE_END, &f.until)) {
		rc = date_arg_error(trigger_usage, "--until", o.until);
		goto out;
	}
	f.tag = tags->n ? tags->v[0] : NULL;
	f.with_body = o.json;
	if (!(v = cmd_vault(ctx))) {
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
	int rc = parse_opts(argc, argv, "json", &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "show")))
		goto out;
	if (!(v = cmd_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.args[0], &r)))
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
	int rc = parse_opts(argc, argv, field_opts, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "edit")))
		goto out;
	if (o.date && date_parse(o.date, now, DATE_START, &when)) {
		rc = date_arg_error(trigger_usage, "--date", o.date);
		goto out;
	}
	if (!(v = cmd_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.args[0], &r)))
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
	int rc = parse_opts(argc, argv, "yes", &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = one_id(&o, "delete")))
		goto out;
	if (!o.yes && !isatty(STDIN_FILENO)) {
		rc = usage_error(trigger_usage,
		                 "Deleting needs a yes, and there is no "
		                 "terminal to ask on; --yes gives it.");
		goto out;
	}
	if (!(v = cmd_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.args[0], &r)))
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

int
cmd_trigger_log(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct subcmd table[] = {
	        {"add", trigger_add_cmd},
	        {"list", trigger_list_cmd},
	        {"show", trigger_show_cmd},
	        {"edit", trigger_edit_cmd},
	        {"delete", trigger_delete_cmd},
	        {"stats", trigger_stats_cmd},
	        {0},
	};
	if (argc >= 2 && is_help_arg(argv[1])) {
		usage_print(trigger_usage, stdout);
		fputs("\n", stdout);
		fputs(trigger_help, stdout);
		return 0;
	}
	return subcmd_run(table, trigger_usage, "list", argc, argv, ctx);
}
