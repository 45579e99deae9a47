//go:build cgo

package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// keyInfo reads the rig's key through the library, independently of the
// screen.
func keyInfo(t *testing.T, r *fidotest.Rig) *fido.Info {
	t.Helper()
	d, err := fido.Open(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	info, err := d.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// pinPanel opens the PIN panel of a key whose PIN is 1234.
func pinPanel(t *testing.T) (*harness, *fidotest.Rig) {
	t.Helper()
	h, r := keysTab(t, softkey.Config{})
	setKeyPIN(t, r, "1234")
	test.Tap(h.button("PIN"))
	h.waitFor("PIN: set, 8 retries left (minimum length 4)")
	return h, r
}

const alwaysUV = "Always require user verification"

func TestKeysPINPanelOffersPolicy(t *testing.T) {
	h, _ := pinPanel(t)
	for _, b := range []string{"Change PIN", "Force PIN change", "Minimum PIN length…"} {
		h.button(b)
	}
	if c := h.check(alwaysUV); c.Checked || c.Disabled() {
		t.Errorf("always-UV check: checked %v, disabled %v; want unchecked and usable", c.Checked, c.Disabled())
	}
	h.mustNotSee("Set PIN")
}

func TestKeysPINPanelWithoutPIN(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{})
	test.Tap(h.button("PIN"))
	h.waitFor("PIN: no PIN set (minimum length 4)")
	h.button("Set PIN")
	if present(h, func(b *widget.Button) bool { return b.Text == "Force PIN change" }) {
		t.Error("Force PIN change offered without a PIN")
	}
	if c := h.check(alwaysUV); !c.Disabled() {
		t.Error("always-UV can be switched on without a PIN")
	}
	h.mustSee("Set a PIN first to change this.")
}

func TestKeysMinPINLength(t *testing.T) {
	h, r := pinPanel(t)
	test.Tap(h.button("Minimum PIN length…"))
	e := h.entry("4 to 63")
	set := h.dialogButton("Set")
	for _, tc := range []struct {
		text string
		ok   bool
	}{{"", false}, {"4", true}, {"3", false}, {"63", true}, {"64", false}, {"six", false}, {"6", true}} {
		e.SetText("")
		test.Type(e, tc.text) // as typed: the entry has the focus
		if set.Disabled() == tc.ok {
			t.Errorf("Set enabled is %v for %q", !set.Disabled(), tc.text)
		}
	}
	test.Tap(set)
	h.answerPIN("1234", "to set minimum PIN length", "8 retries left.")
	h.waitFor("Minimum PIN length set to 6.")
	// 1234 is now too short: the key demands a new PIN.
	h.mustSee("PIN: set, but it must be changed before the key can be used (minimum length 6)")
	if i := keyInfo(t, r); i.MinPINLength != 6 || !i.ForcePINChange {
		t.Fatalf("key has minimum %d, force change %v; want 6, true", i.MinPINLength, i.ForcePINChange)
	}

	test.Tap(h.button("Change PIN"))
	h.answerPIN("1234", "to change the PIN")
	h.pump("new PIN dialog", func() bool { return h.hasText("at least 6 characters") })
	test.Type(h.entry("New PIN"), "123456")
	test.Type(h.entry("Repeat the new PIN"), "123456")
	test.Tap(h.dialogButton("OK"))
	h.waitFor("The PIN is changed.")
	h.mustSee("PIN: set, 8 retries left (minimum length 6)")
}

func TestKeysAlwaysUV(t *testing.T) {
	h, r := pinPanel(t)
	test.Tap(h.check(alwaysUV))
	h.answerPIN("1234", "to toggle always-UV", "8 retries left.")
	h.waitFor("The key now requires user verification for every use.")
	if !h.check(alwaysUV).Checked || !keyInfo(t, r).Options["alwaysUv"] {
		t.Fatal("always-UV not on, on the screen or on the key")
	}

	// Cancelling the PIN prompt leaves the check as the key has it.
	test.Tap(h.check(alwaysUV))
	h.pump("PIN dialog", func() bool { return h.hasText("Enter the key's PIN") })
	test.Tap(h.dialogButton("Cancel"))
	h.waitFor("Changing user verification failed.")
	h.mustSee("Nothing was changed on the key.")
	test.Tap(h.dialogButton("OK"))
	if !h.check(alwaysUV).Checked || !keyInfo(t, r).Options["alwaysUv"] {
		t.Fatal("a cancelled switch-off turned always-UV off, on the screen or on the key")
	}

	test.Tap(h.check(alwaysUV))
	h.answerPIN("1234")
	h.waitFor("The key no longer requires user verification for every use.")
	if h.check(alwaysUV).Checked || keyInfo(t, r).Options["alwaysUv"] {
		t.Fatal("always-UV still on, on the screen or on the key")
	}
}

func TestKeysForcePINChange(t *testing.T) {
	h, r := pinPanel(t)
	test.Tap(h.button("Force PIN change"))
	h.mustSee("Use this when handing over a key with a temporary PIN.")
	test.Tap(h.dialogButton("Force change"))
	h.answerPIN("1234", "to force PIN change", "8 retries left.")
	h.waitFor("The key now requires a new PIN before it can be used.")
	h.mustSee("must be changed before the key can be used")
	if present(h, func(b *widget.Button) bool { return b.Text == "Force PIN change" }) {
		t.Error("Force PIN change still offered on a key that requires a change")
	}
	if !keyInfo(t, r).ForcePINChange {
		t.Fatal("the key does not require a PIN change")
	}
	test.Tap(h.button("Passkeys"))
	h.waitFor("Listing passkeys failed.")
	h.mustSee("The key requires a new PIN before it can be used")
}

// TestKeysPINPolicyWrongPINs runs a policy change with wrong PINs until
// the key blocks its PIN: every prompt shows the retries left, three in a
// row ask for a replug, the last one says only a reset helps.
func TestKeysPINPolicyWrongPINs(t *testing.T) {
	h, r := pinPanel(t)
	forceWith := func(retries ...string) {
		t.Helper()
		test.Tap(h.button("Force PIN change"))
		test.Tap(h.dialogButton("Force change"))
		for i, n := range retries {
			want := []string{n}
			if i > 0 {
				want = append(want, "Wrong PIN.")
			}
			h.answerPIN("0000", want...)
		}
		h.waitFor("Forcing a PIN change failed.")
	}
	forceWith("8 retries left.", "7 retries left.", "6 retries left.")
	h.mustSee("Too many wrong PINs in a row")
	h.mustSee("Unplug the key and plug it back in")
	test.Tap(h.dialogButton("OK"))
	h.mustSee("PIN: set, 5 retries left")

	r.Replug()
	forceWith("5 retries left.", "4 retries left.", "3 retries left.")
	test.Tap(h.dialogButton("OK"))
	r.Replug()
	forceWith("2 retries left.", "1 retry left: one more wrong PIN blocks the key")
	h.mustSee("PIN blocked")
	h.mustSee("Only a reset makes the key usable again")
	if i := keyInfo(t, r); i.PINRetries != 0 {
		t.Fatalf("key has %d PIN retries, want 0", i.PINRetries)
	}
}
