#!/usr/bin/env python3
"""Where a server request path spends its CPU, from a JFR recording of scripts/load --jfr.

    jfr print --events jdk.ExecutionSample --stack-depth 96 server.jfr > samples.txt
    python3 bench/load/jfr-paths.py samples.txt [top]

Splits the execution samples by the route handler on their stack (introspection:
OAuthRoutes.introspect; refresh: AuthRoutes.refresh; health-live: HealthRoutes) and prints, for each
path, its share of all samples and the methods with the most samples on top of the stack (self) and
anywhere on it (inclusive, each method counted once per sample). Samples outside any handler (Helidon's
connection handling, JSON parsing before routing, GC helpers) are listed under "other".
"""
import re
import sys
from collections import Counter

PATHS = [
    ("introspect", "io.gatehouse.server.auth.OAuthRoutes.introspect"),
    ("refresh", "io.gatehouse.server.auth.AuthRoutes.refresh"),
    ("health-live", "io.gatehouse.server.health.HealthRoutes"),
]


def samples(text):
    for block in text.split("jdk.ExecutionSample")[1:]:
        yield re.findall(r"^\s+([\w.$<>/]+)\(", block, re.M)


def main():
    text = open(sys.argv[1]).read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    self_by, incl_by, count = {}, {}, Counter()
    total = 0
    for frames in samples(text):
        if not frames:
            continue
        total += 1
        path = next((name for name, marker in PATHS if any(f.startswith(marker) for f in frames)), "other")
        count[path] += 1
        self_by.setdefault(path, Counter())[frames[0]] += 1
        incl = incl_by.setdefault(path, Counter())
        for f in set(frames):
            incl[f] += 1
    print(f"{total} execution samples")
    for path, n in count.most_common():
        print(f"\n== {path}: {n} samples ({100.0 * n / total:.1f} % of all)")
        print("  self (top of stack):")
        for f, k in self_by[path].most_common(top):
            print(f"    {100.0 * k / n:5.1f} %  {f}")
        print("  inclusive (Gatehouse and library frames, not the JDK's or Helidon's plumbing):")
        shown = 0
        for f, k in incl_by[path].most_common():
            if f.startswith(("java.", "jdk.", "sun.", "io.helidon.webserver.", "io.helidon.common.")):
                continue
            print(f"    {100.0 * k / n:5.1f} %  {f}")
            shown += 1
            if shown == top:
                break


if __name__ == "__main__":
    main()
