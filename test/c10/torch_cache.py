#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The real PyTorch binaries the pytorch.* tests run against, fetched from
PyPI into the cache directory, checked against their pins (torch_pins.py,
remote_wheel.py) and reused across runs:

  ${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
    torch-files/ARCH/V/torch/lib/libc10.so     from torch V's ARCH wheel,
    torch-files/x86_64/V/torch/include/...     with the c10 headers (x86_64)
    venv-torch-V/                              V = 2.0.0, 2.7.0: CPython 3.11,
                                               torch and what `import torch` needs

Only the files named are downloaded (HTTP range requests into the wheel on
the index), never a whole torch wheel, except the one each venv installs.

  torch_cache.py files            fetch + check every pinned libc10.so and header
                                  tree (TORCH and ABSENT); cached ones are re-checked
  torch_cache.py venv V           create venv-torch-V (once; it records what it holds)
  torch_cache.py path V WHAT [ARCH]
                                  print a path (WHAT: libc10, include, venv-python)
  torch_cache.py versions WHICH    print a CMake list of versions (WHICH: x86_64,
                                  aarch64, absent, venv): CMake registers the tests by them
  torch_cache.py pin PROJECT FILE MEMBER...
                                  print a new pin (a maintainer adding a version)

A failed download, or a file that differs from its pin, fails with a message
saying what and where; nothing is skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from typing import List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import remote_wheel as rw  # noqa: E402
from torch_pins import ABSENT, NVIDIA, TORCH  # noqa: E402

#: The versions the end-to-end tests import (torch-venv-V.txt, NVIDIA[V]).
VENVS = ("2.0.0", "2.7.0")
#: x86_64 versions of the differential tests, oldest first.
X86_64 = tuple(v for v, a in TORCH if a == "x86_64")
AARCH64 = tuple(v for v, a in TORCH if a == "aarch64")


def cache_dir() -> str:
    d = os.environ.get("HERMETIC_PYOBJECT_TLS_CACHE")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "hermetic-pyobject-tls")
    return d


def die(msg: str) -> None:
    print(f"torch_cache.py: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def log(msg: str) -> None:
    print(msg, flush=True)


def files_dir(v: str, arch: str = "x86_64") -> str:
    return os.path.join(cache_dir(), "torch-files", arch, v)


def libc10(v: str, arch: str = "x86_64") -> str:
    return os.path.join(files_dir(v, arch), "torch", "lib", "libc10.so")


def venv_dir(v: str) -> str:
    return os.path.join(cache_dir(), f"venv-torch-{v}")


def venv_python(v: str) -> str:
    return os.path.join(venv_dir(v), "bin", "python")


# ------------------------------------------------------------------ files


def fetch_files() -> None:
    """Every pinned libc10.so (and header tree): checked, fetched if needed."""
    pins: List[Tuple[str, str, rw.WheelPin]] = [(v, a, p) for (v, a), p in TORCH.items()]
    pins += [(v, "x86_64", p) for v, p in ABSENT.items()]
    fetched = 0
    for v, arch, pin in pins:
        try:
            if rw.ensure(pin, files_dir(v, arch), log):
                fetched += 1
        except rw.FetchError as e:
            die(f"torch {v} ({arch}): {e}")
        log(f"torch {v} {arch}: {libc10(v, arch)} (sha256 checked)")
    log(f"{len(pins)} wheels' files checked, {fetched} fetched")


# ------------------------------------------------------------------ venvs


def _requirements(v: str) -> str:
    return os.path.join(HERE, f"torch-venv-{v}.txt")


def _venv_stamp(v: str) -> str:
    """What venv-torch-V holds: its requirements and CUDA pins (a change
    makes the venv again)."""
    h = hashlib.sha256()
    with open(_requirements(v), "rb") as f:
        h.update(f.read())
    h.update(repr(NVIDIA[v]).encode())
    h.update(sys.version.split()[0].encode())
    return h.hexdigest()


def _site_packages(python: str) -> str:
    out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _check_import(python: str, v: str) -> None:
    """`import torch` works, is V, and says nothing on stderr (no library
    missing, not even one torch only warns about). numpy's absence is a
    UserWarning (2.7.0 is tested without numpy). Bytecode is written for what
    the tests import (pip ran with --no-compile: compiling all of torch
    would take a minute)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = "import torch, torch.library, torch.utils.data; print(torch.__version__)"
    out = subprocess.run([python, "-W", "ignore::UserWarning", "-c", code], capture_output=True, text=True,
                         timeout=300, env=env)
    if out.returncode != 0 or not out.stdout.startswith(v) or out.stderr.strip():
        die(f"the venv's `import torch` (torch {v}) failed or complained: {out.stdout}{out.stderr}")


def venv(v: str) -> str:
    """venv-torch-V, made once: torch V and its pure-Python dependencies by
    pip from torch-venv-V.txt (sha256 of each whole wheel), and the CUDA
    libraries torch's libraries name as NEEDED from their NVIDIA wheels
    (NVIDIA[V], by range request, sha256 of each file)."""
    if v not in VENVS:
        die(f"no end-to-end venv for torch {v} (there are: {', '.join(VENVS)})")
    d, python = venv_dir(v), venv_python(v)
    stamp = os.path.join(d, ".complete")
    if os.path.exists(stamp) and open(stamp).read() == _venv_stamp(v):
        return python
    if sys.version_info[:2] != (3, 11):
        die(f"the venv needs CPython 3.11 (the wheels are cp311); this is {sys.version.split()[0]}")
    started = time.monotonic()
    shutil.rmtree(d, ignore_errors=True)  # unfinished, or made from other pins
    subprocess.check_call([sys.executable, "-m", "venv", d])
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", "--no-cache-dir", "--no-compile", "-q", "--no-deps",
           "--require-hashes", "--only-binary=:all:", "-r", _requirements(v)]
    log("+ " + " ".join(cmd))
    if subprocess.call(cmd) != 0:
        die(f"pip install of torch {v} from {os.path.basename(_requirements(v))} failed (see above)")
    log(f"pip install: {time.monotonic() - started:.0f} s")
    site = _site_packages(python)
    for pin in NVIDIA[v]:
        try:
            rw.extract(pin, site, log)
        except rw.FetchError as e:
            die(f"torch {v}'s CUDA libraries: {e}")
    log(f"CUDA libraries: {time.monotonic() - started:.0f} s")
    _check_import(python, v)
    with open(stamp, "w") as f:
        f.write(_venv_stamp(v))
    log(f"venv-torch-{v}: made in {time.monotonic() - started:.0f} s")
    return python


# ------------------------------------------------------------------ main


def _path(v: str, what: str, arch: str) -> str:
    paths = {"libc10": libc10(v, arch),
             "include": os.path.join(files_dir(v, arch), "torch", "include"),
             "venv-python": venv_python(v)}
    if what not in paths:
        die(f"path: WHAT is one of {', '.join(paths)}")
    return paths[what]


def _pin(project: str, filename: str, keys: List[str]) -> None:
    try:
        p = rw.pin_for(project, filename, keys)
    except rw.FetchError as e:
        die(str(e))
    print(f'WheelPin(\n    "{p.project}", "{p.filename}", {p.size},\n    "{p.sha256}", (')
    for k, d in p.files:
        print(f'        ("{k}", "{d}"),')
    print("    ))")


def main(argv: List[str]) -> int:
    if argv[:1] == ["files"]:
        fetch_files()
    elif argv[:1] == ["venv"] and len(argv) == 2:
        log(f"torch {argv[1]} venv: {venv(argv[1])}")
    elif argv[:1] == ["path"] and len(argv) in (3, 4):
        print(_path(argv[1], argv[2], argv[3] if len(argv) == 4 else "x86_64"))
    elif argv[:1] == ["versions"] and len(argv) == 2:
        lists = {"x86_64": X86_64, "aarch64": AARCH64, "absent": tuple(ABSENT), "venv": VENVS}
        if argv[1] not in lists:
            die(f"versions: WHICH is one of {', '.join(lists)}")
        print(";".join(lists[argv[1]]))
    elif argv[:1] == ["pin"] and len(argv) >= 4:
        _pin(argv[1], argv[2], argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
