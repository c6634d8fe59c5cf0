#!/bin/sh
# trigger-log and insights end to end, driving the real binary with
# --passphrase-file; the guided form through a pseudo-terminal
# (t2000-trigger-form.py).
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
FORM="$TEST_SRCDIR/pty/trigger-form.py"
export PASSFILE
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
ls /dev/shm >"$TEST_ROOT/shm-before" 2>/dev/null

count() { selfhelp_json "print(len(d))" $P trigger-log list --json; }
# No blaming words in a message file.
gentle() { ! grep -Eqi "invalid|illegal|wrong|you must" "$1"; }

test_expect_success 'setup: a vault' '
	quick_vault >"$OUT" 2>"$ERR"
'

test_expect_success 'every sub-command has --help (exit 0, stdout)' '
	for sub in add list show edit delete stats; do
		selfhelp trigger-log $sub --help >"$OUT" 2>"$ERR" &&
		test -s "$OUT" && test ! -s "$ERR" || { echo "$sub"; false; }
	done &&
	selfhelp trigger-log --help >"$OUT" && expect_in "stats" "$OUT" &&
	selfhelp insights --help >"$OUT" && expect_in "too early to tell" "$OUT" &&
	selfhelp help trigger-log >"$OUT" && expect_in "delete" "$OUT" &&
	selfhelp --help >"$OUT" && expect_in "trigger-log" "$OUT" &&
	expect_in "insights" "$OUT"
'

test_expect_success 'add with every flag prints a short id' '
	selfhelp $P trigger-log add --trigger "A slammed door" --before 7 \
		--after 3 --state too-much --reaction "emotional flashback" \
		--vulnerability "poor sleep, hunger" --body "tight chest" \
		--emotion fear --emotion "shame" --thought "I am in trouble" \
		--felt-age 6 --urge hide --now-differs "I live alone now" \
		--helped "cold water" --helped "5-4-3-2-1" --note "first
second" --tag Home --date "2026-11-02 21:30" >"$OUT" 2>"$ERR" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT" && test ! -s "$ERR"
'

test_expect_success 'add: a few flags are enough; no terminal, no question' '
	selfhelp $P trigger-log add --quick --before 5 --date 2026-11-10T08:00 \
		</dev/null >"$OUT" && grep -Eq "^[0-9a-f]{8}$" "$OUT" &&
	selfhelp $P trigger-log add --emotion numb --state Too_Little \
		--tag work --date 2026-11-20 >"$OUT" &&
	printf "a note\nfrom stdin\n" |
		selfhelp $P trigger-log add --note - --date 2026-11-21 >"$OUT" &&
	test "$(count)" -eq 4
'

test_expect_success 'add: out-of-range and unknown values are usage errors' '
	n=$(count) &&
	test_must_fail 2 selfhelp $P trigger-log add --before 11 2>"$ERR" &&
	expect_in "0 to 10" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --after -1 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --before 7x 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --state sideways 2>"$ERR" &&
	expect_in "too-much, okay or too-little" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --before 3 --date 2026-02-30 2>"$ERR" &&
	expect_in "2026-02-30" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --felt-age 200 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add "loose words" 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --mood 3 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --emotion "$(printf "a\033b")" 2>"$ERR" &&
	expect_in "control characters" "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log list --json --before 3 2>"$ERR" &&
	test "$(count)" -eq "$n"
'

test_expect_success 'add: nothing given and no terminal names the flags' '
	test_must_fail 2 selfhelp $P trigger-log add </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "--trigger" "$ERR" && gentle "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --no-input --date today 2>"$ERR" &&
	expect_in "--no-input" "$ERR"
'

test_expect_success 'list: newest first, one line each, no counts' '
	selfhelp $P trigger-log list >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 4 &&
	head -n 1 "$OUT" | grep -q "2026-11-21 00:00" &&
	tail -n 1 "$OUT" | grep -q "2026-11-02 21:30  distress 7→3  too much  #home  A slammed door" &&
	grep -q "too little  #work  numb" "$OUT"
'

test_expect_success 'list filters: -n, --since, --until, --tag' '
	selfhelp $P trigger-log list -n 2 >"$OUT" && test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp $P trigger-log list --until 2026-11-02 >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "slammed" "$OUT" &&
	selfhelp $P trigger-log list --since 2026-11-10 --until 2026-11-20 >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp $P trigger-log list --tag WORK >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "numb" "$OUT" &&
	selfhelp $P trigger-log list --tag home --tag work >"$OUT" &&
	expect_in "Nothing was recorded in that selection" "$OUT" &&
	test_must_fail 2 selfhelp $P trigger-log list --since someday 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log list -n 0 2>"$ERR"
'

test_expect_success 'list --json parses back with id and every field' '
	selfhelp $P trigger-log list --json >"$OUT" &&
	json "assert len(d) == 4, d
r = [x for x in d if x[\"trigger\"] == \"A slammed door\"][0]
assert len(r[\"id\"]) == 32, r
assert r[\"when\"] == \"2026-11-02T21:30:00+00:00\", r
assert (r[\"before\"], r[\"after\"], r[\"state\"], r[\"felt_age\"]) == (7, 3, \"too-much\", 6), r
assert r[\"reactions\"] == [\"emotional flashback\"], r
assert r[\"vulnerabilities\"] == [\"poor sleep\", \"hunger\"], r
assert r[\"body\"] == [\"tight chest\"] and r[\"emotions\"] == [\"fear\", \"shame\"], r
assert r[\"thoughts\"] == \"I am in trouble\" and r[\"urges\"] == [\"hide\"], r
assert r[\"now_differs\"] == \"I live alone now\", r
assert r[\"helped\"] == [\"cold water\", \"5-4-3-2-1\"], r
assert r[\"note\"] == \"first\\nsecond\" and r[\"tags\"] == [\"home\"], r
for k in (\"created\", \"updated\"): assert k in r, r
s = [x for x in d if x[\"note\"] == \"a note\\nfrom stdin\"][0]
assert s[\"before\"] is None and s[\"state\"] is None and s[\"emotions\"] == [], s" <"$OUT"
'

test_expect_success 'show by prefix, every field; --json' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag home --json) &&
	selfhelp $P trigger-log show "$(echo $id | cut -c1-5)" >"$OUT" &&
	expect_in "Distress before   7" "$OUT" &&
	expect_in "Which way         too much" "$OUT" &&
	expect_in "What happened     A slammed door" "$OUT" &&
	expect_in "Felt age          6" "$OUT" &&
	expect_in "Now differs       I live alone now" "$OUT" &&
	expect_in "What you tried    cold water, 5-4-3-2-1" "$OUT" &&
	expect_in "                  second" "$OUT" &&
	selfhelp $P trigger-log show "$id" --json >"$OUT" &&
	json "assert d[0][\"id\"] == \"$id\" and d[0][\"urges\"] == [\"hide\"], d" <"$OUT"
'

test_expect_success 'show: unknown, too short, missing ids' '
	test_must_fail 1 selfhelp $P trigger-log show ffffffff 2>"$ERR" &&
	expect_in "no trigger record" "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log show abc 2>"$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log show 2>"$ERR" &&
	jid=$(selfhelp $P journal add -m "a journal entry") &&
	test_must_fail 1 selfhelp $P trigger-log show "$jid" 2>"$ERR"
'

test_expect_success 'edit by flags replaces those fields only' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag work --json) &&
	selfhelp $P trigger-log edit "$id" --after 2 --helped "walk, Cold Water" \
		--emotion "" >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	selfhelp $P trigger-log show "$id" --json >"$OUT" &&
	json "r = d[0]; assert r[\"after\"] == 2 and r[\"helped\"] == [\"walk\", \"Cold Water\"], r
assert r[\"emotions\"] == [] and r[\"state\"] == \"too-little\" and r[\"tags\"] == [\"work\"], r" <"$OUT" &&
	selfhelp $P trigger-log edit "$id" --after 2 >"$OUT" &&
	expect_in "Nothing changed." "$OUT" &&
	test_must_fail 2 selfhelp $P trigger-log edit "$id" --state maybe 2>"$ERR"
'

test_expect_success SCRIPT 'edit through a scripted $EDITOR (private tmpfs file)' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag home --json) &&
	cat >"$TEST_ROOT/ed.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	cp "$last" "$TEST_ROOT_ED/seen"
	dirname "$last" >"$TEST_ROOT_ED/dir"
	stat -c %a "$last" >"$TEST_ROOT_ED/mode"
	sed -i -e "s/^after: 3/after: 1/" -e "s/^emotion: .*/emotion: fear/" \
		-e "s/^urge: hide/urge: hide\nurge: call someone/" "$last"
	EOS
	chmod +x "$TEST_ROOT/ed.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed.sh" \
		script -qec "$SELFHELP_RUN $P trigger-log edit $id" /dev/null >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	expect_in "before: 7" "$TEST_ROOT/seen" &&
	expect_in "emotion: fear, shame" "$TEST_ROOT/seen" &&
	expect_in "note: first" "$TEST_ROOT/seen" &&
	test "$(cat "$TEST_ROOT/mode")" = 600 &&
	d=$(cat "$TEST_ROOT/dir") && test ! -e "$d" &&
	case "$d" in /dev/shm/*|"$XDG_RUNTIME_DIR"/*) true ;; *) false ;; esac &&
	selfhelp $P trigger-log show "$id" --json >"$OUT" &&
	json "r = d[0]; assert r[\"after\"] == 1 and r[\"emotions\"] == [\"fear\"], r
assert r[\"urges\"] == [\"hide\", \"call someone\"] and r[\"note\"] == \"first\\nsecond\", r
assert r[\"when\"] == \"2026-11-02T21:30:00+00:00\" and r[\"before\"] == 7, r" <"$OUT"
'

test_expect_success SCRIPT 'edit: an unchanged file changes nothing' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag home --json) &&
	EDITOR=true script -qec "$SELFHELP_RUN $P trigger-log edit $id" /dev/null >"$OUT" &&
	expect_in "Nothing changed." "$OUT"
'

test_expect_success SCRIPT 'edit: a mistake names the line; on a terminal, asks to fix it' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag home --json) &&
	selfhelp $P trigger-log show "$id" --json >"$TEST_ROOT/before.json" &&
	cat >"$TEST_ROOT/bad.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	sed -i "s/^before: 7/before: lots/" "$last"
	EOS
	chmod +x "$TEST_ROOT/bad.sh" &&
	echo n | EDITOR="$TEST_ROOT/bad.sh" \
		script -qec "$SELFHELP_RUN $P trigger-log edit $id" /dev/null >"$OUT" &&
	expect_in "Line 10: '\''before'\'' takes a number from 0 to 10" "$OUT" &&
	expect_in "Open the editor again" "$OUT" &&
	expect_in "left as it was" "$OUT" &&
	selfhelp $P trigger-log show "$id" --json >"$TEST_ROOT/after.json" &&
	cmp "$TEST_ROOT/before.json" "$TEST_ROOT/after.json"
'

test_expect_success 'edit from standard input; mistakes there exit 1' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag work --json) &&
	printf "state: okay\nhelped: breathing\nfeelings: calm\n" |
		test_must_fail 1 selfhelp $P trigger-log edit "$id" 2>"$ERR" &&
	expect_in "Line 3: '\''feelings'\'' is not a field" "$ERR" && gentle "$ERR" &&
	printf "when: 2026-11-20 07:00\nstate: okay\nhelped: breathing\ntag: work\n" |
		selfhelp $P trigger-log edit "$id" >"$OUT" &&
	selfhelp $P trigger-log show "$id" --json >"$OUT" &&
	json "r = d[0]; assert r[\"state\"] == \"okay\" and r[\"helped\"] == [\"breathing\"], r
assert r[\"after\"] is None and r[\"when\"] == \"2026-11-20T07:00:00+00:00\", r" <"$OUT" &&
	printf "# only a comment\n\n" | selfhelp $P trigger-log edit "$id" >"$OUT" &&
	expect_in "left as it was" "$OUT"
'

test_expect_success SCRIPT 'delete: asks on a terminal, needs --yes without one' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --tag work --json) &&
	test_must_fail 2 selfhelp $P trigger-log delete "$id" </dev/null 2>"$ERR" &&
	expect_in "--yes" "$ERR" &&
	echo n | script -qec "$SELFHELP_RUN $P trigger-log delete $id" /dev/null >"$OUT";
	expect_in "Kept it." "$OUT" &&
	selfhelp $P trigger-log show "$id" >/dev/null &&
	echo y | script -qec "$SELFHELP_RUN $P trigger-log delete $id" /dev/null >"$OUT";
	expect_in "Deleted." "$OUT" &&
	test_must_fail 1 selfhelp $P trigger-log show "$id" 2>"$ERR" &&
	id=$(selfhelp_json "print(d[0][\"id\"])" $P trigger-log list --json) &&
	selfhelp $P trigger-log delete "$id" --yes >"$OUT" &&
	expect_in "Deleted." "$OUT"
'

# --- the guided form, through a pseudo-terminal ---

test_expect_success 'form: every question, one at a time' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" full &&
	test "$(count)" -eq $((n + 1)) &&
	selfhelp $P trigger-log list --json --since 2026-11-02T21:00 --until 2026-11-02T22:00 >"$OUT" &&
	json "r = [x for x in d if x[\"trigger\"] == \"a slammed door\"][0]
assert r[\"when\"] == \"2026-11-02T21:30:00+00:00\", r
assert (r[\"before\"], r[\"after\"], r[\"state\"], r[\"felt_age\"]) == (10, 4, \"too-much\", 7), r
assert r[\"reactions\"] == [\"emotional flashback\", \"freeze\"], r
assert r[\"vulnerabilities\"] == [\"poor sleep\", \"my own word\"], r
assert r[\"body\"] == [\"tight chest\"] and r[\"emotions\"] == [\"fear\", \"Shame\"], r
assert r[\"thoughts\"] == \"I am in trouble\" and r[\"urges\"] == [], r
assert r[\"now_differs\"] == \"I can leave now\", r
assert r[\"helped\"] == [\"Cold Water\", \"walk\"] and r[\"tags\"] == [\"home\"], r
assert r[\"note\"] is None, r" <"$OUT"
'

test_expect_success 'form --quick: asks only what the flags left; Ctrl-C keeps on yes' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" quick-keep &&
	test "$(count)" -eq $((n + 1)) &&
	selfhelp $P trigger-log list --json -n 1 >"$OUT" &&
	json "r = d[0]; assert r[\"trigger\"] == \"a raised voice\" and r[\"before\"] == 9, r
assert r[\"state\"] is None, r" <"$OUT"
'

test_expect_success 'form --quick at 60 columns: the hints after it are wrapped' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" quick-narrow &&
	test "$(count)" -eq $((n + 1))
'

test_expect_success 'form: Esc and no keeps nothing; q at once asks nothing' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" quick-discard &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" leave-at-once &&
	test "$(count)" -eq "$n"
'

test_expect_success 'form: a leave key twice keeps what was typed' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" leave-twice &&
	test "$(count)" -eq $((n + 1)) &&
	selfhelp $P trigger-log list --json -n 1 >"$OUT" &&
	json "r = d[0]; assert r[\"trigger\"] == \"panic text\" and r[\"before\"] == 6, r" <"$OUT"
'

test_expect_success 'form: SIGTERM restores the terminal and saves nothing' '
	n=$(count) &&
	SELFHELP="$SELFHELP_RUN" python3 "$FORM" sigterm &&
	test "$(count)" -eq "$n"
'

# --- stats / insights on a fixture with known figures ---

SV="--vault $TEST_ROOT/stats.db"

test_expect_success 'stats fixture' '
	quick_vault "$TEST_ROOT/stats.db" >/dev/null &&
	a() { selfhelp $P $SV trigger-log add "$@" >/dev/null; } &&
	a --date "2026-11-02 21:30" --before 8 --after 4 --trigger "Slammed door" \
		--emotion fear --emotion shame --body "tight chest" \
		--helped "Cold  Water" --helped breathing &&
	a --date "2026-11-03 03:10" --before 6 --after 5 --trigger "slammed  DOOR" \
		--emotion Fear --body shaking --helped "cold water" &&
	a --date "2026-11-10 09:00" --before 4 --trigger "raised voice" \
		--emotion "fear, anger" --body "tight chest, shaking" \
		--helped "cold water, walk" &&
	a --date "2026-11-12 14:00" --before 9 --after 3 --trigger "Slammed door" \
		--emotion shame --helped "COLD WATER, breathing" &&
	a --date "2026-11-20 19:45" --after 2 --emotion fear --helped walk &&
	a --date "2026-10-30 12:00" --before 10 --after 0 --trigger "Slammed door" \
		--helped "cold water" &&
	a --date "2026-11-23 00:00" --before 10 --after 0 --helped "cold water"
'

# Worked out by hand: see tests/unit/test-stats.c for the same fixture.
test_expect_success 'insights --json: hand-computed counts, means and drops' '
	selfhelp $P $SV insights --json --since 2026-11-02 --until 2026-11-22 >"$OUT" &&
	json "assert d[\"records\"] == 5, d
assert d[\"since\"] == \"2026-11-02T00:00:00+00:00\", d
assert d[\"until\"] == \"2026-11-22T23:59:59+00:00\", d
assert [(w[\"start\"], w[\"records\"], w[\"mean_before\"]) for w in d[\"weeks\"]] == [
    (\"2026-11-02\", 2, 7.0), (\"2026-11-09\", 2, 6.5), (\"2026-11-16\", 1, None)], d[\"weeks\"]
when = {w[\"day\"]: w for w in d[\"when\"]}
assert when[\"Monday\"][\"evening\"] == 1 and when[\"Tuesday\"][\"night\"] == 1, when
assert when[\"Tuesday\"][\"morning\"] == 1 and when[\"Thursday\"][\"afternoon\"] == 1, when
assert when[\"Friday\"][\"evening\"] == 1, when
assert sum(w[p] for w in d[\"when\"] for p in (\"night\", \"morning\", \"afternoon\", \"evening\")) == 5
assert d[\"triggers\"] == [{\"name\": \"Slammed door\", \"count\": 3}, {\"name\": \"raised voice\", \"count\": 1}], d[\"triggers\"]
assert [(e[\"name\"], e[\"count\"]) for e in d[\"emotions\"]] == [(\"fear\", 4), (\"shame\", 2), (\"anger\", 1)], d
assert [(e[\"name\"], e[\"count\"]) for e in d[\"body\"]] == [(\"shaking\", 2), (\"tight chest\", 2)], d
h = d[\"helped\"]
assert [x[\"name\"] for x in h] == [\"COLD WATER\", \"breathing\", \"walk\"], h
assert (h[0][\"uses\"], h[0][\"rated\"], h[0][\"mean_drop\"], h[0][\"enough\"]) == (4, 3, None, False), h[0]
assert (h[1][\"uses\"], h[1][\"rated\"], h[1][\"mean_drop\"], h[1][\"enough\"]) == (2, 2, None, False), h[1]
assert (h[2][\"uses\"], h[2][\"rated\"], h[2][\"mean_drop\"]) == (2, 0, None), h[2]" <"$OUT"
'

test_expect_success 'insights text: sparkline, table, gentle words' '
	selfhelp $P $SV trigger-log stats --since 2026-11-02 --until 2026-11-22 >"$OUT" &&
	expect_in "5 records" "$OUT" &&
	expect_in "  ██▄" "$OUT" &&
	expect_in "  ▆▆·" "$OUT" &&
	grep -Eq "^  Monday +· +· +· +1$" "$OUT" &&
	grep -Eq "^    3  Slammed door$" "$OUT" &&
	grep -Eq "^    4  fear$" "$OUT" &&
	grep -Eq "^  COLD WATER  4 times, 3 rated: too few to tell yet$" "$OUT" &&
	grep -Eq "^  breathing   2 times, 2 rated: too few to tell yet$" "$OUT" &&
	grep -Eq "^  walk        2 times, none rated before and after$" "$OUT" &&
	expect_in "What you tried, and how distress compared afterwards" "$OUT" &&
	expect_in "can'"'"'t show what caused a change" "$OUT" &&
	expect_not_in "What helped" "$OUT" &&
	expect_in "What happened or brought it on, most often" "$OUT" &&
	expect_not_in "set it off" "$OUT" &&
	! grep -Eqi "streak|score|in a row|bad|worse|failed" "$OUT"
'

test_expect_success 'insights --ascii is plain ASCII' '
	selfhelp $P $SV insights --ascii --since 2026-11-02 --until 2026-11-22 >"$OUT" &&
	expect_in "  @@+" "$OUT" && expect_in "  ##." "$OUT" &&
	! LC_ALL=C grep -q "[^ -~]" "$OUT" &&
	LANG=C LC_ALL=C selfhelp $P $SV insights --since 2026-11-02 --until 2026-11-22 >"$OUT" &&
	! LC_ALL=C grep -q "[^ -~]" "$OUT"
'

test_expect_success 'insights: an empty period just says nothing was recorded' '
	selfhelp $P $SV insights --since 2020-01-01 --until 2020-03-01 >"$OUT" &&
	test "$(cat "$OUT")" = "Nothing was recorded between 2020-01-01 00:00 and 2020-03-01 23:59." &&
	selfhelp $P $SV insights --json --since 2020-01-01 --until 2020-03-01 >"$OUT" &&
	json "assert d[\"records\"] == 0 and d[\"helped\"] == [] and len(d[\"weeks\"]) == 9, d" <"$OUT" &&
	test_must_fail 2 selfhelp $P $SV insights --since 2026-11-10 --until 2026-11-01 2>"$ERR" &&
	gentle "$ERR" &&
	test_must_fail 2 selfhelp $P $SV insights --since soon 2>"$ERR" &&
	test_must_fail 2 selfhelp $P $SV insights extra 2>"$ERR"
'

test_expect_success 'insights: default period is the last 12 weeks' '
	selfhelp $P $SV insights --json >"$OUT" &&
	json "assert len(d[\"weeks\"]) == 12, len(d[\"weeks\"])" <"$OUT"
'

test_expect_success SCRIPT 'privacy: trigger text and emotions never in clear on disk' '
	M=TRIGGERMARK8y2q && E=EMOTIONMARK5k1z &&
	selfhelp $P trigger-log add --trigger "$M here" --emotion "$E" \
		--helped "$M-help" >/dev/null &&
	id=$(selfhelp_json "print([x for x in d if x[\"trigger\"] == \"$M here\"][0][\"id\"])" $P trigger-log list --json) &&
	EDITOR=true script -qec "$SELFHELP_RUN $P trigger-log edit $id" /dev/null >/dev/null &&
	selfhelp $P trigger-log edit "$id" --note "$M note" >/dev/null &&
	selfhelp $P insights >/dev/null &&
	for f in "$VAULT" "$VAULT-wal" "$VAULT-shm"; do
		if test -e "$f"; then
			! grep -a -q "$M" "$f" && ! grep -a -q "$E" "$f" || { echo "found in $f"; false; }
		fi
	done &&
	! grep -r -a -q "$M" "$XDG_RUNTIME_DIR" 2>/dev/null &&
	ls /dev/shm >"$TEST_ROOT/shm-after" 2>/dev/null;
	! diff "$TEST_ROOT/shm-before" "$TEST_ROOT/shm-after" | grep "^>.*selfhelp"
'

test_done
