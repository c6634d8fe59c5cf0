/* Printing and asking helpers shared by the commands (see output.h). */
#include "output.h"

#include "cmd.h"
#include "search.h"
#include "util.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

bool
confirm(const char *question, bool dflt)
{
	char answer[16];
	fprintf(stderr, "%s %s ", question, dflt ? "[Y/n]" : "[y/N]");
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	if (strcmp(answer, "\n") == 0)
		return dflt;
	return strcmp(answer, "y\n") == 0 || strcmp(answer, "Y\n") == 0 ||
	       strcmp(answer, "yes\n") == 0;
}

int
print_json(json_t *root)
{
	/* JSON_ENCODE_ANY: a plain value (a null plan) is a document too. */
	int rc = root ? json_dumpf(root, stdout,
	                           JSON_INDENT(2) | JSON_ENSURE_ASCII |
	                                   JSON_ENCODE_ANY)
	              : -1;
	json_decref(root);
	fputc('\n', stdout);
	return rc == 0 ? 0 : fail("Could not write the JSON output.");
}

void
print_clean(const char *s, size_t len, unsigned flags, FILE *fp)
{
	char buf[512];
	size_t i = 0, n = 0, used;
	flags |= clean_locale();
	while (i < len) {
		if (n > sizeof(buf) - UTIL_CLEAN_UNIT_MAX) {
			fwrite(buf, 1, n, fp);
			n = 0;
		}
		n += util_clean_unit(s + i, len - i, flags, buf + n, &used,
		                     NULL);
		i += used;
	}
	fwrite(buf, 1, n, fp);
	sodium_memzero(buf, sizeof(buf)); /* it held the person's text */
}

void
print_clean_str(const char *s, unsigned flags, FILE *fp)
{
	print_clean(s, strlen(s), flags, fp);
}

unsigned
clean_locale(void)
{
	return utf8_locale() ? 0 : UTIL_CLEAN_ASCII;
}

const char *
shown_id(const char *id)
{
	return id && vault_id_ok(id) ? id : "(damaged id)";
}

bool
utf8_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return false;
}

void
print_snippet(const struct search_snip *sn, bool color, FILE *fp)
{
	fwrite(sn->text, 1, sn->hl_start, fp);
	if (color && sn->hl_end > sn->hl_start)
		fputs("\033[7m", fp);
	fwrite(sn->text + sn->hl_start, 1, sn->hl_end - sn->hl_start, fp);
	if (color && sn->hl_end > sn->hl_start)
		fputs("\033[27m", fp);
	fputs(sn->text + sn->hl_end, fp);
}
