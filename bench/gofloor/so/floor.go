// Command so is the C→Go floor of the benchmarks: one empty //export
// function in a Go c-shared library, built exactly like ours (bench/run passes
// the flags of scripts/build-library.sh: -trimpath, -s -w, a version script,
// a SONAME, relro/now). A C host that calls hptls_floor_empty pays one C→Go
// transition and nothing else.
//
// It is a second Go runtime: never load it into a process that holds our
// library, or into a Go process.
package main

import "C"

//export hptls_floor_empty
func hptls_floor_empty() {}

func main() {}
