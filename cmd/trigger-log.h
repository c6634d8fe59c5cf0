/*
 * Internals shared by cmd/trigger-log.c (the sub-commands),
 * cmd/trigger-form.c (the guided form on a terminal) and
 * cmd/insights.c (stats / insights).
 */
#ifndef SELFHELP_CMD_TRIGGER_LOG_H
#define SELFHELP_CMD_TRIGGER_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "form.h"
#include "trigger.h"

enum { TRIGGER_SHORT_ID = 8 };

struct trigger_form_opts {
	bool quick;    /* only distress, state and what happened */
	bool ask_when; /* ask when it happened (no --date given) */
	FILE *out;     /* a terminal to talk on (stdout or stderr) */
};

/*
 * Ask for the fields of r that are not set yet, one question at a time,
 * reading keys from stdin in raw mode (cmd/form.h). The terminal is
 * restored on every way out, signals included (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT end the run with status 0 and nothing saved; SIGTSTP suspends
 * and redraws). Returns an enum form_result, or -1 when stdin cannot be
 * put in raw mode.
 */
int trigger_form_run(struct trigger_record *r,
                     const struct trigger_form_opts *o, time_t now);

/* `trigger-log stats` and `selfhelp insights` (argv[0] is either). */
int trigger_stats_cmd(int argc, char **argv, struct cmd_ctx *ctx);
/* Their options and help (insights.c). */
extern const struct opt stats_options[];
extern const char stats_help[];

#endif
