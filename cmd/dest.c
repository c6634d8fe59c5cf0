/* Where a clear-text export or report goes (see dest.h). */
#include "dest.h"

#include "cmd.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { DEST_BUF_BYTES = 8192 };

/* Is `path` the vault or one of its -wal/-shm files? (--force must never
 * replace the encrypted vault with its contents in clear.) */
static bool
is_vault_file(struct cmd_ctx *ctx, const char *path)
{
	char *vault = ctx_vault_path(ctx);
	bool same = outfile_is_vault(vault, path);
	free(vault);
	return same;
}

/* May what lstat() found at path be written, with these flags? */
static int
check_existing(const char *path, const struct stat *st, unsigned flags,
               const char *what)
{
	if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
		if (flags & DEST_FORCE)
			return 0;
		return fail("There is already a file at %s; selfhelp leaves "
		            "it as it is (--force replaces it).",
		            path);
	}
	if (!S_ISFIFO(st->st_mode) && !S_ISCHR(st->st_mode))
		return fail("%s is not a file selfhelp can write the %s to.",
		            path, what);
	const char *thing = S_ISFIFO(st->st_mode) ? "a named pipe" : "a device";
	if (!(flags & DEST_TO_PIPE))
		return fail("%s is %s; selfhelp writes the %s into one only "
		            "with --to-pipe%s.",
		            path, thing, what,
		            flags & DEST_FORCE
		                    ? " (--force replaces files only)"
		                    : "");
	if (st->st_uid != geteuid())
		return fail("%s is %s that belongs to someone else; selfhelp "
		            "does not write the %s into it.",
		            path, thing, what);
	return 0;
}

int
dest_check(struct cmd_ctx *ctx, const char *path, unsigned flags,
           const char *what)
{
	struct stat st;
	if (is_vault_file(ctx, path))
		return fail("%s is the vault itself; the %s goes to a file of "
		            "its own.",
		            path, what);
	if (lstat(path, &st) != 0)
		return 0; /* nothing there yet: a new file */
	return check_existing(path, &st, flags, what);
}

/* A named pipe or device, with --to-pipe: checked again once open, as
 * the path may have changed since dest_check(). */
static int
open_device(struct dest *d, const struct stat *st, unsigned flags)
{
	int rc = check_existing(d->path, st, flags, d->what), fd;
	struct stat now;
	if (rc)
		return -1;
	fd = open(d->path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		fail("Could not write to %s (%s).", d->path, strerror(errno));
		return -1;
	}
	if (isatty(fd)) {
		close(fd);
		fail("%s is a terminal; selfhelp never shows the %s on the "
		     "screen.",
		     d->path, d->what);
		return -1;
	}
	if (fstat(fd, &now) != 0 ||
	    !(S_ISFIFO(now.st_mode) || S_ISCHR(now.st_mode)) ||
	    now.st_uid != geteuid()) {
		close(fd);
		fail("%s changed while selfhelp opened it; nothing was "
		     "written.",
		     d->path);
		return -1;
	}
	return fd;
}

/* Standard output: a regular file of ours there (a shell redirect) is
 * made 0600 first, like a file written with --output. */
static void
stdout_private(void)
{
	struct stat st;
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 077))
		fchmod(STDOUT_FILENO, 0600);
}

/* Close the stream (not standard output) and wipe its buffer. */
static int
dest_close(struct dest *d)
{
	int rc = 0;
	if (d->kind != DEST_STDOUT && d->fp)
		rc = fclose(d->fp);
	d->fp = NULL;
	if (d->buf) {
		sodium_memzero(d->buf, DEST_BUF_BYTES);
		free(d->buf);
		d->buf = NULL;
	}
	return rc;
}

int
dest_open(struct dest *d, const char *path, unsigned flags, const char *what)
{
	struct stat st;
	int fd;
	memset(d, 0, sizeof(*d));
	d->out.fd = -1;
	d->path = path;
	d->what = what;
	if (!path) {
		d->kind = DEST_STDOUT;
		d->fp = stdout;
		stdout_private();
		return 0;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		d->kind = DEST_DEVICE;
		if ((fd = open_device(d, &st, flags)) < 0)
			return 1;
	} else if (!(flags & DEST_FORCE)) {
		d->kind = DEST_NEW;
		if ((fd = outfile_create(path)) < 0)
			return fail("Could not create %s (%s).", path,
			            strerror(errno));
	} else {
		d->kind = DEST_REPLACE;
		if (outfile_begin(&d->out, path) != 0)
			return fail("Could not create a file next to %s (%s).",
			            path, strerror(errno));
		fd = d->out.fd;
	}
	if (!(d->fp = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		d->out.fd = -1;
		return dest_failed(d, e);
	}
	d->out.fd = -1; /* the stream owns it now */
	/* The stream's buffer holds the document in clear: ours, wiped. */
	if ((d->buf = malloc(DEST_BUF_BYTES)))
		setvbuf(d->fp, d->buf, _IOFBF, DEST_BUF_BYTES);
	return 0;
}

void
dest_abort(struct dest *d)
{
	dest_close(d);
	if (d->kind == DEST_NEW)
		unlink(d->path);
	else if (d->kind == DEST_REPLACE)
		outfile_abort(&d->out);
}

int
dest_failed(struct dest *d, int e)
{
	dest_abort(d);
	switch (d->kind) {
	case DEST_STDOUT:
		return fail("Could not write the %s (%s).", d->what,
		            strerror(e));
	case DEST_DEVICE:
		return fail("Could not write to %s (%s).", d->path,
		            strerror(e));
	case DEST_NEW:
		return fail("Could not write %s (%s); it was removed again.",
		            d->path, strerror(e));
	case DEST_REPLACE:
		break;
	}
	return fail("Could not write %s (%s); it was left as it was.", d->path,
	            strerror(e));
}

int
dest_write(void *arg, const char *data, size_t len)
{
	struct dest *d = arg;
	if (fwrite(data, 1, len, d->fp) == len)
		return 0;
	d->err = errno ? errno : EIO;
	return -1;
}

int
dest_finish(struct dest *d)
{
	int e = 0;
	if (d->kind == DEST_STDOUT)
		return 0;
	if (fflush(d->fp) != 0 ||
	    (fsync(fileno(d->fp)) != 0 && errno != EINVAL))
		e = errno ? errno : EIO;
	if (dest_close(d) != 0 && !e)
		e = errno;
	if (!e && d->kind == DEST_REPLACE &&
	    outfile_commit(&d->out, OUTFILE_SYNC) != 0)
		e = errno;
	if (e)
		return dest_failed(d, e);
	return 0;
}
