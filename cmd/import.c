/* selfhelp import: records from a selfhelp export or a jrnl JSON export. */
#include "cmd.h"
#include "editor.h"
#include "journal.h"
#include "transfer.h"
#include "vault.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Largest file read; an export of years of writing is far smaller. */
#define IMPORT_MAX ((size_t)1 << 30)

static const char import_help[] =
        "Bring records into your vault from FILE ('-' reads standard input).\n"
        "It reads, and tells apart by itself:\n"
        "\n"
        "  - selfhelp's own JSON export ('selfhelp export'): records keep\n"
        "    their ids and times\n"
        "  - a jrnl journal ('jrnl --format json'): each entry becomes a\n"
        "    journal entry (title, a blank line, the body; an entry of one\n"
        "    line stays one line); tags lose their '@'; starred entries get\n"
        "    the tag 'starred'; times are local\n"
        "\n"
        "Nothing changes unless the whole file can be imported. Records that\n"
        "are already in the vault are skipped, so importing a file twice adds\n"
        "nothing the second time (a jrnl entry counts as there when an entry\n"
        "has the same date, time and text, in any time zone). A record whose\n"
        "id is in the vault with other content stops the import, and its id\n"
        "is shown.\n"
        "\n"
        "  --json   print the counts as JSON\n";

struct reader {
	FILE *fp;
	size_t total;
	bool too_big;
	int error; /* errno of a failed read, or 0 */
};

/* transfer_read_fn over a FILE, up to IMPORT_MAX bytes. */
static ssize_t
read_file(void *arg, char *buf, size_t n)
{
	struct reader *r = arg;
	size_t got = fread(buf, 1, n, r->fp);
	if (got == 0 && ferror(r->fp)) {
		r->error = errno;
		return -1;
	}
	r->total += got;
	if (r->total > IMPORT_MAX) {
		r->too_big = true;
		return -1;
	}
	return (ssize_t)got;
}

static int
print_counts(enum transfer_format format, const struct transfer_result *r,
             bool json)
{
	const char *fmt = format == TRANSFER_JRNL ? "jrnl" : "selfhelp";
	if (json) {
		json_t *o = json_pack(
		        "{s:s, s:I, s:I, s:I, s:I, s:I}", "format", fmt,
		        "added", (json_int_t)r->added, "skipped",
		        (json_int_t)r->skipped, "repeats",
		        (json_int_t)r->repeats, "empty", (json_int_t)r->empty,
		        "shortened", (json_int_t)r->shortened);
		int rc = o ? json_dumpf(o, stdout, JSON_INDENT(2)) : -1;
		json_decref(o);
		fputc('\n', stdout);
		return rc == 0 ? 0 : fail("Could not write the JSON output.");
	}
	if (r->records == 0) {
		printf("The file holds no records, so nothing changed.\n");
		return 0;
	}
	printf("Added %zu record%s; skipped %zu already in the vault.\n",
	       r->added, r->added == 1 ? "" : "s", r->skipped);
	if (r->repeats)
		printf("%zu entr%s repeated an earlier entry of the file (the "
		       "same time and text), so each was kept once, with the "
		       "tags and stars of both.\n",
		       r->repeats, r->repeats == 1 ? "y" : "ies");
	if (r->shortened)
		printf("%zu entr%s had tags longer or more than an entry "
		       "holds (%d tags of up to %d bytes): they were shortened "
		       "to fit, and the text still holds them.\n",
		       r->shortened, r->shortened == 1 ? "y" : "ies",
		       JOURNAL_MAX_TAGS, JOURNAL_TAG_MAX);
	if (r->empty)
		printf("%zu entr%s held no text and no tags, so %s left "
		       "out.\n",
		       r->empty, r->empty == 1 ? "y" : "ies",
		       r->empty == 1 ? "it was" : "they were");
	return 0;
}

static int
cmd_import(int argc, char **argv, struct cmd_ctx *ctx)
{
	enum transfer_format format = TRANSFER_JRNL;
	struct transfer_result res;
	char err[TRANSFER_ERR_MAX];
	bool json = false;
	struct opt_words w;
	struct vault *v;
	int rc = opt_parse(argc, argv, &json, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (w.n != 1)
		return usage_error(w.n ? "'import' takes one file at a time."
		                       : "'import' needs the file to read "
		                         "('-' for standard input).");
	const char *path = w.v[0];
	bool from_stdin = strcmp(path, "-") == 0;
	if (from_stdin && ctx->passphrase_file &&
	    strcmp(ctx->passphrase_file, "-") == 0)
		return usage_error("The passphrase and the file cannot both "
		                   "come from standard input; give the file's "
		                   "name instead of '-'.");
	if (from_stdin && isatty(STDIN_FILENO))
		return usage_error("'import -' reads the file from standard "
		                   "input; pipe it in (selfhelp import - < "
		                   "FILE) or give its name.");

	/* One transaction: a file that cannot be imported, found out at
	 * any point of it, leaves the vault as it was. A jrnl export is
	 * streamed (transfer_import_stream), so memory stays small. */
	const char *name = from_stdin ? "standard input" : path;
	struct reader rd = {.fp = from_stdin ? stdin : fopen(path, "rbe")};
	if (!rd.fp)
		return fail("Could not open %s (%s).", path, strerror(errno));
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if (vault_begin_bulk(v)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
#ifdef M_TRIM_THRESHOLD
	/* glibc raises its trim threshold as large blocks are freed, and
	 * then keeps what a large import frees as the vault's index and
	 * filter buckets are spread anew (some 15 MiB at 100,000 entries):
	 * a fixed one gives it back. */
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
	rc = transfer_import_stream(v, read_file, &rd, &res, &format, err);
	if (rc) {
		vault_rollback(v);
		if (rc == TRANSFER_READ_FAILED && rd.too_big)
			fail("%s is larger than selfhelp imports (%zu MiB).",
			     name, IMPORT_MAX >> 20);
		else if (rc == TRANSFER_READ_FAILED)
			fail("Could not read %s (%s).", name,
			     strerror(rd.error));
		else
			fail("Nothing was imported: %s.", err);
		if (rc == TRANSFER_CONFLICT) {
			for (size_t i = 0;
			     i < res.nconflicts && i < TRANSFER_CONFLICTS_MAX;
			     i++)
				fprintf(stderr, "  %s\n", res.conflicts[i]);
			if (res.nconflicts > TRANSFER_CONFLICTS_MAX)
				fprintf(stderr, "  ... and %zu more\n",
				        res.nconflicts -
				                TRANSFER_CONFLICTS_MAX);
		}
		rc = 1;
		goto out;
	}
	if (vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	rc = print_counts(format, &res, json);
out:
	if (!from_stdin)
		fclose(rd.fp);
	return rc;
}

static const struct opt import_options[] = {
        {"json", 0, OPT_FLAG, 0, NULL, .help = "say what was imported as JSON"},
        {0},
};

const struct command import_command = {
        "import",
        cmd_import,
        "bring in a selfhelp export or a jrnl journal",
        .args = "FILE",
        .opts = import_options,
        .help = import_help,
        .hint = HINT_FILES,
        .flags = CMD_GROUP_DATA,
};
