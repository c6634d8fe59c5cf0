/*
 * selfhelp: the command table, global options and dispatch. Kept to
 * dispatch only; each command lives in its own file (see cmd.h).
 */
#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "journal.h"
#include "util.h"

#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmd_help(int argc, char **argv, struct cmd_ctx *ctx);
static int cmd_version(int argc, char **argv, struct cmd_ctx *ctx);

/* Order is the order of `selfhelp --help`: grounding first. */
static const struct cmd commands[] = {
        /* --- grounding --- */
        {"grounding", cmd_grounding, 0,
         "guided exercises for when it is too much or too little"},
        /* --- end grounding --- */
        /* care: crisis next to grounding, as it matters most in distress */
        {"crisis", cmd_crisis, 0,
         "help right now: emergency numbers and crisis lines"},
        /* --- journal/init (core) --- */
        {"journal", cmd_journal, 0, "write and read private journal entries"},
        {"trigger-log", cmd_trigger_log, 0,
         "record what happened, and what you tried"},
        {"insights", cmd_insights, 0, "patterns in your trigger log"},
        {"init", cmd_init, CMD_GROUP_VAULT, "create your encrypted vault"},
        {"unlock", cmd_unlock, CMD_GROUP_VAULT,
         "remember the key for a while (no more asking)"},
        {"lock", cmd_lock, CMD_GROUP_VAULT, "forget the remembered key now"},
        {"status", cmd_status, CMD_GROUP_VAULT,
         "locked or unlocked, and what is waiting"},
        {"passwd", cmd_passwd, CMD_GROUP_VAULT, "change the passphrase"},
        {"recover", cmd_recover, CMD_GROUP_VAULT,
         "set a new passphrase with the recovery code"},
        {"recovery-code", cmd_recovery_code, CMD_GROUP_VAULT,
         "make a new recovery code, or remove it"},
        {"export", cmd_export, CMD_GROUP_DATA,
         "write everything out in clear (JSON or Markdown)"},
        {"import", cmd_import, CMD_GROUP_DATA,
         "bring in a selfhelp export or a jrnl journal"},
        {"backup", cmd_backup, CMD_GROUP_DATA,
         "copy the encrypted vault to a file"},
        {"check", cmd_check, CMD_GROUP_DATA,
         "check that every record is sound"},
        /* --- end journal/init --- */
        /* --- topics --- */
        {"topics", cmd_topics, 0, "read about CPTSD, feelings and healing"},
        /* --- end topics --- */
        /* --- care --- */
        {"safety-plan", cmd_safety_plan, 0, "your plan for hard moments"},
        /* --- end care --- */
        /* --- group --- */
        {"group", cmd_group, 0, "before and after a self-help group meeting"},
        /* --- end group --- */
        /* --- report --- */
        {"report", cmd_report, CMD_GROUP_DATA,
         "a summary to share with your therapist (HTML)"},
        /* --- end report --- */
        /* --- config --- */
        /* on the "Your data:" line: --help fills 80x24 already */
        {"config", cmd_config, CMD_GROUP_DATA,
         "settings that stick: your country, calmer motion, editor"},
        /* --- end config --- */
        /* --- docs --- */
        {"__complete", cmd_complete, CMD_HIDDEN, "completion helper"},
        /* --- end docs --- */
        {"help", cmd_help, CMD_HIDDEN, "show help for a command"},
        {"version", cmd_version, CMD_HIDDEN, "print the version"},
};
enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

/* --- docs --- */
/* For `selfhelp __complete` (cmd/complete.c): the table itself. */
const struct cmd *
main_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}
/* --- end docs --- */

static const char main_usage_text[] =
        "selfhelp - a private companion for living with complex PTSD\n"
        "\n"
        "Examples:\n"
        "  selfhelp grounding                 start a grounding exercise now\n"
        "  selfhelp journal add               write a private journal entry\n"
        "  selfhelp topics show inner-critic  read about the inner critic\n"
        "\n"
        "Commands:\n";

static const char main_usage_tail[] =
        "\n"
        "'selfhelp help COMMAND' tells more. Options for every command:\n"
        "--vault PATH, --passphrase-file FILE, --no-pager.\n"
        "Not a substitute for therapy. In danger? 'selfhelp crisis' or your\n"
        "local emergency number.\n";

/* One line "  Label:  name name ..." for a group of commands. */
static void
print_group(FILE *fp, const char *label, unsigned flag)
{
	bool any = false;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!(commands[i].flags & flag) ||
		    (commands[i].flags & CMD_HIDDEN))
			continue;
		if (!any)
			fprintf(fp, "  %-12s", label);
		fprintf(fp, "  %s", commands[i].name);
		any = true;
	}
	if (any)
		fputc('\n', fp);
}

static void
print_main_help(FILE *fp)
{
	fputs(main_usage_text, fp);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (commands[i].flags &
		    (CMD_HIDDEN | CMD_GROUP_VAULT | CMD_GROUP_DATA))
			continue;
		fprintf(fp, "  %-13s %s\n", commands[i].name,
		        commands[i].summary);
	}
	fputc('\n', fp);
	print_group(fp, "Your vault:", CMD_GROUP_VAULT);
	print_group(fp, "Your data:", CMD_GROUP_DATA);
	fputs(main_usage_tail, fp);
}

static const struct cmd *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
unknown_command(const char *name)
{
	const char *names[NCOMMANDS];
	size_t n = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!(commands[i].flags & CMD_HIDDEN))
			names[n++] = commands[i].name;
	const char *s = util_suggest(name, names, n);
	if (s)
		note("There is no command '%s'. Did you mean '%s'?", name, s);
	else
		note("There is no command '%s'. 'selfhelp --help' lists them "
		     "all.",
		     name);
	return EXIT_USAGE;
}

static int
cmd_help(int argc, char **argv, struct cmd_ctx *ctx)
{
	if (argc < 2 || is_help_arg(argv[1])) {
		print_main_help(stdout);
		return 0;
	}
	const struct cmd *c = find_command(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
	return c->fn(2, hargv, ctx);
}

static int
cmd_version(int argc, char **argv, struct cmd_ctx *ctx)
{
	printf("selfhelp %s\n", SELFHELP_VERSION);
	return 0;
}

/*
 * Take the global options out of argv wherever they stand (before or after
 * the command name), up to a "--". Returns -1 after printing a message
 * when an option lacks its value.
 */
static int
take_global_options(int *argcp, char **argv, struct cmd_ctx *ctx)
{
	int argc = *argcp, out = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *name = NULL;
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strncmp(a, "--vault", 7) == 0 && (!a[7] || a[7] == '=')) {
			slot = &ctx->vault_path;
			name = "--vault";
		} else if (strncmp(a, "--passphrase-file", 17) == 0 &&
		           (!a[17] || a[17] == '=')) {
			slot = &ctx->passphrase_file;
			name = "--passphrase-file";
		} else if (strcmp(a, "--no-pager") == 0) {
			ctx->no_pager = true;
			continue;
		}
		if (!slot) {
			argv[out++] = argv[i];
			continue;
		}
		const char *eq = strchr(a, '=');
		if (eq) {
			*slot = eq + 1;
		} else if (i + 1 < argc) {
			*slot = argv[++i];
		} else {
			note("%s needs a value.", name);
			return -1;
		}
		if (!**slot) {
			note("%s needs a value.", name);
			return -1;
		}
	}
	argv[out] = NULL;
	*argcp = out;
	return 0;
}

/*
 * stdio's own buffers hold what passes through them in clear: entries
 * printed, an entry's text or a passphrase read from standard input.
 * They are ours, and wiped at exit (after main's final flush).
 */
static char stdout_buf[BUFSIZ];
static char stdin_buf[BUFSIZ];

static void
wipe_stdio_buffers(void)
{
	fflush(stdout);
	sodium_memzero(stdout_buf, sizeof(stdout_buf));
	sodium_memzero(stdin_buf, sizeof(stdin_buf));
}

static void
use_wiped_stdio_buffers(void)
{
	/* the modes stdio would choose itself */
	setvbuf(stdout, stdout_buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
	        sizeof(stdout_buf));
	setvbuf(stdin, stdin_buf, _IOFBF, sizeof(stdin_buf));
	atexit(wipe_stdio_buffers);
}

static int
finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr,
		        "selfhelp: Could not write the output (is the disk "
		        "full?).\n");
		return status ? status : 1;
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct cmd_ctx ctx = {0};
	int status;

	if (sodium_init() < 0) {
		fprintf(stderr, "selfhelp: The crypto library could not start."
		                "\n");
		return 1;
	}
	/* No core dumps, no ptrace, no /proc/PID/mem for others, from the
	 * start: the passphrase is typed and a locked write holds its text
	 * before any key exists. Nothing in selfhelp needs to be dumpable. */
	crypto_protect_process();
	use_wiped_stdio_buffers();
	/* Files we create are private whatever the caller's umask. */
	umask(077);
	/* Past a file-size limit (ulimit -f), a write should fail and be
	 * reported like a full disk, not kill us mid-save. */
	signal(SIGXFSZ, SIG_IGN);
	journal_json_init();
	ctx.vault_path = getenv("SELFHELP_VAULT");
	ctx.passphrase_file = getenv("SELFHELP_PASSPHRASE_FILE");
	if (ctx.vault_path && !*ctx.vault_path)
		ctx.vault_path = NULL;
	if (ctx.passphrase_file && !*ctx.passphrase_file)
		ctx.passphrase_file = NULL;

	if (take_global_options(&argc, argv, &ctx) < 0)
		return EXIT_USAGE;
	if (argc < 2) {
		print_main_help(stdout);
		return finish_stdout(0);
	}
	const char *name = argv[1];
	if (is_help_arg(name))
		return finish_stdout(cmd_help(1, argv + 1, &ctx));
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return finish_stdout(cmd_version(1, argv + 1, &ctx));
	if (name[0] == '-') {
		note("'%s' is not an option selfhelp knows. 'selfhelp --help' "
		     "lists them.",
		     name);
		return EXIT_USAGE;
	}
	const struct cmd *c = find_command(name);
	if (!c)
		return unknown_command(name);
	status = c->fn(argc - 1, argv + 1, &ctx);
	cmd_ctx_release(&ctx);
	cmd_settings_release();
	return finish_stdout(status);
}
