"""The first write under a tight RLIMIT_NPROC (docs/reliability.md,
"RLIMIT_NPROC"). Importing and reading start no thread, so they work with no
headroom at all. The first write starts the Go runtime, which would abort
the interpreter when it cannot start its threads; the library checks the
headroom first and, short of 8 threads, makes the writes in C and says so
once on stderr: the interpreter lives, and the flag works.

The child runs with a real uid of its own (no other process has it, so tests
running at the same time cannot eat its headroom) and no capabilities (root
and CAP_SYS_RESOURCE/CAP_SYS_ADMIN are exempt from the limit), but effective
uid root, so it can still read the venv; setpriv and prlimit are util-linux's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import CHILD_TIMEOUT, TESTS_DIR, child_env

# A real uid no one else has: RLIMIT_NPROC counts the threads of a real uid.
UID = 200000 + os.getpid() % 100000
NEEDED = 8  # the library's own threshold (cabi/start_on_demand.c): the runtime's 5, plus a margin

CODE = """
import os
import hermetic_pyobject_tls as h
assert h.get_state() is False and h.have_state() is False
h.set_state(True)
h.init_state()
print("wrote", h.get_state(), h.have_state(), len(os.listdir("/proc/self/task")))
"""

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


def write_with_headroom(headroom: int) -> subprocess.CompletedProcess:
    """Imports the package and writes in a child that may start `headroom`
    threads besides its own main thread."""
    limit = threads_of(UID) + 1 + headroom
    argv = ["setpriv", f"--ruid={UID}", "--inh-caps=-all", "--bounding-set=-all", "--",
            "prlimit", f"--nproc={limit}:{limit}", sys.executable, "-c", CODE]
    return subprocess.run(argv, env=child_env(), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
                          cwd=str(TESTS_DIR))


@pytest.mark.parametrize("headroom", [0, 2, 4, NEEDED - 1])
def test_too_little_headroom_writes_in_c(headroom: int) -> None:
    r = write_with_headroom(headroom)
    assert r.returncode == 0, f"rc {r.returncode} (an abort is -6)\nstdout: {r.stdout}\nstderr: {r.stderr}"
    assert r.stdout.strip() == "wrote True True 1", r.stdout  # the flag works, no runtime thread
    lines = [line for line in r.stderr.splitlines() if line.startswith("hermetic_pyobject_tls: ")]
    assert len(lines) == 1, r.stderr
    assert "RLIMIT_NPROC" in lines[0] and "ulimit -u" in lines[0] and "served in C" in lines[0], lines[0]


def test_enough_headroom_starts_the_runtime() -> None:
    r = write_with_headroom(NEEDED)
    assert r.returncode == 0, f"rc {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    words = r.stdout.split()
    assert words[:3] == ["wrote", "True", "True"] and int(words[3]) > 1, r.stdout
    assert r.stderr == "", r.stderr
