#!/bin/sh
# selfhelp config (issue 16): set, get, list and unset; the file kept as
# written; refusals; and each setting where it is used: crisis without
# --country, grounding's default exercise and reduced motion (on a
# terminal), a high rating, the pager and the editor, each after its
# option and SELFHELP_* variable and before the general variables.
# Warnings about the file: one line a run, never a failure.
. "$TEST_SRCDIR/cli/lib.sh"

unset SELFHELP_COUNTRY SELFHELP_REDUCED_MOTION SELFHELP_PAGER SELFHELP_EDITOR
CONFIG="$XDG_CONFIG_HOME/selfhelp/config"
P="--passphrase-file $PASSFILE"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
mkdir -p "$TEST_ROOT/bin"

# wait_for TEXT: until the terminal's output so far holds TEXT (any
# case), for up to a minute (valgrind is slow to start).
wait_for() {
	_i=0
	while [ $_i -lt 600 ] && ! grep -qiF -- "$1" "$OUT.raw" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# on_tty ARGS...: selfhelp ARGS on an 80x24 terminal (script). The keys
# come from the function `keys`, which the caller defines (and which may
# wait_for what is on the screen first). The output, without CR, goes
# to $OUT.
on_tty() {
	_cmd="stty rows 24 cols 80 2>/dev/null; exec '$SELFHELP_RUN'"
	for _a in "$@"; do
		_cmd="$_cmd '$_a'"
	done
	: >"$OUT.raw"
	keys | TERM=xterm timeout 120 script -qec "$_cmd" /dev/null \
		>"$OUT.raw" 2>&1
	_rc=$?
	tr -d '\r' <"$OUT.raw" >"$OUT"
	return $_rc
}

# --- the command --------------------------------------------------------

test_expect_success 'list without a file: nothing set, nothing made' '
	selfhelp config list >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	expect_in "country      (not set)" "$OUT" &&
	expect_in "privacy      (not set)" "$OUT" &&
	selfhelp config >"$TEST_ROOT/bare" &&
	cmp "$OUT" "$TEST_ROOT/bare" &&
	test ! -e "$XDG_CONFIG_HOME/selfhelp"
'

test_expect_success 'set, get, list and unset' '
	(umask 000 && selfhelp config set country germany >"$OUT" 2>"$ERR") &&
	test ! -s "$ERR" &&
	expect_in "Saved: country = DE (Germany)." "$OUT" &&
	test "$(stat -c %a "$CONFIG")" = 600 &&
	test "$(stat -c %a "$XDG_CONFIG_HOME/selfhelp")" = 700 &&
	selfhelp config get country >"$OUT" &&
	test "$(cat "$OUT")" = DE &&
	selfhelp config get COUNTRY >"$OUT" &&
	test "$(cat "$OUT")" = DE &&
	selfhelp config set motion Reduced >"$OUT" &&
	selfhelp config set grounding box >"$OUT" &&
	expect_in "grounding = box-breathing" "$OUT" &&
	selfhelp config set pager "less -R" &&
	selfhelp config set editor -- "-weird-editor --wait" &&
	selfhelp config set privacy screen >"$OUT" &&
	expect_in "a screen" "$OUT" && expect_in "gone when they end" "$OUT" &&
	selfhelp config list >"$OUT" &&
	expect_in "country    = DE" "$OUT" &&
	expect_in "motion     = reduced" "$OUT" &&
	expect_in "grounding  = box-breathing" "$OUT" &&
	expect_in "pager      = less -R" "$OUT" &&
	expect_in "editor     = -weird-editor --wait" "$OUT" &&
	expect_in "privacy    = screen" "$OUT" &&
	selfhelp config unset editor >"$OUT" &&
	expect_in "Removed: editor" "$OUT" &&
	test_must_fail 1 selfhelp config get editor >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" && expect_in "not set" "$ERR" &&
	selfhelp config unset editor >"$OUT" &&
	expect_in "was not set" "$OUT" &&
	for k in privacy pager grounding motion country; do
		selfhelp config unset $k >/dev/null || return 1
	done &&
	selfhelp config list >"$OUT" &&
	expect_not_in "= " "$OUT"
'

test_expect_success 'set keeps the comments and order of a file written by hand' '
	cat >"$CONFIG" <<-\EOF &&
	# mine, by hand

	country = IE   # where I live
	# calmer:
	motion = full
	colour = blue
	country = GB
	EOF
	selfhelp config set motion reduced >"$OUT" 2>"$ERR" &&
	expect_in "line 6: '\''colour'\'' is not a setting" "$ERR" &&
	selfhelp config set country de >"$OUT" 2>"$ERR" &&
	selfhelp config set pager cat >"$OUT" 2>"$ERR" &&
	expect_in "(no pager)" "$OUT" &&
	cat >"$TEST_ROOT/want" <<-\EOF &&
	# mine, by hand

	country = DE   # where I live
	# calmer:
	motion = reduced
	colour = blue
	pager = cat
	EOF
	cmp "$TEST_ROOT/want" "$CONFIG" &&
	test "$(stat -c %a "$CONFIG")" = 600 &&
	ls -A "$XDG_CONFIG_HOME/selfhelp" >"$OUT" &&
	test "$(cat "$OUT")" = config
'

test_expect_success 'refusals: exit 2, a clear message, the file unchanged' '
	cp "$CONFIG" "$TEST_ROOT/before" &&
	test_must_fail 2 selfhelp config set colour blue 2>"$ERR" &&
	expect_in "'\''colour'\'' is not a setting selfhelp knows; '\''selfhelp config list'\'' shows them" "$ERR" &&
	test_must_fail 2 selfhelp config set contry DE 2>"$ERR" &&
	expect_in "Did you mean '\''country'\''?" "$ERR" &&
	test_must_fail 2 selfhelp config get colour 2>"$ERR" &&
	test_must_fail 2 selfhelp config unset colour 2>"$ERR" &&
	test_must_fail 2 selfhelp config set passphrase "correct horse" 2>"$ERR" &&
	expect_in "no passphrase or key" "$ERR" && expect_not_in "horse" "$ERR" &&
	test_must_fail 2 selfhelp config set master-key abc 2>"$ERR" &&
	test_must_fail 2 selfhelp config set motion fast 2>"$ERR" &&
	expect_in "full or reduced" "$ERR" &&
	test_must_fail 2 selfhelp config set privacy private 2>"$ERR" &&
	expect_in "normal or screen" "$ERR" &&
	test_must_fail 2 selfhelp config set country ZZ 2>"$ERR" &&
	expect_in "crisis --list" "$ERR" &&
	test_must_fail 2 selfhelp config set country Narnia 2>"$ERR" &&
	test_must_fail 2 selfhelp config set grounding no-such-exercise 2>"$ERR" &&
	expect_in "grounding list" "$ERR" &&
	test_must_fail 2 selfhelp config set editor "" 2>"$ERR" &&
	test_must_fail 2 selfhelp config set pager "less # x" 2>"$ERR" &&
	test_must_fail 2 selfhelp config set pager "$(printf "less\033[2J")" 2>"$ERR" &&
	test_must_fail 2 selfhelp config set pager less -R 2>"$ERR" &&
	expect_in "in quotes" "$ERR" &&
	test_must_fail 2 selfhelp config set motion 2>"$ERR" &&
	test_must_fail 2 selfhelp config get 2>"$ERR" &&
	test_must_fail 2 selfhelp config get motion extra 2>"$ERR" &&
	test_must_fail 2 selfhelp config list --bogus 2>"$ERR" &&
	test_must_fail 2 selfhelp config frobnicate 2>"$ERR" &&
	cmp "$TEST_ROOT/before" "$CONFIG"
'

test_expect_success 'help: the keys and which wins; exit 0' '
	selfhelp config --help >"$OUT" &&
	expect_in "selfhelp config set KEY VALUE" "$OUT" &&
	expect_in "privacy" "$OUT" && expect_in "SELFHELP_PAGER" "$OUT" &&
	selfhelp config set --help >"$OUT" &&
	expect_in "Keys:" "$OUT" &&
	selfhelp help config >"$OUT" &&
	expect_in "Keys:" "$OUT"
'

test_expect_success 'the file under ~/.config without XDG_CONFIG_HOME' '
	(unset XDG_CONFIG_HOME && selfhelp config set motion reduced >"$OUT" &&
	 selfhelp config get motion >"$OUT") &&
	test "$(cat "$OUT")" = reduced &&
	test -f "$HOME/.config/selfhelp/config" &&
	rm -r "$HOME/.config"
'

test_expect_success 'completion: the keys, and values after set' '
	selfhelp __complete line -- config "" >"$OUT" &&
	expect_in "unset" "$OUT" &&
	selfhelp __complete line -- config set m >"$OUT" &&
	test "$(cut -f1 "$OUT")" = motion &&
	selfhelp __complete line -- config set motion "" >"$OUT" &&
	test "$(cat "$OUT")" = "full
reduced" &&
	selfhelp __complete line -- config set grounding box >"$OUT" &&
	test "$(cut -f1 "$OUT")" = box-breathing
'

# --- crisis --------------------------------------------------------------

test_expect_success 'crisis without --country shows the saved country' '
	rm -f "$CONFIG" &&
	selfhelp config set country GB >/dev/null &&
	LC_ALL=de_AT.UTF-8 selfhelp crisis >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	test "$(head -n 1 "$OUT")" = "Help right now (United Kingdom)" &&
	expect_in "call 999" "$OUT" && expect_in "Samaritans" "$OUT" &&
	expect_not_in "language settings" "$OUT" &&
	LC_ALL=de_AT.UTF-8 selfhelp crisis --json >"$OUT" &&
	expect_in "\"from\": \"settings\"" "$OUT" &&
	selfhelp crisis --country de >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now (Germany)" &&
	SELFHELP_COUNTRY=ie selfhelp crisis >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now (Ireland)"
'

test_expect_success 'crisis: without a saved country, the locale guess says so' '
	selfhelp config unset country >/dev/null &&
	LC_ALL=de_AT.UTF-8 selfhelp crisis >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now (Austria, guessed from your language settings)" &&
	expect_in "saves yours." "$OUT" &&
	LC_ALL=C.UTF-8 LC_MESSAGES= LANG= selfhelp crisis >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Help right now"
'

test_expect_success SCRIPT 'a high rating shows the saved country inline, else the general words' '
	keys() {
		wait_for "0 to 10" && sleep 0.3 && printf "9\r" &&
		wait_for "safe" && sleep 0.3 && printf q && sleep 0.5
	} &&
	selfhelp config set country gb >/dev/null &&
	on_tty grounding --rate &&
	expect_in "call 999 now" "$OUT" &&
	expect_in "Samaritans: Call 116 123" "$OUT" &&
	expect_not_in "local emergency number" "$OUT" &&
	selfhelp config unset country >/dev/null &&
	LC_ALL=C.UTF-8 LC_MESSAGES= LANG= on_tty grounding --rate &&
	expect_in "local emergency number" "$OUT" &&
	expect_not_in "Samaritans" "$OUT"
'

# --- grounding -----------------------------------------------------------

test_expect_success 'grounding starts the saved exercise; names and random still choose' '
	selfhelp grounding >"$TEST_ROOT/usual" &&
	selfhelp grounding feet >"$TEST_ROOT/feet" &&
	! cmp -s "$TEST_ROOT/usual" "$TEST_ROOT/feet" &&
	selfhelp config set grounding feet >/dev/null &&
	selfhelp grounding >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	cmp "$TEST_ROOT/feet" "$OUT" &&
	selfhelp grounding orienting >"$OUT" &&
	! cmp -s "$TEST_ROOT/feet" "$OUT" &&
	selfhelp grounding random >/dev/null &&
	selfhelp grounding --minutes 1 >"$OUT" &&
	expect_in "Breathe in for" "$OUT"
'

test_expect_success 'grounding: a saved exercise that is gone is said, and the usual one starts' '
	printf "grounding = gone-away\n" >"$CONFIG" &&
	selfhelp grounding >"$OUT" 2>"$ERR" &&
	cmp "$TEST_ROOT/usual" "$OUT" &&
	expect_in "gone-away" "$ERR" &&
	test "$(wc -l <"$ERR")" = 1 &&
	rm "$CONFIG"
'

test_expect_success SCRIPT 'motion = reduced: on a terminal no countdown, no moving bar' '
	keys() {
		wait_for "q: leave" && sleep 0.3 &&
		printf "\r\r\r\r\r\r" &&
		wait_for "reathe out" && sleep 1.5 && printf q && sleep 0.5
	} &&
	selfhelp config set motion reduced >/dev/null &&
	on_tty grounding breathing --pattern 3-3 &&
	expect_in "Breathe in for 3." "$OUT" &&
	expect_in "Breathe out for 3." "$OUT" &&
	expect_not_in "breathe in   [" "$OUT" &&
	expect_not_in "$(printf "\033[?25l")" "$OUT" &&
	expect_in "Stopped." "$OUT" &&
	SELFHELP_REDUCED_MOTION=0 on_tty grounding breathing --pattern 3-3 &&
	expect_in "breathe in   [" "$OUT" &&
	selfhelp config set motion full >/dev/null &&
	on_tty grounding breathing --pattern 3-3 &&
	expect_in "breathe in   [" "$OUT" &&
	grep -q "\]  1" "$OUT" &&
	on_tty grounding breathing --pattern 3-3 --reduced-motion &&
	expect_not_in "breathe in   [" "$OUT" &&
	rm "$CONFIG"
'

# --- warnings ------------------------------------------------------------

test_expect_success 'what cannot be used: one warning line a run, never a failure' '
	cat >"$CONFIG" <<-\EOF &&
	colour = blue
	just words
	motion = fast
	passphrase = correct horse battery
	grounding = feet
	EOF
	selfhelp grounding >"$OUT" 2>"$ERR" &&
	cmp "$TEST_ROOT/feet" "$OUT" &&
	test "$(wc -l <"$ERR")" = 1 &&
	expect_in "line 1: '\''colour'\'' is not a setting selfhelp knows" "$ERR" &&
	expect_in "(and 3 more lines)" "$ERR" &&
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	test "$(wc -l <"$ERR")" = 1 &&
	selfhelp config list >"$OUT" 2>"$ERR" &&
	test "$(wc -l <"$ERR")" = 4 &&
	expect_in "line 2: it has no '\''='\''" "$ERR" &&
	expect_in "line 3: motion takes full or reduced" "$ERR" &&
	expect_in "line 4: '\''passphrase'\'' looks like a secret" "$ERR" &&
	expect_not_in "horse" "$ERR" &&
	expect_in "grounding  = feet" "$OUT" &&
	selfhelp topics list >/dev/null 2>"$ERR" &&
	test ! -s "$ERR" &&
	rm "$CONFIG"
'

test_expect_success 'a settings file that cannot be read: one line, and on without it' '
	mkdir -p "$CONFIG" &&
	selfhelp crisis >"$OUT" 2>"$ERR" &&
	expect_in "Help right now" "$OUT" &&
	test "$(wc -l <"$ERR")" = 1 && expect_in "could not be read" "$ERR" &&
	selfhelp grounding >"$OUT" 2>"$ERR" &&
	cmp "$TEST_ROOT/usual" "$OUT" &&
	test_must_fail 1 selfhelp config set motion reduced 2>"$ERR" &&
	expect_in "nothing was changed" "$ERR" &&
	rmdir "$CONFIG"
'

# --- pager and editor ----------------------------------------------------

cat >"$TEST_ROOT/bin/pager-setting" <<-\EOF
#!/bin/sh
echo PAGER-FROM-SETTING
cat
EOF
cat >"$TEST_ROOT/bin/pager-env" <<-\EOF
#!/bin/sh
echo PAGER-FROM-PAGER
cat
EOF
cat >"$TEST_ROOT/bin/pager-selfhelp" <<-\EOF
#!/bin/sh
echo PAGER-FROM-SELFHELP-PAGER
cat
EOF
chmod +x "$TEST_ROOT/bin/"*
PATH="$TEST_ROOT/bin:$PATH"
export PATH

test_expect_success SCRIPT 'pager: SELFHELP_PAGER, then the setting, then PAGER' '
	keys() { sleep 0.5; } &&
	selfhelp config set pager pager-setting >/dev/null &&
	PAGER=pager-env on_tty topics show --skip-notes shame &&
	expect_in "PAGER-FROM-SETTING" "$OUT" &&
	expect_not_in "PAGER-FROM-PAGER" "$OUT" &&
	PAGER=pager-env SELFHELP_PAGER=pager-selfhelp on_tty topics show --skip-notes shame &&
	expect_in "PAGER-FROM-SELFHELP-PAGER" "$OUT" &&
	expect_not_in "PAGER-FROM-SETTING" "$OUT" &&
	on_tty --no-pager topics show --skip-notes shame &&
	expect_not_in "PAGER-FROM" "$OUT" &&
	selfhelp config set pager cat >/dev/null &&
	PAGER=pager-env on_tty topics show --skip-notes shame &&
	expect_not_in "PAGER-FROM" "$OUT" && expect_in "shame" "$OUT" &&
	selfhelp config unset pager >/dev/null &&
	PAGER=pager-env on_tty topics show --skip-notes shame &&
	expect_in "PAGER-FROM-PAGER" "$OUT"
'

# An editor that says who it is and writes the entry.
for who in setting visual editor selfhelp; do
	cat >"$TEST_ROOT/bin/ed-$who" <<-EOF
	#!/bin/sh
	for last; do :; done
	echo $who >"$TEST_ROOT/editor-ran"
	printf "Written by the $who editor\n" >"\$last"
	EOF
	chmod +x "$TEST_ROOT/bin/ed-$who"
done

# editor_ran ENV...: journal add on a terminal (TERM=xterm unless ENV
# says otherwise) with ENV; prints which editor wrote the entry. (When
# the wrong editor is chosen, vi must not wait here for ever: EDITOR is
# false unless ENV names one, and a minute is the limit.)
editor_ran() {
	rm -f "$TEST_ROOT/editor-ran"
	env TERM=xterm EDITOR=false "$@" timeout 60 \
		script -qec "$SELFHELP_RUN $P journal add" /dev/null \
		>"$OUT" 2>&1 </dev/null || return 1
	expect_in "Saved" "$OUT" || return 1
	cat "$TEST_ROOT/editor-ran"
}

test_expect_success 'editor: SELFHELP_EDITOR, the setting, VISUAL, EDITOR' '
	quick_vault >/dev/null &&
	test "$(editor_ran VISUAL=ed-visual EDITOR=ed-editor)" = visual &&
	selfhelp config set editor ed-setting >/dev/null &&
	test "$(editor_ran VISUAL=ed-visual EDITOR=ed-editor)" = setting &&
	test "$(editor_ran SELFHELP_EDITOR=ed-selfhelp VISUAL=ed-visual)" = selfhelp &&
	selfhelp $P journal search "Written by the setting editor" >"$OUT" &&
	expect_in "setting editor" "$OUT" &&
	selfhelp config unset editor >/dev/null &&
	test "$(editor_ran TERM=dumb VISUAL=ed-visual EDITOR=ed-editor)" = editor
'

test_expect_success SCRIPT 'editor: a saved editor that cannot start names the setting' '
	selfhelp config set editor no-such-editor-here >/dev/null &&
	test_must_fail 1 env EDITOR=false timeout 60 \
		script -qec "$SELFHELP_RUN $P journal add" /dev/null \
		>"$OUT" 2>&1 </dev/null &&
	expect_in "no-such-editor-here" "$OUT" &&
	expect_in "config set editor" "$OUT" &&
	selfhelp config unset editor >/dev/null
'

test_done
