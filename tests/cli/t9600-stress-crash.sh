#!/bin/sh
# Crash safety: a writer adds journal entries in a loop and is killed with
# SIGKILL at a random moment, 100 times. After each kill every entry whose
# id the CLI printed is in the vault, no id is there twice, and `check`
# passes. The last rounds write while locked (sealed records) and also
# kill the unlock that folds them in.
#   STRESS_CRASH_ROUNDS=N changes the number of rounds (default 100);
#   STRESS_NO_KEYRING=1 tries the way without a kernel keyring.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
ROUNDS=${STRESS_CRASH_ROUNDS:-100}
# Under valgrind each verify takes seconds: fewer rounds (the writers
# themselves run the plain binary, or its start would outlast the kill).
if [ -n "$VALGRIND" ] && [ -z "${STRESS_CRASH_ROUNDS:-}" ]; then
	ROUNDS=10
	echo "# under valgrind: $ROUNDS rounds, not 100 (each round's checks take seconds there)"
fi
SEALED_ROUNDS=$((ROUNDS / 5))
ACK="$TEST_ROOT/acked"
: >"$ACK"

# A random whole number from 0 to $1 - 1.
rand() {
	echo $(($(od -An -N2 -tu2 /dev/urandom) % $1))
}

# sleep for $1 milliseconds
sleep_ms() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# The writer: adds entries until it is killed; prints what the CLI printed
# (the short id, or the sealed "Saved ... (id)" line) to $2.
cat >"$TEST_ROOT/writer.sh" <<'EOF'
#!/bin/sh
# writer.sh ROUND ACKFILE BIGFILE|- [GLOBAL OPTIONS...]
r=$1 ack=$2 big=$3
shift 3
i=0
while :; do
	i=$((i + 1))
	if [ "$big" = - ]; then
		"$SELFHELP" "$@" journal add -m "crash round $r entry $i" </dev/null
	else
		"$SELFHELP" "$@" journal add <"$big"
	fi >>"$ack" 2>>"$TEST_ROOT_W/writer.err"
done
EOF
chmod +x "$TEST_ROOT/writer.sh"
export TEST_ROOT_W="$TEST_ROOT"
: >"$TEST_ROOT/writer.err"

# 24 KiB of text: a longer write (several pages), so more kills land
# inside a commit; small enough that the vault stays quick to check.
python3 -c "import sys; sys.stdout.write(('y' * 99 + '\n') * 240)" >"$TEST_ROOT/big"

# Run "$@" in a session of its own and SIGKILL the whole session after a
# random 0..$1 ms (the selfhelp running at that moment dies mid-flight).
pid=""
trap '[ -z "$pid" ] || { kill -9 "-$pid"; kill -9 "$pid"; } 2>/dev/null
	rm -rf "$TEST_ROOT"' EXIT
trap 'exit 143' INT TERM
run_and_kill() {
	max=$1
	shift
	setsid "$@" &
	pid=$!
	# Wait until setsid has made it a group leader (its process group,
	# the 3rd field after "pid (comm) " in /proc/PID/stat, is its pid).
	tries=0
	while [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f3)" != "$pid" ]; do
		# A quick command may be over, and reaped by the shell, before
		# the first look: then there is nothing left to kill.
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			pid=""
			return 0
		fi
		tries=$((tries + 1))
		if [ "$tries" -gt 200 ]; then
			echo "setsid did not make $pid a group leader" >&2
			kill -9 "$pid"
			return 1
		fi
		sleep 0.01
	done
	sleep_ms "$(rand "$max")"
	kill -9 "-$pid"
	wait "$pid" 2>/dev/null
	pid=""
	return 0
}

# Every acknowledged id is in the vault, once; check passes. $@: options.
verify() {
	selfhelp "$@" journal list --json >"$TEST_ROOT/list.json" 2>"$TEST_ROOT/list.err" || {
		echo "journal list failed:"
		cat "$TEST_ROOT/list.err"
		return 1
	}
	# (shell tools rather than python: this runs after every kill)
	grep -o '"id": "[0-9a-f]*"' "$TEST_ROOT/list.json" | cut -d'"' -f4 >"$TEST_ROOT/ids"
	dup=$(sort "$TEST_ROOT/ids" | uniq -d)
	[ -z "$dup" ] || { echo "an id is there twice: $dup"; return 1; }
	if grep -Ev "^(Saved\. You can read it after you unlock\. \()?[0-9a-f]{8}\)?\$" "$ACK"; then
		echo "unexpected output from add (above)"
		return 1
	fi
	grep -Eo "[0-9a-f]{8}\)?\$" "$ACK" | cut -c1-8 | sort -u >"$TEST_ROOT/acked.ids"
	cut -c1-8 "$TEST_ROOT/ids" | sort -u >"$TEST_ROOT/stored.ids"
	missing=$(comm -23 "$TEST_ROOT/acked.ids" "$TEST_ROOT/stored.ids")
	[ -z "$missing" ] || { echo "acknowledged but missing: $missing"; return 1; }
	echo "$(grep -c "" "$TEST_ROOT/acked.ids") acknowledged, $(grep -c "" "$TEST_ROOT/ids") stored"
	selfhelp "$@" check >"$TEST_ROOT/check.out" 2>&1 || {
		echo "check failed:"
		cat "$TEST_ROOT/check.out"
		return 1
	}
}

test_expect_success 'setup: a vault' '
	quick_vault "" --no-recovery-code >/dev/null 2>&1
'

# The kernel keyring spares each add the passphrase's Argon2 run; without
# it (some containers) the writer gives the passphrase file every time.
if [ -z "${STRESS_NO_KEYRING:-}" ] &&
	selfhelp $P unlock --for 30m >/dev/null 2>"$TEST_ROOT/unlock.err"; then
	WOPT=""
	ROPT=""
	MAXDELAY=300
else
	echo "# no kernel keyring ($(cat "$TEST_ROOT/unlock.err" 2>/dev/null)): every add reads the passphrase file"
	WOPT=$P
	ROPT=$P
	MAXDELAY=1000 # an add takes longer: give each writer time to add some
fi

rounds_ok=0
extra=0
log="$TEST_ROOT/rounds.log"
: >"$log"
r=1
while [ "$r" -le $((ROUNDS - SEALED_ROUNDS)) ]; do
	if [ $((r % 2)) -eq 0 ]; then src="$TEST_ROOT/big"; else src=-; fi
	if ! run_and_kill "$MAXDELAY" "$TEST_ROOT/writer.sh" "$r" "$ACK" "$src" $WOPT; then
		echo "round $r FAILED: the writer could not be started" >>"$log"
	elif out=$(verify $ROPT 2>&1); then
		rounds_ok=$((rounds_ok + 1))
		echo "round $r: $out" >>"$log"
	else
		echo "round $r FAILED: $out" >>"$log"
	fi
	r=$((r + 1))
done

test_expect_success "$((ROUNDS - SEALED_ROUNDS)) writers killed at random: nothing acknowledged is lost" '
	test "$rounds_ok" -eq $((ROUNDS - SEALED_ROUNDS)) || { grep FAILED "$log"; false; }
'

# Imports: one transaction with a rollback journal (the vault's own
# file, nobody else at it). Killed at a random moment of it, a fresh
# vault each round holds all of the file or none of it, opens, passes
# `check`, and is one file in WAL mode again afterwards.
IMPORT_ROUNDS=$((ROUNDS / 5))
K=3000
python3 - "$TEST_ROOT/imp.json" "$K" <<-\EOP
import json, sys
n = int(sys.argv[2])
entries = [{"date": "2021-%02d-%02d" % (1 + i % 12, 1 + i % 28),
            "time": "%02d:%02d" % (i // 60 % 24, i % 60),
            "title": "Import entry %d." % i, "body": "quiet harbour " * 40,
            "tags": [], "starred": False} for i in range(n)]
json.dump({"tags": {}, "entries": entries}, open(sys.argv[1], "w"))
EOP
IV="$TEST_ROOT/imp.db"
# milliseconds one whole import takes here: the kills fall inside it
rm -f "$IV"* && quick_vault "$IV" --no-recovery-code >/dev/null 2>&1
t0=$(date +%s%N)
"$SELFHELP" $P --vault "$IV" import "$TEST_ROOT/imp.json" >/dev/null 2>&1
IMPORT_MS=$((($(date +%s%N) - t0) / 1000000 + 1))
imports_ok=0 whole=0 none=0
r=1
while [ "$r" -le "$IMPORT_ROUNDS" ]; do
	rm -f "$IV"* && quick_vault "$IV" --no-recovery-code >/dev/null 2>&1
	if ! run_and_kill "$IMPORT_MS" "$SELFHELP" $P --vault "$IV" import "$TEST_ROOT/imp.json" >/dev/null 2>&1; then
		echo "import round $r FAILED: could not be started" >>"$log"
	elif ! n=$(selfhelp $P --vault "$IV" journal list --json 2>"$TEST_ROOT/list.err" |
		python3 -c "import json,sys; print(len(json.load(sys.stdin)))"); then
		echo "import round $r FAILED: list: $(cat "$TEST_ROOT/list.err")" >>"$log"
	elif [ "$n" -ne 0 ] && [ "$n" -ne "$K" ]; then
		echo "import round $r FAILED: $n of $K entries" >>"$log"
	elif ! selfhelp $P --vault "$IV" check >"$TEST_ROOT/check.out" 2>&1; then
		echo "import round $r FAILED: check: $(cat "$TEST_ROOT/check.out")" >>"$log"
	elif [ -e "$IV-journal" ] || [ -e "$IV-wal" ] || [ -e "$IV-bulk" ] ||
		[ "$(od -An -j18 -N2 -tu1 "$IV" | tr -s " ")" != " 2 2" ]; then
		echo "import round $r FAILED: not one file in WAL mode" >>"$log"
	else
		imports_ok=$((imports_ok + 1))
		if [ "$n" -eq "$K" ]; then whole=$((whole + 1)); else none=$((none + 1)); fi
		echo "import round $r: $n entries" >>"$log"
	fi
	r=$((r + 1))
done

echo "# an import takes $IMPORT_MS ms here; killed inside it: $whole rounds had all of it, $none none"
test_expect_success "$IMPORT_ROUNDS imports killed at random: all of the file or none, check passes" '
	test "$imports_ok" -eq "$IMPORT_ROUNDS" || { grep FAILED "$log"; false; }
'
r=$((ROUNDS - SEALED_ROUNDS + 1))

# Locked writes: sealed to the vault's public key, folded in at the next
# unlock. Kill the writer, then kill the folding unlock too.
selfhelp lock >/dev/null 2>&1
sealed_ok=0
while [ "$r" -le "$ROUNDS" ]; do
	if ! run_and_kill 300 "$TEST_ROOT/writer.sh" "$r" "$ACK" - </dev/null ||
		! run_and_kill 150 "$SELFHELP" $P journal list >/dev/null 2>&1; then
		echo "round $r (sealed) FAILED: a process could not be started" >>"$log"
	elif out=$(verify $P 2>&1); then
		sealed_ok=$((sealed_ok + 1))
		echo "round $r (sealed): $out" >>"$log"
	else
		echo "round $r (sealed) FAILED: $out" >>"$log"
	fi
	r=$((r + 1))
done

test_expect_success "$SEALED_ROUNDS locked writers and folding unlocks killed: nothing lost or doubled" '
	test "$sealed_ok" -eq "$SEALED_ROUNDS" || { grep FAILED "$log"; false; }
'

test_expect_success 'the writers printed no errors' '
	test ! -s "$TEST_ROOT/writer.err" || { cat "$TEST_ROOT/writer.err"; false; }
'

test_expect_success 'the writers did add entries (so the checks above could fail)' '
	n=$(grep -c "" "$ACK") &&
	echo "$n acknowledged adds over $ROUNDS rounds" &&
	test "$n" -ge $((ROUNDS / 2))
'

selfhelp lock >/dev/null 2>&1
test_done
