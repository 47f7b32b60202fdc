"""Measures how often an exception raised by a signal handler during
``with hermetic():`` leaves the flag on (docs/reliability.md), and whether a
block that left it on spoils later ones. test_async_exception.py runs it for
a second; by hand: `python measure_async_exception.py SECONDS`. Prints
`exceptions=N left_on=N spoiled=N backend=NAME`."""
import signal
import sys
import time

import hermetic_pyobject_tls as h


class Boom(Exception):
    pass


def handler(s, f):
    raise Boom


signal.signal(signal.SIGALRM, handler)
left_on = hits = spoiled = 0
deadline = time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline:
    h.set_state(False)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.00002)
        for _ in range(50):
            with h.hermetic():
                pass
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Boom:
        hits += 1
        if h.get_state():
            left_on += 1
    signal.setitimer(signal.ITIMER_REAL, 0)
    # The user's mitigation: set the flag back where the exception is caught.
    try:
        h.set_state(False)
        with h.hermetic():
            pass
        spoiled += h.get_state()
    except Boom:  # a last alarm already on its way
        pass
signal.setitimer(signal.ITIMER_REAL, 0)
print(f"exceptions={hits} left_on={left_on} spoiled={spoiled} backend={h.backend}")
