package app

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/transfer"
)

// encryptedFormats are the indexes of the export formats that take a
// password.
func encryptedFormats() []int {
	var out []int
	for i, f := range exportFormats {
		if f.encrypted {
			out = append(out, i)
		}
	}
	return out
}

// exportPasswords opens the export dialog on format i and types pw in
// both password fields; it returns the Export button.
func (h *harness) exportPasswords(i int, pw string) *button {
	h.t.Helper()
	h.exportDialog(i)
	test.Type(h.entry("Password for the export"), pw)
	test.Type(h.entry("The same password"), pw)
	return find(h, "Export button", func(b *button) bool { return b.Text == "Export…" })
}

// mustOpenExport imports the exported file at h.pick with pw and checks
// that it holds n accounts.
func (h *harness) mustOpenExport(pw string, n int) {
	h.t.Helper()
	r, err := transfer.ImportFile(h.pick, transfer.Options{Password: func(transfer.Format) (*memguard.LockedBuffer, error) {
		return memguard.NewBufferFromBytes([]byte(pw)), nil
	}})
	if err != nil {
		h.t.Fatalf("the export does not open with its password %q: %v", pw, err)
	}
	defer r.Destroy()
	if len(r.Accounts) != n {
		h.t.Errorf("the export holds %d accounts, want %d", len(r.Accounts), n)
	}
}

// TestExportRatesItsPassword: an encrypted export's password is rated
// as it is typed, with the create screen's bar and verdict (QA: "a" was
// taken with no rating at all); clearing it hides the bar.
func TestExportRatesItsPassword(t *testing.T) {
	for _, tc := range []struct {
		password, label string
		colour          fyne.ThemeColorName
	}{
		{"a", "Poor", theme.ColorNameError},
		{"Tr0ub4dor&3", "Weak", theme.ColorNameWarning},
		{"steed-subtly-preformed-herring-perch", "Good", theme.ColorNameSuccess},
	} {
		t.Run(tc.label, func(t *testing.T) {
			h := unlocked(t, githubURI)
			h.exportDialog(encryptedFormats()[0])
			h.mustSee("Strength: type a password")
			pw := h.entry("Password for the export")
			test.Type(pw, tc.password)
			h.mustSee("Strength: " + tc.label + " (")
			if got, want := h.barColour(), themeColour(tc.colour); !sameColour(got, want) {
				t.Errorf("the strength bar is drawn in %v, want %s %v", got, tc.colour, want)
			}
			pw.SetText("")
			h.mustSee("Strength: type a password")
			if present(h, func(*widget.ProgressBar) bool { return true }) {
				t.Error("the strength bar shows with no password")
			}
		})
	}
}

// TestExportSaysThePasswordsDiffer: while the repeated password differs
// the dialog says so under the fields, and stops saying it once they
// match (QA: Export was only greyed out, with no word why).
func TestExportSaysThePasswordsDiffer(t *testing.T) {
	h := unlocked(t, githubURI)
	export := h.exportPasswords(encryptedFormats()[0], "steed-subtly-preformed-herring-perch")
	h.mustNotSee("The passwords differ")
	again := h.entry("The same password")
	test.Type(again, "x")
	h.mustSee("The passwords differ")
	if !export.Disabled() {
		t.Error("Export is enabled with passwords that differ")
	}
	again.SetText("steed-subtly-preformed-herring-perch")
	h.mustNotSee("The passwords differ")
	if export.Disabled() {
		t.Error("Export stays disabled once the passwords match")
	}
	h.entry("Password for the export").SetText("steed-subtly-preformed-herring-perchr")
	h.mustSee("The passwords differ")
}

// TestExportAsksBeforeAWeakPassword: for each encrypted format, Export
// with a password rated below Strong asks first (QA: "a" was taken
// without a word); "Change password" exports nothing, "Use it anyway"
// exports a file that opens with that password. A strong password is
// taken without a question.
func TestExportAsksBeforeAWeakPassword(t *testing.T) {
	for _, i := range encryptedFormats() {
		f := exportFormats[i]
		t.Run(f.file, func(t *testing.T) {
			h := unlocked(t, githubURI, pypiURI)
			h.pick = filepath.Join(h.dir, f.file)
			export := h.exportPasswords(i, "Tr0ub4dor&3") // Weak
			test.Tap(export)
			h.mustSee("This password is weak: the estimate rates it weak (about 43 bits; good starts at 65).")
			test.Tap(h.dialogButton("Change password"))
			h.mustNotSee("This password is weak")
			h.mustSee("Strength: Weak")
			if h.picked != 0 {
				t.Fatal("Change password went on to export")
			}

			test.Tap(export)
			test.Tap(h.dialogButton("Use it anyway"))
			if h.picked != 1 {
				t.Fatalf("Use it anyway: the file chooser opened %d times, want once", h.picked)
			}
			h.work.flush()
			h.mustSee("Exported 2 accounts to " + f.file)
			h.mustOpenExport("Tr0ub4dor&3", 2)

			h.pick = filepath.Join(h.dir, "strong-"+f.file)
			test.Tap(h.exportPasswords(i, "steed-subtly-preformed-herring-perch"))
			h.mustNotSee("This password is weak")
			if h.picked != 2 {
				t.Fatal("a strong password did not go on to export")
			}
			h.work.flush()
			h.mustOpenExport("steed-subtly-preformed-herring-perch", 2)
		})
	}
}

// TestExportWeakPasswordQuestionFromTheKeyboard: Enter on Export asks
// about a very weak password with "Change password" focused; Escape
// goes back to the export dialog's password field and exports nothing,
// as Enter on Change password does; the export is made only on an
// explicit "Use it anyway".
func TestExportWeakPasswordQuestionFromTheKeyboard(t *testing.T) {
	h := unlocked(t, githubURI)
	kdbx := slices.IndexFunc(exportFormats, func(f exportFormat) bool { return f.create != nil })
	h.pick = filepath.Join(h.dir, "weak.kdbx")
	export := h.exportPasswords(kdbx, "a")
	pw := h.entry("Password for the export")
	ask := func() {
		t.Helper()
		h.w.Canvas().Focus(export)
		h.key(fyne.KeyReturn)
		h.mustSee("This password is weak: the estimate rates it poor (about 2 bits; good starts at 65).")
	}
	ask()
	if b := h.focusedButton(); b == nil || b.Text != "Change password" || !h.ringed(b) {
		t.Fatalf("focused when asked: %v, want Change password with its ring", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyEscape)
	h.mustNotSee("This password is weak")
	h.mustSee("Strength: Poor")
	if h.picked != 0 {
		t.Fatal("Escape went on to export")
	}
	if h.w.Canvas().Focused() != pw {
		t.Errorf("focused after Escape: %T, want the password field", h.w.Canvas().Focused())
	}

	ask()
	h.key(fyne.KeyReturn) // on Change password
	h.mustNotSee("This password is weak")
	if h.picked != 0 {
		t.Fatal("Enter on Change password went on to export")
	}

	ask()
	h.w.Canvas().FocusNext()
	if b := h.focusedButton(); b == nil || b.Text != "Use it anyway" {
		t.Fatalf("after Tab: focused %v, want Use it anyway", h.w.Canvas().Focused())
	}
	h.key(fyne.KeyReturn)
	if h.picked != 1 {
		t.Fatalf("Use it anyway: the file chooser opened %d times, want once", h.picked)
	}
	h.work.flush()
	h.mustSee("Exported 1 account to weak.kdbx")
	h.mustOpenExport("a", 1)
}
