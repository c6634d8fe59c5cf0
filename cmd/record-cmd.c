/* The record sub-commands, written once for every kind (record-cmd.h). */
#include "record-cmd.h"

#include "dates.h"
#include "editor.h"
#include "output.h"
#include "screen.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"

#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LABEL_COLS = 18 };

#define AT(r, off, type) ((type *)(void *)((char *)(r) + (off)))
#define CAT(r, off, type)                                                      \
	(*(const type *)(const void *)((const char *)(r) + (off)))

/* The descriptor of the command running. */
static const struct record_cmd *
running(void)
{
	return command_data();
}

static size_t
field_index(const struct record_kind *k, const struct record_field *f)
{
	return (size_t)(f - k->fields);
}

/* --- options --- */

int
record_field_option(void *p, const struct opt *opt, char *arg)
{
	struct record_opts *o = p;
	const struct record_kind *k = running()->kind;
	const struct record_field *f = record_field_at(k, (size_t)opt->id);
	enum record_problem why = RECORD_PROBLEM_NONE;
	char *in = NULL;
	const char *value = arg;
	size_t len = 0, bad;
	long n;
	int v;
	switch (f->type) {
	case RECORD_TEXT:
		if (strcmp(value, "-") == 0) {
			if (o->stdin_used)
				return usage_error("Only one option can read "
				                   "standard input ('-').");
			o->stdin_used = true;
			if (read_stdin_text(&in, &len))
				return 1;
			value = in;
		}
		/* A NUL byte from stdin would silently cut the text short. */
		why = in && !util_utf8_ok(in, len, &bad)
		              ? RECORD_PROBLEM_NOT_UTF8
		              : record_set_text(f, o->rec, value);
		wipe_free(in, len);
		arg_wipe(arg);
		if (why != RECORD_PROBLEM_NONE)
			return usage_error("The --%s text %s.", opt->name,
			                   record_problem_words(why));
		break;
	case RECORD_LIST:
	case RECORD_TAGS:
		why = record_add_items(f, o->rec, arg);
		arg_wipe(arg);
		if (why != RECORD_PROBLEM_NONE)
			return usage_error("The --%s value %s.", opt->name,
			                   record_problem_words(why));
		break;
	case RECORD_INT:
		if (util_parse_long(arg, f->lo, f->hi, &n))
			return usage_error("%s", opt->bad);
		*AT(o->rec, f->offset, int) = (int)n;
		break;
	case RECORD_CHOICE:
		/* An empty choice clears it (edit). */
		v = 0;
		if (*arg && record_choice_parse(f, arg, &v))
			return usage_error("%s", opt->bad);
		*AT(o->rec, f->offset, int) = v;
		break;
	default:
		break;
	}
	o->given |= 1ul << field_index(k, f);
	o->given_name[field_index(k, f)] = opt->name;
	return 0;
}

static void
opts_release(struct record_opts *o)
{
	record_free(running()->kind, o->rec);
	o->rec = NULL;
}

/* Parse the options of the sub-command running into o, its record of
 * `variant`. Returns 0, -1 after --help, or an exit status. */
static int
parse_opts(int argc, char **argv, int variant, struct record_opts *o)
{
	const struct record_kind *k = running()->kind;
	memset(o, 0, sizeof(*o));
	o->limit = -1;
	if (!(o->rec = malloc(k->size)))
		return fail("Out of memory.");
	record_init(k, o->rec, variant);
	return opt_parse(argc, argv, o, &o->w);
}

/* parse_opts's result as an exit status, after releasing o: help
 * printed is 0. */
static int
opts_status(int rc, struct record_opts *o)
{
	opts_release(o);
	return rc < 0 ? 0 : rc;
}

/* Move the fields given as options from o into r. */
static void
apply_options(struct record_opts *o, void *r)
{
	const struct record_kind *k = running()->kind;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (!(o->given & (1ul << i)))
			continue;
		switch (f->type) {
		case RECORD_TEXT: {
			char *tmp = *AT(r, f->offset, char *);
			*AT(r, f->offset, char *) =
			        *AT(o->rec, f->offset, char *);
			*AT(o->rec, f->offset, char *) =
			        tmp; /* released with o */
			break;
		}
		case RECORD_LIST:
		case RECORD_TAGS: {
			struct record_list tmp =
			        *AT(r, f->offset, struct record_list);
			*AT(r, f->offset, struct record_list) =
			        *AT(o->rec, f->offset, struct record_list);
			*AT(o->rec, f->offset, struct record_list) = tmp;
			break;
		}
		case RECORD_INT:
		case RECORD_CHOICE:
			*AT(r, f->offset, int) = *AT(o->rec, f->offset, int);
			break;
		default:
			break;
		}
	}
}

static void
set_when(const struct record_kind *k, void *r, time_t when)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == RECORD_TIME)
			*AT(r, k->fields[i].offset, time_t) = when;
}

static const char *
id_of(const struct record_kind *k, const void *r)
{
	return (const char *)r + k->meta.id;
}

/* --- helpers --- */

void
record_short_id(const char *id, char *out)
{
	memcpy(out, id, RECORD_SHORT_ID);
	out[RECORD_SHORT_ID] = '\0';
}

int
record_one_id(const struct opt_words *w, const char *a_record,
              const char *command)
{
	if (w->n == 1)
		return 0;
	if (w->n)
		return usage_error("'%s' takes one id.", command_path());
	return usage_error("'%s' needs the id of %s; 'selfhelp %s list' shows "
	                   "them.",
	                   command_path(), a_record, command);
}

int
record_damaged(struct vault *v, const char *record, const char *id)
{
	return fail("The %s %s could not be read: %s.", record, id,
	            damage_words(v));
}

void
record_report_damaged(void *arg, const char *id)
{
	struct record_damage *d = arg;
	d->count++;
	fail("The %s %s could not be read: it is damaged or was changed "
	     "outside selfhelp. It was left out.",
	     d->record, shown_id(id));
}

void
record_say_saved(const char *id, bool sealed)
{
	char sid[RECORD_SHORT_ID + 1];
	record_short_id(id, sid);
	if (sealed)
		printf("Saved. You can read it after you unlock. (%s)\n", sid);
	else if (isatty(STDOUT_FILENO))
		printf("Saved. (%s)\n", sid);
	else
		printf("%s\n", sid);
}

int
record_need_yes(bool yes)
{
	if (yes || (isatty(STDIN_FILENO) && !run_no_input()))
		return 0;
	return usage_error("Deleting needs a yes, and %s; --yes gives it.",
	                   run_no_input() ? "--no-input says not to ask"
	                                  : "there is no terminal to ask on");
}

int
record_delete(struct vault *v, const char *id, const char *question)
{
	if (question && !confirm(question, false)) {
		printf("Kept it.\n");
		return 0;
	}
	if (vault_begin(v) || vault_delete(v, id) || vault_commit(v)) {
		vault_rollback(v);
		return fail("%s", vault_errmsg(v));
	}
	printf("Deleted.\n");
	return 0;
}

void
record_offer_grounding(FILE *fp, int state)
{
	const char *name =
	        state == 1 || state == 3 ? record_states[state - 1].name : NULL;
	char line[96];
	if (!name)
		return;
	snprintf(line, sizeof(line),
	         "'selfhelp grounding --for %s' has exercises for right now.\n",
	         name);
	say_wrapped(fp, line);
}

void
record_put_line(char *line, size_t size)
{
	bool tty = isatty(STDOUT_FILENO);
	char *shown = util_truncate(
	        line, tty ? (size_t)term_width(STDOUT_FILENO) : (size_t)-1,
	        clean_locale());
	if (shown) {
		fputs(shown, stdout);
		wipe_free_str(shown);
	}
	sodium_memzero(line, size);
	fputc('\n', stdout);
}

/* --- reading records --- */

static int
load_record(struct vault *v, const char *prefix, void **r)
{
	const struct record_cmd *d = running();
	char id[VAULT_ID_HEX + 1];
	int rc = resolve_record_id(v, d->kind->name, prefix, &d->ids, id);
	if (rc)
		return rc;
	rc = record_get(v, d->kind, id, r);
	if (rc == VAULT_DAMAGED)
		return record_damaged(v, d->record, id);
	if (rc)
		return fail("%s", vault_errmsg(v));
	return 0;
}

/* The record as --json shows it: its id, its fields as the export has
 * them, its times, the kind's own keys and whether it was written while
 * locked. */
json_t *
record_cmd_json(const void *r)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	json_t *o = json_object();
	char created[40], updated[40];
	if (!o || json_object_set_new(o, "id", json_string(id_of(k, r))) ||
	    record_fields_json(k, r, o, d->json_flags))
		goto fail;
	if (!(d->json_flags & RECORD_JSON_TIMES)) {
		date_format_iso(CAT(r, k->meta.created, time_t), created,
		                sizeof(created));
		date_format_iso(CAT(r, k->meta.updated, time_t), updated,
		                sizeof(updated));
		if (json_object_set_new(o, "created", json_string(created)) ||
		    json_object_set_new(o, "updated", json_string(updated)))
			goto fail;
	}
	bool locked = CAT(r, k->meta.written_locked, bool);
	if ((d->json && d->json(r, o)) ||
	    json_object_set_new(o, "written_while_locked",
	                        json_boolean(locked)))
		goto fail;
	if (CAT(r, k->meta.conflict_copy, bool) &&
	    json_object_set_new(o, "conflict_copy", json_true()))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Every record of the kind, newest first. */
static int
load_all(struct vault *v, bool with_body, void ***list, size_t *n,
         struct record_damage *damage)
{
	const struct record_cmd *d = running();
	if (d->load)
		return d->load(v, with_body, list, n, record_report_damaged,
		               damage);
	struct record_query q = {.with_body = with_body,
	                         .damaged = record_report_damaged,
	                         .arg = damage};
	int rc = record_list(v, d->kind, &q, list, n);
	if (!rc)
		record_sort_newest(d->kind, *list, *n);
	return rc;
}

/* Does r have every item of tags in its list field f? */
static bool
has_all(const struct record_field *f, const void *r,
        const struct record_list *tags)
{
	const struct record_list *l = &CAT(r, f->offset, struct record_list);
	for (size_t i = 0; i < tags->n; i++) {
		bool found = false;
		for (size_t j = 0; j < l->n && !found; j++)
			found = strcmp(l->v[j], tags->v[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Is r in the selection of o (its period, and the list items given)? */
static bool
selected(const struct record_opts *o, time_t since, time_t until, const void *r)
{
	const struct record_kind *k = running()->kind;
	time_t when = record_when(k, r);
	if ((since && when < since) || (until && when > until))
		return false;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if ((o->given & (1ul << i)) &&
		    (f->type == RECORD_LIST || f->type == RECORD_TAGS) &&
		    !has_all(f, r, AT(o->rec, f->offset, struct record_list)))
			return false;
	}
	return true;
}

int
record_cmd_list(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct record_cmd *d = running();
	struct record_opts o;
	struct record_damage damage = {d->record, 0};
	void **list = NULL;
	size_t n = 0, shown = 0;
	time_t now = time(NULL);
	struct vault *v;
	int rc = parse_opts(argc, argv, 0, &o);
	if (rc)
		return opts_status(rc, &o);
	if (o.w.n) {
		rc = usage_error("'%s' takes options only.", command_path());
		goto out;
	}
	time_t since = opt_date(o.since, now, DATE_START);
	time_t until = opt_date(o.until, now, DATE_END);
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if (load_all(v, o.json, &list, &n, &damage)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	json_t *arr = o.json ? json_array() : NULL;
	bool more = true;
	for (size_t i = 0; i < n && more; i++) {
		if (o.limit >= 0 && shown == (size_t)o.limit)
			break;
		if (!selected(&o, since, until, list[i]))
			continue;
		shown++;
		if (arr)
			json_array_append_new(arr, record_cmd_json(list[i]));
		else {
			/* privacy = screen: from the first line shown */
			screen_private_begin(true);
			d->print_line(list[i]);
			more = screen_private_row();
		}
	}
	screen_private_end(more);
	if (o.json)
		rc = print_json(arr);
	else if (shown == 0 && !damage.count)
		puts(o.since || o.until || o.given ? d->empty_selection
		                                   : d->empty);
	rc = rc ? rc : damage.count ? 1 : 0;
out:
	record_free_all(d->kind, list, n);
	return opts_status(rc, &o);
}

/* "Label             value", continuation lines indented to match (a
 * line break ends a line; CR LF is one). */
static void
print_field(const char *label, const char *value)
{
	printf("%-*s", LABEL_COLS, label);
	for (const char *p = value;;) {
		size_t n = strcspn(p, "\n");
		if (n && p[n] == '\n' && p[n - 1] == '\r')
			n--;
		print_clean(p, n, UTIL_CLEAN_LINES, stdout);
		p += strcspn(p, "\n");
		if (!*p++)
			break;
		putchar('\n');
		if (*p && *p != '\n')
			printf("%*s", LABEL_COLS, "");
	}
	putchar('\n');
}

static void
print_list_field(const char *label, const struct record_list *s,
                 const char *prefix)
{
	printf("%-*s", LABEL_COLS, label);
	for (size_t i = 0; i < s->n; i++) {
		fputs(i ? (*prefix ? " " : ", ") : "", stdout);
		fputs(prefix, stdout);
		print_clean_str(s->v[i], 0, stdout);
	}
	putchar('\n');
}

/* The record's fields one under the other, labelled, in the edit
 * layout's order. */
static void
print_record(const void *r)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	char when[32], num[16];
	date_format_local(record_when(k, r), when, sizeof(when));
	printf("%s ", k->layouts[record_variant(k, r)].title);
	print_clean(id_of(k, r), strnlen(id_of(k, r), RECORD_SHORT_ID), 0,
	            stdout);
	printf(" \xc2\xb7 %s\n", when);
	if (CAT(r, k->meta.written_locked, bool))
		printf("Written while the vault was locked.\n");
	if (CAT(r, k->meta.conflict_copy, bool))
		printf(CONFLICT_COPY_NOTE "\n");
	putchar('\n');
	for (size_t i = 0; i < k->nfields; i++) {
		int at = k->edit_order ? k->edit_order[i] : (int)i;
		if (at < 0)
			break;
		const struct record_field *f = &k->fields[at];
		if (f->type == RECORD_TIME || f->type == RECORD_VARIANT ||
		    !record_field_applies(k, r, f) || !record_field_set(f, r))
			continue;
		const void *p = (const char *)r + f->offset;
		switch (f->type) {
		case RECORD_INT:
			snprintf(num, sizeof(num), "%d", *(const int *)p);
			print_field(f->label, num);
			break;
		case RECORD_CHOICE:
			print_field(f->label,
			            record_choice_words(f, *(const int *)p));
			break;
		case RECORD_TEXT:
			print_field(f->label, *(char *const *)p);
			break;
		default:
			print_list_field(f->label, p,
			                 f->type == RECORD_TAGS ? "#" : "");
		}
	}
	if (!record_has_fields(k, r))
		printf("(Only the time is recorded; 'selfhelp %s edit %.*s' "
		       "can add more.)\n",
		       d->name, RECORD_SHORT_ID, id_of(k, r));
}

int
record_cmd_show(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct record_cmd *d = running();
	struct record_opts o;
	void *r = NULL;
	char id[VAULT_ID_HEX + 1];
	struct vault *v;
	int rc = parse_opts(argc, argv, 0, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = record_one_id(&o.w, d->a_record, d->name)))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if (d->show) {
		rc = resolve_record_id(v, d->kind->name, o.w.v[0], &d->ids, id);
		if (!rc)
			rc = d->show(ctx, v, id, &o);
		goto out;
	}
	if ((rc = load_record(v, o.w.v[0], &r)))
		goto out;
	if (o.json) {
		json_t *arr = json_array();
		if (arr)
			json_array_append_new(arr, record_cmd_json(r));
		rc = print_json(arr);
	} else {
		screen_private_begin(true);
		print_record(r);
		screen_private_end(true);
	}
out:
	record_free(d->kind, r);
	return opts_status(rc, &o);
}

/* --- add --- */

/* Is a quick field still unanswered? */
static bool
quick_missing(const struct record_kind *k, const void *r)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].quick && !record_field_set(&k->fields[i], r))
			return true;
	return false;
}

/* The variant whose add sub-command is running. */
static int
add_variant(const struct record_cmd *d, const char *sub)
{
	for (int i = 0; i == 0 || d->variants[i].sub; i++)
		if (d->variants[i].sub && strcmp(d->variants[i].sub, sub) == 0)
			return i;
	return 0;
}

int
record_cmd_add(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	int variant = add_variant(d, argv[0]);
	const struct record_cmd_variant *var = &d->variants[variant];
	struct record_opts o;
	struct record_adding a = {.cmd = d, .variant = variant};
	time_t now = time(NULL);
	bool begun = false, saved = false;
	int rc = parse_opts(argc, argv, variant, &o);
	if (rc)
		return opts_status(rc, &o);
	void *r = a.r = o.rec;
	if (o.w.n) {
		rc = usage_error("'%s' takes its %s as options, like %s (in "
		                 "quotes).",
		                 command_path(), d->answers, var->example);
		goto out;
	}
	set_when(k, r, o.date ? opt_date(o.date, now, DATE_START) : now);
	a.quick = o.quick;
	a.tty = run_no_input() ? NULL : form_terminal();
	a.ask = a.tty && (o.quick ? quick_missing(k, r) : o.given == 0);
	if (!a.ask && o.given == 0) {
		rc = usage_error("There is nothing to %s yet, and %s; give the "
		                 "%s as options, like %s.",
		                 d->verb,
		                 run_no_input() ? "--no-input says not to ask"
		                            : "there is no terminal to ask on",
		                 d->answers, var->options);
		goto out;
	}
	/* Locked and no passphrase at hand: the record is sealed to the
	 * vault's public key, so nothing is asked in the moment itself. */
	if (!(a.v = ctx_vault_for_write(ctx, &a.sealed))) {
		rc = 1;
		goto out;
	}
	if (d->add_begin)
		d->add_begin(&a);
	begun = true;
	if (a.ask) {
		int res = record_form_run(&a, !o.date, now);
		if (res < 0) {
			rc = fail("Could not read keys from this terminal; the "
			          "%s can be given as options ('selfhelp %s "
			          "--help').",
			          d->answers, command_path());
			goto out;
		}
		if (res == FORM_DISCARD) {
			fputs("Nothing was saved.\n", a.tty);
			goto out;
		}
		if (!record_has_fields(k, r)) {
			fputs("Nothing was written, so nothing was saved.\n",
			      a.tty);
			goto out;
		}
	}
	if (vault_begin(a.v) || record_add(a.v, k, r, a.sealed, time(NULL)) ||
	    vault_commit(a.v)) {
		vault_rollback(a.v);
		rc = fail("%s", vault_errmsg(a.v));
		goto out;
	}
	record_say_saved(id_of(k, r), a.sealed);
	saved = true;
out:
	if (begun && d->add_end)
		d->add_end(&a, saved);
	return opts_status(rc, &o);
}

/* --- edit --- */

/* What parse_edited() needs: the record, when the edit began, and where
 * the edited record goes. */
struct edit_arg {
	const void *r;
	time_t now;
	void *out;
};

static int
parse_edited(const char *text, size_t len, void *arg, char *err, size_t size)
{
	struct edit_arg *a = arg;
	return record_parse_text(running()->kind, text, len, a->r, a->now,
	                         a->out, err, size);
}

/*
 * The edited record from the editor (on a terminal) or standard input.
 * Returns 0 with *out filled, 3 when the person chose to leave it as it
 * was (a message is printed), or an exit status.
 */
static int
edit_text(const void *r, void *out)
{
	const struct record_cmd *d = running();
	struct edit_arg a = {r, time(NULL), out};
	char empty[200];
	size_t len = 0;
	char *text = record_format_text(d->kind, r, &len);
	snprintf(empty, sizeof(empty),
	         "The file was empty, so the record was left as it was. "
	         "('selfhelp %s delete' removes %s.)\n",
	         d->name, d->removes);
	return editor_edit_record(text, len, empty, parse_edited, &a);
}

/* An option given for a field r's variant does not have. */
static int
foreign_option(const struct record_opts *o, const void *r)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct record_field *f = &k->fields[i];
		if (!(o->given & (1ul << i)) || record_field_applies(k, r, f))
			continue;
		int mine = record_variant(k, r), other = 1;
		while (!(f->variants & RECORD_VARIANT_BIT(other)))
			other++;
		return usage_error("--%s belongs to a %s, and %.*s is a %s.",
		                   o->given_name[i], d->variants[other].a,
		                   RECORD_SHORT_ID, id_of(k, r),
		                   d->variants[mine].one);
	}
	return 0;
}

int
record_cmd_edit(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	struct record_opts o;
	void *r = NULL, *edited = NULL;
	struct vault *v;
	int rc = parse_opts(argc, argv, 0, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = record_one_id(&o.w, d->a_record, d->name)))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.w.v[0], &r)) || (rc = foreign_option(&o, r)))
		goto out;
	if (!(edited = malloc(k->size))) {
		rc = fail("Out of memory.");
		goto out;
	}
	record_init(k, edited, record_variant(k, r));
	if (o.given || o.date) {
		if (record_copy(k, edited, r)) {
			rc = fail("Out of memory.");
			goto out;
		}
		apply_options(&o, edited);
		if (o.date)
			set_when(k, edited,
			         opt_date(o.date, time(NULL), DATE_START));
	} else if ((rc = edit_text(r, edited))) {
		rc = rc == 3 ? 0 : rc;
		goto out;
	}
	if (record_same(k, r, edited)) {
		printf("Nothing changed.\n");
		goto out;
	}
	if (vault_begin(v) || record_update(v, k, edited, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	printf("Saved.\n");
out:
	record_free(k, edited);
	record_free(k, r);
	return opts_status(rc, &o);
}

/* --- delete --- */

int
record_cmd_delete(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct record_cmd *d = running();
	const struct record_kind *k = d->kind;
	struct record_opts o;
	void *r = NULL;
	struct vault *v;
	int rc = parse_opts(argc, argv, 0, &o);
	if (rc)
		return opts_status(rc, &o);
	if ((rc = record_one_id(&o.w, d->a_record, d->name)) ||
	    (rc = record_need_yes(o.yes)))
		goto out;
	if (!(v = ctx_vault(ctx))) {
		rc = 1;
		goto out;
	}
	if ((rc = load_record(v, o.w.v[0], &r)))
		goto out;
	char when[32], q[128];
	date_format_local(record_when(k, r), when, sizeof(when));
	/* The date only: the words may be private from onlookers. */
	snprintf(q, sizeof(q), "Delete the %s from %s?",
	         d->variants[record_variant(k, r)].noun, when);
	rc = record_delete(v, id_of(k, r), o.yes ? NULL : q);
out:
	record_free(k, r);
	return opts_status(rc, &o);
}
