// c10_reference.cpp: PyTorch's implementation of
// c10::impl::HermeticPyObjectTLS (c10/core/impl/HermeticPyObjectTLS.{h,cpp},
// PyTorch 2.0 to 2.13), rebuilt by us: out-of-line functions over a
// thread_local std::atomic<bool> and a std::atomic<bool>, seq_cst loads and
// stores, built -O2 -fPIC as a plain C++ shared library (no Go in it). Two
// users look up its mangled c10::impl names with dlsym:
// - the differential test (../../differential_test.go) loads it into the Go
//   test process with purego, as the reference model;
// - the benchmark hosts (bench/host) dlopen() it exactly like ours, as the
//   c10 baseline (so the thread_local is general-dynamic TLS, reached
//   through __tls_get_addr, as in libc10.so).
//
// PyTorch's inline get_state() only calls get_tls_state() (its have_state
// fast path is commented out), so a caller of get_state() pays exactly one
// out-of-line call of get_tls_state(), which is what the hosts call.
// have_state() does not exist in PyTorch (haveState_ is private); it is added
// here as the same atomic load behind a call, for the callgrind rows.
#include <atomic>

namespace c10 {
namespace impl {

struct __attribute__((visibility("default"))) HermeticPyObjectTLS {
  static void set_state(bool state);
  static bool get_tls_state();
  static void init_state();
  static bool have_state();

 private:
  static std::atomic<bool> haveState_;
};

namespace {
thread_local std::atomic<bool> hermeticPyObjectState{false};
} // namespace

std::atomic<bool> HermeticPyObjectTLS::haveState_{false};

void HermeticPyObjectTLS::set_state(bool state) {
  hermeticPyObjectState = state;
}

bool HermeticPyObjectTLS::get_tls_state() {
  return hermeticPyObjectState;
}

void HermeticPyObjectTLS::init_state() {
  haveState_ = true;
}

bool HermeticPyObjectTLS::have_state() {
  return haveState_.load();
}

} // namespace impl
} // namespace c10
