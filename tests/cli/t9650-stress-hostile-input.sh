#!/bin/sh
# Hostile input: huge arguments, bytes that are not UTF-8, NUL bytes on
# standard input, negative and huge numbers, dates that do not exist.
# Each gets one clear message and exit 2 (usage), or is handled on
# purpose (a long entry is kept whole; a file that is not an export is
# refused with exit 1 and nothing imported). Never a crash (exit >= 128),
# never text silently cut short.
#
# One argument can be at most 128 KiB on Linux (MAX_ARG_STRLEN), so the
# "1 MiB" inputs come through standard input or a file, and the largest
# arguments are 128 KiB - 1 bytes.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
ARG_MAX1=131071
BIG=$(head -c "$ARG_MAX1" /dev/zero | tr '\0' a)
BIGNUM=$(head -c "$ARG_MAX1" /dev/zero | tr '\0' 9)
BAD=$(printf 'a\377b')
HUGE=99999999999999999999

# usage_err CMD...: exit 2 and a message on stderr.
usage_err() {
	"$@" </dev/null >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q "^selfhelp: ." "$ERR"; then
		echo "expected a usage error (exit 2) from: $(echo "$*" | cut -c1-120)" >&2
		echo "got exit $rc:" >&2
		head -c 400 "$ERR" >&2
		return 1
	fi
}

# fails_clearly CODE CMD...: exit CODE (not a crash) and one message.
fails_clearly() {
	want=$1
	shift
	"$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -q "^selfhelp: ." "$ERR"; then
		echo "expected exit $want with a message from: $(echo "$*" | cut -c1-120)" >&2
		echo "got exit $rc:" >&2
		head -c 400 "$ERR" >&2
		return 1
	fi
}

test_expect_success 'setup: a vault' '
	quick_vault "" --no-recovery-code >/dev/null 2>&1
'

# --- journal ---

test_expect_success 'journal: a 128 KiB -m text is kept whole' '
	selfhelp $P journal add -m "$BIG" >"$OUT" &&
	id=$(cat "$OUT") &&
	selfhelp $P journal show "$id" --json >"$OUT" &&
	json "assert d[0][\"text\"] == \"a\" * $ARG_MAX1, len(d[0][\"text\"])" <"$OUT"
'

test_expect_success 'journal: 1 MiB of text from stdin is kept whole' '
	python3 -c "import sys; sys.stdout.write(\"\\u00e9\" * 524288)" >"$TEST_ROOT/mib" &&
	test "$(wc -c <"$TEST_ROOT/mib")" -eq 1048576 &&
	selfhelp $P journal add <"$TEST_ROOT/mib" >"$OUT" &&
	selfhelp $P journal show "$(cat "$OUT")" --json >"$TEST_ROOT/mib.json" &&
	json "assert d[0][\"text\"] == \"\\u00e9\" * 524288" <"$TEST_ROOT/mib.json"
'

test_expect_success 'journal: 128 KiB tag, mood, date, id, -n, --since and command names are refused' '
	usage_err selfhelp $P journal add -m x --tag "$BIG" &&
	usage_err selfhelp $P journal add -m x --mood "$BIGNUM" &&
	usage_err selfhelp $P journal add -m x --date "$BIG" &&
	usage_err selfhelp $P journal show "$BIG" &&
	usage_err selfhelp $P journal show "$(head -c "$ARG_MAX1" /dev/zero | tr "\0" f)" &&
	usage_err selfhelp $P journal list -n "$BIGNUM" &&
	usage_err selfhelp $P journal list --since "$BIG" &&
	usage_err selfhelp "$BIG" &&
	usage_err selfhelp journal "$BIG"
'

test_expect_success 'journal: bytes that are not UTF-8 are refused, never stored' '
	usage_err selfhelp $P journal add -m "$BAD" &&
	expect_in "UTF-8" "$ERR" &&
	usage_err selfhelp $P journal add -m ok --tag "$BAD" &&
	usage_err selfhelp $P journal search "$BAD" &&
	printf "caf\351\n" | test_must_fail 2 selfhelp $P journal add 2>"$ERR" &&
	expect_in "UTF-8" "$ERR" &&
	selfhelp $P journal list --json >"$OUT" &&
	json "assert len(d) == 2, len(d)" <"$OUT"
'

test_expect_success 'journal: a NUL byte on stdin is refused (not cut short)' '
	printf "before\000after" | test_must_fail 2 selfhelp $P journal add 2>"$ERR" &&
	expect_in "NUL" "$ERR" &&
	id=$(selfhelp_json "print(d[0][\"id\"])" $P journal list --json) &&
	printf "x\000y" | test_must_fail 2 selfhelp $P journal edit "$id" 2>"$ERR" &&
	selfhelp $P journal list --json >"$OUT" &&
	json "assert len(d) == 2 and all(\"before\" not in e[\"text\"] for e in d)" <"$OUT"
'

test_expect_success 'journal: negative, huge and malformed numbers' '
	for m in -1 11 "$HUGE" 5x 0x5 "" 1e1 "5 5"; do
		usage_err selfhelp $P journal add -m x --mood "$m" || return 1
	done &&
	for n in 0 -5 "$HUGE" x ""; do
		usage_err selfhelp $P journal list -n "$n" || return 1
	done
'

test_expect_success 'journal: dates that do not exist' '
	for d in 2026-02-30 2026-02-29 2026-04-31 2026-13-01 2026-00-10 2026-01-00 \
		2026-01-01T24:00 2026-01-01T23:60 2026-01-01T12:00:61 0000-01-01 \
		99999-01-01 "" " " -1d 99999999999d 2026-1-1x tomorrow; do
		usage_err selfhelp $P journal add -m x --date "$d" &&
		usage_err selfhelp $P journal list --since "$d" || { echo "date: $d"; return 1; }
	done &&
	selfhelp $P journal add -m "leap day" --date 2028-02-29 >"$OUT" &&
	selfhelp $P journal show "$(cat "$OUT")" >"$OUT" &&
	expect_in "2028-02-29" "$OUT"
'

test_expect_success 'messages cut a huge argument and never echo control characters' '
	usage_err selfhelp $P journal show "$BIG" &&
	test "$(wc -c <"$ERR")" -lt 2000 &&
	expect_in "more bytes not shown" "$ERR" &&
	usage_err selfhelp "$BIG" &&
	test "$(wc -c <"$ERR")" -lt 2000 &&
	usage_err selfhelp $P journal show "$(printf "ab\033[31mred\302\233x")" &&
	expect_in "ab?[31mred?" "$ERR" &&
	! grep -q "$(printf "\033")" "$ERR" &&
	! grep -q "$(printf "\302\233")" "$ERR"
'

test_expect_success 'a typed passphrase longer than selfhelp takes is refused, not cut short' '
	python3 - "$SELFHELP" >"$OUT" <<-\PY
	import os, pty, sys, time
	pid, fd = pty.fork()
	if pid == 0:
	    os.execv(sys.argv[1], [sys.argv[1], "journal", "list"])
	out = b""
	def until(word, limit=60):
	    global out
	    end = time.time() + limit
	    while word not in out and time.time() < end:
	        try:
	            out += os.read(fd, 4096)
	        except OSError:
	            break
	until(b"assphrase")
	os.write(fd, b"a" * 1100 + b"\r")
	until(b"not used")
	os.waitpid(pid, 0)
	sys.stdout.write(out.decode("utf-8", "replace"))
	PY
	expect_in "longer than the 1023 bytes" "$OUT"
'

# --- trigger-log ---

test_expect_success 'trigger-log: every text field refuses non-UTF-8 and 128 KiB' '
	for o in --trigger --reaction --vulnerability --body --emotion --thought \
		--urge --now-differs --helped --note --tag; do
		usage_err selfhelp $P trigger-log add --no-input --before 3 $o "$BAD" &&
		usage_err selfhelp $P trigger-log add --no-input --before 3 $o "$BIG" ||
			{ echo "option $o"; return 1; }
	done
'

test_expect_success 'trigger-log: --note - refuses a NUL byte and 1 MiB' '
	printf "a\000b" | test_must_fail 2 selfhelp $P trigger-log add --no-input --trigger x --note - 2>"$ERR" &&
	expect_in "--note" "$ERR" &&
	test_must_fail 2 selfhelp $P trigger-log add --no-input --trigger x --note - <"$TEST_ROOT/mib" 2>"$ERR" &&
	expect_in "longer" "$ERR" &&
	selfhelp $P trigger-log list --json >"$OUT" &&
	json "assert d == [], d" <"$OUT"
'

test_expect_success 'trigger-log: ratings, ages, states and dates out of range' '
	for a in "--before -1" "--before 11" "--before $HUGE" "--before 3.5" \
		"--after -3" "--after $HUGE" "--felt-age -5" "--felt-age 121" \
		"--felt-age $HUGE" "--state weird" "--state $BAD" "--date 2026-02-30" \
		"--date 2026-13-01"; do
		usage_err selfhelp $P trigger-log add --no-input --trigger x $a || { echo "$a"; return 1; }
	done &&
	usage_err selfhelp $P trigger-log list -n -1 &&
	usage_err selfhelp $P trigger-log list --until 2026-02-30 &&
	usage_err selfhelp $P trigger-log stats --since "$BIG"
'

# --- topics ---

test_expect_success 'topics: huge and non-UTF-8 names are not found, shown safely' '
	fails_clearly 1 selfhelp topics show "$BIG" &&
	expect_in "There is no topic" "$ERR" &&
	test "$(wc -c <"$ERR")" -lt 1000 &&
	fails_clearly 1 selfhelp topics show "$BAD" &&
	! grep -q "$(printf "\377")" "$ERR" &&
	fails_clearly 1 selfhelp topics show "$(printf "x\033]0;t\007")" &&
	! grep -q "$(printf "\033")" "$ERR" &&
	selfhelp topics search "$BAD" >"$OUT" &&
	! grep -q "$(printf "\377")" "$OUT" &&
	selfhelp topics search "$BIG" >"$OUT"
'

test_expect_success 'topics: widths and formats out of range' '
	for w in -1 0 100000 "$HUGE" 12x "" "$BIGNUM"; do
		usage_err selfhelp topics show shame --width "$w" || { echo "width $w"; return 1; }
	done &&
	usage_err selfhelp topics show shame --format "$BAD" &&
	usage_err selfhelp topics show shame --format "$BIG"
'

# --- grounding ---

test_expect_success 'grounding: names, states, minutes and patterns out of range' '
	usage_err selfhelp grounding "$BIG" &&
	usage_err selfhelp grounding "$BAD" &&
	usage_err selfhelp grounding --for "$BAD" &&
	usage_err selfhelp grounding list --for x &&
	for m in 0 61 -1 "$HUGE" 1.5 ""; do
		usage_err selfhelp grounding breathing --minutes "$m" || { echo "minutes $m"; return 1; }
	done &&
	for p in 0-0-0-0 21-0-4-0 -4-4 4-4-4-4-4 "$BAD" "$BIG" 4--4; do
		usage_err selfhelp grounding breathing --pattern "$p" || { echo "pattern $p"; return 1; }
	done
'

# --- import ---

# A one-record export with a Python edit applied: mkimport 'EDIT' FILE
mkimport() {
	python3 - "$2" "$1" <<-\EOP
	import json, sys
	rec = {"id": "%032x" % 0x5eed, "kind": "journal",
	       "created": "2026-01-01T00:00:00+00:00",
	       "updated": "2026-01-01T00:00:00+00:00",
	       "mood": None, "tags": [], "text": "imported"}
	doc = None
	exec(sys.argv[2])
	if doc is None:
	    doc = json.dumps({"selfhelp_export": 1, "records": [rec]})
	open(sys.argv[1], "wb").write(doc if isinstance(doc, bytes) else doc.encode())
	EOP
}

test_expect_success 'import: hostile files are refused whole, with exit 1' '
	selfhelp $P export >"$TEST_ROOT/before.json" 2>/dev/null &&
	i=0 &&
	for edit in "rec[\"mood\"] = -5" "rec[\"mood\"] = 11" "rec[\"mood\"] = 10 ** 30" \
		"rec[\"mood\"] = 1e308" "rec[\"created\"] = \"2026-02-30T00:00:00+00:00\"" \
		"rec[\"created\"] = \"99999-01-01T00:00:00+00:00\"" "rec[\"created\"] = -1" \
		"rec[\"tags\"] = [\"y\" * 1000]" "rec[\"tags\"] = [\"a\"] * 10000" \
		"rec[\"id\"] = \"../../etc\"" "rec[\"kind\"] = \"x\" * 100" \
		"rec[\"text\"] = \"a\\u0000b\"" \
		"doc = json.dumps({\"selfhelp_export\": 1, \"records\": [rec]}).encode().replace(b\"imported\", b\"imp\\xffrted\")" \
		"doc = b\"{\\\"selfhelp_export\\\": 1, \\\"records\\\": []}\\x00tail\"" \
		"doc = \"[\" * 100000" "doc = \"\"" "doc = bytes(range(256)) * 4096" \
		"doc = json.dumps({\"selfhelp_export\": 99, \"records\": []})"; do
		i=$((i + 1)) &&
		mkimport "$edit" "$TEST_ROOT/bad$i.json" &&
		fails_clearly 1 selfhelp $P import "$TEST_ROOT/bad$i.json" &&
		expect_in "Nothing was imported" "$ERR" || { echo "edit: $edit"; return 1; }
	done &&
	head -c 3000000 /dev/urandom | test_must_fail 1 selfhelp $P import - 2>"$ERR" &&
	expect_in "Nothing was imported" "$ERR" &&
	selfhelp $P export >"$TEST_ROOT/after.json" 2>/dev/null
'

test_expect_success 'import: nothing changed in the vault' '
	grep -v "\"exported\"" "$TEST_ROOT/before.json" >"$TEST_ROOT/b" &&
	grep -v "\"exported\"" "$TEST_ROOT/after.json" >"$TEST_ROOT/a" &&
	cmp "$TEST_ROOT/b" "$TEST_ROOT/a"
'

test_expect_success 'import: a 2 MB text is kept whole (on purpose)' '
	mkimport "rec[\"text\"] = \"z\" * 2000000" "$TEST_ROOT/long.json" &&
	selfhelp $P import "$TEST_ROOT/long.json" >"$OUT" &&
	selfhelp $P journal show 00000000000000000000000000005eed --json >"$OUT" &&
	json "assert d[0][\"text\"] == \"z\" * 2000000" <"$OUT"
'

test_expect_success 'import: a folder, a missing file' '
	fails_clearly 1 selfhelp $P import "$TEST_ROOT" &&
	fails_clearly 1 selfhelp $P import "$TEST_ROOT/no-such-file"
'

# --- passphrases and global options ---

test_expect_success 'a passphrase longer than selfhelp takes is refused, not cut' '
	head -c 5000 /dev/zero | tr "\0" p >"$TEST_ROOT/longpass" &&
	fails_clearly 1 selfhelp --vault "$TEST_ROOT/v2.db" --passphrase-file "$TEST_ROOT/longpass" \
		init --kdf interactive --no-recovery-code &&
	expect_in "longer than" "$ERR" &&
	test ! -e "$TEST_ROOT/v2.db"
'

test_expect_success 'unlock --for: negative, zero and huge durations' '
	for f in -5m 0s 0 "$HUGE"d 9999999d 1x "" 5m5; do
		usage_err selfhelp $P unlock --for "$f" || { echo "for $f"; return 1; }
	done
'

test_expect_success 'global options without values, empty values' '
	usage_err selfhelp journal list --vault &&
	usage_err selfhelp --vault "" journal list &&
	usage_err selfhelp --passphrase-file= journal list &&
	usage_err selfhelp --no-such-option
'

test_done
