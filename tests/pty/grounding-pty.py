#!/usr/bin/env python3
"""Drive `selfhelp grounding` through a pseudo-terminal.

Checks what only a terminal shows: one step at a time, Enter/space/b
move, q, Esc, Ctrl-C and SIGINT/SIGTERM/SIGHUP leave with status 0, and
after every way out the terminal modes (tcgetattr on the pty) are what
they were before and the output ends with the attribute reset and
cursor-show sequences. SIGTSTP/SIGCONT are driven through a tiny "shell"
so that the stop really happens (a stop signal to an orphaned process
group is discarded by the kernel).

Env: SELFHELP (the binary). Exits non-zero when any check fails. With
SELFHELP_VALGRIND set (as in .ci/run's valgrind stage), every selfhelp
on the pty runs under valgrind memcheck: an error or a definite leak
fails the run; waits are ten times longer; the two stop-and-continue
checks are skipped (a process under valgrind does not stop for SIGTSTP).
"""
import errno
import fcntl
import os
import subprocess
import re
import select
import shutil
import signal
import sys
import tempfile
import termios
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptysession import Failure, Pty, VALGRIND, program  # noqa: E402

SELFHELP = os.environ["SELFHELP"]
RESET = b"\x1b[0m\x1b[?25h"
BANNED = [b"ended early", b"incomplete", b"%", b"invalid", b"wrong"]
STOPPED = b"Stopped. You can come back any time."
DONE = b"That's the end of this exercise."
STEP1 = b"Keep your eyes open and let them move around the room."
STEP2 = b"Turn your head slowly, to one side and then the other."
SLOW = 10.0 if VALGRIND else 1.0  # waits are eased under valgrind only
TIMEOUT = 5.0
VG_LOGS = tempfile.mkdtemp(prefix="selfhelp-pty-vg-") if VALGRIND else None


class Run(Pty):
    """selfhelp ARGS on a fresh pty, under a one-job "shell"."""

    def __init__(self, args, env=None, cols=80, rows=24):
        Pty.__init__(self, cols, rows)
        self.home = tempfile.mkdtemp(prefix="selfhelp-pty-")
        child_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "HOME": self.home,
            "XDG_DATA_HOME": os.path.join(self.home, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
            "TZ": "UTC",
        }
        child_env.update(env or {})
        rfd, wfd = os.pipe()
        self.shell = os.fork()
        if self.shell == 0:
            self._shell(args, child_env, rfd, wfd)
        os.close(wfd)
        self.pid = int(os.read(rfd, 32).decode())
        os.close(rfd)
        self.started = time.monotonic()
        self.buf = b""
        self.lock = threading.Lock()
        self.done = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.status = None

    def _shell(self, args, env, rfd, wfd):
        try:
            os.close(self.master)
            os.close(rfd)
            os.setsid()
            fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            child = os.fork()
            if child == 0:
                os.setpgid(0, 0)
                os.tcsetpgrp(self.slave, os.getpid())
                signal.signal(signal.SIGTTOU, signal.SIG_DFL)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.close(self.slave)
                os.close(wfd)
                path, argv = program(SELFHELP, args, VG_LOGS)
                os.execve(path, argv, env)
            try:
                os.setpgid(child, child)
            except OSError:
                pass
            os.write(wfd, str(child).encode())
            os.close(wfd)
            while True:
                _, st = os.waitpid(child, os.WUNTRACED)
                if os.WIFSTOPPED(st):
                    continue  # the driver sends SIGCONT itself
                break
            if os.WIFSIGNALED(st):
                os._exit(128 + os.WTERMSIG(st))
            os._exit(os.WEXITSTATUS(st))
        except BaseException as e:  # never return into the driver
            sys.stderr.write("shell: %r\n" % (e,))
            os._exit(99)

    def _read(self):
        while not self.done:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.buf += data

    def out(self):
        with self.lock:
            return self.buf

    def wait_for(self, text, count=1, timeout=TIMEOUT):
        end = time.monotonic() + timeout * SLOW
        while time.monotonic() < end:
            if self.out().count(text) >= count:
                return
            time.sleep(0.01)
        raise Failure("did not see %r x%d; output so far:\n%r"
                      % (text, count, self.out()[-1500:]))

    def wait_until(self, pred, what, timeout=TIMEOUT):
        end = time.monotonic() + timeout * SLOW
        while time.monotonic() < end:
            if pred():
                return
            time.sleep(0.01)
        raise Failure("timed out waiting for " + what)

    def wait_ready(self):
        self.wait_for(b"q: leave")
        self.wait_until(self.is_raw, "raw mode")

    def proc_state(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "gone"

    def wait_exit(self, timeout=TIMEOUT):
        end = time.monotonic() + timeout * SLOW
        while time.monotonic() < end:
            pid, st = os.waitpid(self.shell, os.WNOHANG)
            if pid:
                self.status = os.WEXITSTATUS(st) if os.WIFEXITED(st) else -1
                time.sleep(0.05)  # let the reader drain the pty
                return self.status
            time.sleep(0.005)
        self.kill()
        raise Failure("still running after %.1f s" % timeout)

    def kill(self):
        for pid in (self.pid, self.shell):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(self.shell, 0)
        except OSError:
            pass

    def check_exit(self, want_reset=True):
        """Status 0, modes restored, reset last, nothing banned or saved."""
        if self.status != 0:
            raise Failure("exit status %r, wanted 0" % self.status)
        if not self.mode_restored():
            raise Failure("terminal modes differ:\n before %r\n after  %r"
                          % (self.mode_before, self.mode_now()))
        out = self.out()
        if want_reset and not out.endswith(RESET):
            raise Failure("output does not end with the reset: %r"
                          % out[-80:])
        for b in BANNED:
            if b in out:
                raise Failure("banned %r in output" % b)
        leftovers = []
        for root, dirs, files in os.walk(self.home):
            leftovers += dirs + files
        if leftovers:
            raise Failure("files written under HOME: %r" % leftovers)

    def close(self):
        self.done = True
        self.reader.join(1)
        Pty.close(self)
        shutil.rmtree(self.home, ignore_errors=True)


# --- the scenarios ---------------------------------------------------------

def t_next_back_quit():
    r = Run(["grounding"])
    try:
        r.wait_ready()
        out = r.out()
        first = out.split(b"\n")[0]
        if b"Enter: next" not in first or b"b: back" not in first:
            raise Failure("first line says how to move and leave: %r"
                          % first)
        r.wait_for(STEP1)
        if STEP2 in r.out():
            raise Failure("the second step came before Enter")
        r.send(b"\r")
        r.wait_for(STEP2)
        r.send(b"b")
        r.wait_for(STEP1, 2)
        r.send(b" ")
        r.wait_for(STEP2, 2)
        r.send(b"q")
        r.wait_exit()
        r.wait_for(STOPPED)
        r.check_exit()
    finally:
        r.close()


def leave_with_key(key):
    def t():
        r = Run(["grounding"])
        try:
            r.wait_ready()
            r.wait_for(STEP1)
            r.send(b"\r")
            r.wait_for(STEP2)
            r.send(key)
            r.wait_exit(1.0)
            r.wait_for(STOPPED)
            r.check_exit()
        finally:
            r.close()
    return t


def leave_with_signal(sig, says_stopped=True):
    def t():
        r = Run(["grounding"])
        try:
            r.wait_ready()
            r.wait_for(STEP1)
            os.kill(r.pid, sig)
            r.wait_exit(1.0)
            if says_stopped:
                r.wait_for(STOPPED)
            r.check_exit()
        finally:
            r.close()
    return t


def t_signal_in_pacer():
    r = Run(["grounding", "breathing", "--pattern", "3-3"])
    try:
        r.wait_ready()
        for _ in range(20):
            if b"breathe in" in r.out():
                break
            r.send(b"\r")
            time.sleep(0.05)
        r.wait_for(b"breathe in")
        os.kill(r.pid, signal.SIGTERM)
        r.wait_exit(1.0)
        r.wait_for(STOPPED)
        r.check_exit()
    finally:
        r.close()


def t_to_the_end():
    r = Run(["grounding"])
    try:
        r.wait_ready()
        for _ in range(40):
            if DONE in r.out():
                break
            r.send(b"\r")
            time.sleep(0.03)
        r.wait_for(DONE)
        r.wait_exit()
        if STOPPED in r.out():
            raise Failure("said Stopped after the last step")
        r.check_exit()
    finally:
        r.close()


def to_pacer(r, cue):
    """Enter through the steps up to the pacer's cue: one Enter per step,
    each only once the last one was answered (on a loaded machine queued
    Enters would reach the pacer, where Enter finishes it)."""
    for _ in range(20):
        if cue in r.out():
            return
        seen = len(r.out())
        r.send(b"\r")
        r.wait_until(lambda: len(r.out()) > seen, "the next step")
        # the rest of what the Enter drew: until the cue shows (the pacer
        # then draws on and on) or nothing comes for a while
        for _ in range(int(20 * SLOW)):
            seen = len(r.out())
            time.sleep(0.15)
            if cue in r.out() or len(r.out()) == seen:
                break
    r.wait_for(cue)


def t_pacer():
    r = Run(["grounding", "breathing", "--pattern", "3-3"])
    try:
        r.wait_ready()
        to_pacer(r, b"breathe in")
        if b"\x1b[?25l" not in r.out():
            raise Failure("the cursor is not hidden during the bar")
        r.wait_for(b"breathe out")
        r.wait_for(b"breathe in", 2)
        # b goes back to the last step; Enter starts the pacer again.
        r.send(b"b")
        r.wait_for(b"Now follow the pace", 2)
        r.send(b"\r")
        r.wait_for(b"breathe in", 3)
        r.send(b"q")
        r.wait_exit(1.0)
        r.wait_for(STOPPED)
        r.check_exit()
    finally:
        r.close()


def t_pacer_enter_finishes():
    r = Run(["grounding", "box-breathing"])
    try:
        r.wait_ready()
        to_pacer(r, b"breathe in")
        r.send(b"\r")
        r.wait_for(DONE)
        r.wait_exit()
        r.check_exit()
    finally:
        r.close()


def t_reduced_motion():
    r = Run(["grounding", "breathing", "--pattern", "3-3"],
            env={"SELFHELP_REDUCED_MOTION": "1"})
    try:
        r.wait_ready()
        to_pacer(r, b"Breathe in for 3.")
        r.wait_for(b"Breathe out for 3.")
        r.wait_for(b"Breathe in for 3.", 2)
        pacer = r.out().split(b"Breathe in for 3.", 1)[1]
        if re.search(rb"\r(?!\n)", pacer) or b"\x1b[" in pacer:
            raise Failure("reduced motion redraws: %r" % pacer[:200])
        if b"\x1b[?25l" in r.out():
            raise Failure("reduced motion hides the cursor")
        r.send(b"\x1b")
        r.wait_exit(1.0)
        r.check_exit()
    finally:
        r.close()


def t_plain():
    r = Run(["grounding", "--plain"])
    try:
        r.wait_ready()
        r.wait_for(STEP1)
        r.send(b"\r")
        r.wait_for(STEP2)
        r.send(b"q")
        r.wait_exit(1.0)
        r.wait_for(STOPPED)
        r.check_exit(want_reset=False)
        out = r.out()
        if b"\x1b" in out or re.search(rb"\r(?!\n)", out):
            raise Failure("--plain wrote escapes or redraws: %r" % out)
    finally:
        r.close()


def suspend_with(how):
    def t():
        r = Run(["grounding"])
        try:
            r.wait_ready()
            r.wait_for(STEP1)
            if how == "key":
                r.send(b"\x1a")
            else:
                os.kill(r.pid, signal.SIGTSTP)
            r.wait_until(lambda: r.proc_state() == "T", "the stop")
            now = termios.tcgetattr(r.slave)
            if now != r.mode_before:
                raise Failure("modes not restored while stopped")
            r.wait_until(lambda: r.out().endswith(RESET),
                         "the reset before stopping")
            os.kill(r.pid, signal.SIGCONT)
            r.wait_until(r.is_raw, "raw mode again after SIGCONT")
            r.wait_for(b"q: leave", 2)
            r.wait_for(STEP1, 2)
            r.send(b"\r")
            r.wait_for(STEP2)
            r.send(b"q")
            r.wait_exit(1.0)
            r.check_exit()
        finally:
            r.close()
    return t


def t_rate():
    r = Run(["grounding", "feet", "--rate"])
    try:
        r.wait_ready()
        r.wait_for(b"0 to 10")
        if b"Put both feet" in r.out():
            raise Failure("the first step came before the rating")
        r.send(b"4")
        r.send(b"2\r")  # 42: asked again, gently
        r.wait_for(b"A number from 0 to 10 works here")
        r.send(b"9\r")
        r.wait_for(b"call your local emergency number")
        r.wait_for(b"Put both feet")
        for _ in range(40):
            if b"And now" in r.out():
                break
            r.send(b"\r")
            time.sleep(0.03)
        r.wait_for(b"And now")
        r.send(b"3\r")
        r.wait_for(b"stored.")
        r.wait_exit()
        r.wait_for(DONE)
        out = r.out()
        if out.count(b"local emergency number") != 1:
            raise Failure("the emergency line shows once: at the 9")
        if b"It's more than before" in out or b"still a lot" in out:
            raise Failure("kind words for a fall from 9 to 3")
        if b"Passphrase:" in out:
            raise Failure("asked for a passphrase")
        check_wrapped(out, 80)
        r.check_exit()
    finally:
        r.close()


def check_wrapped(out, cols):
    """No line is wider than the terminal, so none breaks mid-word."""
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", out)
    for line in re.split(rb"\r?\n|\r", text):
        if len(line.decode(errors="replace")) > cols:
            raise Failure("a line wider than %d columns: %r" % (cols, line))


def rate_run(before, after, cols=80):
    """grounding feet --rate with BEFORE and AFTER; returns its output."""
    r = Run(["grounding", "feet", "--rate"], cols=cols)
    try:
        r.wait_ready()
        r.wait_for(b"0 to 10")
        r.send(before + b"\r")
        r.wait_for(b"Put both feet")
        for _ in range(40):
            if b"And now" in r.out():
                break
            r.send(b"\r")
            time.sleep(0.03)
        r.wait_for(b"And now")
        r.send(after + b"\r")
        r.wait_exit()
        r.check_exit()
        return r.out()
    finally:
        r.close()


HELP_END = b"'selfhelp crisis' shows more, with no passphrase."


def t_rate_high_every_time():
    """9 before and 10 after: help after each rating, in every run, and
    the last lines on the screen are that help, not a storage note."""
    for run in range(2):
        out = rate_run(b"9", b"10")
        if out.count(b"call your local emergency number") != 2:
            raise Failure("run %d: help after each of 9 and 10:\n%r"
                          % (run + 1, out[-1500:]))
        if out.count(HELP_END) != 2:
            raise Failure("run %d: the brief twice" % (run + 1))
        if b"It's more than before right now." not in out:
            raise Failure("run %d: no kind word about the rise" % (run + 1))
        if b"isn't your failure" not in out:
            raise Failure("run %d: no 'isn't your failure'" % (run + 1))
        if b"no vault" in out:
            raise Failure("run %d: the vault message at 10" % (run + 1))
        tail = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", out).rstrip()
        if not tail.endswith(HELP_END):
            raise Failure("run %d: help is not last: %r"
                          % (run + 1, tail[-300:]))
        check_wrapped(out, 80)
    out = rate_run(b"10", b"10")
    if b"It's still a lot right now." not in out:
        raise Failure("10 and 10: no 'still a lot'")
    if out.count(b"call your local emergency number") != 2:
        raise Failure("10 and 10: help after each rating")
    out = rate_run(b"", b"9")
    if b"call your local emergency number" not in out:
        raise Failure("a skipped before and 9 after: no help")
    if b"That's a lot right now." not in out:
        raise Failure("a skipped before and 9 after: no kind word")
    out = rate_run(b"4", b"7")
    if b"It's more than before right now." not in out:
        raise Failure("4 then 7: no kind word about the rise")
    if b"emergency number" in out:
        raise Failure("4 then 7: no emergency help below 9")


def t_rate_narrow():
    """At 60 columns the closing lines break between words."""
    out = rate_run(b"4", b"3", cols=60)
    check_wrapped(out, 60)
    if b"stored." not in out:
        raise Failure("the vault line is missing")


def t_rate_saved_while_locked():
    """With a vault and no passphrase: sealed, never a prompt."""
    home = tempfile.mkdtemp(prefix="selfhelp-pty-vault-")
    vault = os.path.join(home, "vault.db")
    pw = os.path.join(home, "pw")
    with open(pw, "w") as f:
        f.write("pty test passphrase\n")
    # one HOME for every run: init pins the vault's key there, and the
    # locked write checks it
    env = dict(os.environ, HOME=home, XDG_STATE_HOME=os.path.join(home, "state"))
    subprocess.run([SELFHELP, "--vault", vault, "--passphrase-file", pw, "init",
                    "--kdf", "interactive", "--no-recovery-code"],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    r = Run(["--vault", vault, "grounding", "feet", "--rate"],
            env={"XDG_STATE_HOME": env["XDG_STATE_HOME"]})
    try:
        r.wait_ready()
        r.wait_for(b"0 to 10")
        r.send(b"7\r")
        r.wait_for(b"Put both feet")
        for _ in range(40):
            if b"And now" in r.out():
                break
            r.send(b"\r")
            time.sleep(0.03)
        r.wait_for(b"And now")
        r.send(b"4\r")
        r.wait_for(b"you can see them after you unlock")
        r.wait_exit()
        if b"Passphrase:" in r.out():
            raise Failure("asked for a passphrase")
        r.check_exit()
    finally:
        r.close()
    st = subprocess.run([SELFHELP, "--vault", vault, "status"],
                        capture_output=True, text=True, env=env)
    if "1 new record waiting" not in st.stdout:
        raise Failure("status: " + st.stdout + st.stderr)
    ex = subprocess.run([SELFHELP, "--vault", vault, "--passphrase-file", pw,
                         "export"], capture_output=True, text=True, env=env)
    if '"exercise": "feet"' not in ex.stdout or '"before": 7' not in ex.stdout:
        raise Failure("export: " + ex.stdout[:400] + ex.stderr)


def t_rate_leave():
    r = Run(["grounding", "--rate"])
    try:
        r.wait_ready()
        r.wait_for(b"0 to 10")
        r.send(b"q")
        r.wait_exit(1.0)
        r.wait_for(STOPPED)
        if b"emergency" in r.out():
            raise Failure("emergency line without a rating")
        r.check_exit()
    finally:
        r.close()


def t_caution_first_not_dim():
    """cold: its caution comes before step 1, in normal weight."""
    r = Run(["grounding", "cold"])
    try:
        r.wait_ready()
        caution = b"Skip this with a heart condition"
        r.wait_for(caution)
        r.wait_for(b"Find something cold")
        out = r.out()
        if out.index(caution) > out.index(b"Find something cold"):
            raise Failure("the caution comes after step 1")
        title_end = out.index(b"Something cold")
        between = out[title_end:out.index(caution)]
        if b"\x1b[2m" in between:
            raise Failure("the caution is drawn dim: %r" % between)
        r.send(b"q")
        r.wait_exit()
        r.check_exit()
    finally:
        r.close()


def t_first_output_fast():
    r = Run(["grounding"])
    try:
        r.wait_for(STEP1)
        # no key is needed for the first step; its speed is measured by
        # tests/bench/grounding-first-output.sh, not asserted here
        took = time.monotonic() - r.started
        print("#   first step after %.1f ms" % (took * 1000))
        r.send(b"q")
        r.wait_exit()
        r.check_exit()
    finally:
        r.close()


TESTS = [
    ("next, back, space, quit with q", t_next_back_quit),
    ("quit with Esc", leave_with_key(b"\x1b")),
    ("quit with Ctrl-C", leave_with_key(b"\x03")),
    ("quit with Ctrl-D", leave_with_key(b"\x04")),
    ("SIGINT", leave_with_signal(signal.SIGINT)),
    ("SIGTERM", leave_with_signal(signal.SIGTERM)),
    ("SIGHUP", leave_with_signal(signal.SIGHUP, says_stopped=False)),
    ("SIGTERM during the pacer", t_signal_in_pacer),
    ("all steps to the end", t_to_the_end),
    ("pacer bar: in, out, back, quit", t_pacer),
    ("Enter in the pacer finishes", t_pacer_enter_finishes),
    ("reduced motion: one line per phase", t_reduced_motion),
    ("--plain: no escapes on a terminal", t_plain),
    ("SIGTSTP and SIGCONT", suspend_with("signal")),
    ("Ctrl-Z and SIGCONT", suspend_with("key")),
    ("--rate: before, after, 9 points to help", t_rate),
    ("--rate: 9-10 shows help after each rating, every run",
     t_rate_high_every_time),
    ("--rate: closing lines fit 60 columns", t_rate_narrow),
    ("--rate: q at the question leaves", t_rate_leave),
    ("--rate: saved sealed while locked", t_rate_saved_while_locked),
    ("a caution: before step 1, not dim", t_caution_first_not_dim),
    ("first step comes without a key", t_first_output_fast),
]


# Not under valgrind: its process does not stop for SIGTSTP.
NOT_UNDER_VALGRIND = ("SIGTSTP and SIGCONT", "Ctrl-Z and SIGCONT")


def valgrind_reports():
    """What valgrind logged (errors, definite leaks), or ""."""
    out = ""
    for f in sorted(os.listdir(VG_LOGS)):
        with open(os.path.join(VG_LOGS, f), errors="replace") as fp:
            text = fp.read()
        if text.strip():
            out += "%s:\n%s" % (f, text)
    return out


def main():
    only = sys.argv[1:]
    failed = 0
    n = 0
    for name, fn in TESTS:
        if only and not any(o in name for o in only):
            continue
        n += 1
        if VALGRIND and name in NOT_UNDER_VALGRIND:
            print("ok %d - %s # SKIP under valgrind" % (n, name))
            continue
        try:
            fn()
            print("ok %d - %s" % (n, name))
        except Failure as e:
            failed += 1
            print("not ok %d - %s" % (n, name))
            for line in str(e).splitlines():
                print("#   " + line)
        sys.stdout.flush()
    if VALGRIND:
        reports = valgrind_reports()
        shutil.rmtree(VG_LOGS, ignore_errors=True)
        n += 1
        if reports:
            failed += 1
            print("not ok %d - valgrind memcheck" % n)
            for line in reports.splitlines():
                print("#   " + line)
        else:
            print("ok %d - valgrind memcheck: no errors, no definite leaks"
                  % n)
    print("# %d passed, %d failed" % (n - failed, failed))
    return 1 if failed or not n else 0


if __name__ == "__main__":
    sys.exit(main())
