/*
 * Benchmark baseline: the bare limit for a full scan — open the vault,
 * unlock, and decrypt every record's head and body with libsodium over
 * SQLite, looking for WORD with memmem. No JSON, no sorting, no output
 * beyond a count. Its last line is the scan's own time in ms (the key
 * derivation excluded).
 *
 *   bare-scan VAULT PASSPHRASE WORD
 */
#include "journal.h"
#include "vault.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct scan {
	const char *word;
	size_t hits, records;
};

static int
scan_cb(void *arg, const struct vault_item *it)
{
	struct scan *s = arg;
	s->records++;
	if (it->body && memmem(it->body, it->bodylen, s->word, strlen(s->word)))
		s->hits++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct vault *v;
	char *err = NULL;
	struct scan s = {0};
	if (argc != 4 || sodium_init() < 0)
		return 2;
	s.word = argv[3];
	if (vault_open(argv[1], &v, &err) ||
	    vault_unlock(v, argv[2], strlen(argv[2]))) {
		fprintf(stderr, "%s\n", err ? err : vault_errmsg(v));
		return 1;
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (vault_each(v, JOURNAL_KIND, VAULT_EACH_BODY, scan_cb, &s))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%zu of %zu records hold '%s'\n", s.hits, s.records, s.word);
	/* last line: the scan's own time in ms, without the unlock */
	printf("%.1f\n", (double)(b.tv_sec - a.tv_sec) * 1e3 +
	                         (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	vault_free(v);
	return 0;
}
