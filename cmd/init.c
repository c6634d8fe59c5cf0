/* selfhelp init: create the vault. */
#include "cmd.h"
#include "crypto.h"
#include "journal.h"
#include "output.h"
#include "record.h"
#include "strength.h"
#include "vault-open.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char init_help[] =
        "Create your private vault. It asks for a passphrase twice; "
        "everything\n"
        "you write is encrypted with it. Nothing ever leaves this machine.\n"
        "\n"
        "init also shows a recovery code, once. Write it down and keep it "
        "away\n"
        "from this computer: 'selfhelp recover' opens the vault with it if "
        "you\n"
        "forget your passphrase.\n"
        "\n"
        "The vault lives in $XDG_DATA_HOME/selfhelp/vault.db (or\n"
        "~/.local/share/selfhelp/vault.db); --vault PATH puts it elsewhere.\n"
        "If you forget the passphrase, what is in the vault cannot be read.\n";

struct init_opts {
	const char *kdf;
	bool no_recovery;
};

static const struct opt init_options[] = {
        {"kdf", 0, OPT_ENUM, offsetof(struct init_opts, kdf), "NAME",
         "how hard the passphrase is to guess by brute force:\n"
         "interactive (quick), moderate (default), sensitive\n"
         "(slowest, 1 GiB of memory while unlocking)",
         "interactive moderate sensitive",
         .bad = "--kdf can be interactive, moderate or sensitive."},
        {"no-recovery-code", 0, OPT_FLAG,
         offsetof(struct init_opts, no_recovery), NULL,
         .help = "make no recovery code (see above)"},
        {0},
};

static int
cmd_init(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct init_opts o = {.kdf = "moderate"};
	struct crypto_kdf_params kdf;
	struct vault *v = NULL;
	char *path = NULL, *pass = NULL, *code = NULL, *err = NULL;
	struct stat st;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	const char *kdf_name = o.kdf;
	bool recovery = !o.no_recovery;
	if (crypto_kdf_preset(kdf_name, &kdf) != 0)
		return usage_error("--kdf can be interactive, moderate or "
		                   "sensitive.");
	path = ctx_vault_path(ctx);
	if (!path)
		return fail("There is no HOME or XDG_DATA_HOME to put the "
		            "vault in; --vault PATH names a place.");
	if (lstat(path, &st) == 0) {
		fail("There is already a vault at %s; selfhelp leaves it as "
		     "it is.",
		     path);
		goto out;
	}
	pass = passphrase_alloc();
	code = passphrase_alloc();
	if (!pass || !code) {
		fail("Out of memory.");
		goto out;
	}
	int n = ctx_read_new_passphrase(ctx, ctx->passphrase_file, pass);
	if (n <= 0) {
		if (n == 0)
			fail("An empty passphrase would leave the vault open; "
			     "nothing was created.");
		goto out;
	}
	if (ctx->passphrase_file && strength_is_weak(pass))
		note("That passphrase may be easy to guess. A few more words "
		     "would make it stronger; it is your choice.");
	if (isatty(STDERR_FILENO))
		fprintf(stderr,
		        "Creating the vault (this takes a moment)...\n");
	if (vault_create(path, pass, (size_t)n, &kdf, &v, &err) != VAULT_OK) {
		fail("%s", err ? err : "Could not create the vault.");
		goto out;
	}
	vault_set_sort_key(v, record_sort_key);
	if (recovery) {
		char canon[2 * VAULT_RECOVERY_BYTES + 1];
		vault_recovery_code_new(code);
		vault_recovery_code_normalize(code, canon);
		int r = vault_begin(v) ||
		        vault_set_recovery(v, canon, strlen(canon));
		sodium_memzero(canon, sizeof(canon));
		if (r || vault_commit(v)) {
			vault_rollback(v);
			fail("The vault was created, but the recovery code "
			     "could "
			     "not be saved (%s)",
			     vault_errmsg(v));
			goto out;
		}
	}
	/* this computer now knows the vault's key and version */
	vault_pin(v);
	printf("Your vault is ready at %s.\n", path);
	if (recovery) {
		show_recovery_code(code, false);
	} else {
		printf("Keep your passphrase safe: without it, nothing in the "
		       "vault can be read.\n");
	}
	rc = 0;
out:
	vault_free(v);
	free(err);
	free(path);
	sodium_free(pass);
	sodium_free(code);
	return rc;
}

const struct command init_command = {
        "init",
        cmd_init,
        "create your encrypted vault",
        .opts = init_options,
        .help = init_help,
        .flags = CMD_GROUP_VAULT,
};
