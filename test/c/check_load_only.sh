#!/bin/sh
# check_load_only.sh PLAIN LINKED C10_LAYER: a process that maps the library
# (linked, or the c10 layer under LD_PRELOAD, which also maps the library)
# and only reads must look like one that does not: the same report line from
# test_load_only (threads, signal mask and actions, what unshare(CLONE_NEWUSER)
# says).
set -eu
plain=$1 linked=$2 layer=$3
control=$(env -u LD_PRELOAD "$plain" report)
echo "without the library:      $control" | cut -c1-160
# Where user namespaces are refused to every process (a chroot: EPERM; a
# container's seccomp policy), the control gets that error too: the lines
# must still be equal, and never EINVAL (a multithreaded process's error).
case $control in
"threads=1 unshare=EINVAL "*) echo "FAIL: the control itself gets EINVAL from unshare()"; exit 1 ;;
"threads=1 unshare=ok "*) ;;
"threads=1 "*) echo "note: user namespaces are refused here, library or not; the lines are compared as they are" ;;
*) echo "FAIL: the control itself is not one thread"; exit 1 ;;
esac
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
