#!/bin/sh
# check_preload_nproc.sh C10_LAYER [CHILDREN [LIMIT]]: the c10 layer under
# LD_PRELOAD is inherited by every child of a shell, make or a compiler
# driver; a child that never writes must not pay for a Go runtime, so that
# RLIMIT_NPROC counts its threads as without the library. As a user of its own
# (no capabilities, so the limit applies) with RLIMIT_NPROC = LIMIT (30), a
# shell starts CHILDREN (8) preloaded children at once; each checks that the
# layer is mapped in it and sleeps a second. All must run. (With a runtime
# started at load, 6 threads each, 8 children need about 48.)
# Needs root to switch user: exits 77 (skipped) otherwise.
set -eu
layer=$1 n=${2:-8} limit=${3:-30}
if [ "$(id -u)" != 0 ]; then
  echo "check_preload_nproc: needs root (to run the children as a uid of its own); skipped"
  exit 77
fi
uid=$((200000 + $$ % 100000)) # a real uid of its own: concurrent tests cannot eat its headroom
group=$uid
busy=$(ps -o nlwp= -u "$uid" 2>/dev/null | awk '{s += $1} END {print s + 0}')
out=$(prlimit --nproc="$limit:$limit" setpriv --reuid="$uid" --regid="$group" --clear-groups sh -c '
  layer=$1 n=$2
  i=0 pids=
  while [ $i -lt "$n" ]; do
    LD_PRELOAD=$layer sh -c "grep -q hermetic_pyobject_tls_c10 /proc/self/maps && exec sleep 1" &
    pids="$pids $!"
    i=$((i + 1))
  done
  ok=0 failed=0
  for p in $pids; do if wait "$p"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi; done
  echo "$ok $failed"
' sh "$layer" "$n" 2>&1) || true
set -- $(echo "$out" | tail -n 1)
ok=${1:-0}
echo "check_preload_nproc: as a uid of its own ($busy threads of theirs already), RLIMIT_NPROC=$limit, $n preloaded children at once: $ok ran"
[ "$ok" = "$n" ] || { echo "FAIL: want $n; the shell said:"; echo "$out"; exit 1; }
