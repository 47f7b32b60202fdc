#!/bin/bash
# check_hardening.sh LIBRARY HEADER SOURCE_DIR: reads the built library's ELF
# (it never loads it) and fails unless it is hardened:
# - Full RELRO: a GNU_RELRO segment and BIND_NOW (-z relro -z now);
# - a non-executable stack (GNU_STACK without E) and no segment both
#   writable and executable;
# - no text relocations (no TEXTREL);
# - SONAME libhermetic_pyobject_tls.so.MAJOR, MAJOR from the header;
# - exactly the header's functions exported (check_exports.sh);
# - built with -trimpath: no path of the source tree, GOROOT or the module
#   cache inside, and Go's build info says -trimpath=true.
set -eu
lib=$1
header=$2
src=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
go=${GO:-go}
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }

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

major=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION_MAJOR \([0-9]*\)$/\1/p' "$header")
want="libhermetic_pyobject_tls.so.$major"
soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p' <<<"$dynamic")
[ "$soname" = "$want" ] && ok "SONAME $soname" || bad "SONAME '$soname', want '$want'"

if out=$("$here/check_exports.sh" "$lib" "$header"); then ok "$out"; else bad "$out"; fi

for path in "$src" "$("$go" env GOROOT)" "$("$go" env GOMODCACHE)" "$HOME"; do
  [ -n "$path" ] && [ "$path" != / ] || continue
  if grep -qaF "$path" "$lib"; then bad "the library contains the path $path (not trimmed)"; fi
done
[ $fail = 1 ] || ok "no build path inside (source tree, GOROOT, module cache, HOME)"
if "$go" version -m "$lib" | grep -q -- '-trimpath=true'; then
  ok "Go build info: -trimpath=true"
else
  bad "Go build info lacks -trimpath=true"
fi

exit $fail
