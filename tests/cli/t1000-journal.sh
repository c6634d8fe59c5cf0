#!/bin/sh
# init and journal end to end, driving the real binary with --passphrase-file.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# The editor's private folder is on tmpfs: XDG_RUNTIME_DIR when it is
# tmpfs, else /dev/shm. Snapshot /dev/shm to spot anything left behind.
ls /dev/shm >"$TEST_ROOT/shm-before" 2>/dev/null


test_expect_success 'init creates the vault 0600 in a 0700 folder' '
	(umask 000 && selfhelp $P init --kdf interactive >"$OUT" 2>"$ERR") &&
	expect_in "ready" "$OUT" &&
	test "$(stat -c %a "$VAULT")" = 600 &&
	test "$(stat -c %a "$XDG_DATA_HOME/selfhelp")" = 700
'

test_expect_success 'init refuses to touch an existing vault' '
	cp "$VAULT" "$TEST_ROOT/copy" &&
	test_must_fail 1 selfhelp $P init --kdf interactive 2>"$ERR" &&
	expect_in "already a vault" "$ERR" &&
	cmp "$VAULT" "$TEST_ROOT/copy"
'

test_expect_success 'init: unknown --kdf is a usage error' '
	test_must_fail 2 selfhelp $P --vault "$TEST_ROOT/v2.db" init --kdf fast 2>"$ERR" &&
	test ! -e "$TEST_ROOT/v2.db"
'

test_expect_success 'wrong passphrase: one sentence, exit 1, nothing written' '
	printf "not it\n" >"$TEST_ROOT/bad" &&
	cp "$VAULT" "$TEST_ROOT/copy" &&
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT/bad" journal list 2>"$ERR" &&
	expect_in "That passphrase doesn'\''t open this vault." "$ERR" &&
	cmp "$VAULT" "$TEST_ROOT/copy"
'

# The rest is about the journal, not the key derivation: it runs on a
# vault made with the cheapest settings, which spares every command its
# Argon2 run (over a second each under valgrind). t6000-keys keeps using
# a vault from init.
test_expect_success 'setup: a quick vault in place of the one init made' '
	rm -f "$VAULT" "$VAULT-wal" "$VAULT-shm" &&
	quick_vault >/dev/null &&
	test "$(stat -c %a "$VAULT")" = 600
'

test_expect_success 'add with -m prints a short id' '
	selfhelp $P journal add -m "First entry about the park" --mood 6 --tag Walk --tag "#outside" >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT"
'

test_expect_success 'add from stdin' '
	printf "From a pipe\nsecond line\n" | selfhelp $P journal add --tag pipe >"$OUT" &&
	grep -Eq "^[0-9a-f]{8}$" "$OUT"
'

test_expect_success 'passphrase from stdin (-), text follows on stdin' '
	printf "test passphrase\nText after the passphrase\n" |
		selfhelp --passphrase-file - journal add >"$OUT" &&
	selfhelp $P journal search "after the passphrase" >"$OUT" &&
	expect_in "Text after the passphrase" "$OUT"
'

test_expect_success SCRIPT 'add through a scripted $EDITOR' '
	cat >"$TEST_ROOT/ed.sh" <<-\EOS &&
	#!/bin/sh
	# record where the file is and what mode it has, then write the entry
	for last; do :; done
	dirname "$last" >"$TEST_ROOT_ED/dir"
	stat -c %a "$last" >"$TEST_ROOT_ED/mode"
	stat -c %a "$(dirname "$last")" >"$TEST_ROOT_ED/dirmode"
	printf "Written in the editor\n" >"$last"
	EOS
	chmod +x "$TEST_ROOT/ed.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed.sh" \
		script -qec "$SELFHELP_RUN $P journal add --date 2026-01-05" /dev/null >"$OUT" &&
	expect_in "Saved" "$OUT" &&
	test "$(cat "$TEST_ROOT/mode")" = 600 &&
	test "$(cat "$TEST_ROOT/dirmode")" = 700 &&
	d=$(cat "$TEST_ROOT/dir") &&
	test ! -e "$d" &&
	case "$d" in /dev/shm/*|"$XDG_RUNTIME_DIR"/*) true ;; *) false ;; esac
'

test_expect_success SCRIPT 'vim gets no swap, undo, backup or viminfo files' '
	mkdir -p "$TEST_ROOT/bin" &&
	cat >"$TEST_ROOT/bin/vim" <<-\EOS &&
	#!/bin/sh
	echo "$@" >"$TEST_ROOT_ED/vimargs"
	for last; do :; done
	printf "via vim\n" >"$last"
	EOS
	chmod +x "$TEST_ROOT/bin/vim" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/bin/vim" \
		script -qec "$SELFHELP_RUN $P journal add" /dev/null >"$OUT" &&
	expect_in "noswapfile" "$TEST_ROOT/vimargs" &&
	expect_in "noundofile" "$TEST_ROOT/vimargs" &&
	expect_in "nobackup" "$TEST_ROOT/vimargs" &&
	expect_in "-i NONE" "$TEST_ROOT/vimargs"
'

test_expect_success 'an empty entry saves nothing and says so' '
	selfhelp $P journal list --json >"$TEST_ROOT/before.json" &&
	printf "  \n\n" | selfhelp $P journal add >"$OUT" &&
	expect_in "empty" "$OUT" &&
	selfhelp $P journal list --json >"$TEST_ROOT/after.json" &&
	cmp "$TEST_ROOT/before.json" "$TEST_ROOT/after.json"
'

test_expect_success 'list: newest first, one line each' '
	selfhelp $P journal add -m "Older one" --date 2025-06-01T09:15 >/dev/null &&
	selfhelp $P journal list >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 6 &&
	tail -n 1 "$OUT" | grep -q "2025-06-01 09:15  Older one" &&
	grep -q "mood 6  #walk #outside  First entry about the park" "$OUT"
'

test_expect_success 'list filters: -n, --since, --until, --tag' '
	selfhelp $P journal list -n 2 >"$OUT" && test "$(wc -l <"$OUT")" -eq 2 &&
	selfhelp $P journal list --until 2025-06-01 >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "Older one" "$OUT" &&
	selfhelp $P journal list --since 2026-01-01 --until 2026-01-05 >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "Written in the editor" "$OUT" &&
	selfhelp $P journal list --since today >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 4 &&
	selfhelp $P journal list --tag pipe >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "From a pipe" "$OUT" &&
	selfhelp $P journal list --since 7d --tag walk >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1
'

test_expect_success 'bad dates and numbers are usage errors' '
	test_must_fail 2 selfhelp $P journal list --since 2026-02-30 2>"$ERR" &&
	expect_in "2026-02-30" "$ERR" &&
	test_must_fail 2 selfhelp $P journal add -m x --mood 11 &&
	test_must_fail 2 selfhelp $P journal add -m x --mood -1 &&
	test_must_fail 2 selfhelp $P journal list -n 0 &&
	test_must_fail 2 selfhelp $P journal list -n 99999999999999999999
'

test_expect_success 'list --json parses back with every field' '
	selfhelp $P journal list --json >"$OUT" &&
	json "assert len(d) == 6, d
e = [x for x in d if x[\"text\"].startswith(\"First entry\")][0]
assert len(e[\"id\"]) == 32 and e[\"mood\"] == 6, e
assert e[\"tags\"] == [\"walk\", \"outside\"], e
assert e[\"created\"].endswith(\"+00:00\"), e
o = [x for x in d if x[\"text\"] == \"Older one\"][0]
assert o[\"created\"] == \"2025-06-01T09:15:00+00:00\" and o[\"mood\"] is None, o" <"$OUT"
'

test_expect_success 'show by prefix, and --json' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --tag pipe --json) &&
	selfhelp $P journal show "$(echo $id | cut -c1-4)" >"$OUT" &&
	expect_in "From a pipe" "$OUT" && expect_in "second line" "$OUT" &&
	expect_in "#pipe" "$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "assert d[0][\"text\"] == \"From a pipe\\nsecond line\\n\", d" <"$OUT"
'

test_expect_success 'show: unknown, too short, and missing ids' '
	test_must_fail 1 selfhelp $P journal show ffffffff 2>"$ERR" &&
	expect_in "no journal entry" "$ERR" &&
	test_must_fail 2 selfhelp $P journal show abc 2>"$ERR" &&
	test_must_fail 2 selfhelp $P journal show 2>"$ERR" &&
	test_must_fail 2 selfhelp $P journal show zzzzzz 2>"$ERR"
'

test_expect_success 'edit with -m, --mood and --tag' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --tag pipe --json) &&
	selfhelp $P journal edit "$id" -m "Edited text" --mood 3 --tag calm >"$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "e = d[0]; assert e[\"text\"] == \"Edited text\" and e[\"mood\"] == 3 and e[\"tags\"] == [\"calm\"], e" <"$OUT"
'

test_expect_success SCRIPT 'edit through a scripted $EDITOR sees the old text' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --tag calm --json) &&
	cat >"$TEST_ROOT/ed2.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	cp "$last" "$TEST_ROOT_ED/seen"
	printf "Edited again\n" >>"$last"
	EOS
	chmod +x "$TEST_ROOT/ed2.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed2.sh" \
		script -qec "$SELFHELP_RUN $P journal edit $id" /dev/null >"$OUT" &&
	expect_in "Edited text" "$TEST_ROOT/seen" &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "Edited again" "$OUT" && expect_in "mood 3" "$OUT"
'

test_expect_success SCRIPT 'an editor that fails saves nothing' '
	n=$(selfhelp_lines $P journal list) &&
	EDITOR=false script -qec "$SELFHELP_RUN $P journal add" /dev/null >"$OUT";
	expect_in "nothing was saved" "$OUT" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n"
'

# On a terminal the question "Keep what you wrote?" comes (tests/pty/
# journal-pty.py); with no terminal to ask on, the words are not kept.
test_expect_success SCRIPT 'an editor that fails after words were written, no terminal to ask on' '
	cat >"$TEST_ROOT/ed-fail.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	printf "Crash words of t1000\n" >>"$last"
	exit 3
	EOS
	chmod +x "$TEST_ROOT/ed-fail.sh" &&
	n=$(selfhelp_lines $P journal list) &&
	EDITOR="$TEST_ROOT/ed-fail.sh" script -qec "$SELFHELP_RUN $P journal add 2>\"$ERR\"" /dev/null >"$OUT";
	expect_in "the words you wrote were not saved" "$ERR" &&
	expect_not_in "Keep what you wrote" "$ERR" &&
	expect_not_in "Keep what you wrote" "$OUT" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n" &&
	! grep -r -a -q "Crash words of t1000" "$XDG_RUNTIME_DIR" /dev/shm 2>/dev/null
'

test_expect_success 'search: any case, text and tags, with a snippet' '
	selfhelp $P journal add -m "Ein Tag voller Ärger und dann Ruhe am Abend" >/dev/null &&
	selfhelp $P journal search ärger >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 1 && expect_in "Ärger" "$OUT" &&
	selfhelp $P journal search PARK >"$OUT" && expect_in "park" "$OUT" &&
	selfhelp $P journal search outside >"$OUT" && expect_in "First entry" "$OUT" &&
	selfhelp $P journal search "no such words" >"$OUT" && expect_in "No entries" "$OUT" &&
	selfhelp $P journal search ÄRGER --json >"$OUT" &&
	json "assert len(d) == 1 and \"Ärger\" in d[0][\"snippet\"], d" <"$OUT"
'

test_expect_success SCRIPT 'delete: asks on a terminal, needs --yes without one' '
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --tag calm --json) &&
	test_must_fail 2 selfhelp $P journal delete "$id" </dev/null 2>"$ERR" &&
	expect_in "--yes" "$ERR" &&
	selfhelp $P journal show "$id" >/dev/null &&
	echo n | script -qec "$SELFHELP_RUN $P journal delete $id" /dev/null >"$OUT";
	selfhelp $P journal show "$id" >/dev/null &&
	selfhelp $P journal delete "$id" --yes >"$OUT" &&
	expect_in "Deleted" "$OUT" &&
	test_must_fail 1 selfhelp $P journal show "$id" 2>"$ERR"
'

test_expect_success 'invalid UTF-8 and NUL bytes from stdin are refused clearly' '
	n=$(selfhelp_lines $P journal list) &&
	printf "bad \377 byte" | test_must_fail 2 selfhelp $P journal add 2>"$ERR" &&
	expect_in "UTF-8" "$ERR" &&
	printf "nul\000byte" | test_must_fail 2 selfhelp $P journal add 2>"$ERR" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n"
'

test_expect_success 'terminal escapes in text are not passed to the terminal' '
	printf "evil \033]0;title\007 text" | selfhelp $P journal add >/dev/null &&
	selfhelp $P journal search evil >"$OUT" &&
	! grep -q "$(printf "\033")" "$OUT"
'

test_expect_success 'list -n follows dates, also after an edit moves one' '
	selfhelp $P journal add -m "idx march" --date 2031-03-01 >"$TEST_ROOT/idm" &&
	selfhelp $P journal add -m "idx january" --date 2031-01-01 >"$TEST_ROOT/idj" &&
	selfhelp $P journal add -m "idx february" --date 2031-02-01 >/dev/null &&
	selfhelp $P journal list -n 2 >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 2 &&
	head -n 1 "$OUT" | grep -q "idx march" &&
	tail -n 1 "$OUT" | grep -q "idx february" &&
	selfhelp $P journal edit "$(cat "$TEST_ROOT/idj")" -m "idx january moved" --date 2031-04-01 >/dev/null &&
	selfhelp $P journal list -n 1 >"$OUT" &&
	expect_in "idx january moved" "$OUT" &&
	selfhelp $P journal delete --yes "$(cat "$TEST_ROOT/idj")" >/dev/null &&
	selfhelp $P journal list -n 1 >"$OUT" &&
	expect_in "idx march" "$OUT" &&
	selfhelp $P journal list -n 1 --until 2031-02-15 >"$OUT" &&
	expect_in "idx february" "$OUT" &&
	selfhelp $P journal search idx -n 1 >"$OUT" &&
	expect_in "idx march" "$OUT" &&
	ids=$(selfhelp_json "print(\" \".join(e[\"id\"] for e in d))" $P journal search idx --json) &&
	test -n "$ids" &&
	for id in $ids; do
		selfhelp $P journal delete --yes "$id" >/dev/null || return 1
	done
'

test_expect_success 'a damaged record is named and the rest still lists' '
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	id=$(selfhelp_json "print(sorted(x[\"id\"] for x in d)[0])" $P journal list --json) &&
	damage_record "$VAULT" "$id" head &&
	test_must_fail 1 selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_in "$id" "$ERR" &&
	test "$(wc -l <"$OUT")" -ge 5 &&
	test_must_fail 1 selfhelp $P journal list --json >"$OUT" 2>"$ERR" &&
	json "assert len(d) >= 5 and all(x[\"id\"] != \"$id\" for x in d)" <"$OUT" &&
	cp "$TEST_ROOT/keep.db" "$VAULT"
'

test_expect_success 'edit --mood --tag alone leaves the text, without a terminal' '
	id=$(selfhelp $P journal add -m "Keep these words" --mood 2) &&
	selfhelp $P journal edit "$id" --mood 6 --tag outdoors </dev/null >"$OUT" &&
	expect_in "Saved." "$OUT" &&
	expect_in "text was left as it was" "$OUT" &&
	expect_in "journal edit ID -" "$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "e = d[0]; assert (e[\"text\"], e[\"mood\"], e[\"tags\"]) == (\"Keep these words\", 6, [\"outdoors\"]), e" <"$OUT" &&
	echo "piped text" | selfhelp $P journal edit "$id" --mood 7 >"$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "e = d[0]; assert (e[\"text\"], e[\"mood\"]) == (\"Keep these words\", 7), e" <"$OUT"
'

test_expect_success SCRIPT 'edit --mood alone opens no editor on a terminal' '
	id=$(selfhelp $P journal add -m "Still these words") &&
	EDITOR=false script -qec "$SELFHELP_RUN $P journal edit $id --mood 5" /dev/null >"$OUT" &&
	expect_in "Saved." "$OUT" && expect_not_in "text was left" "$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "e = d[0]; assert (e[\"text\"], e[\"mood\"]) == (\"Still these words\", 5), e" <"$OUT"
'

test_expect_success 'add - and edit ID - read the text from standard input' '
	echo "dash text" | selfhelp $P journal add - --tag dash >"$TEST_ROOT/dashid" &&
	id=$(cat "$TEST_ROOT/dashid") &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "assert d[0][\"text\"] == \"dash text\\n\", d" <"$OUT" &&
	echo "new dash text" | selfhelp $P journal edit "$id" - --mood 4 >"$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "e = d[0]; assert (e[\"text\"], e[\"mood\"]) == (\"new dash text\\n\", 4), e" <"$OUT" &&
	echo x | test_must_fail 2 selfhelp $P journal add - -m y 2>"$ERR" &&
	expect_in "one of them is enough" "$ERR"
'

test_expect_success 'add: empty standard input names -m' '
	selfhelp $P journal add </dev/null >"$OUT" &&
	expect_in "nothing was saved" "$OUT" && expect_in "-m" "$OUT"
'

test_expect_success SCRIPT 'TERM=dumb, no editor named or output elsewhere: no vi, a way to give the text' '
	mkdir -p "$TEST_ROOT/vibin" &&
	cat >"$TEST_ROOT/vibin/vi" <<-\EOS &&
	#!/bin/sh
	: >"$TEST_ROOT_ED/vi-ran"
	for last; do :; done
	printf "from vi\n" >"$last"
	EOS
	chmod +x "$TEST_ROOT/vibin/vi" &&
	n=$(selfhelp_lines $P journal list) &&
	for t in "TERM=dumb" "-u TERM"; do
		rm -f "$TEST_ROOT/vi-ran" &&
		env -u EDITOR -u VISUAL $t TEST_ROOT_ED="$TEST_ROOT" PATH="$TEST_ROOT/vibin:$PATH" \
			script -qec "$SELFHELP_RUN $P journal add" /dev/null >"$OUT";
		test ! -e "$TEST_ROOT/vi-ran" &&
		expect_in "No editor was opened" "$OUT" &&
		expect_in "-m" "$OUT" && expect_in "standard input" "$OUT" || return 1
	done &&
	rm -f "$TEST_ROOT/vi-ran" &&
	env -u EDITOR -u VISUAL TERM=xterm TEST_ROOT_ED="$TEST_ROOT" PATH="$TEST_ROOT/vibin:$PATH" \
		script -qec "$SELFHELP_RUN $P journal add >\"$TEST_ROOT/id\"" /dev/null >"$OUT";
	test ! -e "$TEST_ROOT/vi-ran" &&
	expect_in "the output does not go to a terminal" "$OUT" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n" &&
	EDITOR="$TEST_ROOT/vibin/vi" TERM=dumb TEST_ROOT_ED="$TEST_ROOT" \
		script -qec "$SELFHELP_RUN $P journal add" /dev/null >"$OUT" &&
	test -e "$TEST_ROOT/vi-ran" && expect_in "Saved" "$OUT"
'

test_expect_success SCRIPT 'the editor file ends with a newline; unchanged stays unchanged' '
	id=$(selfhelp $P journal add -m "no newline at the end") &&
	cat >"$TEST_ROOT/ed-append.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	echo "appended" >>"$last"
	EOS
	chmod +x "$TEST_ROOT/ed-append.sh" &&
	EDITOR="$TEST_ROOT/ed-append.sh" script -qec "$SELFHELP_RUN $P journal edit $id" /dev/null >"$OUT" &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "assert d[0][\"text\"] == \"no newline at the end\\nappended\\n\", d" <"$OUT" &&
	id=$(selfhelp $P journal add -m "left alone") &&
	EDITOR=true script -qec "$SELFHELP_RUN $P journal edit $id" /dev/null >"$OUT" &&
	expect_in "Nothing changed." "$OUT"
'

test_expect_success SCRIPT '--no-input: no editor, no yes, no passphrase asked' '
	id=$(selfhelp $P journal add -m "asked nothing") &&
	rm -f "$TEST_ROOT/vi-ran" &&
	EDITOR="$TEST_ROOT/vibin/vi" TEST_ROOT_ED="$TEST_ROOT" \
		script -qec "$SELFHELP_RUN $P journal add --no-input; echo rc=\$?" /dev/null >"$OUT" &&
	expect_in "rc=2" "$OUT" && expect_in "--no-input" "$OUT" &&
	test ! -e "$TEST_ROOT/vi-ran" &&
	script -qec "$SELFHELP_RUN $P journal delete --no-input $id; echo rc=\$?" /dev/null >"$OUT" &&
	expect_in "rc=2" "$OUT" && expect_in "--yes" "$OUT" &&
	selfhelp $P journal show "$id" >/dev/null &&
	script -qec "$SELFHELP_RUN journal list --no-input; echo rc=\$?" /dev/null >"$OUT" &&
	expect_in "rc=1" "$OUT" && expect_in "--no-input says not to ask" "$OUT" &&
	expect_not_in "Passphrase:" "$OUT" &&
	selfhelp $P journal edit "$id" --no-input --mood 1 >"$OUT" &&
	expect_in "Saved." "$OUT"
'

test_expect_success SCRIPT 'the mood scale says which end is good' '
	selfhelp journal add --help >"$OUT" && expect_in "0 to 10, 10 is best" "$OUT" &&
	test_must_fail 2 selfhelp $P journal add -m x --mood 11 2>"$ERR" &&
	expect_in "10 is best" "$ERR" &&
	id=$(selfhelp $P journal add -m "with a mood" --mood 8) &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "mood 8 (0 to 10, 10 is best)" "$OUT" &&
	script -qec "$SELFHELP_RUN $P journal list -n 1" /dev/null >"$OUT" &&
	expect_in "(mood 0 to 10, 10 is best)" "$OUT" &&
	selfhelp $P journal list -n 1 >"$OUT" && test "$(wc -l <"$OUT")" -eq 1
'

test_expect_success SCRIPT 'privacy: no marker in clear in the vault files or temp dirs' '
	M=PRIVMARKER7q3z &&
	T=privtag9x &&
	selfhelp $P journal add -m "before $M after" --tag $T >/dev/null &&
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal search $M --json) &&
	cat >"$TEST_ROOT/ed3.sh" <<-EOS &&
	#!/bin/sh
	for last; do :; done
	printf "edited $M again\n" >"\$last"
	EOS
	chmod +x "$TEST_ROOT/ed3.sh" &&
	EDITOR="$TEST_ROOT/ed3.sh" script -qec "$SELFHELP_RUN $P journal edit $id" /dev/null >/dev/null &&
	selfhelp $P journal search $M >/dev/null &&
	selfhelp $P journal search $T >/dev/null &&
	selfhelp $P journal add -m "second $M" >/dev/null &&
	id2=$(selfhelp_json "print(d[0][\"id\"])" $P journal search second --json) &&
	selfhelp $P journal delete "$id2" --yes >/dev/null &&
	for f in "$VAULT" "$VAULT-wal" "$VAULT-shm"; do
		if test -e "$f"; then
			! grep -a -q "$M" "$f" && ! grep -a -q "$T" "$f" || { echo "found in $f"; false; }
		fi
	done &&
	! grep -r -a -q "$M" "$XDG_RUNTIME_DIR" 2>/dev/null &&
	ls /dev/shm >"$TEST_ROOT/shm-after" 2>/dev/null;
	! diff "$TEST_ROOT/shm-before" "$TEST_ROOT/shm-after" | grep "^>.*selfhelp"
'

# --- journal add --prompt [TOPIC] ---

test_expect_success 'add --prompt TOPIC: a prompt of that page, quoted, then the text' '
	selfhelp topics prompts anger >"$TEST_ROOT/anger" &&
	selfhelp $P journal add --prompt anger -m "My own words" --date 2026-02-01 >"$OUT" &&
	selfhelp_json "print(d[0][\"text\"])" $P journal list --since 2026-02-01 --until 2026-02-01 --json >"$TEST_ROOT/text" &&
	head -n 1 "$TEST_ROOT/text" | sed -n "s/^> //p" >"$TEST_ROOT/first" &&
	test -s "$TEST_ROOT/first" &&
	grep -qxF -f "$TEST_ROOT/first" "$TEST_ROOT/anger" &&
	test "$(sed -n 2p "$TEST_ROOT/text")" = "" &&
	test "$(sed -n 3p "$TEST_ROOT/text")" = "My own words"
'

test_expect_success 'add --prompt: a name of more words, and from standard input' '
	selfhelp topics prompts inner critic >"$TEST_ROOT/critic" &&
	printf "Typed on stdin\n" | selfhelp $P journal add --date 2026-02-02 --prompt inner critic >"$OUT" &&
	selfhelp_json "print(d[0][\"text\"])" $P journal list --since 2026-02-02 --until 2026-02-02 --json >"$TEST_ROOT/text" &&
	head -n 1 "$TEST_ROOT/text" | sed -n "s/^> //p" >"$TEST_ROOT/first" &&
	grep -qxF -f "$TEST_ROOT/first" "$TEST_ROOT/critic" &&
	expect_in "Typed on stdin" "$TEST_ROOT/text"
'

test_expect_success 'add - --prompt TOPIC: the prompt in front of standard input' '
	printf "Dash and prompt\n" | selfhelp $P journal add - --date 2026-02-19 --prompt anger >"$OUT" &&
	selfhelp_json "print(d[0][\"text\"])" $P journal list --since 2026-02-19 --until 2026-02-19 --json >"$TEST_ROOT/text" &&
	head -n 1 "$TEST_ROOT/text" | sed -n "s/^> //p" >"$TEST_ROOT/first" &&
	grep -qxF -f "$TEST_ROOT/first" "$TEST_ROOT/anger" &&
	test "$(sed -n 3p "$TEST_ROOT/text")" = "Dash and prompt"
'

test_expect_success 'add --prompt without a topic: a present-focused prompt' '
	: >"$TEST_ROOT/present" &&
	for slug in $(selfhelp_json "print(\" \".join(t[\"slug\"] for t in d))" topics list --json); do
		selfhelp_json "print(\"\\n\".join(p[\"text\"] for p in d[\"prompts\"] if p[\"present\"]))" \
			topics prompts "$slug" --json >>"$TEST_ROOT/present" || return 1
	done &&
	test "$(wc -l <"$TEST_ROOT/present")" -ge 50 &&
	for day in 03 04 05; do
		selfhelp $P journal add --prompt --date 2026-02-$day -m "Now" >"$OUT" &&
		selfhelp_json "print(d[0][\"text\"])" $P journal list --since 2026-02-$day --until 2026-02-$day --json >"$TEST_ROOT/text" &&
		head -n 1 "$TEST_ROOT/text" | sed -n "s/^> //p" >"$TEST_ROOT/first" &&
		test -s "$TEST_ROOT/first" &&
		grep -qxF -f "$TEST_ROOT/first" "$TEST_ROOT/present" || return 1
	done
'

test_expect_success 'add --prompt with an unknown topic: one sentence, a hint, nothing saved' '
	n=$(selfhelp_lines $P journal list) &&
	test_must_fail 1 selfhelp $P journal add --prompt angr -m "x" 2>"$ERR" &&
	test "$(wc -l <"$ERR")" -eq 1 &&
	expect_in "no topic '\''angr'\''" "$ERR" &&
	expect_in "closest: anger" "$ERR" &&
	expect_in "selfhelp topics list" "$ERR" &&
	test_must_fail 1 selfhelp $P journal add --prompt qqqzzzqqq -m "x" 2>"$ERR" &&
	expect_in "selfhelp topics list" "$ERR" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n"
'

test_expect_success '--prompt is for add alone' '
	test_must_fail 2 selfhelp $P journal list --prompt 2>"$ERR" &&
	expect_in "--prompt" "$ERR"
'

test_expect_success 'add --prompt: list and a search by tag show the first own words' '
	selfhelp $P journal add --prompt anger -m "Words of my own first" --tag pvw --date 2026-02-21 >"$OUT" &&
	selfhelp $P journal list --since 2026-02-21 --until 2026-02-21 >"$OUT" &&
	expect_in "  Words of my own first" "$OUT" &&
	expect_not_in ">" "$OUT" &&
	selfhelp $P journal search pvw >"$OUT" &&
	expect_in "Words of my own first" "$OUT" &&
	expect_not_in ">" "$OUT" &&
	selfhelp_json "print(d[0][\"snippet\"])" $P journal search pvw --json >"$TEST_ROOT/pv" &&
	test "$(cat "$TEST_ROOT/pv")" = "Words of my own first" &&
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --since 2026-02-21 --until 2026-02-21 --json) &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "> " "$OUT" &&
	expect_in "Words of my own first" "$OUT" &&
	selfhelp $P journal add -m "> a quote of my own" --date 2026-02-22 >"$OUT" &&
	selfhelp $P journal list --since 2026-02-22 --until 2026-02-22 >"$OUT" &&
	expect_in "  > a quote of my own" "$OUT"
'

test_expect_success SCRIPT 'add --prompt opens the editor with the prompt quoted' '
	cat >"$TEST_ROOT/ed-prompt.sh" <<-\EOS &&
	#!/bin/sh
	for last; do :; done
	cp "$last" "$TEST_ROOT_ED/seen"
	printf "Answered in the editor\n" >>"$last"
	EOS
	chmod +x "$TEST_ROOT/ed-prompt.sh" &&
	TEST_ROOT_ED="$TEST_ROOT" EDITOR="$TEST_ROOT/ed-prompt.sh" \
		script -qec "$SELFHELP_RUN $P journal add --date 2026-02-06 --prompt shame" /dev/null >"$OUT" &&
	expect_in "Saved" "$OUT" &&
	selfhelp topics prompts shame >"$TEST_ROOT/shame" &&
	head -n 1 "$TEST_ROOT/seen" | sed -n "s/^> //p" >"$TEST_ROOT/first" &&
	grep -qxF -f "$TEST_ROOT/first" "$TEST_ROOT/shame" &&
	selfhelp_json "print(d[0][\"text\"])" $P journal list --since 2026-02-06 --until 2026-02-06 --json >"$TEST_ROOT/text" &&
	test "$(head -n 1 "$TEST_ROOT/text")" = "$(head -n 1 "$TEST_ROOT/seen")" &&
	expect_in "Answered in the editor" "$TEST_ROOT/text"
'

test_expect_success SCRIPT 'add --prompt: left with the prompt alone, nothing is saved' '
	cat >"$TEST_ROOT/ed-none.sh" <<-\EOS &&
	#!/bin/sh
	exit 0
	EOS
	chmod +x "$TEST_ROOT/ed-none.sh" &&
	n=$(selfhelp_lines $P journal list) &&
	EDITOR="$TEST_ROOT/ed-none.sh" \
		script -qec "$SELFHELP_RUN $P journal add --prompt" /dev/null >"$OUT" &&
	expect_in "empty" "$OUT" &&
	test "$(selfhelp_lines $P journal list)" -eq "$n"
'

test_expect_success SCRIPT 'search: the match in sight and highlighted at 60, 80 and 120 columns' '
	selfhelp $P journal add -m "A hard morning, better after a walk" >/dev/null &&
	selfhelp $P journal add -m "Today I listened to my inner critic for far too long, and then I stopped and breathed slowly." >/dev/null &&
	selfhelp $P journal add -m "今日はとても疲れた。でも夕方に散歩をして、少し楽になった。明日もまた歩きたいと思う。本当に。" >/dev/null &&
	for cols in 60 80 120; do
		for w in walk critic 散歩; do
			COLUMNS=$cols TERM=xterm script -qec "$SELFHELP_RUN $P journal search $w" /dev/null >"$OUT" &&
			HL=1 search_lines "$OUT" $cols $w || return 1
		done &&
		COLUMNS=$cols TERM=xterm NO_COLOR=1 script -qec "$SELFHELP_RUN $P journal search critic" /dev/null >"$OUT" &&
		HL=0 search_lines "$OUT" $cols critic &&
		# the whole text fits beside the date at 80: no leading "…"
		if test $cols != 60; then
			COLUMNS=$cols TERM=xterm script -qec "$SELFHELP_RUN $P journal search walk" /dev/null >"$OUT" &&
			expect_in "  A hard morning, better after a" "$OUT" || return 1
		fi
	done &&
	selfhelp $P journal search walk >"$OUT" &&
	HL=0 search_lines "$OUT" 1000 walk &&
	expect_in "  A hard morning, better after a walk" "$OUT"
'

test_done
