//go:build cgo && !nogui

package main

import twapp "github.com/twofold-app/twofold/app"

// guiTimers are the window's timers: the system clock's, unless a
// benchmark build (-tags benchtick, gui_benchtick.go) replaces them.
var guiTimers = func() twapp.Timers { return twapp.RealTimers{} }
