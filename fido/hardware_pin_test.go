//go:build hardware && cgo

package fido_test

// Real-key PIN and authenticatorConfig tests (pin_test.go against the
// software key). Each changes the key only when asked, and puts back what
// it changed: the PIN is changed to TWOFOLD_TEST_NEW_PIN and back,
// always-UV toggled and toggled back. The minimum PIN length is only read:
// raising it cannot be undone short of a reset.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/twofold-app/twofold/fido"
)

// needEnv returns the variable, skipping the test when it is unset; what
// says what to set it to.
func needEnv(t *testing.T, name, what string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("set %s to %s", name, what)
	}
	return v
}

// checkPINFits fails the test, before the key is changed, when the PIN in
// the variable name is not one the key would take as a new PIN.
func checkPINFits(t *testing.T, info *fido.Info, name, pin string) {
	t.Helper()
	minLength := max(info.MinPINLength, 4)
	if utf8.RuneCountInString(pin) < minLength || len(pin) > 63 {
		t.Fatalf("%s must be %d to 63 characters long for this key", name, minLength)
	}
}

// pinPair returns TWOFOLD_TEST_PIN and TWOFOLD_TEST_NEW_PIN for a test
// that changes the PIN to the new one and back, after checking the key
// will take both.
func pinPair(t *testing.T, info *fido.Info) (pin, newPIN string) {
	t.Helper()
	needPIN(t, info)
	pin = os.Getenv("TWOFOLD_TEST_PIN")
	newPIN = needEnv(t, "TWOFOLD_TEST_NEW_PIN", "a second PIN: the test changes the key's PIN to it and back")
	if newPIN == pin {
		t.Fatal("TWOFOLD_TEST_NEW_PIN must differ from TWOFOLD_TEST_PIN")
	}
	checkPINFits(t, info, "TWOFOLD_TEST_NEW_PIN", newPIN)
	checkPINFits(t, info, "TWOFOLD_TEST_PIN", pin)
	return pin, newPIN
}

// wrongPIN is pin with its last character changed.
func wrongPIN(pin string) string {
	r := []rune(pin)
	last := &r[len(r)-1]
	if *last == '0' {
		*last = '1'
	} else {
		*last = '0'
	}
	return string(r)
}

// changePIN changes the key's PIN from old to new, typing a wrong PIN first
// if wrongFirst, and checks that each prompt showed the retries left.
func changePIN(t *testing.T, ctx context.Context, d *fido.Device, old, new string, wrongFirst bool) error {
	t.Helper()
	retries := mustInfo(t, d).PINRetries
	u := &ui{pins: []string{old}, newPINs: []string{new}}
	want := fmt.Sprint(retries, " ")
	if wrongFirst {
		u.pins = []string{wrongPIN(old), old}
		want += fmt.Sprint(retries-1, " ")
	}
	if err := d.ChangePIN(ctx, u.callbacks()); err != nil {
		return err
	}
	if got := u.retriesShown(); got != want {
		t.Errorf("retries shown %q, want %q", got, want)
	}
	if wrongFirst && (len(u.prompts) != 2 || !errors.Is(u.prompts[1].Previous, fido.ErrPINInvalid)) {
		t.Errorf("after the wrong PIN, prompts %+v", u.prompts)
	}
	if after := mustInfo(t, d).PINRetries; after < retries {
		t.Errorf("%d retries after the right PIN, %d before", after, retries)
	}
	return nil
}

// changeBack changes the PIN back to TWOFOLD_TEST_PIN at the end of a test.
func changeBack(t *testing.T, ctx context.Context, d *fido.Device, pin, newPIN string) {
	t.Helper()
	if err := changePIN(t, ctx, d, newPIN, pin, false); err != nil {
		t.Fatalf("change the PIN back: %v; the key's PIN is now TWOFOLD_TEST_NEW_PIN", err)
	}
}

func TestHardwareSetPIN(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	if info.PINSet() {
		u := &ui{}
		if err := d.SetPIN(ctx, u.callbacks()); !errors.Is(err, fido.ErrPINAlreadySet) || len(u.newReqs) != 0 {
			t.Fatalf("SetPIN on a key with a PIN: %v after %d prompts", err, len(u.newReqs))
		}
		t.Skip("the key has a PIN (SetPIN refused it): TWOFOLD_TEST_SET_PIN is for a key without one")
	}
	pin := needEnv(t, "TWOFOLD_TEST_SET_PIN", "the PIN to give this key, which has none")
	checkPINFits(t, info, "TWOFOLD_TEST_SET_PIN", pin)
	u := &ui{newPINs: []string{pin}}
	if err := d.SetPIN(ctx, u.callbacks()); err != nil {
		t.Fatal(err)
	}
	if len(u.newReqs) != 1 || u.newReqs[0].MinLength != info.MinPINLength {
		t.Errorf("new PIN prompts %+v, key's minimum %d", u.newReqs, info.MinPINLength)
	}
	if after := mustInfo(t, d); !after.PINSet() || after.PINRetries < 1 {
		t.Errorf("after SetPIN: PIN set %v, %d retries", after.PINSet(), after.PINRetries)
	}
	t.Log("the key's PIN is now TWOFOLD_TEST_SET_PIN: pass it as TWOFOLD_TEST_PIN from now on")
}

// minRetriesForWrongPIN: TWOFOLD_TEST_WRONG_PIN spends a retry only while
// several are left.
const minRetriesForWrongPIN = 4

func TestHardwareChangePIN(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	pin, newPIN := pinPair(t, info)
	if err := d.ChangePIN(ctx, nil); !errors.Is(err, fido.ErrPINRequired) {
		t.Fatalf("without a PIN callback: %v", err)
	}
	wrong := os.Getenv("TWOFOLD_TEST_WRONG_PIN") == "1"
	if wrong && info.PINRetries < minRetriesForWrongPIN {
		t.Fatalf("only %d PIN retries left: not spending one (unset TWOFOLD_TEST_WRONG_PIN)", info.PINRetries)
	}
	if !wrong {
		t.Log("set TWOFOLD_TEST_WRONG_PIN=1 to type a wrong PIN first (it spends a retry, which the right PIN restores)")
	}
	if err := changePIN(t, ctx, d, pin, newPIN, wrong); err != nil {
		t.Fatal(err)
	}
	changeBack(t, ctx, d, pin, newPIN)
}

// TestHardwareMinPINLength reads the minimum PIN length and checks that
// the library refuses to lower it, or to raise it past CTAP's 63, before
// asking the key. It runs only on a key with a PIN and with no callbacks:
// a library that did not refuse would still stop at the PIN prompt
// (ErrPINRequired) and leave the key alone.
func TestHardwareMinPINLength(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	t.Logf("minimum PIN length %d", info.MinPINLength)
	if info.MinPINLength != 0 && info.MinPINLength < 4 {
		t.Errorf("minimum PIN length %d is below CTAP's 4", info.MinPINLength)
	}
	if !info.Supports("setMinPINLength") {
		t.Skip("the key cannot change its minimum PIN length")
	}
	if !info.PINSet() {
		t.Skip("the key has no PIN: set one with TWOFOLD_TEST_SET_PIN")
	}
	for _, n := range []int{info.MinPINLength - 1, 64} {
		if err := d.SetMinPINLength(ctx, n, nil); !errors.Is(err, fido.ErrPINPolicy) {
			t.Errorf("minimum PIN length %d: %v", n, err)
		}
	}
	if got := mustInfo(t, d).MinPINLength; got != info.MinPINLength {
		t.Fatalf("minimum PIN length changed from %d to %d", info.MinPINLength, got)
	}
}

// TestHardwareAlwaysUV turns always-UV to the other setting and back. While
// it is on, the key test asks for the PIN even without VerifyUser.
func TestHardwareAlwaysUV(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	if !info.Supports("alwaysUv") || !info.Supports("authnrCfg") {
		t.Skip("the key has no always-UV setting")
	}
	needPIN(t, info)
	optIn(t, "TWOFOLD_TEST_CONFIG", "toggle always-UV and toggle it back")
	pin := os.Getenv("TWOFOLD_TEST_PIN")
	was := info.Options["alwaysUv"]
	if err := setAlwaysUV(t, ctx, d, pin, !was); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := setAlwaysUV(t, context.Background(), d, pin, was); err != nil {
			t.Errorf("always-UV left %v: %v", !was, err)
		}
	})
	if was {
		return
	}
	u := &ui{pins: []string{pin}}
	if rep, err := d.Test(ctx, fido.TestOptions{}, onKey(u)); err != nil || len(u.prompts) != 1 {
		t.Fatalf("key test with always-UV: %v (%s), %d PIN prompts", err, states(rep), len(u.prompts))
	}
}

// setAlwaysUV sets always-UV with the PIN and checks the key reports it.
func setAlwaysUV(t *testing.T, ctx context.Context, d *fido.Device, pin string, on bool) error {
	t.Helper()
	retries := mustInfo(t, d).PINRetries
	u := &ui{pins: []string{pin}}
	if err := d.SetAlwaysUV(ctx, on, u.callbacks()); err != nil {
		return err
	}
	if got, want := u.retriesShown(), fmt.Sprint(retries, " "); got != want {
		t.Errorf("retries shown %q, want %q", got, want)
	}
	if got := mustInfo(t, d).Options["alwaysUv"]; got != on {
		return fmt.Errorf("alwaysUv %v after setting it %v", got, on)
	}
	return nil
}

// TestHardwareForcePINChange makes the key demand a new PIN, checks that it
// says so and that the key test refuses to start, then clears the demand
// by changing the PIN to TWOFOLD_TEST_NEW_PIN, and changes it back.
func TestHardwareForcePINChange(t *testing.T) {
	d, ctx := fido.HardwareKey(t)
	info := mustInfo(t, d)
	if !info.Supports("authnrCfg") {
		t.Skip("no authenticatorConfig on this key")
	}
	pin, newPIN := pinPair(t, info)
	optIn(t, "TWOFOLD_TEST_FORCE_PIN_CHANGE", "force a PIN change, then change the PIN to TWOFOLD_TEST_NEW_PIN and back")
	if info.ForcePINChange {
		t.Fatal("the key already demands a new PIN: change it first")
	}
	if err := d.ForcePINChange(ctx, (&ui{pins: []string{pin}}).callbacks()); err != nil {
		t.Fatal(err)
	}
	if !mustInfo(t, d).ForcePINChange {
		t.Error("the key does not report the forced PIN change")
	} else if _, err := d.Test(ctx, fido.TestOptions{VerifyUser: true}, onKey(&ui{pins: []string{pin}})); !errors.Is(err, fido.ErrPINChangeRequired) {
		t.Errorf("key test while a new PIN is due: %v", err)
	}
	if err := changePIN(t, ctx, d, pin, newPIN, false); err != nil {
		t.Fatalf("change the PIN: %v; the key still demands a new PIN", err)
	}
	if mustInfo(t, d).ForcePINChange {
		t.Error("the key still demands a new PIN after the change")
	}
	changeBack(t, ctx, d, pin, newPIN)
}
