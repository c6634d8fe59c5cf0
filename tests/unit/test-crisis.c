/*
 * lib/crisis.c: the bundled crisis data (every entry sourced and dated,
 * the numbers exactly those of the crisis reference of 2026-12-06,
 * nothing unverified shipped), the strict checks of the loader, lookup
 * and the country guessed from the locale.
 */
#include "harness.h"

#include "content.h"
#include "crisis.h"
#include "journal.h"

#include <stdbool.h>
#include <stdlib.h>

static struct crisis_data *
bundled(void)
{
	struct crisis_data *d = NULL;
	char err[CRISIS_ERR_MAX];
	int rc = crisis_load_bundled(&d, err);
	if (rc)
		fprintf(stderr, "bundled data: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(d);
	return d;
}

static const struct crisis_country *
must_find(const struct crisis_data *d, const char *code)
{
	const struct crisis_country *c = crisis_find(d, code);
	if (!c)
		fprintf(stderr, "no country %s\n", code);
	assert_non_null(c);
	return c;
}

/* Does any contact of any line of c hold `s`? */
static bool
contact_has(const struct crisis_country *c, const char *s)
{
	for (size_t i = 0; i < c->nlines; i++)
		for (size_t j = 0; j < c->lines[i].ncontact; j++)
			if (strstr(c->lines[i].contact[j], s))
				return true;
	return false;
}

static void
bundled_loads(void **state)
{
	struct crisis_data *d = bundled();
	static const char *const need[] = {"US", "GB", "IE", "DE", "AT", "CH",
	                                   "LI", "CA", "AU", "FR", "NL", "ES"};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		const struct crisis_country *c = must_find(d, need[i]);
		assert_string_equal(c->code, need[i]);
		assert_non_null(c->name);
		/* every country names its page in the directory */
		assert_non_null(strstr(c->directory, "findahelpline.com/"));
		assert_non_null(strstr(c->directory, need[i]));
	}
	const struct crisis_directory *dir = crisis_directory(d);
	assert_string_equal(dir->url, "findahelpline.com");
	const char *note = crisis_emergency_note(d, NULL);
	assert_non_null(strstr(note, "immediate danger"));
	assert_non_null(strstr(note, "112"));
	assert_non_null(strstr(note, "911"));
	assert_non_null(strstr(note, "999"));
	assert_non_null(strstr(note, "000 in Australia"));
	assert_non_null(strstr(note, "911 in the US and Canada"));
	crisis_free(d);
}

/* The emergency number of c is `number`, then `also` (NULL-ended). */
static void
emergency_is(const struct crisis_country *c, const char *number,
             const char *const *also)
{
	size_t n = 0;
	assert_non_null(c->emergency);
	assert_string_equal(c->emergency->number, number);
	for (; also && also[n]; n++) {
		assert_true(n < c->emergency->nalso);
		assert_string_equal(c->emergency->also[n], also[n]);
	}
	assert_int_equal(c->emergency->nalso, n);
}

/* The numbers, copied exactly from reference/crisis-lines.md. */
static void
numbers_exact(void **state)
{
	static const char *const ambulance[] = {"144 for an ambulance", NULL};
	static const char *const samu[] = {"15 (SAMU) for urgent medical help",
	                                   NULL};
	struct crisis_data *d = bundled();
	const struct crisis_country *us = must_find(d, "US");
	emergency_is(us, "911", NULL);
	assert_int_equal(us->nlines, 2);
	assert_string_equal(us->lines[0].name, "988 Suicide & Crisis Lifeline");
	assert_string_equal(us->lines[0].contact[0], "Call or text 988");
	assert_string_equal(us->lines[0].contact[1], "Chat at 988lifeline.org");
	assert_string_equal(us->lines[1].name, "Veterans Crisis Line");
	assert_string_equal(us->lines[1].contact[0], "Dial 988, then press 1");
	assert_string_equal(us->lines[1].contact[1], "Text 838255");

	const struct crisis_country *gb = must_find(d, "GB");
	emergency_is(gb, "999", NULL);
	/* sourced now: no reviewer's note beside it */
	assert_null(gb->emergency->prov.check);
	assert_true(gb->emergency->prov.nsources >= 1);
	assert_true(contact_has(gb, "116 123"));
	assert_true(contact_has(gb, "jo@samaritans.org"));

	const struct crisis_country *ie = must_find(d, "IE");
	emergency_is(ie, "112", NULL);
	assert_true(contact_has(ie, "116 123"));
	/* the email address is sourced for the UK only */
	assert_false(contact_has(ie, "@"));

	const struct crisis_country *de = must_find(d, "DE");
	emergency_is(de, "112", NULL);
	assert_true(contact_has(de, "0800 111 0 111"));
	assert_true(contact_has(de, "0800 111 0 222"));
	/* 116 123 for Germany has a single source: not shipped */
	assert_false(contact_has(de, "116 123"));

	const struct crisis_country *at = must_find(d, "AT");
	emergency_is(at, "112", ambulance);
	assert_int_equal(at->nlines, 1);
	assert_string_equal(at->lines[0].contact[0],
	                    "Call 142, free from every phone");

	const struct crisis_country *ch = must_find(d, "CH");
	emergency_is(ch, "112", ambulance);
	assert_int_equal(ch->nlines, 1);
	assert_string_equal(ch->lines[0].contact[0], "Call 143");

	/* 143 answers in Liechtenstein too; its emergency numbers are in
	 * no source read, so none is shown. */
	const struct crisis_country *li = must_find(d, "LI");
	assert_null(li->emergency);
	assert_string_equal(li->lines[0].contact[0], "Call 143");

	const struct crisis_country *ca = must_find(d, "CA");
	emergency_is(ca, "911", NULL);
	assert_int_equal(ca->nlines, 1);
	assert_string_equal(ca->lines[0].name, "9-8-8 Suicide Crisis Helpline");
	assert_string_equal(ca->lines[0].contact[0], "Call or text 988");

	const struct crisis_country *au = must_find(d, "AU");
	emergency_is(au, "000", NULL);
	assert_int_equal(au->nlines, 1);
	assert_string_equal(au->lines[0].name, "Lifeline");
	assert_string_equal(au->lines[0].contact[0],
	                    "Call 13 11 14, free from mobiles");
	/* the text number has a single source: not shipped */
	assert_false(contact_has(au, "0477"));

	const struct crisis_country *fr = must_find(d, "FR");
	emergency_is(fr, "112", samu);
	assert_string_equal(fr->lines[0].contact[0], "Call 3114");

	const struct crisis_country *nl = must_find(d, "NL");
	emergency_is(nl, "112", NULL);
	assert_string_equal(nl->lines[0].contact[0],
	                    "Call 113 or 0800-0113, both free");

	const struct crisis_country *es = must_find(d, "ES");
	emergency_is(es, "112", NULL);
	assert_string_equal(es->lines[0].contact[0], "Call 024");
	crisis_free(d);

	/* Unverified numbers stay out of the file altogether. */
	const struct content_file *f = content_get(CRISIS_CONTENT_PATH);
	assert_non_null(f);
	static const char *const unverified[] = {
	        "\"Text MHA", "741741\"",   "\"Text 85258", "Text 0477",
	        "Call 1737",  "\"Call 000", "Call 911\""};
	for (size_t i = 0; i < sizeof(unverified) / sizeof(unverified[0]); i++)
		assert_null(strstr(f->data, unverified[i]));
}

static void
check_prov(const struct crisis_provenance *p)
{
	assert_non_null(p->verified);
	assert_int_equal(strlen(p->verified), 10);
	assert_true(p->nsources > 0);
	for (size_t i = 0; i < p->nsources; i++)
		assert_true(strncmp(p->sources[i], "http://", 7) == 0 ||
		            strncmp(p->sources[i], "https://", 8) == 0);
}

static void
every_entry_sourced(void **state)
{
	struct crisis_data *d = bundled();
	const struct crisis_provenance *np;
	crisis_emergency_note(d, &np);
	check_prov(np);
	check_prov(&crisis_directory(d)->prov);
	size_t n = crisis_ncountries(d);
	assert_true(n >= 12);
	for (size_t i = 0; i < n; i++) {
		const struct crisis_country *c = crisis_country_at(d, i);
		if (i)
			assert_true(strcmp(crisis_country_at(d, i - 1)->code,
			                   c->code) < 0);
		if (c->emergency)
			check_prov(&c->emergency->prov);
		for (size_t j = 0; j < c->nlines; j++) {
			check_prov(&c->lines[j].prov);
			assert_true(c->lines[j].prov.nsources > 0);
			assert_true(c->lines[j].ncontact > 0);
		}
	}
	assert_null(crisis_country_at(d, n));
	crisis_free(d);
}

/* A minimal data file with `line` as the one line of country XA. */
static int
load_with(const char *line, const char *emergency, char *err)
{
	char json[4096];
	struct crisis_data *d = NULL;
	snprintf(json, sizeof(json),
	         "{\"format\":1,"
	         "\"emergency_note\":{\"text\":\"If ...\",\"sources\":"
	         "[\"https://a.example/\"],\"verified\":\"2026-11-26\"},"
	         "\"directory\":{\"name\":\"D\",\"url\":\"d.example\","
	         "\"sources\":[\"https://d.example/\"],"
	         "\"verified\":\"2026-11-26\"},"
	         "\"countries\":[{\"code\":\"XA\",\"name\":\"Xa\","
	         "\"directory\":\"d.example/XA\",%s%s\"lines\":[%s]}]}",
	         emergency ? emergency : "", emergency ? "," : "", line);
	int rc = crisis_load(json, strlen(json), &d, err);
	if (rc == 0) {
		assert_non_null(d);
		assert_non_null(crisis_find(d, "xa"));
	} else {
		assert_null(d);
	}
	crisis_free(d);
	return rc;
}

static void
refuses_unsourced(void **state)
{
	char err[CRISIS_ERR_MAX];
	const char *good = "{\"name\":\"L\",\"contact\":[\"Call 1\"],"
	                   "\"sources\":[\"https://s.example/\"],"
	                   "\"verified\":\"2026-11-26\"}";
	assert_int_equal(load_with(good, NULL, err), 0);
	struct {
		const char *line, *emergency, *want;
	} bad[] = {
	        {"{\"name\":\"L\",\"contact\":[\"Call 1\"],\"sources\":[],"
	         "\"verified\":\"2026-11-26\"}",
	         NULL, "no source"},
	        {"{\"name\":\"L\",\"contact\":[\"Call 1\"],"
	         "\"verified\":\"2026-11-26\"}",
	         NULL, "sources"},
	        {"{\"name\":\"L\",\"contact\":[\"Call 1\"],\"sources\":"
	         "[\"https://s.example/\"]}",
	         NULL, "verified"},
	        {"{\"name\":\"L\",\"contact\":[\"Call 1\"],\"sources\":"
	         "[\"https://s.example/\"],\"verified\":\"26.11.2026\"}",
	         NULL, "date"},
	        {"{\"name\":\"L\",\"contact\":[\"Call 1\"],\"sources\":"
	         "[\"s.example\"],\"verified\":\"2026-11-26\"}",
	         NULL, "http"},
	        {"{\"name\":\"L\",\"contact\":[],\"sources\":"
	         "[\"https://s.example/\"],\"verified\":\"2026-11-26\"}",
	         NULL, "contact"},
	        {"",
	         "\"emergency\":{\"number\":\"112\",\"sources\":[],"
	         "\"verified\":\"2026-11-26\"}",
	         "no source"},
	        {"",
	         "\"emergency\":{\"number\":\"call 112\",\"sources\":"
	         "[\"https://s.example/\"],\"verified\":\"2026-11-26\"}",
	         "phone number"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(load_with(bad[i].line, bad[i].emergency, err),
		                 -1);
		if (!strstr(err, bad[i].want))
			fprintf(stderr, "case %zu: %s\n", i, err);
		assert_non_null(strstr(err, bad[i].want));
	}
	/* A reviewer's caveat does not stand in for a source. */
	assert_int_equal(load_with("",
	                           "\"emergency\":{\"number\":\"999\","
	                           "\"sources\":[],\"verified\":"
	                           "\"2026-11-26\",\"check\":\"confirm\"}",
	                           err),
	                 -1);
	assert_non_null(strstr(err, "no source"));
	assert_int_equal(load_with("{\"name\":\"L\",\"contact\":[\"Call 1\"],"
	                           "\"sources\":[],\"verified\":\"2026-11-26\","
	                           "\"check\":\"confirm\"}",
	                           NULL, err),
	                 -1);
	assert_non_null(strstr(err, "no source"));
	/* More numbers for the same danger: each holds a number. */
	assert_int_equal(load_with("",
	                           "\"emergency\":{\"number\":\"112\","
	                           "\"also\":[\"144 for an ambulance\"],"
	                           "\"sources\":[\"https://s.example/\"],"
	                           "\"verified\":\"2026-11-26\"}",
	                           err),
	                 0);
	assert_int_equal(load_with("",
	                           "\"emergency\":{\"number\":\"112\","
	                           "\"also\":[\"an ambulance\"],"
	                           "\"sources\":[\"https://s.example/\"],"
	                           "\"verified\":\"2026-11-26\"}",
	                           err),
	                 -1);
	assert_non_null(strstr(err, "no number"));

	struct crisis_data *d = NULL;
	assert_int_equal(crisis_load("{\"format\":2}", 12, &d, err), -1);
	assert_non_null(strstr(err, "format"));
	assert_int_equal(crisis_load("{", 1, &d, err), -1);
	assert_non_null(strstr(err, "line 1"));
	assert_null(d);
}

static void
find_by_code_and_name(void **state)
{
	struct crisis_data *d = bundled();
	struct {
		const char *in, *want;
	} cases[] = {
	        {"de", "DE"},
	        {"De", "DE"},
	        {"uk", "GB"},
	        {"UK", "GB"},
	        {"gb", "GB"},
	        {"Germany", "DE"},
	        {"deutschland", "DE"},
	        {"  Austria ", "AT"},
	        {"Österreich", "AT"},
	        {"ÖSTERREICH", "AT"},
	        {"united kingdom", "GB"},
	        {"England", "GB"},
	        {"USA", "US"},
	        {"fr", "FR"},
	        {"France", "FR"},
	        {"Nederland", "NL"},
	        {"España", "ES"},
	        {"li", "LI"},
	        {"Schweiz", "CH"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct crisis_country *c = crisis_find(d, cases[i].in);
		if (!c)
			fprintf(stderr, "not found: %s\n", cases[i].in);
		assert_non_null(c);
		assert_string_equal(c->code, cases[i].want);
	}
	static const char *const none[] = {"zz", "JP", "Narnia", "",
	                                   " ",  "D",  "DEU",    "\xff\xfe"};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		assert_null(crisis_find(d, none[i]));
	assert_null(crisis_find(d, NULL));
	crisis_free(d);
}

/* Other EU countries: 112 and their directory page. */
static void
eu_members(void **state)
{
	struct crisis_data *d = bundled();
	const struct crisis_country *pt = must_find(d, "PT");
	assert_string_equal(pt->name, "Portugal");
	assert_string_equal(pt->emergency->number, "112");
	assert_string_equal(pt->directory, "findahelpline.com/PT");
	assert_int_equal(pt->nlines, 0);
	/* A member with its own entry keeps its own numbers. */
	const struct crisis_country *fr = must_find(d, "FR");
	assert_string_equal(fr->emergency->number, "112");
	assert_int_equal(fr->emergency->nalso, 1);
	assert_int_equal(fr->nlines, 1);
	/* Liechtenstein is not in the EU, and no source read names its
	 * emergency numbers */
	assert_null(must_find(d, "LI")->emergency);
	crisis_free(d);
}

static void
code_normalize(void **state)
{
	char out[3];
	assert_int_equal(crisis_code_normalize("uk", out), 0);
	assert_string_equal(out, "GB");
	assert_int_equal(crisis_code_normalize("De", out), 0);
	assert_string_equal(out, "DE");
	assert_int_equal(crisis_code_normalize("at", out), 0);
	assert_string_equal(out, "AT");
	static const char *const bad[] = {"D", "DEU", "1A", "", "d-", "ü"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(crisis_code_normalize(bad[i], out), -1);
	assert_int_equal(crisis_code_normalize(NULL, out), -1);
}

static void
locale_guess(void **state)
{
	struct {
		const char *all, *msgs, *lang, *want;
	} cases[] = {
	        {"de_AT.UTF-8", NULL, NULL, "AT"},
	        {NULL, NULL, "en_GB.UTF-8", "GB"},
	        {NULL, NULL, "en_US", "US"},
	        {"", "fr_FR@euro", "de_DE.UTF-8", "FR"},
	        {NULL, "sr_RS@latin", NULL, "RS"},
	        {"C.UTF-8", NULL, "de_CH.utf8", "CH"},
	        {"C", "POSIX", "en_IE.ISO-8859-1", "IE"},
	        {"en_US.UTF-8", NULL, "de_DE.UTF-8", "US"}, /* LC_ALL wins */
	        {"de_at", NULL, NULL, "AT"},
	        {NULL, NULL, "ast_ES.UTF-8", "ES"},
	        {NULL, NULL, "en_UK.UTF-8", "GB"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[3] = "";
		assert_int_equal(crisis_locale_country(cases[i].all,
		                                       cases[i].msgs,
		                                       cases[i].lang, out),
		                 0);
		assert_string_equal(out, cases[i].want);
	}
	static const char *const none[] = {
	        "C",   "POSIX",    "C.UTF-8", "en",    "es_419.UTF-8",
	        "_AT", "de_A",     "de_AUT",  "de-AT", "1_AT",
	        "",    "en_.UTF-8"};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		char out[3];
		assert_int_equal(
		        crisis_locale_country(none[i], none[i], none[i], out),
		        -1);
	}
	char out[3];
	assert_int_equal(crisis_locale_country(NULL, NULL, NULL, out), -1);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(bundled_loads),
	        cmocka_unit_test(numbers_exact),
	        cmocka_unit_test(every_entry_sourced),
	        cmocka_unit_test(refuses_unsourced),
	        cmocka_unit_test(find_by_code_and_name),
	        cmocka_unit_test(eu_members),
	        cmocka_unit_test(code_normalize),
	        cmocka_unit_test(locale_guess),
	};
	journal_json_init();
	return RUN_NAMED(tests, argc, argv);
}
