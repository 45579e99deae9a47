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
