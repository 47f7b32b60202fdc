// Package gofloor is the floor of the Go benchmarks in ../go: a cgo call of an
// empty C function. Test files cannot use cgo, so it lives here.
package gofloor

/*
static void hptls_gofloor_empty(void) {}
static unsigned hptls_gofloor_zero(void) { return 0; }
*/
import "C"

// Empty makes one cgo call of an empty C function.
func Empty() { C.hptls_gofloor_empty() }

// Zero makes one cgo call of a C function that returns 0, like a read does.
func Zero() bool { return C.hptls_gofloor_zero() != 0 }
