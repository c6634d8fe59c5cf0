#!/bin/sh
# Shell completion: `selfhelp __complete` and completions/selfhelp.bash,
# and the completion tables in cmd/complete.c checked against every
# command's --help, so that a new command, sub-command or option that is
# missing from them is noticed here (the message names it).
. "$TEST_SRCDIR/cli/lib.sh"

COMPLETIONS="$TEST_SRCDIR/../completions"
# The scripts run `selfhelp` from PATH, as a shell would.
mkdir -p "$TEST_ROOT/bin"
ln -s "$SELFHELP_RUN" "$TEST_ROOT/bin/selfhelp"
PATH="$TEST_ROOT/bin:$PATH"
export PATH

# bash_complete WORD... : run the bash completion for "selfhelp WORD..."
# (the last word is the one being completed); COMPREPLY goes to $OUT,
# one candidate a line.
bash_complete() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=(selfhelp "$@")
		COMP_CWORD=$#
		COMP_LINE="selfhelp $*"
		COMP_POINT=${#COMP_LINE}
		_selfhelp || exit 1
		for c in "${COMPREPLY[@]}"; do printf "%s\n" "$c"; done
	' bash "$COMPLETIONS/selfhelp.bash" "$@" >"$OUT"
}

# The file must hold exactly these lines, in any order.
expect_lines() {
	file=$1
	shift
	printf '%s\n' "$@" | sort >"$TEST_ROOT/want"
	sort "$file" >"$TEST_ROOT/got"
	if ! cmp -s "$TEST_ROOT/want" "$TEST_ROOT/got"; then
		echo "expected (sorted):" >&2
		cat "$TEST_ROOT/want" >&2
		echo "got:" >&2
		cat "$TEST_ROOT/got" >&2
		return 1
	fi
}

expect_line() {
	if ! grep -qxF -- "$1" "$2"; then
		echo "expected the line '$1' in $2:" >&2
		cat "$2" >&2
		return 1
	fi
}

test_expect_success BASH 'bash: the commands, without hidden ones' '
	bash_complete "" &&
	selfhelp __complete commands >"$TEST_ROOT/cmds" &&
	expect_lines "$OUT" $(cat "$TEST_ROOT/cmds") &&
	expect_line grounding "$OUT" &&
	expect_line journal "$OUT" &&
	expect_line topics "$OUT" &&
	expect_not_in __complete "$OUT" &&
	expect_not_in version "$OUT"
'

test_expect_success BASH 'bash: a prefix narrows the commands' '
	bash_complete "tr" &&
	expect_lines "$OUT" trigger-log &&
	bash_complete "jo" &&
	expect_lines "$OUT" journal
'

test_expect_success BASH 'bash: topics show inner-c gives the topic slugs' '
	bash_complete topics show inner-c &&
	expect_lines "$OUT" inner-child inner-critic &&
	bash_complete topics show inner-cr &&
	expect_lines "$OUT" inner-critic
'

test_expect_success BASH 'bash: grounding offers every exercise, list and random' '
	bash_complete grounding "" &&
	selfhelp __complete exercises >"$TEST_ROOT/ex" &&
	test "$(wc -l <"$TEST_ROOT/ex")" -ge 10 &&
	expect_lines "$OUT" list random $(cat "$TEST_ROOT/ex") &&
	expect_line orienting "$OUT" &&
	expect_line box-breathing "$OUT" &&
	bash_complete grounding box &&
	expect_lines "$OUT" box-breathing
'

test_expect_success BASH 'bash: journal offers its sub-commands' '
	bash_complete journal "" &&
	expect_lines "$OUT" add list show edit delete search
'

test_expect_success BASH 'bash: journal add -- offers its options only' '
	bash_complete journal add -- &&
	expect_lines "$OUT" --mood --tag --date --help \
		--vault --passphrase-file --no-pager &&
	bash_complete journal list --s &&
	expect_lines "$OUT" --since
'

test_expect_success BASH 'bash: option values, spaced and with =' '
	bash_complete export --format "" &&
	expect_lines "$OUT" json markdown &&
	bash_complete grounding --for too &&
	expect_lines "$OUT" too-much too-little &&
	bash_complete init --kdf "" &&
	expect_lines "$OUT" interactive moderate sensitive &&
	bash_complete export --format = m &&
	expect_lines "$OUT" markdown &&
	bash_complete topics show --format = &&
	expect_lines "$OUT" ansi plain markdown html man
'

test_expect_success BASH 'bash: an option value is not taken for a command' '
	bash_complete --vault x "" &&
	expect_line grounding "$OUT" &&
	bash_complete journal list -n 5 --j &&
	expect_lines "$OUT" --json &&
	bash_complete --no-pager topics show shame &&
	expect_lines "$OUT" shame
'

test_expect_success BASH 'bash: file names where a file goes' '
	mkdir -p "$TEST_ROOT/files" &&
	: >"$TEST_ROOT/files/export-1.json" &&
	bash_complete import "$TEST_ROOT/files/exp" &&
	expect_lines "$OUT" "$TEST_ROOT/files/export-1.json" &&
	bash_complete --vault "$TEST_ROOT/files/exp" &&
	expect_lines "$OUT" "$TEST_ROOT/files/export-1.json" &&
	bash_complete export --output = "$TEST_ROOT/files/exp" &&
	expect_lines "$OUT" "$TEST_ROOT/files/export-1.json"
'

test_expect_success BASH 'bash: help completes command names' '
	bash_complete help jo &&
	expect_lines "$OUT" journal
'

test_expect_success BASH 'bash: nothing for unknown words or free text' '
	bash_complete jurnal "" &&
	test ! -s "$OUT" &&
	bash_complete journal add -m "" &&
	test ! -s "$OUT" &&
	bash_complete topics show shame "" &&
	test ! -s "$OUT"
'

test_expect_success '__complete line: descriptions after a tab' '
	selfhelp __complete line -- gro >"$OUT" &&
	tab=$(printf "\t") &&
	grep -q "^grounding${tab}guided exercises" "$OUT" &&
	selfhelp __complete line -- topics show shame >"$OUT" &&
	grep -q "^shame${tab}" "$OUT"
'

test_expect_success '__complete never opens the vault, asks or warns' '
	SELFHELP_VAULT="$TEST_ROOT/no/such/vault.db" \
		selfhelp __complete line -- journal list "" </dev/null \
		>"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	test ! -e "$TEST_ROOT/no" &&
	selfhelp __complete line -- nosuch --x "" >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" && test ! -s "$ERR"
'

test_expect_success '__complete names a command missing from its tables' '
	test_must_fail 1 selfhelp __complete options nosuch 2>"$ERR" &&
	expect_in "nosuch" "$ERR" &&
	test_must_fail 2 selfhelp __complete frobnicate 2>"$ERR"
'

test_expect_success '__complete lists come from the registries' '
	selfhelp topics list --json >"$TEST_ROOT/topics.json" &&
	selfhelp __complete topics >"$OUT" &&
	test "$(wc -l <"$OUT")" -ge 50 &&
	while read -r slug; do
		grep -qF "\"slug\": \"$slug\"" "$TEST_ROOT/topics.json" ||
			{ echo "not a topic: $slug" >&2; exit 1; }
	done <"$OUT" &&
	selfhelp grounding list >"$TEST_ROOT/list" &&
	selfhelp __complete exercises >"$OUT" &&
	test "$(wc -l <"$OUT")" = "$(grep -c "^[a-z0-9]" "$TEST_ROOT/list")" &&
	while read -r name; do
		grep -q "^$name " "$TEST_ROOT/list" ||
			{ echo "not an exercise: $name" >&2; exit 1; }
	done <"$OUT"
'

# --- the tables against --help ---------------------------------------


is_global() {
	case " $GLOBALS " in *" $1 "*) return 0 ;; esac
	return 1
}


test_expect_success 'every command in --help has completion tables' '
	commands_from_help >"$TEST_ROOT/help-cmds" &&
	test "$(wc -l <"$TEST_ROOT/help-cmds")" -ge 10 &&
	selfhelp __complete commands --all >"$TEST_ROOT/all" &&
	status=0 &&
	for c in $(cat "$TEST_ROOT/help-cmds"); do
		grep -qxF "$c" "$TEST_ROOT/all" || {
			echo "'\''$c'\'' is in selfhelp --help but not in the command table" >&2
			status=1
		}
	done &&
	for c in $(cat "$TEST_ROOT/all"); do
		selfhelp __complete options "$c" >/dev/null || status=1
	done &&
	test $status = 0
'

# From a command's help text on stdin, one line per long option:
#   "U CMD WORD OPTION"  an option on a usage line "selfhelp CMD WORD ..."
#                        (WORD: the word after CMD, brackets removed)
#   "O - - OPTION"       an option at the start of an option line
# and "S CMD WORD" for each usage line, to check its sub-command.
help_options() {
	awk '
		function words(kind, s,   n, i, w) {
			n = split(s, w, /[^-a-z0-9]+/)
			for (i = 1; i <= n; i++)
				if (w[i] ~ /^--[a-z]/)
					print kind, (kind == "U" ? cmd " " word : "- -"), w[i]
		}
		/^(usage:|   or:) +selfhelp / {
			line = $0
			sub(/^(usage:|   or:) +selfhelp +/, "", line)
			split(line, w, / +/)
			cmd = w[1]
			word = w[2]; gsub(/[][]/, "", word)
			if (word == "") word = "-"
			print "S", cmd, word
			words("U", line); cont = 1; next
		}
		/^(   or:)? +\[/ && cont { words("U", $0); next }
		{ cont = 0 }
		/^ *--?[a-z]/ {
			line = $0; sub(/^ +/, "", line)
			gap = index(line, "  ")
			if (gap) line = substr(line, 1, gap - 1)
			words("O", line)
		}'
}

# The help of a command and of each of its sub-commands, into $1.
all_help() {
	file=$1 c=$2
	shift 2
	{
		selfhelp "$c" --help || echo "FAILED: selfhelp $c --help"
		for s in "$@"; do
			selfhelp "$c" "$s" --help ||
				echo "FAILED: selfhelp $c $s --help"
		done
	} >"$file" 2>&1
}

# The options cmd/complete.c offers for a command and all its subs.
all_options() {
	c=$1
	shift
	{
		selfhelp __complete options "$c"
		for s in "$@"; do selfhelp __complete options "$c" "$s"; done
	} | sort -u
}

# Cached answers of `selfhelp __complete`: the path of a file with the
# sub-commands of $1 (subs_file), or the options of $1 [$2] (opts_file).
mkdir -p "$TEST_ROOT/cache"
subs_file() {
	f="$TEST_ROOT/cache/$1.subs"
	test -f "$f" || selfhelp __complete subcommands "$1" >"$f" 2>/dev/null
	echo "$f"
}
opts_file() {
	f="$TEST_ROOT/cache/$1.${2:--}.opts"
	test -f "$f" || selfhelp __complete options "$@" >"$f" 2>/dev/null
	echo "$f"
}
offered_file() {
	f="$TEST_ROOT/cache/$1.offered"
	test -f "$f" || {
		selfhelp __complete line -- "$1" "" >"$f.line" &&
			cut -f1 "$f.line" >"$f"
	}
	echo "$f"
}

# Check one command's tables against its help; prints each problem.
check_command() {
	c=$1
	if ! subs=$(selfhelp __complete subcommands "$c"); then
		return 1 # the message names the command
	fi
	# shellcheck disable=SC2086 # subs is a list of words
	all_help "$TEST_ROOT/help" "$c" $subs
	# shellcheck disable=SC2086
	all_options "$c" $subs >"$TEST_ROOT/table"
	ok=0
	if grep "^FAILED: " "$TEST_ROOT/help" >&2; then
		echo "(a sub-command in cmd/complete.c for '$c' that the program does not take?)" >&2
		ok=1
	fi
	grep -o -- "--[a-z][a-z0-9-]*" "$TEST_ROOT/help" | sort -u >"$TEST_ROOT/mentioned"
	for o in $(comm -23 "$TEST_ROOT/table" "$TEST_ROOT/mentioned"); do
		echo "cmd/complete.c offers $o for '$c', but 'selfhelp $c --help' does not mention it" >&2
		ok=1
	done
	help_options <"$TEST_ROOT/help" | sort -u >"$TEST_ROOT/documented"
	while read -r kind uc uw uo; do
		case $kind in
		S)
			case $uw in -* | *[!a-z0-9-]* | "") continue ;; esac
			grep -qxF -- "$uw" "$(offered_file "$uc")" || {
				echo "'selfhelp $uc $uw' is on a usage line, but cmd/complete.c does not offer '$uw' after '$uc'" >&2
				ok=1
			}
			;;
		U)
			is_global "$uo" && continue
			if grep -qxF -- "$uw" "$(subs_file "$uc")"; then
				where="$uc $uw"
				t=$(opts_file "$uc" "$uw")
			else
				where=$uc
				t=$(opts_file "$uc")
			fi
			grep -qxF -- "$uo" "$t" || {
				echo "'selfhelp $c --help' shows $uo on the usage line of '$where', which cmd/complete.c does not offer there" >&2
				ok=1
			}
			;;
		O)
			is_global "$uo" && continue
			grep -qxF -- "$uo" "$TEST_ROOT/table" || {
				echo "'selfhelp $c --help' describes $uo, which cmd/complete.c does not offer for '$c'" >&2
				ok=1
			}
			;;
		esac
	done <"$TEST_ROOT/documented"
	for o in $(cat "$TEST_ROOT/table"); do
		for v in $(selfhelp __complete values "$c" "$o"); do
			case $v in :files) continue ;; esac
			# from the registries (record kinds, crisis data)
			case "$c $o" in "export --kind" | "crisis --country") continue ;; esac
			grep -qw -- "$v" "$TEST_ROOT/help" || {
				echo "cmd/complete.c offers '$v' for '$c $o', which 'selfhelp $c --help' does not mention" >&2
				ok=1
			}
		done
	done
	return $ok
}

test_expect_success 'the completion tables match every command'\''s --help' '
	status=0 &&
	for c in $(selfhelp __complete commands --all); do
		check_command "$c" || status=1
	done &&
	test $status = 0
'

test_done
