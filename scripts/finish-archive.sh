#!/bin/sh
# finish-archive.sh IN.a OUT.a: turns the archive of go build -buildmode=c-archive
# into one that behaves like the shared library (issue 13):
# - one relocatable object, hermetic_pyobject_tls.o, in which only the
#   public prefix hermetic_pyobject_tls_* stays global: runtime/cgo's fatalf,
#   crosscall2, x_cgo_* and the rest can no longer meet a host's symbols of
#   the same name (what the shared library's version script does);
# - every C file of cabi/ linked in whatever the host refers to (a member of
#   an archive is linked only when referred to, so sigpipe.c was not);
# - the Go runtime's initializer (the .init_array entry of go.o) moved to
#   priority 102: after cabi's constructor(101) ones, which must run before
#   it, and before the host's ordinary constructors and C++ static
#   initializers, whatever the link order; a write from those then finds the
#   runtime started, as with the shared library.
# Environment: CC (default: cc), OBJCOPY (default: objcopy), AR (default: ar).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IN.a OUT.a" >&2; exit 2; }
in=$1
out=$2
cc=${CC:-cc}
objcopy=${OBJCOPY:-objcopy}
ar=${AR:-ar}
work=$(mktemp -d "${TMPDIR:-/tmp}/hptls-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
in=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")

mkdir "$work/x"
(cd "$work/x" && "$ar" x "$in")
members=$("$ar" t "$in")
[ -f "$work/x/go.o" ] || { echo "$0: no go.o in $in" >&2; exit 1; }
rename() {
  "$1" --rename-section .init_array=.init_array.00102 \
    --rename-section .rela.init_array=.rela.init_array.00102 "$work/x/go.o"
}
# A cross build (GOARCH other than the host's) may need LLVM's tools: the
# distribution's GNU objcopy and ar often know only the host's ELF machine.
if ! rename "$objcopy" 2>"$work/objcopy.err"; then
  if [ -z "${OBJCOPY:-}" ] && command -v llvm-objcopy >/dev/null 2>&1; then
    objcopy=llvm-objcopy
    [ -n "${AR:-}" ] || ! command -v llvm-ar >/dev/null 2>&1 || ar=llvm-ar
    rename "$objcopy"
  else
    echo "$0: $objcopy cannot rewrite go.o of $in:" >&2
    cat "$work/objcopy.err" >&2
    echo "$0: set OBJCOPY (and AR) to tools for the target, e.g. llvm-objcopy and llvm-ar" >&2
    exit 1
  fi
fi
objs=
for m in $members; do objs="$objs $work/x/$m"; done
# shellcheck disable=SC2086 # word splitting of the member list is meant
$cc -r -nostdlib -Wl,-d -o "$work/hermetic_pyobject_tls.o" $objs
"$objcopy" --wildcard --keep-global-symbol='hermetic_pyobject_tls_*' "$work/hermetic_pyobject_tls.o"
rm -f "$work/out.a"
"$ar" rcsD "$work/out.a" "$work/hermetic_pyobject_tls.o"
mv "$work/out.a" "$out"
