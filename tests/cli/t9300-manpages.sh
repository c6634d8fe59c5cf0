#!/bin/sh
# Every command has a manual page (doc/man/*.md), and the pages keep up
# with the program: each option and sub-command that a command's --help
# shows is on its page, every exercise is on selfhelp-grounding(1), and
# every page is built and named in selfhelp(1). A command added without
# its page fails here, with a message that names it.
. "$TEST_SRCDIR/cli/lib.sh"

MANDIR="$TEST_SRCDIR/../doc/man"
MESON_DOC="$TEST_SRCDIR/../doc/meson.build"


# The markdown page that describes command $1, or nothing: its own, or
# the page a .so page sends it to.
page_of() {
	if test -f "$MANDIR/selfhelp-$1.md"; then
		echo "$MANDIR/selfhelp-$1.md"
	elif test -f "$MANDIR/selfhelp-$1.1"; then
		target=$(sed -n 's|^\.so man1/\(.*\)\.1$|\1|p' "$MANDIR/selfhelp-$1.1")
		test -n "$target" && test -f "$MANDIR/$target.md" &&
			echo "$MANDIR/$target.md"
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
	for so in "$MANDIR"/*.1; do
		name=$(basename "$so")
		grep -qF "'\''man/$name'\''" "$MESON_DOC" || {
			echo "doc/man/$name is not installed by doc/meson.build" >&2
			status=1
		}
		test -n "$(page_of "$(basename "$name" .1 | sed s/^selfhelp-//)")" || {
			echo "doc/man/$name names a page that is not there" >&2
			status=1
		}
	done &&
	test $status = 0
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
