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
