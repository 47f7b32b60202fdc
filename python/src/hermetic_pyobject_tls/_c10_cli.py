# SPDX-License-Identifier: BSD-3-Clause
"""python -m hermetic_pyobject_tls.c10 [--check]: where the c10 layer is
(for LD_PRELOAD), which torch is installed (its distribution metadata;
torch is not imported) and whether it is in the supported range. --check
also runs install(), imports torch and check(): exit status 0 when torch
follows this package's flag, 1 with the reason when it does not."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, TextIO

from . import c10


def _parse(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m hermetic_pyobject_tls.c10", description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true",
                   help="install the layer, import torch and show that torch follows the flag (exit 1 if not)")
    return p.parse_args(argv)


def _info(out: TextIO) -> Optional[str]:
    """Print the layer and the installed torch; the torch version or None."""
    path = c10.layer_path()
    there = os.path.isfile(path)
    print(f"layer: {path}" + ("" if there else " (MISSING: reinstall the package)"), file=out)
    print(f"  LD_PRELOAD={path} python app.py   (or c10.install() before `import torch`)", file=out)
    version = c10.torch_version()
    if version is None:
        print("torch: not installed (no torch distribution metadata on sys.path)", file=out)
    else:
        print(f"torch: {version} (from its distribution metadata; not imported)", file=out)
        print(c10.support(version), file=out)
    return version


def _fail(out: TextIO, msg: str) -> int:
    print(f"FAIL: {msg}", file=out)
    return 1


def _check(out: TextIO, version: Optional[str]) -> int:
    if version is None:
        return _fail(out, "--check needs torch installed")
    try:
        print(f"install(): {c10.install()}", file=out)
    except c10.C10Error as e:
        return _fail(out, str(e))
    try:
        import torch
    except Exception as e:  # what import torch raised is the reason
        return _fail(out, f"import torch: {e!r}")
    print(f"import torch: {torch.__version__} from {os.path.dirname(torch.__file__)}", file=out)
    result = c10.check()
    for probe in result.probes:
        print(f"  probe on a new thread: {probe}", file=out)
    if not result.follows:
        return _fail(out, result.reason)
    print(f"OK: {result.reason}", file=out)
    return 0


def main(argv: List[str], out: TextIO = sys.stdout) -> int:
    """The command line (module doc); returns the exit status."""
    args = _parse(argv)
    version = _info(out)
    if args.check:
        return _check(out, version)
    return 0 if os.path.isfile(c10.layer_path()) else 1
