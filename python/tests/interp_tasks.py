"""Tasks that test_subinterpreters.py hands to InterpreterPoolExecutor: they
must live in a module every interpreter can import (not in __main__)."""
import threading


def toggle(i: int) -> "tuple[bool, bool, str, int]":
    """Sets this thread's flag to an i-dependent value and reads it back."""
    import hermetic_pyobject_tls as h

    want = i % 3 == 0
    h.set_state(want)
    with h.hermetic():
        assert h.get_state() is True
    got = h.get_state()
    h.set_state(False)
    return (want, got, h.backend, threading.get_native_id())
