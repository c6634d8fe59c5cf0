#include "term.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_mode;
static int saved_fd = -1;
static volatile bool reset_screen;
static volatile sig_atomic_t alt_screen; /* on the alternate screen */

/* The terminal's alternate screen: in, clear and home; and out again. */
static const char alt_on[] = "\033[?1049h\033[H\033[2J";
static const char alt_off[] = "\033[2J\033[?1049l";

bool
term_is_tty(int fd)
{
	const char *t = getenv("TERM");
	if (!isatty(fd))
		return false;
	return !(t && strcmp(t, "dumb") == 0);
}

bool
term_use_color(int fd)
{
	const char *nc = getenv("NO_COLOR");
	const char *t = getenv("TERM");
	if (nc && *nc)
		return false;
	if (!t || !*t || strcmp(t, "dumb") == 0)
		return false;
	return isatty(fd);
}

int
term_width(int fd)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	int w = 0;
	if (c && *c) {
		char *end;
		long v = strtol(c, &end, 10);
		if (*end == '\0' && v > 0 && v < 10000)
			w = (int)v;
	}
	if (!w && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	if (!w)
		w = 80;
	return w < 20 ? 20 : w;
}

int
term_height(int fd)
{
	struct winsize ws;
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0)
		return ws.ws_row;
	return 0;
}

int
term_raw(int fd)
{
	struct termios t;
	if (!isatty(fd) || tcgetattr(fd, &saved_mode) != 0)
		return -1;
	saved_fd = fd;
	t = saved_mode;
	t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &t) != 0) {
		saved_fd = -1;
		return -1;
	}
	return 0;
}

void
term_set_reset(bool on)
{
	reset_screen = on;
}

int
term_alt_screen(bool on)
{
	ssize_t r;
	if (on == (alt_screen != 0))
		return 0;
	if (on && !isatty(STDOUT_FILENO))
		return -1;
	r = on ? write(STDOUT_FILENO, alt_on, sizeof(alt_on) - 1)
	       : write(STDOUT_FILENO, alt_off, sizeof(alt_off) - 1);
	alt_screen = on;
	return r < 0 ? -1 : 0;
}

void
term_restore(void)
{
	static const char reset[] = "\033[0m\033[?25h";
	if (reset_screen) {
		ssize_t r = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
		(void)r;
	}
	if (saved_fd >= 0) {
		tcsetattr(saved_fd, TCSAFLUSH, &saved_mode);
		saved_fd = -1;
	}
}

int
term_read_key(int fd)
{
	unsigned char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	if (c == 0x1b) {
		/* A lone Escape, or the start of a sequence (arrow keys). */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			return TERM_KEY_ESC;
		unsigned char buf[16];
		n = read(fd, buf, sizeof(buf));
		(void)n;
		return TERM_KEY_OTHER;
	}
	return c;
}

static volatile sig_atomic_t *stop_redraw;

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa = {0};
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void
set_stop_handler(void (*fn)(int))
{
	set_handler(SIGTSTP, fn);
}

static void
on_stop(int sig)
{
	int saved = errno;
	sigset_t s;
	(void)sig;
	term_restore();
	set_stop_handler(SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	raise(SIGTSTP);
	/* Continued (SIGCONT): back to raw mode; the caller draws again. */
	set_stop_handler(on_stop);
	term_raw(STDIN_FILENO);
	if (stop_redraw)
		*stop_redraw = 1;
	errno = saved;
}

void
term_catch_stop(volatile sig_atomic_t *redraw)
{
	stop_redraw = redraw;
	set_stop_handler(redraw ? on_stop : SIG_DFL);
}
