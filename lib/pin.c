#include "pin.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CHECK_BYTES = 16, PIN_FILE_MAX = 8192 };

static char *
pins_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	if (xdg && xdg[0] == '/') {
		if (asprintf(&p, "%s/selfhelp/pins", xdg) < 0)
			p = NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.local/state/selfhelp/pins", home) < 0)
			p = NULL;
	}
	return p;
}

char *
pin_path(const char *vault_id_hex)
{
	char *dir = pins_dir(), *p = NULL;
	if (dir && asprintf(&p, "%s/%s", dir, vault_id_hex) < 0)
		p = NULL;
	free(dir);
	return p;
}

/* The lines of a pin up to its check line. */
static int
body_text(const char *vault_id_hex, const struct pin *p, char *buf, size_t cap)
{
	char key[2 * PIN_KEY_BYTES + 1];
	sodium_bin2hex(key, sizeof(key), p->public_key, PIN_KEY_BYTES);
	int n = snprintf(buf, cap,
	                 "selfhelp-pin 1\nvault %s\npublic-key %s\ncounter "
	                 "%llu\nhigh-water %lld\nverified %d\npath %s\n",
	                 vault_id_hex, key, (unsigned long long)p->counter,
	                 (long long)p->high_water, p->verified ? 1 : 0,
	                 strchr(p->path, '\n') ? "" : p->path);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static void
check_hex(const char *text, size_t len, char *out)
{
	unsigned char h[CHECK_BYTES];
	crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, NULL,
	                   0);
	sodium_bin2hex(out, 2 * CHECK_BYTES + 1, h, sizeof(h));
}

int
pin_load(const char *vault_id_hex, struct pin *out)
{
	char *path = pin_path(vault_id_hex);
	char buf[PIN_FILE_MAX + 1], want[PIN_FILE_MAX],
	        sum[2 * CHECK_BYTES + 1];
	char key[2 * PIN_KEY_BYTES + 1], vid[80], chk[80];
	unsigned long long counter;
	long long hw;
	int verified, fd;
	ssize_t n;
	memset(out, 0, sizeof(*out));
	if (!path)
		return PIN_ERROR;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return errno == ENOENT  ? PIN_NONE
		       : errno == ELOOP ? PIN_DAMAGED
		                        : PIN_ERROR;
	n = read(fd, buf, PIN_FILE_MAX);
	close(fd);
	if (n <= 0 || n == PIN_FILE_MAX)
		return PIN_DAMAGED;
	buf[n] = '\0';
	/* the check line last; everything before it is what it checks */
	char *last = strstr(buf, "check ");
	if (!last || (last != buf && last[-1] != '\n'))
		return PIN_DAMAGED;
	if (sscanf(buf,
	           "selfhelp-pin 1\nvault %79s\npublic-key %64s\ncounter "
	           "%llu\nhigh-water %lld\nverified %d\n",
	           vid, key, &counter, &hw, &verified) != 5 ||
	    strcmp(vid, vault_id_hex) != 0 ||
	    sscanf(last, "check %79s", chk) != 1)
		return PIN_DAMAGED;
	char *pl = strstr(buf, "\npath ");
	if (pl && pl < last) {
		pl += 6;
		size_t len = (size_t)(strchr(pl, '\n') - pl);
		if (len < sizeof(out->path)) {
			memcpy(out->path, pl, len);
			out->path[len] = '\0';
		}
	}
	size_t klen = 0;
	if (sodium_hex2bin(out->public_key, PIN_KEY_BYTES, key, strlen(key),
	                   NULL, &klen, NULL) != 0 ||
	    klen != PIN_KEY_BYTES || hw < 0)
		return PIN_DAMAGED;
	out->counter = counter;
	out->high_water = hw;
	out->verified = verified == 1;
	/* what the file says must be what was written, exactly */
	if (body_text(vault_id_hex, out, want, sizeof(want)) < 0 ||
	    (size_t)(last - buf) != strlen(want) ||
	    memcmp(want, buf, strlen(want)) != 0)
		return PIN_DAMAGED;
	check_hex(want, strlen(want), sum);
	if (strcmp(sum, chk) != 0)
		return PIN_DAMAGED;
	return PIN_OK;
}

int
pin_store(const char *vault_id_hex, const struct pin *p)
{
	char *dir = pins_dir(), *path = pin_path(vault_id_hex);
	char text[PIN_FILE_MAX], sum[2 * CHECK_BYTES + 1];
	struct outfile f = {.fd = -1};
	int rc = PIN_ERROR;
	int n = body_text(vault_id_hex, p, text, sizeof(text) - 64);
	if (!dir || !path || n < 0 || outfile_mkdirs(dir) != 0)
		goto out;
	check_hex(text, (size_t)n, sum);
	n += snprintf(text + n, sizeof(text) - (size_t)n, "check %s\n", sum);
	if (outfile_begin(&f, path) != 0 ||
	    outfile_write(f.fd, text, (size_t)n) != 0 ||
	    outfile_commit(&f, 0) != 0)
		goto out;
	rc = PIN_OK;
out:
	outfile_abort(&f);
	free(dir);
	free(path);
	return rc;
}
