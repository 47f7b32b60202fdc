#!/bin/bash
# check_reproducible.sh SOURCE_DIR [LIBRARY]: two clean builds give
# byte-identical libraries. The files git tracks under SOURCE_DIR (as they
# are in the work tree) are copied into two different temporary trees; each
# is built with scripts/build-library.sh into its own output folder, the
# first with an empty Go build cache, the second with the user's. The two
# fronts and the two runtime sides, and LIBRARY when given (the front CMake
# built) with the runtime side beside it, must be equal.
set -eu
src=$(cd "$1" && pwd)
lib=${2:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-repro.XXXXXX")
cleanup() { chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
version=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\([0-9.]*\)"$/\1/p' "$src/include/hermetic_pyobject_tls.h")

copy() {
  mkdir -p "$2"
  (cd "$1" && git ls-files -z -- cabi pkg internal include scripts go.mod go.sum |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -xf - -C "$2"
}
copy "$src" "$tmp/tree-one/src"
copy "$src" "$tmp/second-tree/x/src"

GOCACHE=$tmp/gocache GOFLAGS=-modcacherw sh "$tmp/tree-one/src/scripts/build-library.sh" shared "$tmp/out-a"
sh "$tmp/second-tree/x/src/scripts/build-library.sh" shared "$tmp/out-b"

fail=0
for so in libhermetic_pyobject_tls.so.$version libhermetic_pyobject_tls_go.so.$version; do
  a=$tmp/out-a/$so
  b=$tmp/out-b/$so
  echo "$so"
  echo "  build one (empty Go cache): $(sha256sum <"$a" | cut -c1-16) $(stat -c %s "$a") bytes"
  echo "  build two (warm Go cache):  $(sha256sum <"$b" | cut -c1-16) $(stat -c %s "$b") bytes"
  cmp "$a" "$b" || { echo "FAIL: the two clean builds differ"; fail=1; }
  if [ -n "$lib" ]; then
    theirs=$(dirname "$lib")/$so
    echo "  CMake's build:              $(sha256sum <"$theirs" | cut -c1-16) $(stat -c %s "$theirs") bytes"
    cmp "$a" "$theirs" || { echo "FAIL: CMake's $so differs from the clean builds"; fail=1; }
  fi
done
[ $fail = 0 ] && echo "check_reproducible: byte-identical"
exit $fail
