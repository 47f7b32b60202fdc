// go_internals.c: every place the library reads or writes the Go runtime's
// private internals, and nothing else. Each was read in Go 1.26.8 (go.mod
// asks for 1.25 or later) and checked from 1.25.0 to the newest Go the
// module proxy serves (test/goversions). Each is checked before use, and a
// mismatch is said once on stderr; scripts/build-library.sh runs
// cabi/selfcheck on every library it builds, so a Go release that changes
// one of them fails the build instead of passing unnoticed.
//
//   runtime.sigtable  the signal table (runtime/sigtab_linux_generic.go);
//   runtime.dbgvars   the GODEBUG settings (runtime/runtime1.go), to read
//                     the effective asyncpreemptoff;
//                     both local symbols of go.o, given these names by
//                     scripts/expose-go-internals.sh (objcopy), so that
//                     only our own runtime's are ever found: not another
//                     Go runtime's in the same executable, and nothing of
//                     the host's data is read. Weak references: a plain
//                     `go build ./...` links (a program that does nothing),
//                     and a library built without the script finds neither
//                     and says so;
//   x_crosscall2_ptr  runtime/cgo's pointer through which the thread-exit
//                     destructor (pthread_key_destructor, gcc_libinit.c)
//                     enters Go; a global of runtime/cgo.
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cabi.h"

// --- Readable memory of our own object ------------------------------------

// Whether [p, p+len) lies in a readable segment of the object that holds
// this file (the runtime side's .so, or the executable or .so the static
// archive is linked into): a check before following a pointer found in the
// runtime's data, so that a changed layout is a mismatch, not a crash.
struct span {
  const void *p;
  size_t len;
  int ok;
};

static int in_our_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct span *s = data;
  uintptr_t self = (uintptr_t)&in_our_object, a = (uintptr_t)s->p;
  int ours = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && self >= start && self - start < ph->p_memsz) ours = 1;
  }
  if (!ours) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R) && a >= start && a - start <= ph->p_memsz &&
        s->len <= ph->p_memsz - (a - start))
      s->ok = 1;
  }
  return 1;
}

static int readable(const void *p, size_t len) {
  struct span s = {p, len, 0};
  dl_iterate_phdr(in_our_object, &s);
  return s.ok;
}

// A Go string header.
struct go_string {
  const char *p;
  intptr_t n;
};

static int go_string_is(const struct go_string *s, const char *want) {
  size_t n = strlen(want);
  return s->n == (intptr_t)n && readable(s->p, n) && memcmp(s->p, want, n) == 0;
}

// --- runtime.sigtable -----------------------------------------------------
//
// The runtime never blocks, on a thread it runs, a signal that its table
// marks _SigUnblock (blockableSig, minitSignalMask in runtime/signal_unix.go).
// For the synchronous signals that is needed; for these it is not, in a
// library:
//
//   SIGSTKFLT  unused on Linux;
//   SIGCHLD    Go's own children are waited for with wait4(), and a
//              library never calls signal.Notify;
//   SIGPROF    only runtime/pprof's CPU profiler, which we never start;
//   signal 34  musl's SIGSYNCCALL; under glibc it is SIGRTMIN, the host's.
//
// Cleared before the runtime's initializer runs, the mark never takes
// effect (hostsignals.c step 2).

// runtime.sigTabT: {flags int32; name string}.
struct go_sigtab {
  int32_t flags;
  int32_t pad;
  struct go_string name;
};

enum { // runtime2.go: _SigNotify = 1 << iota, ...
  GO_SIG_NOTIFY = 1 << 0,
  GO_SIG_THROW = 1 << 2,
  GO_SIG_PANIC = 1 << 3,
  GO_SIG_SETSTACK = 1 << 6,
  GO_SIG_UNBLOCK = 1 << 7,
  GO_SIG_IGN = 1 << 8,
  GO_NSIG = 65, // the table's length on Linux
};

extern struct go_sigtab hptls_go_sigtable[] __attribute__((weak)) HPTLS_HIDDEN; // runtime.sigtable

static const struct entry {
  int sig;
  int32_t flags;
  const char *name;
  int patch;
} entries[] = {
    {11, GO_SIG_PANIC | GO_SIG_UNBLOCK, "SIGSEGV: segmentation violation", 0}, // only checked
    {16, GO_SIG_THROW | GO_SIG_UNBLOCK, "SIGSTKFLT: stack fault", 1},
    {17, GO_SIG_NOTIFY | GO_SIG_UNBLOCK | GO_SIG_IGN, "SIGCHLD: child status has changed", 1},
    {27, GO_SIG_NOTIFY | GO_SIG_UNBLOCK, "SIGPROF: profiling alarm clock", 1},
#ifdef __GLIBC__
    {34, GO_SIG_SETSTACK | GO_SIG_UNBLOCK, "signal 34", 1},
#endif
};
enum { ENTRIES = sizeof entries / sizeof entries[0] };

int hptls_sigtable_patch(void) {
  struct go_sigtab *table = hptls_go_sigtable;
  if (!table) return -1;
  if (!readable(table, GO_NSIG * sizeof *table)) return 0;
  for (int i = 0; i < ENTRIES; i++) {
    const struct go_sigtab *e = &table[entries[i].sig];
    if (e->flags != entries[i].flags || e->pad != 0 || !go_string_is(&e->name, entries[i].name))
      return 0; // another layout, flags or order: leave it all alone
  }
  for (int i = 0; i < ENTRIES; i++)
    if (entries[i].patch) table[entries[i].sig].flags &= ~GO_SIG_UNBLOCK;
  return 1;
}

// --- runtime.dbgvars ------------------------------------------------------
//
// []*dbgVar, dbgVar being {name string; value *int32; atomic *atomic.Int32;
// def int32}. The entry named "asyncpreemptoff" points to the int32 the
// runtime reads (debug.asyncpreemptoff), set from the link-time default and
// then GODEBUG by parsedebugvars, before any package init.

struct go_dbgvar {
  struct go_string name;
  int32_t *value;
  void *atomic;
  int32_t def;
};

struct go_slice {
  struct go_dbgvar **p;
  intptr_t len, cap;
};

extern struct go_slice hptls_go_dbgvars __attribute__((weak)) HPTLS_HIDDEN; // runtime.dbgvars

int hptls_runtime_asyncpreemptoff(void) {
  const struct go_slice *vars = &hptls_go_dbgvars;
  if (!vars) return -2;
  if (!readable(vars, sizeof *vars) || vars->len <= 0 || vars->len > vars->cap || vars->len > 256 ||
      !readable(vars->p, (size_t)vars->len * sizeof *vars->p))
    return -1;
  for (intptr_t i = 0; i < vars->len; i++) {
    const struct go_dbgvar *v = vars->p[i];
    if (!readable(v, sizeof *v) || !go_string_is(&v->name, "asyncpreemptoff")) continue;
    if (!v->value || !readable(v->value, sizeof *v->value)) return -1;
    int32_t now = __atomic_load_n(v->value, __ATOMIC_RELAXED);
    return now == 0 || now == 1 ? now : -1;
  }
  return -1;
}

// --- x_crosscall2_ptr -----------------------------------------------------
//
// A C thread that entered Go has one of the runtime's Ms bound to it, and
// Go's thread-exit destructor gives it back by calling into Go through this
// pointer. In a child process (fork, _Fork, clone) that call would run on a
// runtime without its threads and can hang; the wrapper returns there
// without entering Go. It replaces the pointer once, from Go's package init
// (set_crosscall2 runs before it, in runtime.main), before any C thread has
// entered Go, so no destructor can run the old value meanwhile.

extern void (*x_crosscall2_ptr)(void (*fn)(void *), void *, int, size_t);
static void (*go_crosscall2)(void (*fn)(void *), void *, int, size_t);

static void crosscall2_unless_child(void (*fn)(void *), void *a, int c, size_t ctxt) {
  if (hptls_runtime_in_child()) {
    hptls_runtime.new_process();
    return;
  }
  go_crosscall2(fn, a, c, ctxt);
}

int hptls_wrap_crosscall2(void) {
  void (*now)(void (*)(void *), void *, int, size_t) = x_crosscall2_ptr;
  if (!now || now == crosscall2_unless_child) return now != NULL;
  go_crosscall2 = now;
  __atomic_store_n(&x_crosscall2_ptr, crosscall2_unless_child, __ATOMIC_RELEASE);
  return 1;
}
