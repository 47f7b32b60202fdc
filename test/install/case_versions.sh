#!/bin/bash
# case_versions.sh: pkg-config and the CMake package report the version, and another major
# version is refused.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" versions

# 1. the installed header
header=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\(.*\)"$/\1/p' "$includedir/hermetic_pyobject_tls.h")
# 2. the CMake package's version file, evaluated the way find_package does
config=$("$HPT_CMAKE" -DFILE="$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfigVersion.cmake" \
           -DVERSION="$HPT_VERSION" -P "$HPT_SOURCE_DIR/test/install/check_version_file.cmake")
# 3. the .pc file
pc=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --modversion hermetic_pyobject_tls)
pc_static=$pc
if [ "$HPT_STATIC" = ON ]; then
  pc_static=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --modversion hermetic_pyobject_tls-static)
fi
# 4. hermetic_pyobject_tls_version() of the installed library, at run time
mkdir -p "$work"
cat >"$work/version.c" <<'C'
#include <stdio.h>
#include <hermetic_pyobject_tls.h>
int main(void) {
printf("%s %u\n", hermetic_pyobject_tls_version(), hermetic_pyobject_tls_version_number());
return 0;
}
C
"$HPT_CC" -I"$includedir" "$work/version.c" -L"$libdir" -lhermetic_pyobject_tls -o "$work/version"
read -r runtime number < <(LD_LIBRARY_PATH=$libdir "$work/version")
IFS=. read -r ma mi pa <<<"$HPT_VERSION"
printf '%-28s %s\n' "project (PROJECT_VERSION)" "$HPT_VERSION" "installed header" "$header" \
  "CMake config version file" "$config" "pkg-config --modversion" "$pc" "... -static (if built)" "$pc_static" \
  "hermetic_pyobject_tls_version()" "$runtime" "..._version_number()" "$number"
for v in "$header" "$config" "$pc" "$pc_static" "$runtime"; do
  [ "$v" = "$HPT_VERSION" ] || fail "versions differ"
done
[ "$number" = $((ma * 10000 + mi * 100 + pa)) ] || fail "version number $number"
echo "versions: all $HPT_VERSION"
