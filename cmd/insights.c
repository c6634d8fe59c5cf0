/*
 * selfhelp trigger-log stats, also `selfhelp insights`: patterns in the
 * trigger log over a period, and what the person did or tried, with how
 * distress compared afterwards. The figures come from lib/stats.c; this
 * file only chooses the period and prints.
 *
 * Wording stays descriptive: counts and words, no scores, streaks or
 * judgements, and an empty period only says that nothing was recorded.
 * Nothing is called "what helped": distress often eases with time
 * whatever we do, and people log at their worst moments, so a lower
 * number afterwards shows no cause, and a higher one is no failure.
 */
#include "trigger-log.h"

#include "dates.h"
#include "editor.h"
#include "output.h"
#include "stats.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"
#include "date-arg.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	DEFAULT_WEEKS = 12, /* the period without --since */
	SHOWN_WEEKS = 52,   /* sparkline marks at most */
	TOP_NAMES = 5,      /* names per "most often" list */
	NAME_COLS = 28,     /* widest name shown in "what you tried" */
};

const char stats_help[] =
        "Patterns in your trigger log: records per week, the weekly mean of\n"
        "distress before, when in the week and day things happened, what\n"
        "came up most often, and for each thing you did or tried how often,\n"
        "and how distress compared afterwards, in words (counted from uses\n"
        "rated before and after; with fewer than 5, it is\n"
        "too early to tell). Distress often eases with time whatever we do,\n"
        "so these numbers can't show what caused a change.\n"
        "\n"
        "WHEN is a date like 2026-11-01, or today, yesterday, 7d, 2w, 3m.\n"
        "A bare date in --until includes that whole day.\n";

static const char *const blocks[STATS_SPARK_LEVELS] = {
        "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
        "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char ascii_marks[STATS_SPARK_LEVELS + 1] = "_-=+*#%@";

struct sopts {
	const char *since, *until;
	bool json, ascii;
};

#define O(f) offsetof(struct sopts, f)
const struct opt stats_options[] = {
        {"since", 0, OPT_DATE, O(since), "WHEN",
         .help = "from then on (default: the last 12 weeks)"},
        {"until", 0, OPT_DATE, O(until), "WHEN",
         .help = "up to then (default: now)"},
        {"ascii", 0, OPT_FLAG, O(ascii), NULL,
         .help = "plain ASCII marks instead of Unicode blocks"},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "the same figures as JSON (means to two decimals)"},
        {0},
};
#undef O

/* Round to two decimals, for --json. */
static double
two_decimals(double x)
{
	double s = x * 100.0;
	long r = (long)(s < 0 ? s - 0.5 : s + 0.5);
	return (double)r / 100.0;
}

static json_t *
mean_json(unsigned n, double mean)
{
	return n ? json_real(two_decimals(mean)) : json_null();
}

static json_t *
counts_json(const struct stats_count *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(v[i].name));
		json_object_set_new(o, "count", json_integer(v[i].count));
		json_array_append_new(a, o);
	}
	return a;
}

static void
day_string(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "?");
}

static int
print_stats_json(const struct stats *s)
{
	char since[40], until[40], day[16];
	json_t *root = json_object(), *weeks = json_array(),
	       *when = json_array(), *helped = json_array();
	date_format_iso(s->since, since, sizeof(since));
	date_format_iso(s->until, until, sizeof(until));
	json_object_set_new(root, "since", json_string(since));
	json_object_set_new(root, "until", json_string(until));
	json_object_set_new(root, "records",
	                    json_integer((json_int_t)s->nrecords));
	for (size_t i = 0; i < s->nweeks; i++) {
		const struct stats_week *w = &s->weeks[i];
		json_t *o = json_object();
		day_string(w->start, day, sizeof(day));
		json_object_set_new(o, "start", json_string(day));
		json_object_set_new(o, "records", json_integer(w->records));
		json_object_set_new(o, "mean_before",
		                    mean_json(w->rated, w->mean_before));
		json_array_append_new(weeks, o);
	}
	json_object_set_new(root, "weeks", weeks);
	for (int d = 0; d < STATS_DAYS; d++) {
		json_t *o = json_object();
		json_object_set_new(o, "day", json_string(stats_day_names[d]));
		for (int p = 0; p < STATS_PARTS; p++)
			json_object_set_new(o, stats_part_names[p],
			                    json_integer(s->when[d][p]));
		json_array_append_new(when, o);
	}
	json_object_set_new(root, "when", when);
	json_object_set_new(root, "triggers",
	                    counts_json(s->triggers, s->ntriggers));
	json_object_set_new(root, "emotions",
	                    counts_json(s->emotions, s->nemotions));
	json_object_set_new(root, "body", counts_json(s->body, s->nbody));
	for (size_t i = 0; i < s->nhelped; i++) {
		const struct stats_helped *h = &s->helped[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(h->name));
		json_object_set_new(o, "uses", json_integer(h->uses));
		json_object_set_new(o, "rated", json_integer(h->rated));
		json_object_set_new(
		        o, "mean_drop",
		        h->enough ? json_real(two_decimals(h->mean_drop))
		                  : json_null());
		json_object_set_new(o, "enough", json_boolean(h->enough));
		json_array_append_new(helped, o);
	}
	json_object_set_new(root, "helped", helped);
	int rc = json_dumpf(root, stdout,
	                    JSON_INDENT(2) | JSON_ENSURE_ASCII |
	                            JSON_REAL_PRECISION(10));
	json_decref(root);
	fputc('\n', stdout);
	return rc == 0 ? 0 : fail("Could not write the JSON output.");
}

/* --- text --- */

struct look {
	bool utf8; /* Unicode blocks and dots */
	int width;
};

/* A week's mark; level -1 is a week with nothing: a dot. */
static void
mark(const struct look *k, int level)
{
	if (level < 0)
		fputs(k->utf8 ? "\xc2\xb7" : ".", stdout);
	else if (k->utf8)
		fputs(blocks[level], stdout);
	else
		fputc(ascii_marks[level], stdout);
}

/* A name on one line, through the display sanitizer, cut to cols. */
static void
print_name(const char *name, size_t cols)
{
	char *cut = util_truncate(name, cols, clean_locale());
	if (cut)
		fputs(cut, stdout);
	wipe_free_str(cut);
}

static void
print_counts(const char *title, const struct stats_count *v, size_t n,
             const struct look *k)
{
	if (!n)
		return;
	printf("\n%s\n", title);
	for (size_t i = 0; i < n && i < TOP_NAMES; i++) {
		printf("  %3u  ", v[i].count);
		print_name(v[i].name, (size_t)k->width - 7);
		putchar('\n');
	}
	if (n > TOP_NAMES)
		printf("  (and %zu more)\n", n - TOP_NAMES);
}

static void
print_weeks(const struct stats *s, const struct look *k)
{
	size_t first = s->nweeks > SHOWN_WEEKS ? s->nweeks - SHOWN_WEEKS : 0;
	unsigned most = 0;
	bool any_rated = false;
	char day[16];
	for (size_t i = first; i < s->nweeks; i++) {
		if (s->weeks[i].records > most)
			most = s->weeks[i].records;
		any_rated |= s->weeks[i].rated > 0;
	}
	day_string(s->weeks[first].start, day, sizeof(day));
	printf("\nRecords per week, one mark a week from the week of %s%s\n",
	       day, first ? " (the last 52 weeks)" : "");
	fputs("  ", stdout);
	for (size_t i = first; i < s->nweeks; i++)
		mark(k, stats_spark_level(s->weeks[i].records, most, true));
	printf("\n  (the tallest mark is %u record%s; %s is a week with "
	       "none)\n",
	       most, most == 1 ? "" : "s", k->utf8 ? "\xc2\xb7" : ".");
	if (!any_rated)
		return;
	printf("\nDistress before, the mean of each week (0 to 10)\n  ");
	for (size_t i = first; i < s->nweeks; i++)
		mark(k, s->weeks[i].rated
		                ? stats_spark_level(s->weeks[i].mean_before,
		                                    TRIGGER_RATING_MAX, false)
		                : -1);
	printf("\n  (%s is low, %s is high; %s is a week without a "
	       "rating)\n",
	       k->utf8 ? blocks[0] : "_", k->utf8 ? blocks[7] : "@",
	       k->utf8 ? "\xc2\xb7" : ".");
}

static void
print_when(const struct stats *s, const struct look *k)
{
	const char *zero = k->utf8 ? "\xc2\xb7" : ".";
	printf("\nWhen it happened\n%-12s", "");
	for (int p = 0; p < STATS_PARTS; p++)
		printf("%11s", stats_part_names[p]);
	putchar('\n');
	for (int d = 0; d < STATS_DAYS; d++) {
		printf("  %-10s", stats_day_names[d]);
		for (int p = 0; p < STATS_PARTS; p++) {
			if (s->when[d][p])
				printf("%11u", s->when[d][p]);
			else
				printf("%*s%s", 10, "", zero);
		}
		putchar('\n');
	}
	printf("  (night 0-6, morning 6-12, afternoon 12-18, evening "
	       "18-24 h)\n");
}

/* How distress compared afterwards, in words; NULL: not enough rated. */
static const char *
compared(const struct stats_helped *h, char *buf, size_t size)
{
	if (!h->enough)
		return NULL;
	if (h->mean_drop >= 1.5)
		snprintf(buf, size, "about %ld points lower afterwards",
		         (long)(h->mean_drop + 0.5));
	else if (h->mean_drop >= 0.5)
		snprintf(buf, size, "a little lower afterwards");
	else if (h->mean_drop > -0.5)
		snprintf(buf, size, "about the same afterwards");
	else
		snprintf(buf, size, "higher afterwards");
	return buf;
}

static void
print_helped(const struct stats *s, const struct look *k)
{
	bool any_higher = false;
	printf("\nWhat you tried, and how distress compared afterwards\n");
	if (!s->nhelped) {
		printf("  Nothing was named as done or tried in this "
		       "period.\n");
		return;
	}
	size_t cols = 0;
	for (size_t i = 0; i < s->nhelped; i++) {
		size_t w = util_display_width(s->helped[i].name,
		                              strlen(s->helped[i].name));
		if (w > cols)
			cols = w;
	}
	if (cols > NAME_COLS)
		cols = NAME_COLS;
	for (size_t i = 0; i < s->nhelped; i++) {
		const struct stats_helped *h = &s->helped[i];
		char *cut = util_truncate(h->name, cols, clean_locale());
		char words[64];
		size_t w = cut ? util_display_width(cut, strlen(cut)) : 0;
		const char *cmp = compared(h, words, sizeof(words));
		fputs("  ", stdout);
		if (cut)
			fputs(cut, stdout);
		wipe_free_str(cut);
		printf("%*s  %u time%s, ", (int)(cols - w), "", h->uses,
		       h->uses == 1 ? "" : "s");
		if (!h->rated)
			printf("none rated before and after\n");
		else if (!cmp)
			printf("%u rated: too few to tell yet\n", h->rated);
		else
			printf("%u rated: %s\n", h->rated, cmp);
		any_higher |= cmp && h->mean_drop <= -0.5;
	}
	printf("  (Counted from uses rated before and after; with fewer than "
	       "%d, it is\n  too early to tell. Distress often eases with "
	       "time whatever we do, so\n  these numbers can't show what "
	       "caused a change.)\n",
	       STATS_MIN_RATED);
	if (any_higher)
		printf("  Higher afterwards can mean it was tried at the "
		       "hardest moments:\n  something to wonder about, not a "
		       "verdict.\n");
	(void)k;
}

static void
print_stats_text(const struct stats *s, const struct look *k)
{
	char since[32], until[32];
	date_format_local(s->since, since, sizeof(since));
	date_format_local(s->until, until, sizeof(until));
	if (s->nrecords == 0) {
		printf("Nothing was recorded between %s and %s.\n", since,
		       until);
		return;
	}
	printf("Trigger log from %s to %s: %zu record%s.\n", since, until,
	       s->nrecords, s->nrecords == 1 ? "" : "s");
	print_weeks(s, k);
	print_when(s, k);
	print_counts("What happened or brought it on, most often", s->triggers,
	             s->ntriggers, k);
	print_counts("Emotions most often", s->emotions, s->nemotions, k);
	print_counts("In the body most often", s->body, s->nbody, k);
	print_helped(s, k);
	printf("\nThese are patterns to wonder about, not grades: more "
	       "records can\nsimply mean more noticing.\n");
}

/* --- the command --- */

static void
count_damaged(void *arg, const char *id)
{
	(void)id;
	(*(int *)arg)++;
}

int
trigger_stats_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct sopts o = {0};
	struct stats_sources src;
	struct stats_input in;
	struct stats *s = NULL;
	const char *why = NULL;
	int damaged = 0;
	time_t now = time(NULL), since, until = now;
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (o.until)
		until = opt_date(o.until, now, DATE_END);
	if (o.since) {
		since = opt_date(o.since, now, DATE_START);
	} else {
		/* Whole weeks: this one and the DEFAULT_WEEKS - 1 before. */
		struct tm tm;
		time_t w = stats_week_start(until);
		if (!localtime_r(&w, &tm))
			return fail("Could not work out the local time.");
		tm.tm_mday -= 7 * (DEFAULT_WEEKS - 1);
		tm.tm_isdst = -1;
		since = mktime(&tm);
	}
	if (since > until)
		return usage_error("--since is after --until; the period "
		                   "needs its start first.");
	if (!(v = ctx_vault(ctx)))
		return 1;
	if (stats_gather(v, since, until, &src, &in, count_damaged, &damaged,
	                 &why)) {
		rc = fail("%s", why);
		goto out;
	}
	if (stats_compute(&in, &s)) {
		rc = fail("Out of memory.");
		goto out;
	}
	if (o.json) {
		rc = print_stats_json(s);
	} else {
		struct look k = {
		        .utf8 = !o.ascii && utf8_locale(),
		        .width = term_width(STDOUT_FILENO),
		};
		if (!isatty(STDOUT_FILENO))
			k.width = 80;
		print_stats_text(s, &k);
	}
	if (damaged)
		note("%d record%s could not be read (damaged, or changed "
		     "outside selfhelp) and %s left out.",
		     damaged, damaged == 1 ? "" : "s",
		     damaged == 1 ? "was" : "were");
out:
	stats_free(s);
	stats_sources_release(&src);
	return rc;
}

const struct command insights_command = {
        "insights",
        trigger_stats_cmd,
        "patterns in your trigger log",
        .opts = stats_options,
        .help = stats_help,
};
