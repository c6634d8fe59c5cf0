/*
 * Patterns in the trigger log, computed over records already in memory:
 * no vault (but for stats_gather, which reads the records), no clock (the
 * period is passed in), no printing. The only
 * outside input is the local time zone, used for weeks, weekdays and
 * times of day.
 *
 * "What you tried" is computed from uses: one use per strategy named in
 * a record's `helped` list, carrying that record's distress before and
 * after. Its figures describe, and show no cause: distress often eases
 * with time whatever one does. Other sources of uses fold in through
 * stats_input.extra_uses: the caller turns each grounding rating (the
 * record kind "rating", lib/rating.h: the exercise, before and after) into
 * one struct stats_use, and it counts together with the trigger log under
 * the same normalised name.
 */
#ifndef SELFHELP_STATS_H
#define SELFHELP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "trigger.h"

struct rating;

enum {
	STATS_DAYS = 7,  /* Monday first */
	STATS_PARTS = 4, /* night, morning, afternoon, evening */
	/* Fewer uses with both ratings: too few to tell. Three was too few
	 * for a mean of ratings that ease with time anyway. */
	STATS_MIN_RATED = 5,
	STATS_SPARK_LEVELS = 8,
};

/* Names of the times of day and weekdays, for output. */
extern const char *const stats_part_names[STATS_PARTS];
extern const char *const stats_day_names[STATS_DAYS];

/* Hours at which the parts of the day start: 0, 6, 12, 18. */
extern const int stats_part_start[STATS_PARTS];

/* One use of a strategy, with distress ratings (TRIGGER_NO_RATING). */
struct stats_use {
	const char *name; /* as typed; normalised here */
	int before, after;
	time_t when;
};

struct stats_input {
	const struct trigger_record *const *records;
	size_t nrecords;
	const struct stats_use *extra_uses; /* e.g. grounding ratings */
	size_t nextra;
	time_t since, until; /* the period, inclusive; since <= until */
};

struct stats_week {
	time_t start; /* local Monday 00:00 (the first may start earlier
	                 than the period) */
	unsigned records;
	unsigned rated;     /* records with a "before" rating */
	double mean_before; /* valid when rated > 0 */
};

/* A name and how often it came up (once per record at most). `name` is
 * the spelling of its latest use (white space tidied; on a tie, the
 * spelling that sorts first); `key` the normalised form (see
 * trigger_name_key). Both owned. */
struct stats_count {
	char *name;
	char *key;
	unsigned count;
	time_t latest; /* when `name` was used */
};

struct stats_helped {
	char *name; /* as in struct stats_count */
	char *key;
	time_t latest;
	unsigned uses;
	unsigned rated;   /* uses with both before and after */
	double mean_drop; /* mean of before - after over `rated` uses */
	bool enough;      /* rated >= STATS_MIN_RATED */
};

struct stats {
	time_t since, until;
	size_t nrecords; /* records in the period */
	struct stats_week *weeks;
	size_t nweeks;
	unsigned when[STATS_DAYS][STATS_PARTS];
	/* Most frequent first; ties by name. */
	struct stats_count *triggers, *emotions, *body;
	size_t ntriggers, nemotions, nbody;
	/* Most used first; ties by name. */
	struct stats_helped *helped;
	size_t nhelped;
};

/*
 * Compute the figures for records (and extra uses) whose time lies in
 * [since, until]; others are ignored. Returns 0 with *out (free with
 * stats_free), or -1 when out of memory or the period is empty.
 */
int stats_compute(const struct stats_input *in, struct stats **out);

/* Wipe the names and free (NULL ok). */
void stats_free(struct stats *s);

/*
 * What `trigger-log stats` counts, read from the vault (the one function
 * here that does): the trigger records whose `when` lies in [since,
 * until], and every grounding rating (lib/rating.h) made in that period,
 * as uses. Shared by `trigger-log stats` and `selfhelp report`, so both
 * show the same figures for the same period.
 */
struct stats_sources {
	struct trigger_record **records; /* newest first; owned */
	size_t nrecords;
	struct stats_use *uses; /* names borrowed from `ratings`; owned */
	size_t nuses;
	struct rating *ratings; /* owned */
};

/*
 * Fill *src (released with stats_sources_release, also after a failure)
 * and *in (pointing into *src) for stats_compute. Records that do not
 * authenticate are left out and reported through `damaged` (may be
 * NULL). Returns 0, or -1 with *why a borrowed one-sentence reason (the
 * vault's message, or "Out of memory.").
 */
int stats_gather(struct vault *v, time_t since, time_t until,
                 struct stats_sources *src, struct stats_input *in,
                 void (*damaged)(void *arg, const char *id), void *arg,
                 const char **why);

/* Free what stats_gather() filled; *src is empty afterwards. */
void stats_sources_release(struct stats_sources *src);

/* Local Monday 00:00 of the week holding t. */
time_t stats_week_start(time_t t);

/* The part of the day (index into stats_part_names) for hour 0-23. */
int stats_part_of_hour(int hour);

/*
 * The level 0..STATS_SPARK_LEVELS-1 of a sparkline mark for `value` on
 * a scale up to `max` (> 0), or -1 for "no mark" when value <= 0 and
 * zero_blank is set. Counts use zero_blank; means use a fixed scale.
 */
int stats_spark_level(double value, double max, bool zero_blank);

#endif
