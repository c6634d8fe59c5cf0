/* selfhelp backup: a consistent, still encrypted copy of the vault. */
#include "cmd.h"
#include "outfile.h"
#include "vault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char backup_help[] =
        "Copy your vault to FILE. The copy stays encrypted and opens with\n"
        "the same passphrase; making it needs no passphrase, and it is safe\n"
        "while selfhelp is writing elsewhere. FILE must not exist yet\n"
        "(--force replaces a file that is there).\n"
        "\n"
        "To look into a backup:   selfhelp --vault FILE journal list\n"
        "To check one:            selfhelp --vault FILE check\n"
        "To use one as your vault, put it where the vault lives (see\n"
        "'selfhelp init --help').\n";

struct backup_opts {
	bool force;
};

static const struct opt backup_options[] = {
        {"force", 0, OPT_FLAG, offsetof(struct backup_opts, force), NULL,
         .help = "replace FILE if it is there already (a file\n"
                 "or link, nothing else)"},
        {0},
};

/*
 * May the backup go to `dest`? Checked before anything is opened or
 * written: never the vault itself, never into a folder that is not there
 * ("DIR/"), never over a folder or anything but a file or link, and over
 * a file or link only with --force. Returns 0, or 1 after a message.
 */
static int
check_dest(struct cmd_ctx *ctx, const char *dest, bool force)
{
	size_t len = strlen(dest);
	struct stat st;
	char *vault = ctx_vault_path(ctx);
	bool same = outfile_is_vault(vault, dest);
	free(vault);
	if (same)
		return fail("%s is the vault itself; a backup goes to a file "
		            "of its own.",
		            dest);
	if (lstat(dest, &st) != 0) {
		if (len && dest[len - 1] == '/')
			return fail("There is no folder %s, so nothing was "
			            "written. A backup is a file: give its "
			            "name, in a folder that is there.",
			            dest);
		return 0; /* a new file */
	}
	if (S_ISDIR(st.st_mode))
		return fail("%s is a folder; a backup is a file of its own. "
		            "Give its name, like %s%sselfhelp-backup.db.",
		            dest, dest, len && dest[len - 1] == '/' ? "" : "/");
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return fail("%s is not a file selfhelp can write a backup to.",
		            dest);
	if (!force)
		return fail("There is already a file at %s; selfhelp leaves it "
		            "as it is (--force replaces it).",
		            dest);
	return 0;
}

/* Read the copy at `path` back: its header, and SQLite's own check.
 * `dest` is the name the person gave. Returns 0, or 1 after a message. */
static int
check_copy(const char *path, const char *dest)
{
	struct vault *copy = NULL;
	char *err = NULL;
	int rc = 0;
	if (vault_open(path, &copy, &err) || vault_integrity_check(copy))
		rc = fail("The copy at %s did not pass a check (%s); the "
		          "vault itself is unchanged.",
		          dest,
		          copy  ? vault_errmsg(copy)
		          : err ? err
		                : "unknown");
	vault_free(copy);
	free(err);
	return rc;
}

/* --force: the copy is made in a new file beside `dest`, checked, and
 * only then renamed over it, so a failed copy leaves the old file. */
static int
backup_replace(struct vault *v, const char *dest)
{
	struct outfile f;
	if (outfile_begin(&f, dest) != 0)
		return fail("Could not create a file beside %s (%s); nothing "
		            "was written.",
		            dest, strerror(errno));
	if (vault_backup_into(v, f.tmp)) {
		outfile_abort(&f);
		return fail("%s", vault_errmsg(v));
	}
	if (check_copy(f.tmp, dest)) {
		outfile_abort(&f);
		return 1;
	}
	if (outfile_commit(&f, OUTFILE_SYNC) != 0)
		return fail("Could not put the copy in place at %s (%s); the "
		            "file there is as it was.",
		            dest, strerror(errno));
	return 0;
}

static int
cmd_backup(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct backup_opts o = {0};
	struct vault *v = NULL;
	struct opt_words w;
	int rc = opt_parse(argc, argv, &o, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (w.n != 1)
		return usage_error(w.n ? "'backup' takes one file name."
		                       : "'backup' needs the name of the "
		                         "file to write.");
	const char *dest = w.v[0];
	if (strcmp(dest, "-") == 0)
		return usage_error("A backup is a file of its own; give its "
		                   "name. ('selfhelp export' writes to a "
		                   "pipe.)");
	if (check_dest(ctx, dest, o.force))
		return 1;
	/* Opening reads only the header: no passphrase, no unlock. */
	if (!(v = ctx_vault_locked(ctx)))
		return 1;
	if (o.force) {
		if (backup_replace(v, dest))
			return 1;
	} else {
		if (vault_backup(v, dest)) /* a new file, O_EXCL */
			return fail("%s", vault_errmsg(v));
		if (check_copy(dest, dest)) {
			unlink(dest); /* ours, made above: not a copy */
			return 1;
		}
	}
	printf("Backed up to %s. It is encrypted and opens with your "
	       "passphrase.\n",
	       dest);
	return 0; /* v belongs to ctx; main() closes it */
}

const struct command backup_command = {
        "backup",
        cmd_backup,
        "copy the encrypted vault to a file",
        .args = "FILE",
        .opts = backup_options,
        .help = backup_help,
        .hint = HINT_FILES,
        .flags = CMD_GROUP_DATA,
};
