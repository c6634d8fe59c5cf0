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
 * The kind is described as data (trigger_kind, lib/record.h); the
 * functions below are the engine's, typed for trigger records, plus what
 * is the trigger log's own: the name keys its statistics count by, and
 * the reaction and vulnerability names its form offers.
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

/* Reaction types and vulnerability factors offered by the guided form
 * (NULL-terminated); people may name others. */
extern const char *const trigger_reaction_names[];
extern const char *const trigger_vulnerability_names[];

/* An empty record: no ratings, no state, no age, no text. */
void trigger_record_init(struct trigger_record *r);

/* Wipe and free the owned strings; the record is empty afterwards. */
void trigger_record_release(struct trigger_record *r);

/* Release and free a heap record (NULL ok). */
void trigger_record_free(struct trigger_record *r);

/* Free an array of n records from trigger_list(), and the array. */
void trigger_records_free(struct trigger_record **list, size_t n);

/* Deep copy of src into *dst (initialised here). 0, or -1 (memory). */
int trigger_record_copy(struct trigger_record *dst,
                        const struct trigger_record *src);

/* Do two records hold the same fields (ignoring id and created/updated)? */
bool trigger_record_same(const struct trigger_record *a,
                         const struct trigger_record *b);

/* Is anything besides `when` set? */
bool trigger_record_has_fields(const struct trigger_record *r);

/* "too-much", "okay", "too-little", or NULL for TRIGGER_STATE_NONE. */
const char *trigger_state_name(enum trigger_state s);

/* "too much", "okay", "too little" for people; "" for none. */
const char *trigger_state_words(enum trigger_state s);

/*
 * Parse a state as typed: too-much, okay, too-little (any case; spaces or
 * underscores for the hyphen; "ok" for okay). 0, or -1 when it is none.
 */
int trigger_state_parse(const char *s, enum trigger_state *out);

/* The table's fields for list l and text t. */
const struct record_field *trigger_list_field(enum trigger_list l);
const struct record_field *trigger_text_field(enum trigger_text t);

/* record_item_clean and record_text_clean (lib/record.h) with the
 * trigger log's limits (TRIGGER_ITEM_MAX, TRIGGER_TEXT_MAX). */
char *trigger_item_clean(const char *s, enum record_problem *why);
char *trigger_text_clean(const char *s, enum record_problem *why);

/*
 * Split `s` at commas and add each cleaned, non-empty part to list `l` of
 * r (tags are normalised as journal tags). Returns RECORD_PROBLEM_NONE, or the
 * first problem (parts before it stay added). Empty input adds nothing.
 */
enum record_problem trigger_add_items(struct trigger_record *r,
                                      enum trigger_list l, const char *s);

/* Set text field t of r from s (cleaned; empty clears it). */
enum record_problem trigger_set_text(struct trigger_record *r,
                                     enum trigger_text t, const char *s);

/* Empty list l of r. */
void trigger_clear_list(struct trigger_record *r, enum trigger_list l);

/*
 * The key two names are counted together under: Unicode case folding
 * and compatibility forms (utf8proc), white space trimmed and runs of it
 * made one space, so "Cold  Water" and "cold water" share a key.
 * Caller frees; NULL when out of memory.
 */
char *trigger_name_key(const char *s);

/*
 * Store a new record (one vault_put; wrap it in a transaction). Sets
 * r->created and r->updated to `now` and writes the id to r->id.
 */
int trigger_add(struct vault *v, struct trigger_record *r, time_t now);
/* The same, sealed to the vault's public key while it is locked; it
 * becomes an ordinary record at the next unlock. */
int trigger_add_sealed(struct vault *v, struct trigger_record *r, time_t now);

/* Replace the stored record r->id (it must exist); updated = now. */
int trigger_update(struct vault *v, struct trigger_record *r, time_t now);

/*
 * Read one record by full id, head and body. *out is caller-freed with
 * trigger_record_free. VAULT_DAMAGED when it does not authenticate or
 * cannot be decoded.
 */
int trigger_get(struct vault *v, const char *id, struct trigger_record **out);

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

/*
 * The readable layout for `trigger-log edit`: comment lines (starting
 * with '#'), then one "key: value" line per field (lists joined with
 * ", "; multi-line text continued on lines indented by two spaces).
 * Caller wipes and frees (*len bytes).
 */
char *trigger_format_text(const struct trigger_record *r, size_t *len);

/*
 * Parse that layout into r, starting from a copy of `base` (fields left
 * out of the text are cleared; the id, created and an unchanged `when`
 * are kept). `now` resolves dates like "today". Returns 0, or -1 with a
 * one-sentence message naming the line in err (r is then released).
 */
int trigger_parse_text(const char *text, size_t len,
                       const struct trigger_record *base, time_t now,
                       struct trigger_record *r, char *err, size_t errsize);

/* A short description of a text problem ("has control characters"). */
const char *trigger_problem_words(enum record_problem p);

#endif
