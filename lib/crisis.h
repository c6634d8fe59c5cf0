/*
 * Crisis lines and emergency numbers, by country, from the bundled data
 * file content/crisis/lines.json (see the comment at its top for the
 * rules: every entry names its sources and the day it was last checked;
 * a number no source confirms is left out and the directory stands in).
 *
 * The data is parsed and checked strictly: an entry without at least
 * one source or without a "verified" date is refused (a reviewer's
 * "check" note does not stand in for a source), so an unsourced number
 * cannot ship by accident. Also here: the country guessed from the locale, as a
 * pure function of the environment strings.
 */
#ifndef SELFHELP_CRISIS_H
#define SELFHELP_CRISIS_H

#include <stdbool.h>
#include <stddef.h>

/* The bundled file, relative to content/. */
#define CRISIS_CONTENT_PATH "crisis/lines.json"

enum {
	CRISIS_FORMAT = 1, /* the data file's "format" this build reads */
	CRISIS_ERR_MAX = 256,
	CRISIS_CODE_LEN = 2, /* ISO 3166-1 alpha-2 */
};

/* Where an entry comes from. All strings borrowed from the data. */
struct crisis_provenance {
	const char *const *sources; /* nsources >= 1 URLs (http or https) */
	size_t nsources;
	const char *verified; /* "YYYY-MM-DD": last checked against them */
	/* A reviewer's caveat, or NULL. For the data's maintainers: never
	 * shown on the crisis screen beside a number. */
	const char *check;
};

/* A number to call in immediate danger (911, 112, 999). */
struct crisis_emergency {
	const char *number; /* digits and single spaces */
	/* nalso more numbers for the same danger, each with what it is
	 * for, as in "144 for an ambulance"; each holds a digit */
	const char *const *also;
	size_t nalso;
	struct crisis_provenance prov;
};

/* One crisis line. */
struct crisis_line {
	const char *name;
	const char *audience;       /* "veterans and service members", NULL */
	const char *const *contact; /* ncontact ways to reach it */
	size_t ncontact;
	const char *about; /* one or two short sentences, or NULL */
	struct crisis_provenance prov;
};

struct crisis_country {
	char code[CRISIS_CODE_LEN + 1]; /* upper case; "GB" for the UK */
	const char *name;               /* English name */
	const struct crisis_emergency *emergency; /* NULL: none confirmed */
	const struct crisis_line *lines;
	size_t nlines;
	const char *directory; /* the directory's page for this country */
};

/* The international directory (Find A Helpline). */
struct crisis_directory {
	const char *name;
	const char *url;
	const char *about;
	struct crisis_provenance prov;
};

struct crisis_data;

/*
 * Parse and check `len` bytes of the data file. On success *out is the
 * data (free with crisis_free). On failure returns -1, *out is NULL and
 * err (CRISIS_ERR_MAX bytes) says where and what, e.g.
 * "countries[2].lines[0]: there is no source".
 */
int crisis_load(const char *json, size_t len, struct crisis_data **out,
                char *err);

/* The bundled data (content/crisis/lines.json); as crisis_load. */
int crisis_load_bundled(struct crisis_data **out, char *err);

/* Free the data; NULL is a no-op. */
void crisis_free(struct crisis_data *d);

/* Countries known to the data, sorted by code. Borrowed from d. */
size_t crisis_ncountries(const struct crisis_data *d);
const struct crisis_country *crisis_country_at(const struct crisis_data *d,
                                               size_t i);

/*
 * A country by code (any case; "UK" means GB) or by its English name or
 * another name listed in the data (ASCII case-insensitive). NULL when the
 * data has nothing for it. Borrowed from d.
 */
const struct crisis_country *crisis_find(const struct crisis_data *d,
                                         const char *code_or_name);

/* The directory, and the sentence about emergency numbers everywhere
 * ("If you are in immediate danger, ..."), with its provenance. */
const struct crisis_directory *crisis_directory(const struct crisis_data *d);
const char *crisis_emergency_note(const struct crisis_data *d,
                                  const struct crisis_provenance **prov);

/*
 * A country code as typed into its canonical form in out (3 bytes): two
 * ASCII letters in any case, upper-cased, with UK turned into GB (ISO's
 * code for the United Kingdom). Returns 0, or -1 when `in` is not two
 * letters.
 */
int crisis_code_normalize(const char *in, char *out);

/*
 * The country named by the locale, from the values of LC_ALL,
 * LC_MESSAGES and LANG (any may be NULL or empty): the territory of the
 * first one that has one, as in "de_AT.UTF-8" or "sr_RS@latin" (AT, RS).
 * "C", "POSIX", "C.UTF-8" and "en" name no territory. Writes the code to
 * out (3 bytes) and returns 0, or returns -1 when none names one.
 */
int crisis_locale_country(const char *lc_all, const char *lc_messages,
                          const char *lang, char *out);

#endif
