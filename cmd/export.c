/* selfhelp export: every record in clear, as JSON or Markdown. */
#include "cmd.h"
#include "dates.h"
#include "transfer.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
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
	note("The %s record %s was left out: %s.", kind, id, why);
}

/* The document as bytes to write: JSON or Markdown. */
static int
write_doc(FILE *fp, const json_t *doc, const struct transfer_buf *md)
{
	if (md)
		return fwrite(md->p, 1, md->len, fp) == md->len ? 0 : -1;
	if (json_dumpf(doc, fp, JSON_INDENT(2)) != 0)
		return -1;
	return fputc('\n', fp) == EOF ? -1 : 0;
}

/* Write to an open descriptor: flush, sync, close. Closes fd always. */
static int
write_fd(int fd, const json_t *doc, const struct transfer_buf *md)
{
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		return -1;
	}
	int rc = write_doc(fp, doc, md);
	if (fflush(fp) != 0 || (rc == 0 && fsync(fd) != 0 && errno != EINVAL))
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/*
 * Write the file at `path`, 0600. A new file is created exclusively; with
 * --force a file or link there is replaced through a temporary file in
 * the same folder and rename(), so a reader never sees half of it and an
 * old file's looser mode does not carry over.
 */
static int
write_file(const char *path, bool force, const json_t *doc,
           const struct transfer_buf *md)
{
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		/* A pipe or device given with --force: write into it. */
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write_fd(fd, doc, md) != 0)
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
		if (write_fd(fd, doc, md) != 0) {
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
	if (write_fd(fd, doc, md) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return fail("Could not write %s (%s); it was left as it was.",
		            path, strerror(e));
	}
	free(tmp);
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
note_empty_kinds(const struct eopts *o, const json_t *doc)
{
	json_t *records = json_object_get(doc, "records");
	for (size_t k = 0; k < o->nkinds; k++) {
		bool found = false;
		for (size_t i = 0; i < json_array_size(records) && !found; i++)
			found = !strcmp(
			        o->kinds[k],
			        json_string_value(json_object_get(
			                json_array_get(records, i), "kind")));
		if (found)
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
	struct transfer_buf md = {0};
	struct problems probs = {0};
	char err[TRANSFER_ERR_MAX];
	json_t *doc = NULL;
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
	if (transfer_export(v, &f, now, &doc, report_problem, &probs, err)) {
		rc = fail("Could not export: %s.", err);
		goto out;
	}
	if (o.markdown && transfer_markdown(doc, &md, err)) {
		rc = fail("Could not write the Markdown: %s.", err);
		goto out;
	}
	note("This export is not encrypted: anyone who can read %s can read "
	     "everything in it.",
	     to_stdout ? "the output" : o.output);
	if (to_stdout) {
		if (write_doc(stdout, doc, o.markdown ? &md : NULL) != 0) {
			rc = fail("Could not write the export (%s).",
			          strerror(errno));
			goto out;
		}
	} else if ((rc = write_file(o.output, o.force, doc,
	                            o.markdown ? &md : NULL))) {
		goto out;
	}
	size_t n = json_array_size(json_object_get(doc, "records"));
	if (!to_stdout)
		printf("Exported %zu record%s to %s.\n", n, n == 1 ? "" : "s",
		       o.output);
	note_empty_kinds(&o, doc);
	if (probs.n)
		rc = fail("%zu record%s could not be read and %s left out; "
		          "'selfhelp check' lists what is damaged.",
		          probs.n, probs.n == 1 ? "" : "s",
		          probs.n == 1 ? "was" : "were");
out:
	transfer_buf_release(&md);
	json_decref(doc);
	return rc;
}
