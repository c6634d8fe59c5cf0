/*
 * The sub-commands every record kind has, written once: add (with the
 * guided form), list, show, edit and delete. They read the kind's table
 * (lib/record.h: fields, limits, labels, edit layout, form questions)
 * and a small descriptor, struct record_cmd: the words its messages use,
 * and hooks for what is the kind's own (the list line; group: the view
 * beside the linked record, the linking when one is added, the boundary
 * question).
 *
 * A kind's command file (cmd/trigger-log.c, cmd/group.c) holds its
 * descriptor, its option tables (the field options call
 * record_field_option) and its command table, whose entries name the
 * functions below and carry the descriptor as the command's `data`:
 *
 *	{"list", record_cmd_list, "records, newest first",
 *	 .opts = list_options, .help = dates_help},
 *	...
 *	const struct command trigger_log_command = {"trigger-log", ...,
 *	        .subs = trigger_subs, .data = &trigger_cmd};
 *
 * Options parse into struct record_opts (RECORD_OPT_* name its members).
 * The helpers at the end serve journal too, whose storage is its own.
 */
#ifndef SELFHELP_CMD_RECORD_CMD_H
#define SELFHELP_CMD_RECORD_CMD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "form.h"
#include "record.h"

enum {
	RECORD_SHORT_ID = 8, /* characters of an id shown */
	RECORD_OFFERS_MAX = 16,
};

/* What a record sub-command was given. */
struct record_opts {
	void *rec;           /* the fields given as options (owned) */
	unsigned long given; /* bit i: field i of the table was given */
	const char *given_name[RECORD_FIELDS_MAX]; /* as which option */
	const char *date, *since, *until;
	int limit, width;
	bool json, yes, quick, stdin_used;
	struct opt_words w;
};

/* Field options: the value goes into o->rec through the table (`id` is
 * the offsetof of the kind's member); text "-" is read from standard
 * input; an empty choice clears it; `bad` is said for a number or
 * choice that does not fit. Text and list values are wiped in argv. */
int record_field_option(void *o, const struct opt *opt, char *arg);

#define RECORD_OPT(f) offsetof(struct record_opts, f)
/* The start of a field option's row: {RECORD_OPT_FIELD(...), .bad = ...} */
#define RECORD_OPT_FIELD(name, member, arg, help)                              \
	name, 0, OPT_CALL, 0, arg, help, .call = record_field_option,          \
	                                 .id = (int)(member)

/* A record being added, for the kind's hooks. */
struct record_adding {
	const struct record_cmd *cmd;
	int variant;
	void *r; /* the new record */
	struct vault *v;
	bool sealed; /* the vault is locked: the record is sealed */
	bool ask;    /* the guided form runs */
	bool quick;  /* --quick */
	FILE *tty;   /* where the form talks, or NULL */
	void *own;   /* the kind's own, from add_begin (freed in add_end) */
};

/* What the kind's form_question hook may change about a question. */
struct record_prompt {
	char *text; /* the question as asked (malloc'd, wiped), or NULL */
	char *offers[RECORD_OFFERS_MAX]; /* numbered answers (malloc'd) */
	size_t noffers;
};

/* Per variant (index: the variant's value; 0 for a kind without), ended
 * by an entry without `sub` (index 0 may be empty). */
struct record_cmd_variant {
	const char *sub;     /* the add sub-command: "add", "prepare" */
	const char *noun;    /* delete's question: "trigger record" */
	const char *example; /* loose words on add: "--trigger \"...\"" */
	const char *options; /* nothing given: "--trigger TEXT --before N" */
	const char *a;       /* an option of another variant: "reflection
	                        after a meeting" */
	const char *one;     /* "check-in before one" */
};

struct record_cmd {
	const struct record_kind *kind;
	const char *name; /* the command: "trigger-log" */
	struct id_words ids;
	const char *a_record; /* "a record": "needs the id of a record" */
	const char *record;  /* "record": "The record 3f2a could not be read" */
	const char *answers; /* "fields": "takes its fields as options" */
	const char *verb;    /* "record": "There is nothing to record yet" */
	const char *removes; /* "a record": "'... delete' removes a record" */
	const char *empty;   /* list: nothing stored yet (a line) */
	const char *empty_selection; /* list: nothing in the period (a line) */
	unsigned json_flags; /* enum record_json_flags (else the times come
	                        after the fields) */
	const struct record_cmd_variant *variants;

	/* One line of `list`: the kind's own (record_cmd_put_line helps). */
	void (*print_line)(const void *r);
	/* Every record, newest first; NULL: record_list, record_sort_newest. */
	int (*load)(struct vault *v, bool with_body, void ***list, size_t *n,
	            void (*damaged)(void *arg, const char *id), void *arg);
	/* More keys of --json (after the times); NULL: none. 0 or -1. */
	int (*json)(const void *r, json_t *o);
	/* `show` of the record with full id `id`; NULL: the table's labels
	 * one under the other. Returns the exit status. */
	int (*show)(struct cmd_ctx *ctx, struct vault *v, const char *id,
	            const struct record_opts *o);
	/* Around add: begin before the form (the vault is open), end after
	 * it and the saving (saved says whether it was), on every way out
	 * after begin. NULL: nothing. */
	void (*add_begin)(struct record_adding *a);
	void (*add_end)(struct record_adding *a, bool saved);
	/* Before question f is asked: 1 skips it; else it may set p. */
	int (*form_question)(const struct record_adding *a,
	                     const struct record_field *f,
	                     struct record_prompt *p);
};

/* The sub-commands (argv[0] names the one running; the descriptor is
 * the command's data). */
int record_cmd_add(int argc, char **argv, struct cmd_ctx *ctx);
int record_cmd_list(int argc, char **argv, struct cmd_ctx *ctx);
int record_cmd_show(int argc, char **argv, struct cmd_ctx *ctx);
int record_cmd_edit(int argc, char **argv, struct cmd_ctx *ctx);
int record_cmd_delete(int argc, char **argv, struct cmd_ctx *ctx);

/* A record as --json shows it (its kind: the command running's): its
 * id, the table's fields, its times, the kind's own keys and whether it
 * was written while locked. NULL when out of memory. */
json_t *record_cmd_json(const void *r);

/*
 * The guided form of a record being added: the questions of the table
 * (in its form order) whose fields are not set yet, one at a time on
 * a->tty (cmd/form.h; the time only when ask_when). Returns an enum
 * form_result, or -1 when stdin cannot be put in raw mode.
 */
int record_form_run(struct record_adding *a, bool ask_when, time_t now);

/* --- helpers, journal's too --- */

/* "3f2a9c1b": the first RECORD_SHORT_ID characters of id into out. */
void record_short_id(const char *id, char *out);

/* Exactly one id among the words, else a usage error naming
 * `a_record` ("an entry") and the command's list. */
int record_one_id(const struct opt_words *w, const char *a_record,
                  const char *command);

/* After a record that could not be read: "The entry 3f2a... could not be
 * read: WHY." Returns 1. */
int record_damaged(struct vault *v, const char *record, const char *id);

/* For record_list's damaged callback: counts into *(int *)arg and says
 * that the record (`record` words in the struct below) was left out. */
struct record_damage {
	const char *record;
	int count;
};
void record_report_damaged(void *arg, const char *id);

/* "Saved. (3f2a9c1b)" on a terminal, the short id alone otherwise;
 * "Saved. You can read it after you unlock. (…)" when sealed. */
void record_say_saved(const char *id, bool sealed);

/* Deleting without --yes needs a terminal to ask on: 0, or a usage
 * error. */
int record_need_yes(bool yes);

/* Ask `question` (NULL: --yes was given), delete record id and say so.
 * Returns the exit status. */
int record_delete(struct vault *v, const char *id, const char *question);

/* After an answer of how it is now: the grounding line for too much or
 * too little (values of record_states). */
void record_offer_grounding(FILE *fp, int state);

/* A list line, through the display sanitizer, cut to the terminal's
 * width; `line` is wiped. */
void record_put_line(char *line, size_t size);

#endif
