/* Printing and asking helpers shared by the commands (see output.h). */
#include "output.h"

#include "cmd.h"

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
print_safe_len(const char *s, size_t len, FILE *fp)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			c = '?';
		fputc(c, fp);
	}
}

void
print_safe(const char *s, FILE *fp)
{
	print_safe_len(s, strlen(s), fp);
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
