/*
 * Opening the vault for a command: the passphrase from a file, stdin or
 * the terminal (without echo), and closing it in one place (main).
 */
#include "cmd.h"
#include "journal.h"
#include "keyring.h"
#include "strength.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum { PASS_MAX = 1024, TTY_TRIES = 3, TTY_TOO_LONG = -2 };

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

/*
 * Ask on the terminal without echo. Returns the length, -1 when there is
 * no terminal, or TTY_TOO_LONG (buf wiped) when the answer is longer than
 * selfhelp takes. buf is PASS_MAX bytes of guarded memory.
 */
static int
ask_tty(const char *prompt, char *buf)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios t;
	struct sigaction sa = {0}, old_int, old_term, old_hup;
	size_t n = 0;
	bool too_long = false;
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
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	tcsetattr(fd, TCSAFLUSH, &t);
	ssize_t w = write(fd, prompt, strlen(prompt));
	(void)w;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < PASS_MAX - 1)
			buf[n++] = c;
		else if (c != '\r')
			too_long = true;
	}
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &saved_tty);
	tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	close(fd);
	if (too_long) {
		/* Cutting it short silently would make a different
		 * passphrase. */
		sodium_memzero(buf, PASS_MAX);
		return TTY_TOO_LONG;
	}
	return (int)chomp(buf, n);
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
 * The first line of `path` ("-": stdin) into buf. Returns its length, or
 * -1 after printing a message.
 */
static int
read_pass_file(const char *path, char *buf)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	size_t n = 0;
	bool too_long = false;
	int c;
	if (!f)
		return fail("Could not read the passphrase file %s (%s).", path,
		            strerror(errno)),
		       -1;
	/* Unbuffered reads from stdin: the rest may be an entry's text. */
	while ((c = getc(f)) != EOF && c != '\n') {
		if (n < PASS_MAX - 1)
			buf[n++] = (char)c;
		else if (c != '\r')
			too_long = true;
	}
	buf[n] = '\0';
	if (f != stdin)
		fclose(f);
	/* Cutting it short silently would make a different passphrase. */
	if (too_long) {
		sodium_memzero(buf, PASS_MAX);
		return fail("The passphrase in %s is longer than the %d bytes "
		            "selfhelp takes, so it was not used.",
		            strcmp(path, "-") == 0 ? "(stdin)" : path,
		            PASS_MAX - 1),
		       -1;
	}
	n = chomp(buf, n);
	if (n == 0)
		return fail("The passphrase file %s has no passphrase on its "
		            "first line.",
		            strcmp(path, "-") == 0 ? "(stdin)" : path),
		       -1;
	return (int)n;
}

char *
cmd_vault_path(struct cmd_ctx *ctx)
{
	if (ctx->vault_path)
		return strdup(ctx->vault_path);
	return vault_default_path();
}

int
cmd_read_passphrase(struct cmd_ctx *ctx, const char *prompt, char *buf)
{
	if (ctx->passphrase_file)
		return read_pass_file(ctx->passphrase_file, buf);
	int n = ask_tty(prompt, buf);
	if (n == TTY_TOO_LONG)
		return too_long_typed();
	if (n < 0)
		return fail("selfhelp needs the vault's passphrase, and there "
		            "is no terminal to ask on. --passphrase-file "
		            "FILE gives it."),
		       -1;
	return n;
}

char *
cmd_secret_alloc(void)
{
	char *p = sodium_malloc(PASS_MAX);
	if (p)
		p[0] = '\0';
	return p;
}

static void
report_sealed_damage(void *arg, const char *id)
{
	(void)arg;
	note("A record written while the vault was locked (%s) could not be "
	     "read: it is damaged. It was kept aside, not deleted.",
	     id);
}

/* Fold records written while locked into ordinary ones. */
static void
fold_sealed(struct vault *v)
{
	size_t n = 0;
	if (vault_fold_sealed(v, &n, report_sealed_damage, NULL) != VAULT_OK)
		note("The records written while the vault was locked could "
		     "not be added yet (%s) They are still waiting.",
		     vault_errmsg(v));
}

static struct vault *
open_vault(struct cmd_ctx *ctx)
{
	struct vault *v = NULL;
	char *err = NULL, *path = cmd_vault_path(ctx);
	if (!path) {
		fail("There is no HOME or XDG_DATA_HOME to find the vault in; "
		     "--vault PATH names it.");
		return NULL;
	}
	int rc = vault_open(path, &v, &err);
	free(path);
	if (rc) {
		fail("%s", err ? err : "Could not open the vault.");
		free(err);
		return NULL;
	}
	vault_set_sort_key(v, journal_sort_key);
	return v;
}

struct vault *
cmd_vault_locked(struct cmd_ctx *ctx)
{
	if (!ctx->vault)
		ctx->vault = open_vault(ctx);
	return ctx->vault;
}

/* Unlock with the key remembered by `selfhelp unlock`, if any. */
static bool
unlock_from_keyring(struct vault *v)
{
	char vid[VAULT_ID_HEX + 1];
	unsigned char *master = sodium_malloc(CRYPTO_KEY_BYTES);
	bool ok = false;
	if (!master)
		return false;
	vault_id_hex(v, vid);
	if (keyring_load(vid, master, NULL) == KEYRING_OK) {
		ok = vault_unlock_master(v, master) == VAULT_OK;
		if (!ok)
			keyring_forget(vid); /* stale: not this vault's key */
	}
	sodium_free(master);
	return ok;
}

static int
unlock_with_passphrase(struct cmd_ctx *ctx, struct vault *v)
{
	char *pass = cmd_secret_alloc();
	int rc = VAULT_ERROR;
	if (!pass) {
		fail("Out of memory.");
		return rc;
	}
	int tries = ctx->passphrase_file ? 1 : TTY_TRIES;
	for (int i = 0; i < tries; i++) {
		int n = cmd_read_passphrase(ctx, "Passphrase: ", pass);
		if (n < 0) {
			rc = VAULT_ERROR;
			sodium_free(pass);
			return rc;
		}
		rc = vault_unlock(v, pass, (size_t)n);
		sodium_memzero(pass, PASS_MAX);
		if (rc != VAULT_BAD_PASSPHRASE)
			break;
		if (i + 1 < tries)
			fprintf(stderr, "That passphrase doesn't open this "
			                "vault. Please try again.\n");
	}
	sodium_free(pass);
	if (rc)
		fail("%s", vault_errmsg(v));
	return rc;
}

struct vault *
cmd_vault_ex(struct cmd_ctx *ctx, unsigned flags)
{
	struct vault *v = cmd_vault_locked(ctx);
	if (!v)
		return NULL;
	if (vault_copy_master(v, NULL) != VAULT_LOCKED)
		return v;
	/* An explicit passphrase file wins: it may be stdin, whose next
	 * lines are an entry's text. */
	bool unlocked = !(flags & CMD_VAULT_NEED_PASSPHRASE) &&
	                !ctx->passphrase_file && unlock_from_keyring(v);
	if (!unlocked && unlock_with_passphrase(ctx, v) != VAULT_OK) {
		vault_free(v);
		ctx->vault = NULL;
		return NULL;
	}
	fold_sealed(v);
	return v;
}

struct vault *
cmd_vault(struct cmd_ctx *ctx)
{
	return cmd_vault_ex(ctx, 0);
}

struct vault *
cmd_vault_for_write(struct cmd_ctx *ctx, bool *sealed)
{
	*sealed = false;
	if (ctx->passphrase_file)
		return cmd_vault(ctx);
	struct vault *v = cmd_vault_locked(ctx);
	if (!v)
		return NULL;
	if (vault_copy_master(v, NULL) != VAULT_LOCKED ||
	    unlock_from_keyring(v)) {
		fold_sealed(v);
		return v;
	}
	*sealed = true;
	return v;
}

int
cmd_read_new_passphrase(struct cmd_ctx *ctx, const char *file, char *buf)
{
	char *again;
	int n, m;
	if (file)
		return read_pass_file(file, buf);
	n = ask_tty("New passphrase: ", buf);
	if (n == TTY_TOO_LONG)
		return too_long_typed();
	if (n < 0)
		return fail("selfhelp needs a new passphrase, and there is no "
		            "terminal to ask on. A passphrase file gives it."),
		       -1;
	if (n == 0)
		return fail("An empty passphrase would leave the vault open; "
		            "nothing was changed."),
		       -1;
	again = cmd_secret_alloc();
	if (!again)
		return fail("Out of memory."), -1;
	m = ask_tty("The same passphrase again: ", again);
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

void
cmd_ctx_release(struct cmd_ctx *ctx)
{
	vault_free(ctx->vault);
	ctx->vault = NULL;
}
