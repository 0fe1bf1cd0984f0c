"""The wrk windows of a scripts/load output folder, for the profile readers beside it (jfr-windows.py,
cpu-windows.py): which endpoint ran when, and how many requests it completed.

scripts/load writes, around each measured wrk run, a .cmd0 file just before wrk starts and a .cpu file just
after it ends; their modification times bound the run.
"""
import datetime
import glob
import os
import re

ENDPOINTS = ["health-live", "introspect", "refresh"]


def seconds_of_day(ts):
    t = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def windows(folder, only_round=None):
    """(endpoint, start, end, requests) of each measured run, start and end in UTC seconds of the day;
    only_round picks one round (its number as a string)."""
    out = []
    for ep in ENDPOINTS:
        for cmd0 in sorted(glob.glob(f"{folder}/run-{ep}-*.cmd0")):
            n = re.search(r"-(\d+)\.cmd0$", cmd0).group(1)
            if only_round and n != only_round:
                continue
            base = cmd0[: -len(".cmd0")]
            requests = int(re.search(r"(\d+) requests in", open(base + ".txt").read()).group(1))
            out.append((ep, seconds_of_day(os.path.getmtime(cmd0)), seconds_of_day(os.path.getmtime(base + ".cpu")), requests))
    return out
