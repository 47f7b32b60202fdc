// bench_host.cpp: the Google Benchmark host. It dlopen()s the libraries it is
// told about (see libs.h) and registers benchmarks for them:
//
//   --ours=PATH     our library: ours/*
//   --gofloor=PATH  the C→Go floor (an empty //export in a Go c-shared
//                   library): gofloor/*. Never together with --ours: two Go
//                   runtimes in one process are unsupported.
//   --same=PATH     our library with an empty //export added (see libs.h):
//                   same/set_state, same/init_state, same/floor_empty, the
//                   writes and the C→Go floor in one process
//   --c10=PATH      the c10 reference: c10/*
//   --cbase=PATH    the plain C baselines: c/*
//   --on=main|pthread  run every benchmark on the main thread (default) or on
//                   a pthread created for the purpose
//   --first-iters=N threads created by each first-call benchmark
//
// Every other argument goes to Google Benchmark (--benchmark_filter, ...).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "libs.h"

namespace {

hptls_bench_api ours, same, c10, gofloor, cbase;
bool have_ours, have_same, have_c10, have_gofloor, have_cbase;
int first_iters = 2000;

// --- one call per iteration ----------------------------------------------

// Context switches of the calling thread. A read that had to wait for
// something (a Go P, a lock) would block, and every block is a voluntary
// context switch: counted per read, that shows serialization whatever the
// other load of the machine does to the wall clock. Involuntary switches are
// that other load preempting us.
struct Switches {
  long voluntary, involuntary;
  static Switches now() {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return {ru.ru_nvcsw, ru.ru_nivcsw};
  }
};

void BM_get(benchmark::State &st, const hptls_bench_api *api) {
  bool (*f)(void) = api->get_state;
  Switches before = Switches::now();
  for (auto _ : st) benchmark::DoNotOptimize(f());
  Switches after = Switches::now();
  st.SetItemsProcessed(st.iterations());
  // Summed over threads by Google Benchmark.
  st.counters["reads"] = static_cast<double>(st.iterations());
  st.counters["vcsw"] = static_cast<double>(after.voluntary - before.voluntary);
  st.counters["ivcsw"] = static_cast<double>(after.involuntary - before.involuntary);
}

void BM_set(benchmark::State &st, const hptls_bench_api *api) {
  void (*f)(bool) = api->set_state;
  for (auto _ : st) f(true);
  f(false);
  st.SetItemsProcessed(st.iterations());
}

void BM_have(benchmark::State &st, const hptls_bench_api *api) {
  bool (*f)(void) = api->have_state;
  for (auto _ : st) benchmark::DoNotOptimize(f());
  st.SetItemsProcessed(st.iterations());
}

void BM_init(benchmark::State &st, const hptls_bench_api *api) {
  void (*f)(void) = api->init_state;
  f();  // the first call is not what we measure: init_state after the first
  for (auto _ : st) f();
  st.SetItemsProcessed(st.iterations());
}

void BM_empty(benchmark::State &st, const hptls_bench_api *api) {
  void (*f)(void) = api->empty;
  for (auto _ : st) f();
  st.SetItemsProcessed(st.iterations());
}

void BM_atomic_load(benchmark::State &st, const hptls_bench_api *api) {
  bool (*f)(void) = api->atomic_load;
  for (auto _ : st) benchmark::DoNotOptimize(f());
  st.SetItemsProcessed(st.iterations());
}

void BM_tls_load(benchmark::State &st, const hptls_bench_api *api) {
  bool (*f)(void) = api->tls_load;
  for (auto _ : st) benchmark::DoNotOptimize(f());
  st.SetItemsProcessed(st.iterations());
}

void BM_tls_store(benchmark::State &st, const hptls_bench_api *api) {
  void (*f)(bool) = api->tls_store;
  for (auto _ : st) f(true);  // as BM_set
  f(false);
  st.SetItemsProcessed(st.iterations());
}

// --- the first call on a brand-new thread -----------------------------------
// Each iteration creates a pthread that times its own first call (and only
// that: thread creation and exit stay outside), and reports it to Google
// Benchmark as the iteration's manual time.

struct FirstCall {
  const hptls_bench_api *api;
  int op;  // 0 get_state, 1 set_state(true), 2 empty, 3 nothing (clock cost)
  double seconds;
};

void *first_call_thread(void *p) {
  FirstCall *fc = static_cast<FirstCall *>(p);
  const hptls_bench_api *api = fc->api;
  auto t0 = std::chrono::steady_clock::now();
  switch (fc->op) {
  case 0: benchmark::DoNotOptimize(api->get_state()); break;
  case 1: api->set_state(true); break;
  case 2: api->empty(); break;
  default: break;
  }
  auto t1 = std::chrono::steady_clock::now();
  benchmark::ClobberMemory();
  fc->seconds = std::chrono::duration<double>(t1 - t0).count();
  return nullptr;
}

// Google Benchmark reports the mean; a thread that the scheduler preempts
// between its two clock reads would dominate it on a shared machine, so the
// median of the iterations is reported too, as the counter median_ns.
void BM_first(benchmark::State &st, const hptls_bench_api *api, int op) {
  std::vector<double> ns;
  ns.reserve(static_cast<size_t>(st.max_iterations));
  for (auto _ : st) {
    FirstCall fc{api, op, 0};
    pthread_t t;
    if (pthread_create(&t, nullptr, first_call_thread, &fc) != 0) {
      st.SkipWithError("pthread_create failed");
      break;
    }
    pthread_join(t, nullptr);
    st.SetIterationTime(fc.seconds);
    ns.push_back(fc.seconds * 1e9);
  }
  if (!ns.empty()) {
    std::nth_element(ns.begin(), ns.begin() + ns.size() / 2, ns.end());
    st.counters["median_ns"] = ns[ns.size() / 2];
  }
}

void register_all() {
  using benchmark::RegisterBenchmark;
  struct Lib { const char *prefix; const hptls_bench_api *api; bool have; };
  for (Lib lib : {Lib{"ours", &ours, have_ours}, Lib{"c10", &c10, have_c10}}) {
    if (!lib.have) continue;
    std::string p = lib.prefix;
    RegisterBenchmark((p + "/get_state").c_str(), BM_get, lib.api);
    RegisterBenchmark((p + "/set_state").c_str(), BM_set, lib.api);
    RegisterBenchmark((p + "/have_state").c_str(), BM_have, lib.api);
    RegisterBenchmark((p + "/init_state").c_str(), BM_init, lib.api);
    // Aggregate reads per second with 1, 2 and 4 threads reading at once.
    RegisterBenchmark((p + "/get_state_mt").c_str(), BM_get, lib.api)
        ->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
    RegisterBenchmark((p + "/first_get_state_new_thread").c_str(), BM_first, lib.api, 0)
        ->UseManualTime()->Iterations(first_iters);
    RegisterBenchmark((p + "/first_set_state_new_thread").c_str(), BM_first, lib.api, 1)
        ->UseManualTime()->Iterations(first_iters);
  }
  if (have_same) {
    RegisterBenchmark("same/floor_empty", BM_empty, &same);
    RegisterBenchmark("same/set_state", BM_set, &same);
    RegisterBenchmark("same/init_state", BM_init, &same);
  }
  if (have_gofloor) {
    RegisterBenchmark("gofloor/empty_export", BM_empty, &gofloor);
    RegisterBenchmark("gofloor/first_call_new_thread", BM_first, &gofloor, 2)
        ->UseManualTime()->Iterations(first_iters);
  }
  if (have_cbase) {
    RegisterBenchmark("c/empty_call", BM_empty, &cbase);
    RegisterBenchmark("c/atomic_load_call", BM_atomic_load, &cbase);
    RegisterBenchmark("c/tls_load_call", BM_tls_load, &cbase);
    RegisterBenchmark("c/tls_store_call", BM_tls_store, &cbase);
    RegisterBenchmark("c/first_call_new_thread", BM_first, &cbase, 2)
        ->UseManualTime()->Iterations(first_iters);
    RegisterBenchmark("c/clock_only_new_thread", BM_first, &cbase, 3)
        ->UseManualTime()->Iterations(first_iters);
  }
}

void *run_benchmarks(void *) {
  benchmark::RunSpecifiedBenchmarks();
  return nullptr;
}

bool take(const char *arg, const char *flag, const char **value) {
  size_t n = strlen(flag);
  if (strncmp(arg, flag, n) == 0 && arg[n] == '=') {
    *value = arg + n + 1;
    return true;
  }
  return false;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<char *> rest{argv[0]};
  const char *on = "main";
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (take(argv[i], "--ours", &v)) { ours = hptls_bench_load("ours", v); have_ours = true; }
    else if (take(argv[i], "--same", &v)) { same = hptls_bench_load("same", v); have_same = true; }
    else if (take(argv[i], "--c10", &v)) { c10 = hptls_bench_load("c10", v); have_c10 = true; }
    else if (take(argv[i], "--gofloor", &v)) { gofloor = hptls_bench_load("gofloor", v); have_gofloor = true; }
    else if (take(argv[i], "--cbase", &v)) { cbase = hptls_bench_load("cbase", v); have_cbase = true; }
    else if (take(argv[i], "--on", &v)) on = v;
    else if (take(argv[i], "--first-iters", &v)) first_iters = atoi(v);
    else rest.push_back(argv[i]);
  }
  if (have_ours + have_same + have_gofloor > 1) {
    fprintf(stderr, "--ours, --same, --gofloor: one at most; two Go runtimes in one process are unsupported\n");
    return 2;
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  benchmark::AddCustomContext("on", on);
  register_all();
  if (strcmp(on, "pthread") == 0) {
    pthread_t t;
    if (pthread_create(&t, nullptr, run_benchmarks, nullptr) != 0) return 1;
    pthread_join(t, nullptr);
  } else {
    run_benchmarks(nullptr);
  }
  benchmark::Shutdown();
  return 0;
}
