#!/usr/bin/env python3
"""The passphrase and recovery-code prompts on a terminal of their own.

Usage: keys-pty.py [SCENARIO...]   (all of them without arguments)
Env: SELFHELP (the binary).

selfhelp asks for secrets on /dev/tty, so each run gets the pseudo-
terminal as its controlling terminal. A fresh HOME, XDG folders and vault
in a temporary folder; nothing of the real HOME is read or written.
Exits non-zero, saying what went wrong, on any failure.
"""
import fcntl
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

PASS = "a passphrase for the pty test"
ROOT = tempfile.mkdtemp(prefix="selfhelp-keys-pty.")
ENV = dict(os.environ)
for k in ("SELFHELP_VAULT", "SELFHELP_PASSPHRASE_FILE"):
    ENV.pop(k, None)
ENV.update({
    "HOME": ROOT,
    "XDG_DATA_HOME": os.path.join(ROOT, "data"),
    "XDG_CONFIG_HOME": os.path.join(ROOT, "config"),
    "XDG_STATE_HOME": os.path.join(ROOT, "state"),
    "XDG_RUNTIME_DIR": os.path.join(ROOT, "run"),
    "LC_ALL": "C.UTF-8",
    "TERM": "xterm",
})
os.makedirs(ENV["XDG_RUNTIME_DIR"], mode=0o700)
VAULT = os.path.join(ROOT, "vault.db")
PASSFILE = os.path.join(ROOT, "pass")
with open(PASSFILE, "w") as f:
    f.write(PASS + "\n")


def controlling_tty():
    # after setsid (start_new_session): the pty becomes this session's
    # terminal, so /dev/tty opens it
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Tty(Session):
    """selfhelp ARGS with the pty as its controlling terminal."""

    def __init__(self, args, cols=80, rows=24):
        Pty.__init__(self, cols, rows)
        self.proc = subprocess.Popen(
            [os.environ["SELFHELP"], "--vault", VAULT] + args,
            stdin=self.slave, stdout=self.slave, stderr=self.slave,
            start_new_session=True, preexec_fn=controlling_tty, env=ENV)
        self.seen = b""
        self.pos = 0


def make_vault():
    """A vault made without a terminal; returns its recovery code."""
    if os.path.exists(VAULT):
        os.unlink(VAULT)
    r = subprocess.run([os.environ["SELFHELP"], "--vault", VAULT,
                        "--passphrase-file", PASSFILE, "init", "--kdf",
                        "interactive"], env=ENV, capture_output=True,
                       stdin=subprocess.DEVNULL, text=True)
    if r.returncode != 0:
        fail("init failed: %s" % r.stderr)
    m = re.search(r"Recovery code:\n([0-9a-f-]{39})\n", r.stdout)
    if not m:
        fail("no recovery code in init's output: %r" % r.stdout)
    return m.group(1)


def three_wrong():
    """After the third wrong passphrase: the way to 'selfhelp recover'."""
    make_vault()
    s = Tty(["--no-pager", "journal", "list"])
    for i in range(3):
        s.expect("Passphrase: ")
        s.send("not it %d\r" % i)
    s.expect("That passphrase doesn't open this vault.")
    s.expect("'selfhelp recover'")
    s.finish(1)


def three_wrong_narrow():
    """At 60x20 the way to 'selfhelp recover' is wrapped between words,
    the command on one line."""
    make_vault()
    s = Tty(["--no-pager", "journal", "list"], cols=60, rows=20)
    for i in range(3):
        s.expect("Passphrase: ")
        s.send("not it %d\r" % i)
    s.expect("'selfhelp recover'")
    screen = s.finish(1)
    after = screen[screen.index("If the passphrase"):].replace("\r", "")
    for line in after.split("\n"):
        if len(line) > 60:
            fail("a line over 60 columns: %r\n%s" % (line, after))
    need("'selfhelp recover'", after)


def three_wrong_no_code():
    """A vault without a recovery code is not sent to 'recover'."""
    os.unlink(VAULT)
    r = subprocess.run([os.environ["SELFHELP"], "--vault", VAULT,
                        "--passphrase-file", PASSFILE, "init", "--kdf",
                        "interactive", "--no-recovery-code"], env=ENV,
                       capture_output=True, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        fail("init --no-recovery-code failed")
    s = Tty(["unlock"])
    for i in range(3):
        s.expect("Passphrase: ")
        s.send("not it %d\r" % i)
    s.expect("passphrase opens it.")
    screen = s.finish(1)
    never("selfhelp recover", screen)
    need("no recovery code", " ".join(screen.split()))


def leave(key):
    """Ctrl-D or Esc on the empty prompt leaves gently, status 0, after
    a wrong try and without counting one."""
    def run():
        make_vault()
        s = Tty(["--no-pager", "journal", "list"])
        s.expect("Passphrase: ")
        s.send("not it\r")
        s.expect("Please try again.")
        s.expect("Passphrase: ")
        s.send(key)
        s.expect("Stopped. Nothing was changed.")
        screen = s.finish(0)
        if screen.count("doesn't open") != 1:
            fail("one wrong try only was expected:\n" + screen)
        never("selfhelp recover", screen)
    return run


def editing():
    """Erase and Ctrl-U on the prompt; an arrow key is not a leave."""
    make_vault()
    s = Tty(["--no-pager", "journal", "list"])
    s.expect("Passphrase: ")
    s.send(b"\x1b[A")            # an arrow on the empty prompt: stays
    s.send(b"\x15")              # Ctrl-U: all of it gone
    s.send("xy")
    s.send(b"\x7f\x7f")          # erase both
    s.send(PASS + "\r")
    s.finish(0)
    never("Stopped", s.screen())


def esc_mid_way():
    """Esc after something was typed does not leave (it is a character,
    as it always was)."""
    make_vault()
    s = Tty(["--no-pager", "journal", "list"])
    s.expect("Passphrase: ")
    s.send(PASS)
    s.send(b"\x1b")
    s.send("\r")
    s.expect("Please try again.")
    s.expect("Passphrase: ")
    s.send(PASS + "\r")
    s.finish(0)


def recover_tries():
    """recover: a typo named by its group, then a wrong code, then the
    right one (upper case, no dashes) on the third try."""
    code = make_vault()
    newfile = os.path.join(ROOT, "new")
    with open(newfile, "w") as f:
        f.write("a new passphrase after recovery\n")
    s = Tty(["recover", "--new-passphrase-file", newfile])
    s.expect("Recovery code: ")
    groups = code.split("-")
    typo = "-".join(groups[:5] + ["o" + groups[5][1:]] + groups[6:])
    s.send(typo + "\r")
    s.expect("Group 6 of that code has a character")
    s.expect("Please try again.")
    s.expect("Recovery code: ")
    wrong = "-".join(["0000"] * 8 if code != "-".join(["0000"] * 8)
                     else ["1111"] * 8)
    s.send(wrong + "\r")
    s.expect("That recovery code doesn't open this vault.")
    s.expect("Recovery code: ")
    s.send(code.replace("-", "").upper() + "\r")
    s.expect("Your new passphrase is set")
    s.finish(0)


def recover_three_wrong():
    """recover ends after three wrong codes."""
    make_vault()
    s = Tty(["recover", "--new-passphrase-file", PASSFILE])
    for i in range(3):
        s.expect("Recovery code: ")
        s.send("1234-5678\r")
    s.expect("That code has 2 groups")
    s.finish(1)


def recover_no_input():
    """recover --no-input on a terminal asks nothing, and names what it
    needs: the recovery code (not the passphrase) and its file."""
    make_vault()
    s = Tty(["recover", "--no-input", "--new-passphrase-file", PASSFILE])
    s.expect("--recovery-code-file FILE gives it.")
    screen = s.finish(1)
    need("needs the recovery code, and --no-input says not to ask", screen)
    never("Recovery code: ", screen)
    never("passphrase", screen.split("needs the recovery code")[0])


def init_clears_code():
    """init on a terminal: where to keep the code, Enter, then the code is
    erased from the screen and the scrollback."""
    os.unlink(VAULT) if os.path.exists(VAULT) else None
    s = Tty(["--passphrase-file", PASSFILE, "init", "--kdf", "interactive"])
    s.expect("away from this device")
    s.expect("Recovery code:\r\n")
    start = s.pos
    s.expect("Press Enter when you have written it down.")
    code = s.seen[start:s.pos].split(b"\r\n")[0].decode()
    if not re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){7}", code):
        fail("no code on the screen: %r" % s.screen())
    s.send("\r")
    s.expect("\x1b[3A\x1b[J\x1b[3J")
    s.expect("no longer on the screen")
    screen = s.finish(0, escapes=True)
    after = screen[screen.index("\x1b[3J"):]
    if code in after:
        fail("the code was shown again after it was erased")


def init_narrow():
    """init at 60x20 and a group reflection's trigger-log hint: the
    words around the code are wrapped at the width, no word split at the
    edge, the quoted command on one line."""
    os.unlink(VAULT) if os.path.exists(VAULT) else None
    s = Tty(["--passphrase-file", PASSFILE, "init", "--kdf", "interactive"],
            cols=60, rows=20)
    s.expect("Press Enter when you have written it down.")
    s.send("\r")
    s.expect("no longer on the screen")
    screen = s.finish(0, escapes=True)
    s = Tty(["--passphrase-file", PASSFILE, "group", "reflect", "--after",
             "3", "--triggered", "words", "--kept", "yes"], cols=60, rows=20)
    screen += s.finish(0)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", screen)
    for line in text.replace("\r", "").split("\n"):
        if len(line) > 60 and ROOT not in line:  # a path is not split
            fail("a line over 60 columns: %r\n%s" % (line, text))
    for words in ("'selfhelp recovery-code --new'", "forget your",
                  "'selfhelp trigger-log add'"):
        need(words, text)


def init_ctrl_c():
    """Ctrl-C while init waits for Enter: the code is erased all the
    same, and selfhelp leaves as from any screen."""
    os.unlink(VAULT) if os.path.exists(VAULT) else None
    s = Tty(["--passphrase-file", PASSFILE, "init", "--kdf", "interactive"])
    s.expect("Press Enter when you have written it down.")
    s.send(b"\x03")
    s.expect("\x1b[2A\x1b[J\x1b[3J")
    s.expect("no longer on the screen")
    s.finish(0, escapes=True)
    if not os.path.exists(VAULT):
        fail("the vault was not kept")


SCENARIOS = {
    "three-wrong": three_wrong,
    "three-wrong-narrow": three_wrong_narrow,
    "three-wrong-no-code": three_wrong_no_code,
    "leave-ctrl-d": leave(b"\x04"),
    "leave-esc": leave(b"\x1b"),
    "editing": editing,
    "esc-mid-way": esc_mid_way,
    "recover-tries": recover_tries,
    "recover-three-wrong": recover_three_wrong,
    "recover-no-input": recover_no_input,
    "init-clears-code": init_clears_code,
    "init-ctrl-c": init_ctrl_c,
    "init-narrow": init_narrow,
}

if __name__ == "__main__":
    try:
        for name in sys.argv[1:] or list(SCENARIOS):
            print("# " + name)
            SCENARIOS[name]()
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
