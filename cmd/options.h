/*
 * Options as data: each command and sub-command declares its options in
 * a table, and parsing, --help, usage errors and `selfhelp __complete`
 * all read that table, so that what completion offers can never drift
 * from what --help shows (the idea of git's parse-options, over
 * getopt_long).
 *
 *	struct list_opts { int limit; const char *since; bool json; };
 *	#define O(f) offsetof(struct list_opts, f)
 *	static const struct opt list_options[] = {
 *		{NULL, 'n', OPT_INT, O(limit), "N", "the newest N only",
 *		 .min = 1, .max = INT_MAX},
 *		{"since", 0, OPT_DATE, O(since), "WHEN", "from then on"},
 *		{"json", 0, OPT_FLAG, O(json), NULL, "as JSON for scripts"},
 *		{0},
 *	};
 *
 * and in the sub-command's function:
 *
 *	struct list_opts o = {.limit = -1};
 *	struct opt_words w;
 *	int rc = opt_parse(argc, argv, &o, &w);
 *	if (rc)
 *		return rc < 0 ? 0 : rc;   (-1: --help was shown)
 */
#ifndef SELFHELP_OPTIONS_H
#define SELFHELP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "dates.h"

struct cmd_ctx;

enum opt_type {
	OPT_FLAG = 1, /* bool, set to true */
	OPT_STRING,   /* const char *, borrowed from argv */
	OPT_INT,      /* int, from .min to .max */
	OPT_DATE,     /* const char *, a date selfhelp understands */
	OPT_ENUM,     /* const char *, one of the words of .values */
	OPT_CALL,     /* .call(o, opt, arg); a flag when .arg is NULL */
};

/* What completion offers for a value or a command's other words. */
enum opt_hint {
	HINT_NONE,      /* free text, or the words of .values */
	HINT_FILES,     /* file names: the shell completes them */
	HINT_TOPICS,    /* topic slugs */
	HINT_EXERCISES, /* grounding exercise names */
	HINT_COUNTRIES, /* country codes of the crisis data */
	HINT_KINDS,     /* kinds of record */
	HINT_COMMANDS,  /* command names (help) */
	HINT_SETTINGS,  /* setting names (config) */
	HINT_IDS,       /* record ids: none offered (completion never opens
	                   the vault) */
};

enum opt_flags {
	OPT_REPEAT = 1 << 0, /* may be given more than once ("..." in usage) */
	OPT_HIDDEN = 1 << 1, /* an old spelling: taken, never shown */
	/* the value may be left out: "--prompt [TOPIC]" takes the next word
	 * when it is not an option ("--prompt=TOPIC" too); .call gets NULL
	 * without one. Long options only. */
	OPT_OPTIONAL = 1 << 2,
};

struct opt {
	const char *name; /* long name without "--", or NULL */
	int shrt;         /* short letter, or 0 */
	enum opt_type type;
	size_t off;         /* offsetof() the value in the options struct */
	const char *arg;    /* what the value is called ("N"); NULL: none */
	const char *help;   /* one line for --help ('\n' starts another) */
	const char *values; /* OPT_ENUM and completion: "json markdown" */
	long min, max;      /* OPT_INT */
	const char *bad;    /* OPT_INT, OPT_ENUM: the sentence for a value
	                       that does not fit (else one is made up) */
	/* OPT_CALL: takes the value (arg is NULL for a flag); returns 0,
	 * or an exit status after a message */
	int (*call)(void *o, const struct opt *opt, char *arg);
	int id;             /* for .call: which field */
	enum opt_hint hint; /* what completion offers for the value */
	unsigned flags;     /* enum opt_flags */
};

enum command_flags {
	CMD_HIDDEN = 1 << 0,      /* not listed in --help (e.g. __complete) */
	CMD_GROUP_VAULT = 1 << 1, /* listed on the "Your vault:" line */
	CMD_GROUP_DATA = 1 << 2,  /* listed on the "Your data:" line */
};

/*
 * A command, or one of its sub-commands (same shape). A command has
 * either a function (and options) or sub-commands.
 */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	const char *summary;    /* one line: selfhelp --help, completion */
	const char *args;       /* its other words on the usage line: "ID" */
	const struct opt *opts; /* ended by {0}; NULL: none */
	const char *help;       /* --help: what it does, after the usage */
	enum opt_hint hint;     /* what its other words are */
	const char *words;      /* fixed words it takes ("list random") */
	const struct command *subs; /* ended by {0}; NULL: none */
	const char *dflt;           /* the sub-command run when none is named */
	unsigned flags;             /* enum command_flags */
	const void *data;           /* what a shared function works on (a record
	                               kind's struct record_cmd); see command_data() */
};

/* The other words of a command line, after the options. */
struct opt_words {
	int n;
	char **v;
};

/*
 * Run command c (argv[0] is its name): a sub-command named by argv[1]
 * (or the default one), with argv shifted; `c --help` prints the whole
 * command's help. Returns the exit status.
 */
int command_run(const struct command *c, int argc, char **argv,
                struct cmd_ctx *ctx);

/*
 * Parse argv (argv[0]: the name of the command running) by the option
 * table of the command command_run() started, into the struct o. The
 * other words go to *words; with words NULL there must be none. Returns
 * 0; -1 after printing --help on stdout; or the exit status after one
 * sentence and a hint on stderr.
 */
int opt_parse(int argc, char **argv, void *o, struct opt_words *words);

/*
 * The one message for an option that is not in the table, for a command
 * that reads its own words (config): "selfhelp: PATH: '--foo' is not an
 * option here." and the --help hint. Returns EXIT_USAGE.
 */
int opt_unknown(const char *arg);

/* --help of c (NULL: the command running), on fp. */
void command_help(const struct command *c, FILE *fp);

/* "journal list": the command running, for messages. Borrowed. */
const char *command_path(void);

/* The data of the sub-command running, else of its command (NULL when
 * neither has any). */
const void *command_data(void);

/* The time of a date opt_parse() took (OPT_DATE checked that it
 * parses; a bare day rounded as `round` says); 0 for NULL. */
time_t opt_date(const char *s, time_t now, enum date_round round);

/*
 * The top-level commands, in the order of `selfhelp --help` (main.c);
 * *n of them. Borrowed, static.
 */
const struct command *const *main_commands(size_t *n);

/* The entry of `name` among subs (ended by {0}), or NULL. */
const struct command *command_find_sub(const struct command *c,
                                       const char *name);

/*
 * "--mood" or "-n": how option o is written, into buf (at least 64
 * bytes). Returns buf.
 */
const char *opt_spelling(const struct opt *o, char *buf, size_t size);

#endif
