//go:build !cgo || nogui

package main

// runGUI reports that this build has no window (built with CGO_ENABLED=0
// or the nogui tag, which need no X or OpenGL libraries).
func runGUI(args []string, e env) int {
	printf(e.stderr, "error: this build of twofold has no window (built without cgo or with -tags nogui)\n")
	printf(e.stderr, "hint: use the command line ('twofold help'), or build with cgo: scripts/run.sh\n")
	return 1
}
