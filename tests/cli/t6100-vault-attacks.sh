#!/bin/sh
# The attacks of the security review (../shared/reviews/security.md), one
# by one, as someone with the vault file (or its backups) would try them,
# and what selfhelp does: forged locked writes, a swapped public key,
# rollback and deletion of records, an old key slot put back, a whole
# file put back, what a dump shows, rekeying, the recovery code, an
# unsafe folder, a hostile passphrase file, and a format 1 vault.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
rows() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from record').fetchone()[0])" "$VAULT"; }

test_expect_success 'setup: a vault with entries, a trigger record and a safety plan' '
	quick_vault "" >"$TEST_ROOT/init.out" &&
	sed -n "/^Recovery code:$/{n;p;}" "$TEST_ROOT/init.out" >"$TEST_ROOT/code" &&
	test -s "$TEST_ROOT/code" &&
	selfhelp $P journal add -m "MINE-1 an ordinary day" >"$TEST_ROOT/id1" &&
	selfhelp $P journal add -m "MINE-2 a second day" >"$TEST_ROOT/id2" &&
	selfhelp $P trigger-log add --no-input --trigger "a slammed door" --before 7 >/dev/null &&
	printf "## People I can ask for help\n\n- Call Robin, the good neighbour\n" >"$TEST_ROOT/plan" &&
	selfhelp $P safety-plan edit --from "$TEST_ROOT/plan" >/dev/null &&
	selfhelp $P check >"$OUT" && expect_in "All 4 records are fine." "$OUT"
'

test_expect_success 'a dump of the file shows no kind, revision, id or date' '
	python3 - "$VAULT" "$(cat "$TEST_ROOT/id1")" <<-\EOP
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	dump = "\n".join(db.iterdump())
	for word in ("journal", "trigger", "safety-plan", "group", "rating", "revision", "kind", sys.argv[2]):
	    assert word not in dump, word
	cols = [r[1] for r in db.execute("pragma table_info(record)")]
	assert cols == ["rowid", "head", "body"], cols
	tables = sorted(r[0] for r in db.execute("select name from sqlite_master where type = \"table\""))
	assert tables == ["bucket", "filter", "keyslot", "meta", "record", "sqlite_sequence", "state"], tables
	EOP
'

uv() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"pragma user_version=\" + sys.argv[2]) if len(sys.argv) > 2 else print(c.execute(\"pragma user_version\").fetchone()[0]); c.commit()" "$VAULT" "$@"; }

test_expect_success 'a changed schema version: the state has the true one' '
	uv 3 && selfhelp $P journal list >"$OUT" &&
	expect_in "MINE-1" "$OUT" && test "$(uv)" -eq 4 &&
	uv 99 && test_must_fail 1 selfhelp $P journal list 2>"$ERR" &&
	expect_in "newer selfhelp" "$ERR" && uv 4
'

test_expect_success 'a forged locked safety plan is refused, set aside and told' '
	vault_tool forge-sealed "$VAULT" safety-plan \
		"{\"v\":1,\"created\":4102444800,\"updated\":4102444800,\"version\":9}" \
		"{\"v\":1,\"sections\":{\"people\":[\"FORGED call the wrong person\"]}}" &&
	selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_in "claims to be a safety plan" "$ERR" &&
	selfhelp $P safety-plan show >"$OUT" 2>"$ERR" &&
	expect_in "Call Robin" "$OUT" && expect_not_in "FORGED" "$OUT" &&
	selfhelp $P safety-plan history >"$OUT" 2>&1 &&
	expect_not_in "2100" "$OUT" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "never taken that way" "$OUT" &&
	selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_not_in "safety plan" "$ERR"
'

test_expect_success 'crisis never shows a forged plan' '
	if selfhelp $P unlock --for 2m >/dev/null 2>&1; then
		selfhelp crisis --country de >"$OUT" 2>&1 &&
		expect_in "Call Robin" "$OUT" && expect_not_in "FORGED" "$OUT" &&
		selfhelp lock >/dev/null
	else
		echo "# no keyring here: crisis shows no plan at all"
	fi
'

test_expect_success 'a forged locked entry is added, marked and told, for good' '
	vault_tool forge-sealed "$VAULT" journal \
		"{\"v\":1,\"created\":1577880000,\"updated\":1577880000,\"mood\":0,\"tags\":[\"forged\"],\"preview\":\"FORGED-ENTRY\"}" \
		"FORGED-ENTRY I made this up." &&
	selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_in "1 record written while the vault was locked was added: a journal entry" "$ERR" &&
	id=$(selfhelp $P journal search FORGED-ENTRY --json >"$TEST_ROOT/f.json" && json "$TEST_ROOT/f.json" "print(d[0][\"id\"])") &&
	json "$TEST_ROOT/f.json" "assert d[0][\"written_while_locked\"] is True, d" &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "Written while the vault was locked." "$OUT" &&
	selfhelp $P journal show "$(cat "$TEST_ROOT/id1")" >"$OUT" &&
	expect_not_in "locked" "$OUT" &&
	selfhelp $P journal edit "$id" -m "FORGED-ENTRY edited" >/dev/null &&
	selfhelp $P journal show "$id" >"$OUT" &&
	expect_in "Written while the vault was locked." "$OUT" &&
	selfhelp $P export -o "$TEST_ROOT/out.json" >/dev/null 2>&1 &&
	json "$TEST_ROOT/out.json" "r=[x for x in d[\"records\"] if x[\"id\"] == \"$id\"]; assert r[0][\"written_while_locked\"] is True, r" &&
	quick_vault "$TEST_ROOT/other.db" >/dev/null &&
	selfhelp $P --vault "$TEST_ROOT/other.db" import "$TEST_ROOT/out.json" >/dev/null &&
	selfhelp $P --vault "$TEST_ROOT/other.db" journal show "$id" >"$OUT" &&
	expect_in "Written while the vault was locked." "$OUT" &&
	selfhelp $P export --format markdown -o "$TEST_ROOT/out.md" >/dev/null 2>&1 &&
	expect_in "Written while the vault was locked." "$TEST_ROOT/out.md" &&
	selfhelp $P journal delete --yes "$id" >/dev/null
'

test_expect_success 'a swapped public key: nothing is written while locked' '
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	vault_tool swap-key "$VAULT" &&
	n=$(rows) &&
	test_must_fail 1 selfhelp journal add -m "SECRET-LOCKED leaving on Friday" </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "not the one this computer knows" "$ERR" &&
	test "$(rows)" -eq "$n" &&
	! grep -a -q "SECRET-LOCKED" "$VAULT" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "public key had been changed" "$ERR" &&
	selfhelp journal add -m "written while locked, key checked" </dev/null >"$OUT" &&
	expect_in "after you unlock" "$OUT" &&
	selfhelp $P journal list >/dev/null 2>&1
'

test_expect_success 'a damaged pin: nothing is written while locked' '
	vid=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select hex(vault_id) from meta\").fetchone()[0].lower())" "$VAULT") &&
	pin="$HOME/.local/state/selfhelp/pins/$vid" &&
	cp "$pin" "$TEST_ROOT/pin" &&
	sed -i "s/^counter .*/counter 1/" "$pin" &&
	test_must_fail 1 selfhelp journal add -m "not saved" </dev/null 2>"$ERR" &&
	expect_in "(its pin) is damaged" "$ERR" &&
	cp "$TEST_ROOT/pin" "$pin"
'

test_expect_success 'no pin on this computer: the first locked write says so, once' '
	mv "$HOME/.local/state" "$TEST_ROOT/state" &&
	selfhelp journal add -m "first here" </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "could not check the vault" "$ERR" &&
	selfhelp journal add -m "second here" </dev/null >"$OUT" 2>"$ERR" &&
	expect_not_in "could not check" "$ERR" &&
	rm -rf "$HOME/.local/state" && mv "$TEST_ROOT/state" "$HOME/.local/state" &&
	selfhelp $P journal list >/dev/null 2>&1
'

test_expect_success 'a record rolled back after an edit is not shown as current' '
	id=$(cat "$TEST_ROOT/id1") &&
	row=$(vault_tool row "$VAULT" "$PASSFILE" "$id") &&
	python3 - "$VAULT" "$row" "$TEST_ROOT/oldrow" <<-\EOP &&
	import sqlite3, sys, pickle
	db = sqlite3.connect(sys.argv[1])
	pickle.dump(db.execute("select head, body from record where rowid = ?", (int(sys.argv[2]),)).fetchone(), open(sys.argv[3], "wb"))
	EOP
	selfhelp $P journal edit "$id" -m "MINE-1 what really happened" >/dev/null &&
	cp "$VAULT" "$TEST_ROOT/edited.db" &&
	row=$(vault_tool row "$VAULT" "$PASSFILE" "$id") &&
	python3 - "$VAULT" "$row" "$TEST_ROOT/oldrow" <<-\EOP &&
	import sqlite3, sys, pickle
	db = sqlite3.connect(sys.argv[1])
	h, b = pickle.load(open(sys.argv[3], "rb"))
	db.execute("update record set head = ?, body = ? where rowid = ?", (h, b, int(sys.argv[2])))
	db.commit()
	EOP
	test_must_fail 1 selfhelp $P journal show "$id" >"$OUT" 2>"$ERR" &&
	expect_in "an older version of it was put back" "$ERR" &&
	expect_not_in "an ordinary day" "$OUT" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "an older version was put back" "$OUT" &&
	cp "$TEST_ROOT/edited.db" "$VAULT" && rm -f "$VAULT-wal" "$VAULT-shm"
'

test_expect_success 'a deleted record is reported, not silently gone' '
	id=$(cat "$TEST_ROOT/id2") &&
	row=$(vault_tool row "$VAULT" "$PASSFILE" "$id") &&
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"delete from record where rowid=?\", (int(sys.argv[2]),)); c.commit()" "$VAULT" "$row" &&
	test_must_fail 1 selfhelp $P journal list >"$OUT" 2>"$ERR" &&
	expect_in "$id" "$ERR" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "missing from the file" "$OUT" &&
	cp "$TEST_ROOT/edited.db" "$VAULT" && rm -f "$VAULT-wal" "$VAULT-shm"
'

test_expect_success 'the whole file put back from an older copy is told' '
	cp "$VAULT" "$TEST_ROOT/older.db" &&
	selfhelp $P journal add -m "written after the copy" >/dev/null &&
	cp "$TEST_ROOT/older.db" "$VAULT" && rm -f "$VAULT-wal" "$VAULT-shm" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_in "older than the one last opened on this computer" "$ERR" &&
	selfhelp $P journal list >/dev/null 2>"$ERR" &&
	expect_not_in "older than" "$ERR" &&
	selfhelp $P --vault "$TEST_ROOT/older.db" journal list >/dev/null 2>"$ERR" &&
	selfhelp $P journal add -m "one more" >/dev/null &&
	selfhelp $P --vault "$TEST_ROOT/older.db" journal list >/dev/null 2>"$ERR" &&
	expect_in "older copy of your vault" "$ERR"
'

test_expect_success 'an old key slot put back after passwd does not open the vault' '
	cp "$VAULT" "$TEST_ROOT/before-passwd.db" &&
	printf "a much longer new passphrase\n" >"$TEST_ROOT/new" &&
	selfhelp $P passwd --new-passphrase-file "$TEST_ROOT/new" >/dev/null &&
	python3 - "$VAULT" "$TEST_ROOT/before-passwd.db" <<-\EOP &&
	import sqlite3, sys
	old = sqlite3.connect(sys.argv[2]).execute("select salt, wrapped from keyslot where name = \"passphrase\"").fetchone()
	db = sqlite3.connect(sys.argv[1])
	db.execute("update keyslot set salt = ?, wrapped = ? where name = \"passphrase\"", old)
	db.commit()
	EOP
	test_must_fail 1 selfhelp $P journal list 2>"$ERR" &&
	expect_in "old one that was replaced" "$ERR" &&
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT/new" journal list 2>/dev/null &&
	cp "$TEST_ROOT/before-passwd.db" "$VAULT" && rm -f "$VAULT-wal" "$VAULT-shm" &&
	selfhelp $P journal list >/dev/null 2>&1
'

test_expect_success 'recovery-code --new: the old code stops working' '
	cp "$TEST_ROOT/code" "$TEST_ROOT/old-code" &&
	selfhelp $P recovery-code --new >"$OUT" &&
	sed -n "/^Recovery code:$/{n;p;}" "$OUT" >"$TEST_ROOT/code" &&
	! cmp -s "$TEST_ROOT/code" "$TEST_ROOT/old-code" &&
	printf "recovered words\n" >"$TEST_ROOT/rec" &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/old-code" \
		--new-passphrase-file "$TEST_ROOT/rec" 2>"$ERR" &&
	selfhelp recovery-code >"$OUT" && expect_in "has a recovery code" "$OUT" &&
	selfhelp $P journal list >/dev/null
'

test_expect_success 'passwd --rekey: nothing old opens what is there now' '
	id=$(cat "$TEST_ROOT/id1") &&
	row=$(vault_tool row "$VAULT" "$PASSFILE" "$id") &&
	python3 - "$VAULT" "$row" "$TEST_ROOT/cipher" <<-\EOP &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	b = db.execute("select body from record where rowid = ?", (int(sys.argv[2]),)).fetchone()[0]
	open(sys.argv[3], "wb").write(b[30:46])
	EOP
	cp "$VAULT" "$TEST_ROOT/before-rekey.db" &&
	printf "the passphrase after the rekey\n" >"$TEST_ROOT/rekeyed" &&
	selfhelp $P passwd --rekey --new-passphrase-file "$TEST_ROOT/rekeyed" >"$OUT" 2>"$ERR" &&
	expect_in "new key" "$OUT" &&
	sed -n "/^Recovery code:$/{n;p;}" "$OUT" >"$TEST_ROOT/code2" && test -s "$TEST_ROOT/code2" &&
	test_must_fail 1 selfhelp $P journal list 2>/dev/null &&
	test_must_fail 1 selfhelp recover --recovery-code-file "$TEST_ROOT/code" \
		--new-passphrase-file "$TEST_ROOT/rec" 2>/dev/null &&
	selfhelp --passphrase-file "$TEST_ROOT/rekeyed" check >"$OUT" &&
	selfhelp --passphrase-file "$TEST_ROOT/rekeyed" journal show "$id" >"$OUT" &&
	expect_in "what really happened" "$OUT" &&
	python3 - "$VAULT" "$TEST_ROOT/cipher" <<-\EOP &&
	import sys
	data = open(sys.argv[1], "rb").read()
	for side in ("-wal",):
	    try:
	        data += open(sys.argv[1] + side, "rb").read()
	    except FileNotFoundError:
	        pass
	assert open(sys.argv[2], "rb").read() not in data, "ciphertext of before is still in the file"
	EOP
	selfhelp recover --recovery-code-file "$TEST_ROOT/code2" --new-passphrase-file "$PASSFILE" >/dev/null &&
	selfhelp $P journal show "$id" >/dev/null
'

test_expect_success 'a folder others can write: reads work, writes are refused' '
	mkdir "$TEST_ROOT/shared" && chmod 777 "$TEST_ROOT/shared" &&
	cp "$VAULT" "$TEST_ROOT/shared/v.db" &&
	selfhelp $P --vault "$TEST_ROOT/shared/v.db" journal list >"$OUT" 2>"$ERR" &&
	expect_in "Other people on this computer can change" "$ERR" &&
	test_must_fail 1 selfhelp $P --vault "$TEST_ROOT/shared/v.db" journal add -m "x" 2>"$ERR" &&
	expect_in "will not write to the vault there" "$ERR" &&
	test_must_fail 1 selfhelp --vault "$TEST_ROOT/shared/v.db" journal add -m "x" </dev/null 2>"$ERR" &&
	expect_in "will not write" "$ERR"
'

test_expect_success 'status names where a linked vault leads' '
	ln -s "$VAULT" "$TEST_ROOT/link.db" &&
	selfhelp --vault "$TEST_ROOT/link.db" status >"$OUT" &&
	expect_in "(a link to $VAULT)" "$OUT"
'

test_expect_success 'a passphrase file that never ends, or a folder, is refused at once' '
	test_must_fail 1 timeout 10 "$SELFHELP_RUN" --passphrase-file /dev/zero journal list 2>"$ERR" &&
	expect_in "longer than" "$ERR" &&
	test_must_fail 1 selfhelp --passphrase-file "$TEST_ROOT" journal list 2>"$ERR" &&
	expect_in "Is a directory" "$ERR"
'

test_expect_success 'a format 1 vault is updated at the first unlock; check removes the copy' '
	cp "$TEST_SRCDIR/vectors/format1/valid.vault" "$TEST_ROOT/old.vault" &&
	F="--vault $TEST_ROOT/old.vault --passphrase-file $TEST_SRCDIR/vectors/format1/passphrase.txt" &&
	selfhelp $F journal list >"$OUT" 2>"$ERR" &&
	expect_in "The first entry of the test vectors." "$OUT" &&
	expect_in "updated to a new format" "$ERR" &&
	test -f "$TEST_ROOT/old.vault.format1" &&
	python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect(sys.argv[1]).execute(\"select format from meta\").fetchone()[0] == 1 else 1)" "$TEST_ROOT/old.vault.format1" &&
	selfhelp $F journal list >"$OUT" 2>"$ERR" &&
	expect_not_in "updated" "$ERR" &&
	selfhelp $F check >"$OUT" &&
	expect_in "no longer needed" "$OUT" &&
	test ! -e "$TEST_ROOT/old.vault.format1"
'

test_done
