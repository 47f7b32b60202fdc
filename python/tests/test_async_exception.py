"""hermetic() when an exception from a signal handler lands right after the
set in __enter__ (issue 13, item 12): the interpreter raises it as the call
into C returns, so "with" never calls __exit__; __enter__ must undo the set.
__exit__ runs no Python code (test_api.py checks that); what is left on
CPython 3.8 and 3.9 is measured in docs/reliability.md."""

from __future__ import annotations

import pytest

import hermetic_pyobject_tls as h


class Landed(Exception):
    pass


def test_exception_right_after_the_set_in_enter_leaves_the_flag_as_it_was(monkeypatch):
    real = h._set_state
    calls = []

    def set_then_raise(state):
        real(state)
        calls.append(state)
        if state is True and len(calls) == 1:
            raise Landed  # what a signal handler's exception does after the C call

    h.set_state(False)
    monkeypatch.setattr(h, "_set_state", set_then_raise)
    with pytest.raises(Landed):
        with h.hermetic():
            pytest.fail("the block must not run")
    monkeypatch.undo()
    assert h.get_state() is False
    assert calls == [True, False]


def test_an_object_can_be_entered_again_after_such_an_exception(monkeypatch):
    real = h._set_state
    armed = [True]

    def set_then_raise(state):
        real(state)
        if armed[0]:
            armed[0] = False
            raise Landed

    ctx = h.hermetic()
    monkeypatch.setattr(h, "_set_state", set_then_raise)
    with pytest.raises(Landed):
        with ctx:
            pass
    monkeypatch.undo()
    with ctx:
        assert h.get_state() is True
    assert h.get_state() is False
