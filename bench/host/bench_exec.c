/* bench_exec.c: what a library under LD_PRELOAD costs every program a
 * process starts (the c10 layer, docs/pytorch.md way 1, is inherited by
 * every child: shells, make, compilers).
 *
 *   bench_exec N PRELOAD PROGRAM [ARG...]
 *
 * N rounds; each spawns PROGRAM once without LD_PRELOAD and once with
 * LD_PRELOAD=PRELOAD, in turn (which goes first alternates), and times
 * posix_spawn() to waitpid() of each. Prints one JSON object: the median
 * wall time of each, and the median of the per-round ratios. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long spawn_once(char **argv, char **envp) {
  pid_t pid;
  long long t0 = now_ns();
  if (posix_spawn(&pid, argv[0], NULL, NULL, argv, envp) != 0) {
    perror("posix_spawn");
    exit(2);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "%s did not exit 0\n", argv[0]);
    exit(2);
  }
  return now_ns() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s N PRELOAD PROGRAM [ARG...]\n", argv[0]);
    return 2;
  }
  int n = atoi(argv[1]);
  if (n < 1) return 2;
  /* Two environments: the caller's without LD_PRELOAD, and that plus ours. */
  int count = 0;
  while (environ[count]) count++;
  char **plain = calloc((size_t)count + 2, sizeof *plain), **preload = calloc((size_t)count + 2, sizeof *preload);
  int k = 0;
  for (int i = 0; i < count; i++)
    if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0) plain[k] = preload[k] = environ[i], k++;
  size_t len = strlen(argv[2]) + 12;
  preload[k] = malloc(len);
  snprintf(preload[k], len, "LD_PRELOAD=%s", argv[2]);
  double *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b), *r = calloc((size_t)n, sizeof *r);
  for (int i = 0; i < 3; i++) spawn_once(argv + 3, plain), spawn_once(argv + 3, preload); /* warm-up */
  for (int i = 0; i < n; i++) {
    if (i % 2) {
      b[i] = (double)spawn_once(argv + 3, preload);
      a[i] = (double)spawn_once(argv + 3, plain);
    } else {
      a[i] = (double)spawn_once(argv + 3, plain);
      b[i] = (double)spawn_once(argv + 3, preload);
    }
    r[i] = b[i] / a[i];
  }
  printf("{\"runs\": %d, \"plain_ns\": %.0f, \"preload_ns\": %.0f, \"ratio\": %.3f}\n", n, median(a, n),
         median(b, n), median(r, n));
  return 0;
}
