"""Shared helpers. The tests run against the *installed* package (pip install .
from the repository root); they never import it from the source tree."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent.parent
HEADER = REPO_ROOT / "include" / "hermetic_pyobject_tls.h"
ENV_VAR = "HERMETIC_PYOBJECT_TLS_LIBRARY"

# Every child process gets a timeout; running out of it fails the test.
CHILD_TIMEOUT = 60.0


def header_version() -> "tuple[str, int]":
    """(version string, version number) read straight from the C header."""
    text = HEADER.read_text(encoding="utf-8")
    version = re.search(r'^#define HERMETIC_PYOBJECT_TLS_VERSION "([0-9.]+)"$', text, re.M).group(1)
    major, minor, patch = (int(x) for x in version.split("."))
    return version, major * 10000 + minor * 100 + patch


def child_env(**overrides: Optional[str]) -> Dict[str, str]:
    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_python(code: str, *, env: Optional[Dict[str, str]] = None, timeout: float = CHILD_TIMEOUT,
               args: "tuple[str, ...]" = ()) -> subprocess.CompletedProcess:
    """Runs `python -c code` (or a script path when code ends in .py) in a child
    process; fails the test, after killing the child, if it outlives `timeout`."""
    argv = [sys.executable, code, *args] if code.endswith(".py") else [sys.executable, "-c", code, *args]
    try:
        return subprocess.run(argv, env=env if env is not None else child_env(), capture_output=True,
                              text=True, timeout=timeout, cwd=str(TESTS_DIR))
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"child process timed out after {timeout} s (killed): {argv}\n"
                    f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")


def compile_shared(tmp: Path, name: str, source: str, *defines: str) -> Path:
    """Compiles a tiny C shared library for the tests (fails if no C compiler)."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    assert cc, "the tests need a C compiler (cc, gcc or $CC) to build fake libraries"
    src = tmp / (name + ".c")
    src.write_text(source, encoding="utf-8")
    out = tmp / (name + ".so")
    cmd = [cc, "-shared", "-fPIC", "-O1", "-o", str(out), str(src), *("-D" + d for d in defines)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stderr}"
    return out


def copy_library(library_path: str, dst: Path) -> Path:
    """Copies the library at library_path (the front) to the file dst, with
    its runtime side (libhermetic_pyobject_tls_go.so.X.Y.Z), which the front
    loads from its own directory at the first write: a copy installed
    somewhere else, as a system install would be."""
    src = Path(library_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    for side in src.parent.glob("libhermetic_pyobject_tls_go.so.*"):
        shutil.copy2(side, dst.parent / side.name)
    return dst
