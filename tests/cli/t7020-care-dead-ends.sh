#!/bin/sh
# Every way `safety-plan` and `crisis` can end without what was asked
# for (no vault, locked, a passphrase that does not open it, no plan, a
# command line not understood) ends with where help is right now: the
# emergency number and a crisis line (review content-C, S5). A locked
# plan also names that help before the passphrase is asked for.
. "$TEST_SRCDIR/cli/lib.sh"

export SELFHELP_COUNTRY=gb
P="--passphrase-file $PASSFILE"
printf 'not the passphrase\n' >"$TEST_ROOT/bad-pass"

# ends_with_help FILE: its last three lines are the emergency number, a
# crisis line and where more is.
ends_with_help() {
	tail -n 3 "$1" >"$TEST_ROOT/tail" &&
	sed -n 1p "$TEST_ROOT/tail" | grep -q "call 999 now\.$" &&
	sed -n 2p "$TEST_ROOT/tail" | grep -q "^Samaritans: Call 116 123" &&
	sed -n 3p "$TEST_ROOT/tail" | grep -q "^'selfhelp crisis' shows more" || {
		echo "$1 does not end with the help lines:" >&2
		cat "$1" >&2
		return 1
	}
}

test_expect_success 'no vault: show, history and edit end with help' '
	test_must_fail 1 selfhelp safety-plan >"$OUT" 2>&1 &&
	expect_in "There is no vault" "$OUT" &&
	ends_with_help "$OUT" &&
	for sub in show history edit; do
		test_must_fail 1 selfhelp safety-plan $sub </dev/null >"$OUT" 2>&1 &&
		ends_with_help "$OUT" || return 1
	done
'

test_expect_success 'no vault, --json: the help goes to stderr' '
	test_must_fail 1 selfhelp safety-plan show --json >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" &&
	ends_with_help "$ERR"
'

test_expect_success 'locked, with no terminal to ask on: ends with help' '
	quick_vault >/dev/null 2>&1 &&
	test_must_fail 1 setsid -w "$SELFHELP_RUN" safety-plan </dev/null >"$OUT" 2>&1 &&
	expect_in "no terminal to ask on" "$OUT" &&
	ends_with_help "$OUT"
'

test_expect_success 'a passphrase that does not open it: ends with help' '
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT/bad-pass" \
		safety-plan >"$OUT" 2>&1 &&
	expect_in "passphrase doesn" "$OUT" &&
	ends_with_help "$OUT" &&
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT/bad-pass" \
		safety-plan history >"$OUT" 2>&1 &&
	ends_with_help "$OUT"
'

test_expect_success 'no plan yet: show and history end with help' '
	selfhelp $P safety-plan >"$OUT" 2>&1 &&
	expect_in "There is no safety plan yet" "$OUT" &&
	ends_with_help "$OUT" &&
	selfhelp $P safety-plan history >"$OUT" 2>&1 &&
	ends_with_help "$OUT" &&
	selfhelp $P safety-plan show --json >"$OUT" 2>"$ERR" &&
	test "$(cat "$OUT")" = null &&
	ends_with_help "$ERR"
'

# A terminal that is the session's own, so that the passphrase is asked
# on /dev/tty: help before the first question, and after three
# passphrases that do not open the vault. Prints the screen, without
# carriage returns.
cat >"$TEST_ROOT/locked.py" <<\EOF
import fcntl, os, select, subprocess, sys, termios, time
timeout = 60 if os.environ.get("VALGRIND") else 10
master, slave = os.openpty()
def own_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
proc = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave,
                        stderr=slave, preexec_fn=own_terminal)
os.close(slave)
seen = b""
def wait_for(want, count):
    global seen
    end = time.time() + timeout
    while seen.count(want) < count:
        r, _, _ = select.select([master], [], [], max(0, end - time.time()))
        if not r:
            sys.exit("waited for %r; so far: %r" % (want, seen))
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if not data:
            sys.exit("ended before %r; so far: %r" % (want, seen))
        seen += data
for i in range(1, 4):
    wait_for(b"Passphrase: ", i)
    os.write(master, b"not it\n")
proc.wait(timeout)
while True:
    r, _, _ = select.select([master], [], [], 0.2)
    try:
        data = os.read(master, 4096) if r else b""
    except OSError:
        data = b""
    if not data:
        break
    seen += data
sys.stdout.write(seen.decode(errors="replace").replace("\r", ""))
sys.exit(0 if proc.returncode == 1 else "exit %r" % proc.returncode)
EOF

test_expect_success 'locked on a terminal: help first, and help at the end' '
	VALGRIND="$VALGRIND" python3 "$TEST_ROOT/locked.py" "$SELFHELP_RUN" \
		safety-plan >"$OUT" &&
	sed -n "1,/Passphrase: /p" "$OUT" >"$TEST_ROOT/before" &&
	expect_in "Help right now needs no passphrase" "$TEST_ROOT/before" &&
	expect_in "call 999 now." "$TEST_ROOT/before" &&
	expect_in "Samaritans: Call 116 123" "$TEST_ROOT/before" &&
	ends_with_help "$OUT"
'

test_expect_success 'crisis: a command line it does not understand ends with help' '
	for args in "--contry gb" "gb" "--country" "--list --country gb"; do
		test_must_fail 2 selfhelp crisis $args >"$OUT" 2>"$ERR" &&
		grep -q "^.selfhelp crisis --help. " "$ERR" &&
		ends_with_help "$ERR" || { echo "for: $args" >&2; return 1; }
	done
'

test_expect_success 'crisis while locked: the numbers, and where the plan is' '
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "call 999." "$OUT" &&
	expect_in "Call 116 123" "$OUT" &&
	expect_in "appear here while selfhelp is unlocked" "$OUT"
'

test_done
