/*
 * selfhelp trigger-log: record what happened and what you tried, and
 * read, change or remove those records. Records are sealed in the vault
 * like journal entries (kind "trigger"; see lib/trigger.h). The
 * sub-commands are the record kinds' (cmd/record-cmd.h); what is the
 * trigger log's own here: its options, its list line, the words after a
 * quick record, and its statistics (cmd/insights.c).
 */
#include "trigger-log.h"

#include "dates.h"
#include "output.h"
#include "record-cmd.h"

#include <limits.h>
#include <string.h>

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

#define T(member) offsetof(struct trigger_record, member)
#define O(f)      RECORD_OPT(f)
#define FIELD(name, member, arg, help)                                         \
	RECORD_OPT_FIELD(name, T(member), arg, help)
#define TEXT(name, t, help)                                                    \
	{                                                                      \
		FIELD(name, text[t], "TEXT", help)                             \
	}
#define LIST(name, l, arg, help)                                               \
	{                                                                      \
		FIELD(name, list[l], arg, help), .flags = OPT_REPEAT           \
	}
#define RATING(name, help)                                                     \
	{                                                                      \
		FIELD(#name, name, "N", help),                                 \
		        .bad = "--" #name " takes a number from 0 to 10 (0 "   \
		               "is calm, 10 the most distress)."               \
	}

_Static_assert(TRIGGER_AGE_MAX == 120, "--felt-age's words say 120");

#define FIELD_OPTIONS                                                          \
	TEXT("trigger", TRIGGER_TRIGGER,                                       \
	     "what happened, or what brought it on"),                          \
	        RATING(before, "distress before, 0 to 10"),                    \
	        RATING(after, "distress afterwards, 0 to 10"),                 \
	        {FIELD("state", state, "S",                                    \
	               "too-much (flooded, racing), okay, or too-little\n"     \
	               "(numb, foggy, far away)"),                             \
	         .values = "too-much okay too-little",                         \
	         .bad = "--state takes too-much, okay or too-little (the way " \
	                "out of your window of tolerance)."},                  \
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
	        TEXT("thought", TRIGGER_THOUGHTS,                              \
	             "thoughts or beliefs that came up"),                      \
	        {FIELD("felt-age", felt_age, "N",                              \
	               "how old you felt, in years"),                          \
	         .bad = "--felt-age takes an age in years, from 0 to 120."},   \
	        LIST("urge", TRIGGER_URGES, "TEXT", "an urge"),                \
	        TEXT("now-differs", TRIGGER_NOW_DIFFERS,                       \
	             "if it fits: how now is different from back then"),       \
	        LIST("helped", TRIGGER_HELPED, "TEXT",                         \
	             "what you did or tried"),                                 \
	        TEXT("note", TRIGGER_NOTE,                                     \
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
        LIST("tag", TRIGGER_TAGS, "T",
             "records with this tag (more than one: all of them)"),
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

/* --- the trigger log's own --- */

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
print_line(const void *rec)
{
	const struct trigger_record *r = rec;
	const struct record_field *state =
	        record_field_at(&trigger_kind, T(state));
	char sid[RECORD_SHORT_ID + 1], when[32], line[1024];
	const char *arrow = utf8_locale() ? "\xe2\x86\x92" : "->";
	record_short_id(r->id, sid);
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
		         record_choice_words(state, (int)r->state));
	for (size_t i = 0; i < r->list[TRIGGER_TAGS].n; i++)
		line_add(line, sizeof(line), "%s#%s", i ? " " : "  ",
		         r->list[TRIGGER_TAGS].v[i]);
	if (r->conflict_copy)
		line_add(line, sizeof(line), "  (conflict copy)");
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
	record_put_line(line, sizeof(line));
}

/* After a quick record made in the form: the rest can wait. */
static void
add_end(struct record_adding *a, bool saved)
{
	const struct trigger_record *r = a->r;
	char sid[RECORD_SHORT_ID + 1];
	if (!saved || !a->ask || !a->quick)
		return;
	char line[sizeof(sid) + 80];
	record_short_id(r->id, sid);
	snprintf(line, sizeof(line),
	         "When you feel ready, 'selfhelp trigger-log edit %s' adds the "
	         "rest.\n",
	         sid);
	say_wrapped(a->tty, line);
	record_offer_grounding(a->tty, (int)r->state);
}

static const struct record_cmd_variant variants[] = {
        {.sub = "add",
         .noun = "trigger record",
         .example = "--trigger \"a slammed door\" --before 7",
         .options = "--trigger TEXT --before N --state too-much"},
        {0},
};

static const struct record_cmd trigger_cmd = {
        .kind = &trigger_kind,
        .name = "trigger-log",
        .ids = {"a record id", "record", "trigger record",
                "selfhelp trigger-log list"},
        .a_record = "a record",
        .record = "record",
        .answers = "fields",
        .verb = "record",
        .removes = "a record",
        .empty = "Nothing is recorded yet. 'selfhelp trigger-log add' "
                 "records a moment.",
        .empty_selection = "Nothing was recorded in that selection.",
        .json_flags = RECORD_JSON_TIMES,
        .variants = variants,
        .print_line = print_line,
        .add_end = add_end,
};

/* --- the command (stats is in insights.c) --- */

static const struct command trigger_subs[] = {
        {"add", record_cmd_add, "record what happened, and what you tried",
         .opts = add_options, .help = add_help},
        {"list", record_cmd_list, "records, newest first", .opts = list_options,
         .help = dates_help},
        {"show", record_cmd_show, "one record with every field", "ID",
         show_options, .hint = HINT_IDS},
        {"edit", record_cmd_edit, "fill in or change a record", "ID",
         edit_options, edit_help, .hint = HINT_IDS},
        {"delete", record_cmd_delete,
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
        .data = &trigger_cmd,
};
