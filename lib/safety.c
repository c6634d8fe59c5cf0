#include "safety.h"

#include "record.h"
#include "util.h"
#include "wipe.h"

#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HEADING_MAX = 200, NOTE_WIDTH = 72 };

struct section_info {
	const char *hint;
	/* Other headings understood for it (lower case, single spaces). */
	const char *const *names;
};

static const char *const warning_names[] = {"warning signs", "my warning signs",
                                            "warning signs that a crisis "
                                            "may be developing",
                                            "signs", NULL};
static const char *const own_names[] = {"things i can do on my own",
                                        "on my own",
                                        "things i can do by myself",
                                        "internal coping strategies",
                                        "coping strategies",
                                        "my coping strategies",
                                        NULL};
static const char *const distract_names[] = {
        "people and places that distract",
        "people and places that distract me",
        "people and social settings that provide distraction",
        "people and places that help me think about something else",
        "distractions",
        "distraction",
        NULL};
static const char *const people_names[] = {"people i can ask for help",
                                           "people i can ask",
                                           "people to ask for help",
                                           "people i can contact",
                                           "people whom i can ask for help",
                                           "people",
                                           "ask for help",
                                           NULL};
static const char *const pro_names[] = {
        "professionals and crisis lines",
        "professionals",
        "professionals and agencies",
        "professionals or agencies i can contact during a crisis",
        "crisis lines",
        NULL};
static const char *const safer_names[] = {"making my surroundings safer",
                                          "making my surroundings safe",
                                          "making the environment safe",
                                          "making my environment safe",
                                          "making my environment safer",
                                          "safer surroundings",
                                          "surroundings",
                                          NULL};
static const char *const reasons_names[] = {"my reasons to keep going",
                                            "reasons to keep going",
                                            "my reasons for living",
                                            "reasons for living",
                                            "reasons",
                                            "what i live for",
                                            NULL};

#define SECTION(key_, title)                                                   \
	{                                                                      \
		.type = RECORD_LIST, .json = key_, .key = key_,                \
		.label = title, .max = SAFETY_MAX_ITEMS,                       \
		.item_max = SAFETY_ITEM_MAX,                                   \
	}

/* The plan's sections: the keys of its body and of --json. Its storage
 * (versions, the Markdown layout) is its own. */
static const struct record_field fields[SAFETY_NSECTIONS] = {
        [SAFETY_WARNING_SIGNS] = SECTION("warning-signs", "Warning signs"),
        [SAFETY_ON_MY_OWN] = SECTION("on-my-own", "Things I can do on my own"),
        [SAFETY_DISTRACTIONS] =
                SECTION("distractions", "People and places that distract me"),
        [SAFETY_PEOPLE] = SECTION("people", "People I can ask for help"),
        [SAFETY_PROFESSIONALS] =
                SECTION("professionals", "Professionals and crisis lines"),
        [SAFETY_SURROUNDINGS] =
                SECTION("surroundings", "Making my surroundings safer"),
        [SAFETY_REASONS] = SECTION("reasons", "My reasons to keep going"),
};

const struct record_kind safety_kind = {
        .name = SAFETY_KIND,
        .title = "Safety plan",
        .what = "a safety plan",
        .flags = RECORD_OWN_STORAGE,
        .fields = fields,
        .nfields = SAFETY_NSECTIONS,
};

static const struct section_info sections[SAFETY_NSECTIONS] = {
        [SAFETY_WARNING_SIGNS] = {"Thoughts, feelings, urges (such as urges "
                                  "to hurt myself), situations or things I "
                                  "do that tell me a hard time may be "
                                  "starting.",
                                  warning_names},
        [SAFETY_ON_MY_OWN] = {"What helps me take my mind off things without "
                              "contacting anyone ('selfhelp grounding' is "
                              "one).",
                              own_names},
        [SAFETY_DISTRACTIONS] = {"People to be with and places to go that help "
                                 "me think about something else.",
                                 distract_names},
        [SAFETY_PEOPLE] = {"People I can reach out to: a name and a phone "
                           "number for each.",
                           people_names},
        [SAFETY_PROFESSIONALS] = {"My therapist, doctor, services and crisis "
                                  "lines, with their numbers; my local "
                                  "emergency number; the nearest emergency "
                                  "department, with its address ('selfhelp "
                                  "crisis' lists crisis lines).",
                                  pro_names},
        [SAFETY_SURROUNDINGS] = {"Ways to keep myself safer when things get "
                                 "bad. For example: asking someone I trust to "
                                 "keep my medicines for a while, or keeping "
                                 "only small amounts at home; locking away, "
                                 "or giving someone to hold, any firearms or "
                                 "other weapons, blades or other things I "
                                 "might use to hurt myself; staying away from "
                                 "alcohol and drugs. Who could help me with "
                                 "this?",
                                 safer_names},
        [SAFETY_REASONS] = {"People, hopes and things that matter to me and "
                            "are worth staying for.",
                            reasons_names},
};

const char *
safety_section_title(enum safety_section s)
{
	return s < SAFETY_NSECTIONS ? fields[s].label : "";
}

const char *
safety_section_key(enum safety_section s)
{
	return s < SAFETY_NSECTIONS ? fields[s].json : "";
}

const char *
safety_section_hint(enum safety_section s)
{
	return s < SAFETY_NSECTIONS ? sections[s].hint : "";
}

/* --- the plan in memory --- */

struct safety_plan *
safety_plan_new(void)
{
	return calloc(1, sizeof(struct safety_plan));
}

void
safety_plan_free(struct safety_plan *p)
{
	if (!p)
		return;
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		for (size_t i = 0; i < p->sections[s].n; i++)
			wipe_free_str(p->sections[s].items[i]);
		free(p->sections[s].items);
	}
	free(p);
}

int
safety_plan_add(struct safety_plan *p, enum safety_section s, const char *item,
                size_t len)
{
	if ((unsigned)s >= SAFETY_NSECTIONS ||
	    p->sections[s].n >= SAFETY_MAX_ITEMS)
		return -1;
	struct safety_items *it = &p->sections[s];
	char **ni = realloc(it->items, (it->n + 1) * sizeof(*ni));
	if (!ni)
		return -1;
	it->items = ni;
	char *copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, item, len);
	copy[len] = '\0';
	it->items[it->n++] = copy;
	return 0;
}

bool
safety_plan_empty(const struct safety_plan *p)
{
	for (int s = 0; s < SAFETY_NSECTIONS; s++)
		if (p->sections[s].n)
			return false;
	return true;
}

bool
safety_plan_same(const struct safety_plan *a, const struct safety_plan *b)
{
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		if (a->sections[s].n != b->sections[s].n)
			return false;
		for (size_t i = 0; i < a->sections[s].n; i++)
			if (strcmp(a->sections[s].items[i],
			           b->sections[s].items[i]) != 0)
				return false;
	}
	return true;
}

/* --- the readable layout --- */

/* A growing text buffer; wiped when it grows or is dropped. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *np = malloc(cap);
		if (!np) {
			b->failed = true;
			return;
		}
		if (b->p) {
			memcpy(np, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_drop(struct buf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

/* A note as "# " lines of at most NOTE_WIDTH columns (the hints are
 * ASCII, so bytes are columns). */
static void
put_note(struct buf *b, const char *s)
{
	size_t col = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (!n)
			break;
		if (col && col + 1 + n > NOTE_WIDTH) {
			buf_puts(b, "\n");
			col = 0;
		}
		buf_puts(b, col ? " " : "# ");
		col += col ? 1 : 2;
		buf_add(b, s, n);
		col += n;
		s += n;
	}
	buf_puts(b, "\n");
}

static const char note_text[] =
        "# Your safety plan is for times when things feel unbearable, or\n"
        "# you think about hurting yourself or ending your life. Write it on\n"
        "# a calmer day, perhaps with your therapist or someone you trust.\n"
        "# When it is needed: start at step 1; if a step doesn't help, go on\n"
        "# to the next. If you are in danger, go straight to step 5 or call\n"
        "# your emergency number.\n"
        "#\n"
        "# Under each heading, write one thing per line, starting with\n"
        "# \"- \". Lines starting with \"# \" are notes and are not saved.\n"
        "# Leave a part empty if nothing fits yet; you can come back to it\n"
        "# any time, and earlier versions are kept.\n";

char *
safety_format_text(const struct safety_plan *p, unsigned flags, size_t *len)
{
	struct buf b = {0};
	bool hints = flags & SAFETY_FORMAT_HINTS;
	if (hints)
		buf_puts(&b, note_text);
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		if (s || hints)
			buf_puts(&b, "\n");
		char head[32];
		/* "Step 3: ..." reads back as the section's title. */
		snprintf(head, sizeof(head), "## Step %d: ", s + 1);
		buf_puts(&b, head);
		buf_puts(&b, fields[s].label);
		buf_puts(&b, "\n");
		if (hints)
			put_note(&b, sections[s].hint);
		size_t n = p ? p->sections[s].n : 0;
		for (size_t i = 0; i < n; i++) {
			buf_puts(&b, "- ");
			buf_puts(&b, p->sections[s].items[i]);
			buf_puts(&b, "\n");
		}
		if (hints && n == 0)
			buf_puts(&b, "- \n");
	}
	if (b.failed || !b.p) {
		buf_drop(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

static int errf(char *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int
errf(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, SAFETY_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A heading's text, lower-cased, with single spaces, without a leading
 * step number ("1.", "2)", "Step 3:") or a trailing colon, into out.
 */
static void
normalize_heading(const char *s, size_t n, char *out, size_t outsize)
{
	size_t o = 0, i = 0;
	while (i < n && is_space(s[i]))
		i++;
	/* "step 3:" / "step 3 -" / "3." / "3)" */
	if (n - i > 5 && strncasecmp(s + i, "step ", 5) == 0 &&
	    s[i + 5] >= '0' && s[i + 5] <= '9')
		i += 5;
	size_t d = i;
	while (d < n && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d > i && d < n &&
	    (s[d] == '.' || s[d] == ')' || s[d] == ':' || s[d] == ' ')) {
		i = d + 1;
		while (i < n && (is_space(s[i]) || s[i] == '-'))
			i++;
	}
	bool space = false;
	for (; i < n && o + 1 < outsize; i++) {
		char c = s[i];
		if (is_space(c)) {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < outsize)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	while (o && (out[o - 1] == ':' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';
}

static int
match_heading(const char *h)
{
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		if (strcmp(h, fields[s].json) == 0)
			return s;
		for (const char *const *n = sections[s].names; *n; n++)
			if (strcmp(h, *n) == 0)
				return s;
	}
	/* "Warning signs (what tells me ...)", "People: name, phone" */
	for (int s = 0; s < SAFETY_NSECTIONS; s++)
		for (const char *const *n = sections[s].names; *n; n++) {
			size_t l = strlen(*n);
			if (strncmp(h, *n, l) == 0 &&
			    (strncmp(h + l, " (", 2) == 0 || h[l] == ':' ||
			     strncmp(h + l, " -", 2) == 0 ||
			     strncmp(h + l, " \xe2\x80\x93", 4) == 0))
				return s;
		}
	return -1;
}

/* Length of an item marker at s ("- ", "* ", "+ ", "12. ", "3) "). */
static size_t
item_marker(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+') &&
	    (n == 1 || is_space(s[1])))
		return 1;
	size_t d = 0;
	while (d < n && d < 3 && s[d] >= '0' && s[d] <= '9')
		d++;
	if (d && d < n && (s[d] == '.' || s[d] == ')') &&
	    (d + 1 == n || is_space(s[d + 1])))
		return d + 1;
	return 0;
}

static bool
has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
		/* C1 controls, U+0080-U+009F, as UTF-8 */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

static const char sections_list[] =
        "Warning signs; Things I can do on my own; People and places that "
        "distract me; People I can ask for help; Professionals and crisis "
        "lines; Making my surroundings safer; My reasons to keep going";

/* Replace the last item of section s by itself + " " + more. */
static int
continue_item(struct safety_plan *p, int s, const char *more, size_t n,
              size_t line, char *err)
{
	struct safety_items *it = &p->sections[s];
	char *old = it->items[it->n - 1];
	size_t ol = strlen(old);
	if (ol + 1 + n > SAFETY_ITEM_MAX)
		return errf(err,
		            "Line %zu makes its item longer than %d bytes; "
		            "please split it into two items.",
		            line, SAFETY_ITEM_MAX);
	char *nw = malloc(ol + 1 + n + 1);
	if (!nw)
		return errf(err, "Out of memory.");
	memcpy(nw, old, ol);
	nw[ol] = ' ';
	memcpy(nw + ol + 1, more, n);
	nw[ol + 1 + n] = '\0';
	wipe_free_str(old);
	it->items[it->n - 1] = nw;
	return 0;
}

static int
parse_line(struct safety_plan *p, const char *s, size_t n, size_t line,
           int *cur, bool *after_item, char *err)
{
	size_t bad;
	if (!util_utf8_ok(s, n, &bad))
		return errf(err,
		            "Line %zu has a byte that is not UTF-8 text (at "
		            "column %zu).",
		            line, bad + 1);
	if (has_control(s, n))
		return errf(err,
		            "Line %zu holds a control character; please take "
		            "it out.",
		            line);
	while (n && is_space(s[n - 1]))
		n--;
	if (n == 0) {
		*after_item = false;
		return 0;
	}
	if (s[0] == '#') {
		size_t h = 0;
		while (h < n && s[h] == '#')
			h++;
		if (h >= 2) {
			char norm[HEADING_MAX];
			normalize_heading(s + h, n - h, norm, sizeof(norm));
			if (!norm[0])
				return errf(err,
				            "Line %zu is a heading without a "
				            "name; the parts are: %s.",
				            line, sections_list);
			int sec = match_heading(norm);
			if (sec < 0)
				return errf(
				        err,
				        "Line %zu: '%.*s' is not one of the "
				        "plan's parts, which are: %s.",
				        line, (int)(n > 80 ? 80 : n), s,
				        sections_list);
			*cur = sec;
			*after_item = false;
			return 0;
		}
		if (n == 1 || is_space(s[1])) {
			*after_item = false; /* a note */
			return 0;
		}
	}
	size_t ind = 0;
	while (ind < n && is_space(s[ind]))
		ind++;
	const char *t = s + ind;
	size_t tn = n - ind;
	size_t mk = item_marker(t, tn);
	if (ind && !mk && *after_item)
		return continue_item(p, *cur, t, tn, line, err);
	if (*cur < 0)
		return errf(
		        err,
		        "Line %zu comes before the first heading; each part "
		        "starts with a heading such as '## Warning signs'.",
		        line);
	if (mk) {
		t += mk;
		tn -= mk;
		while (tn && is_space(*t)) {
			t++;
			tn--;
		}
	}
	if (tn == 0) {
		*after_item = false; /* an empty "- " */
		return 0;
	}
	if (tn > SAFETY_ITEM_MAX)
		return errf(err,
		            "Line %zu is longer than %d bytes; please split it "
		            "into two items.",
		            line, SAFETY_ITEM_MAX);
	if (p->sections[*cur].n >= SAFETY_MAX_ITEMS)
		return errf(err,
		            "Line %zu: '%s' holds %d items already, as many as "
		            "a part can.",
		            line, fields[*cur].label, SAFETY_MAX_ITEMS);
	if (safety_plan_add(p, (enum safety_section) * cur, t, tn))
		return errf(err, "Out of memory.");
	*after_item = true;
	return 0;
}

int
safety_parse_text(const char *text, size_t len, struct safety_plan **out,
                  char *err)
{
	struct safety_plan *p = safety_plan_new();
	int cur = -1;
	bool after_item = false;
	size_t line = 0, i = 0;
	*out = NULL;
	err[0] = '\0';
	if (!p)
		return errf(err, "Out of memory.");
	if (len > SAFETY_TEXT_MAX) {
		safety_plan_free(p);
		return errf(err, "The text is longer than %d bytes.",
		            SAFETY_TEXT_MAX);
	}
	/* A byte order mark some editors write. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		size_t n = e - i;
		if (n && text[i + n - 1] == '\r')
			n--;
		line++;
		if (parse_line(p, text + i, n, line, &cur, &after_item, err)) {
			safety_plan_free(p);
			return -1;
		}
		i = e + 1;
	}
	*out = p;
	return 0;
}

/* --- records --- */

static char *
encode_body(const struct safety_plan *p)
{
	json_t *o = json_object(), *secs = json_object();
	char *s = NULL;
	if (!o || !secs)
		goto out;
	for (int k = 0; k < SAFETY_NSECTIONS; k++) {
		json_t *a = json_array();
		if (!a || json_object_set_new(secs, fields[k].json, a))
			goto out;
		for (size_t i = 0; i < p->sections[k].n; i++)
			if (json_array_append_new(
			            a, json_string(p->sections[k].items[i])))
				goto out;
	}
	if (json_object_set_new(o, "v", json_integer(RECORD_VERSION)) ||
	    json_object_set(o, "sections", secs))
		goto out;
	s = json_dumps(o, JSON_COMPACT);
out:
	json_decref(secs);
	json_decref(o);
	return s;
}

/* The number stored in a head, and its time; -1 when not a plan head. */
static int
decode_head(const unsigned char *head, size_t len, time_t *created, int *stored)
{
	json_error_t jerr;
	json_t *h = json_loadb((const char *)head, len, 0, &jerr);
	int rc = -1;
	if (!json_is_object(h))
		goto out;
	json_t *c = json_object_get(h, "created");
	json_t *v = json_object_get(h, "version");
	if (!json_is_integer(c))
		goto out;
	*created = (time_t)json_integer_value(c);
	*stored = json_is_integer(v) && json_integer_value(v) > 0 &&
	                          json_integer_value(v) < 1000000000
	                  ? (int)json_integer_value(v)
	                  : 0;
	rc = 0;
out:
	json_decref(h);
	return rc;
}

int
safety_decode(const char *id, const unsigned char *head, size_t headlen,
              const unsigned char *body, size_t bodylen,
              struct safety_plan **out)
{
	json_error_t jerr;
	json_t *b = NULL;
	struct safety_plan *p = NULL;
	int stored, rc = -1;
	*out = NULL;
	p = safety_plan_new();
	if (!p || decode_head(head, headlen, &p->created, &stored))
		goto out;
	b = json_loadb((const char *)body, bodylen, 0, &jerr);
	json_t *secs = json_object_get(b, "sections");
	if (!json_is_object(b) || !json_is_object(secs))
		goto out;
	for (int k = 0; k < SAFETY_NSECTIONS; k++) {
		json_t *a = json_object_get(secs, fields[k].json);
		if (!a)
			continue;
		if (!json_is_array(a))
			goto out;
		for (size_t i = 0; i < json_array_size(a); i++) {
			json_t *x = json_array_get(a, i);
			if (!json_is_string(x) ||
			    safety_plan_add(p, (enum safety_section)k,
			                    json_string_value(x),
			                    json_string_length(x)))
				goto out;
		}
	}
	if (id)
		snprintf(p->id, sizeof(p->id), "%s", id);
	*out = p;
	p = NULL;
	rc = 0;
out:
	json_decref(b);
	safety_plan_free(p);
	return rc;
}

/* One record of the kind while the versions are gathered. */
struct hist_row {
	struct safety_version v;
	int stored; /* the number in the head (0: none, or damaged) */
	size_t pos; /* storage order */
	long rank;  /* see order_rows() */
};

enum gather_flags {
	GATHER_BODIES = 1 << 0, /* check that every body reads, too */
};

struct hist_ctx {
	struct vault *vault;
	unsigned flags;
	struct hist_row *rows;
	size_t n, cap;
};

struct load_ctx {
	struct safety_plan *p;
	bool damaged;
};

static int
load_cb(void *arg, const struct vault_item *it)
{
	struct load_ctx *c = arg;
	if (it->damaged || safety_decode(it->id, it->head, it->headlen,
	                                 it->body, it->bodylen, &c->p))
		c->damaged = true;
	return 0;
}

/* Read and decode record `id`: 0 with *out set, VAULT_DAMAGED, or an
 * error (a record gone meanwhile is one: it is no "no plan"). */
static int
load_record(struct vault *v, const char *id, struct safety_plan **out)
{
	struct load_ctx c = {0};
	int rc = vault_get(v, id, SAFETY_KIND, load_cb, &c);
	*out = NULL;
	if (rc) {
		safety_plan_free(c.p);
		return rc == VAULT_NOT_FOUND ? VAULT_ERROR : rc;
	}
	if (c.damaged || !c.p) {
		safety_plan_free(c.p);
		return VAULT_DAMAGED;
	}
	*out = c.p;
	return VAULT_OK;
}

static int
hist_cb(void *arg, const struct vault_item *it)
{
	struct hist_ctx *c = arg;
	struct hist_row r = {.pos = c->n};
	snprintf(r.v.id, sizeof(r.v.id), "%s", it->id);
	if (it->damaged ||
	    decode_head(it->head, it->headlen, &r.v.created, &r.stored)) {
		r.v.damaged = SAFETY_DAMAGED_HEAD;
		r.v.created = 0;
		r.stored = 0;
	} else if (c->flags & GATHER_BODIES) {
		/* (it->head is not valid after vault_get) */
		struct safety_plan *p;
		int rc = load_record(c->vault, r.v.id, &p);
		safety_plan_free(p);
		if (rc == VAULT_DAMAGED)
			r.v.damaged = SAFETY_DAMAGED_BODY;
		else if (rc)
			return rc;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct hist_row *nr = realloc(c->rows, cap * sizeof(*nr));
		if (!nr)
			return VAULT_ERROR;
		c->rows = nr;
		c->cap = cap;
	}
	c->rows[c->n++] = r;
	return 0;
}

static bool
head_damaged(const struct hist_row *r)
{
	return r->v.damaged == SAFETY_DAMAGED_HEAD;
}

/* The readable heads by time, number and id; damaged heads after them. */
static int
by_head(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;
	if (head_damaged(x) != head_damaged(y))
		return head_damaged(x) ? 1 : -1;
	if (head_damaged(x))
		return x->pos < y->pos ? -1 : x->pos > y->pos;
	if (x->v.created != y->v.created)
		return x->v.created < y->v.created ? -1 : 1;
	if (x->stored != y->stored)
		return x->stored < y->stored ? -1 : 1;
	return strcmp(x->v.id, y->v.id);
}

static int
by_pos(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
by_rank(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (head_damaged(x) != head_damaged(y))
		return head_damaged(x) ? 1 : -1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Put the rows in the order of safety.h: a readable head's rank is its
 * place among the readable heads; a damaged head takes the greatest rank
 * of the readable heads stored before it (-1: none) and comes right
 * after that one, in storage order among damaged heads that share it.
 */
static void
order_rows(struct hist_row *rows, size_t n)
{
	if (n == 0)
		return;
	qsort(rows, n, sizeof(*rows), by_head);
	for (size_t i = 0; i < n; i++)
		rows[i].rank = head_damaged(&rows[i]) ? -1 : (long)i;
	qsort(rows, n, sizeof(*rows), by_pos);
	long seen = -1;
	for (size_t i = 0; i < n; i++) {
		if (head_damaged(&rows[i]))
			rows[i].rank = seen;
		else if (rows[i].rank > seen)
			seen = rows[i].rank;
	}
	qsort(rows, n, sizeof(*rows), by_rank);
}

/* Every version in order, numbered (caller frees *out). */
static int
gather(struct vault *v, unsigned flags, struct hist_row **out, size_t *n)
{
	struct hist_ctx c = {.vault = v, .flags = flags};
	int rc = vault_each(v, SAFETY_KIND, 0, hist_cb, &c);
	*out = NULL;
	*n = 0;
	if (rc) {
		free(c.rows);
		return rc;
	}
	order_rows(c.rows, c.n);
	for (size_t i = 0; i < c.n; i++)
		c.rows[i].v.version = (int)i + 1;
	*out = c.rows;
	*n = c.n;
	return VAULT_OK;
}

int
safety_history(struct vault *v, struct safety_version **out, size_t *n)
{
	struct hist_row *rows;
	size_t count;
	int rc = gather(v, GATHER_BODIES, &rows, &count);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	struct safety_version *list = calloc(count ? count : 1, sizeof(*list));
	if (!list) {
		free(rows);
		return VAULT_ERROR;
	}
	for (size_t i = 0; i < count; i++)
		list[i] = rows[i].v;
	free(rows);
	*out = list;
	*n = count;
	return VAULT_OK;
}

int
safety_save(struct vault *v, struct safety_plan *p, time_t now)
{
	struct hist_row *rows;
	size_t n;
	int rc = gather(v, 0, &rows, &n);
	if (rc)
		return rc;
	/* Above every number read, and above the count of records, which a
	 * damaged head's unknown number cannot exceed when all were saved
	 * here. */
	int stored = n < 999999999 ? (int)n : 999999999;
	for (size_t i = 0; i < n; i++)
		if (rows[i].stored > stored)
			stored = rows[i].stored;
	free(rows);
	stored = stored < 999999999 ? stored + 1 : stored;

	json_t *h = json_object();
	char *head = NULL, *body = NULL;
	rc = VAULT_ERROR;
	if (!h || json_object_set_new(h, "v", json_integer(RECORD_VERSION)) ||
	    json_object_set_new(h, "created", json_integer(now)) ||
	    json_object_set_new(h, "updated", json_integer(now)) ||
	    json_object_set_new(h, "version", json_integer(stored)))
		goto out;
	head = json_dumps(h, JSON_COMPACT);
	body = encode_body(p);
	if (!head || !body)
		goto out;
	rc = vault_put(v, NULL, SAFETY_KIND, head, strlen(head), body,
	               strlen(body), p->id);
	if (rc)
		goto out;
	p->created = now;
	/* Its number among the versions kept. */
	rc = gather(v, 0, &rows, &n);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].v.id, p->id) == 0)
			p->version = rows[i].v.version;
	free(rows);
out:
	json_decref(h);
	record_json_free(head);
	record_json_free(body);
	return rc;
}

int
safety_load(struct vault *v, int version, struct safety_plan **out)
{
	struct hist_row *rows;
	size_t n;
	*out = NULL;
	int rc = gather(v, 0, &rows, &n);
	if (rc)
		return rc;
	if (n == 0 || version < 0 || (size_t)version > n) {
		free(rows);
		return VAULT_NOT_FOUND;
	}
	struct safety_version want =
	        rows[version ? (size_t)version - 1 : n - 1].v;
	free(rows);
	if (want.damaged == SAFETY_DAMAGED_HEAD)
		return VAULT_DAMAGED;
	if ((rc = load_record(v, want.id, out)))
		return rc;
	(*out)->version = want.version;
	return VAULT_OK;
}

int
safety_load_newest_readable(struct vault *v, struct safety_plan **out,
                            int *newest)
{
	struct hist_row *rows;
	size_t n;
	*out = NULL;
	*newest = 0;
	int rc = gather(v, 0, &rows, &n);
	if (rc)
		return rc;
	*newest = (int)n;
	rc = n ? VAULT_DAMAGED : VAULT_NOT_FOUND;
	for (size_t i = n; i-- > 0;) {
		if (head_damaged(&rows[i]))
			continue;
		rc = load_record(v, rows[i].v.id, out);
		if (rc == VAULT_DAMAGED)
			continue;
		if (rc == VAULT_OK)
			(*out)->version = rows[i].v.version;
		break;
	}
	free(rows);
	return rc;
}
