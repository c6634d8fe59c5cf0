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
#include <stddef.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int help_main(int argc, char **argv, struct cmd_ctx *ctx);
static int version_main(int argc, char **argv, struct cmd_ctx *ctx);

static const struct command help_command = {"help",
                                            help_main,
                                            "show help for a command",
                                            "[COMMAND]",
                                            .hint = HINT_COMMANDS,
                                            .flags = CMD_HIDDEN};
static const struct command version_command = {
        "version", version_main, "print the version", .flags = CMD_HIDDEN};

/* Order is the order of `selfhelp --help`: grounding first, then crisis,
 * as it matters most in distress. */
static const struct command *const commands[] = {
        &grounding_command,   &crisis_command,   &journal_command,
        &trigger_log_command, &insights_command, &init_command,
        &unlock_command,      &lock_command,     &status_command,
        &passwd_command,      &recover_command,  &recovery_code_command,
        &export_command,      &import_command,   &merge_command,
        &backup_command,      &check_command,    &topics_command,
        &safety_plan_command, &group_command,    &report_command,
        &config_command,      &complete_command, &help_command,
        &version_command,
};
enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

const struct command *const *
main_commands(size_t *n)
{
	*n = NCOMMANDS;
	return commands;
}

static bool no_input; /* --no-input, for run_no_input() */

bool
run_no_input(void)
{
	return no_input;
}

/* Taken out of argv wherever they stand (take_global_options). */
const struct opt global_options[] = {
        {"vault", 0, OPT_STRING, offsetof(struct cmd_ctx, vault_path), "PATH",
         "the vault to use (default: in $XDG_DATA_HOME/selfhelp)",
         .hint = HINT_FILES},
        {"passphrase-file", 0, OPT_STRING,
         offsetof(struct cmd_ctx, passphrase_file), "FILE",
         "read the passphrase from FILE", .hint = HINT_FILES},
        {"no-pager", 0, OPT_FLAG, offsetof(struct cmd_ctx, no_pager), NULL,
         .help = "never page long output"},
        {"no-input", 0, OPT_FLAG, offsetof(struct cmd_ctx, no_input), NULL,
         .help = "never ask anything (no passphrase, question, form or "
                 "editor)"},
        {0},
};

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
        "Not a substitute for therapy. In danger? 'selfhelp crisis' or your\n"
        "local emergency number.\n";

/* One line "  Label:  name name ..." for a group of commands. */
static void
print_group(FILE *fp, const char *label, unsigned flag)
{
	bool any = false;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!(commands[i]->flags & flag) ||
		    (commands[i]->flags & CMD_HIDDEN))
			continue;
		if (!any)
			fprintf(fp, "  %-12s", label);
		fprintf(fp, "  %s", commands[i]->name);
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
		if (commands[i]->flags &
		    (CMD_HIDDEN | CMD_GROUP_VAULT | CMD_GROUP_DATA))
			continue;
		fprintf(fp, "  %-13s %s\n", commands[i]->name,
		        commands[i]->summary);
	}
	fputc('\n', fp);
	print_group(fp, "Your vault:", CMD_GROUP_VAULT);
	print_group(fp, "Your data:", CMD_GROUP_DATA);
	fputs("\n'selfhelp help COMMAND' tells more. Options for every "
	      "command:\n",
	      fp);
	for (const struct opt *o = global_options; o->name; o++)
		fprintf(fp, "--%s%s%s%s", o->name, o->arg ? " " : "",
		        o->arg ? o->arg : "", o[1].name ? ", " : ".\n");
	fputs(main_usage_tail, fp);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int
unknown_command(const char *name)
{
	const char *names[NCOMMANDS];
	size_t n = 0;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!(commands[i]->flags & CMD_HIDDEN))
			names[n++] = commands[i]->name;
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
help_main(int argc, char **argv, struct cmd_ctx *ctx)
{
	if (argc < 2 || is_help_arg(argv[1])) {
		print_main_help(stdout);
		return 0;
	}
	const struct command *c = find_command(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
	return command_run(c, 2, hargv, ctx);
}

static int
version_main(int argc, char **argv, struct cmd_ctx *ctx)
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
		const char *a = argv[i], *value = NULL;
		const struct opt *o = global_options;
		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		for (; o->name; o++) {
			size_t n = strlen(o->name);
			if (a[0] == '-' && a[1] == '-' &&
			    strncmp(a + 2, o->name, n) == 0 &&
			    (!a[n + 2] || (o->arg && a[n + 2] == '=')))
				break;
		}
		if (!o->name) {
			argv[out++] = argv[i];
			continue;
		}
		if (!o->arg) {
			*(bool *)((char *)ctx + o->off) = true;
			continue;
		}
		if (strchr(a, '='))
			value = strchr(a, '=') + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		if (!value || !*value) {
			note("'--%s' needs a value.", o->name);
			usage_hint("shows the options");
			return -1;
		}
		*(const char **)((char *)ctx + o->off) = value;
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
	no_input = ctx.no_input;
	if (argc < 2) {
		print_main_help(stdout);
		return finish_stdout(0);
	}
	const char *name = argv[1];
	if (is_help_arg(name))
		return finish_stdout(help_main(1, argv + 1, &ctx));
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return finish_stdout(version_main(1, argv + 1, &ctx));
	if (name[0] == '-') {
		return opt_unknown(name);
	}
	const struct command *c = find_command(name);
	if (!c)
		return unknown_command(name);
	status = command_run(c, argc - 1, argv + 1, &ctx);
	if (ctx.left)
		status = 0; /* a chosen stop at a passphrase prompt */
	ctx_release(&ctx);
	run_settings_release();
	return finish_stdout(status);
}
