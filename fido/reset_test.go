//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// replugger is a person following Reset's instructions: it unplugs the key
// when told to, and plugs it back in (then runs after, if set).
func replugger(r *fidotest.Rig, u *ui, after func()) *fido.Callbacks {
	cb := u.callbacks()
	record := cb.Progress
	cb.Progress = func(p fido.Progress) {
		record(p)
		switch {
		case p.Step == fido.StepUnplug && p.State == fido.StepStarted:
			r.Unplug()
		case p.Step == fido.StepReplug && p.State == fido.StepStarted:
			r.Replug()
			if after != nil {
				after()
			}
		}
	}
	return cb
}

func steps(u *ui) string {
	var s []string
	for _, p := range u.progress {
		s = append(s, string(p.Step)+"="+p.State.String())
	}
	return strings.Join(s, ", ")
}

func TestReset(t *testing.T) {
	r, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", UserName: "alice", PIN: "1234"})
	u := &ui{}
	if err := d.Reset(context.Background(), fido.ResetOptions{Confirm: fido.ResetConfirmation}, replugger(r, u, nil)); err != nil {
		t.Fatal(err)
	}
	want := "unplug the key=started, unplug the key=ok, plug the key back in=started, plug the key back in=ok, reset the key=started, reset the key=ok"
	if got := steps(u); got != want {
		t.Errorf("steps:\n got %s\nwant %s", got, want)
	}
	if len(u.touches) != 1 || u.done != 1 {
		t.Errorf("touch prompts %q, %d closed", u.touches, u.done)
	}
	if info := mustInfo(t, d); info.PINSet() || info.RemainingResident != 25 {
		t.Errorf("after reset: PIN set %v, free slots %d", info.PINSet(), info.RemainingResident)
	}
}

func TestResetTooLate(t *testing.T) {
	clock := fidotest.NewClock()
	r, d := plug(t, softkey.Config{Now: clock.Now})
	setPIN(t, d, "1234")
	u := &ui{}
	slow := func() { clock.Advance(softkey.ResetWindow + 1) } // the key was plugged in long ago
	err := d.Reset(context.Background(), fido.ResetOptions{Confirm: fido.ResetConfirmation}, replugger(r, u, slow))
	if !errors.Is(err, fido.ErrResetWindow) || !errors.Is(err, fido.ErrNotAllowed) {
		t.Fatalf("got %v", err)
	}
	if _, hint, _ := fido.Explain(err); !strings.Contains(hint, "plug it back in") {
		t.Errorf("hint %q", hint)
	}
	if !strings.HasSuffix(steps(u), "reset the key=failed") {
		t.Errorf("steps %s", steps(u))
	}
	if !mustInfo(t, d).PINSet() {
		t.Error("key reset after all")
	}
}

func TestResetNotConfirmed(t *testing.T) {
	r, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	for _, confirm := range []string{"", "reset", "RESET ", "yes"} {
		u := &ui{}
		err := d.Reset(context.Background(), fido.ResetOptions{Confirm: confirm}, replugger(r, u, nil))
		if !errors.Is(err, fido.ErrResetNotConfirmed) || len(u.progress) != 0 {
			t.Fatalf("%q: %v after %s", confirm, err, steps(u))
		}
	}
	if !mustInfo(t, d).PINSet() {
		t.Error("key reset without confirmation")
	}
}

func TestResetCancelledWhileWaiting(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cb := &fido.Callbacks{Progress: func(p fido.Progress) {
		if p.Step == fido.StepUnplug && p.State == fido.StepStarted {
			cancel() // the person gives up instead of unplugging
		}
	}}
	err := d.Reset(ctx, fido.ResetOptions{Confirm: fido.ResetConfirmation}, cb)
	if !errors.Is(err, fido.ErrCancelled) {
		t.Fatalf("got %v", err)
	}
}

func TestResetAnotherKeyPluggedIn(t *testing.T) {
	r, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	var other *softkey.Server
	cb := &fido.Callbacks{Progress: func(p fido.Progress) {
		switch {
		case p.Step == fido.StepUnplug && p.State == fido.StepStarted:
			r.Unplug()
		case p.Step == fido.StepReplug && p.State == fido.StepStarted:
			var err error
			other, err = softkey.Listen(r.Path(), softkey.New(softkey.Config{AAGUID: [16]byte{1}}))
			if err != nil {
				t.Error(err)
			}
		}
	}}
	err := d.Reset(context.Background(), fido.ResetOptions{Confirm: fido.ResetConfirmation}, cb)
	if other != nil {
		other.Close()
	}
	if !errors.Is(err, fido.ErrKeyChanged) {
		t.Fatalf("got %v", err)
	}
}

func TestResetTouchDenied(t *testing.T) {
	r, d := plug(t, softkey.Config{Presence: softkey.NeverPresent})
	err := d.Reset(context.Background(), fido.ResetOptions{Confirm: fido.ResetConfirmation}, replugger(r, &ui{}, nil))
	if !errors.Is(err, fido.ErrTouchDenied) {
		t.Fatalf("got %v", err)
	}
}
