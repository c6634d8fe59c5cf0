/* The message for a date that cannot be read (see date-arg.h). */
#include "date-arg.h"

#include "cmd.h"

int
date_arg_error(const char *opt, const char *arg)
{
	return usage_error("%s '%s' is not a date selfhelp understands; try "
	                   "2026-11-01, 2026-11-01T14:30, today, yesterday or "
	                   "7d.",
	                   opt, arg);
}
