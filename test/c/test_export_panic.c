// test_export_panic RUNTIME_SIDE: a panic in one of the Go exports must say
// what happened on stderr and abort the process, never return as if the
// write had been made. The runtime side's table is called directly with a
// nil word (which the front never passes), in a child that loads it.
#include "cabi.h"
#include "testing.h"

static int run_child(const char *path, int init, char *err, size_t size) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], 2);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) _exit(3);
    const struct hptls_runtime *rt = dlsym(h, "hptls_runtime");
    if (!rt) _exit(4);
    if (init)
      rt->init_state(NULL);
    else
      rt->set_state(NULL, 1);
    _exit(0); // the write "returned": the failure this test is about
  }
  close(fds[1]);
  size_t n = 0;
  ssize_t r;
  while (n + 1 < size && (r = read(fds[0], err + n, size - 1 - n)) > 0) n += (size_t)r;
  err[n] = 0;
  close(fds[0]);
  return wait_child(pid, 10.0);
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  static char err[8192];
  const char *names[] = {"set_state", "init_state"};
  for (int init = 0; init < 2; init++) {
    int status = run_child(argv[1], init, err, sizeof err);
    char want[64];
    snprintf(want, sizeof want, "panic in the Go half of %s", names[init]);
    bool aborted = status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    bool said = strstr(err, want) != NULL;
    printf("%s with a nil word: %s, stderr %s\n", names[init],
           aborted ? "aborted (SIGABRT)" : status == -1 ? "hung" : "did NOT abort", said ? "names the panic" : "does NOT");
    if (!aborted || !said) {
      fprintf(stderr, "child's stderr:\n%s\n", err);
      return 1;
    }
  }
  return 0;
}
