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
	limit  time.Duration
	last   time.Time
	stop   func()
}

// start arms the timer (limit <= 0: never lock).
func (l *idleLock) start(limit time.Duration) {
	l.halt()
	l.limit, l.last = limit, l.wall()
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
	left := l.limit - l.wall().Sub(l.last)
	if left <= 0 {
		l.limit = 0
		l.lock()
		return
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
