/* selfhelp export: every record in clear, as JSON or Markdown. */
#include "cmd.h"
#include "dates.h"
#include "output.h"
#include "transfer.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { MAX_KINDS = 16 };

static const char *const export_usage[] = {
        "selfhelp export [--format json|markdown] [--output FILE [--force]]",
        "                [--since WHEN] [--until WHEN] [--kind KIND]...",
        NULL,
};

static const char export_help[] =
        "Write out everything in your vault in clear: journal entries and\n"
        "every other kind of record. The output is NOT encrypted.\n"
        "\n"
        "  --format F          json (the default; 'selfhelp import' reads it\n"
        "                      back) or markdown (one readable document,\n"
        "                      oldest first)\n"
        "  -o, --output FILE   write to FILE, readable only by you; '-' is\n"
        "                      standard output\n"
        "  --force             replace FILE if it is there already\n"
        "  --since WHEN        only records made since WHEN\n"
        "  --until WHEN        only records made until WHEN\n"
        "  --kind KIND         only records of that kind (journal, trigger,\n"
        "                      ...); may be given more than once\n"
        "\n"
        "Without --output it writes to standard output when that is a pipe\n"
        "or a file, never to the screen. To keep an encrypted copy:\n"
        "\n"
        "  selfhelp export | age -p > selfhelp-export.json.age\n"
        "\n"
        "WHEN is a date like 2026-11-01, or today, yesterday, 7d, 2w, 3m.\n";

enum { OPT_FORMAT = 256, OPT_FORCE, OPT_SINCE, OPT_UNTIL, OPT_KIND };

struct eopts {
	bool markdown, force;
	const char *output;
	const char *since, *until;
	const char *kinds[MAX_KINDS];
	size_t nkinds;
};

static int
parse_opts(int argc, char **argv, struct eopts *o)
{
	static const struct option opts[] = {
	        {"format", required_argument, NULL, OPT_FORMAT},
	        {"output", required_argument, NULL, 'o'},
	        {"force", no_argument, NULL, OPT_FORCE},
	        {"since", required_argument, NULL, OPT_SINCE},
	        {"until", required_argument, NULL, OPT_UNTIL},
	        {"kind", required_argument, NULL, OPT_KIND},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	int c;
	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->markdown = false;
			else if (strcmp(optarg, "markdown") == 0 ||
			         strcmp(optarg, "md") == 0)
				o->markdown = true;
			else
				return usage_error(export_usage,
				                   "--format can be json or "
				                   "markdown.");
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_KIND:
			if (!transfer_kind_ok(optarg))
				return usage_error(export_usage,
				                   "'%s' is not a kind of "
				                   "record; try journal or "
				                   "trigger.",
				                   optarg);
			if (o->nkinds == MAX_KINDS)
				return usage_error(
				        export_usage,
				        "That is more --kind options "
				        "than selfhelp takes (%d).",
				        MAX_KINDS);
			o->kinds[o->nkinds++] = optarg;
			break;
		case 'h':
			usage_print(export_usage, stdout);
			fputs("\n", stdout);
			fputs(export_help, stdout);
			return -1;
		case ':':
			return usage_error(export_usage,
			                   "The option '%s' needs a value.",
			                   argv[optind - 1]);
		default:
			return usage_error(export_usage,
			                   "'%s' is not an option of 'export'.",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(export_usage,
		                   "'export' takes options only; --output FILE "
		                   "names the file.");
	if (o->force && (!o->output || strcmp(o->output, "-") == 0))
		return usage_error(export_usage,
		                   "--force goes with --output FILE.");
	return 0;
}

static int
bad_date(const char *opt, const char *s)
{
	return usage_error(export_usage,
	                   "%s '%s' is not a date selfhelp understands; try "
	                   "2026-11-01, today, yesterday or 7d.",
	                   opt, s);
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

/* Where the export goes. */
enum dest_kind {
	DEST_STDOUT,  /* a pipe or a file the shell opened */
	DEST_DEVICE,  /* a pipe or device named with --output */
	DEST_NEW,     /* a new file, removed again if the export fails */
	DEST_REPLACE, /* --force: a file next to it, renamed over it */
};

struct dest {
	enum dest_kind kind;
	const char *path;
	char *tmp; /* DEST_REPLACE: the file being written */
	FILE *fp;
	int err; /* errno of a failed write */
};

/* Close the file and remove what was written of it (nothing to do for
 * standard output or a device). */
static void
dest_abort(struct dest *d)
{
	if (d->kind != DEST_STDOUT && d->fp)
		fclose(d->fp);
	d->fp = NULL;
	if (d->kind == DEST_NEW)
		unlink(d->path);
	else if (d->kind == DEST_REPLACE && d->tmp)
		unlink(d->tmp);
	free(d->tmp);
	d->tmp = NULL;
}

/* A write failed with errno `e`: remove what was written, and say so. */
static int
dest_failed(struct dest *d, int e)
{
	dest_abort(d);
	switch (d->kind) {
	case DEST_STDOUT:
		return fail("Could not write the export (%s).", strerror(e));
	case DEST_DEVICE:
		return fail("Could not write to %s (%s).", d->path,
		            strerror(e));
	case DEST_NEW:
		return fail("Could not write %s (%s); it was removed again.",
		            d->path, strerror(e));
	case DEST_REPLACE:
		break;
	}
	return fail("Could not write %s (%s); it was left as it was.", d->path,
	            strerror(e));
}

/*
 * Open the destination. A new file is created exclusively, 0600; with
 * --force a file or link there is replaced through a new file in the same
 * folder and rename(), so a reader never sees half of it and an old
 * file's looser mode does not carry over. Says what went wrong itself.
 */
static int
dest_open(struct dest *d, const char *path, bool force)
{
	struct stat st;
	int fd;
	memset(d, 0, sizeof(*d));
	d->path = path;
	if (!path) {
		d->kind = DEST_STDOUT;
		d->fp = stdout;
		return 0;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		/* A pipe or device given with --force: write into it. */
		d->kind = DEST_DEVICE;
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return fail("Could not write to %s (%s).", path,
			            strerror(errno));
	} else if (!force) {
		d->kind = DEST_NEW;
		fd = open(path,
		          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		          0600);
		if (fd < 0)
			return fail("Could not create %s (%s).", path,
			            strerror(errno));
	} else {
		d->kind = DEST_REPLACE;
		size_t n = strlen(path) + sizeof(".XXXXXX");
		if (!(d->tmp = malloc(n)))
			return fail("Out of memory.");
		snprintf(d->tmp, n, "%s.XXXXXX", path);
		if ((fd = mkostemp(d->tmp, O_CLOEXEC)) < 0) {
			int e = errno;
			free(d->tmp);
			d->tmp = NULL;
			return fail("Could not create a file next to %s (%s).",
			            path, strerror(e));
		}
		fchmod(fd, 0600);
	}
	if (!(d->fp = fdopen(fd, "w"))) {
		int e = errno;
		close(fd);
		return dest_failed(d, e);
	}
	return 0;
}

/* After the whole export: flush, sync, close, and with --force rename
 * the new file into place. (main() flushes standard output and checks.) */
static int
dest_finish(struct dest *d)
{
	int e = 0;
	if (d->kind == DEST_STDOUT)
		return 0;
	if (fflush(d->fp) != 0 ||
	    (fsync(fileno(d->fp)) != 0 && errno != EINVAL))
		e = errno ? errno : EIO;
	if (fclose(d->fp) != 0 && !e)
		e = errno;
	d->fp = NULL;
	if (!e && d->kind == DEST_REPLACE && rename(d->tmp, d->path) != 0)
		e = errno;
	if (e)
		return dest_failed(d, e);
	free(d->tmp);
	d->tmp = NULL;
	return 0;
}

/* transfer_export_write's writer. */
static int
dest_write(void *arg, const char *data, size_t len)
{
	struct dest *d = arg;
	if (fwrite(data, 1, len, d->fp) == len)
		return 0;
	d->err = errno ? errno : EIO;
	return -1;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* Is `path` the vault or one of its -wal/-shm files? (--force must never
 * replace the encrypted vault with its contents in clear.) */
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

int
cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct eopts o;
	struct transfer_filter f = {0};
	struct transfer_output out = {0};
	struct dest dest;
	size_t counts[MAX_KINDS] = {0};
	struct problems probs = {0};
	char err[TRANSFER_ERR_MAX];
	time_t now = time(NULL);
	struct vault *v;
	struct stat st;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.since && date_parse(o.since, now, DATE_START, &f.since))
		return bad_date("--since", o.since);
	if (o.until && date_parse(o.until, now, DATE_END, &f.until))
		return bad_date("--until", o.until);
	f.kinds = o.nkinds ? o.kinds : NULL;
	f.nkinds = o.nkinds;

	bool to_stdout = !o.output || strcmp(o.output, "-") == 0;
	if (!o.output && isatty(STDOUT_FILENO))
		return usage_error(export_usage,
		                   "The export is in clear, so selfhelp does "
		                   "not print it on the screen; --output FILE "
		                   "writes a file, or pipe it on (selfhelp "
		                   "export | age -p > export.json.age).");
	if (!to_stdout && is_vault_file(ctx, o.output))
		return fail("%s is the vault itself; the export goes to a file "
		            "of its own.",
		            o.output);
	if (!to_stdout && !o.force && lstat(o.output, &st) == 0)
		return fail("There is already a file at %s; selfhelp leaves "
		            "it as it is (--force replaces it).",
		            o.output);

	if (!(v = cmd_vault(ctx)))
		return 1;
	if ((rc = dest_open(&dest, to_stdout ? NULL : o.output, o.force)))
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
