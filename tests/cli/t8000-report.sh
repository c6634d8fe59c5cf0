#!/bin/sh
# selfhelp report: a self-contained HTML summary to share, end to end:
# where it goes, its mode and warning, the same figures as `trigger-log
# stats`, escaping, and (when Chromium is installed) a headless browser
# that loads it without errors and shows the charts.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
VAULT="$XDG_DATA_HOME/selfhelp/vault.db"
R="$TEST_ROOT/report.html"
PERIOD="--since 2025-03-03 --until 2025-03-23"
CSP='<meta http-equiv="Content-Security-Policy"'

gentle() { ! grep -Eqi "invalid|illegal|wrong|you must" "$1"; }
test_expect_success 'setup: a vault with journal entries and trigger records' '
	quick_vault >/dev/null &&
	selfhelp $P journal add --mood 3 --tag "two words" --date 2025-03-03T08:00 \
		-m "first <script>alert(\"x\")</script> & '\''q'\''
line two" >/dev/null &&
	selfhelp $P journal add --mood 7 --date 2025-03-05T20:00 \
		-m "second, see https://example.org/x" >/dev/null &&
	selfhelp $P journal add --date 2025-03-11T12:00 -m "no mood here" >/dev/null &&
	selfhelp $P journal add --mood 1 --date 2025-02-01T09:00 \
		-m "outside the period" >/dev/null &&
	selfhelp $P trigger-log add --no-input --date 2025-03-03T21:30 \
		--trigger "Slammed <door>" --before 8 --after 4 --emotion fear \
		--helped "cold water" --helped breathing >/dev/null &&
	selfhelp $P trigger-log add --no-input --date 2025-03-04T03:10 \
		--before 6 --after 5 --helped "cold water" >/dev/null &&
	selfhelp $P trigger-log add --no-input --date 2025-03-11T09:00 \
		--before 4 --helped "cold water, walk & talk" >/dev/null &&
	selfhelp $P trigger-log add --no-input --date 2025-03-13T14:00 \
		--before 9 --after 3 --helped "COLD WATER, breathing" >/dev/null &&
	selfhelp $P trigger-log add --no-input --date 2025-03-21T19:45 \
		--after 2 --helped "walk & talk" >/dev/null
'

test_expect_success 'report --help, and it is on the "Your data:" line' '
	selfhelp report --help >"$OUT" 2>"$ERR" && test ! -s "$ERR" &&
	expect_in "usage: selfhelp report" "$OUT" &&
	expect_in "--include-entries" "$OUT" && expect_in "NOT encrypted" "$OUT" &&
	selfhelp help report >"$OUT" && expect_in "--since WHEN" "$OUT" &&
	selfhelp --help >"$OUT" && grep -q "Your data:.* report" "$OUT" &&
	test "$(wc -l <"$OUT")" -le 24
'

test_expect_success 'usage errors exit 2, in gentle words' '
	test_must_fail 2 selfhelp $P report --frobnicate 2>"$ERR" &&
	test_must_fail 2 selfhelp $P report --since someday 2>>"$ERR" &&
	expect_in "not a date selfhelp understands" "$ERR" &&
	test_must_fail 2 selfhelp $P report --since 2025-03-10 --until 2025-03-01 2>>"$ERR" &&
	test_must_fail 2 selfhelp $P report extra 2>>"$ERR" &&
	test_must_fail 2 selfhelp $P report --output 2>>"$ERR" &&
	test_must_fail 2 selfhelp $P report --force 2>>"$ERR" &&
	test_must_fail 2 selfhelp $P report -o - --force 2>>"$ERR" &&
	gentle "$ERR"
'

test_expect_success 'to a pipe or file: HTML on stdout, 0600, one warning' '
	selfhelp $P report $PERIOD >"$R" 2>"$ERR" &&
	test "$(stat -c %a "$R")" = 600 &&
	test "$(wc -l <"$ERR")" -eq 1 && expect_in "not encrypted" "$ERR" &&
	head -n 1 "$R" | grep -q "^<!DOCTYPE html>" &&
	tail -n 1 "$R" | grep -q "^</html>" &&
	for h in "Mood over time" "Trigger records per week" \
		"Distress before and after" "What I tried, and how distress compared afterwards" "When, and what came up"; do
		expect_in "<h2>$h</h2>" "$R" || return 1
	done &&
	test "$(grep -c "<svg " "$R")" -eq 3
'

test_expect_success 'the mood chart says which end is good' '
	expect_in "The mood (0 to 10, 10 is best)" "$R" &&
	expect_in "mood (0 to 10, 10 is best)</text>" "$R" &&
	grep -q "moods noted with journal entries, from [0-9]* to [0-9]* (0 to 10, 10 is best), one dot each" "$R"
'

test_expect_success 'entries stay out by default' '
	expect_not_in "first" "$R" && expect_not_in "second, see" "$R" &&
	expect_not_in "no mood here" "$R" && expect_not_in "Journal entries" "$R"
'

test_expect_success '--include-entries: the period'\''s entries in full, escaped' '
	selfhelp $P report $PERIOD --include-entries >"$R" 2>"$ERR" &&
	expect_in "<h2>Journal entries</h2>" "$R" &&
	expect_in "first &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;" "$R" &&
	expect_in "line two" "$R" && expect_in "no mood here" "$R" &&
	expect_in "tags: two words" "$R" &&
	expect_not_in "<script" "$R" && expect_not_in "outside the period" "$R"
'

test_expect_success 'nothing is fetched: no address outside the person'\''s words' '
	test "$(grep -cF "$CSP" "$R")" -eq 1 &&
	grep "http" "$R" >"$OUT" &&
	grep -vF "$CSP" "$OUT" >"$TEST_ROOT/rest" &&
	test "$(wc -l <"$TEST_ROOT/rest")" -eq 1 &&
	expect_in "<p class=\"entry-text\" dir=\"auto\">second, see https://example.org/x</p>" "$TEST_ROOT/rest" &&
	! grep -Eq "url\(|src=|<link|<img|@import|@font-face|<script" "$R"
'

test_expect_success 'the same figures as trigger-log stats for the period' '
	selfhelp $P trigger-log stats $PERIOD --json >"$TEST_ROOT/stats.json" &&
	python3 - "$TEST_ROOT/stats.json" "$R" <<-\EOF
	import html, json, sys
	stats = json.load(open(sys.argv[1]))
	page = open(sys.argv[2], encoding="utf-8").read()
	def want(s):
	    assert s in page, "not in the report: " + s
	assert stats["records"] == 5, stats["records"]
	want("%d in all." % stats["records"])
	for w in stats["weeks"]:
	    want("<tr><td>%s</td><td class=\"num\">%d</td></tr>"
	         % (w["start"], w["records"]))
	assert len(stats["helped"]) == 3, stats["helped"]
	for h in stats["helped"]:
	    if not h["enough"]:
	        words = "too few to tell yet"
	    else:
	        words = "%.1f lower on average" % h["mean_drop"]
	    want("<tr><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%d"
	         "</td><td>%s</td></tr>" % (html.escape(h["name"]), h["uses"],
	                                    h["rated"], words))
	want("too few to tell yet")
	want("walk &amp; talk")
	want("Slammed &lt;door&gt;")
	EOF
	selfhelp $P trigger-log stats $PERIOD >"$OUT" &&
	expect_in "3 rated: too few to tell yet" "$OUT"
'

test_expect_success '--output FILE: 0600 whatever the umask, never over a file' '
	(umask 000 && selfhelp $P report $PERIOD --output "$TEST_ROOT/o.html" >"$OUT" 2>"$ERR") &&
	test "$(stat -c %a "$TEST_ROOT/o.html")" = 600 &&
	expect_in "Wrote the report to $TEST_ROOT/o.html" "$OUT" &&
	test "$(wc -l <"$ERR")" -eq 1 && expect_in "not encrypted" "$ERR" &&
	printf "keep me\n" >"$TEST_ROOT/keep" && chmod 644 "$TEST_ROOT/keep" &&
	test_must_fail 1 selfhelp $P report -o "$TEST_ROOT/keep" 2>"$ERR" &&
	expect_in "--force" "$ERR" && gentle "$ERR" &&
	test "$(cat "$TEST_ROOT/keep")" = "keep me" &&
	selfhelp $P report -o "$TEST_ROOT/keep" --force >/dev/null 2>&1 &&
	test "$(stat -c %a "$TEST_ROOT/keep")" = 600 &&
	expect_in "<h2>What I tried, and how distress compared afterwards</h2>" "$TEST_ROOT/keep"
'

test_expect_success 'never over the vault, even with --force' '
	test_must_fail 1 selfhelp $P report -o "$VAULT" --force 2>"$ERR" &&
	expect_in "vault itself" "$ERR" &&
	selfhelp $P journal list >"$OUT" && expect_in "no mood here" "$OUT"
'

test_expect_success SCRIPT 'report -o - on a terminal is refused: never on the screen' '
	test_must_fail 2 script -qec "$SELFHELP_RUN $P report -o -" /dev/null >"$OUT" 2>&1 &&
	expect_in "not print it on the screen" "$OUT" && gentle "$OUT" &&
	expect_not_in "<html" "$OUT"
'

test_expect_success 'report into a named pipe: refused without --to-pipe, even with --force' '
	mkfifo "$TEST_ROOT/fifo" &&
	test_must_fail 1 timeout 120 "$SELFHELP_RUN" $P report $PERIOD -o "$TEST_ROOT/fifo" 2>"$ERR" &&
	expect_in "--to-pipe" "$ERR" && gentle "$ERR" &&
	test_must_fail 1 timeout 120 "$SELFHELP_RUN" $P report $PERIOD -o "$TEST_ROOT/fifo" --force 2>"$ERR" &&
	expect_in "--to-pipe" "$ERR"
'

test_expect_success SCRIPT 'report --to-pipe: into a named pipe of ones own, never a terminal' '
	timeout 120 cat "$TEST_ROOT/fifo" >"$TEST_ROOT/from-pipe" &
	reader=$! &&
	timeout 120 "$SELFHELP_RUN" $P report $PERIOD -o "$TEST_ROOT/fifo" --to-pipe >"$OUT" 2>"$ERR" &&
	wait $reader &&
	expect_in "<h2>What I tried, and how distress compared afterwards</h2>" "$TEST_ROOT/from-pipe" &&
	test -p "$TEST_ROOT/fifo" &&
	test_must_fail 1 script -qec "$SELFHELP_RUN $P report -o \$(tty) --to-pipe" /dev/null >"$OUT" 2>&1 &&
	expect_in "terminal" "$OUT" && expect_not_in "<html" "$OUT"
'

test_expect_success SCRIPT 'on a terminal: a dated file in this folder, never replaced' '
	mkdir "$TEST_ROOT/cwd" && cd "$TEST_ROOT/cwd" &&
	name="selfhelp-report-$(date +%Y-%m-%d).html" &&
	script -qec "$SELFHELP_RUN $P report" /dev/null >"$OUT" 2>&1 &&
	expect_in "Wrote the report to $name" "$OUT" &&
	expect_in "not encrypted" "$OUT" && expect_not_in "<html" "$OUT" &&
	test "$(stat -c %a "$name")" = 600 &&
	expect_in "<h2>Mood over time</h2>" "$name" &&
	echo "old" >"$name" &&
	test_must_fail 1 script -qec "$SELFHELP_RUN $P report" /dev/null >"$OUT" 2>&1 &&
	expect_in "--force" "$OUT" && test "$(cat "$name")" = old &&
	script -qec "$SELFHELP_RUN $P report --force" /dev/null >"$OUT" 2>&1 &&
	expect_in "<!DOCTYPE html>" "$name"
'

test_expect_success 'an empty period says nothing was recorded' '
	selfhelp $P report --since 2020-01-01 --until 2020-01-31 \
		--include-entries >"$R" 2>/dev/null &&
	expect_in "Nothing was recorded in this period." "$R" &&
	expect_in "No journal entries were written in this period." "$R" &&
	expect_not_in "<svg" "$R"
'

test_expect_success '--include-group adds check-ins and reflections' '
	selfhelp $P group prepare --no-input --date 2025-03-18T18:00 \
		--before 6 --boundary "I may <pass>" >/dev/null &&
	selfhelp $P report $PERIOD >"$R" 2>/dev/null &&
	expect_not_in "Group meetings" "$R" && expect_not_in "I may" "$R" &&
	selfhelp $P report $PERIOD --include-group >"$R" 2>/dev/null &&
	expect_in "<h2>Group meetings</h2>" "$R" &&
	expect_in "I may &lt;pass&gt;" "$R"
'

# --- in a real browser ---

CHROMIUM=
for c in chromium chromium-browser; do
	if command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done

chromium_run() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-dev-shm-usage --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--user-data-dir="$(mktemp -d "$TEST_ROOT/chromium-XXXXXX")" "$@"
}

[ -z "$CHROMIUM" ] || test_set_prereq CHROMIUM

test_expect_success CHROMIUM 'setup: the fixture report with every section' '
	selfhelp $P report $PERIOD --include-entries >"$R" 2>/dev/null
'

test_expect_success CHROMIUM 'Chromium: the page loads and the charts are there' '
	chromium_run --dump-dom "file://$R" >"$TEST_ROOT/dom.html" \
		2>"$TEST_ROOT/chromium.err" &&
	test "$(grep -o "<svg " "$TEST_ROOT/dom.html" | wc -l)" -eq 3 &&
	test "$(grep -o "<circle class=\"dot\"" "$TEST_ROOT/dom.html" | wc -l)" -eq 2 &&
	for h in "Mood over time" "Trigger records per week" \
		"Distress before and after" "What I tried, and how distress compared afterwards" "Journal entries"; do
		expect_in "<h2>$h</h2>" "$TEST_ROOT/dom.html" || return 1
	done &&
	expect_in "first &lt;script&gt;" "$TEST_ROOT/dom.html" &&
	expect_not_in "<script" "$TEST_ROOT/dom.html"
'

test_expect_success CHROMIUM 'Chromium: no console errors, nothing refused' '
	chromium_run --enable-logging=stderr --v=0 --dump-dom "file://$R" \
		>/dev/null 2>"$TEST_ROOT/chromium.err" &&
	! grep -E ":CONSOLE|Uncaught|Refused to" "$TEST_ROOT/chromium.err"
'

test_expect_success CHROMIUM 'Chromium: a screenshot' '
	chromium_run --window-size=1000,3000 \
		--screenshot="$TEST_ROOT/report.png" "file://$R" \
		>/dev/null 2>"$TEST_ROOT/chromium.err" &&
	test "$(head -c 4 "$TEST_ROOT/report.png" | od -An -c | tr -d " ")" = "211PNG" &&
	test "$(wc -c <"$TEST_ROOT/report.png")" -gt 20000 &&
	if [ -n "${SELFHELP_KEEP_SCREENSHOT:-}" ]; then
		cp "$TEST_ROOT/report.png" "$SELFHELP_KEEP_SCREENSHOT"
	fi
'

test_done
