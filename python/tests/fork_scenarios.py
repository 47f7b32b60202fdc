"""Run as a script by test_fork.py, in a fresh interpreter (so that
have_state starts false): forks while 3 threads keep calling set_state and
get_state, and checks every child. Prints one line per failure and "ok" at
the end; exits nonzero on any failure. Each child has a deadline; a child
that misses it is killed and counted as a hang.

usage: fork_scenarios.py os_fork|mp_fork N CHILD_TIMEOUT
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import threading
import time
from typing import List

import hermetic_pyobject_tls as h


def child_checks(expect_state: bool, expect_have: bool) -> List[str]:
    """Everything a forked child must be able to do. Returns the failures."""
    errors: List[str] = []

    def check(what: str, got: object, want: object) -> None:
        if got is not want and got != want:
            errors.append(f"{what}: got {got!r}, want {want!r}")

    check("get_state after fork (the forking thread's)", h.get_state(), expect_state)
    check("have_state after fork", h.have_state(), expect_have)
    h.set_state(not expect_state)
    check("get_state after set_state(not state)", h.get_state(), not expect_state)
    h.set_state(False)
    check("get_state after set_state(False)", h.get_state(), False)
    with h.hermetic():
        check("get_state in hermetic()", h.get_state(), True)
    check("get_state after hermetic()", h.get_state(), False)
    h.set_state(True)
    check("get_state after set_state(True)", h.get_state(), True)
    try:
        h.set_state("yes")  # type: ignore[arg-type]
        errors.append("set_state('yes') did not raise")
    except TypeError:
        pass
    check("get_state after a rejected set_state", h.get_state(), True)
    h.init_state()
    check("have_state after init_state", h.have_state(), True)
    fn = h._library.functions  # the library's own version functions, called in the child
    check("version", h._dl.call_str(fn["version"]).decode(), h.__version__)
    check("version_number", h._dl.call_uint(fn["version_number"]), h._build_info.VERSION_NUMBER)
    # A thread born in the child starts false and has its own flag.
    seen: List[bool] = []

    def in_thread() -> None:
        seen.append(h.get_state())
        h.set_state(True)
        seen.append(h.get_state())
        h.set_state(False)
        seen.append(h.get_state())
        h.init_state()

    t = threading.Thread(target=in_thread)
    t.start()
    t.join(10)
    if t.is_alive():
        errors.append("a thread started in the child did not finish")
    check("a new thread in the child", seen, [False, True, False])
    check("main flag after the child's thread", h.get_state(), True)
    return errors


class Hammer:
    """3 threads calling set_state/get_state without pause, checking their own flags."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.errors = 0
        self.calls = 0
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(3)]

    def _run(self, i: int) -> None:
        rng = random.Random(i)
        n = 0
        while not self.stop.is_set():
            v = rng.random() < 0.5
            h.set_state(v)
            if h.get_state() is not v:
                self.errors += 1
            n += 1
        self.calls += n

    def __enter__(self) -> "Hammer":
        for t in self.threads:
            t.start()
        time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)
        if any(t.is_alive() for t in self.threads):
            raise SystemExit("hammer threads hung")


def wait_child(pid: int, timeout: float) -> "int | None":
    """The child's wait status, or None after killing it on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        got, status = os.waitpid(pid, os.WNOHANG)
        if got == pid:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.001)


def wait_thread_gone(tid: int, timeout: float) -> bool:
    """Waits until thread tid has left the process, not only Python.

    Thread.join() returns before the thread's pthread_exit(). On CPython 3.8
    that call dlopen()s libgcc_s the first time, and glibc's fork() does not
    wait for a dlopen() in another thread: a child forked meanwhile inherits
    a half-updated link map and dies in its own first dlopen() ("Inconsistency
    detected by ld.so: ... r_state == RT_CONSISTENT"). That is glibc and
    CPython alone: it happens with a pure-Python stand-in for this package."""
    deadline = time.monotonic() + timeout
    while os.path.exists(f"/proc/self/task/{tid}"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)
    return True


def os_fork_once(expect: bool, child_timeout: float) -> List[str]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.close(r)
            errors = child_checks(expect, h.have_state_expected)  # type: ignore[attr-defined]
            os.write(w, ("\n".join(errors)).encode())
            code = 0 if not errors else 1
        finally:
            os._exit(code)
    os.close(w)
    status = wait_child(pid, child_timeout)
    with os.fdopen(r, "rb") as f:
        out = f.read().decode(errors="replace")
    if status is None:
        return [f"child {pid} hung (killed after {child_timeout} s)"]
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return [f"child {pid} failed (status {status}): {out}"]
    return []


def run_os_fork(n: int, child_timeout: float) -> List[str]:
    failures: List[str] = []
    with Hammer() as hammer:
        for i in range(n):
            if i == n // 2:
                h.init_state()
            h.have_state_expected = h.have_state()  # type: ignore[attr-defined]
            expect = i % 2 == 0
            if i % 5 == 4:
                # Fork from a thread other than the main thread, whose flag differs.
                h.set_state(not expect)
                result: List[List[str]] = []

                def forker() -> None:
                    tids.append(threading.get_native_id())
                    h.set_state(expect)
                    result.append(os_fork_once(expect, child_timeout))

                tids: List[int] = []
                t = threading.Thread(target=forker)
                t.start()
                t.join(child_timeout + 10)
                failures += result[0] if result else ["forking thread hung"]
                if tids and not wait_thread_gone(tids[0], 10.0):
                    failures.append("the forking thread did not exit")
                if h.get_state() is not (not expect):
                    failures.append("the main thread's flag changed")
            else:
                h.set_state(expect)
                failures += os_fork_once(expect, child_timeout)
                if h.get_state() is not expect:
                    failures.append("the parent's flag changed across fork")
            if i < n // 2 and h.have_state():
                failures.append("a child's init_state reached the parent")
    return failures + hammer_failures(hammer)


def hammer_failures(hammer: "Hammer") -> List[str]:
    """What went wrong in the threads that kept calling while we forked."""
    failures = []
    if hammer.errors:
        failures.append(f"{hammer.errors} mismatches in the hammer threads")
    if hammer.calls < 100:
        failures.append(f"the hammer threads made only {hammer.calls} calls")
    return failures


def mp_child(conn, expect: bool, expect_have: bool) -> None:  # type: ignore[no-untyped-def]
    errors = child_checks(expect, expect_have)
    conn.send(errors)
    conn.close()
    sys.exit(0 if not errors else 1)


def run_mp_fork(n: int, child_timeout: float) -> List[str]:
    ctx = multiprocessing.get_context("fork")
    failures: List[str] = []
    with Hammer() as hammer:
        for i in range(n):
            if i == n // 2:
                h.init_state()
            expect = i % 2 == 0
            h.set_state(expect)
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=mp_child, args=(send, expect, h.have_state()))
            p.start()
            send.close()
            p.join(child_timeout)
            if p.is_alive():
                p.kill()
                p.join(10)
                failures.append(f"child {p.pid} hung (killed after {child_timeout} s)")
                continue
            errors = recv.recv() if recv.poll(1) else ["no report from the child"]
            recv.close()
            if p.exitcode != 0 or errors:
                failures.append(f"child {p.pid} exit code {p.exitcode}: {errors}")
            if h.get_state() is not expect:
                failures.append("the parent's flag changed across fork")
            if i < n // 2 and h.have_state():
                failures.append("a child's init_state reached the parent")
    return failures + hammer_failures(hammer)


def main() -> int:
    mode, n, child_timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if h.have_state():
        print("have_state true before init_state")
        return 1
    run = {"os_fork": run_os_fork, "mp_fork": run_mp_fork}[mode]
    start = time.monotonic()
    failures = run(n, child_timeout)
    for f in failures:
        print(f)
    print(f"{'ok' if not failures else 'FAILED'} {mode} n={n} in {time.monotonic() - start:.2f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
