/*
 * lib/group.c: check-ins and reflections in the vault, the linking rule,
 * their JSON (--json and the export codec) and the `group edit` layout.
 */
#include "harness.h"

#include "fixture.h"

#include "group.h"
#include "journal.h"
#include "transfer.h"
#include "vault.h"

#include <sodium.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* 2026-11-24 00:00:00 UTC, a Tuesday; the tests run with TZ=UTC. */
static const time_t DAY = 1795478400;
enum { HOUR = 3600 };

static char path[FIXTURE_PATH_MAX], path_b[FIXTURE_PATH_MAX];

static int
setup(void **state)
{
	fixture_setup(state);
	fixture_path(path, "vault.db");
	fixture_path(path_b, "b.db");
	return 0;
}

static struct vault *
make_vault(const char *p)
{
	return fixture_vault(p, "pass");
}

static void
set_text(struct group_record *r, enum group_text t, const char *s)
{
	assert_int_equal(record_set_text(group_text_field(t), r, s),
	                 RECORD_PROBLEM_NONE);
}

/* A check-in with every field set. */
static void
full_prepare(struct group_record *r, time_t when)
{
	record_init(&group_kind, r, GROUP_PREPARE);
	r->when = when;
	r->before = 6;
	r->state = TRIGGER_TOO_MUCH;
	set_text(r, GROUP_BRING, "the letter to my sister");
	set_text(r, GROUP_NEED, "a quiet start");
	set_text(r, GROUP_BOUNDARY, "I leave at nine");
	set_text(r, GROUP_IF_TOO_MUCH, "Feet on the floor\nthen step out");
	r->has_body = true;
}

/* A reflection with every field set. */
static void
full_reflect(struct group_record *r, time_t when)
{
	record_init(&group_kind, r, GROUP_REFLECT);
	r->when = when;
	r->after = 3;
	r->state = TRIGGER_OKAY;
	r->closeness = GROUP_TOO_FAR;
	r->kept = GROUP_KEPT_PARTLY;
	set_text(r, GROUP_MOVED, "someone's laugh \"at last\"");
	set_text(r, GROUP_TRIGGERED, "a raised voice");
	set_text(r, GROUP_CONTRIBUTED, "I listened");
	set_text(r, GROUP_NEXT, "ask for time");
	set_text(r, GROUP_KIND_WORDS, "I went, and that counts 🌿");
	r->has_body = true;
}

static void
names(void **state)
{
	int c, k;
	assert_int_equal(
	        record_choice_parse(GROUP_CLOSENESS_FIELD, "Too Close", &c), 0);
	assert_int_equal(c, GROUP_TOO_CLOSE);
	assert_int_equal(
	        record_choice_parse(GROUP_CLOSENESS_FIELD, "about_right", &c),
	        0);
	assert_int_equal(c, GROUP_ABOUT_RIGHT);
	assert_int_equal(
	        record_choice_parse(GROUP_CLOSENESS_FIELD, "right", &c), 0);
	assert_int_equal(c, GROUP_ABOUT_RIGHT);
	assert_int_equal(
	        record_choice_parse(GROUP_CLOSENESS_FIELD, "too-far", &c), 0);
	assert_int_equal(c, GROUP_TOO_FAR);
	assert_int_equal(
	        record_choice_parse(GROUP_CLOSENESS_FIELD, "far away", &c), -1);
	assert_int_equal(record_choice_parse(GROUP_CLOSENESS_FIELD, "", &c),
	                 -1);

	const struct {
		const char *in;
		int want;
	} kept[] = {
	        {"yes", GROUP_KEPT_YES},
	        {"Y", GROUP_KEPT_YES},
	        {"partly", GROUP_KEPT_PARTLY},
	        {"No", GROUP_KEPT_NO},
	        {"didn't come up", GROUP_KEPT_NOT_TESTED},
	        {"didn\xe2\x80\x99t come up", GROUP_KEPT_NOT_TESTED},
	        {"didnt-come-up", GROUP_KEPT_NOT_TESTED},
	        {"did-not-come-up", GROUP_KEPT_NOT_TESTED},
	        {"  It didn't come up ", GROUP_KEPT_NOT_TESTED},
	};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (record_choice_parse(GROUP_KEPT_FIELD, kept[i].in, &k) !=
		            0 ||
		    k != kept[i].want)
			fail_msg("kept '%s'", kept[i].in);
	}
	assert_int_equal(record_choice_parse(GROUP_KEPT_FIELD, "maybe", &k),
	                 -1);
	assert_int_equal(
	        record_choice_parse(GROUP_KEPT_FIELD,
	                            "a very long answer that is no name", &k),
	        -1);

	assert_string_equal(record_choice_name(GROUP_KEPT_FIELD,
	                                       (int)GROUP_KEPT_NOT_TESTED),
	                    "did-not-come-up");
	assert_string_equal(record_choice_words(GROUP_KEPT_FIELD,
	                                        (int)GROUP_KEPT_NOT_TESTED),
	                    "it didn't come up");
	assert_null(record_choice_name(GROUP_KEPT_FIELD, (int)GROUP_KEPT_NONE));
	assert_string_equal(record_choice_words(GROUP_CLOSENESS_FIELD,
	                                        (int)GROUP_ABOUT_RIGHT),
	                    "about right");
	assert_null(record_choice_name(GROUP_CLOSENESS_FIELD,
	                               (int)GROUP_CLOSENESS_NONE));
	assert_string_equal(
	        record_choice_name(record_field_json(&group_kind, "type"),
	                           GROUP_REFLECT),
	        "reflect");
	assert_string_equal(group_text_field(GROUP_IF_TOO_MUCH)->json,
	                    "if_too_much");
	assert_string_equal(group_text_field(GROUP_KIND_WORDS)->key,
	                    "kind-words");
	assert_int_equal(group_text_type(GROUP_BOUNDARY), GROUP_PREPARE);
	assert_int_equal(group_text_type(GROUP_TRIGGERED), GROUP_REFLECT);

	struct group_record r;
	record_init(&group_kind, &r, GROUP_PREPARE);
	assert_false(record_has_fields(&group_kind, &r));
	assert_int_equal(
	        record_set_text(group_text_field(GROUP_NEED), &r, "  \n "),
	        RECORD_PROBLEM_NONE);
	assert_null(r.text[GROUP_NEED]);
	assert_int_equal(
	        record_set_text(group_text_field(GROUP_NEED), &r, "a\033[2Jb"),
	        RECORD_PROBLEM_CONTROL);
	assert_int_equal(
	        record_set_text(group_text_field(GROUP_NEED), &r, "  space  "),
	        RECORD_PROBLEM_NONE);
	assert_string_equal(r.text[GROUP_NEED], "space");
	assert_true(record_has_fields(&group_kind, &r));
	record_release(&group_kind, &r);
	assert_int_equal(r.type, GROUP_PREPARE);
}

static void
vault_roundtrip(void **state)
{
	struct vault *v = make_vault(path);
	struct group_record p, q, *back = NULL;
	full_prepare(&p, DAY + 18 * HOUR);
	full_reflect(&q, DAY + 21 * HOUR);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        record_add(v, &group_kind, &p, false, DAY + 18 * HOUR + 5), 0);
	assert_int_equal(
	        record_add(v, &group_kind, &q, false, DAY + 21 * HOUR + 5), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_true(vault_id_ok(p.id) && vault_id_ok(q.id));
	assert_int_equal(p.created, DAY + 18 * HOUR + 5);

	assert_int_equal(record_get(v, &group_kind, p.id, (void **)&back), 0);
	assert_true(record_same(&group_kind, &p, back));
	assert_int_equal(back->created, p.created);
	assert_true(back->has_body);
	assert_string_equal(back->text[GROUP_IF_TOO_MUCH],
	                    "Feet on the floor\nthen step out");
	record_free(&group_kind, back);
	assert_int_equal(record_get(v, &group_kind, q.id, (void **)&back), 0);
	assert_true(record_same(&group_kind, &q, back));
	assert_int_equal(back->kept, GROUP_KEPT_PARTLY);
	/* update: a field cleared, another changed */
	assert_int_equal(
	        record_set_text(group_text_field(GROUP_NEXT), back, ""),
	        RECORD_PROBLEM_NONE);
	back->after = 10;
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_update(v, &group_kind, back, DAY + 22 * HOUR),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	struct group_record *again = NULL;
	assert_int_equal(record_get(v, &group_kind, q.id, (void **)&again), 0);
	assert_true(record_same(&group_kind, back, again));
	assert_null(again->text[GROUP_NEXT]);
	assert_int_equal(again->updated, DAY + 22 * HOUR);
	assert_int_equal(again->created, q.created);
	record_free(&group_kind, again);
	record_free(&group_kind, back);

	/* an id of another kind is not a group record */
	char jid[VAULT_ID_HEX + 1];
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(journal_add(v, "x", 1, 3, NULL, 0, DAY, jid), 0);
	assert_int_equal(vault_commit(v), 0);
	assert_int_equal(record_get(v, &group_kind, jid, (void **)&back),
	                 VAULT_NOT_FOUND);

	/* the list: newest first, bodies only when asked, links set */
	struct group_record **list;
	size_t n;
	struct group_filter f = {0};
	assert_int_equal(group_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0]->id, q.id);
	assert_string_equal(list[0]->link, p.id);
	assert_string_equal(list[1]->link, q.id);
	assert_false(list[1]->has_body);
	/* the boundary is in the head, for listing and reflecting */
	assert_string_equal(list[1]->text[GROUP_BOUNDARY], "I leave at nine");
	assert_null(list[1]->text[GROUP_NEED]);
	assert_ptr_equal(group_find(list, n, p.id), list[1]);
	assert_null(group_find(list, n, jid));
	group_records_free(list, n);
	record_release(&group_kind, &p);
	record_release(&group_kind, &q);
	vault_free(v);
}

static void
sealed_writes(void **state)
{
	struct vault *v = make_vault(path), *w = NULL;
	struct group_record p, q;
	char *err = NULL;
	full_prepare(&p, DAY + 18 * HOUR);
	full_reflect(&q, DAY + 21 * HOUR);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &group_kind, &p, false, DAY + 18 * HOUR),
	                 0);
	assert_int_equal(vault_commit(v), 0);
	vault_free(v);
	/* locked: sealed to the public key, no passphrase */
	assert_int_equal(vault_open(path, &w, &err), 0);
	assert_int_equal(vault_begin(w), 0);
	assert_int_equal(record_add(w, &group_kind, &q, true, DAY + 21 * HOUR),
	                 0);
	assert_int_equal(vault_commit(w), 0);
	size_t waiting = 0, folded = 0;
	assert_int_equal(vault_rows_after(w, 1, &waiting), 0);
	assert_int_equal(waiting, 1);
	assert_int_equal(vault_unlock(w, "pass", 4), 0);
	assert_int_equal(vault_fold_sealed(w, &folded), 0);
	assert_int_equal(folded, 1);
	/* it links like any other, though it was written blind */
	struct group_record **list;
	size_t n;
	struct group_filter f = {.with_body = true};
	assert_int_equal(group_list(w, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0]->id, q.id);
	assert_true(record_same(&group_kind, list[0], &q));
	assert_string_equal(list[0]->link, p.id);
	group_records_free(list, n);
	record_release(&group_kind, &p);
	record_release(&group_kind, &q);
	vault_free(w);
}

/* A bare record for the linking rule. */
static struct group_record *
ev(enum group_type t, time_t when, const char *id)
{
	struct group_record *r = malloc(sizeof(*r));
	assert_non_null(r);
	record_init(&group_kind, r, t);
	r->when = when;
	snprintf(r->id, sizeof(r->id), "%s", id);
	return r;
}

#define P(h, id) ev(GROUP_PREPARE, DAY + (time_t)((h)*HOUR), id)
#define R(h, id) ev(GROUP_REFLECT, DAY + (time_t)((h)*HOUR), id)

/* Link list (n records) in every rotation of its order, and check that
 * record i is linked to want[i] ("" for none). */
static void
check_links(struct group_record **list, size_t n, const char *const *want)
{
	struct group_record *rot[16];
	assert_true(n <= 16);
	for (size_t s = 0; s < n; s++) {
		for (size_t i = 0; i < n; i++)
			rot[i] = list[(i + s) % n];
		/* stale links are cleared */
		for (size_t i = 0; i < n; i++)
			snprintf(rot[i]->link, sizeof(rot[i]->link), "stale");
		assert_int_equal(group_link(rot, n), 0);
		for (size_t i = 0; i < n; i++)
			if (strcmp(list[i]->link, want[i]) != 0)
				fail_msg("rotation %zu: %s is linked to '%s', "
				         "not '%s'",
				         s, list[i]->id, list[i]->link,
				         want[i]);
	}
	for (size_t i = 0; i < n; i++)
		record_free(&group_kind, list[i]);
}

static void
linking(void **state)
{
	{ /* the plain case: before and after one meeting */
		struct group_record *l[] = {P(18, "p"), R(21, "r")};
		const char *want[] = {"r", "p"};
		check_links(l, 2, want);
	}
	{ /* another day does not link */
		struct group_record *l[] = {P(18, "p"), R(24 + 9, "r")};
		const char *want[] = {"", ""};
		check_links(l, 2, want);
	}
	{ /* a reflection before the check-in of the day does not link */
		struct group_record *l[] = {R(9, "r"), P(18, "p")};
		const char *want[] = {"", ""};
		check_links(l, 2, want);
	}
	{ /* two meetings on one day pair up in order */
		struct group_record *l[] = {P(10, "p1"), R(12, "r1"),
		                            P(18, "p2"), R(21, "r2")};
		const char *want[] = {"r1", "p1", "r2", "p2"};
		check_links(l, 4, want);
	}
	{ /* a second reflection finds the check-in answered */
		struct group_record *l[] = {P(18, "p"), R(21, "r"),
		                            R(22, "r2")};
		const char *want[] = {"r", "p", ""};
		check_links(l, 3, want);
	}
	{ /* of two check-ins, the later one is answered */
		struct group_record *l[] = {P(17, "p1"), P(18, "p2"),
		                            R(21, "r")};
		const char *want[] = {"", "r", "p2"};
		check_links(l, 3, want);
	}
	{ /* made in the same second: the check-in comes first */
		struct group_record *l[] = {R(19, "r"), P(19, "p")};
		const char *want[] = {"p", "r"};
		check_links(l, 2, want);
	}
	{ /* just before and just after midnight are two days */
		struct group_record *l[] = {P(23.5, "p"), R(24.25, "r")};
		const char *want[] = {"", ""};
		check_links(l, 2, want);
	}
	{ /* nothing at all */
		assert_int_equal(group_link(NULL, 0), 0);
	}

	/* The record a new reflection would link to. */
	struct group_record *l[] = {P(10, "p1"), R(12, "r1"), P(18, "p2"),
	                            P(24 + 18, "p3")};
	assert_ptr_equal(group_link_for(l, 4, DAY + 21 * HOUR), l[2]);
	assert_ptr_equal(group_link_for(l, 4, DAY + 18 * HOUR), l[2]);
	/* between p1 and its reflection r1: p1 (r1 is not yet made then) */
	assert_ptr_equal(group_link_for(l, 4, DAY + 11 * HOUR), l[0]);
	/* after r1, before p2: p1 is answered */
	assert_null(group_link_for(l, 4, DAY + 13 * HOUR));
	/* before anything that day */
	assert_null(group_link_for(l, 4, DAY + 9 * HOUR));
	/* the next day, before p3 */
	assert_null(group_link_for(l, 4, DAY + 30 * HOUR));
	assert_ptr_equal(group_link_for(l, 4, DAY + 43 * HOUR), l[3]);
	assert_null(group_link_for(l, 0, DAY));
	for (size_t i = 0; i < 4; i++)
		record_free(&group_kind, l[i]);
}

static void
count(void *arg, const char *id)
{
	(*(int *)arg)++;
}

static void
list_filters(void **state)
{
	struct vault *v = make_vault(path);
	struct group_record a, b, c;
	struct group_record **list;
	size_t n;
	int damaged = 0;
	full_prepare(&a, DAY + 18 * HOUR);
	full_reflect(&b, DAY + 21 * HOUR);
	full_prepare(&c, DAY + 7 * 24 * HOUR);
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &group_kind, &a, false, DAY), 0);
	assert_int_equal(record_add(v, &group_kind, &b, false, DAY), 0);
	assert_int_equal(record_add(v, &group_kind, &c, false, DAY), 0);
	assert_int_equal(vault_commit(v), 0);
	/* since 20:00: only the reflection, still linked to the check-in
	 * before the period */
	struct group_filter f = {.since = DAY + 20 * HOUR,
	                         .until = DAY + 2 * 24 * HOUR};
	assert_int_equal(group_list(v, &f, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0]->id, b.id);
	assert_string_equal(list[0]->link, a.id);
	group_records_free(list, n);
	struct group_filter g = {.until = DAY + 19 * HOUR};
	assert_int_equal(group_list(v, &g, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0]->id, a.id);
	group_records_free(list, n);
	struct group_filter none = {.since = DAY + 30 * 24 * HOUR};
	assert_int_equal(group_list(v, &none, &list, &n, NULL, NULL), 0);
	assert_int_equal(n, 0);
	group_records_free(list, n);

	/* a record that does not decode is reported and left out */
	const char bad[] = "{\"v\":1,\"type\":\"elsewhen\",\"when\":1}";
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(
	        vault_put(v, NULL, GROUP_KIND, bad, strlen(bad), "{}", 2, NULL),
	        0);
	assert_int_equal(vault_commit(v), 0);
	struct group_filter all = {0};
	assert_int_equal(group_list(v, &all, &list, &n, count, &damaged), 0);
	assert_int_equal(n, 3);
	assert_int_equal(damaged, 1);
	group_records_free(list, n);
	record_release(&group_kind, &a);
	record_release(&group_kind, &b);
	record_release(&group_kind, &c);
	vault_free(v);
}

static bool
file_has(const char *p, const char *marker)
{
	FILE *fp = fopen(p, "rb");
	if (!fp)
		return false;
	size_t cap = 1 << 20, len = 0, k;
	char *buf = malloc(cap);
	while (buf && (k = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += k;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(fp);
	bool found = buf && memmem(buf, len, marker, strlen(marker));
	free(buf);
	return found;
}

static void
no_plaintext_on_disk(void **state)
{
	struct vault *v = make_vault(path);
	struct group_record p, q;
	record_init(&group_kind, &p, GROUP_PREPARE);
	p.when = DAY;
	p.state = TRIGGER_TOO_LITTLE;
	set_text(&p, GROUP_BOUNDARY, "BOUNDARYMARK4711");
	set_text(&p, GROUP_NEED, "NEEDMARK0815");
	record_init(&group_kind, &q, GROUP_REFLECT);
	q.when = DAY + HOUR;
	q.closeness = GROUP_TOO_CLOSE;
	set_text(&q, GROUP_TRIGGERED, "TRIGGEREDMARK2323");
	set_text(&q, GROUP_KIND_WORDS, "KINDMARK4242");
	assert_int_equal(vault_begin(v), 0);
	assert_int_equal(record_add(v, &group_kind, &p, false, DAY), 0);
	assert_int_equal(record_add(v, &group_kind, &q, true, DAY),
	                 0); /* sealed too */
	assert_int_equal(vault_commit(v), 0);
	char wal[320];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	const char *markers[] = {"BOUNDARYMARK4711",  "NEEDMARK0815",
	                         "TRIGGEREDMARK2323", "KINDMARK4242",
	                         "too-little",        "too-close",
	                         "\"boundary\"",      "reflect"};
	for (size_t i = 0; i < sizeof(markers) / sizeof(*markers); i++) {
		assert_false(file_has(path, markers[i]));
		assert_false(file_has(wal, markers[i]));
	}
	vault_free(v);
	for (size_t i = 0; i < sizeof(markers) / sizeof(*markers); i++)
		assert_false(file_has(path, markers[i]));
	record_release(&group_kind, &p);
	record_release(&group_kind, &q);
}

/* record_fields_json, then record_fields_read: the same record. */
static void
json_roundtrip(void **state)
{
	struct group_record recs[2], back;
	char err[256];
	full_prepare(&recs[0], DAY + 18 * HOUR);
	full_reflect(&recs[1], DAY + 21 * HOUR);
	for (int i = 0; i < 2; i++) {
		json_t *o = json_object();
		assert_int_equal(
		        record_fields_json(&group_kind, &recs[i], o, 0), 0);
		/* only the fields of its own type */
		assert_true(json_object_size(o) == (i ? 11u : 8u));
		assert_string_equal(
		        json_string_value(json_object_get(o, "when")),
		        i ? "2026-11-24T21:00:00+00:00"
		          : "2026-11-24T18:00:00+00:00");
		assert_int_equal(record_fields_read(&group_kind, o, &back, err,
		                                    sizeof(err)),
		                 0);
		assert_true(record_same(&group_kind, &recs[i], &back));
		record_release(&group_kind, &back);
		json_decref(o);
	}
	const char *first_keys[] = {"type", "when", "after", "state", "moved"};
	json_t *o = json_object();
	assert_int_equal(record_fields_json(&group_kind, &recs[1], o, 0), 0);
	void *it = json_object_iter(o);
	for (int i = 0; i < 5; i++, it = json_object_iter_next(o, it))
		assert_string_equal(json_object_iter_key(it), first_keys[i]);
	json_decref(o);

	/* what does not read, and the clause that says so */
	const struct {
		const char *doc, *want;
	} bad[] = {
	        {"{\"when\":\"2026-11-24T18:00:00Z\"}", "\"type\" is missing"},
	        {"{\"type\":\"before\",\"when\":\"2026-11-24T18:00:00Z\"}",
	         "\"prepare\" or \"reflect\""},
	        {"{\"type\":\"prepare\"}", "\"when\" is missing"},
	        {"{\"type\":\"prepare\",\"when\":\"yesterday\"}",
	         "a time like"},
	        {"{\"type\":\"prepare\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"before\":12}",
	         "\"before\" is 12; distress is a whole number from 0 to 10"},
	        {"{\"type\":\"prepare\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"after\":2}",
	         "\"after\" belongs to a reflection after a meeting, and this "
	         "record is a check-in before a meeting"},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"boundary\":\"x\"}",
	         "\"boundary\" belongs to a check-in"},
	        {"{\"type\":\"prepare\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"kept\":\"yes\"}",
	         "\"kept\" belongs to a reflection"},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"closeness\":\"near\"}",
	         "\"too-close\", \"about-right\" or \"too-far\""},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"kept\":3}",
	         "\"kept\" is a number"},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"moved\":[\"a\"]}",
	         "\"moved\" is a list"},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"moved\":\"a\\u001b[2Jb\"}",
	         "\"moved\" holds control characters"},
	        {"{\"type\":\"reflect\",\"when\":\"2026-11-24T18:00:00Z\","
	         "\"moved\":\"a\\u0000b\"}",
	         "\"moved\" is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t jerr;
		json_t *doc = json_loads(bad[i].doc, JSON_ALLOW_NUL, &jerr);
		assert_non_null(doc);
		back.before = 99;
		if (record_fields_read(&group_kind, doc, &back, err,
		                       sizeof(err)) != -1)
			fail_msg("case %zu was read: %s", i, bad[i].doc);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: expected '%s' in '%s'", i,
			         bad[i].want, err);
		assert_int_equal(back.before, GROUP_NO_RATING); /* released */
		assert_null(strstr(err, "invalid"));
		assert_null(strstr(err, "wrong"));
		json_decref(doc);
	}
	/* null for a field of the other type is fine */
	json_error_t jerr;
	json_t *doc = json_loads("{\"type\":\"reflect\",\"when\":"
	                         "\"2026-11-24T18:00:00+01:00\",\"before\":"
	                         "null,\"kept\":\"didn't come up\"}",
	                         0, &jerr);
	assert_int_equal(
	        record_fields_read(&group_kind, doc, &back, err, sizeof(err)),
	        0);
	assert_int_equal(back.when, DAY + 17 * HOUR);
	assert_int_equal(back.kept, GROUP_KEPT_NOT_TESTED);
	json_decref(doc);
	record_release(&group_kind, &back);
	record_release(&group_kind, &recs[0]);
	record_release(&group_kind, &recs[1]);
}

static void
free_json_str(char *s)
{
	json_malloc_t m;
	json_free_t f;
	json_get_alloc_funcs(&m, &f);
	f(s);
}

/* Export a vault with group records, import into a fresh one: the same
 * records, as real fields; check reads them all. */
static void
export_roundtrip(void **state)
{
	struct vault *a = make_vault(path), *b = make_vault(path_b);
	struct group_record p, q, e;
	char err[TRANSFER_ERR_MAX];
	full_prepare(&p, DAY + 18 * HOUR);
	full_reflect(&q, DAY + 21 * HOUR);
	record_init(&group_kind, &e, GROUP_REFLECT); /* nothing but the time */
	e.when = DAY + 22 * HOUR;
	assert_int_equal(vault_begin(a), 0);
	assert_int_equal(record_add(a, &group_kind, &p, false, DAY + 18 * HOUR),
	                 0);
	assert_int_equal(record_add(a, &group_kind, &q, false, DAY + 21 * HOUR),
	                 0);
	assert_int_equal(record_add(a, &group_kind, &e, false, DAY + 22 * HOUR),
	                 0);
	assert_int_equal(vault_commit(a), 0);

	struct transfer_check_result res;
	assert_int_equal(transfer_check(a, &res, err), 0);
	assert_int_equal(res.fine, 3);
	assert_int_equal(res.ndamaged, 0);
	transfer_check_release(&res);

	json_t *doc;
	assert_int_equal(transfer_export(a, NULL, DAY + 23 * HOUR, &doc, NULL,
	                                 NULL, err),
	                 0);
	json_t *recs = json_object_get(doc, "records");
	assert_int_equal(json_array_size(recs), 3);
	json_t *r0 = json_array_get(recs, 0);
	assert_string_equal(json_string_value(json_object_get(r0, "kind")),
	                    "group");
	assert_string_equal(json_string_value(json_object_get(r0, "boundary")),
	                    "I leave at nine");
	assert_null(json_object_get(r0, "head")); /* not the raw form */
	json_t *r1 = json_array_get(recs, 1);
	assert_string_equal(json_string_value(json_object_get(r1, "kept")),
	                    "partly");
	assert_string_equal(
	        json_string_value(json_object_get(r1, "kind_words")),
	        "I went, and that counts 🌿");

	struct strbuf md = {0};
	assert_int_equal(transfer_markdown(doc, &md, err), 0);
	assert_non_null(strstr(md.p, "Group meeting"));
	assert_non_null(strstr(md.p, "**My boundary for today:** I leave at "
	                             "nine"));
	assert_non_null(strstr(md.p, "**Kept my boundary:** partly"));
	assert_non_null(strstr(md.p, "**Arriving:** distress 6, too much"));
	strbuf_release(&md);

	char *s = json_dumps(doc, JSON_INDENT(2));
	assert_non_null(s);
	json_decref(doc);
	struct transfer_doc *d;
	struct transfer_result ir;
	assert_int_equal(transfer_parse(s, strlen(s), &d, err), 0);
	assert_int_equal(vault_begin(b), 0);
	assert_int_equal(transfer_import(b, d, &ir, err), 0);
	assert_int_equal(vault_commit(b), 0);
	assert_int_equal(ir.added, 3);
	transfer_doc_free(d);
	/* again: every record is there already, the same */
	assert_int_equal(transfer_parse(s, strlen(s), &d, err), 0);
	assert_int_equal(vault_begin(b), 0);
	assert_int_equal(transfer_import(b, d, &ir, err), 0);
	assert_int_equal(vault_commit(b), 0);
	assert_int_equal(ir.added, 0);
	assert_int_equal(ir.skipped, 3);
	transfer_doc_free(d);
	free_json_str(s);

	struct group_record *back;
	assert_int_equal(record_get(b, &group_kind, p.id, (void **)&back), 0);
	assert_true(record_same(&group_kind, &p, back));
	assert_int_equal(back->created, p.created);
	record_free(&group_kind, back);
	assert_int_equal(record_get(b, &group_kind, q.id, (void **)&back), 0);
	assert_true(record_same(&group_kind, &q, back));
	record_free(&group_kind, back);
	assert_int_equal(record_get(b, &group_kind, e.id, (void **)&back), 0);
	assert_true(record_same(&group_kind, &e, back));
	record_free(&group_kind, back);

	/* an import that mixes the types is refused, naming the field */
	const char mixed[] =
	        "{\"selfhelp_export\":1,\"records\":[{\"id\":"
	        "\"0123456789abcdef0123456789abcdef\",\"kind\":\"group\","
	        "\"created\":\"2026-11-24T18:00:00Z\",\"type\":\"prepare\","
	        "\"when\":\"2026-11-24T18:00:00Z\",\"moved\":\"x\"}]}";
	assert_int_equal(transfer_parse(mixed, strlen(mixed), &d, err),
	                 TRANSFER_UNREADABLE);
	assert_non_null(strstr(err, "\"moved\" belongs to a reflection"));
	const char unknown[] =
	        "{\"selfhelp_export\":1,\"records\":[{\"id\":"
	        "\"0123456789abcdef0123456789abcdef\",\"kind\":\"group\","
	        "\"created\":\"2026-11-24T18:00:00Z\",\"type\":\"prepare\","
	        "\"when\":\"2026-11-24T18:00:00Z\",\"mood\":3}]}";
	assert_int_equal(transfer_parse(unknown, strlen(unknown), &d, err),
	                 TRANSFER_NEWER);
	assert_non_null(strstr(err, "\"mood\""));

	record_release(&group_kind, &p);
	record_release(&group_kind, &q);
	record_release(&group_kind, &e);
	vault_free(a);
	vault_free(b);
}

static void
edit_layout_roundtrip(void **state)
{
	struct group_record recs[2], back;
	size_t len;
	char err[256];
	full_prepare(&recs[0], DAY + 18 * HOUR + 7); /* seconds are kept */
	full_reflect(&recs[1], DAY + 21 * HOUR + 7);
	set_text(&recs[1], GROUP_MOVED, "first line\nsecond\n\n  indented");
	memcpy(recs[0].id, "0123456789abcdef0123456789abcdef",
	       VAULT_ID_HEX + 1);
	for (int i = 0; i < 2; i++) {
		char *text = record_format_text(&group_kind, &recs[i], &len);
		assert_non_null(text);
		if (i == 0) {
			assert_non_null(strstr(text,
			                       "# Check-in before a group "
			                       "meeting 01234567."));
			assert_non_null(strstr(text, "\nbefore: 6\n"));
			assert_non_null(strstr(text, "\nboundary: I leave at "
			                             "nine\n"));
			assert_non_null(strstr(text,
			                       "\nif-too-much: Feet on the "
			                       "floor\n  then step out\n"));
			assert_null(strstr(text, "\nmoved:"));
		} else {
			assert_non_null(strstr(text, "\nafter: 3\n"));
			assert_non_null(strstr(text, "\ncloseness: too-far\n"));
			assert_non_null(strstr(text, "\nkept: partly\n"));
			assert_non_null(strstr(text,
			                       "\nmoved: first line\n  "
			                       "second\n\n    indented\n"));
			assert_null(strstr(text, "\nbefore:"));
		}
		assert_int_equal(record_parse_text(&group_kind, text, len,
		                                   &recs[i], DAY, &back, err,
		                                   sizeof(err)),
		                 0);
		assert_true(record_same(&group_kind, &recs[i], &back));
		assert_int_equal(back.when, recs[i].when);
		assert_string_equal(back.id, recs[i].id);
		assert_true(back.has_body);
		record_release(&group_kind, &back);
		sodium_memzero(text, len);
		free(text);
	}

	/* hand-written: any case, aliases, fields cleared when left out */
	const char typed[] = "# a comment\n"
	                     "When: 2026-11-25 19:30\n"
	                     "AFTER: 10\n"
	                     "state: Too Little\n"
	                     "closeness: about right\n"
	                     "kept: didn't come up\n"
	                     "kind: I showed up\n"
	                     "triggered:\n";
	assert_int_equal(record_parse_text(&group_kind, typed, strlen(typed),
	                                   &recs[1], DAY, &back, err,
	                                   sizeof(err)),
	                 0);
	assert_int_equal(back.when, DAY + 24 * HOUR + 19 * HOUR + 30 * 60);
	assert_int_equal(back.after, 10);
	assert_int_equal(back.state, TRIGGER_TOO_LITTLE);
	assert_int_equal(back.closeness, GROUP_ABOUT_RIGHT);
	assert_int_equal(back.kept, GROUP_KEPT_NOT_TESTED);
	assert_string_equal(back.text[GROUP_KIND_WORDS], "I showed up");
	assert_null(back.text[GROUP_TRIGGERED]);
	assert_null(back.text[GROUP_MOVED]);
	assert_int_equal(back.type, GROUP_REFLECT);
	record_release(&group_kind, &back);

	const struct {
		const char *text, *want;
	} bad[] = {
	        {"moved: x\n", "'moved' belongs to a reflection after a "
	                       "meeting, and this record is a check-in"},
	        {"after: 3\n", "'after' belongs to a reflection"},
	        {"kept: yes\n", "'kept' belongs to a reflection"},
	        {"befor: 3\n", "Did you mean 'before'?"},
	        {"before: 11\n",
	         "Line 1: 'before' takes a number from 0 to 10"},
	        {"state: sideways\n", "too-much, okay or too-little"},
	        {"when: someday\n", "'when' needs a date"},
	        {"need: a\nneed: b\n", "Line 2: 'need' is here twice"},
	        {"before: 1\nbefore: 2\n", "'before' is here twice"},
	        {"  indented\n", "only text fields go on over several lines"},
	        {"just words\n", "selfhelp expected 'key: value'"},
	        {"need: a\x01b\n", "the need text holds control characters"},
	        {"need: \xff\n", "not UTF-8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		back.before = 99;
		if (record_parse_text(&group_kind, bad[i].text,
		                      strlen(bad[i].text), &recs[0], DAY, &back,
		                      err, sizeof(err)) != -1)
			fail_msg("case %zu parsed: %s", i, bad[i].text);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: expected '%s' in '%s'", i,
			         bad[i].want, err);
		assert_int_equal(back.before, GROUP_NO_RATING);
		assert_null(strstr(err, "invalid"));
		assert_null(strstr(err, "wrong"));
	}
	const char reflect_bad[] = "closeness: near\nkept: maybe\n";
	assert_int_equal(record_parse_text(&group_kind, reflect_bad,
	                                   strlen(reflect_bad), &recs[1], DAY,
	                                   &back, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "too-close, about-right or too-far"));
	const char reflect_bad2[] = "kept: maybe\n";
	assert_int_equal(record_parse_text(&group_kind, reflect_bad2,
	                                   strlen(reflect_bad2), &recs[1], DAY,
	                                   &back, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "yes, partly, no or did-not-come-up"));
	record_release(&group_kind, &recs[0]);
	record_release(&group_kind, &recs[1]);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fixture_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        T(names),
	        T(vault_roundtrip),
	        T(sealed_writes),
	        T(linking),
	        T(list_filters),
	        T(no_plaintext_on_disk),
	        T(json_roundtrip),
	        T(export_roundtrip),
	        T(edit_layout_roundtrip),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	if (sodium_init() < 0)
		return 1;
	journal_json_init();
	umask(077);
	return RUN_NAMED(tests, argc, argv);
}
