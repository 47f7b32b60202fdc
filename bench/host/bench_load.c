/* bench_load.c: what loading a library costs a C host, as whole-process
 * figures. One process per measurement (a library loads once per process):
 *
 *   bench_load none                       the host alone
 *   bench_load ours|c10|gofloor|cbase PATH
 *
 * Times dlopen() plus dlsym(), then the first write call plus a read
 * (set_state(true), get_state(); the C→Go floor and the plain C library:
 * their empty function). For our library the first write loads the runtime
 * side and starts the Go runtime; for the floor (a Go c-shared library) the
 * runtime starts from its constructor, inside dlopen(), on its own thread,
 * and the first call waits for it. Threads are counted right after dlopen()
 * and again after the first call, once the runtime's background threads
 * settled (200 ms). It prints one JSON object with the times and
 * /proc/self/status's VmRSS, VmHWM and Threads. (bench/run also runs it
 * under /usr/bin/time for the maximum RSS.)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libs.h"

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long status_field(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long value = -1;
  size_t n = strlen(field);
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      sscanf(line + n + 1, "%ld", &value);
      break;
    }
  }
  fclose(f);
  return value;
}

int main(int argc, char **argv) {
  const char *kind = argc > 1 ? argv[1] : "none";
  long long t0 = now_ns(), t_open = t0, t1 = t0;
  long threads_after_dlopen = 1;
  if (strcmp(kind, "none") != 0) {
    if (argc < 3) {
      fprintf(stderr, "usage: %s none | ours|c10|gofloor|cbase PATH\n", argv[0]);
      return 2;
    }
    hptls_bench_api api = hptls_bench_load(kind, argv[2]);
    t_open = now_ns();
    threads_after_dlopen = status_field("Threads");
    if (api.set_state) {
      api.set_state(true);
      if (!api.get_state()) {
        fprintf(stderr, "get_state after set_state(true) returned false\n");
        return 1;
      }
    } else {
      api.empty();
    }
    t1 = now_ns();
  }
  usleep(200 * 1000);
  printf("{\"kind\": \"%s\", \"dlopen_ns\": %lld, \"first_call_ns\": %lld, "
         "\"load_and_first_call_ns\": %lld, \"vmrss_kb\": %ld, \"vmhwm_kb\": %ld, "
         "\"threads_after_dlopen\": %ld, \"threads\": %ld}\n",
         kind, t_open - t0, t1 - t_open, t1 - t0, status_field("VmRSS"),
         status_field("VmHWM"), threads_after_dlopen, status_field("Threads"));
  return 0;
}
