#!/usr/bin/env python3
# Samples, every second, the CPU ticks of each thread group of the running gatehouse-server JVM and which
# wrk script (bench/load/*.lua) runs at that moment; writes one JSON line per sample.
#   python3 bench/load/thread-cpu.py OUT.jsonl SECONDS &   (then run scripts/load)
# Report: python3 bench/load/thread-cpu-report.py OUT.jsonl health-live=<req/s> introspect=<req/s>
import os, re, sys, time, subprocess, collections, json
out = open(sys.argv[1], 'w')
def server_pid():
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try: cmd = open(f'/proc/{p}/cmdline','rb').read().decode(errors='ignore')
        except: continue
        if 'gatehouse-server' in cmd and 'java' in cmd: return p
def wrk_script():
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try: cmd = open(f'/proc/{p}/cmdline','rb').read().decode(errors='ignore')
        except: continue
        if cmd.startswith('wrk') or '/wrk\0' in cmd or cmd.split('\0')[0].endswith('wrk'):
            m = re.search(r'load/([\w-]+)\.lua', cmd)
            if m: return m.group(1)
    return None
def group(name):
    name = re.sub(r'[-#]?\d+$', '', name)
    name = re.sub(r'\d+', 'N', name)
    return name
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    pid = server_pid()
    if not pid: time.sleep(0.5); continue
    g = collections.Counter()
    try:
        for t in os.listdir(f'/proc/{pid}/task'):
            try:
                name = open(f'/proc/{pid}/task/{t}/comm').read().strip()
                st = open(f'/proc/{pid}/task/{t}/stat').read()
                f = st[st.rfind(')')+2:].split()
                g[group(name)] += int(f[11]) + int(f[12])
            except: pass
    except: pass
    out.write(json.dumps({'t': time.time(), 'pid': pid, 'wrk': wrk_script(), 'g': g}) + '\n'); out.flush()
    time.sleep(1)
