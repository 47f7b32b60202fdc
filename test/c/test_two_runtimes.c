// test_two_runtimes: our static archive and another program's Go c-archive
// (foreign_go/main.go) linked into one executable, in either order. Each
// runtime has its own signal table; ours must be the one patched: every
// thread of our runtime (the threads that block SIGTERM: they started with
// the mask of hostsignals.c step 1) also blocks SIGSTKFLT, SIGCHLD, SIGPROF
// and SIGRTMIN. Two Go runtimes in one process are not supported upstream;
// this only checks that ours does not patch, or read, the other's data.
#include "hermetic_pyobject_tls.h"
#include <dirent.h>

#include "testing.h"

int foreign_go_call(void);

#define BIT(sig) (1ULL << ((sig) - 1))

int main(int argc, char **argv) {
  const char *order = argc > 1 ? argv[1] : "?";
  hermetic_pyobject_tls_set_state(true);
  CHECK(hermetic_pyobject_tls_get_state());
  CHECK(foreign_go_call() == 42);
  usleep(100 * 1000); // both runtimes' threads settle
  const unsigned long long host = BIT(16) | BIT(17) | BIT(27) | BIT(34);
  int ours = 0, ours_open = 0, others = 0;
  DIR *d = opendir("/proc/self/task");
  CHECK(d != NULL);
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    unsigned long long mask = 0;
    if (!thread_sigblk(e->d_name, &mask)) continue; // ended meanwhile
    if (!(mask & BIT(SIGTERM))) {
      others++; // the main thread and the other runtime's threads
      continue;
    }
    ours++;
    if ((mask & host) != host) {
      ours_open++;
      printf("our runtime thread %s leaves host signals unblocked: SigBlk %016llx\n", e->d_name, mask);
    }
  }
  closedir(d);
  printf("test_two_runtimes (%s): %d threads of our runtime, %d leave SIGSTKFLT/SIGCHLD/SIGPROF/SIGRTMIN "
         "unblocked; %d other threads\n", order, ours, ours_open, others);
  CHECK(ours > 0 && ours_open == 0);
  return 0;
}
