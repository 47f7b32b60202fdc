//go:build !cgo

package hermetic

// This file is built only without cgo (CGO_ENABLED=0, or no C compiler
// for a cross build). The package keeps its state in C (state.c), so it
// cannot work without cgo; the undefined name below makes the build stop
// with a message that says so, instead of "undefined: State".
//
// Build with CGO_ENABLED=1 and a C compiler (gcc or clang on PATH, or
// named by $CC).
var _ = hermetic_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
