//go:build !unix

package main

// inForeground: no process groups to share a terminal's signals.
func inForeground() bool { return false }
