"""concurrent.interpreters from Python (CPython 3.14+, PEP 734): interpreters
with their own GIL, on threads that run at once, each importing
hermetic_pyobject_tls. The flag belongs to the OS thread, whatever
interpreter runs there: each thread reads what it set, and the main thread's
flag stays its own. Ends with "concurrent-interpreters: OK" (exit 0).

    python3.14 examples/multi-interpreter/concurrent_interpreters.py

(with hermetic_pyobject_tls installed; CTest runs it as
example.concurrent_interpreters.3.14 and .3.15 in the test matrix's venvs).
The C host beside it (multi_interpreter.c) does the same from C on 3.12+.
"""

import os
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
# Other interpreters import this file as a module to run the functions below
# (functions cross interpreters by name): they need its directory on sys.path.
PATH_SETUP = f"import sys; sys.path.insert(0, {HERE!r})"


def toggle(i):
    """Runs in another interpreter: sets this thread's flag, reads it back,
    and nests a hermetic() block. Returns what it saw."""
    import hermetic_pyobject_tls as h

    want = i % 2 == 1
    h.set_state(want)
    with h.hermetic():
        inside = h.get_state()
    got = h.get_state()
    h.set_state(False)
    return (i, want, got, inside, h.backend, h.have_state(), threading.get_native_id())


def main():
    if sys.version_info < (3, 14):
        print(f"concurrent.interpreters needs CPython 3.14 or newer; this is {sys.version.split()[0]}")
        return 2
    from concurrent import interpreters
    from concurrent.futures import InterpreterPoolExecutor

    import hermetic_pyobject_tls as h

    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import concurrent_interpreters as tasks  # this file, as the module other interpreters import

    h.init_state()
    h.set_state(True)
    print(f"main: CPython {sys.version.split()[0]}, backend {h.backend}, library {h.library_path}")
    failures = []

    # 1. Four interpreters, each called on its own thread, all at once.
    results = [None] * 4
    barrier = threading.Barrier(4)

    def run(i):
        interp = interpreters.create()
        try:
            interp.exec(PATH_SETUP)
            barrier.wait()
            results[i] = interp.call(tasks.toggle, i)
        finally:
            interp.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # 2. InterpreterPoolExecutor: each worker thread has its own interpreter.
    with InterpreterPoolExecutor(max_workers=3, initializer=exec, initargs=(PATH_SETUP,)) as pool:
        results += list(pool.map(tasks.toggle, range(4, 16)))

    for r in results:
        if r is None:
            failures.append("an interpreter did not finish")
            continue
        i, want, got, inside, backend, have, tid = r
        print(f"interpreter task {i:2}: thread {tid}, set {want}, read {got}, inside hermetic() {inside}, "
              f"backend {backend}, have_state {have}")
        if (got, inside, have) != (want, True, True) or tid == threading.get_native_id():
            failures.append(f"task {i}: {r}")
    if h.get_state() is not True:
        failures.append("the main thread's flag changed")
    print(f"main: get_state() = {h.get_state()}")
    for f in failures:
        print("MISMATCH:", f)
    if failures:
        return 1
    print("concurrent-interpreters: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
