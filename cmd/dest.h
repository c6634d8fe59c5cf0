/*
 * Where a clear-text document goes (selfhelp export, selfhelp report):
 * standard output, a new file, a file replaced with --force, or with
 * --to-pipe a named pipe or device of one's own. The same rules for
 * both, so that "never on the screen" and "readable only by you" hold
 * whichever way the output is named.
 */
#ifndef SELFHELP_CMD_DEST_H
#define SELFHELP_CMD_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "outfile.h"

struct cmd_ctx;

enum dest_flags {
	DEST_FORCE = 1 << 0,   /* --force: replace a file or symbolic link */
	DEST_TO_PIPE = 1 << 1, /* --to-pipe: a named pipe or device of ours */
};

enum dest_kind {
	DEST_STDOUT,  /* a pipe or a file the shell opened */
	DEST_DEVICE,  /* a named pipe or device, with --to-pipe */
	DEST_NEW,     /* a new file, removed again if the writing fails */
	DEST_REPLACE, /* --force: a file next to it, renamed over it */
};

struct dest {
	enum dest_kind kind;
	const char *path;   /* borrowed; NULL for standard output */
	const char *what;   /* "export", "report": for messages */
	struct outfile out; /* DEST_REPLACE: the new file beside it */
	char *buf;          /* the stream's buffer, wiped when closed */
	FILE *fp;
	int err; /* errno of a failed write (dest_write) */
};

/*
 * Before the vault is opened: may the document go to `path` (not NULL,
 * not "-")? Refused, each with one sentence on stderr: the vault itself;
 * something already there without --force; a named pipe or device
 * without --to-pipe, or one that is not the user's, or a terminal;
 * anything else that is not a file or link (a folder, a socket).
 * Returns 0, or 1 after the message.
 */
int dest_check(struct cmd_ctx *ctx, const char *path, unsigned flags,
               const char *what);

/*
 * Open the destination: path NULL is standard output (made 0600 when it
 * is a regular file of ours); otherwise as dest_check() allows, checked
 * again on what was opened (O_NOFOLLOW; a pipe or device must still be
 * the user's and no terminal). A new file is created exclusively, 0600;
 * with DEST_FORCE a file or link there is replaced through a new file in
 * the same folder and rename(), so a reader never sees half of it and an
 * old file's looser mode does not carry over. Returns 0, or 1 after a
 * message.
 */
int dest_open(struct dest *d, const char *path, unsigned flags,
              const char *what);

/* A writer for transfer_export_write(): fwrite to d (a struct dest). */
int dest_write(void *arg, const char *data, size_t len);

/*
 * After the whole document: flush, sync, close, and with --force rename
 * the new file into place (main() flushes standard output and checks).
 * Returns 0, or 1 after a message (what was written is removed).
 */
int dest_finish(struct dest *d);

/* A write failed with errno `e`: remove what was written, say so, and
 * return 1. */
int dest_failed(struct dest *d, int e);

/* Close and remove what was written, without a message. */
void dest_abort(struct dest *d);

#endif
