# SPDX-License-Identifier: BSD-3-Clause
"""hermetic_pyobject_tls.c10 without PyTorch: the layer ships in the
package, install() makes c10's symbols resolve to it and mirror the flag,
a second call is a no-op, and a libc10 already in the process makes it
raise and load nothing; a torch without the class (its distribution
metadata says which) makes it raise too; the command line; check()'s
verdicts on stand-ins for torch. (With real torch: CTest pytorch.e2e_*.)"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Dict, Optional

import pytest

import hermetic_pyobject_tls as h
import hermetic_pyobject_tls.c10 as c10
from conftest import CHILD_TIMEOUT, child_env


def run(code: str, env=None) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_layer_ships_beside_the_library():
    p = c10.layer_path()
    assert os.path.dirname(p) == os.path.dirname(os.path.abspath(h.library_path))
    assert os.path.isfile(p), p
    assert os.path.basename(p) == "libhermetic_pyobject_tls_c10.so.0"


def test_install_mirrors_the_flag():
    out = run("""
        import ctypes, threading
        import hermetic_pyobject_tls as h, hermetic_pyobject_tls.c10 as c10
        assert not c10.installed()
        p = c10.install()
        assert c10.install() == p and c10.installed()
        assert open('/proc/self/maps').read().count(p) >= 1
        g = ctypes.CDLL(None)
        get = g._ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv
        get.restype = ctypes.c_bool
        s = g._ZN3c104impl19HermeticPyObjectTLS9set_stateEb
        s.argtypes = [ctypes.c_bool]
        h.set_state(True); a = get()
        s(False); b = h.get_state()
        s(True); other = []
        t = threading.Thread(target=lambda: other.append((get(), h.get_state()))); t.start(); t.join()
        init = g._ZN3c104impl19HermeticPyObjectTLS10init_stateEv
        have = ctypes.c_uint8.in_dll(g, '_ZN3c104impl19HermeticPyObjectTLS10haveState_E')
        before = (have.value, h.have_state()); init()
        print(a, b, h.get_state(), other, before, (have.value, h.have_state()))
    """)
    assert out.split("\n")[0] == "True False True [(False, False)] (0, False) (1, True)", out


def test_install_after_libc10_raises_and_loads_nothing(tmp_path):
    fake = tmp_path / "libc10.so"  # any library mapped as libc10.so stands for PyTorch's
    cc = os.environ.get("CC", "cc")
    src = tmp_path / "empty.c"
    src.write_text("int hpt_fake_libc10;\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(fake), str(src)], check=True)
    out = run(f"""
        import ctypes
        import hermetic_pyobject_tls.c10 as c10
        ctypes.CDLL({str(fake)!r})
        for _ in range(2):
            try:
                c10.install()
            except c10.C10Error as e:
                msg = str(e)
            else:
                raise SystemExit('no error')
        assert 'already loaded' in msg and {str(fake)!r} in msg, msg
        assert not c10.installed()
        assert 'libhermetic_pyobject_tls_c10' not in open('/proc/self/maps').read()
        print('raised')
    """)
    assert out.strip() == "raised"


# --- which torch: distribution metadata, the supported range, 2.13 and later ---


def beside_the_package(site) -> str:
    """PYTHONPATH with site first and the package under test still found
    (a package staged in the build tree comes through PYTHONPATH too)."""
    return os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)


def fake_torch_dist(tmp_path: Path, version: str) -> Path:
    """A directory holding only torch's distribution metadata (no module):
    what importlib.metadata reads, put first on a child's sys.path."""
    info = tmp_path / "site" / f"torch-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n", encoding="utf-8")
    return tmp_path / "site"


def cli(*args: str, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hermetic_pyobject_tls.c10", *args], capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT, env=env if env is not None else child_env())


@pytest.mark.parametrize("version, verdict", [
    ("2.0.0", "supported: torch 2.0.0 is in the supported range 2.0.0 to 2.12.1"),
    ("2.7.0+cu126", "supported: torch 2.7.0+cu126 is in the supported range"),
    ("2.12.1", "supported: torch 2.12.1 is in the supported range"),
    ("2.12.2", "not tested: torch 2.12.2 has the class but is outside the tested range"),
    ("2.13.0", "not supported: torch 2.13.0 has no c10::impl::HermeticPyObjectTLS, which torch 2.13 removed "
               "upstream (pytorch/pytorch PR #181289"),
    ("2.13.0a0+git1234", "not supported: torch 2.13.0a0+git1234 has no c10::impl::HermeticPyObjectTLS, which"),
    ("3.1", "not supported: torch 3.1 has no c10::impl::HermeticPyObjectTLS, which torch 2.13 removed"),
    ("1.13.1", "not supported: torch 1.13.1 has no c10::impl::HermeticPyObjectTLS (it came with torch 2.0"),
])
def test_support_says_what_the_layer_does_for_a_version(version: str, verdict: str):
    assert c10.support(version).startswith(verdict), c10.support(version)


@pytest.mark.parametrize("version", ["2.13.0", "2.14.1", "1.13.1"])
def test_install_refuses_a_torch_without_the_class_and_loads_nothing(tmp_path, version):
    site = fake_torch_dist(tmp_path, version)
    out = run(f"""
        import hermetic_pyobject_tls.c10 as c10
        assert c10.torch_version() == {version!r}, c10.torch_version()
        try:
            c10.install()
        except c10.C10Error as e:
            msg = str(e)
        else:
            raise SystemExit('no error')
        assert not c10.installed()
        assert 'libhermetic_pyobject_tls_c10' not in open('/proc/self/maps').read()
        assert 'torch' not in __import__('sys').modules
        print(msg)
    """, env=child_env(PYTHONPATH=beside_the_package(site)))
    assert f"torch {version} has no c10::impl::HermeticPyObjectTLS" in out, out
    assert "nothing was loaded" in out, out
    if version != "1.13.1":
        assert "removed upstream (pytorch/pytorch PR #181289" in out, out


def test_torch_version_reads_the_metadata_without_importing_torch(tmp_path):
    site = fake_torch_dist(tmp_path, "2.9.0")
    out = run("""
        import sys
        import hermetic_pyobject_tls.c10 as c10
        print(c10.torch_version(), 'torch' in sys.modules)
    """, env=child_env(PYTHONPATH=beside_the_package(site)))
    assert out.split() == ["2.9.0", "False"], out


def test_torch_version_is_none_without_a_torch_distribution(monkeypatch):
    from importlib import metadata

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert c10.torch_version() is None


# --- python -m hermetic_pyobject_tls.c10 ---


def test_cli_prints_the_layer_the_torch_and_the_range(tmp_path):
    r = cli(env=child_env(PYTHONPATH=beside_the_package(fake_torch_dist(tmp_path, "2.3.1"))))
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"layer: {c10.layer_path()}", r.stdout
    assert f"LD_PRELOAD={c10.layer_path()} " in lines[1], r.stdout
    assert "torch: 2.3.1 (from its distribution metadata; not imported)" in lines, r.stdout
    assert "supported: torch 2.3.1 is in the supported range 2.0.0 to 2.12.1" in lines, r.stdout


def test_cli_without_torch(monkeypatch):
    monkeypatch.setattr(c10, "torch_version", lambda: None)
    from hermetic_pyobject_tls import _c10_cli

    out = io.StringIO()
    assert _c10_cli.main([], out) == 0
    assert "torch: not installed" in out.getvalue(), out.getvalue()
    out = io.StringIO()
    assert _c10_cli.main(["--check"], out) == 1
    assert "FAIL: --check needs torch installed" in out.getvalue(), out.getvalue()


def test_cli_check_fails_with_the_reason_on_torch_2_13(tmp_path):
    r = cli("--check", env=child_env(PYTHONPATH=beside_the_package(fake_torch_dist(tmp_path, "2.13.0"))))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "not supported: torch 2.13.0" in r.stdout and "PR #181289" in r.stdout, r.stdout
    fail = [line for line in r.stdout.splitlines() if line.startswith("FAIL: ")]
    assert len(fail) == 1 and "install()" in fail[0] and "nothing was loaded" in fail[0], r.stdout


def test_cli_check_fails_when_torch_does_not_import(tmp_path):
    # Metadata of a supported torch but no module: install() works, the import fails.
    r = cli("--check", env=child_env(PYTHONPATH=beside_the_package(fake_torch_dist(tmp_path, "2.7.0"))))
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"install(): {c10.layer_path()}" in r.stdout, r.stdout
    assert "FAIL: import torch: ModuleNotFoundError" in r.stdout, r.stdout


# --- check(): what torch does, with a stand-in for torch's wrappers ---


class FakeTensor:
    """What check() probes: add_ returns self, or (when `reads`, in hermetic
    mode) a fresh object; its storage is the same object each time."""

    def __init__(self, reads: bool) -> None:
        self.reads = reads
        self.storage = object()

    def add_(self, _n: int) -> "FakeTensor":
        return FakeTensor(self.reads) if self.reads and h.get_state() else self

    def untyped_storage(self) -> object:
        return self.storage


def fake_torch(reads: bool) -> types.ModuleType:
    torch = types.ModuleType("torch")
    torch.__version__ = "2.7.0+fake"  # type: ignore[attr-defined]
    torch.zeros = lambda *_: FakeTensor(reads)  # type: ignore[attr-defined]
    return torch


def test_check_needs_torch_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with pytest.raises(c10.C10Error, match="import torch first"):
        c10.check()


def test_check_sees_a_torch_that_follows_the_flag(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", fake_torch(reads=True))
    r = c10.check()
    assert r.follows, r
    assert r.torch_version == "2.7.0+fake"
    tensor, storage = r.probes
    assert (tensor.normal, tensor.hermetic, tensor.after) == (True, False, True), r
    assert (storage.normal, storage.hermetic, storage.after) == (True, True, True), r
    assert "x.add_(1) is x turned False" in r.reason, r.reason
    assert not h.get_state(), "check() changed this thread's flag"


def test_check_tells_a_torch_that_exports_but_never_reads(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", fake_torch(reads=False))
    monkeypatch.setattr(c10, "_provider", lambda: "/x/libhermetic_pyobject_tls_c10.so.0")
    r = c10.check()
    assert not r.follows, r
    assert "does not follow the flag although the c10 layer provides c10's symbols" in r.reason, r.reason
    assert "never reads c10::impl::HermeticPyObjectTLS" in r.reason, r.reason


def test_check_without_the_layer_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", fake_torch(reads=False))
    monkeypatch.setattr(c10, "_provider", lambda: "/x/libc10.so")
    r = c10.check()
    assert not r.follows, r
    assert "the c10 layer is not installed (c10's get_tls_state resolves to /x/libc10.so)" in r.reason, r.reason
    assert f"LD_PRELOAD={c10.layer_path()}" in r.reason, r.reason
