#!/bin/bash
# go_user_test.sh CASE SOURCE_DIR: what a Go user does with pkg/hermetic,
# step by step as README.md says ("Go" under "Install and use").
#
#   replace    a new module outside the tree, `go mod edit -replace` pointing
#              at SOURCE_DIR, `go mod tidy`, `go run .`
#   workspace  the same module, with `go work init` + `go work use` instead
#   nocgo      CGO_ENABLED=0 go build ./pkg/hermetic fails and says cgo is needed
#
# Environment: GO (default: go), CC (the C compiler cgo uses).
set -euo pipefail

case_=$1
src=$(cd "$2" && pwd)
go=${GO:-go}
module=github.com/hermetic-pyobject-tls/hermetic-pyobject-tls

fail() { echo "FAIL: $*" >&2; exit 1; }
run() { echo "+ $*"; "$@"; }

# new_module DIR: the program a Go user writes (README.md, "Go").
new_module() {
  mkdir -p "$1"
  cd "$1"
  run "$go" mod init example.com/app
  cat >main.go <<'GO'
package main

import (
	"fmt"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

func main() {
	hermetic.Do(func() {
		fmt.Println("inside Do:", hermetic.State())
	})
	hermetic.InitState()
	fmt.Println("have_state:", hermetic.HaveState(), "version:", hermetic.Version)
}
GO
}

# check_run: go run . prints what the program's calls return.
check_run() {
  local out want
  want=$(printf 'inside Do: true\nhave_state: true version: %s' \
    "$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$src/pkg/hermetic/version.go")")
  echo "+ $go run ."
  out=$(CGO_ENABLED=1 "$go" run .) || fail "go run exited with $?"
  echo "$out"
  [ "$out" = "$want" ] || fail "expected:
$want"
}

case $case_ in
replace | workspace)
  # Outside the source tree, so that no go.mod or go.work above it counts.
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/hpt-go-user.XXXXXX")
  trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
  # The clone, where README.md's commands put it: next to the new module.
  ln -s "$src" "$scratch/hermetic-pyobject-tls"
  new_module "$scratch/app"
  if [ "$case_" = replace ]; then
    export GOWORK=off
    run "$go" mod edit -replace "$module=../hermetic-pyobject-tls"
    run "$go" mod tidy
    grep -q "^require $module v0.0.0-" go.mod || { cat go.mod; fail "go mod tidy did not require $module"; }
  else
    run "$go" work init .
    run "$go" work use ../hermetic-pyobject-tls
  fi
  check_run
  echo "$case_: OK"
  ;;

nocgo)
  cd "$src"
  echo "+ CGO_ENABLED=0 $go build ./pkg/hermetic"
  if out=$(CGO_ENABLED=0 "$go" build ./pkg/hermetic 2>&1); then
    echo "$out"
    fail "the package built without cgo"
  fi
  echo "$out"
  grep -q 'hermetic_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler' <<<"$out" ||
    fail "the error does not say that cgo is needed"
  # The message is the first error the user sees.
  first=$(grep -m1 -E '\.go:[0-9]+:[0-9]+: ' <<<"$out")
  grep -q 'hermetic_requires_cgo' <<<"$first" || fail "first error is not the cgo message: $first"
  echo "nocgo: OK"
  ;;

*)
  fail "unknown case $case_"
  ;;
esac
