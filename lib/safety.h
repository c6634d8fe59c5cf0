/*
 * The safety plan: a person's own plan for hard moments, in the seven
 * parts of the Stanley-Brown safety plan, stored as vault records of kind
 * "safety-plan". Every saved edit is a new record, so earlier versions
 * are kept; they are numbered 1, 2, ... from the oldest.
 *
 * Head (decrypted for the history): JSON {"v":1, "created", "updated",
 * "version"}: times in seconds since the epoch, "version" the number the
 * plan got when it was saved (it orders plans saved in the same second).
 * Body: JSON {"v":1, "sections": {"warning-signs": ["...", ...], ...}}
 * with one list of items per section key (a missing key is an empty
 * section; unknown keys are ignored).
 *
 * The readable layout (for the editor, `--from FILE` and `show`):
 *
 *   # lines starting with "# " are notes and are not saved
 *   ## Step 1: Warning signs
 *   - one item per line
 *
 * Headings are "## " and a section's title, after an optional step
 * number ("Step 1: ", "1. "), in any case (a few other names are
 * understood, e.g. "Reasons for living"). Items start with "- ", "* ",
 * "+ " or "1. "; a line indented under an item continues it; any other
 * line of text under a heading is an item too.
 */
#ifndef SELFHELP_SAFETY_H
#define SELFHELP_SAFETY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "vault.h"

#define SAFETY_KIND "safety-plan"

/* The kind's table (lib/record.h): its sections as list fields; its
 * storage and versions are its own, and it travels in the raw form. */
struct record_kind;
extern const struct record_kind safety_kind;

enum safety_section {
	SAFETY_WARNING_SIGNS,
	SAFETY_ON_MY_OWN,
	SAFETY_DISTRACTIONS,
	SAFETY_PEOPLE,
	SAFETY_PROFESSIONALS,
	SAFETY_SURROUNDINGS,
	SAFETY_REASONS,
	SAFETY_NSECTIONS
};

enum {
	SAFETY_MAX_ITEMS = 100,    /* per section */
	SAFETY_ITEM_MAX = 1000,    /* bytes per item */
	SAFETY_TEXT_MAX = 1 << 20, /* bytes of layout text */
	SAFETY_ERR_MAX = 512,
};

/* "Warning signs", ... Static storage. */
const char *safety_section_title(enum safety_section s);
/* "warning-signs", ... (the body's and --json's keys). Static storage. */
const char *safety_section_key(enum safety_section s);
/* One sentence saying what belongs in the section. Static storage. */
const char *safety_section_hint(enum safety_section s);

struct safety_items {
	char **items; /* n strings, owned (wiped on free) */
	size_t n;
};

struct safety_plan {
	char id[VAULT_ID_HEX + 1]; /* empty until stored or read */
	time_t created;
	int version; /* 1 = the oldest kept; 0 until stored or read */
	struct safety_items sections[SAFETY_NSECTIONS];
};

/* A new empty plan (caller frees with safety_plan_free), or NULL. */
struct safety_plan *safety_plan_new(void);

/* Wipe and free the plan's items and the plan. NULL is a no-op. */
void safety_plan_free(struct safety_plan *p);

/* Append a copy of `len` bytes of `item` to a section. 0, or -1 when out
 * of memory or the section is full. */
int safety_plan_add(struct safety_plan *p, enum safety_section s,
                    const char *item, size_t len);

/* Does the plan hold no item at all? */
bool safety_plan_empty(const struct safety_plan *p);

/* Do two plans hold the same items in the same order? */
bool safety_plan_same(const struct safety_plan *a, const struct safety_plan *b);

enum safety_format_flags {
	SAFETY_FORMAT_HINTS = 1 << 0, /* a note and one hint per section */
};

/*
 * The plan in the readable layout (p may be NULL: the empty layout), its
 * headings numbered in the order of use ("## Step 1: Warning signs").
 * Returns a NUL-terminated buffer of *len bytes; the caller wipes and
 * frees it. NULL when out of memory.
 */
char *safety_format_text(const struct safety_plan *p, unsigned flags,
                         size_t *len);

/*
 * Parse the readable layout into a new plan (*out, caller frees). Returns
 * 0, or -1 with one sentence in err (SAFETY_ERR_MAX bytes) that starts
 * with the line number, e.g. "Line 4: ...". *out is NULL then.
 */
int safety_parse_text(const char *text, size_t len, struct safety_plan **out,
                      char *err);

/* --- records --- */

/*
 * Store the plan as a new version (one vault_put; call it inside a
 * transaction so the number is not taken twice). Writes the new record's
 * id to p->id, `now` to p->created and its number to p->version.
 */
int safety_save(struct vault *v, struct safety_plan *p, time_t now);

/*
 * Which version is the newest. Versions are ordered by the "created" time
 * in their heads, then by the number stored in the head, then by id.
 * A version whose head cannot be read has no known time, so it is placed
 * by where it is stored: right after the latest (in that order) of the
 * readable versions stored before it in the vault, or first when none
 * is. The vault stores records in the order they were saved, so a
 * damaged version is never taken for older than one saved before it: a
 * damaged record stored after every readable version counts as the
 * newest, and the current plan is then reported as damaged rather than
 * silently replaced by an older one. Limits: a readable head's time is
 * trusted as it is (forged heads are the vault's concern); and versions
 * stored after a damaged one with earlier times (an import of old
 * versions) are taken for newer than it when they are newer than the
 * readable versions stored before it.
 */
enum safety_damage {
	SAFETY_READS = 0,        /* head and body read */
	SAFETY_DAMAGED_HEAD = 1, /* the head does not authenticate or decode:
	                            its time is unknown */
	SAFETY_DAMAGED_BODY = 2, /* the head reads, the body does not */
};

struct safety_version {
	char id[VAULT_ID_HEX + 1];
	time_t created; /* 0 when the head is damaged */
	int version;    /* 1 = oldest */
	enum safety_damage damaged;
};

/*
 * Every stored version, oldest first, numbered from 1, damaged ones
 * included (and marked) in their places by the rule above; every body is
 * checked. *out is an array of *n (caller frees with free()).
 */
int safety_history(struct vault *v, struct safety_version **out, size_t *n);

/*
 * Read exactly version `version` (0: the newest, as ordered above) into
 * *out (caller frees). VAULT_NOT_FOUND when there is no such version (or
 * no plan at all), VAULT_DAMAGED when it does not authenticate or decode:
 * never an older version instead.
 */
int safety_load(struct vault *v, int version, struct safety_plan **out);

/*
 * The newest version that reads, for showing when the newest one may be
 * damaged. *newest is set to the newest version's number, which is how
 * many versions are kept, damaged ones included (0: no plan). Returns 0
 * with *out set (caller frees); when (*out)->version < *newest, the
 * versions after it could not be read, and the caller must say so
 * rather than show it as the current plan. VAULT_NOT_FOUND when there is
 * no plan; VAULT_DAMAGED when there are versions but none of them reads
 * (*out is NULL).
 */
int safety_load_newest_readable(struct vault *v, struct safety_plan **out,
                                int *newest);

/*
 * Decode one record (for tests and tools). `id` may be NULL. Returns 0,
 * or -1 when it is not a safety plan this build understands.
 */
int safety_decode(const char *id, const unsigned char *head, size_t headlen,
                  const unsigned char *body, size_t bodylen,
                  struct safety_plan **out);

#endif
