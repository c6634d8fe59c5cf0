#!/bin/sh
# The vault test vectors: tests/vectors (format 2, made by make-vectors.py)
# and tests/vectors/format1 (the format 1 files of before, migrated at
# the first unlock). Every file gives exactly the outcome its expected.txt
# names - exit status, a message fragment, and for hostile key settings a
# refusal when the header is read (before any key derivation). Each run
# is on a fresh copy.
. "$TEST_SRCDIR/cli/lib.sh"

TAB=$(printf '\t')

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

log="$TEST_ROOT/vectors.log"
: >"$log"
fails=0
rows=0

# run_table DIR: every row of DIR/expected.txt
run_table() {
	VEC=$1
	while IFS="$TAB" read -r file cmd want frag secs; do
		case "$file" in "#"* | "") continue ;; esac
		rows=$((rows + 1))
		copy="$TEST_ROOT/copy.vault"
		rm -f "$copy" "$copy-wal" "$copy-shm" "$copy".format1*
		cp "$VEC/$file" "$copy"
		start=$(now_ms)
		# shellcheck disable=SC2086 # cmd is a list of arguments
		(cd "$VEC" && selfhelp --vault "$copy" --passphrase-file passphrase.txt $cmd) \
			</dev/null >"$OUT" 2>"$ERR"
		got=$?
		took=$(($(now_ms) - start))
		problem=""
		if [ "$got" -ne "$want" ]; then
			problem="exit $got, not $want"
		elif ! grep -qF -- "$frag" "$OUT" "$ERR"; then
			problem="no '$frag' in the output"
		fi
		# Rows with a fifth column are hostile KDF settings: the
		# message proves they were refused when the header was read,
		# before any key derivation. How long that took is logged,
		# never asserted (speed belongs to tests/bench).
		: "${secs:=}"
		if [ -n "$problem" ]; then
			fails=$((fails + 1))
			{
				echo "$VEC/$file: selfhelp $cmd: $problem"
				sed "s/^/    out: /" "$OUT"
				sed "s/^/    err: /" "$ERR"
			} >>"$log"
		else
			echo "$file: $cmd: ok (${took} ms)" >>"$log"
		fi
	done <"$VEC/expected.txt"
}

for dir in "$TEST_SRCDIR/vectors" "$TEST_SRCDIR/vectors/format1"; do
	test_expect_success "$(basename "$dir"): every .vault file has expected outcomes, and every row a file" '
		ls "$dir" | grep "\.vault$" | sort >"$TEST_ROOT/files" &&
		grep -v "^#" "$dir/expected.txt" | cut -f1 | sort -u >"$TEST_ROOT/listed" &&
		test -s "$TEST_ROOT/files" &&
		cmp "$TEST_ROOT/files" "$TEST_ROOT/listed"
	'
	run_table "$dir"
done

test_expect_success "all $rows expected outcomes hold" '
	cat "$log" &&
	test "$rows" -gt 0 && test "$fails" -eq 0
'

test_expect_success 'the vector files themselves are unchanged by the runs' '
	for d in "$TEST_SRCDIR/vectors" "$TEST_SRCDIR/vectors/format1"; do
		(cd "$d" && for f in *.vault; do
			test ! -e "$f-wal" && test ! -e "$f-shm" && test ! -e "$f.format1" ||
				{ echo "$f was opened in place"; exit 1; }
		done) || return 1
	done
'

test_done
