#!/bin/sh
# finish-archive.sh IN.a OUT.a: turns the archive of go build -buildmode=c-archive
# into one that behaves like the shared library (docs/reliability.md, "The
# static archive starts like the shared library"):
# - one relocatable object, hermetic_pyobject_tls.o, in which only the
#   public prefix hermetic_pyobject_tls_* stays global: runtime/cgo's fatalf,
#   crosscall2, x_cgo_* and the rest can no longer meet a host's symbols of
#   the same name (what the shared library's version script does);
# - every C file of cabi/ linked in whatever the host refers to (a member of
#   an archive is linked only when referred to);
# - the runtime internals that cabi/go_internals.c reads given their names
#   (scripts/expose-go-internals.sh), before they are made local with the rest;
# - the Go runtime's initializer (the .init_array entry of go.o) moved to
#   priority 102: after cabi's constructor(101) ones, which must run before
#   it, and before the host's ordinary constructors and C++ static
#   initializers, whatever the link order; a write from those then finds the
#   runtime started, as with the shared library.
# The tools are GNU binutils' for go.o's machine: ld, objcopy and ar for the
# build machine's own, <triple>-ld and so on for another (the portable aarch64
# build: Debian's binutils-aarch64-linux-gnu). GNU ld, because the relocatable
# link must allocate the Go runtime's common symbol x_cgo_inittls (-d) to make
# it local, which lld (zig cc) does not do.
# Environment: LD, OBJCOPY, AR override the tools.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IN.a OUT.a" >&2; exit 2; }
in=$1
out=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/hptls-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
in=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")

mkdir "$work/x"
(cd "$work/x" && "${AR:-ar}" x "$in")
members=$("${AR:-ar}" t "$in")
[ -f "$work/x/go.o" ] || { echo "$0: no go.o in $in" >&2; exit 1; }
. "$(dirname "$0")/binutils-for.sh"
binutils_for "$work/x/go.o" ld objcopy ar
sh "$(dirname "$0")/expose-go-internals.sh" "$work/x/go.o"
"$objcopy" --rename-section .init_array=.init_array.00102 \
  --rename-section .rela.init_array=.rela.init_array.00102 "$work/x/go.o"
objs=
for m in $members; do objs="$objs $work/x/$m"; done
# shellcheck disable=SC2086 # word splitting of the member list is meant
"$ld" -r -d -o "$work/hermetic_pyobject_tls.o" $objs
"$objcopy" --wildcard --keep-global-symbol='hermetic_pyobject_tls_*' "$work/hermetic_pyobject_tls.o"
rm -f "$work/out.a"
"$ar" rcsD "$work/out.a" "$work/hermetic_pyobject_tls.o"
mv "$work/out.a" "$out"
