#!/bin/sh
# The vault in a synced folder: conflict copies that Syncthing, Nextcloud
# or Dropbox leave beside it are merged by the next unlocked command; the
# vault is one file when not in use; a vault file replaced while a
# command runs does not lose that command's write.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
A="$XDG_DATA_HOME/selfhelp/vault.db"
D="$XDG_DATA_HOME/selfhelp"
ST="$D/vault.sync-conflict-20261207-051500-ABCDEF1.db"
NC="$D/vault (conflicted copy 2026-12-07 051500).db"

texts() {
	selfhelp --vault "$1" $P journal list --json |
		json 'print("\n".join(sorted(e["text"] for e in d)))'
}

# a newer copy of the vault, as the other computer has it, with TEXT added
newer_copy() {
	cp "$A" "$TEST_ROOT/newer.db" &&
	selfhelp --vault "$TEST_ROOT/newer.db" $P journal add -m "$1" >/dev/null 2>&1
}

# the vault is the only file in its folder
only_vault_left() {
	ls -a "$D" >"$OUT" &&
	printf "%s\n" . .. vault.db >"$TEST_ROOT/want" &&
	diff -u "$TEST_ROOT/want" "$OUT"
}

test_expect_success 'setup: a vault with one entry' '
	quick_vault >/dev/null &&
	selfhelp $P journal add -m "base words" >/dev/null
'

test_expect_success 'a Syncthing conflict copy: a locked command says a merge is waiting' '
	cp "$A" "$TEST_ROOT/there.db" &&
	selfhelp --vault "$TEST_ROOT/there.db" $P journal add -m "written over there" >/dev/null 2>&1 &&
	selfhelp $P journal add -m "written here" >/dev/null &&
	mv "$TEST_ROOT/there.db" "$ST" &&
	cp "$A" "$TEST_ROOT/a-before.db" &&
	selfhelp status >/dev/null 2>"$ERR" &&
	expect_in "merges it in" "$ERR" &&
	test $(grep -c "sync tool" "$ERR") = 1 &&
	test -f "$ST" &&
	cmp "$A" "$TEST_ROOT/a-before.db"
'

test_expect_success 'crisis and grounding stay quiet about it' '
	selfhelp crisis >/dev/null 2>"$ERR" &&
	expect_not_in "sync tool" "$ERR" &&
	selfhelp grounding --help >/dev/null 2>"$ERR" &&
	expect_not_in "sync tool" "$ERR"
'

test_expect_success 'the next unlocked command merges it, says so, removes it' '
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "vault.sync-conflict-20261207-051500-ABCDEF1.db" "$ERR" &&
	expect_in "merged in (1 journal entry)" "$ERR" &&
	! test -e "$ST" &&
	texts "$A" >"$OUT" &&
	printf "%s\n" "base words" "written here" "written over there" >"$TEST_ROOT/want" &&
	diff -u "$TEST_ROOT/want" "$OUT" &&
	selfhelp $P check >/dev/null
'

test_expect_success 'a Nextcloud or Dropbox conflicted copy is merged the same way' '
	cp "$A" "$TEST_ROOT/cloud.db" &&
	selfhelp --vault "$TEST_ROOT/cloud.db" $P journal add -m "from the cloud" >/dev/null 2>&1 &&
	mv "$TEST_ROOT/cloud.db" "$NC" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "(conflicted copy 2026-12-07 051500).db" "$ERR" &&
	! test -e "$NC" &&
	texts "$A" >"$OUT" &&
	expect_in "from the cloud" "$OUT"
'

test_expect_success 'a copy whose passphrase was changed there: the new passphrase comes with it' '
	printf "other words\n" >"$TEST_ROOT/pass2" &&
	cp "$A" "$TEST_ROOT/pw.db" &&
	selfhelp --vault "$TEST_ROOT/pw.db" $P passwd \
		--new-passphrase-file "$TEST_ROOT/pass2" >/dev/null 2>&1 &&
	selfhelp $P journal add -m "written here meanwhile" >/dev/null &&
	mv "$TEST_ROOT/pw.db" "$ST" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "merged in" "$ERR" &&
	expect_in "opens this vault from now on" "$ERR" &&
	! test -e "$ST" &&
	test_must_fail selfhelp $P journal list >/dev/null 2>&1 &&
	selfhelp --passphrase-file "$TEST_ROOT/pass2" journal list >"$OUT" &&
	expect_in "written here meanwhile" "$OUT"
'

test_expect_success 'changed on both computers: each keeps its own, and is told' '
	cp "$A" "$TEST_ROOT/pw.db" &&
	selfhelp --vault "$TEST_ROOT/pw.db" --passphrase-file "$TEST_ROOT/pass2" \
		passwd --new-passphrase-file "$PASSFILE" >/dev/null 2>&1 &&
	printf "third words\n" >"$TEST_ROOT/pass3" &&
	selfhelp --passphrase-file "$TEST_ROOT/pass2" passwd \
		--new-passphrase-file "$TEST_ROOT/pass3" >/dev/null 2>&1 &&
	mv "$TEST_ROOT/pw.db" "$ST" &&
	selfhelp --passphrase-file "$TEST_ROOT/pass3" journal list >/dev/null 2>"$ERR" &&
	expect_in "merged in" "$ERR" &&
	expect_in "another passphrase" "$ERR" &&
	expect_in "keeps its own" "$ERR" &&
	! test -e "$ST" &&
	selfhelp --passphrase-file "$TEST_ROOT/pass3" passwd \
		--new-passphrase-file "$PASSFILE" >/dev/null 2>&1 &&
	selfhelp $P journal list >/dev/null
'

test_expect_success 'a copy of another vault is left where it is, with why' '
	quick_vault "$ST" >/dev/null &&
	cp "$A" "$TEST_ROOT/a-before.db" &&
	cp "$ST" "$TEST_ROOT/st-before.db" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "left where it is" "$ERR" &&
	expect_in "not a copy of this vault" "$ERR" &&
	expect_in "opens on its own" "$ERR" &&
	cmp "$ST" "$TEST_ROOT/st-before.db" &&
	cmp "$A" "$TEST_ROOT/a-before.db" &&
	rm -f "$ST"
'

test_expect_success 'a damaged copy is left where it is, with why' '
	E=$(selfhelp $P journal list --json | json "print(d[0][\"id\"])") &&
	cp "$A" "$ST" &&
	damage_record "$ST" "$E" body &&
	cp "$ST" "$TEST_ROOT/st-before.db" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "left where it is" "$ERR" &&
	expect_in "may be damaged" "$ERR" &&
	cmp "$ST" "$TEST_ROOT/st-before.db" &&
	rm -f "$ST"
'

test_expect_success 'other names beside the vault are not taken for copies' '
	cp "$A" "$D/vault.db.bak" &&
	cp "$A" "$D/vault.sync-conflict-notadate.db" &&
	cp "$A" "$D/other (conflicted copy 2026-12-07 051500).db" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_not_in "sync tool" "$ERR" &&
	test -e "$D/vault.db.bak" &&
	rm -f "$D/vault.db.bak" "$D/vault.sync-conflict-notadate.db" \
		"$D/other (conflicted copy 2026-12-07 051500).db"
'

test_expect_success 'a vault not in use is one file: no -wal or -shm left' '
	selfhelp $P journal add -m "one more" >/dev/null &&
	selfhelp $P journal list >/dev/null &&
	selfhelp status >/dev/null &&
	only_vault_left
'

test_expect_success 'two at once: the files go when the last one closes' '
	selfhelp $P journal add -m "a" >/dev/null &
	selfhelp $P journal add -m "b" >/dev/null &
	selfhelp $P journal add -m "c" >/dev/null &&
	wait &&
	! test -e "$A-wal" && ! test -e "$A-shm" &&
	texts "$A" >"$OUT" &&
	expect_in "one more" "$OUT" &&
	test $(grep -cx "[abc]" "$OUT") = 3
'

test_expect_success 'the file replaced while a command writes: the write is kept' '
	newer_copy "newer on the other computer" &&
	SELFHELP_TEST_REPLACE_AT_COMMIT="$TEST_ROOT/newer.db" \
		selfhelp $P journal add -m "written during the swap" >/dev/null 2>"$ERR" &&
	! test -e "$TEST_ROOT/newer.db" &&
	expect_in "newer copy of your vault" "$ERR" &&
	expect_in "merged in (1 journal entry)" "$ERR" &&
	texts "$A" >"$OUT" &&
	expect_in "newer on the other computer" "$OUT" &&
	expect_in "written during the swap" "$OUT" &&
	only_vault_left &&
	selfhelp $P check >/dev/null
'

test_expect_success 'the file replaced while an import writes (rollback journal): all of it is kept' '
	newer_copy "newer during an import" &&
	python3 - "$TEST_ROOT/imp.json" <<-\EOP &&
	import json, sys
	entries = [{"date": "2021-03-%02d" % (1 + i % 28), "time": "%02d:%02d" % (i // 60, i % 60),
	            "title": "Imported %d." % i, "body": "", "tags": [], "starred": False}
	           for i in range(400)]
	json.dump({"tags": {}, "entries": entries}, open(sys.argv[1], "w"))
	EOP
	SELFHELP_TEST_REPLACE_AT_COMMIT="$TEST_ROOT/newer.db" \
		selfhelp $P import "$TEST_ROOT/imp.json" >/dev/null 2>"$ERR" &&
	! test -e "$TEST_ROOT/newer.db" &&
	expect_in "merged in (400 journal entries)" "$ERR" &&
	texts "$A" >"$OUT" &&
	expect_in "newer during an import" "$OUT" &&
	test "$(grep -c "^Imported [0-9]*\.\$" "$OUT")" -eq 400 &&
	only_vault_left &&
	selfhelp $P check >/dev/null
'

test_expect_success 'the file replaced after the write, before the command ends: it is kept' '
	newer_copy "newer at close" &&
	SELFHELP_TEST_REPLACE_AT_CLOSE="$TEST_ROOT/newer.db" \
		selfhelp $P journal add -m "written before the close" >/dev/null 2>"$ERR" &&
	! test -e "$TEST_ROOT/newer.db" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "merged in (1 journal entry)" "$ERR" &&
	texts "$A" >"$OUT" &&
	expect_in "newer at close" "$OUT" &&
	expect_in "written before the close" "$OUT" &&
	only_vault_left &&
	selfhelp $P check >/dev/null
'

test_expect_success 'the same for a write made while locked' '
	newer_copy "newer again" &&
	SELFHELP_TEST_REPLACE_AT_COMMIT="$TEST_ROOT/newer.db" \
		selfhelp journal add -m "sealed during the swap" </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "after you unlock" "$OUT" &&
	expect_in "next command that unlocks the vault merges it in" "$ERR" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "merged in" "$ERR" &&
	texts "$A" >"$OUT" &&
	expect_in "newer again" "$OUT" &&
	expect_in "sealed during the swap" "$OUT" &&
	only_vault_left
'

test_done
