/* selfhelp export: every record in clear, as JSON or Markdown. */
#include "cmd.h"
#include "dates.h"
#include "output.h"
#include "dest.h"
#include "transfer.h"
#include "vault.h"
#include "date-arg.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { MAX_KINDS = 16 };

static const char export_help[] =
        "Write out everything in your vault in clear: journal entries and\n"
        "every other kind of record. The output is NOT encrypted.\n"
        "\n"
        "Without --output it writes to standard output when that is a pipe\n"
        "or a file, never to the screen. To keep an encrypted copy:\n"
        "\n"
        "  selfhelp export | age -p > selfhelp-export.json.age\n"
        "\n"
        "WHEN is a date like 2026-11-01, or today, yesterday, 7d, 2w, 3m.\n";

struct eopts {
	bool markdown;
	const char *output;
	const char *since, *until;
	bool force, to_pipe;
	unsigned dest_flags; /* DEST_FORCE, DEST_TO_PIPE */
	const char *kinds[MAX_KINDS];
	size_t nkinds;
};

static int
kind_option(void *p, const struct opt *opt, char *arg)
{
	struct eopts *o = p;
	if (!transfer_kind_ok(arg))
		return usage_error("'%s' is not a kind of record; try journal "
		                   "or trigger.",
		                   arg);
	if (o->nkinds == MAX_KINDS)
		return usage_error("That is more --kind options than selfhelp "
		                   "takes (%d).",
		                   MAX_KINDS);
	o->kinds[o->nkinds++] = arg;
	return 0;
}

static int
format_option(void *p, const struct opt *opt, char *arg)
{
	struct eopts *o = p;
	o->markdown = strcmp(arg, "markdown") == 0 || strcmp(arg, "md") == 0;
	if (!o->markdown && strcmp(arg, "json") != 0)
		return usage_error("--format can be json or markdown.");
	return 0;
}

#define O(f) offsetof(struct eopts, f)
static const struct opt export_options[] = {
        {"format", 0, OPT_CALL, 0, "F",
         "json (the default; 'selfhelp import' reads it\n"
         "back) or markdown (one readable document,\n"
         "oldest first)",
         "json markdown", .call = format_option},
        {"output", 'o', OPT_STRING, O(output), "FILE",
         "write to FILE, readable only by you; '-' is\n"
         "standard output",
         .hint = HINT_FILES},
        {"force", 0, OPT_FLAG, O(force), NULL,
         .help = "replace FILE if it is there already (a file\n"
                 "or link, nothing else)"},
        {"to-pipe", 0, OPT_FLAG, O(to_pipe), NULL,
         .help = "FILE may be a named pipe or device of yours,\n"
                 "written into as it is (never a terminal)"},
        {"since", 0, OPT_DATE, O(since), "WHEN",
         .help = "only records made since WHEN"},
        {"until", 0, OPT_DATE, O(until), "WHEN",
         .help = "only records made until WHEN"},
        {"kind", 0, OPT_CALL, 0, "KIND",
         "only records of that kind (journal, trigger,\n"
         "...); may be given more than once",
         .call = kind_option, .hint = HINT_KINDS, .flags = OPT_REPEAT},
        {0},
};
#undef O

static int
parse_opts(int argc, char **argv, struct eopts *o)
{
	struct opt_words w;
	int rc = opt_parse(argc, argv, o, &w);
	if (rc)
		return rc;
	o->dest_flags =
	        (o->force ? DEST_FORCE : 0) | (o->to_pipe ? DEST_TO_PIPE : 0);
	if (w.n)
		return usage_error("'export' takes options only; --output FILE "
		                   "names the file.");
	if (o->dest_flags && (!o->output || strcmp(o->output, "-") == 0))
		return usage_error("%s goes with --output FILE.",
		                   o->force ? "--force" : "--to-pipe");
	return 0;
}

struct problems {
	size_t n;
};

static void
report_problem(void *arg, const char *id, const char *kind, const char *why)
{
	struct problems *p = arg;
	p->n++;
	note("The %s record %s was left out: %s.", kind, shown_id(id), why);
}

/* After the export: a gentle word for each --kind that matched nothing. */
static void
note_empty_kinds(const struct eopts *o, const size_t *counts)
{
	for (size_t k = 0; k < o->nkinds; k++) {
		if (counts[k])
			continue;
		const char *s =
		        suggest_name(o->kinds[k], transfer_kind_names());
		if (s && strcmp(s, o->kinds[k]) != 0)
			note("There are no '%s' records. Did you mean '%s'?",
			     o->kinds[k], s);
		else
			note("There are no '%s' records in this selection.",
			     o->kinds[k]);
	}
}

static int
cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct eopts o = {0};
	struct transfer_filter f = {0};
	struct transfer_output out = {0};
	struct dest dest;
	size_t counts[MAX_KINDS] = {0};
	struct problems probs = {0};
	char err[TRANSFER_ERR_MAX];
	time_t now = time(NULL);
	struct vault *v;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	f.since = opt_date(o.since, now, DATE_START);
	f.until = opt_date(o.until, now, DATE_END);
	f.kinds = o.nkinds ? o.kinds : NULL;
	f.nkinds = o.nkinds;

	/* "-o -" too: standard output on a terminal is the screen. */
	bool to_stdout = !o.output || strcmp(o.output, "-") == 0;
	if (to_stdout && isatty(STDOUT_FILENO))
		return usage_error("The export is in clear, so selfhelp does "
		                   "not print it on the screen; --output FILE "
		                   "writes a file, or pipe it on (selfhelp "
		                   "export | age -p > export.json.age).");
	if (!to_stdout &&
	    (rc = dest_check(ctx, o.output, o.dest_flags, "export")))
		return rc;

	if (!(v = ctx_vault(ctx)))
		return 1;
	if ((rc = dest_open(&dest, to_stdout ? NULL : o.output, o.dest_flags,
	                    "export")))
		return rc;
	note("This export is not encrypted: anyone who can read %s can read "
	     "everything in it.",
	     to_stdout ? "the output" : o.output);
	out.format =
	        o.markdown ? TRANSFER_EXPORT_MARKDOWN : TRANSFER_EXPORT_JSON;
	out.write = dest_write;
	out.write_arg = &dest;
	out.problem = report_problem;
	out.problem_arg = &probs;
	out.kind_counts = counts;
	rc = transfer_export_write(v, &f, now, &out, err);
	if (rc == TRANSFER_WRITE_FAILED)
		return dest_failed(&dest, dest.err);
	if (rc) {
		dest_abort(&dest);
		return fail("Could not export: %s.", err);
	}
	if ((rc = dest_finish(&dest)))
		return rc;
	if (!to_stdout)
		printf("Exported %zu record%s to %s.\n", out.records,
		       out.records == 1 ? "" : "s", o.output);
	note_empty_kinds(&o, counts);
	if (probs.n)
		rc = fail("%zu record%s could not be read and %s left out; "
		          "'selfhelp check' lists what is damaged.",
		          probs.n, probs.n == 1 ? "" : "s",
		          probs.n == 1 ? "was" : "were");
	return rc;
}

const struct command export_command = {
        "export",
        cmd_export,
        "write everything out in clear (JSON or Markdown)",
        .opts = export_options,
        .help = export_help,
        .flags = CMD_GROUP_DATA,
};
