/*
 * selfhelp config: the settings file (lib/settings.h): list, get, set
 * and unset. Also run_setting(), how the other commands read a setting:
 * the file is read once per run, on first use, and what in it cannot be
 * used is said in one line on stderr.
 *
 * Precedence, as R23 and git have it: an option on the command line,
 * then the SELFHELP_* variable, then this file, then the general
 * variables (PAGER, VISUAL, EDITOR) and the defaults. The commands that
 * read a setting apply it (cmd/crisis.c, cmd/grounding.c, cmd/pager.c,
 * cmd/editor.c).
 */
#include "cmd.h"
#include "crisis.h"
#include "output.h"
#include "settings.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define KEYS_HELP                                                              \
	"Keys:\n"                                                              \
	"  country    a country code like DE, GB or US: 'selfhelp crisis'\n"   \
	"             and high distress ratings show its numbers\n"            \
	"  motion     full or reduced: reduced shows breathing cues one\n"     \
	"             line at a time, with no moving bar or countdown\n"       \
	"  grounding  the exercise 'selfhelp grounding' starts\n"              \
	"  pager      the program long pages go through (empty or cat:\n"      \
	"             none)\n"                                                 \
	"  editor     the editor for entries and records\n"                    \
	"  privacy    normal or screen: screen keeps show, list and the\n"     \
	"             guided questions off the scrollback\n"

static const char config_help[] =
        "Settings that stick, so that there are fewer options to remember\n"
        "in a hard moment. They live in $XDG_CONFIG_HOME/selfhelp/config\n"
        "(usually ~/.config/selfhelp/config), one 'key = value' a line;\n"
        "the file may be edited by hand too. It is not encrypted, and\n"
        "selfhelp never keeps a passphrase or key in it.\n"
        "\n" KEYS_HELP "\n"
        "An option on the command line wins; then SELFHELP_COUNTRY,\n"
        "SELFHELP_REDUCED_MOTION, SELFHELP_PAGER, SELFHELP_EDITOR or\n"
        "SELFHELP_PRIVACY; then this file; then PAGER, VISUAL and EDITOR,\n"
        "as git does it.\n";

/* --- the settings of this run, for the other commands --- */

static struct settings *run_settings;
static bool run_loaded;

/* The path as a person knows it: ~/ for $HOME/. Caller frees. */
static char *
shown_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;
	char *s = NULL;
	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/') {
		if (asprintf(&s, "~%s", path + n) < 0)
			s = NULL;
		return s;
	}
	return strdup(path);
}

/* One line on stderr about what in the file cannot be used. */
static void
warn_once(const char *path, const struct settings *s)
{
	size_t n = settings_nproblems(s);
	char more[64] = "";
	if (!n)
		return;
	const struct settings_problem *p = settings_problem_at(s, 0);
	char *where = shown_path(path);
	if (n > 1)
		snprintf(more, sizeof(more), " (and %zu more line%s)", n - 1,
		         n == 2 ? "" : "s");
	note("%s, line %u: %s, so the line is skipped%s. 'selfhelp config "
	     "list' shows %s.",
	     where ? where : path, p->line, p->msg, more,
	     n > 1 ? "them all" : "the settings");
	free(where);
}

const char *
run_setting(enum settings_key k)
{
	if (!run_loaded) {
		char err[SETTINGS_ERR_MAX];
		char *path = settings_path();
		run_loaded = true;
		if (!path)
			return NULL;
		int rc = settings_load(path, &run_settings, err);
		if (rc == SETTINGS_ENOMEM) {
			note("Out of memory; your settings are not used this "
			     "time.");
		} else if (rc) {
			char *where = shown_path(path);
			note("Your settings in %s could not be read (%s); "
			     "selfhelp goes on without them.",
			     where ? where : path, err);
			free(where);
		} else {
			warn_once(path, run_settings);
		}
		free(path);
	}
	return settings_get(run_settings, k);
}

void
run_settings_release(void)
{
	settings_free(run_settings);
	run_settings = NULL;
	run_loaded = false;
}

/* --- the command --- */

/* The key named by `name`, or -1 after a usage message. */
static int
key_or_usage(const char *name)
{
	/* a few keys, all short: only a near miss is a suggestion */
	enum { NEAR = 3 };
	const char *near = NULL;
	int k = settings_key_find(name), best = NEAR + 1;
	if (k >= 0)
		return k;
	if (k == SETTINGS_ESECRET) {
		usage_error("selfhelp keeps no passphrase or key in its "
		            "settings: the file is not encrypted, and anyone "
		            "who can read your files could read it there.");
		return -1;
	}
	for (int i = 0; i < SETTINGS_NKEYS; i++) {
		const char *key = settings_key_name((enum settings_key)i);
		int d = util_edit_distance(name, key);
		if (d < best) {
			best = d;
			near = key;
		}
	}
	if (near)
		usage_error(
		        "'%s' is not a setting selfhelp knows. Did you mean "
		        "'%s'?",
		        name, near);
	else
		usage_error("'%s' is not a setting selfhelp knows; 'selfhelp "
		            "config list' shows them.",
		            name);
	return -1;
}

/*
 * The words after the sub-command: exactly `want` of them into args.
 * "--" ends the options (a value may start with '-'). Returns 0, 1 when
 * the help was shown, or EXIT_USAGE after a message.
 */
static int
take_args(int argc, char **argv, const char *sub, int want, const char *what,
          char **args)
{
	int n = 0;
	bool dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!dashdash && is_help_arg(a)) {
			command_help(NULL, stdout);
			return 1;
		}
		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		/* after the key of `set`, words are the value's, such as
		 * "less -R" typed without quotes */
		if (!dashdash && a[0] == '-' && a[1] &&
		    !(strcmp(sub, "set") == 0 && n > 0))
			return opt_unknown(a);
		if (n == want) {
			if (strcmp(sub, "set") == 0)
				return usage_error(
				        "'config set' takes one value; a "
				        "command with spaces goes in quotes: "
				        "selfhelp config set %s '%s %s'.",
				        args[0], args[1], a);
			return usage_error("'config %s' takes %s.", sub, what);
		}
		args[n++] = argv[i];
	}
	if (n < want)
		return usage_error("'config %s' needs %s.", sub, what);
	return 0;
}

/* Read the file for a change or a look; prints every problem in it. */
static int
load_for(const char *path, struct settings **s, bool changing)
{
	char err[SETTINGS_ERR_MAX];
	char *where = shown_path(path);
	int rc = settings_load(path, s, err);
	if (rc == SETTINGS_ENOMEM) {
		free(where);
		return fail("Out of memory.");
	}
	if (rc) {
		fail("Your settings in %s could not be read (%s)%s.",
		     where ? where : path, err,
		     changing ? "; nothing was changed" : "");
		free(where);
		return 1;
	}
	for (size_t i = 0; i < settings_nproblems(*s); i++) {
		const struct settings_problem *p = settings_problem_at(*s, i);
		note("%s, line %u: %s, so the line is skipped.",
		     where ? where : path, p->line, p->msg);
	}
	free(where);
	return 0;
}

/* The settings path, or NULL after a message. */
static char *
path_or_fail(void)
{
	char *path = settings_path();
	if (!path)
		fail("There is no HOME or XDG_CONFIG_HOME to keep settings "
		     "in.");
	return path;
}

/* When an environment variable wins over the setting: its name. */
static const char *
env_winning(enum settings_key k)
{
	const char *env = settings_key_env(k);
	const char *v = env ? getenv(env) : NULL;
	/* an empty SELFHELP_PAGER means no pager; the others must say
	 * something */
	if (!v || (!*v && k != SETTINGS_PAGER))
		return NULL;
	return env;
}

static int
config_list(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct settings *s = NULL;
	char *args[1];
	int rc = take_args(argc, argv, "list", 0, "nothing more", args);
	if (rc)
		return rc == 1 ? 0 : rc;
	char *path = path_or_fail();
	if (!path)
		return 1;
	if ((rc = load_for(path, &s, false)) != 0) {
		free(path);
		return rc;
	}
	char *where = shown_path(path);
	printf("Settings in %s:\n\n", where ? where : path);
	for (int i = 0; i < SETTINGS_NKEYS; i++) {
		enum settings_key k = (enum settings_key)i;
		const char *v = settings_get(s, k), *env = env_winning(k);
		printf("  %-10s ", settings_key_name(k));
		if (v) {
			fputs("= ", stdout);
			print_clean_str(v, 0, stdout);
		} else {
			fputs("  (not set)", stdout);
		}
		if (env)
			printf("  (%s is set and wins)", env);
		putchar('\n');
	}
	printf("\n'selfhelp config set KEY VALUE' changes one; 'selfhelp "
	       "config --help'\nsays what each does.\n");
	free(where);
	free(path);
	settings_free(s);
	return 0;
}

static int
config_get(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct settings *s = NULL;
	char *args[1];
	int rc = take_args(argc, argv, "get", 1, "one KEY", args), k;
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((k = key_or_usage(args[0])) < 0)
		return EXIT_USAGE;
	char *path = path_or_fail();
	if (!path)
		return 1;
	rc = load_for(path, &s, false);
	free(path);
	if (rc)
		return rc;
	const char *v = settings_get(s, (enum settings_key)k);
	if (v) {
		print_clean_str(v, 0, stdout);
		putchar('\n');
	} else {
		note("'%s' is not set.", settings_key_name(k));
		rc = 1;
	}
	settings_free(s);
	return rc;
}

/* What a saved value means, in a few words after it, or "". */
static void
value_words(enum settings_key k, const char *v, char *buf, size_t size)
{
	buf[0] = '\0';
	if (k == SETTINGS_COUNTRY) {
		struct crisis_data *d = NULL;
		char err[CRISIS_ERR_MAX];
		const struct crisis_country *c;
		if (crisis_load_bundled(&d, err) == 0 &&
		    (c = crisis_find(d, v)) != NULL)
			snprintf(buf, size, " (%s)", c->name);
		crisis_free(d);
	} else if (k == SETTINGS_PAGER && (!*v || strcmp(v, "cat") == 0)) {
		snprintf(buf, size, " (no pager)");
	}
}

static int
config_set(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct settings *s = NULL;
	char canon[SETTINGS_VALUE_MAX + 1], err[SETTINGS_ERR_MAX];
	char words[128];
	char *args[2];
	int rc = take_args(argc, argv, "set", 2, "a KEY and a VALUE", args), k;
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((k = key_or_usage(args[0])) < 0)
		return EXIT_USAGE;
	rc = settings_check((enum settings_key)k, args[1],
	                    SETTINGS_CHECK_BUNDLED, canon, err);
	if (rc == SETTINGS_EVALUE) {
		/* a sentence: the message starts with a small letter */
		if (err[0] >= 'a' && err[0] <= 'z')
			err[0] = (char)(err[0] - 'a' + 'A');
		if (k == SETTINGS_COUNTRY)
			return usage_error(
			        "%s. 'selfhelp crisis --list' names "
			        "the countries it has; without a "
			        "country, 'selfhelp crisis' shows the "
			        "numbers most places use.",
			        err);
		if (k == SETTINGS_GROUNDING)
			return usage_error(
			        "%s. 'selfhelp grounding list' shows "
			        "them all.",
			        err);
		return usage_error("%s.", err);
	}
	if (rc)
		return fail("The value could not be checked: %s.", err);
	char *path = path_or_fail();
	if (!path)
		return 1;
	if ((rc = load_for(path, &s, true)) != 0) {
		free(path);
		return rc;
	}
	rc = settings_set(s, (enum settings_key)k, canon);
	if (rc == 0 && (rc = settings_save(s, path, err)) != 0) {
		char *where = shown_path(path);
		fail("The settings could not be saved in %s (%s); nothing was "
		     "changed.",
		     where ? where : path, err);
		free(where);
		rc = 1;
	} else if (rc) {
		rc = fail("Out of memory; nothing was changed.");
	} else {
		const char *env = env_winning((enum settings_key)k);
		value_words((enum settings_key)k, canon, words, sizeof(words));
		printf("Saved: %s = ", settings_key_name(k));
		print_clean_str(canon, 0, stdout);
		printf("%s.\n", words);
		if (env)
			printf("%s is set in your environment, and wins over "
			       "this setting while it is.\n",
			       env);
		if (k == SETTINGS_PRIVACY && strcmp(canon, "screen") == 0)
			printf("On a terminal, show, list and the guided "
			       "questions now go on a screen\nof their own, "
			       "which is gone when they end; a key closes "
			       "it.\n");
	}
	free(path);
	settings_free(s);
	return rc;
}

static int
config_unset(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct settings *s = NULL;
	char err[SETTINGS_ERR_MAX];
	char *args[1];
	int rc = take_args(argc, argv, "unset", 1, "one KEY", args), k;
	if (rc)
		return rc == 1 ? 0 : rc;
	if ((k = key_or_usage(args[0])) < 0)
		return EXIT_USAGE;
	char *path = path_or_fail();
	if (!path)
		return 1;
	if ((rc = load_for(path, &s, true)) != 0) {
		free(path);
		return rc;
	}
	if (!settings_unset(s, (enum settings_key)k)) {
		printf("'%s' was not set.\n", settings_key_name(k));
	} else if ((rc = settings_save(s, path, err)) != 0) {
		char *where = shown_path(path);
		fail("The settings could not be saved in %s (%s); nothing was "
		     "changed.",
		     where ? where : path, err);
		free(where);
		rc = 1;
	} else {
		printf("Removed: %s. The default applies again.\n",
		       settings_key_name(k));
	}
	free(path);
	settings_free(s);
	return rc;
}

static const struct command config_subs[] = {
        {"list", config_list, .summary = "every setting and its value"},
        {"get", config_get, "the value of one (exit 1 when it is not set)",
         "KEY", .help = KEYS_HELP, .hint = HINT_SETTINGS},
        {"set", config_set, "save a value, checked first", "KEY VALUE",
         .help = KEYS_HELP, .hint = HINT_SETTINGS},
        {"unset", config_unset, "remove one: the default applies again", "KEY",
         .help = KEYS_HELP, .hint = HINT_SETTINGS},
        {0},
};

const struct command config_command = {
        "config",
        NULL,
        "settings that stick: your country, calmer motion, editor",
        .help = config_help,
        .subs = config_subs,
        .dflt = "list",
        .flags = CMD_GROUP_DATA,
};
