/*
 * A date given on the command line (--date, --since, --until) that
 * selfhelp cannot read: one message, the same words in every command.
 */
#ifndef SELFHELP_CMD_DATE_ARG_H
#define SELFHELP_CMD_DATE_ARG_H

/*
 * "OPT 'ARG' is not a date selfhelp understands; try 2026-11-01,
 * 2026-11-01T14:30, today, yesterday or 7d." as a usage error
 * (usage_error: one sentence and the hint line). Returns 2.
 */
int date_arg_error(const char *opt, const char *arg);

#endif
