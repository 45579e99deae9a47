package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestAddAccountFromURI(t *testing.T) {
	h := unlocked(t)
	h.shortcut(shortcutAdd)
	if h.w.Canvas().Focused() != h.ui.s.main.add.uri {
		t.Error("Ctrl+N does not focus the link field")
	}
	test.Type(h.entry("otpauth://"), "https://example.com")
	test.Tap(h.button("Add from link"))
	h.mustSee("Not an otpauth:// link")
	h.entry("otpauth://").SetText("otpauth://totp/X:me?secret=JBSWY3DPEHPK3PXP&digits=12")
	test.Tap(h.button("Add from link"))
	h.mustSee("Digits must be 4 to 10, got 12.")
	h.entry("otpauth://").SetText(githubURI)
	h.entry("Group").SetText("Work / Code")
	test.Tap(h.button("Add from link"))
	h.mustSee("Added GitHub (me@example.com)")
	if h.ui.s.main.tabs.SelectedIndex() != 0 {
		t.Error("not back on the codes tab")
	}
	if got := h.row("GitHub").code.Text; got != groupCode(expected(t, githubURI, t0)) {
		t.Errorf("code = %q", got)
	}
	if got := h.headings(); len(got) != 1 || got[0] != "Work / Code" {
		t.Errorf("headings = %q", got)
	}
	if h.ui.s.main.add.uri.Text != "" {
		t.Error("the link (with its secret) stays in the form")
	}
}

func TestAddAccountManuallyExplainsEachField(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.showAdd()
	a := h.ui.s.main.add
	a.digits.SetText("3")
	a.period.SetText("0")
	a.secret.SetText("not base32!")
	test.Tap(h.button("Add account"))
	h.mustSee("Give the service's name")
	h.mustSee("Digits must be a whole number from 4 to 10")
	h.mustSee("The period must be a whole number of seconds")
	h.mustSee("The secret is not valid base32")

	a.typ.SetSelectedIndex(1) // HOTP
	a.steam.SetChecked(true)
	a.counter.SetText("-1")
	test.Tap(h.button("Add account"))
	h.mustSee("The counter must be a whole number")
	h.mustSee("Steam Guard codes are time-based")
	h.mustNotSee("The period must be")

	a.reset()
	a.issuer.SetText("Steam")
	a.account.SetText("gamer")
	a.secret.SetText("jbsw y3dp ehpk 3pxp")
	a.steam.SetChecked(true)
	test.Tap(h.button("Add account"))
	h.mustSee("Added Steam (gamer)")
	if got := h.row("Steam").code.Text; len(got) != 5 {
		t.Errorf("steam code = %q", got)
	}
}
