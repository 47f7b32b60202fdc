"""bench/run, step 1: builds what the benchmarks need (our library, the C→Go
floor, 'same', the C/C++ hosts and baselines, the Python package, the Go
benchmarks) and checks the tools."""

import json
import os
import platform
import shutil
import sys

from .common import ROOT, BENCH, log, run


GOFLOOR_FLAGS_NOTE = "same go build flags as scripts/build-library.sh shared"


def ensure_tools(install):
    """Google Benchmark (libbenchmark-dev), valgrind, /usr/bin/time."""
    missing = []
    if not (os.path.exists("/usr/include/benchmark/benchmark.h")
            or run(["sh", "-c", "dpkg -s libbenchmark-dev >/dev/null 2>&1"], check=False).returncode == 0):
        missing.append("libbenchmark-dev")
    if not shutil.which("valgrind") or not os.path.exists("/usr/include/valgrind/callgrind.h"):
        missing.append("valgrind")
    if not os.path.exists("/usr/bin/time"):
        missing.append("time")
    for tool in ("go", "cmake", "ninja", "g++", "gcc"):
        if not shutil.which(tool):
            raise SystemExit("bench: %s not found on PATH" % tool)
    if not missing:
        return
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("bench: missing %s; install with: apt-get install -y %s "
                         "(as root, bench/run --install does it; scripts/test installs every test tool)"
                         % (", ".join(missing), " ".join(missing)))
    log("installing", " ".join(missing))
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq"] + missing, env=env)


def build(out, portable=False):
    paths = {}
    # The C flags scripts/build-library.sh gives cgo, for the floor and 'same'
    # too (no frame pointer: gcc -O2 omits it anyway, zig cc does not).
    cgo = {"CGO_ENABLED": "1", "CGO_CFLAGS": os.environ.get("CGO_CFLAGS", "-O2 -g") + " -fomit-frame-pointer"}
    if portable:
        if platform.machine() != "x86_64":
            raise SystemExit("bench: --portable measures the x86_64 portable build; this machine is %s"
                             % platform.machine())
        log("writing the zig compiler wrappers (scripts/zig-wrappers.sh; fetches the pinned zig)")
        run(["sh", os.path.join(ROOT, "scripts", "zig-wrappers.sh"), os.path.join(out, "zig")])
        cgo["CC"] = os.path.join(out, "zig", "x86_64-linux-gnu.2.17-cc")
    paths["cc"] = cgo.get("CC", "Go's default")
    lib = os.path.join(out, "lib")
    log("building our library (scripts/build-library.sh shared, CC=%s)" % paths["cc"])
    run(["sh", os.path.join(ROOT, "scripts", "build-library.sh"), "shared", lib], env=cgo)
    paths["ours"] = os.path.realpath(os.path.join(lib, "libhermetic_pyobject_tls.so"))

    libdir = os.path.dirname(paths["ours"])
    paths["layer"] = os.path.join(libdir, "libhermetic_pyobject_tls_c10.so.0")
    log("building the c10 layer (c10/layer.c, beside our library)")
    run([cgo.get("CC", "cc"), "-std=c11", "-O2", "-fPIC", "-fno-plt", "-fvisibility=hidden", "-I",
         os.path.join(ROOT, "include"), "-shared", "-o", paths["layer"], os.path.join(ROOT, "c10", "layer.c"),
         "-Wl,--version-script=" + os.path.join(ROOT, "c10", "exports.map"),
         "-Wl,-soname,libhermetic_pyobject_tls_c10.so.0", "-Wl,-z,relro", "-Wl,-z,now", "-Wl,-z,noexecstack",
         "-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN", "-L", libdir, "-l:" + os.path.basename(paths["ours"])])

    log("building the C→Go floor (" + GOFLOOR_FLAGS_NOTE + ")")
    floor_dir = os.path.join(out, "gofloor")
    os.makedirs(floor_dir, exist_ok=True)
    floor_map = os.path.join(BENCH, "gofloor", "so", "floor.map")
    floor = os.path.join(floor_dir, "libhptls_gofloor.so")
    run(["go", "build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false",
         "-ldflags=-s -w -buildid= -extldflags '-Wl,--version-script=%s -Wl,-soname,libhptls_gofloor.so "
         "-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--strip-all -Wl,--build-id=sha1'" % floor_map,
         "-o", floor, "./bench/gofloor/so"], env=cgo)
    paths["gofloor"] = floor

    log("building 'same': our library, its runtime side with an empty //export (go build -overlay)")
    same_dir = os.path.join(out, "same")
    os.makedirs(same_dir, exist_ok=True)
    overlay = os.path.join(same_dir, "overlay.json")
    backing = os.path.join(same_dir, "zz_bench_floor.go")  # cgo wants a .go name
    shutil.copyfile(os.path.join(BENCH, "gofloor", "overlay", "floor_export.go.in"), backing)
    with open(overlay, "w") as f:
        json.dump({"Replace": {os.path.join(ROOT, "cabi", "zz_bench_floor.go"): backing}}, f)
    same_env = dict(cgo, GOFLAGS=(os.environ.get("GOFLAGS", "") + " -overlay=" + overlay).strip())
    run(["sh", os.path.join(ROOT, "scripts", "build-library.sh"), "shared", os.path.join(same_dir, "lib")],
        env=same_env)
    paths["same"] = os.path.realpath(os.path.join(same_dir, "lib", "libhermetic_pyobject_tls.so"))

    log("building the hosts and the C/C++ baselines (CMake, Google Benchmark)")
    host = os.path.join(out, "host")
    run(["cmake", "-S", os.path.join(BENCH, "host"), "-B", host, "-G", "Ninja"])
    run(["cmake", "--build", host])
    paths["c10"] = os.path.join(host, "libhptls_c10_reference.so")
    paths["cbase"] = os.path.join(host, "libhptls_cbase.so")
    paths["bench_host"] = os.path.join(host, "bench_host")
    paths["bench_load"] = os.path.join(host, "bench_load")
    paths["bench_count"] = os.path.join(host, "bench_count")
    paths["bench_exec"] = os.path.join(host, "bench_exec")
    paths["bench_setuid"] = os.path.join(host, "bench_setuid")

    paths["python_pkg"] = None
    paths["python_pkg_error"] = "pyproject.toml not found"
    if os.path.exists(os.path.join(ROOT, "pyproject.toml")):
        log("installing the Python package into OUT/python-pkg (pip install --target OUT/python-pkg .)")
        target = os.path.join(out, "python-pkg")
        shutil.rmtree(target, ignore_errors=True)
        # scikit-build-core comes from PyPI (build isolation) through the project's pip cache.
        cache = os.environ.get("HERMETIC_PYOBJECT_TLS_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
            "hermetic-pyobject-tls")
        p = run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                 "--disable-pip-version-check", "--target", target, ROOT],
                env={"PIP_ROOT_USER_ACTION": "ignore",
                     "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR") or os.path.join(cache, "pip")},
                check=False)
        if p.returncode == 0:
            paths["python_pkg"] = target
            paths["python_pkg_error"] = None
        else:
            paths["python_pkg_error"] = "pip install . failed: " + (p.stderr or "").strip()[-300:]
            log(paths["python_pkg_error"])

    log("building the Go benchmarks (go test -c ./bench/gobench)")
    paths["gobench"] = os.path.join(out, "gobench.test")
    run(["go", "test", "-c", "-o", paths["gobench"], "./bench/gobench"], env={"CGO_ENABLED": "1"})
    return paths
