package app

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// ringed reports whether b's focus ring is drawn: the pixels just above
// its top edge, in its middle, stand out (3:1) against the background.
func (h *harness) ringed(b *button) bool {
	img := h.capture()
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	bg := b.Theme().Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant())
	for y := int(p.Y) - ringOutset; y < int(p.Y); y++ {
		if contrastRatio(img.At(int(p.X+b.Size().Width/2), y), bg) >= 3 {
			return true
		}
	}
	return false
}

// focusedButton is the button with the keyboard focus (nil: none).
func (h *harness) focusedButton() *button {
	b, _ := h.w.Canvas().Focused().(*button)
	return b
}

// key types a key as the desktop driver delivers it: the key to what
// has the focus, then, for Space, its character to what has the focus
// after that.
func (h *harness) key(name fyne.KeyName) {
	h.t.Helper()
	f := h.w.Canvas().Focused()
	if f == nil {
		h.t.Fatalf("%s typed with nothing focused", name)
	}
	f.TypedKey(&fyne.KeyEvent{Name: name})
	if name == fyne.KeySpace {
		if f = h.w.Canvas().Focused(); f != nil {
			f.TypedRune(' ')
		}
	}
}

// TestFocusedButtonIsRinged: in both themes a button shows it has the
// keyboard focus with a ring a person can see (Fyne's own tint is
// 1.2–1.3:1), and only while it has it; Space and Enter press it and
// leave the focus on it (for a star, on the starred account's star), so
// the next Tab goes on from there.
func TestFocusedButtonIsRinged(t *testing.T) {
	for _, choice := range []string{ThemeLight, ThemeDark} {
		t.Run(choice, func(t *testing.T) {
			h := unlocked(t, githubURI)
			h.ui.settings.Theme = choice
			h.ui.applyTheme()
			add := find(h, "Add account", func(b *button) bool { return b.Text == "Add account" })
			if h.ringed(add) {
				t.Fatal("ring drawn before the button has the focus")
			}
			h.w.Canvas().Focus(add)
			if !h.ringed(add) {
				t.Fatal("no visible ring on the focused button")
			}
			h.w.Canvas().Focus(h.ui.s.main.codes.search)
			if h.ringed(add) {
				t.Error("the ring stays after the focus left the button")
			}
			star := h.row("GitHub").star
			h.w.Canvas().Focus(star)
			for i, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeySpace} {
				h.key(key)
				if fav := h.row("GitHub").data.Account.Favourite; fav != (i == 0) {
					t.Errorf("%s on the star: favourite %v", key, fav)
				}
				// Starring moves the account to or from the favourites:
				// the focus follows it to the star of its new line.
				if star = h.row("GitHub").star; h.focusedButton() != star || !h.ringed(star) {
					t.Errorf("%s on the star took the focus (or its ring) away from GitHub's star", key)
				}
			}
		})
	}
}

// TestDialogsAnswerFromTheKeyboard: a dialog opens with a button focused
// and ringed (the safe one when the action destroys something), Escape
// dismisses it, Tab moves to the other button and Enter presses it.
func TestDialogsAnswerFromTheKeyboard(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	l := h.list()
	h.w.Canvas().Focus(l)
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	h.mustSee("Remove GitHub (me@example.com)?")
	b := h.focusedButton()
	if b == nil || b.Text != "Cancel" {
		t.Fatalf("focused when the remove dialog opens: %v, want Cancel", h.w.Canvas().Focused())
	}
	if !h.ringed(b) {
		t.Error("the focused Cancel has no visible ring")
	}
	h.key(fyne.KeyEscape)
	h.mustNotSee("Remove GitHub")
	if got := h.listed(); !slices.Equal(got, []string{"GitHub", "PyPI"}) {
		t.Fatalf("listed after Escape: %q", got)
	}

	h.w.Canvas().Focus(l)
	l.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	h.w.Canvas().FocusNext()
	if b := h.focusedButton(); b == nil || b.Text != "Remove" || !h.ringed(b) {
		t.Fatalf("after Tab: focused %v, want Remove with its ring", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyReturn)
	if got := h.listed(); !slices.Equal(got, []string{"PyPI"}) {
		t.Errorf("listed after Tab, Enter on Remove: %q", got)
	}

	// A message (here: an error) opens with OK focused; Enter closes it.
	showMessage(h.w, "Could not save", "The disk is full.")
	h.mustSee("The disk is full.")
	if b := h.focusedButton(); b == nil || b.Text != "OK" {
		t.Fatalf("focused when a message opens: %v, want OK", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyReturn)
	h.mustNotSee("The disk is full.")
}

// TestKeyboardFocusAfterActions: pressing Lock with Space leaves no space
// in the password field (the character follows the key, to what has the
// focus then); after adding an account the focus is on its line, not on
// the hidden form (where Enter would add again, unseen); "Copy next"
// pressed from the keyboard keeps the focus, on the rebuilt list's button.
func TestKeyboardFocusAfterActions(t *testing.T) {
	h := unlocked(t, githubURI)
	h.w.Canvas().Focus(find(h, "Lock", func(b *button) bool { return b.Text == "Lock" }))
	h.key(fyne.KeySpace)
	if h.ui.Unlocked() {
		t.Fatal("Space on Lock did not lock")
	}
	if pw := h.entry("Password"); pw.Text != "" {
		t.Errorf("the password field holds %q after Space on Lock", pw.Text)
	}
	h.unlock(testPassword)

	h.shortcut(shortcutAdd)
	h.entry("otpauth://").SetText(pypiURI)
	h.key(fyne.KeyReturn)
	h.mustSee("Added PyPI (me)")
	l := h.list()
	if h.w.Canvas().Focused() != l {
		t.Fatalf("focused after adding: %T, want the code list", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyReturn)
	if got := h.app.Clipboard().Content(); got != expected(t, pypiURI, t0) {
		t.Errorf("Enter after adding copied %q, want the new account's code", got)
	}

	h.ui.s.main.tabs.SelectIndex(2)
	r := h.ui.s.main.recovery
	r.service.SetText("GitHub")
	r.codes.SetText("aaaa-1111\nbbbb-2222\ncccc-3333\ndddd-4444\neeee-5555\n")
	test.Tap(h.button("Add recovery codes"))
	h.w.Canvas().Focus(find(h, "Copy next", func(b *button) bool { return b.Text == "Copy next" }))
	for _, want := range []string{"aaaa-1111", "bbbb-2222"} {
		h.key(fyne.KeySpace)
		if got := h.app.Clipboard().Content(); got != want {
			t.Fatalf("Space on Copy next copied %q, want %q", got, want)
		}
	}
	h.mustSee("3 of 5 unused")
	if b := h.focusedButton(); b == nil || b.Text != "Copy next" || !h.ringed(b) {
		t.Errorf("focused after Copy next: %T, want the set's (new) Copy next with its ring", h.w.Canvas().Focused())
	}
}

// TestFirstRunFromTheKeyboard: the welcome screen opens with Create
// focused, and the create screen with the password field, so a person
// can start typing without reaching for the mouse.
func TestFirstRunFromTheKeyboard(t *testing.T) {
	h := newHarness(t)
	h.open()
	h.mustSee("Welcome to Twofold")
	if b := h.focusedButton(); b == nil || b.Text != "Create a new vault" || !h.ringed(b) {
		t.Fatalf("focused on the welcome screen: %T, want Create a new vault with its ring", h.w.Canvas().Focused())
	}
	h.key(fyne.KeySpace)
	h.mustSee("Create your vault")
	if h.w.Canvas().Focused() != h.entry("Password") {
		t.Errorf("focused on the create screen: %T, want the password field", h.w.Canvas().Focused())
	}
	if got := h.entry("Password").Text; got != "" {
		t.Errorf("the password field holds %q after Space on Create", got)
	}
}

// TestEnterSubmitsForms: Enter in the add-account fields and the token
// fields adds, as their buttons do (only the link field did).
func TestEnterSubmitsForms(t *testing.T) {
	h := unlocked(t)
	h.shortcut(shortcutAdd)
	a := h.ui.s.main.add
	a.issuer.SetText("Acme")
	a.account.SetText("ops")
	a.secret.SetText("JBSWY3DPEHPK3PXP")
	h.w.Canvas().Focus(a.secret)
	h.key(fyne.KeyReturn)
	h.mustSee("Added Acme (ops)")

	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	v.name.SetText("PyPI mypkg")
	v.token.SetText(pypiToken(t, `[1, ["mypkg"]]`))
	h.w.Canvas().Focus(v.token)
	h.key(fyne.KeyReturn)
	h.mustSee("pypi · projects: mypkg · no expiry")
}
