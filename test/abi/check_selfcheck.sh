#!/bin/sh
# check_selfcheck.sh SOURCE_DIR LIBDIR HOST: the guards fail loudly. Copies of
# the built library (LIBDIR: the front and its runtime side) are altered the
# way a Go release could alter what cabi/go_internals.c reads:
#   sigtable   one byte of the SIGSTKFLT entry's name ("stack fault"), so the
#              runtime's signal table no longer matches;
#   dbgvars    the name of the asyncpreemptoff setting, so its effective
#              value cannot be read;
# each in Go's copy of the string only: Go's strings lie end to end, without
# the NUL that ends the C string the library compares them with, or the
# spaces around a word of the library's messages.
# and for each:
#   - the build's own self-check (scripts/build-library.sh check) must fail;
#   - a host that writes (HOST LIB race 2: test_start) must print the
#     library's warning line on stderr, once.
set -eu
src=$1 libdir=$2 host=$3
version=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\([0-9.]*\)"$/\1/p' "$src/include/hermetic_pyobject_tls.h")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-selfcheck.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
for what in none sigtable dbgvars; do
  dir=$tmp/$what
  mkdir "$dir"
  cp "$libdir/libhermetic_pyobject_tls.so.$version" "$libdir/libhermetic_pyobject_tls_go.so.$version" "$dir/"
  ln -s "libhermetic_pyobject_tls.so.$version" "$dir/libhermetic_pyobject_tls.so.${version%%.*}"
  side=$dir/libhermetic_pyobject_tls_go.so.$version
  case $what in
  sigtable) old='SIGSTKFLT: stack fault' new='SIGSTKFLT: stack faulT' warning="signal table is not the one" ;;
  dbgvars) old='asyncpreemptoff' new='asyncpreemptofF' warning="asyncpreemptoff setting was not found" ;;
  none) old= new= warning= ;;
  esac
  if [ -n "$old" ]; then
    python3 - "$side" "$old" "$new" <<'PY'
import re, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
data = open(path, "rb").read()
# Go's copies: not after a space, not before a NUL or a space.
data, n = re.subn(b"(?<! )" + re.escape(old) + b"(?![\\x00 ])", new, data)
assert n >= 1, f"no Go string {old!r} in {path}"
open(path, "wb").write(data)
PY
  fi
  if sh "$src/scripts/build-library.sh" check "$dir" >"$tmp/check.out" 2>&1; then check=passed; else check=failed; fi
  "$host" "$dir/libhermetic_pyobject_tls.so.$version" race 2 >/dev/null 2>"$tmp/host.err" || true
  lines=$(grep -c '^hermetic_pyobject_tls: ' "$tmp/host.err" || true)
  echo "$what: the build's self-check $check; a writing host printed $lines warning line(s)"
  if [ $what = none ]; then
    [ $check = passed ] && [ "$lines" = 0 ] || { echo "FAIL: the unaltered library must pass quietly"; cat "$tmp/check.out" "$tmp/host.err"; fail=1; }
  else
    [ $check = failed ] || { echo "FAIL: the self-check passed a library whose $what does not match"; fail=1; }
    [ "$lines" = 1 ] && grep -q "$warning" "$tmp/host.err" ||
      { echo "FAIL: want one warning line naming '$warning':"; cat "$tmp/host.err"; fail=1; }
    sed 's/^/    /' "$tmp/host.err"
  fi
done
exit $fail
