/* selfhelp backup: a consistent, still encrypted copy of the vault. */
#include "cmd.h"
#include "vault.h"

#include <stdlib.h>
#include <string.h>

static const char backup_help[] =
        "Copy your vault to FILE. The copy stays encrypted and opens with\n"
        "the same passphrase; making it needs no passphrase, and it is safe\n"
        "while selfhelp is writing elsewhere. FILE must not exist yet.\n"
        "\n"
        "To look into a backup:   selfhelp --vault FILE journal list\n"
        "To check one:            selfhelp --vault FILE check\n"
        "To use one as your vault, put it where the vault lives (see\n"
        "'selfhelp init --help').\n";

static int
cmd_backup(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct vault *v = NULL, *copy = NULL;
	struct opt_words w;
	char *err = NULL;
	int rc = opt_parse(argc, argv, NULL, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (w.n != 1)
		return usage_error(w.n ? "'backup' takes one file name."
		                       : "'backup' needs the name of the "
		                         "file to write.");
	const char *dest = w.v[0];
	if (strcmp(dest, "-") == 0)
		return usage_error("A backup is a file of its own; give its "
		                   "name. ('selfhelp export' writes to a "
		                   "pipe.)");
	/* Opening reads only the header: no passphrase, no unlock. */
	if (!(v = ctx_vault_locked(ctx)))
		return 1;
	if (vault_backup(v, dest)) {
		fail("%s", vault_errmsg(v));
		goto out;
	}
	/* Read the copy back: its header, and SQLite's own check. */
	if (vault_open(dest, &copy, &err) || vault_integrity_check(copy)) {
		fail("The copy at %s did not pass a check (%s); the vault "
		     "itself is unchanged.",
		     dest,
		     copy  ? vault_errmsg(copy)
		     : err ? err
		           : "unknown");
		goto out;
	}
	printf("Backed up to %s. It is encrypted and opens with your "
	       "passphrase.\n",
	       dest);
	rc = 0;
out:
	vault_free(copy); /* v belongs to ctx; main() closes it */
	free(err);
	return rc;
}

const struct command backup_command = {
        "backup",
        cmd_backup,
        "copy the encrypted vault to a file",
        .args = "FILE",
        .help = backup_help,
        .hint = HINT_FILES,
        .flags = CMD_GROUP_DATA,
};
