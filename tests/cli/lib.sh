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

# Prerequisites, as in git's t/test-lib-functions.sh. A check that
# needs a tool or a capability names it, and without it is reported
# "ok N # skip TITLE (missing NAME)", never a silent "ok":
#   test_set_prereq NAME              NAME is there (decided by the script)
#   test_lazy_prereq NAME 'commands'  decided when first asked, by running
#                                     the commands (in a subshell)
#   test_have_prereq NAME[,NAME...]   true when every one is there; !NAME
#                                     asks for NAME to be missing
#   test_expect_success [PREREQS] 'title' 'commands'
#   test_skip 'title' 'why'           one check that cannot run here
#   test_skip_all 'why'               the whole script: TAP's "1..0 # SKIP",
#                                     exit 77 (meson counts it as skipped)
test_skipped=0
prereq_have=" "
prereq_missing=" "
prereq_lazy_names=" "

test_set_prereq() {
	prereq_have="$prereq_have$1 "
}

test_lazy_prereq() {
	prereq_lazy_names="$prereq_lazy_names$1 "
	eval "prereq_lazy_$1=\$2"
}

# Is the one prerequisite $1 there? Lazy ones are decided once.
prereq_one() {
	case "$prereq_have" in *" $1 "*) return 0 ;; esac
	case "$prereq_missing" in *" $1 "*) return 1 ;; esac
	case "$prereq_lazy_names" in
	*" $1 "*)
		if (eval "$(eval "printf '%s' \"\$prereq_lazy_$1\"")") \
			>/dev/null 2>&1 </dev/null; then
			test_set_prereq "$1"
			return 0
		fi
		;;
	esac
	prereq_missing="$prereq_missing$1 "
	return 1
}

# Sets prereq_absent to the names that are missing.
test_have_prereq() {
	prereq_absent=
	_save_ifs=$IFS
	IFS=,
	# shellcheck disable=SC2086 # split on commas
	set -- $*
	IFS=$_save_ifs
	for _p in "$@"; do
		case "$_p" in
		!*) ! prereq_one "${_p#!}" || prereq_absent="$prereq_absent $_p" ;;
		*) prereq_one "$_p" || prereq_absent="$prereq_absent $_p" ;;
		esac
	done
	[ -z "$prereq_absent" ]
}

# A check that cannot run here, for a reason no prerequisite names (a
# mount that is not allowed): "ok N # skip TITLE (REASON)".
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count # skip $1 ($2)"
}

test_skip_all() {
	echo "1..0 # SKIP $1"
	exit 77
}

# What CLI tests need everywhere: python3 reads --json and edits vaults.
command -v python3 >/dev/null 2>&1 ||
	test_skip_all "python3 is not installed (the CLI tests read JSON with it)"

# Tools some checks need (git's style: name them for what they give).
test_lazy_prereq SCRIPT 'command -v script && command -v timeout'
test_lazy_prereq BASH 'command -v bash'
test_lazy_prereq ZSH 'command -v zsh'
test_lazy_prereq FISH 'command -v fish'
test_lazy_prereq GROFF 'command -v groff'
test_lazy_prereq LEXGROG 'command -v lexgrog'
test_lazy_prereq ROOT 'test "$(id -u)" = 0'
test_lazy_prereq SETPRIV 'command -v setpriv'
test_lazy_prereq PRLIMIT 'command -v prlimit'
# Not under valgrind: for checks its slower, unstoppable process defeats.
test_lazy_prereq NOT_VALGRIND 'test -z "$VALGRIND"'

# search_lines FILE COLS WORD...: every line of a search's terminal output
# in FILE (journal or topics search) is at most COLS display columns wide,
# and each WORD is on a line, highlighted (reverse video) when HL=1, with
# no escape at all when HL=0 (with HL=1 a bold title is allowed).
search_lines() {
	python3 - "$@" <<-\EOP
	import sys, unicodedata
	path, cols, words = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
	text = open(path, encoding="utf-8").read().replace("\r", "")
	hl = __import__("os").environ["HL"] == "1"
	def width(s):
	    return sum(0 if unicodedata.combining(c) else
	               2 if unicodedata.east_asian_width(c) in "WF" else 1
	               for c in s)
	lines = [l for l in text.split("\n") if l]
	for l in lines:
	    plain = l.replace("\033[7m", "").replace("\033[27m", "")
	    plain = plain.replace("\033[1m", "").replace("\033[0m", "")
	    assert "\033" not in plain, repr(l)
	    assert width(plain) <= cols, (cols, width(plain), l)
	for w in words:
	    want = "\033[7m" + w + "\033[27m" if hl else w
	    assert any(want in l for l in lines), (w, cols, lines)
	    if not hl:
	        assert "\033" not in text
	EOP
}

# Run one named check: test_expect_success [PREREQS] "title" 'commands'
test_expect_success() {
	if [ $# -eq 3 ]; then
		_prereq=$1
		shift
		if ! test_have_prereq "$_prereq"; then
			test_count=$((test_count + 1))
			test_skipped=$((test_skipped + 1))
			echo "ok $test_count # skip $1 (missing$prereq_absent)"
			return 0
		fi
	fi
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

# No pipes off selfhelp: `selfhelp ... | json` would lose selfhelp's exit
# status, and a crash after complete output would go unseen (git's
# t/README). These run it into a file, check its status, then read the
# file.

# json PYTHON: run PYTHON with d = the JSON document on standard input.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# selfhelp_json PYTHON ARGS...: `selfhelp ARGS` (which must succeed), then
# PYTHON with d = the JSON it printed.
selfhelp_json() {
	_py=$1
	shift
	selfhelp "$@" >"$TEST_ROOT/selfhelp.json" || return 1
	json "$_py" <"$TEST_ROOT/selfhelp.json"
}

# selfhelp_lines ARGS...: how many lines `selfhelp ARGS` (which must
# succeed) prints.
selfhelp_lines() {
	selfhelp "$@" >"$TEST_ROOT/selfhelp.lines" || return 1
	wc -l <"$TEST_ROOT/selfhelp.lines" | tr -d " "
}

# The options every command takes, before the command's name.
GLOBALS="--vault --passphrase-file --no-pager --no-input --help"

# Every command in `selfhelp --help`, the "Your vault:" lines and the
# hidden ones named there too, one a line.
commands_from_help() {
	selfhelp --help >"$TEST_ROOT/help.txt" || return 1
	awk '
		/^Commands:/ { on = 1; next }
		on && /^$/ { next }
		on && !/^  / { on = 0 }
		on && /^  [A-Z][A-Za-z ]*:/ { sub(/^ *[^:]*: */, ""); for (i = 1; i <= NF; i++) print $i; next }
		on { print $1 }' "$TEST_ROOT/help.txt"
}

# unchanged_vault A B: the two vault files are the same, byte for byte, but
# for SQLite's own write counters in the header (the file change counter
# at 24 and the version-valid-for number at 92, which a transaction with
# a rollback journal moves on even when it is rolled back). For "a
# failed write changed nothing".
unchanged_vault() {
	python3 - "$1" "$2" <<-\EOP
	import sys
	a, b = (bytearray(open(p, "rb").read()) for p in sys.argv[1:3])
	for d in (a, b):
	    if len(d) >= 100:
	        d[24:28] = d[92:96] = bytes(4)
	if a != b:
	    at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]),
	              min(len(a), len(b)))
	    sys.exit("%s and %s differ at byte %d (sizes %d, %d)"
	             % (sys.argv[1], sys.argv[2], at, len(a), len(b)))
	EOP
}

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
	echo "# $((test_count - test_failed - test_skipped)) passed," \
		"$test_failed failed, $test_skipped skipped"
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ] || exit 1
	# every check skipped: the script as a whole is skipped
	[ "$test_count" -eq 0 ] || [ "$test_skipped" -lt "$test_count" ] ||
		exit 77
	exit 0
}
