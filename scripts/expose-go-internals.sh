#!/bin/sh
# expose-go-internals.sh GO.O: gives the Go runtime internals that
# cabi/go_internals.c reads the names it refers to, in go.o (the Go part of
# go build -buildmode=c-archive), where they are local symbols:
#   runtime.sigtable -> hptls_go_sigtable
#   runtime.dbgvars  -> hptls_go_dbgvars
# Global in go.o only: the runtime side's version script, and the archive's
# final localisation (finish-archive.sh), hide them again. A name a Go release
# no longer has stops the build here, loudly.
# The tools are GNU binutils' for go.o's machine: objcopy and readelf for the
# build machine's own, <triple>-objcopy for another (the portable aarch64
# build: Debian's binutils-aarch64-linux-gnu). Environment: OBJCOPY, READELF.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 GO.O" >&2; exit 2; }
obj=$1
# go.o's machine (ELF e_machine, a 16-bit word at byte 18): 62 x86-64, 183 AArch64.
case $(od -An -tu2 -j18 -N2 "$obj" | tr -d ' ') in
62) triple=x86_64-linux-gnu ;;
183) triple=aarch64-linux-gnu ;;
*) echo "$0: $obj is for a machine this script does not know" >&2; exit 1 ;;
esac
prefix=
[ "$triple" = "$(uname -m)-linux-gnu" ] || prefix=$triple-
objcopy=${OBJCOPY:-${prefix}objcopy}
readelf=${READELF:-readelf}
for tool in "$objcopy" "$readelf"; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "$0: $tool is needed for a library for $triple (Debian: apt-get install binutils${prefix:+-$triple})" >&2
    exit 1
  }
done
args=
for pair in runtime.sigtable=hptls_go_sigtable runtime.dbgvars=hptls_go_dbgvars; do
  go_name=${pair%%=*}
  c_name=${pair#*=}
  if ! "$readelf" -sW "$obj" | awk -v n="$go_name" '$4 == "OBJECT" && $8 == n { found = 1 } END { exit !found }'; then
    echo "$0: $obj has no $go_name: this Go release changed what cabi/go_internals.c reads; update it (go version: $(${GO:-go} version 2>/dev/null))" >&2
    exit 1
  fi
  args="$args --redefine-sym $go_name=$c_name --globalize-symbol=$c_name"
done
# shellcheck disable=SC2086 # the argument list is meant to split
"$objcopy" $args "$obj"
