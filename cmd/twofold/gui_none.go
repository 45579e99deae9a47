//go:build !cgo || nogui

package main

import "fmt"

// runGUI reports that this build has no window (built with CGO_ENABLED=0
// or the nogui tag, which need no X or OpenGL libraries).
func runGUI(args []string, e env) int {
	fmt.Fprintln(e.stderr, "error: this build of twofold has no window (built without cgo or with -tags nogui)")
	fmt.Fprintln(e.stderr, "hint: use the command line ('twofold help'), or build with cgo: scripts/run.sh")
	return 1
}
