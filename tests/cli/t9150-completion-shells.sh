#!/bin/sh
# The zsh and fish completion scripts: their syntax, and that they turn
# `selfhelp __complete` into candidates. Skipped (exit 77) when neither
# shell is installed; each shell's checks are skipped without it.
. "$TEST_SRCDIR/cli/lib.sh"

COMPLETIONS="$TEST_SRCDIR/../completions"
test_have_prereq ZSH || test_have_prereq FISH ||
	test_skip_all "neither zsh nor fish is installed"

mkdir -p "$TEST_ROOT/bin"
ln -s "$SELFHELP_RUN" "$TEST_ROOT/bin/selfhelp"
PATH="$TEST_ROOT/bin:$PATH"
export PATH

expect_line() {
	if ! grep -qxF -- "$1" "$2"; then
		echo "expected the line '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

test_expect_success ZSH 'zsh: the script parses (zsh -n)' '
	zsh -n "$COMPLETIONS/selfhelp.zsh"
'

# zsh_complete WORD... : _selfhelp for "selfhelp WORD..." with the
# completion system's _describe and _files stood in for, printing the
# candidates it would offer ("name:description") or "<files>".
zsh_complete() {
	zsh -f -c '
		compdef() { :; }
		compset() { :; }
		_describe() { print -rl -- "${(@P)${@[-1]}}"; }
		_files() { print -r -- "<files>"; }
		source "$1" || exit 1
		shift
		words=(selfhelp "$@")
		CURRENT=$(( $# + 1 ))
		_selfhelp
		return 0
	' zsh "$COMPLETIONS/selfhelp.zsh" "$@" >"$OUT"
}

test_expect_success ZSH 'zsh: topics, options, values and files' '
	zsh_complete topics show inner-cr &&
	expect_line "inner-critic:The inner critic" "$OUT" &&
	zsh_complete journal add -- &&
	expect_line --mood "$OUT" &&
	expect_line --vault "$OUT" &&
	zsh_complete export --format=m &&
	expect_line --format=markdown "$OUT" &&
	zsh_complete import "" &&
	expect_line "<files>" "$OUT" &&
	zsh_complete "" &&
	grep -q "^grounding:guided exercises" "$OUT"
'

test_expect_success FISH 'fish: the script parses (fish -n)' '
	fish -n "$COMPLETIONS/selfhelp.fish"
'

# fish_complete "COMMAND LINE": fish's own completion of that line.
fish_complete() {
	fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
		"$COMPLETIONS/selfhelp.fish" "$1" >"$OUT"
}

test_expect_success FISH 'fish: commands, topics, exercises and options' '
	tab=$(printf "\t") &&
	fish_complete "selfhelp " &&
	grep -q "^grounding${tab}guided exercises" "$OUT" &&
	fish_complete "selfhelp topics show inner-cr" &&
	expect_line "inner-critic${tab}The inner critic" "$OUT" &&
	fish_complete "selfhelp grounding box" &&
	grep -q "^box-breathing${tab}" "$OUT" &&
	fish_complete "selfhelp journal " &&
	grep -q "^search${tab}" "$OUT" &&
	fish_complete "selfhelp journal add --" &&
	expect_line --mood "$OUT" &&
	fish_complete "selfhelp export --format=" &&
	expect_line --format=json "$OUT"
'

test_expect_success FISH 'fish: file names where a file goes' '
	mkdir -p "$TEST_ROOT/files" &&
	: >"$TEST_ROOT/files/export-1.json" &&
	fish_complete "selfhelp import $TEST_ROOT/files/exp" &&
	grep -q "^$TEST_ROOT/files/export-1.json" "$OUT" &&
	fish_complete "selfhelp --vault=$TEST_ROOT/files/exp" &&
	grep -q "^--vault=$TEST_ROOT/files/export-1.json" "$OUT"
'

test_done
