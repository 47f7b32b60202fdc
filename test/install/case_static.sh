#!/bin/bash
# case_static.sh: examples/consumer-cmake with CONSUMER_STATIC=ON: the static archive.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" static

[ "$HPT_STATIC" = ON ] || { echo "static archive not built"; exit 0; }
configure "$HPT_SOURCE_DIR/examples/consumer-cmake" "$work/build" "${find_args[@]}" -DCONSUMER_STATIC=ON
build "$work/build"
for p in consumer_c consumer_cxx; do
  is_static "$work/build/$p"
  run "$work/build/$p"
done
echo "static consumer: OK"
