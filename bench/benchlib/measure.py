"""bench/run, step 2: runs the benchmarks and returns their raw figures: the
C hosts (Google Benchmark), Python, Go, loading, exec, setuid(), callgrind
instruction counts and the c10 layer against the real libc10.so."""

import json
import os
import re
import shutil
import sys

from .common import ROOT, BENCH, log, run, median


SINGLE = ["get_state", "set_state", "have_state", "init_state"]


def host_run(paths, cfg, out, tag, with_lib, on, bfilter, env=None, extra=()):
    """Runs bench_host once; returns {benchmark name: median real_time ns}."""
    jpath = os.path.join(out, "runs", tag + ".json")
    cmd = [paths["bench_host"], "--%s=%s" % (with_lib, paths[with_lib]),
           "--c10=" + paths["c10"], "--cbase=" + paths["cbase"], "--on=" + on,
           "--first-iters=%d" % cfg["first_iters"],
           "--benchmark_filter=" + bfilter,
           "--benchmark_min_time=%g" % cfg["min_time"],
           "--benchmark_repetitions=%d" % cfg["reps"],
           "--benchmark_out=" + jpath, "--benchmark_out_format=json"] + list(extra)
    run(cmd, env=env)
    with open(jpath) as f:
        data = json.load(f)
    # Which figure: a first call on a new thread, the median over its threads
    # (median_ns); reads at once (.../real_time/threads:N), wall-clock time
    # per read over all threads, since only the wall clock shows threads
    # waiting for each other; everything else, the calling thread's CPU time
    # per call, which the other load of a shared machine does not inflate.
    by = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        assert b.get("time_unit", "ns") == "ns", b
        if "median_ns" in b:
            v = b["median_ns"]
        elif "/real_time" in b["run_name"]:
            v = b["real_time"]
        else:
            v = b["cpu_time"]
        by.setdefault(b["run_name"], []).append(v)
        if "vcsw" in b and "reads" in b and b["reads"]:
            by.setdefault(b["run_name"] + "#vcsw_per_Mread", []).append(b["vcsw"] / b["reads"] * 1e6)
            by.setdefault(b["run_name"] + "#ivcsw_per_Mread", []).append(b["ivcsw"] / b["reads"] * 1e6)
    res = {k: median(v) for k, v in by.items()}
    for k, v in by.items():  # every repetition, for the figures that pair them
        res[k + "#all"] = v
    return res, data.get("context", {})


def c_hosts(paths, cfg, out):
    os.makedirs(os.path.join(out, "runs"), exist_ok=True)
    single = "^(ours|c10)/(%s)$|^c/(empty_call|atomic_load_call|tls_load_call|tls_store_call)$" % "|".join(SINGLE)
    a_main = "^(ours|c10)/(%s)$|^(ours|c10)/first_|^c/" % "|".join(SINGLE)
    b_main = "^gofloor/|^c/empty_call$|^c10/set_state$"
    b_thread = "^gofloor/empty_export$|^c/empty_call$|^c10/set_state$"
    mt = "^(ours|c10)/get_state_mt/"
    rounds = []
    context = None
    for r in range(cfg["rounds"]):
        log("C hosts, round %d of %d" % (r + 1, cfg["rounds"]))
        rr = {}
        steps = [
            ("ours_main", "ours", "main", a_main, None),
            ("floor_main", "gofloor", "main", b_main, None),
            ("same_main", "same", "main", "^same/", None),
            ("ours_pthread", "ours", "pthread", single, None),
            ("floor_pthread", "gofloor", "pthread", b_thread, None),
            ("same_pthread", "same", "pthread", "^same/", None),
            ("ours_mt", "ours", "main", mt, None),
            ("ours_gomaxprocs1", "ours", "main", mt, {"GOMAXPROCS": "1"}),
        ]
        if r % 2:  # alternate which runs first, so drift hits both sides alike
            steps = [steps[1], steps[0], steps[2], steps[4], steps[3], steps[5], steps[7], steps[6]]
        for tag, lib, on, flt, env in steps:
            # Reads at once: more repetitions, randomly interleaved, since the
            # wall clock is all they can use.
            extra = ["--benchmark_repetitions=%d" % cfg["mt_reps"],
                     "--benchmark_enable_random_interleaving=true"] if flt == mt else []
            rr[tag], ctx = host_run(paths, cfg, out, "%s.r%d" % (tag, r), lib, on, flt, env, extra)
            context = context or ctx
        rounds.append(rr)
    return rounds, context


def mt_name(lib, n):
    return "%s/get_state_mt/real_time/threads:%d" % (lib, n)


def first_name(prefix, what):
    it = "iterations:%d" % FIRST_ITERS[0]
    return "%s/%s/%s/manual_time" % (prefix, what, it)


FIRST_ITERS = [0]


PY_BACKENDS = ("native", "ctypes")


def python_bench(paths, cfg, out):
    """bench_python.py once per backend of the package (a process each: an
    interpreter imports one); {backend: its JSON}."""
    # The package, installed by build(), loads our build through its
    # environment variable, so both ways measure the same .so.
    res = {}
    for backend in PY_BACKENDS:
        env = {"HERMETIC_PYOBJECT_TLS_LIBRARY": paths["ours"], "HERMETIC_PYOBJECT_TLS_BACKEND": backend,
               "HPTLS_BENCH_PACKAGE_ERROR": paths["python_pkg_error"] or ""}
        if paths["python_pkg"]:
            env["PYTHONPATH"] = paths["python_pkg"]
        log("Python (timeit), %s backend" % backend)
        p = run([sys.executable, os.path.join(BENCH, "python", "bench_python.py"),
                 "--ours", paths["ours"], "--cbase", paths["cbase"],
                 "--rounds", str(cfg["py_rounds"]), "--number", str(cfg["py_number"])], env=env)
        res[backend] = json.loads(p.stdout.strip().splitlines()[-1])
    return res


GO_LINE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op")


def go_bench(paths, cfg, out):
    samples = {}
    for r in range(cfg["go_count"]):
        log("Go testing.B, run %d of %d" % (r + 1, cfg["go_count"]))
        p = run([paths["gobench"], "-test.run=^$", "-test.bench=.",
                 "-test.benchtime=" + cfg["go_benchtime"], "-test.count=1"],
                cwd=os.path.join(BENCH, "gobench"))
        for line in p.stdout.splitlines():
            m = GO_LINE.match(line)
            if m:
                samples.setdefault(m.group(1), []).append(float(m.group(2)))
    return samples


def load_cost(paths, cfg, out):
    res = {k: [] for k in ("none", "ours", "c10", "gofloor", "cbase")}
    tfile = os.path.join(out, "runs", "time.txt")
    for r in range(cfg["load_runs"]):
        for kind in res:
            cmd = ["/usr/bin/time", "-f", "%M", "-o", tfile, paths["bench_load"], kind]
            if kind != "none":
                cmd.append(paths[kind])
            p = run(cmd)
            d = json.loads(p.stdout.strip().splitlines()[-1])
            with open(tfile) as f:
                d["time_maxrss_kb"] = int(f.read().split()[-1])
            res[kind].append(d)
    log("load cost: %d processes of each" % cfg["load_runs"])
    return res


def exec_cost(paths, cfg):
    """/bin/true with and without the c10 layer under LD_PRELOAD, interleaved."""
    log("exec cost: /bin/true with and without LD_PRELOAD=the c10 layer, %d runs each" % cfg["exec_runs"])
    p = run([paths["bench_exec"], str(cfg["exec_runs"]), paths["layer"], "/bin/true"])
    return json.loads(p.stdout.strip().splitlines()[-1])


def setuid_cost(paths, cfg):
    """setuid() per call: no library, the library loaded, after the first write."""
    log("setuid cost: %d calls each" % cfg["setuid_calls"])
    p = run([paths["bench_setuid"], str(cfg["setuid_calls"]), paths["ours"]])
    return json.loads(p.stdout.strip().splitlines()[-1])


CG_TOTALS = re.compile(r"^totals:\s*(\d+)", re.M)


CG_TRIGGER = re.compile(r"^desc: Trigger: Client Request: (\S+)", re.M)


def callgrind(paths, cfg, out):
    cgdir = os.path.join(out, "callgrind")
    shutil.rmtree(cgdir, ignore_errors=True)
    os.makedirs(cgdir)
    jobs = [("ours", SINGLE), ("c10", SINGLE), ("gofloor", ["empty"]), ("cbase", ["atomic_load", "empty"]),
            ("same", ["set_state", "init_state", "empty"])]
    ir = {}
    n = cfg["cg_n"]
    for kind, ops in jobs:
        log("callgrind: " + kind)
        outfile = os.path.join(cgdir, "callgrind.%s.out" % kind)
        cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
               "--callgrind-out-file=" + outfile,
               paths["bench_count"], kind, paths[kind], str(n)] + ops
        # Go's asynchronous preemption signals trip an assertion in callgrind
        # 3.19 (vgCallgrind_post_signal); the calls measured never need them.
        for attempt in range(3):
            p = run(cmd, env={"GODEBUG": "asyncpreemptoff=1"}, check=False)
            if p.returncode == 0:
                break
        else:
            sys.stderr.write(p.stderr[-3000:])
            raise SystemExit("bench: callgrind failed for " + kind)
        counts = {}
        for fn in os.listdir(cgdir):
            # Dumps from client requests: OUT.<k>-01 is the calling thread.
            if fn.startswith(os.path.basename(outfile) + ".") and fn.endswith("-01"):
                text = open(os.path.join(cgdir, fn)).read()
                t, tot = CG_TRIGGER.search(text), CG_TOTALS.search(text)
                if t and tot:
                    counts[t.group(1)] = int(tot.group(1))
        for op in ops:
            ir[(kind, op)] = (counts[op + ":2N"] - counts[op + ":N"]) / n
    return ir


def c10_bench(paths, cfg, out):
    """The c10 ABI layer (docs/pytorch.md) against the real libc10.so of the
    torch wheels (test/c10/torch_cache.py fetches them into the cache),
    all in one process (bench/c10/bench_c10.c); its set_state against the
    C→Go floor, in another process of the same round."""
    sys.path.insert(0, os.path.join(ROOT, "test", "c10"))
    import torch_cache
    log("the torch wheels' libc10.so (test/c10/torch_cache.py files; pinned, cached)")
    run([sys.executable, os.path.join(ROOT, "test", "c10", "torch_cache.py"), "files"], capture=False)
    versions = list(torch_cache.X86_64)  # every x86_64 version of the differential tests
    libc10 = [torch_cache.libc10(v) for v in versions]
    layer = paths["layer"]
    log("building bench/c10/bench_c10.c")
    host = os.path.join(out, "bench_c10")
    run(["cc", "-std=c11", "-O2", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
         os.path.join(BENCH, "c10", "bench_c10.c"), "-o", host, "-ldl"])
    env = {"BENCH_C10_ITERS": "20000" if cfg["rounds"] == 1 and cfg["reps"] == 1 else "20000000",
           "BENCH_C10_REPS": str(max(cfg["reps"], 1) * 2 - 1)}
    rounds = []
    for r in range(cfg["rounds"]):
        res = {}
        for cmd in ([host, "c10", layer] + libc10, [host, "floor", paths["gofloor"]]):
            for line in run(cmd, env=env).stdout.splitlines():
                name, ns = line.rsplit(" ", 1)
                res[name] = float(ns)
        rounds.append(res)
    return {"versions": versions, "libc10": libc10, "rounds": rounds}
