#!/bin/sh
# import of jrnl's JSON export (issue 17): the shapes jrnl and Day One
# journals take, time zones, order, repeats, and the text forms that
# cannot be imported. Fixtures: tests/fixtures/jrnl-*.json and friends.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
FIX="$TEST_SRCDIR/fixtures"

# fresh NAME: a new empty vault $TEST_ROOT/NAME.db, in $V
fresh() {
	V="$TEST_ROOT/$1.db" && quick_vault "$V" >/dev/null
}
# entries: the vault's journal as JSON, newest first, into $OUT
entries() {
	selfhelp $P --vault "$V" journal list --json >"$OUT"
}

test_expect_success 'an entry with only tags is imported with them; an empty one is left out' '
	fresh tagonly &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-tag-only.json" >"$OUT" &&
	expect_in "Added 2 records; skipped 0 already in the vault." "$OUT" &&
	expect_in "1 entry held no text and no tags, so it was left out." "$OUT" &&
	entries &&
	json "
e = {x[\"text\"]: x for x in d}
assert len(d) == 2, d
assert e[\"@gratitude @sleep\"][\"tags\"] == [\"gratitude\", \"sleep\"], d
assert \"Tea in the garden.\" in e, d
" <"$OUT" &&
	selfhelp $P --vault "$V" import --json "$FIX/jrnl-tag-only.json" >"$OUT" &&
	json "assert (d[\"added\"], d[\"skipped\"], d[\"empty\"]) == (0, 2, 1), d" <"$OUT"
'

test_expect_success 'tags longer or more than an entry holds are shortened, not refused' '
	fresh manytags &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-many-tags.json" >"$OUT" &&
	expect_in "Added 2 records" "$OUT" &&
	expect_in "2 entries had tags longer or more than an entry holds" "$OUT" &&
	entries &&
	json "
e = {x[\"text\"].split(\" \")[0]: x for x in d}
t = e[\"A\"][\"tags\"]
assert len(t) == 1 and t[0] == \"ü\" * 32, t
assert len(t[0].encode()) <= 64
m = e[\"Many\"]
assert len(m[\"tags\"]) == 64 and \"starred\" in m[\"tags\"], m[\"tags\"]
assert m[\"tags\"][:63] == [\"t%02d\" % i for i in range(63)], m[\"tags\"]
assert \"@t69\" in m[\"text\"]
" <"$OUT" &&
	selfhelp $P --vault "$V" export >"$TEST_ROOT/manytags.json" &&
	fresh manytags2 &&
	selfhelp $P --vault "$V" import "$TEST_ROOT/manytags.json" >"$OUT" &&
	expect_in "Added 2 records" "$OUT"
'

test_expect_success 'jrnl up to 2.4 (no "tags"): tags come from the @words' '
	fresh old &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-2.4.json" >"$OUT" &&
	expect_in "Added 2 records" "$OUT" &&
	entries &&
	json "
e = {x[\"text\"].split(\" \")[0]: x for x in d}
assert e[\"Met\"][\"tags\"] == [\"sam\", \"park\", \"home/base\", \"c++\", \"Über\", \"starred\"], e[\"Met\"][\"tags\"]
assert e[\"No\"][\"tags\"] == [], e[\"No\"]
" <"$OUT"
'

test_expect_success 'entries of the same minute keep the file order, every time' '
	for i in 1 2 3; do
		fresh "minute$i" &&
		selfhelp $P --vault "$V" import "$FIX/jrnl-same-minute.json" >/dev/null &&
		entries &&
		json "
t = [x[\"text\"].split()[0] for x in d]
assert t == [\"Next\", \"Bottom\", \"Middle\", \"Zebra\", \"Apple\", \"Third\"], t
assert d[5][\"created\"] == \"2024-07-01T20:00:00+00:00\", d[5]
" <"$OUT" &&
		selfhelp $P --vault "$V" export >"$OUT" &&
		json "
t = [x[\"text\"].split()[0] for x in d[\"records\"]]
assert t == [\"Third\", \"Apple\", \"Zebra\", \"Middle\", \"Bottom\", \"Next\"], t
" <"$OUT" &&
		selfhelp $P --vault "$V" journal list >"$OUT" &&
		test "$(sed -n 2p "$OUT" | grep -c Bottom)" -eq 1 || return 1
	done &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-same-minute.json" >"$OUT" &&
	expect_in "Added 0 records; skipped 6" "$OUT"
'

# rep.json: 200 entries, one of them twice (the repeat's tags are added
# to the first); imported into the vault $V
import_with_repeat() {
	selfhelp $P --vault "$V" import --json "$TEST_ROOT/rep.json" >"$OUT" &&
	json "assert (d[\"added\"], d[\"repeats\"]) == (200, 1), d" <"$OUT" &&
	entries &&
	json "
e = [x for x in d if \"Entry 3.\" in x[\"text\"]]
assert len(e) == 1 and e[0][\"tags\"] == [\"work\", \"later\", \"starred\"], e
assert len(d) == 200, len(d)
" <"$OUT"
}

test_expect_success 'a repeat inside the file is one entry with the tags and star of both' '
	fresh repeat &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-repeat.json" >"$OUT" &&
	expect_in "Added 2 records; skipped 0 already in the vault." "$OUT" &&
	expect_in "1 entry repeated an earlier entry of the file" "$OUT" &&
	entries &&
	json "
e = {x[\"text\"].split(\"\\n\")[0]: x for x in d}
assert len(d) == 2, d
assert e[\"Called in sick.\"][\"tags\"] == [\"work\", \"body\", \"starred\"], d
" <"$OUT" &&
	selfhelp $P --vault "$V" import --json "$FIX/jrnl-repeat.json" >"$OUT" &&
	json "assert (d[\"added\"], d[\"skipped\"], d[\"repeats\"]) == (0, 2, 1), d" <"$OUT"
'

test_expect_success 'DST gap and fold: as jrnl meant them; another time zone adds nothing' '
	fresh dst &&
	TZ=Europe/Berlin selfhelp $P --vault "$V" import "$FIX/jrnl-dst.json" >"$OUT" &&
	expect_in "Added 3 records" "$OUT" &&
	TZ=Europe/Berlin selfhelp $P --vault "$V" journal list --json >"$OUT" &&
	json "
e = {x[\"text\"]: x[\"created\"] for x in d}
assert e[\"In the gap.\"] == \"2024-03-31T03:30:00+02:00\", e
assert e[\"In the fold.\"] == \"2024-10-27T02:30:00+02:00\", e
assert e[\"An ordinary time.\"] == \"2024-10-27T12:00:00+01:00\", e
" <"$OUT" &&
	for tz in America/New_York Asia/Kolkata UTC Pacific/Chatham; do
		TZ=$tz selfhelp $P --vault "$V" import "$FIX/jrnl-dst.json" >"$OUT" &&
		expect_in "Added 0 records; skipped 3" "$OUT" &&
		TZ=$tz selfhelp $P --vault "$V" import "$FIX/jrnl.json" >"$OUT" || return 1
	done &&
	TZ=Europe/Berlin selfhelp $P --vault "$V" import "$FIX/jrnl.json" >"$OUT" &&
	expect_in "Added 0 records; skipped 4" "$OUT"
'

test_expect_success 'a one-line entry stays one line; an older import of it is found' '
	fresh oneline &&
	selfhelp $P --vault "$V" journal add --date 2024-09-01T08:00 \
		-m "Slept badly.

Tea helped." >/dev/null &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-one-line.json" >"$OUT" &&
	expect_in "Added 3 records; skipped 1 already in the vault." "$OUT" &&
	entries &&
	json "
t = sorted(x[\"text\"] for x in d)
assert t == [\"A title without a stop\\n\\nand its body\", \"Slept badly.\\n\\nTea helped.\",
             \"Two lines.\\n\\nFirst.\\nSecond.\", \"Why now? No idea (yet).\"], t
" <"$OUT" &&
	fresh oneline2 &&
	selfhelp $P --vault "$V" import "$FIX/jrnl-one-line.json" >/dev/null &&
	entries &&
	json "assert any(x[\"text\"] == \"Slept badly. Tea helped.\" for x in d), d" <"$OUT"
'

test_expect_success 'jrnl text, Markdown and YAML, Day One files: export it with jrnl --format json' '
	fresh text &&
	cp "$V" "$TEST_ROOT/before.db" &&
	for f in jrnl-journal.txt jrnl-export.md jrnl-export.yaml dayone.doentry dayone.json; do
		test_must_fail 1 selfhelp $P --vault "$V" import "$FIX/$f" 2>"$ERR" &&
		expect_in "this looks like a jrnl journal in text form: export it with \`jrnl --format json\`" "$ERR" &&
		unchanged_vault "$V" "$TEST_ROOT/before.db" || { echo "case $f"; return 1; }
	done &&
	selfhelp $P --vault "$V" journal add -m "a note" >/dev/null &&
	selfhelp $P --vault "$V" export --format markdown >"$TEST_ROOT/exp.md" &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/exp.md" 2>"$ERR" &&
	expect_in "Markdown export, which is for reading" "$ERR"
'

# gen N FILE: a jrnl export of N entries of about 1 KiB each
gen() {
	python3 - "$1" "$2" <<-\EOP
	import json, sys
	n = int(sys.argv[1])
	body = "quiet harbour kettle walk rain window letter warm bread " * 18
	entries = [{"date": "2020-%02d-%02d" % (1 + i % 12, 1 + i % 28),
	            "time": "%02d:%02d" % (i // 60 % 24, i % 60),
	            "title": "Entry %d." % i, "body": body + "\n" + str(i),
	            "tags": ["@work"] if i % 3 == 0 else [], "starred": i % 7 == 0}
	           for i in range(n)]
	json.dump({"tags": {"@work": n // 3}, "entries": entries}, open(sys.argv[2], "w"))
	EOP
}

# peak RSS in KiB of one run of "$@"
peak_rss() {
	python3 -c "
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)" "$@"
}

# Sanitizers keep freed memory aside, and valgrind has its own: the peak
# says nothing about the program there.
test_lazy_prereq PLAIN_BUILD '
	test -z "$VALGRIND" && ! grep -q __asan_init "$SELFHELP"
'

test_expect_success PLAIN_BUILD 'a large jrnl export streams: memory does not grow with the file' '
	gen 1000 "$TEST_ROOT/small.json" &&
	gen 30000 "$TEST_ROOT/large.json" &&
	test "$(wc -c <"$TEST_ROOT/large.json")" -gt 30000000 &&
	fresh small && small=$(peak_rss "$SELFHELP" $P --vault "$V" import "$TEST_ROOT/small.json") &&
	fresh large && large=$(peak_rss "$SELFHELP" $P --vault "$V" import "$TEST_ROOT/large.json") &&
	selfhelp $P --vault "$V" import --json "$TEST_ROOT/large.json" >"$OUT" &&
	json "assert (d[\"added\"], d[\"skipped\"]) == (0, 30000), d" <"$OUT" &&
	echo "peak RSS: $small KiB for 1,000 entries, $large KiB for 30,000" &&
	test "$large" -lt $((small + 24576))
'

test_expect_success 'a stream that breaks after some entries stores none, and says where' '
	gen 50 "$TEST_ROOT/fifty.json" &&
	python3 - "$TEST_ROOT/fifty.json" "$TEST_ROOT" <<-\EOP &&
	import json, sys
	src, out = sys.argv[1], sys.argv[2]
	text = json.dumps(json.load(open(src)), indent=1)
	open(f"{out}/cut.json", "w").write(text[: len(text) * 2 // 3])
	lines = text.split("\n")
	i = [n for n, l in enumerate(lines) if "Entry 40." in l][0]
	lines[i] = lines[i].replace("Entry 40.", "Entry \\q40.")
	open(f"{out}/badesc.json", "w").write("\n".join(lines))
	print(i + 1, file=open(f"{out}/badline", "w"))
	x = json.loads(text); x["entries"][45]["time"] = "25:00"
	open(f"{out}/badtime.json", "w").write(json.dumps(x))
	open(f"{out}/twice.json", "w").write(text[:-1] + ", \"entries\": []}")
	open(f"{out}/after.json", "w").write(text + "\n{}")
	open(f"{out}/comma.json", "w").write(text.replace("},\n  {", "}\n  {", 1))
	EOP
	fresh broken &&
	selfhelp $P --vault "$V" journal add -m "already here" >/dev/null &&
	cp "$V" "$TEST_ROOT/before.db" &&
	for f in cut badesc badtime twice after comma; do
		test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/$f.json" 2>"$ERR" &&
		expect_in "Nothing was imported" "$ERR" &&
		unchanged_vault "$V" "$TEST_ROOT/before.db" &&
		selfhelp $P --vault "$V" journal list >"$OUT" &&
		test "$(wc -l <"$OUT")" -eq 1 || { echo "case $f"; cat "$ERR"; return 1; }
	done &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/cut.json" 2>"$ERR" &&
	expect_in "ends early, on line" "$ERR" &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/badesc.json" 2>"$ERR" &&
	expect_in "line $(cat "$TEST_ROOT/badline")," "$ERR" &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/badtime.json" 2>"$ERR" &&
	expect_in "entry 46 has the date 2020-10-18 25:00" "$ERR" &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/twice.json" 2>"$ERR" &&
	expect_in "the same key appears twice" "$ERR" &&
	test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/after.json" 2>"$ERR" &&
	expect_in "there is more after the end" "$ERR"
'

# The entries are read and sealed on a second thread in batches of 32,
# two in flight (JOB_BATCH, JOB_BATCHES in lib/transfer.c): sizes around
# them, a repeat batches after its entry, failures in each place.
test_expect_success 'entries around the reader thread'"'"'s batches are each stored once' '
	for n in 1 31 32 33 64 65 97; do
		gen $n "$TEST_ROOT/n$n.json" &&
		fresh "n$n" &&
		selfhelp $P --vault "$V" import --json "$TEST_ROOT/n$n.json" >"$OUT" &&
		json "assert (d[\"added\"], d[\"skipped\"]) == ($n, 0), d" <"$OUT" &&
		entries &&
		json "
import re
t = sorted(int(re.search(r\"Entry (\\d+)\\.\", x[\"text\"]).group(1)) for x in d)
assert t == list(range($n)), t
" <"$OUT" &&
		selfhelp $P --vault "$V" import --json "$TEST_ROOT/n$n.json" >"$OUT" &&
		json "assert (d[\"added\"], d[\"skipped\"]) == (0, $n), d" <"$OUT" ||
		{ echo "n $n"; return 1; }
	done
'

test_expect_success 'a repeat batches later merges; a failure in any batch stores nothing' '
	gen 200 "$TEST_ROOT/two.json" &&
	python3 - "$TEST_ROOT/two.json" "$TEST_ROOT" <<-\EOP &&
	import json, sys
	x = json.load(open(sys.argv[1]))
	rep = dict(x["entries"][3], tags=["@later"], starred=True)
	x["entries"].insert(150, rep)
	json.dump(x, open(sys.argv[2] + "/rep.json", "w"))
	for at in (0, 31, 32, 63, 64, 190):
	    y = json.loads(json.dumps(x))
	    y["entries"][at]["time"] = "25:00"
	    json.dump(y, open(sys.argv[2] + "/bad%d.json" % at, "w"))
	EOP
	fresh rep &&
	import_with_repeat &&
	fresh bad &&
	selfhelp $P --vault "$V" journal add -m "already here" >/dev/null &&
	cp "$V" "$TEST_ROOT/bad-before.db" &&
	for at in 0 31 32 63 64 190; do
		test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/bad$at.json" 2>"$ERR" &&
		expect_in "entry $((at + 1)) has the date" "$ERR" &&
		unchanged_vault "$V" "$TEST_ROOT/bad-before.db" ||
		{ echo "at $at"; cat "$ERR"; return 1; }
	done
'

test_expect_success 'without the second thread: the same records, repeats and failures' '
	(
	SELFHELP_TEST_IMPORT_ONE_THREAD=1 && export SELFHELP_TEST_IMPORT_ONE_THREAD &&
	fresh one &&
	import_with_repeat &&
	selfhelp $P --vault "$V" import --json "$TEST_ROOT/rep.json" >"$OUT" &&
	json "assert (d[\"added\"], d[\"skipped\"]) == (0, 200), d" <"$OUT" &&
	V="$TEST_ROOT/bad.db" &&
	for at in 0 63 190; do
		test_must_fail 1 selfhelp $P --vault "$V" import "$TEST_ROOT/bad$at.json" 2>"$ERR" &&
		expect_in "entry $((at + 1)) has the date" "$ERR" &&
		unchanged_vault "$V" "$TEST_ROOT/bad-before.db" ||
		{ echo "at $at"; cat "$ERR"; exit 1; }
	done
	)
'

test_done
