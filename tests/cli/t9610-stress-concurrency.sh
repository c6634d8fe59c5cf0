#!/bin/sh
# Concurrency: two processes each add N journal entries at the same time
# (default 1000); afterwards there are exactly 2N, and no "database is
# locked" (or any other error) reached the user. Then readers, a backup
# and locked (sealed) writers race with each other.
#   STRESS_CONCURRENCY_N=N changes N; STRESS_NO_KEYRING=1 tries the way
#   without a kernel keyring.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
N=${STRESS_CONCURRENCY_N:-1000}
if [ -n "$VALGRIND" ] && [ -z "${STRESS_CONCURRENCY_N:-}" ]; then
	N=30
	echo "# under valgrind: N is $N, not 1000 (each add takes most of a second there)"
fi

test_expect_success 'setup: a vault' '
	quick_vault "" --no-recovery-code >/dev/null 2>&1
'

# With the kernel keyring an add costs a few milliseconds; with the
# passphrase file each add runs Argon2 (about 70 ms, more under a
# sanitizer), so without a keyring N shrinks to keep the run short.
if [ -z "${STRESS_NO_KEYRING:-}" ] &&
	selfhelp $P unlock --for 30m >/dev/null 2>"$TEST_ROOT/unlock.err"; then
	WOPT=""
else
	WOPT=$P
	if [ -z "${STRESS_CONCURRENCY_N:-}" ] && [ "$N" -gt 150 ]; then
		N=150
		echo "# NOTE: no kernel keyring ($(cat "$TEST_ROOT/unlock.err" 2>/dev/null));"
		echo "# every add runs Argon2, so N is $N per writer, not 1000"
	fi
fi

count() {
	selfhelp $P journal list --json >"$TEST_ROOT/list.json" &&
	python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$TEST_ROOT/list.json"
}

# writer NAME COUNT [OPTIONS...]: COUNT adds; ids to NAME.out, messages
# to NAME.err, failed adds counted as lines "FAILED" in NAME.err.
writer() {
	name=$1 n=$2
	shift 2
	i=0
	while [ "$i" -lt "$n" ]; do
		i=$((i + 1))
		selfhelp "$@" journal add -m "$name entry $i" </dev/null \
			>>"$TEST_ROOT/$name.out" 2>>"$TEST_ROOT/$name.err" ||
			echo "FAILED (exit $?)" >>"$TEST_ROOT/$name.err"
	done
}

test_expect_success "two writers, $N adds each at once: exactly $((2 * N)) entries" '
	: >"$TEST_ROOT/a.out" && : >"$TEST_ROOT/b.out" &&
	: >"$TEST_ROOT/a.err" && : >"$TEST_ROOT/b.err" &&
	start=$(date +%s) &&
	{ writer a "$N" $WOPT & writer b "$N" $WOPT & wait; } &&
	echo "took $(($(date +%s) - start)) s" &&
	cat "$TEST_ROOT/a.err" "$TEST_ROOT/b.err" >"$TEST_ROOT/errors" &&
	{ test ! -s "$TEST_ROOT/errors" || { sort "$TEST_ROOT/errors" | uniq -c; false; }; } &&
	test "$(grep -c "" "$TEST_ROOT/a.out")" -eq "$N" &&
	test "$(grep -c "" "$TEST_ROOT/b.out")" -eq "$N" &&
	test "$(count)" -eq $((2 * N)) &&
	python3 - "$TEST_ROOT/list.json" "$N" <<-\EOP
	import json, sys
	d = json.load(open(sys.argv[1])); n = int(sys.argv[2])
	texts = sorted(e["text"] for e in d)
	want = sorted("%s entry %d" % (w, i) for w in "ab" for i in range(1, n + 1))
	assert texts == want, "entries lost or doubled"
	assert len({e["id"] for e in d}) == 2 * n
	EOP
'

test_expect_success 'no "database is locked" reached the user' '
	expect_not_in "locked" "$TEST_ROOT/errors" &&
	expect_not_in "busy" "$TEST_ROOT/errors"
'

test_expect_success 'check passes afterwards' '
	selfhelp $P check >"$OUT" &&
	expect_in "All $((2 * N)) records are fine." "$OUT"
'

# A writer, readers and a backup at once.
M=$((N / 5))
test_expect_success "a writer ($M adds) while others list, search, check and back up" '
	: >"$TEST_ROOT/c.out" && : >"$TEST_ROOT/c.err" && : >"$TEST_ROOT/r.err" &&
	{
		writer c "$M" $WOPT &
		i=0
		while [ "$i" -lt 10 ]; do
			i=$((i + 1))
			selfhelp $WOPT journal list -n 5 >/dev/null 2>>"$TEST_ROOT/r.err" || echo "list FAILED" >>"$TEST_ROOT/r.err"
			selfhelp $WOPT journal search "entry 7" >/dev/null 2>>"$TEST_ROOT/r.err" || echo "search FAILED" >>"$TEST_ROOT/r.err"
			selfhelp backup "$TEST_ROOT/backup-$i.db" 2>>"$TEST_ROOT/r.err" >/dev/null || echo "backup FAILED" >>"$TEST_ROOT/r.err"
		done
		wait
	} &&
	cat "$TEST_ROOT/c.err" "$TEST_ROOT/r.err" >"$TEST_ROOT/errors2" &&
	{ test ! -s "$TEST_ROOT/errors2" || { cat "$TEST_ROOT/errors2"; false; }; } &&
	test "$(count)" -eq $((2 * N + M)) &&
	selfhelp $P --vault "$TEST_ROOT/backup-10.db" check >"$OUT"
'

# Imports take the file for their transaction (a rollback journal while
# nobody else has it open, the WAL otherwise): three of them while a
# writer adds and readers list and search. Each comes in whole.
K=$((N * 2))
test_expect_success "three imports ($K entries each) while a writer adds and others read" '
	for j in 1 2 3; do
		python3 - "$TEST_ROOT/imp$j.json" "$K" "$j" <<-\EOP || return 1
		import json, sys
		n, j = int(sys.argv[2]), sys.argv[3]
		entries = [{"date": "2021-%02d-%02d" % (1 + i % 12, 1 + i % 28),
		            "time": "%02d:%02d" % (i // 60 % 24, i % 60),
		            "title": "Import %s entry %d." % (j, i),
		            "body": "quiet harbour kettle " * 20, "tags": [],
		            "starred": False} for i in range(n)]
		json.dump({"tags": {}, "entries": entries}, open(sys.argv[1], "w"))
		EOP
	done &&
	: >"$TEST_ROOT/g.out" && : >"$TEST_ROOT/g.err" && : >"$TEST_ROOT/i.err" &&
	{
		writer g "$M" $WOPT &
		for j in 1 2 3; do
			selfhelp $WOPT import "$TEST_ROOT/imp$j.json" >/dev/null 2>>"$TEST_ROOT/i.err" || echo "import $j FAILED" >>"$TEST_ROOT/i.err" &
		done
		i=0
		while [ "$i" -lt 10 ]; do
			i=$((i + 1))
			selfhelp $WOPT journal list -n 5 >/dev/null 2>>"$TEST_ROOT/i.err" || echo "list FAILED" >>"$TEST_ROOT/i.err"
			selfhelp $WOPT journal search "entry 7" >/dev/null 2>>"$TEST_ROOT/i.err" || echo "search FAILED" >>"$TEST_ROOT/i.err"
		done
		wait
	} &&
	cat "$TEST_ROOT/g.err" "$TEST_ROOT/i.err" >"$TEST_ROOT/errors4" &&
	{ test ! -s "$TEST_ROOT/errors4" || { cat "$TEST_ROOT/errors4"; false; }; } &&
	test "$(count)" -eq $((2 * N + M + 3 * K + M)) &&
	selfhelp $P check >"$OUT" &&
	for f in "$XDG_DATA_HOME/selfhelp/vault.db-journal" "$XDG_DATA_HOME/selfhelp/vault.db-wal"; do
		test ! -e "$f" || { echo "$f left behind"; return 1; }
	done
'

# Locked writes need no key at all: two sealed writers and an unlock that
# folds them in, all at once. Nothing may be lost or folded twice.
S=$((N / 10))
test_expect_success "two locked writers ($S each) while an unlock folds them in" '
	selfhelp lock >/dev/null 2>&1;
	: >"$TEST_ROOT/d.out" && : >"$TEST_ROOT/e.out" &&
	: >"$TEST_ROOT/d.err" && : >"$TEST_ROOT/e.err" && : >"$TEST_ROOT/f.err" &&
	{
		writer d "$S" &
		writer e "$S" &
		i=0
		while [ "$i" -lt 5 ]; do
			i=$((i + 1))
			selfhelp $P journal list -n 1 >/dev/null 2>>"$TEST_ROOT/f.err" || echo "fold FAILED" >>"$TEST_ROOT/f.err"
		done
		wait
	} &&
	{ cat "$TEST_ROOT/d.err" "$TEST_ROOT/e.err";
	  grep -v "written while the vault was locked" "$TEST_ROOT/f.err"; } >"$TEST_ROOT/errors3";
	grep -q "written while the vault was locked .* added" "$TEST_ROOT/f.err" &&
	{ test ! -s "$TEST_ROOT/errors3" || { cat "$TEST_ROOT/errors3"; false; }; } &&
	test "$(grep -c "after you unlock" "$TEST_ROOT/d.out")" -eq "$S" &&
	test "$(count)" -eq $((2 * N + 2 * M + 3 * K + 2 * S)) &&
	python3 - "$TEST_ROOT/list.json" <<-\EOP
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert len({e["id"] for e in d}) == len(d), "an id is there twice"
	EOP
'

selfhelp lock >/dev/null 2>&1
test_done
