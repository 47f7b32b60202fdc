// test_bool_abi LIBRARY: callers that get the prototypes wrong, as ctypes
// does without argtypes/restype: set_state called with an int where the ABI
// has a bool, get_state and have_state read as an int.
// - Any nonzero value in the argument's byte (2, 127, 128, 255, -1) means
//   true and reads back as true; 0 means false. Only that byte counts: the
//   x86-64 and AArch64 ABIs leave a bool argument's upper bits unspecified,
//   so 256 (byte 0) is false. The docs say so; this test does not rely on it.
// - get_state and have_state return exactly 0 or 1 in the whole int, so a
//   caller that compares with 1, or uses the value as an index, is right.
// Checked on the main thread, on a new thread and in a forked child (where
// writes are served in C, not in Go).
#include "hermetic_pyobject_tls.h"
#include "testing.h"

static void (*set_int)(int);
static int (*get_int)(void);
static int (*have_int)(void);
static bool (*get_bool)(void);

static const int values[] = {0, 1, 2, 127, 128, 255, -1, 0x7fffff01, 0};

static int check_values(const char *where) {
  int bad = 0;
  for (unsigned i = 0; i < sizeof values / sizeof *values; i++) {
    int v = values[i];
    bool want = (v & 0xff) != 0;
    set_int(v);
    int got = get_int();
    bool got_bool = get_bool();
    unsigned char byte;
    memcpy(&byte, &got_bool, 1);
    if (got != (int)want || byte != (unsigned char)want) {
      fprintf(stderr, "%s: set_state((int)%d): get_state() = %d as int, byte %u; want %d\n", where, v,
              got, byte, want);
      bad++;
    }
    int have = have_int();
    if (have != 0 && have != 1) {
      fprintf(stderr, "%s: have_state() = %d as int\n", where, have);
      bad++;
    }
  }
  return bad;
}

static void *on_thread(void *arg) {
  *(int *)arg = get_int() == 0 ? check_values("new thread") : 1;
  return NULL;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  struct hptls_api api = load_api(argv[1], RTLD_NOW | RTLD_LOCAL);
  // The prototypes a caller without argtypes/restype effectively uses.
  *(void **)&set_int = (void *)api.set_state;
  *(void **)&get_int = (void *)api.get_state;
  *(void **)&have_int = (void *)api.have_state;
  get_bool = api.get_state;

  int bad = check_values("main thread, before init_state");
  api.init_state();
  CHECK(have_int() == 1);
  bad += check_values("main thread");

  int thread_bad = -1;
  pthread_t t;
  start_thread(&t, on_thread, &thread_bad);
  join_thread(t);
  bad += thread_bad;

  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) _exit(check_values("forked child") == 0 && have_int() == 1 ? 0 : 1);
  int status = wait_child(pid, 10.0);
  bad += !child_ok(status);

  printf("test_bool_abi: set_state through an int prototype with 0, 1, 2, 127, 128, 255, -1, "
         "0x7fffff01; get_state/have_state read as int; main thread, new thread, forked child: "
         "%d wrong\n", bad);
  CHECK(bad == 0);
  return 0;
}
