//go:build !hptls_runtime_side

// start_linked.c: the static archive, where the runtime side is linked into
// the same object and its runtime starts while the host starts: the
// runtime's initializer runs at priority 102 (scripts/finish-archive.sh),
// after the runtime side's priority-101 constructors and before any
// ordinary constructor or C++ static initializer of the host, whatever the
// link order. A write before that (a .preinit_array entry, a host
// constructor of priority 101 or less) has no runtime to enter and nothing
// else runs yet: it is served in C. (The front library starts its runtime
// on demand instead: start_on_demand.c.)
#include "cabi.h"

int hptls_start_runtime(void) {
  return 0; // not yet: runtime_started() below has not run
}

// Priority 103: right after the runtime's initializer.
__attribute__((constructor(103))) static void runtime_started(void) {
  hptls_publish(&hptls_runtime);
}
