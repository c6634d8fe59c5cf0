#!/usr/bin/env python3
"""Drive `selfhelp trigger-log add`'s guided form through a pseudo-terminal.

Usage: trigger-form.py SCENARIO [EXTRA ARGS...]
Env: SELFHELP (the binary, or a program that runs it, e.g. under
valgrind), PASSFILE (the passphrase file).

Each scenario waits for the questions it expects, types keys, and checks
the exit status, what was shown and that the terminal mode afterwards is
the one before. Exits non-zero, saying what went wrong, on any failure.
"""
import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptysession import Session as PtySession, fail, need, never  # noqa: E402


def Session(extra):
    """selfhelp trigger-log add EXTRA on a fresh pseudo-terminal."""
    return PtySession([os.environ["SELFHELP"], "--passphrase-file",
                       os.environ["PASSFILE"], "trigger-log", "add"] + extra)


def full(extra):
    s = Session(extra)
    s.expect("Enter skips one; Esc or Ctrl-C leaves")
    s.expect("When was it?")
    s.send("2026-11-09")
    s.send(b"\x7f")             # backspace
    s.send("2 21:30\r")
    s.expect("How strong was the distress")
    s.send("1")                 # waits: 1 or 10?
    s.send("0")                 # 10
    s.expect("Which way did it go?")
    s.send("x")                 # ignored
    s.send("1")
    s.expect("What happened, and what brought it on? (It's fine not to know.)")
    s.send("a slammed door\r")
    s.expect("11 fawn")
    s.expect("> ")
    s.send("12\r")              # no such number: asked again
    s.expect("Those numbers go from 1")
    s.expect("> ")
    s.send("1, 10\r")
    s.expect("making it harder?")
    s.expect("> ")
    s.send("1, my own word\r")
    s.expect("in your body?")
    s.send("tight chest\r")
    s.expect("emotions")
    s.send("fear, Shame\r")
    s.expect("thoughts or beliefs")
    s.send(b"\x1a")             # Ctrl-Z: suspends (or, orphaned, redraws)
    s.expect("thoughts or beliefs")
    s.send("I am in trouble\r")
    s.expect("How old did you feel")
    s.send("seven\r")
    s.expect("An age in years works here")
    s.send("7\r")
    s.expect("Any urges?")
    s.send("\r")
    s.expect("different from back then?")
    s.send("I can leave now\r")
    s.expect("What did you do or try?")
    s.send("Cold  Water, walk\r")
    s.expect("how strong is the distress")
    s.send("4")
    s.expect("Anything else to note?")
    s.send("\r")
    s.expect("Tags?")
    s.send("home\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    # A back-filled 10 is not "right now": no emergency line here.
    if "emergency" in screen:
        fail("the emergency line was shown for a back-filled rating")


def quick_keep(extra):
    s = Session(["--quick", "--trigger", "a raised voice"] + extra)
    s.expect("How strong is the distress right now")
    s.send("9")
    s.expect("emergency number")   # a 9 right now: where help is
    s.expect("Which way is it?")
    s.send(b"\x03")                 # Ctrl-C leaves, asking first
    s.expect("Keep what you wrote? [Y/n]")
    s.send("\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    need("trigger-log edit", screen)
    if "What happened" in screen:
        fail("--trigger was given, yet the form asked for it")


def quick_narrow(extra):
    """--quick at 60x20: the hints after "Saved." are wrapped between
    words, each quoted command on one line."""
    s = PtySession([os.environ["SELFHELP"], "--passphrase-file",
                    os.environ["PASSFILE"], "trigger-log", "add", "--quick",
                    "--trigger", "a raised voice"] + extra, cols=60, rows=20)
    s.expect("How strong is the distress right now")
    s.send("4")
    s.expect("Which way is it?")
    s.send("1")
    screen = s.finish(0)
    after = screen[screen.index("Saved. ("):].replace("\r", "")
    for line in after.split("\n"):
        if len(line) > 60:
            fail("a line over 60 columns: %r\n%s" % (line, after))
    for words in ("'selfhelp trigger-log edit ",
                  "'selfhelp grounding --for too-much'"):
        need(words, after)


def quick_discard(extra):
    s = Session(["--quick"] + extra)
    s.expect("How strong is the distress right now")
    s.send("3")
    s.expect("Which way is it?")
    s.send("2")
    s.expect("What happened")
    s.send("half a sent")
    s.send(b"\x1b")                 # Esc
    s.expect("Keep what you wrote?")
    s.send("n")
    screen = s.finish(0)
    need("Nothing was saved.", screen)


def leave_twice(extra):
    # A leave key pressed twice keeps what was typed, and shows no
    # answer the person did not type.
    s = Session(extra)
    s.expect("When was it?")
    s.send("\r")
    s.expect("How strong was the distress")
    s.send("6")
    s.expect("Which way did it go?")
    s.send("1")
    s.expect("What happened")
    s.send("panic text")
    s.send(b"\x03")                 # Ctrl-C
    s.expect("Keep what you wrote? [Y/n]")
    s.send(b"\x03")                 # Ctrl-C again: keeps
    screen = s.finish(0)
    need("Saved. (", screen)
    never("[Y/n] n", screen)
    never("[Y/n] y", screen)
    never("Nothing was saved", screen)


def leave_at_once(extra):
    s = Session(["--quick"] + extra)
    s.expect("How strong is the distress right now")
    s.send("q")                     # nothing typed: no question
    screen = s.finish(0)
    need("Nothing was saved.", screen)
    if "Keep what" in screen:
        fail("asked to keep when nothing was typed")


def signal_term(extra):
    s = Session(extra)
    s.expect("When was it?")
    s.send("\r")
    s.expect("How strong was the distress")
    s.send("6")
    s.expect("Which way")
    s.proc.send_signal(signal.SIGTERM)
    screen = s.finish(0)
    need("Stopped. Nothing was saved.", screen)


def main():
    scenarios = {
        "full": full,
        "quick-keep": quick_keep,
        "quick-discard": quick_discard,
        "quick-narrow": quick_narrow,
        "leave-twice": leave_twice,
        "leave-at-once": leave_at_once,
        "sigterm": signal_term,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in scenarios:
        fail("scenarios: " + ", ".join(scenarios))
    scenarios[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
