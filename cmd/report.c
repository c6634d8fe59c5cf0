/*
 * selfhelp report: a summary of a period for a person to share with
 * their therapist if they choose, as one self-contained HTML file. The
 * figures of the trigger log come from the same gathering as
 * `trigger-log stats` (stats_gather), so both agree; lib/report.c builds
 * the page; this file picks the period and where the file goes.
 */
#include "cmd.h"
#include "dates.h"
#include "dest.h"
#include "group.h"
#include "journal.h"
#include "report.h"
#include "stats.h"
#include "vault.h"
#include "date-arg.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SINCE "30d"

static const char report_help[] =
        "A summary to share with your therapist, if you choose: one page\n"
        "to open in a browser or print. It shows your mood over time (from\n"
        "journal entries), trigger records per week, distress before and\n"
        "after, what helped (the figures of 'selfhelp insights'), and when\n"
        "things happened. Journal entries and group notes are left out\n"
        "unless you ask for them. The page loads nothing from the internet.\n"
        "\n"
        "The report is NOT encrypted; the file is readable only by you.\n"
        "Without --output it goes to standard output when that is a pipe or\n"
        "a file, and on a terminal to selfhelp-report-YYYY-MM-DD.html in\n"
        "this folder.\n"
        "\n"
        "WHEN is a date like 2026-11-01, or today, yesterday, 7d, 2w, 3m.\n"
        "A bare date in --until includes that whole day.\n";

struct ropts {
	const char *since, *until, *output;
	bool force, to_pipe, entries, group;
	unsigned dest_flags; /* DEST_FORCE, DEST_TO_PIPE */
};

#define O(f) offsetof(struct ropts, f)
static const struct opt report_options[] = {
        {"since", 0, OPT_DATE, O(since), "WHEN",
         .help = "from then on (default: the last 30 days)"},
        {"until", 0, OPT_DATE, O(until), "WHEN",
         .help = "up to then (default: now)"},
        {"include-entries", 0, OPT_FLAG, O(entries), NULL,
         .help = "add the journal entries of the period in full"},
        {"include-group", 0, OPT_FLAG, O(group), NULL,
         .help = "add your group check-ins and reflections"},
        {"output", 'o', OPT_STRING, O(output), "FILE",
         "write to FILE; '-' is standard output", .hint = HINT_FILES},
        {"force", 0, OPT_FLAG, O(force), NULL,
         .help = "replace FILE if it is there already (a file\n"
                 "or link, nothing else)"},
        {"to-pipe", 0, OPT_FLAG, O(to_pipe), NULL,
         .help = "FILE may be a named pipe or device of yours,\n"
                 "written into as it is (never a terminal)"},
        {0},
};
#undef O

static int
parse_opts(int argc, char **argv, struct ropts *o)
{
	struct opt_words w;
	int rc = opt_parse(argc, argv, o, &w);
	if (rc)
		return rc;
	o->dest_flags =
	        (o->force ? DEST_FORCE : 0) | (o->to_pipe ? DEST_TO_PIPE : 0);
	if (w.n)
		return usage_error("'report' takes options only; --output FILE "
		                   "names the file.");
	if (o->output && !*o->output)
		return usage_error("--output needs a file name.");
	return 0;
}

/* --- the command --- */

static void
count_damaged(void *arg, const char *id)
{
	(void)id;
	(*(int *)arg)++;
}

/* Where the report goes: NULL for standard output, else a file name in
 * buf (or o->output). Returns 0, or an exit status after a message. */
static int
choose_output(const struct ropts *o, time_t now, char *buf, size_t size,
              const char **path)
{
	const char *flag = o->dest_flags & DEST_FORCE ? "--force" : "--to-pipe";
	*path = NULL;
	if (o->output && strcmp(o->output, "-") == 0) {
		if (o->dest_flags)
			return usage_error("%s goes with a file name, not '-'.",
			                   flag);
		if (isatty(STDOUT_FILENO))
			return usage_error(
			        "The report is in clear, so selfhelp "
			        "does not print it on the screen; "
			        "without --output it goes to a file "
			        "in this folder.");
		return 0;
	}
	if (o->output) {
		*path = o->output;
		return 0;
	}
	if (!isatty(STDOUT_FILENO)) {
		if (o->dest_flags)
			return usage_error("%s goes with --output FILE.", flag);
		return 0;
	}
	/* On a terminal: a file in this folder, named by today's date. */
	struct tm tm;
	if (!localtime_r(&now, &tm) ||
	    !strftime(buf, size, "selfhelp-report-%Y-%m-%d.html", &tm))
		return fail("Could not work out today's date.");
	*path = buf;
	return 0;
}

static int
cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct ropts o = {0};
	struct journal_filter jf = {0};
	struct journal_entry **entries = NULL;
	size_t nentries = 0;
	struct journal_mood *moods = NULL;
	size_t nmoods = 0;
	struct group_filter gf = {0};
	struct group_record **groups = NULL;
	size_t ngroups = 0;
	struct stats_sources src = {0};
	struct stats_input in;
	struct stats *s = NULL;
	const char *why = NULL, *path;
	char name[64];
	int damaged = 0;
	time_t now = time(NULL), since, until = now;
	struct vault *v;
	struct dest dest;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.until)
		until = opt_date(o.until, now, DATE_END);
	since = opt_date(o.since ? o.since : DEFAULT_SINCE, now, DATE_START);
	if (since > until)
		return usage_error("--since is after --until; the period "
		                   "needs its start first.");
	if ((rc = choose_output(&o, now, name, sizeof(name), &path)))
		return rc;
	if (path && (rc = dest_check(ctx, path, o.dest_flags, "report")))
		return rc;

	if (!(v = ctx_vault(ctx)))
		return 1;
	jf.since = since;
	jf.until = until;
	jf.with_text = true;
	/* the charts need only times and moods; the entries in full only
	 * with --entries */
	if (o.entries ? journal_list(v, &jf, &entries, &nentries, count_damaged,
	                             &damaged)
	              : journal_moods(v, since, until, &moods, &nmoods,
	                              count_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	gf.since = since;
	gf.until = until;
	gf.with_body = true;
	if (o.group &&
	    group_list(v, &gf, &groups, &ngroups, count_damaged, &damaged)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	if (stats_gather(v, since, until, &src, &in, count_damaged, &damaged,
	                 &why)) {
		rc = fail("%s", why);
		goto out;
	}
	if (stats_compute(&in, &s)) {
		rc = fail("Out of memory.");
		goto out;
	}
	struct report_input ri = {
	        .since = since,
	        .until = until,
	        .now = now,
	        .entries = (const struct journal_entry *const *)entries,
	        .nentries = nentries,
	        .moods = moods,
	        .nmoods = nmoods,
	        .records = in.records,
	        .nrecords = in.nrecords,
	        .stats = s,
	        .include_entries = o.entries,
	        .groups = (const struct group_record *const *)groups,
	        .ngroups = ngroups,
	        .include_group = o.group,
	};
	note("This report is not encrypted: anyone who can read %s can "
	     "read it.",
	     path ? path : "the output");
	if ((rc = dest_open(&dest, path, o.dest_flags, "report")))
		goto out;
	/* written as it is made: a report of years of entries is never
	 * whole in memory */
	rc = report_write(&ri, dest_write, &dest);
	if (rc == REPORT_NO_MEMORY) {
		dest_abort(&dest);
		rc = fail("Out of memory.");
		goto out;
	}
	if (rc)
		rc = dest_failed(&dest, dest.err);
	else if (!(rc = dest_finish(&dest)) && path)
		printf("Wrote the report to %s.\n", path);
	if (damaged)
		note("%d record%s could not be read (damaged, or changed "
		     "outside selfhelp) and %s left out.",
		     damaged, damaged == 1 ? "" : "s",
		     damaged == 1 ? "was" : "were");
out:
	stats_free(s);
	stats_sources_release(&src);
	journal_entries_free(entries, nentries);
	free(moods);
	group_records_free(groups, ngroups);
	return rc;
}

const struct command report_command = {
        "report",
        cmd_report,
        "a summary to share with your therapist (HTML)",
        .opts = report_options,
        .help = report_help,
        .flags = CMD_GROUP_DATA,
};
