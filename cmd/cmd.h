/*
 * The CLI front end: argument parsing, talking to the user, exit codes.
 * Only code in cmd/ prints or exits; lib/ returns errors.
 *
 * Adding a command:
 *  1. write cmd/NAME.c with its options as data (cmd/options.h): a table
 *     of `struct opt` for the command, or one per sub-command, and a
 *     `const struct command NAME_command` that names them with a summary,
 *     its other words ("ID") and a few lines of help. Each function
 *     `cmd_NAME(int argc, char **argv, struct cmd_ctx *ctx)` (argv[0] is
 *     its own name) starts with opt_parse(); sub-commands are functions
 *     of the file's own, listed in the command's `subs` table;
 *  2. declare NAME_command below, add it to commands[] in cmd/main.c
 *     (the order of `selfhelp --help`) and the file to cmd/meson.build;
 *  3. add tests/cli/tNNNN-NAME.sh and its line in tests/meson.build;
 *  4. write doc/man/selfhelp-NAME.md with its line in doc/meson.build.
 * A command for a record kind (lib/record.h, "Adding a record kind")
 * writes no sub-command functions of its own for add, list, show, edit
 * and delete: its table names record_cmd_add ... record_cmd_delete
 * (cmd/record-cmd.h) and carries the kind's struct record_cmd as its
 * `data`; its file holds that descriptor, the option tables and its
 * own parts.
 * --help, usage errors and `selfhelp __complete` come from the tables;
 * tests/cli/t9100 checks that completion offers what --help shows, and
 * t9300 that the page does.
 *
 * Exit status: 0 done (also when a person chooses to stop an exercise),
 * 1 the operation could not be done, 2 usage (the arguments).
 */
#ifndef SELFHELP_CMD_H
#define SELFHELP_CMD_H

#include "options.h"
#include "settings.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define EXIT_USAGE 2

struct vault;

/*
 * What main() knows before a command runs. Commands that need the vault
 * ask for it with ctx_vault(); main() locks and closes it in one place
 * after the command returns. (git passes an opened repo; we open lazily
 * so that `journal --help` and `grounding` never touch the vault.)
 */
struct cmd_ctx {
	const char *vault_path;      /* NULL: the XDG default */
	const char *passphrase_file; /* NULL: ask on the terminal */
	bool no_pager;
	bool no_input; /* --no-input: never ask anything (run_no_input()) */
	struct vault *vault; /* opened by ctx_vault(), closed by main() */
	/* status: where the vault path leads when it is a link
	 * (PATH_NOTE_MAX bytes), or NULL */
	char *link_target;
	/* check --repair: open even when the vault's index is damaged */
	bool repair;
	/* The person left a passphrase prompt (Ctrl-D or Esc on it empty):
	 * main() ends with status 0, a chosen stop, whatever the command
	 * returned. */
	bool left;
};
enum { PATH_NOTE_MAX = 4096 };

/* The commands (each in cmd/NAME.c, several in keys.c). */
extern const struct command grounding_command, crisis_command, journal_command,
        trigger_log_command, insights_command, init_command, unlock_command,
        lock_command, status_command, passwd_command, recover_command,
        recovery_code_command, export_command, import_command, merge_command,
        backup_command, check_command, topics_command, safety_plan_command,
        group_command, report_command, config_command, complete_command;

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

/*
 * A journaling prompt for 'journal add --prompt [TOPIC]' (topics.c): one
 * of the prompts of the topic `name` (found as 'topics show' finds it) at
 * random, or, with `name` NULL, a present-focused one of any page at
 * random (lib/topics.h says which those are). Returns 0 with *prompt set
 * (caller frees), or 1 after one sentence on stderr: an unknown topic
 * (with the closest names), a page without prompts, no memory.
 */
int topics_pick_prompt(const char *name, char **prompt);

/* The options every command takes (main.c), ended by {0}. */
extern const struct opt global_options[];

/*
 * --no-input for this run (main.c): nothing is asked, not a passphrase,
 * not a yes, not a form, and no editor is opened; where an answer is
 * needed, the command says so and fails. Set before the command runs.
 */
bool run_no_input(void);

/*
 * The value of setting k from the settings file for this run, or NULL
 * when it is not set (lib/settings.h). The file is read on the first
 * call; what in it cannot be used, or a file that cannot be read, is
 * said once in one line on stderr. The caller applies the precedence:
 * an option wins, then its SELFHELP_* variable, then the setting.
 * Borrowed; valid until run_settings_release() (main(), at the end).
 */
const char *run_setting(enum settings_key k);
void run_settings_release(void);

/*
 * Open (and unlock) the vault for this run: with the key remembered by
 * `selfhelp unlock`, else the passphrase (file or terminal). Records
 * written while locked are folded in. On failure prints one sentence on
 * stderr and returns NULL; the caller returns 1. Owned by ctx; main()
 * frees it.
 */
struct vault *ctx_vault(struct cmd_ctx *ctx);

/* --- usage.c: messages --- */

/* Print "selfhelp: MESSAGE" on stderr; returns 1 (the failure status). */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error: "selfhelp: MESSAGE" and one hint line ("'selfhelp
 * journal add --help' says more.") on stderr; returns 2.
 */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The hint line alone: "'selfhelp journal add --help' WHAT." */
void usage_hint(const char *what);
/* Print a warning or note on stderr ("selfhelp: ..."). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Write s to fp as it is, or, when fp is a terminal, as paragraphs
 * wrapped between words at its width (at most 80 columns): a single
 * newline inside a paragraph is a space there, an empty line stays.
 */
void say_wrapped(FILE *fp, const char *s);

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
                      const struct id_words *w, char *id);

/* Why the record just read could not be: "it is damaged or was changed
 * outside selfhelp", or that an older version was put back, or that it
 * is missing (vault_last_problem). */
const char *damage_words(struct vault *v);

/* Under a record that `selfhelp merge` kept twice (VAULT_CONFLICT_COPY). */
#define CONFLICT_COPY_NOTE                                                     \
	"A conflict copy: this version was edited on another computer "        \
	"too, and 'selfhelp merge' kept both. Delete whichever you no "        \
	"longer need."

/* Is `s` one of "-h" or "--help"? */
bool is_help_arg(const char *s);

/* --- vault.c --- */
/* The vault path for this run (caller frees), or NULL. */
char *ctx_vault_path(struct cmd_ctx *ctx);
/* A 1 KiB passphrase buffer in guarded memory; sodium_free() it. */
char *passphrase_alloc(void);
/* Is there a terminal (/dev/tty) to ask a secret on? */
bool ctx_have_terminal(void);
/*
 * Read a passphrase (--passphrase-file, or the terminal without echo,
 * prompting with `prompt`) into buf from passphrase_alloc(). Returns its
 * length, or -1 after printing a message.
 */
int ctx_read_passphrase(struct cmd_ctx *ctx, const char *prompt, char *buf);
void ctx_release(struct cmd_ctx *ctx);

enum ctx_vault_flags {
	/* never the keyring: the passphrase itself is needed (passwd) */
	CTX_NEED_PASSPHRASE = 1 << 0,
};
/* ctx_vault() with flags. */
struct vault *ctx_vault_ex(struct cmd_ctx *ctx, unsigned flags);
/* Open the vault without unlocking it; NULL after a message. Owned by
 * ctx like ctx_vault()'s. */
struct vault *ctx_vault_locked(struct cmd_ctx *ctx);
/* Open it unlocked when `selfhelp unlock` remembers its key, else locked;
 * never asks. */
struct vault *ctx_vault_remembered(struct cmd_ctx *ctx);
/*
 * For commands that write a new record: an unlocked vault when a
 * passphrase file or a remembered key (selfhelp unlock) is there;
 * otherwise the locked vault with *sealed set, and the caller seals the
 * record to the vault's public key without asking for a passphrase.
 */
struct vault *ctx_vault_for_write(struct cmd_ctx *ctx, bool *sealed);
/*
 * Read a new passphrase: the first line of `file` ("-": stdin) when it is
 * not NULL, else twice on the terminal (with a gentle note when it looks
 * weak). Returns its length, or -1 after a message.
 */
int ctx_read_new_passphrase(struct cmd_ctx *ctx, const char *file, char *buf);

#endif
