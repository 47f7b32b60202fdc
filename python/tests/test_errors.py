"""The clear errors, each in a fresh interpreter: a missing or unloadable
library, a library that is not ours, and a library of the wrong version."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Tuple

import pytest

import hermetic_pyobject_tls as h

from conftest import ENV_VAR, child_env, compile_shared, copy_library, header_version, run_python

IMPORT = r"""
import sys
try:
    import hermetic_pyobject_tls as h
except ImportError as e:
    print("IMPORTERROR")
    print(e)
    sys.exit(3)
h.set_state(True)
assert h.get_state() is True
print("OK")
print(h.library_path)
print(h.__file__)
"""

FAKE = r"""
#include <stdbool.h>
static _Thread_local bool state;
static bool have;
#ifndef OMIT_SET
void hermetic_pyobject_tls_set_state(bool v) { state = v; }
#endif
#ifndef OMIT_GET
bool hermetic_pyobject_tls_get_state(void) { return state; }
#endif
void hermetic_pyobject_tls_init_state(void) { have = true; }
bool hermetic_pyobject_tls_have_state(void) { return have; }
const char *hermetic_pyobject_tls_version(void) { return "fake"; }
#ifndef OMIT_VERSION_NUMBER
unsigned hermetic_pyobject_tls_version_number(void) { return VERSION_NUMBER; }
#endif
"""

BUILT_VERSION, BUILT = header_version()
MAJOR, MINOR, PATCH = BUILT // 10000, BUILT // 100 % 100, BUILT % 100


def _fmt(n: int) -> str:
    return f"{n // 10000}.{n // 100 % 100}.{n % 100}"


def _import(**env: str) -> Tuple[bool, str, str]:
    r = run_python(IMPORT, env=child_env(**env))
    lines = r.stdout.splitlines()
    if r.returncode == 3 and lines[:1] == ["IMPORTERROR"]:
        return False, "\n".join(lines[1:]), r.stderr
    assert r.returncode == 0 and lines[:1] == ["OK"], f"rc={r.returncode}\n{r.stdout}\n{r.stderr}"
    return True, "\n".join(lines[1:]), r.stderr


def _fake(tmp_path: Path, number: int, *defines: str) -> Path:
    return compile_shared(tmp_path, f"fake_{number}_{'_'.join(defines) or 'all'}", FAKE,
                          f"VERSION_NUMBER={number}", *defines)


def test_env_var_names_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere" / "libhermetic_pyobject_tls.so.0"
    ok, message, _ = _import(**{ENV_VAR: str(missing)})
    assert not ok
    assert str(missing) in message
    assert ENV_VAR in message
    assert "build-library.sh" in message and "unset it" in message


def test_env_var_names_a_file_that_is_not_a_library(tmp_path):
    junk = tmp_path / "junk.so"
    junk.write_text("not an ELF file\n")
    ok, message, _ = _import(**{ENV_VAR: str(junk)})
    assert not ok
    assert "cannot load" in message and str(junk) in message and ENV_VAR in message


def test_library_that_is_not_ours(tmp_path):
    other = _fake(tmp_path, BUILT, "OMIT_VERSION_NUMBER")
    ok, message, _ = _import(**{ENV_VAR: str(other)})
    assert not ok
    assert "is not a hermetic_pyobject_tls library" in message and str(other) in message


def test_library_missing_a_function(tmp_path):
    partial = _fake(tmp_path, BUILT, "OMIT_GET")
    ok, message, _ = _import(**{ENV_VAR: str(partial)})
    assert not ok
    assert "does not export hermetic_pyobject_tls_get_state" in message


def _older() -> int:
    if PATCH:
        return BUILT - 1
    if MINOR:
        return MAJOR * 10000 + (MINOR - 1) * 100 + 99
    return (MAJOR - 1) * 10000 + 9999


INCOMPATIBLE = [("next major", (MAJOR + 1) * 10000), ("older", _older())]


@pytest.mark.parametrize("what,number", INCOMPATIBLE, ids=[w for w, _ in INCOMPATIBLE])
def test_wrong_version_is_refused(tmp_path, what, number):
    if number < 0:
        pytest.fail("no older version exists; adjust the test")
    lib = _fake(tmp_path, number)
    ok, message, _ = _import(**{ENV_VAR: str(lib)})
    assert not ok, f"{what} ({_fmt(number)}) was accepted"
    assert "incompatible library" in message
    assert _fmt(number) in message and BUILT_VERSION in message
    assert str(lib) in message and ENV_VAR in message


COMPATIBLE = [("same", BUILT), ("next patch", BUILT + 1), ("next minor", BUILT + 100)]


@pytest.mark.parametrize("what,number", COMPATIBLE, ids=[w for w, _ in COMPATIBLE])
def test_compatible_version_is_used(tmp_path, what, number):
    lib = _fake(tmp_path, number)
    ok, out, stderr = _import(**{ENV_VAR: str(lib)})
    assert ok, out
    assert out.splitlines()[0] == str(lib)


def test_env_var_can_name_the_real_library(tmp_path):
    copy = copy_library(h.library_path, tmp_path / "libhermetic_pyobject_tls.so.0")
    ok, out, _ = _import(**{ENV_VAR: str(copy)})
    assert ok, out
    assert out.splitlines()[0] == str(copy)


def test_empty_env_var_means_the_bundled_library():
    ok, out, _ = _import(**{ENV_VAR: ""})
    assert ok, out
    library_path, init_file = out.splitlines()[:2]
    assert Path(library_path).parent == Path(init_file).parent


def _copy_package(tmp_path: Path, leave_out: str) -> Path:
    src = Path(h.__file__).parent
    dst = tmp_path / "site" / "hermetic_pyobject_tls"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(leave_out, "__pycache__"))
    return dst


def test_bundled_library_missing(tmp_path):
    pkg = _copy_package(tmp_path, "libhermetic_pyobject_tls.so*")
    ok, message, _ = _import(PYTHONPATH=str(pkg.parent))
    assert not ok
    assert "missing" in message and str(pkg / "libhermetic_pyobject_tls.so.0") in message
    assert "`pip install .` from the root" in message and ENV_VAR in message


def test_runtime_side_missing(tmp_path):
    # Without it every write would be served in C: a clear ImportError instead.
    pkg = _copy_package(tmp_path, "libhermetic_pyobject_tls_go.so*")
    ok, message, _ = _import(PYTHONPATH=str(pkg.parent))
    assert not ok
    assert "no runtime side" in message and str(pkg / f"libhermetic_pyobject_tls_go.so.{h.__version__}") in message


def test_package_not_built(tmp_path):
    pkg = _copy_package(tmp_path, "_build_info.py")
    ok, message, _ = _import(PYTHONPATH=str(pkg.parent))
    assert not ok
    assert "not built" in message and "`pip install .` from the root" in message
