#!/usr/bin/env python3
# Per endpoint (the wrk script that ran), CPU of each thread group of the server per second and per request,
# from the samples of bench/load/thread-cpu.py: which threads carry an endpoint's CPU (request carriers, the
# JIT, GC, ForkJoinPool.commonPool, Lettuce's event loop).
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
acc = {}  # endpoint -> Counter of tick deltas, seconds
for a, b in zip(rows, rows[1:]):
    if a['pid'] != b['pid'] or a['wrk'] is None or a['wrk'] != b['wrk']: continue
    e = a['wrk']
    c = acc.setdefault(e, [collections.Counter(), 0.0])
    for k, v in b['g'].items():
        c[0][k] += v - a['g'].get(k, 0)
    c[1] += b['t'] - a['t']
rps = {k: float(v) for k, v in (x.split('=') for x in sys.argv[2:])}
for e, (c, secs) in acc.items():
    tot = sum(c.values())
    print(f"== {e}: {secs:.0f} s sampled, server CPU {tot/secs:.1f} ticks/s" + (f", {tot*1e4/secs/rps[e]:.2f} us per request at {rps[e]:.0f} req/s" if e in rps else ''))
    for k, v in c.most_common(14):
        per = f"  {v*1e4/secs/rps[e]:6.2f} us/req" if e in rps else ''
        print(f"   {k:40s} {v/secs:6.1f} ticks/s{per}")
