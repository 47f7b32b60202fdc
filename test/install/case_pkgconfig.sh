#!/bin/bash
# case_pkgconfig.sh: examples/consumer-pkgconfig and examples/consumer-host through pkg-config,
# shared and static.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" pkgconfig

export PKG_CONFIG_PATH=$libdir/pkgconfig
export PKG_CONFIG="$HPT_PKG_CONFIG"
step "pkg-config: $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls)"
configure "$HPT_SOURCE_DIR/examples/consumer-pkgconfig" "$work/build" \
  -DPKG_CONFIG_EXECUTABLE="$HPT_PKG_CONFIG"
build "$work/build"
for p in consumer_c consumer_cxx; do
  uses_installed_so "$work/build/$p"
  run "$work/build/$p"
done
"$HPT_CMAKE" --install "$work/build"
for p in consumer_c consumer_cxx; do
  uses_installed_so "$work/app/bin/$p"
  run "$work/app/bin/$p"
done
step "plain compiler command lines, library found through LD_LIBRARY_PATH"
src=$HPT_SOURCE_DIR/examples/consumer-host
# shellcheck disable=SC2046 # word splitting of pkg-config output is the point
"$HPT_CC" -std=c11 -Wall -Wextra -Werror "$src/consumer.c" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls) \
  -pthread -o "$work/cc_consumer_c"
# shellcheck disable=SC2046
"$HPT_CXX" -std=c++11 -Wall -Wextra -Werror "$src/consumer.cpp" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls) \
  -pthread -o "$work/cc_consumer_cxx"
for p in cc_consumer_c cc_consumer_cxx; do
  if "$work/$p" >/dev/null 2>&1; then fail "$p ran without LD_LIBRARY_PATH: it has no RUNPATH"; fi
  LD_LIBRARY_PATH=$("$HPT_PKG_CONFIG" --variable=libdir hermetic_pyobject_tls) run "$work/$p"
done
if [ "$HPT_STATIC" = ON ]; then
  step "static archive through hermetic_pyobject_tls-static.pc: $("$HPT_PKG_CONFIG" --libs hermetic_pyobject_tls-static)"
  # shellcheck disable=SC2046
  "$HPT_CC" -std=c11 -Wall -Wextra -Werror "$src/consumer.c" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls-static) \
    -o "$work/cc_consumer_c_static"
  is_static "$work/cc_consumer_c_static"
  run "$work/cc_consumer_c_static"
fi
echo "pkg-config consumer: OK"
