#include "keyring.h"

#include <errno.h>
#include <keyutils.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MASTER_BYTES = 32, PAYLOAD_BYTES = MASTER_BYTES + 8 };

static void
description(const char *vault_id_hex, char *out, size_t size)
{
	snprintf(out, size, "selfhelp:%s", vault_id_hex);
}

static key_serial_t
find_key(const char *vault_id_hex)
{
	char desc[64];
	description(vault_id_hex, desc, sizeof(desc));
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

int
keyring_store(const char *vault_id_hex, const unsigned char *master,
              unsigned seconds)
{
	char desc[64];
	unsigned char *payload = sodium_malloc(PAYLOAD_BYTES);
	uint64_t expires = (uint64_t)time(NULL) + seconds;
	key_serial_t id;
	if (!payload)
		return KEYRING_UNAVAILABLE;
	memcpy(payload, master, MASTER_BYTES);
	for (int i = 0; i < 8; i++)
		payload[MASTER_BYTES + i] = (unsigned char)(expires >> (8 * i));
	description(vault_id_hex, desc, sizeof(desc));
	id = add_key("user", desc, payload, PAYLOAD_BYTES, target_keyring());
	sodium_free(payload);
	if (id < 0)
		return KEYRING_UNAVAILABLE;
	/* possessor only: no rights for the user, group or others */
	if (keyctl_setperm(id, KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE |
	                               KEY_POS_SEARCH | KEY_POS_LINK |
	                               KEY_POS_SETATTR) < 0 ||
	    keyctl_set_timeout(id, seconds) < 0) {
		keyctl_invalidate(id);
		return KEYRING_UNAVAILABLE;
	}
	return KEYRING_OK;
}

int
keyring_load(const char *vault_id_hex, unsigned char *master, time_t *expires)
{
	key_serial_t id = find_key(vault_id_hex);
	unsigned char *payload;
	long n;
	if (id < 0)
		return errno == ENOKEY || errno == EKEYEXPIRED ||
		                       errno == EKEYREVOKED
		               ? KEYRING_NONE
		               : KEYRING_UNAVAILABLE;
	payload = sodium_malloc(PAYLOAD_BYTES);
	if (!payload)
		return KEYRING_UNAVAILABLE;
	n = keyctl_read(id, (char *)payload, PAYLOAD_BYTES);
	if (n != PAYLOAD_BYTES) {
		sodium_free(payload);
		return KEYRING_NONE;
	}
	memcpy(master, payload, MASTER_BYTES);
	if (expires) {
		uint64_t e = 0;
		for (int i = 0; i < 8; i++)
			e |= (uint64_t)payload[MASTER_BYTES + i] << (8 * i);
		*expires = (time_t)e;
	}
	sodium_free(payload);
	return KEYRING_OK;
}

int
keyring_forget(const char *vault_id_hex)
{
	int found = 0;
	key_serial_t id;
	/* there may be more than one after repeated unlocks: forget all */
	while ((id = find_key(vault_id_hex)) >= 0) {
		found = 1;
		if (keyctl_invalidate(id) < 0 &&
		    keyctl_unlink(id, target_keyring()) < 0)
			return KEYRING_UNAVAILABLE;
	}
	return found ? KEYRING_OK : KEYRING_NONE;
}

int
keyring_perm(const char *vault_id_hex, unsigned *perm)
{
	key_serial_t id = find_key(vault_id_hex);
	char *desc = NULL;
	if (id < 0 || keyctl_describe_alloc(id, &desc) < 0)
		return KEYRING_NONE;
	/* "type;uid;gid;perm;description" */
	char *p = desc;
	for (int i = 0; i < 3 && p; i++) {
		p = strchr(p, ';');
		if (p)
			p++;
	}
	int rc = p && sscanf(p, "%x", perm) == 1 ? KEYRING_OK : KEYRING_NONE;
	free(desc);
	return rc;
}
