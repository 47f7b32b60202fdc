#!/bin/bash
# check_layer.sh exports|hardening LAYER SOURCE_DIR BINARY_DIR MAJOR: reads
# the c10 layer's ELF (never loads it).
#   exports    the dynamic symbol table defines exactly c10's four symbols,
#              haveState_ a one-byte data object, the three functions code.
#   hardening  full RELRO (GNU_RELRO + BIND_NOW), a non-executable stack, no
#              W+X segment, no TEXTREL, SONAME libhermetic_pyobject_tls_c10.so.MAJOR,
#              NEEDED libhermetic_pyobject_tls.so.MAJOR, RUNPATH exactly $ORIGIN
#              (no RPATH), and no path of the source tree, build tree or HOME.
set -eu
mode=$1 lib=$2 src=$3 bin=$4 major=$5
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }

case $mode in
exports)
  want='_ZN3c104impl19HermeticPyObjectTLS10haveState_E 1 B
_ZN3c104impl19HermeticPyObjectTLS10init_stateEv T
_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv T
_ZN3c104impl19HermeticPyObjectTLS9set_stateEb T'
  # name, size (objects only) and type of every defined dynamic symbol
  got=$(nm -D --defined-only -S "$lib" | while read -r _addr size type name; do
    if [ "$type" = T ]; then echo "$name T"; else echo "$name $((16#$size)) $type"; fi
  done | sort)
  if [ "$got" = "$want" ]; then
    ok "exactly the four c10::impl::HermeticPyObjectTLS symbols (haveState_: 1-byte object)"
  else
    bad "dynamic symbols differ (< wanted, > library):"
    diff <(echo "$want") <(echo "$got") || true
  fi
  ;;
hardening)
  program=$(readelf -lW "$lib")
  dynamic=$(readelf -dW "$lib")
  grep -q '^ *GNU_RELRO ' <<<"$program" && ok "GNU_RELRO segment" || bad "no GNU_RELRO segment"
  grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*\bNOW\b' <<<"$dynamic" && ok "BIND_NOW" || bad "no BIND_NOW"
  stack=$(awk '$1 == "GNU_STACK" {print $7}' <<<"$program")
  if [ -z "$stack" ] || [[ $stack == *E* ]]; then bad "GNU_STACK '$stack'"; else ok "GNU_STACK $stack"; fi
  wx=$(awk '$1 == "LOAD" && $7 ~ /W/ && $7 ~ /E/' <<<"$program")
  [ -z "$wx" ] && ok "no W+X segment" || bad "W+X LOAD segment: $wx"
  grep -Eq '\(TEXTREL\)|\(FLAGS\).*TEXTREL' <<<"$dynamic" && bad "TEXTREL" || ok "no TEXTREL"
  soname=$(sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p' <<<"$dynamic")
  [ "$soname" = "libhermetic_pyobject_tls_c10.so.$major" ] && ok "SONAME $soname" || bad "SONAME '$soname'"
  needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' <<<"$dynamic" | tr '\n' ' ')
  [[ " $needed" == *" libhermetic_pyobject_tls.so.$major "* ]] && ok "NEEDED $needed" ||
    bad "NEEDED '$needed' lacks libhermetic_pyobject_tls.so.$major"
  runpath=$(sed -n 's/.*(RUNPATH).*\[\(.*\)\]$/\1/p' <<<"$dynamic")
  [ "$runpath" = '$ORIGIN' ] && ok "RUNPATH \$ORIGIN" || bad "RUNPATH '$runpath', want \$ORIGIN"
  grep -q '(RPATH)' <<<"$dynamic" && bad "a DT_RPATH too" || ok "no DT_RPATH"
  for path in "$(cd "$src" && pwd)" "$(cd "$bin" && pwd)" "$HOME"; do
    [ -n "$path" ] && [ "$path" != / ] || continue
    if grep -qaF "$path" "$lib"; then bad "contains the path $path"; fi
  done
  ok "path check done"
  ;;
*)
  echo "usage: check_layer.sh exports|hardening LAYER SOURCE_DIR BINARY_DIR MAJOR" >&2
  exit 2
  ;;
esac
exit $fail
