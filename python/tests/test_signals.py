"""Loading the library (and with it Go's runtime) leaves CPython's SIGINT alone."""

from __future__ import annotations

import signal

import pytest

import hermetic_pyobject_tls as h  # noqa: F401  (loaded: that is the point)

from conftest import run_python


def test_sigint_handler_untouched_in_this_process():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_sigint_still_raises_keyboard_interrupt():
    # A fresh process: the Go runtime is up (a write entered it), a thread
    # keeps writing, then SIGINT is raised in the main thread, sent to the
    # process, and sent to the writer thread with tgkill. The Go runtime's own
    # threads block SIGINT (docs/reliability.md, "Signals": the host's
    # signals reach only the host's threads), read from
    # /proc/self/task/TID/status.
    code = r"""
import os, signal, threading, time, ctypes, platform
import hermetic_pyobject_tls as h
assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
h.set_state(True); h.init_state()
stop = threading.Event()
def writer():
    while not stop.is_set():
        h.set_state(True); h.set_state(False)
t = threading.Thread(target=writer, daemon=True); t.start()
time.sleep(0.05)

def expect_interrupt(send):
    try:
        send()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.001)
    except KeyboardInterrupt:
        return 1
    return 0

raised = sum(expect_interrupt(lambda: signal.raise_signal(signal.SIGINT)) for _ in range(20))
killed = sum(expect_interrupt(lambda: os.kill(os.getpid(), signal.SIGINT)) for _ in range(20))
SYS_tgkill = {"x86_64": 234, "aarch64": 131}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
main_tid = threading.get_native_id()
others = [int(x) for x in os.listdir("/proc/self/task") if int(x) != main_tid]
to_writer = sum(
    expect_interrupt(lambda: libc.syscall(SYS_tgkill, os.getpid(), t.native_id, signal.SIGINT) == 0 or 1 / 0)
    for _ in range(5))
def blocks_sigint(tid):
    for line in open(f"/proc/self/task/{tid}/status"):
        if line.startswith("SigBlk:"):
            return int(line.split()[1], 16) >> (signal.SIGINT - 1) & 1
runtime = [tid for tid in others if tid != t.native_id]
blocking = sum(blocks_sigint(tid) for tid in runtime)
stop.set(); t.join(10)
assert h.get_state() is True
print(raised, killed, to_writer, len(runtime), blocking)
"""
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    raised, killed, to_writer, n_runtime, blocking = map(int, r.stdout.split())
    assert (raised, killed, to_writer) == (20, 20, 5)
    assert n_runtime >= 1  # at least one of Go's threads
    assert blocking == n_runtime, f"{n_runtime - blocking} of Go's {n_runtime} threads take SIGINT"


@pytest.mark.parametrize("write_first", [True, False], ids=["after-a-write", "right-after-import"])
def test_exec_child_inherits_ignored_sigpipe(write_first):
    # CPython ignores SIGPIPE at startup. The Go runtime would replace that
    # with a handler, which execve() resets to the default: os.system's
    # children would then die of SIGPIPE where they used to get EPIPE. The
    # library gives SIG_IGN back once its runtime is up.
    code = r"""
import os, signal, sys
import hermetic_pyobject_tls as h
if sys.argv[1] == "write":
    h.set_state(True)  # the runtime is surely up
import tempfile
with tempfile.NamedTemporaryFile("r") as out:
    # os.system, unlike subprocess, leaves signal dispositions as they are.
    assert os.system(f"grep '^SigIgn:' /proc/self/status > {out.name}") == 0
    ignored = int(out.read().split()[1], 16)
print(1 if ignored & (1 << (signal.SIGPIPE - 1)) else 0)
"""
    r = run_python(code, args=("write" if write_first else "import",))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1"], "a program run by os.system() lost SIGPIPE ignored"
