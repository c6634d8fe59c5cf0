#include "group.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G(member) offsetof(struct group_record, member)
#define PREP      RECORD_VARIANT_BIT(GROUP_PREPARE)
#define REFL      RECORD_VARIANT_BIT(GROUP_REFLECT)
#define RATING(m, variant, label_, question_)                                  \
	{                                                                      \
		.type = RECORD_INT, .flags = RECORD_HEAD | RECORD_ASK_NOW,     \
		.variants = variant, .offset = G(m), .json = #m, .key = #m,    \
		.label = label_, .noun = "distress", .range = "a number",      \
		.lo = 0, .hi = GROUP_RATING_MAX, .question = question_,        \
	}
#define TEXT(t, variant, flags_, json_, key_, label_, question_)               \
	{                                                                      \
		.type = RECORD_TEXT, .flags = flags_, .variants = variant,     \
		.offset = G(text[t]), .json = json_, .key = key_,              \
		.label = label_, .max = GROUP_TEXT_MAX, .question = question_, \
	}
#define CHOICE(m, variant, json_, label_, choices_, question_)                 \
	{                                                                      \
		.type = RECORD_CHOICE, .flags = RECORD_HEAD,                   \
		.variants = variant, .offset = G(m), .json = json_,            \
		.key = json_, .label = label_, .choices = choices_,            \
		.question = question_,                                         \
	}

static const struct record_choice types[] = {
        {"prepare", "a check-in before a meeting", NULL},
        {"reflect", "a reflection after a meeting", NULL},
        {NULL, NULL, NULL},
};

static const char *const right_aliases[] = {"right", "just-right", NULL};

static const struct record_choice closeness[] = {
        {"too-close", "too close", NULL},
        {"about-right", "about right", right_aliases},
        {"too-far", "too far", NULL},
        {NULL, NULL, NULL},
};

static const char *const yes_aliases[] = {"y", NULL};
static const char *const partly_aliases[] = {"partially", NULL};
static const char *const no_aliases[] = {"n", NULL};
static const char *const not_tested_aliases[] = {
        "didnt-come-up",
        "it-didnt-come-up",
        "it-did-not-come-up",
        "not-come-up",
        "n/a",
        "na",
        NULL,
};

static const struct record_choice kept[] = {
        {"yes", "yes", yes_aliases},
        {"partly", "partly", partly_aliases},
        {"no", "no", no_aliases},
        {"did-not-come-up", "it didn't come up", not_tested_aliases},
        {NULL, NULL, NULL},
};

/* In the order of --json, export and the edit layout; the stored head
 * and body keep it. */
static const struct record_field fields[] = {
        {.type = RECORD_VARIANT,
         .flags = RECORD_HEAD,
         .offset = G(type),
         .json = "type",
         .choices = types},
        {.type = RECORD_TIME,
         .flags = RECORD_HEAD,
         .offset = G(when),
         .json = "when",
         .key = "when",
         .label = "When"},
        RATING(before, PREP, "Arriving",
               "How are you arriving? Distress 0-10 (0 calm, 10 the most): "),
        RATING(after, REFL, "Leaving",
               "How are you leaving? Distress 0-10 (0 calm, 10 the most): "),
        CHOICE(state, 0, "state", "Which way", record_states,
               "Which way is it? 1 too much (flooded, racing), 2 okay,\n"
               "3 too little (numb, foggy, far away): "),
        TEXT(GROUP_BRING, PREP, 0, "bring", "bring",
             "What I would like to bring",
             "What would you like to bring today? "),
        TEXT(GROUP_NEED, PREP, 0, "need", "need", "What I need from the group",
             "What do you need from the group today? "),
        TEXT(GROUP_BOUNDARY, PREP, RECORD_HEAD, "boundary", "boundary",
             "My boundary for today",
             "Your boundary for today (like \"I may pass\", \"I leave at "
             "nine\",\n\"no advice please\"): "),
        TEXT(GROUP_IF_TOO_MUCH, PREP, 0, "if_too_much", "if-too-much",
             "If it gets too much",
             "If it gets too much, what will you do? A number, or your own "
             "words:"),
        TEXT(GROUP_MOVED, REFL, 0, "moved", "moved", "What moved me",
             "What moved you? "),
        TEXT(GROUP_TRIGGERED, REFL, 0, "triggered", "triggered",
             "What triggered me",
             "Did anything trigger you? (Enter if nothing did) "),
        TEXT(GROUP_CONTRIBUTED, REFL, 0, "contributed", "contributed",
             "What I contributed",
             "What did you contribute? (listening counts too) "),
        CHOICE(closeness, REFL, "closeness", "Closeness and distance",
               closeness,
               "Closeness and distance today: 1 too close, 2 about right, 3 "
               "too far: "),
        CHOICE(kept, REFL, "kept", "Kept my boundary", kept,
               "If you set yourself a boundary for today, did you keep "
               "it?\n" GROUP_KEPT_ANSWERS),
        TEXT(GROUP_NEXT, REFL, 0, "next", "next",
             "Next time I would like to try",
             "What would you like to try next time? "),
        {.type = RECORD_TEXT,
         .variants = REFL,
         .offset = G(text[GROUP_KIND_WORDS]),
         .json = "kind_words",
         .key = "kind-words",
         .alias = "kind",
         .label = "A kind sentence to myself",
         .max = GROUP_TEXT_MAX,
         .question = "One kind sentence to yourself: "},
};

static const struct record_layout layouts[] = {
        [GROUP_PREPARE] = {"Check-in before a group meeting",
                           "# Change what you like, then save and close the "
                           "editor.\n"
                           "# Lines starting with # are skipped. An empty "
                           "value clears a field.\n"
                           "# Longer text goes on after the first line on "
                           "lines indented by two\n"
                           "# spaces. before: distress when arriving, 0 to "
                           "10. state: too-much,\n"
                           "# okay or too-little.\n",
                           "A short check-in before the group. Enter skips a "
                           "question; Esc or\nCtrl-C leaves (so does q).\n"},
        [GROUP_REFLECT] = {"Reflection after a group meeting",
                           "# Change what you like, then save and close the "
                           "editor.\n"
                           "# Lines starting with # are skipped. An empty "
                           "value clears a field.\n"
                           "# Longer text goes on after the first line on "
                           "lines indented by two\n"
                           "# spaces. after: distress when leaving, 0 to 10. "
                           "state: too-much,\n"
                           "# okay or too-little. closeness: too-close, "
                           "about-right or too-far.\n"
                           "# kept (the boundary you set): yes, partly, no "
                           "or did-not-come-up.\n",
                           "A short look back at the group. Enter skips a "
                           "question; Esc or\nCtrl-C leaves (so does q).\n"},
};

static int export_markdown(const struct transfer_codec *c, const json_t *rec,
                           struct strbuf *md);

const struct record_kind group_kind = {
        .name = GROUP_KIND,
        .title = "Group meeting",
        .what = "a group check-in or reflection",
        .flags = RECORD_LOCKED_WRITES,
        .size = sizeof(struct group_record),
        .meta = RECORD_META(struct group_record),
        .fields = fields,
        .nfields = sizeof(fields) / sizeof(fields[0]),
        .layouts = layouts,
        .edit_example = "'need: a quiet start'",
        .unknown_where = "here",
        .fields_words = "the ones selfhelp wrote above",
        .codec = {&group_kind, record_export_encode, record_export_decode,
                  export_markdown, false},
};

const struct record_field *
group_text_field(enum group_text t)
{
	return record_field_at(&group_kind,
	                       G(text) + (size_t)t * sizeof(char *));
}

enum group_type
group_text_type(enum group_text t)
{
	return group_text_field(t)->variants == PREP ? GROUP_PREPARE
	                                             : GROUP_REFLECT;
}

void
group_record_free(struct group_record *r)
{
	record_free(&group_kind, r);
}

void
group_records_free(struct group_record **list, size_t n)
{
	record_free_all(&group_kind, (void **)list, n);
}

/* --- listing and linking --- */

/* The order of events: `when`, a check-in before a reflection made in
 * the same second, then creation time and id. */
static int
event_cmp(const struct group_record *x, const struct group_record *y)
{
	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	if (x->type != y->type)
		return x->type == GROUP_PREPARE ? -1 : 1;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
oldest_first(const void *a, const void *b)
{
	return event_cmp(*(struct group_record *const *)a,
	                 *(struct group_record *const *)b);
}

static int
newest_first(const void *a, const void *b)
{
	return -oldest_first(a, b);
}

enum { LINK_MARGIN = 2 * 24 * 60 * 60 }; /* seconds */

int
group_list(struct vault *v, const struct group_filter *f,
           struct group_record ***list, size_t *n,
           void (*damaged)(void *arg, const char *id), void *arg)
{
	struct group_record **all;
	size_t nall, k = 0;
	/* A link joins records of one day: two days either side of the
	 * period hold every record one in it could link to. */
	struct record_query q = {.with_body = f->with_body,
	                         .since = f->since ? f->since - LINK_MARGIN : 0,
	                         .until = f->until ? f->until + LINK_MARGIN : 0,
	                         .damaged = damaged,
	                         .arg = arg};
	int rc = record_list(v, &group_kind, &q, (void ***)&all, &nall);
	*list = NULL;
	*n = 0;
	if (rc || (nall && group_link(all, nall))) {
		group_records_free(all, nall);
		return rc ? rc : VAULT_ERROR;
	}
	/* Linked over them all, then the period. */
	for (size_t i = 0; i < nall; i++) {
		struct group_record *r = all[i];
		if ((f->since && r->when < f->since) ||
		    (f->until && r->when > f->until))
			record_free(&group_kind, r);
		else
			all[k++] = r;
	}
	if (k)
		qsort(all, k, sizeof(*all), newest_first);
	*list = all;
	*n = k;
	return VAULT_OK;
}

struct group_record *
group_find(struct group_record *const *list, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i]->id, id) == 0)
			return list[i];
	return NULL;
}

/* --- linking --- */

static bool
same_day(time_t a, time_t b)
{
	struct tm x, y;
	if (!localtime_r(&a, &x) || !localtime_r(&b, &y))
		return false;
	return x.tm_year == y.tm_year && x.tm_yday == y.tm_yday;
}

int
group_link(struct group_record *const *list, size_t n)
{
	struct group_record **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct group_record *open = NULL;
	for (size_t i = 0; i < n; i++)
		list[i]->link[0] = '\0';
	if (!sorted)
		return -1;
	if (n) { /* list may be NULL when empty */
		memcpy(sorted, list, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), oldest_first);
	}
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = sorted[i];
		if (r->type == GROUP_PREPARE) {
			open = r;
			continue;
		}
		if (open && same_day(open->when, r->when)) {
			memcpy(r->link, open->id, sizeof(r->link));
			memcpy(open->link, r->id, sizeof(open->link));
		}
		open = NULL; /* a reflection answers what came before it */
	}
	free(sorted);
	return 0;
}

struct group_record *
group_link_for(struct group_record *const *list, size_t n, time_t when)
{
	struct group_record *best = NULL;
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = list[i];
		if (r->type == GROUP_PREPARE && r->when <= when &&
		    same_day(r->when, when) &&
		    (!best || event_cmp(r, best) > 0))
			best = r;
	}
	if (!best)
		return NULL;
	/* A reflection already made after it (and not after the new one)
	 * has answered it. */
	for (size_t i = 0; i < n; i++) {
		struct group_record *r = list[i];
		if (r->type == GROUP_REFLECT && r->when <= when &&
		    event_cmp(r, best) > 0)
			return NULL;
	}
	return best;
}

/* --- Markdown --- */

/* "**Label:** value"; the value (free text, or words of ours) through
 * the display sanitizer. */
static int
md_field(struct strbuf *md, const char *label, const char *value)
{
	return strbuf_adds(md, "**") || strbuf_adds(md, label) ||
	       strbuf_adds(md, ":** ") ||
	       transfer_put_clean(md, value, strlen(value), UTIL_CLEAN_LINES) ||
	       strbuf_adds(md, "\n\n");
}

static int
export_markdown(const struct transfer_codec *c, const json_t *rec,
                struct strbuf *md)
{
	struct group_record r;
	char err[TRANSFER_ERR_MAX], line[128];
	(void)c;
	if (record_fields_read(&group_kind, rec, &r, err, sizeof(err)))
		return strbuf_adds(md, "(This record could not be read "
		                       "as a group record.)\n");
	bool prep = r.type == GROUP_PREPARE;
	const struct record_field *rating = &fields[prep ? 2 : 3];
	int rc = strbuf_adds(md, prep ? "Before the meeting.\n\n"
	                              : "After the meeting.\n\n");
	int n = prep ? r.before : r.after;
	if (!rc && (n != GROUP_NO_RATING || r.state)) {
		size_t k = 0;
		line[0] = '\0';
		if (n != GROUP_NO_RATING)
			k += (size_t)snprintf(line, sizeof(line), "distress %d",
			                      n);
		if (r.state)
			snprintf(line + k, sizeof(line) - k, "%s%s",
			         k ? ", " : "",
			         record_choice_words(GROUP_STATE_FIELD,
			                             (int)r.state));
		rc = md_field(md, rating->label, line);
	}
	/* Then the texts and answers of its type, in the table's order. */
	for (size_t i = 5; !rc && i < sizeof(fields) / sizeof(*fields); i++) {
		const struct record_field *f = &fields[i];
		const char *value = NULL;
		if (!record_field_applies(&group_kind, &r, f))
			continue;
		if (f->type == RECORD_TEXT)
			value = r.text[(f->offset - G(text)) / sizeof(char *)];
		else if (f->offset == G(closeness) && r.closeness)
			value = record_choice_words(GROUP_CLOSENESS_FIELD,
			                            (int)r.closeness);
		else if (f->offset == G(kept) && r.kept)
			value = record_choice_words(GROUP_KEPT_FIELD,
			                            (int)r.kept);
		if (value)
			rc = md_field(md, f->label, value);
	}
	record_release(&group_kind, &r);
	return rc ? -1 : 0;
}
