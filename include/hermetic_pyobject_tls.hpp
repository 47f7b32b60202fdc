// SPDX-License-Identifier: BSD-3-Clause
// hermetic_pyobject_tls.hpp: header-only C++ API over the C ABI in
// hermetic_pyobject_tls.h, shaped like PyTorch's c10::impl::HermeticPyObjectTLS
// and c10::impl::EnableHermeticPyObject. Needs C++11.
#ifndef HERMETIC_PYOBJECT_TLS_HPP
#define HERMETIC_PYOBJECT_TLS_HPP

#include "hermetic_pyobject_tls.h"

namespace hermetic {

/// PyTorch's static API: hermetic mode of the calling OS thread, and the
/// process-wide have_state flag. Every function is a direct call into the C
/// ABI; see hermetic_pyobject_tls.h for thread and fork behaviour.
class HermeticPyObjectTLS {
 public:
  HermeticPyObjectTLS() = delete;

  /// Sets hermetic mode for the calling thread.
  static void set_state(bool state) { hermetic_pyobject_tls_set_state(state); }
  /// Returns the calling thread's hermetic mode (false until it sets it).
  static bool get_state() { return hermetic_pyobject_tls_get_state(); }
  /// Turns have_state on for the whole process, for good.
  static void init_state() { hermetic_pyobject_tls_init_state(); }
  /// Returns whether init_state() has been called in this process.
  static bool have_state() { return hermetic_pyobject_tls_have_state(); }
};

/// RAII guard: turns hermetic mode on for the calling thread and restores
/// the previous value when it goes out of scope. Guards nest; a guard must
/// be destroyed on the thread that created it.
class EnableHermeticPyObject {
 public:
  EnableHermeticPyObject() : previous_(HermeticPyObjectTLS::get_state()) {
    HermeticPyObjectTLS::set_state(true);
  }
  ~EnableHermeticPyObject() { HermeticPyObjectTLS::set_state(previous_); }

  EnableHermeticPyObject(const EnableHermeticPyObject&) = delete;
  EnableHermeticPyObject& operator=(const EnableHermeticPyObject&) = delete;
  EnableHermeticPyObject(EnableHermeticPyObject&&) = delete;
  EnableHermeticPyObject& operator=(EnableHermeticPyObject&&) = delete;

 private:
  bool previous_;
};

/// The version of the library loaded at run time, "MAJOR.MINOR.PATCH".
inline const char* version() { return hermetic_pyobject_tls_version(); }

/// MAJOR*10000 + MINOR*100 + PATCH of the library loaded at run time.
inline unsigned version_number() { return hermetic_pyobject_tls_version_number(); }

}  // namespace hermetic

#endif  // HERMETIC_PYOBJECT_TLS_HPP
