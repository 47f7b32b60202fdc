#!/bin/bash
# case_layout.sh: the installed files: library, SONAME and links, the runtime side, headers,
# CMake package, .pc files, the c10 layer, the licence, the Runtime component.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" layout

cd "$libdir"
ls -l
[ -f "$name.so.$HPT_VERSION" ] && [ ! -L "$name.so.$HPT_VERSION" ] || fail "$name.so.$HPT_VERSION is not a regular file"
[ "$(readlink "$name.so.$major")" = "$name.so.$HPT_VERSION" ] || fail "$name.so.$major is not a link to $name.so.$HPT_VERSION"
[ "$(readlink "$name.so")" = "$name.so.$major" ] || fail "$name.so is not a link to $name.so.$major"
soname=$(readelf -d "$name.so.$HPT_VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$name.so.$major" ] || fail "SONAME is '$soname'"
# The runtime side, beside the library, which finds it through RUNPATH $ORIGIN.
[ -f "${name}_go.so.$HPT_VERSION" ] && [ ! -L "${name}_go.so.$HPT_VERSION" ] ||
  fail "${name}_go.so.$HPT_VERSION (the runtime side) is not a regular file beside the library"
runpath=$(readelf -d "$name.so.$HPT_VERSION" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
[ "$runpath" = '$ORIGIN' ] || fail "the library's RUNPATH is '$runpath', not \$ORIGIN"
for f in "$includedir/hermetic_pyobject_tls.h" "$includedir/hermetic_pyobject_tls.hpp" \
         "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" \
         "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfigVersion.cmake" \
         "$libdir/pkgconfig/hermetic_pyobject_tls.pc"; do
  [ -f "$f" ] || fail "missing $f"
done
if [ "$HPT_STATIC" = ON ]; then
  [ -f "$name.a" ] || fail "missing $name.a"
  [ -f "$libdir/pkgconfig/hermetic_pyobject_tls-static.pc" ] || fail "missing hermetic_pyobject_tls-static.pc"
fi
cmp "$includedir/hermetic_pyobject_tls.h" "$HPT_SOURCE_DIR/include/hermetic_pyobject_tls.h"
step "the c10 ABI layer: beside the library, SONAME, RUNPATH \$ORIGIN, finds the installed library"
c10=${name}_c10
[ -f "$c10.so.$HPT_VERSION" ] && [ ! -L "$c10.so.$HPT_VERSION" ] || fail "$c10.so.$HPT_VERSION is not a regular file"
[ "$(readlink "$c10.so.$major")" = "$c10.so.$HPT_VERSION" ] || fail "$c10.so.$major is not a link to $c10.so.$HPT_VERSION"
[ "$(readlink "$c10.so")" = "$c10.so.$major" ] || fail "$c10.so is not a link to $c10.so.$major"
readelf -d "$c10.so.$HPT_VERSION" | grep -E 'SONAME|RUNPATH|NEEDED'
[ "$(readelf -d "$c10.so.$HPT_VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = "$c10.so.$major" ] || fail "$c10 SONAME"
[ "$(readelf -d "$c10.so.$HPT_VERSION" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')" = '$ORIGIN' ] || fail "$c10 RUNPATH"
resolved=$(ldd "$c10.so.$HPT_VERSION" | awk -v n="$name.so.$major" '$1 == n {print $3}')
[ "$resolved" -ef "$libdir/$name.so.$major" ] || fail "$c10 resolves $name.so.$major to '$resolved'"
[ -f "$libdir/pkgconfig/hermetic_pyobject_tls_c10.pc" ] || fail "missing hermetic_pyobject_tls_c10.pc"
step "the licence: LICENSE installed, BSD-3-Clause named in the headers, .pc files and CMake package"
cmp "$prefix/$HPT_LICENSEDIR/LICENSE" "$HPT_SOURCE_DIR/LICENSE"
grep -q '^BSD 3-Clause License$' "$prefix/$HPT_LICENSEDIR/LICENSE" || fail "LICENSE is not the BSD 3-Clause text"
for f in "$includedir/hermetic_pyobject_tls.h" "$includedir/hermetic_pyobject_tls.hpp" \
         "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" "$libdir/pkgconfig"/*.pc; do
  head -1 "$f" | grep -q 'SPDX-License-Identifier: BSD-3-Clause' || fail "$f: no SPDX-License-Identifier on its first line"
done
cmp "$includedir/hermetic_pyobject_tls.hpp" "$HPT_SOURCE_DIR/include/hermetic_pyobject_tls.hpp"
# The installed tree must not point back into the source or build trees.
# (The scratch prefix itself lies in the build tree; the .pc names it.)
cat "$libdir"/cmake/HermeticPyObjectTLS/* "$libdir/pkgconfig/hermetic_pyobject_tls.pc" |
  sed "s|$prefix|<prefix>|g" >"$HPT_WORK_DIR/package-files.txt"
if grep -nF -e "$HPT_BUILD_DIR" -e "$HPT_SOURCE_DIR" "$HPT_WORK_DIR/package-files.txt"; then
  fail "installed package files name the build or source tree"
fi
grep -qx "prefix=$prefix" "$libdir/pkgconfig/hermetic_pyobject_tls.pc" || fail ".pc prefix is not $prefix"
cat "$libdir/pkgconfig/hermetic_pyobject_tls.pc"
step "cmake --install --component Runtime: the shared library, its SONAME link and its runtime side only"
rm -rf "$work/runtime"
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$work/runtime" --component Runtime ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
got=$(cd "$work/runtime" && find . -type f -o -type l | sort | tr '\n' ' ')
[ "$got" = "./$HPT_LIBDIR/$name.so.$major ./$HPT_LIBDIR/$name.so.$HPT_VERSION ./$HPT_LIBDIR/${name}_c10.so.$major ./$HPT_LIBDIR/${name}_c10.so.$HPT_VERSION ./$HPT_LIBDIR/${name}_go.so.$HPT_VERSION ./$HPT_LICENSEDIR/LICENSE " ] ||
  fail "Runtime component: $got"
step "DESTDIR staging: the .pc records the prefix, not DESTDIR"
rm -rf "$work/destdir"
DESTDIR=$work/destdir "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix /opt/hpt ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
grep -qx "prefix=/opt/hpt" "$work/destdir/opt/hpt/$HPT_LIBDIR/pkgconfig/hermetic_pyobject_tls.pc" ||
  fail "DESTDIR install: wrong prefix in the .pc"
[ -L "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so" ] || fail "DESTDIR install: no $name.so link"
echo "layout: OK"

step "docs/consume.md's install table names exactly the files install put in place"
table=$(sed -n 's/^| `\([a-z][^`]*\)` | .* | \(Runtime\|Development\) |$/\1/p' "$HPT_SOURCE_DIR/docs/consume.md" |
  sed "s|^lib/|$HPT_LIBDIR/|; s|^share/licenses/hermetic_pyobject_tls/|$HPT_LICENSEDIR/|; s|^include/|$HPT_INCLUDEDIR/|" | sort)
installed=$(cd "$prefix" && find . -type f -o -type l | sed 's|^\./||' | sort)
if [ "$table" != "$installed" ]; then
  diff <(echo "$table") <(echo "$installed") || true
  fail "docs/consume.md's table (<) and the install (>) differ"
fi
n=$(echo "$installed" | wc -l)
grep -q "installs these $n files" "$HPT_SOURCE_DIR/docs/consume.md" || fail "docs/consume.md does not say 'installs these $n files'"
echo "docs/consume.md: the $n files of the table are the ones installed"
