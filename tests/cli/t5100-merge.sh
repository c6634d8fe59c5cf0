#!/bin/sh
# selfhelp merge: two copies of one vault, changed apart, merged either
# way (the rules: doc/vault-format.md, "Merging copies").
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
A="$XDG_DATA_HOME/selfhelp/vault.db"
B="$TEST_ROOT/other/vault.db"

# id_of VAULT DATE: the id of the journal entry made at DATE (as
# --date gave it, e.g. 2025-01-01).
id_of() {
	selfhelp --vault "$1" $P journal list --json >"$TEST_ROOT/ids.json" &&
	json "print([e['id'] for e in d if e['created'].startswith('$2')][0])" \
		<"$TEST_ROOT/ids.json"
}

# records VAULT: every journal entry and trigger record, sorted by id,
# with what merge must keep (text, times, marks), for comparing copies.
records() {
	selfhelp --vault "$1" $P journal list --json >"$TEST_ROOT/j.json" &&
	selfhelp --vault "$1" $P trigger-log list --json >"$TEST_ROOT/t.json" &&
	selfhelp --vault "$1" $P safety-plan history --json >"$TEST_ROOT/s.json" &&
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
s = json.load(open(sys.argv[3]))
for e in sorted(j + t, key=lambda e: e["id"]):
    print(json.dumps(e, sort_keys=True))
print(json.dumps(s, sort_keys=True))
' "$TEST_ROOT/j.json" "$TEST_ROOT/t.json" "$TEST_ROOT/s.json"
}

cat >"$TEST_ROOT/plan1.txt" <<\EOF
## Warning signs
- not sleeping
EOF
cat >"$TEST_ROOT/planA.txt" <<\EOF
## Warning signs
- PLAN-FROM-A
EOF
cat >"$TEST_ROOT/planB.txt" <<\EOF
## Warning signs
- PLAN-FROM-B
EOF

test_expect_success 'setup: one vault, copied to a second computer' '
	quick_vault >/dev/null &&
	selfhelp $P journal add --date 2025-01-01T10:00 -m "first words" >/dev/null &&
	selfhelp $P journal add --date 2025-01-02T10:00 -m "second words" >/dev/null &&
	selfhelp $P journal add --date 2025-01-03T10:00 -m "third words" >/dev/null &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/plan1.txt" >/dev/null &&
	mkdir -p "$TEST_ROOT/other" && chmod 700 "$TEST_ROOT/other" &&
	cp "$A" "$B" &&
	E1=$(id_of "$A" 2025-01-01) && E2=$(id_of "$A" 2025-01-02) &&
	E3=$(id_of "$A" 2025-01-03) &&
	test -n "$E1" && test -n "$E2" && test -n "$E3" &&
	echo "$E1 $E2 $E3" >"$TEST_ROOT/ids"
'
read E1 E2 E3 <"$TEST_ROOT/ids"

test_expect_success 'setup: both computers write apart' '
	selfhelp $P journal add --date 2025-02-01T10:00 -m "ONLY-ON-A" >/dev/null &&
	selfhelp $P journal edit "$E1" -m "EDIT-ON-A" >/dev/null &&
	selfhelp $P journal delete "$E2" --yes >/dev/null &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/planA.txt" >/dev/null &&
	selfhelp --vault "$B" $P journal edit "$E1" -m "EDIT-ON-B" >/dev/null &&
	selfhelp --vault "$B" $P journal edit "$E2" -m "B-EDITED-DELETED" >/dev/null &&
	selfhelp --vault "$B" $P journal edit "$E3" -m "B-EDIT-ONE" >/dev/null &&
	selfhelp --vault "$B" $P journal edit "$E3" -m "B-EDIT-TWO" >/dev/null &&
	selfhelp --vault "$B" $P trigger-log add --no-input --trigger "ONLY-ON-B" \
		--before 5 >/dev/null &&
	selfhelp --vault "$B" $P safety-plan edit --from "$TEST_ROOT/planB.txt" >/dev/null &&
	echo "WRITTEN-LOCKED-ON-B" | selfhelp --vault "$B" journal add >/dev/null 2>&1 &&
	cp "$A" "$TEST_ROOT/a-before.db" && cp "$B" "$TEST_ROOT/b-before.db"
'

test_expect_success 'merge --help, and a missing file name' '
	selfhelp merge --help >"$OUT" &&
	expect_in "usage: selfhelp merge FILE" "$OUT" &&
	expect_in "--dry-run" "$OUT" &&
	test_must_fail 2 selfhelp $P merge &&
	test_must_fail 2 selfhelp $P merge "$B" "$B"
'

test_expect_success 'merge --dry-run says what would come in and changes nothing' '
	selfhelp $P merge --dry-run "$B" >"$OUT" &&
	expect_in "would bring in" "$OUT" &&
	expect_in "1 trigger record" "$OUT" &&
	cmp "$A" "$TEST_ROOT/a-before.db"
'

test_expect_success 'merge B into A: everything from both, and a summary' '
	selfhelp $P merge "$B" >"$OUT" &&
	expect_in "Merged $B" "$OUT" &&
	expect_in "came in: 1 entry, 1 trigger record, 1 safety plan version" "$OUT" &&
	expect_in "newer there, so updated here: 1 entry" "$OUT" &&
	expect_in "edited on both computers, so kept twice: 1 entry" "$OUT" &&
	expect_in "conflict copy" "$OUT" &&
	expect_in "changed there but deleted here, so they stay deleted: 1 entry" "$OUT" &&
	expect_in "1 of what came in was written while that copy was locked" "$OUT" &&
	selfhelp $P journal list >"$OUT" &&
	expect_in "ONLY-ON-A" "$OUT" &&
	expect_in "B-EDIT-TWO" "$OUT" &&
	expect_in "EDIT-ON-A" "$OUT" &&
	expect_in "EDIT-ON-B" "$OUT" &&
	expect_in "(conflict copy)" "$OUT" &&
	expect_not_in "B-EDITED-DELETED" "$OUT" &&
	expect_not_in "second words" "$OUT" &&
	expect_not_in "third words" "$OUT" &&
	expect_in "WRITTEN-LOCKED-ON-B" "$OUT" &&
	selfhelp $P trigger-log list >"$OUT" &&
	expect_in "ONLY-ON-B" "$OUT" &&
	selfhelp $P safety-plan history --json >"$OUT" &&
	json "assert len(d) == 3, d" <"$OUT" &&
	selfhelp $P check >"$OUT" 2>&1
'

test_expect_success 'the conflict copy is marked in show and --json, and can be deleted' '
	selfhelp $P journal list --json >"$OUT" &&
	C=$(json "print([e[\"id\"] for e in d if e.get(\"conflict_copy\")][0])" <"$OUT") &&
	selfhelp $P journal show "$C" >"$OUT" &&
	expect_in "A conflict copy" "$OUT" &&
	selfhelp $P journal show "$E1" >"$OUT" &&
	expect_not_in "A conflict copy" "$OUT" &&
	selfhelp $P journal list --json >"$OUT" &&
	json "assert sum(1 for e in d if e.get(\"written_while_locked\")) == 1" <"$OUT" &&
	cp "$A" "$TEST_ROOT/a-merged.db" &&
	selfhelp $P journal delete "$C" --yes >/dev/null &&
	selfhelp $P merge "$B" >"$OUT" &&
	selfhelp $P journal list >"$OUT" &&
	expect_not_in "(conflict copy)" "$OUT" &&
	cp "$TEST_ROOT/a-merged.db" "$A"
'

test_expect_success 'export and import keep the conflict-copy mark' '
	selfhelp $P export --format json -o "$TEST_ROOT/x.json" >/dev/null &&
	json "assert sum(1 for r in d[\"records\"] if r.get(\"conflict_copy\")) == 1" \
		<"$TEST_ROOT/x.json" &&
	selfhelp $P export --format markdown -o "$TEST_ROOT/x.md" >/dev/null &&
	expect_in "A copy kept from another computer" "$TEST_ROOT/x.md" &&
	quick_vault "$TEST_ROOT/fresh.db" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/fresh.db" $P import "$TEST_ROOT/x.json" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/fresh.db" $P journal list >"$OUT" &&
	expect_in "(conflict copy)" "$OUT"
'

test_expect_success 'merging the same copy twice changes nothing' '
	cp "$A" "$TEST_ROOT/a-once.db" &&
	selfhelp $P merge "$B" >"$OUT" &&
	expect_in "Nothing new in $B" "$OUT" &&
	cmp "$A" "$TEST_ROOT/a-once.db"
'

test_expect_success 'A into B gives the records B into A gave' '
	selfhelp --vault "$B" $P merge "$TEST_ROOT/a-before.db" >"$OUT" &&
	expect_in "came in: 1 entry, 1 safety plan version" "$OUT" &&
	expect_in "deleted there, so deleted here too: 1 entry" "$OUT" &&
	expect_in "kept twice: 1 entry" "$OUT" &&
	records "$A" >"$TEST_ROOT/rec-a" &&
	records "$B" >"$TEST_ROOT/rec-b" &&
	diff -u "$TEST_ROOT/rec-a" "$TEST_ROOT/rec-b" &&
	selfhelp --vault "$B" $P check >"$OUT" 2>&1
'

test_expect_success 'merge --json' '
	cp "$TEST_ROOT/a-before.db" "$TEST_ROOT/a-json.db" &&
	selfhelp --vault "$TEST_ROOT/a-json.db" $P merge --json "$TEST_ROOT/b-before.db" >"$OUT" &&
	json "k = d[\"kinds\"]; assert d[\"changed\"] and not d[\"dry_run\"]; \
assert k[\"journal\"][\"added\"] == 1 and k[\"journal\"][\"conflict_copies\"] == 1; \
assert k[\"journal\"][\"updated\"] == 1 and k[\"journal\"][\"kept_deleted\"] == 1; \
assert k[\"trigger\"][\"added\"] == 1 and d[\"written_while_locked\"] == 1" <"$OUT"
'

test_expect_success 'a copy of another vault is refused, nothing changed' '
	quick_vault "$TEST_ROOT/another.db" >/dev/null &&
	cp "$A" "$TEST_ROOT/a-now.db" &&
	test_must_fail 1 selfhelp $P merge "$TEST_ROOT/another.db" 2>"$OUT" &&
	expect_in "not a copy of this vault" "$OUT" &&
	test_must_fail 1 selfhelp $P merge "$A" 2>"$OUT" &&
	expect_in "this vault itself" "$OUT" &&
	test_must_fail 1 selfhelp $P merge "$TEST_ROOT/nothing-here.db" 2>"$OUT" &&
	cmp "$A" "$TEST_ROOT/a-now.db"
'

test_expect_success 'a damaged copy is refused, nothing changed' '
	cp "$TEST_ROOT/b-before.db" "$TEST_ROOT/b-damaged.db" &&
	damage_record "$TEST_ROOT/b-damaged.db" "$E3" body &&
	cp "$TEST_ROOT/a-before.db" "$TEST_ROOT/a-2.db" &&
	test_must_fail 1 selfhelp --vault "$TEST_ROOT/a-2.db" $P merge "$TEST_ROOT/b-damaged.db" 2>"$OUT" &&
	expect_in "nothing was merged" "$OUT" &&
	cmp "$TEST_ROOT/a-2.db" "$TEST_ROOT/a-before.db"
'

test_expect_success 'a copy given a new key is refused, and says what to do' '
	cp "$TEST_ROOT/b-before.db" "$TEST_ROOT/b-rekeyed.db" &&
	selfhelp --vault "$TEST_ROOT/b-rekeyed.db" $P passwd --rekey \
		--new-passphrase-file "$PASSFILE" >/dev/null &&
	cp "$TEST_ROOT/a-before.db" "$TEST_ROOT/a-3.db" &&
	test_must_fail 1 selfhelp --vault "$TEST_ROOT/a-3.db" $P merge "$TEST_ROOT/b-rekeyed.db" 2>"$OUT" &&
	expect_in "passwd --rekey" "$OUT" &&
	expect_in "selfhelp export" "$OUT" &&
	cmp "$TEST_ROOT/a-3.db" "$TEST_ROOT/a-before.db"
'

# Records written before ancestry existed (the format vectors were made
# by an older selfhelp): an edit made now names them, so an edit on one
# side is told from edits on both.
VP="--passphrase-file $TEST_ROOT/vpass"
test_expect_success 'copies of a vault made before ancestry merge too' '
	head -n 1 "$TEST_SRCDIR/vectors/passphrase.txt" >"$TEST_ROOT/vpass" &&
	mkdir -p "$TEST_ROOT/old" && chmod 700 "$TEST_ROOT/old" &&
	cp "$TEST_SRCDIR/vectors/valid.vault" "$TEST_ROOT/old/a.db" &&
	cp "$TEST_SRCDIR/vectors/valid.vault" "$TEST_ROOT/old/b.db" &&
	chmod 600 "$TEST_ROOT/old/a.db" "$TEST_ROOT/old/b.db" &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP journal list --json >"$OUT" &&
	O1=$(json "print(d[0][\"id\"])" <"$OUT") &&
	O2=$(json "print(d[1][\"id\"])" <"$OUT") &&
	selfhelp --vault "$TEST_ROOT/old/b.db" $VP journal edit "$O1" -m "OLD-EDIT-B" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP journal edit "$O2" -m "OLD-EDIT-A" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/old/b.db" $VP journal edit "$O2" -m "OLD-EDIT-B2" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP merge "$TEST_ROOT/old/b.db" >"$OUT" &&
	expect_in "newer there, so updated here: 1 entry" "$OUT" &&
	expect_in "kept twice: 1 entry" "$OUT" &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP journal list >"$OUT" &&
	expect_in "OLD-EDIT-B" "$OUT" && expect_in "OLD-EDIT-A" "$OUT" &&
	expect_in "OLD-EDIT-B2" "$OUT" &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP check >/dev/null 2>&1 &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP merge "$TEST_ROOT/old/b.db" >"$OUT" &&
	expect_in "Nothing new" "$OUT"
'

test_expect_success 'a trigger record edited on both: kept twice, the copy marked' '
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP trigger-log list --json >"$OUT" &&
	T1=$(json "print(d[0][\"id\"])" <"$OUT") &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP trigger-log edit "$T1" --note "NOTE-A" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/old/b.db" $VP trigger-log edit "$T1" --note "NOTE-B" >/dev/null &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP merge "$TEST_ROOT/old/b.db" >"$OUT" &&
	expect_in "kept twice: 1 trigger record" "$OUT" &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP trigger-log list >"$OUT" &&
	expect_in "(conflict copy)" "$OUT" &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP trigger-log list --json >"$OUT" &&
	C=$(json "print([e[\"id\"] for e in d if e.get(\"conflict_copy\")][0])" <"$OUT") &&
	selfhelp --vault "$TEST_ROOT/old/a.db" $VP trigger-log show "$C" >"$OUT" &&
	expect_in "A conflict copy" "$OUT"
'

test_done
