# SPDX-License-Identifier: BSD-3-Clause
"""The RLIMIT_NPROC check made before the package loads a copy of the
library: an ImportError instead of the Go runtime's abort when this user
cannot start the threads the runtime needs (docs/reliability.md,
"RLIMIT_NPROC")."""

from __future__ import annotations

import os

#: Threads this user must still be able to start for the library to load: the
#: Go runtime starts 5 while loading (Go 1.26: `bench/limits/run`) and may
#: start more later; it aborts the whole process when it cannot.
THREADS_NEEDED = 8

# Capabilities that lift RLIMIT_NPROC (the kernel's copy_process): bit numbers.
_CAP_SYS_ADMIN, _CAP_SYS_RESOURCE = 21, 24


def check_thread_headroom() -> None:
    """ImportError instead of an abort when RLIMIT_NPROC leaves this user
    fewer than THREADS_NEEDED more threads. The usual cost is a getrlimit
    and one read of /proc/loadavg (all threads on the system, an upper bound
    of this user's); this user's threads are counted only near the limit."""
    try:
        import resource
    except ImportError:
        return
    soft = resource.getrlimit(resource.RLIMIT_NPROC)[0]
    if soft == resource.RLIM_INFINITY or os.getuid() == 0:
        return
    try:
        with open("/proc/loadavg") as f:
            system_threads = int(f.read().split()[3].split("/")[1])
        if soft - system_threads >= THREADS_NEEDED:
            return
        status = _proc_status("self")
    except (OSError, ValueError, IndexError):
        return  # no /proc to ask: load and let the runtime decide
    caps = int(status.get("CapEff", "0"), 16)
    if caps & (1 << _CAP_SYS_ADMIN | 1 << _CAP_SYS_RESOURCE):
        return
    uid = os.getuid()
    used = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = _proc_status(pid)
            if int(st["Uid"].split()[0]) == uid:  # the limit counts by real uid
                used += int(st["Threads"])
        except (OSError, ValueError, KeyError, IndexError):
            continue  # gone meanwhile
    if soft - used < THREADS_NEEDED:
        raise ImportError(
            f"hermetic_pyobject_tls: not loading the library: the Go runtime in it starts threads "
            f"and aborts the process when it cannot. RLIMIT_NPROC is {soft} for user {uid}, who "
            f"already runs {used} threads, so {max(soft - used, 0)} more can start, and loading "
            f"needs {THREADS_NEEDED}. Raise the limit (ulimit -u) or end some of this user's "
            f"threads or processes."
        )


def _proc_status(pid: str) -> "dict[str, str]":
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
