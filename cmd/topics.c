/*
 * selfhelp topics: list, show and search the topic pages (bundled ones
 * and a person's own from $XDG_DATA_HOME/selfhelp/topics).
 */
#include "cmd.h"
#include "frontmatter.h"
#include "output.h"
#include "pager.h"
#include "render.h"
#include "search.h"
#include "term.h"
#include "topics.h"
#include "util.h"
#include "wipe.h"

#include <jansson.h>
#include <sodium.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Default and largest default wrap width (R21: min(terminal, 80)). */
enum { TOPICS_WIDTH = 80, WIDTH_MAX = 10000, NEAR_SHOWN = 3 };

/* search: the columns of a snippet off a terminal, and the fewest on one */
enum { SNIPPET_PLAIN = TOPICS_WIDTH - 2, SNIPPET_MIN = 16 };

static const char bold[] = "\033[1m", reset[] = "\033[0m";

static const char topics_help[] =
        "Short pages about complex PTSD, feelings, relationships and healing,\n"
        "all on this computer. Not a substitute for therapy.\n"
        "\n"
        "Examples:\n"
        "  selfhelp topics                    list every topic by category\n"
        "  selfhelp topics show shame         read the page on shame\n"
        "  selfhelp topics show inner critic  a title or other name works too\n"
        "  selfhelp topics search anger       pages that mention anger\n"
        "\n"
        "Your own pages in $XDG_DATA_HOME/selfhelp/topics/NAME.md (usually\n"
        "~/.local/share/selfhelp/topics) are listed too; one with the slug of "
        "a\n"
        "bundled page takes its place.\n";

static const char show_help[] =
        "Show one topic page. NAME is its slug, its title or another name for\n"
        "it, in any case: 'selfhelp topics show inner critic' works, and so\n"
        "does the start of a name when only one topic begins that way.\n"
        "A page with a content note shows it first; on a terminal it waits "
        "for\n"
        "Enter to go on, and q or Esc to leave.\n";

static bool parse_format(const char *s, enum render_format *f);

struct show_opts {
	enum render_format fmt;
	int width;
	bool skip_notes;
};

static int
format_option(void *p, const struct opt *opt, char *arg)
{
	struct show_opts *o = p;
	if (!parse_format(arg, &o->fmt))
		return usage_error("'%s' is not a format selfhelp knows; it "
		                   "knows ansi, plain, markdown, html and man.",
		                   arg);
	return 0;
}

#define O(f) offsetof(struct show_opts, f)
static const struct opt show_options[] = {
        {"format", 0, OPT_CALL, 0, "FORMAT",
         "ansi, plain, markdown, html or man (default: ansi\n"
         "on a terminal; plain when not, or with NO_COLOR)",
         "ansi plain markdown html man", .call = format_option},
        {"width", 0, OPT_INT, O(width), "N",
         "wrap at N columns (default: the terminal, at most\n"
         "80; $COLUMNS is honored)",
         .min = 1, .max = WIDTH_MAX,
         .bad = "--width takes a number of columns, like 60."},
        {"skip-notes", 0, OPT_FLAG, O(skip_notes), NULL,
         .help = "leave out the short content note some pages have"},
        {0},
};
#undef O

static const struct opt list_options[] = {
        {"json", 0, OPT_FLAG, 0, NULL,
         .help = "a JSON array of objects with slug, title, summary,\n"
                 "category, aliases, related and note"},
        {0},
};

/* Print the registry's warnings (problems with a person's own files). */
static void
print_warnings(const struct topics *reg)
{
	for (size_t i = 0; i < topics_nwarnings(reg); i++)
		note("%s", topics_warning(reg, i));
}

static struct topics *
load(void)
{
	struct topics *reg = topics_load(NULL);
	if (!reg) {
		fail("There was not enough memory to load the topics.");
		return NULL;
	}
	print_warnings(reg);
	return reg;
}

/*
 * Write s to fp cut to `cols` display columns ("…", or "..." outside a
 * UTF-8 locale, marks a cut). cols 0: no limit.
 */
static void
put_fit(FILE *fp, const char *s, size_t cols)
{
	if (!cols || util_display_width(s, strlen(s)) <= cols) {
		fputs(s, fp);
		return;
	}
	if (utf8_locale()) {
		char *t = util_truncate(s, cols, 0);
		fputs(t ? t : "", fp);
		wipe_free_str(t);
		return;
	}
	char *t = util_truncate(s, cols > 3 ? cols - 2 : 1, UTIL_CLEAN_ASCII);
	if (t) {
		size_t n = strlen(t);
		if (n >= 3 && strcmp(t + n - 3, "\xe2\x80\xa6") == 0)
			t[n - 3] = '\0';
		fprintf(fp, "%s...", t);
	}
	wipe_free_str(t);
}

/* ---- list ---- */

static const char *
category_name(const struct topic *t)
{
	return *t->category ? t->category : "Your own topics";
}

static int
list_json(const struct topics *reg)
{
	json_t *arr = json_array();
	int r = 0;
	for (size_t i = 0; arr && i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		json_t *o = json_object(), *al = json_array(),
		       *rel = json_array();
		if (!o || !al || !rel) {
			json_decref(o);
			json_decref(al);
			json_decref(rel);
			r = -1;
			break;
		}
		for (size_t j = 0; j < t->naliases; j++)
			json_array_append_new(al, json_string(t->aliases[j]));
		for (size_t j = 0; j < t->nrelated; j++)
			json_array_append_new(rel, json_string(t->related[j]));
		json_object_set_new(o, "slug", json_string(t->slug));
		json_object_set_new(o, "title", json_string(t->title));
		json_object_set_new(o, "summary", json_string(t->summary));
		json_object_set_new(o, "category", json_string(t->category));
		json_object_set_new(o, "aliases", al);
		json_object_set_new(o, "related", rel);
		json_object_set_new(o, "note",
		                    t->note ? json_string(t->note)
		                            : json_null());
		json_array_append_new(arr, o);
	}
	if (!arr || r < 0 || json_dumpf(arr, stdout, JSON_INDENT(2)) < 0) {
		json_decref(arr);
		return fail("There was not enough memory to list the topics.");
	}
	putchar('\n');
	json_decref(arr);
	return 0;
}

static int
list_text(const struct topics *reg, struct cmd_ctx *ctx)
{
	bool tty = term_is_tty(STDOUT_FILENO);
	bool color = term_use_color(STDOUT_FILENO);
	size_t cols = tty ? (size_t)term_width(STDOUT_FILENO) : 0;
	size_t slugw = 0, len = 0;
	char *text = NULL, *line = NULL;
	FILE *out = open_memstream(&text, &len);
	const char *last = NULL;

	if (!out)
		return fail("There was not enough memory to list the topics.");
	for (size_t i = 0; i < topics_count(reg); i++) {
		size_t l = strlen(topics_at(reg, i)->slug);
		slugw = l > slugw ? l : slugw;
	}
	for (size_t i = 0; i < topics_count(reg); i++) {
		const struct topic *t = topics_at(reg, i);
		const char *cat = category_name(t);
		size_t ll = 0;
		if (!last || strcmp(last, cat) != 0) {
			fprintf(out, "%s%s%s%s\n", last ? "\n" : "",
			        color ? bold : "", cat, color ? reset : "");
			last = cat;
		}
		FILE *lf = open_memstream(&line, &ll);
		if (!lf)
			break;
		fprintf(lf, "  %-*s  %s", (int)slugw, t->slug, t->title);
		if (*t->summary)
			fprintf(lf, " - %s", t->summary);
		fclose(lf);
		put_fit(out, line, cols);
		fputc('\n', out);
		free(line);
		line = NULL;
	}
	if (tty)
		fputs("\nRead one with: selfhelp topics show NAME\n", out);
	if (fclose(out) != 0) {
		free(text);
		return fail("There was not enough memory to list the topics.");
	}
	int r = pager_show(text, len, ctx);
	free(text);
	return r < 0 ? 1 : 0;
}

static int
topics_list(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opt_words w;
	bool json = false;
	int rc = opt_parse(argc, argv, &json, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (w.n)
		return usage_error("'topics list' takes no words; to read one "
		                   "topic, use 'selfhelp topics show %s'.",
		                   w.v[0]);
	struct topics *reg = load();
	if (!reg)
		return 1;
	int r = json ? list_json(reg) : list_text(reg, ctx);
	topics_free(reg);
	return r;
}

/* ---- show ---- */

/* Join argv[from..argc) with spaces. Caller frees. */
static char *
join_words(int argc, char **argv, int from)
{
	size_t n = 1;
	for (int i = from; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = malloc(n), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (int i = from; i < argc; i++)
		p += sprintf(p, "%s%s", i > from ? " " : "", argv[i]);
	return s;
}

/* Append s to fp with every ASCII punctuation character escaped. */
static void
md_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", *s))
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

static bool
parse_format(const char *s, enum render_format *f)
{
	static const struct {
		const char *name;
		enum render_format f;
	} formats[] = {
	        {"ansi", RENDER_ANSI},         {"plain", RENDER_PLAIN},
	        {"markdown", RENDER_MARKDOWN}, {"html", RENDER_HTML},
	        {"man", RENDER_MAN},
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*f = formats[i].f;
			return true;
		}
	}
	return false;
}

/* The markdown for a page: optional note paragraph, title, body. */
static char *
page_markdown(const struct topic *t, bool with_note, size_t *len)
{
	char *md = NULL;
	FILE *fp = open_memstream(&md, len);
	if (!fp)
		return NULL;
	if (with_note && t->note) {
		fputs("Content note: ", fp);
		md_escape(fp, t->note);
		fputs("\n\n", fp);
	}
	fputs("# ", fp);
	md_escape(fp, t->title);
	fputs("\n\n", fp);
	fwrite(t->body, 1, t->body_len, fp);
	if (fclose(fp) != 0) {
		free(md);
		return NULL;
	}
	return md;
}

static void
restore_and_reraise(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * On a terminal: show the content note and wait for one key. Returns 1
 * to read on, 0 when the person chose to leave, -1 on a render failure.
 */
static int
ask_note(const struct topic *t, enum render_format fmt, int width)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};
	struct sigaction sa = {.sa_handler = restore_and_reraise}, old[4];
	size_t len = 0;
	char *md = NULL;
	FILE *fp = open_memstream(&md, &len);
	int key, go = -1;

	if (!fp)
		return -1;
	fputs("Content note: ", fp);
	md_escape(fp, t->note);
	fputc('\n', fp);
	if (fclose(fp) != 0) {
		free(md);
		return -1;
	}
	char *text = render_markdown(md, len, fmt, width, 0);
	free(md);
	if (!text)
		return -1;
	fputs(text, stdout);
	free(text);
	fputs("Read on? [Enter/q] ", stdout);
	fflush(stdout);

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	if (term_raw(STDIN_FILENO) < 0) {
		go = 1; /* cannot wait for a key: read on */
	} else {
		while (go < 0) {
			key = term_read_key(STDIN_FILENO);
			if (key == '\r' || key == '\n' || key == ' ' ||
			    key == 'y' || key == 'Y')
				go = 1;
			else if (key == 'q' || key == 'Q' || key == 'n' ||
			         key == 'N' || key == TERM_KEY_ESC ||
			         key == 3 /* Ctrl-C */ ||
			         key == 4 /* Ctrl-D */ || key < 0)
				go = 0;
		}
		term_restore();
	}
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	fputc('\n', stdout);
	return go;
}

/* "Related: a, b, c. Need a break? selfhelp grounding", fit to cols. */
static void
print_related(const struct topic *t, size_t cols)
{
	static const char pause[] = "Need a break? selfhelp grounding";
	char line[512];
	size_t n = t->nrelated;
	for (;;) {
		int o = 0;
		if (n > 0) {
			o = snprintf(line, sizeof(line), "Related: ");
			for (size_t i = 0; i < n && o < (int)sizeof(line); i++)
				o += snprintf(line + o,
				              sizeof(line) - (size_t)o, "%s%s",
				              i ? ", " : "", t->related[i]);
			if (o < (int)sizeof(line))
				o += snprintf(line + o,
				              sizeof(line) - (size_t)o, ". ");
		}
		if (o < (int)sizeof(line))
			snprintf(line + o, sizeof(line) - (size_t)o, "%s",
			         pause);
		if (util_display_width(line, strlen(line)) <= cols || n == 0)
			break;
		n--;
	}
	putchar('\n');
	put_fit(stdout, line, cols);
	putchar('\n');
}

/* What was typed, fit to be echoed: no control characters, not too long. */
enum { ECHO_COLUMNS = 60 };

/* The closest topics' names, "anger, shame", into list. */
static void
near_names(const struct topics_near *near, char *list, size_t size)
{
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < near->n && i < NEAR_SHOWN && o < size; i++)
		o += (size_t)snprintf(list + o, size - o, "%s%s", i ? ", " : "",
		                      near->topics[i]->slug);
}

static int
show_miss(const char *typed, const struct topics_near *near)
{
	char *shown = util_truncate(typed, ECHO_COLUMNS, clean_locale());
	const char *name = shown ? shown : "";
	char list[256];
	int r;
	near_names(near, list, sizeof(list));
	if (near->ambiguous)
		r = fail("'%s' could be more than one topic: %s%s.", name, list,
		         near->n > NEAR_SHOWN ? ", ..." : "");
	else if (near->n)
		r = fail("There is no topic '%s'. Closest: %s.", name, list);
	else
		r = fail("There is no topic '%s'. 'selfhelp topics' lists "
		         "them all.",
		         name);
	wipe_free_str(shown);
	return r;
}

static int
show_page(const struct topic *t, enum render_format fmt, int width,
          bool skip_notes, struct cmd_ctx *ctx)
{
	bool tty = term_is_tty(STDOUT_FILENO);
	bool readable = fmt == RENDER_ANSI || fmt == RENDER_PLAIN;
	bool ask = t->note && !skip_notes && readable && tty &&
	           term_is_tty(STDIN_FILENO) && !run_no_input();
	size_t len = 0;
	char *md, *text, *page;

	if (ask) {
		int go = ask_note(t, fmt, width);
		if (go < 0)
			return fail("There was not enough memory to show the "
			            "page.");
		if (go == 0) {
			printf("Okay. The page is here whenever you want "
			       "it.\n");
			return 0;
		}
	}
	md = page_markdown(t, t->note && !skip_notes && !ask, &len);
	if (!md)
		return fail("There was not enough memory to show the page.");
	text = render_markdown(md, len, fmt, width, 0);
	if (text && fmt == RENDER_ANSI && tty) {
		/* OSC 8 links only when the text goes straight to the
		 * terminal, never into the pager */
		if (!pager_wanted(text, strlen(text), ctx)) {
			char *linked = render_markdown(md, len, fmt, width,
			                               RENDER_HYPERLINKS);
			if (linked) {
				free(text);
				text = linked;
			}
		}
	}
	free(md);
	if (!text)
		return fail("There was not enough memory to show the page.");
	page = text;
	if (fmt == RENDER_MAN) {
		char *upper = strdup(t->slug);
		for (char *p = upper; p && *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (!upper || asprintf(&page,
		                       ".TH \"SELFHELP-%s\" \"7\" \"\" "
		                       "\"selfhelp\" \"selfhelp topics\"\n%s",
		                       upper, text) < 0)
			page = NULL;
		free(upper);
		free(text);
		if (!page)
			return fail("There was not enough memory to show the "
			            "page.");
	}
	int r = pager_show(page, strlen(page), ctx);
	free(page);
	if (r < 0)
		return 1;
	if (tty && readable)
		print_related(t, (size_t)width);
	return 0;
}

static int
topics_show(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct show_opts o = {.fmt = term_use_color(STDOUT_FILENO)
	                                     ? RENDER_ANSI
	                                     : RENDER_PLAIN};
	struct opt_words w;
	int rc = opt_parse(argc, argv, &o, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	enum render_format fmt = o.fmt;
	int width = o.width;
	bool skip_notes = o.skip_notes;
	if (!w.n)
		return usage_error("'topics show' needs the name of a topic, "
		                   "like 'selfhelp topics show shame'.");
	if (!width) {
		width = term_width(STDOUT_FILENO);
		width = width > TOPICS_WIDTH ? TOPICS_WIDTH : width;
	}
	char *name = join_words(w.n, w.v, 0);
	struct topics *reg = name ? load() : NULL;
	int r = 1;
	if (!name)
		fail("There was not enough memory to show the page.");
	if (reg) {
		struct topics_near near;
		const struct topic *t = topics_find(reg, name, &near);
		r = t ? show_page(t, fmt, width, skip_notes, ctx)
		      : show_miss(name, &near);
	}
	topics_free(reg);
	free(name);
	return r;
}

/* ---- search ---- */

static int
topics_search_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opt_words w;
	int rc = opt_parse(argc, argv, NULL, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!w.n)
		return usage_error("'topics search' needs a word to look for, "
		                   "like 'selfhelp topics search anger'.");
	char *query = join_words(w.n, w.v, 0);
	struct topics *reg = query ? load() : NULL;
	struct topic_hits hits = {0};
	if (!query || !reg || topics_search(reg, query, &hits) < 0) {
		topics_free(reg);
		free(query);
		return fail("There was not enough memory to search.");
	}
	if (hits.n == 0) {
		char *shown =
		        util_truncate(query, ECHO_COLUMNS, clean_locale());
		printf("No topic mentions '%s'. 'selfhelp topics' lists them "
		       "all.\n",
		       shown ? shown : "");
		wipe_free_str(shown);
		topic_hits_release(&hits);
		topics_free(reg);
		free(query);
		return 0;
	}
	bool tty = term_is_tty(STDOUT_FILENO);
	bool color = term_use_color(STDOUT_FILENO);
	size_t cols = tty ? (size_t)term_width(STDOUT_FILENO) : 0, len = 0;
	/* a snippet under its name, indented by 2 */
	size_t snip_cols = cols > 2 + SNIPPET_MIN ? cols - 2
	                   : cols                 ? SNIPPET_MIN
	                                          : SNIPPET_PLAIN;
	char *text = NULL;
	FILE *out = open_memstream(&text, &len);
	for (size_t i = 0; out && i < hits.n; i++) {
		const struct topic *t = hits.hits[i].topic;
		const char *snip = hits.hits[i].snippet;
		fprintf(out, "%s%s%s%s - ", i ? "\n" : "", color ? bold : "",
		        t->slug, color ? reset : "");
		size_t used = strlen(t->slug) + 3;
		put_fit(out, t->title,
		        !cols         ? 0
		        : cols > used ? cols - used
		                      : 1);
		fputs("\n  ", out);
		struct search_snip sn;
		if (!snip)
			put_fit(out, t->summary, cols > 2 ? cols - 2 : 0);
		else if (search_snippet_fit(hits.hits[i].text,
		                            hits.hits[i].text_len,
		                            hits.hits[i].match_start,
		                            hits.hits[i].match_end, snip_cols,
		                            clean_locale(), &sn) == 0) {
			print_snippet(&sn, color, out);
			wipe_free_str(sn.text);
		}
		fputc('\n', out);
	}
	int r = 1;
	if (out && fclose(out) == 0)
		r = pager_show(text, len, ctx) < 0 ? 1 : 0;
	else
		fail("There was not enough memory to search.");
	free(text);
	topic_hits_release(&hits);
	topics_free(reg);
	free(query);
	return r;
}

/* ---- journaling prompts ---- */

static const struct opt prompts_options[] = {
        {"json", 0, OPT_FLAG, 0, NULL,
         .help = "a JSON object with slug, title and prompts (each\n"
                 "with its text and whether it is present-focused)"},
        {0},
};

static int
prompts_json(const struct topic *t, const struct topic_prompts *p)
{
	json_t *o = json_object(), *arr = json_array();
	if (!o || !arr) {
		json_decref(o);
		json_decref(arr);
		return print_json(NULL);
	}
	for (size_t i = 0; i < p->n; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "text", json_string(p->v[i].text));
		json_object_set_new(e, "present",
		                    json_boolean(p->v[i].present));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "slug", json_string(t->slug));
	json_object_set_new(o, "title", json_string(t->title));
	json_object_set_new(o, "prompts", arr);
	return print_json(o);
}

static int
topics_prompts_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct opt_words w;
	struct topic_prompts p = {0};
	bool json = false;
	int rc = opt_parse(argc, argv, &json, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!w.n)
		return usage_error(
		        "'topics prompts' needs the name of a topic, "
		        "like 'selfhelp topics prompts anger'.");
	char *name = join_words(w.n, w.v, 0);
	struct topics *reg = name ? load() : NULL;
	const struct topic *t = NULL;
	struct topics_near near;
	int r = 1;
	if (!name || !reg)
		fail("There was not enough memory to find the prompts.");
	else if (!(t = topics_find(reg, name, &near)))
		r = show_miss(name, &near);
	else if (topics_prompts(reg, t, &p) < 0)
		fail("There was not enough memory to find the prompts.");
	else if (json)
		r = prompts_json(t, &p);
	else if (!p.n) {
		printf("The page '%s' has no journaling prompts.\n", t->slug);
		r = 0;
	} else {
		for (size_t i = 0; i < p.n; i++) {
			print_clean_str(p.v[i].text, clean_locale(), stdout);
			putchar('\n');
		}
		r = 0;
	}
	topic_prompts_release(&p);
	topics_free(reg);
	free(name);
	return r;
}

/* A topic name for 'journal add --prompt' that found no page: one
 * sentence, with the closest names when there are some. */
static int
prompt_miss(const char *typed, const struct topics_near *near)
{
	char *shown = util_truncate(typed, ECHO_COLUMNS, clean_locale());
	const char *name = shown ? shown : "";
	char list[256];
	int r;
	near_names(near, list, sizeof(list));
	if (near->ambiguous)
		r = fail("'%s' could be more than one topic (%s%s); 'selfhelp "
		         "topics list' shows them all.",
		         name, list, near->n > NEAR_SHOWN ? ", ..." : "");
	else if (near->n)
		r = fail("There is no topic '%s' (closest: %s); 'selfhelp "
		         "topics list' shows them all.",
		         name, list);
	else
		r = fail("There is no topic '%s'; 'selfhelp topics list' shows "
		         "them all.",
		         name);
	wipe_free_str(shown);
	return r;
}

int
topics_pick_prompt(const char *name, char **prompt)
{
	struct topics *reg = load();
	struct topic_prompts p = {0};
	struct topics_near near;
	const struct topic *t = NULL;
	size_t npresent = 0, k;
	int r = 1;
	*prompt = NULL;
	if (!reg)
		return 1;
	if (name && !(t = topics_find(reg, name, &near))) {
		r = prompt_miss(name, &near);
		goto out;
	}
	if (topics_prompts(reg, t, &p) < 0) {
		fail("There was not enough memory to find a prompt.");
		goto out;
	}
	if (!p.n) {
		if (t)
			fail("The page '%s' has no journaling prompts; "
			     "'selfhelp "
			     "journal add --prompt' picks one from any page.",
			     t->slug);
		else
			fail("No topic page has journaling prompts.");
		goto out;
	}
	/* without a topic, only the present-focused ones (if any) */
	for (size_t i = 0; !t && i < p.n; i++)
		npresent += p.v[i].present;
	k = randombytes_uniform((uint32_t)(npresent ? npresent : p.n));
	for (size_t i = 0; i < p.n; i++) {
		if (npresent && !p.v[i].present)
			continue;
		if (k-- == 0) {
			*prompt = p.v[i].text;
			p.v[i].text = NULL;
			break;
		}
	}
	r = *prompt ? 0 : fail("There was not enough memory to find a prompt.");
out:
	topic_prompts_release(&p);
	topics_free(reg);
	return r;
}

static const struct command topics_subs[] = {
        {"list", topics_list, "every topic by category", .opts = list_options,
         .help = "List every topic by category: its name (slug), title and "
                 "summary.\n"},
        {"show", topics_show, "read one topic", "NAME", show_options, show_help,
         .hint = HINT_TOPICS},
        {"search", topics_search_cmd, "topics that mention some words",
         "WORDS...",
         .help = "Find the topics that mention every one of WORDS, in any "
                 "case, best\nfirst: a word in the title counts most, then "
                 "in the summary or other\nnames, then in the text.\n"},
        {"prompts", topics_prompts_cmd, "the journaling prompts of a topic",
         "NAME", prompts_options,
         "List the journaling prompts of one topic, one a line; NAME as for\n"
         "'topics show'. 'selfhelp journal add --prompt NAME' starts an "
         "entry\nwith one of them.\n",
         .hint = HINT_TOPICS},
        {0},
};

const struct command topics_command = {
        "topics",
        NULL,
        "read about CPTSD, feelings and healing",
        .help = topics_help,
        .subs = topics_subs,
        .dflt = "list",
};
