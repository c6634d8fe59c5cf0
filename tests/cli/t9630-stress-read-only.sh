#!/bin/sh
# A vault that cannot be written (a read-only file, or a read-only folder
# where SQLite cannot make its -wal and -shm files): everything that reads
# works, every write fails with one clear sentence, the file is untouched.
# As root, permission bits do not stop writes, so this uses what the
# machine offers: a read-only tmpfs, `chattr +i`, and setpriv to run as
# nobody; an ordinary user gets chmod. Each missing way is skipped with a
# note.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
SRC="$TEST_ROOT/src.db"
RO="can only be read here"
CLEANUP=""
trap 'eval "$CLEANUP"; rm -rf "$TEST_ROOT"' EXIT
trap 'exit 143' INT TERM

test_expect_success 'setup: a vault with entries and a trigger record' '
	quick_vault "$SRC" --no-recovery-code >/dev/null 2>&1 &&
	selfhelp --vault "$SRC" $P journal add -m "first words" --tag kept >/dev/null &&
	selfhelp --vault "$SRC" $P journal add -m "second words" >/dev/null &&
	selfhelp --vault "$SRC" $P trigger-log add --no-input --trigger "a door" --before 4 >/dev/null &&
	selfhelp --vault "$SRC" $P export --output "$TEST_ROOT/export.json" 2>/dev/null &&
	python3 - "$TEST_ROOT/export.json" "$TEST_ROOT/import.json" <<-\EOP &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	for i, r in enumerate(d["records"]):
	    r["id"] = "%032x" % (0xfeed0 + i)
	json.dump(d, open(sys.argv[2], "w"))
	EOP
	test ! -e "$SRC-wal" && test ! -e "$SRC-shm"
'

# ro_checks LABEL: with $RV the vault, $RP the passphrase file and $RUN a
# command prefix (e.g. setpriv), reading works and writing fails clearly.
ro_checks() {
	label=$1
	cp "$RV" "$TEST_ROOT/ro-before.db" 2>/dev/null || cat "$RV" >"$TEST_ROOT/ro-before.db"

	test_expect_success "$label: list, show, search, check, export and status read" '
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" journal list >"$OUT" 2>"$ERR" &&
		expect_in "first words" "$OUT" && expect_in "second words" "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" journal list --tag kept --json >"$TEST_ROOT/kept.json" &&
		id=$(json "print(d[0][\"id\"])" <"$TEST_ROOT/kept.json") &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" journal show "$id" >"$OUT" &&
		expect_in "first words" "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" journal search second >"$OUT" &&
		expect_in "second words" "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" trigger-log list >"$OUT" &&
		expect_in "a door" "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" check >"$OUT" &&
		expect_in "All 3 records are fine." "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" export >"$OUT" 2>/dev/null &&
		expect_in "first words" "$OUT" &&
		$RUN "$SELFHELP_RUN" --vault "$RV" status >"$OUT" &&
		expect_in "Locked." "$OUT"
	'

	test_expect_success "$label: every write fails with one clear sentence" '
		$RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" journal list --tag kept --json >"$TEST_ROOT/kept.json" &&
		id=$(json "print(d[0][\"id\"])" <"$TEST_ROOT/kept.json") &&
		for cmd in "journal add -m new" "journal edit $id -m changed" \
			"journal delete $id --yes" \
			"trigger-log add --no-input --trigger x --before 2" \
			"import $TEST_ROOT/import.json"; do
			test_must_fail 1 $RUN "$SELFHELP_RUN" --vault "$RV" --passphrase-file "$RP" $cmd \
				</dev/null >"$OUT" 2>"$ERR" &&
			expect_in "$RO" "$ERR" &&
			test "$(wc -l <"$ERR")" -eq 1 || { echo "with: $cmd"; return 1; }
		done &&
		test_must_fail 1 $RUN "$SELFHELP_RUN" --vault "$RV" journal add -m "while locked" </dev/null 2>"$ERR" &&
		expect_in "$RO" "$ERR"
	'

	test_expect_success "$label: the vault file is untouched" '
		cmp "$RV" "$TEST_ROOT/ro-before.db"
	'
}

ran=0

# 1. A read-only folder: a tmpfs remounted read-only (root).
MNT="$TEST_ROOT/romnt"
mkdir -p "$MNT"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m selfhelp-test "$MNT" 2>/dev/null; then
	CLEANUP="$CLEANUP umount '$MNT' 2>/dev/null;"
	cp "$SRC" "$MNT/vault.db"
	if mount -o remount,ro "$MNT"; then
		RV="$MNT/vault.db" RP="$PASSFILE" RUN=""
		ro_checks "read-only folder (tmpfs mounted ro)"
		ran=$((ran + 1))
	else
		test_skip "read-only folder (tmpfs mounted ro)" \
			"the tmpfs could not be remounted read-only"
	fi
	umount "$MNT"
else
	test_skip "read-only folder (tmpfs mounted ro)" \
		"not root, or mount is not allowed here"
fi

# 2. A read-only file in a writable folder: chattr +i (root).
IMM="$TEST_ROOT/imm"
mkdir -p "$IMM"
cp "$SRC" "$IMM/vault.db"
if [ "$(id -u)" = 0 ] && chattr +i "$IMM/vault.db" 2>/dev/null; then
	CLEANUP="$CLEANUP chattr -i '$IMM/vault.db' 2>/dev/null;"
	RV="$IMM/vault.db" RP="$PASSFILE" RUN=""
	ro_checks "immutable file (chattr +i)"
	chattr -i "$IMM/vault.db"
	ran=$((ran + 1))
else
	test_skip "immutable file (chattr +i)" \
		"not root, or this file system has no immutable flag"
fi

# 3. As an unprivileged user (setpriv, root only): a 0400 file in a 0500
# folder, then a 0400 file in a folder the user may write.
NB="$TEST_ROOT/nobody"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	chmod 711 "$TEST_ROOT"
	# under valgrind, nobody's runs write their logs there too
	[ -z "$VALGRIND" ] || chmod 1777 "$TEST_ROOT/valgrind"
	mkdir -p "$NB/dir"
	cp "$SRC" "$NB/dir/vault.db"
	cp "$PASSFILE" "$NB/pass"
	chown -R 65534:65534 "$NB"
	chmod 0400 "$NB/dir/vault.db" "$NB/pass"
	chmod 0755 "$NB"
	chmod 0500 "$NB/dir"
	RV="$NB/dir/vault.db" RP="$NB/pass"
	RUN="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	ro_checks "as nobody: read-only file in a read-only folder"
	chmod 0700 "$NB/dir"
	ro_checks "as nobody: read-only file, writable folder"
	ran=$((ran + 2))
elif [ "$(id -u)" != 0 ]; then
	mkdir -p "$NB/dir"
	cp "$SRC" "$NB/dir/vault.db"
	chmod 0400 "$NB/dir/vault.db"
	chmod 0500 "$NB/dir"
	CLEANUP="$CLEANUP chmod 700 '$NB/dir';"
	RV="$NB/dir/vault.db" RP="$PASSFILE" RUN=""
	ro_checks "read-only file in a read-only folder (chmod)"
	chmod 0700 "$NB/dir"
	ro_checks "read-only file, writable folder (chmod)"
	ran=$((ran + 2))
else
	test_skip "as nobody: read-only file and folder" "no setpriv here"
fi

test_expect_success "at least one read-only setup could be made ($ran)" '
	test "$ran" -ge 1
'
test_done
