/* selfhelp merge: bring another copy of this vault into it. */
#include "cmd.h"
#include "output.h"
#include "vault.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char merge_help[] =
        "Bring into your vault everything from FILE, another copy of the same\n"
        "vault (the one on your other computer, or a backup), so nothing\n"
        "written on either is lost:\n"
        "\n"
        "  - what is only in FILE comes in\n"
        "  - what was changed on one side only: the newer version is kept\n"
        "  - what was changed on both sides since they parted is kept twice,\n"
        "    one of the two as a \"conflict copy\" you can read\n"
        "    and delete when you have chosen\n"
        "  - what was deleted on either side stays deleted\n"
        "\n"
        "FILE is only read. It must be a copy of this vault that opens with\n"
        "this vault's key; anything else is refused, and then nothing "
        "changes.\n"
        "Merging the same copy twice changes nothing the second time.\n";

struct merge_opts {
	bool json;
	bool dry_run;
};
#define O(f) offsetof(struct merge_opts, f)

/* How a kind's records are named in the summary. */
static const struct {
	const char *kind, *one, *many;
} nouns[] = {
        {"journal", "entry", "entries"},
        {"trigger", "trigger record", "trigger records"},
        {"safety-plan", "safety plan version", "safety plan versions"},
        {"rating", "rating", "ratings"},
        {"group", "group note", "group notes"},
};

static void
put_count(FILE *fp, const char *kind, size_t n, bool *first)
{
	const char *one = "record", *many = "records";
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (strcmp(nouns[i].kind, kind) == 0) {
			one = nouns[i].one;
			many = nouns[i].many;
		}
	fprintf(fp, "%s%zu %s", *first ? "" : ", ", n, n == 1 ? one : many);
	*first = false;
}

/* "3 entries, 1 trigger record" for one count of every kind; false when
 * all are 0. */
static bool
put_counts(FILE *fp, const struct vault_merge_summary *s, size_t off,
           const char *before)
{
	bool first = true;
	for (size_t i = 0; i < s->nkinds; i++) {
		size_t n = *(const size_t *)((const char *)&s->kinds[i] + off);
		if (!n)
			continue;
		if (first)
			fputs(before, fp);
		put_count(fp, s->kinds[i].kind, n, &first);
	}
	return !first;
}

static int
print_json_summary(const char *from, const struct merge_opts *o,
                   const struct vault_merge_summary *s)
{
	json_t *kinds = json_object();
	for (size_t i = 0; kinds && i < s->nkinds; i++) {
		const struct vault_merge_kind *k = &s->kinds[i];
		json_object_set_new(
		        kinds, k->kind,
		        json_pack("{s:I, s:I, s:I, s:I, s:I}", "added",
		                  (json_int_t)k->added, "updated",
		                  (json_int_t)k->updated, "conflict_copies",
		                  (json_int_t)k->conflicts, "deleted",
		                  (json_int_t)k->deleted, "kept_deleted",
		                  (json_int_t)k->kept_deleted));
	}
	json_t *root =
	        json_pack("{s:s, s:b, s:b, s:o, s:I}", "from", from, "dry_run",
	                  o->dry_run, "changed", s->changed, "kinds", kinds,
	                  "waiting_not_read", (json_int_t)s->waiting_unread);
	if (root) {
		json_object_set_new(root, "written_while_locked",
		                    json_integer((json_int_t)s->locked_writes));
		json_object_set_new(root, "other_passphrase",
		                    json_boolean(s->other_passphrase));
		json_object_set_new(root, "passphrase_taken",
		                    json_boolean(s->passphrase_taken));
		json_object_set_new(root, "recovery_code_taken",
		                    json_boolean(s->recovery_taken));
	}
	if (!root)
		return fail("Out of memory.");
	return print_json(root);
}

static void
print_summary(const char *from, const struct merge_opts *o,
              const struct vault_merge_summary *s)
{
	if (!s->changed)
		printf("Nothing new in %s: this vault already holds everything "
		       "in it.\n",
		       from);
	else
		printf(o->dry_run ? "Merging %s would bring in what it holds "
		                    "(nothing was changed yet):\n"
		                  : "Merged %s into this vault:\n",
		       from);
	if (put_counts(stdout, s, offsetof(struct vault_merge_kind, added),
	               "  came in: "))
		putchar('\n');
	if (put_counts(stdout, s, offsetof(struct vault_merge_kind, updated),
	               "  newer there, so updated here: "))
		putchar('\n');
	if (put_counts(stdout, s, offsetof(struct vault_merge_kind, deleted),
	               "  deleted there, so deleted here too: "))
		putchar('\n');
	if (put_counts(stdout, s, offsetof(struct vault_merge_kind, conflicts),
	               "  edited on both computers, so kept twice: ")) {
		putchar('\n');
		printf("    The other version is marked \"conflict copy\"; "
		       "read both and delete the one you no longer need.\n");
	}
	if (put_counts(stdout, s,
	               offsetof(struct vault_merge_kind, kept_deleted),
	               "  changed there but deleted here, so they stay "
	               "deleted: "))
		putchar('\n');
	if (s->locked_writes)
		printf("  %zu of what came in %s written while that copy was "
		       "locked.\n",
		       s->locked_writes,
		       s->locked_writes == 1 ? "was" : "were");
	if (s->waiting_unread)
		printf("  %zu record%s waiting in that copy could not be read "
		       "and %s left there.\n",
		       s->waiting_unread, s->waiting_unread == 1 ? "" : "s",
		       s->waiting_unread == 1 ? "was" : "were");
	if (s->passphrase_taken)
		printf(o->dry_run
		               ? "  The passphrase set on the other computer "
		                 "would open this vault from then on.\n"
		               : "  The passphrase set on the other computer "
		                 "opens this vault from now on; the old one "
		                 "no longer does.\n");
	if (s->recovery_taken)
		printf(o->dry_run
		               ? "  The recovery code as changed on the other "
		                 "computer would be this vault's too.\n"
		               : "  The recovery code as changed on the other "
		                 "computer is this vault's too.\n");
	if (s->other_passphrase)
		printf("That copy opens with another passphrase than this "
		       "vault, and both were set since the copies parted, so "
		       "this vault keeps its own.\nIf you want the other one "
		       "here, 'selfhelp passwd' sets it.\n");
}

static int
cmd_merge(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct merge_opts o = {0};
	struct vault_merge_summary sum;
	struct opt_words w;
	struct vault *v;
	int rc = opt_parse(argc, argv, &o, &w);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (w.n != 1)
		return usage_error(w.n ? "'merge' takes one copy at a time."
		                       : "'merge' needs the copy of the vault "
		                         "to bring in.");
	const char *from = w.v[0];
	if (strcmp(from, "-") == 0)
		return usage_error("A copy of the vault is a file of its own; "
		                   "give its name.");
	if (!(v = ctx_vault(ctx)))
		return 1;
	if (vault_merge(v, from, o.dry_run, &sum))
		return fail("%s", vault_errmsg(v));
	if (o.json)
		return print_json_summary(from, &o, &sum);
	print_summary(from, &o, &sum);
	return 0;
}

static const struct opt merge_options[] = {
        {"dry-run", 'n', OPT_FLAG, O(dry_run), NULL,
         .help = "say what would come in, and change nothing"},
        {"json", 0, OPT_FLAG, O(json), NULL,
         .help = "say what came in as JSON"},
        {0},
};

const struct command merge_command = {
        "merge",
        cmd_merge,
        "bring in another copy of this vault",
        .args = "FILE",
        .opts = merge_options,
        .help = merge_help,
        .hint = HINT_FILES,
        .flags = CMD_GROUP_DATA,
};
