/*
 * Topic files (lib/frontmatter.h): frontmatter_parse with the rules for
 * a person's own file and for a bundled one, then frontmatter_check_body
 * on the body. Input: the file.
 *
 * Checks: every parsed string is UTF-8 without control characters (the
 * header says they are safe to print), title and slug are there and the
 * slug is a slug, the body starts inside the input, and a parse error
 * has a message without control characters (`topics` shows it).
 */
#include "fuzz.h"

#include "frontmatter.h"

#include <string.h>

static void
check_str(const char *s)
{
	if (s)
		FUZZ_CHECK(fuzz_printable(s, strlen(s), "", false));
}

static void
check_error(const struct frontmatter_error *err)
{
	size_t n = strnlen(err->msg, sizeof(err->msg));
	FUZZ_CHECK(n > 0 && n < sizeof(err->msg));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err->msg[i];
		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
	}
}

static void
check_parsed(const struct frontmatter *fm, size_t size, unsigned flags)
{
	FUZZ_CHECK(fm->title && *fm->title);
	FUZZ_CHECK(frontmatter_is_slug(fm->slug));
	check_str(fm->title);
	check_str(fm->slug);
	check_str(fm->summary);
	check_str(fm->category);
	check_str(fm->note);
	for (size_t i = 0; i < fm->naliases; i++)
		check_str(fm->aliases[i]);
	for (size_t i = 0; i < fm->nrelated; i++)
		FUZZ_CHECK(frontmatter_is_slug(fm->related[i]));
	FUZZ_CHECK(fm->body_offset <= size);
	FUZZ_CHECK(fm->body_line >= 2);
	if (flags & FRONTMATTER_BUNDLED) {
		FUZZ_CHECK(frontmatter_category_index(fm->category) >= 0);
		FUZZ_CHECK(fm->nrelated >= FRONTMATTER_RELATED_MIN &&
		           fm->nrelated <= FRONTMATTER_RELATED_MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flag_sets[] = {0, FRONTMATTER_BUNDLED};
	const char *text = (const char *)data;
	for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++) {
		struct frontmatter fm;
		struct frontmatter_error err;
		if (frontmatter_parse(&fm, text, size, flag_sets[f], &err)) {
			check_error(&err);
			FUZZ_CHECK(!fm.title && !fm.slug && !fm.aliases);
			continue;
		}
		check_parsed(&fm, size, flag_sets[f]);
		/* Only the build checks bodies (of bundled files), so their
		 * messages may quote a heading as it is. */
		if (frontmatter_check_body(text + fm.body_offset,
		                           size - fm.body_offset, fm.body_line,
		                           &err))
			FUZZ_CHECK(err.msg[0] && err.line >= fm.body_line - 1);
		frontmatter_release(&fm);
		frontmatter_release(&fm); /* safe on a released struct */
	}
	return 0;
}
