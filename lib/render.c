/*
 * Terminal renderer over cmark's public API: one cmark_iter loop and a
 * switch on the node type, as cmark's own man and html renderers do.
 *
 * ANSI and PLAIN share every decision about layout and visible text; ANSI
 * only adds SGR and OSC 8 escapes around it. So ANSI output with its
 * escapes stripped is PLAIN output byte for byte (colour never carries
 * meaning alone), and that is why emphasis keeps visible markers.
 *
 * Inline text goes through a small layout engine: text is cut into
 * "words" (units between break opportunities), each word a list of runs
 * of one style, and words are placed on lines by display width.
 */
#include "render.h"
#include "strbuf.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum {
	WIDTH_MIN = 20,
	WIDTH_MAX = 1000,
	/* Nesting never leaves fewer columns than this for text. */
	TEXT_COLS_MIN = 10,
	CODE_INDENT = 4,
	TAB_STOP = 4,
	MARK_MAX = 32,
};

enum style {
	ST_BOLD = 1 << 0,
	ST_DIM = 1 << 1,
	ST_ITALIC = 1 << 2,
	ST_UNDERLINE = 1 << 3,
	ST_CODE = 1 << 4,
};

static const struct {
	unsigned bit;
	const char *sgr;
} sgr_codes[] = {
        {ST_BOLD, "1"},      {ST_DIM, "2"},   {ST_ITALIC, "3"},
        {ST_UNDERLINE, "4"}, {ST_CODE, "36"},
};

/* The palette: one place to change how things look. */
#define STYLE_HEADING      ST_BOLD
#define STYLE_HEADING_MARK ST_DIM
#define STYLE_EMPH         ST_ITALIC
#define STYLE_STRONG       ST_BOLD
#define STYLE_CODE         ST_CODE
#define STYLE_LINK         ST_UNDERLINE
#define STYLE_URL          ST_DIM
#define STYLE_QUOTE_MARK   ST_DIM
#define STYLE_RULE         ST_DIM

/* Visible markers, the same in ANSI and PLAIN. */
#define MARK_EMPH   "_"
#define MARK_STRONG "*"
#define MARK_CODE   "`"
#define MARK_QUOTE  ">"
#define MARK_BAR    "\xe2\x94\x82" /* U+2502, RENDER_QUOTE_BAR only */
#define RULE_H1     '='
#define RULE_H2     '-'
#define RULE_BREAK  '-'
static const char *const bullets[] = {"-", "*", "+"};

#define OSC8_CLOSE "\033]8;;\033\\"

struct run {
	size_t off;
	unsigned style;
	const char *link;
};

/* A unit of text between two break opportunities. */
struct word {
	struct strbuf text;
	struct run *runs;
	size_t nruns, cap;
	int width;
};

enum frame_kind { FRAME_DOC, FRAME_QUOTE, FRAME_LIST, FRAME_ITEM };

struct frame {
	enum frame_kind kind;
	size_t lines_at_open; /* to tell whether a sibling block came first */
	bool tight;           /* LIST and ITEM: the list is tight */
	bool used;            /* ITEM: its marker has been shown */
	int width;            /* QUOTE and ITEM: columns of the line prefix */
	int mark_w;
	char mark[MARK_MAX];
	/* LIST */
	bool ordered;
	char delim;
	long long number;
	int number_w;
};

struct render {
	struct strbuf out;
	enum render_format format;
	unsigned flags;
	int width;

	struct frame *frames;
	size_t nframes, cap;
	int bullet_depth;
	size_t lines;
	bool pending_blank;
	size_t pending_depth;

	/* the current output line */
	bool line_open;
	bool line_text;
	int col;
	int prefix_w;
	int block_max_w;
	unsigned cur_style; /* escape state written so far */
	const char *cur_link;
	unsigned last_style; /* style of the last visible text on the line */
	const char *last_link;

	/* inline layout */
	struct word word;
	bool space_pending;
	bool glue;
	bool prev_wide;
	bool prev_no_break_after;
	unsigned block_style;
	int n_emph, n_strong;
	const char *link; /* OSC 8 target of the enclosing link, or NULL */
	bool in_link;
};

/* --- characters --- */

static bool
is_c1(const unsigned char *s, size_t n)
{
	return n >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
}

static bool
is_control(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

/*
 * Copy of s without C0 controls (but newline and tab), DEL and C1
 * controls, or NULL when s has none (or on OOM, with *oom set).
 */
static char *
strip_controls(const char *s, bool *oom)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i, j;
	char *d;
	for (i = 0; i < n; i++)
		if (is_control(u[i]) || is_c1(u + i, n - i))
			break;
	if (i == n)
		return NULL;
	d = malloc(n + 1);
	if (!d) {
		*oom = true;
		return NULL;
	}
	for (i = j = 0; i < n; i++) {
		if (is_control(u[i]))
			continue;
		if (is_c1(u + i, n - i)) {
			i++;
			continue;
		}
		d[j++] = s[i];
	}
	d[j] = '\0';
	return d;
}

struct cluster {
	size_t len;
	int width;
	int32_t first; /* first code point, or -1 for an invalid byte */
};

static bool
is_hangul_vowel_or_final(int32_t cp)
{
	return (cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff);
}

static int
char_width(int32_t cp)
{
	int w = utf8proc_charwidth(cp);
	return w < 0 ? 0 : w;
}

/*
 * One grapheme cluster at s. Its width is the sum of its code points'
 * widths (what wcwidth-based terminals show, and never less than what
 * cluster-aware ones show), except that a variation selector 16 makes a
 * narrow base wide and conjoining Hangul vowels and finals add nothing.
 */
static void
next_cluster(const unsigned char *s, size_t n, struct cluster *c)
{
	utf8proc_int32_t cp, prev, state = 0;
	utf8proc_ssize_t k = utf8proc_iterate(s, (utf8proc_ssize_t)n, &cp);
	size_t i;
	if (k < 1) {
		c->len = 1;
		c->width = 1;
		c->first = -1;
		return;
	}
	c->first = cp;
	c->width = char_width(cp);
	prev = cp;
	for (i = (size_t)k; i < n; i += (size_t)k) {
		k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k < 1 || utf8proc_grapheme_break_stateful(prev, cp, &state))
			break;
		if (cp == 0xfe0f) {
			if (c->width == 1)
				c->width = 2;
		} else if (!is_hangul_vowel_or_final(cp)) {
			c->width += char_width(cp);
		}
		prev = cp;
	}
	c->len = i;
}

size_t
render_display_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0;
	struct cluster c;
	while (i < len) {
		next_cluster(u + i, len - i, &c);
		w += (size_t)c.width;
		i += c.len;
	}
	return w;
}

/*
 * Line breaking around wide characters: UAX #14 in miniature. Text may
 * break before or after a wide character (CJK ideographs, kana, emoji),
 * but not before closing punctuation nor after opening punctuation.
 * Korean is written with spaces between words, so Hangul breaks only at
 * spaces (CSS "keep-all"), unless a word is longer than a whole line.
 */
static bool
is_hangul(int32_t cp)
{
	return (cp >= 0xac00 && cp <= 0xd7a3) ||
	       (cp >= 0x1100 && cp <= 0x11ff) ||
	       (cp >= 0x3130 && cp <= 0x318f) || (cp >= 0xa960 && cp <= 0xa97f);
}

static bool
no_break_before(int32_t cp)
{
	utf8proc_category_t cat;
	if (cp < 0)
		return false;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_PE || cat == UTF8PROC_CATEGORY_PF ||
	       cat == UTF8PROC_CATEGORY_PO;
}

static bool
no_break_after(int32_t cp)
{
	utf8proc_category_t cat;
	if (cp < 0)
		return false;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PI;
}

/* --- escapes (ANSI only) --- */

static void
esc_state(struct render *r, unsigned style, const char *link)
{
	size_t i;
	bool first = true;
	if (r->format != RENDER_ANSI)
		return;
	if (link != r->cur_link) {
		if (r->cur_link)
			strbuf_adds(&r->out, OSC8_CLOSE);
		if (link) {
			strbuf_adds(&r->out, "\033]8;;");
			strbuf_adds(&r->out, link);
			strbuf_adds(&r->out, "\033\\");
		}
		r->cur_link = link;
	}
	if (style == r->cur_style)
		return;
	strbuf_adds(&r->out, "\033[");
	if (r->cur_style) {
		strbuf_adds(&r->out, "0");
		first = false;
	}
	for (i = 0; i < sizeof(sgr_codes) / sizeof(sgr_codes[0]); i++) {
		if (!(style & sgr_codes[i].bit))
			continue;
		if (!first)
			strbuf_adds(&r->out, ";");
		strbuf_adds(&r->out, sgr_codes[i].sgr);
		first = false;
	}
	strbuf_adds(&r->out, "m");
	r->cur_style = style;
}

static void
emit(struct render *r, unsigned style, const char *link, const char *s,
     size_t n)
{
	if (!n)
		return;
	esc_state(r, style, link);
	strbuf_add(&r->out, s, n);
	r->last_style = style;
	r->last_link = link;
}

/* --- lines and prefixes --- */

static struct frame *
top(struct render *r)
{
	return &r->frames[r->nframes - 1];
}

/*
 * Write the prefix of frames [0, depth): quote marks, list markers and
 * hanging indents. A bare line (blank, or an empty list item) drops its
 * trailing spaces. Frames that would leave less than TEXT_COLS_MIN
 * columns for text are not drawn. Returns the prefix's width.
 */
static int
prefix_write(struct render *r, size_t depth, bool bare)
{
	int limit = r->width - TEXT_COLS_MIN, w = 0;
	size_t i, nvis = 0, last = 0;
	bool any = false;
	for (i = 0; i < depth; i++) {
		struct frame *f = &r->frames[i];
		if (w + f->width > limit)
			break;
		w += f->width;
		nvis = i + 1;
		if (f->kind == FRAME_QUOTE ||
		    (f->kind == FRAME_ITEM && !f->used)) {
			last = i;
			any = true;
		}
	}
	if (bare && !any)
		return 0;
	if (bare)
		nvis = last + 1;
	w = 0;
	for (i = 0; i < nvis; i++) {
		struct frame *f = &r->frames[i];
		bool pad = !bare || i != last;
		if (f->kind == FRAME_QUOTE) {
			emit(r, STYLE_QUOTE_MARK, NULL, f->mark,
			     strlen(f->mark));
			if (pad)
				emit(r, 0, NULL, " ", 1);
		} else if (f->kind == FRAME_ITEM && !f->used) {
			emit(r, 0, NULL, f->mark, strlen(f->mark));
			if (pad)
				strbuf_addchars(&r->out, ' ',
				                f->width - f->mark_w);
			f->used = true;
		} else if (f->kind == FRAME_ITEM && pad) {
			esc_state(r, 0, NULL);
			strbuf_addchars(&r->out, ' ', f->width);
		}
		w += f->width;
	}
	/* hidden list items count as shown, or they'd print bare lines */
	for (i = nvis; !bare && i < depth; i++)
		r->frames[i].used = true;
	r->last_style = 0;
	r->last_link = NULL;
	return w;
}

static void
close_escapes(struct render *r)
{
	esc_state(r, 0, NULL);
}

static void
bare_line(struct render *r, size_t depth)
{
	prefix_write(r, depth, true);
	close_escapes(r);
	strbuf_adds(&r->out, "\n");
	r->lines++;
}

static void
flush_pending(struct render *r)
{
	if (!r->pending_blank)
		return;
	r->pending_blank = false;
	bare_line(r, r->pending_depth);
}

static void
line_start(struct render *r)
{
	if (r->line_open)
		return;
	flush_pending(r);
	r->prefix_w = prefix_write(r, r->nframes, false);
	r->col = r->prefix_w;
	r->line_open = true;
	r->line_text = false;
}

static void
line_end(struct render *r)
{
	if (!r->line_open)
		return;
	if (r->line_text && r->col - r->prefix_w > r->block_max_w)
		r->block_max_w = r->col - r->prefix_w;
	close_escapes(r);
	strbuf_adds(&r->out, "\n");
	r->lines++;
	r->line_open = false;
	r->line_text = false;
}

/* Ask for a blank line before the next output, drawn at `depth`. */
static void
request_blank(struct render *r, size_t depth)
{
	if (!r->pending_blank || depth < r->pending_depth)
		r->pending_depth = depth;
	r->pending_blank = true;
}

/* --- inline layout --- */

static void
word_clear(struct word *w)
{
	strbuf_setlen(&w->text, 0);
	w->nruns = 0;
	w->width = 0;
}

static void
word_append(struct render *r, const char *s, size_t n, int width,
            unsigned style, const char *link)
{
	struct word *w = &r->word;
	struct run *last = w->nruns ? &w->runs[w->nruns - 1] : NULL;
	if (!last || last->style != style || last->link != link) {
		if (w->nruns == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 8;
			struct run *p = realloc(w->runs, cap * sizeof(*p));
			if (!p) {
				r->out.failed = true;
				return;
			}
			w->runs = p;
			w->cap = cap;
		}
		w->runs[w->nruns++] = (struct run){w->text.len, style, link};
	}
	strbuf_add(&w->text, s, n);
	if (w->text.failed)
		r->out.failed = true;
	w->width += width;
}

/* Emit bytes [a, b) of the pending word in the styles of its runs. */
static void
word_emit_range(struct render *r, size_t a, size_t b)
{
	struct word *w = &r->word;
	size_t i;
	for (i = 0; i < w->nruns && a < b; i++) {
		const struct run *run = &w->runs[i];
		size_t end =
		        i + 1 < w->nruns ? w->runs[i + 1].off : w->text.len;
		if (end <= a)
			continue;
		if (end > b)
			end = b;
		emit(r, run->style, run->link, w->text.p + a, end - a);
		a = end;
	}
}

/* Characters after which a word too long for a line breaks best. */
static bool
soft_break_after(char c)
{
	return c && strchr("/-.?&=_,;", c);
}

/*
 * Break a word longer than a whole line, starting on a fresh line. Each
 * piece fills its line, or ends after a "/" or "-" (URLs, compounds) if
 * one falls in the second half of the line.
 */
static void
word_emit_broken(struct render *r)
{
	struct word *w = &r->word;
	const unsigned char *u = (const unsigned char *)w->text.p;
	size_t len = w->text.len, pos = 0;
	while (pos < len) {
		int avail = r->width - r->col, used = 0, soft_used = 0;
		size_t end = pos, soft = pos;
		while (end < len) {
			struct cluster c;
			next_cluster(u + end, len - end, &c);
			if (c.width > r->width - r->prefix_w) {
				/* wider than any line: split its code points */
				utf8proc_int32_t cp;
				utf8proc_ssize_t k = utf8proc_iterate(
				        u + end, (utf8proc_ssize_t)(len - end),
				        &cp);
				c.len = k < 1 ? 1 : (size_t)k;
				c.width = k < 1 ? 1 : char_width(cp);
			}
			if (used + c.width > avail && end > pos)
				break;
			used += c.width;
			end += c.len;
			if (soft_break_after(w->text.p[end - 1]) &&
			    used * 2 >= avail) {
				soft = end;
				soft_used = used;
			}
		}
		if (end < len && soft > pos) {
			end = soft;
			used = soft_used;
		}
		word_emit_range(r, pos, end);
		r->col += used;
		r->line_text = true;
		pos = end;
		if (pos < len) {
			line_end(r);
			line_start(r);
		}
	}
}

/* Place the pending word on the current line or the next. */
static void
word_flush(struct render *r)
{
	struct word *w = &r->word;
	int sep;
	if (!w->nruns)
		return;
	sep = r->line_text && r->space_pending ? 1 : 0;
	if (r->line_text && r->col + sep + w->width > r->width) {
		line_end(r);
		sep = 0;
	}
	line_start(r);
	if (sep) {
		const struct run *f = &w->runs[0];
		emit(r, r->last_style & f->style,
		     r->last_link == f->link ? f->link : NULL, " ", 1);
		r->col++;
	}
	if (w->width > r->width - r->col) {
		/* only a word longer than a whole line gets here */
		word_emit_broken(r);
	} else {
		word_emit_range(r, 0, w->text.len);
		r->col += w->width;
		r->line_text = true;
	}
	r->space_pending = false;
	word_clear(w);
}

static unsigned
inline_style(const struct render *r)
{
	unsigned s = r->block_style;
	if (r->n_emph)
		s |= STYLE_EMPH;
	if (r->n_strong)
		s |= STYLE_STRONG;
	if (r->in_link)
		s |= STYLE_LINK;
	return s;
}

static void
il_reset(struct render *r)
{
	word_clear(&r->word);
	r->space_pending = false;
	r->glue = true;
	r->prev_wide = false;
	r->prev_no_break_after = false;
	r->block_max_w = 0;
}

static void
il_space(struct render *r)
{
	word_flush(r);
	r->space_pending = true;
	r->glue = false;
}

static void
il_text_link(struct render *r, const char *s, size_t n, unsigned style,
             const char *link)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	struct cluster c;
	while (i < n) {
		next_cluster(u + i, n - i, &c);
		if (c.len == 1 &&
		    (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) {
			il_space(r);
		} else if (c.first == 0x200b) {
			/* zero width space: a break opportunity, not text */
			word_flush(r);
			r->glue = false;
		} else {
			bool wide = c.width >= 2 && !is_hangul(c.first);
			if (r->word.nruns && !r->glue &&
			    (wide || r->prev_wide) && !r->prev_no_break_after &&
			    !no_break_before(c.first))
				word_flush(r);
			word_append(r, s + i, c.len, c.width, style, link);
			r->glue = false;
			r->prev_wide = wide;
			r->prev_no_break_after = no_break_after(c.first);
		}
		i += c.len;
	}
}

static void
il_text(struct render *r, const char *s, size_t n, unsigned style)
{
	il_text_link(r, s, n, style, r->link);
}

/* An opening marker sticks to what follows it. */
static void
il_open(struct render *r, const char *mark, unsigned style)
{
	il_text(r, mark, strlen(mark), style);
	r->glue = true;
}

/* A closing marker sticks to what came before it. */
static void
il_close(struct render *r, const char *mark, unsigned style)
{
	word_append(r, mark, strlen(mark), (int)strlen(mark), style, r->link);
	r->glue = false;
	r->prev_wide = false;
	r->prev_no_break_after = false;
}

static void
il_hardbreak(struct render *r)
{
	word_flush(r);
	if (r->line_open) {
		line_end(r);
	} else {
		flush_pending(r);
		bare_line(r, r->nframes);
	}
	r->space_pending = false;
	r->glue = true;
}

static void
il_finish(struct render *r)
{
	word_flush(r);
	line_end(r);
	r->space_pending = false;
}

/* --- links --- */

static bool
has_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *prefix)
			return false;
	}
	return true;
}

/* May `url` become an OSC 8 hyperlink? Only http(s) and mailto. */
static bool
url_clickable(const char *url)
{
	const char *p;
	if (!has_prefix_nocase(url, "http://") &&
	    !has_prefix_nocase(url, "https://") &&
	    !has_prefix_nocase(url, "mailto:"))
		return false;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/*
 * Is the text of the link's label the URL itself (an autolink, or
 * "mailto:" and the label)? Then the URL is shown only once.
 */
static bool
label_is_url(cmark_node *link, const char *url)
{
	cmark_iter *it = cmark_iter_new(link);
	cmark_event_type ev;
	size_t pos = 0, ulen = strlen(url);
	bool ok = true;
	if (!it)
		return false;
	if (has_prefix_nocase(url, "mailto:")) {
		const char *first = NULL;
		cmark_node *c = cmark_node_first_child(link);
		if (c && cmark_node_get_type(c) == CMARK_NODE_TEXT)
			first = cmark_node_get_literal(c);
		if (!first || !has_prefix_nocase(first, "mailto:"))
			pos = strlen("mailto:");
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && ok) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;
		size_t len;
		if (ev != CMARK_EVENT_ENTER || n == link)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(n);
			len = lit ? strlen(lit) : 0;
			if (len > ulen - pos ||
			    memcmp(url + pos, lit, len) != 0)
				ok = false;
			else
				pos += len;
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
		case CMARK_NODE_IMAGE:
			ok = false;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return ok && pos == ulen;
}

static const char *
node_url(cmark_node *node)
{
	const char *url = cmark_node_get_url(node);
	return url ? url : "";
}

/* " (url)" after a link's or image's label, unless it would repeat it. */
static void
url_suffix(struct render *r, cmark_node *node)
{
	const char *url = node_url(node);
	size_t n = strlen(url);
	if (!n || label_is_url(node, url))
		return;
	il_space(r);
	il_text_link(r, "(", 1, STYLE_URL, NULL);
	il_text_link(r, url, n, STYLE_URL, NULL);
	il_close(r, ")", STYLE_URL);
}

/* The hyperlink target of the innermost link around `node`, or NULL. */
static const char *
enclosing_link(struct render *r, cmark_node *node)
{
	for (; node; node = cmark_node_parent(node)) {
		if (cmark_node_get_type(node) != CMARK_NODE_LINK)
			continue;
		if (r->format == RENDER_ANSI &&
		    (r->flags & RENDER_HYPERLINKS) &&
		    url_clickable(node_url(node)))
			return node_url(node);
		return NULL;
	}
	return NULL;
}

static bool
inside_link(cmark_node *node)
{
	for (; node; node = cmark_node_parent(node))
		if (cmark_node_get_type(node) == CMARK_NODE_LINK)
			return true;
	return false;
}

/* --- blocks --- */

static bool
push_frame(struct render *r, enum frame_kind kind)
{
	struct frame *f;
	if (r->nframes == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct frame *p = realloc(r->frames, cap * sizeof(*p));
		if (!p) {
			r->out.failed = true;
			return false;
		}
		r->frames = p;
		r->cap = cap;
	}
	f = &r->frames[r->nframes++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->lines_at_open = r->lines;
	return true;
}

static void
pop_frame(struct render *r)
{
	if (r->nframes > 1)
		r->nframes--;
	if (r->pending_blank && r->pending_depth > r->nframes)
		r->pending_depth = r->nframes;
}

/* Separate a block from the sibling before it, if that printed anything. */
static void
block_begin(struct render *r)
{
	struct frame *parent = top(r);
	bool tight =
	        (parent->kind == FRAME_LIST || parent->kind == FRAME_ITEM) &&
	        parent->tight;
	if (r->lines > parent->lines_at_open && !tight)
		request_blank(r, r->nframes);
}

static void
set_mark(struct frame *f, const char *mark, int mark_w)
{
	snprintf(f->mark, sizeof(f->mark), "%s", mark);
	f->mark_w = mark_w;
	f->width = mark_w + 1;
}

static void
enter_list(struct render *r, cmark_node *node)
{
	struct frame *f;
	cmark_node *c;
	long long count = 0, last;
	int digits = 1;
	if (!push_frame(r, FRAME_LIST))
		return;
	f = top(r);
	f->tight = cmark_node_get_list_tight(node);
	f->ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	if (!f->ordered) {
		r->bullet_depth++;
		return;
	}
	f->delim = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ')'
	                                                                : '.';
	f->number = cmark_node_get_list_start(node);
	for (c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		count++;
	last = f->number + (count ? count - 1 : 0);
	while (last >= 10) {
		last /= 10;
		digits++;
	}
	f->number_w = digits;
}

static void
exit_list(struct render *r)
{
	if (top(r)->kind != FRAME_LIST)
		return;
	if (!top(r)->ordered)
		r->bullet_depth--;
	pop_frame(r);
}

static void
enter_item(struct render *r)
{
	struct frame *list = top(r), *f;
	char mark[MARK_MAX];
	int mark_w;
	bool tight = list->tight;
	if (list->ordered) {
		mark_w = snprintf(mark, sizeof(mark), "%*lld%c", list->number_w,
		                  list->number, list->delim);
		list->number++;
	} else {
		int level = r->bullet_depth > 0 ? r->bullet_depth - 1 : 0;
		snprintf(mark, sizeof(mark), "%s", bullets[level % 3]);
		mark_w = 1;
	}
	if (!push_frame(r, FRAME_ITEM))
		return;
	f = top(r);
	f->tight = tight;
	set_mark(f, mark, mark_w);
}

static void
code_block(struct render *r, const char *lit)
{
	const char *p = lit, *nl;
	while (*p) {
		size_t len;
		int col = 0;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (!len) {
			flush_pending(r);
			bare_line(r, r->nframes);
		} else {
			size_t i = 0;
			line_start(r);
			esc_state(r, 0, NULL);
			strbuf_addchars(&r->out, ' ', CODE_INDENT);
			while (i < len) {
				size_t seg = strcspn(p + i, "\t\n");
				if (seg > len - i)
					seg = len - i;
				emit(r, STYLE_CODE, NULL, p + i, seg);
				col += (int)render_display_width(p + i, seg);
				i += seg;
				if (i < len && p[i] == '\t') {
					int spaces = TAB_STOP - col % TAB_STOP;
					esc_state(r, STYLE_CODE, NULL);
					strbuf_addchars(&r->out, ' ', spaces);
					col += spaces;
					i++;
				}
			}
			r->line_text = true;
			line_end(r);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
}

static void
rule_line(struct render *r, char c, int n)
{
	line_start(r);
	if (n > r->width - r->col)
		n = r->width - r->col;
	esc_state(r, STYLE_RULE, NULL);
	strbuf_addchars(&r->out, c, n);
	r->col += n;
	r->line_text = true;
	line_end(r);
}

static void
heading_enter(struct render *r, cmark_node *node)
{
	int level = cmark_node_get_heading_level(node);
	char hashes[8];
	block_begin(r);
	il_reset(r);
	if (level >= 3) {
		snprintf(hashes, sizeof(hashes), "%.*s", level, "######");
		il_text(r, hashes, strlen(hashes), STYLE_HEADING_MARK);
		il_space(r);
	}
	r->block_style = STYLE_HEADING;
}

static void
heading_exit(struct render *r, cmark_node *node)
{
	int level = cmark_node_get_heading_level(node);
	il_finish(r);
	r->block_style = 0;
	if (level <= 2 && r->block_max_w > 0)
		rule_line(r, level == 1 ? RULE_H1 : RULE_H2, r->block_max_w);
}

static void
render_node(struct render *r, cmark_node *node, cmark_event_type ev)
{
	bool enter = ev == CMARK_EVENT_ENTER;
	const char *lit;
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_DOCUMENT:
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		if (enter) {
			block_begin(r);
			if (push_frame(r, FRAME_QUOTE))
				set_mark(top(r),
				         r->format == RENDER_ANSI &&
				                         (r->flags &
				                          RENDER_QUOTE_BAR)
				                 ? MARK_BAR
				                 : MARK_QUOTE,
				         1);
		} else if (top(r)->kind == FRAME_QUOTE) {
			pop_frame(r);
		}
		break;
	case CMARK_NODE_LIST:
		if (enter) {
			block_begin(r);
			enter_list(r, node);
		} else {
			exit_list(r);
		}
		break;
	case CMARK_NODE_ITEM:
		if (enter) {
			if (top(r)->kind != FRAME_LIST)
				break;
			block_begin(r);
			enter_item(r);
		} else if (top(r)->kind == FRAME_ITEM) {
			if (!top(r)->used) {
				flush_pending(r);
				bare_line(r, r->nframes);
			}
			pop_frame(r);
		}
		break;
	case CMARK_NODE_PARAGRAPH:
		if (enter) {
			block_begin(r);
			il_reset(r);
		} else {
			il_finish(r);
		}
		break;
	case CMARK_NODE_HEADING:
		if (enter)
			heading_enter(r, node);
		else
			heading_exit(r, node);
		break;
	case CMARK_NODE_CODE_BLOCK:
		block_begin(r);
		lit = cmark_node_get_literal(node);
		code_block(r, lit ? lit : "");
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		block_begin(r);
		rule_line(r, RULE_BREAK, r->width);
		break;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		/* raw HTML is dropped, as cmark's man renderer does */
		break;
	case CMARK_NODE_TEXT:
		lit = cmark_node_get_literal(node);
		if (lit)
			il_text(r, lit, strlen(lit), inline_style(r));
		break;
	case CMARK_NODE_CODE:
		lit = cmark_node_get_literal(node);
		il_open(r, MARK_CODE, inline_style(r) | STYLE_CODE);
		if (lit)
			il_text(r, lit, strlen(lit),
			        inline_style(r) | STYLE_CODE);
		il_close(r, MARK_CODE, inline_style(r) | STYLE_CODE);
		break;
	case CMARK_NODE_SOFTBREAK:
		il_space(r);
		break;
	case CMARK_NODE_LINEBREAK:
		il_hardbreak(r);
		break;
	case CMARK_NODE_EMPH:
		if (enter) {
			r->n_emph++;
			il_open(r, MARK_EMPH, inline_style(r));
		} else {
			il_close(r, MARK_EMPH, inline_style(r));
			r->n_emph--;
		}
		break;
	case CMARK_NODE_STRONG:
		if (enter) {
			r->n_strong++;
			il_open(r, MARK_STRONG, inline_style(r));
		} else {
			il_close(r, MARK_STRONG, inline_style(r));
			r->n_strong--;
		}
		break;
	case CMARK_NODE_LINK:
		if (enter) {
			r->link = enclosing_link(r, node);
			r->in_link = true;
		} else {
			r->link = enclosing_link(r, cmark_node_parent(node));
			r->in_link = inside_link(cmark_node_parent(node));
			url_suffix(r, node);
		}
		break;
	case CMARK_NODE_IMAGE:
		if (enter) {
			if (cmark_node_first_child(node)) {
				il_text(r, "[image:", 7, inline_style(r));
				il_space(r);
			} else {
				il_text(r, "[image", 6, inline_style(r));
			}
		} else {
			il_close(r, "]", inline_style(r));
			url_suffix(r, node);
		}
		break;
	default:
		/* custom nodes: render their children only */
		break;
	}
}

/* Strip control characters from every string in the tree. */
static bool
sanitize_tree(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	bool oom = false;
	if (!it)
		return false;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !oom) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *s;
		char *clean;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if ((s = cmark_node_get_literal(n)) &&
		    (clean = strip_controls(s, &oom))) {
			oom |= !cmark_node_set_literal(n, clean);
			free(clean);
		}
		if ((s = cmark_node_get_url(n)) &&
		    (clean = strip_controls(s, &oom))) {
			oom |= !cmark_node_set_url(n, clean);
			free(clean);
		}
		if ((s = cmark_node_get_title(n)) &&
		    (clean = strip_controls(s, &oom))) {
			oom |= !cmark_node_set_title(n, clean);
			free(clean);
		}
		if ((s = cmark_node_get_fence_info(n)) &&
		    (clean = strip_controls(s, &oom))) {
			oom |= !cmark_node_set_fence_info(n, clean);
			free(clean);
		}
	}
	cmark_iter_free(it);
	return !oom;
}

static char *
render_terminal(cmark_node *root, enum render_format format, int width,
                unsigned flags)
{
	struct render r = {0};
	cmark_iter *it;
	cmark_event_type ev;
	r.format = format;
	r.flags = flags;
	r.width = width;
	it = cmark_iter_new(root);
	if (!it || !push_frame(&r, FRAME_DOC)) {
		cmark_iter_free(it);
		free(r.frames);
		return NULL;
	}
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !r.out.failed)
		render_node(&r, cmark_iter_get_node(it), ev);
	cmark_iter_free(it);
	free(r.frames);
	free(r.word.runs);
	if (r.word.text.failed)
		r.out.failed = true;
	strbuf_release(&r.word.text);
	return strbuf_detach(&r.out, NULL);
}

char *
render_markdown(const char *md, size_t len, enum render_format format,
                int width, unsigned flags)
{
	cmark_node *root;
	char *out = NULL;
	if (!md) {
		md = "";
		len = 0;
	}
	if (width < WIDTH_MIN)
		width = WIDTH_MIN;
	if (width > WIDTH_MAX)
		width = WIDTH_MAX;
	root = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8);
	if (!root)
		return NULL;
	if (!sanitize_tree(root)) {
		cmark_node_free(root);
		return NULL;
	}
	switch (format) {
	case RENDER_ANSI:
	case RENDER_PLAIN:
		out = render_terminal(root, format, width, flags);
		break;
	case RENDER_MARKDOWN:
		out = cmark_render_commonmark(root, CMARK_OPT_DEFAULT, width);
		break;
	case RENDER_HTML:
		/* without CMARK_OPT_UNSAFE: raw HTML and unsafe URLs dropped */
		out = cmark_render_html(root, CMARK_OPT_DEFAULT);
		break;
	case RENDER_MAN:
		out = cmark_render_man(root, CMARK_OPT_DEFAULT, width);
		break;
	}
	cmark_node_free(root);
	return out;
}
