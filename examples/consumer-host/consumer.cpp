// A C++ host of hermetic-pyobject-tls: the RAII guard turns hermetic mode on
// for its scope and restores the previous value.
#include <cstdio>
#include <cstring>
#include <thread>

#include <hermetic_pyobject_tls.hpp>

int main() {
  using hermetic::EnableHermeticPyObject;
  using hermetic::HermeticPyObjectTLS;

  std::printf("header %s, library %s\n", HERMETIC_PYOBJECT_TLS_VERSION, hermetic::version());
  if (std::strcmp(hermetic::version(), HERMETIC_PYOBJECT_TLS_VERSION) != 0) {
    std::fprintf(stderr, "header and library versions differ\n");
    return 1;
  }

  HermeticPyObjectTLS::init_state();
  bool inside = false, other = true;
  {
    EnableHermeticPyObject guard;
    inside = HermeticPyObjectTLS::get_state();
    std::thread([&other] { other = HermeticPyObjectTLS::get_state(); }).join();
  }
  bool ok = HermeticPyObjectTLS::have_state() && inside && !other && !HermeticPyObjectTLS::get_state();
  std::printf("C++ host: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
