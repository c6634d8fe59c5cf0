/*
 * Internals shared by cmd/group.c (the sub-commands) and
 * cmd/group-form.c (the guided check-in and reflection on a terminal).
 */
#ifndef SELFHELP_CMD_GROUP_H
#define SELFHELP_CMD_GROUP_H

#include <stdbool.h>
#include <stdio.h>

#include "form.h"
#include "group.h"

struct group_form_opts {
	FILE *out; /* a terminal to talk on (stdout or stderr) */
	/* Reflection only: the check-in it goes with was found (its
	 * boundary, or NULL when none was set), or the vault is locked so
	 * the check-ins cannot be read (`unknown`). */
	bool prepared;
	const char *boundary;
	bool unknown;
};

/*
 * Ask the questions of r's type whose fields are not set yet, one at a
 * time, reading keys from stdin in raw mode. Enter skips a question; q,
 * Esc, Ctrl-C or Ctrl-D leaves, asking whether to keep what was typed.
 * The terminal is restored on every way out, signals included (SIGINT,
 * SIGTERM, SIGHUP end the run with status 0 and nothing saved; SIGTSTP
 * suspends and redraws; cmd/form.h). Returns an enum form_result, or -1
 * when stdin cannot be put in raw mode.
 */
int group_form_run(struct group_record *r, const struct group_form_opts *o);

#endif
