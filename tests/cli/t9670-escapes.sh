#!/bin/sh
# Terminal escapes from the vault or an import never reach a terminal or
# the Markdown export (security review 8, 9 and "search echo" in 18):
# ESC, CSI and OSC 52 (a clipboard write), C1 controls as UTF-8 (U+009B
# is CSI), a raw 0x9b byte and bytes that are not UTF-8 go into every
# field they can reach, through the command line, import (selfhelp JSON
# and jrnl) and, for what import refuses, records forged into the vault;
# then every command that shows them is run and its output checked.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
ESC=$(printf '\033')
C1=$(printf '\302\233')
T=1767261600 # 2026-01-01T10:00:00Z
SINCE="--since 2025-12-01 --until 2026-02-01"

# check_clean FILE...: each file is UTF-8 with no control character but
# newline and tab (C0, DEL, C1) and no 0x9b byte at all; says which not.
check_clean() {
	python3 - "$@" <<-\PY
	import sys
	bad = 0
	for name in sys.argv[1:]:
	    b = open(name, "rb").read()
	    why = None
	    if b"\x9b" in b:
	        why = "a 0x9b byte at %d" % b.index(b"\x9b")
	    try:
	        s = b.decode("utf-8")
	    except UnicodeDecodeError as e:
	        why = why or "bytes that are not UTF-8 at %d" % e.start
	        s = ""
	    for i, c in enumerate(s):
	        if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0:
	            why = why or "U+%04X at %d" % (ord(c), i)
	    if why:
	        print("%s: %s" % (name, why))
	        bad = 1
	sys.exit(bad)
	PY
}

# forge KIND HEAD BODY NAME: store a record as it is (quick-vault --put),
# its id in $TEST_ROOT/NAME.id. HEAD and BODY are printf formats.
forge() {
	printf "$2" >"$TEST_ROOT/$4.head" &&
	printf "$3" >"$TEST_ROOT/$4.body" &&
	"$TEST_BUILDDIR/quick-vault" --put "${FORGE_VAULT:-$VAULT}" "$PASSFILE" \
		"$1" "$TEST_ROOT/$4.head" "$TEST_ROOT/$4.body" >"$TEST_ROOT/$4.id"
}
id_of() { cat "$TEST_ROOT/$1.id"; }

test_expect_success 'the checker finds each kind of escape' '
	for bad in "a\033[31mb" "a\302\233b" "a\233b" "a\377b" "a\302\205b" "a\177b" "a\rb"; do
		printf "$bad" >"$TEST_ROOT/bad" &&
		test_must_fail 1 check_clean "$TEST_ROOT/bad" >/dev/null || return 1
	done &&
	printf "fine\ttext \303\244 \342\200\246\n" >"$TEST_ROOT/good" &&
	printf "\304\233" >"$TEST_ROOT/bad" && # strict: even a 0x9b in a letter
	check_clean "$TEST_ROOT/good" &&
	test_must_fail 1 check_clean "$TEST_ROOT/bad" >/dev/null
'

test_expect_success 'setup: a vault, and an entry with escapes in its text' '
	quick_vault >/dev/null &&
	selfhelp $P journal add --date 2026-01-01T09:00 -m "$(printf "JTEXT \033[31mred\033[0m osc \033]52;c;aGk=\007 c1 \302\2332J end")" >"$TEST_ROOT/j1.id"
'

test_expect_success 'journal --tag refuses control characters in one sentence' '
	test_must_fail 2 selfhelp $P journal add -m x --tag "$(printf "a\033[31mb")" 2>"$ERR" &&
	expect_in "A tag cannot hold control characters" "$ERR" &&
	test_must_fail 2 selfhelp $P journal add -m x --tag "$(printf "a\302\233b")" 2>"$ERR" &&
	expect_in "A tag cannot hold control characters" "$ERR" &&
	test_must_fail 2 selfhelp $P journal list --tag "$(printf "a\177")" 2>"$ERR" &&
	expect_in "A tag cannot hold control characters" "$ERR" &&
	check_clean "$ERR" &&
	test "$(selfhelp_json "print(len(d))" $P journal list --json)" -eq 1
'

test_expect_success 'other one-line fields refuse C1 controls too' '
	test_must_fail 2 selfhelp $P trigger-log add --no-input --emotion "$(printf "a\302\233b")" 2>"$ERR" &&
	expect_in "control characters" "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --no-input --tag "$(printf "t\302\205")" 2>>"$ERR" &&
	printf "## People I can ask for help\n- Sam \302\2332J\n" >"$TEST_ROOT/plan.txt" &&
	test_must_fail 1 selfhelp $P safety-plan edit --from "$TEST_ROOT/plan.txt" 2>>"$ERR" &&
	check_clean "$ERR"
'

# Free text keeps what it holds (shown escaped); every other field of an
# import refuses control characters.
cat >"$TEST_ROOT/free.json" <<EOF
{"selfhelp_export": 1, "records": [
 {"id": "11111111111111111111111111111111", "kind": "journal",
  "created": "2026-01-01T10:00:00Z", "mood": 2, "tags": ["imported"],
  "text": "ITEXT \\u001b[2J osc \\u001b]52;c;aGk=\\u0007 c1 \\u009b31m \\u0085 end\\nsecond line \\u001b[A"},
 {"id": "22222222222222222222222222222222", "kind": "trigger",
  "created": "2026-01-01T11:00:00Z",
  "head": {"v": 1, "created": $((T + 3600)), "when": $((T + 3600)), "before": 6,
   "trigger": "ITRIG \\u001b]0;title\\u0007 \\u009b", "emotions": ["calm"]},
  "body": {"v": 1, "thoughts": "ITHOUGHT \\u001b[31m", "note": "INOTE \\u009b2J\\nline two"}},
 {"id": "33333333333333333333333333333333", "kind": "group",
  "created": "2026-01-01T12:00:00Z", "type": "prepare",
  "when": "2026-01-01T12:00:00Z", "need": "INEED \\u009b2J"}]}
EOF
cat >"$TEST_ROOT/jrnl.json" <<\EOF
{"tags": {}, "entries": [
 {"date": "2026-01-01", "time": "13:00", "title": "JRNLTITLE \u001b[31m",
  "body": "JRNLBODY \u001b]52;c;aGk=\u0007 \u009b", "tags": ["@jrnl"], "starred": false}]}
EOF

test_expect_success 'import keeps control characters in free text' '
	selfhelp $P import "$TEST_ROOT/free.json" >"$OUT" 2>"$ERR" &&
	expect_in "Added 3 records" "$OUT" &&
	selfhelp $P import "$TEST_ROOT/jrnl.json" >"$OUT" 2>"$ERR" &&
	expect_in "Added 1 record" "$OUT"
'

# refused NAME FIELDS WORDS: a one-record export with FIELDS is refused;
# the message says WORDS and never shows the character itself.
refused() {
	printf "{\"selfhelp_export\": 1, \"records\": [{\"id\": \"%s\", %s}]}" \
		"0123456789abcdef0123456789abcdef" "$2" >"$TEST_ROOT/$1.json" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/$1.json" 2>"$ERR" &&
	expect_in "Nothing was imported: record 1 (id 01234567): $3" "$ERR" &&
	check_clean "$ERR"
}

test_expect_success 'import refuses control characters in every other field' '
	J="\"kind\": \"journal\", \"created\": \"2026-01-01T10:00:00Z\", \"text\": \"x\"" &&
	refused tag "$J, \"tags\": [\"ok\", \"t\\u001b[31m\"]" \
		"item 2 of \"tags\" holds a control character" &&
	refused tagc1 "$J, \"tags\": [\"t\\u009b\"]" "item 1 of \"tags\"" &&
	H="\"kind\": \"trigger\", \"created\": \"2026-01-01T10:00:00Z\", \"head\": {\"v\": 1, \"created\": $T, \"when\": $T" &&
	refused emotion "$H, \"emotions\": [\"e\\u001b]52;c;aGk=\\u0007\"]}, \"body\": {\"v\": 1}" \
		"item 1 of \"emotions\" holds a control character" &&
	refused helped "$H, \"helped\": [\"h\\u0085\"]}, \"body\": {\"v\": 1}" \
		"item 1 of \"helped\"" &&
	refused urge "$H}, \"body\": {\"v\": 1, \"urges\": [\"u\\u007f\"]}" \
		"item 1 of \"urges\"" &&
	refused plan "\"kind\": \"safety-plan\", \"created\": \"2026-01-01T10:00:00Z\", \"head\": {\"v\": 1, \"created\": $T, \"version\": 1}, \"body\": {\"v\": 1, \"sections\": {\"people\": [\"Sam \\u009b2J\"]}}" \
		"item 1 of \"people\"" &&
	refused rating "\"kind\": \"rating\", \"created\": \"2026-01-01T10:00:00Z\", \"head\": {\"created\": $T, \"exercise\": \"ex\\u001b\"}, \"body\": \"\"" \
		"\"exercise\" holds a control character" &&
	refused group "\"kind\": \"group\", \"created\": \"2026-01-01T10:00:00Z\", \"type\": \"prepare\\u001b\", \"when\": \"2026-01-01T10:00:00Z\"" \
		"\"type\" holds a control character" &&
	printf "{\"entries\": [{\"date\": \"2026-01-01\", \"time\": \"14:00\", \"body\": \"b\", \"tags\": [\"@j\\\\u001b[31m\"]}]}" >"$TEST_ROOT/jrnltag.json" &&
	test_must_fail 1 selfhelp $P import "$TEST_ROOT/jrnltag.json" 2>"$ERR" &&
	expect_in "entry 1 (2026-01-01 14:00): tag 1 holds a control character" "$ERR" &&
	check_clean "$ERR" &&
	test "$(selfhelp_json "print(len(d))" $P journal list --json)" -eq 3
'

# What import refuses can still be in a vault: forged (security review 1),
# or let in by an older selfhelp. Such records, with raw 0x9b bytes and
# bytes that are not UTF-8 where the field is not JSON, are shown safely.
test_expect_success 'setup: forged records of every kind' '
	forge journal "{\"v\": 1, \"created\": $((T + 7200)), \"updated\": $((T + 7200)), \"mood\": 5, \"tags\": [\"ftag\\\\u001b[31m\", \"fc1\\\\u009b\", \"fnl\\\\nx\"], \"preview\": \"FPREV \\\\u001b]52;c;aGk=\\\\u0007 \\\\u009b\"}" \
		"FBODY \033[31m c1 \302\233 raw \233 bad \377\376 cut \342\202\nFLINE2 \033[2J\n" fj &&
	forge trigger "{\"v\": 1, \"when\": $((T + 9000)), \"created\": $((T + 9000)), \"updated\": $((T + 9000)), \"before\": 7, \"after\": 3, \"state\": \"too-much\", \"trigger\": \"FTRIG \\\\u001b[31m \\\\u009b\", \"reactions\": [\"FREACT\\\\u001b]52;c;aGk=\\\\u0007\"], \"vulnerabilities\": [\"FVULN\\\\u0085\"], \"body\": [\"FBODY\\\\u001b\"], \"emotions\": [\"FEMO\\\\u009b\"], \"helped\": [\"FHELP\\\\u001b[2J\"], \"tags\": [\"ftag\\\\u001b\"]}" \
		"{\"v\": 1, \"thoughts\": \"FTHOUGHT\\\\u001b\", \"felt_age\": 7, \"urges\": [\"FURGE\\\\u009b\"], \"now_differs\": \"FNOW\\\\u001b\", \"note\": \"FNOTE\\\\u009b\\\\nline\"}" ft &&
	forge group "{\"v\": 1, \"type\": \"prepare\", \"when\": $((T + 10800)), \"created\": $((T + 10800)), \"updated\": $((T + 10800)), \"before\": 5, \"state\": \"okay\", \"boundary\": \"FBOUND\\\\u001b[31m\\\\u009b\"}" \
		"{\"v\": 1, \"bring\": \"FBRING\\\\u001b]52;c;aGk=\\\\u0007\", \"need\": \"FNEED\\\\u009b\", \"if_too_much\": \"FITM\\\\u001b\"}" fgp &&
	forge group "{\"v\": 1, \"type\": \"reflect\", \"when\": $((T + 14400)), \"created\": $((T + 14400)), \"updated\": $((T + 14400)), \"after\": 3, \"state\": \"okay\", \"closeness\": \"about-right\", \"kept\": \"yes\"}" \
		"{\"v\": 1, \"moved\": \"FMOVED\\\\u001b[31m\", \"triggered\": \"FTRIGGERED \\\\u009b\\\\u001b]52;c;aGk=\\\\u0007\", \"kind_words\": \"FKIND\\\\u0085\"}" fgr &&
	forge safety-plan "{\"v\": 1, \"created\": $((T + 18000)), \"updated\": $((T + 18000)), \"version\": 1}" \
		"{\"v\": 1, \"sections\": {\"warning-signs\": [\"FWARN \\\\u001b[31m\"], \"people\": [\"FPEOPLE \\\\u001b]52;c;aGk=\\\\u0007 \\\\u009b2J\", \"nl\\\\nin item\"], \"professionals\": [\"FPRO\\\\u0085\"]}}" fp &&
	forge rating "{\"v\": 1, \"created\": $((T + 19000)), \"exercise\": \"FEX\\\\u001b[31m\\\\u009b\", \"before\": 8, \"after\": 3}" "" fr
'

# run NAME COMMAND...: stdout to $TEST_ROOT/NAME.out, stderr to NAME.err.
run() {
	name=$1 && shift &&
	"$@" >"$TEST_ROOT/$name.out" 2>"$TEST_ROOT/$name.err" &&
	check_clean "$TEST_ROOT/$name.out" "$TEST_ROOT/$name.err"
}

test_expect_success 'journal list, show and search' '
	run list selfhelp $P journal list &&
	expect_in "FPREV ?]52;c;aGk=? ?" "$TEST_ROOT/list.out" &&
	expect_in "#ftag?[31m #fc1? #fnl x" "$TEST_ROOT/list.out" &&
	expect_in "ITEXT ?[2J osc ?]52;c;aGk=? c1 ?31m ? end" "$TEST_ROOT/list.out" &&
	run show1 selfhelp $P journal show "$(id_of j1)" &&
	expect_in "JTEXT ?[31mred?[0m osc ?]52;c;aGk=? c1 ?2J end" "$TEST_ROOT/show1.out" &&
	run show2 selfhelp $P journal show 1111 &&
	expect_in "second line ?[A" "$TEST_ROOT/show2.out" &&
	run show3 selfhelp $P journal show "$(id_of fj)" &&
	expect_in "#ftag?[31m #fc1? #fnl x" "$TEST_ROOT/show3.out" &&
	expect_in "FBODY ?[31m c1 ? raw $(printf "\357\277\275") bad $(printf "\357\277\275\357\277\275") cut $(printf "\357\277\275\357\277\275")" "$TEST_ROOT/show3.out" &&
	expect_in "FLINE2 ?[2J" "$TEST_ROOT/show3.out" &&
	run jrnl selfhelp $P journal search JRNLBODY &&
	expect_in "JRNLBODY ?]52;c;aGk=? ?" "$TEST_ROOT/jrnl.out" &&
	run search selfhelp $P journal search raw &&
	expect_in "raw $(printf "\357\277\275") bad" "$TEST_ROOT/search.out" &&
	run tag selfhelp $P journal search ftag &&
	expect_in "#ftag?[31m" "$TEST_ROOT/tag.out" &&
	run json selfhelp $P journal show "$(id_of fj)" --json
'

test_expect_success 'the echoed search words are shown safely' '
	run miss selfhelp $P journal search "$(printf "zz\033]0;TITLE\007 \302\233")" &&
	expect_in "No entries hold '\''zz?]0;TITLE? ?'\''" "$TEST_ROOT/miss.out"
'

test_expect_success 'trigger-log list and show' '
	run tlist selfhelp $P trigger-log list &&
	expect_in "#ftag?  FTRIG ?[31m ?" "$TEST_ROOT/tlist.out" &&
	expect_in "ITRIG ?]0;title? ?" "$TEST_ROOT/tlist.out" &&
	run tshow selfhelp $P trigger-log show "$(id_of ft)" &&
	for s in "FTRIG ?[31m ?" "FREACT?]52;c;aGk=?" "FVULN?" "FBODY?" "FEMO?" \
		"FTHOUGHT?" "FURGE?" "FNOW?" "FNOTE?" "FHELP?[2J" "#ftag?"; do
		expect_in "$s" "$TEST_ROOT/tshow.out" || return 1
	done &&
	run tshow2 selfhelp $P trigger-log show 2222 &&
	expect_in "INOTE ?2J" "$TEST_ROOT/tshow2.out" &&
	expect_in "ITHOUGHT ?[31m" "$TEST_ROOT/tshow2.out"
'

test_expect_success 'group list and show' '
	run glist selfhelp $P group list &&
	run gshow selfhelp $P group show "$(id_of fgp)" &&
	for s in "FBOUND?[31m?" "FBRING?]52;c;aGk=?" "FNEED?" "FITM?"; do
		expect_in "$s" "$TEST_ROOT/gshow.out" || return 1
	done &&
	run gshowr selfhelp $P group show "$(id_of fgr)" &&
	for s in "FMOVED?[31m" "FTRIGGERED ??]52;c;aGk=?" "FKIND?"; do
		expect_in "$s" "$TEST_ROOT/gshowr.out" || return 1
	done &&
	run gshow2 selfhelp $P group show 3333 &&
	expect_in "INEED ?2J" "$TEST_ROOT/gshow2.out"
'

test_expect_success 'insights' '
	run insights selfhelp $P insights $SINCE &&
	expect_in "FEMO?" "$TEST_ROOT/insights.out" &&
	expect_in "FHELP?[2J" "$TEST_ROOT/insights.out" &&
	run insights-c env LC_ALL=C "$SELFHELP_RUN" $P insights $SINCE --ascii
'

test_expect_success 'safety-plan show' '
	run plan selfhelp $P safety-plan show &&
	expect_in "- FPEOPLE ?]52;c;aGk=? ?2J" "$TEST_ROOT/plan.out" &&
	expect_in "- nl in item" "$TEST_ROOT/plan.out" &&
	expect_in "- FPRO?" "$TEST_ROOT/plan.out" &&
	run history selfhelp $P safety-plan history
'

test_expect_success 'export --format markdown to a file' '
	test_must_fail 1 selfhelp $P export --format markdown --output "$TEST_ROOT/md" 2>"$ERR" &&
	check_clean "$TEST_ROOT/md" "$ERR" &&
	expect_in "The journal record $(id_of fj) was left out: its text is not UTF-8" "$ERR" &&
	for s in "JTEXT ?[31mred?[0m" "ITEXT ?[2J osc ?]52;c;aGk=? c1 ?31m ? end" \
		"second line ?[A" "- trigger: ITRIG ?]0;title? ?" "- thoughts: ITHOUGHT ?[31m" \
		"- note: INOTE ?2J" "line two" "INEED ?2J" "JRNLTITLE ?[31m"; do
		expect_in "$s" "$TEST_ROOT/md" || return 1
	done
'

test_expect_success 'export leaves out forged records that import would refuse, and says so' '
	expect_in "The trigger record $(id_of ft) was left out: item 1 of \"reactions\" holds a control character" "$ERR" &&
	expect_in "The safety-plan record $(id_of fp) was left out" "$ERR" &&
	expect_in "The rating record $(id_of fr) was left out" "$ERR" &&
	test_must_fail 1 selfhelp $P export --output "$TEST_ROOT/all.json" 2>/dev/null &&
	quick_vault "$TEST_ROOT/again.db" >/dev/null &&
	selfhelp $P --vault "$TEST_ROOT/again.db" import "$TEST_ROOT/all.json" >"$OUT" &&
	expect_in "Added" "$OUT"
'

# Format 2 rows hold no id or kind in clear: what someone with the file
# can put there is rows of hostile bytes. They are set aside, reported by
# row number, and never printed.
test_expect_success 'check: rows of hostile bytes are set aside, never printed' '
	cp "$VAULT" "$TEST_ROOT/damaged.db" &&
	python3 - "$TEST_ROOT/damaged.db" <<-\PY &&
	import sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	junk = "\x1b[31mREDID\x1b[0m\x1b]0;T\x07journal".encode() + b"\xc2\x9b\x9b" * 40
	db.execute("insert into record (head, body) values (?, ?)", (junk, junk))
	db.execute("insert into record (head, body) values (?, ?)", (b"\x1b" * 300, b"\x07" * 300))
	db.commit()
	PY
	test_must_fail 1 selfhelp $P --vault "$TEST_ROOT/damaged.db" check >"$OUT" 2>"$ERR" &&
	check_clean "$OUT" "$ERR" &&
	expect_in "kept aside" "$OUT" &&
	expect_not_in "REDID" "$OUT" &&
	test_must_fail 1 selfhelp $P --vault "$TEST_ROOT/damaged.db" check --json >"$OUT" 2>"$ERR" &&
	check_clean "$OUT" "$ERR" &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d[\"set_aside\"]) == 2, d" "$OUT"
'

test_expect_success 'an ambiguous id lists the candidates safely' '
	cat >"$TEST_ROOT/twins.json" <<-\EOJ &&
	{"selfhelp_export": 1, "records": [
	 {"id": "abcd0000000000000000000000000001", "kind": "journal",
	  "created": "2026-01-01T10:00:00Z", "text": "twin one"},
	 {"id": "abcd0000000000000000000000000002", "kind": "journal",
	  "created": "2026-01-01T11:00:00Z", "text": "twin two"}]}
	EOJ
	selfhelp $P --vault "$TEST_ROOT/damaged.db" import "$TEST_ROOT/twins.json" >/dev/null &&
	test_must_fail 1 selfhelp $P --vault "$TEST_ROOT/damaged.db" journal show abcd >"$OUT" 2>"$ERR" &&
	check_clean "$OUT" "$ERR" &&
	expect_in "More than one entry starts with" "$ERR" &&
	expect_in "  abcd0000000000000000000000000001" "$ERR" &&
	expect_in "  abcd0000000000000000000000000002" "$ERR"
'

if selfhelp $P unlock --for 5m >/dev/null 2>"$TEST_ROOT/unlock.err"; then
	test_set_prereq KEYRING
else
	echo "# no kernel keyring here: $(cat "$TEST_ROOT/unlock.err")"
fi

test_expect_success KEYRING 'crisis: the plan'\''s contacts' '
	run crisis selfhelp crisis --country de &&
	expect_in "FPEOPLE ?]52;c;aGk=? ?2J" "$TEST_ROOT/crisis.out" &&
	expect_in "FPRO?" "$TEST_ROOT/crisis.out" &&
	selfhelp lock >/dev/null
'

test_expect_success 'report: controls dropped from the HTML' '
	run report selfhelp $P report $SINCE --output "$TEST_ROOT/report.html" &&
	check_clean "$TEST_ROOT/report.html" &&
	expect_in "FEMO" "$TEST_ROOT/report.html"
'

test_done
