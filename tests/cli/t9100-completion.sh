#!/bin/sh
# Shell completion: `selfhelp __complete` and completions/selfhelp.bash,
# and the option tables (cmd/options.h) that parsing, --help and
# completion all read: every option in them must be shown by --help and
# offered by completion (the message names what is missing).
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
	expect_lines "$OUT" --message --mood --tag --date --prompt --help \
		--vault --passphrase-file --no-pager --no-input &&
	bash_complete journal edit 1234 -- &&
	expect_not_in --prompt "$OUT" &&
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

test_expect_success BASH 'bash: journal add --prompt offers topics, or options' '
	bash_complete journal add --prompt inner-c &&
	expect_lines "$OUT" inner-child inner-critic &&
	bash_complete journal add --prompt = sha &&
	expect_lines "$OUT" shame &&
	bash_complete journal add --prompt --mo &&
	expect_lines "$OUT" --mood &&
	bash_complete journal add --prompt --mood 3 --t &&
	expect_lines "$OUT" --tag &&
	bash_complete journal add --prompt shame --t &&
	expect_lines "$OUT" --tag
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

test_expect_success 'completion offers every kind of record export takes' '
	selfhelp __complete line -- export --kind "" >"$OUT" &&
	for k in journal trigger rating safety-plan group; do
		expect_line "$k" "$OUT" || return 1
	done &&
	bash_complete export --kind = saf &&
	expect_lines "$OUT" safety-plan
'

# --- the option tables: --help and completion from the same data -------



test_expect_success 'every command in --help is in the command table' '
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

# check_leaf CMD [SUB]: the options of its table (__complete options) are
# on its --help and offered after it (__complete line), and the values
# completion offers for them are on its --help. Prints each problem.
check_leaf() {
	ok=0
	where="$*"
	selfhelp "$@" --help >"$TEST_ROOT/help" 2>&1 || {
		echo "'\''selfhelp $where --help'\'' failed" >&2
		return 1
	}
	selfhelp __complete options "$@" >"$TEST_ROOT/table" || return 1
	selfhelp __complete line -- "$@" -- >"$TEST_ROOT/line" || return 1
	cut -f1 "$TEST_ROOT/line" >"$TEST_ROOT/offered"
	for o in $(cat "$TEST_ROOT/table"); do
		grep -qwF -- "$o" "$TEST_ROOT/help" || {
			echo "'\''selfhelp $where --help'\'' does not show $o" >&2
			ok=1
		}
		grep -qxF -- "$o" "$TEST_ROOT/offered" || {
			echo "completion does not offer $o after '\''selfhelp $where'\''" >&2
			ok=1
		}
		for v in $(selfhelp __complete values "$1" "$o"); do
			case $v in :files) continue ;; esac
			# from the registries (record kinds, crisis data, topics)
			case "$1 $o" in
			"export --kind" | "crisis --country" | "journal --prompt") continue ;;
			esac
			grep -qwF -- "$v" "$TEST_ROOT/help" || {
				echo "completion offers '\''$v'\'' for $o, which '\''selfhelp $where --help'\'' does not mention" >&2
				ok=1
			}
		done
	done
	for o in $GLOBALS; do
		grep -qxF -- "$o" "$TEST_ROOT/offered" || {
			echo "completion does not offer $o after '\''selfhelp $where'\''" >&2
			ok=1
		}
	done
	return $ok
}

test_expect_success 'every option is on --help and offered by completion' '
	status=0 &&
	for c in $(selfhelp __complete commands --all); do
		subs=$(selfhelp __complete subcommands "$c") || { status=1; continue; }
		check_leaf "$c" || status=1
		for s in $subs; do
			check_leaf "$c" "$s" || status=1
			selfhelp __complete line -- "$c" "" >"$TEST_ROOT/line" &&
			cut -f1 "$TEST_ROOT/line" >"$TEST_ROOT/subs" &&
			grep -qxF -- "$s" "$TEST_ROOT/subs" || {
				echo "completion does not offer '\''$s'\'' after '\''selfhelp $c'\''" >&2
				status=1
			}
		done
	done &&
	test $status = 0
'

test_done
