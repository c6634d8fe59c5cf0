#!/bin/sh
# Keys for real life: recovery code, unlock for a while, lock, status,
# writing while locked, passwd and recover.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
vault_id() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select hex(vault_id) from meta').fetchone()[0].lower())" "$VAULT"
}

test_expect_success 'init prints the recovery code alone after "Recovery code:"' '
	selfhelp $P init --kdf interactive >"$OUT" 2>"$ERR" &&
	code=$(sed -n "/^Recovery code:$/{n;p;}" "$OUT") &&
	echo "$code" | grep -Eq "^[0-9a-f]{4}(-[0-9a-f]{4}){7}$" &&
	echo "$code" >"$TEST_ROOT/code"
'

test_expect_success 'a weak passphrase gets a gentle note, never a block' '
	expect_in "may be easy to guess" "$ERR" &&
	test -e "$VAULT"
'

test_expect_success 'init --no-recovery-code makes none' '
	selfhelp $P --vault "$TEST_ROOT/norec.db" init --kdf interactive --no-recovery-code >"$OUT" &&
	expect_not_in "Recovery code:" "$OUT" &&
	printf "0000-0000-0000-0000-0000-0000-0000-0000\n" >"$TEST_ROOT/zero" &&
	test_must_fail 1 selfhelp --vault "$TEST_ROOT/norec.db" recover \
		--recovery-code-file "$TEST_ROOT/zero" --new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "without a recovery code" "$ERR"
'

test_expect_success 'status without a passphrase: locked' '
	selfhelp status </dev/null >"$OUT" &&
	expect_in "Locked." "$OUT" && expect_in "$VAULT" "$OUT"
'

test_expect_success 'writing while locked asks nothing and cannot be read' '
	selfhelp journal add -m "WRITTEN-LOCKED-1" </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "Saved. You can read it after you unlock." "$OUT" &&
	echo "Also while locked" | selfhelp journal add >"$OUT" &&
	expect_in "after you unlock" "$OUT" &&
	test_must_fail 1 selfhelp journal list </dev/null 2>"$ERR" &&
	expect_in "passphrase" "$ERR" &&
	selfhelp status >"$OUT" &&
	expect_in "2 new records waiting" "$OUT" &&
	! grep -a -q "WRITTEN-LOCKED-1" "$VAULT"
'

test_expect_success 'the next unlock folds them in exactly once' '
	selfhelp $P journal list >"$OUT" &&
	expect_in "WRITTEN-LOCKED-1" "$OUT" && expect_in "Also while locked" "$OUT" &&
	test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp $P journal list >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp status >"$OUT" && expect_not_in "waiting" "$OUT"
'

test_expect_success 'a damaged sealed record is reported and kept aside' '
	selfhelp journal add -m "to be damaged" </dev/null >/dev/null &&
	python3 - "$VAULT" <<-\EOP &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	d = bytearray(db.execute("select body from record order by rowid desc limit 1").fetchone()[0])
	d[40] ^= 1
	db.execute("update record set body=? where rowid=(select max(rowid) from record)", (bytes(d),))
	db.commit()
	EOP
	selfhelp status >"$OUT" && expect_in "1 new record waiting" "$OUT" &&
	selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_in "kept aside" "$ERR" &&
	test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp status >"$OUT" && expect_not_in "waiting" "$OUT" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "written while locked, damaged" "$OUT" &&
	selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_not_in "kept aside" "$ERR"
'

# The kernel keyring may be missing in some containers: skip those checks.
if selfhelp $P unlock --for 10m >"$TEST_ROOT/unlock.out" 2>"$TEST_ROOT/unlock.err"; then
	test_set_prereq KEYRING
else
	echo "# no kernel keyring here: $(cat "$TEST_ROOT/unlock.err")"
fi

test_expect_success KEYRING 'unlock: later commands need no passphrase' '
	expect_in "Unlocked for 10 minutes" "$TEST_ROOT/unlock.out" &&
	selfhelp status >"$OUT" && expect_in "Unlocked for another" "$OUT" &&
	selfhelp journal list </dev/null >"$OUT" &&
	expect_in "WRITTEN-LOCKED-1" "$OUT" &&
	selfhelp journal add -m "written while unlocked" </dev/null >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT" &&
	selfhelp journal search "while unlocked" </dev/null >"$OUT" &&
	expect_in "written while unlocked" "$OUT"
'

test_expect_success KEYRING 'the keyring holds a session key only, possessor-only' '
	vid=$(vault_id) &&
	line=$(grep "selfhelp-session:$vid" /proc/keys) &&
	perm=$(echo "$line" | awk "{print \$5}") &&
	echo "perm $perm" &&
	case "$perm" in ??000000) true ;; *) false ;; esac &&
	! grep -q "selfhelp:$vid" /proc/keys &&
	! grep -q "test passphrase" /proc/keys &&
	key="$XDG_RUNTIME_DIR/selfhelp/$vid" &&
	test -f "$key" &&
	test "$(stat -c %a "$key")" = 600
'

# A second login session: a new session keyring for one command
# (keyctl_join_session_keyring through python's ctypes, as pam_keyinit
# gives each login its own).
in_other_session() {
	python3 - "$SELFHELP_RUN" "$@" <<-\EOP
	import ctypes, os, sys
	k = ctypes.CDLL("libkeyutils.so.1")
	if k.keyctl_join_session_keyring(None) < 0:
	    sys.exit(77)
	os.execv(sys.argv[1], sys.argv[1:])
	EOP
}

test_expect_success KEYRING 'another login sees it unlocked, and can lock it for all' '
	in_other_session status >"$OUT" &&
	expect_in "Unlocked in another login session" "$OUT" &&
	test_must_fail 1 in_other_session journal list </dev/null 2>/dev/null &&
	selfhelp journal list </dev/null >/dev/null &&
	in_other_session lock >"$OUT" && expect_in "Locked." "$OUT" &&
	selfhelp status >"$OUT" && expect_in "Locked." "$OUT" &&
	test_must_fail 1 selfhelp journal list </dev/null 2>/dev/null &&
	selfhelp $P unlock --for 10m >/dev/null
'

test_expect_success KEYRING 'without its sealed copy, the session key opens nothing' '
	vid=$(vault_id) &&
	rm "$XDG_RUNTIME_DIR/selfhelp/$vid" &&
	grep -q "selfhelp-session:$vid" /proc/keys &&
	selfhelp status >"$OUT" && expect_in "Locked." "$OUT" &&
	test_must_fail 1 selfhelp journal list </dev/null 2>/dev/null &&
	selfhelp $P unlock --for 10m >/dev/null
'

test_expect_success KEYRING 'lock forgets the key at once' '
	selfhelp lock >"$OUT" && expect_in "Locked." "$OUT" &&
	selfhelp status >"$OUT" && expect_in "Locked." "$OUT" &&
	test_must_fail 1 selfhelp journal list </dev/null 2>"$ERR" &&
	selfhelp lock >"$OUT" && expect_in "already locked" "$OUT"
'

# The key must still be there for the list right after the unlock: under
# valgrind, where a run takes a second or more, it lives 10 s, not 2.
EXPIRE=2
if [ -n "$VALGRIND" ]; then
	EXPIRE=10
	echo "# under valgrind: the key expiry check waits $EXPIRE s, not 2 (each run takes a second or more there)"
fi
test_expect_success KEYRING 'the key expires by itself' '
	selfhelp $P unlock --for ${EXPIRE}s >"$OUT" &&
	selfhelp journal list </dev/null >/dev/null &&
	sleep $((EXPIRE + 1)) &&
	selfhelp status >"$OUT" && expect_in "Locked." "$OUT" &&
	test_must_fail 1 selfhelp journal list </dev/null 2>/dev/null
'

test_expect_success 'unlock: durations are checked' '
	test_must_fail 2 selfhelp $P unlock --for 0m &&
	test_must_fail 2 selfhelp $P unlock --for 8d &&
	test_must_fail 2 selfhelp $P unlock --for soon
'

test_expect_success 'passwd: the old passphrase stops working, the new one works' '
	printf "a much longer new passphrase\n" >"$TEST_ROOT/new" &&
	n=$(selfhelp_lines $P journal list) &&
	selfhelp $P passwd --new-passphrase-file "$TEST_ROOT/new" >"$OUT" &&
	expect_in "new passphrase is set" "$OUT" &&
	test_must_fail 1 selfhelp $P journal list 2>"$ERR" &&
	expect_in "doesn'\''t open" "$ERR" &&
	test "$(selfhelp_lines --passphrase-file "$TEST_ROOT/new" journal list)" -eq "$n"
'

test_expect_success 'passwd with the wrong old passphrase changes nothing' '
	cp "$VAULT" "$TEST_ROOT/before.db" &&
	test_must_fail 1 selfhelp $P passwd --new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	selfhelp --passphrase-file "$TEST_ROOT/new" journal list >/dev/null
'

test_expect_success 'recover: the code opens the vault and sets a new passphrase' '
	printf "recovered passphrase words\n" >"$TEST_ROOT/rec" &&
	tr a-f A-F <"$TEST_ROOT/code" | tr - " " >"$TEST_ROOT/code-typed" &&
	selfhelp recover --recovery-code-file "$TEST_ROOT/code-typed" \
		--new-passphrase-file "$TEST_ROOT/rec" >"$OUT" &&
	expect_in "new passphrase is set" "$OUT" &&
	selfhelp --passphrase-file "$TEST_ROOT/rec" journal list >"$OUT" &&
	expect_in "WRITTEN-LOCKED-1" "$OUT" &&
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT/new" journal list 2>/dev/null
'

test_expect_success 'recover: a wrong code fails and changes nothing' '
	printf "0123-4567-89ab-cdef-0123-4567-89ab-cdef\n" >"$TEST_ROOT/wrong" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/wrong" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "recovery code doesn'\''t open" "$ERR" &&
	printf "not a code\n" >"$TEST_ROOT/junk" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/junk" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	selfhelp --passphrase-file "$TEST_ROOT/rec" journal list >/dev/null
'

test_expect_success 'recover: a typo is named by its group' '
	code=$(cat "$TEST_ROOT/code") &&
	echo "$code" | sed "s/^\(\([^-]*-\)\{5\}\)./\1o/" >"$TEST_ROOT/typo" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/typo" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "Group 6 of that code has a character" "$ERR" &&
	echo "$code" | tr -d - | sed "s/^\(.\{20\}\)./\1o/" >"$TEST_ROOT/typo" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/typo" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "Group 6 of that code" "$ERR" &&
	echo "$code" | sed "s/^\(\([^-]*-\)\{2\}\)./\1/" >"$TEST_ROOT/typo" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/typo" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "Group 3 of that code has 3 characters; each group has four" "$ERR" &&
	echo "$code" | sed "s/-[^-]*$//" >"$TEST_ROOT/typo" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/typo" \
		--new-passphrase-file "$PASSFILE" 2>"$ERR" &&
	expect_in "That code has 7 groups" "$ERR" &&
	test_must_fail 1 setsid -w "$SELFHELP_RUN" recover \
		--new-passphrase-file "$PASSFILE" </dev/null >"$OUT" 2>&1 &&
	expect_in "needs the recovery code" "$OUT" &&
	expect_in "--recovery-code-file FILE" "$OUT" &&
	selfhelp --passphrase-file "$TEST_ROOT/rec" journal list >/dev/null
'

test_expect_success 'help for every key command' '
	for c in unlock lock status passwd recover recovery-code; do
		selfhelp $c --help >"$OUT" && grep -q "usage: selfhelp $c" "$OUT" || return 1
	done
'

selfhelp lock >/dev/null 2>&1
test_done
