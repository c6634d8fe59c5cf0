#!/bin/sh
# selfhelp grounding without a terminal: steps printed once, no waiting,
# no escape codes; list, names, prefixes, --for, --pattern, exit codes.
# (Keys and signals on a terminal: tests/pty/grounding-pty.py.)
. "$TEST_SRCDIR/cli/lib.sh"

CONTENT="$TEST_SRCDIR/../content/grounding"
# The timeouts below only guard against waiting for input or a pacer;
# under valgrind, where one run takes a second or more, they are longer.
WAIT=2
if [ -n "$VALGRIND" ]; then
	WAIT=20
	echo "# under valgrind: timeouts of $WAIT s, not 2 (each run takes a second or more there)"
fi
ESC=$(printf '\033')
CR=$(printf '\r')

# The steps of exercise $1 that have no placeholder, one per line.
plain_steps() {
	sed -n 's/^- //p' "$CONTENT/$1.md" | grep -v '{'
}

# Every line of plain_steps $1 must be a line of file $2.
expect_steps() {
	plain_steps "$1" >"$TEST_ROOT/steps" &&
	while IFS= read -r line; do
		grep -qxF -- "$line" "$2" || {
			echo "missing step: $line" >&2
			return 1
		}
	done <"$TEST_ROOT/steps"
}

no_escapes() {
	expect_not_in "$ESC" "$1" && expect_not_in "$CR" "$1"
}

DEFAULT=$(grep -l '^default: yes' "$CONTENT"/*.md | sed 's|.*/||; s|\.md$||')

test_expect_success 'exactly one default exercise' '
	test "$(printf "%s\n" "$DEFAULT" | wc -l)" -eq 1 &&
	test -n "$DEFAULT"
'

test_expect_success 'no arguments, not a terminal: all steps once, exit 0' '
	timeout $WAIT "$SELFHELP_RUN" grounding </dev/null >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_steps "$DEFAULT" "$OUT" &&
	no_escapes "$OUT" &&
	title=$(sed -n "s/^title: //p" "$CONTENT/$DEFAULT.md") &&
	test "$(head -n 1 "$OUT")" = "$title" &&
	steps=$(grep -c "^- " "$CONTENT/$DEFAULT.md") &&
	notes=$(grep -c "^note: " "$CONTENT/$DEFAULT.md") &&
	test "$(grep -c . "$OUT")" -eq $((steps + notes + 2)) &&
	source=$(sed -n "s/^source: //p" "$CONTENT/$DEFAULT.md") &&
	test "$(tail -n 1 "$OUT")" = "From: $source"
'

test_expect_success 'placeholders are filled in with today' '
	timeout $WAIT "$SELFHELP_RUN" grounding facts </dev/null >"$OUT" &&
	expect_not_in "{" "$OUT" &&
	expect_in "Today is $(date +%A)." "$OUT" &&
	expect_in "The year is $(date +%Y)." "$OUT"
'

test_expect_success 'every exercise prints at once, without waiting' '
	for f in "$CONTENT"/*.md; do
		n=$(basename "$f" .md) &&
		timeout $WAIT "$SELFHELP_RUN" grounding "$n" </dev/null >"$OUT" 2>"$ERR" &&
		test ! -s "$ERR" &&
		expect_steps "$n" "$OUT" &&
		no_escapes "$OUT" || { echo "in $n" >&2; return 1; }
	done
'

test_expect_success 'breathing, not a terminal: the pattern as text, no sleep' '
	timeout $WAIT "$SELFHELP_RUN" grounding breathing --minutes 60 >"$OUT" &&
	expect_in "Breathe in for 4 seconds." "$OUT" &&
	expect_in "Breathe out for 6 seconds." "$OUT" &&
	expect_not_in "Hold" "$OUT" &&
	expect_in "Repeat for about 60 minutes." "$OUT" &&
	no_escapes "$OUT" &&
	timeout $WAIT "$SELFHELP_RUN" grounding --pattern box >"$OUT" &&
	test "$(grep -c "^Hold for 4 seconds.$" "$OUT")" -eq 2 &&
	timeout $WAIT "$SELFHELP_RUN" grounding breathing --pattern 4-7-8 >"$OUT" &&
	expect_in "Hold for 7 seconds." "$OUT" &&
	expect_in "Breathe out for 8 seconds." "$OUT" &&
	timeout $WAIT "$SELFHELP_RUN" grounding box-breathing >"$OUT" &&
	expect_in "Holding your breath makes panic worse" "$OUT" &&
	test "$(grep -c "^Hold for 4 seconds.$" "$OUT")" -eq 2 &&
	timeout $WAIT "$SELFHELP_RUN" grounding breathing --pattern 1-4-1 >"$OUT" &&
	expect_in "Breathe in for 1 second." "$OUT" &&
	expect_not_in "1 seconds" "$OUT"
'

test_expect_success 'REDUCED_MOTION and --plain change nothing off a terminal' '
	selfhelp grounding breathing >"$TEST_ROOT/a" &&
	SELFHELP_REDUCED_MOTION=1 selfhelp grounding breathing >"$OUT" &&
	cmp "$TEST_ROOT/a" "$OUT" &&
	selfhelp grounding breathing --plain --reduced-motion >"$OUT" &&
	cmp "$TEST_ROOT/a" "$OUT"
'

test_expect_success 'list: every exercise, name first, minutes, summary' '
	selfhelp grounding list >"$OUT" &&
	test "$(grep -c "^[a-z0-9]" "$OUT")" -eq "$(ls "$CONTENT"/*.md | wc -l)" &&
	test "$(grep -c "^[a-z0-9]" "$OUT")" -ge 12 &&
	test "$(head -n 1 "$OUT" | cut -d" " -f1)" = "$DEFAULT" &&
	for f in "$CONTENT"/*.md; do
		n=$(basename "$f" .md) &&
		s=$(sed -n "s/^summary: //p" "$f") &&
		m=$(sed -n "s/^minutes: //p" "$f") &&
		grep -q "^$n  *$m min  $s\$" "$OUT" ||
		{ echo "no line for $n" >&2; return 1; }
	done &&
	no_escapes "$OUT"
'

test_expect_success 'list --json' '
	selfhelp grounding list --json >"$OUT" &&
	expect_in "\"name\": \"$DEFAULT\"" "$OUT" &&
	expect_in "\"pattern\": \"4-6\"" "$OUT" &&
	test "$(grep -c "\"default\": true" "$OUT")" -eq 1 &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d) >= 12; assert sum(e[\"default\"] for e in d) == 1" "$OUT"
'

test_expect_success 'list --for too-little shows only those' '
	selfhelp grounding list --for too-little >"$OUT" &&
	n=$(grep -l "^for:.*too-little" "$CONTENT"/*.md | wc -l) &&
	test "$(grep -c "^[a-z0-9]" "$OUT")" -eq "$n" &&
	expect_not_in "box-breathing" "$OUT"
'

test_expect_success 'a unique prefix picks the exercise' '
	selfhelp grounding butt >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Butterfly hug" &&
	selfhelp grounding 5 >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "5-4-3-2-1 senses"
'

test_expect_success 'a miss suggests the closest name, exit 2' '
	test_must_fail 2 selfhelp grounding breathng >"$OUT" 2>"$ERR" &&
	expect_in "Did you mean '\''breathing'\''?" "$ERR" &&
	test ! -s "$OUT" &&
	test_must_fail 2 selfhelp grounding xqzxqzxqzxqz >"$OUT" 2>"$ERR" &&
	expect_in "selfhelp grounding list" "$ERR" &&
	test ! -s "$OUT"
'

test_expect_success 'an ambiguous prefix asks for a few more letters, exit 2' '
	test_must_fail 2 selfhelp grounding c >"$OUT" 2>"$ERR" &&
	expect_in "more than one" "$ERR" &&
	test ! -s "$OUT"
'

test_expect_success '--for picks one that suits' '
	for state in too-much too-little; do
		grep -l "^for:.*$state" "$CONTENT"/*.md |
			xargs sed -n "s/^title: //p" >"$TEST_ROOT/fit" &&
		selfhelp grounding --for $state >"$OUT" &&
		grep -qxF -- "$(head -n 1 "$OUT")" "$TEST_ROOT/fit" &&
		i=0 &&
		while [ $i -lt 25 ]; do
			selfhelp grounding random --for $state >"$OUT" &&
			grep -qxF -- "$(head -n 1 "$OUT")" "$TEST_ROOT/fit" ||
			{ echo "$state: $(head -n 1 "$OUT")" >&2; return 1; }
			i=$((i + 1))
		done || return 1
	done
'

test_expect_success 'random picks some exercise, exit 0' '
	selfhelp grounding random </dev/null >"$OUT" &&
	sed -n "s/^title: //p" "$CONTENT"/*.md >"$TEST_ROOT/titles" &&
	grep -qxF -- "$(head -n 1 "$OUT")" "$TEST_ROOT/titles"
'

test_expect_success 'usage problems exit 2 with a gentle message' '
	for args in "--pattern 4" "--pattern 0-6" "--pattern 21-6" \
		"--pattern 4-6-8-2-1" "--pattern fast" "--pattern 4.5-6" \
		"--minutes 0" "--minutes 61" "--minutes x" "--for sometimes" \
		"feet --pattern 4-6" "feet --minutes 3" "--json" \
		"feet orienting" "--colour" "--for" "-x"; do
		test_must_fail 2 selfhelp grounding $args >"$OUT" 2>"$ERR" &&
		test ! -s "$OUT" &&
		grep -q "^selfhelp: " "$ERR" &&
		grep -q "^.selfhelp grounding --help. " "$ERR" || {
			echo "for: $args" >&2
			return 1
		}
		for bad in invalid illegal wrong "you must" ERROR; do
			expect_not_in "$bad" "$ERR" || return 1
		done
	done &&
	test_must_fail 2 selfhelp grounding --pattern 4-21 2>"$ERR" &&
	expect_in "1 to 20" "$ERR"
'

test_expect_success '--help and help grounding, exit 0' '
	selfhelp grounding --help >"$OUT" &&
	expect_in "usage: selfhelp grounding" "$OUT" &&
	expect_in "Esc or Ctrl-C" "$OUT" &&
	selfhelp help grounding >"$OUT" &&
	expect_in "--pattern" "$OUT" &&
	selfhelp grounding list -h >"$OUT" &&
	expect_in "--reduced-motion" "$OUT"
'

test_expect_success 'no vault, empty read-only HOME: still works, writes nothing' '
	ro="$TEST_ROOT/ro" &&
	mkdir "$ro" &&
	chmod 555 "$ro" &&
	HOME="$ro" XDG_DATA_HOME="$ro/data" XDG_CONFIG_HOME="$ro/config" \
		SELFHELP_VAULT="$ro/no-vault" \
		timeout $WAIT "$SELFHELP_RUN" grounding </dev/null >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_steps "$DEFAULT" "$OUT" &&
	test -z "$(find "$ro" -mindepth 1)" &&
	test -z "$(find "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" -mindepth 1)"
'

test_expect_success '--rate without a terminal asks nothing, exit 0' '
	timeout $WAIT "$SELFHELP_RUN" grounding --rate </dev/null >"$OUT" 2>"$ERR" &&
	expect_steps "$DEFAULT" "$OUT" &&
	expect_in "nothing was asked" "$ERR" &&
	expect_not_in "0 to 10" "$OUT"
'

test_expect_success SCRIPT '--no-input on a terminal: the steps at once, nothing asked' '
	timeout $WAIT script -qec "$SELFHELP_RUN --no-input grounding --rate 2>&1" /dev/null >"$OUT" &&
	tr -d "\r" <"$OUT" >"$OUT.lines" &&
	expect_steps "$DEFAULT" "$OUT.lines" &&
	expect_in "--no-input says not to ask" "$OUT.lines"
'

# Exercises with a caution, from the files themselves.
CAUTIONED=$(grep -l "^caution: " "$CONTENT"/*.md | sed 's|.*/||; s|\.md$||')

test_expect_success 'the five that need care have a caution' '
	for n in box-breathing calm-place container butterfly-hug cold; do
		printf "%s\n" $CAUTIONED | grep -qx "$n" ||
			{ echo "no caution: $n" >&2; return 1; }
	done
'

test_expect_success 'every caution is shown whole before step 1, and each source at the end' '
	for n in $CAUTIONED; do
		timeout $WAIT "$SELFHELP_RUN" grounding "$n" </dev/null >"$OUT" 2>"$ERR" &&
		first=$(sed -n "s/^- //p" "$CONTENT/$n.md" | head -n 1) &&
		line=$(grep -n -x -F -- "$first" "$OUT" | head -n 1 | cut -d: -f1) &&
		test -n "$line" &&
		head -n $((line - 1)) "$OUT" | tr "\n" " " | sed "s/  */ /g" >"$TEST_ROOT/before" &&
		echo >>"$TEST_ROOT/before" &&
		caution=$(sed -n "s/^caution: //p" "$CONTENT/$n.md") &&
		expect_in "$caution" "$TEST_ROOT/before" || { echo "in $n" >&2; return 1; }
	done &&
	for f in "$CONTENT"/*.md; do
		n=$(basename "$f" .md) &&
		source=$(sed -n "s/^source: //p" "$f") &&
		test -n "$source" &&
		timeout $WAIT "$SELFHELP_RUN" grounding "$n" </dev/null >"$OUT" &&
		sed -n "/^From: /,\$p" "$OUT" | tr "\n" " " | sed "s/ $//" >"$TEST_ROOT/from" &&
		test "$(cat "$TEST_ROOT/from")" = "From: $source" ||
		{ echo "source of $n: $(cat "$TEST_ROOT/from")" >&2; return 1; }
	done
'

test_expect_success 'list names each source, and marks those with a caution' '
	selfhelp grounding list >"$OUT" &&
	tr "\n" " " <"$OUT" | sed "s/  */ /g" >"$TEST_ROOT/flat" &&
	echo >>"$TEST_ROOT/flat" &&
	for f in "$CONTENT"/*.md; do
		source=$(sed -n "s/^source: //p" "$f") &&
		expect_in "From: $source" "$TEST_ROOT/flat" || return 1
	done &&
	test "$(grep -c "With a caution: it starts only by its name." "$OUT")" -eq \
		"$(printf "%s\n" $CAUTIONED | wc -l)" &&
	selfhelp grounding list --json >"$OUT" &&
	python3 -c "
import json, sys
d = {e[\"name\"]: e for e in json.load(open(sys.argv[1]))}
for n in sys.argv[2:]:
    assert d[n][\"caution\"] and d[n][\"random\"] is False, n
assert d[\"orienting\"][\"random\"] is True and d[\"orienting\"][\"caution\"] is None
assert d[\"move\"][\"first_for\"] == [\"too-little\"]
" "$OUT" $CAUTIONED
'

# (Every draw of the picking function: tests/unit/test-grounding.c.)
RUNS=60
[ -z "$VALGRIND" ] || RUNS=10
test_expect_success 'random never starts an exercise with a caution' '
	i=0 &&
	while [ $i -lt $RUNS ]; do
		for state in "" "--for too-much" "--for too-little"; do
			selfhelp grounding random $state </dev/null >"$OUT" &&
			title=$(head -n 1 "$OUT") &&
			for n in $CAUTIONED; do
				t=$(sed -n "s/^title: //p" "$CONTENT/$n.md") &&
				test "$title" != "$t" ||
				{ echo "random $state started $n" >&2; return 1; }
			done || return 1
		done || return 1
		i=$((i + 1))
	done
'

test_expect_success 'by name, an exercise with a caution starts' '
	for n in $CAUTIONED; do
		selfhelp grounding "$n" </dev/null >"$OUT" &&
		t=$(sed -n "s/^title: //p" "$CONTENT/$n.md") &&
		test "$(head -n 1 "$OUT")" = "$t" || return 1
	done
'

test_expect_success '--for too-little starts one for too little, not the too-much one' '
	selfhelp grounding --for too-much </dev/null >"$TEST_ROOT/much" &&
	selfhelp grounding --for too-little </dev/null >"$TEST_ROOT/little" &&
	! cmp -s "$TEST_ROOT/much" "$TEST_ROOT/little" &&
	title=$(head -n 1 "$TEST_ROOT/little") &&
	f=$(grep -lx "title: $title" "$CONTENT"/*.md) &&
	grep -q "^for:.*too-little" "$f" &&
	! grep -q "^for:.*too-much" "$f" &&
	! grep -q "^caution:" "$f"
'

test_expect_success 'cold: hands only, no breath-hold; the face is for too much only' '
	selfhelp grounding cold </dev/null >"$OUT" &&
	expect_not_in "breath" "$OUT" &&
	expect_not_in "face" "$OUT" &&
	for w in "heart condition" "slow heart rate" medicines "Raynaud"; do
		tr "\n" " " <"$OUT" | grep -q "$w" || { echo "no $w" >&2; return 1; }
	done &&
	selfhelp grounding list --for too-little >"$OUT" &&
	expect_not_in "cold-face" "$OUT" &&
	selfhelp grounding cold-face </dev/null >"$OUT" &&
	expect_not_in "hold your breath" "$OUT"
'

test_expect_success '--pattern: too fast or long holds are refused, gently' '
	for p in 1-1 2-2 1-1-1-1 4-8-8 20-20-20-20 4-0-6-10; do
		test_must_fail 2 selfhelp grounding breathing --pattern $p >"$OUT" 2>"$ERR" &&
		test ! -s "$OUT" &&
		grep -q "^.selfhelp grounding --help. " "$ERR" || { echo "for $p" >&2; return 1; }
	done &&
	test_must_fail 2 selfhelp grounding --pattern 1-1 2>"$ERR" &&
	expect_in "at least 6 seconds" "$ERR" &&
	test_must_fail 2 selfhelp grounding --pattern 4-8-8 2>"$ERR" &&
	expect_in "up to 7 seconds" "$ERR" &&
	selfhelp grounding --pattern 3-3 >"$OUT" &&
	selfhelp grounding --pattern 4-7-8 >"$OUT" &&
	expect_in "Hold for 7 seconds." "$OUT"
'

test_expect_success '--pattern with holds shows the hold caution before step 1' '
	selfhelp grounding breathing --pattern 4-7-8 >"$OUT" &&
	sed -n "2,/^$/p" "$OUT" >"$TEST_ROOT/head" &&
	expect_in "Holding your breath makes panic worse" "$TEST_ROOT/head" &&
	selfhelp grounding breathing >"$OUT" &&
	expect_not_in "Holding your breath" "$OUT"
'

# Speed is measured by tests/bench/grounding-first-output.sh, not asserted
# here; this only guards against waiting for input that never comes.
test_expect_success 'not a terminal: twenty runs, none waits for input' '
	i=0 &&
	while [ $i -lt 20 ]; do
		timeout $((WAIT * 5)) "$SELFHELP_RUN" grounding </dev/null >/dev/null || return 1
		i=$((i + 1))
	done
'

test_done
