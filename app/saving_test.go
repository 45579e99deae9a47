package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/vault"
)

// savedElsewhere saves the harness's vault from another program's
// Store (an account starred there), so that the window's next save
// finds the file changed on disk and is refused.
func (h *harness) savedElsewhere() {
	h.t.Helper()
	other, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	defer other.Lock()
	accounts, _ := other.Accounts()
	if err := other.SetFavourite(accounts[0].ID, !accounts[0].Favourite); err != nil {
		h.t.Fatal(err)
	}
	if err := other.Save(); err != nil {
		h.t.Fatal(err)
	}
}

// TestFailedSaveDropsTheChange: every action saves its change at once;
// when the save is refused, the window says so and shows the vault as
// it is on disk, and nothing stays pending in memory for a later save
// to write. A star stayed shown that was never saved; an account or a
// token the person was told had not been added, and a recovery code
// marked used but never copied, were written by the next save that
// succeeded.
func TestFailedSaveDropsTheChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		do    func(h *harness)
		check func(h *harness)
	}{
		{"star", nil, func(h *harness) { test.Tap(h.row("PyPI").star) }, func(h *harness) {
			if h.row("PyPI").data.Account.Favourite || len(h.headings()) != 0 {
				t.Errorf("PyPI shown starred; headings %q", h.headings())
			}
		}},
		{"next HOTP code", nil, func(h *harness) { test.Tap(h.row("Bank").hotp) }, func(h *harness) {
			if r := h.row("Bank"); r.next.Text != "counter 5" || h.app.Clipboard().Content() != "" {
				t.Errorf("Bank shows %q, %q; clipboard %q", r.code.Text, r.next.Text, h.app.Clipboard().Content())
			}
		}},
		{"add account", nil, func(h *harness) {
			h.ui.s.main.tabs.SelectIndex(1)
			h.entry("otpauth://").SetText(githubURI)
			test.Tap(h.button("Add from link"))
		}, func(h *harness) {
			h.ui.s.main.tabs.SelectIndex(0)
			h.mustNotSee("GitHub")
		}},
		{"add token", nil, func(h *harness) {
			h.ui.s.main.tabs.SelectIndex(3)
			h.ui.s.main.tokens.name.SetText("CI")
			h.ui.s.main.tokens.token.SetText("ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789")
			test.Tap(h.button("Add token"))
		}, func(h *harness) { h.mustSee("No API tokens yet") }},
		{"add recovery codes", nil, func(h *harness) {
			h.ui.s.main.tabs.SelectIndex(2)
			h.ui.s.main.recovery.service.SetText("GitHub")
			h.ui.s.main.recovery.codes.SetText("aaaa-1111\nbbbb-2222")
			test.Tap(h.button("Add recovery codes"))
		}, func(h *harness) { h.mustSee("No recovery codes yet") }},
		{"use a recovery code", func(h *harness) {
			h.ui.s.main.tabs.SelectIndex(2)
			h.ui.s.main.recovery.service.SetText("GitHub")
			h.ui.s.main.recovery.codes.SetText("aaaa-1111\nbbbb-2222")
			test.Tap(h.button("Add recovery codes"))
		}, func(h *harness) { test.Tap(h.button("Copy next")) }, func(h *harness) {
			h.mustSee("2 of 2 unused")
			if got := h.app.Clipboard().Content(); got != "" {
				t.Errorf("clipboard %q", got)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := unlocked(t, pypiURI, hotpURI)
			if tc.setup != nil {
				tc.setup(h)
			}
			h.savedElsewhere()
			tc.do(h)
			h.mustSee("The vault changed on disk")
			if h.ui.s.v.(*vault.Store).Dirty() {
				t.Error("the refused change is still pending in memory")
			}
			for _, o := range h.w.Canvas().Overlays().List() {
				h.w.Canvas().Overlays().Remove(o)
			}
			tc.check(h)
		})
	}
}
