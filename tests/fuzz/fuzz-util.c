#include "fuzz.h"

#include "journal.h"
#include "transfer.h"
#include "trigger.h"
#include "vault.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

bool
fuzz_printable(const char *s, size_t len, const char *allowed, bool c1_ok)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n = utf8proc_iterate(
		        p + i, (utf8proc_ssize_t)(len - i), &c);
		if (n <= 0 || c == 0)
			return false;
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_CC &&
		    !(c < 0x80 && strchr(allowed, (int)c)) &&
		    !(c >= 0x80 && c1_ok))
			return false;
		i += (size_t)n;
	}
	return true;
}

char *
fuzz_json_dump(const json_t *j, size_t *len)
{
	/* Not json_dumps(): its buffer comes from jansson's allocator, which
	 * journal_json_init() replaces. */
	size_t n = json_dumpb(j, NULL, 0, JSON_INDENT(2));
	char *s = malloc(n + 1);
	if (!n || !s || json_dumpb(j, s, n, JSON_INDENT(2)) != n)
		abort();
	s[n] = '\0';
	*len = n;
	return s;
}

/* Empty every line of s that holds only spaces and tabs, in place. */
static void
blank_white_lines(char *s)
{
	char *o = s;
	while (*s) {
		size_t n = strcspn(s, "\n");
		if (strspn(s, " \t") < n) {
			memmove(o, s, n);
			o += n;
		}
		s += n;
		if (*s == '\n')
			*o++ = *s++;
	}
	*o = '\0';
}

bool
fuzz_trigger_same(const struct trigger_record *a,
                  const struct trigger_record *b)
{
	struct trigger_record x, y;
	if (record_copy(&trigger_kind, &x, a) ||
	    record_copy(&trigger_kind, &y, b))
		abort();
	for (int t = 0; t < TRIGGER_NTEXTS; t++) {
		if (x.text[t])
			blank_white_lines(x.text[t]);
		if (y.text[t])
			blank_white_lines(y.text[t]);
	}
	bool same = record_same(&trigger_kind, &x, &y);
	record_release(&trigger_kind, &x);
	record_release(&trigger_kind, &y);
	return same;
}

static void
count_problem(void *arg, const char *id, const char *kind, const char *why)
{
	FUZZ_CHECK(id && kind && why && *why);
	++*(size_t *)arg;
}

struct transfer_doc *
fuzz_export(struct vault *v, size_t *nrec, size_t *problems)
{
	char err[TRANSFER_ERR_MAX];
	struct transfer_filter f = {0};
	json_t *doc = NULL;
	*problems = 0;
	FUZZ_CHECK(transfer_export(v, &f, FUZZ_NOW, &doc, count_problem,
	                           problems, err) == 0);
	*nrec = json_array_size(json_object_get(doc, "records"));

	struct strbuf md = {0};
	int rc = transfer_markdown(doc, &md, err);
	if (rc)
		fprintf(stderr, "no Markdown: %s\n", err);
	FUZZ_CHECK(rc == 0);
	strbuf_release(&md);

	size_t len;
	char *text = fuzz_json_dump(doc, &len);
	struct transfer_doc *d = NULL;
	rc = transfer_parse(text, len, &d, err);
	if (rc)
		fprintf(stderr, "import refused the export: %s\n%s\n", err,
		        text);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(transfer_doc_count(d) == *nrec);
	free(text);
	json_decref(doc);
	return d;
}

/* The cheapest parameters libsodium accepts: one pass over 8 KiB. */
static const struct crypto_kdf_params fast_kdf = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

static char vault_dir[4096];
static struct vault *the_vault;

static void
remove_vault(void)
{
	vault_free(the_vault);
	the_vault = NULL;
	DIR *d = opendir(vault_dir);
	if (!d)
		return;
	struct dirent *e;
	char path[sizeof(vault_dir) + 256];
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", vault_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(vault_dir);
}

struct vault *
fuzz_vault(void)
{
	if (the_vault)
		return the_vault;
	if (sodium_init() < 0)
		abort();
	journal_json_init();
	const char *tmp = getenv("TMPDIR");
	snprintf(vault_dir, sizeof(vault_dir), "%s/selfhelp-fuzz-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(vault_dir)) {
		perror(vault_dir);
		abort();
	}
	char path[sizeof(vault_dir) + 16];
	snprintf(path, sizeof(path), "%s/vault.db", vault_dir);
	char *err = NULL;
	if (vault_create(path, "fuzz", 4, &fast_kdf, &the_vault, &err)) {
		fprintf(stderr, "cannot make a vault: %s\n", err ? err : "?");
		abort();
	}
	atexit(remove_vault);
	return the_vault;
}
