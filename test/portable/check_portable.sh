#!/bin/bash
# check_portable.sh ARCH FILE... : reads each ELF FILE (never runs or loads
# it) and fails unless it is fit to ship as a portable ARCH binary:
# - its ELF machine is ARCH (x86_64 or aarch64);
# - the highest GLIBC_ symbol version it needs, if any, is 2.17 or lower (glibc 2.17,
#   CentOS 7 / manylinux2014, is the floor the portable builds promise);
# - stripped like the native build: no .symtab, no .debug_* sections; and a
#   GNU build ID, as the native build has;
# - full RELRO (GNU_RELRO and BIND_NOW), a non-executable stack, no segment
#   both writable and executable, no TEXTREL.
# An archive (.a) is checked member by member for its machine; it must be the
# one object scripts/finish-archive.sh makes, with only the public prefix global. Its glibc needs are those of
# the host that links it: pass such a host (test_state_static) as
# --host FILE, which checks only its machine and its glibc needs (a test
# host is not a shipped binary: neither stripped nor given a build ID).
# --version-script MAP FILE: also, every symbol the shared library FILE
# defines in its dynamic symbol table must match MAP's global: patterns (and
# MAP's symbols carry no version, so no version definitions either).
set -eu
arch=$1
shift
case $arch in
x86_64) machine='Advanced Micro Devices X86-64' ;;
aarch64) machine='AArch64' ;;
*) echo "check_portable: unknown ARCH $arch" >&2; exit 2 ;;
esac
fail=0
bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok:   $*"; }

check_elf() {
  local f=$1 host=$2 map=$3 name
  name=$(basename "$f")
  local header sections program dynamic
  header=$(readelf -hW "$f")
  sections=$(readelf -SW "$f")
  program=$(readelf -lW "$f")
  dynamic=$(readelf -dW "$f")
  grep -q "Machine: *$machine\$" <<<"$header" && ok "$name: $arch" || bad "$name: machine $(sed -n 's/ *Machine: *//p' <<<"$header"), want $arch"

  local versions highest
  versions=$(readelf -VW "$f" | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: GLIBC_//' | sort -uV)
  highest=$(tail -n1 <<<"$versions")
  if [ -z "$highest" ]; then
    ok "$name: needs no GLIBC_ symbol version at all (a library whose only NEEDED is ours can)"
  elif [ "$(printf '%s\n2.17\n' "$highest" | sort -V | tail -n1)" = 2.17 ]; then
    ok "$name: highest GLIBC_ version needed $highest (<= 2.17): $(echo $versions)"
  else
    bad "$name: needs GLIBC_$highest (> 2.17): $(echo $versions)"
  fi
  [ "$host" = 0 ] || return 0

  if grep -Eq ' \.symtab | \.z?debug_' <<<"$sections"; then
    bad "$name: not stripped: $(grep -Eo ' \.symtab | \.z?debug_[a-z_]*' <<<"$sections" | tr -d ' ' | tr '\n' ' ')"
  else
    ok "$name: stripped (no .symtab, no .debug_*)"
  fi
  readelf -nW "$f" | grep -q 'NT_GNU_BUILD_ID' && ok "$name: GNU build ID" || bad "$name: no GNU build ID"

  grep -q '^ *GNU_RELRO ' <<<"$program" && ok "$name: GNU_RELRO" || bad "$name: no GNU_RELRO segment"
  if grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*\bNOW\b' <<<"$dynamic"; then ok "$name: BIND_NOW"; else bad "$name: no BIND_NOW"; fi
  local stack wx
  stack=$(awk '$1 == "GNU_STACK" {print $7}' <<<"$program")
  if [ -z "$stack" ] || [[ $stack == *E* ]]; then bad "$name: GNU_STACK '$stack' (executable stack)"; else ok "$name: GNU_STACK $stack (NX)"; fi
  wx=$(awk '$1 == "LOAD" && $7 ~ /W/ && $7 ~ /E/' <<<"$program")
  [ -z "$wx" ] && ok "$name: no W+X segment" || bad "$name: W+X LOAD segment: $wx"
  if grep -Eq '\(TEXTREL\)|\(FLAGS\).*TEXTREL' <<<"$dynamic"; then bad "$name: TEXTREL"; else ok "$name: no TEXTREL"; fi

  if [ -n "$map" ] && grep -q '(SONAME)' <<<"$dynamic"; then
    local patterns defined stray
    patterns=$(sed -n '/global:/,/local:/p' "$map" | grep -o '[A-Za-z_][A-Za-z0-9_*]*;' | tr -d ';')
    defined=$(readelf --dyn-syms -W "$f" | awk 'NR > 3 && $7 != "UND" && $5 != "LOCAL" && $8 != "" {print $8}' | sed 's/@.*//' | sort -u)
    stray=
    for s in $defined; do
      m=0
      for p in $patterns; do
        # shellcheck disable=SC2053
        [[ $s == $p ]] && m=1
      done
      [ $m = 1 ] || stray="$stray $s"
    done
    [ -z "$defined" ] && bad "$name: defines no dynamic symbol"
    [ -z "$stray" ] && ok "$name: version script: all $(wc -w <<<"$defined") exported symbols match $(basename "$map")'s global: $(echo $patterns)" ||
      bad "$name: exports symbols outside $(basename "$map"):$stray"
    if readelf -SW "$f" | grep -q '\.gnu\.version_d'; then bad "$name: defines symbol versions, $(basename "$map") has none"; fi
  fi
}

check_archive() {
  local f=$1 name tmp
  name=$(basename "$f")
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-ar.XXXXXX")
  (cd "$tmp" && ar x "$f")
  local n=0 wrong=0 m
  for o in "$tmp"/*.o; do
    n=$((n + 1))
    readelf -hW "$o" | grep -q "Machine: *$machine\$" || wrong=$((wrong + 1))
  done
  [ $n -gt 0 ] && [ $wrong = 0 ] && ok "$name: $n members, all $arch" || bad "$name: $wrong of $n members not $arch"
  # scripts/finish-archive.sh merges the archive into one object in which
  # only the public prefix stays global, as in the native archive.
  if [ ! -f "$tmp/hermetic_pyobject_tls.o" ] || [ $n != 1 ]; then
    bad "$name: not the one member hermetic_pyobject_tls.o (scripts/finish-archive.sh)"
  elif m=$(readelf -sW "$tmp/hermetic_pyobject_tls.o" |
      awk '$5 == "GLOBAL" && $7 != "UND" && $8 !~ /^hermetic_pyobject_tls_/ { print $8 }') && [ -n "$m" ]; then
    bad "$name: global symbols outside the public prefix:$(echo $m)"
  else
    ok "$name: one object, only hermetic_pyobject_tls_* global"
  fi
  rm -rf "$tmp"
}

[ $# -gt 0 ] || { echo "usage: $0 ARCH [--host|--version-script MAP] FILE..." >&2; exit 2; }
host=0
map=
while [ $# -gt 0 ]; do
  case $1 in
  --host) host=1; shift; continue ;;
  --version-script) map=$2; shift 2; continue ;;
  esac
  f=$1
  shift
  [ -f "$f" ] || { bad "$f: no such file"; host=0; map=; continue; }
  f=$(readlink -f "$f")
  case $f in
  *.a) check_archive "$f" ;;
  *) check_elf "$f" $host "$map" ;;
  esac
  host=0
  map=
done
exit $fail
