#!/bin/sh
# `meson install` into a temporary DESTDIR puts the binary, every manual
# page and the three completion scripts where they belong, and the pages
# render without warnings (with groff; skipped, and said so, without). Uses the build
# directory this test runs from, without rebuilding: run ninja first
# (tests/run does).
. "$TEST_SRCDIR/cli/lib.sh"

BUILDDIR=$(cd "$TEST_BUILDDIR/.." && pwd)
SRCDIR=$(cd "$TEST_SRCDIR/.." && pwd)
DEST="$TEST_ROOT/dest"

command -v meson >/dev/null 2>&1 || test_skip_all "meson is not on PATH"

# prefix, bindir, datadir and mandir of this build (meson's defaults
# when meson cannot tell).
PREFIX=/usr/local BINDIR=bin DATADIR=share MANDIR=share/man
if meson introspect "$BUILDDIR" --buildoptions >"$TEST_ROOT/opts.json"; then
	eval "$(python3 -c '
import json, shlex, sys
opts = {o["name"]: o["value"] for o in json.load(open(sys.argv[1]))}
for k in ("prefix", "bindir", "datadir", "mandir"):
    print(f"{k.upper()}={shlex.quote(opts[k])}")
' "$TEST_ROOT/opts.json")"
fi
# Relative directories are under the prefix.
under() { case $1 in /*) echo "$DEST$1" ;; *) echo "$DEST$PREFIX/$1" ;; esac; }
BIN=$(under "$BINDIR")
DATA=$(under "$DATADIR")
MAN=$(under "$MANDIR")

test_expect_success 'meson install --destdir works without rebuilding' '
	meson install -C "$BUILDDIR" --destdir "$DEST" --no-rebuild --quiet \
		>"$OUT" 2>&1 || { cat "$OUT"; exit 1; }
'

test_expect_success 'the binary is installed and runs' '
	test -x "$BIN/selfhelp" &&
	"$BIN/selfhelp" --version >"$OUT" &&
	selfhelp --version >"$TEST_ROOT/want" &&
	cmp "$TEST_ROOT/want" "$OUT"
'

# The start of the .TH line of NAME(1): .TH "SELFHELP\-JOURNAL" "1"
th_line() {
	printf '.TH "%s" "1"' "$(printf '%s' "$1" | tr a-z A-Z | sed 's/-/\\-/g')"
}

test_expect_success 'every manual page is in man1 and up to date' '
	status=0 &&
	for md in "$SRCDIR"/doc/man/*.md; do
		name=$(basename "$md" .md)
		page="$MAN/man1/$name.1"
		if ! test -f "$page"; then
			echo "$name.1 was not installed (is it in doc/meson.build?)" >&2
			status=1
		elif ! head -n 3 "$page" | grep -qF "$(th_line "$name")"; then
			echo "$name.1 has no .TH line for $name(1)" >&2
			status=1
		elif test "$md" -nt "$BUILDDIR/doc/$name.1"; then
			echo "doc/man/$name.md is newer than the built page; run ninja -C $BUILDDIR" >&2
			status=1
		fi
	done &&
	test $status = 0
'

test_expect_success GROFF 'the pages render without warnings' '
	status=0 &&
	cd "$MAN" &&
	for page in man1/selfhelp*.1; do
		groff -man -Tutf8 -ww -z "$page" >"$OUT" 2>&1 || status=1
		if test -s "$OUT"; then
			echo "$page:" >&2
			cat "$OUT" >&2
			status=1
		fi
		groff -man -Tutf8 -P-cbou "$page" 2>/dev/null |
			grep -q "^NAME" || { echo "$page renders no NAME" >&2; status=1; }
	done &&
	test $status = 0
'

test_expect_success LEXGROG 'whatis can read every NAME line' '
	status=0 &&
	for md in "$SRCDIR"/doc/man/*.md; do
		name=$(basename "$md" .md)
		lexgrog "$MAN/man1/$name.1" >"$OUT" 2>&1 &&
		grep -qF "\"$name - " "$OUT" || {
			cat "$OUT" >&2
			status=1
		}
	done &&
	test $status = 0
'

test_expect_success 'the completion scripts are where the shells look' '
	cmp "$SRCDIR/completions/selfhelp.bash" \
		"$DATA/bash-completion/completions/selfhelp" &&
	cmp "$SRCDIR/completions/selfhelp.zsh" \
		"$DATA/zsh/site-functions/_selfhelp" &&
	cmp "$SRCDIR/completions/selfhelp.fish" \
		"$DATA/fish/vendor_completions.d/selfhelp.fish"
'

test_expect_success BASH 'the installed bash completion asks the installed binary' '
	PATH="$BIN:$PATH" bash --norc --noprofile -c "
		. \"\$1\" &&
		COMP_WORDS=(selfhelp topics show inner-cr) && COMP_CWORD=3 &&
		_selfhelp && printf \"%s\\n\" \"\${COMPREPLY[@]}\"
	" bash "$DATA/bash-completion/completions/selfhelp" >"$OUT" &&
	grep -qx inner-critic "$OUT"
'

test_done
