/*
 * lib/stats.c on records built in memory, with figures worked out by
 * hand (see the comments at each fixture). Time zone: UTC.
 */
#include "harness.h"

#include "journal.h"
#include "stats.h"
#include "trigger.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>

/* 2026-11-02 00:00 UTC is a Monday. */
enum { MON_2026_11_02 = 1793577600, HOUR = 3600, DAY = 86400 };

static time_t
at(int day_offset, int hour, int minute)
{
	return (time_t)MON_2026_11_02 + (time_t)day_offset * DAY +
	       (time_t)hour * HOUR + minute * 60;
}

static struct trigger_record *
rec(time_t when, int before, int after, const char *trigger,
    const char *emotions, const char *body, const char *helped)
{
	struct trigger_record *r = malloc(sizeof(*r));
	assert_non_null(r);
	record_init(&trigger_kind, r, 0);
	r->when = when;
	r->before = before;
	r->after = after;
	if (trigger)
		assert_int_equal(
		        record_set_text(trigger_text_field(TRIGGER_TRIGGER), r,
		                        trigger),
		        RECORD_PROBLEM_NONE);
	if (emotions)
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_EMOTIONS),
		                         r, emotions),
		        RECORD_PROBLEM_NONE);
	if (body)
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_BODY), r,
		                         body),
		        RECORD_PROBLEM_NONE);
	if (helped)
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_HELPED), r,
		                         helped),
		        RECORD_PROBLEM_NONE);
	return r;
}

enum { NONE = TRIGGER_NO_RATING, NFIX = 7 };

/*
 * The fixture. Period: Monday 2026-11-02 00:00 to Sunday 2026-11-22
 * 23:59:59, three weeks. R6 and R7 lie outside it.
 *
 *   R1 Mon 11-02 21:30 evening    8 -> 4  "Slammed door"
 *      emotions fear, shame; body tight chest; helped Cold  Water, breathing
 *   R2 Tue 11-03 03:10 night      6 -> 5  "slammed  DOOR"
 *      emotions Fear; body shaking; helped cold water
 *   R3 Tue 11-10 09:00 morning    4 -> -  "raised voice"
 *      emotions fear, anger; body tight chest, shaking; helped cold water,
 *      walk
 *   R4 Thu 11-12 14:00 afternoon  9 -> 3  "Slammed door"
 *      emotions shame; helped COLD WATER, breathing
 *   R5 Fri 11-20 19:45 evening    - -> 2  (no trigger)
 *      emotions fear; helped walk
 *   R6 Fri 10-30 12:00 (before)  10 -> 0  helped cold water
 *   R7 Mon 11-23 00:00 (after)   10 -> 0  helped cold water
 *
 * Expected: 5 records. Weeks: 11-02 2 records, mean before (8+6)/2 = 7;
 * 11-09 2 records, (4+9)/2 = 6.5; 11-16 1 record, no rating.
 * Triggers: slammed door 3 (shown as the latest spelling, R4's "Slammed
 * door"), raised voice 1. Emotions: fear 4, shame 2, anger 1. Body:
 * shaking 2, tight chest 2 (a tie: by name). Helped: cold water 4 uses,
 * 3 with both ratings, drops 4, 1, 6: mean 11/3 = 3.67, too few (at
 * least STATS_MIN_RATED, 5, are needed); breathing 2 uses (drops 4 and
 * 6), too few; walk 2 uses, none rated, too few.
 */
static struct trigger_record *fix[NFIX];

static int
setup(void **state)
{
	fix[0] = rec(at(0, 21, 30), 8, 4, "Slammed door", "fear, shame",
	             "tight chest", "Cold  Water, breathing");
	fix[1] = rec(at(1, 3, 10), 6, 5, "slammed  DOOR", "Fear", "shaking",
	             "cold water");
	fix[2] = rec(at(8, 9, 0), 4, NONE, "raised voice", "fear, anger",
	             "tight chest, shaking", "cold water, walk");
	fix[3] = rec(at(10, 14, 0), 9, 3, "Slammed door", "shame", NULL,
	             "COLD WATER, breathing");
	fix[4] = rec(at(18, 19, 45), NONE, 2, NULL, "fear", NULL, "walk");
	fix[5] = rec(at(-3, 12, 0), 10, 0, "Slammed door", "fear", NULL,
	             "cold water");
	fix[6] = rec(at(21, 0, 0), 10, 0, "Slammed door", "fear", NULL,
	             "cold water");
	return 0;
}

static int
teardown(void **state)
{
	for (int i = 0; i < NFIX; i++)
		record_free(&trigger_kind, fix[i]);
	return 0;
}

static struct stats *
compute(const struct stats_use *extra, size_t nextra)
{
	struct stats_input in = {
	        .records = (const struct trigger_record *const *)fix,
	        .nrecords = NFIX,
	        .extra_uses = extra,
	        .nextra = nextra,
	        .since = at(0, 0, 0),
	        .until = at(21, 0, 0) - 1,
	};
	struct stats *s = NULL;
	assert_int_equal(stats_compute(&in, &s), 0);
	assert_non_null(s);
	return s;
}

static void
assert_near(double got, double want)
{
	if (got < want - 1e-9 || got > want + 1e-9)
		fail_msg("expected %.6f, got %.6f", want, got);
}

static void
weeks_and_means(void **state)
{
	struct stats *s = compute(NULL, 0);
	assert_int_equal(s->nrecords, 5);
	assert_int_equal(s->nweeks, 3);
	assert_int_equal(s->weeks[0].start, at(0, 0, 0));
	assert_int_equal(s->weeks[1].start, at(7, 0, 0));
	assert_int_equal(s->weeks[2].start, at(14, 0, 0));
	assert_int_equal(s->weeks[0].records, 2);
	assert_int_equal(s->weeks[1].records, 2);
	assert_int_equal(s->weeks[2].records, 1);
	assert_int_equal(s->weeks[0].rated, 2);
	assert_near(s->weeks[0].mean_before, 7.0);
	assert_int_equal(s->weeks[1].rated, 2);
	assert_near(s->weeks[1].mean_before, 6.5);
	assert_int_equal(s->weeks[2].rated, 0);
	stats_free(s);
}

static void
when_table(void **state)
{
	struct stats *s = compute(NULL, 0);
	unsigned total = 0;
	for (int d = 0; d < STATS_DAYS; d++)
		for (int p = 0; p < STATS_PARTS; p++)
			total += s->when[d][p];
	assert_int_equal(total, 5);
	assert_int_equal(s->when[0][3], 1); /* Monday evening: R1 */
	assert_int_equal(s->when[1][0], 1); /* Tuesday night: R2 */
	assert_int_equal(s->when[1][1], 1); /* Tuesday morning: R3 */
	assert_int_equal(s->when[3][2], 1); /* Thursday afternoon: R4 */
	assert_int_equal(s->when[4][3], 1); /* Friday evening: R5 */
	assert_int_equal(stats_part_of_hour(0), 0);
	assert_int_equal(stats_part_of_hour(5), 0);
	assert_int_equal(stats_part_of_hour(6), 1);
	assert_int_equal(stats_part_of_hour(12), 2);
	assert_int_equal(stats_part_of_hour(17), 2);
	assert_int_equal(stats_part_of_hour(18), 3);
	assert_int_equal(stats_part_of_hour(23), 3);
	stats_free(s);
}

static void
most_frequent(void **state)
{
	struct stats *s = compute(NULL, 0);
	assert_int_equal(s->ntriggers, 2);
	assert_string_equal(s->triggers[0].key, "slammed door");
	assert_string_equal(s->triggers[0].name, "Slammed door");
	assert_int_equal(s->triggers[0].count, 3);
	assert_string_equal(s->triggers[1].name, "raised voice");
	assert_int_equal(s->triggers[1].count, 1);

	assert_int_equal(s->nemotions, 3);
	assert_string_equal(s->emotions[0].key, "fear");
	assert_int_equal(s->emotions[0].count, 4);
	assert_string_equal(s->emotions[1].key, "shame");
	assert_int_equal(s->emotions[1].count, 2);
	assert_string_equal(s->emotions[2].key, "anger");
	assert_int_equal(s->emotions[2].count, 1);

	assert_int_equal(s->nbody, 2);
	assert_string_equal(s->body[0].name, "shaking");
	assert_int_equal(s->body[0].count, 2);
	assert_string_equal(s->body[1].name, "tight chest");
	assert_int_equal(s->body[1].count, 2);
	stats_free(s);
}

static void
what_helped(void **state)
{
	struct stats *s = compute(NULL, 0);
	assert_int_equal(s->nhelped, 3);
	const struct stats_helped *h = &s->helped[0];
	assert_string_equal(h->key, "cold water");
	assert_string_equal(h->name, "COLD WATER"); /* R4, the latest */
	assert_int_equal(h->uses, 4);
	assert_int_equal(h->rated, 3);
	assert_near(h->mean_drop, 11.0 / 3.0);
	assert_false(h->enough); /* three rated: still too few to tell */

	h = &s->helped[1];
	assert_string_equal(h->key, "breathing");
	assert_int_equal(h->uses, 2);
	assert_int_equal(h->rated, 2);
	assert_near(h->mean_drop, 5.0);
	assert_false(h->enough); /* two uses: too few to tell */

	h = &s->helped[2];
	assert_string_equal(h->key, "walk");
	assert_int_equal(h->uses, 2);
	assert_int_equal(h->rated, 0);
	assert_false(h->enough);
	stats_free(s);
}

/* Uses from elsewhere (future grounding ratings) count with the log. */
static void
extra_uses_fold_in(void **state)
{
	const struct stats_use extra[] = {
	        {"  Breathing ", 7, 2, at(5, 10, 0)},    /* drop 5 */
	        {"breathing", 9, 0, at(-10, 10, 0)},     /* outside: ignored */
	        {"box breathing", 6, NONE, at(2, 8, 0)}, /* a new name */
	};
	struct stats *s = compute(extra, 3);
	assert_int_equal(s->nhelped, 4);
	const struct stats_helped *h = &s->helped[1];
	assert_string_equal(h->key, "breathing");
	assert_int_equal(h->uses, 3);
	assert_int_equal(h->rated, 3);
	assert_near(h->mean_drop, 5.0); /* (4 + 6 + 5) / 3 */
	assert_false(h->enough);        /* three: too few */
	assert_string_equal(s->helped[2].key, "walk");
	assert_string_equal(s->helped[3].key, "box breathing");
	assert_int_equal(s->helped[3].uses, 1);
	/* The counts of records are not changed by extra uses. */
	assert_int_equal(s->nrecords, 5);
	stats_free(s);
}

/*
 * How many rated uses it takes to say anything: more than three (the
 * figures are a mean of ratings that ease with time anyway). Breathing
 * has two rated uses in the fixture; two more are still too few, three
 * more make five.
 */
static void
minimum_rated(void **state)
{
	const struct stats_use extra[] = {
	        {"breathing", 7, 2, at(5, 10, 0)},   /* drop 5 */
	        {"breathing", 6, 6, at(6, 10, 0)},   /* drop 0 */
	        {"breathing", 5, NONE, at(7, 9, 0)}, /* not rated after */
	        {"breathing", 8, 3, at(9, 10, 0)},   /* drop 5 */
	};
	assert_true(STATS_MIN_RATED > 3);
	struct stats *s = compute(extra, 3);
	const struct stats_helped *h = &s->helped[0]; /* 5 uses: the most */
	assert_string_equal(h->key, "breathing");
	assert_int_equal(h->uses, 5);
	assert_int_equal(h->rated, 4);
	assert_false(h->enough);
	stats_free(s);

	s = compute(extra, 4);
	h = &s->helped[0];
	assert_string_equal(h->key, "breathing");
	assert_int_equal(h->uses, 6);
	assert_int_equal(h->rated, STATS_MIN_RATED);
	assert_true(h->enough);
	assert_near(h->mean_drop, 4.0); /* (4 + 6 + 5 + 0 + 5) / 5 */
	stats_free(s);
}

/* Names differing only in case or spacing are one name, and a record
 * counts a name once. */
static void
normalised_names(void **state)
{
	char *a = trigger_name_key("  Cold \t Water ");
	char *b = trigger_name_key("cold water");
	char *c = trigger_name_key("\xc3\x84RGER"); /* ÄRGER */
	char *d = trigger_name_key("\xc3\xa4rger");
	char *e = trigger_name_key("cold\xc2\xa0water"); /* no-break space */
	assert_string_equal(a, b);
	assert_string_equal(c, d);
	assert_string_equal(e, b);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);

	struct trigger_record r;
	record_init(&trigger_kind, &r, 0);
	r.when = at(2, 12, 0);
	r.before = 5;
	r.after = 1;
	/* Pushed directly: record_add_items would already merge them. */
	r.list[TRIGGER_HELPED].v = calloc(2, sizeof(char *));
	r.list[TRIGGER_HELPED].v[0] = strdup("Walk");
	r.list[TRIGGER_HELPED].v[1] = strdup(" walk ");
	r.list[TRIGGER_HELPED].n = 2;
	const struct trigger_record *one[] = {&r};
	struct stats_input in = {
	        .records = one,
	        .nrecords = 1,
	        .since = at(0, 0, 0),
	        .until = at(7, 0, 0) - 1,
	};
	struct stats *s = NULL;
	assert_int_equal(stats_compute(&in, &s), 0);
	assert_int_equal(s->nhelped, 1);
	assert_int_equal(s->helped[0].uses, 1);
	assert_string_equal(s->helped[0].name, "Walk");
	assert_int_equal(s->nweeks, 1);
	stats_free(s);
	record_release(&trigger_kind, &r);
}

static void
empty_period(void **state)
{
	struct stats_input in = {
	        .records = (const struct trigger_record *const *)fix,
	        .nrecords = NFIX,
	        .since = at(-100, 0, 0),
	        .until = at(-90, 0, 0),
	};
	struct stats *s = NULL;
	assert_int_equal(stats_compute(&in, &s), 0);
	assert_int_equal(s->nrecords, 0);
	assert_int_equal(s->ntriggers + s->nemotions + s->nbody + s->nhelped,
	                 0);
	assert_true(s->nweeks >= 2);
	for (size_t i = 0; i < s->nweeks; i++)
		assert_int_equal(s->weeks[i].records, 0);
	stats_free(s);
	/* A period that ends before it starts is refused. */
	in.since = at(1, 0, 0);
	in.until = at(0, 0, 0);
	assert_int_equal(stats_compute(&in, &s), -1);
	assert_null(s);
}

static void
partial_weeks(void **state)
{
	/* From a Wednesday: the first week still starts on Monday, and
	 * records before the Wednesday are left out. */
	struct stats_input in = {
	        .records = (const struct trigger_record *const *)fix,
	        .nrecords = NFIX,
	        .since = at(2, 0, 0),
	        .until = at(10, 12, 0),
	};
	struct stats *s = NULL;
	assert_int_equal(stats_compute(&in, &s), 0);
	assert_int_equal(s->nweeks, 2);
	assert_int_equal(s->weeks[0].start, at(0, 0, 0));
	assert_int_equal(s->weeks[0].records, 0); /* R1, R2 are earlier */
	assert_int_equal(s->weeks[1].records, 1); /* R3; R4 is at 14:00 */
	assert_int_equal(s->nrecords, 1);
	stats_free(s);
	assert_int_equal(stats_week_start(at(6, 23, 59)), at(0, 0, 0));
	assert_int_equal(stats_week_start(at(7, 0, 0)), at(7, 0, 0));
}

static void
spark_levels(void **state)
{
	assert_int_equal(stats_spark_level(0, 4, true), -1);
	assert_int_equal(stats_spark_level(1, 4, true), 1);
	assert_int_equal(stats_spark_level(2, 4, true), 3);
	assert_int_equal(stats_spark_level(4, 4, true), 7);
	assert_int_equal(stats_spark_level(1, 1, true), 7);
	assert_int_equal(stats_spark_level(0, 10, false), 0);
	assert_int_equal(stats_spark_level(10, 10, false), 7);
	assert_int_equal(stats_spark_level(5, 10, false), 3);
	assert_int_equal(stats_spark_level(6.5, 10, false), 5);
	assert_int_equal(stats_spark_level(20, 10, false), 7);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(weeks_and_means), T(when_table),         T(most_frequent),
	        T(what_helped),     T(extra_uses_fold_in), T(normalised_names),
	        T(empty_period),    T(partial_weeks),      T(spark_levels),
	        T(minimum_rated),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	return RUN_NAMED(tests, argc, argv);
}
