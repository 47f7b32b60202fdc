"""Go only when written: importing the package and reading starts nothing.

A fresh interpreter imports the package and reads; its /proc status must be
what it was before the import: one thread, the same caught, ignored and
blocked signals, and unshare(CLONE_NEWUSER) must work (the kernel refuses
it in a multithreaded process). The first write then starts the runtime."""

from __future__ import annotations

from conftest import run_python

SCRIPT = r"""
import ctypes, os

def status():
    with open("/proc/self/status") as f:
        fields = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return {k: fields[k] for k in ("Threads", "SigBlk", "SigIgn", "SigCgt")}

before = status()
import hermetic_pyobject_tls as h
assert h.get_state() is False and h.have_state() is False
after = status()
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER = 0x10000000
rc = libc.unshare(CLONE_NEWUSER)
print("before", before)
print("after", after)
print("unshare", rc, ctypes.get_errno())
h.set_state(True)
assert h.get_state() is True
print("threads-after-write", status()["Threads"])
"""


def test_import_and_reads_start_nothing():
    r = run_python(SCRIPT)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(" ", 1) for line in r.stdout.splitlines())
    assert lines["before"] == lines["after"], f"the import changed the process:\n{r.stdout}"
    assert "'Threads': '1'" in lines["after"], r.stdout
    assert lines["unshare"] == "0 0", f"unshare(CLONE_NEWUSER) failed after the import: {lines['unshare']}"
    assert int(lines["threads-after-write"]) > 1, "the first write started no runtime"
