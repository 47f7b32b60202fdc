# SPDX-License-Identifier: BSD-3-Clause
"""Finding and loading the library: one copy per process.

load(dl) returns the Library the process must use, by these rules, in order:

1. a copy already in the process under the SONAME this package was built for
   (a C or C++ extension linked with -lhermetic_pyobject_tls, the c10 layer,
   an earlier import in this or another interpreter), found without loading
   anything (dlopen with RTLD_NOLOAD); a mapped copy of another SONAME
   (another major version) is an ImportError;
2. a shared object already in the process that carries the library inside it
   (an extension built from the static archive) and exports its functions;
3. the file HERMETIC_PYOBJECT_TLS_LIBRARY names, or else the copy bundled in
   the package. (Loading it starts no thread; RLIMIT_NPROC is the library's
   to check, at the process's first write: docs/reliability.md.)

Every copy must be of a compatible version and export the six functions; a
front (libhermetic_pyobject_tls.so.N) must have its runtime side beside it.

`dl` is the backend's access to the dynamic loader: the native backend's
_native module or the ctypes backend's _ctypes_backend.dl, with

    dlopen(path or None, flags) -> handle  (OSError with dlerror())
    dlsym(handle, name) -> address, 0 when missing
    dlclose(handle)
    dladdr(address) -> path or None
    call_uint(address) -> int     (unsigned f(void))
    call_str(address) -> bytes    (const char *f(void))

so that the same rules hold whichever backend runs, and the native one never
imports ctypes (which cannot load in an own-GIL interpreter of 3.12).
"""

from __future__ import annotations

import os
TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (most of the import time)

from . import _build_info

if TYPE_CHECKING:
    from typing import Any, Dict, Optional

#: The environment variable that names another build of the library.
ENV_VAR = "HERMETIC_PYOBJECT_TLS_LIBRARY"

PIP_HINT = (
    "Install the package with `pip install .` from the root of a clone of "
    "hermetic-pyobject-tls (it needs the Go toolchain)"
)

# The library's SONAME, for example libhermetic_pyobject_tls.so.0.
SONAME: str = _build_info.LIBRARY_NAME


def is_a_copy(path: str) -> bool:
    """Whether path names a libhermetic_pyobject_tls.so[.N...] (a front)."""
    name = os.path.basename(path)
    stem = "libhermetic_pyobject_tls.so"
    if not path.startswith("/") or not name.startswith(stem):
        return False
    rest = name[len(stem):]
    return all(part.isdigit() for part in rest.split(".")[1:]) and (rest == "" or rest.startswith("."))

RTLD_NOW = getattr(os, "RTLD_NOW", 2)
RTLD_LOCAL = getattr(os, "RTLD_LOCAL", 0)
RTLD_NOLOAD = getattr(os, "RTLD_NOLOAD", 4)

PREFIX = "hermetic_pyobject_tls_"
FUNCTIONS = ("set_state", "get_state", "init_state", "have_state", "version", "version_number")


class Library:
    """The copy the process uses: where it is and its functions' addresses
    (functions: name without the prefix -> address)."""

    __slots__ = ("path", "where", "functions", "version", "version_number")

    def __init__(self, path: str, where: str, functions: "Dict[str, int]", version: str, version_number: int) -> None:
        self.path = path
        self.where = where
        self.functions = functions
        self.version = version
        self.version_number = version_number


def format_version(number: int) -> str:
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def compatible(built: int, found: int) -> bool:
    """Whether a library with version number `found` serves a package built
    for `built`: the same major version, and not older than `built`. It is
    the rule of the library's SONAME (libhermetic_pyobject_tls.so.MAJOR) and
    of its CMake package (SameMajorVersion)."""
    return found // 10000 == built // 10000 and found >= built


def path_of_address(dl: Any, address: Optional[int]) -> Optional[str]:
    """The file the code at address was mapped from (dladdr), or None."""
    return dl.dladdr(address) if address else None


def mapped_files() -> "set[str]":
    """The names of the files mapped in this process (/proc/self/maps)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            return {f[5].strip() for f in (line.split(None, 5) for line in maps) if len(f) == 6}
    except OSError:
        return set()


def copies_mapped() -> "list[str]":
    """The files named libhermetic_pyobject_tls.so[.N...] mapped in this process."""
    return sorted(p for p in mapped_files() if is_a_copy(p.replace(" (deleted)", "")))


def already_loaded(dl: Any) -> Optional[int]:
    """A handle on the copy of the library already in the process (rules 1
    and 2), found without loading anything, or None. Raises ImportError
    when a copy of another major version is mapped."""
    try:
        # RTLD_NOLOAD without RTLD_GLOBAL: with it, a copy the host loaded
        # with RTLD_LOCAL would become global for every library loaded later.
        return dl.dlopen(SONAME, RTLD_NOW | RTLD_NOLOAD)  # type: ignore[no-any-return]
    except OSError:
        pass
    others = copies_mapped()
    if others:
        raise ImportError(
            f"hermetic_pyobject_tls: this process already holds a copy of the library that is not "
            f"{SONAME} (the SONAME this package was built for): {', '.join(others)}. A second "
            "copy would bring a second flag and a second Go runtime, so none is loaded. Use one "
            f"major version of hermetic-pyobject-tls in a process ({_build_info.VERSION} here)."
        )
    return inside_another_object(dl)


def inside_another_object(dl: Any) -> Optional[int]:
    """A shared object already in the process that carries the library inside
    it (an extension built from the static archive) and exports its
    functions: found by asking each mapped object, without loading anything,
    for hermetic_pyobject_tls_version_number."""
    for path in sorted(p for p in mapped_files() if p.startswith("/") and ".so" in os.path.basename(p)):
        try:
            handle = dl.dlopen(path, RTLD_NOW | RTLD_NOLOAD)
        except OSError:
            continue
        # dlsym on the handle: the object itself and what it links.
        if dl.dlsym(handle, PREFIX + "version_number"):
            return handle  # type: ignore[no-any-return]
        # Give back the reference dlopen() took: the host may unload it.
        dl.dlclose(handle)
    return None


def load(dl: Any) -> Library:
    handle = already_loaded(dl)
    if handle is not None:
        path = path_of_address(dl, dl.dlsym(handle, PREFIX + "version_number")) or SONAME
        where = f"{path!r} (already loaded in this process, found by its SONAME {SONAME})"
        return check(dl, handle, path, where, "Load a compatible build of the library first, or none")
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
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), SONAME)
        where = f"{path!r} (bundled with the package; {ENV_VAR} is not set)"
        remedy = f"Reinstall the package ({PIP_HINT}), or set {ENV_VAR} to the path of a built library"
        if not os.path.exists(path):
            raise ImportError(f"hermetic_pyobject_tls: the shared library is missing: looked for {where}. {remedy}.")
    try:
        handle = dl.dlopen(path, RTLD_NOW | RTLD_LOCAL)
    except OSError as e:
        raise ImportError(f"hermetic_pyobject_tls: cannot load the shared library {where}: {e}. {remedy}.") from None
    return check(dl, handle, path, where, remedy)


def check(dl: Any, handle: int, path: str, where: str, remedy: str) -> Library:
    """The checks every copy must pass, whoever loaded it."""
    number_at = dl.dlsym(handle, PREFIX + "version_number")
    if not number_at:
        raise ImportError(
            f"hermetic_pyobject_tls: {where} is not a hermetic_pyobject_tls library: it does "
            f"not export {PREFIX}version_number. {remedy}."
        )
    found = int(dl.call_uint(number_at))
    built = _build_info.VERSION_NUMBER
    if not compatible(built, found):
        raise ImportError(
            f"hermetic_pyobject_tls: incompatible library {where}: it is version "
            f"{format_version(found)} (number {found}), this package was built for "
            f"{_build_info.VERSION} (number {built}) and needs the same "
            f"major version, not older. {remedy}."
        )
    functions = {}
    for name in FUNCTIONS:
        address = dl.dlsym(handle, PREFIX + name)
        if not address:
            raise ImportError(f"hermetic_pyobject_tls: {where} does not export {PREFIX}{name}. {remedy}.")
        functions[name] = address
    check_runtime_side(path_of_address(dl, number_at) or SONAME, found, where, remedy)
    version = dl.call_str(functions["version"]).decode("ascii", "replace")
    return Library(path, where, functions, version, found)


def check_runtime_side(front: str, version_number: int, where: str, remedy: str) -> None:
    """The library (the front, libhermetic_pyobject_tls.so.N) loads its Go
    runtime side, libhermetic_pyobject_tls_go.so.X.Y.Z, from its own
    directory at the process's first write; without it every write would be
    served in C. A copy inside another object (an extension built from the
    static archive) has its runtime linked in."""
    if not is_a_copy(front):
        return
    side = os.path.join(os.path.dirname(front), f"libhermetic_pyobject_tls_go.so.{format_version(version_number)}")
    if not os.path.exists(side):
        raise ImportError(
            f"hermetic_pyobject_tls: the library {where} has no runtime side beside it: {side!r} is "
            f"missing (the library loads it at the first write). {remedy}."
        )
