// SPDX-License-Identifier: BSD-3-Clause
// The c10 ABI layer: libhermetic_pyobject_tls_c10.so defines the four
// dynamic symbols that PyTorch 2.0 ... 2.12's libc10.so exports for
// c10::impl::HermeticPyObjectTLS, with the same ABI, and serves them from
// libhermetic_pyobject_tls.so.0 (its only NEEDED library of ours). Put ahead
// of libc10.so in symbol lookup (LD_PRELOAD, link order, RTLD_GLOBAL before
// torch loads), it is what libtorch_python and libtorch_cpu call, so PyTorch
// reads and writes our flag. docs/pytorch.md says what, why and when.
//
// The functions are tail calls into the public C ABI (one jump through the
// GOT, -fno-plt), so get_tls_state costs our get_state plus one jump.
#include <stdatomic.h>
#include <stdbool.h>

#include "hermetic_pyobject_tls.h"

#define HPT_C10_API __attribute__((visibility("default")))

// static std::atomic<bool> c10::impl::HermeticPyObjectTLS::haveState_:
// one byte, alignment one, 0 or 1 (libstdc++'s std::atomic<bool> is a bool).
// It reads true once init_state() ran through this layer (on any thread,
// sequentially consistent store after our have_state is set), or from the
// moment the layer is loaded if our have_state was already true then. An
// init through the C ABI after the layer is loaded is not mirrored here:
// hermetic_pyobject_tls_have_state() is the one that always tells. No torch
// code reads haveState_ (its only reader, the header's inline get_state(),
// has it switched off in 2.0 ... 2.12), so this is for completeness.
//
// The layer writes it through the dynamic symbol (the GOT), as C++ code does
// with a static member: whichever definition the process bound the name to
// is the one written, also the copy an executable that reads haveState_
// directly gets by a copy relocation (tested by install.consumer_c10).
HPT_C10_API extern _Atomic bool hpt_c10_have_state __asm__("_ZN3c104impl19HermeticPyObjectTLS10haveState_E");
_Atomic bool hpt_c10_have_state = false;

_Static_assert(sizeof(_Atomic bool) == 1 && _Alignof(_Atomic bool) == 1,
               "haveState_ must be laid out like std::atomic<bool>: one byte");

// static void set_state(bool)
HPT_C10_API void hpt_c10_set_state(bool state) __asm__("_ZN3c104impl19HermeticPyObjectTLS9set_stateEb");
void hpt_c10_set_state(bool state) {
  hermetic_pyobject_tls_set_state(state);
}

// static bool get_tls_state() (private; the header's inline get_state() calls it)
HPT_C10_API bool hpt_c10_get_tls_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv");
bool hpt_c10_get_tls_state(void) {
  return hermetic_pyobject_tls_get_state();
}

// static void init_state()
HPT_C10_API void hpt_c10_init_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS10init_stateEv");
void hpt_c10_init_state(void) {
  hermetic_pyobject_tls_init_state();
  atomic_store(&hpt_c10_have_state, true);
}

// Loaded after an init through the C ABI: haveState_ starts out true.
// (libhermetic_pyobject_tls.so.0 is NEEDED, so it is initialised first.)
__attribute__((constructor)) static void hpt_c10_load(void) {
  if (hermetic_pyobject_tls_have_state()) {
    atomic_store(&hpt_c10_have_state, true);
  }
}
