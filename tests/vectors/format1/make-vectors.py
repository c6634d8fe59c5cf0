#!/usr/bin/env python3
"""Make the vault test vectors: small vault files and what selfhelp must
say about each (expected.txt). They are committed; run this again only to
remake them (ids, keys and nonces come out different every time):

    python3 tests/vectors/make-vectors.py build/selfhelp

The base vault is made by the real binary (init, journal add, trigger-log
add); every other vector is that file edited with Python's sqlite3. See
the "Test vectors" section of doc/vault-format.md.
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


def run(selfhelp, env, *args, check=True):
    p = subprocess.run([selfhelp, *args], env=env, stdin=subprocess.DEVNULL,
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


def flip(table, column, where, byte=30):
    def f(db):
        (blob,) = db.execute("SELECT %s FROM %s WHERE %s" % (column, table, where)).fetchone()
        b = bytearray(blob)
        b[byte] ^= 0x01
        db.execute("UPDATE %s SET %s = ? WHERE %s" % (table, column, where), (bytes(b),))
    return f


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    selfhelp = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="selfhelp-vectors-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp,
           "XDG_DATA_HOME": tmp + "/data", "XDG_CONFIG_HOME": tmp + "/config",
           "XDG_RUNTIME_DIR": tmp + "/run", "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    try:
        make(selfhelp, env, tmp)
    finally:
        shutil.rmtree(tmp)


def make(selfhelp, env, tmp):
    base = os.path.join(tmp, "base.vault")
    P = ["--vault", base, "--passphrase-file", PASSFILE]
    run(selfhelp, env, *P, "init", "--kdf", "interactive", "--no-recovery-code")
    run(selfhelp, env, *P, "journal", "add", "-m", "The first entry of the test vectors.",
        "--mood", "5", "--tag", "vectors", "--date", "2026-01-02T10:00")
    run(selfhelp, env, *P, "journal", "add", "-m", "A second entry.", "--date", "2026-01-03T11:30")
    run(selfhelp, env, *P, "trigger-log", "add", "--no-input", "--trigger", "a slammed door",
        "--before", "7", "--after", "3", "--date", "2026-01-04T12:00")
    shrink(base)
    run(selfhelp, env, *P, "check")
    shrink(base)

    db = sqlite3.connect(base)
    jids = [r[0] for r in db.execute("SELECT id FROM record WHERE kind = 'journal' ORDER BY rowid")]
    (tid,) = db.execute("SELECT id FROM record WHERE kind = 'trigger'").fetchone()
    db.close()
    first, second = jids

    # A record from another vault with the same passphrase.
    other = os.path.join(tmp, "other.vault")
    O = ["--vault", other, "--passphrase-file", PASSFILE]
    run(selfhelp, env, *O, "init", "--kdf", "interactive", "--no-recovery-code")
    run(selfhelp, env, *O, "journal", "add", "-m", "From another vault.")
    odb = sqlite3.connect(other)
    orow = odb.execute("SELECT id, kind, revision, head, body FROM record").fetchone()
    odb.close()

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
             (v, "check", 0, "All 3 records are fine."),
             (v, "--passphrase-file wrong-passphrase.txt journal list", 1,
              "That passphrase doesn't open this vault.")]

    # The header (meta) and the passphrase key slot, field by field.
    bad_pass = "That passphrase doesn't open this vault."
    rows += [
        (vec("header-format-newer", "UPDATE meta SET format = 2"), "journal list", 1,
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
        (vec("header-public-key", fn=flip("meta", "public_key", "id = 1", 5)), "journal list", 1, bad_pass),
        (vec("header-no-meta", "DELETE FROM meta"), "journal list", 1, "header is missing"),
        (vec("slot-salt", fn=flip("keyslot", "salt", "name = 'passphrase'", 0)), "journal list", 1, bad_pass),
        (vec("slot-wrapped", fn=flip("keyslot", "wrapped", "name = 'passphrase'", 40)), "journal list", 1,
         bad_pass),
        (vec("slot-wrapped-short", "UPDATE keyslot SET wrapped = substr(wrapped, 1, 71)"), "journal list", 1,
         "header is damaged"),
        (vec("slot-kdf-ops", "UPDATE keyslot SET kdf_ops = kdf_ops + 1"), "journal list", 1, bad_pass),
        (vec("slot-kdf-mem", "UPDATE keyslot SET kdf_mem = kdf_mem / 2"), "journal list", 1, bad_pass),
        (vec("slot-renamed", "UPDATE keyslot SET name = 'passphrase2'"), "journal list", 1,
         "no passphrase key"),
    ]
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

    # Records moved: to another id, kind, revision, part or vault.
    new_id = "0123456789abcdef0123456789abcdef"
    f = vec("record-other-id", "UPDATE record SET id = '%s' WHERE id = '%s'" % (new_id, first))
    rows += [(f, "journal list", 1, new_id), (f, "check", 1, new_id),
             (f, "journal show %s" % second, 0, "A second entry.")]
    f = vec("record-copied-to-new-id",
            "INSERT INTO record(id, kind, revision, head, body) SELECT '%s', kind, revision, head, body "
            "FROM record WHERE id = '%s'" % (new_id, first))
    rows += [(f, "check", 1, new_id), (f, "journal show %s" % first, 0, "The first entry")]
    f = vec("record-other-kind", "UPDATE record SET kind = 'trigger' WHERE id = '%s'" % first)
    rows += [(f, "trigger-log list", 1, first), (f, "check", 1, first),
             (f, "journal list", 0, "A second entry.")]
    f = vec("record-other-revision", "UPDATE record SET revision = 2 WHERE id = '%s'" % first)
    rows += [(f, "journal list", 1, first), (f, "check", 1, first)]
    f = vec("record-parts-swapped", "UPDATE record SET head = body, body = head WHERE id = '%s'" % first)
    rows += [(f, "journal list", 1, first), (f, "check", 1, first)]

    def swap(db):
        (h1, b1) = db.execute("SELECT head, body FROM record WHERE id = ?", (first,)).fetchone()
        (h2, b2) = db.execute("SELECT head, body FROM record WHERE id = ?", (second,)).fetchone()
        db.execute("UPDATE record SET head = ?, body = ? WHERE id = ?", (h2, b2, first))
        db.execute("UPDATE record SET head = ?, body = ? WHERE id = ?", (h1, b1, second))
    f = vec("record-swapped", fn=swap)
    rows += [(f, "check", 1, first), (f, "check", 1, second),
             (f, "trigger-log list", 0, "a slammed door")]
    f = vec("record-other-vault", fn=lambda db: db.execute(
        "INSERT INTO record(id, kind, revision, head, body) VALUES (?, ?, ?, ?, ?)", orow))
    rows += [(f, "check", 1, orow[0]), (f, "journal list", 1, orow[0])]
    f = vec("record-flipped-head", fn=flip("record", "head", "id = '%s'" % second, 100))
    rows += [(f, "journal list", 1, second), (f, "journal show %s" % first, 0, "The first entry")]
    f = vec("record-flipped-body", fn=flip("record", "body", "id = '%s'" % second, 100))
    rows += [(f, "journal list", 0, "A second entry."), (f, "journal show %s" % second, 1, second),
             (f, "check", 1, second)]

    # A record written while locked (sealed), good and damaged; an old
    # schema-1 vault that is brought up to date.
    sealed = os.path.join(tmp, "sealed.vault")
    shutil.copyfile(base, sealed)
    out = run(selfhelp, env, "--vault", sealed, "journal", "add", "-m", "Written while locked.")
    if "after you unlock" not in out:
        sys.exit("the locked write was not sealed: " + out)
    f = vec("sealed-waiting", src=sealed)
    rows += [(f, "status", 0, "1 new record waiting"), (f, "journal list", 0, "Written while locked.")]
    f = vec("sealed-damaged", fn=flip("sealed", "data", "1", 60), src=sealed)
    rows += [(f, "journal list", 0, "kept aside"), (f, "status", 0, "1 new record waiting")]
    f = vec("schema-1", "DROP INDEX record_kind", "DROP TABLE sealed", "PRAGMA user_version = 1")
    rows += [(f, "journal list", 0, "The first entry of the test vectors.")]

    with open(os.path.join(HERE, "expected.txt"), "w") as o:
        o.write("# Vault test vectors: what selfhelp says about each file in this folder.\n"
                "# Made by make-vectors.py; checked by tests/cli/t9660-stress-vectors.sh.\n"
                "# Columns, tab-separated:\n"
                "#   file     a vault file here (the test runs on a copy)\n"
                "#   command  selfhelp arguments after --vault FILE --passphrase-file\n"
                "#            passphrase.txt (a later --passphrase-file wins)\n"
                "#   exit     the exit status: 0 done, 1 refused or damaged, 2 usage\n"
                "#   message  a fragment of stdout or stderr\n"
                "#   seconds  (optional) the run must take less than this: refusals that\n"
                "#            must happen before any key derivation\n")
        for r in rows:
            o.write("\t".join(str(x) for x in r) + "\n")
    print("%d vectors, %d checks" % (len({r[0] for r in rows}), len(rows)))


if __name__ == "__main__":
    main()
