#include "report.h"

#include "journal.h"

#include "util.h"
#include "wipe.h"
#include "strbuf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The charts' coordinate system (SVG viewBox units, about pixels). */
enum {
	CHART_W = 640,
	CHART_H = 250,
	PLOT_L = 52,
	PLOT_R = 620,
	PLOT_T = 34,
	PLOT_B = 196,
	MAX_LABELS = 7,     /* date labels under a chart at most */
	BAR_LABEL_MIN = 14, /* narrower bars get no number above them */
	TOP_NAMES = 5,      /* names per "most often" list */
	MOOD_MAX = 10,
	BUF_START = 16384, /* a small report fits without growing */
	SPILL_AT = 65536,  /* report_write hands on what it has from here */
};

/* The HTML for one of the characters that need it, or NULL. */
static const char *
html_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	}
	return NULL;
}

/* The person's text, escaped (see report_escape): through the display
 * sanitizer (util_clean_unit: control characters dropped, newline and tab
 * kept, bytes that are not UTF-8 as U+FFFD), then HTML's specials. */
static void
buf_escape(struct strbuf *b, const char *s, size_t len)
{
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t i = 0, used;
	while (i < len && !b->failed) {
		size_t n = util_clean_unit(s + i, len - i,
		                           UTIL_CLEAN_LINES | UTIL_CLEAN_DROP,
		                           unit, &used, NULL);
		const char *entity = n == 1 ? html_entity(unit[0]) : NULL;
		if (entity)
			strbuf_adds(b, entity);
		else
			strbuf_add(b, unit, n);
		i += used;
	}
	sodium_memzero(unit, sizeof(unit));
}

static void
buf_text(struct strbuf *b, const char *s)
{
	if (s)
		buf_escape(b, s, strlen(s));
}

char *
report_escape(const char *s, size_t len)
{
	struct strbuf b = {0};
	if (!strbuf_grow(&b, len))
		return NULL;
	buf_escape(&b, s, len);
	if (b.failed) {
		strbuf_release(&b);
		return NULL;
	}
	return b.p;
}

void
report_free(char *html, size_t len)
{
	wipe_free(html, len);
}

/* --- dates --- */

static const char *const month_abbr[12] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* "2026-11-02" */
static void
day_iso(time_t t, char *out, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%d", &tm))
		snprintf(out, size, "?");
}

/* "2026-11-02 14:30" */
static void
day_time(time_t t, char *out, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) ||
	    !strftime(out, size, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, size, "?");
}

/* "2 Nov", for chart labels (the same in every locale). */
static void
day_short(time_t t, char *out, size_t size)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11)
		snprintf(out, size, "?");
	else
		snprintf(out, size, "%d %s", tm.tm_mday, month_abbr[tm.tm_mon]);
}

/* The week of the period holding t (t within the period). */
static size_t
week_of(const struct stats *s, time_t t)
{
	size_t lo = 0, hi = s->nweeks;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (s->weeks[mid].start <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* --- what the charts need, gathered once --- */

struct week_extra {
	unsigned moods;
	double mood_sum;
	int mood_lo, mood_hi;
	unsigned after_n; /* records with an "after" rating */
	double after_sum;
};

struct mood_point {
	time_t when;
	int mood;
};

/* Where report_write hands the document on, piece by piece. */
struct sink {
	int (*fn)(void *arg, const char *p, size_t n);
	void *arg;
	int rc; /* fn's first non-zero return */
};

struct data {
	const struct report_input *in;
	struct sink *out; /* NULL: the document stays whole (report_html) */
	const struct stats *s;
	struct week_extra *weeks; /* s->nweeks */
	struct mood_point *moods; /* oldest first */
	size_t nmoods;
	const struct journal_entry **entries; /* in the period, oldest first */
	size_t nentries;
	size_t nwritten; /* entries in the period given as moods */
	bool any_before, any_after;
};

static bool
in_period(const struct report_input *in, time_t t)
{
	return t >= in->since && t <= in->until;
}

/* report_write: hand on what b holds once it is large, wiping it. */
static void
spill_at(struct strbuf *b, const struct data *d, size_t at)
{
	struct sink *o = d->out;
	if (!o || b->failed || b->len < at || !b->len)
		return;
	if (!o->rc)
		o->rc = o->fn(o->arg, b->p, b->len);
	strbuf_setlen(b, 0);
}

static void
spill(struct strbuf *b, const struct data *d)
{
	spill_at(b, d, SPILL_AT);
}

static int
mood_oldest_first(const void *a, const void *b)
{
	const struct mood_point *x = a, *y = b;
	if (x->when != y->when)
		return (x->when > y->when) - (x->when < y->when);
	return (x->mood > y->mood) - (x->mood < y->mood); /* the same always */
}

static int
entry_oldest_first(const void *a, const void *b)
{
	const struct journal_entry *x = *(const struct journal_entry *const *)a;
	const struct journal_entry *y = *(const struct journal_entry *const *)b;
	if (x->created != y->created)
		return (x->created > y->created) - (x->created < y->created);
	return strcmp(x->id, y->id);
}

/* A mood on the chart and in its week. */
static void
add_mood(struct data *d, time_t when, int mood)
{
	const struct stats *s = d->s;
	if (mood < 0 || mood > MOOD_MAX)
		return;
	d->moods[d->nmoods++] = (struct mood_point){when, mood};
	if (!s->nweeks)
		return;
	struct week_extra *w = &d->weeks[week_of(s, when)];
	if (!w->moods || mood < w->mood_lo)
		w->mood_lo = mood;
	if (!w->moods || mood > w->mood_hi)
		w->mood_hi = mood;
	w->moods++;
	w->mood_sum += mood;
}

static int
data_init(struct data *d, const struct report_input *in)
{
	const struct stats *s = in->stats;
	struct sink *out = d->out;
	memset(d, 0, sizeof(*d));
	d->out = out;
	d->in = in;
	d->s = s;
	d->weeks = calloc(s->nweeks ? s->nweeks : 1, sizeof(*d->weeks));
	size_t cap = in->entries ? in->nentries : in->nmoods;
	d->moods = calloc(cap ? cap : 1, sizeof(*d->moods));
	d->entries =
	        calloc(in->nentries ? in->nentries : 1, sizeof(*d->entries));
	if (!d->weeks || !d->moods || !d->entries)
		return -1;
	for (size_t i = 0; in->entries && i < in->nentries; i++) {
		const struct journal_entry *e = in->entries[i];
		if (!in_period(in, e->created))
			continue;
		d->entries[d->nentries++] = e;
		add_mood(d, e->created, e->mood);
	}
	for (size_t i = 0; !in->entries && i < in->nmoods; i++)
		if (in_period(in, in->moods[i].created)) {
			d->nwritten++;
			add_mood(d, in->moods[i].created, in->moods[i].mood);
		}
	if (d->nmoods)
		qsort(d->moods, d->nmoods, sizeof(*d->moods),
		      mood_oldest_first);
	if (d->nentries)
		qsort(d->entries, d->nentries, sizeof(*d->entries),
		      entry_oldest_first);
	for (size_t i = 0; i < in->nrecords && s->nweeks; i++) {
		const struct trigger_record *r = in->records[i];
		if (!in_period(in, r->when) || r->after == TRIGGER_NO_RATING)
			continue;
		struct week_extra *w = &d->weeks[week_of(s, r->when)];
		w->after_n++;
		w->after_sum += r->after;
		d->any_after = true;
	}
	for (size_t i = 0; i < s->nweeks; i++)
		d->any_before |= s->weeks[i].rated > 0;
	return 0;
}

static void
data_release(struct data *d)
{
	free(d->weeks);
	free(d->moods);
	free(d->entries);
}

/* --- the page --- */

static const char style[] =
        "@page{margin:18mm 16mm}\n"
        ":root{color-scheme:light}\n"
        "html{background:#fff;color:#1e1e1e}\n"
        "body{font-family:system-ui,\"Segoe UI\",\"Noto Sans\",\"DejaVu "
        "Sans\",Helvetica,Arial,sans-serif;font-size:16px;line-height:1.55;"
        "max-width:46rem;margin:2.5rem auto;padding:0 1.25rem}\n"
        "h1{font-size:1.6rem;font-weight:600;margin:0 0 .3rem}\n"
        "h2{font-size:1.25rem;font-weight:600;margin:2.75rem 0 .6rem;"
        "padding-bottom:.25rem;border-bottom:1px solid #c8c8c8}\n"
        "h3{font-size:1.05rem;font-weight:600;margin:1.5rem 0 .3rem}\n"
        "p{margin:.5rem 0}\n"
        ".muted{color:#555}\n"
        ".period{font-size:1.05rem}\n"
        "nav ol{margin:.5rem 0;padding-left:1.4rem}\n"
        "a{color:inherit}\n"
        "figure{margin:1rem 0}\n"
        "table{border-collapse:collapse;min-width:60%;"
        "margin:.75rem 0 1.25rem;font-size:.95rem}\n"
        "caption{text-align:left;color:#555;font-size:.9rem;"
        "padding-bottom:.3rem}\n"
        "th,td{text-align:left;padding:.3rem 1.25rem .3rem 0;"
        "border-bottom:1px solid #ddd;vertical-align:top}\n"
        "th:last-child,td:last-child{padding-right:0}\n"
        "th{font-weight:600}\n"
        "thead th{border-bottom:1px solid #999;vertical-align:bottom}\n"
        ".num{text-align:right;font-variant-numeric:tabular-nums}\n"
        ".zero{color:#999}\n"
        "svg{display:block;width:100%;height:auto}\n"
        "svg text{font-family:inherit;font-size:12px;fill:#333}\n"
        "svg .title{font-size:12px;fill:#555}\n"
        ".axis{stroke:#555;stroke-width:1}\n"
        ".grid{stroke:#e4e4e4;stroke-width:1}\n"
        ".bar{fill:#c4c4c4;stroke:#444;stroke-width:1}\n"
        ".line{fill:none;stroke:#777;stroke-width:1.5}\n"
        ".dot{fill:#2b2b2b;stroke:#fff;stroke-width:1.5}\n"
        ".before{fill:#2b2b2b}\n"
        ".after{fill:#fff;stroke:#2b2b2b;stroke-width:2}\n"
        ".pair{stroke:#999;stroke-width:2}\n"
        ".names{display:grid;grid-template-columns:"
        "repeat(auto-fit,minmax(12rem,1fr));gap:0 1.5rem}\n"
        ".names h4{font-size:1rem;font-weight:600;margin:.5rem 0 .2rem}\n"
        ".names ol{margin:.2rem 0 1rem;padding-left:1.4rem}\n"
        ".entry{margin:0 0 1.5rem}\n"
        ".entry .meta{color:#555;margin:.1rem 0 .4rem}\n"
        ".entry-text{white-space:pre-wrap;overflow-wrap:anywhere;"
        "margin:0}\n"
        ".entry h4{font-size:1rem;font-weight:600;margin:.6rem 0 .2rem}\n"
        "dl{margin:0}dt{color:#555;margin-top:.4rem}dd{margin:0 0 0 1.25rem}\n"
        "footer{margin-top:3rem;font-size:.9rem;color:#555;"
        "border-top:1px solid #ddd;padding-top:.5rem}\n"
        "@media print{\n"
        "body{margin:0;max-width:none;font-size:11pt}\n"
        "section.full{break-before:page}\n"
        "section.full>h2{margin-top:0}\n"
        "header+section.full{break-before:auto}\n"
        "header+section.full>h2{margin-top:2rem}\n"
        "h2,h3{break-after:avoid}\n"
        "figure,table,.names>div{break-inside:avoid}\n"
        ".entry{break-inside:avoid-page}\n"
        "}\n";

static void
page_start(struct strbuf *b, const struct data *d)
{
	char since[16], until[16], made[16];
	day_iso(d->in->since, since, sizeof(since));
	day_iso(d->in->until, until, sizeof(until));
	day_iso(d->in->now, made, sizeof(made));
	strbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	               "<meta charset=\"utf-8\">\n"
	               /* Nothing may be loaded and no script may run, even
	                * if some text slipped through unescaped. */
	               "<meta http-equiv=\"Content-Security-Policy\" "
	               "content=\"default-src 'none'; style-src "
	               "'unsafe-inline'; base-uri 'none'; form-action "
	               "'none'\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, "
	               "initial-scale=1\">\n"
	               "<meta name=\"robots\" content=\"noindex\">\n");
	strbuf_addf(b, "<title>My notes from selfhelp, %s to %s</title>\n",
	            since, until);
	strbuf_addf(b, "<style>\n%s</style>\n</head>\n<body>\n", style);
	strbuf_adds(b, "<header>\n<h1>My notes from selfhelp</h1>\n");
	strbuf_addf(b,
	            "<p class=\"period\">From %s to %s "
	            "<span class=\"muted\">(made on %s)</span></p>\n",
	            since, until, made);
	strbuf_adds(b, "<p>This is a summary of what I noted in selfhelp, my "
	               "private journal and trigger log. I chose to share it. "
	               "The figures only describe what I wrote down: they are "
	               "not scores or a diagnosis, and more records can simply "
	               "mean more noticing.</p>\n");
	if (!d->nentries && !d->nwritten && !d->s->nrecords && !d->s->nhelped)
		strbuf_adds(b, "<p><strong>Nothing was recorded in this "
		               "period.</strong></p>\n");
	strbuf_adds(b, "<nav aria-label=\"Contents\">\n<ol>\n"
	               "<li><a href=\"#mood\">Mood over time</a></li>\n"
	               "<li><a href=\"#records\">Trigger records per week</a>"
	               "</li>\n"
	               "<li><a href=\"#distress\">Distress before and after</a>"
	               "</li>\n"
	               "<li><a href=\"#helped\">What I tried</a></li>\n"
	               "<li><a href=\"#patterns\">When, and what came up</a>"
	               "</li>\n");
	if (d->in->include_group)
		strbuf_adds(b, "<li><a href=\"#group\">Group meetings</a>"
		               "</li>\n");
	if (d->in->include_entries)
		strbuf_adds(b, "<li><a href=\"#entries\">Journal entries</a>"
		               "</li>\n");
	strbuf_adds(b, "</ol>\n</nav>\n</header>\n");
}

static void
page_end(struct strbuf *b, const struct data *d)
{
	char made[16];
	day_iso(d->in->now, made, sizeof(made));
	strbuf_addf(b,
	            "<footer>\n<p>Made with selfhelp on %s. This file is not "
	            "encrypted: anyone who can open it can read it.</p>\n"
	            "</footer>\n</body>\n</html>\n",
	            made);
}

/* --- charts --- */

static double
scale_y(double v, double max)
{
	return PLOT_B - v / max * (PLOT_B - PLOT_T);
}

/* Open a chart: the svg element with its title and description; the
 * caller writes the description's text and calls chart_body(). */
static void
chart_open(struct strbuf *b, const char *id, const char *title)
{
	strbuf_addf(b,
	            "<figure>\n<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	            "aria-labelledby=\"%s-title %s-desc\">\n"
	            "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">",
	            CHART_W, CHART_H, id, id, id, title, id);
}

static void
chart_body(struct strbuf *b)
{
	strbuf_adds(b, "</desc>\n");
}

static void
chart_close(struct strbuf *b)
{
	strbuf_adds(b, "</svg>\n</figure>\n");
}

/* Grid lines and numbers from 0 to max every `step`, the axes, and the
 * axis titles. */
static void
chart_axes(struct strbuf *b, double max, double step, const char *y_title,
           const char *x_title)
{
	for (double v = 0; v <= max + 1e-9; v += step) {
		double y = scale_y(v, max);
		if (v > 0)
			strbuf_addf(
			        b,
			        "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" "
			        "x2=\"%d\" y2=\"%.1f\"/>\n",
			        PLOT_L, y, PLOT_R, y);
		strbuf_addf(b,
		            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
		            "%g</text>\n",
		            PLOT_L - 8, y + 4, v);
	}
	strbuf_addf(b,
	            "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	            "y2=\"%d\"/>\n"
	            "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	            "y2=\"%d\"/>\n",
	            PLOT_L, PLOT_T - 6, PLOT_L, PLOT_B, PLOT_L, PLOT_B, PLOT_R,
	            PLOT_B);
	strbuf_addf(b,
	            "<text class=\"title\" x=\"%d\" y=\"%d\">%s</text>\n"
	            "<text class=\"title\" x=\"%d\" y=\"%d\" "
	            "text-anchor=\"middle\">%s</text>\n",
	            8, 14, y_title, (PLOT_L + PLOT_R) / 2, CHART_H - 8,
	            x_title);
}

/* A round step for an axis up to `max` with at most about 5 steps. */
static double
nice_step(double max)
{
	static const double steps[] = {1,  2,   5,   10,  20,  25,
	                               50, 100, 200, 250, 500, 1000};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (max / steps[i] <= 5)
			return steps[i];
	return max / 5;
}

/* The centre of week i's band. */
static double
band_x(size_t i, size_t n)
{
	double w = (double)(PLOT_R - PLOT_L) / (double)n;
	return PLOT_L + w * ((double)i + 0.5);
}

/* "2 Nov" under every k-th week, at most MAX_LABELS of them. */
static void
week_labels(struct strbuf *b, const struct stats *s)
{
	size_t every = (s->nweeks + MAX_LABELS - 1) / MAX_LABELS;
	char day[16];
	if (!every)
		every = 1;
	for (size_t i = 0; i < s->nweeks; i += every) {
		day_short(s->weeks[i].start, day, sizeof(day));
		strbuf_addf(b,
		            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		            "%s</text>\n",
		            band_x(i, s->nweeks), PLOT_B + 18, day);
	}
}

/* --- sections --- */

/* A section; one with figures or text (`full`) starts a new page in
 * print, while a line saying that nothing was recorded does not. */
static void
section_open(struct strbuf *b, const char *id, const char *title, bool full)
{
	strbuf_addf(b, "<section id=\"%s\"%s>\n<h2>%s</h2>\n", id,
	            full ? " class=\"full\"" : "", title);
}

static void
section_close(struct strbuf *b)
{
	strbuf_adds(b, "</section>\n");
}

static void
mean_cell(struct strbuf *b, unsigned n, double sum)
{
	if (n)
		strbuf_addf(b, "<td class=\"num\">%.1f</td>", sum / n);
	else
		strbuf_adds(b, "<td class=\"num\">&ndash;</td>");
}

static double
mood_x(const struct report_input *in, time_t t)
{
	double span = difftime(in->until, in->since);
	if (span <= 0)
		return (PLOT_L + PLOT_R) / 2.0;
	return PLOT_L + difftime(t, in->since) / span * (PLOT_R - PLOT_L);
}

static void
mood_chart(struct strbuf *b, const struct data *d)
{
	const struct report_input *in = d->in;
	const struct stats *s = d->s;
	int lo = MOOD_MAX, hi = 0;
	char day[16], when[24];
	for (size_t i = 0; i < d->nmoods; i++) {
		if (d->moods[i].mood < lo)
			lo = d->moods[i].mood;
		if (d->moods[i].mood > hi)
			hi = d->moods[i].mood;
	}
	chart_open(b, "mood-chart", "Mood over time");
	strbuf_addf(b,
	            "%zu mood%s noted with journal entries, from %d to %d "
	            "(" JOURNAL_MOOD_SCALE "), one dot each.",
	            d->nmoods, d->nmoods == 1 ? "" : "s", lo, hi);
	chart_body(b);
	chart_axes(b, MOOD_MAX, 2, "mood (" JOURNAL_MOOD_SCALE ")", "date");
	/* Labels at the Mondays inside the period. */
	size_t nmon = 0;
	for (size_t i = 0; i < s->nweeks; i++)
		nmon += s->weeks[i].start >= in->since;
	size_t every = (nmon + MAX_LABELS - 1) / MAX_LABELS, k = 0;
	if (!every)
		every = 1;
	for (size_t i = 0; i < s->nweeks; i++) {
		if (s->weeks[i].start < in->since)
			continue;
		if (k++ % every)
			continue;
		double x = mood_x(in, s->weeks[i].start);
		day_short(s->weeks[i].start, day, sizeof(day));
		strbuf_addf(b,
		            "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" "
		            "x2=\"%.1f\" y2=\"%d\"/>\n"
		            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		            "%s</text>\n",
		            x, PLOT_B, x, PLOT_B + 4, x, PLOT_B + 18, day);
	}
	if (d->nmoods > 1) {
		strbuf_adds(b, "<polyline class=\"line\" points=\"");
		for (size_t i = 0; i < d->nmoods; i++) {
			strbuf_addf(b, "%s%.1f,%.1f", i ? " " : "",
			            mood_x(in, d->moods[i].when),
			            scale_y(d->moods[i].mood, MOOD_MAX));
			spill(b, d);
		}
		strbuf_adds(b, "\"/>\n");
	}
	for (size_t i = 0; i < d->nmoods; i++) {
		day_time(d->moods[i].when, when, sizeof(when));
		strbuf_addf(b,
		            "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" "
		            "r=\"4.5\"><title>%s: mood %d</title></circle>\n",
		            mood_x(in, d->moods[i].when),
		            scale_y(d->moods[i].mood, MOOD_MAX), when,
		            d->moods[i].mood);
		spill(b, d);
	}
	chart_close(b);
}

static void
section_mood(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	char day[16];
	section_open(b, "mood", "Mood over time", d->nmoods);
	if (!d->nmoods) {
		strbuf_adds(b,
		            "<p>No mood was noted with a journal entry in this "
		            "period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_adds(b, "<p>The mood (" JOURNAL_MOOD_SCALE ") I gave with "
	               "journal entries, one dot each. Entries without a mood "
	               "are not shown.</p>\n");
	mood_chart(b, d);
	strbuf_adds(b, "<table>\n<caption>Mood by week</caption>\n<thead><tr>"
	               "<th scope=\"col\">Week of</th>"
	               "<th scope=\"col\" class=\"num\">Moods noted</th>"
	               "<th scope=\"col\" class=\"num\">Mean</th>"
	               "<th scope=\"col\" class=\"num\">Lowest</th>"
	               "<th scope=\"col\" class=\"num\">Highest</th>"
	               "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nweeks; i++) {
		const struct week_extra *w = &d->weeks[i];
		day_iso(s->weeks[i].start, day, sizeof(day));
		strbuf_addf(b, "<tr><td>%s</td><td class=\"num\">%u</td>", day,
		            w->moods);
		mean_cell(b, w->moods, w->mood_sum);
		if (w->moods)
			strbuf_addf(b,
			            "<td class=\"num\">%d</td>"
			            "<td class=\"num\">%d</td></tr>\n",
			            w->mood_lo, w->mood_hi);
		else
			strbuf_adds(b, "<td class=\"num\">&ndash;</td>"
			               "<td class=\"num\">&ndash;</td></tr>\n");
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	section_close(b);
}

static void
records_chart(struct strbuf *b, const struct stats *s)
{
	unsigned most = 0;
	for (size_t i = 0; i < s->nweeks; i++)
		if (s->weeks[i].records > most)
			most = s->weeks[i].records;
	double step = nice_step(most), top = step;
	while (top < most)
		top += step;
	double band = (double)(PLOT_R - PLOT_L) / (double)s->nweeks;
	double width = band * 0.6 < 1 ? 1 : band * 0.6;
	char day[16];

	chart_open(b, "records-chart", "Trigger records per week");
	strbuf_addf(b,
	            "One bar for each of %zu weeks; the highest is %u "
	            "record%s.",
	            s->nweeks, most, most == 1 ? "" : "s");
	chart_body(b);
	chart_axes(b, top, step, "records", "week starting");
	for (size_t i = 0; i < s->nweeks; i++) {
		unsigned n = s->weeks[i].records;
		double x = band_x(i, s->nweeks) - width / 2;
		double y = scale_y(n, top);
		day_iso(s->weeks[i].start, day, sizeof(day));
		if (n)
			strbuf_addf(
			        b,
			        "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
			        "width=\"%.1f\" height=\"%.1f\"><title>Week "
			        "of %s: %u record%s</title></rect>\n",
			        x, y, width, PLOT_B - y, day, n,
			        n == 1 ? "" : "s");
		if (band >= BAR_LABEL_MIN)
			strbuf_addf(b,
			            "<text x=\"%.1f\" y=\"%.1f\" "
			            "text-anchor=\"middle\">%u</text>\n",
			            band_x(i, s->nweeks), y - 5, n);
	}
	week_labels(b, s);
	chart_close(b);
}

static void
section_records(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	char day[16];
	section_open(b, "records", "Trigger records per week", s->nrecords);
	if (!s->nrecords) {
		strbuf_adds(b, "<p>Nothing was recorded in the trigger log in "
		               "this period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_addf(b,
	            "<p>How many moments I recorded in the trigger log each "
	            "week: %zu in all.</p>\n",
	            s->nrecords);
	records_chart(b, s);
	strbuf_adds(b,
	            "<table>\n<caption>Records by week</caption>\n<thead><tr>"
	            "<th scope=\"col\">Week of</th>"
	            "<th scope=\"col\" class=\"num\">Records</th>"
	            "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nweeks; i++) {
		day_iso(s->weeks[i].start, day, sizeof(day));
		strbuf_addf(b,
		            "<tr><td>%s</td><td class=\"num\">%u</td></tr>\n",
		            day, s->weeks[i].records);
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	section_close(b);
}

static void
distress_chart(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	char day[16];
	chart_open(b, "distress-chart", "Distress before and after");
	strbuf_adds(b, "For each week, the mean distress before anything "
	               "helped (a filled dot) and afterwards (an open ring), "
	               "from 0 to 10, joined by a line.");
	chart_body(b);
	chart_axes(b, TRIGGER_RATING_MAX, 2, "distress (0 to 10)",
	           "week starting");
	/* The legend, in shapes and words. */
	strbuf_addf(b,
	            "<circle class=\"before\" cx=\"%d\" cy=\"14\" r=\"5\"/>"
	            "<text x=\"%d\" y=\"18\">before</text>\n"
	            "<circle class=\"after\" cx=\"%d\" cy=\"14\" r=\"6\"/>"
	            "<text x=\"%d\" y=\"18\">afterwards</text>\n",
	            PLOT_R - 170, PLOT_R - 160, PLOT_R - 90, PLOT_R - 79);
	for (size_t i = 0; i < s->nweeks; i++) {
		const struct stats_week *w = &s->weeks[i];
		const struct week_extra *x = &d->weeks[i];
		double cx = band_x(i, s->nweeks);
		double yb =
		        w->rated ? scale_y(w->mean_before, TRIGGER_RATING_MAX)
		                 : 0;
		double ya = x->after_n ? scale_y(x->after_sum / x->after_n,
		                                 TRIGGER_RATING_MAX)
		                       : 0;
		day_iso(w->start, day, sizeof(day));
		if (w->rated && x->after_n)
			strbuf_addf(b,
			            "<line class=\"pair\" x1=\"%.1f\" "
			            "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			            cx, yb, cx, ya);
		if (x->after_n)
			strbuf_addf(b,
			            "<circle class=\"after\" cx=\"%.1f\" "
			            "cy=\"%.1f\" r=\"6\"><title>Week of %s: "
			            "afterwards %.1f</title></circle>\n",
			            cx, ya, day, x->after_sum / x->after_n);
		if (w->rated)
			strbuf_addf(b,
			            "<circle class=\"before\" cx=\"%.1f\" "
			            "cy=\"%.1f\" r=\"5\"><title>Week of %s: "
			            "before %.1f</title></circle>\n",
			            cx, yb, day, w->mean_before);
	}
	week_labels(b, s);
	chart_close(b);
}

static void
section_distress(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	char day[16];
	section_open(b, "distress", "Distress before and after",
	             d->any_before || d->any_after);
	if (!d->any_before && !d->any_after) {
		strbuf_adds(b, "<p>No distress ratings were recorded in this "
		               "period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_adds(b, "<p>Distress from 0 (calm) to 10 (the most), as I rated "
	               "it in the trigger log: the mean of each week before "
	               "anything helped, and afterwards. Not every record has "
	               "both ratings, so each mean counts the ratings "
	               "given.</p>\n");
	distress_chart(b, d);
	strbuf_adds(b, "<table>\n<caption>Mean distress by week (how many "
	               "ratings in brackets)</caption>\n<thead><tr>"
	               "<th scope=\"col\">Week of</th>"
	               "<th scope=\"col\" class=\"num\">Before</th>"
	               "<th scope=\"col\" class=\"num\">Afterwards</th>"
	               "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nweeks; i++) {
		const struct stats_week *w = &s->weeks[i];
		const struct week_extra *x = &d->weeks[i];
		day_iso(w->start, day, sizeof(day));
		strbuf_addf(b, "<tr><td>%s</td>", day);
		if (w->rated)
			strbuf_addf(b, "<td class=\"num\">%.1f (%u)</td>",
			            w->mean_before, w->rated);
		else
			strbuf_adds(b, "<td class=\"num\">&ndash;</td>");
		if (x->after_n)
			strbuf_addf(b, "<td class=\"num\">%.1f (%u)</td>",
			            x->after_sum / x->after_n, x->after_n);
		else
			strbuf_adds(b, "<td class=\"num\">&ndash;</td>");
		strbuf_adds(b, "</tr>\n");
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	section_close(b);
}

static void
section_helped(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	section_open(b, "helped",
	             "What I tried, and how distress compared afterwards",
	             s->nhelped);
	if (!s->nhelped) {
		strbuf_adds(b,
		            "<p>Nothing was named under &ldquo;helped&rdquo; "
		            "in this period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_addf(b,
	            "<p>What I named under &ldquo;helped&rdquo; in the "
	            "trigger log, and grounding exercises I rated: how often, "
	            "and how distress compared afterwards, on average over the "
	            "times with a rating before and after. With fewer than %d "
	            "such times it is too early to tell. The numbers show what "
	            "came before and after, not what caused what.</p>\n",
	            STATS_MIN_RATED);
	strbuf_adds(b, "<table>\n<thead><tr>"
	               "<th scope=\"col\">What I tried</th>"
	               "<th scope=\"col\" class=\"num\">Times</th>"
	               "<th scope=\"col\" class=\"num\">With both ratings</th>"
	               "<th scope=\"col\">Distress afterwards</th>"
	               "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nhelped; i++) {
		const struct stats_helped *h = &s->helped[i];
		strbuf_adds(b, "<tr><td>");
		buf_text(b, h->name);
		strbuf_addf(b,
		            "</td><td class=\"num\">%u</td>"
		            "<td class=\"num\">%u</td><td>",
		            h->uses, h->rated);
		/* The words of `trigger-log stats`. */
		if (!h->enough)
			strbuf_adds(b, "too few to tell yet");
		else if (h->mean_drop >= 0.05)
			strbuf_addf(b, "%.1f lower on average", h->mean_drop);
		else if (h->mean_drop <= -0.05)
			strbuf_addf(b, "%.1f higher on average", -h->mean_drop);
		else
			strbuf_adds(b, "about the same on average");
		strbuf_adds(b, "</td></tr>\n");
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	section_close(b);
}

static void
name_list(struct strbuf *b, const char *title, const struct stats_count *v,
          size_t n)
{
	strbuf_addf(b, "<div>\n<h4>%s</h4>\n", title);
	if (!n) {
		strbuf_adds(b, "<p class=\"muted\">None named.</p>\n</div>\n");
		return;
	}
	strbuf_adds(b, "<ol>\n");
	for (size_t i = 0; i < n && i < TOP_NAMES; i++) {
		strbuf_adds(b, "<li>");
		buf_text(b, v[i].name);
		strbuf_addf(b, " <span class=\"muted\">(%u)</span></li>\n",
		            v[i].count);
	}
	strbuf_adds(b, "</ol>\n");
	if (n > TOP_NAMES)
		strbuf_addf(b, "<p class=\"muted\">and %zu more</p>\n",
		            n - TOP_NAMES);
	strbuf_adds(b, "</div>\n");
}

static void
section_patterns(struct strbuf *b, const struct data *d)
{
	const struct stats *s = d->s;
	static const char *const part_hours[STATS_PARTS] = {
	        "0&ndash;6 h", "6&ndash;12 h", "12&ndash;18 h",
	        "18&ndash;24 h"};
	section_open(b, "patterns", "When, and what came up", s->nrecords);
	if (!s->nrecords) {
		strbuf_adds(b, "<p>Nothing was recorded in the trigger log in "
		               "this period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_adds(b, "<p>Patterns to wonder about, not grades.</p>\n");
	strbuf_adds(b, "<h3>When it happened</h3>\n<table>\n<caption>Records "
	               "by day of the week and time of day</caption>\n"
	               "<thead><tr><th scope=\"col\">Day</th>");
	for (int p = 0; p < STATS_PARTS; p++)
		strbuf_addf(b,
		            "<th scope=\"col\" class=\"num\">%s<br><span "
		            "class=\"muted\">%s</span></th>",
		            stats_part_names[p], part_hours[p]);
	strbuf_adds(b, "</tr></thead>\n<tbody>\n");
	for (int day = 0; day < STATS_DAYS; day++) {
		strbuf_addf(b, "<tr><th scope=\"row\">%s</th>",
		            stats_day_names[day]);
		for (int p = 0; p < STATS_PARTS; p++)
			strbuf_addf(b, "<td class=\"num%s\">%u</td>",
			            s->when[day][p] ? "" : " zero",
			            s->when[day][p]);
		strbuf_adds(b, "</tr>\n");
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	strbuf_adds(b, "<h3>What came up most often</h3>\n<p>How many records "
	               "named it in brackets.</p>\n<div class=\"names\">\n");
	name_list(b, "What happened or brought it on", s->triggers,
	          s->ntriggers);
	name_list(b, "Emotions", s->emotions, s->nemotions);
	name_list(b, "In the body", s->body, s->nbody);
	strbuf_adds(b, "</div>\n");
	section_close(b);
}

/* A check-in with the reflection that goes with it; either may be
 * missing. */
struct meeting {
	const struct group_record *prepare, *reflect;
	time_t when;
};

static int
meeting_oldest_first(const void *a, const void *b)
{
	const struct meeting *x = a, *y = b;
	return (x->when > y->when) - (x->when < y->when);
}

static const struct group_record *
group_partner(const struct data *d, const struct group_record *r)
{
	if (!r->link[0])
		return NULL;
	for (size_t i = 0; i < d->in->ngroups; i++) {
		const struct group_record *o = d->in->groups[i];
		if (strcmp(o->id, r->link) == 0 && in_period(d->in, o->when))
			return o;
	}
	return NULL;
}

/* The meetings of the period, oldest first; caller frees. */
static struct meeting *
meetings_make(const struct data *d, size_t *n)
{
	const struct report_input *in = d->in;
	struct meeting *m = calloc(in->ngroups ? in->ngroups : 1, sizeof(*m));
	*n = 0;
	if (!m)
		return NULL;
	for (size_t i = 0; i < in->ngroups; i++) {
		const struct group_record *r = in->groups[i];
		const struct group_record *o = group_partner(d, r);
		if (!in_period(in, r->when))
			continue;
		if (r->type == GROUP_PREPARE)
			m[(*n)++] = (struct meeting){r, o, r->when};
		else if (!o) /* else shown with its check-in */
			m[(*n)++] = (struct meeting){NULL, r, r->when};
	}
	if (*n)
		qsort(m, *n, sizeof(*m), meeting_oldest_first);
	return m;
}

/* "6, too much" into the cell; an en dash when nothing was given. */
static void
rating_cell(struct strbuf *b, const struct group_record *r, int rating)
{
	const char *state =
	        r ? record_choice_words(GROUP_STATE_FIELD, (int)r->state) : "";
	strbuf_adds(b, "<td>");
	if (r && rating != GROUP_NO_RATING)
		strbuf_addf(b, "%d", rating);
	if (r && rating != GROUP_NO_RATING && *state)
		strbuf_adds(b, ", ");
	buf_text(b, state);
	if (!r || (rating == GROUP_NO_RATING && !*state))
		strbuf_adds(b, "&ndash;");
	strbuf_adds(b, "</td>");
}

static void
word_cell(struct strbuf *b, const char *words)
{
	strbuf_adds(b, "<td>");
	if (words && *words)
		buf_text(b, words);
	else
		strbuf_adds(b, "&ndash;");
	strbuf_adds(b, "</td>");
}

static const char *const group_labels[GROUP_NTEXTS] = {
        [GROUP_BRING] = "What I would like to bring",
        [GROUP_NEED] = "What I need from the group",
        [GROUP_BOUNDARY] = "My boundary for today",
        [GROUP_IF_TOO_MUCH] = "If it gets too much",
        [GROUP_MOVED] = "What moved me",
        [GROUP_TRIGGERED] = "What triggered me",
        [GROUP_CONTRIBUTED] = "What I contributed",
        [GROUP_NEXT] = "What I would like to try next time",
        [GROUP_KIND_WORDS] = "A kind word to myself",
};

static bool
group_has_text(const struct group_record *r)
{
	for (int t = 0; r && t < GROUP_NTEXTS; t++)
		if (r->text[t] && group_text_type(t) == r->type)
			return true;
	return false;
}

static void
group_texts(struct strbuf *b, const struct group_record *r, const char *title)
{
	if (!group_has_text(r))
		return;
	strbuf_addf(b, "<h4>%s</h4>\n<dl>\n", title);
	for (int t = 0; t < GROUP_NTEXTS; t++) {
		if (!r->text[t] || group_text_type(t) != r->type)
			continue;
		strbuf_addf(b,
		            "<dt>%s</dt>\n<dd class=\"entry-text\" "
		            "dir=\"auto\">",
		            group_labels[t]);
		buf_text(b, r->text[t]);
		strbuf_adds(b, "</dd>\n");
	}
	strbuf_adds(b, "</dl>\n");
}

static void
section_group(struct strbuf *b, const struct data *d)
{
	char day[24];
	size_t n;
	struct meeting *m = meetings_make(d, &n);
	if (!m) {
		b->failed = true;
		return;
	}
	section_open(b, "group", "Group meetings", n);
	if (!n) {
		strbuf_adds(b,
		            "<p>No group check-ins or reflections were written "
		            "in this period.</p>\n");
		free(m);
		section_close(b);
		return;
	}
	strbuf_adds(b, "<p>My check-ins before self-help group meetings and my "
	               "reflections afterwards, oldest first. Distress from 0 "
	               "(calm) to 10 (the most).</p>\n");
	strbuf_adds(b, "<table>\n<thead><tr><th scope=\"col\">Date</th>"
	               "<th scope=\"col\">Arriving</th>"
	               "<th scope=\"col\">Leaving</th>"
	               "<th scope=\"col\">Closeness</th>"
	               "<th scope=\"col\">Boundary kept</th>"
	               "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct group_record *p = m[i].prepare, *r = m[i].reflect;
		day_iso(m[i].when, day, sizeof(day));
		strbuf_addf(b, "<tr><td>%s</td>", day);
		rating_cell(b, p, p ? p->before : GROUP_NO_RATING);
		rating_cell(b, r, r ? r->after : GROUP_NO_RATING);
		word_cell(b, r ? record_choice_words(GROUP_CLOSENESS_FIELD,
		                                     (int)r->closeness)
		               : NULL);
		word_cell(b, r ? record_choice_words(GROUP_KEPT_FIELD,
		                                     (int)r->kept)
		               : NULL);
		strbuf_adds(b, "</tr>\n");
	}
	strbuf_adds(b, "</tbody>\n</table>\n");
	/* Then what I wrote, meeting by meeting. */
	for (size_t i = 0; i < n; i++) {
		if (!group_has_text(m[i].prepare) &&
		    !group_has_text(m[i].reflect))
			continue;
		day_time(m[i].when, day, sizeof(day));
		strbuf_addf(b, "<article class=\"entry\">\n<h3>%s</h3>\n", day);
		group_texts(b, m[i].prepare, "Before the meeting");
		group_texts(b, m[i].reflect, "Afterwards");
		strbuf_adds(b, "</article>\n");
	}
	free(m);
	section_close(b);
}

static void
section_entries(struct strbuf *b, const struct data *d)
{
	char when[24];
	section_open(b, "entries", "Journal entries", d->nentries);
	if (!d->nentries) {
		strbuf_adds(b, "<p>No journal entries were written in this "
		               "period.</p>\n");
		section_close(b);
		return;
	}
	strbuf_adds(b, "<p>The journal entries of this period in full, oldest "
	               "first, as I wrote them.</p>\n");
	for (size_t i = 0; i < d->nentries; i++) {
		const struct journal_entry *e = d->entries[i];
		day_time(e->created, when, sizeof(when));
		strbuf_addf(b, "<article class=\"entry\">\n<h3>%s</h3>\n",
		            when);
		if (e->mood != JOURNAL_NO_MOOD || e->ntags) {
			strbuf_adds(b, "<p class=\"meta\">");
			if (e->mood != JOURNAL_NO_MOOD)
				strbuf_addf(b, "mood %d", e->mood);
			for (size_t t = 0; t < e->ntags; t++) {
				if (t)
					strbuf_adds(b, ", ");
				else if (e->mood != JOURNAL_NO_MOOD)
					strbuf_adds(b, " &middot; tags: ");
				else
					strbuf_adds(b, "tags: ");
				buf_text(b, e->tags[t]);
			}
			strbuf_adds(b, "</p>\n");
		}
		strbuf_adds(b, "<p class=\"entry-text\" dir=\"auto\">");
		if (e->text)
			buf_escape(b, e->text, e->textlen);
		else
			buf_text(b, e->preview);
		strbuf_adds(b, "</p>\n</article>\n");
		spill(b, d);
	}
	section_close(b);
}

/* The document into b; handed on to d->out as it grows when set. */
static int
build(struct strbuf *b, struct data *d, const struct report_input *in)
{
	if (!in->stats || data_init(d, in)) {
		data_release(d);
		return -1;
	}
	strbuf_grow(b, BUF_START);
	page_start(b, d);
	section_mood(b, d);
	spill(b, d);
	section_records(b, d);
	section_distress(b, d);
	section_helped(b, d);
	section_patterns(b, d);
	spill(b, d);
	if (in->include_group)
		section_group(b, d);
	spill(b, d);
	if (in->include_entries)
		section_entries(b, d);
	page_end(b, d);
	data_release(d);
	return b->failed ? -1 : 0;
}

char *
report_html(const struct report_input *in, size_t *len)
{
	struct strbuf b = {0};
	struct data d = {0};
	*len = 0;
	if (build(&b, &d, in)) {
		strbuf_release(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

int
report_write(const struct report_input *in,
             int (*fn)(void *arg, const char *p, size_t n), void *arg)
{
	struct strbuf b = {0};
	struct sink out = {fn, arg, 0};
	struct data d = {.out = &out};
	int rc = build(&b, &d, in);
	if (!rc)
		spill_at(&b, &d, 0);
	strbuf_release(&b);
	return rc ? REPORT_NO_MEMORY : out.rc;
}
