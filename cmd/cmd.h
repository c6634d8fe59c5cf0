/*
 * The CLI front end: argument parsing, talking to the user, exit codes.
 * Only code in cmd/ prints or exits; lib/ returns errors.
 *
 * Adding a command:
 *  1. write cmd/NAME.c with `int cmd_NAME(int argc, char **argv,
 *     struct cmd_ctx *ctx)`; argv[0] is the command's own name;
 *  2. add it to commands[] in cmd/main.c and to cmd/meson.build;
 *  3. add tests/cli/tNNNN-NAME.sh and its line in tests/meson.build;
 *  4. give it a usage array and --help; a page doc/man/selfhelp-NAME.md
 *     with its line in doc/meson.build; its sub-commands and options in
 *     the table of cmd/complete.c (tests/cli/t9100 and t9300 check both).
 *
 * Exit status: 0 done (also when a person chooses to stop an exercise),
 * 1 the operation could not be done, 2 usage (the arguments).
 */
#ifndef SELFHELP_CMD_H
#define SELFHELP_CMD_H

#include "settings.h"

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
	/* status: where the vault path leads when it is a link
	 * (PATH_NOTE_MAX bytes), or NULL */
	char *link_target;
	/* check --repair: open even when the vault's index is damaged */
	bool repair;
};
enum { PATH_NOTE_MAX = 4096 };

enum cmd_flags {
	CMD_HIDDEN = 1 << 0,      /* not listed in --help (e.g. __complete) */
	CMD_GROUP_VAULT = 1 << 1, /* listed on the "Your vault:" line */
	CMD_GROUP_DATA = 1 << 2,  /* listed on the "Your data:" line */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned flags;
	const char *summary;
};

/* Command entry points. */
int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_unlock(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_lock(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_status(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_passwd(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_recover(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_recovery_code(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_journal(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_trigger_log(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_insights(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_topics(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_grounding(int argc, char **argv, struct cmd_ctx *ctx);
/* --- care --- */
int cmd_crisis(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_safety_plan(int argc, char **argv, struct cmd_ctx *ctx);
/*
 * Where help is right now, in a few lines on fp, for the country of
 * SELFHELP_COUNTRY or the locale (as 'selfhelp crisis' picks it): the
 * emergency number and a crisis line. For dead ends such as a safety
 * plan that cannot be read. (crisis.c)
 */
void crisis_put_brief(FILE *fp);
/*
 * For a high distress rating: on fp, the emergency number and first
 * crisis line of the country the person named (SELFHELP_COUNTRY or the
 * saved setting, never a guess from the locale), e.g. "If you are in
 * danger or can't keep yourself safe, call 999 now." and "Samaritans
 * (United Kingdom): Call 116 123 ...". Returns false, printing nothing,
 * when no country is named or the data has nothing for it; the caller
 * then says its own general words. (crisis.c)
 */
bool crisis_put_named(FILE *fp);
/* --- end care --- */
/* --- group --- */
int cmd_group(int argc, char **argv, struct cmd_ctx *ctx);
/* --- end group --- */
/* --- report --- */
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);
/* --- end report --- */
/* --- docs --- */
int cmd_complete(int argc, char **argv, struct cmd_ctx *ctx);
/* The command table (main.c), *n entries, for completion; static. */
const struct cmd *main_commands(size_t *n);
/* --- end docs --- */
/* --- config --- */
int cmd_config(int argc, char **argv, struct cmd_ctx *ctx);
/*
 * The value of setting k from the settings file for this run, or NULL
 * when it is not set (lib/settings.h). The file is read on the first
 * call; what in it cannot be used, or a file that cannot be read, is
 * said once in one line on stderr. The caller applies the precedence:
 * an option wins, then its SELFHELP_* variable, then the setting.
 * Borrowed; valid until cmd_settings_release() (main(), at the end).
 */
const char *cmd_setting(enum settings_key k);
void cmd_settings_release(void);
/* --- end config --- */
int cmd_export(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_import(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_backup(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_check(int argc, char **argv, struct cmd_ctx *ctx);

/*
 * Open (and unlock) the vault for this run: with the key remembered by
 * `selfhelp unlock`, else the passphrase (file or terminal). Records
 * written while locked are folded in. On failure prints one sentence on
 * stderr and returns NULL; the caller returns 1. Owned by ctx; main()
 * frees it.
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

/*
 * Resolve a record id prefix of `kind` into id (VAULT_ID_HEX + 1 bytes),
 * git-style; the words name the kind in messages. Returns 0, or the exit
 * status after a message (2 for a prefix that is no id, 1 otherwise;
 * ambiguous prefixes list the candidates).
 */
struct id_words {
	const char *an_id;    /* "an entry id" */
	const char *one;      /* "entry": "More than one entry starts with" */
	const char *the_kind; /* "journal entry": "There is no journal entry" */
	const char *list;     /* "selfhelp journal list" */
};
int resolve_record_id(struct vault *v, const char *kind, const char *prefix,
                      const char *const *usage, const struct id_words *w,
                      char *id);

/* Why the record just read could not be: "it is damaged or was changed
 * outside selfhelp", or that an older version was put back, or that it
 * is missing (vault_last_problem). */
const char *cmd_damage_words(struct vault *v);

/* Is `s` one of "-h" or "--help"? */
bool is_help_arg(const char *s);

/* --- vault.c --- */
/* The vault path for this run (caller frees), or NULL. */
char *cmd_vault_path(struct cmd_ctx *ctx);
/* A 1 KiB passphrase buffer in guarded memory; sodium_free() it. */
char *cmd_secret_alloc(void);
/*
 * Read a passphrase (--passphrase-file, or the terminal without echo,
 * prompting with `prompt`) into buf from cmd_secret_alloc(). Returns its
 * length, or -1 after printing a message.
 */
int cmd_read_passphrase(struct cmd_ctx *ctx, const char *prompt, char *buf);
void cmd_ctx_release(struct cmd_ctx *ctx);

enum cmd_vault_flags {
	/* never the keyring: the passphrase itself is needed (passwd) */
	CMD_VAULT_NEED_PASSPHRASE = 1 << 0,
};
/* cmd_vault() with flags. */
struct vault *cmd_vault_ex(struct cmd_ctx *ctx, unsigned flags);
/* Open the vault without unlocking it; NULL after a message. Owned by
 * ctx like cmd_vault()'s. */
struct vault *cmd_vault_locked(struct cmd_ctx *ctx);
/* Open it unlocked when `selfhelp unlock` remembers its key, else locked;
 * never asks. */
struct vault *cmd_vault_remembered(struct cmd_ctx *ctx);
/*
 * For commands that write a new record: an unlocked vault when a
 * passphrase file or a remembered key (selfhelp unlock) is there;
 * otherwise the locked vault with *sealed set, and the caller seals the
 * record to the vault's public key without asking for a passphrase.
 */
struct vault *cmd_vault_for_write(struct cmd_ctx *ctx, bool *sealed);
/*
 * Read a new passphrase: the first line of `file` ("-": stdin) when it is
 * not NULL, else twice on the terminal (with a gentle note when it looks
 * weak). Returns its length, or -1 after a message.
 */
int cmd_read_new_passphrase(struct cmd_ctx *ctx, const char *file, char *buf);

#endif
