#include "harness.h"

#include "search.h"
#include "util.h"
#include "wipe.h"

#include <ctype.h>
#include <stdint.h>
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

/* The snippet of `text` around `needle` in `cols` columns, with the match
 * in [brackets]. */
static char *
fit(const char *needle, const char *text, size_t cols)
{
	size_t s = 0, e = 0;
	struct search_snip sn;
	static char buf[512];
	if (needle)
		assert_true(finds(needle, text, &s, &e));
	assert_int_equal(
	        search_snippet_fit(text, strlen(text), s, e, cols, 0, &sn), 0);
	assert_true(sn.hl_start <= sn.hl_end);
	assert_true(sn.hl_end <= strlen(sn.text));
	assert_int_equal(sn.width,
	                 util_display_width(sn.text, strlen(sn.text)));
	assert_true(sn.width <= cols);
	assert_true(util_utf8_ok(sn.text, strlen(sn.text), NULL));
	snprintf(buf, sizeof(buf), "%.*s[%.*s]%s", (int)sn.hl_start, sn.text,
	         (int)(sn.hl_end - sn.hl_start), sn.text + sn.hl_start,
	         sn.text + sn.hl_end);
	wipe_free_str(sn.text);
	return buf;
}

static void
snippet_fit(void **state)
{
	const char *walk = "A hard morning, better after a walk";
	/* the whole text fits: no "…", nothing dropped at the start */
	assert_string_equal(fit("walk", walk, 60),
	                    "A hard morning, better after a [walk]");
	assert_string_equal(fit("WALK", walk, 35),
	                    "A hard morning, better after a [walk]");
	/* cut: the match stays in sight, "…" where text is left out */
	assert_string_equal(fit("walk", walk, 20), "…better after a [walk]");
	const char *critic = "Today I listened to my inner critic for far too "
	                     "long, and then I stopped and breathed slowly.";
	assert_string_equal(fit("critic", critic, 30),
	                    "… inner [critic] for far too lo…");
	assert_string_equal(fit("critic", critic, 12), "… [critic] fo…");
	assert_string_equal(fit("critic", critic, 8), "…[critic]…");
	/* a match wider than the room is cut at its end */
	assert_string_equal(fit("critic", critic, 5), "…[cri]…");
	/* the start of the text: no leading "…" */
	assert_string_equal(fit("today", critic, 20), "[Today] I listened to…");
	/* wide characters count two columns and are never split */
	const char *cjk = "今日はとても疲れた。でも夕方に散歩をして、少し楽に"
	                  "なった。";
	assert_string_equal(fit("散歩", cjk, 20), "…方に[散歩]をして、少…");
	for (size_t cols = 6; cols < 40; cols++) {
		char *got = fit("散歩", cjk, cols);
		assert_non_null(strstr(got, "[散歩]"));
	}
	/* newlines and tabs are spaces; control characters are cleaned */
	assert_string_equal(fit("b", "a\nb\tc\033", 10), "a [b] c?");
	/* a combining mark stays with its character */
	const char *cafe = "xxxxxxxxxxxxxxxxxxxx cafe\xcc\x81 yyyyyyyyyy";
	char *got = fit("café", cafe, 12);
	assert_non_null(strstr(got, "[cafe\xcc\x81]"));
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
	char *t = util_truncate("日本語のテキスト", 7, 0);
	assert_string_equal(t, "日本語…");
	wipe_free_str(t);
	t = util_truncate("short", 10, 0);
	assert_string_equal(t, "short");
	wipe_free_str(t);
	wipe_free_str(NULL);
}

/* util_clean of a C string, compared with what is expected. */
static void
clean_is(const char *in, unsigned flags, const char *want)
{
	size_t len = strlen(in);
	char *out = malloc(UTIL_CLEAN_SIZE(len));
	assert_non_null(out);
	size_t n = util_clean(out, in, len, flags);
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, want);
	assert_true(util_utf8_ok(out, n, NULL));
	free(out);
}

static void
clean_c0_and_del(void **state)
{
	/* ESC, CSI, OSC 52 (clipboard) and BEL: nothing left to act on. */
	clean_is("a\x1b[31mred\x1b[0m", 0, "a?[31mred?[0m");
	clean_is("\x1b]52;c;aGk=\x07", 0, "?]52;c;aGk=?");
	clean_is("\x01\x08\x0b\x0c\x1f\x7f", UTIL_CLEAN_LINES, "??????");
	/* A lone CR (which could hide what came before it) is a control. */
	clean_is("shown\rhidden", UTIL_CLEAN_LINES, "shown?hidden");
	/* With the length given, a NUL is a control too, not an end. */
	char out[UTIL_CLEAN_SIZE(3)];
	assert_int_equal(util_clean(out, "a\0b", 3, 0), 3);
	assert_string_equal(out, "a?b");
	/* Dropped without a trace (the HTML report). */
	clean_is("x\x1b[1my\x7fz", UTIL_CLEAN_DROP, "x[1myz");
	/* Printable ASCII passes, every byte of it. */
	char all[96], want[96];
	for (int c = 0x20; c < 0x7f; c++)
		all[c - 0x20] = want[c - 0x20] = (char)c;
	all[95] = want[95] = '\0';
	clean_is(all, 0, want);
}

static void
clean_lines_and_tabs(void **state)
{
	clean_is("one\ntwo\tthree", UTIL_CLEAN_LINES, "one\ntwo\tthree");
	clean_is("one\ntwo\tthree", 0, "one two three");
	/* CR LF is one newline (a file from another system). */
	clean_is("a\r\nb\r\n", UTIL_CLEAN_LINES, "a\nb\n");
	clean_is("a\r\nb", 0, "a b");
	clean_is("a\r\nb", UTIL_CLEAN_LINES | UTIL_CLEAN_DROP, "a\nb");
	clean_is("", 0, "");
}

static void
clean_c1(void **state)
{
	/* U+0080-U+009F as UTF-8: CSI (U+009B), NEL, OSC, and both ends. */
	clean_is("a\xc2\x9b"
	         "2Jb",
	         0, "a?2Jb");
	clean_is("\xc2\x85\xc2\x9d\xc2\x80\xc2\x9f", UTIL_CLEAN_LINES, "????");
	clean_is("c1\xc2\x9bJ", UTIL_CLEAN_DROP, "c1J");
	/* Just past the range: NBSP, ¡, and other two-byte letters stay. */
	clean_is("\xc2\xa0\xc2\xa1\xc3\xa4", 0, "\xc2\xa0\xc2\xa1\xc3\xa4");
	/* Letters whose UTF-8 holds 0x80-0x9f continuation bytes stay. */
	clean_is("\xc4\x9b \xe2\x82\xac \xf0\x9f\x8c\xbf", 0,
	         "\xc4\x9b \xe2\x82\xac \xf0\x9f\x8c\xbf");
}

static void
clean_invalid_utf8(void **state)
{
	/* A raw 0x9b (CSI on an 8-bit terminal), a stray continuation
	 * byte, 0xff, a cut sequence, an overlong form, a surrogate. */
	clean_is("a\x9b"
	         "2Jb",
	         0,
	         "a\xef\xbf\xbd"
	         "2Jb");
	clean_is("\x80\xff", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("end\xe2\x82", 0, "end\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("\xc0\x9b", 0, "\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Not UTF-8 locale: '?' for each. */
	clean_is("a\x9b\xff"
	         "b\x1b",
	         UTIL_CLEAN_ASCII, "a??b?");
	/* The worst case fits UTIL_CLEAN_SIZE exactly. */
	char out[UTIL_CLEAN_SIZE(4)];
	assert_int_equal(util_clean(out, "\xff\xfe\xfd\x9b", 4, 0), 12);
	/* One unit at a time: what it stands for and how wide it is. */
	char unit[UTIL_CLEAN_UNIT_MAX];
	size_t used, w;
	assert_int_equal(
	        util_clean_unit("\xe6\xbc\xa2x", 4, 0, unit, &used, &w), 3);
	assert_int_equal(used, 3);
	assert_int_equal(w, 2);
	assert_int_equal(util_clean_unit("\x9b", 1, 0, unit, &used, &w), 3);
	assert_int_equal(used, 1);
	assert_int_equal(w, 1);
	assert_int_equal(
	        util_clean_unit("\x1b", 1, UTIL_CLEAN_DROP, unit, &used, &w),
	        0);
	assert_int_equal(used, 1);
	assert_int_equal(w, 0);
}

static void
clean_width_and_truncate(void **state)
{
	/* Widths are those of what is shown. */
	assert_int_equal(util_display_width("a\x1b\xc2\x9b\x9b", 5), 4);
	assert_int_equal(util_display_width("a\tb\nc", 5), 5);
	char *t = util_truncate("a\x1b[31mb", 20, 0);
	assert_string_equal(t, "a?[31mb");
	wipe_free_str(t);
	t = util_truncate("line\none\ttab", 20, 0);
	assert_string_equal(t, "line one tab");
	wipe_free_str(t);
	t = util_truncate("x\xc2\x9by\x9bz", 20, 0);
	assert_string_equal(t, "x?y\xef\xbf\xbdz");
	wipe_free_str(t);
	t = util_truncate("x\x9bz", 20, UTIL_CLEAN_ASCII | UTIL_CLEAN_LINES);
	assert_string_equal(t, "x?z");
	wipe_free_str(t);
	/* Cut at the width, controls counted as the '?' they become. */
	t = util_truncate("\x1b\x1b\x1b\x1b\x1b\x1b", 4, 0);
	assert_string_equal(t, "???…");
	wipe_free_str(t);
	t = util_truncate("日本\x9b語", 5, 0);
	assert_string_equal(t, "日本…");
	wipe_free_str(t);
	t = util_truncate("日\x9b語", 5, 0);
	assert_string_equal(t, "日\xef\xbf\xbd語");
	wipe_free_str(t);
}

static void
has_control(void **state)
{
	size_t at = 99;
	assert_false(util_has_control("plain äö 日本", strlen("plain äö 日本"),
	                              0, NULL));
	assert_true(util_has_control("ab\x1b", 3, 0, &at));
	assert_int_equal(at, 2);
	assert_true(util_has_control("x\xc2\x9b", 3, 0, &at));
	assert_int_equal(at, 1);
	assert_true(util_has_control("\x7f", 1, 0, NULL));
	assert_true(util_has_control("a\nb", 3, 0, NULL));
	assert_false(util_has_control("a\nb\tc", 5, UTIL_CLEAN_LINES, NULL));
	assert_true(util_has_control("a\r\nb", 4, UTIL_CLEAN_LINES, NULL));
	/* A NUL inside the length counts; bytes that are not UTF-8 do not
	 * (util_utf8_ok is the check for those). */
	assert_true(util_has_control("a\0b", 3, UTIL_CLEAN_LINES, NULL));
	assert_false(util_has_control("a\x9b\xff", 3, 0, NULL));
	assert_false(util_has_control("\xc2\xa0", 2, 0, NULL));
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

/* The filter as first written: a byte at a time, the bit by a wide
 * multiply (ASCII text only). */
static void
naive_filter(unsigned char *f, size_t size, const char *text, size_t len)
{
	uint32_t win = 0;
	for (size_t i = 0; i < len; i++) {
		win = (win << 8 |
		       (unsigned char)tolower((unsigned char)text[i])) &
		      0xffffff;
		if (i >= 2) {
			uint32_t h = win * 0x9E3779B1u;
			size_t b = (size_t)(((uint64_t)h * (size * 8)) >> 32);
			f[b / 8] |= (unsigned char)(1u << (b % 8));
		}
	}
}

/* search_filter_add sets the same bits as the byte-at-a-time filter,
 * whatever the text's length and where its eight-byte runs fall; text
 * with UTF-8 in it sets the bits of its folded form. */
static void
filter_matches_naive(void **state)
{
	(void)state;
	/* the letters at both ends of A to Z, and the bytes beside them */
	static const char alphabet[] = "abAZ c.\"\\@[`{zY";
	unsigned seed = 4242;
	for (int round = 0; round < 5000; round++) {
		char text[300];
		unsigned char got[512], want[512];
		size_t tl = (seed = seed * 1103515245 + 12345) / 65536 % 300;
		size_t size =
		        (size_t)64
		        << ((seed = seed * 1103515245 + 12345) / 65536 % 4);
		for (size_t i = 0; i < tl; i++)
			text[i] = alphabet[(seed = seed * 1103515245 + 12345) /
			                   65536 % (sizeof(alphabet) - 1)];
		memset(got, 0, size);
		memset(want, 0, size);
		search_filter_add(got, size, text, tl);
		naive_filter(want, size, text, tl);
		assert_memory_equal(got, want, size);
	}
	/* "\xc3\x84" (A with diaeresis) folds to its lower case */
	const char upper[] = "xxxxxxxx\xc3\x84pfel und Birnen im Korb";
	const char lower[] = "xxxxxxxx\xc3\xa4pfel und birnen im korb";
	unsigned char a[64] = {0}, b[64] = {0};
	search_filter_add(a, sizeof(a), upper, sizeof(upper) - 1);
	search_filter_add(b, sizeof(b), lower, sizeof(lower) - 1);
	assert_memory_equal(a, b, sizeof(a));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(case_insensitive),
	        cmocka_unit_test(snippets),
	        cmocka_unit_test(snippet_fit),
	        cmocka_unit_test(utf8_and_width),
	        cmocka_unit_test(clean_c0_and_del),
	        cmocka_unit_test(clean_lines_and_tabs),
	        cmocka_unit_test(clean_c1),
	        cmocka_unit_test(clean_invalid_utf8),
	        cmocka_unit_test(clean_width_and_truncate),
	        cmocka_unit_test(has_control),
	        cmocka_unit_test(numbers),
	        cmocka_unit_test(suggestions),
	        cmocka_unit_test(ascii_matches_naive),
	        cmocka_unit_test(filter_matches_naive),
	};
	return RUN_NAMED(tests, argc, argv);
}
