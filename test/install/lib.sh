# lib.sh CASE: what every case of the install-and-consume tests shares (one
# file per case, case_*.sh, sources it with its name): the prefix and the
# paths in it, and the helpers configure, build, run, uses_installed_so,
# is_static, fail and step.
# Environment (set by test/install/CMakeLists.txt):
#   HPT_BUILD_DIR      the library's build tree (already built), HPT_CONFIG its build type
#   HPT_SOURCE_DIR     the library's source tree
#   HPT_WORK_DIR       scratch space; the prefix is HPT_WORK_DIR/prefix
#   HPT_VERSION        PROJECT_VERSION
#   HPT_LIBDIR         CMAKE_INSTALL_LIBDIR, HPT_INCLUDEDIR CMAKE_INSTALL_INCLUDEDIR
#   HPT_LICENSEDIR     where LICENSE is installed (relative to the prefix)
#   HPT_STATIC         ON when the static archive is built and installed
#   HPT_CMAKE, HPT_GENERATOR, HPT_MAKE_PROGRAM, HPT_CC, HPT_CXX, HPT_GO, HPT_PKG_CONFIG
case_=$1
prefix=$HPT_WORK_DIR/prefix
libdir=$prefix/$HPT_LIBDIR
includedir=$prefix/$HPT_INCLUDEDIR
work=$HPT_WORK_DIR/$case_
name=libhermetic_pyobject_tls
major=${HPT_VERSION%%.*}

# Nothing from the caller's environment may steer a consumer to another copy.
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH LD_LIBRARY_PATH CMAKE_GENERATOR CPATH LIBRARY_PATH || true

# find_package searches <prefix>/lib and <prefix>/lib/<arch>; lib64 only on
# platforms that use it (not Debian). Name the package directory otherwise.
find_args=(-DCMAKE_PREFIX_PATH="$prefix")
case $HPT_LIBDIR in
lib | lib/*) ;;
*) find_args+=(-DHermeticPyObjectTLS_DIR="$libdir/cmake/HermeticPyObjectTLS") ;;
esac

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# configure SRC BUILD [cmake args...]: a consumer configured from scratch.
configure() {
  local src=$1 bin=$2
  shift 2
  rm -rf "$bin"
  mkdir -p "$(dirname "$bin")"
  "$HPT_CMAKE" -S "$src" -B "$bin" -G "$HPT_GENERATOR" -DCMAKE_MAKE_PROGRAM="$HPT_MAKE_PROGRAM" \
    -DCMAKE_C_COMPILER="$HPT_CC" -DCMAKE_CXX_COMPILER="$HPT_CXX" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_INSTALL_PREFIX="$work/app" "$@" 2>&1 | tee "$bin.configure.log"
  return "${PIPESTATUS[0]}"
}
build() { "$HPT_CMAKE" --build "$1" --parallel 2; }

# run PROGRAM [WHAT]: runs a host, which must print the project's version and OK,
# and nothing on stderr (the library says there when its runtime side is
# missing and writes are served in C).
run() {
  local out err
  step "run $1"
  err=$work/run.stderr
  out=$("$1" 2>"$err") || { echo "$out"; cat "$err"; fail "$1 exited with $?"; }
  echo "$out"
  [ ! -s "$err" ] || { cat "$err"; fail "$1 wrote on stderr"; }
  grep -qx "header $HPT_VERSION, library $HPT_VERSION" <<<"$out" || fail "$1: expected version $HPT_VERSION"
  grep -qE '^C(\+\+)? host: OK$' <<<"$out" || fail "$1: no OK"
}

# uses_installed_so PROGRAM: the dynamic loader resolves the library to the prefix.
uses_installed_so() {
  local resolved
  resolved=$(ldd "$1" | awk -v n="$name.so.$major" '$1 == n {print $3}')
  echo "$1: $name.so.$major => $resolved"
  [ "$resolved" -ef "$libdir/$name.so.$major" ] || fail "$1 loads '$resolved', not the installed library"
}

# is_static PROGRAM: the Go runtime is inside, no libhermetic_pyobject_tls.so needed.
is_static() {
  local dynamic symbols
  dynamic=$(readelf -d "$1")
  symbols=$(nm "$1")
  ! grep -q "$name" <<<"$dynamic" || fail "$1 needs $name.so"
  grep -q ' T hermetic_pyobject_tls_get_state$' <<<"$symbols" || fail "$1 lacks the library's code"
  echo "$1: linked statically (no NEEDED $name.so)"
}
