"""bench/run, step 3: turns the raw figures into the table (operation, ours,
baseline, ratio, target, met), with the machine it ran on."""

import os
import platform
import subprocess
import sys

from .common import median
from .measure import PY_BACKENDS, mt_name, first_name


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def ver(cmd):
        try:
            return subprocess.run(cmd, text=True, capture_output=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "libc": " ".join(platform.libc_ver()),
        "go": ver(["go", "version"]),
        "gcc": ver(["gcc", "--version"]),
        "python": sys.version.split()[0],
        "valgrind": ver(["valgrind", "--version"]),
        "google_benchmark": ver(["sh", "-c", "dpkg-query -W -f '${Version}' libbenchmark-dev 2>/dev/null || echo ?"]),
        "loadavg": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else "?",
    }


def fmt(x, unit=""):
    if x is None:
        return "n/a"
    if isinstance(x, str):
        return x
    if abs(x) >= 1e9:
        s = "%.3g G" % (x / 1e9)
    elif abs(x) >= 1e6 and unit in ("reads/s",):
        s = "%.1f M" % (x / 1e6)
    elif abs(x) >= 100:
        s = "%.0f" % x
    elif abs(x) >= 10:
        s = "%.1f" % x
    else:
        s = "%.2f" % x
    return (s + " " + unit).strip() if unit else s


class Table:
    def __init__(self):
        self.rows = []

    def add(self, op, ours, base, unit, base_name, target=None, ratio=None, note=""):
        """target: None, ("<=", x) or (">=", x) on the ratio."""
        # A baseline at or below zero (RSS added by a tiny library, within noise) has no ratio.
        if ratio is None and ours is not None and not isinstance(base, str) and base is not None and base > 0:
            ratio = ours / base
        met = None
        if ratio == "n/a":
            ratio = None
        if target is not None and ratio is not None:
            met = ratio <= target[1] if target[0] == "<=" else ratio >= target[1]
        self.rows.append({
            "operation": op, "ours": ours, "baseline": base, "baseline_name": base_name,
            "unit": unit, "ratio": ratio,
            "target": None if target is None else "%s %g×" % ("≤" if target[0] == "<=" else "≥", target[1]),
            "met": met, "note": note,
        })

    def markdown(self):
        lines = ["| operation | ours | baseline | ratio | target | met |",
                 "|---|---|---|---|---|---|"]
        for r in self.rows:
            base = "%s: %s" % (r["baseline_name"], fmt(r["baseline"], r["unit"])) if r["baseline_name"] else fmt(r["baseline"], r["unit"])
            met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
            op = r["operation"] + (" (%s)" % r["note"] if r["note"] else "")
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                op, fmt(r["ours"], r["unit"]), base,
                "n/a" if r["ratio"] in (None, "n/a") else "%.2f×" % r["ratio"],
                r["target"] or "—", met))
        return "\n".join(lines)


def per_round_ratio(rounds, a, b):
    """median over rounds of a(round)/b(round); a, b are functions of a round."""
    rs = []
    for rr in rounds:
        x, y = a(rr), b(rr)
        if x is not None and y:
            rs.append(x / y)
    return median(rs)


def g(tag, name):
    return lambda rr: rr.get(tag, {}).get(name)


def build_table(rounds, py, gos, load, exe, su, ir, cfg, paths):
    t = Table()
    M = lambda f: median([f(rr) for rr in rounds])  # noqa: E731

    # -- ns per call, main thread and a pthread
    for on in ("main", "pthread"):
        ours_tag, floor_tag = "ours_" + on, "floor_" + on
        where = "main thread" if on == "main" else "a pthread"
        o, c = g(ours_tag, "ours/get_state"), g(ours_tag, "c10/get_state")
        t.add("get_state, ns/call, %s" % where, M(o), M(c), "ns", "c10 ref", ("<=", 1.25),
              per_round_ratio(rounds, o, c))
        o, c = g(ours_tag, "ours/have_state"), g(ours_tag, "c/atomic_load_call")
        t.add("have_state, ns/call, %s" % where, M(o), M(c), "ns", "C atomic load behind a call",
              ("<=", 1.25), per_round_ratio(rounds, o, c))
        o, c = g(ours_tag, "ours/get_state"), g(ours_tag, "c/tls_load_call")
        t.add("get_state, ns/call, %s" % where, M(o), M(c), "ns", "plain C _Thread_local load behind a call",
              None, per_round_ratio(rounds, o, c))
        o, c = g(ours_tag, "ours/set_state"), g(ours_tag, "c/tls_store_call")
        t.add("set_state, ns/call, %s" % where, M(o), M(c), "ns", "plain C _Thread_local store behind a call",
              None, per_round_ratio(rounds, o, c))
        same_tag = "same_" + on
        f = g(same_tag, "same/floor_empty")
        for op in ("set_state", "init_state"):
            o = g(same_tag, "same/" + op)
            t.add("%s, ns/call, %s" % (op, where), M(o), M(f), "ns", "C→Go floor", ("<=", 1.3),
                  per_round_ratio(rounds, o, f), "floor in the same process and Go runtime")
        f = g(floor_tag, "gofloor/empty_export")
        for op in ("set_state", "init_state"):
            o = g(ours_tag, "ours/" + op)
            t.add("%s, ns/call, %s" % (op, where), M(o), M(f), "ns", "C→Go floor", ("<=", 1.3),
                  per_round_ratio(rounds, o, f), "floor's own .so, other process, same round")
        for op in ("set_state", "init_state"):
            o, c = g(ours_tag, "ours/" + op), g(ours_tag, "c10/" + op)
            t.add("%s, ns/call, %s" % (op, where), M(o), M(c), "ns", "c10 ref", None,
                  per_round_ratio(rounds, o, c))

    # -- first call on a brand-new thread
    o, c = g("ours_main", first_name("ours", "first_get_state_new_thread")), g("ours_main", first_name("c10", "first_get_state_new_thread"))
    t.add("first get_state on a new thread, ns", M(o), M(c), "ns", "c10 ref", None, per_round_ratio(rounds, o, c))
    o, f = g("ours_main", first_name("ours", "first_set_state_new_thread")), g("floor_main", first_name("gofloor", "first_call_new_thread"))
    t.add("first set_state on a new thread, ns", M(o), M(f), "ns", "C→Go floor's first call", None,
          per_round_ratio(rounds, o, f), "other process, same round")
    c = g("ours_main", first_name("c10", "first_set_state_new_thread"))
    t.add("first set_state on a new thread, ns", M(o), M(c), "ns", "c10 ref", None, per_round_ratio(rounds, o, c))
    ck = g("ours_main", first_name("c", "clock_only_new_thread"))
    t.add("(clock cost inside those timings, ns)", M(ck), None, "ns", "", None)

    # -- reads at once: aggregate reads/s (1e9 / real ns per read over all threads)
    rps = lambda tag, lib, n: (lambda rr: (1e9 / rr[tag][mt_name(lib, n)]) if rr.get(tag, {}).get(mt_name(lib, n)) else None)  # noqa: E731

    def scalings(tag, lib):
        """reads/s of 2 threads ÷ 1 thread, for every round and repetition."""
        out_ = []
        for rr in rounds:
            one = rr.get(tag, {}).get(mt_name(lib, 1) + "#all", [])
            two = rr.get(tag, {}).get(mt_name(lib, 2) + "#all", [])
            out_ += [a / b for a, b in zip(one, two)]  # ns per read: 1 thread ÷ 2 threads
        return out_

    for tag, label in (("ours_mt", ""), ("ours_gomaxprocs1", ", GOMAXPROCS=1")):
        for n in (1, 2, 4):
            o, c = rps(tag, "ours", n), rps(tag, "c10", n)
            t.add("get_state, %d thread%s at once, reads/s%s" % (n, "s" if n > 1 else "", label),
                  M(o), M(c), "reads/s", "c10 ref", None, per_round_ratio(rounds, o, c))
        so, sc = scalings(tag, "ours"), scalings(tag, "c10")
        t.add("read scaling, reads/s of 2 threads ÷ 1 thread%s" % label, median(so), median(sc), "",
              "c10 ref", (">=", 0.85), median([a / b for a, b in zip(so, sc)]),
              "%d samples" % len(so))
        for n in (2,):
            vo = g(tag, mt_name("ours", n) + "#vcsw_per_Mread")
            vc = g(tag, mt_name("c10", n) + "#vcsw_per_Mread")
            t.add("voluntary context switches per million reads, %d threads at once%s" % (n, label),
                  M(vo), M(vc), "", "c10 ref", None, ratio="n/a")

    # -- Python, per backend of the package
    for backend in PY_BACKENDS:
        b = py[backend]
        ns, r = b["ns"], b["ratios"]
        if not b["via"].startswith("package"):
            label = "direct ctypes: package not usable"
        else:
            label = "%s backend" % b["backend"]
        native = b["backend"] == "native" and b["via"].startswith("package")
        t.add("Python get_state(), ns/call (%s)" % label, ns["get_state"], ns["get_ident"], "ns",
              "threading.get_ident()", ("<=", 1.2) if native else None, r["get_state/get_ident"])
        if "with_hermetic" in ns:
            t.add("Python `with hermetic(): pass`, ns (%s)" % label, ns["with_hermetic"], ns["with_lock"], "ns",
                  "`with lock: pass`, threading.Lock", ("<=", 3.0) if native else None,
                  r["with_hermetic/with_lock"], "two writes a block")
        t.add("Python set_state(True), ns/call (%s)" % label, ns["set_state"], ns["floor_bool_arg"], "ns",
              "ctypes, void f(bool), argtypes [c_bool]", None, r["set_state/floor_bool_arg"])
        t.add("Python get_state(), ns/call (%s)" % label, ns["get_state"], ns["floor_empty"], "ns",
              "ctypes floor, void f(void)", ("<=", 1.15), r["get_state/floor_empty"])
        t.add("Python get_state(), ns/call (%s)" % label, ns["get_state"], ns["floor_return_bool"], "ns",
              "ctypes, bool f(void), restype c_bool", None, r["get_state/floor_return_bool"])

    # -- Go testing.B
    gm = {k: median(v) for k, v in gos.items()}
    gr = lambda a, b: median([x / y for x, y in zip(gos.get(a, []), gos.get(b, []))])  # noqa: E731
    for ours_b, base_b, base_name in (
            ("BenchmarkState", "BenchmarkFloorCgoZero", "cgo call, C returning 0"),
            ("BenchmarkSetState", "BenchmarkFloorCgoEmpty", "cgo call, empty C"),
            ("BenchmarkHaveState", "BenchmarkFloorAtomicLoad", "Go atomic load"),
            ("BenchmarkInitState", "BenchmarkFloorAtomicStore", "Go atomic store"),
            ("BenchmarkDo", "BenchmarkFloorCgoEmpty", "cgo call, empty C")):
        t.add("Go hermetic.%s, ns/op" % ours_b[len("Benchmark"):], gm.get(ours_b), gm.get(base_b), "ns",
              base_name, None, gr(ours_b, base_b))

    # -- what the Go runtime costs a host
    sz = lambda p: os.path.getsize(os.path.realpath(p))  # noqa: E731
    t.add(".so size, bytes (stripped, as built)", sz(paths["ours"]), sz(paths["c10"]), "B", "c10 ref", None)
    t.add(".so size, bytes", sz(paths["ours"]), sz(paths["gofloor"]), "B", "C→Go floor .so", None)
    lm = lambda kind, key: median([d[key] for d in load[kind]])  # noqa: E731
    lr = lambda a, b, key: median([x[key] / y[key] for x, y in zip(load[a], load[b])])  # noqa: E731
    t.add("dlopen, no call, µs", lm("ours", "dlopen_ns") / 1e3, lm("cbase", "dlopen_ns") / 1e3, "µs",
          "plain C library with one TLS variable", ("<=", 2.0), lr("ours", "cbase", "dlopen_ns"),
          "one process per load, alternating")
    t.add("threads after dlopen, no call", lm("ours", "threads_after_dlopen"), lm("none", "threads"), "",
          "the host alone", None)
    t.add("dlopen + first set_state + get_state, µs", lm("ours", "load_and_first_call_ns") / 1e3,
          lm("gofloor", "load_and_first_call_ns") / 1e3, "µs", "C→Go floor: dlopen + first call", None,
          note="the first write loads the runtime side and starts Go")
    t.add("dlopen + first set_state + get_state, µs", lm("ours", "load_and_first_call_ns") / 1e3,
          lm("c10", "load_and_first_call_ns") / 1e3, "µs", "c10 ref", None)
    t.add("/bin/true under LD_PRELOAD of the c10 layer, µs", exe["preload_ns"] / 1e3, exe["plain_ns"] / 1e3, "µs",
          "/bin/true", ("<=", 1.3), exe["ratio"], "%d interleaved runs each, median of ratios" % exe["runs"])
    t.add("setuid(), µs/call, library loaded, no write", su["loaded_ns"] / 1e3, su["before_ns"] / 1e3, "µs",
          "the host before loading it", None, note="threads: %d" % su["threads_loaded"])
    t.add("setuid(), µs/call, after the first write", su["written_ns"] / 1e3, su["before_ns"] / 1e3, "µs",
          "the host before loading it", None, note="threads: %d; glibc signals each" % su["threads_written"])
    for key, label in (("vmrss_kb", "RSS added (VmRSS), MB"), ("time_maxrss_kb", "max RSS added (/usr/bin/time), MB")):
        base0 = lm("none", key)
        t.add(label, (lm("ours", key) - base0) / 1024, (lm("c10", key) - base0) / 1024, "MB", "c10 ref", None)
    t.add("threads added", lm("ours", "threads") - lm("none", "threads"),
          lm("c10", "threads") - lm("none", "threads"), "", "c10 ref", None)

    # -- instructions per call (callgrind), same targets on the stable count
    for op, base_key, base_name, target in (
            ("get_state", ("c10", "get_state"), "c10 ref", ("<=", 1.25)),
            ("have_state", ("cbase", "atomic_load"), "C atomic load behind a call", ("<=", 1.25)),
            ("set_state", ("gofloor", "empty"), "C→Go floor", ("<=", 1.3)),
            ("init_state", ("gofloor", "empty"), "C→Go floor", ("<=", 1.3))):
        t.add("%s, instructions/call (callgrind)" % op, ir[("ours", op)], ir[base_key], "", base_name, target)
    for op in ("set_state", "init_state"):
        t.add("%s, instructions/call (callgrind)" % op, ir[("same", op)], ir[("same", "empty")], "",
              "C→Go floor", ("<=", 1.3), note="floor in the same .so")
    for op in ("set_state", "init_state"):
        t.add("%s, instructions/call (callgrind)" % op, ir[("ours", op)], ir[("c10", op)], "", "c10 ref", None)
    return t


def add_c10_rows(t, c10):
    rounds = c10["rounds"]
    M = lambda name: median([r.get(name) for r in rounds])
    ratio = lambda a, b: median([r[a] / r[b] for r in rounds if r.get(a) and r.get(b)])
    for v, lib in zip(c10["versions"], c10["libc10"]):
        t.add("c10 get_tls_state through the layer, ns/call", M("get_tls_state:layer"), M("get_tls_state:" + lib),
              "ns", "real libc10.so of torch %s" % v, ("<=", 0.8), ratio("get_tls_state:layer", "get_tls_state:" + lib),
              "same process, both RTLD_LOCAL, called through pointers")
    t.add("c10 set_state through the layer, ns/call", M("set_state:layer"), M("floor/empty_export"), "ns",
          "C→Go floor", ("<=", 1.3), ratio("set_state:layer", "floor/empty_export"),
          "floor's own .so, other process, same round")
    t.add("c10 set_state through the layer, ns/call", M("set_state:layer"), M("ours/set_state"), "ns",
          "our hermetic_pyobject_tls_set_state", None, ratio("set_state:layer", "ours/set_state"), "same process")
    for v, lib in zip(c10["versions"], c10["libc10"]):
        t.add("c10 set_state through the layer, ns/call", M("set_state:layer"), M("set_state:" + lib), "ns",
              "real libc10.so of torch %s" % v, None, ratio("set_state:layer", "set_state:" + lib),
              "same process; ours enters Go")


def write_doc(path, tag, paragraphs):
    """Writes paragraphs into the markdown file at path, between its
    '<!-- TAG: begin -->' and '<!-- TAG: end -->' lines (appended with them
    when it has none); the rest of the file stays."""
    begin, end = "<!-- %s: begin -->" % tag, "<!-- %s: end -->" % tag
    block = "\n\n".join([begin] + list(paragraphs) + [end])
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n%s\n%s\n" % (begin, end)
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
