/* Printing and asking helpers shared by the commands (see output.h). */
#include "output.h"

#include "cmd.h"
#include "signals.h"
#include "search.h"
#include "util.h"
#include "vault.h"

#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Ctrl-C while confirm_keep asks: the question ends there. */
static volatile sig_atomic_t ask_interrupted;

static void
on_ask_int(int sig)
{
	(void)sig;
	ask_interrupted = 1;
}

/* End the question's line when the answer did not (Ctrl-D, Ctrl-C), so
 * that what is printed next starts on a line of its own. */
static void
end_line(void)
{
	fputc('\n', stderr);
	fflush(stderr);
}

/*
 * Ask `question` and `choices` on stderr and read one line of answer
 * from stdin into answer (a longer line is cut). Returns false when none
 * came (no more input: Ctrl-D).
 */
static bool
read_answer(const char *question, const char *choices, char *answer, int size)
{
	bool got;
	fprintf(stderr, "%s %s ", question, choices);
	fflush(stderr);
	got = fgets(answer, size, stdin) != NULL;
	if (got && !strchr(answer, '\n') && !feof(stdin)) {
		/* a long line: the rest of it is part of this answer */
		int c;
		while ((c = getc(stdin)) != EOF && c != '\n')
			;
		if (c == '\n')
			return true;
	}
	if (!got || !strchr(answer, '\n')) {
		clearerr(stdin);
		end_line();
	}
	return got;
}

bool
confirm(const char *question, bool dflt)
{
	char answer[16];
	if (!read_answer(question, dflt ? "[Y/n]" : "[y/N]", answer,
	                 sizeof(answer)))
		return false;
	if (strcmp(answer, "\n") == 0)
		return dflt;
	return strcmp(answer, "y\n") == 0 || strcmp(answer, "Y\n") == 0 ||
	       strcmp(answer, "yes\n") == 0;
}

bool
confirm_keep(const char *question)
{
	struct sigaction sa = {.sa_handler = on_ask_int}, old_sa;
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	sigset_t block, old_mask;
	char answer[64];
	ssize_t n = -1;

	/*
	 * SIGINT stays blocked but while waiting in ppoll, so that a Ctrl-C
	 * at any moment ends the wait instead of the program (which would
	 * leave the words behind) and none is missed between the question
	 * and the wait. read(2), not stdio: a terminal gives one line.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	ask_interrupted = 0;
	sigaction(SIGINT, &sa, &old_sa);
	fprintf(stderr, "%s [Y/n] ", question);
	fflush(stderr);
	sigset_t wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	for (;;) {
		int r = ppoll(&pfd, 1, NULL, &wait_mask);
		if (r < 0 && errno == EINTR && !ask_interrupted)
			continue;
		if (r > 0)
			while ((n = read(STDIN_FILENO, answer,
			                 sizeof(answer) - 1)) < 0 &&
			       errno == EINTR && !ask_interrupted)
				;
		break;
	}
	/* a Ctrl-C still pending goes to on_ask_int first */
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_sa, NULL);
	if (n <= 0 || answer[n - 1] != '\n')
		end_line();
	if (n <= 0)
		return true; /* Ctrl-D, Ctrl-C, an error: keep */
	answer[n] = '\0';
	answer[strcspn(answer, "\r\n")] = '\0';
	return strcmp(answer, "n") != 0 && strcmp(answer, "N") != 0 &&
	       strcmp(answer, "no") != 0 && strcmp(answer, "No") != 0 &&
	       strcmp(answer, "NO") != 0;
}

int
print_json(json_t *root)
{
	/* JSON_ENCODE_ANY: a plain value (a null plan) is a document too. */
	int rc = root ? json_dumpf(root, stdout,
	                           JSON_INDENT(2) | JSON_ENSURE_ASCII |
	                                   JSON_ENCODE_ANY)
	              : -1;
	json_decref(root);
	fputc('\n', stdout);
	return rc == 0 ? 0 : fail("Could not write the JSON output.");
}

void
print_clean(const char *s, size_t len, unsigned flags, FILE *fp)
{
	char buf[512];
	size_t i = 0, n = 0, used;
	flags |= clean_locale();
	while (i < len) {
		if (n > sizeof(buf) - UTIL_CLEAN_UNIT_MAX) {
			fwrite(buf, 1, n, fp);
			n = 0;
		}
		n += util_clean_unit(s + i, len - i, flags, buf + n, &used,
		                     NULL);
		i += used;
	}
	fwrite(buf, 1, n, fp);
	sodium_memzero(buf, sizeof(buf)); /* it held the person's text */
}

void
print_clean_str(const char *s, unsigned flags, FILE *fp)
{
	print_clean(s, strlen(s), flags, fp);
}

unsigned
clean_locale(void)
{
	return utf8_locale() ? 0 : UTIL_CLEAN_ASCII;
}

const char *
shown_id(const char *id)
{
	return id && vault_id_ok(id) ? id : "(damaged id)";
}

bool
utf8_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}

static const char code_wait[] = "Press Enter when you have written it down.";
static const char code_gone[] =
        "The recovery code is no longer on the screen.\nIf it is ever lost, "
        "'selfhelp recovery-code --new' makes a new one\nwith your "
        "passphrase.\n";

/* Rows `cols` characters take on a terminal `width` wide (at least 1). */
static size_t
rows_of(size_t cols, size_t width)
{
	return cols ? (cols - 1) / width + 1 : 1;
}

/*
 * Wait for Enter on the terminal, then erase the code's lines: the
 * "Recovery code:" line, the code and the line asking for Enter (with
 * what was typed on it). Returns false when there is no terminal to
 * read Enter from (the code stays, as in a pipe).
 */
static bool
wait_and_erase(const char *code)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	size_t typed = 0, width = (size_t)term_width(STDOUT_FILENO);
	size_t code_rows = rows_of(strlen(code), width);
	char c, leave[sizeof(code_gone) + 32];
	if (fd < 0)
		return false;
	/* Ctrl-C (or a kill) while it waits: the cursor is still on the
	 * Enter line; erase from "Recovery code:" all the same, and leave
	 * as from any screen (status 0) */
	snprintf(leave, sizeof(leave), "\r\033[%zuA\033[J\033[3J%s",
	         rows_of(sizeof(code_wait), width) - 1 + code_rows + 1,
	         code_gone);
	signals_catch_leave(STDOUT_FILENO, leave, false);
	printf("%s ", code_wait);
	fflush(stdout);
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		typed++;
	}
	close(fd);
	signals_catch_leave(STDOUT_FILENO, NULL, false);
	/* rows the Enter line took (with what was typed on it), the code
	 * and "Recovery code:"; the cursor is on the row after them */
	size_t rows = rows_of(sizeof(code_wait) + typed, width) + code_rows + 1;
	printf("\r\033[%zuA\033[J\033[3J", rows);
	say_wrapped(stdout, code_gone);
	return true;
}

void
show_recovery_code(const char *code, bool replaced)
{
	bool screen = isatty(STDOUT_FILENO);
	char *text = NULL;
	if (screen &&
	    asprintf(&text,
	             "\nYour %srecovery code opens the vault if you ever "
	             "forget your passphrase.\nWrite it down on paper and "
	             "keep it away from this device, in a place that\nis "
	             "yours alone, where no one who might look into your "
	             "vault would come\nacross it. It is shown only this "
	             "once%s.\n\n",
	             replaced ? "new " : "",
	             replaced ? "; the old one no longer works" : "") >= 0) {
		say_wrapped(stdout, text);
		free(text);
	}
	printf("Recovery code:\n%s\n", code);
	if (screen)
		wait_and_erase(code);
}

void
print_snippet(const struct search_snip *sn, bool color, FILE *fp)
{
	fwrite(sn->text, 1, sn->hl_start, fp);
	if (color && sn->hl_end > sn->hl_start)
		fputs("\033[7m", fp);
	fwrite(sn->text + sn->hl_start, 1, sn->hl_end - sn->hl_start, fp);
	if (color && sn->hl_end > sn->hl_start)
		fputs("\033[27m", fp);
	fputs(sn->text + sn->hl_end, fp);
}
