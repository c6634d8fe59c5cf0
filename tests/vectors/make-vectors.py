#!/usr/bin/env python3
"""Make the format 2 vault test vectors: small vault files and what
selfhelp must say about each (expected.txt). They are committed; run this
again only to remake them (ids, keys and nonces come out different every
time):

    python3 tests/vectors/make-vectors.py build/selfhelp build/tests/vault-tool

The base vault is made by the real binary (init, journal add, trigger-log
add, safety-plan edit); every other vector is that file edited with
Python's sqlite3, as someone with the file alone could, or (for rows put
back from an earlier copy) taken from a copy saved before a change. Rows
say nothing in clear, so which row holds which record is asked of
vault-tool (with the passphrase) here, at making time. The format 1
vectors of before are in format1/. See the "Test vectors" section of
doc/vault-format.md.
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PASSFILE = os.path.join(HERE, "passphrase.txt")
WRONGFILE = os.path.join(HERE, "wrong-passphrase.txt")


def run(selfhelp, env, *args, check=True, stdin=None):
    p = subprocess.run([selfhelp, *args], env=env, input=stdin,
                       stdin=None if stdin else subprocess.DEVNULL,
                       capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("selfhelp %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout.strip()


def shrink(path):
    """Smallest pages, no free pages, WAL mode as selfhelp leaves it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA page_size=512")
    db.execute("VACUUM")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    for side in ("-wal", "-shm"):
        if os.path.exists(path + side):
            os.unlink(path + side)


def edit(base, out, *sql, fn=None):
    shutil.copyfile(base, out)
    db = sqlite3.connect(out, isolation_level=None)
    for s in sql:
        db.execute(s)
    if fn:
        fn(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for side in ("-wal", "-shm"):
        if os.path.exists(out + side):
            os.unlink(out + side)


def flip(table, column, where, byte=None):
    def f(db):
        (blob,) = db.execute("SELECT %s FROM %s WHERE %s" % (column, table, where)).fetchone()
        b = bytearray(blob)
        b[len(b) // 2 if byte is None else byte] ^= 0x01
        db.execute("UPDATE %s SET %s = ? WHERE %s" % (table, column, where), (bytes(b),))
    return f


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    selfhelp = os.path.abspath(sys.argv[1])
    tool = os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="selfhelp-vectors-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "XDG_DATA_HOME": tmp + "/data", "XDG_CONFIG_HOME": tmp + "/config",
           "XDG_STATE_HOME": tmp + "/state",
           "XDG_RUNTIME_DIR": tmp + "/run", "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    try:
        make(selfhelp, tool, env, tmp)
    finally:
        shutil.rmtree(tmp)


def make(selfhelp, tool, env, tmp):
    base = os.path.join(tmp, "base.vault")
    P = ["--vault", base, "--passphrase-file", PASSFILE]
    out = run(selfhelp, env, *P, "init", "--kdf", "interactive")
    code = out.split("Recovery code:")[1].split()[0]
    first = run(selfhelp, env, *P, "journal", "add", "-m", "The first entry of the test vectors.",
                "--mood", "5", "--tag", "vectors", "--date", "2026-01-02T10:00")
    second = run(selfhelp, env, *P, "journal", "add", "-m", "A second entry.",
                 "--date", "2026-01-03T11:30")
    run(selfhelp, env, *P, "trigger-log", "add", "--no-input", "--trigger", "a slammed door",
        "--before", "7", "--after", "3", "--date", "2026-01-04T12:00")
    plan = os.path.join(tmp, "plan.txt")
    with open(plan, "w") as f:
        f.write("## People I can ask for help\n\n- Call Robin, the good neighbour\n")
    run(selfhelp, env, *P, "safety-plan", "edit", "--from", plan)
    shrink(base)
    run(selfhelp, env, *P, "check")
    shrink(base)
    import json
    ids = [e["id"] for e in json.loads(run(selfhelp, env, *P, "journal", "list", "--json"))]
    first = [i for i in ids if i.startswith(first)][0]
    second = [i for i in ids if i.startswith(second)][0]

    def row(path, rid):
        return int(subprocess.run([tool, "row", path, PASSFILE, rid], check=True,
                                  capture_output=True, text=True).stdout)

    r1, r2 = row(base, first), row(base, second)

    def rowdata(path, rowid):
        db = sqlite3.connect(path)
        r = db.execute("SELECT head, body FROM record WHERE rowid = ?", (rowid,)).fetchone()
        db.close()
        return r

    rows = []  # (file, command, exit, fragment, max seconds)

    def vec(name, *sql, fn=None, src=None):
        out = os.path.join(HERE, name + ".vault")
        edit(src or base, out, *sql, fn=fn)
        return name + ".vault"

    v = "valid.vault"
    shutil.copyfile(base, os.path.join(HERE, v))
    rows += [(v, "journal list", 0, "The first entry of the test vectors."),
             (v, "journal list --json", 0, first),
             (v, "trigger-log list", 0, "a slammed door"),
             (v, "safety-plan show", 0, "Call Robin"),
             (v, "check", 0, "All 4 records are fine."),
             (v, "--passphrase-file wrong-passphrase.txt journal list", 1,
              "That passphrase doesn't open this vault.")]

    # The header (meta) and the passphrase key slot, field by field.
    bad_pass = "That passphrase doesn't open this vault."
    rows += [
        (vec("header-format-newer", "UPDATE meta SET format = 3"), "journal list", 1,
         "made by a newer selfhelp"),
        (vec("header-format-zero", "UPDATE meta SET format = 0"), "journal list", 1,
         "header is damaged"),
        (vec("header-schema-newer", "PRAGMA user_version = 99"), "journal list", 1,
         "made by a newer selfhelp"),
        (vec("header-schema-zero", "PRAGMA user_version = 0"), "journal list", 1,
         "is not a selfhelp vault"),
        (vec("header-vault-id", fn=flip("meta", "vault_id", "id = 1", 3)), "journal list", 1, bad_pass),
        (vec("header-vault-id-short", "UPDATE meta SET vault_id = substr(vault_id, 1, 15)"),
         "journal list", 1, "header is damaged"),
        (vec("header-no-meta", "DELETE FROM meta"), "journal list", 1, "header is missing"),
        (vec("slot-salt", fn=flip("keyslot", "salt", "name = 'passphrase'", 0)), "journal list", 1, bad_pass),
        (vec("slot-wrapped", fn=flip("keyslot", "wrapped", "name = 'passphrase'", 40)), "journal list", 1,
         bad_pass),
        (vec("slot-wrapped-short", "UPDATE keyslot SET wrapped = substr(wrapped, 1, 71)"), "journal list", 1,
         "damaged"),
        (vec("slot-kdf-ops", "UPDATE keyslot SET kdf_ops = kdf_ops + 1 WHERE name = 'passphrase'"),
         "journal list", 1, bad_pass),
        (vec("slot-kdf-mem", "UPDATE keyslot SET kdf_mem = kdf_mem / 2 WHERE name = 'passphrase'"),
         "journal list", 1, bad_pass),
        (vec("slot-renamed", "UPDATE keyslot SET name = 'passphrase2' WHERE name = 'passphrase'"),
         "journal list", 1, "no passphrase key"),
        (vec("slot-binding", "UPDATE keyslot SET ad = 1 WHERE name = 'passphrase'"), "journal list", 1,
         "damaged"),
    ]
    # The public key replaced (to read what is written while locked): the
    # passphrase still opens it, and the right key is put back and said.
    f = vec("header-public-key", fn=flip("meta", "public_key", "id = 1", 5))
    rows += [(f, "journal list", 0, "public key had been changed"),
             (f, "check", 0, "All 4 records are fine.")]
    sk = vec("header-secret-key", fn=flip("meta", "secret_key", "id = 1", 30))
    rows += [(sk, "journal list", 0, "The first entry of the test vectors."),
             (sk, "check", 1, "secret key does not open")]

    # Hostile key derivation settings: refused before Argon2 runs.
    hostile = "outside what selfhelp allows"
    for name, sql in [("kdf-mem-4gib", "UPDATE keyslot SET kdf_mem = 4294967296"),
                      ("kdf-mem-huge", "UPDATE keyslot SET kdf_mem = 4611686018427387904"),
                      ("kdf-mem-negative", "UPDATE keyslot SET kdf_mem = -1"),
                      ("kdf-mem-tiny", "UPDATE keyslot SET kdf_mem = 1024"),
                      ("kdf-ops-huge", "UPDATE keyslot SET kdf_ops = 1099511627776"),
                      ("kdf-ops-zero", "UPDATE keyslot SET kdf_ops = 0"),
                      ("kdf-alg-argon2i", "UPDATE keyslot SET kdf_alg = 1"),
                      ("kdf-alg-real", "UPDATE keyslot SET kdf_alg = 2.5"),
                      ("kdf-alg-unknown", "UPDATE keyslot SET kdf_alg = 99")]:
        f = vec(name, sql)
        rows += [(f, "journal list", 1, hostile, 1), (f, "check", 1, hostile, 1)]

    # Cut short, empty, not SQLite at all.
    size = os.path.getsize(base)
    for name, n in [("truncated-header", 100), ("truncated-half", size // 2),
                    ("truncated-last-page", size - 512)]:
        out = os.path.join(HERE, name + ".vault")
        with open(base, "rb") as i, open(out, "wb") as o:
            o.write(i.read(n))
        rows += [(name + ".vault", "check", 1, "damaged")]
    open(os.path.join(HERE, "empty.vault"), "wb").close()
    rows += [("empty.vault", "journal list", 1, "is empty")]
    with open(os.path.join(HERE, "not-sqlite.vault"), "wb") as o:
        o.write(b"This is a text file, not a vault.\n" * 20)
    rows += [("not-sqlite.vault", "journal list", 1, "damaged")]

    # Records: damaged, swapped, rolled back, deleted, copied, from
    # another vault.
    f = vec("record-flipped-head", fn=flip("record", "head", "rowid = %d" % r2))
    rows += [(f, "journal list", 1, second), (f, "journal show %s" % first, 0, "The first entry")]
    f = vec("record-flipped-tag", fn=flip("record", "head", "rowid = %d" % r2, 3))
    rows += [(f, "journal list", 1, second), (f, "check", 1, second)]
    f = vec("record-flipped-body", fn=flip("record", "body", "rowid = %d" % r2))
    rows += [(f, "journal list", 0, "A second entry."), (f, "journal show %s" % second, 1, second),
             (f, "check", 1, second)]
    f = vec("record-parts-swapped", "UPDATE record SET head = body, body = head WHERE rowid = %d" % r1)
    rows += [(f, "journal list", 1, first), (f, "check", 1, first)]

    def swap(db):
        (h1, b1) = db.execute("SELECT head, body FROM record WHERE rowid = ?", (r1,)).fetchone()
        (h2, b2) = db.execute("SELECT head, body FROM record WHERE rowid = ?", (r2,)).fetchone()
        db.execute("UPDATE record SET head = ?, body = ? WHERE rowid = ?", (h2, b2, r1))
        db.execute("UPDATE record SET head = ?, body = ? WHERE rowid = ?", (h1, b1, r2))
    f = vec("record-swapped", fn=swap)
    rows += [(f, "check", 1, first), (f, "check", 1, second),
             (f, "trigger-log list", 0, "a slammed door")]
    f = vec("record-deleted", "DELETE FROM record WHERE rowid = %d" % r2)
    rows += [(f, "journal list", 1, second), (f, "check", 1, "missing from the file")]

    # An edit, then the row of before put back in its place.
    edited = os.path.join(tmp, "edited.vault")
    shutil.copyfile(base, edited)
    old = rowdata(edited, r1)
    run(selfhelp, env, "--vault", edited, "--passphrase-file", PASSFILE, "journal", "edit",
        first, "-m", "The first entry, edited.")
    new_row = row(edited, first)
    f = vec("record-rolled-back", fn=lambda db: db.execute(
        "UPDATE record SET head = ?, body = ? WHERE rowid = ?", (old[0], old[1], new_row)),
        src=edited)
    rows += [(f, "journal show %s" % first, 1, "older"),
             (f, "check", 1, "an older version was put back")]
    f = vec("record-copied", fn=lambda db: db.execute(
        "INSERT INTO record(head, body) SELECT head, body FROM record WHERE rowid = %d" % r1))
    rows += [(f, "journal list", 0, "already in it"), (f, "check", 1, "a copy of a record already here")]

    other = os.path.join(tmp, "other.vault")
    O = ["--vault", other, "--passphrase-file", PASSFILE]
    run(selfhelp, env, *O, "init", "--kdf", "interactive", "--no-recovery-code")
    run(selfhelp, env, *O, "journal", "add", "-m", "From another vault.")
    odb = sqlite3.connect(other)
    orow = odb.execute("SELECT head, body FROM record").fetchone()
    odb.close()
    f = vec("record-other-vault", fn=lambda db: db.execute(
        "INSERT INTO record(head, body) VALUES (?, ?)", orow))
    rows += [(f, "journal list", 0, "kept aside"), (f, "check", 1, "kept aside")]

    # The index and the state: damaged, or an older copy put back.
    f = vec("index-flipped", fn=flip("bucket", "data", "id = 0"))
    rows += [(f, "journal list", 1, "index"), (f, "check", 1, "check --repair")]
    before = os.path.join(tmp, "before.vault")
    shutil.copyfile(base, before)
    later = os.path.join(tmp, "later.vault")
    shutil.copyfile(base, later)
    run(selfhelp, env, "--vault", later, "--passphrase-file", PASSFILE, "journal", "add", "-m",
        "Written later.")
    shrink(later)
    bdb = sqlite3.connect(before)
    old_bucket = bdb.execute("SELECT data FROM bucket WHERE id = 0").fetchone()[0]
    old_state = bdb.execute("SELECT data FROM state").fetchone()[0]
    bdb.close()
    f = vec("index-old", fn=lambda db: db.execute("UPDATE bucket SET data = ? WHERE id = 0", (old_bucket,)),
            src=later)
    rows += [(f, "journal list", 1, "index"), (f, "check", 1, "older copy")]
    f = vec("state-flipped", fn=flip("state", "data", "id = 1"))
    rows += [(f, "journal list", 1, "state"), (f, "check", 1, "check --repair")]
    f = vec("state-old", fn=lambda db: db.execute("UPDATE state SET data = ?", (old_state,)), src=later)
    rows += [(f, "journal list", 1, "index")]
    f = vec("state-missing", "DELETE FROM state")
    rows += [(f, "journal list", 1, "state is missing")]

    # Key slots: an old one put back after passwd; the recovery slot gone.
    changed = os.path.join(tmp, "changed.vault")
    shutil.copyfile(base, changed)
    newpass = os.path.join(tmp, "newpass")
    with open(newpass, "w") as o:
        o.write("an entirely new passphrase for the vectors\n")
    run(selfhelp, env, "--vault", changed, "--passphrase-file", PASSFILE, "passwd",
        "--new-passphrase-file", newpass)
    shrink(changed)
    odb = sqlite3.connect(base)
    old_slot = odb.execute("SELECT salt, wrapped FROM keyslot WHERE name = 'passphrase'").fetchone()
    odb.close()
    f = vec("slot-replayed", fn=lambda db: db.execute(
        "UPDATE keyslot SET salt = ?, wrapped = ? WHERE name = 'passphrase'", old_slot), src=changed)
    rows += [(f, "journal list", 1, "old one that was replaced")]
    f = vec("recovery-slot-deleted", "DELETE FROM keyslot WHERE name = 'recovery'")
    rows += [(f, "check", 1, "recovery code's key is missing"),
             (f, "journal list", 0, "The first entry")]
    f = vec("recovery-slot-flipped", fn=flip("keyslot", "wrapped", "name = 'recovery'", 40))
    rows += [(f, "check", 1, "recovery code's key is changed")]

    # Written while locked: waiting, damaged, and forged by someone with
    # the file alone (a journal entry: added and marked; a safety plan:
    # refused, set aside, never made current).
    sealed = os.path.join(tmp, "sealed.vault")
    shutil.copyfile(base, sealed)
    out = run(selfhelp, env, "--vault", sealed, "journal", "add", "-m", "Written while locked.")
    if "after you unlock" not in out:
        sys.exit("the locked write was not sealed: " + out)
    f = vec("sealed-waiting", src=sealed)
    rows += [(f, "journal list", 0, "Written while locked."),
             (f, "journal list", 0, "written while the vault was locked was added"),
             (f, "journal list --json", 0, '"written_while_locked": true')]
    f = vec("sealed-damaged", fn=flip("record", "body", "rowid = (SELECT max(rowid) FROM record)"),
            src=sealed)
    rows += [(f, "journal list", 0, "kept aside"), (f, "check", 1, "written while locked, damaged")]
    forged = os.path.join(tmp, "forged.vault")
    shutil.copyfile(base, forged)
    subprocess.run([tool, "forge-sealed", forged, "safety-plan", '{"v":1,"created":4102444800,'
                    '"updated":4102444800,"version":9}',
                    '{"v":1,"sections":{"people":["Call the wrong person"]}}'], check=True)
    subprocess.run([tool, "forge-sealed", forged, "journal", '{"v":1,"created":1577880000,'
                    '"updated":1577880000,"mood":0,"tags":["forged"],"preview":"I made this up"}',
                    "I made this up."], check=True)
    f = vec("sealed-forged", src=forged)
    rows += [(f, "safety-plan show", 0, "Call Robin"),
             (f, "journal list", 0, "claims to be a safety plan"),
             (f, "journal list --json", 0, '"written_while_locked": true'),
             (f, "check", 1, "never taken that way")]

    with open(os.path.join(HERE, "expected.txt"), "w") as o:
        o.write("# Vault test vectors (format 2): what selfhelp says about each file in\n"
                "# this folder. Made by make-vectors.py; checked by\n"
                "# tests/cli/t9660-stress-vectors.sh. The format 1 vectors are in format1/.\n"
                "# Columns, tab-separated:\n"
                "#   file     a vault file here (the test runs on a copy)\n"
                "#   command  selfhelp arguments after --vault FILE --passphrase-file\n"
                "#            passphrase.txt (a later --passphrase-file wins)\n"
                "#   exit     the exit status: 0 done, 1 refused or damaged, 2 usage\n"
                "#   message  a fragment of stdout or stderr\n"
                "#   seconds  (optional) refusals that must happen before any key\n"
                "#            derivation (logged, not asserted)\n")
        for r in rows:
            o.write("\t".join(str(x) for x in r) + "\n")
    with open(os.path.join(HERE, "recovery-code.txt"), "w") as o:
        o.write(code + "\n")
    print("%d vectors, %d checks" % (len({r[0] for r in rows}), len(rows)))


if __name__ == "__main__":
    main()
