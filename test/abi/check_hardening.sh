#!/bin/bash
# check_hardening.sh LIBRARY HEADER SOURCE_DIR: reads the built library's ELF
# files, the front LIBRARY and the runtime side beside it
# (libhermetic_pyobject_tls_go.so.X.Y.Z), without loading them, and fails
# unless both are hardened:
# - Full RELRO: a GNU_RELRO segment and BIND_NOW (-z relro -z now);
# - a non-executable stack (GNU_STACK without E) and no segment both
#   writable and executable;
# - no text relocations (no TEXTREL);
# - never unloaded (FLAGS_1 NODELETE);
# - the front: SONAME libhermetic_pyobject_tls.so.MAJOR, MAJOR from the
#   header, exactly the header's functions exported (check_exports.sh),
#   RUNPATH exactly $ORIGIN (it finds the runtime side there), and nothing
#   of Go in it (`go version -m` finds no build info);
# - the runtime side: SONAME its file name, one export, hptls_runtime, and
#   built with -trimpath (Go's build info says -trimpath=true);
# - no path of the source tree, GOROOT, the module cache or $HOME inside.
set -eu
front=$1
header=$2
src=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-go}
version=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\([0-9.]*\)"$/\1/p' "$header")
major=${version%%.*}
runtime_side=$(dirname "$front")/libhermetic_pyobject_tls_go.so.$version
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }

common() { # common LIB SONAME
  local lib=$1 want=$2 program dynamic stack wx soname path trimmed=1
  echo "$(basename "$lib"):"
  program=$(readelf -lW "$lib")
  dynamic=$(readelf -dW "$lib")

  grep -q '^ *GNU_RELRO ' <<<"$program" && ok "GNU_RELRO segment" || bad "no GNU_RELRO segment"
  if grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*\bNOW\b' <<<"$dynamic"; then
    ok "BIND_NOW (full RELRO)"
  else
    bad "no BIND_NOW: lazy binding, partial RELRO only"
  fi

  stack=$(awk '$1 == "GNU_STACK" {print $7}' <<<"$program")
  if [ -z "$stack" ]; then
    bad "no GNU_STACK header: the loader may make the stack executable"
  elif [[ $stack == *E* ]]; then
    bad "GNU_STACK flags $stack: executable stack"
  else
    ok "GNU_STACK $stack (not executable)"
  fi
  wx=$(awk '$1 == "LOAD" && $7 ~ /W/ && $7 ~ /E/' <<<"$program")
  [ -z "$wx" ] && ok "no writable and executable segment" || bad "writable and executable LOAD segment: $wx"

  if grep -Eq '\(TEXTREL\)|\(FLAGS\).*TEXTREL' <<<"$dynamic"; then
    bad "text relocations (TEXTREL)"
  else
    ok "no TEXTREL"
  fi

  soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p' <<<"$dynamic")
  [ "$soname" = "$want" ] && ok "SONAME $soname" || bad "SONAME '$soname', want '$want'"

  if grep -Eq '\(FLAGS_1\).*\bNODELETE\b' <<<"$dynamic"; then ok "NODELETE"; else bad "no NODELETE: dlclose() would unmap it"; fi

  for path in "$src" "$("$go" env GOROOT)" "$("$go" env GOMODCACHE)" "$HOME"; do
    [ -n "$path" ] && [ "$path" != / ] || continue
    if grep -qaF "$path" "$lib"; then bad "the library contains the path $path (not trimmed)"; trimmed=0; fi
  done
  [ $trimmed = 0 ] || ok "no build path inside (source tree, GOROOT, module cache, HOME)"
}

common "$front" "libhermetic_pyobject_tls.so.$major"
if out=$("$here/check_exports.sh" "$front" "$header"); then ok "$out"; else bad "$out"; fi
runpath=$(readelf -dW "$front" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]$/\1/p')
[ "$runpath" = '$ORIGIN' ] && ok "RUNPATH \$ORIGIN" || bad "RUNPATH '$runpath', want '\$ORIGIN'"
if "$go" version -m "$front" >/dev/null 2>&1; then bad "the front holds Go build info: Go is in it"; else ok "nothing of Go in the front"; fi

common "$runtime_side" "$(basename "$runtime_side")"
exports=$(nm -D --defined-only "$runtime_side" | awk '{print $NF}' | tr '\n' ' ')
[ "$exports" = "hptls_runtime " ] && ok "one export: hptls_runtime" || bad "exports: $exports(want hptls_runtime only)"
if "$go" version -m "$runtime_side" | grep -q -- '-trimpath=true'; then
  ok "Go build info: -trimpath=true"
else
  bad "Go build info lacks -trimpath=true"
fi

exit $fail
