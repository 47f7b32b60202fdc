// test_fork_detect LIBRARY atfork-first|_Fork|clone CHILDREN [nowipe]: a new
// process is recognised without our pthread_atfork handler (docs/reliability.md, "Fork detection without atfork").
//
// While 3 threads keep writing, the main thread makes CHILDREN children:
//   atfork-first: with fork(), and a pthread_atfork child handler the host
//                 registered before dlopen() (so it runs before ours) writes;
//   _Fork:        with glibc's _Fork(), which runs no atfork handler;
//   clone:        with a raw clone() system call (no CLONE_VM).
// Each child writes (set_state true/false, init_state), reads back and exits
// 0; a child that enters the Go runtime there can hang, and is killed after
// its timeout and counted. The child also checks that its SIGSEGV action is
// the one from before the load (SIG_DFL), not Go's handler: the library puts
// it back when it notices the new process, so a child that went on into Go
// unnoticed fails even when it does not hang. Every child must exit 0 in time.
//   nowipe: before dlopen(), a seccomp filter makes madvise(MADV_WIPEONFORK)
//           fail with EINVAL, as kernels before 4.14 do; detection must not
//           depend on it (cabi/new_process.c falls back to comparing the pid).
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "testing.h"

enum { WRITERS = 3 };
static const double CHILD_TIMEOUT = 5.0;

static struct hptls_api api;
static volatile int stop, api_ready;

static void *writer(void *arg) {
  uintptr_t i = (uintptr_t)arg;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) api.set_state((i++ & 1) != 0);
  return NULL;
}

// The child's checks; returns its exit status.
static int child_writes(void) {
  api.set_state(true);
  if (!api.get_state()) return 3;
  api.init_state();
  if (!api.have_state()) return 4;
  api.set_state(false);
  if (api.get_state()) return 5;
  struct sigaction segv;
  if (sigaction(SIGSEGV, NULL, &segv) != 0) return 6;
  return (segv.sa_flags & SA_SIGINFO) || segv.sa_handler != SIG_DFL ? 7 : 0;
}

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

// madvise(..., MADV_WIPEONFORK) fails with EINVAL from here on, in every
// thread started later (a seccomp filter is inherited); nothing else changes.
static void refuse_wipeonfork(void) {
#ifdef TEST_AUDIT_ARCH
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MADV_WIPEONFORK, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EINVAL & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof code / sizeof code[0], code};
  CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
  CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
  long size = sysconf(_SC_PAGESIZE);
  void *page = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(page != MAP_FAILED);
  CHECK(madvise(page, (size_t)size, MADV_WIPEONFORK) == -1 && errno == EINVAL);
  CHECK(madvise(page, (size_t)size, MADV_DONTNEED) == 0);
  munmap(page, (size_t)size);
#else
  CHECK(!"nowipe: no seccomp architecture known for this target");
#endif
}

static int atfork_result = -1;
static void host_child_handler(void) {
  if (__atomic_load_n(&api_ready, __ATOMIC_SEQ_CST)) atfork_result = child_writes();
}

int main(int argc, char **argv) {
  CHECK(argc == 4 || (argc == 5 && strcmp(argv[4], "nowipe") == 0));
  const char *mode = argv[2];
  long children = arg_long(argc, argv, 3, 30);
  int atfork = strcmp(mode, "atfork-first") == 0;
  CHECK(atfork || strcmp(mode, "_Fork") == 0 || strcmp(mode, "clone") == 0);
  if (argc == 5) refuse_wipeonfork();
  if (atfork) CHECK(pthread_atfork(NULL, NULL, host_child_handler) == 0);
  api = load_api(argv[1], RTLD_NOW | RTLD_LOCAL);
  api.set_state(true);
  __atomic_store_n(&api_ready, 1, __ATOMIC_SEQ_CST);

  pthread_t t[WRITERS];
  for (uintptr_t i = 0; i < WRITERS; i++) start_thread(&t[i], writer, (void *)i);
  usleep(20000);
  int ok = 0, hung = 0, failed = 0;
  for (long n = 0; n < children; n++) {
    pid_t pid = new_process(atfork ? "fork" : mode);
    CHECK(pid >= 0);
    if (pid == 0) _exit(atfork ? atfork_result : child_writes());
    int status = wait_child(pid, CHILD_TIMEOUT);
    if (status == -1)
      hung++;
    else if (child_ok(status))
      ok++;
    else
      failed++;
    if (hung >= 3) break; // enough to fail; keep the run short
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < WRITERS; i++) join_thread(t[i]);
  // The parent was never taken for a child: Go's SIGSEGV handler is in place.
  struct sigaction segv;
  CHECK(sigaction(SIGSEGV, NULL, &segv) == 0);
  CHECK((segv.sa_flags & SA_SIGINFO) || segv.sa_handler != SIG_DFL);
  printf("test_fork_detect %s%s: %d children exited 0, %d hung (killed after %.0f s), %d failed, "
         "of %ld\n", mode, argc == 5 ? " (MADV_WIPEONFORK refused)" : "", ok, hung, CHILD_TIMEOUT, failed, children);
  return ok == children ? 0 : 1;
}
