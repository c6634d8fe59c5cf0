#!/bin/sh
# Tampering: one flipped bit anywhere in a record's ciphertext, two
# records' ciphertexts swapped, a file cut short. Each is found and named
# by record id (or, for a cut file, one clear "damaged" sentence), and
# every other record still reads.
#   STRESS_TAMPER_FLIPS=N flips (default 40); STRESS_NO_KEYRING=1 reads
#   with the passphrase each time.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
FLIPS=${STRESS_TAMPER_FLIPS:-40}
if [ -n "$VALGRIND" ] && [ -z "${STRESS_TAMPER_FLIPS:-}" ]; then
	FLIPS=10
	echo "# under valgrind: $FLIPS flips, not 40 (each flip's checks take seconds there)"
fi
KEEP="$TEST_ROOT/pristine.db"

restore() {
	rm -f "$VAULT-wal" "$VAULT-shm"
	cp "$KEEP" "$VAULT"
}

test_expect_success 'setup: 12 journal entries (short and long) and 3 trigger records' '
	quick_vault "" --no-recovery-code >/dev/null 2>&1 &&
	i=0 &&
	while [ "$i" -lt 12 ]; do
		i=$((i + 1))
		if [ $((i % 3)) -eq 0 ]; then
			python3 -c "import sys; print(\"long entry $i \" + \"w\" * 5000 * $i)" |
				selfhelp $P journal add --tag "t$i" >/dev/null
		else
			selfhelp $P journal add -m "entry $i" --mood $((i % 11)) >/dev/null
		fi || return 1
	done &&
	for t in door voice smell; do
		selfhelp $P trigger-log add --no-input --trigger "$t" --before 6 --helped "walk" >/dev/null || return 1
	done &&
	selfhelp $P check >"$OUT" && expect_in "All 15 records are fine." "$OUT" &&
	selfhelp $P journal list --json >"$TEST_ROOT/all.json" &&
	selfhelp $P trigger-log list --json >"$TEST_ROOT/triggers.json" &&
	rm -f "$VAULT-wal" "$VAULT-shm" && cp "$VAULT" "$KEEP" &&
	: >"$TEST_ROOT/rows" &&
	for k in journal trigger; do
		f="$TEST_ROOT/all.json"
		[ $k = trigger ] && f="$TEST_ROOT/triggers.json"
		for id in $(python3 -c "import json,sys; print(\" \".join(e[\"id\"] for e in json.load(open(sys.argv[1]))))" "$f"); do
			echo "$(vault_tool row "$VAULT" "$PASSFILE" "$id") $id $k" >>"$TEST_ROOT/rows" || return 1
		done
	done &&
	test "$(wc -l <"$TEST_ROOT/rows")" -eq 15 &&
	rm -f "$VAULT-wal" "$VAULT-shm" && cp "$KEEP" "$VAULT"
'

# The keyring spares the many reads below their Argon2 run.
if [ -z "${STRESS_NO_KEYRING:-}" ] && selfhelp $P unlock --for 30m >/dev/null 2>&1; then
	R=""
else
	R=$P
fi

# Rows say nothing in clear: $TEST_ROOT/rows maps each row to its record
# ("ROWID ID KIND"), found with the passphrase at setup. Flip one random
# bit of one random record's head or body (tag, nonce, ciphertext or
# MAC); print "ID KIND PART" of what was changed.
cat >"$TEST_ROOT/flip.py" <<'EOF'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [l.split() for l in open(sys.argv[2])]
rowid, rid, kind = random.choice(rows)
part = random.choice(["head", "body"])
blob = bytearray(db.execute("select %s from record where rowid = ?" % part, (int(rowid),)).fetchone()[0])
pos = random.randrange(len(blob))
blob[pos] ^= 1 << random.randrange(8)
db.execute("update record set %s = ? where rowid = ?" % part, (bytes(blob), int(rowid)))
db.commit()
db.close()
print(rid, kind, part, pos, len(blob))
EOF

# Exchange the rows of two records of kinds K1 and K2 (their heads and
# bodies, or only the bodies); print both ids.
cat >"$TEST_ROOT/swap.py" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = [l.split() for l in open(sys.argv[2])]
a = [r for r in rows if r[2] == sys.argv[3]][0]
b = [r for r in rows if r[2] == sys.argv[4] and r != a][-1]
cols = ["body"] if sys.argv[5] == "body" else ["head", "body"]
for c in cols:
    va = db.execute("select %s from record where rowid = ?" % c, (int(a[0]),)).fetchone()[0]
    vb = db.execute("select %s from record where rowid = ?" % c, (int(b[0]),)).fetchone()[0]
    db.execute("update record set %s = ? where rowid = ?" % c, (vb, int(a[0])))
    db.execute("update record set %s = ? where rowid = ?" % c, (va, int(b[0])))
db.commit()
print(a[1], b[1])
EOF

flip_log="$TEST_ROOT/flips.log"
: >"$flip_log"
flip_fail=0
n=0
while [ "$n" -lt "$FLIPS" ]; do
	n=$((n + 1))
	restore
	set -- $(python3 "$TEST_ROOT/flip.py" "$VAULT" "$TEST_ROOT/rows")
	id=$1 kind=$2 part=$3
	res=ok
	# check names exactly that record; the other 14 are fine
	if selfhelp $R check >"$OUT" 2>&1; then
		res="check passed"
	elif ! grep -q "^  $id  $kind\$" "$OUT" || ! grep -q "^14 records are fine; 1 could not" "$OUT"; then
		res="check output: $(cat "$OUT")"
	elif [ "$kind" = journal ]; then
		# list (heads only) leaves out a damaged head and names it;
		# list --json (heads and text) does so for either part, and
		# its 11 entries with their text show the rest still read
		selfhelp $R journal list >"$OUT" 2>"$ERR"
		rc=$?
		cnt=$(grep -c "" "$OUT")
		if [ "$part" = head ]; then
			{ [ "$rc" -eq 1 ] && grep -q "$id" "$ERR" && [ "$cnt" -eq 11 ]; } ||
				res="list after a head flip: exit $rc, $cnt entries, $(cat "$ERR")"
		else
			[ "$rc" -eq 0 ] && [ "$cnt" -eq 12 ] || res="list after a body flip: exit $rc, $cnt entries"
		fi
		selfhelp $R journal list --json >"$TEST_ROOT/l.json" 2>"$ERR"
		rc=$?
		cnt=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$TEST_ROOT/l.json")
		{ [ "$rc" -eq 1 ] && grep -q "$id" "$ERR" && [ "$cnt" -eq 11 ]; } ||
			res="list --json: exit $rc, $cnt entries, $(cat "$ERR")"
		if [ "$res" = ok ]; then
			selfhelp $R journal show "$id" >/dev/null 2>"$ERR"
			rc=$?
			{ [ "$rc" -eq 1 ] && grep -q "could not be read" "$ERR"; } ||
				res="show of the damaged entry: exit $rc, $(cat "$ERR")"
		fi
	else
		selfhelp $R trigger-log list >"$OUT" 2>"$ERR"
		grep -q "$id" "$ERR" || [ "$part" = body ] || res="trigger-log list did not name $id"
	fi
	echo "$n: $* -> $res" >>"$flip_log"
	[ "$res" = ok ] || flip_fail=$((flip_fail + 1))
done

test_expect_success "$FLIPS random bit flips: each named by id, the rest readable" '
	test "$flip_fail" -eq 0 || { grep -v "> ok$" "$flip_log"; false; }
'

test_expect_success 'the flips hit heads and bodies of both kinds' '
	grep -q " journal head " "$flip_log" && grep -q " journal body " "$flip_log" ||
		{ echo "only: $(cut -d" " -f3-4 "$flip_log" | sort -u)"; test "$FLIPS" -lt 20; }
'

test_expect_success 'two journal entries with swapped ciphertexts: both named' '
	restore &&
	set -- $(python3 "$TEST_ROOT/swap.py" "$VAULT" "$TEST_ROOT/rows" journal journal both) &&
	test_must_fail 1 selfhelp $R check >"$OUT" &&
	expect_in "  $1  journal" "$OUT" && expect_in "  $2  journal" "$OUT" &&
	expect_in "13 records are fine; 2 could not be read" "$OUT" &&
	test_must_fail 1 selfhelp $R journal list >"$OUT" 2>"$ERR" &&
	expect_in "$1" "$ERR" && expect_in "$2" "$ERR" &&
	test "$(wc -l <"$OUT")" -eq 10
'

test_expect_success 'only the bodies swapped: list still fine, show and check name both' '
	restore &&
	set -- $(python3 "$TEST_ROOT/swap.py" "$VAULT" "$TEST_ROOT/rows" journal journal body) &&
	selfhelp $R journal list >"$OUT" && test "$(wc -l <"$OUT")" -eq 12 &&
	test_must_fail 1 selfhelp $R journal show "$1" 2>"$ERR" && expect_in "$1" "$ERR" &&
	test_must_fail 1 selfhelp $R check >"$OUT" &&
	expect_in "  $1  journal" "$OUT" && expect_in "  $2  journal" "$OUT"
'

test_expect_success 'a trigger record and a journal entry swapped: both named' '
	restore &&
	set -- $(python3 "$TEST_ROOT/swap.py" "$VAULT" "$TEST_ROOT/rows" journal trigger both) &&
	test_must_fail 1 selfhelp $R check >"$OUT" &&
	expect_in "  $1  journal" "$OUT" && expect_in "  $2  trigger" "$OUT"
'

# A file cut short, at many places: one clear sentence, exit 1, never a
# crash and never a silent success. (Cut at the very end, SQLite reads
# the missing bytes as zeros: then the record holding them is named.)
test_expect_success 'a file cut short anywhere: a clear message, never a crash' '
	size=$(stat -c %s "$KEEP") &&
	for cut in 0 1 50 99 100 512 4095 4096 4097 8192 $((size / 3)) $((size / 2)) \
		$((size - 8192)) $((size - 4097)) $((size - 4096)) $((size - 100)) $((size - 1)); do
		restore && truncate -s "$cut" "$VAULT" &&
		for cmd in "journal list" "check" "export" "trigger-log list"; do
			selfhelp $R $cmd >"$OUT" 2>"$ERR"
			rc=$?
			if [ "$rc" -eq 0 ] && [ "$cmd" = check ]; then
				echo "cut at $cut: check passed"; return 1
			fi
			if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
				echo "cut at $cut: $cmd exited $rc"; cat "$ERR"; return 1
			fi
			if [ "$rc" -eq 1 ] && ! grep -Eq "damaged|cut short|not a selfhelp vault|could not be read" "$ERR" "$OUT"; then
				echo "cut at $cut: $cmd said:"; cat "$ERR"; return 1
			fi
		done || return 1
	done
'

test_expect_success 'a vault cut to nothing says it is empty' '
	restore && : >"$VAULT" &&
	test_must_fail 1 selfhelp $P journal list 2>"$ERR" &&
	expect_in "empty" "$ERR"
'

test_expect_success 'restored, the vault is whole again' '
	restore && selfhelp $R check >"$OUT" && expect_in "All 15 records are fine." "$OUT"
'

selfhelp lock >/dev/null 2>&1
test_done
