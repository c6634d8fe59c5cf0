#!/bin/sh
# The command skeleton: help, version, typos, global options, exit codes.
. "$TEST_SRCDIR/cli/lib.sh"

test_expect_success 'no arguments prints help, exit 0' '
	selfhelp >"$OUT" 2>"$ERR" &&
	expect_in "Examples:" "$OUT" &&
	test ! -s "$ERR"
'

test_expect_success '--help fits 80x24 and lists grounding first' '
	selfhelp --help >"$OUT" &&
	test "$(wc -l <"$OUT")" -le 24 &&
	test "$(awk "{ if (length(\$0) > m) m = length(\$0) } END { print m }" "$OUT")" -le 80 &&
	first=$(sed -n "/^Commands:/{n;p;q}" "$OUT") &&
	case "$first" in "  grounding"*) true ;; *) echo "first: $first"; false ;; esac &&
	head -n 4 "$OUT" | grep -q "Examples:"
'

test_expect_success '-h, help, help CMD and CMD --help' '
	selfhelp -h >"$OUT" && expect_in "Commands:" "$OUT" &&
	selfhelp help >"$OUT" && expect_in "Commands:" "$OUT" &&
	selfhelp help journal >"$OUT" && expect_in "journal add" "$OUT" &&
	selfhelp journal --help >"$OUT" && expect_in "journal search" "$OUT" &&
	selfhelp journal -h >"$OUT" && expect_in "journal list" "$OUT" &&
	selfhelp init --help >"$OUT" && expect_in "--kdf" "$OUT" &&
	selfhelp journal add --help >"$OUT" && expect_in "journal add" "$OUT"
'

test_expect_success '--version' '
	selfhelp --version >"$OUT" && grep -q "^selfhelp [0-9]" "$OUT"
'

test_expect_success 'a typo gets a suggestion and exit 2' '
	test_must_fail 2 selfhelp jurnal 2>"$ERR" >"$OUT" &&
	grep -qi "did you mean '\''journal'\''?" "$ERR" &&
	test ! -s "$OUT"
'

test_expect_success 'an unknown sub-command suggests, exit 2' '
	test_must_fail 2 selfhelp journal lst 2>"$ERR" &&
	expect_in "list" "$ERR"
'

test_expect_success 'an unknown option is a usage error' '
	test_must_fail 2 selfhelp --frobnicate 2>"$ERR" &&
	test_must_fail 2 selfhelp journal list --frobnicate 2>"$ERR" &&
	test "$(wc -l <"$ERR")" -ge 1
'

test_expect_success 'a usage error is one sentence and one hint line' '
	test_must_fail 2 selfhelp journal list --frobnicate >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" &&
	test "$(wc -l <"$ERR")" -eq 2 &&
	grep -qx "selfhelp: journal list: .--frobnicate. is not an option here." "$ERR" &&
	grep -qx ".selfhelp journal list --help. shows the options." "$ERR" &&
	test_must_fail 2 selfhelp journal list -n x 2>"$ERR" &&
	test "$(wc -l <"$ERR")" -eq 2 &&
	expect_not_in "usage:" "$ERR"
'

test_expect_success 'each sub-command takes only its own options' '
	test_must_fail 2 selfhelp journal show 1234 -n 3 2>"$ERR" &&
	expect_in "journal show: " "$ERR" &&
	expect_in "-n'\'' is not an option here" "$ERR" &&
	test_must_fail 2 selfhelp trigger-log show 1234 -n 3 2>"$ERR" &&
	expect_in "trigger-log show: " "$ERR" &&
	test_must_fail 2 selfhelp journal delete 1234 --json 2>"$ERR" &&
	test_must_fail 2 selfhelp safety-plan edit --json 2>"$ERR" &&
	test_must_fail 2 selfhelp group list --width 80 2>"$ERR"
'

test_expect_success 'CMD SUB --help is the sub-command'\''s, CMD --help the whole' '
	for c in $(selfhelp __complete commands --all); do
		subs=$(selfhelp __complete subcommands "$c") || return 1
		test -n "$subs" || continue
		selfhelp "$c" --help >"$OUT" &&
		for s in $subs; do
			grep -q "^ *$s  " "$OUT" || { echo "$c --help: no $s" >&2; return 1; }
			selfhelp "$c" "$s" --help >"$OUT.sub" &&
			grep -Eq "^usage: selfhelp $c \[?$s" "$OUT.sub" &&
			! grep -q "^   or: " "$OUT.sub" || { echo "$c $s --help" >&2; return 1; }
		done || return 1
	done
'

test_expect_success 'errors never blame the user' '
	selfhelp jurnal 2>"$ERR"; selfhelp journal lst 2>>"$ERR";
	selfhelp journal list --mood 2>>"$ERR";
	selfhelp --vault 2>>"$ERR";
	! grep -Ei "invalid|illegal|wrong|you must|stupid" "$ERR"
'

test_expect_success 'a global option without its value is a usage error' '
	test_must_fail 2 selfhelp --vault 2>"$ERR" &&
	expect_in "needs a value" "$ERR"
'

test_expect_success 'no vault yet: a clear message and exit 1' '
	test_must_fail 1 selfhelp --passphrase-file "$PASSFILE" journal list 2>"$ERR" &&
	expect_in "selfhelp init" "$ERR"
'

test_expect_success 'stdout write errors are reported' '
	if test -w /dev/full; then
		test_must_fail 1 selfhelp --help >/dev/full 2>"$ERR" &&
		expect_in "Could not write" "$ERR"
	fi
'

test_done
