package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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

// TestExportRatesItsPassword: an encrypted export's password is rated
// as it is typed, with the create screen's bar and verdict (QA: "a" was
// taken with no rating at all); clearing it hides the bar.
func TestExportRatesItsPassword(t *testing.T) {
	for _, tc := range []struct {
		password, label string
		colour          fyne.ThemeColorName
	}{
		{"a", "Very weak", theme.ColorNameError},
		{"tulip-marble", "Fair", theme.ColorNameWarning},
		{"purple-monkey-dishwasher", "Strong", theme.ColorNameSuccess},
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
	export := h.exportPasswords(encryptedFormats()[0], "purple-monkey-dishwasher")
	h.mustNotSee("The passwords differ")
	again := h.entry("The same password")
	test.Type(again, "x")
	h.mustSee("The passwords differ")
	if !export.Disabled() {
		t.Error("Export is enabled with passwords that differ")
	}
	again.SetText("purple-monkey-dishwasher")
	h.mustNotSee("The passwords differ")
	if export.Disabled() {
		t.Error("Export stays disabled once the passwords match")
	}
	h.entry("Password for the export").SetText("purple-monkey-dishwasherr")
	h.mustSee("The passwords differ")
}
