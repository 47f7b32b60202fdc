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
  if (__atomic_exchange_n(&hptls_in_forked_child, 1, __ATOMIC_RELAXED)) return;
  x_crosscall2_ptr = NULL;
  hptls_child_signals();
}

// The atfork handler alone is not enough: a host's child handler registered
// before ours runs first (and may write), and _Fork() or a raw clone() run
// no handler at all. The word hptls_alive points to is in a MADV_WIPEONFORK
// page (Linux 4.14): the kernel gives a child a zeroed copy, so a write sees
// that it runs in a new process on its own. If the kernel refuses (EINVAL
// before 4.14, or a seccomp policy), it points to a static 0, check_pid, so
// that every write takes the slow path, which compares getpid() with the pid
// the library started in: one system call more per write, there only.
//
// Before the Go runtime's initializer has run, it points to a static 0: a
// write then (from a .preinit_array entry or an early constructor of a host
// linked with the static archive) has no runtime to enter, and nothing else
// runs yet, so it is served here in C, like a write in a forked child.
// Two zero words at distinct addresses (an array: no compiler or linker may
// fold them into one).
static const uint32_t stay_in_c_words[2] = {0, 0};
#define not_started stay_in_c_words[0]
#define check_pid stay_in_c_words[1]
const volatile uint32_t *hptls_alive = &not_started;
static pid_t started_pid;

int hptls_stay_in_c_slow(void) {
  const volatile uint32_t *alive = __atomic_load_n(&hptls_alive, __ATOMIC_ACQUIRE);
  if (alive == &not_started) return 1;
  int new_process = alive == &check_pid ? getpid() != started_pid : *alive == 0;
  if (!new_process && !__atomic_load_n(&hptls_in_forked_child, __ATOMIC_RELAXED)) return 0;
  on_fork_child();
  return 1;
}

// A thread that entered Go has Go's thread-exit destructor pending (see
// x_crosscall2_ptr above). In a child made by _Fork() or clone(), where no
// atfork handler ran, that thread may exit without ever writing there: this
// destructor notices the new process first and clears the pointer. Its key
// is created here, before the runtime starts and long before the runtime
// creates its own key on the first call from C, so it has the lower index,
// and glibc runs a thread's destructors in index order.
static pthread_key_t exit_key;
static int exit_key_created;

// A thread's exit is rare enough for a getpid() (a write is not): it
// catches the new process also where the kernel accepted MADV_WIPEONFORK
// without applying it (qemu-user does: a child sees the page as it was).
static void before_go_thread_exit(void *unused) {
  (void)unused;
  if (started_pid && getpid() != started_pid)
    on_fork_child();
  else
    hptls_stay_in_c(); // in a new process: on_fork_child()
}

void hptls_note_go_thread(void) {
  if (exit_key_created) pthread_setspecific(exit_key, &exit_key);
}

// Priority 101 runs before the Go runtime's own initializer starts its
// threads, so that no fork can fall between the two.
__attribute__((constructor(101))) static void register_fork_handler(void) {
  pthread_atfork(NULL, NULL, on_fork_child);
  exit_key_created = pthread_key_create(&exit_key, before_go_thread_exit) == 0;
}

// Priority 103: after the Go runtime's initializer in the static archive,
// where scripts/finish-archive.sh gives it priority 102. (In the shared
// library it runs before the runtime's plain .init_array entry, but no host
// code can run between the two.) From here on writes enter Go.
__attribute__((constructor(103))) static void runtime_started(void) {
  const volatile uint32_t *alive = &check_pid;
  started_pid = getpid();
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
  __atomic_store_n(&hptls_alive, alive, __ATOMIC_RELEASE);
}
