#include "content.h"

#include <string.h>

const struct content_file *
content_get(const char *path)
{
	size_t lo = 0, hi = content_nfiles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(content_files[mid].path, path);
		if (c == 0)
			return &content_files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
