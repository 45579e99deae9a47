//go:build cgo

package app

import (
	"encoding/base64"
	"encoding/hex"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// TestKeysPasskeyRowsShowUserAndID lists passkeys with their display
// names and shortened credential IDs, and the IDs in full in the details.
func TestKeysPasskeyRowsShowUserAndID(t *testing.T) {
	h, r := keysTab(t, softkey.Config{MaxResident: 10})
	setKeyPIN(t, r, "1234")
	alice := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", RPName: "GitHub",
		UserName: "alice", DisplayName: "Alice Liddell", UserID: []byte{0xa1, 0x1c, 0xe0}, PIN: "1234"})
	bob := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", UserName: "bob", DisplayName: "bob", PIN: "1234"})
	if len(alice) <= 8 {
		t.Fatalf("credential ID of %d bytes: too short to be shortened", len(alice))
	}
	short := func(id []byte) string { // independent of shortHex
		h := hex.EncodeToString(id)
		return "Credential ID " + h[:8] + "…" + h[len(h)-4:]
	}
	test.Tap(h.button("Passkeys"))
	h.answerPIN("1234")
	h.waitFor("2 passkeys")
	h.mustSee("github.com — alice (Alice Liddell)")
	h.mustSee(short(alice))
	h.mustSee(short(bob))
	h.mustNotSee("bob (bob)") // a display name equal to the user name is not repeated
	h.mustNotSee(hex.EncodeToString(alice))

	test.Tap(h.button("Details")) // alice's, the first row
	h.mustSee(hex.EncodeToString(alice))
	h.mustSee(base64.RawURLEncoding.EncodeToString(alice))
	h.mustSee("github.com (GitHub)")
	h.mustSee("a11ce0")
	test.Tap(h.dialogButton("Close"))
	h.mustNotSee(hex.EncodeToString(alice))
}
