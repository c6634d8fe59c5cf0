#!/usr/bin/env python3
"""Benchmark helper: a format 1 vault of N journal entries, to time the
migration to format 2 (tests/bench/run). selfhelp no longer writes format
1, so this writes it as doc/vault-format.md ("Format 1") describes, with
libsodium through ctypes, into a copy of the format 1 test vector
valid.vault (its passphrase is tests/vectors/format1/passphrase.txt).

    gen-vault-v1.py OUT.vault N
"""
import ctypes
import json
import os
import random
import shutil
import sqlite3
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.join(HERE, "..", "vectors", "format1")
na = ctypes.CDLL("libsodium.so.23")
na.sodium_init()
KEY = 32
ABYTES = 16
NONCE = 24


def cstr(s):
    return s.encode() + b"\0"


def u64(x):
    return struct.pack("<Q", x & 0xFFFFFFFFFFFFFFFF)


def aead_open(c, ad, key):
    nonce, ct = c[:NONCE], c[NONCE:]
    m = ctypes.create_string_buffer(len(ct))
    mlen = ctypes.c_ulonglong()
    if na.crypto_aead_xchacha20poly1305_ietf_decrypt(m, ctypes.byref(mlen), None, ct, len(ct), ad,
                                                       len(ad), nonce, key) != 0:
        sys.exit("the format 1 vector does not open with its passphrase")
    return m.raw[:mlen.value]


def aead_seal(m, ad, key):
    nonce = os.urandom(NONCE)
    c = ctypes.create_string_buffer(len(m) + ABYTES)
    clen = ctypes.c_ulonglong()
    na.crypto_aead_xchacha20poly1305_ietf_encrypt(c, ctypes.byref(clen), m, len(m), ad, len(ad), None,
                                                   nonce, key)
    return nonce + c.raw[:clen.value]


def pad(m):
    block = 256 if len(m) < 4096 else 4096 if len(m) < 65536 else 65536
    padded = (len(m) // block + 1) * block
    return m + b"\x80" + b"\0" * (padded - len(m) - 1)


WORDS = ("a quiet morning walk by the river the light was soft and I felt my "
         "shoulders drop for the first time in days there was coffee and a "
         "long call with my sister about nothing much").split()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    shutil.copyfile(os.path.join(VEC, "valid.vault"), out)
    passphrase = open(os.path.join(VEC, "passphrase.txt"), "rb").read().split(b"\n")[0]
    db = sqlite3.connect(out)
    vid, pk = db.execute("SELECT vault_id, public_key FROM meta").fetchone()
    alg, ops, mem, salt, wrapped = db.execute(
        "SELECT kdf_alg, kdf_ops, kdf_mem, salt, wrapped FROM keyslot WHERE name = 'passphrase'").fetchone()
    kek = ctypes.create_string_buffer(KEY)
    if na.crypto_pwhash(kek, ctypes.c_ulonglong(KEY), passphrase, ctypes.c_ulonglong(len(passphrase)),
                        salt, ctypes.c_ulonglong(ops), ctypes.c_size_t(mem), ctypes.c_int(alg)) != 0:
        sys.exit("crypto_pwhash failed")
    slot_ad = (cstr("selfhelp-vault") + u64(1) + vid + pk + cstr("passphrase") + u64(alg) + u64(ops) +
               u64(mem) + salt)
    master = aead_open(wrapped, slot_ad, kek.raw)
    reckey = ctypes.create_string_buffer(KEY)
    na.crypto_kdf_derive_from_key(reckey, ctypes.c_size_t(KEY), ctypes.c_uint64(1), b"selfhelp", master)
    reckey = reckey.raw
    now = int(time.time())
    span = 6 * 365 * 86400
    rows = []
    for i in range(n):
        words = random.choices(WORDS, k=random.randint(20, 120))
        text = (" ".join(words)).capitalize() + "."
        created = now - span + span * i // max(n, 1)
        head = json.dumps({"v": 1, "created": created, "updated": created,
                           "mood": random.randint(0, 10), "tags": [],
                           "preview": text.split("\n")[0][:120]}, separators=(",", ":")).encode()
        rid = os.urandom(16).hex()

        def ad(part):
            return (cstr("selfhelp-record") + vid + cstr(rid) + cstr("journal") + u64(1) + u64(1) +
                    part)
        rows.append((rid, "journal", 1, aead_seal(pad(head), ad(b"h"), reckey),
                     aead_seal(pad(text.encode()), ad(b"b"), reckey)))
        if len(rows) == 5000:
            db.executemany("INSERT INTO record(id, kind, revision, head, body) VALUES (?, ?, ?, ?, ?)", rows)
            rows = []
    db.executemany("INSERT INTO record(id, kind, revision, head, body) VALUES (?, ?, ?, ?, ?)", rows)
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'listing'").fetchone():
        db.execute("DELETE FROM listing")  # format 1 rebuilt it when stale
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
