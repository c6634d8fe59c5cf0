#include "grounding.h"

#include "content.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

enum {
	NAME_MAX_BYTES = 32,
	SOURCE_MAX_BYTES = 200,
	CAUTION_MAX_BYTES = 400,
	CAUTION_MAX_LINES = 8,
	MS_PER_S = 1000,
};

static const char *const reserved_names[] = {"list", "random", "help"};

static const char *const focus_names[] = {
        [GROUNDING_FOCUS_OUTWARD] = "outward",
        [GROUNDING_FOCUS_BODY] = "body",
        [GROUNDING_FOCUS_BREATH] = "breath",
        [GROUNDING_FOCUS_IMAGERY] = "imagery",
        [GROUNDING_FOCUS_KINDNESS] = "kindness",
};
enum { NFOCUS = sizeof(focus_names) / sizeof(focus_names[0]) };

/* --- placeholders --- */

enum placeholder {
	PH_WEEKDAY,
	PH_DAY,
	PH_MONTH,
	PH_YEAR,
	PH_DATE,
	PH_TIME,
	NPLACEHOLDERS
};
static const char *const ph_names[NPLACEHOLDERS] = {
        "weekday", "day", "month", "year", "date", "time",
};
/* The widest value each can take, to check step widths at parse time. */
static const char *const ph_widest[NPLACEHOLDERS] = {
        "Wednesday", "30", "September", "2025", "30 September 2025", "00:00",
};
static const char *const weekdays[] = {
        "Sunday",   "Monday", "Tuesday",  "Wednesday",
        "Thursday", "Friday", "Saturday",
};
static const char *const months[] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December",
};

/* Index of the placeholder whose "{name}" starts at s, or -1. */
static int
placeholder_at(const char *s, size_t *lenp)
{
	if (*s != '{')
		return -1;
	for (int i = 0; i < NPLACEHOLDERS; i++) {
		size_t l = strlen(ph_names[i]);
		if (strncmp(s + 1, ph_names[i], l) == 0 && s[1 + l] == '}') {
			*lenp = l + 2;
			return i;
		}
	}
	return -1;
}

static char *
expand_with(const char *text, const char *const vals[NPLACEHOLDERS])
{
	size_t cap = strlen(text) + 1, len = 0;
	for (const char *s = text; *s; s++)
		if (*s == '{')
			cap += 32;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	for (const char *s = text; *s;) {
		size_t plen;
		int ph = placeholder_at(s, &plen);
		if (ph >= 0) {
			size_t vl = strlen(vals[ph]);
			if (vl > 31)
				vl = 31;
			memcpy(out + len, vals[ph], vl);
			len += vl;
			s += plen;
		} else {
			out[len++] = *s++;
		}
	}
	out[len] = '\0';
	return out;
}

char *
grounding_expand(const char *text, const struct tm *tm)
{
	char day[8], year[16], date[48], hm[16];
	const char *vals[NPLACEHOLDERS];
	int wd = tm->tm_wday >= 0 && tm->tm_wday < 7 ? tm->tm_wday : 0;
	int mon = tm->tm_mon >= 0 && tm->tm_mon < 12 ? tm->tm_mon : 0;

	snprintf(day, sizeof(day), "%d", tm->tm_mday % 100);
	snprintf(year, sizeof(year), "%d", tm->tm_year + 1900);
	snprintf(date, sizeof(date), "%s %s %s", day, months[mon], year);
	snprintf(hm, sizeof(hm), "%02d:%02d", tm->tm_hour % 100,
	         tm->tm_min % 100);
	vals[PH_WEEKDAY] = weekdays[wd];
	vals[PH_DAY] = day;
	vals[PH_MONTH] = months[mon];
	vals[PH_YEAR] = year;
	vals[PH_DATE] = date;
	vals[PH_TIME] = hm;
	return expand_with(text, vals);
}

int
grounding_text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int width = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0)
			return -1;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
			return -1;
		width += utf8proc_charwidth(cp);
		p += n;
	}
	return width;
}

/* --- parsing one file --- */

struct parser {
	const char *p, *end;
	unsigned line;
	struct grounding_error *err;
	struct grounding_exercise *ex;
	size_t steps_cap;
};

__attribute__((format(printf, 2, 3))) static int
perr(struct parser *ps, const char *fmt, ...)
{
	if (ps->err) {
		va_list ap;
		va_start(ap, fmt);
		ps->err->line = ps->line;
		vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
		va_end(ap);
	}
	return GROUNDING_EPARSE;
}

/* Next line without its newline (and \r), copied into a new string. */
static char *
next_line(struct parser *ps)
{
	if (ps->p >= ps->end)
		return NULL;
	const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	const char *e = nl ? nl : ps->end;
	size_t l = (size_t)(e - ps->p);
	if (l && e[-1] == '\r')
		l--;
	char *s = malloc(l + 1);
	if (s) {
		memcpy(s, ps->p, l);
		s[l] = '\0';
	}
	ps->p = nl ? nl + 1 : ps->end;
	ps->line++;
	return s;
}

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t'))
		s[--l] = '\0';
	return s;
}

static bool
is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* Check a line of text shown to the user: width and placeholders. */
static int
check_text(struct parser *ps, const char *what, const char *s)
{
	for (const char *q = s; (q = strchr(q, '{')) != NULL; q++) {
		size_t l;
		if (placeholder_at(q, &l) < 0)
			return perr(ps,
			            "the %s has '{' that does not start a "
			            "placeholder such as {weekday}",
			            what);
	}
	char *wide = expand_with(s, ph_widest);
	if (!wide)
		return GROUNDING_ENOMEM;
	int w = grounding_text_width(wide);
	free(wide);
	if (w < 0)
		return perr(ps, "the %s is not plain UTF-8 text", what);
	if (w == 0)
		return perr(ps, "the %s is empty", what);
	if (w > GROUNDING_MAX_COLS)
		return perr(ps, "the %s is %d columns wide; at most %d fit",
		            what, w, GROUNDING_MAX_COLS);
	return 0;
}

static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned v = 0;
	if (!*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* "too-much", "too-little" or both (comma between) into *out. */
static int
parse_states(struct parser *ps, const char *key, const char *v, unsigned *out)
{
	char buf[64];
	unsigned states = 0;
	if (strlen(v) >= sizeof(buf))
		return perr(ps, "'%s' takes too-much, too-little or both", key);
	strcpy(buf, v);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (strcmp(tok, "too-much") == 0)
			states |= GROUNDING_TOO_MUCH;
		else if (strcmp(tok, "too-little") == 0)
			states |= GROUNDING_TOO_LITTLE;
		else
			return perr(ps,
			            "'%s' takes too-much, too-little or "
			            "both, not '%s'",
			            key, tok);
	}
	if (!states)
		return perr(ps, "'%s' takes too-much, too-little or both", key);
	*out = states;
	return 0;
}

/*
 * The caution: one line in the file, wrapped here into lines of at most
 * GROUNDING_MAX_COLS columns, so that it is shown whole before step 1.
 */
static int
parse_caution(struct parser *ps, const char *v)
{
	struct grounding_exercise *ex = ps->ex;
	const char *p = v;
	if (strlen(v) > CAUTION_MAX_BYTES || grounding_text_width(v) < 0)
		return perr(ps,
		            "the caution is one line of plain text of at most "
		            "%d bytes",
		            CAUTION_MAX_BYTES);
	if (strchr(v, '{'))
		return perr(ps, "the caution has no placeholders");
	ex->caution = calloc(CAUTION_MAX_LINES, sizeof(*ex->caution));
	if (!ex->caution)
		return GROUNDING_ENOMEM;
	while (*p) {
		/* As many whole words as fit. */
		const char *end = p, *fit = NULL;
		for (;;) {
			const char *w = end + strspn(end, " ");
			const char *we = w + strcspn(w, " ");
			if (w == we)
				break;
			size_t l = (size_t)(we - p);
			char *line = strndup(p, l);
			if (!line)
				return GROUNDING_ENOMEM;
			int cols = grounding_text_width(line);
			free(line);
			if (cols > GROUNDING_MAX_COLS)
				break;
			fit = end = we;
		}
		if (!fit)
			return perr(ps,
			            "the caution has a word wider than %d "
			            "columns",
			            GROUNDING_MAX_COLS);
		if (ex->ncaution == CAUTION_MAX_LINES)
			return perr(ps, "the caution is longer than %d lines",
			            CAUTION_MAX_LINES);
		if (!(ex->caution[ex->ncaution] =
		              strndup(p, (size_t)(fit - p))))
			return GROUNDING_ENOMEM;
		ex->ncaution++;
		p = fit + strspn(fit, " ");
	}
	return ex->ncaution ? 0 : perr(ps, "the caution is empty");
}

static int
set_string(struct parser *ps, char **slot, const char *key, const char *v)
{
	if (*slot)
		return perr(ps, "'%s' appears twice", key);
	*slot = strdup(v);
	return *slot ? 0 : GROUNDING_ENOMEM;
}

static bool
name_ok(const char *s)
{
	size_t l = strlen(s);
	if (l == 0 || l > NAME_MAX_BYTES)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

enum seen_bits {
	SEEN_MINUTES = 1 << 0,
	SEEN_FOR = 1 << 1,
	SEEN_FOCUS = 1 << 2,
	SEEN_DEFAULT = 1 << 3,
	SEEN_PATTERN = 1 << 4,
	SEEN_CAUTION = 1 << 5,
	SEEN_FIRST_FOR = 1 << 6,
};

static int
parse_field(struct parser *ps, char *line, unsigned *seen)
{
	struct grounding_exercise *ex = ps->ex;
	char *colon = strchr(line, ':');
	if (!colon)
		return perr(ps, "expected 'key: value' or the closing '---'");
	*colon = '\0';
	char *key = trim(line), *v = trim(colon + 1);
	int rc;
	if (!*v)
		return perr(ps, "'%s' has no value", key);

	if (strcmp(key, "name") == 0) {
		if (!name_ok(v))
			return perr(ps,
			            "the name uses only a-z, 0-9 and '-' "
			            "(at most %d)",
			            NAME_MAX_BYTES);
		for (size_t i = 0;
		     i < sizeof(reserved_names) / sizeof(reserved_names[0]);
		     i++)
			if (strcmp(v, reserved_names[i]) == 0)
				return perr(ps,
				            "'%s' is kept for a sub-command; "
				            "pick another name",
				            v);
		return set_string(ps, &ex->name, key, v);
	}
	if (strcmp(key, "title") == 0 || strcmp(key, "summary") == 0 ||
	    strcmp(key, "note") == 0) {
		if ((rc = check_text(ps, key, v)) != 0)
			return rc;
		char **slot = key[0] == 't'   ? &ex->title
		              : key[0] == 's' ? &ex->summary
		                              : &ex->note;
		return set_string(ps, slot, key, v);
	}
	if (strcmp(key, "source") == 0) {
		if (strlen(v) > SOURCE_MAX_BYTES || grounding_text_width(v) < 0)
			return perr(ps,
			            "the source is one line of at most %d "
			            "bytes",
			            SOURCE_MAX_BYTES);
		return set_string(ps, &ex->source, key, v);
	}

	unsigned bit;
	if (strcmp(key, "minutes") == 0)
		bit = SEEN_MINUTES;
	else if (strcmp(key, "for") == 0)
		bit = SEEN_FOR;
	else if (strcmp(key, "focus") == 0)
		bit = SEEN_FOCUS;
	else if (strcmp(key, "default") == 0)
		bit = SEEN_DEFAULT;
	else if (strcmp(key, "pattern") == 0)
		bit = SEEN_PATTERN;
	else if (strcmp(key, "caution") == 0)
		bit = SEEN_CAUTION;
	else if (strcmp(key, "first-for") == 0)
		bit = SEEN_FIRST_FOR;
	else
		return perr(ps, "'%s' is not a field we know", key);
	if (*seen & bit)
		return perr(ps, "'%s' appears twice", key);
	*seen |= bit;

	switch (bit) {
	case SEEN_MINUTES:
		if (parse_uint(v, GROUNDING_MINUTES_MIN, GROUNDING_MINUTES_MAX,
		               &ex->minutes) < 0)
			return perr(ps,
			            "'minutes' is a whole number from %d "
			            "to %d",
			            GROUNDING_MINUTES_MIN,
			            GROUNDING_MINUTES_MAX);
		return 0;
	case SEEN_FOR:
		return parse_states(ps, key, v, &ex->suits);
	case SEEN_FIRST_FOR:
		return parse_states(ps, key, v, &ex->first_for);
	case SEEN_CAUTION:
		return parse_caution(ps, v);
	case SEEN_FOCUS:
		for (int i = 0; i < NFOCUS; i++) {
			if (strcmp(v, focus_names[i]) == 0) {
				ex->focus = (enum grounding_focus)i;
				return 0;
			}
		}
		return perr(ps,
		            "'focus' is one of outward, body, breath, "
		            "imagery or kindness, not '%s'",
		            v);
	case SEEN_DEFAULT:
		if (strcmp(v, "yes") == 0)
			ex->is_default = true;
		else if (strcmp(v, "no") == 0)
			ex->is_default = false;
		else
			return perr(ps, "'default' is yes or no");
		return 0;
	default:
		rc = grounding_pattern_parse(v, &ex->pattern);
		if (rc == GROUNDING_ETOOFAST)
			return perr(ps,
			            "'%s' is too fast: one breath takes at "
			            "least %d seconds",
			            v, GROUNDING_CYCLE_MIN_S);
		if (rc == GROUNDING_ELONGHOLD)
			return perr(ps,
			            "'%s' holds the breath longer than %d "
			            "seconds",
			            v, GROUNDING_HOLD_MAX_S);
		if (rc < 0)
			return perr(ps,
			            "'%s' is not a breathing pattern we "
			            "can use",
			            v);
		ex->has_pattern = true;
		return 0;
	}
}

static int
add_step(struct parser *ps, const char *text)
{
	struct grounding_exercise *ex = ps->ex;
	int rc = check_text(ps, "step", text);
	if (rc)
		return rc;
	if (ex->nsteps == ps->steps_cap) {
		size_t cap = ps->steps_cap ? ps->steps_cap * 2 : 16;
		char **ns = realloc(ex->steps, cap * sizeof(*ns));
		if (!ns)
			return GROUNDING_ENOMEM;
		ex->steps = ns;
		ps->steps_cap = cap;
	}
	if (!(ex->steps[ex->nsteps] = strdup(text)))
		return GROUNDING_ENOMEM;
	ex->nsteps++;
	return 0;
}

static int
parse_body(struct parser *ps)
{
	unsigned seen = 0;
	char *line;
	int rc = 0;
	bool in_front = false, front_done = false;

	while (!rc && (line = next_line(ps)) != NULL) {
		char *t = trim(line);
		if (!front_done && strcmp(t, "---") == 0) {
			if (in_front)
				front_done = true;
			in_front = true;
		} else if (is_blank(t)) {
			/* blank lines are allowed anywhere */
		} else if (!in_front) {
			rc = perr(ps, "the file starts with a '---' line");
		} else if (!front_done) {
			rc = parse_field(ps, t, &seen);
		} else if (t[0] == '-' && (t[1] == ' ' || t[1] == '\t')) {
			rc = add_step(ps, trim(t + 1));
		} else {
			rc = perr(ps, "a step starts with '- '");
		}
		free(line);
	}
	if (rc)
		return rc;
	ps->line = 0;
	if (!front_done)
		return perr(ps, in_front ? "the front matter has no closing "
		                           "'---'"
		                         : "the file is empty");

	struct grounding_exercise *ex = ps->ex;
	const char *missing = !ex->name                ? "name"
	                      : !ex->title             ? "title"
	                      : !ex->summary           ? "summary"
	                      : !(seen & SEEN_MINUTES) ? "minutes"
	                      : !(seen & SEEN_FOR)     ? "for"
	                      : !(seen & SEEN_FOCUS)   ? "focus"
	                                               : NULL;
	if (missing)
		return perr(ps, "the front matter has no '%s'", missing);
	if (ex->has_pattern != (ex->focus == GROUNDING_FOCUS_BREATH))
		return perr(ps, "a 'pattern' goes with 'focus: breath', and "
		                "only there");
	if (ex->has_pattern && grounding_pattern_has_holds(&ex->pattern) &&
	    !ex->ncaution)
		return perr(ps, "a pattern that holds the breath needs a "
		                "'caution' (holds make panic worse for some)");
	if (ex->first_for & ~ex->suits)
		return perr(ps, "'first-for' names a state the exercise is "
		                "not 'for'");
	if (ex->ncaution && (ex->is_default || ex->first_for))
		return perr(ps, "an exercise with a caution is an explicit "
		                "choice: it can't be the default or "
		                "'first-for'");
	if (ex->nsteps == 0)
		return perr(ps, "there are no steps ('- ' lines)");
	return 0;
}

int
grounding_exercise_parse(const char *text, size_t len,
                         struct grounding_exercise **out,
                         struct grounding_error *err)
{
	struct parser ps = {.p = text, .end = text + len, .err = err};
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (memchr(text, '\0', len))
		return perr(&ps, "the file holds a NUL byte");
	ps.ex = calloc(1, sizeof(*ps.ex));
	if (!ps.ex)
		return GROUNDING_ENOMEM;
	int rc = parse_body(&ps);
	if (rc) {
		grounding_exercise_free(ps.ex);
		if (rc == GROUNDING_ENOMEM && err)
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		return rc;
	}
	*out = ps.ex;
	return 0;
}

void
grounding_exercise_free(struct grounding_exercise *ex)
{
	if (!ex)
		return;
	free(ex->name);
	free(ex->title);
	free(ex->summary);
	free(ex->note);
	for (size_t i = 0; i < ex->ncaution; i++)
		free(ex->caution[i]);
	free(ex->caution);
	free(ex->source);
	for (size_t i = 0; i < ex->nsteps; i++)
		free(ex->steps[i]);
	free(ex->steps);
	free(ex);
}

const char *
grounding_focus_name(enum grounding_focus focus)
{
	return (unsigned)focus < NFOCUS ? focus_names[focus] : "outward";
}

/* --- sets --- */

struct grounding_set {
	struct grounding_exercise **ex;
	size_t n;
	size_t dflt;
};

static void set_error(struct grounding_error *err, const char *path,
                      unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void
set_error(struct grounding_error *err, const char *path, unsigned line,
          const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	snprintf(err->file, sizeof(err->file), "%s", path ? path : "");
	err->line = line;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static int
cmp_ex(const void *a, const void *b)
{
	const struct grounding_exercise *x = *(void *const *)a;
	const struct grounding_exercise *y = *(void *const *)b;
	return strcmp(x->name, y->name);
}

/* Does path's base name (without ".md") equal name? */
static bool
path_matches_name(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t l = strlen(name);
	return strncmp(base, name, l) == 0 && strcmp(base + l, ".md") == 0;
}

int
grounding_set_load(struct grounding_set **out, const char *const *paths,
                   const char *const *texts, size_t n,
                   struct grounding_error *err)
{
	struct grounding_set *set = calloc(1, sizeof(*set));
	int rc = 0;
	size_t ndefault = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!set || !(set->ex = calloc(n ? n : 1, sizeof(*set->ex)))) {
		free(set);
		set_error(err, NULL, 0, "out of memory");
		return GROUNDING_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct grounding_exercise *ex;
		rc = grounding_exercise_parse(texts[i], strlen(texts[i]), &ex,
		                              err);
		if (rc) {
			if (err)
				snprintf(err->file, sizeof(err->file), "%s",
				         paths[i]);
			goto fail;
		}
		set->ex[set->n++] = ex;
		if (paths[i] && !path_matches_name(paths[i], ex->name)) {
			set_error(err, paths[i], 0,
			          "the name '%s' differs from the file name",
			          ex->name);
			rc = GROUNDING_EPARSE;
			goto fail;
		}
		if (ex->is_default) {
			ndefault++;
			if (ex->focus != GROUNDING_FOCUS_OUTWARD) {
				set_error(err, paths[i], 0,
				          "the default exercise has focus: "
				          "outward (eyes open)");
				rc = GROUNDING_EPARSE;
				goto fail;
			}
		}
	}
	qsort(set->ex, set->n, sizeof(*set->ex), cmp_ex);
	unsigned first_seen = 0;
	for (size_t i = 0; i < set->n; i++) {
		if (first_seen & set->ex[i]->first_for) {
			set_error(err, NULL, 0,
			          "two exercises are 'first-for' the same "
			          "state (one is '%s')",
			          set->ex[i]->name);
			rc = GROUNDING_EPARSE;
			goto fail;
		}
		first_seen |= set->ex[i]->first_for;
	}
	for (size_t i = 0; i < set->n; i++) {
		if (i > 0 &&
		    strcmp(set->ex[i - 1]->name, set->ex[i]->name) == 0) {
			set_error(err, NULL, 0, "two exercises are called '%s'",
			          set->ex[i]->name);
			rc = GROUNDING_EPARSE;
			goto fail;
		}
		if (set->ex[i]->is_default)
			set->dflt = i;
	}
	if (ndefault != 1) {
		set_error(err, NULL, 0,
		          "%zu exercises say 'default: yes'; exactly one "
		          "should",
		          ndefault);
		rc = GROUNDING_EPARSE;
		goto fail;
	}
	*out = set;
	return 0;
fail:
	grounding_set_free(set);
	return rc;
}

int
grounding_set_load_bundled(struct grounding_set **out,
                           struct grounding_error *err)
{
	static const char prefix[] = "grounding/";
	const char **paths = calloc(content_nfiles + 1, sizeof(*paths));
	const char **texts = calloc(content_nfiles + 1, sizeof(*texts));
	size_t n = 0;
	int rc;

	if (!paths || !texts) {
		free(paths);
		free(texts);
		set_error(err, NULL, 0, "out of memory");
		return GROUNDING_ENOMEM;
	}
	for (size_t i = 0; i < content_nfiles; i++) {
		const struct content_file *f = &content_files[i];
		size_t l = strlen(f->path);
		if (strncmp(f->path, prefix, sizeof(prefix) - 1) != 0 ||
		    l < 4 || strcmp(f->path + l - 3, ".md") != 0)
			continue;
		paths[n] = f->path;
		texts[n] = f->data;
		n++;
	}
	rc = grounding_set_load(out, paths, texts, n, err);
	free(paths);
	free(texts);
	return rc;
}

void
grounding_set_free(struct grounding_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		grounding_exercise_free(set->ex[i]);
	free(set->ex);
	free(set);
}

size_t
grounding_set_count(const struct grounding_set *set)
{
	return set->n;
}

const struct grounding_exercise *
grounding_set_at(const struct grounding_set *set, size_t i)
{
	return i < set->n ? set->ex[i] : NULL;
}

const struct grounding_exercise *
grounding_set_default(const struct grounding_set *set)
{
	return set->n ? set->ex[set->dflt] : NULL;
}

int
grounding_set_find(const struct grounding_set *set, const char *name,
                   const struct grounding_exercise **out, const char **suggest)
{
	const struct grounding_exercise *first = NULL;
	size_t nprefix = 0, l = strlen(name);

	if (suggest)
		*suggest = NULL;
	for (size_t i = 0; i < set->n; i++) {
		if (strcmp(set->ex[i]->name, name) == 0) {
			*out = set->ex[i];
			return 0;
		}
		if (l && strncmp(set->ex[i]->name, name, l) == 0) {
			if (!nprefix++)
				first = set->ex[i];
		}
	}
	if (nprefix == 1) {
		*out = first;
		return 0;
	}
	if (nprefix > 1) {
		if (suggest)
			*suggest = first->name;
		return GROUNDING_EAMBIGUOUS;
	}
	if (suggest) {
		const char **names = malloc((set->n + 1) * sizeof(*names));
		if (names) {
			for (size_t i = 0; i < set->n; i++)
				names[i] = set->ex[i]->name;
			*suggest = util_suggest(name, names, set->n);
			free(names);
		}
	}
	return GROUNDING_ENOTFOUND;
}

/* Can `random` (or a default) start it for `state` (0: any)? */
static bool
pickable(const struct grounding_exercise *ex, unsigned state)
{
	return !ex->ncaution && (!state || (ex->suits & state));
}

const struct grounding_exercise *
grounding_set_pick(const struct grounding_set *set, unsigned state,
                   bool prefer_default, uint32_t rnd)
{
	size_t nfit = 0;
	const struct grounding_exercise *d = grounding_set_default(set);
	if (prefer_default && state) {
		for (size_t i = 0; i < set->n; i++)
			if ((set->ex[i]->first_for & state) &&
			    pickable(set->ex[i], state))
				return set->ex[i];
	}
	if (prefer_default && d && pickable(d, state))
		return d;
	for (size_t i = 0; i < set->n; i++)
		nfit += pickable(set->ex[i], state);
	if (!nfit)
		return NULL;
	size_t k = rnd % nfit;
	for (size_t i = 0; i < set->n; i++)
		if (pickable(set->ex[i], state) && k-- == 0)
			return set->ex[i];
	return NULL;
}

unsigned
grounding_state_parse(const char *s)
{
	if (strcmp(s, "too-much") == 0 || strcmp(s, "much") == 0)
		return GROUNDING_TOO_MUCH;
	if (strcmp(s, "too-little") == 0 || strcmp(s, "little") == 0)
		return GROUNDING_TOO_LITTLE;
	return 0;
}

/* --- breathing --- */

int
grounding_pattern_parse(const char *s, struct grounding_pattern *p)
{
	unsigned v[4], n = 0;
	if (strcasecmp(s, "box") == 0) {
		*p = (struct grounding_pattern){4, 4, 4, 4};
		return 0;
	}
	while (*s) {
		unsigned x = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 3) {
			x = x * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || n == 4 || x > GROUNDING_PHASE_MAX_S)
			return GROUNDING_EPATTERN;
		v[n++] = x;
		if (*s == '-' && s[1])
			s++;
		else if (*s)
			return GROUNDING_EPATTERN;
	}
	struct grounding_pattern r = {0};
	switch (n) {
	case 2:
		r.in = v[0];
		r.out = v[1];
		break;
	case 3:
		r.in = v[0];
		r.hold_in = v[1];
		r.out = v[2];
		break;
	case 4:
		r = (struct grounding_pattern){v[0], v[1], v[2], v[3]};
		break;
	default:
		return GROUNDING_EPATTERN;
	}
	if (r.in < GROUNDING_PHASE_MIN_S || r.out < GROUNDING_PHASE_MIN_S)
		return GROUNDING_EPATTERN;
	if (r.hold_in > GROUNDING_HOLD_MAX_S ||
	    r.hold_out > GROUNDING_HOLD_MAX_S)
		return GROUNDING_ELONGHOLD;
	if (r.in + r.hold_in + r.out + r.hold_out < GROUNDING_CYCLE_MIN_S)
		return GROUNDING_ETOOFAST;
	*p = r;
	return 0;
}

bool
grounding_pattern_has_holds(const struct grounding_pattern *p)
{
	return p->hold_in || p->hold_out;
}

char *
grounding_pattern_format(const struct grounding_pattern *p, char *buf, size_t n)
{
	if (!p->hold_in && !p->hold_out)
		snprintf(buf, n, "%u-%u", p->in, p->out);
	else if (!p->hold_out)
		snprintf(buf, n, "%u-%u-%u", p->in, p->hold_in, p->out);
	else
		snprintf(buf, n, "%u-%u-%u-%u", p->in, p->hold_in, p->out,
		         p->hold_out);
	return buf;
}

uint64_t
grounding_pattern_cycle_ms(const struct grounding_pattern *p)
{
	return (uint64_t)(p->in + p->hold_in + p->out + p->hold_out) * MS_PER_S;
}

unsigned
grounding_pacer_cycles(const struct grounding_pattern *p, unsigned minutes)
{
	uint64_t cyc = grounding_pattern_cycle_ms(p);
	uint64_t total = (uint64_t)minutes * 60 * MS_PER_S;
	if (!cyc)
		return 1;
	uint64_t n = (total + cyc - 1) / cyc;
	return n ? (unsigned)n : 1;
}

struct grounding_pacer_state
grounding_pacer_at(const struct grounding_pattern *p, unsigned cycles,
                   uint64_t elapsed_ms)
{
	struct grounding_pacer_state st = {.phase = GROUNDING_PHASE_DONE};
	const uint64_t len[4] = {
	        (uint64_t)p->in * MS_PER_S,
	        (uint64_t)p->hold_in * MS_PER_S,
	        (uint64_t)p->out * MS_PER_S,
	        (uint64_t)p->hold_out * MS_PER_S,
	};
	uint64_t cyc = grounding_pattern_cycle_ms(p);

	if (!cyc || elapsed_ms >= cyc * cycles) {
		st.cycle = cycles;
		st.phase_start = cyc * cycles;
		return st;
	}
	st.cycle = (unsigned)(elapsed_ms / cyc);
	uint64_t t = elapsed_ms % cyc, start = (uint64_t)st.cycle * cyc;
	for (int i = 0; i < 4; i++) {
		if (t >= len[i]) {
			t -= len[i];
			start += len[i];
			continue;
		}
		double frac = (double)t / (double)len[i];
		st.phase = (enum grounding_phase)i;
		st.ms_left = len[i] - t;
		st.secs_left =
		        (unsigned)((st.ms_left + MS_PER_S - 1) / MS_PER_S);
		st.phase_start = start;
		switch (st.phase) {
		case GROUNDING_PHASE_IN:
			st.fraction = frac;
			break;
		case GROUNDING_PHASE_HOLD_IN:
			st.fraction = 1.0;
			break;
		case GROUNDING_PHASE_OUT:
			st.fraction = 1.0 - frac;
			break;
		default:
			st.fraction = 0.0;
			break;
		}
		return st;
	}
	return st; /* not reached: t < cyc */
}
