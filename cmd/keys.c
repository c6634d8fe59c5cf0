/*
 * Keys for real life: unlock for a while, lock, status, change the
 * passphrase, and recover with the recovery code.
 */
#include "cmd.h"
#include "dates.h"
#include "keyring.h"
#include "output.h"
#include "pin.h"
#include "strength.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { DEFAULT_UNLOCK_SECONDS = 15 * 60 };

static const char unlock_help[] =
        "Ask for the passphrase once and remember the vault's key for a while\n"
        "(default 15m), so commands in this login session don't ask again.\n"
        "'selfhelp lock' forgets it at once, in every login. The vault's key\n"
        "itself is never written to disk nor kept in the keyring: a key for\n"
        "this unlock only (in the kernel keyring) opens a sealed copy kept in\n"
        "memory ($XDG_RUNTIME_DIR).\n";

static const char passwd_help[] =
        "Change the passphrase: the old one first, then the new one twice.\n"
        "Only the vault's key is re-wrapped, so it takes the same short time\n"
        "however much you have written. For scripts, the old passphrase comes\n"
        "from --passphrase-file and the new one from --new-passphrase-file.\n";

/* The options of unlock, passwd, recovery-code and recover. */
struct kopts {
	const char *duration, *new_file, *code_file;
	bool rekey, new_code, remove;
};

#define O(f) offsetof(struct kopts, f)
static const struct opt unlock_options[] = {
        {"for", 0, OPT_STRING, O(duration), "DURATION",
         .help = "how long, like 90s, 30m or 2h (at most 7 days)"},
        {0},
};
static const struct opt passwd_options[] = {
        {"rekey", 0, OPT_FLAG, O(rekey), NULL,
         .help = "also make a new key for the vault and encrypt everything\n"
                 "again with it (and a new recovery code, if you have one).\n"
                 "Use it when someone may have learned your passphrase or\n"
                 "had the vault open: nothing old opens what is written\n"
                 "afterwards."},
        {"new-passphrase-file", 0, OPT_STRING, O(new_file), "FILE",
         "read the new passphrase from FILE ('-': standard input)",
         .hint = HINT_FILES},
        {0},
};
static const struct opt recovery_code_options[] = {
        {"new", 0, OPT_FLAG, O(new_code), NULL,
         .help = "make a new recovery code (the old one stops working)\n"
                 "and show it"},
        {"remove", 0, OPT_FLAG, O(remove), NULL,
         .help = "remove the recovery code: only your passphrase opens\n"
                 "the vault"},
        {0},
};
static const struct opt recover_options[] = {
        {"recovery-code-file", 0, OPT_STRING, O(code_file), "FILE",
         "read the recovery code from FILE", .hint = HINT_FILES},
        {"new-passphrase-file", 0, OPT_STRING, O(new_file), "FILE",
         "read the new passphrase from FILE", .hint = HINT_FILES},
        {0},
};
#undef O

static int
cmd_unlock(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kopts o = {0};
	long seconds = DEFAULT_UNLOCK_SECONDS;
	char vid[VAULT_ID_HEX + 1], dur[64];
	unsigned char *master = NULL;
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (o.duration && date_parse_duration(o.duration, &seconds) != 0)
		return usage_error("--for takes a time like 90s, 30m or 2h (at "
		                   "most 7 days).");
	if (!(v = ctx_vault_ex(ctx, CTX_NEED_PASSPHRASE)))
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

static int
cmd_lock(int argc, char **argv, struct cmd_ctx *ctx)
{
	char vid[VAULT_ID_HEX + 1];
	struct vault *v;
	int rc = opt_parse(argc, argv, NULL, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!(v = ctx_vault_locked(ctx)))
		return 1;
	vault_id_hex(v, vid);
	rc = keyring_forget(vid);
	if (rc == KEYRING_UNAVAILABLE)
		return fail("The kernel keyring could not be reached.");
	printf(rc == KEYRING_OK ? "Locked.\n" : "It was already locked.\n");
	return 0;
}

static int
cmd_status(int argc, char **argv, struct cmd_ctx *ctx)
{
	char vid[VAULT_ID_HEX + 1], dur[64], target[PATH_NOTE_MAX] = "";
	struct vault *v;
	struct pin pin;
	size_t waiting = 0;
	time_t expires = 0;
	int rc = opt_parse(argc, argv, NULL, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	ctx->link_target = target;
	v = ctx_vault_locked(ctx);
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
	char *pass = passphrase_alloc();
	int n, rc = 1;
	if (!pass)
		return fail("Out of memory.");
	n = ctx_read_new_passphrase(ctx, file, pass);
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

/*
 * A new master key: every record encrypted again, a new passphrase slot,
 * and (when there was one) a new recovery code. Returns an exit status.
 */
static int
rekey(struct cmd_ctx *ctx, struct vault *v, const char *file)
{
	char *pass = passphrase_alloc(), *code = passphrase_alloc();
	char canon[2 * VAULT_RECOVERY_BYTES + 1], vid[VAULT_ID_HEX + 1];
	bool had_recovery = vault_has_recovery(v);
	int n, rc = 1;
	if (!pass || !code) {
		fail("Out of memory.");
		goto out;
	}
	n = ctx_read_new_passphrase(ctx, file, pass);
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
		show_recovery_code(code, true);
	rc = 0;
out:
	sodium_free(pass);
	sodium_free(code);
	return rc;
}

static int
cmd_passwd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kopts o = {0};
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	const char *newfile = o.new_file;
	bool new_key = o.rekey;
	if (!(v = ctx_vault_ex(ctx, CTX_NEED_PASSPHRASE)))
		return 1;
	return new_key ? rekey(ctx, v, newfile)
	               : set_new_passphrase(ctx, v, newfile);
}

static int
cmd_recovery_code(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kopts o = {0};
	char *code = NULL, canon[2 * VAULT_RECOVERY_BYTES + 1];
	int what, rc = opt_parse(argc, argv, &o, NULL);
	struct vault *v;
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (o.new_code && o.remove)
		return usage_error("--new and --remove do not go together.");
	what = o.new_code ? 'n' : o.remove ? 'r' : 0;
	if (!what) {
		if (!(v = ctx_vault_locked(ctx)))
			return 1;
		printf(vault_has_recovery(v)
		               ? "This vault has a recovery code. 'selfhelp "
		                 "recovery-code --new' replaces it.\n"
		               : "This vault has no recovery code. 'selfhelp "
		                 "recovery-code --new' makes one.\n");
		return 0;
	}
	/* the passphrase itself: a remembered key is not enough */
	if (!(v = ctx_vault_ex(ctx, CTX_NEED_PASSPHRASE)))
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
	if (!(code = passphrase_alloc()))
		return fail("Out of memory.");
	vault_recovery_code_new(code);
	vault_recovery_code_normalize(code, canon);
	if (vault_begin(v) || vault_set_recovery(v, canon, strlen(canon)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		fail("%s", vault_errmsg(v));
	} else {
		show_recovery_code(code, true);
		rc = 0;
	}
	sodium_memzero(canon, sizeof(canon));
	sodium_free(code);
	return rc;
}

enum { RECOVER_TRIES = 3 };

/* Say what looks wrong in a code as typed (see vault_code_check). */
static void
say_code_problem(const char *typed)
{
	struct vault_code_check c;
	switch (vault_recovery_code_check(typed, &c)) {
	case VAULT_CODE_EMPTY:
		fail("Nothing was typed. The recovery code is eight groups of "
		     "four letters and digits.");
		break;
	case VAULT_CODE_BAD_CHAR:
		fail("Group %u of that code has a character recovery codes "
		     "do not use: they have only the digits 0-9 and the "
		     "letters a-f (an o is a zero).",
		     c.group);
		break;
	case VAULT_CODE_GROUP_LEN:
		fail("Group %u of that code has %u character%s; each group "
		     "has four.",
		     c.group, c.count, c.count == 1 ? "" : "s");
		break;
	case VAULT_CODE_GROUPS:
		fail("That code has %u group%s; a recovery code has eight "
		     "groups of four.",
		     c.count, c.count == 1 ? "" : "s");
		break;
	case VAULT_CODE_LENGTH:
		fail("That code has %u letters and digits; a recovery code has "
		     "32 (eight groups of four).",
		     c.count);
		break;
	default:
		fail("That does not look like a recovery code: it has 32 "
		     "letters and digits (a-f, 0-9), in groups of four.");
		break;
	}
}

/*
 * The recovery code from a file's first line or the terminal, in its
 * canonical form. Dashes, spaces and case do not matter. Returns 0, 1
 * after saying what looks wrong in it (another try may help), or -1
 * after a message when there is no code to be had.
 */
static int
read_code(struct cmd_ctx *ctx, const char *file, char *canon)
{
	char *raw = passphrase_alloc();
	const char *saved = ctx->passphrase_file;
	int n, rc = 1;
	if (!raw)
		return fail("Out of memory."), -1;
	if (!file && (run_no_input() || !ctx_have_terminal())) {
		sodium_free(raw);
		return fail("selfhelp needs the recovery code, and %s. "
		            "--recovery-code-file FILE gives it.",
		            run_no_input() ? "--no-input says not to ask"
		                           : "there is no terminal to ask on"),
		       -1;
	}
	/* the code, not the passphrase: from its own file or the terminal */
	ctx->passphrase_file = file;
	n = ctx_read_passphrase(ctx, file ? "" : "Recovery code: ", raw);
	ctx->passphrase_file = saved;
	if (n < 0) {
		rc = -1;
		goto out;
	}
	if (vault_recovery_code_normalize(raw, canon) != 0) {
		say_code_problem(raw);
		goto out;
	}
	rc = 0;
out:
	sodium_free(raw);
	return rc;
}

static int
cmd_recover(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct kopts o = {0};
	const char *codefile, *newfile;
	char *canon = NULL;
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	codefile = o.code_file;
	newfile = o.new_file;
	if (!(v = ctx_vault_locked(ctx)))
		return 1;
	if (!vault_has_recovery(v))
		return fail("This vault was made without a recovery code, so "
		            "it can only be opened with its passphrase.");
	canon = passphrase_alloc();
	if (!canon)
		return fail("Out of memory.");
	/* typed on the terminal: three tries, as for a passphrase */
	int tries = codefile ? 1 : RECOVER_TRIES, r = VAULT_BAD_PASSPHRASE;
	for (int i = 1; i <= tries; i++) {
		int got = read_code(ctx, codefile, canon);
		if (got < 0)
			goto out;
		if (got == 0) {
			r = vault_unlock_recovery(v, canon, strlen(canon));
			sodium_memzero(canon, 2 * VAULT_RECOVERY_BYTES + 1);
			if (r != VAULT_BAD_PASSPHRASE)
				break;
			fail("That recovery code doesn't open this vault. "
			     "Check each group against what you wrote "
			     "down.");
		}
		if (i < tries)
			fprintf(stderr, "Please try again.\n");
	}
	if (r == VAULT_NOT_FOUND) {
		fail("This vault was made without a recovery code, so it can "
		     "only be opened with its passphrase.");
		goto out;
	}
	if (r) {
		if (r != VAULT_BAD_PASSPHRASE)
			fail("%s", vault_errmsg(v));
		goto out;
	}
	rc = set_new_passphrase(ctx, v, newfile);
out:
	sodium_free(canon);
	return rc;
}

const struct command unlock_command = {
        "unlock",
        cmd_unlock,
        "remember the key for a while (no more asking)",
        .opts = unlock_options,
        .help = unlock_help,
        .flags = CMD_GROUP_VAULT,
};

const struct command lock_command = {
        "lock",
        cmd_lock,
        "forget the remembered key now",
        .help = "Forget the key that 'selfhelp unlock' remembered, at once, "
                "in every login\nsession of yours.\n",
        .flags = CMD_GROUP_VAULT,
};

const struct command status_command = {
        "status",
        cmd_status,
        "locked or unlocked, and what is waiting",
        .help = "Whether the vault is locked or unlocked (and for how "
                "long), and how many\nrecords written while locked are "
                "waiting. Asks no passphrase.\n",
        .flags = CMD_GROUP_VAULT,
};

const struct command passwd_command = {
        "passwd",
        cmd_passwd,
        "change the passphrase",
        .opts = passwd_options,
        .help = passwd_help,
        .flags = CMD_GROUP_VAULT,
};

const struct command recover_command = {
        "recover",
        cmd_recover,
        "set a new passphrase with the recovery code",
        .opts = recover_options,
        .help = "Forgot your passphrase? Open the vault with the recovery "
                "code that 'selfhelp\ninit' showed, and set a new "
                "passphrase. Nothing in the vault is lost.\n",
        .flags = CMD_GROUP_VAULT,
};

const struct command recovery_code_command = {
        "recovery-code",
        cmd_recovery_code,
        "make a new recovery code, or remove it",
        .opts = recovery_code_options,
        .help = "Your recovery code opens the vault if you forget your "
                "passphrase. Without\noptions, say whether the vault has "
                "one.\n",
        .flags = CMD_GROUP_VAULT,
};
