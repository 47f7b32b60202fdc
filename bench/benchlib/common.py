"""What every part of bench/run shares: paths, logging, running commands, medians."""

import os
import statistics
import subprocess
import sys


# This file is bench/benchlib/common.py.
BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def run(cmd, env=None, cwd=None, capture=True, check=True):
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run(cmd, env=e, cwd=cwd or ROOT, text=True,
                       stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None)
    if check and p.returncode != 0:
        sys.stderr.write(p.stdout or "")
        sys.stderr.write(p.stderr or "")
        raise SystemExit("bench: command failed (%d): %s" % (p.returncode, " ".join(cmd)))
    return p


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
