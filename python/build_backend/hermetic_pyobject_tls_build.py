"""A small in-tree PEP 517 backend for the hermetic_pyobject_tls package.

It builds one platform wheel (never a pure one: it holds a shared library):

- the Python files of src/hermetic_pyobject_tls,
- libhermetic_pyobject_tls.so.MAJOR, built by ../scripts/build-library.sh
  (the same recipe CMake uses; it needs the Go toolchain: `go` on PATH, or
  $GO, and a C compiler),
- _build_info.py, generated: the version the package was built for, read from
  ../include/hermetic_pyobject_tls.h (the single source of truth).

Only wheels: there is no sdist, because building needs the whole repository
(Go sources, header, build script). pip builds a local directory in place,
so `pip install ./python` from a clone reaches ../scripts.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from typing import Any, Dict, List, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - declared in build-system.requires
    import tomli as tomllib

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(PYTHON_DIR)
HEADER = os.path.join(ROOT, "include", "hermetic_pyobject_tls.h")
BUILD_SCRIPT = os.path.join(ROOT, "scripts", "build-library.sh")
LICENSE_FILE = os.path.join(ROOT, "LICENSE")
PACKAGE = "hermetic_pyobject_tls"
PACKAGE_SRC = os.path.join(PYTHON_DIR, "src", PACKAGE)
LIBRARY_STEM = "libhermetic_pyobject_tls.so"

# The [project] keys this backend understands; anything else is an error,
# so that nothing written in pyproject.toml is silently dropped.
_KNOWN_PROJECT_KEYS = {
    "name", "dynamic", "description", "readme", "requires-python", "classifiers", "license",
}


class BuildError(RuntimeError):
    pass


def read_header_version(header: str = HEADER) -> Tuple[str, int, int, int, int]:
    """Returns (version, major, minor, patch, number) from the C header."""
    try:
        with open(header, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise BuildError(
            f"cannot read {header} ({e}); build from a clone of the whole "
            "hermetic-pyobject-tls repository: pip install ./python"
        ) from None

    def define(name: str, pattern: str) -> str:
        m = re.search(rf"^#define {name} {pattern}$", text, re.MULTILINE)
        if not m:
            raise BuildError(f"no #define {name} in {header}")
        return m.group(1)

    version = define("HERMETIC_PYOBJECT_TLS_VERSION", r'"([0-9]+\.[0-9]+\.[0-9]+)"')
    parts = tuple(
        int(define(f"HERMETIC_PYOBJECT_TLS_VERSION_{p}", r"([0-9]+)"))
        for p in ("MAJOR", "MINOR", "PATCH")
    )
    if ".".join(map(str, parts)) != version:
        raise BuildError(
            f"{header}: HERMETIC_PYOBJECT_TLS_VERSION {version!r} does not match "
            f"MAJOR.MINOR.PATCH {parts}"
        )
    major, minor, patch = parts
    return version, major, minor, patch, major * 10000 + minor * 100 + patch


def _project() -> Dict[str, Any]:
    with open(os.path.join(PYTHON_DIR, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    unknown = set(project) - _KNOWN_PROJECT_KEYS
    if unknown:
        raise BuildError(f"pyproject.toml: [project] keys this backend does not handle: {sorted(unknown)}")
    if project.get("name") != PACKAGE or project.get("dynamic") != ["version"]:
        raise BuildError(f"pyproject.toml: expected name = {PACKAGE!r} and dynamic = ['version']")
    return project


def _metadata(version: str) -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.4",
        f"Name: {project['name']}",
        f"Version: {version}",
    ]
    # PEP 639: an SPDX expression, and the repository's LICENSE, which the
    # wheel carries as .dist-info/licenses/LICENSE.
    license_ = project.get("license")
    if not isinstance(license_, str):
        raise BuildError('pyproject.toml: license must be an SPDX expression string (license = "BSD-3-Clause")')
    lines.append(f"License-Expression: {license_}")
    lines.append("License-File: LICENSE")
    if "description" in project:
        lines.append(f"Summary: {project['description']}")
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    for c in project.get("classifiers", []):
        lines.append(f"Classifier: {c}")
    body = ""
    if "readme" in project:
        readme = project["readme"]
        if not (isinstance(readme, str) and readme.endswith(".md")):
            raise BuildError("pyproject.toml: readme must be the path of a .md file")
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(PYTHON_DIR, readme), encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _license_text() -> bytes:
    try:
        with open(LICENSE_FILE, "rb") as f:
            return f.read()
    except OSError as e:
        raise BuildError(f"cannot read {LICENSE_FILE} ({e}); build from a clone of the whole repository") from None


def _platform_tag() -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", sysconfig.get_platform())


def _tag() -> str:
    # Not tied to a CPython ABI (ctypes, no extension module), but tied to the
    # platform: the wheel holds a native shared library.
    return f"py3-none-{_platform_tag()}"


def _wheel_file() -> str:
    return (
        "Wheel-Version: 1.0\n"
        "Generator: hermetic_pyobject_tls_build\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {_tag()}\n"
    )


def _build_info(version: str, major: int, minor: int, patch: int, number: int) -> str:
    return (
        "# Generated by build_backend/hermetic_pyobject_tls_build.py from\n"
        "# include/hermetic_pyobject_tls.h when the wheel was built. Do not edit.\n"
        f"VERSION = {version!r}\n"
        f"VERSION_MAJOR = {major}\n"
        f"VERSION_MINOR = {minor}\n"
        f"VERSION_PATCH = {patch}\n"
        f"VERSION_NUMBER = {number}\n"
        f"LIBRARY_NAME = {LIBRARY_STEM + '.' + str(major)!r}\n"
    )


def _build_library(version: str, outdir: str) -> str:
    if not os.path.isfile(BUILD_SCRIPT):
        raise BuildError(
            f"{BUILD_SCRIPT} not found: build from a clone of the whole repository (pip install ./python)"
        )
    go = os.environ.get("GO", "go")
    if shutil.which(go) is None:
        raise BuildError(
            f"the Go toolchain ({go!r}) is not on PATH; it builds the shared library. "
            "Install Go (https://go.dev/dl/) or set GO=/path/to/go"
        )
    cmd = ["sh", BUILD_SCRIPT, "shared", outdir]
    print("hermetic_pyobject_tls_build: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed with exit status {r.returncode}")
    path = os.path.join(outdir, f"{LIBRARY_STEM}.{version}")
    if not os.path.isfile(path):
        raise BuildError(f"{BUILD_SCRIPT} did not produce {path}")
    return path


C10_LAYER_NAME = "libhermetic_pyobject_tls_c10.so"


def _build_c10_layer(version: str, major: int, libdir: str) -> str:
    """The c10 ABI layer (c10/layer.c; docs/pytorch.md), compiled as
    c10/CMakeLists.txt does, against the library just built in libdir:
    NEEDED libhermetic_pyobject_tls.so.MAJOR, found beside it ($ORIGIN)."""
    cc = os.environ.get("CC", "cc")
    out = os.path.join(libdir, f"{C10_LAYER_NAME}.{major}")
    cmd = [
        cc, "-std=c11", "-O2", "-fPIC", "-fno-plt", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror",
        f"-ffile-prefix-map={ROOT}=.", "-I", os.path.join(ROOT, "include"),
        "-shared", "-o", out, os.path.join(ROOT, "c10", "layer.c"),
        f"-Wl,--version-script={os.path.join(ROOT, 'c10', 'exports.map')}",
        f"-Wl,-soname,{C10_LAYER_NAME}.{major}", "-Wl,-z,relro", "-Wl,-z,now", "-Wl,-z,noexecstack",
        "-Wl,-z,defs", "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN", "-Wl,--build-id=sha1",
        "-L", libdir, f"-l:{LIBRARY_STEM}.{version}",
    ]
    print("hermetic_pyobject_tls_build: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode != 0:
        raise BuildError(f"building the c10 layer failed with exit status {r.returncode} ({cc}; set CC)")
    return out


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _zip_time() -> Tuple[int, int, int, int, int, int]:
    import time

    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)
    return time.gmtime(epoch)[:6]


def _dist_info_name(version: str) -> str:
    return f"{PACKAGE}-{version}.dist-info"


# --- PEP 517 hooks -----------------------------------------------------------


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Optional[Dict[str, Any]] = None
) -> str:
    version = read_header_version()[0]
    name = _dist_info_name(version)
    d = os.path.join(metadata_directory, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(version))
    with open(os.path.join(d, "WHEEL"), "w", encoding="utf-8") as f:
        f.write(_wheel_file())
    return name


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    version, major, minor, patch, number = read_header_version()
    files: List[Tuple[str, bytes, int]] = []  # (arcname, data, mode)
    for name in sorted(os.listdir(PACKAGE_SRC)):
        if name.endswith(".py") or name == "py.typed":
            if name == "_build_info.py":
                continue
            with open(os.path.join(PACKAGE_SRC, name), "rb") as f:
                files.append((f"{PACKAGE}/{name}", f.read(), 0o644))
    files.append(
        (f"{PACKAGE}/_build_info.py", _build_info(version, major, minor, patch, number).encode(), 0o644)
    )
    tmp = tempfile.mkdtemp(prefix="hermetic_pyobject_tls_build.")
    try:
        lib = _build_library(version, os.path.join(tmp, "lib"))
        with open(lib, "rb") as f:
            files.append((f"{PACKAGE}/{LIBRARY_STEM}.{major}", f.read(), 0o755))
        # The c10 ABI layer, beside it (hermetic_pyobject_tls.c10.install()).
        layer = _build_c10_layer(version, major, os.path.dirname(lib))
        with open(layer, "rb") as f:
            files.append((f"{PACKAGE}/{C10_LAYER_NAME}.{major}", f.read(), 0o755))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    dist_info = _dist_info_name(version)
    files.append((f"{dist_info}/METADATA", _metadata(version).encode(), 0o644))
    files.append((f"{dist_info}/licenses/LICENSE", _license_text(), 0o644))
    files.append((f"{dist_info}/WHEEL", _wheel_file().encode(), 0o644))
    record = "\n".join(_record_line(a, d) for a, d, _ in files)
    record += f"\n{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    wheel_name = f"{PACKAGE}-{version}-{_tag()}.whl"
    os.makedirs(wheel_directory, exist_ok=True)
    path = os.path.join(wheel_directory, wheel_name)
    when = _zip_time()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for arcname, data, mode in files:
            info = zipfile.ZipInfo(arcname, date_time=when)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel_name
