/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hermetic_pyobject_tls._native: the package's native backend, a C extension
 * over the library's C ABI (include/hermetic_pyobject_tls.h).
 *
 * One library copy. This module does not link libhermetic_pyobject_tls: it
 * has no DT_NEEDED on it and no RUNPATH, so loading it can never map a copy.
 * The package's loader (_loader.py) finds the one copy the process must use,
 * under the same rules as ever (a copy already in the process by its SONAME,
 * else one inside another object, else the bundled one or
 * HERMETIC_PYOBJECT_TLS_LIBRARY's), with the dl*() primitives below, and
 * hands bind() the addresses of its four functions. They are kept in one
 * process-wide table, written once: the copy is the process's, so it is the
 * same for every interpreter; a second bind() with other addresses (a second
 * copy) is refused.
 *
 * Interpreters. Multi-phase initialisation, no module state and no static
 * Python object: the table of C function addresses and a per-OS-thread stack
 * of C structs are the only statics. It declares Py_mod_multiple_interpreters
 * = per-interpreter GIL supported (3.12+) and Py_mod_gil = not used (3.13+).
 * Built two ways (python/CMakeLists.txt's target, HermeticPythonWheel.cmake):
 *   - for the stable ABI of 3.8 (Py_LIMITED_API, _native.abi3.so): one file
 *     for every CPython 3.8+ with a GIL. The slots a version does not know
 *     make its import fail ("unknown slot ID"), so PyInit chooses, from the
 *     running interpreter's version, the module definition (and the type's
 *     methods: METH_FASTCALL is in the stable ABI from 3.10) it understands;
 *   - for one free-threaded CPython (3.13t), which has no stable ABI.
 *
 * Speed. get_state/have_state are METH_NOARGS functions that call the
 * library's read (a thread-local load) through the table: the shape of
 * threading.get_ident(). Writes keep the GIL (a write is one call into the
 * library, tens of ns; releasing and taking the GIL back would cost more),
 * except the first write made through this module in the process, which may
 * start the library's Go runtime (about a millisecond): the GIL is released
 * around that one, as ctypes releases it around every call.
 *
 * hermetic(): enter and exit are C methods that run no Python code, so no
 * exception (a signal handler's, a trace function's) and no attribute
 * look-up can come between them and the write. What they do is the
 * per-OS-thread stack described at struct stack below.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef Py_LIMITED_API
/* Not in the 3.8 limited API's headers; used only where the running
 * interpreter has them in its stable ABI (chosen at run time, below). */
#define HPT_METH_FASTCALL 0x0080
#define HPT_MOD_MULTIPLE_INTERPRETERS 3 /* Py_mod_multiple_interpreters, 3.12 */
#define HPT_MOD_PER_INTERPRETER_GIL_SUPPORTED ((void *)2)
#define HPT_MOD_GIL 4 /* Py_mod_gil, 3.13 */
#define HPT_MOD_GIL_NOT_USED ((void *)1)
#else
#if PY_VERSION_HEX < 0x030D0000
#error "the version-specific build is for free-threaded CPython 3.13 and newer; other versions use the abi3 build"
#endif
#define HPT_METH_FASTCALL METH_FASTCALL
#define HPT_MOD_MULTIPLE_INTERPRETERS Py_mod_multiple_interpreters
#define HPT_MOD_PER_INTERPRETER_GIL_SUPPORTED Py_MOD_PER_INTERPRETER_GIL_SUPPORTED
#define HPT_MOD_GIL Py_mod_gil
#define HPT_MOD_GIL_NOT_USED Py_MOD_GIL_NOT_USED
#endif

/* --- the library's functions ------------------------------------------- */

typedef _Bool (*read_fn)(void);
typedef void (*set_fn)(_Bool);
typedef void (*init_fn)(void);

/* Written once, under bind_lock, before any interpreter's package exposes
 * a function that reads it (the import that called bind() happens before
 * any call of the API it returns); never written again. */
static struct {
  read_fn get;
  set_fn set;
  init_fn init;
  read_fn have;
} lib;
static pthread_mutex_t bind_lock = PTHREAD_MUTEX_INITIALIZER;

/* Nonzero once a write made through this module has returned: the library's
 * Go runtime is up (or was never needed: a forked child). */
static int wrote_once;

/* Nonzero on CPython 3.14: hermetic.__enter__ runs pending signal handlers
 * (below). Set by PyInit from the running version, the same for every
 * interpreter of the process. */
static int signals_in_enter;

static PyObject *not_bound(void) {
  PyErr_SetString(PyExc_RuntimeError,
                  "hermetic_pyobject_tls._native is not bound to the library: import hermetic_pyobject_tls, "
                  "which loads the library and binds it");
  return NULL;
}

static void write_state(_Bool on) {
  if (__atomic_load_n(&wrote_once, __ATOMIC_RELAXED)) {
    lib.set(on);
    return;
  }
  Py_BEGIN_ALLOW_THREADS
  lib.set(on);
  Py_END_ALLOW_THREADS
  __atomic_store_n(&wrote_once, 1, __ATOMIC_RELAXED);
}

/* --- the API ------------------------------------------------------------ */

static PyObject *get_state(PyObject *module, PyObject *unused) {
  (void)module, (void)unused;
  read_fn f = lib.get;
  if (__builtin_expect(f == NULL, 0)) return not_bound();
  PyObject *r = f() ? Py_True : Py_False;
  Py_INCREF(r);
  return r;
}

static PyObject *have_state(PyObject *module, PyObject *unused) {
  (void)module, (void)unused;
  read_fn f = lib.have;
  if (__builtin_expect(f == NULL, 0)) return not_bound();
  PyObject *r = f() ? Py_True : Py_False;
  Py_INCREF(r);
  return r;
}

static PyObject *not_a_bool(PyObject *arg) {
  PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(arg), "__qualname__");
  if (name == NULL) return NULL;
  PyObject *repr = PyObject_Repr(name);
  Py_DECREF(name);
  if (repr == NULL) return NULL;
  PyErr_Format(PyExc_TypeError,
               "set_state() takes a bool (True or False), not %U; convert with bool(value) if that is what you mean",
               repr);
  Py_DECREF(repr);
  return NULL;
}

static PyObject *set_state(PyObject *module, PyObject *arg) {
  (void)module;
  if (__builtin_expect(lib.set == NULL, 0)) return not_bound();
  if (arg == Py_True)
    write_state(1);
  else if (arg == Py_False)
    write_state(0);
  else
    return not_a_bool(arg);
  Py_INCREF(Py_None);
  return Py_None;
}

static PyObject *init_state(PyObject *module, PyObject *unused) {
  (void)module, (void)unused;
  init_fn f = lib.init;
  if (f == NULL) return not_bound();
  if (__atomic_load_n(&wrote_once, __ATOMIC_RELAXED)) {
    f();
  } else {
    Py_BEGIN_ALLOW_THREADS
    f();
    Py_END_ALLOW_THREADS
    __atomic_store_n(&wrote_once, 1, __ATOMIC_RELAXED);
  }
  Py_INCREF(Py_None);
  return Py_None;
}

/* --- hermetic(): the per-OS-thread stack ---------------------------------
 *
 * Each __enter__ on a thread pushes an entry (which object, the flag it
 * found) on that thread's stack and turns the flag on; each __exit__ ends
 * the most recent entry of its object on the calling thread:
 *   - the top entry (blocks nested in each other, the usual case): popped,
 *     and the flag set back to the value it found. This is PyTorch's guard
 *     (old = get; set(true); ...; set(old)), exactly;
 *   - an entry below the top (blocks that end out of order: asyncio tasks or
 *     greenlets that switch inside their blocks on one thread): removed
 *     without a write, and the entry above it inherits the value it found.
 *     The flag stays on while a block above is still open, and when the last
 *     block ends the flag gets the value from before the first one began.
 *   - no entry of this object on this thread (its enter ran on another
 *     thread, or this exit came twice): nothing.
 * A write that would not change the flag is not made. Entries hold the
 * object's address, not a reference: an object is alive between its enter
 * and its exit (the with statement holds it), and no Python object is kept
 * past an interpreter's life. The stack is per OS thread, like the flag,
 * whatever interpreter runs on the thread, and freed when the thread exits.
 */
struct entry {
  uintptr_t key;
  unsigned char saved;
};
struct stack {
  size_t n, cap;
  struct entry *e;
};
static _Thread_local struct stack tstack;
static pthread_key_t stack_key;
static pthread_once_t stack_key_once = PTHREAD_ONCE_INIT;
static int stack_key_ok;

static void free_stack(void *e) {
  free(e);
  /* The same thread, during its exit: nothing keeps the freed array. */
  tstack.e = NULL;
  tstack.n = tstack.cap = 0;
}

static void make_stack_key(void) { stack_key_ok = pthread_key_create(&stack_key, free_stack) == 0; }

static int grow(struct stack *s) {
  pthread_once(&stack_key_once, make_stack_key);
  if (!stack_key_ok) return -1;
  size_t cap = s->cap ? s->cap * 2 : 8;
  struct entry *e = realloc(s->e, cap * sizeof *e);
  if (e == NULL) return -1;
  if (pthread_setspecific(stack_key, e) != 0) { /* the thread-exit destructor must see it */
    if (s->e == NULL) free(e);
    else s->e = e;
    return -1;
  }
  s->e = e;
  s->cap = cap;
  return 0;
}

static void hermetic_end(PyObject *self);

static PyObject *hermetic_enter(PyObject *self, PyObject *unused) {
  (void)unused;
  if (__builtin_expect(lib.get == NULL, 0)) return not_bound();
  struct stack *s = &tstack;
  if (s->n == s->cap && grow(s) < 0) return PyErr_NoMemory();
  _Bool found = lib.get();
  s->e[s->n].key = (uintptr_t)self;
  s->e[s->n].saved = found;
  s->n++;
  if (!found) write_state(1);
  /* CPython 3.14 runs pending signal handlers right after a call returns,
   * __enter__'s included, before the with statement's handler is set up:
   * a handler's exception there skips __exit__ (python/cpython#148874,
   * fixed in 3.15). There, run them here instead, where an exception can
   * still end this block: then __enter__ raises it and the flag is as it
   * was. (Elsewhere they run later, inside the block, and __exit__ runs.) */
  if (__atomic_load_n(&signals_in_enter, __ATOMIC_RELAXED) && PyErr_CheckSignals() < 0) {
    hermetic_end(self);
    return NULL;
  }
  Py_INCREF(self);
  return self;
}

static void hermetic_end(PyObject *self) {
  struct stack *s = &tstack;
  size_t i = s->n;
  while (i > 0 && s->e[i - 1].key != (uintptr_t)self) i--;
  if (i == 0) return; /* not entered on this thread */
  i--;
  if (i + 1 == s->n) {
    s->n--;
    _Bool saved = s->e[i].saved;
    if (lib.get() != saved) write_state(saved);
  } else {
    s->e[i + 1].saved = s->e[i].saved;
    memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof s->e[0]);
    s->n--;
  }
}

static PyObject *exit_arity(Py_ssize_t n) {
  PyErr_Format(PyExc_TypeError, "__exit__ takes 3 arguments (exc_type, exc, tb), %zd given", n);
  return NULL;
}

/* 3.10 and newer: METH_FASTCALL, no argument tuple. */
static PyObject *hermetic_exit_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
  (void)args;
  if (__builtin_expect(nargs != 3, 0)) return exit_arity(nargs);
  hermetic_end(self);
  Py_INCREF(Py_None);
  return Py_None;
}

/* 3.8 and 3.9 (abi3 build): METH_VARARGS. */
static PyObject *hermetic_exit_tuple(PyObject *self, PyObject *args) {
  Py_ssize_t n = PyTuple_Size(args);
  if (n != 3) return n < 0 ? NULL : exit_arity(n);
  hermetic_end(self);
  Py_INCREF(Py_None);
  return Py_None;
}

static void hermetic_dealloc(PyObject *self) {
  PyTypeObject *type = Py_TYPE(self);
  freefunc tp_free = (freefunc)PyType_GetSlot(type, Py_tp_free);
  tp_free(self);
  Py_DECREF(type);
}

#define HERMETIC_DOC                                                                                   \
  "hermetic()\n--\n\n"                                                                                 \
  "``with hermetic():`` turns hermetic mode on for the calling OS thread and, when the block ends "    \
  "(also by an exception), sets back the value it found. Nestable, also with the same object; one "    \
  "object may be shared by threads. Blocks that end out of order on one thread (asyncio tasks, "      \
  "greenlets) leave the flag on while any of them is open, and the value from before the first when " \
  "the last ends. __enter__ and __exit__ run no Python code."

#define ENTER_DOC "Turns the flag on for this thread; returns this object."
#define EXIT_DOC "Ends this thread's latest block of this object: sets back the value it found. Returns None."

static PyMethodDef hermetic_methods_fast[] = {
    {"__enter__", (PyCFunction)hermetic_enter, METH_NOARGS, ENTER_DOC},
    {"__exit__", (PyCFunction)(void (*)(void))hermetic_exit_fast, HPT_METH_FASTCALL, EXIT_DOC},
    {NULL, NULL, 0, NULL},
};
static PyMethodDef hermetic_methods_tuple[] = {
    {"__enter__", (PyCFunction)hermetic_enter, METH_NOARGS, ENTER_DOC},
    {"__exit__", (PyCFunction)hermetic_exit_tuple, METH_VARARGS, EXIT_DOC},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot hermetic_slots_fast[] = {
    {Py_tp_methods, hermetic_methods_fast},
    {Py_tp_dealloc, (void *)hermetic_dealloc},
    {Py_tp_doc, (void *)HERMETIC_DOC},
    {0, NULL},
};
static PyType_Slot hermetic_slots_tuple[] = {
    {Py_tp_methods, hermetic_methods_tuple},
    {Py_tp_dealloc, (void *)hermetic_dealloc},
    {Py_tp_doc, (void *)HERMETIC_DOC},
    {0, NULL},
};
static PyType_Spec hermetic_spec_fast = {"hermetic_pyobject_tls.hermetic", sizeof(PyObject), 0,
                                         Py_TPFLAGS_DEFAULT, hermetic_slots_fast};
static PyType_Spec hermetic_spec_tuple = {"hermetic_pyobject_tls.hermetic", sizeof(PyObject), 0,
                                          Py_TPFLAGS_DEFAULT, hermetic_slots_tuple};

/* --- what the loader uses: dl*() and bind() ------------------------------ */

static int as_address(PyObject *o, void **out) {
  void *p = PyLong_AsVoidPtr(o);
  if (p == NULL && PyErr_Occurred()) return 0;
  *out = p;
  return 1;
}

static PyObject *address(const void *p) { return PyLong_FromVoidPtr((void *)p); }

static PyObject *dl_error(const char *fallback) {
  const char *why = dlerror();
  PyErr_SetString(PyExc_OSError, why ? why : fallback);
  return NULL;
}

static PyObject *n_dlopen(PyObject *module, PyObject *args) {
  (void)module;
  PyObject *arg, *path = NULL;
  int flags;
  if (!PyArg_ParseTuple(args, "Oi:dlopen", &arg, &flags)) return NULL;
  const char *name = NULL;
  if (arg != Py_None) {
    if (!PyUnicode_FSConverter(arg, &path)) return NULL;
    name = PyBytes_AsString(path);
    if (name == NULL) {
      Py_DECREF(path);
      return NULL;
    }
  }
  void *h;
  Py_BEGIN_ALLOW_THREADS
  h = dlopen(name, flags);
  Py_END_ALLOW_THREADS
  Py_XDECREF(path);
  if (h == NULL) return dl_error("dlopen failed");
  return address(h);
}

static PyObject *n_dlsym(PyObject *module, PyObject *args) {
  (void)module;
  void *h;
  const char *name;
  if (!PyArg_ParseTuple(args, "O&s:dlsym", as_address, &h, &name)) return NULL;
  dlerror();
  void *p = dlsym(h, name);
  dlerror();
  return address(p);
}

static PyObject *n_dlclose(PyObject *module, PyObject *arg) {
  (void)module;
  void *h;
  if (!as_address(arg, &h)) return NULL;
  if (dlclose(h) != 0) return dl_error("dlclose failed");
  Py_INCREF(Py_None);
  return Py_None;
}

static PyObject *n_dladdr(PyObject *module, PyObject *arg) {
  (void)module;
  void *p;
  if (!as_address(arg, &p)) return NULL;
  Dl_info info;
  if (p == NULL || !dladdr(p, &info) || info.dli_fname == NULL) {
    Py_INCREF(Py_None);
    return Py_None;
  }
  return PyUnicode_DecodeFSDefault(info.dli_fname);
}

/* version_number() and version() of a library the loader checks, by address. */
static PyObject *n_call_uint(PyObject *module, PyObject *arg) {
  (void)module;
  void *p;
  if (!as_address(arg, &p)) return NULL;
  if (p == NULL) return PyErr_Format(PyExc_ValueError, "call_uint: NULL");
  return PyLong_FromUnsignedLong(((unsigned (*)(void))p)());
}

static PyObject *n_call_str(PyObject *module, PyObject *arg) {
  (void)module;
  void *p;
  if (!as_address(arg, &p)) return NULL;
  if (p == NULL) return PyErr_Format(PyExc_ValueError, "call_str: NULL");
  const char *s = ((const char *(*)(void))p)();
  return PyBytes_FromString(s ? s : "");
}

static PyObject *n_bind(PyObject *module, PyObject *args) {
  (void)module;
  void *get, *set, *init, *have;
  if (!PyArg_ParseTuple(args, "O&O&O&O&:bind", as_address, &get, as_address, &set, as_address, &init, as_address,
                        &have))
    return NULL;
  if (!get || !set || !init || !have) return PyErr_Format(PyExc_ValueError, "bind: a NULL function");
  pthread_mutex_lock(&bind_lock);
  int same = 1;
  if (lib.get == NULL) {
    lib.get = (read_fn)get;
    lib.set = (set_fn)set;
    lib.init = (init_fn)init;
    lib.have = (read_fn)have;
  } else {
    same = lib.get == (read_fn)get && lib.set == (set_fn)set && lib.init == (init_fn)init &&
           lib.have == (read_fn)have;
  }
  pthread_mutex_unlock(&bind_lock);
  if (!same) {
    PyErr_SetString(PyExc_ImportError,
                    "hermetic_pyobject_tls: another interpreter of this process bound the package to another copy "
                    "of the library; a process has one copy");
    return NULL;
  }
  Py_INCREF(Py_None);
  return Py_None;
}

static PyMethodDef native_methods[] = {
    {"get_state", get_state, METH_NOARGS, "get_state() -> bool: this OS thread's flag (False until it sets it)."},
    {"set_state", set_state, METH_O, "set_state(state: bool) -> None: this OS thread's flag; only a bool."},
    {"init_state", init_state, METH_NOARGS, "init_state() -> None: have_state() is True from now on, process-wide."},
    {"have_state", have_state, METH_NOARGS, "have_state() -> bool: whether init_state() was called in this process."},
    {"dlopen", n_dlopen, METH_VARARGS, "dlopen(path or None, flags) -> handle (OSError with dlerror())."},
    {"dlsym", n_dlsym, METH_VARARGS, "dlsym(handle, name) -> address, 0 when missing."},
    {"dlclose", n_dlclose, METH_O, "dlclose(handle)."},
    {"dladdr", n_dladdr, METH_O, "dladdr(address) -> the file mapped there, or None."},
    {"call_uint", n_call_uint, METH_O, "call_uint(address) -> the result of unsigned f(void) there."},
    {"call_str", n_call_str, METH_O, "call_str(address) -> the result of const char *f(void) there, as bytes."},
    {"bind", n_bind, METH_VARARGS, "bind(get_state, set_state, init_state, have_state): the library's functions."},
    {NULL, NULL, 0, NULL},
};

/* --- the module ------------------------------------------------------------ */

static int running_minor(void) {
  const char *v = Py_GetVersion(); /* "3.12.1 (main, ..." */
  const char *dot = strchr(v, '.');
  return dot ? atoi(dot + 1) : 0;
}

static int native_exec(PyObject *module) {
  PyObject *type = PyType_FromSpec(running_minor() >= 10 ? &hermetic_spec_fast : &hermetic_spec_tuple);
  if (type == NULL) return -1;
  if (PyModule_AddObject(module, "hermetic", type) < 0) {
    Py_DECREF(type);
    return -1;
  }
  return 0;
}

#define NATIVE_DOC "The native backend of hermetic_pyobject_tls (a C extension); use the package."

static PyModuleDef_Slot slots_38[] = {
    {Py_mod_exec, (void *)native_exec},
    {0, NULL},
};
static PyModuleDef_Slot slots_312[] = {
    {Py_mod_exec, (void *)native_exec},
    {HPT_MOD_MULTIPLE_INTERPRETERS, HPT_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {0, NULL},
};
static PyModuleDef_Slot slots_313[] = {
    {Py_mod_exec, (void *)native_exec},
    {HPT_MOD_MULTIPLE_INTERPRETERS, HPT_MOD_PER_INTERPRETER_GIL_SUPPORTED},
    {HPT_MOD_GIL, HPT_MOD_GIL_NOT_USED},
    {0, NULL},
};

static PyModuleDef def_38 = {PyModuleDef_HEAD_INIT, "_native", NATIVE_DOC, 0, native_methods, slots_38,
                             NULL, NULL, NULL};
static PyModuleDef def_312 = {PyModuleDef_HEAD_INIT, "_native", NATIVE_DOC, 0, native_methods, slots_312,
                              NULL, NULL, NULL};
static PyModuleDef def_313 = {PyModuleDef_HEAD_INIT, "_native", NATIVE_DOC, 0, native_methods, slots_313,
                              NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__native(void) {
#ifdef Py_LIMITED_API
  /* A free-threaded CPython lists .abi3.so among its suffixes but has no
   * stable ABI (its objects are laid out otherwise): refuse, and the package
   * uses ctypes there, or the build made for it. */
  if (strstr(Py_GetVersion(), "free-threading") != NULL) {
    PyErr_SetString(PyExc_ImportError,
                    "hermetic_pyobject_tls._native: this is the abi3 build, for CPython with a GIL; this CPython is "
                    "free-threaded (install the wheel built for it)");
    return NULL;
  }
#endif
  int minor = running_minor();
  __atomic_store_n(&signals_in_enter, minor == 14, __ATOMIC_RELAXED); /* the same value from every interpreter */
  return PyModuleDef_Init(minor >= 13 ? &def_313 : minor >= 12 ? &def_312 : &def_38);
}
