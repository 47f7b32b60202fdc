// sigtable_patch.c: the runtime's threads leave the host's signals alone.
//
// The Go runtime never blocks, on a thread it runs, a signal that its table
// (runtime.sigtable, runtime/sigtab_linux_generic.go) marks _SigUnblock
// (blockableSig, minitSignalMask in runtime/signal_unix.go). For the
// synchronous signals that is needed; for these it is not, in a library:
//
//   SIGSTKFLT  unused on Linux;
//   SIGCHLD    Go's own children are waited for with wait4(), and a
//              library never calls signal.Notify;
//   SIGPROF    only runtime/pprof's CPU profiler, which we never start;
//   signal 34  musl's SIGSYNCCALL; under glibc it is SIGRTMIN, the host's.
//
// Left unblocked, a process-directed one that every host thread blocks (to
// take it with sigwait() or signalfd()) is delivered to a runtime thread,
// where its default action runs: SIGCHLD and SIGPROF vanish, SIGRTMIN ends
// the process. Cleared before the runtime's initializer runs, the mark
// never takes effect: the runtime's threads keep them blocked, as every
// other signal of initSigmask (hostsignals.c).
//
// The table is the runtime's own data, and a local symbol: C cannot name
// it. It is found by its contents, in the writable data of the object this
// file is linked into (the library, or the host executable for the static
// archive): the SIGSTKFLT entry, whose name points to readable memory of
// that object, and then SIGSEGV, SIGCHLD, SIGPROF and 34 at their places.
// Each must have the layout, flags and name of runtime/sigtab_linux_generic.go
// (read in Go 1.26.8; go.mod asks for 1.25 or later); nothing is written
// unless every one matches. A Go release that changes them leaves the table
// alone, and c.test_host_signals_{threads,siginfo,reset,eintr} fail on it.
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <string.h>

#include "cabi.h"

// runtime.sigTabT: {flags int32; name string}.
struct go_sigtab {
  int32_t flags;
  int32_t pad;
  const char *name;
  intptr_t name_len;
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

static const struct entry {
  int sig;
  int32_t flags;
  const char *name;
  int patch;
} entries[] = {
    {16, GO_SIG_THROW | GO_SIG_UNBLOCK, "SIGSTKFLT: stack fault", 1}, // the one searched for
    {11, GO_SIG_PANIC | GO_SIG_UNBLOCK, "SIGSEGV: segmentation violation", 0},
    {17, GO_SIG_NOTIFY | GO_SIG_UNBLOCK | GO_SIG_IGN, "SIGCHLD: child status has changed", 1},
    {27, GO_SIG_NOTIFY | GO_SIG_UNBLOCK, "SIGPROF: profiling alarm clock", 1},
#ifdef __GLIBC__
    {34, GO_SIG_SETSTACK | GO_SIG_UNBLOCK, "signal 34", 1},
#endif
};
enum { ENTRIES = sizeof entries / sizeof entries[0], MAX_SEGMENTS = 16 };

// The loaded segments of the object that holds this file.
struct object {
  uintptr_t self;
  int found, n;
  struct {
    uintptr_t start, file_end, mem_end;
    int flags;
  } seg[MAX_SEGMENTS];
  uintptr_t relro_start, relro_end;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct object *o = data;
  int ours = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && o->self >= start && o->self < start + ph->p_memsz) ours = 1;
  }
  if (!ours) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_GNU_RELRO) {
      o->relro_start = start;
      o->relro_end = start + ph->p_memsz;
    } else if (ph->p_type == PT_LOAD && o->n < MAX_SEGMENTS) {
      o->seg[o->n].start = start;
      o->seg[o->n].file_end = start + ph->p_filesz;
      o->seg[o->n].mem_end = start + ph->p_memsz;
      o->seg[o->n].flags = (int)ph->p_flags;
      o->n++;
    }
  }
  o->found = 1;
  return 1;
}

static int readable(const struct object *o, const void *p, size_t len) {
  uintptr_t a = (uintptr_t)p;
  for (int i = 0; i < o->n; i++)
    if ((o->seg[i].flags & PF_R) && a >= o->seg[i].start && a <= o->seg[i].mem_end &&
        len <= o->seg[i].mem_end - a)
      return 1;
  return 0;
}

static int matches(const struct object *o, const struct go_sigtab *e, const struct entry *want) {
  size_t n = strlen(want->name);
  return e->flags == want->flags && e->pad == 0 && e->name_len == (intptr_t)n &&
         readable(o, e->name, n) && memcmp(e->name, want->name, n) == 0;
}

// The table, if every entry matches: its first byte at start.
static struct go_sigtab *table_at(const struct object *o, uintptr_t start, uintptr_t end,
                                  uintptr_t at) {
  uintptr_t base = at - entries[0].sig * sizeof(struct go_sigtab);
  if (at < start + entries[0].sig * sizeof(struct go_sigtab) ||
      end - base < GO_NSIG * sizeof(struct go_sigtab))
    return NULL;
  struct go_sigtab *table = (struct go_sigtab *)base;
  for (int i = 0; i < ENTRIES; i++)
    if (!matches(o, &table[entries[i].sig], &entries[i])) return NULL;
  return table;
}

static struct go_sigtab *find_table(void) {
  struct object o;
  memset(&o, 0, sizeof o);
  o.self = (uintptr_t)&hptls_sigtable_patch;
  if (!dl_iterate_phdr(find_object, &o) || !o.found) return NULL;
  const struct entry *key = &entries[0];
  for (int i = 0; i < o.n; i++) {
    if (!(o.seg[i].flags & PF_W)) continue;
    uintptr_t start = o.seg[i].start, end = o.seg[i].file_end; // initialized data only
    if (o.relro_end > start && o.relro_end <= end) start = o.relro_end; // read-only by now
    start = (start + 7) & ~(uintptr_t)7;
    for (uintptr_t at = start; at + sizeof(struct go_sigtab) <= end; at += 8) {
      const struct go_sigtab *e = (const struct go_sigtab *)at;
      if (e->flags != key->flags || e->name_len != (intptr_t)strlen(key->name)) continue;
      struct go_sigtab *table = table_at(&o, start, end, at);
      if (table) return table;
    }
  }
  return NULL;
}

int hptls_sigtable_patch(void) {
  struct go_sigtab *table = find_table();
  if (!table) return 0;
  for (int i = 0; i < ENTRIES; i++)
    if (entries[i].patch) table[entries[i].sig].flags &= ~GO_SIG_UNBLOCK;
  return 1;
}
