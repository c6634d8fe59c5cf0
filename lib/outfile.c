/* Private files, made one way (see outfile.h). */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
outfile_create(const char *path)
{
	struct stat st;
	int fd =
	        open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	             OUTFILE_MODE);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077)) {
		close(fd);
		unlink(path);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int
outfile_mkdirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int
outfile_write(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
outfile_begin(struct outfile *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	size_t n = strlen(path) + sizeof(".XXXXXX");
	if (!(f->path = strdup(path)) || !(f->tmp = malloc(n))) {
		outfile_abort(f);
		errno = ENOMEM;
		return -1;
	}
	snprintf(f->tmp, n, "%s.XXXXXX", path);
	if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) < 0 ||
	    fchmod(f->fd, OUTFILE_MODE) != 0) {
		int e = errno;
		if (f->fd < 0) {
			free(f->tmp); /* nothing was made */
			f->tmp = NULL;
		}
		outfile_abort(f);
		errno = e;
		return -1;
	}
	return 0;
}

/* The folder a path is in, for fsync after a rename. */
static void
sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path)) : NULL;
	int fd = open(!slash ? "."
	              : *dir ? dir
	                     : "/",
	              O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
outfile_commit(struct outfile *f, unsigned flags)
{
	int e = 0;
	if (f->fd >= 0) {
		if ((flags & OUTFILE_SYNC) && fsync(f->fd) != 0)
			e = errno;
		if (close(f->fd) != 0 && !e)
			e = errno;
		f->fd = -1;
	}
	if (!e && rename(f->tmp, f->path) != 0)
		e = errno;
	if (e) {
		outfile_abort(f);
		errno = e;
		return -1;
	}
	if (flags & OUTFILE_SYNC)
		sync_folder(f->path);
	free(f->tmp);
	f->tmp = NULL;
	outfile_abort(f);
	return 0;
}

void
outfile_abort(struct outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
	free(f->path);
	f->path = NULL;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat x, y;
	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

bool
outfile_is_vault(const char *vault_path, const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	if (!vault_path)
		return false;
	size_t n = strlen(vault_path) + sizeof("-journal");
	char *p = malloc(n);
	bool same = false;
	for (size_t i = 0;
	     p && !same && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, n, "%s%s", vault_path, suffixes[i]);
		same = same_file(p, path);
	}
	free(p);
	return same;
}
