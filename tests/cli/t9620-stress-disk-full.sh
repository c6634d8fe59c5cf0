#!/bin/sh
# A full disk: every kind of write fails with one clear sentence ("The disk
# is full ..."), nothing half-written is left, the vault still reads and
# passes `check` while the disk is full and after room is made again.
# As root the vault lives on a small tmpfs mounted here; otherwise the
# file-size limit (RLIMIT_FSIZE, via prlimit) stands in for the full disk
# (STRESS_FORCE_FSIZE=1 chooses that even as root).
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
MNT="$TEST_ROOT/small"
mkdir -p "$MNT"

if [ -z "${STRESS_FORCE_FSIZE:-}" ] && [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m,mode=0700 selfhelp-test "$MNT" 2>/dev/null; then
	MODE=tmpfs
	trap 'umount "$MNT" 2>/dev/null; rm -rf "$TEST_ROOT"' EXIT
	trap 'exit 143' INT TERM
elif command -v prlimit >/dev/null 2>&1; then
	MODE=fsize
	echo "# not root or no tmpfs mount here: the file-size limit (prlimit --fsize) stands in for a full disk"
else
	test_skip_all "neither a tmpfs mount nor prlimit is possible here"
fi

export SELFHELP_VAULT="$MNT/vault.db"
VAULT=$SELFHELP_VAULT
FULL="The disk is full"

# The disk is full: fill the tmpfs, or (fsize) run each command with
# `limited`, under a file-size limit smaller than one page of SQLite's
# write-ahead log.
fill_disk() {
	if [ "$MODE" = tmpfs ]; then
		dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null
		test "$(df -P "$MNT" | awk "NR == 2 { print \$4 }")" -eq 0
	fi
}
free_disk() {
	rm -f "$MNT/filler"
}
limited() {
	if [ "$MODE" = tmpfs ]; then
		"$@"
	else
		prlimit --fsize=4096 -- "$@"
	fi
}

snapshot() {
	selfhelp $P journal list --json >"$1"
}

test_expect_success 'setup: a vault with three entries' '
	quick_vault "" --no-recovery-code >/dev/null 2>&1 &&
	for i in 1 2 3; do
		selfhelp $P journal add -m "before the disk filled $i" >/dev/null || return 1
	done &&
	selfhelp $P trigger-log add --no-input --trigger "a door" --before 5 >/dev/null &&
	selfhelp $P export --output "$TEST_ROOT/export.json" 2>/dev/null &&
	python3 -c "import sys; sys.stdout.write((\"z\" * 99 + \"\\n\") * 3000)" >"$TEST_ROOT/big" &&
	snapshot "$TEST_ROOT/before.json"
'

test_expect_success 'the disk fills up' '
	fill_disk
'

# Each write: exit 1, the sentence, and the vault as it was.
expect_full() {
	test_must_fail 1 limited "$@" >"$OUT" 2>"$ERR" || return 1
	expect_in "$FULL" "$ERR" || return 1
	test "$(wc -l <"$ERR")" -eq 1 || { cat "$ERR"; return 1; }
}

test_expect_success 'journal add -m: "The disk is full", nothing saved' '
	expect_full "$SELFHELP_RUN" $P journal add -m "one more" &&
	expect_in "Nothing was changed" "$ERR"
'

test_expect_success 'journal add of 300 KB from stdin' '
	expect_full "$SELFHELP_RUN" $P journal add <"$TEST_ROOT/big"
'

test_expect_success 'journal edit and delete' '
	id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[0][\"id\"])" "$TEST_ROOT/before.json") &&
	big=$(head -c 100000 "$TEST_ROOT/big") &&
	expect_full "$SELFHELP_RUN" $P journal edit "$id" -m "$big" &&
	expect_full "$SELFHELP_RUN" $P journal delete "$id" --yes
'

test_expect_success 'a write while locked (sealed record)' '
	expect_full "$SELFHELP_RUN" journal add <"$TEST_ROOT/big"
'

test_expect_success 'trigger-log add' '
	expect_full "$SELFHELP_RUN" $P trigger-log add --no-input --trigger "$(head -c 60000 "$TEST_ROOT/big")" --before 3
'

test_expect_success 'import of an export into a fresh vault on the full disk' '
	python3 - "$TEST_ROOT/export.json" "$TEST_ROOT/import.json" <<-\EOP &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	for i, r in enumerate(d["records"]):
	    r["id"] = "%032x" % (0xabc0 + i)
	    if "text" in r:
	        r["text"] = r["text"] + "\n" + "q" * 50000
	json.dump(d, open(sys.argv[2], "w"))
	EOP
	expect_full "$SELFHELP_RUN" $P import "$TEST_ROOT/import.json"
'

test_expect_success 'backup onto the full disk' '
	test_must_fail 1 limited "$SELFHELP_RUN" backup "$MNT/backup.db" 2>"$ERR" &&
	expect_in "$FULL" "$ERR"
'

test_expect_success 'while the disk is full the vault reads and passes check' '
	selfhelp $P journal list --json >"$TEST_ROOT/during.json" &&
	cmp "$TEST_ROOT/before.json" "$TEST_ROOT/during.json" &&
	limited "$SELFHELP_RUN" $P check >"$OUT" &&
	expect_in "All 4 records are fine." "$OUT"
'

test_expect_success 'after room is made: check passes, writes work again' '
	free_disk &&
	selfhelp $P check >"$OUT" &&
	expect_in "All 4 records are fine." "$OUT" &&
	snapshot "$TEST_ROOT/after.json" &&
	cmp "$TEST_ROOT/before.json" "$TEST_ROOT/after.json" &&
	selfhelp $P journal add -m "after the disk was freed" >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT"
'

# Fill the disk with entries of 20 KB: each add either prints its id or
# says the disk is full; every printed id is there at the end.
PIECE=20000
if [ -n "$VALGRIND" ]; then
	PIECE=60000
	echo "# under valgrind: entries of 60 KB, not 20 KB, fill the disk in fewer adds (each takes most of a second there)"
fi
test_expect_success 'filling up with entries: every acknowledged one stays' '
	: >"$TEST_ROOT/acked" && : >"$TEST_ROOT/errs" &&
	head -c $PIECE "$TEST_ROOT/big" >"$TEST_ROOT/piece" &&
	i=0 fulls=0 lim=$(( $(stat -c %s "$VAULT") + 200000 )) &&
	while [ "$i" -lt 80 ] && [ "$fulls" -lt 3 ]; do
		i=$((i + 1))
		if [ "$MODE" = fsize ]; then
			prlimit --fsize="$lim" -- "$SELFHELP_RUN" $P journal add <"$TEST_ROOT/piece" >>"$TEST_ROOT/acked" 2>"$ERR"
		else
			"$SELFHELP_RUN" $P journal add <"$TEST_ROOT/piece" >>"$TEST_ROOT/acked" 2>"$ERR"
		fi
		rc=$?
		if [ "$rc" -ne 0 ]; then
			test "$rc" -eq 1 && expect_in "$FULL" "$ERR" || return 1
			fulls=$((fulls + 1))
		fi
	done &&
	echo "$(grep -c "" "$TEST_ROOT/acked") adds before the disk was full" &&
	test "$fulls" -ge 1 &&
	selfhelp $P journal list --json >"$TEST_ROOT/list.json" &&
	python3 - "$TEST_ROOT/acked" "$TEST_ROOT/list.json" <<-\EOP &&
	import json, sys
	acked = [l.strip() for l in open(sys.argv[1]) if l.strip()]
	ids = {e["id"][:8] for e in json.load(open(sys.argv[2]))}
	missing = [a for a in acked if a not in ids]
	assert not missing, missing
	EOP
	selfhelp $P check >"$OUT"
'

if [ "$MODE" = tmpfs ]; then
	umount "$MNT"
fi
test_done
