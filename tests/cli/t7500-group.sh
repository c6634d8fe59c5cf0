#!/bin/sh
# selfhelp group end to end: prepare and reflect by flags, list, show,
# edit, delete, --json read back, the linking of a reflection to the same
# day's check-in, export/import, check, no plaintext on disk, agreements;
# the guided forms through a pseudo-terminal (t7500-group-form.py).
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
FORM="$TEST_SRCDIR/pty/group-form.py"
export PASSFILE
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

count() { selfhelp_json "print(len(d))" $P group list --json; }
# No blaming words in a message file.
gentle() { ! grep -Eqi "invalid|illegal|wrong|you must" "$1"; }
# The full id of the record whose short id is in $OUT.
full_id() {
	selfhelp_json "print([x[\"id\"] for x in d if x[\"id\"].startswith(\"$1\")][0])" \
		$P group list --json
}

test_expect_success 'setup: a vault' '
	quick_vault >"$OUT" 2>"$ERR"
'

test_expect_success 'every sub-command has --help (exit 0, stdout)' '
	for sub in prepare reflect list show edit delete agreements; do
		selfhelp group $sub --help >"$OUT" 2>"$ERR" &&
		test -s "$OUT" && test ! -s "$ERR" || { echo "$sub"; false; }
	done &&
	selfhelp group prepare --help >"$OUT" && expect_in "--if-too-much" "$OUT" &&
	selfhelp group reflect --help >"$OUT" && expect_in "didnt-come-up" "$OUT" &&
	selfhelp group --help >"$OUT" && expect_in "agreements" "$OUT" &&
	selfhelp group >"$OUT" && expect_in "group reflect" "$OUT" &&
	selfhelp help group >"$OUT" && expect_in "group delete" "$OUT" &&
	selfhelp --help >"$OUT" && expect_in "  group " "$OUT" &&
	test "$(wc -l <"$OUT")" -le 24
'

test_expect_success 'prepare with every flag prints a short id; never asks' '
	selfhelp $P group prepare --before 6 --state too-much \
		--bring "the letter to my sister" --need "a quiet start" \
		--boundary "I leave at nine" --if-too-much "step out
then feet on the floor" --date "2026-11-24 18:30" </dev/null >"$OUT" 2>"$ERR" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT" && test ! -s "$ERR" &&
	cp "$OUT" "$TEST_ROOT/prep-id"
'

test_expect_success 'reflect the same day links to it and offers the trigger log' '
	selfhelp $P group reflect --after 3 --state okay --moved "someone laughed" \
		--triggered "a raised \"voice\" and \$HOME" --contributed "I listened" \
		--closeness about_right --kept partly --next "ask for time" \
		--kind "I went, and that counts" --date "2026-11-24 21:15" \
		</dev/null >"$OUT" 2>"$ERR" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT" && cp "$OUT" "$TEST_ROOT/refl-id" &&
	expect_in "It goes with your check-in from 18:30 ($(cat "$TEST_ROOT/prep-id"))" "$ERR" &&
	expect_in "'\''selfhelp trigger-log add'\'' can keep it in your trigger log;" "$ERR" &&
	test "$(wc -l <"$ERR")" -eq 3
'

test_expect_success 'the offered trigger-log command holds none of the words' '
	# they would stay in the shell history (ux review: group reflect)
	! grep -q "raised" "$ERR" && ! grep -q -- "--trigger" "$ERR" &&
	! grep -q "voice" "$ERR"
'

test_expect_success 'list --json: every field, both links' '
	selfhelp $P group list --json >"$OUT" &&
	json "assert len(d) == 2, d
r, p = d
assert r[\"type\"] == \"reflect\" and p[\"type\"] == \"prepare\", d
assert r[\"linked\"] == p[\"id\"] and p[\"linked\"] == r[\"id\"], d
assert p[\"when\"] == \"2026-11-24T18:30:00+00:00\", p
assert (p[\"before\"], p[\"state\"], p[\"boundary\"]) == (6, \"too-much\", \"I leave at nine\"), p
assert p[\"bring\"] == \"the letter to my sister\" and p[\"need\"] == \"a quiet start\", p
assert p[\"if_too_much\"] == \"step out\nthen feet on the floor\", p
assert \"after\" not in p and \"moved\" not in p, p
assert (r[\"after\"], r[\"state\"], r[\"closeness\"], r[\"kept\"]) == (3, \"okay\", \"about-right\", \"partly\"), r
assert r[\"moved\"] == \"someone laughed\" and r[\"contributed\"] == \"I listened\", r
assert r[\"next\"] == \"ask for time\" and r[\"kind_words\"] == \"I went, and that counts\", r
assert \"before\" not in r and \"boundary\" not in r, r
for x in d:
    assert len(x[\"id\"]) == 32 and x[\"created\"] and x[\"updated\"], x" <"$OUT" &&
	selfhelp $P group list >"$OUT" &&
	expect_in "$(cat "$TEST_ROOT/refl-id")  2026-11-24 21:15  after   distress 3, okay  with $(cat "$TEST_ROOT/prep-id")" "$OUT" &&
	expect_in "before  distress 6, too much  with $(cat "$TEST_ROOT/refl-id")" "$OUT" &&
	expect_not_in "leave at nine" "$OUT"
'

test_expect_success 'linking: another day, a second reflection, an earlier one' '
	selfhelp $P group reflect --after 5 --date "2026-11-24 22:00" >"$TEST_ROOT/second" 2>"$ERR" &&
	expect_not_in "It goes with" "$ERR" &&
	selfhelp $P group prepare --before 4 --date "2026-11-26 10:00" >/dev/null &&
	selfhelp $P group reflect --after 4 --date "2026-11-27 09:00" >/dev/null 2>"$ERR" &&
	expect_not_in "It goes with" "$ERR" &&
	selfhelp $P group reflect --after 2 --date "2026-11-28 08:00" >/dev/null &&
	selfhelp $P group prepare --before 2 --date "2026-11-28 18:00" >/dev/null &&
	selfhelp $P group list --json >"$OUT" &&
	json "links = {x[\"when\"][:16]: x[\"linked\"] for x in d}
ids = {x[\"id\"]: x[\"when\"][:16] for x in d}
assert ids[links[\"2026-11-24T21:15\"]] == \"2026-11-24T18:30\", links
assert links[\"2026-11-24T22:00\"] is None, links
assert links[\"2026-11-26T10:00\"] is None and links[\"2026-11-27T09:00\"] is None, links
assert links[\"2026-11-28T08:00\"] is None and links[\"2026-11-28T18:00\"] is None, links" <"$OUT"
'

test_expect_success 'list: --since, --until, -n' '
	selfhelp $P group list --json --since 2026-11-26 --until 2026-11-27 >"$OUT" &&
	json "assert [x[\"when\"][:10] for x in d] == [\"2026-11-27\", \"2026-11-26\"], d" <"$OUT" &&
	selfhelp $P group list -n 1 >"$OUT" && test "$(wc -l <"$OUT")" -eq 1 &&
	expect_in "2026-11-28 18:00" "$OUT" &&
	selfhelp $P group list --since 2030-01-01 >"$OUT" &&
	expect_in "Nothing was recorded in that time." "$OUT"
'

test_expect_success 'usage errors: exit 2, one gentle sentence, nothing saved' '
	n=$(count) &&
	test_must_fail 2 selfhelp $P group prepare --before 11 2>"$ERR" &&
	expect_in "0 to 10" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group prepare --before 7x 2>"$ERR" &&
	test_must_fail 2 selfhelp $P group prepare --state sideways 2>"$ERR" &&
	expect_in "too-much, okay or too-little" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group reflect --closeness near 2>"$ERR" &&
	expect_in "too-close, about-right or too-far" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group reflect --kept maybe 2>"$ERR" &&
	expect_in "yes, partly, no or didnt-come-up" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group prepare --moved x 2>"$ERR" &&
	expect_in "--moved" "$ERR" && expect_in "is not an option here" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group reflect --boundary x 2>"$ERR" &&
	test_must_fail 2 selfhelp $P group prepare "loose words" 2>"$ERR" &&
	test_must_fail 2 selfhelp $P group prepare --need "$(printf "a\033b")" 2>"$ERR" &&
	expect_in "control characters" "$ERR" &&
	test_must_fail 2 selfhelp $P group prepare --before 3 --date 2026-02-30 2>"$ERR" &&
	expect_in "2026-02-30" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group list --boundary x 2>"$ERR" &&
	test_must_fail 2 selfhelp $P group lst 2>"$ERR" && expect_in "list" "$ERR" &&
	test_must_fail 2 selfhelp $P group show 2>"$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group show zz 2>"$ERR" && gentle "$ERR" &&
	test "$(count)" -eq "$n"
'

test_expect_success 'nothing given and no terminal: the flags are named' '
	test_must_fail 2 selfhelp $P group prepare </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "--boundary" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P group reflect --no-input --date today 2>"$ERR" &&
	expect_in "--no-input" "$ERR" && expect_in "--kept" "$ERR"
'

test_expect_success 'show: one after the other when narrow' '
	id=$(cat "$TEST_ROOT/refl-id") &&
	COLUMNS=80 selfhelp $P group show "$id" >"$OUT" &&
	expect_in "Check-in before a group meeting $(cat "$TEST_ROOT/prep-id")" "$OUT" &&
	expect_in "Reflection after a group meeting $id" "$OUT" &&
	expect_in "My boundary       I leave at nine" "$OUT" &&
	expect_in "Kept boundary     partly" "$OUT" &&
	expect_in "                  then feet on the floor" "$OUT" &&
	test "$(grep -c "I leave at nine" "$OUT")" -eq 1 &&
	test "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$OUT")" -le 80
'

test_expect_success 'show: side by side when wide, from either end' '
	COLUMNS=120 selfhelp $P group show "$(cat "$TEST_ROOT/prep-id")" >"$OUT" &&
	expect_in "Group meeting" "$OUT" &&
	grep -q "^My boundary    I leave at nine  *Kept boundary  partly$" "$OUT" &&
	grep -q "^Arriving       distress 6, too much  *Leaving        distress 3, okay$" "$OUT" &&
	grep -q "^  *Kind words     I went, and that counts$" "$OUT" &&
	COLUMNS=120 selfhelp $P group show "$(cat "$TEST_ROOT/refl-id")" >"$TEST_ROOT/other" &&
	cmp "$OUT" "$TEST_ROOT/other" &&
	test "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$OUT")" -le 120 &&
	selfhelp $P group show "$(cat "$TEST_ROOT/prep-id")" --width 100 >"$OUT" &&
	grep -q "Kept boundary" "$OUT" && grep -q "^My boundary .*Kept" "$OUT"
'

test_expect_success 'show --json: the record, then the one it goes with' '
	selfhelp $P group show "$(cat "$TEST_ROOT/prep-id")" --json >"$OUT" &&
	json "assert [x[\"type\"] for x in d] == [\"prepare\", \"reflect\"], d
assert d[0][\"linked\"] == d[1][\"id\"] and d[1][\"linked\"] == d[0][\"id\"], d" <"$OUT" &&
	id=$(cut -c1-6 "$TEST_ROOT/second") &&
	selfhelp $P group show "$id" --json >"$OUT" &&
	json "assert len(d) == 1 and d[0][\"linked\"] is None, d" <"$OUT" &&
	selfhelp $P group show "$id" >"$OUT" &&
	expect_in "Leaving           distress 5" "$OUT" &&
	expect_not_in "Check-in" "$OUT"
'

test_expect_success 'edit by options; a field of the other kind is refused' '
	id=$(cat "$TEST_ROOT/prep-id") &&
	selfhelp $P group edit "$id" --need "" --boundary "I may pass" >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	selfhelp $P group show "$id" --json >"$OUT" &&
	json "p = d[0]; assert p[\"need\"] is None and p[\"boundary\"] == \"I may pass\", p
assert p[\"bring\"] == \"the letter to my sister\" and p[\"before\"] == 6, p" <"$OUT" &&
	test_must_fail 2 selfhelp $P group edit "$id" --kept yes 2>"$ERR" &&
	expect_in "belongs to a reflection" "$ERR" && gentle "$ERR" &&
	selfhelp $P group edit "$id" --boundary "I may pass" >"$OUT" &&
	expect_in "Nothing changed." "$OUT"
'

test_expect_success 'edit through the key: value layout on standard input' '
	id=$(cat "$TEST_ROOT/refl-id") &&
	printf "# edited\nafter: 2\nstate: too little\nkept: didn'\''t come up\nmoved: a first line\n  a second\nkind: enough\n" |
		selfhelp $P group edit "$id" >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	selfhelp $P group show "$id" --json >"$OUT" &&
	json "r = d[0]; assert (r[\"after\"], r[\"state\"], r[\"kept\"]) == (2, \"too-little\", \"did-not-come-up\"), r
assert r[\"moved\"] == \"a first line\na second\" and r[\"kind_words\"] == \"enough\", r
assert r[\"triggered\"] is None and r[\"closeness\"] is None, r
assert r[\"when\"] == \"2026-11-24T21:15:00+00:00\", r
assert r[\"linked\"] == d[1][\"id\"], d" <"$OUT" &&
	printf "bring: x\n" | test_must_fail 1 selfhelp $P group edit "$id" 2>"$ERR" &&
	expect_in "belongs to a check-in" "$ERR" && expect_in "Nothing was changed." "$ERR" &&
	gentle "$ERR" &&
	printf "# only a comment\n" | selfhelp $P group edit "$id" >"$OUT" &&
	expect_in "left as it was" "$OUT"
'

test_expect_success SCRIPT 'edit in a scripted $EDITOR (private tmpfs file)' '
	id=$(cat "$TEST_ROOT/prep-id") &&
	cat >"$TEST_ROOT/ed.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	cp "$last" "$TEST_ROOT_ED/seen"
	dirname "$last" >"$TEST_ROOT_ED/dir"
	stat -c %a "$last" >"$TEST_ROOT_ED/mode"
	sed -i -e "s/^need:.*/need: to be heard/" "$last"
	EOS
	chmod +x "$TEST_ROOT/ed.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed.sh" \
		script -qec "$SELFHELP_RUN $P group edit $id" /dev/null >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	expect_in "# Check-in before a group meeting $id." "$TEST_ROOT/seen" &&
	expect_in "boundary: I may pass" "$TEST_ROOT/seen" &&
	expect_in "if-too-much: step out" "$TEST_ROOT/seen" &&
	expect_in "  then feet on the floor" "$TEST_ROOT/seen" &&
	expect_not_in "moved:" "$TEST_ROOT/seen" &&
	test "$(cat "$TEST_ROOT/mode")" = 600 &&
	d=$(cat "$TEST_ROOT/dir") && test ! -e "$d" &&
	selfhelp $P group show "$id" --json >"$OUT" &&
	json "p = d[0]; assert p[\"need\"] == \"to be heard\" and p[\"boundary\"] == \"I may pass\", p" <"$OUT" &&
	EDITOR=true script -qec "$SELFHELP_RUN $P group edit $id" /dev/null >"$OUT" &&
	expect_in "Nothing changed." "$OUT"
'

test_expect_success SCRIPT 'delete: asks on a terminal, needs --yes otherwise' '
	n=$(count) &&
	id=$(cut -c1-8 "$TEST_ROOT/second") &&
	test_must_fail 2 selfhelp $P group delete "$id" </dev/null 2>"$ERR" &&
	expect_in "--yes" "$ERR" && gentle "$ERR" &&
	echo n | script -qec "$SELFHELP_RUN $P group delete $id" /dev/null >"$OUT";
	expect_in "Kept it." "$OUT" && test "$(count)" -eq "$n" &&
	selfhelp $P group delete "$id" --yes >"$OUT" &&
	expect_in "Deleted." "$OUT" && test "$(count)" -eq $((n - 1)) &&
	test_must_fail 1 selfhelp $P group show "$id" 2>"$ERR" &&
	expect_in "There is no group check-in or reflection" "$ERR"
'

test_expect_success 'written while locked: sealed, linked once unlocked' '
	selfhelp $P group prepare --before 5 --boundary "no advice please" \
		--date "2026-12-01 18:00" >"$TEST_ROOT/p2" &&
	selfhelp group reflect --kept yes --after 1 --date "2026-12-01 20:30" \
		</dev/null >"$OUT" 2>"$ERR" &&
	expect_in "You can read it after you unlock." "$OUT" &&
	expect_not_in "It goes with" "$ERR" &&
	selfhelp $P group list --json --since 2026-12-01 --until 2026-12-01 >"$OUT" &&
	json "r, p = d; assert r[\"kept\"] == \"yes\" and r[\"linked\"] == p[\"id\"], d
assert p[\"id\"].startswith(\"$(cat "$TEST_ROOT/p2")\"), p" <"$OUT"
'

test_expect_success 'check reads every group record' '
	rc=0 && selfhelp $P check >"$OUT" 2>"$ERR" || rc=$? &&
	cat "$OUT" "$ERR" && test "$rc" = 0 &&
	! grep -qi "damaged" "$OUT"
'

test_expect_success 'export and import: group records travel as real fields' '
	selfhelp $P export --kind group >"$TEST_ROOT/one.json" 2>/dev/null &&
	json "g = [x for x in d[\"records\"] if x[\"kind\"] == \"group\"]
assert len(g) == len(d[\"records\"]) and len(g) >= 8, len(g)
p = [x for x in g if x.get(\"boundary\") == \"I may pass\"][0]
assert p[\"type\"] == \"prepare\" and p[\"before\"] == 6 and \"head\" not in p, p
r = [x for x in g if x.get(\"kind_words\") == \"enough\"][0]
assert r[\"kept\"] == \"did-not-come-up\" and r[\"moved\"] == \"a first line\na second\", r" \
		<"$TEST_ROOT/one.json" &&
	selfhelp $P export --format markdown --kind group -o "$TEST_ROOT/all.md" >/dev/null 2>&1 &&
	expect_in "Group meeting" "$TEST_ROOT/all.md" &&
	expect_in "**My boundary for today:** I may pass" "$TEST_ROOT/all.md" &&
	V2="$TEST_ROOT/two.db" &&
	quick_vault "$V2" >/dev/null &&
	selfhelp $P --vault "$V2" import "$TEST_ROOT/one.json" >"$OUT" &&
	n=$(json "print(len(d[\"records\"]))" <"$TEST_ROOT/one.json") &&
	expect_in "Added $n records" "$OUT" &&
	selfhelp $P --vault "$V2" group list --json >"$TEST_ROOT/b.json" &&
	selfhelp $P group list --json >"$TEST_ROOT/a.json" &&
	cmp "$TEST_ROOT/a.json" "$TEST_ROOT/b.json" &&
	selfhelp $P --vault "$V2" import "$TEST_ROOT/one.json" >"$OUT" &&
	expect_in "skipped $n" "$OUT"
'

test_expect_success 'none of the words are on disk in clear' '
	for f in "$VAULT" "$VAULT-wal" "$TEST_ROOT/two.db" "$TEST_ROOT/two.db-wal"; do
		test -e "$f" || continue
		for w in "I may pass" "letter to my sister" "no advice please" \
			"a first line" "feet on the floor" "someone laughed" \
			"did-not-come-up" "about-right" "kind_words"; do
			if grep -a -q "$w" "$f"; then echo "$w in $f"; exit 1; fi
		done
	done
'

test_expect_success 'agreements: no vault, the whole page, plain when piped' '
	HOME="$TEST_ROOT/nohome" XDG_DATA_HOME="$TEST_ROOT/nodata" \
		selfhelp group agreements >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" && test ! -e "$TEST_ROOT/nodata/selfhelp" &&
	for h in "What stays in the room" "Speaking from" "No advice unless asked" \
		"The right to pass" "A stop signal" "Leaving early without vanishing" \
		"Welcoming new members" "What this group is not" "not a crisis service" \
		"It is not therapy" "When someone is in crisis during a meeting" \
		"One person stays with them" "we call the emergency" \
		"selfhelp crisis"; do
		expect_in "$h" "$OUT" || exit 1
	done &&
	! grep -q "$(printf "\033")" "$OUT" &&
	test "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$OUT")" -le 80 &&
	selfhelp group agreements --width 40 >"$OUT" &&
	test "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$OUT")" -le 40 &&
	test_must_fail 2 selfhelp group agreements --width 5 2>"$ERR" && gentle "$ERR"
'

test_expect_success 'the self-help group topics point to these commands' '
	for t in group-challenges group-opportunities; do
		selfhelp topics show "$t" --no-pager --skip-notes >"$OUT" 2>/dev/null &&
		expect_in "selfhelp group prepare" "$OUT" &&
		expect_in "selfhelp group reflect" "$OUT" &&
		expect_in "selfhelp group agreements" "$OUT" || exit 1
	done
'

# --- the guided forms, through a pseudo-terminal ---

FV="$TEST_ROOT/form.db"
form() { SELFHELP_VAULT="$FV" SELFHELP="$SELFHELP_RUN" python3 "$FORM" "$1"; }
fcount() { selfhelp_json "print(len(d))" $P --vault "$FV" group list --json; }

test_expect_success 'form: a check-in, every question' '
	quick_vault "$FV" >/dev/null &&
	form prepare-full && test "$(fcount)" -eq 1 &&
	selfhelp $P --vault "$FV" group list --json >"$OUT" &&
	json "p = d[0]; assert p[\"type\"] == \"prepare\", p
assert (p[\"before\"], p[\"state\"]) == (10, \"too-much\"), p
assert p[\"bring\"] == \"the letter\" and p[\"need\"] is None, p
assert p[\"boundary\"] == \"I leave at nine\", p
assert p[\"if_too_much\"] == \"Feet on the floor (selfhelp grounding feet), call Sam\", p" <"$OUT"
'

test_expect_success 'form: a reflection, quoting the boundary, linked' '
	form reflect-full && test "$(fcount)" -eq 2 &&
	selfhelp $P --vault "$FV" group list --json >"$OUT" &&
	json "r, p = d; assert r[\"linked\"] == p[\"id\"], d
assert (r[\"after\"], r[\"state\"], r[\"closeness\"], r[\"kept\"]) == (3, \"okay\", \"too-far\", \"partly\"), r
assert r[\"moved\"] == \"someone'\''s laugh\" and r[\"triggered\"] == \"a raised voice\", r
assert r[\"contributed\"] is None and r[\"next\"] == \"ask for time\", r
assert r[\"kind_words\"] == \"I went, and that counts\", r" <"$OUT" &&
	form reflect-unprepared && test "$(fcount)" -eq 3
'

test_expect_success 'form: leaving keeps on yes, drops on no; q asks nothing' '
	form quit-keep && test "$(fcount)" -eq 4 &&
	form quit-line && test "$(fcount)" -eq 5 &&
	selfhelp $P --vault "$FV" group list --json --since 2026-11-21 --until 2026-11-23 >"$OUT" &&
	json "assert [(x[\"before\"], x[\"bring\"], x[\"need\"]) for x in d] == [(None, \"a poem\", None), (5, None, None)], d" <"$OUT" &&
	form quit-discard && form leave-at-once && form skip-all &&
	form sigterm && test "$(fcount)" -eq 5
'

test_expect_success 'form: a leave key twice keeps what was typed' '
	form quit-twice && test "$(fcount)" -eq 8 &&
	selfhelp $P --vault "$FV" group list --json --since 2026-11-27 --until 2026-11-27 >"$OUT" &&
	json "assert [x[\"bring\"] for x in d] == [\"a drawing\"] * 3, d" <"$OUT"
'

test_expect_success 'form: locked, the boundary question asks in general' '
	selfhelp $P --vault "$FV" group prepare --boundary "I may pass" \
		--date "2026-11-25 18:00" >/dev/null &&
	form locked &&
	selfhelp $P --vault "$FV" group list --json --since 2026-11-25 --until 2026-11-25 >"$OUT" &&
	json "r, p = d; assert r[\"kept\"] == \"yes\" and r[\"closeness\"] == \"too-close\", r
assert r[\"linked\"] == p[\"id\"], d" <"$OUT"
'

test_expect_success 'form: a long boundary is quoted on one line, cut cleanly' '
	b=$(python3 -c "print(\"no advice\nplease \" + \"\\u00e9\" * 150)") &&
	selfhelp $P --vault "$FV" group prepare --boundary "$b" \
		--date "2026-11-30 18:00" >/dev/null &&
	form long-boundary
'

test_done
