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
	h.mustSee("Added GitHub (me@example.com) to the group Work / Code") // the group, kept for the next account, is named
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

// TestFieldErrorGoesWhenTheFieldChanges: an error under a field goes
// once the person types in that field again; it stayed under the
// corrected text until the next submit (QA). Errors under other fields
// stay.
func TestFieldErrorGoesWhenTheFieldChanges(t *testing.T) {
	h := unlocked(t)
	h.shortcut(shortcutAdd)
	a := h.ui.s.main.add
	test.Tap(h.button("Add account"))
	h.mustSee("The secret is missing")
	if !a.fIssuer.err.Visible() {
		t.Fatal("no error under Service")
	}
	test.Type(a.secret, "JBSW")
	h.mustNotSee("The secret is missing")
	if !a.fIssuer.err.Visible() {
		t.Error("typing the secret took the Service error away")
	}
	test.Type(a.uri, "otpauth://totp/X?secret=%%%")
	test.Tap(h.button("Add from link"))
	if !a.fURI.err.Visible() {
		t.Fatal("no error under the link")
	}
	test.Type(a.uri, "x")
	if a.fURI.err.Visible() {
		t.Error("the link's error stays after the link changed")
	}
}

// TestShortSecretAsksFirst: a secret shorter than any service gives
// (here 8 bits: "AA") was most likely cut off when copied; adding it asks
// first, Go back adds nothing, Add anyway adds it. A usual 80-bit secret
// does not ask.
func TestShortSecretAsksFirst(t *testing.T) {
	h := unlocked(t)
	h.shortcut(shortcutAdd)
	short := "otpauth://totp/Short:x?secret=AA&issuer=Short"
	h.entry("otpauth://").SetText(short)
	test.Tap(h.button("Add from link"))
	h.mustSee("This secret is only 8 bits long (2 base32 characters)")
	test.Tap(h.dialogButton("Go back"))
	h.mustNotSee("Added Short")
	if got := h.savedNames(); len(got) != 0 {
		t.Errorf("saved %q after Go back", got)
	}
	test.Tap(h.button("Add from link"))
	test.Tap(h.dialogButton("Add anyway"))
	h.mustSee("Added Short (x)")
	h.shortcut(shortcutAdd)
	h.entry("otpauth://").SetText(githubURI) // 80 bits
	test.Tap(h.button("Add from link"))
	h.mustNotSee("short secret")
	h.mustSee("Added GitHub")
}
