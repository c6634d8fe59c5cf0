/*
 * Trigger records: what set a person off, how it felt and what helped,
 * stored as vault records of kind "trigger" (sealed like journal entries).
 *
 * Head (decrypted for listing and stats): JSON {"v":1, "when", "created",
 * "updated", "before", "after", "state", "reactions", "trigger",
 * "vulnerabilities", "body", "emotions", "helped", "tags"}.
 * Body (decrypted for show, edit and --json): JSON {"v":1, "thoughts",
 * "felt_age", "urges", "now_differs", "note"}.
 * Times are seconds since the epoch; ratings 0-10 or null; state
 * "too-much", "okay", "too-little" or null; lists are arrays of strings;
 * text fields are strings or null. Only `when` is required.
 *
 * The kind is described as data (trigger_kind, lib/record.h: its fields,
 * edit layout and form questions); the engine stores, reads and lays it
 * out. What is the trigger log's own is below: the listing its
 * statistics read, and the name keys they count by.
 */
#ifndef SELFHELP_TRIGGER_H
#define SELFHELP_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "record.h"
#include "vault.h"

#define TRIGGER_KIND "trigger"

enum {
	TRIGGER_NO_RATING = -1, /* before/after not given */
	TRIGGER_RATING_MAX = 10,
	TRIGGER_NO_AGE = -1, /* felt age not given */
	TRIGGER_AGE_MAX = 120,
	TRIGGER_MAX_ITEMS = 64,   /* per list */
	TRIGGER_ITEM_MAX = 200,   /* bytes per list item */
	TRIGGER_TEXT_MAX = 65536, /* bytes per free-text field */
};

enum trigger_state {
	TRIGGER_STATE_NONE = 0,
	TRIGGER_TOO_MUCH,   /* above the window of tolerance */
	TRIGGER_OKAY,       /* within it */
	TRIGGER_TOO_LITTLE, /* below it: numb, foggy, far away */
};

/*
 * The lists of a record, in one place so that code can walk them all.
 * Index with enum trigger_list.
 */
enum trigger_list {
	TRIGGER_REACTIONS,
	TRIGGER_VULNERABILITIES,
	TRIGGER_BODY,
	TRIGGER_EMOTIONS,
	TRIGGER_URGES,
	TRIGGER_HELPED,
	TRIGGER_TAGS,
	TRIGGER_NLISTS,
};

/* The free-text fields, likewise. */
enum trigger_text {
	TRIGGER_TRIGGER, /* situation / what set it off */
	TRIGGER_THOUGHTS,
	TRIGGER_NOW_DIFFERS,
	TRIGGER_NOTE,
	TRIGGER_NTEXTS,
};

struct trigger_record {
	char id[VAULT_ID_HEX + 1]; /* empty until stored */
	bool written_locked;       /* arrived while the vault was locked */
	bool conflict_copy;        /* kept by a merge: edited on both copies */
	time_t when;               /* when it happened (required) */
	time_t created, updated;
	int before, after; /* 0-10, or TRIGGER_NO_RATING */
	enum trigger_state state;
	int felt_age;               /* 0-TRIGGER_AGE_MAX, or TRIGGER_NO_AGE */
	char *text[TRIGGER_NTEXTS]; /* owned; NULL when not given */
	struct record_list list[TRIGGER_NLISTS];
	bool has_body; /* the body fields were read (or set) */
};

/* The kind's table (lib/record.h). */
extern const struct record_kind trigger_kind;

/* The table's fields for list l and text t, and for the state (for
 * record_add_items, record_set_text, record_choice_*). */
const struct record_field *trigger_list_field(enum trigger_list l);
const struct record_field *trigger_text_field(enum trigger_text t);
#define TRIGGER_STATE_FIELD                                                    \
	record_field_at(&trigger_kind, offsetof(struct trigger_record, state))

/*
 * The key two names are counted together under: Unicode case folding
 * and compatibility forms (utf8proc), white space trimmed and runs of it
 * made one space, so "Cold  Water" and "cold water" share a key.
 * Caller frees; NULL when out of memory.
 */
char *trigger_name_key(const char *s);

struct trigger_filter {
	time_t since;    /* 0: no lower bound (on `when`) */
	time_t until;    /* 0: no upper bound */
	const char *tag; /* normalised tag, or NULL */
	bool with_body;  /* read the body fields too */
};

/*
 * Records matching the filter, newest `when` first. Records that do not
 * authenticate or decode are left out and reported through `damaged`
 * (may be NULL).
 */
int trigger_list(struct vault *v, const struct trigger_filter *f,
                 struct trigger_record ***list, size_t *n,
                 void (*damaged)(void *arg, const char *id), void *arg);

/* Free an array of n records from trigger_list(), and the array. */
void trigger_records_free(struct trigger_record **list, size_t n);

#endif
