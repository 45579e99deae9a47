package app

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// createScreen opens the window on the first-run screen and goes on to
// "Create your vault".
func (h *harness) createScreen() {
	h.t.Helper()
	h.open()
	test.Tap(h.button("Create a new vault"))
	h.mustSee("Create your vault")
}

// barColour is the colour the strength bar is drawn in: a pixel of its
// filled part, in the window's rendering.
func (h *harness) barColour() color.Color {
	h.t.Helper()
	bar := find(h, "strength bar", func(*widget.ProgressBar) bool { return true })
	img := h.capture()
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(bar)
	return img.At(int(p.X+bar.Size().Width/10), int(p.Y+bar.Size().Height/2))
}

// themeColour is n in the window's current theme.
func themeColour(n fyne.ThemeColorName) color.Color {
	s := fyne.CurrentApp().Settings()
	return s.Theme().Color(n, s.ThemeVariant())
}

func sameColour(a, b color.Color) bool {
	x, y := color.NRGBAModel.Convert(a).(color.NRGBA), color.NRGBAModel.Convert(b).(color.NRGBA)
	near := func(p, q uint8) bool { return max(p, q)-min(p, q) <= 2 }
	return near(x.R, y.R) && near(x.G, y.G) && near(x.B, y.B) && near(x.A, y.A)
}

// TestCreateAsksBeforeAWeakPassword: the strength bar is drawn in the
// colour of its verdict (it was blue for a very weak password), and
// Create asks before it makes a vault with a password rated below
// Strong (a very weak one was taken without a word); a strong one is
// taken at once.
func TestCreateAsksBeforeAWeakPassword(t *testing.T) {
	for _, tc := range []struct {
		password, label string
		colour          fyne.ThemeColorName
		asks            bool
	}{
		{"abc", "Poor", theme.ColorNameError, true},
		{"Tr0ub4dor&3", "Weak", theme.ColorNameWarning, true}, // "very strong" to zxcvbn's own score
		{"steed-subtly-preformed-herring-perch", "Good", theme.ColorNameSuccess, false},
		{"steed-subtly-preformed-herring-perch-confusing", "Excellent", theme.ColorNameSuccess, false},
	} {
		t.Run(tc.label, func(t *testing.T) {
			h := newHarness(t)
			h.createScreen()
			test.Type(h.entry("Password"), tc.password)
			test.Type(h.entry("Repeat"), tc.password)
			h.mustSee("Strength: " + tc.label + " (")
			if got, want := h.barColour(), themeColour(tc.colour); !sameColour(got, want) {
				t.Errorf("the strength bar is drawn in %v, want %s %v", got, tc.colour, want)
			}
			test.Tap(h.button("Create vault"))
			if got := h.hasText("This password is weak"); got != tc.asks {
				t.Fatalf("asked about the password: %v, want %v; texts %q", got, tc.asks, h.texts())
			}
			if tc.asks {
				if len(h.work.jobs) != 0 {
					t.Fatal("the vault is being created while Create asks")
				}
				test.Tap(h.dialogButton("Use it anyway"))
			}
			h.mustSee("Creating the vault")
			h.work.flush()
			s, err := vault.Open(h.path, vault.Credentials{Password: []byte(tc.password)}, nil)
			if err != nil {
				t.Fatalf("the new vault does not open with its password: %v", err)
			}
			s.Lock()
		})
	}
}

// TestWeakPasswordQuestionFromTheKeyboard: Enter in the repeat field
// asks about a very weak password with "Change password" focused;
// Escape goes back to the password field and creates nothing, and the
// vault is made only on an explicit "Use it anyway".
func TestWeakPasswordQuestionFromTheKeyboard(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	pw, again := h.entry("Password"), h.entry("Repeat")
	test.Type(pw, "abc")
	test.Type(again, "abc")
	h.w.Canvas().Focus(again)
	h.key(fyne.KeyReturn)
	h.mustSee("This password is weak: the estimate rates it poor (about 2 bits; good starts at 65).")
	if b := h.focusedButton(); b == nil || b.Text != "Change password" || !h.ringed(b) {
		t.Fatalf("focused when asked: %v, want Change password with its ring", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyEscape)
	h.mustNotSee("This password is weak")
	if len(h.work.jobs) != 0 {
		t.Fatal("Escape created the vault")
	}
	if h.w.Canvas().Focused() != pw {
		t.Errorf("focused after Escape: %T, want the password field", h.w.Canvas().Focused())
	}

	h.w.Canvas().Focus(again)
	h.key(fyne.KeyReturn)
	h.key(fyne.KeyReturn) // on Change password
	h.mustNotSee("This password is weak")
	if len(h.work.jobs) != 0 {
		t.Fatal("Enter on Change password created the vault")
	}

	h.w.Canvas().Focus(again)
	h.key(fyne.KeyReturn)
	h.w.Canvas().FocusNext()
	if b := h.focusedButton(); b == nil || b.Text != "Use it anyway" {
		t.Fatalf("after Tab: focused %v, want Use it anyway", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyReturn)
	h.mustSee("Creating the vault")
	h.work.flush()
	h.mustSee("No accounts yet")
	if _, err := os.Stat(h.path); err != nil {
		t.Fatalf("no vault file after Use it anyway: %v", err)
	}
}

// at is where o is in the window once the window has laid itself out
// again, as the desktop driver does on its next frames (the test canvas
// does not when a line appears or goes; a wrapped label measures its
// height at the width of the layout before).
func (h *harness) at(o fyne.CanvasObject) fyne.Position {
	for range 3 {
		relayout(h.w.Content())
	}
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// TestCreateButtonsStayPut: while a person types, the strength bar and
// "The passwords differ" appear and go, and nothing moves: the form was
// centred in the window, so every button moved by 20–40 px and a click
// aimed at "Create vault" landed in the key file field (GUI QA).
func TestCreateButtonsStayPut(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	create := find(h, "Create vault", func(b *button) bool { return b.Text == "Create vault" })
	keyFile := h.entry("Key file")
	wantCreate, wantKeyFile := h.at(create), h.at(keyFile)
	check := func(when string) {
		t.Helper()
		if got := h.at(create); got != wantCreate {
			t.Errorf("%s: Create vault is at %v, was at %v", when, got, wantCreate)
		}
		if got := h.at(keyFile); got != wantKeyFile {
			t.Errorf("%s: the key file field is at %v, was at %v", when, got, wantKeyFile)
		}
	}
	pw, again := h.entry("Password"), h.entry("Repeat")
	test.Type(pw, "tulip-marble")
	h.mustSee("Strength: Poor")
	check("with the strength bar shown")
	test.Type(again, "tulip-marbel")
	test.Tap(h.button("Create vault"))
	h.mustSee("The passwords differ")
	check("with the passwords differing")
	again.SetText("")
	test.Type(again, "tulip-marble")
	h.mustNotSee("The passwords differ")
	check("once the passwords are the same")
	pw.SetText("")
	h.mustSee("Strength: type a password")
	check("with the password cleared")
}

// TestCreateScreenFrozenWhileCreating: while the vault is being made,
// nothing on the screen can be pressed or typed into. QA: Suggest a
// passphrase, pressed then, filled both fields with a new passphrase
// beside "Write this passphrase down", while the vault took the password
// typed before, locking out whoever wrote down what they were shown; Back
// left the screen, and the finished vault opened over the next one.
// Afterwards the vault opens with the password typed, and a failure
// gives the controls back.
func TestCreateScreenFrozenWhileCreating(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	const typed = "steed-subtly-preformed-herring-perch"
	test.Type(h.entry("Password"), typed)
	test.Type(h.entry("Repeat"), typed)
	test.Tap(h.button("Create vault"))
	h.mustSee("Creating the vault")
	for _, label := range []string{"Suggest a passphrase", "Back", "Folder…", "Browse…", "Create vault"} {
		if b := h.button(label); !b.Disabled() {
			t.Errorf("%s can be pressed while the vault is created", label)
		}
	}
	test.Tap(h.button("Suggest a passphrase"))
	test.Tap(h.button("Back"))
	if got := h.entry("Password").Text; got != typed {
		t.Fatalf("the password field shows %q while the vault takes %q", got, typed)
	}
	for _, e := range []string{"Password", "Repeat", "Key file"} {
		if !h.entry(e).Disabled() {
			t.Errorf("the %s field can be typed into while the vault is created", e)
		}
	}
	h.work.flush()
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(typed)}, nil)
	if err != nil {
		t.Fatalf("the new vault does not open with the password typed: %v", err)
	}
	s.Lock()
	if !h.ui.Unlocked() {
		t.Error("the new vault was not opened")
	}
}

// TestCreateFailureGivesTheControlsBack: a vault that cannot be made
// (here: a file appeared at the location meanwhile) says why, and every
// control can be used again.
func TestCreateFailureGivesTheControlsBack(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	test.Type(h.entry("Password"), "steed-subtly-preformed-herring-perch")
	test.Type(h.entry("Repeat"), "steed-subtly-preformed-herring-perch")
	test.Tap(h.button("Create vault"))
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.path, []byte("someone else's"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.work.flush()
	h.mustSee("already exists")
	for _, label := range []string{"Suggest a passphrase", "Back", "Folder…", "Browse…", "Create vault"} {
		if h.button(label).Disabled() {
			t.Errorf("%s stays disabled after a failure", label)
		}
	}
	if h.entry("Password").Disabled() {
		t.Error("the password field stays disabled after a failure")
	}
}

// TestFinishedWorkKeepsTheScreenTheWindowMovedTo: a vault made or opened
// after the window has moved on to another screen is locked, not shown
// over it.
func TestFinishedWorkKeepsTheScreenTheWindowMovedTo(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	test.Type(h.entry("Password"), "steed-subtly-preformed-herring-perch")
	test.Type(h.entry("Repeat"), "steed-subtly-preformed-herring-perch")
	test.Tap(h.button("Create vault"))
	h.ui.showWelcome()
	h.work.flush()
	if h.ui.Unlocked() {
		t.Fatal("the vault made meanwhile replaced the screen the window moved to")
	}
	h.mustSee("Welcome to Twofold")

	h.ui.showUnlock()
	test.Type(h.entry("Password"), "steed-subtly-preformed-herring-perch")
	test.Tap(h.button("Unlock"))
	h.ui.showWelcome()
	h.work.flush()
	if h.ui.Unlocked() {
		t.Fatal("the vault opened meanwhile replaced the screen the window moved to")
	}
	h.mustSee("Welcome to Twofold")
}

// location is the create screen's Location field (the one entry without
// a placeholder).
func (h *harness) location() *entry {
	h.t.Helper()
	return find(h, "location", func(e *entry) bool { return e.PlaceHolder == "" })
}

// TestSuggestionAdviceGoesWithTheSuggestion: "Write this passphrase
// down…" describes the suggested passphrase, and goes as soon as either
// password field no longer holds it: it stayed under an emptied or
// different password (QA). A new suggestion brings it back.
func TestSuggestionAdviceGoesWithTheSuggestion(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	const advice = "Write this passphrase down"
	h.mustNotSee(advice)
	for _, edit := range []struct {
		what string
		do   func()
	}{
		{"typed on in the password", func() { test.Type(h.entry("Password"), "x") }},
		{"emptied the password", func() { h.entry("Password").SetText("") }},
		{"typed in the repeat field", func() { test.Type(h.entry("Repeat"), "x") }},
		{"emptied the repeat field", func() { h.entry("Repeat").SetText("") }},
	} {
		test.Tap(h.button("Suggest a passphrase"))
		test.Tap(h.button("Suggest a passphrase")) // a second suggestion replaces the first
		h.mustSee(advice)
		edit.do()
		if h.hasText(advice) {
			t.Errorf("%s: the advice about the suggested passphrase stays", edit.what)
		}
	}
}

// TestCreateProblemsGoWhenTheCauseIsFixed: a problem below the create
// form goes once the input it is about is changed, as a field's error
// does (TestFieldErrorGoesWhenTheFieldChanges): "A password or a key
// file is needed" stayed after a password was typed, "A file already
// exists there" after the location changed (QA). Changing another input
// leaves it.
func TestCreateProblemsGoWhenTheCauseIsFixed(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	pw, again, keyFile, location := h.entry("Password"), h.entry("Repeat"), h.entry("Key file"), h.location()

	test.Tap(h.button("Create vault"))
	h.mustSee("A password or a key file is needed")
	location.SetText(location.Text + "x")
	h.mustSee("A password or a key file is needed")
	test.Type(pw, "p")
	h.mustNotSee("A password or a key file is needed")
	pw.SetText("")
	test.Tap(h.button("Create vault"))
	h.mustSee("A password or a key file is needed")
	h.pick = filepath.Join(h.dir, "any.key")
	os.WriteFile(h.pick, []byte("any file will do"), 0o600)
	test.Tap(h.button("Browse…"))
	h.mustNotSee("A password or a key file is needed")

	keyFile.SetText(filepath.Join(h.dir, "gone.key"))
	test.Tap(h.button("Create vault"))
	h.mustSee("The key file is missing")
	test.Type(pw, "p")
	h.mustSee("The key file is missing")
	test.Type(keyFile, "x")
	h.mustNotSee("The key file is missing")
	keyFile.SetText("")

	taken := filepath.Join(h.dir, "taken.kdbx")
	os.WriteFile(taken, []byte("someone's file"), 0o600)
	location.SetText(taken)
	test.Tap(h.button("Suggest a passphrase"))
	test.Tap(h.button("Create vault"))
	h.work.flush()
	h.mustSee("A file already exists there")
	test.Tap(h.button("Suggest a passphrase"))
	h.mustSee("A file already exists there")
	test.Type(location, "x")
	h.mustNotSee("A file already exists there")

	location.SetText("relative.kdbx")
	test.Tap(h.button("Create vault"))
	h.mustSee("the location must be a full path")
	test.Type(again, "x")
	h.mustSee("the location must be a full path")
	location.SetText(taken)
	h.mustNotSee("the location must be a full path")
}

// TestNewVaultGetsTheKdbxExtension: a location typed without the
// extension of KeePass files gets it, in the field, when the field is
// left or Create is pressed (a vault "…/myvault" was made without one,
// and the Open dialogs, which list .kdbx files, could not find it). It
// is added to another ending too; ".kdbx" in any case is kept.
func TestNewVaultGetsTheKdbxExtension(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{"/v/myvault", "/v/myvault.kdbx"},
		{"/v/j.smith", "/v/j.smith.kdbx"},
		{"/v/vault.db", "/v/vault.db.kdbx"},
		{"/v/Vault.KDBX", "/v/Vault.KDBX"},
		{"/v/vault.kdbx", "/v/vault.kdbx"},
		{"/v/folder/", "/v/folder/"}, // names no file: Create says what is wrong
		{"", ""},
	} {
		if got := vaultFileName(tc.typed); got != tc.want {
			t.Errorf("vaultFileName(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}

	h := newHarness(t)
	h.createScreen()
	location, pw := h.location(), h.entry("Password")
	h.w.Canvas().Focus(location)
	location.SetText(filepath.Join(h.dir, "myvault"))
	h.w.Canvas().Focus(pw) // Tab
	if got, want := location.Text, filepath.Join(h.dir, "myvault.kdbx"); got != want {
		t.Errorf("the location reads %s once left, want %s", got, want)
	}

	location.SetText(filepath.Join(h.dir, "second"))
	test.Tap(h.button("Suggest a passphrase"))
	test.Tap(h.button("Create vault"))
	want := filepath.Join(h.dir, "second.kdbx")
	if got := location.Text; got != want {
		t.Errorf("the location reads %s while the vault is made, want %s", got, want)
	}
	h.work.flush()
	h.mustSee("No accounts yet")
	if _, err := os.Stat(want); err != nil {
		t.Errorf("no vault at %s: %v", want, err)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "second")); err == nil {
		t.Error("a vault was made without the .kdbx extension")
	}
}

// TestEnterCreatesFromEveryField: Enter in the location and key file
// fields creates the vault, as it does in the repeat field (it did
// nothing there).
func TestEnterCreatesFromEveryField(t *testing.T) {
	for _, field := range []string{"Location", "Key file", "Repeat"} {
		t.Run(field, func(t *testing.T) {
			h := newHarness(t)
			h.createScreen()
			test.Tap(h.button("Suggest a passphrase"))
			e := h.location()
			if field != "Location" {
				e = h.entry(field)
			}
			h.w.Canvas().Focus(e)
			h.key(fyne.KeyReturn)
			h.mustSee("Creating the vault")
			h.work.flush() // stops the progress bar (Animating is global)
			h.mustSee("No accounts yet")
		})
	}
}

// TestNewVaultRemembersItsKeyFile: a vault made with a key file has it
// filled in on its unlock screen, once locked (as after the next start).
func TestNewVaultRemembersItsKeyFile(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	h.pick = filepath.Join(h.dir, "new.key")
	os.WriteFile(h.pick, []byte("any file will do"), 0o600)
	test.Tap(h.button("Browse…"))
	test.Tap(h.button("Suggest a passphrase"))
	test.Tap(h.button("Create vault"))
	h.work.flush()
	h.mustSee("No accounts yet")
	h.ui.Lock()
	if got := h.entry("Key file").Text; got != h.pick {
		t.Errorf("key file field after locking the new vault: %q, want %q", got, h.pick)
	}
}

// TestCreateRefusesAnEmptyKeyFile: an empty key file is refused, with
// why and what to choose instead, before the weak-password question and
// before any vault is made (it made a vault every empty file unlocks,
// which KeePassXC cannot open); a key file alone too.
func TestCreateRefusesAnEmptyKeyFile(t *testing.T) {
	h := newHarness(t)
	h.createScreen()
	h.pick = filepath.Join(h.dir, "empty.key")
	if err := os.WriteFile(h.pick, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.button("Browse…"))
	for _, password := range []string{"abc", ""} {
		h.entry("Password").SetText(password)
		h.entry("Repeat").SetText(password)
		test.Tap(h.button("Create vault"))
		h.mustSee("The key file is empty")
		h.mustSee("An empty file cannot be a key file")
		h.mustNotSee("This password is weak")
		if len(h.work.jobs) != 0 {
			t.Fatalf("password %q: the vault is being created with an empty key file", password)
		}
	}
	if _, err := os.Stat(h.path); !os.IsNotExist(err) {
		t.Errorf("a vault file was written: %v", err)
	}
}
