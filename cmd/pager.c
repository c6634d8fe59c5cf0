/* Paging long output through $PAGER (see pager.h). */
#include "pager.h"

#include "cmd.h"
#include "term.h"
#include "util.h"
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char default_pager[] = "less -FR";

/* Exit status of "sh -c" when the command cannot be found or run. */
enum { SH_NOT_FOUND = 127, SH_NOT_EXECUTABLE = 126 };

/* The pager command, or NULL for none. Borrowed from the environment. */
static const char *
pager_command(void)
{
	const char *p = getenv("SELFHELP_PAGER");
	if (!p)
		p = run_setting(SETTINGS_PAGER);
	if (!p)
		p = getenv("PAGER");
	if (!p)
		p = default_pager;
	if (!*p || strcmp(p, "cat") == 0)
		return NULL;
	return p;
}

/* Display columns of one line, leaving out escape sequences. */
static size_t
line_columns(const char *s, size_t n)
{
	size_t w = 0, i = 0, start = 0;
	while (i < n) {
		if (s[i] != '\033') {
			i++;
			continue;
		}
		w += util_display_width(s + start, i - start);
		i++;
		if (i < n && s[i] == '[') {
			/* CSI: parameters, then one final byte 0x40..0x7e */
			for (i++; i < n && !(s[i] >= 0x40 && s[i] <= 0x7e); i++)
				;
			i++;
		} else if (i < n && s[i] == ']') {
			/* OSC: up to BEL or ESC backslash */
			for (i++; i < n && s[i] != '\a' && s[i] != '\033'; i++)
				;
			i += (i < n && s[i] == '\033') ? 2 : 1;
		} else {
			i++;
		}
		start = i < n ? i : n;
	}
	if (start < n)
		w += util_display_width(s + start, n - start);
	return w;
}

/* Rows `text` takes on a screen `cols` wide. */
static size_t
text_rows(const char *text, size_t len, size_t cols)
{
	size_t rows = 0, pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t w = line_columns(text + pos, n);
		rows += w > cols ? (w + cols - 1) / cols : 1;
		pos += n + 1;
	}
	return rows;
}

bool
pager_wanted(const char *text, size_t len, const struct cmd_ctx *ctx)
{
	/* A pager waits for keys: not with --no-input either. */
	if ((ctx && ctx->no_pager) || run_no_input() ||
	    !term_is_tty(STDOUT_FILENO) || !pager_command())
		return false;
	int rows = term_height(STDOUT_FILENO);
	if (rows <= 0)
		return false;
	int cols = term_width(STDOUT_FILENO);
	/* the last row is the pager's prompt */
	return text_rows(text, len, (size_t)cols) >= (size_t)rows;
}

static int
print_direct(const char *text, size_t len)
{
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
		return -1;
	return 0;
}

int
pager_show(const char *text, size_t len, const struct cmd_ctx *ctx)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe, old_int,
	                 old_quit;
	int fd[2], status = 0;
	pid_t pid;

	if (!pager_wanted(text, len, ctx))
		return print_direct(text, len);
	if (fflush(stdout) != 0 || pipe(fd) != 0)
		return print_direct(text, len);
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return print_direct(text, len);
	}
	if (pid == 0) {
		/* Keep a person's own LESS; otherwise the same as the
		 * default, so that PAGER=less also clears on exit. */
		if (dup2(fd[0], STDIN_FILENO) < 0)
			_exit(SH_NOT_FOUND);
		close(fd[0]);
		close(fd[1]);
		setenv("LESS", "FR", 0);
		setenv("LV", "-c", 0);
		/* Words searched for in the page are the person's: never in
		 * a history file on disk, whatever their own setting. Secure
		 * mode also keeps less from opening an editor, a shell or a
		 * log file on the page. */
		setenv("LESSHISTFILE", "-", 1);
		setenv("LESSSECURE", "1", 0);
		execl("/bin/sh", "sh", "-c", pager_command(), (char *)NULL);
		_exit(SH_NOT_FOUND);
	}
	close(fd[0]);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	/* A write error means the pager quit early: that is fine. */
	outfile_write(fd[1], text, len);
	close(fd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (WIFEXITED(status) && (WEXITSTATUS(status) == SH_NOT_FOUND ||
	                          WEXITSTATUS(status) == SH_NOT_EXECUTABLE))
		return print_direct(text, len);
	return 0;
}
