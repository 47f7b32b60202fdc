"""bool_abi_ctypes.py LIBRARY: the C ABI called from Python ctypes without
argtypes or restype, so set_state receives a C int and get_state/have_state
are read as a C int. Any nonzero int whose low byte is nonzero means true;
reads are exactly 0 or 1. Run by CTest as abi.bool_ctypes, in its own
interpreter (the library cannot be unloaded)."""
import ctypes
import sys
import threading

lib = ctypes.CDLL(sys.argv[1])
bad = []


def check(where):
    for v in (0, 1, 2, 127, 128, 255, -1, 0x7FFFFF01, 0):
        lib.hermetic_pyobject_tls_set_state(v)  # no argtypes: passed as int
        got = lib.hermetic_pyobject_tls_get_state()  # no restype: read as int
        want = 1 if v & 0xFF else 0
        if got != want:
            bad.append(f"{where}: set_state({v}) then get_state() = {got}, want {want}")
        have = lib.hermetic_pyobject_tls_have_state()
        if have not in (0, 1):
            bad.append(f"{where}: have_state() = {have}")


check("main thread, before init_state")
lib.hermetic_pyobject_tls_init_state()
if lib.hermetic_pyobject_tls_have_state() != 1:
    bad.append("have_state() != 1 after init_state()")
check("main thread")
t = threading.Thread(target=check, args=("new thread",))
t.start()
t.join()
print(f"bool_abi_ctypes: {len(bad)} wrong")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
