#!/bin/bash
# case_c10.sh: the c10 ABI layer: find_package(... COMPONENTS c10) and pkg-config
# hermetic_pyobject_tls_c10.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" c10

# The c10 ABI layer from the installed prefix: a C host linked through
# find_package(... COMPONENTS c10) and HermeticPyObjectTLS::c10, and one
# through pkg-config hermetic_pyobject_tls_c10; each sets hermetic mode
# through c10's set_state and reads it back through our C ABI.
rm -rf "$work" && mkdir -p "$work/src"
cat >"$work/src/c10_host.c" <<'C'
#include <stdbool.h>
#include <stdio.h>
#include <hermetic_pyobject_tls.h>
void c10_set_state(bool) __asm__("_ZN3c104impl19HermeticPyObjectTLS9set_stateEb");
bool c10_get_tls_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv");
void c10_init_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS10init_stateEv");
extern volatile unsigned char c10_have_state __asm__("_ZN3c104impl19HermeticPyObjectTLS10haveState_E");
int main(void) {
c10_set_state(true);
bool on = hermetic_pyobject_tls_get_state();
hermetic_pyobject_tls_set_state(false);
bool off = c10_get_tls_state();
c10_init_state();
printf("c10 set_state(true) -> get_state %d; set_state(false) -> c10 get_tls_state %d; haveState_ %d have_state %d\n",
       on, off, c10_have_state, hermetic_pyobject_tls_have_state());
return on && !off && c10_have_state == 1 && hermetic_pyobject_tls_have_state() ? 0 : 1;
}
C
cat >"$work/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(c10_consumer C)
find_package(HermeticPyObjectTLS CONFIG REQUIRED COMPONENTS c10)
add_executable(c10_host c10_host.c)
target_link_libraries(c10_host PRIVATE HermeticPyObjectTLS::c10)
CMAKE
configure "$work/src" "$work/build" "${find_args[@]}"
build "$work/build"
uses_installed_so "$work/build/c10_host"
"$work/build/c10_host" || fail "c10_host (CMake) exited with $?"
if [ -n "${HPT_PKG_CONFIG:-}" ]; then
  step "pkg-config hermetic_pyobject_tls_c10"
  flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls_c10)
  echo "pkg-config: $flags"
  # shellcheck disable=SC2086
  "$HPT_CC" "$work/src/c10_host.c" $flags -Wl,-rpath,"$libdir" -o "$work/c10_host_pc"
  uses_installed_so "$work/c10_host_pc"
  "$work/c10_host_pc" || fail "c10_host (pkg-config) exited with $?"
fi
echo "c10: OK"
