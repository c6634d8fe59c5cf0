/*
 * selfhelp safety-plan: show, edit and look back at the person's safety
 * plan (lib/safety.h). Every saved edit is a new version; earlier ones
 * are kept and can be shown.
 */
#include "cmd.h"
#include "dates.h"
#include "editor.h"
#include "output.h"
#include "pager.h"
#include "safety.h"
#include "term.h"
#include "util.h"
#include "vault.h"
#include "wipe.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char plan_help[] =
        "Your safety plan is for times when things feel unbearable, or you\n"
        "think about hurting yourself or ending your life. It holds what\n"
        "helps you through, step by step, in the seven steps of the\n"
        "Stanley-Brown safety plan: 1 warning signs; 2 things I can do on\n"
        "my own; 3 people and places that distract me; 4 people I can ask\n"
        "for help; 5 professionals and crisis lines; 6 making my\n"
        "surroundings safer; 7 my reasons to keep going. Start at step 1;\n"
        "if a step doesn't help, go on to the next. If you are in danger,\n"
        "go straight to step 5 or call your emergency number. The plan is\n"
        "encrypted in your vault; 'selfhelp crisis' needs no passphrase.\n"
        "\n"
        "If the newest version cannot be read (it is damaged or was changed\n"
        "outside selfhelp), show says so, shows the newest one that reads\n"
        "and exits with 1; edit says so and starts from that one (or from\n"
        "an empty plan), and what you save becomes your current plan. The\n"
        "damaged versions are kept, and history marks them.\n"
        "\n"
        "'selfhelp crisis' shows the people in your plan while selfhelp is\n"
        "unlocked ('selfhelp unlock').\n";

static const char msg_no_plan[] =
        "There is no safety plan yet. 'selfhelp safety-plan edit' starts "
        "one; you can fill it in bit by bit.";

/* Said with the plan, and in its template (lib/safety.c), as notes. */
static const char msg_plan_use[] =
        "# For times when things feel unbearable, or you think about\n"
        "# hurting yourself or ending your life. Start at step 1; if a step\n"
        "# doesn't help, go on to the next. If you are in danger, go\n"
        "# straight to step 5 or call your emergency number.\n";

/* Before the passphrase is asked for the plan: help that needs none. */
static const char msg_locked[] =
        "Your safety plan is locked. Help right now needs no passphrase:";

/*
 * The vault, unlocked, for the plan. Every way this can end without it
 * (no vault, no way to ask for the passphrase, a passphrase that does
 * not open it, leaving the prompt) ends with where help is right now;
 * with `help_first`, that help also comes before the passphrase is
 * asked, since Ctrl-C at the prompt ends selfhelp at once. On stdout, or
 * on stderr when stdout carries JSON. NULL after the messages.
 */
static struct vault *
plan_vault(struct cmd_ctx *ctx, bool json, bool help_first)
{
	struct vault *v = ctx_vault_remembered(ctx);
	if (v && vault_copy_master(v, NULL) != VAULT_LOCKED)
		return v;
	if (v && !ctx->passphrase_file) {
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (tty >= 0) {
			close(tty);
			fflush(stdout);
			if (help_first) {
				fprintf(stderr, "%s\n", msg_locked);
				crisis_put_brief(stderr);
				fputc('\n', stderr);
			} else {
				fprintf(stderr,
				        "(Help right now needs no passphrase: "
				        "'selfhelp crisis'.)\n");
			}
		}
	}
	if (v)
		v = ctx_vault(ctx);
	if (!v)
		crisis_put_brief(json ? stderr : stdout);
	return v;
}

struct popts {
	const char *from;
	int version; /* 0: the newest */
	bool json;
};

#define O(f) offsetof(struct popts, f)
static const struct opt show_options[] = {
        {"version", 0, OPT_INT, O(version), "N", "an earlier version", .min = 1,
         .max = INT_MAX,
         .bad = "--version takes a number like 2; 'selfhelp safety-plan "
                "history' lists them."},
        {"json", 0, OPT_FLAG, O(json), NULL, .help = "as JSON for scripts"},
        {0},
};
static const struct opt edit_options[] = {
        {"from", 0, OPT_STRING, O(from), "FILE",
         "take the plan from FILE instead of your editor", .hint = HINT_FILES},
        {0},
};
static const struct opt history_options[] = {
        {"json", 0, OPT_FLAG, O(json), NULL, .help = "as JSON for scripts"},
        {0},
};
#undef O

/* Parse the options of the sub-command running into o. Returns 0, -1
 * after --help, or an exit status. */
static int
parse_opts(int argc, char **argv, struct popts *o)
{
	struct opt_words w;
	int rc = opt_parse(argc, argv, o, &w);
	if (!rc && w.n)
		return usage_error("'%s' takes no '%s'.", command_path(),
		                   w.v[0]);
	return rc;
}

/* --- what goes to the pager (a wiping buffer) --- */

/* An item from the vault (it may have been imported), one line through
 * the display sanitizer (util_clean): control characters, C1 ones
 * (U+0080-U+009F) too, as '?', bytes that are not UTF-8 as U+FFFD. */
static void
out_clean(struct strbuf *b, const char *s)
{
	char unit[UTIL_CLEAN_UNIT_MAX];
	unsigned flags = clean_locale();
	size_t len = strlen(s), used;
	for (size_t i = 0; i < len; i += used)
		strbuf_add(b, unit,
		           util_clean_unit(s + i, len - i, flags, unit, &used,
		                           NULL));
	sodium_memzero(unit, sizeof(unit));
}

/* --- show --- */

static int
count_versions(struct vault *v, size_t *n)
{
	struct safety_version *list;
	int rc = safety_history(v, &list, n);
	free(list);
	return rc;
}

static json_t *
plan_json(const struct safety_plan *p, size_t versions)
{
	char when[40];
	json_t *o = json_object(), *secs = json_array();
	date_format_iso(p->created, when, sizeof(when));
	json_object_set_new(o, "version", json_integer(p->version));
	json_object_set_new(o, "versions", json_integer((json_int_t)versions));
	/* false: not the newest version (asked for, or the newest cannot be
	 * read) */
	json_object_set_new(o, "current",
	                    json_boolean((size_t)p->version == versions));
	json_object_set_new(o, "id", json_string(p->id));
	json_object_set_new(o, "created", json_string(when));
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		json_t *sec = json_object(), *items = json_array();
		for (size_t i = 0; i < p->sections[s].n; i++)
			json_array_append_new(
			        items, json_string(p->sections[s].items[i]));
		json_object_set_new(sec, "key",
		                    json_string(safety_section_key(
		                            (enum safety_section)s)));
		json_object_set_new(sec, "title",
		                    json_string(safety_section_title(
		                            (enum safety_section)s)));
		json_object_set_new(sec, "items", items);
		json_array_append_new(secs, sec);
	}
	json_object_set_new(o, "sections", secs);
	return o;
}

/* The plan in the readable layout (so that it can be fed back to
 * 'edit --from'), headings in bold on a terminal. `older` says that the
 * newer versions could not be read (shown here too: a pager hides what
 * went to stderr before it). */
static void
format_plan(struct strbuf *b, const struct safety_plan *p, size_t versions,
            bool older, bool color)
{
	char when[32], head[320];
	date_format_local(p->created, when, sizeof(when));
	if (versions > 1)
		snprintf(head, sizeof(head),
		         "# Your safety plan, version %d of %zu, saved %s\n",
		         p->version, versions, when);
	else
		snprintf(head, sizeof(head), "# Your safety plan, saved %s\n",
		         when);
	strbuf_adds(b, head);
	strbuf_adds(b, msg_plan_use);
	if (older) {
		snprintf(head, sizeof(head),
		         "# The newest version (%zu) could not be read, so "
		         "this is\n# version %d, the newest one that reads.\n",
		         versions, p->version);
		strbuf_adds(b, head);
	}
	for (int s = 0; s < SAFETY_NSECTIONS; s++) {
		strbuf_adds(b, "\n");
		if (color)
			strbuf_adds(b, "\033[1m");
		snprintf(head, sizeof(head), "## Step %d: ", s + 1);
		strbuf_adds(b, head);
		strbuf_adds(b, safety_section_title((enum safety_section)s));
		if (color)
			strbuf_adds(b, "\033[0m");
		strbuf_adds(b, "\n");
		if (p->sections[s].n == 0)
			strbuf_adds(b, "# (nothing here yet)\n");
		for (size_t i = 0; i < p->sections[s].n; i++) {
			strbuf_adds(b, "- ");
			out_clean(b, p->sections[s].items[i]);
			strbuf_adds(b, "\n");
		}
	}
}

/* Version `version` (>= 1) into *p, or an exit status after a message. */
static int
load_or_say(struct vault *v, int version, struct safety_plan **p)
{
	int rc = safety_load(v, version, p);
	if (rc == VAULT_OK)
		return 0;
	if (rc == VAULT_NOT_FOUND)
		return fail("There is no version %d of your plan; 'selfhelp "
		            "safety-plan history' lists them.",
		            version);
	if (rc == VAULT_DAMAGED)
		return fail("Version %d of your safety plan could not be read: "
		            "it is damaged or was changed outside selfhelp. "
		            "'selfhelp safety-plan history' lists the others.",
		            version);
	return fail("%s", vault_errmsg(v));
}

/*
 * "The newest version ... could not be read (...). Showing version N,
 * saved DATE, the newest one that reads." into buf, for a plan `p` shown
 * in place of the `newest` versions after it.
 */
static void
say_older(char *buf, size_t size, const struct safety_plan *p, int newest)
{
	char when[32];
	int skipped = newest - p->version;
	date_format_local(p->created, when, sizeof(when));
	if (skipped == 1)
		snprintf(buf, size,
		         "The newest version of your safety plan could not be "
		         "read (it is damaged or was changed outside "
		         "selfhelp). Showing version %d, saved %s, the newest "
		         "one that reads.",
		         p->version, when);
	else
		snprintf(buf, size,
		         "The newest %d versions of your safety plan could not "
		         "be read (they are damaged or were changed outside "
		         "selfhelp). Showing version %d, saved %s, the newest "
		         "one that reads.",
		         skipped, p->version, when);
}

/* No version reads: say so, and where help is (on stdout, or on stderr
 * when stdout carries JSON). */
static int
say_unreadable(int versions, bool json)
{
	if (versions == 1)
		fail("Your safety plan could not be read: its only version is "
		     "damaged or was changed outside selfhelp. It is kept as "
		     "it is; 'selfhelp safety-plan edit' starts a new one.");
	else
		fail("Your safety plan could not be read: none of its %d "
		     "versions reads (they are damaged or were changed "
		     "outside selfhelp). They are kept as they are; "
		     "'selfhelp safety-plan edit' starts a new one.",
		     versions);
	crisis_put_brief(json ? stderr : stdout);
	return 1;
}

static int
plan_show_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct popts o = {0};
	struct safety_plan *p = NULL;
	struct vault *v;
	size_t versions = 0;
	int newest = 0;
	bool older = false;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!(v = plan_vault(ctx, o.json, true)))
		return 1;
	if (o.version) {
		if ((rc = load_or_say(v, o.version, &p)))
			return rc;
		if (count_versions(v, &versions)) {
			safety_plan_free(p);
			return fail("%s", vault_errmsg(v));
		}
	} else {
		/* The newest that reads, and never silently: an older one
		 * in its place is said, and exits 1. */
		rc = safety_load_newest_readable(v, &p, &newest);
		if (rc == VAULT_DAMAGED)
			return say_unreadable(newest, o.json);
		if (rc && rc != VAULT_NOT_FOUND)
			return fail("%s", vault_errmsg(v));
		versions = (size_t)newest;
		older = p && p->version < newest;
	}
	char msg[512];
	if (older)
		say_older(msg, sizeof(msg), p, newest);
	if (o.json) {
		rc = print_json(p ? plan_json(p, versions) : json_null());
		safety_plan_free(p);
		if (older)
			fail("%s", msg);
		if (!p)
			crisis_put_brief(stderr);
		return rc ? rc : older;
	}
	if (!p) {
		printf("%s\n", msg_no_plan);
		crisis_put_brief(stdout);
		return 0;
	}
	struct strbuf b = {0};
	bool color = term_use_color(STDOUT_FILENO);
	format_plan(&b, p, versions, older, color);
	safety_plan_free(p);
	if (b.failed) {
		strbuf_release(&b);
		return fail("Out of memory.");
	}
	rc = pager_show(b.p, b.len, ctx) == 0 ? 0 : 1;
	strbuf_release(&b);
	/* After the pager, so that it is the last thing on the screen. */
	if (older)
		fail("%s", msg);
	return rc ? rc : older;
}

/* --- history --- */

/* The mark of version i of n in the history (n > 0). */
static const char *
history_mark(const struct safety_version *list, size_t n, size_t i)
{
	if (list[i].damaged)
		return "  could not be read (damaged)";
	if (i + 1 == n)
		return "  (the current plan)";
	for (size_t k = i + 1; k < n; k++)
		if (!list[k].damaged)
			return "";
	return "  (the newest one that reads)";
}

static int
plan_history_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct popts o = {0};
	struct safety_version *list = NULL;
	struct vault *v;
	size_t n = 0;
	int damaged = 0, last_damaged = 0;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!(v = plan_vault(ctx, o.json, false)))
		return 1;
	if (safety_history(v, &list, &n))
		return fail("%s", vault_errmsg(v));
	for (size_t i = 0; i < n; i++)
		if (list[i].damaged) {
			damaged++;
			last_damaged = list[i].version;
		}
	if (o.json) {
		json_t *a = json_array();
		for (size_t i = n; i-- > 0;) {
			char when[40];
			bool known = list[i].damaged != SAFETY_DAMAGED_HEAD;
			json_t *e = json_object();
			date_format_iso(list[i].created, when, sizeof(when));
			json_object_set_new(e, "version",
			                    json_integer(list[i].version));
			json_object_set_new(e, "created",
			                    known ? json_string(when)
			                          : json_null());
			json_object_set_new(e, "id", json_string(list[i].id));
			json_object_set_new(e, "damaged",
			                    json_boolean(list[i].damaged));
			json_array_append_new(a, e);
		}
		rc = print_json(a);
	} else if (n == 0) {
		printf("%s\n", msg_no_plan);
		crisis_put_brief(stdout);
	} else {
		for (size_t i = n; i-- > 0;) {
			char when[32] = "date unknown";
			if (list[i].damaged != SAFETY_DAMAGED_HEAD)
				date_format_local(list[i].created, when,
				                  sizeof(when));
			printf("  %3d  %-16s%s\n", list[i].version, when,
			       history_mark(list, n, i));
		}
		if (n > 1)
			printf("\n'selfhelp safety-plan show --version N' "
			       "shows "
			       "an earlier one.\n");
	}
	free(list);
	if (damaged == 1)
		fail("Version %d of your safety plan could not be read: it is "
		     "damaged or was changed outside selfhelp. It is kept as "
		     "it is.",
		     last_damaged);
	else if (damaged)
		fail("%d versions of your safety plan could not be read: they "
		     "are damaged or were changed outside selfhelp. They are "
		     "kept as they are.",
		     damaged);
	return rc ? rc : damaged ? 1 : 0;
}

/* --- edit --- */

/* All of FILE into *out (wiped and freed by the caller). */
static int
read_file(const char *path, char **out, size_t *len)
{
	if (strcmp(path, "-") == 0)
		return read_stdin_text(out, len);
	FILE *f = fopen(path, "re");
	struct strbuf sb = {0};
	if (!f)
		return fail("Could not read %s (%s).", path, strerror(errno));
	int rc = strbuf_read(&sb, f, SAFETY_TEXT_MAX);
	fclose(f);
	if (rc) {
		bool oom = sb.failed;
		strbuf_release(&sb);
		if (rc > 0)
			return fail("%s is longer than a safety plan can be "
			            "(1 MiB); nothing was changed.",
			            path);
		return oom ? fail("Out of memory.")
		           : fail("Could not read %s.", path);
	}
	*out = strbuf_detach(&sb, len);
	return *out ? 0 : fail("Out of memory.");
}

/* Does edit read the plan from --from or standard input? */
static bool
from_input(const struct popts *o)
{
	return o->from || !isatty(STDIN_FILENO);
}

/* Put `banner` (may be NULL) before the `*len` bytes of *text; the old
 * buffer is wiped. NULL when out of memory (*text is wiped then too). */
static char *
prepend(char *text, size_t *len, const char *banner)
{
	size_t bl = banner ? strlen(banner) : 0;
	char *all = bl ? malloc(bl + *len + 1) : text;
	if (all != text) {
		if (all) {
			memcpy(all, banner, bl);
			memcpy(all + bl, text, *len + 1);
		}
		wipe_free(text, *len);
		*len += bl;
	}
	return all;
}

/*
 * The new plan: from --from, standard input, or the editor (starting
 * from `old`, may be NULL, under `banner`, "# " lines or NULL). Returns 0
 * with *out set, 3 when the person left it as it was (a message is
 * printed), or an exit status.
 */
static int
get_plan(const struct popts *o, const struct safety_plan *old,
         const char *banner, struct safety_plan **out)
{
	char err[SAFETY_ERR_MAX];
	char *text = NULL, *edited = NULL;
	size_t len = 0, elen = 0;
	int rc;
	*out = NULL;
	if (from_input(o)) {
		rc = o->from ? read_file(o->from, &edited, &elen)
		             : read_stdin_text(&edited, &elen);
		if (rc)
			return rc;
		if (!o->from && elen == 0) {
			wipe_free(edited, elen);
			printf("Nothing came on standard input, so nothing was "
			       "saved. --from FILE reads the plan from a file; "
			       "on a terminal your editor opens.\n");
			return 3;
		}
		rc = safety_parse_text(edited, elen, out, err);
		wipe_free(edited, elen);
		if (rc) {
			fail("%s", err);
			return fail("Nothing was changed.");
		}
		return 0;
	}
	text = safety_format_text(old, SAFETY_FORMAT_HINTS, &len);
	if (text)
		text = prepend(text, &len, banner);
	if (!text)
		return fail("Out of memory.");
	for (;;) {
		if ((rc = editor_edit(text, len, &edited, &elen)))
			break;
		if (safety_parse_text(edited, elen, out, err) == 0)
			break;
		fail("%s", err);
		if (!confirm("Open the editor again to fix it?", true)) {
			printf("Your plan was left as it was.\n");
			rc = 3;
			break;
		}
		/* Again from what was written, not from the start. */
		wipe_free(text, len);
		text = edited;
		len = elen;
		edited = NULL;
		elen = 0;
	}
	wipe_free(text, len);
	wipe_free(edited, elen);
	return rc;
}

/*
 * The newest version cannot be read, and `old` (NULL: none reads) is the
 * newest that does, of `newest`: say so on stderr, and in the editor's
 * template (banner, `size` bytes).
 */
static void
say_edit_from(const struct popts *o, const struct safety_plan *old, int newest,
              char *banner, size_t size)
{
	char when[32] = "";
	int skipped = newest - (old ? old->version : 0);
	const char *kept = skipped == 1 ? "the damaged version is kept"
	                                : "the damaged versions are kept";
	if (old)
		date_format_local(old->created, when, sizeof(when));
	if (from_input(o))
		note("%s could not be read (it is damaged or was changed "
		     "outside selfhelp). What you save now becomes your "
		     "current plan; %s.",
		     old ? "The newest version of your safety plan"
		         : "Your safety plan",
		     kept);
	else if (old)
		note("The newest version of your safety plan could not be "
		     "read (it is damaged or was changed outside selfhelp), "
		     "so this starts from version %d, saved %s, the newest "
		     "one that reads. What you save becomes your current "
		     "plan; %s.",
		     old->version, when, kept);
	else
		note("Your safety plan could not be read (it is damaged or "
		     "was changed outside selfhelp), so this starts from an "
		     "empty plan. What you save becomes your current plan; "
		     "%s.",
		     kept);
	if (old)
		snprintf(banner, size,
		         "# The newest version of your plan could not be read: "
		         "it is damaged\n"
		         "# or was changed outside selfhelp. This starts from "
		         "version %d,\n"
		         "# saved %s, the newest one that reads.\n"
		         "# What you save becomes your current plan; %s.\n"
		         "#\n",
		         old->version, when, kept);
	else
		snprintf(banner, size,
		         "# Your plan could not be read: it is damaged or was "
		         "changed outside\n"
		         "# selfhelp. This starts from an empty plan.\n"
		         "# What you save becomes your current plan; %s.\n"
		         "#\n",
		         kept);
}

static int
plan_edit_cmd(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct popts o = {0};
	struct safety_plan *old = NULL, *p = NULL;
	struct vault *v;
	char banner[512];
	int newest = 0;
	size_t versions = 0;
	bool damaged = false;
	int rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!(v = plan_vault(ctx, false, false)))
		return 1;
	/* Never built silently on an older version: when the newest cannot
	 * be read, say so and start from the newest that can. */
	rc = safety_load_newest_readable(v, &old, &newest);
	if (rc == VAULT_OK || rc == VAULT_DAMAGED)
		damaged = !old || old->version < newest;
	else if (rc != VAULT_NOT_FOUND)
		return fail("%s", vault_errmsg(v));
	if (damaged)
		say_edit_from(&o, old, newest, banner, sizeof(banner));
	if ((rc = get_plan(&o, old, damaged ? banner : NULL, &p))) {
		rc = rc == 3 ? 0 : rc;
		goto out;
	}
	if (safety_plan_empty(p)) {
		printf(old && !damaged
		               ? "The plan was empty, so nothing was saved; "
		                 "your plan stays as it was.\n"
		               : "The plan was empty, so nothing was saved.\n");
		goto out;
	}
	/* (With the newest damaged, even the same items are saved: they
	 * become the current plan.) */
	if (old && !damaged && safety_plan_same(old, p)) {
		printf("Nothing changed.\n");
		goto out;
	}
	if (vault_begin(v) || safety_save(v, p, time(NULL)) ||
	    vault_commit(v)) {
		vault_rollback(v);
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	if (count_versions(v, &versions)) {
		rc = fail("%s", vault_errmsg(v));
		goto out;
	}
	if ((size_t)p->version != versions)
		printf("Saved as version %d of %zu; a version dated later "
		       "still counts as the newest ('selfhelp safety-plan "
		       "history' lists them).\n",
		       p->version, versions);
	else if (damaged)
		printf("Saved as version %d; it is now your current plan. The "
		       "earlier versions are kept.\n",
		       p->version);
	else if (old)
		printf("Saved as version %d; the earlier versions are kept.\n",
		       p->version);
	else
		printf("Saved. 'selfhelp safety-plan' shows it. A copy on "
		       "paper, or with the people named in it, keeps it at "
		       "hand when selfhelp is not.\n");
out:
	safety_plan_free(old);
	safety_plan_free(p);
	return rc;
}

static const struct command plan_subs[] = {
        {"show", plan_show_cmd, "your plan (or an earlier version)",
         .opts = show_options},
        {"edit", plan_edit_cmd, "write or change it", .opts = edit_options,
         .help = "Write or change your plan in your editor ($VISUAL/$EDITOR; "
                 "the file stays\nin memory, never on disk). --from FILE, or "
                 "standard input when it is not\na terminal, takes the same "
                 "layout: '## Warning signs' and the other\nheadings, one "
                 "item per '- ' line, '# ' lines are notes.\n"},
        {"history", plan_history_cmd,
         "the versions kept (every saved edit is one)",
         .opts = history_options},
        {0},
};

const struct command safety_plan_command = {
        "safety-plan",
        NULL,
        "your plan for hard moments",
        .help = plan_help,
        .subs = plan_subs,
        .dflt = "show",
};
