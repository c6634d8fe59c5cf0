/* Options as data: parsing, --help and usage errors from the tables. */
#include "cmd.h"
#include "date-arg.h"
#include "dates.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	OPTS_MAX = 40,    /* options in one table */
	LONG_BASE = 256,  /* getopt_long value of table entry i: base + i */
	USAGE_INLINE = 5, /* more options than this: "[options]" */
	WRAP = 79,        /* usage lines and option help wrap here */
	HELP_COLUMN = 22, /* where an option's help starts, at most */
};

/* The command that command_run() started, and its sub-command. */
static const struct command *run_top, *run_leaf;
static char run_path[128];

static void
set_running(const struct command *top, const struct command *leaf)
{
	run_top = top;
	run_leaf = leaf;
	if (leaf && leaf != top)
		snprintf(run_path, sizeof(run_path), "%s %s", top->name,
		         leaf->name);
	else
		snprintf(run_path, sizeof(run_path), "%s", top->name);
}

const char *
command_path(void)
{
	return run_path;
}

const void *
command_data(void)
{
	if (run_leaf && run_leaf->data)
		return run_leaf->data;
	return run_top ? run_top->data : NULL;
}

time_t
opt_date(const char *s, time_t now, enum date_round round)
{
	time_t t = 0;
	if (s && date_parse(s, now, round, &t))
		t = 0; /* cannot be: opt_parse() took it */
	return t;
}

const char *
opt_spelling(const struct opt *o, char *buf, size_t size)
{
	if (o->name)
		snprintf(buf, size, "--%s", o->name);
	else
		snprintf(buf, size, "-%c", o->shrt);
	return buf;
}

const struct command *
command_find_sub(const struct command *c, const char *name)
{
	for (const struct command *s = c->subs; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* --- help --- */

/* Words put after a space, wrapped at WRAP. */
struct wrap {
	FILE *fp;
	size_t col;    /* the column of the next character */
	size_t indent; /* where a wrapped line goes on */
};

static void
wrap_word(struct wrap *w, const char *word, size_t len)
{
	if (w->col + 1 + len > WRAP) {
		fprintf(w->fp, "\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else {
		fputc(' ', w->fp);
		w->col++;
	}
	fwrite(word, 1, len, w->fp);
	w->col += len;
}

static size_t
visible_options(const struct opt *opts)
{
	size_t n = 0;
	for (const struct opt *o = opts; o && (o->name || o->shrt); o++)
		n += !(o->flags & OPT_HIDDEN);
	return n;
}

/* "usage: selfhelp journal [list] [-n N] ..." for leaf c of top. */
static void
usage_line(FILE *fp, const char *lead, const struct command *top,
           const struct command *c)
{
	char buf[256], sp[64];
	struct wrap w = {fp, 0, 0};
	bool dflt = c != top && top->dflt && strcmp(top->dflt, c->name) == 0;
	fputs(lead, fp);
	if (c == top)
		snprintf(buf, sizeof(buf), "selfhelp %s", top->name);
	else
		snprintf(buf, sizeof(buf), "selfhelp %s %s%s%s", top->name,
		         dflt ? "[" : "", c->name, dflt ? "]" : "");
	fputs(buf, fp);
	w.col = strlen(lead) + strlen(buf);
	w.indent = w.col > 40 ? 40 : w.col;
	if (c->args)
		wrap_word(&w, c->args, strlen(c->args));
	if (visible_options(c->opts) > USAGE_INLINE) {
		wrap_word(&w, "[options]", 9);
	} else {
		for (const struct opt *o = c->opts; o && (o->name || o->shrt);
		     o++) {
			if (o->flags & OPT_HIDDEN)
				continue;
			bool opt = o->arg && (o->flags & OPT_OPTIONAL);
			int n = snprintf(buf, sizeof(buf), "[%s%s%s%s%s]%s",
			                 opt_spelling(o, sp, sizeof(sp)),
			                 o->arg ? " " : "", opt ? "[" : "",
			                 o->arg ? o->arg : "", opt ? "]" : "",
			                 o->flags & OPT_REPEAT ? "..." : "");
			wrap_word(&w, buf, (size_t)n);
		}
	}
	fputc('\n', fp);
}

/* "-m, --message TEXT": the left column of option o, into buf. */
static size_t
opt_left(const struct opt *o, char *buf, size_t size)
{
	int n = snprintf(buf, size, "  ");
	if (o->shrt)
		n += snprintf(buf + n, size - (size_t)n, "-%c%s", o->shrt,
		              o->name ? ", " : "");
	if (o->name)
		n += snprintf(buf + n, size - (size_t)n, "--%s", o->name);
	if (o->arg && (o->flags & OPT_OPTIONAL))
		n += snprintf(buf + n, size - (size_t)n, " [%s]", o->arg);
	else if (o->arg)
		n += snprintf(buf + n, size - (size_t)n, " %s", o->arg);
	return (size_t)n;
}

/* The options and their help, in two columns. */
static void
options_list(FILE *fp, const struct opt *opts)
{
	char left[96];
	size_t col = 0, n;
	if (!visible_options(opts))
		return;
	for (const struct opt *o = opts; o->name || o->shrt; o++)
		if (!(o->flags & OPT_HIDDEN) &&
		    (n = opt_left(o, left, sizeof(left))) + 2 > col)
			col = n + 2;
	if (col > HELP_COLUMN)
		col = HELP_COLUMN;
	fputs("\nOptions:\n", fp);
	for (const struct opt *o = opts; o->name || o->shrt; o++) {
		if (o->flags & OPT_HIDDEN)
			continue;
		n = opt_left(o, left, sizeof(left));
		fputs(left, fp);
		if (n + 2 > col)
			fprintf(fp, "\n%*s", (int)col, "");
		else
			fprintf(fp, "%*s", (int)(col - n), "");
		for (const char *h = o->help; *h;) {
			size_t len = strcspn(h, "\n");
			fwrite(h, 1, len, fp);
			h += len;
			if (*h && *++h)
				fprintf(fp, "\n%*s", (int)col, "");
		}
		fputc('\n', fp);
	}
}

void
command_help(const struct command *c, FILE *fp)
{
	const struct command *top = run_top;
	if (!c)
		c = run_leaf;
	if (c->subs) {
		size_t width = 0;
		for (const struct command *s = c->subs; s->name; s++)
			usage_line(fp, s == c->subs ? "usage: " : "   or: ", c,
			           s);
		if (c->help)
			fprintf(fp, "\n%s", c->help);
		for (const struct command *s = c->subs; s->name; s++)
			if (strlen(s->name) > width)
				width = strlen(s->name);
		fputc('\n', fp);
		for (const struct command *s = c->subs; s->name; s++)
			fprintf(fp, "  %-*s  %s\n", (int)width, s->name,
			        s->summary);
		fprintf(fp,
		        "\n'selfhelp %s COMMAND --help' shows the options of "
		        "each.\n",
		        c->name);
		return;
	}
	usage_line(fp, "usage: ", top && top != c ? top : c, c);
	if (c->help)
		fprintf(fp, "\n%s", c->help);
	if (c->opts)
		options_list(fp, c->opts);
}

/* --- usage errors --- */

/* "selfhelp: journal list: '--foo' is not an option here." */
static int option_error(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

static int
option_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*run_path)
		note("%s: %s", run_path, msg);
	else
		note("%s", msg);
	usage_hint("shows the options");
	return EXIT_USAGE;
}

int
opt_unknown(const char *arg)
{
	return option_error("'%s' is not an option here.", arg);
}

/* --- parsing --- */

/*
 * getopt_long takes the start of a long name ("--sinc" for "--since");
 * selfhelp takes whole names only, so that a typo never runs as another
 * option. The word getopt_long just read is argv[optind - 1], or the one
 * before when that is the option's value. Returns 0 or EXIT_USAGE.
 */
static int
whole_name(char **argv, const struct option *lo)
{
	const char *w = argv[optind - 1];
	if (optarg && optarg == w && optind >= 2)
		w = argv[optind - 2];
	if (strncmp(w, "--", 2) != 0)
		return 0;
	size_t n = strcspn(w + 2, "=");
	if (n == strlen(lo->name) && strncmp(w + 2, lo->name, n) == 0)
		return 0;
	return option_error("'%.*s' is not an option here; did you mean "
	                    "'--%s'?",
	                    (int)(n + 2), w, lo->name);
}

/* Is `word` one of the space-separated words of `list`? */
static bool
in_words(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* "a, b or c" from "a b c", into buf. */
static const char *
words_or(const char *list, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (const char *p = list; *p && n < size;) {
		size_t len = strcspn(p, " ");
		const char *next = p + len + strspn(p + len, " ");
		n += (size_t)snprintf(buf + n, size - n, "%s%.*s",
		                      p == list ? ""
		                      : *next   ? ", "
		                                : " or ",
		                      (int)len, p);
		p = next;
	}
	return buf;
}

static int
take_value(void *base, const struct opt *o, char *arg)
{
	char *dst = (char *)base + o->off, sp[64], buf[256];
	long n;
	time_t t;
	opt_spelling(o, sp, sizeof(sp));
	switch (o->type) {
	case OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case OPT_STRING:
		*(const char **)dst = arg;
		return 0;
	case OPT_INT:
		if (util_parse_long(arg, o->min, o->max, &n)) {
			if (o->bad)
				return usage_error("%s", o->bad);
			return usage_error("%s takes a number from %ld to %ld.",
			                   sp, o->min, o->max);
		}
		*(int *)dst = (int)n;
		return 0;
	case OPT_DATE:
		if (date_parse(arg, time(NULL), DATE_START, &t))
			return date_arg_error(sp, arg);
		*(const char **)dst = arg;
		return 0;
	case OPT_ENUM:
		if (!in_words(o->values, arg)) {
			if (o->bad)
				return usage_error("%s", o->bad);
			return usage_error(
			        "%s takes %s.", sp,
			        words_or(o->values, buf, sizeof(buf)));
		}
		*(const char **)dst = arg;
		return 0;
	case OPT_CALL:
		return o->call(base, o, arg);
	}
	return 0;
}

int
opt_parse(int argc, char **argv, void *base, struct opt_words *words)
{
	const struct opt *opts = run_leaf ? run_leaf->opts : NULL;
	struct option longs[OPTS_MAX + 2];
	char shorts[3 * OPTS_MAX + 4] = ":h";
	size_t nl = 0, ns = 2, count = 0;
	int c, idx, rc;

	for (const struct opt *o = opts; o && (o->name || o->shrt); o++) {
		int has_arg = !o->arg                   ? no_argument
		              : o->flags & OPT_OPTIONAL ? optional_argument
		                                        : required_argument;
		if (count == OPTS_MAX)
			return fail("Too many options in one table.");
		if (o->name)
			longs[nl++] = (struct option){o->name, has_arg, NULL,
			                              LONG_BASE + (int)count};
		if (o->shrt) {
			shorts[ns++] = (char)o->shrt;
			if (o->arg)
				shorts[ns++] = ':';
		}
		count++;
	}
	shorts[ns] = '\0';
	longs[nl++] = (struct option){"help", no_argument, NULL, 'h'};
	longs[nl] = (struct option){0};

	optind = 0;
	opterr = 0;
	while ((idx = -1, c = getopt_long(argc, argv, shorts, longs, &idx)) !=
	       -1) {
		const struct opt *o = NULL;
		if (idx >= 0 && (rc = whole_name(argv, &longs[idx])))
			return rc;
		if (c == 'h') {
			command_help(NULL, stdout);
			return -1;
		}
		if (c == ':')
			return option_error("'%s' needs a value.",
			                    argv[optind - 1]);
		if (c == '?') {
			if (optopt && optopt < LONG_BASE)
				return option_error("'-%c' is not an option "
				                    "here.",
				                    optopt);
			return option_error("'%s' is not an option here.",
			                    argv[optind - 1]);
		}
		if (c >= LONG_BASE)
			o = &opts[c - LONG_BASE];
		for (size_t i = 0; !o && i < count; i++)
			if (opts[i].shrt == c)
				o = &opts[i];
		/* "--prompt TOPIC": getopt takes only "--prompt=TOPIC" */
		if (o && (o->flags & OPT_OPTIONAL) && !optarg &&
		    optind < argc && argv[optind][0] != '-')
			optarg = argv[optind++];
		if (o && (rc = take_value(base, o, optarg)))
			return rc;
	}
	if (words) {
		words->n = argc - optind;
		words->v = argv + optind;
	} else if (optind < argc) {
		return option_error("'%s' is not something it takes.",
		                    argv[optind]);
	}
	return 0;
}

/* --- sub-commands --- */

int
command_run(const struct command *c, int argc, char **argv, struct cmd_ctx *ctx)
{
	const char *name = argc >= 2 ? argv[1] : NULL;
	const struct command *s;
	const char *names[32];
	size_t n = 0;

	set_running(c, c);
	if (!c->subs)
		return c->fn(argc, argv, ctx);
	/* `group` alone, with no sub-command to run by default: its help */
	if (name ? is_help_arg(name) : !c->dflt) {
		command_help(c, stdout);
		return 0;
	}
	if (!name || name[0] == '-') {
		if (!c->dflt)
			return usage_error("'%s' needs a sub-command, such as "
			                   "'%s'.",
			                   c->name, c->subs[0].name);
		s = command_find_sub(c, c->dflt);
		set_running(c, s);
		return s->fn(argc, argv, ctx);
	}
	if ((s = command_find_sub(c, name))) {
		set_running(c, s);
		return s->fn(argc - 1, argv + 1, ctx);
	}
	for (s = c->subs; s->name && n < 31; s++)
		names[n++] = s->name;
	names[n] = NULL;
	const char *near = suggest_name(name, names);
	if (near)
		return usage_error("'%s %s' is not something selfhelp knows. "
		                   "Did you mean '%s'?",
		                   c->name, name, near);
	return usage_error("'%s %s' is not something selfhelp knows.", c->name,
	                   name);
}
