"""Python rows of the benchmarks: get_state() / set_state() / `with hermetic()`
against baselines of the same shape, with timeit (the standard library's
harness) on the thread's CPU time (time.thread_time), in one process.

    python3 bench_python.py --ours LIB --cbase LIB [--rounds N] [--number N]

Ours is measured through the package, `import hermetic_pyobject_tls` with
HERMETIC_PYOBJECT_TLS_LIBRARY pointing at LIB, on the backend that
HERMETIC_PYOBJECT_TLS_BACKEND chooses (bench/run runs this once per backend),
when it imports and works; otherwise through ctypes directly, set up exactly
as a package would (restype c_bool; argtypes [c_bool]), and the output says
which. Baselines:
- threading.get_ident(), a C builtin of get_state's shape (no argument, a
  small value read from the thread); `with lock: pass` on a threading.Lock,
  a C context manager, for `with hermetic(): pass`;
- the ctypes floor: a ctypes call of an empty C function in a plain C library
  (built -O2 -fPIC): void f(void) with restype None, the cheapest ctypes call
  there is; rows with the same signatures as ours (bool f(void) -> c_bool;
  void f(bool) with argtypes [c_bool]) beside it.
Every round times each statement once, in the same order, and the figures are
medians over rounds; ratios are medians of each round's ratio. Prints one
JSON object.
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import threading
import time
import timeit


def load_ours(path):
    os.environ["HERMETIC_PYOBJECT_TLS_LIBRARY"] = path
    try:
        import hermetic_pyobject_tls as pkg  # noqa: PLC0415

        get_state, set_state = pkg.get_state, pkg.set_state
        set_state(True)
        ok = get_state() is True
        set_state(False)
        ok = ok and get_state() is False
        if ok:
            where = getattr(pkg, "__file__", "?")
            # (A package from before the native backend has no `backend`: ctypes.)
            backend = getattr(pkg, "backend", "ctypes")
            return get_state, set_state, pkg.hermetic, backend, "package hermetic_pyobject_tls (%s)" % where
        reason = "package imported but get_state/set_state did not round-trip"
    except Exception as e:  # noqa: BLE001 - any failure means: fall back
        reason = "package not usable: %s: %s" % (type(e).__name__, e)
        if os.environ.get("HPTLS_BENCH_PACKAGE_ERROR"):
            reason += " (%s)" % os.environ["HPTLS_BENCH_PACKAGE_ERROR"]
    lib = ctypes.CDLL(path)
    get_state = lib.hermetic_pyobject_tls_get_state
    get_state.restype = ctypes.c_bool
    get_state.argtypes = []
    set_state = lib.hermetic_pyobject_tls_set_state
    set_state.restype = None
    set_state.argtypes = [ctypes.c_bool]
    return get_state, set_state, None, "ctypes", "direct ctypes (%s)" % reason


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--cbase", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--number", type=int, default=200000)
    args = ap.parse_args()

    get_state, set_state, hermetic, backend, via = load_ours(args.ours)
    cbase = ctypes.CDLL(args.cbase)
    empty = cbase.hptls_cbase_empty
    empty.restype = None
    empty.argtypes = []
    return_false = cbase.hptls_cbase_return_false
    return_false.restype = ctypes.c_bool
    return_false.argtypes = []
    empty_bool = cbase.hptls_cbase_empty_bool
    empty_bool.restype = None
    empty_bool.argtypes = [ctypes.c_bool]

    stmts = {
        "floor_empty": ("f()", empty),
        "floor_return_bool": ("f()", return_false),
        "floor_bool_arg": ("f(True)", empty_bool),
        "get_ident": ("f()", threading.get_ident),
        "get_state": ("f()", get_state),
        "set_state": ("f(True)", set_state),
        "with_lock": ("with f: pass", threading.Lock()),
    }
    if hermetic is not None:
        # The flag is False before each block: every block makes two writes.
        stmts["with_hermetic"] = ("with f(): pass", hermetic)
    set_state(False)
    # The thread's CPU time, not the wall clock: the other load of a shared
    # machine does not inflate it.
    timers = {k: timeit.Timer(s, timer=time.thread_time, globals={"f": f}) for k, (s, f) in stmts.items()}
    for t in timers.values():  # warm up
        t.timeit(max(1, args.number // 10))
    samples = {k: [] for k in stmts}
    for _ in range(args.rounds):
        for k, t in timers.items():
            samples[k].append(t.timeit(args.number) / args.number * 1e9)
    set_state(False)

    def ratio(a, b):
        return statistics.median(x / y for x, y in zip(samples[a], samples[b]))

    ratios = {
        "get_state/floor_empty": ratio("get_state", "floor_empty"),
        "get_state/floor_return_bool": ratio("get_state", "floor_return_bool"),
        "get_state/get_ident": ratio("get_state", "get_ident"),
        "set_state/floor_empty": ratio("set_state", "floor_empty"),
        "set_state/floor_bool_arg": ratio("set_state", "floor_bool_arg"),
    }
    if hermetic is not None:
        ratios["with_hermetic/with_lock"] = ratio("with_hermetic", "with_lock")
    out = {
        "via": via,
        "backend": backend,
        "python": sys.version.split()[0],
        "rounds": args.rounds,
        "number": args.number,
        "ns": {k: statistics.median(v) for k, v in samples.items()},
        "ratios": ratios,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
