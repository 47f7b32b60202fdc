// test_static MODE: a host linked with the static archive.
//   early:   writes from a .preinit_array entry, a constructor(101) and an
//            ordinary constructor (what a C++ static initializer is), before
//            main: each must complete (they hung in the Go runtime's
//            startup wait when its initializer came later in link order),
//            and main and a new thread see the flags they must.
//   sigpipe: started with SIGPIPE ignored (by its CTest command), the host
//            still has it ignored in main, as with the shared library.
//   mask:    the host's ordinary constructors (C++ static initializers) run
//            with the mask the host started with, and a thread they start
//            keeps it: the library blocks signals around the Go runtime's
//            initializer only (cabi/hostsignals.c), not until its own
//            default-priority constructor, which a static link puts after
//            the host's.
// The host also defines fatalf, a name runtime/cgo used to export from the
// archive: only hermetic_pyobject_tls_* may be global there.
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hermetic_pyobject_tls.h"

static int fatalf_calls;
void fatalf(const char *format, ...);
void fatalf(const char *format, ...) {
  (void)format;
  fatalf_calls++;
}

static int early[3];

static void from_preinit(int argc, char **argv, char **envp) {
  (void)argc, (void)argv, (void)envp;
  hermetic_pyobject_tls_set_state(true);
  early[0] = hermetic_pyobject_tls_get_state();
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **, char **) =
    from_preinit;

__attribute__((constructor(101))) static void from_constructor_101(void) {
  hermetic_pyobject_tls_set_state(false);
  early[1] = !hermetic_pyobject_tls_get_state();
  hermetic_pyobject_tls_init_state();
}

static int ctor_blocked = -1, ctor_thread_blocked = -1;

static int term_or_int_blocked(void) {
  sigset_t now;
  if (pthread_sigmask(SIG_SETMASK, NULL, &now) != 0) return -1;
  return sigismember(&now, SIGTERM) || sigismember(&now, SIGINT);
}

static void *ctor_thread(void *arg) {
  (void)arg;
  ctor_thread_blocked = term_or_int_blocked();
  return NULL;
}

__attribute__((constructor)) static void from_constructor(void) {
  ctor_blocked = term_or_int_blocked();
  pthread_t t;
  if (pthread_create(&t, NULL, ctor_thread, NULL) == 0) pthread_join(t, NULL);
  hermetic_pyobject_tls_set_state(true);
  early[2] = hermetic_pyobject_tls_get_state() && hermetic_pyobject_tls_have_state();
}

static void *new_thread(void *arg) {
  int *ok = arg;
  *ok = !hermetic_pyobject_tls_get_state();
  hermetic_pyobject_tls_set_state(true);
  *ok = *ok && hermetic_pyobject_tls_get_state();
  return NULL;
}

int main(int argc, char **argv) {
  alarm(30);
  if (argc == 2 && strcmp(argv[1], "sigpipe") == 0) {
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    int ignored = !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN;
    printf("test_static sigpipe: inherited SIG_IGN %s\n", ignored ? "kept" : "LOST");
    return ignored ? 0 : 1;
  }
  if (argc == 2 && strcmp(argv[1], "mask") == 0) {
    printf("test_static mask: SIGTERM/SIGINT blocked in a host constructor %d, in a thread it "
           "started %d (both must be 0)\n",
           ctor_blocked, ctor_thread_blocked);
    return ctor_blocked == 0 && ctor_thread_blocked == 0 ? 0 : 1;
  }
  int ok = 0;
  pthread_t t;
  pthread_create(&t, NULL, new_thread, &ok);
  pthread_join(t, NULL);
  hermetic_pyobject_tls_set_state(false);
  int main_ok = !hermetic_pyobject_tls_get_state() && hermetic_pyobject_tls_have_state();
  printf("test_static early: preinit %d, constructor(101) %d, constructor %d, main %d, new thread "
         "%d, fatalf calls %d\n",
         early[0], early[1], early[2], main_ok, ok, fatalf_calls);
  return early[0] && early[1] && early[2] && main_ok && ok && fatalf_calls == 0 ? 0 : 1;
}
