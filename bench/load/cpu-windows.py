#!/usr/bin/env python3
"""Where the server's CPU time goes per request, by endpoint, from JFR's CPU-time sampler (JDK 25+).

    GATEHOUSE_JAVA_OPTS="-XX:StartFlightRecording=filename=<dir>/server.jfr,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=1ms,dumponexit=true" \
      LOAD_OUT=<dir> scripts/load --store redis --duration 8s --runs 3 --skip-refresh
    python3 bench/load/cpu-windows.py <dir>/redis [top] [frame-regex]     # by thread, inclusive and self frames
    python3 bench/load/cpu-windows.py <dir>/redis --tree 'OAuthRoutes.introspect$' 3 introspect

jfr-windows.py reads jdk.ExecutionSample, which samples threads that are in Java code whether or not they
are on a CPU: on two saturated cores a thread waiting for its turn counts like one running. jdk.CPUTimeSample
fires per millisecond of each thread's own CPU time (user + system, the kernel's work in a syscall
included), so each sample's weight (its sampling period) is CPU time, and the figures add up to what /proc
says the process spent. The recording is split by the wrk windows of scripts/load (wrk_windows.py);
figures are µs of CPU per request of the window's endpoint, summed over the measured rounds. The last column is introspect minus health-live.

--tree ROOT DEPTH [ENDPOINT] prints the call tree under the first frame matching ROOT, DEPTH levels deep,
for one endpoint (default introspect), in µs per request (branches under 0.02 µs left out).
"""
import glob
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict

from wrk_windows import ENDPOINTS, windows


def simple(type_name):
    """The class's simple name: io/gatehouse/server/auth/OAuthRoutes and a lambda's hidden class
    io.gatehouse.server.auth.OAuthRoutes$$Lambda/0x... become OAuthRoutes and OAuthRoutes$$Lambda."""
    return re.split(r"[/.]", re.sub(r"/0x[0-9a-f]+$", "", type_name))[-1]


def samples(folder):
    """(seconds of day, weight in µs, thread group, frames leaf first) of every CPU-time sample."""
    recording = (glob.glob(f"{folder}/server.jfr") or glob.glob(f"{folder}/../server.jfr"))[0]
    text = subprocess.run(["jfr", "print", "--json", "--events", "jdk.CPUTimeSample", "--stack-depth", "128", recording],
                          capture_output=True, text=True, check=True).stdout
    for e in json.loads(text)["recording"]["events"]:
        v = e["values"]
        h, m, s = re.search(r"T(\d\d):(\d\d):(\d\d(?:\.\d+)?)", v["startTime"]).groups()
        period = v["samplingPeriod"]
        weight = float(re.match(r"PT([\d.]+)S", period).group(1)) * 1e6 if isinstance(period, str) else period / 1e3
        thread = v.get("eventThread") or {}
        name = re.sub(r"\d+", "N", thread.get("javaName") or thread.get("osName") or "?")
        if "WebServer socket" in name:
            name = "WebServer socket (a virtual thread per connection)"
        frames = [f"{simple(f['method']['type']['name'])}.{f['method']['name']}"
                  for f in ((v.get("stackTrace") or {}).get("frames") or [])]
        yield int(h) * 3600 + int(m) * 60 + float(s), weight, name, frames


def endpoint_at(wins, t):
    for ep, start, end, _ in wins:
        if start <= t <= end:
            return ep
    return None


def tree(folder, root, depth, endpoint):
    wins = [w for w in windows(folder) if w[0] == endpoint]
    requests = sum(w[3] for w in wins)
    paths = Counter()
    for t, weight, _, frames in samples(folder):
        if endpoint_at(wins, t) is None:
            continue
        frames = frames[::-1]
        for i, f in enumerate(frames):
            if root.search(f):
                path = frames[i:i + depth + 1]
                for k in range(1, len(path) + 1):
                    paths[tuple(path[:k])] += weight
                break
    for path, weight in sorted(paths.items()):
        if weight / requests >= 0.02:
            print("%6.2f  %s%s" % (weight / requests, "    " * (len(path) - 1), path[-1]))


def main():
    folder = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--tree":
        tree(folder, re.compile(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else "introspect")
        return
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    only = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
    wins = windows(folder)
    requests, total = Counter(), Counter()
    for ep, _, _, n in wins:
        requests[ep] += n
    by_thread, inclusive, self_ = defaultdict(Counter), defaultdict(Counter), defaultdict(Counter)
    for t, weight, thread, frames in samples(folder):
        ep = endpoint_at(wins, t)
        if ep is None:
            continue
        total[ep] += weight
        by_thread[ep][thread] += weight
        if frames:
            self_[ep][frames[0]] += weight
        for f in set(frames):
            inclusive[ep][f] += weight
    eps = [e for e in ENDPOINTS if requests[e]]
    print("requests: " + ", ".join(f"{e} {requests[e]}" for e in eps))
    print("sampled CPU, µs per request: " + ", ".join(f"{e} {total[e] / requests[e]:.2f}" for e in eps))

    def table(title, counters, keys):
        print(f"\n== {title} (µs per request): " + " / ".join(eps) + (" / introspect - health-live" if len(eps) > 1 else ""))
        for k in keys:
            vals = [counters[e][k] / requests[e] for e in eps]
            diff = f"  {vals[1] - vals[0]:+6.2f}" if len(eps) > 1 else ""
            print(f"{k[-90:]:90s} " + "  ".join(f"{x:6.2f}" for x in vals) + diff)

    def ranked(counters):
        keys = set().union(*(counters[e].keys() for e in eps))
        if only:
            keys = {k for k in keys if only.search(k)}
        a, b = eps[0], eps[-1]
        return sorted(keys, key=lambda k: -abs(counters[b][k] / requests[b] - counters[a][k] / requests[a]))[:top]

    table("by thread", by_thread, sorted(set().union(*(by_thread[e].keys() for e in eps)),
                                         key=lambda k: -max(by_thread[e][k] / requests[e] for e in eps))[:12])
    table("inclusive, by the largest difference", inclusive, ranked(inclusive))
    table("self, by the largest difference", self_, ranked(self_))


if __name__ == "__main__":
    main()
