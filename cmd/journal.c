/* selfhelp journal: write, list, read, edit, delete and search entries. */
#include "cmd.h"
#include "dates.h"
#include "editor.h"
#include "journal.h"
#include "output.h"
#include "pager.h"
#include "record-cmd.h"
#include "screen.h"
#include "search.h"
#include "strbuf.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"
#include "date-arg.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	SHORT_ID = RECORD_SHORT_ID,
	SNIPPET_CONTEXT = 30, /* --json: characters either side of a match */
	SNIPPET_PLAIN = 64,   /* not a terminal: columns of a snippet */
	SNIPPET_MIN = 16,     /* a terminal: the fewest columns for one */
};

static const char journal_help[] =
        "Private journal entries, encrypted in your vault. ID is the first\n"
        "4 or more characters of an entry's id ('journal list' shows them).\n"
        "\n"
        "WHEN is a date like 2026-11-01 or 2026-11-01T14:30, or today,\n"
        "yesterday, 7d, 2w, 3m (days, weeks, months ago). A bare date in\n"
        "--until includes that whole day.\n";

/* Options of the sub-commands; each takes what its table names. */
struct jopts {
	char *message; /* owned: a copy, wiped in argv (arg_take) */
	int mood;      /* JOURNAL_NO_MOOD when not given */
	char *tags[JOURNAL_MAX_TAGS];
	size_t ntags;
	const char *date;
	const char *since, *until;
	int limit;
	bool json, yes;
	bool dash;   /* "-" among the words: the text from standard input */
	bool prompt; /* add --prompt [TOPIC] */
	const char *prompt_topic; /* its TOPIC (borrowed from argv), or NULL */
	struct opt_words w;
};

#define JOPTS_INIT                                                             \
	{                                                                      \
		.mood = JOURNAL_NO_MOOD, .limit = -1                           \
	}

static void
jopts_release(struct jopts *o)
{
	for (size_t i = 0; i < o->ntags; i++)
		wipe_free_str(o->tags[i]);
	o->ntags = 0;
	wipe_free_str(o->message);
	o->message = NULL;
}

static int
message_option(void *p, const struct opt *opt, char *arg)
{
	struct jopts *o = p;
	wipe_free_str(o->message);
	if (!(o->message = arg_take(arg)))
		return fail("Out of memory.");
	return 0;
}

static int
prompt_option(void *p, const struct opt *opt, char *arg)
{
	struct jopts *o = p;
	o->prompt = true;
	o->prompt_topic = arg && *arg ? arg : NULL; /* "--prompt=": none */
	return 0;
}

static int
tag_option(void *p, const struct opt *opt, char *arg)
{
	struct jopts *o = p;
	char *t = journal_tag_normalize(arg);
	bool control = !t && util_has_control(arg, strlen(arg), 0, NULL);
	arg_wipe(arg);
	if (control)
		return usage_error("A tag cannot hold control characters (such "
		                   "as a line break or an escape).");
	if (!t)
		return usage_error("A tag is a short word or phrase (up to %d "
		                   "bytes, no commas).",
		                   JOURNAL_TAG_MAX);
	if (o->ntags == JOURNAL_MAX_TAGS) {
		wipe_free_str(t);
		return usage_error("That is more tags than one entry can hold "
		                   "(%d).",
		                   JOURNAL_MAX_TAGS);
	}
	o->tags[o->ntags++] = t;
	return 0;
}

#define O(f) offsetof(struct jopts, f)
#define WRITE_OPTIONS                                                          \
	{"message",                                                            \
	 'm',                                                                  \
	 OPT_CALL,                                                             \
	 0,                                                                    \
	 "TEXT",                                                               \
	 "the text (else standard input, or your editor:\n"                    \
	 "$VISUAL or $EDITOR, in memory, never on disk)",                      \
	 .call = message_option},                                              \
	        {"mood",                                                       \
	         0,                                                            \
	         OPT_INT,                                                      \
	         O(mood),                                                      \
	         "N",                                                          \
	         "your mood, " JOURNAL_MOOD_SCALE,                             \
	         .min = 0,                                                     \
	         .max = 10,                                                    \
	         .bad = "--mood takes a number from " JOURNAL_MOOD_SCALE "."}, \
	        {"tag",                                                        \
	         0,                                                            \
	         OPT_CALL,                                                     \
	         0,                                                            \
	         "T",                                                          \
	         "a tag (more than once: more tags)",                          \
	         .call = tag_option,                                           \
	         .flags = OPT_REPEAT},                                         \
	{                                                                      \
		"date", 0, OPT_DATE, O(date), "WHEN",                          \
		        .help = "when it was written"                          \
	}
#define LIST_OPTIONS                                                           \
	{NULL,                                                                 \
	 'n',                                                                  \
	 OPT_INT,                                                              \
	 O(limit),                                                             \
	 "N",                                                                  \
	 "the newest N only",                                                  \
	 .min = 1,                                                             \
	 .max = INT_MAX,                                                       \
	 .bad = "-n takes a count like 10."},                                  \
	        {"since",  0,      OPT_DATE,                                   \
	         O(since), "WHEN", .help = "entries from then on"},            \
	        {"until",  0,      OPT_DATE,                                   \
	         O(until), "WHEN", .help = "entries up to then"},              \
	        {"tag",                                                        \
	         0,                                                            \
	         OPT_CALL,                                                     \
	         0,                                                            \
	         "T",                                                          \
	         "entries with this tag",                                      \
	         .call = tag_option},                                          \
	{                                                                      \
		"json", 0, OPT_FLAG, O(json), NULL,                            \
		        .help = "as JSON for scripts"                          \
	}

static const struct opt write_options[] = {WRITE_OPTIONS, {0}};
static const struct opt add_options[] = {
        WRITE_OPTIONS,
        {"prompt", 0, OPT_CALL, 0, "TOPIC",
         "start with a journaling prompt from TOPIC (without\n"
         "one: a gentle one about now); it is kept as the\n"
         "entry's first line, quoted with '> '",
         .call = prompt_option, .hint = HINT_TOPICS, .flags = OPT_OPTIONAL},
        {0},
};
static const struct opt list_options[] = {LIST_OPTIONS, {0}};
static const struct opt show_options[] = {
        {"json", 0, OPT_FLAG, O(json), NULL, .help = "as JSON for scripts"},
        {0},
};
static const struct opt delete_options[] = {
        {"yes", 'y', OPT_FLAG, O(yes), NULL, .help = "delete without asking"},
        {0},
};
#undef O

/* Parse the options of the sub-command running; the person's words (-m,
 * --tag) are copied and wiped in argv. Returns 0, -1 after --help, or
 * the exit status after a message (o released then). */
static int
parse_opts(int argc, char **argv, struct jopts *o)
{
	int rc = opt_parse(argc, argv, o, &o->w);
	if (rc)
		jopts_release(o);
	return rc;
}

static json_t *
entry_json(const struct journal_entry *e)
{
	char created[40], updated[40];
	json_t *o = json_object(), *tags = json_array();
	date_format_iso(e->created, created, sizeof(created));
	date_format_iso(e->updated, updated, sizeof(updated));
	for (size_t i = 0; i < e->ntags; i++)
		json_array_append_new(tags, json_string(e->tags[i]));
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "updated", json_string(updated));
	json_object_set_new(o, "mood",
	                    e->mood == JOURNAL_NO_MOOD ? json_null()
	                                               : json_integer(e->mood));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "text",
	                    e->text ? json_stringn(e->text, e->textlen)
	                            : json_string(""));
	json_object_set_new(o, "written_while_locked",
	                    json_boolean(e->written_locked));
	if (e->conflict_copy)
		json_object_set_new(o, "conflict_copy", json_true());
	return o;
}

/* An entry's line up to its text, "3f2a9c1b  2026-11-26 14:30  mood 6
 * #work", into line (size bytes); returns its length (capped). */
static size_t
entry_head(const struct journal_entry *e, char *line, size_t size)
{
	char sid[SHORT_ID + 1], when[32];
	size_t n;
	record_short_id(e->id, sid);
	date_format_local(e->created, when, sizeof(when));
	n = (size_t)snprintf(line, size, "%s  %s", sid, when);
	if (e->mood != JOURNAL_NO_MOOD && n < size)
		n += (size_t)snprintf(line + n, size - n, "  mood %d", e->mood);
	for (size_t i = 0; i < e->ntags && n < size; i++)
		n += (size_t)snprintf(line + n, size - n, "%s#%s",
		                      i ? " " : "  ", e->tags[i]);
	if (e->conflict_copy && n < size)
		n += (size_t)snprintf(line + n, size - n, "  (conflict copy)");
	return n < size ? n : size - 1;
}

/* "3f2a9c1b  2026-11-26 14:30  mood 6  #work  first line" */
static void
print_line(const struct journal_entry *e, const char *extra)
{
	char line[1024];
	size_t n = entry_head(e, line, sizeof(line));
	snprintf(line + n, sizeof(line) - n, "  %s",
	         extra ? extra : e->preview);
	/* The whole line through the sanitizer: tags, preview and snippet
	 * come from the vault. */
	record_put_line(line, sizeof(line));
}

/* Under list lines on a terminal that show a mood: which end is good.
 * (Not into pipes: scripts read one entry a line.) */
static void
print_mood_key(struct journal_entry *const *list, size_t n)
{
	if (!isatty(STDOUT_FILENO))
		return;
	for (size_t i = 0; i < n; i++)
		if (list[i]->mood != JOURNAL_NO_MOOD) {
			printf("(mood " JOURNAL_MOOD_SCALE ")\n");
			return;
		}
}

/*
 * A search hit whose text holds the match text[s, e): the line of
 * print_line with a snippet that fits the terminal's width (the match
 * always in sight, highlighted when colour is on), or SNIPPET_PLAIN
 * columns of one when stdout is not a terminal.
 */
static void
print_hit(const struct journal_entry *e, size_t s, size_t t)
{
	char line[1024];
	size_t cols = SNIPPET_PLAIN;
	bool tty = isatty(STDOUT_FILENO);
	struct search_snip sn;
	entry_head(e, line, sizeof(line));
	/* the tags come from the vault: the head through the sanitizer,
	 * cut so that a snippet still has room on a terminal */
	size_t width = tty ? (size_t)term_width(STDOUT_FILENO) : (size_t)-1;
	size_t head_max = width > SNIPPET_MIN + 2 ? width - SNIPPET_MIN - 2 : 1;
	char *head = util_truncate(line, head_max, clean_locale());
	sodium_memzero(line, sizeof(line));
	if (!head)
		return;
	size_t hw = util_display_width(head, strlen(head));
	if (tty)
		cols = width > hw + 2 + SNIPPET_MIN ? width - hw - 2
		                                    : SNIPPET_MIN;
	if (search_snippet_fit(e->text, e->textlen, s, t, cols, clean_locale(),
	                       &sn) == 0) {
		fputs(head, stdout);
		fputs("  ", stdout);
		print_snippet(&sn, term_use_color(STDOUT_FILENO), stdout);
		fputc('\n', stdout);
		wipe_free_str(sn.text);
	}
	wipe_free_str(head);
}

/* Resolve an id prefix; prints candidates when ambiguous. */
static int
resolve(struct vault *v, const char *prefix, char *id)
{
	static const struct id_words words = {"an entry id", "entry",
	                                      "journal entry",
	                                      "selfhelp journal list"};
	return resolve_record_id(v, JOURNAL_KIND, prefix, &words, id);
}

/*
 * Take a "-" out of the other words: the text comes from standard input.
 * Returns 0, or the exit status after a message.
 */
static int
take_dash(struct jopts *o)
{
	int n = 0;
	for (int i = 0; i < o->w.n; i++) {
		if (strcmp(o->w.v[i], "-") == 0 && !o->dash)
			o->dash = true;
		else
			o->w.v[n++] = o->w.v[i];
	}
	o->w.n = n;
	if (o->dash && o->message)
		return usage_error("-m and '-' both give the text; one of them "
		                   "is enough.");
	return 0;
}

/* Where the text for add/edit comes from. */
enum text_source {
	TEXT_MESSAGE, /* -m */
	TEXT_STDIN,   /* "-", or standard input that is not a terminal */
	TEXT_EDITOR,
};

static enum text_source
text_source(const struct jopts *o)
{
	if (o->message)
		return TEXT_MESSAGE;
	if (o->dash || !isatty(STDIN_FILENO))
		return TEXT_STDIN;
	return TEXT_EDITOR;
}

/* The text for add/edit: -m, stdin ("-", or when it is not a terminal),
 * or the editor. Returns 0 with *text set, or an exit status. */
static int
get_text(const struct jopts *o, const char *initial, size_t initlen,
         char **text, size_t *len)
{
	size_t bad;
	const char *why;
	int rc;
	switch (text_source(o)) {
	case TEXT_MESSAGE:
		*len = strlen(o->message);
		*text = strdup(o->message);
		if (!*text)
			return fail("Out of memory.");
		break;
	case TEXT_STDIN:
		if (isatty(STDIN_FILENO) && !run_no_input())
			fputs("Type the text, then Ctrl-D at the start of a "
			      "line.\n",
			      stderr);
		if ((rc = read_stdin_text(text, len)))
			return rc;
		break;
	case TEXT_EDITOR:
		if ((why = editor_refused()))
			return usage_error(
			        "No editor was opened: %s. The text "
			        "can come with -m \"...\" (in "
			        "quotes), or from standard input with "
			        "'-'.",
			        why);
		if ((rc = editor_edit(initial, initlen, text, len)))
			return rc;
		break;
	}
	if (!util_utf8_ok(*text, *len, &bad)) {
		wipe_free(*text, *len);
		*text = NULL;
		return usage_error("The text has a byte at position %zu that "
		                   "is not UTF-8 text (or is a NUL byte); "
		                   "nothing was saved.",
		                   bad);
	}
	return 0;
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/*
 * add --prompt [TOPIC]: a prompt from TOPIC (the words after it go on
 * its name, as in 'topics show'), or a gentle one, as the quoted line
 * "> PROMPT" and a blank line, into *quote (caller frees). Returns 0, or
 * the exit status after a message.
 */
static int
prompt_quote(struct jopts *o, char **quote, size_t *qlen)
{
	char *name = NULL, *prompt = NULL;
	int rc;
	if (o->w.n) {
		struct strbuf b = {0};
		if (o->prompt_topic)
			strbuf_addf(&b, "%s ", o->prompt_topic);
		for (int i = 0; i < o->w.n; i++)
			strbuf_addf(&b, "%s%s", i ? " " : "", o->w.v[i]);
		if (!(name = strbuf_detach(&b, NULL)))
			return fail("Out of memory.");
		o->w.n = 0;
	}
	rc = topics_pick_prompt(name ? name : o->prompt_topic, &prompt);
	free(name);
	if (rc)
		return rc;
	if (asprintf(quote, "> %s\n\n", prompt) < 0) {
		*quote = NULL;
		rc = fail("Out of memory.");
	}
	free(prompt);
	*qlen = *quote ? strlen(*quote) : 0;
	return rc;
}

/*
 * The entry's text with the quoted prompt first: -m and standard input
 * get it put in front; from the editor, the text is kept as the person
 * left it. Afterwards the text starts with the quote, or *qlen is 0 (the
 * person took the prompt out). Returns 0, or the exit status after a
 * message (*text freed).
 */
static int
with_prompt(const struct jopts *o, const char *quote, size_t *qlen, char **text,
            size_t *len)
{
	bool editor = text_source(o) == TEXT_EDITOR;
	if (editor) {
		if (*len < *qlen || memcmp(*text, quote, *qlen) != 0)
			*qlen = 0;
		return 0;
	}
	char *t = malloc(*qlen + *len + 1);
	if (!t) {
		wipe_free(*text, *len);
		*text = NULL;
		*len = 0;
		return fail("Out of memory.");
	}
	memcpy(t, quote, *qlen);
	memcpy(t + *qlen, *text, *len);
	t[*qlen + *len] = '\0';
	wipe_free(*text, *len);
	*text = t;
	*len += *qlen;
	return 0;
}

static int
journal_add_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	char *text = NULL, *quote = NULL, id[VAULT_ID_HEX + 1];
	size_t len = 0, qlen = 0;
	time_t when = time(NULL);
	struct vault *v;
	bool sealed;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = take_dash(&o)) ||
	    (o.prompt && (rc = prompt_quote(&o, &quote, &qlen))))
		goto out;
	if (o.w.n) {
		rc = usage_error("'journal add' takes its text with -m "
		                 "\"...\" (in quotes), from standard input, "
		                 "or in your editor.");
		goto out;
	}
	if (o.date)
		when = opt_date(o.date, when, DATE_START);
	if (!(v = ctx_vault_for_write(ctx, &sealed))) {
		rc = 1;
		goto out;
	}
	if ((rc = get_text(&o, quote ? quote : "", qlen, &text, &len)))
		goto out;
	if (quote && (rc = with_prompt(&o, quote, &qlen, &text, &len)))
		goto out;
	if (blank(text + qlen, len - qlen)) {
		if (text_source(&o) == TEXT_STDIN)
			printf("The text from standard input was empty, so "
			       "nothing was saved; -m \"...\" (in quotes) "
			       "gives it on the command line.\n");
		else
			printf("The entry was empty, so nothing was saved.\n");
		rc = 0;
		goto out;
	}
	if (vault_begin(v) ||
	    (sealed ? journal_add_sealed(v, text, len, o.mood, o.tags, o.ntags,
	                                 when, id)
	            : journal_add(v, text, len, o.mood, o.tags, o.ntags, when,
	                          id)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	record_say_saved(id, sealed);
	rc = 0;
out:
	free(quote);
	wipe_free(text, len);
	jopts_release(&o);
	return rc;
}

/* Shared by list and search: the filter from options. */
static void
make_filter(const struct jopts *o, struct journal_filter *f)
{
	time_t now = time(NULL);
	memset(f, 0, sizeof(*f));
	f->since = opt_date(o->since, now, DATE_START);
	f->until = opt_date(o->until, now, DATE_END);
	f->tag = o->ntags ? o->tags[0] : NULL;
}

static int
journal_list_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	struct journal_filter f;
	struct journal_entry **list = NULL;
	size_t n = 0;
	struct record_damage damaged = {"entry", 0};
	int rc = parse_opts(argc, argv, &o);
	struct vault *v;
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.w.n) {
		rc = usage_error("'journal list' takes options only; "
		                 "'journal search WORDS' finds words.");
		goto out;
	}
	make_filter(&o, &f);
	f.with_text = o.json;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	f.limit = o.limit > 0 ? (size_t)o.limit : 0;
	if (journal_list(v, &f, &list, &n, record_report_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	size_t shown =
	        o.limit >= 0 && (size_t)o.limit < n ? (size_t)o.limit : n;
	if (o.json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < shown; i++)
			json_array_append_new(arr, entry_json(list[i]));
		rc = print_json(arr);
	} else {
		bool more = true;
		if (shown)
			screen_private_begin(true);
		for (size_t i = 0; i < shown && more; i++) {
			print_line(list[i], NULL);
			more = screen_private_row();
		}
		if (more)
			print_mood_key(list, shown);
		screen_private_end(more);
		if (n == 0 && !damaged.count)
			printf(o.since || o.until || o.ntags
			               ? "No entries in that selection.\n"
			               : "No entries yet. 'selfhelp journal "
			                 "add' writes one.\n");
	}
	rc = rc ? rc : damaged.count ? 1 : 0;
out:
	journal_entries_free(list, n);
	jopts_release(&o);
	return rc;
}

/* Loads the entry named by o->w.v[0]; returns an exit status. */
static int
load_entry(struct vault *v, const struct jopts *o, struct journal_entry **e)
{
	char id[VAULT_ID_HEX + 1];
	int rc = resolve(v, o->w.v[0], id);
	if (rc)
		return rc;
	rc = journal_get(v, id, e);
	if (rc == VAULT_DAMAGED)
		return record_damaged(v, "entry", id);
	if (rc)
		return fail("%s", vault_errmsg(v));
	return 0;
}

static int
one_id(const struct jopts *o)
{
	return record_one_id(&o->w, "an entry", "journal");
}

static int
journal_show_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	struct journal_entry *e = NULL;
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = one_id(&o)))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_entry(v, &o, &e)))
		goto out;
	if (o.json) {
		json_t *arr = json_array();
		json_array_append_new(arr, entry_json(e));
		rc = print_json(arr);
		goto out;
	}
	/* Built in memory, then shown through the pager when it is taller
	 * than the screen; the buffer is wiped afterwards. */
	char when[32], *page = NULL;
	size_t pagelen = 0;
	FILE *m = open_memstream(&page, &pagelen);
	if (!m) {
		rc = fail("Out of memory.");
		goto out;
	}
	date_format_local(e->created, when, sizeof(when));
	fputs("Entry ", m);
	print_clean(e->id, strnlen(e->id, SHORT_ID), 0, m);
	fprintf(m, " · %s", when);
	if (e->mood != JOURNAL_NO_MOOD)
		fprintf(m, " · mood %d (" JOURNAL_MOOD_SCALE ")", e->mood);
	for (size_t i = 0; i < e->ntags; i++) {
		fputs(i ? " #" : " · #", m);
		print_clean_str(e->tags[i], 0, m);
	}
	if (e->written_locked)
		fprintf(m, "\nWritten while the vault was locked.");
	if (e->conflict_copy)
		fprintf(m, "\n" CONFLICT_COPY_NOTE);
	fprintf(m, "\n\n");
	print_clean(e->text, e->textlen, UTIL_CLEAN_LINES, m);
	if (e->textlen && e->text[e->textlen - 1] != '\n')
		fputc('\n', m);
	if (fclose(m) != 0 || !page) {
		rc = fail("Out of memory.");
		goto out;
	}
	/* privacy = screen: a page too short for the pager goes on the
	 * alternate screen (the pager has its own) */
	if (!pager_wanted(page, pagelen, ctx))
		screen_private_begin(true);
	if (pager_show(page, pagelen, ctx) != 0)
		rc = fail("Could not write the entry out.");
	screen_private_end(rc == 0);
	wipe_free(page, pagelen);
out:
	journal_entry_free(e);
	jopts_release(&o);
	return rc;
}

static int
journal_edit_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	struct journal_entry *e = NULL;
	struct vault *v;
	char *text = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = take_dash(&o)) || (rc = one_id(&o)))
		goto out;
	if (o.date)
		now = opt_date(o.date, now, DATE_START);
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_entry(v, &o, &e)))
		goto out;
	/* --mood, --tag or --date alone change only those, on a terminal
	 * or not: the text changes with -m or '-'. */
	bool meta_only = !o.message && !o.dash &&
	                 (o.mood != JOURNAL_NO_MOOD || o.ntags || o.date);
	if (!meta_only) {
		if ((rc = get_text(&o, e->text, e->textlen, &text, &len)))
			goto out;
		if (blank(text, len)) {
			printf("The new text was empty, so the entry was left "
			       "as it was. ('selfhelp journal delete' removes "
			       "an entry.)\n");
			goto out;
		}
		bool same_text =
		        len == e->textlen && memcmp(text, e->text, len) == 0;
		if (same_text && o.mood == JOURNAL_NO_MOOD && !o.ntags &&
		    !o.date) {
			printf("Nothing changed.\n");
			goto out;
		}
		wipe_free(e->text, e->textlen);
		e->text = text;
		e->textlen = len;
		text = NULL;
	}
	if (o.mood != JOURNAL_NO_MOOD)
		e->mood = o.mood;
	if (o.ntags) {
		for (size_t i = 0; i < e->ntags; i++)
			wipe_free_str(e->tags[i]);
		free(e->tags);
		e->tags = calloc(o.ntags, sizeof(char *));
		if (!e->tags) {
			e->ntags = 0;
			rc = fail("Out of memory.");
			goto out;
		}
		memcpy(e->tags, o.tags, o.ntags * sizeof(char *));
		e->ntags = o.ntags;
		o.ntags = 0; /* now owned by e */
	}
	if (o.date)
		e->created = now;
	if (vault_begin(v) || journal_update(v, e, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Saved.\n");
	if (meta_only && !isatty(STDIN_FILENO))
		printf("The text was left as it was ('selfhelp journal edit "
		       "ID -' reads new text from standard input).\n");
out:
	wipe_free(text, len);
	journal_entry_free(e);
	jopts_release(&o);
	return rc;
}

static int
journal_delete_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	struct journal_entry *e = NULL;
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if ((rc = one_id(&o)))
		goto out;
	if ((rc = record_need_yes(o.yes)))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_entry(v, &o, &e)))
		goto out;
	char when[32], q[256];
	char *pv = util_truncate(e->preview, 40, clean_locale());
	date_format_local(e->created, when, sizeof(when));
	snprintf(q, sizeof(q), "Delete the entry from %s (\"%s\")?", when,
	         pv ? pv : "");
	wipe_free_str(pv);
	rc = record_delete(v, e->id, o.yes ? NULL : q);
	sodium_memzero(q, sizeof(q));
out:
	journal_entry_free(e);
	jopts_release(&o);
	return rc;
}

static char *
join_words(int n, char **words)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(words[i]);
		if (i)
			*p++ = ' ';
		memcpy(p, words[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

static int
journal_search_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct jopts o = JOPTS_INIT;
	struct journal_filter f;
	struct journal_entry **list = NULL;
	size_t n = 0;
	char *query = NULL;
	struct vault *v;
	struct record_damage damaged = {"entry", 0};
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.w.n == 0) {
		rc = usage_error("'journal search' needs the words to look "
		                 "for.");
		goto out;
	}
	make_filter(&o, &f);
	query = join_words(o.w.n, o.w.v);
	/* What someone looks for is private too: gone from argv. */
	for (int i = 0; query && i < o.w.n; i++)
		arg_wipe(o.w.v[i]);
	size_t bad;
	if (!query || !util_utf8_ok(query, strlen(query), &bad)) {
		rc = usage_error("The search words are not UTF-8 text.");
		goto out;
	}
	f.needle = search_needle_new(query);
	if (!f.needle) {
		rc = usage_error("There is nothing to search for in '%s'.",
		                 query);
		goto out;
	}
	f.with_text = true;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	f.limit = o.limit > 0 ? (size_t)o.limit : 0;
	if (journal_list(v, &f, &list, &n, record_report_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	size_t shown =
	        o.limit >= 0 && (size_t)o.limit < n ? (size_t)o.limit : n;
	json_t *arr = o.json ? json_array() : NULL;
	/* privacy = screen: the snippets are the person's words, as in list */
	bool more = true;
	if (!arr && shown)
		screen_private_begin(true);
	for (size_t i = 0; i < shown && more; i++) {
		size_t s, e;
		char *snip = NULL;
		journal_match(list[i], f.needle, &s, &e);
		if (!arr && e > s) {
			print_hit(list[i], s, e);
			more = screen_private_row();
			continue;
		}
		if (e > s)
			snip = search_snippet(list[i]->text, list[i]->textlen,
			                      s, e, SNIPPET_CONTEXT);
		if (arr) {
			json_t *obj = entry_json(list[i]);
			json_object_set_new(
			        obj, "snippet",
			        json_string(snip ? snip : list[i]->preview));
			json_array_append_new(arr, obj);
		} else {
			print_line(list[i], snip);
			more = screen_private_row();
		}
		wipe_free(snip, snip ? strlen(snip) : 0);
	}
	if (arr)
		rc = print_json(arr);
	else if (more)
		print_mood_key(list, shown);
	screen_private_end(more);
	if (!arr && n == 0 && !damaged.count) {
		fputs("No entries hold '", stdout);
		print_clean_str(query, 0, stdout);
		fputs("'.\n", stdout);
	}
	rc = rc ? rc : damaged.count ? 1 : 0;
out:
	search_needle_free(f.needle);
	journal_entries_free(list, n);
	wipe_free_str(query);
	jopts_release(&o);
	return rc;
}

static const struct command journal_subs[] = {
        {"add", journal_add_cmd, "write an entry", .opts = add_options,
         .args = "[-]",
         .help = "Write an entry: with -m TEXT, from standard input ('-', "
                 "or a pipe), or in\nyour editor. Prints the short id of "
                 "the new entry.\n"},
        {"list", journal_list_cmd, "entries, newest first",
         .opts = list_options},
        {"show", journal_show_cmd, "one entry", "ID", show_options,
         .hint = HINT_IDS},
        {"edit", journal_edit_cmd, "change an entry's text, mood or tags",
         "ID [-]", write_options,
         "Change an entry: --mood, --tag and --date replace those and leave "
         "the\ntext as it is. -m TEXT replaces the text, and '-' reads it "
         "from standard\ninput. With none of these, the text opens in "
         "your editor (or is read\nfrom standard input when it is not a "
         "terminal).\n",
         .hint = HINT_IDS},
        {"delete", journal_delete_cmd,
         "remove an entry (asks first; --yes skips the question)", "ID",
         delete_options, .hint = HINT_IDS},
        {"search", journal_search_cmd,
         "entries whose text or tags hold WORDS (any case)", "WORDS...",
         .opts = list_options},
        {0},
};

const struct command journal_command = {
        "journal",
        NULL,
        "write and read private journal entries",
        .help = journal_help,
        .subs = journal_subs,
        .dflt = "list",
};
