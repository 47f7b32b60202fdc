#!/bin/sh
# check_load_only.sh PLAIN LINKED C10_LAYER: a process that maps the library
# (linked, or the c10 layer under LD_PRELOAD, which also maps the library)
# and only reads must look like one that does not: the same report line from
# test_load_only (threads, signal mask and actions, unshare(CLONE_NEWUSER)).
set -eu
plain=$1 linked=$2 layer=$3
control=$(env -u LD_PRELOAD "$plain" report)
echo "without the library:      $control" | cut -c1-160
case $control in "threads=1 unshare=ok "*) ;; *) echo "FAIL: the control itself is not one thread with unshare() working"; exit 1 ;; esac
fail=0
for how in linked preload; do
  if [ $how = linked ]; then line=$(env -u LD_PRELOAD "$linked" report); else line=$(LD_PRELOAD=$layer "$plain" report); fi
  echo "$how: $line" | cut -c1-160
  if [ "$line" != "$control" ]; then
    echo "FAIL: $how differs from the control"
    fail=1
  fi
done
exit $fail
