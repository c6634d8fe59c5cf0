#include "editor.h"

#include "cmd.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

enum { TEXT_MAX = 64 << 20 };

/* Paths the signal handler removes; static so it can reach them. */
static char tmp_dir[4096];
static char tmp_file[4200];

void
text_wipe(char *s, size_t len)
{
	if (!s)
		return;
	sodium_memzero(s, len);
	free(s);
}

int
read_stdin_text(char **out, size_t *lenp)
{
	size_t cap = 8192, len = 0, n;
	char *buf = malloc(cap);
	if (!buf)
		return fail("Out of memory.");
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			if (cap >= TEXT_MAX) {
				text_wipe(buf, cap);
				return fail("The text is longer than 64 MiB; "
				            "nothing was saved.");
			}
			char *nb = malloc(cap * 2);
			if (!nb) {
				text_wipe(buf, cap);
				return fail("Out of memory.");
			}
			memcpy(nb, buf, len);
			text_wipe(buf, cap);
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(stdin)) {
		text_wipe(buf, cap);
		return fail("Could not read the text from standard input.");
	}
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	return 0;
}

static bool
is_memory_fs(const char *dir)
{
	struct statfs fs;
	struct stat st;
	if (statfs(dir, &fs) != 0 || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return false;
	return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

/* Make the private folder; returns 0 or 1 after a message. */
static int
make_private_dir(void)
{
	const char *bases[2] = {getenv("XDG_RUNTIME_DIR"), "/dev/shm"};
	for (int i = 0; i < 2; i++) {
		const char *b = bases[i];
		if (!b || b[0] != '/' || !is_memory_fs(b))
			continue;
		snprintf(tmp_dir, sizeof(tmp_dir), "%s/selfhelp-XXXXXX", b);
		if (mkdtemp(tmp_dir)) {
			chmod(tmp_dir, 0700);
			return 0;
		}
	}
	tmp_dir[0] = '\0';
	return fail("There is no private in-memory folder to edit in "
	            "(XDG_RUNTIME_DIR or /dev/shm), and selfhelp will not put "
	            "your words on disk. -m TEXT or standard input work "
	            "instead.");
}

/* Overwrite and remove every file in the private folder, then the folder
 * (an editor may have left its own files there). */
static void
remove_private_dir(void)
{
	DIR *d;
	struct dirent *de;
	if (!tmp_dir[0])
		return;
	d = opendir(tmp_dir);
	while (d && (de = readdir(d))) {
		char p[4400];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, de->d_name);
		int fd = open(p, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			static const char zeros[4096];
			off_t left = st.st_size;
			while (left > 0) {
				size_t k = left > (off_t)sizeof(zeros)
				                   ? sizeof(zeros)
				                   : (size_t)left;
				ssize_t w = write(fd, zeros, k);
				if (w <= 0)
					break;
				left -= w;
			}
		}
		if (fd >= 0)
			close(fd);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(tmp_dir);
	tmp_dir[0] = '\0';
}

static void
on_fatal_signal(int sig)
{
	/* async-signal-safe part only: the file is on tmpfs, in memory */
	unlink(tmp_file);
	rmdir(tmp_dir);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *
editor_command(void)
{
	const char *term = getenv("TERM");
	const char *e = getenv("VISUAL");
	if (e && *e && !(term && strcmp(term, "dumb") == 0))
		return e;
	e = getenv("EDITOR");
	if (e && *e)
		return e;
	return "vi";
}

/* Is the editor's program vim or neovim (or vi, which is vim on Debian)? */
static int
vim_kind(const char *cmd)
{
	char word[256];
	size_t n = strcspn(cmd, " \t");
	if (n >= sizeof(word))
		return 0;
	memcpy(word, cmd, n);
	word[n] = '\0';
	const char *base = strrchr(word, '/');
	base = base ? base + 1 : word;
	if (strncmp(base, "nvim", 4) == 0)
		return 2;
	if (strncmp(base, "vim", 3) == 0 || strcmp(base, "vi") == 0 ||
	    strcmp(base, "gvim") == 0)
		return 1;
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
run_editor(const char *cmd)
{
	/* vim: no swap, undo, backup or viminfo/shada files anywhere. */
	static const char vim_set[] =
	        "set noswapfile noundofile nobackup nowritebackup viminfo= "
	        "viminfofile=NONE";
	static const char nvim_set[] =
	        "set noswapfile noundofile nobackup nowritebackup shada= "
	        "shadafile=NONE";
	int kind = vim_kind(cmd);
	char script[4096];
	struct sigaction ign = {0}, old_int, old_quit;
	pid_t pid;
	int status;

	snprintf(script, sizeof(script), "%s \"$@\"", cmd);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (kind == 1)
			execl("/bin/sh", "sh", "-c", script, "sh", "-n", "-i",
			      "NONE", "--cmd", vim_set, tmp_file, (char *)NULL);
		else if (kind == 2)
			execl("/bin/sh", "sh", "-c", script, "sh", "-n", "-i",
			      "NONE", "--cmd", nvim_set, tmp_file,
			      (char *)NULL);
		else
			execl("/bin/sh", "sh", "-c", script, "sh", tmp_file,
			      (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int
read_file(const char *path, char **out, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > TEXT_MAX) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == cap)
			break;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	return 0;
}

int
editor_edit(const char *initial, size_t len, char **out, size_t *outlen)
{
	struct sigaction sa = {0}, old_term, old_hup;
	int rc = 1, fd, status;
	const char *cmd = editor_command();

	*out = NULL;
	*outlen = 0;
	if (make_private_dir() != 0)
		return 1;
	snprintf(tmp_file, sizeof(tmp_file), "%s/entry.md", tmp_dir);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	fd = open(tmp_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, initial, len) != 0) {
		if (fd >= 0)
			close(fd);
		fail("Could not prepare the private file for the editor.");
		goto out;
	}
	close(fd);
	status = run_editor(cmd);
	if (status == 127) {
		fail("The editor '%s' could not be started. $VISUAL or "
		     "$EDITOR names another; -m TEXT works too.",
		     cmd);
		goto out;
	}
	if (status != 0) {
		fail("The editor closed with an error, so nothing was saved.");
		goto out;
	}
	if (read_file(tmp_file, out, outlen) != 0) {
		fail("Could not read back what was written in the editor.");
		goto out;
	}
	rc = 0;
out:
	remove_private_dir();
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return rc;
}

/* Does the text hold anything but comments and blank lines? */
static bool
has_content(const char *s, size_t len)
{
	bool bol = true, comment = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			bol = true;
			comment = false;
			continue;
		}
		if (bol && c == '#')
			comment = true;
		bol = false;
		if (!comment && c != ' ' && c != '\t' && c != '\r')
			return true;
	}
	return false;
}

int
editor_edit_record(char *text, size_t len, const char *empty_msg,
                   int (*parse)(const char *text, size_t len, void *arg,
                                char *err, size_t errsize),
                   void *arg)
{
	size_t outlen = 0;
	char *edited = NULL;
	char err[512];
	bool tty = isatty(STDIN_FILENO);
	int rc;
	if (!text)
		return fail("Out of memory.");
	for (;;) {
		rc = tty ? editor_edit(text, len, &edited, &outlen)
		         : read_stdin_text(&edited, &outlen);
		if (rc)
			break;
		if (!has_content(edited, outlen)) {
			fputs(empty_msg, stdout);
			rc = 3;
			break;
		}
		if (parse(edited, outlen, arg, err, sizeof(err)) == 0)
			break;
		fail("%s", err);
		if (!tty) {
			fail("Nothing was changed.");
			rc = 1;
			break;
		}
		if (!confirm("Open the editor again to fix it?", true)) {
			printf("The record was left as it was.\n");
			rc = 3;
			break;
		}
		/* Edit again from what was written, not from the start. */
		text_wipe(text, len);
		text = edited;
		len = outlen;
		edited = NULL;
		outlen = 0;
	}
	text_wipe(text, len);
	text_wipe(edited, outlen);
	return rc;
}
