#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The real PyTorch binaries the pytorch.* tests run against, fetched from
PyPI into the cache directory and reused across runs:

  ${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
    wheels/torch-V-cp311-cp311-manylinux_2_28_x86_64.whl   pinned by sha256
    torch-files/V/torch/lib/libc10.so                       extracted from it,
    torch-files/V/torch/include/c10/...                     with the header
    torch-venv-2.7.0/                                       venv: torch and its deps

  torch_cache.py wheels           fetch + check + extract both wheels
  torch_cache.py venv             create the venv with torch 2.7.0 (pip install)
  torch_cache.py path V WHAT      print a path (WHAT: libc10, include, venv-python)

A failed download or a hash that differs fails with a message saying so.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

# Oldest and newest torch releases whose libc10.so exports
# c10::impl::HermeticPyObjectTLS (x86_64 manylinux, CPython 3.11 wheels).
WHEELS = {
    "2.7.0": "fd5cfbb4c3bbadd57ad1b27d56a28008f8d8753733411a140fcfb84d7f933a25",
    "2.12.1": "6e29e7e74d05bda7d955c75e99459f878ebd970ef851b4057edbd3b34a5eb4a3",
}
VENV_TORCH = "2.7.0"
MEMBERS = ("torch/lib/libc10.so", "torch/include/c10/", "torch/include/torch/headeronly/")


def cache_dir():
    d = os.environ.get("HERMETIC_PYOBJECT_TLS_CACHE")
    if not d:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        d = os.path.join(base, "hermetic-pyobject-tls")
    return d


def die(msg):
    print(f"torch_cache.py: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def wheel_path(v):
    return os.path.join(cache_dir(), "wheels", f"torch-{v}-cp311-cp311-manylinux_2_28_x86_64.whl")


def files_dir(v):
    return os.path.join(cache_dir(), "torch-files", v)


def venv_dir():
    return os.path.join(cache_dir(), f"torch-venv-{VENV_TORCH}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_wheel(v):
    path = wheel_path(v)
    if os.path.exists(path) and sha256(path) == WHEELS[v]:
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".download-", dir=os.path.dirname(path))
    try:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
               "--disable-pip-version-check", "-d", tmp, f"torch=={v}"]
        print("+", " ".join(cmd), flush=True)
        if subprocess.call(cmd) != 0:
            die(f"could not download torch=={v} from PyPI (pip download failed; see above)")
        got = os.path.join(tmp, os.path.basename(path))
        if not os.path.exists(got):
            die(f"pip download gave {os.listdir(tmp)}, not {os.path.basename(path)}")
        digest = sha256(got)
        if digest != WHEELS[v]:
            die(f"{os.path.basename(path)} has sha256 {digest}, pinned {WHEELS[v]}")
        os.replace(got, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def extract(v):
    dest = files_dir(v)
    if os.path.exists(os.path.join(dest, "torch", "lib", "libc10.so")):
        return dest
    wheel = fetch_wheel(v)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extract-", dir=os.path.dirname(dest))
    try:
        with zipfile.ZipFile(wheel) as z:
            names = [n for n in z.namelist() if n.startswith(MEMBERS)]
            z.extractall(tmp, names)
        if not os.path.exists(os.path.join(tmp, "torch/include/c10/core/impl/HermeticPyObjectTLS.h")):
            die(f"{wheel} has no torch/include/c10/core/impl/HermeticPyObjectTLS.h")
        shutil.rmtree(dest, ignore_errors=True)
        try:
            os.replace(tmp, dest)
        except OSError:  # another run extracted it meanwhile
            if not os.path.exists(os.path.join(dest, "torch", "lib", "libc10.so")):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def venv():
    d = venv_dir()
    python = os.path.join(d, "bin", "python")
    if os.path.exists(os.path.join(d, ".complete")):
        return python
    wheel = fetch_wheel(VENV_TORCH)
    shutil.rmtree(d, ignore_errors=True)  # an unfinished one (no .complete)
    if sys.version_info[:2] != (3, 11):
        die(f"the venv needs CPython 3.11 (the wheels are cp311); this is {sys.version.split()[0]}")
    subprocess.check_call([sys.executable, "-m", "venv", d])
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", wheel]
    print("+", " ".join(cmd), "(torch and its dependencies, about 4 GB the first time)", flush=True)
    if subprocess.call(cmd) != 0:
        die(f"pip install of torch {VENV_TORCH} and its dependencies from PyPI failed (see above)")
    out = subprocess.run([python, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.startswith(VENV_TORCH):
        die(f"the venv's import torch failed: {out.stdout}{out.stderr}")
    open(os.path.join(d, ".complete"), "w").close()
    return python


def main(argv):
    if argv[:1] == ["wheels"]:
        for v in WHEELS:
            d = extract(v)
            print(f"torch {v}: {os.path.join(d, 'torch/lib/libc10.so')}")
    elif argv[:1] == ["venv"]:
        print(f"torch {VENV_TORCH} venv: {venv()}")
    elif argv[:1] == ["path"] and len(argv) == 3:
        v, what = argv[1], argv[2]
        paths = {"libc10": os.path.join(files_dir(v), "torch/lib/libc10.so"),
                 "include": os.path.join(files_dir(v), "torch/include"),
                 "venv-python": os.path.join(venv_dir(), "bin/python")}
        print(paths[what])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
