"""hermetic() blocks that end out of order on one OS thread: asyncio tasks,
generators and greenlets that switch inside their blocks.

The flag belongs to the OS thread. Nested blocks behave as PyTorch's guard
(each restores the value it found); blocks that end out of order leave the
flag on while any block of the thread is still open, and when the last one
ends the flag has the value from before the first one began."""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import os
import threading
from typing import Iterator, List

import pytest

import hermetic_pyobject_tls as h


@pytest.fixture(autouse=True)
def _clean_flag():
    h.set_state(False)
    yield
    h.set_state(False)


@pytest.mark.parametrize("start", [False, True])
@pytest.mark.parametrize("first_to_end", ["first-entered", "last-entered"])
def test_two_asyncio_tasks_switching_inside_their_blocks(start, first_to_end):
    seen: List[tuple] = []

    async def main() -> None:
        a_in, b_in, a_go, b_go = (asyncio.Event() for _ in range(4))

        async def task(name: str, entered: asyncio.Event, go: asyncio.Event) -> None:
            with h.hermetic():
                entered.set()
                await go.wait()  # the other task runs meanwhile, inside its own block
                seen.append((name, "inside", h.get_state()))
            seen.append((name, "after", h.get_state()))

        h.set_state(start)
        ta = asyncio.ensure_future(task("a", a_in, a_go))
        await a_in.wait()
        tb = asyncio.ensure_future(task("b", b_in, b_go))
        await b_in.wait()
        first, second = (a_go, b_go) if first_to_end == "first-entered" else (b_go, a_go)
        first.set()
        await asyncio.sleep(0.01)
        seen.append(("main", "one block open", h.get_state()))
        second.set()
        await asyncio.gather(ta, tb)
        seen.append(("main", "both ended", h.get_state()))

    asyncio.run(main())
    assert all(state is True for _, where, state in seen if where in ("inside", "one block open")), seen
    assert [s for s in seen if s[0] == "main"][-1] == ("main", "both ended", start), seen
    assert h.get_state() is start


def _block(cm: "h.hermetic") -> Iterator[None]:
    with cm:
        yield


@pytest.mark.parametrize("same_object", [False, True], ids=["own-objects", "one-shared-object"])
@pytest.mark.parametrize("start", [False, True])
def test_every_order_of_ending_four_interleaved_blocks(start, same_object):
    """Generators enter four blocks one after the other and end them in each
    of the 24 orders: on while any is open, the start value after the last."""
    shared = h.hermetic()
    for order in itertools.permutations(range(4)):
        h.set_state(start)
        blocks = [_block(shared if same_object else h.hermetic()) for _ in range(4)]
        for b in blocks:
            next(b)
            assert h.get_state() is True
        for n, i in enumerate(order):
            with pytest.raises(StopIteration):
                next(blocks[i])
            want = True if n < 3 else start
            assert h.get_state() is want, (order, n)


def test_nested_blocks_inside_interleaved_ones_still_restore_what_they_found():
    outer = _block(h.hermetic())
    next(outer)  # open, suspended
    h.set_state(False)  # cleared by hand while the outer block is open
    with h.hermetic():
        assert h.get_state() is True
    assert h.get_state() is False  # the nested block restored what it found
    with pytest.raises(StopIteration):
        next(outer)
    assert h.get_state() is False


def test_a_block_ended_on_another_thread_leaves_both_threads_alone():
    """A generator suspended inside a block and finished on another thread
    (a coroutine closed there, say): that thread's flag is untouched, and the
    thread that entered keeps its flag on, as its block never ended there."""
    gen = _block(h.hermetic())
    next(gen)
    seen = []

    def finish() -> None:
        seen.append(h.get_state())
        with pytest.raises(StopIteration):
            next(gen)
        seen.append(h.get_state())

    t = threading.Thread(target=finish)
    t.start()
    t.join(30)
    assert not t.is_alive()
    assert seen == [False, False]
    assert h.get_state() is True


# Greenlets (a package of its own, from PyPI): the CTest tests python.greenlet
# and python.greenlet.ctypes install it and set HERMETIC_PYOBJECT_TLS_TEST_GREENLET;
# the matrix's venvs do not have it, and define no greenlet test.
if os.environ.get("HERMETIC_PYOBJECT_TLS_TEST_GREENLET"):

    def test_greenlet_is_installed_where_asked():
        assert importlib.util.find_spec("greenlet") is not None

if importlib.util.find_spec("greenlet") is not None:

    @pytest.mark.parametrize("start", [False, True])
    @pytest.mark.parametrize("first_to_end", ["first-entered", "last-entered"])
    def test_two_greenlets_switching_inside_their_blocks(start, first_to_end):
        import greenlet

        main = greenlet.getcurrent()
        seen: List[tuple] = []

        def body(name: str) -> None:
            with h.hermetic():
                main.switch()  # suspended inside the block
                seen.append((name, "inside", h.get_state()))
            seen.append((name, "after", h.get_state()))

        h.set_state(start)
        a, b = greenlet.greenlet(lambda: body("a")), greenlet.greenlet(lambda: body("b"))
        a.switch()
        b.switch()
        assert h.get_state() is True
        first, second = (a, b) if first_to_end == "first-entered" else (b, a)
        first.switch()
        seen.append(("main", "one block open", h.get_state()))
        second.switch()
        assert a.dead and b.dead
        assert all(state is True for _, where, state in seen if where in ("inside", "one block open")), seen
        assert h.get_state() is start
