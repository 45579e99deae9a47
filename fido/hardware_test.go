//go:build hardware && cgo

package fido_test

// Tests against a real, plugged-in key:
//
//	go test -tags hardware -run Hardware -v ./fido/
//
// They skip when no key is connected, and they never change the key unless
// told to by an environment variable (README.md lists them all);
// TWOFOLD_TEST_KEY picks a key by path when several are plugged in and
// TWOFOLD_TEST_PIN is the key's PIN. Prompts (touch, do not touch, unplug,
// replug) go to standard error. The helpers are in hardware_key_test.go;
// PIN and authenticatorConfig tests in hardware_pin_test.go, the tamper
// checks on a real key's data in hardware_verify_test.go.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
)

func needPIN(t *testing.T, info *fido.Info) {
	t.Helper()
	if !info.PINSet() {
		t.Skip("the key has no PIN: set one with TWOFOLD_TEST_SET_PIN (TestHardwareSetPIN)")
	}
	if os.Getenv("TWOFOLD_TEST_PIN") == "" {
		t.Skip("set TWOFOLD_TEST_PIN to the key's PIN")
	}
}

// optIn skips the test unless the variable name is "1"; what says what the
// test would do to the key.
func optIn(t *testing.T, name, what string) {
	t.Helper()
	if os.Getenv(name) != "1" {
		t.Skipf("set %s=1 to %s", name, what)
	}
}

// onKey is a scripted person (rig_test.go's ui) who is also told to touch
// the key.
func onKey(u *ui) *fido.Callbacks {
	cb := u.callbacks()
	record := cb.Touch
	cb.Touch = func(req fido.TouchRequest) func() {
		fmt.Fprintf(os.Stderr, ">>> touch your key to %s\n", req.Purpose)
		return record(req)
	}
	return cb
}

func TestHardwareInfo(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info, err := d.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", info)
	if info.FIDO2 && len(info.Versions) == 0 {
		t.Error("FIDO2 key without versions")
	}
	if info.PINSet() != (info.PINRetries >= 0) {
		t.Errorf("PIN set %v, retries %d", info.PINSet(), info.PINRetries)
	}
}

func TestHardwareTest(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	rep, err := d.Test(ctx, fido.TestOptions{}, fido.HardwarePerson(t))
	if err != nil {
		t.Fatalf("%v (%s)", err, states(rep))
	}
	if !rep.OK() || len(rep.Steps) != 5 || len(rep.CredentialID) == 0 || rep.PublicKey == nil {
		t.Errorf("report %+v", rep)
	}
}

// cancelAfter is how long the key waits for a touch before
// TestHardwareCancelTouch cancels. libfido2 does not tell when the key
// starts waiting (its keepalives stay inside), so the test gives the
// request a second to get there: Callbacks.Touch runs just before it is
// sent.
const cancelAfter = time.Second

// cancelBound is how soon after the cancel the key must have stopped
// waiting: Device.Test repeats CTAPHID_CANCEL every 200 ms, while a key
// that ignored it would answer only at its own touch timeout.
const cancelBound = 5 * time.Second

// TestHardwareCancelTouch cancels the key test's context while the key
// waits for a touch: the key must stop waiting at once and answer the next
// command.
func TestHardwareCancelTouch(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fired := make(chan time.Time, 1)
	cb := fido.HardwarePerson(t)
	cb.Touch = func(req fido.TouchRequest) func() {
		fmt.Fprintf(os.Stderr, ">>> do NOT touch your key: it blinks to %s, and the test cancels that\n", req.Purpose)
		timer := time.AfterFunc(cancelAfter, func() {
			select {
			case fired <- time.Now():
			default:
			}
			cancel()
		})
		return func() { timer.Stop() }
	}
	rep, err := d.Test(cctx, fido.TestOptions{}, cb)
	if rep == nil {
		t.Fatal(err)
	}
	var at time.Time
	select {
	case at = <-fired:
	default:
		t.Fatalf("the key answered before the cancel (was it touched?): %v (%s)", err, states(rep))
	}
	if took := time.Since(at); took > cancelBound {
		t.Errorf("the key stopped waiting %v after the cancel", took)
	}
	if !errors.Is(err, fido.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if got := states(rep); got != "read key info=ok, register a test credential=failed" {
		t.Errorf("steps: %s", got)
	}
	if _, err := d.Info(ctx); err != nil {
		t.Errorf("the key after the cancel: %v", err)
	}
}

func TestHardwarePasskeys(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	needPIN(t, mustInfo(t, d))
	list, err := d.Passkeys(ctx, fido.HardwarePerson(t))
	if errors.Is(err, fido.ErrUnsupported) {
		t.Skip("no credential management on this key")
	}
	if err != nil {
		t.Fatal(err)
	}
	if n := passkeyCount(list); n != list.Count {
		t.Errorf("%d passkeys listed, key counts %d", n, list.Count)
	}
}

func passkeyCount(list *fido.PasskeyList) int {
	n := 0
	for _, rp := range list.RelyingParties {
		n += len(rp.Passkeys)
	}
	return n
}

// findPasskey returns the passkey with the credential ID id, and the site
// it is listed under.
func findPasskey(list *fido.PasskeyList, id []byte) (*fido.RelyingParty, *fido.Passkey) {
	for i, rp := range list.RelyingParties {
		for j, p := range rp.Passkeys {
			if bytes.Equal(p.ID, id) {
				return &list.RelyingParties[i], &rp.Passkeys[j]
			}
		}
	}
	return nil, nil
}

// hardwareRP is the site of the passkey TestHardwarePasskeyLifecycle
// makes: .local is never a real site.
const hardwareRP = "twofold-hardware-test.local"

// TestHardwarePasskeyLifecycle makes a passkey as a browser would, finds
// it in the list, deletes it and checks it is gone.
func TestHardwarePasskeyLifecycle(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	if !info.Supports("credMgmt") && !info.Supports("credentialMgmtPreview") {
		t.Skip("no credential management on this key")
	}
	needPIN(t, info)
	optIn(t, "TWOFOLD_TEST_PASSKEYS", "make a passkey for "+hardwareRP+", list it and delete it")
	if info.RemainingResident == 0 {
		t.Skip("no room for a passkey on the key")
	}
	pin := os.Getenv("TWOFOLD_TEST_PIN")
	before := listPasskeys(t, d, pin)
	fmt.Fprintf(os.Stderr, ">>> touch your key to make a passkey for %s\n", hardwareRP)
	id := fidotest.MakePasskey(t, d.Path(), fidotest.Passkey{
		RPID: hardwareRP, RPName: "Twofold hardware test",
		UserName: "twofold-test", DisplayName: "Twofold Test", PIN: pin,
	})
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			if err := d.DeletePasskey(context.Background(), id, (&ui{pins: []string{pin}}).callbacks()); err != nil {
				t.Errorf("passkey %s left on the key: %v", fido.EncodeID(id), err)
			}
		}
	})
	checkNewPasskey(t, listPasskeys(t, d, pin), before.Count, id)

	u := &ui{pins: []string{pin}}
	retries := mustInfo(t, d).PINRetries
	if err := d.DeletePasskey(ctx, id, u.callbacks()); err != nil {
		t.Fatal(err)
	}
	deleted = true
	if got, want := u.retriesShown(), fmt.Sprint(retries, " "); got != want {
		t.Errorf("retries shown %q, want %q", got, want)
	}
	after := listPasskeys(t, d, pin)
	if _, p := findPasskey(after, id); p != nil || after.Count != before.Count {
		t.Errorf("after delete: %d passkeys (%d before), still listed: %v", after.Count, before.Count, p != nil)
	}
	err := d.DeletePasskey(ctx, id, (&ui{pins: []string{pin}}).callbacks())
	if !errors.Is(err, fido.ErrNoCredentials) {
		t.Fatalf("deleting twice: %v", err)
	}
}

func checkNewPasskey(t *testing.T, list *fido.PasskeyList, countBefore int, id []byte) {
	t.Helper()
	rp, p := findPasskey(list, id)
	if p == nil {
		t.Fatalf("new passkey %s not listed: %+v", fido.EncodeID(id), list)
	}
	t.Logf("site %q named %q", rp.ID, rp.Name)
	if rp.ID != hardwareRP || p.RPID != hardwareRP || p.UserName != "twofold-test" || p.DisplayName != "Twofold Test" || len(p.UserID) != 16 {
		t.Errorf("new passkey %+v", p)
	}
	if list.Count != countBefore+1 || passkeyCount(list) != list.Count {
		t.Errorf("%d passkeys listed, key counts %d, %d before", passkeyCount(list), list.Count, countBefore)
	}
}

func TestHardwareFingerprints(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	if !info.Supports("bioEnroll") {
		t.Skip("no fingerprint sensor")
	}
	needPIN(t, info)
	before, err := d.Fingerprints(ctx, fido.HardwarePerson(t))
	if err != nil {
		t.Fatal(err)
	}
	optIn(t, "TWOFOLD_TEST_ENROLL", fmt.Sprintf("enrol a fingerprint, rename it and delete it (%d enrolled)", len(before)))
	fp, err := d.EnrollFingerprint(ctx, "twofold test", fido.HardwarePerson(t))
	if err != nil {
		t.Fatal(err)
	}
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			if err := d.DeleteFingerprint(context.Background(), fp.ID, (&ui{pins: []string{os.Getenv("TWOFOLD_TEST_PIN")}}).callbacks()); err != nil {
				t.Errorf("fingerprint %s left on the key: %v", fp.IDString(), err)
			}
		}
	})
	if err := d.RenameFingerprint(ctx, fp.ID, "twofold renamed", fido.HardwarePerson(t)); err != nil {
		t.Error(err)
	}
	if got := fingerprintName(t, ctx, d, fp.ID); got != "twofold renamed" {
		t.Errorf("enrolled fingerprint listed as %q", got)
	}
	if err := d.DeleteFingerprint(ctx, fp.ID, fido.HardwarePerson(t)); err != nil {
		t.Fatal(err)
	}
	deleted = true
	if err := d.DeleteFingerprint(ctx, fp.ID, fido.HardwarePerson(t)); !errors.Is(err, fido.ErrFingerprintNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if after, err := d.Fingerprints(ctx, fido.HardwarePerson(t)); err != nil || len(after) != len(before) {
		t.Errorf("%d fingerprints after the delete, %d before (%v)", len(after), len(before), err)
	}
}

// fingerprintName lists the fingerprints and returns the name of the one
// with ID id, failing the test when it is not there.
func fingerprintName(t *testing.T, ctx context.Context, d *fido.Device, id []byte) string {
	t.Helper()
	fps, err := d.Fingerprints(ctx, fido.HardwarePerson(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fps {
		if bytes.Equal(f.ID, id) {
			return f.Name
		}
	}
	t.Fatalf("fingerprint %x not listed", id)
	return ""
}

func TestHardwareReset(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	if os.Getenv("TWOFOLD_TEST_RESET") != d.Path() {
		t.Skipf("wipes the key: set TWOFOLD_TEST_RESET=%s to run it", d.Path())
	}
	if err := d.Reset(ctx, fido.ResetOptions{Confirm: fido.ResetConfirmation}, fido.HardwarePerson(t)); err != nil {
		t.Fatal(err)
	}
	if info := mustInfo(t, d); info.PINSet() {
		t.Error("PIN still set after the reset")
	}
}
