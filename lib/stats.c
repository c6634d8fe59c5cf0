#include "stats.h"
#include "rating.h"
#include "wipe.h"

#include <stdlib.h>
#include <string.h>

const char *const stats_part_names[STATS_PARTS] = {
        "night",
        "morning",
        "afternoon",
        "evening",
};
const int stats_part_start[STATS_PARTS] = {0, 6, 12, 18};
const char *const stats_day_names[STATS_DAYS] = {
        "Monday", "Tuesday",  "Wednesday", "Thursday",
        "Friday", "Saturday", "Sunday",
};

enum { DAYS_PER_WEEK = 7 };

time_t
stats_week_start(time_t t)
{
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return t;
	tm.tm_mday -= (tm.tm_wday + 6) % DAYS_PER_WEEK;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t s = mktime(&tm);
	return s == (time_t)-1 ? t : s;
}

/* The Monday a week after `start` (DST-safe: by calendar, not seconds). */
static time_t
next_week(time_t start)
{
	struct tm tm;
	if (!localtime_r(&start, &tm))
		return start + 7 * 86400;
	tm.tm_mday += DAYS_PER_WEEK;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t s = mktime(&tm);
	return s == (time_t)-1 || s <= start ? start + 7 * 86400 : s;
}

int
stats_part_of_hour(int hour)
{
	int p = 0;
	for (int i = 0; i < STATS_PARTS; i++)
		if (hour >= stats_part_start[i])
			p = i;
	return p;
}

int
stats_spark_level(double value, double max, bool zero_blank)
{
	if (zero_blank && value <= 0)
		return -1;
	if (max <= 0)
		return 0;
	double x = value / max * STATS_SPARK_LEVELS;
	int l = (int)x; /* x >= 0 here, so this rounds down */
	if (l < x)
		l++; /* up: every non-zero value gets a mark */
	l--;
	if (l < 0)
		l = 0;
	if (l > STATS_SPARK_LEVELS - 1)
		l = STATS_SPARK_LEVELS - 1;
	return l;
}

/* --- counting names --- */

/*
 * Names are gathered as uses (one per record and normalised name, plus
 * the extra uses), then sorted by key and merged: O(n log n), however
 * many different names there are.
 */
struct use {
	char *key;        /* owned */
	const char *name; /* borrowed from the input */
	time_t when;
	int before, after;
};

struct uses {
	struct use *v;
	size_t n, cap;
};

static void
uses_free(struct uses *u)
{
	for (size_t i = 0; i < u->n; i++)
		wipe_free_str(u->v[i].key);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/* Has the current record (uses from `from` on) named `key` already? */
static bool
named_since(const struct uses *u, size_t from, const char *key)
{
	for (size_t i = from; i < u->n; i++)
		if (strcmp(u->v[i].key, key) == 0)
			return true;
	return false;
}

/*
 * Add a use of `name`, unless its key is empty or, with `from` set, the
 * same record named it already (in another case or spacing). 0 or -1.
 */
static int
uses_add(struct uses *u, const char *name, time_t when, int before, int after,
         const size_t *from)
{
	char *key = trigger_name_key(name);
	if (!key)
		return -1;
	if (!*key || (from && named_since(u, *from, key))) {
		wipe_free_str(key);
		return 0;
	}
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		struct use *nv = realloc(u->v, cap * sizeof(*nv));
		if (!nv) {
			wipe_free_str(key);
			return -1;
		}
		u->v = nv;
		u->cap = cap;
	}
	u->v[u->n++] = (struct use){key, name, when, before, after};
	return 0;
}

static int
by_key(const void *a, const void *b)
{
	const struct use *x = a, *y = b;
	return strcmp(x->key, y->key);
}

/* A name for display: white space (newlines too) trimmed and runs of it
 * made one space. Caller frees. */
static char *
tidy(const char *s)
{
	size_t k = 0;
	bool gap = false;
	char *out = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			gap = k > 0;
			continue;
		}
		if (gap)
			out[k++] = ' ';
		gap = false;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return out;
}

/*
 * Sort the uses by key and call `fn` once per key with the run of uses
 * [first, first + n) and the spelling to show: that of the latest use
 * (on a tie, the one given first: qsort is not stable, so compare).
 */
typedef int (*group_fn)(void *arg, const struct use *first, size_t n,
                        const char *spelling);

static int
uses_group(struct uses *u, group_fn fn, void *arg)
{
	if (u->n)
		qsort(u->v, u->n, sizeof(*u->v), by_key);
	for (size_t i = 0; i < u->n;) {
		size_t k = i + 1;
		const struct use *latest = &u->v[i];
		while (k < u->n && strcmp(u->v[k].key, u->v[i].key) == 0) {
			const struct use *c = &u->v[k];
			if (c->when > latest->when ||
			    (c->when == latest->when &&
			     strcmp(c->name, latest->name) < 0))
				latest = c;
			k++;
		}
		if (fn(arg, &u->v[i], k - i, latest->name))
			return -1;
		i = k;
	}
	return 0;
}

struct counts {
	struct stats_count *v;
	size_t n;
};

static int
count_group(void *arg, const struct use *first, size_t n, const char *spelling)
{
	struct counts *c = arg;
	struct stats_count *e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->name = tidy(spelling);
	e->key = strdup(first->key);
	e->count = (unsigned)n;
	for (size_t i = 0; i < n; i++)
		if (first[i].name == spelling)
			e->latest = first[i].when;
	if (!e->name || !e->key) {
		wipe_free_str(e->name);
		wipe_free_str(e->key);
		return -1;
	}
	c->n++;
	return 0;
}

struct helps {
	struct stats_helped *v;
	size_t n;
};

static int
help_group(void *arg, const struct use *first, size_t n, const char *spelling)
{
	struct helps *h = arg;
	struct stats_helped *e = &h->v[h->n];
	long drop = 0;
	memset(e, 0, sizeof(*e));
	e->name = tidy(spelling);
	e->key = strdup(first->key);
	if (!e->name || !e->key) {
		wipe_free_str(e->name);
		wipe_free_str(e->key);
		return -1;
	}
	e->uses = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		const struct use *u = &first[i];
		if (u->name == spelling)
			e->latest = u->when;
		if (u->before != TRIGGER_NO_RATING &&
		    u->after != TRIGGER_NO_RATING) {
			e->rated++;
			drop += u->before - u->after;
		}
	}
	if (e->rated)
		e->mean_drop = (double)drop / e->rated;
	e->enough = e->rated >= STATS_MIN_RATED;
	h->n++;
	return 0;
}

static int
by_count(const void *a, const void *b)
{
	const struct stats_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int
by_uses(const void *a, const void *b)
{
	const struct stats_helped *x = a, *y = b;
	if (x->uses != y->uses)
		return x->uses < y->uses ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* Merge the uses into a sorted array of counts. */
static int
make_counts(struct uses *u, struct stats_count **out, size_t *n)
{
	struct counts c = {calloc(u->n ? u->n : 1, sizeof(*c.v)), 0};
	*out = NULL;
	*n = 0;
	if (!c.v)
		return -1;
	int rc = uses_group(u, count_group, &c);
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), by_count);
	*out = c.v;
	*n = c.n;
	return rc;
}

static int
make_helped(struct uses *u, struct stats_helped **out, size_t *n)
{
	struct helps h = {calloc(u->n ? u->n : 1, sizeof(*h.v)), 0};
	*out = NULL;
	*n = 0;
	if (!h.v)
		return -1;
	int rc = uses_group(u, help_group, &h);
	if (h.n)
		qsort(h.v, h.n, sizeof(*h.v), by_uses);
	*out = h.v;
	*n = h.n;
	return rc;
}

/* --- the whole --- */

static void
counts_free(struct stats_count *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		wipe_free_str(v[i].name);
		wipe_free_str(v[i].key);
	}
	free(v);
}

void
stats_free(struct stats *s)
{
	if (!s)
		return;
	free(s->weeks);
	counts_free(s->triggers, s->ntriggers);
	counts_free(s->emotions, s->nemotions);
	counts_free(s->body, s->nbody);
	for (size_t i = 0; i < s->nhelped; i++) {
		wipe_free_str(s->helped[i].name);
		wipe_free_str(s->helped[i].key);
	}
	free(s->helped);
	free(s);
}

static int
make_weeks(struct stats *s)
{
	size_t cap = 16;
	s->weeks = calloc(cap, sizeof(*s->weeks));
	if (!s->weeks)
		return -1;
	for (time_t w = stats_week_start(s->since); w <= s->until;
	     w = next_week(w)) {
		if (s->nweeks == cap) {
			cap *= 2;
			struct stats_week *nw =
			        realloc(s->weeks, cap * sizeof(*nw));
			if (!nw)
				return -1;
			s->weeks = nw;
		}
		memset(&s->weeks[s->nweeks], 0, sizeof(s->weeks[0]));
		s->weeks[s->nweeks++].start = w;
	}
	return 0;
}

/* The week holding t (t within the period). */
static struct stats_week *
week_of(struct stats *s, time_t t)
{
	size_t lo = 0, hi = s->nweeks;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->weeks[mid].start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return &s->weeks[lo];
}

static bool
in_period(const struct stats_input *in, time_t t)
{
	return t >= in->since && t <= in->until;
}

/* Add one use per name in the list (once per record). */
static int
add_list(struct uses *u, const struct record_list *l,
         const struct trigger_record *r)
{
	size_t from = u->n;
	for (size_t i = 0; i < l->n; i++)
		if (uses_add(u, l->v[i], r->when, r->before, r->after, &from))
			return -1;
	return 0;
}

/* One record: its week, its place in the week, its names. */
static int
add_record(struct stats *s, double *before_sum, const struct trigger_record *r,
           struct uses *trig, struct uses *emo, struct uses *body,
           struct uses *help)
{
	struct tm tm;
	if (!localtime_r(&r->when, &tm))
		return 0;
	s->nrecords++;
	struct stats_week *w = week_of(s, r->when);
	w->records++;
	if (r->before != TRIGGER_NO_RATING) {
		w->rated++;
		before_sum[w - s->weeks] += r->before;
	}
	s->when[(tm.tm_wday + 6) % DAYS_PER_WEEK]
	       [stats_part_of_hour(tm.tm_hour)]++;
	if (r->text[TRIGGER_TRIGGER] &&
	    uses_add(trig, r->text[TRIGGER_TRIGGER], r->when, r->before,
	             r->after, NULL))
		return -1;
	if (add_list(emo, &r->list[TRIGGER_EMOTIONS], r) ||
	    add_list(body, &r->list[TRIGGER_BODY], r) ||
	    add_list(help, &r->list[TRIGGER_HELPED], r))
		return -1;
	return 0;
}

int
stats_compute(const struct stats_input *in, struct stats **out)
{
	struct stats *s = calloc(1, sizeof(*s));
	struct uses trig = {0}, emo = {0}, body = {0}, help = {0};
	double *before_sum = NULL;
	int rc = -1;

	*out = NULL;
	if (!s || in->since > in->until)
		goto out;
	s->since = in->since;
	s->until = in->until;
	if (make_weeks(s))
		goto out;
	before_sum = calloc(s->nweeks, sizeof(*before_sum));
	if (!before_sum)
		goto out;
	for (size_t i = 0; i < in->nrecords; i++)
		if (in_period(in, in->records[i]->when) &&
		    add_record(s, before_sum, in->records[i], &trig, &emo,
		               &body, &help))
			goto out;
	for (size_t i = 0; i < in->nextra; i++) {
		const struct stats_use *u = &in->extra_uses[i];
		if (in_period(in, u->when) &&
		    uses_add(&help, u->name, u->when, u->before, u->after,
		             NULL))
			goto out;
	}
	for (size_t i = 0; i < s->nweeks; i++)
		if (s->weeks[i].rated)
			s->weeks[i].mean_before =
			        before_sum[i] / s->weeks[i].rated;
	if (make_counts(&trig, &s->triggers, &s->ntriggers) ||
	    make_counts(&emo, &s->emotions, &s->nemotions) ||
	    make_counts(&body, &s->body, &s->nbody) ||
	    make_helped(&help, &s->helped, &s->nhelped))
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	free(before_sum);
	uses_free(&trig);
	uses_free(&emo);
	uses_free(&body);
	uses_free(&help);
	stats_free(s);
	return rc;
}

/* --- reading the vault --- */

void
stats_sources_release(struct stats_sources *src)
{
	trigger_records_free(src->records, src->nrecords);
	free(src->uses);
	free(src->ratings);
	memset(src, 0, sizeof(*src));
}

int
stats_gather(struct vault *v, time_t since, time_t until,
             struct stats_sources *src, struct stats_input *in,
             void (*damaged)(void *arg, const char *id), void *arg,
             const char **why)
{
	struct trigger_filter f = {.since = since, .until = until};
	size_t nratings = 0;

	memset(src, 0, sizeof(*src));
	memset(in, 0, sizeof(*in));
	if (trigger_list(v, &f, &src->records, &src->nrecords, damaged, arg) ||
	    rating_list(v, since, until, &src->ratings, &nratings, damaged,
	                arg)) {
		*why = vault_errmsg(v);
		return -1;
	}
	src->uses = calloc(nratings ? nratings : 1, sizeof(*src->uses));
	if (!src->uses) {
		*why = "Out of memory.";
		return -1;
	}
	/* A grounding exercise rated with `grounding --rate` counts with
	 * the "helped" names of the trigger log, by exercise name. */
	for (size_t i = 0; i < nratings; i++) {
		const struct rating *r = &src->ratings[i];
		if (r->created < since || r->created > until)
			continue;
		src->uses[src->nuses++] = (struct stats_use){
		        .name = r->exercise,
		        .before = r->before == RATING_NONE ? TRIGGER_NO_RATING
		                                           : r->before,
		        .after = r->after == RATING_NONE ? TRIGGER_NO_RATING
		                                         : r->after,
		        .when = r->created,
		};
	}
	*in = (struct stats_input){
	        .records = (const struct trigger_record *const *)src->records,
	        .nrecords = src->nrecords,
	        .extra_uses = src->uses,
	        .nextra = src->nuses,
	        .since = since,
	        .until = until,
	};
	return 0;
}
