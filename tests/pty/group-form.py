#!/usr/bin/env python3
"""Drive `selfhelp group prepare` and `group reflect` through a pseudo-terminal.

Usage: group-form.py SCENARIO
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

DAY = "2026-11-24"


def Session(args, passphrase=True):
    """selfhelp group ARGS on a fresh pseudo-terminal."""
    cmd = [os.environ["SELFHELP"]]
    if passphrase:
        cmd += ["--passphrase-file", os.environ["PASSFILE"]]
    return PtySession(cmd + ["group"] + args)


def prepare_full():
    s = Session(["prepare", "--date", DAY + " 18:30"])
    s.expect("Enter skips a question; Esc or")
    s.expect("How are you arriving?")
    s.send("x")                  # ignored
    s.send("1")                  # waits: 1 or 10?
    s.send("0")                  # 10
    s.expect("emergency number")  # a 10 right now: where help is
    s.expect("Which way is it?")
    s.send("1")
    s.expect("What would you like to bring today?")
    s.send("the lettr")
    s.send(b"\x7f")              # backspace
    s.send("er\r")
    s.expect("What do you need from the group today?")
    s.send("\r")                 # skipped
    s.expect("Your boundary for today")
    s.send(b"\x1a")              # Ctrl-Z: suspends (or, orphaned, redraws)
    s.expect("Your boundary for today")
    s.send("I leave at nine\r")
    s.expect("If it gets too much, what will you do?")
    s.expect("1 step out for a few minutes")
    s.expect("(selfhelp grounding feet)")
    s.expect("> ")
    s.send("99\r")               # no such number: asked again
    s.expect("Those numbers go from 1")
    s.expect("> ")
    s.send("2, call Sam\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    need("'selfhelp group reflect'", screen)


def reflect_full():
    s = Session(["reflect", "--date", DAY + " 21:15"])
    s.expect("A short look back at the group.")
    s.expect("How are you leaving?")
    s.send("3")
    s.expect("Which way is it?")
    s.send("2")
    s.expect("What moved you?")
    s.send("someone's laugh\r")
    s.expect("Did anything trigger you?")
    s.send("a raised voice\r")
    s.expect("What did you contribute?")
    s.send("\r")
    s.expect("Closeness and distance today")
    s.send("9")                  # ignored
    s.send("3")
    s.expect("Your boundary for today was: I leave at nine")
    s.expect("it didn't come up")
    s.send("2")
    s.expect("try next time?")
    s.send("ask for time\r")
    s.expect("One kind sentence to yourself")
    s.send("I went, and that counts\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    need("It goes with your check-in from 18:30", screen)
    need("'selfhelp trigger-log add' can keep it", screen)
    never("emergency", screen)
    never("grounding --for", screen)  # state okay: no exercise offered


def reflect_unprepared():
    # No check-in that day: the boundary question asks in general.
    s = Session(["reflect", "--date", "2026-11-20 21:00"])
    s.expect("How are you leaving?")
    s.send("\r")
    s.expect("Which way is it?")
    s.send("3")
    s.expect("What moved you?")
    s.send("\r")
    s.expect("Did anything trigger you?")
    s.send("\r")
    s.expect("What did you contribute?")
    s.send("\r")
    s.expect("Closeness and distance")
    s.send("\r")
    s.expect("If you set yourself a boundary for today, did you keep it?")
    s.send("4")
    s.expect("try next time?")
    s.send("\r")
    s.expect("One kind sentence")
    s.send("\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    need("'selfhelp grounding --for too-little'", screen)
    never("It goes with", screen)
    never("trigger-log add", screen)


def quit_keep():
    s = Session(["prepare", "--date", "2026-11-21 18:00"])
    s.expect("How are you arriving?")
    s.send("5")
    s.expect("Which way is it?")
    s.send(b"\x1b")              # Esc leaves, asking first
    s.expect("Keep what you wrote? [Y/n]")
    s.send("\r")
    screen = s.finish(0)
    need("Saved. (", screen)
    never("What would you like to bring", screen)


def quit_twice():
    # Esc, then Esc, q or Ctrl-D at "Keep what you wrote?": kept, and
    # no answer shown that was not typed.
    for keys in [b"\x1b", b"q", b"\x04"]:
        s = Session(["prepare", "--date", "2026-11-27 18:00"])
        s.expect("How are you arriving?")
        s.send("\r")
        s.expect("Which way is it?")
        s.send("\r")
        s.expect("What would you like to bring today?")
        s.send("a drawing")
        s.send(b"\x1b")          # Esc leaves, asking first
        s.expect("Keep what you wrote? [Y/n]")
        s.send(keys)
        screen = s.finish(0)
        need("Saved. (", screen)
        never("[Y/n] n", screen)
        never("[Y/n] y", screen)


def quit_discard():
    s = Session(["reflect", "--date", "2026-11-22 21:00"])
    s.expect("How are you leaving?")
    s.send("4")
    s.expect("Which way is it?")
    s.send("\r")
    s.expect("What moved you?")
    s.send("half a sent")
    s.send(b"\x03")              # Ctrl-C
    s.expect("Keep what you wrote?")
    s.send("n")
    screen = s.finish(0)
    need("Nothing was saved.", screen)


def quit_line():
    # q alone on a text line leaves; what came before is kept on yes.
    s = Session(["prepare", "--date", "2026-11-23 18:00"])
    s.expect("How are you arriving?")
    s.send("\r")
    s.expect("Which way is it?")
    s.send("\r")
    s.expect("What would you like to bring today?")
    s.send("a poem\r")
    s.expect("What do you need from the group today?")
    s.send("q\r")
    s.expect("Keep what you wrote?")
    s.send("y")
    screen = s.finish(0)
    need("Saved. (", screen)
    never("Your boundary", screen)


def leave_at_once():
    s = Session(["prepare"])
    s.expect("How are you arriving?")
    s.send("q")                  # nothing typed: no question
    screen = s.finish(0)
    need("Nothing was saved.", screen)
    never("Keep what", screen)


def skip_all():
    s = Session(["prepare"])
    s.expect("How are you arriving?")
    for q in ["Which way", "bring today", "need from the group",
              "boundary for today", "> "]:
        s.send("\r")
        s.expect(q)
    s.send("\r")
    screen = s.finish(0)
    need("Nothing was written, so nothing was saved.", screen)


def signal_term():
    s = Session(["reflect"])
    s.expect("How are you leaving?")
    s.send("6")
    s.expect("Which way")
    s.proc.send_signal(signal.SIGTERM)
    screen = s.finish(0)
    need("Stopped. Nothing was saved.", screen)


def locked():
    # Without the passphrase: sealed, so the check-ins cannot be read and
    # the boundary question asks in general; it still links later.
    s = Session(["reflect", "--date", "2026-11-25 21:00"], passphrase=False)
    s.expect("How are you leaving?")
    for q in ["Which way", "moved you", "trigger you", "contribute",
              "Closeness"]:
        s.send("\r")
        s.expect(q)
    s.send("1")
    s.expect("If you set yourself a boundary for today")
    s.send("1")
    s.expect("next time")
    s.send("\r")
    s.expect("kind sentence")
    s.send("\r")
    screen = s.finish(0)
    need("Saved. You can read it after you unlock.", screen)


def long_boundary():
    # A long boundary is quoted on one line, cut between characters.
    s = Session(["reflect", "--date", "2026-11-30 21:00"])
    s.expect("How are you leaving?")
    for q in ["Which way", "moved you", "trigger you", "contribute",
              "Closeness"]:
        s.send("\r")
        s.expect(q)
    s.send("\r")
    s.expect("Your boundary for today was: ")
    s.expect("...\r\nDid you keep it?")
    s.send("q")
    s.finish(0)
    try:
        s.seen.decode("utf-8")
    except UnicodeDecodeError:
        fail("the boundary was cut inside a character: %r" % s.seen)
    if "was: no advice please \u00e9\u00e9" not in s.seen.decode():
        fail("the boundary was not quoted")


def main():
    scenarios = {
        "prepare-full": prepare_full,
        "reflect-full": reflect_full,
        "reflect-unprepared": reflect_unprepared,
        "quit-keep": quit_keep,
        "quit-twice": quit_twice,
        "quit-discard": quit_discard,
        "quit-line": quit_line,
        "leave-at-once": leave_at_once,
        "skip-all": skip_all,
        "sigterm": signal_term,
        "locked": locked,
        "long-boundary": long_boundary,
    }
    if len(sys.argv) != 2 or sys.argv[1] not in scenarios:
        fail("scenarios: " + ", ".join(scenarios))
    scenarios[sys.argv[1]]()


if __name__ == "__main__":
    main()
