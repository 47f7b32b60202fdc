// fork.c: after fork(), the child must never enter the Go runtime. The child
// has only the forking thread; the runtime's other threads, and the Ps they
// held, are gone, so a call into Go there can wait for a P forever.
#include <pthread.h>
#include <stddef.h>

#include "cabi.h"

int hptls_in_forked_child;

// The static archive links a member only when something refers to it; every
// entry point refers to this file, and this file to the ones that act on
// their own (constructors), so that a static link gets them too.
extern const char hptls_link_hostsignals, hptls_link_sigpipe;
__attribute__((used)) static const char *const hptls_link_members[] = {&hptls_link_hostsignals,
                                                                        &hptls_link_sigpipe};

// Go's cgo runtime: the pointer through which a thread-exit destructor
// (pthread_key_destructor in runtime/cgo/gcc_libinit.c) enters Go to give
// back the runtime M bound to a C thread that once called Go. A thread that
// wrote in the parent and forked would otherwise enter Go when it exits in
// the child. Go's destructor does nothing while the pointer is NULL.
extern void (*x_crosscall2_ptr)(void (*fn)(void *), void *, int, size_t);

static void on_fork_child(void) {
  __atomic_store_n(&hptls_in_forked_child, 1, __ATOMIC_RELAXED);
  x_crosscall2_ptr = NULL;
}

// Priority 101 runs before the Go runtime's own initializer starts its
// threads, so that no fork can fall between the two.
__attribute__((constructor(101))) static void register_fork_handler(void) {
  pthread_atfork(NULL, NULL, on_fork_child);
}
