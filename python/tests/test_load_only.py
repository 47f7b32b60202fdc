"""Go only when written: importing the package and reading starts nothing.

A fresh interpreter imports the package and reads; its /proc status must be
what it was before the import: one thread, the same caught, ignored and
blocked signals, and unshare(CLONE_NEWUSER) must work, or fail as it does
without the library where user namespaces are refused to every process (a
chroot, a container's seccomp policy); never with EINVAL, which is what the
kernel says to a multithreaded process. The first write then starts the
runtime."""

from __future__ import annotations

import errno

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
# The control: a forked child has one thread, whatever its parent has, so
# it shows what a one-thread process gets from unshare() on this machine.
pid = os.fork()
if pid == 0:
    os._exit(0 if libc.unshare(CLONE_NEWUSER) == 0 else min(ctypes.get_errno(), 255))
_, control = os.waitpid(pid, 0)
rc = libc.unshare(CLONE_NEWUSER)
print("control", os.waitstatus_to_exitcode(control) if hasattr(os, "waitstatus_to_exitcode") else control >> 8)
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
    rc, err = lines["unshare"].split()
    assert err != str(errno.EINVAL), "unshare(CLONE_NEWUSER) got EINVAL after the import: the process has threads"
    # What a process without the package's runtime gets here: 0, or the
    # errno of a machine that refuses user namespaces to every process.
    assert (rc == "0" and lines["control"] == "0") or (rc == "-1" and err == lines["control"]), r.stdout
    assert int(lines["threads-after-write"]) > 1, "the first write started no runtime"
