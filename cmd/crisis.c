/*
 * selfhelp crisis: how to reach emergency services and crisis lines, by
 * country. Needs no vault and never asks for a passphrase: it must work
 * for anyone, at once, also with an unreadable HOME. Only when a key is
 * remembered in the kernel keyring (selfhelp unlock) does it add the
 * people and professionals from the person's safety plan.
 */
#include "cmd.h"
#include "crisis.h"
#include "dates.h"
#include "keyring.h"
#include "output.h"
#include "safety.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WIDTH_MAX = 80, INDENT = 2 };

static const char crisis_help[] =
        "Where to find help right now: emergency numbers and crisis lines.\n"
        "Needs no vault and no passphrase. selfhelp never dials or goes\n"
        "online; the numbers are built in.\n"
        "\n"
        "Without --country: SELFHELP_COUNTRY, else the country you saved\n"
        "('selfhelp config set country CC'), else a guess from your language\n"
        "settings (LC_ALL, LC_MESSAGES, LANG; de_AT.UTF-8 means Austria). "
        "While\n"
        "selfhelp is unlocked ('selfhelp unlock'), the people and\n"
        "professionals in your safety plan are shown too.\n";

static const char msg_more[] = "'selfhelp grounding' can steady you; "
                               "'selfhelp safety-plan' holds your plan.";

struct copts {
	const char *country;
	bool list, json, sources;
};

/* --- output helpers --- */

static bool color;
static int width = WIDTH_MAX;

static void
bold_on(void)
{
	if (color)
		fputs("\033[1m", stdout);
}

static void
bold_off(void)
{
	if (color)
		fputs("\033[0m", stdout);
}

/* Text from the data or the safety plan, one line through the display
 * sanitizer (print_clean). */
static void
put_clean(FILE *fp, const char *s, size_t n)
{
	print_clean(s, n, 0, fp);
}

/*
 * Print `text` wrapped to the width, every line starting with `indent`
 * spaces (`first` for the first line), then a newline. A newline in
 * `text` breaks the line there.
 */
static void
put_wrapped(FILE *fp, int first, int indent, const char *text)
{
	int col = 0;
	bool first_line = true, line_start = true;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\n') {
			p++;
			if (!line_start) {
				fputc('\n', fp);
				line_start = true;
				first_line = false;
			}
			continue;
		}
		if (!*p)
			break;
		size_t n = strcspn(p, " \n");
		int w = (int)util_display_width(p, n);
		if (!line_start && col + 1 + w > width) {
			fputc('\n', fp);
			line_start = true;
			first_line = false;
		}
		if (line_start) {
			col = first_line ? first : indent;
			fprintf(fp, "%*s", col, "");
			line_start = false;
		} else {
			fputc(' ', fp);
			col++;
		}
		put_clean(fp, p, n);
		col += w;
		p += n;
	}
	fputc('\n', fp);
}

/* Sources and date. A reviewer's "check" is for the data's maintainers
 * (it stays in --json): beside a number it would only sow doubt. */
static void
put_provenance(const struct crisis_provenance *pv, int indent)
{
	for (size_t i = 0; i < pv->nsources; i++)
		printf("%*sSource: %s\n", indent, "", pv->sources[i]);
	printf("%*sLast checked: %s\n", indent, "", pv->verified);
}

/* "112 now, or 144 for an ambulance" into buf (`now` may be ""). */
static void
emergency_numbers(const struct crisis_emergency *e, const char *now, char *buf,
                  size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s%s", e->number, now);
	for (size_t i = 0; i < e->nalso && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
		                      i + 1 < e->nalso ? ", " : ", or ",
		                      e->also[i]);
}

/* --- the safety plan, only when a remembered key opens the vault --- */

/*
 * What crisis shows of the plan. Nothing while locked or without a plan;
 * otherwise the newest version that reads, and never silently an older
 * one or nothing: `damaged` says the newest could not be read.
 */
struct plan_state {
	struct safety_plan *p; /* the newest version that reads, or NULL */
	int versions;          /* 0: locked, no vault or no plan */
	bool damaged;          /* the newest version could not be read */
	bool locked;           /* a vault, and no key remembered for it */
	char error[160];       /* why, when it was no damage (I/O ...) */
};

static void
plan_if_unlocked(struct cmd_ctx *ctx, struct plan_state *st)
{
	struct vault *v = NULL;
	char *err = NULL, *path = ctx_vault_path(ctx);
	char vid[VAULT_ID_HEX + 1];
	unsigned char *master;
	memset(st, 0, sizeof(*st));
	if (!path || access(path, R_OK | W_OK) != 0) {
		free(path);
		return;
	}
	int rc = vault_open(path, &v, &err);
	free(path);
	free(err);
	if (rc)
		return;
	vault_id_hex(v, vid);
	master = sodium_malloc(CRYPTO_KEY_BYTES);
	if (master && keyring_load(vid, master, NULL) == KEYRING_OK &&
	    vault_unlock_master(v, master) == VAULT_OK) {
		rc = safety_load_newest_readable(v, &st->p, &st->versions);
		if (rc == VAULT_OK)
			st->damaged = st->p->version < st->versions;
		else if (rc != VAULT_NOT_FOUND)
			st->damaged = true;
		if (rc && rc != VAULT_NOT_FOUND && rc != VAULT_DAMAGED)
			snprintf(st->error, sizeof(st->error), "%s",
			         vault_errmsg(v));
	} else {
		st->locked = true;
	}
	sodium_free(master);
	vault_free(v);
}

static const enum safety_section plan_parts[] = {SAFETY_PEOPLE,
                                                 SAFETY_PROFESSIONALS};
enum { NPLAN_PARTS = sizeof(plan_parts) / sizeof(plan_parts[0]) };

static const char msg_plan_unreadable[] =
        "Your safety plan could not be read: it is damaged or was changed "
        "outside selfhelp. 'selfhelp safety-plan history' shows its "
        "versions.";

/* "Your safety plan could not be read: ..." into buf (for the screen,
 * and for stderr with --json). */
static void
plan_damage_text(const struct plan_state *st, char *buf, size_t size)
{
	char when[32];
	bool any = false;
	if (st->error[0]) {
		snprintf(buf, size, "Your safety plan could not be read (%s).",
		         st->error);
		return;
	}
	if (!st->p) {
		snprintf(buf, size, "%s", msg_plan_unreadable);
		return;
	}
	for (size_t k = 0; k < NPLAN_PARTS; k++)
		any = any || st->p->sections[plan_parts[k]].n;
	date_format_local(st->p->created, when, sizeof(when));
	if (any)
		snprintf(
		        buf, size,
		        "Your safety plan could not be read: its newest "
		        "version is damaged or was changed outside selfhelp. "
		        "What follows is from version %d, saved %s, the newest "
		        "one that reads.",
		        st->p->version, when);
	else
		snprintf(buf, size,
		         "Your safety plan could not be read: its newest "
		         "version is damaged or was changed outside selfhelp. "
		         "Version %d, saved %s, the newest one that reads, has "
		         "no people or professionals in it.",
		         st->p->version, when);
}

static void
put_plan(const struct plan_state *st)
{
	const struct safety_plan *p = st->p;
	char from[64] = "your safety plan", s[512];
	if (st->locked) {
		fputc('\n', stdout);
		put_wrapped(stdout, 0, 0,
		            "If your safety plan names people, they appear "
		            "here while selfhelp is unlocked ('selfhelp "
		            "unlock').");
	}
	if (st->damaged) {
		plan_damage_text(st, s, sizeof(s));
		fputc('\n', stdout);
		put_wrapped(stdout, 0, 0, s);
	}
	if (!p)
		return;
	if (st->damaged)
		snprintf(from, sizeof(from), "version %d of your safety plan",
		         p->version);
	for (size_t k = 0; k < NPLAN_PARTS; k++) {
		const struct safety_items *it = &p->sections[plan_parts[k]];
		if (!it->n)
			continue;
		fputc('\n', stdout);
		bold_on();
		printf("%s", safety_section_title(plan_parts[k]));
		bold_off();
		printf(" (from %s)\n", from);
		for (size_t i = 0; i < it->n; i++) {
			char *line = malloc(strlen(it->items[i]) + 3);
			if (!line)
				continue;
			sprintf(line, "- %s", it->items[i]);
			put_wrapped(stdout, INDENT, INDENT + 2, line);
			wipe_free_str(line);
		}
	}
}

/* --- the screen --- */

enum country_from {
	FROM_NONE,
	FROM_OPTION,
	FROM_ENV,
	FROM_LOCALE,
	FROM_SETTINGS,
};

struct choice {
	const struct crisis_country *c;
	const char *asked; /* what was asked or guessed when c is NULL */
	char code[CRISIS_CODE_LEN + 1];
	enum country_from from;
};

static void
put_line(const struct crisis_line *l, bool sources)
{
	fputc('\n', stdout);
	bold_on();
	put_clean(stdout, l->name, strlen(l->name));
	bold_off();
	if (l->audience) {
		printf(", for ");
		put_clean(stdout, l->audience, strlen(l->audience));
	}
	fputc('\n', stdout);
	for (size_t i = 0; i < l->ncontact; i++) {
		char s[512];
		snprintf(s, sizeof(s), "%s.", l->contact[i]);
		put_wrapped(stdout, INDENT, INDENT + 2, s);
	}
	if (l->about)
		put_wrapped(stdout, INDENT, INDENT, l->about);
	if (sources)
		put_provenance(&l->prov, INDENT);
}

/* The emergency number, the others for the same danger, and (when the
 * country is only guessed) the numbers of other places. */
static void
put_emergency(const struct crisis_data *d, const struct choice *ch,
              bool sources)
{
	const struct crisis_country *c = ch->c;
	const struct crisis_provenance *note_prov;
	const char *note = crisis_emergency_note(d, &note_prov);
	char s[512];

	if (c && c->emergency) {
		printf("If you are in immediate danger, call ");
		bold_on();
		printf("%s", c->emergency->number);
		bold_off();
		printf(".\n");
		for (size_t i = 0; i < c->emergency->nalso; i++) {
			snprintf(s, sizeof(s), "Or call %s.",
			         c->emergency->also[i]);
			put_wrapped(stdout, 0, INDENT, s);
		}
		if (sources)
			put_provenance(&c->emergency->prov, INDENT);
	} else if (c) {
		put_wrapped(stdout, 0, 0,
		            "If you are in immediate danger, call your "
		            "local emergency number.");
	}
	if (c && ch->from != FROM_LOCALE)
		return;
	/* No country, or one guessed from the language settings, which
	 * often name another country than the one the person is in. */
	if (c) {
		snprintf(s, sizeof(s), "Somewhere else?\n%s", note);
		fputc('\n', stdout);
		put_wrapped(stdout, 0, 0, s);
	} else {
		put_wrapped(stdout, 0, 0, note);
	}
	if (sources)
		put_provenance(note_prov, INDENT);
}

static void
put_screen(const struct crisis_data *d, const struct choice *ch,
           const struct plan_state *plan, bool sources)
{
	const struct crisis_country *c = ch->c;
	const struct crisis_directory *dir = crisis_directory(d);
	char s[512];

	bold_on();
	printf("Help right now");
	bold_off();
	if (c && ch->from == FROM_LOCALE)
		printf(" (%s, guessed from your language settings)", c->name);
	else if (c)
		printf(" (%s)", c->name);
	printf("\n\n");

	put_emergency(d, ch, sources);
	/* The person's own people are often the most reachable help. */
	put_plan(plan);

	if (c) {
		for (size_t i = 0; i < c->nlines; i++)
			put_line(&c->lines[i], sources);
		fputc('\n', stdout);
		snprintf(s, sizeof(s), "%s: %s (%s, a checked directory)",
		         c->nlines ? "More crisis lines" : "Crisis lines",
		         c->directory, dir->name);
		put_wrapped(stdout, 0, INDENT, s);
	} else {
		fputc('\n', stdout);
		if (ch->asked) {
			snprintf(s, sizeof(s),
			         "selfhelp has no checked numbers for '%s' "
			         "yet.",
			         ch->asked);
			put_wrapped(stdout, 0, 0, s);
		}
		snprintf(s, sizeof(s),
		         "%s lists crisis lines in about 130 "
		         "countries: %s",
		         dir->name, dir->url);
		put_wrapped(stdout, 0, INDENT, s);
	}
	if (sources) {
		if (dir->about)
			put_wrapped(stdout, INDENT, INDENT, dir->about);
		put_provenance(&dir->prov, INDENT);
	}

	fputc('\n', stdout);
	if (c && ch->from == FROM_LOCALE) {
		put_wrapped(stdout, 0, 0,
		            "'selfhelp crisis --country CC' shows another "
		            "country; 'selfhelp config set country CC' saves "
		            "yours.");
	} else if (!c) {
		put_wrapped(stdout, 0, 0,
		            "'selfhelp crisis --country CC' shows one "
		            "country; --list names them.");
	}
	put_wrapped(stdout, 0, 0, msg_more);
}

/* --- JSON --- */

static json_t *
strings_json(const char *const *s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static void
add_provenance(json_t *o, const struct crisis_provenance *pv)
{
	json_object_set_new(o, "sources",
	                    strings_json(pv->sources, pv->nsources));
	json_object_set_new(o, "verified", json_string(pv->verified));
	if (pv->check)
		json_object_set_new(o, "check", json_string(pv->check));
}

static json_t *
emergency_json(const struct crisis_emergency *e)
{
	if (!e)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "number", json_string(e->number));
	json_object_set_new(o, "also", strings_json(e->also, e->nalso));
	add_provenance(o, &e->prov);
	return o;
}

static json_t *
line_json(const struct crisis_line *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(l->name));
	json_object_set_new(
	        o, "for", l->audience ? json_string(l->audience) : json_null());
	json_object_set_new(o, "contact",
	                    strings_json(l->contact, l->ncontact));
	json_object_set_new(o, "about",
	                    l->about ? json_string(l->about) : json_null());
	add_provenance(o, &l->prov);
	return o;
}

static json_t *
items_json(const struct safety_items *it)
{
	json_t *a = json_array();
	for (size_t i = 0; i < it->n; i++)
		json_array_append_new(a, json_string(it->items[i]));
	return a;
}

static int
screen_json(const struct crisis_data *d, const struct choice *ch,
            const struct plan_state *plan)
{
	static const char *const from_names[] = {
	        [FROM_NONE] = NULL,           [FROM_OPTION] = "option",
	        [FROM_ENV] = "environment",   [FROM_LOCALE] = "locale",
	        [FROM_SETTINGS] = "settings",
	};
	const struct crisis_country *c = ch->c;
	const struct crisis_directory *dir = crisis_directory(d);
	const struct crisis_provenance *note_prov;
	const char *note = crisis_emergency_note(d, &note_prov);
	json_t *o = json_object(), *country = json_null();
	if (c) {
		country = json_object();
		json_object_set_new(country, "code", json_string(c->code));
		json_object_set_new(country, "name", json_string(c->name));
		json_object_set_new(country, "from",
		                    json_string(from_names[ch->from]));
	}
	json_object_set_new(o, "country", country);
	json_object_set_new(o, "asked",
	                    !c && ch->asked ? json_string(ch->asked)
	                                    : json_null());
	json_object_set_new(o, "emergency",
	                    emergency_json(c ? c->emergency : NULL));
	json_t *n = json_object();
	json_object_set_new(n, "text", json_string(note));
	add_provenance(n, note_prov);
	json_object_set_new(o, "emergency_note", n);
	json_t *lines = json_array();
	for (size_t i = 0; c && i < c->nlines; i++)
		json_array_append_new(lines, line_json(&c->lines[i]));
	json_object_set_new(o, "lines", lines);
	json_t *dj = json_object();
	json_object_set_new(dj, "name", json_string(dir->name));
	json_object_set_new(dj, "url",
	                    json_string(c ? c->directory : dir->url));
	json_object_set_new(dj, "about",
	                    dir->about ? json_string(dir->about) : json_null());
	add_provenance(dj, &dir->prov);
	json_object_set_new(o, "directory", dj);
	if (plan->versions || plan->damaged) {
		/* version: the one shown (null: none reads); damaged: the
		 * newest could not be read */
		static const struct safety_items none = {0};
		const struct safety_plan *p = plan->p;
		json_t *pj = json_object();
		for (size_t k = 0; k < NPLAN_PARTS; k++)
			json_object_set_new(
			        pj, safety_section_key(plan_parts[k]),
			        items_json(p ? &p->sections[plan_parts[k]]
			                     : &none));
		json_object_set_new(pj, "version",
		                    p ? json_integer(p->version) : json_null());
		json_object_set_new(pj, "versions",
		                    json_integer(plan->versions));
		json_object_set_new(pj, "damaged", json_boolean(plan->damaged));
		json_object_set_new(o, "plan", pj);
	}
	return print_json(o);
}

/* --- --list --- */

static int
list_countries(const struct crisis_data *d, bool json)
{
	size_t n = crisis_ncountries(d);
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			const struct crisis_country *c =
			        crisis_country_at(d, i);
			json_t *o = json_object(), *names = json_array();
			for (size_t j = 0; j < c->nlines; j++)
				json_array_append_new(
				        names, json_string(c->lines[j].name));
			json_object_set_new(o, "code", json_string(c->code));
			json_object_set_new(o, "name", json_string(c->name));
			json_object_set_new(
			        o, "emergency",
			        c->emergency ? json_string(c->emergency->number)
			                     : json_null());
			json_object_set_new(o, "lines", names);
			json_object_set_new(o, "directory",
			                    json_string(c->directory));
			json_array_append_new(a, o);
		}
		return print_json(a);
	}
	printf("Countries selfhelp has numbers for ('selfhelp crisis "
	       "--country CC'):\n\n");
	for (size_t i = 0; i < n; i++) {
		const struct crisis_country *c = crisis_country_at(d, i);
		const char *sep = "";
		printf("  %s  %-15s  ", c->code, c->name);
		if (c->emergency) {
			printf("emergency %s", c->emergency->number);
			sep = "; ";
		}
		for (size_t j = 0; j < c->nlines; j++) {
			printf("%s%s", sep, c->lines[j].name);
			sep = ", ";
		}
		if (!*sep)
			printf("%s", c->directory);
		fputc('\n', stdout);
	}
	printf("\nEverywhere else: %s\n", crisis_directory(d)->url);
	return 0;
}

/* --- the command --- */

#define O(f) offsetof(struct copts, f)
static const struct opt crisis_options[] = {
        {"country", 0, OPT_STRING, O(country), "CC",
         "lines for one country: a two-letter code like US,\n"
         "GB (or UK), IE, DE, AT, CH, LI, FR, NL, ES, CA,\n"
         "AU, or its name",
         .hint = HINT_COUNTRIES},
        {"list", 0, OPT_FLAG, O(list), NULL,
         .help = "the countries selfhelp has numbers for"},
        {"sources", 0, OPT_FLAG, O(sources), NULL,
         .help = "where each number comes from, and when it was\n"
                 "last checked"},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "for scripts (sources included)"},
        {0},
};
#undef O

static int
parse_opts(int argc, char **argv, struct copts *o)
{
	struct opt_words w;
	int rc = opt_parse(argc, argv, o, &w);
	if (rc)
		return rc;
	if (w.n)
		return usage_error("'crisis' takes options only; for a "
		                   "country, --country %s.",
		                   w.v[0]);
	if (o->list && (o->country || o->sources))
		return usage_error("--list shows every country; it takes "
		                   "only --json.");
	return 0;
}

/* Which country to show: the option, SELFHELP_COUNTRY, the saved
 * setting, the locale. */
static void
choose(const struct crisis_data *d, const struct copts *o, struct choice *ch)
{
	const char *env = getenv("SELFHELP_COUNTRY"), *saved;
	memset(ch, 0, sizeof(*ch));
	if (o->country && *o->country) {
		ch->from = FROM_OPTION;
		ch->asked = o->country;
	} else if (env && *env) {
		ch->from = FROM_ENV;
		ch->asked = env;
	} else if ((saved = run_setting(SETTINGS_COUNTRY)) != NULL) {
		ch->from = FROM_SETTINGS;
		ch->asked = saved;
	} else if (crisis_locale_country(getenv("LC_ALL"),
	                                 getenv("LC_MESSAGES"), getenv("LANG"),
	                                 ch->code) == 0) {
		ch->from = FROM_LOCALE;
		ch->asked = ch->code;
	}
	if (ch->asked)
		ch->c = crisis_find(d, ch->asked);
	if (!ch->c) {
		/* Show what was asked in its canonical form where it has one.
		 */
		if (ch->asked && ch->asked != ch->code &&
		    crisis_code_normalize(ch->asked, ch->code) == 0)
			ch->asked = ch->code;
		ch->from = FROM_NONE;
	}
}

/* When the bundled data cannot be read (it is checked by the tests, so
 * this should never show): still the one thing that matters. */
static const char msg_fallback[] =
        "If you are in immediate danger, call your local emergency "
        "number.\nfindahelpline.com lists crisis lines in about 130 "
        "countries.\n";

static int
fallback(const char *err)
{
	fputs(msg_fallback, stdout);
	fflush(stdout);
	note("The built-in list of crisis lines could not be read (%s).", err);
	return 1;
}

void
crisis_put_brief(FILE *fp)
{
	static const char danger[] =
	        "If you are in danger or can't keep yourself safe, call";
	struct crisis_data *d = NULL;
	struct copts o = {0};
	struct choice ch;
	char err[CRISIS_ERR_MAX], s[512], nums[256];
	int saved = width;
	width = isatty(fileno(fp)) ? term_width(fileno(fp)) : WIDTH_MAX;
	if (width > WIDTH_MAX)
		width = WIDTH_MAX;
	fputc('\n', fp);
	if (crisis_load_bundled(&d, err) != 0) {
		fputs(msg_fallback, fp);
		width = saved;
		return;
	}
	choose(d, &o, &ch);
	const struct crisis_country *c = ch.c;
	const struct crisis_directory *dir = crisis_directory(d);
	if (c && c->emergency) {
		emergency_numbers(c->emergency, " now", nums, sizeof(nums));
		if (ch.from == FROM_LOCALE)
			snprintf(
			        s, sizeof(s),
			        "%s %s (%s, going by your language settings; "
			        "somewhere else, your local emergency number).",
			        danger, nums, c->name);
		else
			snprintf(s, sizeof(s), "%s %s.", danger, nums);
		put_wrapped(fp, 0, 0, s);
	} else if (c) {
		snprintf(s, sizeof(s), "%s your local emergency number now.",
		         danger);
		put_wrapped(fp, 0, 0, s);
	} else {
		put_wrapped(fp, 0, 0, crisis_emergency_note(d, NULL));
	}
	if (c && c->nlines)
		snprintf(s, sizeof(s), "%s: %s.", c->lines[0].name,
		         c->lines[0].contact[0]);
	else if (c)
		snprintf(s, sizeof(s), "Crisis lines: %s", c->directory);
	else
		snprintf(s, sizeof(s),
		         "%s lists crisis lines in about 130 countries: %s",
		         dir->name, dir->url);
	put_wrapped(fp, 0, INDENT, s);
	put_wrapped(fp, 0, 0,
	            "'selfhelp crisis' shows more, with no passphrase.");
	fflush(fp);
	crisis_free(d);
	width = saved;
}

bool
crisis_put_named(FILE *fp)
{
	struct crisis_data *d = NULL;
	struct copts o = {0};
	struct choice ch;
	char err[CRISIS_ERR_MAX], s[512];
	bool shown = false;
	if (crisis_load_bundled(&d, err) != 0)
		return false;
	choose(d, &o, &ch);
	const struct crisis_country *c = ch.c;
	if (c && (ch.from == FROM_ENV || ch.from == FROM_SETTINGS)) {
		int saved = width;
		width = isatty(fileno(fp)) ? term_width(fileno(fp)) : WIDTH_MAX;
		if (width > WIDTH_MAX)
			width = WIDTH_MAX;
		if (c->emergency)
			snprintf(s, sizeof(s),
			         "If you are in danger or can't keep yourself "
			         "safe, call %s now.",
			         c->emergency->number);
		else
			snprintf(s, sizeof(s),
			         "If you are in danger or can't keep yourself "
			         "safe, call your local emergency number now.");
		put_wrapped(fp, 0, 0, s);
		if (c->nlines)
			snprintf(s, sizeof(s), "%s (%s): %s.", c->lines[0].name,
			         c->name, c->lines[0].contact[0]);
		else
			snprintf(s, sizeof(s), "Crisis lines (%s): %s", c->name,
			         c->directory);
		put_wrapped(fp, 0, INDENT, s);
		put_wrapped(fp, 0, 0, "'selfhelp crisis' shows more.");
		width = saved;
		shown = true;
	}
	crisis_free(d);
	return shown;
}

static int
cmd_crisis(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct copts o = {0};
	struct crisis_data *d = NULL;
	struct plan_state plan;
	struct choice ch;
	char err[CRISIS_ERR_MAX];
	int rc = parse_opts(argc, argv, &o);
	if (rc > 0) {
		/* Mistyped in a hurry: the numbers all the same. */
		crisis_put_brief(stderr);
		return rc;
	}
	if (rc)
		return 0;
	color = term_use_color(STDOUT_FILENO);
	width = isatty(STDOUT_FILENO) ? term_width(STDOUT_FILENO) : WIDTH_MAX;
	if (width > WIDTH_MAX)
		width = WIDTH_MAX;
	if (crisis_load_bundled(&d, err) != 0)
		return fallback(err);
	if (o.list) {
		rc = list_countries(d, o.json);
		crisis_free(d);
		return rc;
	}
	choose(d, &o, &ch);
	plan_if_unlocked(ctx, &plan);
	if (o.json) {
		rc = screen_json(d, &ch, &plan);
		if (plan.damaged) {
			char s[512];
			plan_damage_text(&plan, s, sizeof(s));
			note("%s", s);
		}
	} else {
		put_screen(d, &ch, &plan, o.sources);
		rc = 0;
	}
	/* The numbers are out; a plan that could not be read still fails. */
	rc = rc ? rc : plan.damaged;
	safety_plan_free(plan.p);
	crisis_free(d);
	return rc;
}

const struct command crisis_command = {
        "crisis",
        cmd_crisis,
        "help right now: emergency numbers and crisis lines",
        .opts = crisis_options,
        .help = crisis_help,
};
