package hermetic_test

import (
	"fmt"
	"runtime"

	"github.com/hermetic-pyobject-tls/hermetic-pyobject-tls/pkg/hermetic"
)

// Do turns hermetic mode on for the current OS thread while a function runs.
func ExampleDo() {
	hermetic.Do(func() {
		fmt.Println("inside Do:", hermetic.State())
	})
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fmt.Println("after Do:", hermetic.State())
	// Output:
	// inside Do: true
	// after Do: false
}

// The flag belongs to the OS thread: lock the goroutine to read back a write.
func ExampleSetState() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	hermetic.SetState(true)
	fmt.Println(hermetic.State())
	hermetic.SetState(false)
	fmt.Println(hermetic.State())
	// Output:
	// true
	// false
}
