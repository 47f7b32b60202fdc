#!/bin/bash
# run_blocks.sh SOURCE_DIR WORK_DIR NAME EXPECTED: runs README.md's quick start
# for one audience as a newcomer would, so that the README's commands cannot
# drift from what works. The shell blocks that follow a line
# `<!-- readme: NAME -->` run in order, in one shell (set -e), in a copy of
# the files git tracks, with /opt/hermetic-pyobject-tls (the README's install
# prefix) replaced by a scratch directory. The output must contain the line
# EXPECTED, the one the README says the last command prints.
set -euo pipefail
src=$(cd "$1" && pwd) work=$2 name=$3 expected=$4
rm -rf "$work"
mkdir -p "$work/tree" "$work/prefix"
(cd "$src" && git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
  tar --null -T - -cf -) | tar -xf - -C "$work/tree"
awk -v want="<!-- readme: $name -->" '
  $0 == want { armed = 1; next }
  armed && /^```sh$/ { inside = 1; next }
  inside && /^```$/ { inside = 0; armed = 0; next }
  inside { print }
' "$src/README.md" | sed "s|/opt/hermetic-pyobject-tls|$work/prefix|g" >"$work/blocks.sh"
[ -s "$work/blocks.sh" ] || { echo "README.md has no block marked <!-- readme: $name -->"; exit 1; }
echo "--- README.md's '$name' commands:"
cat "$work/blocks.sh"
echo "--- running them in $work/tree"
cd "$work/tree"
bash -e "$work/blocks.sh" 2>&1 | tee "$work/output.txt"
grep -qxF -- "$expected" "$work/output.txt" || { echo "FAIL: no line '$expected' in the output"; exit 1; }
echo "--- readme $name: the commands ran and printed '$expected'"
