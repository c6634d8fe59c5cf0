/* The settings file (see settings.h). */
#include "settings.h"

#include "crisis.h"
#include "grounding.h"
#include "util.h"
#include "wipe.h"
#include "outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* An exercise's name: a-z, 0-9 and '-' (grounding.h). */
enum { EXERCISE_NAME_MAX = 32, KEY_SHOWN_MAX = 32 };

/* --- the keys --- */

static const struct key_info {
	const char *name;
	const char *values; /* for messages */
	const char *about;  /* for `config list` */
	const char *env;    /* the environment variable that wins */
} keys[SETTINGS_NKEYS] = {
        [SETTINGS_COUNTRY] = {"country", "a country code like DE or GB",
                              "your country: 'selfhelp crisis' and the "
                              "moments of high distress show its numbers",
                              "SELFHELP_COUNTRY"},
        [SETTINGS_MOTION] = {"motion", "full or reduced",
                             "reduced: breathing cues one line at a time, "
                             "no moving bar or countdown",
                             "SELFHELP_REDUCED_MOTION"},
        [SETTINGS_GROUNDING] = {"grounding", "the name of an exercise",
                                "the exercise 'selfhelp grounding' starts "
                                "without a name",
                                NULL},
        [SETTINGS_PAGER] = {"pager", "a command (empty or cat: none)",
                            "the program long pages go through",
                            "SELFHELP_PAGER"},
        [SETTINGS_EDITOR] = {"editor", "a command",
                             "the editor for journal entries and records",
                             "SELFHELP_EDITOR"},
        [SETTINGS_PRIVACY] = {"privacy", "normal or screen",
                              "screen: keep your words off the scrollback "
                              "(show, list and the guided questions)",
                              "SELFHELP_PRIVACY"},
};

/* Words and parts of words in a key that make it look like a secret. */
static const char *const secret_words[] = {"pin", "pw",   "pwd",
                                           "key", "pass", NULL};
static const char *const secret_parts[] = {
        "passphrase", "password", "passwd", "secret",     "token",
        "recovery",   "private",  "apikey", "credential", NULL};

static bool
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* s (n bytes) in lower case into out (size bytes); false when too long
 * or holding a byte no key has. */
static bool
lower_key(const char *s, size_t n, char *out, size_t size)
{
	if (n == 0 || n >= size)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!key_char(s[i]))
			return false;
		out[i] =
		        (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	}
	out[n] = '\0';
	return true;
}

static bool
looks_secret(const char *key)
{
	for (size_t i = 0; secret_parts[i]; i++)
		if (strstr(key, secret_parts[i]))
			return true;
	for (const char *p = key; *p;) {
		size_t n = strcspn(p, "-_.");
		for (size_t i = 0; secret_words[i]; i++)
			if (strlen(secret_words[i]) == n &&
			    strncmp(p, secret_words[i], n) == 0)
				return true;
		p += n;
		p += strspn(p, "-_.");
	}
	return false;
}

/* The key of `n` bytes at s (no blanks around it). */
static int
key_find_n(const char *s, size_t n)
{
	char k[64];
	if (!lower_key(s, n, k, sizeof(k)))
		return SETTINGS_EUNKNOWN;
	for (int i = 0; i < SETTINGS_NKEYS; i++)
		if (strcmp(keys[i].name, k) == 0)
			return i;
	return looks_secret(k) ? SETTINGS_ESECRET : SETTINGS_EUNKNOWN;
}

int
settings_key_find(const char *name)
{
	if (!name)
		return SETTINGS_EUNKNOWN;
	name += strspn(name, " \t");
	size_t n = strlen(name);
	while (n && blank(name[n - 1]))
		n--;
	return key_find_n(name, n);
}

const char *
settings_key_name(enum settings_key k)
{
	return keys[k].name;
}

const char *
settings_key_values(enum settings_key k)
{
	return keys[k].values;
}

const char *
settings_key_about(enum settings_key k)
{
	return keys[k].about;
}

const char *
settings_key_env(enum settings_key k)
{
	return keys[k].env;
}

/* --- values --- */

/* Can a file line hold this value? Writes why not into err. */
static bool
value_fits(const char *name, const char *v, char *err)
{
	size_t n = strlen(v);
	if (n > SETTINGS_VALUE_MAX) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "a value for %s is at most %d bytes long", name,
		         SETTINGS_VALUE_MAX);
		return false;
	}
	if (!util_utf8_ok(v, n, NULL) || util_has_control(v, n, 0, NULL)) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "a value for %s is one line of text, without control "
		         "characters",
		         name);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] == '#' && (i == 0 || blank(v[i - 1]))) {
			snprintf(
			        err, SETTINGS_ERR_MAX,
			        "a value for %s cannot hold a '#' at its start "
			        "or after a blank (it would start a comment)",
			        name);
			return false;
		}
	return true;
}

/* One of a few words (any case), into canon in lower case. */
static int
check_word(enum settings_key k, const char *v, const char *const *words,
           char *canon, char *err)
{
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(v, words[i]) == 0) {
			strcpy(canon, words[i]);
			return 0;
		}
	snprintf(err, SETTINGS_ERR_MAX, "%s takes %s, not '%.64s'",
	         keys[k].name, keys[k].values, v);
	return SETTINGS_EVALUE;
}

static int
check_country(const char *v, unsigned flags, char *canon, char *err)
{
	char code[CRISIS_CODE_LEN + 1];
	if (!*v) {
		snprintf(err, SETTINGS_ERR_MAX, "country takes %s, not nothing",
		         keys[SETTINGS_COUNTRY].values);
		return SETTINGS_EVALUE;
	}
	if (!(flags & SETTINGS_CHECK_BUNDLED)) {
		/* a code, or a name crisis_find() may know */
		if (crisis_code_normalize(v, code) == 0)
			strcpy(canon, code);
		else
			strcpy(canon, v);
		return 0;
	}
	struct crisis_data *d = NULL;
	char derr[CRISIS_ERR_MAX];
	if (crisis_load_bundled(&d, derr) != 0) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "the built-in list of crisis lines could not be read "
		         "(%.160s)",
		         derr);
		return SETTINGS_EIO;
	}
	const struct crisis_country *c = crisis_find(d, v);
	if (c)
		strcpy(canon, c->code);
	else
		snprintf(err, SETTINGS_ERR_MAX,
		         "there are no checked crisis numbers for '%.64s' in "
		         "selfhelp yet",
		         v);
	crisis_free(d);
	return c ? 0 : SETTINGS_EVALUE;
}

static int
check_grounding(const char *v, unsigned flags, char *canon, char *err)
{
	char name[EXERCISE_NAME_MAX + 1];
	size_t n = strlen(v);
	bool ok = n > 0 && n < sizeof(name);
	for (size_t i = 0; ok && i < n; i++) {
		char c = v[i] >= 'A' && v[i] <= 'Z' ? (char)(v[i] + 32) : v[i];
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		     c == '-';
		name[i] = c;
	}
	if (!ok) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "grounding takes the name of an exercise, like "
		         "orienting, not '%.64s'",
		         v);
		return SETTINGS_EVALUE;
	}
	name[n] = '\0';
	if (!(flags & SETTINGS_CHECK_BUNDLED)) {
		strcpy(canon, name);
		return 0;
	}
	struct grounding_set *set = NULL;
	const struct grounding_exercise *ex = NULL;
	const char *suggest = NULL;
	int rc = grounding_set_load_bundled(&set, NULL);
	if (rc) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "the bundled exercises could not be read");
		return rc == GROUNDING_ENOMEM ? SETTINGS_ENOMEM : SETTINGS_EIO;
	}
	rc = grounding_set_find(set, name, &ex, &suggest);
	if (rc == 0)
		strcpy(canon, ex->name);
	else if (rc == GROUNDING_EAMBIGUOUS)
		snprintf(err, SETTINGS_ERR_MAX,
		         "'%s' could be more than one exercise, such as '%s'",
		         name, suggest);
	else if (suggest)
		snprintf(err, SETTINGS_ERR_MAX,
		         "there is no exercise called '%s' (did you mean "
		         "'%s'?)",
		         name, suggest);
	else
		snprintf(err, SETTINGS_ERR_MAX,
		         "there is no exercise called '%s'", name);
	grounding_set_free(set);
	return rc == 0 ? 0 : SETTINGS_EVALUE;
}

int
settings_check(enum settings_key k, const char *value, unsigned flags,
               char *canon, char *err)
{
	static const char *const motions[] = {"full", "reduced", NULL};
	static const char *const privacies[] = {"normal", "screen", NULL};
	char v[SETTINGS_VALUE_MAX + 1];
	size_t n;

	canon[0] = '\0';
	err[0] = '\0';
	if ((unsigned)k >= SETTINGS_NKEYS) {
		snprintf(err, SETTINGS_ERR_MAX, "no such setting");
		return SETTINGS_EUNKNOWN;
	}
	value += strspn(value, " \t");
	n = strlen(value);
	while (n && blank(value[n - 1]))
		n--;
	if (n > SETTINGS_VALUE_MAX) {
		snprintf(err, SETTINGS_ERR_MAX,
		         "a value for %s is at most %d bytes long",
		         keys[k].name, SETTINGS_VALUE_MAX);
		return SETTINGS_EVALUE;
	}
	memcpy(v, value, n);
	v[n] = '\0';
	if (!value_fits(keys[k].name, v, err))
		return SETTINGS_EVALUE;
	switch (k) {
	case SETTINGS_COUNTRY:
		return check_country(v, flags, canon, err);
	case SETTINGS_MOTION:
		return check_word(k, v, motions, canon, err);
	case SETTINGS_GROUNDING:
		return check_grounding(v, flags, canon, err);
	case SETTINGS_PRIVACY:
		return check_word(k, v, privacies, canon, err);
	case SETTINGS_EDITOR:
		if (!*v) {
			snprintf(err, SETTINGS_ERR_MAX,
			         "editor takes a command, not nothing");
			return SETTINGS_EVALUE;
		}
		/* fall through */
	case SETTINGS_PAGER:
	case SETTINGS_NKEYS:
		break;
	}
	memcpy(canon, v, n + 1);
	return 0;
}

/* --- a file in memory --- */

struct line {
	char *text;  /* as read (or written here), without its line end */
	int key;     /* the key it names, or -1 (comment, blank, problem) */
	bool usable; /* key >= 0 and its value counts */
	char *value; /* the canonical value when usable */
};

struct settings {
	struct line *lines;
	size_t n, cap;
	int at[SETTINGS_NKEYS]; /* the line giving each key its value, -1 */
	struct settings_problem *problems;
	size_t nproblems, pcap;
};

static const char header[] =
        "# selfhelp settings: one \"key = value\" a line; '#' starts a "
        "comment.\n"
        "# 'selfhelp config list' shows every key; 'man selfhelp-config' "
        "tells more.";

static void
find_values(struct settings *s)
{
	for (int k = 0; k < SETTINGS_NKEYS; k++)
		s->at[k] = -1;
	for (size_t i = 0; i < s->n; i++)
		if (s->lines[i].usable)
			s->at[s->lines[i].key] = (int)i;
}

/* Append a line (takes ownership of text and value). */
static int
add_line(struct settings *s, char *text, int key, char *value)
{
	if (!text) {
		wipe_free_str(value);
		return SETTINGS_ENOMEM;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct line *l = realloc(s->lines, cap * sizeof(*l));
		if (!l) {
			wipe_free_str(text);
			wipe_free_str(value);
			return SETTINGS_ENOMEM;
		}
		s->lines = l;
		s->cap = cap;
	}
	s->lines[s->n++] = (struct line){
	        .text = text,
	        .key = key,
	        .usable = key >= 0 && value,
	        .value = value,
	};
	return 0;
}

static int add_problem(struct settings *s, unsigned line,
                       enum settings_status kind, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int
add_problem(struct settings *s, unsigned line, enum settings_status kind,
            const char *fmt, ...)
{
	va_list ap;
	if (s->nproblems == s->pcap) {
		size_t cap = s->pcap ? 2 * s->pcap : 4;
		struct settings_problem *p =
		        realloc(s->problems, cap * sizeof(*p));
		if (!p)
			return SETTINGS_ENOMEM;
		s->problems = p;
		s->pcap = cap;
	}
	struct settings_problem *p = &s->problems[s->nproblems++];
	p->line = line;
	p->kind = kind;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
	return 0;
}

struct settings *
settings_new(void)
{
	struct settings *s = calloc(1, sizeof(*s));
	if (s)
		find_values(s);
	return s;
}

void
settings_free(struct settings *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		wipe_free_str(s->lines[i].text);
		wipe_free_str(s->lines[i].value);
	}
	free(s->lines);
	free(s->problems);
	free(s);
}

/*
 * Read one line (without its line end) into s: a comment, a setting or
 * a problem. Returns 0 or SETTINGS_ENOMEM.
 */
static int
parse_line(struct settings *s, unsigned no, const char *p, size_t n)
{
	char *text = strndup(p, n);
	char canon[SETTINGS_VALUE_MAX + 1], err[SETTINGS_ERR_MAX];
	char shown[UTIL_CLEAN_SIZE(KEY_SHOWN_MAX)];
	int key = -1, rc;
	char *value = NULL;

	if (!text)
		return SETTINGS_ENOMEM;
	if (memchr(p, '\0', n) || !util_utf8_ok(p, n, NULL) ||
	    util_has_control(p, n, UTIL_CLEAN_LINES, NULL)) {
		rc = add_problem(s, no, SETTINGS_ESYNTAX,
		                 "it is not one line of text (a control "
		                 "character, or bytes that are not UTF-8)");
		goto keep;
	}
	size_t i = 0;
	while (i < n && blank(p[i]))
		i++;
	if (i == n || p[i] == '#') {
		rc = 0;
		goto keep;
	}
	const char *eq = memchr(p + i, '=', n - i);
	if (!eq) {
		rc = add_problem(s, no, SETTINGS_ESYNTAX,
		                 "it has no '=' (a setting is 'key = value')");
		goto keep;
	}
	size_t kn = (size_t)(eq - (p + i));
	while (kn && blank(p[i + kn - 1]))
		kn--;
	/* what the person wrote, cleaned and cut, for the message */
	util_clean(shown, p + i, kn < KEY_SHOWN_MAX ? kn : KEY_SHOWN_MAX, 0);
	int k = key_find_n(p + i, kn);
	if (k == SETTINGS_ESECRET) {
		rc = add_problem(s, no, SETTINGS_ESECRET,
		                 "'%s' looks like a secret; selfhelp never "
		                 "reads one from this file, which is not "
		                 "encrypted",
		                 shown);
		goto keep;
	}
	if (kn == 0) {
		rc = add_problem(s, no, SETTINGS_ESYNTAX,
		                 "there is no key before its '=' (a setting "
		                 "is 'key = value')");
		goto keep;
	}
	if (k < 0) {
		bool word = true;
		for (size_t j = 0; j < kn; j++)
			word = word && key_char(p[i + j]);
		rc = word ? add_problem(s, no, SETTINGS_EUNKNOWN,
		                        "'%s' is not a setting selfhelp knows",
		                        shown)
		          : add_problem(s, no, SETTINGS_ESYNTAX,
		                        "'%s' is not a key (a setting is 'key "
		                        "= value')",
		                        shown);
		goto keep;
	}
	key = k;
	/* the value: up to a comment (a '#' after a blank), trimmed */
	const char *v = eq + 1, *end = p + n;
	for (const char *c = v; c < end; c++)
		if (*c == '#' && (c == v || blank(c[-1]))) {
			end = c;
			break;
		}
	while (v < end && blank(*v))
		v++;
	while (end > v && blank(end[-1]))
		end--;
	char *raw = strndup(v, (size_t)(end - v));
	if (!raw) {
		wipe_free_str(text);
		return SETTINGS_ENOMEM;
	}
	rc = settings_check(k, raw, 0, canon, err);
	wipe_free_str(raw);
	if (rc == 0) {
		value = strdup(canon);
		sodium_memzero(canon, sizeof(canon));
		if (!value) {
			wipe_free_str(text);
			return SETTINGS_ENOMEM;
		}
	} else {
		rc = add_problem(s, no, SETTINGS_EVALUE, "%s", err);
	}
keep:
	if (rc) {
		wipe_free_str(text);
		return rc;
	}
	return add_line(s, text, key, value);
}

int
settings_parse(const char *text, size_t len, struct settings **out)
{
	struct settings *s = settings_new();
	unsigned no = 0;
	*out = NULL;
	if (!s)
		return SETTINGS_ENOMEM;
	/* a byte order mark some editors write */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		size_t shown = n;
		if (shown && text[pos + shown - 1] == '\r')
			shown--;
		if (parse_line(s, ++no, text + pos, shown) != 0) {
			settings_free(s);
			return SETTINGS_ENOMEM;
		}
		pos += n + 1;
	}
	find_values(s);
	*out = s;
	return 0;
}

const char *
settings_get(const struct settings *s, enum settings_key k)
{
	if (!s || (unsigned)k >= SETTINGS_NKEYS || s->at[k] < 0)
		return NULL;
	return s->lines[s->at[k]].value;
}

unsigned
settings_line(const struct settings *s, enum settings_key k)
{
	if (!s || (unsigned)k >= SETTINGS_NKEYS || s->at[k] < 0)
		return 0;
	return (unsigned)s->at[k] + 1;
}

size_t
settings_nproblems(const struct settings *s)
{
	return s ? s->nproblems : 0;
}

const struct settings_problem *
settings_problem_at(const struct settings *s, size_t i)
{
	return s && i < s->nproblems ? &s->problems[i] : NULL;
}

/* Remove line i, wiping it. */
static void
drop_line(struct settings *s, size_t i)
{
	wipe_free_str(s->lines[i].text);
	wipe_free_str(s->lines[i].value);
	memmove(&s->lines[i], &s->lines[i + 1],
	        (s->n - i - 1) * sizeof(s->lines[0]));
	s->n--;
}

/* The key a line names, whatever its value: also a line whose value
 * could not be used, so that setting the key replaces it. */
static int
line_key(const struct line *l)
{
	const char *p = l->text;
	if (l->key >= 0)
		return l->key;
	p += strspn(p, " \t");
	const char *eq = strchr(p, '=');
	if (*p == '#' || !eq)
		return -1;
	size_t kn = (size_t)(eq - p);
	while (kn && blank(p[kn - 1]))
		kn--;
	return key_find_n(p, kn);
}

/* The comment at the end of a setting's line, with the blanks before it
 * ("   # where I live"), or "". */
static const char *
comment_tail(const char *line)
{
	const char *eq = strchr(line, '=');
	if (!eq)
		return "";
	for (const char *c = eq + 1; *c; c++)
		if (*c == '#' && (c == eq + 1 || blank(c[-1]))) {
			while (c > eq + 1 && blank(c[-1]))
				c--;
			return c;
		}
	return "";
}

int
settings_set(struct settings *s, enum settings_key k, const char *value)
{
	char err[SETTINGS_ERR_MAX];
	char *text = NULL, *v;
	bool placed = false;

	if ((unsigned)k >= SETTINGS_NKEYS)
		return SETTINGS_EUNKNOWN;
	if (!value_fits(keys[k].name, value, err))
		return SETTINGS_EVALUE;
	if (asprintf(&text, "%s =%s%s", keys[k].name, *value ? " " : "",
	             value) < 0)
		return SETTINGS_ENOMEM;
	if (!(v = strdup(value))) {
		wipe_free_str(text);
		return SETTINGS_ENOMEM;
	}
	for (size_t i = 0; i < s->n;) {
		struct line *l = &s->lines[i];
		if (line_key(l) != (int)k) {
			i++;
			continue;
		}
		if (placed) {
			drop_line(s, i);
			continue;
		}
		/* the line keeps its comment */
		const char *tail = comment_tail(l->text);
		if (*tail) {
			char *with = NULL;
			if (asprintf(&with, "%s%s%s", text,
			             blank(*tail) ? "" : " ", tail) < 0) {
				wipe_free_str(text);
				wipe_free_str(v);
				find_values(s);
				return SETTINGS_ENOMEM;
			}
			wipe_free_str(text);
			text = with;
		}
		wipe_free_str(l->text);
		wipe_free_str(l->value);
		*l = (struct line){
		        .text = text, .key = k, .usable = true, .value = v};
		placed = true;
		i++;
	}
	if (!placed) {
		int rc = s->n ? 0 : add_line(s, strdup(header), -1, NULL);
		if (rc) {
			wipe_free_str(text);
			wipe_free_str(v);
			return rc;
		}
		/* add_line() frees them when it fails */
		if ((rc = add_line(s, text, k, v)) != 0)
			return rc;
	}
	find_values(s);
	return 0;
}

bool
settings_unset(struct settings *s, enum settings_key k)
{
	bool had = false;
	for (size_t i = 0; i < s->n;) {
		if (line_key(&s->lines[i]) == (int)k) {
			drop_line(s, i);
			had = true;
		} else {
			i++;
		}
	}
	find_values(s);
	return had;
}

char *
settings_format(const struct settings *s, size_t *len)
{
	size_t total = 0, pos = 0;
	for (size_t i = 0; i < s->n; i++)
		total += strlen(s->lines[i].text) + 1;
	char *out = malloc(total + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		size_t n = strlen(s->lines[i].text);
		memcpy(out + pos, s->lines[i].text, n);
		pos += n;
		out[pos++] = '\n';
	}
	out[pos] = '\0';
	*len = pos;
	return out;
}

void
settings_text_free(char *text, size_t len)
{
	wipe_free(text, len);
}

/* --- the file --- */

char *
settings_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/') {
		if (asprintf(&p, "%s/selfhelp/config", xdg) < 0)
			p = NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.config/selfhelp/config", home) < 0)
			p = NULL;
	}
	return p;
}

static int
io_error(char *err, const char *what, int e)
{
	snprintf(err, SETTINGS_ERR_MAX, "%s: %s", what, strerror(e));
	return SETTINGS_EIO;
}

int
settings_load(const char *path, struct settings **out, char *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		*out = settings_new();
		return *out ? 0 : SETTINGS_ENOMEM;
	}
	if (fd < 0)
		return io_error(err, "it could not be opened", errno);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, SETTINGS_ERR_MAX, "it is not a file");
		return SETTINGS_EIO;
	}
	if (st.st_size > SETTINGS_FILE_MAX) {
		close(fd);
		snprintf(err, SETTINGS_ERR_MAX,
		         "it is larger than %d KiB, which is more than any "
		         "settings need",
		         SETTINGS_FILE_MAX / 1024);
		return SETTINGS_ETOOBIG;
	}
	/* one byte more than allowed, to see a file that grew meanwhile */
	if (!(buf = malloc(SETTINGS_FILE_MAX + 1))) {
		close(fd);
		return SETTINGS_ENOMEM;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, SETTINGS_FILE_MAX + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			settings_text_free(buf, len);
			return io_error(err, "it could not be read", e);
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > SETTINGS_FILE_MAX) {
			close(fd);
			settings_text_free(buf, len);
			snprintf(err, SETTINGS_ERR_MAX,
			         "it is larger than %d KiB",
			         SETTINGS_FILE_MAX / 1024);
			return SETTINGS_ETOOBIG;
		}
	}
	close(fd);
	rc = settings_parse(buf, len, out);
	settings_text_free(buf, len);
	return rc;
}

int
settings_save(const struct settings *s, const char *path, char *err)
{
	struct stat st;
	char *target = NULL, *dir = NULL, *text = NULL;
	struct outfile f = {.fd = -1};
	size_t len = 0;
	int rc = SETTINGS_EIO;

	err[0] = '\0';
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		target = realpath(path, NULL);
		if (!target) {
			io_error(err,
			         "it is a link to a file that is not there",
			         errno);
			return SETTINGS_EIO;
		}
	} else if (!(target = strdup(path))) {
		return SETTINGS_ENOMEM;
	}
	char *slash = strrchr(target, '/');
	if (!slash || !(text = settings_format(s, &len)) ||
	    !(dir = strndup(target, (size_t)(slash - target)))) {
		rc = slash ? SETTINGS_ENOMEM : SETTINGS_EIO;
		if (!slash)
			snprintf(err, SETTINGS_ERR_MAX,
			         "it is not a path to a file");
		goto out;
	}
	if (*dir && outfile_mkdirs(dir) != 0) {
		io_error(err, "its folder could not be made", errno);
		goto out;
	}
	if (outfile_begin(&f, target) != 0) {
		io_error(err, "a new file could not be made next to it", errno);
		goto out;
	}
	if (outfile_write(f.fd, text, len) != 0 || fsync(f.fd) != 0) {
		io_error(err, "it could not be written", errno);
		goto out;
	}
	/* the rename itself reaches the disk with its folder */
	if (outfile_commit(&f, OUTFILE_SYNC) != 0) {
		io_error(err, "the new file could not be put in place", errno);
		goto out;
	}
	rc = 0;
out:
	outfile_abort(&f);
	free(dir);
	free(target);
	settings_text_free(text, len);
	return rc;
}
