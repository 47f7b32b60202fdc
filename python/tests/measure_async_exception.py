"""Measures how often an exception raised by a signal handler during
``with hermetic():`` leaves the flag on (docs/reliability.md, issue 13 item 12).
Not a test: run it by hand, `python measure_async_exception.py SECONDS`."""
import signal, sys, time
import hermetic_pyobject_tls as h
class Boom(Exception): pass
def handler(s, f): raise Boom
signal.signal(signal.SIGALRM, handler)
left_on = hits = 0
deadline = time.monotonic() + float(sys.argv[1])
n = 0
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
        if h.get_state(): left_on += 1
    n += 1
signal.setitimer(signal.ITIMER_REAL, 0)
print(f"exceptions {hits}, flag left on {left_on}")
