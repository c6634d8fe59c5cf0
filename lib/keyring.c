#include "keyring.h"

#include "crypto.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <keyutils.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	KEY_BYTES = 32,
	PAYLOAD_BYTES = KEY_BYTES + 8,
	FILE_MAGIC = 0x4b534853, /* "SHSK" */
	FILE_BYTES = 4 + 8 + KEY_BYTES + CRYPTO_OVERHEAD,
};

static void
put_u64(unsigned char *p, uint64_t x)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(x >> (8 * i));
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t x = 0;
	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

/* The folder for runtime files, made 0700 and checked to be ours. */
static char *
runtime_dir(bool make)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *dir = NULL;
	struct stat sb;
	if (xdg && xdg[0] == '/') {
		if (make)
			mkdir(xdg, 0700);
		if (asprintf(&dir, "%s/selfhelp", xdg) < 0)
			return NULL;
	} else if (asprintf(&dir, "/dev/shm/selfhelp-%lu",
	                    (unsigned long)geteuid()) < 0) {
		return NULL;
	}
	if (make && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		free(dir);
		return NULL;
	}
	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != geteuid() || (sb.st_mode & 077)) {
		free(dir);
		return NULL;
	}
	return dir;
}

char *
keyring_file(const char *vault_id_hex)
{
	char *dir = runtime_dir(false), *p = NULL;
	if (dir && asprintf(&p, "%s/%s", dir, vault_id_hex) < 0)
		p = NULL;
	free(dir);
	return p;
}

static void
description(const char *vault_id_hex, char *out, size_t size)
{
	snprintf(out, size, "selfhelp-session:%s", vault_id_hex);
}

static key_serial_t
find_key(const char *desc)
{
	/* searches the thread, process and session keyrings, and the
	 * user-session keyring when there is no session keyring */
	return request_key("user", desc, NULL, 0);
}

/*
 * The login session's keyring; where the process has none (a shell not
 * started through PAM), the user-session keyring, which outlives this
 * process: KEY_SPEC_SESSION_KEYRING would make a new anonymous keyring
 * that dies with it.
 */
static key_serial_t
target_keyring(void)
{
	key_serial_t ses = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
	key_serial_t user =
	        keyctl_get_keyring_ID(KEY_SPEC_USER_SESSION_KEYRING, 0);
	/* without a session keyring, @s resolves to the user-session one */
	if (ses >= 0 && ses != user)
		return KEY_SPEC_SESSION_KEYRING;
	return KEY_SPEC_USER_SESSION_KEYRING;
}

/* Drop every key named `desc` this process can find. */
static bool
drop_keys(const char *desc)
{
	key_serial_t id;
	bool found = false;
	for (int i = 0; i < 64 && (id = find_key(desc)) >= 0; i++) {
		found = true;
		if (keyctl_invalidate(id) < 0 &&
		    keyctl_unlink(id, target_keyring()) < 0)
			break;
	}
	return found;
}

/* Keys of selfhelp before format 2 held the master key itself. */
static void
drop_old_keys(const char *vault_id_hex)
{
	char desc[80];
	snprintf(desc, sizeof(desc), "selfhelp:%s", vault_id_hex);
	drop_keys(desc);
}

static size_t
file_ad(const char *vault_id_hex, uint64_t expires, unsigned char *ad)
{
	size_t n = sizeof("selfhelp-session");
	memcpy(ad, "selfhelp-session", n);
	size_t l = strlen(vault_id_hex) + 1;
	memcpy(ad + n, vault_id_hex, l);
	n += l;
	put_u64(ad + n, expires);
	return n + 8;
}

int
keyring_store(const char *vault_id_hex, const unsigned char *master,
              unsigned seconds)
{
	char desc[80], *dir = runtime_dir(true), *path = NULL;
	struct outfile f = {.fd = -1};
	unsigned char *payload = sodium_malloc(PAYLOAD_BYTES);
	unsigned char file[FILE_BYTES], ad[128];
	uint64_t expires = (uint64_t)time(NULL) + seconds;
	key_serial_t id = -1;
	int rc = KEYRING_UNAVAILABLE;

	if (!payload || !dir || asprintf(&path, "%s/%s", dir, vault_id_hex) < 0)
		goto out;
	keyring_forget(vault_id_hex);
	/* the session key, and the master key sealed under it */
	randombytes_buf(payload, KEY_BYTES);
	put_u64(payload + KEY_BYTES, expires);
	put_u64(file + 4, expires);
	file[0] = FILE_MAGIC & 0xff;
	file[1] = (FILE_MAGIC >> 8) & 0xff;
	file[2] = (FILE_MAGIC >> 16) & 0xff;
	file[3] = (FILE_MAGIC >> 24) & 0xff;
	crypto_seal(file + 12, master, KEY_BYTES, ad,
	            file_ad(vault_id_hex, expires, ad), payload);
	if (outfile_begin(&f, path) != 0 ||
	    outfile_write(f.fd, file, sizeof(file)) != 0)
		goto out;
	description(vault_id_hex, desc, sizeof(desc));
	id = add_key("user", desc, payload, PAYLOAD_BYTES, target_keyring());
	if (id < 0)
		goto out;
	/* possessor only: no rights for the user, group or others */
	if (keyctl_setperm(id, KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE |
	                               KEY_POS_SEARCH | KEY_POS_LINK |
	                               KEY_POS_SETATTR) < 0 ||
	    keyctl_set_timeout(id, seconds) < 0 || outfile_commit(&f, 0) != 0) {
		keyctl_invalidate(id);
		goto out;
	}
	rc = KEYRING_OK;
out:
	outfile_abort(&f);
	sodium_memzero(file, sizeof(file));
	sodium_free(payload);
	free(dir);
	free(path);
	return rc;
}

/* Read the runtime file: 1 with *expires set (and file copied) when it
 * is there and not expired; 0 when not (an expired one is removed). */
static int
read_file(const char *vault_id_hex, unsigned char *file, uint64_t *expires)
{
	char *path = keyring_file(vault_id_hex);
	int fd, ok = 0;
	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		struct stat sb;
		ssize_t n = read(fd, file, FILE_BYTES);
		ok = n == FILE_BYTES && fstat(fd, &sb) == 0 &&
		     sb.st_uid == geteuid() && !(sb.st_mode & 077) &&
		     ((uint32_t)file[0] | (uint32_t)file[1] << 8 |
		      (uint32_t)file[2] << 16 | (uint32_t)file[3] << 24) ==
		             FILE_MAGIC;
		close(fd);
		*expires = ok ? get_u64(file + 4) : 0;
		if (ok && *expires <= (uint64_t)time(NULL)) {
			unlink(path); /* expired: gone for every login */
			ok = 0;
		}
	}
	free(path);
	return ok;
}

int
keyring_load(const char *vault_id_hex, unsigned char *master, time_t *expires)
{
	unsigned char file[FILE_BYTES], ad[128];
	unsigned char *payload;
	char desc[80];
	uint64_t exp = 0;
	key_serial_t id;
	long n;
	int rc = KEYRING_NONE;

	if (!read_file(vault_id_hex, file, &exp))
		return KEYRING_NONE;
	description(vault_id_hex, desc, sizeof(desc));
	id = find_key(desc);
	if (id < 0)
		return KEYRING_ELSEWHERE;
	payload = sodium_malloc(PAYLOAD_BYTES);
	if (!payload)
		return KEYRING_UNAVAILABLE;
	n = keyctl_read(id, (char *)payload, PAYLOAD_BYTES);
	if (n == PAYLOAD_BYTES && get_u64(payload + KEY_BYTES) == exp &&
	    crypto_open(master, file + 12, FILE_BYTES - 12, ad,
	                file_ad(vault_id_hex, exp, ad), payload) == 0) {
		rc = KEYRING_OK;
		if (expires)
			*expires = (time_t)exp;
	} else {
		/* a key from another unlock: this session is not unlocked */
		rc = KEYRING_ELSEWHERE;
	}
	sodium_free(payload);
	return rc;
}

int
keyring_status(const char *vault_id_hex, time_t *expires)
{
	unsigned char *master = sodium_malloc(KEY_BYTES);
	int rc = master ? keyring_load(vault_id_hex, master, expires)
	                : KEYRING_UNAVAILABLE;
	sodium_free(master);
	if (rc == KEYRING_ELSEWHERE && expires) {
		unsigned char file[FILE_BYTES];
		uint64_t exp = 0;
		if (read_file(vault_id_hex, file, &exp))
			*expires = (time_t)exp;
		else
			rc = KEYRING_NONE;
	}
	return rc;
}

int
keyring_forget(const char *vault_id_hex)
{
	char desc[80], *path = keyring_file(vault_id_hex);
	bool found = false;
	if (path) {
		/* overwrite the sealed key before it goes */
		int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			unsigned char zero[FILE_BYTES] = {0};
			ssize_t w = write(fd, zero, sizeof(zero));
			(void)w;
			close(fd);
		}
		found = unlink(path) == 0;
		free(path);
	}
	description(vault_id_hex, desc, sizeof(desc));
	if (drop_keys(desc))
		found = true;
	drop_old_keys(vault_id_hex);
	return found ? KEYRING_OK : KEYRING_NONE;
}
