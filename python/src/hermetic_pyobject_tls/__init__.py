# SPDX-License-Identifier: BSD-3-Clause
"""Per-OS-thread "hermetic mode" (PyTorch's c10::impl::HermeticPyObjectTLS).

A thin ctypes layer over libhermetic_pyobject_tls.so (a Go library with a C
ABI, see include/hermetic_pyobject_tls.h). The library ships inside this
package; set HERMETIC_PYOBJECT_TLS_LIBRARY to load another build instead.
A copy already in the process (same SONAME, found without loading anything,
for example one a C extension linked) is always used instead of either, so
that the process keeps one flag and one Go runtime; an incompatible copy
there makes the import fail with ImportError.

- set_state(state: bool) -> None: this OS thread's flag (every
  threading.Thread is its own OS thread; a new thread starts False).
- get_state() -> bool: this OS thread's flag.
- init_state() -> None: makes have_state() True for the whole process, forever.
- have_state() -> bool
- hermetic(): a context manager that turns the flag on for the current thread
  and restores the previous value on exit (exceptions included); nestable.

The flag belongs to the OS thread, not to an asyncio task or a generator:
code that switches tasks inside ``with hermetic():`` shares the flag.

get_state and have_state are ctypes function objects called without
releasing the GIL: they are single thread-local loads in C that never
block, so releasing and retaking the GIL would cost more than the call.
set_state and init_state enter the Go runtime and release the GIL.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import threading
from types import TracebackType
from typing import Callable, Optional, Type

__all__ = [
    "__version__",
    "set_state",
    "get_state",
    "init_state",
    "have_state",
    "hermetic",
    "library_path",
    "library_version",
    "ENV_VAR",
]

#: The environment variable that names another build of the library.
ENV_VAR = "HERMETIC_PYOBJECT_TLS_LIBRARY"

_PIP_HINT = (
    "Install the package with `pip install .` from the root of a clone of "
    "hermetic-pyobject-tls (it needs the Go toolchain)"
)

try:
    from . import _build_info
except ImportError:
    raise ImportError(
        "hermetic_pyobject_tls is not built: its _build_info module (made when "
        f"the wheel is built) is missing. {_PIP_HINT}; do not import it from the "
        "source tree."
    ) from None

#: The version this package was built for (from include/hermetic_pyobject_tls.h).
__version__: str = _build_info.VERSION


def _format_version(number: int) -> str:
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def _compatible(built: int, found: int) -> bool:
    """Whether a library with version number `found` serves a package built
    for `built`: the same major version, and not older than `built`. It is
    the rule of the library's SONAME (libhermetic_pyobject_tls.so.MAJOR) and
    of its CMake package (SameMajorVersion)."""
    return found // 10000 == built // 10000 and found >= built


# The library's SONAME, for example libhermetic_pyobject_tls.so.0.
_SONAME: str = _build_info.LIBRARY_NAME
_ANY_COPY = re.compile(r"/libhermetic_pyobject_tls\.so(\.[0-9]+)*$")


class _DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


def _path_of_address(address: Optional[int]) -> Optional[str]:
    """The file the code at address was mapped from (dladdr), or None."""
    for where in (None, "libdl.so.2"):
        try:
            dladdr = ctypes.CDLL(where).dladdr
            break
        except (OSError, AttributeError):
            continue
    else:
        return None
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
    dladdr.restype = ctypes.c_int
    info = _DlInfo()
    if address and dladdr(address, ctypes.byref(info)) and info.dli_fname:
        return os.fsdecode(info.dli_fname)
    return None


def _path_of(lib: ctypes.CDLL) -> str:
    """The file a loaded library was mapped from (dladdr on one of its functions)."""
    address = ctypes.cast(lib.hermetic_pyobject_tls_version_number, ctypes.c_void_p).value
    return _path_of_address(address) or _SONAME


def _mapped_files() -> "set[str]":
    """The names of the files mapped in this process (/proc/self/maps)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return {f[5].strip() for f in (line.split(None, 5) for line in maps) if len(f) == 6}
    except OSError:
        return set()


def _copies_mapped() -> "list[str]":
    """The files named libhermetic_pyobject_tls.so[.N...] mapped in this process."""
    return sorted(p for p in _mapped_files() if _ANY_COPY.search(p.replace(" (deleted)", "")))


def _already_loaded() -> "Optional[ctypes.CDLL]":
    """The copy of the library already in the process (loaded by a C or C++
    extension linked with -lhermetic_pyobject_tls, by the c10 layer, or by an
    earlier import), found by its SONAME without loading anything: every
    language in a process must share one copy, one flag and one Go runtime.
    Raises ImportError when a copy of another major version is mapped."""
    try:
        # RTLD_NOLOAD alone: with RTLD_GLOBAL it would also make a copy the
        # host loaded with RTLD_LOCAL global, for every library loaded later.
        return ctypes.CDLL(_SONAME, mode=getattr(os, "RTLD_NOLOAD", 4))
    except OSError:
        pass
    others = _copies_mapped()
    if others:
        raise ImportError(
            f"hermetic_pyobject_tls: this process already holds a copy of the library that is not "
            f"{_SONAME} (the SONAME this package was built for): {', '.join(others)}. A second "
            "copy would bring a second flag and a second Go runtime, so none is loaded. Use one "
            f"major version of hermetic-pyobject-tls in a process ({_build_info.VERSION} here)."
        )
    return _inside_another_object()


def _inside_another_object() -> "Optional[ctypes.CDLL]":
    """A shared object already in the process that carries the library inside
    it (an extension built from the static archive) and exports its
    functions: found by asking each mapped object, without loading anything,
    for hermetic_pyobject_tls_version_number."""
    import _ctypes

    found = _mapped_files()
    noload = getattr(os, "RTLD_NOLOAD", 4)
    for path in sorted(p for p in found if p.startswith("/") and ".so" in os.path.basename(p)):
        try:
            lib = ctypes.CDLL(path, mode=noload)
        except OSError:
            continue
        try:
            # dlsym on the handle: the object itself and what it links.
            lib.hermetic_pyobject_tls_version_number
        except AttributeError:
            # Give back the reference dlopen() took: the host may unload it.
            _ctypes.dlclose(lib._handle)
            continue
        return lib
    return None


#: Threads this user must still be able to start for the library to load: the
#: Go runtime starts 5 while loading (Go 1.26: `bench/limits/run`) and may
#: start more later; it aborts the whole process when it cannot.
_THREADS_NEEDED = 8

# Capabilities that lift RLIMIT_NPROC (the kernel's copy_process): bit numbers.
_CAP_SYS_ADMIN, _CAP_SYS_RESOURCE = 21, 24


def _check_thread_headroom() -> None:
    """ImportError instead of an abort when RLIMIT_NPROC leaves this user
    fewer than _THREADS_NEEDED more threads. The usual cost is a getrlimit
    and one read of /proc/loadavg (all threads on the system, an upper bound
    of this user's); this user's threads are counted only near the limit."""
    try:
        import resource
    except ImportError:
        return
    soft = resource.getrlimit(resource.RLIMIT_NPROC)[0]
    if soft == resource.RLIM_INFINITY or os.getuid() == 0:
        return
    try:
        with open("/proc/loadavg") as f:
            system_threads = int(f.read().split()[3].split("/")[1])
        if soft - system_threads >= _THREADS_NEEDED:
            return
        status = _proc_status("self")
    except (OSError, ValueError, IndexError):
        return  # no /proc to ask: load and let the runtime decide
    caps = int(status.get("CapEff", "0"), 16)
    if caps & (1 << _CAP_SYS_ADMIN | 1 << _CAP_SYS_RESOURCE):
        return
    uid = os.getuid()
    used = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = _proc_status(pid)
            if int(st["Uid"].split()[0]) == uid:  # the limit counts by real uid
                used += int(st["Threads"])
        except (OSError, ValueError, KeyError, IndexError):
            continue  # gone meanwhile
    if soft - used < _THREADS_NEEDED:
        raise ImportError(
            f"hermetic_pyobject_tls: not loading the library: the Go runtime in it starts threads "
            f"and aborts the process when it cannot. RLIMIT_NPROC is {soft} for user {uid}, who "
            f"already runs {used} threads, so {max(soft - used, 0)} more can start, and loading "
            f"needs {_THREADS_NEEDED}. Raise the limit (ulimit -u) or end some of this user's "
            f"threads or processes."
        )


def _proc_status(pid: str) -> "dict[str, str]":
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def _load() -> "tuple[ctypes.CDLL, str]":
    loaded = _already_loaded()
    if loaded is not None:
        where = f"{_path_of(loaded)!r} (already loaded in this process, found by its SONAME {_SONAME})"
        return _check(loaded, where, "Load a compatible build of the library first, or none"), _path_of(loaded)
    override = os.environ.get(ENV_VAR, "")
    if override:
        path = override
        where = f"{path!r} (from the environment variable {ENV_VAR})"
        remedy = (
            f"Point {ENV_VAR} at a libhermetic_pyobject_tls.so built by "
            "`scripts/build-library.sh shared OUTDIR`, or unset it to use the "
            "library bundled with the package"
        )
    else:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), _build_info.LIBRARY_NAME)
        where = f"{path!r} (bundled with the package; {ENV_VAR} is not set)"
        remedy = f"Reinstall the package ({_PIP_HINT}), or set {ENV_VAR} to the path of a built library"
        if not os.path.exists(path):
            raise ImportError(
                f"hermetic_pyobject_tls: the shared library is missing: looked for {where}. {remedy}."
            )
    _check_thread_headroom()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            f"hermetic_pyobject_tls: cannot load the shared library {where}: {e}. {remedy}."
        ) from None
    return _check(lib, where, remedy), path


def _check(lib: ctypes.CDLL, where: str, remedy: str) -> ctypes.CDLL:
    try:
        version_number = lib.hermetic_pyobject_tls_version_number
    except AttributeError:
        raise ImportError(
            f"hermetic_pyobject_tls: {where} is not a hermetic_pyobject_tls library: it does "
            f"not export hermetic_pyobject_tls_version_number. {remedy}."
        ) from None
    version_number.argtypes = []
    version_number.restype = ctypes.c_uint
    found = int(version_number())
    built = _build_info.VERSION_NUMBER
    if not _compatible(built, found):
        raise ImportError(
            f"hermetic_pyobject_tls: incompatible library {where}: it is version "
            f"{_format_version(found)} (number {found}), this package was built for "
            f"{_build_info.VERSION} (number {built}) and needs the same "
            f"major version, not older. {remedy}."
        )
    for name in ("set_state", "get_state", "init_state", "have_state", "version"):
        if not hasattr(lib, "hermetic_pyobject_tls_" + name):
            raise ImportError(
                f"hermetic_pyobject_tls: {where} does not export hermetic_pyobject_tls_{name}. {remedy}."
            )
    _check_runtime_side(lib, found, where, remedy)
    return lib


def _check_runtime_side(lib: ctypes.CDLL, version_number: int, where: str, remedy: str) -> None:
    """The library (the front, libhermetic_pyobject_tls.so.N) loads its Go
    runtime side, libhermetic_pyobject_tls_go.so.X.Y.Z, from its own
    directory at the process's first write; without it every write would be
    served in C. A copy inside another object (an extension built from the
    static archive) has its runtime linked in."""
    front = _path_of(lib)
    if not _ANY_COPY.search(front) or not os.path.isabs(front):
        return
    side = os.path.join(os.path.dirname(front), f"libhermetic_pyobject_tls_go.so.{_format_version(version_number)}")
    if not os.path.exists(side):
        raise ImportError(
            f"hermetic_pyobject_tls: the library {where} has no runtime side beside it: {side!r} is "
            f"missing (the library loads it at the first write). {remedy}."
        )


_lib, _path = _load()

#: What was loaded: the bundled library's path, or the value of HERMETIC_PYOBJECT_TLS_LIBRARY.
library_path: str = _path

# Writes enter the Go runtime: an ordinary ctypes call, which releases the GIL.
_set_state = _lib.hermetic_pyobject_tls_set_state
_set_state.argtypes = [ctypes.c_bool]
_set_state.restype = None

_init_state = _lib.hermetic_pyobject_tls_init_state
_init_state.argtypes = []
_init_state.restype = None

_version = _lib.hermetic_pyobject_tls_version
_version.argtypes = []
_version.restype = ctypes.c_char_p

#: The version of the library loaded at run time, as "MAJOR.MINOR.PATCH".
library_version: str = (_version() or b"").decode("ascii", "replace")


def _make_reader(name: str) -> Callable[[], bool]:
    """A ctypes function object for `bool name(void)`, called with the GIL held.

    ctypes.PYFUNCTYPE would do, but its cdecl flag lets callers pass extra
    arguments that are silently dropped (get_state(True) would "work"). The
    same prototype without FUNCFLAG_CDECL rejects them with a TypeError; off
    Windows that flag changes nothing else (the ABI is the platform default).
    """
    base = getattr(ctypes, "_CFuncPtr", None)
    flag = getattr(ctypes, "_FUNCFLAG_PYTHONAPI", None)
    if os.name != "nt" and base is not None and flag is not None:

        class _Reader(base):  # type: ignore[misc, valid-type]
            _argtypes_ = ()
            _restype_ = ctypes.c_bool
            _flags_ = flag

        return _Reader((name, _lib))  # type: ignore[no-any-return]
    raw = ctypes.PYFUNCTYPE(ctypes.c_bool)((name, _lib))

    def reader() -> bool:
        return raw()  # type: ignore[no-any-return]

    return reader


# Reads: a thread-local load in C, never blocking and never entering Go, so
# they keep the GIL (releasing and retaking it would cost more than the call).

#: Returns the calling OS thread's hermetic mode (False until the thread sets it).
get_state: Callable[[], bool] = _make_reader("hermetic_pyobject_tls_get_state")

#: Returns whether init_state() has been called in this process (or, in a
#: forked child, in its parent before the fork).
have_state: Callable[[], bool] = _make_reader("hermetic_pyobject_tls_have_state")


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


# The restore when a ``with hermetic():`` block ends runs without a Python
# frame, so that an exception raised by a signal handler cannot land between
# the start of __exit__ and the restore: __exit__ is a C callable,
# functools.partial over a ctypes prototype of set_state with the value to
# restore. The three extra parameters take __exit__'s (exc_type, exc, tb) and
# are ignored: on x86_64 and aarch64 they only fill argument registers that
# set_state does not read. Indexed by the value to restore.
_restore = ctypes.CFUNCTYPE(None, ctypes.c_bool, ctypes.py_object, ctypes.py_object, ctypes.py_object)(
    ctypes.cast(_set_state, ctypes.c_void_p).value
)
_RESTORE_TO = (functools.partial(_restore, False), functools.partial(_restore, True))


# Which hermetic() object's __exit__ "with" looked up last on this thread:
# "with" calls that object's __enter__ next. Per thread, so that one object
# can be shared by threads.
_with_begins = threading.local()


class _RestoreOnExit:
    """hermetic.__exit__: a descriptor that hands out the C-level restore."""

    def __get__(self, cm: "Optional[hermetic]", owner: "Optional[type]" = None) -> Callable[..., None]:
        if cm is None:
            return self  # hermetic.__exit__, called below with the object
        if cm._by_hand:
            # __enter__ was called by hand on this thread, then this lookup.
            saved = cm._by_hand.get(threading.get_ident())
            if saved:
                return _RESTORE_TO[saved.pop()]
        # "with" looks __exit__ up right before it calls __enter__: the value
        # now is the one to restore.
        _with_begins.cm = cm
        return _RESTORE_TO[get_state()]

    def __call__(
        self,
        cm: "hermetic",
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        # hermetic.__exit__(cm, ...), as contextlib.ExitStack calls it.
        return cm.__exit__(exc_type, exc, tb)


class hermetic:
    """``with hermetic():`` turns hermetic mode on for the current OS thread
    and restores the thread's previous value on exit, also when the block
    raises. Nestable, also with the same object, and one object may be
    shared by threads: each ``with`` restores the value it found.
    """

    __slots__ = ("_by_hand",)

    def __init__(self) -> None:
        # Values saved by __enter__ calls made by hand, per thread, for the
        # __exit__ calls that follow them: {thread id: [value, ...]}.
        self._by_hand: "Optional[dict[int, list[bool]]]" = None

    def __enter__(self) -> "hermetic":
        previous = get_state()
        by_hand = None
        if getattr(_with_begins, "cm", None) is self:
            _with_begins.cm = None  # "with": its __exit__ already holds previous
        else:
            if self._by_hand is None:
                self._by_hand = {}
            by_hand = self._by_hand.setdefault(threading.get_ident(), [])
            by_hand.append(previous)
        try:
            _set_state(True)
        except BaseException:
            # An exception from a signal handler lands right after the call
            # returns (the interpreter checks for one after every call into
            # C); "with" would then never call __exit__: undo the set here.
            _set_state(previous)
            if by_hand:
                by_hand.pop()
            raise
        return self

    __exit__ = _RestoreOnExit()
