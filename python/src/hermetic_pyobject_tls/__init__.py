# SPDX-License-Identifier: BSD-3-Clause
"""Per-OS-thread "hermetic mode" (PyTorch's c10::impl::HermeticPyObjectTLS).

Over the C ABI of libhermetic_pyobject_tls (see include/hermetic_pyobject_tls.h),
which ships inside this package; set HERMETIC_PYOBJECT_TLS_LIBRARY to load
another build instead. A copy already in the process (same SONAME, found
without loading anything, for example one a C extension linked) is always
used instead of either, so that the process keeps one flag and one Go
runtime; an incompatible copy there makes the import fail with ImportError
(_loader.py says the rules).

- set_state(state: bool) -> None: this OS thread's flag (every
  threading.Thread is its own OS thread; a new thread starts False).
- get_state() -> bool: this OS thread's flag.
- init_state() -> None: makes have_state() True for the whole process, forever.
- have_state() -> bool
- hermetic(): a context manager that turns the flag on for the current thread
  and sets back the value it found when the block ends (exceptions
  included); nestable. Blocks that end out of order on one thread (asyncio
  tasks, greenlets) leave the flag on while any is open and the value from
  before the first when the last one ends.
- backend: "native" (the C extension _native) or "ctypes".

The flag belongs to the OS thread, not to an asyncio task or a generator:
tasks that switch inside ``with hermetic():`` share the flag.

Two backends, one API. The native one, a C extension over the library's C
ABI, is used wherever it loads: every CPython 3.8+ with a GIL (the abi3
build), also in interpreters with their own GIL, and the free-threaded
build it was built for. ctypes is used where it does not (another
implementation, a wheel without it), or everywhere when the environment
variable HERMETIC_PYOBJECT_TLS_BACKEND is "ctypes" ("native" makes a missing
extension an ImportError; empty or "auto": native if it loads).
"""

from __future__ import annotations

import os
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (most of the import time)

if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Tuple

__all__ = [
    "__version__",
    "set_state",
    "get_state",
    "init_state",
    "have_state",
    "hermetic",
    "backend",
    "library_path",
    "library_version",
    "ENV_VAR",
    "BACKEND_ENV_VAR",
]

try:
    from . import _build_info
except ImportError:
    raise ImportError(
        "hermetic_pyobject_tls is not built: its _build_info module (made when "
        "the wheel is built) is missing. Install the package with `pip install .` "
        "from the root of a clone of hermetic-pyobject-tls (it needs the Go "
        "toolchain); do not import it from the source tree."
    ) from None

from . import _loader

#: The version this package was built for (from include/hermetic_pyobject_tls.h).
__version__: str = _build_info.VERSION

#: The environment variable that names another build of the library.
ENV_VAR = _loader.ENV_VAR

#: The environment variable that chooses the backend: "native", "ctypes", or
#: empty / "auto" (native where it loads, else ctypes).
BACKEND_ENV_VAR = "HERMETIC_PYOBJECT_TLS_BACKEND"

# Why the native backend is not in use, when it is not (None when it is).
_native_error: Optional[str] = None


def _choose_backend() -> Tuple[str, Any]:
    global _native_error
    want = os.environ.get(BACKEND_ENV_VAR, "").strip().lower()
    if want not in ("", "auto", "native", "ctypes"):
        raise ImportError(
            f"hermetic_pyobject_tls: {BACKEND_ENV_VAR}={os.environ[BACKEND_ENV_VAR]!r} is not a backend: "
            "use native, ctypes, or leave it empty (native where it loads, else ctypes)"
        )
    if want == "ctypes":
        _native_error = f"{BACKEND_ENV_VAR}=ctypes"
    else:
        try:
            from . import _native
        except ImportError as e:
            if want == "native":
                raise ImportError(
                    f"hermetic_pyobject_tls: {BACKEND_ENV_VAR}=native, but the native extension does not "
                    f"load here: {e}. Install the wheel built for this interpreter (pip install .), or "
                    f"leave {BACKEND_ENV_VAR} empty to use ctypes where it does not load"
                ) from None
            _native_error = f"{type(e).__name__}: {e}"
        else:
            return "native", _native
    from . import _ctypes_backend

    return "ctypes", _ctypes_backend


_backend_name, _backend = _choose_backend()
_dl: Any = _backend if _backend_name == "native" else _backend.dl
_library = _loader.load(_dl)

#: Which binding this interpreter uses: "native" (the C extension) or "ctypes".
backend: str = _backend_name

#: What was loaded: the bundled library's path, the value of
#: HERMETIC_PYOBJECT_TLS_LIBRARY, or the copy already in the process.
library_path: str = _library.path

#: The version of the library loaded at run time, as "MAJOR.MINOR.PATCH".
library_version: str = _library.version

get_state: Callable[[], bool]
have_state: Callable[[], bool]
set_state: Callable[[bool], None]
init_state: Callable[[], None]

if _backend_name == "native":
    _fn = _library.functions
    _backend.bind(_fn["get_state"], _fn["set_state"], _fn["init_state"], _fn["have_state"])
    del _fn
else:
    _backend.bind(_library.functions)

#: Returns the calling OS thread's hermetic mode (False until the thread sets it).
get_state = _backend.get_state
#: Returns whether init_state() has been called in this process (or, in a
#: forked child, in its parent before the fork).
have_state = _backend.have_state
#: Sets hermetic mode for the calling OS thread; only a bool (else TypeError).
set_state = _backend.set_state
#: Makes have_state() True for the whole process. Idempotent, thread-safe.
init_state = _backend.init_state
hermetic = _backend.hermetic


def _path_of_address(address: Optional[int]) -> Optional[str]:
    """The file the code at address was mapped from (dladdr), or None."""
    return _loader.path_of_address(_dl, address)
