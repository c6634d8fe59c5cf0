/*
 * lib/settings.c: parsing the settings file from a buffer, the values
 * each key takes (with and without the bundled data), unknown keys,
 * malformed lines and secrets as problems that never fail the parse,
 * writing it back with its comments and order, and the file itself
 * (XDG path, atomic 0600 writes, links kept).
 */
#include "harness.h"

#include "fixture.h"

#include "journal.h"
#include "settings.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct settings *
parse(const char *text)
{
	struct settings *s = NULL;
	assert_int_equal(settings_parse(text, strlen(text), &s), 0);
	assert_non_null(s);
	return s;
}

/* The file's text after the changes, compared with `want`. */
static void
format_is(const struct settings *s, const char *want)
{
	size_t len = 0;
	char *text = settings_format(s, &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_string_equal(text, want);
	settings_text_free(text, len);
}

/* Is there a problem of `kind` on line `line` whose message holds
 * `words`? */
static bool
has_problem(const struct settings *s, unsigned line, enum settings_status kind,
            const char *words)
{
	for (size_t i = 0; i < settings_nproblems(s); i++) {
		const struct settings_problem *p = settings_problem_at(s, i);
		if (p->line == line && p->kind == kind && strstr(p->msg, words))
			return true;
	}
	return false;
}

static void
parse_basic(void **state)
{
	struct settings *s = parse("# my settings\n"
	                           "\n"
	                           "country = de\n"
	                           "  Motion=Reduced  \n"
	                           "grounding = Feet   # the one I like\n"
	                           "pager = less -R\n"
	                           "editor = nano -w\n"
	                           "privacy = screen\n");
	assert_int_equal(settings_nproblems(s), 0);
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "DE");
	assert_string_equal(settings_get(s, SETTINGS_MOTION), "reduced");
	assert_string_equal(settings_get(s, SETTINGS_GROUNDING), "feet");
	assert_string_equal(settings_get(s, SETTINGS_PAGER), "less -R");
	assert_string_equal(settings_get(s, SETTINGS_EDITOR), "nano -w");
	assert_string_equal(settings_get(s, SETTINGS_PRIVACY), "screen");
	assert_int_equal(settings_line(s, SETTINGS_COUNTRY), 3);
	assert_int_equal(settings_line(s, SETTINGS_PRIVACY), 8);
	settings_free(s);

	/* the last value wins; CR LF, a byte order mark, no final newline,
	 * UK is GB, an empty pager means none */
	s = parse("\xef\xbb\xbf"
	          "country = GB\r\n"
	          "country = uk\r\n"
	          "pager =\r\n"
	          "motion = full");
	assert_int_equal(settings_nproblems(s), 0);
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "GB");
	assert_int_equal(settings_line(s, SETTINGS_COUNTRY), 2);
	assert_string_equal(settings_get(s, SETTINGS_PAGER), "");
	assert_string_equal(settings_get(s, SETTINGS_MOTION), "full");
	assert_null(settings_get(s, SETTINGS_EDITOR));
	assert_int_equal(settings_line(s, SETTINGS_EDITOR), 0);
	settings_free(s);

	/* nothing at all */
	s = parse("");
	for (int k = 0; k < SETTINGS_NKEYS; k++)
		assert_null(settings_get(s, (enum settings_key)k));
	assert_int_equal(settings_nproblems(s), 0);
	settings_free(s);
}

static void
malformed_lines(void **state)
{
	static const char text[] = "country = DE\n"
	                           "just some words\n"
	                           "[core]\n"
	                           "my key = x\n"
	                           "= value\n"
	                           "motion = \xff\xfe\n"
	                           "pager = less\x1b[2J\n"
	                           "motion = fast\n"
	                           "privacy = screen\n";
	struct settings *s = parse(text);
	assert_true(has_problem(s, 2, SETTINGS_ESYNTAX, "no '='"));
	assert_true(has_problem(s, 3, SETTINGS_ESYNTAX, "no '='"));
	assert_true(has_problem(s, 4, SETTINGS_ESYNTAX, "not a key"));
	assert_true(has_problem(s, 5, SETTINGS_ESYNTAX, "no key"));
	assert_true(has_problem(s, 6, SETTINGS_ESYNTAX, "UTF-8"));
	assert_true(has_problem(s, 7, SETTINGS_ESYNTAX, "control"));
	assert_true(has_problem(s, 8, SETTINGS_EVALUE, "full or reduced"));
	assert_true(has_problem(s, 8, SETTINGS_EVALUE, "'fast'"));
	assert_int_equal(settings_nproblems(s), 7);
	/* the rest still counts; the bad lines set nothing */
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "DE");
	assert_string_equal(settings_get(s, SETTINGS_PRIVACY), "screen");
	assert_null(settings_get(s, SETTINGS_MOTION));
	assert_null(settings_get(s, SETTINGS_PAGER));
	/* and every line is kept for writing */
	format_is(s, text);
	settings_free(s);

	/* a bad value after a good one leaves the good one */
	s = parse("motion = reduced\nmotion = slow\n");
	assert_string_equal(settings_get(s, SETTINGS_MOTION), "reduced");
	assert_true(has_problem(s, 2, SETTINGS_EVALUE, "'slow'"));
	settings_free(s);
}

static void
unknown_keys(void **state)
{
	struct settings *s = parse("colour = blue\n"
	                           "country = IE\n"
	                           "width = 60\n");
	assert_int_equal(settings_nproblems(s), 2);
	assert_true(has_problem(s, 1, SETTINGS_EUNKNOWN, "'colour'"));
	assert_true(has_problem(s, 3, SETTINGS_EUNKNOWN, "'width'"));
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "IE");
	settings_free(s);

	assert_int_equal(settings_key_find("colour"), SETTINGS_EUNKNOWN);
	assert_int_equal(settings_key_find(""), SETTINGS_EUNKNOWN);
	assert_int_equal(settings_key_find("coun try"), SETTINGS_EUNKNOWN);
	assert_int_equal(settings_key_find("country"), SETTINGS_COUNTRY);
	assert_int_equal(settings_key_find(" Country "), SETTINGS_COUNTRY);
	assert_int_equal(settings_key_find("PRIVACY"), SETTINGS_PRIVACY);
	/* a country code is no secret */
	assert_int_equal(settings_key_find("country-code"), SETTINGS_EUNKNOWN);
	for (int k = 0; k < SETTINGS_NKEYS; k++) {
		assert_int_equal(settings_key_find(settings_key_name(k)), k);
		assert_non_null(settings_key_about(k));
		assert_non_null(settings_key_values(k));
	}
	assert_string_equal(settings_key_env(SETTINGS_PAGER), "SELFHELP_PAGER");
	assert_null(settings_key_env(SETTINGS_GROUNDING));
}

static void
secrets_refused(void **state)
{
	static const char *const secret[] = {
	        "passphrase",    "Password",   "passwd",    "passphrase-file",
	        "key",           "master_key", "vault.key", "pin",
	        "recovery-code", "secret",     "api-token", "private-key",
	        "pass",          "pwd",
	};
	for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
		if (settings_key_find(secret[i]) != SETTINGS_ESECRET)
			fprintf(stderr, "not taken for a secret: %s\n",
			        secret[i]);
		assert_int_equal(settings_key_find(secret[i]),
		                 SETTINGS_ESECRET);
	}
	struct settings *s = parse("country = DE\n"
	                           "passphrase = correct horse battery\n"
	                           "Key=0123456789abcdef\n");
	assert_int_equal(settings_nproblems(s), 2);
	assert_true(has_problem(s, 2, SETTINGS_ESECRET, "not encrypted"));
	assert_true(has_problem(s, 3, SETTINGS_ESECRET, "'Key'"));
	/* the message names the key, never the value */
	for (size_t i = 0; i < settings_nproblems(s); i++) {
		const struct settings_problem *p = settings_problem_at(s, i);
		assert_null(strstr(p->msg, "horse"));
		assert_null(strstr(p->msg, "0123"));
	}
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "DE");
	settings_free(s);
}

/* settings_check() gives `want` (canonical) or fails with `words`. */
static void
check_ok(enum settings_key k, const char *v, unsigned flags, const char *want)
{
	char canon[SETTINGS_VALUE_MAX + 1], err[SETTINGS_ERR_MAX];
	int rc = settings_check(k, v, flags, canon, err);
	if (rc)
		fprintf(stderr, "%s '%s': %s\n", settings_key_name(k), v, err);
	assert_int_equal(rc, 0);
	assert_string_equal(canon, want);
}

static void
check_bad(enum settings_key k, const char *v, unsigned flags, const char *words)
{
	char canon[SETTINGS_VALUE_MAX + 1], err[SETTINGS_ERR_MAX];
	int rc = settings_check(k, v, flags, canon, err);
	if (rc != SETTINGS_EVALUE || !strstr(err, words))
		fprintf(stderr, "%s '%s': %d, '%s'\n", settings_key_name(k), v,
		        rc, err);
	assert_int_equal(rc, SETTINGS_EVALUE);
	assert_non_null(strstr(err, words));
}

static void
values_checked(void **state)
{
	char long_value[SETTINGS_VALUE_MAX + 2];
	memset(long_value, 'a', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';

	check_ok(SETTINGS_MOTION, "REDUCED", 0, "reduced");
	check_ok(SETTINGS_MOTION, " full ", 0, "full");
	check_bad(SETTINGS_MOTION, "none", 0, "full or reduced");
	check_bad(SETTINGS_MOTION, "", 0, "full or reduced");
	check_ok(SETTINGS_PRIVACY, "Screen", 0, "screen");
	check_bad(SETTINGS_PRIVACY, "private", 0, "normal or screen");
	check_ok(SETTINGS_COUNTRY, "uk", 0, "GB");
	check_ok(SETTINGS_COUNTRY, "de", 0, "DE");
	check_bad(SETTINGS_COUNTRY, "", 0, "country");
	check_ok(SETTINGS_GROUNDING, "Orienting", 0, "orienting");
	check_bad(SETTINGS_GROUNDING, "../etc", 0, "name of an exercise");
	check_bad(SETTINGS_GROUNDING, "", 0, "name of an exercise");
	check_ok(SETTINGS_PAGER, "", 0, "");
	check_ok(SETTINGS_PAGER, "less -R", 0, "less -R");
	check_ok(SETTINGS_EDITOR, "'/opt/my editor/ed' --wait", 0,
	         "'/opt/my editor/ed' --wait");
	check_bad(SETTINGS_EDITOR, "", 0, "a command");
	check_bad(SETTINGS_EDITOR, "vi\nrm -rf ~", 0, "control");
	check_bad(SETTINGS_PAGER, "less\x1b]8;;", 0, "control");
	check_bad(SETTINGS_PAGER, "less # comment", 0, "'#'");
	check_bad(SETTINGS_PAGER, "#less", 0, "'#'");
	check_ok(SETTINGS_PAGER, "less -P'page#'", 0, "less -P'page#'");
	check_bad(SETTINGS_PAGER, long_value, 0, "at most");
	check_bad(SETTINGS_EDITOR, "\xc3(", 0, "one line of text");
}

static void
check_bundled(void **state)
{
	check_ok(SETTINGS_COUNTRY, "Germany", SETTINGS_CHECK_BUNDLED, "DE");
	check_ok(SETTINGS_COUNTRY, "uk", SETTINGS_CHECK_BUNDLED, "GB");
	check_ok(SETTINGS_COUNTRY, "us", SETTINGS_CHECK_BUNDLED, "US");
	check_bad(SETTINGS_COUNTRY, "ZZ", SETTINGS_CHECK_BUNDLED,
	          "no checked crisis numbers for 'ZZ'");
	check_bad(SETTINGS_COUNTRY, "Narnia", SETTINGS_CHECK_BUNDLED,
	          "'Narnia'");
	check_ok(SETTINGS_GROUNDING, "orienting", SETTINGS_CHECK_BUNDLED,
	         "orienting");
	/* the start of one name is that name */
	check_ok(SETTINGS_GROUNDING, "box", SETTINGS_CHECK_BUNDLED,
	         "box-breathing");
	check_bad(SETTINGS_GROUNDING, "orientin-x", SETTINGS_CHECK_BUNDLED,
	          "no exercise called 'orientin-x'");
	check_bad(SETTINGS_GROUNDING, "zzzzzz", SETTINGS_CHECK_BUNDLED,
	          "no exercise called 'zzzzzz'");
	/* the syntax still counts */
	check_bad(SETTINGS_MOTION, "fast", SETTINGS_CHECK_BUNDLED,
	          "full or reduced");
}

static void
roundtrip_keeps_comments(void **state)
{
	struct settings *s = parse("# Mine; written by hand.\n"
	                           "\n"
	                           "colour = blue   # not yet\n"
	                           "country = DE # where I live\n"
	                           "\n"
	                           "# calmer:\n"
	                           "motion = fast\n"
	                           "pager = less\n"
	                           "country = AT\n");
	/* unchanged, it is written as it was read */
	format_is(s, "# Mine; written by hand.\n"
	             "\n"
	             "colour = blue   # not yet\n"
	             "country = DE # where I live\n"
	             "\n"
	             "# calmer:\n"
	             "motion = fast\n"
	             "pager = less\n"
	             "country = AT\n");
	/* set: the first line of the key takes the value, in its place;
	 * the later duplicate goes, and so does a line whose value was bad */
	assert_int_equal(settings_set(s, SETTINGS_COUNTRY, "GB"), 0);
	assert_int_equal(settings_set(s, SETTINGS_MOTION, "reduced"), 0);
	assert_int_equal(settings_set(s, SETTINGS_GROUNDING, "feet"), 0);
	format_is(s, "# Mine; written by hand.\n"
	             "\n"
	             "colour = blue   # not yet\n"
	             "country = GB # where I live\n"
	             "\n"
	             "# calmer:\n"
	             "motion = reduced\n"
	             "pager = less\n"
	             "grounding = feet\n");
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "GB");
	assert_string_equal(settings_get(s, SETTINGS_MOTION), "reduced");
	assert_int_equal(settings_line(s, SETTINGS_GROUNDING), 9);
	/* unset removes every line of the key, and only those */
	assert_true(settings_unset(s, SETTINGS_PAGER));
	assert_false(settings_unset(s, SETTINGS_EDITOR));
	assert_null(settings_get(s, SETTINGS_PAGER));
	format_is(s, "# Mine; written by hand.\n"
	             "\n"
	             "colour = blue   # not yet\n"
	             "country = GB # where I live\n"
	             "\n"
	             "# calmer:\n"
	             "motion = reduced\n"
	             "grounding = feet\n");
	/* what was written reads back the same */
	size_t len;
	char *text = settings_format(s, &len);
	struct settings *again = NULL;
	assert_int_equal(settings_parse(text, len, &again), 0);
	for (int k = 0; k < SETTINGS_NKEYS; k++) {
		const char *a = settings_get(s, (enum settings_key)k);
		const char *b = settings_get(again, (enum settings_key)k);
		assert_true((!a && !b) || (a && b && strcmp(a, b) == 0));
	}
	assert_int_equal(settings_nproblems(again), 1); /* colour */
	settings_text_free(text, len);
	settings_free(again);
	/* a value no line can hold is refused, and nothing changes */
	assert_int_equal(settings_set(s, SETTINGS_PAGER, "a\nb"),
	                 SETTINGS_EVALUE);
	assert_int_equal(settings_set(s, SETTINGS_PAGER, "less # x"),
	                 SETTINGS_EVALUE);
	assert_null(settings_get(s, SETTINGS_PAGER));
	/* an empty pager is written so that it reads back */
	assert_int_equal(settings_set(s, SETTINGS_PAGER, ""), 0);
	format_is(s, "# Mine; written by hand.\n"
	             "\n"
	             "colour = blue   # not yet\n"
	             "country = GB # where I live\n"
	             "\n"
	             "# calmer:\n"
	             "motion = reduced\n"
	             "grounding = feet\n"
	             "pager =\n");
	settings_free(s);
}

static void
comment_kept_on_set(void **state)
{
	struct settings *s = parse("motion = full\t# for now\n"
	                           "pager =# none yet\n"
	                           "editor = nano\n");
	/* a comment right after '=': an empty pager (none) */
	assert_int_equal(settings_nproblems(s), 0);
	assert_string_equal(settings_get(s, SETTINGS_PAGER), "");
	assert_int_equal(settings_set(s, SETTINGS_MOTION, "reduced"), 0);
	assert_int_equal(settings_set(s, SETTINGS_PAGER, "less"), 0);
	assert_int_equal(settings_set(s, SETTINGS_EDITOR, "vim"), 0);
	format_is(s, "motion = reduced\t# for now\n"
	             "pager = less # none yet\n"
	             "editor = vim\n");
	settings_free(s);
}

static void
new_file_header(void **state)
{
	struct settings *s = settings_new();
	assert_non_null(s);
	format_is(s, "");
	assert_int_equal(settings_set(s, SETTINGS_MOTION, "reduced"), 0);
	size_t len;
	char *text = settings_format(s, &len);
	assert_non_null(strstr(text, "# selfhelp settings"));
	assert_non_null(strstr(text, "man selfhelp-config"));
	assert_non_null(strstr(text, "\nmotion = reduced\n"));
	/* the header reads as comments */
	struct settings *again = NULL;
	assert_int_equal(settings_parse(text, len, &again), 0);
	assert_int_equal(settings_nproblems(again), 0);
	assert_string_equal(settings_get(again, SETTINGS_MOTION), "reduced");
	settings_text_free(text, len);
	settings_free(again);
	/* unset to nothing leaves the header */
	assert_true(settings_unset(s, SETTINGS_MOTION));
	assert_null(settings_get(s, SETTINGS_MOTION));
	settings_free(s);
}

/* How many entries a folder holds (without . and ..). */
static int
entries(const char *dir)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void
save_and_load(void **state)
{
	char *root = fixture_mkdtemp();
	char path[PATH_MAX + 16], dir[PATH_MAX], err[SETTINGS_ERR_MAX];
	struct settings *s = NULL, *back = NULL;
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/a/b/selfhelp", root);
	snprintf(path, sizeof(path), "%s/config", dir);

	/* nothing there yet: empty settings, nothing made */
	assert_int_equal(settings_load(path, &s, err), 0);
	assert_null(settings_get(s, SETTINGS_COUNTRY));
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(settings_set(s, SETTINGS_COUNTRY, "IE"), 0);
	umask(022);
	assert_int_equal(settings_save(s, path, err), 0);
	/* new folders 0700, the file 0600, no temporary file left */
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(entries(dir), 1);
	assert_int_equal(settings_load(path, &back, err), 0);
	assert_string_equal(settings_get(back, SETTINGS_COUNTRY), "IE");
	settings_free(back);

	/* an old file's looser mode does not carry over */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(settings_set(s, SETTINGS_MOTION, "reduced"), 0);
	assert_int_equal(settings_save(s, path, err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	settings_free(s);

	/* a link (a dotfiles repository) stays a link; its file changes */
	char real[PATH_MAX], link[PATH_MAX];
	snprintf(real, sizeof(real), "%s/dotfiles-config", root);
	snprintf(link, sizeof(link), "%s/link-config", root);
	FILE *f = fopen(real, "w");
	assert_non_null(f);
	fputs("# kept\ncountry = DE\n", f);
	fclose(f);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(settings_load(link, &s, err), 0);
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "DE");
	assert_int_equal(settings_set(s, SETTINGS_COUNTRY, "AT"), 0);
	assert_int_equal(settings_save(s, link, err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	settings_free(s);
	assert_int_equal(settings_load(real, &s, err), 0);
	assert_string_equal(settings_get(s, SETTINGS_COUNTRY), "AT");
	format_is(s, "# kept\ncountry = AT\n");
	settings_free(s);

	/* a link to nothing is not followed into a new file */
	snprintf(link, sizeof(link), "%s/dangling", root);
	snprintf(real, sizeof(real), "%s/no/such/file", root);
	assert_int_equal(symlink(real, link), 0);
	s = settings_new();
	assert_int_equal(settings_set(s, SETTINGS_MOTION, "full"), 0);
	assert_int_equal(settings_save(s, link, err), SETTINGS_EIO);
	assert_true(err[0] != '\0');
	settings_free(s);
	assert_int_equal(fixture_remove(root), 0);
	free(root);
}

static void
load_errors(void **state)
{
	char *root = fixture_mkdtemp();
	char path[PATH_MAX], err[SETTINGS_ERR_MAX];
	struct settings *s = (struct settings *)&s;

	/* a folder where the file should be */
	snprintf(path, sizeof(path), "%s/config", root);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(settings_load(path, &s, err), SETTINGS_EIO);
	assert_null(s);
	assert_non_null(strstr(err, "not a file"));
	assert_int_equal(rmdir(path), 0);

	/* larger than any settings need */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < SETTINGS_FILE_MAX / 16 + 1; i++)
		fputs("# just comments\n", f);
	fclose(f);
	assert_int_equal(settings_load(path, &s, err), SETTINGS_ETOOBIG);
	assert_null(s);
	assert_non_null(strstr(err, "KiB"));

	/* unreadable (root reads anything: not checked as root) */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("country = DE\n", f);
	fclose(f);
	if (geteuid() != 0) {
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(settings_load(path, &s, err), SETTINGS_EIO);
		assert_non_null(strstr(err, "ermission"));
		assert_int_equal(chmod(path, 0600), 0);
	}
	/* a path through a file is "not there" */
	snprintf(path, sizeof(path), "%s/config/more", root);
	assert_int_equal(settings_load(path, &s, err), 0);
	assert_null(settings_get(s, SETTINGS_COUNTRY));
	settings_free(s);
	assert_int_equal(fixture_remove(root), 0);
	free(root);
}

static void
path_xdg(void **state)
{
	char *p;
	setenv("HOME", "/home/someone", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	p = settings_path();
	assert_string_equal(p, "/xdg/config/selfhelp/config");
	free(p);
	/* a relative XDG_CONFIG_HOME is ignored, as the spec says */
	setenv("XDG_CONFIG_HOME", "relative/config", 1);
	p = settings_path();
	assert_string_equal(p, "/home/someone/.config/selfhelp/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = settings_path();
	assert_string_equal(p, "/home/someone/.config/selfhelp/config");
	free(p);
	unsetenv("HOME");
	assert_null(settings_path());
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(parse_basic),
	        cmocka_unit_test(malformed_lines),
	        cmocka_unit_test(unknown_keys),
	        cmocka_unit_test(secrets_refused),
	        cmocka_unit_test(values_checked),
	        cmocka_unit_test(check_bundled),
	        cmocka_unit_test(roundtrip_keeps_comments),
	        cmocka_unit_test(comment_kept_on_set),
	        cmocka_unit_test(new_file_header),
	        cmocka_unit_test(save_and_load),
	        cmocka_unit_test(load_errors),
	        cmocka_unit_test(path_xdg),
	};
	journal_json_init();
	return RUN_NAMED(tests, argc, argv);
}
