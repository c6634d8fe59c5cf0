/*
 * Shared by the cmocka unit programs: each program holds several cases
 * and runs the one named in argv[1] (meson registers one test per case),
 * or all of them with no argument.
 */
#ifndef SELFHELP_TEST_HARNESS_H
#define SELFHELP_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#ifdef NDEBUG
#error "tests need assert() compiled in"
#endif

static inline int
run_named(const struct CMUnitTest *tests, size_t n, int argc, char **argv)
{
	if (argc < 2)
		return _cmocka_run_group_tests("all", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		if (strcmp(tests[i].name, argv[1]) == 0)
			return _cmocka_run_group_tests(argv[1], &tests[i], 1,
			                               NULL, NULL);
	fprintf(stderr, "no test case named '%s'\n", argv[1]);
	return 1;
}

#define RUN_NAMED(tests, argc, argv)                                           \
	run_named(tests, sizeof(tests) / sizeof(tests[0]), argc, argv)

#endif
