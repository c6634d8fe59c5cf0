#!/usr/bin/env python3
"""Run a command RUNS times; print "median ms | peak RSS MiB" (Markdown cells).

    measure.py RUNS CMD [ARGS...]

With MEASURE_INTERNAL=1 the command prints its own time in ms on the last
line of stdout (used for the bare-limit loop, which excludes its setup).
With MEASURE_RSS_IN_RUN=1 the peak RSS is that of the timed runs
themselves, not of one more run (for a command that changes what the next
run does, as an import does: the next one skips everything).
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
    in_run = (os.environ.get("MEASURE_RSS_IN_RUN") == "1" and
              os.path.exists("/usr/bin/time"))
    times = []
    peak = 0
    for _ in range(runs):
        rssf = tempfile.NamedTemporaryFile("r") if in_run else None
        run = (["/usr/bin/time", "-f", "%M", "-o", rssf.name] + cmd
               if in_run else cmd)
        start = time.perf_counter()
        p = subprocess.Popen(run, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out, _ = p.communicate()
        elapsed = (time.perf_counter() - start) * 1000
        if internal:
            try:
                elapsed = float(out.decode().strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
        times.append(elapsed)
        if rssf:
            peak = max(peak, int(rssf.read().split()[-1]))
            rssf.close()
    if in_run:
        print("%.1f ms | %.1f MiB" % (statistics.median(times), peak / 1024))
        return
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
