/* The private screen: see screen.h. */
#include "screen.h"

#include "cmd.h"
#include "settings.h"
#include "signals.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool on_private;     /* on the alternate screen now */
static int rows_used;       /* rows shown since the screen or page began */
static bool caught_signals; /* screen_private_begin() took the signals */

static const char wait_text[] =
        "\n(Any key closes this, and it leaves the screen.)";

bool
screen_private_wanted(void)
{
	const char *v = getenv("SELFHELP_PRIVACY");
	if (!v || (strcmp(v, "screen") != 0 && strcmp(v, "normal") != 0))
		v = run_setting(SETTINGS_PRIVACY);
	if (!v || strcmp(v, "screen") != 0)
		return false;
	return isatty(STDIN_FILENO) && term_is_tty(STDOUT_FILENO);
}

bool
screen_private_begin(bool catch_signals)
{
	if (on_private)
		return true;
	if (!screen_private_wanted())
		return false;
	fflush(stdout);
	if (catch_signals) {
		signals_catch_leave(STDOUT_FILENO, "", false);
		caught_signals = true;
	}
	if (term_alt_screen(true) != 0) {
		if (caught_signals)
			signals_catch_leave(-1, NULL, false);
		caught_signals = false;
		return false;
	}
	on_private = true;
	rows_used = 0;
	return true;
}

bool
screen_private_row(void)
{
	static const char more[] = "(Any key shows more; q closes this.)";
	int height;
	if (!on_private)
		return true;
	height = term_height(STDOUT_FILENO);
	/* a row for the "more" line and one for what comes after */
	if (height < 4 || ++rows_used < height - 2)
		return true;
	/* raw mode before the line, as in screen_private_end() */
	bool raw = term_raw(STDIN_FILENO) == 0;
	int key = -1;
	fputs(more, stdout);
	fflush(stdout);
	if (raw) {
		key = term_read_key(STDIN_FILENO);
		term_restore();
	}
	fputs("\r\033[K", stdout);
	rows_used = 0;
	return !(key < 0 || key == 'q' || key == 'Q' || key == TERM_KEY_ESC ||
	         key == 3 || key == 4);
}

void
screen_private_end(bool wait)
{
	if (!on_private)
		return;
	/* raw mode before the prompt: a key typed once it shows is not
	 * flushed away by the mode change */
	if (wait && term_raw(STDIN_FILENO) == 0) {
		fputs(wait_text, stdout);
		fflush(stdout);
		term_read_key(STDIN_FILENO);
		term_restore();
	}
	fflush(stdout);
	term_alt_screen(false);
	on_private = false;
	if (caught_signals)
		signals_catch_leave(-1, NULL, false);
	caught_signals = false;
}
