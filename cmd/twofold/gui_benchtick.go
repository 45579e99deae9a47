//go:build cgo && !nogui && benchtick

package main

import (
	"os"
	"strconv"
	"time"

	twapp "github.com/twofold-app/twofold/app"
)

// A measuring build, never a release one: with -tags benchtick and
// TWOFOLD_BENCH_TICK_MS=N, whatever the window does once a second (the
// countdown) it does every N ms instead. Each countdown step moves the
// rows' bars, so the window draws one frame per step: at 50 ms, 20 frames
// a second, and the CPU one frame costs stands twenty times above the
// sampling noise of /proc/PID/stat (scripts/bench-gui.sh, README "The
// window"). The codes and seconds shown stay right; only their texts
// change once a second as before.
func init() {
	ms, err := strconv.Atoi(os.Getenv("TWOFOLD_BENCH_TICK_MS"))
	if err != nil || ms <= 0 {
		return
	}
	guiTimers = func() twapp.Timers { return fastTimers{step: time.Duration(ms) * time.Millisecond} }
}

// fastTimers runs once-a-second timers every step.
type fastTimers struct {
	twapp.RealTimers
	step time.Duration
}

func (t fastTimers) Every(d time.Duration, f func()) func() {
	if d == time.Second {
		d = t.step
	}
	return t.RealTimers.Every(d, f)
}
