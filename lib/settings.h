/*
 * Settings: the small file $XDG_CONFIG_HOME/selfhelp/config (default
 * ~/.config/selfhelp/config), so that a person in distress does not have
 * to remember flags. Never prints; cmd/config.c and the commands that use
 * a setting say what is the matter.
 *
 * File format
 * -----------
 *
 *   # selfhelp settings
 *   country = DE
 *   motion = reduced      # a comment may follow a value
 *
 * One "key = value" a line. Blank lines, and lines whose first character
 * (after blanks) is '#', are comments. A '#' after a blank starts a
 * comment at the end of a line too, so a value cannot hold " #". Keys
 * are case-insensitive; blanks around the key and the value
 * are ignored; a key given twice takes its last value. The file is UTF-8
 * with no control characters (a byte order mark and CR LF line ends are
 * accepted), at most SETTINGS_FILE_MAX bytes.
 *
 * What cannot be used is a problem, never a failure: an unknown key, a
 * line without '=', a value the key does not take, or a key that looks
 * like a secret (passphrase, password, key, token ...: selfhelp never
 * reads a secret from this unencrypted file). Each problem is recorded
 * with its line (settings_problem_at()) and that line is left out; the
 * rest of the file still counts. Lines are kept as they are when the
 * file is written again, comments and problems included.
 *
 * The keys (enum settings_key; settings_key_about() has a line for each):
 *   country    a country the bundled crisis data knows (crisis.h), as
 *              its two-letter code: crisis help without --country
 *   motion     full or reduced: reduced is --reduced-motion for good
 *   grounding  the name of a bundled exercise (grounding.h): the one
 *              `selfhelp grounding` starts without a name
 *   pager      a command line for long pages; empty or "cat": no pager
 *   editor     a command line for the editor
 *   privacy    normal or screen: show, list and forms off the scrollback
 */
#ifndef SELFHELP_SETTINGS_H
#define SELFHELP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

enum settings_key {
	SETTINGS_COUNTRY,
	SETTINGS_MOTION,
	SETTINGS_GROUNDING,
	SETTINGS_PAGER,
	SETTINGS_EDITOR,
	SETTINGS_PRIVACY,
	SETTINGS_NKEYS,
};

/* Return values: 0 is success, these are negative. */
enum settings_status {
	SETTINGS_OK = 0,
	SETTINGS_ENOMEM = -1,   /* out of memory */
	SETTINGS_EIO = -2,      /* the file could not be read or written */
	SETTINGS_EUNKNOWN = -3, /* not a key selfhelp knows */
	SETTINGS_ESECRET = -4,  /* a key that looks like a secret */
	SETTINGS_EVALUE = -5,   /* a value the key does not take */
	SETTINGS_ESYNTAX = -6,  /* a line that is not "key = value" */
	SETTINGS_ETOOBIG = -7,  /* the file is over SETTINGS_FILE_MAX */
};

enum {
	SETTINGS_FILE_MAX = 64 * 1024,
	SETTINGS_VALUE_MAX = 1024, /* bytes of a value, NUL not counted */
	SETTINGS_ERR_MAX = 256,    /* error and problem messages */
};

/* --- the keys --- */

/*
 * The key called `name` (any case, blanks around it ignored): its enum
 * value (>= 0), or SETTINGS_ESECRET when it looks like a secret, or
 * SETTINGS_EUNKNOWN.
 */
int settings_key_find(const char *name);

/* The key's name ("country"). Static storage. */
const char *settings_key_name(enum settings_key k);

/* The values it takes, for messages ("full or reduced"). Static. */
const char *settings_key_values(enum settings_key k);

/* One line on what it does, for `config list`. Static. */
const char *settings_key_about(enum settings_key k);

/* The environment variable that wins over it, or NULL. Static. */
const char *settings_key_env(enum settings_key k);

enum settings_check_flags {
	/* also against the bundled data: a country the crisis data knows,
	 * an exercise that exists (loads them: for `config set`, not for
	 * every run) */
	SETTINGS_CHECK_BUNDLED = 1 << 0,
};

/*
 * Is `value` one key k takes? On success returns 0 with its canonical
 * form in canon (SETTINGS_VALUE_MAX + 1 bytes): lower case for motion,
 * privacy and grounding, the upper-case code for a country ("uk" and,
 * with SETTINGS_CHECK_BUNDLED, "Germany" become GB and DE), the full
 * name for the start of an exercise's name. Otherwise returns
 * SETTINGS_EVALUE (or SETTINGS_ENOMEM, SETTINGS_EIO when the bundled data
 * could not be loaded) and err (SETTINGS_ERR_MAX bytes) says why, as a
 * sentence without its subject: "takes full or reduced".
 */
int settings_check(enum settings_key k, const char *value, unsigned flags,
                   char *canon, char *err);

/* --- a settings file in memory --- */

/* A parsed file. Opaque. */
struct settings;

/* What could not be used in the file, and where. */
struct settings_problem {
	unsigned line;              /* 1-based; 0: the whole file */
	enum settings_status kind;  /* EUNKNOWN, ESECRET, EVALUE, ESYNTAX */
	char msg[SETTINGS_ERR_MAX]; /* a sentence, with its subject */
};

/*
 * Parse `len` bytes of a settings file (a pure function of the text; the
 * values are checked without the bundled data). Problems are recorded,
 * never fatal. Returns 0 with *out (free with settings_free()), or
 * SETTINGS_ENOMEM.
 */
int settings_parse(const char *text, size_t len, struct settings **out);

/* An empty file's settings (nothing set). NULL when out of memory. */
struct settings *settings_new(void);

/* Free the settings, wiping their text. NULL is a no-op. */
void settings_free(struct settings *s);

/* The value of k, or NULL when it is not set. Borrowed from s, valid
 * until the next change to s. */
const char *settings_get(const struct settings *s, enum settings_key k);

/* The line of the file that gives k its value (1-based), or 0. */
unsigned settings_line(const struct settings *s, enum settings_key k);

/* The problems found when the file was parsed, in line order. The
 * pointer is borrowed from s. */
size_t settings_nproblems(const struct settings *s);
const struct settings_problem *settings_problem_at(const struct settings *s,
                                                   size_t i);

/*
 * Set k to `value` (taken as it is: the caller checks it first with
 * settings_check()). The first line that sets k gets the new value (and
 * keeps a comment at its end) and any other line for k goes, also one whose
 * value could not be used; without one a line is added at the end. Returns 0,
 * SETTINGS_EVALUE for a value no file line can hold (a newline, a control
 * character, " #", over SETTINGS_VALUE_MAX bytes), or SETTINGS_ENOMEM.
 */
int settings_set(struct settings *s, enum settings_key k, const char *value);

/* Remove every line for k. Returns true when there was one. */
bool settings_unset(struct settings *s, enum settings_key k);

/*
 * The file's text as settings_save() writes it: the lines as they were
 * read, with the changes; a new file starts with a comment saying what
 * it is. Returns a malloc'd, NUL-terminated string (*len bytes; wipe and
 * free it with settings_text_free()), or NULL when out of memory.
 */
char *settings_format(const struct settings *s, size_t *len);

/* Wipe and free a text from settings_format(). NULL is a no-op. */
void settings_text_free(char *text, size_t len);

/* --- the file --- */

/*
 * Where the settings file is: $XDG_CONFIG_HOME/selfhelp/config when
 * XDG_CONFIG_HOME is an absolute path, else $HOME/.config/selfhelp/config.
 * Caller frees; NULL without either (or when out of memory).
 */
char *settings_path(void);

/*
 * Read and parse the file at `path`. A file that is not there gives
 * empty settings. Returns 0 with *out; otherwise a negative status
 * (SETTINGS_EIO, SETTINGS_ETOOBIG, SETTINGS_ENOMEM), *out NULL, and err
 * (SETTINGS_ERR_MAX bytes) says why ("Permission denied").
 */
int settings_load(const char *path, struct settings **out, char *err);

/*
 * Write the settings to `path` atomically: a new 0600 file in the same
 * folder, synced and renamed over the old one, so that a reader never
 * sees half a file. Missing folders are made 0700. When `path` is a
 * symbolic link the file it points to is replaced (a dotfiles
 * repository keeps its link). Returns 0, or SETTINGS_EIO / SETTINGS_ENOMEM
 * with err saying why.
 */
int settings_save(const struct settings *s, const char *path, char *err);

#endif
