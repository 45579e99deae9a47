package app

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// onUI runs f on Fyne's goroutine. It is the only way code running on
// another goroutine (Deps.Work jobs, real timers) may reach a widget.
// In the test driver fyne.Do runs f synchronously (see the package doc).
func onUI(f func()) {
	fyne.Do(f)
	wakeLoop()
}

// OnUI is onUI for the front end's own goroutines (signals, the desktop's
// lock and window-state watchers): every update that reaches Fyne's
// goroutine from elsewhere goes through it, and wakes a parked loop.
func OnUI(f func()) { onUI(f) }

func wakeLoop() {
	if w := wake.Load(); w != nil {
		(*w)()
	}
}

// wake is called after each onUI; see SetWake.
var wake atomic.Pointer[func()]

// SetWake makes every update queued for Fyne's goroutine also call w, so
// an event loop parked while idle (cmd/twofold's idle throttle) runs the
// update at once instead of at its next timeout. w must be safe to call
// from any goroutine. Nil removes it.
func SetWake(w func()) {
	if w == nil {
		wake.Store(nil)
		return
	}
	wake.Store(&w)
}

// animations counts the animations running (busyView's progress bar):
// Fyne advances them on its loop's ticks, so a loop parked while idle
// would freeze them.
var animations atomic.Int32

// Animating reports whether an animation is running, during which an
// event loop must not park (see SetWake).
func Animating() bool { return animations.Load() > 0 }

// Work runs a slow job off the UI goroutine (key derivation, saving).
// The job reports back through onUI.
type Work func(job func())

// GoWork is the real Work: a new goroutine per job.
func GoWork(job func()) { go job() }
