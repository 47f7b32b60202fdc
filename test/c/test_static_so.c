// test_static_so LIBRARY: dlopen()s a shared library built from the static
// archive whose constructor writes (static_user.c); the write must complete
// and be seen. Runs under a CTest timeout: a hang fails.
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  int *ok = dlsym(handle, "static_user_constructor_ok");
  printf("test_static_so: the constructor's write %s\n", ok && *ok ? "completed" : "FAILED");
  return ok && *ok ? 0 : 1;
}
