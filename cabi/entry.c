// entry.c: the public C entry points (the libtailscale pattern: a small C
// file over the Go exports). Reads are served here from the storage that
// pkg/hermetic declares; writes go to Go, except in a forked child, where
// the Go runtime must not be entered (see ../shared/design/architecture.md).
#define _GNU_SOURCE // dladdr
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "_cgo_export.h"
#include "hermetic_pyobject_tls.h"
#include "state.h"

// Set in a child of fork(). That child has only the forking thread; the
// runtime's other threads, and with them its Ps, are gone, so a call into Go
// can hang for good. From then on the child writes in C.
static int in_forked_child;

static void note_forked_child(void) {
  __atomic_store_n(&in_forked_child, 1, __ATOMIC_RELAXED);
}

__attribute__((constructor)) static void register_fork_handler(void) {
  pthread_atfork(NULL, NULL, note_forked_child);
}

// Whether SIGPIPE was ignored before the Go runtime started. Priority 101
// runs this before the runtime's own initializer in .init_array.
static int sigpipe_was_ignored;

__attribute__((constructor(101))) static void note_inherited_sigpipe(void) {
  struct sigaction sa;
  sigpipe_was_ignored = sigaction(SIGPIPE, NULL, &sa) == 0 &&
                        !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN;
}

// is_ours reports whether address lies in the object that holds this code.
static int is_ours(void *address) {
  Dl_info there, here;
  return dladdr(address, &there) && dladdr((void *)&is_ours, &here) &&
         there.dli_fbase == here.dli_fbase;
}

// hptls_restore_ignored_sigpipe runs from Go's init, after the runtime has
// put its forwarding handler on SIGPIPE (it does in every c-shared library).
// In the host that changes nothing, but execve() resets handled signals to
// SIG_DFL and keeps ignored ones: the programs a host such as CPython runs
// would stop inheriting SIGPIPE ignored. Our Go code does no I/O and needs
// no SIGPIPE, so the host's SIG_IGN goes back, unless the host has installed
// a handler of its own in the meantime.
void hptls_restore_ignored_sigpipe(void) {
  struct sigaction now;
  if (!sigpipe_was_ignored || sigaction(SIGPIPE, NULL, &now) != 0) return;
  if (now.sa_handler == SIG_IGN || now.sa_handler == SIG_DFL || !is_ours((void *)now.sa_handler))
    return;
  struct sigaction ignore;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, NULL);
}

static int forked(void) {
  return __atomic_load_n(&in_forked_child, __ATOMIC_RELAXED);
}

// word turns a bool argument into 0 or 1 by its whole byte. A caller with an
// int prototype (ctypes without argtypes) may pass 2 or 255, which a
// compiler trusting the bool type would store as is.
static uint32_t word(bool state) {
  unsigned char byte;
  memcpy(&byte, &state, 1);
  __asm__("" : "+r"(byte)); // forget that a bool can only hold 0 or 1
  return byte != 0;
}

void hermetic_pyobject_tls_set_state(bool state) {
  uint32_t on = word(state);
  if (forked()) {
    hptls_store_thread_state(on);
    return;
  }
  hptls_go_set_state(hptls_thread_state_address(), on);
}

bool hermetic_pyobject_tls_get_state(void) {
  return hptls_load_thread_state() != 0;
}

void hermetic_pyobject_tls_init_state(void) {
  if (forked()) {
    hptls_store_have_state();
    return;
  }
  hptls_go_init_state();
}

bool hermetic_pyobject_tls_have_state(void) {
  return hptls_load_have_state() != 0;
}

const char *hermetic_pyobject_tls_version(void) {
  return HERMETIC_PYOBJECT_TLS_VERSION;
}

unsigned hermetic_pyobject_tls_version_number(void) {
  return HERMETIC_PYOBJECT_TLS_VERSION_NUMBER;
}
