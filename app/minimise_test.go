package app

import (
	"testing"
	"time"
)

// TestNothingTicksWhileMinimised: a minimised window arms no countdown
// and its codes stay as they were; restoring shows the current code at
// once, without waiting for the next second.
func TestNothingTicksWhileMinimised(t *testing.T) {
	h := unlocked(t, githubURI)
	ticking := h.clock.pending()
	before := h.row("GitHub").code.Text
	h.ui.SetMinimised(true)
	if h.clock.pending() != ticking-1 || h.ui.s.main.stopTick != nil {
		t.Fatalf("timers: %d shown, %d minimised: the countdown still ticks", ticking, h.clock.pending())
	}
	h.clock.Advance(75 * time.Second) // two code steps and a half
	if r := h.row("GitHub"); r.code.Text != before || r.left.Text != "30 s" {
		t.Errorf("refreshed while minimised: code %q (was %q), %s left", r.code.Text, before, r.left.Text)
	}

	h.ui.SetMinimised(false)
	r := h.row("GitHub")
	if want := groupCode(expected(t, githubURI, t0.Add(75*time.Second))); r.code.Text != want || r.left.Text != "15 s" {
		t.Errorf("restored: code %q, %s left; want %q, 15 s", r.code.Text, r.left.Text, want)
	}
	h.clock.Advance(5 * time.Second)
	if r.left.Text != "10 s" {
		t.Errorf("countdown %q 5 s after restoring, want 10 s", r.left.Text)
	}
}

// TestMinimisedAndHiddenAreSeparate: minimising leaves the tray's
// Show/Hide alone, and the countdown runs only when the window is
// neither hidden in the tray nor minimised.
func TestMinimisedAndHiddenAreSeparate(t *testing.T) {
	h := unlocked(t, githubURI)
	tray := &trayRecorder{}
	h.ui.AttachTray(tray.options())
	m := h.ui.s.main

	h.ui.SetMinimised(true)
	if got := tray.labels(); got != "Hide Twofold | Lock" || h.ui.hidden {
		t.Errorf("minimised: tray %s, hidden %v", got, h.ui.hidden)
	}
	h.ui.SetHidden(true)
	h.ui.SetHidden(false) // shown from the tray, still minimised
	if m.stopTick != nil {
		t.Error("ticks while minimised after showing from the tray")
	}
	h.ui.SetHidden(true)
	h.ui.SetMinimised(false) // restored while in the tray
	if m.stopTick != nil {
		t.Error("ticks while hidden in the tray after restoring")
	}
	if got := tray.labels(); got != "Show Twofold | Lock" {
		t.Errorf("hidden, restored: tray %s", got)
	}
	h.ui.SetHidden(false)
	if m.stopTick == nil {
		t.Error("no countdown when neither hidden nor minimised")
	}
}

// TestRestoringIsNotActivity: the window manager restoring the window
// does not put off the auto-lock, and a window restored after the
// machine slept past it locks instead of showing codes.
func TestRestoringIsNotActivity(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.SetMinimised(true)
	h.clock.Advance(4 * time.Minute)
	h.ui.SetMinimised(false)
	h.clock.Advance(time.Minute)
	if h.ui.Unlocked() {
		t.Error("not locked 5 idle minutes after unlocking: restoring counted as activity")
	}

	h.unlock(testPassword)
	h.ui.SetMinimised(true)
	h.clock.Jump(time.Hour) // the machine sleeps: no timer fires
	h.ui.SetMinimised(false)
	if h.ui.Unlocked() {
		t.Error("restored after an hour asleep: not locked")
	}
	if n := h.clock.pending(); n != 0 {
		t.Errorf("%d timers left running while locked", n)
	}
}

// TestMinimisedWhileLocked: the state carries over an unlock: a vault
// unlocked in a minimised window does not tick until it is restored.
func TestMinimisedWhileLocked(t *testing.T) {
	h := newHarness(t)
	h.makeVault(githubURI)
	h.open()
	h.ui.SetMinimised(true)
	h.unlock(testPassword)
	if h.ui.s.main.stopTick != nil {
		t.Error("ticks after unlocking a minimised window")
	}
	h.ui.SetMinimised(false)
	if h.ui.s.main.stopTick == nil {
		t.Error("no countdown after restoring")
	}
}

// TestShownFromTrayAfterSleepLocks: "Show" from the tray after the
// machine slept past the auto-lock time locks instead of showing codes
// (the click is activity, but only after the check).
func TestShownFromTrayAfterSleepLocks(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.SetHidden(true)
	h.clock.Jump(time.Hour) // the machine sleeps: no timer fires
	h.ui.SetHidden(false)
	if h.ui.Unlocked() {
		t.Error("shown from the tray after an hour asleep: not locked")
	}
}
