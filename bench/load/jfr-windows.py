#!/usr/bin/env python3
"""Where the server's CPU and allocation go per endpoint, from a JFR recording of scripts/load --jfr.

    LOAD_OUT=/tmp/load-jfr scripts/load --store redis --duration 8s --runs 2 --jfr
    python3 bench/load/jfr-windows.py /tmp/load-jfr/redis [top] [round]

Splits the recording by the time window of each measured wrk run (from the files scripts/load writes
around it: the .cmd0 file just before wrk starts, the .cpu file just after it ends), so each endpoint's
figures include everything the server did meanwhile: Helidon's connection handling, the request filter,
Lettuce's event loop and timers. Prints per endpoint the execution samples and sampled allocation per
request, and the methods with the most samples on top of the stack (self) and anywhere on it (inclusive,
each method counted once per sample), as a share of the window's samples. [round] picks one measured
round (default: all of them).
"""
import re
import subprocess
import sys
from collections import Counter

from wrk_windows import ENDPOINTS, windows

EVENT = re.compile(r"^(jdk\.\w+) \{\n(.*?)^\}", re.M | re.S)
START = re.compile(r"startTime = (\d\d):(\d\d):(\d\d)\.(\d+)")
FRAME = re.compile(r"^\s+([\w.$<>/]+)\(", re.M)
WEIGHT = re.compile(r"weight = ([\d.]+) (bytes|kB|MB|GB)")
UNITS = {"bytes": 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3}


def main():
    folder = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    only_round = sys.argv[3] if len(sys.argv) > 3 else None
    wins = windows(folder, only_round)
    text = subprocess.run(
        ["jfr", "print", "--events", "jdk.ExecutionSample,jdk.ObjectAllocationSample", "--stack-depth", "96",
         f"{folder}/server.jfr"],
        capture_output=True, text=True, check=True).stdout
    samples, alloc, requests = Counter(), Counter(), Counter()
    self_by, incl_by, alloc_by = {}, {}, {}
    for ep, _, _, n in wins:
        requests[ep] += n
    for m in EVENT.finditer(text):
        kind, body = m.group(1), m.group(2)
        s = START.search(body)
        if not s:
            continue
        t = int(s.group(1)) * 3600 + int(s.group(2)) * 60 + int(s.group(3)) + float("0." + s.group(4))
        ep = next((e for e, a, b, _ in wins if a <= t <= b), None)
        if ep is None:
            continue
        frames = FRAME.findall(body)
        if kind == "jdk.ExecutionSample":
            if not frames:
                continue
            samples[ep] += 1
            self_by.setdefault(ep, Counter())[frames[0]] += 1
            incl = incl_by.setdefault(ep, Counter())
            for f in set(frames):
                incl[f] += 1
        elif kind == "jdk.ObjectAllocationSample":
            w = WEIGHT.search(body)
            if w:
                b = float(w.group(1)) * UNITS[w.group(2)]
                alloc[ep] += b
                site = next((f for f in frames if f.startswith("io.gatehouse")), frames[0] if frames else "?")
                alloc_by.setdefault(ep, Counter())[site] += b
    for ep in ENDPOINTS:
        if not samples[ep]:
            continue
        n = requests[ep]
        print(f"== {ep}: {n} requests, {samples[ep]} samples ({samples[ep] / n * 1e3:.2f} per 1,000 requests), "
              f"sampled allocation {alloc[ep] / n / 1024:.1f} KB per request")
        print("  self:")
        for f, c in self_by[ep].most_common(top):
            print(f"    {100 * c / samples[ep]:5.1f} %  {f}")
        print("  inclusive:")
        for f, c in incl_by[ep].most_common(top * 3):
            print(f"    {100 * c / samples[ep]:5.1f} %  {f}")
        print("  allocation by first Gatehouse frame (else the top frame):")
        for f, b in alloc_by.get(ep, Counter()).most_common(top):
            print(f"    {b / n:8.0f} B/req  {f}")


if __name__ == "__main__":
    main()
