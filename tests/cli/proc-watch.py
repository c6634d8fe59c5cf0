#!/usr/bin/env python3
"""Look at a selfhelp while it waits, from outside, as another local
process would (tests/cli/t9700-privacy.sh).

  proc-watch.py control
      A plain `sleep` must look dumpable, and a process that turned that
      off must not: shows that the checks below can tell the difference
      here. Exit 77 when they cannot (then the callers skip).
  proc-watch.py watch [--fifo FIFO] [--stdin TEXT] [--protected]
                      [--absent WORD]... -- COMMAND...
      Start COMMAND, which is to wait: for its passphrase from the named
      pipe FIFO, or for its standard input (a pipe, with --stdin). While
      it waits, with --protected, it must become undumpable (no ptrace,
      no /proc/PID/mem, no core: the hard core-size limit 0); with
      --absent, WORD must not be in /proc/PID/cmdline. Then write "test
      passphrase" into FIFO, or TEXT to its standard input, which is
      closed; COMMAND must end with status 0. A COMMAND that never looks
      so is killed after a while, and that is a failure.

"Dumpable" is seen as the kernel shows it to others: when not root, a
non-dumpable process's /proc/PID files belong to root; as root (who owns
them either way) this script and COMMAND run without CAP_SYS_PTRACE
(setpriv --bounding-set -sys_ptrace, done by the caller), and then only
a dumpable COMMAND's /proc/PID/mem opens. The script is COMMAND's parent,
so Yama's ptrace_scope 1 allows the open for a dumpable one.

Under valgrind (VALGRIND non-empty) /proc/PID/cmdline is valgrind's own
copy of the arguments, which the program cannot reach: --absent is
skipped there (and said so); the rest holds under valgrind too.
"""
import os
import resource
import subprocess
import sys
import time

SKIP = 77
TIMEOUT = 20 * (6 if os.environ.get("VALGRIND") else 1)


def raise_core_limit():
    # So that "hard limit 0" afterwards is the program's doing.
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
    except (ValueError, OSError):
        pass


def core_limits(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max core file size"):
                return line.split()[4:6]
    return None


def dumpable(pid):
    if os.getuid() != 0:
        return os.stat("/proc/%d/environ" % pid).st_uid == os.getuid()
    try:
        with open("/proc/%d/mem" % pid, "rb"):
            return True
    except PermissionError:
        return False


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read()


UNDUMPABLE = ("import ctypes, time; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); "
              "time.sleep(30)")  # PR_SET_DUMPABLE


def looks_dumpable(cmd):
    """Start cmd; how does it look once it has settled (or 3 s)?"""
    p = subprocess.Popen(cmd, preexec_fn=raise_core_limit)
    try:
        deadline = time.monotonic() + 3
        seen = True
        while seen and time.monotonic() < deadline:
            time.sleep(0.1)
            seen = dumpable(p.pid)
        return seen, core_limits(p.pid)
    finally:
        p.kill()
        p.wait()


def control():
    seen, limits = looks_dumpable(["sleep", "30"])
    if not seen:
        print("# a plain process does not look dumpable here")
        return SKIP
    if limits is None or limits[1] == "0":
        print("# the hard core-size limit is 0 already (%s)" % limits)
        return SKIP
    seen, limits = looks_dumpable([sys.executable, "-c", UNDUMPABLE])
    if seen:
        print("# an undumpable process looks dumpable here (CAP_SYS_PTRACE?)")
        return SKIP
    return 0


def watch(args):
    fifo = text = None
    absent = []
    protected = False
    i = 0
    while args[i] != "--":
        if args[i] == "--protected":
            protected = True
            i += 1
            continue
        if args[i] == "--fifo":
            fifo = args[i + 1]
        elif args[i] == "--stdin":
            text = args[i + 1]
        else:
            absent.append(args[i + 1].encode())
        i += 2
    cmd = args[i + 1:]
    if os.environ.get("VALGRIND"):
        absent = []  # valgrind's copy of the arguments (see above)
    p = subprocess.Popen(cmd, preexec_fn=raise_core_limit,
                         stdin=subprocess.PIPE if text is not None
                         else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + TIMEOUT
    last = None
    ok = False
    while time.monotonic() < deadline and p.poll() is None:
        try:
            d = dumpable(p.pid)
            limits = core_limits(p.pid)
            line = cmdline(p.pid)
        except OSError:
            time.sleep(0.05)
            continue
        # Before its exec the child's cmdline is ours, which holds the
        # words: it cannot pass for a selfhelp that wiped them.
        shown = [w.decode() for w in absent if w in line]
        last = "dumpable=%s core limits=%s cmdline shows %s" % (
            d, limits, shown)
        if (not protected or (not d and limits == ["0", "0"])) and \
                not shown:
            ok = True
            break
        time.sleep(0.05)
    if p.poll() is not None:
        out, err = p.communicate()
        print("the command did not wait (status %d): %s%s" % (
            p.returncode, out.decode(), err.decode()), file=sys.stderr)
        return 1
    if not ok:
        print("while it waited: %s" % last, file=sys.stderr)
        p.kill()
    elif fifo:
        with open(fifo, "w") as f:
            f.write("test passphrase\n")
    out, err = p.communicate(input=text.encode() if ok and text else None,
                             timeout=TIMEOUT)
    sys.stdout.write(out.decode())
    sys.stderr.write(err.decode())
    if not ok:
        return 1
    if p.returncode != 0:
        print("the command ended with status %d" % p.returncode,
              file=sys.stderr)
        return 1
    return 0


def main():
    if sys.argv[1] == "control":
        return control()
    return watch(sys.argv[2:])


sys.exit(main())
