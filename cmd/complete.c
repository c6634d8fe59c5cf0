/*
 * selfhelp __complete: candidates for shell completion (hidden).
 *
 * The bash, zsh and fish scripts in completions/ are thin: they hand the
 * words typed so far to `selfhelp __complete line -- WORD...` and show
 * what comes back, so the three shells agree and the logic is tested
 * once. Commands come from the command table in main.c, topic slugs from
 * the topics registry (with a person's own pages), exercise names from
 * the grounding set, country codes from the crisis data and record kinds
 * from the record headers and export codecs; only sub-commands, options
 * and option values live in the tables below. tests/cli/t9100-completion.sh
 * checks those tables against every command's --help, so a command,
 * sub-command or option that is missing here is noticed by name.
 *
 * Completion never opens the vault, never asks anything and never writes
 * to stderr in `line` mode (a shell would show it in the middle of the
 * prompt).
 */
#include "cmd.h"
#include "crisis.h"
#include "grounding.h"
#include "journal.h"
#include "rating.h"
#include "topics.h"
#include "transfer.h"
#include "trigger.h"

#include <stdlib.h>
#include <string.h>

/* What a command's (or sub-command's) other arguments are. */
enum comp_arg {
	ARG_NONE,
	ARG_FILES,     /* file names: the shell completes them */
	ARG_TOPICS,    /* topic slugs */
	ARG_EXERCISES, /* grounding exercise names */
	ARG_COMMANDS,  /* command names (help) */
	ARG_SETTINGS,  /* setting names (config); after set, their values */
};

/*
 * One command (sub == NULL) or one of its sub-commands. `options` is a
 * space-separated list; a trailing '=' marks an option that takes a
 * value. Short options are listed only so that their value is skipped;
 * they are never offered. A command with sub-commands lists them as
 * further entries with the same `cmd`, right after its own.
 */
struct comp_entry {
	const char *cmd;
	const char *sub;
	const char *summary; /* sub-commands: a few words for zsh and fish */
	const char *options;
	enum comp_arg arg;
};

#define DATE_RANGE "--since= --until= "
#define GROUP_PREPARE                                                          \
	"--before= --state= --bring= --need= --boundary= --if-too-much= "
#define GROUP_REFLECT                                                          \
	"--after= --state= --moved= --triggered= --contributed= "              \
	"--closeness= --kept= --next= --kind= "
#define TRIGGER_FIELDS                                                         \
	"--trigger= --before= --after= --state= --reaction= "                  \
	"--vulnerability= --body= --emotion= --thought= --felt-age= "          \
	"--urge= --now-differs= --helped= --note= --tag= --date="

static const struct comp_entry comp_table[] = {
        {"grounding", NULL, NULL,
         "--for= --pattern= --minutes= --reduced-motion --plain --rate "
         "--json",
         ARG_EXERCISES},
        {"grounding", "list", "the exercises, with where each comes from",
         "--for= --json", ARG_NONE},
        {"grounding", "random",
         "any exercise without a caution (with --for: one that suits)",
         "--for= --reduced-motion --plain --rate", ARG_NONE},

        {"crisis", NULL, NULL, "--country= --list --sources --json", ARG_NONE},

        {"journal", NULL, NULL, "", ARG_NONE},
        {"journal", "add", "write an entry",
         "-m= --mood= --tag= --date=", ARG_NONE},
        {"journal", "list", "entries, newest first",
         "-n= " DATE_RANGE "--tag= --json", ARG_NONE},
        {"journal", "show", "one entry", "--json", ARG_NONE},
        {"journal", "edit", "change an entry's text, mood or tags",
         "-m= --mood= --tag= --date=", ARG_NONE},
        {"journal", "delete", "remove an entry", "--yes", ARG_NONE},
        {"journal", "search", "entries that hold some words",
         "-n= " DATE_RANGE "--tag= --json", ARG_NONE},

        {"trigger-log", NULL, NULL, "", ARG_NONE},
        {"trigger-log", "add", "record what happened, and what you tried",
         "--quick --no-input " TRIGGER_FIELDS, ARG_NONE},
        {"trigger-log", "list", "records, newest first",
         "-n= " DATE_RANGE "--tag= --json", ARG_NONE},
        {"trigger-log", "show", "one record", "--json", ARG_NONE},
        {"trigger-log", "edit", "fill in or change a record", TRIGGER_FIELDS,
         ARG_NONE},
        {"trigger-log", "delete", "remove a record", "--yes", ARG_NONE},
        {"trigger-log", "stats", "patterns over time, and what you tried",
         DATE_RANGE "--ascii --json", ARG_NONE},

        {"insights", NULL, NULL, DATE_RANGE "--ascii --json", ARG_NONE},

        {"topics", NULL, NULL, "--json", ARG_NONE},
        {"topics", "list", "every topic by category", "--json", ARG_NONE},
        {"topics", "show", "read one topic", "--format= --width= --skip-notes",
         ARG_TOPICS},
        {"topics", "search", "topics that mention some words", "", ARG_NONE},

        {"safety-plan", NULL, NULL, "--version= --json", ARG_NONE},
        {"safety-plan", "show", "your plan (or an earlier version)",
         "--version= --json", ARG_NONE},
        {"safety-plan", "edit", "write or change it", "--from=", ARG_NONE},
        {"safety-plan", "history", "the versions kept", "--json", ARG_NONE},

        {"group", NULL, NULL, "", ARG_NONE},
        {"group", "prepare", "a short check-in before a meeting",
         GROUP_PREPARE "--date= --no-input", ARG_NONE},
        {"group", "reflect", "a look back after a meeting",
         GROUP_REFLECT "--date= --no-input", ARG_NONE},
        {"group", "list", "check-ins and reflections, newest first",
         "-n= " DATE_RANGE "--json", ARG_NONE},
        {"group", "show", "one of them, beside the one it goes with",
         "--json --width=", ARG_NONE},
        {"group", "edit", "change one",
         GROUP_PREPARE GROUP_REFLECT "--date=", ARG_NONE},
        {"group", "delete", "remove one", "--yes", ARG_NONE},
        {"group", "agreements", "sample ground rules for a group",
         "--width=", ARG_NONE},

        {"init", NULL, NULL, "--kdf= --no-recovery-code", ARG_NONE},
        {"unlock", NULL, NULL, "--for=", ARG_NONE},
        {"lock", NULL, NULL, "", ARG_NONE},
        {"status", NULL, NULL, "", ARG_NONE},
        {"passwd", NULL, NULL, "--rekey --new-passphrase-file=", ARG_NONE},
        {"recovery-code", NULL, NULL, "--new --remove", ARG_NONE},
        {"recover", NULL, NULL,
         "--recovery-code-file= --new-passphrase-file=", ARG_NONE},

        {"export", NULL, NULL,
         "--format= -o= --output= --force --to-pipe " DATE_RANGE "--kind=",
         ARG_NONE},
        {"import", NULL, NULL, "--json", ARG_FILES},
        {"backup", NULL, NULL, "", ARG_FILES},
        {"check", NULL, NULL, "--json --repair", ARG_NONE},
        {"report", NULL, NULL,
         DATE_RANGE "--include-entries --include-group -o= --output= "
                    "--force --to-pipe",
         ARG_NONE},

        {"config", NULL, NULL, "", ARG_NONE},
        {"config", "list", "every setting and its value", "", ARG_NONE},
        {"config", "get", "the value of one setting", "", ARG_SETTINGS},
        {"config", "set", "save a setting", "", ARG_SETTINGS},
        {"config", "unset", "remove a setting", "", ARG_SETTINGS},

        {"help", NULL, NULL, "", ARG_COMMANDS},
        {"version", NULL, NULL, "", ARG_NONE},
};
enum { NCOMP = sizeof(comp_table) / sizeof(comp_table[0]) };

/* Options every command takes (main.c takes them out of argv). */
static const char global_options[] = "--vault= --passphrase-file= --no-pager";

/* Special values: ":files" lets the shell complete file names. */
static const char values_files[] = ":files";
static const char values_kinds[] = ":kinds";
static const char values_countries[] = ":countries";

/* The values of options that take one of a few words, or a file. */
static const struct {
	const char *cmd; /* NULL: every command */
	const char *option;
	const char *values;
} comp_values[] = {
        {NULL, "--vault", values_files},
        {NULL, "--passphrase-file", values_files},
        {"grounding", "--for", "too-much too-little"},
        {"grounding", "--pattern", "4-6 box 4-7-8"},
        {"trigger-log", "--state", "too-much okay too-little"},
        {"topics", "--format", "ansi plain markdown html man"},
        {"init", "--kdf", "interactive moderate sensitive"},
        {"passwd", "--new-passphrase-file", values_files},
        {"recover", "--new-passphrase-file", values_files},
        {"recover", "--recovery-code-file", values_files},
        {"export", "--format", "json markdown"},
        {"export", "--output", values_files},
        {"export", "-o", values_files},
        {"export", "--kind", values_kinds},
        {"crisis", "--country", values_countries},
        {"safety-plan", "--from", values_files},
        {"group", "--state", "too-much okay too-little"},
        {"group", "--closeness", "too-close about-right too-far"},
        {"group", "--kept", "yes partly no didnt-come-up"},
        {"report", "--output", values_files},
        {"report", "-o", values_files},
};
enum { NVALUES = sizeof(comp_values) / sizeof(comp_values[0]) };

static const char *const complete_usage[] = {
        "selfhelp __complete line -- WORD...",
        "selfhelp __complete commands [--all]",
        "selfhelp __complete subcommands COMMAND",
        "selfhelp __complete options COMMAND [SUB-COMMAND]",
        "selfhelp __complete values COMMAND OPTION",
        "selfhelp __complete topics | exercises",
        NULL,
};

static const char complete_help[] =
        "\n"
        "Used by the shell completion scripts; the output may change.\n"
        "'line' prints the candidates for the last WORD (the words typed\n"
        "after 'selfhelp'), one per line, each optionally followed by a\n"
        "tab and a description; ':files' alone means 'complete file "
        "names'.\n";

/* --- lookups --- */

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const struct comp_entry *
entry_find(const char *cmd, const char *sub)
{
	for (size_t i = 0; i < NCOMP; i++) {
		const struct comp_entry *e = &comp_table[i];
		if (strcmp(e->cmd, cmd) != 0)
			continue;
		if (!sub ? !e->sub : (e->sub && strcmp(e->sub, sub) == 0))
			return e;
	}
	return NULL;
}

static bool
has_subcommands(const char *cmd)
{
	for (size_t i = 0; i < NCOMP; i++)
		if (comp_table[i].sub && strcmp(comp_table[i].cmd, cmd) == 0)
			return true;
	return false;
}

static const struct cmd *
command_find(const char *name)
{
	size_t n;
	const struct cmd *c = main_commands(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	return NULL;
}

/*
 * Does `list` (space-separated, '=' marks a value) hold `opt`? Sets
 * *takes_value. `opt` may be "--name=value": only the name counts.
 */
static bool
list_has(const char *list, const char *opt, bool *takes_value)
{
	size_t olen = strcspn(opt, "=");
	const char *p = list;
	while (p && *p) {
		size_t len = strcspn(p, " ");
		size_t name_len = len;
		bool value = len && p[len - 1] == '=';
		if (value)
			name_len--;
		if (name_len == olen && strncmp(p, opt, olen) == 0) {
			*takes_value = value;
			return true;
		}
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* Is `opt` known to cmd (and sub), and does it take a value? */
static bool
option_known(const char *cmd, const char *sub, const char *opt,
             bool *takes_value)
{
	const struct comp_entry *e;
	if (list_has(global_options, opt, takes_value))
		return true;
	if (cmd && sub && (e = entry_find(cmd, sub)) &&
	    list_has(e->options, opt, takes_value))
		return true;
	if (cmd && (e = entry_find(cmd, NULL)) &&
	    list_has(e->options, opt, takes_value))
		return true;
	*takes_value = false;
	return false;
}

static const char *
values_find(const char *cmd, const char *opt)
{
	size_t olen = strcspn(opt, "=");
	for (size_t i = 0; i < NVALUES; i++) {
		const char *o = comp_values[i].option;
		if (strlen(o) != olen || strncmp(o, opt, olen) != 0)
			continue;
		if (!comp_values[i].cmd ||
		    (cmd && strcmp(comp_values[i].cmd, cmd) == 0))
			return comp_values[i].values;
	}
	return NULL;
}

/* --- output --- */

/* Descriptions after a tab: in `line` mode only (zsh and fish show them). */
static bool describe;

/*
 * Print `word` (with `prefix` before it) when it starts with `typed`;
 * NULL `typed` prints every word. A description follows after a tab.
 */
static void
put(const char *prefix, const char *word, size_t len, const char *typed,
    const char *desc)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s%.*s", prefix, (int)len, word);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	if (typed && !starts_with(buf, typed))
		return;
	fputs(buf, stdout);
	if (describe && desc && *desc)
		printf("\t%s", desc);
	fputc('\n', stdout);
}

/* Print the long options of a list (without the '=' marks). */
static void
put_options(const char *list, const char *typed)
{
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, " ");
		size_t name_len = len && p[len - 1] == '=' ? len - 1 : len;
		if (len > 2 && p[1] == '-')
			put("", p, name_len, typed, NULL);
		p += len;
		p += strspn(p, " ");
	}
}

static void
put_commands(const char *typed, bool all)
{
	size_t n;
	const struct cmd *c = main_commands(&n);
	for (size_t i = 0; i < n; i++) {
		if (starts_with(c[i].name, "__"))
			continue;
		if ((c[i].flags & CMD_HIDDEN) && !all)
			continue;
		put("", c[i].name, strlen(c[i].name), typed, c[i].summary);
	}
}

static void
put_subcommands(const char *cmd, const char *typed)
{
	for (size_t i = 0; i < NCOMP; i++) {
		const struct comp_entry *e = &comp_table[i];
		if (e->sub && strcmp(e->cmd, cmd) == 0)
			put("", e->sub, strlen(e->sub), typed, e->summary);
	}
}

static void
put_topics(const char *typed)
{
	struct topics *reg = topics_load(NULL);
	if (!reg)
		return;
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		put("", t->slug, strlen(t->slug), typed, t->title);
	}
	topics_free(reg);
}

static void
put_exercises(const char *typed)
{
	struct grounding_set *set = NULL;
	if (grounding_set_load_bundled(&set, NULL) != 0)
		return;
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		put("", ex->name, strlen(ex->name), typed, ex->summary);
	}
	grounding_set_free(set);
}

static void
put_arg(enum comp_arg arg, const char *typed)
{
	switch (arg) {
	case ARG_NONE:
		break;
	case ARG_FILES:
		puts(values_files);
		break;
	case ARG_TOPICS:
		put_topics(typed);
		break;
	case ARG_EXERCISES:
		put_exercises(typed);
		break;
	case ARG_COMMANDS:
		put_commands(typed, false);
		break;
	case ARG_SETTINGS:
		for (int k = 0; k < SETTINGS_NKEYS; k++) {
			const char *name = settings_key_name(k);
			put("", name, strlen(name), typed,
			    settings_key_about(k));
		}
		break;
	}
}

/* The values of `values` (a list or a special), each after `prefix`. */
static void
put_values(const char *values, const char *prefix, const char *typed)
{
	if (strcmp(values, values_files) == 0) {
		puts(values_files);
	} else if (strcmp(values, values_kinds) == 0) {
		/* The kinds of record this build writes, and any other kind
		 * with an export codec. */
		static const char *const written[] = {
		        JOURNAL_KIND, TRIGGER_KIND, RATING_KIND, NULL};
		const char *const *codecs = transfer_kind_names();
		for (const char *const *k = written; *k; k++)
			put(prefix, *k, strlen(*k), typed, NULL);
		for (const char *const *k = codecs; *k; k++) {
			bool seen = false;
			for (const char *const *w = written; *w; w++)
				seen = seen || strcmp(*w, *k) == 0;
			if (!seen)
				put(prefix, *k, strlen(*k), typed, NULL);
		}
	} else if (strcmp(values, values_countries) == 0) {
		struct crisis_data *d = NULL;
		char err[CRISIS_ERR_MAX];
		if (crisis_load_bundled(&d, err) != 0)
			return;
		for (size_t i = 0; i < crisis_ncountries(d); i++) {
			const struct crisis_country *c =
			        crisis_country_at(d, i);
			put(prefix, c->code, strlen(c->code), typed, c->name);
		}
		crisis_free(d);
	} else {
		const char *p = values;
		while (*p) {
			size_t len = strcspn(p, " ");
			put(prefix, p, len, typed, NULL);
			p += len;
			p += strspn(p, " ");
		}
	}
}

/* The values of setting `key` (config set KEY ...), where they are few
 * or come from a registry. */
static void
put_setting_values(const char *key, const char *typed)
{
	switch (settings_key_find(key)) {
	case SETTINGS_COUNTRY:
		put_values(values_countries, "", typed);
		break;
	case SETTINGS_MOTION:
		put_values("full reduced", "", typed);
		break;
	case SETTINGS_GROUNDING:
		put_exercises(typed);
		break;
	case SETTINGS_PRIVACY:
		put_values("normal screen", "", typed);
		break;
	default:
		break;
	}
}

/* --- the words typed so far --- */

/*
 * Candidates for words[n-1], given the words before it (the words after
 * "selfhelp"). Unknown words give no candidates, never an error.
 */
static void
complete_line(int n, char **words)
{
	const char *cmd = NULL, *sub = NULL, *last_arg = NULL;
	const char *cur = n > 0 ? words[n - 1] : "";
	int npos = 0; /* arguments after the command (and sub-command) */
	bool dashdash = false, takes;

	for (int i = 0; i < n - 1; i++) {
		const char *w = words[i];
		if (!dashdash && strcmp(w, "--") == 0) {
			dashdash = true;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			if (strchr(w, '=') ||
			    !option_known(cmd, sub, w, &takes) || !takes)
				continue;
			if (i + 1 < n - 1) {
				i++; /* its value */
				continue;
			}
			const char *values = values_find(cmd, w);
			if (values)
				put_values(values, "", cur);
			return;
		}
		if (!cmd) {
			if (!command_find(w) || !entry_find(w, NULL))
				return;
			cmd = w;
		} else if (!sub && npos == 0 && has_subcommands(cmd) &&
		           entry_find(cmd, w)) {
			sub = w;
		} else {
			npos++;
			last_arg = w;
		}
	}

	if (!dashdash && cur[0] == '-') {
		const char *eq = strchr(cur, '=');
		if (eq && starts_with(cur, "--")) {
			char name[64];
			const char *values;
			size_t len = (size_t)(eq - cur) + 1;
			if (len >= sizeof(name) ||
			    !option_known(cmd, sub, cur, &takes) || !takes)
				return;
			memcpy(name, cur, len);
			name[len] = '\0';
			if ((values = values_find(cmd, cur)) != NULL)
				put_values(values, name, cur);
			return;
		}
		if (!cmd) {
			put_options("--help --version", cur);
		} else {
			const struct comp_entry *e = entry_find(cmd, sub);
			if (e)
				put_options(e->options, cur);
			put_options("--help", cur);
		}
		put_options(global_options, cur);
		return;
	}

	if (!cmd) {
		put_commands(cur, false);
		return;
	}
	const struct comp_entry *top = entry_find(cmd, NULL);
	if (!sub && npos == 0 && has_subcommands(cmd)) {
		put_subcommands(cmd, cur);
		put_arg(top->arg, cur);
		return;
	}
	const struct comp_entry *e = sub ? entry_find(cmd, sub) : top;
	if (npos == 1 && e && e->arg == ARG_SETTINGS &&
	    strcmp(sub, "set") == 0) {
		put_setting_values(last_arg, cur);
		return;
	}
	if (npos > 0)
		return;
	if (e)
		put_arg(e->arg, cur);
}

/* --- the lists, for people and tests --- */

/* The table entry for a command, or NULL after saying what is missing. */
static const struct comp_entry *
entry_or_fail(const char *cmd, const char *sub)
{
	const struct comp_entry *e = entry_find(cmd, sub);
	if (e)
		return e;
	if (!command_find(cmd)) {
		fail("There is no command '%s'.", cmd);
	} else if (!sub) {
		fail("The command '%s' has no entry in the completion tables "
		     "(cmd/complete.c).",
		     cmd);
	} else {
		fail("'%s %s' has no entry in the completion tables "
		     "(cmd/complete.c).",
		     cmd, sub);
	}
	return NULL;
}

int
cmd_complete(int argc, char **argv, struct cmd_ctx *ctx)
{
	const char *what = argc >= 2 ? argv[1] : NULL;
	const struct comp_entry *e;

	if (!what)
		return usage_error(complete_usage, "What should be completed?");
	if (is_help_arg(what)) {
		usage_print(complete_usage, stdout);
		fputs(complete_help, stdout);
		return 0;
	}
	if (strcmp(what, "line") == 0) {
		int first = 2;
		if (first < argc && strcmp(argv[first], "--") == 0)
			first++;
		describe = true;
		complete_line(argc - first, argv + first);
		return 0;
	}
	if (strcmp(what, "commands") == 0) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--all") != 0))
			return usage_error(complete_usage,
			                   "'commands' takes only --all.");
		put_commands(NULL, argc == 3);
		return 0;
	}
	if (strcmp(what, "topics") == 0 && argc == 2) {
		put_topics(NULL);
		return 0;
	}
	if (strcmp(what, "exercises") == 0 && argc == 2) {
		put_exercises(NULL);
		return 0;
	}
	if (strcmp(what, "subcommands") == 0 && argc == 3) {
		if (!entry_or_fail(argv[2], NULL))
			return 1;
		put_subcommands(argv[2], NULL);
		return 0;
	}
	if (strcmp(what, "options") == 0 && (argc == 3 || argc == 4)) {
		if (!(e = entry_or_fail(argv[2], argc == 4 ? argv[3] : NULL)))
			return 1;
		put_options(e->options, NULL);
		return 0;
	}
	if (strcmp(what, "values") == 0 && argc == 4) {
		const char *values;
		if (!entry_or_fail(argv[2], NULL))
			return 1;
		if ((values = values_find(argv[2], argv[3])) != NULL)
			put_values(values, "", NULL);
		return 0;
	}
	return usage_error(complete_usage,
	                   "'%s' is not something "
	                   "__complete knows.",
	                   what);
}
