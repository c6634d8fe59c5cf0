#include "harness.h"

#include "search.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>

static bool
finds(const char *needle, const char *text, size_t *s, size_t *e)
{
	struct search_needle *n = search_needle_new(needle);
	assert_non_null(n);
	bool hit = search_find(n, text, strlen(text), s, e);
	search_needle_free(n);
	return hit;
}

static void
case_insensitive(void **state)
{
	size_t s, e;
	assert_true(finds("hello", "Oh, HELLO there", &s, &e));
	assert_int_equal(s, 4);
	assert_int_equal(e, 9);
	assert_false(finds("help", "Oh, HELLO there", NULL, NULL));
	assert_true(finds("ÄRGER", "so viel ärger heute", &s, &e));
	assert_int_equal(s, 8);
	assert_int_equal(e, 14);
	assert_true(finds("strasse", "An der Straße", &s, &e));
	assert_int_equal(s, 7);
	assert_int_equal(e, 14);
	assert_true(finds("ΣΟΦΙΑ", "σοφία", NULL, NULL) ||
	            finds("σοφια", "ΣΟΦΙΑ", NULL, NULL));
	/* composed and decomposed forms match each other */
	assert_true(finds("cafe\xcc\x81", "Café", NULL, NULL));
	assert_true(finds("café", "CAFE\xcc\x81", NULL, NULL));
	/* invalid bytes are compared as they are, without crashing */
	assert_true(finds("b", "a\xff\xfe b", &s, &e));
	assert_int_equal(s, 4);
	assert_null(search_needle_new(""));
}

static void
snippets(void **state)
{
	const char *t = "line one\nThe quick brown fox jumps over the lazy "
	                "dog and runs far away";
	size_t s, e;
	assert_true(finds("FOX", t, &s, &e));
	char *snip = search_snippet(t, strlen(t), s, e, 10);
	assert_string_equal(snip, "…ick brown fox jumps ove…");
	free(snip);
	snip = search_snippet(t, strlen(t), 0, 4, 5);
	assert_string_equal(snip, "line one …");
	free(snip);
	const char *u = "ääääääää öööö";
	snip = search_snippet(u, strlen(u), strlen("ääääääää "), strlen(u), 3);
	assert_string_equal(snip, "…ää öööö");
	free(snip);
}

static void
utf8_and_width(void **state)
{
	size_t bad;
	assert_true(util_utf8_ok("héllo 日本 🙂",
	                         strlen("héllo 日本 🙂"), NULL));
	assert_false(util_utf8_ok("ab\xc3", 3, &bad));
	assert_int_equal(bad, 2);
	assert_false(util_utf8_ok("ab\0cd", 5, &bad));
	assert_int_equal(bad, 2);
	assert_false(util_utf8_ok("\xed\xa0\x80", 3, &bad)); /* surrogate */
	assert_int_equal(util_display_width("日本", 6), 4);
	assert_int_equal(util_display_width("e\xcc\x81", 3), 1);
	char *t = util_truncate("日本語のテキスト", 7);
	assert_string_equal(t, "日本語…");
	free(t);
	t = util_truncate("short", 10);
	assert_string_equal(t, "short");
	free(t);
	t = util_truncate("a\x1b[31mb", 20);
	assert_string_equal(t, "a [31mb");
	free(t);
}

static void
numbers(void **state)
{
	long v = -7;
	assert_int_equal(util_parse_long("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(util_parse_long("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(util_parse_long("11", 0, 10, &v), -1);
	assert_int_equal(util_parse_long("-1", 0, 10, &v), -1);
	assert_int_equal(util_parse_long("", 0, 10, &v), -1);
	assert_int_equal(util_parse_long("5x", 0, 10, &v), -1);
	assert_int_equal(util_parse_long("99999999999999999999", 0, 10, &v),
	                 -1);
	assert_int_equal(v, 0);
}

static void
suggestions(void **state)
{
	static const char *const names[] = {"grounding", "journal", "topics",
	                                    "trigger-log", "init"};
	assert_string_equal(util_suggest("jurnal", names, 5), "journal");
	assert_string_equal(util_suggest("grounidng", names, 5), "grounding");
	assert_string_equal(util_suggest("topic", names, 5), "topics");
	assert_null(util_suggest("xyzzyplugh", names, 5));
}

/* The ASCII fast path agrees with a plain lower-cased search, first hit
 * included, on many random texts and needles. */
static void
ascii_matches_naive(void **state)
{
	(void)state;
	static const char alphabet[] = "abAB c";
	unsigned seed = 12345;
	for (int round = 0; round < 20000; round++) {
		char text[40], needle[6], lt[40];
		size_t tl = (seed = seed * 1103515245 + 12345) % 39;
		size_t nl = 1 + (seed = seed * 1103515245 + 12345) % 5;
		for (size_t i = 0; i < tl; i++)
			text[i] = alphabet[(seed = seed * 1103515245 + 12345) /
			                   65536 % 6];
		text[tl] = '\0';
		for (size_t i = 0; i < nl; i++)
			needle[i] =
			        alphabet[(seed = seed * 1103515245 + 12345) /
			                 65536 % 5];
		needle[nl] = '\0';
		struct search_needle *n = search_needle_new(needle);
		if (!n)
			continue; /* folds to nothing */
		for (size_t i = 0; i <= tl; i++)
			lt[i] = (char)tolower((unsigned char)text[i]);
		char ln[6];
		for (size_t i = 0; i <= nl; i++)
			ln[i] = (char)tolower((unsigned char)needle[i]);
		const char *want = strstr(lt, ln);
		size_t st = 99, en = 99;
		bool hit = search_find(n, text, tl, &st, &en);
		assert_int_equal(hit, want != NULL);
		if (want) {
			assert_int_equal(st, (size_t)(want - lt));
			assert_int_equal(en, st + nl);
		}
		search_needle_free(n);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(case_insensitive),
	        cmocka_unit_test(snippets),
	        cmocka_unit_test(utf8_and_width),
	        cmocka_unit_test(numbers),
	        cmocka_unit_test(suggestions),
	        cmocka_unit_test(ascii_matches_naive),
	};
	return RUN_NAMED(tests, argc, argv);
}
