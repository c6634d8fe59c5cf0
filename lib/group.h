/*
 * Self-help group companion records: a short check-in before a meeting
 * ("prepare") and a look back afterwards ("reflect"), stored as vault
 * records of kind "group" (sealed like journal entries while locked).
 *
 * Head (decrypted for listing): JSON {"v":1, "type", "when", "created",
 * "updated", then for a check-in "before", "state", "boundary"; for a
 * reflection "after", "state", "closeness", "kept"}.
 * Body (decrypted for show, edit, export): JSON {"v":1, then for a
 * check-in "bring", "need", "if_too_much"; for a reflection "moved",
 * "triggered", "contributed", "next", "kind_words"}.
 * Times are seconds since the epoch; ratings 0-10 or null; state
 * "too-much", "okay", "too-little" or null (as in lib/trigger.h);
 * closeness "too-close", "about-right", "too-far" or null; kept "yes",
 * "partly", "no", "did-not-come-up" or null; text fields strings or
 * null. Only `type` and `when` are required.
 *
 * A reflection is linked to a check-in by a rule, never by a stored id
 * (so a reflection written while the vault was locked links as well as
 * any): see group_link().
 *
 * The kind is described as data (group_kind, lib/record.h): the engine
 * does its storage, edit layout, --json fields and export codec; the
 * functions below are the engine's typed for group records, plus what is
 * the group's own: linking, and its Markdown.
 */
#ifndef SELFHELP_GROUP_H
#define SELFHELP_GROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "record.h"
#include "transfer.h"
#include "trigger.h"
#include "vault.h"

#define GROUP_KIND "group"

/* The kind's table (lib/record.h). */
extern const struct record_kind group_kind;

enum {
	GROUP_NO_RATING = -1,
	GROUP_RATING_MAX = 10,
	GROUP_TEXT_MAX = 65536, /* bytes per text field */
};

enum group_type {
	GROUP_PREPARE = 1, /* before a meeting */
	GROUP_REFLECT = 2, /* after it */
};

enum group_closeness {
	GROUP_CLOSENESS_NONE = 0,
	GROUP_TOO_CLOSE,
	GROUP_ABOUT_RIGHT,
	GROUP_TOO_FAR,
};

/* Whether the boundary set before the meeting was kept. No judgement:
 * every answer is as good as another. The form's answers: */
#define GROUP_KEPT_ANSWERS "1 yes, 2 partly, 3 no, 4 it didn't come up: "
enum group_kept {
	GROUP_KEPT_NONE = 0,
	GROUP_KEPT_YES,
	GROUP_KEPT_PARTLY,
	GROUP_KEPT_NO,
	GROUP_KEPT_NOT_TESTED, /* it didn't come up */
};

/* The free-text fields; the first four belong to a check-in, the rest
 * to a reflection (group_text_type). */
enum group_text {
	GROUP_BRING,       /* what I would like to bring today */
	GROUP_NEED,        /* what I need from the group */
	GROUP_BOUNDARY,    /* my boundary for today */
	GROUP_IF_TOO_MUCH, /* what I will do if it gets too much */
	GROUP_MOVED,       /* what moved me */
	GROUP_TRIGGERED,   /* what triggered me */
	GROUP_CONTRIBUTED, /* what I contributed */
	GROUP_NEXT,        /* what I would like to try next time */
	GROUP_KIND_WORDS,  /* one kind sentence to myself */
	GROUP_NTEXTS,
};

struct group_record {
	char id[VAULT_ID_HEX + 1]; /* empty until stored */
	bool written_locked;       /* arrived while the vault was locked */
	enum group_type type;
	time_t when; /* when the check-in or reflection was made */
	time_t created, updated;
	int before; /* check-in: distress arriving, 0-10 or GROUP_NO_RATING */
	int after;  /* reflection: distress leaving, likewise */
	enum trigger_state state;
	enum group_closeness closeness; /* reflection only */
	enum group_kept kept;           /* reflection only */
	char *text[GROUP_NTEXTS];       /* owned; NULL when not given */
	bool has_body;                  /* the body fields were read (or set) */
	/* Set by group_link(): the id of the linked record (the reflection
	 * of a check-in, the check-in of a reflection), or "". */
	char link[VAULT_ID_HEX + 1];
};

/* An empty record of `type`: no ratings, no state, no text. */
void group_record_init(struct group_record *r, enum group_type type);

/* Wipe and free the owned strings; the record is empty (same type). */
void group_record_release(struct group_record *r);

/* Release and free a heap record (NULL ok). */
void group_record_free(struct group_record *r);

/* Free an array of n records from group_list(), and the array. */
void group_records_free(struct group_record **list, size_t n);

/* Deep copy of src into *dst (initialised here). 0, or -1 (memory). */
int group_record_copy(struct group_record *dst, const struct group_record *src);

/* Do two records hold the same fields (ignoring id, link and
 * created/updated)? */
bool group_record_same(const struct group_record *a,
                       const struct group_record *b);

/* Is anything besides type and `when` set? */
bool group_record_has_fields(const struct group_record *r);

/* --- names --- */

/* "prepare" / "reflect"; and parsing those (0, or -1). */
const char *group_type_name(enum group_type t);
int group_type_parse(const char *s, enum group_type *out);

/* Which type a text field belongs to. */
enum group_type group_text_type(enum group_text t);

/* Key of the edit layout ("if-too-much") and --json name
 * ("if_too_much") of a text field. */
const char *group_text_key(enum group_text t);
const char *group_text_json(enum group_text t);

/* "too-close", "about-right", "too-far"; NULL for none. */
const char *group_closeness_name(enum group_closeness c);
/* "too close", "about right", "too far"; "" for none. */
const char *group_closeness_words(enum group_closeness c);
/* As typed (any case; spaces or underscores for hyphens; "right" for
 * about-right). 0, or -1 when it is none of them. */
int group_closeness_parse(const char *s, enum group_closeness *out);

/* "yes", "partly", "no", "did-not-come-up"; NULL for none. */
const char *group_kept_name(enum group_kept k);
/* "yes", "partly", "no", "it didn't come up"; "" for none. */
const char *group_kept_words(enum group_kept k);
/* As typed: yes/y, partly/partially, no/n, "didn't come up" (with or
 * without the apostrophe, hyphens or spaces), did-not-come-up, n/a.
 * 0, or -1. */
int group_kept_parse(const char *s, enum group_kept *out);

/*
 * Set text field t of r from s, cleaned as lib/trigger.h cleans free
 * text (trimmed; no control characters but newline and tab; UTF-8; at
 * most GROUP_TEXT_MAX bytes). Empty clears it. Returns RECORD_PROBLEM_NONE
 * or the problem (r unchanged).
 */
enum record_problem group_set_text(struct group_record *r, enum group_text t,
                                   const char *s);

/* --- the vault --- */

/*
 * Store a new record (one vault_put, or vault_seal when `sealed`: the
 * vault is locked; wrap it in a transaction). Sets r->created and
 * r->updated to `now` and writes the id to r->id.
 */
int group_add(struct vault *v, struct group_record *r, bool sealed, time_t now);

/* Replace the stored record r->id (it must exist, with its body read);
 * updated = now. */
int group_update(struct vault *v, struct group_record *r, time_t now);

/*
 * Read one record by full id, head and body. *out is caller-freed with
 * group_record_free (its link is not set). VAULT_DAMAGED when it does
 * not authenticate or cannot be decoded.
 */
int group_get(struct vault *v, const char *id, struct group_record **out);

struct group_filter {
	time_t since;   /* 0: no lower bound (on `when`) */
	time_t until;   /* 0: no upper bound */
	bool with_body; /* read the body fields too */
};

/*
 * Records whose `when` is in the filter's period, newest first, with
 * their links set (worked out over every group record, so a check-in
 * just before `since` still links). Records that do not authenticate or
 * decode are left out and reported through `damaged` (may be NULL).
 * This is the function for other commands (e.g. a report) to read group
 * records with. Free *list with group_records_free.
 */
int group_list(struct vault *v, const struct group_filter *f,
               struct group_record ***list, size_t *n,
               void (*damaged)(void *arg, const char *id), void *arg);

/* The record with full id `id` in list, or NULL. Borrowed. */
struct group_record *group_find(struct group_record *const *list, size_t n,
                                const char *id);

/* --- linking --- */

/*
 * The linking rule, a pure function of the records' type, `when` (in
 * the local time zone) and id: a reflection goes with the latest
 * check-in made on the same local day at or before it, unless another
 * reflection came between them (that check-in is answered already).
 * Sets `link` on every record of list (any order; n records), clearing
 * it on those without a partner. Returns 0, or -1 when out of memory
 * (every link is then cleared).
 */
int group_link(struct group_record *const *list, size_t n);

/*
 * The check-in a new reflection made at `when` would be linked to,
 * among the n records of list (any order; their links are not used), or
 * NULL. Borrowed from list.
 */
struct group_record *group_link_for(struct group_record *const *list, size_t n,
                                    time_t when);

/* --- JSON --- */

/*
 * The record's own fields for --json and the export document, set on
 * the object `o` in order: "type", "when" (ISO 8601 with offset), then
 * the fields of its type (null when not given). Returns 0, or -1 when
 * out of memory.
 */
int group_fields_json(const struct group_record *r, json_t *o);

/*
 * Read a record's fields from an export record or --json object (keys
 * as group_fields_json writes them; unknown keys are left alone for
 * the caller to judge) into r (initialised here). Returns 0, or -1 with
 * a clause naming the field in err (like "\"after\" is 12; distress is
 * a whole number from 0 to 10"), r released.
 */
int group_fields_read(const json_t *o, struct group_record *r, char *err,
                      size_t errsize);

/* The Markdown of the export codec (transfer.h): the engine encodes and
 * decodes group records; their Markdown is their own. */
int group_export_markdown(const struct transfer_codec *c, const json_t *rec,
                          struct transfer_buf *md);

/* --- the edit layout --- */

/*
 * The readable layout for `group edit`: comment lines (starting with
 * '#'), then one "key: value" line per field of the record's type
 * (multi-line text continued on lines indented by two spaces). Caller
 * wipes and frees (*len bytes).
 */
char *group_format_text(const struct group_record *r, size_t *len);

/*
 * Parse that layout into r, starting from `base` (its type, id, created
 * and an unchanged `when` are kept; fields left out are cleared). `now`
 * resolves dates like "today". Returns 0, or -1 with a one-sentence
 * message naming the line in err (r is then released).
 */
int group_parse_text(const char *text, size_t len,
                     const struct group_record *base, time_t now,
                     struct group_record *r, char *err, size_t errsize);

#endif
