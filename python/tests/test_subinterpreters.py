"""Sub-interpreters: the package imports and works in them, and an OS thread
has one flag whatever interpreter reads or sets it (the flag is a C
thread-local of the library, which every interpreter of the process shares).

What each Python has, and what these tests expect there (no test skips):
- every version: legacy sub-interpreters (shared GIL), _testcapi.run_in_subinterp;
- 3.8 to 3.11: _xxsubinterpreters' interpreters (they share the main GIL);
- 3.12: isolated interpreters with their own GIL (_xxsubinterpreters.create(isolated=True)),
  where `import ctypes` fails: ImportError "module _ctypes does not support
  loading in subinterpreters", so the package cannot be imported there;
- 3.13: isolated interpreters with their own GIL (_interpreters.create("isolated")):
  the package imports and works;
- 3.14 and newer: concurrent.interpreters (own GIL), the package works.
Each test runs in a child process with a timeout (conftest.run_python).
"""

from __future__ import annotations

import sys
import textwrap

from conftest import run_python

# Code run in a sub-interpreter: imports the package, reads this thread's flag,
# sets it to NEW, reads it again, and writes both reads to the fd OUT.
_SUB = """
import os, hermetic_pyobject_tls as h
before = h.get_state()
h.set_state({new})
os.write({out}, repr((before, h.get_state(), h.have_state())).encode())
"""

# The driver, run in a child: PRELUDE defines run_sub(code) -> None, which
# runs `code` in a new sub-interpreter on the calling thread and raises on
# failure. The driver checks one flag per OS thread across interpreters.
_DRIVER = """
import os, sys, threading
import hermetic_pyobject_tls as h
{prelude}
SUB = {sub!r}

def sub(new):
    r, w = os.pipe()
    try:
        run_sub(SUB.format(new=new, out=w))
        os.close(w); w = -1
        return eval(os.read(r, 200).decode())
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)

h.init_state()
# main thread: main sets, the sub-interpreter sees it and clears it, main sees that.
h.set_state(True)
before, after, have = sub(False)
assert (before, after, have) == (True, False, True), (before, after, have)
assert h.get_state() is False
before, after, _ = sub(True)
assert (before, after) == (False, True), (before, after)
assert h.get_state() is True
h.set_state(False)

# another OS thread: a sub-interpreter there sets that thread's flag; the main
# interpreter reads it on that thread, and the main thread's flag is untouched.
seen = []
def worker():
    seen.append(h.get_state())          # a new thread starts False
    seen.append(sub(True))
    seen.append(h.get_state())          # main interpreter, same thread
    h.set_state(False)
    seen.append(sub(False)[0])          # and the sub-interpreter sees main's write
t = threading.Thread(target=worker)
t.start(); t.join(30)
assert not t.is_alive()
assert seen == [False, (False, True, True), True, False], seen
assert h.get_state() is False
print("OK", sys.version_info[:2])
"""

_LEGACY = """
import _testcapi
def run_sub(code):
    rc = _testcapi.run_in_subinterp(code)
    if rc != 0:
        raise RuntimeError(f"run_in_subinterp returned {rc}")
"""

_ISOLATED_312 = """
import _xxsubinterpreters as I
def run_sub(code):
    iid = I.create(isolated=True)
    try:
        I.run_string(iid, code)
    finally:
        I.destroy(iid)
"""

_XX_SHARED_GIL = """
import _xxsubinterpreters as I
def run_sub(code):
    iid = I.create()
    try:
        I.run_string(iid, code)
    finally:
        I.destroy(iid)
"""

_ISOLATED_313 = """
import _interpreters as I
def run_sub(code):
    assert I.new_config("isolated").gil == "own"
    iid = I.create("isolated")
    try:
        err = I.exec(iid, code)
        if err is not None:
            raise RuntimeError(f"{err.type.__name__}: {err.msg}")
    finally:
        I.destroy(iid)
"""

_CONCURRENT = """
from concurrent import interpreters
def run_sub(code):
    interp = interpreters.create()
    try:
        interp.exec(code)
    finally:
        interp.close()
"""


def _driver(prelude: str) -> str:
    return textwrap.dedent(_DRIVER).format(prelude=prelude, sub=_SUB)


def _ok(prelude: str) -> None:
    r = run_python(_driver(prelude))
    assert r.returncode == 0 and "OK" in r.stdout, f"rc={r.returncode}\n{r.stdout}\n{r.stderr}"


def test_legacy_subinterpreters_share_the_thread_flag():
    _ok(_LEGACY)


def test_isolated_interpreters_own_gil():
    if sys.version_info >= (3, 14):
        _ok(_CONCURRENT)
    elif sys.version_info >= (3, 13):
        _ok(_ISOLATED_313)
    elif sys.version_info >= (3, 12):
        # ctypes cannot load in an isolated interpreter on 3.12: the error a
        # user sees, documented in python/README.md.
        r = run_python(_driver(_ISOLATED_312))
        assert r.returncode != 0, r.stdout
        assert "module _ctypes does not support loading in subinterpreters" in r.stderr, r.stderr
    else:
        # Before 3.12 no interpreter has its own GIL: _xxsubinterpreters'
        # interpreters share the main one, and the package works there.
        _ok(_XX_SHARED_GIL)
