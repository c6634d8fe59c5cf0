/*
 * Journal entries, stored as vault records of kind "journal".
 *
 * Head (decrypted for listing): JSON {"v":1, "created", "updated", "mood",
 * "tags", "preview"} — times in seconds since the epoch, mood 0-10 or
 * null, preview the first line of the text (at most 120 bytes; after a
 * leading journaling prompt, "> PROMPT" and a blank line, when there are
 * words after it).
 * Body: the text itself, UTF-8 as typed.
 */
#ifndef SELFHELP_JOURNAL_H
#define SELFHELP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "vault.h"

struct search_needle;

#define JOURNAL_KIND "journal"

/* The kind's table (lib/record.h): its export fields, limits and codec;
 * its storage is its own. */
struct record_kind;
extern const struct record_kind journal_kind;
enum { JOURNAL_NO_MOOD = -1, JOURNAL_MAX_TAGS = 64, JOURNAL_TAG_MAX = 64 };

/*
 * The mood scale in words, said the same way wherever a mood is asked
 * or shown (--mood's help, 'journal show' and 'list', the report, the
 * man pages), so that nobody has to guess which end is good.
 */
#define JOURNAL_MOOD_SCALE "0 to 10, 10 is best"

/* The head key of an entry imported from jrnl: the date and time jrnl
 * wrote, in seconds as if they were UTC, so that importing the same
 * journal again finds it in any time zone. Not an export field: the
 * jrnl import passes it to the codec's decode as one. */
#define JOURNAL_JRNL_TIME "jrnl_time"

struct journal_entry {
	char id[VAULT_ID_HEX + 1];
	time_t created;
	time_t updated;
	int mood;    /* 0-10, or JOURNAL_NO_MOOD */
	char **tags; /* ntags strings, owned */
	size_t ntags;
	char *preview; /* owned, first line of text */
	char *text;    /* owned; NULL unless the body was read */
	size_t textlen;
	bool written_locked; /* arrived while the vault was locked */
	int64_t jrnl_time;   /* JOURNAL_JRNL_TIME, or 0 */
	bool conflict_copy;  /* kept by a merge: edited on both copies */
};

/* Free an entry's owned strings (wiping text) and the entry. NULL ok. */
void journal_entry_free(struct journal_entry *e);

/* Free an array of n entries from journal_list(), and the array. */
void journal_entries_free(struct journal_entry **list, size_t n);

/*
 * Normalise a tag as typed: trims spaces and leading '#'s, lower-cases
 * ASCII. Returns a malloc'd string, or NULL when nothing is left, it is
 * longer than JOURNAL_TAG_MAX bytes, or holds a comma, a control
 * character (C0, DEL or C1: util_has_control) or bytes that are not
 * UTF-8.
 */
char *journal_tag_normalize(const char *tag);

/* Set jansson's allocator to one that wipes memory on free. Call once at
 * start-up, before any JSON is made (decrypted text passes through it). */
void journal_json_init(void);

/*
 * Add an entry (one call to vault_put; wrap it in a transaction). Text
 * must be non-empty. Writes the new id to id_out (VAULT_ID_HEX + 1).
 */
int journal_add(struct vault *v, const char *text, size_t len, int mood,
                char *const *tags, size_t ntags, time_t created, char *id_out);

/* The same, sealed to the vault's public key while it is locked (see
 * vault_seal); it becomes an ordinary entry at the next unlock. */
int journal_add_sealed(struct vault *v, const char *text, size_t len, int mood,
                       char *const *tags, size_t ntags, time_t created,
                       char *id_out);

/* Replace an entry's text, mood and tags; `updated` becomes now. */
int journal_update(struct vault *v, const struct journal_entry *e, time_t now);

/*
 * Read one entry by full id, with its text. *out is caller-freed with
 * journal_entry_free. VAULT_DAMAGED when it does not authenticate.
 */
int journal_get(struct vault *v, const char *id, struct journal_entry **out);

struct journal_filter {
	time_t since;                 /* 0: no lower bound */
	time_t until;                 /* 0: no upper bound */
	const char *tag;              /* normalised tag, or NULL */
	struct search_needle *needle; /* text or tag match, or NULL */
	bool with_text;               /* read bodies too */
	size_t limit;                 /* at most this many, newest; 0: all */
};

/*
 * Entries matching the filter, newest first. *list is an array of
 * *n entries (free with journal_entries_free). Records that do not
 * authenticate are left out and their ids reported through `damaged`
 * (called once per record; may be NULL). With a limit (and a sort key set
 * on the vault) only the newest records are read, through the listing
 * index, until `limit` match; damage is then reported among those read.
 */
int journal_list(struct vault *v, const struct journal_filter *f,
                 struct journal_entry ***list, size_t *n,
                 void (*damaged)(void *arg, const char *id), void *arg);

/* An entry's time and mood: all a report's mood chart needs. */
struct journal_mood {
	time_t created;
	int mood; /* 0-10, or JOURNAL_NO_MOOD */
};

/*
 * The times and moods of the entries created in [since, until] (0: open;
 * picked through the listing index when the vault has sort keys), in
 * no particular order, into a malloc'd array (*out, free() it) of *n.
 * Damage is reported as journal_list does.
 */
int journal_moods(struct vault *v, time_t since, time_t until,
                  struct journal_mood **out, size_t *n,
                  void (*damaged)(void *arg, const char *id), void *arg);

/* The journal's sort key for the vault's listing index (see
 * vault_set_sort_key): an entry's creation time. */
int journal_sort_key(const char *kind, const unsigned char *head, size_t len,
                     int64_t *key);

/* Does the entry match the needle (text or a tag)? With start/end set
 * to the match in e->text when it is in the text (else both 0). */
bool journal_match(const struct journal_entry *e,
                   const struct search_needle *needle, size_t *start,
                   size_t *end);

#endif
