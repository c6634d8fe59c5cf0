#!/usr/bin/env python3
"""privacy = screen (R18) through a pseudo-terminal: what journal show and
list, trigger-log list and the guided forms show is on the terminal's
alternate screen, so none of it is left in the scrollback afterwards.

Usage: screen-pty.py SCENARIO [ARG]
Env: SELFHELP (the binary, or a program that runs it), PASSFILE, and
SELFHELP_PRIVACY / XDG_CONFIG_HOME as the scenario needs them.

A small model of the terminal stands in for a VT emulator: what is
written between "enter the alternate screen" (CSI ?1049h) and "leave it"
(CSI ?1049l) is gone after the leave; everything else stays in the
scrollback. Exits non-zero, saying what went wrong, on any failure.
"""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptysession import Session as PtySession, fail, need, never  # noqa: E402

ALT_ON = b"\x1b[?1049h"
ALT_OFF = b"\x1b[?1049l"
MARK = "SCREENWORD"  # in every entry and trigger the CLI test writes


def Session(args):
    os.environ["TERM"] = "xterm"
    return PtySession([os.environ["SELFHELP"], "--passphrase-file",
                       os.environ["PASSFILE"]] + args, cols=80, rows=24)


def scrollback(seen):
    """What stays on the normal screen and in its scrollback."""
    kept, alt, i = b"", False, 0
    while i < len(seen):
        if seen.startswith(ALT_ON, i):
            alt, i = True, i + len(ALT_ON)
        elif seen.startswith(ALT_OFF, i):
            alt, i = False, i + len(ALT_OFF)
        else:
            if not alt:
                kept += seen[i:i + 1]
            i += 1
    if alt:
        fail("still on the alternate screen at the end: %r" % seen)
    return kept.decode(errors="replace")


def private_view(args):
    """A view on the private screen: shown, then gone after a key."""
    s = Session(args)
    s.expect(MARK)
    s.expect("Any key closes this")
    if s.proc.poll() is not None:
        fail("it did not wait for a key")
    s.send("x")
    s.finish(0, escapes=True)
    if ALT_ON not in s.seen:
        fail("the alternate screen was not used: %r" % s.seen)
    never(MARK, scrollback(s.seen))


def normal_view(args):
    """Without the setting: shown on the normal screen, no waiting (the
    model above sees the words: it can tell)."""
    s = Session(args)
    screen = s.finish(0)
    need(MARK, scrollback(s.seen))
    never("Any key closes", screen)


def sigterm(args):
    """Ended while it waits: off the alternate screen, terminal as it was."""
    s = Session(args)
    s.expect("Any key closes this")
    time.sleep(0.1)
    s.proc.send_signal(signal.SIGTERM)
    s.finish(0, escapes=True)
    never(MARK, scrollback(s.seen))


def long_list(args):
    """A list taller than the screen (12 rows): a page at a time, since
    the alternate screen has no scrollback; q at a page closes it all."""
    os.environ["TERM"] = "xterm"
    argv = [os.environ["SELFHELP"], "--passphrase-file",
            os.environ["PASSFILE"]] + args
    s = PtySession(argv, cols=80, rows=12)
    s.expect("Any key shows more; q closes this.")
    time.sleep(0.2)
    if s.proc.poll() is not None:
        fail("it did not wait at the end of the page")
    s.send("x")
    s.expect("Any key closes this")
    s.send("x")
    s.finish(0, escapes=True)
    never(MARK, scrollback(s.seen))
    s = PtySession(argv, cols=80, rows=12)
    s.expect("Any key shows more; q closes this.")
    s.send("q")
    screen = s.finish(0, escapes=True)
    never("Any key closes this", screen)
    never(MARK, scrollback(s.seen))


def form():
    """trigger-log add: the questions and answers are off the scrollback;
    "Saved." is on the normal screen."""
    s = Session(["trigger-log", "add"])
    s.expect("When was it?")
    s.send("\r")
    s.expect("How strong was the distress")
    s.send("3")
    s.expect("Which way did it go?")
    s.send("2")
    s.expect("What happened")
    s.send("a " + MARK + " at the door\r")
    s.expect("> ")
    s.send(b"\x1b")              # Esc: leave, and keep what was written
    s.expect("Keep what you wrote?")
    s.send("y")
    s.finish(0, escapes=True)
    kept = scrollback(s.seen)
    need("Saved.", kept)
    never(MARK, kept)
    never("What happened", kept)


def main():
    views = {
        "private": private_view,
        "normal": normal_view,
        "sigterm": sigterm,
        "long": long_list,
    }
    if len(sys.argv) >= 2 and sys.argv[1] in views:
        views[sys.argv[1]](sys.argv[2:])
    elif sys.argv[1:] == ["form"]:
        form()
    else:
        fail("scenarios: %s ARGS..., form" % ", ".join(views))


if __name__ == "__main__":
    main()
