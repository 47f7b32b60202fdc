#!/bin/bash
# case_subdirectory.sh CASE: examples/consumer-subdirectory: the library through add_subdirectory() and
# FetchContent (a directory, or a URL: CASE is subdirectory, fetchcontent or
# fetchcontent_url).
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" "$1"

args=(-DHERMETIC_PYOBJECT_TLS_SOURCE_DIR="$HPT_SOURCE_DIR" -DGO_EXECUTABLE="$HPT_GO")
[ "$case_" = subdirectory ] || args+=(-DCONSUMER_FETCHCONTENT=ON)
if [ "$case_" = fetchcontent_url ]; then
  # A source tarball of the tree, fetched with FetchContent's URL form as
  # README.md shows it: no CMP0135 (or any other) warning.
  rm -rf "$work" && mkdir -p "$work"
  tarball=$work/hermetic-pyobject-tls-$HPT_VERSION.tar.gz
  tar -czf "$tarball" -C "$HPT_SOURCE_DIR" --exclude=./.git --exclude=./build --exclude='./build-*' \
    --exclude=./.venv --transform "s|^\./|hermetic-pyobject-tls-$HPT_VERSION/|" .
  args+=(-DCONSUMER_FETCHCONTENT_URL="file://$tarball" -DCONSUMER_FETCHCONTENT_URL_HASH="SHA256=$(sha256sum "$tarball" | cut -d' ' -f1)")
fi
configure "$HPT_SOURCE_DIR/examples/consumer-subdirectory" "$work/build" "${args[@]}"
if [ "$case_" = fetchcontent_url ]; then
  [ -f "$work/build/_deps/hermetic_pyobject_tls-src/include/hermetic_pyobject_tls.h" ] || fail "the tarball was not extracted"
  if grep -nE "CMake (Deprecation )?Warning|CMP0135" "$work/build.configure.log"; then
    fail "configuring with the URL form warns"
  fi
fi
build "$work/build"
for p in consumer_c consumer_cxx; do
  run "$work/build/$p"
done
is_static "$work/build/consumer_c_static"
run "$work/build/consumer_c_static"
step "the library's tests and install rules stay out of the parent project"
tests=$(cd "$work/build" && ctest -N | sed -n 's/^Total Tests: //p')
[ "${tests:-0}" = 0 ] || fail "the parent project has $tests tests of the library"
"$HPT_CMAKE" --install "$work/build"
(cd "$work/app" && find . -type f -o -type l | sort) | tee "$work/installed.txt"
[ "$(cat "$work/installed.txt")" = "./bin/consumer_c_static" ] || fail "install installed more than the consumer"
run "$work/app/bin/consumer_c_static"
if [ "$case_" = fetchcontent ]; then
  step "HERMETIC_PYOBJECT_TLS_INSTALL=ON: the parent installs the library too"
  "$HPT_CMAKE" "$work/build" -DHERMETIC_PYOBJECT_TLS_INSTALL=ON >/dev/null
  build "$work/build" >/dev/null
  "$HPT_CMAKE" --install "$work/build" --prefix "$work/app-with-lib" >/dev/null
  for f in "$HPT_LIBDIR/$name.so.$HPT_VERSION" "$HPT_LIBDIR/$name.so" "$HPT_INCLUDEDIR/hermetic_pyobject_tls.h" \
           "$HPT_LIBDIR/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" \
           "$HPT_LIBDIR/pkgconfig/hermetic_pyobject_tls.pc" "$HPT_LICENSEDIR/LICENSE" bin/consumer_c_static; do
    [ -e "$work/app-with-lib/$f" ] || fail "not installed: $f"
  done
fi
echo "$case_ consumer: OK"
