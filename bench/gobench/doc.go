// Package gobench holds the Go benchmarks of pkg/hermetic (testing.B, in
// hermetic_bench_test.go) against their floors in ../gofloor: a cgo call of
// an empty C function, and plain Go atomics. bench/run runs them with
// go test -bench; they are in a package of their own so that the library's
// tests stay apart.
package gobench
