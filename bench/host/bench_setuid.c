/* bench_setuid.c: what the Go runtime's threads cost a host that changes its
 * credentials. glibc's setuid() in a multithreaded process signals every
 * thread and waits for each (SIGSETXID); in a single-threaded one it is a
 * system call.
 *
 *   bench_setuid N PATH
 *
 * Times N calls of setuid(getuid()) three times: before the library is
 * loaded, after dlopen(PATH) and reads, and after the first write (the Go
 * runtime started). Prints one JSON object, ns per call and threads of each. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "libs.h"

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double per_call(long n) {
  uid_t uid = getuid();
  long long t0 = now_ns();
  for (long i = 0; i < n; i++)
    if (setuid(uid) != 0) {
      perror("setuid");
      exit(2);
    }
  return (double)(now_ns() - t0) / (double)n;
}

static int threads(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int n = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Threads: %d", &n) == 1) break;
  if (f) fclose(f);
  return n;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s N PATH\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]);
  double before = per_call(n);
  int t_before = threads();
  hptls_bench_api api = hptls_bench_load("ours", argv[2]);
  if (api.get_state() || api.have_state()) return 1;
  double loaded = per_call(n);
  int t_loaded = threads();
  api.set_state(true);
  usleep(100 * 1000); /* the runtime's threads settle */
  double written = per_call(n);
  printf("{\"calls\": %ld, \"before_ns\": %.0f, \"loaded_ns\": %.0f, \"written_ns\": %.0f, "
         "\"threads_before\": %d, \"threads_loaded\": %d, \"threads_written\": %d}\n",
         n, before, loaded, written, t_before, t_loaded, threads());
  return 0;
}
