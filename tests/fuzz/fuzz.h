/*
 * What the libFuzzer harnesses (tests/fuzz/fuzz-*.c) share. Built and
 * run by tests/fuzz/run; see "Fuzzing" in README.md.
 *
 * A harness calls the public lib/ API on the fuzz input and checks the
 * promises that API's header makes (FUZZ_CHECK). Memory errors, leaks and
 * undefined behaviour are caught by the sanitizers the harness is built
 * with.
 */
#ifndef SELFHELP_FUZZ_H
#define SELFHELP_FUZZ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct transfer_doc;
struct trigger_record;
struct vault;

/* 2026-11-26 14:30:00 UTC: the "now" every harness uses. */
#define FUZZ_NOW ((time_t)1795703400)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort (a crash libFuzzer saves) when a promise of the code is broken. */
#define FUZZ_CHECK(cond)                                                       \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

void fuzz_fail(const char *file, int line, const char *what)
        __attribute__((noreturn));

/*
 * A NUL-terminated copy of `size` bytes, allocated to exactly size + 1
 * bytes so that a read past its end is caught. Caller frees. Aborts when
 * out of memory.
 */
char *fuzz_cstr(const uint8_t *data, size_t size);

/*
 * Is `s` (len bytes) valid UTF-8 without control characters (C0, DEL,
 * and unless `c1_ok` C1), apart from the bytes in `allowed` (e.g.
 * "\n\t")? What "safe to print" means in lib/ headers.
 */
bool fuzz_printable(const char *s, size_t len, const char *allowed, bool c1_ok);

/*
 * `j` as JSON text (JSON_INDENT(2), as `export` writes it), NUL-terminated
 * and of length *len. Caller frees with free(). Aborts when out of memory.
 */
char *fuzz_json_dump(const json_t *j, size_t *len);

/*
 * record_same(), except that in free text a line of only spaces
 * and tabs counts as an empty line: the `trigger-log edit` layout does
 * not keep such lines (an editor would not show the difference either).
 */
bool fuzz_trigger_same(const struct trigger_record *a,
                       const struct trigger_record *b);

/*
 * `export` of every record in v, checked the way `import` reads it: the
 * document renders as Markdown, its JSON text (as `export` writes it)
 * parses, and it holds as many records as were exported. Returns the
 * parsed document (transfer_doc_free) and counts the exported records
 * and those left out as problems.
 */
struct transfer_doc *fuzz_export(struct vault *v, size_t *nrec,
                                 size_t *problems);

/*
 * The vault of this process: made on first use in a new directory under
 * $TMPDIR with the cheapest key derivation, unlocked, and removed at exit.
 * Aborts when it cannot be made. Harnesses write inside vault_begin() and
 * vault_rollback(), so every input sees it empty.
 */
struct vault *fuzz_vault(void);

#endif
