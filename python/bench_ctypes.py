#!/usr/bin/env python3
"""The ctypes cost of hermetic_pyobject_tls.get_state() as a ratio to a
ctypes call of an empty C function.

    python3 python/bench_ctypes.py [--calls N] [--rounds R]

Run it with the interpreter the package is installed in (pip install
./python). It compiles `void empty(void) {}` with cc ($CC) into a temporary
.so and times, interleaved, R rounds of N calls of each; the minimum per call
over the rounds is reported (the least disturbed round), and the ratios use
those minima. The baseline is the ordinary ctypes call (ctypes.CDLL,
argtypes [] and restype None), which releases and retakes the GIL.
get_state keeps the GIL (see the package docstring), so a second baseline,
the empty function through the same kind of prototype, is shown as well.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import timeit

import hermetic_pyobject_tls as h


def build_empty(tmp: str) -> ctypes.CDLL:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        sys.exit("bench_ctypes.py needs a C compiler (cc, gcc or $CC)")
    src = os.path.join(tmp, "empty.c")
    with open(src, "w") as f:
        f.write("void empty(void) {}\n_Bool empty_bool(void) { return 0; }\n")
    lib = os.path.join(tmp, "libempty.so")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", lib, src], check=True)
    return ctypes.CDLL(lib)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        e = build_empty(tmp)
        empty = e.empty
        empty.argtypes = []
        empty.restype = None
        # The empty function through the same prototype as get_state (GIL kept, c_bool result).
        empty_gil = type(h.get_state)(("empty_bool", e))  # type: ignore[call-arg]
        raw_get = h._lib.hermetic_pyobject_tls_get_state  # ordinary CDLL call, GIL released
        raw_get.argtypes = []
        raw_get.restype = ctypes.c_bool
        set_state = h.set_state

        cases = {
            "ctypes empty C function (CDLL, restype None)": empty,
            "ctypes empty C function (get_state's prototype)": empty_gil,
            "hermetic_pyobject_tls.get_state()": h.get_state,
            "hermetic_pyobject_tls.have_state()": h.have_state,
            "get_state via plain CDLL (GIL released)": raw_get,
            "hermetic_pyobject_tls.set_state(False)": lambda: set_state(False),
        }
        best = {name: float("inf") for name in cases}
        for f in cases.values():  # warm up
            timeit.timeit(f, number=1000)
        for _ in range(args.rounds):
            for name, f in cases.items():
                t = timeit.timeit(f, number=args.calls) / args.calls * 1e9
                best[name] = min(best[name], t)

    base = best["ctypes empty C function (CDLL, restype None)"]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.rounds} rounds x {args.calls} calls, min ns per call")
    for name, t in best.items():
        print(f"  {name:52s} {t:7.1f} ns   {t / base:5.2f}x")
    print(f"get_state() / empty ctypes call = {best['hermetic_pyobject_tls.get_state()'] / base:.2f}")


if __name__ == "__main__":
    main()
