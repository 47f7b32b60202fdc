"""Loading under a tight RLIMIT_NPROC: the import fails with ImportError
instead of the Go runtime aborting the interpreter when it cannot start its
threads (docs/reliability.md, "RLIMIT_NPROC").

The child runs with real uid nobody and no capabilities (root and
CAP_SYS_RESOURCE/CAP_SYS_ADMIN are exempt from the limit) but effective uid
root, so it can still read the venv; setpriv and prlimit are util-linux's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from hermetic_pyobject_tls import _preflight

from conftest import CHILD_TIMEOUT, TESTS_DIR, child_env

NOBODY = 65534
NEEDED = _preflight.THREADS_NEEDED  # 5 the Go runtime starts while loading, plus a margin

CODE = "import hermetic_pyobject_tls as h; h.set_state(True); print('loaded', h.get_state())"

pytestmark = pytest.mark.skipif(
    os.getuid() != 0 or not (shutil.which("setpriv") and shutil.which("prlimit")),
    reason="needs root (to run a child with another real uid) and util-linux's setpriv and prlimit",
)


def threads_of(uid: int) -> int:
    """Threads that count against uid's RLIMIT_NPROC, as /proc shows them."""
    n = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/status") as f:
                st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
            if int(st["Uid"].split()[0]) == uid:
                n += int(st["Threads"])
        except (OSError, KeyError, ValueError):
            continue
    return n


def import_with_headroom(headroom: int) -> subprocess.CompletedProcess:
    """Imports the package in a child that may start `headroom` threads
    besides its own main thread."""
    limit = threads_of(NOBODY) + 1 + headroom
    argv = ["setpriv", f"--ruid={NOBODY}", "--inh-caps=-all", "--bounding-set=-all", "--",
            "prlimit", f"--nproc={limit}:{limit}", sys.executable, "-c", CODE]
    return subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                          cwd=str(TESTS_DIR))


@pytest.mark.parametrize("headroom", [0, 2, 4, NEEDED - 1])
def test_too_little_headroom_is_an_import_error(headroom: int) -> None:
    r = import_with_headroom(headroom)
    assert r.returncode == 1, f"rc {r.returncode} (an abort is -6)\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert "ImportError: hermetic_pyobject_tls: not loading the library" in r.stderr, r.stderr
    assert "RLIMIT_NPROC" in r.stderr and "ulimit -u" in r.stderr, r.stderr


def test_enough_headroom_loads() -> None:
    r = import_with_headroom(NEEDED)
    assert r.returncode == 0, f"rc {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert r.stdout.strip() == "loaded True", r.stdout
