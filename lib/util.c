#include "util.h"

#include <stdlib.h>
#include <string.h>

enum { SWAP_COST = 0, SUBST_COST = 2, INSERT_COST = 1, DELETE_COST = 3 };
enum { MAX_LEN = 256, FAR = 1 << 20 };

static int
min2(int a, int b)
{
	return a < b ? a : b;
}

int
util_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > MAX_LEN || lb > MAX_LEN)
		return FAR;
	int *row0 = calloc(lb + 1, sizeof(int));
	int *row1 = calloc(lb + 1, sizeof(int));
	int *row2 = calloc(lb + 1, sizeof(int));
	int d = FAR;
	if (!row0 || !row1 || !row2)
		goto out;
	for (size_t j = 0; j <= lb; j++)
		row1[j] = (int)j * INSERT_COST;
	for (size_t i = 0; i < la; i++) {
		row2[0] = (int)(i + 1) * DELETE_COST;
		for (size_t j = 0; j < lb; j++) {
			row2[j + 1] = row1[j] + SUBST_COST * (a[i] != b[j]);
			if (i > 0 && j > 0 && a[i - 1] == b[j] &&
			    a[i] == b[j - 1])
				row2[j + 1] = min2(row2[j + 1],
						   row0[j - 1] + SWAP_COST);
			row2[j + 1] = min2(row2[j + 1],
					   row1[j + 1] + DELETE_COST);
			row2[j + 1] = min2(row2[j + 1],
					   row2[j] + INSERT_COST);
		}
		int *tmp = row0;
		row0 = row1;
		row1 = row2;
		row2 = tmp;
	}
	d = row1[lb];
out:
	free(row0);
	free(row1);
	free(row2);
	return d;
}

const char *
util_suggest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	int best_d = FAR;
	size_t tl = strlen(typed);
	/* git suggests candidates within distance 7 (its SIMILARITY_FLOOR) */
	enum { FLOOR = 7 };
	for (size_t i = 0; i < n; i++) {
		int d = util_edit_distance(typed, names[i]);
		if (tl >= 2 && strncmp(names[i], typed, tl) == 0)
			d = 0;
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= FLOOR ? best : NULL;
}
