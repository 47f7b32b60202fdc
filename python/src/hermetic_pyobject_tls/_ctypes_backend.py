# SPDX-License-Identifier: BSD-3-Clause
"""The ctypes backend: the package's binding where the native extension
(_native) does not load (another Python implementation, a wheel without it,
an interpreter it was not built for) or when HERMETIC_PYOBJECT_TLS_BACKEND=ctypes
asks for it.

- `dl`: the dynamic loader for _loader.py, through ctypes;
- bind(library): get_state, set_state, init_state, have_state over the
  library's functions;
- hermetic: the same per-thread stack as the native type (see _native.c),
  written in Python. Its __enter__ and __exit__ are Python code, so an
  exception raised by a signal handler can land in them
  (docs/reliability.md measures how often that leaves the flag on).

get_state and have_state are ctypes function objects called without
releasing the GIL: they are single thread-local loads in C that never block.
set_state and init_state are ordinary ctypes calls, which release the GIL.
"""

from __future__ import annotations

import ctypes
import os
import threading
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (most of the import time)

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, Callable, List, Optional, Type


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


def _libdl() -> Any:
    """The C library's dl functions (in libc since glibc 2.34, libdl before)."""
    for where in (None, "libdl.so.2"):
        try:
            lib = ctypes.CDLL(where)
            lib.dladdr
            return lib
        except (OSError, AttributeError):
            continue
    raise ImportError("hermetic_pyobject_tls: no dlsym/dladdr in this process's C library")


class _Dl:
    """_loader.py's view of the dynamic loader, through ctypes."""

    def __init__(self) -> None:
        libdl = _libdl()
        self._dlsym = libdl.dlsym
        self._dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self._dlsym.restype = ctypes.c_void_p
        self._dlclose = libdl.dlclose
        self._dlclose.argtypes = [ctypes.c_void_p]
        self._dlclose.restype = ctypes.c_int
        self._dladdr = libdl.dladdr
        self._dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
        self._dladdr.restype = ctypes.c_int

    def dlopen(self, path: Optional[str], flags: int) -> int:
        handle = ctypes.CDLL(path, mode=flags)._handle  # OSError with dlerror()
        return int(handle)

    def dlsym(self, handle: int, name: str) -> int:
        return self._dlsym(handle, name.encode()) or 0  # type: ignore[no-any-return]

    def dlclose(self, handle: int) -> None:
        self._dlclose(handle)

    def dladdr(self, address: int) -> Optional[str]:
        info = _DlInfo()
        if address and self._dladdr(address, ctypes.byref(info)) and info.dli_fname:
            return os.fsdecode(info.dli_fname)
        return None

    def call_uint(self, address: int) -> int:
        return ctypes.CFUNCTYPE(ctypes.c_uint)(address)()  # type: ignore[no-any-return]

    def call_str(self, address: int) -> bytes:
        return ctypes.CFUNCTYPE(ctypes.c_char_p)(address)() or b""  # type: ignore[no-any-return]


dl = _Dl()


def _reader(address: int) -> Callable[[], bool]:
    """A ctypes function object for `bool f(void)` at address, called with
    the GIL held.

    ctypes.PYFUNCTYPE would do, but its cdecl flag lets callers pass extra
    arguments that are silently dropped (get_state(True) would "work"). The
    same prototype without FUNCFLAG_CDECL rejects them with a TypeError; off
    Windows that flag changes nothing else (the ABI is the platform default).
    Where ctypes lacks those names, a Python function around PYFUNCTYPE.
    """
    base = getattr(ctypes, "_CFuncPtr", None)
    flag = getattr(ctypes, "_FUNCFLAG_PYTHONAPI", None)
    if os.name != "nt" and base is not None and flag is not None:

        class _Reader(base):  # type: ignore[misc, valid-type]
            _argtypes_ = ()
            _restype_ = ctypes.c_bool
            _flags_ = flag

        return _Reader(address)  # type: ignore[no-any-return]
    raw = ctypes.PYFUNCTYPE(ctypes.c_bool)(address)

    def reader() -> bool:
        return raw()  # type: ignore[no-any-return]

    return reader


# Set by bind(): the library's functions. Writes enter the Go runtime: an
# ordinary ctypes call, which releases the GIL.
_set_state: Callable[[bool], None]
_init_state: Callable[[], None]
get_state: Callable[[], bool]
have_state: Callable[[], bool]


def bind(functions: "dict[str, int]") -> None:
    """Makes this module's functions call the library at these addresses."""
    global _set_state, _init_state, get_state, have_state
    _set_state = ctypes.CFUNCTYPE(None, ctypes.c_bool)(functions["set_state"])
    _init_state = ctypes.CFUNCTYPE(None)(functions["init_state"])
    get_state = _reader(functions["get_state"])
    have_state = _reader(functions["have_state"])


def set_state(state: bool) -> None:
    """Sets hermetic mode for the calling OS thread; other threads keep theirs.

    Only a bool is accepted (``True`` or ``False``); anything else raises
    TypeError, so that ``set_state("no")`` cannot silently turn the mode on.
    Convert explicitly with ``bool(x)`` if that is what you mean.
    """
    if state is True:
        _set_state(True)
    elif state is False:
        _set_state(False)
    else:
        raise TypeError(
            f"set_state() takes a bool (True or False), not {type(state).__qualname__!r}; "
            "convert with bool(value) if that is what you mean"
        )


def init_state() -> None:
    """Makes have_state() True for the whole process. Idempotent, thread-safe."""
    _init_state()


# Each thread's stack of open blocks: [hermetic object, the value its
# __enter__ found], the most recent last (the native type's, in Python).
_threads = threading.local()


def _stack() -> "List[List[Any]]":
    try:
        return _threads.stack  # type: ignore[no-any-return]
    except AttributeError:
        _threads.stack = []
        return _threads.stack  # type: ignore[no-any-return]


class hermetic:
    """``with hermetic():`` turns hermetic mode on for the calling OS thread
    and, when the block ends (also by an exception), sets back the value it
    found. Nestable, also with the same object; one object may be shared by
    threads. Blocks that end out of order on one thread (asyncio tasks,
    greenlets) leave the flag on while any of them is open, and the value
    from before the first when the last ends.
    """

    # An exception raised by a signal handler lands where the interpreter
    # checks for one: right after a call returns, on a backward jump, as a
    # Python frame starts, and (3.8, 3.9) before any instruction. The bodies
    # below keep calls and loops out of the way of the frequent path, and
    # make the write that matters in a finally clause or undo it.

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # As the native type: final.
        raise TypeError("type 'hermetic' is not an acceptable base type")

    def __enter__(self) -> "hermetic":
        entry = [self, True]
        try:
            stack = _threads.stack
        except AttributeError:
            stack = _threads.stack = []
        try:
            found = entry[1] = get_state()
            stack.append(entry)
            if not found:
                _set_state(True)
                # Handlers of signals that came during the write run here,
                # where their exception is undone, not as __exit__ starts.
                _run_pending_signal_handlers()
        except BaseException:
            # An exception from a signal handler after one of those calls:
            # "with" would then never call __exit__: undo.
            for i in range(len(stack) - 1, -1, -1):
                if stack[i] is entry:
                    del stack[i]
                    _set_state(entry[1])
                    break
            raise
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        restore = None
        try:
            stack = _threads.stack
            if stack and stack[-1][0] is self:  # the latest block: nested ones end so
                restore = stack[-1][1]  # (no call before the finally clause has it)
                del stack[-1]
            else:
                _end_out_of_order(stack, self)
        except AttributeError:
            return None  # no block on this thread
        finally:
            if restore is not None:
                _set_state(restore)
        return None


def _run_pending_signal_handlers() -> None:
    """Nothing: a Python frame's start is where the interpreter runs pending
    signal handlers (3.11 and 3.12 do not after a call into C)."""


def _end_out_of_order(stack: "List[List[Any]]", cm: hermetic) -> None:
    """Ends cm's latest block on this thread, below the top of the stack (or
    nothing when it has none): no write, and the block above inherits the
    value it found."""
    i = len(stack) - 1
    while i >= 0 and stack[i][0] is not cm:
        i -= 1
    if i >= 0:
        stack[i + 1][1] = stack[i][1]
        del stack[i]


hermetic.__module__ = "hermetic_pyobject_tls"  # where users find it, as the native type says
