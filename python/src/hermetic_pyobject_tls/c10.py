# SPDX-License-Identifier: BSD-3-Clause
"""PyTorch 2.0 ... 2.12 follows this package's flag: the c10 ABI layer.

    import hermetic_pyobject_tls.c10
    hermetic_pyobject_tls.c10.install()   # before `import torch`
    import torch
    hermetic_pyobject_tls.c10.check()     # optional: torch really follows the flag

install() loads libhermetic_pyobject_tls_c10.so.0, shipped next to the
package's library, with RTLD_GLOBAL. It defines the symbols of
c10::impl::HermeticPyObjectTLS that PyTorch's libc10.so exports, so when
torch loads afterwards its libraries bind to the layer, and PyTorch's
hermetic mode is this package's flag (set_state/get_state/hermetic(), and
the C ABI on any thread). docs/pytorch.md explains why and what cannot work.

- install() -> str: the layer's path. Raises C10Error (and loads nothing)
  when the installed torch (its distribution metadata; torch is not
  imported) has no such class: torch < 2.0, and torch >= 2.13, which removed
  it upstream; or when PyTorch's libc10 is already in the process: its
  importers are bound to libc10's own flag by then. A second call returns
  the same path and does nothing else; so does a call when the layer is
  already in the process (for example through LD_PRELOAD).
- check() -> Check: after `import torch`, whether torch follows the flag,
  seen in torch's behaviour on a new thread (not in symbol tables): a torch
  that exports the symbols but never reads them is told apart from one
  that works. Check.follows, Check.reason.
- layer_path() -> str: where the layer is (beside library_path), for
  LD_PRELOAD.
- installed() -> bool: whether the layer provides PyTorch's symbols here.
- torch_version() -> str or None: the installed torch's version, from its
  distribution metadata, without importing torch.
- support(version) -> str: what this layer says about that torch version.

`python -m hermetic_pyobject_tls.c10` prints the layer's path, the installed
torch's version and whether it is in the supported range (SUPPORTED);
`--check` installs the layer, imports torch and runs check(): exit status 0
when torch follows the flag, 1 (with the reason) when not.
"""

import ctypes
import os
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from . import _path_of_address, library_path, set_state

__all__ = [
    "C10Error",
    "Check",
    "Probe",
    "check",
    "install",
    "installed",
    "layer_path",
    "support",
    "torch_version",
    "LAYER_NAME",
    "SUPPORTED",
]

#: The layer's file name (its SONAME).
LAYER_NAME = "libhermetic_pyobject_tls_c10.so.0"
_GET_TLS_STATE = "_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv"
_RTLD_NOLOAD = getattr(os, "RTLD_NOLOAD", 4)

#: The torch releases the layer is tested against (docs/pytorch.md): the
#: oldest and newest with c10::impl::HermeticPyObjectTLS.
SUPPORTED = ("2.0.0", "2.12.1")
_FIRST_WITH_CLASS = (2, 0)  # torch 1.13 has no such class
_REMOVED_IN = (2, 13)  # upstream PR #181289 removed it
_REMOVAL = "pytorch/pytorch PR #181289, after torch::deploy was dropped"

_lock = threading.Lock()
_installed: Optional[str] = None


class C10Error(RuntimeError):
    """install() cannot make PyTorch follow the flag (nothing was changed)."""


def torch_version() -> Optional[str]:
    """The installed torch's version, read from its distribution metadata
    (torch is not imported); None when no torch distribution is installed."""
    from importlib import metadata

    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:
        return None


def _release(version: str) -> Tuple[int, int, int]:
    """(major, minor, micro) of a torch version string: "2.7.0+cu126" ->
    (2, 7, 0); a pre-release counts as its release ("2.13.0a0" -> 2.13.0)."""
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    if not m:
        return (0, 0, 0)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def _has_class(version: str) -> bool:
    return _FIRST_WITH_CLASS <= _release(version)[:2] < _REMOVED_IN


def _in_range(version: str) -> bool:
    return _release(SUPPORTED[0]) <= _release(version) <= _release(SUPPORTED[1])


def support(version: str) -> str:
    """One sentence: what this layer says about torch `version`."""
    span = f"{SUPPORTED[0]} to {SUPPORTED[1]}"
    if _release(version)[:2] >= _REMOVED_IN:
        return (f"not supported: torch {version} has no c10::impl::HermeticPyObjectTLS, which torch 2.13 "
                f"removed upstream ({_REMOVAL}); there is no flag in PyTorch to follow (supported: {span})")
    if not _has_class(version):
        return (f"not supported: torch {version} has no c10::impl::HermeticPyObjectTLS (it came with "
                f"torch 2.0; supported: {span})")
    if _in_range(version):
        return f"supported: torch {version} is in the supported range {span}"
    return (f"not tested: torch {version} has the class but is outside the tested range {span}; "
            "check() tells whether it follows the flag")


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
        version = torch_version()
        if version is not None and not _has_class(version):
            raise C10Error(f"hermetic_pyobject_tls.c10.install(): {support(version)}; nothing was loaded")
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


# ------------------------------------------------------------------ check()


@dataclass(frozen=True)
class Probe:
    """One behaviour of torch that depends on the flag, seen on one thread:
    whether torch hands back the Python object it preserved (True) with the
    flag off, on, and off again. In hermetic mode torch makes fresh wrappers."""

    name: str
    normal: bool
    hermetic: bool
    after: bool

    @property
    def applies(self) -> bool:
        """This torch preserves the object when not hermetic."""
        return self.normal and self.after

    @property
    def follows(self) -> bool:
        """Preserved, except while this package's flag was set."""
        return self.applies and not self.hermetic

    def __str__(self) -> str:
        return f"{self.name}: {self.normal} -> {self.hermetic} (flag set) -> {self.after}"


@dataclass(frozen=True)
class Check:
    """What check() saw. `follows`: torch follows this package's flag."""

    follows: bool
    torch_version: str
    provider: Optional[str]
    probes: Tuple[Probe, ...]
    reason: str


def _observations(torch: Any) -> List[Tuple[str, bool]]:
    """Each probe's result on this thread (True: the object was preserved).
    Fresh objects die here, in the mode they were made in.
      tensor: THPVariable_Wrap (torch/csrc/autograd/python_variable.cpp)
        returns a fresh wrapper in hermetic mode (seen in 2.0.0 ... 2.9.0;
        not in 2.12.1, whose tensor wrappers no longer ask);
      storage: THPStorage_Wrap (torch/csrc/Storage.cpp) does the same for a
        storage (seen in 2.3.1 ... 2.12.1; 2.0.0 keeps no storage object).
    One of the two applies to every torch 2.0.0 ... 2.12.1."""
    x = torch.zeros(2)
    out = [("x.add_(1) is x", x.add_(1) is x)]
    if hasattr(x, "untyped_storage"):
        out.append(("x.untyped_storage() is x.untyped_storage()", x.untyped_storage() is x.untyped_storage()))
    return out


def _probe_thread(torch: Any) -> List[Probe]:
    """The probes on a new thread (its flag starts off): off, on, off."""
    seen: List[List[Tuple[str, bool]]] = []
    error: List[BaseException] = []

    def run() -> None:
        try:
            seen.append(_observations(torch))
            set_state(True)
            try:
                seen.append(_observations(torch))
            finally:
                set_state(False)
            seen.append(_observations(torch))
        except BaseException as e:  # reported by check()
            error.append(e)

    t = threading.Thread(target=run, name="hermetic_pyobject_tls.c10.check")
    t.start()
    t.join(60)
    if t.is_alive():
        raise C10Error("check(): the probe thread did not finish in 60 s")
    if error:
        raise C10Error(f"check(): the probe failed: {error[0]!r}") from error[0]
    normal, hermetic, after = seen
    return [Probe(n, a, b, c) for (n, a), (_, b), (_, c) in zip(normal, hermetic, after)]


def _verdict(version: str, provider: Optional[str], probes: List[Probe]) -> Tuple[bool, str]:
    shown = "; ".join(str(p) for p in probes)
    follows = [p for p in probes if p.follows]
    if follows:
        return True, (f"torch {version} follows this package's flag: with the flag set on a new thread, "
                      f"{follows[0].name} turned False, and back to True after")
    if not any(p.applies for p in probes):
        return False, (f"cannot tell: torch {version} preserves neither object even with the flag off, "
                       f"so no probe applies ({shown})")
    layer = provider is not None and os.path.basename(provider).startswith("libhermetic_pyobject_tls_c10.so")
    if layer:
        why = (f"torch {version} does not follow the flag although the c10 layer provides c10's symbols "
               f"({provider}): torch's libraries were bound to libc10's copy before the layer was "
               "loaded, or this torch build never reads c10::impl::HermeticPyObjectTLS (" + support(version)
               + ")")
    else:
        why = (f"torch {version} does not follow the flag: the c10 layer is not installed (c10's "
               f"get_tls_state resolves to {provider or 'nothing in the global scope'}); call install() "
               f"before `import torch`, or start the process with LD_PRELOAD={layer_path()}")
    return False, f"{why} ({shown})"


def check() -> Check:
    """After `import torch`: whether torch follows this package's flag, from
    what torch does (module doc). Raises C10Error when torch is not imported."""
    torch = sys.modules.get("torch")
    if torch is None or not hasattr(torch, "zeros"):
        raise C10Error("hermetic_pyobject_tls.c10.check(): import torch first (after install())")
    version = str(getattr(torch, "__version__", "?"))
    provider = _provider()
    probes = _probe_thread(torch)
    follows, reason = _verdict(version, provider, probes)
    return Check(follows, version, provider, tuple(probes), reason)


def _run_cli() -> None:
    from ._c10_cli import main

    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":  # python -m hermetic_pyobject_tls.c10 (the CLI lives in _c10_cli)
    _run_cli()
