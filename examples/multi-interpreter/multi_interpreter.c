/*
 * multi_interpreter: a C host that embeds CPython (3.12 or newer) and runs two
 * interpreters, each with its own GIL, on two threads at once. Each imports
 * hermetic_pyobject_tls (its native backend: ctypes cannot load in 3.12's
 * own-GIL interpreters); the host's own C code on the same threads reads and
 * sets the same per-thread flag through the C ABI. It prints what each side
 * sees, checks it, and ends with "multi-interpreter: OK" (exit 0) or names the
 * mismatch (exit 1).
 *
 * usage: multi_interpreter SITE_DIR
 *   SITE_DIR holds the hermetic_pyobject_tls package (the build makes one).
 * The package uses the very library this host links, which it finds already
 * in the process by its SONAME: one copy, one Go runtime. Each interpreter
 * checks that (library_path is the file the host's dladdr names).
 */
#define _GNU_SOURCE
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "hermetic_pyobject_tls.h"

#if PY_VERSION_HEX < 0x030C0000
#error "needs CPython 3.12 or newer (Py_NewInterpreterFromConfig, a GIL per interpreter)"
#endif

static pthread_barrier_t both_running;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int failures;

static void say(const char *who, const char *fmt, bool value)
{
  pthread_mutex_lock(&out_lock);
  printf("[%s] ", who);
  printf(fmt, value ? "true" : "false");
  printf("\n");
  fflush(stdout);
  pthread_mutex_unlock(&out_lock);
}

static void expect(const char *who, const char *what, bool got, bool want)
{
  if (got != want) {
    pthread_mutex_lock(&out_lock);
    fprintf(stderr, "[%s] MISMATCH: %s is %d, expected %d\n", who, what, got, want);
    failures++;
    pthread_mutex_unlock(&out_lock);
  }
}

/* Runs `code` in the current interpreter and returns the bool it leaves in
 * the variable `seen` of __main__. */
static bool run_py(const char *who, const char *code)
{
  PyObject *main_module = PyImport_AddModule("__main__"); /* borrowed */
  PyObject *globals = PyModule_GetDict(main_module);      /* borrowed */
  PyObject *r = PyRun_String(code, Py_file_input, globals, globals);
  if (r == NULL) {
    PyErr_Print();
    pthread_mutex_lock(&out_lock);
    fprintf(stderr, "[%s] Python code failed:\n%s\n", who, code);
    failures++;
    pthread_mutex_unlock(&out_lock);
    return false;
  }
  Py_DECREF(r);
  PyObject *seen = PyDict_GetItemString(globals, "seen"); /* borrowed */
  return seen != NULL && PyObject_IsTrue(seen) == 1;
}

struct worker {
  const char *name;
  bool python_first; /* who sets the flag first: Python, or the host's C code */
};

static void *worker(void *arg)
{
  const struct worker *w = arg;
  char who[64];
  snprintf(who, sizeof who, "%s", w->name);

  /* A new OS thread: the flag starts false for C... */
  bool c0 = hermetic_pyobject_tls_get_state();
  say(who, "C, before any interpreter: get_state() = %s", c0);
  expect(who, "C get_state() on a new thread", c0, false);

  /* ...and this thread gets an interpreter of its own, with its own GIL. */
  PyInterpreterConfig config = {
      .use_main_obmalloc = 0,
      .allow_fork = 0,
      .allow_exec = 0,
      .allow_threads = 1,
      .allow_daemon_threads = 0,
      .check_multi_interp_extensions = 1,
      .gil = PyInterpreterConfig_OWN_GIL,
  };
  PyThreadState *tstate = NULL;
  PyStatus status = Py_NewInterpreterFromConfig(&tstate, &config);
  if (PyStatus_Exception(status) || tstate == NULL) {
    fprintf(stderr, "[%s] Py_NewInterpreterFromConfig failed: %s\n", who,
            status.err_msg ? status.err_msg : "(no message)");
    pthread_mutex_lock(&out_lock);
    failures++;
    pthread_mutex_unlock(&out_lock);
    pthread_barrier_wait(&both_running);
    return NULL;
  }

  bool seen = run_py(who, "import hermetic_pyobject_tls as h\nseen = h.get_state()\n");
  say(who, "Python, own-GIL interpreter: import ok, get_state() = %s", seen);
  expect(who, "Python get_state() after import", seen, false);
  seen = run_py(who, "import os\nseen = h.backend == 'native' and os.path.realpath(h.library_path) == os.environ['HOST_LIBRARY']\n");
  say(who, "Python: native backend, on the host's copy of the library: %s", seen);
  expect(who, "Python backend and library", seen, true);

  /* Both interpreters exist and hold their own GIL at this point. */
  PyThreadState *saved = PyEval_SaveThread();
  pthread_barrier_wait(&both_running);
  PyEval_RestoreThread(saved);

  if (w->python_first) {
    run_py(who, "h.set_state(True)\nseen = h.get_state()\n");
    say(who, "Python: set_state(True)", true);
    bool c = hermetic_pyobject_tls_get_state();
    say(who, "C on the same thread: get_state() = %s", c);
    expect(who, "C get_state() after Python set True", c, true);
    hermetic_pyobject_tls_set_state(false);
    say(who, "C: set_state(false)", false);
    seen = run_py(who, "seen = h.get_state()\n");
    say(who, "Python: get_state() = %s", seen);
    expect(who, "Python get_state() after C set false", seen, false);
  } else {
    hermetic_pyobject_tls_set_state(true);
    say(who, "C: set_state(true)", true);
    seen = run_py(who, "seen = h.get_state()\n");
    say(who, "Python on the same thread: get_state() = %s", seen);
    expect(who, "Python get_state() after C set true", seen, true);
    seen = run_py(who, "with h.hermetic():\n    pass\nh.set_state(False)\nseen = h.get_state()\n");
    say(who, "Python: set_state(False), get_state() = %s", seen);
    bool c = hermetic_pyobject_tls_get_state();
    say(who, "C: get_state() = %s", c);
    expect(who, "C get_state() after Python set False", c, false);
    hermetic_pyobject_tls_set_state(true); /* left true: main must not see it */
  }
  seen = run_py(who, "seen = h.have_state()\n");
  say(who, "Python: have_state() = %s", seen);
  expect(who, "Python have_state()", seen, true);

  Py_EndInterpreter(tstate);
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: %s SITE_DIR\n", argv[0]);
    return 2;
  }
  /* The package must load the library this host links, not a second copy. */
  Dl_info info;
  if (!dladdr((void *)hermetic_pyobject_tls_get_state, &info) || info.dli_fname == NULL) {
    fprintf(stderr, "dladdr failed: cannot tell where libhermetic_pyobject_tls is\n");
    return 1;
  }
  char *host_library = realpath(info.dli_fname, NULL);
  if (host_library == NULL) {
    perror(info.dli_fname);
    return 1;
  }
  setenv("HOST_LIBRARY", host_library, 1); /* what each interpreter compares library_path with */
  free(host_library);
  setenv("PYTHONPATH", argv[1], 1);

  hermetic_pyobject_tls_init_state();
  printf("host: CPython %s, library %s (%s)\n", Py_GetVersion(), hermetic_pyobject_tls_version(), info.dli_fname);

  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;
  PyStatus status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    Py_ExitStatusException(status);
  }
  /* The main interpreter sets its (main) thread's flag; the workers' threads
   * must not see it, and what they set must not reach this thread. */
  bool seen = run_py("main", "import hermetic_pyobject_tls as h\nh.set_state(True)\nseen = h.get_state()\n");
  say("main", "Python, main interpreter: set_state(True), get_state() = %s", seen);
  PyThreadState *main_tstate = PyEval_SaveThread();

  pthread_barrier_init(&both_running, NULL, 2);
  struct worker workers[2] = {{"thread A", true}, {"thread B", false}};
  pthread_t threads[2];
  for (int i = 0; i < 2; i++) {
    if (pthread_create(&threads[i], NULL, worker, &workers[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  for (int i = 0; i < 2; i++) {
    pthread_join(threads[i], NULL);
  }
  pthread_barrier_destroy(&both_running);

  PyEval_RestoreThread(main_tstate);
  seen = run_py("main", "seen = h.get_state()\n");
  say("main", "Python, main interpreter, after both threads: get_state() = %s", seen);
  expect("main", "main thread's flag", seen, true);
  bool c = hermetic_pyobject_tls_get_state();
  say("main", "C on the main thread: get_state() = %s", c);
  expect("main", "C main thread's flag", c, true);
  if (Py_FinalizeEx() < 0) {
    failures++;
  }
  if (failures) {
    printf("multi-interpreter: %d mismatch(es)\n", failures);
    return 1;
  }
  printf("multi-interpreter: OK\n");
  return 0;
}
