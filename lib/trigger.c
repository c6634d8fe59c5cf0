#include "trigger.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <utf8proc.h>

static const char *const reaction_names[] = {
        "emotional flashback",
        "intrusive memory",
        "nightmare",
        "dissociation",
        "shutdown",
        "inner-critic attack",
        "shame spiral",
        "fight",
        "flight",
        "freeze",
        "fawn",
        NULL,
};

static const char *const vulnerability_names[] = {
        "poor sleep",  "hunger",           "pain",   "illness", "conflict",
        "anniversary", "alcohol or drugs", "lonely", NULL,
};

#define T(member) offsetof(struct trigger_record, member)
#define RATING(m, flags_, label_, ...)                                         \
	{                                                                      \
		.type = RECORD_INT, .flags = RECORD_HEAD | (flags_),           \
		.offset = T(m), .json = #m, .key = #m, .label = label_,        \
		.noun = "distress", .range = "a number", .lo = 0,              \
		.hi = TRIGGER_RATING_MAX, __VA_ARGS__                          \
	}
#define TEXT(t, flags_, json_, key_, label_, ...)                              \
	{                                                                      \
		.type = RECORD_TEXT, .flags = (flags_) | RECORD_VERBATIM,      \
		.offset = T(text[t]), .json = json_, .key = key_,              \
		.label = label_, .max = TRIGGER_TEXT_MAX, __VA_ARGS__          \
	}
#define LIST(l, type_, flags_, json_, key_, label_, ...)                       \
	{                                                                      \
		.type = type_, .flags = flags_, .offset = T(list[l]),          \
		.json = json_, .key = key_, .label = label_,                   \
		.max = TRIGGER_MAX_ITEMS, .item_max = TRIGGER_ITEM_MAX,        \
		.same_key = trigger_name_key, __VA_ARGS__                      \
	}
#define WHAT_HAPPENED                                                          \
	"What happened, and what brought it on? (It's fine not to know.) "

/* In the order of --json and export; the stored head and body keep it. */
static const struct record_field fields[] = {
        {.type = RECORD_TIME,
         .flags = RECORD_HEAD,
         .offset = T(when),
         .json = "when",
         .key = "when",
         .label = "When",
         .question = "When was it? Enter for now, or a date like 2026-11-01 "
                     "14:30 or yesterday: ",
         .retry = "selfhelp doesn't know that date; try 2026-11-01 14:30, "
                  "today or yesterday, or Enter for now.\n"},
        RATING(before, 0, "Distress before",
               .question = "How strong was the distress, 0-10 (0 calm, 10 "
                           "the most)? ",
               .quick = "How strong is the distress right now, 0-10 (0 "
                        "calm, 10 the most)? "),
        RATING(after, RECORD_ASK_NOW, "Distress after",
               .question = "And afterwards, or now: how strong is the "
                           "distress, 0-10? "),
        {.type = RECORD_CHOICE,
         .flags = RECORD_HEAD,
         .offset = T(state),
         .json = "state",
         .key = "state",
         .label = "Which way",
         .choices = record_states,
         .question = "Which way did it go? 1 too much (flooded, racing), 2 "
                     "okay,\n3 too little (numb, foggy, far away): ",
         .quick = "Which way is it? 1 too much (flooded, racing), 2 okay,\n"
                  "3 too little (numb, foggy, far away): "},
        {.type = RECORD_INT,
         .offset = T(felt_age),
         .json = "felt_age",
         .key = "felt-age",
         .alias = "age",
         .label = "Felt age",
         .noun = "a felt age",
         .range = "an age in years",
         .lo = 0,
         .hi = TRIGGER_AGE_MAX,
         .question = "How old did you feel, in years? ",
         .retry = "An age in years works here, like 7, or Enter to skip.\n"},
        TEXT(TRIGGER_TRIGGER, RECORD_HEAD, "trigger", "trigger",
             "What happened", .question = WHAT_HAPPENED,
             .quick = WHAT_HAPPENED),
        TEXT(TRIGGER_THOUGHTS, 0, "thoughts", "thought", "Thoughts",
             .question = "Any thoughts or beliefs that came up? "),
        TEXT(TRIGGER_NOW_DIFFERS, 0, "now_differs", "now-differs",
             "Now differs",
             .question = "If it fits: how is now different from back then? "),
        TEXT(TRIGGER_NOTE, 0, "note", "note", "Note",
             .question = "Anything else to note? "),
        LIST(TRIGGER_REACTIONS, RECORD_LIST, RECORD_HEAD, "reactions",
             "reaction", "Reaction",
             .question = "What kind of reaction was it? Numbers or your own "
                         "words, commas between:",
             .offers = reaction_names),
        LIST(TRIGGER_VULNERABILITIES, RECORD_LIST, RECORD_HEAD,
             "vulnerabilities", "vulnerability", "Made it harder",
             .question = "Was anything making it harder? Numbers or your own "
                         "words, commas between:",
             .offers = vulnerability_names),
        LIST(TRIGGER_BODY, RECORD_LIST, RECORD_HEAD, "body", "body",
             "In the body",
             .question = "What did you notice in your body? (commas between) "),
        LIST(TRIGGER_EMOTIONS, RECORD_LIST, RECORD_HEAD, "emotions", "emotion",
             "Emotions",
             .question = "Which emotions were there? (commas between) "),
        LIST(TRIGGER_URGES, RECORD_LIST, 0, "urges", "urge", "Urges",
             .question = "Any urges? (commas between) "),
        LIST(TRIGGER_HELPED, RECORD_LIST, RECORD_HEAD, "helped", "helped",
             "What you tried",
             .question = "What did you do or try? (commas between) "),
        LIST(TRIGGER_TAGS, RECORD_TAGS, RECORD_HEAD, "tags", "tag", "Tags",
             .question = "Tags? (commas between) "),
};

/* The edit layout's order (and show's): the order the form asks in, but
 * for the distress afterwards, asked near the end. */
static const signed char edit_order[] = {
        0, 1, 2, 3, 9, 5, 10, 11, 12, 6, 4, 13, 7, 14, 8, 15, -1,
};
static const signed char form_order[] = {
        0, 1, 3, 5, 9, 10, 11, 12, 6, 4, 13, 7, 14, 2, 8, 15, -1,
};

static const struct record_layout layouts[] = {
        {"Trigger record",
         "# Change what you like, then save and close the editor.\n"
         "# Lines starting with # are skipped. An empty value clears a "
         "field.\n"
         "# Lists (reaction, vulnerability, body, emotion, urge, helped, "
         "tag):\n"
         "# commas between items, or the same key on several lines.\n"
         "# Longer text goes on after the first line on lines indented by "
         "two\n"
         "# spaces. before/after: distress from 0 to 10. state: too-much, "
         "okay\n"
         "# or too-little. felt-age: how old you felt, in years.\n",
         "Short questions, one at a time. Enter skips one; Esc or Ctrl-C "
         "leaves\n(so does q).\n"},
};

const struct record_kind trigger_kind = {
        .name = TRIGGER_KIND,
        .title = "Trigger",
        .what = "a trigger record",
        .flags = RECORD_LOCKED_WRITES | RECORD_READS_RAW,
        .size = sizeof(struct trigger_record),
        .meta = RECORD_META(struct trigger_record),
        .fields = fields,
        .nfields = sizeof(fields) / sizeof(fields[0]),
        .edit_order = edit_order,
        .form_order = form_order,
        .layouts = layouts,
        .edit_example = "'emotion: fear'",
        .unknown_where = "of a trigger record",
        .codec = {&trigger_kind, record_export_encode, record_export_decode,
                  record_export_markdown, false},
};

const struct record_field *
trigger_list_field(enum trigger_list l)
{
	return record_field_at(&trigger_kind,
	                       T(list) +
	                               (size_t)l * sizeof(struct record_list));
}

const struct record_field *
trigger_text_field(enum trigger_text t)
{
	return record_field_at(&trigger_kind,
	                       T(text) + (size_t)t * sizeof(char *));
}

/* --- the trigger log's own --- */

static bool
keep(const void *rec, void *arg)
{
	const struct trigger_record *r = rec;
	const struct trigger_filter *f = arg;
	const struct record_list *tags = &r->list[TRIGGER_TAGS];
	bool tagged = !f->tag;
	for (size_t i = 0; !tagged && i < tags->n; i++)
		tagged = strcmp(tags->v[i], f->tag) == 0;
	return tagged && !(f->since && r->when < f->since) &&
	       !(f->until && r->when > f->until);
}

int
trigger_list(struct vault *v, const struct trigger_filter *f,
             struct trigger_record ***list, size_t *n,
             void (*damaged)(void *arg, const char *id), void *arg)
{
	struct record_query q = {.with_body = f->with_body,
	                         .since = f->since,
	                         .until = f->until,
	                         .keep = keep,
	                         .keep_arg = (void *)f,
	                         .damaged = damaged,
	                         .arg = arg};
	int rc = record_list(v, &trigger_kind, &q, (void ***)list, n);
	if (!rc)
		record_sort_newest(&trigger_kind, (void **)*list, *n);
	return rc;
}

void
trigger_records_free(struct trigger_record **list, size_t n)
{
	record_free_all(&trigger_kind, (void **)list, n);
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

char *
trigger_name_key(const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n = utf8proc_map(
	        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s),
	        &folded,
	        UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	                UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP);
	const char *src = s;
	size_t len;
	if (n < 0) {
		/* Not UTF-8 after all: fold ASCII only. */
		folded = NULL;
		len = strlen(s);
	} else {
		src = (const char *)folded;
		len = (size_t)n;
	}
	char *out = malloc(len + 1);
	size_t k = 0;
	bool gap = false;
	if (out) {
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)src[i];
			if (is_space(c)) {
				gap = k > 0;
				continue;
			}
			if (gap)
				out[k++] = ' ';
			gap = false;
			out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		out[k] = '\0';
	}
	if (folded) {
		sodium_memzero(folded, len);
		free(folded);
	}
	return out;
}
