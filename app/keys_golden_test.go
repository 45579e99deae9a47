//go:build cgo

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
	"github.com/twofold-app/twofold/vault"
)

// recordKey adds a security key with services and a test credential to
// the inventory of the harness's (locked) vault.
func (h *harness) recordKey(label, model string, services ...string) {
	h.t.Helper()
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, &vault.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	defer s.Lock()
	if _, err := s.RecordSecurityKey(label, "74776f666f6c642d736f66746b657931", model); err != nil {
		h.t.Fatal(err)
	}
	if _, err := s.UpdateSecurityKey(label, func(k *vault.SecurityKey) {
		k.Services = services
		k.TestCredential = "3q2-7wABAgMEBQYHCAkKCw" // de ad be ef 00 … 0a 0b
	}); err != nil {
		h.t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		h.t.Fatal(err)
	}
}

// TestGoldenKeys renders the security keys tab in both themes: the
// software key listed, its info read, and an inventory with a service on
// that key only. Everything shown is fixed by the software key's
// configuration (model, AAGUID, firmware, slots) and the test vault: no
// device path, time or random value.
func TestGoldenKeys(t *testing.T) {
	for _, variant := range []string{ThemeLight, ThemeDark} {
		t.Run(variant, func(t *testing.T) {
			r := fidotest.New(t, softkey.Config{FirmwareVersion: 5})
			h := newHarness(t)
			s := DefaultSettings()
			s.Theme = variant
			h.settings.Save(s)
			h.keys = KeyOptions{Paths: []string{r.Path()}, NoEnumerate: true}
			h.makeVault(githubURI)
			h.recordKey("Blue key", "Twofold software authenticator", "github.com")
			h.open()
			h.w.Resize(fyne.NewSize(640, 1040)) // room for the options and the inventory
			h.unlock(testPassword)
			h.ui.s.main.tabs.SelectIndex(4)
			h.waitFor("1 key connected")
			test.Tap(h.button("Info"))
			h.waitFor("Reading the key: done.")
			h.mustSee("Model: Twofold software authenticator")
			h.mustSee("Resident keys (passkeys): yes")
			h.mustSee("Blue key (Twofold software authenticator)")
			h.mustSee("Test credential deadbeef…0a0b")
			test.AssertImageMatches(t, "keys_"+variant+".png", h.capture())
		})
	}
}
