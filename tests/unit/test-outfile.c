/* lib/outfile.c: private files made one way, and the vault guard. */
#include "harness.h"

#include "fixture.h"
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(path, "out.txt");
	return 0;
}

static void
put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
has(const char *p, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

static int
files_in_dir(void)
{
	char cmd[FIXTURE_PATH_MAX + 32];
	int n = -1;
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", fixture_dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* New, 0600 whatever the umask; never onto something there. */
static void
create_new_private(void **state)
{
	struct stat st;
	mode_t old = umask(0);
	int fd = outfile_create(path);
	umask(old);
	assert_true(fd >= 0);
	assert_int_equal(outfile_write(fd, "hello\n", 6), 0);
	assert_int_equal(close(fd), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	has(path, "hello\n");
	errno = 0;
	assert_int_equal(outfile_create(path), -1);
	assert_int_equal(errno, EEXIST);
	has(path, "hello\n");
}

/* Not through a link, not even a dangling one. */
static void
create_not_through_link(void **state)
{
	char target[FIXTURE_PATH_MAX];
	fixture_path(target, "target");
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(outfile_create(path), -1);
	assert_int_equal(access(target, F_OK), -1);
}

/* Replace: the old file stays whole until the commit; 0600 after it. */
static void
replace_commit(void **state)
{
	struct outfile f;
	struct stat st;
	put(path, "old\n");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(outfile_begin(&f, path), 0);
	assert_int_equal(outfile_write(f.fd, "new\n", 4), 0);
	has(path, "old\n");
	assert_int_equal(files_in_dir(), 2); /* the old file, the new one */
	assert_int_equal(outfile_commit(&f, OUTFILE_SYNC), 0);
	has(path, "new\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(files_in_dir(), 1);
	outfile_abort(&f); /* after a commit: nothing to do */
	has(path, "new\n");
}

/* Abort leaves the old file and no new one. */
static void
replace_abort(void **state)
{
	struct outfile f;
	put(path, "old\n");
	assert_int_equal(outfile_begin(&f, path), 0);
	assert_int_equal(outfile_write(f.fd, "half", 4), 0);
	outfile_abort(&f);
	has(path, "old\n");
	assert_int_equal(files_in_dir(), 1);
	/* in a folder that is not there: nothing to release */
	char missing[FIXTURE_PATH_MAX];
	fixture_path(missing, "no/such/file");
	assert_int_equal(outfile_begin(&f, missing), -1);
	outfile_abort(&f);
}

/* The guard: the vault, its -wal/-shm/-journal, a link to it. */
static void
vault_guard(void **state)
{
	char vault[FIXTURE_PATH_MAX], wal[FIXTURE_PATH_MAX + 8],
	        link[FIXTURE_PATH_MAX], other[FIXTURE_PATH_MAX];
	fixture_path(vault, "vault.db");
	snprintf(wal, sizeof(wal), "%s-wal", vault);
	fixture_path(link, "link.db");
	fixture_path(other, "other.db");
	put(vault, "v");
	put(other, "o");
	assert_true(outfile_is_vault(vault, vault));
	assert_false(outfile_is_vault(vault, wal)); /* not there yet */
	put(wal, "w");
	assert_true(outfile_is_vault(vault, wal));
	assert_int_equal(symlink(vault, link), 0);
	assert_true(outfile_is_vault(vault, link));
	assert_false(outfile_is_vault(vault, other));
	assert_false(outfile_is_vault(NULL, vault));
}

int
main(int argc, char **argv)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)
	static const struct CMUnitTest tests[] = {
	        T(create_new_private), T(create_not_through_link),
	        T(replace_commit),     T(replace_abort),
	        T(vault_guard),
	};
	return RUN_NAMED(tests, argc, argv);
}
