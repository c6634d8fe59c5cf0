"""selfhelp on a pseudo-terminal: the one pty driver the pty tests import
(tests/pty/grounding-pty.py, trigger-form.py, group-form.py).

    Pty       a fresh pseudo-terminal: the master for the driver, the
              slave for selfhelp, its size, the mode it started in
    Session   a program run directly on a Pty in a session of its own
              (the guided forms): expect() what it shows, send() keys as
              a person types them, finish() with the exit status and the
              terminal mode checked
    Failure, fail, need, never
              how a driver says what went wrong
    program   argv for selfhelp, under valgrind memcheck with
              SELFHELP_VALGRIND set
"""
import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys
import termios
import time

TIMEOUT = 10
VALGRIND = bool(os.environ.get("SELFHELP_VALGRIND"))


class Failure(Exception):
    pass


def fail(msg):
    """Say what went wrong and end the driver with status 1."""
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def need(text, screen):
    if text not in screen:
        fail("expected %r on the screen:\n%s" % (text, screen))


def never(text, screen):
    if text in screen:
        fail("did not expect %r on the screen:\n%s" % (text, screen))


def program(selfhelp, args, vg_logs=None):
    """(path, argv) for selfhelp ARGS; under valgrind when vg_logs names
    the folder for its logs."""
    if not vg_logs:
        return selfhelp, [selfhelp] + args
    vg = shutil.which("valgrind") or "/usr/bin/valgrind"
    return vg, [vg, "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite", "-q",
                "--read-inline-info=no", "--vgdb=no",
                "--log-file=" + os.path.join(vg_logs, "%p.log"),
                selfhelp] + args


class Pty:
    """A fresh pseudo-terminal, cols x rows when given."""

    def __init__(self, cols=None, rows=None):
        self.master, self.slave = os.openpty()
        if cols and rows:
            fcntl.ioctl(self.slave, termios.TIOCSWINSZ,
                        struct.pack("HHHH", rows, cols, 0, 0))
        self.mode_before = termios.tcgetattr(self.slave)

    def send(self, keys, delay=0.0):
        """Write keys to the terminal; with a delay, one key at a time,
        as a person types."""
        data = keys.encode() if isinstance(keys, str) else keys
        if not delay:
            os.write(self.master, data)
            return
        for i in range(len(data)):
            os.write(self.master, data[i:i + 1])
            time.sleep(delay)

    def mode_now(self):
        return termios.tcgetattr(self.slave)

    def mode_restored(self):
        return self.mode_now() == self.mode_before

    def is_raw(self):
        lflag = self.mode_now()[3]
        return not (lflag & termios.ECHO) and not (lflag & termios.ICANON)

    def close(self):
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class Session(Pty):
    """argv on a Pty: standard input, output and error, a session of its
    own. What it shows is read as the driver waits for it."""

    def __init__(self, argv, cols=None, rows=None):
        Pty.__init__(self, cols, rows)
        self.proc = subprocess.Popen(
            argv, stdin=self.slave, stdout=self.slave, stderr=self.slave,
            start_new_session=True)
        self.seen = b""  # everything read so far
        self.pos = 0     # where the next expect() starts looking

    def screen(self):
        return self.seen.decode(errors="replace")

    def read_some(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        self.seen += data
        return bool(data)

    def expect(self, text):
        """Wait until text is shown after what the last expect() found."""
        want = text.encode()
        end = time.time() + TIMEOUT
        while want not in self.seen[self.pos:]:
            left = end - time.time()
            if left <= 0 or (not self.read_some(left)
                             and self.proc.poll() is not None):
                if want in self.seen[self.pos:]:
                    break
                fail("waited for %r; the screen so far:\n%s"
                     % (text, self.screen()))
        self.pos = self.seen.index(want, self.pos) + len(want)

    def send(self, keys, delay=0.01):
        Pty.send(self, keys, delay)

    def finish(self, status=0, escapes=False):
        """Wait for the end: the exit status must be `status`, the
        terminal mode the one before and (unless escapes) no escape
        sequence written. Returns the whole screen."""
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("selfhelp did not end; the screen:\n%s" % self.screen())
        while self.read_some(0.1):
            pass
        if rc != status:
            fail("exit status %d, expected %d; the screen:\n%s"
                 % (rc, status, self.screen()))
        if not self.mode_restored():
            fail("the terminal mode was not restored")
        if not escapes and b"\x1b" in self.seen:
            fail("escape sequences were written: %r" % self.seen)
        return self.screen()
