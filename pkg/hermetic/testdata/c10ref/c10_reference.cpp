// c10_reference.cpp: the reference model for the differential test
// (differential_test.go). It is PyTorch's implementation of
// c10::impl::HermeticPyObjectTLS (c10/core/impl/HermeticPyObjectTLS.cpp,
// PyTorch 2.0 to 2.13), rebuilt: a thread_local std::atomic<bool> for the
// calling thread's flag and a std::atomic<bool> haveState_, seq_cst loads and
// stores. The test builds it with `go env CXX` as a plain C++ shared library
// (no Go in it) and loads it into the Go test process with purego; the
// extern "C" functions below are the only names it looks up.
#include <atomic>

namespace c10 {
namespace impl {

struct HermeticPyObjectTLS {
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

void HermeticPyObjectTLS::set_state(bool state) { hermeticPyObjectState = state; }
bool HermeticPyObjectTLS::get_tls_state() { return hermeticPyObjectState; }
void HermeticPyObjectTLS::init_state() { haveState_ = true; }
// PyTorch keeps haveState_ private; the model reads it the same way.
bool HermeticPyObjectTLS::have_state() { return haveState_.load(); }

} // namespace impl
} // namespace c10

using c10::impl::HermeticPyObjectTLS;

extern "C" {
__attribute__((visibility("default"))) void c10ref_set_state(bool state) {
  HermeticPyObjectTLS::set_state(state);
}
__attribute__((visibility("default"))) bool c10ref_get_state() {
  return HermeticPyObjectTLS::get_tls_state();
}
__attribute__((visibility("default"))) void c10ref_init_state() {
  HermeticPyObjectTLS::init_state();
}
__attribute__((visibility("default"))) bool c10ref_have_state() {
  return HermeticPyObjectTLS::have_state();
}
}
