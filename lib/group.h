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
 * does its storage, edit layout, --json fields, form questions and export
 * codec. What is the group's own is below: the listing with links, the
 * linking, and (in the codec) its Markdown.
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
	bool conflict_copy;        /* kept by a merge: edited on both copies */
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

/* Release and free a heap record, and an array of n records from
 * group_list() (NULL ok). */
void group_record_free(struct group_record *r);
void group_records_free(struct group_record **list, size_t n);

/* Which type a text field belongs to. */
enum group_type group_text_type(enum group_text t);

/* The table's field of text t, and of the state, closeness and kept
 * (for record_set_text, record_choice_*). */
const struct record_field *group_text_field(enum group_text t);
#define GROUP_STATE_FIELD                                                      \
	record_field_at(&group_kind, offsetof(struct group_record, state))
#define GROUP_CLOSENESS_FIELD                                                  \
	record_field_at(&group_kind, offsetof(struct group_record, closeness))
#define GROUP_KEPT_FIELD                                                       \
	record_field_at(&group_kind, offsetof(struct group_record, kept))

/* --- the vault --- */

struct group_filter {
	time_t since;   /* 0: no lower bound (on `when`) */
	time_t until;   /* 0: no upper bound */
	bool with_body; /* read the body fields too */
};

/*
 * Records whose `when` is in the filter's period, newest first, with
 * their links set (worked out over the records of the period and two
 * days either side: links join records of one day, so a check-in just
 * before `since` still links). Records that do not authenticate or
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

#endif
