#include "editor.h"

#include "cmd.h"
#include "output.h"
#include "wipe.h"
#include "strbuf.h"
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
arg_wipe(char *arg)
{
	sodium_memzero(arg, strlen(arg));
}

char *
arg_take(char *arg)
{
	char *copy = strdup(arg);
	if (copy)
		arg_wipe(arg);
	return copy;
}

int
read_stdin_text(char **out, size_t *lenp)
{
	struct strbuf sb = {0};
	int rc = strbuf_read(&sb, stdin, TEXT_MAX);
	if (rc) {
		bool oom = sb.failed;
		strbuf_release(&sb);
		if (rc > 0)
			return fail(
			        "The text is longer than 64 MiB; nothing was "
			        "saved.");
		return fail(oom ? "Out of memory."
		                : "Could not read the text from standard "
		                  "input.");
	}
	*out = strbuf_detach(&sb, lenp);
	return *out ? 0 : fail("Out of memory.");
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

/* A terminal that cannot show a full-screen editor: TERM dumb or unset. */
static bool
term_is_dumb(void)
{
	const char *term = getenv("TERM");
	return !term || !*term || strcmp(term, "dumb") == 0;
}

/* The editor vi when no other is named. */
static const char default_editor[] = "vi";

/* git's order: GIT_EDITOR, core.editor, VISUAL, EDITOR, vi. */
static const char *
editor_command(void)
{
	const char *e = getenv("SELFHELP_EDITOR");
	if (e && *e)
		return e;
	if ((e = run_setting(SETTINGS_EDITOR)) != NULL && *e)
		return e;
	e = getenv("VISUAL");
	if (e && *e && !term_is_dumb())
		return e;
	e = getenv("EDITOR");
	if (e && *e)
		return e;
	return default_editor;
}

const char *
editor_refused(void)
{
	if (run_no_input())
		return "--no-input says not to open one";
	if (editor_command() != default_editor)
		return NULL; /* named: it runs as told */
	if (term_is_dumb())
		return "this terminal cannot show a full-screen one (TERM is "
		       "dumb or not set) and none is named";
	if (!isatty(STDOUT_FILENO))
		return "the output does not go to a terminal, where vi would "
		       "draw, and no editor is named";
	return NULL;
}

/* What the editor is, for the files it would leave behind. */
enum editor_kind {
	EDITOR_OTHER,
	EDITOR_VIM,
	EDITOR_NVIM,
};

/* Links and scripts followed at most, so that a loop ends. */
enum { EDITOR_DEPTH_MAX = 4 };

/* The first word of a command into word (size bytes); false if none. */
static bool
first_word(const char *cmd, char *word, size_t size)
{
	cmd += strspn(cmd, " \t");
	size_t n = strcspn(cmd, " \t");
	if (n == 0 || n >= size)
		return false;
	memcpy(word, cmd, n);
	word[n] = '\0';
	return true;
}

/*
 * The program the command's first word runs, as sh would find it
 * through PATH, with every symbolic link resolved (Debian's vi and editor
 * are links through /etc/alternatives). Caller frees; NULL when it is
 * not found.
 */
static char *
resolve_program(const char *cmd)
{
	char word[PATH_MAX], full[PATH_MAX];
	struct stat st;
	if (!first_word(cmd, word, sizeof(word)))
		return NULL;
	if (strchr(word, '/'))
		return realpath(word, NULL);
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;; p++) {
		/* an empty entry is the current folder, as for sh */
		size_t n = strcspn(p, ":");
		int k = snprintf(full, sizeof(full), "%.*s/%s", n ? (int)n : 1,
		                 n ? p : ".", word);
		if (k > 0 && (size_t)k < sizeof(full) && stat(full, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return realpath(full, NULL);
		p += n;
		if (!*p)
			return NULL;
	}
}

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* By the program's own name: vim.basic, vim.gtk3, gvim, nvim ... and a
 * vi that is no link (Fedora's vi is vim). */
static enum editor_kind
kind_of_name(const char *base)
{
	if (strncmp(base, "nvim", 4) == 0)
		return EDITOR_NVIM;
	if (strncmp(base, "vim", 3) == 0 || strncmp(base, "gvim", 4) == 0 ||
	    strcmp(base, "vi") == 0)
		return EDITOR_VIM;
	return EDITOR_OTHER;
}

/* SELECTED_EDITOR from ~/.selected_editor (Debian's select-editor) into
 * buf; false when there is none. */
static bool
selected_editor(char *buf, size_t size)
{
	static const char key[] = "SELECTED_EDITOR=";
	const char *home = getenv("HOME");
	char path[PATH_MAX], line[PATH_MAX + sizeof(key) + 4];
	bool found = false;
	if (!home || !*home ||
	    (size_t)snprintf(path, sizeof(path), "%s/.selected_editor", home) >=
	            sizeof(path))
		return false;
	FILE *f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		char *v = line + sizeof(key) - 1;
		v[strcspn(v, "\n")] = '\0';
		size_t n = strlen(v);
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[n - 1] == v[0]) {
			v[n - 1] = '\0';
			v++;
		}
		n = strlen(v);
		if (n && n < size) {
			memcpy(buf, v, n + 1);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static enum editor_kind editor_kind_at(const char *cmd, int depth);

/* Is cmd (a candidate of sensible-editor) sensible-editor itself? */
static bool
is_sensible_editor(const char *cmd)
{
	char *prog = resolve_program(cmd);
	bool self = prog && strcmp(base_name(prog), "sensible-editor") == 0;
	free(prog);
	return self;
}

/*
 * What Debian's sensible-editor runs: $VISUAL, then $EDITOR, else
 * SELECTED_EDITOR from ~/.selected_editor, else editor; then nano,
 * nano-tiny and vi; the first that is there (never itself).
 */
static enum editor_kind
sensible_editor_kind(int depth)
{
	char selected[PATH_MAX];
	const char *visual = getenv("VISUAL"), *editor = getenv("EDITOR");
	if (visual && (!*visual || is_sensible_editor(visual)))
		visual = NULL;
	if (editor && (!*editor || is_sensible_editor(editor)))
		editor = NULL;
	if (!editor && selected_editor(selected, sizeof(selected)) &&
	    !is_sensible_editor(selected))
		editor = selected;
	const char *candidates[] = {visual, editor ? editor : "editor", "nano",
	                            "nano-tiny", "vi"};
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]);
	     i++) {
		char *prog =
		        candidates[i] ? resolve_program(candidates[i]) : NULL;
		bool there = prog != NULL;
		free(prog);
		if (there)
			return editor_kind_at(candidates[i], depth + 1);
	}
	return EDITOR_OTHER;
}

static enum editor_kind
editor_kind_at(const char *cmd, int depth)
{
	static const char alternative[] = "/etc/alternatives/editor";
	char word[PATH_MAX];
	char *prog = resolve_program(cmd);
	enum editor_kind kind;
	if (!prog && !first_word(cmd, word, sizeof(word)))
		return EDITOR_OTHER;
	const char *base = base_name(prog ? prog : word);
	if (depth >= EDITOR_DEPTH_MAX)
		kind = EDITOR_OTHER;
	else if (strcmp(base, "sensible-editor") == 0)
		kind = sensible_editor_kind(depth);
	else if (strcmp(base, "editor") == 0 && access(alternative, X_OK) == 0)
		/* a program called editor, not a link: the alternative it
		 * stands for */
		kind = editor_kind_at(alternative, depth + 1);
	else
		kind = kind_of_name(base);
	free(prog);
	return kind;
}

/*
 * Is the editor vim or neovim, whatever name the command gives it (vi,
 * editor, sensible-editor, a link of one's own)? Decided by the program
 * it runs, so that a vi that is nano or busybox gets no vim options.
 */
static enum editor_kind
editor_kind(const char *cmd)
{
	return editor_kind_at(cmd, 0);
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
	enum editor_kind kind = editor_kind(cmd);
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
		if (kind == EDITOR_VIM)
			execl("/bin/sh", "sh", "-c", script, "sh", "-n", "-i",
			      "NONE", "--cmd", vim_set, tmp_file, (char *)NULL);
		else if (kind == EDITOR_NVIM)
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

/* Does text (n bytes) hold words that were not in initial (len bytes)? */
static bool
new_words(const char *initial, size_t len, const char *text, size_t n)
{
	bool blank = true;
	for (size_t i = 0; i < n && blank; i++)
		blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
		        text[i] == '\n';
	if (blank)
		return false;
	/* as it was, perhaps with the newline editor_edit added */
	return !((n == len || (n == len + 1 && text[len] == '\n')) &&
	         memcmp(text, initial, len) == 0);
}

/*
 * The editor stopped with an error. When the file holds words written
 * in it, ask on a terminal whether to keep them: true (with *out and
 * *outlen read back) unless the person says n. Off a terminal, and
 * when nothing was written, false after a message: nothing is saved.
 */
static bool
keep_after_error(const char *initial, size_t len, char **out, size_t *outlen)
{
	if (read_file(tmp_file, out, outlen) != 0 ||
	    !new_words(initial, len, *out, *outlen)) {
		if (*out)
			wipe_free(*out, *outlen);
		*out = NULL;
		*outlen = 0;
		fail("The editor closed with an error, so nothing was saved.");
		return false;
	}
	bool ask = isatty(STDIN_FILENO) && isatty(STDERR_FILENO) &&
	           !run_no_input();
	if (ask && confirm_keep("Your editor stopped with an error. Keep what "
	                        "you wrote?"))
		return true;
	wipe_free(*out, *outlen);
	*out = NULL;
	*outlen = 0;
	if (ask)
		printf("What you wrote was not saved.\n");
	else
		fail("The editor closed with an error, so the words you wrote "
		     "were not saved.");
	return false;
}

int
editor_edit(const char *initial, size_t len, char **out, size_t *outlen)
{
	struct sigaction sa = {0}, old_term, old_hup;
	int rc = 1, fd, status;
	const char *cmd = editor_command(), *why = editor_refused();
	/* Appending editors (echo >>) must not glue text to the last line. */
	bool newline = len && initial[len - 1] != '\n';

	*out = NULL;
	*outlen = 0;
	if (why) {
		fail("No editor was opened: %s. The text can come from "
		     "standard input instead, and 'selfhelp config set editor "
		     "CMD' names an editor.",
		     why);
		return EXIT_USAGE;
	}
	if (make_private_dir() != 0)
		return 1;
	snprintf(tmp_file, sizeof(tmp_file), "%s/entry.md", tmp_dir);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	fd = outfile_create(tmp_file);
	if (fd < 0 || outfile_write(fd, initial, len) != 0 ||
	    (newline && outfile_write(fd, "\n", 1) != 0)) {
		if (fd >= 0)
			close(fd);
		fail("Could not prepare the private file for the editor.");
		goto out;
	}
	close(fd);
	status = run_editor(cmd);
	if (status == 127) {
		fail("The editor '%s' could not be started. 'selfhelp config "
		     "set editor CMD' (or $VISUAL or $EDITOR) names another; "
		     "-m TEXT works too.",
		     cmd);
		goto out;
	}
	if (status != 0 && !keep_after_error(initial, len, out, outlen))
		goto out;
	if (!*out && read_file(tmp_file, out, outlen) != 0) {
		fail("Could not read back what was written in the editor.");
		goto out;
	}
	/* Left as it was: the newline added above goes again. */
	if (newline && *outlen == len + 1 && memcmp(*out, initial, len) == 0 &&
	    (*out)[len] == '\n')
		(*out)[--*outlen] = '\0';
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
		wipe_free(text, len);
		text = edited;
		len = outlen;
		edited = NULL;
		outlen = 0;
	}
	wipe_free(text, len);
	wipe_free(edited, outlen);
	return rc;
}
