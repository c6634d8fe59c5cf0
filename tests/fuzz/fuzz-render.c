/*
 * libFuzzer entry point for the markdown renderer. Not built by meson;
 * tests/fuzz/run builds and runs it (tests/fuzz/run -t 60 render).
 *
 * Besides memory errors it checks the renderer's promises: PLAIN output
 * has no escape or carriage return, and ANSI output stripped of its
 * escapes is the PLAIN output.
 */
#include "render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char *
strip_escapes(const char *s)
{
	char *d = malloc(strlen(s) + 1), *o = d;
	if (!d)
		return NULL;
	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !(*s >= 0x40 && *s <= 0x7e))
				s++;
			if (*s)
				s++;
		} else if (s[0] == '\033' && s[1] == ']') {
			s += 2;
			while (*s && !(s[0] == '\033' && s[1] == '\\'))
				s++;
			if (*s)
				s += 2;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = {20, 37, 80};
	const char *md = (const char *)data;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		char *plain = render_markdown(md, size, RENDER_PLAIN, widths[i],
		                              RENDER_HYPERLINKS);
		char *ansi = render_markdown(md, size, RENDER_ANSI, widths[i],
		                             RENDER_HYPERLINKS);
		char *text = ansi ? strip_escapes(ansi) : NULL;
		if (plain && (strchr(plain, '\033') || strchr(plain, '\r')))
			abort();
		if (plain && text && strcmp(plain, text) != 0)
			abort();
		free(plain);
		free(ansi);
		free(text);
	}
	if (size < 512) {
		free(render_markdown(md, size, RENDER_MAN, 40, 0));
		free(render_markdown(md, size, RENDER_HTML, 40, 0));
		free(render_markdown(md, size, RENDER_MARKDOWN, 40, 0));
	}
	return 0;
}
