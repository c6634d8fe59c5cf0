#!/bin/sh
# The words of insights and the trigger log (review content-C, T1-T3):
# nothing is filed under "what helped"; how distress compared afterwards
# is said in words, from at least 5 rated uses, beside a standing line
# that the numbers can't show causes; no "set you off", no "Vulnerable
# to".
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
V="--vault $TEST_ROOT/w.db"

test_expect_success 'setup: walk eased 5 times, music rose 5 times, tea 4 rated' '
	quick_vault "$TEST_ROOT/w.db" >/dev/null &&
	a() { selfhelp $P $V trigger-log add "$@" >/dev/null; } &&
	for d in 01 02 03 04 05; do
		a --date "2026-11-$d 10:00" --before 8 --after 5 --helped walk \
			--vulnerability "poor sleep" &&
		a --date "2026-11-$d 20:00" --before 6 --after 8 --helped music &&
		a --date "2026-11-$d 22:00" --before 5 --after 4 --helped tea || return 1
	done &&
	a --date "2026-11-06 22:00" --before 5 --helped tea &&
	a --date "2026-11-07 09:00" --helped "a bath"
'

test_expect_success 'insights: what you tried, in words, with no causes claimed' '
	selfhelp $P $V insights --since 2026-11-01 --until 2026-11-08 >"$OUT" &&
	expect_in "What you tried, and how distress compared afterwards" "$OUT" &&
	expect_not_in "What helped" "$OUT" &&
	grep -Eq "^  walk +5 times, 5 rated: about 3 points lower afterwards$" "$OUT" &&
	grep -Eq "^  music +5 times, 5 rated: higher afterwards$" "$OUT" &&
	grep -Eq "^  a bath +1 time, none rated before and after$" "$OUT" &&
	expect_in "can'"'"'t show what caused a change" "$OUT" &&
	expect_in "Distress often eases with time whatever we do" "$OUT" &&
	expect_in "Higher afterwards can mean it was tried at the hardest moments" "$OUT" &&
	expect_in "not a" "$OUT" && expect_in "verdict." "$OUT" &&
	expect_not_in "on average" "$OUT" &&
	! grep -Eq "[0-9]\.[0-9]" "$OUT"
'

test_expect_success 'insights: 4 rated uses are still too few to tell' '
	selfhelp $P $V insights --since 2026-11-01 --until 2026-11-08 >"$OUT" &&
	grep -Eq "^  tea +6 times, 5 rated: a little lower afterwards$" "$OUT" &&
	selfhelp $P $V insights --since 2026-11-02 --until 2026-11-08 >"$OUT" &&
	grep -Eq "^  tea +5 times, 4 rated: too few to tell yet$" "$OUT" &&
	grep -Eq "^  walk +4 times, 4 rated: too few to tell yet$" "$OUT" &&
	expect_in "with fewer than 5, it is" "$OUT" &&
	selfhelp $P $V insights --json --since 2026-11-02 --until 2026-11-08 >"$OUT" &&
	python3 -c "
import json, sys
h = {x[\"name\"]: x for x in json.load(open(sys.argv[1]))[\"helped\"]}
assert h[\"walk\"][\"rated\"] == 4 and h[\"walk\"][\"enough\"] is False, h
" "$OUT"
'

test_expect_success 'insights: what happened, not what set it off' '
	selfhelp $P $V trigger-log add --date "2026-11-03 12:00" \
		--trigger "a loud noise" >/dev/null &&
	selfhelp $P $V insights --since 2026-11-01 --until 2026-11-08 >"$OUT" &&
	expect_in "What happened or brought it on, most often" "$OUT" &&
	expect_not_in "set it off" "$OUT"
'

test_expect_success 'trigger-log show: what made it harder, what you tried' '
	selfhelp $P $V trigger-log list --json >"$OUT" &&
	id=$(python3 -c "
import json, sys
print([r for r in json.load(open(sys.argv[1])) if r[\"helped\"] == [\"walk\"]][0][\"id\"])" "$OUT") &&
	selfhelp $P $V trigger-log show "$id" >"$OUT" &&
	expect_in "Made it harder    poor sleep" "$OUT" &&
	expect_in "What you tried    walk" "$OUT" &&
	expect_not_in "Vulnerable" "$OUT" &&
	expect_not_in "What helped" "$OUT"
'

test_expect_success 'help: no "set you off", and what the trigger log is for' '
	selfhelp --help >"$OUT" &&
	selfhelp trigger-log --help >>"$OUT" &&
	selfhelp trigger-log add --help >>"$OUT" &&
	selfhelp insights --help >>"$OUT" &&
	expect_not_in "set you off" "$OUT" &&
	expect_not_in "set it off" "$OUT" &&
	expect_not_in "what helped" "$OUT" &&
	expect_in "record what happened, and what you tried" "$OUT"
'

test_done
