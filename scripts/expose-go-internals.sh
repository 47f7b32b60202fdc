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
. "$(dirname "$0")/binutils-for.sh"
binutils_for "$obj" objcopy readelf
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
