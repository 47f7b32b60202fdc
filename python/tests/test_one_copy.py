"""One copy of the library per process, whatever loads first
(docs/reliability.md, "A guest in other people's processes").

A C extension linked with -lhermetic_pyobject_tls (here: the same library,
copied to another directory and loaded by path, as a system install would be)
loads first; the import must then use that copy, not map its bundled one."""

from __future__ import annotations

import shutil

from conftest import compile_shared, copy_library, run_python

SCRIPT = r"""
import ctypes, os, sys
first = ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
first.hermetic_pyobject_tls_get_state.restype = ctypes.c_bool
first.hermetic_pyobject_tls_have_state.restype = ctypes.c_bool
first.hermetic_pyobject_tls_set_state.argtypes = [ctypes.c_bool]
first.hermetic_pyobject_tls_set_state(True)
import hermetic_pyobject_tls as h
maps = {f[5].strip() for f in (l.split(None, 5) for l in open("/proc/self/maps")) if len(f) == 6}
copies = sorted(p for p in maps if "/libhermetic_pyobject_tls.so" in p)
sides = sorted(p for p in maps if "/libhermetic_pyobject_tls_go.so" in p)
threads = len(os.listdir("/proc/self/task"))
h.init_state()
print(len(copies), h.get_state(), first.hermetic_pyobject_tls_have_state(),
      os.path.realpath(h.library_path) == os.path.realpath(sys.argv[1]), threads,
      len(sides), all(os.path.dirname(p) == os.path.dirname(sys.argv[1]) for p in sides))
"""

BAD_MAJOR = r"""
import ctypes, sys
ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
try:
    import hermetic_pyobject_tls
except ImportError as e:
    print("ImportError:", e)
else:
    print("imported")
"""


def _copy_of_bundled(tmp_path, name):
    import hermetic_pyobject_tls as h

    return copy_library(h.library_path, tmp_path / "system" / name)


def _run_with_copy_loaded_first(tmp_path, text):
    """Runs text in a fresh interpreter with a copy of the bundled library
    under its SONAME in another directory as argv[1]; its output's words."""
    from hermetic_pyobject_tls import _build_info

    other = _copy_of_bundled(tmp_path, _build_info.LIBRARY_NAME)
    script = tmp_path / "first.py"
    script.write_text(text, encoding="utf-8")
    r = run_python(str(script), args=(str(other),))
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_import_uses_the_copy_a_c_extension_loaded(tmp_path):
    copies, state, have, same, _threads, sides, beside = _run_with_copy_loaded_first(tmp_path, SCRIPT)
    assert copies == "1", f"copies of the library mapped: {copies} (want 1)"
    assert sides == "1" and beside == "True", "not one runtime side, the one beside the copy in use"
    assert state == "True", "Python does not see the flag C set"
    assert have == "True", "init_state() from Python does not reach C's have_state"
    assert same == "True", "library_path does not name the copy in use"


def test_a_copy_of_another_major_version_is_refused(tmp_path):
    # A library of another major version (another SONAME) is in the process:
    # the import must fail clearly rather than map a second copy beside it.
    fake = compile_shared(
        tmp_path, "libhermetic_pyobject_tls",
        "unsigned hermetic_pyobject_tls_version_number(void) { return 990000; }\n")
    script = tmp_path / "bad.py"
    script.write_text(BAD_MAJOR, encoding="utf-8")
    r = run_python(str(script), args=(str(fake),))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ImportError:"), r.stdout
    assert "already holds a copy" in r.stdout and str(fake) in r.stdout, r.stdout


LOCAL_FIRST = r"""
import ctypes, sys
first = ctypes.CDLL(sys.argv[1])  # RTLD_LOCAL, as a plugin loader would
import hermetic_pyobject_tls as h
maps = {f[5].strip() for f in (l.split(None, 5) for l in open("/proc/self/maps")) if len(f) == 6}
copies = sorted(p for p in maps if "/libhermetic_pyobject_tls.so" in p)
print(len(copies), hasattr(ctypes.CDLL(None), "hermetic_pyobject_tls_get_state"))
"""


def test_finding_the_loaded_copy_leaves_its_scope_alone(tmp_path):
    # A copy the host loaded with RTLD_LOCAL is used, and stays local: the
    # import must not make its symbols global for every library loaded later.
    copies, global_now = _run_with_copy_loaded_first(tmp_path, LOCAL_FIRST)
    assert copies == "1", f"copies of the library mapped: {copies} (want 1)"
    assert global_now == "False", "the import made the host's RTLD_LOCAL copy global"


# An extension that carries the library inside it (built from the static
# archive: its hermetic_pyobject_tls_* are its own exports, no SONAME of ours):
# a stand-in with its own flag, of this package's version.
EXTENSION = r"""
#include <stdbool.h>
static _Thread_local unsigned char flag;
static unsigned char have;
bool hermetic_pyobject_tls_get_state(void) { return flag; }
void hermetic_pyobject_tls_set_state(bool s) { flag = s; }
bool hermetic_pyobject_tls_have_state(void) { return have; }
void hermetic_pyobject_tls_init_state(void) { have = 1; }
const char *hermetic_pyobject_tls_version(void) { return "same"; }
unsigned hermetic_pyobject_tls_version_number(void) { return VERSION_NUMBER; }
"""

EXTENSION_FIRST = r"""
import ctypes, sys
ext = ctypes.CDLL(sys.argv[1])  # RTLD_LOCAL, as Python loads extensions
ext.hermetic_pyobject_tls_set_state(True)
import hermetic_pyobject_tls as h
maps = {f[5].strip() for f in (l.split(None, 5) for l in open("/proc/self/maps")) if len(f) == 6}
print(len([p for p in maps if "libhermetic_pyobject_tls" in p]), h.get_state(), h.library_path == sys.argv[1])
"""


def test_import_uses_a_copy_inside_an_extension(tmp_path):
    from hermetic_pyobject_tls import _build_info

    ext = compile_shared(tmp_path, "ext_with_archive", EXTENSION,
                         f"VERSION_NUMBER={_build_info.VERSION_NUMBER}u")
    script = tmp_path / "ext.py"
    script.write_text(EXTENSION_FIRST, encoding="utf-8")
    r = run_python(str(script), args=(str(ext),))
    assert r.returncode == 0, r.stderr
    ours_mapped, state, same = r.stdout.split()
    assert ours_mapped == "0", "the import mapped its own copy beside the extension's"
    assert state == "True", "Python does not see the flag the extension's copy holds"
    assert same == "True", "library_path does not name the extension"
