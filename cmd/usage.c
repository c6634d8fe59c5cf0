/* Messages on stderr, and the words shared by the record commands. */
#include "cmd.h"
#include "output.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void vmessage(const char *fmt, va_list ap)
        __attribute__((format(printf, 1, 0)));

enum { WORD_SHOWN_MAX = 256, WORD_SHOWN_HEAD = 120 };

/*
 * Write a message as the terminal should see it: what a user typed, and
 * what a record holds, is echoed in many messages, so it goes through the
 * display sanitizer (print_clean: no control characters, which could
 * move the cursor or recolour the terminal, and nothing that is not
 * UTF-8), and a "word" longer than WORD_SHOWN_MAX bytes (a huge argument)
 * is cut, saying how much is not shown.
 */
static void
put_clean(const char *msg, FILE *fp)
{
	size_t n = strlen(msg);
	for (size_t i = 0; i < n;) {
		size_t word = strcspn(msg + i, " \n");
		size_t shown = word > WORD_SHOWN_MAX ? WORD_SHOWN_HEAD : word;
		print_clean(msg + i, shown, UTIL_CLEAN_LINES, fp);
		if (shown < word)
			fprintf(fp, "\xe2\x80\xa6 (%zu more bytes not shown)",
			        word - shown);
		i += word;
		if (i < n)
			fputc(msg[i++], fp);
	}
}

/* The length of the word at s: up to a space or newline, or, when it
 * starts with a quote ('selfhelp journal list --help'), to the end of the
 * quoted words if they fit on a line of `width` columns. */
static size_t
word_len(const char *s, size_t len, size_t width)
{
	size_t w = 0;
	if (s[0] == '\'') {
		const char *close = memchr(s + 1, '\'', len - 1);
		const char *nl = memchr(s, '\n', len);
		if (close && (!nl || close < nl)) {
			w = (size_t)(close - s) + 1;
			if (util_display_width(s, w) > width)
				w = 0;
		}
	}
	while (w < len && s[w] != ' ' && s[w] != '\n')
		w++;
	return w;
}

/*
 * Write `len` bytes of a message to fp: as they are, or, when fp is a
 * terminal, wrapped at its width between words, so that no word or flag
 * is split at the edge ("--tri/gger") and a quoted command stays on one
 * line when it can; a word longer than a line keeps a line of its own.
 * Spaces at the start of a line (an indent) stay.
 */
static void
put_wrapped_at(const char *s, size_t len, FILE *fp, size_t width, bool soft)
{
	size_t col = 0, spaces = 0;
	for (size_t i = 0; i < len;) {
		/* soft: a single newline inside a paragraph is a space */
		bool nl = s[i] == '\n' && !(soft && i > 0 && s[i - 1] != '\n' &&
		                            i + 1 < len && s[i + 1] != '\n');
		if (s[i] == '\n' || s[i] == ' ') {
			if (nl) {
				fputc('\n', fp);
				col = spaces = 0;
			} else {
				spaces++;
			}
			i++;
			continue;
		}
		size_t w = word_len(s + i, len - i, width);
		size_t cols = util_display_width(s + i, w);
		if (col > 0 && col + spaces + cols > width) {
			fputc('\n', fp);
			col = 0;
		} else {
			for (; spaces; spaces--, col++)
				fputc(' ', fp);
		}
		spaces = 0;
		fwrite(s + i, 1, w, fp);
		col += cols;
		i += w;
	}
}

static void
put_wrapped(const char *s, size_t len, FILE *fp)
{
	int fd = fileno(fp);
	if (fd < 0 || !isatty(fd)) {
		fwrite(s, 1, len, fp);
		return;
	}
	put_wrapped_at(s, len, fp, (size_t)term_width(fd), false);
}

void
say_wrapped(FILE *fp, const char *s)
{
	int fd = fileno(fp);
	size_t width;
	if (fd < 0 || !isatty(fd)) {
		fputs(s, fp);
		return;
	}
	width = (size_t)term_width(fd);
	put_wrapped_at(s, strlen(s), fp, width < 80 ? width : 80, true);
	fflush(fp);
}

static void
vmessage(const char *fmt, va_list ap)
{
	char *msg = NULL, *buf = NULL;
	size_t len = 0;
	FILE *m;
	fflush(stdout);
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("selfhelp: (a message could not be shown: out of "
		      "memory)\n",
		      stderr);
		return;
	}
	/* in memory first (it may echo a person's words: wiped after), so
	 * that it can be wrapped as a whole */
	if ((m = open_memstream(&buf, &len))) {
		fputs("selfhelp: ", m);
		put_clean(msg, m);
		fputc('\n', m);
	}
	if (m && fclose(m) == 0 && buf) {
		put_wrapped(buf, len, stderr);
	} else {
		fputs("selfhelp: ", stderr);
		put_clean(msg, stderr);
		fputc('\n', stderr);
	}
	wipe_free(buf, len);
	wipe_free_str(msg);
}

int
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return 1;
}

void
note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

int
usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	usage_hint("says more");
	return EXIT_USAGE;
}

void
usage_hint(const char *what)
{
	const char *path = command_path();
	char *line = NULL;
	int n = asprintf(&line, "'selfhelp %s%s--help' %s.\n", path,
	                 *path ? " " : "", what);
	if (n < 0)
		return;
	put_wrapped(line, (size_t)n, stderr);
	free(line);
}

bool
is_help_arg(const char *s)
{
	return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

const char *
suggest_name(const char *typed, const char *const *names)
{
	size_t n = 0;
	while (names[n])
		n++;
	return util_suggest(typed, names, n);
}

int
resolve_record_id(struct vault *v, const char *kind, const char *prefix,
                  const struct id_words *w, char *id)
{
	enum { MAX_CANDIDATES = 8 };
	char cands[MAX_CANDIDATES][VAULT_ID_HEX + 1];
	size_t n;
	if (!vault_id_prefix_ok(prefix))
		return usage_error("'%s' does not look like %s; '%s' shows "
		                   "them (4 or more characters are enough).",
		                   prefix, w->an_id, w->list);
	int rc = vault_resolve(v, kind, prefix, id, cands, MAX_CANDIDATES, &n);
	if (rc == VAULT_AMBIGUOUS) {
		fail("More than one %s starts with '%s'; a few more "
		     "characters tell them apart:",
		     w->one, prefix);
		for (size_t i = 0; i < n; i++) /* ids as the table holds them */
			fprintf(stderr, "  %s\n", shown_id(cands[i]));
		return 1;
	}
	if (rc == VAULT_NOT_FOUND)
		return fail("There is no %s with the id '%s'. '%s' shows them.",
		            w->the_kind, prefix, w->list);
	if (rc)
		return fail("%s", vault_errmsg(v));
	return 0;
}

const char *
damage_words(struct vault *v)
{
	switch (vault_last_problem(v)) {
	case VAULT_PROBLEM_OLDER:
		return "an older version of it was put back in the vault file "
		       "in place of the newest one, so it is not shown as if "
		       "it "
		       "were current (someone may have changed the file)";
	case VAULT_PROBLEM_MISSING:
		return "it is missing from the vault file (someone may have "
		       "changed the file, or it was put back from an older "
		       "copy)";
	default:
		return "it is damaged or was changed outside selfhelp";
	}
}
