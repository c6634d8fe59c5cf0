/* selfhelp check: is the vault file sound and does every record read? */
#include "cmd.h"
#include "journal.h"
#include "output.h"
#include "transfer.h"
#include "util.h"
#include "vault.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>

static const char *const check_usage[] = {
        "selfhelp check [--json]",
        NULL,
};

static const char check_help[] =
        "Check your vault: SQLite's integrity check of the file, then every\n"
        "record is decrypted and authenticated. Records that do not read are\n"
        "listed by id and kind; check repairs nothing. The exit status is 1\n"
        "when anything is damaged.\n"
        "\n"
        "  --json   print the result as JSON\n";

/*
 * A damaged row's id and kind are read from the table as they are, so
 * anyone who can write the file chooses them: the id is shown only when it
 * is a record id (shown_id), the kind through the display sanitizer, as
 * one line, into kind (UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX) bytes).
 */
static const char *
damaged_kind(const struct transfer_damaged *d, char *kind)
{
	util_clean(kind, d->kind, strnlen(d->kind, TRANSFER_KIND_MAX),
	           clean_locale());
	return kind;
}

static int
print_check_json(const char *file_msg, const struct transfer_check_result *r,
                 bool stale)
{
	char kind[UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX)];
	json_t *damaged = json_array();
	for (size_t i = 0; damaged && i < r->ndamaged; i++)
		json_array_append_new(
		        damaged, json_pack("{s:s, s:s}", "id",
		                           shown_id(r->damaged[i].id), "kind",
		                           damaged_kind(&r->damaged[i], kind)));
	json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:s}", "file",
	                      file_msg ? file_msg : "ok", "records",
	                      (json_int_t)(r->fine + r->ndamaged), "fine",
	                      (json_int_t)r->fine, "damaged", damaged, "index",
	                      stale ? "out of date" : "ok");
	int rc = o ? json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII)
	           : -1;
	json_decref(o);
	fputc('\n', stdout);
	return rc == 0 ? 0 : fail("Could not write the JSON output.");
}

static void
print_text(const char *file_msg, const struct transfer_check_result *r,
           bool stale)
{
	size_t total = r->fine + r->ndamaged;
	/* SQLite's words may name what the file holds: through the
	 * sanitizer too. */
	if (file_msg) {
		print_clean_str(file_msg, UTIL_CLEAN_LINES, stdout);
		fputc('\n', stdout);
	} else {
		printf("The vault file is sound.\n");
	}
	if (stale)
		printf("The journal's listing index (which finds the newest "
		       "entries quickly) is missing or out of date. No entry "
		       "is affected; the next 'selfhelp journal list' builds "
		       "it "
		       "again.\n");
	if (total == 0) {
		printf("The vault holds no records yet.\n");
		return;
	}
	if (r->ndamaged == 0) {
		if (total == 1)
			printf("The one record is fine.\n");
		else
			printf("All %zu records are fine.\n", total);
		return;
	}
	printf("%zu record%s fine; %zu could not be read (damaged, or "
	       "changed outside selfhelp):\n",
	       r->fine, r->fine == 1 ? " is" : "s are", r->ndamaged);
	for (size_t i = 0; i < r->ndamaged; i++) {
		char kind[UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX)];
		printf("  %s  %s\n", shown_id(r->damaged[i].id),
		       damaged_kind(&r->damaged[i], kind));
	}
	printf("A backup made earlier ('selfhelp backup') still holds them "
	       "as they were.\n");
}

int
cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	struct transfer_check_result res = {0};
	char err[TRANSFER_ERR_MAX], file_msg[TRANSFER_ERR_MAX];
	bool json = false, file_ok, stale = false;
	struct vault *v;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage_print(check_usage, stdout);
			fputs("\n", stdout);
			fputs(check_help, stdout);
			return 0;
		default:
			return usage_error(check_usage,
			                   "'%s' is not an option of 'check'.",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(check_usage, "'check' takes options only.");
	if (!(v = cmd_vault(ctx)))
		return 1;
	file_ok = vault_integrity_check(v) == VAULT_OK;
	if (!file_ok)
		snprintf(file_msg, sizeof(file_msg), "%s", vault_errmsg(v));
	if (transfer_check(v, &res, err))
		return fail("Could not check every record: %s.", err);
	if (vault_listing_check(v, JOURNAL_KIND, &stale)) {
		transfer_check_release(&res);
		return fail("Could not check the listing index: %s",
		            vault_errmsg(v));
	}
	rc = json ? print_check_json(file_ok ? NULL : file_msg, &res, stale)
	          : 0;
	if (!json)
		print_text(file_ok ? NULL : file_msg, &res, stale);
	if (!rc && (!file_ok || res.ndamaged))
		rc = 1;
	transfer_check_release(&res);
	return rc;
}
