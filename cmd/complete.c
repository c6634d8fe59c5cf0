/*
 * selfhelp __complete: candidates for shell completion (hidden).
 *
 * The bash, zsh and fish scripts in completions/ are thin: they hand the
 * words typed so far to `selfhelp __complete line -- WORD...` and show
 * what comes back, so the three shells agree and the logic is tested
 * once. Commands, sub-commands, options and option values all come from
 * the tables that parsing and --help read (cmd/options.h); topic slugs
 * from the topics registry (with a person's own pages), exercise names
 * from the grounding set, country codes from the crisis data and record
 * kinds from the record headers and export codecs.
 *
 * Completion never opens the vault, never asks anything and never writes
 * to stderr in `line` mode (a shell would show it in the middle of the
 * prompt).
 */
#include "cmd.h"
#include "crisis.h"
#include "grounding.h"
#include "rating.h"
#include "record.h"
#include "topics.h"
#include "transfer.h"

#include <stdlib.h>
#include <string.h>

/* ":files" alone lets the shell complete file names. */
static const char values_files[] = ":files";

static const char complete_help[] =
        "Used by the shell completion scripts; the output may change.\n"
        "\n"
        "  line -- WORD...            the candidates for the last WORD (the\n"
        "                             words typed after 'selfhelp'), one a\n"
        "                             line, each maybe followed by a tab and\n"
        "                             a description; ':files' alone means\n"
        "                             'complete file names'\n"
        "  commands [--all]           the commands (--all: hidden ones too)\n"
        "  subcommands COMMAND        its sub-commands\n"
        "  options COMMAND [SUB]      the options of one (sub-)command\n"
        "  values COMMAND OPTION      the values an option takes\n"
        "  topics, exercises          topic and exercise names\n";

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* --- lookups in the tables --- */

static const struct command *
command_find(const char *name)
{
	size_t n;
	const struct command *const *c = main_commands(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i]->name, name) == 0)
			return c[i];
	return NULL;
}

/*
 * The option `word` ("--name", "--name=value" or "-n") in table opts, or
 * NULL.
 */
static const struct opt *
opt_find(const struct opt *opts, const char *word)
{
	size_t len = strcspn(word, "=");
	for (const struct opt *o = opts; o && (o->name || o->shrt); o++) {
		if (word[1] == '-' && o->name && strlen(o->name) == len - 2 &&
		    strncmp(word + 2, o->name, len - 2) == 0)
			return o;
		if (word[1] != '-' && len == 2 && o->shrt == word[1])
			return o;
	}
	return NULL;
}

/* The options of the command line so far: of sub (or of cmd when it has
 * no sub-commands). */
static const struct opt *
leaf_options(const struct command *cmd, const struct command *sub)
{
	if (sub)
		return sub->opts;
	return cmd && !cmd->subs ? cmd->opts : NULL;
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

/* The space-separated words of `list`, each after `prefix`. */
static void
put_words(const char *list, const char *prefix, const char *typed)
{
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, " ");
		put(prefix, p, len, typed, NULL);
		p += len;
		p += strspn(p, " ");
	}
}

/* The long options of a table, without hidden ones. */
static void
put_options(const struct opt *opts, const char *typed)
{
	char sp[64];
	for (const struct opt *o = opts; o && (o->name || o->shrt); o++)
		if (o->name && !(o->flags & OPT_HIDDEN))
			put("", opt_spelling(o, sp, sizeof(sp)),
			    strlen(o->name) + 2, typed, NULL);
}

static void
put_commands(const char *typed, bool all)
{
	size_t n;
	const struct command *const *c = main_commands(&n);
	for (size_t i = 0; i < n; i++) {
		if (starts_with(c[i]->name, "__"))
			continue;
		if ((c[i]->flags & CMD_HIDDEN) && !all)
			continue;
		put("", c[i]->name, strlen(c[i]->name), typed, c[i]->summary);
	}
}

static void
put_subcommands(const struct command *c, const char *typed)
{
	for (const struct command *s = c->subs; s && s->name; s++)
		put("", s->name, strlen(s->name), typed, s->summary);
}

static void
put_topics(const char *prefix, const char *typed)
{
	struct topics *reg = topics_load(NULL);
	if (!reg)
		return;
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		put(prefix, t->slug, strlen(t->slug), typed, t->title);
	}
	topics_free(reg);
}

static void
put_exercises(const char *prefix, const char *typed)
{
	struct grounding_set *set = NULL;
	if (grounding_set_load_bundled(&set, NULL) != 0)
		return;
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		put(prefix, ex->name, strlen(ex->name), typed, ex->summary);
	}
	grounding_set_free(set);
}

static void
put_countries(const char *prefix, const char *typed)
{
	struct crisis_data *d = NULL;
	char err[CRISIS_ERR_MAX];
	if (crisis_load_bundled(&d, err) != 0)
		return;
	for (size_t i = 0; i < crisis_ncountries(d); i++) {
		const struct crisis_country *c = crisis_country_at(d, i);
		put(prefix, c->code, strlen(c->code), typed, c->name);
	}
	crisis_free(d);
}

/* Was kind `k` put already: a kind of the table, or a rating? */
static bool
put_already(const char *k)
{
	if (strcmp(k, RATING_KIND) == 0)
		return true;
	for (const struct record_kind *const *r = record_kinds; *r; r++)
		if (strcmp((*r)->name, k) == 0)
			return true;
	return false;
}

/* The kinds of record this build writes (the kind table and grounding
 * ratings), and any other kind with an export codec. */
static void
put_kinds(const char *prefix, const char *typed)
{
	for (const struct record_kind *const *r = record_kinds; *r; r++)
		put(prefix, (*r)->name, strlen((*r)->name), typed, NULL);
	put(prefix, RATING_KIND, strlen(RATING_KIND), typed, NULL);
	for (const char *const *k = transfer_kind_names(); *k; k++)
		if (!put_already(*k))
			put(prefix, *k, strlen(*k), typed, NULL);
}

/* What a hint offers, each after `prefix`. */
static void
put_hint(enum opt_hint hint, const char *prefix, const char *typed)
{
	switch (hint) {
	case HINT_NONE:
	case HINT_IDS: /* in the vault, which completion never opens */
		break;
	case HINT_FILES:
		puts(values_files);
		break;
	case HINT_TOPICS:
		put_topics(prefix, typed);
		break;
	case HINT_EXERCISES:
		put_exercises(prefix, typed);
		break;
	case HINT_COUNTRIES:
		put_countries(prefix, typed);
		break;
	case HINT_KINDS:
		put_kinds(prefix, typed);
		break;
	case HINT_COMMANDS:
		put_commands(typed, false);
		break;
	case HINT_SETTINGS:
		for (int k = 0; k < SETTINGS_NKEYS; k++) {
			const char *name = settings_key_name(k);
			put("", name, strlen(name), typed,
			    settings_key_about(k));
		}
		break;
	}
}

/* The values of option o, each after `prefix`. */
static void
put_values(const struct opt *o, const char *prefix, const char *typed)
{
	put_words(o->values, prefix, typed);
	put_hint(o->hint, prefix, typed);
}

/* The values of setting `key` (config set KEY ...), where they are few
 * or come from a registry. */
static void
put_setting_values(const char *key, const char *typed)
{
	switch (settings_key_find(key)) {
	case SETTINGS_COUNTRY:
		put_countries("", typed);
		break;
	case SETTINGS_MOTION:
		put_words("full reduced", "", typed);
		break;
	case SETTINGS_GROUNDING:
		put_exercises("", typed);
		break;
	case SETTINGS_PRIVACY:
		put_words("normal screen", "", typed);
		break;
	default:
		break;
	}
}

/* --- the words typed so far --- */

/* An option of the command line so far, or a global one, or NULL. */
static const struct opt *
option_known(const struct command *cmd, const struct command *sub,
             const char *word)
{
	const struct opt *o = opt_find(global_options, word);
	if (!o && cmd && cmd->subs && !sub && cmd->dflt)
		o = opt_find(command_find_sub(cmd, cmd->dflt)->opts, word);
	return o ? o : opt_find(leaf_options(cmd, sub), word);
}

/*
 * Candidates for words[n-1], given the words before it (the words after
 * "selfhelp"). Unknown words give no candidates, never an error.
 */
static void
complete_line(int n, char **words)
{
	const struct command *cmd = NULL, *sub = NULL, *leaf;
	const char *cur = n > 0 ? words[n - 1] : "", *last_arg = NULL;
	const struct opt *o;
	int npos = 0; /* arguments after the command (and sub-command) */
	bool dashdash = false;

	for (int i = 0; i < n - 1; i++) {
		const char *w = words[i];
		if (!dashdash && strcmp(w, "--") == 0) {
			dashdash = true;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			if (strchr(w, '=') ||
			    !(o = option_known(cmd, sub, w)) || !o->arg)
				continue;
			/* a value that may be left out is not an option */
			bool optional = o->flags & OPT_OPTIONAL;
			if (i + 1 < n - 1) {
				if (!optional || words[i + 1][0] != '-')
					i++; /* its value */
				continue;
			}
			if (optional && cur[0] == '-')
				break;
			put_values(o, "", cur);
			return;
		}
		if (!cmd) {
			if (!(cmd = command_find(w)) ||
			    starts_with(cmd->name, "__"))
				return;
		} else if (!sub && npos == 0 && cmd->subs &&
		           (sub = command_find_sub(cmd, w))) {
			continue;
		} else {
			npos++;
			last_arg = w;
		}
	}

	if (!dashdash && cur[0] == '-') {
		const char *eq = strchr(cur, '=');
		if (eq && starts_with(cur, "--")) {
			char name[64];
			size_t len = (size_t)(eq - cur) + 1;
			if (len >= sizeof(name) ||
			    !(o = option_known(cmd, sub, cur)) || !o->arg)
				return;
			memcpy(name, cur, len);
			name[len] = '\0';
			put_values(o, name, cur);
			return;
		}
		if (!cmd) {
			put_words("--help --version", "", cur);
		} else {
			put_options(leaf_options(cmd, sub), cur);
			put_words("--help", "", cur);
		}
		put_options(global_options, cur);
		return;
	}

	if (!cmd) {
		put_commands(cur, false);
		return;
	}
	if (!sub && cmd->subs) {
		if (npos == 0)
			put_subcommands(cmd, cur);
		return;
	}
	leaf = sub ? sub : cmd;
	if (npos == 1 && leaf->hint == HINT_SETTINGS &&
	    strcmp(leaf->name, "set") == 0) {
		put_setting_values(last_arg, cur);
		return;
	}
	if (npos > 0)
		return;
	put_words(leaf->words, "", cur);
	put_hint(leaf->hint, "", cur);
}

/* --- the lists, for people and tests --- */

/* The command `name` (and its sub-command), or NULL after a message. */
static const struct command *
leaf_or_fail(const char *name, const char *subname)
{
	const struct command *c = command_find(name), *s;
	if (!c)
		fail("There is no command '%s'.", name);
	else if (!subname)
		return c;
	else if ((s = command_find_sub(c, subname)))
		return s;
	else
		fail("'%s' has no sub-command '%s'.", name, subname);
	return NULL;
}

static int
cmd_complete(int argc, char **argv, struct cmd_ctx *ctx)
{
	const char *what = argc >= 2 ? argv[1] : NULL;
	const struct command *c;

	if (!what)
		return usage_error("What should be completed?");
	if (is_help_arg(what)) {
		command_help(NULL, stdout);
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
			return usage_error("'commands' takes only --all.");
		put_commands(NULL, argc == 3);
		return 0;
	}
	if (strcmp(what, "topics") == 0 && argc == 2) {
		put_topics("", NULL);
		return 0;
	}
	if (strcmp(what, "exercises") == 0 && argc == 2) {
		put_exercises("", NULL);
		return 0;
	}
	if (strcmp(what, "subcommands") == 0 && argc == 3) {
		if (!(c = leaf_or_fail(argv[2], NULL)))
			return 1;
		put_subcommands(c, NULL);
		return 0;
	}
	if (strcmp(what, "options") == 0 && (argc == 3 || argc == 4)) {
		if (!(c = leaf_or_fail(argv[2], argc == 4 ? argv[3] : NULL)))
			return 1;
		put_options(c->subs ? NULL : c->opts, NULL);
		return 0;
	}
	if (strcmp(what, "values") == 0 && argc == 4) {
		const struct opt *o = NULL;
		if (!(c = leaf_or_fail(argv[2], NULL)))
			return 1;
		o = opt_find(c->opts, argv[3]);
		for (const struct command *s = c->subs; !o && s && s->name; s++)
			o = opt_find(s->opts, argv[3]);
		if (!o)
			o = opt_find(global_options, argv[3]);
		if (o)
			put_values(o, "", NULL);
		return 0;
	}
	return usage_error("'%s' is not something __complete knows.", what);
}

const struct command complete_command = {
        "__complete",          cmd_complete,
        "completion helper",   .args = "WHAT [WORD...]",
        .help = complete_help, .flags = CMD_HIDDEN,
};
