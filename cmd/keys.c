/*
 * Keys for real life: unlock for a while, lock, status, change the
 * passphrase, and recover with the recovery code.
 */
#include "cmd.h"
#include "dates.h"
#include "keyring.h"
#include "pin.h"
#include "strength.h"
#include "vault.h"

#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { DEFAULT_UNLOCK_SECONDS = 15 * 60 };

static const char *const unlock_usage[] = {
        "selfhelp unlock [--for DURATION]",
        NULL,
};
static const char *const lock_usage[] = {"selfhelp lock", NULL};
static const char *const status_usage[] = {"selfhelp status", NULL};
static const char *const passwd_usage[] = {
        "selfhelp passwd [--rekey] [--new-passphrase-file FILE]",
        NULL,
};
static const char *const recovery_code_usage[] = {
        "selfhelp recovery-code [--new | --remove]",
        NULL,
};
static const char *const recover_usage[] = {
        "selfhelp recover [--recovery-code-file FILE] "
        "[--new-passphrase-file FILE]",
        NULL,
};

/* -h/--help and no other arguments; returns -1 to go on, else a status. */
static int
no_args(int argc, char **argv, const char *const *usage, const char *help)
{
	if (argc >= 2 && is_help_arg(argv[1])) {
		usage_print(usage, stdout);
		printf("\n%s", help);
		return 0;
	}
	if (argc > 1)
		return usage_error(usage, "'%s' takes no other words.",
		                   argv[0]);
	return -1;
}

int
cmd_unlock(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
	        {"for", required_argument, NULL, 'f'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	long seconds = DEFAULT_UNLOCK_SECONDS;
	char vid[VAULT_ID_HEX + 1], dur[64];
	unsigned char *master = NULL;
	struct vault *v;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (date_parse_duration(optarg, &seconds) != 0)
				return usage_error(unlock_usage,
				                   "--for takes a time like "
				                   "90s, 30m or 2h (at most "
				                   "7 days).");
			break;
		case 'h':
			usage_print(unlock_usage, stdout);
			printf("\nAsk for the passphrase once and remember the "
			       "vault's key for a while (default 15m),\nso "
			       "commands in this login session don't ask "
			       "again. 'selfhelp lock' forgets it\nat once, "
			       "in every login. The vault's key itself is "
			       "never written to disk\nnor kept in the "
			       "keyring: a key for this unlock only (in the "
			       "kernel keyring)\nopens a sealed copy kept in "
			       "memory ($XDG_RUNTIME_DIR).\n");
			return 0;
		default:
			return usage_error(unlock_usage,
			                   "That option is not one 'unlock' "
			                   "knows.");
		}
	}
	if (optind < argc)
		return usage_error(unlock_usage,
		                   "'unlock' takes no other words.");
	if (!(v = cmd_vault_ex(ctx, CMD_VAULT_NEED_PASSPHRASE)))
		return 1;
	master = sodium_malloc(CRYPTO_KEY_BYTES);
	if (!master || vault_copy_master(v, master) != VAULT_OK) {
		fail("Out of memory.");
		goto out;
	}
	vault_id_hex(v, vid);
	keyring_forget(vid);
	if (keyring_store(vid, master, (unsigned)seconds) != KEYRING_OK) {
		fail("This system has no kernel keyring (or no private "
		     "runtime folder) for selfhelp to use, so each command "
		     "will ask for the passphrase.");
		goto out;
	}
	date_format_duration(seconds, dur, sizeof(dur));
	printf("Unlocked for %s. 'selfhelp lock' locks it sooner.\n", dur);
	rc = 0;
out:
	sodium_free(master);
	return rc;
}

int
cmd_lock(int argc, char **argv, struct cmd_ctx *ctx)
{
	char vid[VAULT_ID_HEX + 1];
	struct vault *v;
	int rc = no_args(argc, argv, lock_usage,
	                 "Forget the key that 'selfhelp unlock' remembered, "
	                 "at once, in every login\nsession of yours.\n");
	if (rc >= 0)
		return rc;
	if (!(v = cmd_vault_locked(ctx)))
		return 1;
	vault_id_hex(v, vid);
	rc = keyring_forget(vid);
	if (rc == KEYRING_UNAVAILABLE)
		return fail("The kernel keyring could not be reached.");
	printf(rc == KEYRING_OK ? "Locked.\n" : "It was already locked.\n");
	return 0;
}

int
cmd_status(int argc, char **argv, struct cmd_ctx *ctx)
{
	char vid[VAULT_ID_HEX + 1], dur[64], target[PATH_NOTE_MAX] = "";
	struct vault *v;
	struct pin pin;
	size_t waiting = 0;
	time_t expires = 0;
	int rc = no_args(argc, argv, status_usage,
	                 "Whether the vault is locked or unlocked (and for "
	                 "how long), and how many\nrecords written while "
	                 "locked are waiting. Asks no passphrase.\n");
	if (rc >= 0)
		return rc;
	ctx->link_target = target;
	v = cmd_vault_locked(ctx);
	ctx->link_target = NULL;
	if (!v)
		return 1;
	if (target[0])
		printf("Vault: %s (a link to %s)\n", vault_path(v), target);
	else
		printf("Vault: %s\n", vault_path(v));
	vault_id_hex(v, vid);
	rc = keyring_status(vid, &expires);
	if (rc == KEYRING_OK || rc == KEYRING_ELSEWHERE) {
		long left = (long)(expires - time(NULL));
		date_format_duration(left > 0 ? left : 0, dur, sizeof(dur));
		if (rc == KEYRING_OK)
			printf("Unlocked for another %s.\n", dur);
		else
			printf("Unlocked in another login session for another "
			       "%s; 'selfhelp lock' locks it everywhere.\n",
			       dur);
	} else {
		printf("Locked.\n");
	}
	/* rows after what this computer last saw: written while locked */
	if (pin_load(vid, &pin) == PIN_OK &&
	    vault_rows_after(v, pin.high_water, &waiting) == VAULT_OK &&
	    waiting)
		printf("%zu new record%s waiting; %s added when you next "
		       "unlock.\n",
		       waiting, waiting == 1 ? "" : "s",
		       waiting == 1 ? "it is" : "they are");
	return 0;
}

/* Replace the passphrase of an unlocked vault; returns an exit status. */
static int
set_new_passphrase(struct cmd_ctx *ctx, struct vault *v, const char *file)
{
	char *pass = cmd_secret_alloc();
	int n, rc = 1;
	if (!pass)
		return fail("Out of memory.");
	n = cmd_read_new_passphrase(ctx, file, pass);
	if (n <= 0) {
		if (n == 0)
			fail("An empty passphrase would leave the vault open; "
			     "nothing was changed.");
		goto out;
	}
	if (file && strength_is_weak(pass))
		note("That passphrase may be easy to guess. A few more words "
		     "would make it stronger; it is your choice.");
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "Saving (this takes a moment)...\n");
	/* One transaction: a kill at any moment leaves the old or the new
	 * passphrase working, never neither. */
	if (vault_begin(v) || vault_set_passphrase(v, pass, (size_t)n, NULL) ||
	    vault_commit(v)) {
		vault_rollback(v);
		fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Your new passphrase is set; the old one no longer opens the "
	       "vault.\n");
	if (isatty(STDOUT_FILENO))
		printf("Someone who knew the old passphrase and kept an older "
		       "copy of the file can still\nread that copy. 'selfhelp "
		       "passwd --rekey' makes a new key, so nothing from now\n"
		       "on opens with anything old.\n");
	rc = 0;
out:
	sodium_free(pass);
	return rc;
}

/* Print a new recovery code the way init does. */
static void
show_recovery_code(const char *code)
{
	if (isatty(STDOUT_FILENO))
		printf("\nYour new recovery code opens the vault if you ever "
		       "forget your passphrase.\nWrite it down and keep it "
		       "somewhere safe, away from this computer.\nIt is "
		       "shown only this once; the old one no longer works.\n"
		       "\n");
	printf("Recovery code:\n%s\n", code);
}

/*
 * A new master key: every record encrypted again, a new passphrase slot,
 * and (when there was one) a new recovery code. Returns an exit status.
 */
static int
rekey(struct cmd_ctx *ctx, struct vault *v, const char *file)
{
	char *pass = cmd_secret_alloc(), *code = cmd_secret_alloc();
	char canon[2 * VAULT_RECOVERY_BYTES + 1], vid[VAULT_ID_HEX + 1];
	bool had_recovery = vault_has_recovery(v);
	int n, rc = 1;
	if (!pass || !code) {
		fail("Out of memory.");
		goto out;
	}
	n = cmd_read_new_passphrase(ctx, file, pass);
	if (n <= 0) {
		if (n == 0)
			fail("An empty passphrase would leave the vault open; "
			     "nothing was changed.");
		goto out;
	}
	if (file && strength_is_weak(pass))
		note("That passphrase may be easy to guess. A few more words "
		     "would make it stronger; it is your choice.");
	if (vault_begin(v) || vault_rekey(v, pass, (size_t)n, NULL)) {
		vault_rollback(v);
		fail("%s", vault_errmsg(v));
		goto out;
	}
	if (had_recovery) {
		vault_recovery_code_new(code);
		vault_recovery_code_normalize(code, canon);
		int r = vault_set_recovery(v, canon, strlen(canon));
		sodium_memzero(canon, sizeof(canon));
		if (r) {
			vault_rollback(v);
			fail("%s", vault_errmsg(v));
			goto out;
		}
	}
	if (vault_commit(v)) {
		fail("%s", vault_errmsg(v));
		goto out;
	}
	/* the old key may still be remembered: forget it everywhere */
	vault_id_hex(v, vid);
	keyring_forget(vid);
	printf("Your vault has a new key, and everything in it was encrypted "
	       "again with it. The\nold passphrase%s and the old key open "
	       "nothing written from now on.\n",
	       had_recovery ? ", the old recovery code" : "");
	if (had_recovery)
		show_recovery_code(code);
	rc = 0;
out:
	sodium_free(pass);
	sodium_free(code);
	return rc;
}

int
cmd_passwd(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
	        {"new-passphrase-file", required_argument, NULL, 'n'},
	        {"rekey", no_argument, NULL, 'r'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	const char *newfile = NULL;
	bool new_key = false;
	struct vault *v;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			newfile = optarg;
			break;
		case 'r':
			new_key = true;
			break;
		case 'h':
			usage_print(passwd_usage, stdout);
			printf("\nChange the passphrase: the old one first, "
			       "then the new one twice. Only the\nvault's "
			       "key is re-wrapped, so it takes the same short "
			       "time however much you\nhave written. For "
			       "scripts, the old passphrase comes from "
			       "--passphrase-file and\nthe new one from "
			       "--new-passphrase-file.\n\n"
			       "  --rekey   also make a new key for the vault "
			       "and encrypt everything again\n"
			       "            with it (and a new recovery code, "
			       "if you have one). Use it when\n"
			       "            someone may have learned your "
			       "passphrase or had the vault open:\n"
			       "            nothing old opens what is written "
			       "afterwards.\n");
			return 0;
		default:
			return usage_error(passwd_usage,
			                   "That option is not one 'passwd' "
			                   "knows.");
		}
	}
	if (optind < argc)
		return usage_error(passwd_usage,
		                   "'passwd' takes no other words.");
	if (!(v = cmd_vault_ex(ctx, CMD_VAULT_NEED_PASSPHRASE)))
		return 1;
	return new_key ? rekey(ctx, v, newfile)
	               : set_new_passphrase(ctx, v, newfile);
}

int
cmd_recovery_code(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
	        {"new", no_argument, NULL, 'n'},
	        {"remove", no_argument, NULL, 'r'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	char *code = NULL, canon[2 * VAULT_RECOVERY_BYTES + 1];
	int c, what = 0, rc = 1;
	struct vault *v;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'r':
			if (what && what != c)
				return usage_error(recovery_code_usage,
				                   "--new and --remove do not "
				                   "go together.");
			what = c;
			break;
		case 'h':
			usage_print(recovery_code_usage, stdout);
			printf("\nYour recovery code opens the vault if you "
			       "forget your passphrase. Without\noptions, say "
			       "whether the vault has one.\n\n"
			       "  --new      make a new recovery code (the old "
			       "one stops working) and show it\n"
			       "  --remove   remove the recovery code: only "
			       "your passphrase opens the vault\n");
			return 0;
		default:
			return usage_error(recovery_code_usage,
			                   "That option is not one "
			                   "'recovery-code' knows.");
		}
	}
	if (optind < argc)
		return usage_error(recovery_code_usage,
		                   "'recovery-code' takes no other words.");
	if (!what) {
		if (!(v = cmd_vault_locked(ctx)))
			return 1;
		printf(vault_has_recovery(v)
		               ? "This vault has a recovery code. 'selfhelp "
		                 "recovery-code --new' replaces it.\n"
		               : "This vault has no recovery code. 'selfhelp "
		                 "recovery-code --new' makes one.\n");
		return 0;
	}
	/* the passphrase itself: a remembered key is not enough */
	if (!(v = cmd_vault_ex(ctx, CMD_VAULT_NEED_PASSPHRASE)))
		return 1;
	if (what == 'r') {
		if (!vault_has_recovery(v)) {
			printf("This vault has no recovery code; nothing was "
			       "changed.\n");
			return 0;
		}
		if (vault_begin(v) || vault_remove_recovery(v) ||
		    vault_commit(v)) {
			vault_rollback(v);
			return fail("%s", vault_errmsg(v));
		}
		printf("The recovery code was removed; only your passphrase "
		       "opens the vault now.\n");
		return 0;
	}
	if (!(code = cmd_secret_alloc()))
		return fail("Out of memory.");
	vault_recovery_code_new(code);
	vault_recovery_code_normalize(code, canon);
	if (vault_begin(v) || vault_set_recovery(v, canon, strlen(canon)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		fail("%s", vault_errmsg(v));
	} else {
		show_recovery_code(code);
		rc = 0;
	}
	sodium_memzero(canon, sizeof(canon));
	sodium_free(code);
	return rc;
}

/* The recovery code from a file's first line or the terminal. */
static int
read_code(struct cmd_ctx *ctx, const char *file, char *canon)
{
	char *raw = cmd_secret_alloc();
	int n, rc = 1;
	if (!raw)
		return fail("Out of memory.");
	if (file) {
		struct cmd_ctx tmp = *ctx;
		tmp.passphrase_file = file;
		n = cmd_read_passphrase(&tmp, "", raw);
	} else {
		struct cmd_ctx tmp = *ctx;
		tmp.passphrase_file = NULL;
		n = cmd_read_passphrase(&tmp, "Recovery code: ", raw);
	}
	if (n < 0)
		goto out;
	if (vault_recovery_code_normalize(raw, canon) != 0) {
		fail("That does not look like a recovery code: it has 32 "
		     "letters and digits (a-f, 0-9), in groups of four.");
		goto out;
	}
	rc = 0;
out:
	sodium_free(raw);
	return rc;
}

int
cmd_recover(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
	        {"recovery-code-file", required_argument, NULL, 'r'},
	        {"new-passphrase-file", required_argument, NULL, 'n'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	const char *codefile = NULL, *newfile = NULL;
	char *canon = NULL;
	struct vault *v;
	int c, rc = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			codefile = optarg;
			break;
		case 'n':
			newfile = optarg;
			break;
		case 'h':
			usage_print(recover_usage, stdout);
			printf("\nForgot your passphrase? Open the vault with "
			       "the recovery code that 'selfhelp\ninit' "
			       "showed, and set a new passphrase. Nothing "
			       "in the vault is lost.\n");
			return 0;
		default:
			return usage_error(recover_usage,
			                   "That option is not one 'recover' "
			                   "knows.");
		}
	}
	if (optind < argc)
		return usage_error(recover_usage,
		                   "'recover' takes no other words.");
	if (!(v = cmd_vault_locked(ctx)))
		return 1;
	canon = cmd_secret_alloc();
	if (!canon)
		return fail("Out of memory.");
	if (read_code(ctx, codefile, canon))
		goto out;
	int r = vault_unlock_recovery(v, canon, strlen(canon));
	if (r == VAULT_NOT_FOUND) {
		fail("This vault was made without a recovery code, so it can "
		     "only be opened with its passphrase.");
		goto out;
	}
	if (r) {
		fail("%s", vault_errmsg(v));
		goto out;
	}
	rc = set_new_passphrase(ctx, v, newfile);
out:
	sodium_free(canon);
	return rc;
}
