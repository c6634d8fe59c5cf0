/*
 * "A summary to share": one self-contained HTML document for a person to
 * give their therapist if they choose. Mood over time (journal), trigger
 * records per week, distress before and after, what helped, when things
 * happened, and optionally group meetings and the journal entries in
 * full.
 *
 * Self-contained means nothing is fetched: inline CSS and inline SVG
 * charts, no scripts, fonts, images or external addresses, and a
 * Content-Security-Policy that forbids loading anything. Every chart has
 * a table with the same figures, and no chart relies on colour alone.
 *
 * Pure: built from data passed in, with no vault, no clock (the period
 * and "now" are passed in) and no printing. The only outside input is
 * the local time zone, used for dates and weeks.
 */
#ifndef SELFHELP_REPORT_H
#define SELFHELP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "group.h"
#include "journal.h"
#include "stats.h"
#include "trigger.h"

struct report_input {
	time_t since, until; /* the period, inclusive */
	time_t now;          /* when the report is made */
	/* Journal entries (any order; those outside the period are left
	 * out). Their text is read only with include_entries. Without it,
	 * `moods` may stand in for them (entries NULL): their times and
	 * moods are all the charts need. */
	const struct journal_entry *const *entries;
	size_t nentries;
	const struct journal_mood *moods;
	size_t nmoods;
	/* The trigger records given to stats_compute, for the means of
	 * distress afterwards. */
	const struct trigger_record *const *records;
	size_t nrecords;
	/* stats_compute() over the same records, uses and period. */
	const struct stats *stats;
	bool include_entries; /* the entries of the period in full */
	/* Group check-ins and reflections (lib/group.h) with their bodies
	 * and links set, any order (those outside the period are left
	 * out); shown only with include_group. */
	const struct group_record *const *groups;
	size_t ngroups;
	bool include_group;
};

/*
 * The document, NUL-terminated, *len bytes. It holds the person's own
 * words: free it with report_free(). NULL when out of memory or when
 * stats is NULL.
 */
char *report_html(const struct report_input *in, size_t *len);

/*
 * The same document handed to fn in pieces as it is made, so that only
 * the data and about 64 KiB of it are in memory at once (a report of
 * years of entries). Returns 0; REPORT_NO_MEMORY (fn may have had part
 * of it); or fn's first non-zero return, after which fn is not called
 * again.
 */
enum { REPORT_NO_MEMORY = -1 };
int report_write(const struct report_input *in,
                 int (*fn)(void *arg, const char *p, size_t n), void *arg);

/* Wipe and free a document from report_html() (NULL ok). */
void report_free(char *html, size_t len);

/*
 * Text for HTML: the five special characters & < > " ' become entities,
 * control characters (C0 but newline and tab, DEL, C1) are dropped, and
 * bytes that are not UTF-8 become U+FFFD. The result is safe in element
 * content and in quoted attribute values. Caller frees (wipe it first
 * when it held private text); NULL when out of memory.
 */
char *report_escape(const char *s, size_t len);

#endif
