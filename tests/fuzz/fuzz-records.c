/*
 * Record decoding: the decrypted plaintext layouts of journal entries,
 * trigger records and grounding ratings, and of every kind the export
 * codecs know (group meetings) or carry raw, read back through the public
 * API that decodes them. Input: a record as stored,
 *
 *   line 1   its kind ("journal", "trigger", "rating", "group", any other)
 *   line 2   its head (JSON as the module writes it)
 *   rest     its body
 *
 * It is stored in a scratch vault (vault_put, inside a transaction that is
 * rolled back) and read by journal_list/journal_get, trigger_list/
 * record_get (then the `trigger-log edit` text and the insights figures
 * of stats_compute), rating_list/rating_decode, transfer_check, and
 * transfer_export with its Markdown rendering.
 *
 * Checks: a record of a kind is read or reported as damaged, never both
 * nor neither; decoded values lie in their documented ranges; a trigger
 * record as trigger.c writes it survives its edit layout unchanged; the
 * export document renders as Markdown and always imports again, into an
 * empty vault (restoring the record) and then into that same vault
 * (adding nothing, conflicting with nothing).
 */
#include "fuzz.h"

#include "journal.h"
#include "rating.h"
#include "stats.h"
#include "transfer.h"
#include "trigger.h"
#include "vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_MAX = 40, STATS_WEEKS = 8 };

static void
count_damaged(void *arg, const char *id)
{
	(void)id;
	++*(size_t *)arg;
}

static void
check_journal(struct vault *v, const char *id, bool is_kind)
{
	struct journal_filter f = {.with_text = true};
	struct journal_entry **list = NULL, *e = NULL;
	size_t n = 0, damaged = 0;
	FUZZ_CHECK(journal_list(v, &f, &list, &n, count_damaged, &damaged) ==
	           0);
	FUZZ_CHECK(n + damaged == (is_kind ? 1u : 0u));
	for (size_t i = 0; i < n; i++) {
		e = list[i];
		FUZZ_CHECK(strcmp(e->id, id) == 0);
		FUZZ_CHECK(e->mood == JOURNAL_NO_MOOD ||
		           (e->mood >= 0 && e->mood <= 10));
		FUZZ_CHECK(e->ntags <= JOURNAL_MAX_TAGS && e->preview);
		for (size_t t = 0; t < e->ntags; t++)
			FUZZ_CHECK(e->tags[t]);
		FUZZ_CHECK(e->text && strlen(e->text) <= e->textlen);
	}
	journal_entries_free(list, n);

	int rc = journal_get(v, id, &e);
	if (!is_kind) {
		FUZZ_CHECK(rc == VAULT_NOT_FOUND && !e);
		return;
	}
	FUZZ_CHECK((rc == 0) == (n == 1));
	FUZZ_CHECK(rc == 0 || rc == VAULT_DAMAGED);
	journal_entry_free(e);
}

/* Would trigger.c store r's lists and texts as they are: adding each
 * item and setting each text again gives the same record? */
static bool
written_by_trigger_c(const struct trigger_record *r)
{
	struct trigger_record again;
	bool same = true;
	record_init(&trigger_kind, &again, 0);
	again.when = r->when;
	again.before = r->before;
	again.after = r->after;
	again.state = r->state;
	again.felt_age = r->felt_age;
	for (int l = 0; same && l < TRIGGER_NLISTS; l++)
		for (size_t i = 0; same && i < r->list[l].n; i++)
			same = !strchr(r->list[l].v[i], ',') &&
			       record_add_items(
			               trigger_list_field((enum trigger_list)l),
			               &again,
			               r->list[l].v[i]) == RECORD_PROBLEM_NONE;
	for (int t = 0; same && t < TRIGGER_NTEXTS; t++)
		same = !r->text[t] ||
		       record_set_text(trigger_text_field((enum trigger_text)t),
		                       &again,
		                       r->text[t]) == RECORD_PROBLEM_NONE;
	same = same && record_same(&trigger_kind, r, &again);
	record_release(&trigger_kind, &again);
	return same;
}

static void
check_trigger_record(const struct trigger_record *r)
{
	FUZZ_CHECK(r->before == TRIGGER_NO_RATING ||
	           (r->before >= 0 && r->before <= TRIGGER_RATING_MAX));
	FUZZ_CHECK(r->after == TRIGGER_NO_RATING ||
	           (r->after >= 0 && r->after <= TRIGGER_RATING_MAX));
	FUZZ_CHECK(r->felt_age == TRIGGER_NO_AGE ||
	           (r->felt_age >= 0 && r->felt_age <= TRIGGER_AGE_MAX));
	FUZZ_CHECK(r->state <= TRIGGER_TOO_LITTLE);
	for (int l = 0; l < TRIGGER_NLISTS; l++) {
		FUZZ_CHECK(r->list[l].n <= TRIGGER_MAX_ITEMS);
		for (size_t i = 0; i < r->list[l].n; i++)
			FUZZ_CHECK(r->list[l].v[i]);
	}

	/* `trigger-log edit` with no change keeps the record, when its
	 * strings are ones trigger.c itself writes (an imported record may
	 * hold others, which the layout may not carry). */
	if (!written_by_trigger_c(r))
		return;
	size_t len = 0;
	char *text = record_format_text(&trigger_kind, r, &len), err[512];
	struct trigger_record back;
	FUZZ_CHECK(text);
	FUZZ_CHECK(record_parse_text(&trigger_kind, text, len, r, FUZZ_NOW,
	                             &back, err, sizeof(err)) == 0);
	FUZZ_CHECK(fuzz_trigger_same(r, &back));
	record_release(&trigger_kind, &back);
	free(text);
}

static void
check_trigger(struct vault *v, const char *id, bool is_kind)
{
	struct trigger_filter f = {.with_body = true};
	struct trigger_record **list = NULL, *r = NULL;
	size_t n = 0, damaged = 0;
	FUZZ_CHECK(trigger_list(v, &f, &list, &n, count_damaged, &damaged) ==
	           0);
	FUZZ_CHECK(n + damaged == (is_kind ? 1u : 0u));
	for (size_t i = 0; i < n; i++)
		check_trigger_record(list[i]);

	/* What `insights` shows: the last weeks, with ratings as uses. */
	struct stats_use use = {"Orienting", 7, 3, FUZZ_NOW - 3600};
	struct stats_input in = {
	        .records = (const struct trigger_record *const *)list,
	        .nrecords = n,
	        .extra_uses = &use,
	        .nextra = 1,
	        .since = FUZZ_NOW - STATS_WEEKS * 7 * 86400,
	        .until = FUZZ_NOW,
	};
	struct stats *s = NULL;
	FUZZ_CHECK(stats_compute(&in, &s) == 0);
	FUZZ_CHECK(s->nrecords <= n);
	stats_free(s);
	trigger_records_free(list, n);

	int rc = record_get(v, &trigger_kind, id, (void **)&r);
	if (!is_kind) {
		FUZZ_CHECK(rc == VAULT_NOT_FOUND && !r);
		return;
	}
	FUZZ_CHECK((rc == 0) == (n == 1));
	FUZZ_CHECK(rc == 0 || rc == VAULT_DAMAGED);
	if (r)
		check_trigger_record(r);
	record_free(&trigger_kind, r);
}

static void
check_rating(struct vault *v, const char *id, const uint8_t *head,
             size_t headlen, bool is_kind)
{
	struct rating *list = NULL, one;
	size_t n = 0, damaged = 0;
	FUZZ_CHECK(rating_list(v, 0, 0, &list, &n, count_damaged, &damaged) == 0);
	FUZZ_CHECK(n + damaged == (is_kind ? 1u : 0u));
	int rc = rating_decode(id, head, headlen, &one);
	FUZZ_CHECK(!is_kind || (rc == 0) == (n == 1));
	if (rc == 0) {
		FUZZ_CHECK(one.before == RATING_NONE ||
		           (one.before >= 0 && one.before <= 10));
		FUZZ_CHECK(one.after == RATING_NONE ||
		           (one.after >= 0 && one.after <= 10));
		FUZZ_CHECK(memchr(one.exercise, '\0', sizeof(one.exercise)));
	}
	free(list);
}

/*
 * The export of the vault (one record) reads back; imported into the
 * vault emptied, it adds that record; then export and import into the
 * same vault adds nothing and conflicts with nothing. Ends the
 * transaction.
 */
static void
check_transfer(struct vault *v)
{
	char err[TRANSFER_ERR_MAX];
	struct transfer_check_result cr = {0};
	FUZZ_CHECK(transfer_check(v, &cr, err) == 0);
	FUZZ_CHECK(cr.fine + cr.ndamaged == 1);
	transfer_check_release(&cr);

	size_t nrec, problems;
	struct transfer_doc *d = fuzz_export(v, &nrec, &problems);
	FUZZ_CHECK(nrec + problems == 1);
	vault_rollback(v);

	struct transfer_result res;
	FUZZ_CHECK(vault_begin(v) == 0);
	int rc = transfer_import(v, d, &res, err);
	if (rc)
		fprintf(stderr, "import into an empty vault: %s\n", err);
	FUZZ_CHECK(rc == 0 && res.added == nrec);
	transfer_doc_free(d);

	size_t again;
	d = fuzz_export(v, &again, &problems);
	FUZZ_CHECK(again == nrec && problems == 0);
	rc = transfer_import(v, d, &res, err);
	if (rc)
		fprintf(stderr, "import into the same vault: %s\n", err);
	FUZZ_CHECK(rc == 0 && res.added == 0 && res.nconflicts == 0 &&
	           res.skipped == nrec);
	transfer_doc_free(d);
	vault_rollback(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;
	const uint8_t *nl1 = memchr(data, '\n', size);
	if (!nl1 || nl1 - data >= KIND_MAX)
		return -1;
	const uint8_t *head = nl1 + 1;
	const uint8_t *nl2 = memchr(head, '\n', (size_t)(end - head));
	size_t headlen = nl2 ? (size_t)(nl2 - head) : (size_t)(end - head);
	const uint8_t *body = nl2 ? nl2 + 1 : end;
	size_t bodylen = (size_t)(end - body);
	char kind[KIND_MAX];
	memcpy(kind, data, (size_t)(nl1 - data));
	kind[nl1 - data] = '\0';

	/* Every kind the program stores (or imports) is a kind name. */
	if (!transfer_kind_ok(kind))
		return -1;

	struct vault *v = fuzz_vault();
	char id[VAULT_ID_HEX + 1];
	FUZZ_CHECK(vault_begin(v) == 0);
	FUZZ_CHECK(vault_put(v, NULL, kind, head, headlen, body, bodylen, id) ==
	           0);
	check_journal(v, id, strcmp(kind, JOURNAL_KIND) == 0);
	check_trigger(v, id, strcmp(kind, TRIGGER_KIND) == 0);
	check_rating(v, id, head, headlen, strcmp(kind, RATING_KIND) == 0);
	check_transfer(v);
	return 0;
}
