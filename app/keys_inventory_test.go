//go:build cgo

package app

import (
	"crypto/rand"
	"testing"

	"fyne.io/fyne/v2/test"
	libfido2 "github.com/keys-pub/go-libfido2"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
	"github.com/twofold-app/twofold/vault"
)

// signsWith reports whether the rig's key holds credential id for
// fido.TestRPID: it signs a challenge with it.
func signsWith(t *testing.T, r *fidotest.Rig, id []byte) bool {
	t.Helper()
	dev, err := libfido2.NewDevice(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	cdh := make([]byte, 32)
	rand.Read(cdh)
	_, err = dev.Assertion(fido.TestRPID, cdh, [][]byte{id}, "", nil)
	return err == nil
}

// TestKeysTestRecordsCredential records a passed test's credential under
// the key's inventory entry, as 'twofold key test --record' does, and
// shows it in the inventory.
func TestKeysTestRecordsCredential(t *testing.T) {
	h, r := keysTab(t, softkey.Config{})
	test.Tap(h.button("Test"))
	h.waitFor("The key works.")
	h.mustSee("press \"Name this key\", then test the key again")

	test.Tap(h.button("Name this key"))
	test.Type(h.entry("Name"), "blue")
	test.Tap(h.dialogButton("OK"))
	inv := h.ui.s.v
	if _, err := inv.RecordSecurityKey("spare", "00000000-0000-0000-0000-000000000001", "Other model"); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button("Test"))
	h.waitFor("The key works.")
	pick := find(h, "record select", func(s *selectField) bool { return s.PlaceHolder == "Choose a recorded key" })
	if pick.Selected != "blue" || len(pick.Options) != 2 || pick.Options[0] != "blue" {
		t.Fatalf("record select: %q chosen of %q; want blue, the key of this model, first and chosen", pick.Selected, pick.Options)
	}
	test.Tap(h.button("Record"))
	h.waitFor("Recorded the test credential under blue.")

	keys, err := inv.SecurityKeys()
	if err != nil {
		t.Fatal(err)
	}
	byLabel := map[string]vault.SecurityKey{}
	for _, k := range keys {
		byLabel[k.Label] = k
	}
	if byLabel["spare"].TestCredential != "" {
		t.Errorf("spare got a test credential: %q", byLabel["spare"].TestCredential)
	}
	id, err := fido.ParseID(byLabel["blue"].TestCredential)
	if err != nil {
		t.Fatalf("blue's test credential %q: %v", byLabel["blue"].TestCredential, err)
	}
	if !signsWith(t, r, id) {
		t.Fatalf("the key does not sign with the recorded credential %x", id)
	}
	if signsWith(t, r, []byte("not a credential of this key, of some length")) {
		t.Fatal("the key signs with any credential ID: the check above proves nothing")
	}
	h.mustSee("Test credential " + shortHex(id) + ", from a passed key test")

	saved, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, &vault.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer saved.Lock()
	if keys, err := saved.SecurityKeys(); err != nil || len(keys) != 2 || keys[0].TestCredential+keys[1].TestCredential != byLabel["blue"].TestCredential {
		t.Fatalf("saved inventory %+v, %v; want blue's test credential saved", keys, err)
	}
}
