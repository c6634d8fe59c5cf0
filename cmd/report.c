/*
 * selfhelp report: a summary of a period for a person to share with
 * their therapist if they choose, as one self-contained HTML file. The
 * figures of the trigger log come from the same gathering as
 * `trigger-log stats` (stats_gather), so both agree; lib/report.c builds
 * the page; this file picks the period and where the file goes.
 */
#include "cmd.h"
#include "dates.h"
#include "group.h"
#include "journal.h"
#include "report.h"
#include "stats.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SINCE "30d"

static const char *const report_usage[] = {
        "selfhelp report [--since WHEN] [--until WHEN] [--output FILE "
        "[--force]]",
        NULL,
};

static const char report_help[] =
        "A summary to share with your therapist, if you choose: one page\n"
        "to open in a browser or print. It shows your mood over time (from\n"
        "journal entries), trigger records per week, distress before and\n"
        "after, what helped (the figures of 'selfhelp insights'), and when\n"
        "things happened. Journal entries and group notes are left out\n"
        "unless you ask for them. The page loads nothing from the internet.\n"
        "\n"
        "  --since WHEN        from then on (default: the last 30 days)\n"
        "  --until WHEN        up to then (default: now)\n"
        "  --include-entries   add the journal entries of the period in "
        "full\n"
        "  --include-group     add your group check-ins and reflections\n"
        "  -o, --output FILE   write to FILE; '-' is standard output\n"
        "  --force             replace FILE if it is there already\n"
        "\n"
        "The report is NOT encrypted; the file is readable only by you.\n"
        "Without --output it goes to standard output when that is a pipe or\n"
        "a file, and on a terminal to selfhelp-report-YYYY-MM-DD.html in\n"
        "this folder.\n"
        "\n"
        "WHEN is a date like 2026-11-01, or today, yesterday, 7d, 2w, 3m.\n"
        "A bare date in --until includes that whole day.\n";

enum { OPT_SINCE = 256, OPT_UNTIL, OPT_FORCE, OPT_ENTRIES, OPT_GROUP };

struct ropts {
	const char *since, *until, *output;
	bool force, entries, group;
};

static int
parse_opts(int argc, char **argv, struct ropts *o)
{
	static const struct option opts[] = {
	        {"since", required_argument, NULL, OPT_SINCE},
	        {"until", required_argument, NULL, OPT_UNTIL},
	        {"output", required_argument, NULL, 'o'},
	        {"force", no_argument, NULL, OPT_FORCE},
	        {"include-entries", no_argument, NULL, OPT_ENTRIES},
	        {"include-group", no_argument, NULL, OPT_GROUP},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	int c;
	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_ENTRIES:
			o->entries = true;
			break;
		case OPT_GROUP:
			o->group = true;
			break;
		case 'h':
			usage_print(report_usage, stdout);
			fputs("\n", stdout);
			fputs(report_help, stdout);
			return -1;
		case ':':
			return usage_error(report_usage,
			                   "The option '%s' needs a value.",
			                   argv[optind - 1]);
		default:
			return usage_error(report_usage,
			                   "'%s' is not an option of 'report'; "
			                   "'--help' lists them.",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(report_usage,
		                   "'report' takes options only; --output FILE "
		                   "names the file.");
	if (o->output && !*o->output)
		return usage_error(report_usage, "--output needs a file name.");
	return 0;
}

static int
bad_date(const char *opt, const char *s)
{
	return usage_error(report_usage,
	                   "%s '%s' is not a date selfhelp understands; try "
	                   "2026-11-01, today, yesterday or 7d.",
	                   opt, s);
}

/* --- writing (as cmd/export.c writes its clear-text file) --- */

static int
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write, sync and close fd (closed always). */
static int
write_fd(int fd, const char *html, size_t len)
{
	int rc = write_all(fd, html, len);
	if (rc == 0 && fsync(fd) != 0 && errno != EINVAL)
		rc = -1;
	int e = errno;
	if (close(fd) != 0 && rc == 0)
		return -1;
	errno = e;
	return rc;
}

/*
 * Write the file at `path`, 0600. A new file is created exclusively; with
 * --force a file or link there is replaced through a temporary file in
 * the same folder and rename(), so a reader never sees half of it and an
 * old file's looser mode does not carry over.
 */
static int
write_file(const char *path, bool force, const char *html, size_t len)
{
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		/* A pipe or device given with --force: write into it. */
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_fd(fd, html, len) != 0)
			return fail("Could not write to %s (%s).", path,
			            strerror(errno));
		return 0;
	}
	if (!force) {
		int fd = open(path,
		              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		                      O_NOFOLLOW,
		              0600);
		if (fd < 0)
			return fail("Could not create %s (%s).", path,
			            strerror(errno));
		if (write_fd(fd, html, len) != 0) {
			int e = errno;
			unlink(path);
			return fail("Could not write %s (%s); it was removed "
			            "again.",
			            path, strerror(e));
		}
		return 0;
	}
	size_t n = strlen(path) + sizeof(".XXXXXX");
	char *tmp = malloc(n);
	if (!tmp)
		return fail("Out of memory.");
	snprintf(tmp, n, "%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return fail("Could not create a file next to %s (%s).", path,
		            strerror(e));
	}
	fchmod(fd, 0600);
	if (write_fd(fd, html, len) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return fail("Could not write %s (%s); it was left as it was.",
		            path, strerror(e));
	}
	free(tmp);
	return 0;
}

/* Standard output; a regular file of ours there (a shell redirect) is
 * made 0600 first, like a file written with --output. */
static int
write_stdout(const char *html, size_t len)
{
	struct stat st;
	if (fflush(stdout) != 0)
		return fail("Could not write the report (%s).",
		            strerror(errno));
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 077))
		fchmod(STDOUT_FILENO, 0600);
	if (write_all(STDOUT_FILENO, html, len) != 0)
		return fail("Could not write the report (%s).",
		            strerror(errno));
	return 0;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* Is `path` the vault or one of its -wal/-shm files? (--force must never
 * replace the encrypted vault with a page in clear.) */
static bool
is_vault_file(struct cmd_ctx *ctx, const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char *vault = cmd_vault_path(ctx);
	bool same = false;
	for (size_t i = 0;
	     vault && !same && i < sizeof(suffixes) / sizeof(suffixes[0]);
	     i++) {
		size_t n = strlen(vault) + strlen(suffixes[i]) + 1;
		char *p = malloc(n);
		if (!p)
			break;
		snprintf(p, n, "%s%s", vault, suffixes[i]);
		same = same_file(p, path);
		free(p);
	}
	free(vault);
	return same;
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
	*path = NULL;
	if (o->output && strcmp(o->output, "-") == 0) {
		if (o->force)
			return usage_error(report_usage,
			                   "--force goes with a file name, "
			                   "not '-'.");
		return 0;
	}
	if (o->output) {
		*path = o->output;
		return 0;
	}
	if (!isatty(STDOUT_FILENO)) {
		if (o->force)
			return usage_error(report_usage,
			                   "--force goes with --output FILE.");
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

int
cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct ropts o;
	struct journal_filter jf = {0};
	struct journal_entry **entries = NULL;
	size_t nentries = 0;
	struct group_filter gf = {0};
	struct group_record **groups = NULL;
	size_t ngroups = 0;
	struct stats_sources src = {0};
	struct stats_input in;
	struct stats *s = NULL;
	char *html = NULL;
	size_t len = 0;
	const char *why = NULL, *path;
	char name[64];
	int damaged = 0;
	time_t now = time(NULL), since, until = now;
	struct vault *v;
	struct stat st;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.until && date_parse(o.until, now, DATE_END, &until))
		return bad_date("--until", o.until);
	const char *from = o.since ? o.since : DEFAULT_SINCE;
	if (date_parse(from, now, DATE_START, &since))
		return bad_date("--since", from);
	if (since > until)
		return usage_error(report_usage,
		                   "--since is after --until; the period "
		                   "needs its start first.");
	if ((rc = choose_output(&o, now, name, sizeof(name), &path)))
		return rc;
	if (path && is_vault_file(ctx, path))
		return fail("%s is the vault itself; the report goes to a file "
		            "of its own.",
		            path);
	if (path && !o.force && lstat(path, &st) == 0)
		return fail("There is already a file at %s; selfhelp leaves "
		            "it as it is (--force replaces it).",
		            path);

	if (!(v = cmd_vault(ctx)))
		return 1;
	jf.since = since;
	jf.until = until;
	jf.with_text = o.entries;
	if (journal_list(v, &jf, &entries, &nentries, count_damaged,
	                 &damaged)) {
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
	        .records = in.records,
	        .nrecords = in.nrecords,
	        .stats = s,
	        .include_entries = o.entries,
	        .groups = (const struct group_record *const *)groups,
	        .ngroups = ngroups,
	        .include_group = o.group,
	};
	if (!(html = report_html(&ri, &len))) {
		rc = fail("Out of memory.");
		goto out;
	}
	note("This report is not encrypted: anyone who can read %s can "
	     "read it.",
	     path ? path : "the output");
	if (!path)
		rc = write_stdout(html, len);
	else if (!(rc = write_file(path, o.force, html, len)))
		printf("Wrote the report to %s.\n", path);
	if (damaged)
		note("%d record%s could not be read (damaged, or changed "
		     "outside selfhelp) and %s left out.",
		     damaged, damaged == 1 ? "" : "s",
		     damaged == 1 ? "was" : "were");
out:
	report_free(html, len);
	stats_free(s);
	stats_sources_release(&src);
	journal_entries_free(entries, nentries);
	group_records_free(groups, ngroups);
	return rc;
}
