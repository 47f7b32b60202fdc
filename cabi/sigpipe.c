// sigpipe.c: a host that ignores SIGPIPE (CPython does at startup) keeps it
// ignored. The Go runtime puts its forwarding handler on SIGPIPE while the
// library loads (in every c-shared library). In the host that changes
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

// Puts SIG_IGN back if SIGPIPE was ignored before the runtime started and
// the handler in place is still the runtime's: a handler the host installed
// since then stands. Safe to call more than once.
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

// Default priority: runs after the runtime's initializer in the shared
// library, so dlopen() returns with SIG_IGN back in place. Go's init calls
// the same function again, for link orders where this ran first.
__attribute__((constructor)) static void restore_at_load(void) { hptls_restore_ignored_sigpipe(); }
