#!/usr/bin/env python3
"""Journal questions on a terminal: the editor stopping with an error after
words were written ("Keep what you wrote?"), and the delete question left
with Ctrl-D.

Usage: journal-pty.py [SCENARIO...]   (all of them without arguments)
Env: SELFHELP (the binary).

Each run gets the pseudo-terminal as its controlling terminal, so Ctrl-C
is a signal as it is for a person. A fresh HOME, XDG folders and vault in
a temporary folder; nothing of the real HOME is read or written. Exits
non-zero, saying what went wrong, on any failure.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import termios

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptysession import Pty, Session, fail, need, never  # noqa: E402

ROOT = tempfile.mkdtemp(prefix="selfhelp-journal-pty.")
ENV = dict(os.environ)
for k in ("SELFHELP_VAULT", "SELFHELP_PASSPHRASE_FILE", "VISUAL",
          "EDITOR", "NO_COLOR", "PAGER"):
    ENV.pop(k, None)
# The editor's private folder goes in XDG_RUNTIME_DIR when that is in
# memory: one of this run's own in /dev/shm, so that nothing appears at the
# top of /dev/shm (t1000 looks there while it runs).
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    RUN = tempfile.mkdtemp(prefix="jpty-run.", dir="/dev/shm")
else:
    RUN = os.path.join(ROOT, "run")
ENV.update({
    "HOME": ROOT,
    "XDG_DATA_HOME": os.path.join(ROOT, "data"),
    "XDG_CONFIG_HOME": os.path.join(ROOT, "config"),
    "XDG_STATE_HOME": os.path.join(ROOT, "state"),
    "XDG_RUNTIME_DIR": RUN,
    "LC_ALL": "C.UTF-8",
    "TERM": "xterm",
})
os.makedirs(RUN, mode=0o700, exist_ok=True)
os.chmod(RUN, 0o700)
VAULT = os.path.join(ROOT, "vault.db")
PASSFILE = os.path.join(ROOT, "pass")
with open(PASSFILE, "w") as f:
    f.write("a passphrase for the pty test\n")
KEY = ["--vault", VAULT, "--passphrase-file", PASSFILE]

# An editor that writes words into the file, then stops with an error
# (the words name this run, to look for them afterwards).
WORDS = "Words before the crash " + os.path.basename(ROOT)
FAILING = os.path.join(ROOT, "failing-editor")
with open(FAILING, "w") as f:
    f.write('#!/bin/sh\nfor last; do :; done\n'
            'printf "%s\\n" >>"$last"\nexit 3\n' % WORDS)
os.chmod(FAILING, 0o755)
# One that stops with an error without writing anything.
EMPTY = os.path.join(ROOT, "empty-editor")
with open(EMPTY, "w") as f:
    f.write("#!/bin/sh\nexit 3\n")
os.chmod(EMPTY, 0o755)


def controlling_tty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Tty(Session):
    """selfhelp ARGS with the pty as its controlling terminal."""

    def __init__(self, args, env=None, cols=80, rows=24):
        Pty.__init__(self, cols, rows)
        self.proc = subprocess.Popen(
            [os.environ["SELFHELP"]] + KEY + args,
            stdin=self.slave, stdout=self.slave, stderr=self.slave,
            start_new_session=True, preexec_fn=controlling_tty,
            env=dict(ENV, **(env or {})))
        self.seen = b""
        self.pos = 0


def selfhelp(*args):
    r = subprocess.run([os.environ["SELFHELP"]] + KEY + list(args),
                       env=ENV, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        fail("selfhelp %s: %d %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def entries():
    return json.loads(selfhelp("journal", "list", "--json"))


def nothing_left():
    """The editor's private folder went again, wherever it was."""
    left = [os.path.join(d, n) for d, _, ns in os.walk(RUN) for n in ns]
    for d, _, ns in os.walk("/dev/shm"):
        for n in ns:
            try:
                with open(os.path.join(d, n), "rb") as f:
                    if WORDS.encode() in f.read():
                        left.append(os.path.join(d, n))
            except OSError:
                pass
    if left:
        fail("left behind: %r" % left)


QUESTION = "Your editor stopped with an error. Keep what you wrote? [Y/n] "


def editor_error(keys, kept):
    before = len(entries())
    s = Tty(["journal", "add"], env={"EDITOR": FAILING})
    s.expect(QUESTION)
    s.send(keys)
    screen = s.finish(0 if kept else 1)
    after = entries()
    if kept:
        need("Saved", screen)
        if len(after) != before + 1:
            fail("%r: the entry was not saved:\n%s" % (keys, screen))
        if after[0]["text"].strip() != WORDS:
            fail("%r: saved %r" % (keys, after[0]["text"]))
    else:
        need("What you wrote was not saved.", screen)
        never("Saved", screen)
        if len(after) != before:
            fail("'n' saved the entry anyway:\n%s" % screen)
    # every answer ends the question's line: nothing glued to it
    line = screen[screen.index(QUESTION) + len(QUESTION):]
    if not re.match(r"(\^C|[a-zA-Z]*)\r\n", line):
        fail("%r: the next output is on the question's line:\n%s"
             % (keys, screen))
    nothing_left()


def editor_keep_enter():
    editor_error("\r", True)


def editor_keep_y():
    editor_error("y\r", True)


def editor_keep_other():
    editor_error("q\r", True)


def editor_keep_ctrl_d():
    editor_error("\x04", True)


def editor_keep_ctrl_c():
    editor_error("\x03", True)


def editor_discard_n():
    editor_error("n\r", False)


def editor_error_no_words():
    """Nothing written: no question, nothing saved, as before."""
    before = len(entries())
    s = Tty(["journal", "add"], env={"EDITOR": EMPTY})
    screen = s.finish(1)
    never("Keep what you wrote", screen)
    need("nothing was saved", screen)
    if len(entries()) != before:
        fail("an entry was saved")
    nothing_left()


def delete_ctrl_d():
    selfhelp("journal", "add", "-m", "To be asked about")
    eid = entries()[0]["id"]
    s = Tty(["journal", "delete", eid])
    s.expect("[y/N] ")
    s.send("\x04")
    screen = s.finish(0)
    need("[y/N] \r\nKept it.", screen)
    if entries()[0]["id"] != eid:
        fail("the entry went")


SCENARIOS = [editor_keep_enter, editor_keep_y, editor_keep_other,
             editor_keep_ctrl_d, editor_keep_ctrl_c, editor_discard_n,
             editor_error_no_words, delete_ctrl_d]


def main():
    wanted = sys.argv[1:]
    try:
        r = subprocess.run([os.environ["SELFHELP"]] + KEY +
                           ["init", "--kdf", "interactive"], env=ENV,
                           capture_output=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            fail("init failed: %r" % r.stderr)
        for sc in SCENARIOS:
            if not wanted or sc.__name__ in wanted:
                sc()
                print("ok - " + sc.__name__)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
        shutil.rmtree(RUN, ignore_errors=True)


main()
