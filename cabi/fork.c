// fork.c: after fork(), the child must never enter the Go runtime. The child
// has only the forking thread; the runtime's other threads, and the Ps they
// held, are gone, so a call into Go there can wait for a P forever.
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

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

// The atfork handler alone is not enough: a host's child handler registered
// before ours runs first (and may write), and _Fork() or a raw clone() run
// no handler at all. The word below is in a MADV_WIPEONFORK page (Linux
// 4.14): the kernel gives a child a zeroed copy, so a write sees that it runs
// in a new process on its own. Until the constructor ran (or if the kernel
// refuses), it points to a static 1 and only the atfork handler tells.
static const uint32_t always_alive = 1;
const volatile uint32_t *hptls_alive = &always_alive;

int hptls_note_forked_child(void) {
  if (*hptls_alive != 0 && !__atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED)) return 0;
  on_fork_child();
  return 1;
}

// Priority 101 runs before the Go runtime's own initializer starts its
// threads, so that no fork can fall between the two.
__attribute__((constructor(101))) static void register_fork_handler(void) {
  pthread_atfork(NULL, NULL, on_fork_child);
  long size = sysconf(_SC_PAGESIZE);
  void *page = mmap(NULL, size > 0 ? (size_t)size : 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return;
  if (madvise(page, size > 0 ? (size_t)size : 4096, MADV_WIPEONFORK) != 0) {
    munmap(page, size > 0 ? (size_t)size : 4096);
    return;
  }
  *(volatile uint32_t *)page = 1;
  __atomic_store_n(&hptls_alive, (const volatile uint32_t *)page, __ATOMIC_RELEASE);
}
