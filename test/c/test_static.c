// test_static MODE: a host linked with the static archive (issue 13).
//   early:   writes from a .preinit_array entry, a constructor(101) and an
//            ordinary constructor (what a C++ static initializer is), before
//            main: each must complete (they hung in the Go runtime's
//            startup wait when its initializer came later in link order),
//            and main and a new thread see the flags they must.
//   sigpipe: started with SIGPIPE ignored (by its CTest command), the host
//            still has it ignored in main, as with the shared library.
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

__attribute__((constructor)) static void from_constructor(void) {
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
