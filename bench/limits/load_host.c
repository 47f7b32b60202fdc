// load_host: loads the library at run time and makes one write (which starts
// the Go runtime), then exits 0.
// bench/limits/run starts it under a low RLIMIT_NPROC to see how much thread
// headroom the first write needs (docs/reliability.md, "RLIMIT_NPROC").
//
//   load_host PATH_TO_LIBRARY
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PATH_TO_LIBRARY\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  void (*set_state)(bool) = (void (*)(bool))dlsym(lib, "hermetic_pyobject_tls_set_state");
  if (!set_state) {
    fprintf(stderr, "dlsym: %s\n", dlerror());
    return 1;
  }
  set_state(true);
  puts("loaded and wrote");
  return 0;
}
