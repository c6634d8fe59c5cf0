#!/bin/sh
# Every command has a manual page (doc/man/*.md), and the pages keep up
# with the program: each option and sub-command that a command's --help
# shows is on its page, every exercise is on selfhelp-grounding(1), and
# every page is built and named in selfhelp(1). A command added without
# its page fails here, with a message that names it.
. "$TEST_SRCDIR/cli/lib.sh"

MANDIR="$TEST_SRCDIR/../doc/man"
MESON_DOC="$TEST_SRCDIR/../doc/meson.build"


# The pages as built (doc/meson.build), when this build makes them.
BUILT="$TEST_BUILDDIR/../doc"
test_lazy_prereq BUILT_PAGES 'test -f "$BUILT/selfhelp.1"'
test_lazy_prereq MANDOC 'command -v mandoc'

# The markdown page that describes command $1, or nothing.
page_of() {
	if test -f "$MANDIR/selfhelp-$1.md"; then
		echo "$MANDIR/selfhelp-$1.md"
	fi
}

test_expect_success 'every command in --help has a manual page' '
	commands_from_help >"$TEST_ROOT/cmds" &&
	test "$(wc -l <"$TEST_ROOT/cmds")" -ge 10 &&
	status=0 &&
	for c in $(cat "$TEST_ROOT/cmds"); do
		test -n "$(page_of "$c")" || {
			echo "'\''selfhelp $c'\'' has no manual page: add doc/man/selfhelp-$c.md and its line in doc/meson.build" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'the hidden commands are described in selfhelp(1)' '
	selfhelp __complete commands --all >"$TEST_ROOT/all" &&
	selfhelp __complete commands >"$TEST_ROOT/visible" &&
	status=0 &&
	for c in $(grep -vxF -f "$TEST_ROOT/visible" "$TEST_ROOT/all") __complete; do
		grep -qF -- "**$c**" "$MANDIR/selfhelp.md" ||
		grep -qF -- "**selfhelp $c**" "$MANDIR/selfhelp.md" || {
			echo "the hidden command '\''$c'\'' is not described in doc/man/selfhelp.md" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'every page is built, installed and in selfhelp(1)' '
	status=0 &&
	for md in "$MANDIR"/*.md; do
		name=$(basename "$md" .md)
		grep -qF "'\''$name'\''," "$MESON_DOC" || {
			echo "doc/man/$name.md is not in man_names in doc/meson.build" >&2
			status=1
		}
		test "$name" = selfhelp && continue
		grep -qF "**$name**(1)" "$MANDIR/selfhelp.md" || {
			echo "selfhelp(1) does not name $name(1)" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'no .so stubs: every page is a page of its own' '
	status=0 &&
	for f in "$MANDIR"/*; do
		case $f in
		*.md) ;;
		*) echo "doc/man/$(basename "$f") is not a markdown page; write the page in doc/man/NAME.md" >&2
		   status=1 ;;
		esac
	done &&
	if grep -q "install_man" "$MESON_DOC"; then
		echo "doc/meson.build installs pages that mkman does not make" >&2
		status=1
	fi &&
	test $status = 0
'

test_expect_success BUILT_PAGES 'every built page has a .TH line with a date' '
	status=0 &&
	for md in "$MANDIR"/*.md; do
		name=$(basename "$md" .md)
		page="$BUILT/$name.1"
		th=$(grep -m 1 "^\.TH " "$page" 2>/dev/null) || {
			echo "$name.1 was not built, or has no .TH line" >&2
			status=1
			continue
		}
		echo "$th" | grep -qE "^\.TH \"[^\"]+\" \"1\" \"[0-9]{4}-[0-9]{2}-[0-9]{2}\" " || {
			echo "$name.1: no date in its header: $th" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'no example line is wider than man shows in 80 columns' '
	# man indents an example by 14 columns: 66 are left
	awk "FNR == 1 { code = 0 }
		/^\\\`\\\`\\\`/ { code = !code; next }
		code && length(\$0) > 66 { print FILENAME \":\" FNR \": \" \$0; bad = 1 }
		END { exit bad }" "$MANDIR"/*.md >&2
'

test_expect_success BUILT_PAGES,GROFF 'pages rendered at 80 columns fit in 80 columns' '
	status=0 &&
	for page in "$BUILT"/*.1; do
		groff -man -Tutf8 -rLL=80n -P-cbou "$page" 2>/dev/null >"$OUT" &&
		w=$(LC_ALL=C.UTF-8 wc -L <"$OUT") &&
		test "$w" -le 80 || {
			echo "$(basename "$page") is $w columns wide at 80:" >&2
			LC_ALL=C.UTF-8 awk "length(\$0) > 80" "$OUT" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success BUILT_PAGES,MANDOC 'mandoc -Tlint accepts every page' '
	mandoc -Tlint "$BUILT"/*.1 >"$OUT" 2>&1 || {
		cat "$OUT" >&2
		false
	} &&
	test ! -s "$OUT"
'

test_expect_success 'each page shows the options and sub-commands of --help' '
	status=0 &&
	for c in $(cat "$TEST_ROOT/cmds" 2>/dev/null || commands_from_help); do
		page=$(page_of "$c")
		test -n "$page" || continue
		subs=$(selfhelp __complete subcommands "$c" 2>/dev/null)
		{
			selfhelp "$c" --help
			for s in $subs; do selfhelp "$c" "$s" --help; done
		} >"$TEST_ROOT/help" 2>&1
		for o in $(grep -o -- "--[a-z][a-z0-9-]*" "$TEST_ROOT/help" | sort -u); do
			case " $GLOBALS " in *" $o "*) continue ;; esac
			grep -qF -- "$o" "$page" || {
				echo "'\''selfhelp $c --help'\'' shows $o, which $(basename "$page") does not" >&2
				status=1
			}
		done
		for s in $subs; do
			grep -qF -- "**$s**" "$page" || {
				echo "$(basename "$page") does not describe '\''$c $s'\''" >&2
				status=1
			}
		done
	done &&
	test $status = 0
'

test_expect_success 'selfhelp-grounding(1) names every exercise' '
	selfhelp __complete exercises >"$TEST_ROOT/ex" &&
	test -s "$TEST_ROOT/ex" &&
	status=0 &&
	for e in $(cat "$TEST_ROOT/ex"); do
		grep -qF -- "**$e**" "$MANDIR/selfhelp-grounding.md" || {
			echo "selfhelp-grounding.md does not name the exercise '\''$e'\''" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'pages have the sections of a manual page' '
	status=0 &&
	for md in "$MANDIR"/*.md; do
		for h in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" "SEE ALSO"; do
			grep -qx "# $h" "$md" || {
				echo "$(basename "$md") has no $h section" >&2
				status=1
			}
		done
	done &&
	test $status = 0
'

test_done
