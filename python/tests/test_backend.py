"""The two backends behind one API: which one is in use, the switch that
chooses, and the fallback to ctypes where the native extension does not load.

CTest says which backend each run must use in HERMETIC_PYOBJECT_TLS_TEST_BACKEND
(python/CMakeLists.txt), so that a native extension that silently fails to
load cannot pass for native. Run by hand without it, the expectation is
derived from the switch and from the extension files the package holds."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
from pathlib import Path

import pytest

import hermetic_pyobject_tls as h

from conftest import child_env, run_python

SWITCH = "HERMETIC_PYOBJECT_TLS_BACKEND"
PKG = Path(h.__file__).parent


def _extension_files():
    return [p for p in PKG.iterdir() if p.name.startswith("_native.")
            and any(p.name.endswith(s) for s in importlib.machinery.EXTENSION_SUFFIXES)]


def _expected() -> str:
    want = os.environ.get("HERMETIC_PYOBJECT_TLS_TEST_BACKEND")
    if want:
        return want
    if os.environ.get(SWITCH, "") == "ctypes":
        return "ctypes"
    return "native" if _extension_files() else "ctypes"


def test_the_package_says_which_backend_it_uses():
    assert h.backend == _expected(), h._native_error
    assert h.BACKEND_ENV_VAR == SWITCH
    assert h.hermetic.__module__ == "hermetic_pyobject_tls" and h.hermetic.__name__ == "hermetic"
    if h.backend == "native":
        assert h._native_error is None
        assert type(h.get_state).__name__ == "builtin_function_or_method"
    else:
        assert h._native_error


IMPORT = "import sys, hermetic_pyobject_tls as h; h.set_state(True); print(h.backend, h.get_state(), 'ctypes' in sys.modules)"


def test_the_switch_chooses_ctypes():
    r = run_python(IMPORT, env=child_env(**{SWITCH: "ctypes"}))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ctypes", "True", "True"]


def test_the_native_backend_never_imports_ctypes():
    """ctypes cannot load in an own-GIL interpreter of 3.12: the native path
    must not need it."""
    if not _extension_files():
        r = run_python(IMPORT, env=child_env(**{SWITCH: "native"}))
        assert r.returncode != 0 and "the native extension does not load" in r.stderr, r.stderr
        return
    r = run_python(IMPORT, env=child_env(**{SWITCH: "native"}))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["native", "True", "False"]


def test_an_unknown_backend_is_an_import_error():
    r = run_python(IMPORT, env=child_env(**{SWITCH: "cffi"}))
    assert r.returncode != 0
    assert "ImportError" in r.stderr and SWITCH in r.stderr and "'cffi'" in r.stderr, r.stderr


def _package_without_extension(tmp_path: Path) -> Path:
    dst = tmp_path / "site" / "hermetic_pyobject_tls"
    shutil.copytree(PKG, dst, ignore=shutil.ignore_patterns("_native.*", "__pycache__"))
    return dst.parent


def test_without_the_extension_ctypes_serves(tmp_path):
    site = _package_without_extension(tmp_path)
    r = run_python(IMPORT, env=child_env(PYTHONPATH=str(site), **{SWITCH: None}))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["ctypes", "True", "True"]
    r = run_python(IMPORT, env=child_env(PYTHONPATH=str(site), **{SWITCH: "native"}))
    assert r.returncode != 0
    assert "ImportError" in r.stderr and f"{SWITCH}=native" in r.stderr, r.stderr


def test_the_ctypes_module_binds_the_copy_in_use_too():
    """Interpreters of one process may use different backends (the switch is
    read by each import): both bind the one copy, and share its flag."""
    from hermetic_pyobject_tls import _ctypes_backend as other

    other.bind(h._library.functions)
    h.set_state(True)
    assert other.get_state() is True
    other.set_state(False)
    assert h.get_state() is False
