package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/vault"
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

			st := h.ui.s.v.(*vault.Store)
			set, err := st.AddRecoveryCodes("GitHub", "me@example.com", nil, []string{"aaaa-1111", "bbbb-2222", "cccc-3333"})
			if err != nil {
				t.Fatal(err)
			}
			st.UseRecoveryCode(set.ID)
			st.AddRecoveryCodes("PyPI", "", nil, []string{"1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888"})
			h.ui.s.main.selectTab(2)
			test.AssertImageMatches(t, "recovery_"+variant+".png", h.capture())

			for _, tok := range []struct{ name, caveat string }{
				{"PyPI upload (all projects)", fmt.Sprintf(`[0, %d, %d]`, t0.AddDate(0, 0, 5).Unix(), t0.Unix())},
				{"PyPI upload (mypkg)", `[1, ["mypkg"]]`},
			} {
				if _, err := st.AddToken(vault.NewToken{Name: tok.name, Token: []byte(pypiToken(t, tok.caveat))}); err != nil {
					t.Fatal(err)
				}
			}
			h.ui.s.main.selectTab(3)
			test.AssertImageMatches(t, "tokens_"+variant+".png", h.capture())

			h.ui.s.main.selectTab(5)
			test.AssertImageMatches(t, "settings_"+variant+".png", h.capture())
		})
	}
}
