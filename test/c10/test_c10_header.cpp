// SPDX-License-Identifier: BSD-3-Clause
// test_c10_header ours|theirs: a C++ host compiled against the torch wheel's
// own c10/core/impl/HermeticPyObjectTLS.h (header_compat.sh builds it at
// test time). Linked with the c10 layer and not libc10 ("ours"), or with
// libc10 ahead of the layer ("theirs": the order the docs warn against),
// it checks whether the header's inline get_state() and the static
// set_state()/init_state() reach our flag, and whether our C ABI sees them,
// on 8 threads.
#include <c10/core/impl/HermeticPyObjectTLS.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "hermetic_pyobject_tls.h"

using H = c10::impl::HermeticPyObjectTLS;

static std::atomic<long> failures{0};
static bool ours;

static void expect(bool ok, const char *what) {
  if (!ok && failures.fetch_add(1) < 10) std::fprintf(stderr, "FAIL: %s\n", what);
}

// Two flags in the model: the one our C ABI reads (mine) and the one the
// header's get_state() reads (c10's). With the layer they are one flag.
static void thread_body(unsigned seed) {
  std::mt19937 rng(seed);
  bool mine = false, c10s = false;
  expect(!H::get_state() && !hermetic_pyobject_tls_get_state(), "a new thread starts false");
  for (int i = 0; i < 100000; i++) {
    bool v = rng() & 1;
    if (rng() & 1) {
      H::set_state(v); // c10's static set_state
      c10s = v;
      if (ours) mine = v;
    } else {
      hermetic_pyobject_tls_set_state(v);
      mine = v;
      if (ours) c10s = v;
    }
    expect(hermetic_pyobject_tls_get_state() == mine, "our C ABI's get_state");
    expect(H::get_state() == c10s, "the header's inline H::get_state()");
  }
  H::set_state(false);
  hermetic_pyobject_tls_set_state(false);
}

int main(int argc, char **argv) {
  if (argc != 2 || (std::strcmp(argv[1], "ours") != 0 && std::strcmp(argv[1], "theirs") != 0)) {
    std::fprintf(stderr, "usage: test_c10_header ours|theirs\n");
    return 2;
  }
  ours = std::strcmp(argv[1], "ours") == 0;
  expect(!hermetic_pyobject_tls_have_state(), "have_state false at start");
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < 8; i++) threads.emplace_back(thread_body, 1234 + i);
  for (auto &t : threads) t.join();
  H::init_state();
  expect(hermetic_pyobject_tls_have_state() == ours, "C ABI's have_state after H::init_state()");
  long n = failures.load();
  std::printf("test_c10_header %s: 8 threads x 100000 ops through the wheel's header, %ld failures; "
              "H::set_state reaches our C ABI: %s\n",
              argv[1], n, ours ? "yes" : "no (libc10 ahead of the layer)");
  return n == 0 ? 0 : 1;
}
