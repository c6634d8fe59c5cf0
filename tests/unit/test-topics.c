/*
 * Topic files and the topic registry: front matter parsing with line
 * numbers, body sections, lookup, search, user pages, and checks over
 * every bundled page (sections, prompts, length, related slugs, and
 * wrapping at several widths).
 */
#include "harness.h"

#include "content.h"
#include "frontmatter.h"
#include "render.h"
#include "topics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char good_page[] =
        "---\n"
        "title: The inner critic\n"
        "slug: inner-critic\n"
        "summary: The harsh inner voice\n"
        "category: The self\n"
        "aliases: inner critic, critic ,, self-criticism\n"
        "related: shame, perfectionism, self-compassion\n"
        "note: Mentions childhood emotional abuse in general terms.\n"
        "---\n"
        "\n"
        "## What it is\n"
        "Text.\n"
        "## How it can show up with CPTSD\n"
        "```\n"
        "## Not a heading inside a code block\n"
        "```\n"
        "## Gentle self-help practices\n"
        "## Journaling prompts\n"
        "- One?\n"
        "## When to look for professional help\n"
        "## Further reading\n"
        "- A book\n";

/* ---- front matter ---- */

static void
parse_good(void **state)
{
	struct frontmatter fm;
	struct frontmatter_error err;
	assert_int_equal(frontmatter_parse(&fm, good_page, strlen(good_page),
	                                   FRONTMATTER_BUNDLED, &err),
	                 0);
	assert_string_equal(fm.title, "The inner critic");
	assert_string_equal(fm.slug, "inner-critic");
	assert_string_equal(fm.summary, "The harsh inner voice");
	assert_string_equal(fm.category, "The self");
	assert_string_equal(fm.note, "Mentions childhood emotional abuse in "
	                             "general terms.");
	assert_int_equal(fm.naliases, 3);
	assert_string_equal(fm.aliases[0], "inner critic");
	assert_string_equal(fm.aliases[1], "critic");
	assert_string_equal(fm.aliases[2], "self-criticism");
	assert_int_equal(fm.nrelated, 3);
	assert_string_equal(fm.related[2], "self-compassion");
	assert_int_equal(fm.key_line[FRONTMATTER_TITLE], 2);
	assert_int_equal(fm.key_line[FRONTMATTER_RELATED], 7);
	assert_int_equal(fm.body_line, 10);
	assert_true(strncmp(good_page + fm.body_offset, "\n## What it is",
	                    14) == 0);
	assert_int_equal(
	        frontmatter_check_body(good_page + fm.body_offset,
	                               strlen(good_page) - fm.body_offset,
	                               fm.body_line, &err),
	        0);
	frontmatter_release(&fm);
	frontmatter_release(&fm); /* twice is harmless */

	/* CRLF line ends, a byte order mark, control bytes dropped */
	static const char crlf[] = "\xef\xbb\xbf---\r\ntitle: A\x1b[31m B\r\n"
	                           "slug: a-b\r\n---\r\nbody\r\n";
	assert_int_equal(frontmatter_parse(&fm, crlf, strlen(crlf), 0, &err),
	                 0);
	assert_string_equal(fm.title, "A[31m B");
	assert_null(fm.summary);
	assert_int_equal(fm.body_line, 5);
	frontmatter_release(&fm);
}

struct bad_case {
	const char *text;
	unsigned flags;
	int line;
	const char *msg; /* a part of the message */
};

#define HEAD "---\ntitle: T\nslug: t\n"
#define REST "summary: S\ncategory: Feelings\nrelated: a, b, c\n---\n"

static void
parse_bad(void **state)
{
	static const struct bad_case cases[] = {
	        {"", 0, 1, "empty"},
	        {"title: T\n", 0, 1, "starts with a '---' line"},
	        {"---\ntitle: T\nslug: t\n", 0, 1, "no closing '---'"},
	        {HEAD "this line has no colon\n---\n", 0, 4, "'key: value'"},
	        {HEAD "titel: x\n---\n", 0, 4, "'titel' is not a front matter"},
	        {HEAD "title: U\n---\n", 0, 4, "'title' appears twice"},
	        {"---\ntitle: T\n---\n", 0, 3, "no 'slug' line"},
	        {"---\nslug: t\ntitle:\n---\n", 0, 3, "'title' has no value"},
	        {"---\ntitle: T\nslug: Inner Critic\n---\n", 0, 3,
	         "not a slug"},
	        {HEAD "related: a, B_c\n---\n", 0, 4, "'B_c' in related"},
	        {HEAD "related: a, t\n---\n", 0, 4, "names the page itself"},
	        {HEAD "related: a, b, a\n---\n", 0, 4, "names 'a' twice"},
	        {HEAD "---\n", FRONTMATTER_BUNDLED, 4, "no 'summary' line"},
	        {HEAD "summary: S\ncategory: Feeling\nrelated: a, b, c\n---\n",
	         FRONTMATTER_BUNDLED, 5,
	         "'Feeling' is not one of the "
	         "categories"},
	        {HEAD "summary: S\ncategory: Feelings\nrelated: a, b\n---\n",
	         FRONTMATTER_BUNDLED, 6, "names 2 topics"},
	        {HEAD "summary: \"S\"\ncategory: Feelings\nrelated: a, b, c\n"
	              "---\n",
	         FRONTMATTER_BUNDLED, 4, "without quotes"},
	        {HEAD "summary: S\xff\ncategory: Feelings\nrelated: a, b, c\n"
	              "---\n",
	         FRONTMATTER_BUNDLED, 4, "not valid UTF-8"},
	        {HEAD "summary: 0123456789012345678901234567890123456789012345"
	              "6789012345678901234567890123456789012345678901234567890"
	              "\ncategory: Feelings\nrelated: a, b, c\n---\n",
	         FRONTMATTER_BUNDLED, 4, "at most 100"},
	        {HEAD REST "note:\n", FRONTMATTER_BUNDLED, 0, NULL},
	        {HEAD "note:\n" REST, FRONTMATTER_BUNDLED, 4, "'note' has no"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		struct frontmatter fm;
		struct frontmatter_error err;
		int r = frontmatter_parse(&fm, c->text, strlen(c->text),
		                          c->flags, &err);
		if (!c->msg) {
			/* the "note:" after "---" is body text: fine */
			assert_int_equal(r, 0);
			frontmatter_release(&fm);
			continue;
		}
		if (r != -1)
			fail_msg("case %zu was accepted", i);
		if (err.line != c->line || !strstr(err.msg, c->msg))
			fail_msg("case %zu: line %d '%s'; expected line %d "
			         "'%s'",
			         i, err.line, err.msg, c->line, c->msg);
		assert_null(fm.title); /* nothing left to release */
	}
}

static void
user_rules(void **state)
{
	/* a user's page: quotes dropped, any category, no summary needed */
	static const char page[] = "---\ntitle: \"My page\"\nslug: mine\n"
	                           "category: My notes\nsummary:\n---\n";
	struct frontmatter fm;
	struct frontmatter_error err;
	assert_int_equal(frontmatter_parse(&fm, page, strlen(page), 0, &err),
	                 0);
	assert_string_equal(fm.title, "My page");
	assert_string_equal(fm.category, "My notes");
	assert_null(fm.summary);
	frontmatter_release(&fm);
	assert_int_equal(frontmatter_parse(&fm, page, strlen(page),
	                                   FRONTMATTER_BUNDLED, &err),
	                 -1);
	assert_int_equal(err.line, 2);
}

static void
check_body(void **state)
{
	static const struct {
		const char *body;
		int line;
		const char *msg;
	} cases[] = {
	        {"# Title\n", 10, "'#' heading"},
	        {"## What it is\n## Gentle self-help practices\n", 11,
	         "'## How it can show up with CPTSD' is missing"},
	        {"## What it is\n## Things\n", 11, "'## Things' is not one"},
	        {"## What it is\n## What it is\n", 11, "appears twice"},
	        {"## What it is\n## How it can show up with CPTSD\n"
	         "## Gentle self-help practices\n## Journaling prompts\n"
	         "## When to look for professional help\n",
	         14, "'## Further reading' is missing"},
	        {"## What it is\n## How it can show up with CPTSD\n"
	         "## Gentle self-help practices\n## Journaling prompts\n"
	         "## When to look for professional help\n## Further reading\n"
	         "## More\n",
	         16, "comes after the last"},
	        {"", 10, "'## What it is' is missing"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frontmatter_error err;
		int r = frontmatter_check_body(cases[i].body,
		                               strlen(cases[i].body), 10, &err);
		if (r != -1 || err.line != cases[i].line ||
		    !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: %d line %d '%s'", i, r, err.line,
			         err.msg);
	}
	assert_true(frontmatter_is_slug("a-b2"));
	assert_false(frontmatter_is_slug("-a"));
	assert_false(frontmatter_is_slug("a--b"));
	assert_false(frontmatter_is_slug("a-"));
	assert_false(frontmatter_is_slug(""));
	assert_int_equal(frontmatter_category_index("Start here"), 0);
	assert_int_equal(frontmatter_category_index("Self-help groups"), 8);
	assert_int_equal(frontmatter_category_index("feelings"), -1);
}

/* ---- registry ---- */

static char tmpdir[64];

static void
write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/selfhelp-topics-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static const struct topic *
find(const struct topics *reg, const char *name)
{
	return topics_find(reg, name, NULL);
}

static void
lookup(void **state)
{
	struct topics *reg = topics_load("");
	struct topics_near near;
	assert_non_null(reg);
	assert_string_equal(find(reg, "shame")->slug, "shame");
	assert_string_equal(find(reg, "SHAME")->slug, "shame");
	assert_string_equal(find(reg, "The Inner CRITIC")->slug,
	                    "inner-critic");
	assert_string_equal(find(reg, "inner critic")->slug, "inner-critic");
	assert_string_equal(find(reg, "perpetrator projects")->slug,
	                    "perpetrator-introjects");
	assert_string_equal(find(reg, "NARM")->slug, "narm");
	assert_string_equal(find(reg, "EMDR")->slug, "emdr");
	assert_string_equal(find(reg, "co-dependency")->slug, "codependency");
	assert_string_equal(find(reg, "sleep disorders and nightmares")->slug,
	                    "sleep-and-nightmares");
	/* a unique prefix of a slug or title */
	assert_string_equal(find(reg, "perfection")->slug, "perfectionism");
	assert_string_equal(find(reg, "Hypervig")->slug, "hypervigilance");

	/* an ambiguous prefix lists the topics it could be */
	assert_null(topics_find(reg, "self", &near));
	assert_true(near.ambiguous);
	assert_true(near.n >= 3);
	bool worth = false, esteem = false;
	for (size_t i = 0; i < near.n; i++) {
		worth |= strcmp(near.topics[i]->slug, "self-worth") == 0;
		esteem |= strcmp(near.topics[i]->slug, "self-esteem") == 0;
	}
	assert_true(worth && esteem);

	/* a miss suggests the closest */
	assert_null(topics_find(reg, "sheme", &near));
	assert_false(near.ambiguous);
	assert_true(near.n >= 1);
	assert_string_equal(near.topics[0]->slug, "shame");
	assert_null(topics_find(reg, "dissasociation", &near));
	assert_string_equal(near.topics[0]->slug, "dissociation");
	assert_null(topics_find(reg, "self compasion", &near));
	assert_string_equal(near.topics[0]->slug, "self-compassion");
	assert_null(topics_find(reg, "anger management", &near));
	assert_string_equal(near.topics[0]->slug, "anger");
	/* substring of a slug */
	assert_null(topics_find(reg, "ptsd", &near));
	assert_string_equal(near.topics[0]->slug, "what-is-cptsd");
	/* nothing close at all */
	assert_null(topics_find(reg, "qqqqqqqqqq", &near));
	assert_int_equal(near.n, 0);
	assert_null(topics_find(reg, "", &near));
	assert_null(topics_find(reg, "   ", &near));
	topics_free(reg);
	topics_free(NULL);
}

static const char rank_title[] =
        "---\ntitle: Zebrafrog days\nslug: zz-title\n---\n\nNothing.\n";
static const char rank_summary[] =
        "---\ntitle: Second\nslug: zz-summary\nsummary: About the "
        "ZEBRAFROG\n---\n\nNothing.\n";
static const char rank_body[] =
        "---\ntitle: Third\nslug: zz-body\n---\n\n## What it is\n\n"
        "Some words come first here, then **a zebrafrog** appears in the "
        "body of this page, with a few more words after it so that the "
        "snippet has to be cut somewhere near the end of this long line.\n";
static const char rank_body_twice[] =
        "---\ntitle: Fourth\nslug: zz-body-twice\n---\n\nZebrafrog, and "
        "zebrafrog again, and the Straße.\n";

static void
search(void **state)
{
	struct topic_hits hits;
	make_tmpdir();
	write_file("a.md", rank_title);
	write_file("b.md", rank_summary);
	write_file("c.md", rank_body);
	write_file("d.md", rank_body_twice);
	struct topics *reg = topics_load(tmpdir);
	assert_non_null(reg);
	assert_int_equal(topics_nwarnings(reg), 0);

	assert_int_equal(topics_search(reg, "zebraFROG", &hits), 0);
	assert_int_equal(hits.n, 4);
	assert_string_equal(hits.hits[0].topic->slug, "zz-title");
	assert_string_equal(hits.hits[1].topic->slug, "zz-summary");
	assert_string_equal(hits.hits[2].topic->slug, "zz-body-twice");
	assert_string_equal(hits.hits[3].topic->slug, "zz-body");
	assert_true(hits.hits[0].score > hits.hits[1].score);
	assert_true(hits.hits[1].score > hits.hits[2].score);
	/* snippets: around the first body match, markdown markers gone */
	assert_null(hits.hits[1].snippet);
	const char *snip = hits.hits[3].snippet;
	assert_non_null(snip);
	assert_non_null(strstr(snip, "a zebrafrog appears"));
	assert_null(strstr(snip, "**"));
	assert_null(strstr(snip, "##"));
	assert_true(strncmp(snip, "Some words", 10) == 0);
	assert_string_equal(snip + strlen(snip) - 3, "\xe2\x80\xa6");
	/* the whole plain text and where the first match is in it */
	assert_null(hits.hits[1].text);
	const struct topic_hit *h = &hits.hits[3];
	assert_non_null(h->text);
	assert_int_equal(h->text_len, strlen(h->text));
	assert_null(strstr(h->text, "**"));
	assert_int_equal(h->match_end - h->match_start, 9);
	assert_memory_equal(h->text + h->match_start, "zebrafrog", 9);
	assert_string_equal(h->text + h->text_len - 10, "long line.");
	h = &hits.hits[2]; /* the first of two, in another case */
	assert_int_equal(h->match_start, 0);
	assert_memory_equal(h->text, "Zebrafrog,", 10);
	topic_hits_release(&hits);
	topic_hits_release(&hits);

	/* every word must occur; Unicode case folding (ß is ss) */
	assert_int_equal(topics_search(reg, "zebrafrog STRASSE", &hits), 0);
	assert_int_equal(hits.n, 1);
	assert_string_equal(hits.hits[0].topic->slug, "zz-body-twice");
	topic_hits_release(&hits);
	assert_int_equal(topics_search(reg, "straße", &hits), 0);
	assert_int_equal(hits.n, 1);
	topic_hits_release(&hits);

	/* snippets are safe to print: no control bytes, valid UTF-8 */
	write_file("e.md", "---\ntitle: Fifth\nslug: zz-controls\n---\n\n"
	                   "A \x1b[31mred\x07 \xc2\x9b"
	                   "2J \xff quokkabird here.\n");
	topics_free(reg);
	reg = topics_load(tmpdir);
	assert_int_equal(topics_search(reg, "quokkabird", &hits), 0);
	assert_int_equal(hits.n, 1);
	assert_string_equal(hits.hits[0].snippet,
	                    "A 31mred 2J \xef\xbf\xbd quokkabird here.");
	topic_hits_release(&hits);

	assert_int_equal(topics_search(reg, "  ", &hits), 0);
	assert_int_equal(hits.n, 0);
	topic_hits_release(&hits);
	assert_int_equal(topics_search(reg, "qqqqzzzzqqqq", &hits), 0);
	assert_int_equal(hits.n, 0);
	topic_hits_release(&hits);

	/* bundled pages: a title match ranks above body matches */
	assert_int_equal(topics_search(reg, "flashbacks", &hits), 0);
	assert_true(hits.n > 3);
	assert_string_equal(hits.hits[0].topic->slug, "flashbacks");
	topic_hits_release(&hits);
	topics_free(reg);
	remove_tmpdir();
}

static void
user_topics(void **state)
{
	make_tmpdir();
	write_file("shame.md", "---\ntitle: My own shame page\nslug: shame\n"
	                       "related: guilt, nowhere\n---\n\nMine.\n");
	write_file("broken.md", "---\ntitle: Broken\nslug: broken\n"
	                        "colour: red\n---\n");
	write_file("binary.md", "\x01\x02\xff\xfe");
	write_file("mine.md", "---\ntitle: Mine\nslug: my-page\n"
	                      "category: My notes\n---\n\nText\n");
	write_file("twin.md", "---\ntitle: Twin\nslug: my-page\n---\n");
	write_file("notes.txt", "not a topic");
	struct topics *bundled = topics_load("");
	struct topics *reg = topics_load(tmpdir);
	assert_non_null(bundled);
	assert_non_null(reg);

	/* the user's page replaces the bundled one with its slug */
	const struct topic *t = topics_get(reg, "shame");
	assert_non_null(t);
	assert_true(t->user);
	assert_string_equal(t->title, "My own shame page");
	assert_string_equal(t->summary, "");
	assert_int_equal(t->nrelated, 1); /* "nowhere" names no topic */
	assert_string_equal(t->related[0], "guilt");
	assert_false(topics_get(bundled, "shame")->user);
	assert_int_equal(topics_count(reg), topics_count(bundled) + 1);

	/* the user's own category comes after the bundled ones */
	const struct topic *last = topics_at(reg, topics_count(reg) - 1);
	assert_string_equal(last->slug, "my-page");
	assert_string_equal(last->title, "Mine");
	assert_null(topics_at(reg, topics_count(reg)));

	/* the rest are skipped, each with a warning naming file and line */
	bool broken = false, binary = false, twin = false, nowhere = false;
	for (size_t i = 0; i < topics_nwarnings(reg); i++) {
		const char *w = topics_warning(reg, i);
		broken |= strstr(w, "/broken.md:4: 'colour'") != NULL;
		binary |= strstr(w, "/binary.md:1: ") != NULL;
		twin |= strstr(w, "/twin.md:3: the slug 'my-page'") != NULL;
		nowhere |= strstr(w, "/shame.md:4: related names 'nowhere'") !=
		           NULL;
	}
	assert_true(broken && binary && twin && nowhere);
	assert_int_equal(topics_nwarnings(reg), 4);
	assert_null(topics_warning(reg, 4));
	assert_null(topics_get(reg, "broken"));
	topics_free(reg);

	/* a missing directory is no problem */
	char missing[128];
	snprintf(missing, sizeof(missing), "%s/none", tmpdir);
	reg = topics_load(missing);
	assert_non_null(reg);
	assert_int_equal(topics_nwarnings(reg), 0);
	topics_free(reg);
	topics_free(bundled);
	remove_tmpdir();
}

static void
user_dir(void **state)
{
	char *d;
	setenv("HOME", "/home/someone", 1);
	setenv("XDG_DATA_HOME", "/data", 1);
	d = topics_user_dir();
	assert_string_equal(d, "/data/selfhelp/topics");
	free(d);
	setenv("XDG_DATA_HOME", "relative/path", 1); /* ignored */
	d = topics_user_dir();
	assert_string_equal(d, "/home/someone/.local/share/selfhelp/topics");
	free(d);
	unsetenv("XDG_DATA_HOME");
	d = topics_user_dir();
	assert_string_equal(d, "/home/someone/.local/share/selfhelp/topics");
	free(d);
	unsetenv("HOME");
	assert_null(topics_user_dir());

	/* topics_load(NULL) reads the XDG directory */
	make_tmpdir();
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/selfhelp", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/selfhelp/topics", tmpdir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/selfhelp/topics/x.md", tmpdir);
	FILE *f = fopen(sub, "w");
	assert_non_null(f);
	fputs("---\ntitle: X page\nslug: x-page\n---\n", f);
	fclose(f);
	setenv("XDG_DATA_HOME", tmpdir, 1);
	struct topics *reg = topics_load(NULL);
	assert_non_null(topics_get(reg, "x-page"));
	topics_free(reg);
	remove_tmpdir();
}

/* ---- every bundled page ---- */

static size_t
count_words(const char *s, size_t len)
{
	size_t n = 0;
	bool in = false, alnum = false;
	for (size_t i = 0; i <= len; i++) {
		bool space = i == len || s[i] == ' ' || s[i] == '\n' ||
		             s[i] == '\t' || s[i] == '\r';
		if (!space) {
			in = true;
			unsigned char c = (unsigned char)s[i];
			alnum |= (c >= 'a' && c <= 'z') ||
			         (c >= 'A' && c <= 'Z') ||
			         (c >= '0' && c <= '9') || c >= 0x80;
		} else if (in) {
			n += alnum;
			in = alnum = false;
		}
	}
	return n;
}

/* Journaling prompts: top-level bullets of that section, each a question. */
static int
count_prompts(const struct topic *t)
{
	const char *s = strstr(t->body, "\n## Journaling prompts\n");
	int n = 0;
	if (!s)
		return -1;
	s += strlen("\n## Journaling prompts\n");
	while (*s && strncmp(s, "## ", 3) != 0) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		if (l > 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
			if (!memchr(s, '?', l))
				return -1;
			n++;
		}
		s += l + (nl ? 1 : 0);
	}
	return n;
}

static struct topics *
load_bundled(void)
{
	struct topics *reg = topics_load("");
	assert_non_null(reg);
	for (size_t i = 0; i < topics_nwarnings(reg); i++)
		print_error("%s\n", topics_warning(reg, i));
	assert_int_equal(topics_nwarnings(reg), 0);
	return reg;
}

static void
bundled_pages(void **state)
{
	struct topics *reg = load_bundled();
	size_t nfiles = 0;
	for (size_t i = 0; i < content_nfiles; i++)
		nfiles += strncmp(content_files[i].path, "topics/", 7) == 0;
	assert_int_equal(topics_count(reg), nfiles);
	assert_true(nfiles > 0);
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		struct frontmatter_error err;
		char path[128];
		int line = 1;
		snprintf(path, sizeof(path), "topics/%s.md", t->slug);
		assert_non_null(content_get(path));
		assert_true(t->category_index < (int)frontmatter_ncategories());
		for (const char *p = content_get(path)->data; p < t->body; p++)
			line += *p == '\n';
		if (frontmatter_check_body(t->body, t->body_len, line, &err))
			fail_msg("%s:%d: %s", path, err.line, err.msg);
		int prompts = count_prompts(t);
		if (prompts < 3 || prompts > 5)
			fail_msg("%s: %d journaling prompts (or one is not a "
			         "question); 3 to 5 fit",
			         path, prompts);
		size_t words = count_words(t->body, t->body_len);
		if (words < 400 || words > 1200)
			fail_msg("%s: %zu words; 400 to 1200 fit", path, words);
		if (!strstr(t->body, "selfhelp crisis"))
			fail_msg("%s: 'selfhelp crisis' is not mentioned",
			         path);
	}
	topics_free(reg);
}

static void
related_resolve(void **state)
{
	struct topics *reg = load_bundled();
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		struct frontmatter fm;
		char path[128];
		snprintf(path, sizeof(path), "topics/%s.md", t->slug);
		const struct content_file *f = content_get(path);
		assert_int_equal(frontmatter_parse(&fm, f->data, f->len,
		                                   FRONTMATTER_BUNDLED, NULL),
		                 0);
		/* the registry kept every related slug */
		assert_int_equal(t->nrelated, fm.nrelated);
		for (size_t j = 0; j < t->nrelated; j++) {
			const struct topic *r = topics_get(reg, t->related[j]);
			if (!r)
				fail_msg("%s: related '%s' names no topic",
				         path, t->related[j]);
			/* and each names a different page by lookup too */
			assert_ptr_equal(topics_find(reg, t->related[j], NULL),
			                 r);
		}
		frontmatter_release(&fm);
		/* every alias and title finds its own page */
		assert_ptr_equal(topics_find(reg, t->title, NULL), t);
		for (size_t j = 0; j < t->naliases; j++) {
			struct topics_near near;
			const struct topic *a =
			        topics_find(reg, t->aliases[j], &near);
			bool listed = false;
			/* an alias two pages share lists both */
			for (size_t k = 0; !a && k < near.n; k++)
				listed |= near.topics[k] == t;
			if (a != t && !(near.ambiguous && listed))
				fail_msg("%s: alias '%s' finds %s", path,
				         t->aliases[j], a ? a->slug : "none");
		}
	}
	topics_free(reg);
}

static void
bundled_widths(void **state)
{
	static const int widths[] = {20, 40, 80, 200};
	struct topics *reg = load_bundled();
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]);
		     w++) {
			char *out = render_markdown(t->body, t->body_len,
			                            RENDER_PLAIN, widths[w], 0);
			int line = 1;
			assert_non_null(out);
			if (strchr(out, '\033'))
				fail_msg("%s: ESC in plain output", t->slug);
			for (const char *p = out; *p; line++) {
				const char *nl = strchr(p, '\n');
				size_t l = nl ? (size_t)(nl - p) : strlen(p);
				size_t dw = render_display_width(p, l);
				if (dw > (size_t)widths[w])
					fail_msg("%s at width %d: line %d is "
					         "%zu columns: %.*s",
					         t->slug, widths[w], line, dw,
					         (int)l, p);
				p += l + (nl ? 1 : 0);
			}
			free(out);
		}
	}
	topics_free(reg);
}

/* ---- lint: what every bundled page keeps (issue 16) ---- */

/*
 * Each check looks at one page and returns NULL, or what is wrong (a
 * static buffer, valid until the next call). The lint_* cases run one
 * check over every bundled page and list every page that fails;
 * lint_catches runs them all on small bad pages, so each can fail.
 */

static const char prompt_preamble[] =
        "Answer only what feels okay; leave questions about the past for "
        "daytime, or for therapy.";

static char lint_msg[256];

static const char *lint_fail(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

static const char *
lint_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lint_msg, sizeof(lint_msg), fmt, ap);
	va_end(ap);
	return lint_msg;
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
is_letter(char c)
{
	c = ascii_lower(c);
	return (c >= 'a' && c <= 'z') || (unsigned char)c >= 0x80;
}

/*
 * The first place in s[0..n) where `needle` (lower case) starts a word,
 * ignoring ASCII case; NULL when there is none.
 */
static const char *
find_word(const char *s, size_t n, const char *needle)
{
	size_t l = strlen(needle);
	for (size_t i = 0; i + l <= n; i++) {
		if (i > 0 && is_letter(s[i - 1]))
			continue;
		size_t k = 0;
		while (k < l && ascii_lower(s[i + k]) == needle[k])
			k++;
		if (k == l)
			return s + i;
	}
	return NULL;
}

/* Like find_word, but anywhere (also inside a word). */
static const char *
find_ci(const char *s, size_t n, const char *needle)
{
	size_t l = strlen(needle);
	for (size_t i = 0; i + l <= n; i++) {
		size_t k = 0;
		while (k < l && ascii_lower(s[i + k]) == needle[k])
			k++;
		if (k == l)
			return s + i;
	}
	return NULL;
}

/* The text of section "## name" up to the next "## " line, or NULL. */
static const char *
section_of(const struct topic *t, const char *name, size_t *len)
{
	char head[96];
	snprintf(head, sizeof(head), "\n## %s\n", name);
	const char *s = strstr(t->body, head);
	if (!s)
		return NULL;
	s += strlen(head);
	const char *e = strstr(s, "\n## ");
	*len = e ? (size_t)(e - s) + 1 : strlen(s);
	return s;
}

/* The line that holds p, within the body: start and length. */
static const char *
line_of(const struct topic *t, const char *p, size_t *len)
{
	const char *s = p;
	while (s > t->body && s[-1] != '\n')
		s--;
	const char *e = strchr(p, '\n');
	*len = e ? (size_t)(e - s) : strlen(s);
	return s;
}

/* The next line of s[..end): *l bytes at the returned pointer. */
static const char *
next_line(const char **s, const char *end, size_t *l)
{
	if (*s >= end)
		return NULL;
	const char *line = *s, *nl = memchr(line, '\n', (size_t)(end - line));
	*l = nl ? (size_t)(nl - line) : (size_t)(end - line);
	*s = line + *l + 1;
	return line;
}

static bool
is_bullet(const char *line, size_t l)
{
	return l > 2 && line[0] == '-' && line[1] == ' ';
}

/* Rule 1: the standard line comes before the prompts, then only the list. */
static const char *
check_preamble(const struct topic *t)
{
	size_t len, l;
	const char *sec = section_of(t, "Journaling prompts", &len), *line;
	bool seen = false;
	int prompts = 0;
	if (!sec)
		return lint_fail("no journaling prompts");
	for (const char *p = sec; (line = next_line(&p, sec + len, &l));) {
		if (l == 0)
			continue;
		if (!seen) {
			if (l != strlen(prompt_preamble) ||
			    memcmp(line, prompt_preamble, l) != 0)
				return lint_fail(
				        "the prompts do not start with "
				        "the line '%s'",
				        prompt_preamble);
			seen = true;
		} else if (is_bullet(line, l)) {
			prompts++;
		} else {
			return lint_fail("text that is not a prompt after the "
			                 "standard line: '%.40s'",
			                 line);
		}
	}
	return prompts ? NULL : lint_fail("no prompts after the standard line");
}

/* Words in a first prompt that point back to the past. */
static const char *const past_cues[] = {
        "as a child",
        "as a kid",
        "growing up",
        "grew up",
        "when you were",
        "when i was",
        "back then",
        "childhood",
        "in the past",
        "your past",
        "my past",
        "your family",
        "my family",
        "your parents",
        "my parents",
        "younger self",
        "hardest time",
        "hardest period",
        "protecting you",
        "protecting me",
        "protect you from",
        "protect me from",
        NULL,
};

/* Rule 2: the first prompt is about now, not about the past. */
static const char *
check_present_first(const struct topic *t)
{
	size_t len, l;
	const char *sec = section_of(t, "Journaling prompts", &len), *line;
	if (!sec)
		return lint_fail("no journaling prompts");
	for (const char *p = sec; (line = next_line(&p, sec + len, &l));) {
		if (!is_bullet(line, l))
			continue;
		for (size_t i = 0; past_cues[i]; i++)
			if (find_word(line, l, past_cues[i]))
				return lint_fail("the first prompt looks back "
				                 "('%s'): %.*s",
				                 past_cues[i], (int)l, line);
		return NULL;
	}
	return lint_fail("no prompts");
}

/* Pages the reviews asked a content note for, by name. */
static const char *const must_have_note[] = {
        "sleep-and-nightmares",
        "avoidance",
        "body-awareness",
        "what-is-cptsd",
        "childhood-trauma",
        "perpetrator-introjects",
        NULL,
};

/* Words that make a page heavy when the page itself is about them. */
static const char *const heavy_cues[] = {
        "abuse",     "abusive",     "violence",  "violent",
        "assault",   "self-harm",   "suicid",    "nightmare",
        "captivity", "trafficking", "genocide",  "concentration camp",
        "alcohol",   "drugs",       "addiction", "neglect",
        NULL,
};

/*
 * Rule 3: a heavy page has a content note (the front matter's "note:",
 * which 'topics show' puts first and, on a terminal, waits on). Heavy
 * means: named in must_have_note, or a heavy cue in the page before its
 * help section (the help sections all name crises; "a domestic abuse
 * service" is a pointer, not content). A note is one calm sentence.
 */
static const char *
check_note(const struct topic *t)
{
	const char *heavy = NULL;
	for (size_t i = 0; must_have_note[i]; i++)
		if (strcmp(t->slug, must_have_note[i]) == 0)
			heavy = "the reviews ask for one";
	const char *help = strstr(t->body, "\n## When to look for");
	size_t n = help ? (size_t)(help - t->body) : t->body_len;
	for (size_t i = 0; !heavy && heavy_cues[i]; i++) {
		const char *s = t->body, *hit;
		while ((hit = find_word(s, n - (size_t)(s - t->body),
		                        heavy_cues[i]))) {
			const char *after = hit + strlen(heavy_cues[i]);
			while (is_letter(*after))
				after++;
			if (strncmp(after, " service", 8) != 0) {
				heavy = heavy_cues[i];
				break;
			}
			s = after;
		}
	}
	if (!t->note)
		return heavy ? lint_fail("no content note, though the page is "
		                         "heavy (%s)",
		                         heavy)
		             : NULL;
	size_t l = strlen(t->note);
	if (l < 2 || t->note[l - 1] != '.' || strstr(t->note, ". ") ||
	    find_ci(t->note, l, "warning") || strstr(t->note, "TW"))
		return lint_fail("the note is not one calm sentence: '%s'",
		                 t->note);
	return NULL;
}

/*
 * Rule 4: a term from Walker's clinical writing ("fawn", "emotional
 * flashback") is called one where it first appears (outside headings).
 */
static const char *const clinical_terms[] = {"fawn", "emotional flashback",
                                             NULL};

static const char *
check_clinical_terms(const struct topic *t)
{
	for (size_t i = 0; clinical_terms[i]; i++) {
		const char *s = t->body, *hit, *line = NULL;
		size_t l = 0;
		while ((hit = find_word(s, t->body_len - (size_t)(s - t->body),
		                        clinical_terms[i]))) {
			line = line_of(t, hit, &l);
			if (line[0] != '#')
				break;
			s = line + l;
		}
		if (hit && !find_ci(line, l, "clinical writing"))
			return lint_fail("'%s' first appears without 'a term "
			                 "from clinical writing': %.60s",
			                 clinical_terms[i], line);
	}
	return NULL;
}

/* Sentences that assume the danger is over. */
static const char *const over_cues[] = {
        "danger has passed", "danger is gone",
        "danger is over",    "danger was over",
        "you are safe now",  "i'm safe now",
        "i am safe now",     "not in danger now",
        "the most safety",   NULL,
};

/* Pages that point to the safety plan. */
static const char *const must_name_safety_plan[] = {
        "what-is-cptsd",
        "stabilization",
        "triggers",
        "flashbacks",
        "hypervigilance",
        "perpetrator-introjects",
        "depression",
        "skills",
        "sleep-and-nightmares",
        NULL,
};

/* Pages that speak to a reader whose devices someone else checks. */
static const char *const must_name_devices[] = {
        "what-is-cptsd",
        "stabilization",
        "hypervigilance",
        "boundaries",
        "codependency",
        "vulnerability",
        NULL,
};

/*
 * Rule 5: never assume the danger is over. "An old alarm, not a new
 * danger" only after "if you can" check that you are safe; the pages
 * above name `selfhelp safety-plan` and device safety.
 */
static const char *
check_danger(const struct topic *t)
{
	const char *hit, *line = NULL;
	size_t l = 0;
	for (size_t i = 0; over_cues[i]; i++)
		if ((hit = find_ci(t->body, t->body_len, over_cues[i])))
			return lint_fail("assumes the danger is over: '%s'",
			                 over_cues[i]);
	for (const char *s = t->body;
	     (hit = find_ci(s, t->body_len - (size_t)(s - t->body),
	                    "not a new danger"));
	     s = line + l) {
		line = line_of(t, hit, &l);
		if (!find_ci(line, (size_t)(hit - line), "if you can"))
			return lint_fail("'not a new danger' without 'if you "
			                 "can' check that you are safe first");
	}
	for (size_t i = 0; must_name_safety_plan[i]; i++)
		if (strcmp(t->slug, must_name_safety_plan[i]) == 0 &&
		    !strstr(t->body, "`selfhelp safety-plan`"))
			return lint_fail("does not point to `selfhelp "
			                 "safety-plan`");
	for (size_t i = 0; must_name_devices[i]; i++)
		if (strcmp(t->slug, must_name_devices[i]) == 0 &&
		    !(find_ci(t->body, t->body_len, "computer") &&
		      find_ci(t->body, t->body_len, "passphrase")))
			return lint_fail("says nothing about a phone or "
			                 "computer someone else checks");
	return NULL;
}

/* Reading that needs a short note: vivid, contested, or one voice. */
static const char *const noted_reading[] = {
        "the body keeps the score",
        "waking the tiger",
        "my grandmother's hands",
        "gabor mat",
        "pete walker",
        NULL,
};

static bool
has_year(const char *s, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if ((s[i] == '1' && s[i + 1] == '9') ||
		    (s[i] == '2' && s[i + 1] == '0'))
			if (s[i + 2] >= '0' && s[i + 2] <= '9' &&
			    s[i + 3] >= '0' && s[i + 3] <= '9' &&
			    (i + 4 == n ||
			     !(s[i + 4] >= '0' && s[i + 4] <= '9')))
				return true;
	return false;
}

/*
 * Rule 6: further reading. Those books carry a note in brackets; a
 * journal article ("Title", *Journal*) and a German book name a year.
 */
static const char *
check_reading(const struct topic *t)
{
	size_t len, l;
	const char *sec = section_of(t, "Further reading", &len), *line;
	if (!sec)
		return lint_fail("no further reading");
	for (const char *p = sec; (line = next_line(&p, sec + len, &l));) {
		if (!is_bullet(line, l))
			continue;
		for (size_t i = 0; noted_reading[i]; i++) {
			const char *hit = find_ci(line, l, noted_reading[i]);
			if (hit && !memchr(hit, '(', l - (size_t)(hit - line)))
				return lint_fail("'%s' needs a short note: "
				                 "%.*s",
				                 noted_reading[i], (int)l,
				                 line);
		}
		if ((memchr(line, '"', l) || find_ci(line, l, "in german")) &&
		    !has_year(line, l))
			return lint_fail("an article or German book without "
			                 "a year: %.*s",
			                 (int)l, line);
	}
	return NULL;
}

struct lint {
	const char *name;
	const char *(*check)(const struct topic *t);
};

static const struct lint lints[] = {
        {"preamble", check_preamble}, {"present-first", check_present_first},
        {"note", check_note},         {"clinical-terms", check_clinical_terms},
        {"danger", check_danger},     {"reading", check_reading},
};

/* Run lint `name` over every bundled page; list every failure. */
static void
lint_bundled(const char *name)
{
	const struct lint *lint = NULL;
	for (size_t i = 0; i < sizeof(lints) / sizeof(lints[0]); i++)
		if (strcmp(lints[i].name, name) == 0)
			lint = &lints[i];
	assert_non_null(lint);
	struct topics *reg = load_bundled();
	int bad = 0;
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		const char *why = lint->check(t);
		if (why) {
			print_error("topics/%s.md: %s\n", t->slug, why);
			bad++;
		}
	}
	topics_free(reg);
	if (bad)
		fail_msg("%d pages break the '%s' rule", bad, name);
}

static void
lint_prompt_preamble(void **state)
{
	lint_bundled("preamble");
}

static void
lint_present_first(void **state)
{
	lint_bundled("present-first");
}

static void
lint_content_notes(void **state)
{
	lint_bundled("note");
}

static void
lint_clinical_terms(void **state)
{
	lint_bundled("clinical-terms");
}

static void
lint_danger_wording(void **state)
{
	lint_bundled("danger");
}

static void
lint_reading_notes(void **state)
{
	lint_bundled("reading");
}

/*
 * "perpetrator projects" is the seed list's wording, not a term: an
 * alias of perpetrator-introjects and nothing more. The German words
 * find the page by name and by search.
 */
static void
lint_seed_wording(void **state)
{
	struct topics *reg = load_bundled();
	const struct topic *pi = topics_get(reg, "perpetrator-introjects");
	assert_non_null(pi);
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		const char *fields[] = {t->title, t->summary,
		                        t->note ? t->note : ""};
		if (find_ci(t->body, t->body_len, "perpetrator project"))
			fail_msg("topics/%s.md: 'perpetrator projects' in the "
			         "text",
			         t->slug);
		for (size_t k = 0; k < 3; k++)
			if (find_ci(fields[k], strlen(fields[k]),
			            "perpetrator project"))
				fail_msg("topics/%s.md: 'perpetrator projects' "
				         "in the front matter",
				         t->slug);
	}
	static const char *const names[] = {
	        "perpetrator projects", "Täterintrojekt",
	        "Täterintrojekte",      "TÄTERINTROJEKTE",
	        "täterintrojekte",      "perpetrator introject",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (find(reg, names[i]) != pi)
			fail_msg("'%s' does not find perpetrator-introjects",
			         names[i]);
	static const char *const queries[] = {
	        "Täterintrojekte", "täterintrojekt", "perpetrator projects",
	        "perpetrator"};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct topic_hits hits;
		bool found = false;
		assert_int_equal(topics_search(reg, queries[i], &hits), 0);
		for (size_t k = 0; k < hits.n; k++) {
			const char *sn = hits.hits[k].snippet;
			found |= hits.hits[k].topic == pi;
			if (sn &&
			    find_ci(sn, strlen(sn), "perpetrator project"))
				fail_msg(
				        "a snippet for '%s' shows 'perpetrator "
				        "projects': %s",
				        queries[i], sn);
		}
		if (!found)
			fail_msg("search '%s' misses perpetrator-introjects",
			         queries[i]);
		if (i < 2 && hits.hits[0].topic != pi)
			fail_msg("search '%s' ranks %s first", queries[i],
			         hits.hits[0].topic->slug);
		topic_hits_release(&hits);
	}
	topics_free(reg);
}

/*
 * Small user pages for lint_catches: one keeps every rule, each other
 * breaks the one rule named (and only that one).
 */
static const struct {
	const char *slug;
	const char *text;    /* "What it is" */
	const char *prompts; /* NULL: the standard line and a present prompt */
	const char *reading; /* NULL: an ordinary book */
	const char *rule;    /* NULL for the good page */
} lint_pages[] = {
        {"lint-good", "Quiet words.", NULL, NULL, NULL},
        {"lint-preamble", "Words.", "- What helps?\n", NULL, "preamble"},
        {"lint-past", "Words.",
         "Answer only what feels okay; leave questions about the past for "
         "daytime, or for therapy.\n\n"
         "- What was bedtime like for you as a child?\n",
         NULL, "present-first"},
        {"lint-heavy", "Nightmares at night.", NULL, NULL, "note"},
        {"lint-fawn", "The fawn response keeps you safe.", NULL, NULL,
         "clinical-terms"},
        {"lint-over", "It keeps running after the danger has passed.", NULL,
         NULL, "danger"},
        {"lint-reading", "Words.", NULL,
         "- Bessel van der Kolk, *The Body Keeps the Score*\n", "reading"},
        {"lint-article", "Words.", NULL,
         "- A. Writer, \"An article\", *A Journal*\n", "reading"},
};

static void
lint_catches(void **state)
{
	enum { NPAGES = sizeof(lint_pages) / sizeof(lint_pages[0]) };
	make_tmpdir();
	for (size_t i = 0; i < NPAGES; i++) {
		char name[64], page[1024];
		snprintf(name, sizeof(name), "%s.md", lint_pages[i].slug);
		snprintf(
		        page, sizeof(page),
		        "---\ntitle: %s\nslug: %s\n---\n\n## What it is\n\n%s\n"
		        "\n## Journaling prompts\n\n%s"
		        "\n## When to look for professional help\n\n"
		        "`selfhelp crisis` lists crisis lines.\n"
		        "\n## Further reading\n\n%s",
		        lint_pages[i].slug, lint_pages[i].slug,
		        lint_pages[i].text,
		        lint_pages[i].prompts
		                ? lint_pages[i].prompts
		                : "Answer only what feels okay; leave "
		                  "questions "
		                  "about the past for daytime, or for therapy."
		                  "\n\n- What helps today?\n- What else?\n",
		        lint_pages[i].reading ? lint_pages[i].reading
		                              : "- A. Writer, *A Book*\n");
		write_file(name, page);
	}
	struct topics *reg = topics_load(tmpdir);
	assert_non_null(reg);
	assert_int_equal(topics_nwarnings(reg), 0);
	for (size_t i = 0; i < NPAGES; i++) {
		const struct topic *t = topics_get(reg, lint_pages[i].slug);
		assert_non_null(t);
		for (size_t k = 0; k < sizeof(lints) / sizeof(lints[0]); k++) {
			const char *why = lints[k].check(t);
			bool want =
			        lint_pages[i].rule &&
			        strcmp(lint_pages[i].rule, lints[k].name) == 0;
			if (want != (why != NULL))
				fail_msg("%s: rule '%s' says %s",
				         lint_pages[i].slug, lints[k].name,
				         why ? why : "fine");
		}
	}
	topics_free(reg);
	remove_tmpdir();
}

/* ---- journaling prompts ---- */

/* Every bundled page yields prompts (cmark reads the section), the first
 * of each marked present-focused and only that one. */
static void
prompts_every_page(void **state)
{
	struct topics *reg = topics_load("");
	struct topic_prompts all, one;
	size_t total = 0, npresent = 0;
	assert_non_null(reg);
	assert_true(topics_count(reg) >= 50);
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		assert_int_equal(topics_prompts(reg, t, &one), 0);
		if (one.n < 1)
			fail_msg("%s: no journaling prompts", t->slug);
		if ((int)one.n != count_prompts(t))
			fail_msg("%s: %zu prompts read, %d bullets", t->slug,
			         one.n, count_prompts(t));
		for (size_t k = 0; k < one.n; k++) {
			const char *p = one.v[k].text;
			assert_ptr_equal(one.v[k].topic, t);
			assert_int_equal(one.v[k].present, k == 0);
			assert_true(*p && p[0] != ' ' &&
			            p[strlen(p) - 1] != ' ');
			assert_null(strpbrk(p, "*`\n\t"));
			if (strncmp(p, "- ", 2) == 0)
				fail_msg("%s: a marker in '%s'", t->slug, p);
		}
		total += one.n;
		topic_prompts_release(&one);
	}
	assert_int_equal(topics_prompts(reg, NULL, &all), 0);
	assert_int_equal(all.n, total);
	for (size_t k = 0; k < all.n; k++)
		npresent += all.v[k].present;
	assert_int_equal(npresent, topics_count(reg));
	topic_prompts_release(&all);
	topic_prompts_release(&all);

	const struct topic *anger = topics_get(reg, "anger");
	assert_non_null(anger);
	assert_int_equal(topics_prompts(reg, anger, &one), 0);
	assert_string_equal(one.v[0].text,
	                    "Where in my body do I notice anger first?");
	topic_prompts_release(&one);
	topics_free(reg);
}

static const char prompts_page[] =
        "---\ntitle: Prompt parsing\nslug: zz-prompts\n---\n\n"
        "## What it is\n\n- not a prompt\n\n"
        "## journaling PROMPTS\n\n"
        "Only what feels okay.\n\n"
        "- What is *one* thing\n  that helps `now`?\n"
        "  - a nested item is part of no prompt\n"
        "- A \x1b[31mred\x07 line?\n"
        "-   \n"
        "### A smaller heading stays in the section\n\n"
        "1. Numbered, [linked](https://example.org) too?\n\n"
        "```\n- code is no prompt\n```\n\n"
        "## Further reading\n\n- A book\n";

/* The section read with cmark: markers, nesting, control bytes, levels. */
static void
prompts_parse(void **state)
{
	struct topic_prompts p;
	make_tmpdir();
	write_file("p.md", prompts_page);
	write_file("none.md", "---\ntitle: No prompts\nslug: zz-none\n---\n\n"
	                      "## Further reading\n\n- A book\n");
	struct topics *reg = topics_load(tmpdir);
	assert_non_null(reg);
	assert_int_equal(topics_nwarnings(reg), 0);
	const struct topic *t = topics_get(reg, "zz-prompts");
	assert_non_null(t);
	assert_int_equal(topics_prompts(reg, t, &p), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.v[0].text, "What is one thing that helps now?");
	assert_string_equal(p.v[1].text, "A [31mred line?");
	assert_string_equal(p.v[2].text, "Numbered, linked too?");
	/* a person's own page makes no promise about the present */
	for (size_t i = 0; i < p.n; i++)
		assert_false(p.v[i].present);
	topic_prompts_release(&p);

	t = topics_get(reg, "zz-none");
	assert_non_null(t);
	assert_int_equal(topics_prompts(reg, t, &p), 0);
	assert_int_equal(p.n, 0);
	assert_null(p.v);
	topic_prompts_release(&p);
	topics_free(reg);
	remove_tmpdir();
}

int
main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(parse_good),
	        cmocka_unit_test(parse_bad),
	        cmocka_unit_test(user_rules),
	        cmocka_unit_test(check_body),
	        cmocka_unit_test(lookup),
	        cmocka_unit_test(search),
	        cmocka_unit_test(user_topics),
	        cmocka_unit_test(user_dir),
	        cmocka_unit_test(bundled_pages),
	        cmocka_unit_test(related_resolve),
	        cmocka_unit_test(bundled_widths),
	        cmocka_unit_test(lint_catches),
	        cmocka_unit_test(lint_prompt_preamble),
	        cmocka_unit_test(lint_present_first),
	        cmocka_unit_test(lint_content_notes),
	        cmocka_unit_test(lint_clinical_terms),
	        cmocka_unit_test(lint_danger_wording),
	        cmocka_unit_test(lint_reading_notes),
	        cmocka_unit_test(lint_seed_wording),
	        cmocka_unit_test(prompts_every_page),
	        cmocka_unit_test(prompts_parse),
	};
	return RUN_NAMED(tests, argc, argv);
}
