/*
 * What people type into trigger records and journal tags (lib/trigger.h,
 * lib/journal.h): the `trigger-log edit` layout (record_parse_text), and
 * for short inputs the cleaning of list items, free text, names and tags.
 * Input: the edited text.
 *
 * Checks: a parsed record has its values in range and reads back
 * unchanged from its own layout (record_format_text; lines of only
 * spaces in free text may come back empty); on an error the record is
 * empty and the message is there; cleaned items and tags are UTF-8
 * without control characters (C0, DEL, C1: util_has_control), and free
 * texts without C0 ones but newline and tab (C1 in free text is kept, and
 * left to the display sanitizer, util_clean); a tag normalises to itself
 * a second time.
 */
#include "fuzz.h"

#include "journal.h"
#include "trigger.h"

#include <stdlib.h>
#include <string.h>

enum { SHORT_INPUT = 300 };

static void
check_record(const struct trigger_record *r)
{
	FUZZ_CHECK(r->before == TRIGGER_NO_RATING ||
	           (r->before >= 0 && r->before <= TRIGGER_RATING_MAX));
	FUZZ_CHECK(r->after == TRIGGER_NO_RATING ||
	           (r->after >= 0 && r->after <= TRIGGER_RATING_MAX));
	FUZZ_CHECK(r->felt_age == TRIGGER_NO_AGE ||
	           (r->felt_age >= 0 && r->felt_age <= TRIGGER_AGE_MAX));
	for (int l = 0; l < TRIGGER_NLISTS; l++) {
		FUZZ_CHECK(r->list[l].n <= TRIGGER_MAX_ITEMS);
		for (size_t i = 0; i < r->list[l].n; i++) {
			const char *s = r->list[l].v[i];
			FUZZ_CHECK(s && *s && strlen(s) <= TRIGGER_ITEM_MAX);
			FUZZ_CHECK(fuzz_printable(s, strlen(s), "", false));
		}
	}
	for (int t = 0; t < TRIGGER_NTEXTS; t++) {
		const char *s = r->text[t];
		if (s)
			FUZZ_CHECK(*s && strlen(s) <= TRIGGER_TEXT_MAX &&
			           fuzz_printable(s, strlen(s), "\n\t", true));
	}
}

static void
check_cleaning(const char *s)
{
	enum record_problem why;
	enum trigger_state st;
	char *c = record_item_clean(s, TRIGGER_ITEM_MAX, &why);
	if (c) {
		FUZZ_CHECK(*c && fuzz_printable(c, strlen(c), "", false));
		free(c);
	} else {
		FUZZ_CHECK(why != RECORD_PROBLEM_NONE);
		FUZZ_CHECK(record_problem_words(why));
	}
	c = record_text_clean(s, TRIGGER_TEXT_MAX, &why);
	if (c) {
		FUZZ_CHECK(*c && fuzz_printable(c, strlen(c), "\n\t", true));
		free(c);
	} else {
		FUZZ_CHECK(why != RECORD_PROBLEM_NONE);
	}
	free(trigger_name_key(s));
	if (record_choice_parse(TRIGGER_STATE_FIELD, s, &st) == 0)
		FUZZ_CHECK(record_choice_name(TRIGGER_STATE_FIELD, (int)st));

	char *tag = journal_tag_normalize(s);
	if (tag) {
		FUZZ_CHECK(*tag && strlen(tag) <= JOURNAL_TAG_MAX &&
		           fuzz_printable(tag, strlen(tag), "", false));
		char *again = journal_tag_normalize(tag);
		FUZZ_CHECK(again && strcmp(again, tag) == 0);
		free(again);
		free(tag);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trigger_record base, r, back;
	char err[512];
	record_init(&trigger_kind, &base, 0);
	memcpy(base.id, "0123456789abcdef0123456789abcdef", VAULT_ID_HEX + 1);
	base.when = base.created = base.updated = FUZZ_NOW - 3600;

	int rc = record_parse_text(&trigger_kind, (const char *)data, size,
	                           &base, FUZZ_NOW, &r, err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc == -1 && err[0] &&
		           memchr(err, '\0', sizeof(err)));
		FUZZ_CHECK(!record_has_fields(&trigger_kind, &r));
	} else {
		check_record(&r);
		FUZZ_CHECK(strcmp(r.id, base.id) == 0);
		size_t len = 0;
		char *text = record_format_text(&trigger_kind, &r, &len);
		FUZZ_CHECK(text);
		FUZZ_CHECK(record_parse_text(&trigger_kind, text, len, &r,
		                             FUZZ_NOW, &back, err,
		                             sizeof(err)) == 0);
		FUZZ_CHECK(fuzz_trigger_same(&r, &back));
		record_release(&trigger_kind, &back);
		free(text);
	}
	record_release(&trigger_kind, &r);

	if (size < SHORT_INPUT) {
		char *s = fuzz_cstr(data, size);
		check_cleaning(s);
		free(s);
	}
	return 0;
}
