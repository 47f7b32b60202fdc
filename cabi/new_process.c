//go:build !hptls_runtime_side

// new_process.c: whether a write may enter Go, and child processes.
//
// After fork() the child has only the forking thread; the runtime's other
// threads, and the Ps they held, are gone, so a call into Go there can wait
// for a P forever. A child of a process whose writes entered Go therefore
// serves every write in C, from the same storage (it keeps the forking
// thread's flag and have_state, as C++ thread_local does). A child of a
// process that never started the runtime starts its own at its first write,
// like any process.
//
// A fork() child is told by our pthread_atfork child handler, registered
// when writes start entering Go. It is also recognised without it (a host's
// handler may run first and write; _Fork() and a raw clone() run none): the
// word hptls_alive points to is in a MADV_WIPEONFORK page (Linux 4.14), which
// the kernel gives a child zeroed. Where the kernel refuses the advice
// (EINVAL before 4.14, or a seccomp policy) it points to a static zero,
// check_pid, and every write takes the slow path, which compares getpid()
// with the pid the runtime started in: one system call more per write, there
// only. (qemu-user accepts the advice and ignores it: there only the handler
// tells a fork() child, docs/reliability.md.)
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cabi.h"

const struct hptls_runtime *hptls_go;
int hptls_in_forked_child;

// Two zero words at distinct addresses (an array: no compiler or linker may
// fold them into one).
static const uint32_t zero_words[2] = {0, 0};
#define not_started zero_words[0]
#define check_pid zero_words[1]
const volatile uint32_t *hptls_alive = &not_started;
static pid_t started_pid;

void hptls_note_new_process(void) {
  if (__atomic_exchange_n(&hptls_in_forked_child, 1, __ATOMIC_RELAXED)) return;
  const struct hptls_runtime *go = __atomic_load_n(&hptls_go, __ATOMIC_ACQUIRE);
  if (go) go->new_process();
}

int hptls_may_enter_go(void) {
  if (__atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED)) return 0;
  const volatile uint32_t *alive = __atomic_load_n(&hptls_alive, __ATOMIC_ACQUIRE);
  if (alive == &not_started) return hptls_start_runtime();
  int new_process = alive == &check_pid ? getpid() != started_pid : *alive == 0;
  if (!new_process) return 1;
  hptls_note_new_process();
  return 0;
}

void hptls_publish(const struct hptls_runtime *go) {
  const volatile uint32_t *alive = &check_pid;
  started_pid = getpid();
  pthread_atfork(NULL, NULL, hptls_note_new_process);
  long size = sysconf(_SC_PAGESIZE);
  size_t len = size > 0 ? (size_t)size : 4096;
  void *page = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page != MAP_FAILED) {
    if (madvise(page, len, MADV_WIPEONFORK) == 0) {
      *(volatile uint32_t *)page = 1;
      alive = page;
    } else {
      munmap(page, len);
    }
  }
  __atomic_store_n(&hptls_go, go, __ATOMIC_RELEASE);
  __atomic_store_n(&hptls_alive, alive, __ATOMIC_RELEASE);
}
