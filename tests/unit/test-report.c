/*
 * lib/report.c on records built in memory, with a fixed period and a
 * fixed "now" (time zone UTC): the escaping, the sections, the figures
 * (the same as stats_compute's), nothing that reaches the network, and
 * an empty period.
 */
#include "harness.h"

#include "group.h"
#include "journal.h"
#include "report.h"
#include "stats.h"
#include "trigger.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>

/* 2026-11-02 00:00 UTC is a Monday. */
enum { MON_2026_11_02 = 1793577600, HOUR = 3600, DAY = 86400 };
enum { NONE = TRIGGER_NO_RATING, NREC = 6, NENT = 5 };

static time_t
at(int day_offset, int hour, int minute)
{
	return (time_t)MON_2026_11_02 + (time_t)day_offset * DAY +
	       (time_t)hour * HOUR + minute * 60;
}

/* --- escaping --- */

static char *
esc(const char *s)
{
	char *e = report_escape(s, strlen(s));
	assert_non_null(e);
	return e;
}

static void
assert_esc(const char *in, const char *want)
{
	char *got = esc(in);
	assert_string_equal(got, want);
	free(got);
}

static void
escape_specials(void **state)
{
	assert_esc("", "");
	assert_esc("plain words", "plain words");
	assert_esc("&", "&amp;");
	assert_esc("<", "&lt;");
	assert_esc(">", "&gt;");
	assert_esc("\"", "&quot;");
	assert_esc("'", "&#39;");
	assert_esc("a < b && c > \"d\" 'e'",
	           "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
	/* Already-escaped text is escaped again, not passed through. */
	assert_esc("&amp; &lt;", "&amp;amp; &amp;lt;");
	assert_esc("<script>alert(1)</script>",
	           "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_esc("<img src=x onerror=alert(1)>",
	           "&lt;img src=x onerror=alert(1)&gt;");
}

/* Escaped text cannot leave a quoted attribute value of either kind:
 * no quote, angle bracket or raw ampersand survives. */
static void
escape_in_attributes(void **state)
{
	static const char *const hostile[] = {
	        "\" onmouseover=\"alert(1)",
	        "' onfocus='alert(1)' x='",
	        "\"><script>alert(1)</script>",
	        "x\" style=\"background:url(//example.org/a)",
	        "&quot; autofocus onfocus=alert(1) &#34;",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char *e = esc(hostile[i]);
		assert_null(strchr(e, '"'));
		assert_null(strchr(e, '\''));
		assert_null(strchr(e, '<'));
		assert_null(strchr(e, '>'));
		/* Every '&' starts one of our five entities. */
		for (const char *p = strchr(e, '&'); p; p = strchr(p + 1, '&'))
			assert_true(!strncmp(p, "&amp;", 5) ||
			            !strncmp(p, "&lt;", 4) ||
			            !strncmp(p, "&gt;", 4) ||
			            !strncmp(p, "&quot;", 6) ||
			            !strncmp(p, "&#39;", 5));
		free(e);
	}
	assert_esc("\" onmouseover=\"alert(1)",
	           "&quot; onmouseover=&quot;alert(1)");
	assert_esc("' onfocus='x'", "&#39; onfocus=&#39;x&#39;");
}

static void
escape_controls(void **state)
{
	/* Newline and tab stay; other C0, DEL and C1 go; so does CR. */
	assert_esc("one\ntwo\tthree", "one\ntwo\tthree");
	assert_esc("a\rb\r\n", "ab\n");
	assert_esc("bell\x07 esc\x1b[31m red", "bell esc[31m red");
	assert_esc("\x01\x02\x03\x7f", "");
	assert_esc("c1\xc2\x85next\xc2\x9bJ", "c1nextJ");   /* NEL, CSI */
	assert_esc("nbsp\xc2\xa0kept", "nbsp\xc2\xa0kept"); /* not C1 */
	/* A NUL inside the given length is dropped, not an end. */
	char *e = report_escape("a\0b<", 4);
	assert_non_null(e);
	assert_string_equal(e, "ab&lt;");
	free(e);
	/* Only `len` bytes are read. */
	e = report_escape("abc<def", 3);
	assert_string_equal(e, "abc");
	free(e);
}

static void
escape_utf8(void **state)
{
	/* Whole characters pass unchanged. */
	assert_esc("\xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x8c\xbf \xc3\xa4",
	           "\xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x8c\xbf \xc3\xa4");
	/* Bytes that are not UTF-8 become U+FFFD, one per byte. */
	assert_esc("a\xffz", "a\xef\xbf\xbdz");
	assert_esc("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"); /* overlong */
	assert_esc("\xed\xa0\x80",                          /* surrogate */
	           "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_esc("cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd");
	/* An overlong '<' is not a '<'. */
	char *e = esc("\xc0\xbcscript\xc0\xbe");
	assert_null(strchr(e, '<'));
	free(e);
}

/* --- the fixture --- */

static struct trigger_record *
rec(time_t when, int before, int after, const char *trigger,
    const char *emotions, const char *helped)
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
	if (helped)
		assert_int_equal(
		        record_add_items(trigger_list_field(TRIGGER_HELPED), r,
		                         helped),
		        RECORD_PROBLEM_NONE);
	return r;
}

static struct journal_entry *
entry(time_t created, int mood, const char *text, const char *tag)
{
	struct journal_entry *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	snprintf(e->id, sizeof(e->id), "%032lld", (long long)created);
	e->created = e->updated = created;
	e->mood = mood;
	e->text = strdup(text);
	e->textlen = strlen(text);
	e->preview = strdup(text);
	if (tag) {
		e->tags = calloc(1, sizeof(char *));
		e->tags[0] = strdup(tag);
		e->ntags = 1;
	}
	return e;
}

/*
 * Period: Monday 2026-11-02 00:00 to Sunday 2026-11-22 23:59:59 (three
 * weeks); "now" is Monday 2026-11-23 10:00.
 *
 *   R1 Mon 11-02 21:30   8 -> 4  "Slammed <door>"  helped Cold water,
 *                                                    breathing
 *   R2 Tue 11-03 03:10   6 -> 5                     helped cold water
 *   R3 Tue 11-10 09:00   4 -> -                     helped cold water,
 *                                                    walk & talk
 *   R4 Thu 11-12 14:00   9 -> 3                     helped COLD WATER,
 *                                                    breathing
 *   R5 Fri 11-20 19:45   - -> 2                     helped walk & talk
 *   R6 Fri 10-30 (before the period) 10 -> 0        helped cold water
 *   A grounding rating: breathing, 7 -> 2, Sat 11-07.
 *
 * Weeks: 2 records (before 7.0 of 2, after 4.5 of 2), 2 records (6.5
 * of 2; after 3.0 of 1), 1 record (no before; after 2.0 of 1). What
 * helped: cold water 4 times, 3 rated, drops 4, 1, 6: too few to tell;
 * breathing 3 times, drops 4, 6, 5: too few (5 needed); walk & talk 2 times,
 * none rated: too few to tell yet.
 *
 * Journal: E1 Mon 11-02 08:00 mood 3, E2 Wed 11-04 20:00 mood 7, E3 Tue
 * 11-10 no mood, E4 Mon 11-16 09:00 mood 5, E0 before the period.
 */
static struct trigger_record *recs[NREC];
static struct journal_entry *ents[NENT];
static const struct stats_use rating_uses[] = {
        {"breathing", 7, 2, 0}, /* `when` set in setup */
};
static struct stats_use uses[1];

static const char e1_text[] = "first <script>alert(\"x\")</script> & 'q'\n"
                              "line two";
static const char e1_escaped[] =
        "first &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        "&#39;q&#39;\nline two";
static const char e2_text[] = "visit https://example.org/x";

static int
setup(void **state)
{
	recs[0] = rec(at(0, 21, 30), 8, 4, "Slammed <door>", "fear",
	              "Cold water, breathing");
	recs[1] = rec(at(1, 3, 10), 6, 5, NULL, "fear", "cold water");
	recs[2] = rec(at(8, 9, 0), 4, NONE, NULL, NULL,
	              "cold water, walk & talk");
	recs[3] = rec(at(10, 14, 0), 9, 3, "Slammed <door>", NULL,
	              "COLD WATER, breathing");
	recs[4] = rec(at(18, 19, 45), NONE, 2, NULL, NULL, "walk & talk");
	recs[5] = rec(at(-3, 12, 0), 10, 0, NULL, NULL, "cold water");
	uses[0] = rating_uses[0];
	uses[0].when = at(5, 10, 0);
	ents[0] = entry(at(0, 8, 0), 3, e1_text, "two words");
	ents[1] = entry(at(2, 20, 0), 7, e2_text, NULL);
	ents[2] = entry(at(8, 12, 0), JOURNAL_NO_MOOD, "no mood here", NULL);
	ents[3] = entry(at(14, 9, 0), 5, "bell\x07 esc\x1b[31m red", NULL);
	ents[4] = entry(at(-5, 9, 0), 1, "outside the period", NULL);
	return 0;
}

static int
teardown(void **state)
{
	for (int i = 0; i < NREC; i++)
		record_free(&trigger_kind, recs[i]);
	for (int i = 0; i < NENT; i++)
		journal_entry_free(ents[i]);
	return 0;
}

static struct stats *
fixture_stats(time_t since, time_t until)
{
	struct stats_input in = {
	        .records = (const struct trigger_record *const *)recs,
	        .nrecords = NREC,
	        .extra_uses = uses,
	        .nextra = 1,
	        .since = since,
	        .until = until,
	};
	struct stats *s = NULL;
	assert_int_equal(stats_compute(&in, &s), 0);
	return s;
}

struct doc {
	struct stats *s;
	char *html;
	size_t len;
};

static void
render_period(struct doc *d, time_t since, time_t until, bool entries)
{
	d->s = fixture_stats(since, until);
	struct report_input in = {
	        .since = since,
	        .until = until,
	        .now = at(21, 10, 0),
	        .entries = (const struct journal_entry *const *)ents,
	        .nentries = NENT,
	        .records = (const struct trigger_record *const *)recs,
	        .nrecords = NREC,
	        .stats = d->s,
	        .include_entries = entries,
	};
	d->html = report_html(&in, &d->len);
	assert_non_null(d->html);
	assert_int_equal(strlen(d->html), d->len);
}

static void
render(struct doc *d, bool entries)
{
	render_period(d, at(0, 0, 0), at(21, 0, 0) - 1, entries);
}

static void
doc_release(struct doc *d)
{
	report_free(d->html, d->len);
	stats_free(d->s);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p;
	     p = strstr(p + strlen(needle), needle))
		n++;
	return n;
}

static void
has(const char *html, const char *needle)
{
	if (!strstr(html, needle))
		fail_msg("expected \"%s\" in the report", needle);
}

static void
lacks(const char *html, const char *needle)
{
	if (strstr(html, needle))
		fail_msg("did not expect \"%s\" in the report", needle);
}

/* --- the document --- */

static void
sections_present(void **state)
{
	struct doc d;
	render(&d, false);
	const char *h = d.html;
	assert_true(!strncmp(h, "<!DOCTYPE html>\n<html lang=\"en\">", 32));
	has(h, "<meta charset=\"utf-8\">");
	has(h, "<h1>My notes from selfhelp</h1>");
	has(h, "From 2026-11-02 to 2026-11-22");
	has(h, "made on 2026-11-23");
	has(h, "<h2>Mood over time</h2>");
	has(h, "<h2>Trigger records per week</h2>");
	has(h, "<h2>Distress before and after</h2>");
	has(h, "<h2>What I tried, and how distress compared afterwards</h2>");
	has(h, "not what caused what");
	has(h, "<h2>When, and what came up</h2>");
	has(h, "not scores or a diagnosis");
	has(h, "not encrypted");
	/* Three charts, each with a title, a description and a table. */
	assert_int_equal(count(h, "<svg "), 3);
	assert_int_equal(count(h, "</svg>"), 3);
	assert_int_equal(count(h, "<title id=\""), 3);
	assert_int_equal(count(h, "<desc id=\""), 3);
	assert_int_equal(count(h, "role=\"img\""), 3);
	has(h, "id=\"mood-chart-title\"");
	has(h, "id=\"records-chart-title\"");
	has(h, "id=\"distress-chart-title\"");
	/* One dot per mood in the period (E1, E2, E4), bars for the three
	 * weeks with records, before and after told apart in words. */
	assert_int_equal(count(h, "<circle class=\"dot\""), 3);
	assert_int_equal(count(h, "<rect class=\"bar\""), 3);
	has(h, ">before</text>");
	has(h, ">afterwards</text>");
	/* Print: page breaks between sections, no dark background. */
	has(h, "@page{");
	has(h, "section.full{break-before:page}");
	assert_int_equal(count(h, "<section id=\"mood\" class=\"full\">"), 1);
	has(h, "html{background:#fff;");
	/* Balanced. */
	static const char *const tags[][2] = {
	        {"<section ", "</section>"}, {"<table>", "</table>"},
	        {"<figure>", "</figure>"},   {"<tr>", "</tr>"},
	        {"<ol>", "</ol>"},           {"<h2>", "</h2>"},
	};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		assert_int_equal(count(h, tags[i][0]), count(h, tags[i][1]));
	/* Entries stay out unless asked for. */
	lacks(h, "Journal entries");
	lacks(h, "first &lt;script");
	lacks(h, "example.org");
	lacks(h, "no mood here");
	lacks(h, "Group meetings");
	doc_release(&d);
}

/* The weekly figures and "what helped" are stats_compute's, and those
 * are the hand-worked ones of the fixture comment. */
static void
numbers_match_stats(void **state)
{
	struct doc d;
	char want[512], day[16];
	render(&d, false);
	const struct stats *s = d.s;
	assert_int_equal(s->nweeks, 3);
	for (size_t i = 0; i < s->nweeks; i++) {
		struct tm tm;
		gmtime_r(&s->weeks[i].start, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		snprintf(want, sizeof(want),
		         "<tr><td>%s</td><td class=\"num\">%u</td></tr>", day,
		         s->weeks[i].records);
		has(d.html, want);
		if (s->weeks[i].rated) {
			snprintf(want, sizeof(want),
			         "<tr><td>%s</td><td class=\"num\">%.1f (%u)"
			         "</td>",
			         day, s->weeks[i].mean_before,
			         s->weeks[i].rated);
			has(d.html, want);
		}
	}
	has(d.html, "<tr><td>2026-11-02</td><td class=\"num\">7.0 (2)</td>"
	            "<td class=\"num\">4.5 (2)</td></tr>");
	has(d.html, "<tr><td>2026-11-09</td><td class=\"num\">6.5 (2)</td>"
	            "<td class=\"num\">3.0 (1)</td></tr>");
	has(d.html, "<tr><td>2026-11-16</td><td class=\"num\">&ndash;</td>"
	            "<td class=\"num\">2.0 (1)</td></tr>");

	assert_int_equal(s->nhelped, 3);
	for (size_t i = 0; i < s->nhelped; i++) {
		const struct stats_helped *h = &s->helped[i];
		char words[64], *name = esc(h->name);
		if (!h->enough)
			snprintf(words, sizeof(words), "too few to tell yet");
		else
			snprintf(words, sizeof(words), "%.1f lower on average",
			         h->mean_drop);
		snprintf(want, sizeof(want),
		         "<tr><td>%s</td><td class=\"num\">%u</td>"
		         "<td class=\"num\">%u</td><td>%s</td></tr>",
		         name, h->uses, h->rated, words);
		has(d.html, want);
		free(name);
	}
	has(d.html, "<tr><td>COLD WATER</td><td class=\"num\">4</td>"
	            "<td class=\"num\">3</td><td>too few to tell yet</td>");
	has(d.html, "<tr><td>breathing</td><td class=\"num\">3</td>"
	            "<td class=\"num\">3</td><td>too few to tell yet</td>");
	has(d.html, "<tr><td>walk &amp; talk</td><td class=\"num\">2</td>"
	            "<td class=\"num\">0</td><td>too few to tell yet</td>");
	/* Mood by week: E1 3 and E2 7 in the first week. */
	has(d.html, "<tr><td>2026-11-02</td><td class=\"num\">2</td>"
	            "<td class=\"num\">5.0</td><td class=\"num\">3</td>"
	            "<td class=\"num\">7</td></tr>");
	/* Names the person typed are escaped wherever they appear. */
	has(d.html, "Slammed &lt;door&gt;");
	lacks(d.html, "<door>");
	doc_release(&d);
}

static void
entries_included(void **state)
{
	struct doc d;
	render(&d, true);
	const char *h = d.html;
	has(h, "<h2>Journal entries</h2>");
	has(h, e1_escaped);
	has(h, "bell esc[31m red");
	has(h, "tags: two words");
	has(h, "no mood here");
	lacks(h, "<script");
	lacks(h, "\x1b");
	lacks(h, "\x07");
	lacks(h, "outside the period");
	/* Oldest first. */
	const char *a = strstr(h, "first &lt;"), *b = strstr(h, "visit "),
	           *c = strstr(h, "no mood here"), *e = strstr(h, "bell ");
	assert_true(a && b && c && e);
	assert_true(a < b && b < c && c < e);
	doc_release(&d);
}

/* Nothing is fetched: no addresses, scripts, fonts or images. The only
 * "http" outside the person's (escaped) words is the policy that
 * forbids loading anything. */
static void
no_network(void **state)
{
	static const char csp[] =
	        "<meta http-equiv=\"Content-Security-Policy\" "
	        "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	        "base-uri 'none'; form-action 'none'\">";
	static const char *const banned[] = {
	        "http",    "://",    "url(",    "src=",        "<script",
	        "<link",   "<img",   "@import", "@font-face",  "<iframe",
	        "<object", "<embed", "xlink:",  "javascript:",
	};
	struct doc d;
	render(&d, true);
	char *h = strdup(d.html);
	assert_non_null(h);
	assert_int_equal(count(h, csp), 1);
	/* Cut the policy and the one entry that holds an address. */
	char *p = strstr(h, csp);
	memset(p, ' ', strlen(csp));
	assert_int_equal(count(h, e2_text), 1);
	p = strstr(h, e2_text);
	memset(p, ' ', strlen(e2_text));
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		lacks(h, banned[i]);
	/* Links only within the page. */
	for (p = strstr(h, "href=\""); p; p = strstr(p + 1, "href=\""))
		assert_int_equal(p[6], '#');
	sodium_memzero(h, strlen(h));
	free(h);
	doc_release(&d);
}

static void
empty_period(void **state)
{
	struct doc d;
	render_period(&d, at(-100, 0, 0), at(-90, 0, 0), true);
	const char *h = d.html;
	assert_int_equal(d.s->nrecords, 0);
	has(h, "Nothing was recorded in this period.");
	has(h, "<h2>Mood over time</h2>");
	has(h, "No mood was noted with a journal entry in this period.");
	has(h, "Nothing was recorded in the trigger log in this period.");
	has(h, "No distress ratings were recorded in this period.");
	has(h, "Nothing was named under &ldquo;helped&rdquo; in this period.");
	has(h, "No journal entries were written in this period.");
	lacks(h, "<svg");
	lacks(h, "class=\"full\""); /* no page of its own for a line */
	lacks(h, "nan");
	lacks(h, "inf<");
	lacks(h, "<table");
	lacks(h, "outside the period");
	doc_release(&d);
}

/* The same input gives the same page; "now" only sets the date made. */
static void
fixed_now(void **state)
{
	struct doc a, b;
	render(&a, true);
	render(&b, true);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.html, b.html, a.len);
	doc_release(&b);
	struct report_input in = {
	        .since = at(0, 0, 0),
	        .until = at(21, 0, 0) - 1,
	        .now = at(40, 10, 0),
	        .stats = a.s,
	};
	size_t len;
	char *html = report_html(&in, &len);
	assert_non_null(html);
	has(html, "made on 2026-12-12");
	lacks(html, "made on 2026-11-23");
	report_free(html, len);
	/* No stats: nothing to build on. */
	in.stats = NULL;
	assert_null(report_html(&in, &len));
	doc_release(&a);
}

static void
group_section(void **state)
{
	struct group_record p, r;
	record_init(&group_kind, &p, GROUP_PREPARE);
	record_init(&group_kind, &r, GROUP_REFLECT);
	snprintf(p.id, sizeof(p.id), "%032d", 1);
	snprintf(r.id, sizeof(r.id), "%032d", 2);
	p.when = at(15, 18, 0);
	r.when = at(15, 20, 30);
	p.before = 6;
	p.state = TRIGGER_TOO_MUCH;
	r.after = 3;
	r.kept = GROUP_KEPT_PARTLY;
	r.closeness = GROUP_ABOUT_RIGHT;
	assert_int_equal(record_set_text(group_text_field(GROUP_BOUNDARY), &p,
	                                 "I may <pass>"),
	                 RECORD_PROBLEM_NONE);
	assert_int_equal(record_set_text(group_text_field(GROUP_MOVED), &r,
	                                 "a \"story\""),
	                 RECORD_PROBLEM_NONE);
	memcpy(p.link, r.id, sizeof(p.link));
	memcpy(r.link, p.id, sizeof(r.link));
	const struct group_record *groups[] = {&r, &p};
	struct stats *s = fixture_stats(at(0, 0, 0), at(21, 0, 0) - 1);
	struct report_input in = {
	        .since = at(0, 0, 0),
	        .until = at(21, 0, 0) - 1,
	        .now = at(21, 10, 0),
	        .stats = s,
	        .groups = groups,
	        .ngroups = 2,
	};
	size_t len;
	char *html = report_html(&in, &len);
	lacks(html, "Group meetings");
	lacks(html, "I may");
	report_free(html, len);
	in.include_group = true;
	html = report_html(&in, &len);
	has(html, "<h2>Group meetings</h2>");
	/* One meeting: the check-in with its reflection. */
	has(html, "<tr><td>2026-11-17</td><td>6, too much</td><td>3</td>"
	          "<td>about right</td><td>partly</td></tr>");
	has(html, "I may &lt;pass&gt;");
	has(html, "a &quot;story&quot;");
	lacks(html, "<pass>");
	report_free(html, len);
	stats_free(s);
	record_release(&group_kind, &p);
	record_release(&group_kind, &r);
}

/* A sink for report_write: the pieces, joined; fails on call `fail_at`. */
struct pieces {
	char *p;
	size_t len, calls, biggest;
	size_t fail_at; /* 0: never */
};

static int
take(void *arg, const char *p, size_t n)
{
	struct pieces *x = arg;
	if (++x->calls == x->fail_at)
		return 7;
	assert_true(x->fail_at == 0 || x->calls < x->fail_at);
	x->p = realloc(x->p, x->len + n + 1);
	assert_non_null(x->p);
	memcpy(x->p + x->len, p, n);
	x->len += n;
	x->p[x->len] = '\0';
	if (n > x->biggest)
		x->biggest = n;
	return 0;
}

/*
 * A long period written in pieces is the same page as made whole, never
 * held much beyond 64 KiB at once; a sink that fails stops it; times and
 * moods alone give the same page as the entries do without their text.
 */
static void
written_in_pieces(void **state)
{
	(void)state;
	enum { N = 4000 };
	struct journal_entry **many = calloc(N, sizeof(*many));
	struct journal_mood *moods = calloc(N, sizeof(*moods));
	assert_non_null(many);
	assert_non_null(moods);
	for (int i = 0; i < N; i++) {
		many[i] = entry(at(0, 0, 0) + i * 450, i % 11,
		                "a line of my own words, <kept> & escaped",
		                i % 3 ? NULL : "tag");
		moods[i] = (struct journal_mood){many[i]->created, i % 11};
	}
	struct stats *s = fixture_stats(at(0, 0, 0), at(21, 0, 0) - 1);
	struct report_input in = {
	        .since = at(0, 0, 0),
	        .until = at(21, 0, 0) - 1,
	        .now = at(21, 10, 0),
	        .entries = (const struct journal_entry *const *)many,
	        .nentries = N,
	        .stats = s,
	        .include_entries = true,
	};
	size_t len;
	char *whole = report_html(&in, &len);
	assert_non_null(whole);
	assert_true(len > 4 * 65536);
	struct pieces x = {0};
	assert_int_equal(report_write(&in, take, &x), 0);
	assert_int_equal(x.len, len);
	assert_memory_equal(x.p, whole, len);
	assert_true(x.calls > 4);
	assert_true(x.biggest < 65536 + 4096);
	free(x.p);
	report_free(whole, len);

	x = (struct pieces){.fail_at = 2};
	assert_int_equal(report_write(&in, take, &x), 7);
	assert_int_equal(x.calls, 2);
	free(x.p);

	/* the charts from times and moods alone */
	in.include_entries = false;
	whole = report_html(&in, &len);
	assert_non_null(whole);
	in.entries = NULL;
	in.nentries = 0;
	in.moods = moods;
	in.nmoods = N;
	size_t len2;
	char *from_moods = report_html(&in, &len2);
	assert_non_null(from_moods);
	assert_int_equal(len2, len);
	assert_memory_equal(from_moods, whole, len);
	report_free(from_moods, len2);
	report_free(whole, len);

	stats_free(s);
	for (int i = 0; i < N; i++)
		journal_entry_free(many[i]);
	free(many);
	free(moods);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(escape_specials),
	        cmocka_unit_test(escape_in_attributes),
	        cmocka_unit_test(escape_controls),
	        cmocka_unit_test(escape_utf8),
	        T(sections_present),
	        T(numbers_match_stats),
	        T(entries_included),
	        T(no_network),
	        T(empty_period),
	        T(fixed_now),
	        T(group_section),
	        T(written_in_pieces),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	return RUN_NAMED(tests, argc, argv);
}
