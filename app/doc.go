// Package app is Twofold's desktop interface, built with Fyne.
//
// Every screen is a function of its dependencies (a vault, a clock, a
// clipboard, the settings): see [Deps]. The package never imports
// fyne.io/fyne/v2/app, so its tests run headless with
// fyne.io/fyne/v2/test and need no X server or OpenGL; cmd/twofold owns
// the real application and window.
//
// # Threads
//
// Widgets are touched only on Fyne's goroutine. Work that must not block
// it (key derivation, saving) runs through Deps.Work, and the one way back
// to the widgets from there is [onUI], which wraps fyne.Do. Security key
// operations and the clock check run on their own goroutines (a key
// operation blocks while it waits for a PIN typed in a dialog) and come
// back through Deps.UI, which is onUI unless a test passes a queue that
// it drains on the test goroutine. Timers and the
// once-a-second countdown are scheduled through Deps.Timers, whose
// callbacks also arrive through onUI. The front end's own goroutines
// (signals, the desktop's lock and window-state watchers in cmd/twofold)
// use [OnUI], the same function exported.
//
// Note for reviewers: in the test driver fyne.Do runs the function at
// once, on the calling goroutine, so headless tests cannot catch a widget
// touched from the wrong goroutine. That is why all such updates go
// through onUI (or OnUI) and nowhere else: grep for them when reviewing.
package app
