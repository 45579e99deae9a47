//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

func TestSetPIN(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	u := &ui{newPINs: []string{"12", "1234"}}
	if err := d.SetPIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
	// A too-short PIN is refused before it reaches the key, then asked again.
	if len(u.newReqs) != 2 || u.newReqs[0].MinLength != 4 || !errors.Is(u.newReqs[1].Previous, fido.ErrPINPolicy) {
		t.Fatalf("new PIN prompts: %+v", u.newReqs)
	}
	if err := d.SetPIN(context.Background(), (&ui{newPINs: []string{"5678"}}).callbacks()); !errors.Is(err, fido.ErrPINAlreadySet) {
		t.Fatalf("second SetPIN: %v", err)
	}
}

func TestChangePINAfterWrongPIN(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"0000", "1234"}, newPINs: []string{"567890"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
	if got := u.retriesShown(); got != "8 7 " {
		t.Errorf("retries shown %q, want 8 then 7", got)
	}
	if !errors.Is(u.prompts[1].Previous, fido.ErrPINInvalid) {
		t.Errorf("second prompt does not say the PIN was wrong: %v", u.prompts[1].Previous)
	}
	if info := mustInfo(t, d); info.PINRetries != 8 {
		t.Errorf("retries after a right PIN: %d", info.PINRetries)
	}
	u = &ui{pins: []string{"567890"}, newPINs: []string{"1111"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); err != nil {
		t.Fatalf("new PIN not accepted: %v", err)
	}
}

// TestPINProtocolOne runs the PIN operations with PIN/UV auth protocol 1
// (AES-CBC with a zero IV, 16-byte MACs): libfido2 uses protocol 2 whenever
// a key offers it, and this key offers only 1 and refuses 2.
func TestPINProtocolOne(t *testing.T) {
	r, d := plug(t, softkey.Config{PINProtocols: []int{1}})
	if got := mustInfo(t, d).PINProtocols; !slices.Equal(got, []int{1}) {
		t.Fatalf("protocols %v", got)
	}
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"0000", "1234"}, newPINs: []string{"567890"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
	if got := u.retriesShown(); got != "8 7 " || !errors.Is(u.prompts[1].Previous, fido.ErrPINInvalid) {
		t.Errorf("retries shown %q, second prompt after %v", got, u.prompts[1].Previous)
	}
	// A PIN-authenticated registration and assertion (pinUvAuthToken with
	// mc and ga permissions), then credential management (cm permission).
	u = &ui{pins: []string{"1234", "567890"}}
	if rep, err := d.Test(context.Background(), fido.TestOptions{VerifyUser: true}, u.callbacks()); err != nil {
		t.Fatalf("%v (%s)", err, states(rep))
	}
	if got := u.retriesShown(); got != "8 7 " {
		t.Errorf("key test: retries shown %q", got)
	}
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "example.org", UserName: "carol", PIN: "567890"})
	list := listPasskeys(t, d, "567890")
	if len(list.RelyingParties) != 1 || list.RelyingParties[0].ID != "example.org" || list.Count != 1 {
		t.Errorf("passkeys %+v", list)
	}
}

// TestPINLockout walks a key from a wrong PIN to a PIN that needs a replug
// to a blocked PIN: three errors, three hints.
func TestPINLockout(t *testing.T) {
	r, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	wrong := func() *ui {
		return &ui{pins: []string{"0000", "0000", "0000", "0000"}, newPINs: []string{"9999"}}
	}
	u := &ui{pins: []string{"0000"}, newPINs: []string{"9999"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); !errors.Is(err, errNoMoreInput) {
		t.Fatalf("after one wrong PIN and giving up: %v", err)
	}
	u = wrong()
	err := d.ChangePIN(context.Background(), u.callbacks())
	if !errors.Is(err, fido.ErrPINAuthBlocked) {
		t.Fatalf("third wrong PIN in a row: %v", err)
	}
	if got := u.retriesShown(); got != "7 6 " {
		t.Errorf("retries shown %q", got)
	}
	// Still blocked until the key is replugged, without using a retry.
	if err := d.ChangePIN(context.Background(), wrong().callbacks()); !errors.Is(err, fido.ErrPINAuthBlocked) {
		t.Fatalf("before replug: %v", err)
	}
	r.Replug()
	if err := d.ChangePIN(context.Background(), wrong().callbacks()); !errors.Is(err, fido.ErrPINAuthBlocked) {
		t.Fatalf("second round: %v", err)
	}
	r.Replug()
	u = wrong()
	err = d.ChangePIN(context.Background(), u.callbacks())
	if !errors.Is(err, fido.ErrPINBlocked) {
		t.Fatalf("eighth wrong PIN: %v (retries shown %s)", err, u.retriesShown())
	}
	if got := u.retriesShown(); got != "2 1 " {
		t.Errorf("retries shown %q", got)
	}
	u = wrong()
	if err := d.ChangePIN(context.Background(), u.callbacks()); !errors.Is(err, fido.ErrPINBlocked) || len(u.prompts) != 0 {
		t.Fatalf("blocked key: %v, %d prompts", err, len(u.prompts))
	}
	seen := map[string]bool{}
	for _, e := range []error{fido.ErrPINInvalid, fido.ErrPINAuthBlocked, fido.ErrPINBlocked} {
		_, hint, ok := fido.Explain(e)
		if !ok || seen[hint] {
			t.Errorf("%v: hint %q not distinct", e, hint)
		}
		seen[hint] = true
	}
}

func TestNoPINCallback(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	if err := d.ChangePIN(context.Background(), nil); !errors.Is(err, fido.ErrPINRequired) {
		t.Fatalf("got %v", err)
	}
}

func TestMinPINLengthForcesChange(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"1234"}}
	if err := d.SetMinPINLength(context.Background(), 6, u.callbacks()); err != nil {
		t.Fatal(err)
	}
	info := mustInfo(t, d)
	if info.MinPINLength != 6 || !info.ForcePINChange {
		t.Fatalf("min %d, force change %v", info.MinPINLength, info.ForcePINChange)
	}
	if _, err := d.Test(context.Background(), fido.TestOptions{VerifyUser: true}, (&ui{pins: []string{"1234"}}).callbacks()); !errors.Is(err, fido.ErrPINChangeRequired) {
		t.Fatalf("test with a PIN that must change: %v", err)
	}
	u = &ui{pins: []string{"1234"}, newPINs: []string{"12345", "123456"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
	if u.newReqs[0].MinLength != 6 {
		t.Errorf("new PIN prompt min length %d", u.newReqs[0].MinLength)
	}
	if info := mustInfo(t, d); info.ForcePINChange {
		t.Error("force change still set after change")
	}
	if err := d.SetMinPINLength(context.Background(), 4, (&ui{pins: []string{"123456"}}).callbacks()); !errors.Is(err, fido.ErrPINPolicy) {
		t.Fatalf("lowering the minimum: %v", err)
	}
}

func TestForcePINChange(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	if err := d.ForcePINChange(context.Background(), nil); !errors.Is(err, fido.ErrPINNotSet) {
		t.Fatalf("without a PIN: %v", err)
	}
	setPIN(t, d, "1234")
	if err := d.ForcePINChange(context.Background(), (&ui{pins: []string{"1234"}}).callbacks()); err != nil {
		t.Fatal(err)
	}
	if !mustInfo(t, d).ForcePINChange {
		t.Fatal("force change not set")
	}
	u := &ui{pins: []string{"1234"}, newPINs: []string{"1234", "4321"}}
	if err := d.ChangePIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
}

// TestPINPolicyNeedsMinPINLength: a key without setMinPINLength can
// neither force a PIN change nor raise its minimum length, and says so
// before asking for the PIN.
func TestPINPolicyNeedsMinPINLength(t *testing.T) {
	_, d := plug(t, softkey.Config{NoMinPINLength: true})
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"1234"}}
	if err := d.ForcePINChange(context.Background(), u.callbacks()); !errors.Is(err, fido.ErrUnsupported) {
		t.Errorf("force PIN change: %v, want ErrUnsupported", err)
	}
	if err := d.SetMinPINLength(context.Background(), 6, u.callbacks()); !errors.Is(err, fido.ErrUnsupported) {
		t.Errorf("minimum PIN length: %v, want ErrUnsupported", err)
	}
	if len(u.prompts) != 0 {
		t.Errorf("asked for the PIN %d times for operations the key cannot do", len(u.prompts))
	}
	if mustInfo(t, d).ForcePINChange {
		t.Error("the key was told to force a PIN change after all")
	}
}

func TestAlwaysUV(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	if err := d.SetAlwaysUV(context.Background(), true, nil); err != nil {
		t.Fatalf("without a PIN: %v", err)
	}
	if !mustInfo(t, d).Options["alwaysUv"] {
		t.Fatal("alwaysUv not on")
	}
	setPIN(t, d, "1234")
	u := &ui{pins: []string{"1234"}}
	if _, err := d.Test(context.Background(), fido.TestOptions{}, u.callbacks()); err != nil || len(u.prompts) != 1 {
		t.Fatalf("test with always-UV: %v, %d PIN prompts", err, len(u.prompts))
	}
	if err := d.SetAlwaysUV(context.Background(), false, (&ui{pins: []string{"1234"}}).callbacks()); err != nil {
		t.Fatal(err)
	}
	if mustInfo(t, d).Options["alwaysUv"] {
		t.Fatal("alwaysUv still on")
	}
}
