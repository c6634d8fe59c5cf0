#!/bin/sh
# Error messages (issue 17, ux review "Usage errors", "stderr is never
# wrapped", "Four phrasings for an unknown option"): one wording for an
# option selfhelp does not have, whatever the command; no raw getopt text;
# whole option names only; on a terminal, wrapped at its width without
# splitting a word or a flag.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"

test_expect_success 'setup' '
	quick_vault >/dev/null
'

# unknown_option ARGS...: `selfhelp ARGS --bogus` says the one sentence and
# the one hint, and nothing else, with exit status 2.
unknown_option() {
	test_must_fail 2 selfhelp $P "$@" --bogus </dev/null >"$OUT" 2>"$ERR" &&
	# crisis adds where help is, after the two lines
	{ test "$(wc -l <"$ERR")" -eq 2 || test "$1" = crisis; } &&
	grep -q "'--bogus' is not an option here\.$" "$ERR" &&
	grep -q "^'selfhelp .*--help' shows the options\.$" "$ERR" &&
	! grep -Eiq "unrecognized|invalid option|illegal|not one .* knows|is not an option of" "$ERR" ||
	{ echo "not the one wording: selfhelp $*" && cat "$ERR" && false; }
}

test_expect_success 'an unknown option: one wording for every command' '
	unknown_option &&
	grep -qx "selfhelp: '\''--bogus'\'' is not an option here." "$ERR" &&
	unknown_option init &&
	grep -qx "selfhelp: init: '\''--bogus'\'' is not an option here." "$ERR" &&
	unknown_option unlock && unknown_option lock && unknown_option status &&
	unknown_option journal list && unknown_option journal &&
	unknown_option topics show && unknown_option topics &&
	unknown_option grounding && unknown_option crisis &&
	unknown_option group reflect && unknown_option trigger-log add &&
	unknown_option safety-plan && unknown_option export &&
	unknown_option report && unknown_option check && unknown_option insights &&
	unknown_option config && unknown_option config list &&
	grep -qx "selfhelp: config list: '\''--bogus'\'' is not an option here." "$ERR" &&
	unknown_option config set
'

test_expect_success 'no command reads options past the option layer' '
	# cmd/options.c is the one place that calls getopt (and sets opterr)
	! grep -ln "getopt\|opterr" "$TEST_SRCDIR"/../cmd/*.c | grep -v "/options\.c$"
'

test_expect_success 'the start of an option name is not taken for the option' '
	test_must_fail 2 selfhelp $P journal list --sinc 7d 2>"$ERR" &&
	grep -qx "selfhelp: journal list: '\''--sinc'\'' is not an option here; did you mean '\''--since'\''?" "$ERR" &&
	test_must_fail 2 selfhelp $P journal list --sinc=7d 2>"$ERR" &&
	expect_in "'\''--sinc'\'' is not an option here" "$ERR" &&
	test_must_fail 2 selfhelp $P topics list --hel 2>"$ERR" &&
	selfhelp $P journal list --since 7d >/dev/null &&
	selfhelp $P journal list --since=7d >/dev/null
'

test_expect_success 'a global option without its value: the sentence and the hint' '
	test_must_fail 2 selfhelp --vault 2>"$ERR" &&
	grep -qx "selfhelp: '\''--vault'\'' needs a value." "$ERR" &&
	grep -qx "'\''selfhelp --help'\'' shows the options." "$ERR"
'

# fits FILE COLS WORD...: every line of FILE is at most COLS columns, and
# each WORD is whole on one line.
fits() {
	python3 - "$@" <<-\EOP
	import sys, unicodedata
	path, cols, words = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
	lines = open(path, encoding="utf-8").read().replace("\r", "").split("\n")
	def width(s):
	    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
	for l in lines:
	    assert width(l) <= cols, (cols, l, lines)
	for w in words:
	    assert any(w in l for l in lines), (w, lines)
	EOP
}

test_expect_success SCRIPT 'on a terminal, messages wrap at its width between words' '
	for cols in 40 60; do
		# (script exits as selfhelp does: 2)
		{ COLUMNS=$cols script -qec "$SELFHELP_RUN $P journal list --since last-week" /dev/null >"$OUT"; true; } &&
		fits "$OUT" $cols "2026-11-01T14:30," "'\''last-week'\''" "'\''selfhelp journal list --help'\''" &&
		test "$(grep -c . "$OUT")" -gt 2 &&
		{ COLUMNS=$cols script -qec "$SELFHELP_RUN $P trigger-log add --trigger-words x" /dev/null >"$OUT"; true; } &&
		fits "$OUT" $cols "'\''--trigger-words'\''" "'\''selfhelp trigger-log add --help'\''" || return 1
	done
'

test_expect_success 'off a terminal, a message stays one line' '
	test_must_fail 2 selfhelp $P journal list --since last-week 2>"$ERR" &&
	test "$(wc -l <"$ERR")" -eq 2 &&
	expect_in "2026-11-01T14:30, today, yesterday or 7d." "$ERR"
'

test_done
