/*
 * Opening the vault for a command (lib/vault-open.h does the work): the
 * passphrase from a file, stdin or the terminal (without echo), the
 * wording of what happened on the way (records written while locked,
 * a replaced key, an older file, a migration), and closing it in one
 * place (main).
 */
#include "cmd.h"
#include "dates.h"
#include "journal.h"
#include "record.h"
#include "strength.h"
#include "vault-open.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum {
	PASS_MAX = 1024,
	TTY_TOO_LONG = -2,
	TTY_LEFT = -3, /* Ctrl-D or Esc on the empty prompt */
	FOLD_SHOWN_MAX = 5,
	KEY_ESC = 0x1b,
	KEY_DEL = 0x7f,
	KEY_BS = 0x08,
	/* an Esc that more bytes follow within this time is a key's
	 * sequence (an arrow), not the Esc key */
	ESC_SEQUENCE_MS = 30,
};

static struct termios saved_tty;
static volatile sig_atomic_t tty_fd = -1;

static void
restore_echo(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Strip a trailing newline (and CR). */
static size_t
chomp(char *buf, size_t n)
{
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n;
}

/* Is more input waiting on fd within ms milliseconds? */
static bool
more_input(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) > 0 && (p.revents & POLLIN);
}

/* Is c the terminal's control character `which` (VEOF, VERASE ...)? */
static bool
is_cc(unsigned char c, int which)
{
	return c != _POSIX_VDISABLE && c == saved_tty.c_cc[which];
}

/* Rub out the last character of buf[0..n) (a whole UTF-8 one). */
static size_t
rub_out_last(const char *buf, size_t n)
{
	while (n && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
		n--;
	return n ? n - 1 : 0;
}

/*
 * Ask on the terminal without echo. Returns the length, -1 when there is
 * no terminal, TTY_TOO_LONG (buf wiped) when the answer is longer than
 * selfhelp takes, or TTY_LEFT when Ctrl-D or Esc came before anything
 * was typed. buf is PASS_MAX bytes of guarded memory. The terminal reads
 * key by key (no canonical mode, so a lone Esc is seen at once); erase,
 * kill (Ctrl-U) and word erase (Ctrl-W) work as they do on a line, and
 * Ctrl-C still stops selfhelp (ISIG).
 */
static int
ask_tty(const char *prompt, char *buf)
{
	int fd = run_no_input()
	                 ? -1
	                 : open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios t;
	struct sigaction sa = {0}, old_int, old_term, old_hup;
	size_t n = 0;
	bool too_long = false, left = false;
	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &saved_tty) != 0) {
		close(fd);
		return -1;
	}
	sa.sa_handler = restore_echo;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	tty_fd = fd;
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSAFLUSH, &t);
	ssize_t w = write(fd, prompt, strlen(prompt));
	(void)w;
	for (;;) {
		unsigned char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n == 0 && !too_long &&
		    (is_cc(c, VEOF) ||
		     (c == KEY_ESC && !more_input(fd, ESC_SEQUENCE_MS)))) {
			left = true;
			break;
		}
		if (is_cc(c, VEOF))
			continue; /* with something typed: Enter ends it */
		if (is_cc(c, VERASE) || c == KEY_DEL || c == KEY_BS) {
			n = rub_out_last(buf, n);
			continue;
		}
		if (is_cc(c, VKILL)) {
			n = 0;
			too_long = false;
			continue;
		}
		if (is_cc(c, VWERASE)) {
			while (n && buf[n - 1] == ' ')
				n--;
			while (n && buf[n - 1] != ' ')
				n--;
			continue;
		}
		if (n < PASS_MAX - 1)
			buf[n++] = (char)c;
		else
			too_long = true;
	}
	buf[n] = '\0';
	w = write(fd, "\n", 1); /* what ECHONL did on a line */
	tcsetattr(fd, TCSAFLUSH, &saved_tty);
	tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	close(fd);
	if (left)
		return TTY_LEFT;
	if (too_long) {
		/* Cutting it short silently would make a different
		 * passphrase. */
		sodium_memzero(buf, PASS_MAX);
		return TTY_TOO_LONG;
	}
	return (int)chomp(buf, n);
}

/* The person left the prompt (Ctrl-D or Esc): a gentle word, and main()
 * ends with the status of a chosen stop. Returns -1. */
static int
left_prompt(struct cmd_ctx *ctx)
{
	ctx->left = true;
	fprintf(stderr, "Stopped. Nothing was changed.\n");
	return -1;
}

static int
too_long_typed(void)
{
	return fail("That passphrase is longer than the %d bytes selfhelp "
	            "takes, so it was not used.",
	            PASS_MAX - 1),
	       -1;
}

/*
 * The first line of `path` ("-": stdin) into buf. Reads at most the
 * longest passphrase selfhelp takes (and its newline): a longer line, an
 * endless file or a folder is refused. Returns the length, or -1 after
 * printing a message.
 */
static int
read_pass_file(const char *path, char *buf)
{
	bool from_stdin = strcmp(path, "-") == 0;
	const char *name = from_stdin ? "(stdin)" : path;
	/* A file is read with read(2): no stdio buffer holds the
	 * passphrase after it. stdin's buffer is main's, wiped at exit; its
	 * rest may be an entry's text, read from the same FILE afterwards. */
	int fd = from_stdin ? -1 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n = 0;
	bool ended = false;
	int c, err = 0;
	if (!from_stdin && fd < 0)
		return fail("Could not read the passphrase file %s (%s).", path,
		            strerror(errno)),
		       -1;
	/* at most the longest passphrase and its newline: an endless file
	 * is refused, not read to its end */
	while (n < PASS_MAX) {
		if (from_stdin) {
			c = getc(stdin);
			if (c == EOF && ferror(stdin))
				err = errno ? errno : EIO;
		} else {
			unsigned char b;
			ssize_t r;
			do
				r = read(fd, &b, 1);
			while (r < 0 && errno == EINTR);
			c = r == 1 ? b : EOF;
			if (r < 0)
				err = errno;
		}
		if (c == EOF || c == '\n') {
			ended = true;
			break;
		}
		buf[n++] = (char)c;
	}
	if (fd >= 0)
		close(fd);
	if (err) {
		sodium_memzero(buf, PASS_MAX);
		return fail("Could not read the passphrase file %s (%s).", name,
		            strerror(err)),
		       -1;
	}
	if (!ended || n >= PASS_MAX) {
		/* Cutting it short silently would make a different one. */
		sodium_memzero(buf, PASS_MAX);
		return fail("The passphrase in %s is longer than the %d bytes "
		            "selfhelp takes, so it was not used.",
		            name, PASS_MAX - 1),
		       -1;
	}
	buf[n] = '\0';
	n = chomp(buf, n);
	if (n == 0)
		return fail("The passphrase file %s has no passphrase on its "
		            "first line.",
		            name),
		       -1;
	return (int)n;
}

char *
ctx_vault_path(struct cmd_ctx *ctx)
{
	if (ctx->vault_path)
		return strdup(ctx->vault_path);
	return vault_default_path();
}

int
ctx_read_passphrase(struct cmd_ctx *ctx, const char *prompt, char *buf)
{
	if (ctx->passphrase_file)
		return read_pass_file(ctx->passphrase_file, buf);
	int n = ask_tty(prompt, buf);
	if (n == TTY_TOO_LONG)
		return too_long_typed();
	if (n == TTY_LEFT)
		return left_prompt(ctx);
	if (n < 0)
		return fail("selfhelp needs the vault's passphrase, and %s. "
		            "--passphrase-file FILE gives it.",
		            run_no_input() ? "--no-input says not to ask"
		                           : "there is no terminal to ask on"),
		       -1;
	return n;
}

bool
ctx_have_terminal(void)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

char *
passphrase_alloc(void)
{
	char *p = sodium_malloc(PASS_MAX);
	if (p)
		p[0] = '\0';
	return p;
}

/* --- what happened on the way --- */

/* Records written while locked and added now, told in one note. */
struct folded {
	char kind[VAULT_KIND_MAX];
	int64_t time;
};
static struct folded folded[FOLD_SHOWN_MAX];
static size_t nfolded;

static const char *
kind_words(const char *kind, bool many)
{
	static const struct {
		const char *kind, *one, *many;
	} words[] = {
	        {"journal", "journal entry", "journal entries"},
	        {"trigger", "trigger record", "trigger records"},
	        {"rating", "grounding rating", "grounding ratings"},
	        {"group", "group note", "group notes"},
	        {"safety-plan", "safety plan", "safety plans"},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(kind, words[i].kind) == 0)
			return many ? words[i].many : words[i].one;
	return many ? "records" : "record";
}

/* A progress line on a terminal, redrawn in place. */
static void
progress(const char *what, uint64_t n, uint64_t total)
{
	if (!isatty(STDERR_FILENO) || total == 0)
		return;
	unsigned pct = (unsigned)(n * 100 / total);
	unsigned fill = pct / 5;
	fprintf(stderr, "\r%s [", what);
	for (unsigned i = 0; i < 20; i++)
		fputc(i < fill ? '#' : ' ', stderr);
	fprintf(stderr, "] %3u%%", pct);
	if (n >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void
on_event(void *arg, const struct vault_event *ev)
{
	struct cmd_ctx *ctx = arg;
	switch (ev->type) {
	case VAULT_EV_FOLDED:
		if (nfolded < FOLD_SHOWN_MAX) {
			snprintf(folded[nfolded].kind,
			         sizeof(folded[nfolded].kind), "%s",
			         ev->kind ? ev->kind : "");
			folded[nfolded].time = ev->time;
		}
		nfolded++;
		break;
	case VAULT_EV_SET_ASIDE:
		if (ev->why == VAULT_ASIDE_KIND)
			note("Something was put into the vault file while it "
			     "was locked that claims to be a %s. selfhelp "
			     "never "
			     "takes a %s that way, so it was set aside and not "
			     "used. If you did not write it, someone else may "
			     "have changed the vault file.",
			     kind_words(ev->kind, false),
			     kind_words(ev->kind, false));
		else if (ev->why == VAULT_ASIDE_REPLAY)
			note("The vault file holds a copy of a record that is "
			     "already in it (an older copy put back?). It was "
			     "set aside, not used; 'selfhelp check' lists it.");
		else
			note("A record written while the vault was "
			     "locked%s%.8s%s "
			     "could not be read: it is damaged. It was kept "
			     "aside, not deleted.",
			     ev->id ? " (" : "", ev->id ? ev->id : "",
			     ev->id ? ")" : "");
		break;
	case VAULT_EV_KEY_REPAIRED:
		note("The vault's public key had been changed in the file; "
		     "selfhelp put the right one back. Anything written while "
		     "the vault was locked since that change may have been "
		     "readable by whoever made it.");
		break;
	case VAULT_EV_MIGRATING:
		progress("Updating your vault to the new format", ev->n,
		         ev->total);
		break;
	case VAULT_EV_MIGRATED:
		note("Your vault was updated to a new format that keeps more "
		     "of it private. A copy of the old file is kept at %s "
		     "until 'selfhelp check' next finds everything fine.",
		     ev->path ? ev->path : "(none)");
		break;
	case VAULT_EV_MIGRATE_DAMAGED:
		note("A %s (%.8s) could not be read before the update either; "
		     "it was carried over as it was.",
		     kind_words(ev->kind ? ev->kind : "", false),
		     ev->id ? ev->id : "");
		break;
	case VAULT_EV_NEW_KEY_PAIR:
		note("The key that opens what is written while the vault is "
		     "locked was damaged, so selfhelp made a new one. Anything "
		     "written while locked that was still waiting stays in the "
		     "copy of the old file.");
		break;
	case VAULT_EV_REKEYING:
		progress("Encrypting everything with the new key", ev->n,
		         ev->total);
		break;
	case VAULT_EV_WRONG_PASSPHRASE:
		if (ev->n < ev->total)
			fprintf(stderr, "That passphrase doesn't open this "
			                "vault. Please try again.\n");
		break;
	case VAULT_EV_ROLLBACK:
		note("This vault file is older than the one last opened on "
		     "this computer: %llu change%s made since are not in it. "
		     "If you did not put back a backup yourself, someone may "
		     "have replaced the file with an older copy.",
		     (unsigned long long)(ev->total - ev->n),
		     ev->total - ev->n == 1 ? " it had" : "s it had");
		break;
	case VAULT_EV_OLDER_COPY:
		note("This is an older copy of your vault: the one last opened "
		     "on this computer (%s) has %llu more change%s.",
		     ev->path, (unsigned long long)(ev->total - ev->n),
		     ev->total - ev->n == 1 ? "" : "s");
		break;
	case VAULT_EV_NO_PIN:
		note("This computer has not opened this vault with its "
		     "passphrase yet, so selfhelp could not check the vault's "
		     "key this once. Opening it once (for example 'selfhelp "
		     "unlock') sets that up.");
		break;
	case VAULT_EV_UNSAFE:
		note("Other people on this computer can change %s. selfhelp "
		     "reads the vault there but writes nothing to it; 'chmod "
		     "go-w' on it makes it private again.",
		     ev->path);
		break;
	case VAULT_EV_FOLD_FAILED:
		note("The records written while the vault was locked could not "
		     "be added yet (%s) They are still waiting.",
		     ev->path ? ev->path : "");
		break;
	case VAULT_EV_SYMLINK:
		if (ctx->link_target)
			snprintf(ctx->link_target, PATH_NOTE_MAX, "%s",
			         ev->path);
		break;
	}
}

/* After opening: one note for the records written while locked. */
static void
tell_folded(void)
{
	char when[32];
	if (!nfolded)
		return;
	fprintf(stderr,
	        "selfhelp: %zu record%s written while the vault was "
	        "locked %s added:",
	        nfolded, nfolded == 1 ? "" : "s",
	        nfolded == 1 ? "was" : "were");
	for (size_t i = 0; i < nfolded && i < FOLD_SHOWN_MAX; i++) {
		date_format_local((time_t)folded[i].time, when, sizeof(when));
		fprintf(stderr, "%s a %s (%s)", i ? "," : "",
		        kind_words(folded[i].kind, false), when);
	}
	if (nfolded > FOLD_SHOWN_MAX)
		fprintf(stderr, " and %zu more", nfolded - FOLD_SHOWN_MAX);
	fprintf(stderr, ". Each is marked \"written while locked\".\n");
	nfolded = 0;
}

static int
ask_passphrase(void *arg, char *buf, size_t cap)
{
	(void)cap;
	return ctx_read_passphrase(arg, "Passphrase: ", buf);
}

/*
 * After the last wrong passphrase typed on the terminal: a way forward.
 * The recovery code when the vault has one (its header says so; no
 * passphrase needed to read it), else a word that trying again later is
 * fine.
 */
static void
after_wrong_tries(const char *path)
{
	struct vault *v = NULL;
	char *err = NULL;
	bool has_code =
	        vault_open(path, &v, &err) == VAULT_OK && vault_has_recovery(v);
	vault_free(v);
	free(err);
	if (has_code)
		say_wrapped(stderr, "If the passphrase has slipped away, your "
		                    "recovery code opens the vault:\n'selfhelp "
		                    "recover' asks for it and then for a new "
		                    "passphrase.\n");
	else
		say_wrapped(stderr,
		            "Take your time; you can try again whenever "
		            "you are ready. This vault has\nno recovery "
		            "code, so only its passphrase opens it.\n");
}

static bool
is_unlocked(struct vault *v)
{
	return vault_copy_master(v, NULL) != VAULT_LOCKED;
}

/* "3 entries, 1 trigger record" of what a merge brought in (added,
 * updated or kept twice), or "nothing new". */
static void
merged_words(const struct vault_merge_summary *s, char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->nkinds && used < cap; i++) {
		const struct vault_merge_kind *k = &s->kinds[i];
		size_t n = k->added + k->updated + k->conflicts + k->deleted;
		if (!n)
			continue;
		int w = snprintf(buf + used, cap - used, "%s%zu %s",
		                 used ? ", " : "", n,
		                 kind_words(k->kind, n != 1));
		if (w > 0)
			used += (size_t)w;
	}
	if (!used)
		snprintf(buf, cap, "nothing new");
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

enum { COPIES_MAX = 64 };
static bool copies_told; /* a locked command mentions them once */

/*
 * Conflict copies a sync tool left beside the vault (vault_conflict_copies).
 * Unlocked: merge each, check, and remove it; one that is not this vault's,
 * is damaged or has other keys is left where it is, with why. Locked: say
 * once that a merge is waiting.
 */
static void
pick_up_copies(struct vault *v)
{
	char *copies[COPIES_MAX];
	size_t n = vault_conflict_copies(vault_path(v), copies, COPIES_MAX);
	if (!n)
		return;
	if (!is_unlocked(v)) {
		if (!copies_told)
			note("Your sync tool left %s beside your vault (%s). "
			     "Nothing is lost: the next command that unlocks "
			     "the vault merges %s in.",
			     n == 1 ? "another copy of it"
			            : "other copies of it",
			     base_name(copies[0]), n == 1 ? "it" : "them");
		copies_told = true;
	}
	for (size_t i = 0; i < n && is_unlocked(v); i++) {
		struct vault_merge_summary sum;
		char what[256];
		if (vault_merge(v, copies[i], false, &sum) != 0) {
			note("%s was left where it is: %s",
			     base_name(copies[i]), vault_errmsg(v));
			continue;
		}
		if (vault_integrity_check(v) != 0) {
			note("%s was merged in, but the vault did not pass its "
			     "check afterwards, so that copy was kept where it "
			     "is. 'selfhelp check' says more.",
			     base_name(copies[i]));
			continue;
		}
		merged_words(&sum, what, sizeof(what));
		if (unlink(copies[i]) != 0)
			note("Your sync tool had left another copy of your "
			     "vault "
			     "beside it (%s); it is now merged in (%s). It "
			     "could "
			     "not be removed (%s); it is safe to delete it.",
			     base_name(copies[i]), what, strerror(errno));
		else
			note("Your sync tool had left another copy of your "
			     "vault "
			     "beside it (%s); it is now merged in (%s), and "
			     "the "
			     "copy removed. Nothing was lost.",
			     base_name(copies[i]), what);
		if (sum.passphrase_taken)
			note("The passphrase set on the other computer came "
			     "with it: it opens this vault from now on, and "
			     "the old one no longer does.");
		if (sum.recovery_taken)
			note("The recovery code as changed on the other "
			     "computer came with it too.");
		if (sum.other_passphrase)
			note("That copy opened with another passphrase than "
			     "this vault, and both were set since the copies "
			     "parted, so this vault keeps its own; 'selfhelp "
			     "passwd' sets the other one here if you want it.");
	}
	for (size_t i = 0; i < n; i++)
		free(copies[i]);
}

/* Open the vault as `need` says; NULL after a message. */
static struct vault *
open_as(struct cmd_ctx *ctx, enum vault_need need, bool *locked_write)
{
	struct vault *v = NULL;
	char *err = NULL, *path = ctx_vault_path(ctx);
	bool lw = false;
	if (!path) {
		fail("There is no HOME or XDG_DATA_HOME to find the vault in; "
		     "--vault PATH names it.");
		return NULL;
	}
	struct vault_opener o = {
	        .path = path,
	        .need = need,
	        .passphrase_file = ctx->passphrase_file != NULL,
	        .ask = ask_passphrase,
	        .event = on_event,
	        .arg = ctx,
	        .sort_key = record_sort_key,
	        .repair = ctx->repair,
	};
	int rc = vault_open_for(&o, &v, &lw, &err);
	tell_folded();
	if (rc) {
		if (err)
			fail("%s", err);
		free(err);
		if (rc == VAULT_BAD_PASSPHRASE && !ctx->passphrase_file)
			after_wrong_tries(path);
		free(path);
		return NULL;
	}
	free(path);
	if (!ctx->repair)
		pick_up_copies(v);
	if (locked_write)
		*locked_write = lw;
	return v;
}

struct vault *
ctx_vault_locked(struct cmd_ctx *ctx)
{
	if (!ctx->vault)
		ctx->vault = open_as(ctx, VAULT_NEED_FILE, NULL);
	return ctx->vault;
}

struct vault *
ctx_vault_remembered(struct cmd_ctx *ctx)
{
	if (!ctx->vault || !is_unlocked(ctx->vault)) {
		vault_free(ctx->vault);
		ctx->vault = open_as(ctx, VAULT_NEED_REMEMBERED, NULL);
	}
	return ctx->vault;
}

struct vault *
ctx_vault_ex(struct cmd_ctx *ctx, unsigned flags)
{
	bool typed = flags & CTX_NEED_PASSPHRASE;
	if (ctx->vault && is_unlocked(ctx->vault) && !typed)
		return ctx->vault;
	vault_free(ctx->vault);
	ctx->vault = open_as(
	        ctx, typed ? VAULT_NEED_PASSPHRASE : VAULT_NEED_KEY, NULL);
	return ctx->vault;
}

struct vault *
ctx_vault(struct cmd_ctx *ctx)
{
	return ctx_vault_ex(ctx, 0);
}

struct vault *
ctx_vault_for_write(struct cmd_ctx *ctx, bool *sealed)
{
	*sealed = false;
	if (ctx->vault && is_unlocked(ctx->vault))
		return ctx->vault;
	vault_free(ctx->vault);
	ctx->vault = open_as(ctx, VAULT_NEED_WRITE, sealed);
	return ctx->vault;
}

int
ctx_read_new_passphrase(struct cmd_ctx *ctx, const char *file, char *buf)
{
	char *again;
	int n, m;
	if (file)
		return read_pass_file(file, buf);
	n = ask_tty("New passphrase: ", buf);
	if (n == TTY_TOO_LONG)
		return too_long_typed();
	if (n == TTY_LEFT)
		return left_prompt(ctx);
	if (n < 0)
		return fail("selfhelp needs a new passphrase, and %s. A "
		            "passphrase file gives it.",
		            run_no_input() ? "--no-input says not to ask"
		                           : "there is no terminal to ask on"),
		       -1;
	if (n == 0)
		return fail("An empty passphrase would leave the vault open; "
		            "nothing was changed."),
		       -1;
	again = passphrase_alloc();
	if (!again)
		return fail("Out of memory."), -1;
	m = ask_tty("The same passphrase again: ", again);
	if (m == TTY_LEFT) {
		sodium_free(again);
		return left_prompt(ctx);
	}
	bool same = m == n && sodium_memcmp(buf, again, (size_t)n) == 0;
	sodium_free(again);
	if (!same)
		return fail("The two passphrases were not the same; nothing "
		            "was changed. Please try again."),
		       -1;
	if (strength_is_weak(buf))
		note("That passphrase may be easy to guess. A few more words "
		     "would make it stronger; it is your choice.");
	return n;
}

/*
 * The vault file was replaced while this command ran (a sync tool renamed
 * a newer version into place): vault_commit kept what was written here as
 * a conflict copy beside it. Close the old file, open the new one with
 * the same key, and merge the copy in now.
 */
static void
follow_replaced(struct cmd_ctx *ctx)
{
	struct vault *v = ctx->vault, *nv = NULL;
	unsigned char *master;
	char *path, *err = NULL;
	if (!v || !vault_replaced(v))
		return;
	if (!is_unlocked(v)) {
		note("Your sync tool put a newer copy of your vault in place "
		     "while this ran; what was written here is kept beside "
		     "it, and the next command that unlocks the vault merges "
		     "it in.");
		return;
	}
	master = sodium_malloc(CRYPTO_KEY_BYTES);
	path = strdup(vault_path(v));
	if (!master || !path || vault_copy_master(v, master) != 0) {
		sodium_free(master);
		free(path);
		return;
	}
	vault_free(v);
	ctx->vault = NULL;
	note("Your sync tool put a newer copy of your vault in place while "
	     "this ran; what was written here is kept.");
	if (vault_open(path, &nv, &err) == 0 &&
	    vault_unlock_master(nv, master) == 0)
		pick_up_copies(nv);
	ctx->vault = nv;
	sodium_free(master);
	free(path);
	free(err);
}

void
ctx_release(struct cmd_ctx *ctx)
{
	follow_replaced(ctx);
	vault_free(ctx->vault);
	ctx->vault = NULL;
}
