#!/bin/sh
# export, import (selfhelp JSON and jrnl), backup and check, end to end.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
V2="$TEST_ROOT/second.db"
FIX="$TEST_SRCDIR/fixtures"

# The export without its "exported" line, for comparing two exports.
strip_time() { grep -v '"exported":' "$1"; }

test_expect_success 'setup: a vault with awkward text and every kind' '
	quick_vault >/dev/null &&
	selfhelp $P journal add --mood 4 --tag "two words" --date 2025-03-01T08:00 \
		-m "Quotes \" and '\''single'\'', a backslash \\ and \\n,
emoji 🌿🫶🏽, tab	here, 漢字

last line" >/dev/null &&
	selfhelp $P journal add --date 2025-01-01T10:00 -m "the oldest" >/dev/null &&
	python3 -c "import sys; sys.stdout.write((\"x\" * 63 + \"\\n\") * 16384)" >"$TEST_ROOT/big" &&
	test "$(wc -c <"$TEST_ROOT/big")" -eq 1048576 &&
	selfhelp $P journal add --tag big --date 2025-02-01 <"$TEST_ROOT/big" >/dev/null &&
	selfhelp $P trigger-log add --no-input --trigger "a \"loud\" door \\ 🚪" \
		--before 7 --state too-much --note "line one
line two" >/dev/null
'

test_expect_success 'every command has --help' '
	for c in export import backup check; do
		selfhelp $c --help >"$OUT" && expect_in "usage: selfhelp $c" "$OUT" &&
		selfhelp help $c >"$OUT" && expect_in "usage: selfhelp $c" "$OUT" || return 1
	done
'

test_expect_success SCRIPT 'export refuses to print on a terminal, gently' '
	test_must_fail 2 script -qec "$SELFHELP_RUN $P export" /dev/null >"$OUT" 2>&1 &&
	expect_in "--output FILE" "$OUT" &&
	expect_in "age -p" "$OUT" &&
	expect_not_in "the oldest" "$OUT"
'

test_expect_success 'export to a pipe: one warning on stderr, JSON on stdout' '
	selfhelp $P export >"$TEST_ROOT/one.json" 2>"$ERR" &&
	test "$(wc -l <"$ERR")" -eq 1 &&
	expect_in "not encrypted" "$ERR" &&
	json "assert d[\"selfhelp_export\"] == 1, d
r = d[\"records\"]
kinds = sorted(set(x[\"kind\"] for x in r))
assert \"journal\" in kinds, kinds
j = [x for x in r if x[\"kind\"] == \"journal\"]
assert len(j) == 3, len(j)
assert [x[\"created\"] for x in j] == sorted(x[\"created\"] for x in j)
a = [x for x in j if x[\"mood\"] == 4][0]
assert a[\"tags\"] == [\"two words\"] and a[\"text\"].startswith(\"Quotes \\\" and\"), a
assert \"🌿🫶🏽\" in a[\"text\"] and \"\\\\ and \\\\n\" in a[\"text\"], a[\"text\"]
b = [x for x in j if \"big\" in x[\"tags\"]][0]
assert len(b[\"text\"]) == 1048576
for x in r:
    assert len(x[\"id\"]) == 32 and x[\"created\"] and x[\"updated\"], x" <"$TEST_ROOT/one.json"
'

test_expect_success 'export --output: 0600 whatever the umask, never over a file' '
	(umask 000 && selfhelp $P export --output "$TEST_ROOT/out.json" >"$OUT" 2>"$ERR") &&
	test "$(stat -c %a "$TEST_ROOT/out.json")" = 600 &&
	expect_in "Exported" "$OUT" &&
	printf "keep me\n" >"$TEST_ROOT/keep" && chmod 644 "$TEST_ROOT/keep" &&
	test_must_fail 1 selfhelp $P export -o "$TEST_ROOT/keep" 2>"$ERR" &&
	expect_in "--force" "$ERR" &&
	test "$(cat "$TEST_ROOT/keep")" = "keep me" &&
	selfhelp $P export -o "$TEST_ROOT/keep" --force >/dev/null 2>&1 &&
	test "$(stat -c %a "$TEST_ROOT/keep")" = 600 &&
	strip_time "$TEST_ROOT/keep" >"$TEST_ROOT/a" &&
	strip_time "$TEST_ROOT/one.json" >"$TEST_ROOT/b" &&
	cmp "$TEST_ROOT/a" "$TEST_ROOT/b" &&
	test_must_fail 2 selfhelp $P export --force 2>"$ERR" &&
	cp "$VAULT" "$TEST_ROOT/vault-copy" &&
	test_must_fail 1 selfhelp $P export -o "$VAULT" --force 2>"$ERR" &&
	expect_in "the vault itself" "$ERR" &&
	cmp "$VAULT" "$TEST_ROOT/vault-copy"
'

test_expect_success SCRIPT 'export -o - on a terminal is refused like plain export' '
	test_must_fail 2 script -qec "$SELFHELP_RUN $P export -o -" /dev/null >"$OUT" 2>&1 &&
	expect_in "--output FILE" "$OUT" &&
	expect_not_in "selfhelp_export" "$OUT" &&
	expect_not_in "the oldest" "$OUT"
'

test_expect_success 'export to stdout: a file the shell made is made 0600' '
	(umask 022 && selfhelp $P export >"$TEST_ROOT/redirected.json" 2>/dev/null) &&
	test "$(stat -c %a "$TEST_ROOT/redirected.json")" = 600 &&
	expect_in "the oldest" "$TEST_ROOT/redirected.json"
'

# A named pipe or device is written into only with --to-pipe, never by
# --force. A refusal comes before anything is opened: timeout ends a
# selfhelp that would wait for a reader instead.
test_expect_success 'export into a named pipe: refused without --to-pipe, even with --force' '
	mkfifo "$TEST_ROOT/fifo" &&
	test_must_fail 1 timeout 120 "$SELFHELP_RUN" $P export -o "$TEST_ROOT/fifo" 2>"$ERR" &&
	expect_in "named pipe" "$ERR" && expect_in "--to-pipe" "$ERR" &&
	test_must_fail 1 timeout 120 "$SELFHELP_RUN" $P export -o "$TEST_ROOT/fifo" --force 2>"$ERR" &&
	expect_in "--to-pipe" "$ERR" &&
	test -p "$TEST_ROOT/fifo"
'

test_expect_success 'export --to-pipe writes into a named pipe of ones own' '
	timeout 120 cat "$TEST_ROOT/fifo" >"$TEST_ROOT/from-pipe" &
	reader=$! &&
	timeout 120 "$SELFHELP_RUN" $P export -o "$TEST_ROOT/fifo" --to-pipe >"$OUT" 2>"$ERR" &&
	wait $reader &&
	expect_in "Exported" "$OUT" &&
	strip_time "$TEST_ROOT/from-pipe" >"$TEST_ROOT/a" &&
	strip_time "$TEST_ROOT/one.json" >"$TEST_ROOT/b" &&
	cmp "$TEST_ROOT/a" "$TEST_ROOT/b" &&
	test -p "$TEST_ROOT/fifo"
'

test_expect_success SCRIPT 'export --to-pipe: never a terminal, not even ones own' '
	test_must_fail 1 script -qec "$SELFHELP_RUN $P export -o \$(tty) --to-pipe" /dev/null >"$OUT" 2>&1 &&
	expect_in "terminal" "$OUT" &&
	expect_not_in "the oldest" "$OUT"
'

test_expect_success ROOT 'export --to-pipe: not into a pipe of someone else (as root)' '
	mkfifo "$TEST_ROOT/their-fifo" && chown 4321 "$TEST_ROOT/their-fifo" &&
	test_must_fail 1 timeout 120 "$SELFHELP_RUN" $P export -o "$TEST_ROOT/their-fifo" --to-pipe 2>"$ERR" &&
	expect_in "someone else" "$ERR"
'

test_expect_success 'export --force replaces a link, not what it points to, and never a folder' '
	printf "keep me\n" >"$TEST_ROOT/target" &&
	ln -s "$TEST_ROOT/target" "$TEST_ROOT/link" &&
	selfhelp $P export -o "$TEST_ROOT/link" --force >/dev/null 2>&1 &&
	test ! -L "$TEST_ROOT/link" && expect_in "the oldest" "$TEST_ROOT/link" &&
	test "$(cat "$TEST_ROOT/target")" = "keep me" &&
	mkdir "$TEST_ROOT/folder" &&
	test_must_fail 1 selfhelp $P export -o "$TEST_ROOT/folder" --force 2>"$ERR" &&
	expect_in "not a file" "$ERR" &&
	test_must_fail 2 selfhelp $P export --to-pipe 2>"$ERR" &&
	expect_in "--to-pipe goes with --output FILE" "$ERR"
'

test_expect_success 'round trip: export, import into a new vault, export again' '
	quick_vault "$V2" >/dev/null &&
	selfhelp $P --vault "$V2" import "$TEST_ROOT/one.json" >"$OUT" &&
	n=$(json "print(len(d[\"records\"]))" <"$TEST_ROOT/one.json") &&
	expect_in "Added $n records; skipped 0" "$OUT" &&
	selfhelp $P --vault "$V2" export >"$TEST_ROOT/two.json" 2>/dev/null &&
	strip_time "$TEST_ROOT/one.json" >"$TEST_ROOT/a" &&
	strip_time "$TEST_ROOT/two.json" >"$TEST_ROOT/b" &&
	cmp "$TEST_ROOT/a" "$TEST_ROOT/b" &&
	selfhelp $P --vault "$V2" journal list >"$OUT" &&
	expect_in "the oldest" "$OUT"
'

test_expect_success 'importing the same file again adds nothing' '
	selfhelp $P --vault "$V2" import - <"$TEST_ROOT/one.json" >"$OUT" &&
	expect_in "Added 0 records; skipped $(json "print(len(d[\"records\"]))" <"$TEST_ROOT/one.json")" "$OUT" &&
	selfhelp $P --vault "$V2" import --json "$TEST_ROOT/one.json" >"$OUT" &&
	json "assert d[\"added\"] == 0 and d[\"format\"] == \"selfhelp\", d" <"$OUT"
'

test_expect_success 'markdown: one document, oldest first' '
	selfhelp $P export --format markdown -o "$TEST_ROOT/all.md" >/dev/null 2>&1 &&
	test "$(stat -c %a "$TEST_ROOT/all.md")" = 600 &&
	head -n 1 "$TEST_ROOT/all.md" | grep -q "^# selfhelp export$" &&
	grep -n "^## " "$TEST_ROOT/all.md" >"$OUT" &&
	head -n 1 "$OUT" | grep -q "2025-01-01 10:00 · Journal entry" &&
	sed -n 2p "$OUT" | grep -q "2025-02-01 00:00 · Journal entry" &&
	sed -n 3p "$OUT" | grep -q "2025-03-01 08:00 · Journal entry" &&
	expect_in "Mood 4 (0 to 10, 10 is best) · #two words" "$TEST_ROOT/all.md" &&
	expect_in "emoji 🌿🫶🏽" "$TEST_ROOT/all.md" &&
	expect_in "a \"loud\" door" "$TEST_ROOT/all.md"
'

test_expect_success 'export filters: --since, --until, --kind' '
	selfhelp $P export --since 2025-01-15 --until 2025-02-15 >"$OUT" 2>/dev/null &&
	json "r = d[\"records\"]; assert len(r) == 1 and \"big\" in r[0][\"tags\"], len(r)" <"$OUT" &&
	selfhelp $P export --kind journal >"$OUT" 2>/dev/null &&
	json "assert {x[\"kind\"] for x in d[\"records\"]} == {\"journal\"}" <"$OUT" &&
	selfhelp $P export --kind journl >"$OUT" 2>"$ERR" &&
	expect_in "Did you mean '\''journal'\''" "$ERR" &&
	test_must_fail 2 selfhelp $P export --kind "Bad Kind" 2>"$ERR" &&
	test_must_fail 2 selfhelp $P export --format yaml 2>"$ERR" &&
	test_must_fail 2 selfhelp $P export --since someday 2>"$ERR"
'

test_expect_success 'jrnl import: entries, tags, stars, local times' '
	V3="$TEST_ROOT/jrnl.db" &&
	quick_vault "$V3" >/dev/null &&
	TZ=Europe/Berlin selfhelp $P --vault "$V3" import "$FIX/jrnl.json" >"$OUT" &&
	expect_in "Added 4 records; skipped 0" "$OUT" &&
	TZ=Europe/Berlin selfhelp $P --vault "$V3" journal list --json >"$OUT" &&
	json "
e = {x[\"text\"].split(\"\\n\")[0]: x for x in d}
assert len(d) == 4, d
a = e[\"Called in sick.\"]
assert a[\"text\"] == \"Called in sick.\\n\\nUsed the time to clean the house.\\nThen a long walk by the river.\", a
assert a[\"tags\"] == [\"work\"] and a[\"mood\"] is None, a
assert a[\"created\"] == \"2024-01-02T09:15:00+01:00\", a
b = e[\"A hard evening with \\\"old\\\" memories \\\\ again.\"]
assert b[\"tags\"] == [\"starred\"] and \"\\n\" not in b[\"text\"], b
c = e[\"Small win 🌿\"]
assert c[\"tags\"] == [\"garden\", \"tea\", \"starred\"], c
assert c[\"created\"] == \"2024-02-29T07:05:00+01:00\", c
assert e[\"Kurzer Eintrag über Ärger. Dann Ruhe.\"][\"created\"] == \"2024-03-31T23:59:00+02:00\"
" <"$OUT" &&
	TZ=Europe/Berlin selfhelp $P --vault "$V3" import - <"$FIX/jrnl.json" >"$OUT" &&
	expect_in "Added 0 records; skipped 4" "$OUT" &&
	TZ=Europe/Berlin selfhelp $P --vault "$V3" journal list >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 4
'

# Files that must not import; the vault must stay byte for byte the same.
test_expect_success 'bad imports change nothing and say where' '
	python3 - "$TEST_ROOT/one.json" "$TEST_ROOT" <<-\EOP &&
	import json, sys
	src, out = sys.argv[1], sys.argv[2]
	text = open(src).read()
	d = json.loads(text)
	def write(name, doc):
	    open(f"{out}/{name}.json", "w").write(json.dumps(doc, indent=2))
	open(f"{out}/truncated.json", "w").write(text[: len(text) // 3])
	j = [i for i, r in enumerate(d["records"]) if r["kind"] == "journal"]
	x = json.loads(text); x["records"][j[0]]["tags"] = "work"; write("types", x)
	x = json.loads(text); x["records"][j[1]]["id"] = x["records"][j[0]]["id"]; write("dupids", x)
	x = json.loads(text); x["records"][j[0]]["mood"] = 99; write("mood99", x)
	x = json.loads(text); x["records"][j[0]]["mood"] = 10**30; write("huge", x)
	x = json.loads(text); x["records"][j[0]]["mood"] = 1e300; write("real", x)
	x = json.loads(text); x["records"][j[0]]["id"] = "0" * 32; write("oneok", x)
	x["records"][j[1]]["text"] = 7; write("oneok", x)
	EOP
	cp "$VAULT" "$TEST_ROOT/before.db" &&
	for f in truncated types dupids mood99 huge real oneok; do
		test_must_fail 1 selfhelp $P import "$TEST_ROOT/$f.json" 2>"$ERR" &&
		expect_in "Nothing was imported" "$ERR" &&
		! grep -qiE "invalid|illegal|wrong" "$ERR" &&
		unchanged_vault "$VAULT" "$TEST_ROOT/before.db" || { echo "case $f"; return 1; }
	done &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/truncated.json" 2>"$ERR" &&
	expect_in "ends early, on line" "$ERR" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/mood99.json" 2>"$ERR" &&
	expect_in "\"mood\" is 99" "$ERR" && expect_in "(id " "$ERR" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/dupids.json" 2>"$ERR" &&
	expect_in "have the same id" "$ERR" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/huge.json" 2>"$ERR" &&
	expect_in "too large" "$ERR" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/types.json" 2>"$ERR" &&
	expect_in "\"tags\" is text" "$ERR"
'

test_expect_success 'invalid UTF-8 inside a JSON string is refused from stdin' '
	cp "$VAULT" "$TEST_ROOT/before.db" &&
	printf "{\"selfhelp_export\": 1,\n\"records\": [{\"text\": \"caf\351 \377\"}]}" |
		test_must_fail 1 selfhelp $P import - 2>"$ERR" &&
	expect_in "line 2 holds bytes that are not UTF-8" "$ERR" &&
	printf "{\"entries\": [{\"title\": \"\377\"}]}" |
		test_must_fail 1 selfhelp $P import - 2>"$ERR" &&
	expect_in "not UTF-8" "$ERR" &&
	unchanged_vault "$VAULT" "$TEST_ROOT/before.db"
'

test_expect_success 'a conflicting record stops the import; nothing is added' '
	python3 - "$TEST_ROOT/one.json" "$TEST_ROOT/conflict.json" <<-\EOP &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	j = [r for r in d["records"] if r["kind"] == "journal"]
	j[0]["text"] = "changed"
	new = dict(j[1]); new["id"] = "f" * 32; d["records"].append(new)
	json.dump(d, open(sys.argv[2], "w"))
	print(j[0]["id"])
	EOP
	id=$(json "print([r for r in d[\"records\"] if r[\"kind\"] == \"journal\"][0][\"id\"])" <"$TEST_ROOT/one.json") &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/conflict.json" 2>"$ERR" &&
	expect_in "$id" "$ERR" && expect_in "other content" "$ERR" &&
	selfhelp $P export >"$TEST_ROOT/after.json" 2>/dev/null &&
	strip_time "$TEST_ROOT/after.json" >"$TEST_ROOT/a" &&
	strip_time "$TEST_ROOT/one.json" >"$TEST_ROOT/b" &&
	cmp "$TEST_ROOT/a" "$TEST_ROOT/b"
'

test_expect_success 'import: usage errors' '
	test_must_fail 2 selfhelp $P import 2>"$ERR" &&
	test_must_fail 2 selfhelp $P import a b 2>"$ERR" &&
	test_must_fail 2 selfhelp --passphrase-file - import - </dev/null 2>"$ERR" &&
	expect_in "standard input" "$ERR" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/nothing-here.json" 2>"$ERR"
'

test_expect_success 'backup needs no passphrase and opens with it' '
	selfhelp backup "$TEST_ROOT/b1.db" </dev/null >"$OUT" 2>"$ERR" &&
	expect_in "Backed up" "$OUT" &&
	test "$(stat -c %a "$TEST_ROOT/b1.db")" = 600 &&
	selfhelp $P --vault "$TEST_ROOT/b1.db" check >"$OUT" &&
	selfhelp $P --vault "$TEST_ROOT/b1.db" export >"$TEST_ROOT/b1.json" 2>/dev/null &&
	strip_time "$TEST_ROOT/b1.json" >"$TEST_ROOT/a" &&
	strip_time "$TEST_ROOT/one.json" >"$TEST_ROOT/b" &&
	cmp "$TEST_ROOT/a" "$TEST_ROOT/b" &&
	test_must_fail 1 selfhelp backup "$TEST_ROOT/b1.db" 2>"$ERR" &&
	expect_in "already a file" "$ERR" &&
	test_must_fail 2 selfhelp backup - 2>"$ERR" &&
	test_must_fail 2 selfhelp backup 2>"$ERR"
'

test_expect_success 'backup DIR/ of a folder that is not there writes nothing' '
	test_must_fail 1 selfhelp backup "$TEST_ROOT/no-such-folder/" 2>"$ERR" &&
	expect_in "There is no folder" "$ERR" &&
	test ! -e "$TEST_ROOT/no-such-folder" &&
	mkdir "$TEST_ROOT/a-folder" &&
	test_must_fail 1 selfhelp backup "$TEST_ROOT/a-folder" 2>"$ERR" &&
	expect_in "is a folder" "$ERR" &&
	test_must_fail 1 selfhelp backup --force "$TEST_ROOT/a-folder/" 2>"$ERR" &&
	expect_in "is a folder" "$ERR" &&
	test -z "$(ls "$TEST_ROOT/a-folder")" &&
	test_must_fail 1 selfhelp backup --force "$VAULT" 2>"$ERR" &&
	expect_in "the vault itself" "$ERR"
'

test_expect_success 'backup refuses an existing file, --force replaces it' '
	echo "not a vault" >"$TEST_ROOT/old.db" &&
	chmod 644 "$TEST_ROOT/old.db" &&
	test_must_fail 1 selfhelp backup "$TEST_ROOT/old.db" 2>"$ERR" &&
	expect_in "--force replaces it" "$ERR" &&
	echo "not a vault" >"$TEST_ROOT/expected" &&
	cmp "$TEST_ROOT/expected" "$TEST_ROOT/old.db" &&
	selfhelp backup --force "$TEST_ROOT/old.db" >"$OUT" 2>"$ERR" &&
	expect_in "Backed up" "$OUT" &&
	test "$(stat -c %a "$TEST_ROOT/old.db")" = 600 &&
	selfhelp $P --vault "$TEST_ROOT/old.db" check >"$OUT" &&
	expect_in "are fine" "$OUT" &&
	test -z "$(find "$TEST_ROOT" -maxdepth 1 -name "old.db.*")"
'

test_expect_success 'backup --force replaces a link, not what it points to' '
	echo "keep me" >"$TEST_ROOT/target" &&
	ln -s "$TEST_ROOT/target" "$TEST_ROOT/link.db" &&
	selfhelp backup --force "$TEST_ROOT/link.db" >"$OUT" 2>"$ERR" &&
	test ! -L "$TEST_ROOT/link.db" &&
	echo "keep me" >"$TEST_ROOT/expected" &&
	cmp "$TEST_ROOT/expected" "$TEST_ROOT/target"
'

test_expect_success 'backup taken during a concurrent writer opens and checks' '
	(
		i=0
		while [ $i -lt 40 ]; do
			selfhelp $P journal add -m "concurrent $i" >/dev/null || exit 1
			i=$((i + 1))
		done
	) &
	writer=$! &&
	sleep 1 &&
	selfhelp backup "$TEST_ROOT/during.db" >"$OUT" 2>"$ERR" &&
	wait $writer &&
	selfhelp $P --vault "$TEST_ROOT/during.db" check >"$OUT" &&
	expect_in "are fine" "$OUT" &&
	n=$(selfhelp_lines $P --vault "$TEST_ROOT/during.db" journal list) &&
	echo "backup holds $n entries" &&
	test "$n" -ge 3 &&
	selfhelp $P check >"$OUT"
'

test_expect_success 'check: all fine, --json, exit 0' '
	selfhelp $P check >"$OUT" &&
	expect_in "The vault file is sound." "$OUT" &&
	expect_in "records are fine" "$OUT" &&
	selfhelp $P check --json >"$OUT" &&
	json "assert d[\"file\"] == \"ok\" and d[\"damaged\"] == [] and d[\"fine\"] == d[\"records\"] > 0, d" <"$OUT"
'

test_expect_success 'check finds a flipped byte, names the record, exit 1' '
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	id=$(json "print([r for r in d[\"records\"] if r[\"kind\"] == \"journal\"][1][\"id\"])" <"$TEST_ROOT/one.json") &&
	damage_record "$VAULT" "$id" body &&
	test_must_fail 1 selfhelp $P check >"$OUT" 2>"$ERR" &&
	expect_in "$id  journal" "$OUT" &&
	expect_in "could not be read" "$OUT" &&
	test_must_fail 1 selfhelp $P check --json >"$OUT" &&
	json "assert d[\"damaged\"] == [{\"id\": \"$id\", \"kind\": \"journal\", \"problem\": \"damaged\"}], d" <"$OUT" &&
	test_must_fail 1 selfhelp $P export >"$TEST_ROOT/part.json" 2>"$ERR" &&
	expect_in "$id" "$ERR" &&
	json "assert all(r[\"id\"] != \"$id\" for r in d[\"records\"]) and len(d[\"records\"]) > 2" <"$TEST_ROOT/part.json" &&
	cp "$TEST_ROOT/keep.db" "$VAULT" &&
	selfhelp $P check >/dev/null
'

test_expect_success 'check: a damaged index is reported; check --repair builds it again' '
	selfhelp $P journal list -n 3 >"$TEST_ROOT/newest" &&
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	python3 - "$VAULT" <<-\EOP &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	b = bytearray(db.execute("select data from bucket order by id limit 1").fetchone()[0])
	b[len(b) // 2] ^= 0x40
	db.execute("update bucket set data=? where id=(select min(id) from bucket)", (bytes(b),))
	db.commit()
	EOP
	test_must_fail 1 selfhelp $P check --json >"$OUT" &&
	json "assert d[\"index\"] == \"damaged\", d" <"$OUT" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "index" "$OUT" && expect_in "check --repair" "$OUT" &&
	test_must_fail 1 selfhelp $P journal list -n 3 >/dev/null 2>"$ERR" &&
	expect_in "index" "$ERR" &&
	selfhelp $P check --repair >"$OUT" &&
	expect_in "built again" "$OUT" &&
	selfhelp $P journal list -n 3 >"$TEST_ROOT/newest2" &&
	cmp "$TEST_ROOT/newest" "$TEST_ROOT/newest2" &&
	selfhelp $P check >"$OUT" &&
	expect_in "records are fine" "$OUT" &&
	cp "$TEST_ROOT/keep.db" "$VAULT" &&
	rm -f "$VAULT-wal" "$VAULT-shm"
'

test_expect_success 'check: no search shortcut (an older vault) is told; --repair makes it' '
	selfhelp $P journal search the >"$TEST_ROOT/found" &&
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	python3 -c "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(\"drop table filter\"); db.commit()" "$VAULT" &&
	selfhelp $P journal search the >"$TEST_ROOT/found2" &&
	cmp "$TEST_ROOT/found" "$TEST_ROOT/found2" &&
	selfhelp $P check --json >"$OUT" &&
	json "assert d[\"search_filters\"] == \"incomplete\", d" <"$OUT" &&
	selfhelp $P check >"$OUT" &&
	expect_in "no search shortcut yet" "$OUT" &&
	selfhelp $P check --repair >"$OUT" &&
	expect_in "search shortcut was made again" "$OUT" &&
	selfhelp $P check --json >"$OUT" &&
	json "assert d[\"search_filters\"] == \"ok\", d" <"$OUT" &&
	selfhelp $P journal search the >"$TEST_ROOT/found2" &&
	cmp "$TEST_ROOT/found" "$TEST_ROOT/found2" &&
	cp "$TEST_ROOT/keep.db" "$VAULT" &&
	rm -f "$VAULT-wal" "$VAULT-shm"
'

test_expect_success 'check: a search filter put back from an older copy is told' '
	cp "$VAULT" "$TEST_ROOT/keep.db" &&
	cp "$VAULT" "$TEST_ROOT/old.db" &&
	selfhelp $P journal add -m "one more, to change a filter bucket" >/dev/null &&
	python3 - "$VAULT" "$TEST_ROOT/old.db" <<-\EOP &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	db.execute("attach ? as old", (sys.argv[2],))
	n = db.execute("update filter set data = (select o.data from old.filter o where o.id = filter.id) where id = (select f.id from filter f join old.filter o on o.id = f.id where f.data != o.data limit 1)").rowcount
	assert n == 1, n
	db.commit()
	EOP
	test_must_fail 1 selfhelp $P check --json >"$OUT" &&
	json "assert d[\"search_filters\"] == \"damaged\", d" <"$OUT" &&
	test_must_fail 1 selfhelp $P check >"$OUT" &&
	expect_in "older copy was put back" "$OUT" &&
	selfhelp $P journal search "one more" >"$OUT" &&
	expect_in "one more" "$OUT" &&
	selfhelp $P check --repair >/dev/null &&
	selfhelp $P check >/dev/null &&
	cp "$TEST_ROOT/keep.db" "$VAULT" &&
	rm -f "$VAULT-wal" "$VAULT-shm"
'

test_expect_success 'no plaintext export or temporary file is left behind' '
	! ls "$TEST_ROOT"/keep.?????? 2>/dev/null &&
	for f in "$VAULT" "$VAULT-wal"; do
		if test -e "$f"; then ! grep -a -q "the oldest" "$f" || return 1; fi
	done
'

test_done
