# SPDX-License-Identifier: BSD-3-Clause
"""hermetic_pyobject_tls.c10 without PyTorch: the layer ships in the
package, install() makes c10's symbols resolve to it and mirror the flag,
a second call is a no-op, and a libc10 already in the process makes it
raise and load nothing. (With real torch: CTest pytorch.e2e_*.)"""
import os
import subprocess
import sys
import textwrap

import hermetic_pyobject_tls as h
import hermetic_pyobject_tls.c10 as c10


def run(code: str, env=None) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_layer_ships_beside_the_library():
    p = c10.layer_path()
    assert os.path.dirname(p) == os.path.dirname(os.path.abspath(h.library_path))
    assert os.path.isfile(p), p
    assert os.path.basename(p) == "libhermetic_pyobject_tls_c10.so.0"


def test_install_mirrors_the_flag():
    out = run("""
        import ctypes, threading
        import hermetic_pyobject_tls as h, hermetic_pyobject_tls.c10 as c10
        assert not c10.installed()
        p = c10.install()
        assert c10.install() == p and c10.installed()
        assert open('/proc/self/maps').read().count(p) >= 1
        g = ctypes.CDLL(None)
        get = g._ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv
        get.restype = ctypes.c_bool
        s = g._ZN3c104impl19HermeticPyObjectTLS9set_stateEb
        s.argtypes = [ctypes.c_bool]
        h.set_state(True); a = get()
        s(False); b = h.get_state()
        s(True); other = []
        t = threading.Thread(target=lambda: other.append((get(), h.get_state()))); t.start(); t.join()
        init = g._ZN3c104impl19HermeticPyObjectTLS10init_stateEv
        have = ctypes.c_uint8.in_dll(g, '_ZN3c104impl19HermeticPyObjectTLS10haveState_E')
        before = (have.value, h.have_state()); init()
        print(a, b, h.get_state(), other, before, (have.value, h.have_state()))
    """)
    assert out.split("\n")[0] == "True False True [(False, False)] (0, False) (1, True)", out


def test_install_after_libc10_raises_and_loads_nothing(tmp_path):
    fake = tmp_path / "libc10.so"  # any library mapped as libc10.so stands for PyTorch's
    cc = os.environ.get("CC", "cc")
    src = tmp_path / "empty.c"
    src.write_text("int hpt_fake_libc10;\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(fake), str(src)], check=True)
    out = run(f"""
        import ctypes
        import hermetic_pyobject_tls.c10 as c10
        ctypes.CDLL({str(fake)!r})
        for _ in range(2):
            try:
                c10.install()
            except c10.C10Error as e:
                msg = str(e)
            else:
                raise SystemExit('no error')
        assert 'already loaded' in msg and {str(fake)!r} in msg, msg
        assert not c10.installed()
        assert 'libhermetic_pyobject_tls_c10' not in open('/proc/self/maps').read()
        print('raised')
    """)
    assert out.strip() == "raised"
