#include "harness.h"

#include "content.h"
#include "grounding.h"

#include <stdlib.h>

static struct grounding_set *
load(void)
{
	struct grounding_set *set = NULL;
	struct grounding_error err = {0};
	int rc = grounding_set_load_bundled(&set, &err);
	if (rc)
		fail_msg("%s line %u: %s", err.file, err.line, err.msg);
	return set;
}

/* Every bundled file parses on its own, and the set loads. */
static void
bundled_parse(void **state)
{
	size_t nfiles = 0;
	for (size_t i = 0; i < content_nfiles; i++) {
		const struct content_file *f = &content_files[i];
		struct grounding_exercise *ex = NULL;
		struct grounding_error err = {0};
		if (strncmp(f->path, "grounding/", 10) != 0)
			continue;
		nfiles++;
		if (grounding_exercise_parse(f->data, f->len, &ex, &err) != 0)
			fail_msg("%s line %u: %s", f->path, err.line, err.msg);
		assert_true(ex->nsteps >= 3);
		assert_true(ex->minutes >= 1 && ex->minutes <= 60);
		assert_true(ex->suits != 0);
		grounding_exercise_free(ex);
	}
	struct grounding_set *set = load();
	assert_true(grounding_set_count(set) >= 12);
	assert_int_equal(grounding_set_count(set), nfiles);
	grounding_set_free(set);
}

static void
names_unique_and_catalogue_complete(void **state)
{
	static const char *const wanted[] = {
	        "5-4-3-2-1",     "orienting",       "facts",
	        "breathing",     "box-breathing",   "feet",
	        "cold",          "container",       "calm-place",
	        "butterfly-hug", "self-compassion", "flashback",
	};
	struct grounding_set *set = load();
	size_t n = grounding_set_count(set);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(grounding_set_at(set, i)->name,
			                        grounding_set_at(set, j)->name);
	for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++) {
		const struct grounding_exercise *ex = NULL;
		if (grounding_set_find(set, wanted[w], &ex, NULL) != 0 ||
		    strcmp(ex->name, wanted[w]) != 0)
			fail_msg("no exercise '%s'", wanted[w]);
	}
	/* The two cautions the catalogue asks for are shown up front. */
	const struct grounding_exercise *ex;
	assert_int_equal(grounding_set_find(set, "box-breathing", &ex, NULL),
	                 0);
	assert_non_null(ex->note);
	assert_non_null(strstr(ex->note, "less researched"));
	assert_int_equal(grounding_set_find(set, "cold", &ex, NULL), 0);
	assert_non_null(ex->note);
	assert_non_null(strstr(ex->note, "heart"));
	assert_non_null(strstr(ex->note, "pregnancy"));
	grounding_set_free(set);
}

static void
one_default_not_breath(void **state)
{
	struct grounding_set *set = load();
	size_t ndefault = 0;
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		if (!ex->is_default)
			continue;
		ndefault++;
		assert_ptr_equal(ex, grounding_set_default(set));
		assert_int_equal(ex->focus, GROUNDING_FOCUS_OUTWARD);
		assert_false(ex->has_pattern);
		for (size_t s = 0; s < ex->nsteps; s++)
			if (strstr(ex->steps[s], "breath"))
				fail_msg("default step about the breath: %s",
				         ex->steps[s]);
	}
	assert_int_equal(ndefault, 1);
	grounding_set_free(set);
}

/* Each step at most 60 columns, with the widest date filled in. */
static void
step_widths(void **state)
{
	struct tm wide = {.tm_year = 2025 - 1900,
	                  .tm_mon = 8, /* September */
	                  .tm_mday = 30,
	                  .tm_wday = 3, /* Wednesday */
	                  .tm_hour = 23,
	                  .tm_min = 59};
	struct grounding_set *set = load();
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		const char *texts[64];
		size_t n = 0;
		texts[n++] = ex->title;
		texts[n++] = ex->summary;
		if (ex->note)
			texts[n++] = ex->note;
		assert_true(ex->nsteps + n <= 64);
		for (size_t s = 0; s < ex->nsteps; s++)
			texts[n++] = ex->steps[s];
		for (size_t t = 0; t < n; t++) {
			char *e = grounding_expand(texts[t], &wide);
			assert_non_null(e);
			int w = grounding_text_width(e);
			if (w < 1 || w > GROUNDING_MAX_COLS)
				fail_msg("%s: %d columns: %s", ex->name, w, e);
			assert_null(strchr(e, '{'));
			free(e);
		}
	}
	grounding_set_free(set);
}

static void
both_states_and_breathing(void **state)
{
	struct grounding_set *set = load();
	size_t much = 0, little = 0;
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		much += !!(ex->suits & GROUNDING_TOO_MUCH);
		little += !!(ex->suits & GROUNDING_TOO_LITTLE);
		assert_int_equal(ex->has_pattern,
		                 ex->focus == GROUNDING_FOCUS_BREATH);
	}
	assert_true(much >= 3);
	assert_true(little >= 3);
	const struct grounding_exercise *ex;
	assert_int_equal(grounding_set_find(set, "breathing", &ex, NULL), 0);
	assert_true(ex->has_pattern);
	/* The default pattern: no holds, a longer breath out. */
	assert_int_equal(ex->pattern.hold_in, 0);
	assert_int_equal(ex->pattern.hold_out, 0);
	assert_true(ex->pattern.out > ex->pattern.in);
	grounding_set_free(set);
}

static void
placeholders(void **state)
{
	/* Tuesday, 4 March 2025, 09:05 */
	struct tm tm = {.tm_year = 125,
	                .tm_mon = 2,
	                .tm_mday = 4,
	                .tm_wday = 2,
	                .tm_hour = 9,
	                .tm_min = 5};
	static const char *const cases[][2] = {
	        {"Today is {weekday}, {date}.",
	         "Today is Tuesday, 4 March 2025."},
	        {"The year is {year}.", "The year is 2025."},
	        {"It is about {time}.", "It is about 09:05."},
	        {"{day} {month}", "4 March"},
	        {"no placeholders", "no placeholders"},
	        {"{unknown} and { and }", "{unknown} and { and }"},
	        {"{year}{year}", "20252025"},
	        {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *e = grounding_expand(cases[i][0], &tm);
		assert_non_null(e);
		assert_string_equal(e, cases[i][1]);
		free(e);
	}
	/* A bundled step that uses them comes out filled in. */
	struct grounding_set *set = load();
	const struct grounding_exercise *facts;
	assert_int_equal(grounding_set_find(set, "facts", &facts, NULL), 0);
	bool seen_weekday = false;
	for (size_t s = 0; s < facts->nsteps; s++) {
		char *e = grounding_expand(facts->steps[s], &tm);
		if (strstr(facts->steps[s], "{weekday}"))
			seen_weekday = strstr(e, "Tuesday") != NULL;
		free(e);
	}
	assert_true(seen_weekday);
	grounding_set_free(set);
}

#define HEAD "---\nname: x\ntitle: T\nsummary: S\nminutes: 2\n"
#define TAIL "for: too-much\nfocus: body\n---\n- One step.\n"

static void
expect_parse_error(const char *text, unsigned line, const char *needle)
{
	struct grounding_exercise *ex = NULL;
	struct grounding_error err = {0};
	int rc = grounding_exercise_parse(text, strlen(text), &ex, &err);
	if (rc != GROUNDING_EPARSE)
		fail_msg("accepted: %s", text);
	assert_null(ex);
	if (err.line != line)
		fail_msg("line %u, not %u: %s", err.line, line, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' not in '%s'", needle, err.msg);
}

static void
parse_errors(void **state)
{
	struct grounding_exercise *ex = NULL;
	const char *good = HEAD TAIL;
	assert_int_equal(
	        grounding_exercise_parse(good, strlen(good), &ex, NULL), 0);
	assert_string_equal(ex->name, "x");
	assert_int_equal(ex->nsteps, 1);
	assert_string_equal(ex->steps[0], "One step.");
	grounding_exercise_free(ex);

	expect_parse_error("name: x\n", 1, "starts with a '---'");
	expect_parse_error("---\nname: x\ncolour: red\n---\n", 3,
	                   "'colour' is not a field");
	expect_parse_error(HEAD "minutes: 3\n" TAIL, 6, "appears twice");
	expect_parse_error("---\nname: x\ntitle: T\nsummary: S\nminutes: 0\n",
	                   5, "'minutes'");
	expect_parse_error("---\nname: List Me\n", 2, "a-z");
	expect_parse_error("---\nname: random\n", 2, "sub-command");
	expect_parse_error(HEAD TAIL "just text\n", 10, "starts with '- '");
	expect_parse_error(HEAD TAIL
	                   "\n- " /* 61 columns: */
	                   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                   "aaaaaaaaaaaaaaaa\n",
	                   11, "61 columns");
	expect_parse_error(HEAD TAIL "- It is {weekdy}.\n", 10, "placeholder");
	/* Two 17-column dates: 56 bytes of text but 64 columns. */
	expect_parse_error(HEAD TAIL "- From {date} until {date}, then rest a "
	                             "while.\n",
	                   10, "columns");
	expect_parse_error(HEAD "for: sometimes\n", 6, "'for' takes");
	expect_parse_error(HEAD "for: too-much\nfocus: body\npattern: 4-6\n"
	                        "---\n- Step.\n",
	                   0, "pattern");
	expect_parse_error(HEAD "for: too-much\nfocus: breath\n---\n- Step.\n",
	                   0, "pattern");
	expect_parse_error(HEAD "for: too-much\nfocus: breath\npattern: 0-6\n",
	                   8, "breathing pattern");
	expect_parse_error(HEAD "for: too-much\nfocus: body\n---\n", 0,
	                   "no steps");
	expect_parse_error(HEAD "for: too-much\n---\n- Step.\n", 0, "'focus'");
	expect_parse_error(HEAD TAIL "- Bad \x1b[31m escape.\n", 10,
	                   "plain UTF-8");
	expect_parse_error(HEAD TAIL "- Bad \xff byte.\n", 10, "plain UTF-8");
	expect_parse_error(HEAD "for: too-much\nfocus: body\n", 0,
	                   "no closing");
	expect_parse_error("", 0, "empty");
}

static void
set_checks(void **state)
{
	struct grounding_set *set = NULL;
	struct grounding_error err;
	const char *a = "---\nname: a\ntitle: A\nsummary: S\nminutes: 1\n"
	                "for: too-much\nfocus: outward\ndefault: yes\n---\n"
	                "- Step.\n";
	const char *b = "---\nname: b\ntitle: B\nsummary: S\nminutes: 1\n"
	                "for: too-little\nfocus: body\n---\n- Step.\n";
	const char *b_default =
	        "---\nname: b\ntitle: B\nsummary: S\nminutes: 1\n"
	        "for: too-little\nfocus: outward\ndefault: yes\n---\n- Step.\n";
	const char *breath_default =
	        "---\nname: b\ntitle: B\nsummary: S\nminutes: 1\n"
	        "for: too-little\nfocus: breath\npattern: 4-6\ndefault: yes\n"
	        "---\n- Step.\n";

	const char *p1[] = {"grounding/a.md", "grounding/b.md"};
	const char *t1[] = {a, b};
	assert_int_equal(grounding_set_load(&set, p1, t1, 2, &err), 0);
	assert_string_equal(grounding_set_default(set)->name, "a");
	grounding_set_free(set);

	const char *t2[] = {a, b_default};
	assert_int_equal(grounding_set_load(&set, p1, t2, 2, &err),
	                 GROUNDING_EPARSE);
	assert_non_null(strstr(err.msg, "exactly one"));

	const char *t3[] = {b};
	assert_int_equal(grounding_set_load(&set, p1 + 1, t3, 1, &err),
	                 GROUNDING_EPARSE);
	assert_non_null(strstr(err.msg, "exactly one"));

	const char *p4[] = {"grounding/a.md", "grounding/a.md"};
	const char *t4[] = {a, a};
	assert_int_equal(grounding_set_load(&set, p4, t4, 2, &err),
	                 GROUNDING_EPARSE);
	assert_non_null(strstr(err.msg, "two exercises"));

	const char *p5[] = {"grounding/a.md", "grounding/c.md"};
	assert_int_equal(grounding_set_load(&set, p5, t1, 2, &err),
	                 GROUNDING_EPARSE);
	assert_string_equal(err.file, "grounding/c.md");
	assert_non_null(strstr(err.msg, "file name"));

	const char *t6[] = {breath_default};
	assert_int_equal(grounding_set_load(&set, p1 + 1, t6, 1, &err),
	                 GROUNDING_EPARSE);
	assert_non_null(strstr(err.msg, "outward"));

	/* A parse error names the file and the line. */
	const char *t7[] = {a, "---\nname: b\nnope\n"};
	assert_int_equal(grounding_set_load(&set, p1, t7, 2, &err),
	                 GROUNDING_EPARSE);
	assert_string_equal(err.file, "grounding/b.md");
	assert_int_equal(err.line, 3);
}

static void
find_and_suggest(void **state)
{
	struct grounding_set *set = load();
	const struct grounding_exercise *ex = NULL;
	const char *sug = NULL;

	assert_int_equal(grounding_set_find(set, "feet", &ex, &sug), 0);
	assert_string_equal(ex->name, "feet");
	assert_int_equal(grounding_set_find(set, "butt", &ex, &sug), 0);
	assert_string_equal(ex->name, "butterfly-hug");
	assert_int_equal(grounding_set_find(set, "5", &ex, &sug), 0);
	assert_string_equal(ex->name, "5-4-3-2-1");
	/* "breathing" is a whole name and also ... nothing else's prefix */
	assert_int_equal(grounding_set_find(set, "breathing", &ex, &sug), 0);
	assert_string_equal(ex->name, "breathing");

	assert_int_equal(grounding_set_find(set, "b", &ex, &sug),
	                 GROUNDING_EAMBIGUOUS);
	assert_non_null(sug);
	assert_int_equal(sug[0], 'b');
	assert_int_equal(grounding_set_find(set, "c", &ex, &sug),
	                 GROUNDING_EAMBIGUOUS);

	assert_int_equal(grounding_set_find(set, "breathng", &ex, &sug),
	                 GROUNDING_ENOTFOUND);
	assert_non_null(sug);
	assert_string_equal(sug, "breathing");
	assert_int_equal(grounding_set_find(set, "fet", &ex, &sug),
	                 GROUNDING_ENOTFOUND);
	assert_string_equal(sug, "feet");
	assert_int_equal(grounding_set_find(set, "xqzxqzxqzxqz", &ex, &sug),
	                 GROUNDING_ENOTFOUND);
	assert_null(sug);
	assert_int_equal(grounding_set_find(set, "", &ex, &sug),
	                 GROUNDING_ENOTFOUND);
	grounding_set_free(set);
}

static void
pick(void **state)
{
	struct grounding_set *set = load();
	const struct grounding_exercise *d = grounding_set_default(set);
	size_t n = grounding_set_count(set);

	assert_int_equal(grounding_state_parse("too-much"), GROUNDING_TOO_MUCH);
	assert_int_equal(grounding_state_parse("little"), GROUNDING_TOO_LITTLE);
	assert_int_equal(grounding_state_parse("sometimes"), 0);

	/* The default wins when it suits. */
	for (uint32_t r = 0; r < 5; r++) {
		if (d->suits & GROUNDING_TOO_LITTLE)
			assert_ptr_equal(
			        grounding_set_pick(set, GROUNDING_TOO_LITTLE,
			                           true, r),
			        d);
		assert_ptr_equal(grounding_set_pick(set, 0, true, r), d);
	}
	/* Random: always a fitting one, and every fitting one can come. */
	const unsigned states[] = {GROUNDING_TOO_MUCH, GROUNDING_TOO_LITTLE};
	for (size_t s = 0; s < 2; s++) {
		size_t fit = 0, seen = 0;
		for (size_t i = 0; i < n; i++)
			fit += !!(grounding_set_at(set, i)->suits & states[s]);
		const struct grounding_exercise *prev = NULL;
		for (uint32_t r = 0; r < fit; r++) {
			const struct grounding_exercise *ex =
			        grounding_set_pick(set, states[s], false, r);
			assert_non_null(ex);
			assert_true(ex->suits & states[s]);
			seen += ex != prev;
			prev = ex;
		}
		assert_int_equal(seen, fit);
	}

	/* A set whose default does not suit: a random fitting one. */
	const char *a = "---\nname: a\ntitle: A\nsummary: S\nminutes: 1\n"
	                "for: too-much\nfocus: outward\ndefault: yes\n---\n"
	                "- Step.\n";
	const char *b = "---\nname: b\ntitle: B\nsummary: S\nminutes: 1\n"
	                "for: too-little\nfocus: body\n---\n- Step.\n";
	const char *paths[] = {"a.md", "b.md"}, *texts[] = {a, b};
	struct grounding_set *small;
	assert_int_equal(grounding_set_load(&small, paths, texts, 2, NULL), 0);
	assert_string_equal(
	        grounding_set_pick(small, GROUNDING_TOO_LITTLE, true, 7)->name,
	        "b");
	assert_string_equal(
	        grounding_set_pick(small, GROUNDING_TOO_MUCH, true, 7)->name,
	        "a");
	grounding_set_free(small);
	grounding_set_free(set);
}

static void
expect_pattern(const char *s, unsigned in, unsigned hi, unsigned out,
               unsigned ho)
{
	struct grounding_pattern p = {99, 99, 99, 99};
	if (grounding_pattern_parse(s, &p) != 0)
		fail_msg("'%s' refused", s);
	assert_int_equal(p.in, in);
	assert_int_equal(p.hold_in, hi);
	assert_int_equal(p.out, out);
	assert_int_equal(p.hold_out, ho);
}

static void
patterns(void **state)
{
	expect_pattern("4-6", 4, 0, 6, 0);
	expect_pattern("box", 4, 4, 4, 4);
	expect_pattern("BOX", 4, 4, 4, 4);
	expect_pattern("4-7-8", 4, 7, 8, 0);
	expect_pattern("4-4-4-4", 4, 4, 4, 4);
	expect_pattern("4-0-6-0", 4, 0, 6, 0);
	expect_pattern("5-2-7-1", 5, 2, 7, 1);
	expect_pattern("1-1", 1, 0, 1, 0);
	expect_pattern("20-20-20-20", 20, 20, 20, 20);

	static const char *const bad[] = {
	        "",     "4",     "0-6",  "4-0",      "21-6",      "4-21",
	        "4-6-", "-4-6",  "4--6", "a-b",      "4-6-8-2-1", "4.5-6",
	        " 4-6", "4-6 ",  "+4-6", "1000-6",   "4-6x",      "4-21-6",
	        "boxy", "4-6-0", "0-0",  "4-6-8-21",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct grounding_pattern p = {1, 2, 3, 4};
		if (grounding_pattern_parse(bad[i], &p) != GROUNDING_EPATTERN)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(p.in, 1); /* untouched */
		assert_int_equal(p.hold_out, 4);
	}

	char buf[32];
	struct grounding_pattern p;
	const char *round[] = {"4-6", "4-7-8", "4-4-4-4", "4-0-6-2"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(grounding_pattern_parse(round[i], &p), 0);
		assert_string_equal(
		        grounding_pattern_format(&p, buf, sizeof(buf)),
		        round[i]);
	}
	assert_int_equal(grounding_pattern_cycle_ms(&p), 12000);
}

static void
expect_at(const struct grounding_pattern *p, unsigned cycles, uint64_t t,
          enum grounding_phase phase, unsigned cycle, unsigned secs,
          double frac)
{
	struct grounding_pacer_state st = grounding_pacer_at(p, cycles, t);
	if (st.phase != phase || st.cycle != cycle || st.secs_left != secs)
		fail_msg("at %llu ms: phase %d cycle %u secs %u, wanted "
		         "%d %u %u",
		         (unsigned long long)t, st.phase, st.cycle,
		         st.secs_left, phase, cycle, secs);
	if (st.fraction < frac - 1e-9 || st.fraction > frac + 1e-9)
		fail_msg("at %llu ms: fraction %f, wanted %f",
		         (unsigned long long)t, st.fraction, frac);
}

static void
pacer_timing(void **state)
{
	struct grounding_pattern p;
	assert_int_equal(grounding_pattern_parse("4-6", &p), 0);
	assert_int_equal(grounding_pacer_cycles(&p, 2), 12);
	assert_int_equal(grounding_pacer_cycles(&p, 1), 6);

	const enum grounding_phase IN = GROUNDING_PHASE_IN,
	                           OUT = GROUNDING_PHASE_OUT,
	                           HIN = GROUNDING_PHASE_HOLD_IN,
	                           HOUT = GROUNDING_PHASE_HOLD_OUT,
	                           DONE = GROUNDING_PHASE_DONE;
	expect_at(&p, 2, 0, IN, 0, 4, 0.0);
	expect_at(&p, 2, 1, IN, 0, 4, 1.0 / 4000);
	expect_at(&p, 2, 1000, IN, 0, 3, 0.25);
	expect_at(&p, 2, 2000, IN, 0, 2, 0.5);
	expect_at(&p, 2, 3999, IN, 0, 1, 3999.0 / 4000);
	expect_at(&p, 2, 4000, OUT, 0, 6, 1.0);
	expect_at(&p, 2, 7000, OUT, 0, 3, 0.5);
	expect_at(&p, 2, 9999, OUT, 0, 1, 1.0 / 6000);
	expect_at(&p, 2, 10000, IN, 1, 4, 0.0);
	expect_at(&p, 2, 14500, OUT, 1, 6, 1.0 - 500.0 / 6000);
	expect_at(&p, 2, 19999, OUT, 1, 1, 1.0 / 6000);
	expect_at(&p, 2, 20000, DONE, 2, 0, 0.0);
	expect_at(&p, 2, 999999, DONE, 2, 0, 0.0);

	struct grounding_pacer_state st = grounding_pacer_at(&p, 2, 14500);
	assert_int_equal(st.phase_start, 14000);
	assert_int_equal(st.ms_left, 5500);

	/* The bar grows all through the in-breath, shrinks on the out. */
	double last = -1;
	for (uint64_t t = 0; t < 4000; t += 7) {
		st = grounding_pacer_at(&p, 1, t);
		assert_int_equal(st.phase, IN);
		assert_true(st.fraction > last);
		assert_true(st.fraction >= 0 && st.fraction <= 1);
		last = st.fraction;
	}
	last = 2;
	for (uint64_t t = 4000; t < 10000; t += 7) {
		st = grounding_pacer_at(&p, 1, t);
		assert_int_equal(st.phase, OUT);
		assert_true(st.fraction < last);
		assert_true(st.fraction >= 0 && st.fraction <= 1);
		last = st.fraction;
	}

	/* Box: holds keep the bar full, then empty. */
	assert_int_equal(grounding_pattern_parse("box", &p), 0);
	assert_int_equal(grounding_pacer_cycles(&p, 1), 4);
	expect_at(&p, 1, 3999, IN, 0, 1, 3999.0 / 4000);
	expect_at(&p, 1, 4000, HIN, 0, 4, 1.0);
	expect_at(&p, 1, 6000, HIN, 0, 2, 1.0);
	expect_at(&p, 1, 8000, OUT, 0, 4, 1.0);
	expect_at(&p, 1, 12000, HOUT, 0, 4, 0.0);
	expect_at(&p, 1, 15999, HOUT, 0, 1, 0.0);
	expect_at(&p, 1, 16000, DONE, 1, 0, 0.0);
	expect_at(&p, 2, 16000, IN, 1, 4, 0.0);

	/* 4-7-8: the missing second hold is skipped. */
	assert_int_equal(grounding_pattern_parse("4-7-8", &p), 0);
	assert_int_equal(grounding_pacer_cycles(&p, 1), 4); /* 60/19 up */
	expect_at(&p, 3, 4000, HIN, 0, 7, 1.0);
	expect_at(&p, 3, 11000, OUT, 0, 8, 1.0);
	expect_at(&p, 3, 18999, OUT, 0, 1, 1.0 / 8000);
	expect_at(&p, 3, 19000, IN, 1, 4, 0.0);
	expect_at(&p, 3, 57000, DONE, 3, 0, 0.0);
}

static void
text_width(void **state)
{
	assert_int_equal(grounding_text_width("abc"), 3);
	assert_int_equal(grounding_text_width(""), 0);
	assert_int_equal(grounding_text_width("caf\xc3\xa9"), 4);
	assert_int_equal(grounding_text_width("\xe6\x97\xa5\xe6\x9c\xac"),
	                 4); /* two wide characters */
	assert_int_equal(grounding_text_width("a\tb"), -1);
	assert_int_equal(grounding_text_width("\xc3"), -1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(bundled_parse),
	        cmocka_unit_test(names_unique_and_catalogue_complete),
	        cmocka_unit_test(one_default_not_breath),
	        cmocka_unit_test(step_widths),
	        cmocka_unit_test(both_states_and_breathing),
	        cmocka_unit_test(placeholders),
	        cmocka_unit_test(parse_errors),
	        cmocka_unit_test(set_checks),
	        cmocka_unit_test(find_and_suggest),
	        cmocka_unit_test(pick),
	        cmocka_unit_test(patterns),
	        cmocka_unit_test(pacer_timing),
	        cmocka_unit_test(text_width),
	};
	return RUN_NAMED(tests, argc, argv);
}
