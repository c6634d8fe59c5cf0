#!/bin/sh
# selfhelp topics: list, show (by slug, title, alias, prefix), formats,
# content notes, search, user pages, the pager on a terminal, and the
# build-time check of topic files (content/embed).
. "$TEST_SRCDIR/cli/lib.sh"

CONTENT="$TEST_SRCDIR/../content"
EMBED="$TEST_BUILDDIR/../content/embed"
FIXTURES="$TEST_SRCDIR/cli/t4000"
ESC=$(printf '\033')

# Every page topic-spec.md asks for: all of them must be bundled.
ALL_SLUGS="what-is-cptsd
childhood-trauma attachment-trauma emotional-neglect transgenerational-trauma
flashbacks re-experiencing triggers dissociation hypervigilance avoidance
sleep-and-nightmares psychosomatics depression misdiagnosis social-anxiety
neurogenic-tremor
shame guilt anger crying grief grief-work loss vulnerability
inner-critic perfectionism self-worth self-esteem perpetrator-introjects
inner-child reparenting meaning-in-life introspection
boundaries trust closeness relationship-healing codependency transference
empathy compassion
self-compassion emotional-intelligence affect-regulation stabilization
resources skills mindfulness body-awareness gratitude resilience
therapy-experience exposure-techniques emdr somatic-experiencing narm
polyvagal-theory
group-challenges group-opportunities"

CATEGORIES="Start here
Roots of CPTSD
Symptoms and reactions
Feelings
The self
Relationships
Skills for daily life
Therapy and approaches
Self-help groups"

# The widest line of file $1 in display columns (GNU wc counts wide
# characters as two in a UTF-8 locale).
max_width() {
	wc -L <"$1" | tr -d ' '
}

# Run "$@" on a pseudo-terminal (24x80, TERM=xterm); output (carriage
# returns removed) in $OUT. With $KEYS, wait for the "Read on?" prompt,
# then type them. A run that hangs is ended after 30 seconds.
on_tty() {
	cmd="stty rows 24 cols 80 2>/dev/null; exec"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	: >"$OUT.raw"
	(
		if [ -n "${KEYS:-}" ]; then
			i=0
			while [ $i -lt 200 ] && ! grep -q "Read on?" "$OUT.raw"; do
				sleep 0.1
				i=$((i + 1))
			done
			sleep 0.3 # the prompt is out; raw mode comes next
			printf "%b" "$KEYS"
		fi
		sleep 0.5
	) | TERM=xterm timeout 30 script -qec "$cmd" /dev/null >"$OUT.raw" 2>&1
	rc=$?
	tr -d '\r' <"$OUT.raw" >"$OUT"
	return $rc
}

test_expect_success 'all 60 pages of the spec are bundled, and no others' '
	selfhelp topics list --json >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	for slug in $ALL_SLUGS; do
		expect_in "\"slug\": \"$slug\"" "$OUT" || return 1
	done &&
	test "$(grep -c "\"slug\": " "$OUT")" -eq 60 &&
	test "$(echo $ALL_SLUGS | wc -w)" -eq 60
'

test_expect_success 'every file in content/topics is in the build' '
	selfhelp topics list --json >"$OUT" &&
	for f in "$CONTENT"/topics/*.md; do
		name=${f##*/} &&
		expect_in "'"'"'topics/$name'"'"'" "$CONTENT/meson.build" &&
		expect_in "\"slug\": \"${name%.md}\"" "$OUT" || return 1
	done
'

test_expect_success 'list --json is a JSON array with every field' '
	selfhelp topics list --json >"$OUT" &&
	python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list) and len(a) == 60
for t in a:
    assert set(t) >= {\"slug\", \"title\", \"summary\", \"category\",
                      \"aliases\", \"related\"}, t
    assert isinstance(t[\"aliases\"], list) and len(t[\"related\"]) >= 3
" "$OUT" &&
	expect_in "\"category\": \"Feelings\"" "$OUT" &&
	expect_in "\"aliases\": [" "$OUT"
'

test_expect_success 'topics and topics list: categories in order, one line each' '
	selfhelp topics >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	selfhelp topics list >"$OUT.2" &&
	cmp "$OUT" "$OUT.2" &&
	grep -v "^  " "$OUT" | grep -v "^\$" >"$OUT.cats" &&
	printf "%s\n" "$CATEGORIES" >"$OUT.want" &&
	cmp "$OUT.cats" "$OUT.want" &&
	test "$(grep -c "^  " "$OUT")" -eq 60 &&
	grep -q "^  shame  *Shame - " "$OUT" &&
	grep -q "^  narm  *NARM - " "$OUT" &&
	expect_not_in "$ESC" "$OUT"
'

test_expect_success 'show by slug: the title heading first, then the page' '
	selfhelp topics show --skip-notes shame >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	test "$(head -n 1 "$OUT")" = "Shame" &&
	expect_in "What it is" "$OUT" &&
	expect_in "Journaling prompts" "$OUT" &&
	expect_in "Further reading" "$OUT" &&
	expect_not_in "$ESC" "$OUT"
'

test_expect_success 'every bundled page shows by slug' '
	for slug in $ALL_SLUGS; do
		[ -f "$CONTENT/topics/$slug.md" ] || continue
		title=$(sed -n "s/^title: //p" "$CONTENT/topics/$slug.md") &&
		selfhelp topics show --skip-notes "$slug" >"$OUT" 2>"$ERR" &&
		test ! -s "$ERR" &&
		test "$(head -n 1 "$OUT")" = "$title" || {
			echo "$slug: $(head -n 1 "$OUT")"
			return 1
		}
	done
'

show_finds() {
	selfhelp topics show --format markdown --skip-notes "$@" >"$OUT" &&
	head -n 1 "$OUT" >"$OUT.head"
}

test_expect_success 'show by title, alias and seed wording, in any case' '
	show_finds "perpetrator projects" &&
	expect_in "# Perpetrator introjects" "$OUT.head" &&
	show_finds NARM && expect_in "# NARM" "$OUT.head" &&
	show_finds narm && expect_in "# NARM" "$OUT.head" &&
	show_finds EMDR && expect_in "# EMDR" "$OUT.head" &&
	show_finds co-dependency && expect_in "# Codependency" "$OUT.head" &&
	show_finds "sleep disorders and nightmares" &&
	expect_in "# Sleep and nightmares" "$OUT.head" &&
	show_finds "the INNER critic" &&
	expect_in "# The inner critic" "$OUT.head" &&
	show_finds boundary setting && expect_in "# Boundaries" "$OUT.head" &&
	show_finds "Somatic Experiencing" &&
	expect_in "# Somatic Experiencing" "$OUT.head" &&
	show_finds "challenges of CPTSD self-help groups" &&
	expect_in "group" "$OUT.head"
'

test_expect_success 'Täterintrojekt(e): show and search find perpetrator introjects' '
	show_finds Täterintrojekte &&
	expect_in "# Perpetrator introjects" "$OUT.head" &&
	show_finds täterintrojekt &&
	expect_in "# Perpetrator introjects" "$OUT.head" &&
	selfhelp topics search Täterintrojekte >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	test "$(head -n 1 "$OUT")" = "perpetrator-introjects - Perpetrator introjects" &&
	expect_in "Täterintrojekte" "$OUT" &&
	! grep -qi "perpetrator projects" "$OUT"
'

test_expect_success '"perpetrator projects" is only an alias, never shown' '
	selfhelp topics show --format markdown --skip-notes perpetrator-introjects >"$OUT" &&
	! grep -qi "perpetrator projects" "$OUT" &&
	selfhelp topics search perpetrator projects >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "perpetrator-introjects - Perpetrator introjects" &&
	! grep -qi "perpetrator projects" "$OUT"
'

test_expect_success 'show by a prefix that names one topic' '
	show_finds perfection && expect_in "# Perfectionism" "$OUT.head" &&
	show_finds hypervig && expect_in "# Hypervigilance" "$OUT.head"
'

test_expect_success 'a miss suggests the closest topics, exit 1' '
	test_must_fail 1 selfhelp topics show sheme >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" &&
	expect_in "There is no topic '"'"'sheme'"'"'. Closest: shame" "$ERR" &&
	test "$(wc -l <"$ERR")" -eq 1 &&
	test_must_fail 1 selfhelp topics show dissasociation 2>"$ERR" &&
	expect_in "Closest: dissociation" "$ERR" &&
	test_must_fail 1 selfhelp topics show qqqqqqqqqq 2>"$ERR" &&
	expect_in "selfhelp topics" "$ERR" &&
	for word in invalid illegal wrong "you must"; do
		expect_not_in "$word" "$ERR" || return 1
	done
'

test_expect_success 'an ambiguous prefix lists up to three, exit 1' '
	test_must_fail 1 selfhelp topics show self >"$OUT" 2>"$ERR" &&
	test ! -s "$OUT" &&
	expect_in "could be more than one topic: " "$ERR" &&
	expect_in "self-" "$ERR" &&
	test "$(grep -o "self-[a-z]*" "$ERR" | wc -l)" -le 3
'

test_expect_success 'usage errors exit 2' '
	test_must_fail 2 selfhelp topics show 2>"$ERR" &&
	expect_in "needs the name of a topic" "$ERR" &&
	test_must_fail 2 selfhelp topics show --format pdf shame 2>"$ERR" &&
	expect_in "ansi, plain, markdown, html" "$ERR" &&
	test_must_fail 2 selfhelp topics show --width x shame 2>"$ERR" &&
	test_must_fail 2 selfhelp topics show --bogus shame 2>"$ERR" &&
	expect_in "--bogus" "$ERR" &&
	test_must_fail 2 selfhelp topics lst 2>"$ERR" &&
	expect_in "list" "$ERR" &&
	test_must_fail 2 selfhelp topics search 2>"$ERR"
'

test_expect_success '--format html, man, markdown and plain' '
	selfhelp topics show --skip-notes --format html shame >"$OUT" &&
	expect_in "<h1>Shame</h1>" "$OUT" &&
	expect_in "<h2>What it is</h2>" "$OUT" &&
	selfhelp topics show --skip-notes --format man shame >"$OUT" &&
	head -n 1 "$OUT" | grep -q "^\.TH \"SELFHELP-SHAME\" \"7\"" &&
	expect_in ".SH" "$OUT" &&
	selfhelp topics show --skip-notes --format markdown shame >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "# Shame" &&
	expect_in "## What it is" "$OUT" &&
	selfhelp topics show --skip-notes --format plain shame >"$OUT" &&
	expect_not_in "$ESC" "$OUT" &&
	expect_not_in "<h1>" "$OUT" &&
	selfhelp topics show --skip-notes --format ansi shame >"$OUT" &&
	expect_in "$ESC[" "$OUT"
'

test_expect_success 'not a terminal: the content note line, then the page' '
	note=$(sed -n "s/^note: //p" "$CONTENT/topics/shame.md") &&
	test -n "$note" &&
	selfhelp topics show --width 200 shame >"$OUT" &&
	test "$(head -n 1 "$OUT")" = "Content note: $note" &&
	test "$(sed -n 3p "$OUT")" = "Shame" &&
	selfhelp topics show --format html shame >"$OUT" &&
	expect_in "Content note: " "$OUT" &&
	selfhelp topics show --skip-notes shame >"$OUT" &&
	expect_not_in "Content note" "$OUT" &&
	expect_not_in "Read on?" "$OUT"
'

test_expect_success 'every page at widths 20, 40, 80 and 200 fits (plain)' '
	for f in "$CONTENT"/topics/*.md; do
		slug=${f##*/} && slug=${slug%.md} &&
		for w in 20 40 80 200; do
			selfhelp topics show --width $w "$slug" >"$OUT" &&
			expect_not_in "$ESC" "$OUT" &&
			test "$(max_width "$OUT")" -le $w || {
				echo "$slug at $w: $(max_width "$OUT")"
				return 1
			}
		done
	done
'

test_expect_success 'COLUMNS sets the width; at most 80 by default' '
	COLUMNS=40 selfhelp topics show shame >"$OUT" &&
	test "$(max_width "$OUT")" -le 40 &&
	test "$(max_width "$OUT")" -gt 30 &&
	COLUMNS=200 selfhelp topics show shame >"$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	test "$(max_width "$OUT")" -gt 70
'

test_expect_success 'search ranks a title match first, with a snippet' '
	selfhelp topics search ANGER >"$OUT" 2>"$ERR" &&
	test ! -s "$ERR" &&
	test "$(head -n 1 "$OUT")" = "anger - Anger" &&
	test "$(grep -c " - " "$OUT")" -gt 3 &&
	sed -n 2p "$OUT" | grep -q "^  ." &&
	selfhelp topics search flashback sleep >"$OUT" &&
	expect_in "flashbacks - Flashbacks" "$OUT" &&
	expect_not_in "$ESC" "$OUT"
'

test_expect_success 'search with no hit says so gently' '
	selfhelp topics search qqqqzzzzqqqq >"$OUT" 2>"$ERR" &&
	expect_in "No topic mentions '"'"'qqqqzzzzqqqq'"'"'" "$OUT" &&
	expect_in "selfhelp topics" "$OUT"
'

test_expect_success SCRIPT 'search: the match in sight and highlighted at 60, 80 and 120 columns' '
	dir="$XDG_DATA_HOME/selfhelp/topics" &&
	rm -rf "$dir" && mkdir -p "$dir" &&
	printf -- "---\ntitle: Long\nslug: zz-long\n---\n\nSome words come first on this page, and then a long stretch of ordinary text follows before the zebrafrog finally shows up in the middle of it, with many more words after it so that every width has to cut it somewhere.\n" >"$dir/long.md" &&
	printf -- "---\ntitle: Tired\nslug: zz-tired\n---\n\n今日はとても疲れた。でも夕方に散歩をして、少し楽になった。明日もまた歩きたいと思う。本当に。長い一日だったけれど、夜は静かに眠れそうだ。\n" >"$dir/tired.md" &&
	printf -- "---\ntitle: Short\nslug: zz-short\n---\n\nA quokkabird, briefly.\n" >"$dir/short.md" &&
	for cols in 60 80 120; do
		for w in zebrafrog 散歩 quokkabird; do
			COLUMNS=$cols TERM=xterm script -qec "$SELFHELP_RUN topics search $w" /dev/null >"$OUT" &&
			HL=1 search_lines "$OUT" $cols $w || return 1
		done &&
		COLUMNS=$cols TERM=xterm NO_COLOR=1 script -qec "$SELFHELP_RUN topics search zebrafrog" /dev/null >"$OUT" &&
		HL=0 search_lines "$OUT" $cols zebrafrog &&
		# a cut in front of the match at 60: "…" there
		if test $cols = 60; then
			expect_in "  …" "$OUT" || return 1
		fi &&
		# the whole text fits: no "…"
		COLUMNS=$cols TERM=xterm script -qec "$SELFHELP_RUN topics search quokkabird" /dev/null >"$OUT" &&
		expect_not_in "…" "$OUT" || return 1
	done &&
	selfhelp topics search zebrafrog >"$OUT" &&
	HL=0 search_lines "$OUT" 80 zebrafrog
'
rm -rf "$XDG_DATA_HOME/selfhelp/topics"

test_expect_success 'help for topics and every sub-command, exit 0' '
	selfhelp topics --help >"$OUT" && expect_in "usage: selfhelp topics" "$OUT" &&
	expect_in "Examples:" "$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	selfhelp topics -h >"$OUT" && expect_in "topics search" "$OUT" &&
	selfhelp help topics >"$OUT" && expect_in "topics show" "$OUT" &&
	selfhelp topics show --help >"$OUT" && expect_in "--skip-notes" "$OUT" &&
	expect_in "--format" "$OUT" && expect_in "--width" "$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	selfhelp topics list --help >"$OUT" && expect_in "--json" "$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	selfhelp topics search --help >"$OUT" && expect_in "WORDS" "$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	selfhelp --help >"$OUT" && expect_in "topics" "$OUT"
'

test_expect_success 'user pages: listed, shown, override; a broken one is skipped' '
	dir="$XDG_DATA_HOME/selfhelp/topics" &&
	rm -rf "$dir" && mkdir -p "$dir" &&
	printf -- "---\ntitle: My own page\nslug: my-page\nsummary: Mine\n---\n\nMy **own** words.\n" >"$dir/mine.md" &&
	printf -- "---\ntitle: My shame page\nslug: shame\ncategory: Feelings\n---\n\nReplaced.\n" >"$dir/shame.md" &&
	printf -- "---\ntitle: Broken\nslug broken\n---\n" >"$dir/broken.md" &&
	selfhelp topics >"$OUT" 2>"$ERR" &&
	expect_in "my-page" "$OUT" &&
	expect_in "My shame page" "$OUT" &&
	expect_in "broken.md:3: " "$ERR" &&
	selfhelp topics show my own page >"$OUT" 2>/dev/null &&
	test "$(head -n 1 "$OUT")" = "My own page" &&
	expect_in "words." "$OUT" &&
	selfhelp topics show shame >"$OUT" 2>/dev/null &&
	expect_in "Replaced." "$OUT"
'
rm -rf "$XDG_DATA_HOME/selfhelp/topics"

test_expect_success 'the build check: every problem as file:line, exit 1' '
	test -x "$EMBED" &&
	test_must_fail 1 "$EMBED" "$TEST_ROOT/gen.c" "$FIXTURES" \
		topics/bad-key.md topics/bad-section.md \
		topics/bad-related.md topics/bad-slug.md 2>"$ERR" &&
	test ! -e "$TEST_ROOT/gen.c" &&
	expect_in "topics/bad-key.md:4: '"'"'sumary'"'"' is not a front matter key" "$ERR" &&
	expect_in "topics/bad-section.md:13: the section '"'"'## How it can show up with CPTSD'"'"' is missing" "$ERR" &&
	expect_in "topics/bad-related.md:6: related names '"'"'no-such-page'"'"'" "$ERR" &&
	expect_in "topics/bad-slug.md:3: the slug '"'"'another-name'"'"' differs" "$ERR" &&
	test "$(wc -l <"$ERR")" -eq 4 &&
	test_must_fail 1 "$EMBED" "$TEST_ROOT/gen.c" "$CONTENT" \
		topics/shame.md topics/guilt.md 2>"$ERR" &&
	expect_in "shame.md:7: related names" "$ERR"
'

test_expect_success 'the build check passes the bundled pages' '
	(cd "$CONTENT" && "$EMBED" "$TEST_ROOT/gen.c" "$CONTENT" topics/*.md) &&
	grep -q "topics/shame.md" "$TEST_ROOT/gen.c"
'

test_expect_success SCRIPT 'terminal: note, then q leaves with one neutral line, exit 0' '
	KEYS=q on_tty "$SELFHELP_RUN" topics show shame &&
	expect_in "Content note: " "$OUT" &&
	expect_in "Read on? [Enter/q]" "$OUT" &&
	expect_in "whenever you want" "$OUT" &&
	expect_not_in "What it is" "$OUT" &&
	KEYS="\033" on_tty "$SELFHELP_RUN" topics show shame &&
	expect_not_in "What it is" "$OUT" &&
	KEYS="\003" on_tty "$SELFHELP_RUN" topics show shame &&
	expect_not_in "What it is" "$OUT"
'

test_expect_success SCRIPT 'terminal: --no-input shows the note and the page, asks nothing, no pager' '
	PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" --no-input topics show shame &&
	expect_in "Content note: " "$OUT" &&
	expect_not_in "PAGER-RAN" "$OUT" &&
	expect_not_in "Read on?" "$OUT" &&
	expect_in "What it is" "$OUT"
'

test_expect_success SCRIPT 'terminal: Enter reads on, through the pager' '
	KEYS="\r" PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" topics show shame &&
	expect_in "Read on?" "$OUT" &&
	expect_in "PAGER-RAN" "$OUT" &&
	expect_in "What it is" "$OUT" &&
	expect_in "$ESC[" "$OUT" &&
	grep -q "^Related: .*selfhelp grounding" "$OUT" &&
	test "$(max_width "$OUT")" -le 90
'

test_expect_success SCRIPT 'terminal: --no-pager, NO_COLOR, --skip-notes' '
	PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" topics show --no-pager --skip-notes shame &&
	expect_not_in "PAGER-RAN" "$OUT" &&
	expect_not_in "Read on?" "$OUT" &&
	expect_in "What it is" "$OUT" &&
	NO_COLOR=1 PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" topics show --skip-notes shame &&
	expect_in "PAGER-RAN" "$OUT" &&
	expect_not_in "$ESC" "$OUT" &&
	PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" --no-pager topics show --skip-notes shame &&
	expect_not_in "PAGER-RAN" "$OUT"
'

test_expect_success SCRIPT 'terminal: a short page is not paged; a pager that is not there' '
	dir="$XDG_DATA_HOME/selfhelp/topics" && mkdir -p "$dir" &&
	printf -- "---\ntitle: Short\nslug: short\n---\n\nA line.\n" >"$dir/short.md" &&
	PAGER="echo PAGER-RAN; cat" on_tty "$SELFHELP_RUN" topics show short &&
	expect_not_in "PAGER-RAN" "$OUT" && expect_in "A line." "$OUT" &&
	rm -r "$dir" &&
	PAGER=/nonexistent/pager on_tty "$SELFHELP_RUN" topics show --skip-notes shame &&
	expect_in "What it is" "$OUT"
'

test_expect_success SCRIPT 'terminal: list cut to the width with an ellipsis' '
	LANG=C.UTF-8 PAGER=cat on_tty "$SELFHELP_RUN" topics &&
	expect_in "…" "$OUT" &&
	test "$(max_width "$OUT")" -le 80 &&
	expect_in "Read one with: selfhelp topics show NAME" "$OUT"
'

test_expect_success 'not a terminal: no pager even when PAGER is set' '
	PAGER="echo PAGER-RAN; cat" selfhelp topics show shame >"$OUT" &&
	expect_not_in "PAGER-RAN" "$OUT"
'

# --- topics prompts ---

test_expect_success 'prompts: the page'\''s prompts, one a line, no markers' '
	selfhelp topics prompts anger >"$OUT" &&
	test "$(wc -l <"$OUT")" -eq 5 &&
	test "$(head -n 1 "$OUT")" = "Where in my body do I notice anger first?" &&
	expect_not_in "- " "$OUT" &&
	expect_not_in "Journaling" "$OUT" &&
	expect_not_in "Answer only" "$OUT" &&
	selfhelp topics prompts Inner Critic >"$TEST_ROOT/by-title" &&
	selfhelp topics prompts inner-critic >"$TEST_ROOT/by-slug" &&
	test -s "$TEST_ROOT/by-slug" &&
	cmp "$TEST_ROOT/by-title" "$TEST_ROOT/by-slug"
'

test_expect_success 'prompts: every bundled page has some' '
	status=0 &&
	for slug in $ALL_SLUGS; do
		selfhelp topics prompts "$slug" >"$OUT" &&
		test -s "$OUT" || { echo "$slug: no prompts" >&2; status=1; }
	done &&
	test $status = 0
'

test_expect_success 'prompts --json: slug, title and prompts, the first about now' '
	selfhelp topics prompts anger --json >"$OUT" &&
	json "assert d[\"slug\"] == \"anger\" and d[\"title\"] == \"Anger\", d
p = d[\"prompts\"]
assert len(p) == 5 and p[0] == {\"text\": \"Where in my body do I notice anger first?\", \"present\": True}, p
assert not any(x[\"present\"] for x in p[1:]), p" <"$OUT" &&
	selfhelp topics prompts anger >"$TEST_ROOT/plain" &&
	json "print(\"\\n\".join(x[\"text\"] for x in d[\"prompts\"]))" <"$OUT" >"$TEST_ROOT/from-json" &&
	cmp "$TEST_ROOT/plain" "$TEST_ROOT/from-json"
'

test_expect_success 'prompts: a miss suggests, a name is needed, --help' '
	test_must_fail 1 selfhelp topics prompts angr 2>"$ERR" &&
	expect_in "Closest: anger" "$ERR" &&
	test_must_fail 2 selfhelp topics prompts 2>"$ERR" &&
	expect_in "needs the name of a topic" "$ERR" &&
	selfhelp topics prompts --help >"$OUT" &&
	expect_in "--json" "$OUT" &&
	test "$(max_width "$OUT")" -le 80
'

test_expect_success 'prompts: a user page'\''s section, none present-focused' '
	dir="$XDG_DATA_HOME/selfhelp/topics" &&
	rm -rf "$dir" && mkdir -p "$dir" &&
	printf -- "---\ntitle: My page\nslug: my-page\n---\n\n## Journaling prompts\n\n- What do I *need* today?\n- What\n  helps?\n\n## Notes\n\n- not one\n" >"$dir/mine.md" &&
	printf -- "---\ntitle: Bare page\nslug: bare-page\n---\n\nNo prompts here.\n" >"$dir/bare.md" &&
	selfhelp topics prompts my-page >"$OUT" &&
	printf "What do I need today?\nWhat helps?\n" >"$TEST_ROOT/want" &&
	cmp "$TEST_ROOT/want" "$OUT" &&
	selfhelp topics prompts my-page --json >"$OUT" &&
	json "assert [x[\"present\"] for x in d[\"prompts\"]] == [False, False], d" <"$OUT" &&
	selfhelp topics prompts bare-page >"$OUT" &&
	expect_in "has no journaling prompts" "$OUT" &&
	selfhelp topics prompts bare-page --json >"$OUT" &&
	json "assert d[\"prompts\"] == [], d" <"$OUT"
'
rm -rf "$XDG_DATA_HOME/selfhelp/topics"

test_done
