package main

import "strings"

// wantsGUI reports whether a command line asks for the window: no
// command at all (`twofold`, `twofold --vault PATH`) or `twofold gui`.
func wantsGUI(args []string) bool {
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "gui":
			return true
		case a == "--vault" || a == "-vault":
			if len(args) < 2 {
				return false
			}
			args = args[2:]
		case strings.HasPrefix(a, "--vault=") || strings.HasPrefix(a, "-vault="):
			args = args[1:]
		default:
			return false
		}
	}
	return true
}
