/* Leaving by signal (see signals.h). */
#include "signals.h"

#include "term.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static char leave_text[512];
static volatile sig_atomic_t leave_len;
static volatile sig_atomic_t leave_fd = -1;
static bool leave_quit; /* SIGQUIT is caught now */

/* Only async-signal-safe calls: write(), tcsetattr() and _exit(). */
static void
on_leave(int sig)
{
	term_alt_screen(false); /* back from a private screen (screen.h) */
	if (sig != SIGHUP && leave_len > 0 && leave_fd >= 0) {
		ssize_t w = write(leave_fd, leave_text, (size_t)leave_len);
		(void)w;
	}
	term_restore();
	_exit(0);
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa = {0};
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

void
signals_catch_leave(int fd, const char *text, bool quit)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	size_t n = text ? strlen(text) : 0;
	leave_len = 0; /* a signal meanwhile writes nothing half-copied */
	if (n >= sizeof(leave_text))
		n = sizeof(leave_text) - 1;
	memcpy(leave_text, text ? text : "", n);
	leave_fd = fd;
	leave_len = (sig_atomic_t)n;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set_handler(sigs[i], text ? on_leave : SIG_DFL);
	if (text && quit) {
		set_handler(SIGQUIT, on_leave);
		leave_quit = true;
	} else if (leave_quit) {
		set_handler(SIGQUIT, SIG_DFL);
		leave_quit = false;
	}
}
