/*
 * Record kinds as data, and one engine for all of them.
 *
 * A kind (trigger, group, journal, safety plan) is a `struct record_kind`:
 * its name, and a table of fields, each saying where it sits in the
 * kind's own C struct (offsetof), its type and limits, its JSON key
 * (storage, --json, export), its key in the readable edit layout, its
 * label, whether it lives in the head, and which variants of the kind
 * have it. The engine reads the table to do, once for every kind:
 * init/release/copy/compare, cleaning what people type, the stored head
 * and body JSON, reading and writing the vault, the "key: value" edit
 * layout and its parser, the fields of --json and of the export
 * document, and the export codec (lib/transfer.h).
 *
 * Records stay typed structs (struct trigger_record, struct
 * group_record): code that reads `r->before` keeps doing so. The engine
 * works on them as `void *` through the table.
 *
 * Adding a record kind
 * --------------------
 * A kind is one table plus what is truly its own:
 * 1. lib/KIND.h: its struct, with the members of struct record_meta's
 *    offsets (id, written_locked, created, updated, has_body), and one
 *    member per field: time_t for RECORD_TIME, int for RECORD_INT,
 *    RECORD_CHOICE and RECORD_VARIANT (enums are ints), char * for
 *    RECORD_TEXT, struct record_list for RECORD_LIST/RECORD_TAGS.
 * 2. lib/KIND.c: `const struct record_kind KIND_kind`, one struct
 *    record_field per member in the order of its JSON (the stored head
 *    and body keep that order, "created" and "updated" coming right
 *    after the RECORD_TIME field), each with its JSON key, edit key,
 *    label, limits and its form question (and quick wording, offers,
 *    retry words); the edit layout's title and comment lines and the
 *    form's first words per variant (struct record_layout); an
 *    `edit_order` and `form_order` when those list the fields in another
 *    order than the JSON.
 * 3. Add it to record_kinds[] in lib/record.c: export, import and check
 *    know it from then on (its codec is the engine's unless it brings
 *    one; journal does, as its body is plain text).
 * 4. cmd/KIND.c: a struct record_cmd (cmd/record-cmd.h) with the words
 *    of its messages and its list line, its option tables (field options
 *    are RECORD_OPT_FIELD rows), and a command whose sub-commands are
 *    record_cmd_add, _list, _show, _edit and _delete with the descriptor
 *    as the command's data (cmd/cmd.h says the rest of adding a
 *    command).
 * 5. Keep in lib/KIND.c and cmd/KIND.c only what no other kind has
 *    (trigger: the statistics' listing and name keys; group: linking,
 *    the view beside the linked record, the boundary question). Document
 *    its export fields in doc/export-format.md and extend
 *    tests/unit/test-record.c.
 *
 * A kind whose storage the engine does not do (RECORD_OWN_STORAGE:
 * journal's plain-text body, the safety plan's versioned sections) is
 * still described by the table: its name, fields, JSON keys, limits,
 * locked writes and codec; its module keeps its own pipeline.
 *
 * Functions return 0 (or VAULT_OK) on success; messages go to `err`
 * buffers as one sentence. Owned text is wiped before it is freed.
 */
#ifndef SELFHELP_RECORD_H
#define SELFHELP_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "transfer.h"
#include "vault.h"

enum {
	RECORD_NONE = -1,       /* an int field that is not given */
	RECORD_FIELDS_MAX = 32, /* fields of one kind, at most */
	RECORD_VERSION = 1,     /* "v" of the stored heads and bodies */
	RECORD_NKINDS = 4,      /* kinds in record_kinds[] */
};

/* A list of owned strings (wiped when freed). */
struct record_list {
	char **v;
	size_t n;
};

enum record_type {
	RECORD_TIME,    /* time_t: the record's own time ("when"), required */
	RECORD_INT,     /* int in lo..hi, or RECORD_NONE */
	RECORD_CHOICE,  /* int: 0 for none, or 1 + an index of `choices` */
	RECORD_VARIANT, /* int: which variant (1 + index of `choices`),
	                   required; fields name theirs in `variants` */
	RECORD_TEXT,    /* char *: free text of at most `max` bytes, or NULL */
	RECORD_LIST,    /* struct record_list: at most `max` items of at
	                   most `item_max` bytes */
	RECORD_TAGS,    /* a RECORD_LIST of tags (lib/journal.h's rule) */
};

enum record_field_flags {
	RECORD_HEAD = 1 << 0,     /* stored in the head (read for listing) */
	RECORD_VERBATIM = 1 << 1, /* RECORD_TEXT: import keeps the text as it
	                             is, control characters too (shown
	                             escaped), as its kind always did */
	RECORD_ASK_NOW = 1 << 2,  /* the form's answer says how it is now: a
	                             high rating is met with where help is */
};

/* The variant bit of `variants` for variant value v. */
#define RECORD_VARIANT_BIT(v) (1u << (v))

/* One answer of a RECORD_CHOICE or RECORD_VARIANT; a NULL name ends the
 * list. */
struct record_choice {
	const char *name;           /* stored and --json: "too-much" */
	const char *words;          /* for people: "too much" */
	const char *const *aliases; /* more ways to type it (normalised as
	                               record_choice_parse does), or NULL */
};

struct record_field {
	enum record_type type;
	unsigned flags;    /* enum record_field_flags */
	unsigned variants; /* RECORD_VARIANT_BITs; 0: every variant */
	size_t offset;     /* offsetof(struct KIND_record, member) */
	const char *json;  /* storage, --json, export: "now_differs" */
	const char *key;   /* edit layout: "now-differs"; NULL: not in it */
	const char *alias; /* one more edit key understood, or NULL */
	const char *label; /* show and Markdown: "Now differs" */
	const char *noun;  /* RECORD_INT in messages: "distress" */
	const char *range; /* RECORD_INT in the edit layout: "a number" */
	int lo, hi;        /* RECORD_INT */
	size_t max;        /* RECORD_TEXT: bytes; lists: items */
	size_t item_max;   /* lists: bytes per item */
	const struct record_choice *choices; /* CHOICE, VARIANT */
	/* Lists: the key two items are one under (caller frees), so an item
	 * is kept once; NULL compares them as they are. */
	char *(*same_key)(const char *item);
	/*
	 * The guided form (cmd/record-form.c) asks for the field with
	 * `question` (NULL: not asked), in a quick form with `quick` (NULL:
	 * not asked there). An int from 0 to 10 is a rating (one key), a
	 * choice takes the number of an answer (the question names them);
	 * text, lists, times and other ints take a line, and `offers` (NULL
	 * ended) are numbered answers shown with the question that a line
	 * may name by number. `retry` is said when a line cannot be taken
	 * (NULL: the form's own words).
	 */
	const char *question;
	const char *quick;
	const char *const *offers;
	const char *retry;
};

/* Where a kind's struct keeps what every record has. */
struct record_meta {
	size_t id;             /* char[VAULT_ID_HEX + 1] */
	size_t written_locked; /* bool */
	size_t created;        /* time_t */
	size_t updated;        /* time_t */
	size_t has_body;       /* bool: the body fields were read or set */
	size_t conflict_copy;  /* bool: kept by a merge (VAULT_CONFLICT_COPY) */
};

#define RECORD_META(type)                                                      \
	{                                                                      \
		offsetof(type, id), offsetof(type, written_locked),            \
		        offsetof(type, created), offsetof(type, updated),      \
		        offsetof(type, has_body),                              \
		        offsetof(type, conflict_copy)                          \
	}

/* The edit layout of one variant (index 0 for a kind without variants). */
struct record_layout {
	const char *title; /* first line: "# <title> 3f2a9c1b."; show's title */
	const char *header; /* the comment lines after it */
	const char *intro;  /* the guided form's first words */
};

enum record_kind_flags {
	RECORD_LOCKED_WRITES = 1 << 0, /* may be written (sealed) while the
	                                  vault is locked */
	RECORD_OWN_STORAGE = 1 << 1,   /* the engine does not encode, decode
	                                  or store it (its module does) */
	RECORD_READS_RAW = 1 << 2,     /* import also takes the raw form
	                                  (head and body) older exports
	                                  wrote before the kind had a codec */
};

struct record_kind {
	const char *name;  /* vault record kind: "trigger" */
	const char *title; /* export Markdown heading: "Trigger" */
	const char *what;  /* "a trigger record" (messages) */
	unsigned flags;    /* enum record_kind_flags */
	size_t size;       /* sizeof the struct */
	struct record_meta meta;
	const struct record_field *fields;
	size_t nfields;
	/* The edit layout: field indices in layout order, ended by -1, or
	 * NULL for the table's order; per-variant titles and headers. */
	const signed char *edit_order;
	/* The order of the guided form's questions, likewise (NULL: the
	 * table's). */
	const signed char *form_order;
	const struct record_layout *layouts;
	const char *edit_example;  /* "'emotion: fear'" for a line without
	                              a colon */
	const char *unknown_where; /* "of a trigger record", "here" */
	const char *fields_words;  /* after "the fields are": NULL lists
	                              them */
	/* The export codec (lib/transfer.h): the engine's record_export_*,
	 * or the kind's own; encode NULL: none (the raw form). */
	struct transfer_codec codec;
};

/* Every kind this build knows, NULL-terminated: export, import and check
 * go through it. */
extern const struct record_kind *const record_kinds[RECORD_NKINDS + 1];

/* The kind called `name`, or NULL. */
const struct record_kind *record_kind_find(const char *name);

/* The field stored at `offset` of k's struct, or NULL. */
const struct record_field *record_field_at(const struct record_kind *k,
                                           size_t offset);

/* The field with JSON key `json`, or NULL. */
const struct record_field *record_field_json(const struct record_kind *k,
                                             const char *json);

/* Does the record's variant have field f? */
bool record_field_applies(const struct record_kind *k, const void *r,
                          const struct record_field *f);

/* Is field f of r given (an int or choice set, text, list items)? A
 * time or variant always is. */
bool record_field_set(const struct record_field *f, const void *r);

/* The record's variant (0 for a kind without variants). */
int record_variant(const struct record_kind *k, const void *r);

/* The record's own time (its RECORD_TIME field). */
time_t record_when(const struct record_kind *k, const void *r);

/*
 * The sort key of a stored record from its head (a vault_sort_key_fn,
 * set on every vault the CLI opens): a journal entry's creation time,
 * the time field of a kind that keeps one in its head (a trigger
 * record's, a group note's), a grounding rating's time. 1 for a kind
 * without an order (the safety plan), -1 for a head that does not read.
 */
int record_sort_key(const char *kind, const unsigned char *head, size_t len,
                    int64_t *key);

/* --- memory --- */

/* An empty record of `variant` (0 when the kind has none): ints
 * RECORD_NONE, choices none, no text. */
void record_init(const struct record_kind *k, void *r, int variant);
/* Wipe and free the owned strings; empty afterwards (same variant). */
void record_release(const struct record_kind *k, void *r);
/* Release and free a heap record; NULL is a no-op. */
void record_free(const struct record_kind *k, void *r);
/* Free an array of n heap records, and the array. */
void record_free_all(const struct record_kind *k, void **list, size_t n);
/* Deep copy of src into dst (overwritten). 0, or -1 (memory; dst empty). */
int record_copy(const struct record_kind *k, void *dst, const void *src);
/* The same fields (ignoring id, times, flags and kind-own members)? */
bool record_same(const struct record_kind *k, const void *a, const void *b);
/* Is any field set besides the time and the variant? */
bool record_has_fields(const struct record_kind *k, const void *r);
/* Empty list field f of r. */
void record_clear_list(const struct record_field *f, void *r);

/* --- choices --- */

/* Where someone is in their window of tolerance: "too-much", "okay",
 * "too-little" (the values of enum trigger_state; trigger records and
 * group notes both have it). */
extern const struct record_choice record_states[];

/* How many answers f has (its values are 1 to that). */
size_t record_choice_count(const struct record_field *f);
/* The stored name of choice value v of f, or NULL for none. */
const char *record_choice_name(const struct record_field *f, int v);
/* The words for people, or "" for none. */
const char *record_choice_words(const struct record_field *f, int v);
/*
 * A choice as typed: a name or an alias, in any case, with spaces or
 * underscores for hyphens, apostrophes left out. 0 with *out set, or -1.
 */
int record_choice_parse(const struct record_field *f, const char *s, int *out);

/* --- cleaning what people type --- */

/* Why a value was not taken. */
enum record_problem {
	RECORD_PROBLEM_NONE = 0, /* it was taken */
	RECORD_PROBLEM_EMPTY,    /* nothing left after trimming */
	RECORD_PROBLEM_LONG,     /* longer than the field allows */
	RECORD_PROBLEM_CONTROL,  /* control characters (items: also newlines) */
	RECORD_PROBLEM_NOT_UTF8, /* not UTF-8, or a NUL byte */
	RECORD_PROBLEM_COMMA,    /* a tag with a comma */
	RECORD_PROBLEM_FULL,     /* the list is full */
	RECORD_PROBLEM_MEMORY,
};

/* A short description of a problem ("is not UTF-8 text"). */
const char *record_problem_words(enum record_problem p);

/*
 * Clean a list item as typed: trims, turns runs of white space into one
 * space; at most `max` bytes. A malloc'd string, or NULL with *why set.
 */
char *record_item_clean(const char *s, size_t max, enum record_problem *why);

/*
 * Clean free text: trims outer white space, keeps inner newlines and
 * tabs (CRLF becomes LF); at most `max` bytes. NULL with *why set
 * (RECORD_PROBLEM_EMPTY too).
 */
char *record_text_clean(const char *s, size_t max, enum record_problem *why);

/* Set text field f of r from s (cleaned; empty clears it). r is
 * unchanged on a problem. */
enum record_problem record_set_text(const struct record_field *f, void *r,
                                    const char *s);

/*
 * Split s at commas and add each cleaned, non-empty part to list field f
 * (tags normalised as journal tags; an item already there is skipped).
 * RECORD_PROBLEM_NONE, or the first problem (parts before it stay added).
 */
enum record_problem record_add_items(const struct record_field *f, void *r,
                                     const char *s);

/* --- storage --- */

/*
 * The stored head and body of r as compact JSON (jansson's allocator:
 * free with record_json_free). 0, or -1 when out of memory.
 */
int record_encode(const struct record_kind *k, const void *r, char **head,
                  char **body);
/* Wipe and free a string made by jansson; NULL is a no-op. */
void record_json_free(char *s);

/*
 * Decode a stored head (and body, when not NULL) into r, initialised
 * here. 0, or -1 when it is not a record of this kind (r released).
 */
int record_decode(const struct record_kind *k, void *r,
                  const unsigned char *head, size_t headlen,
                  const unsigned char *body, size_t bodylen);

/*
 * Store a new record (one vault_put, or vault_seal when `sealed`: the
 * vault is locked; wrap it in a transaction). Sets created and updated
 * to `now` and writes the new id into r.
 */
int record_add(struct vault *v, const struct record_kind *k, void *r,
               bool sealed, time_t now);

/* Replace the stored record (its id must exist and its body have been
 * read); updated = now. */
int record_update(struct vault *v, const struct record_kind *k, void *r,
                  time_t now);

/*
 * Read one record by full id, head and body: *out is a heap record
 * (record_free). VAULT_DAMAGED when it does not authenticate or decode.
 */
int record_get(struct vault *v, const struct record_kind *k, const char *id,
               void **out);

/* Keep a decoded record in a listing? */
typedef bool (*record_keep_fn)(const void *r, void *arg);

/* Which records record_list reads, and where it reports damage. */
struct record_query {
	bool with_body;      /* decrypt the bodies too */
	time_t since, until; /* only records whose time is in [since, until]
	                      * (0: open), picked by the index's sort keys:
	                      * the others are never decrypted */
	record_keep_fn keep; /* and that `keep` takes (NULL: all) */
	void *keep_arg;
	/* records that do not authenticate or decode (may be NULL) */
	void (*damaged)(void *arg, const char *id);
	void *arg;
};

/*
 * The records of the kind that q asks for, as an array of *n heap
 * records (free with record_free_all), in storage order (newest first
 * when q has a period). Records that do not authenticate or decode are
 * left out and reported through q->damaged.
 */
int record_list(struct vault *v, const struct record_kind *k,
                const struct record_query *q, void ***list, size_t *n);

/* Sort n records newest first: by their time, then by id (descending);
 * left as they are when out of memory. Safe on any thread. */
void record_sort_newest(const struct record_kind *k, void **list, size_t n);

/* --- the edit layout --- */

/*
 * The readable layout of `trigger-log edit` and `group edit`: the
 * variant's comment lines, then one "key: value" line per field (lists
 * joined with ", "; multi-line text continued on lines indented by two
 * spaces). Caller wipes and frees (*len bytes); NULL when out of memory.
 */
char *record_format_text(const struct record_kind *k, const void *r,
                         size_t *len);

/*
 * Parse that layout into r, starting from base's variant, id, times and
 * an unchanged `when` (fields left out are cleared). `now` resolves
 * dates like "today". 0, or -1 with one sentence naming the line in err
 * (r is then released).
 */
int record_parse_text(const struct record_kind *k, const char *text, size_t len,
                      const void *base, time_t now, void *r, char *err,
                      size_t errsize);

/* --- the fields as JSON (--json, export) --- */

enum record_json_flags {
	/* "created" and "updated" (ISO 8601) right after the time field */
	RECORD_JSON_TIMES = 1 << 0,
};

/*
 * Set r's fields on object o, in table order: the time as ISO 8601
 * with offset, choices by name, nothing given as null. Only the fields
 * of r's variant. 0, or -1 when out of memory.
 */
int record_fields_json(const struct record_kind *k, const void *r, json_t *o,
                       unsigned flags);

/*
 * Read the fields of an export record or --json object (keys as
 * record_fields_json writes them; other keys are left for the caller
 * to judge) into r, initialised here; text is cleaned as typed text is.
 * 0, or -1 with a clause naming the field in err (like "\"after\" is
 * 12; distress is a whole number from 0 to 10"), r released.
 */
int record_fields_read(const struct record_kind *k, const json_t *o, void *r,
                       char *err, size_t errsize);

/* Read int field f's export value v (present, not null) into *out. 0, or
 * -1 with the clause in err ("\"mood\" is 99; a mood is a whole number
 * from 0 to 10"). */
int record_int_read(const struct record_field *f, const json_t *v, int *out,
                    char *err, size_t size);

/* --- the export codec (struct transfer_codec) --- */

int record_export_encode(const struct transfer_codec *c,
                         const unsigned char *head, size_t headlen,
                         const unsigned char *body, size_t bodylen,
                         struct transfer_times *t, json_t *fields, char *err);
int record_export_decode(const struct transfer_codec *c, const json_t *rec,
                         const struct transfer_times *t, struct strbuf *head,
                         struct strbuf *body, char *err);
/* "- key: value" lines, for people. */
int record_export_markdown(const struct transfer_codec *c, const json_t *rec,
                           struct strbuf *md);

#endif
