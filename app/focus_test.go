package app

import (
	"math"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringed reports whether b's focus ring is drawn: the pixels just above
// its top edge, in its middle, stand out (3:1) against the background.
func (h *harness) ringed(b *button) bool { return h.ringedAt(b, ringOutset) }

// ringedAt is ringed for a control whose ring lies outset outside it.
func (h *harness) ringedAt(o fyne.CanvasObject, outset int) bool {
	img := h.capture()
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	bg := theme.Current().Color(theme.ColorNameBackground, fyne.CurrentApp().Settings().ThemeVariant())
	for y := int(p.Y) - outset; y < int(p.Y)-outset+ringWidth; y++ {
		if contrastRatio(img.At(int(p.X+o.Size().Width/2), y), bg) >= 3 {
			return true
		}
	}
	return false
}

// tab presses Tab (Shift+Tab if back) as the desktop driver does: a
// control that accepts Tab gets the key, else the focus moves on.
func (h *harness) tab(back bool) {
	c := h.w.Canvas()
	if t, ok := c.Focused().(fyne.Tabbable); ok && t.AcceptsTab() {
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		return
	}
	if back {
		c.FocusPrevious()
	} else {
		c.FocusNext()
	}
}

// focusables lists the controls on screen Tab should reach: visible,
// enabled and focusable.
func (h *harness) focusables() []fyne.Focusable {
	var out []fyne.Focusable
	for _, o := range h.objects() {
		f, ok := o.(fyne.Focusable)
		if d, off := o.(fyne.Disableable); !ok || off && d.Disabled() || slices.Contains(out, f) {
			continue
		}
		if b, ok := o.(*widget.Button); ok && slices.ContainsFunc(out, func(f fyne.Focusable) bool {
			ours, _ := f.(*button)
			return ours != nil && &ours.Button == b
		}) {
			continue // a button of ours, listed already
		}
		out = append(out, f)
	}
	return out
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
			// Around a button in the primary colour the ring is in the
			// text colour, apart from the button's fill.
			h.shortcut(shortcutAdd)
			primary := find(h, "Add from link", func(b *button) bool { return b.Text == "Add from link" })
			h.w.Canvas().Focus(primary)
			th, v := primary.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
			if !h.ringed(primary) || primary.ring.rect.StrokeColor != th.Color(theme.ColorNameForeground, v) {
				t.Errorf("focused primary button: ringed %v, ring colour %v", h.ringed(primary), primary.ring.rect.StrokeColor)
			}
		})
	}
}

// TestLineMenuFromTheKeyboard: the Menu key (or F10) on the code list
// opens the highlighted line's menu, which holds what the line's buttons
// do (they are no Tab stops); starring from it keeps the focus on the
// list, on the account's new line among the favourites, and Escape gives
// the focus back to the list.
func TestLineMenuFromTheKeyboard(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	l := h.list()
	h.w.Canvas().Focus(l)
	for _, key := range []fyne.KeyName{fyne.KeyF10, desktop.KeyMenu} {
		a := h.ui.s.main.codes.accountAt(l.highlight)
		if a == nil || a.Issuer != "GitHub" {
			t.Fatalf("highlight on line %d, want GitHub's", l.highlight)
		}
		star := "Add to favourites"
		if a.Favourite {
			star = "Remove from favourites"
		}
		h.key(key)
		if h.openMenuItem(star) == nil {
			t.Fatalf("%s: no menu with %q", key, star)
		}
		// It opens under the line it is for.
		d := fyne.CurrentApp().Driver()
		row := h.row("GitHub")
		pop := find(h, "the menu", func(*widget.PopUpMenu) bool { return true })
		if under := d.AbsolutePositionForObject(row).Y + row.Size().Height; math.Abs(float64(pop.Position().Y-under)) > 2 {
			t.Errorf("%s: the menu opens at y %.0f, GitHub's line ends at %.0f", key, pop.Position().Y, under)
		}
		for range 2 { // Copy code, then the star
			h.key(fyne.KeyDown)
		}
		h.key(fyne.KeyReturn)
		if h.openMenuItem(star) != nil {
			t.Errorf("the menu stays open after %s", star)
		}
		if fav := h.row("GitHub").data.Account.Favourite; fav == a.Favourite {
			t.Errorf("%s → %s: favourite still %v", key, star, fav)
		}
		if h.w.Canvas().Focused() != l {
			t.Fatalf("focused after %s: %T, want the code list", star, h.w.Canvas().Focused())
		}
	}
	h.key(desktop.KeyMenu)
	if h.openMenuItem("Show QR code…") == nil {
		t.Fatal("no menu after the Menu key")
	}
	h.key(fyne.KeyEscape)
	if h.openMenuItem("Show QR code…") != nil {
		t.Fatal("the menu stays open after Escape")
	}
	if a := h.ui.s.main.codes.accountAt(l.highlight); h.w.Canvas().Focused() != l || a == nil || a.Issuer != "GitHub" {
		t.Errorf("after Escape: focused %T, highlight on line %d; want the list on GitHub", h.w.Canvas().Focused(), l.highlight)
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
	h.mustSee("Remove this account?")
	h.mustSee("GitHub (me@example.com) will be moved")
	b := h.focusedButton()
	if b == nil || b.Text != "Cancel" {
		t.Fatalf("focused when the remove dialog opens: %v, want Cancel", h.w.Canvas().Focused())
	}
	if !h.ringed(b) {
		t.Error("the focused Cancel has no visible ring")
	}
	h.key(fyne.KeyEscape)
	h.mustNotSee("Remove this account?")
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

// TestTabReachesEveryControl: on every screen of an unlocked vault, Tab
// visits each control on screen and comes round to the first again, and
// Shift+Tab goes back the same way, stop by stop: no control keeps the
// focus (the recovery codes box did: Fyne's multi-line entry takes Tab).
func TestTabReachesEveryControl(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI)
	h.ui.s.main.recovery.service.SetText("GitHub")
	h.ui.s.main.recovery.codes.SetText("aaaa-1111\nbbbb-2222\n")
	h.ui.s.main.recovery.addSet()
	h.ui.s.main.add.advanced.setOpen(true)
	for i, tab := range h.ui.s.main.tabs.Items {
		h.ui.s.main.tabs.SelectIndex(i)
		want := h.focusables()
		var forward []fyne.Focusable
		for _, back := range []bool{false, true} {
			h.w.Canvas().Unfocus()
			var seen []fyne.Focusable
			for range 2 * len(want) {
				h.tab(back)
				seen = append(seen, h.w.Canvas().Focused())
			}
			for _, f := range want {
				if !slices.Contains(seen, f) {
					t.Errorf("%s (back %v): Tab never reaches %T %v; reached %d of %d", tab.Text, back, f, f, len(slices.Compact(slices.Clone(seen))), len(want))
				}
			}
			n := len(want)
			if n > 0 && seen[n] != seen[0] {
				t.Errorf("%s (back %v): Tab does not come round: after %d presses on %T, not on the first, %T", tab.Text, back, n, seen[n], seen[0])
			}
			if !back {
				forward = seen[:n]
				continue
			}
			// Shift+Tab runs exactly back along Tab's cycle: from each
			// stop to the one Tab came from. (Fyne's backward walk visits
			// a control before the controls inside it, so a list whose
			// lines had buttons, or a field with a focusable eye, broke
			// this.)
			for j := 0; j+1 < len(seen); j++ {
				if k := slices.Index(forward, seen[j]); k >= 0 && seen[j+1] != forward[(k+n-1)%n] {
					t.Errorf("%s: Shift+Tab from %T went to %T, not where Tab came from (%T)", tab.Text, seen[j], seen[j+1], forward[(k+n-1)%n])
					break
				}
			}
		}
	}
}

// TestTabFollowsReadingOrder: on the codes screen Tab goes from the
// search to Add account and then into the list below them (the list came
// first, before the search above it).
func TestTabFollowsReadingOrder(t *testing.T) {
	h := unlocked(t, githubURI)
	c := h.w.Canvas()
	if c.Focused() != h.ui.s.main.codes.search {
		t.Fatalf("focused after unlocking: %T, want the search", c.Focused())
	}
	h.tab(false)
	if b := h.focusedButton(); b == nil || b.Text != "Add account" {
		t.Fatalf("Tab from the search went to %T, want Add account", c.Focused())
	}
	h.tab(false)
	if c.Focused() != h.list() {
		t.Errorf("Tab from Add account went to %T, want the code list", c.Focused())
	}
	// The list is one Tab stop: its lines' buttons are not (the line's
	// menu has what they do).
	h.tab(false)
	if b := h.focusedButton(); b == nil || b.Text != "Lock" {
		t.Errorf("Tab from the code list went to %T, want Lock", c.Focused())
	}
}

// TestFocusScrollsIntoView: in a window too short for the add form, each
// control Tab (or Shift+Tab) moves the focus to is scrolled into view;
// it was left below the visible part.
func TestFocusScrollsIntoView(t *testing.T) {
	h := unlocked(t)
	h.w.Resize(fyne.NewSize(640, 360))
	h.shortcut(shortcutAdd)
	a := h.ui.s.main.add
	a.advanced.setOpen(true)
	scroll := a.content.(*container.Scroll)
	if scroll.Content.MinSize().Height <= scroll.Size().Height {
		t.Fatalf("the form (%v) fits its view (%v): nothing to scroll", scroll.Content.MinSize(), scroll.Size())
	}
	d := fyne.CurrentApp().Driver()
	inView := func() {
		t.Helper()
		f := h.w.Canvas().Focused().(fyne.CanvasObject)
		top := d.AbsolutePositionForObject(f).Y - d.AbsolutePositionForObject(scroll).Y
		if bottom := top + f.Size().Height; top < 0 || bottom > scroll.Size().Height {
			t.Errorf("focused %T spans %.0f–%.0f of a view 0–%.0f high", f, top, bottom, scroll.Size().Height)
		}
	}
	h.w.Canvas().Focus(a.group)
	for f := h.w.Canvas().Focused(); ; {
		h.tab(false)
		if h.w.Canvas().Focused() == find(h, "Lock", func(b *button) bool { return b.Text == "Lock" }) {
			break // out of the form, to the window's bar
		}
		inView()
		if h.w.Canvas().Focused() == f {
			t.Fatal("Tab came round without leaving the form")
		}
	}
	if scroll.Offset.Y == 0 {
		t.Fatal("Tab to the form's end did not scroll it")
	}
	for h.w.Canvas().Focused() != fyne.Focusable(a.group) {
		h.tab(true)
		inView()
	}
}

// TestPasswordEyeFromKeyboard: Ctrl+H in a password field shows and
// hides what it holds, as its eye does (as in KeePassXC); the eye is no
// Tab stop, so Tab and Shift+Tab go field to field. A click on the eye
// shows the text and leaves the focus in the field.
func TestPasswordEyeFromKeyboard(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.tabs.SelectIndex(3)
	v := h.ui.s.main.tokens
	h.w.Canvas().Focus(v.token)
	for i := range 2 {
		v.token.TypedShortcut(shortcutReveal)
		if hidden := v.token.Password; hidden != (i == 1) {
			t.Errorf("after Ctrl+H ×%d the token is hidden: %v", i+1, hidden)
		}
	}
	h.tab(false)
	if h.w.Canvas().Focused() != fyne.Focusable(v.service) {
		t.Errorf("Tab from the token field went to %T, want the next field", h.w.Canvas().Focused())
	}
	h.tab(true)
	h.tab(true)
	if h.w.Canvas().Focused() != fyne.Focusable(v.name) {
		t.Errorf("Shift+Tab twice from the service field went to %T, want the name field", h.w.Canvas().Focused())
	}
	h.w.Canvas().Focus(v.service)
	test.Tap(v.token.ActionItem.(fyne.Tappable))
	if v.token.Password || h.w.Canvas().Focused() != v.token {
		t.Errorf("a click on the eye: hidden %v, focused %T; want shown and the field focused", v.token.Password, h.w.Canvas().Focused())
	}
}

// TestFocusedControlsAreRinged: selects and checks show the focus with a
// ring a person can see in both themes (Fyne's
// tint is 1.2–1.3:1), drawn on their edge as Fyne draws a focused entry's.
func TestFocusedControlsAreRinged(t *testing.T) {
	for _, choice := range []string{ThemeLight, ThemeDark} {
		t.Run(choice, func(t *testing.T) {
			h := unlocked(t)
			h.ui.settings.Theme = choice
			h.ui.applyTheme()
			h.ui.s.main.tabs.SelectIndex(5)
			controls := []fyne.Focusable{
				find(h, "select", func(*selectField) bool { return true }),
				find(h, "check", func(*checkField) bool { return true }),
			}
			for _, c := range controls {
				h.w.Canvas().Unfocus()
				if h.ringedAt(c.(fyne.CanvasObject), 0) {
					t.Errorf("%T: ring drawn before it has the focus", c)
				}
				h.w.Canvas().Focus(c)
				if !h.ringedAt(c.(fyne.CanvasObject), 0) {
					t.Errorf("%T: no visible ring while focused", c)
				}
			}
		})
	}
}

// TestAdvancedOptionsFromTheKeyboard: Space on "Advanced options" unfolds
// them and leaves the focus there (Fyne's accordion dropped it, so the
// next Tab started at the window's top); the next Tab goes into them.
func TestAdvancedOptionsFromTheKeyboard(t *testing.T) {
	h := unlocked(t)
	h.shortcut(shortcutAdd)
	a := h.ui.s.main.add
	h.w.Canvas().Focus(a.advanced.toggle)
	h.key(fyne.KeySpace)
	if !a.advanced.open() {
		t.Fatal("Space did not unfold the advanced options")
	}
	if h.focusedButton() != a.advanced.toggle || !h.ringed(a.advanced.toggle) {
		t.Fatalf("focused after unfolding: %T, want the ringed toggle", h.w.Canvas().Focused())
	}
	h.tab(false)
	if h.w.Canvas().Focused() != fyne.Focusable(a.typ) {
		t.Errorf("Tab after unfolding went to %T, want the first option (Type)", h.w.Canvas().Focused())
	}
	h.w.Canvas().Focus(a.advanced.toggle)
	h.key(fyne.KeyReturn)
	if a.advanced.open() {
		t.Error("Enter did not fold the advanced options again")
	}
}
