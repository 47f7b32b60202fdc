#!/bin/sh
# check_archive_exports.sh ARCHIVE: the static archive defines no global
# symbol outside the public prefix hermetic_pyobject_tls_,
# as the shared library's version script ensures for the .so.
set -eu
nm=${NM:-nm}
bad=$("$nm" -g --defined-only "$1" | awk 'NF == 3 && $3 !~ /^hermetic_pyobject_tls_/ { print $3 }' | sort -u)
if [ -n "$bad" ]; then
  echo "global symbols outside hermetic_pyobject_tls_* in $1:" $(echo "$bad" | wc -l)
  echo "$bad" | head -20
  exit 1
fi
echo "$1: every global symbol is hermetic_pyobject_tls_*"
