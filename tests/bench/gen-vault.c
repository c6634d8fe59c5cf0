/*
 * Benchmark helper: fill a new vault with N realistic records quickly,
 * through the library (not N CLI calls).
 *
 *   gen-vault VAULT PASSPHRASE N
 *
 * Journal entries of mixed length (mean about 150 words), tags and moods,
 * spread over the last six years; one entry in ~100 holds the word
 * "lighthouse" (for search); one trigger-style rating every 20 entries.
 */
#include "crypto.h"
#include "journal.h"
#include "record.h"
#include "rating.h"
#include "vault.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const words[] = {
        "today",  "I",       "felt",     "tired",  "and",    "a",      "bit",
        "lost",   "after",   "the",      "call",   "with",   "my",     "sister",
        "walked", "to",      "park",     "sun",    "was",    "warm",   "on",
        "face",   "noticed", "breath",   "slow",   "down",   "again",  "shame",
        "came",   "up",      "when",     "boss",   "looked", "at",     "me",
        "but",    "named",   "it",       "kindly", "tea",    "helped", "slept",
        "badly",  "dream",   "old",      "house",  "calmer", "now",    "friend",
        "texted", "back",    "grateful", "small",  "step",   "still",  "here",
};
enum { NWORDS = sizeof(words) / sizeof(words[0]) };

static const char *const tags[] = {"work",  "family",  "sleep", "body",
                                   "group", "therapy", "walk",  "anger"};

static char *
make_text(size_t *len, bool marker)
{
	size_t n = 40 + randombytes_uniform(221); /* 40..260 words */
	size_t cap = n * 12 + 32, used = 0;
	char *s = malloc(cap);
	for (size_t i = 0; i < n; i++) {
		const char *w = words[randombytes_uniform(NWORDS)];
		if (marker && i == n / 2)
			w = "lighthouse";
		used += (size_t)snprintf(s + used, cap - used, "%s%s",
		                         i ? (i % 17 == 0 ? ".\n" : " ") : "",
		                         w);
	}
	*len = used;
	return s;
}

int
main(int argc, char **argv)
{
	struct crypto_kdf_params kdf;
	struct vault *v = NULL;
	char *err = NULL, id[VAULT_ID_HEX + 1];
	if (argc != 4) {
		fprintf(stderr, "usage: gen-vault VAULT PASSPHRASE N\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	umask(077);
	journal_json_init();
	long n = atol(argv[3]);
	crypto_kdf_preset("interactive", &kdf);
	if (vault_create(argv[1], argv[2], strlen(argv[2]), &kdf, &v, &err)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	vault_set_sort_key(v, record_sort_key); /* as the CLI does */
	time_t now = time(NULL), span = 6 * 365 * 86400L;
	if (vault_begin(v))
		return 1;
	for (long i = 0; i < n; i++) {
		size_t len, nt = randombytes_uniform(3);
		char *t[2];
		for (size_t k = 0; k < nt && k < 2; k++)
			t[k] = (char *)tags[randombytes_uniform(8)];
		char *text = make_text(&len, randombytes_uniform(100) == 0);
		time_t when = now - span + (time_t)(span * i / (n ? n : 1));
		int mood = (int)randombytes_uniform(12) - 1;
		if (journal_add(v, text, len, mood, t, nt < 2 ? nt : 2, when,
		                id)) {
			fprintf(stderr, "%s\n", vault_errmsg(v));
			return 1;
		}
		free(text);
		if (i % 20 == 0) {
			struct rating r = {0};
			r.created = when;
			snprintf(r.exercise, sizeof(r.exercise), "orienting");
			r.before = (int)randombytes_uniform(11);
			r.after = (int)randombytes_uniform(11);
			rating_add(v, false, &r, NULL);
		}
		if (i % 5000 == 4999 && (vault_commit(v) || vault_begin(v)))
			return 1;
	}
	if (vault_commit(v))
		return 1;
	vault_free(v);
	return 0;
}
