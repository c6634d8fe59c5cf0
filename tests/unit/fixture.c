/* The unit programs' shared fixture (see fixture.h). */
#include "fixture.h"

#include "harness.h"

#include <ftw.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

const struct crypto_kdf_params fixture_kdf = {
        CRYPTO_KDF_ARGON2ID13,
        1,
        8192,
};

char fixture_dir[256];

char *
fixture_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char buf[sizeof(fixture_dir)];
	int n = snprintf(buf, sizeof(buf), "%s/selfhelp-unit-XXXXXX",
	                 tmp && *tmp ? tmp : "/tmp");
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	assert_non_null(mkdtemp(buf));
	char *d = strdup(buf);
	assert_non_null(d);
	return d;
}

int
fixture_setup(void **state)
{
	char env[FIXTURE_PATH_MAX];
	char *d = fixture_mkdtemp();
	(void)state;
	assert_true(sodium_init() >= 0); /* vaults need it; repeating is fine */
	snprintf(fixture_dir, sizeof(fixture_dir), "%s", d);
	free(d);
	fixture_path(env, "home");
	setenv("HOME", env, 1);
	unsetenv("XDG_STATE_HOME");
	fixture_path(env, "run");
	setenv("XDG_RUNTIME_DIR", env, 1);
	return 0;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

int
fixture_remove(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

int
fixture_teardown(void **state)
{
	(void)state;
	int rc = fixture_dir[0] ? fixture_remove(fixture_dir) : 0;
	fixture_dir[0] = '\0';
	return rc;
}

void
fixture_path(char *out, const char *name)
{
	int n = snprintf(out, FIXTURE_PATH_MAX, "%s/%s", fixture_dir, name);
	assert_true(n > 0 && n < FIXTURE_PATH_MAX);
}

struct vault *
fixture_vault(const char *path, const char *pass)
{
	struct vault *v = NULL;
	char *err = NULL;
	assert_int_equal(
	        vault_create(path, pass, strlen(pass), &fixture_kdf, &v, &err),
	        VAULT_OK);
	assert_null(err);
	return v;
}
