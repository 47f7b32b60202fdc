"""A Python host that blocks signals and takes them with signal.sigwait()
gets every one after importing the package (docs/reliability.md, "Signals"): the runtime's
threads block them too, and a write leaves the thread's mask as it was."""

from __future__ import annotations

from conftest import run_python

SCRIPT = r"""
import os, signal, sys, threading
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
import hermetic_pyobject_tls as h
before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
h.set_state(True); h.init_state(); h.set_state(False)
after = signal.pthread_sigmask(signal.SIG_BLOCK, [])
got = {signal.SIGTERM: 0, signal.SIGCHLD: 0, signal.SIGUSR1: 0}
rounds = int(sys.argv[1])
for r in range(rounds):
    t = threading.Thread(target=lambda: (h.set_state(True), h.set_state(False)))
    t.start(); t.join()
    for sig in got:
        os.kill(os.getpid(), sig)
        got[sig] += signal.sigtimedwait([sig], 5) is not None
print("mask-kept" if before == after else f"mask-changed {sorted(before ^ after)}")
print(" ".join(f"{signal.Signals(s).name}={n}" for s, n in got.items()))
"""


def test_sigwait_host_gets_its_signals(tmp_path):
    script = tmp_path / "sigwait_host.py"
    script.write_text(SCRIPT, encoding="utf-8")
    r = run_python(str(script), args=("20",))
    assert r.returncode == 0, f"host died (rc {r.returncode}): {r.stdout} {r.stderr}"
    lines = r.stdout.split("\n")
    assert lines[0] == "mask-kept", lines[0]
    assert lines[1] == "SIGTERM=20 SIGCHLD=20 SIGUSR1=20", lines[1]


SIGINFO_SCRIPT = r"""
import os, signal, subprocess, sys
signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP})
import hermetic_pyobject_tls as h
h.set_state(True)
child = rt = 0
rounds = int(sys.argv[1])
for r in range(rounds):
    p = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({r + 1})"])
    # The child exits while this thread is not in sigtimedwait(): the kernel
    # then gives SIGCHLD to any thread that does not block it.
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    info = signal.sigtimedwait([signal.SIGCHLD], 5)
    child += (info is not None and info.si_pid == p.pid and info.si_code == os.CLD_EXITED
              and info.si_status == r + 1)
    p.wait()
    os.kill(os.getpid(), signal.SIGRTMIN)
    info = signal.sigtimedwait([signal.SIGRTMIN], 5)
    rt += info is not None and info.si_pid == os.getpid()
print(f"SIGCHLD={child} SIGRTMIN={rt}")
"""


def test_sigwait_host_gets_the_kernels_siginfo(tmp_path):
    """A child's SIGCHLD keeps its siginfo and SIGRTMIN reaches the host: the
    runtime's threads keep both blocked (cabi/sigtable_patch.c)."""
    script = tmp_path / "siginfo_host.py"
    script.write_text(SIGINFO_SCRIPT, encoding="utf-8")
    r = run_python(str(script), args=("10",))
    assert r.returncode == 0, f"host died (rc {r.returncode}): {r.stdout} {r.stderr}"
    assert r.stdout.strip() == "SIGCHLD=10 SIGRTMIN=10", r.stdout
