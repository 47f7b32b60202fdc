#!/bin/bash
# check_exports.sh LIBRARY HEADER: the library's dynamic symbol table must
# define exactly the functions the public header declares, nothing of cgo's
# or Go's own.
set -eu
lib=$1
header=$2
expected=$(grep -o 'hermetic_pyobject_tls_[a-z_]*(' "$header" | tr -d '(' | sort -u)
actual=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u)
if [ "$expected" != "$actual" ]; then
  echo "exports of $lib differ from $header (< header, > library):"
  diff <(echo "$expected") <(echo "$actual") || true
  exit 1
fi
echo "check_exports: $(echo "$actual" | wc -l) symbols, all declared in $(basename "$header")"
