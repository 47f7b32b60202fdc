#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""torch_e2e.py SCENARIO PACKAGE_VENV VERSION: runs torch_e2e_child.py
SCENARIO in the cached venv of torch VERSION (torch_cache.py venv VERSION)
with this project's Python package (installed by the test python.install
into PACKAGE_VENV) on its path, in a child process with a timeout; passes
when the child says OK. Scenario preload runs it with LD_PRELOAD=<the
package's c10 layer>."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import torch_cache  # noqa: E402

scenario, package_venv, version = sys.argv[1], sys.argv[2], sys.argv[3]
torch_python = torch_cache.venv_python(version)
if not os.path.exists(os.path.join(torch_cache.venv_dir(version), ".complete")):
    sys.exit(f"FAIL: no torch venv in {torch_cache.venv_dir(version)} (fixture pytorch.fetch_venv*)")
out = subprocess.run(
    [os.path.join(package_venv, "bin", "python"), "-c",
     "import hermetic_pyobject_tls as h, os; print(os.path.dirname(os.path.dirname(h.__file__)));"
     "print(os.path.join(os.path.dirname(h.library_path), 'libhermetic_pyobject_tls_c10.so.0'))"],
    capture_output=True, text=True)
if out.returncode != 0:
    sys.exit(f"FAIL: the package venv {package_venv} (test python.install): {out.stderr}")
site, layer = out.stdout.split("\n")[:2]
env = dict(os.environ, PYTHONPATH=site, PYTHONDONTWRITEBYTECODE="1")
env.pop("HERMETIC_PYOBJECT_TLS_LIBRARY", None)
env.pop("LD_PRELOAD", None)
if scenario == "preload":
    env["LD_PRELOAD"] = layer
cmd = [torch_python, "-W", "ignore::UserWarning", os.path.join(here, "torch_e2e_child.py"), scenario, version]
print("+", " ".join(cmd), f"(PYTHONPATH={site})", flush=True)
try:
    r = subprocess.run(cmd, env=env, timeout=240, capture_output=True, text=True)
except subprocess.TimeoutExpired as e:
    print(e.stdout or "", e.stderr or "")
    sys.exit(f"FAIL: scenario {scenario} did not finish in 240 s (a hang)")
print(r.stdout, end="")
print(r.stderr, end="", file=sys.stderr)
if r.returncode != 0 or not r.stdout.rstrip().endswith("OK"):
    sys.exit(f"FAIL: scenario {scenario} exited {r.returncode}")
