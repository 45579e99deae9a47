package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/vault"
)

// githubSecret is githubURI's secret.
const githubSecret = "JBSWY3DPEHPK3PXP"

// exportDialog opens the export dialog on format i.
func (h *harness) exportDialog(i int) (*selectField, *widget.Button) {
	h.t.Helper()
	h.ui.showExport()
	sel := find(h, "format select", func(s *selectField) bool { return len(s.Options) == len(exportFormats) })
	sel.SetSelectedIndex(i)
	return sel, h.dialogButton("Export…")
}

// TestImportExportShortcuts: Ctrl+I imports (the file chooser opens)
// and Ctrl+E exports; they were reachable only through the menu bar.
func TestImportExportShortcuts(t *testing.T) {
	h := unlocked(t, githubURI)
	h.shortcut(shortcutImport)
	if h.picked != 1 {
		t.Errorf("Ctrl+I: the file chooser opened %d times", h.picked)
	}
	h.shortcut(shortcutExport)
	find(h, "format select", func(s *selectField) bool { return len(s.Options) == len(exportFormats) })
}

func (h *harness) check(prefix string) *checkField {
	h.t.Helper()
	return find(h, "check "+prefix, func(c *checkField) bool { return len(c.Text) >= len(prefix) && c.Text[:len(prefix)] == prefix })
}

func TestExportNeedsConfirmationOfClearText(t *testing.T) {
	h := unlocked(t, githubURI)
	h.pick = filepath.Join(h.dir, "out.txt")
	sel, export := h.exportDialog(0)
	h.mustSee("holds the secrets of all your accounts in the clear")
	if !export.Disabled() {
		t.Fatal("Export is enabled before the clear-text confirmation")
	}
	test.Tap(export)
	if h.picked != 0 {
		t.Fatal("a disabled Export asked for a file")
	}
	test.Tap(h.check("I understand"))
	if export.Disabled() {
		t.Fatal("Export stays disabled after the confirmation")
	}

	// Encrypted Aegis: no confirmation, but a password typed twice.
	sel.SetSelectedIndex(2)
	h.mustNotSee("in the clear")
	if !export.Disabled() {
		t.Fatal("encrypted export enabled without a password")
	}
	test.Type(h.entry("Password for the export"), "pw")
	test.Type(h.entry("The same password"), "pX")
	if !export.Disabled() {
		t.Fatal("encrypted export enabled with passwords that differ")
	}
	h.entry("The same password").SetText("pw")
	if export.Disabled() {
		t.Fatal("encrypted export disabled with a password")
	}
	test.Tap(h.dialogButton("Cancel"))
	if h.picked != 0 {
		t.Error("Cancel asked for a file")
	}
}

// TestExportRoundTrip exports the vault in every format and, except the
// PDF, imports the file back: every account is a duplicate of itself
// (same names and secrets).
func TestExportRoundTrip(t *testing.T) {
	h := unlocked(t, githubURI, pypiURI, "Work|"+acmeURI)
	for i, f := range exportFormats {
		t.Run(f.file, func(t *testing.T) {
			h.pick = filepath.Join(h.dir, f.file)
			if err := os.WriteFile(h.pick, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, export := h.exportDialog(i)
			if f.encrypted {
				h.entry("Password for the export").SetText("steed-subtly-preformed-herring-perch")
				h.entry("The same password").SetText("steed-subtly-preformed-herring-perch")
			} else {
				test.Tap(h.check("I understand"))
			}
			test.Tap(export)
			h.work.flush()
			h.mustSee("Exported 3 accounts to " + f.file)
			fi, err := os.Stat(h.pick)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", fi.Mode())
			}
			if left, _ := filepath.Glob(filepath.Join(h.dir, "."+f.file+"*")); len(left) > 0 {
				t.Errorf("temporary files left behind: %q", left)
			}
			if filepath.Ext(f.file) == ".pdf" {
				return
			}
			h.ui.showImport()
			h.work.flush()
			if f.encrypted {
				label := "Export password"
				if f.create != nil {
					label = "Password of the KeePass file"
				}
				h.entry(label).SetText("steed-subtly-preformed-herring-perch")
				test.Tap(h.dialogButton("Decrypt"))
				h.work.flush()
			}
			h.mustSee("0 new, 3 already in the vault, 0 cannot be imported")
			test.Tap(h.dialogButton("Close"))
		})
	}
}

func TestExportExplainsWhatAFormatCannotCarry(t *testing.T) {
	h := unlocked(t, "otpauth://totp/Slow:me?secret=JBSWY3DPEHPK3PXP&issuer=Slow&period=60")
	h.pick = filepath.Join(h.dir, "g.png")
	_, export := h.exportDialog(3)
	test.Tap(h.check("I understand"))
	test.Tap(export)
	h.work.flush()
	h.mustSee("This format cannot carry these accounts")
	if _, err := os.Stat(h.pick); err == nil {
		t.Error("a failed export left a file")
	}
}

// TestExportRecoveryKit prints the kit from the window and reads it with
// pdftotext: the vault's location, the unused recovery codes (not the
// used one) and the key inventory; account secrets only when asked for.
func TestExportRecoveryKit(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is needed in CI (Debian package poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	h := unlocked(t, githubURI)
	st := h.ui.s.v.(*vault.Store)
	set, err := st.AddRecoveryCodes("PyPI", "me", nil, []string{"aaaa-1111", "bbbb-2222", "cccc-3333"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.UseRecoveryCode(set.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordSecurityKey("Blue key", "ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5"); err != nil {
		t.Fatal(err)
	}
	kit := slices.IndexFunc(exportFormats, func(f exportFormat) bool { return f.kit })
	read := func(name string, secrets bool) string {
		h.pick = filepath.Join(h.dir, name)
		_, export := h.exportDialog(kit)
		h.mustSee("holds your unused recovery codes in the clear")
		if secrets {
			test.Tap(h.check("Add each account's QR code"))
			h.mustSee("and the secrets of all your accounts in the clear")
		}
		test.Tap(h.check("I understand"))
		test.Tap(export)
		h.work.flush()
		out, err := exec.Command(pdftotext, "-layout", h.pick, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	text := read("kit.pdf", false)
	for _, want := range []string{filepath.Base(h.path), "PyPI", "bbbb-2222", "cccc-3333", "Blue key", "GitHub"} {
		if !strings.Contains(text, want) {
			t.Errorf("the kit lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"aaaa-1111", githubSecret} {
		if strings.Contains(text, bad) {
			t.Errorf("the kit holds %q, which it must not", bad)
		}
	}
	if text := read("kit-secrets.pdf", true); !strings.Contains(strings.ReplaceAll(text, " ", ""), githubSecret) {
		t.Errorf("asked for account secrets, the kit lacks GitHub's:\n%s", text)
	}
}
