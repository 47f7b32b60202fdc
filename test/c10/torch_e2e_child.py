# SPDX-License-Identifier: BSD-3-Clause
"""One end-to-end scenario in a real `import torch` process (torch 2.0.0 or
2.7.0 from PyPI in its cached venv), run by torch_e2e.py as a child with a
timeout: torch_e2e_child.py SCENARIO VERSION.

What PyTorch does with the flag, read in torch/csrc:
- torch reads it (get_tls_state), 2.0 ... 2.9: THPVariable_Wrap
  (torch/csrc/autograd/python_variable.cpp), when
  c10::impl::HermeticPyObjectTLS::get_state() is true, hands Python a fresh
  wrapper for a tensor instead of the one preserved in the tensor's PyObject
  slot. So `x.add_(1) is x` (an in-place op returns self) is True normally
  and False in hermetic mode, and an attribute set on x (kept in the
  preserved wrapper's __dict__) is not on what add_ returns.
- torch writes it (set_state), 2.0 only: PythonKernelHolder::operator()
  (torch/csrc/utils/python_dispatch.cpp) runs every Python kernel registered
  with torch.library under an EnableHermeticPyObject guard (old = get_state();
  set_state(true); ...; set_state(old)), so the kernel gets fresh wrappers of
  its tensors. From 2.3 on the guard is compiled only with USE_DEPLOY (off in
  the wheels): a 2.7 kernel sees the caller's wrapper and the flag unchanged.
  With the layer, 2.0's guard writes this package's flag: the kernel reads
  h.get_state() True, and the caller's value is restored after.
"""
import ctypes
import os
import subprocess
import sys
import threading
import time

import hermetic_pyobject_tls as h

scenario, version = sys.argv[1], sys.argv[2]
# Whether torch runs Python kernels in hermetic mode (module doc).
KERNEL_HERMETIC = {"2.0.0": True, "2.7.0": False}[version]


def log(*a):
    print(*a, flush=True)


def fail(msg):
    log("FAIL:", msg)
    sys.exit(1)


def torch_preserves(torch):
    """PyTorch's behaviour on this thread: True = not hermetic (the Python
    object is preserved), False = hermetic (a fresh wrapper)."""
    x = torch.zeros(2)
    x.tag = "kept"
    y = x.add_(1)
    same = y is x
    if same != (getattr(y, "tag", None) == "kept"):
        fail(f"add_ returned {'x' if same else 'a new object'} but its __dict__ says otherwise")
    return same


def on_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join(60)
    if t.is_alive():
        fail("a thread did not finish in 60 s")
    return out[0]


def check_follows(torch, how):
    """Hermetic mode set through this package and through the C ABI (on
    another thread) is what PyTorch does, on that thread only."""
    if not torch_preserves(torch):
        fail(f"{how}: torch is hermetic before anything was set")
    h.set_state(True)
    if torch_preserves(torch):
        fail(f"{how}: set_state(True) through the Python package: torch still preserves")
    if not on_thread(lambda: torch_preserves(torch)):
        fail(f"{how}: another thread became hermetic too")
    h.set_state(False)
    if not torch_preserves(torch):
        fail(f"{how}: set_state(False): torch still hermetic")
    with h.hermetic():
        if torch_preserves(torch):
            fail(f"{how}: inside hermetic(): torch preserves")
    if not torch_preserves(torch):
        fail(f"{how}: after hermetic(): torch still hermetic")
    log(f"{how}: Python package set_state(True) -> x.add_(1) is x: False (fresh wrapper); "
        "other thread: True; set_state(False)/after hermetic(): True")

    cabi = ctypes.CDLL(h.library_path)  # the same library, its C ABI
    cabi.hermetic_pyobject_tls_set_state.argtypes = [ctypes.c_bool]

    def c_thread():
        before = torch_preserves(torch)
        cabi.hermetic_pyobject_tls_set_state(True)
        during = torch_preserves(torch)
        return before, during

    before, during = on_thread(c_thread)
    if not before or during:
        fail(f"{how}: C ABI on another thread: torch preserves before={before}, after set(true)={during}")
    if not torch_preserves(torch):
        fail(f"{how}: the C ABI's set on another thread reached the main thread")
    log(f"{how}: C ABI hermetic_pyobject_tls_set_state(true) on another thread -> torch hermetic there; "
        "main thread unaffected")


_kernel = {}  # the library and what the kernel saw: registered once per process


def kernel_probe(torch):
    """Calls a Python kernel registered with torch.library on a tensor that
    carries an attribute; returns (our flag inside the kernel, whether the
    kernel got the caller's wrapper, our flag after the call)."""
    if not _kernel:
        seen = _kernel["seen"] = {}

        def kernel(x):
            seen["flag"] = h.get_state()
            seen["same"] = getattr(x, "tag", None) == "kept"
            return x.clone()

        lib = _kernel["lib"] = torch.library.Library("hpt_e2e", "DEF")
        lib.define("probe(Tensor x) -> Tensor")
        lib.impl("probe", kernel, "CPU")
    x = torch.zeros(2)
    x.tag = "kept"
    torch.ops.hpt_e2e.probe(x)
    return _kernel["seen"]["flag"], _kernel["seen"]["same"], h.get_state()


def check_torch_writes(torch, how):
    """torch's own set_state (2.0's guard around Python kernels) writes this
    package's flag; 2.7 writes nothing (module doc)."""
    flag, same, after = kernel_probe(torch)
    if same == KERNEL_HERMETIC:
        fail(f"{how}: torch {version}'s Python kernel got {'the same' if same else 'a fresh'} wrapper")
    if flag != KERNEL_HERMETIC or after:
        fail(f"{how}: in torch {version}'s Python kernel our flag read {flag} (want {KERNEL_HERMETIC}), "
             f"after it {after}")
    h.set_state(True)
    inside, _, after = kernel_probe(torch)
    h.set_state(False)
    if not inside or not after:
        fail(f"{how}: with our flag set before the call: inside the kernel {inside}, after {after} (want True)")
    if KERNEL_HERMETIC:
        log(f"{how}: torch {version} runs a Python kernel under EnableHermeticPyObject: inside it our "
            "get_state() is True (torch's set_state wrote our flag), the kernel got a fresh wrapper, and "
            "after the call our flag is back to False (and stays True when it was True)")
    else:
        log(f"{how}: torch {version} runs a Python kernel without hermetic mode: our flag stays False inside")


def check_torch_version(torch):
    if not torch.__version__.startswith(version):
        fail(f"this venv has torch {torch.__version__}, not {version}")


def check_in_process(c10, how):
    r = c10.check()
    if not r.follows:
        fail(f"{how}: c10.check() says torch does not follow: {r.reason}")
    log(f"{how}: c10.check(): {r.reason}")


if scenario == "install":
    import hermetic_pyobject_tls.c10 as c10

    p = c10.install()
    if c10.install() != p:
        fail("second install() returned another path")
    maps = open("/proc/self/maps").read()
    if maps.count(os.path.realpath(p)) == 0:
        fail(f"{p} not mapped")
    if "libc10.so" in maps:
        fail("libc10 mapped before import torch")
    import torch

    check_torch_version(torch)
    if not c10.installed():
        fail("after import torch, the layer no longer provides the symbols")
    log(f"torch {torch.__version__}, layer {p}; have_state after import torch: {h.have_state()}")
    check_follows(torch, "install()")
    check_torch_writes(torch, "install()")
    check_in_process(c10, "install()")
    if c10.install() != p:
        fail("install() after import torch (already installed) is not a no-op")
    log("OK")

elif scenario == "preload":
    import hermetic_pyobject_tls.c10 as c10

    if not c10.installed():
        fail("LD_PRELOAD of the layer: installed() is False")
    pre = c10.install()  # a no-op: the preloaded layer
    import torch

    check_torch_version(torch)
    log(f"torch {torch.__version__}, LD_PRELOAD={os.environ.get('LD_PRELOAD')}, install() -> {pre}")
    check_follows(torch, "LD_PRELOAD")
    check_torch_writes(torch, "LD_PRELOAD")
    check_in_process(c10, "LD_PRELOAD")
    log("OK")

elif scenario == "control":
    import torch

    check_torch_version(torch)
    h.set_state(True)
    preserved = torch_preserves(torch)
    h.set_state(False)
    if not preserved:
        fail("without the layer, our flag changed torch's behaviour")
    log(f"control (no layer): set_state(True) -> x.add_(1) is x: {preserved} (torch reads libc10's own flag)")
    flag, same, after = kernel_probe(torch)
    if flag or after or same == KERNEL_HERMETIC:
        fail(f"control: in torch's Python kernel our flag read {flag}, after {after}; same wrapper: {same}")
    log(f"control (no layer): in a Python kernel our flag reads False; the kernel got "
        f"{'a fresh wrapper (torch set its own flag)' if KERNEL_HERMETIC else 'the same wrapper'}")
    log("OK")

elif scenario == "after_import":
    import torch

    import hermetic_pyobject_tls.c10 as c10

    for attempt in (1, 2):
        try:
            c10.install()
        except c10.C10Error as e:
            msg = str(e)
            if "already loaded" not in msg or "libc10" not in msg:
                fail(f"the error does not say libc10 is already loaded: {msg}")
            if attempt == 1:
                log(f"install() after import torch raises C10Error: {msg}")
        else:
            fail("install() after import torch did not raise")
    if c10.installed() or "libhermetic_pyobject_tls_c10" in open("/proc/self/maps").read():
        fail("the failed install() loaded the layer")
    h.set_state(True)
    if not torch_preserves(torch):
        fail("after a failed install(), torch follows our flag?")
    h.set_state(False)
    log("OK")

elif scenario == "dataloader":
    # Fork-based DataLoader, 2 workers, 2 epochs, while two threads toggle
    # hermetic mode (Python API and C ABI): no hang, no item lost, and in
    # each forked worker torch follows the flag set there (set_state in a
    # forked child stays in C: docs/design.md).
    import hermetic_pyobject_tls.c10 as c10

    c10.install()
    import torch
    from torch.utils.data import DataLoader, Dataset

    N = 64

    class Items(Dataset):
        def __len__(self):
            return N

        def __getitem__(self, i):
            h.set_state(i % 2 == 1)
            preserved = torch_preserves(torch)
            h.set_state(False)
            return torch.tensor([i, int(preserved), os.getpid()])

    stop = threading.Event()
    cabi = ctypes.CDLL(h.library_path)
    cabi.hermetic_pyobject_tls_set_state.argtypes = [ctypes.c_bool]
    flips = [0, 0]

    def toggler(k, setter):
        v = False
        while not stop.is_set():
            v = not v
            setter(v)
            if torch_preserves(torch) == v:
                fail(f"toggler {k}: torch does not follow the flag ({v})")
            flips[k] += 1
        setter(False)

    togglers = [threading.Thread(target=toggler, args=(0, h.set_state)),
                threading.Thread(target=toggler, args=(1, cabi.hermetic_pyobject_tls_set_state))]
    for t in togglers:
        t.start()
    start = time.monotonic()
    pids = set()
    try:
        for epoch in range(2):
            loader = DataLoader(Items(), batch_size=4, num_workers=2, multiprocessing_context="fork",
                                timeout=60)
            seen = []
            for batch in loader:
                for i, preserved, pid in batch.tolist():
                    seen.append(i)
                    pids.add(pid)
                    if preserved != (i % 2 == 0):
                        fail(f"epoch {epoch}: item {i} in worker {pid}: preserved={preserved}")
            if sorted(seen) != list(range(N)):
                fail(f"epoch {epoch}: items lost or repeated: {sorted(seen)}")
    finally:
        stop.set()
        for t in togglers:
            t.join(30)
    if not torch_preserves(torch):
        fail("main thread hermetic after the run")
    log(f"DataLoader fork, 2 workers x 2 epochs: {2 * N} items, none lost, "
        f"{len(pids)} worker processes, torch followed set_state in each worker; "
        f"togglers flipped {flips[0]} (Python) + {flips[1]} (C ABI) times, "
        f"{time.monotonic() - start:.1f} s")
    log("OK")

elif scenario == "check":
    # The command line, in this venv: the layer, the installed torch, the
    # range; --check: install(), import torch, the probe: exit 0.
    import hermetic_pyobject_tls.c10 as c10

    cli = [sys.executable, "-W", "ignore::UserWarning", "-m", "hermetic_pyobject_tls.c10"]
    info = subprocess.run(cli, capture_output=True, text=True, timeout=60)
    want = [f"layer: {c10.layer_path()}", f"LD_PRELOAD={c10.layer_path()}",
            f"torch: {version} (from its distribution metadata; not imported)",
            f"supported: torch {version} is in the supported range 2.0.0 to 2.12.1"]
    missing = [w for w in want if w not in info.stdout]
    if info.returncode != 0 or missing:
        fail(f"python -m hermetic_pyobject_tls.c10 exited {info.returncode}, lacks {missing}: "
             f"{info.stdout}{info.stderr}")
    log("python -m hermetic_pyobject_tls.c10:\n  " + info.stdout.strip().replace("\n", "\n  "))
    full = subprocess.run(cli + ["--check"], capture_output=True, text=True, timeout=240)
    if full.returncode != 0 or "OK: torch" not in full.stdout or "follows this package's flag" not in full.stdout:
        fail(f"--check exited {full.returncode}: {full.stdout}{full.stderr}")
    log("python -m hermetic_pyobject_tls.c10 --check:\n  " + full.stdout.strip().replace("\n", "\n  "))
    # In this process, torch first: check() says no, and why; then the
    # layer loaded RTLD_GLOBAL after torch (what install() refuses to do):
    # it provides c10's symbols to new libraries, but torch's are bound to
    # libc10's copy, so torch still ignores the flag. check() looks at what
    # torch does, not at symbol tables: it says no again.
    import torch

    check_torch_version(torch)
    r = c10.check()
    if r.follows or "the c10 layer is not installed" not in r.reason:
        fail(f"c10.check() without the layer: {r}")
    log(f"c10.check() without the layer: follows=False: {r.reason}")
    ctypes.CDLL(c10.layer_path(), mode=ctypes.RTLD_GLOBAL)
    if not c10.installed():
        fail("the layer loaded RTLD_GLOBAL does not provide c10's symbols")
    r = c10.check()
    if r.follows or "although the c10 layer provides c10's symbols" not in r.reason:
        fail(f"c10.check() with the layer loaded after torch: {r}")
    log(f"c10.check() with the layer loaded after torch (installed() is True): follows=False: {r.reason}")
    log("OK")

else:
    fail(f"unknown scenario {scenario}")
