// sigpipe.c: a host that ignores SIGPIPE (CPython does at startup) keeps it
// ignored. The Go runtime puts its forwarding handler on SIGPIPE when it
// starts (in every c-shared library). In the host that changes
// nothing, but execve() resets handled signals to SIG_DFL and keeps ignored
// ones: the programs the host runs would stop inheriting SIGPIPE ignored.
// Our Go code does no I/O and needs no SIGPIPE, so SIG_IGN goes back.
#define _GNU_SOURCE // dladdr
#include <dlfcn.h>
#include <signal.h>
#include <string.h>

#include "cabi.h"

static int sigpipe_was_ignored;

// Priority 101 runs before the Go runtime's initializer, which installs its
// handlers synchronously (libpreinit) before it starts the runtime.
__attribute__((constructor(101))) static void note_inherited_sigpipe(void) {
  struct sigaction sa;
  sigpipe_was_ignored = sigaction(SIGPIPE, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
                        sa.sa_handler == SIG_IGN;
}

// is_ours reports whether address lies in the object that holds this code.
static int is_ours(void *address) {
  Dl_info there, here;
  return dladdr(address, &there) && dladdr((void *)&is_ours, &here) &&
         there.dli_fbase == here.dli_fbase;
}

// Default priority: the runtime's initializer is a plain .init_array entry
// of go.o, which the link puts before this file's, so this runs after the
// runtime installed its handlers and dlopen() returns with SIG_IGN back in
// place (c.test_signals_sigpipe_exec_at_once). SIG_IGN goes back only if
// SIGPIPE was ignored before the runtime started and the handler in place
// is still the runtime's: one the host installed since then stands.
__attribute__((constructor)) static void restore_ignored_sigpipe(void) {
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
