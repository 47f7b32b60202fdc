"""Free-threaded CPython (3.13t): the package keeps the GIL off, and threads
that really run at once each keep their own flag. The tests exist only on a
free-threaded build (sysconfig's Py_GIL_DISABLED); elsewhere this module
defines none, so nothing is skipped."""

from __future__ import annotations

import sysconfig
import threading
import time

from conftest import run_python

if sysconfig.get_config_var("Py_GIL_DISABLED"):

    def test_the_gil_stays_off_after_import_and_writes():
        code = (
            "import sys, hermetic_pyobject_tls as h\n"
            "assert not sys._is_gil_enabled(), 'off before import'\n"
            "h.set_state(True); h.init_state()\n"
            "with h.hermetic(): pass\n"
            "print(h.backend, sys._is_gil_enabled(), h.get_state(), h.have_state())\n"
        )
        r = run_python(code)
        assert r.returncode == 0, r.stderr
        backend, gil, state, have = r.stdout.split()
        assert (gil, state, have) == ("False", "True", "True"), r.stdout
        # The interpreter says why when an extension turns the GIL on.
        assert "GIL" not in r.stderr, r.stderr

    def test_eight_threads_hammer_their_own_flags():
        """8 threads at once, each its own pattern of set/get/hermetic() for
        20 000 rounds or 20 seconds, whichever comes first: every read is the
        thread's own last write."""
        import hermetic_pyobject_tls as h

        n, rounds, budget = 8, 20000, 20.0
        barrier = threading.Barrier(n)
        wrong = [0] * n
        done = [0] * n

        def worker(i: int) -> None:
            barrier.wait()
            deadline = time.monotonic() + budget
            mine = False
            for k in range(rounds):
                if h.get_state() is not mine:
                    wrong[i] += 1
                mine = ((k >> (i % 4)) ^ i) & 1 == 1
                h.set_state(mine)
                if h.get_state() is not mine:
                    wrong[i] += 1
                if k % 16 == i:
                    with h.hermetic():
                        if h.get_state() is not True:
                            wrong[i] += 1
                    if h.get_state() is not mine:
                        wrong[i] += 1
                done[i] = k + 1
                if k % 1024 == 0 and time.monotonic() > deadline:
                    break
            h.set_state(False)

        import sys

        assert not sys._is_gil_enabled()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads)
        assert wrong == [0] * n
        assert min(done) >= 1000, done
        assert not sys._is_gil_enabled()
