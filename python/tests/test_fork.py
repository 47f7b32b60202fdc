"""fork() while other threads keep calling into the library: the child keeps
the forking thread's flag and can call every function, and never hangs.
(Go's runtime cannot be entered in such a child; the library stays in C there.)"""

from __future__ import annotations

from conftest import TESTS_DIR, run_python

SCRIPT = str(TESTS_DIR / "fork_scenarios.py")
FORKS = 50
CHILD_TIMEOUT = 10.0  # per child; a child that misses it is killed and counted as a hang


def _run(mode: str) -> None:
    r = run_python(SCRIPT, args=(mode, str(FORKS), str(CHILD_TIMEOUT)), timeout=120)
    assert r.returncode == 0, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert r.stdout.strip().splitlines()[-1].startswith(f"ok {mode} n={FORKS}"), r.stdout


def test_os_fork_under_load():
    _run("os_fork")


def test_multiprocessing_fork_under_load():
    _run("mp_fork")
