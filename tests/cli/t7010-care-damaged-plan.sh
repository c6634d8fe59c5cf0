#!/bin/sh
# A damaged safety plan (security review, section 7): when its newest
# version cannot be read, `safety-plan show` says so, shows the newest
# version that reads and exits 1; `history` marks what is damaged; `edit`
# says so and starts from the newest that reads; `crisis` says the plan
# could not be read, and its numbers are always there.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export SELFHELP_COUNTRY=us

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

# damage_plan PART [N]: change one byte of the PART (head or body) of the
# Nth newest safety-plan record in $VAULT (default 1: the newest stored),
# as damage or tampering would. The only place in this file that edits
# the vault's contents directly: when the vault format changes, only
# this body changes.
damage_plan() {
	selfhelp $P safety-plan history --json >"$TEST_ROOT/hist.json" 2>/dev/null
	_id=$(python3 -c "
import json, sys
vs = sorted(json.load(open(sys.argv[1])), key=lambda v: v[\"version\"], reverse=True)
print(vs[int(sys.argv[2]) - 1][\"id\"])" "$TEST_ROOT/hist.json" "${2:-1}") &&
	damage_record "$VAULT" "$_id" "$1"
}

# A new vault whose plan has two versions: 1 holds OLDMARK, 2 NEWMARK.
two_versions() {
	rm -rf "$XDG_DATA_HOME/selfhelp" &&
	quick_vault >/dev/null 2>&1 &&
	printf "## People I can ask for help\n- OLDMARK Sam\n" >"$TEST_ROOT/v1.txt" &&
	printf "## People I can ask for help\n- NEWMARK Ana\n## Making my surroundings safer\n- NEWMARK the knives are at Jo's\n" >"$TEST_ROOT/v2.txt" &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/v1.txt" >/dev/null &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/v2.txt" >/dev/null
}

msg_newest="The newest version of your safety plan could not be read (it is damaged or was changed outside selfhelp). Showing version 1, saved "

test_expect_success 'setup: two versions, the newest shown, nothing said' '
	two_versions &&
	selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "- NEWMARK Ana" "$OUT" && expect_in "version 2 of 2" "$OUT"
'

test_expect_success 'damaged newest head: show says so, shows version 1, exits 1' '
	damage_plan head &&
	test_must_fail 1 selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	expect_in "$msg_newest" "$ERR" &&
	expect_in ", the newest one that reads." "$ERR" &&
	expect_in "- OLDMARK Sam" "$OUT" && expect_not_in "NEWMARK" "$OUT" &&
	expect_in "# Your safety plan, version 1 of 2, saved" "$OUT" &&
	expect_in "# The newest version (2) could not be read" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan show --json >"$TEST_ROOT/s.json" 2>"$ERR" &&
	expect_in "$msg_newest" "$ERR" &&
	json "$TEST_ROOT/s.json" "
assert d[\"version\"] == 1 and d[\"versions\"] == 2 and d[\"current\"] is False, d
s = {x[\"key\"]: x[\"items\"] for x in d[\"sections\"]}
assert s[\"people\"] == [\"OLDMARK Sam\"], s
"
'

test_expect_success 'damaged newest head: history marks it, show --version 2 fails' '
	test_must_fail 1 selfhelp $P safety-plan history >"$OUT" 2>"$ERR" &&
	grep -q "^ *2  date unknown  *could not be read (damaged)$" "$OUT" &&
	grep -q "^ *1  .*(the newest one that reads)$" "$OUT" &&
	expect_not_in "current plan" "$OUT" &&
	expect_in "Version 2 of your safety plan could not be read" "$ERR" &&
	test_must_fail 1 selfhelp $P safety-plan history --json >"$TEST_ROOT/h.json" 2>"$ERR" &&
	json "$TEST_ROOT/h.json" "
assert [(e[\"version\"], e[\"damaged\"]) for e in d] == [(2, True), (1, False)], d
assert d[0][\"created\"] is None and d[1][\"created\"], d
" &&
	test_must_fail 1 selfhelp $P safety-plan show --version 2 >"$OUT" 2>"$ERR" &&
	expect_in "Version 2 of your safety plan could not be read" "$ERR" &&
	test ! -s "$OUT" &&
	selfhelp $P safety-plan show --version 1 >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" && expect_in "- OLDMARK Sam" "$OUT"
'

test_expect_success 'damaged newest body: show says so, shows version 1, exits 1' '
	two_versions &&
	damage_plan body &&
	test_must_fail 1 selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	expect_in "$msg_newest" "$ERR" &&
	expect_in "- OLDMARK Sam" "$OUT" && expect_not_in "NEWMARK" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan history >"$OUT" 2>"$ERR" &&
	grep -q "^ *2  20[0-9-]* [0-9:]*  could not be read (damaged)$" "$OUT"
'

test_expect_success 'a damaged older version only: show says nothing, exit 0' '
	two_versions &&
	damage_plan head 2 &&
	selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "- NEWMARK Ana" "$OUT" && expect_not_in "could not be read" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan history >"$OUT" 2>"$ERR" &&
	grep -q "^ *2  .*(the current plan)$" "$OUT" &&
	grep -q "^ *1  date unknown  *could not be read (damaged)$" "$OUT"
'

test_expect_success 'no version reads: show says so, exit 1, and where help is' '
	two_versions &&
	damage_plan body 1 && damage_plan head 2 &&
	test_must_fail 1 selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	expect_in "Your safety plan could not be read: none of its 2 versions reads" "$ERR" &&
	expect_not_in "MARK" "$OUT" &&
	expect_in "call 911 now." "$OUT" &&
	expect_in "Call or text 988" "$OUT" &&
	expect_in "selfhelp crisis" "$OUT" &&
	(SELFHELP_COUNTRY=zz && export SELFHELP_COUNTRY &&
		test_must_fail 1 selfhelp $P safety-plan show >"$OUT" 2>"$ERR") &&
	expect_in "112 across the EU, 911 in the US and Canada, 999 in the UK" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan show --json >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" &&
	expect_in "none of its 2 versions reads" "$ERR" &&
	expect_in "call 911" "$ERR"
'

test_expect_success 'edit --from after a damaged newest: saved as the current plan' '
	two_versions &&
	damage_plan head &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/v1.txt" >"$OUT" 2>"$ERR" &&
	expect_in "The newest version of your safety plan could not be read" "$ERR" &&
	expect_in "What you save now becomes your current plan" "$ERR" &&
	expect_in "Saved as version 3; it is now your current plan." "$OUT" &&
	expect_not_in "Nothing changed" "$OUT" &&
	selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "version 3 of 3" "$OUT" && expect_in "- OLDMARK Sam" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan history >"$OUT" &&
	grep -q "^ *2  date unknown  *could not be read (damaged)$" "$OUT"
'

test_expect_success SCRIPT 'edit in the editor after a damaged newest: starts from version 1, says so' '
	two_versions &&
	damage_plan body &&
	cat >"$TEST_ROOT/ed.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	cp "$last" "$TEST_ROOT_ED/template"
	EOS
	chmod +x "$TEST_ROOT/ed.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed.sh" \
		script -qec "$SELFHELP_RUN $P safety-plan edit" /dev/null >"$OUT" &&
	expect_in "so this starts from version 1, saved" "$OUT" &&
	expect_in "# The newest version of your plan could not be read" "$TEST_ROOT/template" &&
	expect_in "This starts from version 1," "$TEST_ROOT/template" &&
	expect_in "- OLDMARK Sam" "$TEST_ROOT/template" &&
	expect_not_in "NEWMARK" "$TEST_ROOT/template" &&
	expect_in "Saved as version 3; it is now your current plan." "$OUT"
'

test_expect_success 'help says what show and edit do with a damaged newest version' '
	selfhelp safety-plan --help >"$OUT" &&
	expect_in "If the newest version cannot be read" "$OUT" &&
	expect_in "edit says so and starts from that one" "$OUT"
'

# crisis shows the plan only while unlocked (the kernel keyring, which
# some containers lack: then these are skipped).
unlocked() {
	selfhelp $P unlock --for 5m >/dev/null 2>"$TEST_ROOT/unlock.err"
}

if two_versions && unlocked; then
	test_set_prereq KEYRING
else
	echo "# no kernel keyring here (or no two versions): $(cat "$TEST_ROOT/unlock.err" 2>/dev/null)"
fi

test_expect_success KEYRING 'crisis: a readable plan, nothing said' '
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "- NEWMARK Ana" "$OUT" && expect_not_in "could not be read" "$OUT"
'

test_expect_success KEYRING 'crisis: damaged newest head: said, version 1 marked, numbers shown' '
	damage_plan head &&
	test_must_fail 1 selfhelp crisis >"$OUT" 2>"$ERR" &&
	expect_in "call 911" "$OUT" && expect_in "Call or text 988" "$OUT" &&
	expect_in "Your safety plan could not be read: its newest version is damaged" "$OUT" &&
	expect_in "People I can ask for help (from version 1 of your safety plan)" "$OUT" &&
	expect_in "- OLDMARK Sam" "$OUT" && expect_not_in "NEWMARK" "$OUT" &&
	test_must_fail 1 selfhelp crisis --json >"$TEST_ROOT/c.json" 2>"$ERR" &&
	expect_in "Your safety plan could not be read" "$ERR" &&
	json "$TEST_ROOT/c.json" "
p = d[\"plan\"]
assert p[\"damaged\"] is True and p[\"version\"] == 1 and p[\"versions\"] == 2, p
assert p[\"people\"] == [\"OLDMARK Sam\"], p
assert d[\"emergency\"][\"number\"] == \"911\"
"
'

test_expect_success KEYRING 'crisis: damaged newest body: the same' '
	two_versions && unlocked &&
	damage_plan body &&
	test_must_fail 1 selfhelp crisis >"$OUT" 2>"$ERR" &&
	expect_in "call 911" "$OUT" &&
	expect_in "Your safety plan could not be read: its newest version is damaged" "$OUT" &&
	expect_in "- OLDMARK Sam" "$OUT" && expect_not_in "NEWMARK" "$OUT"
'

test_expect_success KEYRING 'crisis: no version reads: said, and the numbers' '
	damage_plan head 2 &&
	test_must_fail 1 selfhelp crisis >"$OUT" 2>"$ERR" &&
	expect_in "call 911" "$OUT" && expect_in "Call or text 988" "$OUT" &&
	expect_in "Your safety plan could not be read: it is damaged" "$OUT" &&
	expect_not_in "MARK" "$OUT" &&
	test_must_fail 1 selfhelp crisis --json >"$TEST_ROOT/c.json" 2>"$ERR" &&
	json "$TEST_ROOT/c.json" "
p = d[\"plan\"]
assert p[\"damaged\"] is True and p[\"version\"] is None, p
assert p[\"people\"] == [] and p[\"versions\"] == 2, p
assert d[\"emergency\"][\"number\"] == \"911\"
"
'

test_expect_success KEYRING 'crisis: a damaged older version only: nothing said' '
	two_versions && unlocked &&
	damage_plan body 2 &&
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "- NEWMARK Ana" "$OUT" && expect_not_in "could not be read" "$OUT" &&
	selfhelp lock >/dev/null
'

test_done
