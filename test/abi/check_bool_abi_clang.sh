#!/bin/sh
# check_bool_abi_clang.sh SOURCE_DIR TEST_BOOL_ABI: builds the library with
# clang -O0, which masks a bool parameter to its lowest bit, and runs the
# bool ABI test against that build: reading set_state's argument by its whole
# byte must not depend on the compiler or the optimization level.
set -eu
src=$1
test_bool_abi=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
CC=${CLANG:-clang} CGO_CFLAGS="-O0 -g" sh "$src/scripts/build-library.sh" shared "$out"
"$test_bool_abi" "$out/libhermetic_pyobject_tls.so"
