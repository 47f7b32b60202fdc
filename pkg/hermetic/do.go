package hermetic

import "runtime"

// Do runs fn with hermetic mode on for the current OS thread and then
// restores the value the thread had before, also when fn panics. The
// goroutine stays locked to its OS thread while fn runs, so everything fn
// does on this goroutine, including calls into C, sees hermetic mode. Calls
// nest.
func Do(fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	previous := State()
	SetState(true)
	defer SetState(previous)
	fn()
}
