package app

import (
	"sync"
	"time"
)

// Timers schedules callbacks. Callbacks run on the UI goroutine.
type Timers interface {
	// AfterFunc calls f once, d from now.
	AfterFunc(d time.Duration, f func()) (stop func())
	// Every calls f every d, aligned to multiples of d on the wall
	// clock (so a once-a-second countdown flips with the second).
	Every(d time.Duration, f func()) (stop func())
}

// RealTimers are Timers on the system clock.
type RealTimers struct{}

// AfterFunc implements Timers.
func (RealTimers) AfterFunc(d time.Duration, f func()) func() {
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(d, func() {
		onUI(func() {
			mu.Lock()
			s := stopped
			mu.Unlock()
			if !s {
				f()
			}
		})
	})
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
		t.Stop()
	}
}

// Every implements Timers. Each tick is scheduled afresh a few
// milliseconds after the next multiple of d, so ticks never drift away
// from the second boundary where codes change.
func (r RealTimers) Every(d time.Duration, f func()) func() {
	var mu sync.Mutex
	var stop func()
	stopped := false
	var arm func()
	arm = func() {
		wait := d - time.Duration(time.Now().UnixNano()%int64(d)) + 5*time.Millisecond
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		stop = r.AfterFunc(wait, func() {
			f()
			arm()
		})
	}
	arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if stop != nil {
			stop()
		}
	}
}
