// test_static_big_data: a host with a large initialized .data, linked with
// the static archive. The library must not read the host's data (it knows
// its runtime's table by name, go_internals.c): before main the process has
// not paged in the 32 MiB array. A search of the writable data for the
// table paged all of it in (RSS +32 MiB).
#include "hermetic_pyobject_tls.h"
#include "testing.h"

enum { BIG = 32 << 20 };
static volatile char host_data[BIG] = {1}; // in .data: initialized, so in the file

int main(void) {
  long rss = rss_kb();
  printf("test_static_big_data: VmRSS at main %ld KiB with a %d MiB .data (limit 16384 KiB)\n", rss, BIG >> 20);
  hermetic_pyobject_tls_set_state(true);
  CHECK(hermetic_pyobject_tls_get_state());
  CHECK(host_data[0] == 1);
  CHECK(rss < 16384);
  return 0;
}
