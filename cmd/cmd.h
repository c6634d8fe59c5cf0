/*
 * The CLI front end: argument parsing, talking to the user, exit codes.
 * Only code in cmd/ prints or exits; lib/ returns errors.
 *
 * Adding a command:
 *  1. write cmd/NAME.c with `int cmd_NAME(int argc, char **argv,
 *     struct cmd_ctx *ctx)`; argv[0] is the command's own name;
 *  2. add it to commands[] in cmd/main.c and to cmd/meson.build;
 *  3. add tests/cli/tNNNN-NAME.sh and its line in tests/meson.build;
 *  4. give it a usage array, --help and a man page section.
 *
 * Exit status: 0 done (also when a person chooses to stop an exercise),
 * 1 the operation could not be done, 2 usage (the arguments).
 */
#ifndef SELFHELP_CMD_H
#define SELFHELP_CMD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define EXIT_USAGE 2

struct vault;

/*
 * What main() knows before a command runs. Commands that need the vault
 * ask for it with cmd_vault(); main() locks and closes it in one place
 * after the command returns. (git passes an opened repo; we open lazily
 * so that `journal --help` and `grounding` never touch the vault.)
 */
struct cmd_ctx {
	const char *vault_path;      /* NULL: the XDG default */
	const char *passphrase_file; /* NULL: ask on the terminal */
	bool no_pager;
	struct vault *vault; /* opened by cmd_vault(), closed by main() */
};

enum cmd_flags {
	CMD_HIDDEN = 1 << 0, /* not listed in --help (e.g. __complete) */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned flags;
	const char *summary;
};

/* Command entry points. */
int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_journal(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_topics(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_grounding(int argc, char **argv, struct cmd_ctx *ctx);

/*
 * Open (and unlock) the vault for this run, asking for the passphrase if
 * needed. On failure prints one sentence on stderr and returns NULL; the
 * caller returns 1. The vault is owned by ctx and freed by main().
 */
struct vault *cmd_vault(struct cmd_ctx *ctx);

/* --- usage.c: messages --- */

/* Print "selfhelp: MESSAGE" on stderr; returns 1 (the failure status). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage message and the usage lines on stderr; returns 2. */
int usage_error(const char *const *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print a warning or note on stderr ("selfhelp: ..."). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print usage lines (NULL-terminated) to fp. */
void usage_print(const char *const *usage, FILE *fp);

/*
 * A sub-command table ("journal add", "journal list" ...). Runs the entry
 * whose name is argv[1] with argv shifted by one; handles "-h"/"--help"
 * and a missing or unknown name (with a suggestion). `dflt` (may be NULL)
 * runs when there is no sub-command name.
 */
struct subcmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
};
int subcmd_run(const struct subcmd *table, const char *const *usage,
	       const char *dflt, int argc, char **argv, struct cmd_ctx *ctx);

/*
 * Closest name in a NULL-terminated list to `typed` (git's weighted
 * Damerau-Levenshtein), or NULL when nothing is close. Borrowed pointer.
 */
const char *suggest_name(const char *typed, const char *const *names);

/* Is `s` one of "-h" or "--help"? */
bool is_help_arg(const char *s);

#endif
