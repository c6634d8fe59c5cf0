# Shared by the CLI tests (git's t/test-lib.sh in miniature). Source it:
#   . "$TEST_SRCDIR/cli/lib.sh"
# Gives a fresh HOME/XDG directory tree, `selfhelp` running the built
# binary, and helpers that count and report checks. Never touches the
# real HOME. The script exits non-zero if any check failed.

set -u
: "${SELFHELP:?SELFHELP must name the built binary}"
: "${TEST_SRCDIR:?}"

TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/selfhelp-cli-XXXXXX")
trap 'rm -rf "$TEST_ROOT"' EXIT
export HOME="$TEST_ROOT/home"
export XDG_DATA_HOME="$TEST_ROOT/data"
export XDG_CONFIG_HOME="$TEST_ROOT/config"
export XDG_RUNTIME_DIR="$TEST_ROOT/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
unset SELFHELP_VAULT SELFHELP_PASSPHRASE_FILE VISUAL EDITOR NO_COLOR PAGER
export TZ=UTC LC_ALL=C.UTF-8 TERM=dumb

PASSFILE="$TEST_ROOT/pass"
printf 'test passphrase\n' >"$PASSFILE"

test_count=0
test_failed=0
OUT="$TEST_ROOT/out"
ERR="$TEST_ROOT/err"

# SELFHELP_VALGRIND=1 (tests/run passes it on): every `selfhelp` runs under
# valgrind memcheck. An error or a definite leak makes that run exit 99 and
# leaves a log that test_done reports and counts as a failure. VALGRIND is
# then non-empty, for the few checks that must allow for valgrind's pace
# (each says so). SELFHELP_RUN is a program that runs selfhelp the same
# way, for where a shell function cannot go (timeout, script, setsid,
# python); outside valgrind it is the binary itself.
VALGRIND=${SELFHELP_VALGRIND:-}
if [ -n "$VALGRIND" ]; then
	mkdir -p "$TEST_ROOT/valgrind"
	# (--read-inline-info=no and --vgdb=no only make each start quicker)
	quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
	SELFHELP_RUN="$TEST_ROOT/selfhelp-valgrind"
	cat >"$SELFHELP_RUN" <<-EOF
	#!/bin/sh
	exec valgrind --error-exitcode=99 --leak-check=full \\
		--errors-for-leak-kinds=definite -q --read-inline-info=no \\
		--vgdb=no --log-file=$(quote "$TEST_ROOT/valgrind/%p.log") \\
		$(quote "$SELFHELP") "\$@"
	EOF
	chmod 755 "$SELFHELP_RUN"
else
	SELFHELP_RUN=$SELFHELP
fi
selfhelp() {
	"$SELFHELP_RUN" "$@"
}

# quick_vault [PATH [--no-recovery-code]]: a new vault at PATH (default:
# where selfhelp looks) that $PASSFILE opens, made as `init` makes one but
# with the cheapest key derivation settings, so opening it costs no
# Argon2 time (over a second a run under valgrind). For tests whose
# subject is neither init nor the key derivation.
quick_vault() {
	"$TEST_BUILDDIR/quick-vault" \
		"${1:-${SELFHELP_VAULT:-$XDG_DATA_HOME/selfhelp/vault.db}}" \
		"$PASSFILE" ${2:+"$2"}
}

# vault-tool row|forge-sealed|swap-key ... (tests/cli/vault-tool.c)
vault_tool() {
	"$TEST_BUILDDIR/vault-tool" "$@"
}

# damage_record VAULT ID head|body: flip one byte in the middle of the
# head or body of the row that holds record ID (the passphrase is
# $PASSFILE's), as a bit flip on disk or a tamperer would.
damage_record() {
	_row=$(vault_tool row "$1" "$PASSFILE" "$2") || return 1
	python3 - "$1" "$_row" "$3" <<-\EOP
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	col = sys.argv[3]
	b = bytearray(db.execute("select %s from record where rowid=?" % col, (int(sys.argv[2]),)).fetchone()[0])
	b[len(b) // 2] ^= 0x40
	db.execute("update record set %s=? where rowid=?" % col, (bytes(b), int(sys.argv[2])))
	db.commit()
	EOP
}

# Run one named check: test_expect_success "title" 'commands'
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TEST_ROOT/log" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_ROOT/log"
	fi
}

# The command must fail, with exit status $1 (not a crash).
test_must_fail() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

grep_q() { grep -q -- "$@"; }

# Fail with a message unless file $2 contains string $1.
expect_in() {
	if ! grep -qF -- "$1" "$2"; then
		echo "expected '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

expect_not_in() {
	if grep -qF -- "$1" "$2"; then
		echo "did not expect '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

test_done() {
	if [ -n "${SELFHELP_VALGRIND:-}" ]; then
		test_count=$((test_count + 1))
		if find "$TEST_ROOT/valgrind" -type f -size +0 | grep -q .; then
			test_failed=$((test_failed + 1))
			echo "not ok $test_count - valgrind found errors or leaks"
			find "$TEST_ROOT/valgrind" -type f -size +0 -exec cat {} +
		else
			echo "ok $test_count - valgrind: no errors, no definite leaks"
		fi
	fi
	echo "# $((test_count - test_failed)) passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
	exit $?
}
