package app

import "time"

// idleLock calls lock once the window has gone unused for limit. It
// keeps one timer, re-armed only when it fires early, so activity costs
// a clock read and nothing more. Elapsed time is measured on the wall
// clock (now), not by the timer, so a machine that slept past the limit
// locks as soon as it is looked at again (see check): times are stripped
// of their monotonic reading, which on Linux stops while the machine
// sleeps (see the time package's doc).
type idleLock struct {
	now    func() time.Time
	timers Timers
	lock   func()
	// probe reports use the window could not tell it of (typing into a
	// field: Fyne hands keys to the focused widget only) since the last
	// probe; nil: none. With a probe the timer looks every quarter of
	// the limit. Such use counts as of the probe before it (the earliest
	// it can have been): continuous typing keeps the vault open, and a
	// vault left alone locks at most a quarter of the limit early, never
	// late (a machine that slept locks on waking, whatever changed).
	probe  func() bool
	probed time.Time
	limit  time.Duration
	last   time.Time
	stop   func()
}

// start arms the timer (limit <= 0: never lock).
func (l *idleLock) start(limit time.Duration) {
	l.halt()
	l.limit, l.last = limit, l.wall()
	if l.probe != nil {
		l.probe() // what is typed from now on counts
		l.probed = l.last
		limit /= 4
	}
	l.arm(limit)
}

func (l *idleLock) arm(d time.Duration) {
	if l.limit > 0 {
		l.stop = l.timers.AfterFunc(d, l.check)
	}
}

// touch records activity.
func (l *idleLock) touch() { l.last = l.wall() }

// wall is now on the wall clock only.
func (l *idleLock) wall() time.Time { return l.now().Round(0) }

// check locks if the window has been idle long enough, else re-arms.
func (l *idleLock) check() {
	l.halt()
	if l.limit <= 0 {
		return
	}
	if l.probe != nil {
		if l.probe() && l.probed.After(l.last) {
			l.last = l.probed
		}
		l.probed = l.wall()
	}
	left := l.limit - l.wall().Sub(l.last)
	if left <= 0 {
		l.limit = 0
		l.lock()
		return
	}
	if l.probe != nil {
		left = min(left, l.limit/4)
	}
	l.arm(left)
}

// halt stops the timer.
func (l *idleLock) halt() {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
}
