# SPDX-License-Identifier: BSD-3-Clause
"""PyTorch 2.7 ... 2.12 follows this package's flag: the c10 ABI layer.

    import hermetic_pyobject_tls.c10
    hermetic_pyobject_tls.c10.install()   # before `import torch`
    import torch

install() loads libhermetic_pyobject_tls_c10.so.0, shipped next to the
package's library, with RTLD_GLOBAL. It defines the symbols of
c10::impl::HermeticPyObjectTLS that PyTorch's libc10.so exports, so when
torch loads afterwards its libraries bind to the layer, and PyTorch's
hermetic mode is this package's flag (set_state/get_state/hermetic(), and
the C ABI on any thread). docs/pytorch.md explains why and what cannot work.

- install() -> str: the layer's path. Raises C10Error (and loads nothing)
  when PyTorch's libc10 is already in the process: its importers are bound
  to libc10's own flag by then. A second call returns the same path and
  does nothing else; so does a call when the layer is already in the
  process (for example through LD_PRELOAD).
- layer_path() -> str: where the layer is (beside library_path).
- installed() -> bool: whether the layer provides PyTorch's symbols here.
"""

import ctypes
import os
import threading
from typing import Optional

from . import _path_of_address, library_path

__all__ = ["C10Error", "install", "installed", "layer_path", "LAYER_NAME"]

#: The layer's file name (its SONAME).
LAYER_NAME = "libhermetic_pyobject_tls_c10.so.0"
_GET_TLS_STATE = "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv"
_RTLD_NOLOAD = getattr(os, "RTLD_NOLOAD", 4)

_lock = threading.Lock()
_installed: Optional[str] = None


class C10Error(RuntimeError):
    """install() cannot make PyTorch follow the flag (nothing was changed)."""


def layer_path() -> str:
    """The c10 ABI layer beside the library this package loaded."""
    return os.path.join(os.path.dirname(os.path.abspath(library_path)), LAYER_NAME)


def _libc10_loaded() -> Optional[str]:
    """Where PyTorch's libc10 is mapped in this process, or None."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                f = line.split(None, 5)
                if len(f) == 6:
                    path = f[5].strip().replace(" (deleted)", "")
                    if os.path.basename(path).startswith("libc10.so"):
                        return path
    except OSError:
        pass
    try:  # by its SONAME, without loading anything
        ctypes.CDLL("libc10.so", mode=_RTLD_NOLOAD)
        return "libc10.so"
    except OSError:
        return None


def _provider() -> Optional[str]:
    """The file that provides c10's get_tls_state to new libraries (the
    global scope), or None when nothing does."""
    try:
        fn = getattr(ctypes.CDLL(None), _GET_TLS_STATE)
    except AttributeError:
        return None
    return _path_of_address(ctypes.cast(fn, ctypes.c_void_p).value)


def installed() -> bool:
    """Whether the layer provides PyTorch's HermeticPyObjectTLS symbols to
    the libraries loaded from now on."""
    p = _provider()
    return p is not None and os.path.basename(p).startswith("libhermetic_pyobject_tls_c10.so")


def install() -> str:
    """Load the c10 ABI layer with RTLD_GLOBAL before PyTorch loads; returns
    its path. See the module's documentation."""
    global _installed
    with _lock:
        if _installed is not None:
            return _installed
        if installed():  # LD_PRELOAD, a host that linked it, ...
            _installed = _provider()
            return _installed  # type: ignore[return-value]
        libc10 = _libc10_loaded()
        if libc10 is not None:
            raise C10Error(
                f"hermetic_pyobject_tls.c10.install(): PyTorch's libc10 is already loaded in this "
                f"process ({libc10}), so its callers are bound to libc10's own flag; nothing was "
                "changed. Call install() before `import torch` (and before anything that imports "
                "it), or start the process with LD_PRELOAD=" + layer_path()
            )
        path = layer_path()
        if not os.path.exists(path):
            raise C10Error(
                f"hermetic_pyobject_tls.c10.install(): the c10 layer {path} is missing; it ships "
                "next to the package's library (reinstall the package, or build it with CMake: "
                "target hermetic_pyobject_tls_c10)"
            )
        try:
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as e:
            raise C10Error(f"hermetic_pyobject_tls.c10.install(): cannot load {path}: {e}") from None
        if not installed():
            raise C10Error(
                f"hermetic_pyobject_tls.c10.install(): {path} is loaded but PyTorch's symbols resolve "
                f"to {_provider()!r}, not to the layer"
            )
        _installed = path
        return path
