/*
 * mkman: turn a manual page written in markdown (doc/man/NAME.md) into
 * roff, at build time.
 *
 *   mkman INPUT.md OUTPUT.SECTION VERSION [DATE]
 *
 * cmark's own man renderer (cmark_render_man) writes the body; mkman adds
 * the .TH line (NAME from OUTPUT's file name, SECTION from its suffix,
 * DATE, "selfhelp VERSION") and checks the page's shape, failing the
 * build with file:line when it is off:
 *
 *   - "# NAME" comes first, and its paragraph is "NAME - what it does"
 *     with the NAME of the output file;
 *   - "# SYNOPSIS", "# DESCRIPTION", "# EXIT STATUS" and "# SEE ALSO"
 *     are there; headings are in capitals;
 *   - no line of an example (a code block) is wider than
 *     EXAMPLE_COLUMNS, so that man shows it whole in 80 columns.
 *
 * One convention beyond CommonMark: a bullet-list item whose first line
 * ends in a hard line break (a backslash) is a tagged paragraph (.TP),
 * with that first line as the tag. That is how OPTIONS are written:
 *
 *   - **--json**\
 *     print the result as JSON
 *
 * DATE is YYYY-MM-DD; when it is empty, SOURCE_DATE_EPOCH (reproducible
 * builds) or else today's date (UTC) is used.
 */
#define _POSIX_C_SOURCE 200809L /* strndup, gmtime_r */

#include <cmark.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The roff source's text lines are wrapped at ROFF_WIDTH (mandoc -Tlint
 * wants 80 bytes at most). man indents an example by 14 columns (7 for
 * the section, 7 for the block), so a line of an example may be
 * EXAMPLE_COLUMNS wide to fit in 80.
 */
enum { ROFF_WIDTH = 72, EXAMPLE_COLUMNS = 80 - 14 };

static const char *input_path;
static int problems;

static void
problem(int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: ", input_path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	problems++;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!fp)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The plain text of a node's inlines, into buf (truncated). */
static void
plain_text(cmark_node *node, char *buf, size_t size)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;
	size_t n = 0;
	buf[0] = '\0';
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *cur = cmark_iter_get_node(it);
		const char *lit = NULL;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(cur)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(cur);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			lit = " ";
			break;
		default:
			break;
		}
		if (lit && n < size - 1) {
			int w = snprintf(buf + n, size - n, "%s", lit);
			n += w > 0 ? (size_t)w : 0;
			if (n >= size)
				n = size - 1;
		}
	}
	cmark_iter_free(it);
}

/* Characters in the first `len` bytes of UTF-8 text s (its columns, for
 * the text of manual pages). */
static size_t
columns(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Every line of every example fits in EXAMPLE_COLUMNS. */
static void
check_examples(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
			continue;
		const char *s = cmark_node_get_literal(n);
		/* the fence is the block's first line */
		int line = cmark_node_get_start_line(n) + 1;
		while (s && *s) {
			size_t len = strcspn(s, "\n");
			if (columns(s, len) > EXAMPLE_COLUMNS)
				problem(line,
				        "an example line of %zu columns; "
				        "at most %d fit in man's 80 (break it "
				        "with a backslash): %.*s",
				        columns(s, len), EXAMPLE_COLUMNS,
				        (int)len, s);
			s += len + (s[len] == '\n');
			line++;
		}
	}
	cmark_iter_free(it);
}

/* Check the page's shape; problems are counted in `problems`. */
static void
check_page(cmark_node *doc, const char *name)
{
	static const char *const required[] = {
	        "NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO"};
	bool seen[sizeof(required) / sizeof(required[0])] = {false};
	char text[512];
	cmark_node *first = cmark_node_first_child(doc);

	if (!first || cmark_node_get_type(first) != CMARK_NODE_HEADING) {
		problem(1, "a manual page starts with '# NAME'");
		return;
	}
	for (cmark_node *n = first; n; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) != CMARK_NODE_HEADING ||
		    cmark_node_get_heading_level(n) != 1)
			continue;
		plain_text(n, text, sizeof(text));
		for (const char *p = text; *p; p++)
			if (islower((unsigned char)*p)) {
				problem(cmark_node_get_start_line(n),
				        "section headings are in capitals: "
				        "'%s'",
				        text);
				break;
			}
		for (size_t i = 0; i < sizeof(required) / sizeof(*required);
		     i++)
			if (strcmp(text, required[i]) == 0)
				seen[i] = true;
	}
	plain_text(first, text, sizeof(text));
	if (strcmp(text, "NAME") != 0)
		problem(cmark_node_get_start_line(first),
		        "the first section is NAME, not '%s'", text);
	cmark_node *para = cmark_node_next(first);
	size_t nlen = strlen(name);
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH) {
		problem(cmark_node_get_start_line(first),
		        "NAME needs a paragraph '%s - what it does'", name);
	} else {
		plain_text(para, text, sizeof(text));
		if (strncmp(text, name, nlen) != 0 ||
		    strncmp(text + nlen, " - ", 3) != 0 || !text[nlen + 3])
			problem(cmark_node_get_start_line(para),
			        "the NAME line should read '%s - what it "
			        "does', not '%s'",
			        name, text);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (!seen[i])
			problem(1, "the page has no '# %s' section",
			        required[i]);
	check_examples(doc);
}

/* --- fixing up cmark's roff --- */

struct lines {
	char **v;
	size_t n, cap;
};

static int
lines_push(struct lines *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **nv = realloc(l->v, cap * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	char *c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	return 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/*
 * Split the rendered text into lines. cmark 0.30's man renderer writes a
 * hard line break as ".PD 0\n.P\n.PD" without a newline first, so a
 * line ending in ".PD 0" is split in two here.
 */
static int
split_lines(const char *text, struct lines *out)
{
	static const char pd[] = ".PD 0";
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		if (!line)
			return -1;
		int rc;
		if (len > strlen(pd) && ends_with(line, pd)) {
			rc = lines_push(out, line, len - strlen(pd));
			if (!rc)
				rc = lines_push(out, pd, strlen(pd));
		} else {
			rc = lines_push(out, line, len);
		}
		free(line);
		if (rc)
			return -1;
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}

static bool
is_text(const char *line)
{
	return line[0] != '.' && line[0] != '\'';
}

/* Write the lines, with tagged items and one-line headings. */
static void
write_body(FILE *fp, struct lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i];
		/* .IP \[bu] 2 / TAG / .PD 0 / .P / .PD  ->  .TP / TAG */
		if (strcmp(s, ".IP \\[bu] 2") == 0 && i + 4 < l->n &&
		    is_text(l->v[i + 1]) && strcmp(l->v[i + 2], ".PD 0") == 0 &&
		    strcmp(l->v[i + 3], ".P") == 0 &&
		    strcmp(l->v[i + 4], ".PD") == 0) {
			fprintf(fp, ".TP\n%s\n", l->v[i + 1]);
			i += 4;
			continue;
		}
		/* .SH / TEXT  ->  .SH "TEXT", and no .PP right after */
		if ((strcmp(s, ".SH") == 0 || strcmp(s, ".SS") == 0) &&
		    i + 1 < l->n && is_text(l->v[i + 1])) {
			fprintf(fp, "%s \"%s\"\n", s, l->v[i + 1]);
			i++;
			if (i + 1 < l->n && strcmp(l->v[i + 1], ".PP") == 0)
				i++;
			continue;
		}
		/* cmark's code font "C" is groff's alone; CR is known to
		 * mandoc too (mandoc -Tlint) */
		if (strcmp(s, "\\f[C]") == 0)
			s = "\\f[CR]";
		fprintf(fp, "%s\n", s);
	}
}

/* "selfhelp-journal" -> "SELFHELP\-JOURNAL" for the .TH line. */
static void
put_title(FILE *fp, const char *name)
{
	for (const char *p = name; *p; p++) {
		if (*p == '-')
			fputs("\\-", fp);
		else
			fputc(toupper((unsigned char)*p), fp);
	}
}

static int
page_date(const char *given, char *buf, size_t size)
{
	time_t t;
	struct tm tm;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (given && *given) {
		snprintf(buf, size, "%s", given);
		return 0;
	}
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0) {
			fprintf(stderr, "mkman: SOURCE_DATE_EPOCH is not a "
			                "number of seconds\n");
			return -1;
		}
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	char name[256], date[64];
	const char *out_path, *base, *dot;
	size_t len;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: mkman INPUT.md OUTPUT.SECTION VERSION "
		                "[DATE]\n");
		return 2;
	}
	input_path = argv[1];
	out_path = argv[2];
	base = strrchr(out_path, '/');
	base = base ? base + 1 : out_path;
	dot = strrchr(base, '.');
	if (!dot || !dot[1] || (size_t)(dot - base) >= sizeof(name)) {
		fprintf(stderr, "mkman: '%s' should be NAME.SECTION\n",
		        out_path);
		return 2;
	}
	memcpy(name, base, (size_t)(dot - base));
	name[dot - base] = '\0';
	if (page_date(argc == 5 ? argv[4] : NULL, date, sizeof(date)))
		return 1;

	char *md = read_file(input_path, &len);
	if (!md) {
		fprintf(stderr, "mkman: cannot read %s: %s\n", input_path,
		        strerror(errno));
		return 1;
	}
	cmark_node *doc =
	        cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8);
	free(md);
	if (!doc) {
		fprintf(stderr, "mkman: out of memory\n");
		return 1;
	}
	check_page(doc, name);
	if (problems) {
		cmark_node_free(doc);
		return 1;
	}
	/* text lines wrapped (mandoc -Tlint: input lines of 80 bytes at
	 * most); examples are checked to fit in check_page() */
	char *roff = cmark_render_man(doc, CMARK_OPT_DEFAULT, ROFF_WIDTH);
	cmark_node_free(doc);
	struct lines lines = {0};
	if (!roff || split_lines(roff, &lines)) {
		fprintf(stderr, "mkman: out of memory\n");
		return 1;
	}
	free(roff);

	FILE *fp = fopen(out_path, "w");
	if (!fp) {
		fprintf(stderr, "mkman: cannot write %s: %s\n", out_path,
		        strerror(errno));
		return 1;
	}
	const char *in_base = strrchr(input_path, '/');
	fprintf(fp, ".\\\" Made by mkman from %s; edit that file instead.\n",
	        in_base ? in_base + 1 : input_path);
	fputs(".TH \"", fp);
	put_title(fp, name);
	fprintf(fp, "\" \"%s\" \"%s\" \"selfhelp %s\" \"selfhelp manual\"\n",
	        dot + 1, date, argv[3]);
	/* Ragged right and no hyphenation (as asciidoctor's pages): names
	 * like selfhelp-trigger-log(1) stay whole. */
	fputs(".ad l\n.nh\n", fp);
	write_body(fp, &lines);
	for (size_t i = 0; i < lines.n; i++)
		free(lines.v[i]);
	free(lines.v);
	if (fclose(fp) != 0) {
		fprintf(stderr, "mkman: cannot write %s: %s\n", out_path,
		        strerror(errno));
		remove(out_path);
		return 1;
	}
	return 0;
}
