#!/usr/bin/env python3
"""Run a command RUNS times; print "median ms | peak RSS MiB" (Markdown cells).

    measure.py RUNS CMD [ARGS...]

With MEASURE_INTERNAL=1 the command prints its own time in ms on the last
line of stdout (used for the bare-limit loop, which excludes its setup).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[2:]
    internal = os.environ.get("MEASURE_INTERNAL") == "1"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out, _ = p.communicate()
        elapsed = (time.perf_counter() - start) * 1000
        if internal:
            try:
                elapsed = float(out.decode().strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
        times.append(elapsed)
    # peak RSS of one more run, by GNU time (Debian package "time"): a
    # child forked from Python would count Python's own pages
    rss = "n/a"
    if os.path.exists("/usr/bin/time"):
        with tempfile.NamedTemporaryFile("r") as f:
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            rss = "%.1f MiB" % (int(f.read().split()[-1]) / 1024)
    print("%.1f ms | %s" % (statistics.median(times), rss))


if __name__ == "__main__":
    main()
