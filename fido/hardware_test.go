//go:build hardware && cgo

package fido_test

// Tests against a real, plugged-in key:
//
//	go test -tags hardware -run Hardware -v ./fido/
//
// They skip when no key is connected, and they never change the key unless
// told to: TWOFOLD_TEST_KEY picks a key by path when several are plugged
// in; TWOFOLD_TEST_PIN is the key's PIN, for the tests that read passkeys
// and fingerprints; TWOFOLD_TEST_ENROLL=1 enrols a fingerprint and deletes
// it again; TWOFOLD_TEST_RESET=<path of the key> wipes that key. Prompts
// (touch, unplug, replug) go to standard error.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/twofold-app/twofold/fido"
)

// hardwareTimeout bounds each test: a person has to touch the key.
const hardwareTimeout = 2 * time.Minute

func hardwareKey(t *testing.T) (*fido.Device, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hardwareTimeout)
	t.Cleanup(cancel)
	path := os.Getenv("TWOFOLD_TEST_KEY")
	if path == "" {
		path = onlyKey(t, ctx)
	}
	d, err := fido.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return d, ctx
}

func onlyKey(t *testing.T, ctx context.Context) string {
	keys, err := fido.List(ctx, fido.ListOptions{})
	if errors.Is(err, fido.ErrPermission) {
		_, hint, _ := fido.Explain(err)
		t.Fatalf("%v\n%s", err, hint)
	}
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, k := range keys {
		if k.Err == nil {
			paths = append(paths, k.Path)
			t.Logf("found %s: %s", k.Path, k.Name())
		}
	}
	switch len(paths) {
	case 0:
		t.Skip("no security key connected")
	case 1:
		return paths[0]
	}
	t.Skipf("several keys connected (%v): set TWOFOLD_TEST_KEY", paths)
	return ""
}

// person prompts on standard error and answers PIN prompts from
// TWOFOLD_TEST_PIN; a wrong PIN fails the test before it costs a retry more.
func person(t *testing.T) *fido.Callbacks {
	pin := os.Getenv("TWOFOLD_TEST_PIN")
	return &fido.Callbacks{
		PIN: func(_ context.Context, req fido.PINRequest) (string, error) {
			if pin == "" || req.Previous != nil {
				t.Fatalf("PIN needed to %s (%d tries left): set TWOFOLD_TEST_PIN (correctly)", req.Purpose, req.Retries)
			}
			return pin, nil
		},
		Touch: func(req fido.TouchRequest) func() {
			fmt.Fprintf(os.Stderr, ">>> touch your key to %s\n", req.Purpose)
			return nil
		},
		Progress: func(p fido.Progress) {
			if p.State == fido.StepStarted && (p.Step == fido.StepUnplug || p.Step == fido.StepReplug) {
				fmt.Fprintf(os.Stderr, ">>> %s\n", p.Step)
			}
			if p.State != fido.StepStarted {
				t.Logf("%s: %s %s %v", p.Step, p.State, p.Detail, p.Err)
			}
		},
	}
}

func needPIN(t *testing.T, info *fido.Info) {
	if !info.PINSet() {
		t.Skip("the key has no PIN (this test does not set one)")
	}
	if os.Getenv("TWOFOLD_TEST_PIN") == "" {
		t.Skip("set TWOFOLD_TEST_PIN to the key's PIN")
	}
}

func TestHardwareInfo(t *testing.T) {
	d, ctx := hardwareKey(t)
	info, err := d.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if info.FIDO2 && len(info.Versions) == 0 {
		t.Error("FIDO2 key without versions")
	}
}

func TestHardwareTest(t *testing.T) {
	d, ctx := hardwareKey(t)
	rep, err := d.Test(ctx, fido.TestOptions{}, person(t))
	if err != nil {
		t.Fatalf("%v (%s)", err, states(rep))
	}
}

func TestHardwarePasskeys(t *testing.T) {
	d, ctx := hardwareKey(t)
	needPIN(t, mustInfo(t, d))
	list, err := d.Passkeys(ctx, person(t))
	if errors.Is(err, fido.ErrUnsupported) {
		t.Skip("no credential management on this key")
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rp := range list.RelyingParties {
		n += len(rp.Passkeys)
	}
	if n != list.Count {
		t.Errorf("%d passkeys listed, key counts %d", n, list.Count)
	}
}

func TestHardwareFingerprints(t *testing.T) {
	d, ctx := hardwareKey(t)
	info := mustInfo(t, d)
	if !info.Supports("bioEnroll") {
		t.Skip("no fingerprint sensor")
	}
	needPIN(t, info)
	before, err := d.Fingerprints(ctx, person(t))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("TWOFOLD_TEST_ENROLL") != "1" {
		t.Skipf("%d fingerprints; set TWOFOLD_TEST_ENROLL=1 to enrol and delete one", len(before))
	}
	fp, err := d.EnrollFingerprint(ctx, "twofold test", person(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteFingerprint(ctx, fp.ID, person(t)); err != nil {
		t.Fatal(err)
	}
}

func TestHardwareReset(t *testing.T) {
	d, ctx := hardwareKey(t)
	if os.Getenv("TWOFOLD_TEST_RESET") != d.Path() {
		t.Skipf("wipes the key: set TWOFOLD_TEST_RESET=%s to run it", d.Path())
	}
	if err := d.Reset(ctx, fido.ResetOptions{Confirm: fido.ResetConfirmation}, person(t)); err != nil {
		t.Fatal(err)
	}
	if info := mustInfo(t, d); info.PINSet() {
		t.Error("PIN still set after the reset")
	}
}
