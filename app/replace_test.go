package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

const githubNewSecretURI = "otpauth://totp/GitHub:me@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub"

// TestAddingAnAccountAgain: the same account again is refused in the
// form; the same issuer and name with another secret (2FA set up again)
// asks first, Cancel keeps the old one, Replace keeps only the new one
// (the old goes to the recycle bin) in the window and in the saved file.
func TestAddingAnAccountAgain(t *testing.T) {
	h := unlocked(t, githubURI)
	add := func(uri string) {
		h.ui.s.main.tabs.SelectIndex(1)
		h.entry("otpauth://").SetText(uri)
		test.Tap(h.button("Add from link"))
	}
	add("otpauth://totp/github:ME@example.com?secret=jbswy3dpehpk3pxp&issuer=github")
	h.mustSee("Already in the vault. Nothing was added")
	if got := h.savedIssuers(); !slices.Equal(got, []string{"GitHub"}) {
		t.Fatalf("saved after adding the same account: %q", got)
	}

	add(githubNewSecretURI)
	h.mustSee("Replace GitHub (me@example.com)?")
	if b := h.focusedButton(); b == nil || b.Text != "Cancel" {
		t.Errorf("focused when asked to replace: %v, want Cancel", h.w.Canvas().Focused())
	}
	test.Tap(h.dialogButton("Cancel"))
	h.ui.s.main.tabs.SelectIndex(0)
	if got := h.row("GitHub").code.Text; got != groupCode(expected(t, githubURI, t0)) {
		t.Errorf("after Cancel the code is %q, want the old secret's", got)
	}

	add(githubNewSecretURI)
	test.Tap(h.dialogButton("Replace"))
	h.mustSee("Added GitHub (me@example.com)")
	if got := h.listed(); !slices.Equal(got, []string{"GitHub"}) {
		t.Fatalf("listed after Replace: %q", got)
	}
	if got := h.row("GitHub").code.Text; got != groupCode(expected(t, githubNewSecretURI, t0)) {
		t.Errorf("after Replace the code is %q, want the new secret's", got)
	}
	if got := h.savedIssuers(); !slices.Equal(got, []string{"GitHub"}) {
		t.Errorf("live accounts saved after Replace: %q", got)
	}
}

// TestAddingRecoveryCodesAndTokensAgain: new codes for a service that has
// some, and a token under a name in use, replace the old only when the
// person says so.
func TestAddingRecoveryCodesAndTokensAgain(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	addCodes := func(codes string) {
		r.service.SetText("GitHub")
		r.codes.SetText(codes)
		test.Tap(h.button("Add recovery codes"))
	}
	addCodes("aaaa-1111\nbbbb-2222\n")
	test.Tap(h.button("Copy next"))
	addCodes("cccc-3333\ndddd-4444\neeee-5555\n")
	h.mustSee("Replace the recovery codes of GitHub?")
	h.mustSee("The vault has recovery codes for GitHub (1 of 2 unused).")
	h.mustSee("The old set moves to the vault's recycle bin") // QA: "the old ones … The old one"
	test.Tap(h.dialogButton("Cancel"))
	h.mustSee("1 of 2 unused")
	addCodes("cccc-3333\ndddd-4444\neeee-5555\n")
	test.Tap(h.dialogButton("Replace"))
	h.mustSee("3 of 3 unused")
	h.mustNotSee("1 of 2 unused")
	test.Tap(h.button("Copy next"))
	if got := h.app.Clipboard().Content(); got != "cccc-3333" {
		t.Errorf("Copy next after Replace copied %q, want the new set's first code", got)
	}

	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	addToken := func(token string) {
		v.name.SetText("PyPI mypkg")
		v.token.SetText(token)
		test.Tap(h.button("Add token"))
	}
	addToken(pypiToken(t, `[1, ["mypkg"]]`))
	addToken(pypiToken(t, `[1, ["otherpkg"]]`))
	h.mustSee("Replace the token PyPI mypkg?")
	test.Tap(h.dialogButton("Replace"))
	h.mustSee("pypi · projects: otherpkg · no expiry")
	h.mustNotSee("pypi · projects: mypkg · no expiry")
	if v.token.Text != "" {
		t.Error("the token stays in the form after Replace")
	}
}
