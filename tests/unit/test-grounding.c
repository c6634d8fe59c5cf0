#include "harness.h"

#include "content.h"
#include "grounding.h"

#include <stdint.h>
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
	        "5-4-3-2-1",  "orienting",     "facts",
	        "breathing",  "box-breathing", "feet",
	        "cold",       "cold-face",     "container",
	        "calm-place", "butterfly-hug", "self-compassion",
	        "flashback",  "move",
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
		assert_true(ex->nsteps + ex->ncaution + n <= 64);
		for (size_t c = 0; c < ex->ncaution; c++)
			texts[n++] = ex->caution[c];
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
	/* Cautions, patterns and first-for. */
	expect_parse_error(HEAD "for: too-much\nfocus: breath\npattern: box\n"
	                        "---\n- Step.\n",
	                   0, "needs a 'caution'");
	expect_parse_error(HEAD "for: too-much\nfocus: breath\npattern: 1-1\n",
	                   8, "too fast");
	expect_parse_error(HEAD "for: too-much\nfocus: breath\n"
	                        "pattern: 4-8-8\n",
	                   8, "longer than 7");
	expect_parse_error(HEAD "for: too-much\nfirst-for: too-little\n"
	                        "focus: body\n---\n- Step.\n",
	                   0, "'first-for' names a state");
	expect_parse_error(HEAD "for: too-much\nfocus: outward\n"
	                        "default: yes\ncaution: Take care.\n---\n"
	                        "- Step.\n",
	                   0, "explicit choice");
	expect_parse_error(HEAD "for: too-much\nfocus: body\n"
	                        "first-for: too-much\ncaution: Take care.\n"
	                        "---\n- Step.\n",
	                   0, "explicit choice");
	expect_parse_error(HEAD "caution: It is {weekday}.\n", 6,
	                   "placeholders");
	expect_parse_error(HEAD "caution: One.\ncaution: Two.\n", 7, "twice");

	/* A caution is wrapped to 60 columns, words whole. */
	const char *cautioned =
	        HEAD "caution: Skip this with a heart condition, a slow heart "
	             "rate (also one slowed by medicines), Raynaud's, or if "
	             "cold hurts.\n" TAIL;
	assert_int_equal(grounding_exercise_parse(cautioned, strlen(cautioned),
	                                          &ex, NULL),
	                 0);
	assert_int_equal(ex->ncaution, 2);
	assert_string_equal(ex->caution[0], "Skip this with a heart condition, "
	                                    "a slow heart rate (also");
	assert_string_equal(ex->caution[1], "one slowed by medicines), "
	                                    "Raynaud's, or if cold hurts.");
	for (size_t i = 0; i < ex->ncaution; i++)
		assert_true(grounding_text_width(ex->caution[i]) <=
		            GROUNDING_MAX_COLS);
	grounding_exercise_free(ex);
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

	/* One exercise at most starts first for each state. */
	const char *c_first =
	        "---\nname: c\ntitle: C\nsummary: S\nminutes: 1\n"
	        "for: too-little\nfirst-for: too-little\nfocus: body\n---\n"
	        "- Step.\n";
	const char *d_first =
	        "---\nname: d\ntitle: D\nsummary: S\nminutes: 1\n"
	        "for: too-little\nfirst-for: too-little\nfocus: body\n---\n"
	        "- Step.\n";
	const char *p8[] = {"grounding/a.md", "grounding/c.md",
	                    "grounding/d.md"};
	const char *t8[] = {a, c_first, d_first};
	assert_int_equal(grounding_set_load(&set, p8, t8, 3, &err),
	                 GROUNDING_EPARSE);
	assert_non_null(strstr(err.msg, "'first-for' the same state"));

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

	/* The default wins when it suits and no exercise is first for the
	 * state. */
	for (uint32_t r = 0; r < 5; r++) {
		assert_ptr_equal(grounding_set_pick(set, 0, true, r), d);
		assert_ptr_equal(
		        grounding_set_pick(set, GROUNDING_TOO_MUCH, true, r),
		        d);
	}
	/* Random: always a fitting one without a caution, and every such
	 * one can come. */
	const unsigned states[] = {GROUNDING_TOO_MUCH, GROUNDING_TOO_LITTLE};
	for (size_t s = 0; s < 2; s++) {
		size_t fit = 0, seen = 0;
		for (size_t i = 0; i < n; i++) {
			const struct grounding_exercise *ex =
			        grounding_set_at(set, i);
			fit += (ex->suits & states[s]) && !ex->ncaution;
		}
		const struct grounding_exercise *prev = NULL;
		for (uint32_t r = 0; r < fit; r++) {
			const struct grounding_exercise *ex =
			        grounding_set_pick(set, states[s], false, r);
			assert_non_null(ex);
			assert_true(ex->suits & states[s]);
			assert_int_equal(ex->ncaution, 0);
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
	expect_pattern("3-3", 3, 0, 3, 0);   /* 6 s a breath: the fastest */
	expect_pattern("1-4-1", 1, 4, 1, 0); /* 6 s too */
	expect_pattern("20-7-20-7", 20, 7, 20, 7); /* the longest holds */
	expect_pattern("20-20", 20, 0, 20, 0);

	/* Too fast (over-breathing) or holds too long (air hunger, fear):
	 * refused, each with its own status. */
	static const struct {
		const char *s;
		int rc;
	} unsafe[] = {
	        {"1-1", GROUNDING_ETOOFAST},
	        {"2-3", GROUNDING_ETOOFAST},
	        {"1-1-1-1", GROUNDING_ETOOFAST},
	        {"2-1-2", GROUNDING_ETOOFAST},
	        {"20-20-20-20", GROUNDING_ELONGHOLD},
	        {"4-8-8", GROUNDING_ELONGHOLD},
	        {"4-0-6-8", GROUNDING_ELONGHOLD},
	        {"4-20-8", GROUNDING_ELONGHOLD},
	};
	for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
		struct grounding_pattern p = {1, 2, 3, 4};
		int rc = grounding_pattern_parse(unsafe[i].s, &p);
		if (rc != unsafe[i].rc)
			fail_msg("'%s': %d, not %d", unsafe[i].s, rc,
			         unsafe[i].rc);
		assert_int_equal(p.in, 1); /* untouched */
	}
	struct grounding_pattern hp;
	assert_int_equal(grounding_pattern_parse("4-7-8", &hp), 0);
	assert_true(grounding_pattern_has_holds(&hp));
	assert_int_equal(grounding_pattern_parse("4-0-6-0", &hp), 0);
	assert_false(grounding_pattern_has_holds(&hp));

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

/* Does any step of ex hold one of the NULL-ended needles (any case)? */
static const char *
step_with(const struct grounding_exercise *ex, const char *const *needles)
{
	for (size_t s = 0; s < ex->nsteps; s++)
		for (size_t k = 0; needles[k]; k++)
			if (strcasestr(ex->steps[s], needles[k]))
				return ex->steps[s];
	return NULL;
}

/* The caution of `name`, its lines joined by spaces, into buf. */
static const char *
caution_text(const struct grounding_exercise *ex, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ex->ncaution && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
		                      ex->caution[i]);
	return buf;
}

/*
 * Every caution comes before step 1: the exercises that need one have
 * one (shown before the steps), and no step hides a caution (a reason to
 * stop, skip or switch) among the steps, where it comes too late.
 */
static void
lint_cautions_first(void **state)
{
	static const char *const need[] = {"box-breathing", "calm-place",
	                                   "container",     "butterfly-hug",
	                                   "cold",          "cold-face"};
	static const char *const caution_words[] = {
	        "instead",    "try '", "skip",    "feels bad", "feels worse",
	        "feel worse", "heart", "pregnan", "doctor",    NULL};
	struct grounding_set *set = load();
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const struct grounding_exercise *ex;
		assert_int_equal(grounding_set_find(set, need[i], &ex, NULL),
		                 0);
		if (!ex->ncaution)
			fail_msg("%s has no caution", need[i]);
	}
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		const char *step = step_with(ex, caution_words);
		if (step)
			fail_msg("%s: a caution among the steps, after "
			         "step 1: %s",
			         ex->name, step);
		/* a pattern with holds always comes with its caution */
		if (ex->has_pattern &&
		    grounding_pattern_has_holds(&ex->pattern))
			assert_true(ex->ncaution > 0);
	}
	/* Butterfly hug: short sets, then look around. */
	const struct grounding_exercise *bh;
	assert_int_equal(grounding_set_find(set, "butterfly-hug", &bh, NULL),
	                 0);
	static const char *const open_ended[] = {"as long as",
	                                         "notice what you feel", NULL};
	assert_null(step_with(bh, open_ended));
	static const char *const short_sets[] = {"taps on each side", NULL};
	assert_non_null(step_with(bh, short_sets));
	static const char *const look[] = {"look around", NULL};
	assert_non_null(step_with(bh, look));
	char buf[1024];
	assert_non_null(strstr(caution_text(bh, buf, sizeof(buf)),
	                       "look around the room"));
	/* Box breathing's caution is about the holds. */
	const struct grounding_exercise *box;
	assert_int_equal(grounding_set_find(set, "box-breathing", &box, NULL),
	                 0);
	assert_non_null(strstr(caution_text(box, buf, sizeof(buf)),
	                       "Holding your breath"));
	grounding_set_free(set);
}

/*
 * Cold: no step holds the breath (cold on the face with a held breath is
 * the dive reflex, which slows the heart fast); cooling the face only for
 * too much, never too little; the caution names heart conditions, a slow
 * heart rate, medicines and Raynaud's. No exercise without holds in its
 * pattern asks to hold the breath.
 */
static void
lint_cold_no_breath_hold(void **state)
{
	static const char *const hold[] = {"hold your breath",
	                                   "holding your breath", "breath-hold",
	                                   "breath hold", NULL};
	static const char *const face[] = {"face", "cheek", NULL};
	static const char *const cold_words[] = {"cold", "cool", "ice", NULL};
	static const char *const medical[] = {
	        "heart condition", "slow heart rate", "medicines", "Raynaud"};
	struct grounding_set *set = load();
	char buf[1024];
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		bool holds = ex->has_pattern &&
		             grounding_pattern_has_holds(&ex->pattern);
		const char *step = step_with(ex, hold);
		if (step && !holds)
			fail_msg("%s asks to hold the breath: %s", ex->name,
			         step);
		if (step_with(ex, face) && step_with(ex, cold_words) &&
		    (ex->suits & GROUNDING_TOO_LITTLE))
			fail_msg("%s cools the face, and is for too little",
			         ex->name);
		if (!step_with(ex, cold_words) || strncmp(ex->name, "cold", 4))
			continue;
		caution_text(ex, buf, sizeof(buf));
		for (size_t k = 0; k < sizeof(medical) / sizeof(medical[0]);
		     k++)
			if (!strstr(buf, medical[k]))
				fail_msg("%s: the caution does not name '%s'",
				         ex->name, medical[k]);
	}
	const struct grounding_exercise *cold, *face_ex;
	assert_int_equal(grounding_set_find(set, "cold", &cold, NULL), 0);
	assert_int_equal(grounding_set_find(set, "cold-face", &face_ex, NULL),
	                 0);
	assert_null(step_with(cold, face));
	assert_int_equal(face_ex->suits, GROUNDING_TOO_MUCH);
	grounding_set_free(set);
}

/* Every bundled exercise names where it comes from. */
static void
lint_sources(void **state)
{
	struct grounding_set *set = load();
	for (size_t i = 0; i < grounding_set_count(set); i++) {
		const struct grounding_exercise *ex = grounding_set_at(set, i);
		if (!ex->source || !*ex->source)
			fail_msg("%s names no source", ex->name);
	}
	const struct grounding_exercise *fb;
	assert_int_equal(grounding_set_find(set, "flashback", &fb, NULL), 0);
	assert_non_null(strstr(fb->source, "Pete Walker"));
	assert_non_null(strstr(fb->source, "From Surviving to Thriving"));
	assert_non_null(strstr(fb->source, "13 steps"));
	grounding_set_free(set);
}

/* Random never starts an exercise with a caution, whatever it draws. */
static void
random_skips_cautions(void **state)
{
	struct grounding_set *set = load();
	const unsigned states[] = {0, GROUNDING_TOO_MUCH, GROUNDING_TOO_LITTLE};
	size_t cautioned = 0;
	for (size_t i = 0; i < grounding_set_count(set); i++)
		cautioned += grounding_set_at(set, i)->ncaution > 0;
	assert_true(cautioned >= 6);
	for (size_t s = 0; s < 3; s++)
		for (uint32_t r = 0; r < 4096; r++) {
			const struct grounding_exercise *ex =
			        grounding_set_pick(set, states[s], false, r);
			assert_non_null(ex);
			if (ex->ncaution)
				fail_msg("random (state %u, %u) picked %s",
				         states[s], (unsigned)r, ex->name);
		}
	/* Also the largest draws. */
	assert_int_equal(
	        grounding_set_pick(set, 0, false, UINT32_MAX)->ncaution, 0);
	grounding_set_free(set);
}

/*
 * --for too-little starts an exercise for too little (numb, far away),
 * not the one --for too-much starts; each with no caution.
 */
static void
for_too_little(void **state)
{
	struct grounding_set *set = load();
	for (uint32_t r = 0; r < 64; r++) {
		const struct grounding_exercise *little =
		        grounding_set_pick(set, GROUNDING_TOO_LITTLE, true, r);
		const struct grounding_exercise *much =
		        grounding_set_pick(set, GROUNDING_TOO_MUCH, true, r);
		assert_non_null(little);
		assert_non_null(much);
		assert_true(little->suits & GROUNDING_TOO_LITTLE);
		assert_true(little->first_for & GROUNDING_TOO_LITTLE);
		assert_false(little->suits & GROUNDING_TOO_MUCH);
		assert_ptr_not_equal(little, much);
		assert_int_equal(little->ncaution, 0);
		assert_true(much->suits & GROUNDING_TOO_MUCH);
	}
	grounding_set_free(set);
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
	        cmocka_unit_test(lint_cautions_first),
	        cmocka_unit_test(lint_cold_no_breath_hold),
	        cmocka_unit_test(lint_sources),
	        cmocka_unit_test(random_skips_cautions),
	        cmocka_unit_test(for_too_little),
	};
	return RUN_NAMED(tests, argc, argv);
}
