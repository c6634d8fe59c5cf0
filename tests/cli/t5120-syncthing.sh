#!/bin/sh
# End to end with two real Syncthing instances (Debian's `syncthing`) on
# 127.0.0.1 only, sharing one folder that holds the vault: both machines
# write while the link is paused, the link resumes, Syncthing leaves a
# conflict copy, the next selfhelp command merges it, and both sides end
# with every entry. Nothing leaves 127.0.0.1: global and local discovery,
# relays, NAT traversal, usage reporting, crash reports and upgrades are
# off. Bounded in time; every process started here is killed at the end.
. "$TEST_SRCDIR/cli/lib.sh"

P="--passphrase-file $PASSFILE"
ST_A="$TEST_ROOT/st-a" ST_B="$TEST_ROOT/st-b"
DIR_A="$TEST_ROOT/a/Sync" DIR_B="$TEST_ROOT/b/Sync"
LIMIT=120
[ -z "$VALGRIND" ] || LIMIT=$((LIMIT * ${SELFHELP_TIMEOUT_MULTIPLIER:-6}))
START=$(date +%s)

# The tests run in subshells: the daemons' pids are kept in a file.
stop_syncthing() {
	[ -f "$TEST_ROOT/pids" ] || return 0
	for p in $(cat "$TEST_ROOT/pids"); do
		kill "$p" 2>/dev/null
	done
	for p in $(cat "$TEST_ROOT/pids"); do
		_i=0
		while kill -0 "$p" 2>/dev/null && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -9 "$p" 2>/dev/null
	done
	rm -f "$TEST_ROOT/pids"
}
trap 'stop_syncthing; rm -rf "$TEST_ROOT"' EXIT
trap 'exit 1' INT TERM HUP

test_lazy_prereq SYNCTHING '
	command -v syncthing &&
	syncthing generate --home="$TEST_ROOT/st-probe" &&
	syncthing serve --home="$TEST_ROOT/st-probe" --device-id
'
test_lazy_prereq STARTED 'test -f "$TEST_ROOT/started"'

# as a|b ARGS: selfhelp on machine a or b (its own HOME, pins and keys).
as() {
	_m=$1
	shift
	HOME="$TEST_ROOT/$_m/home" XDG_DATA_HOME="$TEST_ROOT/$_m/data" \
	XDG_CONFIG_HOME="$TEST_ROOT/$_m/config" \
	XDG_RUNTIME_DIR="$TEST_ROOT/$_m/run" \
		selfhelp --vault "$TEST_ROOT/$_m/Sync/vault.db" $P "$@"
}

texts() {
	as "$1" journal list --json |
		json 'print("\n".join(sorted(e["text"] for e in d)))'
}

# rest a|b METHOD PATH: Syncthing's REST API of machine a or b.
rest() {
	python3 - "$(cat "$TEST_ROOT/$1.gui")" "$(cat "$TEST_ROOT/$1.key")" "$2" "$3" <<-\EOP
	import sys, urllib.request
	gui, key, method, path = sys.argv[1:5]
	req = urllib.request.Request("http://" + gui + path, method=method,
	                             headers={"X-API-Key": key})
	print(urllib.request.urlopen(req, timeout=5).read().decode())
	EOP
}

# until SECONDS WHAT COMMANDS: wait until COMMANDS succeed, within the
# whole test's time limit.
until_ok() {
	while ! eval "$2" >/dev/null 2>&1; do
		if [ $(($(date +%s) - START)) -gt "$LIMIT" ]; then
			echo "gave up waiting: $1" >&2
			return 1
		fi
		sleep 0.5
	done
}

free_ports() {
	python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
'
}

# config ME OTHER: config.xml of machine ME (everything on 127.0.0.1).
config() {
	python3 - "$1" "$2" "$TEST_ROOT" <<-\EOP
	import sys
	me, other, root = sys.argv[1:4]
	r = lambda m, what: open("%s/%s.%s" % (root, m, what)).read().strip()
	dev = lambda m: """<device id="%s" name="%s" compression="metadata">
	<address>tcp://127.0.0.1:%s</address><paused>false</paused>
	<autoAcceptFolders>false</autoAcceptFolders></device>""" % (
	    r(m, "id"), m, r(m, "port"))
	xml = """<configuration version="36">
	<folder id="selfhelp" label="selfhelp" path="%(path)s" type="sendreceive"
	 rescanIntervalS="3600" fsWatcherEnabled="false" ignorePerms="false"
	 autoNormalize="true">
	<device id="%(ida)s"></device><device id="%(idb)s"></device>
	<maxConflicts>10</maxConflicts><paused>false</paused></folder>
	%(deva)s
	%(devb)s
	<gui enabled="true" tls="false"><address>%(gui)s</address>
	<apikey>%(key)s</apikey></gui>
	<options>
	<listenAddress>tcp://127.0.0.1:%(port)s</listenAddress>
	<globalAnnounceServer></globalAnnounceServer>
	<globalAnnounceEnabled>false</globalAnnounceEnabled>
	<localAnnounceEnabled>false</localAnnounceEnabled>
	<relaysEnabled>false</relaysEnabled>
	<natEnabled>false</natEnabled>
	<urAccepted>-1</urAccepted><urSeen>3</urSeen><urURL></urURL>
	<autoUpgradeIntervalH>0</autoUpgradeIntervalH>
	<startBrowser>false</startBrowser>
	<crashReportingEnabled>false</crashReportingEnabled>
	<crashReportingURL></crashReportingURL>
	<releasesURL></releasesURL>
	<stunServer></stunServer>
	<stunKeepaliveStartS>0</stunKeepaliveStartS>
	<stunKeepaliveMinS>0</stunKeepaliveMinS>
	<announceLANAddresses>false</announceLANAddresses>
	<reconnectionIntervalS>1</reconnectionIntervalS>
	<progressUpdateIntervalS>-1</progressUpdateIntervalS>
	</options>
	</configuration>
	""" % {"path": root + "/" + me + "/Sync", "ida": r("a", "id"),
	       "idb": r("b", "id"), "deva": dev("a"), "devb": dev("b"),
	       "gui": r(me, "gui"), "key": r(me, "key"), "port": r(me, "port")}
	open("%s/st-%s/config.xml" % (root, me), "w").write(xml)
	EOP
}

start() {
	STNODEFAULTFOLDER=1 STNOUPGRADE=1 STNORESTART=1 \
	syncthing serve --home="$TEST_ROOT/st-$1" --no-browser --no-restart \
		--no-upgrade --logfile="$TEST_ROOT/st-$1/log" \
		>>"$TEST_ROOT/st-$1/out" 2>&1 </dev/null &
	echo $! >>"$TEST_ROOT/pids"
}

same_vault() {
	cmp "$DIR_A/vault.db" "$DIR_B/vault.db"
}

conflicts() {
	ls "$DIR_A" "$DIR_B" | grep -c "sync-conflict" || true
}

test_expect_success SYNCTHING 'setup: two Syncthing instances on 127.0.0.1' '
	mkdir -p "$DIR_A" "$DIR_B" "$TEST_ROOT/a/home" "$TEST_ROOT/b/home" &&
	chmod 700 "$DIR_A" "$DIR_B" &&
	for d in "$DIR_A" "$DIR_B"; do
		# as the README says: the files of a running command stay
		printf "%s\n" "*-wal" "*-shm" "*-journal" "*-bulk" >"$d/.stignore"
	done &&
	set -- $(free_ports) &&
	for m in a b; do
		syncthing generate --home="$TEST_ROOT/st-$m" >/dev/null 2>&1 &&
		syncthing serve --home="$TEST_ROOT/st-$m" --device-id \
			>"$TEST_ROOT/$m.id" &&
		python3 -c "import secrets; print(secrets.token_hex(16))" \
			>"$TEST_ROOT/$m.key" || return 1
	done &&
	echo "$1" >"$TEST_ROOT/a.port" && echo "$2" >"$TEST_ROOT/b.port" &&
	echo "127.0.0.1:$3" >"$TEST_ROOT/a.gui" &&
	echo "127.0.0.1:$4" >"$TEST_ROOT/b.gui" &&
	config a b && config b a &&
	quick_vault "$DIR_A/vault.db" >/dev/null &&
	as a journal add -m "written before parting" >/dev/null 2>&1 &&
	start a && start b &&
	until_ok "the REST APIs" "rest a GET /rest/system/ping && rest b GET /rest/system/ping" &&
	touch "$TEST_ROOT/started"
'

test_expect_success STARTED 'the vault reaches the second machine' '
	rest a POST "/rest/db/scan?folder=selfhelp" >/dev/null &&
	until_ok "the first sync" "test -f \"$DIR_B/vault.db\" && same_vault" &&
	texts b >"$OUT" &&
	expect_in "written before parting" "$OUT"
'

IDA=$(cat "$TEST_ROOT/a.id" 2>/dev/null) IDB=$(cat "$TEST_ROOT/b.id" 2>/dev/null)

test_expect_success STARTED 'both write while the link is paused' '
	rest a POST "/rest/system/pause?device=$IDB" >/dev/null &&
	rest b POST "/rest/system/pause?device=$IDA" >/dev/null &&
	as a journal add -m "written on machine a" >/dev/null 2>&1 &&
	sleep 1.1 &&
	as b journal add -m "written on machine b" >/dev/null 2>&1 &&
	! same_vault &&
	ls -a "$DIR_A" "$DIR_B" >"$OUT" &&
	expect_not_in "-wal" "$OUT" && expect_not_in "-shm" "$OUT" &&
	rest a POST "/rest/db/scan?folder=selfhelp" >/dev/null &&
	rest b POST "/rest/db/scan?folder=selfhelp" >/dev/null
'

test_expect_success STARTED 'the link resumes: Syncthing leaves a conflict copy' '
	rest a POST "/rest/system/resume?device=$IDB" >/dev/null &&
	rest b POST "/rest/system/resume?device=$IDA" >/dev/null &&
	until_ok "a conflict copy on both sides" \
		"test \$(conflicts) -ge 2 && same_vault" &&
	ls "$DIR_A" >"$OUT" &&
	grep -q "^vault\.sync-conflict-[0-9]\{8\}-[0-9]\{6\}-[A-Z0-9]\{7\}\.db$" "$OUT"
'

test_expect_success STARTED 'the next command merges it; both sides end with every entry' '
	as a journal list >/dev/null 2>"$ERR" &&
	expect_in "merged in (1 journal entry)" "$ERR" &&
	texts a >"$OUT" &&
	printf "%s\n" "written before parting" "written on machine a" \
		"written on machine b" >"$TEST_ROOT/want" &&
	diff -u "$TEST_ROOT/want" "$OUT" &&
	rest a POST "/rest/db/scan?folder=selfhelp" >/dev/null &&
	until_ok "the merged vault on both sides" \
		"test \$(conflicts) = 0 && same_vault" &&
	texts b >"$OUT" &&
	diff -u "$TEST_ROOT/want" "$OUT" &&
	as b check >/dev/null
'

stop_syncthing
test_done
