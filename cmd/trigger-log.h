/*
 * What cmd/trigger-log.c (the trigger log's sub-commands) takes from
 * cmd/insights.c: stats, also `selfhelp insights`.
 */
#ifndef SELFHELP_CMD_TRIGGER_LOG_H
#define SELFHELP_CMD_TRIGGER_LOG_H

#include "cmd.h"
#include "trigger.h"

/* `trigger-log stats` and `selfhelp insights` (argv[0] is either). */
int trigger_stats_cmd(int argc, char **argv, struct cmd_ctx *ctx);
/* Their options and help (insights.c). */
extern const struct opt stats_options[];
extern const char stats_help[];

#endif
