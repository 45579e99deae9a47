//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

func states(r *fido.TestReport) string {
	var s []string
	for _, p := range r.Steps {
		s = append(s, string(p.Step)+"="+p.State.String())
	}
	return strings.Join(s, ", ")
}

func TestTestKey(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	u := &ui{}
	rep, err := d.Test(context.Background(), fido.TestOptions{}, u.callbacks())
	if err != nil {
		t.Fatal(err)
	}
	want := "read key info=ok, register a test credential=ok, verify attestation=ok, sign with the credential=ok, verify the signature=ok"
	if got := states(rep); got != want || !rep.OK() {
		t.Fatalf("steps: %s", got)
	}
	if rep.AttestationFormat != "packed" || len(rep.CredentialID) == 0 || rep.PublicKey == nil {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(rep.Steps[2].Detail, "Twofold software authenticator") {
		t.Errorf("attestation detail %q", rep.Steps[2].Detail)
	}
	if len(u.touches) != 2 || u.done != 2 {
		t.Errorf("touch prompts %q, %d closed", u.touches, u.done)
	}
	if len(u.progress) != 10 {
		t.Errorf("%d progress events, want a start and an end for 5 steps", len(u.progress))
	}
	if len(u.prompts) != 0 {
		t.Errorf("asked for a PIN the key did not need")
	}
}

// TestTestKeySelfAttestation: a packed attestation without a certificate,
// through libfido2, is checked with the credential's own key.
func TestTestKeySelfAttestation(t *testing.T) {
	_, d := plug(t, softkey.Config{SelfAttestation: true})
	rep, err := d.Test(context.Background(), fido.TestOptions{}, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("%v (%s)", err, states(rep))
	}
	if p := rep.Steps[2]; p.Step != fido.StepAttestation || p.State != fido.StepOK || p.Detail != "self attestation" {
		t.Errorf("attestation step %+v", p)
	}
	if rep.AttestationFormat != "packed" {
		t.Errorf("format %q", rep.AttestationFormat)
	}
}

func TestTestKeyWithPIN(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"9999", "1234"}}
	rep, err := d.Test(context.Background(), fido.TestOptions{VerifyUser: true}, u.callbacks())
	if err != nil {
		t.Fatalf("%v (%s)", err, states(rep))
	}
	if got := u.retriesShown(); got != "8 7 " {
		t.Errorf("retries shown %q", got)
	}
}

func TestTestKeyTouchDenied(t *testing.T) {
	_, d := plug(t, softkey.Config{Presence: softkey.NeverPresent})
	rep, err := d.Test(context.Background(), fido.TestOptions{}, nil)
	if !errors.Is(err, fido.ErrTouchDenied) {
		t.Fatalf("got %v", err)
	}
	if got := states(rep); got != "read key info=ok, register a test credential=failed" {
		t.Errorf("steps: %s", got)
	}
}

// gated plugs a key whose touches the test answers, and runs Test in the
// background.
func gated(t *testing.T) (*softkey.Gate, func(ctx context.Context) <-chan result, *fidoRig) {
	t.Helper()
	g := softkey.NewGate()
	r, d := plug(t, softkey.Config{Presence: g.Presence, Keepalive: softkey.NoKeepalive})
	run := func(ctx context.Context) <-chan result {
		ch := make(chan result, 1)
		go func() {
			rep, err := d.Test(ctx, fido.TestOptions{}, nil)
			ch <- result{rep, err}
		}()
		return ch
	}
	return g, run, &fidoRig{r}
}

type result struct {
	rep *fido.TestReport
	err error
}

func nextTouch(t *testing.T, g *softkey.Gate) *softkey.Touch {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang guard, not a wait
	defer cancel()
	touch, err := g.Next(ctx)
	if err != nil {
		t.Fatal("key never asked for a touch")
	}
	return touch
}

func TestTestKeyRegisteredButNeverSigned(t *testing.T) {
	g, run, _ := gated(t)
	done := run(context.Background())
	nextTouch(t, g).Grant()
	nextTouch(t, g).Deny()
	res := <-done
	if !errors.Is(res.err, fido.ErrTouchDenied) {
		t.Fatalf("got %v", res.err)
	}
	want := "read key info=ok, register a test credential=ok, verify attestation=ok, sign with the credential=failed"
	if got := states(res.rep); got != want {
		t.Errorf("steps: %s", got)
	}
}

func TestTestKeyCancelledTouch(t *testing.T) {
	g, run, _ := gated(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := run(ctx)
	touch := nextTouch(t, g)
	if touch.Command != "makeCredential" || touch.RPID != fido.TestRPID {
		t.Errorf("touch for %+v", touch.PresenceRequest)
	}
	cancel()
	res := <-done
	if !errors.Is(res.err, fido.ErrCancelled) || !errors.Is(res.err, context.Canceled) {
		t.Fatalf("got %v", res.err)
	}
}

func TestTestKeyTouchTimeout(t *testing.T) {
	g, run, _ := gated(t)
	done := run(context.Background())
	nextTouch(t, g).Timeout()
	if res := <-done; !errors.Is(res.err, fido.ErrTouchTimeout) {
		t.Fatalf("got %v", res.err)
	}
}

func TestTestKeyUnplugged(t *testing.T) {
	g, run, r := gated(t)
	done := run(context.Background())
	nextTouch(t, g)
	r.Unplug()
	res := <-done
	if !errors.Is(res.err, fido.ErrDisconnected) {
		t.Fatalf("got %v", res.err)
	}
	if _, err := (&fido.Device{}).Info(context.Background()); err == nil {
		t.Error("zero Device worked")
	}
}
