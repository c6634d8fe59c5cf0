#include "vault-open.h"

#include "keyring.h"
#include "pin.h"
#include "vault-internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PASS_CAP = 1024, DEFAULT_TRIES = 3 };

static void
emit(struct vault *v, enum vault_event_type type, const char *path, uint64_t n,
     uint64_t total)
{
	struct vault_event ev = {
	        .type = type, .path = path, .n = n, .total = total};
	vault_emit(v, &ev);
}

/* The absolute path of the vault file, for the pin (empty when it
 * cannot be resolved). */
static void
real_path(const char *path, char *out, size_t cap)
{
	char buf[PATH_MAX];
	out[0] = '\0';
	if (realpath(path, buf) && strlen(buf) < cap)
		memcpy(out, buf, strlen(buf) + 1);
}

int
vault_pin(struct vault *v)
{
	char vid[VAULT_ID_HEX + 1];
	struct pin p;
	if (!v->st_loaded)
		return -1;
	vault_id_hex(v, vid);
	int old = pin_load(vid, &p);
	memset(&p.public_key, 0, sizeof(p.public_key));
	memcpy(p.public_key, v->st.public_key, PIN_KEY_BYTES);
	p.verified = true;
	char here[PIN_PATH_MAX];
	real_path(v->path, here, sizeof(here));
	/* a copy elsewhere that is older does not lower the pin */
	if (old == PIN_OK && v->st.counter < p.counter && here[0] &&
	    strcmp(here, p.path) != 0)
		return pin_store(vid, &p) == PIN_OK ? 0 : -1;
	p.counter = v->st.counter;
	p.high_water = v->st.high_water;
	memcpy(p.path, here, sizeof(p.path));
	return pin_store(vid, &p) == PIN_OK ? 0 : -1;
}

static void
pin_after_commit(struct vault *v)
{
	vault_pin(v);
}

/* Whether others can change the vault: its file and folder. */
static void
check_place(struct vault *v, const char *path)
{
	struct stat sb;
	char *dir = strdup(path), *slash;
	char target[PATH_MAX];
	if (!dir)
		return;
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
	    realpath(path, target))
		emit(v, VAULT_EV_SYMLINK, target, 0, 0);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	uid_t me = geteuid();
	enum vault_unsafe why = 0;
	const char *what = path;
	if (stat(path, &sb) == 0) {
		if (sb.st_uid != me && me != 0)
			why = VAULT_UNSAFE_FILE_OWNER;
		else if (sb.st_mode & 022)
			why = VAULT_UNSAFE_FILE_WRITABLE;
	}
	if (!why && stat(dir, &sb) == 0) {
		what = dir;
		/* a sticky folder like /tmp still lets others replace
		 * nothing of ours; a plain shared one does */
		if (sb.st_uid != me && sb.st_uid != 0 && me != 0)
			why = VAULT_UNSAFE_DIR_OWNER;
		else if ((sb.st_mode & 022) && !(sb.st_mode & S_ISVTX))
			why = VAULT_UNSAFE_DIR_WRITABLE;
	}
	if (why) {
		char msg[512];
		emit(v, VAULT_EV_UNSAFE, what, (uint64_t)why, 0);
		snprintf(msg, sizeof(msg),
		         "Other people on this computer can change %s, so "
		         "selfhelp will not write to the vault there; nothing "
		         "was saved. 'chmod go-w' on it (or moving the vault "
		         "to a private folder) makes it safe again.",
		         what);
		vault_refuse_writes(v, msg);
	}
	free(dir);
}

/* The public key of the file against this machine's pin, before a
 * locked write. */
static int
check_pin(struct vault *v)
{
	char vid[VAULT_ID_HEX + 1];
	struct pin p;
	vault_id_hex(v, vid);
	int rc = pin_load(vid, &p);
	if (rc == PIN_OK) {
		if (sodium_memcmp(p.public_key, v->public_key, PIN_KEY_BYTES) !=
		    0)
			return vault_set_error(
			        v, VAULT_REPLACED,
			        "The vault's key is not the one this computer "
			        "knows for it, so nothing was saved: someone "
			        "may have changed the file to read what is "
			        "written while it is locked. Open it once with "
			        "your passphrase (for example 'selfhelp "
			        "unlock'), and selfhelp checks the key.");
		return VAULT_OK;
	}
	if (rc == PIN_DAMAGED)
		return vault_set_error(
		        v, VAULT_REPLACED,
		        "What this computer keeps to check the vault's key "
		        "(its pin) is damaged, so nothing was saved. Open the "
		        "vault once with your passphrase (for example "
		        "'selfhelp unlock') and it is made again.");
	/* the first locked write here: nothing to check against yet */
	emit(v, VAULT_EV_NO_PIN, NULL, 0, 0);
	if (rc == PIN_NONE) {
		memset(&p, 0, sizeof(p));
		memcpy(p.public_key, v->public_key, PIN_KEY_BYTES);
		p.verified = false;
		real_path(v->path, p.path, sizeof(p.path));
		pin_store(vid, &p);
	}
	return VAULT_OK;
}

/* Once unlocked: the pin (rollback, key), folding. */
static int
after_unlock(struct vault *v)
{
	char vid[VAULT_ID_HEX + 1], here[PIN_PATH_MAX];
	struct pin p;
	size_t folded = 0;
	int rc;
	if (vault_state_damaged(v))
		return VAULT_OK; /* only a repair can go on from here */
	vault_id_hex(v, vid);
	real_path(v->path, here, sizeof(here));
	/* The pin first, then the state as it is now: a pin is written
	 * only after its commit, so another selfhelp saving meanwhile
	 * cannot make the file look older than the pin. */
	int pinned = pin_load(vid, &p);
	if ((rc = index_fresh(v)))
		return rc;
	if (pinned == PIN_OK && v->st.counter < p.counter) {
		if (!p.path[0] || strcmp(p.path, here) == 0)
			emit(v, VAULT_EV_ROLLBACK, NULL, v->st.counter,
			     p.counter);
		else
			emit(v, VAULT_EV_OLDER_COPY, p.path, v->st.counter,
			     p.counter);
	}
	if (vault_fold_sealed(v, &folded) != VAULT_OK)
		emit(v, VAULT_EV_FOLD_FAILED, vault_errmsg(v), 0, 0);
	v->after_commit = pin_after_commit;
	vault_pin(v);
	return VAULT_OK;
}

static int
unlock_remembered(struct vault *v, bool *done)
{
	char vid[VAULT_ID_HEX + 1];
	unsigned char *master = sodium_malloc(CRYPTO_KEY_BYTES);
	int rc = VAULT_OK;
	*done = false;
	if (!master)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	vault_id_hex(v, vid);
	if (keyring_load(vid, master, NULL) == KEYRING_OK) {
		rc = vault_unlock_master(v, master);
		if (rc == VAULT_BAD_PASSPHRASE) {
			keyring_forget(vid); /* stale: not this vault's key */
			rc = VAULT_OK;
		} else if (!rc) {
			*done = true;
		}
	}
	sodium_free(master);
	return rc;
}

static int
unlock_asking(const struct vault_opener *o, struct vault *v, bool *asked_fail)
{
	char *pass = sodium_malloc(PASS_CAP);
	unsigned tries = o->passphrase_file ? 1
	                 : o->tries         ? o->tries
	                                    : DEFAULT_TRIES;
	int rc = VAULT_BAD_PASSPHRASE;
	*asked_fail = false;
	if (!pass)
		return vault_set_error(v, VAULT_ERROR, "Out of memory.");
	for (unsigned i = 1; i <= tries; i++) {
		int n = o->ask ? o->ask(o->arg, pass, PASS_CAP) : -1;
		if (n < 0) {
			*asked_fail = true;
			rc = VAULT_ERROR;
			break;
		}
		rc = vault_unlock(v, pass, (size_t)n);
		sodium_memzero(pass, PASS_CAP);
		if (rc != VAULT_BAD_PASSPHRASE)
			break;
		emit(v, VAULT_EV_WRONG_PASSPHRASE, NULL, i, tries);
	}
	sodium_free(pass);
	return rc;
}

int
vault_open_for(const struct vault_opener *o, struct vault **out,
               bool *locked_write, char **err)
{
	struct vault *v = NULL;
	bool done = false, asked_fail = false;
	int rc;

	*out = NULL;
	*locked_write = false;
	if (err)
		*err = NULL;
	rc = vault_open(o->path, &v, err);
	if (rc)
		return rc;
	vault_set_sort_key(v, o->sort_key);
	vault_set_events(v, o->event, o->arg);
	if (o->repair)
		vault_allow_repair(v);
	check_place(v, o->path);
	switch (o->need) {
	case VAULT_NEED_FILE:
		*out = v;
		return VAULT_OK;
	case VAULT_NEED_REMEMBERED:
	case VAULT_NEED_WRITE:
		if (!o->passphrase_file || o->need == VAULT_NEED_REMEMBERED)
			rc = unlock_remembered(v, &done);
		if (rc)
			break;
		if (!done && o->need == VAULT_NEED_REMEMBERED) {
			*out = v;
			return VAULT_OK;
		}
		if (!done && !o->passphrase_file) {
			if ((rc = check_pin(v)))
				break;
			*locked_write = true;
			*out = v;
			return VAULT_OK;
		}
		if (!done)
			rc = unlock_asking(o, v, &asked_fail);
		break;
	case VAULT_NEED_KEY:
		if (!o->passphrase_file)
			rc = unlock_remembered(v, &done);
		if (!rc && !done)
			rc = unlock_asking(o, v, &asked_fail);
		break;
	case VAULT_NEED_PASSPHRASE:
		rc = unlock_asking(o, v, &asked_fail);
		break;
	}
	if (!rc)
		rc = after_unlock(v);
	if (rc) {
		if (err && !asked_fail)
			*err = strdup(vault_errmsg(v));
		vault_free(v);
		return rc;
	}
	*out = v;
	return VAULT_OK;
}
