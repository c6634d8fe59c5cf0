#!/bin/sh
# selfhelp crisis (no vault, no passphrase, by country and locale) and
# selfhelp safety-plan (edit from a file, stdin and $EDITOR; versions;
# JSON; privacy; its people in `crisis` only while unlocked).
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
ESC=$(printf '\033')


# --- crisis ---

test_expect_success 'crisis: no vault, exit 0, emergency numbers and the directory' '
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "Help right now" "$OUT" &&
	expect_in "immediate danger" "$OUT" &&
	expect_in "112" "$OUT" && expect_in "911" "$OUT" && expect_in "999" "$OUT" &&
	expect_in "findahelpline.com" "$OUT" &&
	expect_in "selfhelp grounding" "$OUT" &&
	expect_in "selfhelp safety-plan" "$OUT" &&
	test ! -e "$XDG_DATA_HOME/selfhelp"
'

test_expect_success 'crisis: an unreadable HOME and no XDG dirs are fine' '
	mkdir -p "$TEST_ROOT/locked-home" && chmod 000 "$TEST_ROOT/locked-home" &&
	HOME="$TEST_ROOT/locked-home" XDG_DATA_HOME= XDG_CONFIG_HOME= \
		selfhelp crisis --country de >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" && expect_in "0800 111 0 111" "$OUT" &&
	(unset HOME XDG_DATA_HOME; selfhelp crisis --country us) >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" && expect_in "988" "$OUT" &&
	chmod 700 "$TEST_ROOT/locked-home"
'

test_expect_success 'crisis: never asks for a passphrase, even with a vault' '
	quick_vault >/dev/null 2>&1 &&
	selfhelp crisis --country gb </dev/null >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" && expect_not_in "assphrase" "$OUT"
'

# One line per country: code, then strings the screen must hold.
check_country() {
	code=$1
	shift
	selfhelp crisis --country "$code" >"$OUT" 2>"$ERR" || return 1
	test ! -s "$ERR" || return 1
	for want; do
		expect_in "$want" "$OUT" || return 1
	done
}

test_expect_success 'crisis --country: each country, any case' '
	check_country US "(United States)" "call 911" "Call or text 988" \
		"988lifeline.org" "Dial 988, then press 1" "Text 838255" &&
	check_country us "(United States)" &&
	check_country GB "(United Kingdom)" "call 999" "116 123" "jo@samaritans.org" &&
	check_country uk "(United Kingdom)" "Samaritans" &&
	check_country Uk "(United Kingdom)" &&
	check_country IE "(Ireland)" "call 112" "116 123" &&
	check_country DE "(Germany)" "call 112" "0800 111 0 111" "0800 111 0 222" \
		"telefonseelsorge.de" &&
	check_country de "TelefonSeelsorge" &&
	check_country Germany "(Germany)" &&
	check_country AT "(Austria)" "call 112" "Or call 144 for an ambulance" \
		"TelefonSeelsorge" "Call 142, free from every phone" \
		"findahelpline.com/AT" &&
	check_country CH "(Switzerland)" "call 112" "Or call 144 for an ambulance" \
		"Die Dargebotene Hand" "Call 143." "findahelpline.com/CH" &&
	check_country Schweiz "(Switzerland)" &&
	check_country LI "(Liechtenstein)" "local emergency number" "Call 143." \
		"findahelpline.com/LI" &&
	check_country CA "(Canada)" "call 911" "9-8-8 Suicide Crisis Helpline" \
		"Call or text 988" "findahelpline.com/CA" &&
	check_country AU "(Australia)" "call 000" "Lifeline" \
		"Call 13 11 14, free from mobiles" "findahelpline.com/AU" &&
	check_country fr "(France)" "call 112" "Or call 15 (SAMU) for urgent medical help" \
		"Call 3114" "findahelpline.com/FR" &&
	check_country NL "(Netherlands)" "call 112" "113 Zelfmoordpreventie" \
		"Call 113 or 0800-0113, both free" "findahelpline.com/NL" &&
	check_country es "(Spain)" "call 112" "Call 024" "findahelpline.com/ES" &&
	check_country PT "(Portugal)" "call 112" "findahelpline.com/PT"
'

test_expect_success 'crisis: no unverified number is shown' '
	for c in US GB IE DE AT CH LI CA AU FR NL ES; do
		selfhelp crisis --country $c --sources >>"$OUT" || return 1
	done &&
	expect_not_in "0477" "$OUT" &&
	expect_not_in "85258" "$OUT" &&
	expect_not_in "741741" "$OUT" &&
	expect_not_in "1737" "$OUT" &&
	selfhelp crisis --country DE >"$OUT" && expect_not_in "116 123" "$OUT" &&
	selfhelp crisis --country IE >"$OUT" && expect_not_in "@" "$OUT" &&
	selfhelp crisis --country LI >"$OUT" && expect_not_in "call 1" "$OUT"
'

test_expect_success 'crisis --sources: each number with its source and date, no reviewer notes' '
	selfhelp crisis --country us --sources >"$OUT" &&
	expect_in "Source: https://www.sfsuicide.org/about-988/" "$OUT" &&
	expect_in "Source: http://veteranscrisisline.net/About/VeteranSuicide.aspx" "$OUT" &&
	expect_in "Last checked: 20" "$OUT" &&
	for c in GB AU LI IE; do
		selfhelp crisis --country $c --sources >"$OUT" &&
		expect_not_in "To confirm" "$OUT" &&
		expect_not_in "confirm" "$OUT" || return 1
	done &&
	selfhelp crisis --country gb --sources >"$OUT" &&
	sed -n "/call 999/,/Last checked/p" "$OUT" >"$TEST_ROOT/gb999" &&
	expect_in "Source: https://www.lincs.police.uk/" "$TEST_ROOT/gb999" &&
	selfhelp crisis --country au --sources >"$OUT" &&
	sed -n "/call 000/,/Last checked/p" "$OUT" >"$TEST_ROOT/au000" &&
	expect_in "Source: https://lifelineh2h.org.au/" "$TEST_ROOT/au000" &&
	expect_in "Last checked: 2026-12-06" "$TEST_ROOT/au000"
'

test_expect_success 'crisis: the country from the locale' '
	LC_ALL=de_AT.UTF-8 selfhelp crisis >"$OUT" &&
	expect_in "(Austria, guessed from your language settings)" "$OUT" &&
	LC_ALL=en_US.UTF-8 selfhelp crisis >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now (United States, guessed from your language settings)" &&
	expect_in "Somewhere else?" "$OUT" &&
	expect_in "999 in the UK" "$OUT" &&
	LC_ALL= LC_MESSAGES= LANG=en_GB.UTF-8 selfhelp crisis >"$OUT" &&
	expect_in "(United Kingdom, guessed" "$OUT" &&
	LC_ALL= LC_MESSAGES=de_CH.UTF-8 LANG=en_US.UTF-8 selfhelp crisis >"$OUT" &&
	expect_in "(Switzerland, guessed" "$OUT" &&
	LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 selfhelp crisis >"$OUT" &&
	expect_in "(Germany, guessed" "$OUT" &&
	LC_ALL=de_AT.UTF-8 selfhelp crisis --country us >"$OUT" &&
	expect_in "(United States)" "$OUT" && expect_not_in "language settings" "$OUT" &&
	LC_ALL=de_AT.UTF-8 SELFHELP_COUNTRY=ie selfhelp crisis >"$OUT" &&
	expect_in "(Ireland)" "$OUT" &&
	LC_ALL=C.UTF-8 LC_MESSAGES= LANG= selfhelp crisis >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now" &&
	expect_in "--country CC" "$OUT"
'

test_expect_success 'crisis: an unknown country shows the directory and 112/911/999/000' '
	for c in zz JP NZ Narnia; do
		selfhelp crisis --country "$c" >"$OUT" 2>"$ERR" || return 1
		test ! -s "$ERR" || return 1
		expect_in "findahelpline.com" "$OUT" || return 1
		expect_in "112 across the EU, 911 in the US and Canada, 999 in the UK, 000 in Australia." "$OUT" || return 1
	done &&
	expect_in "Narnia" "$OUT" &&
	LC_ALL=ja_JP.UTF-8 selfhelp crisis >"$OUT" &&
	expect_in "no checked numbers for '\''JP'\''" "$OUT" &&
	expect_in "findahelpline.com" "$OUT"
'

test_expect_success 'crisis: no escape sequences when not a terminal' '
	TERM=xterm-256color selfhelp crisis --country us >"$OUT" &&
	! grep -q "$ESC" "$OUT" &&
	TERM=xterm-256color selfhelp crisis --list >"$OUT" &&
	! grep -q "$ESC" "$OUT"
'

test_expect_success SCRIPT 'crisis: bold on a terminal, none with NO_COLOR' '
	TERM=xterm-256color script -qec "$SELFHELP_RUN crisis --country de" /dev/null >"$OUT" &&
	grep -q "$ESC\[1m" "$OUT" &&
	TERM=xterm-256color NO_COLOR=1 script -qec "$SELFHELP_RUN crisis --country de" /dev/null >"$OUT" &&
	! grep -q "$ESC" "$OUT" && expect_in "TelefonSeelsorge" "$OUT"
'

test_expect_success 'crisis --list and --json' '
	selfhelp crisis --list >"$OUT" &&
	for c in US GB IE DE AT CH LI CA AU FR NL ES; do
		grep -q "^  $c  " "$OUT" || return 1
	done &&
	selfhelp_json "
codes = [c[\"code\"] for c in d]
assert codes == sorted(codes), codes
for c in \"US GB IE DE AT CH LI CA AU FR NL ES\".split(): assert c in codes, c
e = {c[\"code\"]: c[\"emergency\"] for c in d}
assert e[\"DE\"] == \"112\" and e[\"AU\"] == \"000\" and e[\"CA\"] == \"911\", e
" crisis --list --json &&
	selfhelp_json "
assert d[\"emergency\"][\"number\"] == \"112\"
assert d[\"emergency\"][\"also\"] == [\"144 for an ambulance\"], d[\"emergency\"]
assert d[\"emergency\"][\"sources\"]
" crisis --json --country ch &&
	selfhelp_json "
assert d[\"country\"][\"code\"] == \"GB\" and d[\"country\"][\"from\"] == \"option\"
assert d[\"emergency\"][\"number\"] == \"999\"
l = d[\"lines\"][0]
assert l[\"name\"] == \"Samaritans\" and \"Call 116 123\" in l[\"contact\"][0]
assert l[\"sources\"] and all(s.startswith(\"http\") for s in l[\"sources\"])
assert len(l[\"verified\"]) == 10
assert d[\"directory\"][\"url\"] == \"findahelpline.com/GB\"
assert \"plan\" not in d
" crisis --json --country uk &&
	selfhelp_json "
assert d[\"country\"] is None and d[\"asked\"] == \"ZZ\"
assert d[\"lines\"] == [] and d[\"directory\"][\"url\"] == \"findahelpline.com\"
" crisis --json --country zz
'

test_expect_success 'crisis: help, usage errors exit 2, gentle words' '
	selfhelp crisis --help >"$OUT" && expect_in "--country CC" "$OUT" &&
	selfhelp help crisis >"$OUT" && expect_in "--list" "$OUT" &&
	test_must_fail 2 selfhelp crisis --country 2>"$ERR" &&
	expect_in "needs a value" "$ERR" &&
	test_must_fail 2 selfhelp crisis --frobnicate 2>>"$ERR" &&
	test_must_fail 2 selfhelp crisis de 2>>"$ERR" &&
	expect_in "--country de" "$ERR" &&
	test_must_fail 2 selfhelp crisis --list --country de 2>>"$ERR" &&
	! grep -Ei "invalid|illegal|wrong|you must" "$ERR"
'

test_expect_success 'crisis is listed near the top of selfhelp --help' '
	selfhelp --help >"$OUT" &&
	sed -n "/^Commands:/{n;n;p;q}" "$OUT" >"$TEST_ROOT/second" &&
	expect_in "crisis" "$TEST_ROOT/second" &&
	expect_in "safety-plan" "$OUT"
'

# --- safety-plan ---

cat >"$TEST_ROOT/plan.txt" <<\EOF
# My plan
## Warning signs
- WARNMARK not sleeping
## Things I can do on my own
- cold water
## People I can ask for help
- PEOPLEMARK Sam 0171 2345
## Professionals and crisis lines
- PROMARK Dr. Weber
## My reasons to keep going
- REASONMARK my cat
EOF

test_expect_success 'safety-plan: none yet' '
	selfhelp $P safety-plan >"$OUT" &&
	expect_in "no safety plan yet" "$OUT" &&
	selfhelp_json "assert d is None" $P safety-plan show --json &&
	selfhelp $P safety-plan history >"$OUT" &&
	expect_in "no safety plan yet" "$OUT"
'

test_expect_success 'safety-plan edit --from FILE' '
	selfhelp $P safety-plan edit --from "$TEST_ROOT/plan.txt" >"$OUT" &&
	expect_in "Saved" "$OUT" && expect_not_in "MARK" "$OUT" &&
	selfhelp $P safety-plan show >"$OUT" &&
	expect_in "## Step 1: Warning signs" "$OUT" &&
	expect_in "- WARNMARK not sleeping" "$OUT" &&
	expect_in "- PEOPLEMARK Sam 0171 2345" "$OUT" &&
	expect_in "## Step 6: Making my surroundings safer" "$OUT" &&
	expect_in "# For times when things feel unbearable" "$OUT" &&
	expect_in "# straight to step 5 or call your emergency number." "$OUT" &&
	test "$(grep -c "^## Step [1-7]: " "$OUT")" -eq 7 &&
	! grep -q "$ESC" "$OUT"
'

test_expect_success 'safety-plan: the plan text is not in clear in the vault files' '
	for f in "$VAULT" "$VAULT-wal" "$VAULT-shm"; do
		test -e "$f" || continue
		! grep -q "MARK" "$f" || return 1
		! grep -q "Warning signs" "$f" || return 1
	done
'

test_expect_success 'safety-plan: the same plan again adds no version' '
	selfhelp $P safety-plan edit --from "$TEST_ROOT/plan.txt" >"$OUT" &&
	expect_in "Nothing changed" "$OUT" &&
	selfhelp $P safety-plan show >"$TEST_ROOT/shown" &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/shown" >"$OUT" &&
	expect_in "Nothing changed" "$OUT" &&
	selfhelp_json "assert len(d) == 1" $P safety-plan history --json
'

test_expect_success 'safety-plan edit from stdin, and --from -' '
	printf "## Warning signs\n- WARN2MARK\n## People I can ask for help\n- PEOPLE2MARK Ana\n" |
		selfhelp $P safety-plan edit >"$OUT" &&
	expect_in "version 2" "$OUT" &&
	printf "test passphrase\n## People I can ask for help\n- PEOPLE2MARK Ana\n## Reasons\n- REASON3MARK\n" |
		selfhelp --passphrase-file - safety-plan edit --from - >"$OUT" &&
	expect_in "version 3" "$OUT" &&
	selfhelp $P safety-plan show >"$OUT" &&
	expect_not_in "WARN2MARK" "$OUT" && expect_in "- PEOPLE2MARK Ana" "$OUT"
'

test_expect_success SCRIPT 'safety-plan edit through a scripted $EDITOR' '
	cat >"$TEST_ROOT/ed.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	dirname "$last" >"$TEST_ROOT_ED/dir"
	stat -c %a "$last" >"$TEST_ROOT_ED/mode"
	cp "$last" "$TEST_ROOT_ED/template"
	sed -i "s/^- REASON3MARK$/- REASON3MARK\n- EDITORMARK a walk/" "$last"
	EOS
	chmod +x "$TEST_ROOT/ed.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed.sh" \
		script -qec "$SELFHELP_RUN $P safety-plan edit" /dev/null >"$OUT" &&
	expect_in "version 4" "$OUT" &&
	test "$(cat "$TEST_ROOT/mode")" = 600 &&
	d=$(cat "$TEST_ROOT/dir") && test ! -e "$d" &&
	case "$d" in /dev/shm/*|"$XDG_RUNTIME_DIR"/*) true ;; *) false ;; esac &&
	expect_in "## Step 1: Warning signs" "$TEST_ROOT/template" &&
	expect_in "# Thoughts, feelings, urges (such as urges to hurt myself)" "$TEST_ROOT/template" &&
	expect_in "# Your safety plan is for times when things feel unbearable" "$TEST_ROOT/template" &&
	expect_in "## Step 6: Making my surroundings safer" "$TEST_ROOT/template" &&
	sed -n "/^## Step 6:/,/^## Step 7:/s/^# //p" "$TEST_ROOT/template" | tr "\n" " " >"$TEST_ROOT/step6" &&
	echo >>"$TEST_ROOT/step6" &&
	for means in medicines firearms weapons blades alcohol drugs "someone I trust to keep"; do
		expect_in "$means" "$TEST_ROOT/step6" || return 1
	done &&
	expect_in "- REASON3MARK" "$TEST_ROOT/template" &&
	selfhelp $P safety-plan show >"$OUT" &&
	expect_in "- EDITORMARK a walk" "$OUT" &&
	expect_in "- REASON3MARK" "$OUT"
'

test_expect_success SCRIPT 'safety-plan: a mistake in the editor can be fixed' '
	cat >"$TEST_ROOT/ed2.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	n=$(cat "$TEST_ROOT_ED/n" 2>/dev/null || echo 0)
	echo $((n + 1)) >"$TEST_ROOT_ED/n"
	if [ "$n" = 0 ]; then
		printf "## Things to eat\n- FIXMARK\n" >>"$last"
	else
		sed -i "s/^## Things to eat$/## Reasons/" "$last"
	fi
	EOS
	chmod +x "$TEST_ROOT/ed2.sh" &&
	echo y | TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed2.sh" \
		script -qec "$SELFHELP_RUN $P safety-plan edit" /dev/null >"$OUT" &&
	expect_in "'\''## Things to eat'\'' is not one of the plan'\''s parts" "$OUT" &&
	expect_in "version 5" "$OUT" &&
	test "$(cat "$TEST_ROOT/n")" = 2 &&
	selfhelp $P safety-plan show >"$OUT" &&
	expect_in "- FIXMARK" "$OUT" && expect_in "- PEOPLE2MARK Ana" "$OUT"
'

test_expect_success 'safety-plan: a mistake in a file changes nothing, exit 1' '
	printf "call Sam\n## Warning signs\n" >"$TEST_ROOT/bad.txt" &&
	test_must_fail 1 selfhelp $P safety-plan edit --from "$TEST_ROOT/bad.txt" 2>"$ERR" &&
	expect_in "Line 1 comes before the first heading" "$ERR" &&
	expect_in "Nothing was changed" "$ERR" &&
	printf "## Warning signs\n- a\n## Foods\n" |
		test_must_fail 1 selfhelp $P safety-plan edit 2>"$ERR" &&
	expect_in "Line 3:" "$ERR" && expect_in "My reasons to keep going" "$ERR" &&
	test_must_fail 1 selfhelp $P safety-plan edit --from "$TEST_ROOT/missing" 2>>"$ERR" &&
	printf "# only notes\n## Reasons\n- \n" |
		selfhelp $P safety-plan edit >"$OUT" &&
	expect_in "empty, so nothing was saved" "$OUT" &&
	! grep -Ei "invalid|illegal|wrong|you must" "$ERR" &&
	selfhelp_json "assert len(d) == 5" $P safety-plan history --json
'

test_expect_success 'safety-plan history and show --version N' '
	selfhelp $P safety-plan history >"$OUT" &&
	test "$(grep -c "^ *[0-9] " "$OUT")" -eq 5 &&
	head -n 1 "$OUT" | grep -q "^ *5 .*current" &&
	selfhelp $P safety-plan show --version 1 >"$OUT" &&
	expect_in "version 1 of 5" "$OUT" &&
	expect_in "WARNMARK" "$OUT" && expect_not_in "WARN2MARK" "$OUT" &&
	selfhelp $P safety-plan show --version 2 >"$OUT" &&
	expect_in "WARN2MARK" "$OUT" && expect_not_in "REASONMARK" "$OUT" &&
	test_must_fail 1 selfhelp $P safety-plan show --version 9 2>"$ERR" &&
	expect_in "no version 9" "$ERR" &&
	test_must_fail 2 selfhelp $P safety-plan show --version two 2>"$ERR" &&
	test_must_fail 2 selfhelp $P safety-plan history --version 1 2>"$ERR"
'

test_expect_success 'safety-plan show --json parses back' '
	selfhelp $P safety-plan show --json >"$TEST_ROOT/plan.json" &&
	json "
assert d[\"version\"] == 5 and d[\"versions\"] == 5
keys = [s[\"key\"] for s in d[\"sections\"]]
assert keys == [\"warning-signs\", \"on-my-own\", \"distractions\", \"people\",
                \"professionals\", \"surroundings\", \"reasons\"], keys
s = {x[\"key\"]: x for x in d[\"sections\"]}
assert s[\"reasons\"][\"items\"] == [\"REASON3MARK\", \"EDITORMARK a walk\", \"FIXMARK\"], s[\"reasons\"]
assert s[\"reasons\"][\"title\"] == \"My reasons to keep going\"
assert s[\"people\"][\"items\"] == [\"PEOPLE2MARK Ana\"]
" <"$TEST_ROOT/plan.json" &&
	python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for s in d[\"sections\"]:
    print(\"## \" + s[\"title\"])
    for i in s[\"items\"]:
        print(\"- \" + i)
" "$TEST_ROOT/plan.json" >"$TEST_ROOT/from-json.txt" &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/from-json.txt" >"$OUT" &&
	expect_in "Nothing changed" "$OUT" &&
	selfhelp_json "
s = {x[\"key\"]: x[\"items\"] for x in d[\"sections\"]}
assert s[\"people\"] == [\"PEOPLEMARK Sam 0171 2345\"]
assert d[\"version\"] == 1
" $P safety-plan show --version 1 --json
'

test_expect_success 'safety-plan: versions travel through export and import' '
	selfhelp $P export --output "$TEST_ROOT/export.json" 2>/dev/null &&
	quick_vault "$TEST_ROOT/v2.db" >/dev/null 2>&1 &&
	selfhelp $P --vault "$TEST_ROOT/v2.db" import "$TEST_ROOT/export.json" >/dev/null &&
	selfhelp $P --vault "$TEST_ROOT/v2.db" safety-plan history --json >"$TEST_ROOT/h2" &&
	selfhelp $P safety-plan history --json >"$TEST_ROOT/h1" &&
	cmp "$TEST_ROOT/h1" "$TEST_ROOT/h2" &&
	selfhelp $P --vault "$TEST_ROOT/v2.db" safety-plan show --version 2 --json >"$TEST_ROOT/s2" &&
	selfhelp $P safety-plan show --version 2 --json >"$TEST_ROOT/s1" &&
	cmp "$TEST_ROOT/s1" "$TEST_ROOT/s2"
'

# A plan from elsewhere may hold anything: import refuses control
# characters in its items, and one that is in the vault all the same
# (forged, or let in by an older selfhelp) never reaches the terminal
# with them.
V3="$TEST_ROOT/v3.db"
cat >"$TEST_ROOT/escapes.json" <<\EOF
{"selfhelp_export": 1, "records": [
 {"id": "0123456789abcdef0123456789abcdef", "kind": "safety-plan",
  "created": "2026-11-20T10:00:00+00:00", "updated": "2026-11-20T10:00:00+00:00",
  "head": {"v": 1, "created": 1795000000, "updated": 1795000000, "version": 1},
  "body": {"v": 1, "sections": {"people": ["ESCMARK \u001b[31mred\u001b[0m \u009b2J"]}}}]}
EOF

test_expect_success 'safety-plan: control characters in an imported plan are refused' '
	quick_vault "$V3" >/dev/null 2>&1 &&
	test_must_fail 1 selfhelp $P --vault "$V3" import "$TEST_ROOT/escapes.json" 2>"$ERR" &&
	expect_in "record 1 (id 01234567): item 1 of \"people\" holds a control character" "$ERR" &&
	! grep -q "$ESC" "$ERR" &&
	selfhelp $P --vault "$V3" safety-plan show >"$OUT" &&
	expect_in "no safety plan" "$OUT"
'

test_expect_success 'safety-plan: control characters in a stored plan are not shown' '
	printf "{\"v\": 1, \"created\": 1795000000, \"updated\": 1795000000, \"version\": 1}" >"$TEST_ROOT/plan.head" &&
	printf "{\"v\": 1, \"sections\": {\"people\": [\"ESCMARK \\u001b[31mred\\u001b[0m \\u009b2J\"]}}" >"$TEST_ROOT/plan.body" &&
	"$TEST_BUILDDIR/quick-vault" --put "$V3" "$PASSFILE" safety-plan \
		"$TEST_ROOT/plan.head" "$TEST_ROOT/plan.body" >/dev/null &&
	selfhelp $P --vault "$V3" safety-plan show >"$OUT" &&
	expect_in "ESCMARK ?[31mred?[0m ?2J" "$OUT" &&
	! grep -q "$ESC" "$OUT" &&
	! grep -q "$(printf "\302\233")" "$OUT"
'

test_expect_success 'safety-plan: nothing on standard input names --from' '
	selfhelp $P safety-plan edit </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "--from FILE" "$OUT" &&
	selfhelp_json "assert len(d) == 5" $P safety-plan history --json
'

test_expect_success 'safety-plan: help and usage errors' '
	selfhelp safety-plan --help >"$OUT" && expect_in "Stanley-Brown" "$OUT" &&
	selfhelp safety-plan edit --help >"$OUT" && expect_in "--from" "$OUT" &&
	selfhelp help safety-plan >"$OUT" && expect_in "history" "$OUT" &&
	test_must_fail 2 selfhelp safety-plan edit --json 2>"$ERR" &&
	test_must_fail 2 selfhelp safety-plan show extra 2>>"$ERR" &&
	test_must_fail 2 selfhelp safety-plan histroy 2>>"$ERR" &&
	expect_in "history" "$ERR" &&
	! grep -Ei "invalid|illegal|wrong|you must" "$ERR"
'

test_expect_success 'crisis: no plan people while locked' '
	selfhelp crisis --country us >"$OUT" 2>"$ERR" &&
	expect_not_in "PEOPLE2MARK" "$OUT" &&
	expect_not_in "from your safety plan" "$OUT" &&
	selfhelp_json "assert \"plan\" not in d" crisis --json
'

# The kernel keyring may be missing in some containers: skip those checks.
if selfhelp $P unlock --for 10m >"$TEST_ROOT/unlock.out" 2>"$TEST_ROOT/unlock.err"; then
	test_set_prereq KEYRING
else
	echo "# no kernel keyring here: $(cat "$TEST_ROOT/unlock.err")"
fi

test_expect_success KEYRING 'crisis: the plan'\''s people while unlocked' '
	selfhelp crisis --country us </dev/null >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "People I can ask for help (from your safety plan)" "$OUT" &&
	expect_in "- PEOPLE2MARK Ana" "$OUT" &&
	expect_not_in "REASON3MARK" "$OUT" &&
	selfhelp_json "
assert d[\"plan\"][\"people\"] == [\"PEOPLE2MARK Ana\"], d[\"plan\"]
" crisis --json
'
test_expect_success KEYRING 'crisis: no escapes from a stored plan' '
	selfhelp $P --vault "$V3" unlock --for 1m >/dev/null &&
	selfhelp --vault "$V3" crisis --country de >"$OUT" &&
	expect_in "ESCMARK" "$OUT" &&
	! grep -q "$ESC" "$OUT" &&
	selfhelp --vault "$V3" lock >/dev/null
'
test_expect_success KEYRING 'crisis: gone again after lock' '
	selfhelp lock >/dev/null &&
	selfhelp crisis --country us >"$OUT" &&
	expect_not_in "PEOPLE2MARK" "$OUT"
'

test_done
