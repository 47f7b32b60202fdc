"""The Python API on the calling thread: values, types, errors, the context manager."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from pathlib import Path

import pytest

import hermetic_pyobject_tls as h
from hermetic_pyobject_tls import _build_info

from conftest import ENV_VAR, header_version, run_python


@pytest.fixture(autouse=True)
def _clean_flag():
    """Each test starts and ends with this thread's flag False."""
    h.set_state(False)
    yield
    assert h.get_state() is False or h.get_state() is True
    h.set_state(False)


def test_version_comes_from_the_header():
    version, number = header_version()
    assert h.__version__ == version
    assert _build_info.VERSION == version
    assert _build_info.VERSION_NUMBER == number
    # The loaded library agrees too (it is built from the same header).
    assert h.library_version == version
    assert h._dl.call_uint(h._library.functions["version_number"]) == number


def test_bundled_library_is_loaded_and_typed():
    pkg = Path(h.__file__).parent
    if os.environ.get(ENV_VAR):
        assert h.library_path == os.environ[ENV_VAR]
    else:
        assert Path(h.library_path) == pkg / _build_info.LIBRARY_NAME
        assert Path(h.library_path).is_file()
    assert (pkg / "py.typed").is_file()


def test_set_and_get_return_exact_bools():
    assert h.get_state() is False
    h.set_state(True)
    assert h.get_state() is True
    h.set_state(True)
    assert h.get_state() is True
    h.set_state(False)
    assert h.get_state() is False
    assert type(h.have_state()) is bool


class _Truthy:
    def __bool__(self) -> bool:
        return True


@pytest.mark.parametrize("start", [False, True])
@pytest.mark.parametrize(
    "bad", ["yes", "", "no", 1, 0, 2, 1.0, 0.0, None, [], [True], b"\x01", _Truthy(), ctypes.c_bool(True)]
)
def test_set_state_rejects_non_bool_and_keeps_the_state(start, bad):
    h.set_state(start)
    with pytest.raises(TypeError) as info:
        h.set_state(bad)
    message = str(info.value)
    assert type(bad).__qualname__ in message
    assert "bool" in message
    assert h.get_state() is start


def test_wrong_arity_is_a_type_error():
    with pytest.raises(TypeError):
        h.set_state()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        h.set_state(True, True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        h.get_state(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        h.have_state(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        h.init_state(1)  # type: ignore[call-arg]
    assert h.get_state() is False


def test_hermetic_turns_on_and_restores_false():
    with h.hermetic() as cm:
        assert isinstance(cm, h.hermetic)
        assert h.get_state() is True
    assert h.get_state() is False


def test_hermetic_restores_true():
    h.set_state(True)
    with h.hermetic():
        assert h.get_state() is True
        h.set_state(False)  # changed inside: exit still restores the value from before
    assert h.get_state() is True


def test_hermetic_restores_on_exception_and_does_not_swallow_it():
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with h.hermetic():
            assert h.get_state() is True
            raise Boom()
    assert h.get_state() is False

    h.set_state(True)
    with pytest.raises(KeyboardInterrupt):
        with h.hermetic():
            raise KeyboardInterrupt()
    assert h.get_state() is True


def test_hermetic_nested():
    with h.hermetic():
        assert h.get_state() is True
        h.set_state(False)
        with h.hermetic():
            assert h.get_state() is True
            with h.hermetic():
                assert h.get_state() is True
            assert h.get_state() is True
        assert h.get_state() is False  # the value the middle block found
        with pytest.raises(ValueError):
            with h.hermetic():
                raise ValueError()
        assert h.get_state() is False
    assert h.get_state() is False


def test_the_same_hermetic_object_nests_and_can_be_reused():
    cm = h.hermetic()
    h.set_state(False)
    with cm:
        with cm:  # each "with" restores the value it found
            assert h.get_state() is True
        assert h.get_state() is True
        h.set_state(False)
        with cm:
            assert h.get_state() is True
        assert h.get_state() is False
        h.set_state(True)
    assert h.get_state() is False
    with cm:
        assert h.get_state() is True
    assert h.get_state() is False


@pytest.mark.parametrize("before", [False, True])
def test_hermetic_enter_and_exit_called_by_hand(before):
    h.set_state(before)
    cm = h.hermetic()
    assert cm.__enter__() is cm
    assert h.get_state() is True
    assert cm.__exit__(None, None, None) is None  # falsy: exceptions propagate
    assert h.get_state() is before
    # As contextlib.ExitStack calls them: looked up on the class.
    h.hermetic.__enter__(cm)
    assert h.get_state() is True
    assert h.hermetic.__exit__(cm, ValueError, ValueError(), None) is None
    assert h.get_state() is before
    with contextlib.ExitStack() as stack:
        stack.enter_context(h.hermetic())
        assert h.get_state() is True
    assert h.get_state() is before
    h.set_state(False)


def test_hermetic_entered_by_hand_twice_restores_in_order():
    h.set_state(False)
    cm = h.hermetic()
    cm.__enter__()
    h.set_state(False)
    cm.__enter__()
    assert h.get_state() is True
    cm.__exit__(None, None, None)
    assert h.get_state() is False  # what the second __enter__ found
    cm.__exit__(None, None, None)
    assert h.get_state() is False  # what the first one found
    h.set_state(True)
    with cm:  # nothing left over from the calls by hand
        h.set_state(False)
    assert h.get_state() is True
    h.set_state(False)


def test_one_hermetic_object_shared_by_threads():
    shared = h.hermetic()
    errors = []
    barrier = threading.Barrier(4)

    def worker(i):
        barrier.wait()
        try:
            for n in range(3000):
                before = (n + i) % 3 == 0
                h.set_state(before)
                with shared:
                    if n % 2:
                        with shared:
                            pass
                    if h.get_state() is not True:
                        errors.append("off inside")
                if h.get_state() is not before:
                    errors.append(f"thread {i}: {h.get_state()} after, want {before}")
        except BaseException as e:
            errors.append(f"thread {i}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []


def test_no_python_code_runs_between_the_block_and_the_restore():
    """An exception that lands as soon as a Python frame starts (a trace
    function that raises on every call, as a signal handler's exception can
    land on entering a Python __exit__) cannot skip the restore on the native
    backend: hermetic's __exit__ is a C method. On the ctypes backend it is
    Python code, and the exception lands before the restore (the documented
    difference, python/README.md)."""

    class Landed(Exception):
        pass

    def raise_on_call(frame, event, arg):
        if event == "call":
            raise Landed
        return None

    h.set_state(False)
    landed = False
    try:
        with h.hermetic():
            sys.settrace(raise_on_call)
        sys.settrace(None)
    except Landed:
        landed = True
    finally:
        sys.settrace(None)
    if h.backend == "native":
        assert (landed, h.get_state()) == (False, False)
    else:
        assert (landed, h.get_state()) == (True, True)


def test_exit_looked_up_before_a_by_hand_enter_changes_nothing():
    """The value to restore is taken by __enter__, whatever looks __exit__ up
    and when: hasattr() before a by-hand enter, inspect.getmembers() between
    enter and exit (they used to leave the flag on for good)."""
    import inspect

    for before in (False, True):
        h.set_state(before)
        cm = h.hermetic()
        assert hasattr(cm, "__exit__")
        cm.__enter__()
        inspect.getmembers(cm)
        getattr(cm, "__exit__")
        assert h.get_state() is True
        cm.__exit__(None, None, None)
        assert h.get_state() is before
        with cm:
            hasattr(cm, "__exit__")
        assert h.get_state() is before


def test_exit_without_enter_on_this_thread_changes_nothing():
    cm = h.hermetic()
    for state in (False, True):
        h.set_state(state)
        assert cm.__exit__(None, None, None) is None
        assert h.get_state() is state
    # Entered on another thread: ending it here touches neither thread.
    entered = threading.Event()
    done = threading.Event()
    seen = []

    def other():
        cm.__enter__()
        entered.set()
        done.wait(30)
        seen.append(h.get_state())
        cm.__exit__(None, None, None)  # its own block: restores
        seen.append(h.get_state())

    t = threading.Thread(target=other)
    t.start()
    assert entered.wait(30)
    h.set_state(False)
    cm.__exit__(None, None, None)
    assert h.get_state() is False
    done.set()
    t.join(30)
    assert not t.is_alive()
    assert seen == [True, False]


def test_hermetic_is_final():
    with pytest.raises(TypeError):

        class Sub(h.hermetic):  # type: ignore[misc]
            pass


def test_exit_takes_three_arguments():
    cm = h.hermetic()
    with pytest.raises(TypeError):
        cm.__exit__()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cm.__exit__(None, None)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        h.hermetic(1)  # type: ignore[call-arg]


def test_hermetic_is_per_thread():
    seen = []

    def other():
        seen.append(h.get_state())
        with h.hermetic():
            seen.append(h.get_state())
        seen.append(h.get_state())

    with h.hermetic():
        t = threading.Thread(target=other)
        t.start()
        t.join(30)
        assert not t.is_alive()
        assert h.get_state() is True
    assert seen == [False, True, False]


def test_have_state_in_a_fresh_process():
    r = run_python(
        "import hermetic_pyobject_tls as h\n"
        "a = h.have_state(); h.init_state(); b = h.have_state(); h.init_state(); c = h.have_state()\n"
        "print(a, b, c, h.get_state())\n"
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True", "True", "False"]
