/*
 * Import documents (lib/transfer.h): transfer_parse on a selfhelp export
 * or a jrnl JSON export, then transfer_import into a scratch vault (in a
 * transaction that is rolled back), then transfer_export of what was
 * stored and its Markdown rendering. Input: the file.
 *
 * Checks: an error names what is the matter; a parsed document has the
 * format it was detected as; every record is added, skipped, a
 * conflict, a repeat or empty; what was imported exports again (also as
 * Markdown), and that export imports into the same vault adding nothing.
 */
#include "fuzz.h"

#include "transfer.h"
#include "vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What was imported exports, and that export imports into the same
 * vault without adding or conflicting. */
static void
check_export(struct vault *v, size_t stored)
{
	char err[TRANSFER_ERR_MAX];
	size_t nrec, problems;
	struct transfer_doc *d = fuzz_export(v, &nrec, &problems);
	FUZZ_CHECK(nrec == stored && problems == 0);
	struct transfer_result res;
	int rc = transfer_import(v, d, &res, err);
	if (rc)
		fprintf(stderr, "import into the same vault: %s\n", err);
	FUZZ_CHECK(rc == 0 && res.added == 0 && res.nconflicts == 0 &&
	           res.skipped == nrec);
	transfer_doc_free(d);
}

struct piece_reader {
	const uint8_t *data;
	size_t size, at;
};

/* The input in pieces of up to 5 bytes, across every token's end. */
static ssize_t
read_piece(void *arg, char *buf, size_t n)
{
	struct piece_reader *r = arg;
	size_t k = r->size - r->at < 5 ? r->size - r->at : 5;
	if (k > n)
		k = n;
	memcpy(buf, r->data + r->at, k);
	r->at += k;
	return (ssize_t)k;
}

/*
 * The streaming import (transfer_import_stream) of the same input gives
 * the status and counts of transfer_parse + transfer_import: `rc` and
 * `want` are theirs (want NULL when parse failed). Not compared: a jrnl
 * file that also holds "selfhelp_export" (the stream refuses what the
 * whole-file reader takes for a selfhelp export), and JSON nested deeper
 * than jansson reads (an entry alone nests less deep than in the file).
 */
static void
check_stream(struct vault *v, const uint8_t *data, size_t size, int rc,
             const struct transfer_result *want)
{
	char err[TRANSFER_ERR_MAX];
	struct piece_reader r = {data, size, 0};
	struct transfer_result res;
	enum transfer_format fmt;
	FUZZ_CHECK(vault_begin(v) == 0);
	int src = transfer_import_stream(v, read_piece, &r, &res, &fmt, err);
	vault_rollback(v);
	if (memmem(data, size, "selfhelp_export", 15) ||
	    strstr(err, "nests too deeply"))
		return;
	if (src != rc)
		fprintf(stderr, "stream: %d (%s), whole file: %d\n", src, err,
		        rc);
	FUZZ_CHECK(src == rc);
	FUZZ_CHECK(!src == !err[0] || src == TRANSFER_CONFLICT);
	if (src == 0 && want)
		FUZZ_CHECK(res.added == want->added &&
		           res.skipped == want->skipped &&
		           res.repeats == want->repeats &&
		           res.empty == want->empty &&
		           res.records == want->records);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[TRANSFER_ERR_MAX];
	struct transfer_doc *d = NULL;
	struct vault *v = fuzz_vault(); /* sets jansson's allocator first */
	int rc = transfer_parse((const char *)data, size, &d, err);
	if (rc) {
		FUZZ_CHECK(rc == TRANSFER_UNREADABLE || rc == TRANSFER_NEWER);
		FUZZ_CHECK(!d && err[0] && memchr(err, '\0', sizeof(err)));
		check_stream(v, data, size, rc, NULL);
		return 0;
	}
	enum transfer_format fmt = transfer_doc_format(d);
	FUZZ_CHECK(fmt == TRANSFER_SELFHELP || fmt == TRANSFER_JRNL);
	size_t count = transfer_doc_count(d);

	struct transfer_result res;
	FUZZ_CHECK(vault_begin(v) == 0);
	rc = transfer_import(v, d, &res, err);
	FUZZ_CHECK(rc == 0 || rc == TRANSFER_CONFLICT);
	FUZZ_CHECK(res.added + res.skipped + res.nconflicts + res.repeats +
	                   res.empty ==
	           count);
	FUZZ_CHECK((rc == TRANSFER_CONFLICT) == (res.nconflicts > 0));
	if (rc == 0)
		check_export(v, res.added);
	vault_rollback(v);
	check_stream(v, data, size, rc, &res);
	transfer_doc_free(d);
	return 0;
}
