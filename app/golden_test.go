package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Golden renderings of the main screens in both themes. After a
// deliberate change, look at testdata/failed/*.png and move them over the
// masters in testdata/.
func TestGoldenScreens(t *testing.T) {
	for _, variant := range []string{ThemeLight, ThemeDark} {
		t.Run(variant, func(t *testing.T) {
			setTheme := func(h *harness) {
				s := DefaultSettings()
				s.Theme = variant
				h.settings.Save(s)
			}
			h := newHarness(t)
			setTheme(h)
			h.open()
			test.AssertImageMatches(t, "welcome_"+variant+".png", h.capture())

			h = newHarness(t)
			setTheme(h)
			h.makeVault("Work|"+githubURI, pypiURI, acmeURI, hotpURI, "Work|otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
			h.open()
			h.unlock("wrong")
			test.AssertImageMatches(t, "unlock_error_"+variant+".png", h.capture())

			h.unlock(testPassword)
			test.Tap(h.row("PyPI").star)
			h.clock.Advance(22 * time.Second) // under 10 s: next codes show
			test.AssertImageMatches(t, "codes_"+variant+".png", h.capture())

			h.ui.s.main.showAdd()
			test.AssertImageMatches(t, "add_"+variant+".png", h.capture())
		})
	}
}
