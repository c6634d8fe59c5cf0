#!/bin/sh
# What others on the same computer could learn from a running selfhelp
# and from the programs it starts: the process is not dumpable, the
# person's words leave its command line, the pager keeps no history and
# vim (by any name) keeps no swap, undo, backup or viminfo files.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# proc-watch.py starts selfhelp waiting for its passphrase on this named
# pipe and looks at it from outside (see there). As root, it and
# selfhelp run without CAP_SYS_PTRACE, as another user's program would.
FIFO="$TEST_ROOT/pass-fifo"
mkfifo "$FIFO"
NO_PTRACE=
[ "$(id -u)" = 0 ] && setpriv --bounding-set -sys_ptrace true 2>/dev/null &&
	NO_PTRACE="setpriv --bounding-set -sys_ptrace"
watch() {
	# shellcheck disable=SC2086 # a command, or nothing
	VALGRIND="$VALGRIND" $NO_PTRACE \
		python3 "$TEST_SRCDIR/cli/proc-watch.py" "$@"
}

test_expect_success 'setup: a vault and an entry' '
	quick_vault >/dev/null &&
	selfhelp $P journal add -m "An entry to keep" >"$OUT" &&
	selfhelp $P journal add -m "An entry to edit" >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT"
'

# Words on the command line are in /proc/PID/cmdline, which every local
# user can read: selfhelp copies them and wipes them there before it
# waits for the passphrase (here on the named pipe).
waits_without() {
	words=
	for w; do
		[ "$w" = -- ] && break
		words="$words --absent $w"
		shift
	done
	shift
	# shellcheck disable=SC2086 # a list of options
	watch watch --fifo "$FIFO" $words -- \
		"$SELFHELP_RUN" --passphrase-file "$FIFO" "$@"
}

[ -z "$VALGRIND" ] ||
	echo "# valgrind: /proc/PID/cmdline shows valgrind's own copy of the" \
		"arguments, which selfhelp cannot reach; it is not checked below"

test_expect_success 'journal edit -m TEXT: the words leave the command line' '
	id=$(selfhelp_json "print(d[0][\"id\"][:8])" $P journal search "to edit" --json) &&
	waits_without ARGVWORD13 -- \
		journal edit "$id" -m "ARGVWORD13 he said it again" >"$OUT" &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "ARGVWORD13 he said it again" "$OUT"
'

test_expect_success 'journal add --message=TEXT -mTEXT --tag: none stay' '
	waits_without MSGWORD1 MSGWORD2 TAGWORD3 -- \
		journal add --message=MSGWORD1 -mMSGWORD2 --tag TAGWORD3 >"$OUT" &&
	selfhelp $P journal list --tag TAGWORD3 >"$OUT" &&
	expect_in "MSGWORD2" "$OUT" && expect_in "#tagword3" "$OUT" &&
	expect_not_in "MSGWORD1" "$OUT"
'

test_expect_success 'journal search WORDS: the words leave the command line' '
	waits_without ARGVWORD13 -- journal search ARGVWORD13 >"$OUT" &&
	expect_in "ARGVWORD13" "$OUT"
'

test_expect_success 'trigger-log add: text and list options leave the command line' '
	waits_without TRIGWORD3 NOTEWORD5 EMOWORD7 HELPWORD9 -- \
		trigger-log add --trigger TRIGWORD3 --note NOTEWORD5 \
		--emotion EMOWORD7 --helped HELPWORD9 >"$OUT" &&
	selfhelp $P trigger-log list --json >"$OUT" &&
	expect_in TRIGWORD3 "$OUT" && expect_in NOTEWORD5 "$OUT" &&
	expect_in EMOWORD7 "$OUT" && expect_in HELPWORD9 "$OUT"
'

test_expect_success 'group prepare: text options leave the command line' '
	waits_without BRINGWORD2 NEEDWORD4 -- \
		group prepare --bring BRINGWORD2 --need NEEDWORD4 >"$OUT" &&
	selfhelp $P group list --json >"$OUT" &&
	expect_in BRINGWORD2 "$OUT" && expect_in NEEDWORD4 "$OUT"
'

if watch control >"$TEST_ROOT/control" 2>&1; then
	test_set_prereq PROC_WATCH
else
	echo "# whether a process is dumpable cannot be seen here:"
	sed 's/^/# /' "$TEST_ROOT/control"
fi

test_expect_success PROC_WATCH 'not dumpable and no core while it waits for the passphrase' '
	watch watch --fifo "$FIFO" --protected -- \
		"$SELFHELP_RUN" --passphrase-file "$FIFO" journal list >"$OUT" &&
	expect_in "An entry to keep" "$OUT"
'

test_expect_success PROC_WATCH 'not dumpable while a locked write waits for its text' '
	watch watch --stdin "Written while locked" --protected -- \
		"$SELFHELP_RUN" journal add --tag waited >"$OUT" &&
	expect_in "after you unlock" "$OUT" &&
	selfhelp $P journal list --tag waited >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1
'

# A fake less first in PATH records the environment the pager gets.
BIN="$TEST_ROOT/bin"
mkdir -p "$BIN"
cat >"$BIN/less" <<EOS
#!/bin/sh
env >"$TEST_ROOT/pager-env"
cat >/dev/null
EOS
chmod +x "$BIN/less"

# Run selfhelp on a 24-row pseudo-terminal, with the fake programs first
# in PATH.
on_tty() {
	PATH="$BIN:$PATH" TERM=xterm timeout 120 script -qec \
		"stty rows 24 cols 80 2>/dev/null; $SELFHELP_RUN $*" /dev/null
}

test_expect_success SCRIPT 'the pager keeps no search history: LESSHISTFILE=-' '
	rm -f "$TEST_ROOT/pager-env" &&
	on_tty topics show --skip-notes inner-critic >"$OUT" 2>&1 &&
	expect_in "LESSHISTFILE=-" "$TEST_ROOT/pager-env" &&
	expect_in "LESSSECURE=1" "$TEST_ROOT/pager-env"
'

test_expect_success SCRIPT 'LESSHISTFILE is - even when set; a LESSSECURE of ones own stays' '
	rm -f "$TEST_ROOT/pager-env" &&
	LESSHISTFILE="$TEST_ROOT/lesshst" LESSSECURE=0 PAGER=less \
		on_tty topics show --skip-notes inner-critic >"$OUT" 2>&1 &&
	expect_in "LESSHISTFILE=-" "$TEST_ROOT/pager-env" &&
	expect_not_in "LESSHISTFILE=$TEST_ROOT" "$TEST_ROOT/pager-env" &&
	expect_in "LESSSECURE=0" "$TEST_ROOT/pager-env"
'

# Fake editors: each records its arguments, one a line, and writes the
# entry. Linked under other names as Debian's alternatives do.
PROGS="$TEST_ROOT/progs"
mkdir -p "$PROGS" "$TEST_ROOT/alternatives"
for name in vim vim.basic nvim nano; do
	cat >"$PROGS/$name" <<-EOS
	#!/bin/sh
	printf '%s\n' "\$@" >"$TEST_ROOT/editor-args"
	for last; do :; done
	printf 'Written in $name\n' >"\$last"
	EOS
	chmod +x "$PROGS/$name"
done
VIM_SET="set noswapfile noundofile nobackup nowritebackup viminfo= viminfofile=NONE"
NVIM_SET="set noswapfile noundofile nobackup nowritebackup shada= shadafile=NONE"

# edit_with EDITOR: journal add on a terminal through that editor.
edit_with() {
	rm -f "$TEST_ROOT/editor-args" &&
	EDITOR=$1 on_tty $P journal add >"$OUT" 2>&1 &&
	expect_in "Saved" "$OUT"
}

# The arguments must be the vim (or neovim) settings, then the file.
expect_protected() {
	sed '$d' "$TEST_ROOT/editor-args" >"$TEST_ROOT/got" &&
	printf '%s\n' -n -i NONE --cmd "$1" >"$TEST_ROOT/want" &&
	cmp "$TEST_ROOT/want" "$TEST_ROOT/got"
}

test_expect_success 'vi, a link to vim: no swap, undo, backup or viminfo' '
	ln -sf "$PROGS/vim" "$BIN/vi" &&
	edit_with vi &&
	expect_protected "$VIM_SET" &&
	selfhelp $P journal search "Written in vim" >"$OUT" &&
	expect_in "Written in vim" "$OUT"
'

test_expect_success 'editor, linked through alternatives to vim.basic: the same' '
	ln -sf "$PROGS/vim.basic" "$TEST_ROOT/alternatives/editor" &&
	ln -sf "$TEST_ROOT/alternatives/editor" "$BIN/editor" &&
	edit_with editor &&
	expect_protected "$VIM_SET"
'

test_expect_success 'a link of ones own to vim, by its full path: the same' '
	ln -sf "$PROGS/vim" "$TEST_ROOT/my-editor" &&
	edit_with "$TEST_ROOT/my-editor" &&
	expect_protected "$VIM_SET"
'

test_expect_success 'sensible-editor running the vim of ~/.selected_editor: the same' '
	cat >"$BIN/sensible-editor" <<-\EOS &&
	#!/bin/sh
	. "$HOME/.selected_editor"
	exec "$SELECTED_EDITOR" "$@"
	EOS
	chmod +x "$BIN/sensible-editor" &&
	printf "# Generated by select-editor\nSELECTED_EDITOR=\"%s\"\n" \
		"$PROGS/vim" >"$HOME/.selected_editor" &&
	edit_with sensible-editor &&
	expect_protected "$VIM_SET" &&
	rm "$HOME/.selected_editor"
'

test_expect_success 'vi, a link to neovim: no swap, undo, backup or shada' '
	ln -sf "$PROGS/nvim" "$BIN/vi" &&
	edit_with vi &&
	expect_protected "$NVIM_SET"
'

test_expect_success 'vi, a link to nano: no vim options, only the file' '
	ln -sf "$PROGS/nano" "$BIN/vi" &&
	edit_with vi &&
	test "$(wc -l <"$TEST_ROOT/editor-args")" -eq 1 &&
	expect_not_in "NONE" "$TEST_ROOT/editor-args"
'

# privacy = screen (R18): tests/pty/screen-pty.py drives a terminal and
# models its scrollback.
screen_pty() {
	SELFHELP="$SELFHELP_RUN" PASSFILE="$PASSFILE" \
		python3 "$TEST_SRCDIR/pty/screen-pty.py" "$@"
}

test_expect_success 'privacy = screen: an entry and the lists leave no trace in the scrollback' '
	id=$(selfhelp $P journal add -m "A SCREENWORD entry") &&
	echo "$id" >"$TEST_ROOT/screen-id" &&
	selfhelp $P trigger-log add --trigger "A SCREENWORD trigger" --before 3 >/dev/null &&
	screen_pty normal journal show "$id" &&
	selfhelp config set privacy screen >/dev/null &&
	screen_pty private journal show "$id" &&
	screen_pty private journal list &&
	screen_pty private journal search SCREENWORD &&
	screen_pty private trigger-log list &&
	screen_pty sigterm journal show "$id" &&
	SELFHELP_PRIVACY=normal screen_pty normal journal list &&
	selfhelp config set privacy normal >/dev/null &&
	SELFHELP_PRIVACY=screen screen_pty private journal show "$id" &&
	screen_pty normal journal show "$id"
'

test_expect_success 'privacy = screen: a form'\''s questions and answers are off the scrollback' '
	SELFHELP_PRIVACY=screen screen_pty form &&
	selfhelp_json "assert any(\"SCREENWORD at the door\" in r[\"trigger\"] for r in d), d" $P trigger-log list --json
'

test_expect_success 'privacy = screen: a list taller than the screen, a page at a time' '
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		selfhelp $P journal add -m "SCREENWORD $i" >/dev/null &&
		selfhelp $P trigger-log add --trigger "SCREENWORD $i" --before 2 >/dev/null || return 1
	done &&
	SELFHELP_PRIVACY=screen screen_pty long journal list -n 15 &&
	SELFHELP_PRIVACY=screen screen_pty long journal search SCREENWORD -n 15 &&
	SELFHELP_PRIVACY=screen screen_pty long trigger-log list -n 15
'

test_expect_success 'privacy = screen: off a terminal nothing changes' '
	SELFHELP_PRIVACY=screen selfhelp $P journal show "$(cat "$TEST_ROOT/screen-id")" </dev/null >"$OUT" &&
	expect_in "A SCREENWORD entry" "$OUT" &&
	! grep -q "$(printf "\033")" "$OUT"
'

test_done
