//go:build cgo

package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// TestKeysInfoShowsOptionsAndExtensions reads a fingerprint key's options
// and extensions, readable, and again after always-UV was turned on.
func TestKeysInfoShowsOptionsAndExtensions(t *testing.T) {
	h, r := keysTab(t, softkey.Config{Bio: true})
	test.Tap(h.button("Info"))
	h.waitFor("Reading the key: done.")
	for _, s := range []string{
		"Resident keys (passkeys): yes", "Passkey management: yes", "Fingerprints: none enrolled",
		"Built-in user verification: not set up", "Always require user verification: off",
		"Extensions: credProtect (credential protection), minPinLength (sites may read the minimum PIN length)",
		"Fingerprint attempts left: 8", "Free passkey slots: 25",
	} {
		h.mustSee(s)
	}
	h.mustNotSee("clientPin")

	setKeyPIN(t, r, "1234")
	d, err := fido.Open(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	cb := &fido.Callbacks{PIN: func(context.Context, fido.PINRequest) (string, error) { return "1234", nil }}
	if err := d.SetAlwaysUV(context.Background(), true, cb); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button("Info"))
	h.waitFor("Always require user verification: on")
	h.mustSee("PIN: set, 8 retries left")
}
