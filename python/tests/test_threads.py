"""Every threading.Thread is its own OS thread with its own flag."""

from __future__ import annotations

import threading
from typing import Callable, List

import hermetic_pyobject_tls as h

from conftest import run_python

JOIN_TIMEOUT = 60.0


def _run_threads(targets: List[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "threads did not finish in time"


def test_new_thread_starts_false_and_does_not_touch_others():
    h.set_state(True)
    try:
        seen: List[bool] = []

        def child() -> None:
            seen.append(h.get_state())
            h.set_state(True)
            seen.append(h.get_state())

        _run_threads([child])
        assert seen == [False, True]
        assert h.get_state() is True  # the child's write did not reach us

        h.set_state(False)
        _run_threads([child])
        assert seen == [False, True, False, True]
        assert h.get_state() is False
    finally:
        h.set_state(False)


def test_flag_dies_with_its_thread():
    """Threads that set True and exit leave nothing behind: 300 new threads
    (which reuse the exited threads' ids and TLS blocks) all start False."""
    stale: List[bool] = []

    def set_true_and_exit() -> None:
        h.set_state(True)

    def read_first() -> None:
        stale.append(h.get_state())

    for _ in range(3):
        _run_threads([set_true_and_exit] * 50)
        _run_threads([read_first] * 50)
    for _ in range(150):  # one at a time: the likeliest case for reuse
        _run_threads([set_true_and_exit])
        _run_threads([read_first])
    assert len(stale) == 300
    assert stale.count(True) == 0


def test_eight_threads_toggle_their_own_flags():
    n_threads, rounds = 8, 20000
    barrier = threading.Barrier(n_threads)
    mismatches = [0] * n_threads
    first_read = [None] * n_threads

    def worker(i: int) -> Callable[[], None]:
        def run() -> None:
            first_read[i] = h.get_state()
            barrier.wait()
            mine = False
            for k in range(rounds):
                # Each thread its own pattern, so a leak between threads shows.
                want = ((k >> (i % 4)) ^ i) & 1 == 1
                if h.get_state() is not mine:
                    mismatches[i] += 1
                h.set_state(want)
                mine = want
                if h.get_state() is not mine:
                    mismatches[i] += 1
                if k % 64 == i:
                    with h.hermetic():
                        if h.get_state() is not True:
                            mismatches[i] += 1
                    if h.get_state() is not mine:
                        mismatches[i] += 1
            h.set_state(False)

        return run

    _run_threads([worker(i) for i in range(n_threads)])
    assert first_read == [False] * n_threads
    assert mismatches == [0] * n_threads
    assert h.get_state() is False


def test_init_state_from_several_threads_at_once():
    # A fresh interpreter, so that have_state starts false.
    code = r"""
import threading
import hermetic_pyobject_tls as h
assert h.have_state() is False, "have_state true at import"
n = 8
barrier = threading.Barrier(n)
after = [None] * n
def run(i):
    barrier.wait()
    h.init_state()
    after[i] = h.have_state()
    h.init_state()
threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join(30)
assert not any(t.is_alive() for t in threads), "init_state threads hung"
assert after == [True] * n, after
assert h.have_state() is True
assert h.get_state() is False, "init_state changed the thread flag"
seen = []
t = threading.Thread(target=lambda: seen.append((h.have_state(), h.get_state())))
t.start(); t.join(30)
assert seen == [(True, False)], seen
print("ok")
"""
    for _ in range(5):
        r = run_python(code)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "ok"
