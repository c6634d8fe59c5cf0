/*
 * Markdown rendering for the terminal: walks cmark's AST with cmark_iter
 * (public API only). Text is wrapped by display width (utf8proc), and
 * every literal has ESC and other C0 control bytes stripped, because
 * rendered text may come from user files.
 */
#ifndef SELFHELP_RENDER_H
#define SELFHELP_RENDER_H

#include <stddef.h>

enum render_format {
	RENDER_ANSI,     /* styles with SGR escapes; ours */
	RENDER_PLAIN,    /* no escape sequence at all; ASCII markers; ours */
	RENDER_MARKDOWN, /* cmark_render_commonmark */
	RENDER_HTML,     /* cmark_render_html (safe: raw HTML dropped) */
	RENDER_MAN,      /* cmark_render_man */
};

enum render_flags {
	RENDER_HYPERLINKS = 1 << 0, /* ANSI only: OSC 8 for http(s)/mailto */
	/*
	 * ANSI only: draw block quotes with a bar (U+2502) instead of
	 * "> ". Off by default, because with it the output stripped of
	 * escapes is no longer the PLAIN output (R7), and it is a
	 * box-drawing glyph (R8).
	 */
	RENDER_QUOTE_BAR = 1 << 1,
};

/*
 * Render `len` bytes of CommonMark as `format`, wrapped to `width`
 * display columns (ANSI, PLAIN, MAN, MARKDOWN; ignored for HTML; a width
 * below 20 is treated as 20, one above 1000 as 1000). Returns a
 * NUL-terminated buffer the caller frees with free(), or NULL when out of
 * memory.
 *
 * ANSI and PLAIN lay out the same visible text: ANSI output with its SGR
 * and OSC 8 escapes removed is the PLAIN output byte for byte (unless
 * RENDER_QUOTE_BAR is given). PLAIN output holds no escape sequence and
 * no carriage return; its markers are ASCII: headings underlined with
 * "=" and "-" (levels 1-2) or prefixed with "###", "_emphasis_",
 * "*strong*", "`code`", "-"/"*"/"+" bullets, "> " quotes, "----" breaks,
 * links as "label (url)". Code blocks are indented by four columns and not
 * re-wrapped; every other line fits in `width` (a word longer than a line
 * is broken). Raw HTML is dropped, and control characters (C0 but newline
 * and tab, DEL, C1) are removed from all text in every format. Every
 * styled ANSI line ends with its styles and hyperlink closed. Don't pass
 * RENDER_HYPERLINKS for text that goes to a pager (R20).
 */
char *render_markdown(const char *md, size_t len, enum render_format format,
                      int width, unsigned flags);

/*
 * Display width in terminal columns of `len` bytes of UTF-8: wide (CJK,
 * emoji) characters count 2, combining marks 0, invalid bytes 1 each.
 * Counted by grapheme cluster: a variation selector 16 makes a narrow
 * base 2 wide, and an emoji ZWJ sequence counts as the sum of its parts
 * (what wcwidth-based terminals show; never less than newer ones show).
 */
size_t render_display_width(const char *s, size_t len);

#endif
