/*
 * Topic pages: the bundled ones (content/topics/SLUG.md, compiled in) merged
 * with a person's own pages from $XDG_DATA_HOME/selfhelp/topics/NAME.md
 * (a user page with the same slug replaces the bundled one). Lookup by
 * slug, title, alias or unique prefix, and ranked search. Never prints:
 * problems with user files come back as warning strings.
 */
#ifndef SELFHELP_TOPICS_H
#define SELFHELP_TOPICS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One topic, read-only. Every pointer is borrowed from the registry that
 * returned it and valid until topics_free(). Strings are UTF-8 with
 * control characters removed (safe to print); `body` is the raw markdown
 * after the front matter (render it; never print it as is).
 */
struct topic {
	const char *slug;
	const char *title;
	const char *summary;  /* "" when a user page has none */
	const char *category; /* "" when a user page has none */
	const char *note;     /* content note, or NULL */
	const char *const *aliases;
	size_t naliases;
	const char *const
	        *related; /* slugs that name a topic in the registry */
	size_t nrelated;
	const char *body;
	size_t body_len;
	/*
	 * Display order of the category: 0 .. frontmatter_ncategories()-1
	 * for the bundled categories, frontmatter_ncategories() for any
	 * other (a user's own category).
	 */
	int category_index;
	bool user;        /* from the user's topics directory */
	const char *path; /* "topics/x.md" (bundled) or the user file's path */
};

struct topics;

/*
 * Load the registry: bundled topics plus user topics from `user_dir`
 * (NULL: topics_user_dir(); "" : none). A missing directory is fine;
 * a user file that cannot be read or parsed is skipped and described in
 * a warning. Returns a registry the caller frees with topics_free(), or
 * NULL when out of memory.
 */
struct topics *topics_load(const char *user_dir);

/* Free the registry and everything borrowed from it. NULL is a no-op. */
void topics_free(struct topics *reg);

/*
 * The directory for user topics: $XDG_DATA_HOME/selfhelp/topics when
 * XDG_DATA_HOME is an absolute path, else $HOME/.local/share/selfhelp/
 * topics. Caller frees with free(); NULL when neither is set (or OOM).
 */
char *topics_user_dir(void);

/* Number of topics; topic i (0 .. n-1) in display order: category
 * order, then slug. Borrowed from `reg`; NULL past the end. */
size_t topics_count(const struct topics *reg);
const struct topic *topics_at(const struct topics *reg, size_t i);

/*
 * Warnings collected while loading, e.g. "/home/x/.local/share/selfhelp/
 * topics/mine.md:3: 'titel' is not a front matter key (...)". Borrowed
 * from `reg`; NULL past the end.
 */
size_t topics_nwarnings(const struct topics *reg);
const char *topics_warning(const struct topics *reg, size_t i);

/* The topic whose slug is exactly `slug`, or NULL. Borrowed from `reg`. */
const struct topic *topics_get(const struct topics *reg, const char *slug);

enum { TOPICS_MAX_CANDIDATES = 5 };

/*
 * Candidates for a name that found no single topic, closest first.
 * `topics` entries are borrowed from the registry.
 */
struct topics_near {
	bool ambiguous; /* the name is a prefix of several topics */
	size_t n;
	const struct topic *topics[TOPICS_MAX_CANDIDATES];
};

/*
 * Find a topic by `name`, compared without regard to case (Unicode case
 * folding) and treating '-', '_' and runs of spaces alike: the slug, the
 * title, an alias of one topic, or else a prefix of exactly one slug or
 * title. Returns the topic (borrowed from `reg`), or NULL with `near`
 * (may be NULL) filled: when ambiguous, the topics sharing that alias or
 * prefix; else the closest names (substring matches, then edit distance).
 */
const struct topic *topics_find(const struct topics *reg, const char *name,
                                struct topics_near *near);

struct topic_hit {
	const struct topic *topic; /* borrowed from the registry */
	int score;                 /* higher is better */
	/*
	 * Plain text around the first match in the body ("…" marks cut
	 * ends; markdown markers and control characters removed), or NULL
	 * when only the title, summary or aliases matched. Owned by the
	 * hit list.
	 */
	char *snippet;
	/*
	 * With a snippet: the whole readable body it was cut from (plain as
	 * the snippet is, one line, owned by the hit list) and the first
	 * match in it, bytes [match_start, match_end), for a caller that
	 * fits its own snippet to a width (search_snippet_fit). NULL and
	 * 0 when there is no snippet.
	 */
	char *text;
	size_t text_len, match_start, match_end;
};

struct topic_hits {
	struct topic_hit *hits; /* n hits, best first */
	size_t n;
};

/*
 * Search for `query`: every whitespace-separated word must occur
 * (case-insensitive, Unicode case folding) in the title, slug, summary,
 * aliases or body of a topic. Hits are ranked title > summary, slug and
 * aliases > body. Fills `out` (release with topic_hits_release()) and
 * returns 0, or -1 when out of memory (`out` empty). An empty query
 * gives no hits.
 */
int topics_search(const struct topics *reg, const char *query,
                  struct topic_hits *out);

/* Free the hits and snippets in `hits` and empty it. */
void topic_hits_release(struct topic_hits *hits);

/*
 * Journaling prompts. A page's prompts are the items of the lists in its
 * "Journaling prompts" section (the heading of that name, any level and
 * case, up to the next heading of the same or a higher level), read with
 * cmark: plain text, markdown markers gone, line breaks and runs of white
 * space made one space, control characters removed (safe to print).
 *
 * Which prompts are present-focused is known from the content, not from
 * words: the first prompt of every bundled page is about now (a content
 * rule: test-topics lint_present_first checks it on every page), so those
 * are `present`. A person's own pages carry no such promise; none of
 * their prompts is `present`.
 */
struct topic_prompt {
	const struct topic *topic; /* borrowed from the registry */
	char *text;                /* owned by the prompt list */
	bool present;              /* present-focused (see above) */
};

struct topic_prompts {
	struct topic_prompt *v; /* n prompts, in page order */
	size_t n;
};

/*
 * The prompts of topic `t` (from `reg`), or of every topic in display
 * order when `t` is NULL. Fills `out` (release with
 * topic_prompts_release()) and returns 0, or -1 when out of memory (`out`
 * empty). A page without the section gives none.
 */
int topics_prompts(const struct topics *reg, const struct topic *t,
                   struct topic_prompts *out);

/* Free the prompt texts in `p` and empty it. */
void topic_prompts_release(struct topic_prompts *p);

#endif
