#!/bin/sh
# check_nproc_first_write.sh HOST LIB: the first write under RLIMIT_NPROC. The
# Go runtime starts 5 threads and aborts the process when it cannot; the
# library checks the headroom first (8 threads) and, short of it, serves the
# writes in C and says so on stderr, once. As a uid of its own (no capabilities, so the
# limit applies) with H threads of headroom: H = 0, 4, 7 must exit 0 with one
# stderr line naming RLIMIT_NPROC and no runtime thread; H = 8 must start the
# runtime, quietly. HOST is test_start (its first-write mode).
# Needs root to switch user: exits 77 (skipped) otherwise.
set -eu
host=$1 lib=$2
if [ "$(id -u)" != 0 ]; then
  echo "check_nproc_first_write: needs root (to run the host as a uid of its own); skipped"
  exit 77
fi
uid=$((200000 + $$ % 100000)) # a real uid of its own: concurrent tests cannot eat its headroom
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-nproc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fail=0
for h in 0 4 7 8; do
  # The limit counts every thread of the real uid: that uid's, plus the host's main thread.
  used=$(cat /proc/[0-9]*/status 2>/dev/null |
    awk -v u="$uid" '/^Uid:/ { uid = $2 } /^Threads:/ && uid == u { n += $2 } END { print n + 0 }')
  limit=$((used + 1 + h))
  set +e
  setpriv --ruid="$uid" --inh-caps=-all --bounding-set=-all -- \
    prlimit --nproc="$limit:$limit" "$host" "$lib" first-write 1 >"$tmp/out" 2>"$tmp/err"
  rc=$?
  set -e
  threads=$(sed -n 's/^threads //p' "$tmp/out")
  lines=$(grep -c 'RLIMIT_NPROC' "$tmp/err" || true)
  echo "headroom $h: exit $rc, ${threads:-?} threads after the write, $lines stderr line(s) naming RLIMIT_NPROC"
  if [ "$rc" != 0 ]; then echo "FAIL: the write did not complete"; cat "$tmp/err"; fail=1; continue; fi
  if [ "$h" -lt 8 ]; then
    [ "$lines" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ "$threads" = 1 ] ||
      { echo "FAIL: want the writes in C, one stderr line and no runtime thread"; cat "$tmp/err"; fail=1; }
  else
    [ ! -s "$tmp/err" ] && [ "$threads" -gt 1 ] ||
      { echo "FAIL: want the runtime started, quietly"; cat "$tmp/err"; fail=1; }
  fi
done
exit $fail
