//go:build !hptls_runtime_side

package main

// The static archive holds the front too, and the storage it serves reads
// from: pkg/hermetic's state.c. (The runtime side has no storage of its own:
// the front hands it the address of each word it writes.)
import _ "github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
