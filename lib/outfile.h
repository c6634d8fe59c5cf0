/*
 * Files selfhelp writes that hold something private (an export, a
 * report, a backup, settings, pins, the editor's copy): one way to make
 * them, so "readable only by you, never through a link, never half
 * written, never onto the vault" is written once.
 *
 * A new file:       fd = outfile_create(path); ... close(fd);
 * Replace a file:   struct outfile f;
 *                   if (outfile_begin(&f, path) == 0 &&
 *                       outfile_write(f.fd, text, len) == 0)
 *                           rc = outfile_commit(&f, OUTFILE_SYNC);
 *                   else
 *                           outfile_abort(&f);
 *
 * Every function returns 0 (or a descriptor) on success and -1 with
 * errno set on failure; none prints.
 */
#ifndef SELFHELP_OUTFILE_H
#define SELFHELP_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

enum { OUTFILE_MODE = 0600 };

/*
 * Create `path` as a new file, mode 0600: never an existing file
 * (O_EXCL: errno EEXIST) and never through a symbolic link (O_NOFOLLOW).
 * What was opened is checked to be a regular file of ours that no one
 * else may read; otherwise it is removed again (errno EPERM). Returns a
 * write-only descriptor (close-on-exec) that the caller closes.
 */
int outfile_create(const char *path);

/* mkdir -p: dir and the folders above it, new ones mode 0700. dir is
 * changed while this runs and put back. */
int outfile_mkdirs(char *dir);

/* Write all `len` bytes to fd, through short writes and EINTR. */
int outfile_write(int fd, const void *data, size_t len);

/* A file being replaced: written beside it, renamed over it at the end,
 * so a reader sees the old file or the whole new one. */
struct outfile {
	int fd;     /* the new file; -1 once closed (the caller may close it,
	               e.g. through fclose, and set -1) */
	char *path; /* the file to replace (a copy) */
	char *tmp;  /* the new file's path, "PATH.XXXXXX", until renamed */
};

enum outfile_flags {
	/* fsync the new file before the rename and its folder after it */
	OUTFILE_SYNC = 1 << 0,
};

/*
 * Start replacing `path`: a new private file (mode 0600 whatever the
 * umask or the old file's mode) in the same folder, open as f->fd.
 * On failure f holds nothing to release.
 */
int outfile_begin(struct outfile *f, const char *path);

/*
 * Finish: (with OUTFILE_SYNC, fsync), close f->fd if still open, and
 * rename the new file over the old (then, with OUTFILE_SYNC, fsync the
 * folder, so the rename itself is on disk). On failure the new file is
 * removed and the old one is left as it was. f is released either way.
 */
int outfile_commit(struct outfile *f, unsigned flags);

/* Give up: close, remove the new file, release f. Safe after a failed
 * outfile_begin() and after outfile_commit(). */
void outfile_abort(struct outfile *f);

/*
 * The guard that keeps clear text off the vault: is `path` the vault
 * file at `vault_path`, or one of SQLite's files beside it (-wal, -shm,
 * -journal)? Compared by device and inode, so a link or another
 * spelling of the same file counts. False when either does not exist,
 * or vault_path is NULL.
 */
bool outfile_is_vault(const char *vault_path, const char *path);

#endif
