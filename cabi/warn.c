// warn.c: the library's one way to speak, for what must not go unnoticed:
// one line on stderr, with write(2) (async-signal-safe, no allocation, no
// stdio lock that the host may hold).
#include <string.h>
#include <unistd.h>

#include "cabi.h"

void hptls_warn(const char *a, const char *b, const char *c) {
  static const char prefix[] = "hermetic_pyobject_tls: ";
  const char *parts[] = {prefix, a, b, c, "\n"};
  for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (!parts[i]) continue;
    size_t n = strlen(parts[i]);
    while (n > 0) {
      ssize_t w = write(2, parts[i], n);
      if (w <= 0) return;
      parts[i] += w;
      n -= (size_t)w;
    }
  }
}
