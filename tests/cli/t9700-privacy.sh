#!/bin/sh
# What others on the same computer could learn from a running selfhelp
# and from the programs it starts: the process is not dumpable, the
# person's words leave its command line, the pager keeps no history and
# vim (by any name) keeps no swap, undo, backup or viminfo files.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# proc-watch.py starts selfhelp waiting for its passphrase on this named
# pipe and looks at it from outside (see there). As root, it and
# selfhelp run without CAP_SYS_PTRACE, as another user's program would.
FIFO="$TEST_ROOT/pass-fifo"
mkfifo "$FIFO"
watch() {
	if [ "$(id -u)" = 0 ]; then
		VALGRIND="$VALGRIND" setpriv --bounding-set -sys_ptrace \
			python3 "$TEST_SRCDIR/cli/proc-watch.py" "$@"
	else
		VALGRIND="$VALGRIND" python3 "$TEST_SRCDIR/cli/proc-watch.py" "$@"
	fi
}

test_expect_success 'setup: a vault and an entry' '
	quick_vault >/dev/null &&
	selfhelp $P journal add -m "An entry to edit" >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT"
'

WATCHABLE=yes
watch control >"$TEST_ROOT/control" 2>&1 || WATCHABLE=no
if [ "$WATCHABLE" = no ]; then
	echo "# skipped: whether a process is dumpable cannot be seen here:"
	sed 's/^/# /' "$TEST_ROOT/control"
else

test_expect_success 'not dumpable and no core while it waits for the passphrase' '
	watch watch --fifo "$FIFO" --protected -- \
		"$SELFHELP_RUN" --passphrase-file "$FIFO" journal list >"$OUT" &&
	expect_in "An entry to edit" "$OUT"
'

test_expect_success 'not dumpable while a locked write waits for its text' '
	watch watch --stdin "Written while locked" --protected -- \
		"$SELFHELP_RUN" journal add --tag waited >"$OUT" &&
	expect_in "after you unlock" "$OUT" &&
	selfhelp $P journal list --tag waited >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1
'

fi

# A fake less first in PATH records the environment the pager gets.
BIN="$TEST_ROOT/bin"
mkdir -p "$BIN"
cat >"$BIN/less" <<EOS
#!/bin/sh
env >"$TEST_ROOT/pager-env"
cat >/dev/null
EOS
chmod +x "$BIN/less"

# Run selfhelp on a 24-row pseudo-terminal, with the fake programs first
# in PATH.
on_tty() {
	PATH="$BIN:$PATH" TERM=xterm timeout 120 script -qec \
		"stty rows 24 cols 80 2>/dev/null; $SELFHELP_RUN $*" /dev/null
}

test_expect_success 'the pager keeps no search history: LESSHISTFILE=-' '
	rm -f "$TEST_ROOT/pager-env" &&
	on_tty topics show --skip-notes inner-critic >"$OUT" 2>&1 &&
	expect_in "LESSHISTFILE=-" "$TEST_ROOT/pager-env" &&
	expect_in "LESSSECURE=1" "$TEST_ROOT/pager-env"
'

test_expect_success 'LESSHISTFILE is - even when set; a LESSSECURE of ones own stays' '
	rm -f "$TEST_ROOT/pager-env" &&
	LESSHISTFILE="$TEST_ROOT/lesshst" LESSSECURE=0 PAGER=less \
		on_tty topics show --skip-notes inner-critic >"$OUT" 2>&1 &&
	expect_in "LESSHISTFILE=-" "$TEST_ROOT/pager-env" &&
	expect_not_in "LESSHISTFILE=$TEST_ROOT" "$TEST_ROOT/pager-env" &&
	expect_in "LESSSECURE=0" "$TEST_ROOT/pager-env"
'

test_done
