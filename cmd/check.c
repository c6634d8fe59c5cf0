/*
 * selfhelp check: is the vault file sound, does its state (what it holds,
 * and which version of each) match the records, do its keys and every
 * record read? And check --repair, for a damaged state or index.
 */
#include "cmd.h"
#include "output.h"
#include "pin.h"
#include "transfer.h"
#include "util.h"
#include "vault.h"

#include <glob.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char check_help[] =
        "Check your vault: SQLite's integrity check of the file, the vault's\n"
        "own record of what it holds (its state and index: which records,\n"
        "which version of each), its keys, and every record, decrypted and\n"
        "authenticated. Records that do not read, rows the vault does not\n"
        "know and records written while locked that were set aside are\n"
        "listed; check changes nothing. The exit status is 1 when anything\n"
        "is wrong.\n";

struct check_opts {
	bool json, repair;
};

static const struct opt check_options[] = {
        {"json", 0, OPT_FLAG, offsetof(struct check_opts, json), NULL,
         .help = "print the result as JSON"},
        {"repair", 0, OPT_FLAG, offsetof(struct check_opts, repair), NULL,
         .help = "when the vault's state or index is damaged: build them\n"
                 "again from the records the file holds; otherwise make\n"
                 "the search shortcut again"},
        {0},
};

/* What check found, beyond the records themselves. */
struct findings {
	const char *file_msg; /* NULL: the file is sound */
	bool state_ok, stale;
	struct vault_check_report r;
	struct vault_filter_report filters;
	bool have_report;
};

static const char *
problem_word(enum vault_problem p)
{
	switch (p) {
	case VAULT_PROBLEM_OLDER:
		return "older";
	case VAULT_PROBLEM_MISSING:
		return "missing";
	case VAULT_PROBLEM_DAMAGED:
		return "damaged";
	default:
		return "unreadable";
	}
}

static const char *
aside_word(enum vault_aside_reason why)
{
	switch (why) {
	case VAULT_ASIDE_DAMAGED:
		return "written while locked, damaged";
	case VAULT_ASIDE_KIND:
		return "written while locked, of a kind never taken that way";
	case VAULT_ASIDE_REPLAY:
		return "a copy of a record already here";
	default:
		return "not one the vault knows";
	}
}

static bool
all_well(const struct findings *f, const struct transfer_check_result *res,
         bool has_slot)
{
	const struct vault_check_report *r = &f->r;
	return !f->file_msg && f->state_ok && f->have_report &&
	       !res->ndamaged && r->secret_key_ok && r->public_key_ok &&
	       (r->recovery_expected ? r->recovery_slot_ok : !has_slot) &&
	       !r->nrows && !r->waiting && !f->filters.stale &&
	       !f->filters.unopened;
}

static const char *
recovery_word(const struct vault_check_report *r, bool has_slot)
{
	if (r->recovery_expected)
		return r->recovery_slot_ok ? "ok"
		       : has_slot          ? "changed"
		                           : "missing";
	return has_slot ? "unknown" : "none";
}

/* "ok", "incomplete" (records without one), "damaged". */
static const char *
filters_word(const struct vault_filter_report *r)
{
	return r->stale || r->unopened ? "damaged"
	       : r->missing            ? "incomplete"
	                               : "ok";
}

/*
 * The id and kind of a record that does not read, shown through the
 * display sanitizer however they came to be: the id only when it is a
 * record id (shown_id), the kind as one line into kind
 * (UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX) bytes).
 */
static const char *
damaged_kind(const struct transfer_damaged *d, char *kind)
{
	util_clean(kind, d->kind, strnlen(d->kind, TRANSFER_KIND_MAX),
	           clean_locale());
	return kind;
}

static int
print_check_json(const struct findings *f,
                 const struct transfer_check_result *res, bool has_slot)
{
	char kind[UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX)];
	json_t *damaged = json_array(), *rows = json_array();
	for (size_t i = 0; damaged && i < res->ndamaged; i++)
		json_array_append_new(
		        damaged,
		        json_pack("{s:s, s:s, s:s}", "id",
		                  shown_id(res->damaged[i].id), "kind",
		                  damaged_kind(&res->damaged[i], kind),
		                  "problem",
		                  problem_word(res->damaged[i].problem)));
	for (size_t i = 0; f->have_report && rows && i < f->r.nrows; i++)
		json_array_append_new(
		        rows, json_pack("{s:I, s:s}", "row",
		                        (json_int_t)f->r.rows[i].rowid, "why",
		                        f->r.rows[i].why == VAULT_ASIDE_DAMAGED
		                                ? "damaged"
		                        : f->r.rows[i].why == VAULT_ASIDE_KIND
		                                ? "kind"
		                        : f->r.rows[i].why == VAULT_ASIDE_REPLAY
		                                ? "copy"
		                                : "unknown"));
	json_t *o = json_pack(
	        "{s:s, s:I, s:I, s:o, s:s, s:s, s:s, s:o, s:I, s:s}", "file",
	        f->file_msg ? f->file_msg : "ok", "records",
	        (json_int_t)(res->fine + res->ndamaged), "fine",
	        (json_int_t)res->fine, "damaged", damaged, "index",
	        !f->state_ok ? "damaged"
	        : f->stale   ? "out of date"
	                     : "ok",
	        "keys",
	        f->have_report && f->r.secret_key_ok && f->r.public_key_ok
	                ? "ok"
	                : "damaged",
	        "recovery_code",
	        f->have_report ? recovery_word(&f->r, has_slot) : "unknown",
	        "set_aside", rows, "waiting",
	        (json_int_t)(f->have_report ? f->r.waiting : 0),
	        "search_filters",
	        f->state_ok ? filters_word(&f->filters) : "unknown");
	int rc = o ? json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII)
	           : -1;
	json_decref(o);
	fputc('\n', stdout);
	return rc == 0 ? 0 : fail("Could not write the JSON output.");
}

static void
print_text(const struct findings *f, const struct transfer_check_result *res,
           bool has_slot)
{
	const struct vault_check_report *r = &f->r;
	size_t total = res->fine + res->ndamaged;
	/* SQLite's words may name what the file holds: through the
	 * sanitizer too. */
	if (f->file_msg) {
		print_clean_str(f->file_msg, UTIL_CLEAN_LINES, stdout);
		fputc('\n', stdout);
	} else {
		printf("The vault file is sound.\n");
	}
	if (!f->state_ok) {
		printf("The vault's own record of what it holds (its state and "
		       "index) is damaged, or an\nolder copy of it was put "
		       "back. 'selfhelp check --repair' builds it again from "
		       "the\nrecords the file holds.\n");
		return;
	}
	if (f->stale)
		printf("The index does not know the dates of some entries (no "
		       "entry is affected); the\nnext 'selfhelp journal list' "
		       "puts them right.\n");
	if (f->filters.stale || f->filters.unopened)
		printf("Part of the search shortcut (the encrypted word "
		       "filters) does not match the\nrecords: it is damaged, "
		       "or an older copy was put back. Searches still find\n"
		       "everything. 'selfhelp check --repair' makes it "
		       "again.\n");
	else if (f->filters.missing)
		printf("%zu record%s no search shortcut yet, so searching "
		       "reads %s in full each time;\n'selfhelp check "
		       "--repair' adds it (nothing else changes).\n",
		       f->filters.missing,
		       f->filters.missing == 1 ? " has" : "s have",
		       f->filters.missing == 1 ? "it" : "them");
	if (f->have_report) {
		if (!r->secret_key_ok || !r->public_key_ok)
			printf("The vault's header is damaged: its key for "
			       "records written while locked does not\nopen "
			       "or does not match, so such records could not "
			       "be read.\n");
		if (r->recovery_expected && !r->recovery_slot_ok)
			printf("The recovery code's key is %s in the file, so "
			       "the recovery code may not open the\nvault. "
			       "'selfhelp recovery-code --new' makes a new "
			       "one.\n",
			       has_slot ? "changed" : "missing");
		else if (!r->recovery_expected && has_slot)
			printf("The file holds a recovery key the vault never "
			       "made (put back from an older copy?);\n"
			       "'selfhelp recovery-code --new' or --remove "
			       "sets it right.\n");
		if (r->waiting)
			printf("%zu record%s written while the vault was "
			       "locked %s waiting to be added.\n",
			       r->waiting, r->waiting == 1 ? "" : "s",
			       r->waiting == 1 ? "is" : "are");
		if (r->nrows) {
			printf("%zu row%s in the file %s kept aside, not used "
			       "(nothing was deleted):\n",
			       r->nrows, r->nrows == 1 ? "" : "s",
			       r->nrows == 1 ? "is" : "are");
			for (size_t i = 0; i < r->nrows; i++)
				printf("  row %lld  %s\n",
				       (long long)r->rows[i].rowid,
				       aside_word(r->rows[i].why));
			printf("If you did not write them, someone else may "
			       "have changed the vault file. 'selfhelp\npasswd "
			       "--rekey' makes a new key for the vault and "
			       "removes them.\n");
		}
	}
	if (total == 0) {
		printf("The vault holds no records yet.\n");
		return;
	}
	if (res->ndamaged == 0) {
		if (total == 1)
			printf("The one record is fine.\n");
		else
			printf("All %zu records are fine.\n", total);
		return;
	}
	printf("%zu record%s fine; %zu could not be read (damaged, or "
	       "changed outside selfhelp):\n",
	       res->fine, res->fine == 1 ? " is" : "s are", res->ndamaged);
	for (size_t i = 0; i < res->ndamaged; i++) {
		const struct transfer_damaged *d = &res->damaged[i];
		char kind[UTIL_CLEAN_SIZE(TRANSFER_KIND_MAX)];
		printf("  %s  %s%s\n", shown_id(d->id), damaged_kind(d, kind),
		       d->problem == VAULT_PROBLEM_OLDER
		               ? "  (an older version was put back)"
		       : d->problem == VAULT_PROBLEM_MISSING
		               ? "  (missing from the file)"
		               : "");
	}
	printf("A backup made earlier ('selfhelp backup') still holds them "
	       "as they were.\n");
}

/* After a check that found everything fine: the copy of a format 1
 * file kept by the migration is no longer needed. */
static void
drop_format1_copies(struct vault *v, bool quiet)
{
	char pattern[4200];
	glob_t g;
	snprintf(pattern, sizeof(pattern), "%s.format1*", vault_path(v));
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (unlink(g.gl_pathv[i]) == 0 && !quiet)
			printf("The copy of the vault from before its update "
			       "(%s) is no longer needed and was\nremoved.\n",
			       g.gl_pathv[i]);
	globfree(&g);
}

static int
repair(struct cmd_ctx *ctx)
{
	char vid[VAULT_ID_HEX + 1];
	struct pin pin;
	size_t kept = 0, aside = 0;
	struct vault *v;
	ctx->repair = true;
	if (!(v = ctx_vault(ctx)))
		return 1;
	struct vault_check_report r;
	bool sound = !vault_state_damaged(v) && vault_check(v, &r) == VAULT_OK;
	if (sound) {
		sound = r.state_ok;
		vault_check_release(&r);
	}
	if (sound) {
		/* the state and index are sound: only what is built from
		 * the records, the search filters, is made again */
		if (vault_filters_rebuild(v))
			return fail("%s", vault_errmsg(v));
		printf("The vault's state and index are sound, so they were "
		       "left as they are; the\nsearch shortcut was made "
		       "again from the records.\n");
		return 0;
	}
	vault_id_hex(v, vid);
	uint64_t floor = pin_load(vid, &pin) == PIN_OK ? pin.counter : 0;
	if (vault_repair(v, floor, &kept, &aside))
		return fail("%s", vault_errmsg(v));
	printf("The vault's index was built again from the %zu record%s the "
	       "file holds",
	       kept, kept == 1 ? "" : "s");
	if (aside)
		printf("; %zu row%s could not be used and %s kept aside", aside,
		       aside == 1 ? "" : "s", aside == 1 ? "was" : "were");
	printf(".\nIf the file was changed by someone else, records deleted "
	       "earlier may be back, or\nolder versions of some: look "
	       "through them, or put back a backup instead.\n");
	return 0;
}

static int
cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct transfer_check_result res = {0};
	struct findings f = {0};
	char err[TRANSFER_ERR_MAX], file_msg[TRANSFER_ERR_MAX];
	struct check_opts o = {0};
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	bool json = o.json, do_repair = o.repair;
	if (do_repair && json)
		return usage_error("--repair and --json do not go together.");
	if (do_repair)
		return repair(ctx);
	ctx->repair = true; /* a damaged index is what check reports */
	if (!(v = ctx_vault(ctx)))
		return 1;
	if (vault_integrity_check(v) != VAULT_OK) {
		snprintf(file_msg, sizeof(file_msg), "%s", vault_errmsg(v));
		f.file_msg = file_msg;
	}
	f.have_report =
	        !vault_state_damaged(v) && vault_check(v, &f.r) == VAULT_OK;
	f.state_ok = f.have_report && f.r.state_ok;
	if (f.state_ok) {
		/* One walk decodes every record and, on the way, works out
		 * each one's search filter and sort key; the index is
		 * compared with them after it, in the same snapshot. */
		if (vault_read_begin(v) || vault_verify_begin(v)) {
			vault_read_end(v);
			vault_check_release(&f.r);
			return fail("Could not check the index: %s",
			            vault_errmsg(v));
		}
		if (transfer_check(v, &res, err)) {
			vault_verify_cancel(v);
			vault_read_end(v);
			vault_check_release(&f.r);
			return fail("Could not check every record: %s.", err);
		}
		if (vault_verify_end(v, &f.filters, &f.stale)) {
			vault_read_end(v);
			transfer_check_release(&res);
			vault_check_release(&f.r);
			return fail("Could not check the index: %s",
			            vault_errmsg(v));
		}
		vault_read_end(v);
	}
	bool has_slot = vault_has_recovery(v);
	rc = json ? print_check_json(&f, &res, has_slot) : 0;
	if (!json)
		print_text(&f, &res, has_slot);
	bool well = all_well(&f, &res, has_slot);
	if (!rc && !well)
		rc = 1;
	if (well)
		drop_format1_copies(v, json);
	transfer_check_release(&res);
	vault_check_release(&f.r);
	return rc;
}

const struct command check_command = {
        "check",
        cmd_check,
        "check that every record is sound",
        .opts = check_options,
        .help = check_help,
        .flags = CMD_GROUP_DATA,
};
