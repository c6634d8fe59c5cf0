/* lib/strbuf.c and lib/wipe.c: the wiping buffer and wipe-and-free. */
#include "harness.h"

#include "fixture.h"
#include "strbuf.h"
#include "wipe.h"

#include <stdlib.h>

/* Long formatted text is kept whole (a copy once cut it at 256 bytes). */
static void
addf_long(void **state)
{
	struct strbuf sb = {0};
	char *word = malloc(5001);
	assert_non_null(word);
	memset(word, 'x', 5000);
	word[5000] = '\0';
	strbuf_adds(&sb, "<");
	strbuf_addf(&sb, "%s|%d", word, 42);
	strbuf_addf(&sb, "%s", "");
	assert_false(sb.failed);
	assert_int_equal(sb.len, 1 + 5000 + 3);
	assert_int_equal(strlen(sb.p), sb.len);
	assert_memory_equal(sb.p + 1, word, 5000);
	assert_string_equal(sb.p + 5001, "|42");
	free(word);
	strbuf_release(&sb);
	assert_null(sb.p);
	assert_int_equal(sb.len, 0);
}

/* Growing keeps every byte, in order, across many doublings. */
static void
grows(void **state)
{
	struct strbuf sb = {0};
	for (int i = 0; i < 10000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	strbuf_addchars(&sb, '-', 3);
	strbuf_addchars(&sb, '-', 0);
	strbuf_addchars(&sb, '-', -1);
	strbuf_add(&sb, "ab\0c", 4);
	assert_false(sb.failed);
	assert_int_equal(sb.len, 20000 + 3 + 4);
	assert_true(sb.cap > sb.len);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(sb.p[2 * i], '0' + i % 10);
	assert_memory_equal(sb.p + 20000, "---ab\0c", 8);
	strbuf_release(&sb);
}

/* Cutting wipes what was cut; detach hands over the text. */
static void
setlen_and_detach(void **state)
{
	struct strbuf sb = {0};
	size_t len = 99;
	strbuf_adds(&sb, "secret words");
	strbuf_setlen(&sb, 6);
	assert_string_equal(sb.p, "secret");
	for (size_t i = 6; i < 12; i++)
		assert_int_equal(sb.p[i], 0);
	strbuf_setlen(&sb, 60); /* longer: nothing happens */
	assert_int_equal(sb.len, 6);
	char *s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "secret");
	assert_int_equal(len, 6);
	assert_null(sb.p);
	wipe_free(s, len);
	/* nothing added: "" rather than NULL */
	s = strbuf_detach(&sb, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	wipe_free_str(s);
	wipe_free(NULL, 10);
	wipe_free_str(NULL);
}

/* After a failure every add does nothing and detach gives NULL. */
static void
failure_sticks(void **state)
{
	struct strbuf sb = {0};
	strbuf_adds(&sb, "a");
	assert_false(strbuf_grow(&sb, SIZE_MAX - 4));
	assert_true(sb.failed);
	strbuf_adds(&sb, "b");
	assert_string_equal(sb.p, "a");
	assert_null(strbuf_detach(&sb, NULL));
	assert_null(sb.p);
	assert_false(sb.failed);
}

/* strbuf_read: all of a file, or 1 past the limit. */
static void
read_limit(void **state)
{
	char path[FIXTURE_PATH_MAX];
	struct strbuf sb = {0};
	fixture_path(path, "text");
	FILE *f = fopen(path, "w+");
	assert_non_null(f);
	for (int i = 0; i < 3000; i++)
		fputs("line\n", f);
	rewind(f);
	assert_int_equal(strbuf_read(&sb, f, 15000), 0);
	assert_int_equal(sb.len, 15000);
	assert_memory_equal(sb.p + 14995, "line\n", 6);
	strbuf_release(&sb);
	rewind(f);
	assert_int_equal(strbuf_read(&sb, f, 14999), 1);
	strbuf_release(&sb);
	fclose(f);
}

int
main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(addf_long),
	        cmocka_unit_test(grows),
	        cmocka_unit_test(setlen_and_detach),
	        cmocka_unit_test(failure_sticks),
	        cmocka_unit_test_setup_teardown(read_limit, fixture_setup,
	                                        fixture_teardown),
	};
	return RUN_NAMED(tests, argc, argv);
}
