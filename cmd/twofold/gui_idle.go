//go:build cgo && !nogui

package main

/*
// GLFW, compiled into the binary by github.com/go-gl/glfw (Fyne's desktop
// driver). Declared here rather than called through go-gl's wrappers:
// those collect errors from a channel every thread shares, so a wrapper
// called off the main thread could take, and panic on, an error of
// Fyne's.
void glfwPostEmptyEvent(void);
void glfwWaitEventsTimeout(double timeout);
*/
import "C"

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	twapp "github.com/twofold-app/twofold/app"
)

// Why this file: Fyne 2.8.1's event loop wakes 60 times a second whether
// or not anything happens (a ticker in internal/driver/glfw/loop.go),
// which costs about 2 % of a core on an idle window — four times what a
// tray-resident authenticator should. Fyne has no setting for it. The
// throttle parks that loop, from inside it: a function queued with
// fyne.Do waits until the X connection has something to read (in Go's
// poller, gui_idle_x11.go; elsewhere in glfwWaitEventsTimeout), until
// wake ends the wait, or for the park timeout. Then the loop runs
// normally — GLFW hands Fyne the events, Fyne draws what changed — for a
// short awake window before it parks again.
//
// Every update the app queues for the UI goroutine calls wake (see
// app.SetWake), so the countdown, clipboard clearing and auto-lock run on
// time. Work Fyne queues itself from other goroutines waits for the next
// wake at worst: a single click's delivery after the double-click delay
// (so after input the loop stays awake longer than that delay), and
// tray-menu clicks (so with a tray the park is short).
//
// Measured with scripts/bench-gui.sh (README): a locked window went from
// 1.2–1.9 % of a core to about 0.1 %, and the counting-down window is
// left with about one frame a second.
const (
	// parkWithTray bounds how long a tray-menu click waits to be handled.
	parkWithTray = 0.5 // seconds
	// parkWithoutTray bounds how long Fyne's other queued work waits
	// (theme changes from the desktop settings, say).
	parkWithoutTray = 2.0
	// awakeAfterWake lets the loop draw what a queued update changed: the
	// ticker's pending tick and one more.
	awakeAfterWake = 40 * time.Millisecond
	// awakeAfterInput covers Fyne's double-click delay (300 ms), whose
	// single-click delivery does not wake the loop.
	awakeAfterInput = 600 * time.Millisecond
)

// idleThrottle parks Fyne's event loop while nothing happens.
func newIdleThrottle(tray bool) *idleThrottle {
	if tray {
		return &idleThrottle{timeout: parkWithTray}
	}
	return &idleThrottle{timeout: parkWithoutTray}
}

// idleThrottle parks Fyne's event loop while nothing happens.
type idleThrottle struct {
	timeout float64 // seconds a park may last
	mu      sync.Mutex
	parked  bool // the loop is parked (GLFW is live meanwhile)
	pending bool // an update was queued while the loop was not parked
	woken   bool // wake, not an event, ended the current park
	stopped bool
	// x waits for the X connection in Go (gui_idle_x11.go); nil: park
	// in glfwWaitEventsTimeout. Set at the first park.
	x     *xWait
	xDone bool // x was looked for

}

// start schedules the first park; call it once the window is shown.
func (t *idleThrottle) start() { t.later(awakeAfterInput) }

// stop ends parking: the loop runs as Fyne wrote it, so that it can quit.
func (t *idleThrottle) stop() {
	t.mu.Lock()
	t.stopped = true
	if t.parked {
		t.unpark()
	}
	t.mu.Unlock()
}

// wake makes a parked loop return at once, or the next park not wait.
// Any goroutine may call it.
func (t *idleThrottle) wake() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.parked {
		t.pending = true
		return
	}
	// GLFW cannot be terminated while parked is set: termination runs on
	// the loop's goroutine, which is inside park until it clears parked
	// under this lock. So this call always meets an initialised GLFW.
	t.woken = true
	t.unpark()
}

// unpark ends the current park; call it with mu held while parked.
func (t *idleThrottle) unpark() {
	if t.x != nil {
		t.x.until(time.Now())
		return
	}
	C.glfwPostEmptyEvent()
}

// later queues a park after d, from a timer goroutine (fyne.Do on the
// loop's own goroutine would run it at once, inside the loop's turn).
func (t *idleThrottle) later(d time.Duration) {
	time.AfterFunc(d, func() { fyne.Do(t.park) })
}

// park runs on Fyne's goroutine, between two turns of its loop.
func (t *idleThrottle) park() {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	if t.pending || twapp.Animating() {
		// Something was queued just before: let it run first. Or Fyne is
		// advancing an animation on its ticks: let them come.
		t.pending = false
		t.mu.Unlock()
		t.later(awakeAfterWake)
		return
	}
	if !t.xDone {
		t.x, t.xDone = newXWait(), true
	}
	t.parked, t.woken = true, false
	start := time.Now()
	if t.x != nil {
		t.x.until(start.Add(time.Duration(t.timeout * float64(time.Second)))) // before a wake can set it
	}
	t.mu.Unlock()

	if t.x == nil {
		C.glfwWaitEventsTimeout(C.double(t.timeout))
	} else if err := t.x.wait(); err != nil {
		t.mu.Lock()
		t.x = nil
		t.mu.Unlock()
	}
	elapsed := time.Since(start)

	t.mu.Lock()
	t.parked = false
	woken := t.woken
	t.mu.Unlock()
	if !woken && elapsed < time.Duration(t.timeout*0.9*float64(time.Second)) {
		t.later(awakeAfterInput) // a window event: someone is using it
		return
	}
	t.later(awakeAfterWake)
}
