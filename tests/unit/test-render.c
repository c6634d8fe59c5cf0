/*
 * Renderer tests: golden files in tests/render (NAME.md rendered at
 * NAME.wWIDTH.plain and NAME.wWIDTH.ansi), property tests over those
 * inputs and generated ones, and focused cases.
 *
 * To write golden files after a deliberate change, run
 *   SELFHELP_UPDATE_GOLDEN=1 build/tests/test-render golden-NAME
 * and then read every changed file before keeping it.
 */
#include "harness.h"

#include "content.h"
#include "render.h"

#include <stdbool.h>
#include <stdlib.h>

#include <utf8proc.h>

#ifndef TEST_RENDER_DIR
#error "TEST_RENDER_DIR must name tests/render"
#endif

static const int prop_widths[] = {20, 40, 80, 200};

struct golden {
	const char *name;
	int widths[4]; /* 0-terminated */
};

static const struct golden goldens[] = {
        {"headings", {20, 40}}, {"inline", {20, 40}},   {"lists", {20, 40}},
        {"quotes", {20, 40}},   {"code", {40}},         {"code-long", {20, 80}},
        {"wrap", {20, 40, 80}}, {"wide", {20, 40, 80}}, {"control", {40}},
        {"html", {40}},         {"blocks", {20, 40}},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- helpers --- */

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			p = realloc(p, cap);
			assert_non_null(p);
		}
		size_t k = fread(p + n, 1, cap - n - 1, f);
		n += k;
		if (k == 0)
			break;
	}
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

static char *
golden_input(const char *name, size_t *len)
{
	char path[512];
	char *md;
	snprintf(path, sizeof(path), "%s/%s.md", TEST_RENDER_DIR, name);
	md = read_file(path, len);
	if (!md)
		fail_msg("cannot read %s", path);
	return md;
}

static char *
render(const char *md, enum render_format f, int width, unsigned flags)
{
	char *out = render_markdown(md, strlen(md), f, width, flags);
	assert_non_null(out);
	return out;
}

/* Remove CSI (ESC [ ... final) and OSC (ESC ] ... ST or BEL) sequences. */
static char *
strip_escapes(const char *s)
{
	char *d = malloc(strlen(s) + 1), *o = d;
	assert_non_null(d);
	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !(*s >= 0x40 && *s <= 0x7e))
				s++;
			if (*s)
				s++;
		} else if (s[0] == '\033' && s[1] == ']') {
			s += 2;
			while (*s && *s != '\a' &&
			       !(s[0] == '\033' && s[1] == '\\'))
				s++;
			if (*s == '\a')
				s++;
			else if (*s)
				s += 2;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return d;
}

/* Display width of a line, counted independently of the renderer. */
static size_t
line_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;
	int prev = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(
		        (const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k < 1)
			fail_msg("output is not UTF-8 at byte %zu", i);
		int cw = utf8proc_charwidth(cp);
		/* VS16 turns a narrow base into a wide one */
		if (cp == 0xfe0f && prev == 1)
			cw = 1;
		prev = cw;
		/* conjoining Hangul vowels and finals join the syllable */
		if (cp >= 0x1160 && cp <= 0x11ff)
			cw = 0;
		w += (size_t)(cw > 0 ? cw : 0);
		i += (size_t)k;
	}
	return w;
}

/*
 * Is this line of ANSI output a line of a code block? Code blocks are
 * not re-wrapped, so only they may be wider than the page. Their text
 * starts, after the four-column indent, in the code style, and not with
 * the backtick that inline code has.
 */
static bool
is_code_line(const char *ansi, size_t n)
{
	const char *mark = "    \033[36m";
	size_t m = strlen(mark);
	for (size_t i = 0; i + m < n; i++)
		if (memcmp(ansi + i, mark, m) == 0)
			return ansi[i + m] != '`';
	return false;
}

/*
 * Fail when a line is wider than `width`. With the ANSI rendering of the
 * same input, lines of code blocks are let through.
 */
static void
assert_lines_fit(const char *out, int width, const char *what, const char *ansi)
{
	const char *p = out;
	int lineno = 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t w = line_width(p, n);
		bool code = false;
		if (ansi) {
			const char *anl = strchr(ansi, '\n');
			size_t an = anl ? (size_t)(anl - ansi) : strlen(ansi);
			code = is_code_line(ansi, an);
			ansi += an + (anl ? 1 : 0);
		}
		if (w > (size_t)width && !code)
			fail_msg("%s: line %d is %zu columns wide, over %d: "
			         "'%.*s'",
			         what, lineno, w, width, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
		lineno++;
	}
}

static void
assert_plain_clean(const char *out, const char *what)
{
	const unsigned char *u = (const unsigned char *)out;
	for (size_t i = 0; u[i]; i++) {
		if ((u[i] < 0x20 && u[i] != '\n') || u[i] == 0x7f)
			fail_msg("%s: control byte 0x%02x at %zu", what, u[i],
			         i);
		if (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)
			fail_msg("%s: C1 control at %zu", what, i);
	}
}

/*
 * Every line of ANSI output must end with all styles and links closed,
 * and use only SGR and OSC 8 escapes.
 */
static void
assert_ansi_closed(const char *s, const char *what)
{
	bool styled = false, linked = false;
	int lineno = 1;
	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			const char *start = s + 2;
			s = start;
			while (*s && ((*s >= '0' && *s <= '9') || *s == ';'))
				s++;
			if (*s != 'm')
				fail_msg("%s: escape other than SGR", what);
			styled = !(s == start ||
			           (s - start == 1 && *start == '0'));
			s++;
		} else if (s[0] == '\033' && s[1] == ']') {
			if (strncmp(s, "\033]8;;", 5) != 0)
				fail_msg("%s: OSC other than 8", what);
			s += 5;
			linked = s[0] != '\033';
			while (*s && !(s[0] == '\033' && s[1] == '\\'))
				s++;
			if (!*s)
				fail_msg("%s: unterminated OSC", what);
			s += 2;
		} else if (*s == '\033') {
			fail_msg("%s: stray ESC", what);
		} else {
			if (*s == '\n') {
				if (styled || linked)
					fail_msg(
					        "%s: line %d ends with a style "
					        "or link open",
					        what, lineno);
				lineno++;
			}
			s++;
		}
	}
	if (styled || linked)
		fail_msg("%s: output ends with a style open", what);
}

static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void
assert_printable_ascii(const char *s, const char *what)
{
	for (; *s; s++)
		if (*s != '\n' && (*s < 0x20 || *s > 0x7e))
			fail_msg("%s: byte 0x%02x is not printable ASCII", what,
			         (unsigned char)*s);
}

/*
 * The properties every ANSI/PLAIN rendering must have: PLAIN is clean
 * and fits; ANSI stripped of escapes is PLAIN; ANSI closes its styles.
 */
static void
check_properties(const char *md, int width, const char *what)
{
	char *plain = render(md, RENDER_PLAIN, width, 0);
	char *plain_flags = render(md, RENDER_PLAIN, width,
	                           RENDER_HYPERLINKS | RENDER_QUOTE_BAR);
	char *ansi = render(md, RENDER_ANSI, width, 0);
	char *ansi_links = render(md, RENDER_ANSI, width, RENDER_HYPERLINKS);
	char *s1 = strip_escapes(ansi), *s2 = strip_escapes(ansi_links);
	char label[256];
	snprintf(label, sizeof(label), "%s at width %d", what, width);

	assert_plain_clean(plain, label);
	if (strchr(plain, '\033') || strchr(plain, '\r'))
		fail_msg("%s: escape or CR in PLAIN", label);
	assert_string_equal(s1, plain);
	assert_lines_fit(plain, width, label, ansi);
	/* R22: ASCII in, ASCII out (entities may name other characters) */
	if (is_ascii(md) && !strchr(md, '&'))
		assert_printable_ascii(plain, label);
	assert_string_equal(plain, plain_flags);
	assert_string_equal(s2, plain);
	assert_ansi_closed(ansi, label);
	assert_ansi_closed(ansi_links, label);
	if (!strchr(ansi, '\033') && strcmp(ansi, plain) != 0)
		fail_msg("%s: unstyled ANSI differs from PLAIN", label);
	if (strstr(ansi, "\033]"))
		fail_msg("%s: OSC 8 without RENDER_HYPERLINKS", label);
	free(plain);
	free(plain_flags);
	free(ansi);
	free(ansi_links);
	free(s1);
	free(s2);
}

/* --- golden files --- */

static void
show_difference(const char *path, const char *want, const char *got)
{
	size_t i = 0, line = 1;
	while (want[i] && want[i] == got[i]) {
		if (want[i] == '\n')
			line++;
		i++;
	}
	fprintf(stderr, "%s differs at line %zu\n", path, line);
	fprintf(stderr, "  want: '%.60s'\n  got:  '%.60s'\n", want + i,
	        got + i);
}

static void
golden(void **state)
{
	const struct golden *g = *state;
	const char *formats[] = {"plain", "ansi"};
	bool update = getenv("SELFHELP_UPDATE_GOLDEN") != NULL;
	size_t len = 0;
	char *md = golden_input(g->name, &len);
	bool failed = false;

	for (size_t w = 0; w < N(g->widths) && g->widths[w]; w++) {
		for (size_t f = 0; f < N(formats); f++) {
			char path[512];
			char *want, *got;
			got = render_markdown(md, len,
			                      f ? RENDER_ANSI : RENDER_PLAIN,
			                      g->widths[w], 0);
			assert_non_null(got);
			snprintf(path, sizeof(path), "%s/%s.w%d.%s",
			         TEST_RENDER_DIR, g->name, g->widths[w],
			         formats[f]);
			if (update) {
				FILE *o = fopen(path, "wb");
				assert_non_null(o);
				fputs(got, o);
				assert_int_equal(fclose(o), 0);
			}
			want = read_file(path, NULL);
			if (!want)
				fail_msg("cannot read %s", path);
			if (strcmp(want, got) != 0) {
				show_difference(path, want, got);
				failed = true;
			}
			free(want);
			free(got);
		}
	}
	free(md);
	if (failed)
		fail_msg("output differs from the golden files");
}

/* --- property tests --- */

static const char *const samples[] = {
        "",
        "just one line",
        "# Title\n\nBody *with* **styles** and `code`.\n",
        "> > > > > > > > > > > > > > > > > > > > > > > > deep quote text "
        "that wraps\n",
        "- a\n  - b\n    - c\n      - d\n        - e\n          - f\n"
        "            - g\n              - h nested text that wraps and wraps\n",
        "1. x\n\n   > - y\n   >   > z z z z z z z z z z z z z z z z z z z\n",
        "[a very long link label that wraps](https://example.org/a/b/c/d/e/f/"
        "g/h/i/j/k/l/m/n)\n",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaa\n",
        "\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95"
        "\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7"
        "\x95\x8c\xe7\x95\x8c\xe7\x95\x8c\xe7\x95\x8c x\n",
        /* 101 family emoji joined into one grapheme cluster */
        NULL,
        "***a*** **_b_** *`c`* [*d*](http://e) ![*f*](g)\n",
        "a  \nb\\\n\\\nc\n",
        "Setext\n===\n\n---\n\n***\n",
        "\t\tx\n",
        "a\x1b[31mb\x07\x7f\xc2\x9b\n&#27;&#x9b;&#0;\n",
};

static char *
zwj_cluster(void)
{
	const char *emoji = "\xf0\x9f\x91\xa9"; /* U+1F469 */
	const char *zwj = "\xe2\x80\x8d";
	size_t n = 101 * 7 + 2;
	char *s = malloc(n), *p = s;
	assert_non_null(s);
	for (int i = 0; i < 101; i++) {
		memcpy(p, emoji, 4);
		p += 4;
		if (i < 100) {
			memcpy(p, zwj, 3);
			p += 3;
		}
	}
	strcpy(p, "\n");
	return s;
}

static void
props_samples(void **state)
{
	for (size_t i = 0; i < N(samples); i++) {
		char *dyn = samples[i] ? NULL : zwj_cluster();
		const char *md = samples[i] ? samples[i] : dyn;
		char what[32];
		snprintf(what, sizeof(what), "sample %zu", i);
		for (size_t w = 0; w < N(prop_widths); w++)
			check_properties(md, prop_widths[w], what);
		free(dyn);
	}
}

static void
props_goldens(void **state)
{
	for (size_t i = 0; i < N(goldens); i++) {
		char *md = golden_input(goldens[i].name, NULL);
		for (size_t w = 0; w < N(prop_widths); w++)
			check_properties(md, prop_widths[w], goldens[i].name);
		free(md);
	}
}

/* Every bundled topic and exercise, as the user will read them. */
static void
props_content(void **state)
{
	assert_true(content_nfiles > 0);
	for (size_t i = 0; i < content_nfiles; i++)
		for (size_t w = 0; w < N(prop_widths); w++)
			check_properties(content_files[i].data, prop_widths[w],
			                 content_files[i].path);
}

/* Documents stitched from fragments by a fixed-seed generator. */
static const char *const line_starts[] = {
        "",      "",   "",     "# ",    "## ",  "### ",    "> ",   "> > ",
        "- ",    "* ", "1. ",  "10) ",  "  - ", "  ",      "> - ", "- > ",
        "---\n", "",   "    ", "```\n", "\t",   "> ```\n",
};
static const char *const fragments[] = {
        "calm",
        "breathe",
        "slowly",
        "*soft*",
        "**firm**",
        "run `cmd --flag`",
        "[here](https://example.org/x)",
        "<https://example.org/y>",
        "[js](javascript:alert(1))",
        "\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c",
        "\xe3\x80\x82",
        "\xf0\x9f\x8c\xbf",
        "e\xcc\x81",
        "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4",
        "antidisestablishmentarianism-and-more-letters",
        "&#27;[2J",
        "\x1b[31m",
        "<b>",
        "\\",
        "_",
        "(",
        ")",
        ",",
};

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	/* xorshift32: deterministic across platforms */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void
props_generated(void **state)
{
	char doc[4096];
	for (int d = 0; d < 400; d++) {
		size_t n = 0;
		int lines = 1 + (int)(rng() % 12);
		doc[0] = '\0';
		for (int l = 0; l < lines; l++) {
			const char *start = line_starts[rng() % N(line_starts)];
			int words = (int)(rng() % 14);
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s",
			                      start);
			for (int k = 0; k < words; k++) {
				const char *f = fragments[rng() % N(fragments)];
				const char *sep = rng() % 5 ? " " : "";
				n += (size_t)snprintf(doc + n, sizeof(doc) - n,
				                      "%s%s", f, sep);
			}
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s",
			                      rng() % 3 ? "\n" : "\n\n");
			assert_true(n < sizeof(doc) - 512);
		}
		for (size_t w = 0; w < N(prop_widths); w++) {
			char what[64];
			snprintf(what, sizeof(what), "generated %d", d);
			check_properties(doc, prop_widths[w], what);
		}
	}
}

/* --- focused cases --- */

static void
display_width(void **state)
{
	static const struct {
		const char *s;
		size_t w;
	} cases[] = {
	        {"", 0},
	        {"hello", 5},
	        {"\xe4\xbd\xa0\xe5\xa5\xbd", 4},         /* 你好 */
	        {"\xf0\x9f\x8c\xbf", 2},                 /* 🌿 */
	        {"e\xcc\x81", 1},                        /* e + U+0301 */
	        {"caf\xc3\xa9", 4},                      /* precomposed é */
	        {"\xe2\x9d\xa4\xef\xb8\x8f", 2},         /* ❤ + VS16 */
	        {"\xe2\x9d\xa4", 1},                     /* ❤ alone */
	        {"\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", 2}, /* flag DE */
	        {"\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 2}, /* 한 as jamo */
	        {"\xea\xb0\x80", 2},                         /* 가 */
	        {"\xef\xbc\x8c", 2}, /* fullwidth comma */
	        {"\xff\xfe", 2},     /* invalid bytes */
	        {"a\xc3", 2},        /* truncated */
	        {"\xe2\x80\x8b", 0}, /* zero width space */
	};
	for (size_t i = 0; i < N(cases); i++) {
		size_t w = render_display_width(cases[i].s, strlen(cases[i].s));
		if (w != cases[i].w)
			fail_msg("case %zu: width %zu, want %zu", i, w,
			         cases[i].w);
	}
	/* length, not NUL, bounds the string */
	assert_int_equal(render_display_width("abc\0def", 7), 6);
	assert_int_equal(render_display_width("abcdef", 2), 2);
}

static void
control_bytes(void **state)
{
	const char *md = "a\x1b[31mb\x07 c\x7f d\xc2\x9b"
	                 "e &#27;[2J &#x9b; "
	                 "&#127; &#8;\n\n"
	                 "```\nx\x1b y\r z\x01\n```\n\n"
	                 "[l](http://e/\x1b) `q\x1bq`\n";
	const enum render_format fmts[] = {RENDER_ANSI, RENDER_PLAIN,
	                                   RENDER_MARKDOWN, RENDER_HTML,
	                                   RENDER_MAN};
	char *plain;
	for (size_t i = 0; i < N(fmts); i++) {
		char *out = render(md, fmts[i], 40, RENDER_HYPERLINKS);
		char *text = fmts[i] == RENDER_ANSI ? strip_escapes(out) : out;
		for (const unsigned char *u = (const unsigned char *)text; *u;
		     u++) {
			if ((*u < 0x20 && *u != '\n' && *u != '\t') ||
			    *u == 0x7f)
				fail_msg("format %zu: byte 0x%02x left", i, *u);
			if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
				fail_msg("format %zu: C1 control left", i);
		}
		if (text != out)
			free(text);
		free(out);
	}
	plain = render(md, RENDER_PLAIN, 40, 0);
	/* the text around the controls is kept */
	assert_non_null(strstr(plain, "a[31mb c de [2J\n"));
	assert_non_null(strstr(plain, "    x y\n"));
	assert_non_null(strstr(plain, "`qq`"));
	free(plain);
}

static void
links(void **state)
{
	const char *md =
	        "[web](https://example.org/a) [old](HTTP://example.org/b) "
	        "[mail](mailto:a@example.org) [js](javascript:alert(1)) "
	        "[file](file:///etc/passwd) [data](data:text/html,x) "
	        "[rel](other.md) [wide](https://example.org/\xe4\xbd\xa0)\n";
	char *ansi = render(md, RENDER_ANSI, 1000, RENDER_HYPERLINKS);
	char *plain = render(md, RENDER_PLAIN, 1000, RENDER_HYPERLINKS);
	assert_non_null(strstr(ansi, "\033]8;;https://example.org/a\033\\"));
	assert_non_null(strstr(ansi, "\033]8;;HTTP://example.org/b\033\\"));
	assert_non_null(strstr(ansi, "\033]8;;mailto:a@example.org\033\\"));
	assert_null(strstr(ansi, "\033]8;;javascript"));
	assert_null(strstr(ansi, "\033]8;;file"));
	assert_null(strstr(ansi, "\033]8;;data"));
	assert_null(strstr(ansi, "\033]8;;other"));
	assert_null(strstr(ansi, "\033]8;;https://example.org/\xe4"));
	/* exactly the three safe links open (and each closes) */
	{
		int opens = 0, closes = 0;
		for (const char *p = ansi; (p = strstr(p, "\033]8;;")); p++) {
			if (p[5] == '\033')
				closes++;
			else
				opens++;
		}
		assert_int_equal(opens, 3);
		assert_int_equal(closes, 3);
	}
	assert_string_equal(
	        plain, "web (https://example.org/a) old (HTTP://example.org/b) "
	               "mail (mailto:a@example.org) js (javascript:alert(1)) "
	               "file (file:///etc/passwd) data (data:text/html,x) rel "
	               "(other.md) wide (https://example.org/\xe4\xbd\xa0)\n");
	free(ansi);
	free(plain);
}

static void
link_shown_once(void **state)
{
	char *plain =
	        render("<https://example.org/x> <a@example.org> "
	               "[https://example.org/x](https://example.org/x) "
	               "[a@example.org](mailto:a@example.org) "
	               "[label](https://example.org/x) [](https://e.org)\n",
	               RENDER_PLAIN, 200, 0);
	assert_string_equal(plain, "https://example.org/x a@example.org "
	                           "https://example.org/x a@example.org label "
	                           "(https://example.org/x) (https://e.org)\n");
	free(plain);
}

static void
no_osc_by_default(void **state)
{
	char *ansi = render("[a](https://example.org)\n", RENDER_ANSI, 40, 0);
	char *plain = render("[a](https://example.org)\n", RENDER_PLAIN, 40,
	                     RENDER_HYPERLINKS);
	assert_null(strstr(ansi, "\033]"));
	assert_null(strchr(plain, '\033'));
	free(ansi);
	free(plain);
}

static void
html_dropped(void **state)
{
	const char *md = "<script>alert(1)</script>\n\n"
	                 "Hi <b onclick=\"x()\">there</b>.\n\n"
	                 "[x](javascript:alert(1))\n";
	char *plain = render(md, RENDER_PLAIN, 40, 0);
	char *html = render(md, RENDER_HTML, 40, 0);
	assert_string_equal(plain, "Hi there.\n\nx (javascript:alert(1))\n");
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "onclick"));
	assert_null(strstr(html, "javascript:"));
	assert_non_null(strstr(html, "raw HTML omitted"));
	free(plain);
	free(html);
}

static void
other_formats(void **state)
{
	const char *md =
	        "# Title\n\nSome *text* with a [link](https://e.org).\n";
	char *html = render(md, RENDER_HTML, 80, 0);
	char *man = render(md, RENDER_MAN, 80, 0);
	char *cm = render(md, RENDER_MARKDOWN, 80, 0);
	assert_string_equal(html,
	                    "<h1>Title</h1>\n<p>Some <em>text</em> with a "
	                    "<a href=\"https://e.org\">link</a>.</p>\n");
	assert_non_null(strstr(man, ".SH\nTitle\n"));
	assert_non_null(strstr(man, "\\f[I]text\\f[]"));
	assert_string_equal(cm, "# Title\n\nSome *text* with a "
	                        "[link](https://e.org).\n");
	free(html);
	free(man);
	free(cm);
}

static void
code_not_wrapped(void **state)
{
	const char *line = "printf(\"%s\\n\", a_rather_long_identifier_name);";
	char md[256];
	char *plain, *want;
	snprintf(md, sizeof(md), "```\n%s\n\tx\n```\n", line);
	plain = render(md, RENDER_PLAIN, 20, 0);
	want = malloc(strlen(line) + 64);
	assert_non_null(want);
	sprintf(want, "    %s\n        x\n", line);
	assert_string_equal(plain, want);
	free(plain);
	free(want);
}

static void
long_word_broken(void **state)
{
	const char *word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
	char md[128], *plain, *joined, *o;
	snprintf(md, sizeof(md), "A %s b\n", word);
	plain = render(md, RENDER_PLAIN, 20, 0);
	assert_lines_fit(plain, 20, "long word", NULL);
	/* "A" alone, then the word in pieces that fill whole lines */
	assert_string_equal(plain,
	                    "A\nPneumonoultramicrosc\nopicsilicovolcanocon\n"
	                    "iosis b\n");
	joined = o = malloc(strlen(plain) + 1);
	assert_non_null(joined);
	for (const char *p = plain + 2; *p; p++)
		if (*p != '\n')
			*o++ = *p;
	*o = '\0';
	assert_non_null(strstr(joined, word));
	free(joined);
	free(plain);
}

static void
narrow_width(void **state)
{
	const char *md = "one two three four five six seven eight nine ten\n";
	char *at20 = render(md, RENDER_PLAIN, 20, 0);
	char *at5 = render(md, RENDER_PLAIN, 5, 0);
	char *at0 = render(md, RENDER_PLAIN, 0, 0);
	char *neg = render(md, RENDER_PLAIN, -7, 0);
	char *huge = render(md, RENDER_PLAIN, 1 << 30, 0);
	assert_string_equal(at20, "one two three four\nfive six seven eight\n"
	                          "nine ten\n");
	assert_string_equal(at5, at20);
	assert_string_equal(at0, at20);
	assert_string_equal(neg, at20);
	assert_string_equal(huge, md);
	free(at20);
	free(at5);
	free(at0);
	free(neg);
	free(huge);
}

static void
cjk_breaks(void **state)
{
	/* 你好，世界。 repeated: commas and full stops never start a line */
	const char *unit = "\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x8c\xe4\xb8\x96"
	                   "\xe7\x95\x8c\xe3\x80\x82";
	char md[512] = "";
	for (int i = 0; i < 12; i++)
		strcat(md, unit);
	strcat(md, "\n");
	for (int width = 20; width <= 27; width++) {
		char *plain = render(md, RENDER_PLAIN, width, 0);
		assert_lines_fit(plain, width, "cjk", NULL);
		assert_true(strchr(plain, '\n') != plain + strlen(plain) - 1);
		for (const char *p = plain; (p = strchr(p, '\n')) && p[1]; p++)
			if (strncmp(p + 1, "\xef\xbc\x8c", 3) == 0 ||
			    strncmp(p + 1, "\xe3\x80\x82", 3) == 0)
				fail_msg("width %d: a line starts with "
				         "punctuation",
				         width);
		free(plain);
	}
}

static void
empty_input(void **state)
{
	char *a = render_markdown(NULL, 0, RENDER_PLAIN, 40, 0);
	char *b = render_markdown("", 0, RENDER_ANSI, 40, 0);
	char *c = render_markdown("\n\n  \n", 5, RENDER_PLAIN, 40, 0);
	char *d = render_markdown("<!-- only html -->\n", 19, RENDER_PLAIN, 40,
	                          0);
	assert_string_equal(a, "");
	assert_string_equal(b, "");
	assert_string_equal(c, "");
	assert_string_equal(d, "");
	free(a);
	free(b);
	free(c);
	free(d);
}

static void
nul_bytes(void **state)
{
	/* NUL is replaced (U+FFFD), never truncates the input */
	char *plain = render_markdown("a\0b c", 5, RENDER_PLAIN, 40, 0);
	assert_string_equal(plain, "a\xef\xbf\xbd"
	                           "b c\n");
	free(plain);
}

static void
deep_nesting(void **state)
{
	size_t depth = 500, n = 0;
	char *md = malloc(depth * 4 + 64), *out;
	assert_non_null(md);
	for (size_t i = 0; i < depth; i++) {
		memcpy(md + n, "> - ", 4);
		n += 4;
	}
	strcpy(md + n, "deeply nested text that still has to wrap\n");
	for (size_t w = 0; w < N(prop_widths); w++)
		check_properties(md, prop_widths[w], "deep nesting");
	/* the frames too deep to draw are dropped, and print nothing */
	memcpy(md + 8 * 4, "deep\n", 6);
	out = render(md, RENDER_PLAIN, 20, 0);
	assert_string_equal(out, "> - > * > deep\n");
	free(out);
	free(md);
}

static void
quote_bar(void **state)
{
	const char *md = "> one\n>\n> > two\n";
	char *ansi = render(md, RENDER_ANSI, 40, RENDER_QUOTE_BAR);
	char *plain = render(md, RENDER_PLAIN, 40, RENDER_QUOTE_BAR);
	char *text = strip_escapes(ansi);
	assert_string_equal(plain, "> one\n>\n> > two\n");
	assert_string_equal(text, "\xe2\x94\x82 one\n\xe2\x94\x82\n"
	                          "\xe2\x94\x82 \xe2\x94\x82 two\n");
	free(ansi);
	free(plain);
	free(text);
}

static void
ansi_styles(void **state)
{
	char *ansi = render("# T\n\n*e* **s** `c` [l](https://e.org)\n",
	                    RENDER_ANSI, 40, 0);
	assert_string_equal(ansi, "\033[1mT\033[0m\n"
	                          "\033[2m=\033[0m\n"
	                          "\n"
	                          "\033[3m_e_\033[0m \033[1m*s*\033[0m "
	                          "\033[36m`c`\033[0m \033[4ml\033[0m "
	                          "\033[2m(https://e.org)\033[0m\n");
	free(ansi);
}

int
main(int argc, char **argv)
{
	struct CMUnitTest tests[N(goldens) + 32];
	size_t n = 0;
	static char names[N(goldens)][64];
	for (size_t i = 0; i < N(goldens); i++) {
		snprintf(names[i], sizeof(names[i]), "golden-%s",
		         goldens[i].name);
		tests[n++] = (struct CMUnitTest){names[i], golden, NULL, NULL,
		                                 (void *)&goldens[i]};
	}
#define ADD(f, name) tests[n++] = (struct CMUnitTest){name, f, NULL, NULL, NULL}
	ADD(props_samples, "props-samples");
	ADD(props_goldens, "props-goldens");
	ADD(props_generated, "props-generated");
	ADD(props_content, "props-content");
	ADD(display_width, "display-width");
	ADD(control_bytes, "control-bytes");
	ADD(links, "links");
	ADD(link_shown_once, "link-shown-once");
	ADD(no_osc_by_default, "no-osc-by-default");
	ADD(html_dropped, "html-dropped");
	ADD(other_formats, "other-formats");
	ADD(code_not_wrapped, "code-not-wrapped");
	ADD(long_word_broken, "long-word-broken");
	ADD(narrow_width, "narrow-width");
	ADD(cjk_breaks, "cjk-breaks");
	ADD(empty_input, "empty-input");
	ADD(nul_bytes, "nul-bytes");
	ADD(deep_nesting, "deep-nesting");
	ADD(quote_bar, "quote-bar");
	ADD(ansi_styles, "ansi-styles");
#undef ADD
	return run_named(tests, n, argc, argv);
}
