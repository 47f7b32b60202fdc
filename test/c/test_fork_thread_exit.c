// test_fork_thread_exit [FORKS [fork|_Fork|clone [deleted-key]]]: a thread that wrote in
// the parent (so the Go runtime has bound one of its Ms to it) forks, and in
// the child that thread ends with pthread_exit(). Go's thread-exit destructor
// would then enter the Go runtime in the child to give the M back, and could
// wait there forever for a lock that a parent thread held at fork time. The
// child must not enter Go at all.
//   fork:   fork(), and the child writes once before it exits (the default);
//   _Fork:  glibc's _Fork(), which runs no atfork handler, and the child does
//           not write: nothing of ours ran in it before the thread exits;
//   clone:  the same with a raw clone() system call (no CLONE_VM).
//   deleted-key: the host made a pthread key before the library loaded (a
//           .preinit_array entry) and deletes it before the first write, so
//           that Go's key, made at the first write, takes its lower index:
//           a guard that relied on running before Go's destructor would not.
//
// Evidence that it did: for a C thread with no signal stack of its own, Go
// installs one when it binds an M and disables it when it gives the M back.
// A destructor of our own, on a key created after Go's (so it runs after
// Go's in the same thread exit), checks that the thread's signal stack is
// still the one it had before pthread_exit().
#include "hermetic_pyobject_tls.h"
#include "testing.h"

static const char *how = "fork";

// The host's key, made before any library's initializer runs.
static pthread_key_t host_key;
static int host_key_made;
static void make_host_key(void) { host_key_made = pthread_key_create(&host_key, NULL) == 0; }
__attribute__((section(".preinit_array"), used)) static void (*const early_key)(void) = make_host_key;

static const double CHILD_TIMEOUT = 10.0;

static stack_t before_exit;

static void after_go_destructor(void *value) {
  (void)value;
  stack_t now;
  if (sigaltstack(NULL, &now) != 0) _exit(3);
  bool unchanged = now.ss_flags == before_exit.ss_flags && now.ss_sp == before_exit.ss_sp;
  _exit(unchanged ? 0 : 4); // the child ends here, with the verdict
}

static void *writer_that_forks(void *arg) {
  int *status = arg;
  hermetic_pyobject_tls_set_state(true); // binds a Go M to this thread
  pid_t pid = new_process(how);
  if (pid < 0) return (void *)1;
  if (pid == 0) {
    pthread_key_t key;
    if (pthread_key_create(&key, after_go_destructor) != 0) _exit(5);
    if (pthread_setspecific(key, &key) != 0) _exit(5);
    if (sigaltstack(NULL, &before_exit) != 0) _exit(3);
    if (before_exit.ss_flags & SS_DISABLE) _exit(6); // Go gave this thread no stack: no evidence
    if (!hermetic_pyobject_tls_get_state()) _exit(2);
    if (!strcmp(how, "fork")) hermetic_pyobject_tls_set_state(false); // and a write in the child, too
    pthread_exit(NULL);
  }
  *status = wait_child(pid, CHILD_TIMEOUT);
  return NULL;
}

int main(int argc, char **argv) {
  int forks = (int)arg_long(argc, argv, 1, 20);
  if (argc > 2) how = argv[2];
  CHECK(!strcmp(how, "fork") || !strcmp(how, "_Fork") || !strcmp(how, "clone"));
  if (argc > 3) {
    CHECK(!strcmp(argv[3], "deleted-key") && host_key_made);
    CHECK(pthread_key_delete(host_key) == 0); // before the first write
  }
  int entered_go = 0, hangs = 0, other = 0;
  for (int i = 0; i < forks; i++) {
    int status = 0;
    pthread_t t;
    start_thread(&t, writer_that_forks, &status);
    join_thread(t);
    if (status == -1) {
      hangs++;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 4) {
      entered_go++;
    } else if (!child_ok(status)) {
      other++;
      fprintf(stderr, "fork %d: child status %#x\n", i, status);
    }
  }
  printf("test_fork_thread_exit %s%s: %d children ended the forking thread with pthread_exit: "
         "%d entered the Go runtime, %d hung, %d failed otherwise\n",
         how, argc > 3 ? " (host key deleted before the first write)" : "", forks, entered_go, hangs, other);
  CHECK(entered_go == 0 && hangs == 0 && other == 0);
  return 0;
}
