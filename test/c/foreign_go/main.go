// Command foreign_go is another program's Go code, built with
// -buildmode=c-archive and linked into the same executable as our static
// archive by test_two_runtimes.c: a second Go runtime whose signal table our
// library must leave alone, and which must not be mistaken for ours.
package main

import "C"

// foreign_go_call makes this runtime do some work on its own goroutine.
//
//export foreign_go_call
func foreign_go_call() C.int {
	done := make(chan int)
	go func() { done <- 42 }()
	return C.int(<-done)
}

func main() {}
